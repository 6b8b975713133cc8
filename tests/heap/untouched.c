/*
 * The heap after cli_heap_prepare_for(N) (src/cli_heap.c), N the bytes of
 * a document (argv[1], default 0).  The range advised covers the set-up
 * (8 MB) and DOC_HEAP_FACTOR (32) times N, up to 1 GiB; an address
 * space too small for that (ulimit -v) gets the set-up's range.  The
 * kernel gives a huge page only for an aligned 2 MB with no small page
 * in it yet, so:
 * - the range advised for huge pages has no page in memory yet (a malloc
 *   header written there before the advice costs 512 small-page faults);
 * - malloc does not use the heap between where brk was and the advised
 *   range (that part, up to 2 MB, would be small pages: 330 of a
 *   validate's 650 faults before).
 * Prints what it found; exits 1 when either does not hold.  Built and
 * run by tests/heap/run.sh.
 */
#define _DEFAULT_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define NBLOCKS 3000 /* 1 KB each: more than the old top had left */

/* The range with the huge-page advice ("hg") and its resident kB. */
static int advised(uintptr_t *lo, uintptr_t *hi, long *rss)
{
    FILE *fp = fopen("/proc/self/smaps", "r");
    char line[512];
    unsigned long s = 0;
    unsigned long e = 0;
    unsigned long a;
    unsigned long b;
    long r = -1;
    int found = 0;

    if (fp == NULL)
        return 0;
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (sscanf(line, "%lx-%lx ", &a, &b) == 2) {
            s = a; /* a mapping's first line */
            e = b;
            r = -1;
        } else if (strncmp(line, "Rss:", 4) == 0) {
            sscanf(line + 4, "%ld", &r);
        } else if (strncmp(line, "VmFlags:", 8) == 0 &&
                   strstr(line, " hg") != NULL && !found) {
            *lo = s;
            *hi = e;
            *rss = r;
            found = 1;
        }
    }
    fclose(fp);
    return found;
}

int main(int argc, char **argv)
{
    uint64_t doc = argc > 1 ? strtoull(argv[1], NULL, 10) : 0;
    /* at least: the set-up's 8 MB and the document's, less the 2 MB
     * that aligning both ends can take */
    uint64_t want = (8u << 20) + (doc > (1u << 25) ? (1u << 30) : doc * 32) -
                    (2u << 20);
    static void *blocks[NBLOCKS];
    uintptr_t b0 = (uintptr_t)sbrk(0);
    uintptr_t lo = 0;
    uintptr_t hi = 0;
    long rss = -1;
    int inside = 0;
    int i;

    cli_heap_prepare_for(doc);
    if (!advised(&lo, &hi, &rss)) {
        printf("no range advised for huge pages\n");
        return 1;
    }
    for (i = 0; i < NBLOCKS; i++) {
        uintptr_t p;

        blocks[i] = malloc(1024);
        p = (uintptr_t)blocks[i];
        if (p >= b0 && p + 1024 < lo - 4096)
            inside++;
    }
    printf("advised %lu kB (wanted %lu kB), resident %ld kB; %d of %d "
           "blocks between brk and the advised range\n",
           (unsigned long)((hi - lo) >> 10), (unsigned long)(want >> 10), rss,
           inside, NBLOCKS);
    for (i = 0; i < NBLOCKS; i++)
        free(blocks[i]);
    if (argc > 2 && strcmp(argv[2], "limited") == 0)
        want = 6u << 20; /* the set-up's range, less its alignment */
    return hi - lo >= want && rss == 0 && inside == 0 ? 0 : 1;
}
