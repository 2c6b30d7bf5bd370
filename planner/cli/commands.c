/*
 * commands.c - what each command does, in the plan's steps: open the plan
 * (plan.c), take its steps, write its files, print its answer as text
 * (text.c) or JSON (export.c), and choose the exit code.  The options come
 * parsed (cli.c).
 *
 * Entry points: pl_cmd_run, pl_cmd_check, pl_cmd_site, pl_cmd_validate,
 * pl_cmd_reroute, pl_cmd_layers, pl_cmd_zones, pl_cmd_fence, pl_cmd_history,
 * pl_cmd_diff, pl_cli_error.
 *
 * Exit codes: 0 success (check, validate: every route free or advisory);
 * 1 a route is forbidden (check, validate), no path (reroute) or fewer
 * sites (site); 3 a route needs an approval and none is forbidden (check,
 * validate); 2 bad input or failure (the message says which).  Data goes to stdout,
 * messages to stderr.
 */
#include "cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The exit code of the worst verdict: 0 free or advisory, 3 approval, 1 forbidden. */
int pl_exit_for(int worst)
{
    return worst == PL_V_FORBIDDEN ? PL_EXIT_CONFLICT : worst == PL_V_APPROVAL ? PL_EXIT_APPROVAL : PL_EXIT_OK;
}

void pl_cli_error(pl_ctx *ctx)
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


/* A plan open: its issues shown, the options the outputs read set. */
static int plan_ready(const pl_opts *o, int flags, pl_plan *p)
{
    if (!(flags & PL_PLAN_LAYERS_ONLY))
        pl_text_issues(p);
    p->flight_date = o->flight_date; /* the approvals' deadline, when the date is known */
    p->lang = o->lang;               /* report.html, plan.svg and the text: zh (default) or en */
    return PL_EXIT_OK;
}

int pl_cli_open_plan(pl_ctx *ctx, const pl_opts *o, int flags, pl_plan **p)
{
    flags |= o->skip_bad ? PL_PLAN_SKIP_BAD : 0;
    pl_buf note;
    pl_buf_init(&note);
    int rc = o->index ? pl_plan_open_indexed(ctx, o->scenario, flags, o->index, p, &note)
                      : pl_plan_open(ctx, o->scenario, flags, p);
    if (note.n && (o->timing || !strstr(note.s, ": loaded")))
        fprintf(stderr, "planner: %s\n", note.s);
    pl_buf_free(&note);
    if (rc != PL_OK) {
        pl_cli_error(ctx);
        return PL_EXIT_BAD;
    }
    return plan_ready(o, flags, *p);
}

/* The rest of the plan on *p, read by pl_plan_read: freed on failure. */
static int compute_plan(pl_ctx *ctx, const pl_opts *o, int flags, pl_plan **p)
{
    if (pl_plan_compute(ctx, *p, flags | (o->skip_bad ? PL_PLAN_SKIP_BAD : 0)) != PL_OK) {
        pl_cli_error(ctx);
        pl_plan_free(ctx, *p);
        *p = NULL;
        return PL_EXIT_BAD;
    }
    return plan_ready(o, flags, *p);
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
        pl_cli_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}


static int write_plan(pl_ctx *ctx, const pl_plan *p, const char *dir, const pl_opts *o, const pl_outlayer *layers)
{
    if (pl_plan_write(ctx, p, dir, o->kml, layers) != PL_OK) {
        pl_cli_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}

/* Reroute routes[0..n) into rl (pl_plan_reroutes), the error printed. */
static int reroutes_find(pl_ctx *ctx, const pl_plan *p, const pl_route **routes, size_t n, double margin_m,
                         pl_reroute_list *rl)
{
    if (pl_plan_reroutes(ctx, p, routes, n, margin_m, rl) != PL_OK) {
        pl_cli_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}

/* run: the scenario read; where it writes checked (the folder, the store:
 * opened into *store, or NULL with --no-db) before anything is computed;
 * then the plan computed. */
static int run_prepare(pl_ctx *ctx, const pl_opts *o, pl_plan **p, char *dir, size_t n_dir, char *db, size_t n_db,
                       pl_store **store)
{
    *store = NULL;
    if (pl_plan_read(ctx, o->scenario, p) != PL_OK) {
        pl_cli_error(ctx);
        return PL_EXIT_BAD;
    }
    char dflt[1024];
    snprintf(dir, n_dir, "%s", pl_plan_out_dir(*p, o->out_dir, dflt, sizeof dflt));
    if (o->db)
        snprintf(db, n_db, "%s", o->db);
    else /* runs.sqlite beside the run folder */
        pl_plan_store_beside(dir, db, n_db);
    if (pl_folder_check(ctx, dir) != PL_OK || (!o->no_db && pl_store_open(ctx, db, o->db_timeout_s, store) != PL_OK)) {
        pl_cli_error(ctx);
        pl_plan_free(ctx, *p);
        *p = NULL;
        return PL_EXIT_BAD;
    }
    return compute_plan(ctx, o, PL_PLAN_REROUTE, p);
}

int pl_cmd_run(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    pl_store *store = NULL;
    char dir[1024], db[1100];
    int code = run_prepare(ctx, o, &p, dir, sizeof dir, db, sizeof db, &store);
    if (code) {
        pl_store_close(store);
        return code;
    }
    /* the layers once, for the run folder and for the store */
    pl_buf lb[PL_EXPORT_N_LAYERS];
    pl_outlayer ls[PL_EXPORT_N_LAYERS];
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_init(&lb[i]);
    long long run_id = 0;
    if (pl_export_layers(ctx, p, lb, ls) != PL_OK ||
        pl_plan_publish(ctx, p, dir, o->kml, ls, store, &run_id) != PL_OK) {
        pl_cli_error(ctx);
        code = PL_EXIT_BAD;
    }
    pl_store_close(store);
    if (!code) {
        if (o->json) {
            code = emit_json(ctx, p, 0, NULL);
        } else {
            pl_text_head(p);
            pl_text_routes(ctx, p, 0);
            int en = p->lang == PL_LANG_EN;
            printf("%sConflicts: %zu (details: planner check %s)\n", en ? "" : "冲突 ", p->routes->n_c, o->scenario);
            if (p->siting)
                pl_text_siting(p, 0);
            printf("%sPlan written to %s/: report.html, plan.svg, plan.gpkg (QGIS, styled)%s, "
                   "GeoJSON layers with .qml styles, summary.json\n",
                   en ? "" : "已写出 ", dir, o->kml ? ", plan.kml" : "");
            if (run_id)
                printf("%sRecorded as run %lld in %s (planner history %s)\n", en ? "" : "已记录 ", run_id, db, db);
        }
    }
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_free(&lb[i]);
    pl_plan_free(ctx, p);
    return code;
}

int pl_cmd_check(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    int code = pl_cli_open_plan(ctx, o, o->out_dir ? PL_PLAN_REROUTE : 0, &p);
    if (code)
        return code;
    pl_reroute_list rl = {0};
    const pl_route **blocked = NULL;
    if (o->out_dir && (code = write_plan(ctx, p, o->out_dir, o, NULL)) != PL_EXIT_OK)
        goto out;
    if (o->reroute) { /* first: with --json they go inside the one document */
        if (!(blocked = calloc(p->routes->n ? p->routes->n : 1, sizeof *blocked))) {
            fprintf(stderr, "planner: error: out of memory\n");
            code = PL_EXIT_BAD;
            goto out;
        }
        size_t nb = pl_plan_blocked(p, blocked);
        if ((code = reroutes_find(ctx, p, blocked, nb, o->margin_m, &rl)) != PL_EXIT_OK)
            goto out;
    }
    if (o->json) {
        if ((code = emit_json(ctx, p, 0, o->reroute ? &rl : NULL)) != PL_EXIT_OK)
            goto out;
    } else {
        pl_text_head(p);
        pl_text_routes(ctx, p, 1);
        if (o->out_dir)
            printf("%sPlan written to %s/\n", p->lang == PL_LANG_EN ? "" : "已写出 ", o->out_dir);
        pl_text_reroutes(ctx, p, &rl);
    }
    code = pl_exit_for(pl_plan_worst(p));
out:
    pl_plan_reroutes_free(&rl);
    free(blocked);
    pl_plan_free(ctx, p);
    return code;
}


int pl_cmd_site(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    int code = pl_cli_open_plan(ctx, o, 0, &p);
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
            pl_cli_error(ctx);
            code = PL_EXIT_BAD;
        }
        pl_buf_free(&b);
        if (code)
            goto out;
    }
    if (o->explain)
        code = pl_text_explain(p, o->explain);
    else if (o->json)
        code = emit_json(ctx, p, 0, NULL);
    else
        pl_text_siting(p, 1);
    if (!code)
        code = pl_plan_sites_short(p) ? PL_EXIT_CONFLICT : PL_EXIT_OK;
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
        pl_cli_error(ctx);
        return PL_EXIT_BAD;
    }
    return PL_EXIT_OK;
}

int pl_cmd_zones(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    int code = pl_cli_open_plan(ctx, o, PL_PLAN_NO_SITING, &p);
    if (code)
        return code;
    pl_buf b;
    pl_buf_init(&b);
    if (pl_zonex_write(ctx, p, o->zone_format, &b) != PL_OK) {
        pl_cli_error(ctx);
        code = PL_EXIT_BAD;
    } else {
        code = emit_file(ctx, o->out_dir, &b);
    }
    pl_buf_free(&b);
    pl_plan_free(ctx, p);
    return code;
}

int pl_cmd_fence(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    int code = pl_cli_open_plan(ctx, o, PL_PLAN_NO_SITING, &p);
    if (code)
        return code;
    const pl_route *r = find_route(p, o->route);
    pl_buf b;
    pl_buf_init(&b);
    if (!r) {
        fprintf(stderr, "planner fence: no route '%s' in %s\n", o->route, o->scenario);
        code = PL_EXIT_BAD;
    } else if (pl_fence_qgc(ctx, p, r, o->firmware, &b) != PL_OK) {
        pl_cli_error(ctx);
        code = PL_EXIT_BAD;
    } else {
        int v = p->routes->res[r - p->routes->a].verdict;
        if (v >= PL_V_APPROVAL)
            fprintf(stderr, "planner: warning: route %s %s: its exclusion fences cut its own corridor\n", r->id,
                    v == PL_V_FORBIDDEN ? "is forbidden" : "needs an approval");
        code = emit_file(ctx, o->out_dir, &b);
    }
    pl_buf_free(&b);
    pl_plan_free(ctx, p);
    return code;
}

int pl_cmd_history(pl_ctx *ctx, const pl_opts *o)
{
    pl_buf b;
    pl_buf_init(&b);
    int rc = pl_store_history(ctx, o->scenario, o->db_timeout_s, &b);
    if (rc == PL_OK)
        fputs(b.s ? b.s : "", stdout);
    else
        pl_cli_error(ctx);
    pl_buf_free(&b);
    return rc == PL_OK ? PL_EXIT_OK : PL_EXIT_BAD;
}

int pl_cmd_diff(pl_ctx *ctx, const pl_opts *o)
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
    int rc = pl_store_diff(ctx, o->scenario, o->db_timeout_s, id[0], id[1], &b);
    if (rc == PL_OK)
        fputs(b.s ? b.s : "", stdout);
    else
        pl_cli_error(ctx);
    pl_buf_free(&b);
    return rc == PL_OK ? PL_EXIT_OK : PL_EXIT_BAD;
}




/* The found paths of rl as GeoJSON into file (whole). */
static int write_reroutes(pl_ctx *ctx, const pl_plan *p, const pl_reroute_list *rl, const char *file)
{
    pl_buf b;
    pl_buf_init(&b);
    int code = PL_EXIT_OK;
    if (pl_export_reroutes(ctx, p, rl->routes, rl->rr, rl->n, &b) != PL_OK ||
        pl_file_write(ctx, file, b.s, b.n) != PL_OK) {
        pl_cli_error(ctx);
        code = PL_EXIT_BAD;
    }
    pl_buf_free(&b);
    return code;
}

int pl_cmd_reroute(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    int code = pl_cli_open_plan(ctx, o, PL_PLAN_NO_SITING, &p);
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
            pl_cli_error(ctx);
            code = PL_EXIT_BAD;
        } else {
            fputs(b.s, stdout);
        }
        pl_buf_free(&b);
        none = !rl.rr[0].found;
    } else {
        none = pl_text_reroutes(ctx, p, &rl);
    }
    if (!code && o->geojson)
        code = write_reroutes(ctx, p, &rl, o->geojson);
    if (!code && none)
        code = PL_EXIT_CONFLICT;
out:
    pl_plan_reroutes_free(&rl);
    pl_plan_free(ctx, p);
    return code;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}


/* The proposals coloured by verdict as GeoJSON into file (whole). */
static int write_proposals(pl_ctx *ctx, const pl_plan *p, const pl_routeset *props, const pl_proposal_result *res,
                           const char *file)
{
    pl_buf b;
    pl_buf_init(&b);
    int code = PL_EXIT_OK;
    if (pl_export_proposals(ctx, p, props, res, &b) != PL_OK || pl_file_write(ctx, file, b.s, b.n) != PL_OK) {
        pl_cli_error(ctx);
        code = PL_EXIT_BAD;
    }
    pl_buf_free(&b);
    return code;
}

int pl_cmd_validate(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    double t0 = now_ms();
    /* from an index, the zones once the proposals are read (only those near
     * them, for a few); --reroute searches around them: every zone */
    int code = pl_cli_open_plan(ctx, o, o->reroute ? 0 : PL_PLAN_ZONES_LATER, &p);
    if (!code && !p->zdefer && pl_validate_prepare(ctx, p) != PL_OK) { /* the zone index's last part: rings and grids */
        pl_cli_error(ctx);
        pl_plan_free(ctx, p);
        return PL_EXIT_BAD;
    }
    if (code)
        return code;
    double t1 = now_ms();
    pl_batch bt = {0};
    const pl_route **rej = NULL;
    pl_reroute_list rl = {0};
    if (pl_plan_validate(ctx, p, o->files, NULL, o->n_files, o->shift, o->threads,
                         (o->json ? PL_WANT_JSON : PL_WANT_TEXT) | (o->geojson ? PL_WANT_TEXT : 0), &bt) != PL_OK) {
        pl_cli_error(ctx);
        code = PL_EXIT_BAD;
        goto out;
    }
    const pl_routeset *props = bt.props;
    if (bt.note.n)
        fprintf(stderr, "planner: %s\n", bt.note.s);
    if (o->timing) /* for benchmarks: where the time went, on stderr */
        fprintf(stderr, "timing: layers and zone index %.1f ms, proposals read %.1f ms, %zu checked in %.1f ms "
                        "(%.0f a second)\n",
                t1 - t0 + bt.zones_ms, bt.read_ms, props->n, bt.check_ms, props->n / (bt.check_ms / 1000 + 1e-9));
    if (o->reroute && bt.counts[PL_V_FORBIDDEN]) { /* first: with --json they go inside the one document */
        if (!(rej = calloc(props->n, sizeof *rej))) {
            fprintf(stderr, "planner: error: out of memory\n");
            code = PL_EXIT_BAD;
            goto out;
        }
        size_t nr = 0;
        for (size_t i = 0; i < props->n; i++)
            if (bt.res[i].verdict == PL_V_FORBIDDEN)
                rej[nr++] = &props->a[i];
        if ((code = reroutes_find(ctx, p, rej, nr, o->margin_m, &rl)) != PL_EXIT_OK)
            goto out;
    }
    if (o->json) {
        pl_buf b;
        pl_buf_init(&b);
        if (pl_export_validate_json(ctx, p, props, bt.res, o->reroute ? &rl : NULL, &b) != PL_OK) {
            pl_cli_error(ctx);
            code = PL_EXIT_BAD;
        } else {
            fputs(b.s, stdout);
        }
        pl_buf_free(&b);
    } else {
        pl_text_verdicts(props, bt.res, bt.counts);
        pl_text_reroutes(ctx, p, &rl);
    }
    if (!code && o->geojson)
        code = write_proposals(ctx, p, props, bt.res, o->geojson);
    if (!code)
        code = pl_exit_for(bt.counts[PL_V_FORBIDDEN] ? PL_V_FORBIDDEN : bt.counts[PL_V_APPROVAL] ? PL_V_APPROVAL : PL_V_FREE);
out:
    pl_plan_reroutes_free(&rl);
    free(rej);
    pl_batch_free(ctx, &bt);
    pl_plan_free(ctx, p);
    return code;
}

int pl_cmd_layers(pl_ctx *ctx, const pl_opts *o)
{
    pl_plan *p = NULL;
    int code = pl_cli_open_plan(ctx, o, PL_PLAN_LAYERS_ONLY, &p);
    if (code)
        return code;
    if (o->json) {
        code = emit_json(ctx, p, 1, NULL);
    } else {
        pl_text_layers(p);
    }
    pl_plan_free(ctx, p);
    return code;
}

