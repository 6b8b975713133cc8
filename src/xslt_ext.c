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
 * x:csv-field(s): one RFC 4180 field, as csv.xsl's "field" template
 * writes it: a leading ' when the text would start a formula, quoted
 * (quotes doubled) when it holds a quote, comma, CR or LF.
 */
static void fn_csv_field(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlChar *s;
    xmlChar *out;
    const xmlChar *p;
    size_t len;
    size_t extra = 0;
    size_t k = 0;
    int quote = 0;
    int tick;

    if (nargs != 1) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    s = xmlXPathPopString(ctxt);
    if (s == NULL || xmlXPathCheckError(ctxt)) {
        xmlFree(s);
        return;
    }
    tick = formula_like(s);
    len = strlen((const char *)s);
    for (p = s; *p != '\0'; p++) {
        extra += *p == '"';
        quote |= *p == '"' || *p == ',' || *p == '\n' || *p == '\r';
    }
    out = xmlMalloc(len + extra + (size_t)tick + 3);
    if (out == NULL) {
        xmlFree(s);
        xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        return;
    }
    if (quote) {
        out[k++] = '"';
    }
    if (tick) {
        out[k++] = '\'';
    }
    for (p = s; *p != '\0'; p++) {
        if (quote && *p == '"') {
            out[k++] = '"';
        }
        out[k++] = *p;
    }
    if (quote) {
        out[k++] = '"';
    }
    out[k] = '\0';
    xmlFree(s);
    valuePush(ctxt, xmlXPathWrapString(out));
}

static void init_once(void)
{
    xsltRegisterExtModuleFunction((const xmlChar *)"amount-cells",
                                  (const xmlChar *)XSLT_EXT_NS,
                                  fn_amount_cells);
    xsltRegisterExtModuleFunction((const xmlChar *)"csv-field",
                                  (const xmlChar *)XSLT_EXT_NS, fn_csv_field);
}

void xslt_ext_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, init_once);
}
