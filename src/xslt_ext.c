/*
 * Extension functions of the stylesheets (see xslt_ext.h).  Each does
 * exactly what the XSLT it replaces does; tests/convert/xsltproc.sh runs
 * the stylesheets with xsltproc (the XSLT versions) and compares bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include "xslt_ext.h"

#include <pthread.h>
#include <string.h>

#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/xsltInternals.h>

#include "util.h"

#define META_NS "urn:budgetx:xslt:meta"

/* Is 'n' the element {urn:budgetx:xslt:meta}'local'? */
static int is_meta(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, (const xmlChar *)META_NS) &&
           xmlStrEqual(n->name, (const xmlChar *)local);
}

/*
 * The first attribute named 'name' (any namespace) of the nodes of 'rows'
 * in document order: what $row/@*[local-name() = $n] selects first.
 */
static xmlAttrPtr find_attr(const xmlNodeSet *rows, const xmlChar *name)
{
    xmlAttrPtr a;
    int i;

    for (i = 0; rows != NULL && i < rows->nodeNr; i++) {
        if (rows->nodeTab[i]->type != XML_ELEMENT_NODE) {
            continue;
        }
        for (a = rows->nodeTab[i]->properties; a != NULL; a = a->next) {
            if (xmlStrEqual(a->name, name)) {
                return a;
            }
        }
    }
    return NULL;
}

/*
 * A new <m:c t="amt" [rs="rs"]>value</m:c> in 'container'.  NULL on
 * ENOMEM.
 */
static xmlNodePtr amount_cell(xmlDocPtr container, const xmlChar *rs,
                              xmlAttrPtr attr)
{
    xmlNodePtr c = xmlNewDocNode(container, NULL, (const xmlChar *)"c", NULL);
    xmlNsPtr ns = c != NULL ? xmlNewNs(c, (const xmlChar *)META_NS,
                                       (const xmlChar *)"m")
                            : NULL;
    xmlChar *v = NULL;
    int ok = ns != NULL;

    if (ok) {
        xmlSetNs(c, ns);
        ok = xmlNewProp(c, (const xmlChar *)"t", (const xmlChar *)"amt") !=
             NULL;
    }
    if (ok && rs != NULL && rs[0] != '\0') {
        ok = xmlNewProp(c, (const xmlChar *)"rs", rs) != NULL;
    }
    if (ok && attr != NULL) {
        v = xmlNodeGetContent((xmlNodePtr)attr);
        ok = v != NULL;
    }
    if (ok && v != NULL && v[0] != '\0') {
        ok = xmlAddChild(c, xmlNewDocText(container, v)) != NULL;
    }
    xmlFree(v);
    if (!ok) {
        xmlFreeNode(c);
        return NULL;
    }
    return c;
}

/*
 * x:amount-cells(row, def [, rs]): for each <m:a n="..."/> child of the
 * nodes of 'def', a cell <m:c t="amt" rs="rs"> holding the attribute
 * named n of 'row' (empty when absent; no rs when rs is empty).  The
 * cells of grid.xsl's "amounts" template, as a node-set to copy.
 */
static void fn_amount_cells(xmlXPathParserContextPtr ctxt, int nargs)
{
    xsltTransformContextPtr tctxt = xsltXPathGetTransformContext(ctxt);
    xmlChar *rs = NULL;
    xmlNodeSetPtr def;
    xmlNodeSetPtr row;
    xmlNodeSetPtr cells = NULL;
    xmlDocPtr container = NULL;
    xmlNodePtr a;
    xmlNodePtr c;
    xmlChar *n;
    int i;
    int ok;

    if (nargs < 2 || nargs > 3) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    if (nargs == 3) {
        rs = xmlXPathPopString(ctxt);
    }
    def = xmlXPathPopNodeSet(ctxt);
    row = xmlXPathPopNodeSet(ctxt);
    ok = tctxt != NULL && !xmlXPathCheckError(ctxt);
    if (ok) {
        container = xsltCreateRVT(tctxt);
        cells = xmlXPathNodeSetCreate(NULL);
        ok = container != NULL && cells != NULL;
    }
    if (container != NULL) {
        xsltRegisterLocalRVT(tctxt, container);
    }
    for (i = 0; ok && def != NULL && i < def->nodeNr; i++) {
        for (a = def->nodeTab[i]->children; ok && a != NULL; a = a->next) {
            if (!is_meta(a, "a")) {
                continue;
            }
            n = xmlGetProp(a, (const xmlChar *)"n");
            c = amount_cell(container, rs,
                            n != NULL ? find_attr(row, n) : NULL);
            xmlFree(n);
            ok = c != NULL && xmlAddChild((xmlNodePtr)container, c) != NULL &&
                 xmlXPathNodeSetAdd(cells, c) == 0;
        }
    }
    xmlFree(rs);
    xmlXPathFreeNodeSet(def);
    xmlXPathFreeNodeSet(row);
    if (!ok) {
        xmlXPathFreeNodeSet(cells);
        if (!xmlXPathCheckError(ctxt)) {
            xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        }
        return;
    }
    valuePush(ctxt, xmlXPathWrapNodeSet(cells));
}

/* Does 's' start a spreadsheet formula (= + - @ TAB CR, not a number)? */
static int formula_like(const xmlChar *s)
{
    if (s[0] == '\0' || strchr("=+-@\t\r", s[0]) == NULL) {
        return 0;
    }
    /* the XSLT: string(number($raw)) = 'NaN' */
    return xmlXPathIsNaN(xmlXPathStringEvalNumber(s));
}

/*
 * Append 's' to 'b' as one RFC 4180 field, as csv.xsl's "field-xslt"
 * template writes it: a leading ' when the text would start a formula,
 * quoted (quotes doubled) when it holds a quote, comma, CR or LF.
 */
static void csv_field(struct bx_buf *b, const xmlChar *s)
{
    const xmlChar *p;
    const xmlChar *run = s;
    int quote = 0;

    for (p = s; *p != '\0'; p++) {
        quote |= *p == '"' || *p == ',' || *p == '\n' || *p == '\r';
    }
    if (quote) {
        buf_append(b, "\"", 1);
    }
    if (formula_like(s)) {
        buf_append(b, "'", 1);
    }
    for (p = s; quote && *p != '\0'; p++) {
        if (*p == '"') {
            buf_append(b, run, (size_t)(p - run) + 1); /* through the " */
            run = p;                                   /* written again */
        }
    }
    buf_puts(b, (const char *)run);
    if (quote) {
        buf_append(b, "\"", 1);
    }
}

/* Push the contents of 'b' as an XPath string (an error on ENOMEM). */
static void push_buf(xmlXPathParserContextPtr ctxt, struct bx_buf *b)
{
    xmlChar *s = b->failed ? NULL : xmlStrdup((const xmlChar *)
                                              (b->data != NULL ? b->data : ""));

    buf_release(b);
    if (s == NULL) {
        xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        return;
    }
    valuePush(ctxt, xmlXPathWrapString(s));
}

/* x:csv-field(s): 's' as one field (csv_field()). */
static void fn_csv_field(xmlXPathParserContextPtr ctxt, int nargs)
{
    struct bx_buf b;
    xmlChar *s;

    if (nargs != 1) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    s = xmlXPathPopString(ctxt);
    if (s == NULL || xmlXPathCheckError(ctxt)) {
        xmlFree(s);
        return;
    }
    buf_init(&b);
    csv_field(&b, s);
    xmlFree(s);
    push_buf(ctxt, &b);
}

/* The value of attribute 'name' of 'n' ("" when absent); caller frees. */
static xmlChar *attr_of(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);

    return v != NULL ? v : xmlStrdup((const xmlChar *)"");
}

/*
 * Append the fields of grid row 'row' (its m:c and m:s children, comma
 * separated) to 'b': a cell's text, with " / " and its @en when 'en';
 * a covered position m:s is an empty field.
 */
static void csv_row(struct bx_buf *b, xmlNodePtr row, int en)
{
    xmlNodePtr c;
    xmlChar *text;
    xmlChar *e;
    int first = 1;

    for (c = row->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (!first) {
            buf_append(b, ",", 1);
        }
        first = 0;
        if (!is_meta(c, "c")) {
            continue;
        }
        text = xmlNodeGetContent(c);
        e = en ? attr_of(c, "en") : NULL;
        if (text == NULL || (en && e == NULL)) {
            b->failed = 1;
        } else if (e != NULL && e[0] != '\0') {
            text = xmlStrcat(xmlStrcat(text, (const xmlChar *)" / "), e);
            if (text == NULL) {
                b->failed = 1;
            }
        }
        if (text != NULL) {
            csv_field(b, text);
        }
        xmlFree(text);
        xmlFree(e);
    }
}

/*
 * x:csv-row(row, lang): grid row 'row' as one CSV line without its line
 * end (csv.xsl's "csv-grid" for one row); 'lang' = 'en' adds the English
 * header texts.
 */
static void fn_csv_row(xmlXPathParserContextPtr ctxt, int nargs)
{
    struct bx_buf b;
    xmlNodeSetPtr rows;
    xmlChar *lang;
    int i;

    if (nargs != 2) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    lang = xmlXPathPopString(ctxt);
    rows = xmlXPathPopNodeSet(ctxt);
    buf_init(&b);
    for (i = 0; lang != NULL && rows != NULL && i < rows->nodeNr && i < 1;
         i++) {
        csv_row(&b, rows->nodeTab[i],
                xmlStrEqual(lang, (const xmlChar *)"en"));
    }
    xmlFree(lang);
    xmlXPathFreeNodeSet(rows);
    if (xmlXPathCheckError(ctxt)) {
        buf_release(&b);
        return;
    }
    push_buf(ctxt, &b);
}

/* The class html.xsl gives a body cell of type 't' (NULL: none). */
static const char *cell_class(const xmlChar *t)
{
    static const char *const map[][2] = {{"amt", "n"},  {"num", "n"},
                                         {"code", "c"}, {"label", "l"},
                                         {"famt", "f"}, {"val", "v"}};
    size_t i;

    for (i = 0; t != NULL && i < sizeof(map) / sizeof(map[0]); i++) {
        if (xmlStrEqual(t, (const xmlChar *)map[i][0])) {
            return map[i][1];
        }
    }
    return NULL;
}

/* Copy attribute 'from' of 'c' to 'h' as 'to' when its number is > 1. */
static int span_attr(xmlNodePtr c, const char *from, xmlNodePtr h,
                     const char *to)
{
    xmlChar *v = xmlGetNoNsProp(c, (const xmlChar *)from);
    int ok = 1;

    if (v != NULL && xmlXPathStringEvalNumber(v) > 1) {
        ok = xmlNewProp(h, (const xmlChar *)to, v) != NULL;
    }
    xmlFree(v);
    return ok;
}

/* Add text 'v' to 'h' unless empty (xsl:value-of writes no empty node). */
static int add_text(xmlDocPtr container, xmlNodePtr h, const xmlChar *v)
{
    if (v == NULL || v[0] == '\0') {
        return 1;
    }
    return xmlAddChild(h, xmlNewDocText(container, v)) != NULL;
}

/* <span class="en" lang="en">en</span> in 'h' when 'en' is not empty. */
static int en_span(xmlDocPtr container, xmlNodePtr h, const xmlChar *en)
{
    xmlNodePtr sp;

    if (en == NULL || en[0] == '\0') {
        return 1;
    }
    sp = xmlNewDocNode(container, NULL, (const xmlChar *)"span", NULL);
    if (sp == NULL || xmlAddChild(h, sp) == NULL) {
        xmlFreeNode(sp);
        return 0;
    }
    return xmlNewProp(sp, (const xmlChar *)"class", (const xmlChar *)"en") !=
               NULL &&
           xmlNewProp(sp, (const xmlChar *)"lang", (const xmlChar *)"en") !=
               NULL &&
           add_text(container, sp, en);
}

/*
 * The HTML cell of grid cell 'c' (html.xsl's modes grid-head and grid):
 * th or td, rowspan/colspan above 1, class by type (td) or scope="row"
 * (a th of the body), the text, the English text when 'en'.  NULL on
 * ENOMEM.
 */
static xmlNodePtr html_cell(xmlDocPtr container, xmlNodePtr c, int head,
                            int en)
{
    xmlChar *t = xmlGetNoNsProp(c, (const xmlChar *)"t");
    int th = head || xmlStrEqual(t, (const xmlChar *)"th");
    const char *cls = th ? NULL : cell_class(t);
    xmlNodePtr h = xmlNewDocNode(container, NULL,
                                 (const xmlChar *)(th ? "th" : "td"), NULL);
    xmlChar *text = NULL;
    xmlChar *e = NULL;
    int ok = h != NULL && span_attr(c, "rs", h, "rowspan") &&
             span_attr(c, "cs", h, "colspan");

    if (ok && cls != NULL) {
        ok = xmlNewProp(h, (const xmlChar *)"class", (const xmlChar *)cls) !=
             NULL;
    }
    if (ok && th && !head) {
        ok = xmlNewProp(h, (const xmlChar *)"scope",
                        (const xmlChar *)"row") != NULL;
    }
    if (ok) {
        text = xmlNodeGetContent(c);
        ok = text != NULL && add_text(container, h, text);
    }
    if (ok && en) {
        e = xmlGetNoNsProp(c, (const xmlChar *)"en");
        ok = en_span(container, h, e);
    }
    xmlFree(t);
    xmlFree(text);
    xmlFree(e);
    if (!ok) {
        xmlFreeNode(h);
        return NULL;
    }
    return h;
}

/*
 * x:html-cells(row, lang, head): the th/td elements of the m:c cells of
 * grid row 'row' (covered positions m:s give none), as a node-set to
 * copy; 'head' true for a header row.
 */
static void fn_html_cells(xmlXPathParserContextPtr ctxt, int nargs)
{
    xsltTransformContextPtr tctxt = xsltXPathGetTransformContext(ctxt);
    xmlNodeSetPtr rows;
    xmlNodeSetPtr cells = NULL;
    xmlDocPtr container = NULL;
    xmlNodePtr c;
    xmlNodePtr h;
    xmlChar *lang;
    int head;
    int ok;

    if (nargs != 3) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    head = xmlXPathPopBoolean(ctxt);
    lang = xmlXPathPopString(ctxt);
    rows = xmlXPathPopNodeSet(ctxt);
    ok = tctxt != NULL && lang != NULL && !xmlXPathCheckError(ctxt);
    if (ok) {
        container = xsltCreateRVT(tctxt);
        cells = xmlXPathNodeSetCreate(NULL);
        ok = container != NULL && cells != NULL;
    }
    if (container != NULL) {
        xsltRegisterLocalRVT(tctxt, container);
    }
    c = ok && rows != NULL && rows->nodeNr > 0 ? rows->nodeTab[0]->children
                                               : NULL;
    for (; ok && c != NULL; c = c->next) {
        if (!is_meta(c, "c")) {
            continue;
        }
        h = html_cell(container, c, head,
                      xmlStrEqual(lang, (const xmlChar *)"en"));
        ok = h != NULL && xmlAddChild((xmlNodePtr)container, h) != NULL &&
             xmlXPathNodeSetAdd(cells, h) == 0;
    }
    xmlFree(lang);
    xmlXPathFreeNodeSet(rows);
    if (!ok) {
        xmlXPathFreeNodeSet(cells);
        if (!xmlXPathCheckError(ctxt)) {
            xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        }
        return;
    }
    valuePush(ctxt, xmlXPathWrapNodeSet(cells));
}

static void init_once(void)
{
    xsltRegisterExtModuleFunction((const xmlChar *)"amount-cells",
                                  (const xmlChar *)XSLT_EXT_NS,
                                  fn_amount_cells);
    xsltRegisterExtModuleFunction((const xmlChar *)"csv-field",
                                  (const xmlChar *)XSLT_EXT_NS, fn_csv_field);
    xsltRegisterExtModuleFunction((const xmlChar *)"csv-row",
                                  (const xmlChar *)XSLT_EXT_NS, fn_csv_row);
    xsltRegisterExtModuleFunction((const xmlChar *)"html-cells",
                                  (const xmlChar *)XSLT_EXT_NS,
                                  fn_html_cells);
}

void xslt_ext_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, init_once);
}
