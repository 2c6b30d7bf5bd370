/*
 * corridor.c - the corridor kernel: where a route's segments, with their
 * corridor of half-width w and altitude band, meet a polygon or a circle,
 * exactly, and the one corridor drawn as a polygon.
 *
 * Entry points: pl_corridor, pl_route_corridor, pl_route_band_in,
 * pl_region_new, pl_region_free, pl_route_length_in, and for the route
 * check (engine/check.c, through corridor.h) the pl_cor_* functions.
 *
 * A route conflicts with a zone when, at some point s of the centreline,
 *   (2D)  the disc of radius w around s meets the zone
 *         <=> s lies in the zone inflated by w, and
 *   (3D)  the band at s enters the zone's vertical extent (pl_band_enters:
 *         open limits, flying exactly at a ceiling, or exactly at a minimum
 *         overflight height, is allowed).
 * Both are evaluated segment by segment and exactly, nothing sampled: the
 * part of a segment inside a zone comes from its crossings with the zone's
 * edges; the part within w of a zone is that plus, for every edge, the
 * segment's meeting with the edge's capsule of radius w (closed form, so
 * the grown zone is exact, not a buffer's inscribed chords); a circle zone
 * is a circle; the altitude condition, linear on a segment, is solved in
 * closed form too.  A vertical segment (one position, two altitudes) is
 * the corridor's disc at that position over the altitudes it sweeps.
 */
#include "corridor.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CORRIDOR_QUADSEGS 8 /* GEOS/PostGIS default, for drawn corridors (pl_corridor) */

int pl_cor_pvec_add(pvec *v, size_t seg, double t0, double t1)
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
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
        rc = pl_cor_locate(rg, ax + dx / 2, ay + dy / 2, tol) ? pl_cor_pvec_add(v, i, 0, 1) : 0;
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
            int in = pl_cor_locate(rg, ax + tm * dx, ay + tm * dy, tol);
            if (in)
                rc = pl_cor_pvec_add(v, i, t0, t1);
            else if (!prev_in && (k > 0 || c->end_near[0]) && pl_cor_locate(rg, ax + t0 * dx, ay + t0 * dy, tol))
                rc = pl_cor_pvec_add(v, i, t0, t0); /* touches at a point only (the start: only near an edge) */
            prev_in = in;
        }
        if (!rc && !prev_in && c->end_near[1] && pl_cor_locate(rg, ax + dx, ay + dy, tol))
            rc = pl_cor_pvec_add(v, i, 1, 1);
    }
    if (c->t != c->tbuf)
        free(c->t);
    return rc;
}

static int clip_direct(const pl_route *r, size_t i, const rings *rg, pvec *v)
{
    double ax = r->x[i], ay = r->y[i], tol = 1e-9 * dmax(1.0, dmax(fabs(ax), fabs(ay)));
    edgelist el;
    pl_cor_edgelist_init(&el);
    int rc = pl_cor_edges_near(rg, ax, ay, r->x[i + 1], r->y[i + 1], tol, &el);
    if (!rc) {
        clip c;
        clip_init(&c, r, i);
        for (size_t q = 0; q < el.n; q++)
            clip_edge(&c, rg->xy + 2 * el.a[q]);
        rc = clip_finish(&c, rg, i, v);
    }
    pl_cor_edgelist_free(&el);
    return rc;
}

/* A circle zone (c: centre x, y and radius), exactly: segment i's corridor
 * meets it where the centreline is within radius + w of the centre, and is
 * inside it within the radius (closed form: the chord). */
int pl_cor_circle_pieces(const pl_route *r, size_t i, const double c[3], double w, pvec *cor, pvec *in)
{
    double a[2] = {r->x[i], r->y[i]}, d[2] = {r->x[i + 1] - a[0], r->y[i + 1] - a[1]}, t0, t1;
    if (!pl_geom_disc_interval(a, d, c, c[2] + w, &t0, &t1))
        return 0;
    if (pl_cor_pvec_add(cor, i, t0, t1))
        return -1;
    if (pl_geom_disc_interval(a, d, c, c[2], &t0, &t1) && pl_cor_pvec_add(in, i, t0, t1))
        return -1;
    return 0;
}

/* Append piece (i, t0, t1) to v, or widen v's last piece from v0 on
 * when the two meet (overlap or touch): the union is the same, the one
 * normalise would make of both, with fewer pieces to sort (the capsules of
 * a shore's consecutive edges overlap).  -1 when out of memory. */
static inline int pvec_add_merged(pvec *v, size_t v0, size_t i, double t0, double t1)
{
    if (v->n > v0) {
        piece *l = &v->a[v->n - 1];
        if (l->seg == i && t0 <= l->t1 && t1 >= l->t0) {
            l->t0 = dmin(l->t0, t0);
            l->t1 = dmax(l->t1, t1);
            return 0;
        }
    }
    return pl_cor_pvec_add(v, i, t0, t1);
}

/* Where on segment i the corridor of half-width w meets the polygon whose
 * rings are rg: the segment within w of it.  Exact: the polygon grown by w
 * is the polygon together with, for every edge, the capsule of radius w
 * around it (a rectangle along the edge and a disc at each vertex), and
 * each of these meets a straight segment in one interval of t found in
 * closed form.  The segment's pieces inside the polygon itself go to in
 * as well (the first step of the answer, kept for the caller). */
int pl_cor_corridor_direct(const pl_route *r, size_t i, const rings *rg, double w, pvec *v, pvec *in)
{
    double ax = r->x[i], ay = r->y[i], dx = r->x[i + 1] - ax, dy = r->y[i + 1] - ay;
    clip cl; /* the segment inside the polygon itself, from the same edges */
    clip_init(&cl, r, i);
    double wq = dmax(w, cl.tol), len = cl.len; /* the clip's edges are among those within w */
    double bx0 = dmin(ax, ax + dx) - wq, bx1 = dmax(ax, ax + dx) + wq;
    double by0 = dmin(ay, ay + dy) - wq, by1 = dmax(ay, ay + dy) + wq;
    size_t in0 = in->n, v0 = v->n;
    edgelist el;
    pl_cor_edgelist_init(&el);
    int rc = pl_cor_edges_near(rg, ax, ay, ax + dx, ay + dy, wq, &el);
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
        double a[2] = {ax, ay}, d[2] = {dx, dy}, c[2] = {cx, cy}, e[2] = {ex, ey}, t0, t1;
        if (pl_geom_capsule_interval(a, d, c, e, w, &t0, &t1)) /* the one closed form (core/geom.c) */
            rc = pvec_add_merged(v, v0, i, t0, t1);
    }
    pl_cor_edgelist_free(&el);
    if (!rc)
        rc = clip_finish(&cl, rg, i, in);
    else if (cl.t != cl.tbuf)
        free(cl.t);
    for (size_t k = in0; !rc && k < in->n; k++) /* the caller's normalise takes the union */
        rc = pl_cor_pvec_add(v, i, in->a[k].t0, in->a[k].t1);
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
        if (pl_cor_pvec_add(v, i, 0, 1)) {
            pl_error(ctx, PL_NOMEM, "out of memory");
            rc = -1;
        }
    } else if (GEOSPreparedIntersects_r(h, ppoly, seg) == 1) {
        if ((!memo->cj && (pl_cor_rings_of(ctx, memo, poly) || pl_cor_rings_chunk(memo))) || clip_direct(r, i, memo, v)) {
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
int pl_cor_band_part(const pl_route *r, double below, double above, double vlo, double vhi, piece *p)
{
    double lo = vlo - above, hi = vhi + below; /* alt must lie in (lo, hi) */
    double z0 = r->alt_m[p->seg], dz = r->alt_m[p->seg + 1] - z0;
    if (dz == 0)
        return pl_band_enters(z0 - below, z0 + above, vlo, vhi);
    double ta = (lo - z0) / dz, tb = (hi - z0) / dz;
    double a = ta < tb ? ta : tb, b = ta < tb ? tb : ta;
    double n0 = p->t0 > a ? p->t0 : a, n1 = p->t1 < b ? p->t1 : b;
    if (n0 > n1 || (n0 == n1 && p->t0 != p->t1))
        return 0; /* no overlap, or a single touching point of a longer piece */
    p->t0 = n0;
    p->t1 = n1;
    return 1;
}

void pl_cor_altitude_filter(const pl_route *r, double vlo, double vhi, pvec *v)
{
    size_t k = 0;
    for (size_t j = 0; j < v->n; j++) {
        piece p = v->a[j];
        if (pl_cor_band_part(r, r->band_below_m, r->band_above_m, vlo, vhi, &p))
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
void pl_cor_normalise(pvec *v)
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

double pl_cor_seg_len(const pl_route *r, size_t i)
{
    return hypot(r->x[i + 1] - r->x[i], r->y[i + 1] - r->y[i]);
}

/* sl: the route's segment lengths */
double pl_cor_pieces_len(const double *sl, const pvec *v)
{
    double s = 0;
    for (size_t j = 0; j < v->n; j++)
        s += (v->a[j].t1 - v->a[j].t0) * sl[v->a[j].seg];
    return s;
}

void pl_cor_at(const pl_route *r, size_t i, double t, double out[3])
{
    out[0] = r->x[i] + t * (r->x[i + 1] - r->x[i]);
    out[1] = r->y[i] + t * (r->y[i + 1] - r->y[i]);
    out[2] = r->alt_m[i] + t * (r->alt_m[i + 1] - r->alt_m[i]);
}

/* cum: the distance along the route at each waypoint, then the segment
 * lengths */
double pl_cor_s_at(const pl_route *r, const double *cum, size_t i, double t)
{
    return cum[i] + t * cum[r->n_pts + i];
}

/* ---- the corridor drawn in runs -----------------------------------------
 * GEOS's buffer of one geometry costs more than in proportion to its size
 * (its depth search through the noded offset curves): a walk of 100,000
 * waypoints buffered at once took 9 GB and did not finish.  A centreline of
 * more than CORRIDOR_RUN segments is cut into runs of at most that many
 * (consecutive runs share their end vertex; the parts of a collection stay
 * whole up to that size and are grouped in that order), each run buffered
 * as before, and the runs' corridors united (GEOS's cascaded union, by an
 * R-tree): the same region, every point within the half-width of some run,
 * in n log n.  A centreline of fewer points is buffered at once, as always. */
#define CORRIDOR_RUN 64

typedef struct atoms {
    GEOSGeometry **a;
    size_t n, cap;
} atoms;

static int atoms_add(atoms *t, GEOSGeometry *g)
{
    if (!g)
        return -1;
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 64;
        GEOSGeometry **a = realloc(t->a, nc * sizeof *a);
        if (!a)
            return -1;
        t->a = a;
        t->cap = nc;
    }
    t->a[t->n++] = g;
    return 0;
}

/* The part g into t: a line of more than CORRIDOR_RUN segments as runs of
 * at most that many, anything else as a copy.  0, or -1 (GEOS or memory). */
static int atoms_split(pl_ctx *ctx, const GEOSGeometry *g, atoms *t)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_MULTILINESTRING || type == GEOS_MULTIPOINT || type == GEOS_GEOMETRYCOLLECTION ||
        type == GEOS_MULTIPOLYGON) {
        int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; i++)
            if (atoms_split(ctx, GEOSGetGeometryN_r(h, g, i), t))
                return -1;
        return 0;
    }
    unsigned m = 0;
    const GEOSCoordSequence *cs = type == GEOS_LINESTRING ? GEOSGeom_getCoordSeq_r(h, g) : NULL;
    if (!cs || !GEOSCoordSeq_getSize_r(h, cs, &m) || m <= CORRIDOR_RUN + 1)
        return atoms_add(t, GEOSGeom_clone_r(h, g));
    for (unsigned s = 0; s + 1 < m; s += CORRIDOR_RUN) {
        unsigned e = s + CORRIDOR_RUN < m - 1 ? s + CORRIDOR_RUN : m - 1;
        GEOSCoordSequence *c = GEOSCoordSeq_create_r(h, e - s + 1, 2);
        for (unsigned k = s; c && k <= e; k++) {
            double x, y;
            GEOSCoordSeq_getXY_r(h, cs, k, &x, &y);
            GEOSCoordSeq_setXY_r(h, c, k - s, x, y);
        }
        if (atoms_add(t, c ? GEOSGeom_createLineString_r(h, c) : NULL)) /* takes c */
            return -1;
    }
    return 0;
}

/* The runs of t grouped to about CORRIDOR_RUN points, each group buffered
 * outward by w, into b.  The runs t->a[0 .. *done) are taken (freed), the
 * rest stay the caller's.  0, or -1 (GEOS or memory). */
static int runs_buffer(pl_ctx *ctx, const atoms *t, double w, atoms *b, size_t *done)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    for (size_t i = 0; i < t->n;) {
        size_t j = i, pts = 0;
        while (j < t->n && (j == i || pts < CORRIDOR_RUN))
            pts += (size_t)GEOSGetNumCoordinates_r(h, t->a[j++]);
        GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, t->a + i, (unsigned)(j - i));
        if (!coll)
            return -1;
        *done = i = j; /* the collection took them */
        GEOSGeometry *buf = pl_geom_buffer_out(ctx, coll, w, CORRIDOR_QUADSEGS);
        GEOSGeom_destroy_r(h, coll);
        if (atoms_add(b, buf)) {
            if (buf)
                GEOSGeom_destroy_r(h, buf);
            return -1;
        }
    }
    return 0;
}

GEOSGeometry *pl_corridor(pl_ctx *ctx, const GEOSGeometry *centreline, double half_width_m)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    if (GEOSGetNumCoordinates_r(h, centreline) <= CORRIDOR_RUN + 1)
        return pl_geom_buffer_out(ctx, centreline, half_width_m, CORRIDOR_QUADSEGS);
    atoms t = {0}, b = {0};
    size_t done = 0;
    GEOSGeometry *u = NULL;
    int bad = atoms_split(ctx, centreline, &t) || runs_buffer(ctx, &t, half_width_m, &b, &done);
    GEOSGeometry *all = !bad ? GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, b.a, (unsigned)b.n) : NULL;
    if (all) { /* it took the runs' corridors */
        b.n = 0;
        u = GEOSUnaryUnion_r(h, all);
        GEOSGeom_destroy_r(h, all);
    }
    for (size_t i = done; i < t.n; i++)
        GEOSGeom_destroy_r(h, t.a[i]);
    for (size_t i = 0; i < b.n; i++)
        GEOSGeom_destroy_r(h, b.a[i]);
    free(t.a);
    free(b.a);
    if (!u && !pl_errcode(ctx))
        pl_error(ctx, PL_GEOM, "cannot buffer by %.3f m: %s", half_width_m, pl_libmsg(ctx));
    return u;
}

GEOSGeometry *pl_route_corridor(pl_ctx *ctx, const pl_route *r, double extra_m)
{
    return pl_corridor(ctx, r->line, r->half_width_m + extra_m);
}

struct pl_region {
    rings rg;
};

pl_region *pl_region_new(pl_ctx *ctx, const GEOSGeometry *poly)
{
    pl_region *r = calloc(1, sizeof *r);
    if (!r || pl_cor_rings_of(ctx, &r->rg, poly) || pl_cor_rings_chunk(&r->rg)) {
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
    pl_cor_rings_free(&r->rg);
    free(r);
}

double pl_route_length_in(const pl_route *r, const pl_region *rg)
{
    pvec v = {0};
    double *sl = malloc(r->n_pts * sizeof *sl);
    for (size_t i = 0; sl && i + 1 < r->n_pts; i++) {
        sl[i] = pl_cor_seg_len(r, i);
        if ((r->x[i] != r->x[i + 1] || r->y[i] != r->y[i + 1]) && clip_direct(r, i, &rg->rg, &v)) {
            free(sl);
            sl = NULL;
        }
    }
    pl_cor_normalise(&v);
    double len = sl ? pl_cor_pieces_len(sl, &v) : -1;
    free(sl);
    free(v.a);
    return len;
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
    /* a segment that misses the region's box has no part in it: only the
     * others are clipped (a long route against a small region) */
    double e[4] = {-INFINITY, -INFINITY, INFINITY, INFINITY};
    if (!GEOSisEmpty_r(h, region))
        GEOSGeom_getXMin_r(h, region, &e[0]), GEOSGeom_getYMin_r(h, region, &e[1]),
            GEOSGeom_getXMax_r(h, region, &e[2]), GEOSGeom_getYMax_r(h, region, &e[3]);
    for (size_t i = 0; i + 1 < r->n_pts && rc == PL_OK; i++)
        if (pl_seg_box_meets(r->x[i], r->y[i], r->x[i + 1], r->y[i + 1], e[0] - 1e-3, e[1] - 1e-3, e[2] + 1e-3,
                             e[3] + 1e-3) && /* a millimetre beyond, for rounding */
            clip_segment(ctx, r, i, region, pg, &rg, &v))
            rc = pl_errcode(ctx) ? pl_errcode(ctx) : pl_error(ctx, PL_NOMEM, "out of memory");
    pl_cor_rings_free(&rg);
    GEOSPreparedGeom_destroy_r(h, pg);
    for (size_t j = 0; rc == PL_OK && j < v.n; j++) {
        double a[3], b[3];
        pl_cor_at(r, v.a[j].seg, v.a[j].t0, a);
        pl_cor_at(r, v.a[j].seg, v.a[j].t1, b);
        *lo = dmin(*lo, dmin(a[2], b[2]) - r->band_below_m);
        *hi = dmax(*hi, dmax(a[2], b[2]) + r->band_above_m);
        *len_m += hypot(b[0] - a[0], b[1] - a[1]);
    }
    free(v.a);
    return rc;
}
