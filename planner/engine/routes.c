/*
 * routes.c - routes as 3D corridors, checked against every zone.
 *
 * Entry points: pl_routes_build, pl_routes_free, pl_routes_check,
 * pl_route_check, pl_route_band, pl_route_band_in, pl_corridor,
 * pl_route_corridor, pl_routes_share, pl_region_new,
 * pl_region_free, pl_route_length_in, pl_verdict_names.
 *
 * A route is a polyline of waypoints (x, y in the working CRS; altitude in
 * metres, linear between waypoints) with a corridor half-width w and an
 * altitude band [alt - below, alt + above] around the altitude.
 *
 * A route conflicts with a zone when, at some point s of the centreline,
 *   (2D)  the disc of radius w around s meets the zone
 *         <=> s lies in the zone inflated by w, and
 *   (3D)  the band at s overlaps the zone's vertical extent (open interval:
 *         flying exactly at a ceiling, or exactly at a minimum overflight
 *         height, is allowed).
 * Both are evaluated segment by segment and exactly, nothing sampled: the
 * part of a segment inside a zone comes from its crossings with the zone's
 * edges; the part within w of a zone is that plus, for every edge, the
 * segment's meeting with the edge's capsule of radius w (closed form, so
 * the grown zone is exact, not a buffer's inscribed chords); the altitude
 * condition, linear on a segment, is solved in closed form too.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CORRIDOR_QUADSEGS 8 /* GEOS/PostGIS default, for drawn corridors (pl_corridor) */

const char *const pl_verdict_names[] = {"clear", "warning", "blocked", NULL};

/* min and max of finite numbers (coordinates are checked finite on
 * loading): libm's fmin and fmax are calls that care for NaN, and the
 * clip's inner loops make millions of them */
static inline double dmin(double a, double b)
{
    return a < b ? a : b;
}

static inline double dmax(double a, double b)
{
    return a > b ? a : b;
}

/* ==== building routes =============================================== */

static void route_clear(pl_ctx *ctx, pl_route *r)
{
    free(r->id);
    free(r->name);
    free(r->kind);
    free(r->status);
    free(r->aircraft);
    free(r->time_from);
    free(r->time_to);
    free(r->source);
    free(r->license);
    free(r->accuracy);
    free(r->x);
    free(r->y);
    free(r->alt_m);
    if (r->line)
        GEOSGeom_destroy_r(pl_geos(ctx), r->line);
}

static int num_prop(pl_ctx *ctx, const pl_layer_decl *d, const pl_feature *f, const char *key,
                    double dflt, double lo, double *out)
{
    const pl_prop *p = pl_feature_prop(f, key);
    if (!p || p->type == PL_P_NULL) {
        *out = dflt;
        return PL_OK;
    }
    char *end = NULL;
    double v = (p->type == PL_P_STR) ? strtod(p->str, &end) : p->num;
    if ((end && (end == p->str || *end)) || !isfinite(v) || v < lo)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: %s must be a number >= %g, got '%s'",
                        d->path, d->id, f->id, key, lo, p->str ? p->str : "?");
    *out = v;
    return PL_OK;
}

static int build_route(pl_ctx *ctx, const pl_scenario *sc, const pl_layer *l, const pl_feature *f,
                       pl_route *r)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const pl_layer_decl *d = l->decl;
    int rc;
    int t = GEOSGeomTypeId_r(h, f->g);
    if (t != GEOS_LINESTRING)
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': route %s: expected a LineString, got a %s",
                        d->path, d->id, f->id, pl_geom_type_name(t));
    r->id = pl_strdup(f->id);
    r->name = pl_strdup(pl_feature_str(f, "name", f->id));
    r->kind = pl_strdup(pl_feature_str(f, "kind", "unspecified"));
    r->status = pl_strdup(pl_feature_str(f, "status", "planned"));
    r->source = pl_strdup(pl_feature_str(f, "source", NULL));
    r->license = pl_strdup(pl_feature_str(f, "license", NULL));
    r->accuracy = pl_strdup(pl_feature_str(f, "accuracy", NULL));
    r->layer_id = d->id;
    r->time_from = pl_strdup(pl_feature_str(f, "time_from", NULL));
    r->time_to = pl_strdup(pl_feature_str(f, "time_to", NULL));
    if (!r->id || !r->name || !r->kind || !r->status)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    const char *ac = pl_feature_str(f, "aircraft", sc->aircraft_default);
    if (ac && !pl_scenario_aircraft(sc, ac))
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': route %s: aircraft class '%s' is not in the scenario's "
                        "'aircraft' table", d->path, d->id, f->id, ac);
    if (ac && !(r->aircraft = pl_strdup(ac)))
        return pl_error(ctx, PL_NOMEM, "out of memory");
    if (strcmp(r->status, "existing") && strcmp(r->status, "planned") && strcmp(r->status, "proposed"))
        return pl_error(ctx, PL_PARSE,
                        "%s: layer '%s': route %s: status '%s' (expected existing, planned or proposed)",
                        d->path, d->id, f->id, r->status);
    const pl_route_defaults *df = &sc->route;
    double alt_dflt;
    if ((rc = num_prop(ctx, d, f, "half_width_m", df->half_width_m, 0, &r->half_width_m)) ||
        (rc = num_prop(ctx, d, f, "band_below_m", df->band_below_m, 0, &r->band_below_m)) ||
        (rc = num_prop(ctx, d, f, "band_above_m", df->band_above_m, 0, &r->band_above_m)) ||
        (rc = num_prop(ctx, d, f, "altitude_m", df->alt_m, -500, &alt_dflt)))
        return rc;
    if (r->half_width_m <= 0)
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': route %s: half_width_m must be > 0",
                        d->path, d->id, f->id);

    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, f->g);
    unsigned n = 0;
    GEOSCoordSeq_getSize_r(h, cs, &n);
    if (n < 2)
        return pl_error(ctx, PL_GEOM,
                        "%s: layer '%s': route %s has %u point; a route needs at least 2 waypoints",
                        d->path, d->id, f->id, n);
    int has_z = GEOSHasZ_r(h, f->g) == 1;
    r->n_pts = n;
    r->x = malloc(n * sizeof *r->x);
    r->y = malloc(n * sizeof *r->y);
    r->alt_m = malloc(n * sizeof *r->alt_m);
    if (!r->x || !r->y || !r->alt_m)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (unsigned i = 0; i < n; i++) {
        double z = NAN;
        GEOSCoordSeq_getXYZ_r(h, cs, i, &r->x[i], &r->y[i], &z);
        r->alt_m[i] = (has_z && isfinite(z)) ? z : alt_dflt;
    }
    r->line = pl_geom_line(ctx, r->x, r->y, n);
    if (!r->line)
        return pl_errcode(ctx);
    GEOSLength_r(h, r->line, &r->length_m);
    if (!(r->length_m > 0))
        return pl_error(ctx, PL_GEOM, "%s: layer '%s': route %s has zero length", d->path, d->id,
                        f->id);
    return PL_OK;
}

static int cmp_route_id(const void *a, const void *b)
{
    const pl_route *const *x = a, *const *y = b;
    int c = strcmp((*x)->id, (*y)->id);
    return c ? c : (*x > *y) - (*x < *y); /* equal ids in load order */
}

/* Every route id once (sorted, not pairwise: batches hold thousands).  The
 * message names the first repeat in load order. */
static int check_unique_routes(pl_ctx *ctx, const pl_routeset *rs, pl_layer *const *layers, size_t n_layers)
{
    if (rs->n < 2)
        return PL_OK;
    const pl_route **s = malloc(rs->n * sizeof *s);
    if (!s)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < rs->n; i++)
        s[i] = &rs->a[i];
    qsort(s, rs->n, sizeof *s, cmp_route_id);
    const pl_route *dup = NULL;
    for (size_t i = 1; i < rs->n; i++)
        if (!strcmp(s[i - 1]->id, s[i]->id) && (!dup || s[i] < dup))
            dup = s[i];
    free(s);
    if (!dup)
        return PL_OK;
    const char *path = "?";
    for (size_t i = 0; i < n_layers; i++)
        if (!strcmp(layers[i]->decl->id, dup->layer_id))
            path = layers[i]->decl->path;
    return pl_error(ctx, PL_PARSE, "%s: layer '%s': route id '%s' is used twice", path, dup->layer_id, dup->id);
}

int pl_routes_build(pl_ctx *ctx, const pl_scenario *sc, pl_layer *const *layers, size_t n_layers,
                    pl_routeset **out)
{
    int rc = PL_OK;
    *out = NULL;
    size_t total = 0;
    for (size_t i = 0; i < n_layers; i++)
        if (layers[i]->decl->role == PL_ROLE_ROUTES)
            total += layers[i]->n_feats;
    pl_routeset *rs = calloc(1, sizeof *rs);
    if (!rs || !(rs->a = calloc(total ? total : 1, sizeof *rs->a)) ||
        !(rs->res = calloc(total ? total : 1, sizeof *rs->res))) {
        pl_routes_free(ctx, rs);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < n_layers && rc == PL_OK; i++) {
        const pl_layer *l = layers[i];
        if (l->decl->role != PL_ROLE_ROUTES)
            continue;
        for (size_t j = 0; j < l->n_feats && rc == PL_OK; j++)
            rc = build_route(ctx, sc, l, &l->a_feats[j], &rs->a[rs->n++]);
    }
    if (rc == PL_OK)
        rc = check_unique_routes(ctx, rs, layers, n_layers);
    if (rc != PL_OK)
        pl_routes_free(ctx, rs);
    else
        *out = rs;
    return rc;
}

void pl_routes_free(pl_ctx *ctx, pl_routeset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; rs->a && i < rs->n; i++)
        route_clear(ctx, &rs->a[i]);
    for (size_t i = 0; rs->c && i < rs->n_c; i++)
        if (rs->c[i].overlap)
            GEOSGeom_destroy_r(pl_geos(ctx), rs->c[i].overlap);
    free(rs->a);
    free(rs->res);
    free(rs->c);
    free(rs);
}

/* ==== pieces of a route ============================================== */

typedef struct piece {
    size_t seg;      /* segment index: waypoints seg and seg+1 */
    double t0, t1;   /* parameters on the segment, 0 <= t0 <= t1 <= 1 */
} piece;

typedef struct pvec {
    piece *a;
    size_t n, cap;
} pvec;

static int pvec_add(pvec *v, size_t seg, double t0, double t1)
{
    if (v->n == v->cap) {
        size_t c = v->cap ? v->cap * 2 : 16;
        piece *a = realloc(v->a, c * sizeof *a);
        if (!a)
            return -1;
        v->a = a;
        v->cap = c;
    }
    v->a[v->n++] = (piece){seg, t0, t1};
    return 0;
}

/* ---- direct segment / polygon clip --------------------------------------
 * The parts of segment A-B inside a polygon (boundary included, as GEOS's
 * intersection gives them), without an overlay: the parameters t where the
 * segment meets the rings' edges cut it into intervals, each of which lies
 * wholly inside or outside; its midpoint tells which (even-odd over all
 * rings, right for valid polygons, holes and multipolygons), or it runs
 * along an edge.  A single touching point is kept as a point piece. */
typedef struct rings {
    double *xy;        /* x, y pairs of every ring, each closed */
    size_t *start;     /* ring k is points start[k] .. start[k+1]-1 */
    size_t n_rings, n_pts, cap_pts, cap_rings;
    /* runs of CHUNK consecutive edges of one ring with their box: a query
     * skips a whole run whose box it misses (rings are coherent in space) */
    size_t *cj;        /* run c is edges cj[2c] .. cj[2c+1]-1 (edge j: point j to j+1) */
    double *cb;        /* its box: minx, miny, maxx, maxy */
    size_t n_chunks;
    /* rings of many edges (a lake's shore, a circle of hundreds of points)
     * also get a grid of square cells of side gs from gx0, gy0, nx by ny,
     * covering the rings' box grown by gm.  Cell k = column * ny + row
     * lists the edges that meet it grown by gm (ge[ge_at[k] .. ge_at[k+1]-1],
     * in ring order); a column's cells are neighbours in memory, so the
     * cells a segment passes in one column are one stretch of ge.  gin[k]
     * tells whether the cell's centre is inside (GRID_UNSURE when it lies
     * within gm of an edge); a cell without edges is wholly inside or
     * outside.  A segment reads the cells along it, a point its own cell:
     * the lake's shore near them, nothing else. */
    size_t nx, ny, *ge_at, *ge;
    unsigned char *gin;
    double gx0, gy0, gs, gi, gm; /* gi = 1 / gs */
} rings;

#define CHUNK 16
#define GRID_MIN_EDGES 64 /* rings with fewer edges have at most four runs: read them all */
#define GRID_CELLS 1      /* cells an edge, about */
#define GRID_UNSURE 2

static void rings_free(rings *rg)
{
    free(rg->xy);
    free(rg->start);
    free(rg->cj);
    free(rg->cb);
    free(rg->ge_at);
    free(rg->ge);
    free(rg->gin);
    memset(rg, 0, sizeof *rg);
}

/* The grid cells within w of the segment a-b, or more (never fewer):
 * column by column, the rows the segment spans over the column's x range
 * grown by w, grown by w.  Cells are stored column by column, so these are
 * cells k0 .. k1 of each column: calls visit(k0, k1, ud) for each; stops
 * and returns the first non-zero it returns. */
static inline int grid_walk(const rings *rg, double ax, double ay, double bx, double by, double w,
                            int (*visit)(size_t k0, size_t k1, void *ud), void *ud)
{
    double x0 = dmin(ax, bx), x1 = dmax(ax, bx), y0 = dmin(ay, by), y1 = dmax(ay, by);
    double nx = (double)rg->nx, ny = (double)rg->ny; /* cell indices: floor((x - gx0) gi) */
    double u0 = (x0 - w - rg->gx0) * rg->gi, u1 = (x1 + w - rg->gx0) * rg->gi;
    if (u1 < 0 || u0 >= nx || (y1 + w - rg->gy0) * rg->gi < 0 || (y0 - w - rg->gy0) * rg->gi >= ny)
        return 0;
    size_t c0 = u0 <= 0 ? 0 : (size_t)u0, c1 = u1 >= nx - 1 ? rg->nx - 1 : (size_t)u1;
    double slope = x1 > x0 ? (by - ay) / (bx - ax) : 0;
    for (size_t c = c0; c <= c1; c++) {
        double lo = y0, hi = y1; /* the segment's y over the column's x range grown by w */
        if (x1 > x0) {
            double xa = dmax(rg->gx0 + rg->gs * (double)c - w, x0);
            double xb = dmin(rg->gx0 + rg->gs * (double)(c + 1) + w, x1);
            double ya = ay + (xa - ax) * slope, yb = ay + (xb - ax) * slope;
            lo = dmax(y0, dmin(ya, yb));
            hi = dmin(y1, dmax(ya, yb));
        }
        double v0 = (lo - w - rg->gy0) * rg->gi, v1 = (hi + w - rg->gy0) * rg->gi;
        if (v1 < 0 || v0 >= ny)
            continue;
        size_t r0 = v0 <= 0 ? 0 : (size_t)v0, r1 = v1 >= ny - 1 ? rg->ny - 1 : (size_t)v1;
        int rc = visit(c * rg->ny + r0, c * rg->ny + r1, ud);
        if (rc)
            return rc;
    }
    return 0;
}

static double pt_seg_dist(double px, double py, double ax, double ay, double bx, double by);
static int locate_runs(const rings *rg, double px, double py, double tol);

/* the grid's build: a count pass, then a fill pass, over each edge's cells */
typedef struct grid_fill {
    rings *rg;
    size_t j;    /* the edge */
    int pass;
} grid_fill;

static int grid_fill_cells(size_t k0, size_t k1, void *ud)
{
    grid_fill *f = ud;
    for (size_t k = k0; k <= k1; k++) {
        if (f->pass)
            f->rg->ge[f->rg->ge_at[k]++] = f->j;
        else
            f->rg->ge_at[k + 1]++;
    }
    return 0;
}

/* which side of the line m-p the point v lies: 1 left, 0 right or on it
 * (one function for both ends of every edge, so that an edge's end and the
 * next edge's start always agree) */
static inline int side_of(double vx, double vy, double mx, double my, double px, double py)
{
    return (px - mx) * (vy - my) - (py - my) * (vx - mx) > 0;
}

/* 1 when edge e (x0, y0, x1, y1) crosses the way from m to p: its ends
 * on two sides of the way's line, m and p on two sides of the edge's.
 * Counted over a ring's edges, the parity of the crossings tells whether
 * m and p lie on the same side of the boundary (neither within a rounding
 * error of an edge: the callers see to that). */
static inline int crosses(const double *e, double mx, double my, double px, double py)
{
    if (side_of(e[0], e[1], mx, my, px, py) == side_of(e[2], e[3], mx, my, px, py))
        return 0;
    double ex = e[2] - e[0], ey = e[3] - e[1];
    return (ex * (my - e[1]) - ey * (mx - e[0]) > 0) != (ex * (py - e[1]) - ey * (px - e[0]) > 0);
}

/* The grid of rings with many edges: cells about GRID_CELLS an edge, square.
 * Returns 0 (also when the rings are too few or flat for one), or -1 out
 * of memory. */
static int rings_grid(rings *rg)
{
    size_t n_edges = 0;
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t k = 0; k < rg->n_rings; k++)
        if (rg->start[k + 1] - rg->start[k] > 1)
            n_edges += rg->start[k + 1] - rg->start[k] - 1;
    if (n_edges < GRID_MIN_EDGES)
        return 0;
    for (size_t c = 0; c < rg->n_chunks; c++) {
        x0 = dmin(x0, rg->cb[4 * c]);
        y0 = dmin(y0, rg->cb[4 * c + 1]);
        x1 = dmax(x1, rg->cb[4 * c + 2]);
        y1 = dmax(y1, rg->cb[4 * c + 3]);
    }
    if (!(x1 > x0 && y1 > y0))
        return 0;
    /* gm: far above rounding at these coordinates, far below any length
     * that matters (0.3 m at 3,400 km from the origin), and above the
     * clip's tolerance of 1e-9 of the coordinates */
    rg->gm = 1e-7 * dmax(1.0, dmax(dmax(fabs(x0), fabs(x1)), dmax(fabs(y0), fabs(y1))));
    x0 -= rg->gm;
    y0 -= rg->gm;
    x1 += rg->gm;
    y1 += rg->gm;
    rg->gs = sqrt((x1 - x0) * (y1 - y0) / (double)(GRID_CELLS * n_edges));
    rg->gs = dmax(rg->gs, dmax(x1 - x0, y1 - y0) / 4096); /* a long thin box: at most 4096 cells a side */
    rg->gi = 1 / rg->gs;
    rg->nx = (size_t)ceil((x1 - x0) / rg->gs);
    rg->ny = (size_t)ceil((y1 - y0) / rg->gs);
    rg->nx += !rg->nx;
    rg->ny += !rg->ny;
    rg->gx0 = x0;
    rg->gy0 = y0;
    size_t n_cells = rg->nx * rg->ny;
    rg->ge_at = calloc(n_cells + 1, sizeof *rg->ge_at);
    rg->gin = malloc(n_cells);
    if (!rg->ge_at || !rg->gin)
        return -1;
    grid_fill f = {rg, 0, 0};
    for (f.pass = 0; f.pass < 2; f.pass++) {
        if (f.pass) {
            for (size_t k = 0; k < n_cells; k++)
                rg->ge_at[k + 1] += rg->ge_at[k];
            if (!(rg->ge = malloc((rg->ge_at[n_cells] ? rg->ge_at[n_cells] : 1) * sizeof *rg->ge)))
                return -1;
        }
        for (size_t k = 0; k < rg->n_rings; k++)
            for (f.j = rg->start[k]; f.j + 1 < rg->start[k + 1]; f.j++) {
                const double *e = rg->xy + 2 * f.j;
                grid_walk(rg, e[0], e[1], e[2], e[3], rg->gm, grid_fill_cells, &f);
            }
    }
    /* the fill moved each start to the next cell's: shift back */
    memmove(rg->ge_at + 1, rg->ge_at, n_cells * sizeof *rg->ge_at);
    rg->ge_at[0] = 0;
    /* the side of each cell's centre: up each column from the last one
     * known, over the edges of the two cells (each once: both lists are in
     * ring order); afresh over the runs after a centre too near an edge */
    for (size_t k = 0; k < n_cells; k++) {
        double cx = rg->gx0 + rg->gs * ((double)(k / rg->ny) + 0.5), cy = rg->gy0 + rg->gs * ((double)(k % rg->ny) + 0.5);
        int sure = 1;
        for (size_t q = rg->ge_at[k]; q < rg->ge_at[k + 1] && sure; q++) {
            const double *e = rg->xy + 2 * rg->ge[q];
            sure = pt_seg_dist(cx, cy, e[0], e[1], e[2], e[3]) > rg->gm;
        }
        if (!sure) {
            rg->gin[k] = GRID_UNSURE;
            continue;
        }
        if (k % rg->ny == 0 || rg->gin[k - 1] == GRID_UNSURE) {
            rg->gin[k] = (unsigned char)locate_runs(rg, cx, cy, 0);
            continue;
        }
        int in = rg->gin[k - 1];
        size_t a = rg->ge_at[k - 1], a_end = rg->ge_at[k], b = a_end, b_end = rg->ge_at[k + 1];
        while (a < a_end || b < b_end) {
            size_t j;
            if (b == b_end || (a < a_end && rg->ge[a] < rg->ge[b]))
                j = rg->ge[a++];
            else if (a == a_end || rg->ge[b] < rg->ge[a])
                j = rg->ge[b++];
            else { /* in both cells */
                j = rg->ge[a++];
                b++;
            }
            in ^= crosses(rg->xy + 2 * j, cx, cy - rg->gs, cx, cy);
        }
        rg->gin[k] = (unsigned char)in;
    }
    return 0;
}

/* Group the edges into runs with boxes, and a grid for many edges.
 * Returns 0, or -1 out of memory. */
static int rings_chunk(rings *rg)
{
    size_t m = 0;
    for (size_t k = 0; k < rg->n_rings; k++) {
        size_t e = rg->start[k + 1] - rg->start[k];
        m += e > 1 ? (e - 1 + CHUNK - 1) / CHUNK : 0;
    }
    rg->cj = malloc((m ? m : 1) * 2 * sizeof *rg->cj);
    rg->cb = malloc((m ? m : 1) * 4 * sizeof *rg->cb);
    if (!rg->cj || !rg->cb)
        return -1;
    rg->n_chunks = 0;
    for (size_t k = 0; k < rg->n_rings; k++)
        for (size_t j0 = rg->start[k]; j0 + 1 < rg->start[k + 1]; j0 += CHUNK) {
            size_t j1 = j0 + CHUNK < rg->start[k + 1] - 1 ? j0 + CHUNK : rg->start[k + 1] - 1;
            double *b = rg->cb + 4 * rg->n_chunks;
            b[0] = b[2] = rg->xy[2 * j0];
            b[1] = b[3] = rg->xy[2 * j0 + 1];
            for (size_t j = j0 + 1; j <= j1; j++) {
                b[0] = dmin(b[0], rg->xy[2 * j]);
                b[1] = dmin(b[1], rg->xy[2 * j + 1]);
                b[2] = dmax(b[2], rg->xy[2 * j]);
                b[3] = dmax(b[3], rg->xy[2 * j + 1]);
            }
            rg->cj[2 * rg->n_chunks] = j0;
            rg->cj[2 * rg->n_chunks + 1] = j1;
            rg->n_chunks++;
        }
    return rings_grid(rg);
}

/* 1 when the segment a-b misses run c's box grown by w: the run lies
 * farther than w from it (a finer test than boxes for a long diagonal
 * segment, whose box takes in much; at the grown box's corners it keeps a
 * few runs the distance would drop, and the edges' own tests do that) */
static int chunk_far(const rings *rg, size_t c, double ax, double ay, double bx, double by, double w)
{
    const double *e = rg->cb + 4 * c;
    return !pl_seg_box_meets(ax, ay, bx, by, e[0] - w, e[1] - w, e[2] + w, e[3] + w);
}

/* The edges within w of the segment a-b, or a few more, each once: those
 * listed in the grid's cells along it, or those of the runs whose box,
 * grown by w, the segment meets. */
typedef struct edgelist {
    size_t *a, n, cap;
    size_t buf[128];     /* on the heap only for a long list */
    uint64_t *seen;      /* a bit for each point of the rings: listed already (zeroed at the first) */
    uint64_t seen_buf[128];
} edgelist;

static void edgelist_init(edgelist *l)
{
    l->a = l->buf;
    l->n = 0;
    l->cap = sizeof l->buf / sizeof *l->buf;
    l->seen = NULL;
}

static void edgelist_free(edgelist *l)
{
    if (l->a != l->buf)
        free(l->a);
    if (l->seen != l->seen_buf)
        free(l->seen);
    edgelist_init(l);
}

static int edgelist_add(edgelist *l, size_t j)
{
    if (l->n == l->cap) {
        size_t *a = l->a == l->buf ? malloc(2 * l->cap * sizeof *a) : realloc(l->a, 2 * l->cap * sizeof *a);
        if (!a)
            return -1;
        if (l->a == l->buf)
            memcpy(a, l->buf, sizeof l->buf);
        l->a = a;
        l->cap *= 2;
    }
    l->a[l->n++] = j;
    return 0;
}

typedef struct grid_gather {
    const rings *rg;
    edgelist *l;
} grid_gather;

static int gather_cells(size_t k0, size_t k1, void *ud)
{
    grid_gather *g = ud;
    edgelist *l = g->l;
    if (!l->seen && g->rg->ge_at[k0] < g->rg->ge_at[k1 + 1]) { /* the bits, at the first edge */
        size_t words = (g->rg->n_pts + 63) / 64;
        if (words <= sizeof l->seen_buf / sizeof *l->seen_buf)
            l->seen = memset(l->seen_buf, 0, words * sizeof *l->seen);
        else if (!(l->seen = calloc(words, sizeof *l->seen)))
            return -1;
    }
    for (size_t q = g->rg->ge_at[k0]; q < g->rg->ge_at[k1 + 1]; q++) {
        size_t j = g->rg->ge[q];
        uint64_t bit = (uint64_t)1 << (j & 63);
        if (l->seen[j >> 6] & bit)
            continue; /* met in an earlier cell */
        l->seen[j >> 6] |= bit;
        if (edgelist_add(l, j))
            return -1;
    }
    return 0;
}

static int edges_near(const rings *rg, double ax, double ay, double bx, double by, double w, edgelist *l)
{
    l->n = 0;
    if (!rg->ge_at) {
        for (size_t c = 0; c < rg->n_chunks; c++)
            if (!chunk_far(rg, c, ax, ay, bx, by, w))
                for (size_t j = rg->cj[2 * c]; j < rg->cj[2 * c + 1]; j++)
                    if (edgelist_add(l, j))
                        return -1;
        return 0;
    }
    grid_gather g = {rg, l};
    int rc = grid_walk(rg, ax, ay, bx, by, w + rg->gm, gather_cells, &g);
    for (size_t q = 0; q < l->n; q++) /* the bits back to zero for the next query */
        l->seen[l->a[q] >> 6] = 0;
    return rc ? -1 : 0;
}

/* Room for m more points and a ring in rg: -1 when out of memory */
static int rings_room(rings *rg, size_t m)
{
    if (rg->n_pts + m > rg->cap_pts) {
        size_t c = (rg->n_pts + m) * 2;
        double *a = realloc(rg->xy, 2 * c * sizeof *a);
        if (!a)
            return -1;
        rg->xy = a;
        rg->cap_pts = c;
    }
    if (rg->n_rings + 2 > rg->cap_rings) {
        size_t c = (rg->n_rings + 2) * 2;
        size_t *a = realloc(rg->start, c * sizeof *a);
        if (!a)
            return -1;
        rg->start = a;
        rg->cap_rings = c;
    }
    return 0;
}

/* the ring just written at the end of rg->xy, m points, counted in */
static void rings_close(rings *rg, size_t m)
{
    rg->start[rg->n_rings++] = rg->n_pts;
    rg->n_pts += m;
    rg->start[rg->n_rings] = rg->n_pts;
}

static int rings_add(pl_ctx *ctx, rings *rg, const GEOSGeometry *ring)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned m = 0;
    GEOSCoordSeq_getSize_r(h, cs, &m);
    if (rings_room(rg, m) || (m && !GEOSCoordSeq_copyToBuffer_r(h, cs, rg->xy + 2 * rg->n_pts, 0, 0)))
        return -1;
    rings_close(rg, m);
    return 0;
}

/* a ring of m points (x, y pairs, closed) into rg */
static int rings_add_xy(rings *rg, const double *xy, size_t m)
{
    if (rings_room(rg, m))
        return -1;
    memcpy(rg->xy + 2 * rg->n_pts, xy, 2 * m * sizeof *xy);
    rings_close(rg, m);
    return 0;
}

static int rings_of(pl_ctx *ctx, rings *rg, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int t = GEOSGeomTypeId_r(h, g);
    if (t == GEOS_POLYGON) {
        if (GEOSisEmpty_r(h, g) == 1)
            return 0;
        if (rings_add(ctx, rg, GEOSGetExteriorRing_r(h, g)))
            return -1;
        int k = GEOSGetNumInteriorRings_r(h, g);
        for (int i = 0; i < k; i++)
            if (rings_add(ctx, rg, GEOSGetInteriorRingN_r(h, g, i)))
                return -1;
        return 0;
    }
    int k = GEOSGetNumGeometries_r(h, g);
    for (int i = 0; i < k; i++)
        if (rings_of(ctx, rg, GEOSGetGeometryN_r(h, g, i)))
            return -1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Distance from point p to segment a-b. */
static double pt_seg_dist(double px, double py, double ax, double ay, double bx, double by)
{
    double ex = bx - ax, ey = by - ay, l2 = ex * ex + ey * ey;
    double u = l2 > 0 ? ((px - ax) * ex + (py - ay) * ey) / l2 : 0;
    u = u < 0 ? 0 : (u > 1 ? 1 : u);
    double qx = ax + u * ex - px, qy = ay + u * ey - py;
    return sqrt(qx * qx + qy * qy); /* hypot's care for overflow is not needed at map scale, and it is slow */
}

/* 1 when p lies within tol of segment a-b: the boxes first (most edges of
 * a run are far), then the distance */
static int pt_seg_near(double px, double py, double ax, double ay, double bx, double by, double tol)
{
    if (px < dmin(ax, bx) - tol || px > dmax(ax, bx) + tol || py < dmin(ay, by) - tol || py > dmax(ay, by) + tol)
        return 0;
    return pt_seg_dist(px, py, ax, ay, bx, by) <= tol;
}

/* 1 inside or on the boundary (within tol), 0 outside: the point's grid
 * cell, from the side of the cell's centre and the edges crossing the way
 * from the centre to the point, all of them in the cell; without a grid
 * (or at a centre too near an edge to be sure of), locate_runs. */
static int locate(const rings *rg, double px, double py, double tol)
{
    if (!rg->ge_at || !(tol < rg->gm))
        return locate_runs(rg, px, py, tol);
    double fx = (px - rg->gx0) * rg->gi, fy = (py - rg->gy0) * rg->gi;
    if (!(fx >= 0 && fy >= 0 && fx < (double)rg->nx && fy < (double)rg->ny))
        return 0; /* beyond the rings' box grown by gm > tol */
    size_t c = (size_t)fx, r = (size_t)fy, k = c * rg->ny + r;
    if (rg->gin[k] == GRID_UNSURE)
        return locate_runs(rg, px, py, tol);
    /* every edge within gm of the cell is in its list: those within tol
     * of the point, and those the way from the centre crosses */
    double mx = rg->gx0 + rg->gs * ((double)c + 0.5), my = rg->gy0 + rg->gs * ((double)r + 0.5);
    int in = rg->gin[k];
    for (size_t q = rg->ge_at[k]; q < rg->ge_at[k + 1]; q++) {
        const double *e = rg->xy + 2 * rg->ge[q];
        if (pt_seg_near(px, py, e[0], e[1], e[2], e[3], tol))
            return 1;
        in ^= crosses(e, mx, my, px, py);
    }
    return in;
}

/* locate over the runs the ray to +x or the point's neighbourhood reach */
static int locate_runs(const rings *rg, double px, double py, double tol)
{
    int in = 0;
    for (size_t c = 0; c < rg->n_chunks; c++) {
        const double *b = rg->cb + 4 * c;
        int near = px >= b[0] - tol && px <= b[2] + tol && py >= b[1] - tol && py <= b[3] + tol;
        int ray = b[1] <= py && py < b[3] && b[2] >= px;
        if (!near && !ray)
            continue;
        for (size_t j = rg->cj[2 * c]; j < rg->cj[2 * c + 1]; j++) {
            double x0 = rg->xy[2 * j], y0 = rg->xy[2 * j + 1], x1 = rg->xy[2 * j + 2], y1 = rg->xy[2 * j + 3];
            if (near && pt_seg_near(px, py, x0, y0, x1, y1, tol))
                return 1;
            if ((y0 > py) != (y1 > py) && px < x0 + (py - y0) * (x1 - x0) / (y1 - y0))
                in = !in;
        }
    }
    return in;
}

/* The pieces of segment i inside the polygon of rg: the parameters t
 * where the segment meets edges cut it into intervals, each wholly inside
 * or outside (or along an edge); clip_edge takes the edges one by one
 * (any that could lie within tol of the segment, and others),
 * clip_finish locates the intervals. */
typedef struct clip {
    double ax, ay, dx, dy, len, tol;
    double qx0, qx1, qy0, qy1;  /* the segment's box grown by tol */
    size_t n, cap, near_edges;
    int end_near[2];            /* an edge's box (grown by tol) holds the start, the end */
    int oom;
    double *t, tbuf[64];        /* on the heap only for many crossings */
} clip;

static void clip_init(clip *c, const pl_route *r, size_t i)
{
    c->ax = r->x[i];
    c->ay = r->y[i];
    c->dx = r->x[i + 1] - c->ax;
    c->dy = r->y[i + 1] - c->ay;
    c->len = sqrt(c->dx * c->dx + c->dy * c->dy);
    c->tol = 1e-9 * dmax(1.0, dmax(fabs(c->ax), fabs(c->ay)));
    c->qx0 = dmin(c->ax, c->ax + c->dx) - c->tol;
    c->qx1 = dmax(c->ax, c->ax + c->dx) + c->tol;
    c->qy0 = dmin(c->ay, c->ay + c->dy) - c->tol;
    c->qy1 = dmax(c->ay, c->ay + c->dy) + c->tol;
    c->n = c->near_edges = 0;
    c->cap = sizeof c->tbuf / sizeof *c->tbuf;
    c->end_near[0] = c->end_near[1] = 0;
    c->oom = 0;
    c->t = c->tbuf;
    c->t[c->n++] = 0;
    c->t[c->n++] = 1;
}

/* e: the edge's x0, y0, x1, y1 */
static inline void clip_edge(clip *c, const double *e)
{
    double ax = c->ax, ay = c->ay, dx = c->dx, dy = c->dy, len = c->len, tol = c->tol;
    double cx = e[0], cy = e[1], ex = e[2] - cx, ey = e[3] - cy;
    if (dmax(cx, cx + ex) < c->qx0 || dmin(cx, cx + ex) > c->qx1 || dmax(cy, cy + ey) < c->qy0 ||
        dmin(cy, cy + ey) > c->qy1)
        return; /* boxes apart: no crossing, no touch */
    double den = dx * ey - dy * ex, wx = cx - ax, wy = cy - ay;
    double s0 = wx * dy - wy * dx, s1 = s0 + ex * dy - ey * dx, m_side = tol * len;
    if ((s0 > m_side && s1 > m_side) || (s0 < -m_side && s1 < -m_side))
        return; /* both ends farther than tol on one side of the segment's line */
    c->near_edges++;
    /* could the segment's ends lie within tol of this edge? */
    double ex0 = dmin(cx, cx + ex) - tol, ex1 = dmax(cx, cx + ex) + tol;
    double ey0 = dmin(cy, cy + ey) - tol, ey1 = dmax(cy, cy + ey) + tol;
    c->end_near[0] |= ax >= ex0 && ax <= ex1 && ay >= ey0 && ay <= ey1;
    c->end_near[1] |= ax + dx >= ex0 && ax + dx <= ex1 && ay + dy >= ey0 && ay + dy <= ey1;
    double tt[2];
    int m = 0;
    if (fabs(den) > 1e-12 * len * sqrt(ex * ex + ey * ey)) {
        double ts = (wx * ey - wy * ex) / den, us = (wx * dy - wy * dx) / den;
        if (us >= -1e-12 && us <= 1 + 1e-12 && ts >= 0 && ts <= 1)
            tt[m++] = ts;
    } else if (fabs(wx * dy - wy * dx) <= tol * len) { /* collinear: the edge's ends */
        tt[m++] = (wx * dx + wy * dy) / (len * len);
        tt[m++] = ((wx + ex) * dx + (wy + ey) * dy) / (len * len);
    }
    for (int k = 0; k < m && !c->oom; k++) {
        if (tt[k] < 0 || tt[k] > 1)
            continue;
        if (c->n == c->cap) {
            double *a = c->t == c->tbuf ? malloc(2 * c->cap * sizeof *a) : realloc(c->t, 2 * c->cap * sizeof *a);
            if (!a) {
                c->oom = 1;
                return;
            }
            if (c->t == c->tbuf)
                memcpy(a, c->tbuf, sizeof c->tbuf);
            c->t = a;
            c->cap *= 2;
        }
        c->t[c->n++] = tt[k];
    }
}

static int clip_finish(clip *c, const rings *rg, size_t i, pvec *v)
{
    double ax = c->ax, ay = c->ay, dx = c->dx, dy = c->dy, len = c->len, tol = c->tol, *t = c->t;
    size_t n = c->n;
    int rc = c->oom ? -1 : 0, prev_in = 0;
    if (!rc && (!c->near_edges || len <= tol)) /* no edge within tol of the segment: wholly inside or
                                                  outside; or a vertical or near-vertical segment, no
                                                  longer than tol: its position, inside within tol */
        rc = locate(rg, ax + dx / 2, ay + dy / 2, tol) ? pvec_add(v, i, 0, 1) : 0;
    else if (!rc) {
        if (n > 32)
            qsort(t, n, sizeof *t, cmp_double);
        else /* a few crossings: in place, without a call a comparison */
            for (size_t k = 1; k < n; k++) {
                double x = t[k];
                size_t m = k;
                for (; m > 0 && t[m - 1] > x; m--)
                    t[m] = t[m - 1];
                t[m] = x;
            }
        for (size_t k = 0; k + 1 < n && !rc; k++) {
            double t0 = t[k], t1 = t[k + 1], tm = (t0 + t1) / 2;
            if ((t1 - t0) * len <= tol)
                continue;
            int in = locate(rg, ax + tm * dx, ay + tm * dy, tol);
            if (in)
                rc = pvec_add(v, i, t0, t1);
            else if (!prev_in && (k > 0 || c->end_near[0]) && locate(rg, ax + t0 * dx, ay + t0 * dy, tol))
                rc = pvec_add(v, i, t0, t0); /* touches at a point only (the start: only near an edge) */
            prev_in = in;
        }
        if (!rc && !prev_in && c->end_near[1] && locate(rg, ax + dx, ay + dy, tol))
            rc = pvec_add(v, i, 1, 1);
    }
    if (c->t != c->tbuf)
        free(c->t);
    return rc;
}

static int clip_direct(const pl_route *r, size_t i, const rings *rg, pvec *v)
{
    double ax = r->x[i], ay = r->y[i], tol = 1e-9 * dmax(1.0, dmax(fabs(ax), fabs(ay)));
    edgelist el;
    edgelist_init(&el);
    int rc = edges_near(rg, ax, ay, r->x[i + 1], r->y[i + 1], tol, &el);
    if (!rc) {
        clip c;
        clip_init(&c, r, i);
        for (size_t q = 0; q < el.n; q++)
            clip_edge(&c, rg->xy + 2 * el.a[q]);
        rc = clip_finish(&c, rg, i, v);
    }
    edgelist_free(&el);
    return rc;
}

/* Interval of t in [0,1] where |A + t d - C| <= w; 0 when empty.  From
 * the line's distance p to C and the half-chord sqrt((w - p)(w + p)), which
 * keep their digits where the quadratic's discriminant loses them (a line
 * grazing a 22 km circle).  d = 0, a vertical segment (one position over
 * its whole climb): all of [0,1] when A lies within w of C. */
static int disc_interval(double ax, double ay, double dx, double dy, double cx, double cy, double w,
                         double *t0, double *t1)
{
    double qa = dx * dx + dy * dy, ex = ax - cx, ey = ay - cy;
    if (qa <= 0) {
        *t0 = 0;
        *t1 = 1;
        return sqrt(ex * ex + ey * ey) <= w;
    }
    double l = sqrt(qa), p = fabs(ex * dy - ey * dx) / l;
    if (!(p <= w))
        return 0;
    double tm = -(ex * dx + ey * dy) / qa, hc = sqrt((w - p) * (w + p)) / l;
    *t0 = dmax(0, tm - hc);
    *t1 = dmin(1, tm + hc);
    return *t0 <= *t1;
}

/* A circle zone (c: centre x, y and radius), exactly: segment i's corridor
 * meets it where the centreline is within radius + w of the centre, and is
 * inside it within the radius (closed form: the chord). */
static int circle_pieces(const pl_route *r, size_t i, const double c[3], double w, pvec *cor, pvec *in)
{
    double ax = r->x[i], ay = r->y[i], dx = r->x[i + 1] - ax, dy = r->y[i + 1] - ay, t0, t1;
    if (!disc_interval(ax, ay, dx, dy, c[0], c[1], c[2] + w, &t0, &t1))
        return 0;
    if (pvec_add(cor, i, t0, t1))
        return -1;
    if (disc_interval(ax, ay, dx, dy, c[0], c[1], c[2], &t0, &t1) && pvec_add(in, i, t0, t1))
        return -1;
    return 0;
}

/* Where on segment i the corridor of half-width w meets the polygon whose
 * rings are rg: the segment within w of it.  Exact: the polygon grown by w
 * is the polygon together with, for every edge, the capsule of radius w
 * around it (a rectangle along the edge and a disc at each vertex), and
 * each of these meets a straight segment in one interval of t found in
 * closed form.  The segment's pieces inside the polygon itself go to in
 * as well (the first step of the answer, kept for the caller). */
static int corridor_direct(const pl_route *r, size_t i, const rings *rg, double w, pvec *v, pvec *in)
{
    double ax = r->x[i], ay = r->y[i], dx = r->x[i + 1] - ax, dy = r->y[i + 1] - ay;
    clip cl; /* the segment inside the polygon itself, from the same edges */
    clip_init(&cl, r, i);
    double wq = dmax(w, cl.tol), len = cl.len; /* the clip's edges are among those within w */
    double bx0 = dmin(ax, ax + dx) - wq, bx1 = dmax(ax, ax + dx) + wq;
    double by0 = dmin(ay, ay + dy) - wq, by1 = dmax(ay, ay + dy) + wq;
    size_t in0 = in->n;
    edgelist el;
    edgelist_init(&el);
    int rc = edges_near(rg, ax, ay, ax + dx, ay + dy, wq, &el);
    for (size_t q = 0; !rc && q < el.n; q++) {
        size_t j = el.a[q];
        double cx = rg->xy[2 * j], cy = rg->xy[2 * j + 1], ex = rg->xy[2 * j + 2] - cx, ey = rg->xy[2 * j + 3] - cy;
        if (dmax(cx, cx + ex) < bx0 || dmin(cx, cx + ex) > bx1 || dmax(cy, cy + ey) < by0 ||
            dmin(cy, cy + ey) > by1)
            continue; /* the edge's capsule cannot reach the segment */
        double c0s = (cx - ax) * dy - (cy - ay) * dx, c1s = c0s + ex * dy - ey * dx, m_side = wq * len;
        if ((c0s > m_side && c1s > m_side) || (c0s < -m_side && c1s < -m_side))
            continue; /* nor when both its ends lie farther than w on one side of the line */
        clip_edge(&cl, rg->xy + 2 * j);
        double t0, t1;
        if (disc_interval(ax, ay, dx, dy, cx, cy, w, &t0, &t1))
            rc = pvec_add(v, i, t0, t1);
        double L = sqrt(ex * ex + ey * ey);
        if (rc || L <= 0)
            continue;
        /* the rectangle: 0 <= along <= L and |across| <= w, both linear in t */
        double ux = ex / L, uy = ey / L;
        double a0 = (ax - cx) * ux + (ay - cy) * uy, a1 = dx * ux + dy * uy;   /* along = a0 + t a1 */
        double p0 = -(ax - cx) * uy + (ay - cy) * ux, p1 = -dx * uy + dy * ux; /* across = p0 + t p1 */
        double lo = 0, hi = 1;
        double lims[2][3] = {{a0, a1, 0}, {p0, p1, 0}};
        double bounds[2][2] = {{0, L}, {-w, w}};
        for (int c = 0; c < 2 && lo <= hi; c++) {
            double c0 = lims[c][0], c1 = lims[c][1];
            if (fabs(c1) < 1e-15) {
                if (c0 < bounds[c][0] || c0 > bounds[c][1])
                    hi = -1;
            } else {
                double s0 = (bounds[c][0] - c0) / c1, s1 = (bounds[c][1] - c0) / c1;
                lo = dmax(lo, dmin(s0, s1));
                hi = dmin(hi, dmax(s0, s1));
            }
        }
        if (lo <= hi)
            rc = pvec_add(v, i, lo, hi);
    }
    edgelist_free(&el);
    if (!rc)
        rc = clip_finish(&cl, rg, i, in);
    else if (cl.t != cl.tbuf)
        free(cl.t);
    for (size_t k = in0; !rc && k < in->n; k++) /* the caller's normalise takes the union */
        rc = pvec_add(v, i, in->a[k].t0, in->a[k].t1);
    return rc ? -1 : 0;
}

/* Clip segment i against a polygon; append its pieces to v.  memo: the
 * polygon's rings, made on the first segment that needs them and kept for
 * the caller's next segments (the caller frees them). */
static int clip_segment(pl_ctx *ctx, const pl_route *r, size_t i, const GEOSGeometry *poly,
                        const GEOSPreparedGeometry *ppoly, rings *memo, pvec *v)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double xs[2] = {r->x[i], r->x[i + 1]}, ys[2] = {r->y[i], r->y[i + 1]};
    int vertical = xs[0] == xs[1] && ys[0] == ys[1]; /* one position, the altitudes it sweeps */
    if (!ppoly) { /* zones are prepared on first use, which can fail */
        pl_error(ctx, PL_GEOM, "cannot prepare a zone: %s", pl_libmsg(ctx));
        return -1;
    }
    GEOSGeometry *seg = vertical ? pl_geom_point(ctx, xs[0], ys[0]) : pl_geom_line(ctx, xs, ys, 2);
    if (!seg)
        return -1;
    int rc = 0;
    if (vertical ? GEOSPreparedIntersects_r(h, ppoly, seg) == 1 : GEOSPreparedContains_r(h, ppoly, seg) == 1) {
        /* wholly inside (the common case in large zones): no overlay needed */
        if (pvec_add(v, i, 0, 1)) {
            pl_error(ctx, PL_NOMEM, "out of memory");
            rc = -1;
        }
    } else if (GEOSPreparedIntersects_r(h, ppoly, seg) == 1) {
        if ((!memo->cj && (rings_of(ctx, memo, poly) || rings_chunk(memo))) || clip_direct(r, i, memo, v)) {
            pl_error(ctx, PL_NOMEM, "out of memory");
            rc = -1;
        }
    }
    GEOSGeom_destroy_r(h, seg);
    return rc;
}

/* Keep, of each piece, the part where the band [alt - below, alt + above]
 * enters (vlo, vhi) by the one altitude rule, pl_band_enters.  Altitude is
 * linear on a segment, so the part is one interval found in closed form,
 * limits open as the rule has them: a piece that reaches the extent at a
 * single point of a longer piece does not enter.  A vertical segment is
 * one position, t its climb: the same closed form. */
static void altitude_filter(const pl_route *r, double vlo, double vhi, pvec *v)
{
    double lo = vlo - r->band_above_m, hi = vhi + r->band_below_m; /* alt must lie in (lo, hi) */
    size_t k = 0;
    for (size_t j = 0; j < v->n; j++) {
        piece p = v->a[j];
        double z0 = r->alt_m[p.seg], dz = r->alt_m[p.seg + 1] - z0;
        if (dz == 0) {
            if (!pl_band_enters(z0 - r->band_below_m, z0 + r->band_above_m, vlo, vhi))
                continue;
        } else {
            double ta = (lo - z0) / dz, tb = (hi - z0) / dz;
            double a = ta < tb ? ta : tb, b = ta < tb ? tb : ta;
            double n0 = p.t0 > a ? p.t0 : a, n1 = p.t1 < b ? p.t1 : b;
            if (n0 > n1 || (n0 == n1 && p.t0 != p.t1))
                continue; /* no overlap, or a single touching point of a longer piece */
            p.t0 = n0;
            p.t1 = n1;
        }
        v->a[k++] = p;
    }
    v->n = k;
}

static int cmp_piece(const void *a, const void *b)
{
    const piece *x = a, *y = b;
    if (x->seg != y->seg)
        return x->seg < y->seg ? -1 : 1;
    return (x->t0 > y->t0) - (x->t0 < y->t0);
}

/* Sort pieces along the route and merge overlapping ones. */
static void normalise(pvec *v)
{
    if (v->n < 2)
        return;
    if (v->n > 32)
        qsort(v->a, v->n, sizeof *v->a, cmp_piece);
    else /* a few pieces: in place (the merge below gives the same union for any order of ties) */
        for (size_t k = 1; k < v->n; k++) {
            piece x = v->a[k];
            size_t m = k;
            for (; m > 0 && cmp_piece(&v->a[m - 1], &x) > 0; m--)
                v->a[m] = v->a[m - 1];
            v->a[m] = x;
        }
    size_t k = 0;
    for (size_t j = 1; j < v->n; j++) {
        piece *last = &v->a[k];
        if (v->a[j].seg == last->seg && v->a[j].t0 <= last->t1) {
            if (v->a[j].t1 > last->t1)
                last->t1 = v->a[j].t1;
        } else {
            v->a[++k] = v->a[j];
        }
    }
    v->n = k + 1;
}

static double seg_len(const pl_route *r, size_t i)
{
    return hypot(r->x[i + 1] - r->x[i], r->y[i + 1] - r->y[i]);
}

/* sl: the route's segment lengths */
static double pieces_len(const double *sl, const pvec *v)
{
    double s = 0;
    for (size_t j = 0; j < v->n; j++)
        s += (v->a[j].t1 - v->a[j].t0) * sl[v->a[j].seg];
    return s;
}

static void at(const pl_route *r, size_t i, double t, double out[3])
{
    out[0] = r->x[i] + t * (r->x[i + 1] - r->x[i]);
    out[1] = r->y[i] + t * (r->y[i + 1] - r->y[i]);
    out[2] = r->alt_m[i] + t * (r->alt_m[i + 1] - r->alt_m[i]);
}

/* cum: the distance along the route at each waypoint, then the segment
 * lengths */
static double s_at(const pl_route *r, const double *cum, size_t i, double t)
{
    return cum[i] + t * cum[r->n_pts + i];
}

/* Buffer the pieces by the half-width and intersect with the zone. */
static GEOSGeometry *overlap_polygon(pl_ctx *ctx, const pl_route *r, const pvec *v, const pl_zone *z)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSGeometry **parts = calloc(v->n, sizeof *parts);
    if (!parts)
        return pl_error(ctx, PL_NOMEM, "out of memory"), NULL;
    size_t n = 0;
    for (size_t j = 0; j < v->n; j++) {
        double a[3], b[3];
        at(r, v->a[j].seg, v->a[j].t0, a);
        at(r, v->a[j].seg, v->a[j].t1, b);
        double xs[2] = {a[0], b[0]}, ys[2] = {a[1], b[1]};
        GEOSGeometry *g = (a[0] == b[0] && a[1] == b[1]) ? pl_geom_point(ctx, a[0], a[1])
                                                         : pl_geom_line(ctx, xs, ys, 2);
        if (!g)
            goto fail;
        parts[n++] = g;
    }
    GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, parts, (unsigned)n);
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
    for (size_t j = 0; j < n; j++)
        GEOSGeom_destroy_r(h, parts[j]);
    free(parts);
    pl_error(ctx, PL_GEOM, "route %s: cannot build the overlap: %s", r->id, pl_libmsg(ctx));
    return NULL;
}

/* ==== checking ======================================================= */

static int cmp_ptr(const void *a, const void *b)
{
    const void *const *x = a, *const *y = b;
    return (*x > *y) - (*x < *y);
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
    if (pl_zone_route_severity(z) < 2 ||
        (u->n_excl && bsearch(&z, u->excl, u->n_excl, sizeof *u->excl, cmp_ptr))) {
        *d = 1e300; /* not a candidate for clearance */
        return 1;
    }
    if (z->circle[2] > 0) { /* a circle: the centre's distance less the radius, exactly */
        const pl_route *r = u->r;
        double m = INFINITY;
        for (size_t i = 0; i + 1 < r->n_pts; i++)
            m = dmin(m, pt_seg_dist(z->circle[0], z->circle[1], r->x[i], r->y[i], r->x[i + 1], r->y[i + 1]));
        *d = dmax(0, m - z->circle[2]);
        return 1;
    }
    const GEOSPreparedGeometry *pg = pl_zone_pg(u->ctx, z);
    return pg ? GEOSPreparedDistance_r(pl_geos(u->ctx), pg, u->r->line, d) : 0;
}

/* Record a conflict of route r with zone z from its pieces: cor where the
 * corridor meets the zone, ins where the centreline is inside (both already
 * filtered by altitude, cor not empty). */
static int add_conflict(pl_ctx *ctx, const pl_route *r, size_t idx, const pl_zone *z, int sev,
                        double vlo, double vhi, const pvec *corp, const pvec *insp,
                        const double *cum, int flags, pl_route_result *res, pl_conflict **cv,
                        size_t *n_c, size_t *cap)
{
    const pvec cor = *corp, ins = *insp;
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
    cf->blocking = sev == 2;
    cf->enters = ins.n > 0;
    cf->length_inside_m = pieces_len(cum + r->n_pts, &ins);
    cf->corridor_length_m = pieces_len(cum + r->n_pts, &cor);
    cf->zone_floor_m = vlo;
    cf->zone_ceiling_m = vhi;
    const pvec *ee = ins.n ? &ins : &cor;
    at(r, ee->a[0].seg, ee->a[0].t0, cf->entry);
    at(r, ee->a[ee->n - 1].seg, ee->a[ee->n - 1].t1, cf->exit);
    cf->s_from_m = s_at(r, cum, cor.a[0].seg, cor.a[0].t0);
    cf->s_to_m = s_at(r, cum, cor.a[cor.n - 1].seg, cor.a[cor.n - 1].t1);
    double amin = INFINITY, amax = -INFINITY;
    for (size_t j = 0; j < cor.n; j++) {
        double p0[3], p1[3];
        at(r, cor.a[j].seg, cor.a[j].t0, p0);
        at(r, cor.a[j].seg, cor.a[j].t1, p1);
        amin = dmin(amin, dmin(p0[2], p1[2]));
        amax = dmax(amax, dmax(p0[2], p1[2]));
    }
    cf->alt_lo_m = dmax(amin - r->band_below_m, vlo);
    cf->alt_hi_m = dmin(amax + r->band_above_m, vhi);
    if (!(flags & PL_CHECK_NO_OVERLAP) && !(cf->overlap = overlap_polygon(ctx, r, &cor, z)))
        return pl_errcode(ctx);
    (*n_c)++;
    if (cf->blocking)
        res->n_blocking++;
    else
        res->n_warning++;
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
            rings_free(c->by_zone[i]);
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
        if (rings_add_xy(own, z->xy, z->n_xy) || rings_chunk(own))
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
            if (rings_of(ctx, rg, z->g) || rings_chunk(rg)) {
                rings_free(rg);
                free(rg);
                return NULL;
            }
            c->by_zone[idx] = rg;
        }
        return c->by_zone[idx];
    }
    if (rings_of(ctx, own, z->g) || rings_chunk(own))
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
                  circle_pieces(r, i, z->circle, r->half_width_m, cor, ins);
        return bad ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
    }
    rings own = {0};
    const rings *rgp = zone_rings(ctx, zs, z, &own);
    bad = !rgp;
    for (size_t i = 0; !bad && i + 1 < r->n_pts; i++)
        bad = seg_near_env(r, i, z->env, r->half_width_m) && corridor_direct(r, i, rgp, r->half_width_m, cor, ins);
    rings_free(&own); /* empty when the rings are a kept zone's (the cache's) */
    return bad ? pl_error(ctx, PL_NOMEM, "out of memory") : PL_OK;
}

int pl_route_check(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, size_t idx, int flags,
                   pl_route_result *res, pl_conflict **cv, size_t *n_c, size_t *cap)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int rc = PL_OK;
    pl_zonelist c = {0};
    pvec cor = {0}, ins = {0};
    double *cum = malloc(2 * r->n_pts * sizeof *cum); /* as s_at has it */
    const pl_zone **excl = NULL;
    size_t n_excl = 0;
    memset(res, 0, sizeof *res);
    res->clearance_m = NAN;
    if (!cum)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    cum[0] = 0;
    for (size_t i = 1; i < r->n_pts; i++) {
        cum[r->n_pts + i - 1] = seg_len(r, i - 1);
        cum[i] = cum[i - 1] + cum[r->n_pts + i - 1];
    }

    /* the route's whole altitude range, for the quick tests below */
    double band[2];
    pl_route_band(r, &band[0], &band[1]);
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
        pl_zones_collect_near(zs, sg, r->half_width_m + NEAR_MARGIN, flags & PL_CHECK_NO_CLEARANCE ? band : NULL, &c);
    }
    if (flags & PL_CHECK_NO_CLEARANCE) {
        /* without the clearance search, a zone matters only when it could
         * conflict: a rule that binds and altitudes that can overlap (limits
         * open, as altitude_filter has them: the query kept only those), and
         * an envelope within w of a segment.  Each test only drops zones the
         * exact test below would drop too; dropping them before the sort
         * keeps the sort short. */
        size_t kept = 0;
        for (size_t k = 0; k < c.n; k++) {
            const pl_zone *z = c.a[k];
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
            c.a[kept++] = z;
        }
        c.n = kept;
    }
    if ((rc = pl_zonelist_finish(ctx, &c)) != PL_OK)
        goto out;
    if (c.n && !(excl = malloc(c.n * sizeof *excl))) {
        rc = pl_error(ctx, PL_NOMEM, "out of memory");
        goto out;
    }

    for (size_t k = 0; k < c.n; k++) {
        const pl_zone *z = c.a[k];
        int sev = pl_zone_route_severity(z);
        if (sev == 0)
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
        pl_zone_route_extent(z, &vlo, &vhi);
        normalise(&cor);
        altitude_filter(r, vlo, vhi, &cor);
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
        normalise(&ins);
        altitude_filter(r, vlo, vhi, &ins);

        if ((rc = add_conflict(ctx, r, idx, z, sev, vlo, vhi, &cor, &ins, cum, flags, res, cv, n_c, cap)))
            goto out;
    }

    /* the height rule of the route's aircraft class: controlled airspace
     * everywhere above the class's maximum true height */
    for (size_t k = zs->n; r->aircraft && k-- > 0 && !zs->a[k].g;) {
        const pl_zone *z = &zs->a[k];
        if (strcmp(z->aircraft->name, r->aircraft))
            continue;
        cor.n = ins.n = 0;
        for (size_t i = 0; i + 1 < r->n_pts; i++)
            if (pvec_add(&cor, i, 0, 1) || pvec_add(&ins, i, 0, 1)) {
                rc = pl_error(ctx, PL_NOMEM, "out of memory");
                goto out;
            }
        double vlo, vhi;
        pl_zone_route_extent(z, &vlo, &vhi);
        altitude_filter(r, vlo, vhi, &cor);
        altitude_filter(r, vlo, vhi, &ins);
        if (cor.n && (rc = add_conflict(ctx, r, idx, z, pl_zone_route_severity(z), vlo, vhi, &cor, &ins, cum,
                                        flags, res, cv, n_c, cap)))
            goto out;
    }
    res->verdict = res->n_blocking ? PL_V_BLOCKED : (res->n_warning ? PL_V_WARNING : PL_V_CLEAR);

    /* clearance: nearest blocking zone the corridor does not meet */
    if (zs->n_indexed && !(flags & PL_CHECK_NO_CLEARANCE)) {
        if (n_excl > 1)
            qsort(excl, n_excl, sizeof *excl, cmp_ptr);
        near_ud u = {ctx, r, excl, n_excl};
        const pl_zone *z = GEOSSTRtree_nearest_generic_r(h, zs->tree, r, r->line, near_dist, &u);
        double d;
        if (z && near_dist(z, r, &d, &u) && d < 1e299) {
            res->clearance_m = d - r->half_width_m;
            res->clearance_zone = z;
        }
    }
out:
    free(c.a);
    free(cor.a);
    free(ins.a);
    free(excl);
    free(cum);
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
            rings_free(&own);
            return pl_error(ctx, PL_NOMEM, "out of memory");
        }
    }
    zs->shared |= 1;
    return PL_OK;
}

struct pl_region {
    rings rg;
};

pl_region *pl_region_new(pl_ctx *ctx, const GEOSGeometry *poly)
{
    pl_region *r = calloc(1, sizeof *r);
    if (!r || rings_of(ctx, &r->rg, poly) || rings_chunk(&r->rg)) {
        pl_region_free(r);
        pl_error(ctx, PL_NOMEM, "out of memory");
        return NULL;
    }
    return r;
}

void pl_region_free(pl_region *r)
{
    if (!r)
        return;
    rings_free(&r->rg);
    free(r);
}

double pl_route_length_in(const pl_route *r, const pl_region *rg)
{
    pvec v = {0};
    double *sl = malloc(r->n_pts * sizeof *sl);
    for (size_t i = 0; sl && i + 1 < r->n_pts; i++) {
        sl[i] = seg_len(r, i);
        if ((r->x[i] != r->x[i + 1] || r->y[i] != r->y[i + 1]) && clip_direct(r, i, &rg->rg, &v)) {
            free(sl);
            sl = NULL;
        }
    }
    normalise(&v);
    double len = sl ? pieces_len(sl, &v) : -1;
    free(sl);
    free(v.a);
    return len;
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
        int rc = pl_route_check(ctx, zs, &rs->a[i], i, 0, &rs->res[i], &rs->c, &rs->n_c, &cap);
        if (rc != PL_OK)
            return rc;
    }
    /* conflicts in the order a pilot meets them along each route */
    if (rs->n_c > 1)
        qsort(rs->c, rs->n_c, sizeof *rs->c, cmp_conflict);
    return PL_OK;
}

GEOSGeometry *pl_corridor(pl_ctx *ctx, const GEOSGeometry *centreline, double half_width_m)
{
    return pl_geom_buffer_out(ctx, centreline, half_width_m, CORRIDOR_QUADSEGS);
}

GEOSGeometry *pl_route_corridor(pl_ctx *ctx, const pl_route *r, double extra_m)
{
    return pl_corridor(ctx, r->line, r->half_width_m + extra_m);
}

void pl_route_band(const pl_route *r, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < r->n_pts; i++) {
        *lo = dmin(*lo, r->alt_m[i] - r->band_below_m);
        *hi = dmax(*hi, r->alt_m[i] + r->band_above_m);
    }
}

int pl_route_band_in(pl_ctx *ctx, const pl_route *r, const GEOSGeometry *region, double *lo, double *hi,
                     double *len_m)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    const GEOSPreparedGeometry *pg = GEOSPrepare_r(h, region);
    pvec v = {0};
    rings rg = {0}; /* the region's rings, made once for all segments */
    int rc = PL_OK;
    *lo = INFINITY;
    *hi = -INFINITY;
    *len_m = 0;
    if (!pg)
        return pl_error(ctx, PL_GEOM, "route %s: %s", r->id, pl_libmsg(ctx));
    for (size_t i = 0; i + 1 < r->n_pts && rc == PL_OK; i++)
        if (clip_segment(ctx, r, i, region, pg, &rg, &v))
            rc = pl_errcode(ctx) ? pl_errcode(ctx) : pl_error(ctx, PL_NOMEM, "out of memory");
    rings_free(&rg);
    GEOSPreparedGeom_destroy_r(h, pg);
    for (size_t j = 0; rc == PL_OK && j < v.n; j++) {
        double a[3], b[3];
        at(r, v.a[j].seg, v.a[j].t0, a);
        at(r, v.a[j].seg, v.a[j].t1, b);
        *lo = dmin(*lo, dmin(a[2], b[2]) - r->band_below_m);
        *hi = dmax(*hi, dmax(a[2], b[2]) + r->band_above_m);
        *len_m += hypot(b[0] - a[0], b[1] - a[1]);
    }
    free(v.a);
    return rc;
}
