/*
 * hash64.h: a 64-bit hash of a byte string, shared by the build tools
 * scripts/lean-xsd.c and scripts/lean-data.c and by src/datafiles.c to
 * tell whether a lean copy (schemas/lean/) was made from the file next to
 * it.  Not a security measure: whoever can edit the data directory can
 * edit both; it only catches a stale copy after an expert edits an
 * original.
 *
 * Eight bytes at a time in four independent lanes (each step a bijection
 * of the lane, so one changed byte always changes the lane, and the lanes
 * are chained at the end), the tail byte by byte: about 0.2 cycles a byte
 * where FNV-1a, its first form, needed 4 (a multiply waiting on the one
 * before it for every byte); the data files are hashed on every run.
 * tests/lean/run.sh computes the same function in Python.
 */
#ifndef BX_HASH64_H
#define BX_HASH64_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HASH64_K 0x9e3779b97f4a7c15u

static inline uint64_t hash64_step(uint64_t h, uint64_t w)
{
    h = (h ^ w) * HASH64_K;
    return (h << 31) | (h >> 33);
}

/* The word at 'p' as little-endian, whatever the host's order. */
static inline uint64_t hash64_word(const unsigned char *p)
{
    uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(&w, p, sizeof(w));
#else
    int i;

    for (i = 7; i >= 0; i--) {
        w = (w << 8) | p[i];
    }
#endif
    return w;
}

static inline uint64_t hash64(const unsigned char *p, size_t n)
{
    uint64_t lane[4] = {0xcbf29ce484222325u, 0x84222325cbf29ce4u,
                        0x100000001b3u, 0x1b300000001u};
    uint64_t h;
    size_t i = 0;
    int k;

    for (; n - i >= 32; i += 32) {
        for (k = 0; k < 4; k++) {
            lane[k] = hash64_step(lane[k], hash64_word(p + i + 8 * k));
        }
    }
    h = (uint64_t)n;
    for (k = 0; k < 4; k++) {
        h = hash64_step(h, lane[k]);
    }
    for (; i < n; i++) {
        h = hash64_step(h, p[i]);
    }
    h ^= h >> 29;
    return h * HASH64_K;
}

#endif
