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
 *
 * The document's own memory is advised too, as much as a document of
 * its size can take (DOC_HEAP_FACTOR times its bytes): a 9.6 MB
 * document touched 18,600 small pages for its tree and the rules'
 * values, 440 with the advice, and took a third less CPU where a page
 * fault costs 20 microseconds (docs/performance.md, "hugedoc").  What
 * is advised but never touched is address space only; what is touched
 * is resident in 2 MB steps, so the peak grows by about one huge page
 * at the top of the heap.
 */
#define _DEFAULT_SOURCE

#include "cli.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
#define PAGE ((uintptr_t)4096)
#define MMAP_THRESHOLD_DEFAULT (128 * 1024) /* glibc's M_MMAP_THRESHOLD */
#define HEAP_AHEAD (16 << 20) /* what one document's set-up takes, and more */
/* Huge pages for the set-up only (schema, rule set, templates: about 7
 * MB); the document's own memory stays in small pages, so the peak
 * memory per MB of input is measured as before (tests/bench/mem.sh). */
#define HUGE_AHEAD ((uintptr_t)8 << 20)
/* A document's heap per byte of input, at most (a 9.6 MB document:
 * validate and html 8-9 times its size, json 10, the platform XML 26),
 * and in all: mallopt() takes an int, and 1 GiB covers every rendition
 * of a document up to 32 MB (the default size cap is 64 MiB). */
#define DOC_HEAP_FACTOR 32
#define DOC_HEAP_MAX ((uintptr_t)1 << 30)
#define MMAP_MAX_DEFAULT 65536 /* glibc's M_MMAP_MAX */

/*
 * The huge pages go where malloc has not written yet.  The kernel gives a
 * huge page only for a whole aligned 2 MB that has no small page yet; the
 * first version (fixed1) advised the heap after growing it with 96 KB
 * probes, whose chunk headers (and the top chunk's, after each split)
 * were already written inside the first aligned 2 MB, and the part of
 * the growth below the first boundary (0-2 MB, wherever brk happened to
 * be) was never advised: 330-510 of a validate's 650-900 faults were
 * there, most of them the prefetch thread's.  Now brk is first moved to
 * one page below a boundary (address space only, never touched; malloc
 * takes its growth where brk is, a "foreign sbrk" that glibc handles,
 * and keeps what was left of its old top in its free lists), and the
 * heap grows by one probe larger than the huge part, so that every
 * header malloc writes lies outside it: the probe's own memory, which
 * nobody has touched, is what gets advised.
 */
void cli_heap_prepare_for(uint64_t doc_bytes)
{
#if defined(__GLIBC__) && defined(MADV_HUGEPAGE)
    void *volatile probe; /* volatile: malloc/free is not elided */
    uintptr_t doc;
    uintptr_t lo;
    uintptr_t hi;
    uintptr_t gap;

    if (CLI_HEAP_PLAIN) {
        return;
    }
    doc = doc_bytes > DOC_HEAP_MAX / DOC_HEAP_FACTOR
              ? DOC_HEAP_MAX
              : (uintptr_t)doc_bytes * DOC_HEAP_FACTOR;
    /* grow the heap once by HEAP_AHEAD (the first growth does), and never
     * give it back: the process is short-lived (this also fixes the mmap
     * threshold at its default: glibc stops adjusting it) */
    mallopt(M_TOP_PAD, HEAP_AHEAD);
    mallopt(M_TRIM_THRESHOLD, (int)(4 * HEAP_AHEAD + doc));
    lo = (uintptr_t)sbrk(0);
    if (lo == (uintptr_t)-1) {
        return;
    }
    gap = ((lo + PAGE + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1)) - PAGE - lo;
    if (gap != 0) {
        (void)sbrk((intptr_t)gap); /* failing, the advice is smaller */
    }
    /* from the heap, not mmap, for this one allocation (glibc caps the
     * mmap threshold at 32 MB: no mmap at all while it is made) */
    mallopt(M_MMAP_MAX, 0);
    probe = malloc(HUGE_AHEAD + doc + 2 * PAGE);
    if (probe == NULL && doc != 0) {
        /* no such heap (ulimit -v, strict overcommit): the set-up's */
        doc = 0;
        mallopt(M_TRIM_THRESHOLD, 4 * HEAP_AHEAD);
        probe = malloc(HUGE_AHEAD + 2 * PAGE);
    }
    mallopt(M_MMAP_MAX, MMAP_MAX_DEFAULT);
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_DEFAULT);
    if (probe == NULL) {
        return;
    }
    lo = ((uintptr_t)probe + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
    hi = ((uintptr_t)probe + HUGE_AHEAD + doc + 2 * PAGE) &
         ~(HUGE_PAGE - 1);
    if (hi > lo && (uintptr_t)sbrk(0) >= hi) { /* the heap's, not mmap's */
        madvise((void *)lo, hi - lo, MADV_HUGEPAGE);
    }
    free(probe);
#else
    (void)doc_bytes;
#endif
}

void cli_heap_prepare(void)
{
    cli_heap_prepare_for(0);
}

void cli_heap_one_document(const char *path)
{
    struct stat st;

    /* a hint: standard input, a pipe or a file that cannot be read
     * (reported when it is opened) count as empty */
    if (path != NULL && strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
        S_ISREG(st.st_mode) && st.st_size > 0) {
        cli_heap_prepare_for((uint64_t)st.st_size);
    } else {
        cli_heap_prepare_for(0);
    }
#if defined(__GLIBC__) && defined(M_ARENA_MAX)
    if (!CLI_HEAP_PLAIN) {
        /* the prefetch thread allocates from the (huge) main heap too */
        mallopt(M_ARENA_MAX, 1);
    }
#endif
}

/*
 * The heap of a batch.  Each worker thread allocates from an arena of its
 * own, and glibc gives an arena's free top back to the kernel as soon as
 * it exceeds 128 KB (madvise, then mprotect and page faults to take it
 * again for the next document): 1,814 madvise, 2,821 mprotect and 952
 * brk calls for a bundle of 200 documents, 0.25-0.3 s of system time
 * in 3.5 s, most of it TLB shootdowns between the two cores.  With a
 * threshold of 32 MB and growth in steps of 16 MB the same run makes
 * about 100 such calls, and its wall time fell 5-10% in paired runs.  A
 * document larger than the threshold still gives its memory back, so
 * what a batch keeps is bounded by 32 MB per job, whatever its inputs.
 */
void cli_heap_batch(void)
{
#if defined(__GLIBC__) && defined(M_TRIM_THRESHOLD)
    if (CLI_HEAP_PLAIN) {
        return;
    }
    mallopt(M_TOP_PAD, HEAP_AHEAD);
    mallopt(M_TRIM_THRESHOLD, 2 * HEAP_AHEAD);
    /* setting the threshold stops glibc's own tuning of it and of the
     * mmap threshold: keep the latter where it starts */
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_DEFAULT);
#endif
}
