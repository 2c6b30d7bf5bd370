/*
 * optimise_bound.c - the Lagrangian bounds of the siting optimum (the
 * relaxations are stated at the top of optimise.c): an upper bound of the
 * covered weight, a lower bound of the weighted distance.
 *
 * Entry points: pl_opt_lagrangian (engine/optimise_work.h).
 */
#include "optimise_work.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ==== Lagrangian bounds ================================================ */

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Upper bound on the covered weight (coverage). */
static double coverage_bound(work *w, double lower, size_t *iters)
{
    const pl_sit_inst *in = w->in;
    size_t n = in->n_dem, m = in->n_cand;
    double *lam = calloc(n ? n : 1, sizeof *lam), *s = malloc((m ? m : 1) * sizeof *s),
           *g = malloc((n ? n : 1) * sizeof *g), *tmp = malloc((m ? m : 1) * sizeof *tmp);
    char *fixed_cov = calloc(n ? n : 1, 1);
    int *top = malloc((m ? m : 1) * sizeof *top);
    double constant = 0, free_w = 0, best = INFINITY;
    if (!lam || !s || !g || !tmp || !fixed_cov || !top)
        goto out;
    for (size_t j = 0; j < m; j++) /* built and required: open in every set */
        if (w->given[j])
            for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
                fixed_cov[w->idx[k]] = 1;
    for (size_t i = 0; i < n; i++) {
        if (fixed_cov[i])
            constant += in->dw[i];
        else
            free_w += in->dw[i];
        lam[i] = fixed_cov[i] ? 0 : in->dw[i] / 2;
    }
    best = constant + free_w; /* the trivial bound */
    size_t p = w->p_free < w->n_elig ? w->p_free : w->n_elig;
    double theta = 2.0;
    size_t stale = 0;
    for (size_t it = 0; it < 2000; it++) {
        (*iters)++;
        double L = constant;
        for (size_t i = 0; i < n; i++)
            if (!fixed_cov[i] && in->dw[i] - lam[i] > 0)
                L += in->dw[i] - lam[i];
        size_t ne = 0;
        for (size_t j = 0; j < m; j++) {
            s[j] = 0;
            top[j] = 0;
            if (!w->elig[j])
                continue;
            for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
                if (!fixed_cov[w->idx[k]])
                    s[j] += lam[w->idx[k]];
            tmp[ne++] = s[j];
        }
        qsort(tmp, ne, sizeof *tmp, cmp_desc);
        double cut = p ? tmp[p - 1] : INFINITY;
        size_t taken = 0;
        for (size_t j = 0; j < m && taken < p; j++) /* strictly larger first */
            if (w->elig[j] && s[j] > cut) {
                top[j] = 1;
                taken++;
            }
        for (size_t j = 0; j < m && taken < p; j++) /* then ties by index */
            if (w->elig[j] && !top[j] && s[j] == cut) {
                top[j] = 1;
                taken++;
            }
        for (size_t j = 0; j < m; j++)
            if (top[j])
                L += s[j];
        if (L < best - 1e-12) {
            best = L;
            stale = 0;
        } else if (++stale >= 20) {
            theta /= 2;
            stale = 0;
        }
        if (best - lower <= 1e-9 * fmax(1, best) || theta < 1e-6)
            break;
        /* subgradient of L in lambda: -y_i + (covers of i among the top p) */
        double norm = 0;
        for (size_t i = 0; i < n; i++)
            g[i] = (!fixed_cov[i] && in->dw[i] - lam[i] > 0) ? -1.0 : 0.0;
        for (size_t j = 0; j < m; j++)
            if (top[j])
                for (size_t k = w->off[j]; k < w->off[j + 1]; k++)
                    if (!fixed_cov[w->idx[k]])
                        g[w->idx[k]] += 1.0;
        for (size_t i = 0; i < n; i++)
            norm += g[i] * g[i];
        if (norm == 0)
            break; /* L is optimal in lambda */
        double t = theta * (L - lower) / norm;
        for (size_t i = 0; i < n; i++)
            if (!fixed_cov[i])
                lam[i] = fmax(0, lam[i] - t * g[i]);
    }
out:
    free(lam);
    free(s);
    free(g);
    free(tmp);
    free(fixed_cov);
    free(top);
    return best;
}

/* Lower bound on the weighted distance (median). */
static double median_bound(work *w, double upper, size_t *iters)
{
    const pl_sit_inst *in = w->in;
    size_t n = in->n_dem, m = in->n_cand;
    double *mu = malloc((n ? n : 1) * sizeof *mu), *rho = malloc((m ? m : 1) * sizeof *rho),
           *tmp = malloc((m ? m : 1) * sizeof *tmp), *g = malloc((n ? n : 1) * sizeof *g);
    int *opn = malloc((m ? m : 1) * sizeof *opn);
    double best = 0;
    if (!mu || !rho || !tmp || !g || !opn)
        goto out;
    for (size_t i = 0; i < n; i++) { /* start: cost of the nearest possible site */
        double dm = INFINITY;
        for (size_t j = 0; j < m; j++)
            if (w->elig[j] || w->given[j])
                dm = fmin(dm, d2(in->dx[i], in->dy[i], in->cx[j], in->cy[j]));
        mu[i] = in->dw[i] * sqrt(dm);
    }
    size_t p = w->p_free < w->n_elig ? w->p_free : w->n_elig;
    double theta = 2.0;
    size_t stale = 0;
    for (size_t it = 0; it < 500; it++) {
        (*iters)++;
        double L = 0;
        for (size_t i = 0; i < n; i++)
            L += mu[i];
        size_t ne = 0;
        for (size_t j = 0; j < m; j++) {
            rho[j] = 0;
            opn[j] = 0;
            if (!w->elig[j] && !w->given[j])
                continue;
            for (size_t i = 0; i < n; i++)
                rho[j] += fmin(0, in->dw[i] * sqrt(d2(in->dx[i], in->dy[i], in->cx[j], in->cy[j])) - mu[i]);
            if (w->given[j]) {
                opn[j] = 1;
                L += rho[j];
            } else {
                tmp[ne++] = rho[j];
            }
        }
        qsort(tmp, ne, sizeof *tmp, cmp_desc); /* descending: the p smallest are last */
        double cut = p ? tmp[ne - p] : -INFINITY;
        size_t taken = 0;
        for (size_t j = 0; j < m && taken < p; j++)
            if (w->elig[j] && rho[j] < cut) {
                opn[j] = 1;
                L += rho[j];
                taken++;
            }
        for (size_t j = 0; j < m && taken < p; j++)
            if (w->elig[j] && !opn[j] && rho[j] == cut) {
                opn[j] = 1;
                L += rho[j];
                taken++;
            }
        if (L > best + 1e-12) {
            best = L;
            stale = 0;
        } else if (++stale >= 20) {
            theta /= 2;
            stale = 0;
        }
        if (upper - best <= 1e-9 * fmax(1, upper) || theta < 1e-6)
            break;
        double norm = 0;
        for (size_t i = 0; i < n; i++) {
            g[i] = 1;
            for (size_t j = 0; j < m; j++)
                if (opn[j] && in->dw[i] * sqrt(d2(in->dx[i], in->dy[i], in->cx[j], in->cy[j])) - mu[i] < 0)
                    g[i] -= 1;
            norm += g[i] * g[i];
        }
        if (norm == 0)
            break;
        double t = theta * (upper - L) / norm;
        for (size_t i = 0; i < n; i++)
            mu[i] += t * g[i];
    }
out:
    free(mu);
    free(rho);
    free(tmp);
    free(g);
    free(opn);
    return best;
}

/* the bound the objective asks for (optimise_work.h) */
void pl_opt_lagrangian(work *w, pl_sit_result *res)
{
    if (w->in->objective == PL_OBJ_MEDIAN)
        res->bound = median_bound(w, res->objective, &res->iterations);
    else
        res->bound = coverage_bound(w, res->objective, &res->iterations);
}
