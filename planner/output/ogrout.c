/*
 * ogrout.c - the plan's layers into any dataset GDAL writes: GeoPackage for
 * QGIS (with its styles), KML for Google Earth and Ovital, and the run store
 * (SpatiaLite or PostGIS, see store.c).
 *
 * Entry points: pl_ogr_copy, pl_ogr_styles, pl_export_dataset.
 *
 * The plan's GeoJSON (export.c) is the one description of every layer: its
 * features and properties are copied here through OGR's GeoJSON reader from
 * memory, so GeoJSON, GeoPackage, KML and the store can never disagree.
 * Coordinates go back to the target CRS from the GeoJSON's 7 decimals
 * (about 1 cm).  Field types are fixed so that runs appended to one store
 * share one schema: measures are Real even when a value happens to be whole,
 * counts Integer, lists JSON text.  Routes keep their Z (LineString Z
 * layers); for KML a 3D feature's altitude_mode becomes its altitudeMode
 * (LIBKML_ALTITUDEMODE_FIELD), with extrude, and its name and description
 * fields the placemark's name and balloon.
 */
#include "planner.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const count_fields[] = {"blocking_conflicts", "warnings", "blocking", NULL};

/* Target type of a source field. */
static OGRFieldType field_type(OGRFieldDefnH fd, OGRFieldSubType *sub)
{
    OGRFieldType t = OGR_Fld_GetType(fd);
    *sub = OGR_Fld_GetSubType(fd);
    switch (t) {
    case OFTInteger:
    case OFTInteger64:
        if (*sub == OFSTBoolean || pl_str_in(OGR_Fld_GetNameRef(fd), count_fields))
            return OFTInteger;
        *sub = OFSTNone;
        return OFTReal;
    case OFTIntegerList:
    case OFTInteger64List:
    case OFTRealList:
    case OFTStringList:
        *sub = OFSTJSON;
        return OFTString;
    default:
        return t;
    }
}

/* The geometry type a layer gets: the features' one type, with Polygon and
 * MultiPolygon (or lines) promoted to the multi type, with Z when any
 * feature has it (routes).  An empty line layer is a 3D one, as routes
 * and reroutes are. */
static OGRwkbGeometryType layer_geom_type(OGRLayerH src, const char *name)
{
    OGRwkbGeometryType t = wkbNone;
    int mixed = 0, z = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(src);
    while ((f = OGR_L_GetNextFeature(src))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) {
            z |= wkbHasZ(OGR_G_GetGeometryType(g));
            OGRwkbGeometryType k = wkbFlatten(OGR_G_GetGeometryType(g));
            if (k == wkbPolygon)
                k = wkbMultiPolygon;
            if (k == wkbLineString && t == wkbMultiLineString)
                k = wkbMultiLineString;
            if (k == wkbMultiLineString && t == wkbLineString)
                t = wkbMultiLineString;
            if (t == wkbNone)
                t = k;
            else if (t != k)
                mixed = 1;
        }
        OGR_F_Destroy(f);
    }
    OGR_L_ResetReading(src);
    if (mixed)
        return z ? wkbSetZ(wkbUnknown) : wkbUnknown;
    if (t == wkbNone) { /* no feature: the layer's usual type, so QGIS can style it */
        const pl_layer_style *st = pl_style_for(name);
        if (!st)
            return wkbUnknown;
        return st->geom == PL_STYLE_POINT ? wkbPoint : st->geom == PL_STYLE_LINE ? wkbLineString25D
                                                                                 : wkbMultiPolygon;
    }
    return z ? wkbSetZ(t) : t;
}

/* A list field's value as JSON text. */
static void list_json(OGRFeatureH f, int i, OGRFieldType t, pl_buf *b)
{
    int n = 0;
    pl_buf_puts(b, "[");
    if (t == OFTIntegerList || t == OFTInteger64List || t == OFTRealList) {
        /* each list type has its own getter (the Integer64 one returns
         * nothing for an Integer list, as [120,100,30] reads) */
        const double *d = t == OFTRealList ? OGR_F_GetFieldAsDoubleList(f, i, &n) : NULL;
        const int *k = t == OFTIntegerList ? OGR_F_GetFieldAsIntegerList(f, i, &n) : NULL;
        const GIntBig *k64 = t == OFTInteger64List ? OGR_F_GetFieldAsInteger64List(f, i, &n) : NULL;
        for (int j = 0; j < n; j++) {
            if (j)
                pl_buf_puts(b, ",");
            pl_buf_num(b, d ? d[j] : k ? (double)k[j] : (double)k64[j], 6);
        }
    } else {
        char **s = OGR_F_GetFieldAsStringList(f, i);
        for (int j = 0; s && s[j]; j++) {
            if (j)
                pl_buf_puts(b, ",");
            pl_buf_json_str(b, s[j]);
        }
    }
    pl_buf_puts(b, "]");
}

static OGRSpatialReferenceH srs_new(pl_ctx *ctx, const char *crs)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    if (!s || OSRSetFromUserInput(s, crs) != OGRERR_NONE) {
        if (s)
            OSRDestroySpatialReference(s);
        pl_error(ctx, PL_CRS, "%s: not a CRS GDAL knows", crs);
        return NULL;
    }
    OSRSetAxisMappingStrategy(s, OAMS_TRADITIONAL_GIS_ORDER);
    return s;
}

static int add_field(pl_ctx *ctx, OGRLayerH dl, const char *layer, const char *field, OGRFieldType t,
                     OGRFieldSubType sub)
{
    OGRFieldDefnH nd = OGR_Fld_Create(field, t);
    OGR_Fld_SetSubType(nd, sub);
    OGRErr e = OGR_L_CreateField(dl, nd, TRUE);
    OGR_Fld_Destroy(nd);
    if (e != OGRERR_NONE)
        return pl_error(ctx, PL_IO, "layer '%s': cannot add field %s: %s", layer, field, pl_libmsg(ctx));
    return PL_OK;
}

/* Field i of g = v; for KML (an XML file) without the characters XML
 * cannot hold (x: a scratch buffer). */
static void set_text(OGRFeatureH g, int i, const char *v, int flags, pl_buf *x)
{
    if (flags & PL_OGR_KML_STYLE) {
        x->n = 0;
        pl_buf_putn(x, "", 0); /* "" when nothing follows */
        pl_buf_xml_chars(x, v);
        v = x->s ? x->s : "";
    }
    OGR_F_SetFieldString(g, i, v);
}

/* The first feature's field as text (a copy to CPLFree), or NULL. */
static char *first_text(OGRLayerH src, const char *field)
{
    char *v = NULL;
    int i = OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(src), field);
    OGR_L_ResetReading(src);
    OGRFeatureH f = i >= 0 ? OGR_L_GetNextFeature(src) : NULL;
    if (f && OGR_F_IsFieldSetAndNotNull(f, i))
        v = CPLStrdup(OGR_F_GetFieldAsString(f, i));
    if (f)
        OGR_F_Destroy(f);
    OGR_L_ResetReading(src);
    return v;
}

/* The layer name of dst, created when missing (spatially indexed where
 * the driver can; in a GeoPackage a 3D layer's description says what its Z
 * is, from its features' altitude_datum); NULL with the error set when it
 * cannot be. */
static OGRLayerH dest_layer(pl_ctx *ctx, GDALDatasetH dst, OGRLayerH src, const char *name,
                            OGRSpatialReferenceH dsrs)
{
    OGRLayerH dl = GDALDatasetGetLayerByName(dst, name);
    if (dl)
        return dl;
    char **lco = NULL;
    const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(dst));
    if (!strcmp(drv, "GPKG") || !strcmp(drv, "SQLite") || !strcmp(drv, "PostgreSQL"))
        lco = CSLSetNameValue(lco, "SPATIAL_INDEX", "YES");
    if (!strcmp(drv, "PostgreSQL"))
        lco = CSLSetNameValue(lco, "GEOMETRY_NAME", "geom");
    char *z = !strcmp(drv, "GPKG") ? first_text(src, "altitude_datum") : NULL;
    if (z)
        lco = CSLSetNameValue(lco, "DESCRIPTION", z);
    dl = GDALDatasetCreateLayer(dst, name, dsrs, layer_geom_type(src, name), lco);
    CSLDestroy(lco);
    CPLFree(z);
    if (!dl)
        pl_error(ctx, PL_IO, "layer '%s': cannot create: %s", name, pl_libmsg(ctx));
    return dl;
}

/* Every field of f into g through map (source index -> target index);
 * lists as JSON text, text through set_text (tmp, xml: scratch). */
static void copy_fields(OGRFeatureH f, OGRFeatureH g, OGRFeatureDefnH sdef, const int *map, int flags, pl_buf *tmp,
                        pl_buf *xml)
{
    int nf = OGR_FD_GetFieldCount(sdef);
    for (int i = 0; i < nf; i++) {
        if (!OGR_F_IsFieldSetAndNotNull(f, i)) {
            OGR_F_SetFieldNull(g, map[i]);
            continue;
        }
        OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(sdef, i));
        switch (t) {
        case OFTInteger:
        case OFTInteger64:
            OGR_F_SetFieldInteger64(g, map[i], OGR_F_GetFieldAsInteger64(f, i));
            break;
        case OFTReal:
            OGR_F_SetFieldDouble(g, map[i], OGR_F_GetFieldAsDouble(f, i));
            break;
        case OFTIntegerList:
        case OFTInteger64List:
        case OFTRealList:
        case OFTStringList:
            tmp->n = 0;
            list_json(f, i, t, tmp);
            set_text(g, map[i], tmp->s ? tmp->s : "[]", flags, xml);
            break;
        default:
            set_text(g, map[i], OGR_F_GetFieldAsString(f, i), flags, xml);
        }
    }
}

/* The fields of dl for the features of sdef: map[i] its index of source
 * field i (missing fields are added: a newer run may carry more), the
 * fields the layer's style reads, run_field (*run_idx), and for KML an
 * "extrude" field (*ext_idx) on layers of 3D features (they carry
 * altitude_mode), so Google Earth draws each route's wall down to the
 * ground.  Indexes -1 when not asked for. */
static int dest_fields(pl_ctx *ctx, OGRLayerH dl, const char *name, OGRFeatureDefnH sdef, int *map, int flags,
                       const char *run_field, int *run_idx, int *ext_idx)
{
    int rc, nf = OGR_FD_GetFieldCount(sdef);
    OGRFeatureDefnH ddef = OGR_L_GetLayerDefn(dl);
    for (int i = 0; i < nf; i++) {
        OGRFieldDefnH fd = OGR_FD_GetFieldDefn(sdef, i);
        const char *fname = OGR_Fld_GetNameRef(fd);
        if (OGR_FD_GetFieldIndex(ddef, fname) < 0) {
            OGRFieldSubType sub;
            OGRFieldType t = field_type(fd, &sub);
            if ((rc = add_field(ctx, dl, name, fname, t, sub)) != PL_OK)
                return rc;
            ddef = OGR_L_GetLayerDefn(dl);
        }
        map[i] = OGR_FD_GetFieldIndex(ddef, fname);
    }
    /* the fields the layer's style reads, even when no feature has them
     * (an empty layer), so QGIS finds what it colours and labels by */
    const pl_layer_style *sty = pl_style_for(name);
    const int kml3d = (flags & PL_OGR_KML_STYLE) && OGR_FD_GetFieldIndex(sdef, "altitude_mode") >= 0;
    const char *need[4] = {sty ? sty->field : NULL, sty ? sty->label_field : NULL, run_field,
                           kml3d ? "extrude" : NULL};
    const OGRFieldType type[4] = {OFTString, OFTString, OFTInteger64, OFTInteger};
    for (int k = 0; k < 4; k++)
        if (need[k] && OGR_FD_GetFieldIndex(ddef, need[k]) < 0) {
            if ((rc = add_field(ctx, dl, name, need[k], type[k], OFSTNone)) != PL_OK)
                return rc;
            ddef = OGR_L_GetLayerDefn(dl);
        }
    *run_idx = run_field ? OGR_FD_GetFieldIndex(ddef, run_field) : -1;
    *ext_idx = kml3d ? OGR_FD_GetFieldIndex(ddef, "extrude") : -1;
    return PL_OK;
}

/* Copy the features of one source layer into dst (created when missing),
 * run_field = run_id on every feature when run_field is set. */
static int copy_layer(pl_ctx *ctx, GDALDatasetH dst, OGRLayerH src, const char *name,
                      OGRSpatialReferenceH dsrs, int flags, const char *run_field, long long run_id)
{
    int rc = PL_OK, run_idx = -1, ext_idx = -1;
    OGRFeatureDefnH sdef = OGR_L_GetLayerDefn(src);
    int nf = OGR_FD_GetFieldCount(sdef);
    int *map = malloc((size_t)(nf + 1) * sizeof *map);
    OGRCoordinateTransformationH ct = NULL;
    pl_buf tmp, xml;
    pl_buf_init(&tmp);
    pl_buf_init(&xml);
    if (!map)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    OGRLayerH dl = dest_layer(ctx, dst, src, name, dsrs);
    if (!dl) {
        rc = pl_errcode(ctx);
        goto out;
    }
    if ((rc = dest_fields(ctx, dl, name, sdef, map, flags, run_field, &run_idx, &ext_idx)) != PL_OK)
        goto out;
    OGRFeatureDefnH ddef = OGR_L_GetLayerDefn(dl);
    OGRSpatialReferenceH ssrs = OGR_L_GetSpatialRef(src);
    if (ssrs && dsrs && !OSRIsSame(ssrs, dsrs)) {
        ct = OCTNewCoordinateTransformation(ssrs, dsrs);
        if (!ct) {
            rc = pl_error(ctx, PL_CRS, "layer '%s': no transformation to the target CRS: %s", name,
                          pl_libmsg(ctx));
            goto out;
        }
    }
    const pl_layer_style *st = (flags & PL_OGR_KML_STYLE) ? pl_style_for(name) : NULL;
    int st_idx = st ? OGR_FD_GetFieldIndex(sdef, st->field) : -1;
    OGRFeatureH f;
    OGR_L_ResetReading(src);
    while (rc == PL_OK && (f = OGR_L_GetNextFeature(src))) {
        OGRFeatureH g = OGR_F_Create(ddef);
        copy_fields(f, g, sdef, map, flags, &tmp, &xml);
        if (run_idx >= 0)
            OGR_F_SetFieldInteger64(g, run_idx, run_id);
        if (ext_idx >= 0)
            OGR_F_SetFieldInteger(g, ext_idx, 1);
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        if (geom) {
            OGRGeometryH c = OGR_G_Clone(geom);
            OGRwkbGeometryType lt = wkbFlatten(OGR_L_GetGeomType(dl));
            if (!wkbHasZ(OGR_L_GetGeomType(dl)) && lt != wkbUnknown)
                OGR_G_FlattenTo2D(c); /* a 2D layer, as a store made before routes were 3D has */
            if (lt == wkbMultiPolygon)
                c = OGR_G_ForceToMultiPolygon(c);
            else if (lt == wkbMultiLineString)
                c = OGR_G_ForceToMultiLineString(c);
            if (ct && OGR_G_Transform(c, ct) != OGRERR_NONE)
                rc = pl_error(ctx, PL_CRS, "layer '%s': feature %lld: cannot transform", name,
                              (long long)OGR_F_GetFID(f));
            OGR_F_SetGeometryDirectly(g, c);
        }
        if (st) {
            tmp.n = 0;
            pl_style_ogr(st, st_idx >= 0 ? OGR_F_GetFieldAsString(f, st_idx) : NULL, &tmp);
            OGR_F_SetStyleString(g, tmp.s);
        }
        if (rc == PL_OK && OGR_L_CreateFeature(dl, g) != OGRERR_NONE)
            rc = pl_error(ctx, PL_IO, "layer '%s': cannot write a feature: %s", name, pl_libmsg(ctx));
        OGR_F_Destroy(g);
        OGR_F_Destroy(f);
    }
    if (rc == PL_OK && (tmp.oom || xml.oom))
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
out:
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    pl_buf_free(&tmp);
    pl_buf_free(&xml);
    free(map);
    return rc;
}

int pl_ogr_copy(pl_ctx *ctx, void *dst, const char *crs, const pl_outlayer *ls, size_t n, int flags,
                const char *run_field, long long run_id)
{
    int rc = PL_OK;
    OGRSpatialReferenceH dsrs = srs_new(ctx, crs);
    if (!dsrs)
        return pl_errcode(ctx);
    pl_gdal_errors_push(ctx);
    for (size_t i = 0; rc == PL_OK && i < n; i++) {
        if (!ls[i].geojson || !ls[i].geojson->n)
            continue;
        char path[96];
        snprintf(path, sizeof path, "/vsimem/planner-%ld-%zu.geojson", (long)getpid(), i);
        VSILFILE *mf = VSIFileFromMemBuffer(path, (GByte *)ls[i].geojson->s,
                                            (vsi_l_offset)ls[i].geojson->n, FALSE);
        if (!mf) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            break;
        }
        VSIFCloseL(mf);
        const char *drv[] = {"GeoJSON", NULL};
        GDALDatasetH src = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, drv, NULL, NULL);
        if (!src || GDALDatasetGetLayerCount(src) < 1)
            rc = pl_error(ctx, PL_IO, "layer '%s': the plan's GeoJSON does not read back: %s",
                          ls[i].name, pl_libmsg(ctx));
        else
            rc = copy_layer(ctx, dst, GDALDatasetGetLayer(src, 0), ls[i].name, dsrs, flags, run_field,
                            run_id);
        if (src)
            GDALClose(src);
        VSIUnlink(path);
    }
    pl_gdal_errors_pop();
    OSRDestroySpatialReference(dsrs);
    return rc;
}

/* ==== QGIS styles in the dataset ======================================= */

int pl_ogr_styles(pl_ctx *ctx, void *dst, const pl_outlayer *ls, size_t n, const char *when)
{
    GDALDatasetH ds = dst;
    int rc = PL_OK;
    pl_gdal_errors_push(ctx);
    OGRLayerH sl = GDALDatasetGetLayerByName(ds, "layer_styles");
    if (!sl) {
        sl = GDALDatasetCreateLayer(ds, "layer_styles", NULL, wkbNone, NULL);
        static const struct { const char *name; OGRFieldType t; OGRFieldSubType sub; } cols[] = {
            {"f_table_catalog", OFTString, OFSTNone}, {"f_table_schema", OFTString, OFSTNone},
            {"f_table_name", OFTString, OFSTNone},    {"f_geometry_column", OFTString, OFSTNone},
            {"styleName", OFTString, OFSTNone},       {"styleQML", OFTString, OFSTNone},
            {"styleSLD", OFTString, OFSTNone},        {"useAsDefault", OFTInteger, OFSTBoolean},
            {"description", OFTString, OFSTNone},     {"owner", OFTString, OFSTNone},
            {"ui", OFTString, OFSTNone},              {"update_time", OFTDateTime, OFSTNone},
        };
        for (size_t i = 0; sl && i < sizeof cols / sizeof cols[0]; i++) {
            OGRFieldDefnH fd = OGR_Fld_Create(cols[i].name, cols[i].t);
            OGR_Fld_SetSubType(fd, cols[i].sub);
            if (OGR_L_CreateField(sl, fd, TRUE) != OGRERR_NONE)
                sl = NULL;
            OGR_Fld_Destroy(fd);
        }
        if (!sl)
            rc = pl_error(ctx, PL_IO, "layer_styles: cannot create: %s", pl_libmsg(ctx));
    }
    pl_buf qml;
    pl_buf_init(&qml);
    for (size_t i = 0; rc == PL_OK && i < n; i++) {
        const pl_layer_style *st = pl_style_for(ls[i].name);
        OGRLayerH l = GDALDatasetGetLayerByName(ds, ls[i].name);
        if (!st || !l)
            continue;
        qml.n = 0;
        pl_style_qml(st, &qml);
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(sl));
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_catalog"), "");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_schema"), "");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_table_name"), ls[i].name);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "f_geometry_column"), OGR_L_GetGeometryColumn(l));
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleName"), st->title);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "styleQML"), qml.s);
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "useAsDefault"), 1);
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "description"),
                             "Wuzhong low-altitude planner: colours by the layer's key property");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "owner"), "planner");
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "update_time"), when);
        if (OGR_L_CreateFeature(sl, f) != OGRERR_NONE)
            rc = pl_error(ctx, PL_IO, "layer_styles: cannot write: %s", pl_libmsg(ctx));
        OGR_F_Destroy(f);
    }
    if (rc == PL_OK && qml.oom)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    pl_buf_free(&qml);
    pl_gdal_errors_pop();
    return rc;
}

/* ==== a whole dataset in memory ======================================== */

int pl_export_dataset(pl_ctx *ctx, const char *driver, const char *crs, const pl_outlayer *ls, size_t n,
                      const char *when, pl_buf *out)
{
    int rc = PL_OK;
    const int kml = !strcmp(driver, "LIBKML");
    char path[96];
    snprintf(path, sizeof path, "/vsimem/planner-%ld-out.%s", (long)getpid(), kml ? "kml" : "gpkg");
    /* GeoPackage stamps tables with the current time: the run's own time
     * instead keeps identical runs byte-identical */
    char *old = CPLStrdup(CPLGetConfigOption("OGR_CURRENT_DATE", ""));
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", when);
    /* KML reads a 3D feature's altitude_mode (export.c) as its altitudeMode */
    char *old_mode = CPLStrdup(CPLGetConfigOption("LIBKML_ALTITUDEMODE_FIELD", ""));
    CPLSetThreadLocalConfigOption("LIBKML_ALTITUDEMODE_FIELD", "altitude_mode");
    pl_gdal_errors_push(ctx);
    GDALDriverH drv = GDALGetDriverByName(driver);
    GDALDatasetH ds = drv ? GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL) : NULL;
    if (!ds)
        rc = pl_error(ctx, PL_IO, "cannot create a %s dataset: %s", driver,
                      drv ? pl_libmsg(ctx) : "driver missing from this GDAL");
    if (rc == PL_OK && !kml && GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE)
        rc = pl_error(ctx, PL_IO, "%s: cannot start a transaction: %s", driver, pl_libmsg(ctx));
    if (rc == PL_OK)
        rc = pl_ogr_copy(ctx, ds, crs, ls, n, kml ? PL_OGR_KML_STYLE : 0, NULL, 0);
    if (rc == PL_OK && !kml)
        rc = pl_ogr_styles(ctx, ds, ls, n, when);
    if (rc == PL_OK && !kml && GDALDatasetCommitTransaction(ds) != OGRERR_NONE)
        rc = pl_error(ctx, PL_IO, "%s: cannot commit: %s", driver, pl_libmsg(ctx));
    if (ds) {
        CPLErrorReset();
        GDALClose(ds); /* returns nothing before GDAL 3.7: ask the error state */
        if (CPLGetLastErrorType() >= CE_Failure && rc == PL_OK)
            rc = pl_error(ctx, PL_IO, "%s: cannot finish the file: %s", driver, CPLGetLastErrorMsg());
    }
    if (rc == PL_OK) {
        vsi_l_offset len = 0;
        GByte *data = VSIGetMemFileBuffer(path, &len, FALSE);
        if (!data)
            rc = pl_error(ctx, PL_IO, "%s: nothing was written", driver);
        else
            pl_buf_putn(out, data, (size_t)len);
    }
    VSIUnlink(path);
    pl_gdal_errors_pop();
    CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", old[0] ? old : NULL);
    CPLSetThreadLocalConfigOption("LIBKML_ALTITUDEMODE_FIELD", old_mode[0] ? old_mode : NULL);
    CPLFree(old);
    CPLFree(old_mode);
    return rc;
}
