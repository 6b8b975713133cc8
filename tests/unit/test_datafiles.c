/* Unit tests: our data files compiled once per context, errors as data. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "datafiles.h"
#include "testutil.h"

static void test_schema_and_stylesheet_compiled_once(void)
{
    struct bx_context *ctx = test_context();
    struct bx_diags diags;
    xmlSchemaPtr s1 = NULL;
    xmlSchemaPtr s2 = NULL;
    xsltStylesheetPtr x1 = NULL;
    xsltStylesheetPtr x2 = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(datafiles_schema(ctx, "schemas/manifest.xsd", &diags, &s1),
                    BX_OK);
    CU_ASSERT_EQUAL(datafiles_schema(ctx, "schemas/manifest.xsd", &diags, &s2),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL(s1);
    CU_ASSERT_PTR_EQUAL(s1, s2);
    CU_ASSERT_EQUAL(
        datafiles_stylesheet(ctx, "xslt/report-html.xsl", &diags, &x1), BX_OK);
    CU_ASSERT_EQUAL(
        datafiles_stylesheet(ctx, "xslt/report-html.xsl", &diags, &x2), BX_OK);
    CU_ASSERT_PTR_NOT_NULL(x1);
    CU_ASSERT_PTR_EQUAL(x1, x2);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    bx_context_free(ctx);
}

static void test_missing_data_file_is_a_fatal_finding(void)
{
    struct bx_context *ctx = test_context();
    struct bx_diags diags;
    xmlSchemaPtr s = NULL;
    xsltStylesheetPtr x = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(datafiles_schema(ctx, "schemas/nope.xsd", &diags, &s),
                    BX_E_DATA);
    CU_ASSERT_PTR_NULL(s);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "DATA-SCHEMA"));
    CU_ASSERT_EQUAL(datafiles_stylesheet(ctx, "xslt/nope.xsl", &diags, &x),
                    BX_E_DATA);
    CU_ASSERT_PTR_NULL(x);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XSLT-COMPILE"));
    CU_ASSERT_EQUAL(bx_diags_worst(&diags), BX_SEV_FATAL);
    bx_diags_release(&diags);
    bx_context_free(ctx);
}

int bx_test_suite_datafiles(void)
{
    CU_pSuite s = CU_add_suite("datafiles", NULL, NULL);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_schema_and_stylesheet_compiled_once);
    CU_ADD_TEST(s, test_missing_data_file_is_a_fatal_finding);
    return CU_get_error();
}
