/*
 * Unit tests: the parts of the page html.xsl has budgetx write as text
 * (src/xslt_ext.c: x:fig-span, x:p-content, x:table-section,
 * x:toc-tables, x:narr-section, x:glossary-terms; src/xslt_grid.c:
 * x:head-rows with $x-html-direct) and the header definitions read
 * from the stylesheet (x:head-def) give the bytes of their XSLT
 * fallbacks, on samples bent to reach every case where the C has to run
 * the XSLT instead (values the serialiser could print otherwise), in
 * both languages; and the text is what the page gets where it can be.
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
#define SAMPLE "samples/example-central-department-2024.xml"
#define T11_SAMPLE "samples/example-county-education-bureau-2024.xml"

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
    /* a term with an element inside: the glossary by the XSLT */
    c = nth(doc, "//bx:term", 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    xmlNewTextChild(c, c->ns, (const xmlChar *)"para", (const xmlChar *)"in");
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

/* The elements that write the page as text (and the functions
 * x:head-def and x:label, with_and_without()). */
static const char *const as_text[] = {"fig-span",       "table-section",
                                      "p-content",      "narr-section",
                                      "glossary-terms", "dept-form"};
#define AS_TEXT (sizeof(as_text) / sizeof(as_text[0]))

/* html.xsl on 'doc' in 'lang' with the elements of as_text[], x:head-def
 * and x:label ('r1', 'with') and without them ('r2', 'without'): the
 * same bytes. */
static void with_and_without(xmlDocPtr doc, const char *lang, xmlDocPtr *r1,
                             xmlChar **with, xmlDocPtr *r2, xmlChar **without)
{
    static const char *const fns[] = {"head-def", "label"};
    xsltTransformFunction fn[AS_TEXT];
    xmlXPathFunction f[2];
    size_t i;

    for (i = 0; i < 2; i++) {
        f[i] = xsltExtModuleFunctionLookup((const xmlChar *)fns[i], EXT);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f[i]);
    }
    for (i = 0; i < AS_TEXT; i++) {
        fn[i] = xsltExtModuleElementLookup((const xmlChar *)as_text[i], EXT);
        CU_ASSERT_PTR_NOT_NULL_FATAL(fn[i]);
    }
    *r1 = page(doc, lang, with);
    for (i = 0; i < AS_TEXT; i++) {
        xsltUnregisterExtModuleElement((const xmlChar *)as_text[i], EXT);
    }
    for (i = 0; i < 2; i++) {
        xsltUnregisterExtModuleFunction((const xmlChar *)fns[i], EXT);
    }
    *r2 = page(doc, lang, without);
    for (i = 0; i < AS_TEXT; i++) {
        xsltRegisterExtModuleElement((const xmlChar *)as_text[i], EXT, NULL,
                                     fn[i]);
    }
    for (i = 0; i < 2; i++) {
        xsltRegisterExtModuleFunction((const xmlChar *)fns[i], EXT, f[i]);
    }
    CU_ASSERT_PTR_NOT_NULL_FATAL(*with);
    CU_ASSERT_PTR_NOT_NULL_FATAL(*without);
    CU_ASSERT_STRING_EQUAL(*with, *without);
}

/* The same bytes with the elements of as_text[] and x:head-def as
 * without. */
static void same_as_xslt(xmlDocPtr doc, const char *lang)
{
    xmlChar *with = NULL;
    xmlChar *without = NULL;
    xmlDocPtr r1;
    xmlDocPtr r2;
    int tables = count(doc, "/bx:disclosure/bx:tables/*");
    int figs = count(doc, "//bx:fig");
    int terms = count(doc, "//bx:term");

    with_and_without(doc, lang, &r1, &with, &r2, &without);
    /* a term holds an element: the glossary by the XSLT */
    CU_ASSERT(terms > 4);
    CU_ASSERT_EQUAL(count(r1, "//p[@class='term']"), terms);
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
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleElementLookup((const xmlChar *)"narr-section", EXT));
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleElementLookup((const xmlChar *)"glossary-terms", EXT));
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleFunctionLookup((const xmlChar *)"head-def", EXT));
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleFunctionLookup((const xmlChar *)"label", EXT));
}

static void test_htmldoc_same_bytes_as_xslt(void)
{
    xmlDocPtr doc;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
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
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
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
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
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

/* Set attribute 'name' of the 'i'th node of 'expr' in 'doc' to 'v'
 * (NULL: remove it); the node. */
static xmlNodePtr bend(xmlDocPtr doc, const char *expr, int i, const char *name,
                       const char *v)
{
    xmlNodePtr n = nth(doc, expr, i);

    CU_ASSERT_PTR_NOT_NULL_FATAL(n);
    if (name != NULL && v != NULL) {
        xmlSetProp(n, (const xmlChar *)name, (const xmlChar *)v);
    } else if (name != NULL) {
        xmlUnsetProp(n, (const xmlChar *)name);
    }
    return n;
}

/* Remove the children of 'n'. */
static void empty(xmlNodePtr n)
{
    xmlNodePtr c;
    xmlNodePtr next;

    for (c = n->children; c != NULL; c = next) {
        next = c->next;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
}

/*
 * The sample's narrative bent: a section whose key must be escaped and
 * one holding an element of its own (both: the XSLT, the sections in
 * them text again); a section without ordinal, a title to escape; a
 * heading alone, an ordinal that ends in its separator; a section two
 * deep; an item of three paragraphs (a comment, an empty one), without
 * ordinal, with ")" and with text to escape as ordinal, without
 * paragraph, with a section in it (printed nowhere, numbered); terms
 * with "3" (". "), a name to escape, no ordinal, a figure.
 */
static xmlDocPtr narrative_sample(void)
{
    const char *sec = "//bx:explanation//bx:section";
    xmlDocPtr doc = xmlReadFile(SAMPLE, NULL, 0);
    xmlNodePtr n;
    xmlNodePtr c;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    bend(doc, sec, 0, "key", "a b&c");
    n = bend(doc, "//bx:section[@key='stateCapital']", 0, NULL, NULL);
    xmlNewTextChild(n, n->ns, (const xmlChar *)"duty", (const xmlChar *)"d");
    bend(doc, sec, 1, "no", NULL);
    bend(doc, sec, 1, "title", "A & <B>");
    n = bend(doc, sec, 2, "no", "3.");
    empty(n);
    n = bend(doc, "//bx:section[@key='gpbScale']", 0, NULL, NULL);
    n = xmlNewChild(n, n->ns, (const xmlChar *)"section", NULL);
    xmlSetProp(n, (const xmlChar *)"key", (const xmlChar *)"deep");
    xmlSetProp(n, (const xmlChar *)"no", (const xmlChar *)"1");
    xmlSetProp(n, (const xmlChar *)"title", (const xmlChar *)"t");
    xmlNewTextChild(n, n->ns, (const xmlChar *)"para",
                    (const xmlChar *)"p < q");
    n = bend(doc, "//bx:item", 0, NULL, NULL);
    c = xmlNewChild(n, n->ns, (const xmlChar *)"para", NULL);
    xmlAddChild(c, xmlNewDocComment(doc, (const xmlChar *)"remark"));
    xmlAddChild(c, xmlNewDocText(doc, (const xmlChar *)"x & y"));
    xmlNewChild(n, n->ns, (const xmlChar *)"para", NULL);
    bend(doc, "//bx:item", 1, "no", NULL);
    bend(doc, "//bx:item", 2, "no", "(4)");
    bend(doc, "//bx:item", 3, "no", "x<&>");
    empty(bend(doc, "//bx:item", 4, NULL, NULL));
    n = bend(doc, "//bx:item", 5, NULL, NULL);
    n = xmlNewChild(n, n->ns, (const xmlChar *)"section", NULL);
    xmlNewTextChild(n, n->ns, (const xmlChar *)"para", (const xmlChar *)"h");
    bend(doc, "//bx:term", 0, "no", "3");
    bend(doc, "//bx:term", 1, "name", "A & <B>");
    n = bend(doc, "//bx:term", 2, "no", NULL);
    n = xmlNewTextChild(n, n->ns, (const xmlChar *)"fig", (const xmlChar *)"1");
    xmlSetProp(n, (const xmlChar *)"of", (const xmlChar *)"x.y");
    return doc;
}

/* The narrative as text (x:narr-section, x:glossary-terms): the same
 * bytes as the XSLT, the C's text everywhere but in the two bent
 * sections. */
static void narrative_as_xslt(xmlDocPtr doc, const char *lang)
{
    xmlChar *with = NULL;
    xmlChar *without = NULL;
    xmlDocPtr r1;
    xmlDocPtr r2;
    int secs =
        count(doc, "//bx:explanation//bx:section[not(ancestor::bx:item)]");

    with_and_without(doc, lang, &r1, &with, &r2, &without);
    CU_ASSERT(secs > 10);
    CU_ASSERT_EQUAL(count(r2, "//section[@class='sec']"), secs);
    CU_ASSERT_EQUAL(count(r1, "//section[@class='sec']"), 2);
    CU_ASSERT_EQUAL(count(r2, "//p[@class='term']"), count(doc, "//bx:term"));
    CU_ASSERT_EQUAL(count(r1, "//p[@class='term']"), 0);
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)with, "\"s-deep-"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)with, "<h4>1. t</h4>"));
    CU_ASSERT_PTR_NOT_NULL(
        strstr((const char *)with, "<div class=\"item\">\n<p>1. "));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)with, "<b>3. "));
    xmlFree(with);
    xmlFree(without);
    xmlFreeDoc(r1);
    xmlFreeDoc(r2);
}

static void test_htmldoc_narrative(void)
{
    xmlDocPtr doc;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    doc = narrative_sample();
    narrative_as_xslt(doc, "'zh'");
    narrative_as_xslt(doc, "'en'");
    xmlFreeDoc(doc);
}

/*
 * T11's form (x:dept-form) on a sample bent: an indicator under a level
 * 1 without level 2, one under no level at all, a task holding markup,
 * a budget figure missing, an empty annual goal, a unit to escape; the
 * same bytes as the XSLT, in both languages.
 */
static void test_htmldoc_dept_form(void)
{
    const char *ind = "//bx:deptPerformance//bx:indicator";
    const char *const langs[] = {"'zh'", "'en'"};
    xmlDocPtr doc = xmlReadFile(T11_SAMPLE, NULL, 0);
    xmlChar *with = NULL;
    xmlChar *without = NULL;
    xmlDocPtr r1;
    xmlDocPtr r2;
    xmlNodePtr n;
    xmlNodePtr i;
    size_t k;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT(count(doc, ind) > 3);
    i = bend(doc, ind, 0, NULL, NULL);
    n = bend(doc, "//bx:deptPerformance//bx:level1", 0, NULL, NULL);
    xmlUnlinkNode(i);
    xmlAddChild(n, i);
    i = bend(doc, ind, 1, NULL, NULL);
    n = bend(doc, "//bx:deptPerformance/bx:indicators", 0, NULL, NULL);
    xmlUnlinkNode(i);
    xmlAddChild(n, i);
    n = bend(doc, "//bx:deptPerformance//bx:task", 0, NULL, NULL);
    xmlNewTextChild(n, n->ns, (const xmlChar *)"b", (const xmlChar *)"x<y");
    bend(doc, "//bx:deptPerformance/bx:budget", 0, "govFunds", NULL);
    empty(bend(doc, "//bx:deptPerformance/bx:annualGoal", 0, NULL, NULL));
    bend(doc, "//bx:metadata/bx:amounts", 0, "unit", "万<&>");
    for (k = 0; k < 2; k++) {
        with_and_without(doc, langs[k], &r1, &with, &r2, &without);
        CU_ASSERT_PTR_NOT_NULL(strstr((const char *)with, "万&lt;&amp;&gt;"));
        xmlFree(with);
        xmlFree(without);
        xmlFreeDoc(r1);
        xmlFreeDoc(r2);
    }
    xmlFreeDoc(doc);
}

/*
 * x:head-def gives the header definition of a table whose template of
 * mode "head" is literal (T1), nothing for one the XSLT must instantiate
 * (T8 reads its table); a stylesheet importing html.xsl asks.
 */
static void test_htmldoc_head_def(void)
{
    static const char probe[] =
        "<xsl:stylesheet version='1.0'"
        " xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"
        " xmlns:bx='" BX "' xmlns:x='" XSLT_EXT_NS "'>"
        "<xsl:import href='html.xsl'/>"
        "<xsl:output method='text'/>"
        "<xsl:template match='/'>"
        "<xsl:for-each select='/bx:disclosure/bx:tables/*'>"
        "<xsl:value-of select='concat(local-name(), \"=\","
        " count(x:head-def(.)/self::m:h[@cols]), \" \")'"
        " xmlns:m='urn:budgetx:xslt:meta'/>"
        "</xsl:for-each></xsl:template></xsl:stylesheet>";
    xmlDocPtr sdoc =
        xmlReadMemory(probe, (int)sizeof(probe) - 1, "xslt/probe.xsl", NULL, 0);
    xmlDocPtr doc = xmlReadFile(SAMPLE, NULL, 0);
    xsltStylesheetPtr style;
    xmlDocPtr res;
    xmlChar *out = NULL;
    int len = 0;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sdoc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    style = xsltParseStylesheetDoc(sdoc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(style);
    res = xsltApplyStylesheet(style, doc, NULL);
    CU_ASSERT_PTR_NOT_NULL_FATAL(res);
    xsltSaveResultToString(&out, &len, res, style);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)out, "budgetSummary=1 "));
    CU_ASSERT_PTR_NOT_NULL(
        strstr((const char *)out, "stateCapitalExpenditure=1 "));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)out, "threePublic=0 "));
    xmlFree(out);
    xmlFreeDoc(res);
    xsltFreeStylesheet(style);
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
        !CU_add_test(s, "contents' list of tables", test_htmldoc_toc_tables) ||
        !CU_add_test(s, "narrative and glossary as text",
                     test_htmldoc_narrative) ||
        !CU_add_test(s, "header definitions read from the stylesheet",
                     test_htmldoc_head_def) ||
        !CU_add_test(s, "T11's form", test_htmldoc_dept_form)) {
        return -1;
    }
    return 0;
}
