/*
 * siting.c - vertiport siting: feasibility of every candidate, the choice
 * (optimise.c), the network check, and the LP text for an external solver.
 *
 * Entry points: pl_siting_run, pl_siting_free.  Beside it: siting_why.c
 * (each open site's reason, the note), siting_lp.c (the LP for glpsol).
 *
 * Feasibility of a site, each failed rule recorded as a reason:
 *   1. inside the district (boundary layers) and on land (water layers;
 *      features with kind "island" are land);
 *   2. its footprint fits: the safety area, a disc of diameter
 *      safety_factor x D (FAA EB 105A as commonly implemented: TLOF 1.0 D,
 *      FATO 1.5 D, safety area 2.0 D overall), lies on land in the district;
 *   3. zone rules: the safety area meets no zone whose class forbids
 *      vertiports, and the site keeps the rule's min_distance_m from zones
 *      that ask one;
 *   4. obstacles (approach.c: the obstacles layers' points and building
 *      footprints, and the terrain model): headings 0-359 are scanned; a
 *      heading is free when nothing rises above the approach/departure
 *      surface (from the FATO edge, 1 up per surface_slope out, widening
 *      surface_splay each side); a site needs one free heading, and with no
 *      obstacle data at all it says that nothing was checked;
 *   5. separation between open sites is a constraint of the choice.
 * Built sites are always open; their failed rules are reported, not enforced.
 *
 * The network (issue 24): every route end (first and last waypoint of
 * every route of the plan) away from a built site, beyond
 * route_end_tolerance_m, makes the nearest feasible candidate within that
 * tolerance a required site: forced open, counted in the count, exempt
 * from separation against built and other required sites (the routes end
 * there; a warning says so).  An end with no feasible candidate within
 * the tolerance is a warning naming the route, the end and the nearest
 * candidate.  No site opens without a reason: a candidate that reaches no
 * demand is never chosen unless required, and a chosen site that adds
 * nothing is closed again (optimise.c), so the count is a ceiling and the
 * note says why it is not filled.  Each open site carries a one-line
 * reason: demand in reach (count and kinds), route ends at it, and the
 * alternative it beat.
 *
 * pl_siting_run runs the steps as one function each: load_sites,
 * load_demand, load_obstacles, land_build, check_sites (rules 1-4),
 * require_route_ends, instance_build and choose (the optimiser),
 * site_coverage, network, pl_siting_reasons and pl_siting_note, and the capacity
 * of the open sites (capacity.c).
 */
#include "planner.h"
#include "optimise.h"
#include "siting.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FOOTPRINT_QUADSEGS 8
#define COVER_QUADSEGS 32

/* The rule every open new site meets (README "Vertiport siting"). */
static const char SITING_RULE[] =
    "a new site opens only when a route ends at it (required) or it adds to the objective "
    "(coverage: demand no other open site reaches); the count is a ceiling, never padded";

static void reason(pl_site *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reason(pl_site *s, const char *fmt, ...)
{
    char t[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    if (s->why.n)
        pl_buf_puts(&s->why, "; ");
    pl_buf_puts(&s->why, t);
}

/* Vertiport kind from a candidate kind (what the site would serve). */
static const char *vp_kind_of(const char *kind, const char *given)
{
    if (given)
        return given;
    if (!strcmp(kind, "hospital"))
        return "medical";
    if (!strcmp(kind, "industrial_park") || !strcmp(kind, "logistics_hub"))
        return "logistics";
    if (!strcmp(kind, "town_centre"))
        return "passenger";
    return "tourism";
}

/* ==== land: district minus water ====================================== */

/* ==== obstacles: free approach/departure headings ====================== */

/* Rule 4 (approach.c scans): a site needs a heading known to be clear; one
 * whose only headings left are not checked (no ground known under their
 * surface) is not accepted either; with no obstacle data at all the site
 * keeps its "not checked" headings, a warning, not a pass or a failure. */
static int approach_rule(pl_ctx *ctx, const pl_siting_cfg *c, const pl_obstacles *ob, pl_site *s)
{
    pl_approach a;
    int rc = pl_approach_scan(ctx, c, ob, s, &a);
    if (rc != PL_OK || !a.checked)
        return rc;
    if (a.in_fato) {
        reason(s, "an obstacle stands inside the FATO (%s)", a.in_fato);
        s->feasible = 0;
    } else if (a.n_free == 0 && a.n_unknown == 0) {
        reason(s, "no approach/departure heading is clear of obstacles above the %g:1 surface", c->surface_slope);
        s->feasible = 0;
    } else if (a.n_free == 0) {
        reason(s, "no approach/departure heading is known to be clear of obstacles above the %g:1 surface: "
                  "%s not checked (no ground in the terrain model under part of their surface)",
               c->surface_slope, s->headings_unknown.s);
        s->feasible = 0;
    }
    return PL_OK;
}

/* ==== building the sites ================================================ */

static int add_site(pl_ctx *ctx, pl_siting *st, size_t *cap, const pl_layer *l, const pl_feature *f,
                    int existing)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (GEOSGeomTypeId_r(h, f->g) != GEOS_POINT)
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': site %s: expected a Point, got a %s",
                        l->decl->path, l->decl->id, f->id, pl_geom_type_name(GEOSGeomTypeId_r(h, f->g)));
    if (st->n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        pl_site *a = realloc(st->a, c * sizeof *a);
        if (!a)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        st->a = a;
        *cap = c;
    }
    pl_site *s = &st->a[st->n++];
    memset(s, 0, sizeof *s);
    GEOSGeomGetX_r(h, f->g, &s->x);
    GEOSGeomGetY_r(h, f->g, &s->y);
    s->id = pl_strdup(f->id);
    s->name = pl_strdup(pl_feature_str(f, "name", f->id));
    s->kind = pl_strdup(pl_feature_str(f, "kind", existing ? "built" : "unspecified"));
    s->vp_kind = pl_strdup(vp_kind_of(s->kind, existing ? pl_feature_str(f, "kind", NULL) : NULL));
    s->source = pl_strdup(pl_feature_str(f, "source", NULL));
    s->license = pl_strdup(pl_feature_str(f, "license", NULL));
    s->accuracy = pl_strdup(pl_feature_str(f, "accuracy", NULL));
    s->layer_id = l->decl->id;
    s->existing = existing;
    s->feasible = 1;
    if (!s->id || !s->name || !s->kind || !s->vp_kind)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK;
}

/* Rules 1-4 for one site. */
static int check_site(pl_ctx *ctx, const pl_plan *p, pl_site *s, const GEOSPreparedGeometry *district,
                      const GEOSPreparedGeometry *land, const GEOSGeometry *water, const pl_obstacles *ob,
                      double max_zone_dist)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_siting_cfg *c = &p->sc->siting;
    int rc = PL_OK;
    GEOSGeometry *pt = pl_geom_point(ctx, s->x, s->y);
    double r_safe = c->safety_factor * c->design_d_m / 2;
    GEOSGeometry *disc = pt ? pl_geom_circle_out(ctx, s->x, s->y, r_safe, 4 * FOOTPRINT_QUADSEGS) : NULL;
    GEOSGeometry *probe = pt ? pl_geom_circle_out(ctx, s->x, s->y, fmax(max_zone_dist, r_safe), 4) : NULL;
    pl_zonelist zh = {0};
    if (!disc || !probe) {
        rc = pl_error(ctx, PL_GEOM, "site %s: %s", s->id, pl_libmsg(ctx));
        goto out;
    }
    if (GEOSPreparedContains_r(h, district, pt) != 1) {
        reason(s, "outside the district");
        s->feasible = 0;
    } else if (GEOSPreparedContains_r(h, land, pt) != 1) {
        reason(s, "in water");
        s->feasible = 0;
    } else if (GEOSPreparedContains_r(h, land, disc) != 1) {
        double d = 0;
        GEOSDistance_r(h, pt, water, &d);
        reason(s, "the %.1f m safety area (%.1f D) does not fit on land: water or the district edge "
                  "is %.1f m away", 2 * r_safe, c->safety_factor, d);
        s->feasible = 0;
    }
    pl_zones_collect(ctx, p->zones, probe, &zh);
    if ((rc = pl_zonelist_finish(ctx, &zh)) != PL_OK)
        goto out;
    for (size_t k = 0; k < zh.n; k++) {
        const pl_zone *z = zh.a[k];
        if (!z->rule || z->rule->vertiport == PL_VR_ALLOWED)
            continue;
        const GEOSPreparedGeometry *pg = pl_zone_pg(ctx, z);
        if (!pg) {
            rc = pl_error(ctx, PL_GEOM, "zone %s: cannot prepare: %s", z->id, pl_libmsg(ctx));
            goto out;
        }
        if (z->rule->vertiport == PL_VR_FORBIDDEN) {
            if (GEOSPreparedIntersects_r(h, pg, disc) == 1) {
                reason(s, "in %s %s (%s), where vertiports are forbidden", z->cls, z->id, z->name);
                s->feasible = 0;
            }
        } else {
            double d = 0;
            GEOSPreparedDistance_r(h, pg, pt, &d);
            if (d < z->rule->min_distance_m) {
                reason(s, "%.0f m from %s %s, the rule asks at least %.0f m", d, z->cls, z->id,
                       z->rule->min_distance_m);
                s->feasible = 0;
            }
        }
    }
    rc = approach_rule(ctx, c, ob, s);
out:
    free(zh.a);
    if (pt)
        GEOSGeom_destroy_r(h, pt);
    if (disc)
        GEOSGeom_destroy_r(h, disc);
    if (probe)
        GEOSGeom_destroy_r(h, probe);
    return rc;
}

static double demand_radius(const pl_siting_cfg *c, const char *kind)
{
    for (size_t k = 0; kind && k < c->n_radius_kind; k++)
        if (!strcmp(c->radius_kind[k], kind))
            return c->radius_kind_m[k];
    return c->radius_m;
}

static int load_demand(pl_ctx *ctx, const pl_plan *p, pl_siting *st)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_siting_cfg *c = &p->sc->siting;
    size_t total = 0;
    for (size_t i = 0; i < p->n_layers; i++)
        if (p->layers[i]->decl->role == PL_ROLE_DEMAND)
            total += p->layers[i]->n_feats;
    size_t m = total ? total : 1;
    st->dx = malloc(m * sizeof *st->dx);
    st->dy = malloc(m * sizeof *st->dy);
    st->dw = malloc(m * sizeof *st->dw);
    st->dr = malloc(m * sizeof *st->dr);
    st->dem_id = calloc(m, sizeof *st->dem_id);
    st->dem_kind = calloc(m, sizeof *st->dem_kind);
    if (!st->dx || !st->dy || !st->dw || !st->dr || !st->dem_id || !st->dem_kind)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        if (l->decl->role != PL_ROLE_DEMAND)
            continue;
        for (size_t k = 0; k < l->n_feats; k++) {
            const pl_feature *f = &l->a_feats[k];
            if (GEOSGeomTypeId_r(h, f->g) != GEOS_POINT)
                return pl_error(ctx, PL_GEOM, "%s: layer '%s': demand %s: expected a Point",
                                l->decl->path, l->decl->id, f->id);
            const pl_prop *w = pl_feature_prop(f, "weight");
            double wt = 1;
            if (w && w->type != PL_P_NULL) {
                char *end = NULL;
                wt = w->type == PL_P_STR ? strtod(w->str, &end) : w->num;
                if ((end && *end) || !isfinite(wt) || wt < 0)
                    return pl_error(ctx, PL_PARSE, "%s: layer '%s': demand %s: weight must be a number >= 0",
                                    l->decl->path, l->decl->id, f->id);
            }
            size_t j = st->n_dem++;
            GEOSGeomGetX_r(h, f->g, &st->dx[j]);
            GEOSGeomGetY_r(h, f->g, &st->dy[j]);
            st->dw[j] = wt;
            st->dr[j] = demand_radius(c, pl_feature_str(f, "kind", NULL));
            st->dem_kind[j] = pl_strdup(pl_feature_str(f, "kind", "unspecified"));
            if (!(st->dem_id[j] = pl_strdup(f->id)) || !st->dem_kind[j])
                return pl_error(ctx, PL_NOMEM, "out of memory");
        }
    }
    return PL_OK;
}

/* The obstacles layers and the terrain model (approach.c). */
static int load_obstacles(pl_ctx *ctx, const pl_plan *p, pl_obstacles **ob)
{
    return pl_obstacles_load(ctx, p, ob);
}

/* ==== route ends: required sites ========================================= */

static int warn(pl_ctx *ctx, pl_siting *st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int warn(pl_ctx *ctx, pl_siting *st, const char *fmt, ...)
{
    char t[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    char **a = realloc(st->a_warn, (st->n_warn + 1) * sizeof *a);
    if (!a)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    st->a_warn = a;
    if (!(a[st->n_warn] = pl_strdup(t)))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    st->n_warn++;
    return PL_OK;
}

/* The site nearest (x, y) among the built ones (built 1) or the candidates
 * (built 0; only feasible ones when feasible_only): its index, or -1 when
 * there is none, and its distance in *d (the lower index on a tie). */
static long nearest_site(const pl_siting *st, double x, double y, int built, int feasible_only, double *d)
{
    long best = -1;
    *d = INFINITY;
    for (size_t i = 0; i < st->n; i++) {
        const pl_site *s = &st->a[i];
        if (s->existing != built || (feasible_only && !s->feasible))
            continue;
        double e = hypot(s->x - x, s->y - y);
        if (e < *d) {
            *d = e;
            best = (long)i;
        }
    }
    return best;
}

/* A route end (x, y) with no site and no feasible candidate within tol:
 * the warning names the route, the end and the nearest candidates. */
static int end_unserved(pl_ctx *ctx, pl_siting *st, const char *route, const char *end, double x, double y,
                        double tol)
{
    double d_any, d_feas;
    long a = nearest_site(st, x, y, 0, 0, &d_any), f = nearest_site(st, x, y, 0, 1, &d_feas);
    char feas[256] = "";
    if (f >= 0 && f != a)
        snprintf(feas, sizeof feas, "; the nearest feasible one, %s, is %.0f m away", st->a[f].id, d_feas);
    if (a < 0)
        return warn(ctx, st, "route %s %s: no site within %.0f m, and no candidate", route, end, tol);
    if (d_any <= tol)
        return warn(ctx, st, "route %s %s: no site within %.0f m: the nearest candidate, %s (%.0f m), is infeasible (%s)%s",
                    route, end, tol, st->a[a].id, d_any, st->a[a].why.n ? st->a[a].why.s : "", feas);
    return warn(ctx, st, "route %s %s: no site or candidate within %.0f m; the nearest candidate, %s, is %.0f m away%s",
                route, end, tol, st->a[a].id, d_any, feas);
}

/* A required site closer than min_separation_m to a built site or to
 * another required one stays open (routes end at both), with a warning. */
static int separation_warnings(pl_ctx *ctx, const pl_siting_cfg *c, pl_siting *st)
{
    for (size_t i = 0; i < st->n; i++) {
        const pl_site *s = &st->a[i];
        for (size_t j = 0; s->required && j < st->n; j++) {
            const pl_site *t = &st->a[j];
            double d = hypot(t->x - s->x, t->y - s->y);
            if (!(t->existing || (t->required && j > i)) || d >= c->min_sep_m)
                continue;
            int rc = warn(ctx, st, "%s, required by a route end, is %.0f m from %s site %s, inside the %.0f m "
                                   "separation: both kept, as routes end at both",
                          s->id, d, t->existing ? "built" : "required", t->id, c->min_sep_m);
            if (rc)
                return rc;
        }
    }
    return PL_OK;
}

/* Every route end away from the built sites makes the nearest feasible
 * candidate within route_end_tolerance_m required; an end with none is a
 * warning.  Then the count: required sites beyond it are an error. */
static int require_route_ends(pl_ctx *ctx, const pl_plan *p, pl_siting *st)
{
    const pl_siting_cfg *c = &p->sc->siting;
    double tol = c->end_tolerance_m, d;
    for (size_t r = 0; p->routes && r < p->routes->n; r++) {
        const pl_route *ro = &p->routes->a[r];
        for (int end = 0; end < 2; end++) {
            size_t k = end ? ro->n_pts - 1 : 0;
            if (nearest_site(st, ro->x[k], ro->y[k], 1, 0, &d) >= 0 && d <= tol)
                continue; /* at a built site */
            long f = nearest_site(st, ro->x[k], ro->y[k], 0, 1, &d);
            int rc = PL_OK;
            if (f >= 0 && d <= tol) {
                st->n_required += !st->a[f].required;
                st->a[f].required = 1;
            } else {
                rc = end_unserved(ctx, st, ro->id, end ? "end" : "start", ro->x[k], ro->y[k], tol);
            }
            if (rc)
                return rc;
        }
    }
    if (st->n_required > st->n_new_max) {
        pl_buf ids;
        pl_buf_init(&ids);
        for (size_t i = 0; i < st->n; i++)
            if (st->a[i].required)
                pl_buf_printf(&ids, "%s%s", ids.n ? ", " : "", st->a[i].id);
        pl_error(ctx, PL_INFEASIBLE,
                 "%s: siting: the routes end at %zu candidate%s that must open (%s), more than the %zu new "
                 "site%s siting.count allows: raise the count or end the routes at built sites",
                 p->sc->file, st->n_required, st->n_required == 1 ? "" : "s", ids.s ? ids.s : "", st->n_new_max,
                 st->n_new_max == 1 ? "" : "s");
        pl_buf_free(&ids);
        return PL_INFEASIBLE;
    }
    return separation_warnings(ctx, c, st);
}

/* ==== network check ====================================================== */

/* Each open site's nearest other open site; each route end's nearest open
 * site, kept when within route_end_tolerance_m and listed on that site. */
static void network(const pl_plan *p, pl_siting *st)
{
    for (size_t i = 0; i < st->n; i++) {
        pl_site *s = &st->a[i];
        s->nearest_open_m = INFINITY;
        if (!s->open)
            continue;
        for (size_t j = 0; j < st->n; j++)
            if (j != i && st->a[j].open)
                s->nearest_open_m = fmin(s->nearest_open_m, hypot(st->a[j].x - s->x, st->a[j].y - s->y));
    }
    const pl_routeset *rs = p->routes;
    for (size_t r = 0; rs && r < rs->n; r++) {
        const pl_route *ro = &rs->a[r];
        pl_route_ends *e = &st->ends[r];
        for (int end = 0; end < 2; end++) {
            size_t k = end ? ro->n_pts - 1 : 0;
            double best = INFINITY;
            pl_site *at = NULL;
            for (size_t i = 0; i < st->n; i++) {
                double d = hypot(ro->x[k] - st->a[i].x, ro->y[k] - st->a[i].y);
                if (st->a[i].open && d < best) {
                    best = d;
                    at = &st->a[i];
                }
            }
            if (best > p->sc->siting.end_tolerance_m)
                at = NULL;
            else
                pl_buf_printf(&at->ends, "%s%s %s", at->ends.n ? ", " : "", ro->id, end ? "end" : "start");
            *(end ? &e->to_m : &e->from_m) = best;
            *(end ? &e->to : &e->from) = at;
        }
    }
}

/* ==== the run ============================================================= */

static int kind_index(char ***kinds, size_t *n, const char *k)
{
    for (size_t i = 0; i < *n; i++)
        if (!strcmp((*kinds)[i], k))
            return (int)i;
    char **a = realloc(*kinds, (*n + 1) * sizeof *a);
    if (!a)
        return -1;
    *kinds = a;
    a[*n] = (char *)k; /* borrowed from the site */
    return (int)(*n)++;
}

/* Sites: built ones first (always open), then the candidates. */
static int load_sites(pl_ctx *ctx, const pl_plan *p, pl_siting *st)
{
    size_t cap = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->n_layers; i++) {
            const pl_layer *l = p->layers[i];
            int want = pass == 0 ? PL_ROLE_VERTIPORTS : PL_ROLE_CANDIDATES;
            if (l->decl->role != want)
                continue;
            for (size_t k = 0; k < l->n_feats; k++) {
                int rc = add_site(ctx, st, &cap, l, &l->a_feats[k], pass == 0);
                if (rc != PL_OK)
                    return rc;
            }
        }
    return PL_OK;
}

/* The land a site may stand on: the district minus the water (islands
 * are land); the district and the land prepared for rules 1 and 2. */
typedef struct land_area {
    GEOSGeometry *district, *water, *land;
    const GEOSPreparedGeometry *pdistrict, *pland;
} land_area;

static int land_build(pl_ctx *ctx, const pl_plan *p, land_area *la)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    la->district = pl_layers_union(ctx, p->layers, p->n_layers, PL_ROLE_BOUNDARY, 0);
    la->water = pl_layers_union(ctx, p->layers, p->n_layers, PL_ROLE_WATER, 1);
    la->land = la->district && la->water ? GEOSDifference_r(h, la->district, la->water) : NULL;
    la->pdistrict = la->district ? GEOSPrepare_r(h, la->district) : NULL;
    la->pland = la->land ? GEOSPrepare_r(h, la->land) : NULL;
    if (!la->pdistrict || !la->pland)
        return pl_error(ctx, PL_GEOM, "cannot build the land area: %s", pl_libmsg(ctx));
    if (GEOSisEmpty_r(h, la->district) == 1)
        return pl_error(ctx, PL_PARSE, "%s: siting needs a boundary layer with the district polygon",
                        p->sc->file);
    return PL_OK;
}

static void land_free(pl_ctx *ctx, land_area *la)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (la->pland)
        GEOSPreparedGeom_destroy_r(h, la->pland);
    if (la->pdistrict)
        GEOSPreparedGeom_destroy_r(h, la->pdistrict);
    if (la->land)
        GEOSGeom_destroy_r(h, la->land);
    if (la->water)
        GEOSGeom_destroy_r(h, la->water);
    if (la->district)
        GEOSGeom_destroy_r(h, la->district);
}

/* Rules 1-4 for every site; the feasible candidates counted. */
static int check_sites(pl_ctx *ctx, const pl_plan *p, pl_siting *st, const land_area *la,
                       const pl_obstacles *ob)
{
    /* the zone search reaches as far as the farthest min_distance_m asks */
    double max_zone_dist = 0;
    for (size_t i = 0; i < p->sc->n_rules; i++)
        if (p->sc->a_rules[i].vertiport == PL_VR_MIN_DISTANCE)
            max_zone_dist = fmax(max_zone_dist, p->sc->a_rules[i].min_distance_m);
    for (size_t i = 0; i < st->n; i++) {
        int rc = check_site(ctx, p, &st->a[i], la->pdistrict, la->pland, la->water, ob, max_zone_dist);
        if (rc)
            return rc;
        st->n_feasible += !st->a[i].existing && st->a[i].feasible;
    }
    return PL_OK;
}

/* New sites the count allows: count, less the built sites when they count. */
static size_t new_count(const pl_siting_cfg *c, const pl_siting *st)
{
    size_t built = 0;
    for (size_t i = 0; i < st->n; i++)
        built += st->a[i].existing;
    if (!c->built_count)
        return c->count;
    return c->count > built ? c->count - built : 0;
}

/* The optimiser's instance arrays, by site; kinds are borrowed strings. */
typedef struct instance {
    int *fixed, *feas, *req, *kind, *quota;
    double *cx, *cy;
    char **kinds;
    size_t n_kinds, n_built;
} instance;

static void instance_free(instance *in)
{
    free(in->kinds);
    free(in->fixed);
    free(in->feas);
    free(in->req);
    free(in->kind);
    free(in->quota);
    free(in->cx);
    free(in->cy);
}

/* The quota per kind index; a quota may name a kind no site has. */
static int instance_quota(pl_ctx *ctx, const pl_siting_cfg *c, instance *in)
{
    in->quota = calloc(in->n_kinds + c->n_quota, sizeof *in->quota);
    if (!in->quota)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t q = 0; q < c->n_quota; q++) {
        size_t before = in->n_kinds;
        int k = kind_index(&in->kinds, &in->n_kinds, c->quota_kind[q]);
        if (k < 0)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        if ((size_t)k >= before)
            in->kinds[k] = c->quota_kind[q];
        in->quota[k] = c->quota_n[q];
    }
    return PL_OK;
}

static int instance_build(pl_ctx *ctx, const pl_siting_cfg *c, const pl_siting *st, instance *in)
{
    size_t m = st->n ? st->n : 1;
    in->fixed = calloc(m, sizeof *in->fixed);
    in->feas = calloc(m, sizeof *in->feas);
    in->req = calloc(m, sizeof *in->req);
    in->kind = calloc(m, sizeof *in->kind);
    in->cx = malloc(m * sizeof *in->cx);
    in->cy = malloc(m * sizeof *in->cy);
    if (!in->fixed || !in->feas || !in->req || !in->kind || !in->cx || !in->cy)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < st->n; i++) {
        in->fixed[i] = st->a[i].existing;
        in->n_built += in->fixed[i];
        in->feas[i] = st->a[i].feasible;
        in->req[i] = st->a[i].required;
        in->cx[i] = st->a[i].x;
        in->cy[i] = st->a[i].y;
        if ((in->kind[i] = kind_index(&in->kinds, &in->n_kinds, st->a[i].kind)) < 0)
            return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    return c->n_quota ? instance_quota(ctx, c, in) : PL_OK;
}

/* The choice (optimise.c), and its answer in st, which takes the
 * coverage lists. */
static int choose(pl_ctx *ctx, const pl_siting_cfg *c, pl_siting *st, const instance *in, pl_sit_result *res)
{
    pl_sit_inst si = {st->n_dem,   st->dw,    st->dx,        st->dy,        st->dr,       st->n,
                      in->cx,      in->cy,    in->fixed,     in->feas,      in->kind,     in->n_kinds,
                      in->quota,   st->n_new_max, c->min_sep_m, c->objective, c->exact_limit, in->req};
    if (pl_sit_solve(&si, res))
        return pl_error(ctx, PL_NOMEM, "out of memory while siting");
    st->objective = res->objective;
    st->bound = res->bound;
    st->gap = res->gap;
    st->total_w = res->total_weight;
    st->method = res->method;
    st->iterations = res->iterations;
    st->n_new = res->n_new;
    st->n_dropped = res->n_dropped;
    for (size_t i = 0; i < st->n; i++)
        st->a[i].open = res->open[i];
    st->cover_off = res->cover_off; /* taken: the LP reads them */
    st->cover_idx = res->cover_idx;
    res->cover_off = res->cover_idx = NULL;
    return PL_OK;
}

/* Per-site coverage, for the reasons and the output, from the optimiser's
 * coverage lists (no distance is computed twice): demand in reach, demand
 * only this open site reaches, and the demand covered. */
static int site_coverage(pl_ctx *ctx, pl_siting *st)
{
    const size_t *off = st->cover_off, *idx = st->cover_idx;
    if (!off)
        return PL_OK;
    int *reach = calloc(st->n_dem ? st->n_dem : 1, sizeof *reach);
    size_t *last = calloc(st->n_dem ? st->n_dem : 1, sizeof *last);
    if (!reach || !last) {
        free(reach);
        free(last);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < st->n; i++)
        for (size_t k = off[i]; k < off[i + 1]; k++) {
            size_t d = idx[k];
            st->a[i].n_reach++;
            st->a[i].covered_w += st->dw[d];
            if (st->a[i].open) {
                reach[d]++;
                last[d] = i;
            }
        }
    for (size_t d = 0; d < st->n_dem; d++) {
        if (reach[d])
            st->covered_w += st->dw[d];
        if (reach[d] == 1)
            st->a[last[d]].only_w += st->dw[d];
    }
    free(reach);
    free(last);
    return PL_OK;
}

/* ==== reasons ============================================================= */

/* The steps in order: the sites, demand and obstacles; rules 1-4 on the
 * land; the route ends' required sites; the choice; coverage; the network;
 * the reasons. */
int pl_siting_run(pl_ctx *ctx, const pl_plan *p, pl_siting **out)
{
    const pl_siting_cfg *c = &p->sc->siting;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = PL_OK;
    *out = NULL;
    pl_siting *st = calloc(1, sizeof *st);
    land_area la = {0};
    pl_obstacles *ob = NULL;
    instance in = {0};
    pl_sit_result res = {0};
    if (!st)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    st->ends = calloc(p->routes && p->routes->n ? p->routes->n : 1, sizeof *st->ends);
    if (!st->ends) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }
    if ((rc = load_sites(ctx, p, st)) != PL_OK || (rc = load_demand(ctx, p, st)) != PL_OK ||
        (rc = load_obstacles(ctx, p, &ob)) != PL_OK)
        goto out;
    if ((rc = land_build(ctx, p, &la)) != PL_OK || (rc = check_sites(ctx, p, st, &la, ob)) != PL_OK)
        goto out;
    st->n_new_max = new_count(c, st);
    st->rule = SITING_RULE;
    if ((rc = require_route_ends(ctx, p, st)) != PL_OK)
        goto out;
    if ((rc = instance_build(ctx, c, st, &in)) != PL_OK || (rc = choose(ctx, c, st, &in, &res)) != PL_OK ||
        (rc = site_coverage(ctx, st)) != PL_OK)
        goto out;
    network(p, st);
    if ((rc = pl_siting_reasons(ctx, c, st, &res)) != PL_OK)
        goto out;
    pl_siting_note(st);
    if ((rc = pl_capacity_run(ctx, p, st)) != PL_OK)
        goto out;
out:
    clock_gettime(CLOCK_MONOTONIC, &t1);
    st->time_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    pl_sit_result_free(&res);
    instance_free(&in);
    pl_obstacles_free(ob);
    land_free(ctx, &la);
    if (rc != PL_OK)
        pl_siting_free(st);
    else
        *out = st;
    return rc;
}

void pl_siting_free(pl_siting *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n; i++) {
        pl_site *s = &st->a[i];
        free(s->id);
        free(s->name);
        free(s->kind);
        free(s->vp_kind);
        free(s->source);
        free(s->license);
        free(s->accuracy);
        pl_buf_free(&s->why);
        pl_buf_free(&s->headings);
        pl_buf_free(&s->ends);
        pl_buf_free(&s->reason);
        pl_buf_free(&s->headings_unknown);
        pl_buf_free(&s->headings_by);
        pl_buf_free(&s->capacity_basis);
        pl_buf_free(&s->movements_by);
        pl_buf_free(&s->capacity_warning);
    }
    free(st->a);
    for (size_t d = 0; d < st->n_dem; d++) {
        free(st->dem_id[d]);
        free(st->dem_kind[d]);
    }
    free(st->dem_id);
    free(st->dem_kind);
    free(st->cover_off);
    free(st->cover_idx);
    for (size_t k = 0; k < st->n_warn; k++)
        free(st->a_warn[k]);
    free(st->a_warn);
    pl_buf_free(&st->note);
    free(st->dx);
    free(st->dy);
    free(st->dw);
    free(st->dr);
    free(st->ends);
    free(st);
}
