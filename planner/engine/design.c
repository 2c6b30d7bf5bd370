/*
 * design.c - a planned route laid out between its two end sites at the
 * least cost: its length, plus approval_weight for each kilometre whose
 * corridor meets approval airspace (需报批) and advisory_weight for each
 * kilometre in an advisory area (提示, an ecological red line), at the
 * route's altitudes, and builtup_weight for each kilometre whose corridor
 * meets built-up area (the builtup layers); forbidden zones (禁飞) are
 * obstacles no path enters.
 *
 * Entry points: pl_design_route, pl_design_free.
 *
 * The graph: the two ends; the vertices of the forbidden obstacles, as the
 * reroute has them (paths.h); and bend points around every approval and
 * advisory zone and the built-up area near the ends: the zone grown by the half-width, the
 * margin and a tolerance t, simplified by t (Douglas-Peucker keeps a
 * subset of the vertices and stays within t of the grown ring, so a path
 * between kept vertices passes outside the zone grown by half-width and
 * margin).  An edge joins two nodes that see each other past the
 * obstacles; it costs its length plus each weight times its length inside
 * the union of the zones of that verdict grown by the half-width (where the
 * corridor meets them; the rings' exact clip).  A* with the straight
 * distance to the end as its heuristic (no edge costs less than its
 * length) finds the least-cost path of this graph: optimal among paths
 * that bend at these nodes.  The weighted-region optimum may bend
 * elsewhere on a zone's edge, so the cost found is an upper bound of it.
 * The straight line between the ends is an edge of the graph: where no
 * forbidden zone closes it, the design costs no more than it, and as the
 * straight line is the shortest, its weighted kilometres are no more than
 * the straight line's.  One weight may still be traded for the other: a
 * design with more kilometres in approval airspace than the open straight
 * line is searched again with the approval weight raised, and where
 * every such path has more, the straight line is taken (the figures say
 * so).
 */
#include "paths.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct dgraph {
    double *x, *y;   /* node 0 the start, 1 the end, then bend points */
    size_t n, cap;
    double *g;       /* least cost found from the start */
    size_t *prev;
    char *done;
} dgraph;

/* The weighted kinds of metre: in approval airspace, in an advisory area,
 * over built-up area (a builtup layer). */
enum { K_APPROVAL, K_ADVISORY, K_BUILTUP, NK };

typedef struct costs {
    pl_region *rg[NK]; /* each kind's area grown by the half-width, united (NULL: none near) */
    double w[NK];      /* their weights per metre */
} costs;

void pl_design_free(pl_design *d)
{
    pl_buf_free(&d->why);
    pl_buf_free(&d->avoided);
    memset(d, 0, sizeof *d);
}

/* The length of a-b inside region rg (NULL: none). */
static double len_in(const pl_region *rg, double ax, double ay, double bx, double by)
{
    if (!rg || (ax == bx && ay == by))
        return 0;
    double x[2] = {ax, bx}, y[2] = {ay, by}, z[2] = {0, 0};
    pl_route s = {.n_pts = 2, .x = x, .y = y, .alt_m = z};
    double l = pl_route_length_in(&s, rg);
    return l > 0 ? l : 0;
}

/* The cost of a-b, and its metres of each weighted kind. */
static double edge_cost(const costs *c, double ax, double ay, double bx, double by, double in[NK])
{
    double cost = hypot(bx - ax, by - ay);
    for (int k = 0; k < NK; k++) {
        in[k] = len_in(c->rg[k], ax, ay, bx, by);
        cost += c->w[k] * in[k];
    }
    return cost;
}

/* Area g grown by the half-width (returned: the caller's; NULL on failure),
 * and by half-width + margin + t, simplified by t, into bend points of dg
 * (those inside an obstacle marked unusable). */
static GEOSGeometry *grow_area(pl_ctx *ctx, const GEOSGeometry *g, const pl_route *r, double margin, double t,
                               const ob_set *os, dgraph *dg)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry *gw = pl_geom_inflate_out(ctx, g, r->half_width_m);
    GEOSGeometry *gb = pl_geom_inflate_out(ctx, g, r->half_width_m + margin + t);
    GEOSGeometry *sb = gb ? GEOSTopologyPreserveSimplify_r(h, gb, t) : NULL;
    size_t before = dg->n;
    int bad = !gw || !sb || pl_path_add_nodes(ctx, sb, &dg->x, &dg->y, &dg->n, &dg->cap);
    for (size_t i = before; !bad && i < dg->n; i++) /* bend points inside an obstacle: never used */
        if (pl_path_inside(ctx, os, dg->x[i], dg->y[i]))
            dg->x[i] = NAN;
    if (gb)
        GEOSGeom_destroy_r(h, gb);
    if (sb)
        GEOSGeom_destroy_r(h, sb);
    if (bad && gw) {
        GEOSGeom_destroy_r(h, gw);
        gw = NULL;
    }
    return gw;
}

/* The zones near the ends whose verdict is approval or advisory and whose
 * extent the route's band enters: grown by w into the cost regions, and by
 * w + margin + t, simplified by t, into bend points. */
static int weighted_zones(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, double margin, double t,
                          const ob_set *os, costs *c, dgraph *dg)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double reach = fmax(5000.0, 0.5 * r->length_m);
    double box[4] = {fmin(r->x[0], r->x[r->n_pts - 1]) - reach, fmin(r->y[0], r->y[r->n_pts - 1]) - reach,
                     fmax(r->x[0], r->x[r->n_pts - 1]) + reach, fmax(r->y[0], r->y[r->n_pts - 1]) + reach};
    pl_zonelist cl = {0};
    pl_zones_collect_box(zs, box, &cl);
    int rc = pl_zonelist_finish(ctx, &cl);
    GEOSGeometry **grown[2] = {calloc(cl.n + 1, sizeof **grown), calloc(cl.n + 1, sizeof **grown)};
    size_t ng[2] = {0, 0};
    for (size_t k = 0; rc == PL_OK && k < cl.n && grown[0] && grown[1]; k++) {
        const pl_zone *z = cl.a[k];
        int sev = pl_zone_route_severity(z), which = sev == PL_V_APPROVAL ? 0 : sev == PL_V_ADVISORY ? 1 : -1;
        double vlo, vhi, lo, hi;
        pl_zone_route_extent(z, &vlo, &vhi);
        pl_route_band_for(zs, r, z, &lo, &hi);
        if (which < 0 || !z->g || !pl_band_enters(lo, hi, vlo, vhi))
            continue;
        GEOSGeometry *gw = grow_area(ctx, z->g, r, margin, t, os, dg);
        if (!gw)
            rc = pl_error(ctx, PL_GEOM, "zone %s: cannot grow it for the design: %s", z->id, pl_libmsg(ctx));
        else
            grown[which][ng[which]++] = gw;
    }
    if (rc == PL_OK && (!grown[0] || !grown[1]))
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
    for (int w = 0; w < 2; w++) {
        if (rc == PL_OK && ng[w]) {
            GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, grown[w], (unsigned)ng[w]);
            GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
            c->rg[w] = u ? pl_region_new(ctx, u) : NULL;
            if (!c->rg[w])
                rc = pl_error(ctx, PL_GEOM, "route %s: cannot unite the zones for the design: %s", r->id,
                              pl_libmsg(ctx));
            if (u)
                GEOSGeom_destroy_r(h, u);
            if (coll)
                GEOSGeom_destroy_r(h, coll); /* owns the grown parts */
            else
                for (size_t i = 0; i < ng[w]; i++)
                    GEOSGeom_destroy_r(h, grown[w][i]);
        } else
            for (size_t i = 0; i < ng[w]; i++)
                GEOSGeom_destroy_r(h, grown[w][i]);
        free(grown[w]);
    }
    free(cl.a);
    return rc;
}

/* The built-up area near the ends (box): grown by the half-width into the
 * cost region, and by half-width + margin + t, simplified by t, into bend
 * points, as a weighted zone is. */
static int builtup_area(pl_ctx *ctx, const GEOSGeometry *builtup, const pl_route *r, double margin, double t,
                        const ob_set *os, costs *c, dgraph *dg)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double reach = fmax(5000.0, 0.5 * r->length_m) + r->half_width_m + margin + t;
    double x0 = fmin(r->x[0], r->x[r->n_pts - 1]) - reach, y0 = fmin(r->y[0], r->y[r->n_pts - 1]) - reach;
    double x1 = fmax(r->x[0], r->x[r->n_pts - 1]) + reach, y1 = fmax(r->y[0], r->y[r->n_pts - 1]) + reach;
    GEOSGeometry *near = GEOSClipByRect_r(h, builtup, x0, y0, x1, y1);
    if (near && GEOSisEmpty_r(h, near) == 1) {
        GEOSGeom_destroy_r(h, near);
        return PL_OK;
    }
    GEOSGeometry *gw = near ? grow_area(ctx, near, r, margin, t, os, dg) : NULL;
    int rc = PL_OK;
    if (!gw || !(c->rg[K_BUILTUP] = pl_region_new(ctx, gw)))
        rc = pl_error(ctx, PL_GEOM, "route %s: cannot grow the built-up area for the design: %s", r->id,
                      pl_libmsg(ctx));
    if (near)
        GEOSGeom_destroy_r(h, near);
    if (gw)
        GEOSGeom_destroy_r(h, gw);
    return rc;
}

/* The nodes: the ends, the obstacles' vertices outside the others, the
 * bend points around weighted zones and the built-up area. */
static int design_nodes(pl_ctx *ctx, const pl_zoneset *zs, const GEOSGeometry *builtup, const pl_route *r,
                        double margin, const ob_set *os, costs *c, dgraph *dg)
{
    dg->cap = 64;
    dg->x = malloc(dg->cap * sizeof *dg->x);
    dg->y = malloc(dg->cap * sizeof *dg->y);
    if (!dg->x || !dg->y)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    dg->x[0] = r->x[0], dg->y[0] = r->y[0];
    dg->x[1] = r->x[r->n_pts - 1], dg->y[1] = r->y[r->n_pts - 1];
    dg->n = 2;
    for (size_t k = 0; k < os->n; k++) {
        size_t before = dg->n;
        if (pl_path_add_nodes(ctx, os->a[k].g, &dg->x, &dg->y, &dg->n, &dg->cap))
            return pl_error(ctx, PL_NOMEM, "out of memory");
        for (size_t i = before; i < dg->n; i++)
            if (pl_path_inside(ctx, os, dg->x[i], dg->y[i]))
                dg->x[i] = NAN;
    }
    double t = fmax(100.0, r->length_m / 50.0); /* bend points every few hundred metres of a zone's outline */
    int rc = weighted_zones(ctx, zs, r, margin, t, os, c, dg);
    if (rc == PL_OK && builtup)
        rc = builtup_area(ctx, builtup, r, margin, t, os, c, dg);
    size_t keep = 2; /* drop the nodes marked unusable */
    for (size_t i = 2; rc == PL_OK && i < dg->n; i++)
        if (!isnan(dg->x[i]))
            dg->x[keep] = dg->x[i], dg->y[keep] = dg->y[i], keep++;
    dg->n = keep;
    return rc;
}

/* A* from node 0 to node 1: least cost g, heuristic the straight distance. */
static int least_cost(pl_ctx *ctx, const ob_set *os, const costs *c, dgraph *dg)
{
    size_t n = dg->n;
    dg->g = malloc(n * sizeof *dg->g);
    dg->prev = malloc(n * sizeof *dg->prev);
    dg->done = calloc(n, 1);
    if (!dg->g || !dg->prev || !dg->done)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        dg->g[i] = INFINITY, dg->prev[i] = (size_t)-1;
    dg->g[0] = 0;
    for (;;) {
        size_t u = (size_t)-1;
        double best = INFINITY;
        for (size_t i = 0; i < n; i++) {
            double f = dg->g[i] + hypot(dg->x[1] - dg->x[i], dg->y[1] - dg->y[i]);
            if (!dg->done[i] && f < best)
                best = f, u = i;
        }
        if (u == (size_t)-1 || u == 1)
            return PL_OK;
        dg->done[u] = 1;
        for (size_t v = 0; v < n; v++) {
            if (dg->done[v] || dg->g[u] + hypot(dg->x[v] - dg->x[u], dg->y[v] - dg->y[u]) >= dg->g[v])
                continue; /* no edge costs less than its length */
            int vis = pl_path_visible(ctx, os, dg->x[u], dg->y[u], dg->x[v], dg->y[v]);
            if (vis < 0)
                return pl_errcode(ctx);
            double in[NK], d = vis ? dg->g[u] + edge_cost(c, dg->x[u], dg->y[u], dg->x[v], dg->y[v], in) : INFINITY;
            if (d < dg->g[v])
                dg->g[v] = d, dg->prev[v] = u;
        }
    }
}

/* The path's points, end to start reversed: x, y of m points (owned by
 * the caller) and its metres of each weighted kind. */
static int path_of(pl_ctx *ctx, const costs *c, const dgraph *dg, double **px, double **py, size_t *pm,
                   double in_m[NK])
{
    size_t m = 0;
    for (size_t v = 1; v != (size_t)-1; v = dg->prev[v])
        m++;
    double *x = malloc(m * sizeof *x), *y = malloc(m * sizeof *y);
    if (!x || !y) {
        free(x), free(y);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    size_t k = m;
    for (size_t v = 1; v != (size_t)-1; v = dg->prev[v])
        k--, x[k] = dg->x[v], y[k] = dg->y[v];
    for (int w = 0; w < NK; w++)
        in_m[w] = 0;
    for (size_t i = 0; i + 1 < m; i++) {
        double in[NK];
        edge_cost(c, x[i], y[i], x[i + 1], y[i + 1], in);
        for (int w = 0; w < NK; w++)
            in_m[w] += in[w];
    }
    *px = x, *py = y, *pm = m;
    return PL_OK;
}

/* The drawn route's interior waypoints as points of the path at the same
 * fraction of its length (x, y of m points grown into nx, ny, *pm): the
 * path keeps the drawn climb and descent, at those fractions. */
static int profile_points(const pl_route *r, const double *x, const double *y, size_t m, double len, double **nx,
                          double **ny, size_t *pm)
{
    size_t cap = m + r->n_pts, k = 0;
    double *ox = malloc(cap * sizeof *ox), *oy = malloc(cap * sizeof *oy);
    if (!ox || !oy) {
        free(ox), free(oy);
        return -1;
    }
    double drawn = 0, at = 0; /* along the drawn route, along the path */
    size_t j = 1;             /* the next interior waypoint of the drawn route */
    for (size_t i = 0; i < m; i++) {
        double sl = i + 1 < m ? hypot(x[i + 1] - x[i], y[i + 1] - y[i]) : 0;
        ox[k] = x[i], oy[k++] = y[i];
        for (; i + 1 < m && j + 1 < r->n_pts; j++) {
            double s = (drawn + hypot(r->x[j] - r->x[j - 1], r->y[j] - r->y[j - 1])) / r->length_m * len;
            if (s >= at + sl)
                break;
            drawn += hypot(r->x[j] - r->x[j - 1], r->y[j] - r->y[j - 1]);
            if (s > at) {
                double f = (s - at) / sl;
                ox[k] = x[i] + f * (x[i + 1] - x[i]), oy[k++] = y[i] + f * (y[i + 1] - y[i]);
            }
        }
        at += sl;
    }
    *nx = ox, *ny = oy, *pm = k;
    return 0;
}

/* The path (x, y: m points, taken over) into route r, with the drawn
 * route's altitudes at the same fraction of its length. */
static int take(pl_ctx *ctx, double *x, double *y, size_t m, pl_route *r)
{
    double len = 0, *px = NULL, *py = NULL;
    size_t pm = 0;
    for (size_t i = 0; i + 1 < m; i++)
        len += hypot(x[i + 1] - x[i], y[i + 1] - y[i]);
    int bad = r->length_m > 0 ? profile_points(r, x, y, m, len, &px, &py, &pm) : -1;
    free(x), free(y);
    double *z = bad ? NULL : malloc(pm * sizeof *z);
    GEOSGeometry *line = z ? pl_geom_line(ctx, px, py, pm) : NULL;
    if (!line) {
        free(px), free(py), free(z);
        return pl_error(ctx, PL_GEOM, "route %s: %s", r->id, bad ? "empty" : pl_libmsg(ctx));
    }
    pl_path_altitudes(r, px, py, pm, len, z);
    GEOSGeom_destroy_r(pl_geos(ctx), r->line);
    free(r->x), free(r->y), free(r->alt_m);
    r->x = px, r->y = py, r->alt_m = z, r->n_pts = pm, r->line = line, r->length_m = len;
    return PL_OK;
}

/* The least-cost path into r and d.  Where it has more kilometres in
 * approval airspace than the open straight line, A* runs again with the
 * approval weight ten, a hundred, a thousand times higher; where even that
 * path has more, the straight line is taken.  d->cost is the chosen path's
 * cost at the scenario's weights. */
static int choose(pl_ctx *ctx, const ob_set *os, costs *c, dgraph *dg, pl_route *r, pl_design *d)
{
    double *x = NULL, *y = NULL, in[NK] = {0, 0, 0}, w0 = c->w[0];
    size_t m = 0;
    int rc = PL_OK;
    for (int round = 0; rc == PL_OK; round++) {
        free(dg->g), free(dg->prev), free(dg->done);
        dg->g = NULL, dg->prev = NULL, dg->done = NULL;
        if ((rc = least_cost(ctx, os, c, dg)) != PL_OK)
            break;
        if (!isfinite(dg->g[1])) {
            pl_buf_puts(&d->why, "not designed: forbidden zones close every path between the ends; kept as drawn");
            break;
        }
        free(x), free(y);
        if ((rc = path_of(ctx, c, dg, &x, &y, &m, in)) != PL_OK || !d->straight_open ||
            in[0] <= d->straight_approval_m || round == 3)
            break;
        c->w[0] *= 10;
    }
    c->w[0] = w0;
    if (rc != PL_OK || !x) {
        free(x), free(y);
        return rc;
    }
    if (d->straight_open && in[0] > d->straight_approval_m) {
        x[1] = x[m - 1], y[1] = y[m - 1], m = 2;
        in[0] = d->straight_approval_m, in[1] = d->straight_advisory_m, in[2] = d->straight_builtup_m;
        pl_buf_puts(&d->why, "the straight line: every least-cost path had more kilometres in approval airspace");
    }
    double len = 0;
    for (size_t i = 0; i + 1 < m; i++)
        len += hypot(x[i + 1] - x[i], y[i + 1] - y[i]);
    d->cost = len + c->w[0] * in[0] + c->w[1] * in[1] + c->w[2] * in[2];
    d->approval_m = in[0];
    d->advisory_m = in[1];
    d->builtup_m = in[2];
    if ((rc = take(ctx, x, y, m, r)) == PL_OK) {
        d->length_m = r->length_m;
        d->designed = 1;
    }
    return rc;
}

int pl_design_route(pl_ctx *ctx, const pl_zoneset *zs, const pl_network_cfg *cfg, const GEOSGeometry *builtup,
                    double margin_m, pl_route *r, pl_design *d)
{
    ob_set os = {0};
    costs c = {{NULL, NULL, NULL}, {cfg->approval_weight, cfg->advisory_weight, cfg->builtup_weight}};
    dgraph dg = {0};
    memset(d, 0, sizeof *d);
    double sx = r->x[0], sy = r->y[0], ex = r->x[r->n_pts - 1], ey = r->y[r->n_pts - 1];
    int rc = pl_path_obstacles(ctx, zs, r, r->half_width_m + margin_m, &os);
    if (rc == PL_OK)
        rc = design_nodes(ctx, zs, builtup, r, margin_m, &os, &c, &dg);
    if (rc == PL_OK) { /* the straight line's figures, open or not */
        double in[NK];
        d->straight_length_m = hypot(ex - sx, ey - sy);
        d->straight_cost = edge_cost(&c, sx, sy, ex, ey, in);
        d->straight_approval_m = in[0];
        d->straight_advisory_m = in[1];
        d->straight_builtup_m = in[2];
        d->straight_open = pl_path_visible(ctx, &os, sx, sy, ex, ey) == 1;
    }
    const obst *s_in = rc == PL_OK ? pl_path_inside(ctx, &os, sx, sy) : NULL;
    const obst *e_in = rc == PL_OK ? pl_path_inside(ctx, &os, ex, ey) : NULL;
    if (s_in || e_in)
        pl_buf_printf(&d->why, "not designed: the %s lies inside forbidden %s %s (%s); kept as drawn",
                      s_in ? "start" : "end", (s_in ? s_in : e_in)->zone->cls, (s_in ? s_in : e_in)->zone->id,
                      (s_in ? s_in : e_in)->zone->name);
    else if (rc == PL_OK)
        rc = choose(ctx, &os, &c, &dg, r, d);
    pl_path_obstacles_free(ctx, &os);
    for (int k = 0; k < NK; k++)
        pl_region_free(c.rg[k]);
    if (!builtup)
        d->builtup_m = d->straight_builtup_m = NAN;
    free(dg.x), free(dg.y), free(dg.g), free(dg.prev), free(dg.done);
    return rc;
}

/* The altitude of r's profile at s metres along (s[] the waypoints' distances). */
static double z_at(const pl_route *r, const double *s, double at)
{
    size_t i = 0;
    while (i + 2 < r->n_pts && s[i + 1] <= at)
        i++;
    double seg = s[i + 1] - s[i], f = seg > 0 ? (at - s[i]) / seg : 0;
    return r->alt_m[i] + fmin(1, fmax(0, f)) * (r->alt_m[i + 1] - r->alt_m[i]);
}

/* The surface line from both ends: z0 + s / slope, z1 + (L - s) / slope,
 * never above top. */
static double ramp_at(double z0, double z1, double len, double top, double slope, double at)
{
    return fmin(top, fmin(z0 + at / slope, z1 + (len - at) / slope));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Breakpoints of max(profile, ramp) along r (n_out of them into out, room
 * for 4 n + 8): the waypoints, the ramp's corners, and on each piece
 * between those, where the two lines cross. */
static size_t shape_breaks(const pl_route *r, const double *s, double slope, double top, double *out)
{
    double len = s[r->n_pts - 1], z0 = r->alt_m[0], z1 = r->alt_m[r->n_pts - 1];
    size_t n = 0;
    for (size_t i = 0; i < r->n_pts; i++)
        out[n++] = s[i];
    double corner[3] = {(top - z0) * slope, len - (top - z1) * slope, (z1 - z0) * slope / 2 + len / 2};
    for (int k = 0; k < 3; k++) /* the two ramps' apex only where it is under the cruise */
        if (corner[k] > 0 && corner[k] < len && (k < 2 || z0 + corner[k] / slope < top))
            out[n++] = corner[k];
    qsort(out, n, sizeof *out, cmp_double);
    size_t m = n;
    for (size_t k = 0; k + 1 < n; k++) { /* one crossing at most where both are straight */
        double a = out[k], b = out[k + 1];
        if (b - a < 1e-6)
            continue;
        double da = z_at(r, s, a) - ramp_at(z0, z1, len, top, slope, a);
        double db = z_at(r, s, b) - ramp_at(z0, z1, len, top, slope, b);
        if ((da < 0 && db > 0) || (da > 0 && db < 0))
            out[m++] = a + (b - a) * da / (da - db);
    }
    qsort(out, m, sizeof *out, cmp_double);
    return m;
}

int pl_design_climb(pl_ctx *ctx, pl_route *r, double slope, int *raised)
{
    *raised = 0;
    if (r->n_pts < 2 || !(slope > 0))
        return PL_OK;
    size_t n = r->n_pts, cap = 4 * n + 8, m = 0;
    double *s = malloc(n * sizeof *s), *b = malloc(cap * sizeof *b), top = r->alt_m[0];
    double *x = malloc(cap * sizeof *x), *y = malloc(cap * sizeof *y), *z = malloc(cap * sizeof *z);
    if (!s || !b || !x || !y || !z) {
        free(s), free(b), free(x), free(y), free(z);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    s[0] = 0;
    for (size_t i = 1; i < n; i++) {
        s[i] = s[i - 1] + hypot(r->x[i] - r->x[i - 1], r->y[i] - r->y[i - 1]);
        top = fmax(top, r->alt_m[i]);
    }
    size_t nb = shape_breaks(r, s, slope, top, b);
    for (size_t k = 0, i = 0; k < nb; k++) {
        if (m && b[k] - b[k - 1] < 1e-6)
            continue; /* no repeated point */
        while (i + 2 < n && s[i + 1] <= b[k])
            i++;
        double seg = s[i + 1] - s[i], f = seg > 0 ? fmin(1, fmax(0, (b[k] - s[i]) / seg)) : 0;
        double zp = z_at(r, s, b[k]), zr = ramp_at(r->alt_m[0], r->alt_m[n - 1], s[n - 1], top, slope, b[k]);
        x[m] = r->x[i] + f * (r->x[i + 1] - r->x[i]), y[m] = r->y[i] + f * (r->y[i + 1] - r->y[i]);
        z[m++] = fmax(zp, zr);
        *raised |= zr > zp + 1e-9;
    }
    GEOSGeometry *line = *raised ? pl_geom_line(ctx, x, y, m) : NULL;
    free(s), free(b);
    if (!*raised || !line) {
        free(x), free(y), free(z);
        return *raised ? pl_error(ctx, PL_GEOM, "route %s: %s", r->id, pl_libmsg(ctx)) : PL_OK;
    }
    GEOSGeom_destroy_r(pl_geos(ctx), r->line);
    free(r->x), free(r->y), free(r->alt_m);
    r->x = x, r->y = y, r->alt_m = z, r->n_pts = m, r->line = line;
    return PL_OK;
}
