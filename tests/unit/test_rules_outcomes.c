/*
 * What the business rules can and cannot judge (issue 8 §3-§5): absent is
 * not zero (a column the document lacks makes its identities not
 * assessable, never "parts add to 0"), the (k+1)·u/2 tolerance, a table in
 * its own unit, every rule's outcome and the coverage counts, partial and
 * complete code lists, the narrative-only report.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "budgetx.h"
#include "testutil.h"

#define SEED "samples/pingdingshan-hitech-service-center-2024.xml"
#define HEALTH "samples/example-district-health-commission-2024.xml"

static struct bx_context *ctx;

/* Schema and rules on 'doc' with coverage; -100 when not schema-valid. */
static int judge(struct bx_context *c, xmlDocPtr doc, struct bx_diags *d,
                 struct bx_coverage *cov)
{
    struct bx_submission *sub = NULL;
    xmlChar *mem = NULL;
    int len = 0;
    int rc;

    xmlDocDumpMemory(doc, &mem, &len);
    rc = bx_submission_load_memory(c, mem, (size_t)len, "outcome.xml", d,
                                   &sub);
    if (rc == BX_OK)
        rc = bx_validate_schema(c, sub, d);
    if (rc == BX_OK && bx_submission_schema_valid(sub) != 1)
        rc = -100;
    if (rc == BX_OK)
        rc = bx_rules_check_coverage(c, sub, d, cov);
    bx_submission_free(sub);
    xmlFree(mem);
    return rc;
}

static size_t count(const struct bx_diags *d, const char *rule,
                    enum bx_severity sev)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < d->count; i++) {
        if (d->items[i].rule != NULL && strcmp(d->items[i].rule, rule) == 0 &&
            d->items[i].severity == sev)
            n++;
    }
    return n;
}

static const struct bx_rule_outcome *outcome(const struct bx_coverage *cov,
                                             const char *rule)
{
    size_t i;

    for (i = 0; i < cov->nrules; i++) {
        if (strcmp(cov->rules[i].rule, rule) == 0)
            return &cov->rules[i];
    }
    return NULL;
}

/* Apply 'fn' to every node 'xpath' selects in 'doc'; returns how many. */
static int each(xmlDocPtr doc, const char *xpath, void (*fn)(xmlNodePtr))
{
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    int i;
    int n = 0;

    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    o = xmlXPathEvalExpression(BAD_CAST xpath, xp);
    for (i = 0; o != NULL && o->nodesetval != NULL &&
                i < o->nodesetval->nodeNr;
         i++, n++)
        fn(o->nodesetval->nodeTab[i]);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    return n;
}

static void unlink_node(xmlNodePtr n)
{
    /* attributes only: the XPath result keeps pointing at them */
    xmlUnlinkNode(n);
    xmlFreeNode(n);
}

static const char *new_value;

static void set_value(xmlNodePtr n)
{
    xmlNodeSetContent(n, BAD_CAST new_value);
}

/* 元 → 万元 with two places ("78000" → "7.80"). */
static void to_wan(xmlNodePtr n)
{
    xmlChar *s = xmlNodeGetContent(n);
    long v = s != NULL ? strtol((const char *)s, NULL, 10) : 0;
    char buf[32];

    snprintf(buf, sizeof(buf), "%ld.%02ld", v / 10000, (v % 10000) / 100);
    xmlNodeSetContent(n, BAD_CAST buf);
    xmlFree(s);
}

/*
 * A T3 that prints only 基本支出/项目支出 (the 工资福利 … columns deleted
 * from every row): BR-009 must not say "the parts add to 0" -- its
 * identity is not assessable there -- and BR-116 reports the cells the
 * Henan template requires.
 */
static void test_absent_column_is_not_zero(void)
{
    static const char *const cols[] = {"wages", "family", "goods",
                                       "capital"};
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    struct bx_diags d;
    struct bx_coverage cov;
    char xpath[256];
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    for (i = 0; i < 4; i++) {
        snprintf(xpath, sizeof(xpath),
                 "/bx:disclosure/bx:tables/bx:expenditureSummary//@%s",
                 cols[i]);
        CU_ASSERT(each(doc, xpath, unlink_node) > 0);
    }
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT_EQUAL(count(&d, "BR-009", BX_SEV_ERROR), 0);
    CU_ASSERT(count(&d, "BR-116", BX_SEV_ERROR) > 0);
    CU_ASSERT_EQUAL(cov.checked + cov.not_assessable, cov.nrules);
    CU_ASSERT(cov.failed > 0);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

/* The seed's outcomes: a failed, a passed and the counts that add up. */
static void test_seed_outcomes(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    struct bx_diags d;
    struct bx_coverage cov;
    const struct bx_rule_outcome *o;
    size_t r;
    size_t na = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT(cov.evaluated);
    CU_ASSERT(!cov.narrative_only);
    o = outcome(&cov, "BR-027");
    CU_ASSERT(o != NULL && o->outcome == BX_OUTCOME_FAILED);
    o = outcome(&cov, "BR-001");
    CU_ASSERT(o != NULL && o->outcome == BX_OUTCOME_PASSED);
    for (r = 0; r < BX_NA_COUNT; r++)
        na += cov.by_reason[r];
    CU_ASSERT_EQUAL(na, cov.not_assessable);
    CU_ASSERT_EQUAL(cov.checked + cov.not_assessable, cov.nrules);
    CU_ASSERT_STRING_EQUAL(bx_outcome_name(BX_OUTCOME_NOT_ASSESSABLE),
                           "not-assessable");
    CU_ASSERT_STRING_EQUAL(bx_na_reason_name(BX_NA_NO_COLUMN), "no-column");
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

/*
 * Per-table units: the health sample (元) under the district-9-yuan
 * template, whose 三公和机关运行经费 table is in 万元 with 2 decimals.
 * Converted, its identities hold across units; one cell 1 万元 off is an
 * error.
 */
static void test_table_in_its_own_unit(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(HEALTH), NULL, XML_PARSE_NONET);
    struct bx_diags d;
    struct bx_coverage cov;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    new_value = "district-9-yuan";
    each(doc, "/bx:disclosure/bx:metadata/bx:profile", set_value);
    CU_ASSERT(each(doc, "/bx:disclosure/bx:tables/bx:threePublic/bx:row/@*"
                        "[local-name() != 'name']",
                   to_wan) > 0);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT_EQUAL(count(&d, "BR-014", BX_SEV_ERROR), 0);
    CU_ASSERT_EQUAL(count(&d, "BR-044", BX_SEV_ERROR), 0);
    CU_ASSERT_EQUAL(count(&d, "BR-045", BX_SEV_WARNING), 0);
    CU_ASSERT_EQUAL(count(&d, "BR-028", BX_SEV_WARNING), 0);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    new_value = "8.80"; /* 公务用车运行费 6.00 → 8.80: 合计 no longer adds */
    each(doc,
         "/bx:disclosure/bx:tables/bx:threePublic/bx:row/@vehicleOperation",
         set_value);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT(count(&d, "BR-014", BX_SEV_ERROR) > 0);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

/* A 1.5 gap in one of 30 parts is no "rounding tail" (was 1.55). */
static void test_tolerance_counts_nonzero_parts(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    struct bx_diags d;
    struct bx_coverage cov;
    size_t i;
    int seen = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    new_value = "171.8"; /* printed 170.3 */
    CU_ASSERT_EQUAL(each(doc,
                         "/bx:disclosure/bx:tables/bx:fiscalSummary/"
                         "bx:expenditure/bx:class[@code = '201']/@total",
                         set_value),
                    1);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    for (i = 0; i < d.count; i++) {
        const struct bx_diag *x = &d.items[i];

        if (x->rule == NULL || strcmp(x->rule, "BR-011") != 0 ||
            x->row == NULL || strstr(x->row, "本年支出") == NULL ||
            strcmp(x->column_label, "合计") != 0)
            continue;
        seen = 1;
        CU_ASSERT_EQUAL(x->severity, BX_SEV_ERROR);
        CU_ASSERT_STRING_EQUAL(x->tolerance, "0.25");
    }
    CU_ASSERT(seen);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

/*
 * Code lists: 2019999 is not in our partial list -- a notice; with a
 * complete list of the same codes (--codes DIR) it is an error.
 */
static void test_partial_and_complete_lists(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    struct bx_options opts;
    struct bx_context *c2 = NULL;
    struct bx_diags d;
    struct bx_coverage cov;
    char dir[] = "/tmp/bx-codes-XXXXXX";
    char cmd[1024];

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    new_value = "2019999";
    each(doc, "/bx:disclosure/bx:tables/bx:procurement/bx:item[1]/@func",
         set_value);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT_EQUAL(count(&d, "BR-050", BX_SEV_ERROR), 0);
    CU_ASSERT_EQUAL(count(&d, "BR-050", BX_SEV_INFO), 1);
    bx_coverage_release(&cov);
    bx_diags_release(&d);

    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof(cmd),
             "sed 's/<codeList /<codeList complete=\"true\" /' "
             "'%s/schemas/codes/2024/function.xml' > '%s/function.xml'",
             test_root(), dir);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    bx_options_init(&opts);
    opts.data_dir = test_root();
    opts.codes_dir = dir;
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(bx_context_new(&opts, &d, &c2), BX_OK);
    bx_diags_release(&d);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(judge(c2, doc, &d, &cov), BX_OK);
    CU_ASSERT_EQUAL(count(&d, "BR-050", BX_SEV_ERROR), 1);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    bx_context_free(c2);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
    xmlFreeDoc(doc);
}

/* The report states coverage (text) and counts it (JSON). */
static void test_reports_state_coverage(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    struct bx_diags d;
    struct bx_coverage cov;
    struct bx_file_result f;
    struct bx_report rep;
    char *out = NULL;
    size_t len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    memset(&f, 0, sizeof(f));
    f.path = "seed.xml";
    f.schema_valid = 1;
    f.diags = &d;
    f.coverage = &cov;
    memset(&rep, 0, sizeof(rep));
    rep.files = &f;
    rep.nfiles = 1;
    rep.lang = BX_LANG_EN;
    rep.fail_on = BX_SEV_ERROR;
    CU_ASSERT_EQUAL(bx_report_render(&rep, BX_REPORT_TEXT, NULL, &out, &len),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL(out != NULL ? strstr(out, "rules checked") : NULL);
    free(out);
    rep.all_rules = 1;
    CU_ASSERT_EQUAL(bx_report_render(&rep, BX_REPORT_JSON, NULL, &out, &len),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL(out != NULL ? strstr(out, "\"not_assessable\":")
                                       : NULL);
    CU_ASSERT_PTR_NOT_NULL(out != NULL ? strstr(out, "\"outcome\":\"failed\"")
                                       : NULL);
    free(out);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

static int suite_init(void)
{
    ctx = test_context();
    return ctx == NULL;
}

static int suite_clean(void)
{
    bx_context_free(ctx);
    ctx = NULL;
    return 0;
}

int bx_test_suite_rules_outcomes(void)
{
    CU_pSuite s = CU_add_suite("rules_outcomes", suite_init, suite_clean);

    if (s == NULL ||
        CU_add_test(s, "absent column is not zero",
                    test_absent_column_is_not_zero) == NULL ||
        CU_add_test(s, "seed outcomes", test_seed_outcomes) == NULL ||
        (getenv("BX_TEST_UNIT_TEMPLATE") != NULL &&
         CU_add_test(s, "table in its own unit",
                     test_table_in_its_own_unit) == NULL) ||
        CU_add_test(s, "tolerance counts non-zero parts",
                    test_tolerance_counts_nonzero_parts) == NULL ||
        CU_add_test(s, "partial and complete code lists",
                    test_partial_and_complete_lists) == NULL ||
        CU_add_test(s, "reports state coverage",
                    test_reports_state_coverage) == NULL)
        return -1;
    return 0;
}
