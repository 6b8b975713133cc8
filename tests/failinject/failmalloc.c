/*
 * Allocation-failure injection, as SQLite's test harness does it: linked
 * into a test build of budgetx (tests/failinject/run.sh, make
 * check-failinject).  Every allocation of our code (malloc, calloc,
 * realloc, strdup, strndup through -Wl,--wrap) and of libxml2/libxslt
 * (their xmlMalloc hooks, set with xmlMemSetup before anything else runs)
 * is counted; with BX_FAIL_AT=N the N-th one fails (returns NULL, errno
 * ENOMEM), with BX_FAIL_AFTER=1 that one and every later one.  With
 * BX_FAIL_COUNT=1 the number of allocations is printed on stderr at exit
 * ("failinject: N allocations").  zlib's, OpenSSL's and libc's internal
 * allocations are not counted, nor libxml2's process-wide initialisation
 * (xmlInitParser() runs first, unarmed), unless BX_FAIL_INIT=1: then
 * libxml2 is first initialised by the library itself, armed.
 *
 * With BX_FAIL_OURS=1 only our own allocations (the wrapped ones, not
 * libxml2's or libxslt's) are counted and failed: the failures that
 * xmlio_nomem_count() does not see, which only our code can carry to its
 * verdict (a few hundred in the rules' evaluation of a document, against
 * tens of thousands of libxml2's: every one of them can be tried).
 * BX_FAIL_COUNT=1 also prints where the first evaluation of the business
 * rules (rules_eval(), wrapped too) began and ended: "failinject: rules
 * FIRST-LAST", the numbers of its first and last allocation.  Likewise
 * "failinject: schema FIRST-LAST" for the life of the first schema
 * validation context (xmlSchemaNewValidCtxt() to xmlSchemaFreeValidCtxt(),
 * both wrapped): of a valid document's validate, that is the one of
 * src/validate.c valid_fast().  With BX_FAIL_TRACE=1 the stack of the
 * failed allocation is printed on stderr (ASan's): the prefetch threads
 * allocate too, so the N-th allocation is not the same one every run.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <sanitizer/common_interface_defs.h>
#include <libxml/xmlschemas.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

struct bx_context;
struct bx_ruleset;
struct bx_submission;
struct bx_diags;
struct bx_coverage;
int __real_rules_eval(struct bx_context *ctx, const struct bx_ruleset *rs,
                      struct bx_submission *sub, struct bx_diags *diags,
                      struct bx_coverage *cov);
int __wrap_rules_eval(struct bx_context *ctx, const struct bx_ruleset *rs,
                      struct bx_submission *sub, struct bx_diags *diags,
                      struct bx_coverage *cov);

static atomic_ulong count;
static atomic_int armed;
static unsigned long fail_at;
static int fail_after;
static int print_count;
static int ours_only;
static int trace; /* BX_FAIL_TRACE=1: the failed allocation's stack */
static atomic_ulong rules_first; /* 0: not evaluated yet */
static atomic_ulong rules_last;
static atomic_ulong schema_first; /* 0: no validation context yet */
static atomic_ulong schema_last;
static _Atomic(void *) schema_ctxt; /* the first context, while alive */

static int fail_now(void)
{
    unsigned long n;

    if (!atomic_load(&armed)) {
        return 0;
    }
    n = atomic_fetch_add(&count, 1) + 1;
    if (fail_at == 0 || n < fail_at || (n > fail_at && !fail_after)) {
        return 0;
    }
    if (trace) {
        fprintf(stderr, "failinject: allocation %lu fails here:\n", n);
        __sanitizer_print_stack_trace();
    }
    errno = ENOMEM;
    return 1;
}

/* An allocation of libxml2 or libxslt (their xmlMalloc hooks); ours go
 * through --wrap, straight to fail_now(). */
static int fail_now_theirs(void)
{
    return ours_only ? 0 : fail_now();
}

void *__wrap_malloc(size_t size)
{
    return fail_now() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return fail_now() ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return fail_now() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return fail_now() ? NULL : __real_strndup(s, n);
}

static void *xml_malloc(size_t size)
{
    return fail_now_theirs() ? NULL : __real_malloc(size);
}

static void *xml_realloc(void *p, size_t size)
{
    return fail_now_theirs() ? NULL : __real_realloc(p, size);
}

static char *xml_strdup(const char *s)
{
    return fail_now_theirs() ? NULL : __real_strdup(s);
}

static void xml_free(void *p)
{
    free(p);
}

/* The window of the first evaluation of the rules (see the top). */
int __wrap_rules_eval(struct bx_context *ctx, const struct bx_ruleset *rs,
                      struct bx_submission *sub, struct bx_diags *diags,
                      struct bx_coverage *cov)
{
    unsigned long first = atomic_load(&count) + 1;
    unsigned long none = 0;
    int rc = __real_rules_eval(ctx, rs, sub, diags, cov);

    if (atomic_compare_exchange_strong(&rules_first, &none, first)) {
        atomic_store(&rules_last, atomic_load(&count));
    }
    return rc;
}

xmlSchemaValidCtxtPtr __real_xmlSchemaNewValidCtxt(xmlSchemaPtr schema);
xmlSchemaValidCtxtPtr __wrap_xmlSchemaNewValidCtxt(xmlSchemaPtr schema);
void __real_xmlSchemaFreeValidCtxt(xmlSchemaValidCtxtPtr v);
void __wrap_xmlSchemaFreeValidCtxt(xmlSchemaValidCtxtPtr v);

/* The window of the first schema validation context (see the top). */
xmlSchemaValidCtxtPtr __wrap_xmlSchemaNewValidCtxt(xmlSchemaPtr schema)
{
    unsigned long first = atomic_load(&count) + 1;
    unsigned long none = 0;
    xmlSchemaValidCtxtPtr v = __real_xmlSchemaNewValidCtxt(schema);

    if (atomic_compare_exchange_strong(&schema_first, &none, first)) {
        atomic_store(&schema_ctxt, (void *)v);
        atomic_store(&schema_last, atomic_load(&count));
    }
    return v;
}

void __wrap_xmlSchemaFreeValidCtxt(xmlSchemaValidCtxtPtr v)
{
    void *mine = (void *)v;

    if (v != NULL &&
        atomic_compare_exchange_strong(&schema_ctxt, &mine, NULL)) {
        atomic_store(&schema_last, atomic_load(&count));
    }
    __real_xmlSchemaFreeValidCtxt(v);
}

/* The allocations counted so far (tests/failinject/retry.c). */
unsigned long failinject_count(void);

unsigned long failinject_count(void)
{
    return atomic_load(&count);
}

static void report(void)
{
    if (print_count) {
        fprintf(stderr, "failinject: %lu allocations\n",
                (unsigned long)atomic_load(&count));
        if (atomic_load(&rules_first) != 0) {
            fprintf(stderr, "failinject: rules %lu-%lu\n",
                    (unsigned long)atomic_load(&rules_first),
                    (unsigned long)atomic_load(&rules_last));
        }
        if (atomic_load(&schema_first) != 0) {
            fprintf(stderr, "failinject: schema %lu-%lu\n",
                    (unsigned long)atomic_load(&schema_first),
                    (unsigned long)atomic_load(&schema_last));
        }
    }
}

__attribute__((constructor)) static void failinject_init(void)
{
    const char *at = getenv("BX_FAIL_AT");
    const char *after = getenv("BX_FAIL_AFTER");
    const char *cnt = getenv("BX_FAIL_COUNT");
    const char *early = getenv("BX_FAIL_INIT");
    const char *ours = getenv("BX_FAIL_OURS");

    fail_at = at != NULL ? strtoul(at, NULL, 10) : 0;
    fail_after = after != NULL && strcmp(after, "1") == 0;
    print_count = cnt != NULL && strcmp(cnt, "1") == 0;
    ours_only = ours != NULL && strcmp(ours, "1") == 0;
    trace = getenv("BX_FAIL_TRACE") != NULL &&
            strcmp(getenv("BX_FAIL_TRACE"), "1") == 0;
    /* before libxml2 allocates anything: budgetx wraps these in turn */
    xmlMemSetup(xml_free, xml_malloc, xml_realloc, xml_strdup);
    /* libxml2's process-wide tables (encodings, ...) are set up before
     * counting starts: their failures are libxml2's, not ours (but
     * BX_FAIL_INIT=1 tests that the library's own set-up copes) */
    if (early == NULL || strcmp(early, "1") != 0) {
        xmlInitParser();
    }
    atexit(report);
    atomic_store(&armed, 1);
}
