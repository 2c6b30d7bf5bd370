/*
 * t_separation.c - two routes' separation (engine/separation.c), exactly:
 * the distance of the centrelines, each route's band over its close part
 * (its centreline within half-width + half-width + separation of the
 * other's), separated by level or at one level; the shared sites' discs
 * left out.  Routes in metres (a projected working CRS), from WKT.
 *
 * Test plan (need = 50 + 50 + 100 = 200 m throughout)
 *   1. parallel: A along y = 0 at 100 m, B along y = 170 at 150 m (bands
 *      +-20): 170 m apart, 30 m short of 200; bands 80-120 against
 *      130-170: separated by level.  B at 130 m (110-150): at one level.
 *      B at 140 m (120-160): A's top is B's bottom: touching, not entering
 *      (the one altitude rule's open limits): separated.  B 230 m away:
 *      not close at all.
 *   2. a climbing crossing: A (0,0,100) -> (1000,0,200), B along x = 500 at
 *      300 m (band +-10): A is within 200 of B for x 300 .. 700, at
 *      100 + 0.1 x = 130 .. 170; B within 200 of A for y -200 .. 200, at
 *      300 (290-310).  A band 0: 130-170 against 290-310, separated; A's
 *      band_above 125: 130-295 enters 290-310; 120: 130-290 touches only.
 *      d = 0 at (500, 0).
 *   3. past the end of B (its round cap, in closed form): B (0,-1000,300)
 *      -> (0,0,300), A along y = 120 from (-1000,120,100) to
 *      (1000,120,300), at 200 + 0.1 x; A within 200 of B's end where
 *      x^2 + 120^2 <= 200^2: |x| <= 160, at 184 .. 216; B within 200 of A
 *      for y -80 .. 0 (120 - y <= 200), at 300.  d = 120 at (0, 120).  A
 *      drawn corridor (chords of a polygon outside the circle) would give
 *      a wider part of A and so a wider band.
 *   4. a long route (1,000 segments, the edge index's grid) and its swap:
 *      A (0,0,0) -> (10000,0,1000) in steps of 10 m, at 0.1 x; B along
 *      x = 5000 at 2000 m, y -1000 .. 1000: A's close part x 4800 .. 5200,
 *      480 .. 520; B's y -200 .. 200 at 2000; the same with a and b
 *      swapped.
 *   5. the shared site at the origin, its disc of 1000 m (drawn as
 *      pl_geom_buffer_out draws it: the 64-gon round the circle, vertices
 *      at 1000 / cos(pi/64) = 1001.206 m, at angles k 5.625 deg, each edge
 *      touching the circle at its middle).  A (0,0,50) -> (1200,0,150) ->
 *      (5000,0,150); B (0,0,50) -> (1200,150,250) -> (5000,150,250): never
 *      more than 150 m apart.  Outside the disc, A leaves it at the vertex
 *      x = 1001.206: 50 + 100 x / 1200 = 133.43; B along angle
 *      atan(0.125) = 7.125 deg, on the edge whose middle is at 8.4375 deg:
 *      radius 1000 / cos(1.3125 deg) = 1000.262 = x sqrt(1 + 1/64), x =
 *      992.54, at 50 + 200 x / 1200 = 215.42.  Bands 133.43-150 against
 *      215.42-250: separated by level (without the disc: 50-150 against
 *      50-250, one level).  A and B that meet only inside the disc
 *      (A along x, B along y from the site): not close.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

#include "zfix.h"

/* Routes A and B from WKT, half-widths 50 and bands +-band_a, +-band_b */
static zf_checked two(zf_fixture *fx, const char *wa, const char *wb, double band_a, double band_b)
{
    zf_clear_layer(fx->ctx, &fx->rl);
    zf_feat(fx, &fx->rl, "A", wa, NULL);
    zf_feat(fx, &fx->rl, "B", wb, NULL);
    zf_checked c = {0};
    pl_layer *layers[2] = {&fx->zl, &fx->rl};
    assert_int_equal(pl_routes_build(fx->ctx, &fx->sc, layers, 2, &c.rs), PL_OK);
    assert_int_equal(c.rs->n, 2);
    for (int k = 0; k < 2; k++) {
        c.rs->a[k].half_width_m = 50;
        c.rs->a[k].band_below_m = c.rs->a[k].band_above_m = k ? band_b : band_a;
    }
    return c;
}

static void done(zf_fixture *fx, zf_checked *c)
{
    pl_routes_free(fx->ctx, c->rs);
}

static pl_sep sep(zf_fixture *fx, const zf_checked *c, const double *excl, size_t n_excl)
{
    pl_sep s;
    assert_int_equal(pl_route_separation(fx->ctx, &c->rs->a[0], &c->rs->a[1], 100, excl, n_excl, 1000, &s), PL_OK);
    assert_float_equal(s.need_m, 200, 1e-9);
    return s;
}

static void t1_parallel(void **state)
{
    zf_fixture *fx = *state;
    zf_checked c = two(fx, "LINESTRING Z(0 0 100,1000 0 100)", "LINESTRING Z(0 170 150,1000 170 150)", 20, 20);
    pl_sep s = sep(fx, &c, NULL, 0);
    assert_float_equal(s.d_m, 170, 1e-9);
    assert_true(s.close);
    assert_float_equal(s.a_lo, 80, 1e-9);
    assert_float_equal(s.a_hi, 120, 1e-9);
    assert_float_equal(s.b_lo, 130, 1e-9);
    assert_float_equal(s.b_hi, 170, 1e-9);
    assert_false(s.level_conflict);
    done(fx, &c);
    c = two(fx, "LINESTRING Z(0 0 100,1000 0 100)", "LINESTRING Z(0 170 130,1000 170 130)", 20, 20);
    s = sep(fx, &c, NULL, 0);
    assert_true(s.close);
    assert_true(s.level_conflict); /* 80-120 against 110-150 */
    done(fx, &c);
    c = two(fx, "LINESTRING Z(0 0 100,1000 0 100)", "LINESTRING Z(0 170 140,1000 170 140)", 20, 20);
    s = sep(fx, &c, NULL, 0);
    assert_true(s.close);
    assert_false(s.level_conflict); /* 80-120 against 120-160: touching */
    done(fx, &c);
    c = two(fx, "LINESTRING Z(0 0 100,1000 0 100)", "LINESTRING Z(0 230 100,1000 230 100)", 20, 20);
    s = sep(fx, &c, NULL, 0);
    assert_float_equal(s.d_m, 230, 1e-9);
    assert_false(s.close);
    assert_false(s.level_conflict);
    done(fx, &c);
}

static void t2_climbing_crossing(void **state)
{
    zf_fixture *fx = *state;
    const char *a = "LINESTRING Z(0 0 100,1000 0 200)", *b = "LINESTRING Z(500 -1000 300,500 1000 300)";
    zf_checked c = two(fx, a, b, 0, 10);
    pl_sep s = sep(fx, &c, NULL, 0);
    assert_float_equal(s.d_m, 0, 1e-9);
    assert_true(s.close);
    assert_float_equal(s.a_lo, 130, 1e-9);
    assert_float_equal(s.a_hi, 170, 1e-9);
    assert_float_equal(s.b_lo, 290, 1e-9);
    assert_float_equal(s.b_hi, 310, 1e-9);
    assert_float_equal(s.at[0], 500, 1e-9);
    assert_float_equal(s.at[1], 0, 1e-9);
    assert_false(s.level_conflict);
    c.rs->a[0].band_above_m = 125;
    s = sep(fx, &c, NULL, 0);
    assert_float_equal(s.a_hi, 295, 1e-9);
    assert_true(s.level_conflict);
    c.rs->a[0].band_above_m = 120;
    s = sep(fx, &c, NULL, 0);
    assert_float_equal(s.a_hi, 290, 1e-9);
    assert_false(s.level_conflict);
    done(fx, &c);
}

static void t3_past_the_end(void **state)
{
    zf_fixture *fx = *state;
    zf_checked c = two(fx, "LINESTRING Z(-1000 120 100,1000 120 300)", "LINESTRING Z(0 -1000 300,0 0 300)", 0, 0);
    pl_sep s = sep(fx, &c, NULL, 0);
    assert_float_equal(s.d_m, 120, 1e-9);
    assert_true(s.close);
    assert_float_equal(s.a_lo, 184, 1e-9);
    assert_float_equal(s.a_hi, 216, 1e-9);
    assert_float_equal(s.b_lo, 300, 1e-9);
    assert_float_equal(s.b_hi, 300, 1e-9);
    assert_float_equal(s.at[0], 0, 1e-9);
    assert_float_equal(s.at[1], 120, 1e-9);
    assert_false(s.level_conflict);
    done(fx, &c);
}

static void t4_long_route(void **state)
{
    zf_fixture *fx = *state;
    size_t n = 1001, cap = n * 40 + 32;
    char *wkt = malloc(cap), *p = wkt;
    p += snprintf(p, cap, "LINESTRING Z(");
    for (size_t i = 0; i < n; i++)
        p += snprintf(p, cap - (size_t)(p - wkt), "%s%zu 0 %zu", i ? "," : "", 10 * i, i);
    snprintf(p, cap - (size_t)(p - wkt), ")");
    const char *b = "LINESTRING Z(5000 -1000 2000,5000 1000 2000)";
    for (int swap = 0; swap < 2; swap++) {
        zf_checked c = swap ? two(fx, b, wkt, 0, 0) : two(fx, wkt, b, 0, 0);
        pl_sep s = sep(fx, &c, NULL, 0);
        double lo = swap ? s.b_lo : s.a_lo, hi = swap ? s.b_hi : s.a_hi;
        double olo = swap ? s.a_lo : s.b_lo, ohi = swap ? s.a_hi : s.b_hi;
        assert_float_equal(s.d_m, 0, 1e-9);
        assert_true(s.close);
        assert_float_equal(lo, 480, 1e-9);
        assert_float_equal(hi, 520, 1e-9);
        assert_float_equal(olo, 2000, 1e-9);
        assert_float_equal(ohi, 2000, 1e-9);
        assert_false(s.level_conflict);
        done(fx, &c);
    }
    free(wkt);
}

static void t5_shared_site(void **state)
{
    zf_fixture *fx = *state;
    const double site[2] = {0, 0};
    zf_checked c = two(fx, "LINESTRING Z(0 0 50,1200 0 150,5000 0 150)",
                       "LINESTRING Z(0 0 50,1200 150 250,5000 150 250)", 0, 0);
    pl_sep s = sep(fx, &c, site, 1);
    assert_true(s.close);
    assert_float_equal(s.a_lo, 50 + 100 * (1000 / cos(M_PI / 64)) / 1200, 0.005); /* 133.43 */
    assert_float_equal(s.a_hi, 150, 1e-9);
    assert_float_equal(s.b_lo, 50 + 200 * (1000 / cos(1.3125 * M_PI / 180) / sqrt(1 + 1.0 / 64)) / 1200,
                       0.005); /* 215.42 */
    assert_float_equal(s.b_hi, 250, 1e-9);
    assert_false(s.level_conflict);
    s = sep(fx, &c, NULL, 0); /* the disc not left out: 50-150 against 50-250 */
    assert_float_equal(s.a_lo, 50, 1e-9);
    assert_float_equal(s.b_lo, 50, 1e-9);
    assert_true(s.level_conflict);
    done(fx, &c);
    c = two(fx, "LINESTRING Z(0 0 100,3000 0 100)", "LINESTRING Z(0 0 100,0 3000 100)", 0, 0);
    s = sep(fx, &c, site, 1);
    assert_true(s.d_m > 1400);
    assert_false(s.close);
    assert_false(s.level_conflict);
    done(fx, &c);
}

int t_separation(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(t1_parallel, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t2_climbing_crossing, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t3_past_the_end, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t4_long_route, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t5_shared_site, zf_setup, zf_teardown),
    };
    return cmocka_run_group_tests_name("separation", tests, NULL, NULL);
}
