/*
 * t_store.c - the run store (store.c) through the C API: three runs of a
 * small scenario recorded into a SpatiaLite file in a temporary folder,
 * the history's lines and the differences between runs, by hand.
 *
 * The scenario (written below, EPSG:4549 metres): district 500000..506000 x
 * 3450000..3456000; built V1 (500500, 3451500); candidates C_A "pier A"
 * (502000, 3452500) and C_B "hospital pad" (503000, 3451300), 1562 m apart
 * (> 1000); demand D1 (502000, 3452600) 10, D2 (503000, 3451400) 5, D3
 * (502300, 3452400) 3, D4 (500500, 3451700) 2, radius 500 m: C_A reaches D1
 * (100 m) and D3 (sqrt(300^2 + 100^2) = 316 m): 13, C_B D2 (100 m): 5, V1 D4
 * (200 m): 2; total 20.  Zone Z no_fly 504000..504500 x 3454000..3454500,
 * floor 0, ceiling 300; routes (w 10, band 0, 100 m): R1 "crossing" along
 * y = 3454250 from x 503500 to 505000 through Z, R2 "north" along y =
 * 3455000 from x 501000 to 502000, 500 m north of Z: clear.
 *   run 1: count 2: C_A + C_B: 13 + 5 + 2 = 20 of 20; R1 blocked, 1 conflict
 *   run 2: count 1 (one line of the scenario): C_A (13 > 5): 15 of 20
 *   run 3: the scenario as run 2, Z's ceiling 300 -> 80 m in its data file:
 *          R1 at 100 m passes above: clear, 0 conflicts
 * Scenario hashes by hand (the text below written to a file with the
 * heredoc of the same lines): sha256sum s1.yaml s2.yaml ->
 *   f1aa6184c88268bba5819fbec29b74f64bc3685175218bedc70eea1bd63dd23f (count 2)
 *   df4b90234e5740ef06dafadca598cc3fa12e94ccac8a2d43d186802de4df6e09 (count 1)
 *
 * Test plan
 *   1. pl_store_record creates the store and numbers the runs 1, 2, 3
 *   2. pl_store_history: a header and one line per run in run order, each
 *      with its UTC start (YYYY-MM-DDTHH:MM:SSZ), scenario "store", the
 *      scenario hash's first 12 digits (f1aa6184c882, df4b90234e57,
 *      df4b90234e57), the data hash (the same for runs 1 and 2, another for
 *      3), routes free/advisory/approval/forbidden 1/0/0/1, 1/0/0/1, 2/0/0/0, sites built+new
 *      1+2, 1+1, 1+1, coverage "20.0 of 20.0 (gap 0.00 %)", "15.0 of 20.0
 *      (gap 0.00 %)" twice
 *   3. pl_store_diff 1 2, every line after the head: the count line out and
 *      in, data unchanged, C_B dropped (3 -> 2 sites), no route changed,
 *      coverage 20 -> 15 (-5.0), conflicts 1 -> 1
 *   4. pl_store_diff 2 3: scenario unchanged, data changed, the sites the
 *      same (2 -> 2), R1 forbidden -> free, coverage 15 -> 15 (+0.0),
 *      conflicts 1 -> 0
 *   5. the stored layers: run_routes holds 2 routes of run 3 tagged run_id 3,
 *      in EPSG:4549, R1 starting at (503500, 3454250) within 2 cm (it went
 *      through 7-decimal lon/lat: 1e-7 deg is 1.1 cm of latitude)
 *   6. errors: a run that is not there (PL_MISUSE, says how to list them),
 *      a store that does not exist (PL_IO, says how to make one), a file
 *      that is not a store (PL_IO)
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

static char dir[64], db[128];
static long long ids[3];
static int record_rc[3];

static void write_file(const char *name, const char *text)
{
    char path[160];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

#define FC_HEAD "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4549\"}},\"features\":["
#define PT(id, props, x, y) \
    "{\"type\":\"Feature\",\"properties\":{\"id\":\"" id "\"" props "},\"geometry\":{\"type\":\"Point\",\"coordinates\":[" x "," y "]}}"

static void write_scenario(int count)
{
    char text[1024];
    snprintf(text, sizeof text,
             "# the run store's unit test: two candidates, a built pad, a no-fly square\n"
             "name: store\n"
             "route_defaults: {half_width_m: 10, band_below_m: 0, band_above_m: 0, altitude_m: 100, aircraft_class: light}\n"
             "siting:\n"
             "  count: %d\n"
             "  service_radius_m: 500\n"
             "  min_separation_m: 1000\n"
             "layers:\n"
             "  - {id: boundary, role: boundary, path: boundary.geojson}\n"
             "  - {id: zones, role: zones, path: zones.geojson}\n"
             "  - {id: routes, role: routes, path: routes.geojson}\n"
             "  - {id: candidates, role: candidates, path: candidates.geojson}\n"
             "  - {id: demand, role: demand, path: demand.geojson}\n"
             "  - {id: built, role: vertiports, path: built.geojson}\n",
             count);
    write_file("s.yaml", text);
}

static void write_zones(int ceiling)
{
    char text[512];
    snprintf(text, sizeof text,
             FC_HEAD "{\"type\":\"Feature\",\"properties\":{\"id\":\"Z\",\"class\":\"no_fly\",\"ceiling_m\":%d},"
                     "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[504000,3454000],[504500,3454000],"
                     "[504500,3454500],[504000,3454500],[504000,3454000]]]}}]}\n",
             ceiling);
    write_file("zones.geojson", text);
}

static int record(pl_ctx *ctx, long long *id)
{
    char path[128];
    snprintf(path, sizeof path, "%s/s.yaml", dir);
    pl_plan *p = NULL;
    int rc = pl_plan_open(ctx, path, 0, &p);
    if (rc == PL_OK)
        rc = pl_store_record(ctx, p, db, "out/store", NULL, id);
    if (rc != PL_OK)
        print_error("record: %s\n", pl_errmsg(ctx));
    pl_plan_free(ctx, p);
    return rc;
}

/* The folder, its files and the three runs; the tests read the store. */
static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/t_storeXXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(db, sizeof db, "%s/runs.sqlite", dir);
    write_file("boundary.geojson",
               FC_HEAD "{\"type\":\"Feature\",\"properties\":{\"id\":\"D\"},\"geometry\":{\"type\":\"Polygon\","
                       "\"coordinates\":[[[500000,3450000],[506000,3450000],[506000,3456000],[500000,3456000],"
                       "[500000,3450000]]]}}]}\n");
    write_file("routes.geojson",
               FC_HEAD "{\"type\":\"Feature\",\"properties\":{\"id\":\"R1\",\"name\":\"crossing\"},\"geometry\":{"
                       "\"type\":\"LineString\",\"coordinates\":[[503500,3454250],[505000,3454250]]}},"
                       "{\"type\":\"Feature\",\"properties\":{\"id\":\"R2\",\"name\":\"north\"},\"geometry\":{"
                       "\"type\":\"LineString\",\"coordinates\":[[501000,3455000],[502000,3455000]]}}]}\n");
    write_file("candidates.geojson", FC_HEAD PT("C_A", ",\"name\":\"pier A\",\"kind\":\"pier\"", "502000", "3452500")
                                     "," PT("C_B", ",\"name\":\"hospital pad\",\"kind\":\"hospital\"", "503000",
                                            "3451300") "]}\n");
    write_file("demand.geojson", FC_HEAD PT("D1", ",\"weight\":10", "502000", "3452600") ","
                                 PT("D2", ",\"weight\":5", "503000", "3451400") ","
                                 PT("D3", ",\"weight\":3", "502300", "3452400") ","
                                 PT("D4", ",\"weight\":2", "500500", "3451700") "]}\n");
    write_file("built.geojson", FC_HEAD PT("V1", ",\"name\":\"built pad\",\"kind\":\"tourism\"", "500500", "3451500")
                                "]}\n");
    pl_ctx *ctx = pl_ctx_new();
    write_scenario(2);
    write_zones(300);
    record_rc[0] = record(ctx, &ids[0]);
    write_scenario(1);
    record_rc[1] = record(ctx, &ids[1]);
    write_zones(80);
    record_rc[2] = record(ctx, &ids[2]);
    pl_ctx_free(ctx);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static void t1_record(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(record_rc[i], PL_OK);
        assert_int_equal(ids[i], i + 1);
    }
}

/* the i-th whitespace-separated word of line (copied into w) */
static const char *word(const char *line, int i, char *w, size_t n)
{
    const char *s = line;
    for (int k = 0;; k++) {
        s += strspn(s, " ");
        size_t len = strcspn(s, " \n");
        if (k == i) {
            snprintf(w, n, "%.*s", (int)len, s);
            return w;
        }
        s += len;
    }
}

static void t2_history(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_buf out;
    pl_buf_init(&out);
    assert_int_equal(pl_store_history(ctx, db, 0, &out), PL_OK);
    char *lines[8] = {0};
    int n = 0;
    for (char *s = out.s, *save = NULL, *t; n < 8 && (t = strtok_r(n ? NULL : s, "\n", &save)); n++)
        lines[n] = t;
    assert_int_equal(n, 4);
    char w[80], d[3][16];
    assert_string_equal(word(lines[0], 0, w, sizeof w), "run");
    static const char *const sha[3] = {"f1aa6184c882", "df4b90234e57", "df4b90234e57"};
    static const char *const routes[3] = {"1/0/0/1", "1/0/0/1", "2/0/0/0"};
    static const char *const sites[3] = {"1+2", "1+1", "1+1"};
    static const char *const cover[3] = {"20.0 of 20.0 (gap 0.00 %)", "15.0 of 20.0 (gap 0.00 %)",
                                         "15.0 of 20.0 (gap 0.00 %)"};
    for (int i = 0; i < 3; i++) {
        const char *l = lines[i + 1];
        char id[16];
        snprintf(id, sizeof id, "%d", i + 1);
        assert_string_equal(word(l, 0, w, sizeof w), id);
        const char *when = word(l, 1, w, sizeof w);
        assert_int_equal(strlen(when), 20);
        assert_true(when[4] == '-' && when[7] == '-' && when[10] == 'T' && when[13] == ':' && when[16] == ':' &&
                    when[19] == 'Z');
        assert_string_equal(word(l, 2, w, sizeof w), "store");
        assert_string_equal(word(l, 3, w, sizeof w), sha[i]);
        word(l, 4, d[i], sizeof d[i]);
        assert_int_equal(strlen(d[i]), 12);
        assert_string_equal(word(l, 5, w, sizeof w), routes[i]);
        assert_string_equal(word(l, 6, w, sizeof w), sites[i]);
        const char *c = strstr(l, cover[i]);
        assert_non_null(c);
        assert_string_equal(c, cover[i]); /* the end of the line */
    }
    assert_string_equal(d[0], d[1]);
    assert_string_not_equal(d[1], d[2]);
    pl_buf_free(&out);
    pl_ctx_free(ctx);
}

/* the diff of runs a and b, its head line checked and cut */
static void diff(long long a, long long b, const char *want)
{
    pl_ctx *ctx = pl_ctx_new();
    pl_buf out;
    pl_buf_init(&out);
    assert_int_equal(pl_store_diff(ctx, db, 0, a, b, &out), PL_OK);
    char head[64];
    snprintf(head, sizeof head, "Run %lld (store, ", a);
    assert_true(!strncmp(out.s, head, strlen(head)));
    snprintf(head, sizeof head, ") -> run %lld (store, ", b);
    char *nl = strchr(out.s, '\n');
    assert_non_null(nl);
    assert_non_null(strstr(out.s, head));
    assert_true(strstr(out.s, head) < nl);
    assert_string_equal(nl + 1, want);
    pl_buf_free(&out);
    pl_ctx_free(ctx);
}

static void t3_diff_scenario(void **state)
{
    (void)state;
    diff(1, 2,
         "Scenario: 2 lines changed\n"
         "  -   count: 2\n"
         "  +   count: 1\n"
         "Data: unchanged\n"
         "Sites: 0 added, 1 dropped (3 -> 2)\n"
         "  - C_B hospital pad (planned)\n"
         "Routes: 0 changed\n"
         "Coverage: 20.0 of 20.0 -> 15.0 of 20.0 (-5.0)\n"
         "Conflicts: 1 -> 1\n");
}

static void t4_diff_data(void **state)
{
    (void)state;
    diff(2, 3,
         "Scenario: unchanged\n"
         "Data: changed\n"
         "Sites: 0 added, 0 dropped (2 -> 2)\n"
         "Routes: 1 changed\n"
         "  R1 crossing: forbidden -> free\n"
         "Coverage: 15.0 of 20.0 -> 15.0 of 20.0 (+0.0)\n"
         "Conflicts: 1 -> 0\n");
}

static void t5_layers(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_gdal_errors_push(ctx); /* registers GDAL's drivers */
    const char *drv[] = {"SQLite", NULL};
    GDALDatasetH ds = GDALOpenEx(db, GDAL_OF_VECTOR, drv, NULL, NULL);
    assert_non_null(ds);
    OGRLayerH l = GDALDatasetGetLayerByName(ds, "run_routes");
    assert_non_null(l);
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(l);
    assert_non_null(srs);
    assert_string_equal(OSRGetAuthorityCode(srs, NULL), "4549");
    assert_int_equal(OGR_L_SetAttributeFilter(l, "run_id = 3"), OGRERR_NONE);
    assert_int_equal(OGR_L_GetFeatureCount(l, TRUE), 2);
    OGR_L_ResetReading(l);
    OGRFeatureH f;
    int seen = 0;
    while ((f = OGR_L_GetNextFeature(l))) {
        assert_int_equal(OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "run_id")), 3);
        if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "id")), "R1")) {
            OGRGeometryH g = OGR_F_GetGeometryRef(f);
            assert_float_equal(OGR_G_GetX(g, 0), 503500, 0.02);
            assert_float_equal(OGR_G_GetY(g, 0), 3454250, 0.02);
            assert_string_equal(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "verdict")), "free");
            seen = 1;
        }
        OGR_F_Destroy(f);
    }
    assert_true(seen);
    GDALClose(ds);
    pl_gdal_errors_pop();
    pl_ctx_free(ctx);
}

static void t6_errors(void **state)
{
    (void)state;
    pl_ctx *ctx = pl_ctx_new();
    pl_buf out;
    pl_buf_init(&out);
    char want[512], other[160];
    assert_int_equal(pl_store_diff(ctx, db, 0, 1, 7, &out), PL_MISUSE);
    snprintf(want, sizeof want, "%s: no run 7 ('planner history %s' lists them)", db, db);
    assert_error(ctx, PL_MISUSE, want);
    pl_error_clear(ctx);
    snprintf(other, sizeof other, "%s/none.sqlite", dir);
    assert_int_equal(pl_store_history(ctx, other, 0, &out), PL_IO);
    snprintf(want, sizeof want, "%s: no such run store (planner run --db %s makes one)", other, other);
    assert_error(ctx, PL_IO, want);
    pl_error_clear(ctx);
    snprintf(other, sizeof other, "%s/s.yaml", dir);
    assert_int_equal(pl_store_history(ctx, other, 0, &out), PL_IO);
    snprintf(want, sizeof want, "%s: not a run store (SpatiaLite)", other);
    assert_error(ctx, PL_IO, want);
    pl_buf_free(&out);
    pl_ctx_free(ctx);
}

int t_store(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_record),        cmocka_unit_test(t2_history), cmocka_unit_test(t3_diff_scenario),
        cmocka_unit_test(t4_diff_data),     cmocka_unit_test(t5_layers),  cmocka_unit_test(t6_errors),
    };
    return cmocka_run_group_tests_name("store", tests, setup, teardown);
}
