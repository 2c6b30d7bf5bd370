/*
 * zonex.c - zones for authorities and drone software: the zones as EUROCAE
 * ED-269 and ED-318 UAS geographical zone files, and a route's geofence as
 * a QGroundControl plan (PX4 and ArduPilot).  The class and code table and
 * the readers are input/ed269.c's.
 *
 * Entry points: pl_zonex_write, pl_fence_qgc.
 *
 * The restriction written is the one the scenario's rule applies, the
 * reason the class's (pl_zonex_reason_of; the table at the top of
 * input/ed269.c, which reads each restriction back to a class of the same
 * verdict); our own files carry the class
 * (ED-318 extendedProperties, ED-269 otherReasonInfo "planner: class=..."),
 * so a round trip keeps it.  Circles are written as the polygons the zones
 * hold; an unlimited ceiling as 99999 m.
 */
#include "planner.h"

#include <libfyaml.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNLIMITED_M 99999.0 /* an upper limit this high means unlimited (input/ed269.c reads it so) */

/* ==== writing ========================================================== */

/* The restriction the scenario's rule applies: forbidden PROHIBITED,
 * approval REQ_AUTHORISATION (ED-318 spells it REQ_AUTHORIZATION), a
 * minimum overflight height CONDITIONAL, advisory and allowed
 * NO_RESTRICTION.  input/ed269.c reads each back to a class of the same
 * verdict (the tables at its top). */
static const char *restriction_of(const pl_zone *z, int fmt)
{
    int r = z->rule ? z->rule->route : PL_RR_FORBIDDEN;
    return r == PL_RR_FORBIDDEN        ? "PROHIBITED"
           : r == PL_RR_APPROVAL       ? (fmt == PL_ZONEX_ED318 ? "REQ_AUTHORIZATION" : "REQ_AUTHORISATION")
           : r == PL_RR_MIN_OVERFLIGHT ? "CONDITIONAL"
                                       : "NO_RESTRICTION";
}

static void kv(pl_buf *b, const char *k, const char *v)
{
    pl_buf_printf(b, ",\"%s\":", k);
    pl_buf_json_str(b, v);
}

static void zone_common(const pl_zone *z, int fmt, pl_buf *b)
{
    pl_buf_puts(b, "\"identifier\":");
    pl_buf_json_str(b, z->id);
    kv(b, "country", "CHN");
    if (fmt == PL_ZONEX_ED318) {
        pl_buf_puts(b, ",\"name\":[{\"lang\":\"zh-CN\",\"text\":");
        pl_buf_json_str(b, z->name ? z->name : z->id);
        pl_buf_puts(b, "}]");
        kv(b, "type", restriction_of(z, fmt));
        kv(b, "variant", "COMMON");
    } else {
        kv(b, "name", z->name ? z->name : z->id);
        kv(b, "type", "COMMON");
        kv(b, "restriction", restriction_of(z, fmt));
    }
    if (z->rule && z->rule->route == PL_RR_MIN_OVERFLIGHT) {
        char c[96];
        snprintf(c, sizeof c, "minimum overflight height %g m", z->rule->min_overflight_m);
        pl_buf_puts(b, ",\"restrictionConditions\":[");
        pl_buf_json_str(b, c);
        pl_buf_puts(b, "]");
    }
    pl_buf_printf(b, ",\"region\":0,\"reason\":[\"%s\"]", pl_zonex_reason_of(z->cls));
    /* our class and provenance, for a round trip (values without spaces) */
    pl_buf other;
    pl_buf_init(&other);
    const char *keys[3] = {"class", "accuracy", "license"};
    const char *vals[3] = {z->cls, z->accuracy ? z->accuracy : "unstated", z->license ? z->license : "unstated"};
    pl_buf_puts(&other, "planner:");
    for (int i = 0; i < 3; i++) {
        pl_buf_printf(&other, " %s=", keys[i]);
        for (const char *c = vals[i]; *c; c++)
            pl_buf_putn(&other, *c == ' ' || *c == ';' ? "_" : c, 1);
    }
    kv(b, "otherReasonInfo", other.s);
    pl_buf_free(&other);
    kv(b, "regulationExemption", "NO");
    kv(b, "message", z->basis ? z->basis : "");
    pl_buf_puts(b, ",\"zoneAuthority\":[{\"name\":");
    if (fmt == PL_ZONEX_ED318)
        pl_buf_puts(b, "[{\"lang\":\"en-GB\",\"text\":\"not an authority: Wuzhong low-altitude planner export\"}]");
    else
        pl_buf_puts(b, "\"not an authority: Wuzhong low-altitude planner export\"");
    pl_buf_puts(b, ",\"purpose\":\"INFORMATION\"}]");
}

int pl_zonex_write(pl_ctx *ctx, const pl_plan *p, int fmt, pl_buf *out)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int rc = PL_OK, first = 1;
    pl_buf_puts(out, "{");
    if (fmt == PL_ZONEX_ED318)
        pl_buf_puts(out, "\"type\":\"FeatureCollection\",");
    pl_buf_puts(out, "\"title\":");
    pl_buf_json_str(out, p->sc->title ? p->sc->title : p->sc->name);
    pl_buf_puts(out, ",\"description\":\"Zones of the scenario as the Wuzhong low-altitude planner applies them; "
                     "not an official publication: see each zone's accuracy\",\"features\":[\n");
    for (size_t i = 0; rc == PL_OK && i < p->zones->n; i++) {
        const pl_zone *z = &p->zones->a[i];
        if (!z->g) /* height rules apply everywhere: not a zone */
            continue;
        pl_buf_puts(out, first ? "{" : ",\n{");
        first = 0;
        double hi = isfinite(z->ceiling_m) ? z->ceiling_m : UNLIMITED_M;
        const char *ref = z->alt_ref ? z->alt_ref : "AGL";
        if (fmt == PL_ZONEX_ED318) {
            pl_buf_puts(out, "\"type\":\"Feature\",\"id\":");
            pl_buf_json_str(out, z->id);
            pl_buf_puts(out, ",\"properties\":{");
            zone_common(z, fmt, out);
            pl_buf_puts(out, ",\"extendedProperties\":{\"planner_class\":");
            pl_buf_json_str(out, z->cls);
            kv(out, "accuracy", z->accuracy);
            kv(out, "license", z->license);
            kv(out, "source", z->source);
            pl_buf_puts(out, "}},\"geometry\":");
            size_t at = out->n;
            rc = pl_export_geom_lonlat(ctx, p, z->g, out);
            if (rc == PL_OK && out->n > at && out->s[out->n - 1] == '}') {
                out->n--; /* the vertical layer goes inside the geometry */
                pl_buf_puts(out, ",\"layer\":{\"upper\":");
                pl_buf_num(out, hi, 3);
                kv(out, "upperReference", ref);
                pl_buf_puts(out, ",\"lower\":");
                pl_buf_num(out, z->floor_m, 3);
                kv(out, "lowerReference", ref);
                pl_buf_puts(out, ",\"uom\":\"m\"}}}");
            }
        } else {
            zone_common(z, fmt, out);
            pl_buf_puts(out, ",\"applicability\":[{\"permanent\":\"YES\"}],\"geometry\":[");
            int n = GEOSGetNumGeometries_r(h, z->g);
            for (int k = 0; rc == PL_OK && k < n; k++) {
                pl_buf_puts(out, k ? "," : "");
                pl_buf_puts(out, "{\"uomDimensions\":\"M\",\"lowerLimit\":");
                pl_buf_num(out, z->floor_m, 3);
                kv(out, "lowerVerticalReference", ref);
                pl_buf_puts(out, ",\"upperLimit\":");
                pl_buf_num(out, hi, 3);
                kv(out, "upperVerticalReference", ref);
                pl_buf_puts(out, ",\"horizontalProjection\":");
                rc = pl_export_geom_lonlat(ctx, p, GEOSGetGeometryN_r(h, z->g, k), out);
                pl_buf_puts(out, "}");
            }
            pl_buf_puts(out, "]}");
        }
    }
    pl_buf_puts(out, "\n]}\n");
    if (rc == PL_OK && out->oom)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    return rc;
}

/* ==== QGroundControl plan with geofence ================================== */

typedef struct fence_ctx {
    pl_ctx *ctx;
    const pl_route *r;
    double lo, hi;
    const pl_zone **hit;
    size_t n, cap;
} fence_ctx;

/* lon/lat pairs of a ring (working CRS in), as QGC wants them: [lat, lon] */
static int ring_latlon(pl_ctx *ctx, const pl_plan *p, const GEOSGeometry *ring, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    pl_buf_puts(b, "[");
    for (unsigned i = 0; i + 1 < n; i++) { /* QGC polygons are not closed */
        double x, y, lon, lat;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        int rc = pl_export_lonlat(ctx, p, x, y, &lon, &lat);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, i ? ",[" : "[");
        pl_buf_num(b, lat, 8);
        pl_buf_puts(b, ",");
        pl_buf_num(b, lon, 8);
        pl_buf_puts(b, "]");
    }
    pl_buf_puts(b, "]");
    return PL_OK;
}

/* Append every polygon of g (grown by tol, then simplified by tol: the
 * result contains g) as a fence polygon. */
static int fence_polys(pl_ctx *ctx, const pl_plan *p, const GEOSGeometry *g, int inclusion, double tol,
                       int *first, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *grown = pl_geom_inflate_out(ctx, g, tol);
    GEOSGeometry *s = grown ? GEOSTopologyPreserveSimplify_r(h, grown, tol) : NULL;
    int rc = s ? PL_OK : pl_error(ctx, PL_GEOM, "fence: %s", pl_libmsg(ctx));
    int n = s ? GEOSGetNumGeometries_r(h, s) : 0;
    for (int i = 0; rc == PL_OK && i < n; i++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(h, s, i);
        if (GEOSGeomTypeId_r(h, poly) != GEOS_POLYGON || GEOSisEmpty_r(h, poly) == 1)
            continue;
        pl_buf_printf(b, "%s{\"inclusion\":%s,\"polygon\":", *first ? "" : ",", inclusion ? "true" : "false");
        *first = 0;
        rc = ring_latlon(ctx, p, GEOSGetExteriorRing_r(h, poly), b);
        pl_buf_puts(b, ",\"version\":1}");
    }
    if (grown)
        GEOSGeom_destroy_r(h, grown);
    if (s)
        GEOSGeom_destroy_r(h, s);
    return rc;
}

int pl_fence_qgc(pl_ctx *ctx, const pl_plan *p, const pl_route *r, int firmware, pl_buf *out)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double lo, hi;
    pl_route_band(r, &lo, &hi);
    GEOSGeometry *corridor = pl_route_corridor(ctx, r, 0);
    GEOSGeometry *region = pl_route_corridor(ctx, r, 2000);
    if (!corridor || !region) {
        if (corridor)
            GEOSGeom_destroy_r(h, corridor);
        if (region)
            GEOSGeom_destroy_r(h, region);
        return pl_error(ctx, PL_GEOM, "fence: %s", pl_libmsg(ctx));
    }
    pl_zonelist zl = {0};
    pl_zones_collect(ctx, p->zones, region, &zl);
    int rc = pl_zonelist_finish(ctx, &zl);
    double lon = 0, lat = 0; /* printed before the check of rc: never uninitialised */
    if (rc == PL_OK)
        rc = pl_export_lonlat(ctx, p, r->x[0], r->y[0], &lon, &lat);
    pl_buf_printf(out, "{\"fileType\":\"Plan\",\"groundStation\":\"QGroundControl\",\"version\":1,\n"
                       "\"mission\":{\"version\":2,\"firmwareType\":%d,\"vehicleType\":2,\"cruiseSpeed\":15,"
                       "\"hoverSpeed\":5,\"plannedHomePosition\":[",
                  firmware);
    pl_buf_num(out, lat, 8);
    pl_buf_puts(out, ",");
    pl_buf_num(out, lon, 8);
    pl_buf_puts(out, ",0],\"items\":[");
    for (size_t i = 0; rc == PL_OK && i < r->n_pts; i++) {
        rc = pl_export_lonlat(ctx, p, r->x[i], r->y[i], &lon, &lat);
        /* MAV_CMD_NAV_WAYPOINT (16), frame 3: altitude relative to home */
        pl_buf_printf(out, "%s\n{\"type\":\"SimpleItem\",\"command\":16,\"frame\":3,\"doJumpId\":%zu,"
                           "\"autoContinue\":true,\"Altitude\":",
                      i ? "," : "", i + 1);
        pl_buf_num(out, r->alt_m[i], 1);
        pl_buf_puts(out, ",\"AltitudeMode\":1,\"AMSLAltAboveTerrain\":null,\"params\":[0,0,0,null,");
        pl_buf_num(out, lat, 8);
        pl_buf_puts(out, ",");
        pl_buf_num(out, lon, 8);
        pl_buf_puts(out, ",");
        pl_buf_num(out, r->alt_m[i], 1);
        pl_buf_puts(out, "]}");
    }
    pl_buf_puts(out, "]},\n\"geoFence\":{\"version\":2,\"circles\":[],\"polygons\":[\n");
    int first = 1;
    if (rc == PL_OK) /* stay inside the corridor */
        rc = fence_polys(ctx, p, corridor, 1, 1.0, &first, out);
    size_t n_excl = 0;
    for (size_t i = 0; rc == PL_OK && i < zl.n; i++) {
        const pl_zone *z = zl.a[i];
        if (!z->g || pl_zone_route_severity(z) < PL_V_APPROVAL) /* fenced out: forbidden, and controlled airspace not yet approved */
            continue;
        double vlo, vhi;
        pl_zone_route_extent(z, &vlo, &vhi);
        pl_route_band_for(p->zones, r, z, &lo, &hi); /* in true height over a terrain model */
        if (!pl_band_enters(lo, hi, vlo, vhi)) /* the route's altitudes pass above or below */
            continue;
        GEOSGeometry *part = GEOSIntersection_r(h, z->g, region);
        if (!part) {
            rc = pl_error(ctx, PL_GEOM, "fence: zone %s: %s", z->id, pl_libmsg(ctx));
            break;
        }
        pl_buf_puts(out, first ? "" : "\n");
        rc = fence_polys(ctx, p, part, 0, 5.0, &first, out);
        GEOSGeom_destroy_r(h, part);
        n_excl++;
    }
    pl_buf_printf(out, "]},\n\"rallyPoints\":{\"version\":2,\"points\":[]}}\n");
    free(zl.a);
    GEOSGeom_destroy_r(h, corridor);
    GEOSGeom_destroy_r(h, region);
    (void)n_excl;
    if (rc == PL_OK && out->oom)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    return rc;
}
