/*
 * scenario_rules.c - the zone classes and the rules a scenario applies to
 * them: the built-in rule table, the scenario's rules: and aircraft:
 * sections over it, and the look-ups.
 *
 * Entry points: pl_scenario_rule, pl_scenario_aircraft, pl_zone_classes,
 * pl_route_rule_names, pl_vp_rule_names; for scenario.c (scenario_parse.h):
 * pl_scn_rules_init, pl_scn_parse_rules, pl_scn_parse_aircraft.
 *
 *   rules: { CLASS: {route: R, vertiport: V, basis: TEXT} }
 *     R = forbidden | approval | advisory | allowed
 *         | {min_overflight_m: N, below: forbidden | approval | advisory}
 *         (warning: an older name of advisory)
 *     V = forbidden | allowed | {min_distance_m: N}
 *   aircraft: { NAME: {class: micro|light|small|medium|large, max_height_m: N,
 *                      above: forbidden | approval | advisory, basis: TEXT} }
 */
#include "scenario_parse.h"

#include <libfyaml.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const pl_zone_classes[] = {"no_fly", "airport", "military", "restricted",
                                       "detention", "eco_redline", "eco_control", "water_source",
                                       "cultural", "infrastructure", "temporary", NULL};
const char *const pl_route_rule_names[] = {"forbidden", "min_overflight_m", "advisory", "allowed", "approval",
                                           NULL};
const char *const pl_ac_class_names[] = {"unknown", "micro", "light", "small", "medium", "large", NULL};
const char *const pl_vp_rule_names[] = {"forbidden", "min_distance_m", "allowed", NULL};

/* Built-in rule table.  The legal basis is in ../shared/RULES.md; a scenario
 * overrides any of these.  Art. 19 = Interim Regulations on the Flight
 * Management of Unmanned Aircraft (2024): the airspace over these places
 * and a range around them is controlled airspace (管制空域): flying there
 * needs an approval applied for in advance (需报批, Art. 26), it is not
 * forbidden.  The ranges are not national figures: the air traffic
 * authorities set them and the city publishes them, so each is the
 * scenario's data or parameter (airport_rule), said so in the text.
 * Forbidden (禁飞) are prohibited areas, military perimeters and temporary
 * control.  Restricted areas Art. 19 names as controlled airspace too; the
 * class is forbidden here as the planner's default on the safe side, and
 * its text says so.  Ecological red lines and control areas are not an
 * airspace class: an advisory (提示).  Every vertiport rule is the
 * planner's default (a scenario parameter): none of RULES.md's sources says
 * in which zones a vertiport may not stand (the vertiport standards'
 * figures were not retrieved), and the eco texts, where it matters most,
 * say so.  Each text is what a route's conflicts and approvals cite as
 * basis. */
static const struct {
    const char *cls;
    int route;
    double overflight_m;
    int vp;
    double dist_m;
    const char *basis;
} builtin_rules[] = {
    {"no_fly", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "prohibited area (空中禁区; Art. 19, 2024 interim regulations): no flight (禁飞), no application helps"},
    {"airport", PL_RR_APPROVAL, 0, PL_VR_FORBIDDEN, 0,
     "airport and a range around it: controlled airspace, flight needs approval (Art. 19, 2024 interim "
     "regulations; the range is set by the authorities: the scenario's data or airport_rule, a scenario "
     "parameter)"},
    {"military", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "military perimeter: no flight (禁飞) (military zones, Art. 19, 2024 interim regulations; the range "
     "around it is controlled airspace, an airport-class zone that needs approval)"},
    {"restricted", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "restricted area (Art. 19, 2024 interim regulations, names it controlled airspace): forbidden here as "
     "the planner's default on the safe side, a scenario parameter (approval where its authority grants "
     "flights)"},
    {"detention", PL_RR_APPROVAL, 0, PL_VR_FORBIDDEN, 0,
     "detention site (监管场所) and a range around it: controlled airspace, flight needs approval (Art. 19, "
     "2024 interim regulations; the range a scenario parameter)"},
    {"water_source", PL_RR_APPROVAL, 0, PL_VR_FORBIDDEN, 0,
     "drinking-water source protection area: controlled airspace, flight needs approval (Art. 19, 2024 "
     "interim regulations; the area as the scenario's data delineates it)"},
    {"cultural", PL_RR_APPROVAL, 0, PL_VR_FORBIDDEN, 0,
     "major immovable cultural relic or revolutionary memorial and a range around it: controlled airspace, "
     "flight needs approval (Art. 19, 2024 interim regulations; the range a scenario parameter)"},
    {"infrastructure", PL_RR_APPROVAL, 0, PL_VR_FORBIDDEN, 0,
     "site Art. 19 lists (military-industrial, nuclear, hazardous goods; power plant, substation, fuel "
     "station, water works, transport hub, port, highway, electrified railway; radio astronomy, satellite, "
     "navigation, radar) and a range around it: controlled airspace, flight needs approval (Art. 19, 2024 "
     "interim regulations; the range a scenario parameter)"},
    {"temporary", PL_RR_FORBIDDEN, 0, PL_VR_FORBIDDEN, 0,
     "temporary airspace control (临时管制) as the authority publishes it: no flight (禁飞) while in force; "
     "the planner treats it as always in force"},
    {"eco_redline", PL_RR_ADVISORY, 0, PL_VR_FORBIDDEN, 0,
     "ecological red line (Jiangsu ecological space control zones, 苏政发〔2020〕1号): not an airspace class, "
     "Art. 19 (2024 interim regulations) does not name it: an advisory (提示) for a flight unless a local "
     "rule says more; no vertiport inside: the planner's default (a scenario parameter; no official source "
     "found)"},
    {"eco_control", PL_RR_ADVISORY, 0, PL_VR_ALLOWED, 0,
     "ecological control area (Jiangsu ecological space control zones, 苏政发〔2020〕1号): not an airspace "
     "class, Art. 19 (2024 interim regulations) does not name it: an advisory (提示) for a flight; "
     "vertiports allowed: the planner's default (a scenario parameter)"},
};

/* The built-in rules, each a scenario may override; -1 when out of memory. */
int pl_scn_rules_init(pl_scenario *sc)
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

static pl_rule *rule_slot(pl_scenario *sc, const char *cls)
{
    for (size_t i = 0; i < sc->n_rules; i++)
        if (!strcmp(sc->a_rules[i].cls, cls))
            return &sc->a_rules[i];
    return NULL;
}

/* A verdict's word: forbidden, approval, advisory (or its older name
 * warning), allowed (free); -1 for another word. */
static int route_word(const char *s)
{
    static const struct {
        const char *w;
        int rule;
    } words[] = {{"forbidden", PL_RR_FORBIDDEN}, {"approval", PL_RR_APPROVAL}, {"advisory", PL_RR_ADVISORY},
                 {"warning", PL_RR_ADVISORY},     {"allowed", PL_RR_ALLOWED},   {"free", PL_RR_ALLOWED}};
    for (size_t i = 0; s && i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(s, words[i].w))
            return words[i].rule;
    return -1;
}

/* the verdict of a rule word that binds (forbidden, approval, advisory) */
static int word_verdict(int rule)
{
    return rule == PL_RR_FORBIDDEN ? PL_V_FORBIDDEN : rule == PL_RR_APPROVAL ? PL_V_APPROVAL : PL_V_ADVISORY;
}

#define ROUTE_WORDS "forbidden, approval, advisory, allowed or {min_overflight_m: N, below: VERDICT}"

/* rules.CLASS.route {min_overflight_m: N, below: forbidden|approval|advisory} */
static void rule_overflight(parser *p, pl_rule *r, const char *cls, struct fy_node *rv)
{
    void *it2 = NULL;
    struct fy_node_pair *q;
    int have = 0;
    r->below = PL_V_FORBIDDEN; /* below the height, unless the rule says */
    while ((q = fy_node_mapping_iterate(rv, &it2))) {
        const char *qk = fy_node_get_scalar0(fy_node_pair_key(q));
        if (qk && !strcmp(qk, "min_overflight_m")) {
            have = !pl_scn_number(p, fy_node_pair_value(q), "min_overflight_m", 0, &r->min_overflight_m);
        } else if (qk && !strcmp(qk, "below")) {
            const char *w = pl_scn_scalar(p, fy_node_pair_value(q), "below");
            int k = route_word(w);
            if (k < 0 || k == PL_RR_ALLOWED)
                pl_scn_perr(p, fy_node_pair_value(q), "rules.%s.route.below: expected forbidden, approval or "
                            "advisory, got '%s'", cls, w ? w : "?");
            else
                r->below = word_verdict(k);
        } else
            pl_scn_perr(p, fy_node_pair_key(q), "rules.%s.route: expected {min_overflight_m: N, below: VERDICT}",
                        cls);
    }
    if (have)
        r->route = PL_RR_MIN_OVERFLIGHT;
}

/* rules.CLASS.route: a verdict word or {min_overflight_m: N, below: ...} */
static void rule_route(parser *p, pl_rule *r, const char *cls, struct fy_node *rv)
{
    if (fy_node_is_scalar(rv)) {
        const char *s = fy_node_get_scalar0(rv);
        int k = route_word(s);
        if (k >= 0)
            r->route = k;
        else
            pl_scn_perr(p, rv, "rules.%s.route: expected " ROUTE_WORDS ", got '%s'", cls, s);
    } else if (fy_node_is_mapping(rv)) {
        rule_overflight(p, r, cls, rv);
    } else
        pl_scn_perr(p, rv, "rules.%s.route: expected " ROUTE_WORDS, cls);
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
            pl_scn_perr(p, rv,
                        "rules.%s.vertiport: expected forbidden, allowed or {min_distance_m: N}, "
                        "got '%s'",
                        cls, s);
    } else if (fy_node_is_mapping(rv) && fy_node_mapping_item_count(rv) == 1) {
        void *it2 = NULL;
        struct fy_node_pair *q = fy_node_mapping_iterate(rv, &it2);
        const char *qk = fy_node_get_scalar0(fy_node_pair_key(q));
        if (qk && !strcmp(qk, "min_distance_m")) {
            if (!pl_scn_number(p, fy_node_pair_value(q), "min_distance_m", 0, &r->min_distance_m))
                r->vertiport = PL_VR_MIN_DISTANCE;
        } else
            pl_scn_perr(p, fy_node_pair_key(q), "rules.%s.vertiport: expected {min_distance_m: N}", cls);
    } else
        pl_scn_perr(p, rv, "rules.%s.vertiport: expected forbidden, allowed or {min_distance_m: N}",
                    cls);
}

/* rules.CLASS: {route: R, vertiport: V, basis: TEXT} over the built-in rule */
static void parse_rule(parser *p, pl_scenario *sc, struct fy_node *k, struct fy_node *v)
{
    const char *cls = fy_node_get_scalar0(k);
    if (!cls || !pl_str_in(cls, pl_zone_classes)) {
        pl_scn_perr(p, k,
                    "rules: unknown zone class '%s' (expected no_fly, airport, military, restricted, "
                    "detention, eco_redline, eco_control, water_source, cultural, infrastructure or "
                    "temporary)",
                    cls ? cls : "?");
        return;
    }
    pl_rule *r = rule_slot(sc, cls);
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "rules.%s: expected a mapping with route, vertiport and basis", cls);
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
            char *b = pl_scn_dup_scalar(p, rv, "basis");
            if (b) {
                free(r->basis);
                r->basis = b;
            }
        } else
            pl_scn_unknown_key(p, rk, "a rule", "route, vertiport, basis");
    }
}

/* rules: {CLASS: RULE, ...} */
void pl_scn_parse_rules(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "rules: expected a mapping of zone class to rule");
        return;
    }
    void *it = NULL;
    struct fy_node_pair *rp;
    while ((rp = fy_node_mapping_iterate(v, &it)))
        parse_rule(p, sc, fy_node_pair_key(rp), fy_node_pair_value(rp));
}

/* An Art. 62 class's name: its enum pl_ac_class, or PL_AC_UNKNOWN. */
int pl_ac_class_of(const char *name)
{
    for (int i = PL_AC_MICRO; name && pl_ac_class_names[i]; i++)
        if (!strcmp(name, pl_ac_class_names[i]))
            return i;
    return PL_AC_UNKNOWN;
}

/* aircraft.NAME.class */
static void aircraft_ac_class(parser *p, pl_aircraft *a, struct fy_node *qv)
{
    const char *c = pl_scn_scalar(p, qv, "class");
    if (c && !(a->ac_class = pl_ac_class_of(c)))
        pl_scn_perr(p, qv, "aircraft.%s.class: expected micro, light, small, medium or large (Art. 62), got '%s'",
                    a->name ? a->name : "?", c);
}

/* aircraft.NAME: {class: C, max_height_m: N, above: VERDICT, basis: TEXT},
 * into the next entry of sc->a_aircraft */
static void aircraft_class(parser *p, pl_scenario *sc, struct fy_node *k, struct fy_node *x)
{
    pl_aircraft *a = &sc->a_aircraft[sc->n_aircraft++];
    a->name = pl_scn_dup_scalar(p, k, "aircraft class name");
    a->max_height_m = INFINITY;
    a->rule.cls = pl_strdup("controlled");
    a->rule.route = PL_RR_FORBIDDEN;
    a->rule.vertiport = PL_VR_ALLOWED;
    a->rule.from_scenario = 1;
    if (!fy_node_is_mapping(x)) {
        pl_scn_perr(p, x, "aircraft.%s: expected a mapping with max_height_m, above, basis",
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
            have_height = !pl_scn_number(p, qv, "max_height_m", 0, &a->max_height_m);
        } else if (key && !strcmp(key, "above")) {
            const char *r = pl_scn_scalar(p, qv, "above");
            int w = route_word(r);
            if (w >= 0 && w != PL_RR_ALLOWED)
                a->rule.route = w;
            else if (r)
                pl_scn_perr(p, qv, "aircraft.%s.above: expected forbidden, approval or advisory, got '%s'",
                            a->name ? a->name : "?", r);
        } else if (key && !strcmp(key, "class")) {
            aircraft_ac_class(p, a, qv);
        } else if (key && !strcmp(key, "basis")) {
            free(a->rule.basis);
            a->rule.basis = pl_scn_dup_scalar(p, qv, "basis");
        } else
            pl_scn_unknown_key(p, qk, "an aircraft class", "class, max_height_m, above, basis");
    }
    if (!have_height)
        pl_scn_perr(p, x, "aircraft.%s: missing max_height_m", a->name ? a->name : "?");
    if (!a->rule.basis)
        a->rule.basis = pl_strdup("controlled airspace above the class's maximum true height "
                                  "(2023 national airspace classification: class W to 120 m, "
                                  "class G to 300 m)");
    for (size_t j = 0; a->name && j + 1 < sc->n_aircraft; j++)
        if (sc->a_aircraft[j].name && !strcmp(sc->a_aircraft[j].name, a->name))
            pl_scn_perr(p, k, "aircraft class '%s' is given twice", a->name);
}

/* aircraft: {NAME: {class: C, max_height_m: N, above: VERDICT, basis: TEXT}} */
void pl_scn_parse_aircraft(parser *p, pl_scenario *sc, struct fy_node *v)
{
    if (!fy_node_is_mapping(v)) {
        pl_scn_perr(p, v, "aircraft: expected a mapping of class name to {max_height_m, above, basis}");
        return;
    }
    /* room for these beside any an included file gave (a second aircraft:
     * section adds to the table, it does not start it anew) */
    size_t n = (size_t)fy_node_mapping_item_count(v);
    pl_aircraft *a = realloc(sc->a_aircraft, (sc->n_aircraft + n + 1) * sizeof *a);
    if (!a) {
        pl_scn_perr(p, v, "out of memory");
        return;
    }
    memset(a + sc->n_aircraft, 0, (n + 1) * sizeof *a);
    sc->a_aircraft = a;
    void *it = NULL;
    struct fy_node_pair *pr;
    while ((pr = fy_node_mapping_iterate(v, &it)))
        aircraft_class(p, sc, fy_node_pair_key(pr), fy_node_pair_value(pr));
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
