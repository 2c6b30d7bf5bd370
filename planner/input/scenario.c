/*
 * scenario.c - the scenario file (YAML, read with libfyaml).
 *
 * Entry points: pl_scenario_load, pl_scenario_free, pl_scenario_rule,
 * pl_role_names, pl_zone_classes, pl_route_rule_names, pl_vp_rule_names.
 *
 * Every problem found is reported as "file:line:column: what was expected";
 * up to MAX_ERRS are collected before giving up, one per line.
 *
 * Shape (see scenarios/wuzhong-2025.yaml for a commented example):
 *   name, title, crs, output       scalars
 *   route_defaults:                half_width_m, band_below_m, band_above_m, altitude_m
 *   layers: [ {id, role, path, layer, class, class_property, id_property, crs} ]
 *   rules: { CLASS: {route: R, vertiport: V, basis: TEXT} }
 *     R = forbidden | warning | allowed | {min_overflight_m: N}
 *     V = forbidden | allowed | {min_distance_m: N}
 */
#include "planner.h"

#include <errno.h>
#include <stddef.h>
#include <libfyaml.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ERRS 8

const char *const pl_role_names[] = {"boundary", "zones", "water", "demand", "candidates",
                                     "vertiports", "routes", "obstacles", NULL};
const char *const pl_zone_classes[] = {"no_fly", "airport", "military", "restricted",
                                       "detention", "eco_redline", "eco_control", "water_source",
                                       "cultural", "infrastructure", "temporary", NULL};
const char *const pl_route_rule_names[] = {"forbidden", "min_overflight_m", "warning", "allowed",
                                           NULL};
const char *const pl_vp_rule_names[] = {"forbidden", "min_distance_m", "allowed", NULL};

/* Built-in rule table.  The legal basis is in ../shared/RULES.md; a scenario
 * overrides any of these.  Art. 19 = Interim Regulations on the Flight
 * Management of Unmanned Aircraft (2024), which makes the airspace over
 * these places controlled airspace (flight needs approval): a plan treats
 * it as forbidden until approved. */
static const struct {
    const char *cls;
    int route;
    double overflight_m;
    int vp;
    double dist_m;
    const char *basis;
} builtin_rules[] = {
    {"no_fly", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0, "prohibited area (Art. 19, 2024 interim regulations)"},
    {"airport", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "airport and surroundings, controlled airspace (Art. 19, 2024 interim regulations)"},
    {"military", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "military zone, controlled airspace (Art. 19, 2024 interim regulations)"},
    {"restricted", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0, "restricted area (Art. 19, 2024 interim regulations)"},
    {"detention", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "detention site, controlled airspace (Art. 19, 2024 interim regulations)"},
    {"water_source", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "drinking-water source protection area, controlled airspace (Art. 19, 2024 interim regulations)"},
    {"cultural", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "major immovable cultural relic, controlled airspace (Art. 19, 2024 interim regulations)"},
    {"infrastructure", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "power/transport infrastructure, controlled airspace (Art. 19, 2024 interim regulations)"},
    {"temporary", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0, "temporary restriction as published"},
    {"eco_redline", PL_RR_MIN_OVERFLIGHT, 150, PL_VR_FORBIDDEN, 0,
     "ecological red line: not named in Art. 19; planner default 150 m minimum overflight (our choice, a scenario parameter)"},
    {"eco_control", PL_RR_WARNING, 0, PL_VR_ALLOWED, 0,
     "ecological control zone: planner default, warn on overflight (our choice, a scenario parameter)"},
};

#define MAX_INCLUDE 8 /* scenario -> include -> ... at most this deep */

typedef struct parser {
    pl_ctx *ctx;
    const char *file;   /* the document being read, as named (messages) */
    const char *dir;    /* its folder: its paths are relative to it */
    pl_buf errs;        /* collected messages, one per line */
    int n_errs;
    struct fy_node *aircraft_mark; /* where route_defaults.aircraft is written */
    struct fy_diag *diag;
    struct fy_document *docs[MAX_INCLUDE + 1]; /* every document read, kept to the end */
    char *names[MAX_INCLUDE + 1];              /* their names as given, and folders */
    char *dirs[MAX_INCLUDE + 1];
    char *real[MAX_INCLUDE + 1];               /* their real paths, for cycles */
    int n_docs;
    int chain[MAX_INCLUDE + 1];                /* the include chain now open */
    int depth;
    char *data_root;    /* real path of the folder data may come from */
    char data_root_text[300]; /* how messages name it */
} parser;

static void node_pos(struct fy_node *n, int *line, int *col)
{
    *line = 0;
    *col = 0;
    if (!n)
        return;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        if (m) {
            *line = m->line + 1;
            *col = m->column + 1;
        }
        return;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        if (p)
            node_pos(fy_node_pair_key(p), line, col);
    } else if (fy_node_is_sequence(n)) {
        node_pos(fy_node_sequence_iterate(n, &it), line, col);
    }
}

static void perr(parser *p, struct fy_node *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void perr(parser *p, struct fy_node *at, const char *fmt, ...)
{
    if (p->n_errs++ >= MAX_ERRS)
        return;
    int line, col;
    node_pos(at, &line, &col);
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (p->errs.n)
        pl_buf_puts(&p->errs, "\n");
    if (line)
        pl_buf_printf(&p->errs, "%s:%d:%d: %s", p->file, line, col, msg);
    else
        pl_buf_printf(&p->errs, "%s: %s", p->file, msg);
}

/* Returns: the scalar text (borrowed from the document) or NULL after
 * reporting what was expected. */
static const char *scalar(parser *p, struct fy_node *n, const char *what)
{
    if (!n || !fy_node_is_scalar(n)) {
        perr(p, n, "%s: expected a plain value", what);
        return NULL;
    }
    return fy_node_get_scalar0(n);
}

static char *dup_scalar(parser *p, struct fy_node *n, const char *what)
{
    const char *s = scalar(p, n, what);
    if (!s)
        return NULL;
    if (!*s) {
        perr(p, n, "%s: expected a non-empty value", what);
        return NULL;
    }
    char *d = pl_strdup(s);
    if (!d)
        perr(p, n, "out of memory");
    return d;
}

static int number(parser *p, struct fy_node *n, const char *what, double lo, double *out)
{
    const char *s = scalar(p, n, what);
    if (!s)
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v) || v < lo) {
        perr(p, n, "%s: expected a number >= %g, got '%s'", what, lo, s);
        return -1;
    }
    *out = v;
    return 0;
}

static void unknown_key(parser *p, struct fy_node *key, const char *where, const char *expected)
{
    perr(p, key, "unknown key '%s' in %s (expected one of: %s)", fy_node_get_scalar0(key), where,
         expected);
}

/* Lexically drop "." and "dir/.." parts, so messages show short paths
 * (scenarios/../geodata/x -> geodata/x).  Leading ".." are kept. */
static void normalise_path(char *s)
{
    int abs = s[0] == '/';
    size_t len = strlen(s);
    char *parts[256];
    int n = 0;
    for (char *t = strtok(s + abs, "/"); t && n < 256; t = strtok(NULL, "/")) {
        if (!strcmp(t, "."))
            continue;
        if (!strcmp(t, "..") && n > 0 && strcmp(parts[n - 1], ".."))
            n--;
        else
            parts[n++] = t;
    }
    char *tmp = malloc(len + 3);
    if (!tmp)
        return;
    char *w = tmp;
    for (int i = 0; i < n; i++) {
        size_t k = strlen(parts[i]);
        memmove(w, parts[i], k);
        w += k;
        if (i + 1 < n)
            *w++ = '/';
    }
    if (n == 0)
        *w++ = '.';
    *w = '\0';
    strcpy(s + abs, tmp);
    free(tmp);
}

static char *resolve_path(const char *dir, const char *rel)
{
    size_t k = strlen(dir) + strlen(rel) + 3;
    char *s = malloc(k);
    if (!s)
        return NULL;
    if (rel[0] == '/' || !dir[0])
        snprintf(s, k, "%s", rel);
    else
        snprintf(s, k, "%s/%s", dir, rel);
    normalise_path(s);
    return s;
}

/* A data path must name a local file inside the data root (the
 * scenario's folder unless the scenario sets data_root): GDAL would
 * otherwise open URLs, cloud buckets and database connections, and a
 * scenario passed around could read any file of the machine. */
static int check_path(parser *p, struct fy_node *at, const char *given, const char *resolved)
{
    static const char *const net[] = {"/vsicurl", "/vsis3", "/vsigs", "/vsiaz", "/vsiadls", "/vsioss",
                                      "/vsiswift", "/vsiwebhdfs", "/vsihdfs", "://", NULL};
    for (int i = 0; net[i]; i++)
        if (strstr(given, net[i])) {
            perr(p, at, "path '%s': refused: the planner reads local files only, it never opens the "
                        "network", given);
            return -1;
        }
    if (!strncmp(given, "/vsi", 4)) {
        perr(p, at, "path '%s': refused: GDAL virtual paths are not read; name the local file "
                    "(GDAL opens .zip archives itself)", given);
        return -1;
    }
    size_t k = strspn(given, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
    if (k > 1 && given[k] == ':') { /* PG:, WFS:, MySQL:, ... */
        perr(p, at, "path '%s': refused: a GDAL connection string, not a file; the planner reads "
                    "local files only", given);
        return -1;
    }
    if (!p->data_root)
        return 0;
    char *r = realpath(resolved, NULL), *abs = NULL;
    if (!r) { /* not there (reported when opened): judge the name itself */
        char cwd[4096];
        if (resolved[0] == '/' || !getcwd(cwd, sizeof cwd))
            abs = pl_strdup(resolved);
        else if ((abs = malloc(strlen(cwd) + strlen(resolved) + 2)))
            sprintf(abs, "%s/%s", cwd, resolved);
        if (!abs)
            return -1;
    }
    const char *q = r ? r : abs;
    size_t n = strlen(p->data_root);
    int inside = !strcmp(p->data_root, "/") ||
                 (!strncmp(q, p->data_root, n) && (q[n] == '/' || q[n] == '\0'));
    if (!inside)
        perr(p, at, "path '%s' lies outside %s: refused; set data_root: in the scenario to a "
                    "folder that holds it to allow this", given, p->data_root_text);
    free(r);
    free(abs);
    return inside ? 0 : -1;
}

/* airport_rule: {half_width_m: N, end_extension_m: N, basis: TEXT}; the
 * defaults are the CAAC clearance protection area (../shared/RULES.md). */
static void parse_airport_rule(parser *p, struct fy_node *v, pl_layer_decl *l)
{
    l->airport_rule = 1;
    l->ap_half_width_m = 10000.0;
    l->ap_end_ext_m = 20000.0;
    if (!fy_node_is_mapping(v)) {
        perr(p, v, "airport_rule: expected a mapping with half_width_m, end_extension_m, basis");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        if (key && !strcmp(key, "half_width_m"))
            number(p, x, "half_width_m", 0, &l->ap_half_width_m);
        else if (key && !strcmp(key, "end_extension_m"))
            number(p, x, "end_extension_m", 0, &l->ap_end_ext_m);
        else if (key && !strcmp(key, "basis")) {
            free(l->ap_basis);
            l->ap_basis = dup_scalar(p, x, "basis");
        } else
            unknown_key(p, k, "airport_rule", "half_width_m, end_extension_m, basis");
    }
}

/* role: one of pl_role_names; -2 when it is wrong (reported here, not
 * "missing") */
static void layer_role(parser *p, struct fy_node *v, pl_layer_decl *l)
{
    const char *r = scalar(p, v, "role");
    for (int i = 0; r && pl_role_names[i]; i++)
        if (!strcmp(r, pl_role_names[i]))
            l->role = i;
    if (r && l->role < 0) {
        l->role = -2; /* reported here; not "missing" */
        perr(p, v,
             "unknown role '%s' (expected boundary, zones, water, demand, candidates, "
             "vertiports, routes or obstacles)",
             r);
    }
    if (!r)
        l->role = -2;
}

/* path: resolved against the document's folder, where it is written
 * kept for messages, and checked (check_path) */
static void layer_path(parser *p, struct fy_node *v, pl_layer_decl *l)
{
    const char *s = scalar(p, v, "path");
    if (s && *s) {
        l->path = resolve_path(p->dir, s);
        node_pos(v, &l->path_line, &l->path_col);
        check_path(p, v, s, l->path);
    } else if (s)
        perr(p, v, "path: expected a file name");
}

/* What a layer must have and what applies to zones layers only; the
 * property names' defaults. */
static void layer_checks(parser *p, struct fy_node *n, pl_layer_decl *l)
{
    if (!l->id)
        perr(p, n, "layer: missing 'id'");
    if (l->role == -1)
        perr(p, n, "layer '%s': missing 'role'", l->id ? l->id : "?");
    if (!l->path)
        perr(p, n, "layer '%s': missing 'path'", l->id ? l->id : "?");
    if (l->cls && l->role != PL_ROLE_ZONES)
        perr(p, n, "layer '%s': 'class' applies to zones layers only", l->id ? l->id : "?");
    if (l->airport_rule && l->role != PL_ROLE_ZONES)
        perr(p, n, "layer '%s': 'airport_rule' applies to zones layers only", l->id ? l->id : "?");
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
    node_pos(n, &l->line, &l->col);
    if (!fy_node_is_mapping(n)) {
        perr(p, n, "layers: each layer must be a mapping with id, role and path");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(n, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *v = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        if (!key) {
            perr(p, k, "layer keys must be plain names");
            continue;
        }
        if (!strcmp(key, "id"))
            l->id = dup_scalar(p, v, "layer id");
        else if (!strcmp(key, "role"))
            layer_role(p, v, l);
        else if (!strcmp(key, "path"))
            layer_path(p, v, l);
        else if (!strcmp(key, "layer"))
            l->ogr_layer = dup_scalar(p, v, "layer");
        else if (!strcmp(key, "class")) {
            l->cls = dup_scalar(p, v, "class");
            if (l->cls && !pl_str_in(l->cls, pl_zone_classes))
                perr(p, v,
                     "unknown zone class '%s' (expected no_fly, airport, military, restricted, "
                     "detention, eco_redline, eco_control, water_source, cultural, "
                     "infrastructure or temporary)",
                     l->cls);
        } else if (!strcmp(key, "class_property"))
            l->class_prop = dup_scalar(p, v, "class_property");
        else if (!strcmp(key, "id_property"))
            l->id_prop = dup_scalar(p, v, "id_property");
        else if (!strcmp(key, "crs"))
            l->crs = dup_scalar(p, v, "crs");
        else if (!strcmp(key, "airport_rule"))
            parse_airport_rule(p, v, l);
        else if (!strcmp(key, "repair")) {
            const char *b = scalar(p, v, "repair");
            if (b && (!strcmp(b, "true") || !strcmp(b, "false")))
                l->repair = !strcmp(b, "true");
            else if (b)
                perr(p, v, "repair: expected true or false, got '%s'", b);
        } else
            unknown_key(p, k, "a layer",
                        "id, role, path, layer, class, class_property, id_property, crs, airport_rule, repair");
    }
    layer_checks(p, n, l);
}

static pl_rule *rule_slot(pl_scenario *sc, const char *cls)
{
    for (size_t i = 0; i < sc->n_rules; i++)
        if (!strcmp(sc->a_rules[i].cls, cls))
            return &sc->a_rules[i];
    return NULL;
}

/* rules.CLASS.route: forbidden | warning | allowed | {min_overflight_m: N} */
static void rule_route(parser *p, pl_rule *r, const char *cls, struct fy_node *rv)
{
    if (fy_node_is_scalar(rv)) {
        const char *s = fy_node_get_scalar0(rv);
        if (!strcmp(s, "forbidden"))
            r->route = PL_RR_FORBIDDEN;
        else if (!strcmp(s, "warning"))
            r->route = PL_RR_WARNING;
        else if (!strcmp(s, "allowed"))
            r->route = PL_RR_ALLOWED;
        else
            perr(p, rv,
                 "rules.%s.route: expected forbidden, warning, allowed or "
                 "{min_overflight_m: N}, got '%s'",
                 cls, s);
    } else if (fy_node_is_mapping(rv) && fy_node_mapping_item_count(rv) == 1) {
        void *it2 = NULL;
        struct fy_node_pair *q = fy_node_mapping_iterate(rv, &it2);
        const char *qk = fy_node_get_scalar0(fy_node_pair_key(q));
        if (qk && !strcmp(qk, "min_overflight_m")) {
            if (!number(p, fy_node_pair_value(q), "min_overflight_m", 0, &r->min_overflight_m))
                r->route = PL_RR_MIN_OVERFLIGHT;
        } else
            perr(p, fy_node_pair_key(q), "rules.%s.route: expected {min_overflight_m: N}", cls);
    } else
        perr(p, rv,
             "rules.%s.route: expected forbidden, warning, allowed or {min_overflight_m: N}",
             cls);
}

/* rules.CLASS.vertiport: forbidden | allowed | {min_distance_m: N} */
static void rule_vertiport(parser *p, pl_rule *r, const char *cls, struct fy_node *rv)
{
    if (fy_node_is_scalar(rv)) {
        const char *s = fy_node_get_scalar0(rv);
        if (!strcmp(s, "forbidden"))
            r->vertiport = PL_VR_FORBIDDEN;
        else if (!strcmp(s, "allowed"))
            r->vertiport = PL_VR_ALLOWED;
        else
            perr(p, rv,
                 "rules.%s.vertiport: expected forbidden, allowed or {min_distance_m: N}, "
                 "got '%s'",
                 cls, s);
    } else if (fy_node_is_mapping(rv) && fy_node_mapping_item_count(rv) == 1) {
        void *it2 = NULL;
        struct fy_node_pair *q = fy_node_mapping_iterate(rv, &it2);
        const char *qk = fy_node_get_scalar0(fy_node_pair_key(q));
        if (qk && !strcmp(qk, "min_distance_m")) {
            if (!number(p, fy_node_pair_value(q), "min_distance_m", 0, &r->min_distance_m))
                r->vertiport = PL_VR_MIN_DISTANCE;
        } else
            perr(p, fy_node_pair_key(q), "rules.%s.vertiport: expected {min_distance_m: N}", cls);
    } else
        perr(p, rv, "rules.%s.vertiport: expected forbidden, allowed or {min_distance_m: N}",
             cls);
}

/* rules.CLASS: {route: R, vertiport: V, basis: TEXT} over the built-in rule */
static void parse_rule(parser *p, pl_scenario *sc, struct fy_node *k, struct fy_node *v)
{
    const char *cls = fy_node_get_scalar0(k);
    if (!cls || !pl_str_in(cls, pl_zone_classes)) {
        perr(p, k,
             "rules: unknown zone class '%s' (expected no_fly, airport, military, restricted, "
             "detention, eco_redline, eco_control, water_source, cultural, infrastructure or "
             "temporary)",
             cls ? cls : "?");
        return;
    }
    pl_rule *r = rule_slot(sc, cls);
    if (!fy_node_is_mapping(v)) {
        perr(p, v, "rules.%s: expected a mapping with route, vertiport and basis", cls);
        return;
    }
    r->from_scenario = 1;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *rk = fy_node_pair_key(pr), *rv = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(rk);
        if (key && !strcmp(key, "route"))
            rule_route(p, r, cls, rv);
        else if (key && !strcmp(key, "vertiport"))
            rule_vertiport(p, r, cls, rv);
        else if (key && !strcmp(key, "basis")) {
            char *b = dup_scalar(p, rv, "basis");
            if (b) {
                free(r->basis);
                r->basis = b;
            }
        } else
            unknown_key(p, rk, "a rule", "route, vertiport, basis");
    }
}

/* rules: {CLASS: RULE, ...} */
static void parse_rules(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_mapping(v)) {
        perr(p, v, "rules: expected a mapping of zone class to rule");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *rp;
    while ((rp = fy_node_mapping_iterate(v, &it)))
        parse_rule(p, sc, fy_node_pair_key(rp), fy_node_pair_value(rp));
}

/* aircraft.NAME: {max_height_m: N, above: forbidden|warning, basis: TEXT},
 * into the next entry of sc->a_aircraft */
static void aircraft_class(parser *p, pl_scenario *sc, struct fy_node *k, struct fy_node *x)
{
    pl_aircraft *a = &sc->a_aircraft[sc->n_aircraft++];
    a->name = dup_scalar(p, k, "aircraft class name");
    a->max_height_m = INFINITY;
    a->rule.cls = pl_strdup("controlled");
    a->rule.route = PL_RR_FORBIDDEN;
    a->rule.vertiport = PL_VR_ALLOWED;
    a->rule.from_scenario = 1;
    if (!fy_node_is_mapping(x)) {
        perr(p, x, "aircraft.%s: expected a mapping with max_height_m, above, basis",
             a->name ? a->name : "?");
        return;
    }
    void *it2 = NULL;
    struct fy_node_pair *q;
    int have_height = 0;
    while ((q = fy_node_mapping_iterate(x, &it2))) {
        struct fy_node *qk = fy_node_pair_key(q), *qv = fy_node_pair_value(q);
        const char *key = fy_node_get_scalar0(qk);
        if (key && !strcmp(key, "max_height_m")) {
            have_height = !number(p, qv, "max_height_m", 0, &a->max_height_m);
        } else if (key && !strcmp(key, "above")) {
            const char *r = scalar(p, qv, "above");
            if (r && !strcmp(r, "forbidden"))
                a->rule.route = PL_RR_FORBIDDEN;
            else if (r && !strcmp(r, "warning"))
                a->rule.route = PL_RR_WARNING;
            else if (r)
                perr(p, qv, "aircraft.%s.above: expected forbidden or warning, got '%s'",
                     a->name ? a->name : "?", r);
        } else if (key && !strcmp(key, "basis")) {
            free(a->rule.basis);
            a->rule.basis = dup_scalar(p, qv, "basis");
        } else
            unknown_key(p, qk, "an aircraft class", "max_height_m, above, basis");
    }
    if (!have_height)
        perr(p, x, "aircraft.%s: missing max_height_m", a->name ? a->name : "?");
    if (!a->rule.basis)
        a->rule.basis = pl_strdup("controlled airspace above the class's maximum true height "
                                  "(2023 national airspace classification: class W to 120 m, "
                                  "class G to 300 m)");
    for (size_t j = 0; a->name && j + 1 < sc->n_aircraft; j++)
        if (sc->a_aircraft[j].name && !strcmp(sc->a_aircraft[j].name, a->name))
            perr(p, k, "aircraft class '%s' is given twice", a->name);
}

/* aircraft: {NAME: {max_height_m: N, above: forbidden|warning, basis: TEXT}} */
static void parse_aircraft(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_mapping(v)) {
        perr(p, v, "aircraft: expected a mapping of class name to {max_height_m, above, basis}");
        return;
    }
    size_t n = (size_t)fy_node_mapping_item_count(v);
    sc->a_aircraft = calloc(n ? n : 1, sizeof *sc->a_aircraft);
    if (!sc->a_aircraft) {
        perr(p, v, "out of memory");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it)))
        aircraft_class(p, sc, fy_node_pair_key(pr), fy_node_pair_value(pr));
}

/* A mapping of name -> number into parallel arrays (radius by kind, quotas). */
static void parse_named_numbers(parser *p, struct fy_node *v, const char *what, char ***names,
                                double *nums_d, int *nums_i, size_t *n)
{
    if (!fy_node_is_mapping(v)) {
        perr(p, v, "%s: expected a mapping of kind to number", what);
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
        char *name = dup_scalar(p, fy_node_pair_key(pr), what);
        if (!name)
            continue;
        (*names)[*n] = name;
        if (!number(p, fy_node_pair_value(pr), what, 0, &x)) {
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
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (!strcmp(key, t[i].key))
            return (double *)((char *)c + t[i].off);
    return NULL;
}

/* siting: count, built_count, objective, service_radius_m,
 * service_radius_by_kind, quotas, min_separation_m, design_d_m,
 * fato_factor, safety_factor, surface_slope, surface_splay, range_m,
 * route_end_tolerance_m, exact_limit */
static void parse_siting(parser *p, pl_scenario *sc, struct fy_node *v)
{
    pl_siting_cfg *c = &sc->siting;
    c->enabled = 1;
    if (!fy_node_is_mapping(v)) {
        perr(p, v, "siting: expected a mapping");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        double d = 0, *field;
        if (!key) {
            perr(p, k, "siting keys must be plain names");
        } else if (!strcmp(key, "count")) {
            if (!number(p, x, "count", 0, &d))
                c->count = (size_t)d;
        } else if (!strcmp(key, "built_count")) {
            const char *b = scalar(p, x, "built_count");
            if (b && (!strcmp(b, "true") || !strcmp(b, "false")))
                c->built_count = !strcmp(b, "true");
            else if (b)
                perr(p, x, "built_count: expected true or false, got '%s'", b);
        } else if (!strcmp(key, "objective")) {
            const char *o = scalar(p, x, "objective");
            if (o && !strcmp(o, "coverage"))
                c->objective = 0;
            else if (o && !strcmp(o, "median"))
                c->objective = 1;
            else if (o)
                perr(p, x, "objective: expected coverage or median, got '%s'", o);
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
        } else if ((field = siting_number(c, key))) {
            number(p, x, key, 0, field);
        } else if (!strcmp(key, "exact_limit")) {
            if (!number(p, x, "exact_limit", 0, &d))
                c->exact_limit = (size_t)d;
        } else {
            unknown_key(p, k, "siting",
                        "count, built_count, objective, service_radius_m, service_radius_by_kind, "
                        "quotas, min_separation_m, design_d_m, fato_factor, safety_factor, "
                        "surface_slope, surface_splay, range_m, route_end_tolerance_m, exact_limit");
        }
    }
}

static void parse_route_defaults(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_mapping(v)) {
        perr(p, v, "route_defaults: expected a mapping");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it))) {
        struct fy_node *k = fy_node_pair_key(pr), *x = fy_node_pair_value(pr);
        const char *key = fy_node_get_scalar0(k);
        if (key && !strcmp(key, "half_width_m"))
            number(p, x, "half_width_m", 0, &sc->route.half_width_m);
        else if (key && !strcmp(key, "band_below_m"))
            number(p, x, "band_below_m", 0, &sc->route.band_below_m);
        else if (key && !strcmp(key, "band_above_m"))
            number(p, x, "band_above_m", 0, &sc->route.band_above_m);
        else if (key && !strcmp(key, "altitude_m"))
            number(p, x, "altitude_m", -500, &sc->route.alt_m);
        else if (key && !strcmp(key, "lateral_separation_m"))
            number(p, x, "lateral_separation_m", 0, &sc->route.lateral_sep_m);
        else if (key && !strcmp(key, "aircraft")) {
            free(sc->aircraft_default);
            sc->aircraft_default = dup_scalar(p, x, "aircraft");
            p->aircraft_mark = x;
        } else
            unknown_key(p, k, "route_defaults",
                        "half_width_m, band_below_m, band_above_m, altitude_m, aircraft, "
                        "lateral_separation_m");
    }
}

static int init_rules(pl_scenario *sc)
{
    size_t n = sizeof builtin_rules / sizeof builtin_rules[0];
    sc->a_rules = calloc(n, sizeof *sc->a_rules);
    if (!sc->a_rules)
        return -1;
    for (size_t i = 0; i < n; i++) {
        pl_rule *r = &sc->a_rules[i];
        r->cls = pl_strdup(builtin_rules[i].cls);
        r->route = builtin_rules[i].route;
        r->min_overflight_m = builtin_rules[i].overflight_m;
        r->vertiport = builtin_rules[i].vp;
        r->min_distance_m = builtin_rules[i].dist_m;
        r->basis = pl_strdup(builtin_rules[i].basis);
        sc->n_rules++;
        if (!r->cls || !r->basis)
            return -1;
    }
    return 0;
}

/* libfyaml reports a syntax error through the diag output function as
 * "FILE:LINE:COL: error: MESSAGE\n" followed by the source line and a
 * caret; keep the first error line. */
static void yaml_diag_out(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    parser *p = user;
    const char *e = memmem(buf, len, ": error: ", 9);
    if (!e || p->n_errs)
        return;
    int line = 0, col = 0;
    const char *q = buf + strlen(p->file);
    if ((size_t)(q - buf) >= len || sscanf(q, ":%d:%d:", &line, &col) != 2)
        line = col = 0;
    const char *msg = e + 9;
    size_t k = len - (size_t)(msg - buf);
    while (k && (msg[k - 1] == '\n' || msg[k - 1] == '\r'))
        k--;
    p->n_errs++;
    if (line)
        pl_buf_printf(&p->errs, "%s:%d:%d: malformed YAML: %.*s", p->file, line, col, (int)k, msg);
    else
        pl_buf_printf(&p->errs, "%s: malformed YAML: %.*s", p->file, (int)k, msg);
}

/* libfyaml 0.7 (Debian 12) crashes or loops on some malformed input (the
 * fuzzer found both; upstream fixed such bugs later), so each file is first
 * read in a child process: 0 it read (well or with an error message), 1 it
 * died, 2 it took more than 10 s.  The cost is a fork a file. */
static void probe_quiet(struct fy_diag *diag, void *user, const char *buf, size_t len)
{
    (void)diag;
    (void)user;
    (void)buf;
    (void)len;
}

static int probe_yaml(const char *text, size_t n)
{
    pid_t pid = fork();
    if (pid < 0)
        return 0; /* no child: read in this process, as before */
    if (pid == 0) {
        /* the child may die: plainly, not through a sanitizer's report */
        int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
        for (size_t k = 0; k < sizeof fatal / sizeof *fatal; k++)
            signal(fatal[k], SIG_DFL);
        alarm(10);
        struct fy_parse_cfg cfg = {.search_path = "", .flags = FYPCF_QUIET};
        struct fy_diag_cfg dc;
        fy_diag_cfg_default(&dc);
        dc.fp = NULL;
        dc.output_fn = probe_quiet;
        struct fy_diag *d = fy_diag_create(&dc);
        cfg.diag = d;
        struct fy_document *doc = fy_document_build_from_string(&cfg, text, n);
        if (doc)
            fy_document_destroy(doc);
        if (d)
            fy_diag_destroy(d);
        _exit(0);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return 0;
    if (WIFSIGNALED(status))
        return WTERMSIG(status) == SIGALRM ? 2 : 1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* The first NUL or byte that is not UTF-8 (bad, as pl_utf8_valid found
 * it, unless there is a NUL), reported at its line and column. */
static void report_not_utf8(parser *p, const char *name, const pl_buf *text, size_t nul, size_t bad)
{
    size_t at_b = nul != (size_t)-1 && (nul < bad || pl_utf8_valid((const unsigned char *)text->s, &bad)) ? nul : bad;
    int line = 1, col = 1;
    for (size_t j = 0; j < at_b; j++, col++)
        if (text->s[j] == '\n') {
            line++;
            col = 0;
        }
    const char *outer = p->file;
    p->file = name;
    pl_buf_printf(&p->errs, "%s%s:%d:%d: not UTF-8 text (byte 0x%02X): save the file as UTF-8",
                  p->errs.n ? "\n" : "", name, line, col, (unsigned char)text->s[at_b]);
    p->n_errs++;
    p->file = outer;
}

/* The whole text of the open file f (closed here), checked before libfyaml
 * sees it: YAML is Unicode, and libfyaml 0.7 loops forever on some invalid
 * bytes (upstream issue #101, a directive line; fixed after Debian 12's
 * version); then read once in a child process (probe_yaml).  Returns 1
 * when libfyaml may read it, 0 when the problem is reported. */
static int text_readable(parser *p, struct fy_node *at, const char *name, FILE *f)
{
    pl_buf text;
    pl_buf_init(&text);
    char chunk[65536];
    size_t k, nul = (size_t)-1;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (nul == (size_t)-1 && memchr(chunk, 0, k))
            nul = text.n + (size_t)((char *)memchr(chunk, 0, k) - chunk);
        pl_buf_putn(&text, chunk, k);
    }
    fclose(f);
    size_t bad = 0;
    int ok = 1;
    if (text.oom) {
        perr(p, at, "out of memory");
        ok = 0;
    } else if (text.n == 0) {
        perr(p, at, "the file is empty: expected a mapping with name, crs, layers and rules");
        ok = 0;
    } else if (nul != (size_t)-1 || !pl_utf8_valid((const unsigned char *)text.s, &bad)) {
        report_not_utf8(p, name, &text, nul, bad);
        ok = 0;
    }
    if (ok) {
        int why = probe_yaml(text.s, text.n);
        if (why) {
            /* one text for both: under valgrind a crash can outlast the 10 s */
            pl_buf_printf(&p->errs, "%s%s: malformed YAML: the YAML reader (libfyaml %s) crashed or hung on this "
                          "file; check its indentation and its ? and - marks", p->errs.n ? "\n" : "", name,
                          fy_library_version());
            p->n_errs++;
            ok = 0;
        }
    }
    pl_buf_free(&text);
    return ok;
}

/* Read one YAML document into p->docs; returns its index or -1 (reported). */
static int read_doc(parser *p, struct fy_node *at, const char *name)
{
    if (p->n_docs > MAX_INCLUDE) {
        perr(p, at, "include: more than %d files in all", MAX_INCLUDE);
        return -1;
    }
    FILE *f = fopen(name, "rb");
    if (!f) {
        if (at)
            perr(p, at, "include: cannot open %s: %s", name, strerror(errno));
        else
            pl_error(p->ctx, PL_IO, "%s: cannot open scenario: %s", name, strerror(errno));
        return -1;
    }
    if (!text_readable(p, at, name, f))
        return -1;
    int i = p->n_docs;
    const char *slash = strrchr(name, '/');
    p->names[i] = pl_strdup(name);
    p->dirs[i] = slash ? strndup(name, (size_t)(slash - name)) : pl_strdup("");
    p->real[i] = realpath(name, NULL);
    if (!p->names[i] || !p->dirs[i] || !p->real[i]) {
        perr(p, at, "out of memory");
        return -1;
    }
    p->n_docs++;
    const char *outer = p->file;
    p->file = p->names[i]; /* libfyaml's messages name this file */
    struct fy_parse_cfg cfg = {.search_path = "", .flags = 0, .userdata = NULL, .diag = p->diag};
    int had = p->n_errs;
    p->docs[i] = fy_document_build_from_file(&cfg, name);
    if (!p->docs[i] && p->n_errs == had)
        perr(p, NULL, "malformed YAML");
    p->file = outer;
    return p->docs[i] ? i : -1;
}

/* A parser's diagnostics: libfyaml's messages go to yaml_diag_out. */
static struct fy_diag *diag_create(parser *p)
{
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = yaml_diag_out;
    dcfg.user = p;
    dcfg.colorize = false;
    dcfg.show_source = false;
    dcfg.show_position = true;
    dcfg.show_type = true;
    dcfg.show_module = false;
    return fy_diag_create(&dcfg);
}

/* Everything a parser holds: its documents, their names, the data root,
 * its diagnostics and messages. */
static void parser_free(parser *p)
{
    for (int i = 0; i < p->n_docs; i++) {
        if (p->docs[i])
            fy_document_destroy(p->docs[i]);
        free(p->names[i]);
        free(p->dirs[i]);
        free(p->real[i]);
    }
    if (p->n_docs < MAX_INCLUDE + 1) { /* a document whose reading failed half way */
        free(p->names[p->n_docs]);
        free(p->dirs[p->n_docs]);
        free(p->real[p->n_docs]);
    }
    free(p->data_root);
    if (p->diag)
        fy_diag_destroy(p->diag);
    pl_buf_free(&p->errs);
}

static void parse_doc(parser *p, pl_scenario *sc, int d);

/* include: FILE or [FILES], read before the including file's own keys,
 * which override them; layers add up. */
static void parse_include(parser *p, pl_scenario *sc, struct fy_node *v)
{
    struct fy_node *one = fy_node_is_scalar(v) ? v : NULL, *it_n;
    void *it = NULL;
    if (!one && !fy_node_is_sequence(v)) {
        perr(p, v, "include: expected a file name or a list of them");
        return;
    }
    while ((it_n = one ? one : fy_node_sequence_iterate(v, &it))) {
        const char *s = scalar(p, it_n, "include");
        char *path = s && *s ? resolve_path(p->dir, s) : NULL;
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
            perr(p, it_n, "include: %s includes itself (%s)", path, chain);
        } else if (path && p->depth + 1 >= MAX_INCLUDE) {
            perr(p, it_n, "include: nested more than %d deep", MAX_INCLUDE);
        } else if (path) {
            int d = check_path(p, it_n, s, path) ? -1 : read_doc(p, it_n, path); /* refused: not read */
            if (d >= 0) {
                p->chain[++p->depth] = d;
                parse_doc(p, sc, d);
                p->depth--;
            }
        } else if (s) {
            perr(p, it_n, "include: expected a file name");
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
    const char *s = scalar(p, v, "data_root");
    char *dr = s && *s ? resolve_path(p->dir, s) : NULL;
    char *r = dr ? realpath(dr, NULL) : NULL;
    if (p->depth)
        perr(p, v, "data_root: only the scenario itself may set it, not a file it includes");
    else if (s && !r)
        perr(p, v, "data_root: %s is not a folder here: %s", s, strerror(errno));
    else if (r) {
        free(p->data_root);
        p->data_root = r;
        r = NULL;
        snprintf(p->data_root_text, sizeof p->data_root_text, "data_root '%s'", s);
    }
    free(dr);
    free(r);
}

/* layers: [LAYER, ...], added to those read before */
static void parse_layers(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_sequence(v)) {
        perr(p, v, "layers: expected a list of layers");
        return;
    }
    size_t n = (size_t)fy_node_sequence_item_count(v);
    pl_layer_decl *a = realloc(sc->a_layers, (sc->n_layers + n + 1) * sizeof *a);
    if (!a) {
        perr(p, v, "out of memory");
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
                perr(p, ln, "layer id '%s' is used twice", l->id);
    }
}

/* One top-level key but include and data_root (read first). */
static void doc_key(parser *p, pl_scenario *sc, struct fy_node *k, struct fy_node *v)
{
    const char *key = fy_node_get_scalar0(k);
    if (!key) {
        perr(p, k, "top-level keys must be plain names");
    } else if (!strcmp(key, "include") || !strcmp(key, "data_root")) {
        return; /* done above */
    } else if (!strcmp(key, "name")) {
        free(sc->name);
        sc->name = dup_scalar(p, v, "name");
    } else if (!strcmp(key, "title")) {
        free(sc->title);
        sc->title = dup_scalar(p, v, "title");
    } else if (!strcmp(key, "crs")) {
        free(sc->work_crs);
        sc->work_crs = dup_scalar(p, v, "crs");
        if (sc->work_crs && pl_crs_check_metric(p->ctx, sc->work_crs) != PL_OK) {
            perr(p, v, "crs: %s", pl_errmsg(p->ctx));
            pl_error_clear(p->ctx);
        }
    } else if (!strcmp(key, "output")) {
        const char *s = scalar(p, v, "output");
        if (s) {
            free(sc->output);
            sc->output = resolve_path(p->dir, s);
        }
    } else if (!strcmp(key, "route_defaults")) {
        parse_route_defaults(p, sc, v);
    } else if (!strcmp(key, "aircraft")) {
        parse_aircraft(p, sc, v);
    } else if (!strcmp(key, "siting")) {
        parse_siting(p, sc, v);
    } else if (!strcmp(key, "layers")) {
        parse_layers(p, sc, v);
    } else if (!strcmp(key, "rules")) {
        parse_rules(p, sc, v);
    } else {
        unknown_key(p, k, "the scenario",
                    "name, title, crs, output, data_root, include, route_defaults, aircraft, siting, "
                    "layers, rules");
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
        perr(p, root, "expected a mapping with name, crs, layers and rules at the top");
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
    return !sc->file || !sc->dir || init_rules(sc) ? -1 : 0;
}

/* What needs the whole scenario read: at least one layer, the default
 * aircraft class among those given. */
static void scenario_checks(parser *p, pl_scenario *sc)
{
    if (!p->n_errs && sc->n_layers == 0)
        perr(p, fy_document_root(p->docs[0]), "layers: expected a list of at least one layer");
    if (sc->aircraft_default && !pl_scenario_aircraft(sc, sc->aircraft_default))
        perr(p, p->aircraft_mark,
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
    p.diag = diag_create(&p);
    if (!p.diag) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }
    int d = read_doc(&p, NULL, path);
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
out:
    parser_free(&p);
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

const pl_aircraft *pl_scenario_aircraft(const pl_scenario *sc, const char *name)
{
    for (size_t i = 0; name && i < sc->n_aircraft; i++)
        if (sc->a_aircraft[i].name && !strcmp(sc->a_aircraft[i].name, name))
            return &sc->a_aircraft[i];
    return NULL;
}

const pl_rule *pl_scenario_rule(const pl_scenario *sc, const char *cls)
{
    for (size_t i = 0; i < sc->n_rules; i++)
        if (!strcmp(sc->a_rules[i].cls, cls))
            return &sc->a_rules[i];
    return NULL;
}
