/*
 * zindex.c - the zone index file: the prepared plan that validate and serve
 * read, kept on the disk so that one proposal does not reread and reindex
 * the world.
 *
 * Entry points: pl_plan_open_indexed, pl_zindex_key, pl_zindex_stamp.
 *
 * What it holds: every zone (strings, class, rule, floor and ceiling,
 * layer, geometry as WKB, circle), the terrain model's grid, the plan's
 * routes as checked (after design and levels), its open sites (or that it
 * has no siting), and the water and vertiports layers' features (what a
 * proposal is checked against).  Loading rebuilds the envelopes, the trees
 * and the footprints' rings from them (pl_zones_index): the same zones in
 * the same order, the same coordinates, so the same answers.
 *
 * Each layer's issues (features repaired or rejected) are kept too: a run
 * from the index warns of them as a run from the layers does.
 *
 * The file: a header (magic, format, payload length, checksum of the
 * payload, the key) and the payload.  The key is the SHA-256 of the
 * planner's version (PL_VERSION, the format, GEOS's, PROJ's and GDAL's
 * versions, the executable's size and time; PLANNER_INDEX_VERSION replaces all that, for
 * tests), the open flags, and the bytes of every file the plan depends on:
 * the scenario and the files it includes (each file's bytes through
 * file_digest), each layer's file and the files
 * beside it that share its stem (a shapefile's .dbf, .shx, .prj), the
 * terrain raster likewise, the index file itself never (it may be named
 * after the scenario or a layer); each by its folder's real path and its
 * name; a VRT (it names other files) is not keyed: no index then.  A
 * file whose magic, format, length, checksum or key differ is not
 * trusted: the plan is built from the layers and the file written again,
 * whole (temporary file and rename, pl_file_write).
 */
#include "planner.h"

#include <dirent.h>
#include <gdal.h>
#include <proj.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define ZI_MAGIC "PLZINDX1"
#define ZI_FORMAT 2u /* 2: the layers' issues */
#define ZI_HEAD 96 /* magic 8, format 4, the open flags 4, payload length 8, checksum 8, key 64 */
#define ZI_NONE 0xffffffffu     /* a NULL string, a layer id that is no layer's */
#define ZI_AIRCRAFT 0xfffffffeu /* the layer id "aircraft" (height rules) */

/* ==== the key ============================================================= */

static uint64_t fmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

/* A file's bytes digested in four 64-bit lanes (a multiply and a rotate a
 * word, each lane's end and the length mixed), into out: SHA-256 runs at
 * tens of MB/s here and a warm index must not spend its time on it; this
 * finds any changed byte barring a 2^-64-ish accident (the key watches for
 * edits, not for an adversary).  0, or -1 when the file cannot be read. */
static int file_digest(const char *path, uint64_t out[4])
{
    enum { CHUNK = 1 << 20 };
    FILE *f = fopen(path, "rb");
    unsigned char *buf = f ? malloc(CHUNK) : NULL;
    uint64_t l[4] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull};
    uint64_t len = 0, w;
    size_t k;
    if (!buf) {
        if (f)
            fclose(f);
        return -1;
    }
    while ((k = fread(buf, 1, CHUNK, f)) > 0) {
        len += k;
        size_t i = 0;
        for (; i + 8 <= k; i += 8) {
            memcpy(&w, buf + i, 8);
            uint64_t *h = &l[(i >> 3) & 3];
            *h = (*h ^ w) * 0x9e3779b97f4a7c15ull;
            *h = (*h << 29) | (*h >> 35);
        }
        for (; i < k; i++) /* the last bytes (a chunk is whole words but the file's end) */
            l[0] = (l[0] ^ buf[i]) * 0x100000001b3ull;
    }
    int bad = ferror(f);
    fclose(f);
    free(buf);
    for (int j = 0; j < 4; j++)
        out[j] = fmix(l[j] ^ len ^ (uint64_t)j);
    return bad ? -1 : 0;
}

/* 1 when the file at path names other files whose bytes it does not hold:
 * a GDAL VRT (vector or raster: a mosaic of terrain tiles, a layer over a
 * CSV) or a GDAL web service description.  Its sources could change under
 * an unchanged key, so such a dataset's bytes are not all watched. */
static int refers_elsewhere(const char *path)
{
    static const char *const tags[] = {"<OGRVRTDataSource", "<VRTDataset", "<GDAL_WMS", "<WCS_GDAL", "<WFS_GDAL"};
    char head[4096];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f)
        fclose(f);
    for (size_t k = 0; k < sizeof tags / sizeof *tags; k++)
        if (memmem(head, n, tags[k], strlen(tags[k])))
            return 1;
    return 0;
}

/* SQLite's files beside a database (a GeoPackage): 2 for NAME-shm, an
 * index of the -wal that holds no data (rebuilt from it), 1 for NAME-wal
 * and NAME-journal (data); 0 for any other file.  SQLite chowns them when
 * it opens the database as root (the planner's own reading changes their
 * ctime), so a change to them is seen by their size and mtime. */
static int sqlite_side(const char *nm)
{
    size_t n = strlen(nm);
    if (n > 4 && !strcmp(nm + n - 4, "-shm"))
        return 2;
    return (n > 4 && !strcmp(nm + n - 4, "-wal")) || (n > 8 && !strcmp(nm + n - 8, "-journal"));
}

/* One file f (named nm, stat st) into s: its name and, bytes, its digest
 * (file_digest); else its size, inode, mtime and ctime (pl_zindex_stamp),
 * *recent set when it changed at since or later (by its ctime, the
 * kernel's time of the change: an mtime may be anything, touch -d, a tar
 * from a fast clock).  A -shm, and a -wal with nothing in it, are left out
 * (sqlite_side): no data. */
static void hash_file(pl_sha256 *s, const char *f, const char *nm, const struct stat *st, int bytes, time_t since,
                      int *recent)
{
    int side = sqlite_side(nm);
    uint64_t h[4];
    if (side == 2 || (side == 1 && st->st_size == 0))
        return;
    pl_sha256_add(s, nm, strlen(nm) + 1);
    if (!bytes) {
        int64_t v[7] = {st->st_size, (int64_t)st->st_ino, (int64_t)st->st_dev, st->st_mtim.tv_sec,
                        st->st_mtim.tv_nsec, side ? 0 : st->st_ctim.tv_sec, side ? 0 : st->st_ctim.tv_nsec};
        pl_sha256_add(s, v, sizeof v);
        *recent |= (side ? st->st_mtim.tv_sec : st->st_ctim.tv_sec) >= since;
    } else if (file_digest(f, h) == 0) {
        pl_sha256_add(s, h, sizeof h);
    } else {
        pl_sha256_add(s, "unreadable", 10);
    }
}

/* The files of a dataset: path itself and, when siblings, every file
 * beside it whose name is its stem and a dot (foo.shp: foo.dbf, foo.shx,
 * foo.prj ...), in name order, each name and digest (file_digest) into s;
 * never the file skip (the index itself: named after a layer or the
 * scenario, foo.idx beside foo.yaml, it would make its own key stale at
 * every write).  bytes 0: each file's size, inode and times instead of
 * its bytes (pl_zindex_stamp), *recent set when its change time (ctime)
 * is since or later.
 * 0, or -1 when path is not a regular file (a folder dataset) or refers to
 * other files (refers_elsewhere): its bytes are not all watched. */
static int hash_dataset(pl_sha256 *s, const char *path, int siblings, const struct stat *skip, int bytes,
                        time_t since, int *recent)
{
    struct stat pst;
    if (stat(path, &pst) != 0 || !S_ISREG(pst.st_mode) || (bytes && refers_elsewhere(path)))
        return -1; /* (a stamp reads no byte: a layer turned VRT changes its size, its key is read again) */
    const char *slash = strrchr(path, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    /* the folder as realpath spells it: the scenario named relative or
     * absolute, from another working folder or through a symbolic link, is
     * the same files (the names in it are hashed below) */
    char *real = bytes ? realpath(dir, NULL) : NULL;
    pl_sha256_add(s, real ? real : dir, strlen(real ? real : dir) + 1);
    free(real);
    const char *base = slash ? slash + 1 : path, *dot = strrchr(base, '.');
    size_t stem = dot ? (size_t)(dot - base) : strlen(base);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        int mine = !strcmp(nm, base) || (siblings && !strncmp(nm, base, stem) && nm[stem] == '.');
        char f[8192];
        snprintf(f, sizeof f, "%s/%s", dir, nm);
        struct stat st;
        if (mine && stat(f, &st) == 0 && S_ISREG(st.st_mode) &&
            !(skip && st.st_dev == skip->st_dev && st.st_ino == skip->st_ino))
            hash_file(s, f, nm, &st, bytes, since, recent);
        free(names[i]);
    }
    free(names);
    return n < 0 ? -1 : 0;
}

/* The files of sc (its YAML files, each layer's, the terrain's) into s, by
 * hash_dataset; *unwatched the first whose bytes cannot all be watched. */
static void hash_files(pl_sha256 *s, const pl_scenario *sc, const struct stat *skip, int bytes, time_t since,
                       int *recent, const char **unwatched)
{
    int r = 0;
    *unwatched = NULL;
    for (size_t i = 0; i < sc->n_docs; i++) /* a YAML file is read alone */
        if (hash_dataset(s, sc->docs[i], 0, skip, bytes, since, &r) != 0 && !*unwatched)
            *unwatched = sc->docs[i];
    for (size_t i = 0; i < sc->n_layers; i++)
        if (hash_dataset(s, sc->a_layers[i].path, 1, skip, bytes, since, &r) != 0 && !*unwatched)
            *unwatched = sc->a_layers[i].path;
    if (sc->terrain.path && hash_dataset(s, sc->terrain.path, 1, skip, bytes, since, &r) != 0 && !*unwatched)
        *unwatched = sc->terrain.path;
    if (recent)
        *recent = r;
}

int pl_zindex_key(const pl_scenario *sc, int flags, const char *index, char out[65], const char **unwatched)
{
    pl_sha256 s;
    pl_sha256_init(&s);
    char v[512];
    const char *ov = getenv("PLANNER_INDEX_VERSION");
    struct stat st, ix;
    const struct stat *skip = index && stat(index, &ix) == 0 ? &ix : NULL;
    /* the libraries that read, reproject and repair the layers: a Debian
     * update of one changes the plan and not the executable's time */
    char libs[256];
    snprintf(libs, sizeof libs, "geos %s proj %s gdal %s", GEOSversion(), proj_info().release,
             GDALVersionInfo("RELEASE_NAME"));
    if (ov)
        snprintf(v, sizeof v, "%s", ov);
    else if (stat("/proc/self/exe", &st) == 0)
        snprintf(v, sizeof v, "planner %s index %u %s exe %lld %lld.%09ld", PL_VERSION, ZI_FORMAT, libs,
                 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    else
        snprintf(v, sizeof v, "planner %s index %u %s", PL_VERSION, ZI_FORMAT, libs);
    pl_sha256_add(&s, v, strlen(v) + 1);
    pl_sha256_add(&s, &flags, sizeof flags);
    hash_files(&s, sc, skip, 1, 0, NULL, unwatched);
    pl_sha256_hex(&s, out);
    return *unwatched ? -1 : 0;
}

int pl_zindex_stamp(const pl_scenario *sc, const char *index, time_t since, char out[65])
{
    pl_sha256 s;
    pl_sha256_init(&s);
    struct stat ix;
    const struct stat *skip = index && stat(index, &ix) == 0 ? &ix : NULL;
    const char *unwatched = NULL;
    int recent = 0;
    hash_files(&s, sc, skip, 0, since, &recent, &unwatched);
    pl_sha256_hex(&s, out);
    return unwatched ? -1 : recent;
}

/* A checksum of the payload, 8 bytes at a time (not a secret: it finds a
 * file cut short or changed on the disk). */
static uint64_t checksum(const unsigned char *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h ^ (h >> 31);
}

/* ==== writing ============================================================= */

static void w_u32(pl_buf *b, uint32_t v) { pl_buf_putn(b, &v, 4); }
static void w_u64(pl_buf *b, uint64_t v) { pl_buf_putn(b, &v, 8); }
static void w_f64(pl_buf *b, double v) { pl_buf_putn(b, &v, 8); }
static void w_str(pl_buf *b, const char *s)
{
    w_u32(b, s ? (uint32_t)strlen(s) : ZI_NONE);
    if (s)
        pl_buf_putn(b, s, strlen(s));
}

/* g as WKB (with Z where it has one); 0 on failure */
static int w_geom(pl_ctx *ctx, GEOSWKBWriter *wr, pl_buf *b, const GEOSGeometry *g)
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

/* k's index among the scenario's layers by its id's address; ZI_AIRCRAFT,
 * or ZI_NONE when it is none of them */
static uint32_t layer_ix(const pl_scenario *sc, const char *id)
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

static int w_zones(pl_ctx *ctx, GEOSWKBWriter *wr, const pl_plan *p, pl_buf *b)
{
    const pl_zoneset *zs = p->zones;
    w_u64(b, zs->n);
    for (size_t i = 0; i < zs->n; i++) {
        const pl_zone *z = &zs->a[i];
        const char *s[8] = {z->id, z->name, z->cls, z->alt_ref, z->source, z->license, z->accuracy, z->basis};
        for (int k = 0; k < 8; k++)
            w_str(b, s[k]);
        w_f64(b, z->floor_m);
        w_f64(b, z->ceiling_m);
        if (z->rule && !z->aircraft && !(z->rule >= p->sc->a_rules && z->rule < p->sc->a_rules + p->sc->n_rules))
            return 0; /* a rule the file cannot name: no index */
        w_rule(b, p->sc, z);
        uint32_t l = layer_ix(p->sc, z->layer_id);
        if (l == ZI_NONE)
            return 0;
        w_u32(b, l);
        for (int k = 0; k < 3; k++)
            w_f64(b, z->circle[k]);
        if (!w_geom(ctx, wr, b, z->g))
            return 0;
    }
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
    return 1;
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
        w_u32(b, layer_ix(p->sc, r->layer_id));
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
            if (!w_geom(ctx, wr, b, l->a_feats[k].g))
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

static void w_crs(pl_ctx *ctx, const pl_plan *p, pl_buf *b)
{
    const char *w = p->sc->work_crs, *pair[2][2] = {{"EPSG:4326", w}, {w, "EPSG:4326"}};
    double box[4] = {0, 0, 0, 0};
    int area = pl_crs_area_of_use(ctx, w, box);
    w_u32(b, (uint32_t)area);
    pl_buf_putn(b, box, sizeof box);
    for (int k = 0; k < 2; k++) {
        char *s = pl_crs_xform(ctx, pair[k][0], pair[k][1]) ? pl_crs_describe(ctx, pair[k][0], pair[k][1]) : NULL;
        if (s && !(area && seed_agrees(ctx, pair[k][0], pair[k][1], s, box, k)))
            free(s), s = NULL; /* not seeded: PROJ's database is searched when it is needed */
        pl_error_clear(ctx);
        w_str(b, s);
        free(s);
    }
}

/* The plan's index into path, whole.  PL_OK, or an error (nothing written). */
static int zindex_write(pl_ctx *ctx, const pl_plan *p, const char *key, int flags, const char *path)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    GEOSWKBWriter *wr = GEOSWKBWriter_create_r(h);
    if (!wr)
        return pl_error(ctx, PL_GEOM, "cannot make a WKB writer: %s", pl_libmsg(ctx));
    GEOSWKBWriter_setOutputDimension_r(h, wr, 3);
    pl_buf b;
    pl_buf_init(&b);
    pl_buf_putn(&b, ZI_MAGIC, 8);
    w_u32(&b, ZI_FORMAT);
    w_u32(&b, (uint32_t)flags); /* in the key too; here to say why a key differs */
    w_u64(&b, 0); /* payload length and checksum, set below */
    w_u64(&b, 0);
    pl_buf_putn(&b, key, 64);
    w_crs(ctx, p, &b);
    int ok = w_layers(ctx, wr, p, &b) && w_zones(ctx, wr, p, &b);
    if (ok)
        w_routes(p, &b);
    GEOSWKBWriter_destroy_r(h, wr);
    int rc = PL_OK;
    if (!ok || b.oom || b.n < ZI_HEAD)
        rc = b.oom ? pl_error(ctx, PL_NOMEM, "out of memory")
                   : pl_error(ctx, PL_GEOM, "%s: the plan cannot be written as an index", path);
    if (rc == PL_OK) {
        uint64_t len = b.n - ZI_HEAD, sum = checksum((unsigned char *)b.s + ZI_HEAD, len);
        memcpy(b.s + 16, &len, 8);
        memcpy(b.s + 24, &sum, 8);
        rc = pl_file_write(ctx, path, b.s, b.n);
    }
    pl_buf_free(&b);
    return rc;
}

/* ==== reading ============================================================= */

typedef struct rd {
    const unsigned char *p, *end;
    int bad; /* sticky: read past the end, or a value out of range */
} rd;

static const void *r_take(rd *r, size_t n)
{
    if (r->bad || (size_t)(r->end - r->p) < n) {
        r->bad = 1;
        return NULL;
    }
    const void *q = r->p;
    r->p += n;
    return q;
}
/* n bytes into v (left as it is when the file is short) */
static void r_copy(rd *r, void *v, size_t n)
{
    const void *q = r_take(r, n);
    if (q)
        memcpy(v, q, n);
}
static uint32_t r_u32(rd *r)
{
    uint32_t v = 0;
    r_copy(r, &v, sizeof v);
    return v;
}
static uint64_t r_u64(rd *r)
{
    uint64_t v = 0;
    r_copy(r, &v, sizeof v);
    return v;
}
static double r_f64(rd *r)
{
    double v = 0;
    r_copy(r, &v, sizeof v);
    return v;
}
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
/* a string into new memory; NULL for a NULL string (or when bad) */
static char *r_str(rd *r)
{
    uint32_t n = r_u32(r);
    if (r->bad || n == ZI_NONE)
        return NULL;
    const char *q = r_take(r, n);
    char *s = q ? malloc((size_t)n + 1) : NULL;
    if (!s) {
        r->bad = 1;
        return NULL;
    }
    memcpy(s, q, n);
    s[n] = '\0';
    return s;
}
static GEOSGeometry *r_geom(pl_ctx *ctx, GEOSWKBReader *wk, rd *r)
{
    uint64_t n = r_u64(r);
    const unsigned char *q = n ? r_take(r, n) : NULL;
    GEOSGeometry *g = q ? GEOSWKBReader_read_r(pl_geos(ctx), wk, q, n) : NULL;
    if (n && !g)
        r->bad = 1;
    return g;
}

static void r_crs(pl_ctx *ctx, rd *r, const pl_scenario *sc)
{
    const char *w = sc->work_crs, *pair[2][2] = {{"EPSG:4326", w}, {w, "EPSG:4326"}};
    int area = (int)r_u32(r);
    double box[4];
    for (int k = 0; k < 4; k++)
        box[k] = r_f64(r);
    if (area && !r->bad)
        pl_crs_seed_area(ctx, w, box);
    for (int k = 0; k < 2 && !r->bad; k++) {
        char *s = r_str(r); /* NULL: not seeded (zindex_write found it is not one pipeline) */
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
            f->g = r_geom(ctx, wk, r);
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
    t->lo = r->bad ? NULL : r_array(r, t->nx * t->ny, sizeof *t->lo);
    t->hi = r->bad ? NULL : r_array(r, t->nx * t->ny, sizeof *t->hi);
    if (!sc->terrain.path)
        r->bad = 1;
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
    z->g = r_geom(ctx, wk, r);
}

static void r_zones(pl_ctx *ctx, GEOSWKBReader *wk, rd *r, pl_plan *p)
{
    uint64_t n = r_u64(r);
    pl_zoneset *zs = p->zones = calloc(1, sizeof *zs);
    if (!zs || n > (uint64_t)(r->end - r->p) || !(zs->a = calloc(n + 1, sizeof *zs->a))) {
        r->bad = 1;
        return;
    }
    for (size_t i = 0; i < n && !r->bad; i++)
        r_zone(ctx, wk, r, p->sc, &zs->a[zs->n++]);
    r_terrain(r, p->sc, zs);
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
        if (!r->bad && (!t->id || t->n_pts < 2 || !(t->line = pl_geom_line(ctx, t->x, t->y, t->n_pts))))
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

/* The plan from the index's payload, over sc (adopted).  NULL when the
 * payload is not whole (the caller builds the plan from the layers). */
static pl_plan *zindex_read(pl_ctx *ctx, pl_scenario *sc, const unsigned char *q, size_t n)
{
    GEOSContextHandle_t h = pl_geos(ctx);
    pl_plan *p = calloc(1, sizeof *p);
    GEOSWKBReader *wk = GEOSWKBReader_create_r(h);
    rd r = {.p = q, .end = q + n, .bad = !p || !wk};
    if (p)
        p->sc = sc;
    else
        pl_scenario_free(sc);
    if (!r.bad)
        r_crs(ctx, &r, p->sc);
    if (!r.bad)
        r_layers(ctx, wk, &r, p);
    if (!r.bad)
        r_zones(ctx, wk, &r, p);
    if (!r.bad)
        r_routes(ctx, &r, p);
    if (wk)
        GEOSWKBReader_destroy_r(h, wk);
    if (!r.bad && r.p != r.end)
        r.bad = 1;
    if (!r.bad && p->zones->terrain && pl_zones_ground(ctx, p->sc, p->zones) != PL_OK)
        r.bad = 1;
    if (!r.bad && pl_zones_index(ctx, p->zones) != PL_OK)
        r.bad = 1;
    if (r.bad) {
        pl_plan_free(ctx, p);
        pl_error_clear(ctx);
        return NULL;
    }
    return p;
}

/* ==== the plan, from the index or built =================================== */

/* The whole file into *buf (owned: free).  0, or the errno why it cannot
 * be read. */
static int slurp(const char *path, unsigned char **buf, size_t *n)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    *buf = NULL;
    if (!f)
        return errno ? errno : EIO;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || !(*buf = malloc((size_t)st.st_size + 1))) {
        int e = errno ? errno : ENOMEM;
        fclose(f);
        return e;
    }
    *n = fread(*buf, 1, (size_t)st.st_size, f);
    fclose(f);
    return 0;
}

/* The plan from the file at path when it is whole and its key is key;
 * else NULL with why (not there, unreadable (*err: errno), truncated,
 * corrupt, stale).  sc: adopted when a plan is returned, else left to the
 * caller. */
static pl_plan *zindex_load(pl_ctx *ctx, pl_scenario *sc, const char *key, int flags, const char *path,
                            const char **why, int *err)
{
    unsigned char *q;
    size_t n = 0;
    uint64_t len, sum;
    uint32_t fmt;
    pl_plan *p = NULL;
    if ((*err = slurp(path, &q, &n)) != 0) {
        *why = *err == ENOENT ? "none yet" : "unreadable"; /* another's file, perhaps: never written over */
        return NULL;
    }
    if (memcmp(q, ZI_MAGIC, n < 8 ? n : 8)) {
        *why = "not an index file"; /* another file: never written over */
    } else if (n < ZI_HEAD) {
        *why = "truncated";
    } else if (memcpy(&fmt, q + 8, 4), fmt != ZI_FORMAT) {
        *why = "another format";
    } else if (memcpy(&len, q + 16, 8), len != n - ZI_HEAD) {
        *why = len > n - ZI_HEAD ? "truncated" : "corrupt (length)";
    } else if (memcpy(&sum, q + 24, 8), sum != checksum(q + ZI_HEAD, n - ZI_HEAD)) {
        *why = "corrupt (checksum)";
    } else if (memcmp(q + 32, key, 64)) {
        uint32_t was;
        memcpy(&was, q + 12, 4);
        *why = was != (uint32_t)flags ? "stale: built with other options (--skip-bad or not)"
                                      : "stale: a layer, the scenario or the planner changed";
    } else if (!(p = zindex_read(ctx, sc, q + ZI_HEAD, n - ZI_HEAD))) {
        *why = "corrupt (content)";
        sc = NULL; /* zindex_read freed it */
    }
    free(q);
    return p;
}

int pl_plan_open_indexed(pl_ctx *ctx, const char *scenario, int flags, const char *index, pl_plan **out,
                         pl_buf *note)
{
    pl_scenario *sc = NULL;
    char key[65];
    const char *why = NULL;
    *out = NULL;
    if (pl_path_check(ctx, index, "zone index", NULL, 0) != PL_OK)
        return pl_errcode(ctx); /* a named pipe would hang the read, a device be written */
    int rc = pl_scenario_load(ctx, scenario, &sc);
    if (rc != PL_OK)
        return rc;
    const char *unwatched = NULL;
    if (pl_zindex_key(sc, flags, index, key, &unwatched) != 0) { /* a folder dataset, a VRT: no index */
        if ((rc = pl_plan_open(ctx, scenario, flags, out)) == PL_OK) /* (a missing file: its error alone) */
            pl_buf_printf(note, "zone index %s: not used: %s is not a file whose bytes can all be watched (a "
                          "folder, or a VRT naming other files)", index, unwatched);
        pl_scenario_free(sc);
        return rc;
    }
    pl_scenario *mine = sc;
    int err = 0;
    if ((*out = zindex_load(ctx, sc, key, flags, index, &why, &err))) {
        pl_buf_printf(note, "zone index %s: loaded", index);
        return PL_OK;
    }
    if (strcmp(why, "corrupt (content)"))
        pl_scenario_free(mine);
    if (!strcmp(why, "not an index file"))
        return pl_error(ctx, PL_IO, "zone index %s: not an index file (it does not begin %s): not written over; "
                        "name another file, or remove this one", index, ZI_MAGIC);
    if (!strcmp(why, "unreadable"))
        return pl_error(ctx, PL_IO, "zone index %s: cannot be read (%s): it may be another's file, not written "
                        "over; name another file, or make this one readable", index, strerror(err));
    if ((rc = pl_plan_open(ctx, scenario, flags, out)) != PL_OK)
        return rc;
    if (zindex_write(ctx, *out, key, flags, index) == PL_OK) {
        pl_buf_printf(note, "zone index %s: %s %s", index, strcmp(why, "none yet") ? "rebuilt, it was" : "built,",
                      why);
    } else {
        pl_buf_printf(note, "zone index %s: not written (%s); answered from the layers", index, pl_errmsg(ctx));
        pl_error_clear(ctx);
    }
    return PL_OK;
}
