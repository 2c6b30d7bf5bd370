/*
 * geojson.c - the one writer of positions and geometries for every output:
 * working CRS to WGS84 lon/lat, RFC 7946 geometry text.
 *
 * Entry points: pl_geojson_xform, pl_geojson_geom, pl_export_lonlat,
 * pl_export_geom_lonlat.
 *
 * RFC 7946: WGS84 lon/lat, no "crs" member, 7 decimals (about 1 cm),
 * exterior rings counter-clockwise and holes clockwise (GEOS gives buffers
 * clockwise, so every ring is checked).  Altitudes are not written as a
 * third coordinate: RFC 7946 reads that as height above the WGS84
 * ellipsoid, while ours are heights above ground.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COORD_DEC 7

pl_xform *pl_geojson_xform(pl_ctx *ctx, const pl_plan *p)
{
    return pl_crs_xform(ctx, p->sc->work_crs, "EPSG:4326");
}

int pl_export_lonlat(pl_ctx *ctx, const pl_plan *p, double x, double y, double *lon, double *lat)
{
    pl_xform *xf = pl_geojson_xform(ctx, p);
    if (!xf)
        return pl_errcode(ctx);
    *lon = x;
    *lat = y;
    return pl_crs_trans(ctx, xf, lon, lat, 1);
}

/* ==== geometry writing ================================================= */

static int write_seq(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g, int ring_dir)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, g);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    double *x = malloc((n ? n : 1) * sizeof *x), *y = malloc((n ? n : 1) * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    for (unsigned i = 0; i < n; i++)
        GEOSCoordSeq_getXY_r(h, cs, i, &x[i], &y[i]);
    int rc = pl_crs_trans(ctx, xf, x, y, n);
    if (rc == PL_OK) {
        int reverse = 0;
        if (ring_dir) {
            /* shoelace in lon/lat: > 0 is counter-clockwise */
            double a = 0;
            for (unsigned i = 0; i + 1 < n; i++)
                a += x[i] * y[i + 1] - x[i + 1] * y[i];
            reverse = (ring_dir > 0) ? (a < 0) : (a > 0);
        }
        pl_buf_puts(b, "[");
        for (unsigned k = 0; k < n; k++) {
            unsigned i = reverse ? n - 1 - k : k;
            pl_buf_puts(b, k ? ",[" : "[");
            pl_buf_num(b, x[i], COORD_DEC);
            pl_buf_puts(b, ",");
            pl_buf_num(b, y[i], COORD_DEC);
            pl_buf_puts(b, "]");
        }
        pl_buf_puts(b, "]");
    }
    free(x);
    free(y);
    return rc;
}

static int write_polygon_rings(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int rc;
    pl_buf_puts(b, "[");
    if ((rc = write_seq(ctx, xf, b, GEOSGetExteriorRing_r(h, g), +1)) != PL_OK)
        return rc;
    int n = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; i < n; i++) {
        pl_buf_puts(b, ",");
        if ((rc = write_seq(ctx, xf, b, GEOSGetInteriorRingN_r(h, g, i), -1)) != PL_OK)
            return rc;
    }
    pl_buf_puts(b, "]");
    return PL_OK;
}

/* Write g (working CRS) as a GeoJSON geometry in lon/lat; empty -> null. */
int pl_geojson_geom(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (!g || GEOSisEmpty_r(h, g) == 1) {
        pl_buf_puts(b, "null");
        return PL_OK;
    }
    int t = GEOSGeomTypeId_r(h, g), rc = PL_OK, n;
    switch (t) {
    case GEOS_POINT: {
        double x, y;
        GEOSGeomGetX_r(h, g, &x);
        GEOSGeomGetY_r(h, g, &y);
        if ((rc = pl_crs_trans(ctx, xf, &x, &y, 1)) != PL_OK)
            return rc;
        pl_buf_puts(b, "{\"type\":\"Point\",\"coordinates\":[");
        pl_buf_num(b, x, COORD_DEC);
        pl_buf_puts(b, ",");
        pl_buf_num(b, y, COORD_DEC);
        pl_buf_puts(b, "]}");
        return PL_OK;
    }
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
        pl_buf_puts(b, "{\"type\":\"LineString\",\"coordinates\":");
        rc = write_seq(ctx, xf, b, g, 0);
        pl_buf_puts(b, "}");
        return rc;
    case GEOS_POLYGON:
        pl_buf_puts(b, "{\"type\":\"Polygon\",\"coordinates\":");
        rc = write_polygon_rings(ctx, xf, b, g);
        pl_buf_puts(b, "}");
        return rc;
    case GEOS_MULTIPOLYGON:
    case GEOS_MULTILINESTRING:
        pl_buf_puts(b, t == GEOS_MULTIPOLYGON ? "{\"type\":\"MultiPolygon\",\"coordinates\":["
                                              : "{\"type\":\"MultiLineString\",\"coordinates\":[");
        n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n && rc == PL_OK; i++) {
            if (i)
                pl_buf_puts(b, ",");
            const GEOSGeometry *part = GEOSGetGeometryN_r(h, g, i);
            rc = t == GEOS_MULTIPOLYGON ? write_polygon_rings(ctx, xf, b, part)
                                        : write_seq(ctx, xf, b, part, 0);
        }
        pl_buf_puts(b, "]}");
        return rc;
    default: {
        /* collections (e.g. an overlap that is partly a line): keep the
         * polygonal part, which is what the overlap means */
        GEOSGeometry *poly = pl_geom_polygonal(ctx, g);
        if (!poly)
            return pl_errcode(ctx);
        int t2 = GEOSGeomTypeId_r(h, poly);
        rc = (t2 == GEOS_GEOMETRYCOLLECTION) ? (pl_buf_puts(b, "null"), PL_OK)
                                             : pl_geojson_geom(ctx, xf, b, poly);
        GEOSGeom_destroy_r(h, poly);
        return rc;
    }
    }
}

int pl_export_geom_lonlat(pl_ctx *ctx, const pl_plan *p, const GEOSGeometry *g, pl_buf *b)
{
    pl_xform *xf = pl_geojson_xform(ctx, p);
    return xf ? pl_geojson_geom(ctx, xf, b, g) : pl_errcode(ctx);
}
