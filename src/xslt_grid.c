/*
 * The body rows of grid.xsl's keyed tables in C (see xslt_grid.h).  Each
 * function says which template of xslt/grid.xsl it writes; the XSLT
 * stays the definition (the xsl:fallback of <x:keyed-rows>), and
 * tests/convert/xsltproc.sh and tests/convert/grid.sh compare the bytes
 * of both ways.
 */
#define _POSIX_C_SOURCE 200809L

#include "xslt_grid.h"
#include "util.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xpathInternals.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#define META_NS "urn:budgetx:xslt:meta"
#define BX_NS "urn:budgetx:disclosure:1"

/* What the rows of one table are written with. */
struct grid_out {
    xmlDocPtr doc;          /* the result document */
    xmlNsPtr ns;            /* urn:budgetx:xslt:meta, NULL until needed */
    xmlNodeSetPtr def;      /* the table's m:h (amount columns m:a) */
    const xmlChar *table;   /* local name of the table element */
    int kind;               /* 'table' as an enum grid_table */
    xmlNodePtr tnode;       /* the table element */
    const xmlChar *total;   /* the label of T8's unkeyed row */
    int codes;              /* T10 prints a 项目编码 column */
    int failed;             /* out of memory */
    struct html_text *html; /* $x-html-direct: where the rows go as HTML */
    /* names of elements and attributes in the dictionary of 'doc', by
     * the address of the C string they were asked for with */
    struct {
        const char *key;
        const xmlChar *name;
    } names[32];
    int nnames;
    /* the @n of each m:a of 'def' in order (NULL: none), read once per
     * table when each is in place (cols_state 1; 2: read them each time) */
    const xmlChar *cols[32];
    int ncols;
    int cols_state;
};

/* The tables whose rows differ (grid.xsl's key-cells and mode "row"). */
enum grid_table {
    GT_OTHER,        /* T2, T8 and any other: code | name */
    GT_FUNC,         /* T3 T5 T9 */
    GT_STATE_CAP,    /* T13 */
    GT_GPB_BASIC,    /* T6 */
    GT_ECONOMIC,     /* T7 */
    GT_PROJECT,      /* T10 */
    GT_THREE_PUBLIC, /* T8 */
    GT_PERFORMANCE,  /* T12 */
    GT_PROCUREMENT   /* T14 */
};

static void html_take_rows(struct grid_out *o);
static int var_true(xsltTransformContextPtr ctxt, const char *name);
static int html_head_rows(struct grid_out *o, xsltTransformContextPtr ctxt,
                          double cols, const xmlChar *unit);
static void *row_alloc(struct grid_out *o, size_t n);
static int csv_head_rows(struct grid_out *o, xsltTransformContextPtr ctxt,
                         double cols, const xmlChar *unit);
static void csv_rows(struct grid_out *o, xsltTransformContextPtr ctxt,
                     xmlNodePtr node);

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

/* Is 'n' the element {uri}'local'? */
static int is_el(const xmlNode *n, const char *uri, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           same_name(n->name, local) &&
           strcmp((const char *)n->ns->href, uri) == 0;
}

/* Is the local name of element 'n' 'local'? (any namespace) */
static int named(const xmlNode *n, const char *local)
{
    return same_name(n->name, local);
}

/* The first (no-namespace) attribute 'name' of 'n' (NULL: none). */
static xmlAttrPtr no_ns_attr(const xmlNode *n, const char *name)
{
    xmlAttrPtr a;

    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && same_name(a->name, name)) {
            return a;
        }
    }
    return NULL;
}

/*
 * The string value of attribute 'a' ("" for NULL): in place when it is
 * one text node, else a copy in '*copy' (caller frees '*copy').  NULL on
 * ENOMEM.
 */
static const xmlChar *attr_text(xmlAttrPtr a, xmlChar **copy)
{
    *copy = NULL;
    if (a == NULL || a->children == NULL) {
        return (const xmlChar *)"";
    }
    if (a->children->next == NULL && a->children->type == XML_TEXT_NODE &&
        a->children->content != NULL) {
        return a->children->content;
    }
    *copy = xmlNodeGetContent((xmlNodePtr)a);
    return *copy;
}

/* Is the value of attribute 'a' 'v'? */
static int attr_is(xmlAttrPtr a, const char *v)
{
    xmlChar *copy;
    const xmlChar *s = attr_text(a, &copy);
    int eq = s != NULL && strcmp((const char *)s, v) == 0;

    xmlFree(copy);
    return eq;
}

const xmlChar *xslt_grid_attr_text(xmlAttrPtr a, xmlChar **copy)
{
    return attr_text(a, copy);
}

int xslt_grid_attr(const xmlNode *n, const char *name, const xmlChar **v,
                   xmlChar **copy)
{
    xmlAttrPtr a = no_ns_attr(n, name);

    *copy = NULL;
    *v = a != NULL ? attr_text(a, copy) : NULL;
    return a != NULL && *v == NULL ? -1 : 0;
}

const xmlChar *xslt_grid_text(const xmlNode *n, xmlChar **copy)
{
    *copy = NULL;
    if (n->children == NULL) {
        return (const xmlChar *)"";
    }
    if (n->children->next == NULL && n->children->type == XML_TEXT_NODE &&
        n->children->content != NULL) {
        return n->children->content;
    }
    *copy = xmlNodeGetContent(n);
    return *copy;
}

/* The start of character 'i' (from 0) of UTF-8 's', or its end. */
static const xmlChar *utf8_at(const xmlChar *s, long i)
{
    for (; *s != '\0'; s++) {
        if ((*s & 0xC0) != 0x80 && i-- == 0) {
            return s;
        }
    }
    return s;
}

/* The number of characters of UTF-8 's' (XPath string-length()). */
static long utf8_len(const xmlChar *s)
{
    long n = 0;

    for (; *s != '\0'; s++) {
        n += (*s & 0xC0) != 0x80;
    }
    return n;
}

/*
 * Zeroed node 'n' as a node of 'type' and 'name' of o->doc, the last
 * child of 'parent' (attributes: its last attribute); returns 'n'.
 */
static xmlNodePtr link_node(struct grid_out *o, xmlNodePtr parent, xmlNodePtr n,
                            xmlElementType type, const xmlChar *name)
{
    xmlAttrPtr a = (xmlAttrPtr)n;
    xmlNodePtr *first = &parent->children;
    xmlNodePtr *lastp = &parent->last;
    xmlAttrPtr last;

    if (type == XML_ATTRIBUTE_NODE) {
        /* an xmlAttr is shorter than an xmlNode: its own fields */
        a->type = type;
        a->name = name;
        a->doc = o->doc;
        a->parent = parent;
        last = parent->properties;
        if (last == NULL) {
            parent->properties = a;
            return n;
        }
        while (last->next != NULL) {
            last = last->next;
        }
        last->next = a;
        a->prev = last;
        return n;
    }
    n->type = type;
    n->name = name;
    n->doc = o->doc;
    n->parent = parent;
    if (parent->type == XML_ATTRIBUTE_NODE) {
        /* the text of an attribute (an xmlAttr: its own fields) */
        first = &((xmlAttrPtr)parent)->children;
        lastp = &((xmlAttrPtr)parent)->last;
    }
    n->prev = *lastp;
    if (*lastp != NULL) {
        (*lastp)->next = n;
    } else {
        *first = n;
    }
    *lastp = n;
    return n;
}

/*
 * A node of the rows of $x-html-direct (see struct row_arena): zeroed,
 * of 'type' and 'name', the last child of 'parent' (attributes: the last
 * attribute).  NULL on ENOMEM.
 */
static xmlNodePtr row_node(struct grid_out *o, xmlNodePtr parent,
                           xmlElementType type, const xmlChar *name)
{
    xmlNodePtr n;

    if (type == XML_ATTRIBUTE_NODE) {
        n = row_alloc(o, sizeof(xmlAttr));
        if (n != NULL) {
            memset(n, 0, sizeof(xmlAttr));
        }
    } else {
        n = row_alloc(o, sizeof(xmlNode));
        if (n != NULL) {
            memset(n, 0, sizeof(xmlNode));
        }
    }
    return n != NULL ? link_node(o, parent, n, type, name) : NULL;
}

/* A text node of the 'n' bytes at 's' under 'parent' (rows arena). */
static void row_text(struct grid_out *o, xmlNodePtr parent, const xmlChar *s,
                     size_t n)
{
    xmlNodePtr last = parent->last;
    size_t had = 0;
    xmlChar *text;
    xmlNodePtr t;

    /* xmlAddChild merges adjacent text nodes */
    if (last != NULL && last->type == XML_TEXT_NODE) {
        had = strlen((const char *)last->content);
    }
    text = row_alloc(o, had + n + 1);
    if (text == NULL) {
        return;
    }
    if (had > 0) {
        memcpy(text, last->content, had);
    }
    memcpy(text + had, s, n);
    text[had + n] = '\0';
    if (last != NULL && last->type == XML_TEXT_NODE) {
        last->content = text;
        return;
    }
    t = row_node(o, parent, XML_TEXT_NODE, xmlStringText);
    if (t != NULL) {
        t->content = text;
    }
}

/*
 * 'name' (a string constant) in the dictionary of the result document;
 * NULL when it has none (or on ENOMEM): then the nodes are made by
 * libxml2's functions.
 */
static const xmlChar *dict_name(struct grid_out *o, const char *name)
{
    const xmlChar *d;
    int i;

    if (o->doc->dict == NULL) {
        return NULL;
    }
    for (i = 0; i < o->nnames; i++) {
        if (o->names[i].key == name) {
            return o->names[i].name;
        }
    }
    d = xmlDictLookup(o->doc->dict, (const xmlChar *)name, -1);
    if (d != NULL &&
        o->nnames < (int)(sizeof(o->names) / sizeof(o->names[0]))) {
        o->names[o->nnames].key = name;
        o->names[o->nnames].name = d;
        o->nnames++;
    }
    return d;
}

/*
 * A node of o->doc as libxml2 makes it (xmlNewDocNode, xmlNewDocText,
 * xmlNewProp), the last child (attribute) of 'parent', with what it
 * costs there and is not needed here left out: the dictionary lookup of
 * a name asked for before, xmlAddChild's checks for text to merge and
 * another document, xmlNewProp's test for an ID (grid attributes are
 * never "id" or "name").  NULL, o->failed: ENOMEM.
 */
static xmlNodePtr grid_node(struct grid_out *o, xmlNodePtr parent,
                            xmlElementType type, const xmlChar *name)
{
    size_t size =
        type == XML_ATTRIBUTE_NODE ? sizeof(xmlAttr) : sizeof(xmlNode);
    xmlNodePtr n = xmlMalloc(size);

    if (n == NULL) {
        o->failed = 1;
        return NULL;
    }
    memset(n, 0, size);
    return link_node(o, parent, n, type, name);
}

/*
 * A text node of the 'n' bytes at 's' under 'parent' (which has no text
 * last: xmlAddChild would merge).  With 'interned', from the dictionary
 * (which xmlFreeNode leaves): the short values of a few kinds that grid
 * attributes have (t="amt", depth="0"), not the texts of cells, which
 * would stay in the dictionary until the end of the document.
 */
static void grid_text(struct grid_out *o, xmlNodePtr parent, const xmlChar *s,
                      size_t n, int interned)
{
    xmlChar *text = interned ? (xmlChar *)xmlDictLookup(o->doc->dict, s, (int)n)
                             : xmlStrndup(s, (int)n);
    xmlNodePtr t = text != NULL
                       ? grid_node(o, parent, XML_TEXT_NODE, xmlStringText)
                       : NULL;

    if (t == NULL) {
        if (!interned) {
            xmlFree(text);
        }
        o->failed = 1;
        return;
    }
    t->content = text;
}

/* A new element m:'name' as the last child of 'parent' (NULL: ENOMEM). */
static xmlNodePtr meta_el(struct grid_out *o, xmlNodePtr parent,
                          const char *name)
{
    const xmlChar *dname;
    xmlNodePtr e;

    if (o->failed) {
        return NULL;
    }
    if (o->html != NULL) {
        if (name[0] == 'r' && strcmp(name, "row") == 0) {
            /* the rows made so far are complete: write and forget them */
            html_take_rows(o);
        }
        e = row_node(o, parent, XML_ELEMENT_NODE, (const xmlChar *)name);
        if (e != NULL) {
            e->ns = o->ns;
        }
        return e;
    }
    dname = o->ns != NULL ? dict_name(o, name) : NULL;
    if (dname != NULL) {
        e = grid_node(o, parent, XML_ELEMENT_NODE, dname);
        if (e != NULL) {
            e->ns = o->ns;
        }
        return e;
    }
    e = xmlNewDocNode(o->doc, NULL, (const xmlChar *)name, NULL);
    if (e != NULL && o->ns == NULL) {
        /* the declaration in scope, or a new one on the first element */
        if (parent->type == XML_ELEMENT_NODE) {
            o->ns = xmlSearchNsByHref(o->doc, parent, (const xmlChar *)META_NS);
        }
        if (o->ns == NULL) {
            o->ns = xmlNewNs(e, (const xmlChar *)META_NS, (const xmlChar *)"m");
        }
    }
    if (e == NULL || o->ns == NULL || xmlAddChild(parent, e) == NULL) {
        xmlFreeNode(e);
        o->failed = 1;
        return NULL;
    }
    xmlSetNs(e, o->ns);
    return e;
}

/* Attribute name="v" on 'e' (skipped when 'e' is NULL). */
static void set_attr(struct grid_out *o, xmlNodePtr e, const char *name,
                     const xmlChar *v)
{
    const xmlChar *dname;
    xmlNodePtr a;
    size_t n;

    if (e != NULL && o->html != NULL) {
        a = row_node(o, e, XML_ATTRIBUTE_NODE, (const xmlChar *)name);
        if (a != NULL && v != NULL) {
            row_text(o, a, v, strlen((const char *)v));
        }
        return;
    }
    dname = e != NULL ? dict_name(o, name) : NULL;
    if (dname != NULL) {
        a = grid_node(o, e, XML_ATTRIBUTE_NODE, dname);
        /* xmlNewProp: a text node even for "" */
        if (a != NULL && v != NULL) {
            n = strlen((const char *)v);
            grid_text(o, a, v, n, n <= 8);
        }
    } else if (e != NULL && xmlNewProp(e, (const xmlChar *)name, v) == NULL) {
        o->failed = 1;
    }
}

/*
 * set_attr() of a value that is a string constant too (t="amt",
 * depth="0"): the value's text from the dictionary, looked up once.
 */
static void set_const(struct grid_out *o, xmlNodePtr e, const char *name,
                      const char *v)
{
    const xmlChar *dname =
        e != NULL && o->html == NULL ? dict_name(o, name) : NULL;
    const xmlChar *dv = dname != NULL ? dict_name(o, v) : NULL;
    xmlNodePtr a;
    xmlNodePtr t;

    if (e != NULL && o->html != NULL) {
        /* rows of the arena: the constant itself is the text (they are
         * read, never freed nor changed, before the constant ends) */
        a = row_node(o, e, XML_ATTRIBUTE_NODE, (const xmlChar *)name);
        t = a != NULL ? row_node(o, a, XML_TEXT_NODE, xmlStringText) : NULL;
        if (t != NULL) {
            t->content = (xmlChar *)v;
        }
        return;
    }
    if (dv == NULL) {
        set_attr(o, e, name, (const xmlChar *)v);
        return;
    }
    a = grid_node(o, e, XML_ATTRIBUTE_NODE, dname);
    t = a != NULL ? grid_node(o, a, XML_TEXT_NODE, xmlStringText) : NULL;
    if (t != NULL) {
        t->content = (xmlChar *)dv;
    }
}

/* The first 'len' characters (all: len < 0) of 's' as text of 'e'. */
static void set_text(struct grid_out *o, xmlNodePtr e, const xmlChar *s,
                     long len)
{
    size_t n =
        len < 0 ? strlen((const char *)s) : (size_t)(utf8_at(s, len) - s);

    /* xsl:value-of of "" adds no text node */
    if (e != NULL && n > 0 && o->html != NULL) {
        row_text(o, e, s, n);
    } else if (e != NULL && n > 0 && o->doc->dict != NULL &&
               (e->last == NULL || e->last->type != XML_TEXT_NODE)) {
        grid_text(o, e, s, n, 0);
    } else if (e != NULL && n > 0 &&
               xmlAddChild(e, xmlNewDocTextLen(o->doc, s, (int)n)) == NULL) {
        o->failed = 1;
    }
}

/*
 * set_text(o, e, s, -1) of a string that outlives the rows of o->html
 * (text of the source document read in place): in the arena the text
 * node points at 's' instead of a copy (the rows are read and forgotten
 * before the transformation ends, never freed nor changed).
 */
static void set_text_in_place(struct grid_out *o, xmlNodePtr e,
                              const xmlChar *s)
{
    xmlNodePtr t;

    if (e != NULL && o->html != NULL && s[0] != '\0' &&
        (e->last == NULL || e->last->type != XML_TEXT_NODE)) {
        t = row_node(o, e, XML_TEXT_NODE, xmlStringText);
        if (t != NULL) {
            t->content = (xmlChar *)s;
        }
        return;
    }
    set_text(o, e, s, -1);
}

/* <m:c t="t">'len' characters of 's' from character 'from'</m:c> */
static xmlNodePtr cell_sub(struct grid_out *o, xmlNodePtr row, const char *t,
                           const xmlChar *s, long from, long len)
{
    xmlNodePtr c = meta_el(o, row, "c");

    set_const(o, c, "t", t);
    if (s != NULL) {
        set_text(o, c, utf8_at(s, from), len);
    }
    return c;
}

/* <m:c t="t">the value of attribute 'name' of 'r'</m:c> ("": none) */
static xmlNodePtr cell_attr(struct grid_out *o, xmlNodePtr row, const char *t,
                            xmlNodePtr r, const char *name, long from, long len)
{
    xmlChar *copy;
    const xmlChar *v =
        name != NULL ? attr_text(no_ns_attr(r, name), &copy) : NULL;
    xmlNodePtr c;

    if (name != NULL && v == NULL) {
        o->failed = 1;
        return NULL;
    }
    if (name != NULL && copy == NULL && from == 0 && len < 0) {
        /* the whole value, in place */
        c = cell_sub(o, row, t, NULL, 0, -1);
        if (c != NULL) {
            set_text_in_place(o, c, v);
        }
        return c;
    }
    c = cell_sub(o, row, t, v, from, len);
    if (name != NULL) {
        xmlFree(copy);
    }
    return c;
}

/* grid.xsl "skip": 'n' covered positions <m:s/>. */
static void skip(struct grid_out *o, xmlNodePtr row, int n)
{
    for (; n > 0; n--) {
        meta_el(o, row, "s");
    }
}

/* grid.xsl "blank": 'n' empty cells <m:c t="text"/>. */
static void blank(struct grid_out *o, xmlNodePtr row, int n)
{
    for (; n > 0; n--) {
        cell_sub(o, row, "text", NULL, 0, -1);
    }
}

/* 'v' in decimal at 'buf' (24 bytes), as "%ld" writes it; returns 'buf'. */
static char *decimal(char *buf, long v)
{
    char tmp[24];
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    size_t n = 0;
    size_t i = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0) {
        buf[i++] = '-';
    }
    while (n > 0) {
        buf[i++] = tmp[--n];
    }
    buf[i] = '\0';
    return buf;
}

/* grid.xsl "span": attribute 'name' of 'r' over 'cs' columns. */
static void span(struct grid_out *o, xmlNodePtr row, int cs, xmlNodePtr r,
                 const char *name, const char *t)
{
    char n[24];

    set_attr(o, cell_attr(o, row, t, r, name, 0, -1), "cs",
             (const xmlChar *)decimal(n, cs));
    skip(o, row, cs - 1);
}

/* grid.xsl "func-code": 类 款 项 of r's attribute 'name'. */
static void func_code_of(struct grid_out *o, xmlNodePtr row, xmlNodePtr r,
                         const char *name)
{
    cell_attr(o, row, "code", r, name, 0, 3);
    cell_attr(o, row, "code", r, name, 3, 2);
    cell_attr(o, row, "code", r, name, 5, 2);
}

/* grid.xsl "func-code" of r's @code. */
static void func_code(struct grid_out *o, xmlNodePtr row, xmlNodePtr r)
{
    func_code_of(o, row, r, "code");
}

/*
 * The cell of an amount column whose m:a has @n 'name' (NULL: none) of
 * row 'r': <m:c t="amt" [rs]> holding the first attribute of 'r' (any
 * namespace) whose local name is 'name', what $row/@*[local-name() = $n]
 * selects.
 */
static void amount_of(struct grid_out *o, xmlNodePtr row, xmlNodePtr r,
                      const xmlChar *name, const xmlChar *rs)
{
    xmlAttrPtr v;
    xmlChar *vcopy = NULL;
    const xmlChar *value = NULL;
    xmlNodePtr c;

    for (v = name != NULL ? r->properties : NULL; v != NULL; v = v->next) {
        if (v->name[0] == name[0] &&
            strcmp((const char *)v->name, (const char *)name) == 0) {
            break;
        }
    }
    if (v != NULL) {
        value = attr_text(v, &vcopy);
        o->failed |= value == NULL;
    }
    c = meta_el(o, row, "c");
    set_const(o, c, "t", "amt");
    if (rs != NULL && rs[0] != '\0') {
        set_attr(o, c, "rs", rs);
    }
    if (value != NULL && vcopy == NULL) {
        set_text_in_place(o, c, value);
    } else if (value != NULL) {
        set_text(o, c, value, -1);
    }
    xmlFree(vcopy);
}

/*
 * The cell of amount column 'a' (an m:a of the table's m:h; other nodes
 * give none) of row 'r' (amount_of()).
 */
static void amount(struct grid_out *o, xmlNodePtr row, xmlNodePtr r,
                   xmlNodePtr a, const xmlChar *rs)
{
    xmlAttrPtr n;
    xmlChar *ncopy = NULL;
    const xmlChar *name = NULL;

    if (!is_el(a, META_NS, "a")) {
        return;
    }
    n = no_ns_attr(a, "n");
    if (n != NULL) {
        name = attr_text(n, &ncopy);
        o->failed |= name == NULL;
    }
    amount_of(o, row, r, name, rs);
    xmlFree(ncopy);
}

/*
 * Read the @n of the m:a of o->def into o->cols once (cols_state 1),
 * when there are at most 32 and each is in place (else cols_state 2:
 * amount() reads them for each row).
 */
static void cols_read(struct grid_out *o)
{
    const int max = (int)(sizeof(o->cols) / sizeof(o->cols[0]));
    const xmlChar *v;
    xmlAttrPtr n;
    xmlNodePtr a;
    xmlChar *copy;
    int i;

    o->cols_state = 2;
    o->ncols = 0;
    for (i = 0; o->def != NULL && i < o->def->nodeNr; i++) {
        for (a = o->def->nodeTab[i]->children; a != NULL; a = a->next) {
            if (!is_el(a, META_NS, "a")) {
                continue;
            }
            n = no_ns_attr(a, "n");
            v = n != NULL ? attr_text(n, &copy) : NULL;
            if (n != NULL && (v == NULL || copy != NULL)) {
                /* not in place (or ENOMEM, which amount() reports) */
                xmlFree(copy);
                return;
            }
            if (o->ncols == max) {
                return;
            }
            o->cols[o->ncols++] = v;
        }
    }
    o->cols_state = 1;
}

/* grid.xsl "amounts": the amount cells of row 'r' (rs: none when ""). */
static void amounts(struct grid_out *o, xmlNodePtr row, xmlNodePtr r,
                    const xmlChar *rs)
{
    xmlNodePtr a;
    int i;

    if (o->cols_state == 0) {
        cols_read(o);
    }
    if (o->cols_state == 1) {
        for (i = 0; i < o->ncols; i++) {
            amount_of(o, row, r, o->cols[i], rs);
        }
        return;
    }
    for (i = 0; o->def != NULL && i < o->def->nodeNr; i++) {
        for (a = o->def->nodeTab[i]->children; a != NULL; a = a->next) {
            amount(o, row, r, a, rs);
        }
    }
}

/* Key cells of 表三/表五/表九 (T3 T5 T9) and 表十三 (T13, 'sc'). */
static void key_func(struct grid_out *o, xmlNodePtr row, xmlNodePtr r, int sc)
{
    if (named(r, "func")) {
        func_code(o, row, r);
        if (!sc) {
            cell_sub(o, row, "code", NULL, 0, -1);
        }
    } else if (sc) {
        span(o, row, 3, r, "code", "code");
    } else {
        blank(o, row, 3);
        cell_attr(o, row, "code", r, "code", 0, -1);
    }
    cell_attr(o, row, "text", r, "name", 0, -1);
}

/* Key cells of 表六 (T6). */
static void key_gpb_basic(struct grid_out *o, xmlNodePtr row, xmlNodePtr r)
{
    if (named(r, "eco")) {
        cell_attr(o, row, "code", r, "dep", 0, -1);
        cell_attr(o, row, "text", r, "depName", 0, -1);
        cell_attr(o, row, "code", r, "gov", 0, -1);
        cell_attr(o, row, "text", r, "govName", 0, -1);
    } else if (named(r, "total")) {
        blank(o, row, 3);
        cell_attr(o, row, "label", r, "name", 0, -1);
    } else {
        cell_attr(o, row, "code", r, "code", 0, -1);
        span(o, row, 3, r, "name", "text");
    }
}

/* Key cells of 表七 (T7). */
static void key_economic(struct grid_out *o, xmlNodePtr row, xmlNodePtr r)
{
    if (named(r, "eco")) {
        cell_attr(o, row, "code", r, "dep", 0, 3);
        cell_attr(o, row, "code", r, "dep", 3, -1);
        cell_attr(o, row, "text", r, "depName", 0, -1);
        cell_attr(o, row, "code", r, "gov", 0, 3);
        cell_attr(o, row, "code", r, "gov", 3, -1);
        cell_attr(o, row, "text", r, "govName", 0, -1);
    } else if (named(r, "total")) {
        span(o, row, 6, r, "name", "label");
    } else {
        span(o, row, 2, r, "code", "code");
        span(o, row, 4, r, "name", "text");
    }
}

/* Key cells of 表十 (T10). */
static void key_project(struct grid_out *o, xmlNodePtr row, xmlNodePtr r)
{
    if (named(r, "project")) {
        cell_attr(o, row, "text", r, "kind", 0, -1);
        if (o->codes) {
            cell_attr(o, row, "code", r, "code", 0, -1);
        }
        cell_attr(o, row, "text", r, "name", 0, -1);
        cell_attr(o, row, "text", r, "unitName", 0, -1);
    } else if (named(r, "total")) {
        blank(o, row, 2 + o->codes);
        cell_attr(o, row, "label", r, "name", 0, -1);
    } else {
        blank(o, row, 1 + o->codes);
        cell_attr(o, row, "code", r, "code", 0, -1);
        cell_attr(o, row, "text", r, "name", 0, -1);
    }
}

/* grid.xsl "key-cells": the key (non-amount) cells of row 'r'. */
static void key_cells(struct grid_out *o, xmlNodePtr row, xmlNodePtr r)
{
    if (o->kind == GT_FUNC) {
        key_func(o, row, r, 0);
    } else if (o->kind == GT_STATE_CAP) {
        key_func(o, row, r, 1);
    } else if (o->kind == GT_GPB_BASIC) {
        key_gpb_basic(o, row, r);
    } else if (o->kind == GT_ECONOMIC) {
        key_economic(o, row, r);
    } else if (o->kind == GT_PROJECT) {
        key_project(o, row, r);
    } else {
        /* T2, T8 and any other: code | name */
        cell_attr(o, row, "code", r, "code", 0, -1);
        cell_attr(o, row, "text", r, "name", 0, -1);
    }
}

/* grid.xsl "row-attrs": kind (func rows: with their level) and depth. */
static void row_attrs(struct grid_out *o, xmlNodePtr row, xmlNodePtr r)
{
    char num[24];
    char small[64];
    const char *digits = "";
    const xmlChar *code;
    xmlChar *copy;
    xmlChar *kind;
    size_t n = strlen((const char *)r->name);
    size_t d;
    xmlNodePtr p;
    long depth = -3;

    if (named(r, "func")) {
        code = attr_text(no_ns_attr(r, "code"), &copy);
        if (code == NULL) {
            o->failed = 1;
            return;
        }
        digits = decimal(num, utf8_len(code));
        xmlFree(copy);
    }
    d = strlen(digits);
    /* the name and the digits: on the stack unless long */
    kind = n + d < sizeof(small) ? (xmlChar *)small : xmlMalloc(n + d + 1);
    if (kind == NULL) {
        o->failed = 1;
        return;
    }
    memcpy(kind, r->name, n);
    memcpy(kind + n, digits, d + 1);
    set_attr(o, row, "kind", kind);
    if (kind != (xmlChar *)small) {
        xmlFree(kind);
    }
    for (p = r->parent; p != NULL; p = p->parent) {
        depth += p->type == XML_ELEMENT_NODE;
    }
    set_attr(o, row, "depth", (const xmlChar *)decimal(num, depth));
}

/* grid.xsl, mode "row" of bx:threePublic/bx:row: T8's unkeyed row. */
static void three_public_row(struct grid_out *o, xmlNodePtr parent,
                             xmlNodePtr r)
{
    xmlNodePtr row = meta_el(o, parent, "row");
    xmlNodePtr s;

    set_const(o, row, "kind", "total");
    set_const(o, row, "depth", "0");
    for (s = r->parent->children; row != NULL && s != NULL; s = s->next) {
        if (is_el(s, BX_NS, "dept") || is_el(s, BX_NS, "unit")) {
            cell_sub(o, row, "code", NULL, 0, -1);
            cell_sub(o, row, "label", o->total, 0, -1);
            break;
        }
    }
    if (row != NULL) {
        amounts(o, row, r, NULL);
    }
}

/* grid.xsl's empty template of mode "row": bx:indicator, bx:value. */
static int silent(const xmlNode *n)
{
    return is_el(n, BX_NS, "indicator") || is_el(n, BX_NS, "value");
}

static void row_of(struct grid_out *o, xmlNodePtr parent, xmlNodePtr r,
                   int def);

/* The rows of the element children of 'r' (mode "row"). */
static void rows_below(struct grid_out *o, xmlNodePtr parent, xmlNodePtr r,
                       int def)
{
    xmlNodePtr c;

    for (c = r->children; !o->failed && c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            row_of(o, parent, c, def);
        }
    }
}

/*
 * grid.xsl, mode "row" of any other row (template "*"): its grid row,
 * then its rows.  Without 'def' (T14's groups apply their rows without
 * parameters) it has no amount cells.
 */
static void keyed_row(struct grid_out *o, xmlNodePtr parent, xmlNodePtr r,
                      int def)
{
    xmlNodePtr row = meta_el(o, parent, "row");

    if (row == NULL) {
        return;
    }
    row_attrs(o, row, r);
    key_cells(o, row, r);
    if (def) {
        amounts(o, row, r, NULL);
    }
    rows_below(o, parent, r, def);
}

/* The number of bx:indicator of 'p' with @category 'cat'; the 'i'th. */
static int indicators(xmlNodePtr p, const char *cat, int i, xmlNodePtr *nth)
{
    xmlNodePtr c;
    xmlAttrPtr a;
    int n = 0;

    *nth = NULL;
    for (c = p->children; c != NULL; c = c->next) {
        a = is_el(c, BX_NS, "indicator") ? no_ns_attr(c, "category") : NULL;
        if (a != NULL && attr_is(a, cat)) {
            if (n++ == i) {
                *nth = c;
            }
        }
    }
    return n;
}

/* grid.xsl "indicator-pair": name and value of indicator 'ind'. */
static void indicator_pair(struct grid_out *o, xmlNodePtr row, xmlNodePtr ind)
{
    xmlNodePtr v = NULL;
    xmlChar *copy = NULL;
    const xmlChar *text = NULL;

    cell_attr(o, row, "text", ind, ind != NULL ? "name" : NULL, 0, -1);
    for (v = ind != NULL ? ind->children : NULL; v != NULL; v = v->next) {
        if (is_el(v, BX_NS, "value")) {
            text = xslt_grid_text(v, &copy);
            o->failed |= text == NULL;
            break;
        }
    }
    cell_sub(o, row, "val", text, 0, -1);
    xmlFree(copy);
}

static const char *const categories[] = {"cost", "output", "effect",
                                         "satisfaction"};

/*
 * grid.xsl, mode "row" of bx:projectPerformance//bx:project (T12): as
 * many lines as its longest indicator category (at least one, at most
 * 256: the XSLT counts with $seq), code, name and amounts spanning them.
 */
static void project_rows(struct grid_out *o, xmlNodePtr parent, xmlNodePtr p)
{
    xmlNodePtr row;
    xmlNodePtr ind;
    char lines[16];
    int n = 1;
    int i;
    size_t k;

    for (k = 0; k < 4; k++) {
        i = indicators(p, categories[k], -1, &ind);
        n = i > n ? i : n;
    }
    snprintf(lines, sizeof(lines), "%d", n);
    for (i = 0; i < n && i < 256 && !o->failed; i++) {
        row = meta_el(o, parent, "row");
        set_attr(o, row, "kind", p->name);
        set_const(o, row, "depth", "0");
        if (row == NULL) {
            return;
        }
        if (i > 0) {
            set_const(o, row, "cont", "1");
            skip(o, row, 6);
        } else {
            set_attr(o, cell_attr(o, row, "code", p, "code", 0, -1), "rs",
                     (const xmlChar *)lines);
            set_attr(o, cell_attr(o, row, "text", p, "name", 0, -1), "rs",
                     (const xmlChar *)lines);
            amounts(o, row, p, (const xmlChar *)lines);
        }
        for (k = 0; k < 4; k++) {
            indicators(p, categories[k], i, &ind);
            indicator_pair(o, row, ind);
        }
    }
}

/* grid.xsl, mode "row" of T12's dept and unit rows. */
static void performance_group(struct grid_out *o, xmlNodePtr parent,
                              xmlNodePtr r, int def)
{
    xmlNodePtr row = meta_el(o, parent, "row");

    if (row == NULL) {
        return;
    }
    row_attrs(o, row, r);
    cell_attr(o, row, "code", r, "code", 0, -1);
    cell_attr(o, row, "text", r, "name", 0, -1);
    if (def) {
        amounts(o, row, r, NULL);
    }
    blank(o, row, 8);
    rows_below(o, parent, r, def);
}

/* A T14 row of 'kind' at depth 0 (NULL on ENOMEM). */
static xmlNodePtr flat_row(struct grid_out *o, xmlNodePtr parent,
                           const xmlChar *kind)
{
    xmlNodePtr row = meta_el(o, parent, "row");

    set_attr(o, row, "kind", kind);
    set_const(o, row, "depth", "0");
    return row;
}

/* grid.xsl, mode "row" of T14's rows (procurement). */
static void procurement_row(struct grid_out *o, xmlNodePtr parent, xmlNodePtr r)
{
    xmlNodePtr row = flat_row(o, parent, r->name);

    if (row == NULL) {
        return;
    }
    if (named(r, "total")) {
        blank(o, row, 3);
        cell_attr(o, row, "label", r, "name", 0, -1);
        blank(o, row, 5);
    } else if (named(r, "item")) {
        func_code_of(o, row, r, "func");
        cell_attr(o, row, "text", r, "unitName", 0, -1);
        cell_attr(o, row, "text", r, "name", 0, -1);
        cell_attr(o, row, "text", r, "catalogue", 0, -1);
        cell_attr(o, row, "text", r, "spec", 0, -1);
        cell_attr(o, row, "text", r, "measure", 0, -1);
        cell_attr(o, row, "num", r, "quantity", 0, -1);
    } else {
        span(o, row, 3, r, "code", "code");
        cell_attr(o, row, "text", r, "name", 0, -1);
        blank(o, row, 5);
    }
    cell_attr(o, row, "amt", r, "amount", 0, -1);
    if (!named(r, "total") && !named(r, "item")) {
        /* the groups apply their rows without parameters */
        rows_below(o, parent, r, 0);
    }
}

/*
 * The template of mode "row" that grid.xsl applies to element 'r' of
 * the table, and what it writes ('def': whether $def was passed on).
 */
static void row_of(struct grid_out *o, xmlNodePtr parent, xmlNodePtr r, int def)
{
    int t = o->kind;

    if (silent(r)) {
        return;
    }
    if (t == GT_THREE_PUBLIC && r->parent == o->tnode &&
        is_el(r, BX_NS, "row")) {
        three_public_row(o, parent, r);
    } else if (t == GT_PERFORMANCE && is_el(r, BX_NS, "project")) {
        project_rows(o, parent, r);
    } else if (t == GT_PERFORMANCE &&
               (is_el(r, BX_NS, "dept") || is_el(r, BX_NS, "unit"))) {
        performance_group(o, parent, r, def);
    } else if (t == GT_PROCUREMENT &&
               (is_el(r, BX_NS, "item") || is_el(r, BX_NS, "unit") ||
                (r->parent == o->tnode &&
                 (is_el(r, BX_NS, "total") || is_el(r, BX_NS, "dept"))))) {
        procurement_row(o, parent, r);
    } else {
        keyed_row(o, parent, r, def);
    }
}

/* The enum grid_table of the table named 'name'. */
static int table_kind(const xmlChar *name)
{
    static const struct {
        const char *name;
        int kind;
    } map[] = {{"expenditureSummary", GT_FUNC},
               {"gpbExpenditure", GT_FUNC},
               {"govFundExpenditure", GT_FUNC},
               {"stateCapitalExpenditure", GT_STATE_CAP},
               {"gpbBasic", GT_GPB_BASIC},
               {"economicSummary", GT_ECONOMIC},
               {"projectExpenditure", GT_PROJECT},
               {"threePublic", GT_THREE_PUBLIC},
               {"projectPerformance", GT_PERFORMANCE},
               {"procurement", GT_PROCUREMENT}};
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp((const char *)name, map[i].name) == 0) {
            return map[i].kind;
        }
    }
    return GT_OTHER;
}

/* Does 't' hold a bx:project with an attribute code below it? */
static int has_project_code(xmlNodePtr t)
{
    xmlNodePtr n = t->children;

    while (n != NULL) {
        if (is_el(n, BX_NS, "project") && no_ns_attr(n, "code") != NULL) {
            return 1;
        }
        if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
            n = n->children;
            continue;
        }
        while (n != t && n->next == NULL) {
            n = n->parent;
        }
        n = n == t ? NULL : n->next;
    }
    return 0;
}

/* The nodes of the node-set variable 'name' in scope, or NULL. */
static xmlNodeSetPtr var_nodes(xsltTransformContextPtr ctxt, const char *name,
                               xmlXPathObjectPtr *keep)
{
    xmlXPathObjectPtr v = xsltVariableLookup(ctxt, (const xmlChar *)name, NULL);

    *keep = v;
    if (v == NULL || (v->type != XPATH_NODESET && v->type != XPATH_XSLT_TREE)) {
        return NULL;
    }
    return v->nodesetval;
}

/* XPath number() of attribute 'name' of 'n' (NaN: none). */
static double attr_number(const xmlNode *n, const char *name, int *failed)
{
    xmlChar *copy;
    const xmlChar *v = attr_text(no_ns_attr(n, name), &copy);
    double d;

    if (v == NULL) {
        *failed = 1;
        return xmlXPathNAN;
    }
    d = no_ns_attr(n, name) != NULL ? xmlXPathStringEvalNumber(v) : xmlXPathNAN;
    xmlFree(copy);
    return d;
}

/* grid.xsl "skip" with a computed number: positions while 'n' > 0. */
static void skip_number(struct grid_out *o, xmlNodePtr row, double n)
{
    for (; n > 0 && !o->failed; n -= 1) {
        meta_el(o, row, "s");
    }
}

/* sum(@c) of 'c' (an m:c): 0 when 'c' is NULL or has no @c. */
static double col_sum(struct grid_out *o, const xmlNode *c)
{
    return c != NULL && no_ns_attr(c, "c") != NULL
               ? attr_number(c, "c", &o->failed)
               : 0;
}

/* One header cell of grid.xsl's "grid" from m:c 'd' of the table's m:h. */
static void head_cell(struct grid_out *o, xmlNodePtr row, xmlNodePtr d,
                      const xmlChar *unit)
{
    xmlNodePtr c = meta_el(o, row, "c");
    xmlAttrPtr a;
    xmlChar *copy;
    xmlChar *text;
    const xmlChar *zh;

    set_const(o, c, "t", "th");
    for (a = d->properties; c != NULL && a != NULL; a = a->next) {
        if (a->ns == NULL && (strcmp((const char *)a->name, "rs") == 0 ||
                              strcmp((const char *)a->name, "cs") == 0 ||
                              strcmp((const char *)a->name, "en") == 0)) {
            zh = attr_text(a, &copy);
            if (zh == NULL) {
                o->failed = 1;
                return;
            }
            set_attr(o, c, (const char *)a->name, zh);
            xmlFree(copy);
        }
    }
    zh = attr_text(no_ns_attr(d, "zh"), &copy);
    text = zh != NULL ? xmlStrdup(zh) : NULL;
    xmlFree(copy);
    if (text != NULL && no_ns_attr(d, "unit") != NULL) {
        text =
            xmlStrcat(xmlStrcat(xmlStrcat(text, (const xmlChar *)"（"), unit),
                      (const xmlChar *)"）");
    }
    if (text == NULL) {
        o->failed = 1;
        return;
    }
    set_text(o, c, text, -1);
    xmlFree(text);
}

/*
 * The header rows of grid.xsl's "grid" from m:r 'r' of the table's m:h:
 * each m:c a cell, a covered position m:s before each (from the
 * preceding cell's column) and after the last (up to 'cols').
 */
static void head_row(struct grid_out *o, xmlNodePtr parent, xmlNodePtr r,
                     double cols, const xmlChar *unit)
{
    xmlNodePtr row = meta_el(o, parent, "row");
    xmlNodePtr d;
    xmlNodePtr prev = NULL;

    for (d = r->children; row != NULL && d != NULL; d = d->next) {
        if (!is_el(d, META_NS, "c")) {
            continue;
        }
        skip_number(o, row,
                    attr_number(d, "c", &o->failed) - 1 - col_sum(o, prev));
        head_cell(o, row, d, unit);
        prev = d;
    }
    if (row != NULL) {
        skip_number(o, row, cols - col_sum(o, prev));
    }
}

xmlChar *xslt_grid_var_string(xsltTransformContextPtr ctxt, const char *name)
{
    xmlXPathObjectPtr v = xsltVariableLookup(ctxt, (const xmlChar *)name, NULL);
    xmlChar *s =
        v != NULL ? xmlXPathCastToString(v) : xmlStrdup((const xmlChar *)"");

    xmlXPathFreeObject(v);
    return s;
}

/* Stop the transformation: out of memory in an extension element. */
static void stop_nomem(xsltTransformContextPtr ctxt, xmlNodePtr inst)
{
    xsltTransformError(ctxt, NULL, inst, "budgetx extension: out of memory\n");
    ctxt->state = XSLT_STATE_STOPPED;
}

/*
 * Start writing rows into the result at the current insertion point of
 * 'ctxt', with $def of the scope ('*def' keeps it; the caller frees).
 */
static void begin(struct grid_out *o, xsltTransformContextPtr ctxt,
                  xmlXPathObjectPtr *def)
{
    memset(o, 0, sizeof(*o));
    o->doc = ctxt->output;
    o->def = var_nodes(ctxt, "def", def);
    o->failed = ctxt->insert == NULL;
}

void xslt_grid_head_rows(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct grid_out o;
    xmlXPathObjectPtr def = NULL;
    xmlChar *unit = xslt_grid_var_string(ctxt, "t-unit");
    xmlNodePtr r;
    double cols;
    int direct = 0;
    int i;

    (void)node;
    (void)comp;
    begin(&o, ctxt, &def);
    o.failed |= unit == NULL;
    /* number($def/@cols): the first in document order */
    cols = xmlXPathNAN;
    for (i = 0; o.def != NULL && i < o.def->nodeNr; i++) {
        if (no_ns_attr(o.def->nodeTab[i], "cols") != NULL) {
            cols = attr_number(o.def->nodeTab[i], "cols", &o.failed);
            break;
        }
    }
    if (!o.failed && var_true(ctxt, "x-html-direct")) {
        direct = html_head_rows(&o, ctxt, cols, unit);
    } else if (!o.failed && var_true(ctxt, "x-csv-direct")) {
        direct = csv_head_rows(&o, ctxt, cols, unit);
    }
    for (i = 0; !o.failed && !direct && o.def != NULL && i < o.def->nodeNr;
         i++) {
        for (r = o.def->nodeTab[i]->children; !o.failed && r != NULL;
             r = r->next) {
            if (is_el(r, META_NS, "r")) {
                head_row(&o, ctxt->insert, r, cols, unit);
            }
        }
    }
    xmlFree(unit);
    xmlXPathFreeObject(def);
    if (o.failed) {
        stop_nomem(ctxt, inst);
    }
}

/* $M/m:l[@k = 'row.' + local name of 'r']/@en ("" when none). */
static const xmlChar *label_en(xmlNodePtr labels, const xmlNode *r)
{
    xmlNodePtr l;
    xmlAttrPtr k;
    xmlAttrPtr en;

    for (l = labels != NULL ? labels->children : NULL; l != NULL; l = l->next) {
        k = is_el(l, META_NS, "l") ? no_ns_attr(l, "k") : NULL;
        if (k != NULL && k->children != NULL &&
            k->children->type == XML_TEXT_NODE && k->children->next == NULL &&
            strncmp((const char *)k->children->content, "row.", 4) == 0 &&
            strcmp((const char *)k->children->content + 4,
                   (const char *)r->name) == 0) {
            en = no_ns_attr(l, "en");
            return en != NULL && en->children != NULL &&
                           en->children->type == XML_TEXT_NODE &&
                           en->children->next == NULL
                       ? en->children->content
                       : (const xmlChar *)"";
        }
    }
    return (const xmlChar *)"";
}

/* grid.xsl "fixed-label": the label cell of T1/T4 row 'r'. */
static void fixed_label(struct grid_out *o, xmlNodePtr row, xmlNodePtr r,
                        xmlNodePtr labels, int en)
{
    xmlNodePtr c = meta_el(o, row, "c");
    xmlChar *copy;
    const xmlChar *v;

    set_const(o, c, "t", "item");
    if (en) {
        set_attr(o, c, "en", label_en(labels, r));
    }
    v = attr_text(no_ns_attr(r, "label"), &copy);
    if (v == NULL) {
        o->failed = 1;
        return;
    }
    if (copy == NULL) {
        set_text_in_place(o, c, v);
    } else {
        set_text(o, c, v, -1);
        xmlFree(copy);
    }
}

/* The 'i'th node of 's' (from 0), or NULL. */
static xmlNodePtr nth(const xmlNodeSet *s, int i)
{
    return s != NULL && i < s->nodeNr ? s->nodeTab[i] : NULL;
}

/* The number of m:a of the table's m:h (count($def/m:a)). */
static int count_amounts(const struct grid_out *o)
{
    xmlNodePtr a;
    int n = 0;
    int i;

    for (i = 0; o->def != NULL && i < o->def->nodeNr; i++) {
        for (a = o->def->nodeTab[i]->children; a != NULL; a = a->next) {
            n += is_el(a, META_NS, "a");
        }
    }
    return n;
}

/* One row of grid.xsl "pair-rows": left row 'l' beside right row 'r'. */
static void pair_row(struct grid_out *o, xmlNodePtr parent, xmlNodePtr l,
                     xmlNodePtr r, const xmlChar *kind, xmlNodePtr labels,
                     int en)
{
    xmlNodePtr row = meta_el(o, parent, "row");
    int na = count_amounts(o);

    set_attr(o, row, "kind", kind);
    set_const(o, row, "depth", "0");
    if (row == NULL) {
        return;
    }
    if (l != NULL) {
        fixed_label(o, row, l, labels, en);
        cell_attr(o, row, "amt", l, "amount", 0, -1);
    } else {
        blank(o, row, 2);
    }
    if (r != NULL) {
        fixed_label(o, row, r, labels, en);
        if (na > 0) {
            amounts(o, row, r, NULL);
        } else {
            cell_attr(o, row, "amt", r, "amount", 0, -1);
        }
    } else {
        blank(o, row, 1 + (na > 0 ? na : 1));
    }
}

void xslt_grid_pair_rows(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct grid_out o;
    xmlXPathObjectPtr def = NULL;
    xmlXPathObjectPtr left = NULL;
    xmlXPathObjectPtr right = NULL;
    xmlXPathObjectPtr meta = NULL;
    xmlNodeSetPtr ls = var_nodes(ctxt, "left", &left);
    xmlNodeSetPtr rs = var_nodes(ctxt, "right", &right);
    xmlNodeSetPtr ms = var_nodes(ctxt, "M", &meta);
    xmlChar *kind = xslt_grid_var_string(ctxt, "kind");
    xmlChar *lang = xslt_grid_var_string(ctxt, "lang");
    int n;
    int i;

    (void)node;
    (void)comp;
    begin(&o, ctxt, &def);
    o.failed |= kind == NULL || lang == NULL;
    n = ls != NULL ? ls->nodeNr : 0;
    if (rs != NULL && rs->nodeNr > n) {
        n = rs->nodeNr;
    }
    /* the XSLT counts with $seq: 256 rows at the most */
    for (i = 0; !o.failed && i < n && i < 256; i++) {
        pair_row(&o, ctxt->insert, nth(ls, i), nth(rs, i), kind, nth(ms, 0),
                 xmlStrEqual(lang, (const xmlChar *)"en"));
    }
    xmlFree(kind);
    xmlFree(lang);
    xmlXPathFreeObject(def);
    xmlXPathFreeObject(left);
    xmlXPathFreeObject(right);
    xmlXPathFreeObject(meta);
    if (o.failed) {
        stop_nomem(ctxt, inst);
    }
}

/* Is the variable 'name' in scope of 'ctxt' true (boolean())? */
static int var_true(xsltTransformContextPtr ctxt, const char *name)
{
    xmlXPathObjectPtr v = xsltVariableLookup(ctxt, (const xmlChar *)name, NULL);
    int on = v != NULL && xmlXPathCastToBoolean(v);

    xmlXPathFreeObject(v);
    return on;
}

/*
 * The grid rows of $x-html-direct live only until they are written as
 * HTML (html_take_rows()): their nodes, attributes and texts are carved
 * from blocks that are reused for the next rows, not allocated and
 * freed one by one (six allocations a cell).  They are read as any grid
 * row (xslt_ext_html_row()) and never given to libxml2 to free.
 */
#define ROW_BLOCK 16384

struct row_block {
    struct row_block *next;
    size_t cap; /* bytes of 'data' */
    size_t used;
    max_align_t data[];
};

struct row_arena {
    struct row_block *head;
    struct row_block *cur;
};

/* Forget every node carved from 'a' (the blocks stay for the next). */
static void row_arena_reset(struct row_arena *a)
{
    a->cur = a->head;
    if (a->cur != NULL) {
        a->cur->used = 0;
    }
}

static void row_arena_release(struct row_arena *a)
{
    struct row_block *b = a->head;
    struct row_block *next;

    for (; b != NULL; b = next) {
        next = b->next;
        xmlFree(b);
    }
    a->head = NULL;
    a->cur = NULL;
}

/*
 * Make the block after a->cur (the next one kept, or a new one) the
 * current one until one has room for 'n' bytes.  0, or -1 on ENOMEM.
 */
static int row_arena_grow(struct row_arena *a, size_t n)
{
    struct row_block *b;
    size_t cap;

    while (a->cur == NULL || a->cur->cap - a->cur->used < n) {
        if (a->cur != NULL && a->cur->next != NULL) {
            a->cur = a->cur->next;
            a->cur->used = 0;
            continue;
        }
        cap = n > ROW_BLOCK ? n : ROW_BLOCK;
        if (cap > SIZE_MAX - sizeof(*b)) {
            return -1;
        }
        b = xmlMalloc(sizeof(*b) + cap);
        if (b == NULL) {
            return -1;
        }
        b->next = NULL;
        b->cap = cap;
        b->used = 0;
        if (a->cur != NULL) {
            a->cur->next = b;
        } else {
            a->head = b;
        }
        a->cur = b;
    }
    return 0;
}

/*
 * 'n' bytes of 'a', not zeroed: a text is written whole, a node is
 * zeroed by row_node() (NULL on ENOMEM).
 */
static void *row_arena_alloc(struct row_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    char *p;

    if (n > SIZE_MAX - align) {
        return NULL;
    }
    n = (n + align - 1) / align * align;
    if ((a->cur == NULL || a->cur->cap - a->cur->used < n) &&
        row_arena_grow(a, n) != 0) {
        return NULL;
    }
    p = (char *)a->cur->data + a->cur->used;
    a->cur->used += n;
    return p;
}

/* The rows of the HTML text of a table (see html_rows()). */
struct html_text {
    struct row_arena arena; /* the nodes of the rows in 'scratch' */
    xmlNodePtr scratch;     /* the grid rows not yet written (m:body) */
    int en;                 /* $lang = 'en' */
    int head;               /* header rows (th cells, no scope) */
    struct bx_buf b;        /* rows not yet moved to 'data' */
    xmlChar *data;          /* the text so far (xmlMalloc), 'len' bytes */
    size_t len;
    int nrows;
    const xmlChar *eol;     /* $x-csv-direct: CSV lines, each ended so */
    int spilled;            /* the text so far is in the spill file */
    unsigned long long off; /* where it starts there */
};

/* 'n' bytes for the rows of o->html (NULL, o->failed: ENOMEM). */
static void *row_alloc(struct grid_out *o, size_t n)
{
    void *p = row_arena_alloc(&o->html->arena, n);

    if (p == NULL) {
        o->failed = 1;
    }
    return p;
}

/*
 * Move the bytes of t->b to the end of t->data.  A large block grows in
 * place (glibc: mremap), so the text is never copied whole.
 */
static void html_flush(struct grid_out *o, struct html_text *t)
{
    xmlChar *d;

    if (o->failed || t->b.failed) {
        o->failed = 1;
        return;
    }
    if (t->b.len == 0) {
        return;
    }
    d = xmlRealloc(t->data, t->len + t->b.len + 1);
    if (d == NULL) {
        o->failed = 1;
        return;
    }
    memcpy(d + t->len, t->b.data, t->b.len);
    t->len += t->b.len;
    d[t->len] = '\0';
    t->data = d;
    t->b.len = 0;
}

/* ------------------------------------------------------------------ */
/* Rows in a file (struct xslt_spill, xslt_grid.h)                      */
/* ------------------------------------------------------------------ */

/* A table's rows go to the spill once they pass this (small pages stay
 * in memory: no file for a document of ordinary size). */
#define SPILL_AT ((size_t)256 << 10)
#define SPILL_COPY ((size_t)64 << 10)

static _Thread_local struct xslt_spill *spill_to;
static _Thread_local unsigned long spill_marks; /* xslt_grid_spilled() */
static size_t spill_at = SPILL_AT;              /* xslt_grid_spill_limits() */
static unsigned long long spill_cap;            /* 0: none */

void xslt_grid_spill_limits(size_t at, unsigned long long cap)
{
    spill_at = at != 0 ? at : SPILL_AT;
    spill_cap = cap;
}

unsigned long xslt_grid_spilled(void)
{
    return spill_marks;
}

void xslt_grid_spill_init(struct xslt_spill *s, const char *near)
{
    memset(s, 0, sizeof(*s));
    s->near = near;
    s->fd = -1;
    s->out_fd = -1;
}

void xslt_grid_spill_release(struct xslt_spill *s)
{
    if (s->fd >= 0) {
        close(s->fd);
    }
    free(s->segs);
    free(s->copy);
    xslt_grid_spill_init(s, s->near);
}

void xslt_grid_spill_use(struct xslt_spill *s)
{
    spill_to = s;
}

/* The spill file of 's', made on first use: 0, or -1 (s->broken). */
static int spill_open(struct xslt_spill *s)
{
    char *tmp;

    if (s->fd >= 0 || s->broken) {
        return s->broken ? -1 : 0;
    }
    tmp = s->near != NULL ? util_tmp_template(s->near) : NULL;
    s->fd = tmp != NULL ? mkstemp(tmp) : -1;
    if (s->fd >= 0) {
        unlink(tmp); /* nothing to clean up after, whatever happens */
    }
    free(tmp);
    s->broken = s->fd < 0;
    return s->broken ? -1 : 0;
}

/*
 * Give up the spill for the table of 't': its rows written so far are
 * read back into t->data, and it goes on in memory.  0, or -1 (ENOMEM
 * or unreadable: o->failed).
 */
static int spill_back(struct grid_out *o, struct html_text *t)
{
    struct xslt_spill *s = spill_to;
    size_t n = (size_t)(s->size - t->off);
    xmlChar *d = xmlMalloc(n + 1);
    size_t got = 0;
    ssize_t r = 1;

    s->broken = 1;
    t->spilled = 0;
    while (d != NULL && got < n && r > 0) {
        r = pread(s->fd, d + got, n - got, (off_t)(t->off + got));
        got += r > 0 ? (size_t)r : 0;
    }
    if (d == NULL || got < n) {
        xmlFree(d);
        o->failed = 1;
        return -1;
    }
    d[n] = '\0';
    t->data = d;
    t->len = n;
    return 0;
}

/*
 * Move the bytes of t->b to the end of the table's rows in the spill
 * file.  0, or -1: not spilled (no file, or it failed: the rows are in
 * memory again).
 */
static int html_spill(struct grid_out *o, struct html_text *t)
{
    struct xslt_spill *s = spill_to;

    if (o->failed || t->b.failed || s == NULL || t->len > 0 ||
        spill_open(s) != 0) {
        return -1;
    }
    if (!t->spilled) {
        t->spilled = 1;
        t->off = s->size;
    }
    if ((spill_cap != 0 && s->size + t->b.len > spill_cap) ||
        util_write_all(s->fd, t->b.data, t->b.len) != BX_OK) {
        /* what was written before stays readable; the file is not
         * used again, so the part of this write does not matter */
        spill_back(o, t);
        return -1;
    }
    s->size += t->b.len;
    t->b.len = 0;
    return 0;
}

/* The mark of the rows of 't' (s->segs[n]) as its text: 0, or -1. */
static int spill_mark(struct xslt_spill *s, struct html_text *t, xmlChar **text)
{
    char mark[32];
    unsigned long long skip = t->nrows == 1; /* no line break: see below */
    struct xslt_spill_seg *segs = s->segs;

    if (s->nsegs == s->cap) {
        s->cap = s->cap != 0 ? 2 * s->cap : 8;
        segs = realloc(s->segs, s->cap * sizeof(*segs));
        if (segs == NULL) {
            s->cap = s->nsegs;
            return -1;
        }
        s->segs = segs;
    }
    segs[s->nsegs].off = t->off + skip;
    segs[s->nsegs].len = s->size - t->off - skip;
    snprintf(mark, sizeof(mark), "\001%zu\001", s->nsegs);
    *text = xmlStrdup((const xmlChar *)mark);
    if (*text == NULL) {
        return -1;
    }
    s->nsegs++;
    spill_marks++;
    return 0;
}

/* Write 'n' bytes at 'p' to the page: 0, or -1 (s->out_errno). */
static int spill_put(struct xslt_spill *s, const char *p, size_t n)
{
    if (n > 0 && util_write_all(s->out_fd, p, n) != BX_OK) {
        s->out_errno = errno != 0 ? errno : EIO;
        return -1;
    }
    return 0;
}

/* The rows of the mark in s->mark written to the page: 0, or -1. */
static int spill_copy(struct xslt_spill *s)
{
    unsigned long long off;
    unsigned long long end;
    size_t i = 0;
    size_t n = 0;
    ssize_t r;

    while (i < s->nmark && s->mark[i] >= '0' && s->mark[i] <= '9' &&
           n <= s->nsegs) {
        n = n * 10 + (size_t)(s->mark[i++] - '0');
    }
    if (s->nmark == 0 || i < s->nmark || n >= s->nsegs) {
        s->out_errno = EINVAL; /* never written by us */
        return -1;
    }
    if (s->copy == NULL) {
        s->copy = malloc(SPILL_COPY);
    }
    if (s->copy == NULL) {
        s->out_errno = ENOMEM;
        return -1;
    }
    off = s->segs[n].off;
    end = off + s->segs[n].len;
    while (off < end) {
        r = pread(s->fd, s->copy,
                  end - off < SPILL_COPY ? (size_t)(end - off) : SPILL_COPY,
                  (off_t)off);
        if (r <= 0) {
            s->out_errno = r < 0 && errno != 0 ? errno : EIO;
            return -1;
        }
        if (spill_put(s, s->copy, (size_t)r) != 0) {
            return -1;
        }
        off += (unsigned long long)r;
    }
    return 0;
}

int xslt_grid_spill_output(void *ctx, const char *data, int len)
{
    struct xslt_spill *s = ctx;
    size_t n = len > 0 ? (size_t)len : 0;
    size_t from = 0;
    size_t i = 0;
    const char *p;

    while (i < n) {
        if (!s->in_mark) {
            p = memchr(data + i, 1, n - i);
            if (p == NULL) {
                break;
            }
            i = (size_t)(p - data);
            if (spill_put(s, data + from, i - from) != 0) {
                return -1;
            }
            s->in_mark = 1;
            s->nmark = 0;
            i++;
        } else if (data[i] == 1) {
            if (spill_copy(s) != 0) {
                return -1;
            }
            s->in_mark = 0;
            from = ++i;
        } else if (s->nmark < sizeof(s->mark)) {
            s->mark[s->nmark++] = data[i++];
        } else {
            s->out_errno = EINVAL;
            return -1;
        }
    }
    if (!s->in_mark && spill_put(s, data + from, n - from) != 0) {
        return -1;
    }
    return len;
}

/* Grid row 'r' as a CSV line of 't' ($x-csv-direct), ended by t->eol. */
static void csv_line(struct html_text *t, xmlNodePtr r)
{
    xslt_ext_csv_row(&t->b, r, t->en);
    buf_puts(&t->b, (const char *)t->eol);
    t->nrows++;
}

/*
 * Write the grid rows under o->html->scratch as HTML and free them
 * (rows are complete when the next one begins: none is changed after).
 */
static void html_take_rows(struct grid_out *o)
{
    struct html_text *t = o->html;
    xmlNodePtr r;

    for (r = t->scratch->children; r != NULL; r = r->next) {
        if (t->eol != NULL && is_el(r, META_NS, "row")) {
            csv_line(t, r);
        } else if (is_el(r, META_NS, "row")) {
            buf_append(&t->b, "\n", 1);
            xslt_ext_html_row(&t->b, r, t->head, t->en);
            t->nrows++;
        }
    }
    t->scratch->children = NULL;
    t->scratch->last = NULL;
    row_arena_reset(&t->arena);
    if (t->eol == NULL && t->b.len >= spill_at && html_spill(o, t) == 0) {
        return;
    }
    if (t->b.len >= (size_t)1 << 20) {
        html_flush(o, t);
    }
}

/*
 * The text node of x:html-rows part="body" for 't' (none without rows),
 * with its line breaks: between and around two rows or more, none
 * around one.
 */
static void html_text_node(struct grid_out *o, xmlNodePtr parent,
                           struct html_text *t)
{
    xmlNodePtr n;

    if (t->nrows > 1) {
        buf_append(&t->b, "\n", 1);
    }
    if (t->spilled && html_spill(o, t) == 0 &&
        spill_mark(spill_to, t, &t->data) != 0) {
        o->failed = 1;
    }
    if (!t->spilled) {
        html_flush(o, t);
    }
    if (o->failed || t->nrows == 0) {
        return;
    }
    if (t->nrows == 1 && !t->spilled) {
        memmove(t->data, t->data + 1, t->len);
        t->len--;
    }
    n = xmlNewDocText(o->doc, NULL);
    if (n == NULL) {
        o->failed = 1;
        return;
    }
    n->content = t->data;
    n->name = xmlStringTextNoenc;
    t->data = NULL;
    if (xmlAddChild(parent, n) == NULL) {
        xmlFreeNode(n);
        o->failed = 1;
    }
}

/* Start rows of $x-html-direct ('head': header rows) into 't'. */
static void html_begin(struct grid_out *o, xsltTransformContextPtr ctxt,
                       struct html_text *t, int head)
{
    xmlChar *lang = xslt_grid_var_string(ctxt, "lang");

    memset(t, 0, sizeof(*t));
    t->scratch = xmlNewDocNode(o->doc, NULL, (const xmlChar *)"body", NULL);
    t->en = xmlStrEqual(lang, (const xmlChar *)"en");
    t->head = head;
    buf_init(&t->b);
    o->ns = t->scratch != NULL ? xmlNewNs(t->scratch, (const xmlChar *)META_NS,
                                          (const xmlChar *)"m")
                               : NULL;
    o->failed |= o->ns == NULL || lang == NULL;
    o->html = o->failed ? NULL : t;
    xmlFree(lang);
}

/* Write the rows of 't' as one text node at the insertion point; free. */
static void html_end(struct grid_out *o, xsltTransformContextPtr ctxt,
                     struct html_text *t)
{
    if (!o->failed) {
        html_take_rows(o);
        html_text_node(o, ctxt->insert, t);
    }
    o->html = NULL;
    o->ns = NULL;
    xmlFree(t->data);
    buf_release(&t->b);
    if (t->scratch != NULL) {
        /* rows left by a failure are in the arena, not libxml2's */
        t->scratch->children = NULL;
        t->scratch->last = NULL;
    }
    xmlFreeNode(t->scratch);
    row_arena_release(&t->arena);
}

/*
 * x:head-rows with html.xsl's $x-html-direct: the header rows as the
 * HTML text of x:html-rows part="head", made in the arena of the body
 * rows and written at once (the grid keeps no header rows).  1 when
 * written, 0 on ENOMEM (o->failed).
 */
static int html_head_rows(struct grid_out *o, xsltTransformContextPtr ctxt,
                          double cols, const xmlChar *unit)
{
    struct html_text t;
    xmlNodePtr r;
    int i;

    html_begin(o, ctxt, &t, 1);
    for (i = 0; !o->failed && o->def != NULL && i < o->def->nodeNr; i++) {
        for (r = o->def->nodeTab[i]->children; !o->failed && r != NULL;
             r = r->next) {
            if (is_el(r, META_NS, "r")) {
                head_row(o, t.scratch, r, cols, unit);
            }
        }
    }
    html_end(o, ctxt, &t);
    return !o->failed;
}

/*
 * x:keyed-rows with html.xsl's $x-html-direct: the rows of table 'node'
 * as the HTML text of x:html-rows, one row (with the rows below it) of
 * the grid at a time.
 */
static void html_rows(struct grid_out *o, xsltTransformContextPtr ctxt,
                      xmlNodePtr node)
{
    struct html_text t;
    xmlNodePtr c;

    html_begin(o, ctxt, &t, 0);
    for (c = o->failed ? NULL : node->children; !o->failed && c != NULL;
         c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !is_el(c, BX_NS, "note") &&
            !is_el(c, BX_NS, "emptyNote")) {
            row_of(o, t.scratch, c, 1);
        }
    }
    html_end(o, ctxt, &t);
}

void xslt_grid_keyed_rows(xsltTransformContextPtr ctxt, xmlNodePtr node,
                          xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct grid_out o;
    xmlXPathObjectPtr def = NULL;
    xmlChar *label = NULL;
    xmlNodePtr c;
    int direct;

    (void)comp;
    begin(&o, ctxt, &def);
    label = xslt_grid_var_string(ctxt, "total-label");
    o.total = label;
    o.failed |= label == NULL || node == NULL || node->type != XML_ELEMENT_NODE;
    if (!o.failed) {
        o.table = node->name;
        o.kind = table_kind(node->name);
        o.tnode = node;
        o.codes = has_project_code(node);
    }
    direct = !o.failed && var_true(ctxt, "x-html-direct");
    if (direct) {
        html_rows(&o, ctxt, node);
    } else if (!o.failed && var_true(ctxt, "x-csv-direct")) {
        direct = 1;
        csv_rows(&o, ctxt, node);
    }
    for (c = o.failed || direct ? NULL : node->children; !o.failed && c != NULL;
         c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !is_el(c, BX_NS, "note") &&
            !is_el(c, BX_NS, "emptyNote")) {
            row_of(&o, ctxt->insert, c, 1);
        }
    }
    xmlFree(label);
    xmlXPathFreeObject(def);
    if (o.failed) {
        stop_nomem(ctxt, inst);
    }
}

/* ------------------------------------------------------------------ */
/* Rows as CSV lines (csv.xsl's $x-csv-direct)                          */
/* ------------------------------------------------------------------ */

/*
 * With csv.xsl's $x-csv-direct, x:head-rows and x:keyed-rows write the
 * rows as the CSV lines that x:csv-rows would make of them (x:csv-row's
 * code, each line ended by $eol), carved from the arena of the HTML
 * rows: one element <m:csv rows="N">lines</m:csv> in m:head or m:body
 * (none without rows), which csv.xsl copies and counts.  The XSLT
 * (xsltproc) ignores $x-csv-direct: its grid has the rows.
 */
static void csv_begin(struct grid_out *o, xsltTransformContextPtr ctxt,
                      struct html_text *t, xmlChar **eol)
{
    *eol = xslt_grid_var_string(ctxt, "eol");
    html_begin(o, ctxt, t, 0);
    t->eol = *eol;
    o->failed |= *eol == NULL;
}

/* <m:csv rows="n">'text' (owned from here on)</m:csv> under 'parent'. */
static void csv_node(struct grid_out *o, xmlNodePtr parent, xmlChar *text,
                     int n)
{
    xmlNodePtr e = xmlNewDocNode(o->doc, NULL, (const xmlChar *)"csv", NULL);
    xmlNodePtr t = xmlNewDocText(o->doc, NULL);
    xmlNsPtr ns = NULL;
    char rows[16];

    if (e != NULL && parent->type == XML_ELEMENT_NODE) {
        ns = xmlSearchNsByHref(o->doc, parent, (const xmlChar *)META_NS);
    }
    if (e != NULL && ns == NULL) {
        ns = xmlNewNs(e, (const xmlChar *)META_NS, (const xmlChar *)"m");
    }
    snprintf(rows, sizeof(rows), "%d", n);
    if (e == NULL || t == NULL || ns == NULL ||
        xmlNewProp(e, (const xmlChar *)"rows", (const xmlChar *)rows) == NULL) {
        xmlFree(text);
        xmlFreeNode(t);
        xmlFreeNode(e);
        o->failed = 1;
        return;
    }
    xmlSetNs(e, ns);
    t->content = text;
    xmlAddChild(e, t);
    if (xmlAddChild(parent, e) == NULL) {
        xmlFreeNode(e);
        o->failed = 1;
    }
}

/* The lines of 't' as m:csv at the insertion point; free (html_end()). */
static void csv_end(struct grid_out *o, xsltTransformContextPtr ctxt,
                    struct html_text *t, xmlChar *eol)
{
    xmlChar *text;
    int n;

    if (!o->failed) {
        html_take_rows(o);
        html_flush(o, t);
    }
    text = t->data;
    n = t->nrows;
    t->data = NULL;
    t->nrows = 0; /* html_end() writes nothing more */
    html_end(o, ctxt, t);
    if (!o->failed && n > 0 && text != NULL) {
        csv_node(o, ctxt->insert, text, n);
    } else {
        xmlFree(text);
    }
    xmlFree(eol);
}

/* x:head-rows with $x-csv-direct (as html_head_rows()): 1, 0 on ENOMEM. */
static int csv_head_rows(struct grid_out *o, xsltTransformContextPtr ctxt,
                         double cols, const xmlChar *unit)
{
    struct html_text t;
    xmlChar *eol;
    xmlNodePtr r;
    int i;

    csv_begin(o, ctxt, &t, &eol);
    for (i = 0; !o->failed && o->def != NULL && i < o->def->nodeNr; i++) {
        for (r = o->def->nodeTab[i]->children; !o->failed && r != NULL;
             r = r->next) {
            if (is_el(r, META_NS, "r")) {
                head_row(o, t.scratch, r, cols, unit);
            }
        }
    }
    csv_end(o, ctxt, &t, eol);
    return !o->failed;
}

/* x:keyed-rows with $x-csv-direct: the rows of table 'node' (html_rows()). */
static void csv_rows(struct grid_out *o, xsltTransformContextPtr ctxt,
                     xmlNodePtr node)
{
    struct html_text t;
    xmlChar *eol;
    xmlNodePtr c;

    csv_begin(o, ctxt, &t, &eol);
    for (c = o->failed ? NULL : node->children; !o->failed && c != NULL;
         c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !is_el(c, BX_NS, "note") &&
            !is_el(c, BX_NS, "emptyNote")) {
            row_of(o, t.scratch, c, 1);
        }
    }
    csv_end(o, ctxt, &t, eol);
}

/* ------------------------------------------------------------------ */
/* T11's form (grid.xsl bx:deptPerformance mode "body")                */
/* ------------------------------------------------------------------ */

/* <m:c t="'t'" [rs] [cs] [en]>'s'</m:c>: 'rs', 'cs' 0 and 'en' NULL
 * print none; 's' NULL or "" no text; 'cs' covered positions after. */
static xmlNodePtr form_cell(struct grid_out *o, xmlNodePtr row, const char *t,
                            long rs, long cs, const char *en, const xmlChar *s)
{
    xmlNodePtr c = cell_sub(o, row, t, s, 0, -1);
    char n[24];

    if (rs > 0) {
        snprintf(n, sizeof(n), "%ld", rs);
        set_attr(o, c, "rs", (const xmlChar *)n);
    }
    if (cs > 0) {
        snprintf(n, sizeof(n), "%ld", cs);
        set_attr(o, c, "cs", (const xmlChar *)n);
    }
    if (en != NULL) {
        set_attr(o, c, "en", (const xmlChar *)en);
    }
    skip(o, row, cs > 1 ? (int)cs - 1 : 0);
    return c;
}

/* The first child bx:'local' of 'n' (NULL: none). */
static xmlNodePtr bx_child(const xmlNode *n, const char *local)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL; c = c->next) {
        if (is_el(c, BX_NS, local)) {
            return c;
        }
    }
    return NULL;
}

/* A cell holding the string value of 'n' (NULL: ""). */
static void form_text(struct grid_out *o, xmlNodePtr row, const char *t,
                      long cs, const xmlNode *n)
{
    xmlChar *copy = NULL;
    const xmlChar *v = n != NULL ? xslt_grid_text(n, &copy) : NULL;

    o->failed |= n != NULL && v == NULL;
    form_cell(o, row, t, 0, cs, NULL, v);
    xmlFree(copy);
}

/* $b/@'name' of T11 ($b: its bx:budget elements): the first there is. */
static void form_money_value(struct grid_out *o, xmlNodePtr row,
                             const xmlNode *t, const char *name)
{
    xmlNodePtr b;
    xmlChar *copy = NULL;
    const xmlChar *v = NULL;

    for (b = t->children; v == NULL && b != NULL; b = b->next) {
        if (is_el(b, BX_NS, "budget") && no_ns_attr(b, name) != NULL) {
            v = attr_text(no_ns_attr(b, name), &copy);
            o->failed |= v == NULL;
        }
    }
    form_cell(o, row, "famt", 0, 2, NULL, v);
    xmlFree(copy);
}

/* grid.xsl "form-money": one line of the 预算情况 block. */
static void form_money(struct grid_out *o, xmlNodePtr parent, const xmlNode *t,
                       const char *const line[5], long rs)
{
    xmlNodePtr row = flat_row(o, parent, (const xmlChar *)"form");

    skip(o, row, 1);
    if (line[0] != NULL) {
        form_cell(o, row, "th", rs, 0, line[1], (const xmlChar *)line[0]);
    } else {
        skip(o, row, 1);
    }
    form_cell(o, row, "th", 0, 0, line[3], (const xmlChar *)line[2]);
    form_money_value(o, row, t, line[4]);
}

/* The bx:indicator elements below 'n' (count($n//bx:indicator)), and
 * the first of them in '*first' (when not NULL). */
static long indicators_below(const xmlNode *n, const xmlNode **first)
{
    const xmlNode *c;
    long k = 0;

    for (c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_el(c, BX_NS, "indicator")) {
            if (first != NULL && *first == NULL) {
                *first = c;
            }
            k++;
        }
        k += indicators_below(c, first);
    }
    return k;
}

/* <m:c t="text" rs="'rs'">$l/@name</m:c> */
static void name_cell(struct grid_out *o, xmlNodePtr row, xmlNodePtr l, long rs)
{
    xmlNodePtr c = cell_attr(o, row, "text", l, "name", 0, -1);
    char n[24];

    snprintf(n, sizeof(n), "%ld", rs);
    set_attr(o, c, "rs", (const xmlChar *)n);
}

/* The row of indicator 'ind': its level 1 and level 2 (the first of
 * each with its row span), its name, value and explanation. */
static void indicator_row(struct grid_out *o, xmlNodePtr parent, xmlNodePtr ind)
{
    xmlNodePtr row = flat_row(o, parent, (const xmlChar *)"indicator");
    xmlNodePtr l1 = ind->parent;
    xmlNodePtr l2 = ind->parent;
    const xmlNode *first = NULL;
    xmlNodePtr p;
    long n;

    while (l1 != NULL && !is_el(l1, BX_NS, "level1")) {
        l1 = l1->parent;
        l1 = l1 != NULL && l1->type == XML_ELEMENT_NODE ? l1 : NULL;
    }
    l2 = l2 != NULL && is_el(l2, BX_NS, "level2") ? l2 : NULL;
    n = l1 != NULL ? indicators_below(l1, &first) : 0;
    if (l1 == NULL) {
        form_cell(o, row, "text", 0, 0, NULL, NULL);
    } else if (first == ind) {
        name_cell(o, row, l1, n);
    } else {
        skip(o, row, 1);
    }
    for (p = ind->prev; p != NULL && !is_el(p, BX_NS, "indicator");) {
        p = p->prev;
    }
    if (l2 == NULL) {
        form_cell(o, row, "text", 0, 0, NULL, NULL);
    } else if (p == NULL) {
        for (n = 0, p = l2->children; p != NULL; p = p->next) {
            n += is_el(p, BX_NS, "indicator");
        }
        name_cell(o, row, l2, n);
    } else {
        skip(o, row, 1);
    }
    cell_attr(o, row, "text", ind, "name", 0, -1);
    form_text(o, row, "val", 0, bx_child(ind, "value"));
    form_text(o, row, "text", 0, bx_child(ind, "explanation"));
}

/* Every bx:indicator below 'n', in document order, a row each. */
static void indicator_rows(struct grid_out *o, xmlNodePtr parent, xmlNodePtr n)
{
    xmlNodePtr c;

    for (c = n->children; !o->failed && c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_el(c, BX_NS, "indicator")) {
            indicator_row(o, parent, c);
        }
        indicator_rows(o, parent, c);
    }
}

/* The lines of the 预算情况 block after its total: group, group-en,
 * label, en, attribute of bx:budget; and their group's row span. */
static const char *const money_lines[][5] = {
    {"1、资金来源：", "Sources", "（1）政府预算资金", "Government budget funds",
     "govFunds"},
    {NULL, NULL, "（2）财政专户管理资金", "Special fiscal account",
     "specialAccount"},
    {NULL, NULL, "（3）单位资金", "Unit funds", "unitFunds"},
    {"2、资金结构：", "Structure", "（1）基本支出", "Basic expenditure",
     "basic"},
    {NULL, NULL, "（2）项目支出", "Project expenditure", "project"}};
static const long money_rs[] = {3, 0, 0, 2, 0};

/* The indicators' header row. */
static const char *const indicator_head[][2] = {{"一级指标", "Level 1"},
                                                {"二级指标", "Level 2"},
                                                {"三级指标", "Level 3"},
                                                {"指标值", "Target"},
                                                {"指标值说明", "Explanation"}};

/* grid.xsl's bx:deptPerformance mode "body" for table 't'; 'unit' is
 * $amount-unit. */
static void dept_form(struct grid_out *o, xmlNodePtr parent, xmlNodePtr t,
                      const xmlChar *unit)
{
    xmlNodePtr row = flat_row(o, parent, (const xmlChar *)"form");
    xmlNodePtr c;
    xmlNodePtr k;
    struct bx_buf total;
    long tasks = 0;
    size_t i;

    form_cell(o, row, "th", 0, 0, "Annual goal",
              (const xmlChar *)"年度履职目标");
    form_text(o, row, "text", 4, bx_child(t, "annualGoal"));
    for (c = t->children; c != NULL; c = c->next) {
        for (k = is_el(c, BX_NS, "tasks") ? c->children : NULL; k != NULL;
             k = k->next) {
            tasks += is_el(k, BX_NS, "task");
        }
    }
    row = flat_row(o, parent, (const xmlChar *)"form");
    form_cell(o, row, "th", 1 + tasks, 0, "Main tasks",
              (const xmlChar *)"年度主要任务");
    form_cell(o, row, "th", 0, 2, "Task", (const xmlChar *)"任务名称");
    form_cell(o, row, "th", 0, 2, "Content", (const xmlChar *)"主要内容");
    for (c = t->children; !o->failed && c != NULL; c = c->next) {
        for (k = is_el(c, BX_NS, "tasks") ? c->children : NULL; k != NULL;
             k = k->next) {
            if (is_el(k, BX_NS, "task")) {
                row = flat_row(o, parent, (const xmlChar *)"form");
                skip(o, row, 1);
                span(o, row, 2, k, "name", "text");
                form_text(o, row, "text", 2, k);
            }
        }
    }
    row = flat_row(o, parent, (const xmlChar *)"form");
    form_cell(o, row, "th", 6, 0, "Budget", (const xmlChar *)"预算情况");
    buf_init(&total);
    buf_puts(&total, "部门预算总额（");
    buf_puts(&total, (const char *)unit);
    buf_puts(&total, "）");
    buf_append(&total, "", 1);
    o->failed |= total.failed;
    form_cell(o, row, "th", 0, 2, "Total budget",
              total.failed ? NULL : (const xmlChar *)total.data);
    buf_release(&total);
    form_money_value(o, row, t, "total");
    for (i = 0; i < sizeof(money_rs) / sizeof(money_rs[0]); i++) {
        form_money(o, parent, t, money_lines[i], money_rs[i]);
    }
    if (bx_child(t, "indicators") == NULL) {
        return;
    }
    row = flat_row(o, parent, (const xmlChar *)"head");
    for (i = 0; i < sizeof(indicator_head) / sizeof(indicator_head[0]); i++) {
        form_cell(o, row, "th", 0, 0, indicator_head[i][1],
                  (const xmlChar *)indicator_head[i][0]);
    }
    for (c = t->children; !o->failed && c != NULL; c = c->next) {
        if (is_el(c, BX_NS, "indicators")) {
            indicator_rows(o, parent, c);
        }
    }
}

void xslt_grid_dept_form(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp)
{
    struct grid_out o;
    struct html_text t;
    xmlChar *unit = xslt_grid_var_string(ctxt, "amount-unit");

    (void)comp;
    memset(&o, 0, sizeof(o));
    o.doc = ctxt->output;
    o.failed = ctxt->insert == NULL || unit == NULL || node == NULL ||
               node->type != XML_ELEMENT_NODE;
    if (!o.failed && var_true(ctxt, "x-html-direct")) {
        html_begin(&o, ctxt, &t, 0);
        dept_form(&o, t.scratch, node, unit);
        html_end(&o, ctxt, &t);
    } else if (!o.failed) {
        dept_form(&o, ctxt->insert, node, unit);
    }
    xmlFree(unit);
    if (o.failed) {
        stop_nomem(ctxt, inst);
    }
}
