/*
 * zzones.c - the zone index file's zones: a table in spatial chunks and
 * the records apart, read whole or only near a few proposals.
 *
 * Entry points: pl_zi_zones_write, pl_zi_zones_skip, pl_zi_zones_read,
 * pl_zdefer_free, and the file's geometry and layer words (pl_zi_w_geom,
 * pl_zi_r_geom, pl_zi_layer_ix).
 *
 * Each zone has a record (strings, limits, rule, layer, circle, geometry
 * as WKB) and a row in the table: its envelope (no geometry: the empty box
 * inf..-inf, "everywhere"), its index in the plan's zone array, and its
 * record's offset, length and sum.  The rows are ordered in space (sorted
 * by the envelope's centre in x, in slices, each sorted in y) and cut into
 * chunks of ZI_CHUNK; the payload holds the chunks' directory: each
 * chunk's box (the union of its rows' envelopes), place and sum.  So a
 * proposal reads the directory, the chunks whose box comes within its
 * reach, and the records of the rows that do: the zones its check can
 * meet (engine/check.c: a zone is a candidate when its envelope, grown by
 * the half-width and a millimetre, meets a segment; here a metre).  Every
 * byte read is checked: the directory by the payload's sum, a chunk and a
 * record by their own.  The zones read are put in their index order, the
 * height rules (no geometry) always among them: the same zones in the same
 * order as a plan from the layers holds near the proposals, so the same
 * answers.
 */
#include "zindex.h"

#include <math.h>
#include <unistd.h>

#define ZI_ROW 64    /* a row: envelope 32, zone index 8, record offset 8, length 8, sum 8 */
#define ZI_CHUNK 256 /* rows a chunk (16 KB) */
#define ZI_DIR 56    /* a chunk in the directory: box 32, table offset 8, rows 8, sum 8 */

/* ==== writing ============================================================= */

int pl_zi_w_geom(pl_ctx *ctx, GEOSWKBWriter *wr, pl_buf *b, const GEOSGeometry *g)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    size_t n = 0;
    unsigned char *wkb = g ? GEOSWKBWriter_write_r(h, wr, g, &n) : NULL;
    if (g && !wkb)
        return 0;
    w_u64(b, g ? n : 0);
    if (wkb) {
        pl_buf_putn(b, wkb, n);
        GEOSFree_r(h, wkb);
    }
    return 1;
}

uint32_t pl_zi_layer_ix(const pl_scenario *sc, const char *id)
{
    for (size_t k = 0; k < sc->n_layers; k++)
        if (id == sc->a_layers[k].id)
            return (uint32_t)k;
    return id && !strcmp(id, "aircraft") ? ZI_AIRCRAFT : ZI_NONE;
}

/* rule kind (0 none, 1 the scenario's rules, 2 an aircraft class's) and index */
static void w_rule(pl_buf *b, const pl_scenario *sc, const pl_zone *z)
{
    if (z->aircraft) {
        w_u32(b, 2);
        w_u32(b, (uint32_t)(z->aircraft - sc->a_aircraft));
    } else if (z->rule && z->rule >= sc->a_rules && z->rule < sc->a_rules + sc->n_rules) {
        w_u32(b, 1);
        w_u32(b, (uint32_t)(z->rule - sc->a_rules));
    } else {
        w_u32(b, 0);
        w_u32(b, 0);
    }
}

/* One zone's record into b; 0 when the file cannot name its rule or
 * layer, or GEOS fails. */
static int w_zone(pl_ctx *ctx, GEOSWKBWriter *wr, const pl_plan *p, const pl_zone *z, pl_buf *b)
{
    const char *s[8] = {z->id, z->name, z->cls, z->alt_ref, z->source, z->license, z->accuracy, z->basis};
    for (int k = 0; k < 8; k++)
        w_str(b, s[k]);
    w_f64(b, z->floor_m);
    w_f64(b, z->ceiling_m);
    if (z->rule && !z->aircraft && !(z->rule >= p->sc->a_rules && z->rule < p->sc->a_rules + p->sc->n_rules))
        return 0; /* a rule the file cannot name: no index */
    w_rule(b, p->sc, z);
    uint32_t l = pl_zi_layer_ix(p->sc, z->layer_id);
    if (l == ZI_NONE)
        return 0;
    w_u32(b, l);
    for (int k = 0; k < 3; k++)
        w_f64(b, z->circle[k]);
    return pl_zi_w_geom(ctx, wr, b, z->g);
}

/* a zone in the spatial order: its centre and index */
typedef struct zord {
    double c[2];
    size_t i;
} zord;

static int cmp_x(const void *a, const void *b)
{
    const zord *x = a, *y = b;
    return x->c[0] < y->c[0] ? -1 : x->c[0] > y->c[0] ? 1 : (x->i > y->i) - (x->i < y->i);
}

static int cmp_y(const void *a, const void *b)
{
    const zord *x = a, *y = b;
    return x->c[1] < y->c[1] ? -1 : x->c[1] > y->c[1] ? 1 : (x->i > y->i) - (x->i < y->i);
}

/* The zones' indices in the table's order into o (n of them): those with
 * a geometry in slices by x of whole chunks, each slice by y; then those
 * without (chunks of their own).  *n_geo: how many have one. */
static void spatial_order(const pl_zoneset *zs, zord *o, size_t *n_geo)
{
    size_t g = 0, k = zs->n;
    for (size_t i = 0; i < zs->n; i++) {
        const pl_zone *z = &zs->a[i];
        zord *t = z->g ? &o[g++] : &o[--k];
        *t = (zord){{z->env[0] + z->env[2], z->env[1] + z->env[3]}, i};
    }
    for (size_t a = k, b = zs->n - 1; a < b; a++, b--) { /* those without, back in index order */
        zord x = o[a];
        o[a] = o[b];
        o[b] = x;
    }
    *n_geo = g;
    size_t chunks = (g + ZI_CHUNK - 1) / ZI_CHUNK, slices = (size_t)ceil(sqrt((double)chunks));
    size_t per = slices ? (chunks + slices - 1) / slices * ZI_CHUNK : g;
    qsort(o, g, sizeof *o, cmp_x);
    for (size_t s = 0; per && s < g; s += per)
        qsort(o + s, g - s < per ? g - s : per, sizeof *o, cmp_y);
}

/* chunk rows [a, b) of o (rows written in table) into the directory */
static void w_chunk(pl_buf *dir, const pl_buf *table, size_t at, size_t rows, const pl_zoneset *zs, const zord *o)
{
    double box[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY};
    for (size_t k = 0; k < rows; k++) {
        const pl_zone *z = &zs->a[o[k].i];
        if (z->g) {
            box[0] = fmin(box[0], z->env[0]), box[1] = fmin(box[1], z->env[1]);
            box[2] = fmax(box[2], z->env[2]), box[3] = fmax(box[3], z->env[3]);
        }
    }
    pl_buf_putn(dir, box, sizeof box);
    w_u64(dir, at);
    w_u64(dir, rows);
    w_u64(dir, table->oom ? 0 : pl_zkey_sum((const unsigned char *)table->s + at, rows * ZI_ROW));
}

int pl_zi_zones_write(pl_ctx *ctx, GEOSWKBWriter *wr, const pl_plan *p, pl_buf *payload, pl_buf *table,
                      pl_buf *rec)
{
    const pl_zoneset *zs = p->zones;
    zord *o = malloc((zs->n ? zs->n : 1) * sizeof *o);
    pl_buf dir;
    pl_buf_init(&dir);
    size_t n_geo = 0, n_chunks = 0;
    int ok = o != NULL;
    if (ok)
        spatial_order(zs, o, &n_geo);
    for (size_t k = 0; ok && k < zs->n; k++) {
        const pl_zone *z = &zs->a[o[k].i];
        double env[4] = {INFINITY, INFINITY, -INFINITY, -INFINITY}; /* no geometry: everywhere */
        if (z->g)
            memcpy(env, z->env, sizeof env);
        size_t at = rec->n;
        ok = w_zone(ctx, wr, p, z, rec) && !rec->oom;
        pl_buf_putn(table, env, sizeof env);
        w_u64(table, o[k].i);
        w_u64(table, at);
        w_u64(table, ok ? rec->n - at : 0);
        w_u64(table, ok ? pl_zkey_sum((const unsigned char *)rec->s + at, rec->n - at) : 0);
        /* a chunk ends every ZI_CHUNK rows, and where the zones without a geometry begin */
        size_t start = k < n_geo ? k / ZI_CHUNK * ZI_CHUNK : n_geo + (k - n_geo) / ZI_CHUNK * ZI_CHUNK;
        size_t end = k < n_geo ? (start + ZI_CHUNK < n_geo ? start + ZI_CHUNK : n_geo)
                               : (start + ZI_CHUNK < zs->n ? start + ZI_CHUNK : zs->n);
        if (k + 1 == end) {
            w_chunk(&dir, table, start * ZI_ROW, end - start, zs, o + start);
            n_chunks++;
        }
    }
    w_u64(payload, zs->n);
    w_u64(payload, n_chunks);
    if (dir.n)
        pl_buf_putn(payload, dir.s, dir.n);
    ok = ok && !dir.oom && !table->oom;
    pl_buf_free(&dir);
    free(o);
    return ok;
}

/* ==== reading ============================================================= */

GEOSGeometry *pl_zi_r_geom(pl_ctx *ctx, GEOSWKBReader *wk, rd *r)
{
    uint64_t n = r_u64(r);
    const unsigned char *q = n ? r_take(r, n) : NULL;
    GEOSGeometry *g = q ? GEOSWKBReader_read_r(pl_geos(ctx), wk, q, n) : NULL;
    if (n && !g)
        r->bad = 1;
    return g;
}

void pl_zdefer_free(pl_zdefer *d)
{
    if (!d)
        return;
    if (d->f)
        fclose(d->f);
    free(d->payload);
    free(d->scenario);
    free(d->index);
    free(d);
}

void pl_zi_zones_skip(rd *r, pl_zdefer *d)
{
    d->n = r_u64(r);
    d->n_chunks = r_u64(r);
    if (d->n_chunks > (uint64_t)(r->end - r->p) / ZI_DIR || d->n > d->n_chunks * ZI_CHUNK) {
        r->bad = 1;
        return;
    }
    d->dir = r_take(r, d->n_chunks * ZI_DIR);
}

/* 1 when a zone or chunk of box e is within reach of a segment of the
 * routes of rs (NULL: everything is wanted): the box meets the segment's
 * box grown by the route's half-width and a metre (more than the check's
 * millimetre: a zone the check could meet is never left out). */
static int wanted(const double e[4], const pl_routeset *rs)
{
    if (!rs || !(e[0] <= e[2])) /* everything; or no geometry (a height rule: everywhere) */
        return 1;
    for (size_t q = 0; q < rs->n; q++) {
        const pl_route *t = &rs->a[q];
        double m = t->half_width_m + 1.0;
        for (size_t i = 0; i + 1 < t->n_pts; i++)
            if (e[0] <= fmax(t->x[i], t->x[i + 1]) + m && e[2] >= fmin(t->x[i], t->x[i + 1]) - m &&
                e[1] <= fmax(t->y[i], t->y[i + 1]) + m && e[3] >= fmin(t->y[i], t->y[i + 1]) - m)
                return 1;
    }
    return 0;
}

/* n bytes of the file from off into buf; 0, or -1 when they are not all there */
static int read_at(FILE *f, uint64_t off, void *buf, size_t n)
{
    return n == 0 || pread(fileno(f), buf, n, (off_t)off) == (ssize_t)n ? 0 : -1;
}

/* a row taken: its zone index, record offset, length and sum */
typedef struct zrow {
    uint64_t i, at, len, sum;
} zrow;

static int cmp_row(const void *a, const void *b)
{
    const zrow *x = a, *y = b;
    return (x->i > y->i) - (x->i < y->i);
}

/* The rows wanted from the chunks whose box is (each chunk read and
 * checked against its sum), into *out (owned), *n_out of them.  0, or -1:
 * damaged or not there. */
static int rows_wanted(const pl_zdefer *d, const pl_routeset *rs, zrow **out, size_t *n_out)
{
    zrow *a = NULL;
    size_t n = 0, cap = 0;
    unsigned char *c = malloc(ZI_CHUNK * ZI_ROW);
    int bad = !c;
    for (size_t k = 0; k < d->n_chunks && !bad; k++) {
        const unsigned char *e = d->dir + k * ZI_DIR;
        double box[4];
        uint64_t w[3]; /* table offset, rows, sum */
        memcpy(box, e, sizeof box);
        memcpy(w, e + 32, sizeof w);
        if (!wanted(box, rs))
            continue;
        if (w[1] > ZI_CHUNK || w[0] > d->n_table || w[1] * ZI_ROW > d->n_table - w[0] ||
            read_at(d->f, d->table_at + w[0], c, w[1] * ZI_ROW) || pl_zkey_sum(c, w[1] * ZI_ROW) != w[2]) {
            bad = 1;
            break;
        }
        for (size_t j = 0; j < w[1] && !bad; j++) {
            double env[4];
            memcpy(env, c + j * ZI_ROW, sizeof env);
            if (!wanted(env, rs))
                continue;
            if (n == cap) {
                zrow *t = realloc(a, (cap = cap ? 2 * cap : 64) * sizeof *a);
                if (!t) {
                    bad = 1;
                    break;
                }
                a = t;
            }
            memcpy(&a[n++], c + j * ZI_ROW + 32, sizeof *a);
        }
    }
    free(c);
    if (!bad && n > 1)
        qsort(a, n, sizeof *a, cmp_row);
    for (size_t k = 0; !bad && k < n; k++) /* each zone once, within the plan */
        bad = a[k].i >= d->n || (k && a[k].i == a[k - 1].i) || a[k].at > d->n_rec || a[k].len > d->n_rec - a[k].at;
    if (!rs && !bad && n != d->n)
        bad = 1; /* every zone asked for: every zone there */
    *out = a;
    *n_out = n;
    return bad ? -1 : 0;
}

static void r_zone(pl_ctx *ctx, GEOSWKBReader *wk, rd *r, const pl_scenario *sc, pl_zone *z)
{
    char *s[8];
    for (int k = 0; k < 8; k++)
        s[k] = r_str(r);
    if (!r->bad && (!s[0] || !s[1] || !s[2] || !s[3] ||
                    pl_zone_strings(z, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]) != PL_OK))
        r->bad = 1;
    for (int k = 0; k < 8; k++)
        free(s[k]);
    z->floor_m = r_f64(r);
    z->ceiling_m = r_f64(r);
    uint32_t kind = r_u32(r), ix = r_u32(r), l = r_u32(r);
    if (kind == 2 && ix < sc->n_aircraft) {
        z->aircraft = &sc->a_aircraft[ix];
        z->rule = &z->aircraft->rule;
    } else if (kind == 1 && ix < sc->n_rules) {
        z->rule = &sc->a_rules[ix];
    } else if (kind != 0) {
        r->bad = 1;
    }
    if (l < sc->n_layers)
        z->layer_id = sc->a_layers[l].id;
    else if (l == ZI_AIRCRAFT)
        z->layer_id = "aircraft";
    else
        r->bad = 1;
    for (int k = 0; k < 3; k++)
        z->circle[k] = r_f64(r);
    z->g = pl_zi_r_geom(ctx, wk, r);
}

int pl_zi_zones_read(pl_ctx *ctx, pl_plan *p, const pl_zdefer *d, const pl_routeset *rs)
{
    GEOSWKBReader *wk = GEOSWKBReader_create_r(pl_geos(ctx));
    pl_zoneset *zs = p->zones;
    zrow *a = NULL;
    size_t n = 0;
    /* every zone: the records in one read; a few: each its own */
    unsigned char *all = rs ? NULL : malloc(d->n_rec + 1), *one = NULL;
    int bad = !wk || (!rs && (!all || read_at(d->f, d->rec_at, all, d->n_rec))) || rows_wanted(d, rs, &a, &n) ||
              !(zs->a = calloc(n + 1, sizeof *zs->a));
    for (size_t k = 0; k < n && !bad; k++) {
        const unsigned char *q = all ? all + a[k].at : NULL;
        if (!q) {
            unsigned char *t = realloc(one, a[k].len + 1);
            if (!t) {
                bad = 1;
                break;
            }
            q = one = t;
            if (read_at(d->f, d->rec_at + a[k].at, t, a[k].len)) {
                bad = 1;
                break;
            }
        }
        if (pl_zkey_sum(q, a[k].len) != a[k].sum) {
            bad = 1;
            break;
        }
        rd r = {.p = q, .end = q + a[k].len};
        r_zone(ctx, wk, &r, p->sc, &zs->a[zs->n++]);
        bad = r.bad || r.p != r.end;
    }
    free(a);
    free(all);
    free(one);
    if (wk)
        GEOSWKBReader_destroy_r(pl_geos(ctx), wk);
    if (!bad && zs->terrain && pl_zones_ground(ctx, p->sc, zs) != PL_OK)
        bad = 1;
    if (!bad && pl_zones_index(ctx, zs) != PL_OK)
        bad = 1;
    return bad ? -1 : PL_OK;
}
