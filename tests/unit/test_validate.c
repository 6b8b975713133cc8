/* Unit tests: schema validation and the wording of its findings. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "testutil.h"
#include "util.h"

#define SAMPLE "samples/pingdingshan-hitech-service-center-2024.xml"

static struct bx_context *ctx;
static unsigned char *sample;
static size_t sample_len;

static int setup(void)
{
    ctx = test_context();
    if (ctx == NULL) {
        return -1;
    }
    return util_read_file(test_path(SAMPLE), 1u << 24, &sample, &sample_len) ==
                   BX_OK
               ? 0
               : -1;
}

static int teardown(void)
{
    bx_context_free(ctx);
    free(sample);
    return 0;
}

/* Validate the sample with the first 'from' replaced by 'to'. */
static int validate_variant(const char *from, const char *to,
                            struct bx_diags *diags)
{
    struct bx_submission *sub = NULL;
    struct bx_buf b;
    const char *hit = strstr((const char *)sample, from);
    int valid = -2;

    CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
    buf_init(&b);
    buf_append(&b, sample, (size_t)(hit - (const char *)sample));
    buf_puts(&b, to);
    buf_puts(&b, hit + strlen(from));
    if (bx_submission_load_memory(ctx, b.data, b.len, "variant.xml", diags,
                                  &sub) == BX_OK &&
        bx_validate_schema(ctx, sub, diags) == BX_OK) {
        valid = bx_submission_schema_valid(sub);
    }
    bx_submission_free(sub);
    buf_release(&b);
    return valid;
}

static const struct bx_diag *find(const struct bx_diags *d, const char *code)
{
    size_t i;

    for (i = 0; i < d->count; i++) {
        if (strcmp(d->items[i].code, code) == 0) {
            return &d->items[i];
        }
    }
    return NULL;
}

static void test_sample_is_schema_valid(void)
{
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(validate_variant("<", "<", &diags), 1);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
}

static void test_bad_function_code_names_table_row_and_column(void)
{
    struct bx_diags diags;
    const struct bx_diag *d;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(validate_variant("<func code=\"2010301\"",
                                     "<func code=\"20103O1\"", &diags),
                    0);
    d = find(&diags, "XSD-VALUE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_EQUAL(d->severity, BX_SEV_ERROR);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d->table);
    CU_ASSERT_PTR_NOT_NULL(strstr(d->table, "表三"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(d->row);
    CU_ASSERT_PTR_NOT_NULL(strstr(d->row, "20103O1"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(d->xpath);
    CU_ASSERT_PTR_NOT_NULL(strstr(d->xpath, "/@code"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d->message_en, "20103O1"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d->message_zh, "编码"));
    CU_ASSERT_TRUE(d->line > 1);
    bx_diags_release(&diags);
}

static void test_non_numeric_amount_is_a_value_error(void)
{
    struct bx_diags diags;
    const struct bx_diag *d;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(
        validate_variant("amount=\"179.6\"", "amount=\"17,96\"", &diags), 0);
    d = find(&diags, "XSD-VALUE");
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_PTR_NOT_NULL(strstr(d->message_en, "not a valid amount"));
    CU_ASSERT_PTR_NOT_NULL(strstr(d->table, "表一"));
    bx_diags_release(&diags);
}

static void test_wrong_namespace_is_a_root_error(void)
{
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(validate_variant("urn:budgetx:disclosure:1",
                                     "urn:budgetx:disclosure:9", &diags),
                    0);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XSD-ROOT"));
    bx_diags_release(&diags);
}

static void test_unexpected_element_is_reported(void)
{
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(
        validate_variant("<fiscalYear>", "<bogus/><fiscalYear>", &diags), 0);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XSD-UNEXPECTED"));
    bx_diags_release(&diags);
}

static void test_missing_data_dir_fails_cleanly(void)
{
    struct bx_options opts;
    struct bx_diags diags;
    struct bx_context *bad = NULL;

    bx_options_init(&opts);
    opts.data_dir = "/nonexistent-budgetx-data";
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_context_new(&opts, &diags, &bad), BX_E_DATA);
    CU_ASSERT_PTR_NULL(bad);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "DATA-SCHEMA"));
    bx_diags_release(&diags);
}

static void test_check_of_missing_file_exits_3(void)
{
    struct bx_check chk;

    CU_ASSERT_EQUAL(bx_check_file(ctx, "/nonexistent/x.xml", &chk), BX_E_IO);
    CU_ASSERT_EQUAL(bx_check_exit_code(&chk, BX_SEV_ERROR), BX_EXIT_IO);
    CU_ASSERT_TRUE(bx_diags_has(&chk.diags, "IO-READ"));
    CU_ASSERT_PTR_NULL(chk.result.sha256);
    bx_check_release(&chk);
}

static void test_check_of_sample_keeps_digest_after_dropping_doc(void)
{
    struct bx_check chk;
    char hex[65];

    CU_ASSERT_EQUAL(bx_check_file(ctx, test_path(SAMPLE), &chk), BX_OK);
    bx_check_drop_document(&chk);
    CU_ASSERT_PTR_NULL(chk.sub);
    util_digest_hex("sha256", sample, sample_len, hex, sizeof(hex));
    CU_ASSERT_STRING_EQUAL(chk.result.sha256, hex);
    CU_ASSERT_EQUAL(chk.result.schema_valid, 1);
    bx_check_release(&chk);
}

static void test_metadata_fields_are_exposed(void)
{
    struct bx_diags diags;
    struct bx_submission *sub = NULL;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(
        bx_submission_load(ctx, test_path(SAMPLE), &diags, &sub), BX_OK);
    CU_ASSERT_STRING_EQUAL(bx_submission_meta(sub, "fiscalYear"), "2024");
    CU_ASSERT_STRING_EQUAL(bx_submission_meta(sub, "department.code"), "060");
    CU_ASSERT_STRING_EQUAL(bx_submission_meta(sub, "mofDivCode"), "410491");
    CU_ASSERT_STRING_EQUAL(bx_submission_meta(sub, "nonexistent"), "");
    bx_submission_free(sub);
    bx_diags_release(&diags);
}

int bx_test_suite_validate(void)
{
    CU_pSuite s = CU_add_suite("validate", setup, teardown);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_sample_is_schema_valid);
    CU_ADD_TEST(s, test_bad_function_code_names_table_row_and_column);
    CU_ADD_TEST(s, test_non_numeric_amount_is_a_value_error);
    CU_ADD_TEST(s, test_wrong_namespace_is_a_root_error);
    CU_ADD_TEST(s, test_unexpected_element_is_reported);
    CU_ADD_TEST(s, test_missing_data_dir_fails_cleanly);
    CU_ADD_TEST(s, test_check_of_missing_file_exits_3);
    CU_ADD_TEST(s, test_check_of_sample_keeps_digest_after_dropping_doc);
    CU_ADD_TEST(s, test_metadata_fields_are_exposed);
    return CU_get_error();
}
