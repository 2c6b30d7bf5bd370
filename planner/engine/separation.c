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
#include "corridor.h"

#include <math.h>
#include <stdlib.h>
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

/* The runs of consecutive segments of r marked in keep (segment i: keep[i])
 * as a LineString (r's own points when every segment is kept) or a
 * MultiLineString; NULL on error. */
static GEOSGeometry *kept_runs(pl_ctx *ctx, const pl_route *r, const unsigned char *keep)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry **runs = calloc(r->n_pts, sizeof *runs), *out = NULL;
    size_t n_runs = 0;
    int bad = !runs;
    for (size_t i = 0; !bad && i + 1 < r->n_pts;) {
        size_t j = i;
        while (j + 1 < r->n_pts && keep[j])
            j++;
        if (j > i) /* segments i .. j-1 kept: points i .. j */
            bad = !(runs[n_runs++] = pl_geom_line(ctx, r->x + i, r->y + i, j - i + 1));
        i = j + 1;
    }
    if (!bad && n_runs == 1)
        out = runs[0], n_runs = 0;
    else if (!bad && (out = GEOSGeom_createCollection_r(h, GEOS_MULTILINESTRING, runs, (unsigned)n_runs)))
        n_runs = 0; /* taken (none: an empty MultiLineString) */
    for (size_t k = 0; runs && k < n_runs; k++)
        GEOSGeom_destroy_r(h, runs[k]);
    free(runs);
    return out;
}

/* The parts of routes a and b that may come within w of each other (*pa,
 * *pb, kept_runs): the segments of the longer one for which an edge index
 * of the shorter lists an edge (pl_cor_edges_near: every edge within w,
 * perhaps a few more), and the edges so listed.  Buffered by w, each part
 * meets the other route where the whole corridor does: a point of b within
 * w of a is within w of some segment of a, and that segment comes within w
 * of b, so it is kept (and so is every segment whose drawn corridor, up to
 * 0.5 % wider, could reach b).  PL_OK or the error. */
static int near_parts(pl_ctx *ctx, const pl_route *a, const pl_route *b, double w, GEOSGeometry **pa,
                      GEOSGeometry **pb)
{
    int swap = a->n_pts < b->n_pts; /* index the shorter, walk the longer */
    const pl_route *lg = swap ? b : a, *sh = swap ? a : b;
    /* the drawn corridor reaches beyond w by at most 0.5 % (pl_geom_buffer_out):
     * a segment whose drawn corridor could reach the other route is kept */
    double reach = w * 1.01 + 1e-3;
    rings rg = {.edges_only = 1};
    edgelist el;
    pl_cor_edgelist_init(&el);
    double *xy = malloc(2 * sh->n_pts * sizeof *xy);
    unsigned char *k_lg = calloc(lg->n_pts, 1), *k_sh = calloc(sh->n_pts + 1, 1);
    int bad = !xy || !k_lg || !k_sh;
    for (size_t i = 0; !bad && i < sh->n_pts; i++)
        xy[2 * i] = sh->x[i], xy[2 * i + 1] = sh->y[i];
    bad = bad || pl_cor_rings_add_xy(&rg, xy, sh->n_pts) || pl_cor_rings_chunk(&rg);
    for (size_t i = 0; !bad && i + 1 < lg->n_pts; i++) {
        bad = pl_cor_edges_near(&rg, lg->x[i], lg->y[i], lg->x[i + 1], lg->y[i + 1], reach, &el);
        k_lg[i] = el.n > 0;
        for (size_t q = 0; q < el.n; q++) /* edge j: point j to j+1 (the closing edge: the last) */
            k_sh[el.a[q] < sh->n_pts - 1 ? el.a[q] : sh->n_pts - 2] = 1;
    }
    *pa = *pb = NULL;
    GEOSGeometry *g_lg = bad ? NULL : kept_runs(ctx, lg, k_lg), *g_sh = g_lg ? kept_runs(ctx, sh, k_sh) : NULL;
    free(xy);
    free(k_lg);
    free(k_sh);
    pl_cor_rings_free(&rg);
    pl_cor_edgelist_free(&el);
    if (!g_sh) {
        if (g_lg)
            GEOSGeom_destroy_r(pl_geos(ctx), g_lg);
        return pl_error(ctx, bad ? PL_NOMEM : PL_GEOM, "routes %s and %s: %s", a->id, b->id,
                        bad ? "out of memory" : pl_libmsg(ctx));
    }
    *pa = swap ? g_sh : g_lg;
    *pb = swap ? g_lg : g_sh;
    return PL_OK;
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
    else if (rc == PL_OK && !GEOSDistanceIndexed_r(h, la_, lb_, &s->d_m))
        rc = pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx));
    GEOSGeometry *near_b = NULL, *near_a = NULL, *cb = NULL, *ca = NULL, *pa = NULL, *pb = NULL, *qa = NULL,
                 *qb = NULL;
    if (rc == PL_OK && s->d_m < s->need_m && windows_overlap(a, b)) {
        /* each corridor drawn over the part that can come close only (a
         * long route's whole corridor is most of the work, for nothing) */
        rc = near_parts(ctx, a, b, s->need_m, &pa, &pb);
        qa = pa ? less_discs(ctx, pa, excl, n_excl, r_excl) : NULL;
        qb = pb ? less_discs(ctx, pb, excl, n_excl, r_excl) : NULL;
        cb = qb ? pl_corridor(ctx, qb, s->need_m) : NULL, ca = qa ? pl_corridor(ctx, qa, s->need_m) : NULL;
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
    GEOSGeometry *all[] = {la_, lb_, near_a, near_b, ca, cb, pa, pb, qa, qb};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++)
        if (all[i])
            GEOSGeom_destroy_r(h, all[i]);
    return rc;
}
