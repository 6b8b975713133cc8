/*
 * Unit tests: the grid rows and CSV lines that budgetx writes in C
 * (src/xslt_grid.c, src/xslt_ext.c) are the ones the stylesheets get.
 * That they write the same bytes as their XSLT fallbacks is checked end
 * to end by tests/convert/xsltproc.sh (xsltproc runs the fallbacks).
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxslt/extensions.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "budgetx.h"
#include "xslt_ext.h"
#include "xslt_grid.h"

#define EXT (const xmlChar *)XSLT_EXT_NS

/*
 * Without these, the stylesheets silently run their XSLT fallbacks: the
 * same bytes, several times slower (the goldens would not notice).
 */
static void test_xslt_grid_elements_are_registered(void)
{
    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT(xsltExtModuleElementLookup((const xmlChar *)"keyed-rows", EXT) ==
              xslt_grid_keyed_rows);
    CU_ASSERT(xsltExtModuleElementLookup((const xmlChar *)"head-rows", EXT) ==
              xslt_grid_head_rows);
    CU_ASSERT(xsltExtModuleElementLookup((const xmlChar *)"pair-rows", EXT) ==
              xslt_grid_pair_rows);
    CU_ASSERT_PTR_NOT_NULL(
        xsltExtModuleFunctionLookup((const xmlChar *)"csv-rows", EXT));
}

/* The text result of stylesheet 'xsl' applied to 'xml'; caller frees. */
static xmlChar *apply(const char *xsl, const char *xml)
{
    xmlDocPtr sdoc = xmlReadMemory(xsl, (int)strlen(xsl), "t.xsl", NULL, 0);
    xsltStylesheetPtr style =
        sdoc != NULL ? xsltParseStylesheetDoc(sdoc) : NULL;
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "t.xml", NULL, 0);
    xmlDocPtr res = style != NULL && doc != NULL
                        ? xsltApplyStylesheet(style, doc, NULL)
                        : NULL;
    xmlChar *out = NULL;
    int len = 0;

    if (res != NULL) {
        xsltSaveResultToString(&out, &len, res, style);
    }
    xmlFreeDoc(res);
    xmlFreeDoc(doc);
    if (style != NULL) {
        xsltFreeStylesheet(style);
    } else {
        xmlFreeDoc(sdoc);
    }
    return out;
}

#define GRID_XSL                                                               \
    "<xsl:stylesheet version='1.0'"                                            \
    " xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"                        \
    " xmlns:m='urn:budgetx:xslt:meta' xmlns:x='urn:budgetx:xslt:ext'>"         \
    "<xsl:output method='text'/>"                                              \
    "<xsl:template match='/'>"                                                 \
    "<xsl:value-of select=\"x:csv-rows(//m:grid, 'en', '|')\"/>"               \
    "</xsl:template></xsl:stylesheet>"

/*
 * x:csv-rows: the rows in document order, a covered position m:s is an
 * empty field, an empty row an empty line, English after " / ", quoting and
 * formula defusing as csv-field.
 */
static void test_xslt_grid_csv_rows_of_a_grid(void)
{
    const char *xml =
        "<m:grid xmlns:m='urn:budgetx:xslt:meta'>"
        "<m:head><m:row><m:c t='th' en='E'>a,b</m:c><m:s/></m:row></m:head>"
        "<m:body><m:row><m:c>=1+1</m:c><m:c>\"q\"</m:c>"
        "<m:c en=''>-12.5</m:c></m:row><m:row/></m:body>"
        "</m:grid>";
    xmlChar *out;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    out = apply(GRID_XSL, xml);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL((const char *)out,
                           "\"a,b / E\",|'=1+1,\"\"\"q\"\"\",-12.5||");
    xmlFree(out);
}

int bx_test_suite_xslt_grid(void)
{
    CU_pSuite s = CU_add_suite("xslt_grid", NULL, NULL);

    if (s == NULL ||
        !CU_add_test(s, "elements are registered",
                     test_xslt_grid_elements_are_registered) ||
        !CU_add_test(s, "csv rows of a grid",
                     test_xslt_grid_csv_rows_of_a_grid)) {
        return -1;
    }
    return 0;
}
