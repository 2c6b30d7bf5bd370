/*
 * t_optimise.c - the siting optimiser against exhaustive enumeration.
 *
 * Test plan
 *   1. a hand-computed instance on a line: p = 1 picks the site covering the
 *      two heaviest neighbours, p = 2 covers everything; bound = optimum
 *   2. built sites are kept and their demand is not counted twice
 *   3. 300 random small instances (coverage), a third with a required
 *      site: with enumeration allowed the solver's value equals this file's
 *      own brute force over the sets of p new sites (required ones open,
 *      the others feasible and reaching demand); forced to the heuristic,
 *      its value is <= the optimum and its Lagrangian bound >= the optimum;
 *      separation (not between two given sites) and quotas hold in every
 *      answer, at most p new sites open, and each chosen site not required
 *      adds to the value (or its quota needs it)
 *   4. the same for p-median (value >= optimum, lower bound <= optimum)
 *   5. no set of p sites meets the constraints: the best smaller set, its
 *      bound proven by enumeration, or greedy with a true Lagrangian bound
 *      (never the objective as its own bound)
 *   6. the bound rule, where the heuristic misses the optimum: candidates
 *      X1, X2, Y1, Y2 covering demand m (2), n (3.5), p, q, r, s (3 each):
 *      X1 {m, p, r}, X2 {m, n}, Y1 {p, q}, Y2 {r, s}.  Greedy takes X1 (8),
 *      then X2 (+3.5 against +3): 11.5; no single swap improves it (X1 ->
 *      Y1 or Y2: 11.5, X2 -> Y1 or Y2: 11), the optimum is {Y1, Y2}: 12.
 *      The reported upper bound must still be >= 12 (the Lagrangian bound,
 *      not the heuristic's value), the gap (bound - 11.5) / bound
 *   7. the service radius rule: demand exactly at the radius is covered
 *      (a 3-4-5 triangle: d^2 = 25 = r^2), in the coverage lists and in the
 *      value, so the site reaching it (weight 3) beats one reaching 2
 *   8. the separation rule: two sites exactly min_sep_m apart may both open
 *   9. required sites, on test 1's line (demand x=0 (5), x=10 (3), x=20 (4),
 *      radius 6; candidates 0: x=0, 1: x=10, 2: x=20, 3: x=5, 4: x=100):
 *      a. nothing required, p = 2: {3, 2} covers 8 + 4 = 12;
 *      b. 1 required, p = 2: 1 (3) and one more: 0 or 3 add 5, 2 adds 4:
 *         {1, 0} (the lower index), 8; n_new 2, n_required 1; 1 is not
 *         paired with an alternative, 0 adds 5 and 3 would add 5 in its
 *         place (the alternative reaching its demand);
 *      c. p = 1 and 1 required: {1} alone, 3;
 *      d. 1 required, separation 15 m: 0, 2 and 3 lie within 15 m of it:
 *         the required site alone (it is exempt), 3, proven on the smaller
 *         sets;
 *      e. nothing required, p = 4: candidate 4 reaches no demand and never
 *         opens; the one set of the 4 others covers 12, then those adding
 *         nothing close, least demand in reach first: 1 (3), then 0 (5,
 *         its demand now also 3's): {2, 3}, 12, n_new 2, n_dropped 2; 3
 *         adds 8 and its best alternative, 0, would add 5; nothing else
 *         reaches 2's demand: no alternative
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimise.h"
#include "t.h"

static void t1_line(void **state)
{
    (void)state;
    double dx[] = {0, 10, 20}, dy[] = {0, 0, 0}, dw[] = {5, 3, 4}, dr[] = {6, 6, 6};
    double cx[] = {0, 10, 20, 5}, cy[] = {0, 0, 0, 0};
    int fixed[] = {0, 0, 0, 0}, feas[] = {1, 1, 1, 1}, kind[] = {0, 0, 0, 0};
    pl_sit_inst in = {3, dw, dx, dy, dr, 4, cx, cy, fixed, feas, kind, 1, NULL, 1, 0, PL_OBJ_COVERAGE, 0, NULL};
    pl_sit_result r;
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_float_equal(r.objective, 8, 1e-9); /* x=5 covers x=0 (5) and x=10 (3) */
    assert_true(r.open[3]);
    assert_true(r.bound >= 8 - 1e-9);
    pl_sit_result_free(&r);
    in.p = 2;
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_float_equal(r.objective, 12, 1e-9);
    assert_float_equal(r.bound, 12, 1e-6); /* everything is covered: the bound meets it */
    assert_float_equal(r.gap, 0, 1e-6);
    pl_sit_result_free(&r);
}

static void t2_fixed(void **state)
{
    (void)state;
    double dx[] = {0, 10, 20}, dy[] = {0, 0, 0}, dw[] = {5, 3, 4}, dr[] = {6, 6, 6};
    double cx[] = {0, 10, 20, 5}, cy[] = {0, 0, 0, 0};
    int fixed[] = {1, 0, 0, 0}, feas[] = {1, 1, 1, 1}, kind[] = {0, 0, 0, 0};
    pl_sit_inst in = {3, dw, dx, dy, dr, 4, cx, cy, fixed, feas, kind, 1, NULL, 1, 0, PL_OBJ_COVERAGE, 0, NULL};
    pl_sit_result r;
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    /* built x=0 covers 5; the best one new site then covers x=20 (4), not x=5 (+3) */
    assert_true(r.open[0]);
    assert_true(r.open[2]);
    assert_float_equal(r.objective, 9, 1e-9);
    assert_int_equal(r.n_new, 1);
    pl_sit_result_free(&r);
}

/* The bound rule when no set of p sites meets the constraints: three
 * candidates in a row 700 m apart, 1,000 m separation, the middle one
 * reaching demand 10, each outer one demand 6, p = 3.  Greedy takes the
 * middle (10) and can add nothing; the two outer sites together reach 12.
 * Every smaller set tried: 12, proven.  Not all tried (exact_limit below
 * C(3,1) + C(3,2) = 6): greedy's 10 with a Lagrangian bound of at least
 * 12 and a gap above 0, never bound = objective. */
static void t5_bound_when_infeasible(void **state)
{
    (void)state;
    double dx[] = {0, 700, 1400}, dy[] = {0, 0, 0}, dw[] = {6, 10, 6}, dr[] = {100, 100, 100};
    double cx[] = {0, 700, 1400}, cy[] = {0, 0, 0};
    int fixed[] = {0, 0, 0}, feas[] = {1, 1, 1}, kind[] = {0, 0, 0};
    pl_sit_inst in = {3, dw, dx, dy, dr, 3, cx, cy, fixed, feas, kind, 1, NULL, 3, 1000, PL_OBJ_COVERAGE, 100, NULL};
    pl_sit_result r;
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_float_equal(r.objective, 12, 1e-9);
    assert_true(r.open[0] && !r.open[1] && r.open[2]);
    assert_int_equal(r.n_new, 2);
    assert_float_equal(r.bound, 12, 1e-9);
    assert_non_null(strstr(r.method, "every smaller set"));
    pl_sit_result_free(&r);
    in.exact_limit = 5; /* C(3,3) = 1 tried, the 6 smaller sets not */
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_float_equal(r.objective, 10, 1e-9);
    assert_true(r.bound >= 12 - 1e-9); /* a true bound: the outer pair reaches 12 */
    assert_true(r.gap > 0.1);
    assert_non_null(strstr(r.method, "Lagrangian"));
    pl_sit_result_free(&r);
}

/* ---- brute force, written independently of optimise.c ------------------ */

typedef struct rnd {
    unsigned long long s;
} rnd;

static double urand(rnd *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (double)(r->s >> 11) / 9007199254740992.0;
}

static double value(const pl_sit_inst *in, const int *open)
{
    double v = 0;
    for (size_t i = 0; i < in->n_dem; i++) {
        double best = INFINITY;
        for (size_t j = 0; j < in->n_cand; j++)
            if (open[j])
                best = fmin(best, hypot(in->dx[i] - in->cx[j], in->dy[i] - in->cy[j]));
        if (in->objective == PL_OBJ_MEDIAN)
            v += in->dw[i] * best;
        else if (best <= in->dr[i])
            v += in->dw[i];
    }
    return v;
}

static int req(const pl_sit_inst *in, size_t j) { return in->required && in->required[j] && !in->fixed[j]; }

/* Some demand point lies within its radius of candidate j. */
static int reaches(const pl_sit_inst *in, size_t j)
{
    for (size_t i = 0; i < in->n_dem; i++)
        if (hypot(in->dx[i] - in->cx[j], in->dy[i] - in->cy[j]) <= in->dr[i])
            return 1;
    return 0;
}

/* The rules with n new sites open (required ones included): required open;
 * every other new site feasible and reaching demand; separation between
 * every new site and every open one, but between two given (built or
 * required) sites; the quotas. */
static int meets_n(const pl_sit_inst *in, const int *open, size_t *n)
{
    size_t per[4] = {0};
    *n = 0;
    for (size_t j = 0; j < in->n_cand; j++) {
        if (req(in, j) && !open[j])
            return 0;
        if (!open[j] || in->fixed[j])
            continue;
        (*n)++;
        per[in->kind[j]]++;
        if (!req(in, j) && (!in->feasible[j] || !reaches(in, j)))
            return 0;
        for (size_t k = 0; k < in->n_cand; k++)
            if (k != j && open[k] && !(req(in, j) && (in->fixed[k] || req(in, k))) &&
                hypot(in->cx[j] - in->cx[k], in->cy[j] - in->cy[k]) < in->min_sep_m)
                return 0;
    }
    for (size_t k = 0; in->quota && k < in->n_kinds; k++)
        if ((int)per[k] < in->quota[k])
            return 0;
    return 1;
}

static int meets(const pl_sit_inst *in, const int *open)
{
    size_t n;
    return meets_n(in, open, &n) && n == in->p;
}

/* The solver's answer: the rules with at most p new sites, and no site
 * without a reason: each chosen site (not required) adds to the value, or
 * its kind would fall below its quota without it. */
static int answer_ok(const pl_sit_inst *in, const int *open)
{
    size_t n, per[4] = {0};
    if (!meets_n(in, open, &n) || n > in->p)
        return 0;
    for (size_t j = 0; j < in->n_cand; j++)
        per[in->kind[j]] += open[j] && !in->fixed[j];
    int *o = malloc(in->n_cand * sizeof *o);
    int ok = 1;
    memcpy(o, open, in->n_cand * sizeof *o);
    for (size_t j = 0; ok && j < in->n_cand; j++) {
        if (!open[j] || in->fixed[j] || req(in, j))
            continue;
        o[j] = 0;
        double with = value(in, open), without = value(in, o);
        o[j] = 1;
        int held = in->quota && (int)per[in->kind[j]] <= in->quota[in->kind[j]];
        ok = held || (in->objective == PL_OBJ_MEDIAN ? without > with : without < with);
    }
    free(o);
    return ok;
}

/* Best value over all sets of p new sites; NAN when none meets the rules. */
static double brute(const pl_sit_inst *in)
{
    int open[16];
    double best = NAN;
    for (unsigned mask = 0; mask < (1u << in->n_cand); mask++) {
        int ok = 1;
        for (size_t j = 0; j < in->n_cand; j++) {
            open[j] = (mask >> j) & 1;
            if (in->fixed[j] && !open[j])
                ok = 0;
        }
        if (!ok || !meets(in, open))
            continue;
        double v = value(in, open);
        if (isnan(best) || (in->objective == PL_OBJ_MEDIAN ? v < best : v > best))
            best = v;
    }
    return best;
}

static void random_instances(int objective)
{
    rnd r = {12345u + (unsigned)objective};
    int checked = 0;
    for (int t = 0; t < 300; t++) {
        double dx[40], dy[40], dw[40], dr[40], cx[12], cy[12];
        int fixed[12], feas[12], kind[12], reqd[12] = {0}, quota[2] = {0, 0};
        size_t nd = 10 + (size_t)(urand(&r) * 30), nc = 6 + (size_t)(urand(&r) * 6);
        for (size_t i = 0; i < nd; i++) {
            dx[i] = urand(&r) * 10000;
            dy[i] = urand(&r) * 10000;
            dw[i] = 1 + floor(urand(&r) * 10);
            dr[i] = 1500 + urand(&r) * 2000;
        }
        for (size_t j = 0; j < nc; j++) {
            cx[j] = urand(&r) * 10000;
            cy[j] = urand(&r) * 10000;
            fixed[j] = j == 0 && urand(&r) < 0.5;
            feas[j] = urand(&r) < 0.85;
            kind[j] = urand(&r) < 0.3;
        }
        if (urand(&r) < 0.3) { /* a route ends at one feasible candidate */
            size_t j = 1 + (size_t)(urand(&r) * (double)(nc - 1));
            reqd[j] = feas[j] = 1;
        }
        int use_quota = urand(&r) < 0.3;
        quota[1] = 1;
        pl_sit_inst in = {nd, dw, dx, dy, dr, nc, cx, cy, fixed, feas, kind, 2, use_quota ? quota : NULL,
                          1 + (size_t)(urand(&r) * 3), urand(&r) < 0.4 ? 2000.0 : 0.0, objective, 1000000, reqd};
        double opt = brute(&in);
        if (isnan(opt))
            continue; /* no set meets the rules: nothing to compare */
        checked++;
        pl_sit_result ex, he;
        assert_int_equal(pl_sit_solve(&in, &ex), 0);
        if (!answer_ok(&in, ex.open))
            fail_msg("instance %d: the enumeration's answer breaks a rule or holds a site adding nothing", t);
        assert_int_equal(ex.n_new + ex.n_dropped, in.p);
        if (fabs(ex.objective - opt) > 1e-6 || fabs(value(&in, ex.open) - opt) > 1e-6)
            fail_msg("instance %d: enumeration found %g, brute force %g", t, ex.objective, opt);
        in.exact_limit = 0; /* force greedy + swap + Lagrangian */
        assert_int_equal(pl_sit_solve(&in, &he), 0);
        if (he.n_new + he.n_dropped == in.p) { /* a full set found, then the sites adding nothing closed */
            if (!answer_ok(&in, he.open))
                fail_msg("instance %d: the heuristic's answer breaks a rule or holds a site adding nothing", t);
            if (objective == PL_OBJ_COVERAGE) {
                if (he.objective > opt + 1e-6 || he.bound < opt - 1e-6)
                    fail_msg("instance %d: heuristic %g, bound %g, optimum %g", t, he.objective, he.bound, opt);
            } else if (he.objective < opt - 1e-6 || he.bound > opt + 1e-6) {
                fail_msg("instance %d: heuristic %g, lower bound %g, optimum %g", t, he.objective, he.bound, opt);
            }
        }
        pl_sit_result_free(&ex);
        pl_sit_result_free(&he);
    }
    assert_true(checked > 200);
}

static void t3_coverage_vs_enumeration(void **state)
{
    (void)state;
    random_instances(PL_OBJ_COVERAGE);
}

static void t4_median_vs_enumeration(void **state)
{
    (void)state;
    random_instances(PL_OBJ_MEDIAN);
}

/* the instance of test 6, on a plane: X1 at the centre, X2, Y1, Y2 at 120
 * degrees around it, 100 m out; each demand point within 60 m of exactly
 * the sites listed (at the midpoints, or on a site) */
static void t6_bound_rule_when_the_heuristic_misses(void **state)
{
    (void)state;
    double cx[] = {0, 100, -50, -50}, cy[] = {0, 0, 87, -87};             /* X1 X2 Y1 Y2 */
    double dx[] = {50, 100, -25, -25, -50, -50}, dy[] = {0, 0, 43.5, -43.5, 87, -87}; /* m n p r q s */
    double dw[] = {2, 3.5, 3, 3, 3, 3}, dr[] = {60, 60, 60, 60, 60, 60};
    int fixed[] = {0, 0, 0, 0}, feas[] = {1, 1, 1, 1}, kind[] = {0, 0, 0, 0};
    pl_sit_inst in = {6, dw, dx, dy, dr, 4, cx, cy, fixed, feas, kind, 1, NULL, 2, 0, PL_OBJ_COVERAGE, 0, NULL};
    pl_sit_result r;
    assert_int_equal(pl_sit_solve(&in, &r), 0); /* exact_limit 0: greedy + swap + Lagrangian */
    assert_float_equal(r.objective, 11.5, 1e-9);
    assert_true(r.open[0] && r.open[1] && !r.open[2] && !r.open[3]);
    if (!(r.bound >= 12 - 1e-9))
        fail_msg("upper bound %g below the optimum 12 (the heuristic found %g)", r.bound, r.objective);
    assert_true(r.bound <= 17.5 + 1e-9); /* never above all the demand */
    assert_float_equal(r.gap, (r.bound - 11.5) / r.bound, 1e-9);
    pl_sit_result_free(&r);
    in.exact_limit = 1000; /* enumeration: the optimum itself, proven */
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_float_equal(r.objective, 12, 1e-9);
    assert_true(!r.open[0] && !r.open[1] && r.open[2] && r.open[3]);
    assert_float_equal(r.bound, 12, 1e-9);
    pl_sit_result_free(&r);
}

static void t7_service_radius_rule(void **state)
{
    (void)state;
    /* A at the origin reaches D0 at (3, 4) exactly at its 5 m radius (3);
     * B at (100, 0) reaches D1 at (100, 4) (2) */
    double cx[] = {0, 100}, cy[] = {0, 0}, dx[] = {3, 100}, dy[] = {4, 4}, dw[] = {3, 2}, dr[] = {5, 5};
    int fixed[] = {0, 0}, feas[] = {1, 1}, kind[] = {0, 0};
    pl_sit_inst in = {2, dw, dx, dy, dr, 2, cx, cy, fixed, feas, kind, 1, NULL, 1, 0, PL_OBJ_COVERAGE, 1000, NULL};
    for (int heuristic = 0; heuristic < 2; heuristic++) {
        in.exact_limit = heuristic ? 0 : 1000;
        pl_sit_result r;
        assert_int_equal(pl_sit_solve(&in, &r), 0);
        assert_true(r.open[0] && !r.open[1]);
        assert_float_equal(r.objective, 3, 1e-9);
        assert_int_equal(r.cover_off[1] - r.cover_off[0], 1); /* A's list: D0 */
        assert_int_equal(r.cover_idx[r.cover_off[0]], 0);
        pl_sit_result_free(&r);
    }
    int open[] = {1, 0};
    assert_float_equal(pl_sit_value(&in, open), 3, 0);
}

static void t8_separation_rule(void **state)
{
    (void)state;
    /* two sites exactly 1000 m apart, each with its own demand: both open */
    double cx[] = {0, 1000, 500}, cy[] = {0, 0, 0}, dx[] = {0, 1000}, dy[] = {0, 0}, dw[] = {1, 1}, dr[] = {10, 10};
    int fixed[] = {0, 0, 0}, feas[] = {1, 1, 1}, kind[] = {0, 0, 0};
    pl_sit_inst in = {2, dw, dx, dy, dr, 3, cx, cy, fixed, feas, kind, 1, NULL, 2, 1000, PL_OBJ_COVERAGE, 1000, NULL};
    for (int heuristic = 0; heuristic < 2; heuristic++) {
        in.exact_limit = heuristic ? 0 : 1000;
        pl_sit_result r;
        assert_int_equal(pl_sit_solve(&in, &r), 0);
        assert_int_equal(r.n_new, 2);
        assert_true(r.open[0] && r.open[1] && !r.open[2]);
        assert_float_equal(r.objective, 2, 1e-9);
        pl_sit_result_free(&r);
    }
}

static void t9_required(void **state)
{
    (void)state;
    double dx[] = {0, 10, 20}, dy[] = {0, 0, 0}, dw[] = {5, 3, 4}, dr[] = {6, 6, 6};
    double cx[] = {0, 10, 20, 5, 100}, cy[] = {0, 0, 0, 0, 0};
    int fixed[] = {0, 0, 0, 0, 0}, feas[] = {1, 1, 1, 1, 1}, kind[] = {0, 0, 0, 0, 0}, req[] = {0, 1, 0, 0, 0};
    pl_sit_inst in = {3, dw, dx, dy, dr, 5, cx, cy, fixed, feas, kind, 1, NULL, 2, 0, PL_OBJ_COVERAGE, 1000, NULL};
    pl_sit_result r;
    assert_int_equal(pl_sit_solve(&in, &r), 0); /* a */
    assert_true(!r.open[0] && !r.open[1] && r.open[2] && r.open[3] && !r.open[4]);
    assert_float_equal(r.objective, 12, 1e-9);
    assert_int_equal(r.n_required, 0);
    pl_sit_result_free(&r);
    in.required = req; /* b */
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_true(r.open[0] && r.open[1] && !r.open[2] && !r.open[3] && !r.open[4]);
    assert_float_equal(r.objective, 8, 1e-9);
    assert_float_equal(r.bound, 8, 1e-9);
    assert_int_equal(r.n_new, 2);
    assert_int_equal(r.n_required, 1);
    assert_int_equal(r.alt[1], -1);
    assert_float_equal(r.adds[0], 5, 1e-9);
    assert_int_equal(r.alt[0], 3);
    assert_float_equal(r.alt_adds[0], 5, 1e-9);
    pl_sit_result_free(&r);
    in.p = 1; /* c */
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_true(r.open[1] && !r.open[0] && !r.open[2] && !r.open[3]);
    assert_float_equal(r.objective, 3, 1e-9);
    assert_int_equal(r.n_new, 1);
    pl_sit_result_free(&r);
    in.p = 2; /* d */
    in.min_sep_m = 15;
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_true(r.open[1] && !r.open[0] && !r.open[2] && !r.open[3] && !r.open[4]);
    assert_float_equal(r.objective, 3, 1e-9);
    assert_float_equal(r.bound, 3, 1e-9);
    assert_int_equal(r.n_new, 1);
    assert_non_null(strstr(r.method, "every smaller set"));
    pl_sit_result_free(&r);
    in.required = NULL; /* e */
    in.min_sep_m = 0;
    in.p = 4;
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_true(!r.open[0] && !r.open[1] && r.open[2] && r.open[3] && !r.open[4]);
    assert_float_equal(r.objective, 12, 1e-9);
    assert_int_equal(r.n_new, 2);
    assert_int_equal(r.n_dropped, 2);
    assert_float_equal(r.adds[3], 8, 1e-9);
    assert_int_equal(r.alt[3], 0);
    assert_float_equal(r.alt_adds[3], 5, 1e-9);
    assert_int_equal(r.alt[2], -1);
    pl_sit_result_free(&r);
    in.exact_limit = 0; /* e by greedy + swap: the same answer */
    assert_int_equal(pl_sit_solve(&in, &r), 0);
    assert_true(!r.open[0] && !r.open[1] && r.open[2] && r.open[3] && !r.open[4]);
    assert_int_equal(r.n_new, 2);
    assert_true(r.bound >= 12 - 1e-9);
    pl_sit_result_free(&r);
}

int t_optimise(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(t1_line),
        cmocka_unit_test(t2_fixed),
        cmocka_unit_test(t3_coverage_vs_enumeration),
        cmocka_unit_test(t4_median_vs_enumeration),
        cmocka_unit_test(t5_bound_when_infeasible),
        cmocka_unit_test(t6_bound_rule_when_the_heuristic_misses),
        cmocka_unit_test(t7_service_radius_rule),
        cmocka_unit_test(t8_separation_rule),
        cmocka_unit_test(t9_required),
    };
    return cmocka_run_group_tests_name("optimise", tests, NULL, NULL);
}
