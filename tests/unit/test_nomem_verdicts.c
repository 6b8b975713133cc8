/*
 * Out of memory is never a verdict: libxml2's N-th allocation fails (a
 * hook over the one installed, as the counting hook below it would see
 * it: xmlio_nomem_note()), for every N while
 *  - the schema validation of a valid document runs (src/validate.c
 *    valid_fast(): the view without the root's identity constraints):
 *    the result is "out of memory" unless the fast path concluded, and
 *    libxml2 2.9.14's unfreeable context (xmlSchemaGetFreshAttrInfo()) is
 *    not freed.  New memory is filled with 0xbe, as ASan fills it, so a
 *    free of an uninitialised pointer aborts without ASan too;
 *  - a valid document is checked against its template (templates_check):
 *    a profile that could not be read is no unknown template;
 *  - bx_xlsx_template() looks its template up (xlsx_write.c skeleton()):
 *    a template that could not be read is no "no such template";
 *  - the whole schema validates an invalid document (bx_validate_schema()),
 *    and bx_transform_import() validates an invalid platform document
 *    (src/schema_ctxt.c, which every validation context goes through):
 *    out of memory and no finding, or the findings of a clean run.
 * tests/failinject/run.sh, path "schema", fails every allocation of the
 * first of these in the CLI under ASan.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/xmlmemory.h>

#include "budgetx.h"
#include "templates.h"
#include "testutil.h"
#include "validate.h"
#include "xmlio.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
/* libxml2 2.9.14 leaks an attribute's value when it cannot allocate its
 * info (xmlSchemaValidatorPushAttribute(), the failure this test is
 * about): no leak check over those runs (tests/failinject/run.sh, path
 * "schema", tells libxml2's leaks from ours) */
#define LEAKS_UNCHECKED() __lsan_disable()
#define LEAKS_CHECKED() __lsan_enable()
#else
#define LEAKS_UNCHECKED() ((void)0)
#define LEAKS_CHECKED() ((void)0)
#endif

static xmlFreeFunc next_free;
static xmlMallocFunc next_malloc;
static xmlReallocFunc next_realloc;
static xmlStrdupFunc next_strdup;
static unsigned long fail_at; /* 0: count only */
static unsigned long seen;
static int armed;
static int no_realloc; /* reallocations do not fail */
static size_t spared;  /* allocations of this size do not fail (0: none) */
static pthread_t armed_thread;

static int fail_now(void)
{
    if (!armed || !pthread_equal(pthread_self(), armed_thread))
        return 0;
    if (++seen != fail_at)
        return 0;
    xmlio_nomem_note(); /* what the counting hook would do */
    return 1;
}

static void *failing_malloc(size_t n)
{
    void *p = (n == spared || !fail_now()) ? next_malloc(n) : NULL;

    if (p != NULL && armed)
        memset(p, 0xbe, n);
    return p;
}

static void *failing_realloc(void *p, size_t n)
{
    return !no_realloc && fail_now() ? NULL : next_realloc(p, n);
}

static char *failing_strdup(const char *s)
{
    return fail_now() ? NULL : next_strdup(s);
}

/* From now on the n-th allocation of this thread fails (0: none). */
static void arm(unsigned long n)
{
    xmlMemGet(&next_free, &next_malloc, &next_realloc, &next_strdup);
    fail_at = n;
    seen = 0;
    armed_thread = pthread_self();
    armed = 1;
    xmlMemSetup(next_free, failing_malloc, failing_realloc, failing_strdup);
}

/* The hooks as before; returns the allocations seen. */
static unsigned long disarm(void)
{
    xmlMemSetup(next_free, next_malloc, next_realloc, next_strdup);
    armed = 0;
    return seen;
}

static struct bx_submission *load(struct bx_context *ctx, const char *rel)
{
    struct bx_submission *sub = NULL;
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_submission_load(ctx, test_path(rel), &diags, &sub),
                    BX_OK);
    bx_diags_release(&diags);
    return sub;
}

/*
 * Validating the smallest valid document with each of libxml2's
 * allocations failing in turn: "out of memory" unless the fast path
 * concluded (then later failures, in templates_check(), are its own).
 * Not its reallocations: a failed one of the attribute infos makes
 * 2.9.14 dereference NULL inside xmlSchemaValidateDoc() itself (see
 * tests/failinject/run.sh, "known" faults).
 * Before the fix a failure there fell back to the whole schema and a
 * verdict, and the failure of xmlSchemaGetFreshAttrInfo() aborted in
 * xmlSchemaFreeValidCtxt() (a free of 0xbebebebebebebebe).
 */
static void test_valid_fast_nomem_is_no_verdict(void)
{
    struct bx_context *ctx = test_context();
    struct bx_submission *sub;
    struct bx_diags diags;
    unsigned long n;
    unsigned long before;
    int rc;
    int bad = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    sub = load(ctx, "tests/fixtures/minimal-valid.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_validate_schema(ctx, sub, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_submission_schema_valid(sub), 1);
    bx_diags_release(&diags);
    no_realloc = 1;
    LEAKS_UNCHECKED();
    for (n = 1; n < 100000; n++) {
        before = atomic_load(&validate_idc_fast_count);
        bx_diags_init(&diags);
        arm(n);
        rc = bx_validate_schema(ctx, sub, &diags);
        if (disarm() < n) { /* nothing failed: the end */
            CU_ASSERT_EQUAL(rc, BX_OK);
            CU_ASSERT_EQUAL(bx_submission_schema_valid(sub), 1);
            bx_diags_release(&diags);
            break;
        }
        if (atomic_load(&validate_idc_fast_count) == before &&
            rc != BX_E_NOMEM) {
            bad++; /* the fast path failed, yet a verdict came */
        }
        bx_diags_release(&diags);
    }
    LEAKS_CHECKED();
    no_realloc = 0;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_TRUE(n > 10 && n < 100000);
    bx_submission_free(sub);
    bx_context_free(ctx);
}

static int has_code(const struct bx_diags *diags, const char *code)
{
    size_t i;

    for (i = 0; i < diags->count; i++) {
        if (diags->items[i].code != NULL &&
            strcmp(diags->items[i].code, code) == 0)
            return 1;
    }
    return 0;
}

/*
 * A valid document against its template, with each of libxml2's
 * allocations failing in turn: BX_E_NOMEM and no finding, or what a
 * clean check finds (nothing).  Before the fix a profile that could not
 * be read was reported TEMPLATE-UNKNOWN (beside the caller's
 * OUT-OF-MEMORY).
 */
static void test_template_check_nomem_is_no_finding(void)
{
    struct bx_context *ctx = test_context();
    struct bx_submission *sub;
    struct bx_diags diags;
    unsigned long n;
    int rc;
    int unknown = 0;
    int nomem = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    sub = load(ctx, "samples/example-county-education-bureau-2024.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_validate_schema(ctx, sub, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_submission_schema_valid(sub), 1);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    for (n = 1; n < 10000; n++) {
        bx_diags_init(&diags);
        arm(n);
        rc = templates_check(ctx, sub, &diags);
        if (disarm() < n) {
            CU_ASSERT_EQUAL(rc, BX_OK);
            CU_ASSERT_EQUAL(diags.count, 0);
            bx_diags_release(&diags);
            break;
        }
        unknown += has_code(&diags, "TEMPLATE-UNKNOWN");
        nomem += rc == BX_E_NOMEM;
        CU_ASSERT(rc == BX_OK || rc == BX_E_NOMEM);
        bx_diags_release(&diags);
    }
    CU_ASSERT_EQUAL(unknown, 0);
    CU_ASSERT_TRUE(nomem > 0); /* the profile and year were read */
    CU_ASSERT_TRUE(n > 1 && n < 10000);
    bx_submission_free(sub);
    bx_context_free(ctx);
}

/* The allocations of libxml2 to look 'profile' up in a new context. */
static unsigned long lookup_allocations(const char *profile)
{
    struct bx_context *ctx = test_context();
    unsigned long n;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(templates_open(ctx, NULL), BX_OK);
    arm(0);
    CU_ASSERT_PTR_NOT_NULL(templates_lookup(ctx, profile, 2024));
    n = disarm();
    bx_context_free(ctx);
    return n;
}

/*
 * bx_xlsx_template() with each allocation of its template's lookup
 * failing in turn: out of memory, said so, never "no such template"
 * (TEMPLATE-UNKNOWN, a usage error) as before the fix.
 */
static void test_xlsx_template_nomem_is_no_unknown(void)
{
    struct bx_context *ctx = test_context();
    struct bx_template_opts o;
    struct bx_output out;
    struct bx_diags diags;
    unsigned long total = lookup_allocations("central-9");
    unsigned long n;
    int rc;
    int unknown = 0;
    int unsaid = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    CU_ASSERT_EQUAL(templates_open(ctx, NULL), BX_OK);
    CU_ASSERT_TRUE(total > 0);
    memset(&o, 0, sizeof(o));
    o.profile = "central-9";
    o.year = 2024;
    for (n = 1; n <= total; n++) {
        bx_diags_init(&diags);
        bx_output_init(&out);
        arm(n);
        rc = bx_xlsx_template(ctx, &o, &diags, &out);
        disarm();
        unknown += rc == BX_E_ARG || has_code(&diags, "TEMPLATE-UNKNOWN");
        unsaid += rc == BX_E_NOMEM && !has_code(&diags, "OUT-OF-MEMORY");
        bx_output_release(&out);
        bx_diags_release(&diags);
    }
    CU_ASSERT_EQUAL(unknown, 0);
    CU_ASSERT_EQUAL(unsaid, 0);
    /* and then it is found */
    bx_diags_init(&diags);
    bx_output_init(&out);
    CU_ASSERT_EQUAL(bx_xlsx_template(ctx, &o, &diags, &out), BX_OK);
    bx_output_release(&out);
    bx_diags_release(&diags);
    bx_context_free(ctx);
}

/* The codes of 'diags' in order, joined by spaces (caller frees). */
static char *codes_of(const struct bx_diags *diags)
{
    size_t n = 1;
    size_t i;
    char *s;

    for (i = 0; i < diags->count; i++)
        n += strlen(diags->items[i].code ? diags->items[i].code : "-") + 1;
    s = calloc(1, n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    for (i = 0; i < diags->count; i++) {
        strcat(s, diags->items[i].code ? diags->items[i].code : "-");
        strcat(s, " ");
    }
    return s;
}

/*
 * The whole schema's validation of an invalid document (bx_validate_schema()
 * past valid_fast(), src/schema_ctxt.c), each of libxml2's allocations
 * failing in turn (not its reallocations, as above, nor its 16-byte
 * allocations: one failed in the identity constraints' bookkeeping,
 * next to a keyref check (most likely xmlSchemaItemListCreate()), makes
 * 2.9.14 dereference NULL inside xmlSchemaValidateDoc(); valid_fast()'s
 * view has no identity
 * constraints, so the failinject path "schema" never met it): BX_E_NOMEM and no
 * finding, so the caller's OUT-OF-MEMORY is the only one; with nothing
 * failed, the findings of a clean run.  Before the fix the context was
 * created and freed directly: 2.9.14's unfreeable context aborted in
 * xmlSchemaFreeValidCtxt(), and a failure came out as the findings judged
 * so far plus an INTERNAL finding ("schema validator failed").
 */
static void test_full_validation_nomem_is_out_of_memory_only(void)
{
    struct bx_context *ctx = test_context();
    struct bx_submission *sub;
    struct bx_diags diags;
    char *clean;
    char *got;
    unsigned long n;
    int rc;
    int bad = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    sub = load(ctx, "tests/fixtures/schema/bad-amount-text.xml");
    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_validate_schema(ctx, sub, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_submission_schema_valid(sub), 0);
    CU_ASSERT_TRUE(diags.count > 0);
    clean = codes_of(&diags);
    bx_diags_release(&diags);
    no_realloc = 1;
    spared = 2 * sizeof(void *); /* sizeof(xmlSchemaItemList) */
    LEAKS_UNCHECKED();
    for (n = 1; n < 100000; n++) {
        bx_diags_init(&diags);
        arm(n);
        rc = bx_validate_schema(ctx, sub, &diags);
        if (disarm() < n) { /* nothing failed: the end */
            CU_ASSERT_EQUAL(rc, BX_OK);
            CU_ASSERT_EQUAL(bx_submission_schema_valid(sub), 0);
            got = codes_of(&diags);
            CU_ASSERT_STRING_EQUAL(got, clean);
            free(got);
            bx_diags_release(&diags);
            break;
        }
        xmlio_out_of_memory(&diags, "bad.xml"); /* what check.c adds */
        if (rc != BX_E_NOMEM || diags.count != 1 ||
            bx_submission_schema_valid(sub) != -1) {
            bad++; /* a verdict, or a finding beside OUT-OF-MEMORY */
        }
        bx_diags_release(&diags);
    }
    LEAKS_CHECKED();
    no_realloc = 0;
    spared = 0;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_TRUE(n > 10 && n < 100000);
    free(clean);
    bx_submission_free(sub);
    bx_context_free(ctx);
}

/*
 * bx_transform_import()'s validation of a platform document against
 * schemas/platform.xsd (compiled beforehand), an invalid one, each of
 * libxml2's allocations failing in turn: BX_E_NOMEM and no finding, or
 * the clean run's BX_E_INVALID and PLATFORM-XSD findings.  Before the
 * fix the findings judged before the failure stayed, with BX_E_INVALID
 * (a verdict) or BX_E_INTERNAL.
 */
static void test_platform_validation_nomem_is_no_verdict(void)
{
    static const char doc[] =
        "<BudgetDisclosure xmlns='urn:budgetx:platform:1' VERSION='1'>"
        "<HEADER/><HEADER/></BudgetDisclosure>";
    struct bx_context *ctx = test_context();
    struct bx_submission *sub = NULL;
    struct bx_output out;
    struct bx_diags diags;
    char *clean;
    char *got;
    unsigned long n;
    int rc;
    int bad = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(bx_submission_load_memory(ctx, doc, sizeof(doc) - 1,
                                                    "bad.xml", &diags, &sub),
                          BX_OK);
    bx_diags_release(&diags);
    bx_output_init(&out);
    CU_ASSERT_EQUAL(
        bx_transform_import(ctx, sub, "platform", NULL, &diags, &out),
        BX_E_INVALID);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "PLATFORM-XSD"));
    clean = codes_of(&diags);
    bx_diags_release(&diags);
    no_realloc = 1;
    LEAKS_UNCHECKED();
    for (n = 1; n < 100000; n++) {
        bx_diags_init(&diags);
        arm(n);
        rc = bx_transform_import(ctx, sub, "platform", NULL, &diags, &out);
        if (disarm() < n) {
            CU_ASSERT_EQUAL(rc, BX_E_INVALID);
            got = codes_of(&diags);
            CU_ASSERT_STRING_EQUAL(got, clean);
            free(got);
            bx_diags_release(&diags);
            break;
        }
        if (rc != BX_E_NOMEM || diags.count != 0)
            bad++;
        bx_diags_release(&diags);
    }
    LEAKS_CHECKED();
    no_realloc = 0;
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_TRUE(n > 10 && n < 100000);
    CU_ASSERT_EQUAL(out.count, 0);
    free(clean);
    bx_output_release(&out);
    bx_submission_free(sub);
    bx_context_free(ctx);
}

int bx_test_suite_nomem_verdicts(void)
{
    CU_pSuite s = CU_add_suite("nomem_verdicts", NULL, NULL);

    if (s == NULL ||
        CU_add_test(s, "valid_fast out of memory is no verdict",
                    test_valid_fast_nomem_is_no_verdict) == NULL ||
        CU_add_test(s, "template check out of memory is no finding",
                    test_template_check_nomem_is_no_finding) == NULL ||
        CU_add_test(s, "xlsx template out of memory is no unknown template",
                    test_xlsx_template_nomem_is_no_unknown) == NULL ||
        CU_add_test(s, "full validation out of memory is OUT-OF-MEMORY only",
                    test_full_validation_nomem_is_out_of_memory_only) == NULL ||
        CU_add_test(s, "platform validation out of memory is no verdict",
                    test_platform_validation_nomem_is_no_verdict) == NULL) {
        return -1;
    }
    return 0;
}
