/*
 * t_export.c - the GeoJSON writers (export.c, geojson.c) on an in-memory
 * plan: zfix's square zone with a route through it, in EPSG:4549 metres.
 *
 * The plan: zone Q (no_fly) x 500400..500600, y 3449900..3450100, its
 * exterior ring given clockwise, with a 50 m square hole x 500450..500500,
 * y 3450040..3450090 given counter-clockwise (both the wrong way for RFC
 * 7946); zone M (eco_control) two clockwise 100 m squares north of it, out
 * of the route's way; route R (w 10 m, band 0, 100 m) along y = 3450000
 * from x = 500000 to 501000.
 *
 * Lon/lat by hand, cs2cs (PROJ 9.1, EPSG:4549 axis order is northing,
 * easting; EPSG:4326 gives lat, lon):
 *   echo "3450000 500000" | cs2cs -f %.10f EPSG:4549 EPSG:4326
 *     -> 31.1716020132 120.0000000000
 *   "3450000 500400" -> 31.1716019448 120.0041958271   (Q's west edge on R)
 *   "3450000 500600" -> 31.1716018593 120.0062937407   (Q's east edge on R)
 *   "3450000 501000" -> 31.1716015858 120.0104895677
 *   "3449900 500400" -> 31.1707000072 120.0041957874   (Q's south-west corner)
 *   "3460000 540000" -> 31.2611089802 120.4199764227
 * At 7 decimals, trailing zeros cut: 120, 31.171602; 120.0041958,
 * 31.1716019; 120.0062937, 31.1716019; 120.0104896, 31.1716016;
 * 120.0041958, 31.1707.
 *
 * Test plan
 *   1. the layer set: zones, coverage, conflicts, routes, reroutes,
 *      candidates, vertiports in that order; without siting or reroutes
 *      their four layers are empty; every other one a FeatureCollection
 *      named after its layer, with no "crs" member (RFC 7946)
 *   2. routes: R's geometry exactly [[120,31.171602,100],[120.0104896,31.1716016,100]]
 *      (3D: the waypoints' altitudes, relativeToGround without terrain),
 *      verdict forbidden (禁飞), light aircraft, 1 forbidden conflict, no
 *      approval to apply for, length 1000 m, half-width 10,
 *      altitudes [100,100], no clearance (the one blocking zone is met)
 *   3. conflicts: R/Q blocking, named "R / square: 禁飞 forbidden" (route
 *      and zone names, the verdict), the centreline enters, inside 600 - 400 =
 *      200 m, the corridor meets Q over 200 + 2 x 10 = 220 m, from 400 - 10 =
 *      390 m to 600 + 10 = 610 m along, entry (120.0041958, 31.1716019) and
 *      exit (120.0062937, 31.1716019) at 100 m, altitudes 100-100, Q from 0
 *      to unlimited (null), overlap 200 x 20 = 4000 m2
 *   4. zones: Q's area 200^2 - 50^2 = 37500 m2, rules forbidden/forbidden;
 *      every ring written closed, exterior counter-clockwise and holes
 *      clockwise (shoelace over the written lon/lat), Q's first position the
 *      south-west corner (120.0041958, 31.1707); no coordinate with more
 *      than 7 decimals, and some with exactly 7
 *   5. pl_export_lonlat of (540000, 3460000): (120.4199764227,
 *      31.2611089802) within 1e-9 degrees; an unknown working CRS: PL_CRS
 *   6. no repeated consecutive positions (geojson.c's one writer): a line
 *      (500000 3450000, the same again, 500000.0001 3450000 - 0.1 mm, about
 *      1e-9 degrees, prints the same at 7 decimals - 501000 3450000) is
 *      written with 2 positions; a 3D route line keeps two waypoints at
 *      one place and two heights (a climb) and drops the exact repeat; a
 *      200 m square (a vertex repeated) keeps its 5 positions, and its
 *      0.1 mm hole, which collapses at 7 decimals, is left out (the zone
 *      keeps the area: the safe side); a MultiPolygon of that square and a
 *      0.1 mm one is written with the square alone; the 0.1 mm square
 *      alone is null
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "zfix.h"

typedef struct xfix {
    zf_fixture *fx;
    zf_checked c;
    pl_plan p;
    pl_buf b[PL_EXPORT_N_LAYERS];
    pl_outlayer ls[PL_EXPORT_N_LAYERS];
    int rc; /* pl_export_layers' */
} xfix;

enum { X_ZONES, X_COVERAGE, X_CONFLICTS, X_ROUTES, X_REROUTES, X_CANDIDATES, X_VERTIPORTS };

static int setup(void **state)
{
    void *zs = NULL;
    zf_setup(&zs);
    xfix *x = calloc(1, sizeof *x);
    x->fx = zs;
    zf_fixture *fx = x->fx;
    zf_feat(fx, &fx->zl, "Q",
            "POLYGON((500400 3449900,500400 3450100,500600 3450100,500600 3449900,500400 3449900),"
            "(500450 3450040,500500 3450040,500500 3450090,500450 3450090,500450 3450040))",
            "class=no_fly name=square");
    zf_feat(fx, &fx->zl, "M",
            "MULTIPOLYGON(((500400 3450500,500400 3450600,500500 3450600,500500 3450500,500400 3450500)),"
            "((500700 3450500,500700 3450600,500800 3450600,500800 3450500,500700 3450500)))",
            "class=eco_control name=pair");
    zf_feat(fx, &fx->rl, "R", "LINESTRING(500000 3450000,501000 3450000)", NULL);
    x->c = zf_run(fx);
    x->p = (pl_plan){.sc = &fx->sc, .zones = x->c.zs, .routes = x->c.rs};
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_init(&x->b[i]);
    x->rc = pl_export_layers(fx->ctx, &x->p, x->b, x->ls);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    xfix *x = *state;
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++)
        pl_buf_free(&x->b[i]);
    zf_done(x->fx, &x->c);
    void *zs = x->fx;
    free(x);
    return zf_teardown(&zs);
}

static const char *layer(xfix *x, int i)
{
    assert_int_equal(x->rc, PL_OK);
    return x->b[i].s ? x->b[i].s : "";
}

/* fail unless text holds part */
static void has(const char *text, const char *part)
{
    if (!strstr(text, part))
        fail_msg("'%s' not in:\n%s", part, text);
}

static void t1_layer_set(void **state)
{
    xfix *x = *state;
    static const char *const names[] = {"zones", "coverage", "conflicts", "routes", "reroutes", "candidates",
                                        "vertiports"};
    layer(x, 0);
    for (int i = 0; i < PL_EXPORT_N_LAYERS; i++) {
        assert_string_equal(x->ls[i].name, names[i]);
        assert_string_equal(pl_export_layer_name(i), names[i]);
        assert_ptr_equal(x->ls[i].geojson, &x->b[i]);
        const char *t = layer(x, i);
        int empty = i == X_COVERAGE || i == X_REROUTES || i == X_CANDIDATES || i == X_VERTIPORTS;
        if (empty) {
            assert_int_equal(x->b[i].n, 0);
            continue;
        }
        char head[96];
        snprintf(head, sizeof head, "{\"type\":\"FeatureCollection\",\"name\":\"%s\",\"features\":[\n", names[i]);
        assert_true(!strncmp(t, head, strlen(head)));
        assert_null(strstr(t, "\"crs\""));
    }
    assert_null(pl_export_layer_name(PL_EXPORT_N_LAYERS));
}

static void t2_routes(void **state)
{
    xfix *x = *state;
    const char *t = layer(x, X_ROUTES);
    has(t, "{\"type\":\"Feature\",\"id\":\"R\",\"properties\":{\"id\":\"R\",\"name\":\"R\"");
    has(t, ",\"verdict\":\"forbidden\",\"verdict_zh\":\"禁飞\",\"aircraft_class\":\"light\",\"conflicts_forbidden\":1,"
           "\"conflicts_approval\":0,\"advisories\":0,\"approvals\":[],"
           "\"heights\":\"as given, above a flat datum: no terrain model, true heights (AGL) not computed\",\"agl_min_m\":null,\"agl_max_m\":null,\"alignment\":\"as drawn\",\"level_conflicts\":0,\"crossings\":null,"
           "\"length_m\":1000,"
           "\"half_width_m\":10,\"band_below_m\":0,\"band_above_m\":0,\"waypoint_altitudes_m\":[100,100],"
           "\"clearance_m\":null,\"clearance_zone_id\":null,\"layer\":\"r\"");
    has(t, ",\"altitude_mode\":\"relativeToGround\"");
    has(t, "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[120,31.171602,100],[120.0104896,31.1716016,100]]}}");
}

static void t3_conflicts(void **state)
{
    xfix *x = *state;
    const char *t = layer(x, X_CONFLICTS);
    has(t, "{\"type\":\"Feature\",\"id\":\"R/Q\",\"properties\":{\"id\":\"R/Q\","
           "\"name\":\"R / square: 禁飞 forbidden\",\"route_id\":\"R\"");
    has(t, ",\"zone_id\":\"Q\",\"zone_name\":\"square\",\"zone_class\":\"no_fly\",\"severity\":\"forbidden\",\"severity_zh\":\"禁飞\","
           "\"rule\":\"forbidden\",\"basis\":\"test\",\"centreline_enters\":true,"
           "\"length_inside_m\":200,\"corridor_length_m\":220,\"from_along_m\":390,\"to_along_m\":610,"
           "\"entry_lon\":120.0041958,\"entry_lat\":31.1716019,\"entry_alt_m\":100,"
           "\"exit_lon\":120.0062937,\"exit_lat\":31.1716019,\"exit_alt_m\":100,"
           "\"alt_overlap_lo_m\":100,\"alt_overlap_hi_m\":100,\"zone_floor_m\":0,\"zone_ceiling_m\":null,"
           "\"altitude_ref\":\"AGL\",\"overlap_area_m2\":4000}");
    assert_null(strstr(t, "\"id\":\"R/M\"")); /* M is 500 m north of the corridor */
}

/* ---- a minimal reader of RFC 7946 polygon coordinates ------------------ */

typedef struct rings_seen {
    int n_rings, n_exterior, n_points, max_dec, n_dec7;
} rings_seen;

static double number(const char **s, rings_seen *rs)
{
    char *end;
    double v = strtod(*s, &end);
    assert_true(end > *s);
    const char *dot = memchr(*s, '.', (size_t)(end - *s));
    int dec = dot ? (int)(end - dot - 1) : 0;
    rs->max_dec = dec > rs->max_dec ? dec : rs->max_dec;
    rs->n_dec7 += dec == 7;
    *s = end;
    return v;
}

static void expect(const char **s, char c)
{
    if (**s != c)
        fail_msg("expected '%c' at '%.40s'", c, *s);
    (*s)++;
}

/* One ring "[[lon,lat],...]": closed, and its turn: +1 counter-clockwise,
 * -1 clockwise (shoelace in lon/lat). */
static int ring(const char **s, rings_seen *rs)
{
    double x[64], y[64], a = 0;
    int n = 0;
    expect(s, '[');
    do {
        assert_true(n < 64);
        expect(s, '[');
        x[n] = number(s, rs);
        expect(s, ',');
        y[n] = number(s, rs);
        expect(s, ']');
        n++;
    } while (**s == ',' && (*s)++);
    expect(s, ']');
    assert_true(n >= 4);
    assert_true(x[0] == x[n - 1] && y[0] == y[n - 1]);
    for (int i = 0; i + 1 < n; i++)
        a += x[i] * y[i + 1] - x[i + 1] * y[i];
    rs->n_points += n;
    return a > 0 ? 1 : -1;
}

/* One polygon "[exterior, hole, ...]": the exterior counter-clockwise,
 * every hole clockwise. */
static void polygon(const char **s, rings_seen *rs)
{
    expect(s, '[');
    int k = 0;
    do {
        int turn = ring(s, rs);
        if (turn != (k == 0 ? 1 : -1))
            fail_msg("ring %d of a polygon turns %s", k, turn > 0 ? "counter-clockwise" : "clockwise");
        rs->n_rings++;
        rs->n_exterior += k == 0;
        k++;
    } while (**s == ',' && (*s)++);
    expect(s, ']');
}

/* Every Polygon and MultiPolygon of a layer's text. */
static rings_seen polygons(const char *t)
{
    rings_seen rs = {0};
    static const char poly[] = "{\"type\":\"Polygon\",\"coordinates\":",
                      multi[] = "{\"type\":\"MultiPolygon\",\"coordinates\":";
    for (const char *s = t; (s = strstr(s, "{\"type\":\"")) != NULL; s++) {
        const char *p = s;
        if (!strncmp(p, poly, strlen(poly))) {
            p += strlen(poly);
            polygon(&p, &rs);
        } else if (!strncmp(p, multi, strlen(multi))) {
            p += strlen(multi);
            expect(&p, '[');
            do
                polygon(&p, &rs);
            while (*p == ',' && p++);
            expect(&p, ']');
        }
    }
    return rs;
}

static void t4_zones(void **state)
{
    xfix *x = *state;
    const char *t = layer(x, X_ZONES);
    has(t, "{\"type\":\"Feature\",\"id\":\"Q\",\"properties\":{\"id\":\"Q\",\"name\":\"square\",\"class\":\"no_fly\","
           "\"floor_m\":0,\"ceiling_m\":null,\"altitude_ref\":\"AGL\",\"route_rule\":\"forbidden\","
           "\"vertiport_rule\":\"forbidden\",\"basis\":\"test\",\"area_m2\":37500,\"layer\":\"z\"");
    has(t, "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[120.0041958,31.1707],[");
    has(t, "\"id\":\"M\"");
    has(t, "\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[");
    rings_seen rs = polygons(t);
    /* Q: exterior and hole; M: two exteriors; 5 positions each */
    assert_int_equal(rs.n_rings, 4);
    assert_int_equal(rs.n_exterior, 3);
    assert_int_equal(rs.n_points, 20);
    assert_int_equal(rs.max_dec, 7);
    assert_true(rs.n_dec7 > 0);
    /* the conflict's overlap is a polygon too, drawn by GEOS */
    rings_seen ro = polygons(layer(x, X_CONFLICTS));
    assert_int_equal(ro.n_exterior, 1);
    assert_true(ro.max_dec <= 7);
}

static void t5_lonlat(void **state)
{
    xfix *x = *state;
    double lon = 0, lat = 0;
    assert_int_equal(pl_export_lonlat(x->fx->ctx, &x->p, 540000, 3460000, &lon, &lat), PL_OK);
    assert_float_equal(lon, 120.4199764227, 1e-9);
    assert_float_equal(lat, 31.2611089802, 1e-9);
    x->fx->sc.work_crs = "EPSG:999999";
    assert_int_equal(pl_export_lonlat(x->fx->ctx, &x->p, 540000, 3460000, &lon, &lat), PL_CRS);
    assert_error(x->fx->ctx, PL_CRS, "EPSG:999999");
}

/* g (WKT, EPSG:4549) as the one writer writes it, into b (reset). */
static void geom_text(xfix *x, const char *wkt, pl_buf *b)
{
    GEOSContextHandle_t h = pl_geos(x->fx->ctx);
    GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
    GEOSGeometry *g = GEOSWKTReader_read_r(h, rd, wkt);
    GEOSWKTReader_destroy_r(h, rd);
    assert_non_null(g);
    b->n = 0;
    pl_buf_puts(b, "");
    assert_int_equal(pl_geojson_geom(x->fx->ctx, pl_geojson_xform(x->fx->ctx, &x->p), b, g), PL_OK);
    GEOSGeom_destroy_r(h, g);
}

static void t6_no_repeats(void **state)
{
    xfix *x = *state;
    pl_buf b;
    pl_buf_init(&b);
    geom_text(x, "LINESTRING(500000 3450000,500000 3450000,500000.0001 3450000,501000 3450000)", &b);
    assert_string_equal(b.s, "{\"type\":\"LineString\",\"coordinates\":[[120,31.171602],[120.0104896,31.1716016]]}");
    double rx[] = {500000, 500000, 500000, 501000}, ry[] = {3450000, 3450000, 3450000, 3450000},
           rz[] = {30, 30, 100, 100};
    b.n = 0;
    assert_int_equal(pl_geojson_line_z(x->fx->ctx, pl_geojson_xform(x->fx->ctx, &x->p), &b, rx, ry, rz, 4), PL_OK);
    assert_string_equal(b.s, "{\"type\":\"LineString\",\"coordinates\":"
                             "[[120,31.171602,30],[120,31.171602,100],[120.0104896,31.1716016,100]]}");
    static const char sq[] = "(500400 3449900,500400 3450100,500400 3450100,500600 3450100,500600 3449900,"
                             "500400 3449900)",
                      tiny[] = "(500450 3450040,500450.0001 3450040,500450.0001 3450040.0001,"
                               "500450 3450040.0001,500450 3450040)";
    char wkt[512];
    snprintf(wkt, sizeof wkt, "POLYGON(%s,%s)", sq, tiny);
    geom_text(x, wkt, &b);
    rings_seen rs = polygons(b.s);
    assert_int_equal(rs.n_rings, 1); /* the hole collapsed: left out */
    assert_int_equal(rs.n_points, 5);
    snprintf(wkt, sizeof wkt, "MULTIPOLYGON((%s),(%s))", sq, tiny);
    geom_text(x, wkt, &b);
    has(b.s, "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[");
    rs = polygons(b.s);
    assert_int_equal(rs.n_rings, 1);
    assert_int_equal(rs.n_points, 5);
    snprintf(wkt, sizeof wkt, "POLYGON(%s)", tiny);
    geom_text(x, wkt, &b);
    assert_string_equal(b.s, "null");
    pl_buf_free(&b);
}

int t_export(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(t1_layer_set, setup, teardown),
        cmocka_unit_test_setup_teardown(t2_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(t3_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(t4_zones, setup, teardown),
        cmocka_unit_test_setup_teardown(t5_lonlat, setup, teardown),
        cmocka_unit_test_setup_teardown(t6_no_repeats, setup, teardown),
    };
    return cmocka_run_group_tests_name("export", tests, NULL, NULL);
}
