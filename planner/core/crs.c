/*
 * crs.c - PROJ: transformers between a layer's CRS and the working CRS, and
 * from the working CRS back to WGS84 lon/lat.  The only file calling proj_*.
 *
 * Entry points: pl_crs_xform, pl_crs_pipeline, pl_crs_share, pl_crs_area_of_use, pl_crs_trans, pl_crs_trans_geom,
 * pl_crs_describe, pl_crs_seed, pl_crs_seed_area (a zone index keeps the operations found),
 * pl_crs_check_metric, pl_crs_cache_free, pl_crs_gcj02_to_wgs84,
 * pl_crs_bd09_to_wgs84, pl_crs_wgs84_to_gcj02.
 *
 * Axis order: every transformer is normalised for visualisation, so x is
 * always east (or longitude) and y north (or latitude), whatever the
 * authority says (EPSG:4326 is lat,lon; EPSG:4549 is northing,easting).
 * See ../shared/TOOLCHAIN.md, "the silent axis trap".
 */
#include "planner.h"

#include <math.h>
#include <proj.h>
#include <geodesic.h>
#include <stdlib.h>
#include <string.h>

struct pl_xform {
    char *src, *dst;       /* CRS definitions, as given; dst AREA: src's area of use, no transformer */
    PJ *pj;                /* normalised transformer, owned (NULL for an area of use) */
    double box[4];         /* an area of use: west, south, east, north */
    pl_xform *next;        /* cache list */
};

static PJ *make_pj(pl_ctx *ctx, const char *src, const char *dst)
{
    PJ_CONTEXT *pc = pl_proj(ctx);
    pl_libmsg_clear(ctx);
    PJ *raw = proj_create_crs_to_crs(pc, src, dst, NULL);
    if (!raw)
        return NULL;
    PJ *norm = proj_normalize_for_visualization(pc, raw);
    /* as PostGIS does: keep the normalised one, destroy the original */
    proj_destroy(raw);
    return norm;
}

static pl_xform *cache_find(pl_ctx *ctx, const char *src, const char *dst)
{
    for (pl_xform *x = *pl_ctx_xforms(ctx); x; x = x->next)
        if (strcmp(x->src, src) == 0 && strcmp(x->dst, dst) == 0)
            return x;
    return NULL;
}

/* Keep pj in the ctx's cache under (src, dst); takes pj. */
static pl_xform *cache_add(pl_ctx *ctx, const char *src, const char *dst, PJ *pj)
{
    pl_xform **head = pl_ctx_xforms(ctx);
    pl_xform *x = calloc(1, sizeof *x);
    if (x) {
        x->src = pl_strdup(src);
        x->dst = pl_strdup(dst);
    }
    if (!x || !x->src || !x->dst) {
        if (x) {
            free(x->src);
            free(x->dst);
        }
        free(x);
        proj_destroy(pj);
        pl_error(ctx, PL_NOMEM, "out of memory");
        return NULL;
    }
    x->pj = pj;
    x->next = *head;
    *head = x;
    pl_ctx_on_free(ctx, pl_crs_cache_free); /* the ctx frees the cache before PROJ, knowing no CRS */
    return x;
}

pl_xform *pl_crs_xform(pl_ctx *ctx, const char *src, const char *dst)
{
    pl_xform *x = cache_find(ctx, src, dst);
    if (x)
        return x;
    PJ *pj = make_pj(ctx, src, dst);
    if (!pj) {
        char shown[80];
        snprintf(shown, sizeof shown, "%.60s%s", src, strlen(src) > 60 ? "..." : "");
        pl_error(ctx, PL_CRS, "cannot transform from CRS %s to %s: %s", shown, dst,
                 pl_libmsg(ctx));
        return NULL;
    }
    return cache_add(ctx, src, dst, pj);
}

/* the cache's entries for areas of use (a CRS definition is never this) */
#define AREA "(area of use)"

int pl_crs_area_of_use(pl_ctx *ctx, const char *def, double box[4])
{
    pl_xform *x = cache_find(ctx, def, AREA);
    if (x) {
        memcpy(box, x->box, sizeof x->box);
        return 1;
    }
    PJ *crs = proj_create(pl_proj(ctx), def);
    double w, s, e, n;
    int ok = crs && proj_get_area_of_use(pl_proj(ctx), crs, &w, &s, &e, &n, NULL) && w > -1000;
    if (crs)
        proj_destroy(crs);
    if (!ok)
        return 0;
    box[0] = w;
    box[1] = s;
    box[2] = e;
    box[3] = n;
    pl_crs_seed_area(ctx, def, box); /* kept: every layer asks it */
    return 1;
}

void pl_crs_seed_area(pl_ctx *ctx, const char *def, const double box[4])
{
    if (cache_find(ctx, def, AREA))
        return;
    pl_xform *x = cache_add(ctx, def, AREA, NULL);
    if (x)
        memcpy(x->box, box, sizeof x->box);
    else
        pl_error_clear(ctx); /* only a cache: asked again next time */
}

char *pl_crs_describe(pl_ctx *ctx, const char *src, const char *dst)
{
    pl_xform *x = cache_find(ctx, src, dst);
    const char *s = x && x->pj ? proj_as_proj_string(pl_proj(ctx), x->pj, PJ_PROJ_5, NULL) : NULL;
    return s ? pl_strdup(s) : NULL;
}

int pl_crs_seed(pl_ctx *ctx, const char *src, const char *dst, const char *pipeline)
{
    if (cache_find(ctx, src, dst))
        return PL_OK;
    pl_libmsg_clear(ctx);
    PJ *pj = proj_create(pl_proj(ctx), pipeline); /* a plain operation: no database search */
    if (!pj)
        return pl_error(ctx, PL_CRS, "cannot create the operation %s: %s", pipeline, pl_libmsg(ctx));
    return cache_add(ctx, src, dst, pj) ? PL_OK : pl_errcode(ctx);
}

int pl_crs_share(pl_ctx *dst, pl_ctx *src, const char *src_def, const char *dst_def)
{
    for (pl_xform *x = *pl_ctx_xforms(src); x; x = x->next) {
        if (!x->pj || (src_def && strcmp(x->src, src_def)) || (dst_def && strcmp(x->dst, dst_def)) ||
            cache_find(dst, x->src, x->dst))
            continue;
        PJ *pj = proj_clone(pl_proj(dst), x->pj); /* the same operation, no new search */
        if (!pj)
            return pl_error(dst, PL_CRS, "cannot copy the transformation to %s: %s", x->dst, pl_libmsg(dst));
        if (!cache_add(dst, x->src, x->dst, pj))
            return pl_errcode(dst);
    }
    return PL_OK;
}

pl_xform *pl_crs_pipeline(pl_ctx *ctx, const char *def)
{
    pl_xform *x = cache_find(ctx, def, "pipeline");
    if (x)
        return x;
    pl_libmsg_clear(ctx);
    PJ *pj = proj_create(pl_proj(ctx), def); /* a plain operation: no database lookup */
    if (!pj) {
        pl_error(ctx, PL_CRS, "cannot create the operation %s: %s", def, pl_libmsg(ctx));
        return NULL;
    }
    return cache_add(ctx, def, "pipeline", pj);
}

int pl_crs_trans(pl_ctx *ctx, pl_xform *xf, double *x, double *y, size_t n)
{
    proj_errno_reset(xf->pj);
    size_t done = proj_trans_generic(xf->pj, PJ_FWD, x, sizeof(double), n, y, sizeof(double), n,
                                     NULL, 0, 0, NULL, 0, 0);
    int err = proj_errno_reset(xf->pj);
    if (done != n || err) {
        return pl_error(ctx, PL_CRS, "transformation to %s failed: %s", xf->dst,
                        err ? proj_errno_string(err) : "points left untransformed");
    }
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]) || x[i] == HUGE_VAL)
            return pl_error(ctx, PL_CRS, "transformation to %s gave no finite coordinate", xf->dst);
    return PL_OK;
}

typedef struct {
    pl_ctx *ctx;
    pl_xform *xf;
    int failed;
} trans_ud;

static int trans_cb(double *x, double *y, void *ud)
{
    trans_ud *t = ud;
    if (pl_crs_trans(t->ctx, t->xf, x, y, 1) != PL_OK) {
        t->failed = 1;
        return 0;
    }
    return 1;
}

GEOSGeometry *pl_crs_trans_geom(pl_ctx *ctx, pl_xform *xf, const GEOSGeometry *g)
{
    trans_ud t = {ctx, xf, 0};
    GEOSGeometry *out = GEOSGeom_transformXY_r(pl_geos(ctx), g, trans_cb, &t);
    if (!out && !t.failed)
        pl_error(ctx, PL_CRS, "transformation to %s failed: %s", xf->dst, pl_libmsg(ctx));
    return out;
}

int pl_crs_check_metric(pl_ctx *ctx, const char *def)
{
    PJ_CONTEXT *pc = pl_proj(ctx);
    int rc = PL_OK;
    PJ *crs = proj_create(pc, def);
    PJ *cs = NULL;
    if (!crs)
        return pl_error(ctx, PL_CRS, "unknown CRS '%s'", def);
    PJ_TYPE t = proj_get_type(crs);
    if (t != PJ_TYPE_PROJECTED_CRS) {
        rc = pl_error(ctx, PL_CRS, "working CRS '%s' is not a projected CRS in metres", def);
        goto out;
    }
    cs = proj_crs_get_coordinate_system(pc, crs);
    double factor = 0;
    if (!cs || !proj_cs_get_axis_info(pc, cs, 0, NULL, NULL, NULL, &factor, NULL, NULL, NULL) ||
        fabs(factor - 1.0) > 1e-12)
        rc = pl_error(ctx, PL_CRS, "working CRS '%s' does not use metres", def);
out:
    proj_destroy(cs);
    proj_destroy(crs);
    return rc;
}

void pl_crs_cache_free(pl_ctx *ctx)
{
    pl_xform **head = pl_ctx_xforms(ctx);
    pl_xform *x = *head;
    while (x) {
        pl_xform *next = x->next;
        proj_destroy(x->pj);
        free(x->src);
        free(x->dst);
        free(x);
        x = next;
    }
    *head = NULL;
}

/* ==== GCJ-02 and BD-09 ====================================================
 * The offsets Chinese web maps apply (GCJ-02: Amap, Tencent; BD-09: Baidu)
 * are a published closed-form perturbation of WGS84 on the Krasovsky
 * ellipsoid. The forward formula is applied as published; the inverse is
 * found by fixed-point iteration to well below a millimetre. */
static double gcj_dlat(double x, double y)
{
    double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
    return r;
}

static double gcj_dlon(double x, double y)
{
    double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
    r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
    r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
    r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
    return r;
}

void pl_crs_wgs84_to_gcj02(double *lon, double *lat)
{
    const double a = 6378245.0, ee = 0.00669342162296594323; /* Krasovsky 1940 */
    double dlat = gcj_dlat(*lon - 105.0, *lat - 35.0), dlon = gcj_dlon(*lon - 105.0, *lat - 35.0);
    double rad = *lat / 180.0 * M_PI, m = sin(rad);
    m = 1 - ee * m * m;
    double sm = sqrt(m);
    dlat = (dlat * 180.0) / ((a * (1 - ee)) / (m * sm) * M_PI);
    dlon = (dlon * 180.0) / (a / sm * cos(rad) * M_PI);
    *lon += dlon;
    *lat += dlat;
}

void pl_crs_gcj02_to_wgs84(double *lon, double *lat)
{
    double glon = *lon, glat = *lat, wlon = glon, wlat = glat;
    for (int i = 0; i < 30; i++) {
        double tlon = wlon, tlat = wlat;
        pl_crs_wgs84_to_gcj02(&tlon, &tlat);
        double elon = tlon - glon, elat = tlat - glat;
        wlon -= elon;
        wlat -= elat;
        if (fabs(elon) < 1e-12 && fabs(elat) < 1e-12)
            break;
    }
    *lon = wlon;
    *lat = wlat;
}

void pl_crs_bd09_to_wgs84(double *lon, double *lat)
{
    const double xp = M_PI * 3000.0 / 180.0;
    double x = *lon - 0.0065, y = *lat - 0.006;
    double z = sqrt(x * x + y * y) - 0.00002 * sin(y * xp);
    double t = atan2(y, x) - 0.000003 * cos(x * xp);
    *lon = z * cos(t);
    *lat = z * sin(t);
    pl_crs_gcj02_to_wgs84(lon, lat);
}

/* ==== geodesic circles (ED-269/318 Circle zones) ======================== */

void pl_crs_geod_circle(double lon, double lat, double r_m, int n, double *out_lon, double *out_lat)
{
    struct geod_geodesic g;
    geod_init(&g, 6378137.0, 1 / 298.257223563); /* WGS84 */
    /* vertices on a slightly larger circle, so the polygon's edges (chords)
     * stay outside the true circle: the zone is never smaller */
    double rv = r_m / cos(M_PI / n);
    for (int i = 0; i < n; i++) {
        double az = 360.0 * i / n, azi2;
        geod_direct(&g, lat, lon, az, rv, &out_lat[i], &out_lon[i], &azi2);
    }
    out_lon[n] = out_lon[0];
    out_lat[n] = out_lat[0];
}
