/*
 * t_scenario.c - the scenario reader.
 *
 * Test plan
 *   1. a full scenario: names, CRS, defaults, layers, paths resolved and
 *      shortened against the scenario's folder, rule overrides and built-ins
 *   3. include: merging order, layers added, a cycle named
 *   2. every error names file:line:column and what was expected:
 *      unknown key, bad number, unknown rule value, duplicate layer id,
 *      a geographic working CRS, several errors at once
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/t_scenarioXXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd);
}

static const char *write_yaml(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void t1_full(void **state)
{
    (void)state;
    const char *p = write_yaml("full.yaml",
                               "# comment\n"
                               "name: full\n"
                               "title: 测试 test\n"
                               "crs: EPSG:32651\n"
                               "data_root: ..\n"
                               "route_defaults: {half_width_m: 75, band_below_m: 10, band_above_m: 15, altitude_m: 90}\n"
                               "layers:\n"
                               "  - id: z\n"
                               "    role: zones\n"
                               "    path: ../data/z.geojson\n"
                               "    class: eco_control\n"
                               "  - {id: r, role: routes, path: ./r.gpkg, layer: lines}\n"
                               "rules:\n"
                               "  eco_control: {route: {min_overflight_m: 80}, vertiport: {min_distance_m: 25}}\n");
    pl_ctx *ctx = pl_ctx_new();
    pl_scenario *sc = NULL;
    assert_int_equal(pl_scenario_load(ctx, p, &sc), PL_OK);
    assert_string_equal(sc->name, "full");
    assert_string_equal(sc->title, "测试 test");
    assert_string_equal(sc->work_crs, "EPSG:32651");
    assert_float_equal(sc->route.half_width_m, 75, 0);
    assert_float_equal(sc->route.alt_m, 90, 0);
    assert_int_equal(sc->n_layers, 2);
    assert_int_equal(sc->a_layers[0].role, PL_ROLE_ZONES);
    assert_string_equal(sc->a_layers[0].cls, "eco_control");
    assert_string_equal(sc->a_layers[0].class_prop, "class");
    char want[128];
    snprintf(want, sizeof want, "%s/data/z.geojson", "/tmp"); /* dir is /tmp/t_scenarioXXXXXX */
    assert_string_equal(sc->a_layers[0].path, want);
    snprintf(want, sizeof want, "%s/r.gpkg", dir);
    assert_string_equal(sc->a_layers[1].path, want);
    assert_string_equal(sc->a_layers[1].ogr_layer, "lines");
    assert_int_equal(sc->a_layers[0].line, 8);
    const pl_rule *r = pl_scenario_rule(sc, "eco_control");
    assert_int_equal(r->route, PL_RR_MIN_OVERFLIGHT);
    assert_float_equal(r->min_overflight_m, 80, 0);
    assert_int_equal(r->vertiport, PL_VR_MIN_DISTANCE);
    assert_true(r->from_scenario);
    r = pl_scenario_rule(sc, "airport"); /* built-in: controlled airspace, approval (Art. 19), with its basis */
    assert_int_equal(r->route, PL_RR_APPROVAL);
    assert_non_null(strstr(r->basis, "Art. 19"));
    assert_null(pl_scenario_rule(sc, "volcano"));
    pl_scenario_free(sc);
    pl_ctx_free(ctx);
}

/* Load text that must fail; the message must contain want. */
static void expect_error(const char *text, const char *want)
{
    const char *p = write_yaml("bad.yaml", text);
    pl_ctx *ctx = pl_ctx_new();
    pl_scenario *sc = NULL;
    assert_int_equal(pl_scenario_load(ctx, p, &sc), PL_PARSE);
    assert_null(sc);
    assert_error(ctx, PL_PARSE, want);
    pl_ctx_free(ctx);
}

static void t2_errors(void **state)
{
    (void)state;
    const char *layer = "layers:\n  - {id: a, role: zones, path: a.geojson}\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%scolour: red\n", layer);
    expect_error(buf, "bad.yaml:3:1: unknown key 'colour' in the scenario (expected one of:");
    snprintf(buf, sizeof buf, "%sroute_defaults:\n  half_width_m: wide\n", layer);
    expect_error(buf, "bad.yaml:4:17: half_width_m: expected a number >= 0, got 'wide'");
    snprintf(buf, sizeof buf, "%srules:\n  airport: {route: maybe}\n", layer);
    expect_error(buf, "bad.yaml:4:20: rules.airport.route: expected forbidden, approval, advisory, allowed or {min_overflight_m: N, below: VERDICT}, got 'maybe'");
    snprintf(buf, sizeof buf, "%srules:\n  volcano: {route: forbidden}\n", layer);
    expect_error(buf, "bad.yaml:4:3: rules: unknown zone class 'volcano'");
    snprintf(buf, sizeof buf, "%s  - {id: a, role: routes, path: b.geojson}\n", layer);
    expect_error(buf, "bad.yaml:3:6: layer id 'a' is used twice");
    snprintf(buf, sizeof buf, "crs: EPSG:4326\n%s", layer);
    expect_error(buf, "bad.yaml:1:6: crs: working CRS 'EPSG:4326' is not a projected CRS in metres");
    expect_error("layers:\n  - {id: a, path: a.geojson}\n", "bad.yaml:2:6: layer 'a': missing 'role'");
    expect_error("name: x\n", "layers: expected a list of at least one layer");
    /* several problems at once: each on its own line */
    expect_error("colour: red\nlayers:\n  - {id: a, role: roads, path: a.geojson}\n",
                 "bad.yaml:1:1: unknown key 'colour' in the scenario (expected one of: name, title, "
                 "crs, output, data_root, include, route_defaults, aircraft, siting, layers, rules, terrain, network)\n");
    /* data paths: inside the scenario's folder, local files only */
    expect_error("layers:\n  - {id: a, role: zones, path: ../a.geojson}\n",
                 "bad.yaml:2:32: path '../a.geojson' lies outside the scenario's folder: refused");
    expect_error("layers:\n  - {id: a, role: zones, path: /vsicurl/https://x.org/a.json}\n",
                 "bad.yaml:2:32: path '/vsicurl/https://x.org/a.json': refused: the planner reads local files "
                 "only, it never opens the network");
    expect_error("layers:\n  - {id: a, role: zones, path: 'PG:dbname=x'}\n",
                 "bad.yaml:2:33: path 'PG:dbname=x': refused: a GDAL connection string");
    expect_error("data_root: nowhere\nlayers:\n  - {id: a, role: zones, path: a.geojson}\n",
                 "bad.yaml:1:12: data_root: nowhere is not a folder here");
}

/* include: the included file's keys first, the includer's override,
 * layers add up, paths relative to each file; a cycle is named. */
static void t3_include(void **state)
{
    (void)state;
    write_yaml("common.yaml", "crs: EPSG:32651\nroute_defaults: {altitude_m: 90}\n"
                              "layers:\n  - {id: base, role: zones, path: base.geojson}\n");
    const char *p = write_yaml("main.yaml", "include: common.yaml\nroute_defaults: {altitude_m: 110}\n"
                                            "layers:\n  - {id: own, role: routes, path: own.geojson}\n");
    pl_ctx *ctx = pl_ctx_new();
    pl_scenario *sc = NULL;
    assert_int_equal(pl_scenario_load(ctx, p, &sc), PL_OK);
    assert_string_equal(sc->work_crs, "EPSG:32651");
    assert_float_equal(sc->route.alt_m, 110, 0);
    assert_int_equal(sc->n_layers, 2);
    assert_string_equal(sc->a_layers[0].id, "base");
    assert_string_equal(sc->a_layers[1].id, "own");
    pl_scenario_free(sc);
    pl_ctx_free(ctx);
    write_yaml("b.yaml", "include: [a.yaml]\n");
    write_yaml("a.yaml", "include: b.yaml\nlayers:\n  - {id: x, role: zones, path: x.geojson}\n");
    p = write_yaml("a.yaml", "include: b.yaml\nlayers:\n  - {id: x, role: zones, path: x.geojson}\n");
    ctx = pl_ctx_new();
    assert_int_equal(pl_scenario_load(ctx, p, &sc), PL_PARSE);
    assert_non_null(strstr(pl_errmsg(ctx), "b.yaml:1:11: include: "));
    assert_non_null(strstr(pl_errmsg(ctx), "a.yaml includes itself ("));
    assert_non_null(strstr(pl_errmsg(ctx), "a.yaml -> "));
    pl_ctx_free(ctx);
}

int t_scenario(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_full),
        cmocka_unit_test(t2_errors),
        cmocka_unit_test(t3_include),
    };
    return cmocka_run_group_tests_name("scenario", tests, setup, teardown);
}
