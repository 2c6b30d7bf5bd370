/*
 * t_siting.c - pl_siting_run: the feasibility rules of a vertiport site,
 * the choice it hands to the optimiser and the figures it reports, on an
 * in-memory plan (zfix.h layers, every coordinate placed by hand).
 *
 * The plan (metres): district D = square 0..6000 x 0..6000; water: lake
 * 4000..6000 x 0..2000 and ISLE 4400..4600 x 4400..4600 (kind "island": land);
 * zones: NF no_fly 4500..5500 x 1500..2500 (vertiports forbidden), EC
 * eco_control 2000..2500 x 3000..3500 (vertiports at least 500 m away);
 * obstacles: TOWER 100 m at (3000, 1350), twelve 50 m masts on a 40 m ring
 * round (1000, 1000), POLE 20 m at (1510, 4500).  D = 20 m: safety area
 * 2.0 D = 40 m across (r 20), FATO 1.5 D (r 15); surface 8:1, splay 0.15.
 * Built V1 (500, 2000).  Demand (weight): D1 (2000, 2500) 10, D2 (3000, 1400)
 * 5, D3 (2300, 2400) 3, D4 (5500, 5500) 7, D5 (500, 2200) 2, radius 500 m;
 * D6 (2500, 1850) 4 of kind "hub", whose radius is 1000 m; 2 new sites,
 * 1000 m apart at least.
 *
 * Test plan
 *   1. each candidate's verdict and reason text:
 *      C_OK (2000, 2400): feasible, headings "0-359";
 *      C_OUT (7000, 2000): "outside the district";
 *      C_WATER (4200, 1000): "in water";
 *      C_WATERNF (5000, 1750): in the lake and in NF: "in water; in no_fly
 *        NF (corner), where vertiports are forbidden" (reasons "; "-joined);
 *      C_SHORE (3990, 1000): on land 10 m from the lake: "the 40.0 m safety
 *        area (2.0 D) does not fit on land: water or the district edge is
 *        10.0 m away";
 *      C_EDGE (10, 3000): 10 m from the district's edge: does not fit (the
 *        prefix only: the distance it names is the water's,
 *        sqrt(3990^2 + 1000^2) = 4113.4 m, not the edge's 10 m; reported);
 *      C_NOFLY (5000, 2250): on land inside NF: "in no_fly NF (corner), ...";
 *      C_NFDISC (5000, 2515): the point 15 m outside NF, its 20 m safety area
 *        meets it: the same reason; C_NF21 (5000, 2521): 21 m out, beyond the
 *        32-gon drawn round the 20 m circle (20 / cos(pi/32) = 20.097 m):
 *        feasible;
 *      C_ECO (2250, 3800): 300 m north of EC: "300 m from eco_control EC, the
 *        rule asks at least 500 m"; C_ECO500 (2250, 4000): exactly 500 m:
 *        feasible (the rule is "less than");
 *      C_OBS (3000, 1300): the tower 50 m north; heading h is blocked when
 *        along = 50 cos h - 15 >= 0, across = 50 |sin h| <= 15 + 0.15 along
 *        and 100 > along / 8: h = 23: 19.537 <= 19.654 blocked, h = 24:
 *        20.337 > 19.602 free: headings "24-336", feasible;
 *      C_WALL (1000, 1000): every heading within 15 deg of a mast, along >=
 *        40 cos 15 - 15 = 23.6, across <= 40 sin 15 = 10.4 < 15 + 0.15 x 23.6:
 *        "no approach/departure heading is clear of obstacles above the 8:1
 *        surface", headings "";
 *      C_INFATO (1500, 4500): POLE 10 m away, inside the 15 m FATO: "an
 *        obstacle stands inside the FATO (POLE)";
 *      C_NEAR (2600, 2400), C_ISLE (4500, 4500, on the island): feasible;
 *      built V1 feasible; 6 feasible candidates of 16
 *   2. the choice and its figures: D6 is sqrt(500^2 + 550^2) = 743 m from
 *      both C_OK and C_OBS and 559 m from C_NEAR (inside its 1000 m);
 *      per-site demand in reach C_OK 17 (D1 at 100 m, D3 at 300 m, D6),
 *      C_NEAR 7 (D3, D6; D1 at sqrt(600^2 + 100^2) = 608 m), C_OBS 9 (D2,
 *      D6), V1 2, C_ISLE 0; C_NEAR is 600 m from C_OK (< 1000), so the best
 *      2 are C_OK + C_OBS (10 + 3 + 4 + 5 = 22; C_NEAR + C_OBS 12),
 *      exhaustive: covered 22 + V1's 2 = 24 of 31 (D4 reached by none),
 *      bound 24, gap 0; reached by no other open site: C_OK 13, C_OBS 5
 *      (D6 by both, counted once), V1 2; nearest open site of C_OK: C_OBS
 *      at sqrt(1000^2 + 1100^2) = 1486.607 m (V1 at sqrt(1500^2 + 400^2) =
 *      1552.417 m); route ends
 *      (tolerance 300 m): R1 (2010, 2400) -> (500, 2250) from C_OK 10 m, to V1
 *      250 m; R2 (3000, 3000) -> (3000, 2000): no site at either end, nearest
 *      sqrt(1000^2 + 600^2) = 1166.190 m (C_OK) and 700 m (C_OBS).
 *      R1's start makes C_OK a required site (the answer is the same).
 *      One new site: C_OK alone (required; 17 > 9 too): covered 17 + 2 = 19
 *   3. no obstacles layer: headings not checked, C_WALL and C_INFATO
 *      feasible: 8 feasible
 *   4. errors: no boundary layer; a candidate that is not a point; an
 *      obstacle without height_m
 *   5. the network: R1's start is 10 m from C_OK: required (1 of the 2);
 *      R2 has no candidate within 300 m: two warnings naming the nearest
 *      candidate, C_NEAR: from (3000, 3000) sqrt(400^2 + 600^2) = 721 m, from
 *      (3000, 2000) sqrt(400^2 + 400^2) = 566 m; the reasons: V1 built with
 *      D5 (2) and R1's end, C_OK required with D1, D3 (no kind) and D6
 *      (hub), 17, 13 only here, C_OBS chosen with D2 and D6, 9, 5 only here,
 *      and no alternative (C_NEAR, the only other candidate reaching D6, is
 *      600 m from C_OK); the LP forces x1 (C_OK) open.  Count 3: no third
 *      site (C_ISLE, C_NF21, C_ECO500 reach no demand, C_NEAR is inside the
 *      separation): 2 open and a note.  Count 0: the required C_OK exceeds
 *      it: PL_INFEASIBLE, one message
 *   6. a route R3 from C_NEAR (2600, 2400) to 50 m from C_OK: both
 *      required, 600 m apart, inside the 1000 m separation: both open (the
 *      2 of the count, C_OBS not), with a warning
 *      One new site: C_OK alone (17 > 9): covered 17 + 2 = 19
 *   3. no obstacles layer and no terrain model: headings "not checked: no
 *      obstacle layer and no terrain model" (0-359 not checked), C_WALL and
 *      C_INFATO feasible (a warning, not a failure): 8 feasible
 *   4. errors: no boundary layer; a candidate that is not a point; an
 *      obstacle without a height; one that is a line
 *   5. building footprints, site C_BLD (1000, 5300), r 15, splay 0.15, 8:1
 *      (surface of heading h: along = p.u - 15 >= 0, |across| <= 15 + 0.15
 *      along; closed where the top > along / 8):
 *      TALL, x 1190..1210, y 5290..5310, height "60m" (OSM height): east of
 *        the site, 190-210 m out, 20 m across; for heading 90 + f its
 *        corner (190, -10) (site-relative) enters the surface while
 *        190 (sin f - 0.15 cos f) - 10 (cos f + 0.15 sin f) + 2.25 <= 15,
 *        i.e. 188.5 sin f - 38.5 cos f <= 12.75: f <= 11.543 + asin(12.75 /
 *        192.392) = 15.343 deg, along there 171 m, surface 21 m < 60 m:
 *        closed 75-105 (the same to the north by symmetry);
 *      WALL, x 500..1500, y 5400..5402, building:levels 4 = 12 m
 *        (approximate): closed where the least along of its edge y = +100
 *        under the surface is under 96 m.  For heading t the edge enters the
 *        surface's side at x = (100 sin t - 12.75 - 15 cos t) / (cos t +
 *        0.15 sin t), along x sin t + 100 cos t - 15: t = 30: x 25.78,
 *        along 84.49; t = 44: 95.85 (closed); t = 45: x 58.23, along 96.89
 *        (free): closed 0-44 and 316-359 (t* = 44.27).  Its vertices are
 *        500 m off and its nearest point (1000, 5400) is under the surface
 *        only to t = 15.8: neither would find 16-44;
 *      free "45-74,106-315"; 2 obstacles within reach, 1 approximate
 *   6. a terrain model (in memory: 100 m cells over 0..6000, ground 0,
 *      the cell x 3300..3400, y 5000..5100 at 40 m, x 3000..3100, y
 *      5100..5200 at 3 m, x 2700..2800, y 5000..5100 unknown), site C_TER
 *      (3050, 5050): its ground 0 (the FATO's box in one 0 m cell); the
 *      terrain checked to 8 x 40 = 320 m out.  The 40 m cell, 250-350 m
 *      east, 100 m across: corner (250, -50) enters while 242.5 sin f -
 *      87.5 cos f <= 12.75: f <= 19.843 + asin(12.75 / 257.804) = 22.678,
 *      along 235.5 < 320: closed 68-112; the unknown cell, 250-350 m west:
 *      not checked 248-292; the 3 m cell, its least along 35 m (surface
 *      4.4 m): closes nothing; MAST8, 8 m on it 100 m north: top 8 + 3 = 11
 *      m > along / 8 while along = 100 cos t - 15 < 88 and 100 sin t <=
 *      12.75 + 15 cos t: t <= 8.531 + asin(12.75 / 101.119) = 15.775:
 *      closed 0-15, 345-359 (as 8 m alone: along < 64, never under the
 *      surface: nothing).  Free "16-67,113-247,293-344", feasible.  Site
 *      C_UNK (2750, 5050) in the unknown cell: its ground unknown, every
 *      heading not checked: not feasible, "no approach/departure heading
 *      is known to be clear ...: 0-359 not checked"
 *   7. capacity, 1 pad x 3 movements/h (scenario parameters): R1 (C_OK ->
 *      V1) 2/h from the scenario's route_per_hour; R3 from V1 back to V1,
 *      per_hour 1 (its property): 2 movements at V1; R4 at C_OK without
 *      per_hour: not counted.  C_OK 2 of 3: no warning; V1 2 + 2 = 4 > 3:
 *      "4 movements/h planned (R1 2/h, R3 2/h (both ends)), capacity 3/h
 *      (1 pad x 3)"; V2 (5500, 3500), built with movements_per_h 1, R5 to
 *      it 1.5/h: "1.5 movements/h planned (R5 1.5/h), capacity 1/h (the
 *      site's movements_per_h)".  2 pads: V1 4 of 6, no warning.  No pads
 *      stated: capacity unknown (NAN), no warning.  pads 1.5: an error
 *   8. the scan against a brute force written apart from approach.c: 12
 *      sites among 150 random footprints (3- to 6-gons, some concave, 3-40
 *      m high) and 50 points: every point sampled every 0.1 m along every
 *      edge, and the surface's inner corners inside a footprint; a heading
 *      the samples close is never free (exact: a sample is a real point),
 *      and a heading the scan closes has samples within 0.02 m of closing
 *      it (the samples miss the exact binding point by less than 0.1 m)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zfix.h"

enum { L_ZONES, L_ROUTES, L_BOUNDARY, L_WATER, L_OBST, L_CAND, L_DEMAND, L_BUILT, L_N };

typedef struct sfix {
    zf_fixture *fx;
    pl_layer_decl d[L_N];
    pl_layer l[L_N];
    pl_layer *layers[L_N];
    size_t n_layers;
    pl_plan p;
} sfix;

static void add_layer(sfix *s, int k, const char *id, int role)
{
    s->d[k] = (pl_layer_decl){.id = (char *)id, .role = role, .path = "mem", .class_prop = "class", .id_prop = "id"};
    s->l[k].decl = &s->d[k];
}

static int setup(void **state)
{
    void *zs = NULL;
    zf_setup(&zs);
    sfix *s = calloc(1, sizeof *s);
    s->fx = zs;
    zf_fixture *fx = s->fx;
    fx->sc.file = "mem.yaml";
    fx->sc.a_rules[1].vertiport = PL_VR_MIN_DISTANCE; /* eco_control: 500 m */
    fx->sc.a_rules[1].min_distance_m = 500;
    fx->sc.siting = (pl_siting_cfg){.enabled = 1, .count = 2, .radius_m = 500, .min_sep_m = 1000,
                                    .design_d_m = 20, .fato_factor = 1.5, .safety_factor = 2.0,
                                    .surface_slope = 8, .surface_splay = 0.15, .range_m = 5000,
                                    .end_tolerance_m = 300, .exact_limit = 200000};
    static char *hub[] = {"hub"};
    static double hub_m[] = {1000};
    fx->sc.siting.radius_kind = hub;
    fx->sc.siting.radius_kind_m = hub_m;
    fx->sc.siting.n_radius_kind = 1;
    add_layer(s, L_BOUNDARY, "boundary", PL_ROLE_BOUNDARY);
    add_layer(s, L_WATER, "water", PL_ROLE_WATER);
    add_layer(s, L_OBST, "obstacles", PL_ROLE_OBSTACLES);
    add_layer(s, L_CAND, "candidates", PL_ROLE_CANDIDATES);
    add_layer(s, L_DEMAND, "demand", PL_ROLE_DEMAND);
    add_layer(s, L_BUILT, "built", PL_ROLE_VERTIPORTS);

    zf_feat(fx, &fx->zl, "NF", "POLYGON((4500 1500,5500 1500,5500 2500,4500 2500,4500 1500))", "class=no_fly name=corner");
    zf_feat(fx, &fx->zl, "EC", "POLYGON((2000 3000,2500 3000,2500 3500,2000 3500,2000 3000))",
            "class=eco_control name=reserve");
    zf_feat(fx, &fx->rl, "R1", "LINESTRING(2010 2400,500 2250)", NULL);
    zf_feat(fx, &fx->rl, "R2", "LINESTRING(3000 3000,3000 2000)", NULL);
    zf_feat(fx, &s->l[L_BOUNDARY], "D", "POLYGON((0 0,6000 0,6000 6000,0 6000,0 0))", "kind=district");
    zf_feat(fx, &s->l[L_WATER], "LAKE", "POLYGON((4000 0,6000 0,6000 2000,4000 2000,4000 0))", "kind=lake");
    zf_feat(fx, &s->l[L_WATER], "ISLE", "POLYGON((4400 4400,4600 4400,4600 4600,4400 4600,4400 4400))", "kind=island");
    zf_feat(fx, &s->l[L_OBST], "TOWER", "POINT(3000 1350)", "height_m:=100");
    for (int k = 0; k < 12; k++) { /* the ring of masts, every 30 degrees */
        char id[16], wkt[64];
        snprintf(id, sizeof id, "MAST%02d", k);
        snprintf(wkt, sizeof wkt, "POINT(%.6f %.6f)", 1000 + 40 * sin(k * M_PI / 6), 1000 + 40 * cos(k * M_PI / 6));
        zf_feat(fx, &s->l[L_OBST], id, wkt, "height_m:=50");
    }
    zf_feat(fx, &s->l[L_OBST], "POLE", "POINT(1510 4500)", "height_m:=20");
    static const struct {
        const char *id, *wkt, *kind;
    } cands[] = {
        {"C_OK", "POINT(2000 2400)", "scenic_car_park"}, {"C_OUT", "POINT(7000 2000)", "pier"},
        {"C_WATER", "POINT(4200 1000)", "pier"},         {"C_WATERNF", "POINT(5000 1750)", "pier"},
        {"C_SHORE", "POINT(3990 1000)", "pier"},         {"C_EDGE", "POINT(10 3000)", "pier"},
        {"C_NOFLY", "POINT(5000 2250)", "town_centre"},  {"C_NFDISC", "POINT(5000 2515)", "town_centre"},
        {"C_NF21", "POINT(5000 2521)", "town_centre"},   {"C_ECO", "POINT(2250 3800)", "town_centre"},
        {"C_ECO500", "POINT(2250 4000)", "town_centre"}, {"C_OBS", "POINT(3000 1300)", "hospital"},
        {"C_WALL", "POINT(1000 1000)", "town_centre"},   {"C_INFATO", "POINT(1500 4500)", "town_centre"},
        {"C_NEAR", "POINT(2600 2400)", "scenic_car_park"}, {"C_ISLE", "POINT(4500 4500)", "pier"},
    };
    for (size_t k = 0; k < sizeof cands / sizeof cands[0]; k++) {
        char props[64];
        snprintf(props, sizeof props, "kind=%s", cands[k].kind);
        zf_feat(fx, &s->l[L_CAND], cands[k].id, cands[k].wkt, props);
    }
    zf_feat(fx, &s->l[L_DEMAND], "D1", "POINT(2000 2500)", "weight:=10");
    zf_feat(fx, &s->l[L_DEMAND], "D2", "POINT(3000 1400)", "weight:=5");
    zf_feat(fx, &s->l[L_DEMAND], "D3", "POINT(2300 2400)", "weight:=3");
    zf_feat(fx, &s->l[L_DEMAND], "D4", "POINT(5500 5500)", "weight:=7");
    zf_feat(fx, &s->l[L_DEMAND], "D5", "POINT(500 2200)", "weight:=2");
    zf_feat(fx, &s->l[L_DEMAND], "D6", "POINT(2500 1850)", "weight:=4 kind=hub");
    zf_feat(fx, &s->l[L_BUILT], "V1", "POINT(500 2000)", "kind=tourism");
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    sfix *s = *state;
    pl_routes_free(s->fx->ctx, s->p.routes);
    pl_zones_free(s->fx->ctx, s->p.zones);
    for (int k = L_BOUNDARY; k < L_N; k++)
        zf_clear_layer(s->fx->ctx, &s->l[k]);
    void *zs = s->fx;
    free(s);
    return zf_teardown(&zs);
}

/* The plan of every layer but those in `leave` (bits 1 << L_*), its zones
 * and routes built and checked. */
static pl_plan *plan(sfix *s, unsigned leave)
{
    zf_fixture *fx = s->fx;
    s->n_layers = 0;
    for (int k = 0; k < L_N; k++)
        if (!(leave & (1u << k)))
            s->layers[s->n_layers++] = k == L_ZONES ? &fx->zl : k == L_ROUTES ? &fx->rl : &s->l[k];
    s->p.sc = &fx->sc;
    s->p.layers = s->layers;
    s->p.n_layers = s->n_layers;
    assert_int_equal(pl_zones_build(fx->ctx, &fx->sc, s->layers, s->n_layers, &s->p.zones), PL_OK);
    assert_int_equal(pl_routes_build(fx->ctx, &fx->sc, s->layers, s->n_layers, &s->p.routes), PL_OK);
    assert_int_equal(pl_routes_check(fx->ctx, s->p.zones, s->p.routes), PL_OK);
    return &s->p;
}

static const pl_site *site(const pl_siting *st, const char *id)
{
    for (size_t i = 0; i < st->n; i++)
        if (!strcmp(st->a[i].id, id))
            return &st->a[i];
    fail_msg("no site %s", id);
    return NULL;
}

/* feasible or not, with exactly this reason text ("" when none) */
static void verdict(const pl_siting *st, const char *id, int feasible, const char *why)
{
    const pl_site *s = site(st, id);
    const char *got = s->why.n ? s->why.s : "";
    if (s->feasible != feasible || strcmp(got, why))
        fail_msg("%s: feasible %d, '%s'; expected %d, '%s'", id, s->feasible, got, feasible, why);
}

static const char *headings(const pl_siting *st, const char *id)
{
    const pl_site *s = site(st, id);
    return s->headings.n ? s->headings.s : "";
}

#define NF_WHY "in no_fly NF (corner), where vertiports are forbidden"

static void t1_feasibility(void **state)
{
    sfix *s = *state;
    pl_siting *st = NULL;
    assert_int_equal(pl_siting_run(s->fx->ctx, plan(s, 0), &st), PL_OK);
    assert_int_equal(st->n, 17); /* V1 first, then the 16 candidates */
    assert_string_equal(st->a[0].id, "V1");
    assert_true(st->a[0].existing);
    verdict(st, "V1", 1, "");
    verdict(st, "C_OK", 1, "");
    assert_string_equal(headings(st, "C_OK"), "0-359");
    verdict(st, "C_OUT", 0, "outside the district");
    verdict(st, "C_WATER", 0, "in water");
    verdict(st, "C_WATERNF", 0, "in water; " NF_WHY);
    verdict(st, "C_SHORE", 0,
            "the 40.0 m safety area (2.0 D) does not fit on land: water or the district edge is 10.0 m away");
    const pl_site *edge = site(st, "C_EDGE");
    assert_false(edge->feasible);
    assert_non_null(strstr(edge->why.s, "the 40.0 m safety area (2.0 D) does not fit on land"));
    verdict(st, "C_NOFLY", 0, NF_WHY);
    verdict(st, "C_NFDISC", 0, NF_WHY);
    verdict(st, "C_NF21", 1, "");
    verdict(st, "C_ECO", 0, "300 m from eco_control EC, the rule asks at least 500 m");
    verdict(st, "C_ECO500", 1, "");
    verdict(st, "C_OBS", 1, "");
    assert_string_equal(headings(st, "C_OBS"), "24-336");
    verdict(st, "C_WALL", 0, "no approach/departure heading is clear of obstacles above the 8:1 surface");
    assert_string_equal(headings(st, "C_WALL"), "");
    verdict(st, "C_INFATO", 0, "an obstacle stands inside the FATO (POLE)");
    verdict(st, "C_NEAR", 1, "");
    verdict(st, "C_ISLE", 1, "");
    assert_int_equal(st->n_feasible, 6);
    pl_siting_free(st);
}

static void t2_choice(void **state)
{
    sfix *s = *state;
    pl_siting *st = NULL;
    assert_int_equal(pl_siting_run(s->fx->ctx, plan(s, 0), &st), PL_OK);
    for (size_t i = 0; i < st->n; i++) {
        const char *id = st->a[i].id;
        int want = !strcmp(id, "V1") || !strcmp(id, "C_OK") || !strcmp(id, "C_OBS");
        if (st->a[i].open != want)
            fail_msg("%s: open %d, expected %d", id, st->a[i].open, want);
    }
    assert_int_equal(st->n_new, 2);
    assert_int_equal(st->n_dem, 6);
    assert_float_equal(st->total_w, 31, 1e-9);
    assert_float_equal(st->covered_w, 24, 1e-9);
    assert_float_equal(st->objective, 24, 1e-9);
    assert_float_equal(st->bound, 24, 1e-9);
    assert_float_equal(st->gap, 0, 1e-12);
    assert_string_equal(st->method, "exhaustive enumeration");
    assert_float_equal(site(st, "C_OK")->covered_w, 17, 1e-9);
    assert_float_equal(site(st, "C_NEAR")->covered_w, 7, 1e-9);
    assert_float_equal(site(st, "C_OBS")->covered_w, 9, 1e-9);
    assert_float_equal(site(st, "V1")->covered_w, 2, 1e-9);
    assert_float_equal(site(st, "C_ISLE")->covered_w, 0, 1e-9);
    assert_float_equal(site(st, "C_OK")->only_w, 13, 1e-9);
    assert_float_equal(site(st, "C_OBS")->only_w, 5, 1e-9);
    assert_float_equal(site(st, "V1")->only_w, 2, 1e-9);
    assert_float_equal(site(st, "C_NEAR")->only_w, 0, 1e-9);
    assert_float_equal(site(st, "C_OK")->nearest_open_m, 1486.607, 1e-3);
    assert_float_equal(site(st, "C_OBS")->nearest_open_m, 1486.607, 1e-3);
    assert_float_equal(site(st, "V1")->nearest_open_m, 1552.417, 1e-3);
    assert_true(isinf(site(st, "C_NEAR")->nearest_open_m));
    const pl_route_ends *e = st->ends;
    assert_non_null(e[0].from);
    assert_string_equal(e[0].from->id, "C_OK");
    assert_float_equal(e[0].from_m, 10, 1e-9);
    assert_non_null(e[0].to);
    assert_string_equal(e[0].to->id, "V1");
    assert_float_equal(e[0].to_m, 250, 1e-9);
    assert_null(e[1].from);
    assert_float_equal(e[1].from_m, 1166.190, 1e-3);
    assert_null(e[1].to);
    assert_float_equal(e[1].to_m, 700, 1e-9);
    pl_siting_free(st);
    /* one new site: C_OK's 17 beats C_OBS's 9 */
    s->fx->sc.siting.count = 1;
    assert_int_equal(pl_siting_run(s->fx->ctx, &s->p, &st), PL_OK);
    assert_true(site(st, "C_OK")->open);
    assert_false(site(st, "C_OBS")->open);
    assert_int_equal(st->n_new, 1);
    assert_float_equal(st->covered_w, 19, 1e-9);
    pl_siting_free(st);
}

static void t3_no_obstacle_layer(void **state)
{
    sfix *s = *state;
    pl_siting *st = NULL;
    assert_int_equal(pl_siting_run(s->fx->ctx, plan(s, 1u << L_OBST), &st), PL_OK);
    verdict(st, "C_WALL", 1, "");
    verdict(st, "C_INFATO", 1, "");
    assert_string_equal(headings(st, "C_OBS"), "not checked: no obstacle layer and no terrain model");
    assert_string_equal(site(st, "C_OBS")->headings_by.s, "nothing: no obstacle layer and no terrain model");
    assert_string_equal(site(st, "C_OBS")->headings_unknown.s, "0-359");
    assert_int_equal(st->n_feasible, 8);
    pl_siting_free(st);
}

static void t4_errors(void **state)
{
    sfix *s = *state;
    pl_ctx *ctx = s->fx->ctx;
    pl_siting *st = NULL;
    assert_int_equal(pl_siting_run(ctx, plan(s, 1u << L_BOUNDARY), &st), PL_PARSE);
    assert_error(ctx, PL_PARSE, "mem.yaml: siting needs a boundary layer with the district polygon");
    assert_null(st);
    pl_error_clear(ctx);
    /* obstacles are read before the district, and sites before both */
    zf_feat(s->fx, &s->l[L_OBST], "BARE", "POINT(100 100)", NULL);
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_PARSE);
    assert_error(ctx, PL_PARSE, "mem: layer 'obstacles': obstacle BARE: no height: give height_m (or OSM's height "
                                "or building:levels)");
    pl_error_clear(ctx);
    zf_clear_layer(ctx, &s->l[L_OBST]);
    zf_feat(s->fx, &s->l[L_OBST], "LINE", "LINESTRING(100 100,200 200)", "height_m:=5");
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_PARSE);
    assert_error(ctx, PL_PARSE, "obstacle LINE: expected a Point, Polygon or MultiPolygon, got a LineString");
    pl_error_clear(ctx);
    zf_feat(s->fx, &s->l[L_CAND], "C_LINE", "LINESTRING(100 100,200 200)", NULL);
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_GEOM);
    assert_error(ctx, PL_GEOM, "mem: layer 'candidates': site C_LINE: expected a Point, got a LineString");
    assert_null(st);
}

static const char *reason_of(const pl_siting *st, const char *id)
{
    const pl_site *s = site(st, id);
    return s->reason.n ? s->reason.s : "";
}

static void t5_network(void **state)
{
    sfix *s = *state;
    pl_ctx *ctx = s->fx->ctx;
    pl_siting *st = NULL;
    assert_int_equal(pl_siting_run(ctx, plan(s, 0), &st), PL_OK);
    assert_true(site(st, "C_OK")->required);
    assert_int_equal(st->n_required, 1);
    assert_int_equal(st->n_new, 2);
    assert_int_equal(st->n_warn, 2);
    assert_string_equal(st->a_warn[0],
                        "route R2 start: no site or candidate within 300 m; the nearest candidate, C_NEAR, is 721 m away");
    assert_string_equal(st->a_warn[1],
                        "route R2 end: no site or candidate within 300 m; the nearest candidate, C_NEAR, is 566 m away");
    assert_string_equal(reason_of(st, "V1"),
                        "built: kept; 1 demand point in reach (1 unspecified; weight 2, 2 only here); route ends R1 end");
    assert_string_equal(reason_of(st, "C_OK"), "required: route ends R1 start; 3 demand points in reach "
                                               "(2 unspecified, 1 hub; weight 17, 13 only here)");
    assert_string_equal(reason_of(st, "C_OBS"), "chosen: 2 demand points in reach (1 unspecified, 1 hub; weight 9, "
                                                "5 only here); no other candidate could take its place");
    assert_string_equal(reason_of(st, "C_NEAR"), "");
    assert_int_equal(st->note.n, 0);
    pl_buf lp;
    pl_buf_init(&lp);
    assert_int_equal(pl_siting_lp(ctx, &s->p, st, &lp), PL_OK);
    assert_non_null(strstr(lp.s, "\\ x1 = C_OK (required: a route ends here)\n"));
    assert_non_null(strstr(lp.s, "\n req1: x1 = 1\n"));
    /* the variables: C_OK, C_OBS and C_NEAR (the others are infeasible or reach no demand) */
    assert_non_null(strstr(lp.s, "\n count: + x1 + x12 + x15 <= 2\n"));
    assert_non_null(strstr(lp.s, "\n sep1_15: x1 + x15 <= 1\n"));
    pl_buf_free(&lp);
    pl_siting_free(st);
    s->fx->sc.siting.count = 3; /* nothing else adds demand or ends a route */
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_OK);
    assert_int_equal(st->n_new, 2);
    assert_false(site(st, "C_ISLE")->open);
    assert_string_equal(st->note.s, "2 of the 3 new sites the count allows are open; 1 could not be placed: "
                                    "separation and quotas leave no eligible candidate (feasible and reaching demand)");
    pl_siting_free(st);
    s->fx->sc.siting.count = 0;
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_INFEASIBLE);
    assert_error(ctx, PL_INFEASIBLE,
                 "mem.yaml: siting: the routes end at 1 candidate that must open (C_OK), more than the 0 new sites "
                 "siting.count allows: raise the count or end the routes at built sites");
    assert_null(st);
}

static void t6_required_pair(void **state)
{
    sfix *s = *state;
    zf_feat(s->fx, &s->fx->rl, "R3", "LINESTRING(2600 2400,2000 2450)", NULL);
    pl_siting *st = NULL;
    assert_int_equal(pl_siting_run(s->fx->ctx, plan(s, 0), &st), PL_OK);
    assert_true(site(st, "C_OK")->open && site(st, "C_NEAR")->open && !site(st, "C_OBS")->open);
    assert_int_equal(st->n_required, 2);
    assert_int_equal(st->n_warn, 3);
    assert_string_equal(st->a_warn[2], "C_OK, required by a route end, is 600 m from required site C_NEAR, inside "
                                       "the 1000 m separation: both kept, as routes end at both");
    assert_string_equal(reason_of(st, "C_OK"), "required: route ends R1 start, R3 end; 3 demand points in reach "
                                               "(2 unspecified, 1 hub; weight 17, 10 only here)");
    pl_siting_free(st);
}

/* ==== 5-7: footprints, terrain, capacity ==================================== */

static void t5_footprints(void **state)
{
    sfix *s = *state;
    pl_siting *st = NULL;
    zf_feat(s->fx, &s->l[L_CAND], "C_BLD", "POINT(1000 5300)", "kind=town_centre");
    zf_feat(s->fx, &s->l[L_OBST], "TALL", "POLYGON((1190 5290,1210 5290,1210 5310,1190 5310,1190 5290))",
            "height=60m");
    zf_feat(s->fx, &s->l[L_OBST], "WALL", "MULTIPOLYGON(((500 5400,1500 5400,1500 5402,500 5402,500 5400)))",
            "building:levels=4");
    assert_int_equal(pl_siting_run(s->fx->ctx, plan(s, 0), &st), PL_OK);
    verdict(st, "C_BLD", 1, "");
    assert_string_equal(headings(st, "C_BLD"), "45-74,106-315");
    const pl_site *b = site(st, "C_BLD");
    assert_int_equal(b->headings_unknown.n, 0);
    assert_string_equal(b->headings_by.s, "obstacle layer 'obstacles' (2 within reach, 1 of them with a height from "
                                          "building:levels x 3 m: approximate); no terrain model: the terrain not "
                                          "checked");
    /* the other sites keep their answers */
    assert_string_equal(headings(st, "C_OBS"), "24-336");
    pl_siting_free(st);
}

/* The terrain of group 6, handed to the zone set (which frees it). */
static pl_terrain *terrain6(void)
{
    pl_terrain *t = calloc(1, sizeof *t);
    t->cs = 100, t->nx = 60, t->ny = 60;
    t->lo = calloc(t->nx * t->ny, sizeof *t->lo);
    t->hi = calloc(t->nx * t->ny, sizeof *t->hi);
    t->lo[33 * 60 + 50] = t->hi[33 * 60 + 50] = 40;
    t->lo[30 * 60 + 51] = t->hi[30 * 60 + 51] = 3;
    t->lo[27 * 60 + 50] = t->hi[27 * 60 + 50] = NAN;
    t->all_lo = 0, t->all_hi = 40, t->n_unknown = 1;
    return t;
}

static void t6_terrain(void **state)
{
    sfix *s = *state;
    pl_siting *st = NULL;
    zf_feat(s->fx, &s->l[L_CAND], "C_TER", "POINT(3050 5050)", "kind=town_centre");
    zf_feat(s->fx, &s->l[L_CAND], "C_UNK", "POINT(2750 5050)", "kind=town_centre");
    zf_feat(s->fx, &s->l[L_OBST], "MAST8", "POINT(3050 5150)", "height_m:=8");
    pl_plan *p = plan(s, 0);
    p->zones->terrain = terrain6();
    assert_int_equal(pl_siting_run(s->fx->ctx, p, &st), PL_OK);
    verdict(st, "C_TER", 1, "");
    assert_string_equal(headings(st, "C_TER"), "16-67,113-247,293-344");
    const pl_site *t = site(st, "C_TER");
    assert_string_equal(t->headings_unknown.s, "248-292");
    assert_string_equal(t->headings_by.s, "obstacle layer 'obstacles' (1 within reach); terrain model (in memory) "
                                          "(site ground 0.0 m, checked 320 m out); not checked 248-292: no ground "
                                          "in the terrain model under part of their surface");
    verdict(st, "C_UNK", 0, "no approach/departure heading is known to be clear of obstacles above the 8:1 "
                            "surface: 0-359 not checked (no ground in the terrain model under part of their "
                            "surface)");
    assert_string_equal(headings(st, "C_UNK"), "");
    /* ground 0 elsewhere: the other sites keep their answers */
    assert_string_equal(headings(st, "C_OBS"), "24-336");
    verdict(st, "C_OK", 1, "");
    pl_siting_free(st);
    /* the terrain alone, no obstacle layer: MAST8 gone, 0-15 free */
    pl_zones_free(s->fx->ctx, s->p.zones);
    pl_routes_free(s->fx->ctx, s->p.routes);
    p = plan(s, 1u << L_OBST);
    p->zones->terrain = terrain6();
    assert_int_equal(pl_siting_run(s->fx->ctx, p, &st), PL_OK);
    assert_string_equal(headings(st, "C_TER"), "0-67,113-247,293-359");
    assert_non_null(strstr(site(st, "C_TER")->headings_by.s, "no obstacle layer: buildings and masts not checked; "
                                                             "terrain model (in memory)"));
    pl_siting_free(st);
}

static void t7_capacity(void **state)
{
    sfix *s = *state;
    pl_ctx *ctx = s->fx->ctx;
    pl_siting_cfg *c = &s->fx->sc.siting;
    pl_siting *st = NULL;
    static char *ids[] = {"R1"};
    static double ph[] = {2};
    c->pads = 1, c->movements_per_pad_h = 3;
    c->per_hour_route = ids, c->per_hour = ph, c->n_per_hour = 1;
    zf_feat(s->fx, &s->fx->rl, "R3", "LINESTRING(520 2000,700 2100,480 2010)", "per_hour:=1");
    zf_feat(s->fx, &s->fx->rl, "R4", "LINESTRING(2000 2390,2000 3000)", NULL);
    zf_feat(s->fx, &s->fx->rl, "R5", "LINESTRING(5000 3000,5500 3450)", "per_hour=1.5");
    zf_feat(s->fx, &s->l[L_BUILT], "V2", "POINT(5500 3500)", "kind=logistics movements_per_h:=1");
    assert_int_equal(pl_siting_run(ctx, plan(s, 0), &st), PL_OK);
    const pl_site *ok = site(st, "C_OK"), *v1 = site(st, "V1"), *v2 = site(st, "V2");
    assert_float_equal(ok->movements_per_h, 2, 1e-12);
    assert_float_equal(ok->capacity_per_h, 3, 1e-12);
    assert_string_equal(ok->movements_by.s, "R1 2/h, R4 not counted (no per_hour)");
    assert_int_equal(ok->capacity_warning.n, 0);
    assert_float_equal(v1->movements_per_h, 4, 1e-12);
    assert_string_equal(v1->capacity_warning.s,
                        "4 movements/h planned (R1 2/h, R3 2/h (both ends)), capacity 3/h (1 pad x 3)");
    assert_string_equal(v2->capacity_warning.s,
                        "1.5 movements/h planned (R5 1.5/h), capacity 1/h (the site's movements_per_h)");
    assert_true(isnan(site(st, "C_NEAR")->capacity_per_h)); /* not open */
    pl_siting_free(st);
    c->pads = 2;
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_OK);
    assert_float_equal(site(st, "V1")->capacity_per_h, 6, 1e-12);
    assert_string_equal(site(st, "V1")->capacity_basis.s, "2 pads x 3");
    assert_int_equal(site(st, "V1")->capacity_warning.n, 0);
    pl_siting_free(st);
    c->pads = 0;
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_OK);
    assert_true(isnan(site(st, "V1")->capacity_per_h));
    assert_int_equal(site(st, "V1")->capacity_warning.n, 0);
    assert_string_equal(site(st, "V1")->capacity_basis.s, "not stated: no pads or movements per pad given");
    pl_siting_free(st);
    c->pads = 1.5;
    assert_int_equal(pl_siting_run(ctx, &s->p, &st), PL_PARSE);
    assert_error(ctx, PL_PARSE, "mem.yaml: siting.pads must be a whole number, got 1.5");
    assert_null(st);
}

/* ==== 8: the scan against a sampled brute force ============================== */

typedef struct rnd {
    unsigned long long s;
} rnd;

static double urand(rnd *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(r->s >> 11) / 9007199254740992.0;
}

typedef struct bf_obst {
    double x[7], y[7], h; /* a closed ring (n + 1 points), or a point (n 1) */
    int n;
} bf_obst;

static int bf_inside(const bf_obst *o, double x, double y)
{
    int in = 0;
    for (int k = 0; k < o->n; k++) {
        double x0 = o->x[k], y0 = o->y[k], x1 = o->x[k + 1], y1 = o->y[k + 1];
        if ((y0 > y) != (y1 > y) && x < x0 + (y - y0) * (x1 - x0) / (y1 - y0))
            in = !in;
    }
    return in;
}

/* The most any obstacle rises above the surface of heading hd at site
 * (sx, sy), from samples 0.1 m apart (r 15, splay 0.15, 8:1). */
static double bf_margin(const bf_obst *ob, int n_ob, double sx, double sy, int hd)
{
    double ux = sin(hd * M_PI / 180), uy = cos(hd * M_PI / 180), worst = -INFINITY;
    for (int i = 0; i < n_ob; i++) {
        const bf_obst *o = &ob[i];
        double best = INFINITY;
        for (int k = 0; k < (o->n > 1 ? o->n : 1); k++) {
            double x0 = o->x[k], y0 = o->y[k], x1 = o->x[o->n > 1 ? k + 1 : k], y1 = o->y[o->n > 1 ? k + 1 : k];
            int m = 1 + (int)(hypot(x1 - x0, y1 - y0) / 0.1);
            for (int j = 0; j <= m; j++) {
                double x = x0 + (x1 - x0) * j / m - sx, y = y0 + (y1 - y0) * j / m - sy;
                double a = x * ux + y * uy - 15, c = fabs(x * uy - y * ux);
                if (a >= 0 && c <= 15 + 0.15 * a && a < best)
                    best = a;
            }
        }
        for (int side = -1; o->n > 1 && side <= 1; side += 2)
            if (bf_inside(o, sx + 15 * ux + side * 15 * uy, sy + 15 * uy - side * 15 * ux))
                best = 0;
        if (o->h - best / 8 > worst)
            worst = o->h - best / 8;
    }
    return worst;
}

static void parse_ranges(const char *t, char *free_hd)
{
    memset(free_hd, 0, 360);
    while (t && *t) {
        int a = 0, b = 0, k = 0;
        assert_int_equal(sscanf(t, "%d-%d%n", &a, &b, &k), 2);
        for (int hd = a; hd <= b; hd++)
            free_hd[hd] = 1;
        t += k + (t[k] == ',');
    }
}

static void t8_random(void **state)
{
    sfix *s = *state;
    rnd r = {24};
    enum { N_OB = 200, N_SITE = 12 };
    bf_obst *ob = calloc(N_OB, sizeof *ob);
    zf_clear_layer(s->fx->ctx, &s->l[L_OBST]);
    zf_clear_layer(s->fx->ctx, &s->l[L_CAND]);
    for (int i = 0; i < N_OB; i++) {
        bf_obst *o = &ob[i];
        double cx = 600 + urand(&r) * 2800, cy = 4000 + urand(&r) * 1700, rad = 5 + urand(&r) * 35;
        char wkt[512], props[32], id[16];
        o->n = i < 50 ? 1 : 3 + (int)(urand(&r) * 4);
        o->h = 3 + urand(&r) * 37;
        int len = snprintf(wkt, sizeof wkt, o->n == 1 ? "POINT(" : "POLYGON((");
        for (int k = 0; k < o->n; k++) { /* a star: every other vertex may fall inward (concave) */
            double t = 2 * M_PI * (k + 0.8 * urand(&r)) / o->n, q = rad * (0.3 + 0.7 * urand(&r));
            o->x[k] = o->n == 1 ? cx : cx + q * cos(t);
            o->y[k] = o->n == 1 ? cy : cy + q * sin(t);
            len += snprintf(wkt + len, sizeof wkt - (size_t)len, "%s%.6f %.6f", k ? "," : "", o->x[k], o->y[k]);
        }
        o->x[o->n] = o->x[0], o->y[o->n] = o->y[0];
        if (o->n > 1)
            snprintf(wkt + len, sizeof wkt - (size_t)len, ",%.6f %.6f))", o->x[0], o->y[0]);
        else
            snprintf(wkt + len, sizeof wkt - (size_t)len, ")");
        snprintf(id, sizeof id, "O%d", i);
        snprintf(props, sizeof props, "height_m:=%.9f", o->h);
        zf_feat(s->fx, &s->l[L_OBST], id, wkt, props);
    }
    double sx[N_SITE], sy[N_SITE];
    for (int i = 0; i < N_SITE; i++) {
        char id[16], wkt[64];
        sx[i] = 900 + urand(&r) * 2200, sy[i] = 4300 + urand(&r) * 1100;
        snprintf(id, sizeof id, "R%02d", i);
        snprintf(wkt, sizeof wkt, "POINT(%.6f %.6f)", sx[i], sy[i]);
        zf_feat(s->fx, &s->l[L_CAND], id, wkt, "kind=pier");
    }
    pl_siting *st = NULL;
    assert_int_equal(pl_siting_run(s->fx->ctx, plan(s, 0), &st), PL_OK);
    int n_closed = 0, n_free = 0;
    for (int i = 0; i < N_SITE; i++) {
        char free_hd[360], id[16];
        snprintf(id, sizeof id, "R%02d", i);
        parse_ranges(headings(st, id), free_hd);
        for (int hd = 0; hd < 360; hd++) {
            double m = bf_margin(ob, N_OB, sx[i], sy[i], hd);
            if (free_hd[hd] ? m > 0 : m < -0.02)
                fail_msg("%s heading %d: %s, the samples rise %.4f m above the surface", id, hd,
                         free_hd[hd] ? "free" : "closed", m);
            n_free += free_hd[hd], n_closed += !free_hd[hd];
        }
    }
    assert_true(n_free > 500 && n_closed > 500); /* both answers well represented */
    pl_siting_free(st);
    free(ob);
}

int t_siting(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(t1_feasibility, setup, teardown),
        cmocka_unit_test_setup_teardown(t2_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(t3_no_obstacle_layer, setup, teardown),
        cmocka_unit_test_setup_teardown(t4_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(t5_network, setup, teardown),
        cmocka_unit_test_setup_teardown(t6_required_pair, setup, teardown),
        cmocka_unit_test_setup_teardown(t5_footprints, setup, teardown),
        cmocka_unit_test_setup_teardown(t6_terrain, setup, teardown),
        cmocka_unit_test_setup_teardown(t7_capacity, setup, teardown),
        cmocka_unit_test_setup_teardown(t8_random, setup, teardown),
    };
    return cmocka_run_group_tests_name("siting", tests, NULL, NULL);
}
