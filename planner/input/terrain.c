/*
 * terrain.c - a terrain model (DEM) read once and held as the lowest and
 * highest ground of each cell of a square grid in the working CRS, so that
 * a route's true height (真高, above the ground below it) can be bounded
 * anywhere without sampling between points.
 *
 * Entry points: pl_terrain_load, pl_terrain_free, pl_terrain_range.
 *
 * The raster is any GDAL raster (GeoTIFF, ASCII grid, ...) in any CRS, its
 * heights in metres (or feet, converted) above the vertical datum the
 * scenario names.  Each raster cell's value is taken to hold anywhere in
 * its square and, so that a bilinear reading between cell centres is
 * covered too, within half a cell around it: the square's four corners are
 * transformed to the working CRS, their box grown by half the cell's size,
 * and every grid cell that box meets takes the value into its low and high.
 * A grid cell's range therefore contains the ground at every point of it,
 * a ridge between two cell centres included.  A grid cell that meets a
 * nodata cell, or a cell on the raster's edge (beyond it nothing is known),
 * or no raster cell at all, holds no range: the ground there is unknown,
 * never taken as 0.
 */
#include "planner.h"

#include <errno.h>
#include <gdal.h>
#include <math.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CELLS 32000000u /* grid cells held (two floats each): 256 MB */

typedef struct src {
    GDALDatasetH ds;
    GDALRasterBandH band;
    size_t nx, ny;
    double gt[6];        /* the raster's affine geotransform */
    double nodata, scale, offset, unit; /* unit: metres per raster unit */
    int has_nodata;
    pl_xform *xf;        /* raster CRS -> working CRS */
} src;

/* The raster's CRS, or the one the scenario gives when it has none. */
static int src_crs(pl_ctx *ctx, const pl_terrain_decl *d, GDALDatasetH ds, const pl_scenario *sc, src *s)
{
    const char *wkt = GDALGetProjectionRef(ds);
    if ((!wkt || !*wkt) && !d->crs)
        return pl_error(ctx, PL_PARSE, "terrain %s: the raster has no CRS: give terrain.crs in the scenario",
                        d->path);
    s->xf = pl_crs_xform(ctx, wkt && *wkt ? wkt : d->crs, sc->work_crs);
    return s->xf ? PL_OK : pl_error(ctx, PL_CRS, "terrain %s: %s", d->path, pl_errmsg(ctx));
}

/* The height unit: metres unless the band says feet. */
static int src_unit(pl_ctx *ctx, const pl_terrain_decl *d, src *s)
{
    const char *u = GDALGetRasterUnitType(s->band);
    if (!u || !*u || !strcmp(u, "m") || !strcmp(u, "metre") || !strcmp(u, "meter") || !strcmp(u, "metres"))
        s->unit = 1.0;
    else if (!strcmp(u, "ft") || !strcmp(u, "foot") || !strcmp(u, "feet") || !strcmp(u, "US survey foot"))
        s->unit = !strcmp(u, "US survey foot") ? 1200.0 / 3937.0 : 0.3048;
    else
        return pl_error(ctx, PL_PARSE, "terrain %s: band %d heights are in '%s' (expected metres or feet)", d->path,
                        d->band, u);
    return PL_OK;
}

static int src_open(pl_ctx *ctx, const pl_scenario *sc, src *s)
{
    const pl_terrain_decl *d = &sc->terrain;
    if (pl_path_check(ctx, d->path, "terrain", NULL, 0) != PL_OK)
        return PL_IO; /* a named pipe would hang GDAL's open */
    if (access(d->path, R_OK) != 0)
        return pl_error(ctx, PL_IO, "terrain %s: cannot read: %s", d->path, strerror(errno));
    pl_gdal_errors_push(ctx);
    s->ds = GDALOpenEx(d->path, GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    pl_gdal_errors_pop();
    if (!s->ds)
        return pl_error(ctx, PL_IO, "terrain %s: cannot open as a raster: %s", d->path, pl_libmsg(ctx));
    if (d->band > GDALGetRasterCount(s->ds))
        return pl_error(ctx, PL_PARSE, "terrain %s: no band %d (the raster has %d)", d->path, d->band,
                        GDALGetRasterCount(s->ds));
    s->band = GDALGetRasterBand(s->ds, d->band);
    s->nx = (size_t)GDALGetRasterXSize(s->ds);
    s->ny = (size_t)GDALGetRasterYSize(s->ds);
    if (GDALGetGeoTransform(s->ds, s->gt) != CE_None || (s->gt[1] * s->gt[5] - s->gt[2] * s->gt[4]) == 0)
        return pl_error(ctx, PL_PARSE, "terrain %s: the raster has no georeferencing", d->path);
    if (s->nx < 2 || s->ny < 2 || (double)s->nx * (double)s->ny > 4.0 * MAX_CELLS)
        return pl_error(ctx, PL_PARSE, "terrain %s: %zu x %zu cells (at least 2 x 2, at most %u in all: cut it "
                        "to the plan area first, e.g. gdal_translate -projwin)", d->path, s->nx, s->ny,
                        4u * MAX_CELLS);
    s->nodata = GDALGetRasterNoDataValue(s->band, &s->has_nodata);
    s->scale = GDALGetRasterScale(s->band, NULL);
    s->offset = GDALGetRasterOffset(s->band, NULL);
    int rc = src_unit(ctx, d, s);
    return rc ? rc : src_crs(ctx, d, s->ds, sc, s);
}

/* Row j's nx + 1 cell corners in the working CRS (x, y of n points). */
static int corner_row(pl_ctx *ctx, const src *s, size_t j, double *x, double *y)
{
    for (size_t i = 0; i <= s->nx; i++) {
        x[i] = s->gt[0] + (double)i * s->gt[1] + (double)j * s->gt[2];
        y[i] = s->gt[3] + (double)i * s->gt[4] + (double)j * s->gt[5];
    }
    return pl_crs_trans(ctx, s->xf, x, y, s->nx + 1);
}

/* The grid: the box of the raster's outline in the working CRS, cells of
 * the raster's own size there (its smallest side at the centre). */
static int grid_frame(pl_ctx *ctx, const pl_terrain_decl *d, const src *s, pl_terrain *t)
{
    size_t n = 2 * (s->nx + s->ny) + 4 + 3, k = 0; /* the outline's corners, the centre cell's three */
    double *x = malloc(2 * n * sizeof *x), *y = x ? x + n : NULL;
    if (!x)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i <= s->nx; i++)
        for (size_t e = 0; e < 2; e++, k++) {
            double jj = e ? (double)s->ny : 0;
            x[k] = s->gt[0] + (double)i * s->gt[1] + jj * s->gt[2];
            y[k] = s->gt[3] + (double)i * s->gt[4] + jj * s->gt[5];
        }
    for (size_t j = 0; j <= s->ny; j++)
        for (size_t e = 0; e < 2; e++, k++) {
            double ii = e ? (double)s->nx : 0;
            x[k] = s->gt[0] + ii * s->gt[1] + (double)j * s->gt[2];
            y[k] = s->gt[3] + ii * s->gt[4] + (double)j * s->gt[5];
        }
    /* the centre cell's corners, for the cell size */
    double ci = (double)(s->nx / 2), cj = (double)(s->ny / 2);
    for (int c = 0; c < 3; c++, k++) {
        double ii = ci + (c == 1), jj = cj + (c == 2);
        x[k] = s->gt[0] + ii * s->gt[1] + jj * s->gt[2];
        y[k] = s->gt[3] + ii * s->gt[4] + jj * s->gt[5];
    }
    int rc = pl_crs_trans(ctx, s->xf, x, y, k);
    double b[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0; rc == PL_OK && i + 3 < k; i++) {
        b[0] = fmin(b[0], x[i]), b[1] = fmin(b[1], y[i]);
        b[2] = fmax(b[2], x[i]), b[3] = fmax(b[3], y[i]);
    }
    double cs = rc == PL_OK ? fmin(hypot(x[k - 2] - x[k - 3], y[k - 2] - y[k - 3]),
                                   hypot(x[k - 1] - x[k - 3], y[k - 1] - y[k - 3]))
                            : NAN;
    free(x);
    if (rc != PL_OK)
        return pl_error(ctx, PL_CRS, "terrain %s: %s", d->path, pl_errmsg(ctx));
    if (!(cs > 0.01) || !isfinite(b[0] + b[1] + b[2] + b[3]))
        return pl_error(ctx, PL_PARSE, "terrain %s: cells of %g m in the working CRS: not a usable raster", d->path,
                        cs);
    while (((b[2] - b[0]) / cs + 1) * ((b[3] - b[1]) / cs + 1) > MAX_CELLS)
        cs *= 1.25; /* coarser cells only widen each cell's range */
    t->cs = cs;
    t->x0 = b[0], t->y0 = b[1];
    t->nx = (size_t)((b[2] - b[0]) / cs) + 1;
    t->ny = (size_t)((b[3] - b[1]) / cs) + 1;
    t->lo = malloc(t->nx * t->ny * sizeof *t->lo);
    t->hi = malloc(t->nx * t->ny * sizeof *t->hi);
    if (!t->lo || !t->hi)
        return pl_error(ctx, PL_NOMEM, "terrain %s: out of memory for %zu x %zu cells", d->path, t->nx, t->ny);
    for (size_t i = 0; i < t->nx * t->ny; i++)
        t->lo[i] = INFINITY, t->hi[i] = -INFINITY;
    return PL_OK;
}

/* Take value v (NAN: nodata) into every grid cell the box b meets. */
static void grid_take(pl_terrain *t, const double b[4], double v)
{
    double gi = 1.0 / t->cs;
    double fx0 = floor((b[0] - t->x0) * gi), fy0 = floor((b[1] - t->y0) * gi);
    double fx1 = floor((b[2] - t->x0) * gi), fy1 = floor((b[3] - t->y0) * gi);
    size_t x0 = fx0 < 0 ? 0 : (size_t)fx0, y0 = fy0 < 0 ? 0 : (size_t)fy0;
    size_t x1 = fx1 >= (double)t->nx ? t->nx - 1 : (size_t)fx1, y1 = fy1 >= (double)t->ny ? t->ny - 1 : (size_t)fy1;
    if (fx1 < 0 || fy1 < 0 || fx0 >= (double)t->nx || fy0 >= (double)t->ny)
        return;
    /* float ranges rounded outward: a range never shrinks in storage */
    float flo = (float)v, fhi = (float)v;
    if (flo > v)
        flo = nextafterf(flo, -INFINITY);
    if (fhi < v)
        fhi = nextafterf(fhi, INFINITY);
    for (size_t gx = x0; gx <= x1; gx++)
        for (size_t gy = y0; gy <= y1; gy++) {
            size_t k = gx * t->ny + gy;
            if (isnan(v)) {
                t->lo[k] = t->hi[k] = NAN; /* sticky: NaN compares false below */
            } else if (!isnan(t->lo[k])) {
                t->lo[k] = flo < t->lo[k] ? flo : t->lo[k];
                t->hi[k] = fhi > t->hi[k] ? fhi : t->hi[k];
            }
        }
}

/* Raster row j (its corner rows a above, b below) into the grid. */
static void grid_row(pl_terrain *t, const src *s, size_t j, const double *row, const double *ax, const double *ay,
                     const double *bx, const double *by)
{
    for (size_t i = 0; i < s->nx; i++) {
        double v = row[i];
        int edge = i == 0 || j == 0 || i + 1 == s->nx || j + 1 == s->ny;
        if (edge || (s->has_nodata && v == s->nodata) || !isfinite(v))
            v = NAN;
        else
            v = (v * s->scale + s->offset) * s->unit;
        double cx[4] = {ax[i], ax[i + 1], bx[i], bx[i + 1]}, cy[4] = {ay[i], ay[i + 1], by[i], by[i + 1]};
        double b[4] = {cx[0], cy[0], cx[0], cy[0]};
        for (int c = 1; c < 4; c++) {
            b[0] = fmin(b[0], cx[c]), b[1] = fmin(b[1], cy[c]);
            b[2] = fmax(b[2], cx[c]), b[3] = fmax(b[3], cy[c]);
        }
        /* half a cell around (bilinear readings reach the neighbours'
         * values), and a millimetre for the transform's rounding */
        double gx = (b[2] - b[0]) * 0.5 + 1e-3, gy = (b[3] - b[1]) * 0.5 + 1e-3;
        b[0] -= gx, b[2] += gx, b[1] -= gy, b[3] += gy;
        grid_take(t, b, v);
    }
}

static int grid_fill(pl_ctx *ctx, const pl_terrain_decl *d, const src *s, pl_terrain *t)
{
    size_t m = s->nx + 1;
    double *buf = malloc((4 * m + s->nx) * sizeof *buf);
    if (!buf)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    double *ax = buf, *ay = ax + m, *bx = ay + m, *by = bx + m, *row = by + m;
    int rc = corner_row(ctx, s, 0, ax, ay);
    for (size_t j = 0; rc == PL_OK && j < s->ny; j++) {
        pl_gdal_errors_push(ctx);
        CPLErr e = GDALRasterIO(s->band, GF_Read, 0, (int)j, (int)s->nx, 1, row, (int)s->nx, 1, GDT_Float64, 0, 0);
        pl_gdal_errors_pop();
        if (e != CE_None) {
            rc = pl_error(ctx, PL_IO, "terrain %s: cannot read row %zu: %s", d->path, j, pl_libmsg(ctx));
            break;
        }
        if ((rc = corner_row(ctx, s, j + 1, bx, by)) != PL_OK) {
            rc = pl_error(ctx, PL_CRS, "terrain %s: row %zu: %s", d->path, j, pl_errmsg(ctx));
            break;
        }
        grid_row(t, s, j, row, ax, ay, bx, by);
        double *tx = ax, *ty = ay;
        ax = bx, ay = by, bx = tx, by = ty;
    }
    free(buf);
    return rc;
}

/* Cells no raster cell met become unknown; the range over the known. */
static void grid_finish(pl_terrain *t)
{
    t->all_lo = INFINITY;
    t->all_hi = -INFINITY;
    for (size_t k = 0; k < t->nx * t->ny; k++) {
        if (!(t->lo[k] <= t->hi[k])) {
            t->lo[k] = t->hi[k] = NAN;
            t->n_unknown++;
            continue;
        }
        t->all_lo = fmin(t->all_lo, t->lo[k]);
        t->all_hi = fmax(t->all_hi, t->hi[k]);
    }
}

int pl_terrain_load(pl_ctx *ctx, const pl_scenario *sc, pl_terrain **out)
{
    *out = NULL;
    if (!sc->terrain.path)
        return PL_OK;
    src s = {0};
    pl_terrain *t = calloc(1, sizeof *t);
    if (!t)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    t->decl = &sc->terrain;
    int rc = src_open(ctx, sc, &s);
    if (rc == PL_OK)
        rc = grid_frame(ctx, &sc->terrain, &s, t);
    if (rc == PL_OK)
        rc = grid_fill(ctx, &sc->terrain, &s, t);
    if (s.ds)
        GDALClose(s.ds);
    if (rc == PL_OK) {
        grid_finish(t);
        if (t->n_unknown == t->nx * t->ny)
            rc = pl_error(ctx, PL_PARSE, "terrain %s: no cell has a height (all nodata, or under 3 x 3 cells)",
                          sc->terrain.path);
    }
    if (rc != PL_OK) {
        pl_terrain_free(t);
        return rc;
    }
    *out = t;
    return PL_OK;
}

void pl_terrain_free(pl_terrain *t)
{
    if (!t)
        return;
    free(t->lo);
    free(t->hi);
    free(t);
}

int pl_terrain_range(const pl_terrain *t, const double b[4], double *lo, double *hi)
{
    *lo = -INFINITY;
    *hi = INFINITY;
    double gi = 1.0 / t->cs;
    double fx0 = floor((b[0] - t->x0) * gi), fy0 = floor((b[1] - t->y0) * gi);
    double fx1 = floor((b[2] - t->x0) * gi), fy1 = floor((b[3] - t->y0) * gi);
    if (!(fx0 >= 0 && fy0 >= 0 && fx1 < (double)t->nx && fy1 < (double)t->ny))
        return 0; /* beyond the grid (or not a number): unknown */
    double l = INFINITY, h = -INFINITY;
    for (size_t gx = (size_t)fx0; gx <= (size_t)fx1; gx++)
        for (size_t gy = (size_t)fy0; gy <= (size_t)fy1; gy++) {
            size_t k = gx * t->ny + gy;
            if (isnan(t->lo[k]))
                return 0;
            l = fmin(l, t->lo[k]);
            h = fmax(h, t->hi[k]);
        }
    *lo = l;
    *hi = h;
    return 1;
}
