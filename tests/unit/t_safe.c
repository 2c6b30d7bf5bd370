/*
 * t_safe.c - the answers that must never fall on the unsafe side: every
 * 3D segment checked (vertical ones too), circles tested as circles, the
 * one altitude rule with its limits, buffers approximated outward, and a
 * randomised differential test against a reference computed another way.
 *
 * The boundary semantics (README, "Touching"): laterally, touching counts
 * (distance == half-width meets the zone, as ST_Intersects); vertically, a
 * band that only reaches a zone's floor or ceiling does not enter it.
 *
 * Test plan (w = 10 m, band 0 unless said; every figure by hand)
 *   1. a vertical step: level legs at 30 m and 150 m, a climb between them
 *      at x = 500 inside a zone of floor 60, ceiling 90: one conflict, the
 *      centreline inside over no length, altitudes 60-90, at 500 m along,
 *      entering at 60 m and leaving at 90 m; with the floor at 150 (the top
 *      of the climb only touches it): none
 *   2. the same climb beside the zone: 10 m from its edge (touching) a
 *      conflict, 10.001 m none; a near-vertical climb (0.1 mm across) deep
 *      inside a large zone: a conflict
 *   3. the 22,360 m circle (at working-CRS coordinates of Wuzhong): a route
 *      22,359 m from the centre crosses a chord 2 sqrt(22360^2 - 22359^2)
 *      = 422.94 m; at 22,370 m (radius + w) it touches; at 22,370.001 m it
 *      is clear
 *   4. every boundary at 0 and 1 mm: floor, ceiling, lateral edge, circle
 *      rim, a minimum-overflight height
 *   5. pl_band_enters itself, and the minimum-overflight extent
 *   6. buffers: pl_geom_buffer_out never nearer than d to its source (random
 *      polylines, sharp turns) and exact on its straight sides (area of a
 *      segment's corridor), pl_geom_inflate_out never nearer than d to a
 *      star polygon, pl_geom_circle_out contains its circle and touches it
 *   7. differential: 10,000 random 3D routes (vertical and near-vertical
 *      segments among them) against random star polygons, rectangles and
 *      circles with floors and ceilings, each route checked by the planner
 *      and by a reference on GEOS: the altitude-entering part of each
 *      segment in closed form, then GEOS's distance and intersection of that
 *      part with the zone, and its corridor length bracketed by GEOS buffers
 *      drawn inside and outside.  No disagreement beyond 1e-6 m; inside it
 *      only conservative ones
 *   8. the approvals' deadline (Art. 26: 12:00 the day before the flight)
 *      across a month, a leap day and a year
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zfix.h"

/* check the fixture's routes; fail naming what unless n_c conflicts */
static void check_one(zf_fixture *fx, size_t n_c, const char *what)
{
    zf_checked c = zf_run(fx);
    if (c.rs->n_c != n_c)
        fail_msg("%s: %zu conflicts, expected %zu", what, c.rs->n_c, n_c);
    zf_done(fx, &c);
}

static void t1_vertical_step(void **state)
{
    zf_fixture *fx = *state;
    zf_feat(fx, &fx->zl, "Z", "POLYGON((400 -100,600 -100,600 100,400 100,400 -100))",
            "class=no_fly floor_m:=60 ceiling_m:=90");
    zf_feat(fx, &fx->rl, "STEP", "LINESTRING Z(0 0 30,500 0 30,500 0 150,1000 0 150)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    const pl_conflict *k = &c.rs->c[0];
    assert_true(k->enters);
    assert_int_equal(c.rs->res[0].verdict, PL_V_FORBIDDEN);
    assert_float_equal(k->length_inside_m, 0, 1e-9);
    assert_float_equal(k->corridor_length_m, 0, 1e-9);
    assert_float_equal(k->alt_lo_m, 60, 1e-9);
    assert_float_equal(k->alt_hi_m, 90, 1e-9);
    assert_float_equal(k->s_from_m, 500, 1e-9);
    assert_float_equal(k->s_to_m, 500, 1e-9);
    assert_float_equal(k->entry[0], 500, 1e-9);
    assert_float_equal(k->entry[2], 60, 1e-9);
    assert_float_equal(k->exit[2], 90, 1e-9);
    zf_done(fx, &c);
    /* floor 150, ceiling unlimited: the climb's top only touches the floor,
     * and the leg at 150 m flies exactly at it */
    fx->zl.a_feats[0].a_props[1].num = 150;
    fx->zl.a_feats[0].a_props[2].num = 400;
    check_one(fx, 0, "climb touching the floor");
    fx->zl.a_feats[0].a_props[1].num = 149.999;
    check_one(fx, 1, "climb 1 mm into the floor");
}

static void t2_vertical_beside(void **state)
{
    zf_fixture *fx = *state;
    /* the zone's west edge 10 m east of the climb at x = 500 */
    zf_feat(fx, &fx->zl, "Z", "POLYGON((510 -100,600 -100,600 100,510 100,510 -100))",
            "class=no_fly floor_m:=60 ceiling_m:=90");
    zf_feat(fx, &fx->rl, "STEP", "LINESTRING Z(0 0 30,500 0 30,500 0 150,0 0 150)", NULL);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_false(c.rs->c[0].enters);
    assert_float_equal(c.rs->c[0].alt_lo_m, 60, 1e-9);
    assert_float_equal(c.rs->c[0].alt_hi_m, 90, 1e-9);
    zf_done(fx, &c);
    zf_clear_layer(fx->ctx, &fx->zl);
    zf_feat(fx, &fx->zl, "Z", "POLYGON((510.001 -100,600 -100,600 100,510.001 100,510.001 -100))",
            "class=no_fly floor_m:=60 ceiling_m:=90");
    check_one(fx, 0, "climb 10.001 m from the zone");
    /* near-vertical: 0.1 mm across while climbing 120 m, 5 km inside */
    zf_clear_layer(fx->ctx, &fx->zl);
    zf_clear_layer(fx->ctx, &fx->rl);
    zf_feat(fx, &fx->zl, "BIG", "POLYGON((-5000 -5000,5000 -5000,5000 5000,-5000 5000,-5000 -5000))",
            "class=no_fly floor_m:=60 ceiling_m:=90");
    zf_feat(fx, &fx->rl, "NEAR", "LINESTRING Z(0 0 30,0 0.0001 150)", NULL);
    c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_true(c.rs->c[0].enters);
    assert_float_equal(c.rs->c[0].alt_lo_m, 60, 1e-6);
    assert_float_equal(c.rs->c[0].alt_hi_m, 90, 1e-6);
    zf_done(fx, &c);
}

#define CX 520000.0   /* a circle centre in EPSG:4549, by Wuzhong */
#define CY 3460000.0
#define CR 22360.0

static void circle_route(zf_fixture *fx, double d)
{
    char wkt[160];
    zf_clear_layer(fx->ctx, &fx->rl);
    snprintf(wkt, sizeof wkt, "LINESTRING(%.4f %.4f,%.4f %.4f)", CX - 30000, CY + d, CX + 30000, CY + d);
    zf_feat(fx, &fx->rl, "R", wkt, NULL);
}

static void t3_circle_exact(void **state)
{
    zf_fixture *fx = *state;
    char wkt[80];
    snprintf(wkt, sizeof wkt, "POINT(%.1f %.1f)", CX, CY);
    zf_feat(fx, &fx->zl, "AIRPORT", wkt, "class=no_fly radius_m:=22360");
    circle_route(fx, CR - 1);
    zf_checked c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    double chord = 2 * sqrt(CR * CR - (CR - 1) * (CR - 1)); /* 422.94 */
    assert_float_equal(chord, 422.94, 0.01);
    assert_float_equal(c.rs->c[0].length_inside_m, chord, 1e-6);
    /* the corridor: within CR + w of the centre */
    assert_float_equal(c.rs->c[0].corridor_length_m, 2 * sqrt((CR + 10) * (CR + 10) - (CR - 1) * (CR - 1)), 1e-6);
    zf_done(fx, &c);
    circle_route(fx, CR + 10); /* the corridor's edge on the rim: touches */
    c = zf_run(fx);
    assert_int_equal(c.rs->n_c, 1);
    assert_false(c.rs->c[0].enters);
    assert_float_equal(c.rs->c[0].corridor_length_m, 0, 1e-3);
    zf_done(fx, &c);
    circle_route(fx, CR + 10.001);
    check_one(fx, 0, "circle, corridor 1 mm off the rim");
    circle_route(fx, -(CR + 10.001));
    check_one(fx, 0, "circle, south, 1 mm off the rim");
    /* the polygon drawn for it contains the circle: its edges' middles lie
     * at the radius or beyond */
    c = zf_run(fx);
    const pl_zone *z = &c.zs->a[0];
    assert_float_equal(z->circle[2], CR, 0);
    GEOSContextHandle_t h = pl_geos(fx->ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, GEOSGetExteriorRing_r(h, z->g));
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    for (unsigned i = 0; i + 1 < n; i++) {
        double x0, y0, x1, y1;
        GEOSCoordSeq_getXY_r(h, cs, i, &x0, &y0);
        GEOSCoordSeq_getXY_r(h, cs, i + 1, &x1, &y1);
        assert_true(hypot((x0 + x1) / 2 - CX, (y0 + y1) / 2 - CY) >= CR);
    }
    zf_done(fx, &c);
}

/* one route against one zone, by its WKT and the route's band */
static void boundary(zf_fixture *fx, const char *zwkt, const char *zprops, const char *rwkt, double below,
                     double above, size_t n_c, const char *what)
{
    zf_clear_layer(fx->ctx, &fx->zl);
    zf_clear_layer(fx->ctx, &fx->rl);
    zf_feat(fx, &fx->zl, "Z", zwkt, zprops);
    char props[80];
    snprintf(props, sizeof props, "band_below_m:=%g band_above_m:=%g", below, above);
    zf_feat(fx, &fx->rl, "R", rwkt, props);
    check_one(fx, n_c, what);
}

#define SQ "POLYGON((400 -100,600 -100,600 100,400 100,400 -100))"

static void t4_boundaries(void **state)
{
    zf_fixture *fx = *state;
    /* floor 100: band top 80 + 20 = 100 touches; 80.001 + 20 enters */
    boundary(fx, SQ, "class=no_fly floor_m:=100", "LINESTRING Z(0 0 80,1000 0 80)", 20, 20, 0, "floor touched");
    boundary(fx, SQ, "class=no_fly floor_m:=100", "LINESTRING Z(0 0 80.001,1000 0 80.001)", 20, 20, 1,
             "floor entered by 1 mm");
    /* ceiling 139: band bottom 159 - 20 = 139 touches; 158.999 - 20 enters */
    boundary(fx, SQ, "class=no_fly ceiling_m:=139", "LINESTRING Z(0 0 159,1000 0 159)", 20, 20, 0, "ceiling touched");
    boundary(fx, SQ, "class=no_fly ceiling_m:=139", "LINESTRING Z(0 0 158.999,1000 0 158.999)", 20, 20, 1,
             "ceiling entered by 1 mm");
    /* the lateral edge y = 100: the corridor's edge (w = 10) on it, 1 mm off */
    boundary(fx, SQ, "class=no_fly", "LINESTRING(0 110,1000 110)", 0, 0, 1, "edge touched");
    boundary(fx, SQ, "class=no_fly", "LINESTRING(0 110.001,1000 110.001)", 0, 0, 0, "edge missed by 1 mm");
    /* a corner: the corridor's round end reaching the vertex (600, 100) */
    boundary(fx, SQ, "class=no_fly", "LINESTRING(610 100,1000 100)", 0, 0, 1, "corner touched");
    boundary(fx, SQ, "class=no_fly", "LINESTRING(610.001 100,1000 100)", 0, 0, 0, "corner missed by 1 mm");
    /* the rim of a 100 m circle */
    boundary(fx, "POINT(0 0)", "class=no_fly radius_m:=100", "LINESTRING(-500 110,500 110)", 0, 0, 1,
             "rim touched");
    boundary(fx, "POINT(0 0)", "class=no_fly radius_m:=100", "LINESTRING(-500 110.001,500 110.001)", 0, 0, 0,
             "rim missed by 1 mm");
    boundary(fx, "POINT(0 0)", "class=no_fly radius_m:=100", "LINESTRING(110 -500,110 500)", 0, 0, 1,
             "rim touched (east)");
    /* a minimum overflight height (150 m): at it allowed, 1 mm below not */
    fx->sc.a_rules[1] = (pl_rule){"eco_control", PL_RR_MIN_OVERFLIGHT, 150, PL_VR_ALLOWED, 0, "test", 1, 0};
    boundary(fx, SQ, "class=eco_control", "LINESTRING Z(0 0 170,1000 0 170)", 20, 20, 0, "overflight at 150 m");
    boundary(fx, SQ, "class=eco_control", "LINESTRING Z(0 0 169.999,1000 0 169.999)", 20, 20, 1,
             "overflight 1 mm low");
}

static void t5_band_rule(void **state)
{
    (void)state;
    assert_false(pl_band_enters(40, 60, 60, 90));   /* top at the floor */
    assert_true(pl_band_enters(40, 60.001, 60, 90));
    assert_false(pl_band_enters(90, 130, 60, 90));  /* bottom at the ceiling */
    assert_true(pl_band_enters(89.999, 130, 60, 90));
    assert_true(pl_band_enters(0, 1000, 60, 90));   /* spans the zone */
    assert_true(pl_band_enters(70, 80, 60, 90));    /* within it */
    assert_true(pl_band_enters(100, 100, 0, INFINITY)); /* a band of no height inside */
    assert_false(pl_band_enters(0, 0, 0, INFINITY)); /* on the ground at the floor: touches */
    pl_rule mo = {"eco_redline", PL_RR_MIN_OVERFLIGHT, 150, PL_VR_FORBIDDEN, 0, "test", 1, 0};
    pl_zone z = {.floor_m = 0, .ceiling_m = 40, .rule = &mo};
    double lo, hi;
    pl_zone_route_extent(&z, &lo, &hi);
    assert_float_equal(lo, 0, 0);
    assert_float_equal(hi, 150, 0); /* the overflight height, not the ceiling (nor ceiling + 150) */
    z.floor_m = 200;
    z.ceiling_m = 300;
    pl_zone_route_extent(&z, &lo, &hi);
    assert_float_equal(hi, 200, 0); /* above the height already: no height to add */
}

static uint64_t rng = 20;
static double urand(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(rng >> 11) / 9007199254740992.0;
}

static void t6_buffers(void **state)
{
    zf_fixture *fx = *state;
    GEOSContextHandle_t h = pl_geos(fx->ctx);
    double worst = INFINITY;
    for (int it = 0; it < 2000; it++) {
        double x[4], y[4];
        for (int k = 0; k < 4; k++) {
            x[k] = urand() * 1000;
            y[k] = urand() * 1000;
        }
        GEOSGeometry *l = pl_geom_line(fx->ctx, x, y, 2 + it % 3);
        int q = 1 + it % 16;
        double d = 5 + urand() * 100;
        GEOSGeometry *b = pl_geom_buffer_out(fx->ctx, l, d, q);
        assert_non_null(b);
        GEOSGeometry *edge = GEOSBoundary_r(h, b);
        double dist;
        assert_int_equal(GEOSDistance_r(h, edge, l, &dist), 1);
        worst = fmin(worst, dist / d);
        GEOSGeom_destroy_r(h, edge);
        GEOSGeom_destroy_r(h, b);
        GEOSGeom_destroy_r(h, l);
    }
    if (!(worst >= 1 - 1e-12))
        fail_msg("a buffer's edge came %.9f of d from its line", worst);
    /* a 1000 m segment's corridor of 50 m: its straight sides exact (in at
     * 49.999 m, out at 50.001 m, midway); its area at least the true one,
     * 1000 x 100 + pi 50^2, and at most that plus what the two 32-gons
     * around the end discs add to them, 2 x 50^2 (32 tan(pi/32) - pi) */
    double sx[2] = {0, 1000}, sy[2] = {0, 0}, area;
    GEOSGeometry *seg = pl_geom_line(fx->ctx, sx, sy, 2), *cor = pl_geom_buffer_out(fx->ctx, seg, 50, 8);
    GEOSArea_r(h, cor, &area);
    assert_true(area >= 1000 * 100 + M_PI * 2500);
    assert_true(area <= 1000 * 100 + M_PI * 2500 + 2 * 2500 * (32 * tan(M_PI / 32) - M_PI));
    GEOSGeometry *in = pl_geom_point(fx->ctx, 500, 49.999), *out = pl_geom_point(fx->ctx, 500, 50.001);
    assert_int_equal(GEOSContains_r(h, cor, in), 1);
    assert_int_equal(GEOSContains_r(h, cor, out), 0);
    GEOSGeom_destroy_r(h, in);
    GEOSGeom_destroy_r(h, out);
    GEOSGeom_destroy_r(h, cor);
    GEOSGeom_destroy_r(h, seg);
    /* mitred growth of star polygons (sharp corners among them) */
    worst = INFINITY;
    for (int it = 0; it < 500; it++) {
        char wkt[600];
        int k = 3 + it % 8, at = snprintf(wkt, sizeof wkt, "POLYGON((");
        double x0 = 0, y0 = 0;
        for (int j = 0; j < k; j++) {
            double a = 2 * M_PI * (j + 0.1 + 0.8 * urand()) / k, rr = 50 + urand() * 400;
            if (!j) {
                x0 = rr * cos(a);
                y0 = rr * sin(a);
            }
            at += snprintf(wkt + at, sizeof wkt - (size_t)at, "%.6f %.6f,", rr * cos(a), rr * sin(a));
        }
        snprintf(wkt + at, sizeof wkt - (size_t)at, "%.6f %.6f))", x0, y0);
        GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
        GEOSGeometry *poly = GEOSWKTReader_read_r(h, rd, wkt);
        GEOSWKTReader_destroy_r(h, rd);
        GEOSGeometry *b = pl_geom_inflate_out(fx->ctx, poly, 50), *edge = GEOSBoundary_r(h, b);
        double dist;
        GEOSDistance_r(h, edge, poly, &dist);
        worst = fmin(worst, dist / 50);
        GEOSGeom_destroy_r(h, edge);
        GEOSGeom_destroy_r(h, b);
        GEOSGeom_destroy_r(h, poly);
    }
    if (!(worst >= 1))
        fail_msg("an inflated polygon's edge came %.9f of d from it", worst);
    GEOSGeometry *c = pl_geom_circle_out(fx->ctx, 10, 20, 1000, 7);
    GEOSGeometry *p = pl_geom_point(fx->ctx, 10, 20), *e = GEOSBoundary_r(h, c);
    double dist;
    GEOSDistance_r(h, e, p, &dist);
    assert_true(dist >= 1000);
    assert_float_equal(dist, 1000, 1e-6); /* tangent: no bigger than needed */
    GEOSGeom_destroy_r(h, e);
    GEOSGeom_destroy_r(h, p);
    GEOSGeom_destroy_r(h, c);
}

/* ==== 7. the differential test ======================================== */

enum { N_ROUTES = 10000, N_SETS = 10, N_ZONES = 12 };

typedef struct refzone {
    int circle;           /* 1: centre cx, cy, radius r */
    double cx, cy, r;
    GEOSGeometry *g;      /* polygon zones: the polygon */
    double vlo, vhi;      /* the protected extent, as the rules say */
} refzone;

/* a random zone i of a set, as WKT and properties for the planner and as
 * the reference keeps it */
static void random_zone(zf_fixture *fx, int i, refzone *rz)
{
    char wkt[2048], props[160], id[16];
    int kind = i % 3;
    double cx = 500000 + urand() * 3000, cy = 3460000 + urand() * 3000;
    memset(rz, 0, sizeof *rz);
    if (kind == 0) { /* a star: k vertices at sorted angles */
        int k = 3 + (int)(urand() * 10), at = 0;
        double a0 = urand() * 2 * M_PI, fx0 = 0, fy0 = 0;
        at += snprintf(wkt + at, sizeof wkt - (size_t)at, "POLYGON((");
        for (int j = 0; j < k; j++) {
            double a = a0 + 2 * M_PI * (j + 0.1 + 0.8 * urand()) / k, rr = 50 + urand() * 400;
            double px = cx + rr * cos(a), py = cy + rr * sin(a);
            if (!j) {
                fx0 = px;
                fy0 = py;
            }
            at += snprintf(wkt + at, sizeof wkt - (size_t)at, "%.6f %.6f,", px, py);
        }
        snprintf(wkt + at, sizeof wkt - (size_t)at, "%.6f %.6f))", fx0, fy0);
    } else if (kind == 1) { /* a rectangle on whole metres: level legs run along its edges */
        double x0 = floor(cx), y0 = floor(cy), x1 = x0 + 20 + floor(urand() * 500), y1 = y0 + 20 + floor(urand() * 500);
        snprintf(wkt, sizeof wkt, "POLYGON((%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f %.0f,%.0f %.0f))", x0, y0, x1, y0, x1,
                 y1, x0, y1, x0, y0);
    } else {
        rz->circle = 1;
        rz->cx = cx;
        rz->cy = cy;
        rz->r = 20 + urand() * 600;
        snprintf(wkt, sizeof wkt, "POINT(%.17g %.17g)", cx, cy);
    }
    double floor_m = urand() < 0.3 ? 0 : urand() * 200;
    double ceil_m = urand() < 0.3 ? INFINITY : floor_m + 10 + urand() * 200;
    const char *cls = i % 4 == 3 ? "eco_redline" : (i % 4 == 2 ? "eco_control" : "no_fly");
    int at = snprintf(props, sizeof props, "class=%s floor_m:=%.17g", cls, floor_m);
    if (isfinite(ceil_m))
        snprintf(props + at, sizeof props - (size_t)at, " ceiling_m:=%.17g", ceil_m);
    if (rz->circle)
        snprintf(props + strlen(props), sizeof props - strlen(props), " radius_m:=%.17g", rz->r);
    rz->vlo = floor_m;
    rz->vhi = ceil_m;
    if (!strcmp(cls, "eco_redline")) /* min overflight 150 m: protected up to the greater of it and the floor */
        rz->vhi = floor_m > 150 ? floor_m : 150;
    snprintf(id, sizeof id, "Z%d", i);
    zf_feat(fx, &fx->zl, id, wkt, props);
    if (!rz->circle)
        rz->g = GEOSGeom_clone_r(pl_geos(fx->ctx), fx->zl.a_feats[fx->zl.n_feats - 1].g);
}

/* a random route: 2-6 waypoints, a quarter of the steps vertical, a tenth
 * near-vertical (less than a millimetre across) */
static size_t random_route(double *x, double *y, double *a, double *w, double *below, double *above)
{
    size_t n = 2 + (size_t)(urand() * 5);
    for (size_t i = 0; i < n; i++) {
        double u = urand();
        if (i && u < 0.25) {
            x[i] = x[i - 1];
            y[i] = y[i - 1];
        } else if (i && u < 0.35) {
            x[i] = x[i - 1] + (urand() - 0.5) * 1e-3;
            y[i] = y[i - 1] + (urand() - 0.5) * 1e-3;
        } else {
            x[i] = 499700 + urand() * 3600;
            y[i] = 3459700 + urand() * 3600;
        }
        a[i] = urand() * 300;
    }
    *w = 5 + urand() * 60;
    *below = urand() * 30;
    *above = urand() * 30;
    return n;
}

typedef struct refans {
    int hit;                  /* the corridor meets the zone at entering altitudes */
    int near;                 /* within 1e-6 m of the half-width, or of an altitude limit */
    double in;                /* centreline inside, at entering altitudes */
    double in_lo, in_hi;      /* for circles: bracketed by polygons inside and outside */
    double cor_lo, cor_hi;    /* centreline within w: bracketed likewise */
} refans;

static double len_in(GEOSContextHandle_t h, const GEOSGeometry *line, const GEOSGeometry *poly)
{
    GEOSGeometry *i = GEOSIntersection_r(h, line, poly);
    double l = 0;
    if (i)
        GEOSLength_r(h, i, &l);
    GEOSGeom_destroy_r(h, i);
    return l;
}

/* the part of segment i where the band enters (vlo, vhi): [ta, tb], or 0 */
static int ref_alt_part(const double *a, size_t i, double below, double above, double vlo, double vhi, double *ta,
                        double *tb, int *near)
{
    double z0 = a[i], z1 = a[i + 1];
    double lo = vlo - above, hi = vhi + below; /* the altitude must lie strictly between */
    if (z0 == z1) {
        *ta = 0;
        *tb = 1;
        *near |= fabs(z0 - lo) < 1e-6 || fabs(z0 - hi) < 1e-6;
        return z0 - below < vhi && z0 + above > vlo;
    }
    double u0 = (lo - z0) / (z1 - z0), u1 = (hi - z0) / (z1 - z0);
    *ta = fmax(0, fmin(u0, u1));
    *tb = fmin(1, fmax(u0, u1));
    if (*tb - *ta < 1e-9 * (1 + 1 / fabs(z1 - z0)))
        *near |= *tb >= *ta - 1e-9;
    return *tb > *ta;
}

/* the altitude-entering part of segment i as a point or a line; NULL when
 * the band does not enter the zone's extent there */
static GEOSGeometry *ref_part(GEOSContextHandle_t h, const refzone *z, const double *x, const double *y,
                              const double *a, size_t i, double below, double above, int *near)
{
    double ta, tb;
    if (!ref_alt_part(a, i, below, above, z->vlo, z->vhi, &ta, &tb, near))
        return NULL;
    double dx = x[i + 1] - x[i], dy = y[i + 1] - y[i];
    double px[2] = {x[i] + ta * dx, x[i] + tb * dx}, py[2] = {y[i] + ta * dy, y[i] + tb * dy};
    if (px[0] == px[1] && py[0] == py[1])
        return GEOSGeom_createPointFromXY_r(h, px[0], py[0]);
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(h, 2, 2);
    GEOSCoordSeq_setXY_r(h, s, 0, px[0], py[0]);
    GEOSCoordSeq_setXY_r(h, s, 1, px[1], py[1]);
    return GEOSGeom_createLineString_r(h, s);
}

/* the lengths of a hit: inside and within w, bracketed by polygons drawn
 * inside and outside the true shapes (circles and grown circles as 256-gons,
 * grown polygons with 16 segments a quarter) */
static void ref_lengths(GEOSContextHandle_t h, const refzone *z, GEOSGeometry *const *parts, size_t n, double w,
                        refans *o)
{
    GEOSGeometry *c_in = NULL, *c_out = NULL, *g_in, *g_out, *ctr = NULL;
    if (z->circle) {
        ctr = GEOSGeom_createPointFromXY_r(h, z->cx, z->cy);
        double k = 1 / cos(M_PI / 256) * (1 + 1e-12);
        c_in = GEOSBuffer_r(h, ctr, z->r, 64);
        c_out = GEOSBuffer_r(h, ctr, z->r * k, 64);
        g_in = GEOSBuffer_r(h, ctr, z->r + w, 64);
        g_out = GEOSBuffer_r(h, ctr, (z->r + w) * k, 64);
    } else {
        g_in = GEOSBuffer_r(h, z->g, w, 16);
        g_out = GEOSBuffer_r(h, z->g, w / cos(3 * M_PI / 128) * (1 + 1e-12), 16);
    }
    for (size_t i = 0; i < n; i++) {
        if (!parts[i] || GEOSGeomTypeId_r(h, parts[i]) == GEOS_POINT)
            continue;
        if (z->circle) {
            o->in_lo += len_in(h, parts[i], c_in);
            o->in_hi += len_in(h, parts[i], c_out);
        } else {
            o->in += len_in(h, parts[i], z->g);
        }
        o->cor_lo += len_in(h, parts[i], g_in);
        o->cor_hi += len_in(h, parts[i], g_out);
    }
    if (!z->circle)
        o->in_lo = o->in_hi = o->in;
    GEOSGeom_destroy_r(h, c_in);
    GEOSGeom_destroy_r(h, c_out);
    GEOSGeom_destroy_r(h, g_in);
    GEOSGeom_destroy_r(h, g_out);
    GEOSGeom_destroy_r(h, ctr);
}

/* the reference answer for route (x, y, a) against zone z: GEOS's distance
 * from each segment's altitude-entering part to the zone (a circle: to its
 * centre, less the radius) against w; the lengths only for a hit */
static void reference(GEOSContextHandle_t h, const refzone *z, const double *x, const double *y, const double *a,
                      size_t n, double w, double below, double above, refans *o)
{
    GEOSGeometry *parts[6] = {0}, *ctr = z->circle ? GEOSGeom_createPointFromXY_r(h, z->cx, z->cy) : NULL;
    memset(o, 0, sizeof *o);
    for (size_t i = 0; i + 1 < n; i++) {
        if (!(parts[i] = ref_part(h, z, x, y, a, i, below, above, &o->near)))
            continue;
        double d;
        GEOSDistance_r(h, parts[i], z->circle ? ctr : z->g, &d);
        d -= z->circle ? z->r : 0;
        o->hit |= d <= w;
        o->near |= fabs(d - w) < 1e-6;
    }
    if (o->hit)
        ref_lengths(h, z, parts, n - 1, w, o);
    for (size_t i = 0; i + 1 < n; i++)
        GEOSGeom_destroy_r(h, parts[i]);
    GEOSGeom_destroy_r(h, ctr);
}

typedef struct tally {
    size_t pairs, hits, vertical_hits, near_conservative, bad;
} tally;

/* one route against the set: the planner's conflicts against the reference */
static void compare_route(zf_fixture *fx, const zf_checked *set, const refzone *rz, pl_route *r, int flags,
                          tally *t)
{
    GEOSContextHandle_t h = pl_geos(fx->ctx);
    pl_route_result res;
    pl_conflict *cv = NULL;
    size_t n_c = 0, cap = 0;
    assert_int_equal(pl_route_check(fx->ctx, set->zs, r, 0, flags, &res, &cv, &n_c, &cap), PL_OK);
    for (size_t k = 0; k < set->zs->n; k++) {
        const pl_zone *z = &set->zs->a[k];
        const pl_conflict *got = NULL;
        for (size_t j = 0; j < n_c; j++)
            if (cv[j].zone == z)
                got = &cv[j];
        refans o;
        reference(h, &rz[k], r->x, r->y, r->alt_m, r->n_pts, r->half_width_m, r->band_below_m, r->band_above_m, &o);
        t->pairs++;
        t->hits += o.hit;
        if (!!got != o.hit) {
            if (o.near && got)
                t->near_conservative++;
            else if (t->bad++ < 5)
                print_message("route %zu pts, zone %s: planner %s, reference %s (near %d)\n", r->n_pts, z->id,
                              got ? "conflict" : "clear", o.hit ? "conflict" : "clear", o.near);
            continue;
        }
        if (!got)
            continue;
        int vertical_only = o.cor_hi == 0;
        t->vertical_hits += vertical_only;
        double tol = 1e-6 * (1 + o.cor_hi);
        if (got->length_inside_m < o.in_lo - tol || got->length_inside_m > o.in_hi + tol ||
            got->corridor_length_m < o.cor_lo - tol || got->corridor_length_m > o.cor_hi + tol) {
            if (t->bad++ < 5)
                print_message("zone %s: inside %.6f (ref %.6f-%.6f), corridor %.6f (ref %.6f-%.6f)\n", z->id,
                              got->length_inside_m, o.in_lo, o.in_hi, got->corridor_length_m, o.cor_lo, o.cor_hi);
        }
    }
    for (size_t j = 0; j < n_c; j++)
        GEOSGeom_destroy_r(h, cv[j].overlap);
    free(cv);
}

static void t7_differential(void **state)
{
    zf_fixture *fx = *state;
    GEOSContextHandle_t h = pl_geos(fx->ctx);
    fx->sc.a_rules = realloc(fx->sc.a_rules, 3 * sizeof *fx->sc.a_rules);
    fx->sc.a_rules[2] = (pl_rule){"eco_redline", PL_RR_MIN_OVERFLIGHT, 150, PL_VR_FORBIDDEN, 0, "test", 1, 0};
    fx->sc.n_rules = 3;
    rng = 7;
    tally t = {0};
    for (int set = 0; set < N_SETS; set++) {
        refzone rz[N_ZONES];
        zf_clear_layer(fx->ctx, &fx->zl);
        for (int i = 0; i < N_ZONES; i++)
            random_zone(fx, i, &rz[i]);
        pl_layer *layers[1] = {&fx->zl};
        zf_checked c = {0};
        assert_int_equal(pl_zones_build(fx->ctx, &fx->sc, layers, 1, &c.zs), PL_OK);
        assert_int_equal(c.zs->n, N_ZONES);
        for (int q = 0; q < N_ROUTES / N_SETS; q++) {
            double x[6], y[6], a[6];
            pl_route r = {.id = "R"};
            r.n_pts = random_route(x, y, a, &r.half_width_m, &r.band_below_m, &r.band_above_m);
            r.x = x;
            r.y = y;
            r.alt_m = a;
            r.line = pl_geom_line(fx->ctx, x, y, r.n_pts);
            int flags = PL_CHECK_NO_OVERLAP | (q % 2 ? PL_CHECK_NO_CLEARANCE : 0);
            compare_route(fx, &c, rz, &r, q % 50 ? flags : 0, &t);
            GEOSGeom_destroy_r(h, r.line);
        }
        for (int i = 0; i < N_ZONES; i++)
            GEOSGeom_destroy_r(h, rz[i].g);
        pl_zones_free(fx->ctx, c.zs);
    }
    print_message("differential: %zu route-zone pairs, %zu conflicts (%zu on vertical segments only), %zu "
                  "conservative within 1e-6 m, %zu disagreements\n",
                  t.pairs, t.hits, t.vertical_hits, t.near_conservative, t.bad);
    assert_int_equal(t.pairs, (size_t)N_ROUTES * N_ZONES);
    assert_true(t.hits > 1000 && t.vertical_hits > 50); /* the cases it claims are there */
    assert_int_equal(t.bad, 0);
}

/* Art. 26: an approval is applied for by 12:00 the day before the flight:
 * across a month, a leap day and a year, by hand */
static void t8_approval_deadline(void **state)
{
    (void)state;
    char by[160];
    pl_approval_deadline("2027-03-01", by, sizeof by);
    assert_non_null(strstr(by, "2027-02-28T12:00+08:00"));
    pl_approval_deadline("2028-03-01", by, sizeof by); /* 2028 is a leap year */
    assert_non_null(strstr(by, "2028-02-29T12:00+08:00"));
    pl_approval_deadline("2027-01-01", by, sizeof by);
    assert_non_null(strstr(by, "2026-12-31T12:00+08:00"));
    pl_approval_deadline(NULL, by, sizeof by); /* no date: the rule in words */
    assert_string_equal(by, "by 12:00 (UTC+8) the day before the flight (Art. 26)");
    pl_approval_deadline("01/03/2027", by, sizeof by);
    assert_string_equal(by, "by 12:00 (UTC+8) the day before the flight (Art. 26)");
}

int t_safe(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(t1_vertical_step, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t2_vertical_beside, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t3_circle_exact, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t4_boundaries, zf_setup, zf_teardown),
        cmocka_unit_test(t5_band_rule),
        cmocka_unit_test_setup_teardown(t6_buffers, zf_setup, zf_teardown),
        cmocka_unit_test_setup_teardown(t7_differential, zf_setup, zf_teardown),
        cmocka_unit_test(t8_approval_deadline),
    };
    return cmocka_run_group_tests_name("safe", tests, NULL, NULL);
}
