/*
 * folder.c - one run's folder, all or nothing: every file (the layers'
 * GeoJSON and QGIS styles, plan.gpkg, plan.kml, plan.svg, plan.png,
 * report.html, summary.json) built in memory first, then written under
 * temporary names and renamed, interrupts held meanwhile.
 *
 * Entry point: pl_export_run.
 */
#include "planner.h"

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
    if (access(dir, W_OK) != 0)
        return pl_error(ctx, PL_IO, "%s: output folder is not writable", dir);
    return PL_OK;
}

/* The layers of a run folder, in the order QGIS and the store list them. */
/* One file of the run folder. */
typedef struct outfile {
    char name[64];
    pl_buf b;
} outfile;

/* The files f[0..nf) into the folder dir: each written whole under a
 * temporary name (pl_file_write_tmp, after the temporary files of killed
 * runs are removed), then all renamed (a run paused at "write" has every
 * one written, none renamed), then the folder flushed.  The caller holds
 * interrupts.  On failure no temporary file stays. */
static int write_folder(pl_ctx *ctx, const char *dir, const outfile *f, size_t nf)
{
    char **tmp = calloc(nf + 1, sizeof *tmp), **fin = calloc(nf + 1, sizeof *fin);
    int rc = tmp && fin ? PL_OK : pl_error(ctx, PL_NOMEM, "out of memory");
    if (rc == PL_OK)
        pl_file_remove_stale(dir, NULL);
    for (size_t i = 0; rc == PL_OK && i < nf; i++) {
        if (!(fin[i] = malloc(strlen(dir) + strlen(f[i].name) + 2))) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            break;
        }
        sprintf(fin[i], "%s/%s", dir, f[i].name);
        rc = pl_file_write_tmp(ctx, fin[i], f[i].b.s, f[i].b.n, &tmp[i]);
    }
    if (rc == PL_OK)
        pl_fault_pause("write");
    for (size_t i = 0; rc == PL_OK && i < nf; i++) {
        rc = pl_file_commit(ctx, tmp[i], fin[i]); /* renamed, or removed when it fails */
        free(tmp[i]);
        tmp[i] = NULL;
    }
    if (rc == PL_OK && nf)
        pl_file_sync_dir(fin[0]);
    for (size_t i = 0; i < nf && tmp && fin; i++) {
        if (tmp[i])
            unlink(tmp[i]); /* written, not renamed: a later file failed */
        free(tmp[i]);
        free(fin[i]);
    }
    free(tmp);
    free(fin);
    return rc;
}

int pl_export_run(pl_ctx *ctx, const pl_plan *p, const char *dir, const pl_export_opts *o)
{
    enum { L_N = PL_EXPORT_N_LAYERS, MAX_FILES = 2 * L_N + 8 };
    outfile *f = calloc(MAX_FILES, sizeof *f);
    pl_buf lb[L_N], bb[PL_EXPORT_N_BASE];
    pl_outlayer ls[L_N], gl[PL_EXPORT_N_BASE + L_N];
    char *made = NULL;
    size_t nf = 0;
    int rc = PL_OK, holding = 0;
    sigset_t held;
    for (int i = 0; i < L_N; i++)
        pl_buf_init(&lb[i]);
    for (int i = 0; i < PL_EXPORT_N_BASE; i++)
        pl_buf_init(&bb[i]);
    if (!f)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    /* 1. everything in memory first: a failure here writes nothing */
    if (o->layers) /* made by the caller, who records them too */
        memcpy(ls, o->layers, sizeof ls);
    else if ((rc = pl_export_layers(ctx, p, lb, ls)) != PL_OK)
        goto out;
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
    /* plan.gpkg stands alone: the water and boundary first (drawn under
     * the plan), then the plan's layers */
    memcpy(gl + PL_EXPORT_N_BASE, ls, sizeof ls);
    if ((rc = pl_export_base(ctx, p, bb, gl)) != PL_OK)
        goto out;
    snprintf(f[nf].name, sizeof f[nf].name, "plan.gpkg");
    pl_progress(ctx, "writing plan.gpkg");
    if ((rc = pl_export_dataset(ctx, "GPKG", p->sc->work_crs, gl, PL_EXPORT_N_BASE + L_N, o->when, &f[nf++].b)) !=
        PL_OK)
        goto out;
    if (o->kml) {
        snprintf(f[nf].name, sizeof f[nf].name, "plan.kml");
        if ((rc = pl_export_dataset(ctx, "LIBKML", "EPSG:4326", ls, L_N, o->when, &f[nf++].b)) != PL_OK)
            goto out;
    }
    size_t svg = nf;
    pl_progress(ctx, "drawing the map");
    snprintf(f[nf].name, sizeof f[nf].name, "plan.svg");
    if ((rc = pl_map_svg(ctx, p, &f[nf++].b)) != PL_OK)
        goto out;
    if (o->png) {
        snprintf(f[nf].name, sizeof f[nf].name, "plan.png");
        if ((rc = pl_map_png(ctx, &f[svg].b, &f[nf].b)) != PL_OK)
            goto out;
        if (f[nf].b.n)
            nf++;
    }
    snprintf(f[nf].name, sizeof f[nf].name, "report.html");
    if ((rc = pl_report_html(ctx, p, &f[svg].b, &f[nf++].b)) != PL_OK)
        goto out;
    snprintf(f[nf].name, sizeof f[nf].name, "summary.json");
    nf++;
    const char *names[MAX_FILES];
    for (size_t i = 0; i < nf; i++)
        names[i] = f[i].name;
    pl_export_summary(p, names, nf, &f[nf - 1].b);
    for (size_t i = 0; i < nf; i++)
        if (f[i].b.oom) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            goto out;
        }
    /* 2. the folder, then every file under a temporary name, then renames,
     * interrupts held meanwhile (they land once the folder is whole) */
    pl_signals_hold(&held);
    holding = 1;
    if ((rc = make_dirs(ctx, dir, &made)) == PL_OK)
        rc = write_folder(ctx, dir, f, nf);
out:
    pl_progress_end(ctx);
    for (size_t i = 0; i < MAX_FILES; i++)
        pl_buf_free(&f[i].b);
    if (rc != PL_OK && made) { /* folders this run made, empty again: gone */
        char *d = pl_strdup(dir);
        while (d && strlen(d) >= strlen(made) && rmdir(d) == 0) {
            char *slash = strrchr(d, '/');
            if (!slash)
                break;
            *slash = '\0';
        }
        free(d);
    }
    free(made);
    if (holding)
        pl_signals_release(&held);
    for (int i = 0; i < L_N; i++)
        pl_buf_free(&lb[i]);
    for (int i = 0; i < PL_EXPORT_N_BASE; i++)
        pl_buf_free(&bb[i]);
    free(f);
    return rc;
}

