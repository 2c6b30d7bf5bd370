/*
 * capacity.c - each open vertiport site's pads and movements per hour
 * against the planned frequencies of the routes that end at it.
 *
 * Entry points: pl_capacity_run.
 *
 * A movement is a landing or a take-off.  A route of per_hour flights per
 * hour (the scenario's siting.route_per_hour for its id, else the route's
 * per_hour property) is per_hour movements at each of its ends: every
 * flight takes off at one end and lands at the other, whichever way it
 * flies; a route whose two ends are at the same site is twice per_hour
 * there.  A route end is at a site when siting's network check put it
 * there (within siting.route_end_tolerance_m of the nearest open site).
 *
 * A site's capacity: its feature's movements_per_h (the whole site), else
 * its pads (the feature's pads, else siting.pads) x siting.
 * movements_per_pad_per_h.  These are scenario parameters: no official
 * figure exists for Chinese vertiports; a site with none stated has no
 * capacity to compare with (capacity_per_h null) and gets no warning.
 */
#include "planner.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A number >= 0 from feature property `key`: 1 and *v when given, 0 when
 * absent or null, PL_PARSE (negated) naming the feature otherwise. */
static int feature_number(pl_ctx *ctx, const pl_layer *l, const pl_feature *f, const char *what, const char *key,
                          double *v)
{
    const pl_prop *pr = pl_feature_prop(f, key);
    if (!pr || pr->type == PL_P_NULL)
        return 0;
    char *end = NULL;
    *v = pr->type == PL_P_STR ? strtod(pr->str, &end) : pr->num;
    if ((end && (end == pr->str || *end)) || !isfinite(*v) || *v < 0)
        return -pl_error(ctx, PL_PARSE, "%s: layer '%s': %s %s: %s must be a number >= 0", l->decl->path,
                         l->decl->id, what, f->id, key);
    return 1;
}

/* The feature `id` of the layer whose id is layer_id (borrowed), or NULL. */
static const pl_feature *feature_of(const pl_plan *p, const char *layer_id, const char *id, const pl_layer **lo)
{
    for (size_t i = 0; layer_id && i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        if (strcmp(l->decl->id, layer_id))
            continue;
        for (size_t k = 0; k < l->n_feats; k++)
            if (!strcmp(l->a_feats[k].id, id)) {
                *lo = l;
                return &l->a_feats[k];
            }
    }
    return NULL;
}

/* Route ro's flights per hour: siting.route_per_hour, else its per_hour
 * property; NAN when neither gives one.  PL_OK or PL_PARSE. */
static int route_per_hour(pl_ctx *ctx, const pl_plan *p, const pl_route *ro, double *ph)
{
    const pl_siting_cfg *c = &p->sc->siting;
    *ph = NAN;
    for (size_t i = 0; i < c->n_per_hour; i++)
        if (!strcmp(c->per_hour_route[i], ro->id)) {
            *ph = c->per_hour[i];
            return PL_OK;
        }
    const pl_layer *l = NULL;
    const pl_feature *f = feature_of(p, ro->layer_id, ro->id, &l);
    int got = f ? feature_number(ctx, l, f, "route", "per_hour", ph) : 0;
    if (got == 0)
        *ph = NAN;
    return got < 0 ? -got : PL_OK;
}

/* Site s's capacity and its basis, from its feature and the scenario. */
static int site_capacity(pl_ctx *ctx, const pl_plan *p, pl_site *s)
{
    const pl_siting_cfg *c = &p->sc->siting;
    const pl_layer *l = NULL;
    const pl_feature *f = feature_of(p, s->layer_id, s->id, &l);
    double total = 0, pads = c->pads;
    int got = f ? feature_number(ctx, l, f, "site", "movements_per_h", &total) : 0;
    int got_pads = got == 0 && f ? feature_number(ctx, l, f, "site", "pads", &pads) : 0;
    if (got < 0 || got_pads < 0)
        return got < 0 ? -got : -got_pads;
    s->capacity_per_h = NAN;
    if (got) {
        s->capacity_per_h = total;
        pl_buf_printf(&s->capacity_basis, "the site's movements_per_h");
    } else if (pads != floor(pads) && got_pads) {
        return pl_error(ctx, PL_PARSE, "%s: layer '%s': site %s: pads must be a whole number, got %g", l->decl->path,
                        l->decl->id, s->id, pads);
    } else if (pads != floor(pads)) {
        return pl_error(ctx, PL_PARSE, "%s: siting.pads must be a whole number, got %g", p->sc->file, pads);
    } else if (pads > 0 && c->movements_per_pad_h > 0) {
        s->capacity_per_h = pads * c->movements_per_pad_h;
        pl_buf_printf(&s->capacity_basis, "%g pad%s x %g", pads, pads == 1 ? "" : "s", c->movements_per_pad_h);
    } else {
        pl_buf_puts(&s->capacity_basis, "not stated: no pads or movements per pad given");
    }
    return PL_OK;
}

/* Route r's per_hour at its end sites: movements, and its part in text. */
static void add_route(pl_site *from, pl_site *to, const char *id, double ph)
{
    for (int end = 0; end < 2; end++) {
        pl_site *s = end ? to : from;
        if (!s || (end && from == to))
            continue;
        int both = from == to;
        pl_buf *b = &s->movements_by;
        if (isnan(ph)) {
            pl_buf_printf(b, "%s%s not counted (no per_hour)", b->n ? ", " : "", id);
            continue;
        }
        s->movements_per_h += both ? 2 * ph : ph;
        pl_buf_printf(b, "%s%s %g/h%s", b->n ? ", " : "", id, both ? 2 * ph : ph, both ? " (both ends)" : "");
    }
}

int pl_capacity_run(pl_ctx *ctx, const pl_plan *p, pl_siting *st)
{
    int rc = PL_OK;
    for (size_t i = 0; rc == PL_OK && i < st->n; i++) {
        pl_site *s = &st->a[i];
        s->capacity_per_h = NAN;
        s->movements_per_h = 0;
        if (s->open)
            rc = site_capacity(ctx, p, s);
    }
    for (size_t r = 0; rc == PL_OK && p->routes && r < p->routes->n; r++) {
        const pl_route_ends *e = &st->ends[r];
        double ph = NAN;
        if (!e->from && !e->to)
            continue;
        pl_site *from = e->from ? &st->a[e->from - st->a] : NULL, *to = e->to ? &st->a[e->to - st->a] : NULL;
        if ((rc = route_per_hour(ctx, p, &p->routes->a[r], &ph)) == PL_OK)
            add_route(from, to, p->routes->a[r].id, ph);
    }
    for (size_t i = 0; rc == PL_OK && i < st->n; i++) {
        pl_site *s = &st->a[i];
        if (s->open && s->movements_per_h > s->capacity_per_h) /* false when NAN: not stated */
            pl_buf_printf(&s->capacity_warning, "%g movements/h planned (%s), capacity %g/h (%s)", s->movements_per_h,
                          s->movements_by.s, s->capacity_per_h, s->capacity_basis.s);
        if (s->capacity_basis.oom || s->movements_by.oom || s->capacity_warning.oom)
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
    }
    return rc;
}
