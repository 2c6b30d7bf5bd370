/*
 * reroute.c - the shortest path between a route's end points that avoids
 * every forbidden zone, at the route's altitude band.
 *
 * Entry points: pl_reroute_route, pl_reroute_free.
 *
 * Obstacles: the zones whose route rule blocks (forbidden, min_overflight)
 * and whose protected vertical extent overlaps the route's altitude band
 * anywhere, each inflated by the corridor half-width plus a margin with
 * mitred joins, so that the inflated polygon contains every point closer
 * than that to the zone (the mitre corners keep a little more: the path is
 * conservative, never closer than allowed).  The shortest path among
 * polygonal obstacles bends only at obstacle vertices (Lozano-Perez and
 * Wesley 1979): nodes are the two end points and the obstacles' vertices
 * that are not inside another obstacle, edges join nodes that see each
 * other (the segment's interior does not meet an obstacle's interior;
 * sliding along an edge is allowed), and Dijkstra finds the path.
 * Altitudes of the new path follow the original route at the same fraction
 * of the length.
 *
 * pl_reroute_route runs the steps as one function each: find_obstacles,
 * graph_nodes, relax_edges inside shortest_path (Dijkstra), take_path.
 */
#include "paths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The segment (ax,ay)-(bx,by) is clear of every obstacle's interior. */
typedef struct seg_q {
    pl_ctx *ctx;
    const GEOSGeometry *seg;
    int blocked;
} seg_q;

static void seg_cb(void *item, void *ud)
{
    seg_q *q = ud;
    const obst *o = item;
    if (q->blocked)
        return;
    GEOSContextHandle_t h = pl_geos(q->ctx);
    if (GEOSPreparedIntersects_r(h, o->pg, q->seg) == 1 &&
        GEOSRelatePattern_r(h, q->seg, o->g, "T********") == 1)
        q->blocked = 1;
}

int pl_path_visible(pl_ctx *ctx, const ob_set *os, double ax, double ay, double bx, double by)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double xs[2] = {ax, bx}, ys[2] = {ay, by};
    if (ax == bx && ay == by)
        return 1;
    GEOSGeometry *seg = pl_geom_line(ctx, xs, ys, 2);
    if (!seg)
        return -1;
    seg_q q = {ctx, seg, 0};
    GEOSSTRtree_query_r(h, os->tree, seg, seg_cb, &q);
    GEOSGeom_destroy_r(h, seg);
    return !q.blocked;
}

/* Which obstacle holds (x, y) in its interior, or NULL. */
const obst *pl_path_inside(pl_ctx *ctx, const ob_set *os, double x, double y)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *pt = pl_geom_point(ctx, x, y);
    const obst *hit = NULL;
    for (size_t i = 0; pt && !hit && i < os->n; i++)
        if (GEOSPreparedContainsProperly_r(h, os->a[i].pg, pt) == 1)
            hit = &os->a[i];
    if (pt)
        GEOSGeom_destroy_r(h, pt);
    return hit;
}

static int add_ring_nodes(pl_ctx *ctx, const GEOSGeometry *ring, double **x, double **y, size_t *n,
                          size_t *cap)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned m = 0;
    GEOSCoordSeq_getSize_r(h, cs, &m);
    for (unsigned i = 0; i + 1 < m; i++) { /* the closing point repeats the first */
        if (*n == *cap) {
            size_t c = *cap ? 2 * *cap : 64;
            double *a = realloc(*x, c * sizeof *a), *b = a ? realloc(*y, c * sizeof *b) : NULL;
            if (!a || !b) {
                if (a)
                    *x = a;
                return -1;
            }
            *x = a;
            *y = b;
            *cap = c;
        }
        GEOSCoordSeq_getXY_r(h, cs, i, &(*x)[*n], &(*y)[*n]);
        (*n)++;
    }
    return 0;
}

int pl_path_add_nodes(pl_ctx *ctx, const GEOSGeometry *g, double **x, double **y, size_t *n, size_t *cap)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        if (add_ring_nodes(ctx, GEOSGetExteriorRing_r(h, g), x, y, n, cap))
            return -1;
        int k = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < k; i++)
            if (add_ring_nodes(ctx, GEOSGetInteriorRingN_r(h, g, i), x, y, n, cap))
                return -1;
        return 0;
    }
    int k = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < k; i++)
        if (pl_path_add_nodes(ctx, GEOSGetGeometryN_r(h, g, i), x, y, n, cap))
            return -1;
    return 0;
}

void pl_reroute_free(pl_reroute *rr)
{
    if (!rr)
        return;
    free(rr->x);
    free(rr->y);
    free(rr->alt_m);
    free(rr->avoided);
    pl_buf_free(&rr->why);
    memset(rr, 0, sizeof *rr);
}

/* The visibility graph: its nodes, and Dijkstra's answer over it. */
typedef struct vgraph {
    double *x, *y;   /* node 0 the start, 1 the end, then obstacle vertices */
    size_t n, cap;
    double *dist;    /* from the start; INFINITY where no path reaches */
    size_t *prev;    /* the node before on the shortest path, or (size_t)-1 */
} vgraph;

void pl_path_obstacles_free(pl_ctx *ctx, ob_set *os)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    /* the index and prepared geometries go before the geometries */
    if (os->tree)
        GEOSSTRtree_destroy_r(h, os->tree);
    for (size_t q = 0; q < os->n; q++) {
        GEOSPreparedGeom_destroy_r(h, os->a[q].pg);
        GEOSGeom_destroy_r(h, os->a[q].g);
    }
    free(os->a);
}

static void vgraph_free(vgraph *g)
{
    free(g->x);
    free(g->y);
    free(g->dist);
    free(g->prev);
}

/* The zones near the route: within a route length around it. */
static int zones_near(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, double inflate, pl_zonelist *cl)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *env = GEOSEnvelope_r(h, r->line);
    GEOSGeometry *box = env ? pl_geom_buffer_out(ctx, env, fmax(r->length_m, 5000.0) + inflate, 1) : NULL;
    if (env)
        GEOSGeom_destroy_r(h, env);
    if (!box)
        return pl_error(ctx, PL_GEOM, "route %s: %s", r->id, pl_libmsg(ctx));
    pl_zones_collect(ctx, zs, box, cl);
    GEOSGeom_destroy_r(h, box);
    return pl_zonelist_finish(ctx, cl);
}

/* 1. The obstacles, indexed: the zones near the route that block it at
 * its altitudes, each inflated by inflate. */
int pl_path_obstacles(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, double inflate, ob_set *os)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    pl_zonelist cl = {0};
    int rc = zones_near(ctx, zs, r, inflate, &cl);
    if (rc != PL_OK)
        goto out;
    os->tree = GEOSSTRtree_create_r(h, 10);
    os->a = calloc(cl.n ? cl.n : 1, sizeof *os->a);
    if (!os->tree || !os->a) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }
    for (size_t k = 0; k < cl.n; k++) {
        const pl_zone *z = cl.a[k];
        if (pl_zone_route_severity(z) < PL_V_FORBIDDEN) /* a path around what no approval opens */
            continue;
        double vlo, vhi, band_lo, band_hi;
        pl_zone_route_extent(z, &vlo, &vhi);
        pl_route_band_for(zs, r, z, &band_lo, &band_hi); /* in true height over a terrain model */
        if (!pl_band_enters(band_lo, band_hi, vlo, vhi))
            continue; /* the route's band passes above or below it everywhere */
        obst *o = &os->a[os->n];
        o->zone = z;
        o->g = pl_geom_inflate_out(ctx, z->g, inflate);
        o->pg = o->g ? GEOSPrepare_r(h, o->g) : NULL;
        if (!o->pg) {
            if (o->g)
                GEOSGeom_destroy_r(h, o->g);
            rc = pl_error(ctx, PL_GEOM, "zone %s: cannot inflate: %s", z->id, pl_libmsg(ctx));
            goto out;
        }
        os->n++;
    }
    for (size_t k = 0; k < os->n; k++)
        GEOSSTRtree_insert_r(h, os->tree, os->a[k].g, &os->a[k]);
out:
    free(cl.a);
    return rc;
}

/* An end of the route inside an obstacle: no path, and out->why says
 * which.  Returns 1 then, else 0. */
static int ends_inside(pl_ctx *ctx, const ob_set *os, const pl_route *r, double inflate, pl_reroute *out)
{
    double sx = r->x[0], sy = r->y[0], ex = r->x[r->n_pts - 1], ey = r->y[r->n_pts - 1];
    const obst *s_in = pl_path_inside(ctx, os, sx, sy), *e_in = pl_path_inside(ctx, os, ex, ey);
    if (!s_in && !e_in)
        return 0;
    pl_buf_printf(&out->why, "no path: the %s lies inside %s %s (%s) inflated by %.0f m",
                  s_in ? "start" : "end", (s_in ? s_in : e_in)->zone->cls, (s_in ? s_in : e_in)->zone->id,
                  (s_in ? s_in : e_in)->zone->name, inflate);
    return 1;
}

/* 2. The nodes: start, end, then the obstacles' vertices outside the
 * others. */
static int graph_nodes(pl_ctx *ctx, const ob_set *os, const pl_route *r, vgraph *g)
{
    g->cap = 64;
    g->x = malloc(g->cap * sizeof *g->x);
    g->y = malloc(g->cap * sizeof *g->y);
    if (!g->x || !g->y)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    g->x[0] = r->x[0];
    g->y[0] = r->y[0];
    g->x[1] = r->x[r->n_pts - 1];
    g->y[1] = r->y[r->n_pts - 1];
    g->n = 2;
    for (size_t k = 0; k < os->n; k++)
        if (pl_path_add_nodes(ctx, os->a[k].g, &g->x, &g->y, &g->n, &g->cap))
            return pl_error(ctx, PL_NOMEM, "out of memory");
    /* drop vertices inside another obstacle: no shortest path uses them */
    size_t keep = 2;
    for (size_t i = 2; i < g->n; i++)
        if (!pl_path_inside(ctx, os, g->x[i], g->y[i])) {
            g->x[keep] = g->x[i];
            g->y[keep] = g->y[i];
            keep++;
        }
    g->n = keep;
    return PL_OK;
}

/* 3. The edges out of node u: each is tested for visibility only when it
 * would shorten the path to its far node, and relaxed when visible. */
static int relax_edges(pl_ctx *ctx, const ob_set *os, vgraph *g, const char *done, size_t u)
{
    for (size_t v = 0; v < g->n; v++) {
        if (done[v])
            continue;
        double d = g->dist[u] + hypot(g->x[v] - g->x[u], g->y[v] - g->y[u]);
        if (d >= g->dist[v])
            continue;
        int vis = pl_path_visible(ctx, os, g->x[u], g->y[u], g->x[v], g->y[v]);
        if (vis < 0)
            return pl_errcode(ctx);
        if (vis) {
            g->dist[v] = d;
            g->prev[v] = u;
        }
    }
    return PL_OK;
}

/* 4. Dijkstra from the start over the visibility graph, until the end is
 * settled or nothing more is reachable. */
static int shortest_path(pl_ctx *ctx, const ob_set *os, vgraph *g)
{
    int rc = PL_OK;
    size_t nn = g->n;
    char *done = calloc(nn, 1);
    g->dist = malloc(nn * sizeof *g->dist);
    g->prev = malloc(nn * sizeof *g->prev);
    if (!g->dist || !g->prev || !done) {
        free(done);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < nn; i++) {
        g->dist[i] = INFINITY;
        g->prev[i] = (size_t)-1;
    }
    g->dist[0] = 0;
    for (;;) {
        size_t u = (size_t)-1;
        for (size_t i = 0; i < nn; i++)
            if (!done[i] && isfinite(g->dist[i]) && (u == (size_t)-1 || g->dist[i] < g->dist[u]))
                u = i;
        if (u == (size_t)-1 || u == 1)
            break;
        done[u] = 1;
        if ((rc = relax_edges(ctx, os, g, done, u)) != PL_OK)
            break;
    }
    free(done);
    return rc;
}

void pl_path_altitudes(const pl_route *r, const double *x, const double *y, size_t n, double length_m, double *alt)
{
    /* t grows with i: the segment found for one point is where the search
     * for the next starts (acc summed in the same order, so the same
     * segment and numbers as a search from the start; linear, not n x m) */
    double along = 0, acc = 0;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (i)
            along += hypot(x[i] - x[i - 1], y[i] - y[i - 1]);
        double t = length_m > 0 ? along / length_m * r->length_m : 0;
        alt[i] = r->alt_m[r->n_pts - 1];
        for (; j + 1 < r->n_pts; j++) {
            double sl = hypot(r->x[j + 1] - r->x[j], r->y[j + 1] - r->y[j]);
            if (t <= acc + sl) {
                double f = sl > 0 ? (t - acc) / sl : 0;
                alt[i] = r->alt_m[j] + f * (r->alt_m[j + 1] - r->alt_m[j]);
                break;
            }
            acc += sl;
        }
    }
}

/* 5. The result: the path, start to end, with its altitudes, and the
 * zones avoided (the obstacles the original line entered). */
static int take_path(pl_ctx *ctx, const ob_set *os, const pl_route *r, const vgraph *g, pl_reroute *out)
{
    size_t m = 0;
    for (size_t v = 1; v != (size_t)-1; v = g->prev[v])
        m++;
    out->x = malloc(m * sizeof *out->x);
    out->y = malloc(m * sizeof *out->y);
    out->alt_m = malloc(m * sizeof *out->alt_m);
    if (!out->x || !out->y || !out->alt_m)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    size_t k = m;
    for (size_t v = 1; v != (size_t)-1; v = g->prev[v]) {
        k--;
        out->x[k] = g->x[v];
        out->y[k] = g->y[v];
    }
    out->n = m;
    out->length_m = g->dist[1];
    out->added_m = g->dist[1] - r->length_m;
    pl_path_altitudes(r, out->x, out->y, out->n, out->length_m, out->alt_m);
    out->avoided = calloc(os->n ? os->n : 1, sizeof *out->avoided);
    if (!out->avoided)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t q = 0; q < os->n; q++)
        if (GEOSRelatePattern_r(pl_geos(ctx), r->line, os->a[q].g, "T********") == 1)
            out->avoided[out->n_avoided++] = os->a[q].zone;
    out->found = 1;
    return PL_OK;
}

/* The steps in the order of the opening comment; no path is an answer
 * (out->found 0, out->why), not an error. */
int pl_reroute_route(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, double margin_m, pl_reroute *out)
{
    ob_set os = {0};
    vgraph g = {0};
    memset(out, 0, sizeof *out);
    double inflate = r->half_width_m + margin_m;
    int rc = pl_path_obstacles(ctx, zs, r, inflate, &os);
    if (rc != PL_OK || ends_inside(ctx, &os, r, inflate, out))
        goto out;
    if ((rc = graph_nodes(ctx, &os, r, &g)) != PL_OK || (rc = shortest_path(ctx, &os, &g)) != PL_OK)
        goto out;
    if (!isfinite(g.dist[1])) {
        pl_buf_puts(&out->why, "no path: the end is closed off by");
        for (size_t k = 0; k < os.n; k++)
            pl_buf_printf(&out->why, "%s %s", k ? "," : "", os.a[k].zone->id);
        goto out;
    }
    rc = take_path(ctx, &os, r, &g, out);
out:
    pl_path_obstacles_free(ctx, &os);
    vgraph_free(&g);
    if (rc != PL_OK)
        pl_reroute_free(out);
    return rc;
}
