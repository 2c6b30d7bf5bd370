/*
 * geom.c - small GEOS helpers over the ctx's GEOS handle.
 *
 * Entry points: pl_geom_finite, pl_geom_polygonal, pl_geom_line,
 * pl_geom_point, pl_geom_type_name.
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

const char *pl_geom_type_name(int t)
{
    static const char *const names[] = {"Point", "LineString", "LinearRing", "Polygon",
                                        "MultiPoint", "MultiLineString", "MultiPolygon",
                                        "GeometryCollection"};
    return t >= 0 && t < 8 ? names[t] : "Unknown";
}
