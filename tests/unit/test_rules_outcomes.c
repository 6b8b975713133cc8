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
 * Schema and rules on 'doc' with a complete function list of the bundled
 * codes (--codes DIR, made for the call): the findings into 'd'.
 */
static void judge_complete(xmlDocPtr doc, struct bx_diags *d)
{
    struct bx_options opts;
    struct bx_context *c2 = NULL;
    struct bx_coverage cov;
    char dir[] = "/tmp/bx-codes-XXXXXX";
    char cmd[1024];

    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
    snprintf(cmd, sizeof(cmd),
             "sed 's/<codeList /<codeList complete=\"true\" /' "
             "'%s/schemas/codes/2024/function.xml' > '%s/function.xml'",
             test_root(), dir);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    bx_options_init(&opts);
    opts.data_dir = test_root();
    opts.codes_dir = dir;
    CU_ASSERT_EQUAL_FATAL(bx_context_new(&opts, d, &c2), BX_OK);
    bx_diags_release(d);
    bx_diags_init(d);
    CU_ASSERT_EQUAL(judge(c2, doc, d, &cov), BX_OK);
    bx_coverage_release(&cov);
    bx_context_free(c2);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/*
 * Code lists: 2019999 is not in our partial list -- a notice; with a
 * complete list of the same codes (--codes DIR) it is an error.
 */
static void test_partial_and_complete_lists(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    struct bx_diags d;
    struct bx_coverage cov;

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

    bx_diags_init(&d);
    judge_complete(doc, &d);
    CU_ASSERT_EQUAL(count(&d, "BR-050", BX_SEV_ERROR), 1);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

/* The message ('en' or zh) of the first finding of 'rule', or "". */
static const char *message_of(const struct bx_diags *d, const char *rule,
                              int en)
{
    size_t i;

    for (i = 0; i < d->count; i++) {
        if (d->items[i].rule != NULL && strcmp(d->items[i].rule, rule) == 0)
            return en ? d->items[i].message_en : d->items[i].message_zh;
    }
    return "";
}

/* 'n' more copies of the first procurement item, its code 2019999. */
static void many_items(xmlDocPtr doc, int n)
{
    int i;

    new_value = "2019999";
    each(doc, "/bx:disclosure/bx:tables/bx:procurement/bx:item/@func",
         set_value);
    for (i = 0; i < n; i++) {
        xmlNodePtr item = NULL;
        xmlNodePtr t = xmlDocGetRootElement(doc)->children;

        for (; t != NULL && item == NULL; t = t->next) {
            if (t->type == XML_ELEMENT_NODE &&
                xmlStrEqual(t->name, BAD_CAST "tables"))
                item = t->last;
        }
        while (item != NULL &&
               (item->type != XML_ELEMENT_NODE ||
                !xmlStrEqual(item->name, BAD_CAST "procurement")))
            item = item->prev;
        CU_ASSERT_PTR_NOT_NULL_FATAL(item);
        item = xmlFirstElementChild(item);
        while (item != NULL && !xmlStrEqual(item->name, BAD_CAST "item"))
            item = xmlNextElementSibling(item);
        CU_ASSERT_PTR_NOT_NULL_FATAL(item);
        xmlAddNextSibling(item, xmlCopyNode(item, 1));
    }
}

/*
 * A code a list lacks is reported once per document, at its first row:
 * the partial list's notice counts the other rows, the complete list's
 * error also lists their lines (the first 20, then how many more).
 */
static void test_unknown_code_once(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    struct bx_diags d;
    struct bx_coverage cov;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    many_items(doc, 25); /* 27 items, one code */
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT_EQUAL(count(&d, "BR-050", BX_SEV_INFO), 1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(message_of(&d, "BR-050", 1), "used in 26 more rows ("));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(message_of(&d, "BR-050", 0), "另有 26 行使用该编码"));
    bx_coverage_release(&cov);
    bx_diags_release(&d);

    bx_diags_init(&d);
    judge_complete(doc, &d);
    CU_ASSERT_EQUAL(count(&d, "BR-050", BX_SEV_ERROR), 1);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(message_of(&d, "BR-050", 1), "used in 26 more rows (lines "));
    CU_ASSERT_PTR_NOT_NULL(strstr(message_of(&d, "BR-050", 1), " and 6 more)"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(message_of(&d, "BR-050", 0), " 行等，共 26 行）"));
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

/* Errors and warnings of 'rule'. */
static size_t reported(const struct bx_diags *d, const char *rule)
{
    return count(d, rule, BX_SEV_ERROR) + count(d, rule, BX_SEV_WARNING);
}

/*
 * A narrative-only disclosure that lists its tables as published
 * pictures (picture="true", as docs/format.md describes) is the same as
 * one with <tables/>: no table is empty or missing its note (BR-053,
 * BR-109), no explained item or project is missing from a table (BR-106,
 * BR-111, BR-047), no fixed row is missing (BR-119), the report says the
 * table identities could not be checked, and the text's own sums are
 * still checked (BR-118).
 */
static void test_pictured_tables_are_not_empty(void)
{
    static const char *const rules[] = {"BR-053", "BR-109", "BR-106",
                                        "BR-111", "BR-047", "BR-119"};
    static const char pictured[] =
        "<tables><budgetSummary no=\"一\" picture=\"true\"/>"
        "<incomeSummary picture=\"true\"/>"
        "<expenditureSummary picture=\"true\"/>"
        "<fiscalSummary picture=\"true\"/>"
        "<gpbExpenditure picture=\"true\"/><gpbBasic picture=\"true\"/>"
        "<threePublic picture=\"true\"/>"
        "<govFundExpenditure picture=\"true\"/>"
        "<projectExpenditure picture=\"true\"/>"
        "<projectPerformance picture=\"true\"/></tables>";
    FILE *fp = fopen(test_path("samples/example-narrative-only-2024.xml"), "rb");
    char *text = calloc(1, 1 << 20);
    char *out = calloc(1, (1 << 20) + sizeof(pictured));
    char *at;
    size_t len;
    size_t i;
    xmlDocPtr doc;
    struct bx_diags d;
    struct bx_coverage cov;

    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    CU_ASSERT_FATAL(text != NULL && out != NULL);
    len = fread(text, 1, (1 << 20) - 1, fp);
    fclose(fp);
    at = strstr(text, "<tables/>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    memcpy(out, text, (size_t)(at - text));
    strcat(out, pictured);
    strcat(out, at + strlen("<tables/>"));
    doc = xmlReadMemory(out, (int)strlen(out), "pictured.xml", NULL,
                        XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);

    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
        CU_ASSERT_EQUAL(reported(&d, rules[i]), 0);
    CU_ASSERT_EQUAL(d.by_severity[BX_SEV_ERROR], 0);
    CU_ASSERT(cov.narrative_only);
    bx_coverage_release(&cov);
    bx_diags_release(&d);

    new_value = "1012.17"; /* the first 收入总计 of the text, 1 万元 up */
    CU_ASSERT_EQUAL(each(doc,
                         "(/bx:disclosure/bx:explanation//bx:fig"
                         "[@of='income.total'][not(@role)])[1]",
                         set_value),
                    1);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT(count(&d, "BR-118", BX_SEV_ERROR) > 0);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
    free(text);
    free(out);
    (void)len;
}

/* Move every leaf func of 'table' to be a row of the table itself and drop
 * the subtotal rows: the table keyed by 项 only. */
static void flatten(xmlNodePtr table)
{
    xmlNodePtr leaves[256];
    int n = 0;
    int i;
    xmlNodePtr c;
    xmlNodePtr next;
    xmlNodePtr stack[256];
    int top = 0;

    for (c = table->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, BAD_CAST "func"))
            stack[top++] = c;
    while (top > 0 && n < 256) {
        xmlNodePtr f = stack[--top];
        int kids = 0;

        for (c = f->children; c != NULL; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && top < 256) {
                stack[top++] = c;
                kids++;
            }
        }
        if (kids == 0)
            leaves[n++] = f;
    }
    for (i = 0; i < n; i++)
        xmlUnlinkNode(leaves[i]);
    for (c = table->children; c != NULL; c = next) {
        next = c->next;
        if (c->type == XML_ELEMENT_NODE &&
            xmlStrEqual(c->name, BAD_CAST "func")) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        }
    }
    /* before the notes, which the schema wants last */
    for (c = table->children; c != NULL; c = c->next)
        if (c->type == XML_ELEMENT_NODE &&
            xmlStrEqual(c->name, BAD_CAST "note"))
            break;
    for (i = n - 1; i >= 0; i--) {
        if (c != NULL)
            xmlAddPrevSibling(c, leaves[i]);
        else
            xmlAddChild(table, leaves[i]);
    }
}

/*
 * central-9 leaves subtotal rows open (subtotals="optional"): its sample
 * nests 类 > 款 > 项, and the same T5 printed by 项 only is as good
 * (BR-119 and the roll-up BR-010 silent); a 款 row left flat among 项
 * rows is not.
 */
static void test_optional_subtotals(void)
{
    xmlDocPtr doc = xmlReadFile(
        test_path("samples/example-central-department-2024.xml"), NULL,
        XML_PARSE_NONET);
    xmlXPathContextPtr xp;
    xmlXPathObjectPtr o;
    struct bx_diags d;
    struct bx_coverage cov;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xp = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    o = xmlXPathEvalExpression(
        BAD_CAST "/bx:disclosure/bx:tables/bx:gpbExpenditure", xp);
    CU_ASSERT_FATAL(o != NULL && o->nodesetval != NULL &&
                    o->nodesetval->nodeNr == 1);
    flatten(o->nodesetval->nodeTab[0]);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    CU_ASSERT_EQUAL(each(doc, "/bx:disclosure/bx:tables/bx:gpbExpenditure/"
                              "bx:func/bx:func",
                         set_value),
                    0);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT_EQUAL(reported(&d, "BR-119"), 0);
    CU_ASSERT_EQUAL(reported(&d, "BR-010"), 0);
    bx_coverage_release(&cov);
    bx_diags_release(&d);

    new_value = "20501"; /* a 款 code among the 项 rows */
    CU_ASSERT_EQUAL(each(doc,
                         "/bx:disclosure/bx:tables/bx:gpbExpenditure/"
                         "bx:func[1]/@code",
                         set_value),
                    1);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(judge(ctx, doc, &d, &cov), BX_OK);
    CU_ASSERT(count(&d, "BR-119", BX_SEV_ERROR) > 0);
    bx_coverage_release(&cov);
    bx_diags_release(&d);
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

/* ------------------------------------------------------------------ */
/* budgetx codes import                                                */
/* ------------------------------------------------------------------ */

static const char function_csv[] =
    "\xef\xbb\xbf" "2024年支出功能分类科目\n"
    "科目编码,科目名称,级次\n"
    "201,一般公共服务支出,1\n"
    "20101,人大事务,2\n"
    "'2010101,\"行政运行\",3\n"
    "2019999,其他一般公共服务支出,3\n"
    ",小计,\n"
    "9x,坏行,3\n"
    "201,重复,1\n";

/* A UTF-8 export with BOM, a title row, quotes, a bad and a double row. */
static void test_import_csv(void)
{
    struct bx_diags d;
    char *xml = NULL;
    size_t len = 0;
    size_t warnings;

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(bx_codes_import(function_csv, sizeof(function_csv) - 1,
                                    "f.csv", BX_CODES_FUNCTION, 2024, &d,
                                    &xml, &len),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "complete=\"true\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(xml, "<code value=\"2010101\" name=\"行政运行\""));
    CU_ASSERT_PTR_NULL(strstr(xml, "重复"));
    CU_ASSERT_PTR_NULL(strstr(xml, "坏行"));
    warnings = d.by_severity[BX_SEV_WARNING];
    CU_ASSERT_EQUAL(warnings, 2); /* 9x and the second 201 */
    free(xml);
    bx_diags_release(&d);
}

/* The same bytes in GB18030 give the same list. */
static void test_import_gb18030(void)
{
    static const char gb[] = "\xbf\xc6\xc4\xbf\xb1\xe0\xc2\xeb," /* 科目编码 */
                             "\xbf\xc6\xc4\xbf\xc3\xfb\xb3\xc6\n" /* 科目名称 */
                             "2010101,\xd0\xd0\xd5\xfe\xd4\xcb\xd0\xd0\n"; /* 行政运行 */
    struct bx_diags d;
    char *xml = NULL;

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(bx_codes_import(gb, sizeof(gb) - 1, "g.csv",
                                    BX_CODES_FUNCTION, 2024, &d, &xml, NULL),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL(xml != NULL ? strstr(xml, "name=\"行政运行\"")
                                       : NULL);
    free(xml);
    bx_diags_release(&d);
}

/* No header, binary bytes, the mapping with 行政/参公/事业. */
static void test_import_refuses_and_maps(void)
{
    static const char noheader[] = "201,一般公共服务支出\n";
    static const char binary[] = "PK\x03\x04\0\0";
    static const char mapping[] =
        "部门经济分类编码,政府经济分类编码,单位类型\n"
        "30101,50101,行政单位\n30101,50101,参公\n30101,50501,事业单位\n"
        "30101,50101,企业\n";
    struct bx_diags d;
    char *xml = NULL;

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(bx_codes_import(noheader, sizeof(noheader) - 1, "n.csv",
                                    BX_CODES_FUNCTION, 2024, &d, &xml, NULL),
                    BX_E_DATA);
    CU_ASSERT(bx_diags_has(&d, "CODES-HEADER"));
    CU_ASSERT_EQUAL(bx_codes_import(binary, sizeof(binary) - 1, "b.csv",
                                    BX_CODES_FUNCTION, 2024, &d, &xml, NULL),
                    BX_E_DATA);
    CU_ASSERT(bx_diags_has(&d, "CODES-ENCODING"));
    CU_ASSERT_PTR_NULL(xml);
    CU_ASSERT_EQUAL(bx_codes_import(mapping, sizeof(mapping) - 1, "m.csv",
                                    BX_CODES_MAPPING, 2024, &d, &xml, NULL),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xml);
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "gov=\"50101\" unitKind=\"机关\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(xml, "gov=\"50501\" unitKind=\"事业\""));
    /* 行政 and 参公 are one 机关 entry; 企业 is no unit kind */
    CU_ASSERT_PTR_NULL(strstr(strstr(xml, "机关") + 1, "机关"));
    CU_ASSERT(bx_diags_has(&d, "CODES-ROW"));
    free(xml);
    bx_diags_release(&d);
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
        CU_add_test(s, "table in its own unit", test_table_in_its_own_unit) ==
            NULL ||
        CU_add_test(s, "tolerance counts non-zero parts",
                    test_tolerance_counts_nonzero_parts) == NULL ||
        CU_add_test(s, "partial and complete code lists",
                    test_partial_and_complete_lists) == NULL ||
        CU_add_test(s, "unknown code once", test_unknown_code_once) == NULL ||
        CU_add_test(s, "reports state coverage", test_reports_state_coverage) ==
            NULL ||
        CU_add_test(s, "pictured tables are not empty",
                    test_pictured_tables_are_not_empty) == NULL ||
        CU_add_test(s, "optional subtotals", test_optional_subtotals) == NULL ||
        CU_add_test(s, "import csv", test_import_csv) == NULL ||
        CU_add_test(s, "import gb18030", test_import_gb18030) == NULL ||
        CU_add_test(s, "import refuses and maps",
                    test_import_refuses_and_maps) == NULL)
        return -1;
    return 0;
}
