/*
 * zindex.c - the zone index file: the prepared plan that validate and serve
 * read, kept on the disk so that one proposal does not reread and reindex
 * the world.
 *
 * Entry points: pl_plan_open_indexed, pl_plan_zones_near, pl_zi_write.
 *
 * What it holds: every zone (strings, class, rule, floor and ceiling,
 * layer, geometry as WKB, circle), the terrain model's grid, the plan's
 * routes as checked (after design and levels), its open sites (or that it
 * has no siting), and the water and vertiports layers' features (what a
 * proposal is checked against).  Loading rebuilds the envelopes, the trees
 * and the footprints' rings from them (pl_zones_index): the same zones in
 * the same order, the same coordinates, so the same answers.
 *
 * The file: a header (magic, format, payload length, the payload's sum,
 * the key: zkey.c), the payload (the digests the key was made of, the
 * transformers, the layers' features, the zones' table, the terrain, the
 * routes and sites, the records' length), then the zones' records, each
 * with its own sum in the table.  So a proposal's answer reads the payload
 * and the records of the zones near it, never the whole file; each byte it
 * reads is checked.  A file whose magic, format, length, sum or key differ
 * is not trusted: the plan is built from the layers and the file written
 * again, whole (temporary file and rename, pl_file_write); a record whose
 * sum differs, met later, the same (pl_plan_zones_near).
 */
#include "zindex.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZI_MAGIC "PLZINDX1"
#define ZI_HEAD 96 /* magic 8, format 4, spare 4, payload length 8, payload sum 8, key 64 */
/* proposals of at most this many segments in all read only the zones near
 * them (pl_plan_zones_near); a batch of more reads them all */
#define ZI_NEAR_SEGMENTS 64

/* ==== writing ============================================================= */

/* the terrain model's grid (or that there is none) */
static void w_terrain(const pl_plan *p, pl_buf *b)
{
    const pl_zoneset *zs = p->zones;
    const pl_terrain *t = zs->terrain;
    w_u32(b, t != NULL);
    if (t) {
        double v[5] = {t->x0, t->y0, t->cs, t->all_lo, t->all_hi};
        pl_buf_putn(b, v, sizeof v);
        w_u64(b, t->nx);
        w_u64(b, t->ny);
        w_u64(b, t->n_unknown);
        pl_buf_putn(b, t->lo, t->nx * t->ny * sizeof *t->lo);
        pl_buf_putn(b, t->hi, t->nx * t->ny * sizeof *t->hi);
    }
}

static void w_routes(const pl_plan *p, pl_buf *b)
{
    const pl_routeset *rs = p->routes;
    w_u64(b, rs->n);
    for (size_t i = 0; i < rs->n; i++) {
        const pl_route *r = &rs->a[i];
        const char *s[10] = {r->id,     r->name,    r->kind,    r->status,  r->aircraft,
                             r->time_from, r->time_to, r->source, r->license, r->accuracy};
        for (int k = 0; k < 10; k++)
            w_str(b, s[k]);
        w_u32(b, pl_zi_layer_ix(p->sc, r->layer_id));
        w_u32(b, (uint32_t)r->ac_class);
        double v[4] = {r->half_width_m, r->band_below_m, r->band_above_m, r->length_m};
        pl_buf_putn(b, v, sizeof v);
        w_u64(b, r->n_pts);
        pl_buf_putn(b, r->x, r->n_pts * sizeof *r->x);
        pl_buf_putn(b, r->y, r->n_pts * sizeof *r->y);
        pl_buf_putn(b, r->alt_m, r->n_pts * sizeof *r->alt_m);
    }
    const pl_siting *st = p->siting;
    w_u32(b, st != NULL);
    size_t n_open = 0;
    for (size_t i = 0; st && i < st->n; i++)
        n_open += st->a[i].open != 0;
    if (st)
        w_u64(b, n_open);
    for (size_t i = 0; st && i < st->n; i++)
        if (st->a[i].open) {
            w_str(b, st->a[i].id);
            w_f64(b, st->a[i].x);
            w_f64(b, st->a[i].y);
        }
}

/* every layer's issues (a feature repaired or rejected: the run warns of
 * them, from the index too), and the water and vertiports layers'
 * features: id, kind, geometry */
static int w_layers(pl_ctx *ctx, GEOSWKBWriter *wr, const pl_plan *p, pl_buf *b)
{
    w_u64(b, p->n_layers);
    for (size_t i = 0; i < p->n_layers; i++) {
        const pl_layer *l = p->layers[i];
        w_u64(b, l->n_issues);
        for (size_t k = 0; k < l->n_issues; k++) {
            w_str(b, l->a_issues[k].fid);
            w_str(b, l->a_issues[k].what);
            w_str(b, l->a_issues[k].why);
        }
        int keep = l->decl->role == PL_ROLE_WATER || l->decl->role == PL_ROLE_VERTIPORTS;
        w_u64(b, keep ? l->n_feats : 0);
        for (size_t k = 0; keep && k < l->n_feats; k++) {
            w_str(b, l->a_feats[k].id);
            w_str(b, pl_feature_str(&l->a_feats[k], "kind", NULL));
            if (!pl_zi_w_geom(ctx, wr, b, l->a_feats[k].g))
                return 0;
        }
    }
    return 1;
}

/* The transformers between the working CRS and lon/lat, as PROJ pipelines,
 * and the working CRS's area of use: a proposal read and answered from the
 * index makes no search in PROJ's database.  0 when they cannot be had
 * (no index then). */
/* 1 when the operation made again from pipeline (in a context of its own)
 * gives the cached one's numbers bit for bit at 441 points over the area
 * box (lon/lat; for the way back, their images): a pair PROJ answers with
 * several operations chosen point by point is not one pipeline, and is not
 * seeded. */
static int seed_agrees(pl_ctx *ctx, const char *src, const char *dst, const char *pipeline, const double box[4],
                       int back)
{
    enum { N = 21 };
    double x[N * N], y[N * N], x2[N * N], y2[N * N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            x[i * N + j] = box[0] + (box[2] - box[0]) * i / (N - 1);
            y[i * N + j] = box[1] + (box[3] - box[1]) * j / (N - 1);
        }
    pl_xform *there = back ? pl_crs_xform(ctx, dst, src) : NULL, *xf = pl_crs_xform(ctx, src, dst);
    if ((back && (!there || pl_crs_trans(ctx, there, x, y, N * N) != PL_OK)) || !xf) {
        pl_error_clear(ctx);
        return 0;
    }
    memcpy(x2, x, sizeof x);
    memcpy(y2, y, sizeof y);
    pl_ctx *t = pl_ctx_new();
    int ok = t && pl_crs_seed(t, src, dst, pipeline) == PL_OK && pl_crs_trans(ctx, xf, x, y, N * N) == PL_OK &&
             pl_crs_trans(t, pl_crs_xform(t, src, dst), x2, y2, N * N) == PL_OK && !memcmp(x, x2, sizeof x) &&
             !memcmp(y, y2, sizeof y);
    pl_ctx_free(t);
    pl_error_clear(ctx);
    return ok;
}

/* The operations kept in the index, from and to the working CRS w: lon/lat
 * to it (a proposal in 2D; EPSG:4979, lon/lat with heights, is how GDAL
 * labels a GeoJSON with Z: a 3D proposal, which made PROJ search its
 * database for 25-30 ms) and back (the reasons' lon/lat). */
#define ZI_SEEDS 3
static void seed_pairs(const char *w, const char *pair[ZI_SEEDS][2])
{
    pair[0][0] = "EPSG:4326", pair[0][1] = w;
    pair[1][0] = w, pair[1][1] = "EPSG:4326";
    pair[2][0] = "EPSG:4979", pair[2][1] = w;
}

static void w_crs(pl_ctx *ctx, const pl_plan *p, pl_buf *b)
{
    const char *w = p->sc->work_crs, *pair[ZI_SEEDS][2];
    seed_pairs(w, pair);
    double box[4] = {0, 0, 0, 0};
    int area = pl_crs_area_of_use(ctx, w, box);
    w_u32(b, (uint32_t)area);
    pl_buf_putn(b, box, sizeof box);
    for (int k = 0; k < ZI_SEEDS; k++) {
        char *s = pl_crs_xform(ctx, pair[k][0], pair[k][1]) ? pl_crs_describe(ctx, pair[k][0], pair[k][1]) : NULL;
        if (s && !(area && seed_agrees(ctx, pair[k][0], pair[k][1], s, box, k == 1)))
            free(s), s = NULL; /* not seeded: PROJ's database is searched when it is needed */
        pl_error_clear(ctx);
        w_str(b, s);
        free(s);
    }
}

/* The digests the key was made of, with the files' state then (zkey.c) */
static void w_keys(pl_buf *b, const pl_zkeys *k)
{
    w_u64(b, k ? k->n : 0);
    for (size_t i = 0; k && i < k->n; i++) {
        const pl_zkey_file *e = &k->a[i];
        w_str(b, e->path);
        int64_t v[9] = {(int64_t)e->dev, (int64_t)e->ino, e->size, e->mtime[0], e->mtime[1], e->ctime[0], e->ctime[1],
                        e->taken, 0};
        pl_buf_putn(b, v, sizeof v);
        pl_buf_putn(b, e->dig, sizeof e->dig);
    }
}

/* The plan's index into path, whole: key and the digests it was made of
 * (keys), built with flags; header, payload, the zones' table, their
 * records.  PL_OK, or an error (nothing written). */
int pl_zi_write(pl_ctx *ctx, const pl_plan *p, const char *key, int flags, const pl_zkeys *keys, const char *path)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSWKBWriter *wr = GEOSWKBWriter_create_r(h);
    if (!wr)
        return pl_error(ctx, PL_GEOM, "cannot make a WKB writer: %s", pl_libmsg(ctx));
    GEOSWKBWriter_setOutputDimension_r(h, wr, 3);
    pl_buf b, table, rec;
    pl_buf_init(&b);
    pl_buf_init(&table);
    pl_buf_init(&rec);
    pl_buf_putn(&b, ZI_MAGIC, 8);
    w_u32(&b, ZI_FORMAT);
    w_u32(&b, (uint32_t)flags); /* in the key too; here to say why a key differs */
    w_u64(&b, 0); /* payload length and sum, set below */
    w_u64(&b, 0);
    pl_buf_putn(&b, key, 64);
    w_keys(&b, keys);
    w_crs(ctx, p, &b);
    int ok = w_layers(ctx, wr, p, &b) && pl_zi_zones_write(ctx, wr, p, &b, &table, &rec);
    if (ok) {
        w_terrain(p, &b);
        w_routes(p, &b);
        w_u64(&b, table.n); /* the payload's last words: the table's and the records' lengths */
        w_u64(&b, rec.n);
    }
    GEOSWKBWriter_destroy_r(h, wr);
    int rc = PL_OK;
    if (!ok || b.oom || table.oom || rec.oom || b.n < ZI_HEAD)
        rc = b.oom || table.oom || rec.oom ? pl_error(ctx, PL_NOMEM, "out of memory")
                                           : pl_error(ctx, PL_GEOM, "%s: the plan cannot be written as an index", path);
    if (rc == PL_OK) {
        uint64_t len = b.n - ZI_HEAD, sum = pl_zkey_sum((unsigned char *)b.s + ZI_HEAD, len);
        memcpy(b.s + 16, &len, 8);
        memcpy(b.s + 24, &sum, 8);
        if (table.n)
            pl_buf_putn(&b, table.s, table.n);
        if (rec.n)
            pl_buf_putn(&b, rec.s, rec.n);
        rc = b.oom ? pl_error(ctx, PL_NOMEM, "out of memory") : pl_file_write(ctx, path, b.s, b.n);
    }
    pl_buf_free(&rec);
    pl_buf_free(&table);
    pl_buf_free(&b);
    return rc;
}

/* ==== reading ============================================================= */

/* an array of n items of sz bytes, copied into new memory (NULL: bad or none) */
static void *r_array(rd *r, size_t n, size_t sz)
{
    if (n > (size_t)(r->end - r->p) / (sz ? sz : 1)) {
        r->bad = 1;
        return NULL;
    }
    void *a = malloc(n * sz + 1);
    const void *q = r_take(r, n * sz);
    if (!a || !q) {
        free(a);
        r->bad = 1;
        return NULL;
    }
    memcpy(a, q, n * sz);
    return a;
}

static void r_crs(pl_ctx *ctx, rd *r, const pl_scenario *sc)
{
    const char *w = sc->work_crs, *pair[ZI_SEEDS][2];
    seed_pairs(w, pair);
    int area = (int)r_u32(r);
    double box[4];
    for (int k = 0; k < 4; k++)
        box[k] = r_f64(r);
    if (area && !r->bad)
        pl_crs_seed_area(ctx, w, box);
    for (int k = 0; k < ZI_SEEDS && !r->bad; k++) {
        char *s = r_str(r); /* NULL: not seeded (pl_zi_write found it is not one pipeline) */
        if (s && pl_crs_seed(ctx, pair[k][0], pair[k][1], s) != PL_OK)
            r->bad = 1;
        free(s);
    }
}

static void r_layers(pl_ctx *ctx, GEOSWKBReader *wk, rd *r, pl_plan *p)
{
    if (r_u64(r) != p->sc->n_layers || !(p->layers = calloc(p->sc->n_layers + 1, sizeof *p->layers))) {
        r->bad = 1;
        return;
    }
    for (size_t i = 0; i < p->sc->n_layers && !r->bad; i++) {
        pl_layer *l = p->layers[i] = calloc(1, sizeof *l);
        if (!l) {
            r->bad = 1;
            break;
        }
        p->n_layers++; /* freed with the plan from here on */
        l->decl = &p->sc->a_layers[i];
        uint64_t n = r_u64(r);
        if (n > (uint64_t)(r->end - r->p) || !(l->a_issues = calloc(n + 1, sizeof *l->a_issues))) {
            r->bad = 1;
            break;
        }
        for (size_t k = 0; k < n && !r->bad; k++) {
            pl_issue *is = &l->a_issues[l->n_issues++];
            is->fid = r_str(r), is->what = r_str(r), is->why = r_str(r);
            if (!is->fid || !is->what || !is->why)
                r->bad = 1;
        }
        n = r_u64(r);
        if (n > (uint64_t)(r->end - r->p) || !(l->a_feats = calloc(n + 1, sizeof *l->a_feats))) {
            r->bad = 1;
            break;
        }
        for (size_t k = 0; k < n && !r->bad; k++) {
            pl_feature *f = &l->a_feats[l->n_feats++];
            f->id = r_str(r);
            char *kind = r_str(r);
            if (kind && (f->a_props = calloc(1, sizeof *f->a_props))) {
                f->a_props[0] = (pl_prop){.key = pl_strdup("kind"), .type = PL_P_STR, .str = kind};
                f->n_props = 1;
                kind = NULL;
            }
            free(kind);
            f->g = pl_zi_r_geom(ctx, wk, r);
            if (!f->id || !f->g || (f->n_props && !f->a_props[0].key))
                r->bad = 1;
        }
    }
}

static void r_terrain(rd *r, const pl_scenario *sc, pl_zoneset *zs)
{
    if (!r_u32(r) || r->bad)
        return;
    pl_terrain *t = calloc(1, sizeof *t);
    if (!t) {
        r->bad = 1;
        return;
    }
    zs->terrain = t;
    t->decl = &sc->terrain;
    t->x0 = r_f64(r), t->y0 = r_f64(r), t->cs = r_f64(r), t->all_lo = r_f64(r), t->all_hi = r_f64(r);
    t->nx = r_u64(r), t->ny = r_u64(r), t->n_unknown = r_u64(r);
    if (t->nx && t->ny > SIZE_MAX / sizeof(float) / t->nx)
        r->bad = 1;
    if (!(isfinite(t->x0) && isfinite(t->y0) && isfinite(t->cs) && t->cs > 0 && t->nx > 0 && t->ny > 0))
        r->bad = 1; /* a grid no build makes: never read (a cell of 0 m would never end a walk) */
    t->lo = r->bad ? NULL : r_array(r, t->nx * t->ny, sizeof *t->lo);
    t->hi = r->bad ? NULL : r_array(r, t->nx * t->ny, sizeof *t->hi);
    if (!sc->terrain.path)
        r->bad = 1;
}

/* The zones' count and directory (zzones.c), then the terrain beyond them */
static void r_zones_skip(rd *r, pl_plan *p, pl_zdefer *d)
{
    pl_zi_zones_skip(r, d);
    if (!r->bad && !(p->zones = calloc(1, sizeof *p->zones)))
        r->bad = 1;
    if (!r->bad)
        r_terrain(r, p->sc, p->zones);
}

static void r_routes(pl_ctx *ctx, rd *r, pl_plan *p)
{
    uint64_t n = r_u64(r);
    pl_routeset *rs = p->routes = calloc(1, sizeof *rs);
    if (!rs || n > (uint64_t)(r->end - r->p) || !(rs->a = calloc(n + 1, sizeof *rs->a)) ||
        !(rs->res = calloc(n + 1, sizeof *rs->res))) {
        r->bad = 1;
        return;
    }
    for (size_t i = 0; i < n && !r->bad; i++) {
        pl_route *t = &rs->a[rs->n++];
        char **s[10] = {&t->id,        &t->name,    &t->kind,   &t->status,  &t->aircraft,
                        &t->time_from, &t->time_to, &t->source, &t->license, &t->accuracy};
        for (int k = 0; k < 10; k++)
            *s[k] = r_str(r);
        uint32_t l = r_u32(r);
        t->layer_id = l < p->sc->n_layers ? p->sc->a_layers[l].id : NULL;
        t->ac_class = (int)r_u32(r);
        t->half_width_m = r_f64(r), t->band_below_m = r_f64(r), t->band_above_m = r_f64(r), t->length_m = r_f64(r);
        t->n_pts = r_u64(r);
        t->x = r_array(r, t->n_pts, sizeof *t->x);
        t->y = r_array(r, t->n_pts, sizeof *t->y);
        t->alt_m = r_array(r, t->n_pts, sizeof *t->alt_m);
        if (!r->bad && (!t->id || t->n_pts < 2 || !(t->half_width_m >= 0 && isfinite(t->half_width_m)) ||
                        !(isfinite(t->band_below_m) && isfinite(t->band_above_m))))
            r->bad = 1; /* numbers no build writes (the layers' reader refuses them): never read */
        for (size_t k = 0; k < t->n_pts && !r->bad; k++)
            if (!(isfinite(t->x[k]) && isfinite(t->y[k]) && isfinite(t->alt_m[k])))
                r->bad = 1;
        if (!r->bad && !(t->line = pl_geom_line(ctx, t->x, t->y, t->n_pts)))
            r->bad = 1;
    }
    if (!r_u32(r) || r->bad)
        return;
    pl_siting *st = p->siting = calloc(1, sizeof *st);
    uint64_t ns = r_u64(r);
    if (!st || ns > (uint64_t)(r->end - r->p) || !(st->a = calloc(ns + 1, sizeof *st->a))) {
        r->bad = 1;
        return;
    }
    for (size_t i = 0; i < ns && !r->bad; i++) {
        pl_site *s = &st->a[st->n++];
        s->id = r_str(r);
        s->x = r_f64(r);
        s->y = r_f64(r);
        s->open = 1;
        if (!s->id)
            r->bad = 1;
    }
}

/* The digests of the key written last (zkey.c's pl_zkeys) from r */
static void r_keys(rd *r, pl_zkeys *k)
{
    uint64_t n = r_u64(r);
    if (n > (uint64_t)(r->end - r->p) / 108 || !(k->a = calloc(n + 1, sizeof *k->a))) {
        r->bad = 1;
        return;
    }
    k->cap = n + 1;
    for (size_t i = 0; i < n && !r->bad; i++) {
        pl_zkey_file *e = &k->a[k->n++];
        int64_t v[9];
        e->path = r_str(r);
        r_copy(r, v, sizeof v);
        r_copy(r, e->dig, sizeof e->dig);
        e->dev = (uint64_t)v[0], e->ino = (uint64_t)v[1], e->size = v[2];
        e->mtime[0] = v[3], e->mtime[1] = v[4], e->ctime[0] = v[5], e->ctime[1] = v[6], e->taken = v[7];
        if (!e->path)
            r->bad = 1;
    }
}

/* The index file's header and payload: read whole and checked (the
 * zones' table and records are read later, by their own sums; where they
 * lie into d).  path: the file, left open in *f; *payload, *n: the
 * payload (owned); *flags: the open flags it was built with.  NULL, or
 * why it is not to be trusted (unreadable: *err the errno). */
static const char *zindex_head(const char *path, FILE **f, unsigned char **payload, uint64_t *n, char key[65],
                               uint32_t *flags, int *err, pl_zdefer *d)
{
    unsigned char h[ZI_HEAD];
    struct stat st;
    uint32_t fmt;
    uint64_t sum;
    *payload = NULL;
    errno = 0;
    if (!(*f = fopen(path, "rb"))) {
        *err = errno ? errno : EIO;
        return *err == ENOENT ? "none yet" : "unreadable"; /* another's file, perhaps: never written over */
    }
    size_t got = fread(h, 1, ZI_HEAD, *f);
    if (memcmp(h, ZI_MAGIC, got < 8 ? got : 8))
        return "not an index file"; /* another file: never written over */
    if (got < ZI_HEAD || fstat(fileno(*f), &st) != 0)
        return "truncated";
    memcpy(flags, h + 12, 4);
    memcpy(&fmt, h + 8, 4);
    memcpy(n, h + 16, 8);
    memcpy(&sum, h + 24, 8);
    if (fmt != ZI_FORMAT)
        return "another format";
    if (*n < 16 || *n > (uint64_t)st.st_size - ZI_HEAD)
        return *n < 16 ? "corrupt (length)" : "truncated";
    if (!(*payload = malloc(*n)) || fread(*payload, 1, *n, *f) != *n)
        return "truncated";
    if (pl_zkey_sum(*payload, *n) != sum)
        return "corrupt (checksum)";
    uint64_t rest = (uint64_t)st.st_size - ZI_HEAD - *n; /* the table and the records */
    memcpy(&d->n_table, *payload + *n - 16, 8);
    memcpy(&d->n_rec, *payload + *n - 8, 8);
    d->table_at = ZI_HEAD + *n;
    d->rec_at = d->table_at + d->n_table;
    if (d->n_table > rest || d->n_rec != rest - d->n_table)
        return d->n_table > rest || d->n_rec > rest - d->n_table ? "truncated" : "corrupt (length)";
    memcpy(key, h + 32, 64);
    key[64] = '\0';
    return NULL;
}

/* The plan from the index's payload (after the keys: r), over sc
 * (adopted); d adopted too: kept in the plan while its zones wait (defer),
 * else used up.  NULL when the payload is not whole (the caller builds the
 * plan from the layers). */
static pl_plan *zindex_read(pl_ctx *ctx, pl_scenario *sc, rd r, pl_zdefer *d, int defer)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    pl_plan *p = calloc(1, sizeof *p);
    GEOSWKBReader *wk = GEOSWKBReader_create_r(h);
    r.bad |= !p || !wk;
    if (p)
        p->sc = sc;
    else
        pl_scenario_free(sc);
    if (!r.bad)
        r_crs(ctx, &r, p->sc);
    if (!r.bad)
        r_layers(ctx, wk, &r, p);
    if (!r.bad)
        r_zones_skip(&r, p, d);
    if (!r.bad)
        r_routes(ctx, &r, p);
    if (wk)
        GEOSWKBReader_destroy_r(h, wk);
    if (!r.bad && (r_u64(&r) != d->n_table || r_u64(&r) != d->n_rec))
        r.bad = 1;
    if (!r.bad && r.p != r.end)
        r.bad = 1;
    if (!r.bad && defer) {
        p->zdefer = d; /* read by pl_plan_zones_near */
        p->zdefer_free = pl_zdefer_free;
        d = NULL;
    } else if (!r.bad && pl_zi_zones_read(ctx, p, d, NULL) != PL_OK) {
        r.bad = 1;
    }
    pl_zdefer_free(d);
    if (r.bad) {
        pl_plan_free(ctx, p);
        pl_error_clear(ctx);
        return NULL;
    }
    return p;
}

/* A chunk or a zone record damaged (its sum) or cut: the plan built from
 * the layers after all, the index written again from it, its zones taken
 * into p (with the scenario they borrow from).  The key is taken first,
 * then the layers read, as pl_plan_open_indexed does: a layer edited in
 * between makes the file stale, never the old zones under the new key.
 * *written: whether the index was written again.  PL_OK, or the build's
 * error. */
static int zones_rebuilt(pl_ctx *ctx, pl_plan *p, pl_zdefer *d, int *written)
{
    pl_plan *fresh = NULL;
    pl_zkeys keys = {0};
    const char *unwatched = NULL;
    char key[65];
    pl_error_clear(ctx);
    int keyed = pl_zindex_key(p->sc, d->flags, d->index, NULL, &keys, key, &unwatched) == 0;
    int rc = pl_plan_open(ctx, d->scenario, d->flags, &fresh);
    if (rc != PL_OK) {
        pl_zkeys_free(&keys);
        return rc;
    }
    *written = keyed && pl_zi_write(ctx, fresh, key, d->flags, &keys, d->index) == PL_OK;
    pl_error_clear(ctx); /* not written: answered from the layers, the index rebuilt next time */
    pl_zkeys_free(&keys);
    pl_zoneset *t = p->zones;
    p->zones = fresh->zones; /* the same scenario's zones, from its layers */
    fresh->zones = t;
    p->zones_sc = fresh->sc; /* which their rules and layer ids borrow from */
    fresh->sc = NULL;
    pl_plan_free(ctx, fresh);
    return PL_OK;
}

int pl_plan_zones_near(pl_ctx *ctx, pl_plan *p, const pl_routeset *props, pl_buf *note)
{
    pl_zdefer *d = p->zdefer;
    if (!d)
        return PL_OK;
    size_t segs = 0;
    int written = 0;
    for (size_t q = 0; props && q < props->n; q++)
        segs += props->a[q].n_pts - 1;
    /* a batch reads every zone (its index pays for itself); a few
     * proposals, the zones near them */
    int rc = pl_zi_zones_read(ctx, p, d, segs <= ZI_NEAR_SEGMENTS ? props : NULL);
    if (rc != PL_OK) {
        pl_zones_free(ctx, p->zones);
        if (!(p->zones = calloc(1, sizeof *p->zones)))
            rc = pl_error(ctx, PL_NOMEM, "out of memory");
        else if ((rc = zones_rebuilt(ctx, p, d, &written)) == PL_OK && note)
            pl_buf_printf(note, "zone index %s: %s, a part of it was damaged (its sum)%s", d->index,
                          written ? "rebuilt" : "not used", written ? "" : "; answered from the layers, not written");
    }
    p->zdefer = NULL;
    pl_zdefer_free(d);
    return rc;
}

/* The plan from the index at path into *out when it is whole and its key
 * is the current one (key: hex into key; the digests taken into keys, the
 * caller's).  sc and d adopted either way (d kept in the plan while its
 * zones wait, when defer).  NULL when loaded; else why not: "unwatched"
 * (no key: unwatched the path), "unreadable" (*err the errno), or a
 * reason to build and write it again. */
static const char *index_load(pl_ctx *ctx, pl_scenario *sc, int flags, int defer, const char *path, pl_zdefer *d,
                              pl_zkeys *keys, char key[65], char unwatched[4096], int *err, pl_plan **out)
{
    const char *unw = NULL;
    uint64_t n = 0;
    uint32_t was = 0;
    char file_key[65];
    pl_zkeys old = {0};
    const char *why = zindex_head(path, &d->f, &d->payload, &n, file_key, &was, err, d);
    rd r = {0};
    if (!why) {
        r = (rd){.p = d->payload, .end = d->payload + n};
        r_keys(&r, &old);
        why = r.bad ? "corrupt (content)" : NULL;
    }
    int unkeyed = pl_zindex_key(sc, flags, path, why ? NULL : &old, keys, key, &unw) != 0;
    pl_zkeys_free(&old);
    if (unkeyed)
        snprintf(unwatched, 4096, "%s", unw); /* sc's, freed below */
    if (!unkeyed && !why && memcmp(file_key, key, 64))
        why = was != (uint32_t)flags ? "stale: built with other options (--skip-bad or not)"
                                     : "stale: a layer, the scenario or the planner changed";
    if (unkeyed || why) {
        pl_zdefer_free(d);
        pl_scenario_free(sc);
        return unkeyed ? "unwatched" : why;
    }
    return (*out = zindex_read(ctx, sc, r, d, defer)) ? NULL : "corrupt (content)";
}

int pl_plan_open_indexed(pl_ctx *ctx, const char *scenario, int flags, const char *index, pl_plan **out,
                         pl_buf *note)
{
    pl_scenario *sc = NULL;
    int defer = flags & PL_PLAN_ZONES_LATER; /* how to read, not what: no part of the key */
    flags &= ~PL_PLAN_ZONES_LATER;
    *out = NULL;
    if (pl_path_check(ctx, index, "zone index", NULL, 0) != PL_OK)
        return pl_errcode(ctx); /* a named pipe would hang the read, a device be written */
    int rc = pl_scenario_load(ctx, scenario, &sc);
    if (rc != PL_OK)
        return rc;
    pl_zdefer *d = calloc(1, sizeof *d);
    if (!d || !(d->scenario = strdup(scenario)) || !(d->index = strdup(index))) {
        pl_zdefer_free(d);
        pl_scenario_free(sc);
        return pl_error(ctx, PL_NOMEM, "out of memory");
    }
    d->flags = flags;
    pl_zkeys keys = {0};
    char key[65], unwatched[4096] = "";
    int err = 0;
    const char *why = index_load(ctx, sc, flags, defer, index, d, &keys, key, unwatched, &err, out);
    if (!why) {
        pl_zkeys_free(&keys);
        pl_buf_printf(note, "zone index %s: loaded", index);
        return PL_OK;
    }
    if (!strcmp(why, "unwatched")) { /* a folder dataset, a VRT: no index (a missing file: its error alone) */
        pl_zkeys_free(&keys);
        if ((rc = pl_plan_open(ctx, scenario, flags, out)) == PL_OK)
            pl_buf_printf(note, "zone index %s: not used: %s is not a file whose bytes can all be watched (a "
                          "folder, or a VRT naming other files)", index, unwatched);
        return rc;
    }
    if (!strcmp(why, "not an index file") || !strcmp(why, "unreadable")) {
        pl_zkeys_free(&keys);
        if (*why == 'n')
            return pl_error(ctx, PL_IO, "zone index %s: not an index file (it does not begin %s): not written "
                            "over; name another file, or remove this one", index, ZI_MAGIC);
        return pl_error(ctx, PL_IO, "zone index %s: cannot be read (%s): it may be another's file, not written "
                        "over; name another file, or make this one readable", index, strerror(err));
    }
    if ((rc = pl_plan_open(ctx, scenario, flags, out)) == PL_OK) {
        if (pl_zi_write(ctx, *out, key, flags, &keys, index) == PL_OK) {
            pl_buf_printf(note, "zone index %s: %s %s", index,
                          strcmp(why, "none yet") ? "rebuilt, it was" : "built,", why);
        } else {
            pl_buf_printf(note, "zone index %s: not written (%s); answered from the layers", index, pl_errmsg(ctx));
            pl_error_clear(ctx);
        }
    }
    pl_zkeys_free(&keys);
    return rc;
}
