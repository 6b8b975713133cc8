/*
 * Business rules through the public API: the seed's known findings, the
 * consistent samples passing, one broken variant per rule
 * (tests/rules/fixtures.txt), failure paths (no schema validation, a
 * broken rule file, a year without rules, missing optional tables) and the
 * XML/HTML reports.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpathInternals.h>

#include "budgetx.h"
#include "testutil.h"

#define SEED "samples/pingdingshan-hitech-service-center-2024.xml"
#define EDU "samples/example-county-education-bureau-2024.xml"
#define HEALTH "samples/example-district-health-commission-2024.xml"

static struct bx_context *ctx;

static const char *sample_path(const char *name)
{
    if (strcmp(name, "edu") == 0)
        return test_path(EDU);
    if (strcmp(name, "health") == 0)
        return test_path(HEALTH);
    return test_path(SEED);
}

/* Schema-check and rule-check 'buf'; findings go to 'd'.  Returns the
 * bx_rules_check() status, or -100 when the document is not
 * schema-valid. */
static int check_memory(const void *buf, size_t len, struct bx_diags *d)
{
    struct bx_submission *sub = NULL;
    int rc = bx_submission_load_memory(ctx, buf, len, "fixture.xml", d, &sub);

    if (rc == BX_OK)
        rc = bx_validate_schema(ctx, sub, d);
    if (rc == BX_OK && bx_submission_schema_valid(sub) != 1)
        rc = -100;
    if (rc == BX_OK)
        rc = bx_rules_check(ctx, sub, d);
    bx_submission_free(sub);
    return rc;
}

static int check_doc(xmlDocPtr doc, struct bx_diags *d)
{
    xmlChar *mem = NULL;
    int len = 0;
    int rc;

    xmlDocDumpMemory(doc, &mem, &len);
    rc = check_memory(mem, (size_t)len, d);
    xmlFree(mem);
    return rc;
}

static xmlDocPtr read_sample(const char *name)
{
    return xmlReadFile(sample_path(name), NULL, XML_PARSE_NONET);
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

static const struct bx_diag *find(const struct bx_diags *d, const char *rule,
                                  const char *row)
{
    size_t i;

    for (i = 0; i < d->count; i++) {
        const struct bx_diag *x = &d->items[i];

        if (x->rule != NULL && strcmp(x->rule, rule) == 0 &&
            (row == NULL || (x->row != NULL && strstr(x->row, row))))
            return x;
    }
    return NULL;
}

static int check_file(const char *rel, struct bx_diags *d)
{
    struct bx_submission *sub = NULL;
    int rc = bx_submission_load(ctx, test_path(rel), d, &sub);

    if (rc == BX_OK)
        rc = bx_validate_schema(ctx, sub, d);
    if (rc == BX_OK)
        rc = bx_rules_check(ctx, sub, d);
    bx_submission_free(sub);
    return rc;
}

/* ------------------------------------------------------------------ */

static void test_rules_seed_keeps_its_real_findings(void)
{
    struct bx_diags d;
    const struct bx_diag *x;

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(check_file(SEED, &d), BX_OK);
    /* BR-027: 30199 paired with 50101, the 对照表 gives 50199 */
    CU_ASSERT_EQUAL(count(&d, "BR-027", BX_SEV_ERROR), 2);
    /* BR-034: ≤2.08万元 vs 2.7; ≤14万元 vs 19.0 covers only part of a
     * compound project: BR-114, a notice */
    CU_ASSERT_EQUAL(count(&d, "BR-034", BX_SEV_WARNING), 1);
    CU_ASSERT_EQUAL(count(&d, "BR-114", BX_SEV_INFO), 1);
    CU_ASSERT_PTR_NOT_NULL(find(&d, "BR-114", "政务大厅硬件设施维护"));
    x = find(&d, "BR-034", "2024年工装制作费用");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_STRING_EQUAL(x->printed, "2.7");
    CU_ASSERT_STRING_EQUAL(x->computed, "2.08");
    CU_ASSERT_STRING_EQUAL(x->difference, "0.62");
    /* BR-109: T14 has data and says 本表无数据 */
    CU_ASSERT_EQUAL(count(&d, "BR-109", BX_SEV_WARNING), 1);
    /* BR-105: T4 row 九 医疗卫生与计划生育支出 (code 209) */
    x = find(&d, "BR-105", "209");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(x->severity, BX_SEV_ERROR);
    /* BR-052: 行政运行 carries 110.9 of project money */
    CU_ASSERT_EQUAL(count(&d, "BR-052", BX_SEV_WARNING), 1);
    /* T6 合计 68.7 vs 65.4 + 3.4: a rounding tail, info */
    x = find(&d, "BR-012", "合计");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(x->severity, BX_SEV_INFO);
    CU_ASSERT_STRING_EQUAL(x->tolerance, "0.15");
    CU_ASSERT_STRING_EQUAL(x->table, "表六 一般公共预算基本支出表");
    CU_ASSERT_EQUAL(d.by_severity[BX_SEV_ERROR], 3);
    CU_ASSERT_EQUAL(d.by_severity[BX_SEV_FATAL], 0);
    bx_diags_release(&d);
}

static void test_rules_consistent_samples_pass(void)
{
    static const char *const files[] = {EDU, HEALTH};
    size_t i;

    for (i = 0; i < 2; i++) {
        struct bx_diags d;

        bx_diags_init(&d);
        CU_ASSERT_EQUAL(check_file(files[i], &d), BX_OK);
        CU_ASSERT_EQUAL(d.by_severity[BX_SEV_ERROR], 0);
        CU_ASSERT_EQUAL(d.by_severity[BX_SEV_WARNING], 0);
        CU_ASSERT_EQUAL(d.by_severity[BX_SEV_FATAL], 0);
        if (d.count > 0 && d.by_severity[BX_SEV_INFO] != d.count)
            fprintf(stderr, "\n%s: %s\n", files[i],
                    bx_diag_message(&d.items[0], BX_LANG_EN));
        bx_diags_release(&d);
    }
}

static void test_rules_finding_carries_every_field(void)
{
    xmlDocPtr doc = read_sample("seed");
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    struct bx_diags d;
    const struct bx_diag *x;

    /* the example: T5 row 2080505 basic printed 3.5, parts 3.9 */
    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    o = xmlXPathEvalExpression(BAD_CAST
                               "/bx:disclosure/bx:tables/bx:gpbExpenditure//"
                               "bx:func[@code='2080505']/@wages",
                               xp);
    CU_ASSERT_FATAL(o != NULL && o->nodesetval && o->nodesetval->nodeNr);
    xmlNodeSetContent(o->nodesetval->nodeTab[0], BAD_CAST "3.9");
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(check_doc(doc, &d), BX_OK);
    x = find(&d, "BR-009", "2080505");
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_EQUAL(x->severity, BX_SEV_ERROR);
    CU_ASSERT_STRING_EQUAL(x->code, "BR-009");
    CU_ASSERT_STRING_EQUAL(x->table, "表五 一般公共预算支出情况表");
    CU_ASSERT_STRING_EQUAL(x->row, "2080505 机关事业单位基本养老保险缴费支出");
    CU_ASSERT_STRING_EQUAL(x->column_label, "基本支出");
    CU_ASSERT_STRING_EQUAL(x->printed, "3.5");
    CU_ASSERT_STRING_EQUAL(x->computed, "3.9");
    CU_ASSERT_STRING_EQUAL(x->difference, "-0.4");
    /* (k+1)·u/2 with k = 1 part printed non-zero (工资福利 3.9) */
    CU_ASSERT_STRING_EQUAL(x->tolerance, "0.1");
    CU_ASSERT(x->line > 0);
    CU_ASSERT_PTR_NOT_NULL(x->xpath);
    CU_ASSERT_PTR_NOT_NULL(strstr(x->message_en, "printed 3.5"));
    CU_ASSERT_PTR_NOT_NULL(strstr(x->message_zh, "填报 3.5"));
    bx_diags_release(&d);
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

struct change {
    char op[8];
    char xpath[1024];
    char value[256];
};

struct fixture {
    char rule[16];
    char sev[16];
    char sample[16];
    struct change changes[4];
    int nchanges;
    int line;
};

static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;

    while (n < max) {
        f[n++] = p;
        p = strchr(p, '\t');
        if (p == NULL)
            break;
        *p++ = '\0';
    }
    return n;
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

/* Read tests/rules/fixtures.txt into 'fx' (at most 'max'). */
static int read_fixtures(struct fixture *fx, int max)
{
    FILE *fp = fopen(test_path("tests/rules/fixtures.txt"), "r");
    char line[2048];
    int n = 0;
    int lineno = 0;

    if (fp == NULL)
        return -1;
    while (fgets(line, sizeof(line), fp) != NULL) {
        char *f[6];
        struct change *c;

        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (split_tabs(line, f, 6) < 5)
            continue;
        if (strcmp(f[0], "+") != 0) {
            if (n == max)
                break;
            memset(&fx[n], 0, sizeof(fx[n]));
            copy(fx[n].rule, sizeof(fx[n].rule), f[0]);
            copy(fx[n].sev, sizeof(fx[n].sev), f[1]);
            copy(fx[n].sample, sizeof(fx[n].sample), f[2]);
            fx[n].line = lineno;
            n++;
        }
        if (n == 0 || fx[n - 1].nchanges == 4)
            continue;
        c = &fx[n - 1].changes[fx[n - 1].nchanges++];
        copy(c->op, sizeof(c->op), f[3]);
        copy(c->xpath, sizeof(c->xpath), f[4]);
        copy(c->value, sizeof(c->value), f[5] ? f[5] : "");
    }
    fclose(fp);
    return n;
}

static int apply(xmlDocPtr doc, const struct change *c)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o;
    xmlNodePtr node = NULL;
    int del = strcmp(c->op, "del") == 0;

    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    o = xmlXPathEvalExpression(BAD_CAST c->xpath, xp);
    if (o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr == 1) {
        node = o->nodesetval->nodeTab[0];
        if (del)
            xmlUnlinkNode(node);
        else
            xmlNodeSetContent(node, BAD_CAST c->value);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    /* freed only now: the XPath result still pointed at it */
    if (del && node != NULL)
        xmlFreeNode(node);
    return node != NULL;
}

static enum bx_severity sev_of(const char *s)
{
    if (strcmp(s, "warning") == 0)
        return BX_SEV_WARNING;
    if (strcmp(s, "info") == 0)
        return BX_SEV_INFO;
    return BX_SEV_ERROR;
}

/* 1 when the fixture makes its rule report once more than the sample
 * (for severity "none": no more than the sample). */
static int run_fixture(const struct fixture *fx)
{
    xmlDocPtr doc = read_sample(fx->sample);
    struct bx_diags base;
    struct bx_diags d;
    enum bx_severity sev = sev_of(fx->sev);
    int ok = doc != NULL;
    int rc;
    int i;

    bx_diags_init(&base);
    bx_diags_init(&d);
    if (ok)
        ok = check_doc(doc, &base) == BX_OK;
    for (i = 0; ok && i < fx->nchanges; i++)
        ok = apply(doc, &fx->changes[i]);
    if (!ok) {
        fprintf(stderr, "\nfixtures.txt:%d: the change does not apply\n",
                fx->line);
    } else {
        rc = check_doc(doc, &d);
        if (strcmp(fx->sev, "none") == 0)
            /* another template's finding: this one must stay silent */
            ok = rc == BX_OK &&
                 count(&d, fx->rule, BX_SEV_ERROR) <=
                     count(&base, fx->rule, BX_SEV_ERROR) &&
                 count(&d, fx->rule, BX_SEV_WARNING) <=
                     count(&base, fx->rule, BX_SEV_WARNING);
        else
            ok = rc == BX_OK &&
                 count(&d, fx->rule, sev) > count(&base, fx->rule, sev);
        if (!ok)
            fprintf(stderr, "\nfixtures.txt:%d: %s %s not reported (rc %d)\n",
                    fx->line, fx->rule, fx->sev, rc);
    }
    bx_diags_release(&base);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
    return ok;
}

static void test_rules_every_fixture_breaks_its_rule(void)
{
    static struct fixture fx[200];
    int n = read_fixtures(fx, 200);
    int i;

    CU_ASSERT_FATAL(n > 0);
    for (i = 0; i < n; i++)
        CU_ASSERT(run_fixture(&fx[i]));
}

/* Every rule of the rule set has at least one fixture. */
static void test_rules_every_rule_has_a_fixture(void)
{
    static struct fixture fx[200];
    int n = read_fixtures(fx, 200);
    xmlDocPtr rules =
        xmlReadFile(test_path("schemas/rules/2024.xml"), NULL, XML_PARSE_NONET);
    xmlXPathContextPtr xp = xmlXPathNewContext(rules);
    xmlXPathObjectPtr o;
    int i;
    int j;

    xmlXPathRegisterNs(xp, BAD_CAST "r", BAD_CAST "urn:budgetx:rules:1");
    o = xmlXPathEvalExpression(BAD_CAST "/r:ruleset/r:rule/@id", xp);
    CU_ASSERT_FATAL(o != NULL && o->nodesetval != NULL);
    for (i = 0; i < o->nodesetval->nodeNr; i++) {
        xmlChar *id = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
        int found = 0;

        for (j = 0; j < n && !found; j++)
            found = strcmp(fx[j].rule, (const char *)id) == 0;
        if (!found)
            fprintf(stderr, "\n%s has no fixture\n", id);
        CU_ASSERT(found);
        xmlFree(id);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(rules);
}

/* ------------------------------------------------------------------ */
/* Failure paths                                                       */
/* ------------------------------------------------------------------ */

static void test_rules_refuses_unvalidated_submission(void)
{
    struct bx_submission *sub = NULL;
    struct bx_diags d;

    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(bx_submission_load(ctx, test_path(SEED), &d, &sub),
                          BX_OK);
    CU_ASSERT_EQUAL(bx_rules_check(ctx, sub, &d), BX_E_STATE);
    bx_submission_free(sub);
    bx_diags_release(&d);
}

static void test_rules_missing_optional_tables_do_not_fire(void)
{
    static const char *const drop[] = {
        "threePublic",     "govFundExpenditure", "projectExpenditure",
        "deptPerformance", "projectPerformance", "stateCapitalExpenditure",
        "procurement",     "economicSummary"};
    xmlDocPtr doc = read_sample("edu");
    struct bx_diags d;
    struct change c;
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    memset(&c, 0, sizeof(c));
    copy(c.op, sizeof(c.op), "del");
    for (i = 0; i < sizeof(drop) / sizeof(drop[0]); i++) {
        snprintf(c.xpath, sizeof(c.xpath), "/bx:disclosure/bx:tables/bx:%s",
                 drop[i]);
        CU_ASSERT(apply(doc, &c));
    }
    /* the profile asks for those tables: make it a template without them */
    snprintf(c.xpath, sizeof(c.xpath), "/bx:disclosure/bx:metadata/bx:profile");
    copy(c.op, sizeof(c.op), "set");
    copy(c.value, sizeof(c.value), "other");
    CU_ASSERT(apply(doc, &c));
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(check_doc(doc, &d), BX_OK);
    /* only the narrative can now disagree (it still cites those tables) */
    CU_ASSERT_EQUAL(count(&d, "BR-031", BX_SEV_ERROR), 0);
    CU_ASSERT_EQUAL(count(&d, "BR-032", BX_SEV_ERROR), 0);
    CU_ASSERT_EQUAL(count(&d, "BR-053", BX_SEV_ERROR), 0);
    CU_ASSERT_EQUAL(d.by_severity[BX_SEV_FATAL], 0);
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

static void test_rules_unknown_year_falls_back_with_warning(void)
{
    xmlDocPtr doc = read_sample("edu");
    struct bx_diags d;
    struct change c;

    memset(&c, 0, sizeof(c));
    copy(c.op, sizeof(c.op), "set");
    copy(c.xpath, sizeof(c.xpath), "/bx:disclosure/bx:metadata/bx:fiscalYear");
    copy(c.value, sizeof(c.value), "2031");
    CU_ASSERT(apply(doc, &c));
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(check_doc(doc, &d), BX_OK);
    CU_ASSERT(bx_diags_has(&d, "RULES-FALLBACK"));
    bx_diags_release(&d);
    xmlFreeDoc(doc);
}

/* A rule file that breaks rules.xsd is refused with BX_E_DATA. */
static void test_rules_broken_rule_file_is_data_error(void)
{
    char dir[] = "/tmp/bx-rules-XXXXXX";
    char cmd[4096];
    struct bx_options o;
    struct bx_context *c2 = NULL;
    struct bx_submission *sub = NULL;
    struct bx_diags d;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(cmd, sizeof(cmd),
             "cp -R '%s/schemas' '%s/' && sed -i 's/severity=\"error\"/"
             "severity=\"fatal\"/' '%s/schemas/rules/2024.xml'",
             test_root(), dir, dir);
    CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
    bx_options_init(&o);
    o.data_dir = dir;
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(bx_context_new(&o, &d, &c2), BX_OK);
    CU_ASSERT_EQUAL(bx_submission_load(c2, test_path(SEED), &d, &sub), BX_OK);
    CU_ASSERT_EQUAL(bx_validate_schema(c2, sub, &d), BX_OK);
    CU_ASSERT_EQUAL(bx_rules_check(c2, sub, &d), BX_E_DATA);
    CU_ASSERT(d.by_severity[BX_SEV_FATAL] > 0);
    /* asked again: the failure is remembered, not reloaded */
    CU_ASSERT_EQUAL(bx_rules_check(c2, sub, &d), BX_E_DATA);
    bx_submission_free(sub);
    bx_context_free(c2);
    bx_diags_release(&d);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

static void render(enum bx_report_format fmt, char **out, size_t *len)
{
    struct bx_submission *sub = NULL;
    struct bx_file_result fr;
    struct bx_report rep;
    struct bx_diags d;

    bx_diags_init(&d);
    memset(&fr, 0, sizeof(fr));
    CU_ASSERT_EQUAL(bx_submission_load(ctx, test_path(SEED), &d, &sub), BX_OK);
    CU_ASSERT_EQUAL(bx_validate_schema(ctx, sub, &d), BX_OK);
    CU_ASSERT_EQUAL(bx_rules_check(ctx, sub, &d), BX_OK);
    fr.path = "seed.xml";
    fr.sha256 = bx_submission_sha256(sub);
    fr.status = BX_OK;
    fr.schema_valid = bx_submission_schema_valid(sub);
    fr.diags = &d;
    CU_ASSERT_EQUAL(
        bx_rules_ruleset(ctx, sub, &fr.ruleset_id, &fr.ruleset_version), BX_OK);
    memset(&rep, 0, sizeof(rep));
    rep.files = &fr;
    rep.nfiles = 1;
    rep.lang = BX_LANG_ZH;
    rep.fail_on = BX_SEV_ERROR;
    CU_ASSERT_EQUAL(bx_report_render(&rep, fmt, ctx, out, len), BX_OK);
    bx_submission_free(sub);
    bx_diags_release(&d);
}

static void test_rules_xml_report_matches_its_schema(void)
{
    char *out = NULL;
    size_t len = 0;
    xmlDocPtr doc;
    xmlDocPtr xsd;
    xmlSchemaParserCtxtPtr pc;
    xmlSchemaPtr schema;
    xmlSchemaValidCtxtPtr vc;

    render(BX_REPORT_XML, &out, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "verdict=\"rejected\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<ruleset id=\"budgetx-rules-2024\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<tolerance>0.15</tolerance>"));
    doc = xmlReadMemory(out, (int)len, "report.xml", NULL, XML_PARSE_NONET);
    xsd = xmlReadFile(test_path("schemas/report.xsd"), NULL, XML_PARSE_NONET);
    CU_ASSERT_FATAL(doc != NULL && xsd != NULL);
    pc = xmlSchemaNewDocParserCtxt(xsd);
    schema = xmlSchemaParse(pc);
    vc = xmlSchemaNewValidCtxt(schema);
    CU_ASSERT_EQUAL(xmlSchemaValidateDoc(vc, doc), 0);
    xmlSchemaFreeValidCtxt(vc);
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
    xmlFreeDoc(xsd);
    xmlFreeDoc(doc);
    free(out);
}

static void test_rules_html_report_groups_by_table(void)
{
    char *out = NULL;
    size_t len = 0;

    render(BX_REPORT_HTML, &out, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<html"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "未通过"));
    CU_ASSERT_PTR_NOT_NULL(strstr(out, "<h3>表六 一般公共预算基本支出表</h3>"));
    /* self-contained: nothing fetched from elsewhere */
    CU_ASSERT_PTR_NULL(strstr(out, "<script"));
    CU_ASSERT_PTR_NULL(strstr(out, "<link"));
    CU_ASSERT_EQUAL(strlen(out), len);
    free(out);
}

/* ------------------------------------------------------------------ */

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

int bx_test_suite_rules(void)
{
    CU_pSuite s = CU_add_suite("rules", suite_init, suite_clean);

    if (s == NULL)
        return -1;
    if (CU_add_test(s, "seed keeps its real findings",
                    test_rules_seed_keeps_its_real_findings) == NULL ||
        CU_add_test(s, "consistent samples pass",
                    test_rules_consistent_samples_pass) == NULL ||
        CU_add_test(s, "finding carries every field",
                    test_rules_finding_carries_every_field) == NULL ||
        CU_add_test(s, "every fixture breaks its rule",
                    test_rules_every_fixture_breaks_its_rule) == NULL ||
        CU_add_test(s, "every rule has a fixture",
                    test_rules_every_rule_has_a_fixture) == NULL ||
        CU_add_test(s, "refuses unvalidated submission",
                    test_rules_refuses_unvalidated_submission) == NULL ||
        CU_add_test(s, "missing optional tables do not fire",
                    test_rules_missing_optional_tables_do_not_fire) == NULL ||
        CU_add_test(s, "unknown year falls back with warning",
                    test_rules_unknown_year_falls_back_with_warning) == NULL ||
        CU_add_test(s, "broken rule file is a data error",
                    test_rules_broken_rule_file_is_data_error) == NULL ||
        CU_add_test(s, "xml report matches its schema",
                    test_rules_xml_report_matches_its_schema) == NULL ||
        CU_add_test(s, "html report groups by table",
                    test_rules_html_report_groups_by_table) == NULL)
        return -1;
    return 0;
}
