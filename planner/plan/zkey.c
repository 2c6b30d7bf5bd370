/*
 * zkey.c - the zone index file's key: what the plan read, and which
 * planner read it.
 *
 * Entry points: pl_zindex_key, pl_zindex_stamp, pl_zkeys_free, pl_zkey_sum.
 *
 * The key is the SHA-256 of the planner's version (PL_VERSION, the index
 * format, GEOS's, PROJ's and GDAL's versions, the executable's size and
 * time; PLANNER_INDEX_VERSION replaces all that, for tests), the open
 * flags, and the bytes of every file the plan depends on: the scenario and
 * the files it includes, each layer's file and the files beside it that
 * share its stem (a shapefile's .dbf, .shx, .prj), the terrain raster
 * likewise; each by its folder's real path and its name; the index file
 * itself never (it may be named after the scenario or a layer).  Each
 * file's bytes go in as a digest (zkey_digest).  A dataset that names
 * other files (a VRT) is not keyed: no index then.  pl_zindex_stamp is
 * the same files' names and states without their bytes (serve, before
 * each proposal).
 *
 * A digest taken before is taken again unless the file is big (ZK_REUSE_MIN
 * bytes or more) and plainly the same: the same path, device, inode,
 * size, modification and change times (the change time no program can
 * set: a write() moves it), and that change time a whole second older
 * than the digest, so that no write in the same tick of the file system's
 * clock can hide behind it (git's "racily clean" rule).  A million zones'
 * GeoPackage is then not read again for every proposal.  Not seen by that
 * rule: more writes to a page already written through a shared memory
 * mapping (the kernel moves the times at the first only), and a network
 * file system whose clock lags this machine's by more than the second;
 * files under ZK_REUSE_MIN, every scenario and most layers, are read every
 * time, so this concerns only the big ones.
 */
#include "zindex.h"

#include <dirent.h>
#include <proj.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define ZK_REUSE_MIN ((int64_t)8 << 20) /* bytes: a file this big may keep its digest (reading 8 MB: a few ms) */

static uint64_t fmix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

uint64_t pl_zkey_sum(const unsigned char *p, size_t n)
{
    /* four lanes, each a multiply and a rotate a word: the lanes run side
     * by side (SHA-256 runs at tens of MB/s here, this at gigabytes); it
     * finds a changed byte barring a 2^-64-ish accident: it watches for
     * edits and damage, not for an adversary */
    uint64_t l[4] = {0x243f6a8885a308d3ull, 0x13198a2e03707344ull, 0xa4093822299f31d0ull, 0x082efa98ec4e6c89ull};
    size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            l[k] = (l[k] ^ w) * 0x9e3779b97f4a7c15ull;
            l[k] = (l[k] << 29) | (l[k] >> 35);
        }
    for (; i < n; i++)
        l[0] = (l[0] ^ p[i]) * 0x100000001b3ull;
    return fmix(l[0] ^ fmix(l[1] ^ fmix(l[2] ^ fmix(l[3] ^ n))));
}

/* A file's bytes digested (pl_zkey_sum by chunks, the chunks' sums and the
 * length mixed) into out.  0, or -1 when the file cannot be read. */
static int zkey_digest(const char *path, uint64_t out[4])
{
    enum { CHUNK = 1 << 20 };
    FILE *f = fopen(path, "rb");
    unsigned char *buf = f ? malloc(CHUNK) : NULL;
    uint64_t len = 0, h = 0x452821e638d01377ull;
    size_t k;
    if (!buf) {
        if (f)
            fclose(f);
        return -1;
    }
    while ((k = fread(buf, 1, CHUNK, f)) > 0) {
        len += k;
        h = fmix(h ^ pl_zkey_sum(buf, k)) + len;
    }
    int bad = ferror(f);
    fclose(f);
    free(buf);
    for (int j = 0; j < 4; j++)
        out[j] = fmix(h ^ len ^ (0x9e3779b97f4a7c15ull * (uint64_t)(j + 1)));
    return bad ? -1 : 0;
}

static int same_stat(const pl_zkey_file *e, const char *path, const struct stat *st)
{
    return !strcmp(e->path, path) && e->dev == (uint64_t)st->st_dev && e->ino == (uint64_t)st->st_ino &&
           e->size == (int64_t)st->st_size && e->mtime[0] == (int64_t)st->st_mtim.tv_sec &&
           e->mtime[1] == (int64_t)st->st_mtim.tv_nsec && e->ctime[0] == (int64_t)st->st_ctim.tv_sec &&
           e->ctime[1] == (int64_t)st->st_ctim.tv_nsec;
}

/* The digest of the file at path (its stat st) into h: the old one when
 * the file is big and old holds it plainly unchanged (see the head of this
 * file), else taken now; noted in now either way.  0, or -1 when it cannot be read. */
static int digest_of(const char *path, const struct stat *st, const pl_zkeys *old, pl_zkeys *now, uint64_t h[4])
{
    const pl_zkey_file *hit = NULL;
    for (size_t i = 0; old && i < old->n && !hit; i++)
        if ((int64_t)st->st_size >= ZK_REUSE_MIN && same_stat(&old->a[i], path, st) &&
            (int64_t)st->st_ctim.tv_sec + 1 < old->a[i].taken)
            hit = &old->a[i];
    pl_zkey_file e = {0};
    if (hit) {
        memcpy(e.dig, hit->dig, sizeof e.dig);
        e.taken = hit->taken;
    } else {
        e.taken = (int64_t)time(NULL); /* before the read: a write during it is newer than this */
        if (zkey_digest(path, e.dig) != 0)
            return -1;
    }
    memcpy(h, e.dig, sizeof e.dig);
    if (!now)
        return 0;
    if (now->n == now->cap) {
        size_t c = now->cap ? 2 * now->cap : 8;
        pl_zkey_file *a = realloc(now->a, c * sizeof *a);
        if (!a)
            return 0; /* no note: the next run takes the digest again */
        now->a = a;
        now->cap = c;
    }
    if (!(e.path = strdup(path)))
        return 0;
    e.dev = (uint64_t)st->st_dev, e.ino = (uint64_t)st->st_ino, e.size = (int64_t)st->st_size;
    e.mtime[0] = (int64_t)st->st_mtim.tv_sec, e.mtime[1] = (int64_t)st->st_mtim.tv_nsec;
    e.ctime[0] = (int64_t)st->st_ctim.tv_sec, e.ctime[1] = (int64_t)st->st_ctim.tv_nsec;
    now->a[now->n++] = e;
    return 0;
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
 * ctime), so a change to them is seen by their size and mtime (stamp). */
static int sqlite_side(const char *nm)
{
    size_t n = strlen(nm);
    if (n > 4 && !strcmp(nm + n - 4, "-shm"))
        return 2;
    return (n > 4 && !strcmp(nm + n - 4, "-wal")) || (n > 8 && !strcmp(nm + n - 8, "-journal"));
}

/* how a dataset's files go into a key or a stamp */
typedef struct walk {
    const struct stat *skip; /* the index file: never */
    const pl_zkeys *old;     /* digests to reuse (key) */
    pl_zkeys *now;           /* digests taken or reused (key) */
    int bytes;               /* 1: the key (digests), 0: the stamp (sizes and times) */
    time_t since;            /* stamp: a change time since then is recent */
    int recent;              /* stamp: some file's is */
} walk;

/* One file f (named nm, stat st) into s: its name and its digest (key) or
 * its size, inode and times (stamp).  A -shm, and a -wal with nothing in
 * it, are left out (sqlite_side): no data. */
static void hash_file(pl_sha256 *s, const char *f, const char *nm, const struct stat *st, walk *w)
{
    int side = sqlite_side(nm);
    uint64_t h[4];
    if (side == 2 || (side == 1 && st->st_size == 0))
        return;
    pl_sha256_add(s, nm, strlen(nm) + 1);
    if (!w->bytes) {
        int64_t v[7] = {st->st_size, (int64_t)st->st_ino, (int64_t)st->st_dev, st->st_mtim.tv_sec,
                        st->st_mtim.tv_nsec, side ? 0 : st->st_ctim.tv_sec, side ? 0 : st->st_ctim.tv_nsec};
        pl_sha256_add(s, v, sizeof v);
        w->recent |= (side ? st->st_mtim.tv_sec : st->st_ctim.tv_sec) >= w->since;
    } else if (digest_of(f, st, w->old, w->now, h) == 0) {
        pl_sha256_add(s, h, sizeof h);
    } else {
        pl_sha256_add(s, "unreadable", 10);
    }
}

/* The files of a dataset: path itself and, when siblings, every file
 * beside it whose name is its stem and a dot (foo.shp: foo.dbf, foo.shx,
 * foo.prj ...), in name order, into s (hash_file); never the index itself
 * (named after a layer or the scenario, foo.idx beside foo.yaml, it would
 * make its own key stale at every write).  The folder goes in as realpath
 * spells it: the scenario named relative or absolute, from another
 * working folder or through a symbolic link, is the same files.  0, or -1
 * when path is not a regular file (a folder dataset) or refers to other
 * files (refers_elsewhere): its bytes are not all watched. */
static int hash_dataset(pl_sha256 *s, const char *path, int siblings, walk *w)
{
    struct stat pst;
    if (stat(path, &pst) != 0 || !S_ISREG(pst.st_mode) || (w->bytes && refers_elsewhere(path)))
        return -1; /* (a stamp reads no byte: a layer turned VRT changes its size, its key is read again) */
    const char *slash = strrchr(path, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    char *real = w->bytes ? realpath(dir, NULL) : NULL;
    pl_sha256_add(s, real ? real : dir, strlen(real ? real : dir) + 1);
    free(real);
    const char *base = slash ? slash + 1 : path, *dot = strrchr(base, '.');
    size_t stem = dot ? (size_t)(dot - base) : strlen(base);
    if (!siblings) { /* the file alone */
        hash_file(s, path, base, &pst, w);
        return 0;
    }
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        int mine = !strcmp(nm, base) || (!strncmp(nm, base, stem) && nm[stem] == '.');
        char f[8192];
        snprintf(f, sizeof f, "%s/%s", dir, nm);
        struct stat st;
        if (mine && stat(f, &st) == 0 && S_ISREG(st.st_mode) &&
            !(w->skip && st.st_dev == w->skip->st_dev && st.st_ino == w->skip->st_ino))
            hash_file(s, f, nm, &st, w);
        free(names[i]);
    }
    free(names);
    return n < 0 ? -1 : 0;
}

/* The files of sc (its YAML files, each layer's, the terrain's) into s, by
 * hash_dataset; the first whose bytes cannot all be watched, or NULL. */
static const char *hash_files(pl_sha256 *s, const pl_scenario *sc, walk *w)
{
    const char *unwatched = NULL;
    for (size_t i = 0; i < sc->n_docs; i++) /* a YAML file is read alone */
        if (hash_dataset(s, sc->docs[i], 0, w) != 0 && !unwatched)
            unwatched = sc->docs[i];
    for (size_t i = 0; i < sc->n_layers; i++)
        if (hash_dataset(s, sc->a_layers[i].path, 1, w) != 0 && !unwatched)
            unwatched = sc->a_layers[i].path;
    if (sc->terrain.path && hash_dataset(s, sc->terrain.path, 1, w) != 0 && !unwatched)
        unwatched = sc->terrain.path;
    return unwatched;
}

int pl_zindex_key(const pl_scenario *sc, int flags, const char *index, const pl_zkeys *old, pl_zkeys *now,
                  char out[65], const char **unwatched)
{
    pl_sha256 s;
    pl_sha256_init(&s);
    char v[512];
    const char *ov = getenv("PLANNER_INDEX_VERSION");
    struct stat st, ix;
    walk w = {.skip = index && stat(index, &ix) == 0 ? &ix : NULL, .old = old, .now = now, .bytes = 1};
    /* the libraries that read, reproject and repair the layers: a Debian
     * update of one changes the plan and not the executable's time */
    char libs[256];
    snprintf(libs, sizeof libs, "geos %s proj %s gdal %s", GEOSversion(), proj_info().release, pl_gdal_release());
    if (ov)
        snprintf(v, sizeof v, "%s", ov);
    else if (stat("/proc/self/exe", &st) == 0)
        snprintf(v, sizeof v, "planner %s index %u %s exe %lld %lld.%09ld", PL_VERSION, ZI_FORMAT, libs,
                 (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    else
        snprintf(v, sizeof v, "planner %s index %u %s", PL_VERSION, ZI_FORMAT, libs);
    pl_sha256_add(&s, v, strlen(v) + 1);
    pl_sha256_add(&s, &flags, sizeof flags);
    *unwatched = hash_files(&s, sc, &w);
    pl_sha256_hex(&s, out);
    return *unwatched ? -1 : 0;
}

int pl_zindex_stamp(const pl_scenario *sc, const char *index, time_t since, char out[65])
{
    pl_sha256 s;
    pl_sha256_init(&s);
    struct stat ix;
    walk w = {.skip = index && stat(index, &ix) == 0 ? &ix : NULL, .since = since};
    const char *unwatched = hash_files(&s, sc, &w);
    pl_sha256_hex(&s, out);
    return unwatched ? -1 : w.recent;
}

void pl_zkeys_free(pl_zkeys *k)
{
    for (size_t i = 0; i < k->n; i++)
        free(k->a[i].path);
    free(k->a);
    memset(k, 0, sizeof *k);
}
