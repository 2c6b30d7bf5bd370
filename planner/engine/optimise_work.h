/*
 * optimise_work.h - the optimiser's working state, shared by optimise.c
 * (the choice) and optimise_bound.c (the Lagrangian bounds).  Inside the
 * engine only.
 */
#ifndef PL_OPTIMISE_WORK_H
#define PL_OPTIMISE_WORK_H

#include "optimise.h"

#define EPS 1e-9

typedef struct work {
    const pl_sit_inst *in;
    size_t *off, *idx;   /* CSR: demand covered by each candidate */
    int *elig;           /* candidate may be chosen as new */
    size_t n_elig;
    int *given;          /* open from the start: built or required */
    size_t n_req;        /* required sites (inside p) */
    size_t p_free;       /* p less the required sites: what the choice places */
    int *open;           /* current open flags */
    int *cnt;            /* coverage count per demand point */
    size_t *nkind;       /* new sites open per kind */
    size_t *olist;       /* indices of the open sites */
    size_t n_open;
} work;

static inline double d2(double ax, double ay, double bx, double by)
{
    return (ax - bx) * (ax - bx) + (ay - by) * (ay - by);
}

/* The Lagrangian bound of the objective for sets of at most p sites
 * (separation and quotas relaxed, so it holds for every set the
 * constraints allow, smaller sets included) into res->bound and
 * res->iterations. */
void pl_opt_lagrangian(work *w, pl_sit_result *res);

#endif
