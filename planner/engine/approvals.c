/*
 * approvals.c - what an approval takes under the 2024 Interim Regulations
 * on the Flight Management of Unmanned Aircraft: to whom it goes and by
 * when (Art. 26: a flight activity application by 12:00 the day before the
 * flight, through the unmanned-aircraft operation management platform).
 *
 * Entry points: pl_approval_authority, pl_approval_deadline, pl_approval_entry,
 * pl_approval_json (its head and tail), pl_route_approvals.
 *
 * One entry a thing to apply for, built by pl_approval_entry only: the
 * plan's approvals sheet (pl_route_approvals; routes.geojson, the report)
 * and validate's (validate.c) give the same entry the same words.  Its basis
 * is the legal basis (RULES.md): for a zone, its rule's basis (the article
 * the built-in rule cites, or the scenario's own basis); otherwise the
 * article below.
 */
#include "planner.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

const char *pl_approval_authority(const pl_scenario *sc)
{
    if (sc && sc->approval_authority)
        return sc->approval_authority;
    return "the air traffic authority, through the unmanned-aircraft operation management platform (UOM) "
           "(Art. 26, 2024 interim regulations)";
}

void pl_approval_deadline(const char *flight_date, char *out, size_t n)
{
    int y, m, d;
    char tail;
    if (flight_date && sscanf(flight_date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && m >= 1 && m <= 12 &&
        d >= 1 && d <= 31) {
        struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d - 1, .tm_hour = 12};
        time_t t = timegm(&tm); /* the day before, normalised across months and years */
        gmtime_r(&t, &tm);
        snprintf(out, n, "%04d-%02d-%02dT12:00+08:00 (Art. 26: by 12:00 the day before the flight on %s)",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, flight_date);
        return;
    }
    snprintf(out, n, "by 12:00 (UTC+8) the day before the flight (Art. 26)");
}

/* the legal basis of an approval that is not a zone's (RULES.md) */
static const char *rule_basis(int kind, int ac_class)
{
    switch (kind) {
    case PL_AP_CLASS:
        return ac_class == PL_AC_UNKNOWN
                   ? "aircraft class not stated: free airspace is only for micro, light and small unmanned aircraft "
                     "(Art. 62, 2024 interim regulations)"
                   : "medium and large unmanned aircraft always file: no free airspace for them (Art. 62 classes, "
                     "2024 interim regulations)";
    case PL_AP_SEPARATION:
        return "routes closer than the lateral separation (a scenario parameter, "
               "route_defaults.lateral_separation_m) at overlapping heights and times: unavoidable crossings are "
               "separated by flight level (CCAR-92 (2024), 92.509-92.515); the flight activity application states "
               "the route, heights and time window (Art. 26, 2024 interim regulations)";
    default: /* PL_AP_VERTIPORT */
        return "take-off or landing away from a vertiport (the distance a scenario parameter, "
               "siting.route_end_tolerance_m): medium and large unmanned aircraft, and a class not stated, have no "
               "free airspace and file a flight activity application (Art. 62 classes, Art. 26, 2024 interim "
               "regulations)";
    }
}

pl_approval pl_approval_entry(int kind, const pl_route *r, const pl_zone *z, double from_m, double to_m)
{
    if (kind == PL_AP_ZONE) {
        int height = z->aircraft != NULL; /* the class's height limit, not a place */
        return (pl_approval){"airspace use (controlled airspace)", height ? NULL : z->id,
                             height ? "height limit" : NULL,
                             z->rule && z->rule->basis ? z->rule->basis : z->basis, from_m, to_m};
    }
    const char *rule = kind == PL_AP_CLASS ? "aircraft_class" : kind == PL_AP_SEPARATION ? "separation" : "vertiport";
    return (pl_approval){"flight activity", NULL, rule, rule_basis(kind, r ? r->ac_class : PL_AC_UNKNOWN), from_m,
                         to_m};
}

void pl_approval_json_head(const pl_plan *p, const pl_approval *a, pl_buf *b)
{
    char by[160];
    pl_approval_deadline(p ? p->flight_date : NULL, by, sizeof by);
    const char *k[] = {"zone_id", "rule", "basis", "authority", "apply_by", "documents"};
    const char *v[] = {a->zone_id, a->rule, a->basis, pl_approval_authority(p ? p->sc : NULL), by,
                       PL_APPROVAL_DOCUMENTS};
    pl_buf_puts(b, "{\"apply_for\":");
    pl_buf_json_str(b, a->apply_for);
    for (size_t i = 0; i < sizeof k / sizeof k[0]; i++) {
        pl_buf_printf(b, ",\"%s\":", k[i]);
        pl_buf_json_str(b, v[i]);
    }
}

void pl_approval_json_tail(const pl_approval *a, pl_buf *b)
{
    pl_buf_puts(b, ",\"from_along_m\":");
    pl_buf_num(b, a->from_m, 3);
    pl_buf_puts(b, ",\"to_along_m\":");
    pl_buf_num(b, a->to_m, 3);
    pl_buf_puts(b, "}");
}

void pl_approval_json(const pl_plan *p, const pl_approval *a, pl_buf *b)
{
    pl_approval_json_head(p, a, b);
    pl_approval_json_tail(a, b);
}

size_t pl_route_approvals(const pl_plan *p, size_t route, pl_approval *out, size_t cap)
{
    const pl_routeset *rs = p->routes;
    const pl_route *r = &rs->a[route];
    size_t n = 0;
    for (size_t k = 0; k < rs->n_c && n < cap; k++) {
        const pl_conflict *c = &rs->c[k];
        if (c->route == route && c->verdict == PL_V_APPROVAL)
            out[n++] = pl_approval_entry(PL_AP_ZONE, r, c->zone, c->s_from_m, c->s_to_m);
    }
    for (size_t k = 0; k < p->n_crossings && n < cap; k++) /* a crossing at one level: deconflicted */
        if (p->crossings[k].s.level_conflict && (p->crossings[k].a == route || p->crossings[k].b == route))
            out[n++] = pl_approval_entry(PL_AP_SEPARATION, r, NULL, NAN, NAN);
    if (rs->res[route].class_files && n < cap)
        out[n++] = pl_approval_entry(PL_AP_CLASS, r, NULL, 0, r->length_m);
    return n;
}
