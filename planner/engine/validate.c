/*
 * validate.c - route proposals, one or thousands: may this route fly?
 *
 * Entry points: pl_proposals_load, pl_validate_prepare, pl_validate, pl_proposal_result_free,
 * pl_proposal_verdict_names.
 *
 * Per proposal (the zone index of the plan is built once for all):
 *   - every zone and the aircraft class's height rule, exactly as routes
 *     are checked (routes.c: whole segments, nothing sampled);
 *   - both end points at a vertiport (the plan's open sites, else its
 *     vertiports layer) within the siting route_end_tolerance_m;
 *   - separation from the scenario's routes whose time windows overlap: the
 *     corridors must keep lateral_separation_m edge to edge, or, where they
 *     come closer, the altitude bands of both over the close part must not
 *     overlap (crossings at one level are separated by altitude, CCAR-92);
 *   - ground risk: the centreline length over water.
 * Verdict: the worst of its reasons (enum pl_verdict): forbidden, approval,
 * advisory, free.  A separation conflict needs approval (the authority
 * deconflicts); ends away from a site are advisory for micro, light and
 * small aircraft (they may take off anywhere outside controlled airspace),
 * approval for the others; a medium, large or unstated class always files.
 * Every approval reason puts an entry on the proposal's approvals list
 * (validate --json), built by pl_approval_entry as the plan's approvals
 * sheet builds its own: the legal basis, to whom, by when, where along.
 */
#include "planner.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>


int pl_proposals_load(pl_ctx *ctx, const pl_plan *p, char **files, char **names, size_t n_files, int shift,
                      pl_layer_decl **decls, pl_layer ***layers, pl_routeset **out)
{
    *out = NULL;
    *decls = calloc(n_files ? n_files : 1, sizeof **decls);
    *layers = calloc(n_files ? n_files : 1, sizeof **layers);
    if (!*decls || !*layers)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < n_files; i++) {
        pl_layer_decl *d = &(*decls)[i];
        d->id = names ? names[i] : files[i]; /* borrowed from the caller (argv) */
        d->role = PL_ROLE_ROUTES;
        d->path = files[i];
        d->class_prop = "class";
        d->id_prop = "id";
        d->coord_shift = shift;
        d->crs = "EPSG:4326"; /* a file without a CRS (CSV, ...) is read as lon/lat */
        int rc = pl_layer_load(ctx, p->sc, d, &(*layers)[i]);
        if (rc != PL_OK)
            return rc;
        const pl_layer *l = (*layers)[i];
        for (size_t k = 0; k < l->n_issues; k++)
            if (!strcmp(l->a_issues[k].what, "rejected"))
                return pl_error(ctx, PL_GEOM, "%s: proposal %s rejected: %s", d->id, l->a_issues[k].fid,
                                l->a_issues[k].why);
    }
    int rc = pl_routes_build(ctx, p->sc, *layers, n_files, out);
    if (rc == PL_OK && (rc = pl_routes_ground_check(ctx, p->zones->terrain, *out, *layers, n_files)) != PL_OK) {
        pl_routes_free(ctx, *out);
        *out = NULL;
    }
    return rc;
}

void pl_proposal_result_free(pl_proposal_result *r)
{
    if (r->in_store) { /* borrowed from a block: only the block's owner unmaps it */
        pl_buf_init(&r->reasons);
        pl_buf_init(&r->json);
        pl_buf_init(&r->approvals);
    }
    pl_buf_free(&r->reasons);
    pl_buf_free(&r->json);
    pl_buf_free(&r->approvals);
    if (r->store)
        munmap(r->store, r->store_n);
    r->store = NULL;
    r->in_store = 0;
}

/* The heads of the approvals a worker wrote last (pl_approval_json_head):
 * a batch's proposals ask for the same few again and again (their class,
 * the same zones), each head the same bytes for the same plan and strings
 * (the strings borrowed for the whole batch, so a pointer names its text). */
#define AP_MEMO 8
typedef struct pl_approval_memo {
    struct {
        const void *key[5]; /* plan, apply_for, zone_id, rule, basis */
        pl_buf head;
    } e[AP_MEMO];
    unsigned next; /* the slot to fill next */
    struct {       /* literal reason texts (add_reason_text) and their JSON strings */
        const char *t;
        pl_buf js;
    } lit[AP_MEMO];
    unsigned lit_next;
} pl_approval_memo;

static void ap_memo_free(pl_approval_memo *m)
{
    for (size_t i = 0; i < AP_MEMO; i++) {
        pl_buf_free(&m->e[i].head);
        pl_buf_free(&m->lit[i].js);
    }
}

/* a's head from the memo (written there first if it is not), or NULL */
static const pl_buf *ap_memo_head(pl_approval_memo *m, const pl_plan *p, const pl_approval *a)
{
    const void *key[5] = {p, a->apply_for, a->zone_id, a->rule, a->basis};
    for (size_t i = 0; i < AP_MEMO; i++)
        if (m->e[i].head.n && !memcmp(m->e[i].key, key, sizeof key))
            return &m->e[i].head;
    pl_buf *h = &m->e[m->next++ % AP_MEMO].head;
    h->n = 0;
    memcpy(m->e[(m->next - 1) % AP_MEMO].key, key, sizeof key);
    pl_approval_json_head(p, a, h);
    if (h->oom)
        pl_buf_free(h); /* empty again: never found */
    return h->n ? h : NULL;
}

/* An approval the proposal needs, on its approvals list (validate --json):
 * the entry pl_approval_entry builds, the one the plan's approvals sheet
 * holds for the same thing (its basis the legal basis, not the reason's
 * text). */
static void add_approval(pl_proposal_result *res, int kind, const pl_route *r, const pl_zone *z, double from_m,
                         double to_m)
{
    if (!(res->want & PL_WANT_JSON))
        return;
    pl_approval a = pl_approval_entry(kind, r, z, from_m, to_m);
    if (res->approvals.n)
        pl_buf_putn(&res->approvals, ",", 1);
    const pl_buf *h = res->memo ? ap_memo_head(res->memo, res->plan, &a) : NULL;
    if (!h) {
        pl_approval_json(res->plan, &a, &res->approvals);
        return;
    }
    pl_buf_putn(&res->approvals, h->s, h->n);
    pl_approval_json_tail(&a, &res->approvals);
}

/* ==== reasons ============================================================= */

/* The JSON string of literal text t (tn bytes) from the memo (escaped
 * there first if it is not: a literal's pointer names its text), or NULL */
static const pl_buf *lit_memo_json(pl_approval_memo *m, const char *t, size_t tn)
{
    for (size_t i = 0; i < AP_MEMO; i++)
        if (m->lit[i].t == t && m->lit[i].js.n)
            return &m->lit[i].js;
    size_t k = m->lit_next++ % AP_MEMO;
    pl_buf *js = &m->lit[k].js;
    js->n = 0;
    m->lit[k].t = t;
    pl_buf_json_strn(js, t, tn);
    if (js->oom)
        pl_buf_free(js); /* empty again: never found */
    return js->n ? js : NULL;
}

/* One reason, its text t (tn bytes) given whole; lit: t is a literal. */
static void add_reason_any(pl_proposal_result *res, int verdict, const char *kind, const char *ref,
                           const char *t, size_t tn, int lit)
{
    /* the severities (a verdict, or info) and kinds are this file's words: no escapes */
    const char *sev = verdict >= PL_V_ADVISORY ? pl_verdict_names[verdict] : "info";
    if (res->want & PL_WANT_TEXT) {
        pl_buf_puts(&res->reasons, sev);
        pl_buf_putn(&res->reasons, ": ", 2);
        pl_buf_putn(&res->reasons, t, tn);
        pl_buf_putn(&res->reasons, "\n", 1);
    }
    if (res->want & PL_WANT_JSON) {
        pl_buf_puts(&res->json, res->json.n ? ",{\"severity\":\"" : "{\"severity\":\"");
        pl_buf_puts(&res->json, sev);
        pl_buf_putn(&res->json, "\",\"kind\":\"", 10);
        pl_buf_puts(&res->json, kind);
        pl_buf_putn(&res->json, "\",\"ref\":", 8);
        pl_buf_json_str(&res->json, ref);
        pl_buf_putn(&res->json, ",\"text\":", 8);
        const pl_buf *js = lit && res->memo ? lit_memo_json(res->memo, t, tn) : NULL;
        if (js)
            pl_buf_putn(&res->json, js->s, js->n);
        else
            pl_buf_json_strn(&res->json, t, tn);
        pl_buf_putn(&res->json, "}", 1);
    }
    if (verdict >= PL_V_ADVISORY) {
        res->n_by[verdict]++;
        if (verdict > res->verdict)
            res->verdict = verdict;
    }
}

static void add_reason_textn(pl_proposal_result *res, int verdict, const char *kind, const char *ref,
                             const char *t, size_t tn)
{
    add_reason_any(res, verdict, kind, ref, t, tn, 0);
}

/* a reason whose text is a string literal (its JSON string kept by the
 * worker: many proposals give the same) */
#define add_reason_text(res, verdict, kind, ref, lit) \
    add_reason_any((res), (verdict), (kind), (ref), "" lit, sizeof(lit) - 1, 1)

static void add_reason(pl_proposal_result *res, int verdict, const char *kind, const char *ref,
                       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void add_reason(pl_proposal_result *res, int verdict, const char *kind, const char *ref,
                       const char *fmt, ...)
{
    char t[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t, sizeof t, fmt, ap);
    va_end(ap);
    add_reason_textn(res, verdict, kind, ref, t, strlen(t));
}

/* A reason's text put together piece by piece, without printf (the zone
 * reasons of a big batch are many): cut at the size of the array. */
typedef struct line {
    char s[1024];
    size_t n;
} line;

static void lputn(line *l, const char *s, size_t k)
{
    if (k > sizeof l->s - 1 - l->n)
        k = sizeof l->s - 1 - l->n;
    memcpy(l->s + l->n, s, k);
    l->n += k;
    l->s[l->n] = '\0';
}

static void lput(line *l, const char *s) { lputn(l, s, strlen(s)); }

/* a literal's length known when compiled */
#define LPUT(l, lit) lputn((l), "" lit, sizeof(lit) - 1)

static void lnum(line *l, double x, int dec)
{
    char t[64];
    lputn(l, t, pl_fmt_fixed(t, sizeof t, x, dec));
}

/* lon, lat as "lon,lat" (7 decimals, without printf: two a conflict, in
 * big batches); "?" when it does not fit */
static void lonlat_text(double lon, double lat, char *out, size_t n)
{
    char a[64], b[64];
    size_t ka = pl_fmt_fixed(a, sizeof a, lon, 7), kb = pl_fmt_fixed(b, sizeof b, lat, 7);
    if (ka + kb + 2 > n) {
        snprintf(out, n, "?");
        return;
    }
    memcpy(out, a, ka);
    out[ka] = ',';
    memcpy(out + ka + 1, b, kb + 1);
}

/* x, y as "lon,lat" through xf (working CRS to WGS84: the worker's own
 * transformer, looked up once, for the reasons name many points) */
static void ll(pl_ctx *ctx, pl_xform *xf, double x, double y, char *out, size_t n)
{
    double lon = x, lat = y;
    if (xf && pl_crs_trans(ctx, xf, &lon, &lat, 1) == PL_OK)
        lonlat_text(lon, lat, out, n);
    else
        snprintf(out, n, "?");
}

/* two points at once (one call into PROJ); point by point if that fails,
 * so that only a failing point reads "?" */
static void ll2(pl_ctx *ctx, pl_xform *xf, const double p[2], const double q[2], char *a, char *b, size_t n)
{
    double lon[2] = {p[0], q[0]}, lat[2] = {p[1], q[1]};
    if (xf && pl_crs_trans(ctx, xf, lon, lat, 2) == PL_OK) {
        lonlat_text(lon[0], lat[0], a, n);
        lonlat_text(lon[1], lat[1], b, n);
        return;
    }
    ll(ctx, xf, p[0], p[1], a, n);
    ll(ctx, xf, q[0], q[1], b, n);
}

/* ==== the checks ========================================================== */

static int check_separation(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, const pl_route *r,
                            pl_proposal_result *res)
{
    const pl_routeset *rs = p->routes;
    for (size_t q = 0; rs && q < rs->n; q++) {
        const pl_route *o = &rs->a[q];
        pl_sep s;
        int rc = pl_route_separation(ctx, r, o, p->sc->route.lateral_sep_m, NULL, 0, 0, &s);
        if (rc != PL_OK)
            return rc;
        if (!s.close)
            continue;
        char at[64];
        ll(ctx, xf, s.at[0], s.at[1], at, sizeof at);
        if (s.level_conflict) {
            add_approval(res, PL_AP_SEPARATION, r, NULL, NAN, NAN);
            add_reason(res, PL_V_APPROVAL, "separation", o->id,
                       "%.1f m from %s route %s (%s) at %s, %.1f m needed (half-widths %.0f + %.0f + "
                       "separation %.0f); altitude bands overlap %.1f-%.1f m: crossings at one level must "
                       "be separated by altitude (CCAR-92)",
                       s.d_m, o->status, o->id, o->name, at, s.need_m, r->half_width_m, o->half_width_m,
                       p->sc->route.lateral_sep_m, fmax(s.a_lo, s.b_lo), fmin(s.a_hi, s.b_hi));
        } else
            add_reason(res, -1, "separation", o->id,
                       "%.1f m from %s route %s at %s, separated by altitude (%.1f-%.1f m against %.1f-%.1f m)",
                       s.d_m, o->status, o->id, at, s.a_lo, s.a_hi, s.b_lo, s.b_hi);
    }
    return PL_OK;
}

static void check_ends(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, const pl_route *r, pl_proposal_result *res)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double tol = p->sc->siting.end_tolerance_m;
    double ex[2] = {r->x[0], r->x[r->n_pts - 1]}, ey[2] = {r->y[0], r->y[r->n_pts - 1]};
    double best[2] = {INFINITY, INFINITY};
    const char *best_id[2] = {NULL, NULL};
    size_t n_sites = 0;
    if (p->siting) {
        for (size_t i = 0; i < p->siting->n; i++) {
            const pl_site *s = &p->siting->a[i];
            if (!s->open)
                continue;
            n_sites++;
            for (int e = 0; e < 2; e++) {
                double d = hypot(ex[e] - s->x, ey[e] - s->y);
                if (d < best[e]) {
                    best[e] = d;
                    best_id[e] = s->id;
                }
            }
        }
    } else {
        for (size_t l = 0; l < p->n_layers; l++) {
            if (p->layers[l]->decl->role != PL_ROLE_VERTIPORTS)
                continue;
            for (size_t k = 0; k < p->layers[l]->n_feats; k++) {
                const pl_feature *f = &p->layers[l]->a_feats[k];
                double x, y;
                if (GEOSGeomTypeId_r(h, f->g) != GEOS_POINT)
                    continue;
                GEOSGeomGetX_r(h, f->g, &x);
                GEOSGeomGetY_r(h, f->g, &y);
                n_sites++;
                for (int e = 0; e < 2; e++) {
                    double d = hypot(ex[e] - x, ey[e] - y);
                    if (d < best[e]) {
                        best[e] = d;
                        best_id[e] = f->id;
                    }
                }
            }
        }
    }
    if (!n_sites) {
        add_reason_text(res, -1, "vertiport", NULL, "the scenario has no vertiports: end points not checked");
        return;
    }
    for (int e = 0; e < 2; e++) {
        char at[64];
        ll(ctx, xf, ex[e], ey[e], at, sizeof at);
        if (best[e] <= tol)
            continue;
        int v = r->ac_class >= PL_AC_MICRO && r->ac_class <= PL_AC_SMALL ? PL_V_ADVISORY : PL_V_APPROVAL;
        if (v == PL_V_APPROVAL)
            add_approval(res, PL_AP_VERTIPORT, r, NULL, e ? r->length_m : 0, e ? r->length_m : 0);
        add_reason(res, v, "vertiport", best_id[e],
                   "the %s %s is %.0f m from the nearest vertiport %s (tolerance %.0f m)", e ? "end" : "start", at,
                   best[e], best_id[e], tol);
    }
}

/* A class that always files (medium, large) or is not stated: approval
 * whatever the airspace (Art. 62 classes; free airspace is only for micro,
 * light and small unmanned aircraft). */
static void class_reason(const pl_route *r, pl_proposal_result *res)
{
    if (r->ac_class == PL_AC_UNKNOWN || r->ac_class >= PL_AC_MEDIUM)
        add_approval(res, PL_AP_CLASS, r, NULL, 0, r->length_m);
    if (r->ac_class == PL_AC_UNKNOWN)
        add_reason_text(res, PL_V_APPROVAL, "aircraft_class", NULL,
                        "aircraft class not stated (aircraft_class): free airspace is only for micro, light and "
                        "small unmanned aircraft (Art. 62, 2024 interim regulations): a flight activity "
                        "application is needed unless the class is one of those");
    else if (r->ac_class >= PL_AC_MEDIUM)
        add_reason(res, PL_V_APPROVAL, "aircraft_class", NULL,
                   "%s unmanned aircraft always file a flight activity application: no free airspace for "
                   "medium and large aircraft (Art. 62 classes, 2024 interim regulations)",
                   pl_ac_class_names[r->ac_class]);
}

/* a proposal's check: no clearance to the nearest zone, no overlap polygons */
#define CHECK_FLAGS (PL_CHECK_NO_CLEARANCE | PL_CHECK_NO_OVERLAP)

/* One proposal, every check.  cv, n_c, cap: the caller's conflict buffer,
 * reused from proposal to proposal. */
static int check_one(pl_ctx *ctx, const pl_plan *p, pl_xform *xf, const pl_route *r, size_t i,
                     const pl_region *water, pl_proposal_result *res, pl_conflict **cv, size_t *cap)
{
    pl_route_result rr;
    size_t n_c = 0;
    int rc = pl_route_check(ctx, p->zones, r, i, CHECK_FLAGS, &rr, cv, &n_c, cap);
    if (rc != PL_OK)
        return rc;
    res->agl_min_m = rr.agl_min_m;
    res->agl_max_m = rr.agl_max_m;
    res->ground_unknown_m = rr.ground_unknown_m;
    for (size_t k = 0; k < n_c; k++) {
        const pl_conflict *c = &(*cv)[k];
        char a[64], b[64];
        ll2(ctx, xf, c->entry, c->exit, a, b, sizeof a);
        /* "CLASS ID (NAME, rule RULE): L m inside|of corridor overlap, from
         * LON,LAT at Z m to LON,LAT at Z m, altitude overlap LO-HI m" */
        line t = {.n = 0};
        lput(&t, c->zone->cls);
        LPUT(&t, " ");
        lput(&t, c->zone->id);
        LPUT(&t, " (");
        lput(&t, c->zone->name);
        LPUT(&t, ", rule ");
        lput(&t, c->zone->rule ? pl_route_rule_names[c->zone->rule->route] : "forbidden");
        LPUT(&t, "): ");
        lnum(&t, c->enters ? c->length_inside_m : c->corridor_length_m, 1);
        if (c->enters)
            LPUT(&t, " m inside, from ");
        else
            LPUT(&t, " m of corridor overlap, from ");
        lput(&t, a);
        LPUT(&t, " at ");
        lnum(&t, c->entry[2], 0);
        LPUT(&t, " m to ");
        lput(&t, b);
        LPUT(&t, " at ");
        lnum(&t, c->exit[2], 0);
        LPUT(&t, " m, altitude overlap ");
        lnum(&t, c->alt_lo_m, 1);
        LPUT(&t, "-");
        lnum(&t, c->alt_hi_m, 1);
        LPUT(&t, " m");
        if (c->agl) /* the extent is in true height over the terrain model */
            lput(&t, c->ground_unknown ? " true height, the ground unknown in part (taken as entered)" : " true height");
        if (c->verdict == PL_V_APPROVAL)
            add_approval(res, PL_AP_ZONE, r, c->zone, c->s_from_m, c->s_to_m);
        add_reason_textn(res, c->verdict, "zone", c->zone->id, t.s, t.n);
    }
    check_ends(ctx, p, xf, r, res);
    if ((rc = check_separation(ctx, p, xf, r, res)) != PL_OK)
        return rc;
    if (water) {
        if ((res->over_water_m = pl_route_length_in(r, water)) < 0)
            return pl_error(ctx, PL_NOMEM, "out of memory");
        if (res->over_water_m > 0)
            add_reason(res, -1, "ground_risk", NULL, "%.0f m of %.0f m over water", res->over_water_m,
                       r->length_m);
    }
    class_reason(r, res);
    return PL_OK;
}

/* ==== the batch, on several threads ======================================= */

#define BLOCK 32 /* proposals a worker takes at a time */
/* By default a worker thread starts only for each this many milliseconds of
 * checking that the second block (timed alone, after the first warmed the
 * caches) lets one expect beyond it: a worker's own context and PROJ
 * operations cost about a millisecond, so half of 8 ms saved pays for it
 * three times over; a batch that takes less (one proposal; a thousand
 * against 10,000 zones: about 2 ms in all) was slower on two threads than
 * on one.  (Measured on 2 cores: 10,000 proposals against 1,000 and 10,000
 * zones, about 7 and 10 ms on one thread, took 4.5 and 5.9 ms on two.) */
#define WORKER_PAYS_MS 8.0

typedef struct batch {
    const pl_plan *p;
    pl_routeset *props;
    pl_proposal_result *out;
    const pl_region *water;
    unsigned want;        /* PL_WANT_* */
    size_t limit;         /* proposals [0, limit) are to be taken (the first block alone, at first) */
    atomic_size_t next;   /* first proposal no worker has taken */
    atomic_size_t done;   /* proposals finished, for progress */
    atomic_int stop;      /* a worker failed: the others stop */
} batch;

/* a worker's block of kept texts (below) */
typedef struct store {
    char *at;    /* the current block's first free byte (NULL: none yet) */
    size_t left; /* its free bytes */
    int off;     /* mapping failed: keep each text on its own from now on */
} store;

typedef struct worker {
    batch *b;
    pl_approval_memo memo; /* its approval heads and literal texts, kept over its calls of work() */
    store kept;           /* its block of kept texts, the same */
    pl_ctx *ctx;          /* the worker's own (GEOS handle, PROJ context, error) */
    int report;           /* this worker shows progress (the calling thread) */
    int rc;
    size_t failed_at;     /* proposal whose check failed */
    pthread_t tid;
} worker;

/* dst: src's text in a block of its own size (an empty buffer for no
 * text).  -1 when out of memory. */
static int keep_text(pl_buf *dst, const pl_buf *src)
{
    pl_buf_init(dst);
    if (src->oom)
        return -1;
    if (!src->n)
        return 0;
    if (!(dst->s = malloc(src->n + 1)))
        return -1;
    memcpy(dst->s, src->s, src->n + 1);
    dst->n = src->n;
    dst->cap = src->n + 1;
    return 0;
}

/* A big batch's kept texts (its JSON is about 1.5 KB a proposal) go into
 * blocks of STORE_BLOCK bytes the worker maps and asks to have backed by
 * huge pages, where the system allows them: written once, a block takes
 * one page fault where the same texts each in a malloc block of its own
 * took one every 4 KB (faults were a third of the check of 10,000
 * proposals).  A small batch keeps each text on its own. */
#define STORE_BLOCK ((size_t)2 << 20)
#define STORE_MIN_PROPOSALS 1024

/* A new block of at least need bytes, aligned to its size so that the
 * system can back it by huge pages, owned by res.  0, or -1 (no block). */
static int store_open(store *st, pl_proposal_result *res, size_t need)
{
    size_t n = need <= STORE_BLOCK ? STORE_BLOCK : (need + STORE_BLOCK - 1) / STORE_BLOCK * STORE_BLOCK;
    char *m = mmap(NULL, n + STORE_BLOCK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    size_t lead = (STORE_BLOCK - (size_t)((uintptr_t)m % STORE_BLOCK)) % STORE_BLOCK;
    if (lead)
        munmap(m, lead);
    if (STORE_BLOCK - lead)
        munmap(m + lead + n, STORE_BLOCK - lead);
#ifdef MADV_HUGEPAGE
    madvise(m + lead, n, MADV_HUGEPAGE); /* a hint: without it, plain pages */
#endif
    res->store = m + lead;
    res->store_n = n;
    st->at = m + lead;
    st->left = n;
    return 0;
}

/* dst: src's text copied to the store's block (the caller saw to room) */
static void store_text(store *st, pl_buf *dst, const pl_buf *src)
{
    pl_buf_init(dst);
    if (!src->n)
        return;
    dst->s = memcpy(st->at, src->s, src->n + 1);
    dst->n = src->n;
    dst->cap = src->n + 1;
    st->at += src->n + 1;
    st->left -= src->n + 1;
}

/* res's three texts (its scratch sr, sj, sa) kept in the store; 0, or -1
 * when they are to be kept on their own (no store, or no block) */
static int store_keep(store *st, pl_proposal_result *res, const pl_buf *sr, const pl_buf *sj, const pl_buf *sa)
{
    if (!st || st->off || sr->oom || sj->oom || sa->oom)
        return -1;
    size_t need = sr->n + sj->n + sa->n + 3;
    if (need > st->left && store_open(st, res, need)) {
        st->off = 1;
        return -1;
    }
    store_text(st, &res->reasons, sr);
    store_text(st, &res->json, sj);
    store_text(st, &res->approvals, sa);
    res->in_store = 1;
    return 0;
}

static void *work(void *arg)
{
    worker *w = arg;
    batch *b = w->b;
    /* a proposal's reasons are written into the worker's scratch buffers
     * (grown once, warm in cache), then kept in blocks of their size */
    pl_buf sr, sj, sa;
    pl_buf_init(&sr);
    pl_buf_init(&sj);
    pl_buf_init(&sa);
    store *st = b->props->n >= STORE_MIN_PROPOSALS ? &w->kept : NULL;
    pl_conflict *cv = NULL;
    size_t cap = 0, n = b->props->n;
    /* the reasons' lon/lat: the worker's own transformer (made, or cloned,
     * before the workers start) */
    pl_xform *xf = pl_crs_xform(w->ctx, b->p->sc->work_crs, "EPSG:4326");
    w->rc = xf ? PL_OK : pl_errcode(w->ctx);
    if (!xf) {
        w->failed_at = 0;
        atomic_store(&b->stop, 1);
    }
    while (!atomic_load(&b->stop)) {
        size_t from = atomic_fetch_add(&b->next, BLOCK);
        if (from >= b->limit)
            break;
        size_t to = from + BLOCK < b->limit ? from + BLOCK : b->limit;
        for (size_t i = from; i < to; i++) {
            pl_proposal_result *res = &b->out[i];
            sr.n = sj.n = sa.n = 0;
            if (sr.s)
                sr.s[0] = '\0';
            if (sj.s)
                sj.s[0] = '\0';
            if (sa.s)
                sa.s[0] = '\0';
            res->reasons = sr;
            res->json = sj;
            res->approvals = sa;
            res->memo = &w->memo;
            res->want = b->want;
            res->plan = b->p;
            w->rc = check_one(w->ctx, b->p, xf, &b->props->a[i], i, b->water, res, &cv, &cap);
            res->memo = NULL;
            sr = res->reasons;
            sj = res->json;
            sa = res->approvals;
            int lost = 0;
            if (store_keep(st, res, &sr, &sj, &sa)) {
                lost = keep_text(&res->reasons, &sr); /* all, so that res never holds the scratch */
                lost |= keep_text(&res->json, &sj);
                lost |= keep_text(&res->approvals, &sa);
            }
            if (lost && w->rc == PL_OK)
                w->rc = pl_error(w->ctx, PL_NOMEM, "out of memory");
            if (w->rc != PL_OK) {
                w->failed_at = i;
                atomic_store(&b->stop, 1);
                break;
            }
        }
        if (w->rc != PL_OK)
            break;
        size_t d = atomic_fetch_add(&b->done, to - from) + (to - from);
        if (w->report && n >= 1000)
            pl_progress(w->ctx, "validating proposals: %zu of %zu", d, n);
    }
    free(cv);
    pl_buf_free(&sr);
    pl_buf_free(&sa);
    pl_buf_free(&sj);
    return NULL;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Shared geometry read by every worker: GEOS fills some caches (the
 * envelope) on first use, so fill them before the threads start. */
static void touch_shared(pl_ctx *ctx, const pl_plan *p)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    double x;
    for (size_t q = 0; p->routes && q < p->routes->n; q++)
        GEOSGeom_getXMin_r(h, p->routes->a[q].line, &x);
}

/* The water layers' features (islands left out) merged, as runs of rings
 * read by every worker, into *out (NULL when there is no water). */
static int water_region(pl_ctx *ctx, const pl_plan *p, pl_region **out)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    int rc = PL_OK;
    size_t n = 0;
    *out = NULL;
    GEOSGeometry **a = calloc(64, sizeof *a);
    if (!a)
        return pl_error(ctx, PL_NOMEM, "out of memory");
    for (size_t i = 0; i < p->n_layers && n < 64; i++) {
        if (p->layers[i]->decl->role != PL_ROLE_WATER)
            continue;
        for (size_t k = 0; k < p->layers[i]->n_feats && n < 64; k++) {
            const pl_feature *f = &p->layers[i]->a_feats[k];
            if (strcmp(pl_feature_str(f, "kind", ""), "island") && (a[n] = GEOSGeom_clone_r(h, f->g)))
                n++;
        }
    }
    if (n) {
        GEOSGeometry *coll = GEOSGeom_createCollection_r(h, GEOS_GEOMETRYCOLLECTION, a, (unsigned)n);
        GEOSGeometry *u = coll ? GEOSUnaryUnion_r(h, coll) : NULL;
        if (coll)
            GEOSGeom_destroy_r(h, coll);
        else
            for (size_t k = 0; k < n; k++)
                GEOSGeom_destroy_r(h, a[k]);
        if (!u)
            rc = pl_error(ctx, PL_GEOM, "the water layers cannot be merged: %s", pl_libmsg(ctx));
        else if (!(*out = pl_region_new(ctx, u)))
            rc = pl_errcode(ctx);
        if (u)
            GEOSGeom_destroy_r(h, u);
    }
    free(a);
    return rc;
}

int pl_validate_prepare(pl_ctx *ctx, pl_plan *p)
{
    int rc = pl_routes_share(ctx, p->zones, CHECK_FLAGS);
    if (rc == PL_OK && !p->water_done && (rc = water_region(ctx, p, &p->water)) == PL_OK)
        p->water_done = 1; /* kept for every batch (serve: every line) */
    return rc;
}

int pl_validate(pl_ctx *ctx, const pl_plan *p, pl_routeset *props, pl_proposal_result *out, int threads,
                unsigned want)
{
    int rc = PL_OK;
    /* the water, for ground risk: the plan's when prepared, else made here */
    pl_region *mine = NULL;
    if (!p->water_done && (rc = water_region(ctx, p, &mine)) != PL_OK)
        return rc;
    const pl_region *water = p->water_done ? p->water : mine;
    if ((rc = pl_routes_share(ctx, p->zones, CHECK_FLAGS)) != PL_OK) {
        pl_region_free(mine);
        return rc;
    }
    touch_shared(ctx, p);
    /* the reasons' lon/lat: made here once, cloned into each worker */
    if (!pl_crs_xform(ctx, p->sc->work_crs, "EPSG:4326")) {
        pl_region_free(mine);
        return pl_errcode(ctx);
    }

    int probe = threads <= 0; /* the default: workers only where the work pays for them */
    if (threads <= 0) {
        long np = sysconf(_SC_NPROCESSORS_ONLN);
        threads = np > 0 ? (int)np : 1;
    }
    if (threads > 64)
        threads = 64;
    if ((size_t)threads > (props->n + BLOCK - 1) / BLOCK)
        threads = (int)((props->n + BLOCK - 1) / BLOCK); /* no idle workers */
    if (threads < 1)
        threads = 1;

    batch b = {.p = p, .props = props, .out = out, .water = water, .want = want, .limit = props->n};
    atomic_init(&b.next, 0);
    atomic_init(&b.done, 0);
    atomic_init(&b.stop, 0);
    worker *w = calloc((size_t)threads, sizeof *w);
    if (!w) {
        pl_region_free(mine);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    /* worker 0 is this thread with this ctx; the others get their own */
    int started = 1;
    w[0] = (worker){.b = &b, .ctx = ctx, .report = 1};
    if (probe && threads > 1) { /* the first block alone (it warms the caches and buffers), then the
                                   second alone, timed: what the rest is likely to take */
        b.limit = BLOCK;
        work(&w[0]);
        atomic_store(&b.next, BLOCK);
        b.limit = 2 * BLOCK < props->n ? 2 * BLOCK : props->n;
        double t0 = now_ms();
        if (w[0].rc == PL_OK)
            work(&w[0]);
        double rest = (now_ms() - t0) / (double)(b.limit - BLOCK) * (double)(props->n - b.limit);
        atomic_store(&b.next, b.limit);
        b.limit = props->n;
        if (threads > 1 + (int)(rest / WORKER_PAYS_MS))
            threads = 1 + (int)(rest / WORKER_PAYS_MS);
        if (w[0].rc != PL_OK)
            threads = 0; /* failed: no more work (w[0] keeps its error) */
    }
    for (int t = 1; t < threads; t++) {
        w[t] = (worker){.b = &b};
        if (!(w[t].ctx = pl_ctx_new()))
            break;
        if (pl_crs_share(w[t].ctx, ctx, p->sc->work_crs, "EPSG:4326") != PL_OK) { /* PROJ's searches are slow: clone */
            pl_ctx_free(w[t].ctx);
            w[t].ctx = NULL;
            break;
        }
        if (pthread_create(&w[t].tid, NULL, work, &w[t])) {
            pl_ctx_free(w[t].ctx);
            w[t].ctx = NULL;
            break;
        }
        started++;
    }
    if (threads > 0)
        work(&w[0]);
    for (int t = 1; t < started; t++)
        pthread_join(w[t].tid, NULL);
    /* the failure of the earliest proposal, whichever worker met it */
    int first = -1;
    for (int t = 0; t < started; t++)
        if (w[t].rc != PL_OK && (first < 0 || w[t].failed_at < w[first].failed_at))
            first = t;
    if (first > 0)
        rc = pl_error(ctx, w[first].rc, "%s", pl_errmsg(w[first].ctx));
    else if (first == 0)
        rc = w[0].rc;
    for (int t = 1; t < started; t++)
        pl_ctx_free(w[t].ctx);
    for (int t = 0; t < started; t++)
        ap_memo_free(&w[t].memo);
    free(w);
    pl_region_free(mine);
    pl_progress_end(ctx);
    return rc;
}
