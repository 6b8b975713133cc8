/*
 * Unit tests: the grid rows and CSV lines that budgetx writes in C
 * (src/xslt_grid.c, src/xslt_ext.c) are the ones the stylesheets get.
 * That they write the same bytes as their XSLT fallbacks is checked end
 * to end by tests/convert/xsltproc.sh (xsltproc runs the fallbacks).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxslt/extensions.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "budgetx.h"
#include "util.h"
#include "xslt_exsl.h"
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

/*
 * x:keyed-rows of each economicSummary into a grid's m:body, then
 * x:html-rows part="body" of that grid, after the number of grid rows
 * left in m:body; $x-html-direct is 'direct' (an XPath expression).
 */
#define HTML_XSL(direct)                                                       \
    "<xsl:stylesheet version='1.0'"                                            \
    " xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"                        \
    " xmlns:bx='urn:budgetx:disclosure:1' xmlns:exsl='http://exslt.org/common'" \
    " xmlns:m='urn:budgetx:xslt:meta' xmlns:x='urn:budgetx:xslt:ext'"          \
    " extension-element-prefixes='exsl x'>"                                    \
    "<xsl:output method='xml' omit-xml-declaration='yes'/>"                    \
    "<xsl:variable name='x-html-direct' select='" direct "'/>"                 \
    "<xsl:param name='lang' select=\"'en'\"/>"                                 \
    "<xsl:template match='/'><r>"                                              \
    "<xsl:for-each select='//bx:economicSummary'>"                             \
    "<xsl:variable name='g-rtf'><m:grid><m:body>"                              \
    "<xsl:call-template name='body'/></m:body></m:grid></xsl:variable>"        \
    "<xsl:variable name='g' select='exsl:node-set($g-rtf)/m:grid'/>"           \
    "<n><xsl:value-of select='count($g/m:body/m:row)'/></n>"                   \
    "<tbody><x:html-rows part='body'/></tbody>"                                \
    "</xsl:for-each></r></xsl:template>"                                       \
    "<xsl:template name='body'>"                                               \
    "<xsl:variable name='def-rtf'><m:h><m:a n='total'/><m:a n='gpb'/></m:h>"   \
    "</xsl:variable>"                                                          \
    "<xsl:variable name='def' select='exsl:node-set($def-rtf)/m:h'/>"          \
    "<xsl:variable name='total-label'>T</xsl:variable>"                        \
    "<x:keyed-rows/></xsl:template></xsl:stylesheet>"

/*
 * With $x-html-direct (html.xsl), x:keyed-rows leaves no grid rows and
 * x:html-rows writes the same HTML as from the grid: three rows (line
 * breaks around each), one row (none), none (an empty tbody); a note is
 * not a row; & and < escaped.
 */
static void test_xslt_grid_html_direct(void)
{
    const char *xml =
        "<d xmlns='urn:budgetx:disclosure:1'>"
        "<economicSummary><total name='&amp;' total='1' gpb='2'/>"
        "<dept code='1' name='a&lt;' total='3' gpb='4'>"
        "<unit code='2' name='b' total='5' gpb='6'/></dept>"
        "<note>n</note></economicSummary>"
        "<economicSummary><total name='t' total='7' gpb='8'/>"
        "</economicSummary>"
        "<economicSummary><note>n</note></economicSummary></d>";
    xmlChar *direct;
    xmlChar *grid;
    const char *a;
    const char *b;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    direct = apply(HTML_XSL("true()"), xml);
    grid = apply(HTML_XSL("false()"), xml);
    CU_ASSERT_PTR_NOT_NULL_FATAL(direct);
    CU_ASSERT_PTR_NOT_NULL_FATAL(grid);
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)grid, "<n>3</n><tbody>\n<tr"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)grid, "<n>1</n><tbody><tr"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)grid, "<n>0</n><tbody/>"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)grid, "a&lt;</td>"));
    CU_ASSERT_PTR_NOT_NULL(strstr((const char *)direct, "<n>0</n><tbody>\n<tr"));
    CU_ASSERT_PTR_NULL(strstr((const char *)direct, "<n>3</n>"));
    /* the same bytes after the row counts */
    a = strstr((const char *)direct, "<tbody>");
    b = strstr((const char *)grid, "<tbody>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    while (a != NULL && b != NULL) {
        const char *na = strstr(a + 1, "<n>");
        const char *nb = strstr(b + 1, "<n>");

        CU_ASSERT_EQUAL(na == NULL, nb == NULL);
        CU_ASSERT(na == NULL || nb == NULL ||
                  (na - a == nb - b && memcmp(a, b, (size_t)(na - a)) == 0));
        if (na == NULL || nb == NULL) {
            CU_ASSERT_STRING_EQUAL(a, b);
        }
        a = na != NULL ? strstr(na, "<tbody") : NULL;
        b = nb != NULL ? strstr(nb, "<tbody") : NULL;
    }
    xmlFree(direct);
    xmlFree(grid);
}

static unsigned long n_allocs;
static xmlMallocFunc real_malloc;
static xmlReallocFunc real_realloc;

static void *count_malloc(size_t n)
{
    n_allocs++;
    return real_malloc(n);
}

static void *count_realloc(void *p, size_t n)
{
    n_allocs++;
    return real_realloc(p, n);
}

/* The allocations (xmlMalloc, xmlRealloc) of apply(xsl, xml). */
static unsigned long allocs_of(const char *xsl, const char *xml, char **out)
{
    xmlFreeFunc f;
    xmlMallocFunc m;
    xmlReallocFunc r;
    xmlStrdupFunc d;
    unsigned long n;
    xmlChar *res;

    xmlMemGet(&f, &m, &r, &d);
    real_malloc = m;
    real_realloc = r;
    n_allocs = 0;
    xmlMemSetup(f, count_malloc, count_realloc, d);
    res = apply(xsl, xml);
    n = n_allocs;
    xmlMemSetup(f, m, r, d);
    *out = (char *)res;
    return n;
}

/*
 * With $x-html-direct the grid rows are carved from reused blocks and
 * forgotten once written (src/xslt_grid.c, struct row_arena), not
 * allocated and freed node by node: 2,000 rows of 8 cells (one table)
 * take far fewer allocations than the grid of the same rows, which
 * makes an element, an attribute and two text nodes a cell (grid_node(),
 * grid_text()).  The bytes are the same.
 */
static void test_xslt_grid_html_direct_arena(void)
{
    struct bx_buf xml;
    unsigned long direct;
    unsigned long grid;
    char *a = NULL;
    char *b = NULL;
    int i;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    buf_init(&xml);
    buf_puts(&xml, "<d xmlns='urn:budgetx:disclosure:1'><economicSummary>");
    for (i = 0; i < 2000; i++) {
        buf_printf(&xml,
                   "<eco dep='30%03d' depName='n&lt;%d' gov='50%03d' "
                   "govName='g' total='%d.5' gpb='%d'/>",
                   i % 1000, i, i % 1000, i, i * 3);
    }
    buf_puts(&xml, "</economicSummary></d>");
    CU_ASSERT_FATAL(!xml.failed);
    direct = allocs_of(HTML_XSL("true()"), xml.data, &a);
    grid = allocs_of(HTML_XSL("false()"), xml.data, &b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    /* the grid: more than 4 allocations a cell (16,000 cells) */
    CU_ASSERT(grid > 64000);
    /* and no more than 6 beyond what direct takes: the element, the
       attribute t with its text node (the value "amt" or "code" from
       the dictionary), the text node with its text (7 when the value of
       t was copied for every cell) */
    CU_ASSERT(grid - direct < 6 * 16000);
    /* direct: the input (36,000 attribute values), the stylesheet and the
       HTML text, not the cells (46,000 against 156,000 when written) */
    CU_ASSERT(direct < grid / 2);
    CU_ASSERT(strstr(a, "<n>0</n>") != NULL);
    CU_ASSERT(strstr(b, "<n>2000</n>") != NULL);
    CU_ASSERT_STRING_EQUAL(strstr(a, "<tbody>"), strstr(b, "<tbody>"));
    xmlFree(a);
    xmlFree(b);
    buf_release(&xml);
}

#define CELLS_XSL                                                              \
    "<xsl:stylesheet version='1.0'"                                            \
    " xmlns:xsl='http://www.w3.org/1999/XSL/Transform'"                        \
    " xmlns:exsl='http://exslt.org/common'"                                    \
    " xmlns:m='urn:budgetx:xslt:meta' xmlns:x='urn:budgetx:xslt:ext'"          \
    " extension-element-prefixes='exsl x'>"                                    \
    "<xsl:output method='xml' omit-xml-declaration='yes'/>"                    \
    "<xsl:param name='lang' select=\"'en'\"/>"                                 \
    "<xsl:variable name='g-rtf'><m:grid><m:body>"                              \
    "<m:row kind='a&amp;\"' depth='2'>"                                        \
    "<m:c t='amt' rs='2' cs='01'>1&lt;2&gt;3&amp;\"</m:c>"                     \
    "<m:c t='th' rs=' 3' cs='1'>x</m:c>"                                       \
    "<m:c t='code' rs='2.5' cs='abc' en='E&quot;&lt;'>k</m:c>"                 \
    "<m:c t='label' cs='1e3' en='only'/>"                                      \
    "<m:c t='other' rs='9\"'>q</m:c><m:s/></m:row>"                            \
    "<m:row depth='0'><m:c t='num' cs='10'>7</m:c></m:row>"                    \
    "</m:body></m:grid></xsl:variable>"                                        \
    "<xsl:variable name='g' select='exsl:node-set($g-rtf)/m:grid'/>"           \
    "<xsl:template match='/'><t><x:html-rows part='body'/></t>"                \
    "</xsl:template></xsl:stylesheet>"

/*
 * x:html-rows of cells of every kind: spans whose number is above 1 only
 * (digits, spaces, decimals, libxml2's "1e3"; not "01", "abc", '9"'),
 * classes by type, th with scope, text and English escaped (attributes
 * also '"'), the break before </td> after an English span that follows
 * text, a row without kind.  The bytes are
 * those of the XSLT fallback (xsltproc, html.xsl's modes grid and
 * grid-head).
 */
static void test_xslt_grid_html_cells(void)
{
    xmlChar *out;

    CU_ASSERT_EQUAL_FATAL(xslt_ext_init(), BX_OK);
    CU_ASSERT_EQUAL_FATAL(xslt_exsl_register(), BX_OK);
    out = apply(CELLS_XSL, "<d/>");
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_STRING_EQUAL(
        (const char *)out,
        "<t xmlns:m=\"urn:budgetx:xslt:meta\">\n"
        "<tr class=\"r-a&amp;&quot; d2\">\n"
        "<td rowspan=\"2\" class=\"n\">1&lt;2&gt;3&amp;\"</td>\n"
        "<th rowspan=\" 3\" scope=\"row\">x</th>\n"
        "<td rowspan=\"2.5\" class=\"c\">k<span class=\"en\" lang=\"en\">"
        "E\"&lt;</span>\n</td>\n"
        "<td colspan=\"1e3\" class=\"l\">"
        "<span class=\"en\" lang=\"en\">only</span></td>\n"
        "<td>q</td>\n</tr>\n"
        "<tr><td colspan=\"10\" class=\"n\">7</td></tr>\n</t>\n");
    xmlFree(out);
}

/* The bytes of descriptor 'fd' from its start (at most 'cap' - 1), NUL
 * ended, in 'buf'. */
static size_t read_back(int fd, char *buf, size_t cap)
{
    ssize_t r = pread(fd, buf, cap - 1, 0);
    size_t n = r > 0 ? (size_t)r : 0;

    buf[n] = '\0';
    return n;
}

/* Give 'page' to xslt_grid_spill_output() in pieces of 'step' bytes. */
static int spill_page(struct xslt_spill *s, const char *page, size_t step)
{
    size_t n = strlen(page);
    size_t i;
    size_t k;

    for (i = 0; i < n; i += k) {
        k = n - i < step ? n - i : step;
        if (xslt_grid_spill_output(s, page + i, (int)k) != (int)k) {
            return -1;
        }
    }
    return 0;
}

/*
 * xslt_grid_spill_output(): each mark ("\x01" N "\x01") becomes the rows
 * of segment N, wherever the serialiser's chunks cut the page (here
 * every size from one byte up); the rest is copied as it is.  A mark we
 * did not write (not a number, out of range, too long) fails with
 * EINVAL rather than write a wrong page.
 */
static void test_xslt_grid_spill_output(void)
{
    static const char page[] = "<t>\0011\001<b>\0010\001</b>\0011\001</t>";
    static const char *const bad[] = {"a\001x\001", "\0012\001", "\001\001",
                                      "\00112345678901234567890123456\001"};
    struct xslt_spill s;
    FILE *rows = tmpfile();
    FILE *out = tmpfile();
    char got[256];
    size_t step;
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    CU_ASSERT_EQUAL_FATAL(write(fileno(rows), "\nABC\nDEFGH", 10), 10);
    for (step = 1; step <= sizeof(page); step++) {
        xslt_grid_spill_init(&s, NULL);
        s.fd = fileno(rows);
        s.segs = malloc(2 * sizeof(*s.segs));
        CU_ASSERT_PTR_NOT_NULL_FATAL(s.segs);
        s.segs[0].off = 1; /* one row: without its line break */
        s.segs[0].len = 3;
        s.segs[1].off = 4;
        s.segs[1].len = 6;
        s.nsegs = 2;
        s.cap = 2;
        CU_ASSERT_EQUAL_FATAL(ftruncate(fileno(out), 0), 0);
        s.out_fd = fileno(out);
        CU_ASSERT_EQUAL(lseek(s.out_fd, 0, SEEK_SET), 0);
        CU_ASSERT_EQUAL(spill_page(&s, page, step), 0);
        CU_ASSERT_EQUAL(s.out_errno, 0);
        read_back(fileno(out), got, sizeof(got));
        CU_ASSERT_STRING_EQUAL(got, "<t>\nDEFGH<b>ABC</b>\nDEFGH</t>");
        s.fd = -1; /* the test's */
        xslt_grid_spill_release(&s);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        xslt_grid_spill_init(&s, NULL);
        s.fd = fileno(rows);
        s.segs = malloc(2 * sizeof(*s.segs));
        CU_ASSERT_PTR_NOT_NULL_FATAL(s.segs);
        memset(s.segs, 0, 2 * sizeof(*s.segs));
        s.nsegs = 2;
        s.out_fd = fileno(out);
        CU_ASSERT_EQUAL(spill_page(&s, bad[i], 64), -1);
        CU_ASSERT_EQUAL(s.out_errno, EINVAL);
        s.fd = -1;
        xslt_grid_spill_release(&s);
    }
    fclose(rows);
    fclose(out);
}

int bx_test_suite_xslt_grid(void)
{
    CU_pSuite s = CU_add_suite("xslt_grid", NULL, NULL);

    if (s == NULL ||
        !CU_add_test(s, "elements are registered",
                     test_xslt_grid_elements_are_registered) ||
        !CU_add_test(s, "csv rows of a grid",
                     test_xslt_grid_csv_rows_of_a_grid) ||
        !CU_add_test(s, "html rows without the grid",
                     test_xslt_grid_html_direct) ||
        !CU_add_test(s, "html cells of every kind",
                     test_xslt_grid_html_cells) ||
        !CU_add_test(s, "html rows from reused blocks",
                     test_xslt_grid_html_direct_arena) ||
        !CU_add_test(s, "rows copied back from a spill file",
                     test_xslt_grid_spill_output)) {
        return -1;
    }
    return 0;
}
