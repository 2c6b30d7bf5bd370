/*
 * cli.c - the command line: subcommand table, options, text and JSON
 * output, exit codes.  The only file that prints or chooses an exit code.
 *
 * Entry point: pl_cli_main.
 *
 * Exit codes: 0 success; 1 the run completed and found a blocking
 * conflict (check); 2 bad input, usage or failure (the message says which).
 * Data goes to stdout, messages to stderr.
 */
#include "planner.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct opts {
    const char *scenario;  /* the one positional argument */
    const char *out_dir;   /* -o DIR */
    int json;              /* --json */
    int skip_bad;          /* --skip-bad */
    const char *explain;   /* site --explain ID */
    const char *lp;        /* site --lp FILE */
    const char *geojson;   /* --geojson FILE */
    const char *route;     /* reroute: the route id */
    double margin_m;       /* reroute margin */
    int reroute;           /* check --reroute */
    char **files;          /* validate: proposal files */
    size_t n_files;
    int shift;             /* validate --input-crs: 0 wgs84, 1 gcj02, 2 bd09 */
    int kml;               /* run --format kml */
    const char *db;        /* run --db FILE|PG:... */
    int zone_format;       /* zones --format ed269|ed318 */
    int firmware;          /* fence --firmware: 12 PX4, 3 ArduPilot (QGC codes) */
    int no_db;             /* run --no-db */
    int timing;            /* validate --timing */
    int threads;           /* validate --threads N (0: one per processor) */
} opts;

typedef struct command {
    const char *name;
    int (*fn)(pl_ctx *, const opts *);
    const char *usage;
    const char *help;
} command;

static int cmd_run(pl_ctx *ctx, const opts *o);
static int cmd_check(pl_ctx *ctx, const opts *o);
static int cmd_layers(pl_ctx *ctx, const opts *o);
static int cmd_site(pl_ctx *ctx, const opts *o);
static int cmd_reroute(pl_ctx *ctx, const opts *o);
static int cmd_validate(pl_ctx *ctx, const opts *o);
static int cmd_history(pl_ctx *ctx, const opts *o);
static int cmd_zones(pl_ctx *ctx, const opts *o);
static int cmd_fence(pl_ctx *ctx, const opts *o);
static int cmd_diff(pl_ctx *ctx, const opts *o);
static int reroutes_find(pl_ctx *ctx, const pl_plan *p, const pl_route **routes, size_t n, double margin_m,
                         pl_reroute_list *rl);
static void reroutes_free(pl_reroute_list *rl);
static int reroutes_print(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl);

static const command commands[] = {
    {"run", cmd_run,
     "planner run SCENARIO [-o DIR] [--format kml] [--db FILE|PG:...|--no-db] [--json] [--skip-bad]",
     "Load the scenario's layers, site the vertiports, check every route against every\n"
     "zone in 3D, reroute blocked routes, and write the plan to DIR (default: the\n"
     "scenario's 'output', else out/NAME):\n"
     "  report.html        the plan for a meeting: map, tables, conflicts, provenance\n"
     "  plan.svg/.png      A4 map with legend, scale bar, north arrow (PNG: rsvg-convert)\n"
     "  plan.gpkg          every layer for QGIS, styled (layer_styles), working CRS\n"
     "  plan.kml           the same for Google Earth / Ovital (--format kml)\n"
     "  NAME.geojson       zones, routes, conflicts, reroutes, vertiports, candidates,\n"
     "                     coverage (RFC 7946, WGS84 lon/lat), each with NAME.qml\n"
     "  summary.json       totals, layers and per-route results\n"
     "Files appear only when all are ready. The run is then recorded in the run store\n"
     "(--db; default runs.sqlite in DIR's parent folder; PG:... for PostGIS; --no-db\n"
     "to skip): see 'planner history' and 'planner diff'.\n"
     "Exit 0 when the plan is written (conflicts are in it), 2 on bad input."},
    {"zones", cmd_zones, "planner zones SCENARIO --format ed269|ed318 [-o FILE]",
     "Write the scenario's zones as EUROCAE ED-269 or ED-318 UAS geographical zone\n"
     "JSON (stdout, or FILE): restriction and reason codes from each zone's class\n"
     "and rule, lower/upper limits in metres with their reference. Zone files in\n"
     "either format are read as zones layers like any other file (path: in the\n"
     "scenario). KML and KMZ zone files are read through GDAL."},
    {"fence", cmd_fence, "planner fence SCENARIO ROUTE [--firmware px4|ardupilot] [-o FILE]",
     "Write a QGroundControl plan for ROUTE (stdout, or FILE) for PX4 (default) or\n"
     "ArduPilot: the waypoints as the mission (altitudes relative to home), the\n"
     "corridor as an inclusion fence, and every zone forbidding the route at its\n"
     "altitudes within 2 km of the corridor as an exclusion fence (polygons grown\n"
     "by 5 m, never shrunk, when simplified)."},
    {"history", cmd_history, "planner history DB",
     "List the runs recorded in a run store (SpatiaLite file or PG:...): id, time,\n"
     "scenario, scenario and data hashes, route verdicts, sites, demand covered."},
    {"diff", cmd_diff, "planner diff DB RUN_A RUN_B",
     "What changed from RUN_A to RUN_B: the scenario lines, the data, sites added and\n"
     "dropped, routes whose verdict changed, coverage and conflicts."},
    {"validate", cmd_validate,
     "planner validate SCENARIO PROPOSALS... [--input-crs wgs84|gcj02|bd09] [--json] [--geojson FILE] [--reroute]\n"
     "                 [--threads N] [--timing]",
     "Validate route proposals (LineStrings in any format GDAL reads: GeoJSON, GPKG,\n"
     "KML, ...; one or thousands, the zone index built once) against every zone, the\n"
     "aircraft class's height rule, the vertiports at their ends, the scenario's\n"
     "routes (lateral separation, or altitude separation where they cross; time\n"
     "windows time_from/time_to respected when both have one) and report ground risk\n"
     "(length over water). Proposal properties: id, name, aircraft, half_width_m,\n"
     "band_below_m, band_above_m, altitude_m, time_from, time_to; Z gives waypoint\n"
     "altitudes. A file without a CRS is read as WGS84 lon/lat; --input-crs\n"
     "gcj02|bd09: lon/lat copied from Amap or Baidu maps.\n"
     "Verdicts: approved, approved with warnings, rejected, with every reason.\n"
     "--geojson FILE writes the proposals coloured by verdict. --reroute adds the\n"
     "shortest conflict-free path to each rejected proposal. --timing prints where\n"
     "the time went (loading and indexing, reading, checking) on stderr.\n"
     "--threads N checks on N threads (default: one per processor); the answers\n"
     "do not depend on it.\n"
     "Exit 0 when all are approved, 1 when any is rejected, 2 on bad input."},
    {"reroute", cmd_reroute, "planner reroute SCENARIO ROUTE [--margin M] [--geojson FILE] [--json]",
     "The shortest path between ROUTE's end points that avoids every forbidden zone\n"
     "at the route's altitude band, zones inflated by its corridor half-width plus\n"
     "M metres (default 10): an exact shortest path on the visibility graph of the\n"
     "inflated zones. Prints the added length and the zones avoided; when no path\n"
     "exists, which zones close it off. --geojson FILE writes the path (RFC 7946);\n"
     "--json prints the result as JSON.\n"
     "Exit 0 when a path exists, 1 when none does, 2 on bad input."},
    {"check", cmd_check, "planner check SCENARIO [-o DIR] [--json] [--reroute] [--skip-bad]",
     "Check the scenario's routes against its zones and list each route with its\n"
     "verdict (clear / warning / blocked) and each conflict with zone, class,\n"
     "length inside, entry and exit points and altitude overlap.\n"
     "With -o DIR, also write the plan files as 'run' does; with --reroute, add the\n"
     "shortest conflict-free path to each blocked route (see 'planner reroute'; with\n"
     "--json, in the JSON document as \"reroutes\").\n"
     "Exit 0 when no route has a blocking conflict, 1 when any has, 2 on bad input."},
    {"site", cmd_site, "planner site SCENARIO [--explain ID] [--lp FILE] [-o DIR] [--json]",
     "Place the vertiports: check every candidate (district, land, safety-area\n"
     "footprint, zone rules, obstacle-free approach headings), keep the built sites,\n"
     "choose the scenario's count of new sites for the most demand covered (or the\n"
     "least weighted distance), and report the objective, a proven bound and the gap.\n"
     "  --explain ID  why candidate ID is in or out\n"
     "  --lp FILE     write the instance as a CPLEX LP file for glpsol\n"
     "With -o DIR, also write the plan files as 'run' does.\n"
     "Exit 0 when every requested site was placed, 1 when fewer could be, 2 on bad input."},
    {"layers", cmd_layers, "planner layers SCENARIO [--json]",
     "Report each layer of the scenario: file, driver, feature count, source CRS,\n"
     "geometry types, and the features repaired (invalid polygons made valid) or\n"
     "rejected (empty, non-finite, unreadable) with the reason. Exit 0, or 2 when a\n"
     "layer cannot be read at all."},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void print_siting(const pl_plan *p, int list)
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

static const char *common_opts =
    "Options:\n"
    "  -o, --output DIR  output folder\n"
    "  --json            machine-readable output on stdout\n"
    "  --skip-bad        drop rejected features (with a warning) instead of stopping\n"
    "  -h, --help        this help\n";

static void usage_all(FILE *f)
{
    fprintf(f, "usage: planner <command> [options]\n\n"
               "The Wuzhong low-altitude planner " PL_VERSION ": vertiports and air routes\n"
               "checked against no-fly, airport and ecological zones.\n\nCommands:\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fprintf(f, "  planner help COMMAND\n  planner --version\n\n"
               "Run 'planner COMMAND --help' for what a command does.\n");
}

static void usage_cmd(FILE *f, const command *c)
{
    fprintf(f, "usage: %s\n\n%s\n\n%s", c->usage, c->help, common_opts);
}

static void print_error(pl_ctx *ctx)
{
    const char *m = pl_errmsg(ctx);
    if (!*m)
        m = "failed (no detail)";
    /* one line per problem; scenario errors may list several */
    const char *s = m;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t k = nl ? (size_t)(nl - s) : strlen(s);
        fprintf(stderr, "planner: error: %.*s\n", (int)k, s);
        s += k + (nl ? 1 : 0);
    }
}

/* ==== text output ====================================================== */

static void print_lonlat(pl_ctx *ctx, const pl_plan *p, const double pt[3])
{
    double lon, lat;
    if (pl_export_lonlat(ctx, p, pt[0], pt[1], &lon, &lat) == PL_OK)
        printf("%.7f,%.7f at %.1f m", lon, lat, pt[2]);
    else
        printf("(cannot convert)");
}

static void print_routes(pl_ctx *ctx, const pl_plan *p, int with_conflicts)
{
    const pl_routeset *rs = p->routes;
    size_t v[3] = {0, 0, 0}, planned = 0;
    for (size_t i = 0; i < rs->n; i++) {
        v[rs->res[i].verdict]++;
        planned += !strcmp(rs->a[i].status, "planned");
    }
    printf("Routes: %zu (%zu planned, %zu existing): %zu clear, %zu with warnings, %zu blocked\n",
           rs->n, planned, rs->n - planned, v[PL_V_CLEAR], v[PL_V_WARNING], v[PL_V_BLOCKED]);
    size_t ci = 0;
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const pl_route_result *res = &rs->res[i];
        printf("  %-8s %-8s %s (%s), %.3f km: %s", r->status, r->id, r->name, r->kind,
               r->length_m / 1000.0, pl_verdict_names[res->verdict]);
        if (res->n_blocking || res->n_warning)
            printf(" (%zu blocking, %zu warning)", res->n_blocking, res->n_warning);
        if (res->clearance_zone)
            printf("; clearance %.1f m to %s", res->clearance_m, res->clearance_zone->id);
        printf("\n");
        for (; ci < rs->n_c && rs->c[ci].route == i; ci++) {
            const pl_conflict *c = &rs->c[ci];
            if (!with_conflicts)
                continue;
            printf("      %-8s %s \"%s\" (%s): ", c->blocking ? "blocking" : "warning", c->zone->id,
                   c->zone->name, c->zone->cls);
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

static void print_head(const pl_plan *p)
{
    size_t n = p->zones ? p->zones->n : 0, rules = p->sc->n_aircraft;
    printf("Scenario %s%s%s%s, working CRS %s, %zu zones", p->sc->name, p->sc->title ? " (" : "",
           p->sc->title ? p->sc->title : "", p->sc->title ? ")" : "", p->sc->work_crs, n - rules);
    if (rules)
        printf(" and %zu height rule%s", rules, rules == 1 ? "" : "s");
    printf("\n");
}

static void warn_skipped(const pl_plan *p)
{
    for (size_t i = 0; i < p->n_layers; i++)
        for (size_t k = 0; k < p->layers[i]->n_issues; k++) {
            const pl_issue *is = &p->layers[i]->a_issues[k];
            fprintf(stderr, "planner: warning: %s: layer '%s': feature %s %s: %s\n",
                    p->layers[i]->decl->path, p->layers[i]->decl->id, is->fid, is->what, is->why);
        }
}

/* ==== commands ========================================================= */

static int open_plan(pl_ctx *ctx, const opts *o, int flags, pl_plan **p)
{
    int rc = pl_plan_open(ctx, o->scenario, flags | (o->skip_bad ? PL_PLAN_SKIP_BAD : 0), p);
    if (rc != PL_OK) {
        print_error(ctx);
        return PL_EXIT_BAD;
    }
    if (!(flags & PL_PLAN_LAYERS_ONLY))
        warn_skipped(*p);
    return PL_EXIT_OK;
}

/* The layer report (layers), else the check result with the reroutes of
 * rl (NULL: none), as JSON on stdout. */
static int emit_json(pl_ctx *ctx, const pl_plan *p, int layers, const pl_reroute_list *rl)
{
    pl_buf b;
    pl_buf_init(&b);
    int rc = layers ? pl_export_layers_json(ctx, p, &b) : pl_export_check_json(ctx, p, rl, &b);
    if (rc == PL_OK)
        fputs(b.s, stdout);
    pl_buf_free(&b);
    if (rc != PL_OK) {
        print_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
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

static int write_plan(pl_ctx *ctx, const pl_plan *p, const char *dir, const opts *o, const pl_outlayer *layers)
{
    char when[32];
    scenario_stamp(p, when, sizeof when);
    pl_export_opts eo = {.kml = o->kml, .png = 1, .when = when, .layers = layers};
    if (pl_export_run(ctx, p, dir, &eo) != PL_OK) {
        print_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}

static int cmd_run(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, PL_PLAN_REROUTE, &p);
    if (code)
        return code;
    char dflt[1024];
    const char *dir = o->out_dir ? o->out_dir : p->sc->output;
    if (!dir) {
        snprintf(dflt, sizeof dflt, "out/%s", p->sc->name);
        dir = dflt;
    }
    /* the layers once, for the run folder and for the store */
    pl_buf lb[PL_EXPORT_N_LAYERS];
    pl_outlayer ls[PL_EXPORT_N_LAYERS];
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_init(&lb[i]);
    if (pl_export_layers(ctx, p, lb, ls) != PL_OK) {
        print_error(ctx);
        code = PL_EXIT_BAD;
    } else {
        code = write_plan(ctx, p, dir, o, ls);
    }
    long long run_id = 0;
    char dbdflt[1100];
    const char *db = o->db;
    if (!code && !o->no_db && !db) { /* runs.sqlite beside the run folder */
        size_t k = strlen(dir);
        while (k > 1 && dir[k - 1] == '/')
            k--;
        while (k > 0 && dir[k - 1] != '/')
            k--;
        snprintf(dbdflt, sizeof dbdflt, "%.*sruns.sqlite", (int)k, dir);
        db = dbdflt;
    }
    if (!code && db && !o->no_db && pl_store_record(ctx, p, db, dir, ls, &run_id) != PL_OK) {
        print_error(ctx);
        fprintf(stderr, "planner: the plan is written to %s/ but the run is not recorded\n", dir);
        code = PL_EXIT_BAD;
    }
    if (!code) {
        if (o->json) {
            code = emit_json(ctx, p, 0, NULL);
        } else {
            print_head(p);
            print_routes(ctx, p, 0);
            printf("Conflicts: %zu (details: planner check %s)\n", p->routes->n_c, o->scenario);
            if (p->siting)
                print_siting(p, 0);
            printf("Plan written to %s/: report.html, plan.svg, plan.gpkg (QGIS, styled)%s, "
                   "GeoJSON layers with .qml styles, summary.json\n",
                   dir, o->kml ? ", plan.kml" : "");
            if (run_id)
                printf("Recorded as run %lld in %s (planner history %s)\n", run_id, db, db);
        }
    }
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_free(&lb[i]);
    pl_plan_free(ctx, p);
    return code;
}

static int cmd_check(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, o->out_dir ? PL_PLAN_REROUTE : 0, &p);
    if (code)
        return code;
    pl_reroute_list rl = {0};
    const pl_route **blocked = NULL;
    if (o->out_dir && (code = write_plan(ctx, p, o->out_dir, o, NULL)) != PL_EXIT_OK)
        goto out;
    if (o->reroute) { /* first: with --json they go inside the one document */
        size_t nb = 0;
        if (!(blocked = calloc(p->routes->n ? p->routes->n : 1, sizeof *blocked))) {
            fprintf(stderr, "planner: error: out of memory\n");
            code = PL_EXIT_BAD;
            goto out;
        }
        for (size_t i = 0; i < p->routes->n; i++)
            if (p->routes->res[i].verdict == PL_V_BLOCKED)
                blocked[nb++] = &p->routes->a[i];
        if ((code = reroutes_find(ctx, p, blocked, nb, o->margin_m, &rl)) != PL_EXIT_OK)
            goto out;
    }
    if (o->json) {
        if ((code = emit_json(ctx, p, 0, o->reroute ? &rl : NULL)) != PL_EXIT_OK)
            goto out;
    } else {
        print_head(p);
        print_routes(ctx, p, 1);
        if (o->out_dir)
            printf("Plan written to %s/\n", o->out_dir);
        reroutes_print(ctx, p, &rl);
    }
    code = pl_plan_n_blocking(p) ? PL_EXIT_CONFLICT : PL_EXIT_OK;
out:
    reroutes_free(&rl);
    free(blocked);
    pl_plan_free(ctx, p);
    return code;
}

static int explain(const pl_plan *p, const char *id)
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

static int cmd_site(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, 0, &p);
    if (code)
        return code;
    if (!p->siting) {
        fprintf(stderr, "planner site: %s has no 'siting' section\n", o->scenario);
        pl_plan_free(ctx, p);
        return PL_EXIT_BAD;
    }
    if (o->out_dir && (code = write_plan(ctx, p, o->out_dir, o, NULL)) != PL_EXIT_OK)
        goto out;
    if (o->lp) {
        pl_buf b;
        pl_buf_init(&b);
        if (pl_siting_lp(ctx, p, p->siting, &b) != PL_OK || pl_file_write(ctx, o->lp, b.s, b.n) != PL_OK) {
            print_error(ctx);
            code = PL_EXIT_BAD;
        }
        pl_buf_free(&b);
        if (code)
            goto out;
    }
    if (o->explain)
        code = explain(p, o->explain);
    else if (o->json)
        code = emit_json(ctx, p, 0, NULL);
    else
        print_siting(p, 1);
    if (!code) {
        size_t built = 0;
        for (size_t i = 0; i < p->siting->n; i++)
            built += p->siting->a[i].existing;
        const pl_siting_cfg *c = &p->sc->siting;
        size_t want = c->built_count ? (c->count > built ? c->count - built : 0) : c->count;
        code = p->siting->n_new < want ? PL_EXIT_CONFLICT : PL_EXIT_OK;
    }
out:
    pl_plan_free(ctx, p);
    return code;
}

static const pl_route *find_route(const pl_plan *p, const char *id)
{
    for (size_t i = 0; i < p->routes->n; i++)
        if (!strcmp(p->routes->a[i].id, id))
            return &p->routes->a[i];
    return NULL;
}

/* Write b whole to file (pl_file_write), or to stdout when file is NULL. */
static int emit_file(pl_ctx *ctx, const char *file, const pl_buf *b)
{
    if (!file) {
        fwrite(b->s ? b->s : "", 1, b->n, stdout);
        return PL_EXIT_OK;
    }
    if (pl_file_write(ctx, file, b->s, b->n) != PL_OK) {
        print_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}

static int cmd_zones(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, PL_PLAN_NO_SITING, &p);
    if (code)
        return code;
    pl_buf b;
    pl_buf_init(&b);
    if (pl_zonex_write(ctx, p, o->zone_format, &b) != PL_OK) {
        print_error(ctx);
        code = PL_EXIT_BAD;
    } else {
        code = emit_file(ctx, o->out_dir, &b);
    }
    pl_buf_free(&b);
    pl_plan_free(ctx, p);
    return code;
}

static int cmd_fence(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, PL_PLAN_NO_SITING, &p);
    if (code)
        return code;
    const pl_route *r = find_route(p, o->route);
    pl_buf b;
    pl_buf_init(&b);
    if (!r) {
        fprintf(stderr, "planner fence: no route '%s' in %s\n", o->route, o->scenario);
        code = PL_EXIT_BAD;
    } else if (pl_fence_qgc(ctx, p, r, o->firmware, &b) != PL_OK) {
        print_error(ctx);
        code = PL_EXIT_BAD;
    } else {
        if (p->routes->res[r - p->routes->a].verdict == PL_V_BLOCKED)
            fprintf(stderr, "planner: warning: route %s is blocked: its exclusion fences cut its own corridor\n",
                    r->id);
        code = emit_file(ctx, o->out_dir, &b);
    }
    pl_buf_free(&b);
    pl_plan_free(ctx, p);
    return code;
}

static int cmd_history(pl_ctx *ctx, const opts *o)
{
    pl_buf b;
    pl_buf_init(&b);
    int rc = pl_store_history(ctx, o->scenario, &b);
    if (rc == PL_OK)
        fputs(b.s ? b.s : "", stdout);
    else
        print_error(ctx);
    pl_buf_free(&b);
    return rc == PL_OK ? PL_EXIT_OK : PL_EXIT_BAD;
}

static int cmd_diff(pl_ctx *ctx, const opts *o)
{
    long long id[2];
    for (int i = 0; i < 2; i++) {
        char *end;
        id[i] = strtoll(o->files[i], &end, 10);
        if (*end || end == o->files[i] || id[i] < 1) {
            fprintf(stderr, "planner diff: a run id is a number ('planner history %s' lists them), got '%s'\n",
                    o->scenario, o->files[i]);
            return PL_EXIT_BAD;
        }
    }
    pl_buf b;
    pl_buf_init(&b);
    int rc = pl_store_diff(ctx, o->scenario, id[0], id[1], &b);
    if (rc == PL_OK)
        fputs(b.s ? b.s : "", stdout);
    else
        print_error(ctx);
    pl_buf_free(&b);
    return rc == PL_OK ? PL_EXIT_OK : PL_EXIT_BAD;
}

/* Reroute routes[0..n) (margin_m beyond each half-width) into rl.
 * Returns PL_EXIT_OK, or PL_EXIT_BAD with the error printed.  Ownership:
 * rl, reroutes_free() (also after a failure). */
static int reroutes_find(pl_ctx *ctx, const pl_plan *p, const pl_route **routes, size_t n, double margin_m,
                         pl_reroute_list *rl)
{
    pl_reroute *rr = calloc(n ? n : 1, sizeof *rr);
    rl->routes = routes;
    rl->rr = rr;
    rl->n = 0;
    if (!rr) {
        fprintf(stderr, "planner: error: out of memory\n");
        return PL_EXIT_BAD;
    }
    for (; rl->n < n; rl->n++)
        if (pl_reroute_route(ctx, p->zones, routes[rl->n], margin_m, &rr[rl->n]) != PL_OK) {
            pl_reroute_free(&rr[rl->n]);
            print_error(ctx);
            return PL_EXIT_BAD;
        }
    return PL_EXIT_OK;
}

static void reroutes_free(pl_reroute_list *rl)
{
    pl_reroute *rr = (pl_reroute *)rl->rr; /* reroutes_find's own array */
    for (size_t i = 0; i < rl->n; i++)
        pl_reroute_free(&rr[i]);
    free(rr);
    rl->rr = NULL;
    rl->n = 0;
}

/* Each reroute as text.  Returns 1 when some route has no path. */
static int reroutes_print(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl)
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

/* The found paths of rl as GeoJSON into file (whole). */
static int write_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl, const char *file)
{
    pl_buf b;
    pl_buf_init(&b);
    int code = PL_EXIT_OK;
    if (pl_export_reroutes(ctx, p, rl->routes, rl->rr, rl->n, &b) != PL_OK ||
        pl_file_write(ctx, file, b.s, b.n) != PL_OK) {
        print_error(ctx);
        code = PL_EXIT_BAD;
    }
    pl_buf_free(&b);
    return code;
}

static int cmd_reroute(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, PL_PLAN_NO_SITING, &p);
    if (code)
        return code;
    const pl_route *r = find_route(p, o->route);
    if (!r) {
        fprintf(stderr, "planner reroute: no route with id '%s' in %s\n", o->route, o->scenario);
        pl_plan_free(ctx, p);
        return PL_EXIT_BAD;
    }
    pl_reroute_list rl = {0};
    int none = 0;
    if ((code = reroutes_find(ctx, p, &r, 1, o->margin_m, &rl)) != PL_EXIT_OK)
        goto out;
    if (o->json) {
        pl_buf b;
        pl_buf_init(&b);
        if (pl_export_reroute_json(ctx, p, &rl, &b) != PL_OK) {
            print_error(ctx);
            code = PL_EXIT_BAD;
        } else {
            fputs(b.s, stdout);
        }
        pl_buf_free(&b);
        none = !rl.rr[0].found;
    } else {
        none = reroutes_print(ctx, p, &rl);
    }
    if (!code && o->geojson)
        code = write_reroutes(ctx, p, &rl, o->geojson);
    if (!code && none)
        code = PL_EXIT_CONFLICT;
out:
    reroutes_free(&rl);
    pl_plan_free(ctx, p);
    return code;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Each proposal's verdict and reasons as text, then the counts. */
static void print_verdicts(const pl_routeset *props, const pl_proposal_result *res, const size_t counts[3])
{
    for (size_t i = 0; i < props->n; i++) {
        printf("%s (%s, %s): %s\n", props->a[i].id, props->a[i].name, props->a[i].layer_id,
               pl_proposal_verdict_names[res[i].verdict]);
        const char *t = res[i].reasons.s ? res[i].reasons.s : "";
        while (*t) {
            const char *e = strchr(t, '\n');
            size_t k = e ? (size_t)(e - t) : strlen(t);
            printf("    %.*s\n", (int)k, t);
            t += k + (e ? 1 : 0);
        }
    }
    printf("Proposals: %zu: %zu approved, %zu approved with warnings, %zu rejected\n", props->n, counts[0],
           counts[1], counts[2]);
}

/* The proposals coloured by verdict as GeoJSON into file (whole). */
static int write_proposals(pl_ctx *ctx, const pl_plan *p, const pl_routeset *props, const pl_proposal_result *res,
                           const char *file)
{
    pl_buf b;
    pl_buf_init(&b);
    int code = PL_EXIT_OK;
    if (pl_export_proposals(ctx, p, props, res, &b) != PL_OK || pl_file_write(ctx, file, b.s, b.n) != PL_OK) {
        print_error(ctx);
        code = PL_EXIT_BAD;
    }
    pl_buf_free(&b);
    return code;
}

static int cmd_validate(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    double t0 = now_ms();
    int code = open_plan(ctx, o, 0, &p);
    if (!code && pl_validate_prepare(ctx, p) != PL_OK) { /* the zone index's last part: rings and grids */
        print_error(ctx);
        pl_plan_free(ctx, p);
        return PL_EXIT_BAD;
    }
    if (code)
        return code;
    double t1 = now_ms(), t2 = t1;
    pl_layer_decl *decls = NULL;
    pl_layer **layers = NULL;
    pl_routeset *props = NULL;
    pl_proposal_result *res = NULL;
    const pl_route **rej = NULL;
    pl_reroute_list rl = {0};
    size_t counts[3] = {0, 0, 0};
    double lon, lat; /* set-up: the reasons' lon/lat transformer, made once before the batch */
    if (pl_proposals_load(ctx, p, o->files, o->n_files, o->shift, &decls, &layers, &props) != PL_OK ||
        pl_export_lonlat(ctx, p, 0, 0, &lon, &lat) != PL_OK ||
        !(res = calloc(props->n ? props->n : 1, sizeof *res)) || (t2 = now_ms(), 0) ||
        pl_validate(ctx, p, props, res, o->threads,
                    (o->json ? PL_WANT_JSON : PL_WANT_TEXT) | (o->geojson ? PL_WANT_TEXT : 0)) != PL_OK) {
        if (!pl_errcode(ctx))
            pl_error(ctx, PL_NOMEM, "out of memory");
        print_error(ctx);
        code = PL_EXIT_BAD;
        goto out;
    }
    for (size_t i = 0; i < props->n; i++)
        counts[res[i].verdict]++;
    if (o->timing) { /* for benchmarks: where the time went, on stderr */
        double t3 = now_ms();
        fprintf(stderr, "timing: layers and zone index %.1f ms, proposals read %.1f ms, %zu checked in %.1f ms "
                        "(%.0f a second)\n",
                t1 - t0, t2 - t1, props->n, t3 - t2, props->n / ((t3 - t2) / 1000 + 1e-9));
    }
    if (o->reroute && counts[PL_P_REJECTED]) { /* first: with --json they go inside the one document */
        if (!(rej = calloc(props->n, sizeof *rej))) {
            fprintf(stderr, "planner: error: out of memory\n");
            code = PL_EXIT_BAD;
            goto out;
        }
        size_t nr = 0;
        for (size_t i = 0; i < props->n; i++)
            if (res[i].verdict == PL_P_REJECTED)
                rej[nr++] = &props->a[i];
        if ((code = reroutes_find(ctx, p, rej, nr, o->margin_m, &rl)) != PL_EXIT_OK)
            goto out;
    }
    if (o->json) {
        pl_buf b;
        pl_buf_init(&b);
        if (pl_export_validate_json(ctx, p, props, res, o->reroute ? &rl : NULL, &b) != PL_OK) {
            print_error(ctx);
            code = PL_EXIT_BAD;
        } else {
            fputs(b.s, stdout);
        }
        pl_buf_free(&b);
    } else {
        print_verdicts(props, res, counts);
        reroutes_print(ctx, p, &rl);
    }
    if (!code && o->geojson)
        code = write_proposals(ctx, p, props, res, o->geojson);
    if (code)
        goto out;
    code = counts[2] ? PL_EXIT_CONFLICT : PL_EXIT_OK;
out:
    reroutes_free(&rl);
    free(rej);
    for (size_t i = 0; res && props && i < props->n; i++)
        pl_proposal_result_free(&res[i]);
    free(res);
    pl_routes_free(ctx, props);
    for (size_t i = 0; layers && i < o->n_files; i++)
        pl_layer_free(ctx, layers[i]);
    free(layers);
    free(decls);
    pl_plan_free(ctx, p);
    return code;
}

static int cmd_layers(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, PL_PLAN_LAYERS_ONLY, &p);
    if (code)
        return code;
    if (o->json) {
        code = emit_json(ctx, p, 1, NULL);
    } else {
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
    pl_plan_free(ctx, p);
    return code;
}

/* ==== dispatch ========================================================= */

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

int pl_cli_main(pl_ctx *ctx, int argc, char **argv)
{
    if (argc < 2) {
        usage_all(stderr);
        return PL_EXIT_BAD;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help")) {
        usage_all(stdout);
        return PL_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("planner %s (GEOS %s)\n", PL_VERSION, GEOSversion());
        return PL_EXIT_OK;
    }
    if (!strcmp(name, "help")) {
        const command *c = argc > 2 ? find_command(argv[2]) : NULL;
        if (argc > 2 && !c) {
            fprintf(stderr, "planner: unknown command '%s'\n", argv[2]);
            return PL_EXIT_BAD;
        }
        if (c)
            usage_cmd(stdout, c);
        else
            usage_all(stdout);
        return PL_EXIT_OK;
    }
    const command *c = find_command(name);
    if (!c) {
        fprintf(stderr, "planner: unknown command '%s'\n", name);
        usage_all(stderr);
        return PL_EXIT_BAD;
    }
    if (c->fn == cmd_history || c->fn == cmd_diff) { /* a store, not a scenario */
        opts so = {0};
        int want = c->fn == cmd_history ? 1 : 3;
        if (argc - 2 == 1 && (!strcmp(argv[2], "-h") || !strcmp(argv[2], "--help"))) {
            usage_cmd(stdout, c);
            return PL_EXIT_OK;
        }
        if (argc - 2 != want) {
            fprintf(stderr, "planner %s: expected %d argument%s\n", c->name, want, want > 1 ? "s" : "");
            usage_cmd(stderr, c);
            return PL_EXIT_BAD;
        }
        so.scenario = argv[2]; /* the store */
        so.files = argv + 3;
        return c->fn(ctx, &so);
    }
    /* progress lines on a terminal, unless PLANNER_PROGRESS=0 */
    const char *pe = getenv("PLANNER_PROGRESS");
    pl_progress_enable(ctx, !(pe && !strcmp(pe, "0")));
    opts o = {0};
    if (c->fn == cmd_validate && !(o.files = calloc((size_t)argc, sizeof *o.files)))
        return PL_EXIT_BAD; /* proposal files, gathered in argv order */
    o.margin_m = PL_REROUTE_MARGIN_M; /* reroute: kept beyond the half-width from every zone */
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage_cmd(stdout, c);
            free(o.files);
            return PL_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            o.json = 1;
        } else if (!strcmp(a, "--skip-bad")) {
            o.skip_bad = 1;
        } else if ((!strcmp(a, "--explain") || !strcmp(a, "--lp")) && c->fn == cmd_site) {
            if (++i >= argc || !*argv[i]) {
                fprintf(stderr, "planner site: %s needs a value\n", a);
                goto bad;
            }
            if (!strcmp(a, "--lp"))
                o.lp = argv[i];
            else
                o.explain = argv[i];
        } else if (!strcmp(a, "--input-crs") && c->fn == cmd_validate) {
            const char *v = ++i < argc ? argv[i] : "";
            if (!strcmp(v, "wgs84"))
                o.shift = 0;
            else if (!strcmp(v, "gcj02"))
                o.shift = 1;
            else if (!strcmp(v, "bd09"))
                o.shift = 2;
            else {
                fprintf(stderr, "planner validate: --input-crs takes wgs84, gcj02 or bd09, got '%s'\n", v);
                goto bad;
            }
        } else if (!strcmp(a, "--format") && c->fn == cmd_zones) {
            const char *v = ++i < argc ? argv[i] : "";
            o.zone_format = !strcmp(v, "ed269") ? PL_ZONEX_ED269 : !strcmp(v, "ed318") ? PL_ZONEX_ED318 : 0;
            if (!o.zone_format) {
                fprintf(stderr, "planner zones: --format takes ed269 or ed318, got '%s'\n", v);
                goto bad;
            }
        } else if (!strcmp(a, "--firmware") && c->fn == cmd_fence) {
            const char *v = ++i < argc ? argv[i] : "";
            o.firmware = !strcmp(v, "px4") ? 12 : !strcmp(v, "ardupilot") ? 3 : 0;
            if (!o.firmware) {
                fprintf(stderr, "planner fence: --firmware takes px4 or ardupilot, got '%s'\n", v);
                goto bad;
            }
        } else if (!strcmp(a, "--format") && (c->fn == cmd_run || c->fn == cmd_check)) {
            const char *v = ++i < argc ? argv[i] : "";
            if (strcmp(v, "kml")) {
                fprintf(stderr, "planner %s: --format takes kml (GeoJSON, GeoPackage, SVG and HTML are "
                                "always written), got '%s'\n", c->name, v);
                goto bad;
            }
            o.kml = 1;
        } else if (!strcmp(a, "--db") && c->fn == cmd_run) {
            if (++i >= argc || !*argv[i]) {
                fprintf(stderr, "planner run: --db needs a file or PG:connection\n");
                goto bad;
            }
            o.db = argv[i];
        } else if (!strcmp(a, "--timing") && c->fn == cmd_validate) {
            o.timing = 1;
        } else if (!strcmp(a, "--threads") && c->fn == cmd_validate) {
            char *end = NULL;
            long v = ++i < argc ? strtol(argv[i], &end, 10) : 0;
            if (i >= argc || !end || *end || end == argv[i] || v < 1 || v > 64) {
                fprintf(stderr, "planner validate: --threads takes a whole number from 1 to 64, got '%s'\n",
                        i < argc ? argv[i] : "");
                goto bad;
            }
            o.threads = (int)v;
        } else if (!strcmp(a, "--no-db") && c->fn == cmd_run) {
            o.no_db = 1;
        } else if (!strcmp(a, "--reroute") && (c->fn == cmd_check || c->fn == cmd_validate)) {
            o.reroute = 1;
        } else if ((!strcmp(a, "--geojson") || !strcmp(a, "--margin")) && c->fn != cmd_layers) {
            if (++i >= argc || !*argv[i]) {
                fprintf(stderr, "planner %s: %s needs a value\n", c->name, a);
                goto bad;
            }
            if (!strcmp(a, "--geojson")) {
                o.geojson = argv[i];
            } else {
                char *end;
                o.margin_m = strtod(argv[i], &end);
                if (*end || !(o.margin_m >= 0)) {
                    fprintf(stderr, "planner %s: --margin needs metres >= 0, got '%s'\n", c->name, argv[i]);
                    goto bad;
                }
            }
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc || !*argv[i]) {
                fprintf(stderr, "planner %s: %s needs a folder\n", c->name, a);
                goto bad;
            }
            o.out_dir = argv[i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "planner %s: unknown option '%s'\n", c->name, a);
            usage_cmd(stderr, c);
            goto bad;
        } else if (!o.scenario) {
            o.scenario = a;
        } else if ((c->fn == cmd_reroute || c->fn == cmd_fence) && !o.route) {
            o.route = a;
        } else if (c->fn == cmd_validate) {
            /* proposal files in argv order, gathered here, where each
             * option has already taken its value */
            o.files[o.n_files++] = argv[i];
        } else {
            fprintf(stderr, "planner %s: one scenario only (got '%s' and '%s')\n", c->name,
                    o.scenario, a);
            goto bad;
        }
    }
    if (c->fn == cmd_validate) {
        if (!o.n_files) {
            free(o.files);
            fprintf(stderr, "planner validate: missing PROPOSALS (one or more files)\n");
            usage_cmd(stderr, c);
            return PL_EXIT_BAD;
        }
        int rc = o.scenario ? c->fn(ctx, &o) : PL_EXIT_BAD;
        free(o.files);
        if (!o.scenario)
            fprintf(stderr, "planner validate: missing SCENARIO\n");
        return rc;
    }
    if ((c->fn == cmd_reroute || c->fn == cmd_fence) && o.scenario && !o.route) {
        fprintf(stderr, "planner %s: missing ROUTE (a route id of the scenario)\n", c->name);
        usage_cmd(stderr, c);
        return PL_EXIT_BAD;
    }
    if (!o.scenario) {
        fprintf(stderr, "planner %s: missing SCENARIO\n", c->name);
        usage_cmd(stderr, c);
        return PL_EXIT_BAD;
    }
    if (c->fn == cmd_zones && !o.zone_format) {
        fprintf(stderr, "planner zones: --format ed269 or --format ed318 is needed\n");
        return PL_EXIT_BAD;
    }
    if (c->fn == cmd_fence && !o.firmware)
        o.firmware = 12;
    if (o.out_dir && c->fn == cmd_layers) {
        fprintf(stderr, "planner layers: -o does not apply (layers writes nothing)\n");
        return PL_EXIT_BAD;
    }
    return c->fn(ctx, &o);
bad:
    free(o.files);
    return PL_EXIT_BAD;
}
