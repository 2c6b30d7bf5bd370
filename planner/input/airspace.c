/*
 * airspace.c - zones built by a stated rule rather than read as polygons:
 * airport clearance protection areas from runway data.
 *
 * Entry point: pl_airspace_airports.
 *
 * The rule (a layer's airport_rule in the scenario; defaults from the CAAC
 * airport clearance protection area, ../shared/RULES.md): the area within
 * half_width_m each side of the runway centreline, from end_extension_m
 * before one runway end to end_extension_m beyond the other.  Per feature:
 *   LineString            the runway centreline, end to end
 *   Point + runway_heading_deg + runway_length_m
 *                         a runway of that length and true heading centred
 *                         on the point (the source gave no end coordinates)
 *   Point                 no runway published: the circle that holds the
 *                         rule's area for every orientation of a runway of
 *                         runway_length_m (default 0) centred on the point,
 *                         radius sqrt(w^2 + (e + L/2)^2); no orientation is
 *                         invented
 * Features sharing an 'airport' property are merged into one zone with
 * that id.  Shapes are built in an azimuthal equidistant projection centred
 * on each runway (distances from its centre are exact on the ellipsoid),
 * densified every 250 m, then transformed to the working CRS.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DENSIFY_M 250.0
#define CIRCLE_N 720 /* the 720-gon around the circle: at most r(1/cos(pi/720) - 1) = 0.2 m beyond it at 22 km */

/* A local frame centred on (lon, lat): plain PROJ pipelines (no database
 * lookup, which made a transformer per airport cost ~50 ms) between WGS84
 * lon/lat degrees and local metres, then the run's cached WGS84 -> working
 * CRS transformer. */
typedef struct frame {
    pl_xform *to_local;   /* WGS84 lon/lat -> local metres */
    pl_xform *to_ll;      /* local metres -> WGS84 lon/lat */
    pl_xform *ll_work;    /* WGS84 lon/lat -> working CRS */
} frame;

static int frame_at(pl_ctx *ctx, const pl_scenario *sc, double lon, double lat, frame *f)
{
    char fw[256], inv[256];
    snprintf(fw, sizeof fw,
             "+proj=pipeline +step +proj=unitconvert +xy_in=deg +xy_out=rad "
             "+step +proj=aeqd +lat_0=%.9f +lon_0=%.9f +ellps=WGS84", lat, lon);
    snprintf(inv, sizeof inv,
             "+proj=pipeline +step +inv +proj=aeqd +lat_0=%.9f +lon_0=%.9f +ellps=WGS84 "
             "+step +proj=unitconvert +xy_in=rad +xy_out=deg", lat, lon);
    f->to_local = pl_crs_pipeline(ctx, fw);
    f->to_ll = f->to_local ? pl_crs_pipeline(ctx, inv) : NULL;
    f->ll_work = f->to_ll ? pl_crs_xform(ctx, "EPSG:4326", sc->work_crs) : NULL;
    return f->ll_work ? PL_OK : pl_errcode(ctx);
}

/* Polygon from a closed ring in the local frame, densified, in the working CRS. */
static GEOSGeometry *ring_to_work(pl_ctx *ctx, const frame *f, const double *rx, const double *ry,
                                  size_t n, int densify)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    size_t cap = densify ? n * 200 + 1 : n;
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y);
    size_t k = 0;
    GEOSGeometry *g = NULL;
    if (!x || !y) {
        pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        size_t steps = 1;
        if (densify) {
            steps = (size_t)ceil(hypot(rx[i + 1] - rx[i], ry[i + 1] - ry[i]) / DENSIFY_M);
            if (steps < 1)
                steps = 1;
            if (steps > 199)
                steps = 199;
        }
        for (size_t s = 0; s < steps; s++) {
            x[k] = rx[i] + (rx[i + 1] - rx[i]) * (double)s / (double)steps;
            y[k] = ry[i] + (ry[i + 1] - ry[i]) * (double)s / (double)steps;
            k++;
        }
    }
    x[k] = x[0];
    y[k] = y[0];
    k++;
    if (pl_crs_trans(ctx, f->to_ll, x, y, k) != PL_OK || pl_crs_trans(ctx, f->ll_work, x, y, k) != PL_OK)
        goto out;
    GEOSCoordSequence *cs = GEOSCoordSeq_create_r(h, (unsigned)k, 2);
    for (size_t i = 0; cs && i < k; i++)
        GEOSCoordSeq_setXY_r(h, cs, (unsigned)i, x[i], y[i]);
    GEOSGeometry *shell = cs ? GEOSGeom_createLinearRing_r(h, cs) : NULL;
    g = shell ? GEOSGeom_createPolygon_r(h, shell, NULL, 0) : NULL;
    if (!g)
        pl_error(ctx, PL_GEOM, "cannot build an airport zone: %s", pl_libmsg(ctx));
out:
    free(x);
    free(y);
    return g;
}

static double num_prop(const pl_feature *ft, const char *key)
{
    const pl_prop *p = pl_feature_prop(ft, key);
    if (!p || p->type == PL_P_NULL)
        return NAN;
    if (p->type == PL_P_STR) {
        char *end;
        double v = strtod(p->str, &end);
        return (end != p->str && !*end) ? v : NAN;
    }
    return p->num;
}

/* The protection area of one runway feature, in the working CRS; a short
 * description of how it was built goes to how. */
static GEOSGeometry *runway_area(pl_ctx *ctx, const pl_scenario *sc, const pl_layer *l,
                                 const pl_feature *ft, pl_xform *to_ll, char *how, size_t how_n)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_layer_decl *d = l->decl;
    double w = d->ap_half_width_m, e = d->ap_end_ext_m;
    int t = GEOSGeomTypeId_r(h, ft->g);
    double ax, ay, bx, by; /* runway ends, lon/lat then local */
    double len = num_prop(ft, "runway_length_m"), hdg = num_prop(ft, "runway_heading_deg");
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ft->g);
    unsigned n = 0;
    if (t == GEOS_LINESTRING) {
        GEOSCoordSeq_getSize_r(h, cs, &n);
        GEOSCoordSeq_getXY_r(h, cs, 0, &ax, &ay);
        GEOSCoordSeq_getXY_r(h, cs, n - 1, &bx, &by);
    } else if (t == GEOS_POINT) {
        GEOSCoordSeq_getXY_r(h, cs, 0, &ax, &ay);
        bx = ax;
        by = ay;
    } else {
        pl_error(ctx, PL_GEOM, "%s: layer '%s': runway %s: expected a LineString or a Point, got a %s",
                 d->path, d->id, ft->id, pl_geom_type_name(t));
        return NULL;
    }
    /* working CRS -> lon/lat of the ends, then a frame at their middle */
    if (pl_crs_trans(ctx, to_ll, &ax, &ay, 1) || pl_crs_trans(ctx, to_ll, &bx, &by, 1))
        return NULL;
    frame f;
    if (frame_at(ctx, sc, (ax + bx) / 2, (ay + by) / 2, &f) != PL_OK)
        return NULL;
    if (pl_crs_trans(ctx, f.to_local, &ax, &ay, 1) || pl_crs_trans(ctx, f.to_local, &bx, &by, 1))
        return NULL;
    if (t == GEOS_POINT && isfinite(hdg) && isfinite(len) && len > 0) {
        double hr = hdg * M_PI / 180.0;
        ax = -sin(hr) * len / 2;
        ay = -cos(hr) * len / 2;
        bx = -ax;
        by = -ay;
        snprintf(how, how_n, "runway %s: %.0f m at true heading %g deg centred on the reference point",
                 ft->id, len, hdg);
    } else if (t == GEOS_POINT) {
        double L = isfinite(len) && len > 0 ? len : 0;
        double r = hypot(w, e + L / 2);
        double rv = r / cos(M_PI / CIRCLE_N) * (1 + 1e-12); /* vertices beyond r: edges tangent, never inside */
        double rx[CIRCLE_N + 1], ry[CIRCLE_N + 1];
        for (int i = 0; i < CIRCLE_N; i++) {
            rx[i] = rv * cos(2 * M_PI * i / CIRCLE_N);
            ry[i] = rv * sin(2 * M_PI * i / CIRCLE_N);
        }
        rx[CIRCLE_N] = rx[0];
        ry[CIRCLE_N] = ry[0];
        snprintf(how, how_n,
                 "%s: no runway geometry: circle of radius %.0f m holding the area for every "
                 "runway orientation", ft->id, r);
        return ring_to_work(ctx, &f, rx, ry, CIRCLE_N + 1, 0);
    } else {
        snprintf(how, how_n, "runway %s: ends as given", ft->id);
    }
    double L = hypot(bx - ax, by - ay);
    if (!(L > 0)) {
        pl_error(ctx, PL_GEOM, "%s: layer '%s': runway %s has zero length", d->path, d->id, ft->id);
        return NULL;
    }
    double ux = (bx - ax) / L, uy = (by - ay) / L, nx = -uy, ny = ux;
    double rx[5] = {ax - e * ux - w * nx, bx + e * ux - w * nx, bx + e * ux + w * nx,
                    ax - e * ux + w * nx, 0};
    double ry[5] = {ay - e * uy - w * ny, by + e * uy - w * ny, by + e * uy + w * ny,
                    ay - e * uy + w * ny, 0};
    rx[4] = rx[0];
    ry[4] = ry[0];
    return ring_to_work(ctx, &f, rx, ry, 5, 1);
}

int pl_airspace_airports(pl_ctx *ctx, const pl_scenario *sc, const pl_layer *l, pl_zone *z,
                         size_t *n)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_layer_decl *d = l->decl;
    pl_xform *to_ll = pl_crs_xform(ctx, sc->work_crs, "EPSG:4326");
    char *done = calloc(l->n_feats ? l->n_feats : 1, 1);
    GEOSGeometry **parts = calloc(l->n_feats ? l->n_feats : 1, sizeof *parts);
    int rc = PL_OK;
    if (!to_ll || !done || !parts) {
        rc = to_ll ? pl_error(ctx, PL_NOMEM, "out of memory") : pl_errcode(ctx);
        goto out;
    }
    for (size_t i = 0; i < l->n_feats && rc == PL_OK; i++) {
        if (done[i])
            continue;
        const pl_feature *first = &l->a_feats[i];
        const char *ap = pl_feature_str(first, "airport", first->id);
        size_t np = 0;
        pl_buf how;
        pl_buf_init(&how);
        int approx = 0;
        for (size_t j = i; j < l->n_feats; j++) {
            const pl_feature *ft = &l->a_feats[j];
            if (done[j] || strcmp(pl_feature_str(ft, "airport", ft->id), ap))
                continue;
            done[j] = 1;
            char one[300];
            GEOSGeometry *g = runway_area(ctx, sc, l, ft, to_ll, one, sizeof one);
            if (!g) {
                rc = pl_errcode(ctx) ? pl_errcode(ctx) : pl_error(ctx, PL_GEOM, "airport %s failed", ap);
                break;
            }
            parts[np++] = g;
            pl_buf_printf(&how, "%s%s", how.n ? "; " : "", one);
            const char *acc = pl_feature_str(ft, "accuracy", "");
            approx |= strcmp(acc, "rule-derived") != 0;
        }
        GEOSGeometry *u = NULL;
        if (rc == PL_OK) {
            GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)np);
            if (coll) {
                np = 0; /* the collection owns them */
                u = GEOSUnaryUnion_r(h, coll);
                GEOSGeom_destroy_r(h, coll);
            }
            if (!u)
                rc = pl_error(ctx, PL_GEOM, "airport %s: union failed: %s", ap, pl_libmsg(ctx));
        }
        for (size_t k = 0; k < np; k++)
            GEOSGeom_destroy_r(h, parts[k]);
        if (rc == PL_OK) {
            pl_zone *zz = &z[(*n)++];
            memset(zz, 0, sizeof *zz);
            zz->g = u;
            zz->floor_m = 0;
            zz->ceiling_m = INFINITY;
            zz->rule = pl_scenario_rule(sc, "airport");
            pl_buf b;
            pl_buf_init(&b);
            pl_buf_printf(&b, "%s (%.0f m each side of the centreline, %.0f m beyond each end); %s",
                          d->ap_basis ? d->ap_basis : "CAAC airport clearance protection area",
                          d->ap_half_width_m, d->ap_end_ext_m, how.s ? how.s : "");
            const char *an = pl_feature_str(first, "airport_name", NULL);
            zz->layer_id = d->id;
            /* the zone is only as good as its least certain runway */
            int oom = b.oom || pl_zone_strings(zz, ap, an ? an : pl_feature_str(first, "name", ap), "airport",
                                               "AGL", pl_feature_str(first, "source", NULL),
                                               pl_feature_str(first, "license", NULL),
                                               approx ? "approximate" : "rule-derived", b.s);
            pl_buf_free(&b);
            if (oom)
                rc = pl_error(ctx, PL_NOMEM, "out of memory");
            else if (!(zz->pg = GEOSPrepare_r(h, zz->g)))
                rc = pl_error(ctx, PL_GEOM, "airport %s: cannot prepare: %s", ap, pl_libmsg(ctx));
        } else if (u) {
            GEOSGeom_destroy_r(h, u);
        }
        pl_buf_free(&how);
    }
out:
    free(done);
    free(parts);
    return rc;
}
