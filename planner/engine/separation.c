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
 * the one altitude rule.  Around the sites both routes use (discs the
 * caller gives), the routes meet by design: the site's own traffic, not a
 * crossing, so those parts are left out.  Validate (a proposal against the plan's routes)
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

/* g less the discs of radius r around the n points xy (x, y pairs); g
 * itself (a new copy) when n is 0.  NULL on error. */
static GEOSGeometry *less_discs(pl_ctx *ctx, const GEOSGeometry *g, const double *xy, size_t n, double r)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *out = GEOSGeom_clone_r(h, g);
    for (size_t i = 0; out && i < n; i++) {
        GEOSGeometry *pt = pl_geom_point(ctx, xy[2 * i], xy[2 * i + 1]);
        GEOSGeometry *disc = pt ? pl_geom_buffer_out(ctx, pt, r, 16) : NULL;
        GEOSGeometry *d = disc ? GEOSDifference_r(h, out, disc) : NULL;
        if (pt)
            GEOSGeom_destroy_r(h, pt);
        if (disc)
            GEOSGeom_destroy_r(h, disc);
        GEOSGeom_destroy_r(h, out);
        out = d;
    }
    return out;
}

int pl_route_separation(pl_ctx *ctx, const pl_route *a, const pl_route *b, double lateral_m, const double *excl,
                        size_t n_excl, double r_excl, pl_sep *s)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    memset(s, 0, sizeof *s);
    s->need_m = a->half_width_m + b->half_width_m + lateral_m;
    s->a_lo = s->b_lo = INFINITY;
    s->a_hi = s->b_hi = -INFINITY;
    GEOSGeometry *la_ = less_discs(ctx, a->line, excl, n_excl, r_excl), *lb_ = less_discs(ctx, b->line, excl, n_excl, r_excl);
    int rc = la_ && lb_ ? PL_OK : pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx));
    if (rc == PL_OK && (GEOSisEmpty_r(h, la_) || GEOSisEmpty_r(h, lb_)))
        s->d_m = INFINITY; /* all of one is inside a shared site's area */
    else if (rc == PL_OK && !GEOSDistance_r(h, la_, lb_, &s->d_m))
        rc = pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx));
    GEOSGeometry *near_b = NULL, *near_a = NULL, *cb = NULL, *ca = NULL;
    if (rc == PL_OK && s->d_m < s->need_m && windows_overlap(a, b)) {
        cb = pl_corridor(ctx, lb_, s->need_m), ca = pl_corridor(ctx, la_, s->need_m);
        near_b = cb ? less_discs(ctx, cb, excl, n_excl, r_excl) : NULL;
        near_a = ca ? less_discs(ctx, ca, excl, n_excl, r_excl) : NULL;
        double l1, l2;
        rc = (!near_a || !near_b) ? pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx))
                                  : pl_route_band_in(ctx, a, near_b, &s->a_lo, &s->a_hi, &l1);
        if (rc == PL_OK)
            rc = pl_route_band_in(ctx, b, near_a, &s->b_lo, &s->b_hi, &l2);
        s->close = rc == PL_OK && isfinite(s->a_lo) && isfinite(s->b_lo); /* else the buffers' chords missed a
                                                                             tangent pass: nothing to compare */
    }
    GEOSCoordSequence *np = s->close ? GEOSNearestPoints_r(h, la_, lb_) : NULL;
    if (np) {
        GEOSCoordSeq_getXY_r(h, np, 0, &s->at[0], &s->at[1]);
        GEOSCoordSeq_destroy_r(h, np);
    }
    s->level_conflict = s->close && pl_band_enters(s->a_lo, s->a_hi, s->b_lo, s->b_hi);
    GEOSGeometry *all[] = {la_, lb_, near_a, near_b, ca, cb};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (all[i])
            GEOSGeom_destroy_r(h, all[i]);
    return rc;
}
