/*
 * paths.h - paths among zones, shared by reroute.c (the shortest path
 * around forbidden zones) and design.c (a planned route laid out at the
 * least cost): the obstacles, visibility between two points, the nodes a
 * shortest path may bend at.  Inside the engine only.
 */
#ifndef PL_PATHS_H
#define PL_PATHS_H

#include "planner.h"

typedef struct obst {
    const pl_zone *zone;                /* borrowed */
    GEOSGeometry *g;                    /* owned: inflated zone */
    const GEOSPreparedGeometry *pg;     /* owned */
} obst;

typedef struct ob_set {
    obst *a;
    size_t n, cap;
    GEOSSTRtree *tree;
} ob_set;

/* 1. The obstacles, indexed: the zones near r that no approval opens
 * (forbidden) at its altitudes, each inflated by inflate.  PL_OK or an
 * error. */
int pl_path_obstacles(pl_ctx *ctx, const pl_zoneset *zs, const pl_route *r, double inflate, ob_set *os);
void pl_path_obstacles_free(pl_ctx *ctx, ob_set *os);
/* 1 when the segment a-b stays out of every obstacle's interior (sliding
 * along an edge allowed), 0 when not, -1 on error. */
int pl_path_visible(pl_ctx *ctx, const ob_set *os, double ax, double ay, double bx, double by);
/* The obstacle holding (x, y) in its interior, or NULL. */
const obst *pl_path_inside(pl_ctx *ctx, const ob_set *os, double x, double y);
/* Every vertex of polygonal g appended to x, y (n of cap); -1 when out of memory. */
int pl_path_add_nodes(pl_ctx *ctx, const GEOSGeometry *g, double **x, double **y, size_t *n, size_t *cap);
/* Each point of a new path (x, y, n points, length_m long) at the altitude
 * of route r at the same fraction of its length, into alt. */
void pl_path_altitudes(const pl_route *r, const double *x, const double *y, size_t n, double length_m, double *alt);

#endif
