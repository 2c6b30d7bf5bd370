/*
 * layers.c - GDAL/OGR input: any vector format GDAL reads, into features in
 * the working CRS.  With ogrout.c and store.c, the only files that call OGR.
 *
 * Entry points: pl_layer_load, pl_layer_free, pl_feature_prop,
 * pl_feature_str, pl_gdal_errors_push/pop, pl_gdal_release.
 *
 * Per feature: geometry read as ISO WKB into GEOS, axis order made x=east
 * (see below), transformed by PROJ to the working CRS, checked: empty or
 * non-finite -> rejected; lon/lat out of range -> rejected, saying whether
 * it looks like projected metres or swapped axes; outside the working CRS's
 * area of use (grown by a degree) -> rejected (a wrong CRS); string
 * properties not UTF-8 -> rejected; invalid polygons -> rejected with GEOS's
 * reason, or repaired with GEOSMakeValid when the layer says repair: true.
 */
#include "planner.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* No point of the Earth lies farther than this from a projected CRS's
 * origin (the equator's length, 40075 km): a coordinate beyond is a unit
 * or typing error, in any projection a working CRS may be. */

static void gdal_err(CPLErr cls, CPLErrorNum no, const char *msg)
{
    (void)no;
    if (cls >= CE_Failure) {
        pl_ctx *ctx = CPLGetErrorHandlerUserData();
        char both[1024];
        /* GDAL's first failure is the cause ("GeoJSON object too large ...
         * OGR_GEOJSON_MAX_OBJ_SIZE"), its last the outcome: both kept */
        const char *was = ctx ? pl_libmsg(ctx) : "";
        if (ctx && strcmp(was, "no detail") && strcmp(was, msg) && !strstr(was, "; "))
            snprintf(both, sizeof both, "%s; %s", was, msg);
        else
            snprintf(both, sizeof both, "%s", msg);
        if (ctx)
            pl_libmsg_set(ctx, both);
    }
}

/* GDAL's JSON drivers (C symbols of libgdal, declared in a C++ header) */
void RegisterOGRGeoJSON(void);
void RegisterOGRGeoJSONSeq(void);
void RegisterOGRESRIJSON(void);
void RegisterOGRTopoJSON(void);

/* GDAL's drivers, registered on first use: for a .geojson or .json file
 * the JSON drivers alone (GDALAllRegister takes tens of milliseconds, more
 * than a warm zone index's whole answer to one proposal), else all of them
 * (NULL path: all).  The same driver reads a file either way. */
static void drivers_for(const char *path)
{
    if (GDALGetDriverCount() > 8) /* all registered (the JSON drivers are four) */
        return;
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (dot && (!strcasecmp(dot, ".geojson") || !strcasecmp(dot, ".json"))) {
        RegisterOGRGeoJSON(); /* each registers once */
        RegisterOGRGeoJSONSeq();
        RegisterOGRESRIJSON();
        RegisterOGRTopoJSON();
    } else {
        GDALAllRegister();
    }
}

const char *pl_gdal_release(void)
{
    return GDALVersionInfo("RELEASE_NAME");
}

void pl_gdal_errors_push(pl_ctx *ctx)
{
    drivers_for(NULL);
    CPLPushErrorHandlerEx(gdal_err, ctx);
}
void pl_gdal_errors_pop(void) { CPLPopErrorHandler(); }

static int add_issue(pl_layer *l, const char *fid, const char *what, const char *why)
{
    pl_issue *a = realloc(l->a_issues, (l->n_issues + 1) * sizeof *a);
    if (!a)
        return -1;
    l->a_issues = a;
    pl_issue *is = &a[l->n_issues++];
    is->fid = pl_strdup(fid);
    is->what = pl_strdup(what);
    is->why = pl_strdup(why);
    return 0;
}

static void feature_clear(pl_ctx *ctx, pl_feature *f)
{
    free(f->id);
    if (f->g)
        GEOSGeom_destroy_r(pl_geos(ctx), f->g);
    for (size_t i = 0; i < f->n_props; i++) {
        free(f->a_props[i].key);
        free(f->a_props[i].str);
    }
    free(f->a_props);
    memset(f, 0, sizeof *f);
}

static int read_props(OGRFeatureH of, OGRFeatureDefnH defn, pl_feature *f)
{
    int n = OGR_FD_GetFieldCount(defn);
    f->a_props = calloc((size_t)(n ? n : 1), sizeof *f->a_props);
    if (!f->a_props)
        return -1;
    for (int i = 0; i < n; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(defn, i);
        pl_prop *p = &f->a_props[f->n_props++];
        p->key = pl_strdup(OGR_Fld_GetNameRef(fd));
        if (!p->key)
            return -1;
        if (!OGR_F_IsFieldSetAndNotNull(of, i)) {
            p->type = PL_P_NULL;
            continue;
        }
        switch (OGR_Fld_GetType(fd)) {
        case OFTInteger:
        case OFTInteger64:
            p->type = PL_P_INT;
            p->num = (double)OGR_F_GetFieldAsInteger64(of, i);
            break;
        case OFTReal:
            p->type = PL_P_REAL;
            p->num = OGR_F_GetFieldAsDouble(of, i);
            break;
        default:
            p->type = PL_P_STR;
            break;
        }
        p->str = pl_strdup(OGR_F_GetFieldAsString(of, i));
        if (!p->str)
            return -1;
    }
    return 0;
}

static int shift_cb(double *x, double *y, void *ud)
{
    int kind = *(const int *)ud;
    if (kind == 1)
        pl_crs_gcj02_to_wgs84(x, y);
    else
        pl_crs_bd09_to_wgs84(x, y);
    return 1;
}

static int swap_cb(double *x, double *y, void *ud)
{
    (void)ud;
    double t = *x;
    *x = *y;
    *y = t;
    return 1;
}

/* Returns: 1 when the data's first coordinate is a northing/latitude. */
static int data_north_first(OGRSpatialReferenceH srs)
{
    int count = 0;
    const int *map = OSRGetDataAxisToSRSAxisMapping(srs, &count);
    if (!map || count < 2)
        return 0;
    int axis = abs(map[0]) - 1;
    OGRAxisOrientation o = OAO_Other;
    const char *key = OSRIsGeographic(srs) ? "GEOGCS" : (OSRIsProjected(srs) ? "PROJCS" : NULL);
    if (!OSRGetAxis(srs, key, axis, &o))
        return 0;
    return o == OAO_North || o == OAO_South;
}

/* Where the data may lie: the working CRS's area of use grown by a degree
 * (runways just beyond it), in lon/lat and as a box of the working CRS. */
typedef struct aoi {
    int have;
    double ll[4];     /* west, south, east, north (degrees) */
    double box[4];    /* minx, miny, maxx, maxy (working CRS) */
} aoi;

static void aoi_make(pl_ctx *ctx, const pl_scenario *sc, aoi *a)
{
    memset(a, 0, sizeof *a);
    double b[4];
    pl_xform *xf = pl_crs_area_of_use(ctx, sc->work_crs, b) ? pl_crs_xform(ctx, "EPSG:4326", sc->work_crs) : NULL;
    if (!xf) {
        pl_error_clear(ctx);
        return;
    }
    a->ll[0] = b[0] - 1;
    a->ll[1] = b[1] - 1;
    a->ll[2] = b[2] + 1;
    a->ll[3] = b[3] + 1;
    a->box[0] = a->box[1] = INFINITY;
    a->box[2] = a->box[3] = -INFINITY;
    for (int i = 0; i <= 20; i++) /* the boundary, densified: the box of its image */
        for (int k = 0; k < 4; k++) {
            double t = i / 20.0, x, y;
            if (k < 2) { /* south and north edges */
                x = a->ll[0] + t * (a->ll[2] - a->ll[0]);
                y = a->ll[k ? 3 : 1];
            } else {     /* west and east edges */
                x = a->ll[k == 2 ? 0 : 2];
                y = a->ll[1] + t * (a->ll[3] - a->ll[1]);
            }
            if (pl_crs_trans(ctx, xf, &x, &y, 1) != PL_OK) {
                pl_error_clear(ctx);
                return;
            }
            a->box[0] = fmin(a->box[0], x);
            a->box[1] = fmin(a->box[1], y);
            a->box[2] = fmax(a->box[2], x);
            a->box[3] = fmax(a->box[3], y);
        }
    a->have = 1;
}

static void envelope(pl_ctx *ctx, const GEOSGeometry *g, double e[4])
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeom_getXMin_r(h, g, &e[0]);
    GEOSGeom_getYMin_r(h, g, &e[1]);
    GEOSGeom_getXMax_r(h, g, &e[2]);
    GEOSGeom_getYMax_r(h, g, &e[3]);
}

/* A lon/lat geometry out of range: why, in words (a projected CRS's
 * metres labelled as degrees, or latitude and longitude swapped). */
static int lonlat_wrong(const double e[4], const aoi *a, char *why, size_t n)
{
    if (e[0] >= -180 && e[2] <= 180 && e[1] >= -90 && e[3] <= 90)
        return 0;
    if (fmax(fmax(fabs(e[0]), fabs(e[2])), fmax(fabs(e[1]), fabs(e[3]))) > 1000)
        snprintf(why, n, "coordinates such as (%.3f, %.3f) are not lon/lat degrees: projected metres in a file "
                         "that says (or, without a CRS, is taken to be) WGS84? declare the layer's crs:", e[0], e[1]);
    else if (e[1] >= -180 && e[3] <= 180 && e[0] >= -90 && e[2] <= 90) {
        int in = a->have && e[1] >= a->ll[0] && e[3] <= a->ll[2] && e[0] >= a->ll[1] && e[2] <= a->ll[3];
        snprintf(why, n, "latitude and longitude look swapped: (%.6f, %.6f) is not a lon/lat point, but "
                         "(%.6f, %.6f) is%s", e[0], e[1], e[1], e[0], in ? ", inside the working CRS's area" : "");
    } else
        snprintf(why, n, "coordinates out of lon/lat range: %.6f..%.6f, %.6f..%.6f", e[0], e[2], e[1], e[3]);
    return 1;
}

/* What reading each feature of a layer needs. */
typedef struct reader {
    const pl_layer_decl *d;
    pl_layer *l;
    OGRFeatureDefnH defn;
    int swap;         /* 1: the data's first coordinate is a northing */
    int geo;          /* 1: the source CRS is geographic (lon/lat checked) */
    aoi area;         /* where the data may lie */
    pl_xform *xf;     /* source CRS -> working CRS */
} reader;

/* The feature's properties and its id, every string property checked to
 * be UTF-8.  Returns 0, 1 rejected (issue recorded), -1 hard error. */
static int feature_props(pl_ctx *ctx, const reader *r, OGRFeatureH of, pl_feature *f)
{
    /* without an id property, the id is layer:FID so ids stay unique across layers */
    char fidbuf[300];
    snprintf(fidbuf, sizeof fidbuf, "%.200s:%lld", r->d->id, (long long)OGR_F_GetFID(of));
    if (read_props(of, r->defn, f))
        return pl_error(ctx, PL_NOMEM, "out of memory"), -1;
    const char *idv = pl_feature_str(f, r->d->id_prop, NULL);
    size_t bad = 0;
    if (idv && !pl_utf8_valid((const unsigned char *)idv, &bad))
        idv = NULL; /* named by its FID below, the id itself is reported */
    f->id = pl_strdup(idv && *idv ? idv : fidbuf);
    if (!f->id)
        return pl_error(ctx, PL_NOMEM, "out of memory"), -1;
    for (size_t i = 0; i < f->n_props; i++)
        if (f->a_props[i].type == PL_P_STR && !pl_utf8_valid((const unsigned char *)f->a_props[i].str, &bad)) {
            char why[300];
            snprintf(why, sizeof why, "property '%.100s' is not valid UTF-8 (byte 0x%02X at offset %zu); "
                                      "save the file as UTF-8", f->a_props[i].key,
                     (unsigned char)f->a_props[i].str[bad], bad);
            return add_issue(r->l, f->id, "rejected", why) ? -1 : 1;
        }
    return 0;
}

/* The feature's geometry into GEOS (as ISO WKB), in *out: not empty, every
 * coordinate finite.  Returns 0, 1 rejected (issue recorded), -1 hard error. */
static int feature_geom(pl_ctx *ctx, pl_layer *l, OGRFeatureH of, const pl_feature *f, GEOSGeometry **out)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    OGRGeometryH og = OGR_F_GetGeometryRef(of); /* owned by the feature */
    if (!og || OGR_G_IsEmpty(og))
        return add_issue(l, f->id, "rejected", og ? "empty geometry" : "no geometry") ? -1 : 1;
    OGRwkbGeometryType gt = wkbFlatten(OGR_G_GetGeometryType(og));
    if (gt == wkbLineString && OGR_G_GetPointCount(og) < 2)
        return add_issue(l, f->id, "rejected", "a line with one point (a route needs at least 2 waypoints)")
                   ? -1 : 1;
    size_t nb = (size_t)OGR_G_WkbSize(og);
    unsigned char *wkb = malloc(nb ? nb : 1);
    if (!wkb)
        return pl_error(ctx, PL_NOMEM, "out of memory"), -1;
    OGR_G_ExportToIsoWkb(og, wkbNDR, wkb);
    GEOSWKBReader *rd = GEOSWKBReader_create_r(h);
    pl_libmsg_clear(ctx);
    GEOSGeometry *g = rd ? GEOSWKBReader_read_r(h, rd, wkb, nb) : NULL;
    if (rd)
        GEOSWKBReader_destroy_r(h, rd);
    free(wkb);
    if (!g) {
        char why[1100];
        if (strstr(pl_libmsg(ctx), "closed linestring"))
            snprintf(why, sizeof why, "unclosed ring: a polygon ring must end at the point where it starts");
        else
            snprintf(why, sizeof why, "unreadable geometry: %s", pl_libmsg(ctx));
        return add_issue(l, f->id, "rejected", why) ? -1 : 1;
    }
    if (GEOSisEmpty_r(h, g) == 1 || !pl_geom_finite(ctx, g)) {
        int empty = GEOSisEmpty_r(h, g) == 1;
        GEOSGeom_destroy_r(h, g);
        return add_issue(l, f->id, "rejected", empty ? "empty geometry" : "non-finite coordinate")
                   ? -1 : 1;
    }
    *out = g;
    return 0;
}

/* x made east (axes swapped) and GCJ-02 / BD-09 shifted to WGS84, in
 * place.  Returns 0, or -1 hard error (the geometry gone). */
static int feature_axes(pl_ctx *ctx, const reader *r, GEOSGeometry **gp)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (r->swap) {
        GEOSGeometry *s = GEOSGeom_transformXY_r(h, *gp, swap_cb, NULL);
        GEOSGeom_destroy_r(h, *gp);
        if (!(*gp = s))
            return pl_error(ctx, PL_GEOM, "out of memory"), -1;
    }
    if (r->d->coord_shift) {
        GEOSGeometry *s = GEOSGeom_transformXY_r(h, *gp, shift_cb, (void *)&r->d->coord_shift);
        GEOSGeom_destroy_r(h, *gp);
        if (!(*gp = s))
            return pl_error(ctx, PL_GEOM, "out of memory"), -1;
    }
    return 0;
}

/* Lon/lat checked in range, the geometry transformed to the working CRS in
 * place and checked inside its area.  Returns 0, 1 rejected (issue
 * recorded), -1 hard error; on 1 and -1 the geometry is gone. */
static int feature_to_work(pl_ctx *ctx, const reader *r, const pl_feature *f, GEOSGeometry **gp)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const aoi *area = &r->area;
    GEOSGeometry *g = *gp;
    *gp = NULL;
    double e[4];
    char why_ll[400];
    envelope(ctx, g, e);
    if (r->geo && lonlat_wrong(e, area, why_ll, sizeof why_ll)) {
        GEOSGeom_destroy_r(h, g);
        return add_issue(r->l, f->id, "rejected", why_ll) ? -1 : 1;
    }
    GEOSGeometry *t = pl_crs_trans_geom(ctx, r->xf, g);
    GEOSGeom_destroy_r(h, g);
    if (!t) {
        char why[2200];
        snprintf(why, sizeof why, "cannot be transformed to the working CRS: %s", pl_errmsg(ctx));
        pl_error_clear(ctx);
        return add_issue(r->l, f->id, "rejected", why) ? -1 : 1;
    }
    g = t;
    envelope(ctx, g, e);
    if (fabs(e[0]) > PL_EARTH_M || fabs(e[1]) > PL_EARTH_M || fabs(e[2]) > PL_EARTH_M || fabs(e[3]) > PL_EARTH_M) {
        char why[300]; /* the area test below sees only a feature wholly outside: a vertex at 1e300 passed */
        snprintf(why, sizeof why, "a vertex %.6g m from the working CRS's origin (its box %.6g..%.6g, %.6g..%.6g): "
                 "no point of the Earth is %.0f km from it; a unit or typing error?",
                 fmax(fmax(fabs(e[0]), fabs(e[2])), fmax(fabs(e[1]), fabs(e[3]))), e[0], e[2], e[1], e[3],
                 PL_EARTH_M / 1000);
        GEOSGeom_destroy_r(h, g);
        return add_issue(r->l, f->id, "rejected", why) ? -1 : 1;
    }
    if (area->have && (e[2] < area->box[0] || e[0] > area->box[2] || e[3] < area->box[1] || e[1] > area->box[3])) {
        char why[500];
        snprintf(why, sizeof why, "lies outside the working CRS's area (%.1f..%.1fE, %.1f..%.1fN, a degree "
                                  "around its area of use), at (%.0f, %.0f) in it: coordinates in another CRS "
                                  "than the layer declares?", area->ll[0], area->ll[2], area->ll[1], area->ll[3],
                 e[0], e[1]);
        GEOSGeom_destroy_r(h, g);
        return add_issue(r->l, f->id, "rejected", why) ? -1 : 1;
    }
    *gp = g;
    return 0;
}

/* An invalid polygon rejected with GEOS's reason, or repaired with
 * MakeValid when the layer says repair: true (in place).  Returns 0, 1
 * rejected (issue recorded), -1 hard error; on 1 and -1 the geometry is gone. */
static int feature_valid(pl_ctx *ctx, const reader *r, const pl_feature *f, GEOSGeometry **gp)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_layer_decl *d = r->d;
    GEOSGeometry *g = *gp;
    int type = GEOSGeomTypeId_r(h, g);
    if (!((type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) && GEOSisValid_r(h, g) != 1))
        return 0;
    *gp = NULL;
    char *reason = GEOSisValidReason_r(h, g);
    char why[600];
    if (!d->repair) { /* a changed zone is a different answer: only when asked */
        snprintf(why, sizeof why, "invalid polygon (%s); fix it, or set repair: true on the layer to "
                                  "accept GEOS MakeValid's repair", reason ? reason : "?");
        if (reason)
            GEOSFree_r(h, reason);
        GEOSGeom_destroy_r(h, g);
        return add_issue(r->l, f->id, "rejected", why) ? -1 : 1;
    }
    snprintf(why, sizeof why, "invalid (%s), repaired with MakeValid", reason ? reason : "?");
    if (reason)
        GEOSFree_r(h, reason);
    GEOSGeometry *v = GEOSMakeValid_r(h, g);
    GEOSGeometry *poly = v ? pl_geom_polygonal(ctx, v) : NULL;
    GEOSGeom_destroy_r(h, g);
    if (v)
        GEOSGeom_destroy_r(h, v);
    if (!poly)
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': feature %s: repair failed: %s", d->path,
                        d->id, f->id, pl_libmsg(ctx)), -1;
    if (GEOSisEmpty_r(h, poly) == 1) {
        GEOSGeom_destroy_r(h, poly);
        return add_issue(r->l, f->id, "rejected", "invalid polygon with no area left after repair")
                   ? -1 : 1;
    }
    if (add_issue(r->l, f->id, "repaired", why)) {
        GEOSGeom_destroy_r(h, poly);
        return pl_error(ctx, PL_NOMEM, "out of memory"), -1;
    }
    *gp = poly;
    return 0;
}

/* ---- positions with and without altitude ---------------------------------
 * OGR reads a GeoJSON line that mixes [x, y, z] and [x, y] positions as 3D
 * with z = 0 where none was given: a silent 0 m.  Routes layers in GeoJSON
 * are read with their native JSON (NATIVE_DATA), and the positions of the
 * feature's "geometry" "coordinates" are counted here; routes.c refuses a
 * mix (pl_route_altitudes). */

/* s at a JSON string's opening quote: past its closing one */
static const char *json_skip_str(const char *s)
{
    for (s++; *s && *s != '"'; s++)
        if (*s == '\\' && s[1])
            s++;
    return *s ? s + 1 : s;
}

/* s at a JSON value: past it (objects and arrays by bracket depth) */
static const char *json_skip_value(const char *s)
{
    int depth = 0;
    do {
        if (*s == '"')
            s = json_skip_str(s) - 1;
        else if (*s == '{' || *s == '[')
            depth++;
        else if (*s == '}' || *s == ']')
            depth--;
        else if (!depth && (*s == ',' || !*s))
            return s;
        if (*s)
            s++;
    } while (*s && depth > 0);
    return s;
}

/* In the object at s ('{'), the value of key (top level only), or NULL. */
static const char *json_member(const char *s, const char *key)
{
    size_t kn = strlen(key);
    if (!s || *s != '{')
        return NULL;
    for (s++; *s;) {
        while (*s && *s != '"' && *s != '}')
            s++;
        if (*s != '"')
            return NULL;
        const char *k = s + 1, *e = json_skip_str(s);
        int match = (size_t)(e - 1 - k) == kn && !strncmp(k, key, kn);
        for (s = e; *s == ' ' || *s == ':' || *s == '\n' || *s == '\t' || *s == '\r'; s++)
            ;
        if (match)
            return s;
        s = json_skip_value(s);
        if (*s == ',')
            s++;
    }
    return NULL;
}

/* A line's positions (the array at s: [[x, y(, z)], ...]): the first one
 * with two numbers when another has three, into f (1-based). */
static void positions_dims(const char *s, pl_feature *f)
{
    size_t k = 0, first2 = 0, first3 = 0;
    if (!s || *s != '[')
        return;
    for (s++; *s && *s != ']';) {
        while (*s && *s != '[' && *s != ']')
            s++;
        if (*s != '[')
            break;
        size_t nums = 0;
        for (s++; *s && *s != ']'; s++)
            if ((*s == '-' || (*s >= '0' && *s <= '9')) && (nums++, 1))
                while (s[1] && s[1] != ',' && s[1] != ']')
                    s++;
        if (*s)
            s++;
        k++;
        if (nums == 2 && !first2)
            first2 = k;
        if (nums >= 3 && !first3)
            first3 = k;
    }
    if (first2 && first3)
        f->z_missing = first2, f->z_given = first3;
}

/* Convert one OGR feature into f.  Returns 0 kept, 1 rejected (issue
 * recorded), -1 hard error (ctx error set). */
static int read_feature(pl_ctx *ctx, const reader *r, OGRFeatureH of, pl_feature *f)
{
    GEOSGeometry *g = NULL;
    int rc = feature_props(ctx, r, of, f);
    const char *nd = OGR_F_GetNativeData(of); /* routes in GeoJSON only: their positions' dimensions */
    if (!rc && nd && r->d->role == PL_ROLE_ROUTES)
        positions_dims(json_member(json_member(nd, "geometry"), "coordinates"), f);
    if (!rc)
        rc = feature_geom(ctx, r->l, of, f, &g);
    if (!rc)
        rc = feature_axes(ctx, r, &g);
    if (!rc)
        rc = feature_to_work(ctx, r, f, &g);
    if (!rc)
        rc = feature_valid(ctx, r, f, &g);
    if (!rc)
        f->g = g;
    return rc;
}

/* The file can be opened at all: else say so, at the layer's path in the
 * scenario when it has one. */
static int probe_open(pl_ctx *ctx, const pl_scenario *sc, const pl_layer_decl *d)
{
    if (pl_path_check(ctx, d->path, "layer", d->id, PL_PATH_GDB) != PL_OK)
        return PL_IO; /* a named pipe would hang fopen */
    FILE *probe = fopen(d->path, "rb");
    if (!probe && d->path_line)
        return pl_error(ctx, PL_IO, "%s:%d:%d: layer '%s': cannot open %s: %s", sc->file, d->path_line,
                        d->path_col, d->id, d->path, strerror(errno));
    else if (!probe) /* a file named on the command line */
        return pl_error(ctx, PL_IO, "%s: cannot open: %s", d->path, strerror(errno));
    fclose(probe);
    return PL_OK;
}

/* EUROCAE ED-269 / ED-318 zone files: read through our zone schema into
 * GeoJSON text (json), put in GDAL's memory as the file ed_path
 * (/vsimem/..., set before it is made: the caller unlinks it). */
static int zonex_to_mem(pl_ctx *ctx, const pl_layer_decl *d, pl_layer *l, pl_buf *json, char *ed_path, size_t n)
{
    size_t skipped = 0;
    int rc = pl_zonex_read(ctx, d->path, json, &skipped);
    if (rc != PL_OK)
        return rc;
    snprintf(ed_path, n, "/vsimem/planner-ed-%p.geojson", (void *)l);
    VSILFILE *mf = VSIFileFromMemBuffer(ed_path, (GByte *)json->s, (vsi_l_offset)json->n, FALSE);
    if (!mf)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    VSIFCloseL(mf);
    if (skipped) {
        char why[128];
        snprintf(why, sizeof why, "%zu NO_RESTRICTION zone%s left out (information only)", skipped,
                 skipped == 1 ? "" : "s");
        add_issue(l, "-", "skipped", why);
    }
    return PL_OK;
}

/* The dataset opened (in *ds, for the caller to close) and its layer found:
 * the one the declaration names, else the first. */
static int open_layer(pl_ctx *ctx, const pl_scenario *sc, const pl_layer_decl *d, pl_layer *l,
                      const char *open_path, int ed, GDALDatasetH *ds, OGRLayerH *lay)
{
    *ds = GDALOpenEx(open_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (*ds && d->role == PL_ROLE_ROUTES && !ed && !strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(*ds)), "GeoJSON")) {
        /* again with each feature's JSON: positions with and without altitude are told apart */
        const char *drv[] = {"GeoJSON", NULL}, *oo[] = {"NATIVE_DATA=YES", NULL};
        GDALClose(*ds);
        *ds = GDALOpenEx(open_path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drv, oo, NULL);
    }
    if (!*ds) {
        if (d->path_line)
            return pl_error(ctx, PL_GDAL, "%s:%d:%d: layer '%s': %s is not a vector dataset GDAL can read: %s",
                            sc->file, d->path_line, d->path_col, d->id, d->path, pl_libmsg(ctx));
        return pl_error(ctx, PL_GDAL, "%s: not a vector dataset GDAL can read: %s", d->path, pl_libmsg(ctx));
    }
    l->driver = pl_strdup(ed == PL_ZONEX_ED269 ? "ED-269" : ed == PL_ZONEX_ED318 ? "ED-318"
                                                : GDALGetDriverShortName(GDALGetDatasetDriver(*ds)));
    *lay = d->ogr_layer ? GDALDatasetGetLayerByName(*ds, d->ogr_layer)
                        : (GDALDatasetGetLayerCount(*ds) > 0 ? GDALDatasetGetLayer(*ds, 0) : NULL);
    if (!*lay)
        return pl_error(ctx, PL_GDAL, "%s: layer '%s': %s%s%s", d->path, d->id,
                        d->ogr_layer ? "no layer named '" : "no layer in the file",
                        d->ogr_layer ? d->ogr_layer : "", d->ogr_layer ? "'" : "");
    l->ogr_name = pl_strdup(OGR_L_GetName(*lay));
    return PL_OK;
}

/* The layer's source CRS: the data's own (as WKT in *wkt, for the caller
 * to free with CPLFree, or as its EPSG code), else the one the declaration
 * assumes; its name and id into l.  *src_def is what PROJ is given, *swap
 * whether the data's first coordinate is a northing. */
static int source_crs(pl_ctx *ctx, const pl_scenario *sc, const pl_layer_decl *d, pl_layer *l,
                      OGRSpatialReferenceH srs, char **wkt, const char **src_def, int *swap)
{
    if (srs) {
        const char *opts[] = {"FORMAT=WKT2_2019", NULL};
        if (OSRExportToWktEx(srs, wkt, opts) != OGRERR_NONE || !*wkt)
            return pl_error(ctx, PL_CRS, "%s: layer '%s': its CRS cannot be expressed as WKT", d->path, d->id);
        *src_def = *wkt;
        *swap = data_north_first(srs);
        const char *nm = OSRGetName(srs);
        l->crs_name = pl_strdup(nm ? nm : "unnamed");
        const char *an = OSRGetAuthorityName(srs, NULL), *ac = OSRGetAuthorityCode(srs, NULL);
        if (an && ac) {
            char id[64];
            snprintf(id, sizeof id, "%s:%s", an, ac);
            l->crs_id = pl_strdup(id);
            /* an EPSG CRS is named by its code: every layer in it (and
             * airspace.c's frames) then shares one cached transformer */
            if (l->crs_id && !strcmp(an, "EPSG"))
                *src_def = l->crs_id;
        }
    } else if (d->crs) {
        *src_def = d->crs;
        l->crs_assumed = 1;
        l->crs_name = pl_strdup(d->crs);
        l->crs_id = pl_strdup(d->crs);
    } else {
        return pl_error(ctx, PL_CRS,
                        "%s: layer '%s' has no CRS; add 'crs: EPSG:NNNN' to the layer at %s:%d:%d",
                        d->path, d->id, sc->file, d->line, d->col);
    }
    if (d->coord_shift && srs && !OSRIsGeographic(srs))
        return pl_error(ctx, PL_CRS, "%s: --input-crs gcj02/bd09 needs lon/lat input, this file is in %s",
                        d->path, l->crs_name);
    return PL_OK;
}

/* The most features a layer may have: a zone takes up to about 3.5 KB at
 * peak (1,000,000 building footprints from GeoJSON, loaded, indexed and
 * checked: 3.4 GB; loaded alone 2.1 GB), so this many stay under 4 GB.
 * More is refused before reading when the format counts its features
 * cheaply (GeoPackage, Shapefile, ...), else when the count passes it,
 * never met by running out of memory. */
#define MAX_LAYER_FEATURES 1100000

static int too_many(pl_ctx *ctx, const reader *r, long long n, int counted)
{
    return pl_error(ctx, PL_PARSE,
                    "%s: layer '%s': %s%lld features, more than the planner's limit of %d a layer (a zone "
                    "takes up to 3.5 KB of memory: 4 GB at the limit); split the layer into several, or keep "
                    "only the area the plan covers (ogr2ogr -spat xmin ymin xmax ymax)",
                    r->d->path, r->d->id, counted ? "" : "at least ", n, MAX_LAYER_FEATURES);
}

/* Every feature of the layer read: the kept ones into l->a_feats (counted
 * by geometry type), the rejected ones counted. */
static int read_features(pl_ctx *ctx, const reader *r, OGRLayerH lay)
{
    pl_layer *l = r->l;
    long long declared = OGR_L_GetFeatureCount(lay, FALSE); /* -1: not known without reading */
    if (declared > MAX_LAYER_FEATURES)
        return too_many(ctx, r, declared, 1);
    OGR_L_ResetReading(lay);
    OGRFeatureH of;
    size_t cap = 0;
    while ((of = OGR_L_GetNextFeature(lay))) {
        if (++l->n_read % 65536 == 0) /* a big layer shows how far it is (features are streamed) */
            pl_progress(ctx, "loading layer %s: %zu features read", r->d->id, l->n_read);
        if (l->n_read > MAX_LAYER_FEATURES) {
            OGR_F_Destroy(of);
            return too_many(ctx, r, (long long)l->n_read, 0);
        }
        if (l->n_feats == cap) {
            cap = cap ? cap * 2 : 64;
            pl_feature *a = realloc(l->a_feats, cap * sizeof *a);
            if (!a) {
                OGR_F_Destroy(of);
                return pl_error(ctx, PL_NOMEM, "out of memory");
            }
            l->a_feats = a;
        }
        pl_feature *f = &l->a_feats[l->n_feats];
        memset(f, 0, sizeof *f);
        int rc = read_feature(ctx, r, of, f);
        OGR_F_Destroy(of);
        if (rc < 0) {
            feature_clear(ctx, f);
            return pl_errcode(ctx) ? pl_errcode(ctx) : pl_error(ctx, PL_NOMEM, "out of memory");
        }
        if (rc > 0) {
            feature_clear(ctx, f);
            l->n_rejected++;
            continue;
        }
        int t = GEOSGeomTypeId_r(pl_geos(ctx), f->g);
        if (t >= 0 && t < 8)
            l->n_type[t]++;
        l->n_feats++;
    }
    if (CPLGetLastErrorType() >= CE_Failure)
        return pl_error(ctx, PL_GDAL, "%s: layer '%s': read failed: %s", r->d->path, r->d->id,
                        CPLGetLastErrorMsg());
    return PL_OK;
}

int pl_layer_load(pl_ctx *ctx, const pl_scenario *sc, const pl_layer_decl *d, pl_layer **out)
{
    *out = NULL;
    int rc = PL_OK;
    GDALDatasetH ds = NULL;
    char *wkt = NULL;
    pl_buf ed_json;
    char ed_path[96] = "";
    pl_buf_init(&ed_json);
    pl_layer *l = calloc(1, sizeof *l);
    if (!l)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    l->decl = d;
    drivers_for(d->path);
    CPLPushErrorHandlerEx(gdal_err, ctx);
    CPLErrorReset();
    pl_libmsg_clear(ctx);
    reader r = {.d = d, .l = l};
    OGRLayerH lay = NULL;
    const char *src_def = NULL;
    if ((rc = probe_open(ctx, sc, d)) != PL_OK)
        goto out;
    int ed = pl_zonex_detect(d->path);
    if (ed && (rc = zonex_to_mem(ctx, d, l, &ed_json, ed_path, sizeof ed_path)) != PL_OK)
        goto out;
    if ((rc = open_layer(ctx, sc, d, l, ed ? ed_path : d->path, ed, &ds, &lay)) != PL_OK)
        goto out;
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(lay); /* owned by the layer */
    if ((rc = source_crs(ctx, sc, d, l, srs, &wkt, &src_def, &r.swap)) != PL_OK)
        goto out;
    r.geo = srs ? OSRIsGeographic(srs) : 0;
    aoi_make(ctx, sc, &r.area);
    r.xf = pl_crs_xform(ctx, src_def, sc->work_crs);
    if (!r.xf) {
        rc = pl_errcode(ctx);
        goto out;
    }
    r.defn = OGR_L_GetLayerDefn(lay);
    rc = read_features(ctx, &r, lay);
out:
    CPLPopErrorHandler();
    CPLFree(wkt);
    if (ds)
        GDALClose(ds);
    if (ed_path[0])
        VSIUnlink(ed_path);
    pl_buf_free(&ed_json);
    if (rc != PL_OK)
        pl_layer_free(ctx, l);
    else
        *out = l;
    return rc;
}

void pl_layer_free(pl_ctx *ctx, pl_layer *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n_feats; i++)
        feature_clear(ctx, &l->a_feats[i]);
    free(l->a_feats);
    for (size_t i = 0; i < l->n_issues; i++) {
        free(l->a_issues[i].fid);
        free(l->a_issues[i].what);
        free(l->a_issues[i].why);
    }
    free(l->a_issues);
    free(l->driver);
    free(l->ogr_name);
    free(l->crs_name);
    free(l->crs_id);
    free(l);
}

const pl_prop *pl_feature_prop(const pl_feature *f, const char *key)
{
    for (size_t i = 0; key && i < f->n_props; i++)
        if (!strcmp(f->a_props[i].key, key))
            return &f->a_props[i];
    return NULL;
}

const char *pl_feature_str(const pl_feature *f, const char *key, const char *dflt)
{
    const pl_prop *p = pl_feature_prop(f, key);
    return p && p->type != PL_P_NULL && p->str ? p->str : dflt;
}

/* The union of the polygons of every layer of role (features of kind
 * "island" left out when skip_islands), working CRS; an empty polygon when
 * there are none, NULL on failure.  Owner: the caller. */
GEOSGeometry *pl_layers_union(pl_ctx *ctx, pl_layer *const *layers, size_t n_layers, int role, int skip_islands)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    size_t n = 0, cap = 16;
    GEOSGeometry **a = malloc(cap * sizeof *a);
    if (!a)
        return NULL;
    for (size_t i = 0; i < n_layers; i++) {
        const pl_layer *l = layers[i];
        if (l->decl->role != role)
            continue;
        for (size_t k = 0; k < l->n_feats; k++) {
            const pl_feature *f = &l->a_feats[k];
            int t = GEOSGeomTypeId_r(h, f->g);
            if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
                continue;
            if (skip_islands && !strcmp(pl_feature_str(f, "kind", ""), "island"))
                continue;
            if (n == cap) {
                GEOSGeometry **b = realloc(a, 2 * cap * sizeof *b);
                if (!b)
                    goto fail;
                a = b;
                cap *= 2;
            }
            if (!(a[n] = GEOSGeom_clone_r(h, f->g)))
                goto fail;
            n++;
        }
    }
    if (n == 0) {
        free(a);
        return GEOSGeom_createEmptyPolygon_r(h);
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, a, (unsigned)n);
    free(a);
    if (!coll)
        return NULL;
    GEOSGeometry *u = GEOSUnaryUnion_r(h, coll);
    GEOSGeom_destroy_r(h, coll);
    return u;
fail:
    for (size_t k = 0; k < n; k++)
        GEOSGeom_destroy_r(h, a[k]);
    free(a);
    return NULL;
}
