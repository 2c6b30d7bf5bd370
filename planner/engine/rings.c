/*
 * rings.c - a polygon's rings made ready for the corridor kernel's
 * queries: every ring's points in one array, runs of edges with their boxes,
 * and for rings of many edges (a lake's shore) a grid of cells listing the
 * edges near each, so that a segment or a point reads only the edges near
 * it.  Plain reads once built: threads may share a polygon's rings.
 *
 * Entry points (engine/corridor.h): pl_cor_rings_of, pl_cor_rings_add_xy,
 * pl_cor_rings_chunk, pl_cor_rings_free, pl_cor_edges_near,
 * pl_cor_edgelist_init, pl_cor_edgelist_free, pl_cor_locate,
 * pl_cor_pt_seg_dist.
 */
#include "corridor.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void pl_cor_rings_free(rings *rg)
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
    if (rg->edges_only) /* no inside to tell: every cell unsure, none located */
        memset(rg->gin, GRID_UNSURE, n_cells);
    for (size_t k = 0; k < n_cells && !rg->edges_only; k++) {
        double cx = rg->gx0 + rg->gs * ((double)(k / rg->ny) + 0.5), cy = rg->gy0 + rg->gs * ((double)(k % rg->ny) + 0.5);
        int sure = 1;
        for (size_t q = rg->ge_at[k]; q < rg->ge_at[k + 1] && sure; q++) {
            const double *e = rg->xy + 2 * rg->ge[q];
            sure = pl_cor_pt_seg_dist(cx, cy, e[0], e[1], e[2], e[3]) > rg->gm;
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
int pl_cor_rings_chunk(rings *rg)
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


void pl_cor_edgelist_init(edgelist *l)
{
    l->a = l->buf;
    l->n = 0;
    l->cap = sizeof l->buf / sizeof *l->buf;
    l->seen = NULL;
}

void pl_cor_edgelist_free(edgelist *l)
{
    if (l->a != l->buf)
        free(l->a);
    if (l->seen != l->seen_buf)
        free(l->seen);
    pl_cor_edgelist_init(l);
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

int pl_cor_edges_near(const rings *rg, double ax, double ay, double bx, double by, double w, edgelist *l)
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
int pl_cor_rings_add_xy(rings *rg, const double *xy, size_t m)
{
    if (rings_room(rg, m))
        return -1;
    memcpy(rg->xy + 2 * rg->n_pts, xy, 2 * m * sizeof *xy);
    rings_close(rg, m);
    return 0;
}

int pl_cor_rings_of(pl_ctx *ctx, rings *rg, const GEOSGeometry *g)
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
        if (pl_cor_rings_of(ctx, rg, GEOSGetGeometryN_r(h, g, i)))
            return -1;
    return 0;
}

/* Distance from point p to segment a-b. */
double pl_cor_pt_seg_dist(double px, double py, double ax, double ay, double bx, double by)
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
    return pl_cor_pt_seg_dist(px, py, ax, ay, bx, by) <= tol;
}

/* 1 inside or on the boundary (within tol), 0 outside: the point's grid
 * cell, from the side of the cell's centre and the edges crossing the way
 * from the centre to the point, all of them in the cell; without a grid
 * (or at a centre too near an edge to be sure of), locate_runs. */
int pl_cor_locate(const rings *rg, double px, double py, double tol)
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
