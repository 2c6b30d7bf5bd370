/*
 * optimise.c - maximal covering (MCLP) and p-median siting with the built
 * sites fixed, required sites forced open (route ends), minimum separation
 * and per-kind quotas.
 *
 * Entry points: pl_sit_solve, pl_sit_result_free, pl_sit_value.  The
 * Lagrangian bounds below are in optimise_bound.c.
 *
 * The model: built sites are open and outside p; required sites are open
 * and inside p (and the quotas); the rest of p goes to eligible candidates,
 * feasible ones that reach some demand.  Separation binds every chosen site
 * against every open one; built and required sites are given, so it does
 * not bind them among themselves.  After the choice, a chosen site whose
 * closing loses nothing is closed (prune): p is a ceiling, never padded.
 *
 * Method, coverage (maximise the weight within a demand point's service
 * radius of an open site):
 *   - small instances (C(eligible, p) <= exact_limit): exhaustive
 *     enumeration, the optimum itself;
 *   - otherwise greedy (largest marginal gain, quota-aware) then best-
 *     improvement 1-swap local search until no swap improves;
 *   - upper bound: Lagrangian relaxation of "demand i is covered only if an
 *     open site covers it" (multipliers lambda_i >= 0),
 *       L(lambda) = sum_i max(0, w_i - lambda_i) + top-p sum_j sum_{i in N_j} lambda_i,
 *     minimised by subgradient steps, the demand of built and required
 *     sites a constant and p less the required sites.  Separation and
 *     quotas are dropped in the relaxation, which can only raise it: every
 *     L(lambda) is >= the optimum (Daskin, Network and Discrete Location,
 *     ch. 4).
 * Median (minimise sum_i w_i * distance to the nearest open site): greedy +
 * swap, and the Lagrangian lower bound that relaxes "each demand point is
 * assigned once":
 *       L(mu) = sum_i mu_i + sum_{j built or required} rho_j + (p' smallest rho_j),
 *     p' = p less the required sites.
 *       rho_j = sum_i min(0, w_i d_ij - mu_i).
 */
#include "optimise.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "optimise_work.h"

/* ==== coverage lists, on a uniform grid of demand points ============ */

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int build_cover(work *w)
{
    const pl_sit_inst *in = w->in;
    double rmax = 0, x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t i = 0; i < in->n_dem; i++) {
        rmax = fmax(rmax, in->dr ? in->dr[i] : 0);
        x0 = fmin(x0, in->dx[i]);
        y0 = fmin(y0, in->dy[i]);
        x1 = fmax(x1, in->dx[i]);
        y1 = fmax(y1, in->dy[i]);
    }
    w->off = calloc(in->n_cand + 1, sizeof *w->off);
    if (!w->off)
        return -1;
    if (!in->n_dem || !in->dr)
        return 0;
    double cell = rmax > 0 ? rmax : 1;
    size_t gx = (size_t)((x1 - x0) / cell) + 1, gy = (size_t)((y1 - y0) / cell) + 1;
    if (gx * gy > 4 * in->n_dem + 16) { /* keep the grid no larger than the data */
        double f = sqrt((double)(gx * gy) / (double)(4 * in->n_dem + 16));
        cell *= f;
        gx = (size_t)((x1 - x0) / cell) + 1;
        gy = (size_t)((y1 - y0) / cell) + 1;
    }
    size_t *head = calloc(gx * gy + 1, sizeof *head), *order = malloc(in->n_dem * sizeof *order);
    size_t cap = 1024, n = 0;
    w->idx = malloc(cap * sizeof *w->idx);
    if (!head || !order || !w->idx) {
        free(head);
        free(order);
        return -1;
    }
    /* counting sort of demand points by cell */
    for (size_t i = 0; i < in->n_dem; i++) {
        size_t c = (size_t)((in->dx[i] - x0) / cell) + gx * (size_t)((in->dy[i] - y0) / cell);
        head[c + 1]++;
    }
    for (size_t c = 0; c < gx * gy; c++)
        head[c + 1] += head[c];
    size_t *fill = malloc(gx * gy * sizeof *fill);
    if (!fill) {
        free(head);
        free(order);
        return -1;
    }
    memcpy(fill, head, gx * gy * sizeof *fill);
    for (size_t i = 0; i < in->n_dem; i++) {
        size_t c = (size_t)((in->dx[i] - x0) / cell) + gx * (size_t)((in->dy[i] - y0) / cell);
        order[fill[c]++] = i;
    }
    free(fill);
    long reach = (long)ceil(rmax / cell);
    for (size_t j = 0; j < in->n_cand; j++) {
        w->off[j] = n;
        long cx = (long)floor((in->cx[j] - x0) / cell), cy = (long)floor((in->cy[j] - y0) / cell);
        for (long yy = cy - reach; yy <= cy + reach; yy++) {
            if (yy < 0 || yy >= (long)gy)
                continue;
            for (long xx = cx - reach; xx <= cx + reach; xx++) {
                if (xx < 0 || xx >= (long)gx)
                    continue;
                size_t c = (size_t)xx + gx * (size_t)yy;
                for (size_t k = head[c]; k < head[c + 1]; k++) {
                    size_t i = order[k];
                    if (d2(in->cx[j], in->cy[j], in->dx[i], in->dy[i]) > in->dr[i] * in->dr[i])
                        continue;
                    if (n == cap) {
                        size_t *a = realloc(w->idx, 2 * cap * sizeof *a);
                        if (!a) {
                            free(head);
                            free(order);
                            return -1;
                        }
                        w->idx = a;
                        cap *= 2;
                    }
                    w->idx[n++] = i;
                }
            }
        }
        /* keep each list sorted so results never depend on the grid */
        if (n - w->off[j] > 1)
            qsort(w->idx + w->off[j], n - w->off[j], sizeof *w->idx, cmp_size);
    }
    w->off[in->n_cand] = n;
    free(head);
    free(order);
    return 0;
}

/* ==== constraints ===================================================== */

static int separated(const work *w, size_t j, size_t skip)
{
    const pl_sit_inst *in = w->in;
    if (in->min_sep_m <= 0)
        return 1;
    double s2 = in->min_sep_m * in->min_sep_m;
    for (size_t q = 0; q < w->n_open; q++) {
        size_t k = w->olist[q];
        if (k != j && k != skip && d2(in->cx[j], in->cy[j], in->cx[k], in->cy[k]) < s2)
            return 0;
    }
    return 1;
}

/* Quota still reachable after adding kind `add` and removing kind `rem`
 * (-1 for none) with `left` new sites still to place afterwards. */
static int quota_ok(const work *w, int add, int rem, size_t left)
{
    const pl_sit_inst *in = w->in;
    if (!in->quota)
        return 1;
    size_t need = 0;
    for (size_t k = 0; k < in->n_kinds; k++) {
        long have = (long)w->nkind[k] + (add == (int)k) - (rem == (int)k);
        if (have < in->quota[k])
            need += (size_t)(in->quota[k] - have);
    }
    return need <= left;
}

/* ==== objective ======================================================= */

static double median_value(const pl_sit_inst *in, const int *open)
{
    double s = 0;
    for (size_t i = 0; i < in->n_dem; i++) {
        double best = INFINITY;
        for (size_t j = 0; j < in->n_cand; j++)
            if (open[j])
                best = fmin(best, d2(in->dx[i], in->dy[i], in->cx[j], in->cy[j]));
        s += in->dw[i] * sqrt(best);
    }
    return s;
}

double pl_sit_value(const pl_sit_inst *in, const int *open)
{
    if (in->objective == PL_OBJ_MEDIAN)
        return median_value(in, open);
    double s = 0;
    for (size_t i = 0; i < in->n_dem; i++)
        for (size_t j = 0; j < in->n_cand; j++)
            if (open[j] && d2(in->dx[i], in->dy[i], in->cx[j], in->cy[j]) <= in->dr[i] * in->dr[i]) {
                s += in->dw[i];
                break;
            }
    return s;
}

/* Covered weight from the coverage counts: O(demand), no distances. */
static double cov_value(const work *w)
{
    double v = 0;
    for (size_t i = 0; i < w->in->n_dem; i++)
        if (w->cnt[i] > 0)
            v += w->in->dw[i];
    return v;
}

static double current_value(const work *w)
{
    return w->in->objective == PL_OBJ_MEDIAN ? median_value(w->in, w->open) : cov_value(w);
}

/* What the open site j adds: the objective lost (better = larger) if it
 * alone closed.  Coverage: the demand only j reaches. */
static double removal_loss(work *w, size_t j)
{
    const pl_sit_inst *in = w->in;
    if (in->objective == PL_OBJ_MEDIAN) {
        double with = median_value(in, w->open);
        w->open[j] = 0;
        double without = median_value(in, w->open);
        w->open[j] = 1;
        return without - with;
    }
    double d = 0;
    for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
        if (w->cnt[w->idx[k]] == 1)
            d += in->dw[w->idx[k]];
    return d;
}

/* Change of objective (better = larger) from opening `add` and closing
 * `rem` (-1: none): what add would add with rem closed, less what rem adds. */
static double delta(work *w, size_t add, long rem)
{
    const pl_sit_inst *in = w->in;
    if (in->objective == PL_OBJ_MEDIAN) { /* the two values, as one difference */
        double before = median_value(in, w->open);
        w->open[add] = 1;
        if (rem >= 0)
            w->open[rem] = 0;
        double after = median_value(in, w->open);
        w->open[add] = 0;
        if (rem >= 0)
            w->open[rem] = 1;
        return before - after;
    }
    double lost = rem >= 0 ? removal_loss(w, (size_t)rem) : 0, d = 0;
    if (rem >= 0)
        for (size_t k = w->off[rem]; k < w->off[rem + 1]; k++)
            w->cnt[w->idx[k]]--;
    for (size_t k = w->off[add]; k < w->off[add + 1]; k++)
        if (w->cnt[w->idx[k]] == 0)
            d += in->dw[w->idx[k]];
    if (rem >= 0)
        for (size_t k = w->off[rem]; k < w->off[rem + 1]; k++)
            w->cnt[w->idx[k]]++;
    return d - lost;
}

static void set_open(work *w, size_t j, int on)
{
    w->open[j] = on;
    if (on) {
        w->olist[w->n_open++] = j;
    } else {
        for (size_t q = 0; q < w->n_open; q++)
            if (w->olist[q] == j) {
                w->olist[q] = w->olist[--w->n_open];
                break;
            }
    }
    w->nkind[w->in->kind[j]] += on ? 1 : (size_t)-1;
    for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
        w->cnt[w->idx[k]] += on ? 1 : -1;
}

/* ==== greedy + swap ==================================================== */

/* Add the best site until p are open (required ones included); returns
 * the new sites open. */
static size_t greedy(work *w)
{
    const pl_sit_inst *in = w->in;
    size_t placed = w->n_req;
    while (placed < in->p) {
        long best = -1;
        double bg = -INFINITY;
        for (size_t j = 0; j < in->n_cand; j++) {
            if (!w->elig[j] || w->open[j] || !quota_ok(w, in->kind[j], -1, in->p - placed - 1) ||
                !separated(w, j, (size_t)-1))
                continue;
            double g = delta(w, j, -1);
            if (g > bg + EPS) {
                bg = g;
                best = (long)j;
            }
        }
        if (best < 0)
            break;
        set_open(w, (size_t)best, 1);
        placed++;
    }
    return placed;
}

static size_t swaps(work *w, size_t placed)
{
    const pl_sit_inst *in = w->in;
    size_t passes = 0;
    for (;;) {
        passes++;
        double bg = EPS * (1 + fabs(current_value(w)));
        long bo = -1, bi = -1;
        for (size_t o = 0; o < in->n_cand; o++) {
            if (!w->open[o] || w->given[o])
                continue;
            for (size_t j = 0; j < in->n_cand; j++) {
                if (!w->elig[j] || w->open[j] ||
                    !quota_ok(w, in->kind[j], in->kind[o], in->p - placed) || !separated(w, j, o))
                    continue;
                double g = delta(w, j, (long)o);
                if (g > bg) {
                    bg = g;
                    bo = (long)o;
                    bi = (long)j;
                }
            }
        }
        if (bo < 0 || passes > 10000)
            break;
        set_open(w, (size_t)bo, 0);
        set_open(w, (size_t)bi, 1);
    }
    return passes;
}

/* ==== exhaustive enumeration =========================================== */

static double choose(size_t n, size_t k)
{
    double c = 1;
    for (size_t i = 0; i < k; i++)
        c = c * (double)(n - i) / (double)(i + 1);
    return c;
}

/* Try every set of p_want eligible candidates beside the given sites
 * (fewer when fewer are eligible); keep the best that meets the
 * constraints.  Returns the number of candidates in the best set, with
 * *best_val infinite when no set meets them; (size_t)-1 out of memory. */
static size_t exhaustive(work *w, size_t p_want, int *best_open, double *best_val)
{
    const pl_sit_inst *in = w->in;
    size_t m = w->n_elig, p = p_want < m ? p_want : m, found = 0;
    size_t *e = malloc((m ? m : 1) * sizeof *e), *c = malloc((p + 1) * sizeof *c);
    int maximise = in->objective == PL_OBJ_COVERAGE;
    *best_val = maximise ? -INFINITY : INFINITY;
    if (!e || !c) {
        free(e);
        free(c);
        return (size_t)-1;
    }
    size_t k = 0;
    for (size_t j = 0; j < in->n_cand; j++)
        if (w->elig[j])
            e[k++] = j;
    for (size_t i = 0; i < p; i++)
        c[i] = i;
    for (;;) {
        for (size_t i = 0; i < p; i++)
            set_open(w, e[c[i]], 1);
        int ok = quota_ok(w, -1, -1, 0);
        for (size_t i = 0; ok && i < p; i++)
            ok = separated(w, e[c[i]], (size_t)-1);
        if (ok) {
            double v = current_value(w);
            if (maximise ? v > *best_val + EPS : v < *best_val - EPS) {
                *best_val = v;
                memcpy(best_open, w->open, in->n_cand * sizeof *best_open);
                found = p;
            }
        }
        for (size_t i = 0; i < p; i++)
            set_open(w, e[c[i]], 0);
        /* next combination in lexicographic order */
        long i = (long)p - 1;
        while (i >= 0 && c[i] == m - p + (size_t)i)
            i--;
        if (i < 0)
            break;
        c[i]++;
        for (size_t t = (size_t)i + 1; t < p; t++)
            c[t] = c[t - 1] + 1;
    }
    free(e);
    free(c);
    return found;
}

/* ==== entry point ======================================================= */

/* No set of p sites meets every constraint: the best set of fewer sites.
 * Every smaller set is tried when all of them are few enough to try (the
 * answer is then proven best among the sets the constraints allow);
 * otherwise greedy, with the Lagrangian bound and its gap.  Returns the
 * new sites open (required ones included), or -1 when memory runs out. */
static size_t fewer(work *w, pl_sit_result *res)
{
    const pl_sit_inst *in = w->in;
    size_t m = w->n_elig, p = w->p_free < m ? w->p_free : m, placed = 0;
    int maximise = in->objective == PL_OBJ_COVERAGE, found = 0;
    double tries = 0, best = maximise ? -INFINITY : INFINITY, v;
    for (size_t k = 0; k < p; k++)
        tries += choose(m, k);
    int *open = tries <= (double)in->exact_limit ? malloc((in->n_cand ? in->n_cand : 1) * sizeof *open) : NULL;
    for (size_t k = p; open && k-- > 0;) { /* k = p - 1 .. 0 (0: the given sites alone) */
        size_t got = exhaustive(w, k, open, &v);
        if (got == (size_t)-1) {
            free(open);
            return (size_t)-1;
        }
        if (isfinite(v) && (maximise ? v > best + EPS : v < best - EPS)) {
            best = v;
            placed = w->n_req + got;
            found = 1;
            memcpy(res->open, open, in->n_cand * sizeof *res->open);
        }
    }
    free(open);
    if (found) {
        res->method = "exhaustive enumeration of every smaller set (no set of p sites meets every constraint)";
        res->objective = pl_sit_value(in, res->open);
        res->bound = res->objective;
        return placed;
    }
    placed = greedy(w);
    memcpy(res->open, w->open, in->n_cand * sizeof *res->open);
    res->objective = current_value(w);
    res->method = "greedy (no set of p sites meets every constraint), Lagrangian bound";
    pl_opt_lagrangian(w, res);
    return placed;
}

/* Every set of p_free eligible candidates beside the given sites, when
 * there are few enough (the optimum, proven), else fewer().  Returns the
 * new sites open, or -1 when memory runs out. */
static size_t solve_exact(work *w, pl_sit_result *res)
{
    double v;
    size_t got = exhaustive(w, w->p_free, res->open, &v);
    if (got == (size_t)-1)
        return got;
    if (!isfinite(v)) /* constraints unmet by any full set */
        return fewer(w, res);
    res->method = "exhaustive enumeration";
    res->objective = pl_sit_value(w->in, res->open);
    res->bound = res->objective; /* every set was tried: proven */
    return w->n_req + got;
}

/* Greedy, then 1-swaps, then the Lagrangian bound.  Returns the new sites
 * open. */
static size_t solve_heuristic(work *w, pl_sit_result *res)
{
    const pl_sit_inst *in = w->in;
    size_t placed = greedy(w);
    res->iterations += swaps(w, placed);
    memcpy(res->open, w->open, in->n_cand * sizeof *res->open);
    res->objective = current_value(w);
    pl_opt_lagrangian(w, res);
    res->method = in->objective == PL_OBJ_MEDIAN ? "greedy + 1-swap local search, Lagrangian lower bound"
                                                 : "greedy + 1-swap local search, Lagrangian upper bound";
    return placed;
}

/* Open the built sites (outside the kinds' counts) and the required ones
 * (inside them); mark the eligible candidates: feasible, not given, and
 * reaching some demand (a site that reaches none adds nothing).  Built and
 * required sites may break separation among themselves: they are given. */
static void open_given(work *w)
{
    const pl_sit_inst *in = w->in;
    for (size_t j = 0; j < in->n_cand; j++) {
        int req = in->required && in->required[j] && !in->fixed[j];
        w->given[j] = in->fixed[j] || req;
        if (in->fixed[j]) {
            w->open[j] = 1;
            w->olist[w->n_open++] = j;
            for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
                w->cnt[w->idx[k]]++;
        } else if (req) {
            set_open(w, j, 1);
            w->n_req++;
        } else if (in->feasible[j] && (!in->dr || w->off[j + 1] > w->off[j])) {
            w->elig[j] = 1;
            w->n_elig++;
        }
    }
    w->p_free = in->p > w->n_req ? in->p - w->n_req : 0;
}

/* Make w's open set the given sites and those open[] holds. */
static void load(work *w, const int *open)
{
    for (size_t j = 0; j < w->in->n_cand; j++)
        if (w->open[j] && !w->given[j] && !open[j])
            set_open(w, j, 0);
    for (size_t j = 0; j < w->in->n_cand; j++)
        if (open[j] && !w->open[j])
            set_open(w, j, 1);
}

/* 1 when closing the chosen site j would leave its kind below its quota. */
static int quota_holds(const work *w, size_t j)
{
    const pl_sit_inst *in = w->in;
    int k = in->kind[j];
    return in->quota && in->quota[k] > 0 && w->nkind[k] <= (size_t)in->quota[k];
}

/* Close, one at a time, each chosen site whose closing loses nothing
 * (removal_loss 0), unless a quota holds it: the one reaching the least
 * demand first, the higher index on a tie.  The objective is unchanged.
 * Returns the number closed. */
static size_t prune(work *w)
{
    const pl_sit_inst *in = w->in;
    size_t dropped = 0;
    for (;;) {
        long pick = -1;
        double pick_w = INFINITY;
        for (size_t j = 0; j < in->n_cand; j++) {
            if (!w->open[j] || w->given[j] || quota_holds(w, j) || removal_loss(w, j) > 0)
                continue;
            double reach = 0;
            for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
                reach += in->dw[w->idx[k]];
            if (reach <= pick_w) {
                pick_w = reach;
                pick = (long)j;
            }
        }
        if (pick < 0)
            return dropped;
        set_open(w, (size_t)pick, 0);
        dropped++;
    }
}

/* For the chosen site j: the best candidate in its place, with separation
 * from the other open sites, among those reaching any of j's demand (mark:
 * j's demand points) or, when j's quota needs its kind, among those of its
 * kind; into res->alt[j] and res->alt_adds[j]. */
static void alternative(work *w, size_t j, const char *mark, pl_sit_result *res)
{
    const pl_sit_inst *in = w->in;
    int kj = in->kind[j];
    set_open(w, j, 0);
    int same_kind = in->quota && in->quota[kj] > 0 && w->nkind[kj] < (size_t)in->quota[kj];
    for (size_t c = 0; c < in->n_cand; c++) {
        if (!w->elig[c] || w->open[c] || c == j || (same_kind && in->kind[c] != kj) ||
            !separated(w, c, (size_t)-1))
            continue;
        int shares = same_kind;
        for (size_t k = w->off[c]; k < w->off[c + 1] && !shares; k++)
            shares = mark[w->idx[k]];
        if (!shares)
            continue;
        double g = delta(w, c, -1);
        if (res->alt[j] < 0 || g > res->alt_adds[j] + EPS) {
            res->alt[j] = (long)c;
            res->alt_adds[j] = g;
        }
    }
    set_open(w, j, 1);
}

/* What each open new site adds, and for each chosen one (not required) the
 * alternative it beat.  Returns 0, or -1 when memory runs out. */
static int explain(work *w, pl_sit_result *res)
{
    const pl_sit_inst *in = w->in;
    char *mark = calloc(in->n_dem ? in->n_dem : 1, 1);
    if (!mark)
        return -1;
    for (size_t j = 0; j < in->n_cand; j++) {
        res->alt[j] = -1;
        if (!w->open[j] || in->fixed[j])
            continue;
        res->adds[j] = removal_loss(w, j);
        if (w->given[j])
            continue;
        for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
            mark[w->idx[k]] = 1;
        alternative(w, j, mark, res);
        for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
            mark[w->idx[k]] = 0;
    }
    free(mark);
    return 0;
}

static void work_free(work *w)
{
    free(w->off);
    free(w->idx);
    free(w->elig);
    free(w->given);
    free(w->open);
    free(w->cnt);
    free(w->nkind);
    free(w->olist);
}

int pl_sit_solve(const pl_sit_inst *in, pl_sit_result *res)
{
    work w = {.in = in};
    size_t nc = in->n_cand ? in->n_cand : 1, placed;
    memset(res, 0, sizeof *res);
    w.elig = calloc(nc, sizeof *w.elig);
    w.given = calloc(nc, sizeof *w.given);
    w.open = calloc(nc, sizeof *w.open);
    w.cnt = calloc(in->n_dem ? in->n_dem : 1, sizeof *w.cnt);
    w.nkind = calloc(in->n_kinds ? in->n_kinds : 1, sizeof *w.nkind);
    w.olist = calloc(nc, sizeof *w.olist);
    res->open = calloc(nc, sizeof *res->open);
    res->adds = calloc(nc, sizeof *res->adds);
    res->alt = calloc(nc, sizeof *res->alt);
    res->alt_adds = calloc(nc, sizeof *res->alt_adds);
    if (!w.elig || !w.given || !w.open || !w.cnt || !w.nkind || !w.olist || !res->open || !res->adds ||
        !res->alt || !res->alt_adds || build_cover(&w))
        goto fail;
    for (size_t i = 0; i < in->n_dem; i++)
        res->total_weight += in->dw[i];
    open_given(&w);
    if (choose(w.n_elig, w.p_free < w.n_elig ? w.p_free : w.n_elig) <= (double)in->exact_limit)
        placed = solve_exact(&w, res);
    else
        placed = solve_heuristic(&w, res);
    if (placed == (size_t)-1)
        goto fail;
    /* the set found, less the sites that add nothing */
    load(&w, res->open);
    res->n_dropped = prune(&w);
    memcpy(res->open, w.open, in->n_cand * sizeof *res->open);
    if (explain(&w, res))
        goto fail;
    res->n_new = placed - res->n_dropped;
    res->n_required = w.n_req;
    /* a bound that could not be computed (out of memory in the
     * subgradient) is NAN, and so is its gap: "not computed", never 0 */
    if (!isfinite(res->bound))
        res->bound = NAN;
    res->gap = !isfinite(res->bound) ? NAN
               : res->bound != 0     ? fabs(res->bound - res->objective) / fabs(res->bound)
                                     : 0;
    res->cover_off = w.off; /* handed over */
    res->cover_idx = w.idx;
    w.off = NULL;
    w.idx = NULL;
    work_free(&w);
    return 0;
fail:
    work_free(&w);
    pl_sit_result_free(res);
    return -1;
}

void pl_sit_result_free(pl_sit_result *res)
{
    free(res->open);
    free(res->cover_off);
    free(res->cover_idx);
    free(res->adds);
    free(res->alt);
    free(res->alt_adds);
    res->open = NULL;
    res->cover_off = res->cover_idx = NULL;
    res->adds = res->alt_adds = NULL;
    res->alt = NULL;
}
