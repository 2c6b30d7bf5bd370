/*
 * zindex.h - the zone index file's parts shared inside plan/: its format
 * number and the key's digests of the files the plan read (zkey.c), kept
 * in the file so that the next run need not read them again.
 */
#ifndef PL_ZINDEX_H
#define PL_ZINDEX_H

#include "planner.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZI_FORMAT 5u /* 5: lon/lat with heights (EPSG:4979) seeded; digests noted; the zones' table in spatial
                         chunks and their records after the payload */
#define ZI_NONE 0xffffffffu     /* a NULL string, a layer id that is no layer's */
#define ZI_AIRCRAFT 0xfffffffeu /* the layer id "aircraft" (height rules) */

/* A file whose digest went into a key, as it was then. */
typedef struct pl_zkey_file {
    char *path;
    uint64_t dev, ino;
    int64_t size, mtime[2], ctime[2]; /* seconds, nanoseconds */
    int64_t taken;                    /* when the digest was taken (seconds, the wall clock) */
    uint64_t dig[4];
} pl_zkey_file;

typedef struct pl_zkeys {
    pl_zkey_file *a;
    size_t n, cap;
} pl_zkeys;

/* The key of a plan's index (see zkey.c), hex into out: the digests of
 * old (NULL: none) reused where a file is plainly unchanged, every file's
 * digest noted in now (NULL: not noted).  0, or -1 when some path is not
 * a regular file (a folder dataset, a file missing) or names other files
 * (a VRT): no index then, and *unwatched the first such path (sc's). */
int pl_zindex_key(const pl_scenario *sc, int flags, const char *index, const pl_zkeys *old, pl_zkeys *now,
                  char out[65], const char **unwatched);
void pl_zkeys_free(pl_zkeys *k);
/* A 64-bit sum of n bytes (four lanes side by side): damage and edits, not
 * an adversary. */
uint64_t pl_zkey_sum(const unsigned char *p, size_t n);

/* ---- reading and writing the file's words -------------------------------- */
typedef struct rd {
    const unsigned char *p, *end;
    int bad; /* sticky: read past the end, or a value out of range */
} rd;

static inline const void *r_take(rd *r, size_t n)
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
static inline void r_copy(rd *r, void *v, size_t n)
{
    const void *q = r_take(r, n);
    if (q)
        memcpy(v, q, n);
}
static inline uint32_t r_u32(rd *r)
{
    uint32_t v = 0;
    r_copy(r, &v, sizeof v);
    return v;
}
static inline uint64_t r_u64(rd *r)
{
    uint64_t v = 0;
    r_copy(r, &v, sizeof v);
    return v;
}
static inline double r_f64(rd *r)
{
    double v = 0;
    r_copy(r, &v, sizeof v);
    return v;
}
/* a string into new memory; NULL for a NULL string (or when bad) */
static inline char *r_str(rd *r)
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
static inline void w_u32(pl_buf *b, uint32_t v) { pl_buf_putn(b, &v, 4); }
static inline void w_u64(pl_buf *b, uint64_t v) { pl_buf_putn(b, &v, 8); }
static inline void w_f64(pl_buf *b, double v) { pl_buf_putn(b, &v, 8); }
static inline void w_str(pl_buf *b, const char *s)
{
    w_u32(b, s ? (uint32_t)strlen(s) : ZI_NONE);
    if (s)
        pl_buf_putn(b, s, strlen(s));
}
/* g as WKB (with Z where it has one), its length first; 0 on failure */
int pl_zi_w_geom(pl_ctx *ctx, GEOSWKBWriter *wr, pl_buf *b, const GEOSGeometry *g);
/* the geometry pl_zi_w_geom wrote (NULL for none; r bad when unreadable) */
GEOSGeometry *pl_zi_r_geom(pl_ctx *ctx, GEOSWKBReader *wk, rd *r);
/* a layer id's index among the scenario's layers (by its address);
 * ZI_AIRCRAFT, or ZI_NONE when it is none of them */
uint32_t pl_zi_layer_ix(const pl_scenario *sc, const char *id);
/* The plan's index into path, whole (zindex.c).  PL_OK, or an error. */
int pl_zi_write(pl_ctx *ctx, const pl_plan *p, const char *key, int flags, const pl_zkeys *keys, const char *path);

/* ---- the zones (zzones.c) ------------------------------------------------- */
/* What the payload says of the zones, and what it takes to read them
 * later (the plan's zdefer while they wait). */
struct pl_zdefer {
    FILE *f;                        /* the index file, open: table chunks and records are read from it */
    uint64_t table_at, n_table;     /* where the zones' table lies in it, its bytes */
    uint64_t rec_at, n_rec;         /* the records likewise */
    unsigned char *payload;         /* owned: the payload read and checked */
    const unsigned char *dir;       /* in it: the table's chunks (box, offset, rows, sum) */
    size_t n, n_chunks;             /* zones; chunks */
    /* to build the plan from the layers and write the index again, should a chunk or a record be damaged */
    char *scenario, *index;
    int flags;
};
/* The zones' count and table directory (payload), their table and records
 * (apart, after it).  0 when the file cannot name a zone's rule or layer. */
int pl_zi_zones_write(pl_ctx *ctx, GEOSWKBWriter *wr, const pl_plan *p, pl_buf *payload, pl_buf *table,
                      pl_buf *rec);
/* The zones' count and directory from the payload into d. */
void pl_zi_zones_skip(rd *r, pl_zdefer *d);
/* The zones wanted (rs NULL: all) into p's zone set (made with its
 * terrain), then its ground and index.  PL_OK, or -1: a part damaged. */
int pl_zi_zones_read(pl_ctx *ctx, pl_plan *p, const pl_zdefer *d, const pl_routeset *rs);

#endif
