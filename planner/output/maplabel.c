/*
 * maplabel.c - label placement for the map picture: each label goes to the
 * first free place round its anchor, so no two labels overlap and no label
 * covers a site's mark (the north-east cluster of sites used to print one
 * name over another).
 *
 * Entry points: pl_lspace_take, pl_lspace_free, pl_label_width,
 * pl_label_near, pl_label_along.
 *
 * Greedy, in the caller's order (sites before routes: the most important
 * first), as cartographic point-feature labelling usually is (Imhof's
 * preferred positions: right and above first).  Text widths are estimated
 * from the named font's advances, so the estimate holds for the PNG that
 * rsvg-convert draws with that font.
 */
#include "maplabel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void pl_lspace_take(pl_lspace *s, pl_lbox b)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        pl_lbox *a = realloc(s->a, cap * sizeof *a);
        if (!a) {
            s->oom = 1;
            return;
        }
        s->a = a, s->cap = cap;
    }
    s->a[s->n++] = b;
}

void pl_lspace_free(pl_lspace *s)
{
    free(s->a);
    s->a = NULL;
    s->n = s->cap = 0;
}

double pl_label_width(const char *s, double size)
{
    double em = 0;
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;                /* a continuation byte */
        em += *p >= 0xE2 ? 1.0 : 0.56; /* U+2000 on (CJK, fullwidth): 1 em */
    }
    return em * size;
}

static double overlap(pl_lbox a, pl_lbox b)
{
    double w = fmin(a.x1, b.x1) - fmax(a.x0, b.x0), h = fmin(a.y1, b.y1) - fmax(a.y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
}

/* The px^2 of b over taken boxes, or outside the frame (weighted heavier:
 * a label cut by the frame is lost). */
static double cost(const pl_lspace *s, pl_lbox b)
{
    /* a pixel of air round each label: the SVG's coordinates are rounded
     * to 0.1 px, and touching labels read as one */
    b.x0 -= 1, b.y0 -= 1, b.x1 += 1, b.y1 += 1;
    double c = 0;
    for (size_t i = 0; i < s->n; i++)
        c += overlap(b, s->a[i]);
    pl_lbox in = {b.x0 + 1, b.y0 + 1, b.x1 - 1, b.y1 - 1};
    double area = (in.x1 - in.x0) * (in.y1 - in.y0);
    return c + 4 * (area - overlap(in, s->frame));
}

/* the label box with its text's start (tx, baseline ty) */
static pl_lplace at(double tx, double ty, double w, double h)
{
    pl_lplace p = {{tx, ty - 0.8 * h, tx + w, ty + 0.2 * h}, tx, ty, 0, 0, 0};
    return p;
}

/* Tries place p; keeps it in *best when it costs less.  Returns: 1 when
 * p is free (cost 0). */
static int try(const pl_lspace *s, pl_lplace p, pl_lplace *best, double *best_c)
{
    double c = cost(s, p.box);
    if (c < *best_c)
        *best = p, *best_c = c;
    return c == 0;
}

pl_lplace pl_label_near(pl_lspace *s, double ax, double ay, double r, double w, double h)
{
    /* right, above-right, below-right, left, above-left, below-left, above, below */
    static const double dir[8][2] = {{1, 0}, {1, -1}, {1, 1}, {-1, 0}, {-1, -1}, {-1, 1}, {0, -1}, {0, 1}};
    static const double ring[3] = {0, 7, 16};
    pl_lplace best = at(ax + r + 2, ay + 0.3 * h, w, h);
    best.ax = ax, best.ay = ay;
    double best_c = INFINITY;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < 8; i++) {
            double d = r + 2 + ring[k], dx = dir[i][0], dy = dir[i][1];
            double cx = ax + dx * d * (dy ? 0.75 : 1), cy = ay + dy * d * (dx ? 0.75 : 1);
            double tx = dx > 0 ? cx : dx < 0 ? cx - w : cx - w / 2;
            double ty = dy < 0 ? cy : dy > 0 ? cy + 0.8 * h : cy + 0.3 * h;
            pl_lplace p = at(tx, ty, w, h);
            p.leader = k > 0, p.ax = ax, p.ay = ay;
            if (try(s, p, &best, &best_c))
                goto done;
        }
done:
    pl_lspace_take(s, best.box);
    return best;
}

pl_lplace pl_label_along(pl_lspace *s, const double *ax, const double *ay, size_t n, double w, double h)
{
    /* above, below, then further off (with a leader); centred on the
     * anchor, then starting or ending at it */
    static const double off[6] = {-4, 4, -12, 12, -22, 22};
    static const double shift[3] = {-0.5, 0, -1};
    pl_lplace best = at(n ? ax[0] - w / 2 : 0, n ? ay[0] - 4 : 0, w, h);
    best.ax = n ? ax[0] : 0, best.ay = n ? ay[0] : 0;
    double best_c = INFINITY;
    for (int k = 0; k < 6; k++)
        for (int j = 0; j < 3; j++)
            for (size_t i = 0; i < n; i++) {
                double ty = off[k] < 0 ? ay[i] + off[k] : ay[i] + off[k] + 0.8 * h;
                pl_lplace p = at(ax[i] + shift[j] * w, ty, w, h);
                p.leader = k >= 2, p.ax = ax[i], p.ay = ay[i];
                if (try(s, p, &best, &best_c))
                    goto done;
            }
done:
    pl_lspace_take(s, best.box);
    return best;
}
