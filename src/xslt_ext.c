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
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

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
 * The namespace urn:budgetx:xslt:meta in scope at 'parent' of 'doc', or a
 * new declaration on 'c'.  NULL on ENOMEM.
 */
static xmlNsPtr meta_ns(xmlDocPtr doc, xmlNodePtr parent, xmlNodePtr c)
{
    xmlNsPtr ns = NULL;

    if (parent != NULL && parent->type == XML_ELEMENT_NODE) {
        ns = xmlSearchNsByHref(doc, parent, (const xmlChar *)META_NS);
    }
    if (ns == NULL) {
        ns = xmlNewNs(c, (const xmlChar *)META_NS, (const xmlChar *)"m");
    }
    return ns;
}

/*
 * Add <m:c t="amt" [rs="rs"]>value</m:c> to 'parent' (a node of the
 * result 'doc').  Returns 0, or -1 on ENOMEM.
 */
static int amount_cell(xmlDocPtr doc, xmlNodePtr parent, const xmlChar *rs,
                       xmlAttrPtr attr)
{
    xmlNodePtr c = xmlNewDocNode(doc, NULL, (const xmlChar *)"c", NULL);
    xmlNsPtr ns = c != NULL ? meta_ns(doc, parent, c) : NULL;
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
        ok = xmlAddChild(c, xmlNewDocText(doc, v)) != NULL;
    }
    xmlFree(v);
    if (!ok || xmlAddChild(parent, c) == NULL) {
        xmlFreeNode(c);
        return -1;
    }
    return 0;
}

/* The node-set value of variable 'name' in scope (NULL: none). */
static xmlXPathObjectPtr var_nodes(xsltTransformContextPtr ctxt,
                                   const char *name)
{
    xmlXPathObjectPtr v = xsltVariableLookup(ctxt, (const xmlChar *)name, NULL);

    if (v != NULL && v->type != XPATH_NODESET && v->type != XPATH_XSLT_TREE) {
        xmlXPathFreeObject(v);
        return NULL;
    }
    return v;
}

/* The string value of variable 'name' in scope ("" when none). */
static xmlChar *var_string(xsltTransformContextPtr ctxt, const char *name)
{
    xmlXPathObjectPtr v = xsltVariableLookup(ctxt, (const xmlChar *)name, NULL);
    xmlChar *s = v != NULL ? xmlXPathCastToString(v)
                           : xmlStrdup((const xmlChar *)"");

    xmlXPathFreeObject(v);
    return s;
}

/* Stop the transformation: out of memory in an extension. */
static void ext_nomem(xsltTransformContextPtr ctxt, xmlNodePtr inst)
{
    xsltTransformError(ctxt, NULL, inst, "budgetx extension: out of memory\n");
    ctxt->state = XSLT_STATE_STOPPED;
}

/*
 * <x:amount-cells/>, inside grid.xsl's "amounts" template: for each
 * <m:a n="..."/> child of the nodes of $def, a cell <m:c t="amt"
 * rs="$rs"> holding the attribute named n of $row (empty when absent; no
 * rs when $rs is empty), written to the result.  Reads the template's
 * parameters row, def and rs.
 */
static void el_amount_cells(xsltTransformContextPtr ctxt, xmlNodePtr node,
                            xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    xmlXPathObjectPtr row = var_nodes(ctxt, "row");
    xmlXPathObjectPtr def = var_nodes(ctxt, "def");
    xmlChar *rs = var_string(ctxt, "rs");
    xmlNodeSetPtr ds = def != NULL ? def->nodesetval : NULL;
    xmlNodePtr a;
    xmlChar *n;
    int ok = rs != NULL && ctxt->insert != NULL;
    int i;

    (void)node;
    (void)comp;
    for (i = 0; ok && ds != NULL && i < ds->nodeNr; i++) {
        for (a = ds->nodeTab[i]->children; ok && a != NULL; a = a->next) {
            if (!is_meta(a, "a")) {
                continue;
            }
            n = xmlGetProp(a, (const xmlChar *)"n");
            ok = amount_cell(ctxt->output, ctxt->insert, rs,
                             n != NULL && row != NULL
                                 ? find_attr(row->nodesetval, n)
                                 : NULL) == 0;
            xmlFree(n);
        }
    }
    xmlFree(rs);
    xmlXPathFreeObject(row);
    xmlXPathFreeObject(def);
    if (!ok) {
        ext_nomem(ctxt, inst);
    }
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
 * <x:html-cells head="yes|no"/>, with a grid row as the current node
 * (html.xsl's modes grid-head and grid): the th/td elements of its m:c
 * cells (a covered position m:s gives none), written to the result.
 * Reads the global parameter lang.
 */
static void el_html_cells(xsltTransformContextPtr ctxt, xmlNodePtr node,
                          xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    xmlChar *head = xmlGetNoNsProp(inst, (const xmlChar *)"head");
    xmlChar *lang = var_string(ctxt, "lang");
    int en = xmlStrEqual(lang, (const xmlChar *)"en");
    int h = xmlStrEqual(head, (const xmlChar *)"yes");
    int ok = lang != NULL && ctxt->insert != NULL;
    xmlNodePtr c;
    xmlNodePtr cell;

    (void)comp;
    for (c = node->children; ok && c != NULL; c = c->next) {
        if (!is_meta(c, "c")) {
            continue;
        }
        cell = html_cell(ctxt->output, c, h, en);
        ok = cell != NULL && xmlAddChild(ctxt->insert, cell) != NULL;
        if (!ok) {
            xmlFreeNode(cell);
        }
    }
    xmlFree(head);
    xmlFree(lang);
    if (!ok) {
        ext_nomem(ctxt, inst);
    }
}

static void init_once(void)
{
    xsltRegisterExtModuleElement((const xmlChar *)"amount-cells",
                                 (const xmlChar *)XSLT_EXT_NS, NULL,
                                 el_amount_cells);
    xsltRegisterExtModuleElement((const xmlChar *)"html-cells",
                                 (const xmlChar *)XSLT_EXT_NS, NULL,
                                 el_html_cells);
    xsltRegisterExtModuleFunction((const xmlChar *)"csv-field",
                                  (const xmlChar *)XSLT_EXT_NS, fn_csv_field);
    xsltRegisterExtModuleFunction((const xmlChar *)"csv-row",
                                  (const xmlChar *)XSLT_EXT_NS, fn_csv_row);
}

void xslt_ext_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, init_once);
}
