/*
 * cli.h - the command line's parsed options and its commands (cli.c parses,
 * commands.c runs them).
 */
#ifndef PL_CLI_H
#define PL_CLI_H

#include "planner.h"

typedef struct pl_opts {
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
    int db_timeout_s;      /* run --db-timeout S, else PLANNER_DB_TIMEOUT: PostGIS connect and statement
                              timeout (0: PL_STORE_TIMEOUT_S) */
    int timing;            /* validate --timing */
    int threads;           /* validate --threads N (0: one per processor) */
    const char *flight_date; /* --flight-date YYYY-MM-DD: the approvals' deadline as a date */
    int lang;              /* run, check, site --lang zh|en: PL_LANG_ZH (default) or PL_LANG_EN */
    const char *index;     /* validate, serve --index FILE: the zone index file (zindex.c) */
} pl_opts;

int pl_cmd_run(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_check(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_layers(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_site(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_reroute(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_validate(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_history(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_zones(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_fence(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_diff(pl_ctx *ctx, const pl_opts *o);
int pl_cmd_serve(pl_ctx *ctx, const pl_opts *o); /* serve.c */
/* Open o->scenario's plan (flags: PL_PLAN_*; --skip-bad added), from the
 * zone index file when o->index is given; warnings and what the index did
 * on stderr.  PL_EXIT_OK, or PL_EXIT_BAD with the error printed. */
int pl_cli_open_plan(pl_ctx *ctx, const pl_opts *o, int flags, pl_plan **p);
/* The ctx's error on stderr, one "planner: error:" line per problem. */
void pl_cli_error(pl_ctx *ctx);
/* The exit code of a worst verdict: 0 free or advisory, 3 approval, 1 forbidden. */
int pl_exit_for(int worst);

#endif
