/*
 * cli.c - the command line: the table of commands, each with its option
 * table (as git's builtins and Redis's command table have them), the
 * parsing of argv against it, usage and help.  What a command does is
 * commands.c's.
 *
 * Entry point: pl_cli_main.
 */
#include "cli.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== options ========================================================== */

/* One option of a command: its names, what it takes, where it goes in
 * pl_opts, and the words of its messages ("planner CMD: NAME <need>" when
 * its value is missing; "planner CMD: NAME <bad>, got 'V'" when it is not
 * one the option takes). */
enum { O_FLAG, O_TEXT, O_CHOICE, O_INT, O_METRES };
typedef struct option {
    const char *name, *alias;
    int kind;
    size_t off;                   /* offsetof(pl_opts, field) */
    const char *need, *bad;
    const char *const *words;     /* O_CHOICE: the values' words, NULL-ended */
    const int *vals;              /* O_CHOICE: the int each word sets; O_INT: least and greatest */
} option;

#define AT(f) offsetof(pl_opts, f)
static const char *const w_crs[] = {"wgs84", "gcj02", "bd09", NULL};
static const int v_crs[] = {0, 1, 2};
static const char *const w_zf[] = {"ed269", "ed318", NULL};
static const int v_zf[] = {PL_ZONEX_ED269, PL_ZONEX_ED318};
static const char *const w_fw[] = {"px4", "ardupilot", NULL};
static const int v_fw[] = {12, 3}; /* QGroundControl's firmware codes */
static const char *const w_kml[] = {"kml", NULL};
static const int v_kml[] = {1};
static const int v_threads[] = {1, 64};
static const int v_timeout[] = {2, 3600}; /* libpq waits 2 s at least */
static const char *const w_lang[] = {"zh", "en", NULL};
static const int v_lang[] = {PL_LANG_ZH, PL_LANG_EN};

#define OPT_JSON {"--json", NULL, O_FLAG, AT(json), NULL, NULL, NULL, NULL}
#define OPT_SKIP {"--skip-bad", NULL, O_FLAG, AT(skip_bad), NULL, NULL, NULL, NULL}
#define OPT_OUT {"--output", "-o", O_TEXT, AT(out_dir), "needs a folder", NULL, NULL, NULL}
#define OPT_GEOJSON {"--geojson", NULL, O_TEXT, AT(geojson), "needs a value", NULL, NULL, NULL}
#define OPT_MARGIN {"--margin", NULL, O_METRES, AT(margin_m), "needs a value", "needs metres >= 0", NULL, NULL}
#define OPT_REROUTE {"--reroute", NULL, O_FLAG, AT(reroute), NULL, NULL, NULL, NULL}
#define OPT_KML {"--format", NULL, O_CHOICE, AT(kml), NULL, \
                 "takes kml (GeoJSON, GeoPackage, SVG and HTML are always written)", w_kml, v_kml}
#define OPT_DATE {"--flight-date", NULL, O_TEXT, AT(flight_date), "needs a date (YYYY-MM-DD)", NULL, NULL, NULL}
#define OPT_LANG {"--lang", NULL, O_CHOICE, AT(lang), NULL, \
                  "takes zh (Chinese first, English beside) or en (English only)", w_lang, v_lang}
#define OPT_INDEX {"--index", NULL, O_TEXT, AT(index), "needs a file (the zone index)", NULL, NULL, NULL}
#define OPT_END {NULL, NULL, 0, 0, NULL, NULL, NULL, NULL}

static const option run_opts[] = {
    OPT_OUT, OPT_JSON, OPT_SKIP, OPT_KML,
    {"--db", NULL, O_TEXT, AT(db), "needs a file or PG:connection", NULL, NULL, NULL},
    {"--no-db", NULL, O_FLAG, AT(no_db), NULL, NULL, NULL, NULL},
    {"--db-timeout", NULL, O_INT, AT(db_timeout_s), NULL, "takes whole seconds from 2 to 3600", NULL, v_timeout},
    OPT_GEOJSON, OPT_MARGIN, OPT_DATE, OPT_LANG, OPT_END};
static const option check_opts[] = {OPT_OUT, OPT_JSON, OPT_SKIP, OPT_KML, OPT_REROUTE, OPT_GEOJSON, OPT_MARGIN,
                                    OPT_DATE, OPT_LANG, OPT_END};
static const option site_opts[] = {
    OPT_OUT, OPT_JSON, OPT_SKIP,
    {"--explain", NULL, O_TEXT, AT(explain), "needs a value", NULL, NULL, NULL},
    {"--lp", NULL, O_TEXT, AT(lp), "needs a value", NULL, NULL, NULL},
    OPT_GEOJSON, OPT_MARGIN, OPT_LANG, OPT_END};
static const option validate_opts[] = { /* no -o: the answer is on stdout, --geojson FILE the proposals */
    OPT_JSON, OPT_SKIP, OPT_REROUTE, OPT_GEOJSON, OPT_MARGIN,
    {"--input-crs", NULL, O_CHOICE, AT(shift), NULL, "takes wgs84, gcj02 or bd09", w_crs, v_crs},
    {"--timing", NULL, O_FLAG, AT(timing), NULL, NULL, NULL, NULL},
    {"--threads", NULL, O_INT, AT(threads), NULL, "takes a whole number from 1 to 64", NULL, v_threads},
    OPT_INDEX, OPT_DATE, OPT_END};
static const option serve_opts[] = {
    OPT_SKIP, OPT_INDEX, OPT_DATE,
    {"--input-crs", NULL, O_CHOICE, AT(shift), NULL, "takes wgs84, gcj02 or bd09", w_crs, v_crs}, OPT_END};
static const option reroute_opts[] = {OPT_JSON, OPT_SKIP, OPT_GEOJSON, OPT_MARGIN, OPT_END}; /* no -o, as validate */
static const option zones_opts[] = {
    OPT_OUT, OPT_JSON, OPT_SKIP,
    {"--format", NULL, O_CHOICE, AT(zone_format), NULL, "takes ed269 or ed318", w_zf, v_zf},
    OPT_GEOJSON, OPT_MARGIN, OPT_END};
static const option fence_opts[] = {
    OPT_OUT, OPT_JSON, OPT_SKIP,
    {"--firmware", NULL, O_CHOICE, AT(firmware), NULL, "takes px4 or ardupilot", w_fw, v_fw},
    OPT_GEOJSON, OPT_MARGIN, OPT_END};
static const option layers_opts[] = {OPT_OUT, OPT_JSON, OPT_SKIP, OPT_END};

typedef struct command {
    const char *name;
    int (*fn)(pl_ctx *, const pl_opts *);
    const option *options;       /* NULL: a store's command (history, diff) */
    const char *usage;
    const char *help;
} command;

static const command commands[] = {
    {"run", pl_cmd_run, run_opts,
     "planner run SCENARIO [-o DIR] [--format kml] [--db FILE|PG:...|--no-db] [--db-timeout S] [--json]\n"
     "                 [--skip-bad] [--flight-date YYYY-MM-DD] [--lang zh|en]",
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
     "DIR is replaced whole, in one step, when every file is ready: whoever looks (a\n"
     "run killed at any instant, kill -9 too) finds the old plan or the new one, never a\n"
     "mix; what a killed run left beside DIR is removed by the next run, which says so.\n"
     "DIR must be new, empty or a plan folder. The run is recorded in the run store\n"
     "(--db; default runs.sqlite in DIR's parent folder; PG:... for PostGIS; --no-db\n"
     "to skip): see 'planner history' and 'planner diff'. The store is checked before\n"
     "anything is computed; a store that cannot be used is exit 2 and nothing written.\n"
     "--db-timeout S: PostGIS connect and statement timeout, default 5 s (also\n"
     "PLANNER_DB_TIMEOUT=S, for history and diff too).\n"
     "report.html, plan.svg and the summary read Chinese first with English beside;\n"
     "--lang en: English only (JSON and the other data files are the same either way).\n"
     "Exit 0 when the plan is written (conflicts are in it), 2 on bad input."},
    {"zones", pl_cmd_zones, zones_opts, "planner zones SCENARIO --format ed269|ed318 [-o FILE]",
     "Write the scenario's zones as EUROCAE ED-269 or ED-318 UAS geographical zone\n"
     "JSON (stdout, or FILE): restriction and reason codes from each zone's class\n"
     "and rule, lower/upper limits in metres with their reference. Zone files in\n"
     "either format are read as zones layers like any other file (path: in the\n"
     "scenario). KML and KMZ zone files are read through GDAL."},
    {"fence", pl_cmd_fence, fence_opts, "planner fence SCENARIO ROUTE [--firmware px4|ardupilot] [-o FILE]",
     "Write a QGroundControl plan for ROUTE (stdout, or FILE) for PX4 (default) or\n"
     "ArduPilot: the waypoints as the mission (altitudes relative to home), the\n"
     "corridor as an inclusion fence, and every zone forbidding the route at its\n"
     "altitudes within 2 km of the corridor as an exclusion fence (polygons grown\n"
     "by 5 m, never shrunk, when simplified)."},
    {"history", pl_cmd_history, NULL, "planner history DB",
     "List the runs recorded in a run store (SpatiaLite file or PG:...): id, time,\n"
     "scenario, scenario and data hashes, route verdicts, sites, demand covered."},
    {"diff", pl_cmd_diff, NULL, "planner diff DB RUN_A RUN_B",
     "What changed from RUN_A to RUN_B: the scenario lines, the data, sites added and\n"
     "dropped, routes whose verdict changed, coverage and conflicts."},
    {"validate", pl_cmd_validate, validate_opts,
     "planner validate SCENARIO PROPOSALS... [--input-crs wgs84|gcj02|bd09] [--json] [--geojson FILE] [--reroute]\n"
     "                 [--threads N] [--timing] [--index FILE] [--flight-date YYYY-MM-DD]",
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
     "--threads N checks on N threads (default: one per processor, started only\n"
     "when the batch is big enough to pay for them); the answers do not depend on it.\n"
     "--index FILE keeps the prepared zones, routes and sites in FILE: read from it\n"
     "when its key (the bytes of the scenario, the files it includes, every layer's\n"
     "files, and the planner's version) is the current one, else built from the\n"
     "layers and FILE written again. The answers are the same with or without it.\n"
     "Exit 0 when all are approved, 1 when any is rejected, 2 on bad input."},
    {"serve", pl_cmd_serve, serve_opts, "planner serve SCENARIO [--index FILE] [--input-crs wgs84|gcj02|bd09] [--flight-date YYYY-MM-DD]",
     "Keep the scenario's prepared zones loaded and validate proposals as JSON lines:\n"
     "each line of standard input one proposal (a GeoJSON Feature, a geometry or a\n"
     "FeatureCollection, with the properties validate reads), each answer one line\n"
     "on standard output: the document validate --json gives for it, on one line,\n"
     "its \"file\" \"stdin:N\" (N the line number). A line that cannot be answered gets\n"
     "{\"line\":N,\"error\":MESSAGE} and the next line is read. Blank lines are skipped.\n"
     "The layers are read at the start (--index FILE: from the zone index when it is\n"
     "current, as validate does); before each line the plan's files are looked at\n"
     "(stat: sizes, inodes, times) and the plan opened again when one changed (a\n"
     "folder or VRT layer is not watched). A plan that cannot be opened again answers\n"
     "the line with an error, never from the zones as they were.\n"
     "Exit 0 at the end of the input, 2 when the scenario cannot be opened, the\n"
     "input cannot be read or an answer cannot be written."},
    {"reroute", pl_cmd_reroute, reroute_opts, "planner reroute SCENARIO ROUTE [--margin M] [--geojson FILE] [--json]",
     "The shortest path between ROUTE's end points that avoids every forbidden zone\n"
     "at the route's altitude band, zones inflated by its corridor half-width plus\n"
     "M metres (default 10): an exact shortest path on the visibility graph of the\n"
     "inflated zones. Prints the added length and the zones avoided; when no path\n"
     "exists, which zones close it off. --geojson FILE writes the path (RFC 7946);\n"
     "--json prints the result as JSON.\n"
     "Exit 0 when a path exists, 1 when none does, 2 on bad input."},
    {"check", pl_cmd_check, check_opts,
     "planner check SCENARIO [-o DIR] [--json] [--reroute] [--skip-bad] [--flight-date YYYY-MM-DD]\n"
     "                 [--lang zh|en]",
     "Check the scenario's routes against its zones and list each route with its\n"
     "verdict (clear / warning / blocked) and each conflict with zone, class,\n"
     "length inside, entry and exit points and altitude overlap.\n"
     "With -o DIR, also write the plan files as 'run' does; with --reroute, add the\n"
     "shortest conflict-free path to each blocked route (see 'planner reroute'; with\n"
     "--json, in the JSON document as \"reroutes\").\n"
     "Exit 0 when no route has a blocking conflict, 1 when any has, 2 on bad input."},
    {"site", pl_cmd_site, site_opts, "planner site SCENARIO [--explain ID] [--lp FILE] [-o DIR] [--json] [--lang zh|en]",
     "Place the vertiports: check every candidate (district, land, safety-area\n"
     "footprint, zone rules, obstacle-free approach headings), keep the built sites,\n"
     "choose the scenario's count of new sites for the most demand covered (or the\n"
     "least weighted distance), and report the objective, a proven bound and the gap.\n"
     "  --explain ID  why candidate ID is in or out\n"
     "  --lp FILE     write the instance as a CPLEX LP file for glpsol\n"
     "With -o DIR, also write the plan files as 'run' does.\n"
     "Exit 0 when every requested site was placed, 1 when fewer could be, 2 on bad input."},
    {"layers", pl_cmd_layers, layers_opts, "planner layers SCENARIO [--json]",
     "Report each layer of the scenario: file, driver, feature count, source CRS,\n"
     "geometry types, and the features repaired (invalid polygons made valid) or\n"
     "rejected (empty, non-finite, unreadable) with the reason. Exit 0, or 2 when a\n"
     "layer cannot be read at all."},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const char *common_opts =
    "Options:\n"
    "  --flight-date D   (run, check, validate) the flight's date YYYY-MM-DD: each approval's\n"
    "                    deadline as a date and time (Art. 26: 12:00 the day before)\n"
    "  --lang zh|en      (run, check, site) zh, the default: report.html, plan.svg and the\n"
    "                    text read Chinese first with English beside; en: English only\n"
    "  -o, --output DIR  (run, check, site) the output folder; (zones, fence) the output file\n"
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

/* ==== parsing ========================================================== */

static const option *find_option(const command *c, const char *a)
{
    for (const option *op = c->options; op->name; op++)
        if (!strcmp(op->name, a) || (op->alias && !strcmp(op->alias, a)))
            return op;
    return NULL;
}

/* Option op (written a) of command c from argv[*i], its value from the
 * next argument: 0, or -1 with the message printed. */
static int take_option(const command *c, const option *op, const char *a, int argc, char **argv, int *i, pl_opts *o)
{
    char *at = (char *)o + op->off;
    if (op->kind == O_FLAG) {
        *(int *)at = 1;
        return 0;
    }
    const char *v = ++*i < argc ? argv[*i] : NULL;
    if ((op->kind == O_TEXT || op->kind == O_METRES) && (!v || !*v)) {
        fprintf(stderr, "planner %s: %s %s\n", c->name, a, op->need);
        return -1;
    }
    char *end = NULL;
    int ok = 0;
    if (op->kind == O_TEXT) {
        *(const char **)at = v;
        ok = 1;
    } else if (op->kind == O_METRES) {
        double m = strtod(v, &end);
        if ((ok = !*end && m >= 0))
            *(double *)at = m;
    } else if (op->kind == O_INT) {
        long n = v ? strtol(v, &end, 10) : 0;
        if ((ok = v && end && !*end && end != v && n >= op->vals[0] && n <= op->vals[1]))
            *(int *)at = (int)n;
    } else { /* O_CHOICE */
        for (size_t k = 0; v && op->words[k] && !ok; k++)
            if ((ok = !strcmp(v, op->words[k])))
                *(int *)at = op->vals[k];
    }
    if (!ok)
        fprintf(stderr, "planner %s: %s %s, got '%s'\n", c->name, a, op->bad, v ? v : "");
    return ok ? 0 : -1;
}

/* A positional argument: the scenario, then a route (reroute, fence), or
 * proposal files (validate).  0, or -1 with the message printed. */
static int take_positional(const command *c, const char *a, pl_opts *o)
{
    if (!o->scenario)
        o->scenario = a;
    else if ((c->fn == pl_cmd_reroute || c->fn == pl_cmd_fence) && !o->route)
        o->route = a;
    else if (c->fn == pl_cmd_validate)
        o->files[o->n_files++] = (char *)a; /* in argv order, each option having taken its value */
    else {
        fprintf(stderr, "planner %s: one scenario only (got '%s' and '%s')\n", c->name, o->scenario, a);
        return -1;
    }
    return 0;
}

/* argv[2..) into o: 0, 1 when --help was asked (and printed), -1 on a
 * mistake (printed). */
static int parse(const command *c, int argc, char **argv, pl_opts *o)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const option *op = a[0] == '-' && a[1] ? find_option(c, a) : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage_cmd(stdout, c);
            return 1;
        } else if (op) {
            if (take_option(c, op, a, argc, argv, &i, o))
                return -1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "planner %s: unknown option '%s'\n", c->name, a);
            usage_cmd(stderr, c);
            return -1;
        } else if (take_positional(c, a, o)) {
            return -1;
        }
    }
    return 0;
}

/* What the command needs beyond its options: 0, or -1 with the message. */
static int complete(const command *c, pl_opts *o)
{
    if (c->fn == pl_cmd_validate && !o->n_files) {
        fprintf(stderr, "planner validate: missing PROPOSALS (one or more files)\n");
        usage_cmd(stderr, c);
        return -1;
    }
    if (c->fn == pl_cmd_validate && !o->scenario) {
        fprintf(stderr, "planner validate: missing SCENARIO\n");
        return -1;
    }
    if ((c->fn == pl_cmd_reroute || c->fn == pl_cmd_fence) && o->scenario && !o->route) {
        fprintf(stderr, "planner %s: missing ROUTE (a route id of the scenario)\n", c->name);
        usage_cmd(stderr, c);
        return -1;
    }
    if (!o->scenario) {
        fprintf(stderr, "planner %s: missing SCENARIO\n", c->name);
        usage_cmd(stderr, c);
        return -1;
    }
    if (c->fn == pl_cmd_zones && !o->zone_format) {
        fprintf(stderr, "planner zones: --format ed269 or --format ed318 is needed\n");
        return -1;
    }
    if (o->out_dir && c->fn == pl_cmd_layers) {
        fprintf(stderr, "planner layers: -o does not apply (layers writes nothing)\n");
        return -1;
    }
    int y, m, d;
    char tail;
    if (o->flight_date && (sscanf(o->flight_date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
                           d < 1 || d > 31 || strlen(o->flight_date) != 10)) {
        fprintf(stderr, "planner %s: --flight-date takes a date YYYY-MM-DD, got '%s'\n", c->name, o->flight_date);
        return -1;
    }
    if (c->fn == pl_cmd_fence && !o->firmware)
        o->firmware = 12;
    return 0;
}

/* PLANNER_DB_TIMEOUT: whole seconds from 2 to 3600 into *t (0, the
 * default, when unset); -1 with a message when it is set to anything else
 * (a typing error never silently becomes the default). */
static int env_timeout(int *t)
{
    const char *e = getenv("PLANNER_DB_TIMEOUT");
    char *end = NULL;
    long v = e && *e ? strtol(e, &end, 10) : 0;
    *t = 0;
    if (!e)
        return 0;
    if (!*e || *end || v < 2 || v > 3600) {
        fprintf(stderr, "planner: error: PLANNER_DB_TIMEOUT '%s': expected whole seconds from 2 to 3600\n", e);
        return -1;
    }
    *t = (int)v;
    return 0;
}

/* history DB, diff DB RUN_A RUN_B: a store, not a scenario */
static int store_command(pl_ctx *ctx, const command *c, int argc, char **argv)
{
    pl_opts so = {0};
    int want = c->fn == pl_cmd_history ? 1 : 3;
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
    if (env_timeout(&so.db_timeout_s))
        return PL_EXIT_BAD;
    so.files = argv + 3;
    return c->fn(ctx, &so);
}

/* ==== dispatch ========================================================= */

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(commands[i].name, name))
            return &commands[i];
    return NULL;
}

/* planner, planner --help, --version, help [COMMAND]: PL_EXIT_*, or -1
 * when argv names a command to run */
static int general(int argc, char **argv)
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
    if (strcmp(name, "help"))
        return -1;
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

int pl_cli_main(pl_ctx *ctx, int argc, char **argv)
{
    int code = general(argc, argv);
    if (code >= 0)
        return code;
    const command *c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "planner: unknown command '%s'\n", argv[1]);
        usage_all(stderr);
        return PL_EXIT_BAD;
    }
    if (!c->options)
        return store_command(ctx, c, argc, argv);
    /* progress lines on a terminal, unless PLANNER_PROGRESS=0 */
    const char *pe = getenv("PLANNER_PROGRESS");
    pl_progress_enable(ctx, !(pe && !strcmp(pe, "0")));
    pl_opts o = {0};
    o.margin_m = PL_REROUTE_MARGIN_M; /* reroute: kept beyond the half-width from every zone */
    if (env_timeout(&o.db_timeout_s)) /* --db-timeout overrides it */
        return PL_EXIT_BAD;
    if (c->fn == pl_cmd_validate && !(o.files = calloc((size_t)argc, sizeof *o.files)))
        return PL_EXIT_BAD; /* proposal files, gathered in argv order */
    int r = parse(c, argc, argv, &o);
    code = r > 0 ? PL_EXIT_OK : r < 0 || complete(c, &o) ? PL_EXIT_BAD : c->fn(ctx, &o);
    free(o.files);
    return code;
}
