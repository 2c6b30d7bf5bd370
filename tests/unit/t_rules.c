/*
 * t_rules.c - rules of the route check that mutation testing (make mutants,
 * tools/mutants/mutants.txt) found no test pinning; each test is named for
 * its rule and its answer is worked out by hand below.
 *
 * Test plan (routes w = 10 m, band 0, as zfix.h sets them)
 *   1. touching counts for a vertical climb: a climb at one position
 *      (30 -> 150 m, the zone 60-90 m, the level legs at 30 m and 150 m
 *      outside it) exactly w from the rim of a circle (radius 100, climb at
 *      x = 110) and exactly w from a square's corner (600, 100), the climb
 *      at (606, 108): sqrt(6^2 + 8^2) = 10, beyond both edges' ends, so
 *      only the corner's disc reaches it: a conflict each; 1 mm farther
 *      none (mutant W4)
 *   2. clearance from a circle is to its rim: a circle of radius 100 at the
 *      origin, a route along y = 200: 200 - 100 - 10 = 90 m (mutant C5)
 *   3. the distance along the route adds up the segments before the
 *      conflict: route (0,0) -> (1000,0) -> (1000,1000) -> (2000,1000), a
 *      square x 1400..1600, y 900..1100 on the third segment: the corridor
 *      meets it from x = 1390 to 1610, at 1000 + 1000 + 390 = 2390 m and
 *      2610 m along; the centreline inside over 200 m, entering at
 *      (1400, 1000) (mutant S7)
 *   4. a level segment's band is [alt - below, alt + above], not the other
 *      way round: a route at 100 m with band_below 5, band_above 30 spans
 *      95-130 m: a zone from 120 m up is entered (130 > 120; swapped the
 *      band would end at 105); a zone up to 80 m is not (95 >= 80; swapped
 *      it would reach down to 70) (mutant A7)
 *   5. a transformation that gives no finite coordinate is an error, not a
 *      point at infinity: PROJ's affine step scaling x by 1e308 turns
 *      x = 10 into inf without setting an error of its own (mutant X3)
 *   6. the boundary's tolerance band is closed: a segment parallel to a
 *      zone's edge exactly tol = 1e-9 x (its start's largest coordinate)
 *      away lies on the edge, so inside the zone, as GEOS's intersection
 *      keeps a line along an edge.  At x = 1024 (a power of two: every step
 *      exact) tol is T = 1024 x 1e-9; the segment (1024, T)-(2048, T) over
 *      the square's top edge y = 0, x 1024..2048: 1024 m inside; 2T away,
 *      none (mutant W7)
 *   7. a small zone with a hole (not a footprint: its rings are built for
 *      the check, a path no other test took, make coverage showed): the
 *      square 0..1000 with the hole 400..600 (both ways, y -200..200 and
 *      -100..100), a route along y = 0 from x = -100 to 1100: inside over
 *      0..400 and 600..1000 = 800 m; the corridor (w = 10) meets it from
 *      -10 to 1010 except where the centreline is more than 10 m inside the
 *      hole, 410..590: 1020 - 180 = 840 m; entering at x = 0
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "zfix.h"

static size_t n_conflicts(zf_fixture *fx)
{
    zf_checked c = zf_run(fx);
    size_t n = c.rs->n_c;
    zf_done(fx, &c);
    return n;
}

/* a climb 30 -> 150 m at (x, y), level legs away to the east at 30 m and 150 m */
static void climb_at(zf_fixture *fx, double x, double y)
{
    char wkt[200];
    zf_clear_layer(fx->ctx, &fx->rl);
    snprintf(wkt, sizeof wkt, "LINESTRING Z(%.4f %.4f 30,%.4f %.4f 30,%.4f %.4f 150,%.4f %.4f 150)", x + 500, y, x,
             y, x, y, x + 500, y);
    zf_feat(fx, &fx->rl, "CLIMB", wkt, NULL);
}

static void r1_vertical_climb_touching_counts(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "CIRCLE", "POINT(0 0)", "class=no_fly radius_m:=100 floor_m:=60 ceiling_m:=90");
    climb_at(fx, 110, 0); /* the rim at 100, w = 10: touches */
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_float_equal(c.rs->c[0].alt_lo_m, 60, 1e-9);
    assert_float_equal(c.rs->c[0].alt_hi_m, 90, 1e-9);
    assert_float_equal(c.rs->c[0].s_from_m, 500, 1e-9); /* the climb, 500 m along */
    assert_false(c.rs->c[0].enters);
    zf_done(fx, &c);
    climb_at(fx, 110.001, 0);
    assert_int_equal(n_conflicts(fx), 0);

    zf_clear_layer(fx->ctx, &fx->zl);
    zf_feat(fx, &fx->zl, "SQ", "POLYGON((400 -100,600 -100,600 100,400 100,400 -100))",
            "class=no_fly floor_m:=60 ceiling_m:=90");
    climb_at(fx, 606, 108); /* 10 m from the corner (600, 100): 6-8-10 */
    c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_float_equal(c.rs->c[0].s_from_m, 500, 1e-9);
    zf_done(fx, &c);
    climb_at(fx, 606, 108.001);
    assert_int_equal(n_conflicts(fx), 0);
}

static void r2_circle_clearance_to_the_rim(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "CIRCLE", "POINT(0 0)", "class=no_fly radius_m:=100");
    zf_feat(fx, &fx->rl, "R", "LINESTRING(-500 200,500 200)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 0);
    assert_int_equal(c.rs->res[0].verdict, PL_V_FREE);
    assert_non_null(c.rs->res[0].clearance_zone);
    assert_string_equal(c.rs->res[0].clearance_zone->id, "CIRCLE");
    assert_float_equal(c.rs->res[0].clearance_m, 90, 1e-9); /* 200 - 100 - 10 */
    zf_done(fx, &c);
}

static void r3_along_adds_earlier_segments(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "SQ", "POLYGON((1400 900,1600 900,1600 1100,1400 1100,1400 900))", "class=no_fly");
    zf_feat(fx, &fx->rl, "R", "LINESTRING(0 0,1000 0,1000 1000,2000 1000)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    const pl_conflict *k = &c.rs->c[0];
    assert_float_equal(k->s_from_m, 2390, 1e-6);
    assert_float_equal(k->s_to_m, 2610, 1e-6);
    assert_float_equal(k->length_inside_m, 200, 1e-6);
    assert_float_equal(k->corridor_length_m, 220, 1e-6);
    assert_float_equal(k->entry[0], 1400, 1e-6);
    assert_float_equal(k->entry[1], 1000, 1e-6);
    assert_float_equal(k->exit[0], 1600, 1e-6);
    zf_done(fx, &c);
}

/* one level route at 100 m, band 5 below and 30 above, through a square
 * with the given altitude properties */
static size_t level_band(zf_fixture *fx, const char *zprops)
{
    zf_clear_layer(fx->ctx, &fx->zl);
    zf_clear_layer(fx->ctx, &fx->rl);
    zf_feat(fx, &fx->zl, "SQ", "POLYGON((400 -100,600 -100,600 100,400 100,400 -100))", zprops);
    zf_feat(fx, &fx->rl, "R", "LINESTRING Z(0 0 100,1000 0 100)", "band_below_m:=5 band_above_m:=30");
    return n_conflicts(fx);
}

static void r4_level_band_below_and_above(void **state)
{
    zf_fixture *fx = *state;
    assert_int_equal(level_band(fx, "class=no_fly floor_m:=120"), 1);   /* 100 + 30 > 120 */
    assert_int_equal(level_band(fx, "class=no_fly floor_m:=130"), 0);   /* top at the floor */
    assert_int_equal(level_band(fx, "class=no_fly ceiling_m:=80"), 0);  /* 100 - 5 >= 80 */
    assert_int_equal(level_band(fx, "class=no_fly ceiling_m:=95.001"), 1);
}

static void r5_no_finite_coordinate_is_an_error(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_xform *xf = pl_crs_pipeline(ctx, "+proj=affine +s11=1e308");
    assert_non_null(xf);
    double x = 10, y = 20;
    assert_int_equal(pl_crs_trans(ctx, xf, &x, &y, 1), PL_CRS);
    assert_error(ctx, PL_CRS, "gave no finite coordinate");
    pl_ctx_free(ctx);
}

static double length_in_square(pl_ctx *ctx, double y)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
    GEOSGeometry *sq = GEOSWKTReader_read_r(h, rd, "POLYGON((1024 -1024,2048 -1024,2048 0,1024 0,1024 -1024))");
    GEOSWKTReader_destroy_r(h, rd);
    pl_region *rg = pl_region_new(ctx, sq);
    assert_non_null(rg);
    double x[2] = {1024, 2048}, ys[2] = {y, y}, a[2] = {100, 100};
    pl_route r = {.id = "R", .n_pts = 2, .x = x, .y = ys, .alt_m = a, .half_width_m = 10};
    double len = pl_route_length_in(&r, rg);
    pl_region_free(rg);
    GEOSGeom_destroy_r(h, sq);
    return len;
}

static void r6_boundary_tolerance_is_closed(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    double T = 1e-9 * 1024; /* the clip's tolerance at x = 1024, as engine/corridor.c computes it */
    assert_float_equal(length_in_square(ctx, 0), 1024, 0);     /* along the edge */
    assert_float_equal(length_in_square(ctx, T), 1024, 0);     /* T away: on it */
    assert_float_equal(length_in_square(ctx, 2 * T), 0, 0);    /* beyond: outside */
    assert_float_equal(length_in_square(ctx, -T), 1024, 0);    /* inside */
    pl_ctx_free(ctx);
}

static void r7_small_zone_with_a_hole(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "DONUT",
            "POLYGON((0 -200,1000 -200,1000 200,0 200,0 -200),(400 -100,400 100,600 100,600 -100,400 -100))",
            "class=no_fly");
    zf_feat(fx, &fx->rl, "R", "LINESTRING(-100 0,1100 0)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    const pl_conflict *k = &c.rs->c[0];
    assert_null(c.zs->a[0].xy); /* not a footprint: the rings are built for the check */
    assert_true(k->enters);
    assert_float_equal(k->length_inside_m, 800, 1e-6);
    assert_float_equal(k->corridor_length_m, 840, 1e-6);
    assert_float_equal(k->entry[0], 0, 1e-6);
    assert_float_equal(k->exit[0], 1000, 1e-6);
    assert_float_equal(k->s_from_m, 90, 1e-6);
    assert_float_equal(k->s_to_m, 1110, 1e-6);
    zf_done(fx, &c);
}

int t_rules(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(r1_vertical_climb_touching_counts, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(r2_circle_clearance_to_the_rim, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(r3_along_adds_earlier_segments, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(r4_level_band_below_and_above, zf_setup, zf_teardown),
        cmocka_unit_test(r5_no_finite_coordinate_is_an_error),
        cmocka_unit_test(r6_boundary_tolerance_is_closed),
        cmocka_unit_test_setup_teardown(r7_small_zone_with_a_hole, zf_setup, zf_teardown),
    };
    return cmocka_run_group_tests_name("rules", tests, NULL, NULL);
}
