/*
 * zone.c - one zone: its strings, its prepared geometry, and what its route
 * rule protects.  The zone model every other file reads; zones.c builds and
 * indexes the set, airspace.c builds zones by rule, both through here.
 *
 * Entry points: pl_zone_strings, pl_zone_pg, pl_zone_route_extent,
 * pl_zone_route_severity.
 */
#include "planner.h"

#include <stdlib.h>
#include <string.h>

int pl_zone_strings(pl_zone *z, const char *id, const char *name, const char *cls, const char *alt_ref,
                    const char *source, const char *license, const char *accuracy, const char *basis)
{
    const char *in[8] = {id, name, cls, alt_ref, source, license, accuracy, basis}; /* read together first */
    size_t len[8], total = 0;
    for (int i = 0; i < 8; i++)
        total += in[i] ? (len[i] = strlen(in[i])) + 1 : 0;
    char *b = malloc(total);
    if (!b || !id || !name || !cls || !alt_ref) {
        free(b);
        return PL_NOMEM;
    }
    const char **out[8] = {&z->id, &z->name, &z->cls, &z->alt_ref, &z->source, &z->license, &z->accuracy, &z->basis};
    free(z->strs);
    z->strs = b;
    for (int i = 0; i < 8; i++) {
        *out[i] = in[i] ? memcpy(b, in[i], len[i] + 1) : NULL;
        b += in[i] ? len[i] + 1 : 0;
    }
    return PL_OK;
}

const GEOSPreparedGeometry *pl_zone_pg(pl_ctx *ctx, const pl_zone *z)
{
    if (!z->pg && z->g)
        ((pl_zone *)z)->pg = GEOSPrepare_r(pl_geos(ctx), z->g); /* a memo, not a change */
    return z->pg;
}

void pl_zone_route_extent(const pl_zone *z, double *lo, double *hi)
{
    *lo = z->floor_m;
    *hi = z->ceiling_m;
    if (z->rule && z->rule->route == PL_RR_MIN_OVERFLIGHT) {
        /* overflight allowed at or above the minimum height, whatever the
         * zone's own ceiling (the zone is an area on the ground) */
        *hi = z->rule->min_overflight_m > z->floor_m ? z->rule->min_overflight_m : z->floor_m;
    }
}

int pl_zone_route_severity(const pl_zone *z)
{
    if (!z->rule)
        return PL_V_FORBIDDEN; /* a class without a rule: the safe side */
    switch (z->rule->route) {
    case PL_RR_FORBIDDEN:
        return PL_V_FORBIDDEN;
    case PL_RR_APPROVAL:
        return PL_V_APPROVAL;
    case PL_RR_MIN_OVERFLIGHT: /* below the height: the rule's verdict, forbidden unless it says */
        return z->rule->below > PL_V_FREE ? z->rule->below : PL_V_FORBIDDEN;
    case PL_RR_ADVISORY:
        return PL_V_ADVISORY;
    default:
        return PL_V_FREE;
    }
}
