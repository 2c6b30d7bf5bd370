/*
 * routes.c - the route model: routes built from the routes layers (their
 * waypoints in the working CRS, altitudes, corridor half-width and band,
 * provenance), and a route's whole altitude band.
 *
 * Entry points: pl_routes_build, pl_routes_free, pl_route_band,
 * pl_routes_ground_check.
 *
 * The altitude rule (route_altitudes, the one place every reader's
 * waypoint altitudes pass: scenario routes and proposals, in any format):
 * a line's positions all carry an altitude or none do (none: the route's
 * altitude_m, else the scenario's route_defaults); a mix is refused naming
 * the first position without one; no waypoint lies below the datum (0 m);
 * none above 10000 m (PL_ALT_SANE_M: no low-altitude flight, a typing error);
 * with a terrain model, none below the lowest ground of its cell
 * (pl_routes_ground_check).  Each refusal names file, layer, route and
 * vertex (1-based) and is an input error (exit 2).
 *
 * A route is a polyline of waypoints (x, y in the working CRS; altitude in
 * metres above ground, linear between waypoints) with a corridor half-width
 * w and an altitude band [alt - below, alt + above] around the altitude.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A waypoint higher than this is no low-altitude flight but a unit or
 * typing error (1e9, feet as metres of a thousand km): refused, never
 * answered; a limit of sense above Everest, not a rule of the regulation. */
#define PL_ALT_SANE_M 10000.0
/* A corridor's half-width or band beyond this (the district is ~80 km
 * across) is no corridor but a typing error: refused likewise. */
#define PL_WIDTH_SANE_M 100000.0

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
    if ((end && (end == p->str || *end)) || !isfinite(v) || v < lo) {
        char at_least[40] = "";
        if (isfinite(lo))
            snprintf(at_least, sizeof at_least, " >= %g", lo);
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: %s must be a number%s, got '%s'",
                        d->path, d->id, f->id, key, at_least, p->str ? p->str : "?");
    }
    *out = v;
    return PL_OK;
}

/* The one message of the altitude rule: vertex k (1-based) of route id. */
static int alt_refused(pl_ctx *ctx, const char *path, const char *layer, const char *id, size_t k, size_t n,
                       const char *why)
{
    return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: vertex %zu of %zu: %s", path, layer, id, k, n, why);
}

/* The altitude rule (see the top of the file) on feature f's n positions
 * cs: r->x, r->y, r->alt_m filled (dflt where the line has no altitudes).
 * PL_OK, or PL_PARSE naming the vertex. */
static int route_altitudes(pl_ctx *ctx, const pl_layer_decl *d, const pl_feature *f, const GEOSCoordSequence *cs,
                           unsigned n, double dflt, pl_route *r)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    char why[200];
    if (f->z_missing) {
        snprintf(why, sizeof why, "no altitude, where vertex %zu has one: give every position an altitude or "
                 "none (a line without altitudes flies at altitude_m)", f->z_given);
        return alt_refused(ctx, d->path, d->id, f->id, f->z_missing, n, why);
    }
    int has_z = GEOSHasZ_r(h, f->g) == 1;
    for (unsigned i = 0; i < n; i++) {
        double z = NAN;
        GEOSCoordSeq_getXYZ_r(h, cs, i, &r->x[i], &r->y[i], &z);
        r->alt_m[i] = (has_z && isfinite(z)) ? z : dflt;
        if (!(r->alt_m[i] >= 0)) {
            snprintf(why, sizeof why, "altitude %.1f m%s is below the datum (0 m): route altitudes are "
                     "heights above it, never negative", r->alt_m[i],
                     has_z && isfinite(z) ? "" : " (the route's altitude_m, or route_defaults)");
            return alt_refused(ctx, d->path, d->id, f->id, i + 1, n, why);
        }
        if (r->alt_m[i] > PL_ALT_SANE_M) {
            snprintf(why, sizeof why, "altitude %.6g m%s is above %.0f m, no low-altitude flight: a unit or a "
                     "typing error? (a limit of sense, not a rule)", r->alt_m[i],
                     has_z && isfinite(z) ? "" : " (the route's altitude_m, or route_defaults)", PL_ALT_SANE_M);
            return alt_refused(ctx, d->path, d->id, f->id, i + 1, n, why);
        }
    }
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
        (rc = num_prop(ctx, d, f, "altitude_m", df->alt_m, -INFINITY, &alt_dflt))) /* route_altitudes rules */
        return rc;
    if (r->half_width_m <= 0)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: half_width_m must be > 0",
                        d->path, d->id, f->id);
    double widest = fmax(r->half_width_m, fmax(r->band_below_m, r->band_above_m));
    if (widest > PL_WIDTH_SANE_M) /* a buffer of 1e300 m fails in GEOS, naming no route */
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: %s %.6g m is above %.0f km: a unit or typing "
                        "error? (a limit of sense, not a rule; the route's own value, or route_defaults)", d->path,
                        d->id, f->id, widest == r->half_width_m ? "half_width_m" : widest == r->band_below_m
                        ? "band_below_m" : "band_above_m", widest, PL_WIDTH_SANE_M / 1000);

    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, f->g);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    if (n < 2)
        return pl_error(ctx, PL_GEOM,
                        "%s: layer '%s': route %s has %u point; a route needs at least 2 waypoints",
                        d->path, d->id, f->id, n);
    r->n_pts = n;
    r->x = malloc(n * sizeof *r->x);
    r->y = malloc(n * sizeof *r->y);
    r->alt_m = malloc(n * sizeof *r->alt_m);
    if (!r->x || !r->y || !r->alt_m)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    if ((rc = route_altitudes(ctx, d, f, cs, n, alt_dflt, r)) != PL_OK)
        return rc;
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

int pl_routes_ground_check(pl_ctx *ctx, const pl_terrain *t, const pl_routeset *rs, pl_layer *const *layers,
                           size_t n_layers)
{
    for (size_t i = 0; t && i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        for (size_t k = 0; k < r->n_pts; k++) {
            double b[4] = {r->x[k], r->y[k], r->x[k], r->y[k]}, lo, hi;
            if (!pl_terrain_range(t, b, &lo, &hi) || !(r->alt_m[k] < lo))
                continue; /* above the cell's lowest ground, or the ground unknown there */
            const char *path = "?";
            for (size_t j = 0; j < n_layers; j++)
                if (!strcmp(layers[j]->decl->id, r->layer_id))
                    path = layers[j]->decl->path;
            char why[200];
            snprintf(why, sizeof why, "altitude %.1f m is below the ground there (at least %.1f m, terrain "
                     "model): it cannot be flown", r->alt_m[k], lo);
            return alt_refused(ctx, path, r->layer_id, r->id, k + 1, r->n_pts, why);
        }
    }
    return PL_OK;
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
