/*
 * Extension functions of the stylesheets (see xslt_ext.h).  Each does
 * exactly what the XSLT it replaces does; tests/convert/xsltproc.sh runs
 * the stylesheets with xsltproc (the XSLT versions) and compares bytes.
 */
#define _POSIX_C_SOURCE 200809L

#include "xslt_ext.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xpathInternals.h>
#include <libxslt/extensions.h>
#include <libxslt/pattern.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "budgetx.h"
#include "util.h"
#include "xslt_grid.h"

#define META_NS "urn:budgetx:xslt:meta"

/*
 * Is 's' the string 'lit'?  Compared here: the names of the grid are a
 * few bytes, shorter than the call of strcmp() that would compare them.
 */
static inline int same_name(const xmlChar *s, const char *lit)
{
    for (; *lit != '\0'; s++, lit++) {
        if (*s != (xmlChar)*lit) {
            return 0;
        }
    }
    return *s == '\0';
}

/* Is 'n' the element {urn:budgetx:xslt:meta}'local'? */
static int is_meta(const xmlNode *n, const char *local)
{
    /* the name first: it differs more often and is shorter; a tree
     * that libxslt built short of memory may lack either */
    return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->name != NULL &&
           n->ns->href != NULL && same_name(n->name, local) &&
           strcmp((const char *)n->ns->href, META_NS) == 0;
}

/*
 * is_meta(n, "c"), where 'meta' is a namespace known to be the meta one
 * (NULL: none): the cells of a row share its namespace declaration, so
 * their URI is compared only when the pointer differs.
 */
static int is_meta_c(const xmlNode *n, const xmlNs *meta)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->name != NULL &&
           n->name[0] == 'c' && n->name[1] == '\0' &&
           (n->ns == meta || (n->ns->href != NULL &&
                              strcmp((const char *)n->ns->href, META_NS) == 0));
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
        ok =
            xmlNewProp(c, (const xmlChar *)"t", (const xmlChar *)"amt") != NULL;
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
    xmlChar *rs = xslt_grid_var_string(ctxt, "rs");
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

/*
 * An extension function ran out of memory: an XPath error, and the
 * transformation stops with an out-of-memory message (a failed realloc
 * of a bx_buf is not seen by xmlio's allocation counter).
 */
static void fn_nomem(xmlXPathParserContextPtr ctxt)
{
    xsltTransformContextPtr t = xsltXPathGetTransformContext(ctxt);

    if (t != NULL) {
        ext_nomem(t, NULL);
    }
    xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
}

/* Push the contents of 'b' as an XPath string (an error on ENOMEM). */
static void push_buf(xmlXPathParserContextPtr ctxt, struct bx_buf *b)
{
    xmlChar *s =
        b->failed
            ? NULL
            : xmlStrdup((const xmlChar *)(b->data != NULL ? b->data : ""));

    buf_release(b);
    if (s == NULL) {
        fn_nomem(ctxt);
        return;
    }
    valuePush(ctxt, xmlXPathWrapString(s));
}

/* A function of one string argument: what 'put' appends for it. */
static void string_fn(xmlXPathParserContextPtr ctxt, int nargs,
                      void (*put)(struct bx_buf *, const xmlChar *))
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
    put(&b, s);
    xmlFree(s);
    push_buf(ctxt, &b);
}

/* x:csv-field(s): 's' as one field (csv_field()). */
static void fn_csv_field(xmlXPathParserContextPtr ctxt, int nargs)
{
    string_fn(ctxt, nargs, csv_field);
}

/* The value of attribute 'name' of 'n' ("" when absent); caller frees. */
static xmlChar *attr_of(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);

    return v != NULL ? v : xmlStrdup((const xmlChar *)"");
}

/*
 * The CSV field of grid cell 'c': its text, with " / " and its @en when
 * 'en' and @en is not empty.  Read in place (this runs once per cell).
 */
static void csv_cell(struct bx_buf *b, xmlNodePtr c, int en)
{
    xmlChar *tcopy;
    xmlChar *ecopy = NULL;
    xmlChar *both = NULL;
    const xmlChar *text = xslt_grid_text(c, &tcopy);
    const xmlChar *e = NULL;

    if (text == NULL || (en && xslt_grid_attr(c, "en", &e, &ecopy) != 0)) {
        b->failed = 1;
        text = NULL;
    } else if (e != NULL && e[0] != '\0') {
        both = xmlStrcat(xmlStrcat(xmlStrdup(text), (const xmlChar *)" / "), e);
        b->failed |= both == NULL;
        text = both;
    }
    if (text != NULL) {
        csv_field(b, text);
    }
    xmlFree(both);
    xmlFree(tcopy);
    xmlFree(ecopy);
}

/*
 * Append the fields of grid row 'row' (its m:c and m:s children, comma
 * separated) to 'b': a cell's text, with " / " and its @en when 'en';
 * a covered position m:s is an empty field.
 */
static void csv_row(struct bx_buf *b, xmlNodePtr row, int en)
{
    xmlNodePtr c;
    int first = 1;

    for (c = row->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (!first) {
            buf_append(b, ",", 1);
        }
        first = 0;
        if (is_meta(c, "c")) {
            csv_cell(b, c, en);
        }
    }
}

void xslt_ext_csv_row(struct bx_buf *b, xmlNodePtr row, int en)
{
    csv_row(b, row, en);
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
        csv_row(&b, rows->nodeTab[i], xmlStrEqual(lang, (const xmlChar *)"en"));
    }
    xmlFree(lang);
    xmlXPathFreeNodeSet(rows);
    if (xmlXPathCheckError(ctxt)) {
        buf_release(&b);
        return;
    }
    push_buf(ctxt, &b);
}

/* Append the CSV lines of the rows below 'part' (an m:head or m:body). */
static void csv_part_rows(struct bx_buf *b, xmlNodePtr part, int en,
                          const xmlChar *eol)
{
    xmlNodePtr r;

    for (r = part->children; r != NULL; r = r->next) {
        if (is_meta(r, "row")) {
            csv_row(b, r, en);
            buf_puts(b, (const char *)eol);
        }
    }
}

/*
 * x:csv-rows(grids, lang, eol): the rows of the grids' m:head and m:body
 * (in document order) as CSV lines, each ended by
 * 'eol': csv.xsl's "csv-grid" in one call.
 */
static void fn_csv_rows(xmlXPathParserContextPtr ctxt, int nargs)
{
    struct bx_buf b;
    xmlNodeSetPtr grids;
    xmlChar *lang;
    xmlChar *eol;
    xmlNodePtr p;
    int en;
    int i;

    if (nargs != 3) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    eol = xmlXPathPopString(ctxt);
    lang = xmlXPathPopString(ctxt);
    grids = xmlXPathPopNodeSet(ctxt);
    en = xmlStrEqual(lang, (const xmlChar *)"en");
    buf_init(&b);
    for (i = 0;
         eol != NULL && lang != NULL && grids != NULL && i < grids->nodeNr;
         i++) {
        /* $g/m:head/m:row | $g/m:body/m:row: in document order */
        for (p = grids->nodeTab[i]->children; p != NULL; p = p->next) {
            if (is_meta(p, "head") || is_meta(p, "body")) {
                csv_part_rows(&b, p, en, eol);
            }
        }
    }
    xmlFree(eol);
    xmlFree(lang);
    xmlXPathFreeNodeSet(grids);
    if (xmlXPathCheckError(ctxt)) {
        buf_release(&b);
        return;
    }
    push_buf(ctxt, &b);
}

/*
 * HTML text as libxml2's HTML serialiser writes it: in text, & < > are
 * escaped; in an attribute value also ".
 */
static void html_escape(struct bx_buf *b, const xmlChar *s, int attr)
{
    const xmlChar *run = s;
    const char *rep;

    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            rep = "&amp;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        case '"':
            rep = attr ? "&quot;" : NULL;
            break;
        default:
            rep = NULL;
        }
        if (rep != NULL) {
            buf_append(b, run, (size_t)(s - run));
            buf_puts(b, rep);
            run = s + 1;
        }
    }
    buf_puts(b, (const char *)run);
}

/* The class html.xsl gives a body cell of type 't' (NULL: none): one
 * letter (html_cell() writes one byte). */
static const char *cell_class(const xmlChar *t)
{
    if (t == NULL) {
        return NULL;
    }
    switch (t[0]) {
    case 'a':
        return same_name(t, "amt") ? "n" : NULL;
    case 'n':
        return same_name(t, "num") ? "n" : NULL;
    case 'c':
        return same_name(t, "code") ? "c" : NULL;
    case 'l':
        return same_name(t, "label") ? "l" : NULL;
    case 'f':
        return same_name(t, "famt") ? "f" : NULL;
    case 'v':
        return same_name(t, "val") ? "v" : NULL;
    default:
        return NULL;
    }
}

/* Bytes at 'p': 'n' of 's'; returns the end. */
static char *put(char *p, const void *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

#define PUT(p, lit) put((p), (lit), sizeof(lit) - 1)

/*
 * 's' escaped as html_escape() does, at 'p' (room for 6 bytes a byte of
 * 's'); returns the end.
 */
static char *put_escaped(char *p, const xmlChar *s, int attr)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '&':
            p = PUT(p, "&amp;");
            break;
        case '<':
            p = PUT(p, "&lt;");
            break;
        case '>':
            p = PUT(p, "&gt;");
            break;
        case '"':
            if (attr) {
                p = PUT(p, "&quot;");
                break;
            }
            *p++ = (char)*s;
            break;
        default:
            *p++ = (char)*s;
        }
    }
    return p;
}

/* XPath number('v') > 1 (plain digits read here, the rest by libxml2). */
static int above_one(const xmlChar *v)
{
    unsigned long n = 0;
    size_t i;

    for (i = 0; i < 9 && v[i] >= '0' && v[i] <= '9'; i++) {
        n = n * 10 + (unsigned long)(v[i] - '0');
    }
    if (i > 0 && v[i] == '\0') {
        return n > 1;
    }
    return xmlXPathStringEvalNumber(v) > 1;
}

/* ' to="v"' at 'p' when the number 'v' (NULL: none) is above 1. */
static char *put_span(char *p, const char *to, const xmlChar *v)
{
    if (v == NULL || !above_one(v)) {
        return p;
    }
    *p++ = ' ';
    p = put(p, to, strlen(to));
    p = PUT(p, "=\"");
    p = put_escaped(p, v, 1);
    return PUT(p, "\"");
}

/* What html_cell() reads of grid cell 'c' (in place, or copies). */
struct cell_in {
    const xmlChar *t;
    const xmlChar *text;
    const xmlChar *en;
    const xmlChar *rs;
    const xmlChar *cs;
    xmlChar *copy[5];
};

/*
 * The member of 'in' that attribute 'name' of a cell goes to (NULL:
 * none, or en without 'en'); '*i' its slot of in->copy.
 */
static const xmlChar **cell_slot(struct cell_in *in, const xmlChar *name,
                                 int en, int *i)
{
    switch (name[0]) {
    case 't':
        *i = 1;
        return name[1] == '\0' ? &in->t : NULL;
    case 'r':
        *i = 2;
        return same_name(name + 1, "s") ? &in->rs : NULL;
    case 'c':
        *i = 3;
        return same_name(name + 1, "s") ? &in->cs : NULL;
    case 'e':
        *i = 4;
        return en && same_name(name + 1, "n") ? &in->en : NULL;
    default:
        return NULL;
    }
}

/*
 * Read cell 'c' into 'in' (what xslt_grid_attr() reads of t, rs, cs and
 * en: the first no-namespace attribute of each name), its attributes in
 * one pass; -1 on ENOMEM.
 */
static int cell_read(xmlNodePtr c, int en, struct cell_in *in)
{
    const xmlChar **v;
    unsigned seen = 0;
    xmlAttrPtr a;
    int rc = 0;
    int i;

    memset(in, 0, sizeof(*in));
    in->text = xslt_grid_text(c, &in->copy[0]);
    rc |= in->text == NULL ? -1 : 0;
    for (a = c->properties; a != NULL; a = a->next) {
        v = a->ns == NULL ? cell_slot(in, a->name, en, &i) : NULL;
        if (v == NULL || (seen & (1u << i)) != 0) {
            continue;
        }
        seen |= 1u << i;
        *v = xslt_grid_attr_text(a, &in->copy[i]);
        rc |= *v == NULL ? -1 : 0;
    }
    return rc;
}

static size_t len_of(const xmlChar *s)
{
    return s != NULL ? strlen((const char *)s) : 0;
}

/*
 * The HTML of grid cell 'c' (html.xsl's modes grid-head and grid), after
 * a line break when 'nl': th or td, rowspan/colspan above 1, class by
 * type (td) or scope="row" (a th of the body), the text, the English
 * text when 'en'.  The line break before the end tag is the
 * serialiser's: a block element whose last child (the span) is an
 * element and not its only child.  Attributes and text are read in place
 * and written into room made once (this runs once per table cell).
 */
static void html_cell(struct bx_buf *b, xmlNodePtr c, int nl, int head, int en)
{
    struct cell_in in;
    const char *cls;
    size_t room;
    char *p;
    int th;
    int i;

    if (cell_read(c, en, &in) != 0) {
        b->failed = 1;
        goto out;
    }
    /* every byte escaped at most 6 (&quot;), 128 for the markup */
    room =
        6 * (len_of(in.text) + len_of(in.en) + len_of(in.rs) + len_of(in.cs)) +
        128;
    if (buf_reserve(b, room) != BX_OK) {
        goto out;
    }
    th = head || (in.t != NULL && same_name(in.t, "th"));
    p = b->data + b->len;
    if (nl) {
        *p++ = '\n';
    }
    p = th ? PUT(p, "<th") : PUT(p, "<td");
    p = put_span(p, "rowspan", in.rs);
    p = put_span(p, "colspan", in.cs);
    /* constant values, nothing to escape */
    cls = th ? NULL : cell_class(in.t);
    if (cls != NULL) {
        p = PUT(p, " class=\"");
        *p++ = *cls;
        p = PUT(p, "\"");
    }
    if (th && !head) {
        p = PUT(p, " scope=\"row\"");
    }
    p = PUT(p, ">");
    p = put_escaped(p, in.text, 0);
    if (in.en != NULL && in.en[0] != '\0') {
        p = PUT(p, "<span class=\"en\" lang=\"en\">");
        p = put_escaped(p, in.en, 0);
        p = PUT(p, "</span>");
        if (in.text[0] != '\0') {
            p = PUT(p, "\n");
        }
    }
    p = th ? PUT(p, "</th>") : PUT(p, "</td>");
    *p = '\0';
    b->len = (size_t)(p - b->data);
out:
    for (i = 0; i < 5; i++) {
        if (in.copy[i] != NULL) {
            xmlFree(in.copy[i]);
        }
    }
}

/* The namespace of 'n' when it is the meta one, else NULL. */
static const xmlNs *meta_ns_of(const xmlNode *n)
{
    if (n->ns != NULL && n->ns->href != NULL &&
        strcmp((const char *)n->ns->href, META_NS) == 0) {
        return n->ns;
    }
    return NULL;
}

/*
 * Does grid row 'row' have two m:c children or more?  'meta': the meta
 * namespace when the row's is it (is_meta_c()).
 */
static int cells_above_one(xmlNodePtr row, const xmlNs *meta)
{
    xmlNodePtr c;
    int n = 0;

    for (c = row->children; c != NULL && n < 2; c = c->next) {
        n += is_meta_c(c, meta);
    }
    return n > 1;
}

/*
 * The first no-namespace attributes kind and depth of grid row 'row'
 * (xslt_grid_attr()), in one pass: '*kind' and '*depth' NULL when
 * absent; copies in '*kcopy' and '*dcopy' (caller frees).  -1 on ENOMEM.
 */
static int row_read(xmlNodePtr row, const xmlChar **kind, xmlChar **kcopy,
                    const xmlChar **depth, xmlChar **dcopy)
{
    xmlAttrPtr a;
    int has_kind = 0;
    int has_depth = 0;
    int rc = 0;

    *kind = NULL;
    *depth = NULL;
    *kcopy = NULL;
    *dcopy = NULL;
    for (a = row->properties; a != NULL; a = a->next) {
        if (a->ns != NULL) {
            continue;
        }
        if (!has_kind && same_name(a->name, "kind")) {
            has_kind = 1;
            *kind = xslt_grid_attr_text(a, kcopy);
            rc |= *kind == NULL ? -1 : 0;
        } else if (!has_depth && same_name(a->name, "depth")) {
            has_depth = 1;
            *depth = xslt_grid_attr_text(a, dcopy);
            rc |= *depth == NULL ? -1 : 0;
        }
    }
    return rc;
}

/*
 * The HTML of grid row 'row' as the serialiser writes a tr element with
 * its cells: a line break after the start tag, between cells and before
 * the end tag when there is more than one cell.
 */
void xslt_ext_html_row(struct bx_buf *b, xmlNodePtr row, int head, int en)
{
    const xmlNs *meta = meta_ns_of(row);
    int many = cells_above_one(row, meta);
    xmlChar *kcopy;
    xmlChar *dcopy;
    const xmlChar *kind;
    const xmlChar *depth;
    xmlNodePtr c;

    if (row_read(row, &kind, &kcopy, &depth, &dcopy) != 0) {
        b->failed = 1;
    }
    buf_append(b, "<tr", 3);
    if (kind != NULL) {
        buf_append(b, " class=\"r-", 10);
        html_escape(b, kind, 1);
        if (depth != NULL && xmlXPathStringEvalNumber(depth) > 0) {
            buf_append(b, " d", 2);
            html_escape(b, depth, 1);
        }
        buf_append(b, "\"", 1);
    }
    buf_append(b, ">", 1);
    for (c = row->children; c != NULL; c = c->next) {
        if (is_meta_c(c, meta)) {
            html_cell(b, c, many, head, en);
        }
    }
    if (many) {
        buf_append(b, "\n</tr>", 6);
    } else {
        buf_append(b, "</tr>", 5);
    }
    if (kcopy != NULL) {
        xmlFree(kcopy);
    }
    if (dcopy != NULL) {
        xmlFree(dcopy);
    }
}
/*
 * When x:keyed-rows or x:head-rows wrote grid part 'part' as HTML
 * already (html.xsl's $x-html-direct: one text node the serialiser
 * copies as it is), move
 * that node to the insertion point of 'ctxt' and return 1 ('*ok' = 0 on
 * ENOMEM); else 0.  The grid is read once, by this element.
 */
static int take_html_text(xsltTransformContextPtr ctxt, xmlNodePtr part,
                          int *ok)
{
    xmlNodePtr t = part->children;

    if (t == NULL || t->type != XML_TEXT_NODE ||
        t->name != xmlStringTextNoenc) {
        return 0;
    }
    xmlUnlinkNode(t);
    if (ctxt->insert == NULL || xmlAddChild(ctxt->insert, t) == NULL) {
        xmlFreeNode(t);
        *ok = 0;
    }
    return 1;
}

/*
 * <x:html-rows part="head|body"/>, inside thead or tbody (html.xsl):
 * the rows of $g/m:head or $g/m:body as HTML, written as one text node
 * that the serialiser copies as it is (like disable-output-escaping),
 * with the line breaks the serialiser puts between elements.  The bytes
 * are those of the XSLT fallback; the result tree holds one node per
 * table part instead of several per cell.  Reads $g and $lang.
 */
static void el_html_rows(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    xmlChar *part = xmlGetNoNsProp(inst, (const xmlChar *)"part");
    xmlChar *lang = xslt_grid_var_string(ctxt, "lang");
    xmlXPathObjectPtr g = var_nodes(ctxt, "g");
    int head = xmlStrEqual(part, (const xmlChar *)"head");
    int en = xmlStrEqual(lang, (const xmlChar *)"en");
    xmlNodeSetPtr gs = g != NULL ? g->nodesetval : NULL;
    xmlNodePtr p;
    xmlNodePtr r;
    xmlNodePtr text = NULL;
    struct bx_buf b;
    int nrows = 0;
    int ok = 1;
    int i;

    (void)node;
    (void)comp;
    buf_init(&b);
    for (i = 0; gs != NULL && i < gs->nodeNr; i++) {
        for (p = gs->nodeTab[i]->children; p != NULL; p = p->next) {
            if (!is_meta(p, head ? "head" : "body")) {
                continue;
            }
            if (take_html_text(ctxt, p, &ok)) {
                break;
            }
            for (r = p->children; r != NULL; r = r->next) {
                if (is_meta(r, "row")) {
                    buf_append(&b, "\n", 1);
                    xslt_ext_html_row(&b, r, head, en);
                    nrows++;
                }
            }
        }
    }
    /* the serialiser breaks lines inside thead/tbody only around two
     * rows or more: drop the first break when there is one row */
    if (nrows > 1) {
        buf_append(&b, "\n", 1);
    }
    if (!b.failed && nrows > 0) {
        text = xmlNewDocTextLen(ctxt->output,
                                (const xmlChar *)b.data + (nrows == 1),
                                (int)(b.len - (nrows == 1)));
        ok = text != NULL;
    }
    if (text != NULL) {
        text->name = xmlStringTextNoenc;
        ok = ctxt->insert != NULL && xmlAddChild(ctxt->insert, text) != NULL;
        if (!ok) {
            xmlFreeNode(text);
        }
    }
    if (b.failed) {
        ok = 0;
    }
    buf_release(&b);
    xmlFree(part);
    xmlFree(lang);
    xmlXPathFreeObject(g);
    if (!ok) {
        ext_nomem(ctxt, inst);
    }
}

/*
 * The xsl:fallback child of extension element 'inst': its content is
 * the XSLT that the element stands for (NULL: none).
 */
static xmlNodePtr fallback_of(xmlNodePtr inst)
{
    xmlNodePtr c;

    for (c = inst->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
            xmlStrEqual(c->ns->href, XSLT_NAMESPACE) &&
            xmlStrEqual(c->name, (const xmlChar *)"fallback")) {
            return c;
        }
    }
    return NULL;
}

/* Run the XSLT that 'inst' stands for (its xsl:fallback) on 'node'. */
static void run_fallback(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst)
{
    xmlNodePtr fb = fallback_of(inst);

    if (fb != NULL && fb->children != NULL) {
        xsltApplyOneTemplate(ctxt, node, fb->children, NULL, NULL);
    }
}

/*
 * Is 's' (not empty) written as it is in a quoted attribute value and
 * in text by the HTML serialiser?  Printable ASCII without & < > " '.
 */
static int plain_value(const xmlChar *s)
{
    if (s == NULL || *s == '\0') {
        return 0;
    }
    for (; *s != '\0'; s++) {
        if (*s < 0x20 || *s > 0x7e || strchr("&<>\"'", *s) != NULL) {
            return 0;
        }
    }
    return 1;
}

/*
 * Put 'n' last among the children of 'parent' as it is: xmlAddChild()
 * would merge two text nodes of the same kind, copying both.
 */
static void link_last(xmlNodePtr parent, xmlNodePtr n)
{
    if (n->doc != parent->doc) {
        xmlSetTreeDoc(n, parent->doc);
    }
    n->parent = parent;
    n->prev = parent->last;
    n->next = NULL;
    if (parent->last != NULL) {
        parent->last->next = n;
    } else {
        parent->children = n;
    }
    parent->last = n;
}

/*
 * Append the HTML 'b' holds to the insertion point of 'ctxt' as one text
 * node that the serialiser copies as it is.  0, or -1 on ENOMEM.
 */
static int insert_html(xsltTransformContextPtr ctxt, const struct bx_buf *b)
{
    xmlNodePtr text;

    if (b->failed || ctxt->insert == NULL) {
        return -1;
    }
    if (b->len == 0) {
        return 0;
    }
    text =
        xmlNewDocTextLen(ctxt->output, (const xmlChar *)b->data, (int)b->len);
    if (text == NULL) {
        return -1;
    }
    text->name = xmlStringTextNoenc;
    link_last(ctxt->insert, text);
    return 0;
}

/* Is 'n' the element {urn:budgetx:disclosure:1}'local'? */
static int is_bx_el(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL && n->name != NULL &&
           n->ns->href != NULL && strcmp((const char *)n->name, local) == 0 &&
           strcmp((const char *)n->ns->href, "urn:budgetx:disclosure:1") == 0;
}

/*
 * html.xsl's bx:fig, <span class="fig" data-of="{@of}"> with the
 * figure's text, into 'b' when C writes the bytes of the serialiser: a
 * figure holding text only, @of printable ASCII without characters to
 * escape.  0 when written, 1 when the XSLT must run.
 */
static int fig_html(struct bx_buf *b, xmlNodePtr fig)
{
    xmlAttrPtr of;
    xmlNodePtr c;

    for (of = fig->properties; of != NULL; of = of->next) {
        if (of->ns == NULL && xmlStrEqual(of->name, (const xmlChar *)"of")) {
            break;
        }
    }
    if (of == NULL || of->children == NULL ||
        of->children->type != XML_TEXT_NODE || of->children->next != NULL ||
        !plain_value(of->children->content)) {
        return 1;
    }
    for (c = fig->children; c != NULL; c = c->next) {
        if (c->type != XML_TEXT_NODE || c->content == NULL) {
            return 1;
        }
    }
    buf_puts(b, "<span class=\"fig\" data-of=\"");
    buf_puts(b, (const char *)of->children->content);
    buf_puts(b, "\">");
    for (c = fig->children; c != NULL; c = c->next) {
        html_escape(b, c->content, 0);
    }
    buf_puts(b, "</span>");
    return 0;
}

/* Is the insertion point of 'ctxt' an element named p... (p, pre)?  The
 * serialiser breaks no lines among its children: a text node there
 * prints like the inline elements it stands for. */
static int in_p(xsltTransformContextPtr ctxt)
{
    xmlNodePtr in = ctxt->insert;

    return in != NULL && in->type == XML_ELEMENT_NODE && in->name != NULL &&
           in->name[0] == 'p';
}

/* Is the insertion point of 'ctxt' an empty ul element? */
static int in_ul(xsltTransformContextPtr ctxt)
{
    xmlNodePtr in = ctxt->insert;

    return in != NULL && in->type == XML_ELEMENT_NODE && in->ns == NULL &&
           xmlStrEqual(in->name, (const xmlChar *)"ul") && in->children == NULL;
}

/* Insert what 'b' holds (0), or run the XSLT of 'inst' ('rc' 1). */
static void html_or_xslt(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, struct bx_buf *b, int rc)
{
    if (rc != 0) {
        run_fallback(ctxt, node, inst);
    } else if (insert_html(ctxt, b) != 0) {
        ext_nomem(ctxt, inst);
    }
    buf_release(b);
}

/*
 * <x:fig-span>, html.xsl's bx:fig: the span as text inside a p, where
 * that prints the same bytes; else the XSLT (the xsl:fallback).
 */
static void el_fig_span(xsltTransformContextPtr ctxt, xmlNodePtr node,
                        xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct bx_buf b;

    (void)comp;
    buf_init(&b);
    html_or_xslt(ctxt, node, inst, &b,
                 node == NULL || node->type != XML_ELEMENT_NODE ||
                     !in_p(ctxt) || fig_html(&b, node) != 0);
}

/*
 * The content of paragraph 'n' as html.xsl prints it inside a p (its
 * text and figures, fig_html()) into 'b'; 0, or 1 when it holds more
 * than text, figures, comments and processing instructions (the
 * built-in templates print nothing for them).
 */
static int p_content_html(struct bx_buf *b, xmlNodePtr n)
{
    xmlNodePtr c;
    int rc = 0;

    for (c = n->children; rc == 0 && c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE && c->content != NULL) {
            html_escape(b, c->content, 0);
        } else if (is_bx_el(c, "fig")) {
            rc = fig_html(b, c);
        } else if (c->type != XML_COMMENT_NODE && c->type != XML_PI_NODE) {
            rc = 1;
        }
    }
    return rc;
}

/*
 * <x:p-content>, html.xsl's <xsl:apply-templates/> inside the p of a
 * paragraph: its text and figures (fig_html()) as one text node, when
 * it holds nothing else but comments and processing instructions (the
 * built-in templates print nothing for them); else the XSLT.
 */
static void el_p_content(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct bx_buf b;
    int rc = node == NULL || node->type != XML_ELEMENT_NODE || !in_p(ctxt);

    (void)comp;
    buf_init(&b);
    if (rc == 0) {
        rc = p_content_html(&b, node);
    }
    html_or_xslt(ctxt, node, inst, &b, rc);
}

/* ------------------------------------------------------------------ */
/* The contents' list of tables (html.xsl "toc")                       */
/* ------------------------------------------------------------------ */

/* The text of attribute 'name' of 'n' when it is one text node (NULL:
 * absent; '*odd': present otherwise). */
static const xmlChar *plain_attr(const xmlNode *n, const char *name, int *odd)
{
    xmlAttrPtr a;

    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && xmlStrEqual(a->name, (const xmlChar *)name)) {
            if (a->children != NULL && a->children->next == NULL &&
                a->children->type == XML_TEXT_NODE &&
                a->children->content != NULL) {
                return a->children->content;
            }
            *odd = 1;
            return NULL;
        }
    }
    return NULL;
}

/* The first m:'local' child of 'parent' whose 'attr' is 'v' (NULL). */
static xmlNodePtr meta_child(const xmlNode *parent, const char *local,
                             const char *attr, const xmlChar *v, int *odd)
{
    xmlNodePtr c;
    const xmlChar *a;

    for (c = parent != NULL ? parent->children : NULL; c != NULL; c = c->next) {
        if (is_meta(c, local)) {
            a = plain_attr(c, attr, odd);
            if (a != NULL && xmlStrEqual(a, v)) {
                return c;
            }
        }
    }
    return NULL;
}

/* Is 's' made of [A-Za-z0-9_.-] only (the same after URI escaping)? */
static int plain_id(const xmlChar *s)
{
    for (; *s != '\0'; s++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
              *s == '.')) {
            return 0;
        }
    }
    return 1;
}

/* html.xsl's separator after ordinal 'no' (not empty): 一、 1. （一） */
static const char *no_sep(const xmlChar *no)
{
    static const char *const closed[] = {"）", ")", ".", "、"};
    size_t n = strlen((const char *)no);
    size_t i;
    int digits = 1;

    for (i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
        size_t k = strlen(closed[i]);

        if (n >= k && memcmp(no + n - k, closed[i], k) == 0) {
            return "";
        }
    }
    for (i = 0; i < n; i++) {
        digits &= no[i] >= '0' && no[i] <= '9';
    }
    return digits ? ". " : "、";
}

/* ------------------------------------------------------------------ */
/* The narrative's sections and the glossary (html.xsl)                */
/* ------------------------------------------------------------------ */

/* The value of attribute 'name' of 'n' ("" when absent), NULL when it
 * is not one text node (the XSLT decides). */
static const xmlChar *attr_text(const xmlNode *n, const char *name)
{
    int odd = 0;
    const xmlChar *v = plain_attr(n, name, &odd);

    if (odd) {
        return NULL;
    }
    return v != NULL ? v : (const xmlChar *)"";
}

/* html.xsl's heading text of 'n': @no and its separator (no-sep) when
 * @no is not empty, then attribute 'name'.  0, or 1 (the XSLT). */
static int no_and_name(struct bx_buf *b, const xmlNode *n, const char *name)
{
    const xmlChar *no = attr_text(n, "no");
    const xmlChar *v = attr_text(n, name);

    if (no == NULL || v == NULL) {
        return 1;
    }
    if (no[0] != '\0') {
        html_escape(b, no, 0);
        buf_puts(b, no_sep(no));
    }
    html_escape(b, v, 0);
    return 0;
}

/* The bx:section elements of the subtree of 'n', 'n' included. */
static long sections_in(const xmlNode *n)
{
    const xmlNode *c;
    long k = is_bx_el(n, "section");

    for (c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            k += sections_in(c);
        }
    }
    return k;
}

/* html.xsl's number of section 'sec': count(preceding::bx:section) +
 * count(ancestor::bx:section) + 1, its place among the sections in
 * document order. */
static long section_number(const xmlNode *sec)
{
    const xmlNode *a;
    const xmlNode *s;
    long k = 1;

    for (a = sec; a != NULL && a->type == XML_ELEMENT_NODE; a = a->parent) {
        k += a != sec && is_bx_el(a, "section");
        for (s = a->prev; s != NULL; s = s->prev) {
            if (s->type == XML_ELEMENT_NODE) {
                k += sections_in(s);
            }
        }
    }
    return k;
}

/* html.xsl's bx:item: <div class="item"> with a p per bx:para, the
 * item's @no (and separator) leading the first; the serialiser breaks
 * the lines of a div holding two or more.  0, or 1 (the XSLT). */
static int item_html(struct bx_buf *b, const xmlNode *item)
{
    const xmlChar *no = attr_text(item, "no");
    xmlNodePtr c;
    int paras = 0;
    int first = 1;
    int rc = no == NULL;

    for (c = item->children; c != NULL; c = c->next) {
        paras += is_bx_el(c, "para");
    }
    buf_puts(b, "<div class=\"item\">");
    for (c = item->children; rc == 0 && c != NULL; c = c->next) {
        if (!is_bx_el(c, "para")) {
            continue;
        }
        if (paras > 1) {
            buf_puts(b, "\n");
        }
        buf_puts(b, "<p>");
        if (first && no[0] != '\0') {
            html_escape(b, no, 0);
            buf_puts(b, no_sep(no));
        }
        first = 0;
        rc = p_content_html(b, c);
        buf_puts(b, "</p>");
    }
    buf_puts(b, paras > 1 ? "\n</div>" : "</div>");
    return rc;
}

/*
 * html.xsl's bx:section 'sec' numbered '*no' (the next number on
 * return), at depth 'depth' (h3, below h4): the section and the
 * sections, items and paragraphs in it.  The serialiser formats no
 * section element; it breaks the line after a block (the heading, p,
 * div) that an element follows.  0, or 1 when anything else is in it
 * or a value could print otherwise (the XSLT).
 */
static int narr_section(struct bx_buf *b, const xmlNode *sec, int depth,
                        long *no)
{
    const xmlChar *key = attr_text(sec, "key");
    const xmlNode *c;
    char num[24];
    int block = 1;
    int rc;

    if (key == NULL || (key[0] != '\0' && !plain_value(key))) {
        return 1;
    }
    snprintf(num, sizeof(num), "%ld", *no);
    *no += 1;
    buf_puts(b, "<section class=\"sec\" id=\"s-");
    buf_puts(b, (const char *)key);
    buf_puts(b, "-");
    buf_puts(b, num);
    buf_puts(b, depth > 0 ? "\"><h4>" : "\"><h3>");
    rc = no_and_name(b, sec, "title");
    buf_puts(b, depth > 0 ? "</h4>" : "</h3>");
    for (c = sec->children; rc == 0 && c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (block) {
            buf_puts(b, "\n");
        }
        block = !is_bx_el(c, "section");
        if (!block) {
            rc = narr_section(b, c, depth + 1, no);
        } else if (is_bx_el(c, "item")) {
            *no += sections_in(c); /* printed nowhere, counted */
            rc = item_html(b, c);
        } else if (is_bx_el(c, "para")) {
            buf_puts(b, "<p>");
            rc = p_content_html(b, (xmlNodePtr)c);
            buf_puts(b, "</p>");
        } else {
            rc = 1;
        }
    }
    buf_puts(b, "</section>");
    return rc;
}

/*
 * Append 'b' (its text starting with 'first') to the insertion point of
 * 'ctxt', an element that the serialiser does not format (section):
 * after a block element, which breaks the line before an element that
 * follows it, the text starts with that break.  0, -1 on ENOMEM.
 */
static int insert_after_block(xsltTransformContextPtr ctxt, struct bx_buf *b)
{
    xmlNodePtr prev = ctxt->insert->last;
    const htmlElemDesc *info =
        prev != NULL && prev->type == XML_ELEMENT_NODE && prev->ns == NULL
            ? htmlTagLookup(prev->name)
            : NULL;
    struct bx_buf nl;
    int rc;

    if (info == NULL || info->isinline || b->len == 0) {
        return insert_html(ctxt, b);
    }
    buf_init(&nl);
    buf_puts(&nl, "\n");
    rc = insert_html(ctxt, &nl);
    buf_release(&nl);
    return rc == 0 ? insert_html(ctxt, b) : rc;
}

/* Is the insertion point of 'ctxt' an element named section (which the
 * serialiser does not format)? */
static int in_section(xsltTransformContextPtr ctxt)
{
    xmlNodePtr in = ctxt->insert;

    return in != NULL && in->type == XML_ELEMENT_NODE && in->ns == NULL &&
           xmlStrEqual(in->name, (const xmlChar *)"section");
}

/*
 * <x:narr-section>, html.xsl's bx:section: the section with everything
 * in it as one text node (narr_section()) inside a section element;
 * else the XSLT (the xsl:fallback).
 */
static void el_narr_section(xsltTransformContextPtr ctxt, xmlNodePtr node,
                            xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct bx_buf b;
    long no;
    long depth = 0;
    const xmlNode *a;
    int rc = node == NULL || !is_bx_el(node, "section") || !in_section(ctxt);

    (void)comp;
    buf_init(&b);
    if (rc == 0) {
        for (a = node->parent; a != NULL; a = a->parent) {
            depth += is_bx_el(a, "section");
        }
        no = section_number(node);
        rc = narr_section(&b, node, depth > 0, &no);
    }
    if (rc == 0 && insert_after_block(ctxt, &b) != 0) {
        ext_nomem(ctxt, inst);
    } else if (rc != 0) {
        run_fallback(ctxt, node, inst);
    }
    buf_release(&b);
}

/*
 * <x:glossary-terms>, html.xsl's terms of bx:glossary, the last thing in
 * its section: <p class="term"><b>@no, separator, @name</b>：content</p>
 * each, broken between two, as one text node; else the XSLT.
 */
static void el_glossary_terms(xsltTransformContextPtr ctxt, xmlNodePtr node,
                              xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct bx_buf b;
    const xmlNode *c;
    int rc =
        node == NULL || node->type != XML_ELEMENT_NODE || !in_section(ctxt);

    (void)comp;
    buf_init(&b);
    for (c = rc ? NULL : node->children; rc == 0 && c != NULL; c = c->next) {
        if (!is_bx_el(c, "term")) {
            continue;
        }
        buf_puts(&b, b.len > 0 ? "\n<p class=\"term\"><b>"
                               : "<p class=\"term\"><b>");
        rc = no_and_name(&b, c, "name");
        buf_puts(&b, "</b>：");
        rc = rc == 0 ? p_content_html(&b, (xmlNodePtr)c) : rc;
        buf_puts(&b, "</p>");
    }
    if (rc == 0 && insert_after_block(ctxt, &b) != 0) {
        ext_nomem(ctxt, inst);
    } else if (rc != 0) {
        run_fallback(ctxt, node, inst);
    }
    buf_release(&b);
}

/* What the page prints of a table besides its rows: common.xsl's
 * table-id, table-title and table-title-en, from the registry. */
struct table_names {
    const xmlChar *n; /* registry: t<n>-<slug>; NULL: unknown table */
    const xmlChar *slug;
    const xmlChar *key;   /* the local name (the id of an unknown table) */
    const xmlChar *no;    /* @no (NULL: none) */
    const xmlChar *title; /* NULL: none */
    const xmlChar *title_en;
};

/*
 * The names of table 't' from registry root 'm' and the document's
 * template 'tpl' (NULL: none).  0, or 1 when a value is not one text
 * node or the id would print otherwise (the XSLT decides).
 */
static int names_of(xmlNodePtr t, const xmlNode *m, const xmlNode *tpl,
                    struct table_names *tn)
{
    xmlNodePtr e;
    xmlNodePtr own;
    int odd = 0;

    memset(tn, 0, sizeof(*tn));
    tn->key = t->name;
    e = meta_child(m, "table", "key", tn->key, &odd);
    own = meta_child(tpl, "t", "element", tn->key, &odd);
    if (e != NULL) {
        tn->n = plain_attr(e, "n", &odd);
        tn->slug = plain_attr(e, "slug", &odd);
        odd |= tn->n == NULL || tn->slug == NULL || !plain_id(tn->n) ||
               !plain_id(tn->slug);
    } else {
        odd |= !plain_id(tn->key);
    }
    tn->no = plain_attr(t, "no", &odd);
    tn->title = plain_attr(t, "title", &odd);
    if (tn->title == NULL || tn->title[0] == '\0') {
        tn->title = own != NULL ? plain_attr(own, "zh", &odd) : NULL;
        if (tn->title == NULL && e != NULL) {
            tn->title = plain_attr(e, "zh", &odd);
        }
    }
    tn->title_en = own != NULL ? plain_attr(own, "en", &odd) : NULL;
    if (tn->title_en == NULL && e != NULL) {
        tn->title_en = plain_attr(e, "en", &odd);
    }
    return odd;
}

/* The id of 'tn' into 'b'. */
static void put_id(struct bx_buf *b, const struct table_names *tn)
{
    if (tn->n != NULL) {
        buf_puts(b, "t");
        buf_puts(b, (const char *)tn->n);
        buf_puts(b, "-");
        buf_puts(b, (const char *)tn->slug);
    } else {
        buf_puts(b, (const char *)tn->key);
    }
}

/*
 * One table's line of the contents: <li><a href="#ID">NO SEP TITLE</a>
 * </li> (html.xsl's table-heading-text).  0, or 1 when the XSLT must
 * write it.
 */
static int toc_line(struct bx_buf *b, xmlNodePtr t, const xmlNode *m,
                    const xmlNode *tpl)
{
    struct table_names tn;
    int no = 0;

    if (names_of(t, m, tpl, &tn) != 0) {
        return 1;
    }
    no = tn.no != NULL && tn.no[0] != '\0';
    if (!no && (tn.title == NULL || tn.title[0] == '\0')) {
        return 1;
    }
    buf_puts(b, "<li><a href=\"#");
    put_id(b, &tn);
    buf_puts(b, "\">");
    if (no) {
        html_escape(b, tn.no, 0);
        buf_puts(b, no_sep(tn.no));
    }
    if (tn.title != NULL) {
        html_escape(b, tn.title, 0);
    }
    buf_puts(b, "</a></li>");
    return 0;
}

/* The first node of node-set variable 'name' (NULL: none or empty). */
static xmlNodePtr var_first_node(xsltTransformContextPtr ctxt, const char *name,
                                 xmlXPathObjectPtr *keep)
{
    *keep = var_nodes(ctxt, name);
    return *keep != NULL && (*keep)->nodesetval != NULL &&
                   (*keep)->nodesetval->nodeNr > 0
               ? (*keep)->nodesetval->nodeTab[0]
               : NULL;
}

/*
 * <x:toc-tables>, inside the ul of html.xsl's contents: a line per
 * table of $tables as one text node, with the line breaks the
 * serialiser puts among two list items or more; else (a value that
 * could print otherwise) the XSLT.  Reads $tables, $M and $T.
 */
static void el_toc_tables(xsltTransformContextPtr ctxt, xmlNodePtr node,
                          xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    xmlXPathObjectPtr tables = var_nodes(ctxt, "tables");
    xmlXPathObjectPtr mv;
    xmlXPathObjectPtr tv;
    xmlNodePtr m = var_first_node(ctxt, "M", &mv);
    xmlNodePtr tpl = var_first_node(ctxt, "T", &tv);
    xmlNodeSetPtr ts = tables != NULL ? tables->nodesetval : NULL;
    struct bx_buf b;
    int rc = ts == NULL || m == NULL || !in_ul(ctxt);
    int i;

    (void)comp;
    buf_init(&b);
    for (i = 0; rc == 0 && i < ts->nodeNr; i++) {
        if (ts->nodeNr > 1) {
            buf_append(&b, "\n", 1);
        }
        rc = ts->nodeTab[i]->type != XML_ELEMENT_NODE ||
             toc_line(&b, ts->nodeTab[i], m, tpl);
    }
    if (rc == 0 && ts->nodeNr > 1) {
        buf_append(&b, "\n", 1);
    }
    xmlXPathFreeObject(tables);
    xmlXPathFreeObject(mv);
    xmlXPathFreeObject(tv);
    html_or_xslt(ctxt, node, inst, &b, rc);
}

/* ------------------------------------------------------------------ */
/* A table's section of the page (html.xsl "table-section")            */
/* ------------------------------------------------------------------ */

/* What <x:table-section> prints besides the rows. */
struct section_in {
    xmlChar *var[7]; /* id, titles (names_of()); labels: dept, unit,
                      * top; lang */
    const xmlChar *period;
    const xmlChar *dept;
    const xmlChar *unit;
    xmlChar *copy[3];
    int en;
    int wide;
    int unit_span; /* not T11/T12, which print the unit in the table */
};

enum {
    SEC_ID,
    SEC_TITLE,
    SEC_TITLE_EN,
    SEC_LDEPT,
    SEC_LUNIT,
    SEC_LTOP,
    SEC_LANG
};

/* Attribute 'name' of 't' when not empty, else global variable 'var'. */
static const xmlChar *own_or(xsltTransformContextPtr ctxt, xmlNodePtr t,
                             const char *name, const char *var, xmlChar **copy,
                             xmlChar **vcopy)
{
    const xmlChar *v;

    *vcopy = NULL;
    if (xslt_grid_attr(t, name, &v, copy) != 0) {
        return NULL;
    }
    if (v != NULL && v[0] != '\0') {
        return v;
    }
    *vcopy = xslt_grid_var_string(ctxt, var);
    return *vcopy;
}

static void section_release(struct section_in *in)
{
    size_t i;

    for (i = 0; i < sizeof(in->var) / sizeof(in->var[0]); i++) {
        xmlFree(in->var[i]);
    }
    for (i = 0; i < sizeof(in->copy) / sizeof(in->copy[0]); i++) {
        xmlFree(in->copy[i]);
    }
}

/* $id, $title and $title-en of html.xsl's table-section into 'in'. */
static int section_names(xsltTransformContextPtr ctxt, xmlNodePtr t,
                         struct section_in *in)
{
    struct table_names tn;
    xmlXPathObjectPtr mv;
    xmlXPathObjectPtr tv;
    xmlNodePtr m = var_first_node(ctxt, "M", &mv);
    xmlNodePtr tpl = var_first_node(ctxt, "T", &tv);
    struct bx_buf id;
    int rc = m == NULL || names_of(t, m, tpl, &tn) != 0;

    if (rc == 0) {
        buf_init(&id);
        put_id(&id, &tn);
        xmlFree(in->var[SEC_ID]);
        in->var[SEC_ID] = xmlStrndup((const xmlChar *)id.data, (int)id.len);
        buf_release(&id);
        xmlFree(in->var[SEC_TITLE]);
        in->var[SEC_TITLE] =
            xmlStrdup(tn.title != NULL ? tn.title : (const xmlChar *)"");
        xmlFree(in->var[SEC_TITLE_EN]);
        in->var[SEC_TITLE_EN] =
            xmlStrdup(tn.title_en != NULL ? tn.title_en : (const xmlChar *)"");
        rc = in->var[SEC_ID] == NULL || in->var[SEC_TITLE] == NULL ||
                     in->var[SEC_TITLE_EN] == NULL
                 ? -1
                 : 0;
    }
    xmlXPathFreeObject(mv);
    xmlXPathFreeObject(tv);
    return rc;
}

/*
 * Read what the section of table 't' prints (its names, html.xsl's
 * label-* variables and the table's own attributes).  0 when
 * C writes the same bytes as the XSLT, 1 when the XSLT must run (values
 * the serialiser could write otherwise: empty elements, an id to
 * escape), -1 on ENOMEM.
 */
static int section_read(xsltTransformContextPtr ctxt, xmlNodePtr t,
                        const xmlNode *g, struct section_in *in)
{
    static const char *const names[] = {
        NULL,        NULL,  NULL, "label-dept-name", "label-amount-unit",
        "label-top", "lang"};
    xmlChar *vcopy[2] = {NULL, NULL};
    const xmlChar *cols;
    xmlChar *ccopy;
    xmlXPathObjectPtr w;
    size_t i;
    int rc;

    memset(in, 0, sizeof(*in));
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        in->var[i] = names[i] != NULL ? xslt_grid_var_string(ctxt, names[i])
                                      : xmlStrdup((const xmlChar *)"");
        if (in->var[i] == NULL) {
            return -1;
        }
    }
    rc = section_names(ctxt, t, in);
    if (rc != 0) {
        return rc;
    }
    in->en = xmlStrEqual(in->var[SEC_LANG], (const xmlChar *)"en");
    in->unit_span =
        !is_bx_el(t, "deptPerformance") && !is_bx_el(t, "projectPerformance");
    if (xslt_grid_attr(t, "period", &in->period, &in->copy[0]) != 0) {
        return -1;
    }
    in->dept =
        own_or(ctxt, t, "deptName", "dept-name", &in->copy[1], &vcopy[0]);
    in->unit = own_or(ctxt, t, "unit", "amount-unit", &in->copy[2], &vcopy[1]);
    if (in->dept == NULL || in->unit == NULL) {
        xmlFree(vcopy[0]);
        xmlFree(vcopy[1]);
        return -1;
    }
    if (vcopy[0] != NULL) {
        xmlFree(in->copy[1]);
        in->copy[1] = vcopy[0];
    }
    if (vcopy[1] != NULL) {
        xmlFree(in->copy[2]);
        in->copy[2] = vcopy[1];
    }
    /* $g/@cols >= $wide-cols */
    if (xslt_grid_attr(g, "cols", &cols, &ccopy) != 0) {
        return -1;
    }
    w = xsltVariableLookup(ctxt, (const xmlChar *)"wide-cols", NULL);
    in->wide = cols != NULL && w != NULL &&
               xmlXPathStringEvalNumber(cols) >= xmlXPathCastToNumber(w);
    xmlXPathFreeObject(w);
    xmlFree(ccopy);
    /* an id to escape, or an element that would be empty: the XSLT */
    return !plain_value(in->var[SEC_ID]) || in->var[SEC_TITLE][0] == '\0' ||
           (in->en && in->var[SEC_TITLE_EN][0] == '\0') ||
           in->var[SEC_LTOP][0] == '\0' ||
           (in->var[SEC_LDEPT][0] == '\0' && in->dept[0] == '\0') ||
           (in->unit_span && in->var[SEC_LUNIT][0] == '\0' &&
            in->unit[0] == '\0');
}

/*
 * The rows of 'part' (m:head or m:body of a grid) as el_html_rows()
 * writes them; the body's HTML when x:keyed-rows wrote it already.
 * Returns the number of rows written; the body's HTML (counted as one
 * row) is not copied but left in '*take' for the caller to move.
 */
static int part_html(struct bx_buf *b, xmlNodePtr part, int head, int en,
                     xmlNodePtr *take)
{
    xmlNodePtr t = part->children;
    xmlNodePtr r;
    size_t start = b->len;
    int n = 0;

    if (t != NULL && t->type == XML_TEXT_NODE &&
        t->name == xmlStringTextNoenc && t->content != NULL) {
        if (head) {
            buf_puts(b, (const char *)t->content);
        } else {
            /* moved into the page, not copied: large tables */
            *take = t;
        }
        return t->content[0] != '\0';
    }
    for (r = part->children; r != NULL; r = r->next) {
        if (is_meta(r, "row")) {
            buf_append(b, "\n", 1);
            xslt_ext_html_row(b, r, head, en);
            n++;
        }
    }
    if (n > 1) {
        buf_append(b, "\n", 1);
    } else if (n == 1 && !b->failed) {
        /* one row: no line break before it */
        memmove(b->data + start, b->data + start + 1, b->len - start - 1);
        b->len--;
        b->data[b->len] = '\0';
    }
    return n;
}

/* The first m:'local' child of grid 'g' (NULL: none). */
static xmlNodePtr grid_part(const xmlNode *g, const char *local)
{
    xmlNodePtr p;

    for (p = g->children; p != NULL; p = p->next) {
        if (is_meta(p, local)) {
            return p;
        }
    }
    return NULL;
}

/* "<p class="cls">text</p>\n" for each bx:'local' child of 't'; 1 when
 * one is empty (the XSLT decides), -1 on ENOMEM. */
static int note_paras(struct bx_buf *b, xmlNodePtr t, const char *local,
                      const char *cls)
{
    xmlNodePtr c;
    xmlChar *v;
    int rc = 0;

    for (c = t->children; rc == 0 && c != NULL; c = c->next) {
        if (!is_bx_el(c, local)) {
            continue;
        }
        v = xmlNodeGetContent(c);
        if (v == NULL) {
            return -1;
        }
        if (v[0] == '\0') {
            rc = 1;
        } else {
            buf_puts(b, "<p class=\"");
            buf_puts(b, cls);
            buf_puts(b, "\">");
            html_escape(b, v, 0);
            buf_puts(b, "</p>\n");
        }
        xmlFree(v);
    }
    return rc;
}

/* The page's "<h3 class="tbl-title">" ... "<div class="tbl-meta">" ... */
static void section_top(struct bx_buf *b, const struct section_in *in)
{
    buf_puts(b, "<section id=\"");
    buf_puts(b, (const char *)in->var[SEC_ID]);
    buf_puts(b, in->wide ? "\" class=\"tbl wide\">" : "\" class=\"tbl\">");
    buf_puts(b, "<h3 class=\"tbl-title\">");
    html_escape(b, in->var[SEC_TITLE], 0);
    if (in->en) {
        /* the span is the h3's last child, not its only one */
        buf_puts(b, "<span class=\"en\" lang=\"en\">");
        html_escape(b, in->var[SEC_TITLE_EN], 0);
        buf_puts(b, "</span>\n");
    }
    buf_puts(b, "</h3>\n");
    if (in->period != NULL && in->period[0] != '\0') {
        buf_puts(b, "<p class=\"period\">（");
        html_escape(b, in->period, 0);
        buf_puts(b, "）</p>\n");
    }
    buf_puts(b, in->unit_span ? "<div class=\"tbl-meta\">\n<span>"
                              : "<div class=\"tbl-meta\"><span>");
    html_escape(b, in->var[SEC_LDEPT], 0);
    html_escape(b, in->dept, 0);
    buf_puts(b, "</span>");
    if (in->unit_span) {
        buf_puts(b, "<span>");
        html_escape(b, in->var[SEC_LUNIT], 0);
        html_escape(b, in->unit, 0);
        buf_puts(b, "</span>\n");
    }
    buf_puts(b, "</div>\n");
}

/*
 * Write the section of table 't' with grid 'g': into 'b' up to the body
 * rows and those rows, or into '*take' the text node of the rows that
 * x:keyed-rows wrote (to be moved, not copied); the rest into 'after'.
 * 0, 1 when the XSLT must run instead, -1 on ENOMEM.
 */
static int section_html(xsltTransformContextPtr ctxt, xmlNodePtr t,
                        const xmlNode *g, struct bx_buf *b,
                        struct bx_buf *after, xmlNodePtr *take)
{
    struct section_in in;
    xmlNodePtr head = grid_part(g, "head");
    xmlNodePtr body = grid_part(g, "body");
    size_t mark;
    int rc = section_read(ctxt, t, g, &in);

    if (rc == 0) {
        section_top(b, &in);
        buf_puts(b, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
                    "aria-labelledby=\"");
        buf_puts(b, (const char *)in.var[SEC_ID]);
        buf_puts(b, "-c\"><table>\n<caption id=\"");
        buf_puts(b, (const char *)in.var[SEC_ID]);
        buf_puts(b, "-c\" class=\"vh\">");
        html_escape(b, in.var[SEC_TITLE], 0);
        buf_puts(b, "</caption>\n");
        mark = b->len;
        buf_puts(b, "<thead>");
        if (head == NULL || part_html(b, head, 1, in.en, take) == 0) {
            b->len = mark; /* no head row: no thead */
        } else {
            buf_puts(b, "</thead>\n");
        }
        buf_puts(b, "<tbody>");
        /* an empty tbody: the XSLT */
        rc = body == NULL || part_html(b, body, 0, in.en, take) == 0;
        buf_puts(after, "</tbody>\n</table></div>\n");
    }
    if (rc == 0) {
        rc = note_paras(after, t, "note", "note");
    }
    if (rc == 0) {
        rc = note_paras(after, t, "emptyNote", "empty-note");
    }
    if (rc == 0) {
        buf_puts(after, "<p class=\"top\"><a href=\"#top\">");
        html_escape(after, in.var[SEC_LTOP], 0);
        buf_puts(after, "</a></p></section>");
    }
    section_release(&in);
    return rc;
}

/*
 * <x:table-section>, html.xsl's "table-section": the section of the
 * current table as one text node the serialiser copies as it is, the
 * same bytes as the XSLT (its xsl:fallback, which runs instead when a
 * value could print otherwise).  The serialiser formats no section
 * element (HTML 4 has none), so the text stands for the element among
 * its siblings but after a block element (the annex's h2), which breaks
 * the line before a following element.  Reads $g, $M and $T (the
 * table's id and titles, names_of()), $lang, the label-* variables,
 * $dept-name, $amount-unit and $wide-cols.
 */
static void el_table_section(xsltTransformContextPtr ctxt, xmlNodePtr node,
                             xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    xmlXPathObjectPtr g = var_nodes(ctxt, "g");
    xmlNodePtr in = ctxt->insert;
    xmlNodePtr prev = in != NULL ? in->last : NULL;
    const htmlElemDesc *info;
    xmlNodePtr take = NULL;
    struct bx_buf b;
    struct bx_buf after;
    int rc = 1;

    (void)comp;
    buf_init(&b);
    buf_init(&after);
    if (g != NULL && g->nodesetval != NULL && g->nodesetval->nodeNr == 1 &&
        node != NULL && node->type == XML_ELEMENT_NODE && in != NULL &&
        in->type == XML_ELEMENT_NODE && in->name[0] != 'p') {
        info =
            prev != NULL && prev->type == XML_ELEMENT_NODE && prev->ns == NULL
                ? htmlTagLookup(prev->name)
                : NULL;
        if (info != NULL && !info->isinline) {
            buf_append(&b, "\n", 1);
        }
        rc = section_html(ctxt, node, g->nodesetval->nodeTab[0], &b, &after,
                          &take);
    }
    if (rc == 0 && insert_html(ctxt, &b) != 0) {
        rc = -1;
    }
    if (rc == 0 && take != NULL) {
        xmlUnlinkNode(take);
        link_last(in, take);
    }
    if (rc == 0 && insert_html(ctxt, &after) != 0) {
        rc = -1;
    }
    buf_release(&b);
    buf_release(&after);
    xmlXPathFreeObject(g);
    if (rc > 0) {
        run_fallback(ctxt, node, inst);
    } else if (rc < 0) {
        ext_nomem(ctxt, inst);
    }
}

/* ------------------------------------------------------------------ */
/* Exact decimal scaling (decimal.xsl)                                 */
/* ------------------------------------------------------------------ */

/* XPath round(): floor(x + 0.5) (NaN, infinities and large values kept). */
static double xpath_round(double x)
{
    double t = x + 0.5;
    long long i;

    if (!(t > -1e15 && t < 1e15)) {
        return x;
    }
    i = (long long)t;
    if ((double)i > t) {
        i--;
    }
    return (double)i;
}

/*
 * Bytes of the first 'n' characters of UTF-8 's': substring(s, 1, n) for
 * a rounded 'n' (all of 's' when longer, none when 'n' <= 0 or NaN).
 */
static size_t utf8_prefix(const xmlChar *s, double n)
{
    int len = xmlUTF8Strlen(s);

    if (!(n > 0) || len <= 0) {
        return 0;
    }
    return (size_t)xmlUTF8Strsize(s, n >= len ? len : (int)n);
}

/*
 * decimal.xsl's "dec-scale-up" of 'v' by 10^'k' into 'b', step by step
 * as the XSLT does it (on characters), so any string gives its result.
 */
static void scale_up(struct bx_buf *b, const xmlChar *v, double k)
{
    static const char zeros[] = "0000000000000000"; /* $dec-zeros */
    struct bx_buf abs;
    struct bx_buf digits;
    const char *a;
    const char *dot;
    const char *frac;
    const char *d;
    size_t intlen;
    size_t n;
    size_t skip;
    size_t fl;
    double start = xpath_round(k + 1);

    buf_init(&abs);
    buf_init(&digits);
    for (; *v != '\0'; v++) { /* translate($v, '-+', '') */
        if (*v != '-' && *v != '+') {
            buf_append(&abs, v, 1);
        }
    }
    a = abs.data != NULL ? abs.data : "";
    dot = strchr(a, '.');
    intlen = dot != NULL ? (size_t)(dot - a) : strlen(a);
    frac = dot != NULL ? dot + 1 : "";
    /* concat($int, substring(concat($frac, $dec-zeros), 1, $k)) */
    buf_append(&digits, a, intlen);
    buf_puts(&digits, frac);
    buf_puts(&digits, zeros);
    d = digits.data != NULL ? digits.data : "";
    n = intlen + utf8_prefix((const xmlChar *)d + intlen, xpath_round(k));
    while (n > 1 && d[0] == '0') { /* dec-strip-leading */
        d++;
        n--;
    }
    if (n == 0) {
        buf_append(b, "0", 1);
    } else {
        buf_append(b, d, n);
    }
    /* dec-strip-trailing(substring($frac, $k + 1)) */
    fl = strlen(frac);
    skip = start > 1 ? utf8_prefix((const xmlChar *)frac, start - 1) : 0;
    if (start != start) {
        fl = skip = 0; /* NaN: nothing */
    }
    while (fl > skip && frac[fl - 1] == '0') {
        fl--;
    }
    if (fl > skip) {
        buf_append(b, ".", 1);
        buf_append(b, frac + skip, fl - skip);
    }
    b->failed |= abs.failed | digits.failed;
    buf_release(&abs);
    buf_release(&digits);
}

/* x:dec-scale-up(v, k): decimal.xsl's "dec-scale-up" (scale_up()). */
static void fn_dec_scale_up(xmlXPathParserContextPtr ctxt, int nargs)
{
    struct bx_buf b;
    xmlChar *v;
    double k;

    if (nargs != 2) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    k = xmlXPathPopNumber(ctxt);
    v = xmlXPathPopString(ctxt);
    if (v == NULL || xmlXPathCheckError(ctxt)) {
        xmlFree(v);
        return;
    }
    buf_init(&b);
    if (v[0] == '-') {
        buf_append(&b, "-", 1);
    }
    scale_up(&b, v, k);
    xmlFree(v);
    push_buf(ctxt, &b);
}

/* ------------------------------------------------------------------ */
/* JSON (json.xsl)                                                     */
/* ------------------------------------------------------------------ */

#define BX_NS "urn:budgetx:disclosure:1"

/* Is 'n' the element {urn:budgetx:disclosure:1}'local'? */
static int is_bx(const xmlNode *n, const char *local)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, (const xmlChar *)BX_NS) &&
           xmlStrEqual(n->name, (const xmlChar *)local);
}

/*
 * 's' as a JSON string literal, as json.xsl's "json-str-xslt" writes it:
 * \ " TAB LF CR escaped, U+007F-U+009F, U+2028 and U+2029 as \uXXXX;
 * nothing else (the XML text holds no other control characters).
 */
static void json_str(struct bx_buf *b, const xmlChar *s)
{
    const xmlChar *run = s;
    const xmlChar *p;
    char u[8];
    const char *rep;
    size_t skip;

    buf_append(b, "\"", 1);
    for (p = s; *p != '\0'; p++) {
        rep = NULL;
        skip = 1;
        switch (*p) {
        case '\\':
            rep = "\\\\";
            break;
        case '"':
            rep = "\\\"";
            break;
        case '\t':
            rep = "\\t";
            break;
        case '\n':
            rep = "\\n";
            break;
        case '\r':
            rep = "\\r";
            break;
        case 0x7F:
            rep = "\\u007f";
            break;
        case 0xC2: /* U+0080-U+009F */
            if (p[1] >= 0x80 && p[1] <= 0x9F) {
                snprintf(u, sizeof(u), "\\u%04x", (unsigned)p[1]);
                rep = u;
                skip = 2;
            }
            break;
        case 0xE2: /* U+2028, U+2029 */
            if (p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9)) {
                rep = p[2] == 0xA8 ? "\\u2028" : "\\u2029";
                skip = 3;
            }
            break;
        default:
            break;
        }
        if (rep != NULL) {
            buf_append(b, run, (size_t)(p - run));
            buf_puts(b, rep);
            p += skip - 1;
            run = p + 1;
        }
    }
    buf_puts(b, (const char *)run);
    buf_append(b, "\"", 1);
}

/* XML white space, as normalize-space() knows it. */
static int xml_blank(xmlChar c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* normalize-space(s) into a new string (NULL on ENOMEM). */
static xmlChar *normalize_space(const xmlChar *s)
{
    size_t n = (size_t)xmlStrlen(s);
    xmlChar *r = xmlMalloc(n + 1);
    size_t o = 0;
    int gap = 0;

    if (r == NULL) {
        return NULL;
    }
    for (; *s != '\0'; s++) {
        if (xml_blank(*s)) {
            gap = o > 0;
            continue;
        }
        if (gap) {
            r[o++] = ' ';
            gap = 0;
        }
        r[o++] = *s;
    }
    r[o] = '\0';
    return r;
}

/*
 * json.xsl's "json-number" of 'v' (already normalize-space()d): null for
 * "", the decimal without "+" and leading zeros, or a string when it is
 * not a decimal.
 */
static void json_number(struct bx_buf *b, const xmlChar *v)
{
    size_t len = (size_t)xmlStrlen(v);
    size_t signs = 0;
    size_t digits = 0;
    size_t dots = 0;
    int other = 0;
    const xmlChar *p;
    const xmlChar *abs_start = NULL;

    if (len == 0) {
        buf_puts(b, "null");
        return;
    }
    for (p = v; *p != '\0'; p++) {
        if (*p == '+' || *p == '-') {
            signs++;
        } else if (*p >= '0' && *p <= '9') {
            digits++;
        } else if (*p == '.') {
            dots++;
        } else {
            other = 1;
        }
    }
    if (other || digits == 0 || dots > 1 || signs > 1 ||
        (signs == 1 && v[0] != '-' && v[0] != '+')) {
        json_str(b, v);
        return;
    }
    if (v[0] == '-') {
        buf_append(b, "-", 1);
    }
    abs_start = signs == 1 ? v + 1 : v;
    /* the integer part without leading zeros ("" and "0..." give "0") */
    for (p = abs_start; *p == '0' && p[1] >= '0' && p[1] <= '9'; p++) {
    }
    if (*p == '.' || *p == '\0') {
        buf_append(b, "0", 1);
    } else {
        while (*p >= '0' && *p <= '9') {
            buf_append(b, p, 1);
            p++;
        }
    }
    if (*p == '.' && p[1] != '\0') {
        buf_puts(b, (const char *)p);
    }
}

/* Does 'name' stand between spaces in 'list' (contains(list, ' n '))? */
static int in_list(const xmlChar *list, const xmlChar *name)
{
    size_t n = (size_t)xmlStrlen(name);
    const xmlChar *p = list;

    while ((p = xmlStrstr(p, name)) != NULL) {
        if (p > list && p[-1] == ' ' && p[n] == ' ') {
            return 1;
        }
        p++;
    }
    return 0;
}

/* json.xsl's "member": an attribute as "name": value, typed by name. */
static void json_member(struct bx_buf *b, xmlAttrPtr a, int in_tables,
                        const xmlChar *amounts)
{
    xmlNodePtr parent = a->parent;
    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
    xmlChar *nv;
    int num = (in_tables && in_list(amounts, a->name)) ||
              (xmlStrEqual(a->name, (const xmlChar *)"decimals") &&
               is_bx(parent, "amounts")) ||
              (xmlStrEqual(a->name, (const xmlChar *)"value") &&
               is_bx(parent, "fig")) ||
              (xmlStrEqual(a->name, (const xmlChar *)"num") &&
               is_bx(parent, "value"));

    if (v == NULL) {
        b->failed = 1;
        return;
    }
    json_str(b, a->name);
    buf_puts(b, ": ");
    if (num) {
        nv = normalize_space(v);
        if (nv == NULL) {
            b->failed = 1;
        } else {
            json_number(b, nv);
        }
        xmlFree(nv);
    } else {
        json_str(b, v);
    }
    xmlFree(v);
}

/* Is 'n' text as XPath's text() sees it? */
static int is_text(const xmlNode *n)
{
    return n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE;
}

/* Has text 'n' a character that is not XML white space? */
static int text_not_blank(const xmlNode *n)
{
    const xmlChar *p;

    for (p = n->content; p != NULL && *p != '\0'; p++) {
        if (!xml_blank(*p)) {
            return 1;
        }
    }
    return 0;
}

/* Has an ancestor-or-self of 'e' the name bx:tables? */
static int under_tables(xmlNodePtr e)
{
    for (; e != NULL && e->type == XML_ELEMENT_NODE; e = e->parent) {
        if (is_bx(e, "tables")) {
            return 1;
        }
    }
    return 0;
}

/* Indentation: 'ind' plus 'more' spaces. */
static void json_indent(struct bx_buf *b, size_t ind)
{
    static const char sp[] = "                                ";

    while (ind > sizeof(sp) - 1) {
        buf_append(b, sp, sizeof(sp) - 1);
        ind -= sizeof(sp) - 1;
    }
    buf_append(b, sp, ind);
}

static void json_node(struct bx_buf *b, xmlNodePtr e, size_t ind, int tables,
                      const xmlChar *amounts, int depth);

/*
 * The "content" (mixed: elements and text) or "children" (elements)
 * array of 'e' and the end of its object, indented by 'ind' spaces.
 */
static void json_items(struct bx_buf *b, xmlNodePtr e, size_t ind, int mixed,
                       int tables, const xmlChar *amounts, int depth)
{
    xmlNodePtr c;
    int first = 1;

    buf_puts(b, mixed ? ", \"content\": [" : ", \"children\": [");
    for (c = e->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE && !(mixed && is_text(c))) {
            continue;
        }
        buf_puts(b, first ? "\n" : ",\n");
        first = 0;
        json_indent(b, ind + 4);
        if (c->type == XML_ELEMENT_NODE) {
            json_node(b, c, ind + 4, tables, amounts, depth + 1);
        } else {
            json_str(b, c->content != NULL ? c->content : (const xmlChar *)"");
        }
    }
    buf_append(b, "\n", 1);
    json_indent(b, ind + 2);
    buf_puts(b, "]\n");
    json_indent(b, ind);
    buf_append(b, "}", 1);
}

/* ', "text": ' and the string value of 'e', and the end of its object. */
static void json_text(struct bx_buf *b, xmlNodePtr e)
{
    xmlChar *t = xmlNodeGetContent(e);

    buf_puts(b, ", \"text\": ");
    if (t == NULL) {
        b->failed = 1;
    } else {
        json_str(b, t);
    }
    xmlFree(t);
    buf_append(b, "}", 1);
}

/*
 * json.xsl's mode "node" for element 'e' indented by 'ind' spaces:
 * {"tag": ..., attributes, then "content", "children" or "text"}.
 * 'tables': 'e' is inside bx:tables.
 */
static void json_node(struct bx_buf *b, xmlNodePtr e, size_t ind, int tables,
                      const xmlChar *amounts, int depth)
{
    xmlNodePtr c;
    xmlAttrPtr a;
    int fig = 0;
    int elems = 0;
    int texts = 0;
    int nonblank = 0;

    if (depth > 10000) { /* the parser refuses deeper documents anyway */
        b->failed = 1;
        return;
    }
    tables = tables || is_bx(e, "tables");
    for (c = e->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            elems++;
            fig |= is_bx(c, "fig");
        } else if (is_text(c)) {
            texts++;
            nonblank |= text_not_blank(c);
        }
    }
    buf_puts(b, "{\"tag\": ");
    json_str(b, e->name);
    for (a = e->properties; a != NULL; a = a->next) {
        buf_puts(b, ", ");
        json_member(b, a, tables, amounts);
    }
    if (fig || elems > 0) {
        json_items(b, e, ind, fig || nonblank, tables, amounts, depth);
    } else if (texts > 0) {
        json_text(b, e);
    } else {
        buf_append(b, "}", 1);
    }
}

/* x:json-str(s): 's' as a JSON string literal (json_str()). */
static void fn_json_str(xmlXPathParserContextPtr ctxt, int nargs)
{
    string_fn(ctxt, nargs, json_str);
}

/*
 * x:json-node(node, ind, amount-names): json.xsl's mode "node" for the
 * first element of 'node', indented by the length of 'ind'; attributes
 * named in 'amount-names' (" a b ... ") are numbers inside bx:tables.
 */
static void fn_json_node(xmlXPathParserContextPtr ctxt, int nargs)
{
    struct bx_buf b;
    xmlNodeSetPtr set;
    xmlChar *amounts;
    xmlChar *ind;
    xmlNodePtr e;

    if (nargs != 3) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    amounts = xmlXPathPopString(ctxt);
    ind = xmlXPathPopString(ctxt);
    set = xmlXPathPopNodeSet(ctxt);
    buf_init(&b);
    if (amounts == NULL || ind == NULL || set == NULL) {
        b.failed = 1;
    } else if (set->nodeNr > 0 && set->nodeTab[0]->type == XML_ELEMENT_NODE) {
        e = set->nodeTab[0];
        json_node(&b, e, (size_t)xmlUTF8Strlen(ind), under_tables(e->parent),
                  amounts, 0);
    }
    xmlFree(amounts);
    xmlFree(ind);
    xmlXPathFreeNodeSet(set);
    if (xmlXPathCheckError(ctxt)) {
        buf_release(&b);
        return;
    }
    push_buf(ctxt, &b);
}

/* ------------------------------------------------------------------ */
/* Platform fields (platform.xsl)                                      */
/* ------------------------------------------------------------------ */

/* The first node of variable 'name' in scope (NULL: none or empty). */
static xmlNodePtr var_first(xmlXPathObjectPtr v)
{
    return v != NULL && v->nodesetval != NULL && v->nodesetval->nodeNr > 0
               ? v->nodesetval->nodeTab[0]
               : NULL;
}

/* The next node after 'n' in document order below 'top', or NULL. */
static xmlNodePtr next_below(xmlNodePtr n, xmlNodePtr top)
{
    if ((n == top || n->type == XML_ELEMENT_NODE) && n->children != NULL) {
        return n->children;
    }
    while (n != top && n->next == NULL) {
        n = n->parent;
    }
    return n == top ? NULL : n->next;
}

/*
 * Has element 'n' attribute 'name' with value 'v'?  Reads a value of one
 * text node in place (no copy: this runs for every entry of the map).
 */
static int attr_is(xmlNodePtr n, const char *name, const xmlChar *v)
{
    xmlAttrPtr a;
    xmlChar *s;
    int eq;

    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns != NULL || a->name[0] != (xmlChar)name[0] ||
            strcmp((const char *)a->name, name) != 0) {
            continue;
        }
        if (a->children != NULL && a->children->next == NULL &&
            a->children->type == XML_TEXT_NODE &&
            a->children->content != NULL) {
            return a->children->content[0] == v[0] &&
                   strcmp((const char *)a->children->content,
                          (const char *)v) == 0;
        }
        s = xmlNodeGetContent((xmlNodePtr)a);
        eq = s != NULL ? xmlStrEqual(s, v) : v[0] == '\0';
        xmlFree(s);
        return eq;
    }
    return 0;
}

/*
 * platform-map.xsl's "field-name" of attribute 'a' of element 'e' with
 * the field map below 'map' (its m:f elements in document order: the
 * first with e = 'e', e = "*" (not an amount) or e = "#amt" (an amount)),
 * else UPPER_SNAKE of 'a' ("_AMT" after an amount).  Caller frees.
 */
static xmlChar *field_name(xmlNodePtr map, const xmlChar *e, const xmlChar *a,
                           int amt)
{
    struct bx_buf b;
    const xmlChar *p;
    xmlNodePtr n;

    for (n = map; n != NULL; n = next_below(n, map)) {
        if (n->type != XML_ELEMENT_NODE || n->name[0] != 'f' ||
            !attr_is(n, "a", a) || !is_meta(n, "f")) {
            continue;
        }
        if (attr_is(n, "e", e) ||
            attr_is(n, "e", (const xmlChar *)(amt ? "#amt" : "*"))) {
            return attr_of(n, "f");
        }
    }
    buf_init(&b);
    for (p = a; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            buf_append(&b, "_", 1);
        }
        buf_printf(&b, "%c", *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    }
    if (amt) {
        buf_puts(&b, "_AMT");
    }
    if (b.failed) {
        buf_release(&b);
        return NULL;
    }
    return (xmlChar *)buf_take(&b, NULL);
}

/*
 * The first m:cat below 'map' whose name is 'v' ($PM/m:cat[@name =
 * current()]), or NULL.
 */
static xmlNodePtr cat_of(xmlNodePtr map, const xmlChar *v)
{
    xmlNodePtr n;

    for (n = map != NULL ? map->children : NULL; n != NULL; n = n->next) {
        if (is_meta(n, "cat") && attr_is(n, "name", v)) {
            return n;
        }
    }
    return NULL;
}

/*
 * Add <'name'>'text'</'name'> in the platform namespace to 'parent' (no
 * text node when 'text' is empty, as xsl:value-of).  NULL on ENOMEM.
 */
static xmlNodePtr platform_el(xmlDocPtr doc, xmlNodePtr parent,
                              const xmlChar *name, const xmlChar *text)
{
    static const xmlChar href[] = "urn:budgetx:platform:1";
    xmlNodePtr el = xmlNewDocNode(doc, NULL, name, NULL);
    xmlNsPtr ns = parent != NULL && parent->type == XML_ELEMENT_NODE
                      ? xmlSearchNsByHref(doc, parent, href)
                      : NULL;
    int ok = el != NULL;

    if (ok && ns == NULL) {
        ns = xmlNewNs(el, href, NULL);
        ok = ns != NULL;
    }
    if (ok) {
        xmlSetNs(el, ns);
    }
    if (ok && text[0] != '\0') {
        ok = xmlAddChild(el, xmlNewDocText(doc, text)) != NULL;
    }
    if (!ok || xmlAddChild(parent, el) == NULL) {
        xmlFreeNode(el);
        return NULL;
    }
    return el;
}

/*
 * One attribute 'a' of the context element as platform.xsl's "fields"
 * writes it: the element named by field_name(), an amount in 元 (scaled
 * by 10^'k', DP when its places are not 'decimals'), PRO_CAT_CODE after
 * a PRO_CAT_NAME.  Returns 0, or -1 on ENOMEM.
 */
static int platform_field(xsltTransformContextPtr ctxt, xmlAttrPtr a,
                          xmlNodePtr map, int amt, double k,
                          const xmlChar *decimals)
{
    xmlNodePtr e = a->parent;
    xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
    xmlChar *f = v != NULL ? field_name(map, e->name, a->name, amt) : NULL;
    xmlChar *code = NULL;
    xmlNodePtr cat;
    const xmlChar *dot;
    struct bx_buf b;
    xmlNodePtr el;
    char dp[32];
    int ok = f != NULL;

    buf_init(&b);
    if (ok && amt && v[0] != '\0') {
        dot = (const xmlChar *)strchr((const char *)v, '.');
        snprintf(dp, sizeof(dp), "%d",
                 dot != NULL ? xmlUTF8Strlen(dot + 1) : 0);
        if (v[0] == '-') {
            buf_append(&b, "-", 1);
        }
        scale_up(&b, v, k);
        ok = !b.failed;
        el = ok ? platform_el(ctxt->output, ctxt->insert, f,
                              (const xmlChar *)b.data)
                : NULL;
        ok = el != NULL;
        if (ok && !xmlStrEqual((const xmlChar *)dp, decimals)) {
            ok = xmlNewProp(el, (const xmlChar *)"DP", (const xmlChar *)dp) !=
                 NULL;
        }
    } else if (ok) {
        ok = platform_el(ctxt->output, ctxt->insert, f, v) != NULL;
    }
    if (ok && xmlStrEqual(f, (const xmlChar *)"PRO_CAT_NAME")) {
        cat = cat_of(map, v);
        if (cat != NULL) {
            code = attr_of(cat, "code");
            ok = code != NULL &&
                 platform_el(ctxt->output, ctxt->insert,
                             (const xmlChar *)"PRO_CAT_CODE", code) != NULL;
        }
    }
    buf_release(&b);
    xmlFree(code);
    xmlFree(f);
    xmlFree(v);
    return ok ? 0 : -1;
}

/*
 * <x:platform-fields/>, inside platform.xsl's "fields": the attributes
 * of the context element as fields (platform_field()).  Reads $in-table,
 * $k, $decimals, $amount-names and the field map $PM.
 */
static void el_platform_fields(xsltTransformContextPtr ctxt, xmlNodePtr node,
                               xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    xmlXPathObjectPtr in_table =
        xsltVariableLookup(ctxt, (const xmlChar *)"in-table", NULL);
    xmlXPathObjectPtr pm = var_nodes(ctxt, "PM");
    xmlChar *k = xslt_grid_var_string(ctxt, "k");
    xmlChar *decimals = xslt_grid_var_string(ctxt, "decimals");
    xmlChar *amounts = xslt_grid_var_string(ctxt, "amount-names");
    xmlNodePtr map = var_first(pm);
    int tab = in_table != NULL && xmlXPathCastToBoolean(in_table);
    int ok = k != NULL && decimals != NULL && amounts != NULL && map != NULL &&
             ctxt->insert != NULL;
    double kn = k != NULL ? xmlXPathStringEvalNumber(k) : 0;
    xmlAttrPtr a;

    (void)comp;
    for (a = node != NULL && node->type == XML_ELEMENT_NODE ? node->properties
                                                            : NULL;
         ok && a != NULL; a = a->next) {
        ok = platform_field(ctxt, a, map, tab && in_list(amounts, a->name), kn,
                            decimals) == 0;
    }
    xmlXPathFreeObject(in_table);
    xmlXPathFreeObject(pm);
    xmlFree(k);
    xmlFree(decimals);
    xmlFree(amounts);
    if (!ok) {
        ext_nomem(ctxt, inst);
    }
}

/* The grids lent to this thread's stylesheets (xslt_ext_share_grids()). */
/* Push node-set 'set' (NULL: out of memory, reported). */
static void push_set(xmlXPathParserContextPtr ctxt, xmlNodeSetPtr set)
{
    if (set == NULL) {
        xmlXPathErr(ctxt, XPATH_MEMORY_ERROR);
        return;
    }
    valuePush(ctxt, xmlXPathWrapNodeSet(set));
}

static _Thread_local xmlDocPtr shared_grids;

void xslt_ext_share_grids(xmlDocPtr grids)
{
    shared_grids = grids;
}

/*
 * x:shared-grids(): the m:grid elements of the grids lent by
 * xslt_ext_share_grids(), in document order; empty when none.
 */
static void fn_shared_grids(xmlXPathParserContextPtr ctxt, int nargs)
{
    xmlNodeSetPtr set;
    xmlNodePtr root =
        shared_grids != NULL ? xmlDocGetRootElement(shared_grids) : NULL;
    xmlNodePtr g;

    if (nargs != 0) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    set = xmlXPathNodeSetCreate(NULL);
    for (g = root != NULL ? root->children : NULL; set != NULL && g != NULL;
         g = g->next) {
        if (is_meta(g, "grid") && xmlXPathNodeSetAdd(set, g) != 0) {
            xmlXPathFreeNodeSet(set);
            set = NULL;
        }
    }
    push_set(ctxt, set);
}

/* ------------------------------------------------------------------ */
/* A label of $M without key() (common.xsl "label-text")               */
/* ------------------------------------------------------------------ */

/*
 * Append the value of attribute 'name' (no namespace) of 'l' to 'b'
 * (none: nothing); '*n' its length.  0, or -1 on ENOMEM.
 */
static int put_label(struct bx_buf *b, const xmlNode *l, const char *name,
                     size_t *n)
{
    xmlAttrPtr a =
        l != NULL ? xmlHasNsProp(l, (const xmlChar *)name, NULL) : NULL;
    xmlChar *v;

    *n = 0;
    if (a == NULL) {
        return 0;
    }
    if (a->children != NULL && a->children->next == NULL &&
        a->children->type == XML_TEXT_NODE && a->children->content != NULL) {
        *n = strlen((const char *)a->children->content);
        buf_append(b, a->children->content, *n);
        return 0;
    }
    v = xmlNodeGetContent((xmlNodePtr)a);
    if (v == NULL) {
        return -1;
    }
    *n = strlen((const char *)v);
    buf_append(b, v, *n);
    xmlFree(v);
    return 0;
}

/*
 * The first m:l below 'n' in document order whose @k is 'k' into '*l'
 * (NULL: none).  0, or -1 on ENOMEM.
 */
static int label_of(xmlNodePtr n, const xmlChar *k, xmlNodePtr *l)
{
    struct bx_buf v;
    xmlNodePtr c;
    size_t len;
    int rc = 0;

    *l = NULL;
    for (c = n->children; rc == 0 && *l == NULL && c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_meta(c, "l")) {
            buf_init(&v);
            rc = put_label(&v, c, "k", &len);
            buf_append(&v, "", 1);
            rc = rc == 0 && v.failed ? -1 : rc;
            if (rc == 0 && xmlStrEqual((const xmlChar *)v.data, k) &&
                xmlHasNsProp(c, (const xmlChar *)"k", NULL) != NULL) {
                *l = c;
            }
            buf_release(&v);
        }
        if (rc == 0 && *l == NULL) {
            rc = label_of(c, k, l);
        }
    }
    return rc;
}

/*
 * x:label($k, $colon): common.xsl's "label-text" as a string: @zh of the
 * label of $M keyed $k (what key('meta-l', $k) finds first), " / " and
 * its @en when $lang is 'en' and it has one, "：" when $colon.  The
 * labels without the index key() builds on $M for a dozen lookups.
 */
static void fn_label(xmlXPathParserContextPtr ctxt, int nargs)
{
    xsltTransformContextPtr tctxt = xsltXPathGetTransformContext(ctxt);
    xmlXPathObjectPtr keep = NULL;
    xmlXPathObjectPtr lang = NULL;
    xmlChar *en = NULL;
    xmlNodePtr m = NULL;
    xmlNodePtr l = NULL;
    struct bx_buf b;
    size_t mark;
    size_t n;
    xmlChar *k;
    int colon;
    int rc;

    if (nargs != 2) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    colon = xmlXPathPopBoolean(ctxt);
    k = xmlXPathPopString(ctxt);
    if (k == NULL || xmlXPathCheckError(ctxt) || tctxt == NULL) {
        xmlFree(k);
        return;
    }
    buf_init(&b);
    /* $M and $lang are common.xsl's: not there only short of memory */
    m = var_first_node(tctxt, "M", &keep);
    lang = xsltVariableLookup(tctxt, (const xmlChar *)"lang", NULL);
    en = lang != NULL ? xmlXPathCastToString(lang) : NULL;
    rc = m == NULL || en == NULL ? -1 : label_of(m, k, &l);
    if (rc == 0) {
        rc = put_label(&b, l, "zh", &n);
    }
    mark = b.len;
    buf_puts(&b, " / ");
    if (rc == 0 && l != NULL && xmlStrEqual(en, (const xmlChar *)"en")) {
        rc = put_label(&b, l, "en", &n);
    } else {
        n = 0;
    }
    if (n == 0) {
        b.len = mark;
    }
    if (colon) {
        buf_puts(&b, "：");
    }
    buf_append(&b, "", 1);
    xmlFree(en);
    xmlXPathFreeObject(lang);
    xmlXPathFreeObject(keep);
    xmlFree(k);
    if (rc != 0) {
        buf_release(&b);
        fn_nomem(ctxt);
        return;
    }
    push_buf(ctxt, &b);
}

/* ------------------------------------------------------------------ */
/* A table's header definition without instantiating it (grid.xsl)    */
/* ------------------------------------------------------------------ */

/*
 * Is 'n', with everything below it, literal: elements of the meta
 * namespace whose attributes (no namespace) hold no attribute value
 * template, nothing else?  Instantiated, such a tree is a copy of
 * itself whatever the context.
 */
static int literal_meta(const xmlNode *n)
{
    const xmlAttr *a;
    const xmlNode *c;

    if (n->type != XML_ELEMENT_NODE || n->ns == NULL || n->ns->href == NULL ||
        strcmp((const char *)n->ns->href, META_NS) != 0) {
        return 0;
    }
    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns != NULL || a->children == NULL ||
            a->children->type != XML_TEXT_NODE || a->children->next != NULL ||
            a->children->content == NULL ||
            strpbrk((const char *)a->children->content, "{}") != NULL) {
            return 0;
        }
    }
    for (c = n->children; c != NULL; c = c->next) {
        if (!literal_meta(c)) {
            return 0;
        }
    }
    return 1;
}

/*
 * x:head-def($t): the m:h element of the template of mode "head" for
 * table $t (grid.xsl) as it stands in the stylesheet, when that
 * template is one literal m:h (literal_meta()): what instantiating it
 * would make, without making it, for reading only; else an empty
 * node-set (the XSLT instantiates it).  The stylesheet is shared by
 * the worker threads and never written.
 */
static void fn_head_def(xmlXPathParserContextPtr ctxt, int nargs)
{
    xsltTransformContextPtr tctxt = xsltXPathGetTransformContext(ctxt);
    xmlXPathObjectPtr arg;
    xmlNodeSetPtr set;
    xmlNodePtr t = NULL;
    xsltTemplatePtr tpl = NULL;
    const xmlChar *mode;
    const xmlChar *mode_uri;
    const xmlChar *head;

    if (nargs != 1) {
        xmlXPathSetArityError(ctxt);
        return;
    }
    arg = valuePop(ctxt);
    if (arg == NULL || arg->type != XPATH_NODESET) {
        xmlXPathFreeObject(arg);
        xmlXPathSetTypeError(ctxt);
        return;
    }
    if (arg->nodesetval != NULL && arg->nodesetval->nodeNr == 1) {
        t = arg->nodesetval->nodeTab[0];
    }
    /* libxslt compares modes as names of the stylesheet's dictionary
     * (read, never added to: shared by the threads) */
    head = tctxt != NULL && tctxt->style != NULL
               ? xmlDictExists(tctxt->style->dict, (const xmlChar *)"head", 4)
               : NULL;
    if (head != NULL && t != NULL && t->type == XML_ELEMENT_NODE) {
        mode = tctxt->mode;
        mode_uri = tctxt->modeURI;
        tctxt->mode = head;
        tctxt->modeURI = NULL;
        tpl = xsltGetTemplate(tctxt, t, NULL);
        tctxt->mode = mode;
        tctxt->modeURI = mode_uri;
    }
    xmlXPathFreeObject(arg);
    set = xmlXPathNodeSetCreate(NULL);
    if (set != NULL && tpl != NULL && tpl->content != NULL &&
        tpl->content->next == NULL && is_meta(tpl->content, "h") &&
        literal_meta(tpl->content) &&
        xmlXPathNodeSetAdd(set, tpl->content) != 0) {
        xmlXPathFreeNodeSet(set);
        set = NULL;
    }
    push_set(ctxt, set);
}

/* The functions and elements, for registering and checking. */
static const struct {
    const char *name;
    xmlXPathFunction fn;
} functions[] = {{"csv-field", fn_csv_field},
                 {"csv-row", fn_csv_row},
                 {"csv-rows", fn_csv_rows},
                 {"dec-scale-up", fn_dec_scale_up},
                 {"json-node", fn_json_node},
                 {"json-str", fn_json_str},
                 {"shared-grids", fn_shared_grids},
                 {"head-def", fn_head_def},
                 {"label", fn_label}};

static const struct {
    const char *name;
    xsltTransformFunction fn;
} elements[] = {{"amount-cells", el_amount_cells},
                {"html-rows", el_html_rows},
                {"fig-span", el_fig_span},
                {"p-content", el_p_content},
                {"toc-tables", el_toc_tables},
                {"narr-section", el_narr_section},
                {"glossary-terms", el_glossary_terms},
                {"table-section", el_table_section},
                {"keyed-rows", xslt_grid_keyed_rows},
                {"head-rows", xslt_grid_head_rows},
                {"pair-rows", xslt_grid_pair_rows},
                {"dept-form", xslt_grid_dept_form},
                {"platform-fields", el_platform_fields}};

/* Register everything; true when every name is found afterwards. */
static int register_all(void)
{
    const xmlChar *ns = (const xmlChar *)XSLT_EXT_NS;
    int ok = 1;
    size_t i;

    for (i = 0; i < sizeof(functions) / sizeof(functions[0]); i++) {
        xsltRegisterExtModuleFunction((const xmlChar *)functions[i].name, ns,
                                      functions[i].fn);
        ok &= xsltExtModuleFunctionLookup((const xmlChar *)functions[i].name,
                                          ns) == functions[i].fn;
    }
    for (i = 0; i < sizeof(elements) / sizeof(elements[0]); i++) {
        xsltRegisterExtModuleElement((const xmlChar *)elements[i].name, ns,
                                     NULL, elements[i].fn);
        ok &= xsltExtModuleElementLookup((const xmlChar *)elements[i].name,
                                         ns) == elements[i].fn;
    }
    return ok;
}

int xslt_ext_init(void)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static int done;
    int ok;

    /* not pthread_once: a registration that ran out of memory is tried
     * again by the next call instead of staying half done */
    pthread_mutex_lock(&lock);
    if (!done) {
        done = register_all();
    }
    ok = done;
    pthread_mutex_unlock(&lock);
    return ok ? BX_OK : BX_E_NOMEM;
}
