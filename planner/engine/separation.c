/*
 * separation.c - two routes' separation: lateral, edge to edge, by the
 * scenario's lateral_separation_m; where the corridors come closer, by
 * altitude (crossings at one level are separated by flight level,
 * CCAR-92 (2024) 92.509-92.515); and by time, where both have a window.
 *
 * Entry points: pl_route_separation.
 *
 * The close part of each route is its centreline within half-width +
 * half-width + separation of the other's (the two corridors come closer
 * than the separation exactly there), found exactly and without drawing a
 * corridor: segment pairs from an edge index, each pair's meeting in
 * closed form (pl_geom_capsule_interval); the bands of both over their
 * close parts are compared by the one altitude rule.  Around the sites
 * both routes use (discs the caller gives, drawn as pl_geom_buffer_out
 * draws them), the routes meet by design: the site's own traffic, not a
 * crossing, so those parts are left out, of the distance and of the close
 * parts alike.  Validate (a proposal against the plan's routes) and the
 * plan (its routes among themselves) both ask this.
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

/* The discs left out, each drawn once as pl_geom_buffer_out draws a site's
 * disc (a convex polygon that holds the circle): the polygons, for GEOS,
 * and their rings' points, for the closed form.  Ring k is points
 * start[k] .. start[k+1]-1 (closed), sg[k] its orientation (+1 or -1). */
typedef struct discs {
    GEOSGeometry **g;
    double *xy, *sg;
    size_t *start, n;
} discs;

static void discs_free(pl_ctx *ctx, discs *d)
{
    for (size_t i = 0; d->g && i < d->n; i++)
        if (d->g[i])
            GEOSGeom_destroy_r(pl_geos(ctx), d->g[i]);
    free(d->g);
    free(d->xy);
    free(d->sg);
    free(d->start);
}

/* Disc k's ring into d (points from start[k]); 0, or -1 on error */
static int disc_ring(pl_ctx *ctx, discs *d, size_t k)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSGeometry *ring = GEOSGeomTypeId_r(h, d->g[k]) == GEOS_POLYGON ? GEOSGetExteriorRing_r(h, d->g[k]) : NULL;
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    unsigned m = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &m) || m < 4)
        return -1;
    double *xy = realloc(d->xy, 2 * (d->start[k] + m) * sizeof *xy);
    if (!xy)
        return -1;
    d->xy = xy;
    xy += 2 * d->start[k];
    if (!GEOSCoordSeq_copyToBuffer_r(h, cs, xy, 0, 0))
        return -1;
    double area = 0;
    for (unsigned i = 0; i + 1 < m; i++)
        area += xy[2 * i] * xy[2 * i + 3] - xy[2 * i + 2] * xy[2 * i + 1];
    d->sg[k] = area < 0 ? -1 : 1;
    d->start[k + 1] = d->start[k] + m;
    return 0;
}

/* The discs of radius r around the n points xy (x, y pairs) into d; PL_OK
 * or the error. */
static int discs_make(pl_ctx *ctx, const double *xy, size_t n, double r, discs *d)
{
    memset(d, 0, sizeof *d);
    d->g = calloc(n + 1, sizeof *d->g);
    d->sg = calloc(n + 1, sizeof *d->sg);
    d->start = calloc(n + 1, sizeof *d->start);
    if (!d->g || !d->sg || !d->start)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (d->n = 0; d->n < n; d->n++) {
        GEOSGeometry *pt = pl_geom_point(ctx, xy[2 * d->n], xy[2 * d->n + 1]);
        d->g[d->n] = pt ? pl_geom_buffer_out(ctx, pt, r, 16) : NULL;
        if (pt)
            GEOSGeom_destroy_r(pl_geos(ctx), pt);
        if (!d->g[d->n] || disc_ring(ctx, d, d->n)) {
            d->n++;
            return pl_errcode(ctx) ? pl_errcode(ctx) : pl_error(ctx, PL_GEOM, "a site's disc: %s", pl_libmsg(ctx));
        }
    }
    return PL_OK;
}

/* g less the discs (a new geometry: g itself when there are none); NULL on error. */
static GEOSGeometry *less_discs(pl_ctx *ctx, const GEOSGeometry *g, const discs *d)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *out = GEOSGeom_clone_r(h, g);
    for (size_t i = 0; out && i < d->n; i++) {
        GEOSGeometry *o = GEOSDifference_r(h, out, d->g[i]);
        GEOSGeom_destroy_r(h, out);
        out = o;
    }
    return out;
}

/* The interval of t where A + t dv lies in disc k (its convex polygon,
 * boundary included: what GEOS's difference takes away), clamped to
 * [0, 1]; 0 when it misses. */
static int disc_cut(const discs *d, size_t k, const double a[2], const double dv[2], double *t0, double *t1)
{
    double lo = 0, hi = 1;
    for (size_t i = d->start[k]; lo <= hi && i + 1 < d->start[k + 1]; i++) {
        const double *v = d->xy + 2 * i;
        double fx = v[2] - v[0], fy = v[3] - v[1];
        /* inside edge i: sg * cross(f, P - v) >= 0, with P = A + t dv: c0 + t c1 >= 0 */
        double c0 = d->sg[k] * (fx * (a[1] - v[1]) - fy * (a[0] - v[0])), c1 = d->sg[k] * (fx * dv[1] - fy * dv[0]);
        if (c1 == 0)
            hi = c0 < 0 ? -1 : hi;
        else if (c1 > 0)
            lo = dmax(lo, -c0 / c1);
        else
            hi = dmin(hi, -c0 / c1);
    }
    *t0 = lo, *t1 = hi;
    return lo <= hi;
}

/* A route with, for each of its segments, the intervals of t outside the
 * discs (segment i: kt[2 ko[i] .. 2 ko[i+1]-1], pairs), and its band over
 * its close part so far. */
typedef struct side {
    const pl_route *r;
    double *kt;
    size_t *ko;
    double lo, hi;
} side;

static int cmp_lo(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Each segment's intervals outside the discs into s; -1 when out of memory */
static int side_make(const pl_route *r, const discs *d, side *s)
{
    size_t ns = r->n_pts > 1 ? r->n_pts - 1 : 0;
    *s = (side){.r = r, .lo = INFINITY, .hi = -INFINITY};
    s->ko = malloc((ns + 1) * sizeof *s->ko);
    s->kt = malloc(2 * ns * (d->n + 1) * sizeof *s->kt + 1);
    double *cut = malloc(2 * (d->n + 1) * sizeof *cut);
    if (!s->ko || !s->kt || !cut) {
        free(cut);
        return -1;
    }
    size_t n = 0;
    for (size_t i = 0; i < ns; i++) {
        double a[2] = {r->x[i], r->y[i]}, dv[2] = {r->x[i + 1] - a[0], r->y[i + 1] - a[1]};
        size_t nc = 0;
        for (size_t k = 0; k < d->n; k++)
            nc += (size_t)disc_cut(d, k, a, dv, &cut[2 * nc], &cut[2 * nc + 1]);
        qsort(cut, nc, 2 * sizeof *cut, cmp_lo);
        s->ko[i] = n;
        double from = 0; /* the part before each cut, after the last */
        for (size_t c = 0; c <= nc; c++) {
            double to = c < nc ? cut[2 * c] : 1;
            if (from < to || (!nc && from == to))
                s->kt[2 * n] = from, s->kt[2 * n + 1] = to, n++;
            if (c < nc)
                from = dmax(from, cut[2 * c + 1]);
        }
    }
    s->ko[ns] = n;
    free(cut);
    return 0;
}

/* The band of route s->r over t0 .. t1 of segment i into s's (altitude
 * linear along it: its ends hold the least and the most) */
static void side_band(side *s, size_t i, double t0, double t1)
{
    double p[3], q[3];
    pl_cor_at(s->r, i, t0, p);
    pl_cor_at(s->r, i, t1, q);
    s->lo = dmin(s->lo, dmin(p[2], q[2]) - s->r->band_below_m);
    s->hi = dmax(s->hi, dmax(p[2], q[2]) + s->r->band_above_m);
}

/* Segment i of p within w of the kept parts of segment j of q (each of
 * them a segment: the capsule, closed form), on the kept parts of i: into
 * p's band. */
static void pair_band(side *p, size_t i, const side *q, size_t j, double w)
{
    const pl_route *r = p->r;
    double a[2] = {r->x[i], r->y[i]}, dv[2] = {r->x[i + 1] - a[0], r->y[i + 1] - a[1]};
    for (size_t u = q->ko[j]; u < q->ko[j + 1]; u++) {
        double c0[3], c1[3], t0, t1;
        pl_cor_at(q->r, j, q->kt[2 * u], c0);
        pl_cor_at(q->r, j, q->kt[2 * u + 1], c1);
        double e[2] = {c1[0] - c0[0], c1[1] - c0[1]};
        if (!pl_geom_capsule_interval(a, dv, c0, e, w, &t0, &t1))
            continue;
        for (size_t v = p->ko[i]; v < p->ko[i + 1]; v++) {
            double lo = dmax(t0, p->kt[2 * v]), hi = dmin(t1, p->kt[2 * v + 1]);
            if (lo <= hi)
                side_band(p, i, lo, hi);
        }
    }
}

/* Each route's band over its close part: its centreline outside the discs
 * within w of the other's outside the discs, exactly, segment pair by
 * segment pair (two corridors of half-widths h1, h2 come within the
 * separation of each other exactly where some pair of their centrelines'
 * segments is within h1 + h2 + separation).  The pairs come from an edge
 * index of the shorter route (pl_cor_edges_near: every edge within reach,
 * perhaps a few more), the longer walked once.  PL_OK or the error. */
static int close_bands(pl_ctx *ctx, const pl_route *a, const pl_route *b, const discs *d, double w, pl_sep *s)
{
    side sa, sb;
    int swap = a->n_pts < b->n_pts; /* index the shorter, walk the longer */
    int bad = side_make(a, d, &sa) | side_make(b, d, &sb);
    side *lg = swap ? &sb : &sa, *sh = swap ? &sa : &sb;
    rings rg = {.edges_only = 1};
    edgelist el;
    pl_cor_edgelist_init(&el);
    double *xy = bad ? NULL : malloc(2 * sh->r->n_pts * sizeof *xy);
    bad = bad || !xy;
    for (size_t i = 0; !bad && i < sh->r->n_pts; i++)
        xy[2 * i] = sh->r->x[i], xy[2 * i + 1] = sh->r->y[i];
    bad = bad || pl_cor_rings_add_xy(&rg, xy, sh->r->n_pts) || pl_cor_rings_chunk(&rg);
    double reach = w * (1 + 1e-9) + 1e-3; /* the index's boxes, with room for rounding */
    for (size_t i = 0; !bad && i + 1 < lg->r->n_pts; i++) {
        if (lg->ko[i] == lg->ko[i + 1])
            continue; /* all of it inside the discs */
        const pl_route *r = lg->r;
        bad = pl_cor_edges_near(&rg, r->x[i], r->y[i], r->x[i + 1], r->y[i + 1], reach, &el);
        for (size_t q = 0; !bad && q < el.n; q++) {
            size_t j = el.a[q];
            if (j + 1 >= sh->r->n_pts)
                continue; /* the ring's closing edge: no segment of the route */
            pair_band(lg, i, sh, j, w);
            pair_band(sh, j, lg, i, w);
        }
    }
    s->a_lo = sa.lo, s->a_hi = sa.hi, s->b_lo = sb.lo, s->b_hi = sb.hi;
    free(xy);
    free(sa.kt), free(sa.ko), free(sb.kt), free(sb.ko);
    pl_cor_rings_free(&rg);
    pl_cor_edgelist_free(&el);
    return bad ? pl_error(ctx, PL_NOMEM, "routes %s and %s: out of memory", a->id, b->id) : PL_OK;
}

int pl_route_separation(pl_ctx *ctx, const pl_route *a, const pl_route *b, double lateral_m, const double *excl,
                        size_t n_excl, double r_excl, pl_sep *s)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    memset(s, 0, sizeof *s);
    s->need_m = a->half_width_m + b->half_width_m + lateral_m;
    s->a_lo = s->b_lo = INFINITY;
    s->a_hi = s->b_hi = -INFINITY;
    discs d;
    int rc = discs_make(ctx, excl, n_excl, r_excl, &d);
    GEOSGeometry *la_ = rc == PL_OK ? less_discs(ctx, a->line, &d) : NULL;
    GEOSGeometry *lb_ = la_ ? less_discs(ctx, b->line, &d) : NULL;
    if (rc == PL_OK && !lb_)
        rc = pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx));
    if (rc == PL_OK && (GEOSisEmpty_r(h, la_) || GEOSisEmpty_r(h, lb_)))
        s->d_m = INFINITY; /* all of one is inside a shared site's area */
    else if (rc == PL_OK && !GEOSDistanceIndexed_r(h, la_, lb_, &s->d_m))
        rc = pl_error(ctx, PL_GEOM, "routes %s and %s: %s", a->id, b->id, pl_libmsg(ctx));
    if (rc == PL_OK && s->d_m < s->need_m && windows_overlap(a, b)) {
        rc = close_bands(ctx, a, b, &d, s->need_m, s);
        s->close = rc == PL_OK && isfinite(s->a_lo) && isfinite(s->b_lo); /* else nothing to compare */
    }
    GEOSCoordSequence *np = s->close ? GEOSNearestPoints_r(h, la_, lb_) : NULL;
    if (np) {
        GEOSCoordSeq_getXY_r(h, np, 0, &s->at[0], &s->at[1]);
        GEOSCoordSeq_destroy_r(h, np);
    }
    s->level_conflict = s->close && pl_band_enters(s->a_lo, s->a_hi, s->b_lo, s->b_hi);
    if (la_)
        GEOSGeom_destroy_r(h, la_);
    if (lb_)
        GEOSGeom_destroy_r(h, lb_);
    discs_free(ctx, &d);
    return rc;
}
