/*
 * separation.c - two routes' separation: lateral, edge to edge, by the
 * scenario's lateral_separation_m; where the corridors come closer, by
 * altitude (crossings at one level are separated by flight level,
 * CCAR-92 (2024) 92.509-92.515); and by time, where both have a window.
 *
 * Entry points: pl_route_separation.
 *
 * The close part of each route is its centreline inside the other's
 * centreline grown by half-width + half-width + separation (outward, the
 * one corridor); the bands of both over their close parts are compared by
 * the one altitude rule.  Validate (a proposal against the plan's routes)
 * and the plan (its routes among themselves) both ask this.
 */
#include "planner.h"

#include <math.h>
#include <string.h>

/* 1 unless both have a time window and the windows do not overlap */
static int windows_overlap(const pl_route *a, const pl_route *b)
{
    if (!a->time_from || !a->time_to || !b->time_from || !b->time_to)
        return 1; /* only when both sides have a window can time separate them */
    /* ISO 8601 text of the same form compares in time order */
    return strcmp(a->time_from, b->time_to) < 0 && strcmp(b->time_from, a->time_to) < 0;
}

int pl_route_separation(pl_ctx *ctx, const pl_route *a, const pl_route *b, double lateral_m, pl_sep *s)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    memset(s, 0, sizeof *s);
    s->need_m = a->half_width_m + b->half_width_m + lateral_m;
    s->a_lo = s->b_lo = INFINITY;
    s->a_hi = s->b_hi = -INFINITY;
    if (!GEOSDistance_r(h, a->line, b->line, &s->d_m))
        return pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx));
    if (s->d_m >= s->need_m || !windows_overlap(a, b))
        return PL_OK;
    GEOSGeometry *near_b = pl_corridor(ctx, b->line, s->need_m), *near_a = pl_corridor(ctx, a->line, s->need_m);
    double la, lb;
    int rc = (!near_a || !near_b) ? pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx))
                                  : pl_route_band_in(ctx, a, near_b, &s->a_lo, &s->a_hi, &la);
    if (rc == PL_OK)
        rc = pl_route_band_in(ctx, b, near_a, &s->b_lo, &s->b_hi, &lb);
    if (near_a)
        GEOSGeom_destroy_r(h, near_a);
    if (near_b)
        GEOSGeom_destroy_r(h, near_b);
    if (rc != PL_OK)
        return rc;
    if (!isfinite(s->a_lo) || !isfinite(s->b_lo))
        return PL_OK; /* the buffers' chords missed a tangent pass: no length to compare */
    s->close = 1;
    GEOSCoordSequence *np = GEOSNearestPoints_r(h, a->line, b->line);
    if (np) {
        GEOSCoordSeq_getXY_r(h, np, 0, &s->at[0], &s->at[1]);
        GEOSCoordSeq_destroy_r(h, np);
    }
    s->level_conflict = pl_band_enters(s->a_lo, s->a_hi, s->b_lo, s->b_hi);
    return PL_OK;
}
