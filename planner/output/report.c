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
 *
 * Language (p->lang, --lang): every heading, table header, verdict, label
 * and note the report writes reads Chinese first with English beside
 * ("航线 Routes", the default), or English alone (PL_LANG_EN).  The data's
 * own names and the engine's reasons are written as they are.
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

/* ==== the language ====================================================== */

/* Label zh/en in the plan's language, escaped: "zh en", or "en" alone
 * (--lang en).  zh NULL: en alone either way. */
static void say(pl_buf *b, const pl_plan *p, const char *zh, const char *en)
{
    if (zh && p->lang != PL_LANG_EN) {
        pl_buf_xml(b, zh);
        pl_buf_puts(b, " ");
    }
    pl_buf_xml(b, en);
}

/* The Chinese words zh (ending in a space) where a formatted value takes
 * them, or "" (--lang en). */
static const char *zh_sp(const pl_plan *p, const char *zh)
{
    return p->lang == PL_LANG_EN ? "" : zh;
}

/* A heading: <h2>zh en</h2>. */
static void h2(pl_buf *b, const pl_plan *p, const char *zh, const char *en)
{
    pl_buf_puts(b, "<h2>");
    say(b, p, zh, en);
    pl_buf_puts(b, "</h2>\n");
}

/* A note: <p class=note>zh en</p>, or en alone. */
static void note(pl_buf *b, const pl_plan *p, const char *zh, const char *en)
{
    pl_buf_puts(b, "<p class=note>");
    say(b, p, zh, en);
    pl_buf_puts(b, "</p>\n");
}

/* A table's header row from n pairs {zh, en}, in a box that scrolls
 * sideways when a phone is narrower than the table (the page never does):
 * <div class=tw><table><thead><tr><th>...</tr></thead><tbody>; table_end
 * closes it.  The thead repeats on every printed page. */
static void head_row(pl_buf *b, const pl_plan *p, const char *const cols[][2], size_t n)
{
    pl_buf_puts(b, "<div class=tw><table><thead><tr>");
    for (size_t i = 0; i < n; i++) {
        pl_buf_puts(b, "<th>");
        say(b, p, cols[i][0], cols[i][1]);
        pl_buf_puts(b, "</th>");
    }
    pl_buf_puts(b, "</tr></thead><tbody>\n");
}

static void table_end(pl_buf *b)
{
    pl_buf_puts(b, "</tbody></table></div>\n");
}

/* A cell: <td>zh en</td>. */
static void tdsay(pl_buf *b, const pl_plan *p, const char *zh, const char *en)
{
    pl_buf_puts(b, "<td>");
    say(b, p, zh, en);
    pl_buf_puts(b, "</td>");
}

/* A verdict (or a conflict's severity) as a coloured tag: "禁飞 forbidden",
 * or "forbidden" alone. */
static void tdverdict(pl_buf *b, const pl_plan *p, int v)
{
    char w[64];
    snprintf(w, sizeof w, "%s%s%s", zh_sp(p, pl_verdict_zh[v]), zh_sp(p, " "), pl_verdict_names[v]);
    tdtag(b, pl_verdict_names[v], w);
}

#define N_COLS(a) (sizeof(a) / sizeof(a[0]))

/* ==== the sections ====================================================== */

static void lonlat(pl_ctx *ctx, const pl_plan *p, const double pt[3], pl_buf *b)
{
    double lon, lat;
    if (pl_export_lonlat(ctx, p, pt[0], pt[1], &lon, &lat) == PL_OK)
        pl_buf_printf(b, "%.6f, %.6f @ %.0f m", lon, lat, pt[2]);
}

/* Screen: readable on a phone (390 px: long words and codes wrap, a table
 * wider than the screen scrolls in its own box, never the page).  Print:
 * A4 with margins; a table's header repeats on each page, rows are not cut,
 * a heading stays with what follows it. */
static void style_css(pl_buf *b)
{
    pl_buf_puts(b, "<style>\n"
                   "body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
                   "margin:2em auto;padding:0 .8em;max-width:1180px;color:#222;line-height:1.4;"
                   "overflow-wrap:break-word}\n"
                   "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}\n"
                   ".tw{overflow-x:auto;max-width:100%}\n"
                   "table{border-collapse:collapse;width:100%;font-size:.85em;margin:.5em 0}\n"
                   "th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left;"
                   "overflow-wrap:break-word}\n"
                   "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
                   "code,td.path{overflow-wrap:anywhere;word-break:break-all}td.src{overflow-wrap:anywhere}\n"
                   ".tag{padding:1px 6px;border-radius:3px;color:#fff;font-size:.9em;white-space:nowrap}\n"
                   ".clear{background:#1a9641}.warning{background:#f08c00}.blocked,.blocking{background:#d7191c}\n"
                   ".existing{background:#000}.planned{background:#2166ac}\n"
                   ".surveyed{background:#1a9641}.osm{background:#4575b4}.rule-derived{background:#756bb1}"
                   ".approximate{background:#f08c00}.illustrative{background:#d7191c}\n"
                   ".kpi{display:flex;gap:1em;flex-wrap:wrap}.kpi div{border:1px solid #ddd;padding:.5em 1em;"
                   "border-radius:4px}.kpi b{display:block;font-size:1.4em}\n"
                   ".map svg{width:100%;height:auto;border:1px solid #ccc}\n"
                   ".note{color:#555;font-size:.9em}\n"
                   "@media (max-width:600px){body{margin:.6em auto;padding:0 .5em}h1{font-size:1.3em}"
                   "table{font-size:.75em}th,td{padding:2px 3px}.tag{white-space:normal}}\n"
                   "@page{size:A4;margin:12mm 10mm}\n"
                   "@media print{body{margin:0;padding:0;max-width:none;font-size:9pt}.tw{overflow:visible}table{font-size:7.5pt}"
                   "th,td{padding:2px 3px}"
                   "thead{display:table-header-group}tr,.kpi div,.map{break-inside:avoid;page-break-inside:avoid}"
                   "h1,h2,h3{break-after:avoid;page-break-after:avoid}}\n"
                   "</style>\n");
}

static void kpi(pl_buf *b, const pl_plan *p, const char *zh, const char *en, const char *value)
{
    pl_buf_puts(b, "<div><b>");
    pl_buf_xml(b, value);
    pl_buf_puts(b, "</b>");
    say(b, p, zh, en);
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
    kpi(b, p, "航线 适飞 / 提示 / 需报批 / 禁飞", "routes free / advisory / approval / forbidden", v);
    snprintf(v, sizeof v, "%zu", p->routes->n_c);
    kpi(b, p, "冲突", "conflicts", v);
    if (p->siting) {
        const pl_siting *si = p->siting;
        size_t built = 0;
        for (size_t i = 0; i < si->n; i++)
            built += si->a[i].existing;
        snprintf(v, sizeof v, "%zu + %zu", built, si->n_new);
        kpi(b, p, "起降点 已建 + 新增", "vertiports built + new", v);
        snprintf(v, sizeof v, "%.1f / %.1f", si->covered_w, si->total_w);
        kpi(b, p, "需求覆盖 已覆盖 / 总量", "demand covered / total", v);
        if (isfinite(si->gap))
            snprintf(v, sizeof v, "%.2f %%", 100 * si->gap);
        else
            snprintf(v, sizeof v, "%snot computed", zh_sp(p, "未计算 "));
        kpi(b, p, "最优性差距", "gap to the bound", v);
    }
    pl_buf_puts(b, "</div>\n");
}

static void vertiports(const pl_plan *p, pl_buf *b)
{
    static const char *const cols[][2] = {
        {"编号", "id"}, {"名称", "name"}, {"状态", "status"}, {"类型", "kind"}, {"可达需求", "demand in reach"},
        {"仅此覆盖", "only here"}, {"最近站点 米", "nearest site m"}, {"可用进离场方向 °", "free headings °"},
        {"理由", "why"}, {"精度", "accuracy"}};
    const pl_siting *si = p->siting;
    h2(b, p, "起降点", "Vertiports");
    head_row(b, p, cols, N_COLS(cols));
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *st = &si->a[i];
        if (!st->open)
            continue;
        pl_buf_puts(b, "<tr>");
        td(b, st->id);
        td(b, st->name);
        char sw[64];
        snprintf(sw, sizeof sw, "%s%s", zh_sp(p, st->existing ? "已建 " : "规划 "), st->existing ? "existing" : "planned");
        tdtag(b, st->existing ? "existing" : "planned", sw);
        td(b, st->vp_kind);
        tdnum(b, st->covered_w, 1);
        tdnum(b, st->only_w, 1);
        tdnum(b, st->nearest_open_m, 0);
        td(b, st->headings.n ? st->headings.s : NULL);
        td(b, st->reason.n ? st->reason.s : NULL); /* why it is open: built, a route's end, or its demand */
        td(b, st->accuracy);
        pl_buf_puts(b, "</tr>\n");
    }
    table_end(b);
}

static void routes(const pl_plan *p, pl_buf *b)
{
    static const char *const cols[][2] = {
        {"编号", "id"}, {"名称", "name"}, {"状态", "status"}, {"类型", "kind"}, {"结论", "verdict"},
        {"航空器类别", "aircraft class"}, {"长度 千米", "length km"}, {"禁飞", "forbidden"}, {"需报批", "approval"},
        {"提示", "advisory"}, {"最小间距 米", "clearance m"}, {"绕飞", "reroute"}, {"精度", "accuracy"}};
    const pl_routeset *rs = p->routes;
    h2(b, p, "航线", "Routes");
    char hz[1200], he[1200];
    pl_heights_note(p, 1, hz, sizeof hz);
    pl_heights_note(p, 0, he, sizeof he);
    note(b, p, hz, he);
    head_row(b, p, cols, N_COLS(cols));
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_route_result *res = &rs->res[i];
        pl_buf_puts(b, "<tr>");
        td(b, r->id);
        td(b, r->name);
        td(b, r->status);
        td(b, r->kind);
        tdverdict(b, p, res->verdict);
        td(b, pl_ac_class_names[r->ac_class]);
        tdnum(b, r->length_m / 1000, 3);
        pl_buf_printf(b, "<td class=n>%zu</td><td class=n>%zu</td><td class=n>%zu</td>", res->n_conf[PL_V_FORBIDDEN],
                      res->n_conf[PL_V_APPROVAL], res->n_conf[PL_V_ADVISORY]);
        tdnum(b, res->clearance_m, 1);
        const pl_reroute *rr = p->reroutes ? &p->reroutes[i] : NULL;
        if (rr && rr->found)
            pl_buf_printf(b, "<td>%+.0f m (%.3f km)</td>", rr->added_m, rr->length_m / 1000);
        else if (rr && res->verdict == PL_V_FORBIDDEN && rr->why.n)
            td(b, rr->why.s);
        else if (rr && res->verdict == PL_V_FORBIDDEN)
            tdsay(b, p, "无路径", "no path");
        else
            td(b, NULL);
        td(b, r->accuracy);
        pl_buf_puts(b, "</tr>\n");
    }
    table_end(b);
}

/* km with 3 decimals, or an empty cell when not computed */
static void tdkm(pl_buf *b, double m)
{
    tdnum(b, isfinite(m) ? m / 1000 : NAN, 3);
}

/* The network: each route's alignment (designed, or as drawn) beside its
 * straight line, kilometres in approval and advisory airspace, and the
 * routes it comes closer to than their separation. */
static void network(const pl_plan *p, pl_buf *b)
{
    static const char *const cols[][2] = {
        {"编号", "id"}, {"名称", "name"}, {"走向", "alignment"}, {"长度 千米", "length km"},
        {"直线 千米", "straight km"}, {"需报批空域 千米", "approval km"}, {"直线需报批 千米", "straight approval km"},
        {"提示区 千米", "advisory km"}, {"直线提示区 千米", "straight advisory km"},
        {"免去的报批", "approvals avoided"}, {"交叉", "crossings"}};
    const pl_routeset *rs = p->routes;
    h2(b, p, "路网", "Network");
    note(b, p, "规划航线在两端起降点之间按最小代价布设：长度加上需报批空域与提示区内公里数的加权（权重为情景参数），"
               "禁飞区为障碍；旁列两端直线的数字。",
         "Planned routes are laid out between their end sites at the least cost: length plus weighted km in "
         "approval airspace and advisory areas (the weights are scenario parameters), forbidden zones as "
         "obstacles; the straight line between the ends stands beside each.");
    head_row(b, p, cols, N_COLS(cols));
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_design *d = p->designs ? &p->designs[i] : NULL;
        int des = d && d->designed;
        pl_buf_puts(b, "<tr>");
        td(b, r->id);
        td(b, r->name);
        if (des)
            tdsay(b, p, "规划布设", "designed");
        else
            tdsay(b, p, "按原绘制", "as drawn");
        tdkm(b, r->length_m);
        tdkm(b, d && (des || d->why.n) ? d->straight_length_m : NAN);
        tdkm(b, des ? d->approval_m : NAN);
        tdkm(b, d && (des || d->why.n) ? d->straight_approval_m : NAN);
        tdkm(b, des ? d->advisory_m : NAN);
        tdkm(b, d && (des || d->why.n) ? d->straight_advisory_m : NAN);
        td(b, d && d->avoided.n ? d->avoided.s : NULL);
        pl_buf t = {0};
        for (size_t k = 0; k < p->n_crossings; k++) {
            const pl_crossing *c = &p->crossings[k];
            if (c->a == i || c->b == i)
                pl_buf_printf(&t, "%s%s: %s", t.n ? "; " : "", rs->a[c->a == i ? c->b : c->a].id,
                              c->s.level_conflict ? "one level (approval)" : "separated by level");
        }
        td(b, t.n ? t.s : NULL);
        pl_buf_free(&t);
        pl_buf_puts(b, "</tr>\n");
    }
    table_end(b);
}

/* The approvals sheet: what each route must apply for, why, to whom, by
 * when: a table a planner hands to an operator. */
static void approvals(const pl_plan *p, pl_buf *b)
{
    static const char *const cols[][2] = {
        {"航线", "route"}, {"申请事项", "apply for"}, {"区域或规则", "zone or rule"},
        {"沿线位置 米", "along the route m"}, {"依据", "why"}};
    char by[160];
    pl_approval_deadline(p->flight_date, by, sizeof by);
    h2(b, p, "需报批", "Approvals to apply for");
    pl_buf_puts(b, "<p class=note>");
    say(b, p, "报送", "To: ");
    pl_buf_xml(b, pl_approval_authority(p->sc));
    pl_buf_puts(b, ". ");
    say(b, p, "截止", "By: ");
    pl_buf_xml(b, by);
    pl_buf_puts(b, ". ");
    say(b, p, "材料", "Documents: ");
    pl_buf_xml(b, PL_APPROVAL_DOCUMENTS);
    pl_buf_puts(b, ".</p>\n");
    head_row(b, p, cols, N_COLS(cols));
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
    if (!rows) {
        pl_buf_puts(b, "<tr><td colspan=5>");
        say(b, p, "无：没有航线需要报批。", "None: no route needs an approval.");
        pl_buf_puts(b, "</td></tr>\n");
    }
    table_end(b);
}

/* A conflict's reason cell: the zone's rule for routes, how the route
 * meets it, the zone's basis (data, as it is). */
static void conflict_reason(pl_buf *b, const pl_plan *p, const pl_conflict *c)
{
    const pl_zone *z = c->zone;
    char w[160];
    pl_buf_puts(b, "<td>");
    if (z->rule && z->rule->route == PL_RR_MIN_OVERFLIGHT) {
        char zh[96];
        snprintf(zh, sizeof zh, "航线须高于此区域至少 %.0f 米；", z->rule->min_overflight_m);
        snprintf(w, sizeof w, "routes must fly at least %.0f m above this zone; ", z->rule->min_overflight_m);
        say(b, p, zh, w);
    } else {
        snprintf(w, sizeof w, "route rule: %s; ", z->rule ? pl_route_rule_names[z->rule->route] : "forbidden");
        say(b, p, "航线规则", w);
    }
    if (c->enters)
        say(b, p, "中心线进入区域", "the centreline enters the zone");
    else
        say(b, p, "仅走廊边缘触及区域", "only the corridor edge meets the zone");
    if (z->basis) {
        pl_buf_puts(b, ". ");
        say(b, p, "依据", "Basis: ");
        pl_buf_xml(b, z->basis);
    }
    pl_buf_puts(b, "</td>");
}

static void conflicts(pl_ctx *ctx, const pl_plan *p, pl_buf *b)
{
    static const char *const cols[][2] = {
        {"航线", "route"}, {"区域", "zone"}, {"类别", "class"}, {"等级", "severity"}, {"原因", "reason"},
        {"区内长度 米", "inside m"}, {"走廊长度 米", "corridor m"}, {"高度重叠 米", "altitude overlap m"},
        {"进入点", "entry"}, {"离开点", "exit"}};
    const pl_routeset *rs = p->routes;
    h2(b, p, "冲突", "Conflicts");
    if (!rs->n_c) {
        pl_buf_puts(b, "<p>");
        say(b, p, "无：每条航线都避开了其不得进入的区域。", "None: every route keeps clear of every zone it may not enter.");
        pl_buf_puts(b, "</p>\n");
        return;
    }
    head_row(b, p, cols, N_COLS(cols));
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
        tdverdict(b, p, c->verdict);
        conflict_reason(b, p, c);
        tdnum(b, c->length_inside_m, 1);
        tdnum(b, c->corridor_length_m, 1);
        pl_buf_printf(b, "<td class=n>%.0f–%.0f</td>", c->alt_lo_m, c->alt_hi_m);
        pl_buf_puts(b, "<td>");
        lonlat(ctx, p, c->entry, b);
        pl_buf_puts(b, "</td><td>");
        lonlat(ctx, p, c->exit, b);
        pl_buf_puts(b, "</td></tr>\n");
    }
    table_end(b);
}

/* One row of the siting table: <tr><th>zh en</th><td>value</td></tr>, the
 * value's own zh/en (NULL: none) before it. */
static void siting_row(pl_buf *b, const pl_plan *p, const char *zh, const char *en, const char *vzh,
                       const char *value)
{
    pl_buf_puts(b, "<tr><th>");
    say(b, p, zh, en);
    pl_buf_puts(b, "</th><td>");
    say(b, p, vzh, value);
    pl_buf_puts(b, "</td></tr>");
}

static void siting(const pl_plan *p, pl_buf *b)
{
    const pl_siting *si = p->siting;
    const pl_siting_cfg *c = &p->sc->siting;
    char v[160];
    h2(b, p, "选址", "Siting");
    pl_buf_puts(b, "<div class=tw><table><tbody>");
    if (c->objective)
        siting_row(b, p, "目标", "objective", "p-中位（加权距离最小）", "p-median (least weighted distance)");
    else
        siting_row(b, p, "目标", "objective", "最大覆盖", "maximal coverage");
    siting_row(b, p, "方法", "method", NULL, si->method ? si->method : "—");
    snprintf(v, sizeof v, "%zu %sfeasible", si->n_feasible, zh_sp(p, "可行 "));
    siting_row(b, p, "候选点", "candidates", NULL, v);
    snprintf(v, sizeof v, "%.0f m", c->radius_m);
    siting_row(b, p, "服务半径", "service radius", NULL, v);
    snprintf(v, sizeof v, "%.1f of %.1f", si->covered_w, si->total_w);
    siting_row(b, p, "需求覆盖", "demand covered", NULL, v);
    snprintf(v, sizeof v, "%.3f", si->objective);
    siting_row(b, p, "目标值", "objective value", NULL, v);
    if (isfinite(si->bound)) {
        snprintf(v, sizeof v, "%.3f (%sno choice of sites can do better)", si->bound,
                 zh_sp(p, "任何站点组合都不会更好 "));
        siting_row(b, p, "界", "bound", NULL, v);
        int proven = si->gap <= 1e-9;
        snprintf(v, sizeof v, "%.2f %%%s%s%s", 100 * si->gap, proven ? " — " : "", proven ? zh_sp(p, "已证最优 ") : "",
                 proven ? "proven optimal" : "");
        siting_row(b, p, "差距", "gap", NULL, v);
    } else {
        siting_row(b, p, "界", "bound", "未计算", "not computed");
        siting_row(b, p, "差距", "gap", "未计算", "not computed");
    }
    table_end(b);
}

/* one provenance row: what share of n features has each accuracy */
static void prov_row(pl_buf *b, const char *what, const char *file, size_t n, const size_t acc[6],
                     const char *licences, const char *sources)
{
    pl_buf_puts(b, "<tr>");
    td(b, what);
    pl_buf_puts(b, "<td class=path>"); /* a path may break anywhere: it is no word */
    pl_buf_xml(b, file ? file : "—");
    pl_buf_printf(b, "</td><td class=n>%zu</td><td>", n);
    for (int a = 0; a < 6; a++)
        if (acc[a]) {
            pl_buf_printf(b, "<span class=\"tag %s\">%zu %s</span> ", a < 5 ? accuracies[a] : "",
                          acc[a], a < 5 ? accuracies[a] : "unstated");
        }
    pl_buf_puts(b, "</td>");
    td(b, licences);
    pl_buf_puts(b, "<td class=src>"); /* sources quote long addresses */
    pl_buf_xml(b, sources ? sources : "—");
    pl_buf_puts(b, "</td></tr>\n");
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
    static const char *const cols[][2] = {{"图层", "layer"}, {"文件", "file"}, {"要素", "features"},
                                          {"精度", "accuracy"}, {"许可", "licence"}, {"来源", "source"}};
    h2(b, p, "数据来源", "Data provenance");
    note(b, p,
         "各图层的性质：surveyed（测绘）与 osm 为真实测量数据；rule-derived（规则推导）按所述规则由真实数据生成；"
         "approximate（近似）位置接近但不精确；illustrative（示意）要素代替公开来源未提供的数据。只有测绘数据可视为官方数据。",
         "What each layer is: surveyed and osm data are real measurements; rule-derived shapes are built by a "
         "stated rule from real data; approximate positions are close but not exact; illustrative features "
         "stand in for data the public sources do not give. Only surveyed data may be read as official.");
    head_row(b, p, cols, N_COLS(cols));
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
        pl_buf_printf(&what, "%szone %s %s, %sbuilt by the airport rule", zh_sp(p, "区域 "), z->id,
                      z->name ? z->name : "", zh_sp(p, "按机场规则生成 "));
        prov_row(b, what.s, z->layer_id, 1, acc, z->license, z->basis);
        pl_buf_free(&what);
    }
    table_end(b);
}

int pl_report_html(pl_ctx *ctx, const pl_plan *p, const pl_buf *svg, pl_buf *b)
{
    const char *title = p->sc->title ? p->sc->title : p->sc->name;
    pl_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
                  p->lang == PL_LANG_EN ? "en" : "zh-CN");
    pl_buf_xml(b, title);
    pl_buf_puts(b, "</title>\n");
    style_css(b);
    pl_buf_puts(b, "</head>\n<body>\n<h1>");
    pl_buf_xml(b, title);
    pl_buf_puts(b, "</h1>\n<p class=note>");
    say(b, p, "情景", "Scenario ");
    pl_buf_puts(b, "<code>");
    pl_buf_xml(b, p->sc->file);
    pl_buf_puts(b, "</code> · ");
    say(b, p, "工作坐标系", "working CRS ");
    pl_buf_xml(b, p->sc->work_crs);
    pl_buf_puts(b, " · ");
    say(b, p, "航线按三维（走廊半宽与高度带）对照每个区域及航空器高度规则检查。",
        "Routes checked in 3D (corridor half-width and altitude band) against every zone and the aircraft "
        "height rules.");
    pl_buf_puts(b, "</p>\n");
    glance(p, b);
    if (svg && svg->n) {
        const char *s = strstr(svg->s, "<svg");
        h2(b, p, "地图", "Map");
        pl_buf_puts(b, "<div class=map>");
        pl_buf_puts(b, s ? s : "");
        pl_buf_puts(b, "</div>\n");
    }
    if (p->siting)
        vertiports(p, b);
    routes(p, b);
    network(p, b);
    approvals(p, b);
    conflicts(ctx, p, b);
    if (p->siting)
        siting(p, b);
    provenance(p, b);
    note(b, p,
         "本报告由吴中低空规划工具仅依据情景数据生成。来自 OpenStreetMap 的数据 © OpenStreetMap 贡献者，"
         "依开放数据库许可协议（ODbL 1.0）提供。本报告为规划辅助，不是官方地图，也不是审批：近似与示意数据已在上文标明。",
         "Made by the Wuzhong low-altitude planner from the scenario's data alone. Data derived from "
         "OpenStreetMap is © OpenStreetMap contributors, available under the Open Database License (ODbL 1.0). "
         "This is a planning aid, not an official map or an approval: approximate and illustrative data are "
         "marked above.");
    pl_buf_puts(b, "</body>\n</html>\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}
