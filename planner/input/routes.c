/*
 * routes.c - the route model: routes built from the routes layers (their
 * waypoints in the working CRS, altitudes, corridor half-width and band,
 * provenance), and a route's whole altitude band.
 *
 * Entry points: pl_routes_build, pl_routes_free, pl_route_band.
 *
 * A route is a polyline of waypoints (x, y in the working CRS; altitude in
 * metres above ground, linear between waypoints) with a corridor half-width
 * w and an altitude band [alt - below, alt + above] around the altitude.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static inline double dmin(double a, double b)
{
    return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* ==== building routes =============================================== */

static void route_clear(pl_ctx *ctx, pl_route *r)
{
    free(r->id);
    free(r->name);
    free(r->kind);
    free(r->status);
    free(r->aircraft);
    free(r->time_from);
    free(r->time_to);
    free(r->source);
    free(r->license);
    free(r->accuracy);
    free(r->x);
    free(r->y);
    free(r->alt_m);
    if (r->line)
        GEOSGeom_destroy_r(pl_geos(ctx), r->line);
}

static int num_prop(pl_ctx *ctx, const pl_layer_decl *d, const pl_feature *f, const char *key,
                    double dflt, double lo, double *out)
{
    const pl_prop *p = pl_feature_prop(f, key);
    if (!p || p->type == PL_P_NULL) {
        *out = dflt;
        return PL_OK;
    }
    char *end = NULL;
    double v = (p->type == PL_P_STR) ? strtod(p->str, &end) : p->num;
    if ((end && (end == p->str || *end)) || !isfinite(v) || v < lo)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: %s must be a number >= %g, got '%s'",
                        d->path, d->id, f->id, key, lo, p->str ? p->str : "?");
    *out = v;
    return PL_OK;
}

static int build_route(pl_ctx *ctx, const pl_scenario *sc, const pl_layer *l, const pl_feature *f,
                       pl_route *r)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_layer_decl *d = l->decl;
    int rc;
    int t = GEOSGeomTypeId_r(h, f->g);
    if (t != GEOS_LINESTRING)
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': route %s: expected a LineString, got a %s",
                        d->path, d->id, f->id, pl_geom_type_name(t));
    r->id = pl_strdup(f->id);
    r->name = pl_strdup(pl_feature_str(f, "name", f->id));
    r->kind = pl_strdup(pl_feature_str(f, "kind", "unspecified"));
    r->status = pl_strdup(pl_feature_str(f, "status", "planned"));
    r->source = pl_strdup(pl_feature_str(f, "source", NULL));
    r->license = pl_strdup(pl_feature_str(f, "license", NULL));
    r->accuracy = pl_strdup(pl_feature_str(f, "accuracy", NULL));
    r->layer_id = d->id;
    r->time_from = pl_strdup(pl_feature_str(f, "time_from", NULL));
    r->time_to = pl_strdup(pl_feature_str(f, "time_to", NULL));
    if (!r->id || !r->name || !r->kind || !r->status)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    const char *ac = pl_feature_str(f, "aircraft", sc->aircraft_default);
    if (ac && !pl_scenario_aircraft(sc, ac))
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': route %s: aircraft class '%s' is not in the scenario's "
                        "'aircraft' table", d->path, d->id, f->id, ac);
    if (ac && !(r->aircraft = pl_strdup(ac)))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    /* the Art. 62 class: the route's own, else its aircraft type's, else the
     * scenario's default; none: unknown, which files like a medium one */
    const pl_aircraft *type = ac ? pl_scenario_aircraft(sc, ac) : NULL;
    const char *cls = pl_feature_str(f, "aircraft_class", NULL);
    r->ac_class = cls ? pl_ac_class_of(cls) : type && type->ac_class ? type->ac_class : sc->ac_class_default;
    if (cls && !r->ac_class)
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': route %s: aircraft_class '%s' (expected micro, light, small, medium "
                        "or large, Art. 62)", d->path, d->id, f->id, cls);
    if (strcmp(r->status, "existing") && strcmp(r->status, "planned") && strcmp(r->status, "proposed"))
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': route %s: status '%s' (expected existing, planned or proposed)",
                        d->path, d->id, f->id, r->status);
    const pl_route_defaults *df = &sc->route;
    double alt_dflt;
    if ((rc = num_prop(ctx, d, f, "half_width_m", df->half_width_m, 0, &r->half_width_m)) ||
        (rc = num_prop(ctx, d, f, "band_below_m", df->band_below_m, 0, &r->band_below_m)) ||
        (rc = num_prop(ctx, d, f, "band_above_m", df->band_above_m, 0, &r->band_above_m)) ||
        (rc = num_prop(ctx, d, f, "altitude_m", df->alt_m, -500, &alt_dflt)))
        return rc;
    if (r->half_width_m <= 0)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: half_width_m must be > 0",
                        d->path, d->id, f->id);

    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, f->g);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    if (n < 2)
        return pl_error(ctx, PL_GEOM,
                        "%s: layer '%s': route %s has %u point; a route needs at least 2 waypoints",
                        d->path, d->id, f->id, n);
    int has_z = GEOSHasZ_r(h, f->g) == 1;
    r->n_pts = n;
    r->x = malloc(n * sizeof *r->x);
    r->y = malloc(n * sizeof *r->y);
    r->alt_m = malloc(n * sizeof *r->alt_m);
    if (!r->x || !r->y || !r->alt_m)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (unsigned i = 0; i < n; i++) {
        double z = NAN;
        GEOSCoordSeq_getXYZ_r(h, cs, i, &r->x[i], &r->y[i], &z);
        r->alt_m[i] = (has_z && isfinite(z)) ? z : alt_dflt;
    }
    r->line = pl_geom_line(ctx, r->x, r->y, n);
    if (!r->line)
        return pl_errcode(ctx);
    GEOSLength_r(h, r->line, &r->length_m);
    if (!(r->length_m > 0))
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': route %s has zero length", d->path, d->id,
                        f->id);
    return PL_OK;
}

static int cmp_route_id(const void *a, const void *b)
{
    const pl_route *const *x = a, *const *y = b;
    int c = strcmp((*x)->id, (*y)->id);
    return c ? c : (*x > *y) - (*x < *y); /* equal ids in load order */
}

/* Every route id once (sorted, not pairwise: batches hold thousands).  The
 * message names the first repeat in load order. */
static int check_unique_routes(pl_ctx *ctx, const pl_routeset *rs, pl_layer *const *layers, size_t n_layers)
{
    if (rs->n < 2)
        return PL_OK;
    const pl_route **s = malloc(rs->n * sizeof *s);
    if (!s)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < rs->n; i++)
        s[i] = &rs->a[i];
    qsort(s, rs->n, sizeof *s, cmp_route_id);
    const pl_route *dup = NULL;
    for (size_t i = 1; i < rs->n; i++)
        if (!strcmp(s[i - 1]->id, s[i]->id) && (!dup || s[i] < dup))
            dup = s[i];
    free(s);
    if (!dup)
        return PL_OK;
    const char *path = "?";
    for (size_t i = 0; i < n_layers; i++)
        if (!strcmp(layers[i]->decl->id, dup->layer_id))
            path = layers[i]->decl->path;
    return pl_error(ctx, PL_PARSE, "%s: layer '%s': route id '%s' is used twice", path, dup->layer_id, dup->id);
}

int pl_routes_build(pl_ctx *ctx, const pl_scenario *sc, pl_layer *const *layers, size_t n_layers,
                    pl_routeset **out)
{
    int rc = PL_OK;
    *out = NULL;
    size_t total = 0;
    for (size_t i = 0; i < n_layers; i++)
        if (layers[i]->decl->role == PL_ROLE_ROUTES)
            total += layers[i]->n_feats;
    pl_routeset *rs = calloc(1, sizeof *rs);
    if (!rs || !(rs->a = calloc(total ? total : 1, sizeof *rs->a)) ||
        !(rs->res = calloc(total ? total : 1, sizeof *rs->res))) {
        pl_routes_free(ctx, rs);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n_layers && rc == PL_OK; i++) {
        const pl_layer *l = layers[i];
        if (l->decl->role != PL_ROLE_ROUTES)
            continue;
        for (size_t j = 0; j < l->n_feats && rc == PL_OK; j++)
            rc = build_route(ctx, sc, l, &l->a_feats[j], &rs->a[rs->n++]);
    }
    if (rc == PL_OK)
        rc = check_unique_routes(ctx, rs, layers, n_layers);
    if (rc != PL_OK)
        pl_routes_free(ctx, rs);
    else
        *out = rs;
    return rc;
}

void pl_routes_free(pl_ctx *ctx, pl_routeset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; rs->a && i < rs->n; i++)
        route_clear(ctx, &rs->a[i]);
    for (size_t i = 0; rs->c && i < rs->n_c; i++) {
        if (rs->c[i].overlap)
            GEOSGeom_destroy_r(pl_geos(ctx), rs->c[i].overlap);
        free(rs->c[i].pieces);
    }
    free(rs->a);
    free(rs->res);
    free(rs->c);
    free(rs);
}

void pl_route_band(const pl_route *r, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < r->n_pts; i++) {
        *lo = dmin(*lo, r->alt_m[i] - r->band_below_m);
        *hi = dmax(*hi, r->alt_m[i] + r->band_above_m);
    }
}
