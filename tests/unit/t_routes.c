/*
 * t_routes.c - zones and the 3D route check, on in-memory layers.
 *
 * Test plan (zone Q: square x 400..600, y -100..100, metres)
 *   1. altitude interpolation: a route (w = 10 m) climbing 100 -> 200 m over
 *      x 0..1000 is at 139 m at x=390, where its corridor reaches the zone:
 *      ceiling 139 -> only touches (allowed); ceiling 140 -> the corridor
 *      meets the zone over x 390..400 but the centreline stays out;
 *      ceiling 150 -> centreline inside over x 400..500 (100 m)
 *   2. a route bending inside the zone: pieces on two segments add up,
 *      entry on the first, exit on the second
 *   3. a route that leaves and re-enters: both passes counted, one conflict
 *   4. clearance: the nearest blocking zone the corridor does not meet, found
 *      through the index even far outside the route's envelope; warning
 *      zones are not counted
 *   5. a point zone with radius_m is a circle
 *   6. bad zones and routes: floor above ceiling, unknown class, zero length
 *   7. a lake of many edges (the clip reads them through a grid of cells):
 *      1,000 routes (random, vertex to vertex, level with a vertex, along
 *      an edge) against GEOS: the length inside the lake (intersection)
 *      and the corridor's length (the line within a 64-quadrant buffer
 *      of the lake, whose arcs GEOS draws as chords: 0.5 m)
 *   8. the zones' box tree: 3,000 zones (corners on millimetres, between
 *      the tree's steps), 3,000 boxes (random, points, boxes whose edges
 *      touch a zone's), the zones found against every zone's envelope
 *      tested one by one; segments (the boxes' diagonals, segments along a
 *      zone's envelope grown by m) within m, against the separating-axes
 *      test of every zone's grown envelope: none missed, none found more
 *      than a step of the tree's boxes off (0.4 m); and with a route's altitude band, against
 *      every zone's rule, floor and ceiling too (limits open: a band ending
 *      at a ceiling misses the zone)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

#include "zfix.h"

#define SQUARE "POLYGON((400 -100,600 -100,600 100,400 100,400 -100))"

static void t1_interpolation(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "Q", SQUARE, "class=no_fly ceiling_m:=139");
    zf_feat(fx, &fx->rl, "UP", "LINESTRING Z(0 0 100,1000 0 200)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 0); /* at the ceiling only where the corridor touches */
    assert_int_equal(c.rs->res[0].verdict, PL_V_FREE);
    zf_done(fx, &c);
    fx->zl.a_feats[0].a_props[1].num = 140;
    c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_false(c.rs->c[0].enters);
    assert_float_equal(c.rs->c[0].length_inside_m, 0, 1e-9);
    assert_float_equal(c.rs->c[0].corridor_length_m, 10, 1e-6);
    zf_done(fx, &c);
    fx->zl.a_feats[0].a_props[1].num = 150;
    c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    const pl_conflict *k = &c.rs->c[0];
    assert_float_equal(k->length_inside_m, 100, 1e-6);
    assert_float_equal(k->entry[0], 400, 1e-6);
    assert_float_equal(k->entry[2], 140, 1e-6);
    assert_float_equal(k->exit[0], 500, 1e-6);
    assert_float_equal(k->exit[2], 150, 1e-6);
    assert_float_equal(k->alt_lo_m, 139, 1e-6); /* band 0: altitude 139 at x=390 (w=10) */
    assert_float_equal(k->alt_hi_m, 150, 1e-6);
    assert_int_equal(c.rs->res[0].verdict, PL_V_FORBIDDEN);
    zf_done(fx, &c);
}

static void t2_bend_inside(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "Q", SQUARE, "class=no_fly");
    zf_feat(fx, &fx->rl, "BEND", "LINESTRING(0 0,500 0,500 500)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    const pl_conflict *k = &c.rs->c[0];
    assert_float_equal(k->length_inside_m, 200, 1e-6);
    assert_float_equal(k->entry[0], 400, 1e-6);
    assert_float_equal(k->entry[1], 0, 1e-6);
    assert_float_equal(k->exit[0], 500, 1e-6);
    assert_float_equal(k->exit[1], 100, 1e-6);
    assert_float_equal(k->s_from_m, 390, 1e-6);
    assert_float_equal(k->s_to_m, 610, 1e-6);
    zf_done(fx, &c);
}

static void t3_reentry(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "Q", SQUARE, "class=no_fly");
    /* in along y=0 (x 400..600), out, back in along y=50 (x 600..400) */
    zf_feat(fx, &fx->rl, "U", "LINESTRING(0 0,800 0,800 50,0 50)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_float_equal(c.rs->c[0].length_inside_m, 400, 1e-6);
    assert_float_equal(c.rs->c[0].entry[0], 400, 1e-6);
    assert_float_equal(c.rs->c[0].exit[0], 400, 1e-6);
    assert_float_equal(c.rs->c[0].exit[1], 50, 1e-6);
    zf_done(fx, &c);
}

static void t4_clearance(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "NEAR_WARN", "POLYGON((0 50,100 50,100 60,0 60,0 50))", "class=eco_control");
    zf_feat(fx, &fx->zl, "FAR", "POLYGON((0 5000,100 5000,100 5100,0 5100,0 5000))", "class=no_fly");
    zf_feat(fx, &fx->zl, "FARTHER", "POLYGON((0 9000,100 9000,100 9100,0 9100,0 9000))", "class=no_fly");
    zf_feat(fx, &fx->rl, "R", "LINESTRING(0 0,100 0)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 0);
    assert_non_null(c.rs->res[0].clearance_zone);
    assert_string_equal(c.rs->res[0].clearance_zone->id, "FAR");
    assert_float_equal(c.rs->res[0].clearance_m, 5000 - 10, 1e-6);
    zf_done(fx, &c);
}

static void t5_circle(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "C", "POINT(0 0)", "class=no_fly radius_m:=100");
    zf_feat(fx, &fx->rl, "R", "LINESTRING(-500 0,500 0)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_float_equal(c.rs->c[0].length_inside_m, 200, 1e-6);
    zf_done(fx, &c);
}

static void t6_bad(void **state)
{
    zf_fixture *fx = *state;
    pl_layer *layers[2] = {&fx->zl, &fx->rl};
    pl_zoneset *zs = NULL;
    pl_routeset *rs = NULL;
    zf_feat(fx, &fx->zl, "Q", SQUARE, "class=no_fly floor_m:=200 ceiling_m:=100");
    assert_int_equal(pl_zones_build(fx->ctx, &fx->sc, layers, 2, &zs), PL_PARSE);
    assert_error(fx->ctx, PL_PARSE, "mem: layer 'z': feature Q: floor_m 200 is above ceiling_m 100");
    pl_error_clear(fx->ctx);
    zf_clear_layer(fx->ctx, &fx->zl);
    zf_feat(fx, &fx->zl, "Q", SQUARE, "class=volcano");
    assert_int_equal(pl_zones_build(fx->ctx, &fx->sc, layers, 2, &zs), PL_PARSE);
    assert_error(fx->ctx, PL_PARSE, "feature Q: unknown zone class 'volcano'");
    pl_error_clear(fx->ctx);
    zf_feat(fx, &fx->rl, "Z", "LINESTRING(5 5,5 5)", NULL);
    assert_int_equal(pl_routes_build(fx->ctx, &fx->sc, layers, 2, &rs), PL_GEOM);
    assert_error(fx->ctx, PL_GEOM, "route Z has zero length");
    assert_null(rs);
    assert_null(zs);
}

/* the lake of test 7: a wavy shore of 400 points around (500000, 3450000)
 * with an island of 120, and a pond of 16 beside it */
static char *lake_wkt(double *vx, double *vy, size_t nv)
{
    size_t cap = 64 * 1024, n = 0;
    char *w = malloc(cap);
    n += (size_t)snprintf(w + n, cap - n, "MULTIPOLYGON(((");
    for (size_t i = 0; i <= nv; i++) {
        double a = 2 * M_PI * (double)(i % nv) / (double)nv;
        double r = 3000 + 600 * sin(7 * a) + 200 * sin(23 * a);
        size_t at = n + (i ? 1 : 0);
        n += (size_t)snprintf(w + n, cap - n, "%s%.3f %.3f", i ? "," : "", 500000 + r * cos(a), 3450000 + r * sin(a));
        char *end;
        vx[i % nv] = strtod(w + at, &end); /* the vertices as GEOS reads them */
        vy[i % nv] = strtod(end, NULL);
    }
    n += (size_t)snprintf(w + n, cap - n, "),(");
    for (int i = 0; i <= 120; i++) { /* the island, clockwise */
        double a = -2 * M_PI * (i % 120) / 120.0;
        n += (size_t)snprintf(w + n, cap - n, "%s%.3f %.3f", i ? "," : "", 500200 + 800 * cos(a), 3449900 + 800 * sin(a));
    }
    n += (size_t)snprintf(w + n, cap - n, ")),((");
    for (int i = 0; i <= 16; i++) {
        double a = 2 * M_PI * (i % 16) / 16.0;
        n += (size_t)snprintf(w + n, cap - n, "%s%.3f %.3f", i ? "," : "", 504500 + 400 * cos(a), 3450000 + 400 * sin(a));
    }
    snprintf(w + n, cap - n, ")))");
    return w;
}

static double geos_len_in(GEOSContextHandle_t h, const GEOSGeometry *line, const GEOSGeometry *poly)
{
    GEOSGeometry *x = GEOSIntersection_r(h, line, poly);
    double len = 0;
    assert_non_null(x);
    GEOSLength_r(h, x, &len);
    GEOSGeom_destroy_r(h, x);
    return len;
}

static void t7_lake_grid(void **state)
{
    zf_fixture *fx = *state;
    GEOSContextHandle_t h = pl_geos(fx->ctx);
    enum { NV = 400, NR = 1000 };
    double vx[NV], vy[NV];
    char *wkt = lake_wkt(vx, vy, NV);
    zf_feat(fx, &fx->zl, "LAKE", wkt, "class=no_fly");
    free(wkt);
    uint64_t s = 20261129;
    for (int i = 0; i < NR; i++) {
        double x[4], y[4];
        int n = 2;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        int kind = (int)(s >> 60) % 4;
        for (int k = 0; k < 3; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            x[k] = 500000 - 5000 + (double)(s >> 11) / 9007199254740992.0 * 10000;
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            y[k] = 3450000 - 5000 + (double)(s >> 11) / 9007199254740992.0 * 10000;
        }
        size_t v = (size_t)(s >> 20) % NV, u = (v + 1 + (size_t)(s >> 40) % 40) % NV;
        if (kind == 1) { /* vertex to vertex */
            x[0] = vx[v], y[0] = vy[v], x[1] = vx[u], y[1] = vy[u];
        } else if (kind == 2) { /* level with a vertex, across the lake */
            x[0] = 494000, x[1] = 506000, y[0] = y[1] = vy[v];
        } else if (kind == 3) { /* along an edge, through its ends and beyond */
            u = (v + 1) % NV;
            x[0] = 2 * vx[v] - vx[u], y[0] = 2 * vy[v] - vy[u], x[1] = vx[v], y[1] = vy[v];
            x[2] = vx[u], y[2] = vy[u], x[3] = 2 * vx[u] - vx[v], y[3] = 2 * vy[u] - vy[v];
            n = 4;
        } else {
            n = 3;
        }
        char id[16], line[300];
        size_t m = (size_t)snprintf(line, sizeof line, "LINESTRING(");
        for (int q = 0; q < n; q++) /* %.17g: the very doubles */
            m += (size_t)snprintf(line + m, sizeof line - m, "%s%.17g %.17g", q ? "," : "", x[q], y[q]);
        snprintf(line + m, sizeof line - m, ")");
        snprintf(id, sizeof id, "R%d", i);
        zf_feat(fx, &fx->rl, id, line, NULL);
    }
    zf_checked c = zf_run(fx);
    const GEOSGeometry *lake = fx->zl.a_feats[0].g;
    GEOSGeometry *grown = GEOSBuffer_r(h, lake, 10, 64);
    assert_non_null(grown);
    size_t k = 0, n_in = 0, n_cor = 0;
    for (size_t i = 0; i < (size_t)NR; i++) {
        const GEOSGeometry *line = fx->rl.a_feats[i].g;
        double in = geos_len_in(h, line, lake), cor = geos_len_in(h, line, grown);
        const pl_conflict *cf = k < c.rs->n_c && c.rs->c[k].route == i ? &c.rs->c[k++] : NULL;
        if (!cf) {
            if (cor > 0.5)
                fail_msg("route %zu: no conflict, GEOS: corridor %.3f m in the grown lake", i, cor);
            continue;
        }
        if (fabs(cf->length_inside_m - in) > 1e-6)
            fail_msg("route %zu: %.9f m inside, GEOS %.9f m", i, cf->length_inside_m, in);
        if (fabs(cf->corridor_length_m - cor) > 0.5)
            fail_msg("route %zu: corridor %.3f m, GEOS %.3f m", i, cf->corridor_length_m, cor);
        n_in += in > 0;
        n_cor++;
    }
    assert_int_equal(k, c.rs->n_c);
    assert_true(n_in > NR / 4 && n_cor > n_in && n_cor < NR); /* the test tries each case */
    GEOSGeom_destroy_r(h, grown);
    zf_done(fx, &c);
}

static void t8_zone_boxes(void **state)
{
    zf_fixture *fx = *state;
    enum { NZ = 3000, NQ = 3000 };
    /* a third class whose route rule never binds: a band query skips it */
    fx->sc.a_rules = realloc(fx->sc.a_rules, 3 * sizeof *fx->sc.a_rules);
    fx->sc.a_rules[2] = (pl_rule){"cultural", PL_RR_ALLOWED, 0, PL_VR_ALLOWED, 0, "test", 1, 0};
    fx->sc.n_rules = 3;
    uint64_t s = 8;
    double u[4];
    for (int i = 0; i < NZ; i++) {
        for (int k = 0; k < 4; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            u[k] = (double)(s >> 11) / 9007199254740992.0;
        }
        /* millimetres: most corners fall between two of the tree's steps
         * (0.4 m here), which it must round outward */
        double x = 500000 + floor(u[0] * 2e7) / 1000, y = 3450000 + floor(u[1] * 2e7) / 1000;
        double w = 1 + floor(u[2] * (i % 50 ? 300 : 5000)), h = 1 + floor(u[3] * 300000) / 1000; /* some large */
        char id[16], wkt[300], props[80];
        snprintf(id, sizeof id, "Z%d", i);
        snprintf(wkt, sizeof wkt, "POLYGON((%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f,%.3f %.3f))", x, y, x + w, y,
                 x + w, y + h, x, y + h, x, y);
        snprintf(props, sizeof props, "class=%s floor_m:=%d ceiling_m:=%d", i % 11 ? "no_fly" : "cultural", i % 7 * 10,
                 i % 7 * 10 + 10 + i % 13 * 10);
        zf_feat(fx, &fx->zl, id, wkt, props);
    }
    pl_layer *layers[1] = {&fx->zl};
    pl_zoneset *zs = NULL;
    int brc = pl_zones_build(fx->ctx, &fx->sc, layers, 1, &zs);
    if (brc != PL_OK)
        fail_msg("%s", pl_errmsg(fx->ctx));
    size_t found = 0, found_near = 0, extra = 0;
    for (int q = 0; q < NQ; q++) {
        for (int k = 0; k < 4; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            u[k] = (double)(s >> 11) / 9007199254740992.0;
        }
        double b[4] = {500000 + u[0] * 21000, 3450000 + u[1] * 21000, 0, 0};
        b[2] = b[0] + (q % 3 == 0 ? 0 : u[2] * 2000); /* a third are points */
        b[3] = b[1] + (q % 3 == 0 ? 0 : u[3] * 2000);
        const pl_zone *t = &zs->a[(size_t)q % zs->n];
        if (q % 5 == 0) { /* touching a zone's envelope from outside */
            b[0] = t->env[2];
            b[2] = t->env[2] + 10;
            b[1] = t->env[1] - 5;
            b[3] = t->env[1];
        }
        /* 1. boxes: exactly the zones whose envelope meets the box */
        pl_zonelist l = {0};
        pl_zones_collect_box(zs, b, &l);
        assert_int_equal(pl_zonelist_finish(fx->ctx, &l), PL_OK);
        size_t k = 0;
        for (size_t i = 0; i < zs->n; i++) {
            const double *e = zs->a[i].env;
            int meets = !(e[0] > b[2] || e[2] < b[0] || e[1] > b[3] || e[3] < b[1]);
            if (meets != (k < l.n && l.a[k] == &zs->a[i]))
                fail_msg("box %d: zone %s %s", q, zs->a[i].id, meets ? "missed" : "found wrongly");
            k += meets;
        }
        assert_int_equal(k, l.n);
        found += l.n;
        l.n = 0;

        /* 2. segments (the box's diagonal, either way; every seventh along
         * a zone's envelope grown by m, touching it) within m: every zone
         * whose envelope grown by m the segment meets, and no zone more
         * than a step of the tree farther; every other one with an altitude
         * band of 20 m, its ends on 10 m steps (at floors and ceilings,
         * limits open) */
        double m = q % 4 * 25 + 1e-3;
        double sg[4] = {b[0], b[1], b[2], b[3]};
        if (q % 2)
            sg[0] = b[2], sg[2] = b[0];
        if (q % 7 == 0) {
            sg[0] = sg[2] = t->env[2] + m;
            sg[1] = t->env[1] - 300;
            sg[3] = t->env[3] + 300;
        }
        double band[2] = {(double)(q % 23) * 10, (double)(q % 23) * 10 + 20};
        const double *bp = q % 2 ? band : NULL;
        pl_zones_collect_near(zs, sg, m, bp, &l);
        assert_int_equal(pl_zonelist_finish(fx->ctx, &l), PL_OK);
        k = 0;
        for (size_t i = 0; i < zs->n; i++) {
            const pl_zone *z = &zs->a[i];
            const double *e = z->env;
            int in_band = !bp || (pl_zone_route_severity(z) > 0 && band[0] < z->ceiling_m && band[1] > z->floor_m);
            int meets = in_band && pl_seg_box_meets(sg[0], sg[1], sg[2], sg[3], e[0] - m, e[1] - m, e[2] + m, e[3] + m);
            /* within a step of the tree's zone boxes (their extent, 25 km
             * here, over 65,534: 0.4 m); floors, ceilings and bands are
             * whole metres, which its decimetres hold exactly, so the
             * band's test stays exact */
            double mm = m + 0.5;
            int near = in_band && pl_seg_box_meets(sg[0], sg[1], sg[2], sg[3], e[0] - mm, e[1] - mm, e[2] + mm, e[3] + mm);
            int got = k < l.n && l.a[k] == z;
            if (meets && !got)
                fail_msg("segment %d: zone %s missed", q, z->id);
            if (got && !near)
                fail_msg("segment %d: zone %s found, %s", q, z->id, in_band ? "far" : "out of the band");
            extra += got && !meets;
            k += got;
        }
        assert_int_equal(k, l.n);
        found_near += l.n;
        free(l.a);
    }
    assert_true(found > NQ && found_near > NQ); /* the queries find zones, not just nothing */
    assert_true(extra * 100 < found_near);    /* a few by rounding, no more */
    pl_zones_free(fx->ctx, zs);
}

int t_routes(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(t1_interpolation, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t2_bend_inside, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t3_reentry, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t4_clearance, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t5_circle, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t6_bad, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t7_lake_grid, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t8_zone_boxes, zf_setup, zf_teardown),
    };
    return cmocka_run_group_tests_name("routes", tests, NULL, NULL);
}
