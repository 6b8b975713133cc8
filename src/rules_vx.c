/*
 * Business rules, value expressions read from the tree: the string,
 * number and truth expressions the rule set writes over a few nodes,
 *
 *     or     := and ('or' and)*
 *     and    := cmp ('and' cmp)*
 *     cmp    := prim [('=' | '!=' | '<' | '<=' | '>' | '>=') prim]
 *     prim   := 'lit' | number | '(' or ')'
 *             | concat(s, s, ...) | substring(s, i[, n]) | starts-with(s, s)
 *             | normalize-space(s) | number(s) | not(or)
 *             | bx:key('k', s) ['/@' a]
 *             | '(' bx:key('k', s) ('|' bx:key('k', s))* ')' ['/@' a]
 *             | [$self/]ancestor::p:n '/@' a | path (rules_path.c)
 *
 * e.g. "concat(ancestor::bx:unit/@code, ' ', @code)",
 * "starts-with(@code, ancestor::bx:dept/@code)", "substring(@code, 1, 3)",
 * the key unions of BR-024.  Each is what XPath 1.0 makes of it (string
 * value of a node-set: its first node's; comparisons of node-sets: some
 * pair; number(): xmlXPathCastStringToNumber), without libxml2's XPath
 * machine (a parser context, a value stack and objects per step: about a
 * microsecond a call, for a few attribute reads).  Whatever the tree or
 * the expression holds that is not modelled here (an operand that is not
 * a string or node-set where one is needed, a boolean compared, more than
 * VX_NODES nodes, a context that is not an element, an unknown key or
 * one with duplicates) answers "not handled" and XPath decides.
 * tests/unit/test_rules_expr.c compares every expression of the shipped
 * rule set with XPath on the elements of the samples.
 */
#define _POSIX_C_SOURCE 200809L

#include "rules.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "rules_eval.h"

#define VX_NODES 32
#define VX_ARGS 8

enum vx_op {
    VX_LIT,    /* a string literal */
    VX_NUM,    /* a number literal */
    VX_PATH,   /* a location path of rules_path.c */
    VX_ATTR,   /* @a of the context element */
    VX_ANC,    /* [$self/]ancestor::p:n/@a */
    VX_FIRST,  /* p:n[1]: the first such child */
    VX_PREC,   /* preceding-sibling::p:n[@a = 'lit'][1]: the nearest */
    VX_KEYS,   /* bx:key('k', s) | ...  [/@a] */
    VX_CONCAT, /* string */
    VX_SUBSTR, /* string */
    VX_NORM,   /* normalize-space(): string */
    VX_STARTS, /* truth */
    VX_NUMBER, /* number */
    VX_NOT,    /* truth */
    VX_AND,    /* truth */
    VX_OR,     /* truth */
    VX_CMP     /* truth */
};

enum vx_type { VT_NODES, VT_STR, VT_NUM, VT_BOOL };

enum vx_cmp { C_EQ, C_NE, C_LT, C_LE, C_GT, C_GE };

struct vx {
    enum vx_op op;
    enum vx_type type;
    enum vx_cmp cmp;
    struct vx *arg[VX_ARGS];
    int narg;
    char *lit;              /* VX_LIT; VX_ANC, VX_KEYS: the attribute */
    char *keys[VX_ARGS];    /* VX_KEYS: the key names (arg[k] the values) */
    double num;             /* VX_NUM */
    int from, len;          /* VX_SUBSTR: len -1 without a length */
    int self;               /* VX_ANC: from $self */
    const char *uri;        /* VX_ANC */
    char *name;             /* VX_ANC */
    struct bx_lpath *lpath; /* VX_PATH */
};

void rules_vx_free(struct vx *x)
{
    int k;

    if (x == NULL)
        return;
    for (k = 0; k < x->narg; k++)
        rules_vx_free(x->arg[k]);
    for (k = 0; k < VX_ARGS; k++)
        free(x->keys[k]);
    free(x->lit);
    free(x->name);
    rules_path_free(x->lpath);
    free(x);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

struct vx_parse {
    const struct bx_ruleset *rs;
    const char *p;
};

static int vx_ws_char(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void vws(struct vx_parse *ps)
{
    while (vx_ws_char((unsigned char)*ps->p))
        ps->p++;
}

static int vx_nc_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
           (c & 0x80) != 0;
}

/* The word 'w' (a name, not the start of a longer one) at the cursor. */
static int vword(struct vx_parse *ps, const char *w)
{
    size_t n = strlen(w);

    vws(ps);
    if (strncmp(ps->p, w, n) != 0 || vx_nc_char((unsigned char)ps->p[n]) ||
        ps->p[n] == ':')
        return 0;
    ps->p += n;
    return 1;
}

static int veat(struct vx_parse *ps, const char *tok)
{
    size_t n = strlen(tok);

    vws(ps);
    if (strncmp(ps->p, tok, n) != 0)
        return 0;
    ps->p += n;
    return 1;
}

static struct vx *vnew(enum vx_op op, enum vx_type type)
{
    struct vx *x = calloc(1, sizeof(*x));

    if (x != NULL) {
        x->op = op;
        x->type = type;
    }
    return x;
}

static struct vx *p_or(struct vx_parse *ps);

static char *vliteral(struct vx_parse *ps)
{
    const char *q;
    char *s;

    vws(ps);
    if (*ps->p != '\'' && *ps->p != '"')
        return NULL;
    q = strchr(ps->p + 1, *ps->p);
    if (q == NULL)
        return NULL;
    s = strndup(ps->p + 1, (size_t)(q - ps->p - 1));
    if (s != NULL)
        ps->p = q + 1;
    return s;
}

/* A non-negative integer literal (substring's positions). */
static int vint(struct vx_parse *ps)
{
    int v = 0;

    vws(ps);
    if (*ps->p < '0' || *ps->p > '9')
        return -1;
    while (*ps->p >= '0' && *ps->p <= '9' && v < 10000)
        v = v * 10 + (*ps->p++ - '0');
    if (*ps->p == '.' || v >= 10000)
        return -1;
    return v;
}

/* An operand that is a string (or a node-set, read as its string). */
static int stringish(const struct vx *x)
{
    return x != NULL && (x->type == VT_STR || x->type == VT_NODES);
}

/* "p:name" into 'uri', 'name' (owned). */
static int vqname(struct vx_parse *ps, const char **uri, char **name)
{
    const char *b;
    const char *c;

    vws(ps);
    b = ps->p;
    while (vx_nc_char((unsigned char)*ps->p))
        ps->p++;
    if (ps->p == b || *ps->p != ':' || ps->p[1] == ':')
        return 0;
    c = ps->p;
    *uri = rules_expr_prefix_uri(ps->rs, b, (size_t)(c - b));
    ps->p++;
    b = ps->p;
    while (vx_nc_char((unsigned char)*ps->p))
        ps->p++;
    if (*uri == NULL || ps->p == b)
        return 0;
    *name = strndup(b, (size_t)(ps->p - b));
    return *name != NULL;
}

/* "@name" */
static char *vattr(struct vx_parse *ps)
{
    const char *b;

    if (!veat(ps, "@"))
        return NULL;
    b = ps->p;
    while (vx_nc_char((unsigned char)*ps->p))
        ps->p++;
    if (ps->p == b || *ps->p == ':')
        return NULL;
    return strndup(b, (size_t)(ps->p - b));
}

/* [$self/]ancestor::p:n/@a */
static struct vx *p_ancestor(struct vx_parse *ps)
{
    struct vx *x = vnew(VX_ANC, VT_NODES);
    const char *save = ps->p;

    if (x == NULL)
        return NULL;
    if (veat(ps, "$self")) {
        if (vx_nc_char((unsigned char)*ps->p) || !veat(ps, "/"))
            goto fail;
        x->self = 1;
    }
    if (!veat(ps, "ancestor::") || !vqname(ps, &x->uri, &x->name) ||
        !veat(ps, "/") || (x->lit = vattr(ps)) == NULL)
        goto fail;
    return x;
fail:
    ps->p = save;
    rules_vx_free(x);
    return NULL;
}

/* p:n[1] or preceding-sibling::p:n[@a = 'lit'][1] (the predicate on @a
 * optional): a name in 'uri', 'name', the attribute and literal in 'lit'
 * and 'keys[0]'. */
static struct vx *p_positional(struct vx_parse *ps)
{
    struct vx *x = vnew(VX_FIRST, VT_NODES);
    const char *save = ps->p;

    if (x == NULL)
        return NULL;
    if (veat(ps, "preceding-sibling::"))
        x->op = VX_PREC;
    if (!vqname(ps, &x->uri, &x->name))
        goto fail;
    vws(ps);
    if (x->op == VX_PREC && ps->p[0] == '[' && ps->p[1] == '@') {
        ps->p++;
        if ((x->lit = vattr(ps)) == NULL || !veat(ps, "=") ||
            (x->keys[0] = vliteral(ps)) == NULL || !veat(ps, "]"))
            goto fail;
    }
    if (!veat(ps, "[") || !veat(ps, "1") || !veat(ps, "]"))
        goto fail;
    vws(ps);
    if (*ps->p == '[' || *ps->p == '/' || *ps->p == '|' || *ps->p == '.' ||
        (*ps->p >= '0' && *ps->p <= '9'))
        goto fail;
    return x;
fail:
    ps->p = save;
    rules_vx_free(x);
    return NULL;
}

/* The end of an operand path at the cursor: the first ',' ')' '=' '!'
 * '<' '>' outside brackets and literals, or an 'and'/'or' after a blank. */
static const char *path_end(const char *p)
{
    int depth = 0;

    for (; *p != '\0'; p++) {
        if (*p == '\'' || *p == '"') {
            const char *q = strchr(p + 1, *p);

            if (q == NULL)
                return NULL;
            p = q;
            continue;
        }
        if (*p == '[' || *p == '(') {
            depth++;
            continue;
        }
        if (*p == ']' || (*p == ')' && depth > 0)) {
            depth--;
            continue;
        }
        if (depth > 0)
            continue;
        if (*p == ',' || *p == ')' || *p == '=' || *p == '!' || *p == '<' ||
            *p == '>')
            return p;
        if (vx_ws_char((unsigned char)*p) &&
            ((strncmp(p + 1, "and", 3) == 0 &&
              !vx_nc_char((unsigned char)p[4])) ||
             (strncmp(p + 1, "or", 2) == 0 &&
              !vx_nc_char((unsigned char)p[3]))))
            return p;
    }
    return p;
}

static struct vx *p_path(struct vx_parse *ps)
{
    const char *e;
    char *src;
    struct vx *x;
    const char *save;

    vws(ps);
    e = path_end(ps->p);
    if (e == NULL || e == ps->p)
        return NULL;
    save = ps->p;
    if (*ps->p == '@') {
        x = vnew(VX_ATTR, VT_NODES);
        if (x != NULL && (x->lit = vattr(ps)) != NULL) {
            vws(ps);
            if (ps->p == e || (e > save && ps->p <= e &&
                               strspn(ps->p, " \t\r\n") >= (size_t)(e - ps->p)))
                return x;
        }
        rules_vx_free(x);
        ps->p = save;
    }
    src = strndup(ps->p, (size_t)(e - ps->p));
    x = src != NULL ? vnew(VX_PATH, VT_NODES) : NULL;
    if (x != NULL)
        x->lpath = rules_path_parse(ps->rs, src);
    free(src);
    if (x == NULL || x->lpath == NULL) {
        rules_vx_free(x);
        return NULL;
    }
    ps->p = e;
    return x;
}

/* bx:key('k', s) at the cursor, into key k of 'x'. */
static int p_key(struct vx_parse *ps, struct vx *x)
{
    const char *b;
    const char *uri;

    vws(ps);
    b = ps->p;
    while (vx_nc_char((unsigned char)*ps->p))
        ps->p++;
    if (ps->p == b || *ps->p != ':')
        return 0;
    uri = rules_expr_prefix_uri(ps->rs, b, (size_t)(ps->p - b));
    ps->p++;
    if (uri == NULL || strcmp(uri, BX_NAMESPACE) != 0 || !vword(ps, "key") ||
        !veat(ps, "(") || x->narg == VX_ARGS)
        return 0;
    x->keys[x->narg] = vliteral(ps);
    if (x->keys[x->narg] == NULL || !veat(ps, ","))
        return 0;
    x->arg[x->narg] = p_or(ps);
    if (x->arg[x->narg] == NULL)
        return 0;
    x->narg++;
    return stringish(x->arg[x->narg - 1]) && veat(ps, ")");
}

/* bx:key(...) [/@a] or '(' bx:key(...) ('|' bx:key(...))* ')' [/@a] */
static struct vx *p_keys(struct vx_parse *ps)
{
    struct vx *x = vnew(VX_KEYS, VT_NODES);
    const char *save = ps->p;

    if (x == NULL)
        return NULL;
    if (veat(ps, "(")) {
        do {
            if (!p_key(ps, x))
                goto fail;
        } while (veat(ps, "|"));
        if (!veat(ps, ")"))
            goto fail;
    } else if (!p_key(ps, x)) {
        goto fail;
    }
    vws(ps);
    if (ps->p[0] == '/' && ps->p[1] == '@') {
        ps->p++;
        if ((x->lit = vattr(ps)) == NULL)
            goto fail;
    }
    vws(ps);
    if (*ps->p == '[' || *ps->p == '/' || *ps->p == '|')
        goto fail;
    return x;
fail:
    ps->p = save;
    rules_vx_free(x);
    return NULL;
}

/* name '(' args ')' of the functions above */
static struct vx *p_call(struct vx_parse *ps)
{
    static const struct {
        const char *name;
        enum vx_op op;
        enum vx_type type;
    } fns[] = {{"concat", VX_CONCAT, VT_STR},
               {"substring", VX_SUBSTR, VT_STR},
               {"normalize-space", VX_NORM, VT_STR},
               {"starts-with", VX_STARTS, VT_BOOL},
               {"number", VX_NUMBER, VT_NUM},
               {"not", VX_NOT, VT_BOOL}};
    const char *save = ps->p;
    struct vx *x = NULL;
    size_t f;

    for (f = 0; f < sizeof(fns) / sizeof(fns[0]); f++) {
        ps->p = save;
        if (vword(ps, fns[f].name) && veat(ps, "("))
            break;
    }
    if (f == sizeof(fns) / sizeof(fns[0])) {
        ps->p = save;
        return NULL;
    }
    x = vnew(fns[f].op, fns[f].type);
    if (x == NULL)
        goto fail;
    if (x->op == VX_SUBSTR) {
        x->arg[0] = p_or(ps);
        x->narg = x->arg[0] != NULL;
        if (!stringish(x->arg[0]) || !veat(ps, ",") || (x->from = vint(ps)) < 1)
            goto fail;
        x->len = -1;
        if (veat(ps, ",") && (x->len = vint(ps)) < 0)
            goto fail;
        if (!veat(ps, ")"))
            goto fail;
        return x;
    }
    do {
        if (x->narg == VX_ARGS || (x->arg[x->narg] = p_or(ps)) == NULL)
            goto fail;
        x->narg++;
    } while (veat(ps, ","));
    if (!veat(ps, ")"))
        goto fail;
    switch (x->op) {
    case VX_CONCAT:
        for (f = 0; f < (size_t)x->narg; f++) {
            if (!stringish(x->arg[f]))
                goto fail;
        }
        if (x->narg < 2)
            goto fail;
        break;
    case VX_STARTS:
        if (x->narg != 2 || !stringish(x->arg[0]) || !stringish(x->arg[1]))
            goto fail;
        break;
    case VX_NORM:
    case VX_NUMBER:
        if (x->narg != 1 || !stringish(x->arg[0]))
            goto fail;
        break;
    default: /* VX_NOT: any */
        if (x->narg != 1)
            goto fail;
        break;
    }
    return x;
fail:
    ps->p = save;
    rules_vx_free(x);
    return NULL;
}

static struct vx *p_prim(struct vx_parse *ps)
{
    struct vx *x;
    const char *save;

    vws(ps);
    save = ps->p;
    if (*ps->p == '\'' || *ps->p == '"') {
        x = vnew(VX_LIT, VT_STR);
        if (x != NULL && (x->lit = vliteral(ps)) == NULL) {
            rules_vx_free(x);
            x = NULL;
        }
        return x;
    }
    if (*ps->p >= '0' && *ps->p <= '9') {
        char *end;

        x = vnew(VX_NUM, VT_NUM);
        if (x != NULL) {
            x->num = strtod(ps->p, &end);
            ps->p = end;
        }
        return x;
    }
    if ((x = p_keys(ps)) != NULL || (x = p_call(ps)) != NULL ||
        (x = p_ancestor(ps)) != NULL || (x = p_positional(ps)) != NULL)
        return x;
    ps->p = save;
    if (*ps->p == '(') {
        ps->p++;
        x = p_or(ps);
        if (x == NULL || !veat(ps, ")")) {
            rules_vx_free(x);
            return NULL;
        }
        vws(ps);
        if (*ps->p == '/' || *ps->p == '[' || *ps->p == '|') {
            rules_vx_free(x);
            return NULL;
        }
        return x;
    }
    return p_path(ps);
}

static struct vx *p_cmp(struct vx_parse *ps)
{
    static const struct {
        const char *tok;
        enum vx_cmp cmp;
    } ops[] = {{"!=", C_NE}, {"<=", C_LE}, {">=", C_GE},
               {"=", C_EQ},  {"<", C_LT},  {">", C_GT}};
    struct vx *a = p_prim(ps);
    struct vx *x;
    size_t k;

    if (a == NULL)
        return NULL;
    for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        if (veat(ps, ops[k].tok))
            break;
    }
    if (k == sizeof(ops) / sizeof(ops[0]))
        return a;
    x = vnew(VX_CMP, VT_BOOL);
    if (x == NULL) {
        rules_vx_free(a);
        return NULL;
    }
    x->cmp = ops[k].cmp;
    x->arg[0] = a;
    x->narg = 1;
    x->arg[1] = p_prim(ps);
    if (x->arg[1] == NULL || x->arg[0]->type == VT_BOOL ||
        x->arg[1]->type == VT_BOOL) {
        rules_vx_free(x);
        return NULL;
    }
    x->narg = 2;
    vws(ps);
    if (*ps->p == '=' || *ps->p == '!' || *ps->p == '<' || *ps->p == '>') {
        rules_vx_free(x);
        return NULL;
    }
    return x;
}

static struct vx *p_chain(struct vx_parse *ps, int and)
{
    struct vx *a = and? p_cmp(ps) : p_chain(ps, 1);
    struct vx *x;
    struct vx *b;

    while (a != NULL && vword(ps, and? "and" : "or")) {
        b = and? p_cmp(ps) : p_chain(ps, 1);
        x = b != NULL ? vnew(and? VX_AND : VX_OR, VT_BOOL) : NULL;
        if (x == NULL) {
            rules_vx_free(a);
            rules_vx_free(b);
            return NULL;
        }
        x->arg[0] = a;
        x->arg[1] = b;
        x->narg = 2;
        a = x;
    }
    return a;
}

static struct vx *p_or(struct vx_parse *ps)
{
    return p_chain(ps, 0);
}

struct vx *rules_vx_parse(const struct bx_ruleset *rs, const char *src)
{
    struct vx_parse ps = {rs, src};
    struct vx *x;

    if (src == NULL)
        return NULL;
    x = p_or(&ps);
    vws(&ps);
    if (x != NULL && *ps.p != '\0') {
        rules_vx_free(x);
        return NULL;
    }
    /* a plain path or literal is read by the other forms (or XPath) */
    if (x != NULL && (x->op == VX_PATH || x->op == VX_LIT || x->op == VX_NUM)) {
        rules_vx_free(x);
        return NULL;
    }
    return x;
}

/* ------------------------------------------------------------------ */
/* Evaluating                                                          */
/* ------------------------------------------------------------------ */

enum { VX_DONE = 1, VX_NO = 0, VX_NOMEM = -1 };

struct vx_val {
    enum vx_type type;
    xmlNodePtr tab[VX_NODES];
    int n;
    const xmlChar *s; /* VT_STR */
    xmlChar *own;     /* what 's' points into when it was made */
    double num;
    int b;
};

static void val_done(struct vx_val *v)
{
    xmlFree(v->own);
    v->own = NULL;
}

/* The string value of 'n' (XPath's string()): in place when it is one
 * text, else a copy into '*own'.  NULL: out of memory. */
static const xmlChar *node_string(xmlNodePtr n, xmlChar **own)
{
    xmlNodePtr c;

    *own = NULL;
    if (n->type == XML_ATTRIBUTE_NODE || n->type == XML_ELEMENT_NODE) {
        c = n->children;
        if (c == NULL)
            return BAD_CAST "";
        if (c->next == NULL && c->type == XML_TEXT_NODE && c->content != NULL)
            return c->content;
    } else if (n->type == XML_TEXT_NODE && n->content != NULL) {
        return n->content;
    }
    *own = xmlNodeGetContent(n);
    if (*own == NULL)
        *own = xmlStrdup(BAD_CAST "");
    return *own;
}

/* 'v' read as a string (its first node's, "" for none). */
static int as_string(struct vx_val *v)
{
    xmlChar *own;

    if (v->type == VT_STR)
        return VX_DONE;
    if (v->type != VT_NODES)
        return VX_NO;
    v->type = VT_STR;
    if (v->n == 0) {
        v->s = BAD_CAST "";
        return VX_DONE;
    }
    v->s = node_string(v->tab[0], &own);
    v->own = own;
    return v->s != NULL ? VX_DONE : VX_NOMEM;
}

static int add_node(struct vx_val *v, xmlNodePtr n)
{
    if (v->n == VX_NODES)
        return VX_NO;
    v->tab[v->n++] = n;
    return VX_DONE;
}

static int ev(const struct vx *x, xmlXPathContextPtr xp, xmlNodePtr node,
              struct vx_val *v);

static int truth(const struct vx *x, xmlXPathContextPtr xp, xmlNodePtr node,
                 int *b)
{
    struct vx_val v;
    int r = ev(x, xp, node, &v);

    if (r != VX_DONE)
        return r;
    switch (v.type) {
    case VT_NODES:
        *b = v.n > 0;
        break;
    case VT_STR:
        *b = v.s[0] != '\0';
        break;
    case VT_NUM:
        *b = v.num != 0 && !isnan(v.num);
        break;
    default:
        *b = v.b;
        break;
    }
    val_done(&v);
    return VX_DONE;
}

static int ev_ancestor(const struct vx *x, xmlXPathContextPtr xp,
                       xmlNodePtr node, struct vx_val *v)
{
    xmlNodePtr up[VX_NODES];
    int n = 0;
    xmlNodePtr p;
    xmlAttrPtr a;

    if (x->self) {
        xmlXPathObjectPtr o = xmlXPathVariableLookup(xp, BAD_CAST "self");

        if (o == NULL || o->type != XPATH_NODESET || o->nodesetval == NULL ||
            o->nodesetval->nodeNr != 1) {
            xmlXPathFreeObject(o);
            return VX_NO;
        }
        node = o->nodesetval->nodeTab[0];
        xmlXPathFreeObject(o);
        if (node->type != XML_ELEMENT_NODE)
            return VX_NO;
    }
    for (p = node->parent; p != NULL && p->type == XML_ELEMENT_NODE;
         p = p->parent) {
        if (p->ns != NULL && p->ns->href != NULL &&
            strcmp((const char *)p->name, x->name) == 0 &&
            strcmp((const char *)p->ns->href, x->uri) == 0) {
            if (n == VX_NODES)
                return VX_NO;
            up[n++] = p;
        }
    }
    if (p != NULL && p->type != XML_DOCUMENT_NODE)
        return VX_NO;
    /* document order: the outermost first */
    while (n-- > 0) {
        a = rules_attr_named(up[n], x->lit);
        if (a != NULL && add_node(v, (xmlNodePtr)a) != VX_DONE)
            return VX_NO;
    }
    return VX_DONE;
}

static int is_named(xmlNodePtr n, const char *uri, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           n->ns->href != NULL && strcmp((const char *)n->name, name) == 0 &&
           strcmp((const char *)n->ns->href, uri) == 0;
}

static int ev_positional(const struct vx *x, xmlNodePtr node, struct vx_val *v)
{
    xmlNodePtr c = x->op == VX_FIRST ? node->children : node->prev;
    xmlAttrPtr a;
    xmlChar *own;
    const xmlChar *s;

    for (; c != NULL; c = x->op == VX_FIRST ? c->next : c->prev) {
        if (c->type == XML_ENTITY_REF_NODE || c->type == XML_ENTITY_NODE)
            return VX_NO;
        if (!is_named(c, x->uri, x->name))
            continue;
        if (x->lit != NULL) {
            a = rules_attr_named(c, x->lit);
            if (a == NULL)
                continue;
            s = node_string((xmlNodePtr)a, &own);
            if (s == NULL)
                return VX_NOMEM;
            if (strcmp((const char *)s, x->keys[0]) != 0) {
                xmlFree(own);
                continue;
            }
            xmlFree(own);
        }
        return add_node(v, c);
    }
    return VX_DONE;
}

static int ev_keys(const struct vx *x, xmlXPathContextPtr xp, xmlNodePtr node,
                   struct vx_val *v)
{
    struct bx_eval *bev = xp->userData;
    xmlNodeSetPtr res;
    int r = VX_DONE;
    int k;
    int i;
    int j;

    if (bev == NULL || bev->xp != xp)
        return VX_NO;
    res = xmlXPathNodeSetCreate(NULL);
    if (res == NULL)
        return VX_NOMEM;
    for (k = 0; k < x->narg && r == VX_DONE; k++) {
        struct vx_val a;
        int lookups;

        r = ev(x->arg[k], xp, node, &a);
        if (r != VX_DONE)
            break;
        lookups = a.type == VT_NODES ? a.n : 1;
        for (i = 0; i < lookups && r == VX_DONE; i++) {
            const xmlChar *s;
            xmlChar *own = NULL;
            const xmlNodeSet *set;
            int ok;

            s = a.type == VT_NODES ? node_string(a.tab[i], &own) : a.s;
            if (s == NULL) {
                r = VX_NOMEM;
                break;
            }
            set = rules_key_nodes(bev, x->keys[k], s, &ok);
            xmlFree(own);
            if (!ok) {
                r = VX_NO;
                break;
            }
            for (j = 0; set != NULL && j < set->nodeNr; j++) {
                if (xmlXPathNodeSetAddUnique(res, set->nodeTab[j]) != 0) {
                    r = VX_NOMEM;
                    break;
                }
            }
        }
        val_done(&a);
    }
    if (r == VX_DONE && res->nodeNr > 1)
        xmlXPathNodeSetSort(res);
    for (i = 0; r == VX_DONE && i < res->nodeNr; i++) {
        xmlNodePtr n = res->nodeTab[i];

        if (x->lit != NULL) {
            if (n->type != XML_ELEMENT_NODE) {
                if (n->type != XML_ATTRIBUTE_NODE)
                    r = VX_NO;
                continue;
            }
            n = (xmlNodePtr)rules_attr_named(n, x->lit);
            if (n == NULL)
                continue;
        }
        r = add_node(v, n);
    }
    xmlXPathFreeNodeSet(res);
    return r;
}

/* XPath's substring(s, from, len) for integers from >= 1, len >= 0 (or
 * none): characters [from, from + len), counted in UTF-8. */
static int ev_substr(const struct vx *x, struct vx_val *v, struct vx_val *a)
{
    const xmlChar *s = a->s;
    const xmlChar *b = NULL;
    const xmlChar *e = NULL;
    int pos = 1;

    for (; *s != '\0'; pos++) {
        if (pos == x->from)
            b = s;
        if (x->len >= 0 && pos == x->from + x->len)
            break;
        s++;
        while ((*s & 0xC0) == 0x80)
            s++;
    }
    e = s;
    if (b == NULL) {
        v->s = BAD_CAST "";
        return VX_DONE;
    }
    v->own = xmlStrndup(b, (int)(e - b));
    v->s = v->own;
    return v->own != NULL ? VX_DONE : VX_NOMEM;
}

static int xml_blank(xmlChar c)
{
    return c == 0x20 || c == 0x9 || c == 0xA || c == 0xD;
}

static int ev_norm(struct vx_val *v, const xmlChar *s)
{
    xmlChar *o = xmlMalloc(xmlStrlen(s) + 1);
    int n = 0;

    if (o == NULL)
        return VX_NOMEM;
    while (*s != '\0') {
        if (xml_blank(*s)) {
            while (xml_blank(*s))
                s++;
            if (n > 0 && *s != '\0')
                o[n++] = ' ';
            continue;
        }
        o[n++] = *s++;
    }
    o[n] = '\0';
    v->own = o;
    v->s = o;
    return VX_DONE;
}

static double str_num(const xmlChar *s)
{
    return xmlXPathCastStringToNumber(s);
}

static int cmp_num(enum vx_cmp c, double a, double b)
{
    switch (c) {
    case C_EQ:
        return a == b;
    case C_NE:
        return a != b;
    case C_LT:
        return a < b;
    case C_LE:
        return a <= b;
    case C_GT:
        return a > b;
    default:
        return a >= b;
    }
}

static int cmp_str(enum vx_cmp c, const xmlChar *a, const xmlChar *b)
{
    if (c == C_EQ)
        return strcmp((const char *)a, (const char *)b) == 0;
    if (c == C_NE)
        return strcmp((const char *)a, (const char *)b) != 0;
    return cmp_num(c, str_num(a), str_num(b));
}

/* One node's string against a value that is not a node-set. */
static int cmp_node(enum vx_cmp c, xmlNodePtr n, const struct vx_val *o,
                    int node_left, int *b)
{
    xmlChar *own;
    const xmlChar *s = node_string(n, &own);
    double d;

    if (s == NULL)
        return VX_NOMEM;
    if (o->type == VT_NUM) {
        d = str_num(s);
        *b = node_left ? cmp_num(c, d, o->num) : cmp_num(c, o->num, d);
    } else {
        *b = node_left ? cmp_str(c, s, o->s) : cmp_str(c, o->s, s);
    }
    xmlFree(own);
    return VX_DONE;
}

static int ev_cmp(const struct vx *x, xmlXPathContextPtr xp, xmlNodePtr node,
                  struct vx_val *v)
{
    struct vx_val a;
    struct vx_val b;
    int r = ev(x->arg[0], xp, node, &a);
    int i;
    int j;

    v->b = 0;
    if (r != VX_DONE)
        return r;
    r = ev(x->arg[1], xp, node, &b);
    if (r != VX_DONE) {
        val_done(&a);
        return r;
    }
    if (a.type == VT_NODES && b.type == VT_NODES) {
        /* some pair: every string of one against every of the other */
        for (i = 0; i < a.n && !v->b && r == VX_DONE; i++) {
            xmlChar *own;
            const xmlChar *s = node_string(a.tab[i], &own);
            struct vx_val sv;

            if (s == NULL) {
                r = VX_NOMEM;
                break;
            }
            memset(&sv, 0, sizeof(sv));
            sv.type = VT_STR;
            sv.s = s;
            if (x->cmp != C_EQ && x->cmp != C_NE) {
                sv.type = VT_NUM;
                sv.num = str_num(s);
            }
            for (j = 0; j < b.n && !v->b && r == VX_DONE; j++)
                r = cmp_node(x->cmp, b.tab[j], &sv, 0, &v->b);
            xmlFree(own);
        }
    } else if (a.type == VT_NODES || b.type == VT_NODES) {
        struct vx_val *ns = a.type == VT_NODES ? &a : &b;
        struct vx_val *o = a.type == VT_NODES ? &b : &a;

        if (o->type == VT_STR && x->cmp != C_EQ && x->cmp != C_NE) {
            o->type = VT_NUM;
            o->num = str_num(o->s);
        }
        for (i = 0; i < ns->n && !v->b && r == VX_DONE; i++)
            r = cmp_node(x->cmp, ns->tab[i], o, ns == &a, &v->b);
    } else {
        if (a.type == VT_STR && b.type == VT_STR &&
            (x->cmp == C_EQ || x->cmp == C_NE)) {
            v->b = cmp_str(x->cmp, a.s, b.s);
        } else {
            double da = a.type == VT_NUM ? a.num : str_num(a.s);
            double db = b.type == VT_NUM ? b.num : str_num(b.s);

            v->b = cmp_num(x->cmp, da, db);
        }
    }
    val_done(&a);
    val_done(&b);
    return r;
}

static int ev(const struct vx *x, xmlXPathContextPtr xp, xmlNodePtr node,
              struct vx_val *v)
{
    struct vx_val a;
    int r;
    int k;
    int b;

    v->type = x->type;
    v->n = 0;
    v->own = NULL;
    v->s = NULL;
    switch (x->op) {
    case VX_LIT:
        v->s = BAD_CAST x->lit;
        return VX_DONE;
    case VX_NUM:
        v->num = x->num;
        return VX_DONE;
    case VX_PATH: {
        xmlNodeSet set = {0, VX_NODES, v->tab};

        r = rules_path_eval(x->lpath, xp, node, &set, 0);
        v->n = set.nodeNr;
        return r == 1 ? VX_DONE : r == 0 ? VX_NO : VX_NOMEM;
    }
    case VX_ATTR: {
        xmlAttrPtr at = rules_attr_named(node, x->lit);

        if (at != NULL)
            v->tab[v->n++] = (xmlNodePtr)at;
        return VX_DONE;
    }
    case VX_ANC:
        return ev_ancestor(x, xp, node, v);
    case VX_FIRST:
    case VX_PREC:
        return ev_positional(x, node, v);
    case VX_KEYS:
        return ev_keys(x, xp, node, v);
    case VX_CONCAT: {
        xmlChar *out = NULL;

        for (k = 0; k < x->narg; k++) {
            r = ev(x->arg[k], xp, node, &a);
            if (r == VX_DONE)
                r = as_string(&a);
            if (r == VX_DONE) {
                out = xmlStrcat(out, a.s);
                if (out == NULL)
                    r = VX_NOMEM;
            }
            val_done(&a);
            if (r != VX_DONE) {
                xmlFree(out);
                return r;
            }
        }
        v->own = out;
        v->s = out != NULL ? out : BAD_CAST "";
        return VX_DONE;
    }
    case VX_SUBSTR:
    case VX_NORM:
    case VX_NUMBER:
    case VX_STARTS:
        r = ev(x->arg[0], xp, node, &a);
        if (r == VX_DONE)
            r = as_string(&a);
        if (r == VX_DONE) {
            if (x->op == VX_SUBSTR) {
                r = ev_substr(x, v, &a);
            } else if (x->op == VX_NORM) {
                r = ev_norm(v, a.s);
            } else if (x->op == VX_NUMBER) {
                v->num = str_num(a.s);
            } else {
                struct vx_val p;

                r = ev(x->arg[1], xp, node, &p);
                if (r == VX_DONE)
                    r = as_string(&p);
                if (r == VX_DONE)
                    v->b = strncmp((const char *)a.s, (const char *)p.s,
                                   strlen((const char *)p.s)) == 0;
                val_done(&p);
            }
        }
        val_done(&a);
        return r;
    case VX_NOT:
        r = truth(x->arg[0], xp, node, &b);
        v->b = !b;
        return r;
    case VX_AND:
    case VX_OR:
        r = truth(x->arg[0], xp, node, &b);
        if (r != VX_DONE)
            return r;
        if (b == (x->op == VX_OR)) {
            v->b = b;
            return VX_DONE;
        }
        r = truth(x->arg[1], xp, node, &b);
        v->b = b;
        return r;
    default:
        return ev_cmp(x, xp, node, v);
    }
}

xmlXPathObjectPtr rules_vx_eval(const struct vx *x, xmlXPathContextPtr xp,
                                xmlNodePtr node, int *nomem)
{
    struct vx_val v;
    xmlXPathObjectPtr o = NULL;
    int r;
    int i;

    *nomem = 0;
    if (x == NULL || node == NULL || node->type != XML_ELEMENT_NODE)
        return NULL;
    r = ev(x, xp, node, &v);
    if (r != VX_DONE) {
        *nomem = r == VX_NOMEM;
        return NULL;
    }
    switch (v.type) {
    case VT_STR:
        o = xmlXPathNewString(v.s);
        break;
    case VT_NUM:
        o = xmlXPathNewFloat(v.num);
        break;
    case VT_BOOL:
        o = xmlXPathNewBoolean(v.b);
        break;
    default:
        o = xmlXPathNewNodeSet(NULL);
        for (i = 0; o != NULL && i < v.n; i++) {
            if (xmlXPathNodeSetAddUnique(o->nodesetval, v.tab[i]) != 0) {
                xmlXPathFreeObject(o);
                o = NULL;
            }
        }
        break;
    }
    val_done(&v);
    if (o == NULL)
        *nomem = 1;
    return o;
}
