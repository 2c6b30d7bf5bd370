/*
 * siting.h - what siting.c and siting_why.c share (inside the engine only).
 */
#ifndef PL_SITING_H
#define PL_SITING_H

#include "planner.h"
#include "optimise.h"

/* Each open site's one-line reason into its reason buffer. PL_OK or PL_NOMEM. */
int pl_siting_reasons(pl_ctx *ctx, const pl_siting_cfg *c, pl_siting *st, const pl_sit_result *res);
/* Why fewer new sites are open than the count allows, in st->note. */
void pl_siting_note(pl_siting *st);

#endif
