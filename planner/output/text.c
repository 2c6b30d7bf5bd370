/*
 * text.c - the plan as text for a person at a terminal: the scenario's
 * head line, every route with its verdict and conflicts, the siting with
 * its bound, why a site is in or out, reroutes, proposals' verdicts, the
 * layers report, and the features a layer repaired or dropped (stderr).
 *
 * Entry points: pl_text_head, pl_text_routes, pl_text_siting,
 * pl_text_explain, pl_text_reroutes, pl_text_verdicts, pl_text_layers,
 * pl_text_issues.
 */
#include "planner.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void print_lonlat(pl_ctx *ctx, const pl_plan *p, const double pt[3])
{
    double lon, lat;
    if (pl_export_lonlat(ctx, p, pt[0], pt[1], &lon, &lat) == PL_OK)
        printf("%.7f,%.7f at %.1f m", lon, lat, pt[2]);
    else
        printf("(cannot convert)");
}

void pl_text_head(const pl_plan *p)
{
    size_t n = p->zones ? p->zones->n : 0, rules = p->sc->n_aircraft;
    printf("Scenario %s%s%s%s, working CRS %s, %zu zones", p->sc->name, p->sc->title ? " (" : "",
           p->sc->title ? p->sc->title : "", p->sc->title ? ")" : "", p->sc->work_crs, n - rules);
    if (rules)
        printf(" and %zu height rule%s", rules, rules == 1 ? "" : "s");
    printf("\n");
}

void pl_text_routes(pl_ctx *ctx, const pl_plan *p, int with_conflicts)
{
    const pl_routeset *rs = p->routes;
    size_t v[PL_V__N] = {0}, planned = 0;
    for (size_t i = 0; i < rs->n; i++) {
        v[rs->res[i].verdict]++;
        planned += !strcmp(rs->a[i].status, "planned");
    }
    printf("Routes: %zu (%zu planned, %zu existing): %zu free 适飞, %zu advisory 提示, %zu approval 需报批, "
           "%zu forbidden 禁飞\n",
           rs->n, planned, rs->n - planned, v[PL_V_FREE], v[PL_V_ADVISORY], v[PL_V_APPROVAL], v[PL_V_FORBIDDEN]);
    printf("Heights: as given, above a flat datum: no terrain model, so true heights (AGL, Art. 19's 120 m) "
           "are not computed\n");
    size_t ci = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_route_result *res = &rs->res[i];
        printf("  %-8s %-8s %s (%s, %s aircraft), %.3f km: %s %s", r->status, r->id, r->name, r->kind,
               pl_ac_class_names[r->ac_class], r->length_m / 1000.0, pl_verdict_names[res->verdict],
               pl_verdict_zh[res->verdict]);
        if (res->n_conf[PL_V_FORBIDDEN] || res->n_conf[PL_V_APPROVAL] || res->n_conf[PL_V_ADVISORY])
            printf(" (%zu forbidden, %zu approval, %zu advisory)", res->n_conf[PL_V_FORBIDDEN],
                   res->n_conf[PL_V_APPROVAL], res->n_conf[PL_V_ADVISORY]);
        if (res->class_files)
            printf(" (its aircraft class files for every flight)");
        if (res->clearance_zone)
            printf("; clearance %.1f m to %s", res->clearance_m, res->clearance_zone->id);
        printf("\n");
        for (; ci < rs->n_c && rs->c[ci].route == i; ci++) {
            const pl_conflict *c = &rs->c[ci];
            if (!with_conflicts)
                continue;
            printf("      %-9s %s \"%s\" (%s): ", pl_verdict_names[c->verdict], c->zone->id, c->zone->name,
                   c->zone->cls);
            if (c->enters)
                printf("%.2f m inside, entry ", c->length_inside_m);
            else
                printf("corridor edge only (%.2f m of route), from ", c->corridor_length_m);
            print_lonlat(ctx, p, c->entry);
            printf(c->enters ? ", exit " : " to ");
            print_lonlat(ctx, p, c->exit);
            printf(", altitude overlap %.1f-%.1f m\n", c->alt_lo_m, c->alt_hi_m);
        }
    }
}

void pl_text_siting(const pl_plan *p, int list)
{
    const pl_siting *si = p->siting;
    const pl_siting_cfg *c = &p->sc->siting;
    size_t built = 0;
    for (size_t i = 0; i < si->n; i++)
        built += si->a[i].existing;
    printf("Siting (%s): %zu candidates, %zu feasible; %zu built kept, %zu new chosen\n",
           c->objective ? "median" : "coverage", si->n - built, si->n_feasible, built, si->n_new);
    char bound[96] = "bound not computed, no gap";
    if (isfinite(si->bound))
        snprintf(bound, sizeof bound, "%s bound %.1f, gap %.2f %%%s", c->objective ? "lower" : "upper", si->bound,
                 100 * si->gap, si->gap <= 1e-9 ? " (proven optimal)" : "");
    if (c->objective)
        printf("  weighted distance %.1f, %s\n", si->objective, bound);
    else
        printf("  demand covered %.1f of %.1f (%.1f %%), %s\n", si->objective, si->total_w,
               si->total_w > 0 ? 100 * si->objective / si->total_w : 0, bound);
    printf("  method: %s; %zu iterations; %.1f ms\n", si->method, si->iterations, si->time_ms);
    size_t lonely = 0, off = 0;
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *s = &si->a[i];
        if (!s->open)
            continue;
        lonely += !(s->nearest_open_m <= c->range_m);
        if (list)
            printf("  %-8s %-14s %s (%s, %s): demand in reach %.1f, only here %.1f\n",
                   s->existing ? "existing" : "planned", s->id, s->name, s->kind, s->vp_kind, s->covered_w,
                   s->only_w);
    }
    printf("  network: %zu open site%s beyond %.0f km of any other\n", lonely, lonely == 1 ? "" : "s",
           c->range_m / 1000);
    for (size_t r = 0; p->routes && r < p->routes->n; r++) {
        const pl_route_ends *e = &si->ends[r];
        if (e->from && e->to)
            continue;
        off++;
        if (list)
            printf("  route %s: %s%s%s (nearest site %.0f m / %.0f m)\n", p->routes->a[r].id,
                   e->from ? "" : "start not at a site", !e->from && !e->to ? ", " : "",
                   e->to ? "" : "end not at a site", e->from_m, e->to_m);
    }
    printf("  routes with an end not at a site: %zu of %zu\n", off, p->routes ? p->routes->n : 0);
}

int pl_text_explain(const pl_plan *p, const char *id)
{
    const pl_siting *si = p->siting;
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *s = &si->a[i];
        if (strcmp(s->id, id))
            continue;
        printf("%s %s (%s, would serve as %s)\n", s->id, s->name, s->kind, s->vp_kind);
        printf("  status: %s\n", s->existing ? "built: always kept" : s->open ? "chosen" : "not chosen");
        printf("  feasible: %s\n", s->feasible ? "yes" : "no");
        if (s->why.n) {
            const char *t = s->why.s;
            while (*t) {
                const char *e = strstr(t, "; ");
                size_t k = e ? (size_t)(e - t) : strlen(t);
                printf("    - %.*s\n", (int)k, t);
                t += k + (e ? 2 : 0);
            }
        }
        printf("  free approach/departure headings (deg): %s\n", s->headings.n ? s->headings.s : "none");
        printf("  demand in reach: %.1f (service radius %.0f m, or its demand kind's)\n", s->covered_w,
               p->sc->siting.radius_m);
        if (s->open) {
            printf("  demand no other open site reaches: %.1f\n", s->only_w);
            printf("  nearest other open site: %.0f m\n", s->nearest_open_m);
        } else if (s->feasible) {
            double nearest = INFINITY, add = 0;
            for (size_t j = 0; j < si->n; j++)
                if (si->a[j].open)
                    nearest = fmin(nearest, hypot(si->a[j].x - s->x, si->a[j].y - s->y));
            for (size_t d = 0; d < si->n_dem; d++) {
                if (hypot(s->x - si->dx[d], s->y - si->dy[d]) > si->dr[d])
                    continue;
                int covered = 0;
                for (size_t j = 0; j < si->n && !covered; j++)
                    covered = si->a[j].open && hypot(si->a[j].x - si->dx[d], si->a[j].y - si->dy[d]) <= si->dr[d];
                add += covered ? 0 : si->dw[d];
            }
            printf("  why not chosen: it would add %.1f uncovered demand; nearest open site %.0f m",
                   add, nearest);
            if (nearest < p->sc->siting.min_sep_m)
                printf(" (closer than the %.0f m separation)", p->sc->siting.min_sep_m);
            printf("\n");
        }
        return PL_EXIT_OK;
    }
    fprintf(stderr, "planner site: no candidate or built site with id '%s'\n", id);
    return PL_EXIT_BAD;
}

/* Each reroute as text.  Returns 1 when some route has no path. */
int pl_text_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl)
{
    int none = 0;
    for (size_t i = 0; i < rl->n; i++) {
        const pl_route *r = rl->routes[i];
        const pl_reroute *rr = &rl->rr[i];
        printf("reroute %s (%s), %.3f m:", r->id, r->name, r->length_m);
        if (!rr->found) {
            printf(" %s\n", rr->why.s ? rr->why.s : "no path");
            none = 1;
            continue;
        }
        printf(" %.3f m, %+.3f m, avoiding", rr->length_m, rr->added_m);
        for (size_t k = 0; k < rr->n_avoided; k++)
            printf("%s %s (%s)", k ? "," : "", rr->avoided[k]->id, rr->avoided[k]->cls);
        if (!rr->n_avoided)
            printf(" nothing (the route was clear)");
        printf("\n   ");
        for (size_t k = 0; k < rr->n; k++) {
            double pt[3] = {rr->x[k], rr->y[k], rr->alt_m[k]};
            printf(" ");
            print_lonlat(ctx, p, pt);
            printf(k + 1 < rr->n ? ";" : "\n");
        }
    }
    return none;
}

/* Each proposal's verdict and reasons as text, then the counts. */
void pl_text_verdicts(const pl_routeset *props, const pl_proposal_result *res, const size_t counts[PL_V__N])
{
    for (size_t i = 0; i < props->n; i++) {
        printf("%s (%s, %s): %s\n", props->a[i].id, props->a[i].name, props->a[i].layer_id,
               pl_verdict_names[res[i].verdict]);
        const char *t = res[i].reasons.s ? res[i].reasons.s : "";
        while (*t) {
            const char *e = strchr(t, '\n');
            size_t k = e ? (size_t)(e - t) : strlen(t);
            printf("    %.*s\n", (int)k, t);
            t += k + (e ? 1 : 0);
        }
    }
    printf("Proposals: %zu: %zu free 适飞, %zu advisory 提示, %zu approval 需报批, %zu forbidden 禁飞\n", props->n,
           counts[PL_V_FREE], counts[PL_V_ADVISORY], counts[PL_V_APPROVAL], counts[PL_V_FORBIDDEN]);
}

void pl_text_layers(const pl_plan *p)
{
    printf("Scenario %s, working CRS %s, %zu layers\n", p->sc->name, p->sc->work_crs, p->n_layers);
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        printf("\n%s (%s): %s\n", l->decl->id, pl_role_names[l->decl->role], l->decl->path);
        printf("  driver %s, layer '%s', source CRS %s%s%s%s\n", l->driver, l->ogr_name,
               l->crs_id ? l->crs_id : "", l->crs_id ? " " : "", l->crs_name,
               l->crs_assumed ? " (assumed: the file has none)" : "");
        printf("  features read %zu, kept %zu:", l->n_read, l->n_feats);
        for (int t = 0; t < 8; t++)
            if (l->n_type[t])
                printf(" %s %zu", pl_geom_type_name(t), l->n_type[t]);
        printf("\n");
        size_t rep = l->n_issues - l->n_rejected;
        printf("  %zu repaired, %zu rejected\n", rep, l->n_rejected);
        for (size_t k = 0; k < l->n_issues; k++)
            printf("    %s %s: %s\n", l->a_issues[k].what, l->a_issues[k].fid, l->a_issues[k].why);
    }
}

void pl_text_issues(const pl_plan *p)
{
    for (size_t i = 0; i < p->n_layers; i++)
        for (size_t k = 0; k < p->layers[i]->n_issues; k++) {
            const pl_issue *is = &p->layers[i]->a_issues[k];
            fprintf(stderr, "planner: warning: %s: layer '%s': feature %s %s: %s\n",
                    p->layers[i]->decl->path, p->layers[i]->decl->id, is->fid, is->what, is->why);
        }
}
