/*
 * zindex.h - the zone index file's parts shared inside plan/: its format
 * number and the key's digests of the files the plan read (zkey.c), kept
 * in the file so that the next run need not read them again.
 */
#ifndef PL_ZINDEX_H
#define PL_ZINDEX_H

#include "planner.h"

#include <stdint.h>

#define ZI_FORMAT 3u /* 3: digests noted, zone records apart, each with its sum */

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
 * a regular file (a folder dataset, a file missing): no index then. */
int pl_zindex_key(const pl_scenario *sc, int flags, const char *index, const pl_zkeys *old, pl_zkeys *now,
                  char out[65]);
void pl_zkeys_free(pl_zkeys *k);
/* A 64-bit sum of n bytes (four lanes side by side): damage and edits, not
 * an adversary. */
uint64_t pl_zkey_sum(const unsigned char *p, size_t n);

#endif
