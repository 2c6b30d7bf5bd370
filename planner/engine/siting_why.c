/*
 * siting_why.c - why each open site is open, in one line: demand in reach
 * (count and kinds), the routes that end at it, the alternative it beat;
 * and the note when fewer new sites open than the count allows.
 *
 * Entry points: pl_siting_reasons, pl_siting_note (engine/siting.h).
 */
#include "planner.h"
#include "optimise.h"
#include "siting.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The demand kinds (borrowed) and each demand point's index among them. */
typedef struct kinds {
    const char **a;
    size_t n;
    size_t *of;  /* per demand point */
    size_t *cnt; /* scratch: points per kind */
} kinds;

static int kinds_build(pl_ctx *ctx, const pl_siting *st, kinds *k)
{
    size_t m = st->n_dem ? st->n_dem : 1;
    k->a = calloc(m, sizeof *k->a);
    k->of = calloc(m, sizeof *k->of);
    k->cnt = calloc(m, sizeof *k->cnt);
    if (!k->a || !k->of || !k->cnt)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t d = 0; d < st->n_dem; d++) {
        size_t q = 0;
        while (q < k->n && strcmp(k->a[q], st->dem_kind[d]))
            q++;
        if (q == k->n)
            k->a[k->n++] = st->dem_kind[d];
        k->of[d] = q;
    }
    return PL_OK;
}

static void kinds_free(kinds *k)
{
    free(k->a);
    free(k->of);
    free(k->cnt);
}

/* "3 demand points in reach (2 scenic_spot, 1 town_centre; weight 23, 7
 * only here)": the kinds by count, then by first appearance. */
static void demand_words(pl_buf *b, const pl_siting *st, size_t i, kinds *k)
{
    const pl_site *s = &st->a[i];
    if (!s->n_reach) {
        pl_buf_puts(b, "no demand in reach");
        return;
    }
    memset(k->cnt, 0, (k->n ? k->n : 1) * sizeof *k->cnt);
    for (size_t j = st->cover_off[i]; j < st->cover_off[i + 1]; j++)
        k->cnt[k->of[st->cover_idx[j]]]++;
    pl_buf_printf(b, "%zu demand point%s in reach (", s->n_reach, s->n_reach == 1 ? "" : "s");
    for (size_t shown = 0;; shown++) {
        size_t best = k->n;
        for (size_t q = 0; q < k->n; q++)
            if (k->cnt[q] && (best == k->n || k->cnt[q] > k->cnt[best]))
                best = q;
        if (best == k->n)
            break;
        pl_buf_printf(b, "%s%zu %s", shown ? ", " : "", k->cnt[best], k->a[best]);
        k->cnt[best] = 0;
    }
    pl_buf_printf(b, "; weight %g, %g only here)", s->covered_w, s->only_w);
}

/* One line for the open site i: built, required or chosen; its demand;
 * its route ends; for a chosen one the alternative it beat and its quota. */
static void site_reason(const pl_siting_cfg *c, pl_siting *st, size_t i, const pl_sit_result *res, kinds *k)
{
    pl_site *s = &st->a[i];
    pl_buf *b = &s->reason;
    if (s->existing)
        pl_buf_puts(b, "built: kept; ");
    else if (s->required)
        pl_buf_printf(b, "required: route ends %s; ", s->ends.n ? s->ends.s : "");
    else
        pl_buf_puts(b, "chosen: ");
    demand_words(b, st, i, k);
    if (!s->required && s->ends.n)
        pl_buf_printf(b, "; route ends %s", s->ends.s);
    if (s->existing || s->required)
        return;
    long a = res->alt[i];
    const char *tie = fabs(res->alt_adds[i] - res->adds[i]) <= 1e-9 * fmax(1, fabs(res->adds[i]))
                          ? ": a tie" : "";
    if (a < 0)
        pl_buf_puts(b, "; no other candidate could take its place");
    else if (c->objective == PL_OBJ_MEDIAN)
        pl_buf_printf(b, "; beat %s (%g in reach; in its place it would cut the weighted distance by %.0f, "
                         "this one by %.0f%s)",
                      st->a[a].id, st->a[a].covered_w, res->alt_adds[i], res->adds[i], tie);
    else
        pl_buf_printf(b, "; beat %s (%g in reach; in its place it would add %g%s)", st->a[a].id,
                      st->a[a].covered_w, res->alt_adds[i], tie);
    for (size_t q = 0; q < c->n_quota; q++)
        if (!strcmp(s->kind, c->quota_kind[q]))
            pl_buf_printf(b, "; counts toward the quota of %d %s", c->quota_n[q], c->quota_kind[q]);
}

int pl_siting_reasons(pl_ctx *ctx, const pl_siting_cfg *c, pl_siting *st, const pl_sit_result *res)
{
    kinds k = {0};
    int rc = st->cover_off ? kinds_build(ctx, st, &k) : PL_OK;
    for (size_t i = 0; rc == PL_OK && st->cover_off && i < st->n; i++)
        if (st->a[i].open)
            site_reason(c, st, i, res, &k);
    kinds_free(&k);
    for (size_t i = 0; rc == PL_OK && i < st->n; i++)
        if (st->a[i].reason.oom)
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
    return rc;
}

/* Why fewer new sites are open than the count allows, in st->note. */
void pl_siting_note(pl_siting *st)
{
    if (st->n_new >= st->n_new_max)
        return;
    size_t unplaced = st->n_new_max - st->n_new - st->n_dropped;
    pl_buf_printf(&st->note, "%zu of the %zu new sites the count allows are open", st->n_new, st->n_new_max);
    if (st->n_dropped)
        pl_buf_printf(&st->note,
                      "; %zu more that the choice held would add nothing (no demand another open site "
                      "does not reach, no route end), so the count is not padded",
                      st->n_dropped);
    if (unplaced)
        pl_buf_printf(&st->note,
                      "; %zu could not be placed: separation and quotas leave no eligible candidate (feasible "
                      "and reaching demand)",
                      unplaced);
}
