/*
 * export.c - the plan as files: RFC 7946 GeoJSON (routes, conflicts, zones)
 * and summary.json; machine-readable reports for --json.
 *
 * Entry points: pl_export_layers, pl_export_summary, pl_export_check_json,
 * pl_export_layers_json, pl_export_reroute_json, pl_export_validate_json,
 * pl_export_reroutes, pl_export_proposals, pl_export_layer_name.
 * Geometries go through geojson.c; the run folder is written by folder.c.
 *
 * GeoJSON per RFC 7946: WGS84 lon/lat, no "crs" member, 7 decimals (about
 * 1 cm), exterior rings counter-clockwise and holes clockwise (geojson.c).
 * Routes, reroutes and proposals are 3D: each position's third coordinate
 * is its waypoint's altitude in metres as the scenario (or the network
 * design) gives it.  RFC 7946 reads a third coordinate as height above the
 * WGS84 ellipsoid; ours are not, so every 3D feature says what they are in
 * altitude_datum, and altitude_mode gives KML's reading of them
 * (relativeToGround without a terrain model, absolute above the terrain
 * model's datum with one).  Output is deterministic: no time stamps,
 * features in a fixed order, numbers in a fixed format.
 */
#include "export.h"

#include <errno.h>
#include <signal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


static const char *route_rule_name(const pl_zone *z)
{
    return z->rule ? pl_route_rule_names[z->rule->route] : "forbidden";
}

static double area_m2(pl_ctx *ctx, const GEOSGeometry *g)
{
    double a = 0;
    if (g)
        GEOSArea_r(pl_geos(ctx), g, &a);
    return a;
}

/* ==== the approvals sheet ============================================== */

/* One approval to apply for. */
void pl_export_approvals(const pl_plan *p, size_t route, pl_buf *b)
{
    pl_approval a[PL_MAX_APPROVALS];
    size_t n = pl_route_approvals(p, route, a, PL_MAX_APPROVALS);
    pl_buf_puts(b, ",\"approvals\":[");
    for (size_t k = 0; k < n; k++) {
        if (k)
            pl_buf_puts(b, ",");
        pl_approval_json(p, &a[k], b); /* the one writer of an approval, validate's too */
    }
    pl_buf_puts(b, "]");
}

void pl_heights_note(const pl_plan *p, int zh, char *out, size_t n)
{
    const pl_terrain *t = p->zones ? p->zones->terrain : NULL;
    if (!t) /* Art. 19's 120 m is true height: every verdict says how it was taken */
        snprintf(out, n, "%s",
                 zh ? "按给定值、以平面基准计：未载入地形模型，不计算离地真高（第十九条的 120 米）"
                    : "as given, above a flat datum: no terrain model, true heights (AGL) not computed");
    else if (zh)
        snprintf(out, n, "高度以地形模型的高程基准（%s）计；离地真高按地形模型 %s 计算：每段不长于一个格网，"
                 "取其走廊所及全部格网的最高与最低地面",
                 t->decl->datum ? t->decl->datum : "按栅格所述", t->decl->path);
    else
        snprintf(out, n, "altitudes above the terrain model's vertical datum (%s); true heights (AGL) from %s, "
                 "the ground under each stretch of at most one cell bounded over every cell it meets",
                 t->decl->datum ? t->decl->datum : "as the raster states it", t->decl->path);
}

/* ==== the third coordinate ============================================= */

/* KML's altitudeMode for the plan's altitudes: without a terrain model the
 * planner takes them as true heights above the ground (Art. 19 counts true
 * height), which is what relativeToGround draws; with one they are above
 * its vertical datum, which is what absolute draws (above Google Earth's
 * mean sea level: the difference between the two datums is not corrected). */
static const char *alt_mode(const pl_plan *p)
{
    return p->zones && p->zones->terrain ? "absolute" : "relativeToGround";
}

/* What a route's Z is, one line in Chinese (zh 1) or English, into out. */
static void alt_datum(const pl_plan *p, int zh, char *out, size_t n)
{
    const pl_terrain *t = p->zones ? p->zones->terrain : NULL;
    const char *d = t && t->decl->datum ? t->decl->datum : NULL;
    if (!t)
        snprintf(out, n, "%s",
                 zh ? "Z 为航点高度（米），按场景给定值、以平面基准计（未载入地形模型），规划按离地真高使用；"
                      "不是海拔高度，也不是 WGS84 椭球高"
                    : "Z: waypoint altitude in metres as the scenario gives it, above a flat datum (no terrain "
                      "model), used by the planner as true height above the ground; not AMSL, not WGS84 "
                      "ellipsoidal height");
    else
        snprintf(out, n, zh ? "Z 为航点高度（米），以地形模型的高程基准（%s）计；不是 WGS84 椭球高"
                            : "Z: waypoint altitude in metres above the terrain model's vertical datum (%s); "
                              "not WGS84 ellipsoidal height",
                 d ? d : zh ? "按栅格所述" : "as the raster states it");
}

/* ,"altitude_datum":...,"altitude_mode":...: how a 3D feature's Z reads. */
static void z_fields(const pl_plan *p, pl_buf *b)
{
    char what[400];
    alt_datum(p, 0, what, sizeof what);
    kstr(b, "altitude_datum", what);
    kstr(b, "altitude_mode", alt_mode(p));
}

/* The Chinese of an approval's words (approvals.c's English), or NULL. */
static const char *approval_zh(const char *en)
{
    static const char *const w[][2] = {
        {"airspace use (controlled airspace)", "空域使用（管制空域）"}, {"flight activity", "飞行活动申请"},
        {"height limit", "高度限制"}, {"aircraft_class", "航空器类别"}, {"separation", "航线间隔"},
        {"vertiport", "起降点"}};
    for (size_t i = 0; en && i < sizeof w / sizeof w[0]; i++)
        if (!strcmp(w[i][0], en))
            return w[i][1];
    return NULL;
}

/* ,"description":...: the route's verdict, its conflicts, the approvals it
 * needs (to whom and by when) and what its Z is, Chinese first with English
 * beside as the report reads; KML's placemark description. */
static void route_description(const pl_plan *p, size_t i, pl_buf *b)
{
    const pl_route_result *res = &p->routes->res[i];
    pl_approval a[PL_MAX_APPROVALS];
    size_t n = pl_route_approvals(p, i, a, PL_MAX_APPROVALS);
    char by[160], z[400];
    pl_buf t;
    pl_buf_init(&t);
    pl_buf_printf(&t, "结论 Verdict: %s %s\n冲突 Conflicts: 禁飞 forbidden %zu, 需报批 approval %zu, 提示 advisory %zu\n",
                  pl_verdict_zh[res->verdict], pl_verdict_names[res->verdict], res->n_conf[PL_V_FORBIDDEN],
                  res->n_conf[PL_V_APPROVAL], res->n_conf[PL_V_ADVISORY]);
    if (!n)
        pl_buf_puts(&t, "需报批 Approvals: 无 none\n");
    else
        pl_buf_printf(&t, "需报批 Approvals to apply for (%zu):\n", n);
    for (size_t k = 0; k < n; k++) {
        const char *what = a[k].zone_id ? a[k].zone_id : a[k].rule, *wzh = approval_zh(a[k].rule);
        pl_buf_printf(&t, "%zu. %s %s: %s%s%s", k + 1, approval_zh(a[k].apply_for) ? approval_zh(a[k].apply_for) : "",
                      a[k].apply_for, wzh ? wzh : "", wzh ? " " : "", what ? what : "");
        if (isfinite(a[k].from_m) && isfinite(a[k].to_m))
            pl_buf_printf(&t, ", 沿线 %.0f-%.0f m along the route", a[k].from_m, a[k].to_m);
        pl_buf_puts(&t, "\n");
    }
    if (n) {
        pl_approval_deadline(p->flight_date, by, sizeof by);
        pl_buf_printf(&t, "报送 To: %s\n截止 By: %s\n", pl_approval_authority(p->sc), by);
    }
    alt_datum(p, 1, z, sizeof z);
    pl_buf_printf(&t, "%s\n", z);
    alt_datum(p, 0, z, sizeof z);
    pl_buf_puts(&t, z);
    kstr(b, "description", t.s);
    if (t.oom)
        b->oom = 1;
    pl_buf_free(&t);
}

void pl_export_heights(const pl_plan *p, double agl_min, double agl_max, double unknown_m, pl_buf *b)
{
    char what[1200];
    pl_heights_note(p, 0, what, sizeof what);
    kstr(b, "heights", what);
    knum(b, "agl_min_m", agl_min, METRE_DEC); /* null: no terrain model, or the ground unknown somewhere */
    knum(b, "agl_max_m", agl_max, METRE_DEC);
    if (p->zones && p->zones->terrain)
        knum(b, "ground_unknown_m", unknown_m, METRE_DEC);
}

/* How the route was laid out: "designed" (network.design, with its and
 * the straight line's length and metres in approval and advisory
 * airspace) or "as drawn". */
static void design_fields(const pl_plan *p, size_t i, pl_buf *b)
{
    const pl_design *d = p->designs ? &p->designs[i] : NULL;
    kstr(b, "alignment", d && d->designed ? "designed" : "as drawn");
    if (!d || (!d->designed && !d->why.n))
        return;
    knum(b, "approval_m", d->designed ? d->approval_m : NAN, METRE_DEC);
    knum(b, "advisory_m", d->designed ? d->advisory_m : NAN, METRE_DEC);
    knum(b, "straight_length_m", d->straight_length_m, METRE_DEC);
    knum(b, "straight_approval_m", d->straight_approval_m, METRE_DEC);
    knum(b, "straight_advisory_m", d->straight_advisory_m, METRE_DEC);
    if (!isnan(d->straight_builtup_m)) { /* a builtup layer is given */
        knum(b, "builtup_m", d->designed ? d->builtup_m : NAN, METRE_DEC);
        knum(b, "straight_builtup_m", d->straight_builtup_m, METRE_DEC);
    }
    kbool(b, "straight_open", d->straight_open);
    knum(b, "design_cost_m", d->designed ? d->cost : NAN, METRE_DEC);
    knum(b, "straight_cost_m", d->straight_cost, METRE_DEC);
    kstr(b, "design_note", d->why.n ? d->why.s : NULL);
    knum(b, "added_m", d->designed ? d->length_m - d->straight_length_m : NAN, METRE_DEC);
    kstr(b, "approvals_avoided", d->avoided.n ? d->avoided.s : NULL);
}

/* The plan's other routes this one comes closer to than their separation
 * (outside the sites both use): separated by level, or at one level. */
static void crossing_fields(const pl_plan *p, size_t i, pl_buf *b)
{
    pl_buf t = {0};
    for (size_t k = 0; k < p->n_crossings; k++) {
        const pl_crossing *c = &p->crossings[k];
        if (c->a != i && c->b != i)
            continue;
        const pl_route *o = &p->routes->a[c->a == i ? c->b : c->a];
        double lo = c->a == i ? c->s.a_lo : c->s.b_lo, hi = c->a == i ? c->s.a_hi : c->s.b_hi;
        double olo = c->a == i ? c->s.b_lo : c->s.a_lo, ohi = c->a == i ? c->s.b_hi : c->s.a_hi;
        pl_buf_printf(&t, "%s%s %.0f m away (%.0f m needed): ", t.n ? "; " : "", o->id, c->s.d_m, c->s.need_m);
        if (c->s.level_conflict)
            pl_buf_printf(&t, "at one level (%.0f-%.0f m against %.0f-%.0f m): the authority deconflicts "
                              "(approval; CCAR-92 separates crossings by flight level)", lo, hi, olo, ohi);
        else
            pl_buf_printf(&t, "separated by level (%.0f-%.0f m against %.0f-%.0f m)", lo, hi, olo, ohi);
    }
    kint(b, "level_conflicts", (long long)p->routes->res[i].n_level_conflicts);
    kstr(b, "crossings", t.n ? t.s : NULL);
    pl_buf_free(&t);
}

/* A route's verdict in the regulation's words, its class, its conflicts by
 * verdict and its approvals sheet: the same fields in every output. */
static void verdict_fields(const pl_plan *p, size_t i, pl_buf *b)
{
    const pl_route *r = &p->routes->a[i];
    const pl_route_result *res = &p->routes->res[i];
    kstr(b, "verdict", pl_verdict_names[res->verdict]);
    kstr(b, "verdict_zh", pl_verdict_zh[res->verdict]);
    kstr(b, "aircraft_class", pl_ac_class_names[r->ac_class]);
    kint(b, "conflicts_forbidden", (long long)res->n_conf[PL_V_FORBIDDEN]);
    kint(b, "conflicts_approval", (long long)res->n_conf[PL_V_APPROVAL]);
    kint(b, "advisories", (long long)res->n_conf[PL_V_ADVISORY]);
    pl_export_approvals(p, i, b);
    pl_export_heights(p, res->agl_min_m, res->agl_max_m, res->ground_unknown_m, b);
    design_fields(p, i, b);
    crossing_fields(p, i, b);
}

/* ==== the layers ======================================================= */

static int routes_geojson(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    pl_buf_puts(b, "{\"type\":\"FeatureCollection\",\"name\":\"routes\",\"features\":[\n");
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_route_result *res = &rs->res[i];
        feature_open(b, i == 0, r->id);
        kstr(b, "name", r->name);
        kstr(b, "kind", r->kind);
        kstr(b, "status", r->status);
        verdict_fields(p, i, b);
        knum(b, "length_m", r->length_m, METRE_DEC);
        knum(b, "half_width_m", r->half_width_m, METRE_DEC);
        knum(b, "band_below_m", r->band_below_m, METRE_DEC);
        knum(b, "band_above_m", r->band_above_m, METRE_DEC);
        pl_buf_puts(b, ",\"waypoint_altitudes_m\":[");
        for (size_t k = 0; k < r->n_pts; k++) {
            if (k)
                pl_buf_puts(b, ",");
            pl_buf_num(b, r->alt_m[k], METRE_DEC);
        }
        pl_buf_puts(b, "]");
        knum(b, "clearance_m", res->clearance_m, METRE_DEC);
        kstr(b, "clearance_zone_id", res->clearance_zone ? res->clearance_zone->id : NULL);
        kstr(b, "layer", r->layer_id);
        kstr(b, "source", r->source);
        kstr(b, "license", r->license);
        kstr(b, "accuracy", r->accuracy);
        z_fields(p, b);
        route_description(p, i, b);
        pl_buf_puts(b, "},\"geometry\":");
        int rc = pl_geojson_line_z(ctx, xf, b, r->x, r->y, r->alt_m, r->n_pts);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]}\n");
    return PL_OK;
}

static int conflicts_geojson(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    pl_buf_puts(b, "{\"type\":\"FeatureCollection\",\"name\":\"conflicts\",\"features\":[\n");
    for (size_t i = 0; i < rs->n_c; i++) {
        const pl_conflict *c = &rs->c[i];
        const pl_route *r = &rs->a[c->route];
        const pl_zone *z = c->zone;
        double e[2] = {c->entry[0], c->entry[1]}, x[2] = {c->exit[0], c->exit[1]};
        int rc;
        if ((rc = pl_crs_trans(ctx, xf, &e[0], &e[1], 1)) || (rc = pl_crs_trans(ctx, xf, &x[0], &x[1], 1)))
            return rc;
        pl_buf id; /* ROUTE/ZONE, whole however long the ids */
        pl_buf_init(&id);
        pl_buf_puts(&id, r->id);
        pl_buf_puts(&id, "/");
        pl_buf_puts(&id, z->id);
        feature_open(b, i == 0, id.s ? id.s : "");
        id.n = 0; /* its name: what Google Earth and QGIS show of it */
        pl_buf_printf(&id, "%s / %s: %s %s", r->name ? r->name : r->id, z->name ? z->name : z->id,
                      pl_verdict_zh[c->verdict], pl_verdict_names[c->verdict]);
        kstr(b, "name", id.s);
        pl_buf_free(&id);
        kstr(b, "route_id", r->id);
        kstr(b, "route_name", r->name);
        kstr(b, "route_status", r->status);
        kstr(b, "zone_id", z->id);
        kstr(b, "zone_name", z->name);
        kstr(b, "zone_class", z->cls);
        kstr(b, "severity", pl_verdict_names[c->verdict]);
        kstr(b, "severity_zh", pl_verdict_zh[c->verdict]);
        kstr(b, "rule", route_rule_name(z));
        kstr(b, "basis", z->basis);
        kbool(b, "centreline_enters", c->enters);
        knum(b, "length_inside_m", c->length_inside_m, METRE_DEC);
        knum(b, "corridor_length_m", c->corridor_length_m, METRE_DEC);
        knum(b, "from_along_m", c->s_from_m, METRE_DEC);
        knum(b, "to_along_m", c->s_to_m, METRE_DEC);
        knum(b, "entry_lon", e[0], COORD_DEC);
        knum(b, "entry_lat", e[1], COORD_DEC);
        knum(b, "entry_alt_m", c->entry[2], METRE_DEC);
        knum(b, "exit_lon", x[0], COORD_DEC);
        knum(b, "exit_lat", x[1], COORD_DEC);
        knum(b, "exit_alt_m", c->exit[2], METRE_DEC);
        knum(b, "alt_overlap_lo_m", c->alt_lo_m, METRE_DEC);
        knum(b, "alt_overlap_hi_m", c->alt_hi_m, METRE_DEC);
        knum(b, "zone_floor_m", c->zone_floor_m, METRE_DEC);
        knum(b, "zone_ceiling_m", c->zone_ceiling_m, METRE_DEC);
        kstr(b, "altitude_ref", z->alt_ref);
        if (p->zones->terrain) { /* altitudes compared as true heights over the terrain model, or not */
            kbool(b, "true_height", c->agl);
            kbool(b, "ground_unknown", c->ground_unknown);
        }
        knum(b, "overlap_area_m2", area_m2(ctx, c->overlap), 1);
        pl_buf_puts(b, "},\"geometry\":");
        if ((rc = pl_geojson_geom(ctx, xf, b, c->overlap)) != PL_OK)
            return rc;
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]}\n");
    return PL_OK;
}

static int zones_geojson(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b)
{
    const pl_zoneset *zs = p->zones;
    pl_buf_puts(b, "{\"type\":\"FeatureCollection\",\"name\":\"zones\",\"features\":[\n");
    for (size_t i = 0; i < zs->n; i++) {
        const pl_zone *z = &zs->a[i];
        feature_open(b, i == 0, z->id);
        kstr(b, "name", z->name);
        kstr(b, "class", z->cls);
        knum(b, "floor_m", z->floor_m, METRE_DEC);
        knum(b, "ceiling_m", z->ceiling_m, METRE_DEC); /* null = unlimited */
        kstr(b, "altitude_ref", z->alt_ref);
        kstr(b, "route_rule", route_rule_name(z));
        if (z->rule && z->rule->route == PL_RR_MIN_OVERFLIGHT)
            knum(b, "min_overflight_m", z->rule->min_overflight_m, METRE_DEC);
        kstr(b, "vertiport_rule", z->rule ? pl_vp_rule_names[z->rule->vertiport] : "forbidden");
        if (z->rule && z->rule->vertiport == PL_VR_MIN_DISTANCE)
            knum(b, "min_distance_m", z->rule->min_distance_m, METRE_DEC);
        kstr(b, "basis", z->basis);
        knum(b, "area_m2", area_m2(ctx, z->g), 1);
        kstr(b, "layer", z->layer_id);
        kstr(b, "source", z->source);
        kstr(b, "license", z->license);
        kstr(b, "accuracy", z->accuracy);
        pl_buf_puts(b, "},\"geometry\":");
        int rc = pl_geojson_geom(ctx, xf, b, z->g);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]}\n");
    return PL_OK;
}

/* ==== summary and reports ============================================== */

static void layers_json(const pl_plan *p, pl_buf *b)
{
    pl_buf_puts(b, "[");
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        pl_buf_puts(b, i ? ",\n  {\"id\":" : "\n  {\"id\":");
        pl_buf_json_str(b, l->decl->id);
        kstr(b, "role", pl_role_names[l->decl->role]);
        kstr(b, "path", l->decl->path);
        kstr(b, "driver", l->driver);
        kstr(b, "layer", l->ogr_name);
        kstr(b, "source_crs", l->crs_id ? l->crs_id : l->crs_name);
        kstr(b, "source_crs_name", l->crs_name);
        kbool(b, "crs_assumed", l->crs_assumed);
        kint(b, "features_read", (long long)l->n_read);
        kint(b, "features_kept", (long long)l->n_feats);
        kint(b, "rejected", (long long)l->n_rejected);
        pl_buf_puts(b, ",\"geometry_types\":{");
        int first = 1;
        for (int t = 0; t < 8; t++)
            if (l->n_type[t]) {
                pl_buf_printf(b, "%s\"%s\":%zu", first ? "" : ",", pl_geom_type_name(t), l->n_type[t]);
                first = 0;
            }
        pl_buf_puts(b, "},\"issues\":[");
        for (size_t k = 0; k < l->n_issues; k++) {
            pl_buf_puts(b, k ? ",{\"feature\":" : "{\"feature\":");
            pl_buf_json_str(b, l->a_issues[k].fid);
            kstr(b, "action", l->a_issues[k].what);
            kstr(b, "reason", l->a_issues[k].why);
            pl_buf_puts(b, "}");
        }
        pl_buf_puts(b, "]}");
    }
    pl_buf_puts(b, "\n]");
}

static void routes_json(const pl_plan *p, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    pl_buf_puts(b, "[");
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_route_result *res = &rs->res[i];
        pl_buf_puts(b, i ? ",\n  {\"id\":" : "\n  {\"id\":");
        pl_buf_json_str(b, r->id);
        kstr(b, "name", r->name);
        kstr(b, "kind", r->kind);
        kstr(b, "status", r->status);
        verdict_fields(p, i, b);
        knum(b, "length_m", r->length_m, METRE_DEC);
        knum(b, "clearance_m", res->clearance_m, METRE_DEC);
        kstr(b, "clearance_zone_id", res->clearance_zone ? res->clearance_zone->id : NULL);
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]");
}

static int conflicts_json(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    pl_buf_puts(b, "[");
    for (size_t i = 0; i < rs->n_c; i++) {
        const pl_conflict *c = &rs->c[i];
        double e[2] = {c->entry[0], c->entry[1]}, x[2] = {c->exit[0], c->exit[1]};
        int rc;
        if ((rc = pl_crs_trans(ctx, xf, &e[0], &e[1], 1)) || (rc = pl_crs_trans(ctx, xf, &x[0], &x[1], 1)))
            return rc;
        pl_buf_puts(b, i ? ",\n  {\"route_id\":" : "\n  {\"route_id\":");
        pl_buf_json_str(b, rs->a[c->route].id);
        kstr(b, "zone_id", c->zone->id);
        kstr(b, "zone_name", c->zone->name);
        kstr(b, "zone_class", c->zone->cls);
        kstr(b, "severity", pl_verdict_names[c->verdict]);
        kstr(b, "severity_zh", pl_verdict_zh[c->verdict]);
        knum(b, "length_inside_m", c->length_inside_m, METRE_DEC);
        knum(b, "corridor_length_m", c->corridor_length_m, METRE_DEC);
        pl_buf_puts(b, ",\"entry\":[");
        pl_buf_num(b, e[0], COORD_DEC);
        pl_buf_puts(b, ",");
        pl_buf_num(b, e[1], COORD_DEC);
        pl_buf_puts(b, ",");
        pl_buf_num(b, c->entry[2], METRE_DEC);
        pl_buf_puts(b, "],\"exit\":[");
        pl_buf_num(b, x[0], COORD_DEC);
        pl_buf_puts(b, ",");
        pl_buf_num(b, x[1], COORD_DEC);
        pl_buf_puts(b, ",");
        pl_buf_num(b, c->exit[2], METRE_DEC);
        pl_buf_puts(b, "]");
        knum(b, "alt_overlap_lo_m", c->alt_lo_m, METRE_DEC);
        knum(b, "alt_overlap_hi_m", c->alt_hi_m, METRE_DEC);
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]");
    return PL_OK;
}

static void totals_json(const pl_plan *p, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    size_t v[PL_V__N] = {0}, nc[PL_V__N] = {0}, planned = 0;
    for (size_t i = 0; i < rs->n; i++) {
        v[rs->res[i].verdict]++;
        planned += !strcmp(rs->a[i].status, "planned");
        for (int k = 0; k < PL_V__N; k++)
            nc[k] += rs->res[i].n_conf[k];
    }
    pl_buf_printf(b,
                  "{\"zones\":%zu,\"routes\":%zu,\"routes_planned\":%zu,\"routes_existing\":%zu,"
                  "\"routes_free\":%zu,\"routes_advisory\":%zu,\"routes_approval\":%zu,\"routes_forbidden\":%zu,"
                  "\"conflicts_forbidden\":%zu,\"conflicts_approval\":%zu,\"advisories\":%zu}",
                  p->zones->n, rs->n, planned, rs->n - planned, v[PL_V_FREE], v[PL_V_ADVISORY], v[PL_V_APPROVAL],
                  v[PL_V_FORBIDDEN], nc[PL_V_FORBIDDEN], nc[PL_V_APPROVAL], nc[PL_V_ADVISORY]);
}

static void head_json(const pl_plan *p, pl_buf *b)
{
    pl_buf_puts(b, "{\"planner_version\":");
    pl_buf_json_str(b, PL_VERSION);
    pl_buf_puts(b, ",\n\"scenario\":");
    pl_buf_json_str(b, p->sc->name);
    kstr(b, "title", p->sc->title);
    kstr(b, "scenario_file", p->sc->file);
    kstr(b, "working_crs", p->sc->work_crs);
}

/* The reroutes asked for, as a JSON array: per route its id and name,
 * whether a path exists, and the path (lon, lat, altitude) with its
 * length and the zones it avoids, or why there is none. */
static int reroutes_json(pl_ctx *ctx, pl_xform *xf, const pl_reroute_list *rl, pl_buf *b)
{
    pl_buf_puts(b, "[");
    for (size_t i = 0; i < rl->n; i++) {
        const pl_route *r = rl->routes[i];
        const pl_reroute *rr = &rl->rr[i];
        pl_buf_puts(b, i ? ",\n  {\"route_id\":" : "\n  {\"route_id\":");
        pl_buf_json_str(b, r->id);
        kstr(b, "route_name", r->name);
        kbool(b, "found", rr->found);
        knum(b, "original_length_m", r->length_m, METRE_DEC);
        if (!rr->found) {
            kstr(b, "why", rr->why.n ? rr->why.s : "no path");
            pl_buf_puts(b, "}");
            continue;
        }
        knum(b, "length_m", rr->length_m, METRE_DEC);
        knum(b, "added_m", rr->added_m, METRE_DEC);
        pl_buf_puts(b, ",\"zones_avoided\":[");
        for (size_t k = 0; k < rr->n_avoided; k++) {
            pl_buf_puts(b, k ? "," : "");
            pl_buf_json_str(b, rr->avoided[k]->id);
        }
        pl_buf_puts(b, "],\"path\":[");
        for (size_t k = 0; k < rr->n; k++) {
            double x = rr->x[k], y = rr->y[k];
            int rc = pl_crs_trans(ctx, xf, &x, &y, 1);
            if (rc != PL_OK)
                return rc;
            pl_buf_puts(b, k ? ",[" : "[");
            pl_buf_num(b, x, COORD_DEC);
            pl_buf_puts(b, ",");
            pl_buf_num(b, y, COORD_DEC);
            pl_buf_puts(b, ",");
            pl_buf_num(b, rr->alt_m[k], METRE_DEC);
            pl_buf_puts(b, "]");
        }
        pl_buf_puts(b, "]}");
    }
    pl_buf_puts(b, "\n]");
    return PL_OK;
}

int pl_export_check_json(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl, pl_buf *b)
{
    pl_xform *xf = pl_geojson_xform(ctx, p);
    if (!xf)
        return pl_errcode(ctx);
    head_json(p, b);
    pl_buf_puts(b, ",\n\"totals\":");
    totals_json(p, b);
    pl_buf_puts(b, ",\n\"routes\":");
    routes_json(p, b);
    pl_buf_puts(b, ",\n\"conflicts\":");
    int rc = conflicts_json(ctx, p, xf, b);
    if (p->siting) {
        pl_buf_puts(b, ",\n\"siting\":");
        pl_export_siting_json(p, b);
    }
    if (rc == PL_OK && rl) {
        pl_buf_puts(b, ",\n\"reroutes\":");
        rc = reroutes_json(ctx, xf, rl, b);
    }
    pl_buf_puts(b, "}\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : rc;
}

int pl_export_reroute_json(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl, pl_buf *b)
{
    pl_xform *xf = pl_geojson_xform(ctx, p);
    if (!xf)
        return pl_errcode(ctx);
    head_json(p, b);
    pl_buf_puts(b, ",\n\"reroutes\":");
    int rc = reroutes_json(ctx, xf, rl, b);
    pl_buf_puts(b, "}\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : rc;
}

int pl_export_validate_json(pl_ctx *ctx, const pl_plan *p, const pl_routeset *props,
                            const pl_proposal_result *res, const pl_reroute_list *rl, pl_buf *b)
{
    size_t counts[PL_V__N] = {0};
    for (size_t i = 0; i < props->n; i++)
        counts[res[i].verdict]++;
    pl_buf_puts(b, "{\"scenario\":");
    pl_buf_json_str(b, p->sc->name);
    pl_buf_printf(b, ",\"proposals\":%zu,\"free\":%zu,\"advisory\":%zu,\"approval\":%zu,\"forbidden\":%zu,\n"
                     "\"results\":[",
                  props->n, counts[PL_V_FREE], counts[PL_V_ADVISORY], counts[PL_V_APPROVAL], counts[PL_V_FORBIDDEN]);
    for (size_t i = 0; i < props->n; i++) {
        pl_buf_puts(b, i ? ",\n{\"id\":" : "\n{\"id\":");
        pl_buf_json_str(b, props->a[i].id);
        pl_buf_puts(b, ",\"file\":");
        pl_buf_json_str(b, props->a[i].layer_id);
        kstr(b, "verdict", pl_verdict_names[res[i].verdict]);
        kstr(b, "verdict_zh", pl_verdict_zh[res[i].verdict]);
        kstr(b, "aircraft_class", pl_ac_class_names[props->a[i].ac_class]);
        pl_export_heights(p, res[i].agl_min_m, res[i].agl_max_m, res[i].ground_unknown_m, b);
        knum(b, "length_m", props->a[i].length_m, 3);
        knum(b, "over_water_m", res[i].over_water_m, 3);
        pl_buf_puts(b, ",\"approvals\":[");
        pl_buf_putn(b, res[i].approvals.s ? res[i].approvals.s : "", res[i].approvals.n);
        pl_buf_puts(b, "]");
        /* the reasons, each written by validate.c with pl_buf_json_str */
        pl_buf_puts(b, ",\"reasons\":[");
        pl_buf_putn(b, res[i].json.s ? res[i].json.s : "", res[i].json.n);
        pl_buf_puts(b, "]}");
    }
    pl_buf_puts(b, "\n]");
    int rc = PL_OK;
    if (rl) {
        pl_xform *xf = pl_geojson_xform(ctx, p);
        pl_buf_puts(b, ",\n\"reroutes\":");
        rc = xf ? reroutes_json(ctx, xf, rl, b) : pl_errcode(ctx);
    }
    pl_buf_puts(b, "}\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : rc;
}

int pl_export_layers_json(pl_ctx *ctx, const pl_plan *p, pl_buf *b)
{
    head_json(p, b);
    pl_buf_puts(b, ",\n\"layers\":");
    layers_json(p, b);
    pl_buf_puts(b, "}\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}

int pl_export_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_route *const *routes,
                       const pl_reroute *rr, size_t n, pl_buf *b)
{
    pl_xform *xf = pl_geojson_xform(ctx, p);
    if (!xf)
        return pl_errcode(ctx);
    pl_buf_puts(b, "{\"type\":\"FeatureCollection\",\"name\":\"reroutes\",\"features\":[\n");
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (!rr[i].found)
            continue;
        const pl_route *r = routes[i];
        pl_buf_puts(b, first ? "{\"type\":\"Feature\",\"id\":" : ",\n{\"type\":\"Feature\",\"id\":");
        first = 0;
        pl_buf_json_str(b, r->id);
        pl_buf_puts(b, ",\"properties\":{\"id\":");
        pl_buf_json_str(b, r->id);
        kstr(b, "name", r->name);
        kstr(b, "status", "reroute");
        knum(b, "length_m", rr[i].length_m, METRE_DEC);
        knum(b, "original_length_m", r->length_m, METRE_DEC);
        knum(b, "added_m", rr[i].added_m, METRE_DEC);
        pl_buf_puts(b, ",\"zones_avoided\":[");
        for (size_t k = 0; k < rr[i].n_avoided; k++) {
            if (k)
                pl_buf_puts(b, ",");
            pl_buf_json_str(b, rr[i].avoided[k]->id);
        }
        pl_buf_puts(b, "],\"waypoint_altitudes_m\":[");
        for (size_t k = 0; k < rr[i].n; k++) {
            if (k)
                pl_buf_puts(b, ",");
            pl_buf_num(b, rr[i].alt_m[k], METRE_DEC);
        }
        pl_buf_puts(b, "]");
        z_fields(p, b);
        pl_buf_puts(b, "},\"geometry\":");
        int rc = pl_geojson_line_z(ctx, xf, b, rr[i].x, rr[i].y, rr[i].alt_m, rr[i].n);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]}\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}

int pl_export_proposals(pl_ctx *ctx, const pl_plan *p, const pl_routeset *props,
                        const pl_proposal_result *res, pl_buf *b)
{
    static const char *const colour[] = {"#2ca02c", "#bcbd22", "#ff7f0e", "#d62728"}; /* by verdict */
    pl_xform *xf = pl_geojson_xform(ctx, p);
    if (!xf)
        return pl_errcode(ctx);
    pl_buf_puts(b, "{\"type\":\"FeatureCollection\",\"name\":\"proposals\",\"features\":[\n");
    for (size_t i = 0; i < props->n; i++) {
        const pl_route *r = &props->a[i];
        feature_open(b, i == 0, r->id);
        kstr(b, "name", r->name);
        kstr(b, "file", r->layer_id);
        kstr(b, "verdict", pl_verdict_names[res[i].verdict]);
        kstr(b, "verdict_zh", pl_verdict_zh[res[i].verdict]);
        kstr(b, "aircraft_class", pl_ac_class_names[r->ac_class]);
        kstr(b, "stroke", colour[res[i].verdict]);
        kint(b, "forbidden", (long long)res[i].n_by[PL_V_FORBIDDEN]);
        kint(b, "approval", (long long)res[i].n_by[PL_V_APPROVAL]);
        kint(b, "advisory", (long long)res[i].n_by[PL_V_ADVISORY]);
        knum(b, "length_m", r->length_m, METRE_DEC);
        knum(b, "over_water_m", res[i].over_water_m, METRE_DEC);
        kstr(b, "reasons", res[i].reasons.s);
        z_fields(p, b);
        pl_buf_puts(b, "},\"geometry\":");
        int rc = pl_geojson_line_z(ctx, xf, b, r->x, r->y, r->alt_m, r->n_pts);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]}\n");
    return b->oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}

/* ==== the layers of a run folder, and its summary ===================== */

enum { L_ZONES, L_COVERAGE, L_CONFLICTS, L_ROUTES, L_REROUTES, L_CANDIDATES, L_VERTIPORTS, L_N };
static const char *const layer_names[L_N] = {"zones",      "coverage", "conflicts", "routes",
                                             "reroutes",   "candidates", "vertiports"};

const char *pl_export_layer_name(int i) { return i >= 0 && i < L_N ? layer_names[i] : NULL; }

int pl_export_layers(pl_ctx *ctx, const pl_plan *p, pl_buf b[PL_EXPORT_N_LAYERS], pl_outlayer ls[PL_EXPORT_N_LAYERS])
{
    int rc = pl_routes_overlaps(ctx, p->zones, p->routes); /* the conflicts' polygons, drawn now */
    pl_xform *xf = rc == PL_OK ? pl_geojson_xform(ctx, p) : NULL;
    if (!xf)
        return pl_errcode(ctx);
    if ((rc = routes_geojson(ctx, p, xf, &b[L_ROUTES])) ||
        (rc = conflicts_geojson(ctx, p, xf, &b[L_CONFLICTS])) || (rc = zones_geojson(ctx, p, xf, &b[L_ZONES])))
        return rc;
    if (p->siting && ((rc = pl_export_sites(ctx, p, xf, &b[L_VERTIPORTS], 1)) ||
                      (rc = pl_export_sites(ctx, p, xf, &b[L_CANDIDATES], 0)) ||
                      (rc = pl_export_coverage(ctx, p, xf, &b[L_COVERAGE]))))
        return rc;
    if (p->reroutes) {
        const pl_route **rs = calloc(p->routes->n ? p->routes->n : 1, sizeof *rs);
        if (!rs)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        for (size_t i = 0; i < p->routes->n; i++)
            rs[i] = &p->routes->a[i];
        rc = pl_export_reroutes(ctx, p, rs, p->reroutes, p->routes->n, &b[L_REROUTES]);
        free(rs);
        if (rc)
            return rc;
    }
    for (int i = 0; i < L_N; i++) {
        ls[i].name = layer_names[i];
        ls[i].geojson = &b[i];
        if (b[i].oom)
            return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    return PL_OK;
}

void pl_export_summary(const pl_plan *p, const char *const *files, size_t nf, pl_buf *s)
{
    head_json(p, s);
    pl_buf_puts(s, ",\n\"files\":[");
    for (size_t i = 0; i < nf; i++) {
        pl_buf_puts(s, i ? "," : "");
        pl_buf_json_str(s, files[i]);
    }
    pl_buf_puts(s, "]");
    if (p->siting) {
        pl_buf_puts(s, ",\n\"siting\":");
        pl_export_siting_json(p, s);
    }
    pl_buf_puts(s, ",\n\"totals\":");
    totals_json(p, s);
    pl_buf_puts(s, ",\n\"layers\":");
    layers_json(p, s);
    pl_buf_puts(s, ",\n\"routes\":");
    routes_json(p, s);
    pl_buf_puts(s, "}\n");
}
