/*
 * store.c - every run kept and comparable: a SpatiaLite file (by default
 * runs.sqlite beside the run folders) or a PostGIS database shared by a team
 * (PG:...), both through GDAL, so one code path serves both.
 *
 * Entry points: pl_store_open, pl_store_begin, pl_store_commit,
 * pl_store_close, pl_store_record, pl_store_history, pl_store_diff.
 *
 * A run opens and checks its store before it computes anything
 * (pl_store_open: a SpatiaLite file passes PRAGMA quick_check, its runs
 * table has run_id, a write transaction can be begun, its folder locked;
 * PostGIS answers within the timeout), writes its rows in a transaction
 * (pl_store_begin), swaps its folder in, then commits (pl_store_commit):
 * killed before the commit, the store has not the run, whatever the
 * folder; after, the folder is the run's.  So the store never lists a run
 * whose folder is not there.
 *
 * Every PostGIS connection has a connect timeout and a statement timeout
 * (pl_store_open's timeout_s, default PL_STORE_TIMEOUT_S): a server that
 * does not answer is an error naming its host, never a wait for ever.
 *
 * Tables: runs (one row per run: when, scenario name, file, SHA-256 of the
 * scenario and of its data files, the scenario text, results) and
 * run_<layer> (zones, coverage, conflicts, routes, reroutes, candidates,
 * vertiports; every feature tagged with its run_id), with spatial indexes,
 * geometries in the working CRS.  A run is written in one transaction: a
 * failed or killed run leaves the store as it was.  Writers to one SQLite
 * store take turns (an exclusive lock on its folder while writing); on
 * PostGIS a transaction-scoped advisory lock does the same.
 */
#include "planner.h"

#include <gdal.h>
#include <ogr_api.h>
#include <cpl_conv.h>
#include <cpl_string.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define RUN_FIELD "run_id"
#define PREFIX "run_"

static int is_pg(const char *db) { return !strncmp(db, "PG:", 3); }

/* The host (and port) a PG: connection string names, into out. */
static void pg_host(const char *db, char *out, size_t n)
{
    const char *h = strstr(db, "host="), *p = strstr(db, "port=");
    if (h && (h == db + 3 || h[-1] == ' ' || h[-1] == 'r')) /* host= or hostaddr= */
        snprintf(out, n, "%.*s", (int)strcspn(h + 5, " '"), h + 5);
    else
        snprintf(out, n, "localhost (its socket)");
    if (p && (p == db + 3 || p[-1] == ' ') && strlen(out) + 16 < n)
        snprintf(out + strlen(out), n - strlen(out), " port %.*s", (int)strcspn(p + 5, " '"), p + 5);
}

/* db with a connect timeout and a statement timeout of timeout_s seconds
 * (unless it sets them: pg_own_timeouts checked those), as libpq reads them: a new string. */
static char *pg_with_timeouts(const char *db, int timeout_s)
{
    char *c = malloc(strlen(db) + 96);
    if (!c)
        return NULL;
    strcpy(c, db);
    if (!strstr(db, "connect_timeout="))
        sprintf(c + strlen(c), " connect_timeout=%d", timeout_s);
    if (!strstr(db, "options="))
        sprintf(c + strlen(c), " options='-c statement_timeout=%d'", timeout_s * 1000);
    return c;
}

/* Timeouts the connection string sets itself: a connect_timeout of 2 to
 * 3600 s (0 is libpq's "wait for ever"), and options only with a
 * statement_timeout (else no statement would have one).  PL_OK with
 * *timeout_s the connect timeout in force, or exit 2 naming the key. */
static int pg_own_timeouts(pl_ctx *ctx, const char *db, int *timeout_s)
{
    const char *ct = strstr(db, "connect_timeout=");
    if (ct) {
        char *end = NULL;
        long v = strtol(ct + 16, &end, 10);
        if (end == ct + 16 || (*end && *end != ' ') || v < 2 || v > 3600)
            return pl_error(ctx, PL_PARSE, "%s: connect_timeout must be whole seconds from 2 to 3600 (0 waits for "
                            "ever); or leave it out and use --db-timeout", db);
        *timeout_s = (int)v;
    }
    if (strstr(db, "options=") && !strstr(db, "statement_timeout"))
        return pl_error(ctx, PL_PARSE, "%s: options= without -c statement_timeout=MS would leave every statement "
                        "without a time limit; add it, or leave options out", db);
    return PL_OK;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Open the store; create a SpatiaLite file when asked and missing.  A
 * PostGIS one with its timeouts (timeout_s). */
static GDALDatasetH store_open(pl_ctx *ctx, const char *db, int create, int timeout_s)
{
    struct stat st;
    GDALDatasetH ds = NULL;
    pl_libmsg_clear(ctx);
    if (timeout_s <= 0)
        timeout_s = PL_STORE_TIMEOUT_S;
    timeout_s = timeout_s < 2 ? 2 : timeout_s; /* libpq waits 2 s at least */
    if (!is_pg(db) && pl_path_check(ctx, db, "run store", NULL, 0) != PL_OK)
        return NULL; /* a named pipe would hang the open */
    if (is_pg(db) && pg_own_timeouts(ctx, db, &timeout_s) != PL_OK)
        return NULL;
    if (is_pg(db)) {
        const char *drv[] = {"PostgreSQL", NULL};
        char *conn = pg_with_timeouts(db, timeout_s), host[256];
        double t0 = now_s();
        ds = conn ? GDALOpenEx(conn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drv, NULL, NULL) : NULL;
        free(conn);
        pg_host(db, host, sizeof host);
        if (!ds && (now_s() - t0 >= timeout_s - 0.5 || strstr(pl_libmsg(ctx), "timeout")))
            pl_error(ctx, PL_IO, "%s: the PostGIS server %s did not answer within %d s (--db-timeout or "
                                 "PLANNER_DB_TIMEOUT sets the limit)", db, host, timeout_s);
        else if (!ds) {
            char why[1024];
            snprintf(why, sizeof why, "%s", pl_libmsg(ctx));
            for (char *c = why; *c; c++) /* libpq's lines: one line */
                *c = *c == '\n' || *c == '\t' ? ' ' : *c;
            pl_error(ctx, PL_IO, "%s: cannot open the PostGIS store on %s: %s", db, host, why);
        }
    } else if (stat(db, &st) == 0) {
        const char *drv[] = {"SQLite", NULL};
        ds = GDALOpenEx(db, GDAL_OF_VECTOR | GDAL_OF_UPDATE, drv, NULL, NULL);
        if (!ds && strstr(pl_libmsg(ctx), "database is locked"))
            pl_error(ctx, PL_IO, "%s: the run store is locked by another program (SQLite: database is locked); "
                     "try again when it is done", db);
        else if (!ds) /* GDAL says nothing of a file no driver knows */
            pl_error(ctx, PL_IO, "%s: not a run store (SpatiaLite): %s", db,
                     strcmp(pl_libmsg(ctx), "no detail") ? pl_libmsg(ctx) : "not a SQLite database");
    } else if (!create) {
        pl_error(ctx, PL_IO, "%s: no such run store (planner run --db %s makes one)", db, db);
    } else {
        GDALDriverH d = GDALGetDriverByName("SQLite");
        char **dsco = CSLSetNameValue(NULL, "SPATIALITE", "YES");
        ds = d ? GDALCreate(d, db, 0, 0, 0, GDT_Unknown, dsco) : NULL;
        CSLDestroy(dsco);
        if (!ds)
            pl_error(ctx, PL_IO, "%s: cannot create the run store: %s", db, pl_libmsg(ctx));
    }
    return ds;
}

/* Writers of one SQLite store take turns: an exclusive lock on its folder
 * (SQLite's own locks would make the second writer fail, not wait). */
static int store_lock(pl_ctx *ctx, const char *db, int *fd)
{
    *fd = -1;
    if (is_pg(db))
        return PL_OK;
    char *dir = pl_strdup(db);
    if (!dir)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    *fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = PL_OK;
    if (*fd < 0 || flock(*fd, LOCK_EX) != 0)
        rc = pl_error(ctx, PL_IO, "%s: cannot lock the store's folder %s: %s", db, slash ? dir : ".",
                      strerror(errno));
    free(dir);
    return rc;
}

static void store_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the lock */
}

/* ==== recording a run ================================================== */

static const struct {
    const char *name;
    OGRFieldType t;
} run_cols[] = {
    {RUN_FIELD, OFTInteger64},     {"started_utc", OFTString},  {"scenario", OFTString},
    {"title", OFTString},          {"scenario_file", OFTString}, {"scenario_sha256", OFTString},
    {"data_sha256", OFTString},    {"crs", OFTString},          {"output", OFTString},
    {"routes", OFTInteger},        {"routes_free", OFTInteger}, {"routes_advisory", OFTInteger},
    {"routes_approval", OFTInteger}, {"routes_forbidden", OFTInteger}, {"conflicts", OFTInteger},
    {"sites_built", OFTInteger},
    {"sites_new", OFTInteger},     {"demand_covered", OFTReal}, {"demand_total", OFTReal},
    {"siting_bound", OFTReal},     {"siting_gap", OFTReal},     {"scenario_text", OFTString},
};
#define N_RUN_COLS (sizeof run_cols / sizeof run_cols[0])

static OGRLayerH runs_layer(pl_ctx *ctx, GDALDatasetH ds, int create)
{
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "runs");
    if (!create)
        return l;
    if (!l)
        l = GDALDatasetCreateLayer(ds, "runs", NULL, wkbNone, NULL);
    /* every column, added where a store of an older version lacks one (its
     * runs keep their columns; the new ones are empty for them) */
    for (size_t i = 0; l && i < N_RUN_COLS; i++) {
        if (OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), run_cols[i].name) >= 0)
            continue;
        OGRFieldDefnH fd = OGR_Fld_Create(run_cols[i].name, run_cols[i].t);
        if (OGR_L_CreateField(l, fd, TRUE) != OGRERR_NONE)
            l = NULL;
        OGR_Fld_Destroy(fd);
    }
    if (!l)
        pl_error(ctx, PL_IO, "runs: cannot create the table: %s", pl_libmsg(ctx));
    return l;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    pl_buf b;
    pl_buf_init(&b);
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
        pl_buf_putn(&b, chunk, k);
    fclose(f);
    if (b.oom) {
        pl_buf_free(&b);
        return NULL;
    }
    return b.s ? b.s : pl_strdup("");
}

/* SHA-256 over each data file's path and hash, in scenario order: the
 * data a run read, in one value. */
static void data_hash(const pl_plan *p, char out[65])
{
    pl_sha256 s;
    pl_sha256_init(&s);
    for (size_t i = 0; i < p->n_layers; i++) {
        char h[65] = "unreadable";
        pl_sha256_file(p->layers[i]->decl->path, h);
        pl_sha256_add(&s, p->layers[i]->decl->path, strlen(p->layers[i]->decl->path));
        pl_sha256_add(&s, h, strlen(h));
    }
    pl_sha256_hex(&s, out);
}

static int fill_run(pl_ctx *ctx, const pl_plan *p, const char *out_dir, long long id, OGRFeatureH f)
{
    char when[32], sh[65] = "", dh[65];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    char *text = read_text(p->sc->file);
    if (!text)
        return pl_error(ctx, PL_IO, "%s: cannot read the scenario again to record it", p->sc->file);
    pl_sha256 s;
    pl_sha256_init(&s);
    pl_sha256_add(&s, text, strlen(text));
    pl_sha256_hex(&s, sh);
    data_hash(p, dh);
    size_t nv[PL_V__N] = {0}, built = 0;
    for (size_t i = 0; i < p->routes->n; i++)
        nv[p->routes->res[i].verdict]++;
    OGR_F_SetFieldInteger64(f, OGR_F_GetFieldIndex(f, RUN_FIELD), id);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "started_utc"), when);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "scenario"), p->sc->name);
    if (p->sc->title)
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "title"), p->sc->title);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "scenario_file"), p->sc->file);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "scenario_sha256"), sh);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "data_sha256"), dh);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "crs"), p->sc->work_crs);
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "output"), out_dir);
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "routes"), (int)p->routes->n);
    for (int v = 0; v < PL_V__N; v++) {
        char col[32];
        snprintf(col, sizeof col, "routes_%s", pl_verdict_names[v]);
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, col), (int)nv[v]);
    }
    OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "conflicts"), (int)p->routes->n_c);
    if (p->siting) {
        for (size_t i = 0; i < p->siting->n; i++)
            built += p->siting->a[i].existing;
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "sites_built"), (int)built);
        OGR_F_SetFieldInteger(f, OGR_F_GetFieldIndex(f, "sites_new"), (int)p->siting->n_new);
        OGR_F_SetFieldDouble(f, OGR_F_GetFieldIndex(f, "demand_covered"), p->siting->covered_w);
        OGR_F_SetFieldDouble(f, OGR_F_GetFieldIndex(f, "demand_total"), p->siting->total_w);
        OGR_F_SetFieldDouble(f, OGR_F_GetFieldIndex(f, "siting_bound"), p->siting->bound);
        OGR_F_SetFieldDouble(f, OGR_F_GetFieldIndex(f, "siting_gap"), p->siting->gap);
    }
    OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "scenario_text"), text);
    free(text);
    return PL_OK;
}

/* ==== the store of a run: checked first, the run's rows, the commit ==== */

struct pl_store {
    char *db;            /* as given: a file or PG:... */
    int timeout_s;       /* PostGIS: connect and statement timeout */
    int lock_fd;         /* the store's folder, locked (SQLite), or -1 */
    GDALDatasetH ds;     /* open: a store that was there, PostGIS; else made by pl_store_begin */
    int in_tx;           /* a transaction is open */
};

/* The store's first row of SQL's answer, as text into out ("" when none);
 * -1 when the SQL fails. */
static int sql_text(GDALDatasetH ds, const char *sql, char *out, size_t n)
{
    OGRLayerH r = GDALDatasetExecuteSQL(ds, sql, NULL, NULL);
    OGRFeatureH f = r ? OGR_L_GetNextFeature(r) : NULL;
    snprintf(out, n, "%s", f && OGR_F_IsFieldSetAndNotNull(f, 0) ? OGR_F_GetFieldAsString(f, 0) : "");
    if (f)
        OGR_F_Destroy(f);
    if (r)
        GDALDatasetReleaseResultSet(ds, r);
    return r || !CPLGetLastErrorType() ? 0 : -1;
}

/* An existing SpatiaLite store: readable and writable (its folder too, for
 * the journal), whole (PRAGMA quick_check), a runs table with run_id, and
 * a write transaction can begin (BEGIN IMMEDIATE, rolled back). */
static int check_sqlite(pl_ctx *ctx, pl_store *s)
{
    char msg[512], *dir = pl_strdup(s->db);
    if (!dir)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    char *slash = strrchr(dir, '/');
    if (slash)
        *(slash == dir ? slash + 1 : slash) = '\0';
    int rc = PL_OK;
    if (access(s->db, R_OK | W_OK) != 0 || access(slash ? dir : ".", W_OK | X_OK) != 0)
        rc = pl_error(ctx, PL_IO, "%s: the run store cannot be written (%s): %s", s->db,
                      access(s->db, R_OK | W_OK) ? "the file" : "its folder", strerror(errno));
    free(dir);
    if (rc == PL_OK && !(s->ds = store_open(ctx, s->db, 0, s->timeout_s)))
        return pl_errcode(ctx);
    CPLErrorReset();
    int bad = rc == PL_OK && (sql_text(s->ds, "PRAGMA quick_check", msg, sizeof msg) || strcmp(msg, "ok"));
    for (char *c = msg; *c; c++)
        *c = *c == '\n' ? ';' : *c; /* one line */
    if (bad)
        rc = pl_error(ctx, PL_IO, "%s: the run store is damaged (SQLite's quick_check: %s)", s->db,
                      *msg ? msg : pl_libmsg(ctx));
    if (rc == PL_OK && (sql_text(s->ds, "BEGIN IMMEDIATE", msg, sizeof msg) ||
                        sql_text(s->ds, "ROLLBACK TRANSACTION", msg, sizeof msg)))
        rc = pl_error(ctx, PL_IO, "%s: the run store cannot be locked for writing: %s", s->db, pl_libmsg(ctx));
    return rc;
}

/* A store that is there: its runs table, when it has one, is ours.  A
 * SpatiaLite file without one must hold no table either (a new store, or
 * one whose first run was killed): another program's database is not
 * written into.  A PostGIS database is shared: its other tables are others'. */
static int check_schema(pl_ctx *ctx, pl_store *s)
{
    OGRLayerH runs = runs_layer(ctx, s->ds, 0);
    if (runs && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(runs), RUN_FIELD) < 0)
        return pl_error(ctx, PL_IO, "%s: its table 'runs' has no column %s: not a run store of the planner", s->db,
                        RUN_FIELD);
    if (!runs && !is_pg(s->db) && GDALDatasetGetLayerCount(s->ds) > 0)
        return pl_error(ctx, PL_IO, "%s: holds other tables (%s, ...) and no table 'runs': not a run store of "
                        "the planner (--db names a new file for one)", s->db,
                        OGR_L_GetName(GDALDatasetGetLayer(s->ds, 0)));
    return PL_OK;
}

/* A store still to be made: the nearest folder above it that is there can
 * be written. */
static int check_new(pl_ctx *ctx, const char *db)
{
    char *d = pl_strdup(db);
    if (!d)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    const char *up = ".";
    struct stat st;
    for (char *slash; (slash = strrchr(d, '/'));) {
        *(slash == d ? slash + 1 : slash) = '\0';
        up = d;
        if (stat(d, &st) == 0 || slash == d)
            break;
        up = ".";
    }
    int rc = access(up, W_OK | X_OK) == 0 ? PL_OK
             : pl_error(ctx, PL_IO, "%s: the run store cannot be made: %s cannot be written: %s", db, up,
                        strerror(errno));
    free(d);
    return rc;
}

int pl_store_open(pl_ctx *ctx, const char *db, int timeout_s, pl_store **out)
{
    struct stat st;
    *out = NULL;
    pl_store *s = calloc(1, sizeof *s);
    if (!s || !(s->db = pl_strdup(db))) {
        free(s);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    s->lock_fd = -1;
    s->timeout_s = timeout_s > 0 ? timeout_s : PL_STORE_TIMEOUT_S;
    pl_progress(ctx, "opening the run store %s", db);
    pl_gdal_errors_push(ctx);
    int rc = PL_OK;
    if (is_pg(db)) {
        if (!(s->ds = store_open(ctx, db, 0, s->timeout_s)))
            rc = pl_errcode(ctx);
    } else if ((rc = pl_path_check(ctx, db, "run store", NULL, 0)) == PL_OK) {
        char *dir = pl_strdup(db), *slash = dir ? strrchr(dir, '/') : NULL;
        if (slash)
            *(slash == dir ? slash + 1 : slash) = '\0';
        if (dir && stat(slash ? dir : ".", &st) == 0) /* else locked when made (pl_store_begin) */
            rc = store_lock(ctx, db, &s->lock_fd);
        free(dir);
        if (rc == PL_OK)
            rc = stat(db, &st) == 0 ? check_sqlite(ctx, s) : check_new(ctx, db);
    }
    if (rc == PL_OK && s->ds)
        rc = check_schema(ctx, s);
    pl_gdal_errors_pop();
    pl_progress_end(ctx);
    if (rc != PL_OK)
        pl_store_close(s);
    else
        *out = s;
    return rc;
}

int pl_store_begin(pl_ctx *ctx, pl_store *s, const pl_plan *p, const char *out_dir, const pl_outlayer *layers,
                   long long *run_id)
{
    int rc = PL_OK;
    pl_buf b[PL_EXPORT_N_LAYERS];
    pl_outlayer ls[PL_EXPORT_N_LAYERS];
    char names[PL_EXPORT_N_LAYERS][48];
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_init(&b[i]);
    if (layers)
        memcpy(ls, layers, sizeof ls);
    else if ((rc = pl_export_layers(ctx, p, b, ls)) != PL_OK)
        goto out;
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++) {
        snprintf(names[i], sizeof names[i], PREFIX "%s", ls[i].name);
        ls[i].name = names[i];
    }
    pl_progress(ctx, "recording the run in %s", s->db);
    pl_fault_step(ctx, "record the run in the store");
    if (!is_pg(s->db) && s->lock_fd < 0 && (rc = store_lock(ctx, s->db, &s->lock_fd)) != PL_OK)
        goto out;
    pl_gdal_errors_push(ctx);
    if (!s->ds && !(s->ds = store_open(ctx, s->db, 1, s->timeout_s))) {
        rc = pl_errcode(ctx);
        goto out_pop;
    }
    if (GDALDatasetStartTransaction(s->ds, FALSE) != OGRERR_NONE) {
        rc = pl_error(ctx, PL_IO, "%s: cannot start a transaction: %s", s->db, pl_libmsg(ctx));
        goto out_pop;
    }
    s->in_tx = 1;
    if (is_pg(s->db)) { /* one writer at a time on a shared database, waiting the statement timeout at most */
        CPLErrorReset();
        OGRLayerH r = GDALDatasetExecuteSQL(s->ds, "SELECT pg_advisory_xact_lock(7480612025)", NULL, NULL);
        if (r)
            GDALDatasetReleaseResultSet(s->ds, r);
        else if (CPLGetLastErrorType() >= CE_Failure) {
            rc = pl_error(ctx, PL_IO, "%s: the store's write lock was not had within %d s (another run holds it?): %s",
                          s->db, s->timeout_s < 2 ? 2 : s->timeout_s, pl_libmsg(ctx));
            goto out_pop;
        }
    }
    OGRLayerH runs = runs_layer(ctx, s->ds, 1);
    if (!runs) {
        rc = pl_errcode(ctx);
        goto out_pop;
    }
    long long id = 0;
    OGRFeatureH f;
    OGR_L_ResetReading(runs);
    while ((f = OGR_L_GetNextFeature(runs))) {
        long long k = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, RUN_FIELD));
        id = k > id ? k : id;
        OGR_F_Destroy(f);
    }
    id++;
    f = OGR_F_Create(OGR_L_GetLayerDefn(runs));
    rc = fill_run(ctx, p, out_dir, id, f);
    if (rc == PL_OK && OGR_L_CreateFeature(runs, f) != OGRERR_NONE)
        rc = pl_error(ctx, PL_IO, "%s: cannot record the run: %s", s->db, pl_libmsg(ctx));
    OGR_F_Destroy(f);
    if (rc == PL_OK)
        rc = pl_ogr_copy(ctx, s->ds, p->sc->work_crs, ls, PL_EXPORT_N_LAYERS, 0, RUN_FIELD, id);
    if (rc == PL_OK)
        *run_id = id;
out_pop:
    pl_gdal_errors_pop();
out:
    pl_progress_end(ctx);
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_free(&b[i]);
    return rc;
}

int pl_store_commit(pl_ctx *ctx, pl_store *s)
{
    if (!s->in_tx)
        return pl_error(ctx, PL_MISUSE, "%s: no run to commit", s->db);
    pl_fault_pause("store");
    pl_fault_step(ctx, "commit the store");
    pl_gdal_errors_push(ctx);
    s->in_tx = 0;
    int rc = GDALDatasetCommitTransaction(s->ds) == OGRERR_NONE
                 ? PL_OK : pl_error(ctx, PL_IO, "%s: cannot commit the run: %s", s->db, pl_libmsg(ctx));
    pl_gdal_errors_pop();
    return rc;
}

void pl_store_close(pl_store *s)
{
    if (!s)
        return;
    if (s->ds && s->in_tx)
        GDALDatasetRollbackTransaction(s->ds);
    if (s->ds)
        GDALClose(s->ds);
    store_unlock(s->lock_fd);
    free(s->db);
    free(s);
}

int pl_store_record(pl_ctx *ctx, const pl_plan *p, const char *db, const char *out_dir, const pl_outlayer *layers,
                    long long *run_id)
{
    pl_store *s = NULL;
    int rc = pl_store_open(ctx, db, 0, &s);
    if (rc == PL_OK)
        rc = pl_store_begin(ctx, s, p, out_dir, layers, run_id);
    if (rc == PL_OK)
        rc = pl_store_commit(ctx, s);
    pl_store_close(s);
    return rc;
}

/* ==== reading runs ===================================================== */

static const char *fstr(OGRFeatureH f, const char *k)
{
    int i = OGR_F_GetFieldIndex(f, k);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : NULL;
}

static double fnum(OGRFeatureH f, const char *k)
{
    int i = OGR_F_GetFieldIndex(f, k);
    return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsDouble(f, i) : NAN;
}

static OGRFeatureH run_row(pl_ctx *ctx, GDALDatasetH ds, const char *db, long long id)
{
    OGRLayerH runs = runs_layer(ctx, ds, 0);
    if (!runs) {
        pl_error(ctx, PL_IO, "%s: no runs recorded", db);
        return NULL;
    }
    char where[64];
    snprintf(where, sizeof where, RUN_FIELD " = %lld", id);
    OGR_L_SetAttributeFilter(runs, where);
    OGR_L_ResetReading(runs);
    OGRFeatureH f = OGR_L_GetNextFeature(runs);
    OGR_L_SetAttributeFilter(runs, NULL);
    if (!f)
        pl_error(ctx, PL_MISUSE, "%s: no run %lld ('planner history %s' lists them)", db, id, db);
    return f;
}

int pl_store_history(pl_ctx *ctx, const char *db, int timeout_s, pl_buf *out)
{
    pl_gdal_errors_push(ctx);
    GDALDatasetH ds = store_open(ctx, db, 0, timeout_s);
    int rc = ds ? PL_OK : pl_errcode(ctx);
    OGRLayerH runs = ds ? runs_layer(ctx, ds, 0) : NULL;
    if (ds && !runs)
        pl_buf_printf(out, "%s: no runs recorded yet\n", db);
    if (runs) {
        pl_buf_printf(out, "%-4s %-20s %-22s %-12s %-12s %-14s %-9s %s\n", "run", "started (UTC)", "scenario",
                      "scenario", "data", "routes f/a/r/x", "sites", "demand covered");
        /* in run order, whatever order the database returns */
        size_t n = (size_t)OGR_L_GetFeatureCount(runs, TRUE), k = 0;
        OGRFeatureH *rows = calloc(n ? n : 1, sizeof *rows);
        OGRFeatureH f;
        OGR_L_ResetReading(runs);
        while (rows && k < n && (f = OGR_L_GetNextFeature(runs)))
            rows[k++] = f;
        for (size_t i = 0; rows && i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                if (fnum(rows[j], RUN_FIELD) < fnum(rows[i], RUN_FIELD)) {
                    OGRFeatureH t = rows[i];
                    rows[i] = rows[j];
                    rows[j] = t;
                }
        for (size_t i = 0; rows && i < k; i++) {
            f = rows[i];
            const char *sh = fstr(f, "scenario_sha256"), *dh = fstr(f, "data_sha256");
            char routes[48], sites[32] = "—", cov[64] = "—";
            /* free/advisory/approval/forbidden; a run of an older version: its clear/warning/blocked */
            if (isfinite(fnum(f, "routes_free")))
                snprintf(routes, sizeof routes, "%.0f/%.0f/%.0f/%.0f", fnum(f, "routes_free"),
                         fnum(f, "routes_advisory"), fnum(f, "routes_approval"), fnum(f, "routes_forbidden"));
            else
                snprintf(routes, sizeof routes, "old %.0f/%.0f/%.0f", fnum(f, "routes_clear"),
                         fnum(f, "routes_warning"), fnum(f, "routes_blocked"));
            if (isfinite(fnum(f, "sites_new"))) {
                snprintf(sites, sizeof sites, "%.0f+%.0f", fnum(f, "sites_built"), fnum(f, "sites_new"));
                snprintf(cov, sizeof cov, "%.1f of %.1f (gap %.2f %%)", fnum(f, "demand_covered"),
                         fnum(f, "demand_total"), 100 * fnum(f, "siting_gap"));
            }
            pl_buf_printf(out, "%-4.0f %-20s %-22s %-12.12s %-12.12s %-14s %-9s %s\n", fnum(f, RUN_FIELD),
                          fstr(f, "started_utc"), fstr(f, "scenario"), sh ? sh : "", dh ? dh : "", routes,
                          sites, cov);
            OGR_F_Destroy(f);
        }
        if (!rows)
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
        free(rows);
    }
    if (ds)
        GDALClose(ds);
    pl_gdal_errors_pop();
    return rc;
}

/* ==== comparing two runs =============================================== */

typedef struct item {
    char *id, *name, *value;
} item;

typedef struct items {
    item *a;
    size_t n;
} items;

static void items_free(items *it)
{
    for (size_t i = 0; i < it->n; i++) {
        free(it->a[i].id);
        free(it->a[i].name);
        free(it->a[i].value);
    }
    free(it->a);
}

static const item *items_find(const items *it, const char *id)
{
    for (size_t i = 0; i < it->n; i++)
        if (!strcmp(it->a[i].id, id))
            return &it->a[i];
    return NULL;
}

/* id, name and one field of every feature of a run's layer */
static int read_items(pl_ctx *ctx, GDALDatasetH ds, const char *layer, long long run, const char *field,
                      items *out)
{
    memset(out, 0, sizeof *out);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, layer);
    if (!l)
        return PL_OK; /* the run had no such layer (no siting) */
    char where[64];
    snprintf(where, sizeof where, RUN_FIELD " = %lld", run);
    OGR_L_SetAttributeFilter(l, where);
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    int rc = PL_OK;
    while ((f = OGR_L_GetNextFeature(l))) {
        item *a = realloc(out->a, (out->n + 1) * sizeof *a);
        if (!a) {
            OGR_F_Destroy(f);
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            break;
        }
        out->a = a;
        const char *id = fstr(f, "id"), *nm = fstr(f, "name"), *v = field ? fstr(f, field) : NULL;
        a[out->n].id = pl_strdup(id ? id : "?");
        a[out->n].name = pl_strdup(nm ? nm : "");
        a[out->n].value = pl_strdup(v ? v : "");
        out->n++;
        OGR_F_Destroy(f);
    }
    OGR_L_SetAttributeFilter(l, NULL);
    return rc;
}

/* lines of a not in b (as multisets), in a's order */
static void lines_only(const char *a, const char *b, const char *mark, pl_buf *out, size_t *count)
{
    char *bb = pl_strdup(b ? b : "");
    if (!bb)
        return;
    const char *s = a ? a : "";
    while (*s) {
        size_t k = strcspn(s, "\n");
        int found = k == 0; /* blank lines do not count */
        for (char *t = bb; !found && *t;) {
            size_t m = strcspn(t, "\n");
            if (m == k && !strncmp(t, s, k) && *t != '\x01') {
                *t = '\x01'; /* used once */
                found = 1;
                break;
            }
            t += m + (t[m] == '\n');
        }
        if (!found && k) {
            pl_buf_printf(out, "  %s %.*s\n", mark, (int)k, s);
            (*count)++;
        }
        s += k + (s[k] == '\n');
    }
    free(bb);
}

int pl_store_diff(pl_ctx *ctx, const char *db, int timeout_s, long long ra, long long rb, pl_buf *out)
{
    pl_gdal_errors_push(ctx);
    GDALDatasetH ds = store_open(ctx, db, 0, timeout_s);
    OGRFeatureH fa = ds ? run_row(ctx, ds, db, ra) : NULL;
    OGRFeatureH fb = fa ? run_row(ctx, ds, db, rb) : NULL;
    items va = {0}, vb = {0}, xa = {0}, xb = {0};
    int rc = fb ? PL_OK : pl_errcode(ctx);
    if (rc == PL_OK)
        rc = read_items(ctx, ds, PREFIX "vertiports", ra, "status", &va);
    if (rc == PL_OK)
        rc = read_items(ctx, ds, PREFIX "vertiports", rb, "status", &vb);
    if (rc == PL_OK)
        rc = read_items(ctx, ds, PREFIX "routes", ra, "verdict", &xa);
    if (rc == PL_OK)
        rc = read_items(ctx, ds, PREFIX "routes", rb, "verdict", &xb);
    if (rc == PL_OK) {
        pl_buf_printf(out, "Run %lld (%s, %s) -> run %lld (%s, %s)\n", ra, fstr(fa, "scenario"),
                      fstr(fa, "started_utc"), rb, fstr(fb, "scenario"), fstr(fb, "started_utc"));
        /* what was changed: the scenario text and the data */
        const char *sa = fstr(fa, "scenario_sha256"), *sb = fstr(fb, "scenario_sha256");
        if (sa && sb && !strcmp(sa, sb)) {
            pl_buf_puts(out, "Scenario: unchanged\n");
        } else {
            pl_buf lines;
            pl_buf_init(&lines);
            size_t n = 0;
            lines_only(fstr(fa, "scenario_text"), fstr(fb, "scenario_text"), "-", &lines, &n);
            lines_only(fstr(fb, "scenario_text"), fstr(fa, "scenario_text"), "+", &lines, &n);
            pl_buf_printf(out, "Scenario: %zu line%s changed\n%s", n, n == 1 ? "" : "s", lines.s ? lines.s : "");
            pl_buf_free(&lines);
        }
        const char *da = fstr(fa, "data_sha256"), *dbh = fstr(fb, "data_sha256");
        pl_buf_printf(out, "Data: %s\n", da && dbh && !strcmp(da, dbh) ? "unchanged" : "changed");
        /* sites added and dropped */
        pl_buf sites;
        pl_buf_init(&sites);
        size_t added = 0, dropped = 0;
        for (size_t i = 0; i < vb.n; i++)
            if (!items_find(&va, vb.a[i].id)) {
                pl_buf_printf(&sites, "  + %s %s (%s)\n", vb.a[i].id, vb.a[i].name, vb.a[i].value);
                added++;
            }
        for (size_t i = 0; i < va.n; i++)
            if (!items_find(&vb, va.a[i].id)) {
                pl_buf_printf(&sites, "  - %s %s (%s)\n", va.a[i].id, va.a[i].name, va.a[i].value);
                dropped++;
            }
        if (va.n || vb.n) /* runs without siting have no sites to compare */
            pl_buf_printf(out, "Sites: %zu added, %zu dropped (%zu -> %zu)\n%s", added, dropped, va.n, vb.n,
                          sites.s ? sites.s : "");
        pl_buf_free(&sites);
        /* routes whose verdict changed, added or dropped */
        pl_buf routes;
        pl_buf_init(&routes);
        size_t changed = 0;
        for (size_t i = 0; i < xb.n; i++) {
            const item *o = items_find(&xa, xb.a[i].id);
            if (!o)
                pl_buf_printf(&routes, "  + %s %s: %s\n", xb.a[i].id, xb.a[i].name, xb.a[i].value);
            else if (strcmp(o->value, xb.a[i].value))
                pl_buf_printf(&routes, "  %s %s: %s -> %s\n", xb.a[i].id, xb.a[i].name, o->value, xb.a[i].value);
            else
                continue;
            changed++;
        }
        for (size_t i = 0; i < xa.n; i++)
            if (!items_find(&xb, xa.a[i].id)) {
                pl_buf_printf(&routes, "  - %s %s: %s\n", xa.a[i].id, xa.a[i].name, xa.a[i].value);
                changed++;
            }
        pl_buf_printf(out, "Routes: %zu changed\n%s", changed, routes.s ? routes.s : "");
        pl_buf_free(&routes);
        double ca = fnum(fa, "demand_covered"), cb = fnum(fb, "demand_covered");
        if (isfinite(ca) && isfinite(cb))
            pl_buf_printf(out, "Coverage: %.1f of %.1f -> %.1f of %.1f (%+.1f)\n", ca, fnum(fa, "demand_total"), cb,
                          fnum(fb, "demand_total"), cb - ca);
        else if (isfinite(ca) || isfinite(cb)) {
            double c = isfinite(ca) ? ca : cb, t = fnum(isfinite(ca) ? fa : fb, "demand_total");
            pl_buf_printf(out, isfinite(ca) ? "Coverage: %.1f of %.1f -> no siting\n"
                                            : "Coverage: no siting -> %.1f of %.1f\n", c, t);
        }
        pl_buf_printf(out, "Conflicts: %.0f -> %.0f\n", fnum(fa, "conflicts"), fnum(fb, "conflicts"));
        if (out->oom)
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
    }
    items_free(&va);
    items_free(&vb);
    items_free(&xa);
    items_free(&xb);
    if (fa)
        OGR_F_Destroy(fa);
    if (fb)
        OGR_F_Destroy(fb);
    if (ds)
        GDALClose(ds);
    pl_gdal_errors_pop();
    return rc;
}
