/*
 * export_sites.c - the siting layers of the plan as RFC 7946 GeoJSON
 * (vertiports, candidates, coverage) and the siting section of summary.json
 * and the JSON reports.
 *
 * Entry points (output/export.h): pl_export_sites, pl_export_coverage,
 * pl_export_siting_json.
 */
#include "export.h"

#include <math.h>
#include <string.h>

static void site_props(pl_buf *b, const pl_site *st)
{
    pl_buf_puts(b, ",\"properties\":{\"id\":");
    pl_buf_json_str(b, st->id);
    kstr(b, "name", st->name);
    kstr(b, "site_kind", st->kind);
    kstr(b, "kind", st->vp_kind);
    kstr(b, "status", st->existing ? "existing" : (st->open ? "planned" : "candidate"));
    kbool(b, "feasible", st->feasible);
    kstr(b, "reasons", st->why.n ? st->why.s : NULL);
    kbuf(b, "free_headings_deg", &st->headings);
    kbuf(b, "headings_not_checked_deg", &st->headings_unknown);
    kbuf(b, "headings_checked_by", &st->headings_by);
    knum(b, "demand_in_reach", st->covered_w, 3);
    kbool(b, "required", st->required);
    kstr(b, "route_ends", st->ends.n ? st->ends.s : NULL);
    kstr(b, "reason", st->reason.n ? st->reason.s : NULL);
}

int pl_export_sites(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b, int open_only)
{
    const pl_siting *si = p->siting;
    pl_buf_printf(b, "{\"type\":\"FeatureCollection\",\"name\":\"%s\",\"features\":[\n",
                  open_only ? "vertiports" : "candidates");
    int first = 1;
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *st = &si->a[i];
        if (open_only ? !st->open : st->existing)
            continue;
        pl_buf_puts(b, first ? "{\"type\":\"Feature\",\"id\":" : ",\n{\"type\":\"Feature\",\"id\":");
        first = 0;
        pl_buf_json_str(b, st->id);
        site_props(b, st);
        if (open_only) {
            knum(b, "demand_only_here", st->only_w, 3);
            knum(b, "nearest_site_m", st->nearest_open_m, METRE_DEC);
            kbool(b, "within_range_of_another", st->nearest_open_m <= p->sc->siting.range_m);
            knum(b, "capacity_per_h", st->capacity_per_h, 3); /* null: not stated */
            kbuf(b, "capacity_basis", &st->capacity_basis);
            knum(b, "movements_per_h", st->movements_per_h, 3);
            kbuf(b, "movements_by_route", &st->movements_by);
            kbuf(b, "capacity_warning", &st->capacity_warning);
        } else {
            kbool(b, "chosen", st->open);
            kstr(b, "state", st->open ? "chosen" : st->feasible ? "feasible" : "infeasible");
        }
        kstr(b, "layer", st->layer_id);
        kstr(b, "source", st->source);
        kstr(b, "license", st->license);
        kstr(b, "accuracy", st->accuracy);
        pl_buf_puts(b, "},\"geometry\":");
        GEOSGeometry *g = pl_geom_point(ctx, st->x, st->y);
        int rc = g ? pl_geojson_geom(ctx, xf, b, g) : pl_errcode(ctx);
        if (g)
            GEOSGeom_destroy_r(pl_geos(ctx), g);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]}\n");
    return PL_OK;
}

int pl_export_coverage(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_siting *si = p->siting;
    double r = p->sc->siting.radius_m;
    pl_buf_puts(b, "{\"type\":\"FeatureCollection\",\"name\":\"coverage\",\"features\":[\n");
    int first = 1;
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *st = &si->a[i];
        if (!st->open)
            continue;
        pl_buf_puts(b, first ? "{\"type\":\"Feature\",\"id\":" : ",\n{\"type\":\"Feature\",\"id\":");
        first = 0;
        pl_buf_json_str(b, st->id);
        pl_buf_puts(b, ",\"properties\":{\"site_id\":");
        pl_buf_json_str(b, st->id);
        kstr(b, "name", st->name);
        kstr(b, "status", st->existing ? "existing" : "planned");
        knum(b, "radius_m", r, METRE_DEC);
        knum(b, "demand_in_reach", st->covered_w, 3);
        pl_buf_puts(b, "},\"geometry\":");
        GEOSGeometry *pt = pl_geom_point(ctx, st->x, st->y);
        /* drawn inside the true circle (GEOS's chords), as a claim of
         * demand in reach should be; no safety rule reads it */
        GEOSGeometry *g = pt ? GEOSBuffer_r(h, pt, r, 32) : NULL;
        int rc = g ? pl_geojson_geom(ctx, xf, b, g) : pl_error(ctx, PL_GEOM, "coverage: %s", pl_libmsg(ctx));
        if (pt)
            GEOSGeom_destroy_r(h, pt);
        if (g)
            GEOSGeom_destroy_r(h, g);
        if (rc != PL_OK)
            return rc;
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "\n]}\n");
    return PL_OK;
}

void pl_export_siting_json(const pl_plan *p, pl_buf *b)
{
    const pl_siting *si = p->siting;
    const pl_siting_cfg *c = &p->sc->siting;
    size_t built = 0, infeasible = 0;
    for (size_t i = 0; i < si->n; i++) {
        built += si->a[i].existing;
        infeasible += !si->a[i].existing && !si->a[i].feasible;
    }
    pl_buf_printf(b, "{\"objective\":\"%s\"", c->objective ? "median" : "coverage");
    knum(b, "objective_value", si->objective, 3);
    knum(b, c->objective ? "lower_bound" : "upper_bound", si->bound, 3);
    knum(b, "gap", si->gap, 6);
    kstr(b, "method", si->method);
    knum(b, "demand_weight_total", si->total_w, 3);
    knum(b, "demand_weight_covered", si->covered_w, 3);
    kint(b, "sites_built", (long long)built);
    kint(b, "sites_new_requested", (long long)si->n_new_max);
    kint(b, "sites_new_chosen", (long long)si->n_new);
    kint(b, "sites_new_required", (long long)si->n_required);
    kint(b, "sites_closed_adding_nothing", (long long)si->n_dropped);
    kstr(b, "site_rule", si->rule);
    kstr(b, "note", si->note.n ? si->note.s : NULL);
    kint(b, "candidates", (long long)(si->n - built));
    kint(b, "candidates_feasible", (long long)si->n_feasible);
    kint(b, "candidates_infeasible", (long long)infeasible);
    knum(b, "service_radius_m", c->radius_m, METRE_DEC);
    knum(b, "min_separation_m", c->min_sep_m, METRE_DEC);
    knum(b, "design_d_m", c->design_d_m, METRE_DEC);
    kint(b, "iterations", (long long)si->iterations);
    size_t lonely = 0, off_site = 0;
    for (size_t i = 0; i < si->n; i++)
        lonely += si->a[i].open && !(si->a[i].nearest_open_m <= c->range_m);
    for (size_t r = 0; p->routes && r < p->routes->n; r++)
        off_site += !si->ends[r].from + !si->ends[r].to;
    kint(b, "sites_out_of_range", (long long)lonely);
    kint(b, "route_ends_not_at_a_site", (long long)off_site);
    pl_buf_puts(b, ",\"route_ends\":[");
    for (size_t r = 0; p->routes && r < p->routes->n; r++) {
        const pl_route_ends *e = &si->ends[r];
        pl_buf_puts(b, r ? ",{\"route_id\":" : "{\"route_id\":");
        pl_buf_json_str(b, p->routes->a[r].id);
        kstr(b, "from_site", e->from ? e->from->id : NULL);
        knum(b, "from_nearest_site_m", e->from_m, 1);
        kstr(b, "to_site", e->to ? e->to->id : NULL);
        knum(b, "to_nearest_site_m", e->to_m, 1);
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "],\"warnings\":[");
    for (size_t k = 0; k < si->n_warn; k++) {
        pl_buf_puts(b, k ? "," : "");
        pl_buf_json_str(b, si->a_warn[k]);
    }
    pl_buf_puts(b, "],\"sites\":[");
    size_t shown = 0;
    for (size_t i = 0; i < si->n; i++) {
        const pl_site *st = &si->a[i];
        if (!st->open)
            continue;
        pl_buf_puts(b, shown++ ? ",{\"id\":" : "{\"id\":");
        pl_buf_json_str(b, st->id);
        kstr(b, "status", st->existing ? "existing" : "planned");
        kbool(b, "required", st->required);
        kstr(b, "reason", st->reason.n ? st->reason.s : NULL);
        pl_buf_puts(b, "}");
    }
    pl_buf_puts(b, "]");
    /* wall time: the one field that differs between two runs */
    knum(b, "time_ms", si->time_ms, 1);
    pl_buf_puts(b, "}");
}
