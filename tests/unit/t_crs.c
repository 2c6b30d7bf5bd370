/*
 * t_crs.c - PROJ transformers and axis order.
 *
 * Test plan
 *   1. EPSG:4326 lon/lat -> EPSG:4549: the central meridian 120E maps to
 *      easting 500000 exactly; east of it is east (axis order not swapped)
 *   2. round trip 4326 -> 4549 -> 4326 within 1e-9 degrees
 *   3. transformers are cached: the same pair gives the same object
 *   4. the working CRS must be projected and metric
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

int t_crs(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_axis_order),
        cmocka_unit_test(t2_round_trip),
        cmocka_unit_test(t3_cache),
        cmocka_unit_test(t4_metric),
    };
    return cmocka_run_group_tests_name("crs", tests, NULL, NULL);
}
