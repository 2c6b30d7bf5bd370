/*
 * t_terrain.c - the terrain model and true height (input/terrain.c,
 * engine/ground.c): a range never misses the ground it claims to hold.
 *
 * Test plan
 *   1. a random raster (values 0-400 m, a few nodata cells) in the working
 *      CRS and one in lon/lat: at 20,000 random points inside, the range of
 *      the grid cell holding the point is known only where the raster
 *      cell and its bilinear neighbours have values, and then holds both
 *      the block value and the bilinear value there
 *   2. random segments over the same rasters: at 200 points along each,
 *      the stretch holding the point has a range holding the block value
 *      (w = 0), or says unknown; with w = 80 m, points within 80 m
 *      of the segment too
 *   3. by hand: an 11 x 5 raster with a ridge column: a level segment at 150 m between two
 *      waypoints that are both over 0 m ground passes a 200 m ridge: the
 *      ground rule (band under the ground) keeps a piece, true height
 *      least -50 m, most 150 m; at 250 m nothing, least 50, most 250
 *   4. beyond the raster: unknown, never 0 (true height NAN, length
 *      without ground counted)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "corridor.h"

/* |a - b| <= tol, or a failure naming both */
#define assert_near(a, b, tol)                                                          \
    do {                                                                                \
        double a_ = (a), b_ = (b);                                                      \
        if (!(fabs(a_ - b_) <= (tol)))                                                  \
            fail_msg("%s = %.9g, expected %.9g", #a, a_, b_);                           \
    } while (0)

#define NX 40
#define NY 30
#define ND -9999.0

typedef struct dem {
    double v[NY][NX];   /* row 0 is the north */
    double x0, y0, cs;  /* lower-left corner, cell side (raster CRS) */
    char path[64];
} dem;

static void dem_write(dem *d, unsigned seed, double x0, double y0, double cs)
{
    srand(seed);
    d->x0 = x0, d->y0 = y0, d->cs = cs;
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++)
            d->v[j][i] = rand() % 50 == 0 ? ND : (double)(rand() % 1601) / 4.0; /* exact in float32, as GDAL reads an ASCII grid */
    strcpy(d->path, "/tmp/t_terrain_XXXXXX.asc");
    int fd = mkstemps(d->path, 4);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "ncols %d\nnrows %d\nxllcorner %.10f\nyllcorner %.10f\ncellsize %.10f\nNODATA_value %g\n", NX, NY,
            x0, y0, cs, ND);
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++)
            fprintf(f, "%.2f%c", d->v[j][i], i + 1 == NX ? '\n' : ' ');
    fclose(f);
}

static pl_terrain *dem_load(pl_ctx *ctx, pl_scenario *sc, dem *d, const char *crs)
{
    memset(sc, 0, sizeof *sc);
    sc->work_crs = "EPSG:4549";
    sc->terrain.path = d->path;
    sc->terrain.crs = (char *)crs;
    sc->terrain.band = 1;
    pl_terrain *t = NULL;
    if (pl_terrain_load(ctx, sc, &t) != PL_OK)
        fail_msg("%s", pl_errmsg(ctx));
    return t;
}

/* the raster cell (i, j) holding raster-CRS point (u, v); 0 when outside */
static int cell_of(const dem *d, double u, double v, int *i, int *j)
{
    double fi = (u - d->x0) / d->cs, fj = (d->y0 + NY * d->cs - v) / d->cs;
    if (!(fi >= 0 && fj >= 0 && fi < NX && fj < NY))
        return 0;
    *i = (int)fi, *j = (int)fj;
    return 1;
}

/* block and bilinear values at raster-CRS (u, v); 0 when a cell involved
 * is nodata, on the raster's edge, or outside */
static int reading(const dem *d, double u, double v, double *block, double *bil)
{
    int i, j;
    if (!cell_of(d, u, v, &i, &j) || i == 0 || j == 0 || i == NX - 1 || j == NY - 1 || d->v[j][i] == ND)
        return 0;
    *block = d->v[j][i];
    /* bilinear between the four nearest centres */
    double fi = (u - d->x0) / d->cs - 0.5, fj = (d->y0 + NY * d->cs - v) / d->cs - 0.5;
    int i0 = (int)floor(fi), j0 = (int)floor(fj);
    double a = fi - i0, b = fj - j0, s = 0;
    for (int q = 0; q < 4; q++) {
        int ii = i0 + (q & 1), jj = j0 + (q >> 1);
        if (ii <= 0 || jj <= 0 || ii >= NX - 1 || jj >= NY - 1 || d->v[jj][ii] == ND)
            return 0;
        s += d->v[jj][ii] * ((q & 1) ? a : 1 - a) * ((q >> 1) ? b : 1 - b);
    }
    *bil = s;
    return 1;
}

static double urand(double a, double b)
{
    return a + (b - a) * ((double)rand() / RAND_MAX);
}

/* a working-CRS point into the raster's CRS */
static void to_raster(pl_ctx *ctx, const char *crs, double x, double y, double *u, double *v)
{
    *u = x, *v = y;
    if (strcmp(crs, "EPSG:4549"))
        assert_int_equal(pl_crs_trans(ctx, pl_crs_xform(ctx, "EPSG:4549", crs), u, v, 1), PL_OK);
}

static void ranges_hold(const char *crs, double x0, double y0, double cs)
{
    pl_ctx *ctx = pl_ctx_new();
    pl_scenario sc;
    dem d;
    dem_write(&d, 7, x0, y0, cs);
    pl_terrain *t = dem_load(ctx, &sc, &d, crs);
    size_t checked = 0;
    for (int k = 0; k < 20000; k++) {
        double x = urand(t->x0, t->x0 + t->cs * t->nx), y = urand(t->y0, t->y0 + t->cs * t->ny);
        double u, v, block, bil, lo, hi, b[4] = {x, y, x, y};
        to_raster(ctx, crs, x, y, &u, &v);
        int known = pl_terrain_range(t, b, &lo, &hi);
        if (!reading(&d, u, v, &block, &bil))
            continue; /* the grid may know it (its cells are not the raster's), or not */
        if (!known)
            continue; /* unknown near a nodata cell or the edge: the safe answer */
        checked++;
        if (!(lo <= block && block <= hi && lo <= bil + 1e-9 && bil - 1e-9 <= hi))
            fail_msg("%s: at %.3f, %.3f the range %.2f-%.2f misses block %.2f or bilinear %.2f", crs, x, y, lo,
                     hi, block, bil);
    }
    if (checked < 5000)
        fail_msg("%s: only %zu points had a known range", crs, checked);
    /* a nodata cell's own centre is never known */
    for (int j = 1; j < NY - 1; j++)
        for (int i = 1; i < NX - 1; i++)
            if (d.v[j][i] == ND) {
                double u = x0 + (i + 0.5) * cs, v = y0 + (NY - j - 0.5) * cs, lo, hi;
                if (strcmp(crs, "EPSG:4549"))
                    assert_int_equal(pl_crs_trans(ctx, pl_crs_xform(ctx, crs, "EPSG:4549"), &u, &v, 1), PL_OK);
                double b[4] = {u, v, u, v};
                assert_int_equal(pl_terrain_range(t, b, &lo, &hi), 0);
            }
    pl_terrain_free(t);
    unlink(d.path);
    pl_ctx_free(ctx);
}

static void t1_ranges(void **state)
{
    (void)state;
    ranges_hold("EPSG:4549", 500000, 3450000, 25);
    ranges_hold("EPSG:4326", 120.6, 31.2, 0.0003); /* about 28 x 33 m cells */
}

/* a route of two waypoints a-b, level at alt */
static pl_route seg_route(double *x, double *y, double *z, double ax, double ay, double bx, double by, double alt)
{
    x[0] = ax, y[0] = ay, x[1] = bx, y[1] = by, z[0] = z[1] = alt;
    pl_route r = {.id = "R", .n_pts = 2, .x = x, .y = y, .alt_m = z, .half_width_m = 0};
    return r;
}

static void stretches_hold(const char *crs, double x0, double y0, double cs)
{
    pl_ctx *ctx = pl_ctx_new();
    pl_scenario sc;
    dem d;
    dem_write(&d, 11, x0, y0, cs);
    pl_terrain *t = dem_load(ctx, &sc, &d, crs);
    for (int k = 0; k < 300; k++) {
        double x[2], y[2], z[2];
        double W = t->cs * t->nx, H = t->cs * t->ny;
        pl_route r = seg_route(x, y, z, t->x0 + urand(0, W), t->y0 + urand(0, H), t->x0 + urand(0, W),
                               t->y0 + urand(0, H), 100);
        double w = k % 2 ? 80 : 0; /* beyond the cells' own margins: the corridor must widen the box */
        gprof g;
        assert_int_equal(pl_cor_ground(t, &r, w, &g), 0);
        for (int s = 0; s <= 200; s++) {
            double tt = s / 200.0, p[3];
            pl_cor_at(&r, 0, tt, p);
            size_t q = g.at[0];
            while (q + 1 < g.at[1] && g.t1[q] < tt)
                q++;
            double ox = w ? urand(-w, w) * M_SQRT1_2 : 0, oy = w ? urand(-w, w) * M_SQRT1_2 : 0;
            double u, v, block, bil;
            to_raster(ctx, crs, p[0] + ox, p[1] + oy, &u, &v);
            if (!reading(&d, u, v, &block, &bil) || isinf(g.lo[q]))
                continue;
            if (!(g.lo[q] <= block && block <= g.hi[q]))
                fail_msg("%s: segment %d at t %.3f: stretch %.2f-%.2f misses %.2f", crs, k, tt, g.lo[q], g.hi[q],
                         block);
        }
        pl_cor_ground_free(&g);
    }
    pl_terrain_free(t);
    unlink(d.path);
    pl_ctx_free(ctx);
}

static void t2_stretches(void **state)
{
    (void)state;
    stretches_hold("EPSG:4549", 500000, 3450000, 25);
    stretches_hold("EPSG:4326", 120.6, 31.2, 0.0003);
}

/* 11 x 5 cells of 100 m at (500000, 3450000): 0 but the middle column, 200 */
static pl_terrain *ridge(pl_ctx *ctx, pl_scenario *sc, char *path)
{
    strcpy(path, "/tmp/t_ridge_XXXXXX.asc");
    int fd = mkstemps(path, 4);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "ncols 11\nnrows 5\nxllcorner 500000\nyllcorner 3450000\ncellsize 100\n");
    for (int j = 0; j < 5; j++)
        fprintf(f, "0 0 0 0 0 200 0 0 0 0 0\n");
    fclose(f);
    memset(sc, 0, sizeof *sc);
    sc->work_crs = "EPSG:4549";
    sc->terrain.path = path;
    sc->terrain.crs = "EPSG:4549";
    sc->terrain.band = 1;
    pl_terrain *t = NULL;
    assert_int_equal(pl_terrain_load(ctx, sc, &t), PL_OK);
    return t;
}

static void t3_ridge_by_hand(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_scenario sc;
    char path[64];
    pl_terrain *t = ridge(ctx, &sc, path);
    /* y 3450250: the middle row, the one whose neighbours are not the
     * raster's edge; x 500250 -> 500850: both ends over 0 m ground (grid
     * cells 2 and 8, away from the ridge's 4-6), the ridge (raster column
     * 5, x 500500-500600) between */
    double x[2], y[2], z[2], sl[1] = {600}, lo, hi, un;
    pl_route r = seg_route(x, y, z, 500250, 3450250, 500850, 3450250, 150);
    gprof g;
    assert_int_equal(pl_cor_ground(t, &r, 0, &g), 0);
    pl_cor_ground_agl(&r, &g, sl, &lo, &hi, &un);
    assert_near(lo, -50, 1e-9);
    assert_near(hi, 150, 1e-9);
    assert_near(un, 0, 1e-9);
    pvec v = {0};
    int unk = 0;
    assert_int_equal(pl_cor_pvec_add(&v, 0, 0, 1), 0);
    assert_int_equal(pl_cor_agl_filter(&r, &g, 0, 0, -INFINITY, 0, 0, &v, &unk), 0);
    assert_true(v.n >= 1); /* under the ground over the ridge's cells */
    assert_true(v.a[0].t0 > 0 && v.a[v.n - 1].t1 < 1); /* and only there: both ends are over 0 m */
    /* at 250 m: over the ground everywhere, true height 50 to 250 m */
    z[0] = z[1] = 250;
    v.n = 0;
    assert_int_equal(pl_cor_pvec_add(&v, 0, 0, 1), 0);
    assert_int_equal(pl_cor_agl_filter(&r, &g, 0, 0, -INFINITY, 0, 0, &v, &unk), 0);
    assert_int_equal(v.n, 0);
    pl_cor_ground_agl(&r, &g, sl, &lo, &hi, &un);
    assert_near(lo, 50, 1e-9);
    assert_near(hi, 250, 1e-9);
    free(v.a);
    pl_cor_ground_free(&g);
    pl_terrain_free(t);
    unlink(path);
    pl_ctx_free(ctx);
}

static void t4_beyond(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_scenario sc;
    char path[64];
    pl_terrain *t = ridge(ctx, &sc, path);
    double x[2], y[2], z[2], sl[1] = {1000}, lo, hi, un;
    pl_route r = seg_route(x, y, z, 501000, 3450250, 502000, 3450250, 50);
    gprof g;
    assert_int_equal(pl_cor_ground(t, &r, 0, &g), 0);
    pl_cor_ground_agl(&r, &g, sl, &lo, &hi, &un);
    assert_true(isnan(lo) && isnan(hi));
    assert_near(un, 1000, 1e-9);
    /* the 120 m rule over unknown ground: kept (it may be above 120 m) */
    pvec v = {0};
    int unk = 0;
    assert_int_equal(pl_cor_pvec_add(&v, 0, 0, 1), 0);
    assert_int_equal(pl_cor_agl_filter(&r, &g, 0, 0, 120, INFINITY, 1, &v, &unk), 0);
    assert_int_equal(v.n, 1);
    assert_int_equal(unk, 1);
    free(v.a);
    pl_cor_ground_free(&g);
    pl_terrain_free(t);
    unlink(path);
    pl_ctx_free(ctx);
}

int t_terrain(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_ranges),
        cmocka_unit_test(t2_stretches),
        cmocka_unit_test(t3_ridge_by_hand),
        cmocka_unit_test(t4_beyond),
    };
    return cmocka_run_group_tests_name("terrain", tests, NULL, NULL);
}
