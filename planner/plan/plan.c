/*
 * plan.c - one run: scenario -> layers -> zones, routes -> route check.
 *
 * Entry points: pl_plan_open (or its halves pl_plan_read and
 * pl_plan_compute), pl_plan_free, pl_plan_worst, and the
 * steps the commands take on an open plan: pl_plan_out_dir, pl_plan_write,
 * pl_plan_publish,
 * pl_plan_store_beside, pl_plan_blocked, pl_plan_reroutes,
 * pl_plan_reroutes_free, pl_plan_sites_short (a batch of proposals:
 * batch.c).
 *
 * Steps: scenario, layers, zones, routes, route check, siting (when the
 * scenario has candidates), reroutes of blocked routes (when asked).
 */
#include "planner.h"

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* The ends of a that lie within tol of an end of b: the sites both use
 * (x, y pairs into xy, at most 4).  Their count. */
static size_t shared_ends(const pl_route *a, const pl_route *b, double tol, double *xy)
{
    size_t n = 0;
    const size_t ea[2] = {0, a->n_pts - 1}, eb[2] = {0, b->n_pts - 1};
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            if (hypot(a->x[ea[i]] - b->x[eb[j]], a->y[ea[i]] - b->y[eb[j]]) <= tol && n < 4) {
                xy[2 * n] = a->x[ea[i]], xy[2 * n + 1] = a->y[ea[i]];
                n++;
            }
    return n;
}

/* Route r's profile scaled so that its cruise (its highest waypoint)
 * flies at level: ends kept, each interior altitude moved in proportion
 * to its height above the lower end. */
static void set_level(pl_route *r, double level)
{
    double a0 = fmin(r->alt_m[0], r->alt_m[r->n_pts - 1]), top = a0;
    for (size_t k = 1; k + 1 < r->n_pts; k++)
        top = fmax(top, r->alt_m[k]);
    if (top <= a0)
        return; /* no cruise above the ends: nothing to move */
    for (size_t k = 1; k + 1 < r->n_pts; k++)
        r->alt_m[k] = a0 + (r->alt_m[k] - a0) * (level - a0) / (top - a0);
}

/* Crossings at one level between route i and the routes placed before
 * it (existing ones, and planned ones earlier in the file). */
static int level_conflicts(pl_ctx *ctx, const pl_plan *p, size_t i, size_t *n)
{
    const pl_routeset *rs = p->routes;
    double tol = p->sc->siting.end_tolerance_m;
    *n = 0;
    for (size_t j = 0; j < rs->n; j++) {
        const pl_route *o = &rs->a[j];
        int placed = j < i || !o->status || strcmp(o->status, "planned");
        if (j == i || !placed)
            continue;
        double xy[8];
        size_t ns = shared_ends(&rs->a[i], o, tol, xy);
        double need = rs->a[i].half_width_m + o->half_width_m + p->sc->route.lateral_sep_m;
        pl_sep s;
        int rc = pl_route_separation(ctx, &rs->a[i], o, p->sc->route.lateral_sep_m, xy, ns,
                                     fmax(PL_TERMINAL_RADIUS_M, tol + need), &s);
        if (rc != PL_OK)
            return rc;
        *n += (size_t)s.level_conflict;
    }
    return PL_OK;
}

/* network.levels_m: each planned route, in file order, at the lowest level
 * that crosses no placed route at one level (CCAR-92: crossings separated
 * by flight level); where none does, the level with the fewest.  Its
 * profile is kept, scaled to the level. */
static int assign_levels(pl_ctx *ctx, pl_plan *p)
{
    const pl_network_cfg *c = &p->sc->network;
    for (size_t i = 0; c->n_levels && i < p->routes->n; i++) {
        pl_route *r = &p->routes->a[i];
        if (!r->status || strcmp(r->status, "planned") || r->n_pts < 3)
            continue;
        size_t best = 0, best_n = (size_t)-1;
        for (size_t l = 0; l < c->n_levels && best_n; l++) {
            size_t n;
            set_level(r, c->levels[l]);
            int rc = level_conflicts(ctx, p, i, &n);
            if (rc != PL_OK)
                return rc;
            if (n < best_n)
                best_n = n, best = l;
        }
        set_level(r, c->levels[best]);
    }
    return PL_OK;
}

/* Each designed route's climb and descent inside its end sites' approach
 * and departure surfaces (siting.surface_slope: 1 m up per 8 m out). */
static int climb_in_surfaces(pl_ctx *ctx, pl_plan *p)
{
    for (size_t i = 0; i < p->routes->n; i++) {
        pl_design *d = &p->designs[i];
        int raised = 0, rc = d->designed ? pl_design_climb(ctx, &p->routes->a[i], p->sc->siting.surface_slope, &raised)
                                         : PL_OK;
        if (rc != PL_OK)
            return rc;
        if (raised && !d->climb_raised)
            pl_buf_printf(&d->why, "%sclimb and descent raised into the sites' approach surfaces (1:%g)",
                          d->why.n ? "; " : "", p->sc->siting.surface_slope);
        d->climb_raised |= raised;
    }
    return PL_OK;
}

/* The builtup layers' polygons united into *out (NULL: the scenario has
 * none); a feature that is no area is an error, never left out unsaid. */
static int builtup_area(pl_ctx *ctx, const pl_plan *p, GEOSGeometry **out)
{
    int any = 0;
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        for (size_t k = 0; l->decl->role == PL_ROLE_BUILTUP && k < l->n_feats; k++) {
            int t = GEOSGeomTypeId_r(pl_geos(ctx), l->a_feats[k].g);
            if (t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
                return pl_error(ctx, PL_PARSE, "%s: layer '%s': built-up area %s: expected a Polygon or "
                                "MultiPolygon, got a %s", l->decl->path, l->decl->id, l->a_feats[k].id,
                                pl_geom_type_name(t));
            any = 1;
        }
    }
    if (any && !(*out = pl_layers_union(ctx, p->layers, p->n_layers, PL_ROLE_BUILTUP, 0)))
        return pl_error(ctx, PL_GEOM, "cannot unite the built-up areas: %s", pl_libmsg(ctx));
    return PL_OK;
}

/* The planned routes laid out between their ends (network.design), before
 * they are checked: the check, the approvals and every output then speak
 * of the designed alignment; the drawn one's figures stay beside it. */
static int design_routes(pl_ctx *ctx, pl_plan *p)
{
    if (!p->sc->network.design)
        return PL_OK;
    p->designs = calloc(p->routes->n ? p->routes->n : 1, sizeof *p->designs);
    if (!p->designs)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    GEOSGeometry *builtup = NULL;
    int rc = builtup_area(ctx, p, &builtup);
    for (size_t i = 0; i < p->routes->n && rc == PL_OK; i++) {
        pl_route *r = &p->routes->a[i];
        if (!r->status || strcmp(r->status, "planned") || r->n_pts < 2)
            continue;
        pl_progress(ctx, "designing %s", r->id);
        rc = pl_design_route(ctx, p->zones, &p->sc->network, builtup, PL_REROUTE_MARGIN_M, r, &p->designs[i]);
    }
    if (builtup)
        GEOSGeom_destroy_r(pl_geos(ctx), builtup);
    if (rc == PL_OK && (rc = climb_in_surfaces(ctx, p)) == PL_OK && (rc = assign_levels(ctx, p)) == PL_OK)
        rc = climb_in_surfaces(ctx, p); /* a lower level may have flattened a climb */
    return rc;
}

/* Each designed route's straight line checked as the route is: the zones
 * whose approval it would need and the design does not, into avoided. */
static int approvals_avoided(pl_ctx *ctx, pl_plan *p)
{
    pl_conflict *cv = NULL;
    size_t cap = 0;
    int rc = PL_OK;
    for (size_t i = 0; p->designs && i < p->routes->n && rc == PL_OK; i++) {
        const pl_route *r = &p->routes->a[i];
        pl_design *d = &p->designs[i];
        if (!d->designed)
            continue;
        double x[2] = {r->x[0], r->x[r->n_pts - 1]}, y[2] = {r->y[0], r->y[r->n_pts - 1]};
        double z[2] = {r->alt_m[0], r->alt_m[r->n_pts - 1]}, top = fmax(z[0], z[1]);
        for (size_t k = 0; k < r->n_pts; k++)
            top = fmax(top, r->alt_m[k]); /* the straight line at the route's cruise: the zones it meets there */
        double sx[4] = {x[0], x[0], x[1], x[1]}, sy[4] = {y[0], y[0], y[1], y[1]}, sz[4] = {z[0], top, top, z[1]};
        pl_route s = *r;
        s.x = sx, s.y = sy, s.alt_m = sz, s.n_pts = 4;
        s.line = pl_geom_line(ctx, x, y, 2);
        s.length_m = hypot(x[1] - x[0], y[1] - y[0]);
        pl_route_result res;
        size_t n_c = 0;
        rc = s.line ? pl_route_check(ctx, p->zones, &s, i, PL_CHECK_NO_CLEARANCE | PL_CHECK_NO_OVERLAP, &res, &cv,
                                     &n_c, &cap)
                    : pl_error(ctx, PL_GEOM, "route %s: %s", r->id, pl_libmsg(ctx));
        for (size_t k = 0; rc == PL_OK && k < n_c; k++) {
            if (cv[k].verdict != PL_V_APPROVAL || !cv[k].zone->g)
                continue;
            int kept = 0; /* the design meets it too */
            for (size_t q = 0; q < p->routes->n_c && !kept; q++)
                kept = p->routes->c[q].route == i && p->routes->c[q].zone == cv[k].zone;
            if (!kept)
                pl_buf_printf(&d->avoided, "%s%s", d->avoided.n ? ", " : "", cv[k].zone->id);
        }
        if (s.line)
            GEOSGeom_destroy_r(pl_geos(ctx), s.line);
    }
    free(cv);
    return rc;
}

/* The plan's routes among themselves: each pair closer than its
 * separation outside the sites both use; at one level, both need an
 * approval (the authority deconflicts; CCAR-92 separates crossings by
 * flight level). */
static int plan_crossings(pl_ctx *ctx, pl_plan *p)
{
    pl_routeset *rs = p->routes;
    double tol = p->sc->siting.end_tolerance_m;
    for (size_t i = 0; i < rs->n; i++)
        for (size_t j = i + 1; j < rs->n; j++) {
            double xy[8];
            size_t ns = shared_ends(&rs->a[i], &rs->a[j], tol, xy);
            pl_sep s;
            double need = rs->a[i].half_width_m + rs->a[j].half_width_m + p->sc->route.lateral_sep_m;
            int rc = pl_route_separation(ctx, &rs->a[i], &rs->a[j], p->sc->route.lateral_sep_m, xy, ns,
                                         fmax(PL_TERMINAL_RADIUS_M, tol + need), &s);
            if (rc != PL_OK)
                return rc;
            if (!s.close)
                continue;
            pl_crossing *c = realloc(p->crossings, (p->n_crossings + 1) * sizeof *c);
            if (!c)
                return pl_error(ctx, PL_NOMEM, "out of memory");
            p->crossings = c;
            p->crossings[p->n_crossings++] = (pl_crossing){i, j, s};
            for (int k = 0; k < 2 && s.level_conflict; k++) {
                pl_route_result *res = &rs->res[k ? j : i];
                res->n_level_conflicts++;
                if (res->verdict < PL_V_APPROVAL)
                    res->verdict = PL_V_APPROVAL;
            }
        }
    return PL_OK;
}

int pl_plan_read(pl_ctx *ctx, const char *scenario, pl_plan **out)
{
    *out = NULL;
    pl_plan *p = calloc(1, sizeof *p);
    if (!p)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    int rc = pl_scenario_load(ctx, scenario, &p->sc);
    if (rc != PL_OK)
        pl_plan_free(ctx, p);
    else
        *out = p;
    return rc;
}

int pl_plan_open(pl_ctx *ctx, const char *scenario, int flags, pl_plan **out)
{
    int rc = pl_plan_read(ctx, scenario, out);
    if (rc == PL_OK && (rc = pl_plan_compute(ctx, *out, flags)) != PL_OK) {
        pl_plan_free(ctx, *out);
        *out = NULL;
    }
    return rc;
}

int pl_plan_compute(pl_ctx *ctx, pl_plan *p, int flags)
{
    int rc = PL_OK;
    p->layers = calloc(p->sc->n_layers, sizeof *p->layers);
    if (!p->layers) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < p->sc->n_layers; i++) {
        pl_progress(ctx, "loading layer %s (%zu of %zu)", p->sc->a_layers[i].id, i + 1, p->sc->n_layers);
        if ((rc = pl_layer_load(ctx, p->sc, &p->sc->a_layers[i], &p->layers[i])) != PL_OK)
            goto out;
        p->n_layers++;
        const pl_layer *l = p->layers[i];
        if (l->n_rejected && !(flags & (PL_PLAN_SKIP_BAD | PL_PLAN_LAYERS_ONLY))) {
            for (size_t k = 0; k < l->n_issues; k++)
                if (!strcmp(l->a_issues[k].what, "rejected")) {
                    rc = pl_error(ctx, PL_GEOM,
                                  "%s: layer '%s': feature %s rejected: %s (%zu rejected in all; "
                                  "'planner layers' lists them, --skip-bad drops them)",
                                  l->decl->path, l->decl->id, l->a_issues[k].fid,
                                  l->a_issues[k].why, l->n_rejected);
                    goto out;
                }
        }
    }
    if (flags & PL_PLAN_LAYERS_ONLY)
        goto out;
    pl_progress(ctx, "indexing zones");
    if ((rc = pl_zones_build(ctx, p->sc, p->layers, p->n_layers, &p->zones)) != PL_OK)
        goto out;
    if ((rc = pl_routes_build(ctx, p->sc, p->layers, p->n_layers, &p->routes)) != PL_OK ||
        (rc = pl_routes_ground_check(ctx, p->zones->terrain, p->routes, p->layers, p->n_layers)) != PL_OK ||
        (rc = design_routes(ctx, p)) != PL_OK)
        goto out;
    pl_progress(ctx, "checking %zu routes against %zu zones", p->routes->n, p->zones->n);
    if ((rc = pl_routes_check(ctx, p->zones, p->routes)) != PL_OK || (rc = plan_crossings(ctx, p)) != PL_OK ||
        (rc = approvals_avoided(ctx, p)) != PL_OK)
        goto out;
    /* siting runs when there is something to site; the section alone may
     * only set tolerances (route_end_tolerance_m for validate) */
    int have_candidates = 0;
    for (size_t i = 0; i < p->n_layers; i++)
        have_candidates |= p->layers[i]->decl->role == PL_ROLE_CANDIDATES;
    if (p->sc->siting.enabled && have_candidates && !(flags & PL_PLAN_NO_SITING)) {
        pl_progress(ctx, "siting vertiports");
        if ((rc = pl_siting_run(ctx, p, &p->siting)) != PL_OK)
            goto out;
    }
    /* the shortest path of every forbidden route around the forbidden zones */
    if (flags & PL_PLAN_REROUTE) {
        p->reroutes = calloc(p->routes->n ? p->routes->n : 1, sizeof *p->reroutes);
        if (!p->reroutes) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < p->routes->n && rc == PL_OK; i++) {
            if (p->routes->res[i].verdict != PL_V_FORBIDDEN)
                continue;
            pl_progress(ctx, "rerouting %s", p->routes->a[i].id);
            rc = pl_reroute_route(ctx, p->zones, &p->routes->a[i], PL_REROUTE_MARGIN_M, &p->reroutes[i]);
        }
    }
out:
    pl_progress_end(ctx);
    return rc;
}

void pl_plan_free(pl_ctx *ctx, pl_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->reroutes && i < p->routes->n; i++)
        pl_reroute_free(&p->reroutes[i]);
    free(p->reroutes);
    for (size_t i = 0; p->designs && i < p->routes->n; i++)
        pl_design_free(&p->designs[i]);
    free(p->designs);
    free(p->crossings);
    pl_region_free(p->water);
    if (p->zdefer)
        p->zdefer_free(p->zdefer); /* zindex.c's, which made it */
    pl_siting_free(p->siting);
    pl_routes_free(ctx, p->routes);
    pl_zones_free(ctx, p->zones);
    for (size_t i = 0; i < p->n_layers; i++)
        pl_layer_free(ctx, p->layers[i]);
    free(p->layers);
    pl_scenario_free(p->sc);
    pl_scenario_free(p->zones_sc);
    free(p);
}

int pl_plan_worst(const pl_plan *p)
{
    int w = PL_V_FREE;
    for (size_t i = 0; p->routes && i < p->routes->n; i++)
        if (p->routes->res[i].verdict > w)
            w = p->routes->res[i].verdict;
    return w;
}

/* ==== the steps of a command =========================================== */

const char *pl_plan_out_dir(const pl_plan *p, const char *given, char *buf, size_t n)
{
    if (given)
        return given;
    if (p->sc->output)
        return p->sc->output;
    snprintf(buf, n, "out/%s", p->sc->name);
    return buf;
}

void pl_plan_store_beside(const char *dir, char *buf, size_t n)
{
    size_t k = strlen(dir);
    while (k > 1 && dir[k - 1] == '/')
        k--;
    while (k > 0 && dir[k - 1] != '/')
        k--;
    snprintf(buf, n, "%.*sruns.sqlite", (int)k, dir);
}

/* The time stamped into plan.gpkg: the scenario file's modification time
 * (UTC), so that running the same files twice gives the same bytes. */
static void scenario_stamp(const pl_plan *p, char *out, size_t n)
{
    struct stat st;
    struct tm tm;
    time_t t = stat(p->sc->file, &st) == 0 ? st.st_mtime : 0;
    gmtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

int pl_plan_write(pl_ctx *ctx, const pl_plan *p, const char *dir, int kml, const pl_outlayer *layers)
{
    return pl_plan_publish(ctx, p, dir, kml, layers, NULL, NULL);
}

/* The order, and why (kill -9 may land between any two steps):
 *   1. the new folder written beside the old: killed, the old is in place
 *      and the store as it was; the next run removes the new one;
 *   2. the run's rows written in the store, not committed: killed, SQLite's
 *      journal (PostgreSQL: the lost connection) takes them back;
 *   3. the new folder swapped in (one rename): killed after it, the folder
 *      is new and the store has not the run - a run not listed, never a
 *      listed run without its folder;
 *   4. the store committed: failing, the old folder is swapped back, so a
 *      run that says it failed has changed nothing;
 *   5. the old folder removed: killed, the next run removes the rest. */
int pl_plan_publish(pl_ctx *ctx, const pl_plan *p, const char *dir, int kml, const pl_outlayer *layers,
                    pl_store *store, long long *run_id)
{
    char when[32];
    scenario_stamp(p, when, sizeof when);
    pl_export_opts eo = {.kml = kml, .png = 1, .when = when, .layers = layers};
    pl_stage st;
    int rc = pl_export_stage(ctx, p, dir, &eo, &st);
    if (rc == PL_OK && store)
        rc = pl_store_begin(ctx, store, p, dir, layers, run_id);
    if (rc == PL_OK)
        rc = pl_stage_swap(ctx, &st);
    if (rc == PL_OK && store && (rc = pl_store_commit(ctx, store)) != PL_OK)
        pl_stage_unswap(ctx, &st); /* not recorded: the old folder back */
    pl_stage_end(ctx, &st);
    return rc;
}

size_t pl_plan_blocked(const pl_plan *p, const pl_route **out)
{
    size_t nb = 0;
    for (size_t i = 0; i < p->routes->n; i++)
        if (p->routes->res[i].verdict == PL_V_FORBIDDEN)
            out[nb++] = &p->routes->a[i];
    return nb;
}

int pl_plan_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_route **routes, size_t n, double margin_m,
                     pl_reroute_list *rl)
{
    pl_reroute *rr = calloc(n ? n : 1, sizeof *rr);
    rl->routes = routes;
    rl->rr = rr;
    rl->n = 0;
    if (!rr)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (; rl->n < n; rl->n++) {
        int rc = pl_reroute_route(ctx, p->zones, routes[rl->n], margin_m, &rr[rl->n]);
        if (rc != PL_OK) {
            pl_reroute_free(&rr[rl->n]);
            return rc;
        }
    }
    return PL_OK;
}

void pl_plan_reroutes_free(pl_reroute_list *rl)
{
    pl_reroute *rr = (pl_reroute *)rl->rr; /* pl_plan_reroutes' own array */
    for (size_t i = 0; i < rl->n; i++)
        pl_reroute_free(&rr[i]);
    free(rr);
    rl->rr = NULL;
    rl->n = 0;
}

int pl_plan_sites_short(const pl_plan *p)
{
    size_t built = 0;
    for (size_t i = 0; i < p->siting->n; i++)
        built += p->siting->a[i].existing;
    const pl_siting_cfg *c = &p->sc->siting;
    size_t want = c->built_count ? (c->count > built ? c->count - built : 0) : c->count;
    return p->siting->n_new < want;
}
