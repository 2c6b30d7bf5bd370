/*
 * report.c - report.html: the plan for a meeting, one self-contained file
 * (the map inline, styles inline, no script, no network).
 *
 * Entry point: pl_report_html.
 *
 * Sections: results at a glance, the map, vertiports, routes with their
 * verdicts, every conflict with its reason, siting (objective, bound, gap),
 * and the data provenance table: for each layer and each zone built by rule,
 * how much is surveyed, OSM, rule-derived, approximate or illustrative.
 * Deterministic: no clock is read (the siting time stays in summary.json).
 */
#include "planner.h"

#include <math.h>
#include <string.h>

static const char *const accuracies[] = {"surveyed", "osm", "rule-derived", "approximate", "illustrative",
                                         NULL};

static void td(pl_buf *b, const char *s)
{
    pl_buf_puts(b, "<td>");
    pl_buf_xml(b, s ? s : "—");
    pl_buf_puts(b, "</td>");
}

static void tdnum(pl_buf *b, double v, int dec)
{
    if (!isfinite(v))
        pl_buf_puts(b, "<td class=n>—</td>");
    else
        pl_buf_printf(b, "<td class=n>%.*f</td>", dec, v);
}

static void tdtag(pl_buf *b, const char *cls, const char *s)
{
    pl_buf_printf(b, "<td><span class=\"tag %s\">", cls);
    pl_buf_xml(b, s);
    pl_buf_puts(b, "</span></td>");
}

static void lonlat(pl_ctx *ctx, const pl_plan *p, const double pt[3], pl_buf *b)
{
    double lon, lat;
    if (pl_export_lonlat(ctx, p, pt[0], pt[1], &lon, &lat) == PL_OK)
        pl_buf_printf(b, "%.6f, %.6f @ %.0f m", lon, lat, pt[2]);
}

static void style_css(pl_buf *b)
{
    pl_buf_puts(b, "<style>\n"
                   "body{font-family:'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;"
                   "margin:2em auto;max-width:1180px;color:#222;line-height:1.4}\n"
                   "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}\n"
                   "table{border-collapse:collapse;width:100%;font-size:.85em;margin:.5em 0}\n"
                   "th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}\n"
                   "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                   ".tag{padding:1px 6px;border-radius:3px;color:#fff;font-size:.9em;white-space:nowrap}\n"
                   ".clear{background:#1a9641}.warning{background:#f08c00}.blocked,.blocking{background:#d7191c}\n"
                   ".existing{background:#000}.planned{background:#2166ac}\n"
                   ".surveyed{background:#1a9641}.osm{background:#4575b4}.rule-derived{background:#756bb1}"
                   ".approximate{background:#f08c00}.illustrative{background:#d7191c}\n"
                   ".kpi{display:flex;gap:1em;flex-wrap:wrap}.kpi div{border:1px solid #ddd;padding:.5em 1em;"
                   "border-radius:4px}.kpi b{display:block;font-size:1.4em}\n"
                   ".map svg{width:100%;height:auto;border:1px solid #ccc}\n"
                   ".note{color:#555;font-size:.9em}\n"
                   "@media print{body{margin:0}h2{page-break-after:avoid}}\n"
                   "</style>\n");
}

static void kpi(pl_buf *b, const char *label, const char *value)
{
    pl_buf_puts(b, "<div><b>");
    pl_buf_xml(b, value);
    pl_buf_puts(b, "</b>");
    pl_buf_xml(b, label);
    pl_buf_puts(b, "</div>");
}

static void glance(const pl_plan *p, pl_buf *b)
{
    char v[128];
    size_t nv[PL_V__N] = {0};
    for (size_t i = 0; i < p->routes->n; i++)
        nv[p->routes->res[i].verdict]++;
    pl_buf_puts(b, "<div class=kpi>");
    snprintf(v, sizeof v, "%zu / %zu / %zu / %zu", nv[PL_V_FREE], nv[PL_V_ADVISORY], nv[PL_V_APPROVAL],
             nv[PL_V_FORBIDDEN]);
    kpi(b, "航线 适飞 / 提示 / 需报批 / 禁飞 routes free / advisory / approval / forbidden", v);
    snprintf(v, sizeof v, "%zu", p->routes->n_c);
    kpi(b, "冲突 conflicts", v);
    if (p->siting) {
        const pl_siting *si = p->siting;
        size_t built = 0;
        for (size_t i = 0; i < si->n; i++)
            built += si->a[i].existing;
        snprintf(v, sizeof v, "%zu + %zu", built, si->n_new);
        kpi(b, "起降点 vertiports built + new", v);
        snprintf(v, sizeof v, "%.1f / %.1f", si->covered_w, si->total_w);
        kpi(b, "需求覆盖 demand covered / total", v);
        if (isfinite(si->gap))
            snprintf(v, sizeof v, "%.2f %%", 100 * si->gap);
        else
            snprintf(v, sizeof v, "not computed");
        kpi(b, "最优性差距 gap to the bound", v);
    }
    pl_buf_puts(b, "</div>\n");
}

static void vertiports(const pl_plan *p, pl_buf *b)
{
    const pl_siting *si = p->siting;
    pl_buf_puts(b, "<h2>起降点 Vertiports</h2>\n<table><tr><th>id</th><th>name</th><th>status</th>"
                   "<th>kind</th><th>demand in reach</th><th>only here</th><th>nearest site m</th>"
                   "<th>free headings °</th><th>why</th><th>accuracy</th></tr>\n");
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *st = &si->a[i];
        if (!st->open)
            continue;
        pl_buf_puts(b, "<tr>");
        td(b, st->id);
        td(b, st->name);
        tdtag(b, st->existing ? "existing" : "planned", st->existing ? "existing" : "planned");
        td(b, st->vp_kind);
        tdnum(b, st->covered_w, 1);
        tdnum(b, st->only_w, 1);
        tdnum(b, st->nearest_open_m, 0);
        td(b, st->headings.n ? st->headings.s : NULL);
        td(b, st->existing ? "built in 2024 or earlier: kept" : "chosen by the optimiser");
        td(b, st->accuracy);
        pl_buf_puts(b, "</tr>\n");
    }
    pl_buf_puts(b, "</table>\n");
}

static void routes(const pl_plan *p, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    pl_buf_puts(b, "<h2>航线 Routes</h2>\n<p class=note>Heights are as given, above a flat datum: no terrain model "
                   "is loaded, so true heights above ground (Art. 19's 120 m) are not computed.</p>\n<table><tr><th>id</th><th>name</th><th>status</th><th>kind</th>"
                   "<th>verdict 结论</th><th>aircraft class</th><th>length km</th><th>forbidden</th><th>approval</th>"
                   "<th>advisory</th>"
                   "<th>clearance m</th><th>reroute</th><th>accuracy</th></tr>\n");
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_route_result *res = &rs->res[i];
        pl_buf_puts(b, "<tr>");
        td(b, r->id);
        td(b, r->name);
        td(b, r->status);
        td(b, r->kind);
        char vw[64];
        snprintf(vw, sizeof vw, "%s %s", pl_verdict_zh[res->verdict], pl_verdict_names[res->verdict]);
        tdtag(b, pl_verdict_names[res->verdict], vw);
        td(b, pl_ac_class_names[r->ac_class]);
        tdnum(b, r->length_m / 1000, 3);
        pl_buf_printf(b, "<td class=n>%zu</td><td class=n>%zu</td><td class=n>%zu</td>", res->n_conf[PL_V_FORBIDDEN],
                      res->n_conf[PL_V_APPROVAL], res->n_conf[PL_V_ADVISORY]);
        tdnum(b, res->clearance_m, 1);
        const pl_reroute *rr = p->reroutes ? &p->reroutes[i] : NULL;
        if (rr && rr->found)
            pl_buf_printf(b, "<td>%+.0f m (%.3f km)</td>", rr->added_m, rr->length_m / 1000);
        else if (rr && res->verdict == PL_V_FORBIDDEN)
            td(b, rr->why.n ? rr->why.s : "no path");
        else
            td(b, NULL);
        td(b, r->accuracy);
        pl_buf_puts(b, "</tr>\n");
    }
    pl_buf_puts(b, "</table>\n");
}

/* The approvals sheet: what each route must apply for, why, to whom, by
 * when: a table a planner hands to an operator. */
static void approvals(const pl_plan *p, pl_buf *b)
{
    char by[160];
    pl_approval_deadline(p->flight_date, by, sizeof by);
    pl_buf_puts(b, "<h2>需报批 Approvals to apply for</h2>\n<p class=note>To: ");
    pl_buf_xml(b, pl_approval_authority(p->sc));
    pl_buf_puts(b, ". By: ");
    pl_buf_xml(b, by);
    pl_buf_puts(b, ". Documents: ");
    pl_buf_xml(b, PL_APPROVAL_DOCUMENTS);
    pl_buf_puts(b, ".</p>\n<table><tr><th>route</th><th>apply for</th><th>zone or rule</th><th>along the route m</th>"
                   "<th>why</th></tr>\n");
    size_t rows = 0;
    for (size_t i = 0; i < p->routes->n; i++) {
        pl_approval a[PL_MAX_APPROVALS];
        size_t n = pl_route_approvals(p, i, a, PL_MAX_APPROVALS);
        for (size_t k = 0; k < n; k++, rows++) {
            pl_buf_puts(b, "<tr>");
            td(b, p->routes->a[i].id);
            td(b, a[k].apply_for);
            td(b, a[k].zone_id ? a[k].zone_id : a[k].rule);
            pl_buf_printf(b, "<td class=n>%.0f-%.0f</td>", a[k].from_m, a[k].to_m);
            td(b, a[k].basis);
            pl_buf_puts(b, "</tr>\n");
        }
    }
    if (!rows)
        pl_buf_puts(b, "<tr><td colspan=5>None: no route needs an approval.</td></tr>\n");
    pl_buf_puts(b, "</table>\n");
}

static void conflicts(pl_ctx *ctx, const pl_plan *p, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    pl_buf_puts(b, "<h2>冲突 Conflicts</h2>\n");
    if (!rs->n_c) {
        pl_buf_puts(b, "<p>None: every route keeps clear of every zone it may not enter.</p>\n");
        return;
    }
    pl_buf_puts(b, "<table><tr><th>route</th><th>zone</th><th>class</th><th>severity</th><th>reason</th>"
                   "<th>inside m</th><th>corridor m</th><th>altitude overlap m</th><th>entry</th>"
                   "<th>exit</th></tr>\n");
    for (size_t i = 0; i < rs->n_c; i++) {
        const pl_conflict *c = &rs->c[i];
        const pl_zone *z = c->zone;
        pl_buf_puts(b, "<tr>");
        td(b, rs->a[c->route].id);
        pl_buf_puts(b, "<td>");
        pl_buf_xml(b, z->id);
        pl_buf_puts(b, "<br>");
        pl_buf_xml(b, z->name);
        pl_buf_puts(b, "</td>");
        td(b, z->cls);
        char sw[64];
        snprintf(sw, sizeof sw, "%s %s", pl_verdict_zh[c->verdict], pl_verdict_names[c->verdict]);
        tdtag(b, pl_verdict_names[c->verdict], sw);
        pl_buf_puts(b, "<td>");
        const char *rule = z->rule ? pl_route_rule_names[z->rule->route] : "forbidden";
        if (z->rule && z->rule->route == PL_RR_MIN_OVERFLIGHT)
            pl_buf_printf(b, "routes must fly at least %.0f m above this zone; ", z->rule->min_overflight_m);
        else
            pl_buf_printf(b, "route rule: %s; ", rule);
        pl_buf_puts(b, c->enters ? "the centreline enters the zone" : "only the corridor edge meets the zone");
        if (z->basis) {
            pl_buf_puts(b, ". Basis: ");
            pl_buf_xml(b, z->basis);
        }
        pl_buf_puts(b, "</td>");
        tdnum(b, c->length_inside_m, 1);
        tdnum(b, c->corridor_length_m, 1);
        pl_buf_printf(b, "<td class=n>%.0f–%.0f</td>", c->alt_lo_m, c->alt_hi_m);
        pl_buf_puts(b, "<td>");
        lonlat(ctx, p, c->entry, b);
        pl_buf_puts(b, "</td><td>");
        lonlat(ctx, p, c->exit, b);
        pl_buf_puts(b, "</td></tr>\n");
    }
    pl_buf_puts(b, "</table>\n");
}

static void siting(const pl_plan *p, pl_buf *b)
{
    const pl_siting *si = p->siting;
    const pl_siting_cfg *c = &p->sc->siting;
    pl_buf_puts(b, "<h2>选址 Siting</h2>\n<table>");
    pl_buf_printf(b, "<tr><th>objective</th><td>%s</td></tr>",
                  c->objective ? "p-median (least weighted distance)" : "maximal coverage");
    pl_buf_puts(b, "<tr><th>method</th>");
    td(b, si->method);
    pl_buf_puts(b, "</tr>");
    pl_buf_printf(b, "<tr><th>candidates</th><td>%zu feasible</td></tr>", si->n_feasible);
    pl_buf_printf(b, "<tr><th>service radius</th><td>%.0f m</td></tr>", c->radius_m);
    pl_buf_printf(b, "<tr><th>demand covered</th><td>%.1f of %.1f</td></tr>", si->covered_w, si->total_w);
    pl_buf_printf(b, "<tr><th>objective value</th><td>%.3f</td></tr>", si->objective);
    if (isfinite(si->bound)) {
        pl_buf_printf(b, "<tr><th>bound</th><td>%.3f (no choice of sites can do better)</td></tr>", si->bound);
        pl_buf_printf(b, "<tr><th>gap</th><td>%.2f %%%s</td></tr>", 100 * si->gap,
                      si->gap <= 1e-9 ? " — proven optimal" : "");
    } else {
        pl_buf_puts(b, "<tr><th>bound</th><td>not computed</td></tr><tr><th>gap</th><td>not computed</td></tr>");
    }
    pl_buf_puts(b, "</table>\n");
}

/* one provenance row: what share of n features has each accuracy */
static void prov_row(pl_buf *b, const char *what, const char *file, size_t n, const size_t acc[6],
                     const char *licences, const char *sources)
{
    pl_buf_puts(b, "<tr>");
    td(b, what);
    td(b, file);
    pl_buf_printf(b, "<td class=n>%zu</td><td>", n);
    for (int a = 0; a < 6; a++)
        if (acc[a]) {
            pl_buf_printf(b, "<span class=\"tag %s\">%zu %s</span> ", a < 5 ? accuracies[a] : "",
                          acc[a], a < 5 ? accuracies[a] : "unstated");
        }
    pl_buf_puts(b, "</td>");
    td(b, licences);
    td(b, sources);
    pl_buf_puts(b, "</tr>\n");
}

static void add_distinct(pl_buf *b, const char *s, size_t limit)
{
    if (!s || (b->s && strstr(b->s, s)))
        return;
    if (b->n > limit) {
        if (!strstr(b->s, " …"))
            pl_buf_puts(b, " …");
        return;
    }
    pl_buf_printf(b, "%s%s", b->n ? "; " : "", s);
}

static int acc_index(const char *a)
{
    for (int i = 0; a && accuracies[i]; i++)
        if (!strcmp(a, accuracies[i]))
            return i;
    return 5;
}

static void provenance(const pl_plan *p, pl_buf *b)
{
    pl_buf_puts(b, "<h2>数据来源 Data provenance</h2>\n<p class=note>What each layer is: "
                   "<b>surveyed</b> and <b>osm</b> data are real measurements; <b>rule-derived</b> "
                   "shapes are built by a stated rule from real data; <b>approximate</b> positions are "
                   "close but not exact; <b>illustrative</b> features stand in for data the public sources "
                   "do not give. Only surveyed data may be read as official.</p>\n"
                   "<table><tr><th>layer</th><th>file</th><th>features</th><th>accuracy</th>"
                   "<th>licence</th><th>source</th></tr>\n");
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        size_t acc[6] = {0};
        pl_buf lic, src;
        pl_buf_init(&lic);
        pl_buf_init(&src);
        for (size_t k = 0; k < l->n_feats; k++) {
            const pl_feature *f = &l->a_feats[k];
            acc[acc_index(pl_feature_str(f, "accuracy", NULL))]++;
            add_distinct(&lic, pl_feature_str(f, "license", NULL), 200);
            add_distinct(&src, pl_feature_str(f, "source", NULL), 400);
        }
        pl_buf what;
        pl_buf_init(&what);
        pl_buf_printf(&what, "%s (%s)", l->decl->id, pl_role_names[l->decl->role]);
        prov_row(b, what.s, l->decl->path, l->n_feats, acc, lic.s, src.s);
        pl_buf_free(&what);
        pl_buf_free(&lic);
        pl_buf_free(&src);
    }
    /* zones the planner built by rule (airport areas from runways) */
    for (size_t i = 0; i < p->zones->n; i++) {
        const pl_zone *z = &p->zones->a[i];
        if (!z->g || strcmp(z->cls, "airport"))
            continue;
        size_t acc[6] = {0};
        acc[acc_index(z->accuracy)]++;
        pl_buf what;
        pl_buf_init(&what);
        pl_buf_printf(&what, "zone %s %s, built by the airport rule", z->id, z->name ? z->name : "");
        prov_row(b, what.s, z->layer_id, 1, acc, z->license, z->basis);
        pl_buf_free(&what);
    }
    pl_buf_puts(b, "</table>\n");
}

int pl_report_html(pl_ctx *ctx, const pl_plan *p, const pl_buf *svg, pl_buf *b)
{
    const char *title = p->sc->title ? p->sc->title : p->sc->name;
    pl_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    pl_buf_xml(b, title);
    pl_buf_puts(b, "</title>\n");
    style_css(b);
    pl_buf_puts(b, "</head>\n<body>\n<h1>");
    pl_buf_xml(b, title);
    pl_buf_puts(b, "</h1>\n<p class=note>Scenario <code>");
    pl_buf_xml(b, p->sc->file);
    pl_buf_puts(b, "</code> · working CRS ");
    pl_buf_xml(b, p->sc->work_crs);
    pl_buf_puts(b, " · routes checked in 3D (corridor half-width and altitude band) against every zone "
                   "and the aircraft height rules.</p>\n");
    glance(p, b);
    if (svg && svg->n) {
        const char *s = strstr(svg->s, "<svg");
        pl_buf_puts(b, "<h2>地图 Map</h2>\n<div class=map>");
        pl_buf_puts(b, s ? s : "");
        pl_buf_puts(b, "</div>\n");
    }
    if (p->siting)
        vertiports(p, b);
    routes(p, b);
    approvals(p, b);
    conflicts(ctx, p, b);
    if (p->siting)
        siting(p, b);
    provenance(p, b);
    pl_buf_puts(b, "<p class=note>Made by the Wuzhong low-altitude planner from the scenario's data alone. "
                   "Data derived from OpenStreetMap is © OpenStreetMap contributors, available under the "
                   "Open Database License (ODbL 1.0). This is a planning aid, not an official map or an "
                   "approval: approximate and illustrative data are marked above.</p>\n</body>\n</html>\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}
