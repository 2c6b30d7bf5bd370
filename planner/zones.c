/*
 * zones.c - no-fly, airport, restricted and ecological zones: attributes,
 * rules, prepared geometries, a packed tree of their envelopes (every box
 * query) and GEOS's STRtree (nearest-zone searches).
 *
 * Entry points: pl_zones_build, pl_zones_free,
 * pl_zones_collect, pl_zones_collect_box, pl_zones_share,
 * pl_zonelist_finish, pl_zone_route_severity, pl_zone_route_extent.
 *
 * A zone feature is a Polygon/MultiPolygon, or a Point with a radius_m
 * property (a circle, as ED-269 allows).  Properties read: id (or the
 * layer's id_property), name, class (or the layer's class), floor_m,
 * ceiling_m (default: the surface to unlimited), altitude_ref (AGL/AMSL,
 * default AGL), source, license, accuracy, basis.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the zones' envelopes in a packed tree -------------------------------
 * Sort-tile-recursive order (slices by x, each sorted by y), BOX_FAN a node.
 * Level 0 is the zones' envelopes in that order; node k of level l + 1 is
 * the box of nodes BOX_FAN k .. BOX_FAN k + BOX_FAN - 1 of level l.  A query
 * with a box needs no GEOS geometry, so a route's segments ask cheaply. */
#define BOX_FAN 16

struct pl_boxtree {
    size_t n_lv, lv_at[16], lv_n[16]; /* level l: nodes lv_at[l] .. + lv_n[l] - 1 of box */
    double *box;                      /* 4 a node: minx, miny, maxx, maxy */
    pl_zone **item;                   /* level 0's zones */
    double *band;                     /* level 0's route extents (lo, hi; empty when no rule binds) */
};

static void boxtree_free(pl_boxtree *t)
{
    if (t) {
        free(t->box);
        free(t->item);
        free(t->band);
    }
    free(t);
}

static int cmp_centre_x(const void *a, const void *b)
{
    const pl_zone *x = *(pl_zone *const *)a, *y = *(pl_zone *const *)b;
    double u = x->env[0] + x->env[2], v = y->env[0] + y->env[2];
    return u < v ? -1 : u > v ? 1 : (x > y) - (x < y); /* ties in zone order: the same tree everywhere */
}

static int cmp_centre_y(const void *a, const void *b)
{
    const pl_zone *x = *(pl_zone *const *)a, *y = *(pl_zone *const *)b;
    double u = x->env[1] + x->env[3], v = y->env[1] + y->env[3];
    return u < v ? -1 : u > v ? 1 : (x > y) - (x < y);
}

/* The tree of the zones with a geometry (their env set).  NULL when out
 * of memory. */
static pl_boxtree *boxtree_build(pl_zoneset *zs)
{
    pl_boxtree *t = calloc(1, sizeof *t);
    size_t n = zs->n_indexed, total = 0;
    if (!t || !(t->item = malloc((n ? n : 1) * sizeof *t->item))) {
        boxtree_free(t);
        return NULL;
    }
    for (size_t i = 0, k = 0; i < zs->n; i++)
        if (zs->a[i].g)
            t->item[k++] = &zs->a[i];
    qsort(t->item, n, sizeof *t->item, cmp_centre_x);
    size_t leaves = (n + BOX_FAN - 1) / BOX_FAN, slices = (size_t)ceil(sqrt((double)leaves));
    size_t per = slices ? ((leaves + slices - 1) / slices) * BOX_FAN : n;
    for (size_t s = 0; per && s < n; s += per)
        qsort(t->item + s, n - s < per ? n - s : per, sizeof *t->item, cmp_centre_y);
    for (size_t m = n; ; m = (m + BOX_FAN - 1) / BOX_FAN) {
        t->lv_at[t->n_lv] = total;
        t->lv_n[t->n_lv++] = m;
        total += m;
        if (m <= BOX_FAN || t->n_lv == sizeof t->lv_n / sizeof *t->lv_n)
            break;
    }
    if (!(t->box = malloc((total ? total : 1) * 4 * sizeof *t->box)) ||
        !(t->band = malloc((n ? n : 1) * 2 * sizeof *t->band))) {
        boxtree_free(t);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        memcpy(t->box + 4 * i, t->item[i]->env, 4 * sizeof *t->box);
        pl_zone_route_extent(t->item[i], &t->band[2 * i], &t->band[2 * i + 1]);
        if (pl_zone_route_severity(t->item[i]) == 0) { /* no route conflicts with it */
            t->band[2 * i] = INFINITY;
            t->band[2 * i + 1] = -INFINITY;
        }
    }
    for (size_t l = 1; l < t->n_lv; l++)
        for (size_t k = 0; k < t->lv_n[l]; k++) {
            double *e = t->box + 4 * (t->lv_at[l] + k);
            const double *c = t->box + 4 * t->lv_at[l - 1];
            size_t c0 = k * BOX_FAN, c1 = c0 + BOX_FAN < t->lv_n[l - 1] ? c0 + BOX_FAN : t->lv_n[l - 1];
            memcpy(e, c + 4 * c0, 4 * sizeof *e);
            for (size_t j = c0 + 1; j < c1; j++) {
                e[0] = fmin(e[0], c[4 * j]);
                e[1] = fmin(e[1], c[4 * j + 1]);
                e[2] = fmax(e[2], c[4 * j + 2]);
                e[3] = fmax(e[3], c[4 * j + 3]);
            }
        }
    return t;
}

static void collect_add(pl_zonelist *l, const pl_zone *z)
{
    if (l->n == l->cap) {
        size_t c = l->cap ? 2 * l->cap : 16;
        const pl_zone **a = realloc(l->a, c * sizeof *a);
        if (!a) {
            l->oom = 1;
            return;
        }
        l->a = a;
        l->cap = c;
    }
    l->a[l->n++] = z;
}

void pl_zones_collect_box(const pl_zoneset *zs, const double q[4], const double band[2], pl_zonelist *l)
{
    const pl_boxtree *t = zs->boxes;
    if (!t || !zs->n_indexed)
        return;
    size_t stack[16 * BOX_FAN][2], top = 0; /* level, node: at most BOX_FAN a level */
    size_t lt = t->n_lv - 1;
    for (size_t k = t->lv_n[lt]; k-- > 0;) {
        stack[top][0] = lt;
        stack[top++][1] = k;
    }
    while (top && !l->oom) {
        size_t lv = stack[--top][0], k = stack[top][1];
        const double *e = t->box + 4 * (t->lv_at[lv] + k);
        if (e[0] > q[2] || e[2] < q[0] || e[1] > q[3] || e[3] < q[1])
            continue;
        if (!lv) {
            if (!band || (band[0] < t->band[2 * k + 1] && band[1] > t->band[2 * k]))
                collect_add(l, t->item[k]);
            continue;
        }
        size_t c0 = k * BOX_FAN, c1 = c0 + BOX_FAN < t->lv_n[lv - 1] ? c0 + BOX_FAN : t->lv_n[lv - 1];
        for (size_t j = c1; j-- > c0;) {
            stack[top][0] = lv - 1;
            stack[top++][1] = j;
        }
    }
}

/* Segments per quarter circle for circular zones: 32 keeps the polygon
 * within r(1-cos(pi/128)) = 0.03 % of the radius (3 cm for 100 m). */
#define CIRCLE_QUADSEGS 32

static int prop_number(const pl_feature *f, const char *key, double dflt, double *out, int *bad)
{
    const pl_prop *p = pl_feature_prop(f, key);
    *bad = 0;
    if (!p || p->type == PL_P_NULL) {
        *out = dflt;
        return 0;
    }
    if (p->type == PL_P_INT || p->type == PL_P_REAL) {
        *out = p->num;
    } else {
        char *end;
        *out = strtod(p->str, &end);
        if (end == p->str || *end)
            *bad = 1;
    }
    if (!isfinite(*out))
        *bad = 1;
    return 1;
}

static void zone_clear(pl_ctx *ctx, pl_zone *z)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (z->pg)
        GEOSPreparedGeom_destroy_r(h, z->pg);
    if (z->g)
        GEOSGeom_destroy_r(h, z->g);
    free(z->id);
    free(z->name);
    free(z->cls);
    free(z->alt_ref);
    free(z->source);
    free(z->license);
    free(z->accuracy);
    free(z->basis);
}

static int build_zone(pl_ctx *ctx, const pl_scenario *sc, const pl_layer *l, const pl_feature *f,
                      pl_zone *z)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_layer_decl *d = l->decl;
    const char *cls = d->cls ? d->cls : pl_feature_str(f, d->class_prop, NULL);
    if (!cls)
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': feature %s: no zone class (no '%s' property and no "
                        "'class' for the layer)", d->path, d->id, f->id, d->class_prop);
    if (!pl_str_in(cls, pl_zone_classes))
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': feature %s: unknown zone class '%s' (expected no_fly, "
                        "airport, military, restricted, detention, eco_redline, eco_control, "
                        "water_source, cultural, infrastructure or temporary)",
                        d->path, d->id, f->id, cls);
    int bad;
    prop_number(f, "floor_m", 0.0, &z->floor_m, &bad);
    if (bad)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': feature %s: floor_m is not a number",
                        d->path, d->id, f->id);
    prop_number(f, "ceiling_m", INFINITY, &z->ceiling_m, &bad);
    if (bad)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': feature %s: ceiling_m is not a number",
                        d->path, d->id, f->id);
    if (z->floor_m > z->ceiling_m)
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': feature %s: floor_m %g is above ceiling_m %g", d->path,
                        d->id, f->id, z->floor_m, z->ceiling_m);
    const char *ref = pl_feature_str(f, "altitude_ref", "AGL");
    if (strcmp(ref, "AGL") && strcmp(ref, "AMSL"))
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': feature %s: altitude_ref '%s' (expected AGL or AMSL)",
                        d->path, d->id, f->id, ref);

    int t = GEOSGeomTypeId_r(h, f->g);
    if (t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON) {
        z->g = GEOSGeom_clone_r(h, f->g);
    } else if (t == GEOS_POINT) {
        double r;
        if (!prop_number(f, "radius_m", 0, &r, &bad) || bad || r <= 0)
            return pl_error(ctx, PL_PARSE,
                            "%s: layer '%s': feature %s: a point zone needs radius_m > 0",
                            d->path, d->id, f->id);
        z->g = GEOSBuffer_r(h, f->g, r, CIRCLE_QUADSEGS);
    } else {
        return pl_error(ctx, PL_GEOM,
                        "%s: layer '%s': feature %s: a zone must be a polygon (or a point with "
                        "radius_m), not a %s", d->path, d->id, f->id, pl_geom_type_name(t));
    }
    if (!z->g)
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': feature %s: %s", d->path, d->id, f->id,
                        pl_libmsg(ctx));
    z->id = pl_strdup(f->id);
    z->name = pl_strdup(pl_feature_str(f, "name", f->id));
    z->cls = pl_strdup(cls);
    z->alt_ref = pl_strdup(ref);
    z->source = pl_strdup(pl_feature_str(f, "source", NULL));
    z->license = pl_strdup(pl_feature_str(f, "license", NULL));
    z->accuracy = pl_strdup(pl_feature_str(f, "accuracy", NULL));
    z->rule = pl_scenario_rule(sc, cls);
    z->basis = pl_strdup(pl_feature_str(f, "basis", z->rule ? z->rule->basis : NULL));
    z->layer_id = d->id;
    if (!z->id || !z->name || !z->cls || !z->alt_ref)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK; /* prepared on first use (pl_zone_pg): most zones of a big set never are */
}

const GEOSPreparedGeometry *pl_zone_pg(pl_ctx *ctx, const pl_zone *z)
{
    if (!z->pg && z->g)
        ((pl_zone *)z)->pg = GEOSPrepare_r(pl_geos(ctx), z->g); /* a memo, not a change */
    return z->pg;
}

static int cmp_zone_id(const void *a, const void *b)
{
    const pl_zone *const *x = a, *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

/* Zone ids name zones in every report: they must be unique.  Sorting keeps
 * the check O(n log n) for large generated zone sets. */
static int check_unique_ids(pl_ctx *ctx, const pl_scenario *sc, const pl_zoneset *zs)
{
    if (zs->n < 2)
        return PL_OK;
    const pl_zone **s = malloc(zs->n * sizeof *s);
    if (!s)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < zs->n; i++)
        s[i] = &zs->a[i];
    qsort(s, zs->n, sizeof *s, cmp_zone_id);
    int rc = PL_OK;
    for (size_t i = 1; i < zs->n && rc == PL_OK; i++)
        if (!strcmp(s[i - 1]->id, s[i]->id)) {
            /* named where it comes the second time, in load order */
            const pl_zone *a = s[i - 1] < s[i] ? s[i - 1] : s[i], *b = s[i - 1] < s[i] ? s[i] : s[i - 1];
            const char *path = "?";
            for (size_t k = 0; k < sc->n_layers; k++)
                if (sc->a_layers[k].id && !strcmp(sc->a_layers[k].id, b->layer_id))
                    path = sc->a_layers[k].path;
            rc = pl_error(ctx, PL_PARSE, "%s: layer '%s': zone id '%s' is used twice (first in layer '%s')",
                          path, b->layer_id, b->id, a->layer_id);
        }
    free(s);
    return rc;
}

int pl_zones_build(pl_ctx *ctx, const pl_scenario *sc, pl_layer *const *layers, size_t n_layers,
                   pl_zoneset **out)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int rc = PL_OK;
    *out = NULL;
    pl_zoneset *zs = calloc(1, sizeof *zs);
    size_t total = sc->n_aircraft;
    for (size_t i = 0; i < n_layers; i++)
        if (layers[i]->decl->role == PL_ROLE_ZONES)
            total += layers[i]->n_feats;
    if (!zs || !(zs->a = calloc(total ? total : 1, sizeof *zs->a))) {
        free(zs);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    /* node capacity 10 is GEOS's usual default */
    zs->tree = GEOSSTRtree_create_r(h, 10);
    if (!zs->tree) {
        rc = pl_error(ctx, PL_GEOM, "cannot create the zone index: %s", pl_libmsg(ctx));
        goto out;
    }
    for (size_t i = 0; i < n_layers; i++) {
        const pl_layer *l = layers[i];
        if (l->decl->role != PL_ROLE_ZONES)
            continue;
        if (l->decl->airport_rule) {
            if ((rc = pl_airspace_airports(ctx, sc, l, zs->a, &zs->n)) != PL_OK)
                goto out;
            continue;
        }
        for (size_t j = 0; j < l->n_feats; j++) {
            pl_zone *z = &zs->a[zs->n++];
            if ((rc = build_zone(ctx, sc, l, &l->a_feats[j], z)) != PL_OK)
                goto out;
        }
    }
    /* height rules per aircraft class: everywhere, above the class's height */
    for (size_t i = 0; i < sc->n_aircraft; i++) {
        const pl_aircraft *ac = &sc->a_aircraft[i];
        pl_zone *z = &zs->a[zs->n++];
        char id[160], name[300];
        snprintf(id, sizeof id, "above-%gm-%s", ac->max_height_m, ac->name);
        snprintf(name, sizeof name, "controlled airspace above %g m true height for %s",
                 ac->max_height_m, ac->name);
        z->id = pl_strdup(id);
        z->name = pl_strdup(name);
        z->cls = pl_strdup("controlled");
        z->floor_m = ac->max_height_m;
        z->ceiling_m = INFINITY;
        z->alt_ref = pl_strdup("AGL");
        z->accuracy = pl_strdup("rule-derived");
        z->rule = &ac->rule;
        z->basis = pl_strdup(ac->rule.basis);
        z->aircraft = ac;
        z->layer_id = "aircraft";
        if (!z->id || !z->name || !z->cls || !z->alt_ref || !z->accuracy || !z->basis) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            goto out;
        }
    }
    if ((rc = check_unique_ids(ctx, sc, zs)) != PL_OK)
        goto out;
    /* insert after the array is final: the tree keeps pointers into it */
    for (size_t i = 0; i < zs->n; i++)
        if (zs->a[i].g) {
            pl_zone *z = &zs->a[i];
            GEOSGeom_getXMin_r(h, z->g, &z->env[0]);
            GEOSGeom_getYMin_r(h, z->g, &z->env[1]);
            GEOSGeom_getXMax_r(h, z->g, &z->env[2]);
            GEOSGeom_getYMax_r(h, z->g, &z->env[3]);
            GEOSSTRtree_insert_r(h, zs->tree, z->g, z);
            zs->n_indexed++;
        }
    if (!(zs->boxes = boxtree_build(zs)))
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
out:
    if (rc != PL_OK)
        pl_zones_free(ctx, zs);
    else
        *out = zs;
    return rc;
}

void pl_zones_free(pl_ctx *ctx, pl_zoneset *zs)
{
    if (!zs)
        return;
    if (zs->cache && zs->cache_free)
        zs->cache_free(zs->cache);
    /* the index and prepared geometries go before the geometries they index */
    if (zs->tree)
        GEOSSTRtree_destroy_r(pl_geos(ctx), zs->tree);
    boxtree_free(zs->boxes);
    for (size_t i = 0; i < zs->n; i++)
        zone_clear(ctx, &zs->a[i]);
    free(zs->a);
    free(zs);
}

/* g's envelope; 0 when g is empty */
static int envelope(pl_ctx *ctx, const GEOSGeometry *g, double e[4])
{
    GEOSContextHandle_t h = pl_geos(ctx);
    return GEOSisEmpty_r(h, g) == 0 && GEOSGeom_getXMin_r(h, g, &e[0]) && GEOSGeom_getYMin_r(h, g, &e[1]) &&
           GEOSGeom_getXMax_r(h, g, &e[2]) && GEOSGeom_getYMax_r(h, g, &e[3]);
}

void pl_zones_collect(pl_ctx *ctx, const pl_zoneset *zs, const GEOSGeometry *g, pl_zonelist *l)
{
    double e[4];
    if (envelope(ctx, g, e))
        pl_zones_collect_box(zs, e, NULL, l);
}

static void ignore(void *item, void *ud)
{
    (void)item;
    (void)ud;
}

int pl_zones_share(pl_ctx *ctx, const pl_zoneset *zs)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (!zs->n_indexed)
        return PL_OK;
    GEOSGeometry *pt = pl_geom_point(ctx, zs->a[0].env[0], zs->a[0].env[1]);
    if (!pt)
        return pl_errcode(ctx);
    GEOSSTRtree_query_r(h, zs->tree, pt, ignore, NULL); /* any search builds it */
    GEOSGeom_destroy_r(h, pt);
    return PL_OK;
}

static int cmp_zone_addr(const void *a, const void *b)
{
    const void *const *x = a, *const *y = b;
    return (*x > *y) - (*x < *y);
}

int pl_zonelist_finish(pl_ctx *ctx, pl_zonelist *l)
{
    if (l->oom)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    if (l->n < 2)
        return PL_OK;
    /* zones live in one array in load order: address order is zone order */
    if (l->n > 32)
        qsort(l->a, l->n, sizeof *l->a, cmp_zone_addr);
    else /* a route's few candidates: in place */
        for (size_t k = 1; k < l->n; k++) {
            const pl_zone *z = l->a[k];
            size_t m = k;
            for (; m > 0 && l->a[m - 1] > z; m--)
                l->a[m] = l->a[m - 1];
            l->a[m] = z;
        }
    size_t u = 1;
    for (size_t k = 1; k < l->n; k++)
        if (l->a[k] != l->a[u - 1])
            l->a[u++] = l->a[k];
    l->n = u;
    return PL_OK;
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
        return 2; /* a class without a rule is treated as forbidden */
    switch (z->rule->route) {
    case PL_RR_FORBIDDEN:
    case PL_RR_MIN_OVERFLIGHT:
        return 2;
    case PL_RR_WARNING:
        return 1;
    default:
        return 0;
    }
}
