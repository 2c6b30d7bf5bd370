/*
 * zones.c - no-fly, airport, restricted and ecological zones: attributes,
 * rules, prepared geometries, a packed tree of their envelopes (every box
 * query) and GEOS's STRtree (nearest-zone searches).
 *
 * Entry points: pl_zones_build, pl_zones_free,
 * pl_zones_collect, pl_zones_collect_box, pl_zones_collect_near, pl_zones_share,
 * pl_zonelist_finish (the zone model itself: zone.c).
 *
 * A zone feature is a Polygon/MultiPolygon, or a Point with a radius_m
 * property (a circle, as ED-269 allows).  Properties read: id (or the
 * layer's id_property), name, class (or the layer's class), floor_m,
 * ceiling_m (default: the surface to unlimited), altitude_ref (AGL/AMSL,
 * default AGL), source, license, accuracy, basis.
 */
#include "planner.h"

#include <math.h>
#if defined __SSE2__ && !defined PL_NO_SIMD
#include <immintrin.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- the zones' envelopes in a packed tree -------------------------------
 * Sort-tile-recursive order from the top (tile(): every node a tile of its
 * zones), BOX_FAN a node.
 * Level 0 is the zones' envelopes in that order; node k of level l + 1 is
 * the box of nodes BOX_FAN k .. BOX_FAN k + BOX_FAN - 1 of level l, which
 * make its group.  A query with a box needs no GEOS geometry, so a route's
 * segments ask cheaply.
 * At a million zones the tree is out of cache and a query's time is its
 * misses, so it is small: boxes in 16-bit steps of the zones' extent /
 * 65,534 (1.5 m over a city of 100 km), rounded outward, a group's minx of
 * its 16 nodes together, then miny, maxx, maxy (2 cache lines), tested at
 * once; beside them each node's route extent, in decimetres, rounded
 * outward (3 lines): a zone's own, and above, the least floor and greatest
 * ceiling below the node.  So a route's query leaves out whole groups of
 * buildings its altitude band clears (at a million buildings a route
 * tested 6.3 groups of level 0 with the boxes alone, 1.95 with both).  A
 * query may take a zone a step off the query or its band; the zone's own
 * envelope and altitudes then decide.
 * (Floats made 4 and 6 lines a group; steps of each group's parent box in
 * bytes made 2 at level 0 but cost more than they saved: the steps of each
 * group to work out.) */
#define BOX_FAN 16  /* the code below is written for 16: a group's test is a 16-bit mask */
#define ROWS 4      /* a box's rows: minx, miny, maxx, maxy */
#define Q_MAX 65535 /* a box's steps */

/* Steps less 32768 (SSE compares signed).  Route extents in decimetres
 * above -1000 m, lo up to 65534 and hi from 1, so that a query clamped
 * the same way keeps all it should (an empty extent, no rule binding: lo
 * 65535, hi 0; a node above, the least lo and greatest hi of its group).
 * Empty slots: boxes min 65535, max 0, extent lo 65535, hi 0. */
typedef struct boxgroup {
    int16_t b[ROWS][BOX_FAN];
    int16_t lo[BOX_FAN], hi[BOX_FAN];
} boxgroup;

struct pl_boxtree {
    size_t n, n_lv, lv_n[16]; /* level l has lv_n[l] nodes */
    size_t lv_at[16];         /* level l >= 1: its groups from group lv_at[l] of box */
    boxgroup *box;            /* levels 1 .. n_lv - 1 */
    boxgroup *leaf;           /* level 0 */
    pl_zone **item;           /* level 0's zones */
    double *xy;               /* their footprints' rings (pl_zone xy), in the same order */
    uint32_t *xy_at;          /* zone i of level 0: its ring from point xy_at[i] of xy (NO_RING: none) */
    double lo[2], st, ist;    /* steps of st metres (ist = 1 / st) from lo */
};

static void boxtree_free(pl_boxtree *t)
{
    if (t) {
        free(t->box);
        free(t->leaf);
        free(t->item);
        free(t->xy);
        free(t->xy_at);
    }
    free(t);
}

/* a zone and its envelope's centre (doubled), for the tiling */
typedef struct tile_rec {
    double c[2];
    pl_zone *z;
} tile_rec;

static int cmp_tile(const tile_rec *x, const tile_rec *y, int a)
{
    return x->c[a] < y->c[a] ? -1 : x->c[a] > y->c[a] ? 1 : (x->z > y->z) - (x->z < y->z); /* ties in zone order: the same tree everywhere */
}

static int cmp_tile_x(const void *a, const void *b)
{
    return cmp_tile(a, b, 0);
}

static int cmp_tile_y(const void *a, const void *b)
{
    return cmp_tile(a, b, 1);
}

/* Sort-tile-recursive from the top: the n zones of r into runs of cap
 * (the last shorter), each a tile (slices by x of whole runs, each slice
 * sorted by y), then each run the same way into runs of cap / BOX_FAN,
 * down to the leaf groups.  So a node is a tile at every level, as a
 * node of level l is the run of BOX_FAN^l zones below it.  (Tiling only
 * the leaves, as STR does, and grouping runs of them above made the
 * upper nodes strips one slice wide and the length of the region: a route
 * of a kilometre across the slices tested six or seven groups at each
 * upper level.) */
static void tile(tile_rec *r, size_t n, size_t cap)
{
    if (n <= BOX_FAN || cap < BOX_FAN)
        return;
    size_t runs = (n + cap - 1) / cap, slices = (size_t)ceil(sqrt((double)runs));
    size_t per = (runs + slices - 1) / slices * cap;
    qsort(r, n, sizeof *r, cmp_tile_x);
    for (size_t s = 0; s < n; s += per)
        qsort(r + s, n - s < per ? n - s : per, sizeof *r, cmp_tile_y);
    if (cap > BOX_FAN)
        for (size_t s = 0; s < n; s += cap)
            tile(r + s, n - s < cap ? n - s : cap, cap / BOX_FAN);
}

/* n bytes in 2 MB pages where the system has them for the asking (fewer
 * TLB misses: a million zones' tree is 20 MB); free() frees it */
static void *big_alloc(size_t n)
{
    size_t huge = (size_t)2 << 20;
    if (n < huge)
        return aligned_alloc(64, (n + 63) / 64 * 64);
    n = (n + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, n);
    if (p)
        madvise(p, n, MADV_HUGEPAGE);
    return p;
}

static size_t groups(size_t nodes)
{
    return (nodes + BOX_FAN - 1) / BOX_FAN;
}

/* v in steps: down (floor) or up (ceil), clamped to lo .. hi (lo >= 0;
 * without floor() and ceil(), calls to libm before SSE 4.1) */
static inline int steps(double v, int up, int lo, int hi)
{
    if (!(v >= lo)) /* below lo, or NaN: hi */
        return v < lo ? lo : hi;
    if (v > hi)
        return hi;
    int i = (int)v; /* v >= 0: floor */
    i += up && i < v;
    return i > hi ? hi : i;
}

/* an altitude in a group's decimetres (before the 32768 off) */
static inline int dm(double v, int up, int lo, int hi)
{
    return steps((v + 1000) * 10, up, lo, hi);
}

/* group k of level l */
static inline const boxgroup *group(const pl_boxtree *t, size_t l, size_t k)
{
    return l ? &t->box[t->lv_at[l] + k] : &t->leaf[k];
}

/* The tree of the zones with a geometry (their env set).  NULL when out
 * of memory. */
static pl_boxtree *boxtree_build(pl_zoneset *zs)
{
    pl_boxtree *t = calloc(1, sizeof *t);
    size_t n = zs->n_indexed, total = 0;
    size_t g0 = groups(n) ? groups(n) : 1;
    if (!t || !(t->item = big_alloc((n ? n : 1) * sizeof *t->item)) || !(t->leaf = big_alloc(g0 * sizeof *t->leaf))) {
        boxtree_free(t);
        return NULL;
    }
    t->n = n;
    double e[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t i = 0, k = 0; i < zs->n; i++)
        if (zs->a[i].g) {
            const pl_zone *z = t->item[k++] = &zs->a[i];
            e[0] = fmin(e[0], z->env[0]);
            e[1] = fmin(e[1], z->env[1]);
            e[2] = fmax(e[2], z->env[2]);
            e[3] = fmax(e[3], z->env[3]);
        }
    size_t cap = 1; /* zones below a node of the top level */
    for (size_t m = n; ; m = groups(m)) {
        t->lv_at[t->n_lv] = total;
        t->lv_n[t->n_lv++] = m;
        total += t->n_lv > 1 ? groups(m) : 0;
        if (m <= BOX_FAN || t->n_lv == sizeof t->lv_n / sizeof *t->lv_n)
            break;
        cap *= BOX_FAN;
    }
    tile_rec *r = malloc((n ? n : 1) * sizeof *r);
    if (!r) {
        boxtree_free(t);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        r[i].z = t->item[i];
        r[i].c[0] = r[i].z->env[0] + r[i].z->env[2];
        r[i].c[1] = r[i].z->env[1] + r[i].z->env[3];
    }
    tile(r, n, cap);
    for (size_t i = 0; i < n; i++)
        t->item[i] = r[i].z;
    free(r);
    if (!(t->box = big_alloc((total ? total : 1) * sizeof *t->box))) {
        boxtree_free(t);
        return NULL;
    }
    /* level 0: the zones' boxes in steps, and their route extents */
    t->lo[0] = n ? e[0] : 0;
    t->lo[1] = n ? e[1] : 0;
    t->st = n ? fmax(e[2] - e[0], e[3] - e[1]) / (Q_MAX - 1) : 0;
    t->st = t->st > 0 ? t->st : 1;
    t->ist = 1 / t->st;
    for (size_t k = 0; k < g0; k++) {
        boxgroup *g = &t->leaf[k];
        for (size_t j = 0; j < BOX_FAN; j++) {
            size_t i = k * BOX_FAN + j;
            g->b[0][j] = g->b[1][j] = (int16_t)(Q_MAX - 32768);
            g->b[2][j] = g->b[3][j] = (int16_t)(0 - 32768);
            g->lo[j] = (int16_t)(65535 - 32768);
            g->hi[j] = (int16_t)(0 - 32768);
            if (i >= n)
                continue;
            const pl_zone *z = t->item[i];
            for (int a = 0; a < 2; a++) {
                g->b[a][j] = (int16_t)(steps((z->env[a] - t->lo[a]) * t->ist, 0, 0, Q_MAX) - 32768);
                g->b[2 + a][j] = (int16_t)(steps((z->env[2 + a] - t->lo[a]) * t->ist, 1, 0, Q_MAX) - 32768);
            }
            if (pl_zone_route_severity(z) > 0) { /* else no route conflicts with it */
                double lo, hi;
                pl_zone_route_extent(z, &lo, &hi);
                g->lo[j] = (int16_t)(dm(lo, 0, 0, 65534) - 32768);
                g->hi[j] = (int16_t)(dm(hi, 1, 1, 65535) - 32768);
            }
        }
    }
    /* above: node k is the box and extent of group k of the level below */
    for (size_t l = 1; l < t->n_lv; l++)
        for (size_t k = 0; k < groups(t->lv_n[l]) * BOX_FAN; k++) {
            boxgroup *g = &t->box[t->lv_at[l] + k / BOX_FAN];
            int16_t(*f)[BOX_FAN] = g->b;
            size_t j = k % BOX_FAN;
            f[0][j] = f[1][j] = (int16_t)(Q_MAX - 32768);
            f[2][j] = f[3][j] = (int16_t)(0 - 32768);
            g->lo[j] = (int16_t)(65535 - 32768);
            g->hi[j] = (int16_t)(0 - 32768);
            if (k >= t->lv_n[l])
                continue;
            const boxgroup *cg = group(t, l - 1, k);
            const int16_t(*c)[BOX_FAN] = cg->b;
            for (size_t i = 0; i < BOX_FAN; i++) { /* empty slots change nothing */
                f[0][j] = c[0][i] < f[0][j] ? c[0][i] : f[0][j];
                f[1][j] = c[1][i] < f[1][j] ? c[1][i] : f[1][j];
                f[2][j] = c[2][i] > f[2][j] ? c[2][i] : f[2][j];
                f[3][j] = c[3][i] > f[3][j] ? c[3][i] : f[3][j];
                g->lo[j] = cg->lo[i] < g->lo[j] ? cg->lo[i] : g->lo[j];
                g->hi[j] = cg->hi[i] > g->hi[j] ? cg->hi[i] : g->hi[j];
            }
        }
    return t;
}

/* z's exterior ring when z is a footprint: a Polygon of at most
 * PL_SMALL_ZONE_PTS points without holes; else NULL */
static const GEOSCoordSequence *footprint(GEOSContextHandle_t h, const pl_zone *z, unsigned *m)
{
    if (GEOSGeomTypeId_r(h, z->g) != GEOS_POLYGON || GEOSisEmpty_r(h, z->g) != 0 ||
        GEOSGetNumInteriorRings_r(h, z->g) != 0)
        return NULL;
    const GEOSGeometry *ring = GEOSGetExteriorRing_r(h, z->g);
    const GEOSCoordSequence *cs = ring ? GEOSGeom_getCoordSeq_r(h, ring) : NULL;
    *m = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, m) || *m > PL_SMALL_ZONE_PTS)
        return NULL;
    return cs;
}

/* The footprints' rings in one array in the tree's order (a route check
 * reads a zone's ring, not GEOS's polygon, ring, sequence and points,
 * each elsewhere in memory).  -1 when out of memory. */
#define NO_RING UINT32_MAX
static int pack_footprints(pl_ctx *ctx, pl_zoneset *zs)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    pl_boxtree *t = zs->boxes;
    size_t total = 0;
    unsigned m;
    for (size_t i = 0; i < t->n; i++)
        if (footprint(h, t->item[i], &m))
            total += m;
    if (!total)
        return 0;
    if (!(t->xy = big_alloc(2 * total * sizeof *t->xy)) || !(t->xy_at = big_alloc(t->n * sizeof *t->xy_at)))
        return -1;
    double *at = t->xy;
    for (size_t i = 0; i < t->n; i++) {
        pl_zone *z = t->item[i];
        const GEOSCoordSequence *cs = footprint(h, z, &m);
        t->xy_at[i] = NO_RING;
        if (!cs || !GEOSCoordSeq_copyToBuffer_r(h, cs, at, 0, 0))
            continue;
        z->xy = at;
        z->n_xy = m;
        if ((size_t)(at - t->xy) / 2 < NO_RING)
            t->xy_at[i] = (uint32_t)((at - t->xy) / 2);
        at += 2 * m;
    }
    return 0;
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

/* A query: the box q; qi, the same in the tree's steps, rounded outward;
 * with seg, only what the segment s comes within m of (q is then s's own
 * box grown by m); with band (and bq, in a group's decimetres, rounded
 * outward), only the zones whose rule binds and whose extent overlaps it.
 * Box queries re-check each zone's own envelope; segment queries leave
 * that to the caller. */
typedef struct query {
    double q[4], s[4], m;
    int qi[4], bq[2];
    int seg;
    const double *band;
} query;

/* bit j: slot j of a group's box rows b meets the box in steps q (x0, y0,
 * x1, y1); with bq, also its extent lo, hi the band bq: all 16 at once,
 * 8 a step where the machine has SSE (every x86-64) */
#if defined __SSE2__ && !defined PL_NO_SIMD /* PL_NO_SIMD: the plain loops, to test them */
static inline __m128i cmp8(const int16_t *mn, const int16_t *mx, __m128i hi, __m128i lo)
{
    /* mn <= hi and mx >= lo: not (mn > hi), not (lo > mx) */
    return _mm_andnot_si128(_mm_or_si128(_mm_cmpgt_epi16(_mm_load_si128((const __m128i *)mn), hi),
                                         _mm_cmpgt_epi16(lo, _mm_load_si128((const __m128i *)mx))),
                            _mm_set1_epi16(-1));
}

static inline unsigned rows_mask(const int16_t (*b)[BOX_FAN], const int q[4], const int16_t *lo, const int16_t *hi,
                                 const int *bq)
{
    __m128i x0 = _mm_set1_epi16((short)(q[0] - 32768)), y0 = _mm_set1_epi16((short)(q[1] - 32768));
    __m128i x1 = _mm_set1_epi16((short)(q[2] - 32768)), y1 = _mm_set1_epi16((short)(q[3] - 32768));
    __m128i h[2];
    for (int k = 0; k < 2; k++)
        h[k] = _mm_and_si128(cmp8(b[0] + 8 * k, b[2] + 8 * k, x1, x0), cmp8(b[1] + 8 * k, b[3] + 8 * k, y1, y0));
    unsigned mask = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(h[0], h[1]));
    if (bq && mask) {
        __m128i u = _mm_set1_epi16((short)(bq[1] - 32768)), v = _mm_set1_epi16((short)(bq[0] - 32768));
        for (int k = 0; k < 2; k++)
            h[k] = _mm_and_si128(_mm_cmpgt_epi16(u, _mm_load_si128((const __m128i *)(lo + 8 * k))),
                                 _mm_cmpgt_epi16(_mm_load_si128((const __m128i *)(hi + 8 * k)), v));
        mask &= (unsigned)_mm_movemask_epi8(_mm_packs_epi16(h[0], h[1]));
    }
    return mask;
}
#else
static inline unsigned rows_mask(const int16_t (*b)[BOX_FAN], const int q[4], const int16_t *lo, const int16_t *hi,
                                 const int *bq)
{
    unsigned mask = 0;
    for (unsigned j = 0; j < BOX_FAN; j++)
        mask |= (unsigned)((b[0][j] + 32768 <= q[2]) & (b[1][j] + 32768 <= q[3]) & (b[2][j] + 32768 >= q[0]) &
                           (b[3][j] + 32768 >= q[1]) &
                           (!bq || ((lo[j] + 32768 < bq[1]) & (hi[j] + 32768 > bq[0]))))
                << j;
    return mask;
}
#endif

/* 1 when slot j of the box rows b, back from steps (a hair wider than
 * their rounding), is within y->m of the segment (or y has none) */
static inline int slot_near(const pl_boxtree *t, const int16_t (*b)[BOX_FAN], unsigned j, const query *y)
{
    if (!y->seg)
        return 1;
    double x0 = t->lo[0] + (b[0][j] + 32768) * t->st - 1e-6, y0 = t->lo[1] + (b[1][j] + 32768) * t->st - 1e-6;
    double x1 = t->lo[0] + (b[2][j] + 32768) * t->st + 1e-6, y1 = t->lo[1] + (b[3][j] + 32768) * t->st + 1e-6;
    return pl_seg_box_meets(y->s[0], y->s[1], y->s[2], y->s[3], x0 - y->m, y0 - y->m, x1 + y->m, y1 + y->m);
}

static void collect(const pl_zoneset *zs, query *y, pl_zonelist *l)
{
    const pl_boxtree *t = zs->boxes;
    if (!t || !t->n)
        return;
    for (int a = 0; a < 2; a++) {
        y->qi[a] = steps((y->q[a] - t->lo[a]) * t->ist, 1, 0, Q_MAX);
        y->qi[2 + a] = steps((y->q[2 + a] - t->lo[a]) * t->ist, 0, 0, Q_MAX);
    }
    if (y->band) {
        y->bq[0] = dm(y->band[0], 0, 0, 65534);
        y->bq[1] = dm(y->band[1], 1, 1, 65535);
    }
    /* groups to test: level, group (at most BOX_FAN a level) */
    size_t stack[16 * BOX_FAN][2], top = 0;
    stack[top][0] = t->n_lv - 1;
    stack[top++][1] = 0;
    while (top && !l->oom) {
        size_t lv = stack[--top][0], k = stack[top][1];
        const boxgroup *g = group(t, lv, k);
        const int16_t(*b)[BOX_FAN] = g->b;
        unsigned mask = rows_mask(b, y->qi, g->lo, g->hi, y->band ? y->bq : NULL);
        if (k * BOX_FAN + BOX_FAN > t->lv_n[lv]) /* the level's last group: its empty slots */
            mask &= (1u << (t->lv_n[lv] - k * BOX_FAN)) - 1;
        for (; mask; mask &= mask - 1) {
            unsigned j = (unsigned)__builtin_ctz(mask);
            if (!slot_near(t, b, j, y))
                continue;
            if (lv) { /* node k BOX_FAN + j: its group below, asked for now (out of
                       * cache, its siblings' misses then overlap) */
                const char *gb = (const char *)group(t, lv - 1, k * BOX_FAN + j);
                for (size_t o = 0; o < sizeof(boxgroup); o += 64)
                    __builtin_prefetch(gb + o);
                stack[top][0] = lv - 1;
                stack[top++][1] = k * BOX_FAN + j;
                if (lv == 1) { /* a leaf group: its zones' pointers asked for now */
                    size_t i = (k * BOX_FAN + j) * BOX_FAN; /* < t->n: the node exists */
                    __builtin_prefetch(&t->item[i]);
                    if (i + 8 < t->n) /* its second line, where the array has one */
                        __builtin_prefetch(&t->item[i + 8]);
                    if (t->xy_at) /* and where their rings are */
                        __builtin_prefetch(&t->xy_at[i]);
                }
                continue;
            }
            const pl_zone *z = t->item[k * BOX_FAN + j];
            if (!y->seg) { /* the zone's own envelope decides */
                const double *e = z->env;
                if (e[0] > y->q[2] || e[2] < y->q[0] || e[1] > y->q[3] || e[3] < y->q[1])
                    continue;
            }
            else { /* the caller reads the zone (its envelope, rule, limits) and
                    * its ring next: out of cache (a million zones), every line
                    * of the zone and the ring (found through xy_at, without the
                    * zone) asked for now, not one miss after the other */
                const char *zb = (const char *)z;
                for (size_t o = 0; o < sizeof *z; o += 64)
                    __builtin_prefetch(zb + o);
                __builtin_prefetch(zb + sizeof *z - 1);
                size_t i = k * BOX_FAN + j;
                if (t->xy_at && t->xy_at[i] != NO_RING)
                    __builtin_prefetch(t->xy + 2 * (size_t)t->xy_at[i]);
            }
            collect_add(l, z);
        }
    }
}

void pl_zones_collect_box(const pl_zoneset *zs, const double q[4], pl_zonelist *l)
{
    query y = {.q = {q[0], q[1], q[2], q[3]}};
    collect(zs, &y, l);
}

void pl_zones_collect_near(const pl_zoneset *zs, const double s[4], double m, const double band[2], pl_zonelist *l)
{
    query y = {.s = {s[0], s[1], s[2], s[3]}, .m = m, .seg = 1, .band = band};
    y.q[0] = (s[0] < s[2] ? s[0] : s[2]) - m;
    y.q[1] = (s[1] < s[3] ? s[1] : s[3]) - m;
    y.q[2] = (s[0] < s[2] ? s[2] : s[0]) + m;
    y.q[3] = (s[1] < s[3] ? s[3] : s[1]) + m;
    collect(zs, &y, l);
}

/* Vertices of a circular zone's polygon (which contains the circle; the
 * route check tests the circle itself): 128, so the polygon reaches at most
 * r(1/cos(pi/128) - 1) = 0.03 % of the radius beyond it. */
#define CIRCLE_N 128

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
    free(z->strs);
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
        if (r > PL_EARTH_M) /* a buffer of 1e300 m: every route forbidden, for a typing error */
            return pl_error(ctx, PL_PARSE,
                            "%s: layer '%s': feature %s: radius_m %g is more than the equator's %.0f km: "
                            "a unit or typing error", d->path, d->id, f->id, r, PL_EARTH_M / 1000);
        double cx = 0, cy = 0;
        GEOSGeomGetX_r(h, f->g, &cx);
        GEOSGeomGetY_r(h, f->g, &cy);
        z->circle[0] = cx;
        z->circle[1] = cy;
        z->circle[2] = r;
        z->g = pl_geom_circle_out(ctx, cx, cy, r, CIRCLE_N);
    } else {
        return pl_error(ctx, PL_GEOM,
                        "%s: layer '%s': feature %s: a zone must be a polygon (or a point with "
                        "radius_m), not a %s", d->path, d->id, f->id, pl_geom_type_name(t));
    }
    if (!z->g)
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': feature %s: %s", d->path, d->id, f->id,
                        pl_libmsg(ctx));
    z->rule = pl_scenario_rule(sc, cls);
    z->layer_id = d->id;
    if (pl_zone_strings(z, f->id, pl_feature_str(f, "name", f->id), cls, ref, pl_feature_str(f, "source", NULL),
                        pl_feature_str(f, "license", NULL), pl_feature_str(f, "accuracy", NULL),
                        pl_feature_str(f, "basis", z->rule ? z->rule->basis : NULL)))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK; /* prepared on first use (pl_zone_pg): most zones of a big set never are */
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

/* The scenario's terrain model, and the ground as a zone: everywhere
 * below 0 m true height, forbidden (a route under the ground cannot be
 * flown as drawn).  Nothing when the scenario gives no terrain. */
static int add_terrain(pl_ctx *ctx, const pl_scenario *sc, pl_zoneset *zs)
{
    int rc = pl_terrain_load(ctx, sc, &zs->terrain);
    if (rc != PL_OK || !zs->terrain)
        return rc;
    return pl_zones_ground(ctx, sc, zs);
}

int pl_zones_ground(pl_ctx *ctx, const pl_scenario *sc, pl_zoneset *zs)
{
    const pl_terrain_decl *d = &sc->terrain;
    static char basis[] = "terrain model: a route's altitude under the ground cannot be flown as drawn";
    static char cls[] = "terrain";
    zs->ground_rule.cls = cls;
    zs->ground_rule.route = PL_RR_FORBIDDEN;
    zs->ground_rule.vertiport = PL_VR_ALLOWED;
    zs->ground_rule.basis = basis;
    pl_zone *z = &zs->ground;
    z->floor_m = -INFINITY;
    z->ceiling_m = 0;
    z->rule = &zs->ground_rule;
    z->layer_id = "terrain";
    char name[600];
    snprintf(name, sizeof name, "the ground (terrain model %s)", d->path);
    if (pl_zone_strings(z, "terrain", name, "terrain", "AGL", d->source, d->license, d->accuracy, basis))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK;
}

int pl_zones_build(pl_ctx *ctx, const pl_scenario *sc, pl_layer *const *layers, size_t n_layers,
                   pl_zoneset **out)
{
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
        z->floor_m = ac->max_height_m;
        z->ceiling_m = INFINITY;
        z->rule = &ac->rule;
        z->aircraft = ac;
        z->layer_id = "aircraft";
        if (pl_zone_strings(z, id, name, "controlled", "AGL", NULL, NULL, "rule-derived", ac->rule.basis) ||
            !z->basis) {
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
            goto out;
        }
    }
    if ((rc = check_unique_ids(ctx, sc, zs)) == PL_OK && (rc = add_terrain(ctx, sc, zs)) == PL_OK)
        rc = pl_zones_index(ctx, zs);
out:
    if (rc != PL_OK)
        pl_zones_free(ctx, zs);
    else
        *out = zs;
    return rc;
}

int pl_zones_index(pl_ctx *ctx, pl_zoneset *zs)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    /* node capacity 10 is GEOS's usual default */
    if (!(zs->tree = GEOSSTRtree_create_r(h, 10)))
        return pl_error(ctx, PL_GEOM, "cannot create the zone index: %s", pl_libmsg(ctx));
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
    if (!(zs->boxes = boxtree_build(zs)) || pack_footprints(ctx, zs))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK;
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
    zone_clear(ctx, &zs->ground);
    pl_terrain_free(zs->terrain);
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
        pl_zones_collect_box(zs, e, l);
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

