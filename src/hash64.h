/*
 * hash64.h: a 64-bit FNV-1a hash of a byte string, shared by the build
 * tool scripts/lean-xsd.c and src/datafiles.c to tell whether the lean
 * copy of a schema (schemas/lean/) was made from the files next to it.
 * Not a security measure: whoever can edit the data directory can edit
 * both; it only catches a stale copy after an expert edits an original.
 */
#ifndef BX_HASH64_H
#define BX_HASH64_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t hash64(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3u;
    }
    return h;
}

#endif
