/*
 * t_crs.c - PROJ transformers and axis order.
 *
 * Test plan
 *   1. EPSG:4326 lon/lat -> EPSG:4549: the central meridian 120E maps to
 *      easting 500000 exactly; east of it is east (axis order not swapped)
 *   2. round trip 4326 -> 4549 -> 4326 within 1e-9 degrees
 *   3. transformers are cached: the same pair gives the same object
 *   4. the working CRS must be projected and metric
 *   5. GCJ-02 and BD-09 round trips, offset of the expected size near Suzhou
 */
#include <math.h>
#include <string.h>

#include "t.h"

static void t1_axis_order(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_xform *xf = pl_crs_xform(ctx, "EPSG:4326", "EPSG:4549");
    assert_non_null(xf);
    double x[2] = {120.0, 120.5}, y[2] = {31.0, 31.2};
    assert_int_equal(pl_crs_trans(ctx, xf, x, y, 2), PL_OK);
    assert_float_equal(x[0], 500000.0, 1e-6);
    /* 31 N is about 3.43e6 m north of the equator */
    assert_in_range((long)y[0], 3420000, 3440000);
    /* 0.5 deg east at 31.2 N is about 47.6 km east */
    assert_in_range((long)x[1], 547000, 548200);
    pl_ctx_free(ctx);
}

static void t2_round_trip(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_xform *fw = pl_crs_xform(ctx, "EPSG:4326", "EPSG:4549");
    pl_xform *bw = pl_crs_xform(ctx, "EPSG:4549", "EPSG:4326");
    double x = 120.2873, y = 31.0277;
    assert_int_equal(pl_crs_trans(ctx, fw, &x, &y, 1), PL_OK);
    assert_int_equal(pl_crs_trans(ctx, bw, &x, &y, 1), PL_OK);
    assert_float_equal(x, 120.2873, 1e-9);
    assert_float_equal(y, 31.0277, 1e-9);
    pl_ctx_free(ctx);
}

static void t3_cache(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_xform *a = pl_crs_xform(ctx, "EPSG:4326", "EPSG:4549");
    pl_xform *b = pl_crs_xform(ctx, "EPSG:4326", "EPSG:4549");
    assert_ptr_equal(a, b);
    assert_null(pl_crs_xform(ctx, "EPSG:999999", "EPSG:4549"));
    assert_error(ctx, PL_CRS, "cannot transform from CRS EPSG:999999");
    pl_ctx_free(ctx);
}

static void t4_metric(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    assert_int_equal(pl_crs_check_metric(ctx, "EPSG:4549"), PL_OK);
    assert_int_equal(pl_crs_check_metric(ctx, "EPSG:32651"), PL_OK);
    assert_int_equal(pl_crs_check_metric(ctx, "EPSG:4326"), PL_CRS);
    assert_error(ctx, PL_CRS, "not a projected CRS");
    pl_error_clear(ctx);
    assert_int_equal(pl_crs_check_metric(ctx, "EPSG:2249"), PL_CRS); /* US survey feet */
    assert_error(ctx, PL_CRS, "does not use metres");
    pl_ctx_free(ctx);
}

static void t5_gcj02(void **state)
{
    (void)state;
    /* round trips: WGS84 -> GCJ-02 -> WGS84 and BD-09 back through GCJ-02 */
    double lon = 120.2873, lat = 31.0277, glon = lon, glat = lat;
    pl_crs_wgs84_to_gcj02(&glon, &glat);
    /* the published offset near Suzhou is a few hundred metres */
    double dx = (glon - lon) * 111320 * cos(lat * M_PI / 180), dy = (glat - lat) * 110574;
    assert_in_range((long)hypot(dx, dy), 100, 1000);
    double wlon = glon, wlat = glat;
    pl_crs_gcj02_to_wgs84(&wlon, &wlat);
    assert_float_equal(wlon, lon, 1e-9);
    assert_float_equal(wlat, lat, 1e-9);
    /* BD-09 from GCJ-02 by its published forward formula, then back */
    const double xp = M_PI * 3000.0 / 180.0;
    double z = sqrt(glon * glon + glat * glat) + 0.00002 * sin(glat * xp);
    double t = atan2(glat, glon) + 0.000003 * cos(glon * xp);
    double blon = z * cos(t) + 0.0065, blat = z * sin(t) + 0.006;
    pl_crs_bd09_to_wgs84(&blon, &blat);
    assert_float_equal(blon, lon, 1e-6);
    assert_float_equal(blat, lat, 1e-6);
}

int t_crs(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_axis_order),
        cmocka_unit_test(t2_round_trip),
        cmocka_unit_test(t3_cache),
        cmocka_unit_test(t4_metric),
        cmocka_unit_test(t5_gcj02),
    };
    return cmocka_run_group_tests_name("crs", tests, NULL, NULL);
}
