/*
 * Unit tests: with csv.xsl's $x-csv-direct, x:head-rows and x:keyed-rows
 * (src/xslt_grid.c) write the rows of a table as CSV lines instead of
 * grid rows; the CSV files and index.csv are the bytes of the grid way
 * ($x-csv-direct false), of the XSLT fallbacks of both elements and of
 * the XSLT fields and index lines ($x-ext false), for every sample and
 * a sample bent to reach quoting, formula defusing, an empty table, T8's
 * unkeyed row and index lines without a printed title or with two
 * notes, in both languages.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "budgetx.h"
#include "xslt_exsl.h"
#include "xslt_ext.h"

#define EXT (const xmlChar *)XSLT_EXT_NS
#define BX "urn:budgetx:disclosure:1"

static const char *const samples[] = {
    "samples/example-central-department-2024.xml",
    "samples/example-county-education-bureau-2024.xml",
    "samples/example-district-health-commission-2024.xml",
    "samples/example-narrative-only-2024.xml",
    "samples/example-province-education-department-2024.xml",
    "samples/example-shanghai-district-health-2024.xml",
    "samples/pingdingshan-hitech-service-center-2024.xml",
};

#define IMPORT_CSV(body)                                                       \
    "<xsl:stylesheet version='1.0'"                                            \
    " xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"                        \
    " xmlns:m='urn:budgetx:xslt:meta'>"                                        \
    "<xsl:import href='csv.xsl'/>" body "</xsl:stylesheet>"

/* csv.xsl with the grid rows of the XSLT: $x-csv-direct false. */
#define OFF_XSL                                                                \
    IMPORT_CSV("<xsl:variable name='x-csv-direct' select='false()'/>")

/* csv.xsl where each table's file is "[c/r]": the m:csv of $g, its
 * header rows. */
#define PROBE_XSL                                                              \
    IMPORT_CSV("<xsl:template name='csv-grid'><xsl:param name='g'/>"           \
               "<xsl:value-of select=\"concat('[', count($g/*/m:csv), '/',"    \
               " count($g/m:head/m:row), ']')\"/></xsl:template>")

/* A stylesheet: xslt/csv.xsl itself, or 'text' importing it. */
static xsltStylesheetPtr sheet(const char *text)
{
    xmlDocPtr d;

    if (text == NULL) {
        return xsltParseStylesheetFile((const xmlChar *)"xslt/csv.xsl");
    }
    /* named in xslt/ so that its import finds csv.xsl */
    d = xmlReadMemory(text, (int)strlen(text), "xslt/csvdirect-test.xsl", NULL,
                      0);
    return d != NULL ? xsltParseStylesheetDoc(d) : NULL;
}

/* The text of 'style' on 'doc' in language 'lang' (quoted); caller frees. */
static xmlChar *render(xsltStylesheetPtr style, xmlDocPtr doc, const char *lang)
{
    const char *params[] = {"lang", lang, NULL};
    xmlDocPtr res = xsltApplyStylesheet(style, doc, params);
    xmlChar *out = NULL;
    int len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(res);
    xsltSaveResultToString(&out, &len, res, style);
    xmlFreeDoc(res);
    if (out == NULL) {
        out = xmlStrdup((const xmlChar *)"");
    }
    return out;
}

/* The first node of 'expr' in 'doc' (prefix bx; NULL: none). */
static xmlNodePtr first(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = NULL;
    xmlNodePtr n = NULL;

    if (x != NULL) {
        xmlXPathRegisterNs(x, (const xmlChar *)"bx", (const xmlChar *)BX);
        r = xmlXPathEvalExpression((const xmlChar *)expr, x);
        xmlXPathFreeContext(x);
    }
    if (r != NULL && r->nodesetval != NULL && r->nodesetval->nodeNr > 0) {
        n = r->nodesetval->nodeTab[0];
    }
    xmlXPathFreeObject(r);
    return n;
}

/*
 * The county sample, bent: a keyed row's name that starts a formula and
 * needs quotes (comma, quote, line feed), one that is a negative number
 * (kept), one starting with @; T12's unit with a comma (a quoted
 * header cell); T8 with a department row (its unkeyed row gets the total
 * label); a keyed table without rows.
 */
static xmlDocPtr bent_sample(void)
{
    xmlDocPtr doc = xmlReadFile(samples[1], NULL, 0);
    xmlNodePtr n;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    n = first(doc, "(//bx:incomeSummary//*[@code])[1]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    xmlSetProp(n, (const xmlChar *)"name",
               (const xmlChar *)"=HYPERLINK(\"x\"),1\n2");
    n = first(doc, "(//bx:gpbExpenditure//*[@code])[1]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    xmlSetProp(n, (const xmlChar *)"name", (const xmlChar *)"-12.5");
    n = first(doc, "(//bx:gpbExpenditure//*[@code])[2]");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    xmlSetProp(n, (const xmlChar *)"name", (const xmlChar *)"@cmd");
    n = first(doc, "//bx:projectPerformance");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    xmlSetProp(n, (const xmlChar *)"unit", (const xmlChar *)"万,元");
    n = first(doc, "//bx:threePublic");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    n = xmlNewChild(n, n->ns, (const xmlChar *)"dept", NULL);
    xmlSetProp(n, (const xmlChar *)"code", (const xmlChar *)"105");
    xmlSetProp(n, (const xmlChar *)"name", (const xmlChar *)"unit, row");
    xmlSetProp(n, (const xmlChar *)"total", (const xmlChar *)"1.00");
    /* index.csv: two notes; no title, department or unit of its own */
    n = first(doc, "//bx:budgetSummary");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    xmlNewTextChild(n, n->ns, (const xmlChar *)"note",
                    (const xmlChar *)"second, \"note\"");
    n = first(doc, "//bx:fiscalSummary");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    xmlUnsetProp(n, (const xmlChar *)"title");
    xmlUnsetProp(n, (const xmlChar *)"deptName");
    n = first(doc, "//bx:expenditureSummary");
    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    while (first(doc, "//bx:expenditureSummary/*[not(self::bx:note)]") !=
           NULL) {
        n = first(doc, "//bx:expenditureSummary/*[not(self::bx:note)]");
        xmlUnlinkNode(n);
        xmlFreeNode(n);
    }
    return doc;
}

/* 'style' on 'doc' without x:csv-field and x:csv-row: $x-ext false, the
 * fields and index.csv's lines of the XSLT (as xsltproc). */
static xmlChar *render_xslt_fields(xsltStylesheetPtr style, xmlDocPtr doc,
                                   const char *lang)
{
    xmlXPathFunction field =
        xsltExtModuleFunctionLookup((const xmlChar *)"csv-field", EXT);
    xmlXPathFunction row =
        xsltExtModuleFunctionLookup((const xmlChar *)"csv-row", EXT);
    xmlChar *out;

    CU_ASSERT_PTR_NOT_NULL_FATAL(field);
    CU_ASSERT_PTR_NOT_NULL_FATAL(row);
    xsltUnregisterExtModuleFunction((const xmlChar *)"csv-field", EXT);
    xsltUnregisterExtModuleFunction((const xmlChar *)"csv-row", EXT);
    out = render(style, doc, lang);
    xsltRegisterExtModuleFunction((const xmlChar *)"csv-field", EXT, field);
    xsltRegisterExtModuleFunction((const xmlChar *)"csv-row", EXT, row);
    return out;
}

/*
 * The same text with rows as CSV lines, as grid rows, as grid rows of
 * the XSLT fallbacks (x:keyed-rows and x:head-rows unregistered), and
 * with the fields and index lines of the XSLT.
 */
static void same_ways(xmlDocPtr doc, const char *lang, xmlChar **text)
{
    xsltTransformFunction keyed =
        xsltExtModuleElementLookup((const xmlChar *)"keyed-rows", EXT);
    xsltTransformFunction head =
        xsltExtModuleElementLookup((const xmlChar *)"head-rows", EXT);
    xsltStylesheetPtr on = sheet(NULL);
    xsltStylesheetPtr off = sheet(OFF_XSL);
    xmlChar *direct;
    xmlChar *grid;
    xmlChar *xslt;
    xmlChar *fields;

    CU_ASSERT_PTR_NOT_NULL_FATAL(keyed);
    CU_ASSERT_PTR_NOT_NULL_FATAL(head);
    CU_ASSERT_PTR_NOT_NULL_FATAL(on);
    CU_ASSERT_PTR_NOT_NULL_FATAL(off);
    direct = render(on, doc, lang);
    grid = render(off, doc, lang);
    xsltUnregisterExtModuleElement((const xmlChar *)"keyed-rows", EXT);
    xsltUnregisterExtModuleElement((const xmlChar *)"head-rows", EXT);
    xslt = render(on, doc, lang);
    xsltRegisterExtModuleElement((const xmlChar *)"keyed-rows", EXT, NULL,
                                 keyed);
    xsltRegisterExtModuleElement((const xmlChar *)"head-rows", EXT, NULL, head);
    fields = render_xslt_fields(on, doc, lang);
    CU_ASSERT_STRING_EQUAL(direct, grid);
    CU_ASSERT_STRING_EQUAL(direct, xslt);
    CU_ASSERT_STRING_EQUAL(direct, fields);
    xmlFree(grid);
    xmlFree(xslt);
    xmlFree(fields);
    xsltFreeStylesheet(on);
    xsltFreeStylesheet(off);
    *text = direct;
}

static void test_csvdirect_samples(void)
{
    xmlChar *text;
    xmlDocPtr doc;
    size_t i;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        doc = xmlReadFile(samples[i], NULL, 0);
        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        same_ways(doc, "'zh'", &text);
        CU_ASSERT_PTR_NOT_NULL(strstr((const char *)text, "header_rows"));
        xmlFree(text);
        same_ways(doc, "'en'", &text);
        xmlFree(text);
        xmlFreeDoc(doc);
    }
}

static void test_csvdirect_bent_sample(void)
{
    xmlDocPtr doc;
    xmlChar *zh;
    xmlChar *en;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    doc = bent_sample();
    same_ways(doc, "'zh'", &zh);
    same_ways(doc, "'en'", &en);
    /* the bends reached the lines */
    CU_ASSERT_PTR_NOT_NULL(
        strstr((const char *)zh, "\"'=HYPERLINK(\"\"x\"\"),1\n2\""));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)zh, ",-12.5,"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)zh, ",'@cmd,"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)zh, "（万,元）\""));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)zh, ",\"unit, row\","));
    /* the expenditure summary: header rows, no body rows */
    CU_ASSERT_PTR_NOT_NULL(strstr(
        (const char *)zh,
        "expenditureSummary,三,部门支出总体情况表,示例县教育局,万元,3,0,"));
    /* English header labels */
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)en, " / "));
    CU_ASSERT_PTR_NULL(strstr((const char *)zh, " / "));
    xmlFree(zh);
    xmlFree(en);
    xmlFreeDoc(doc);
}

/*
 * The direct way leaves no header rows and one m:csv per part with rows
 * (every table has header rows); the grid way none.
 */
static void test_csvdirect_grids_hold_lines(void)
{
    xsltStylesheetPtr probe;
    xmlDocPtr doc;
    xmlChar *text;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    doc = xmlReadFile(samples[0], NULL, 0);
    probe = sheet(PROBE_XSL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(probe);
    text = render(probe, doc, "'zh'");
    /* budgetSummary (pair rows): its head as lines, its body rows */
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)text, "[1/0]"));
    /* incomeSummary (keyed rows): head and body as lines */
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)text, "[2/0]"));
    CU_ASSERT_PTR_NULL(strstr((const char *)text, "[0/"));
    xmlFree(text);
    xsltFreeStylesheet(probe);
    xmlFreeDoc(doc);
}

int bx_test_suite_csvdirect(void)
{
    CU_pSuite s = CU_add_suite("csvdirect", NULL, NULL);

    if (s == NULL ||
        !CU_add_test(s, "samples: same bytes four ways",
                     test_csvdirect_samples) ||
        !CU_add_test(s, "bent sample: same bytes four ways",
                     test_csvdirect_bent_sample) ||
        !CU_add_test(s, "grids hold lines, not rows",
                     test_csvdirect_grids_hold_lines)) {
        return -1;
    }
    return 0;
}
