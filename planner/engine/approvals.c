/*
 * approvals.c - what an approval takes under the 2024 Interim Regulations
 * on the Flight Management of Unmanned Aircraft: to whom it goes and by
 * when (Art. 26: a flight activity application by 12:00 the day before the
 * flight, through the unmanned-aircraft operation management platform).
 *
 * Entry points: pl_approval_authority, pl_approval_deadline, pl_route_approvals.
 */
#include "planner.h"

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

size_t pl_route_approvals(const pl_plan *p, size_t route, pl_approval *out, size_t cap)
{
    const pl_routeset *rs = p->routes;
    const pl_route *r = &rs->a[route];
    size_t n = 0;
    for (size_t k = 0; k < rs->n_c && n < cap; k++) {
        const pl_conflict *c = &rs->c[k];
        if (c->route != route || c->verdict != PL_V_APPROVAL)
            continue;
        int height = c->zone->aircraft != NULL; /* the class's height limit, not a place */
        out[n++] = (pl_approval){"airspace use (controlled airspace)", height ? NULL : c->zone->id,
                                 height ? "height limit" : NULL,
                                 c->zone->rule && c->zone->rule->basis ? c->zone->rule->basis : c->zone->basis,
                                 c->s_from_m, c->s_to_m};
    }
    if (rs->res[route].class_files && n < cap)
        out[n++] = (pl_approval){"flight activity", NULL, "aircraft_class",
                                 r->ac_class == PL_AC_UNKNOWN
                                     ? "aircraft class not stated: free airspace is only for micro, light and small "
                                       "unmanned aircraft (Art. 62, 2024 interim regulations)"
                                     : "medium and large unmanned aircraft always file: no free airspace for them "
                                       "(Art. 62 classes, 2024 interim regulations)",
                                 0, r->length_m};
    return n;
}
