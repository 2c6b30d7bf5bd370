/*
 * batch.c - a batch of proposals validated on an open plan: read, the
 * zones of a zone index read near them when they wait (zindex.c), checked.
 *
 * Entry points: pl_plan_validate, pl_batch_free.
 */
#include "planner.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int pl_plan_validate(pl_ctx *ctx, pl_plan *p, char **files, char **names, size_t n_files, int shift,
                     int threads, int want, pl_batch *b)
{
    memset(b, 0, sizeof *b);
    b->n_files = n_files;
    double t0 = clock_ms(), t1 = t0, lon, lat; /* set-up: the reasons' lon/lat transformer, made once */
    int rc = pl_proposals_load(ctx, p, files, names, n_files, shift, &b->decls, &b->layers, &b->props);
    for (size_t i = 0; rc == PL_OK && i < n_files; i++)
        if (b->layers[i]->n_read == 0) /* else "0 proposals", exit 0: free for nothing read */
            rc = pl_error(ctx, PL_PARSE, "%s: no proposal in it (no feature read): nothing to validate", b->decls[i].path);
    double tz = clock_ms();
    if (rc == PL_OK)
        rc = pl_plan_zones_near(ctx, p, b->props, &b->note); /* an index's zones: those near the proposals */
    b->zones_ms = clock_ms() - tz;
    if (rc == PL_OK)
        rc = pl_export_lonlat(ctx, p, 0, 0, &lon, &lat);
    if (rc == PL_OK && !(b->res = calloc(b->props->n ? b->props->n : 1, sizeof *b->res)))
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    if (rc == PL_OK) {
        t1 = clock_ms();
        rc = pl_validate(ctx, p, b->props, b->res, threads, want);
    }
    if (rc != PL_OK)
        return pl_errcode(ctx) ? pl_errcode(ctx) : pl_error(ctx, PL_NOMEM, "out of memory");
    b->read_ms = t1 - t0 - b->zones_ms;
    b->check_ms = clock_ms() - t1;
    for (size_t i = 0; i < b->props->n; i++)
        b->counts[b->res[i].verdict]++;
    return PL_OK;
}

void pl_batch_free(pl_ctx *ctx, pl_batch *b)
{
    for (size_t i = 0; b->res && b->props && i < b->props->n; i++)
        pl_proposal_result_free(&b->res[i]);
    free(b->res);
    pl_routes_free(ctx, b->props);
    for (size_t i = 0; b->layers && i < b->n_files; i++)
        pl_layer_free(ctx, b->layers[i]);
    free(b->layers);
    free(b->decls);
    pl_buf_free(&b->note);
    memset(b, 0, sizeof *b);
}
