/*
 * folder.c - one run's folder, all or nothing, under kill -9 too: every
 * file (the layers' GeoJSON and QGIS styles, plan.gpkg, plan.kml, plan.svg,
 * plan.png, report.html, summary.json) built in memory first, then written
 * into a new folder beside the old one (".NAME.tmpPID.K"), which is then
 * swapped in in one step (pl_dir_swap: renameat2 RENAME_EXCHANGE), and
 * the old one removed.  What a killed run left beside the folder is
 * removed (and said) by the next.  Interrupts are held from the first file
 * written to the old folder's removal.
 *
 * Entry points: pl_folder_check, pl_export_stage, pl_stage_swap,
 * pl_stage_unswap, pl_stage_end, pl_export_run.
 */
#include "planner.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Make dir and its parents; *made: the first folder this call created (the
 * caller removes it, and what is under it, if the run fails), or NULL. */
static int make_dirs(pl_ctx *ctx, const char *dir, char **made)
{
    *made = NULL;
    char *d = pl_strdup(dir);
    if (!d)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (char *s = d + 1; ; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(d, 0777) == 0) {
                if (!*made)
                    *made = pl_strdup(d);
            } else if (errno != EEXIST) {
                int e = errno;
                pl_error(ctx, PL_IO, "%s: cannot create output folder: %s", d, strerror(e));
                free(d);
                return PL_IO;
            }
            *s = c;
            if (!c)
                break;
        }
    }
    free(d);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return pl_error(ctx, PL_IO, "%s: not a folder", dir);
    return PL_OK;
}

/* 1 when name is a file a run writes into its folder (or a temporary file
 * an older version left there). */
static int plan_file(const char *name)
{
    static const char *const whole[] = {"plan.gpkg", "plan.kml", "plan.svg", "plan.png", "report.html",
                                        "summary.json", NULL};
    size_t k = strlen(name);
    return pl_str_in(name, whole) || (k > 8 && !strcmp(name + k - 8, ".geojson")) ||
           (k > 4 && !strcmp(name + k - 4, ".qml")) || (name[0] == '.' && strstr(name, ".tmp"));
}

/* dir without its trailing slashes, a link to a folder followed: the
 * folder that is swapped (a new string). */
static char *folder_path(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
        return realpath(dir, NULL);
    char *d = pl_strdup(dir);
    for (size_t k = d ? strlen(d) : 0; k > 1 && d[k - 1] == '/'; k--)
        d[k - 1] = '\0';
    return d;
}

int pl_folder_check(pl_ctx *ctx, const char *dir)
{
    struct stat st;
    char *f = folder_path(dir), *name = NULL;
    if (!f)
        return pl_error(ctx, PL_IO, "%s: the output folder's link leads nowhere: %s", dir, strerror(errno));
    int rc = PL_OK;
    if (stat(f, &st) == 0 && !S_ISDIR(st.st_mode))
        rc = pl_error(ctx, PL_IO, "%s: not a folder (the run writes a folder there)", dir);
    DIR *dh = rc == PL_OK ? opendir(f) : NULL;
    struct dirent *e;
    while (dh && (e = readdir(dh)) && !name)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !plan_file(e->d_name))
            name = pl_strdup(e->d_name);
    if (dh)
        closedir(dh);
    if (name) /* the folder is replaced whole: never a folder of other things */
        rc = pl_error(ctx, PL_IO, "%s: holds %s, which is not a file of a plan: the run replaces the whole "
                                  "folder, so give -o a new or empty folder, or a plan folder", dir, name);
    /* the nearest folder that is there, above: the new one is made in it */
    int there = stat(f, &st) == 0;
    const char *up = ".";
    for (char *slash; rc == PL_OK && (slash = strrchr(f, '/'));) {
        *(slash == f ? slash + 1 : slash) = '\0';
        up = f;
        if (stat(f, &st) == 0 || slash == f)
            break;
        up = ".";
    }
    int err = stat(up, &st) == 0 && !S_ISDIR(st.st_mode) ? ENOTDIR : access(up, W_OK | X_OK) != 0 ? errno : 0;
    if (rc == PL_OK && err && !there)
        rc = pl_error(ctx, PL_IO, "%s: cannot create output folder: %s", dir, strerror(err));
    else if (rc == PL_OK && err)
        rc = pl_error(ctx, PL_IO, "%s: cannot replace the output folder (the new one is made in %s): %s", dir, up,
                      strerror(err));
    free(name);
    free(f);
    return rc;
}

/* One file of the run folder. */
typedef struct outfile {
    char name[64];
    pl_buf b;
} outfile;

/* The new folder beside the old, files f[0..nf) written into it, each
 * flushed, then the folder; interrupts held from here to pl_stage_end. */
static int write_stage(pl_ctx *ctx, pl_stage *st, const outfile *f, size_t nf)
{
    char *parent = pl_strdup(st->final), *slash = parent ? strrchr(parent, '/') : NULL;
    int rc = parent ? PL_OK : pl_error(ctx, PL_NOMEM, "out of memory");
    if (slash && slash != parent) {
        *slash = '\0';
        rc = make_dirs(ctx, parent, &st->made);
    }
    free(parent);
    if (rc == PL_OK) {
        pl_dir_remove_stale(st->final); /* a killed run's: said on stderr */
        rc = pl_folder_check(ctx, st->final);
    }
    if (rc != PL_OK)
        return rc;
    pl_signals_hold(&st->held);
    st->holding = 1;
    if ((rc = pl_dir_stage(ctx, st->final, &st->tmp)) != PL_OK)
        return rc;
    char *path = malloc(strlen(st->tmp) + 80), *as = malloc(strlen(st->final) + 80);
    for (size_t i = 0; path && as && rc == PL_OK && i < nf; i++) {
        sprintf(path, "%s/%s", st->tmp, f[i].name);
        sprintf(as, "%s/%s", st->final, f[i].name); /* the name it will have, in messages */
        pl_fault_step(ctx, f[i].name);
        rc = pl_file_write_new(ctx, path, as, f[i].b.s, f[i].b.n);
    }
    free(as);
    if (!path)
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    if (rc == PL_OK) {
        strcat(strcpy(path, st->tmp), "/.");
        pl_fault_step(ctx, "flush the new folder");
        pl_file_sync_dir(path); /* the files' names on the disk */
        pl_fault_pause("write");
    }
    free(path);
    return rc;
}

int pl_stage_swap(pl_ctx *ctx, pl_stage *st)
{
    int rc = pl_dir_swap(ctx, st->tmp, st->final, &st->had_old);
    st->swapped = rc == PL_OK;
    return rc;
}

int pl_stage_unswap(pl_ctx *ctx, pl_stage *st)
{
    int rc = st->swapped ? pl_dir_unswap(ctx, st->tmp, st->final, st->had_old) : PL_OK;
    st->swapped = rc != PL_OK;
    return rc;
}

void pl_stage_end(pl_ctx *ctx, pl_stage *st)
{
    if (st->tmp) { /* the old folder (swapped), or the new one (not) */
        pl_fault_step(ctx, "remove the old folder");
        pl_dir_remove(st->tmp);
    }
    if (!st->swapped && st->made) { /* folders this run made, empty again: gone */
        char *d = pl_strdup(st->final);
        while (d && strlen(d) >= strlen(st->made) && rmdir(d) == 0) {
            char *slash = strrchr(d, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        free(d);
    }
    if (st->holding)
        pl_signals_release(&st->held);
    free(st->tmp);
    free(st->made);
    free(st->final);
    memset(st, 0, sizeof *st);
}

/* plan.gpkg into out: it stands alone, the water and boundary first (drawn
 * under the plan), then the plan's layers ls. */
static int gpkg_standalone(pl_ctx *ctx, const pl_plan *p, const pl_export_opts *o, const pl_outlayer *ls,
                           pl_buf *out)
{
    enum { L_N = PL_EXPORT_N_LAYERS };
    pl_buf bb[PL_EXPORT_N_BASE];
    pl_outlayer gl[PL_EXPORT_N_BASE + L_N];
    for (int i = 0; i < PL_EXPORT_N_BASE; i++)
        pl_buf_init(&bb[i]);
    memcpy(gl + PL_EXPORT_N_BASE, ls, L_N * sizeof *ls);
    int rc = pl_export_base(ctx, p, bb, gl);
    if (rc == PL_OK)
        rc = pl_export_dataset(ctx, "GPKG", p->sc->work_crs, gl, PL_EXPORT_N_BASE + L_N, o->when, out);
    for (int i = 0; i < PL_EXPORT_N_BASE; i++)
        pl_buf_free(&bb[i]);
    return rc;
}

/* Every file of the run folder built in memory into f (MAX_FILES), their
 * count in *nf; lb: the layers' buffers when o has none. */
static int build_files(pl_ctx *ctx, const pl_plan *p, const pl_export_opts *o, pl_buf *lb, outfile *f, size_t *nf_out)
{
    enum { L_N = PL_EXPORT_N_LAYERS, MAX_FILES = 2 * L_N + 8 };
    pl_outlayer ls[L_N];
    size_t nf = 0;
    int rc = PL_OK;
    if (o->layers) /* made by the caller, who records them too */
        memcpy(ls, o->layers, sizeof ls);
    else if ((rc = pl_export_layers(ctx, p, lb, ls)) != PL_OK)
        return rc;
    for (int i = 0; i < L_N; i++) {
        if (!ls[i].geojson->n)
            continue; /* no siting section: no siting files */
        snprintf(f[nf].name, sizeof f[nf].name, "%s.geojson", pl_export_layer_name(i));
        pl_buf_putn(&f[nf++].b, ls[i].geojson->s, ls[i].geojson->n);
        const pl_layer_style *st = pl_style_for(pl_export_layer_name(i));
        if (st) { /* QGIS loads NAME.qml beside NAME.geojson as the default style */
            snprintf(f[nf].name, sizeof f[nf].name, "%s.qml", pl_export_layer_name(i));
            pl_style_qml(st, &f[nf++].b);
        }
    }
    snprintf(f[nf].name, sizeof f[nf].name, "plan.gpkg");
    pl_progress(ctx, "writing plan.gpkg");
    if ((rc = gpkg_standalone(ctx, p, o, ls, &f[nf++].b)) != PL_OK)
        return rc;
    if (o->kml) {
        snprintf(f[nf].name, sizeof f[nf].name, "plan.kml");
        if ((rc = pl_export_dataset(ctx, "LIBKML", "EPSG:4326", ls, L_N, o->when, &f[nf++].b)) != PL_OK)
            return rc;
    }
    size_t svg = nf;
    pl_progress(ctx, "drawing the map");
    snprintf(f[nf].name, sizeof f[nf].name, "plan.svg");
    if ((rc = pl_map_svg(ctx, p, &f[nf++].b)) != PL_OK)
        return rc;
    if (o->png) {
        snprintf(f[nf].name, sizeof f[nf].name, "plan.png");
        if ((rc = pl_map_png(ctx, &f[svg].b, &f[nf].b)) != PL_OK)
            return rc;
        if (f[nf].b.n)
            nf++;
    }
    snprintf(f[nf].name, sizeof f[nf].name, "report.html");
    if ((rc = pl_report_html(ctx, p, &f[svg].b, &f[nf++].b)) != PL_OK)
        return rc;
    snprintf(f[nf].name, sizeof f[nf].name, "summary.json");
    nf++;
    const char *names[MAX_FILES];
    for (size_t i = 0; i < nf; i++)
        names[i] = f[i].name;
    pl_export_summary(p, names, nf, &f[nf - 1].b);
    *nf_out = nf;
    for (size_t i = 0; i < nf; i++)
        if (f[i].b.oom)
            return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK;
}

int pl_export_stage(pl_ctx *ctx, const pl_plan *p, const char *dir, const pl_export_opts *o, pl_stage *st)
{
    enum { L_N = PL_EXPORT_N_LAYERS, MAX_FILES = 2 * L_N + 8 };
    memset(st, 0, sizeof *st);
    outfile *f = calloc(MAX_FILES, sizeof *f);
    pl_buf lb[L_N];
    size_t nf = 0;
    for (int i = 0; i < L_N; i++)
        pl_buf_init(&lb[i]);
    if (!f || !(st->final = folder_path(dir))) {
        free(f);
        return f ? pl_error(ctx, PL_IO, "%s: the output folder's link leads nowhere: %s", dir, strerror(errno))
                 : pl_error(ctx, PL_NOMEM, "out of memory");
    }
    /* 1. everything in memory first: a failure here writes nothing */
    int rc = build_files(ctx, p, o, lb, f, &nf);
    pl_progress_end(ctx);
    /* 2. the new folder beside the old, every file in it */
    if (rc == PL_OK)
        rc = write_stage(ctx, st, f, nf);
    for (size_t i = 0; i < MAX_FILES; i++)
        pl_buf_free(&f[i].b);
    for (int i = 0; i < L_N; i++)
        pl_buf_free(&lb[i]);
    free(f);
    return rc;
}

int pl_export_run(pl_ctx *ctx, const pl_plan *p, const char *dir, const pl_export_opts *o)
{
    pl_stage st;
    int rc = pl_export_stage(ctx, p, dir, o, &st);
    if (rc == PL_OK)
        rc = pl_stage_swap(ctx, &st);
    pl_stage_end(ctx, &st);
    return rc;
}
