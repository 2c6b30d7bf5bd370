/*
 * optimise.h - the siting optimiser: plain arrays in, chosen sites and a
 * proven bound out. No GIS here, so the unit tests can check it against
 * exhaustive enumeration on small instances.
 */
#ifndef PL_OPTIMISE_H
#define PL_OPTIMISE_H

#include <stddef.h>

enum pl_objective { PL_OBJ_COVERAGE, PL_OBJ_MEDIAN };

typedef struct pl_sit_inst {
    size_t n_dem;          /* demand points */
    const double *dw;      /* weight per demand point */
    const double *dx, *dy; /* demand coordinates, metres */
    const double *dr;      /* service radius per demand point, metres (coverage) */
    size_t n_cand;         /* candidate sites, built ones included */
    const double *cx, *cy; /* candidate coordinates, metres */
    const int *fixed;      /* 1: built, always open, not counted in p */
    const int *feasible;   /* 1: may be chosen (built sites are always open) */
    const int *kind;       /* kind index per candidate, 0..n_kinds-1 */
    size_t n_kinds;
    const int *quota;      /* at least quota[k] new sites of kind k (NULL: none) */
    size_t p;              /* new sites to choose */
    double min_sep_m;      /* minimum distance between open sites (0: none) */
    int objective;         /* enum pl_objective */
    size_t exact_limit;    /* enumerate when C(eligible, p) is at most this */
    const int *required;   /* 1: forced open (a route ends there), counted in p and
                              in the quotas, exempt from separation against built
                              and other required sites; NULL: none */
} pl_sit_inst;

typedef struct pl_sit_result {
    int *open;             /* n_cand flags: 1 open (built or chosen); owned */
    size_t n_new;          /* new sites open, required ones included (< p when
                              constraints leave too few, or when a site would add
                              nothing: see n_dropped) */
    size_t n_required;     /* required sites among them */
    size_t n_dropped;      /* sites a full set held that added nothing, closed again */
    double objective;      /* covered weight, or weighted distance (median) */
    double bound;          /* upper bound (coverage) or lower bound (median) */
    double gap;            /* |bound - objective| / |bound|, 0 when proven optimal */
    double total_weight;   /* all demand weight */
    const char *method;    /* "exhaustive" or "greedy+swap, Lagrangian bound" */
    size_t iterations;     /* swap passes + subgradient iterations (work done) */
    size_t *cover_off;     /* coverage lists (coverage objective): demand points */
    size_t *cover_idx;     /* reached by candidate j are cover_idx[cover_off[j] ..
                              cover_off[j+1]), ascending; owned, free() both */
    double *adds;          /* n_cand: what each open new site adds, the objective lost
                              if it alone closed (0 for the others); owned */
    long *alt;             /* n_cand: for each open new site not required, the best
                              candidate in its place among those reaching its demand
                              (of its kind when its quota needs that; -1: none could
                              open there); owned */
    double *alt_adds;      /* n_cand: what alt would add in that place; owned */
} pl_sit_result;

/* Solve.  A new site is eligible when it is feasible and reaches some
 * demand (or is required); the required ones open first and take their
 * part of p; after the choice every chosen site whose closing would lose
 * nothing is closed again (unless a quota needs it), so each open new site
 * adds to the objective or is required: at most p new sites, never padded.
 * Returns 0, or -1 when memory runs out.  Deterministic: ties go to the
 * lower candidate index.  Ownership: free with pl_sit_result_free(). */
int pl_sit_solve(const pl_sit_inst *in, pl_sit_result *res);

/* Free what a result owns (open flags, coverage lists, what sites add). */
void pl_sit_result_free(pl_sit_result *res);

/* Objective value of a given set of open sites (same definition). */
double pl_sit_value(const pl_sit_inst *in, const int *open);

#endif
