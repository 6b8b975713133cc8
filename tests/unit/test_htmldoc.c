/*
 * Unit tests: the parts of the page html.xsl has budgetx write as text
 * (src/xslt_ext.c: x:fig-span, x:p-content, x:table-section,
 * x:toc-tables; src/xslt_grid.c:
 * x:head-rows with $x-html-direct) are the bytes of their
 * XSLT fallbacks, on a sample bent to reach every case where the C has
 * to run the XSLT instead (values the serialiser could print otherwise),
 * in both languages; and the text is what the page gets where it can be.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libexslt/exslt.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "budgetx.h"
#include "xslt_ext.h"

#define EXT (const xmlChar *)XSLT_EXT_NS
#define BX "urn:budgetx:disclosure:1"
#define SAMPLE "samples/example-central-department-2024.xml"

/* The nodes of 'expr' in 'doc' (prefix bx); caller frees. */
static xmlXPathObjectPtr find(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr x = xmlXPathNewContext(doc);
    xmlXPathObjectPtr r = NULL;

    if (x != NULL) {
        xmlXPathRegisterNs(x, (const xmlChar *)"bx", (const xmlChar *)BX);
        r = xmlXPathEvalExpression((const xmlChar *)expr, x);
        xmlXPathFreeContext(x);
    }
    return r;
}

/* The 'i'th node of 'expr' in 'doc' (NULL: none). */
static xmlNodePtr nth(xmlDocPtr doc, const char *expr, int i)
{
    xmlXPathObjectPtr r = find(doc, expr);
    xmlNodePtr n =
        r != NULL && r->nodesetval != NULL && i < r->nodesetval->nodeNr
            ? r->nodesetval->nodeTab[i]
            : NULL;

    xmlXPathFreeObject(r);
    return n;
}

static int count(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr r = find(doc, expr);
    int n = r != NULL && r->nodesetval != NULL ? r->nodesetval->nodeNr : 0;

    xmlXPathFreeObject(r);
    return n;
}

/*
 * The sample, bent: the first table with a period, its own department
 * and unit (text to escape); the second with a note to escape; the
 * third with an empty note and the fourth without rows (both: the
 * XSLT); figures with @of to escape, with an element inside, outside a
 * paragraph (the XSLT) and plain (text); a paragraph with a comment
 * and text to escape.
 */
static xmlDocPtr bent_sample(void)
{
    xmlDocPtr doc = xmlReadFile(SAMPLE, NULL, 0);
    xmlNodePtr t;
    xmlNodePtr c;
    xmlNodePtr next;
    xmlNodePtr fig;
    xmlNodePtr sec;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    t = nth(doc, "/bx:disclosure/bx:tables/*", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    xmlSetProp(t, (const xmlChar *)"period", (const xmlChar *)"2024 & 2025");
    xmlSetProp(t, (const xmlChar *)"deptName",
               (const xmlChar *)"A <b> & \"c\"");
    xmlSetProp(t, (const xmlChar *)"unit", (const xmlChar *)"元");
    t = nth(doc, "/bx:disclosure/bx:tables/*", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    xmlNewTextChild(t, t->ns, (const xmlChar *)"note",
                    (const xmlChar *)"x < y & \"z\"");
    t = nth(doc, "/bx:disclosure/bx:tables/*", 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    xmlNewTextChild(t, t->ns, (const xmlChar *)"note", (const xmlChar *)"");
    t = nth(doc, "/bx:disclosure/bx:tables/*", 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (c = t->children; c != NULL; c = next) {
        next = c->next;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    fig = nth(doc, "//bx:fig", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fig);
    xmlSetProp(fig, (const xmlChar *)"of", (const xmlChar *)"a&\"b'");
    fig = nth(doc, "//bx:fig", 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fig);
    xmlNewTextChild(fig, fig->ns, (const xmlChar *)"para",
                    (const xmlChar *)"inner");
    fig = nth(doc, "//bx:fig", 2);
    sec = nth(doc, "//bx:section", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fig);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
    xmlUnlinkNode(fig);
    xmlAddChild(sec, fig);
    /* a table no template knows, without ordinal or title: its section
     * and the contents' list of tables by the XSLT */
    t = nth(doc, "/bx:disclosure/bx:tables", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    xmlNewChild(t, t->ns, (const xmlChar *)"unknownTable", NULL);
    /* a paragraph with a comment (nothing printed) and text to escape */
    c = nth(doc, "//bx:para[bx:fig]", 2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    xmlAddChild(c, xmlNewDocComment(doc, (const xmlChar *)"remark"));
    xmlAddChild(c, xmlNewDocText(doc, (const xmlChar *)" a & b <c> \"d\""));
    return doc;
}

/* html.xsl on 'doc' in language 'lang' (quoted); '*page' the bytes. */
static xmlDocPtr page(xmlDocPtr doc, const char *lang, xmlChar **bytes)
{
    xsltStylesheetPtr style =
        xsltParseStylesheetFile((const xmlChar *)"xslt/html.xsl");
    const char *params[] = {"lang", lang, NULL};
    xmlDocPtr res;
    int len = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(style);
    res = xsltApplyStylesheet(style, doc, params);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res);
    *bytes = NULL;
    xsltSaveResultToString(bytes, &len, res, style);
    xsltFreeStylesheet(style);
    CU_ASSERT_PTR_NOT_NULL(*bytes);
    return res;
}

/* The same bytes with x:fig-span, x:p-content and x:table-section as
 * without. */
static void same_as_xslt(xmlDocPtr doc, const char *lang)
{
    xsltTransformFunction fig =
        xsltExtModuleElementLookup((const xmlChar *)"fig-span", EXT);
    xsltTransformFunction sec =
        xsltExtModuleElementLookup((const xmlChar *)"table-section", EXT);
    xsltTransformFunction para =
        xsltExtModuleElementLookup((const xmlChar *)"p-content", EXT);
    xmlChar *with = NULL;
    xmlChar *without = NULL;
    xmlDocPtr r1;
    xmlDocPtr r2;
    int tables = count(doc, "/bx:disclosure/bx:tables/*");
    int figs = count(doc, "//bx:fig");

    CU_ASSERT_PTR_NOT_NULL_FATAL(fig);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sec);
    CU_ASSERT_PTR_NOT_NULL_FATAL(para);
    r1 = page(doc, lang, &with);
    xsltUnregisterExtModuleElement((const xmlChar *)"fig-span", EXT);
    xsltUnregisterExtModuleElement((const xmlChar *)"table-section", EXT);
    xsltUnregisterExtModuleElement((const xmlChar *)"p-content", EXT);
    r2 = page(doc, lang, &without);
    xsltRegisterExtModuleElement((const xmlChar *)"fig-span", EXT, NULL, fig);
    xsltRegisterExtModuleElement((const xmlChar *)"table-section", EXT, NULL,
                                 sec);
    xsltRegisterExtModuleElement((const xmlChar *)"p-content", EXT, NULL, para);
    CU_ASSERT_PTR_NOT_NULL_FATAL(with);
    CU_ASSERT_PTR_NOT_NULL_FATAL(without);
    CU_ASSERT_STRING_EQUAL(with, without);
    /* the XSLT made every table's section and figure; the C all but the
     * bent ones (empty note, no rows; @of to escape, element inside,
     * outside a paragraph) */
    CU_ASSERT_EQUAL(count(r2, "//section[@class='tbl' or @class='tbl wide']"),
                    tables);
    CU_ASSERT_EQUAL(count(r1, "//section[@class='tbl' or @class='tbl wide']"),
                    3);
    /* the contents' list of tables: the XSLT's, not text */
    CU_ASSERT_EQUAL(count(r1, "//li[a/@href='#annex']/ul/li"), tables);
    CU_ASSERT_EQUAL(count(r2, "//span[@class='fig']"), figs);
    CU_ASSERT_EQUAL(count(r1, "//span[@class='fig']"), 3);
    CU_ASSERT(tables > 4 && figs > 4);
    /* the header rows of the XSLT's sections: HTML from x:head-rows */
    CU_ASSERT(count(r2, "//thead") > 4);
    CU_ASSERT_EQUAL(count(r2, "//thead/*"), 0);
    xmlFree(with);
    xmlFree(without);
    xmlFreeDoc(r1);
    xmlFreeDoc(r2);
}

static void test_htmldoc_elements_are_registered(void)
{
    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleElementLookup((const xmlChar *)"fig-span", EXT));
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleElementLookup((const xmlChar *)"table-section", EXT));
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleElementLookup((const xmlChar *)"p-content", EXT));
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleElementLookup((const xmlChar *)"toc-tables", EXT));
}

static void test_htmldoc_same_bytes_as_xslt(void)
{
    xmlDocPtr doc;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    exsltRegisterAll();
    doc = bent_sample();
    same_as_xslt(doc, "'zh'");
    same_as_xslt(doc, "'en'");
    xmlFreeDoc(doc);
}

/* The sample as it is: every section and figure is text. */
static void test_htmldoc_sample_as_text(void)
{
    xmlDocPtr doc = xmlReadFile(SAMPLE, NULL, 0);
    xmlChar *bytes = NULL;
    xmlDocPtr res;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    exsltRegisterAll();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    res = page(doc, "'en'", &bytes);
    CU_ASSERT_EQUAL(count(res, "//section[@class='tbl' or @class='tbl wide']"),
                    0);
    CU_ASSERT_EQUAL(count(res, "//span[@class='fig']"), 0);
    CU_ASSERT_PTR_NOT_NULL(
        strstr((const char *)bytes, "<span class=\"fig\" data-of=\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr((const char *)bytes, "</h2>\n<section id=\"t01-"));
    xmlFree(bytes);
    xmlFreeDoc(res);
    xmlFreeDoc(doc);
}

/*
 * The contents' list of tables as text (x:toc-tables): ordinals with
 * each separator (一、 7. （三） 4.), a title of the document's own with
 * text to escape; the same bytes as the XSLT.
 */
static void test_htmldoc_toc_tables(void)
{
    static const char *const nos[] = {"七", "7", "（三）", "4."};
    xmlDocPtr doc = xmlReadFile(SAMPLE, NULL, 0);
    xsltTransformFunction toc =
        xsltExtModuleElementLookup((const xmlChar *)"toc-tables", EXT);
    xmlChar *with = NULL;
    xmlChar *without = NULL;
    xmlDocPtr r1;
    xmlDocPtr r2;
    xmlNodePtr t;
    size_t i;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    exsltRegisterAll();
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(toc);
    for (i = 0; i < sizeof(nos) / sizeof(nos[0]); i++) {
        t = nth(doc, "/bx:disclosure/bx:tables/*", (int)i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        xmlSetProp(t, (const xmlChar *)"no", (const xmlChar *)nos[i]);
    }
    xmlSetProp(t, (const xmlChar *)"title", (const xmlChar *)"A & <B>");
    r1 = page(doc, "'zh'", &with);
    xsltUnregisterExtModuleElement((const xmlChar *)"toc-tables", EXT);
    r2 = page(doc, "'zh'", &without);
    xsltRegisterExtModuleElement((const xmlChar *)"toc-tables", EXT, NULL, toc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(with);
    CU_ASSERT_PTR_NOT_NULL_FATAL(without);
    CU_ASSERT_STRING_EQUAL(with, without);
    CU_ASSERT_EQUAL(count(r1, "//li[a/@href='#annex']/ul/li"), 0);
    CU_ASSERT(count(r2, "//li[a/@href='#annex']/ul/li") > 4);
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)with, ">7. "));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)with, ">（三）"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)with, ">4.A &amp; &lt;B&gt;<"));
    xmlFree(with);
    xmlFree(without);
    xmlFreeDoc(r1);
    xmlFreeDoc(r2);
    xmlFreeDoc(doc);
}

int bx_test_suite_htmldoc(void)
{
    CU_pSuite s = CU_add_suite("htmldoc", NULL, NULL);

    if (s == NULL ||
        !CU_add_test(s, "elements are registered",
                     test_htmldoc_elements_are_registered) ||
        !CU_add_test(s, "same bytes as the XSLT, bent sample",
                     test_htmldoc_same_bytes_as_xslt) ||
        !CU_add_test(s, "sections and figures of the sample as text",
                     test_htmldoc_sample_as_text) ||
        !CU_add_test(s, "contents' list of tables", test_htmldoc_toc_tables)) {
        return -1;
    }
    return 0;
}
