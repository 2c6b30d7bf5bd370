/*
 * basemap.c - the scenario's boundary and water layers as RFC 7946 GeoJSON,
 * so that plan.gpkg stands alone: the district and the lake beside the
 * zones and routes, without the scenario's files.
 *
 * Entry point: pl_export_base.
 *
 * Every feature of every layer with role boundary or water, as read (in
 * the working CRS, repaired where the scenario asks), written through the
 * one geometry writer (geojson.c).  Properties: the feature's id, the
 * layer it came from, every property it carries, and source, license and
 * accuracy always (null when the feature does not say), as every geodata
 * feature carries them.  A GeoPackage layer holds one geometry type, so
 * each role is split by dimension: ROLE (areas), ROLE_lines, ROLE_points
 * (the boundary's township seats); an empty one is not written.
 */
#include "export.h"

#include <string.h>

static const char *const provenance[] = {"source", "license", "accuracy", NULL};

/* The feature's properties other than the ones written first or last. */
static void base_props(pl_buf *b, const pl_feature *f)
{
    static const char *const own[] = {"id", "layer", "source", "license", "accuracy", NULL};
    for (size_t k = 0; k < f->n_props; k++) {
        const pl_prop *pr = &f->a_props[k];
        if (pl_str_in(pr->key, own))
            continue;
        if (pr->type == PL_P_INT || pr->type == PL_P_REAL)
            knum(b, pr->key, pr->num, 9);
        else
            kstr(b, pr->key, pr->type == PL_P_STR ? pr->str : NULL);
    }
    for (size_t k = 0; provenance[k]; k++)
        kstr(b, provenance[k], pl_feature_str(f, provenance[k], NULL));
}

/* One output layer: the features of role's layers of dimension dim (0
 * points, 1 lines, 2 areas) into b. */
static int base_layer(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, int role, int dim, const char *name, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int first = 1;
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        if (l->decl->role != role)
            continue;
        for (size_t k = 0; k < l->n_feats; k++) {
            const pl_feature *f = &l->a_feats[k];
            if (!f->g || GEOSGeom_getDimensions_r(h, f->g) != dim)
                continue;
            if (first)
                pl_buf_printf(b, "{\"type\":\"FeatureCollection\",\"name\":\"%s\",\"features\":[\n", name);
            feature_open(b, first, f->id);
            first = 0;
            kstr(b, "layer", l->decl->id);
            base_props(b, f);
            pl_buf_puts(b, "},\"geometry\":");
            int rc = pl_geojson_geom(ctx, xf, b, f->g);
            if (rc != PL_OK)
                return rc;
            pl_buf_puts(b, "}");
        }
    }
    if (!first)
        pl_buf_puts(b, "\n]}\n");
    return PL_OK;
}

int pl_export_base(pl_ctx *ctx, const pl_plan *p, pl_buf b[PL_EXPORT_N_BASE], pl_outlayer ls[PL_EXPORT_N_BASE])
{
    static const struct { int role, dim; const char *name; } base[PL_EXPORT_N_BASE] = {
        {PL_ROLE_WATER, 2, "water"},       {PL_ROLE_WATER, 1, "water_lines"},       {PL_ROLE_WATER, 0, "water_points"},
        {PL_ROLE_BOUNDARY, 2, "boundary"}, {PL_ROLE_BOUNDARY, 1, "boundary_lines"}, {PL_ROLE_BOUNDARY, 0, "boundary_points"},
    };
    pl_xform *xf = pl_geojson_xform(ctx, p);
    if (!xf)
        return pl_errcode(ctx);
    for (int i = 0; i < PL_EXPORT_N_BASE; i++) {
        int rc = base_layer(ctx, p, xf, base[i].role, base[i].dim, base[i].name, &b[i]);
        if (rc != PL_OK)
            return rc;
        if (b[i].oom)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        ls[i].name = base[i].name;
        ls[i].geojson = &b[i];
    }
    return PL_OK;
}
