/*
 * geojson.c - the one writer of positions and geometries for every output:
 * working CRS to WGS84 lon/lat, RFC 7946 geometry text.
 *
 * Entry points: pl_geojson_xform, pl_geojson_geom, pl_geojson_line_z,
 * pl_export_lonlat, pl_export_geom_lonlat.
 *
 * RFC 7946: WGS84 lon/lat, no "crs" member, 7 decimals (about 1 cm),
 * exterior rings counter-clockwise and holes clockwise (GEOS gives buffers
 * clockwise, so every ring is checked).  Routes carry their waypoints'
 * altitudes as a third coordinate (pl_geojson_line_z), in metres as the
 * scenario or the network design gives them.  RFC 7946 reads a third
 * coordinate as height above the WGS84 ellipsoid; ours are not (heights
 * above the terrain model's datum, or above a flat datum taken as the
 * ground): every layer that writes them says which in its altitude_datum
 * property, and KML gets the matching altitudeMode (export.c).
 *
 * Every position goes through write_coords, which writes a position once
 * when the next one prints the same (GEOS intersections and unions leave
 * vertices closer than the 7 decimals, and so do repeated input
 * vertices): GeoJSON, and the GeoPackage and KML copied from it
 * (ogrout.c), have no repeated consecutive points.  Only the output is
 * changed; the engine's geometries are not.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COORD_DEC 7
#define METRE_DEC 3

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

/* ==== positions ========================================================= */

/* Undo what was written to b after mark (a part found degenerate). */
static void rollback(pl_buf *b, size_t mark)
{
    b->n = mark;
    if (b->s)
        b->s[mark] = '\0';
}

/* The one position writer: x, y (working CRS, n of them; transformed in
 * place to lon/lat) and z (metres, or NULL for 2D) as a GeoJSON position
 * array.  A position that prints the same as the one before it is not
 * written again.  ring_dir: 0 a line, +1 an exterior ring (written
 * counter-clockwise), -1 a hole (clockwise).  *kept: positions written.
 * Returns: PL_OK or an error. */
static int write_coords(pl_ctx *ctx, pl_xform *xf, pl_buf *b, double *x, double *y, const double *z, unsigned n,
                        int ring_dir, unsigned *kept)
{
    *kept = 0;
    int rc = pl_crs_trans(ctx, xf, x, y, n);
    if (rc != PL_OK)
        return rc;
    int reverse = 0;
    if (ring_dir) {
        /* shoelace in lon/lat: > 0 is counter-clockwise */
        double a = 0;
        for (unsigned i = 0; i + 1 < n; i++)
            a += x[i] * y[i + 1] - x[i + 1] * y[i];
        reverse = (ring_dir > 0) ? (a < 0) : (a > 0);
    }
    pl_buf pos[2]; /* this position's text and the last one written */
    pl_buf_init(&pos[0]);
    pl_buf_init(&pos[1]);
    int last = -1;
    pl_buf_puts(b, "[");
    for (unsigned k = 0; k < n; k++) {
        unsigned i = reverse ? n - 1 - k : k;
        int cur = last == 0 ? 1 : 0;
        rollback(&pos[cur], 0);
        pl_buf_puts(&pos[cur], "[");
        pl_buf_num(&pos[cur], x[i], COORD_DEC);
        pl_buf_puts(&pos[cur], ",");
        pl_buf_num(&pos[cur], y[i], COORD_DEC);
        if (z) {
            pl_buf_puts(&pos[cur], ",");
            pl_buf_num(&pos[cur], z[i], METRE_DEC);
        }
        pl_buf_puts(&pos[cur], "]");
        if (last >= 0 && pos[cur].n == pos[last].n && !memcmp(pos[cur].s, pos[last].s, pos[cur].n))
            continue; /* prints the same as the one before: a repeated point */
        if (last >= 0)
            pl_buf_puts(b, ",");
        pl_buf_putn(b, pos[cur].s ? pos[cur].s : "", pos[cur].n);
        last = cur;
        (*kept)++;
    }
    pl_buf_puts(b, "]");
    if (pos[0].oom || pos[1].oom)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    pl_buf_free(&pos[0]);
    pl_buf_free(&pos[1]);
    return rc;
}

/* A GEOS line or ring through write_coords (2D). */
static int write_seq(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g, int ring_dir, unsigned *kept)
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
    int rc = write_coords(ctx, xf, b, x, y, NULL, n, ring_dir, kept);
    free(x);
    free(y);
    return rc;
}

/* ==== geometries ======================================================== */

/* A polygon's rings; *ok 0 (nothing written) when its exterior ring
 * collapses below 4 positions at 7 decimals.  A hole that collapses is left
 * out: the area it took away (under 1 cm across) is kept in the polygon,
 * the safe side for a zone. */
static int write_polygon_rings(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g, int *ok)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    size_t mark = b->n;
    unsigned kept;
    int rc;
    *ok = 0;
    pl_buf_puts(b, "[");
    if ((rc = write_seq(ctx, xf, b, GEOSGetExteriorRing_r(h, g), +1, &kept)) != PL_OK)
        return rc;
    if (kept < 4) {
        rollback(b, mark);
        return PL_OK;
    }
    int n = GEOSGetNumInteriorRings_r(h, g);
    for (int i = 0; i < n; i++) {
        size_t hole = b->n;
        pl_buf_puts(b, ",");
        if ((rc = write_seq(ctx, xf, b, GEOSGetInteriorRingN_r(h, g, i), -1, &kept)) != PL_OK)
            return rc;
        if (kept < 4)
            rollback(b, hole);
    }
    pl_buf_puts(b, "]");
    *ok = 1;
    return PL_OK;
}

/* One part (line or polygon) of type t; *ok 0 when it collapsed. */
static int write_part(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g, int poly, int *ok)
{
    if (poly)
        return write_polygon_rings(ctx, xf, b, g, ok);
    size_t mark = b->n;
    unsigned kept;
    int rc = write_seq(ctx, xf, b, g, 0, &kept);
    *ok = kept >= 2;
    if (rc == PL_OK && !*ok)
        rollback(b, mark);
    return rc;
}

static int write_point(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double x, y;
    GEOSGeomGetX_r(h, g, &x);
    GEOSGeomGetY_r(h, g, &y);
    int rc = pl_crs_trans(ctx, xf, &x, &y, 1);
    if (rc != PL_OK)
        return rc;
    pl_buf_puts(b, "{\"type\":\"Point\",\"coordinates\":[");
    pl_buf_num(b, x, COORD_DEC);
    pl_buf_puts(b, ",");
    pl_buf_num(b, y, COORD_DEC);
    pl_buf_puts(b, "]}");
    return PL_OK;
}

/* Write g (working CRS) as a GeoJSON geometry in lon/lat; empty, or every
 * part collapsed at 7 decimals -> null. */
int pl_geojson_geom(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (!g || GEOSisEmpty_r(h, g) == 1) {
        pl_buf_puts(b, "null");
        return PL_OK;
    }
    int t = GEOSGeomTypeId_r(h, g), rc = PL_OK, ok = 0;
    size_t mark = b->n;
    switch (t) {
    case GEOS_POINT:
        return write_point(ctx, xf, b, g);
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_POLYGON:
        pl_buf_puts(b, t == GEOS_POLYGON ? "{\"type\":\"Polygon\",\"coordinates\":"
                                         : "{\"type\":\"LineString\",\"coordinates\":");
        rc = write_part(ctx, xf, b, g, t == GEOS_POLYGON, &ok);
        pl_buf_puts(b, "}");
        break;
    case GEOS_MULTIPOLYGON:
    case GEOS_MULTILINESTRING: {
        pl_buf_puts(b, t == GEOS_MULTIPOLYGON ? "{\"type\":\"MultiPolygon\",\"coordinates\":["
                                              : "{\"type\":\"MultiLineString\",\"coordinates\":[");
        int n = GEOSGetNumGeometries_r(h, g), parts = 0;
        for (int i = 0; i < n && rc == PL_OK; i++) {
            size_t sep = b->n;
            if (parts)
                pl_buf_puts(b, ",");
            rc = write_part(ctx, xf, b, GEOSGetGeometryN_r(h, g, i), t == GEOS_MULTIPOLYGON, &ok);
            if (ok)
                parts++;
            else
                rollback(b, sep);
        }
        ok = parts > 0;
        pl_buf_puts(b, "]}");
        break;
    }
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
    if (rc == PL_OK && !ok) { /* nothing left at 7 decimals */
        rollback(b, mark);
        pl_buf_puts(b, "null");
    }
    return rc;
}

int pl_geojson_line_z(pl_ctx *ctx, pl_xform *xf, pl_buf *b, const double *x, const double *y, const double *z,
                      size_t n)
{
    double *lx = malloc((n ? n : 1) * sizeof *lx), *ly = malloc((n ? n : 1) * sizeof *ly);
    unsigned kept = 0;
    int rc = lx && ly ? PL_OK : pl_error(ctx, PL_NOMEM, "out of memory");
    if (rc == PL_OK) {
        memcpy(lx, x, n * sizeof *lx);
        memcpy(ly, y, n * sizeof *ly);
        size_t mark = b->n;
        pl_buf_puts(b, "{\"type\":\"LineString\",\"coordinates\":");
        rc = write_coords(ctx, xf, b, lx, ly, z, (unsigned)n, 0, &kept);
        pl_buf_puts(b, "}");
        if (rc == PL_OK && kept < 2) {
            rollback(b, mark);
            pl_buf_puts(b, "null");
        }
    }
    free(lx);
    free(ly);
    return rc;
}

int pl_export_geom_lonlat(pl_ctx *ctx, const pl_plan *p, const GEOSGeometry *g, pl_buf *b)
{
    pl_xform *xf = pl_geojson_xform(ctx, p);
    return xf ? pl_geojson_geom(ctx, xf, b, g) : pl_errcode(ctx);
}
