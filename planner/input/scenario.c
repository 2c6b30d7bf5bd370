/*
 * scenario.c - the scenario file (YAML, read with libfyaml): its top-level
 * keys, include, layers, route_defaults and siting.
 *
 * Entry points: pl_scenario_load, pl_scenario_free, pl_role_names.
 *
 * The reader's other parts: scenario_yaml.c (reading a document, messages
 * at file:line:column, paths) and scenario_rules.c (rules:, aircraft: and
 * the built-in rules); what they share is in scenario_parse.h.
 *
 * Shape (see scenarios/wuzhong-2025.yaml for a commented example):
 *   name, title, crs, output       scalars
 *   data_root, include             where data may come from; files read first
 *   route_defaults:                half_width_m, band_below_m, band_above_m, altitude_m
 *   layers: [ {id, role, path, layer, class, class_property, id_property, crs} ]
 *   rules: { CLASS: {route: R, vertiport: V, basis: TEXT} }   (scenario_rules.c)
 *   aircraft, siting
 *   terrain: {path, source, license, accuracy, crs, band, vertical_datum}
 *   network: {design, approval_weight, advisory_weight, builtup_weight, levels_m, basis}
 */
#include "scenario_parse.h"

#include <errno.h>
#include <stddef.h>
#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

const char *const pl_role_names[] = {"boundary", "zones", "water", "demand", "candidates",
                                     "vertiports", "routes", "obstacles", "builtup", NULL};

/* airport_rule: {half_width_m: N, end_extension_m: N, basis: TEXT}; the
 * defaults are the CAAC clearance protection area (../shared/RULES.md). */
static void parse_airport_rule(parser *p, struct fy_node *v, pl_layer_decl *l)
{
    l->airport_rule = 1;
    l->ap_half_width_m = 10000.0;
    l->ap_end_ext_m = 20000.0;
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "airport_rule: expected a mapping with half_width_m, end_extension_m, basis");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        if (key && !strcmp(key, "half_width_m"))
            pl_scn_number(p, x, "half_width_m", 0, &l->ap_half_width_m);
        else if (key && !strcmp(key, "end_extension_m"))
            pl_scn_number(p, x, "end_extension_m", 0, &l->ap_end_ext_m);
        else if (key && !strcmp(key, "basis")) {
            free(l->ap_basis);
            l->ap_basis = pl_scn_dup_scalar(p, x, "basis");
        } else
            pl_scn_unknown_key(p, k, "airport_rule", "half_width_m, end_extension_m, basis");
    }
}

/* role: one of pl_role_names; -2 when it is wrong (reported here, not
 * "missing") */
static void layer_role(parser *p, struct fy_node *v, pl_layer_decl *l)
{
    const char *r = pl_scn_scalar(p, v, "role");
    for (int i = 0; r && pl_role_names[i]; i++)
        if (!strcmp(r, pl_role_names[i]))
            l->role = i;
    if (r && l->role < 0) {
        l->role = -2; /* reported here; not "missing" */
        pl_scn_perr(p, v,
                    "unknown role '%s' (expected boundary, zones, water, demand, candidates, "
                    "vertiports, routes, obstacles or builtup)",
                    r);
    }
    if (!r)
        l->role = -2;
}

/* path: resolved against the document's folder and checked
 * (pl_scn_check_path); where it is written is kept for messages */
static void layer_path(parser *p, struct fy_node *v, pl_layer_decl *l)
{
    const char *s = pl_scn_scalar(p, v, "path");
    if (s && *s) {
        l->path = pl_scn_resolve_path(p->dir, s);
        pl_scn_node_pos(v, &l->path_line, &l->path_col);
        pl_scn_check_path(p, v, s, l->path);
    } else if (s)
        pl_scn_perr(p, v, "path: expected a file name");
}

/* What a layer must have and what applies to zones layers only; the
 * property names' defaults. */
static void layer_checks(parser *p, struct fy_node *n, pl_layer_decl *l)
{
    if (!l->id)
        pl_scn_perr(p, n, "layer: missing 'id'");
    if (l->role == -1)
        pl_scn_perr(p, n, "layer '%s': missing 'role'", l->id ? l->id : "?");
    if (!l->path)
        pl_scn_perr(p, n, "layer '%s': missing 'path'", l->id ? l->id : "?");
    if (l->cls && l->role != PL_ROLE_ZONES)
        pl_scn_perr(p, n, "layer '%s': 'class' applies to zones layers only", l->id ? l->id : "?");
    if (l->airport_rule && l->role != PL_ROLE_ZONES)
        pl_scn_perr(p, n, "layer '%s': 'airport_rule' applies to zones layers only", l->id ? l->id : "?");
    if (!l->class_prop)
        l->class_prop = pl_strdup("class");
    if (!l->id_prop)
        l->id_prop = pl_strdup("id");
}

/* One entry of layers: {id, role, path, layer, class, class_property,
 * id_property, crs, airport_rule, repair}. */
static void parse_layer(parser *p, struct fy_node *n, pl_layer_decl *l)
{
    l->role = -1;
    pl_scn_node_pos(n, &l->line, &l->col);
    if (!fy_node_is_mapping(n)) {
        pl_scn_perr(p, n, "layers: each layer must be a mapping with id, role and path");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        if (!key) {
            pl_scn_perr(p, k, "layer keys must be plain names");
            continue;
        }
        if (!strcmp(key, "id"))
            l->id = pl_scn_dup_scalar(p, v, "layer id");
        else if (!strcmp(key, "role"))
            layer_role(p, v, l);
        else if (!strcmp(key, "path"))
            layer_path(p, v, l);
        else if (!strcmp(key, "layer"))
            l->ogr_layer = pl_scn_dup_scalar(p, v, "layer");
        else if (!strcmp(key, "class")) {
            l->cls = pl_scn_dup_scalar(p, v, "class");
            if (l->cls && !pl_str_in(l->cls, pl_zone_classes))
                pl_scn_perr(p, v,
                            "unknown zone class '%s' (expected no_fly, airport, military, restricted, "
                            "detention, eco_redline, eco_control, water_source, cultural, "
                            "infrastructure or temporary)",
                            l->cls);
        } else if (!strcmp(key, "class_property"))
            l->class_prop = pl_scn_dup_scalar(p, v, "class_property");
        else if (!strcmp(key, "id_property"))
            l->id_prop = pl_scn_dup_scalar(p, v, "id_property");
        else if (!strcmp(key, "crs"))
            l->crs = pl_scn_dup_scalar(p, v, "crs");
        else if (!strcmp(key, "airport_rule"))
            parse_airport_rule(p, v, l);
        else if (!strcmp(key, "repair")) {
            const char *b = pl_scn_scalar(p, v, "repair");
            if (b && (!strcmp(b, "true") || !strcmp(b, "false")))
                l->repair = !strcmp(b, "true");
            else if (b)
                pl_scn_perr(p, v, "repair: expected true or false, got '%s'", b);
        } else
            pl_scn_unknown_key(p, k, "a layer",
                               "id, role, path, layer, class, class_property, id_property, crs, "
                               "airport_rule, repair");
    }
    layer_checks(p, n, l);
}

/* layers: [LAYER, ...], added to those read before */
static void parse_layers(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_sequence(v)) {
        pl_scn_perr(p, v, "layers: expected a list of layers");
        return;
    }
    size_t n = (size_t)fy_node_sequence_item_count(v);
    pl_layer_decl *a = realloc(sc->a_layers, (sc->n_layers + n + 1) * sizeof *a);
    if (!a) {
        pl_scn_perr(p, v, "out of memory");
        return;
    }
    sc->a_layers = a;
    memset(a + sc->n_layers, 0, (n + 1) * sizeof *a);
    void *it2 = NULL;
    struct fy_node *ln;
    while ((ln = fy_node_sequence_iterate(v, &it2))) {
        pl_layer_decl *l = &sc->a_layers[sc->n_layers++];
        parse_layer(p, ln, l);
        for (size_t j = 0; l->id && j + 1 < sc->n_layers; j++)
            if (sc->a_layers[j].id && !strcmp(sc->a_layers[j].id, l->id))
                pl_scn_perr(p, ln, "layer id '%s' is used twice", l->id);
    }
}

/* A mapping of name -> number into parallel arrays (radius by kind, quotas). */
static void parse_named_numbers(parser *p, struct fy_node *v, const char *what, char ***names,
                                double *nums_d, int *nums_i, size_t *n)
{
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "%s: expected a mapping of kind to number", what);
        return;
    }
    size_t k = (size_t)fy_node_mapping_item_count(v);
    *names = calloc(k ? k : 1, sizeof **names);
    if (!*names)
        return;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it)) && *n < k) {
        double x = 0;
        char *name = pl_scn_dup_scalar(p, fy_node_pair_key(pr), what);
        if (!name)
            continue;
        (*names)[*n] = name;
        if (!pl_scn_number(p, fy_node_pair_value(pr), what, 0, &x)) {
            if (nums_d)
                nums_d[*n] = x;
            if (nums_i)
                nums_i[*n] = (int)x;
        }
        (*n)++;
    }
}

/* The plain metric settings of the siting section, by name. */
static double *siting_number(pl_siting_cfg *c, const char *key)
{
    static const struct {
        const char *key;
        size_t off;
    } t[] = {
        {"service_radius_m", offsetof(pl_siting_cfg, radius_m)},
        {"min_separation_m", offsetof(pl_siting_cfg, min_sep_m)},
        {"design_d_m", offsetof(pl_siting_cfg, design_d_m)},
        {"fato_factor", offsetof(pl_siting_cfg, fato_factor)},
        {"safety_factor", offsetof(pl_siting_cfg, safety_factor)},
        {"surface_slope", offsetof(pl_siting_cfg, surface_slope)},
        {"surface_splay", offsetof(pl_siting_cfg, surface_splay)},
        {"range_m", offsetof(pl_siting_cfg, range_m)},
        {"route_end_tolerance_m", offsetof(pl_siting_cfg, end_tolerance_m)},
        {"surface_length_m", offsetof(pl_siting_cfg, surface_length_m)},
        {"pads", offsetof(pl_siting_cfg, pads)},
        {"movements_per_pad_per_h", offsetof(pl_siting_cfg, movements_per_pad_h)},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(key, t[i].key))
            return (double *)((char *)c + t[i].off);
    return NULL;
}

/* siting: count, built_count, objective, service_radius_m,
 * service_radius_by_kind, quotas, min_separation_m, design_d_m,
 * fato_factor, safety_factor, surface_slope, surface_splay,
 * surface_length_m, range_m, route_end_tolerance_m, exact_limit, pads,
 * movements_per_pad_per_h, route_per_hour */
static void parse_siting(parser *p, pl_scenario *sc, struct fy_node *v)
{
    pl_siting_cfg *c = &sc->siting;
    c->enabled = 1;
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "siting: expected a mapping");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        double d = 0, *field;
        if (!key) {
            pl_scn_perr(p, k, "siting keys must be plain names");
        } else if (!strcmp(key, "count")) {
            if (!pl_scn_number(p, x, "count", 0, &d))
                c->count = (size_t)d;
        } else if (!strcmp(key, "built_count")) {
            const char *b = pl_scn_scalar(p, x, "built_count");
            if (b && (!strcmp(b, "true") || !strcmp(b, "false")))
                c->built_count = !strcmp(b, "true");
            else if (b)
                pl_scn_perr(p, x, "built_count: expected true or false, got '%s'", b);
        } else if (!strcmp(key, "objective")) {
            const char *o = pl_scn_scalar(p, x, "objective");
            if (o && !strcmp(o, "coverage"))
                c->objective = 0;
            else if (o && !strcmp(o, "median"))
                c->objective = 1;
            else if (o)
                pl_scn_perr(p, x, "objective: expected coverage or median, got '%s'", o);
        } else if (!strcmp(key, "service_radius_by_kind")) {
            size_t m = fy_node_is_mapping(x) ? (size_t)fy_node_mapping_item_count(x) : 0;
            c->radius_kind_m = calloc(m ? m : 1, sizeof *c->radius_kind_m);
            if (c->radius_kind_m)
                parse_named_numbers(p, x, "service_radius_by_kind", &c->radius_kind, c->radius_kind_m,
                                    NULL, &c->n_radius_kind);
        } else if (!strcmp(key, "quotas")) {
            size_t m = fy_node_is_mapping(x) ? (size_t)fy_node_mapping_item_count(x) : 0;
            c->quota_n = calloc(m ? m : 1, sizeof *c->quota_n);
            if (c->quota_n)
                parse_named_numbers(p, x, "quotas", &c->quota_kind, NULL, c->quota_n, &c->n_quota);
        } else if (!strcmp(key, "route_per_hour")) {
            size_t m = fy_node_is_mapping(x) ? (size_t)fy_node_mapping_item_count(x) : 0;
            c->per_hour = calloc(m ? m : 1, sizeof *c->per_hour);
            if (c->per_hour)
                parse_named_numbers(p, x, "route_per_hour", &c->per_hour_route, c->per_hour, NULL, &c->n_per_hour);
        } else if ((field = siting_number(c, key))) {
            pl_scn_number(p, x, key, 0, field);
        } else if (!strcmp(key, "exact_limit")) {
            if (!pl_scn_number(p, x, "exact_limit", 0, &d))
                c->exact_limit = (size_t)d;
        } else {
            pl_scn_unknown_key(p, k, "siting",
                               "count, built_count, objective, service_radius_m, service_radius_by_kind, "
                               "quotas, min_separation_m, design_d_m, fato_factor, safety_factor, "
                               "surface_slope, surface_splay, surface_length_m, range_m, route_end_tolerance_m, "
                               "exact_limit, pads, movements_per_pad_per_h, route_per_hour");
        }
    }
}

static void parse_route_defaults(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "route_defaults: expected a mapping");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        if (key && !strcmp(key, "half_width_m"))
            pl_scn_number(p, x, "half_width_m", 0, &sc->route.half_width_m);
        else if (key && !strcmp(key, "band_below_m"))
            pl_scn_number(p, x, "band_below_m", 0, &sc->route.band_below_m);
        else if (key && !strcmp(key, "band_above_m"))
            pl_scn_number(p, x, "band_above_m", 0, &sc->route.band_above_m);
        else if (key && !strcmp(key, "altitude_m"))
            pl_scn_number(p, x, "altitude_m", -500, &sc->route.alt_m);
        else if (key && !strcmp(key, "lateral_separation_m"))
            pl_scn_number(p, x, "lateral_separation_m", 0, &sc->route.lateral_sep_m);
        else if (key && !strcmp(key, "aircraft")) {
            free(sc->aircraft_default);
            sc->aircraft_default = pl_scn_dup_scalar(p, x, "aircraft");
            p->aircraft_mark = x;
        } else if (key && !strcmp(key, "aircraft_class")) {
            const char *c = pl_scn_scalar(p, x, "aircraft_class");
            if (c && !(sc->ac_class_default = pl_ac_class_of(c)))
                pl_scn_perr(p, x, "route_defaults.aircraft_class: expected micro, light, small, medium or large "
                            "(Art. 62), got '%s'", c);
        } else
            pl_scn_unknown_key(p, k, "route_defaults",
                               "half_width_m, band_below_m, band_above_m, altitude_m, aircraft, "
                               "aircraft_class, lateral_separation_m");
    }
}

static void parse_doc(parser *p, pl_scenario *sc, int d);

/* include: FILE or [FILES], read before the including file's own keys,
 * which override them; layers add up. */
static void parse_include(parser *p, pl_scenario *sc, struct fy_node *v)
{
    struct fy_node *one = fy_node_is_scalar(v) ? v : NULL, *it_n;
    void *it = NULL;
    if (!one && !fy_node_is_sequence(v)) {
        pl_scn_perr(p, v, "include: expected a file name or a list of them");
        return;
    }
    while ((it_n = one ? one : fy_node_sequence_iterate(v, &it))) {
        const char *s = pl_scn_scalar(p, it_n, "include");
        char *path = s && *s ? pl_scn_resolve_path(p->dir, s) : NULL;
        char *r = path ? realpath(path, NULL) : NULL;
        int cyc = -1;
        for (int k = 0; r && k <= p->depth; k++)
            if (!strcmp(p->real[p->chain[k]], r))
                cyc = k;
        if (path && cyc >= 0) {
            char chain[1024] = "";
            for (int k = cyc; k <= p->depth; k++) {
                strncat(chain, p->names[p->chain[k]], sizeof chain - strlen(chain) - 1);
                strncat(chain, " -> ", sizeof chain - strlen(chain) - 1);
            }
            strncat(chain, path, sizeof chain - strlen(chain) - 1);
            pl_scn_perr(p, it_n, "include: %s includes itself (%s)", path, chain);
        } else if (path && p->depth + 1 >= MAX_INCLUDE) {
            pl_scn_perr(p, it_n, "include: nested more than %d deep", MAX_INCLUDE);
        } else if (path) {
            int d = pl_scn_check_path(p, it_n, s, path) ? -1 : pl_scn_read_doc(p, it_n, path); /* refused: not read */
            if (d >= 0) {
                p->chain[++p->depth] = d;
                parse_doc(p, sc, d);
                p->depth--;
            }
        } else if (s) {
            pl_scn_perr(p, it_n, "include: expected a file name");
        }
        free(path);
        free(r);
        if (one)
            break;
    }
}

/* data_root: the folder data may come from (the scenario's own only). */
static void doc_data_root(parser *p, struct fy_node *v)
{
    const char *s = pl_scn_scalar(p, v, "data_root");
    char *dr = s && *s ? pl_scn_resolve_path(p->dir, s) : NULL;
    char *r = dr ? realpath(dr, NULL) : NULL;
    if (p->depth)
        pl_scn_perr(p, v, "data_root: only the scenario itself may set it, not a file it includes");
    else if (s && !r)
        pl_scn_perr(p, v, "data_root: %s is not a folder here: %s", s, strerror(errno));
    else if (r) {
        free(p->data_root);
        p->data_root = r;
        r = NULL;
        snprintf(p->data_root_text, sizeof p->data_root_text, "data_root '%s'", s);
    }
    free(dr);
    free(r);
}

/* terrain: {path, source, license, accuracy, crs, band, vertical_datum}:
 * a DEM (any GDAL raster; terrain.c reads it).  Its provenance is required,
 * as every geodata feature's is. */
static void parse_terrain(parser *p, pl_scenario *sc, struct fy_node *v)
{
    pl_terrain_decl *t = &sc->terrain;
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "terrain: expected a mapping {path, source, license, accuracy, crs, band, "
                          "vertical_datum}");
        return;
    }
    if (t->path) {
        pl_scn_perr(p, v, "terrain: given twice");
        return;
    }
    pl_scn_node_pos(v, &t->line, &t->col);
    t->band = 1;
    struct { const char *key; char **dst; } str[] = {
        {"source", &t->source}, {"license", &t->license}, {"accuracy", &t->accuracy},
        {"crs", &t->crs}, {"vertical_datum", &t->datum}};
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        size_t i = 0;
        while (key && i < sizeof str / sizeof *str && strcmp(key, str[i].key))
            i++;
        double band;
        if (key && i < sizeof str / sizeof *str) {
            free(*str[i].dst);
            *str[i].dst = pl_scn_dup_scalar(p, x, str[i].key);
        } else if (key && !strcmp(key, "path")) {
            const char *s = pl_scn_scalar(p, x, "terrain.path");
            free(t->path);
            t->path = s && *s ? pl_scn_resolve_path(p->dir, s) : NULL;
            if (t->path)
                pl_scn_check_path(p, x, s, t->path);
            else if (s)
                pl_scn_perr(p, x, "terrain.path: expected a file name");
        } else if (key && !strcmp(key, "band")) {
            if (!pl_scn_number(p, x, "terrain.band", 1, &band)) {
                if (band != (int)band || band > 65535)
                    pl_scn_perr(p, x, "terrain.band: expected a band number (1, 2, ...), got %g", band);
                t->band = (int)band;
            }
        } else
            pl_scn_unknown_key(p, k, "terrain", "path, source, license, accuracy, crs, band, vertical_datum");
    }
    const char *need[] = {"path", "source", "license", "accuracy"};
    const char *have[] = {t->path, t->source, t->license, t->accuracy};
    for (size_t i = 0; i < 4; i++)
        if (!have[i])
            pl_scn_perr(p, v, "terrain: missing %s (every terrain model states its path, source, license "
                              "and accuracy)", need[i]);
}

/* network.levels_m: [N, ...], cruise levels in metres, ascending */
static void parse_levels(parser *p, pl_network_cfg *c, struct fy_node *x)
{
    if (!fy_node_is_sequence(x) || fy_node_sequence_item_count(x) < 1) {
        pl_scn_perr(p, x, "network.levels_m: expected a list of cruise levels in metres, e.g. [100, 150]");
        return;
    }
    size_t n = (size_t)fy_node_sequence_item_count(x);
    free(c->levels);
    c->n_levels = 0;
    if (!(c->levels = malloc(n * sizeof *c->levels)))
        return;
    void *it = NULL;
    struct fy_node *e;
    while ((e = fy_node_sequence_iterate(x, &it)))
        if (!pl_scn_number(p, e, "network.levels_m", 0, &c->levels[c->n_levels])) {
            if (c->n_levels && c->levels[c->n_levels] <= c->levels[c->n_levels - 1])
                pl_scn_perr(p, e, "network.levels_m: levels must rise (%g after %g)", c->levels[c->n_levels],
                            c->levels[c->n_levels - 1]);
            c->n_levels++;
        }
}

/* network: {design: planned | none, approval_weight: N, advisory_weight:
 * N, basis: TEXT}: planned routes laid out between their ends. */
static void parse_network(parser *p, pl_scenario *sc, struct fy_node *v)
{
    pl_network_cfg *c = &sc->network;
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "network: expected a mapping {design, approval_weight, advisory_weight, basis}");
        return;
    }
    c->design = 1;
    c->approval_weight = 2.0;
    c->advisory_weight = 0.25;
    c->builtup_weight = 0.5;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        if (key && !strcmp(key, "design")) {
            const char *d = pl_scn_scalar(p, x, "network.design");
            if (d && strcmp(d, "planned") && strcmp(d, "none"))
                pl_scn_perr(p, x, "network.design: expected planned or none, got '%s'", d);
            c->design = d && !strcmp(d, "planned");
        } else if (key && !strcmp(key, "approval_weight"))
            pl_scn_number(p, x, "network.approval_weight", 0, &c->approval_weight);
        else if (key && !strcmp(key, "advisory_weight"))
            pl_scn_number(p, x, "network.advisory_weight", 0, &c->advisory_weight);
        else if (key && !strcmp(key, "builtup_weight"))
            pl_scn_number(p, x, "network.builtup_weight", 0, &c->builtup_weight);
        else if (key && !strcmp(key, "basis")) {
            free(c->basis);
            c->basis = pl_scn_dup_scalar(p, x, "network.basis");
        } else if (key && !strcmp(key, "levels_m"))
            parse_levels(p, c, x);
        else
            pl_scn_unknown_key(p, k, "network",
                               "design, approval_weight, advisory_weight, builtup_weight, levels_m, basis");
    }
}

/* One top-level key but include and data_root (read first). */
static void doc_key(parser *p, pl_scenario *sc, struct fy_node *k, struct fy_node *v)
{
    const char *key = fy_node_get_scalar0(k);
    if (!key) {
        pl_scn_perr(p, k, "top-level keys must be plain names");
    } else if (!strcmp(key, "include") || !strcmp(key, "data_root")) {
        return; /* done above */
    } else if (!strcmp(key, "name")) {
        free(sc->name);
        sc->name = pl_scn_dup_scalar(p, v, "name");
    } else if (!strcmp(key, "title")) {
        free(sc->title);
        sc->title = pl_scn_dup_scalar(p, v, "title");
    } else if (!strcmp(key, "crs")) {
        free(sc->work_crs);
        sc->work_crs = pl_scn_dup_scalar(p, v, "crs");
        if (sc->work_crs && pl_crs_check_metric(p->ctx, sc->work_crs) != PL_OK) {
            pl_scn_perr(p, v, "crs: %s", pl_errmsg(p->ctx));
            pl_error_clear(p->ctx);
        }
    } else if (!strcmp(key, "output")) {
        const char *s = pl_scn_scalar(p, v, "output");
        if (s) {
            free(sc->output);
            sc->output = pl_scn_resolve_path(p->dir, s);
        }
    } else if (!strcmp(key, "route_defaults")) {
        parse_route_defaults(p, sc, v);
    } else if (!strcmp(key, "aircraft")) {
        pl_scn_parse_aircraft(p, sc, v);
    } else if (!strcmp(key, "siting")) {
        parse_siting(p, sc, v);
    } else if (!strcmp(key, "layers")) {
        parse_layers(p, sc, v);
    } else if (!strcmp(key, "rules")) {
        pl_scn_parse_rules(p, sc, v);
    } else if (!strcmp(key, "terrain")) {
        parse_terrain(p, sc, v);
    } else if (!strcmp(key, "network")) {
        parse_network(p, sc, v);
    } else {
        pl_scn_unknown_key(p, k, "the scenario",
                           "name, title, crs, output, data_root, include, route_defaults, aircraft, siting, "
                           "layers, rules, terrain, network");
    }
}

/* One document's top-level keys (the scenario, or a file it includes). */
static void parse_doc(parser *p, pl_scenario *sc, int d)
{
    const char *outer_file = p->file, *outer_dir = p->dir;
    p->file = p->names[d];
    p->dir = p->dirs[d];
    struct fy_node *root = fy_document_root(p->docs[d]);
    if (!root || !fy_node_is_mapping(root)) {
        pl_scn_perr(p, root, "expected a mapping with name, crs, layers and rules at the top");
        goto back;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    /* first what the others depend on: the data root, then the includes */
    while ((pr = fy_node_mapping_iterate(root, &it))) {
        const char *key = fy_node_get_scalar0(fy_node_pair_key(pr));
        if (key && !strcmp(key, "data_root"))
            doc_data_root(p, fy_node_pair_value(pr));
    }
    it = NULL;
    while ((pr = fy_node_mapping_iterate(root, &it))) {
        const char *key = fy_node_get_scalar0(fy_node_pair_key(pr));
        if (key && !strcmp(key, "include"))
            parse_include(p, sc, fy_node_pair_value(pr));
    }
    it = NULL;
    while ((pr = fy_node_mapping_iterate(root, &it)))
        doc_key(p, sc, fy_node_pair_key(pr), fy_node_pair_value(pr));
back:
    p->file = outer_file;
    p->dir = outer_dir;
}

/* A new scenario's defaults and built-in rules; -1 when out of memory. */
static int scenario_defaults(pl_scenario *sc, const char *path)
{
    sc->file = pl_strdup(path);
    const char *slash = strrchr(path, '/');
    sc->dir = slash ? strndup(path, (size_t)(slash - path)) : pl_strdup("");
    /* 100 m between corridor edges: our default, a scenario parameter */
    sc->route = (pl_route_defaults){50.0, 30.0, 30.0, 120.0, 100.0};
    /* siting defaults: see planner.h and README; D = 15.2 m is the upper
     * end of current eVTOL designs (RULES.md, unverified) */
    sc->siting = (pl_siting_cfg){.count = 20, .radius_m = 3000, .min_sep_m = 1000,
                                 .design_d_m = 15.2, .fato_factor = 1.5, .safety_factor = 2.0,
                                 .surface_slope = 8, .surface_splay = 0.15, .range_m = 30000,
                                 .end_tolerance_m = 300, .exact_limit = 200000};
    return !sc->file || !sc->dir || pl_scn_rules_init(sc) ? -1 : 0;
}

/* What needs the whole scenario read: at least one layer, the default
 * aircraft class among those given. */
static void scenario_checks(parser *p, pl_scenario *sc)
{
    if (!p->n_errs && sc->n_layers == 0)
        pl_scn_perr(p, fy_document_root(p->docs[0]), "layers: expected a list of at least one layer");
    if (sc->aircraft_default && !pl_scenario_aircraft(sc, sc->aircraft_default))
        pl_scn_perr(p, p->aircraft_mark,
                    "route_defaults.aircraft: no aircraft class '%s' in 'aircraft'", sc->aircraft_default);
}

/* The working CRS's and the name's defaults; every message collected
 * becomes the error.  Returns PL_OK or the error code. */
static int scenario_finish(parser *p, pl_scenario *sc, const char *path)
{
    if (!sc->work_crs)
        sc->work_crs = pl_strdup("EPSG:4549");
    if (!sc->name) {
        const char *slash = strrchr(path, '/');
        const char *b = slash ? slash + 1 : path;
        const char *dot = strrchr(b, '.');
        sc->name = dot ? strndup(b, (size_t)(dot - b)) : pl_strdup(b);
    }
    if (p->n_errs) {
        if (p->n_errs > MAX_ERRS)
            pl_buf_printf(&p->errs, "\n%s: %d more problems not shown", path, p->n_errs - MAX_ERRS);
        return pl_error(p->ctx, PL_PARSE, "%s", p->errs.s ? p->errs.s : "scenario invalid");
    } else if (p->errs.oom || !sc->work_crs || !sc->name) {
        return pl_error(p->ctx, PL_NOMEM, "out of memory");
    }
    return PL_OK;
}

int pl_scenario_load(pl_ctx *ctx, const char *path, pl_scenario **out)
{
    *out = NULL;
    parser p = {.ctx = ctx, .file = path, .dir = ""};
    pl_buf_init(&p.errs);
    pl_scenario *sc = calloc(1, sizeof *sc);
    int rc = PL_OK;
    if (!sc)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    if (scenario_defaults(sc, path)) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }
    /* data comes from the scenario's folder unless data_root says more */
    p.data_root = realpath(sc->dir[0] ? sc->dir : ".", NULL);
    snprintf(p.data_root_text, sizeof p.data_root_text, "the scenario's folder");
    p.diag = pl_scn_diag_create(&p);
    if (!p.diag) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }
    int d = pl_scn_read_doc(&p, NULL, path);
    if (d < 0 && pl_errcode(ctx) != PL_OK) {
        rc = pl_errcode(ctx);
        goto out;
    }
    if (d >= 0) {
        p.chain[0] = d;
        parse_doc(&p, sc, d);
        scenario_checks(&p, sc);
    }
    rc = scenario_finish(&p, sc, path);
    /* the files read, so that an index built from them knows what to watch */
    if (rc == PL_OK && p.n_docs > 0 && !(sc->docs = calloc((size_t)p.n_docs, sizeof *sc->docs)))
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    for (int k = 0; rc == PL_OK && k < p.n_docs; k++)
        if (!(sc->docs[sc->n_docs++] = pl_strdup(p.real[k] ? p.real[k] : p.names[k])))
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
out:
    pl_scn_parser_free(&p);
    if (rc != PL_OK)
        pl_scenario_free(sc);
    else
        *out = sc;
    return rc;
}

void pl_scenario_free(pl_scenario *sc)
{
    if (!sc)
        return;
    for (size_t i = 0; i < sc->n_docs; i++)
        free(sc->docs[i]);
    free(sc->docs);
    for (size_t i = 0; i < sc->n_layers; i++) {
        pl_layer_decl *l = &sc->a_layers[i];
        free(l->id);
        free(l->path);
        free(l->ogr_layer);
        free(l->cls);
        free(l->class_prop);
        free(l->id_prop);
        free(l->crs);
        free(l->ap_basis);
    }
    for (size_t i = 0; i < sc->n_aircraft; i++) {
        free(sc->a_aircraft[i].name);
        free(sc->a_aircraft[i].rule.cls);
        free(sc->a_aircraft[i].rule.basis);
    }
    free(sc->a_aircraft);
    free(sc->aircraft_default);
    for (size_t i = 0; i < sc->siting.n_radius_kind; i++)
        free(sc->siting.radius_kind[i]);
    free(sc->siting.radius_kind);
    free(sc->siting.radius_kind_m);
    for (size_t i = 0; i < sc->siting.n_quota; i++)
        free(sc->siting.quota_kind[i]);
    free(sc->siting.quota_kind);
    free(sc->siting.quota_n);
    for (size_t i = 0; i < sc->siting.n_per_hour; i++)
        free(sc->siting.per_hour_route[i]);
    free(sc->siting.per_hour_route);
    free(sc->siting.per_hour);
    char **tstr[] = {&sc->terrain.path, &sc->terrain.crs, &sc->terrain.source, &sc->terrain.license,
                     &sc->terrain.accuracy, &sc->terrain.datum};
    for (size_t i = 0; i < sizeof tstr / sizeof *tstr; i++)
        free(*tstr[i]);
    free(sc->network.basis);
    free(sc->network.levels);
    free(sc->a_layers);
    for (size_t i = 0; i < sc->n_rules; i++) {
        free(sc->a_rules[i].cls);
        free(sc->a_rules[i].basis);
    }
    free(sc->a_rules);
    free(sc->file);
    free(sc->dir);
    free(sc->name);
    free(sc->title);
    free(sc->work_crs);
    free(sc->output);
    free(sc);
}
