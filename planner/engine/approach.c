/*
 * approach.c - the approach/departure surfaces of a vertiport site against
 * obstacles and the terrain: which headings 0-359 are free.
 *
 * Entry points: pl_obstacles_load, pl_obstacles_free, pl_approach_scan.
 *
 * The surface of heading h (FAA EB 105A as commonly implemented, RULES.md,
 * unverified): from the FATO edge (radius r = fato_factor x D / 2) it
 * rises 1 m per surface_slope m (8:1) along h and widens surface_splay
 * (15 %) each side.  A point at `along` m from the FATO edge (measured on
 * h's axis) and `across` m off the axis is under the surface when
 *     along >= 0  and  |across| <= r + splay x along,
 * and the surface there is along / slope above the site's ground.  The one
 * rule: an obstacle whose top is more than that above the site's ground
 * closes the heading (closes()); touching the surface does not close it.
 *
 * Obstacles are Points and building footprints (Polygon, MultiPolygon)
 * with a height: height_m, else OSM's height (metres), else OSM's
 * building:levels x 3 m (approximate, and said so).  A footprint is tested
 * exactly: its top is flat and the surface rises with `along`, so its
 * binding point for a heading is its point of least `along` inside the
 * surface's footprint; that point lies on one of its edges clipped to the
 * footprint, or is one of the footprint's inner corners (inside it).  A
 * footprint closes the heading when any part of it under the surface is
 * higher than the surface there.
 *
 * The terrain model (terrain.c) is an obstacle too: every grid cell the
 * surface meets is a square footprint whose top is its highest ground;
 * the site's ground is the lowest ground over the FATO's box.  A cell with
 * no ground (nodata, the raster's edge, beyond it) under the surface
 * leaves the heading not checked, never free.  The terrain is checked out
 * to where the surface passes the model's highest ground (or to
 * surface_length_m when the scenario sets it); with a terrain model an
 * obstacle's top is its height above the highest ground under it.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEVEL_M 3.0       /* storey height for building:levels (our choice, stated as approximate) */
#define WINDOW_SLACK 1.0  /* degrees added to the heading window of an obstacle (a filter only) */

/* One obstacle: its edges (a point is one edge of length 0) and its top. */
typedef struct obst {
    const char *id;       /* borrowed from the layer's feature */
    double h_m;           /* height above its own ground */
    double ground_m;      /* highest ground under it (terrain model), NAN: no model or unknown */
    int approx;           /* 1: height from building:levels */
    size_t e0, ne;        /* its edges in the set's edge array */
    double box[4];        /* minx, miny, maxx, maxy */
} obst;

struct pl_obstacles {
    obst *a;              /* owned */
    size_t n, cap;
    double *edge;         /* owned: x0, y0, x1, y1 per edge */
    size_t n_edges, cap_edges;
    size_t n_layers;      /* obstacles layers in the plan (an empty one counts) */
    pl_buf layers;        /* their ids, quoted, comma-separated */
    const pl_terrain *terrain; /* borrowed from the zone set, or NULL */
};

/* ==== reading the obstacles ============================================= */

/* A height from a property: a number, or text "12", "12 m", "12.5m". */
static int prop_metres(const pl_prop *pr, double *v)
{
    if (!pr || pr->type == PL_P_NULL)
        return 0;
    if (pr->type != PL_P_STR) {
        *v = pr->num;
        return isfinite(*v) ? 1 : -1;
    }
    char *end = NULL;
    *v = strtod(pr->str, &end);
    while (end && *end == ' ')
        end++;
    if (end && *end == 'm' && end[1] == 0)
        end++;
    return end != pr->str && end && *end == 0 && isfinite(*v) ? 1 : -1;
}

/* The obstacle's height: height_m, else height (OSM), else building:levels
 * x LEVEL_M (approx 1).  Returns PL_OK or PL_PARSE naming the feature. */
static int obst_height(pl_ctx *ctx, const pl_layer *l, const pl_feature *f, double *h, int *approx)
{
    static const char *const keys[] = {"height_m", "height", "building:levels"};
    *approx = 0;
    for (int k = 0; k < 3; k++) {
        int got = prop_metres(pl_feature_prop(f, keys[k]), h);
        if (got < 0 || (got > 0 && *h < 0))
            return pl_error(ctx, PL_PARSE, "%s: layer '%s': obstacle %s: %s must be a number of metres >= 0",
                            l->decl->path, l->decl->id, f->id, keys[k]);
        if (got > 0) {
            *approx = k == 2;
            *h *= *approx ? LEVEL_M : 1.0;
            return PL_OK;
        }
    }
    return pl_error(ctx, PL_PARSE, "%s: layer '%s': obstacle %s: no height: give height_m (or OSM's height or "
                    "building:levels)", l->decl->path, l->decl->id, f->id);
}

static int edge_add(pl_ctx *ctx, pl_obstacles *ob, double x0, double y0, double x1, double y1)
{
    if (ob->n_edges == ob->cap_edges) {
        size_t c = ob->cap_edges ? 2 * ob->cap_edges : 256;
        double *e = realloc(ob->edge, c * 4 * sizeof *e);
        if (!e)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        ob->edge = e;
        ob->cap_edges = c;
    }
    double *e = ob->edge + 4 * ob->n_edges++;
    e[0] = x0, e[1] = y0, e[2] = x1, e[3] = y1;
    return PL_OK;
}

/* Every edge of a ring (closed: its last point is its first). */
static int ring_edges(pl_ctx *ctx, pl_obstacles *ob, const GEOSGeometry *ring)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &n))
        return pl_error(ctx, PL_GEOM, "cannot read a ring: %s", pl_libmsg(ctx));
    double px = 0, py = 0;
    for (unsigned i = 0; i < n; i++) {
        double x, y;
        GEOSCoordSeq_getXY_r(h, cs, i, &x, &y);
        int rc = i ? edge_add(ctx, ob, px, py, x, y) : PL_OK;
        if (rc)
            return rc;
        px = x, py = y;
    }
    return PL_OK;
}

/* A Point as one edge of length 0; a polygon as the edges of its rings. */
static int obst_edges(pl_ctx *ctx, pl_obstacles *ob, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int t = GEOSGeomTypeId_r(h, g), rc = PL_OK;
    if (t == GEOS_POINT) {
        double x, y;
        GEOSGeomGetX_r(h, g, &x);
        GEOSGeomGetY_r(h, g, &y);
        return edge_add(ctx, ob, x, y, x, y);
    }
    if (t == GEOS_MULTIPOLYGON) {
        for (int i = 0; rc == PL_OK && i < GEOSGetNumGeometries_r(h, g); i++)
            rc = obst_edges(ctx, ob, GEOSGetGeometryN_r(h, g, i));
        return rc;
    }
    rc = ring_edges(ctx, ob, GEOSGetExteriorRing_r(h, g));
    for (int i = 0; rc == PL_OK && i < GEOSGetNumInteriorRings_r(h, g); i++)
        rc = ring_edges(ctx, ob, GEOSGetInteriorRingN_r(h, g, i));
    return rc;
}

static int obst_add(pl_ctx *ctx, pl_obstacles *ob, const pl_layer *l, const pl_feature *f)
{
    int t = GEOSGeomTypeId_r(pl_geos(ctx), f->g);
    if (t != GEOS_POINT && t != GEOS_POLYGON && t != GEOS_MULTIPOLYGON)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': obstacle %s: expected a Point, Polygon or MultiPolygon, "
                        "got a %s", l->decl->path, l->decl->id, f->id, pl_geom_type_name(t));
    if (ob->n == ob->cap) {
        size_t c = ob->cap ? 2 * ob->cap : 64;
        obst *a = realloc(ob->a, c * sizeof *a);
        if (!a)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        ob->a = a;
        ob->cap = c;
    }
    obst *o = &ob->a[ob->n];
    memset(o, 0, sizeof *o);
    o->id = f->id;
    o->e0 = ob->n_edges;
    int rc = obst_height(ctx, l, f, &o->h_m, &o->approx);
    if (rc == PL_OK)
        rc = obst_edges(ctx, ob, f->g);
    if (rc != PL_OK)
        return rc;
    o->ne = ob->n_edges - o->e0;
    o->box[0] = o->box[1] = INFINITY;
    o->box[2] = o->box[3] = -INFINITY;
    for (size_t k = o->e0; k < ob->n_edges; k++)
        for (int e = 0; e < 4; e += 2) {
            o->box[0] = fmin(o->box[0], ob->edge[4 * k + e]), o->box[1] = fmin(o->box[1], ob->edge[4 * k + e + 1]);
            o->box[2] = fmax(o->box[2], ob->edge[4 * k + e]), o->box[3] = fmax(o->box[3], ob->edge[4 * k + e + 1]);
        }
    double lo, hi;
    o->ground_m = ob->terrain && pl_terrain_range(ob->terrain, o->box, &lo, &hi) ? hi : NAN;
    if (o->ne == 0)
        return PL_OK; /* an empty geometry: nothing stands there */
    ob->n++;
    return PL_OK;
}

int pl_obstacles_load(pl_ctx *ctx, const pl_plan *p, pl_obstacles **out)
{
    pl_obstacles *ob = calloc(1, sizeof *ob);
    *out = NULL;
    if (!ob)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    ob->terrain = p->zones ? p->zones->terrain : NULL;
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        if (l->decl->role != PL_ROLE_OBSTACLES)
            continue;
        pl_buf_printf(&ob->layers, "%s'%s'", ob->n_layers++ ? ", " : "", l->decl->id);
        for (size_t k = 0; k < l->n_feats; k++) {
            int rc = obst_add(ctx, ob, l, &l->a_feats[k]);
            if (rc != PL_OK) {
                pl_obstacles_free(ob);
                return rc;
            }
        }
    }
    if (ob->layers.oom) {
        pl_obstacles_free(ob);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    *out = ob;
    return PL_OK;
}

void pl_obstacles_free(pl_obstacles *ob)
{
    if (!ob)
        return;
    free(ob->a);
    free(ob->edge);
    pl_buf_free(&ob->layers);
    free(ob);
}

/* ==== the surface of one heading ======================================== */

typedef struct surf {
    double cx, cy;        /* the site */
    double ux, uy;        /* the heading's unit vector (x east, y north) */
    const double *unit;   /* every heading's: sin, cos of 0..359 degrees */
    double r, s, slope;   /* FATO radius, splay, run per unit rise */
    double len;           /* checked to this far from the FATO edge (INFINITY: no limit) */
} surf;

static void surf_heading(surf *S, int hd)
{
    S->ux = S->unit[2 * hd];
    S->uy = S->unit[2 * hd + 1];
}

/* The one rule: an obstacle whose top is h_m above the site's ground, its
 * least `along` under the surface a, rises through the surface. */
static int closes(const surf *S, double h_m, double a)
{
    return isfinite(a) && a <= S->len && h_m > a / S->slope;
}

/* The least `along` of the surface's points at distance d from the site
 * (they lie on its side edges); 0 up to r sqrt 2, its inner corners. */
static double along_at_least(const surf *S, double d)
{
    double r = S->r, s = S->s;
    if (d <= r * M_SQRT2)
        return 0;
    double A = 1 + s * s, B = 2 * r * (1 + s), C = 2 * r * r - d * d;
    return (-B + sqrt(B * B - 4 * A * C)) / (2 * A);
}

/* The least `along` of segment p-q under the surface, INFINITY when it
 * misses it (Liang-Barsky over the three half-planes; boundary inside). */
static double seg_along(const surf *S, const double e[4])
{
    double ax = e[0] - S->cx, ay = e[1] - S->cy, dx = e[2] - e[0], dy = e[3] - e[1];
    double a0 = ax * S->ux + ay * S->uy - S->r, da = dx * S->ux + dy * S->uy;
    double c0 = ax * S->uy - ay * S->ux, dc = dx * S->uy - dy * S->ux;
    double f0[3] = {a0, S->r + S->s * a0 - c0, S->r + S->s * a0 + c0};
    double df[3] = {da, S->s * da - dc, S->s * da + dc};
    double t0 = 0, t1 = 1;
    for (int k = 0; k < 3; k++) {
        if (df[k] == 0) {
            if (f0[k] < 0)
                return INFINITY;
        } else if (df[k] > 0) {
            t0 = fmax(t0, -f0[k] / df[k]);
        } else {
            t1 = fmin(t1, -f0[k] / df[k]);
        }
    }
    if (t0 > t1)
        return INFINITY;
    return fmax(0, fmin(a0 + t0 * da, a0 + t1 * da));
}

/* 1 when (x, y) is inside the polygon of edges e[0..n) (even-odd). */
static int inside(const double *e, size_t n, double x, double y)
{
    int in = 0;
    for (size_t k = 0; k < n; k++, e += 4)
        if ((e[1] > y) != (e[3] > y) && x < e[0] + (y - e[1]) * (e[2] - e[0]) / (e[3] - e[1]))
            in = !in;
    return in;
}

/* The least `along` of a footprint (edges e[0..n), box b) under the
 * surface: on an edge, or at an inner corner of the surface inside it
 * (along 0). */
static double part_along(const surf *S, const double *e, size_t n, const double b[4])
{
    double best = INFINITY;
    for (size_t k = 0; k < n; k++)
        best = fmin(best, seg_along(S, e + 4 * k));
    if (best > 0 && n > 1)
        for (int side = -1; side <= 1; side += 2) {
            double x = S->cx + S->r * S->ux + side * S->r * S->uy, y = S->cy + S->r * S->uy - side * S->r * S->ux;
            if (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] && inside(e, n, x, y))
                return 0;
        }
    return best;
}

/* The headings whose surface may meet a footprint of box b: its bearing
 * from the site, +- its angular radius and the widest angle off the axis
 * of the surface's points as far out as the box's nearest point (45
 * degrees at the inner corners, narrowing to atan(splay) far out).
 * Returns the first heading and the count (360: all). */
static int window(const surf *S, const double b[4], int *first)
{
    double mx = (b[0] + b[2]) / 2 - S->cx, my = (b[1] + b[3]) / 2 - S->cy;
    double rad = hypot(b[2] - b[0], b[3] - b[1]) / 2, d = hypot(mx, my);
    *first = 0;
    if (d <= rad)
        return 360;
    double a = along_at_least(S, d - rad);
    double off = atan(fmax((S->r + S->s * a) / (S->r + a), S->s));
    double w = (asin(rad / d) + off) * 180 / M_PI + WINDOW_SLACK;
    if (w >= 180)
        return 360;
    double brg = atan2(mx, my) * 180 / M_PI;
    int lo = (int)floor(brg - w), hi = (int)ceil(brg + w);
    *first = ((lo % 360) + 360) % 360;
    return hi - lo + 1 > 360 ? 360 : hi - lo + 1;
}

/* Distance from the site to box b (0 inside). */
static double box_dist(const surf *S, const double b[4])
{
    return hypot(fmax(0, fmax(b[0] - S->cx, S->cx - b[2])), fmax(0, fmax(b[1] - S->cy, S->cy - b[3])));
}

/* state per heading: FREE, UNKNOWN (not checked), CLOSED; closed wins */
enum { FREE = 0, UNKNOWN = 1, CLOSED = 2 };

/* A footprint of top h_m (INFINITY: unknown ground) against every heading
 * its window holds: closes them, or leaves them not checked. */
static void footprint(const surf *S0, const double *e, size_t n, const double box[4], double h_m, char *state)
{
    surf S = *S0;
    int first, cnt = window(&S, box, &first);
    double mx = (box[0] + box[2]) / 2 - S.cx, my = (box[1] + box[3]) / 2 - S.cy;
    double rad = hypot(box[2] - box[0], box[3] - box[1]) / 2;
    for (int k = 0; k < cnt; k++) {
        int hd = (first + k) % 360;
        if (state[hd] == CLOSED)
            continue;
        surf_heading(&S, hd);
        /* the box's circle: beside the surface, or too far out to matter */
        double ca = mx * S.ux + my * S.uy - S.r, cc = fabs(mx * S.uy - my * S.ux);
        if (cc - rad > S.r + S.s * (ca + rad) || ca - rad > S.len)
            continue;
        if (!isinf(h_m) && !closes(&S, h_m, fmax(0, ca - rad)))
            continue;
        double a = part_along(&S, e, n, box);
        if (isinf(h_m) && isfinite(a) && a <= S.len)
            state[hd] = UNKNOWN;
        else if (!isinf(h_m) && closes(&S, h_m, a))
            state[hd] = CLOSED;
    }
}

/* ==== the scan ============================================================ */

typedef struct ground {
    double site_m;        /* the site's ground: lowest over the FATO's box; NAN unknown */
    double reach_m;       /* terrain checked to this `along` */
} ground;

/* Each obstacle against the headings; the id of one standing inside the
 * FATO in *in_fato.  Counts those within reach in *n_near, *n_approx. */
static void scan_obstacles(const surf *S, const pl_obstacles *ob, const ground *g, char *state,
                           const char **in_fato, size_t *n_near, size_t *n_approx)
{
    for (size_t k = 0; k < ob->n; k++) {
        const obst *o = &ob->a[k];
        const double *e = ob->edge + 4 * o->e0;
        double h = o->h_m + (isnan(o->ground_m) || isnan(g->site_m) ? 0 : o->ground_m - g->site_m);
        double d = box_dist(S, o->box);
        if (h <= 0 || !closes(S, h, along_at_least(S, d)))
            continue;
        (*n_near)++;
        *n_approx += o->approx;
        double dmin = inside(e, o->ne, S->cx, S->cy) && o->ne > 1 ? 0 : INFINITY;
        for (size_t j = 0; j < o->ne && dmin > S->r; j++) {
            const double *q = e + 4 * j;
            double dx = q[2] - q[0], dy = q[3] - q[1], L2 = dx * dx + dy * dy;
            double t = L2 > 0 ? fmax(0, fmin(1, ((S->cx - q[0]) * dx + (S->cy - q[1]) * dy) / L2)) : 0;
            dmin = fmin(dmin, hypot(q[0] + t * dx - S->cx, q[1] + t * dy - S->cy));
        }
        if (dmin <= S->r && !*in_fato)
            *in_fato = o->id;
        footprint(S, e, o->ne, o->box, h, state);
    }
}

/* The terrain: every grid cell within reach as a square footprint, its
 * top the cell's highest ground above the site's; unknown cells (and
 * those beyond the grid) leave the headings they meet not checked. */
static void scan_terrain(const surf *S0, const pl_terrain *t, ground *g, char *state)
{
    surf S = *S0;
    double r = S.r, fato[4] = {S.cx - r, S.cy - r, S.cx + r, S.cy + r}, lo, hi;
    g->site_m = pl_terrain_range(t, fato, &lo, &hi) ? lo : NAN;
    double top = isnan(g->site_m) ? INFINITY : t->all_hi - g->site_m;
    g->reach_m = fmin(S0->len, fmax(0, top * S.slope));
    if (isinf(g->reach_m)) { /* the site's ground unknown and no surface length: nothing is known */
        g->reach_m = 0;
        memset(state, UNKNOWN, 360);
        return;
    }
    S.len = g->reach_m;
    double R = hypot(r + g->reach_m, r + S.s * g->reach_m);
    long i0 = (long)floor((S.cx - R - t->x0) / t->cs), i1 = (long)floor((S.cx + R - t->x0) / t->cs);
    long j0 = (long)floor((S.cy - R - t->y0) / t->cs), j1 = (long)floor((S.cy + R - t->y0) / t->cs);
    for (long i = i0; i <= i1; i++)
        for (long j = j0; j <= j1; j++) {
            double b[4] = {t->x0 + (double)i * t->cs, t->y0 + (double)j * t->cs, 0, 0};
            b[2] = b[0] + t->cs, b[3] = b[1] + t->cs;
            double a = along_at_least(&S, box_dist(&S, b));
            if (a > S.len)
                continue;
            double mid[4] = {(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, (b[0] + b[2]) / 2, (b[1] + b[3]) / 2};
            double h = isnan(g->site_m) || !pl_terrain_range(t, mid, &lo, &hi) ? INFINITY : hi - g->site_m;
            if (!isinf(h) && !closes(&S, h, a))
                continue;
            double e[16] = {b[0], b[1], b[2], b[1], b[2], b[1], b[2], b[3],
                            b[2], b[3], b[0], b[3], b[0], b[3], b[0], b[1]};
            footprint(&S, e, 4, b, h, state);
        }
}

/* The headings in state `want` as ranges, "10-85,200-359"; their count. */
static int ranges(pl_buf *b, const char *state, char want)
{
    int n = 0;
    for (int hd = 0; hd < 360;) {
        if (state[hd] != want) {
            hd++;
            continue;
        }
        int a = hd;
        while (hd < 360 && state[hd] == want)
            hd++;
        pl_buf_printf(b, "%s%d-%d", b->n ? "," : "", a, hd - 1);
        n += hd - a;
    }
    return n;
}

/* s->headings_by: the sources, what each found near, what was not checked. */
static void sources(pl_site *s, const pl_obstacles *ob, const ground *g, size_t n_near, size_t n_approx)
{
    pl_buf *b = &s->headings_by;
    if (ob->n_layers) {
        pl_buf_printf(b, "obstacle layer%s %s (%zu within reach", ob->n_layers > 1 ? "s" : "", ob->layers.s, n_near);
        if (n_approx)
            pl_buf_printf(b, ", %zu of them with a height from building:levels x %.0f m: approximate", n_approx,
                          LEVEL_M);
        pl_buf_puts(b, ")");
    } else {
        pl_buf_puts(b, "no obstacle layer: buildings and masts not checked");
    }
    if (!ob->terrain) {
        pl_buf_puts(b, "; no terrain model: the terrain not checked");
        return;
    }
    const char *path = ob->terrain->decl ? ob->terrain->decl->path : "(in memory)";
    if (isnan(g->site_m))
        pl_buf_printf(b, "; terrain model %s: the site's ground is unknown", path);
    else
        pl_buf_printf(b, "; terrain model %s (site ground %.1f m, checked %.0f m out)", path, g->site_m, g->reach_m);
    if (s->headings_unknown.n)
        pl_buf_printf(b, "; not checked %s: no ground in the terrain model under part of their surface",
                      s->headings_unknown.s);
}

int pl_approach_scan(pl_ctx *ctx, const pl_siting_cfg *c, const pl_obstacles *ob, pl_site *s, pl_approach *out)
{
    memset(out, 0, sizeof *out);
    out->checked = ob->n_layers || ob->terrain;
    if (!out->checked) {
        out->n_unknown = 360;
        pl_buf_puts(&s->headings, "not checked: no obstacle layer and no terrain model");
        pl_buf_puts(&s->headings_unknown, "0-359");
        pl_buf_puts(&s->headings_by, "nothing: no obstacle layer and no terrain model");
        int oom = s->headings.oom || s->headings_unknown.oom || s->headings_by.oom;
        return oom ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
    }
    surf S = {.cx = s->x, .cy = s->y, .r = c->fato_factor * c->design_d_m / 2, .s = c->surface_splay,
              .slope = c->surface_slope, .len = c->surface_length_m > 0 ? c->surface_length_m : INFINITY};
    char state[360];
    double unit[720];
    for (int hd = 0; hd < 360; hd++)
        unit[2 * hd] = sin(hd * M_PI / 180), unit[2 * hd + 1] = cos(hd * M_PI / 180);
    S.unit = unit;
    memset(state, FREE, sizeof state);
    ground g = {NAN, 0};
    size_t n_near = 0, n_approx = 0;
    if (ob->terrain)
        scan_terrain(&S, ob->terrain, &g, state);
    scan_obstacles(&S, ob, &g, state, &out->in_fato, &n_near, &n_approx);
    out->n_free = ranges(&s->headings, state, FREE);
    out->n_unknown = ranges(&s->headings_unknown, state, UNKNOWN);
    out->n_closed = 360 - out->n_free - out->n_unknown;
    sources(s, ob, &g, n_near, n_approx);
    if (s->headings.oom || s->headings_unknown.oom || s->headings_by.oom)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    return PL_OK;
}
