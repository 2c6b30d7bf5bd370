/*
 * ground.c - true height (真高) along a route: the ground under each
 * stretch of a segment from the terrain model, the one altitude rule on
 * true height, and a route's least and most true height.
 *
 * Entry points: pl_cor_ground, pl_cor_ground_free, pl_cor_agl_filter,
 * pl_cor_ground_agl, pl_cor_agl_span.
 *
 * Method, exact on the safe side: a segment is cut into stretches no
 * longer than a terrain cell; a stretch takes the lowest and highest
 * ground of every terrain cell that the box around it, grown by the
 * corridor's half-width, meets (pl_terrain_range: each cell's range holds
 * the ground at every point of it).  Nothing between samples is skipped: a
 * ridge between two waypoints lies in some stretch's box, and that
 * stretch's highest ground is at least the ridge's.  On a stretch the
 * altitude is linear, so the band less the highest ground (its bottom) and
 * less the lowest (its top) are tested in the same closed form as above a
 * flat datum (pl_cor_band_part).
 */
#include "corridor.h"

#include <math.h>
#include <stdlib.h>

#define MAX_STRETCHES 65536 /* per segment; beyond, stretches grow (ranges only widen) */

void pl_cor_ground_free(gprof *g)
{
    free(g->at);
    free(g->t1);
    free(g->lo);
    free(g->hi);
    *g = (gprof){0};
}

/* Stretches of segment i: its length over the cell side, at least one. */
static size_t n_stretches(const pl_terrain *t, const pl_route *r, size_t i)
{
    double m = ceil(pl_cor_seg_len(r, i) / t->cs);
    return m < 1 ? 1 : m > MAX_STRETCHES ? MAX_STRETCHES : (size_t)m;
}

int pl_cor_ground(const pl_terrain *t, const pl_route *r, double w, gprof *g)
{
    *g = (gprof){0};
    size_t n = 0;
    for (size_t i = 0; i + 1 < r->n_pts; i++)
        n += n_stretches(t, r, i);
    g->at = malloc(r->n_pts * sizeof *g->at);
    g->t1 = malloc((n ? n : 1) * sizeof *g->t1);
    g->lo = malloc((n ? n : 1) * sizeof *g->lo);
    g->hi = malloc((n ? n : 1) * sizeof *g->hi);
    if (!g->at || !g->t1 || !g->lo || !g->hi) {
        pl_cor_ground_free(g);
        return -1;
    }
    for (size_t i = 0; i + 1 < r->n_pts; i++) {
        size_t m = n_stretches(t, r, i);
        g->at[i] = g->n;
        double a[3], b[3];
        pl_cor_at(r, i, 0, a);
        for (size_t k = 0; k < m; k++, g->n++) {
            double t1 = k + 1 == m ? 1.0 : (double)(k + 1) / (double)m;
            pl_cor_at(r, i, t1, b);
            double box[4] = {fmin(a[0], b[0]) - w, fmin(a[1], b[1]) - w, fmax(a[0], b[0]) + w,
                             fmax(a[1], b[1]) + w};
            g->t1[g->n] = t1;
            pl_terrain_range(t, box, &g->lo[g->n], &g->hi[g->n]);
            a[0] = b[0], a[1] = b[1];
        }
    }
    if (r->n_pts)
        g->at[r->n_pts - 1] = g->n;
    return 0;
}

/* Stretch k's part of piece p (of the same segment) into q: 0 when they
 * do not meet; where they meet at a point of a longer piece, touch (1:
 * count it, 0: its neighbour holds that point). */
static int stretch_part(const gprof *g, const piece *p, size_t k, int touch, piece *q)
{
    double ta = k == g->at[p->seg] ? 0.0 : g->t1[k - 1], tb = g->t1[k];
    if (tb < p->t0 || ta > p->t1)
        return 0;
    *q = (piece){p->seg, fmax(ta, p->t0), fmin(tb, p->t1)};
    return touch || !(q->t0 == q->t1 && p->t0 != p->t1);
}

int pl_cor_agl_filter(const pl_route *r, const gprof *g, double below, double above, double vlo, double vhi,
                      int keep_unknown, pvec *v, int *unknown)
{
    pvec out = {0};
    for (size_t j = 0; j < v->n; j++) {
        const piece p = v->a[j];
        for (size_t k = g->at[p.seg]; k < g->at[p.seg + 1]; k++) {
            piece q;
            if (!stretch_part(g, &p, k, 0, &q))
                continue;
            int keep;
            if (isinf(g->lo[k])) { /* ground unknown: the band may be anywhere above it */
                *unknown = 1;
                keep = keep_unknown;
            } else /* the band's bottom over the highest ground, its top over the lowest */
                keep = pl_cor_band_part(r, below + g->hi[k], above - g->lo[k], vlo, vhi, &q);
            if (keep && pl_cor_pvec_add(&out, q.seg, q.t0, q.t1)) {
                free(out.a);
                return -1;
            }
        }
    }
    free(v->a);
    *v = out;
    pl_cor_normalise(v);
    return 0;
}

void pl_cor_ground_agl(const pl_route *r, const gprof *g, const double *sl, double *amin, double *amax,
                       double *unknown_m)
{
    double lo = INFINITY, hi = -INFINITY, un = 0;
    int unk = 0; /* a vertical segment has no length but may lack ground too */
    for (size_t i = 0; i + 1 < r->n_pts; i++) {
        double z0 = r->alt_m[i], dz = r->alt_m[i + 1] - z0, ta = 0;
        for (size_t k = g->at[i]; k < g->at[i + 1]; k++) {
            double tb = g->t1[k];
            double za = z0 + ta * dz, zb = z0 + tb * dz;
            if (isinf(g->lo[k])) {
                un += (tb - ta) * sl[i];
                unk = 1;
            }
            if (!isinf(g->lo[k])) {
                lo = fmin(lo, fmin(za, zb) - g->hi[k]);
                hi = fmax(hi, fmax(za, zb) - g->lo[k]);
            }
            ta = tb;
        }
    }
    *unknown_m = un;
    *amin = unk || !isfinite(lo) ? NAN : lo;
    *amax = unk || !isfinite(hi) ? NAN : hi;
}

void pl_cor_agl_span(const pl_route *r, const gprof *g, double below, double above, const pvec *v, double *lo,
                     double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t j = 0; j < v->n; j++) {
        const piece p = v->a[j];
        for (size_t k = g->at[p.seg]; k < g->at[p.seg + 1]; k++) {
            piece q;
            if (!stretch_part(g, &p, k, 1, &q))
                continue;
            double a[3], b[3];
            pl_cor_at(r, p.seg, q.t0, a);
            pl_cor_at(r, p.seg, q.t1, b);
            *lo = fmin(*lo, fmin(a[2], b[2]) - below - g->hi[k]); /* -inf where unknown */
            *hi = fmax(*hi, fmax(a[2], b[2]) + above - g->lo[k]);
        }
    }
}
