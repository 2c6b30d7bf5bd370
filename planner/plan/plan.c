/*
 * plan.c - one run: scenario -> layers -> zones, routes -> route check.
 *
 * Entry points: pl_plan_open, pl_plan_free, pl_plan_n_blocking.
 *
 * Steps: scenario, layers, zones, routes, route check, siting (when the
 * scenario has candidates), reroutes of blocked routes (when asked).
 */
#include "planner.h"

#include <stdlib.h>
#include <string.h>

int pl_plan_open(pl_ctx *ctx, const char *scenario, int flags, pl_plan **out)
{
    int rc;
    *out = NULL;
    pl_plan *p = calloc(1, sizeof *p);
    if (!p)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    if ((rc = pl_scenario_load(ctx, scenario, &p->sc)) != PL_OK)
        goto out;
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
    if ((rc = pl_routes_build(ctx, p->sc, p->layers, p->n_layers, &p->routes)) != PL_OK)
        goto out;
    pl_progress(ctx, "checking %zu routes against %zu zones", p->routes->n, p->zones->n);
    if ((rc = pl_routes_check(ctx, p->zones, p->routes)) != PL_OK)
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
    /* the shortest conflict-free path of every blocked route */
    if (flags & PL_PLAN_REROUTE) {
        p->reroutes = calloc(p->routes->n ? p->routes->n : 1, sizeof *p->reroutes);
        if (!p->reroutes) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            goto out;
        }
        for (size_t i = 0; i < p->routes->n && rc == PL_OK; i++) {
            if (p->routes->res[i].verdict != PL_V_BLOCKED)
                continue;
            pl_progress(ctx, "rerouting %s", p->routes->a[i].id);
            rc = pl_reroute_route(ctx, p->zones, &p->routes->a[i], PL_REROUTE_MARGIN_M, &p->reroutes[i]);
        }
    }
out:
    pl_progress_end(ctx);
    if (rc != PL_OK)
        pl_plan_free(ctx, p);
    else
        *out = p;
    return rc;
}

void pl_plan_free(pl_ctx *ctx, pl_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; p->reroutes && i < p->routes->n; i++)
        pl_reroute_free(&p->reroutes[i]);
    free(p->reroutes);
    pl_siting_free(p->siting);
    pl_routes_free(ctx, p->routes);
    pl_zones_free(ctx, p->zones);
    for (size_t i = 0; i < p->n_layers; i++)
        pl_layer_free(ctx, p->layers[i]);
    free(p->layers);
    pl_scenario_free(p->sc);
    free(p);
}

size_t pl_plan_n_blocking(const pl_plan *p)
{
    size_t n = 0;
    for (size_t i = 0; p->routes && i < p->routes->n; i++)
        n += p->routes->res[i].n_blocking;
    return n;
}
