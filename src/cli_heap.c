/*
 * The heap of a process that checks or converts one document.  Most of
 * its system time is page faults: about 2,200 first touches of 4 KiB
 * pages for the 7 MB that the compiled schema, rule set, templates and
 * the document take.  Asking for transparent huge pages on the heap
 * (glibc's glibc.malloc.hugetlb=1 does the same when set in the
 * environment, which a program cannot do for itself) and keeping the
 * prefetch thread on the same heap cuts them to about 700.  Only for a
 * command that checks one input with the prefetch (validate, convert
 * with validation): worker threads want their own arenas, and the peak
 * memory of --no-validate conversions stays as it was.  A hint: where
 * the kernel has no huge page to give, the pages stay small.
 */
#define _DEFAULT_SOURCE

#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define CLI_HEAP_PLAIN 1 /* the sanitizers own malloc */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define CLI_HEAP_PLAIN 1
#endif
#endif
#ifndef CLI_HEAP_PLAIN
#define CLI_HEAP_PLAIN 0
#endif

#define HUGE_PAGE ((uintptr_t)2 << 20)
#define HEAP_AHEAD (16 << 20) /* what one document's set-up takes, and more */
/* Huge pages for the set-up only (schema, rule set, templates: about 7
 * MB); the document's own memory stays in small pages, so the peak
 * memory per MB of input is measured as before (tests/bench/mem.sh). */
#define HUGE_AHEAD ((uintptr_t)8 << 20)

void cli_heap_prepare(void)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
    void *volatile probe[4]; /* volatile: malloc/free is not elided */
    uintptr_t lo;
    uintptr_t hi;
    int n;

    if (CLI_HEAP_PLAIN) {
        return;
    }
    /* grow the heap once by HEAP_AHEAD (the first allocation does), and
     * never give it back: the process is short-lived */
    mallopt(M_TOP_PAD, HEAP_AHEAD);
    mallopt(M_TRIM_THRESHOLD, 4 * HEAP_AHEAD);
    lo = (uintptr_t)sbrk(0);
    hi = lo;
    /* below the mmap threshold, until the heap's first free space is used
     * up and it grows */
    for (n = 0; n < 4 && hi == lo; n++) {
        probe[n] = malloc(96 << 10);
        hi = (uintptr_t)sbrk(0);
    }
    while (n > 0) {
        free(probe[--n]);
    }
    if (lo == (uintptr_t)-1 || hi == (uintptr_t)-1) {
        return;
    }
    lo = (lo + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    hi &= ~(HUGE_PAGE - 1);
    if (hi > lo + HUGE_AHEAD) {
        hi = lo + HUGE_AHEAD;
    }
    if (hi > lo) {
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
#endif
}

void cli_heap_one_document(void)
{
    cli_heap_prepare();
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    if (!CLI_HEAP_PLAIN) {
        /* the prefetch thread allocates from the (huge) main heap too */
        mallopt(M_ARENA_MAX, 1);
    }
#endif
}
