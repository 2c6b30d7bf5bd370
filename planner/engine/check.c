/*
 * check.c - routes checked against every zone: the conflicts with their
 * lengths, positions along the route and altitudes, each route's verdict,
 * and the clearance to the nearest approval or forbidden zone its corridor
 * does not meet.
 *
 * Entry points: pl_route_check, pl_routes_check, pl_routes_share,
 * pl_verdict_names, pl_verdict_zh.
 *
 * The geometry is the corridor kernel's (corridor.c); here the candidate
 * zones are found (the zones' box tree, per segment), each zone's pieces
 * asked for, filtered by the one altitude rule, and written as conflicts.
 */
#include "corridor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const pl_verdict_names[] = {"free", "advisory", "approval", "forbidden", NULL};
const char *const pl_verdict_zh[] = {"适飞", "提示", "需报批", "禁飞", NULL};

/* The pieces v of route r buffered by the half-width (pl_corridor, which
 * draws many in runs) and intersected with zone z (its whole corridor part
 * for a height rule). */
static GEOSGeometry *overlap_polygon(pl_ctx *ctx, const pl_route *r, const pvec *v, const pl_zone *z)
{
    const piece *a = v->a;
    size_t n = v->n;
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry **parts = calloc(n ? n : 1, sizeof *parts);
    if (!parts)
        return pl_error(ctx, PL_NOMEM, "out of memory"), NULL;
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        double p0[3], p1[3];
        pl_cor_at(r, a[j].seg, a[j].t0, p0);
        pl_cor_at(r, a[j].seg, a[j].t1, p1);
        double xs[2] = {p0[0], p1[0]}, ys[2] = {p0[1], p1[1]};
        GEOSGeometry *g = (p0[0] == p1[0] && p0[1] == p1[1]) ? pl_geom_point(ctx, p0[0], p0[1])
                                                             : pl_geom_line(ctx, xs, ys, 2);
        if (!g)
            goto fail;
        parts[k++] = g;
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)k);
    if (!coll)
        goto fail;
    free(parts);
    GEOSGeometry *buf = pl_corridor(ctx, coll, r->half_width_m);
    GEOSGeom_destroy_r(h, coll);
    if (!z->g) /* a height rule holds everywhere: the overlap is the corridor part */
        return buf ? buf : (pl_error(ctx, PL_GEOM, "route %s: %s", r->id, pl_libmsg(ctx)), NULL);
    GEOSGeometry *ov = buf ? GEOSIntersection_r(h, buf, z->g) : NULL;
    if (buf)
        GEOSGeom_destroy_r(h, buf);
    if (!ov)
        pl_error(ctx, PL_GEOM, "route %s, zone %s: overlap failed: %s", r->id, z->id, pl_libmsg(ctx));
    return ov;
fail:
    for (size_t j = 0; j < k; j++)
        GEOSGeom_destroy_r(h, parts[j]);
    free(parts);
    pl_error(ctx, PL_GEOM, "route %s: cannot build the overlap: %s", r->id, pl_libmsg(ctx));
    return NULL;
}

int pl_routes_overlaps(pl_ctx *ctx, const pl_zoneset *zs, pl_routeset *rs)
{
    (void)zs; /* the conflicts name their zones */
    for (size_t i = 0; i < rs->n_c; i++) {
        pl_conflict *c = &rs->c[i];
        if (c->overlap || !c->pieces)
            continue;
        pvec v = {c->pieces, c->n_pieces, c->n_pieces};
        if (!(c->overlap = overlap_polygon(ctx, &rs->a[c->route], &v, c->zone)))
            return pl_errcode(ctx);
        free(c->pieces);
        c->pieces = NULL;
        c->n_pieces = 0;
    }
    return PL_OK;
}

/* ==== checking ======================================================= */

static int cmp_ptr(const void *a, const void *b)
{
    const void *const *x = a, *const *y = b;
    return (*x > *y) - (*x < *y);
}

int pl_zone_agl_terrain(const pl_zoneset *zs, const pl_zone *z)
{
    return zs->terrain && z->alt_ref && !strcmp(z->alt_ref, "AGL");
}

void pl_route_band_for(const pl_zoneset *zs, const pl_route *r, const pl_zone *z, double *lo, double *hi)
{
    pl_route_band(r, lo, hi);
    const pl_terrain *t = zs->terrain;
    if (!t || (z && !pl_zone_agl_terrain(zs, z)))
        return;
    double alo = t->n_unknown ? -INFINITY : *lo - t->all_hi, ahi = t->n_unknown ? INFINITY : *hi - t->all_lo;
    if (z) /* true height only */
        *lo = alo, *hi = ahi;
    else   /* either */
        *lo = dmin(*lo, alo), *hi = dmax(*hi, ahi);
}

/* A route's ground, when the set has a terrain model: under its corridor
 * (cor: the zones' tests) and under its centreline (line: the ground rule
 * and the true heights reported). */
typedef struct ground {
    gprof cor, line;
    int have;
} ground;

/* The one altitude rule on pieces v of route r against zone z's extent
 * (vlo, vhi): above the datum as given, or in true height for an AGL zone
 * over a terrain model (*unknown set where the ground is not known: the
 * piece is kept, it may enter).  PL_OK or PL_NOMEM. */
static int alt_filter(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, const pl_zone *z, const ground *gr,
                      double vlo, double vhi, pvec *v, int *unknown)
{
    if (!gr->have || !pl_zone_agl_terrain(zs, z)) {
        pl_cor_altitude_filter(r, vlo, vhi, v);
        return PL_OK;
    }
    if (pl_cor_agl_filter(r, &gr->cor, r->band_below_m, r->band_above_m, vlo, vhi, 1, v, unknown))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK;
}

typedef struct near_ud {
    pl_ctx *ctx;
    const pl_route *r;
    const pl_zone **excl;  /* sorted zones the corridor meets in 2D */
    size_t n_excl;
} near_ud;

static int near_dist(const void *a, const void *b, double *d, void *ud)
{
    near_ud *u = ud;
    const pl_zone *z = (a == (const void *)u->r) ? b : a;
    if (pl_zone_route_severity(z) < PL_V_APPROVAL ||
        (u->n_excl && bsearch(&z, u->excl, u->n_excl, sizeof *u->excl, cmp_ptr))) {
        *d = 1e300; /* not a candidate for clearance */
        return 1;
    }
    if (z->circle[2] > 0) { /* a circle: the centre's distance less the radius, exactly */
        const pl_route *r = u->r;
        double m = INFINITY;
        for (size_t i = 0; i + 1 < r->n_pts; i++)
            m = dmin(m, pl_cor_pt_seg_dist(z->circle[0], z->circle[1], r->x[i], r->y[i], r->x[i + 1], r->y[i + 1]));
        *d = dmax(0, m - z->circle[2]);
        return 1;
    }
    const GEOSPreparedGeometry *pg = pl_zone_pg(u->ctx, z);
    return pg ? GEOSPreparedDistance_r(pl_geos(u->ctx), pg, u->r->line, d) : 0;
}

/* A route's distance along at each waypoint, then its segments' lengths
 * (as pl_cor_s_at has them), worked out when a conflict first needs them:
 * most routes of a batch meet no zone. */
typedef struct along {
    double *a;       /* NULL until asked for; buf, or on the heap for many waypoints */
    double buf[64];
} along;

/* the distances of r, or NULL when out of memory */
static const double *along_of(along *al, const pl_route *r)
{
    if (al->a)
        return al->a;
    double *cum = 2 * r->n_pts <= sizeof al->buf / sizeof *al->buf ? al->buf : malloc(2 * r->n_pts * sizeof *cum);
    if (!cum)
        return NULL;
    cum[0] = 0;
    for (size_t i = 1; i < r->n_pts; i++) {
        cum[r->n_pts + i - 1] = pl_cor_seg_len(r, i - 1);
        cum[i] = cum[i - 1] + cum[r->n_pts + i - 1];
    }
    return al->a = cum;
}

/* Record a conflict of route r with zone z from its pieces: cor where the
 * corridor meets the zone, ins where the centreline is inside (both already
 * filtered by altitude, cor not empty). */
static int add_conflict(pl_ctx *ctx, const pl_zoneset *zs, const ground *gr, const pl_route *r, size_t idx,
                        const pl_zone *z, int sev, double vlo, double vhi, const pvec *corp, const pvec *insp,
                        along *al, int flags, pl_route_result *res, pl_conflict **cv,
                        size_t *n_c, size_t *cap)
{
    const pvec cor = *corp, ins = *insp;
    const double *cum = along_of(al, r);
    if (!cum)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    if (*n_c == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        pl_conflict *a = realloc(*cv, nc * sizeof *a);
        if (!a)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        *cv = a;
        *cap = nc;
    }
    pl_conflict *cf = &(*cv)[*n_c];
    memset(cf, 0, sizeof *cf);
    cf->route = idx;
    cf->zone = z;
    cf->verdict = sev;
    cf->enters = ins.n > 0;
    cf->length_inside_m = pl_cor_pieces_len(cum + r->n_pts, &ins);
    cf->corridor_length_m = pl_cor_pieces_len(cum + r->n_pts, &cor);
    cf->zone_floor_m = vlo;
    cf->zone_ceiling_m = vhi;
    const pvec *ee = ins.n ? &ins : &cor;
    pl_cor_at(r, ee->a[0].seg, ee->a[0].t0, cf->entry);
    pl_cor_at(r, ee->a[ee->n - 1].seg, ee->a[ee->n - 1].t1, cf->exit);
    cf->s_from_m = pl_cor_s_at(r, cum, cor.a[0].seg, cor.a[0].t0);
    cf->s_to_m = pl_cor_s_at(r, cum, cor.a[cor.n - 1].seg, cor.a[cor.n - 1].t1);
    double amin = INFINITY, amax = -INFINITY;
    for (size_t j = 0; j < cor.n; j++) {
        double p0[3], p1[3];
        pl_cor_at(r, cor.a[j].seg, cor.a[j].t0, p0);
        pl_cor_at(r, cor.a[j].seg, cor.a[j].t1, p1);
        amin = dmin(amin, dmin(p0[2], p1[2]));
        amax = dmax(amax, dmax(p0[2], p1[2]));
    }
    cf->alt_lo_m = dmax(amin - r->band_below_m, vlo);
    cf->alt_hi_m = dmin(amax + r->band_above_m, vhi);
    if (gr && gr->have && pl_zone_agl_terrain(zs, z)) { /* true height: over the ground of the pieces */
        const gprof *g = z == &zs->ground ? &gr->line : &gr->cor;
        double below = z == &zs->ground ? 0 : r->band_below_m, above = z == &zs->ground ? 0 : r->band_above_m;
        double lo, hi;
        pl_cor_agl_span(r, g, below, above, &cor, &lo, &hi);
        cf->alt_lo_m = dmax(lo, vlo);
        cf->alt_hi_m = dmin(hi, vhi);
        cf->agl = 1;
        cf->ground_unknown = !isfinite(lo) || !isfinite(hi);
    }
    if (flags & PL_CHECK_NO_OVERLAP) {
        /* no polygon */
    } else if (flags & PL_CHECK_OVERLAP_LATER) { /* its pieces kept: drawn when written */
        if (!(cf->pieces = malloc(cor.n * sizeof cor.a[0])))
            return pl_error(ctx, PL_NOMEM, "out of memory");
        memcpy(cf->pieces, cor.a, cor.n * sizeof cor.a[0]);
        cf->n_pieces = cor.n;
    } else if (!(cf->overlap = overlap_polygon(ctx, r, &cor, z))) {
        return pl_errcode(ctx);
    }
    (*n_c)++;
    res->n_conf[sev]++;
    if (sev > res->verdict)
        res->verdict = sev;
    return PL_OK;
}

/* Rings of big zones, kept between routes (a batch of proposals meets the
 * same lake-sized zones again and again).  The cache hangs on the zone
 * set, which owns it; it is filled as routes need it. */
typedef struct ring_cache {
    rings **by_zone;   /* one slot per zone of the set, NULL until needed */
    size_t n;
} ring_cache;

static void ring_cache_free(void *p)
{
    ring_cache *c = p;
    for (size_t i = 0; c && i < c->n; i++)
        if (c->by_zone[i]) {
            pl_cor_rings_free(c->by_zone[i]);
            free(c->by_zone[i]);
        }
    if (c)
        free(c->by_zone);
    free(c);
}

/* The rings of z, chunked: from the cache for big zones, else built into
 * own (the caller frees own).  NULL when out of memory. */
static const rings *zone_rings(pl_ctx *ctx, const pl_zoneset *zs, const pl_zone *z, rings *own)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    size_t idx = (size_t)(z - zs->a);
    const ring_cache *kept = zs->cache;
    if (kept && idx < kept->n && kept->by_zone[idx])
        return kept->by_zone[idx]; /* before counting the points: GEOS walks every part for that */
    if (z->xy) { /* a footprint: its ring from the zone tree */
        if (pl_cor_rings_add_xy(own, z->xy, z->n_xy) || pl_cor_rings_chunk(own))
            return NULL;
        return own;
    }
    int npts = GEOSGetNumCoordinates_r(h, z->g);
    if (npts > PL_SMALL_ZONE_PTS && idx < zs->n) {
        pl_zoneset *mzs = (pl_zoneset *)zs; /* the cache is a memo, not a change */
        if (!mzs->cache) {
            ring_cache *c = calloc(1, sizeof *c);
            if (!c || !(c->by_zone = calloc(zs->n, sizeof *c->by_zone))) {
                free(c);
                return NULL;
            }
            c->n = zs->n;
            mzs->cache = c;
            mzs->cache_free = ring_cache_free;
        }
        ring_cache *c = mzs->cache;
        if (!c->by_zone[idx]) {
            rings *rg = calloc(1, sizeof *rg);
            if (!rg)
                return NULL;
            if (pl_cor_rings_of(ctx, rg, z->g) || pl_cor_rings_chunk(rg)) {
                pl_cor_rings_free(rg);
                free(rg);
                return NULL;
            }
            c->by_zone[idx] = rg;
        }
        return c->by_zone[idx];
    }
    if (pl_cor_rings_of(ctx, own, z->g) || pl_cor_rings_chunk(own))
        return NULL;
    return own;
}

#define NEAR_MARGIN 1e-3 /* a millimetre, for rounding */

/* 0 when segment i of r misses the envelope e grown by w and NEAR_MARGIN:
 * then it keeps farther than w from the zone inside e, and has no part in
 * a conflict with it */
static inline int seg_near_env(const pl_route *r, size_t i, const double e[4], double w)
{
    double m = w + NEAR_MARGIN;
    return pl_seg_box_meets(r->x[i], r->y[i], r->x[i + 1], r->y[i + 1], e[0] - m, e[1] - m, e[2] + m, e[3] + m);
}

/* Step 1 of a route's check against zone z: the pieces of every segment
 * whose corridor meets z (cor) and of the centreline inside z (ins), before
 * the altitude test.  Every segment counts, vertical ones included (one
 * position over the altitudes it sweeps); touching (distance == w) meets.
 * A circle is tested as a circle; a polygon through its ring runs (kept for
 * big zones, built here for small ones): plain reads of the zone, no lazily
 * built GEOS state, so checks may run in several threads at once. */
static int zone_pieces(pl_ctx *ctx, const pl_zoneset *zs, const pl_zone *z, const pl_route *r, pvec *cor,
                       pvec *ins)
{
    int bad = 0;
    if (z->circle[2] > 0) {
        for (size_t i = 0; i + 1 < r->n_pts && !bad; i++)
            bad = seg_near_env(r, i, z->env, r->half_width_m) &&
                  pl_cor_circle_pieces(r, i, z->circle, r->half_width_m, cor, ins);
        return bad ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
    }
    rings own = {0};
    const rings *rgp = zone_rings(ctx, zs, z, &own);
    bad = !rgp;
    for (size_t i = 0; !bad && i + 1 < r->n_pts; i++)
        bad = seg_near_env(r, i, z->env, r->half_width_m) && pl_cor_corridor_direct(r, i, rgp, r->half_width_m, cor, ins);
    pl_cor_rings_free(&own); /* empty when the rings are a kept zone's (the cache's) */
    return bad ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}

/* The candidate zones of route r into c: those whose envelope, grown by
 * the half-width, a segment meets (and, without the clearance search,
 * whose rule binds at altitudes the route's band can reach). */
static void candidates(const pl_zoneset *zs, const pl_route *r, int flags, pl_zonelist *cl)
{
    /* the route's whole altitude range, for the quick tests below */
    double band[2];
    pl_route_band_for(zs, r, NULL, &band[0], &band[1]);
    /* candidates: zones whose envelope, grown by the half-width (and
     * NEAR_MARGIN, as seg_near_env), a segment meets (per segment: a long
     * winding route's own envelope would take in every zone of the area;
     * and the segment, not its box: a diagonal's box takes in six times
     * its corridor); without the clearance search,
     * only zones whose rule binds at altitudes the route's band can overlap
     * (the tree keeps these beside the boxes: at a million buildings, most
     * lower than the band, the zones themselves are never read) */
    for (size_t i = 0; i + 1 < r->n_pts; i++) {
        double sg[4] = {r->x[i], r->y[i], r->x[i + 1], r->y[i + 1]};
        pl_zones_collect_near(zs, sg, r->half_width_m + NEAR_MARGIN, flags & PL_CHECK_NO_CLEARANCE ? band : NULL, cl);
    }
    if (flags & PL_CHECK_NO_CLEARANCE) {
        /* without the clearance search, a zone matters only when it could
         * conflict: a rule that binds and altitudes that can overlap (limits
         * open, as altitude_filter has them: the query kept only those), and
         * an envelope within w of a segment.  Each test only drops zones the
         * exact test below would drop too; dropping them before the sort
         * keeps the sort short. */
        size_t kept = 0;
        for (size_t k = 0; k < cl->n; k++) {
            const pl_zone *z = cl->a[k];
            size_t i = 0;
            while (i + 1 < r->n_pts && !seg_near_env(r, i, z->env, r->half_width_m))
                i++;
            if (i + 1 == r->n_pts)
                continue;
            /* its strings (read by the caller when it conflicts) asked
             * for now: out of cache (a million zones) the miss then
             * overlaps the work in between (its lines and ring the tree's
             * query asked for when it found it) */
            __builtin_prefetch(z->id);
            cl->a[kept++] = z;
        }
        cl->n = kept;
    }
}

/* The height rule of the route's aircraft type: controlled airspace
 * everywhere above the type's maximum true height. */
static int height_rule(pl_ctx *ctx, const pl_zoneset *zs, const ground *gr, const pl_route *r, size_t idx,
                       int flags, along *cum, pvec *cor, pvec *ins, pl_route_result *res, pl_conflict **cv,
                       size_t *n_c, size_t *cap)
{
    for (size_t k = zs->n; r->aircraft && k-- > 0 && !zs->a[k].g;) {
        const pl_zone *z = &zs->a[k];
        if (strcmp(z->aircraft->name, r->aircraft))
            continue;
        cor->n = ins->n = 0;
        for (size_t i = 0; i + 1 < r->n_pts; i++)
            if (pl_cor_pvec_add(cor, i, 0, 1) || pl_cor_pvec_add(ins, i, 0, 1))
                return pl_error(ctx, PL_NOMEM, "out of memory");
        double vlo, vhi;
        int unk = 0;
        pl_zone_route_extent(z, &vlo, &vhi);
        int rc = alt_filter(ctx, zs, r, z, gr, vlo, vhi, cor, &unk);
        if (rc == PL_OK)
            rc = alt_filter(ctx, zs, r, z, gr, vlo, vhi, ins, &unk);
        if (rc == PL_OK && cor->n)
            rc = add_conflict(ctx, zs, gr, r, idx, z, pl_zone_route_severity(z), vlo, vhi, cor, ins, cum, flags,
                              res, cv, n_c, cap);
        if (rc)
            return rc;
    }
    return PL_OK;
}

/* With a terrain model: the ground rule (the centreline's altitude under
 * the ground: forbidden, it cannot be flown as drawn; where the ground is
 * unknown nothing is claimed here, the true heights say so) and the
 * centreline's least and most true height. */
static int ground_rule(pl_ctx *ctx, const pl_zoneset *zs, const ground *gr, const pl_route *r, size_t idx,
                       int flags, along *al, pl_route_result *res, pvec *cor, pl_conflict **cv,
                       size_t *n_c, size_t *cap)
{
    const double *cum = along_of(al, r);
    if (!cum)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    pl_cor_ground_agl(r, &gr->line, cum + r->n_pts, &res->agl_min_m, &res->agl_max_m, &res->ground_unknown_m);
    cor->n = 0;
    for (size_t i = 0; i + 1 < r->n_pts; i++)
        if (pl_cor_pvec_add(cor, i, 0, 1))
            return pl_error(ctx, PL_NOMEM, "out of memory");
    int unk = 0;
    if (pl_cor_agl_filter(r, &gr->line, 0, 0, -INFINITY, 0, 0, cor, &unk))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    if (!cor->n)
        return PL_OK;
    /* the flags without the overlap: the ground is no polygon to draw */
    return add_conflict(ctx, zs, gr, r, idx, &zs->ground, PL_V_FORBIDDEN, -INFINITY, 0, cor, cor, al,
                        flags | PL_CHECK_NO_OVERLAP, res, cv, n_c, cap);
}

/* The clearance: the nearest approval or forbidden zone the corridor does
 * not meet (excl, n_excl: the zones it meets). */
static void clearance(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, const pl_zone **excl, size_t n_excl,
                      pl_route_result *res)
{
    if (n_excl > 1)
        qsort(excl, n_excl, sizeof *excl, cmp_ptr);
    near_ud u = {ctx, r, excl, n_excl};
    const pl_zone *z = GEOSSTRtree_nearest_generic_r(pl_geos(ctx), zs->tree, r, r->line, near_dist, &u);
    double d;
    if (z && near_dist(z, r, &d, &u) && d < 1e299) {
        res->clearance_m = d - r->half_width_m;
        res->clearance_zone = z;
    }
}

int pl_route_check(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, size_t idx, int flags,
                   pl_route_result *res, pl_conflict **cv, size_t *n_c, size_t *cap)
{
    int rc = PL_OK;
    pl_zonelist c = {0};
    pvec cor = {0}, ins = {0};
    along cum;
    cum.a = NULL; /* its buf is written when first asked for */
    const pl_zone **excl = NULL;
    size_t n_excl = 0;
    ground gr = {0};
    memset(res, 0, sizeof *res);
    res->clearance_m = res->agl_min_m = res->agl_max_m = res->ground_unknown_m = NAN;
    if (zs->terrain) {
        if (pl_cor_ground(zs->terrain, r, r->half_width_m, &gr.cor) || pl_cor_ground(zs->terrain, r, 0, &gr.line)) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            goto out;
        }
        gr.have = 1;
    }
    candidates(zs, r, flags, &c);
    if ((rc = pl_zonelist_finish(ctx, &c)) != PL_OK)
        goto out;
    if (c.n && !(excl = malloc(c.n * sizeof *excl))) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }

    for (size_t k = 0; k < c.n; k++) {
        const pl_zone *z = c.a[k];
        int sev = pl_zone_route_severity(z);
        if (sev == PL_V_FREE)
            continue; /* no conflict, and no clearance to measure from it */
        /* 1. where the corridor meets the zone: centreline within w of
         * it; and on the way, the centreline inside the zone itself.  No
         * piece at all: the route keeps farther than w from the zone. */
        cor.n = ins.n = 0;
        if ((rc = zone_pieces(ctx, zs, z, r, &cor, &ins)) != PL_OK)
            goto out;
        if (cor.n == 0)
            continue;
        excl[n_excl++] = z;
        double vlo, vhi;
        int unk = 0;
        pl_zone_route_extent(z, &vlo, &vhi);
        pl_cor_normalise(&cor);
        if ((rc = alt_filter(ctx, zs, r, z, &gr, vlo, vhi, &cor, &unk)) != PL_OK)
            goto out;
        if (cor.n == 0)
            continue; /* flies above (or below) the zone's protected extent */
        /* 2. the centreline inside: of the segments the corridor part
         * kept (both sorted by segment), the same altitude test below */
        size_t kept = 0;
        for (size_t j = 0, q = 0; j < ins.n; j++) {
            while (q < cor.n && cor.a[q].seg < ins.a[j].seg)
                q++;
            if (q < cor.n && cor.a[q].seg == ins.a[j].seg)
                ins.a[kept++] = ins.a[j];
        }
        ins.n = kept;
        pl_cor_normalise(&ins);
        if ((rc = alt_filter(ctx, zs, r, z, &gr, vlo, vhi, &ins, &unk)) != PL_OK ||
            (rc = add_conflict(ctx, zs, &gr, r, idx, z, sev, vlo, vhi, &cor, &ins, &cum, flags, res, cv, n_c, cap)))
            goto out;
    }

    if ((rc = height_rule(ctx, zs, &gr, r, idx, flags, &cum, &cor, &ins, res, cv, n_c, cap)) != PL_OK)
        goto out;
    if (gr.have && (rc = ground_rule(ctx, zs, &gr, r, idx, flags, &cum, res, &cor, cv, n_c, cap)) != PL_OK)
        goto out;
    /* medium and large aircraft (and a class not given) have no free
     * airspace: they always file (Art. 62 classes; RULES.md) */
    res->class_files = r->ac_class == PL_AC_UNKNOWN || r->ac_class >= PL_AC_MEDIUM;
    if (res->class_files && res->verdict < PL_V_APPROVAL)
        res->verdict = PL_V_APPROVAL;

    if (zs->n_indexed && !(flags & PL_CHECK_NO_CLEARANCE))
        clearance(ctx, zs, r, excl, n_excl, res);
out:
    pl_cor_ground_free(&gr.cor);
    pl_cor_ground_free(&gr.line);
    free(c.a);
    free(cor.a);
    free(ins.a);
    free(excl);
    if (cum.a != cum.buf)
        free(cum.a);
    return rc;
}

int pl_routes_share(pl_ctx *ctx, pl_zoneset *zs, int flags)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (!(flags & PL_CHECK_NO_CLEARANCE) && !(zs->shared & 2)) { /* clearances search GEOS's tree */
        int rc = pl_zones_share(ctx, zs);
        if (rc != PL_OK)
            return rc;
        zs->shared |= 2;
    }
    for (size_t i = 0; i < zs->n && !(zs->shared & 1); i++) {
        const pl_zone *z = &zs->a[i];
        rings own = {0};
        if (z->g && GEOSGetNumCoordinates_r(h, z->g) > PL_SMALL_ZONE_PTS && !zone_rings(ctx, zs, z, &own)) {
            pl_cor_rings_free(&own);
            return pl_error(ctx, PL_NOMEM, "out of memory");
        }
    }
    zs->shared |= 1;
    return PL_OK;
}

static int cmp_conflict(const void *a, const void *b)
{
    const pl_conflict *x = a, *y = b;
    if (x->route != y->route)
        return x->route < y->route ? -1 : 1;
    if (x->s_from_m != y->s_from_m)
        return x->s_from_m < y->s_from_m ? -1 : 1;
    return strcmp(x->zone->id, y->zone->id);
}

int pl_routes_check(pl_ctx *ctx, const pl_zoneset *zs, pl_routeset *rs)
{
    size_t cap = 0;
    for (size_t i = 0; i < rs->n; i++) {
        int rc = pl_route_check(ctx, zs, &rs->a[i], i, PL_CHECK_OVERLAP_LATER, &rs->res[i], &rs->c, &rs->n_c, &cap);
        if (rc != PL_OK)
            return rc;
    }
    /* conflicts in the order a pilot meets them along each route */
    if (rs->n_c > 1)
        qsort(rs->c, rs->n_c, sizeof *rs->c, cmp_conflict);
    return PL_OK;
}
