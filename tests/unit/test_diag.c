/* Unit tests: diagnostics and the status → exit code contract. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"

/* Every status, and the exit code the CLI documents for it. */
static void test_status_exit_code_maps_every_status(void)
{
    static const struct {
        int status;
        int exit;
    } map[] = {
        {BX_OK, BX_EXIT_OK},           {BX_E_NOMEM, BX_EXIT_INTERNAL},
        {BX_E_IO, BX_EXIT_IO},         {BX_E_PARSE, BX_EXIT_IO},
        {BX_E_LIMIT, BX_EXIT_IO},      {BX_E_DATA, BX_EXIT_INTERNAL},
        {BX_E_STATE, BX_EXIT_INTERNAL}, {BX_E_ARG, BX_EXIT_USAGE},
        {BX_E_EXISTS, BX_EXIT_IO},     {BX_E_INVALID, BX_EXIT_INVALID},
        {BX_E_INTERNAL, BX_EXIT_INTERNAL},
    };
    size_t i;

    /* a status added to the enum must be added here (and mapped) */
    CU_ASSERT_EQUAL(sizeof(map) / sizeof(map[0]), 1 - BX_E_INTERNAL);
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        CU_ASSERT_EQUAL(bx_status_exit_code(map[i].status), map[i].exit);
        CU_ASSERT_PTR_NOT_NULL(bx_status_str(map[i].status));
    }
    CU_ASSERT_EQUAL(bx_status_exit_code(-1000), BX_EXIT_INTERNAL);
    CU_ASSERT_EQUAL(bx_status_exit_code(7), BX_EXIT_INTERNAL);
}

static void add_n(struct bx_diags *diags, const char *rule, size_t n,
                  enum bx_severity sev)
{
    struct bx_diag d;
    size_t i;

    memset(&d, 0, sizeof(d));
    d.severity = sev;
    d.code = (char *)rule;
    d.rule = (char *)rule;
    d.message_en = "x";
    for (i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(bx_diags_add(diags, &d), BX_OK);
    }
}

static const struct bx_diag *find_more(const struct bx_diags *diags,
                                       const char *rule)
{
    size_t i;
    const struct bx_diag *d;

    for (i = 0; i < diags->count; i++) {
        d = &diags->items[i];
        if (strcmp(d->code, "MORE-FINDINGS") == 0 &&
            ((rule == NULL && d->rule == NULL) ||
             (rule != NULL && d->rule != NULL && strcmp(d->rule, rule) == 0)))
            return d;
    }
    return NULL;
}

static void test_caps_keep_per_rule_and_say_how_many_more(void)
{
    struct bx_diags diags;
    const struct bx_diag *more;

    bx_diags_init(&diags);
    bx_diags_set_caps(&diags, 3, 5);
    add_n(&diags, "BR-001", 2, BX_SEV_INFO);
    add_n(&diags, "BR-001", 8, BX_SEV_ERROR); /* 1 stored, 7 left out */
    add_n(&diags, "BR-002", 1, BX_SEV_WARNING);
    add_n(&diags, "BR-003", 4, BX_SEV_WARNING); /* 1 stored (total 5) */
    CU_ASSERT_EQUAL(diags.count, 5);
    CU_ASSERT_EQUAL(diags.suppressed, 10);
    /* counts and verdict cover what was left out */
    CU_ASSERT_EQUAL(diags.by_severity[BX_SEV_ERROR], 8);
    CU_ASSERT_EQUAL(diags.by_severity[BX_SEV_WARNING], 5);
    CU_ASSERT_EQUAL(bx_diags_finish(&diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 7);
    more = find_more(&diags, "BR-001");
    CU_ASSERT_PTR_NOT_NULL_FATAL(more);
    CU_ASSERT_EQUAL(more->severity, BX_SEV_ERROR);
    CU_ASSERT_STRING_EQUAL(more->message_en, "and 7 more findings of BR-001 "
                                             "not shown (at most 3 per rule)");
    more = find_more(&diags, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(more);
    CU_ASSERT_EQUAL(more->severity, BX_SEV_WARNING);
    CU_ASSERT_STRING_EQUAL(more->message_en,
                           "and 3 more findings not shown (at most 5 per "
                           "file)");
    /* the "and N more" records are not findings themselves */
    CU_ASSERT_EQUAL(diags.by_severity[BX_SEV_ERROR], 8);
    CU_ASSERT_EQUAL(bx_diags_finish(&diags), BX_OK); /* idempotent */
    CU_ASSERT_EQUAL(diags.count, 7);
    bx_diags_release(&diags);
}

static void test_no_caps_by_default(void)
{
    struct bx_diags diags;

    bx_diags_init(&diags);
    add_n(&diags, "BR-001", 2000, BX_SEV_ERROR);
    CU_ASSERT_EQUAL(bx_diags_finish(&diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 2000);
    bx_diags_release(&diags);
}

static void test_options_default_caps(void)
{
    struct bx_options o;

    bx_options_init(&o);
    CU_ASSERT_EQUAL(o.max_findings_per_rule, 100);
    CU_ASSERT_EQUAL(o.max_findings, 1000);
}

int bx_test_suite_diag(void)
{
    CU_pSuite s = CU_add_suite("diag", NULL, NULL);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_status_exit_code_maps_every_status);
    CU_ADD_TEST(s, test_caps_keep_per_rule_and_say_how_many_more);
    CU_ADD_TEST(s, test_no_caps_by_default);
    CU_ADD_TEST(s, test_options_default_caps);
    return CU_get_error();
}
