/*
 * geom.c - small GEOS helpers over the ctx's GEOS handle.
 *
 * Entry points: pl_geom_finite, pl_geom_polygonal, pl_geom_line,
 * pl_geom_point, pl_geom_type_name, pl_geom_buffer_out, pl_geom_inflate_out,
 * pl_geom_circle_out, pl_geom_disc_interval, pl_geom_capsule_interval.
 *
 * Every buffer the engine builds comes from one of three: a corridor or a
 * footprint from pl_geom_buffer_out (round), an obstacle or a search region
 * from pl_geom_inflate_out (mitred), a circle drawn as a polygon from
 * pl_geom_circle_out.  All approximate on the outside, so a zone, a
 * corridor or a footprint is never made smaller.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>

static int seq_finite(GEOSContextHandle_t h, const GEOSCoordSequence *s)
{
    unsigned n = 0;
    if (!s || !GEOSCoordSeq_getSize_r(h, s, &n))
        return 0;
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(h, s, i, &x, &y) || !isfinite(x) || !isfinite(y))
            return 0;
    }
    return 1;
}

int pl_geom_finite(pl_ctx *ctx, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int t = GEOSGeomTypeId_r(h, g);
    switch (t) {
    case GEOS_POINT:
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        return GEOSisEmpty_r(h, g) == 1 || seq_finite(h, GEOSGeom_getCoordSeq_r(h, g));
    case GEOS_POLYGON: {
        if (GEOSisEmpty_r(h, g) == 1)
            return 1;
        if (!pl_geom_finite(ctx, GEOSGetExteriorRing_r(h, g)))
            return 0;
        int n = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < n; i++)
            if (!pl_geom_finite(ctx, GEOSGetInteriorRingN_r(h, g, i)))
                return 0;
        return 1;
    }
    default: {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            if (!pl_geom_finite(ctx, GEOSGetGeometryN_r(h, g, i)))
                return 0;
        return 1;
    }
    }
}

/* Collect the polygons of g (recursively) into arr. */
static int collect_polys(GEOSContextHandle_t h, const GEOSGeometry *g, GEOSGeometry ***arr,
                         size_t *n, size_t *cap)
{
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g) == 1)
            return 0;
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 8;
            GEOSGeometry **a = realloc(*arr, c * sizeof *a);
            if (!a)
                return -1;
            *arr = a;
            *cap = c;
        }
        GEOSGeometry *c = GEOSGeom_clone_r(h, g);
        if (!c)
            return -1;
        (*arr)[(*n)++] = c;
        return 0;
    }
    if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        int k = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < k; i++)
            if (collect_polys(h, GEOSGetGeometryN_r(h, g, i), arr, n, cap))
                return -1;
    }
    return 0;
}


GEOSGeometry *pl_geom_polygonal(pl_ctx *ctx, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry **a = NULL;
    size_t n = 0, cap = 0;
    if (collect_polys(h, g, &a, &n, &cap)) {
        for (size_t i = 0; i < n; i++)
            GEOSGeom_destroy_r(h, a[i]);
        free(a);
        pl_error(ctx, PL_NOMEM, "out of memory");
        return NULL;
    }
    GEOSGeometry *out;
    if (n == 1) {
        out = a[0];
    } else {
        /* takes ownership of the parts */
        out = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, a, (unsigned)n);
        if (!out)
            for (size_t i = 0; i < n; i++)
                GEOSGeom_destroy_r(h, a[i]);
    }
    free(a);
    if (!out)
        pl_error(ctx, PL_GEOM, "cannot assemble polygons: %s", pl_libmsg(ctx));
    return out;
}

GEOSGeometry *pl_geom_line(pl_ctx *ctx, const double *x, const double *y, size_t n)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(h, (unsigned)n, 2);
    if (!s) {
        pl_error(ctx, PL_NOMEM, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        GEOSCoordSeq_setXY_r(h, s, (unsigned)i, x[i], y[i]);
    GEOSGeometry *g = GEOSGeom_createLineString_r(h, s); /* takes s */
    if (!g)
        pl_error(ctx, PL_GEOM, "cannot build a line: %s", pl_libmsg(ctx));
    return g;
}

GEOSGeometry *pl_geom_point(pl_ctx *ctx, double x, double y)
{
    GEOSGeometry *g = GEOSGeom_createPointFromXY_r(pl_geos(ctx), x, y);
    if (!g)
        pl_error(ctx, PL_GEOM, "cannot build a point: %s", pl_libmsg(ctx));
    return g;
}

/* GEOS draws a buffer's straight sides exactly, at d, and its arcs as
 * chords whose ends lie at d: the chords dip inside.  Every arc of a round
 * buffer is centred on a vertex of g, so the union of GEOS's buffer with
 * the polygon around the disc of radius d at each vertex (its edges
 * tangent to the disc) holds every point within d of g, and exceeds that
 * only at the arcs, by at most d(1/cos(pi/4q) - 1): 0.5 % of d at q = 8. */
GEOSGeometry *pl_geom_buffer_out(pl_ctx *ctx, const GEOSGeometry *g, double d, int quadsegs)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int q = quadsegs < 1 ? 1 : quadsegs;
    GEOSGeometry *b = GEOSBuffer_r(h, g, d, q), *pts = b && d > 0 ? GEOSGeom_extractUniquePoints_r(h, g) : NULL;
    if (!b || d <= 0 || !pts) {
        if (pts)
            GEOSGeom_destroy_r(h, pts);
        if (!b || d > 0)
            pl_error(ctx, PL_GEOM, "cannot buffer by %.3f m: %s", d, pl_libmsg(ctx));
        return d > 0 && b ? (GEOSGeom_destroy_r(h, b), NULL) : b;
    }
    int n = GEOSGetNumGeometries_r(h, pts);
    GEOSGeometry **parts = malloc(((size_t)n + 1) * sizeof *parts);
    size_t k = 0;
    if (parts)
        parts[k++] = b;
    for (int i = 0; parts && i < n; i++) {
        double x = 0, y = 0;
        const GEOSGeometry *pt = GEOSGetGeometryN_r(h, pts, i);
        GEOSGeomGetX_r(h, pt, &x);
        GEOSGeomGetY_r(h, pt, &y);
        if (!(parts[k] = pl_geom_circle_out(ctx, x, y, d, 4 * q)))
            break;
        k++;
    }
    GEOSGeom_destroy_r(h, pts);
    GEOSGeometry *all = parts && k == (size_t)n + 1
                            ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)k)
                            : NULL; /* takes the parts */
    if (!all)
        for (size_t j = 0; parts && j < k; j++)
            GEOSGeom_destroy_r(h, parts[j]);
    if (!parts)
        GEOSGeom_destroy_r(h, b);
    free(parts);
    GEOSGeometry *u = all ? GEOSUnaryUnion_r(h, all) : NULL;
    if (all)
        GEOSGeom_destroy_r(h, all);
    if (!u)
        pl_error(ctx, PL_GEOM, "cannot buffer by %.3f m: %s", d, pl_libmsg(ctx));
    return u;
}

/* A polygon (or several) grown by d with mitred corners: each convex
 * corner's point lies beyond the round offset, and where GEOS cuts a sharp
 * one at 2d it cuts beyond the arc too, so the result holds every point
 * within d of g (measured over random star polygons: never nearer than d
 * less 1e-6 of it, which the factor below covers).  For obstacles and
 * search regions: a box stays a box. */
GEOSGeometry *pl_geom_inflate_out(pl_ctx *ctx, const GEOSGeometry *g, double d)
{
    GEOSGeometry *b = GEOSBufferWithStyle_r(pl_geos(ctx), g, d > 0 ? d * (1 + 1e-6) : d, 8, GEOSBUF_CAP_ROUND,
                                            GEOSBUF_JOIN_MITRE, 2.0);
    if (!b)
        pl_error(ctx, PL_GEOM, "cannot grow by %.3f m: %s", d, pl_libmsg(ctx));
    return b;
}

/* The circle of centre (cx, cy) and radius r as the regular n-gon around
 * it: vertices at r / cos(pi/n), so each edge touches the circle at its
 * middle and the polygon contains the circle (by at most r(1/cos(pi/n) - 1)
 * more: 6.7 m at 22.36 km with n = 128, where the inscribed one was as
 * much smaller). */
GEOSGeometry *pl_geom_circle_out(pl_ctx *ctx, double cx, double cy, double r, int n)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (n < 3)
        n = 3;
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(h, (unsigned)n + 1, 2);
    if (!s)
        return pl_error(ctx, PL_NOMEM, "out of memory"), NULL;
    double R = r / cos(M_PI / n) * (1 + 1e-12); /* and a hair for rounding */
    for (int k = 0; k < n; k++) {
        double a = 2 * M_PI * k / n;
        GEOSCoordSeq_setXY_r(h, s, (unsigned)k, cx + R * cos(a), cy + R * sin(a));
    }
    GEOSCoordSeq_setXY_r(h, s, (unsigned)n, cx + R, cy);
    GEOSGeometry *ring = GEOSGeom_createLinearRing_r(h, s); /* takes s */
    GEOSGeometry *g = ring ? GEOSGeom_createPolygon_r(h, ring, NULL, 0) : NULL;
    if (!g) {
        if (ring)
            GEOSGeom_destroy_r(h, ring);
        pl_error(ctx, PL_GEOM, "cannot build a circle: %s", pl_libmsg(ctx));
    }
    return g;
}

const char *pl_geom_type_name(int t)
{
    static const char *const names[] = {"Point", "LineString", "LinearRing", "Polygon",
                                        "MultiPoint", "MultiLineString", "MultiPolygon",
                                        "GeometryCollection"};
    return t >= 0 && t < 8 ? names[t] : "Unknown";
}

/* min and max of numbers that are never NaN (finite, or the infinities
 * of an empty or unbounded interval): libm's fmin and fmax are calls that
 * care for NaN, and the corridor kernel makes millions of these */
static inline double mn(double x, double y)
{
    return x < y ? x : y;
}

static inline double mx(double x, double y)
{
    return x > y ? x : y;
}

/* Where |A + t d - C| <= w, as an interval [lo, hi] (unbounded in t: the
 * caller clamps); 0 when never.  From the line's distance p to C and the
 * half-chord sqrt((w - p)(w + p)), which keep their digits where the
 * quadratic's discriminant loses them.  d = 0: every t when A is within w. */
static int disc_meet(const double a[2], const double d[2], double cx, double cy, double w, double *lo, double *hi)
{
    double qa = d[0] * d[0] + d[1] * d[1], ex = a[0] - cx, ey = a[1] - cy;
    if (qa <= 0) {
        *lo = -INFINITY, *hi = INFINITY;
        return sqrt(ex * ex + ey * ey) <= w;
    }
    double l = sqrt(qa), p = fabs(ex * d[1] - ey * d[0]) / l;
    if (!(p <= w))
        return 0;
    double tm = -(ex * d[0] + ey * d[1]) / qa, hc = sqrt((w - p) * (w + p)) / l;
    *lo = tm - hc, *hi = tm + hc;
    return 1;
}

int pl_geom_disc_interval(const double a[2], const double d[2], const double c[2], double w, double *t0,
                          double *t1)
{
    double lo, hi;
    if (!disc_meet(a, d, c[0], c[1], w, &lo, &hi))
        return 0;
    *t0 = mx(lo, 0);
    *t1 = mn(hi, 1);
    return *t0 <= *t1;
}

/* Where c0 + t c1 lies in [b0, b1], narrowing [*lo, *hi] */
static void slab(double c0, double c1, double b0, double b1, double *lo, double *hi)
{
    if (c1 == 0) {
        if (c0 < b0 || c0 > b1)
            *lo = INFINITY, *hi = -INFINITY;
        return;
    }
    double s0 = (b0 - c0) / c1, s1 = (b1 - c0) / c1;
    *lo = mx(*lo, mn(s0, s1));
    *hi = mn(*hi, mx(s0, s1));
}

int pl_geom_capsule_interval(const double a[2], const double d[2], const double c[2], const double e[2], double w,
                             double *t0, double *t1)
{
    double lo = INFINITY, hi = -INFINITY, l, h;
    for (int k = 0; k < 2; k++) /* the discs at C and C + e */
        if (disc_meet(a, d, c[0] + k * e[0], c[1] + k * e[1], w, &l, &h))
            lo = mn(lo, l), hi = mx(hi, h);
    double L = sqrt(e[0] * e[0] + e[1] * e[1]);
    if (L > 0) { /* the rectangle: 0 <= along <= L and |across| <= w, both linear in t */
        double ux = e[0] / L, uy = e[1] / L, rx = a[0] - c[0], ry = a[1] - c[1];
        l = -INFINITY, h = INFINITY;
        slab(rx * ux + ry * uy, d[0] * ux + d[1] * uy, 0, L, &l, &h);
        slab(-rx * uy + ry * ux, -d[0] * uy + d[1] * ux, -w, w, &l, &h);
        if (l <= h)
            lo = mn(lo, l), hi = mx(hi, h);
    }
    *t0 = mx(lo, 0);
    *t1 = mn(hi, 1);
    return *t0 <= *t1;
}
