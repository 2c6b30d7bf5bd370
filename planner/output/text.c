/*
 * text.c - the plan as text for a person at a terminal: the scenario's
 * head line, every route with its verdict and conflicts, the siting with
 * its bound, why a site is in or out, reroutes, proposals' verdicts, the
 * layers report, and the features a layer repaired or dropped (stderr).
 *
 * Entry points: pl_text_head, pl_text_routes, pl_text_siting,
 * pl_text_explain, pl_text_reroutes, pl_text_verdicts, pl_text_layers,
 * pl_text_issues.
 *
 * Language (p->lang, --lang): the summary (head, routes, siting, explain)
 * labels each line and each verdict Chinese first with English beside
 * ("航线 Routes: ...", "禁飞 forbidden"), or in English alone (PL_LANG_EN).
 * Figures, ids, names and the engine's reasons are printed as they are; the
 * reroute, proposal and layer reports are English.
 */
#include "planner.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The Chinese words zh (ending in a space) before their English ones, or ""
 * (--lang en). */
static const char *zh(const pl_plan *p, const char *words)
{
    return p->lang == PL_LANG_EN ? "" : words;
}

/* Verdict v as "禁飞 forbidden", or "forbidden" (--lang en), into w. */
static const char *verdict_word(const pl_plan *p, int v, char *w, size_t n)
{
    snprintf(w, n, "%s%s%s", zh(p, pl_verdict_zh[v]), zh(p, " "), pl_verdict_names[v]);
    return w;
}

/* Verdict v's Chinese word padded to 6 terminal columns and a space (each
 * of its characters takes two), or "" (--lang en), into w: the English
 * words after it line up. */
static const char *verdict_zh_padded(const pl_plan *p, int v, char *w, size_t n)
{
    if (p->lang == PL_LANG_EN) {
        w[0] = 0;
        return w;
    }
    int cols = 2 * (int)(strlen(pl_verdict_zh[v]) / 3); /* CJK: 3 bytes in UTF-8, 2 columns */
    snprintf(w, n, "%s%*s", pl_verdict_zh[v], cols < 7 ? 7 - cols : 1, "");
    return w;
}

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
    printf("%sScenario %s%s%s%s, %sworking CRS %s, %zu %szones", zh(p, "情景 "), p->sc->name,
           p->sc->title ? " (" : "", p->sc->title ? p->sc->title : "", p->sc->title ? ")" : "", zh(p, "工作坐标系 "),
           p->sc->work_crs, n - rules, zh(p, "区域 "));
    if (rules)
        printf(" and %zu %sheight rule%s", rules, zh(p, "高度规则 "), rules == 1 ? "" : "s");
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
    printf("%sRoutes: %zu (%zu planned, %zu existing): %zu %sfree, %zu %sadvisory, %zu %sapproval, %zu %sforbidden\n",
           zh(p, "航线 "), rs->n, planned, rs->n - planned, v[PL_V_FREE], zh(p, "适飞 "), v[PL_V_ADVISORY],
           zh(p, "提示 "), v[PL_V_APPROVAL], zh(p, "需报批 "), v[PL_V_FORBIDDEN], zh(p, "禁飞 "));
    char hz[1200], he[1200];
    pl_heights_note(p, 1, hz, sizeof hz);
    pl_heights_note(p, 0, he, sizeof he);
    printf("%sHeights: %s%s%s\n", zh(p, "高度 "), zh(p, hz), zh(p, " "), he);
    size_t ci = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_route_result *res = &rs->res[i];
        char w[64];
        printf("  %-8s %-8s %s (%s, %s aircraft), %.3f km: %s", r->status, r->id, r->name, r->kind,
               pl_ac_class_names[r->ac_class], r->length_m / 1000.0, verdict_word(p, res->verdict, w, sizeof w));
        if (res->n_conf[PL_V_FORBIDDEN] || res->n_conf[PL_V_APPROVAL] || res->n_conf[PL_V_ADVISORY])
            printf(" (%zu %sforbidden, %zu %sapproval, %zu %sadvisory)", res->n_conf[PL_V_FORBIDDEN], zh(p, "禁飞 "),
                   res->n_conf[PL_V_APPROVAL], zh(p, "需报批 "), res->n_conf[PL_V_ADVISORY], zh(p, "提示 "));
        if (res->class_files)
            printf(" (%sits aircraft class files for every flight)", zh(p, "该类航空器每次飞行都须报批 "));
        if (res->clearance_zone)
            printf("; %sclearance %.1f m to %s", zh(p, "最小间距 "), res->clearance_m, res->clearance_zone->id);
        printf("\n");
        for (; ci < rs->n_c && rs->c[ci].route == i; ci++) {
            const pl_conflict *c = &rs->c[ci];
            if (!with_conflicts)
                continue;
            printf("      %s%-9s %s \"%s\" (%s): ", verdict_zh_padded(p, c->verdict, w, sizeof w),
                   pl_verdict_names[c->verdict], c->zone->id, c->zone->name, c->zone->cls);
            if (c->enters)
                printf("%.2f m inside, entry ", c->length_inside_m);
            else
                printf("corridor edge only (%.2f m of route), from ", c->corridor_length_m);
            print_lonlat(ctx, p, c->entry);
            printf(c->enters ? ", exit " : " to ");
            print_lonlat(ctx, p, c->exit);
            printf(", altitude overlap %.1f-%.1f m%s\n", c->alt_lo_m, c->alt_hi_m,
                   !c->agl ? "" : c->ground_unknown ? " true height, the ground unknown in part (taken as entered)"
                                                    : " true height");
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
    printf("%sSiting (%s): %zu candidates, %zu feasible; %zu built kept, %zu new chosen\n", zh(p, "选址 "),
           c->objective ? "median" : "coverage", si->n - built, si->n_feasible, built, si->n_new);
    char bound[96] = "bound not computed, no gap";
    if (isfinite(si->bound))
        snprintf(bound, sizeof bound, "%s bound %.1f, gap %.2f %%%s%s%s", c->objective ? "lower" : "upper", si->bound,
                 100 * si->gap, si->gap <= 1e-9 ? " (" : "", si->gap <= 1e-9 ? zh(p, "已证最优 ") : "",
                 si->gap <= 1e-9 ? "proven optimal)" : "");
    if (c->objective)
        printf("  %sweighted distance %.1f, %s\n", zh(p, "加权距离 "), si->objective, bound);
    else
        printf("  %sdemand covered %.1f of %.1f (%.1f %%), %s\n", zh(p, "需求覆盖 "), si->objective, si->total_w,
               si->total_w > 0 ? 100 * si->objective / si->total_w : 0, bound);
    printf("  %smethod: %s; %zu iterations; %.1f ms\n", zh(p, "方法 "), si->method, si->iterations, si->time_ms);
    size_t lonely = 0, off = 0;
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *s = &si->a[i];
        if (!s->open)
            continue;
        lonely += !(s->nearest_open_m <= c->range_m);
        if (list)
            printf("  %-8s %-14s %s (%s, %s): %sdemand in reach %.1f, %sonly here %.1f\n",
                   s->existing ? "existing" : "planned", s->id, s->name, s->kind, s->vp_kind, zh(p, "可达需求 "),
                   s->covered_w, zh(p, "仅此覆盖 "), s->only_w);
    }
    printf("  %snetwork: %zu open site%s beyond %.0f km of any other\n", zh(p, "网络 "), lonely,
           lonely == 1 ? "" : "s", c->range_m / 1000);
    for (size_t r = 0; p->routes && r < p->routes->n; r++) {
        const pl_route_ends *e = &si->ends[r];
        if (e->from && e->to)
            continue;
        off++;
        if (list)
            printf("  %sroute %s: %s%s%s (nearest site %.0f m / %.0f m)\n", zh(p, "航线 "), p->routes->a[r].id,
                   e->from ? "" : "start not at a site", !e->from && !e->to ? ", " : "",
                   e->to ? "" : "end not at a site", e->from_m, e->to_m);
    }
    printf("  %sroutes with an end not at a site: %zu of %zu\n", zh(p, "端点不在站点的航线 "), off,
           p->routes ? p->routes->n : 0);
    for (size_t i = 0; i < si->n; i++)
        if (si->a[i].capacity_warning.n)
            printf("  %scapacity %s: %s\n", zh(p, "容量不足 "), si->a[i].id, si->a[i].capacity_warning.s);
}

int pl_text_explain(const pl_plan *p, const char *id)
{
    const pl_siting *si = p->siting;
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *s = &si->a[i];
        if (strcmp(s->id, id))
            continue;
        printf("%s %s (%s, %swould serve as %s)\n", s->id, s->name, s->kind, zh(p, "用作 "), s->vp_kind);
        printf("  %sstatus: %s%s\n", zh(p, "状态 "),
               zh(p, s->existing ? "已建，始终保留 " : s->open ? "选中 " : "未选中 "),
               s->existing ? "built: always kept" : s->open ? "chosen" : "not chosen");
        printf("  %sfeasible: %s%s\n", zh(p, "可行 "), zh(p, s->feasible ? "是 " : "否 "), s->feasible ? "yes" : "no");
        if (s->why.n) {
            const char *t = s->why.s;
            while (*t) {
                const char *e = strstr(t, "; ");
                size_t k = e ? (size_t)(e - t) : strlen(t);
                printf("    - %.*s\n", (int)k, t);
                t += k + (e ? 2 : 0);
            }
        }
        printf("  %sfree approach/departure headings (deg): %s%s\n", zh(p, "可用进离场方向 "),
               s->headings.n ? "" : zh(p, "无 "), s->headings.n ? s->headings.s : "none");
        printf("  %sdemand in reach: %.1f (service radius %.0f m, or its demand kind's)\n", zh(p, "可达需求 "),
               s->covered_w, p->sc->siting.radius_m);
        if (s->open) {
            printf("  %sdemand no other open site reaches: %.1f\n", zh(p, "仅此覆盖 "), s->only_w);
            printf("  %snearest other open site: %.0f m\n", zh(p, "最近的其他站点 "), s->nearest_open_m);
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
            printf("  %swhy not chosen: it would add %.1f uncovered demand; nearest open site %.0f m",
                   zh(p, "未选原因 "), add, nearest);
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
