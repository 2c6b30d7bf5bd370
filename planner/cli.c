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

typedef struct opts {
    const char *scenario;  /* the one positional argument */
    const char *out_dir;   /* -o DIR */
    int json;              /* --json */
    int skip_bad;          /* --skip-bad */
    const char *explain;   /* site --explain ID */
    const char *lp;        /* site --lp FILE */
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

static const command commands[] = {
    {"run", cmd_run, "planner run SCENARIO [-o DIR] [--json] [--skip-bad]",
     "Load the scenario's layers, check every route against every zone in 3D and write\n"
     "the plan to DIR (default: the scenario's 'output', else out/NAME):\n"
     "  routes.geojson     routes with verdict, length, clearance\n"
     "  conflicts.geojson  one feature per route/zone conflict, geometry = overlap\n"
     "  zones.geojson      zones with class, floor/ceiling and the rule applied\n"
     "  summary.json       totals, layers and per-route results\n"
     "All GeoJSON is RFC 7946 (WGS84 lon/lat). Files appear only when all are ready.\n"
     "Exit 0 when the plan is written (conflicts are in it), 2 on bad input."},
    {"check", cmd_check, "planner check SCENARIO [-o DIR] [--json] [--skip-bad]",
     "Check the scenario's routes against its zones and list each route with its\n"
     "verdict (clear / warning / blocked) and each conflict with zone, class,\n"
     "length inside, entry and exit points and altitude overlap.\n"
     "With -o DIR, also write the plan files as 'run' does.\n"
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
    if (c->objective)
        printf("  weighted distance %.1f, lower bound %.1f, gap %.2f %%\n", si->objective, si->bound,
               100 * si->gap);
    else
        printf("  demand covered %.1f of %.1f (%.1f %%), upper bound %.1f, gap %.2f %%\n", si->objective,
               si->total_w, si->total_w > 0 ? 100 * si->objective / si->total_w : 0, si->bound, 100 * si->gap);
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
    printf("Scenario %s%s%s%s, working CRS %s, %zu zones\n", p->sc->name,
           p->sc->title ? " (" : "", p->sc->title ? p->sc->title : "", p->sc->title ? ")" : "",
           p->sc->work_crs, p->zones ? p->zones->n : 0);
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

static int emit_json(pl_ctx *ctx, const pl_plan *p, int layers)
{
    pl_buf b;
    pl_buf_init(&b);
    int rc = layers ? pl_export_layers_json(ctx, p, &b) : pl_export_check_json(ctx, p, &b);
    if (rc == PL_OK)
        fputs(b.s, stdout);
    pl_buf_free(&b);
    if (rc != PL_OK) {
        print_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}

static int write_plan(pl_ctx *ctx, const pl_plan *p, const char *dir)
{
    if (pl_export_run(ctx, p, dir) != PL_OK) {
        print_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}

static int cmd_run(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, 0, &p);
    if (code)
        return code;
    char dflt[1024];
    const char *dir = o->out_dir ? o->out_dir : p->sc->output;
    if (!dir) {
        snprintf(dflt, sizeof dflt, "out/%s", p->sc->name);
        dir = dflt;
    }
    code = write_plan(ctx, p, dir);
    if (!code) {
        if (o->json) {
            code = emit_json(ctx, p, 0);
        } else {
            print_head(p);
            print_routes(ctx, p, 0);
            printf("Conflicts: %zu (details: planner check %s)\n", p->routes->n_c, o->scenario);
            if (p->siting)
                print_siting(p, 0);
            printf("Plan written to %s/: routes.geojson conflicts.geojson zones.geojson summary.json\n",
                   dir);
        }
    }
    pl_plan_free(ctx, p);
    return code;
}

static int cmd_check(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, 0, &p);
    if (code)
        return code;
    if (o->out_dir && (code = write_plan(ctx, p, o->out_dir)) != PL_EXIT_OK)
        goto out;
    if (o->json) {
        if ((code = emit_json(ctx, p, 0)) != PL_EXIT_OK)
            goto out;
    } else {
        print_head(p);
        print_routes(ctx, p, 1);
        if (o->out_dir)
            printf("Plan written to %s/\n", o->out_dir);
    }
    code = pl_plan_n_blocking(p) ? PL_EXIT_CONFLICT : PL_EXIT_OK;
out:
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
    if (o->out_dir && (code = write_plan(ctx, p, o->out_dir)) != PL_EXIT_OK)
        goto out;
    if (o->lp) {
        pl_buf b;
        pl_buf_init(&b);
        FILE *f = NULL;
        if (pl_siting_lp(ctx, p, p->siting, &b) != PL_OK || !(f = fopen(o->lp, "w")) ||
            fwrite(b.s, 1, b.n, f) != b.n) {
            if (!pl_errcode(ctx))
                pl_error(ctx, PL_IO, "%s: cannot write", o->lp);
            print_error(ctx);
            code = PL_EXIT_BAD;
        }
        if (f && fclose(f) != 0 && !code) {
            fprintf(stderr, "planner: error: %s: cannot write\n", o->lp);
            code = PL_EXIT_BAD;
        }
        pl_buf_free(&b);
        if (code)
            goto out;
    }
    if (o->explain)
        code = explain(p, o->explain);
    else if (o->json)
        code = emit_json(ctx, p, 0);
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

static int cmd_layers(pl_ctx *ctx, const opts *o)
{
    pl_plan *p = NULL;
    int code = open_plan(ctx, o, PL_PLAN_LAYERS_ONLY, &p);
    if (code)
        return code;
    if (o->json) {
        code = emit_json(ctx, p, 1);
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
    opts o = {0};
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage_cmd(stdout, c);
            return PL_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            o.json = 1;
        } else if (!strcmp(a, "--skip-bad")) {
            o.skip_bad = 1;
        } else if ((!strcmp(a, "--explain") || !strcmp(a, "--lp")) && c->fn == cmd_site) {
            if (++i >= argc || !*argv[i]) {
                fprintf(stderr, "planner site: %s needs a value\n", a);
                return PL_EXIT_BAD;
            }
            if (!strcmp(a, "--lp"))
                o.lp = argv[i];
            else
                o.explain = argv[i];
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc || !*argv[i]) {
                fprintf(stderr, "planner %s: %s needs a folder\n", c->name, a);
                return PL_EXIT_BAD;
            }
            o.out_dir = argv[i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "planner %s: unknown option '%s'\n", c->name, a);
            usage_cmd(stderr, c);
            return PL_EXIT_BAD;
        } else if (!o.scenario) {
            o.scenario = a;
        } else {
            fprintf(stderr, "planner %s: one scenario only (got '%s' and '%s')\n", c->name,
                    o.scenario, a);
            return PL_EXIT_BAD;
        }
    }
    if (!o.scenario) {
        fprintf(stderr, "planner %s: missing SCENARIO\n", c->name);
        usage_cmd(stderr, c);
        return PL_EXIT_BAD;
    }
    if (o.out_dir && c->fn == cmd_layers) {
        fprintf(stderr, "planner layers: -o does not apply (layers writes nothing)\n");
        return PL_EXIT_BAD;
    }
    return c->fn(ctx, &o);
}
