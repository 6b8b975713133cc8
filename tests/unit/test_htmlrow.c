/*
 * Unit tests: xslt_ext_html_row() (src/xslt_ext.c) on grid rows built
 * with libxml2's tree functions, shapes that a parsed stylesheet never
 * makes and the end-to-end comparisons cannot reach: an attribute twice
 * (the first one counts, as XPath's @t), one in another namespace (not
 * read), a value of two text nodes (read by copy), cells whose namespace
 * declaration is not their row's (same URI: cells; another URI: not).
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/tree.h>

#include "util.h"
#include "xslt_grid.h"

#define META (const xmlChar *)"urn:budgetx:xslt:meta"

/* A new element 'name' of 'ns' (NULL: none), last child of 'parent'. */
static xmlNodePtr child(xmlNodePtr parent, xmlNsPtr ns, const char *name,
                        const char *text)
{
    xmlNodePtr e = xmlNewDocRawNode(parent->doc, ns, (const xmlChar *)name,
                                    (const xmlChar *)text);

    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xmlAddChild(parent, e));
    return e;
}

static void prop(xmlNodePtr e, const char *name, const char *v)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(
        xmlNewProp(e, (const xmlChar *)name, (const xmlChar *)v));
}

/* The HTML of 'row' (head 0), NUL ended; caller frees. */
static char *html_of(xmlNodePtr row, int en)
{
    struct bx_buf b;

    buf_init(&b);
    xslt_ext_html_row(&b, row, 0, en);
    buf_append(&b, "", 1);
    CU_ASSERT_FALSE(b.failed);
    return b.data;
}

static void test_htmlrow_odd_attributes(void)
{
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr row = xmlNewDocNode(doc, NULL, (const xmlChar *)"row", NULL);
    xmlNsPtr m = xmlNewNs(row, META, (const xmlChar *)"m");
    xmlNsPtr f = xmlNewNs(row, (const xmlChar *)"urn:f", (const xmlChar *)"f");
    xmlAttrPtr a;
    xmlNodePtr c;
    char *out;

    xmlSetNs(row, m);
    xmlDocSetRootElement(doc, row);
    prop(row, "depth", "2");
    prop(row, "kind", "a&b");
    prop(row, "kind", "ignored");
    /* the first t counts; f:t is another attribute */
    c = child(row, m, "c", "1");
    CU_ASSERT_PTR_NOT_NULL_FATAL(
        xmlNewNsProp(c, f, (const xmlChar *)"t", (const xmlChar *)"th"));
    prop(c, "t", "amt");
    prop(c, "t", "code");
    prop(c, "rs", "2");
    prop(c, "rs", "5");
    prop(c, "en", "E");
    /* a value of two text nodes: "co" "de" */
    c = child(row, m, "c", "x");
    a = xmlNewProp(c, (const xmlChar *)"t", (const xmlChar *)"co");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    xmlAddChild((xmlNodePtr)a, xmlNewDocText(doc, (const xmlChar *)"de"));
    prop(c, "cs", "3");
    child(row, m, "s", NULL);

    out = html_of(row, 0);
    CU_ASSERT_STRING_EQUAL(out, "<tr class=\"r-a&amp;b d2\">\n"
                                "<td rowspan=\"2\" class=\"n\">1</td>\n"
                                "<td colspan=\"3\" class=\"c\">x</td>\n"
                                "</tr>");
    free(out);
    out = html_of(row, 1);
    CU_ASSERT_STRING_EQUAL(out, "<tr class=\"r-a&amp;b d2\">\n"
                                "<td rowspan=\"2\" class=\"n\">1"
                                "<span class=\"en\" lang=\"en\">E</span>\n"
                                "</td>\n"
                                "<td colspan=\"3\" class=\"c\">x</td>\n"
                                "</tr>");
    free(out);
    xmlFreeDoc(doc);
}

static void test_htmlrow_cell_namespaces(void)
{
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr row = xmlNewDocNode(doc, NULL, (const xmlChar *)"row", NULL);
    xmlNsPtr m = xmlNewNs(row, META, (const xmlChar *)"m");
    xmlNsPtr f = xmlNewNs(row, (const xmlChar *)"urn:f", (const xmlChar *)"f");
    xmlNodePtr c;
    xmlNsPtr own;
    char *out;

    xmlSetNs(row, m);
    xmlDocSetRootElement(doc, row);
    /* a cell of its own declaration of the meta URI: a cell */
    c = child(row, NULL, "c", "own");
    own = xmlNewNs(c, META, (const xmlChar *)"mm");
    CU_ASSERT_PTR_NOT_NULL_FATAL(own);
    xmlSetNs(c, own);
    prop(c, "t", "th");
    /* another URI, no namespace, another name: not cells */
    child(row, f, "c", "foreign");
    child(row, NULL, "c", "none");
    child(row, m, "cc", "long");
    out = html_of(row, 0);
    CU_ASSERT_STRING_EQUAL(out, "<tr><th scope=\"row\">own</th></tr>");
    free(out);

    /* a row whose namespace is not the meta one: its cells still count
     * by their own URI */
    xmlSetNs(row, f);
    child(row, m, "c", "two");
    out = html_of(row, 0);
    CU_ASSERT_STRING_EQUAL(out, "<tr>\n<th scope=\"row\">own</th>\n"
                                "<td>two</td>\n</tr>");
    free(out);
    xmlFreeDoc(doc);
}

int bx_test_suite_htmlrow(void)
{
    CU_pSuite s = CU_add_suite("htmlrow", NULL, NULL);

    if (s == NULL ||
        !CU_add_test(s, "first attribute of each name, in place or copied",
                     test_htmlrow_odd_attributes) ||
        !CU_add_test(s, "cells by namespace URI, not declaration",
                     test_htmlrow_cell_namespaces)) {
        return -1;
    }
    return 0;
}
