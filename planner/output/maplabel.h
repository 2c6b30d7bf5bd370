/*
 * maplabel.h - where the map's labels go (maplabel.c), for map.c only.
 */
#ifndef PL_MAPLABEL_H
#define PL_MAPLABEL_H

#include <stddef.h>

/* A box on the page, px: left, top, right, bottom. */
typedef struct pl_lbox {
    double x0, y0, x1, y1;
} pl_lbox;

/* What the page already holds: marks and placed labels, boxes to avoid,
 * and the frame labels must stay inside. */
typedef struct pl_lspace {
    pl_lbox *a;      /* the boxes taken */
    size_t n, cap;
    pl_lbox frame;   /* labels stay inside */
    int oom;         /* a box could not be recorded */
} pl_lspace;

/* A label placed: its text box, where its text starts (x, baseline y),
 * the anchor it belongs to, and whether it sits away from it (draw a
 * leader line). */
typedef struct pl_lplace {
    pl_lbox box;
    double tx, ty;
    double ax, ay;
    int leader;
} pl_lplace;

/* Records box b as taken (a mark or a label). */
void pl_lspace_take(pl_lspace *s, pl_lbox b);
void pl_lspace_free(pl_lspace *s);
/* Width in px of s set at size px in WenQuanYi Micro Hei: CJK 1 em, the
 * rest 0.56 em (its Latin advance, rounded up). */
double pl_label_width(const char *s, double size);
/* Places a label w x h px near the anchor (ax, ay), a mark of radius r:
 * the first of eight places round it, then two rings further out, that
 * meets no taken box and stays in the frame; when none is free, the place
 * with the least overlap.  Records the box as taken.  Returns: the place. */
pl_lplace pl_label_near(pl_lspace *s, double ax, double ay, double r, double w, double h);
/* The same for a line's label: n anchors along the line (tried in order),
 * each with places above and below it. */
pl_lplace pl_label_along(pl_lspace *s, const double *ax, const double *ay, size_t n, double w, double h);

#endif
