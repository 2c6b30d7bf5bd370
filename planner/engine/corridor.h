/*
 * corridor.h - the corridor kernel's parts that the route check reads:
 * pieces of a route's segments, a polygon's rings ready for queries, and
 * the closed-form tests (engine/corridor.c).  Inside the engine only.
 */
#ifndef PL_CORRIDOR_H
#define PL_CORRIDOR_H

#include "planner.h"

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

/* ==== pieces of a route ============================================== */

typedef struct piece {
    size_t seg;      /* segment index: waypoints seg and seg+1 */
    double t0, t1;   /* parameters on the segment, 0 <= t0 <= t1 <= 1 */
} piece;

typedef struct pvec {
    piece *a;
    size_t n, cap;
} pvec;

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
    int edges_only;    /* set before chunking: only edges are asked for (a route's line), no inside grid */
} rings;

#define CHUNK 16
#define GRID_MIN_EDGES 64 /* rings with fewer edges have at most four runs: read them all */
#define GRID_CELLS 1      /* cells an edge, about */
#define GRID_UNSURE 2

/* The edges within w of the segment a-b, or a few more, each once: those
 * listed in the grid's cells along it, or those of the runs whose box,
 * grown by w, the segment meets. */
typedef struct edgelist {
    size_t *a, n, cap;
    size_t buf[128];     /* on the heap only for a long list */
    uint64_t *seen;      /* a bit for each point of the rings: listed already (zeroed at the first) */
    uint64_t seen_buf[128];
} edgelist;

void pl_cor_edgelist_init(edgelist *l);
void pl_cor_edgelist_free(edgelist *l);
/* The edges within w of the segment a-b (or a few more) into l; -1: no memory. */
int pl_cor_edges_near(const rings *rg, double ax, double ay, double bx, double by, double w, edgelist *l);
/* 1 when p lies inside the polygon or within tol of its boundary. */
int pl_cor_locate(const rings *rg, double px, double py, double tol);

/* Append piece (seg, t0, t1); -1 when out of memory. */
int pl_cor_pvec_add(pvec *v, size_t seg, double t0, double t1);
void pl_cor_rings_free(rings *rg);
/* The rings of polygonal g into rg (then pl_cor_rings_chunk); -1 when out of memory. */
int pl_cor_rings_of(pl_ctx *ctx, rings *rg, const GEOSGeometry *g);
/* A closed ring of m points (x, y pairs) into rg; -1 when out of memory. */
int pl_cor_rings_add_xy(rings *rg, const double *xy, size_t m);
/* Runs of edges with their boxes, and the grid of a ring of many edges. */
int pl_cor_rings_chunk(rings *rg);
/* Segment i's pieces whose corridor of half-width w meets the polygon of
 * rg (v), and those inside it (in); exact, closed form.  -1: no memory. */
int pl_cor_corridor_direct(const pl_route *r, size_t i, const rings *rg, double w, pvec *v, pvec *in);
/* The same for the circle c (centre x, y, radius). */
int pl_cor_circle_pieces(const pl_route *r, size_t i, const double c[3], double w, pvec *cor, pvec *in);
/* Keep of each piece the part whose band enters (vlo, vhi) (pl_band_enters). */
void pl_cor_altitude_filter(const pl_route *r, double vlo, double vhi, pvec *v);
/* Sort pieces along the route and merge overlapping ones. */
void pl_cor_normalise(pvec *v);
/* Segment i's horizontal length. */
double pl_cor_seg_len(const pl_route *r, size_t i);
/* The pieces' length; sl: the route's segment lengths. */
double pl_cor_pieces_len(const double *sl, const pvec *v);
/* x, y, altitude at parameter t of segment i. */
void pl_cor_at(const pl_route *r, size_t i, double t, double out[3]);
/* The distance along the route at t of segment i (cum: distances at the
 * waypoints, then the segment lengths). */
double pl_cor_s_at(const pl_route *r, const double *cum, size_t i, double t);
/* ---- true height: the ground along a route (ground.c) ---------------------
 * Each segment cut into stretches of at most a terrain cell; each stretch
 * holds the range of the ground within w of it (the box around it grown
 * by w: every terrain cell that box meets).  A sloped segment's altitude
 * is linear on a stretch, so true height there lies between the altitude
 * less the highest ground and the altitude less the lowest. */
typedef struct gprof {
    size_t *at;      /* segment i's stretches: at[i] .. at[i+1]-1 (n_pts entries) */
    double *t1;      /* a stretch's end on its segment (its start: the one before's end, or 0) */
    double *lo, *hi; /* the ground's range there (-inf, inf: unknown) */
    size_t n;
} gprof;

/* The ground within w of route r, by stretches; -1 when out of memory. */
int pl_cor_ground(const pl_terrain *t, const pl_route *r, double w, gprof *g);
void pl_cor_ground_free(gprof *g);
/* pl_cor_altitude_filter for an extent in true height (AGL): keep of each
 * piece the parts where the band [alt - below, alt + above] less the
 * ground enters (vlo, vhi) by the one altitude rule; where the ground is
 * unknown, the part is kept when keep_unknown (it may enter), else
 * dropped, and *unknown set to 1 either way.  -1 when out of memory. */
int pl_cor_agl_filter(const pl_route *r, const gprof *g, double below, double above, double vlo, double vhi,
                      int keep_unknown, pvec *v, int *unknown);
/* The route's true height along its centreline (g from w = 0): the least
 * and the most; NAN both when the ground is unknown anywhere, *unknown_m
 * then the length without it. */
void pl_cor_ground_agl(const pl_route *r, const gprof *g, const double *sl, double *amin, double *amax,
                       double *unknown_m);
/* The band's true height over pieces v: least and most (-inf, inf where
 * the ground is unknown). */
void pl_cor_agl_span(const pl_route *r, const gprof *g, double below, double above, const pvec *v, double *lo,
                     double *hi);
/* The closed form of the one altitude rule on a piece of segment i: keep
 * the part of *p where [alt - below, alt + above] enters (vlo, vhi); 0 when
 * none (a single touching point of a longer piece is none). */
int pl_cor_band_part(const pl_route *r, double below, double above, double vlo, double vhi, piece *p);
/* The distance from p to the segment a-b. */
double pl_cor_pt_seg_dist(double px, double py, double ax, double ay, double bx, double by);

#endif
