/*
 * siting_lp.c - the siting instance as a CPLEX LP file for an external
 * solver (glpsol, CBC): the same model the optimiser solves, required sites
 * forced open, the built sites' coverage as a stated constant.
 *
 * Entry points: pl_siting_lp.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ==== the LP for glpsol ===================================================== */

/* Text from the data inside an LP comment line: a line break or other
 * control byte would end the comment and make the rest LP statements, so
 * each becomes a space. */
static void lp_comment(pl_buf *b, const char *s)
{
    for (; s && *s; s++)
        pl_buf_putn(b, (unsigned char)*s < 0x20 ? " " : s, 1);
}

/* The LP's variables x<i>: what the choice may open (a feasible candidate
 * reaching some demand, outside every built site's separation) and the
 * required sites.  Returns calloc'd flags, or NULL out of memory. */
static char *lp_usable(const pl_siting_cfg *c, const pl_siting *st)
{
    char *usable = calloc(st->n ? st->n : 1, 1);
    for (size_t i = 0; usable && i < st->n; i++) {
        const pl_site *s = &st->a[i];
        usable[i] = !s->existing && s->feasible && (s->required || s->n_reach > 0);
        for (size_t j = 0; usable[i] && !s->required && c->min_sep_m > 0 && j < st->n; j++)
            if (st->a[j].existing && hypot(st->a[j].x - s->x, st->a[j].y - s->y) < c->min_sep_m)
                usable[i] = 0;
    }
    return usable;
}

/* The coverage lists turned round, usable sites only: the sites reaching
 * demand point d are by[off[d] .. off[d+1]), ascending.  Returns 0, or -1
 * out of memory (both NULL). */
static int lp_by_demand(const pl_siting *st, const char *usable, size_t **off, size_t **by)
{
    *off = calloc(st->n_dem + 2, sizeof **off);
    *by = malloc((st->cover_off[st->n] ? st->cover_off[st->n] : 1) * sizeof **by);
    if (!*off || !*by) {
        free(*off);
        free(*by);
        *off = *by = NULL;
        return -1;
    }
    for (size_t i = 0; i < st->n; i++)
        for (size_t k = st->cover_off[i]; usable[i] && k < st->cover_off[i + 1]; k++)
            (*off)[st->cover_idx[k] + 2]++;
    for (size_t d = 0; d < st->n_dem; d++)
        (*off)[d + 2] += (*off)[d + 1];
    for (size_t i = 0; i < st->n; i++) /* off[d + 1] is the fill point of d */
        for (size_t k = st->cover_off[i]; usable[i] && k < st->cover_off[i + 1]; k++)
            (*by)[(*off)[st->cover_idx[k] + 1]++] = i;
    return 0;
}

static void lp_head(pl_buf *b, const pl_plan *p, const pl_siting *st, const char *usable, double constant)
{
    pl_buf_puts(b, "\\ Maximal covering siting instance of scenario ");
    lp_comment(b, p->sc->name);
    pl_buf_printf(b, ", written by planner %s\n", PL_VERSION);
    pl_buf_printf(b, "\\ x<i>: open candidate i (see the comment lines); y<d>: demand point d covered.\n");
    pl_buf_puts(b, "\\ Demand already covered by built sites is left out: its weight is ");
    pl_buf_num(b, constant, 6);
    pl_buf_puts(b, ", add it to the objective.\n");
    pl_buf_puts(b, "\\ Required sites (a route ends there) are forced open, req<i>: x<i> = 1, and count\n"
                   "\\ toward the count; a candidate that reaches no demand is left out unless required.\n");
    for (size_t i = 0; i < st->n; i++)
        if (usable[i]) {
            pl_buf_printf(b, "\\ x%zu = ", i);
            lp_comment(b, st->a[i].id);
            pl_buf_puts(b, st->a[i].required ? " (required: a route ends here)\n" : "\n");
        }
}

static void lp_cover_and_count(pl_buf *b, const pl_siting *st, const char *usable, const char *fixed_cov,
                               const size_t *off, const size_t *by)
{
    pl_buf_puts(b, "Maximize\n obj:");
    int any = 0;
    for (size_t d = 0; d < st->n_dem; d++)
        if (!fixed_cov[d]) {
            pl_buf_puts(b, " + ");
            pl_buf_num(b, st->dw[d], 9);
            pl_buf_printf(b, " y%zu", d);
            any = 1;
        }
    if (!any)
        pl_buf_puts(b, " 0 x0");
    pl_buf_puts(b, "\nSubject To\n");
    for (size_t d = 0; d < st->n_dem; d++) {
        if (fixed_cov[d])
            continue;
        pl_buf_printf(b, " cover%zu: y%zu", d, d);
        for (size_t k = off[d]; k < off[d + 1]; k++)
            pl_buf_printf(b, " - x%zu", by[k]);
        pl_buf_puts(b, " <= 0\n");
    }
    pl_buf_puts(b, " count:");
    any = 0;
    for (size_t i = 0; i < st->n; i++)
        if (usable[i]) {
            pl_buf_printf(b, " + x%zu", i);
            any = 1;
        }
    pl_buf_printf(b, "%s <= %zu\n", any ? "" : " 0 y0", st->n_new_max);
}

/* Separation (not between two required sites: routes end at both),
 * quotas, the required sites, bounds and the binaries. */
static void lp_rest(pl_buf *b, const pl_siting_cfg *c, const pl_siting *st, const char *usable, const char *fixed_cov)
{
    for (size_t i = 0; c->min_sep_m > 0 && i < st->n; i++)
        for (size_t j = i + 1; usable[i] && j < st->n; j++)
            if (usable[j] && !(st->a[i].required && st->a[j].required) &&
                hypot(st->a[j].x - st->a[i].x, st->a[j].y - st->a[i].y) < c->min_sep_m)
                pl_buf_printf(b, " sep%zu_%zu: x%zu + x%zu <= 1\n", i, j, i, j);
    for (size_t q = 0; q < c->n_quota; q++) {
        pl_buf_printf(b, " quota%zu:", q);
        for (size_t i = 0; i < st->n; i++)
            if (usable[i] && !strcmp(st->a[i].kind, c->quota_kind[q]))
                pl_buf_printf(b, " + x%zu", i);
        pl_buf_printf(b, " + 0 y0 >= %d\n", c->quota_n[q]);
    }
    for (size_t i = 0; i < st->n; i++)
        if (usable[i] && st->a[i].required)
            pl_buf_printf(b, " req%zu: x%zu = 1\n", i, i);
    pl_buf_puts(b, "Bounds\n");
    for (size_t d = 0; d < st->n_dem; d++)
        if (!fixed_cov[d])
            pl_buf_printf(b, " 0 <= y%zu <= 1\n", d);
    pl_buf_puts(b, "Binary\n");
    for (size_t i = 0; i < st->n; i++)
        if (usable[i])
            pl_buf_printf(b, " x%zu\n", i);
    pl_buf_puts(b, "End\n");
}

int pl_siting_lp(pl_ctx *ctx, const pl_plan *p, const pl_siting *st, pl_buf *b)
{
    const pl_siting_cfg *c = &p->sc->siting;
    double constant = 0;
    char *fixed_cov = calloc(st->n_dem ? st->n_dem : 1, 1), *usable = lp_usable(c, st);
    size_t *off = NULL, *by = NULL;
    if (!fixed_cov || !usable || !st->cover_off || lp_by_demand(st, usable, &off, &by)) {
        free(fixed_cov);
        free(usable);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < st->n; i++) /* built sites' demand: a constant */
        for (size_t k = st->cover_off[i]; st->a[i].existing && k < st->cover_off[i + 1]; k++)
            fixed_cov[st->cover_idx[k]] = 1;
    for (size_t d = 0; d < st->n_dem; d++)
        if (fixed_cov[d])
            constant += st->dw[d];
    lp_head(b, p, st, usable, constant);
    lp_cover_and_count(b, st, usable, fixed_cov, off, by);
    lp_rest(b, c, st, usable, fixed_cov);
    free(fixed_cov);
    free(usable);
    free(off);
    free(by);
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}
