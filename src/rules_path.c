/*
 * Business rules, location paths read straight from the tree: the
 * subset of XPath 1.0 that most context scans, static figures and row
 * look-ups of the rule set are written in,
 *
 *     path ('|' path)*
 *     path   := start (('/' | '//') step)* ['/@' name]
 *     start  := '$' var | '/' | '//' step | '.' | '..' | step
 *     step   := [axis '::'] (prefix:name | '*') ('[' pred ']')*
 *     axis   := child | descendant | descendant-or-self
 *     pred   := pred 'or' pred | pred 'and' pred | 'not(' pred ')'
 *             | '(' pred ')' | '@'a | '@'a '=' 'lit' | '@'a '!=' 'lit'
 *             | 'starts-with(@'a ', ' 'lit' ')' | prefix:name | '*'
 *
 * e.g. "$T7//bx:eco[@dep = '30217']/@gpb",
 * "/bx:disclosure/bx:tables//bx:dept[@code]",
 * "descendant-or-self::*[@total]".  No positional predicate, no
 * function but starts-with and not, no number: anything else is left to
 * libxml2's XPath machine.  The nodes come out as XPath's sorted node-set
 * holds them: in document order, each once (a step from nested inputs is
 * taken once from the outermost; a union is sorted by the element order
 * xmlXPathOrderDocElems() numbered).  Whenever the tree holds something
 * the walk does not model (an entity reference, a variable that is not a
 * node-set of at most one node, unnumbered elements in a union) the
 * evaluation answers "not handled" and XPath decides.
 * tests/unit/test_rules_expr.c compares every form with XPath on every
 * element of a test document, and every path of the shipped rule set on
 * every element of a sample.
 */
#define _POSIX_C_SOURCE 200809L

#include "rules.h"
#include "rules_eval.h"
#include "xmlio.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/dict.h>
#include <libxml/hash.h>
#include <libxml/xpathInternals.h>

#include "util.h"

#define LP_STEPS 8
#define LP_PATHS 8
#define LP_PREDS 24

enum lp_op {
    LP_OR,
    LP_AND,
    LP_NOT,
    LP_ATTR,    /* [@a] */
    LP_ATTR_EQ, /* [@a = 'lit'] */
    LP_ATTR_NE, /* [@a != 'lit'] */
    LP_STARTS,  /* [starts-with(@a, 'lit')] */
    LP_CHILD,   /* [p:name] or [*] */
    LP_HAS_VAR, /* [$v]: a node-set variable, not empty */
    LP_EQ_VAR,  /* [@a = $v]: a string variable */
    LP_LENGTH,  /* [string-length(@a) = n] */
    LP_SUBSTR,  /* [substring(@a, i, n) = 'lit' | $v] */
    LP_ANCESTOR /* [ancestor::p:n] or [ancestor::p:n/@a] */
};

struct lp_pred {
    enum lp_op op;
    int a, b;        /* operands (OR, AND, NOT) */
    const char *uri; /* LP_CHILD; NULL with name NULL: '*' */
    char *name;      /* attribute or element name; owned */
    char *lit;       /* owned */
    char *var;       /* LP_HAS_VAR, LP_EQ_VAR, LP_SUBSTR: a variable; owned */
    int from, len;   /* LP_SUBSTR: i, n; LP_LENGTH: n */
};

enum lp_axis { LP_CHILD_AXIS, LP_DESC, LP_DESC_SELF };

struct lp_step {
    enum lp_axis axis;
    const char *uri;
    char *name; /* NULL: '*'; owned */
    int preds[4];
    int npreds;
};

enum lp_start { LP_CONTEXT, LP_ROOT, LP_VAR, LP_PARENT };

struct lp_path {
    enum lp_start start;
    char *var; /* owned */
    struct lp_step steps[LP_STEPS];
    int nsteps;
    char *attr; /* a last step '@name'; owned */
};

struct bx_lpath {
    struct lp_path paths[LP_PATHS];
    int npaths;
    struct lp_pred preds[LP_PREDS];
    int npreds;
};

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

struct lp_parse {
    const struct bx_ruleset *rs;
    struct bx_lpath *lp;
    const char *p;
};

static int nc_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int nc_char(int c)
{
    return nc_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static void ws(struct lp_parse *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
           *ps->p == '\r')
        ps->p++;
}

/* An NCName at the cursor: its length, else 0 (the cursor stays). */
static size_t nc_len(const char *p)
{
    size_t n = 0;

    if (!nc_start((unsigned char)p[0]))
        return 0;
    while (nc_char((unsigned char)p[n]))
        n++;
    return n;
}

/* Whether the word 'w' (followed by no name character) is at the cursor. */
static int word_at(struct lp_parse *ps, const char *w)
{
    size_t n = strlen(w);

    return strncmp(ps->p, w, n) == 0 && !nc_char((unsigned char)ps->p[n]) &&
           ps->p[n] != ':';
}

static int eat(struct lp_parse *ps, const char *tok)
{
    size_t n = strlen(tok);

    ws(ps);
    if (strncmp(ps->p, tok, n) != 0)
        return 0;
    ps->p += n;
    ws(ps);
    return 1;
}

/* prefix:name or '*' into *uri, *name (NULL for '*'); 0 if neither. */
static int name_test(struct lp_parse *ps, const char **uri, char **name)
{
    size_t pl;
    size_t nl;

    ws(ps);
    if (*ps->p == '*') {
        ps->p++;
        *uri = NULL;
        *name = NULL;
        return 1;
    }
    pl = nc_len(ps->p);
    if (pl == 0 || ps->p[pl] != ':' || ps->p[pl + 1] == ':')
        return 0;
    nl = nc_len(ps->p + pl + 1);
    if (nl == 0 || ps->p[pl + 1 + nl] == ':' || ps->p[pl + 1 + nl] == '(')
        return 0;
    *uri = rules_expr_prefix_uri(ps->rs, ps->p, pl);
    if (*uri == NULL)
        return 0;
    *name = strndup(ps->p + pl + 1, nl);
    if (*name == NULL)
        return 0;
    ps->p += pl + 1 + nl;
    return 1;
}

/* '@' name (no prefix): the name (owned), else NULL. */
static char *attr_name(struct lp_parse *ps)
{
    size_t n;

    if (!eat(ps, "@"))
        return NULL;
    n = nc_len(ps->p);
    if (n == 0 || ps->p[n] == ':')
        return NULL;
    ps->p += n;
    return strndup(ps->p - n, n);
}

static char *literal(struct lp_parse *ps)
{
    const char *q;
    char *s;

    ws(ps);
    if (*ps->p != '\'' && *ps->p != '"')
        return NULL;
    q = strchr(ps->p + 1, *ps->p);
    if (q == NULL)
        return NULL;
    s = strndup(ps->p + 1, (size_t)(q - ps->p - 1));
    ps->p = q + 1;
    return s;
}

/* A variable reference "$name": the name (owned), else NULL. */
static char *var_ref(struct lp_parse *ps)
{
    size_t n;

    ws(ps);
    if (*ps->p != '$')
        return NULL;
    n = nc_len(ps->p + 1);
    if (n == 0 || ps->p[1 + n] == ':')
        return NULL;
    ps->p += 1 + n;
    return strndup(ps->p - n, n);
}

/* A small non-negative integer literal, else -1. */
static int small_int(struct lp_parse *ps)
{
    int v = 0;
    int digits = 0;

    ws(ps);
    while (*ps->p >= '0' && *ps->p <= '9' && digits < 4) {
        v = v * 10 + (*ps->p++ - '0');
        digits++;
    }
    ws(ps);
    return digits > 0 && !(*ps->p >= '0' && *ps->p <= '9') && *ps->p != '.'
               ? v
               : -1;
}

static int new_pred(struct lp_parse *ps, enum lp_op op)
{
    struct lp_pred *pr;

    if (ps->lp->npreds == LP_PREDS)
        return -1;
    pr = &ps->lp->preds[ps->lp->npreds];
    memset(pr, 0, sizeof(*pr));
    pr->op = op;
    return ps->lp->npreds++;
}

static int pred_or(struct lp_parse *ps);

/* @a, @a = 'x', @a != 'x' */
static int pred_attr(struct lp_parse *ps)
{
    char *name = attr_name(ps);
    enum lp_op op = LP_ATTR;
    char *lit = NULL;
    int k;

    if (name == NULL)
        return -1;
    ws(ps);
    if (eat(ps, "!=")) {
        op = LP_ATTR_NE;
    } else if (eat(ps, "=")) {
        op = LP_ATTR_EQ;
    }
    if (op == LP_ATTR_EQ && (ws(ps), *ps->p == '$')) {
        char *var = var_ref(ps);

        k = var != NULL ? new_pred(ps, LP_EQ_VAR) : -1;
        if (k < 0) {
            free(name);
            free(var);
            return -1;
        }
        ps->lp->preds[k].name = name;
        ps->lp->preds[k].var = var;
        return k;
    }
    if (op != LP_ATTR) {
        lit = literal(ps);
        if (lit == NULL) {
            free(name);
            return -1;
        }
    }
    k = new_pred(ps, op);
    if (k < 0) {
        free(name);
        free(lit);
        return -1;
    }
    ps->lp->preds[k].name = name;
    ps->lp->preds[k].lit = lit;
    return k;
}

/* ancestor::p:n [/@a] (after the axis) */
static int pred_ancestor(struct lp_parse *ps)
{
    const char *uri;
    char *name;
    char *attr = NULL;
    int k;

    if (!name_test(ps, &uri, &name))
        return -1;
    ws(ps);
    if (ps->p[0] == '/' && ps->p[1] != '/') {
        ps->p++;
        attr = attr_name(ps);
        if (attr == NULL) {
            free(name);
            return -1;
        }
    }
    ws(ps);
    if (*ps->p == '[' || *ps->p == '/' || (k = new_pred(ps, LP_ANCESTOR)) < 0) {
        free(name);
        free(attr);
        return -1;
    }
    ps->lp->preds[k].uri = uri;
    ps->lp->preds[k].name = name;
    ps->lp->preds[k].lit = attr; /* the attribute, or NULL */
    return k;
}

/* string-length(@a) = n */
static int pred_length(struct lp_parse *ps)
{
    char *name;
    int n = -1;
    int k;

    if (!eat(ps, "("))
        return -1;
    name = attr_name(ps);
    if (name != NULL && eat(ps, ")") && eat(ps, "="))
        n = small_int(ps);
    if (n < 0 || (k = new_pred(ps, LP_LENGTH)) < 0) {
        free(name);
        return -1;
    }
    ps->lp->preds[k].name = name;
    ps->lp->preds[k].len = n;
    return k;
}

/* substring(@a, i, n) = 'lit' | $v, i >= 1 */
static int pred_substr(struct lp_parse *ps)
{
    char *name;
    char *lit = NULL;
    char *var = NULL;
    int from = -1;
    int len = -1;
    int k = -1;

    if (!eat(ps, "("))
        return -1;
    name = attr_name(ps);
    if (name != NULL && eat(ps, ","))
        from = small_int(ps);
    if (from >= 1 && eat(ps, ","))
        len = small_int(ps);
    if (len >= 0 && eat(ps, ")") && eat(ps, "=")) {
        if (*ps->p == '$')
            var = var_ref(ps);
        else
            lit = literal(ps);
    }
    if (lit != NULL || var != NULL)
        k = new_pred(ps, LP_SUBSTR);
    if (k < 0) {
        free(name);
        free(lit);
        free(var);
        return -1;
    }
    ps->lp->preds[k].name = name;
    ps->lp->preds[k].lit = lit;
    ps->lp->preds[k].var = var;
    ps->lp->preds[k].from = from;
    ps->lp->preds[k].len = len;
    return k;
}

static int pred_starts(struct lp_parse *ps)
{
    char *name;
    char *lit;
    int k;

    if (!eat(ps, "("))
        return -1;
    name = attr_name(ps);
    lit = name != NULL && eat(ps, ",") ? literal(ps) : NULL;
    if (lit == NULL || !eat(ps, ")") || (k = new_pred(ps, LP_STARTS)) < 0) {
        free(name);
        free(lit);
        return -1;
    }
    ps->lp->preds[k].name = name;
    ps->lp->preds[k].lit = lit;
    return k;
}

static int pred_primary(struct lp_parse *ps)
{
    const char *uri;
    char *name;
    int a;
    int k;

    ws(ps);
    if (*ps->p == '@')
        return pred_attr(ps);
    if (*ps->p == '(') {
        ps->p++;
        a = pred_or(ps);
        return a >= 0 && eat(ps, ")") ? a : -1;
    }
    if (word_at(ps, "not")) {
        ps->p += 3;
        if (!eat(ps, "("))
            return -1;
        a = pred_or(ps);
        if (a < 0 || !eat(ps, ")") || (k = new_pred(ps, LP_NOT)) < 0)
            return -1;
        ps->lp->preds[k].a = a;
        return k;
    }
    if (word_at(ps, "starts-with")) {
        ps->p += 11;
        return pred_starts(ps);
    }
    if (strncmp(ps->p, "ancestor::", 10) == 0) {
        ps->p += 10;
        return pred_ancestor(ps);
    }
    if (word_at(ps, "string-length")) {
        ps->p += 13;
        return pred_length(ps);
    }
    if (word_at(ps, "substring")) {
        ps->p += 9;
        return pred_substr(ps);
    }
    if (*ps->p == '$') {
        char *var = var_ref(ps);

        ws(ps);
        k = var != NULL && (*ps->p == ']' || *ps->p == ')' ||
                            word_at(ps, "and") || word_at(ps, "or"))
                ? new_pred(ps, LP_HAS_VAR)
                : -1;
        if (k < 0) {
            free(var);
            return -1;
        }
        ps->lp->preds[k].var = var;
        return k;
    }
    if (!name_test(ps, &uri, &name))
        return -1;
    ws(ps);
    if (*ps->p == '/' || *ps->p == '[' || *ps->p == '(' ||
        (k = new_pred(ps, LP_CHILD)) < 0) {
        free(name);
        return -1;
    }
    ps->lp->preds[k].uri = uri;
    ps->lp->preds[k].name = name;
    return k;
}

/* 'and' binds tighter than 'or': pred_chain(ps, 1) reads an 'and'
 * chain of primaries, pred_chain(ps, 0) an 'or' chain of those. */
static int pred_chain(struct lp_parse *ps, int and)
{
    const char *word = and ? "and" : "or";
    int a = and ? pred_primary(ps) : pred_chain(ps, 1);
    int k;

    for (;;) {
        ws(ps);
        if (a < 0 || !word_at(ps, word))
            return a;
        ps->p += strlen(word);
        k = new_pred(ps, and ? LP_AND : LP_OR);
        if (k < 0)
            return -1;
        ps->lp->preds[k].a = a;
        ps->lp->preds[k].b = and ? pred_primary(ps) : pred_chain(ps, 1);
        if (ps->lp->preds[k].b < 0)
            return -1;
        a = k;
    }
}

static int pred_or(struct lp_parse *ps)
{
    return pred_chain(ps, 0);
}

/* [axis::] nametest pred* into a new step of 'pa' */
static int step(struct lp_parse *ps, struct lp_path *pa, enum lp_axis axis)
{
    struct lp_step *st;

    ws(ps);
    if (pa->nsteps == LP_STEPS || pa->attr != NULL)
        return 0;
    if (strncmp(ps->p, "descendant-or-self::", 20) == 0) {
        if (axis != LP_CHILD_AXIS)
            return 0;
        axis = LP_DESC_SELF;
        ps->p += 20;
    } else if (strncmp(ps->p, "descendant::", 12) == 0) {
        if (axis != LP_CHILD_AXIS)
            return 0;
        axis = LP_DESC;
        ps->p += 12;
    } else if (strncmp(ps->p, "child::", 7) == 0) {
        ps->p += 7;
    }
    st = &pa->steps[pa->nsteps];
    memset(st, 0, sizeof(*st));
    st->axis = axis;
    if (!name_test(ps, &st->uri, &st->name))
        return 0;
    pa->nsteps++;
    for (;;) {
        ws(ps);
        if (*ps->p != '[')
            return 1;
        ps->p++;
        if (st->npreds == 4)
            return 0;
        st->preds[st->npreds] = pred_or(ps);
        if (st->preds[st->npreds] < 0 || !eat(ps, "]"))
            return 0;
        st->npreds++;
    }
}

/* The steps after the start: ('/' | '//') step ... ['/@' name] */
static int steps(struct lp_parse *ps, struct lp_path *pa)
{
    for (;;) {
        ws(ps);
        if (ps->p[0] == '/' && ps->p[1] == '/') {
            ps->p += 2;
            if (!step(ps, pa, LP_DESC))
                return 0;
        } else if (ps->p[0] == '/') {
            ps->p++;
            ws(ps);
            if (*ps->p == '@') {
                pa->attr = attr_name(ps);
                return pa->attr != NULL;
            }
            if (!step(ps, pa, LP_CHILD_AXIS))
                return 0;
        } else {
            return 1;
        }
    }
}

static int path(struct lp_parse *ps, struct lp_path *pa)
{
    size_t n;

    memset(pa, 0, sizeof(*pa));
    ws(ps);
    if (*ps->p == '$') {
        n = nc_len(ps->p + 1);
        if (n == 0 || ps->p[1 + n] == ':')
            return 0;
        pa->start = LP_VAR;
        pa->var = strndup(ps->p + 1, n);
        ps->p += 1 + n;
        return pa->var != NULL && steps(ps, pa);
    }
    if (ps->p[0] == '.' && ps->p[1] == '.') {
        pa->start = LP_PARENT;
        ps->p += 2;
        return steps(ps, pa) && (pa->nsteps > 0 || pa->attr != NULL);
    }
    if (ps->p[0] == '.') {
        pa->start = LP_CONTEXT;
        ps->p++;
        return steps(ps, pa) && (pa->nsteps > 0 || pa->attr != NULL);
    }
    if (ps->p[0] == '/') {
        pa->start = LP_ROOT;
        if (ps->p[1] == '/') {
            ps->p += 2;
            if (!step(ps, pa, LP_DESC))
                return 0;
        } else {
            ps->p++;
            if (!step(ps, pa, LP_CHILD_AXIS))
                return 0;
        }
        return steps(ps, pa);
    }
    pa->start = LP_CONTEXT;
    return step(ps, pa, LP_CHILD_AXIS) && steps(ps, pa);
}

/* Free what 'lp' owns (not 'lp'). */
static void lpath_release(struct bx_lpath *lp)
{
    int i;
    int k;

    for (i = 0; i < lp->npaths; i++) {
        free(lp->paths[i].var);
        free(lp->paths[i].attr);
        for (k = 0; k < lp->paths[i].nsteps; k++)
            free(lp->paths[i].steps[k].name);
    }
    for (i = 0; i < lp->npreds; i++) {
        free(lp->preds[i].name);
        free(lp->preds[i].lit);
        free(lp->preds[i].var);
    }
}

void rules_path_free(struct bx_lpath *lp)
{
    if (lp != NULL)
        lpath_release(lp);
    free(lp);
}

struct bx_lpath *rules_path_parse(const struct bx_ruleset *rs, const char *src)
{
    struct lp_parse ps;
    struct bx_lpath parsed; /* most sources are not paths: no allocation */
    struct bx_lpath *lp = &parsed;

    lp->npaths = 0;
    lp->npreds = 0;
    if (src == NULL)
        return NULL;
    ps.rs = rs;
    ps.lp = lp;
    ps.p = src;
    for (;;) {
        if (lp->npaths == LP_PATHS)
            goto fail;
        /* counted before parsing: a failed path still frees its names */
        if (!path(&ps, &lp->paths[lp->npaths++]))
            goto fail;
        ws(&ps);
        if (*ps.p == '\0')
            break;
        if (*ps.p != '|')
            goto fail;
        ps.p++;
    }
    lp = malloc(sizeof(*lp));
    if (lp == NULL)
        goto fail;
    memcpy(lp, &parsed, sizeof(*lp));
    return lp;
fail:
    lpath_release(&parsed);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Evaluation                                                          */
/* ------------------------------------------------------------------ */

/* A growing list of nodes. */
struct lp_list {
    xmlNodePtr *tab;
    int n, max;
};

static int list_add(struct lp_list *l, xmlNodePtr n)
{
    if (l->n == l->max) {
        int max = l->max ? l->max * 2 : 64;
        xmlNodePtr *t = realloc(l->tab, (size_t)max * sizeof(*t));

        if (t == NULL)
            return 0;
        l->tab = t;
        l->max = max;
    }
    l->tab[l->n++] = n;
    return 1;
}

/*
 * Attributes by name through the document's index (xmlio_attr_index()):
 * an element's names are compared as numbers, side by side, without
 * touching the attribute nodes; only the one found is read.  The names
 * asked for are turned into numbers once per evaluation (by address: the
 * callers pass the rule set's strings and string literals, which stay
 * put and unchanged while rules_attrs_begin() is in force).
 */
#define AI_CACHE 1024

#if defined(__GNUC__)
#define BX_NOINLINE __attribute__((noinline))
#else
#define BX_NOINLINE
#endif

struct ai_slot {
    const char *key;  /* the caller's pointer */
    int id;           /* -1: no attribute of the document has this name */
    const xmlChar *d; /* without an index: the dictionary's string, or NULL:
                         nothing of the document has this name */
};

/* With the index ('ix'), or else by the names' addresses in the
 * document's dictionary ('ix' NULL: xmlio_names_interned()). */
struct ai_state {
    const struct xmlio_attr_index *ix;
    xmlDocPtr doc;
    struct ai_slot cache[AI_CACHE];
};

/* This thread's evaluation's (NULL: none).  Initial-exec: a read of the
 * pointer, not a call per read; eight bytes of the static TLS even when
 * the library is loaded with dlopen(). */
#if defined(__GNUC__)
static _Thread_local struct ai_state *ai_cur
    __attribute__((tls_model("initial-exec")));
#else
static _Thread_local struct ai_state *ai_cur;
#endif

static size_t ptr_hash(const void *p, size_t n)
{
    uintptr_t v = (uintptr_t)p;

    v ^= v >> 17;
    v *= (uintptr_t)0x9E3779B97F4A7C15u;
    return (size_t)(v >> 7) & (n - 1);
}

void rules_attrs_begin(xmlDocPtr doc)
{
    const struct xmlio_attr_index *ix = NULL;

    rules_attrs_end();
    if (doc != NULL && doc->dict != NULL)
        ix = xmlio_attr_index(doc);
    if (ix == NULL &&
        (doc == NULL || doc->dict == NULL || !xmlio_names_interned(doc)))
        return;
    ai_cur = calloc(1, sizeof(*ai_cur)); /* NULL: the lists are walked */
    if (ai_cur != NULL) {
        ai_cur->ix = ix;
        ai_cur->doc = doc;
    }
}

void rules_attrs_end(void)
{
    free(ai_cur);
    ai_cur = NULL;
}

/* The number of attribute name 'name' (-1: no attribute has it). */
static int ai_lookup(struct ai_state *ai, const char *name)
{
    struct ai_slot *c = &ai->cache[ptr_hash(name, AI_CACHE)];
    const xmlChar *d;

    if (c->key == name)
        return c->id;
    d = xmlDictExists(ai->doc->dict, BAD_CAST name, -1);
    c->key = name;
    c->id = d != NULL ? xmlio_attr_id(ai->ix, d) : -1;
    return c->id;
}

/* The string of the document's dictionary that is 'name', or NULL. */
static const xmlChar *ai_name(struct ai_state *ai, const char *name)
{
    struct ai_slot *c = &ai->cache[ptr_hash(name, AI_CACHE)];

    if (c->key != name) {
        c->key = name;
        c->d = xmlDictExists(ai->doc->dict, BAD_CAST name, -1);
    }
    return c->d;
}

/* Attribute 'name' of 'el' by walking its list.  Not inlined, nor is
 * attr_indexed(): rules_attr_named() is then a test and a jump to either
 * (a small document's calls cost what they did without the index). */
static BX_NOINLINE xmlAttrPtr attr_scan(xmlNodePtr el, const char *name)
{
    xmlAttrPtr a;

    /* the first letter first: most attributes differ there (libxml2
     * makes no attribute without a name: xmlNewPropInternal refuses) */
    for (a = el->properties; a != NULL; a = a->next) {
        if (a->name[0] == (xmlChar)name[0] && a->ns == NULL &&
            strcmp((const char *)a->name, name) == 0)
            return a;
    }
    return NULL;
}

/* Attribute 'name' of element 'el' through the index (NULL: it has none),
 * or by walking the list when the index cannot tell. */
static BX_NOINLINE xmlAttrPtr attr_indexed(struct ai_state *ai, xmlNodePtr el,
                                           const char *name)
{
    const struct xmlio_attr_index *ix = ai->ix;
    const struct xmlio_ai_elem *e;
    ptrdiff_t o;
    uint32_t i;
    uint32_t end;
    int id;

    if (el->doc != ai->doc || el->type != XML_ELEMENT_NODE)
        return attr_scan(el, name);
    /* the number xmlXPathOrderDocElems() left in the element */
    o = -(ptrdiff_t)(intptr_t)el->content;
    if (o <= 0 || (size_t)o > ix->nel)
        return attr_scan(el, name);
    e = &ix->elems[o];
    if (e->el != el || (e->start & XMLIO_AI_SCAN))
        return attr_scan(el, name);
    id = ai_lookup(ai, name);
    if (id < 0)
        return NULL;
    end = e[1].start & ~XMLIO_AI_SCAN;
    for (i = e->start; i < end; i++) {
        if (ix->ids[i] == (uint16_t)id)
            return el->properties + (i - e->start);
    }
    return NULL;
}

/* Attribute 'name' of 'el' by walking its list, its names compared by
 * address (a document smaller than the index's minimum). */
static BX_NOINLINE xmlAttrPtr attr_interned(struct ai_state *ai, xmlNodePtr el,
                                            const char *name)
{
    const xmlChar *d;
    xmlAttrPtr a;

    if (el->doc != ai->doc || el->type != XML_ELEMENT_NODE)
        return attr_scan(el, name);
    d = ai_name(ai, name);
    if (d == NULL)
        return NULL; /* no name of the document is 'name' */
    for (a = el->properties; a != NULL; a = a->next) {
        if (a->name == d && a->ns == NULL)
            return a;
    }
    return NULL;
}

xmlAttrPtr rules_attr_named(xmlNodePtr el, const char *name)
{
    struct ai_state *ai = ai_cur;

    if (ai == NULL)
        return attr_scan(el, name);
    if (ai->ix == NULL)
        return attr_interned(ai, el, name);
    return attr_indexed(ai, el, name);
}

/* The string value of attribute 'a' is 'lit' (cmp 0), starts with it
 * (cmp 1); -1 short of memory. */
static int attr_is(xmlAttrPtr a, const char *lit, int prefix)
{
    xmlNodePtr c = a->children;
    const char *s;
    xmlChar *copy = NULL;
    int r;

    if (c != NULL && c->type == XML_TEXT_NODE && c->next == NULL &&
        c->content != NULL) {
        s = (const char *)c->content;
    } else if (c == NULL) {
        s = "";
    } else {
        copy = xmlNodeGetContent((xmlNodePtr)a);
        if (copy == NULL)
            return -1;
        s = (const char *)copy;
    }
    r = prefix ? strncmp(s, lit, strlen(lit)) == 0 : strcmp(s, lit) == 0;
    xmlFree(copy);
    return r;
}

static int is_elem(xmlNodePtr n, const char *uri, const char *name)
{
    if (n->type != XML_ELEMENT_NODE)
        return 0;
    if (name == NULL)
        return 1;
    return n->name[0] == (xmlChar)name[0] &&
           strcmp((const char *)n->name, name) == 0 && n->ns != NULL &&
           n->ns->href != NULL && strcmp((const char *)n->ns->href, uri) == 0;
}

#define PRED_NOMEM (-1)
#define PRED_DECLINE (-2) /* what the walk does not model: XPath decides */

/* Variable 'name' when it holds a value of 'type', else NULL. */
static xmlXPathObjectPtr variable(xmlXPathContextPtr xp, const char *name,
                                  xmlXPathObjectType type)
{
    xmlXPathObjectPtr v =
        xp != NULL && xp->varHash != NULL
            ? xmlHashLookup2(xp->varHash, BAD_CAST name, NULL)
            : NULL;

    if (v == NULL || v->type != type ||
        (type == XPATH_STRING && v->stringval == NULL))
        return NULL;
    return v;
}

/* Past 'n' characters of UTF-8 's' (at most to its end). */
static const xmlChar *chars(const xmlChar *s, int n)
{
    int size;

    for (; n > 0 && *s != '\0'; n--) {
        size = xmlUTF8Size(s);
        s += size > 0 ? size : 1;
    }
    return s;
}

/*
 * string-length(@a) = n, substring(@a, i, n) = 'lit' | $v on 'el', as
 * libxml2 computes them: string(@a) is "" without the attribute, lengths
 * count characters, substring(s, i, n) is the characters i .. i+n-1
 * (1-based) that s has.
 */
static int pred_chars(const struct lp_pred *pr, xmlXPathContextPtr xp,
                      xmlNodePtr el)
{
    xmlAttrPtr a = rules_attr_named(el, pr->name);
    xmlChar *s = a != NULL ? xmlNodeGetContent((xmlNodePtr)a)
                           : xmlStrdup(BAD_CAST "");
    const char *want = pr->lit;
    const xmlChar *from;
    const xmlChar *end;
    int r;

    if (s == NULL)
        return PRED_NOMEM;
    if (pr->var != NULL) {
        xmlXPathObjectPtr v = variable(xp, pr->var, XPATH_STRING);

        want = v != NULL ? (const char *)v->stringval : NULL;
    }
    if (pr->op == LP_LENGTH) {
        r = xmlUTF8Strlen(s) == pr->len;
    } else if (want == NULL) {
        r = PRED_DECLINE;
    } else {
        from = chars(s, pr->from - 1);
        end = chars(from, pr->len);
        r = strlen(want) == (size_t)(end - from) &&
            memcmp(from, want, (size_t)(end - from)) == 0;
    }
    xmlFree(s);
    return r;
}

/* Predicate 'k' on element 'el': 1, 0, PRED_NOMEM or PRED_DECLINE. */
static int pred(const struct bx_lpath *lp, xmlXPathContextPtr xp, int k,
                xmlNodePtr el)
{
    const struct lp_pred *pr = &lp->preds[k];
    xmlXPathObjectPtr v;
    xmlAttrPtr a;
    xmlNodePtr c;
    int r;

    switch (pr->op) {
    case LP_OR:
        r = pred(lp, xp, pr->a, el);
        return r != 0 ? r : pred(lp, xp, pr->b, el);
    case LP_AND:
        r = pred(lp, xp, pr->a, el);
        return r != 1 ? r : pred(lp, xp, pr->b, el);
    case LP_NOT:
        r = pred(lp, xp, pr->a, el);
        return r < 0 ? r : !r;
    case LP_ATTR:
        return rules_attr_named(el, pr->name) != NULL;
    case LP_ATTR_EQ:
    case LP_ATTR_NE:
        a = rules_attr_named(el, pr->name);
        if (a == NULL)
            return 0;
        r = attr_is(a, pr->lit, 0);
        return r < 0 ? r : (pr->op == LP_ATTR_EQ ? r : !r);
    case LP_STARTS:
        a = rules_attr_named(el, pr->name);
        if (a == NULL)
            return pr->lit[0] == '\0';
        return attr_is(a, pr->lit, 1);
    case LP_CHILD:
        for (c = el->children; c != NULL; c = c->next) {
            if (is_elem(c, pr->uri, pr->name))
                return 1;
        }
        return 0;
    case LP_HAS_VAR:
        v = variable(xp, pr->var, XPATH_NODESET);
        if (v == NULL)
            return PRED_DECLINE;
        return v->nodesetval != NULL && v->nodesetval->nodeNr > 0;
    case LP_EQ_VAR:
        v = variable(xp, pr->var, XPATH_STRING);
        if (v == NULL)
            return PRED_DECLINE;
        a = rules_attr_named(el, pr->name);
        return a == NULL ? 0 : attr_is(a, (const char *)v->stringval, 0);
    case LP_LENGTH:
    case LP_SUBSTR:
        return pred_chars(pr, xp, el);
    case LP_ANCESTOR:
        for (c = el->parent; c != NULL && c->type == XML_ELEMENT_NODE;
             c = c->parent) {
            if (is_elem(c, pr->uri, pr->name) &&
                (pr->lit == NULL || rules_attr_named(c, pr->lit) != NULL))
                return 1;
        }
        return 0;
    }
    return 0;
}

/* Whether 'el' passes the test and predicates of 'st': 1, 0, -1. */
static int match(const struct bx_lpath *lp, xmlXPathContextPtr xp,
                 const struct lp_step *st, xmlNodePtr el)
{
    int i;
    int r;

    if (!is_elem(el, st->uri, st->name))
        return 0;
    for (i = 0; i < st->npreds; i++) {
        r = pred(lp, xp, st->preds[i], el);
        if (r != 1)
            return r;
    }
    return 1;
}

enum { LP_DONE = 1, LP_NOT_HANDLED = 0, LP_NOMEM = -1 };

/* The node after 'c' in document order within the subtree of 'top' (an
 * element's children first), NULL at its end. */
static xmlNodePtr walk_next(xmlNodePtr c, xmlNodePtr top)
{
    if (c->type == XML_ELEMENT_NODE && c->children != NULL)
        return c->children;
    while (c != NULL && c->next == NULL) {
        c = c->parent;
        if (c == top)
            return NULL;
    }
    return c != NULL ? c->next : NULL;
}

/* The matching descendants of 'top' in document order into 'out'. */
static int descend(const struct bx_lpath *lp, xmlXPathContextPtr xp,
                   const struct lp_step *st, xmlNodePtr top,
                   struct lp_list *out)
{
    xmlNodePtr c = top->children;
    int r;

    while (c != NULL) {
        if (c->type == XML_ELEMENT_NODE) {
            r = match(lp, xp, st, c);
            if (r < 0)
                return r == PRED_DECLINE ? LP_NOT_HANDLED : LP_NOMEM;
            if (r == 1 && !list_add(out, c))
                return LP_NOMEM;
        } else if (c->type == XML_ENTITY_REF_NODE ||
                   c->type == XML_ENTITY_NODE) {
            return LP_NOT_HANDLED; /* XPath's walk enters these */
        }
        c = walk_next(c, top);
    }
    return LP_DONE;
}

/* Whether 'n' lies in the subtree of 'top' (below it). */
static int inside(xmlNodePtr n, xmlNodePtr top)
{
    for (n = n->parent; n != NULL; n = n->parent) {
        if (n == top)
            return 1;
    }
    return 0;
}

/* One step from every node of 'in' (document order) into 'out'. */
static int take_step(const struct bx_lpath *lp, xmlXPathContextPtr xp,
                     const struct lp_step *st, const struct lp_list *in,
                     struct lp_list *out)
{
    xmlNodePtr top = NULL;
    xmlNodePtr c;
    int i;
    int r;

    for (i = 0; i < in->n; i++) {
        xmlNodePtr n = in->tab[i];

        if (top != NULL && inside(n, top)) {
            /* below an input already taken: a descendant step found its
               nodes then; a child step would interleave the two */
            if (st->axis == LP_CHILD_AXIS)
                return LP_NOT_HANDLED;
            continue;
        }
        top = n;
        if (st->axis == LP_DESC_SELF) {
            r = match(lp, xp, st, n);
            if (r < 0)
                return r == PRED_DECLINE ? LP_NOT_HANDLED : LP_NOMEM;
            if (r == 1 && !list_add(out, n))
                return LP_NOMEM;
        }
        if (st->axis != LP_CHILD_AXIS) {
            r = descend(lp, xp, st, n, out);
            if (r != LP_DONE)
                return r;
            continue;
        }
        for (c = n->children; c != NULL; c = c->next) {
            r = match(lp, xp, st, c);
            if (r < 0)
                return r == PRED_DECLINE ? LP_NOT_HANDLED : LP_NOMEM;
            if (r == 1 && !list_add(out, c))
                return LP_NOMEM;
        }
    }
    return LP_DONE;
}

/* Where path 'pa' starts from 'node': into 'in'. */
static int start_of(const struct lp_path *pa, xmlXPathContextPtr xp,
                    xmlNodePtr node, struct lp_list *in)
{
    xmlXPathObjectPtr v;
    xmlNodePtr n = NULL;

    switch (pa->start) {
    case LP_CONTEXT:
        n = node;
        break;
    case LP_PARENT:
        /* of an element: an element or the document; of an attribute:
           its element */
        if (node->type != XML_ELEMENT_NODE &&
            node->type != XML_ATTRIBUTE_NODE)
            return LP_NOT_HANDLED;
        n = node->parent;
        break;
    case LP_ROOT:
        n = (xmlNodePtr)node->doc;
        break;
    case LP_VAR:
        v = xp != NULL && xp->varHash != NULL
                ? xmlHashLookup2(xp->varHash, BAD_CAST pa->var, NULL)
                : NULL;
        if (v == NULL || v->type != XPATH_NODESET)
            return LP_NOT_HANDLED;
        if (v->nodesetval == NULL || v->nodesetval->nodeNr == 0)
            return LP_DONE; /* an empty set: nothing */
        if (v->nodesetval->nodeNr > 1)
            return LP_NOT_HANDLED;
        n = v->nodesetval->nodeTab[0];
        break;
    }
    if (n == NULL)
        return LP_DONE;
    if (n->type != XML_ELEMENT_NODE && n->type != XML_DOCUMENT_NODE)
        return LP_NOT_HANDLED;
    return list_add(in, n) ? LP_DONE : LP_NOMEM;
}

/* The nodes path 'pa' selects from 'node' into 'res'. */
static int eval_path(const struct bx_lpath *lp, const struct lp_path *pa,
                     xmlXPathContextPtr xp, xmlNodePtr node,
                     struct lp_list *res)
{
    struct lp_list a = {NULL, 0, 0};
    struct lp_list b = {NULL, 0, 0};
    struct lp_list t;
    xmlAttrPtr at;
    int r;
    int k;
    int i;

    r = start_of(pa, xp, node, &a);
    for (k = 0; r == LP_DONE && k < pa->nsteps && a.n > 0; k++) {
        b.n = 0;
        r = take_step(lp, xp, &pa->steps[k], &a, &b);
        t = a;
        a = b;
        b = t;
    }
    if (r == LP_DONE && pa->nsteps == 0 && a.n > 0 &&
        a.tab[0]->type != XML_ELEMENT_NODE)
        r = LP_NOT_HANDLED; /* "$x" holding the document */
    for (i = 0; r == LP_DONE && i < a.n; i++) {
        if (pa->attr == NULL) {
            if (!list_add(res, a.tab[i]))
                r = LP_NOMEM;
            continue;
        }
        if (a.tab[i]->type != XML_ELEMENT_NODE)
            continue;
        at = rules_attr_named(a.tab[i], pa->attr);
        if (at != NULL && !list_add(res, (xmlNodePtr)at))
            r = LP_NOMEM;
    }
    free(a.tab);
    free(b.tab);
    return r;
}

/* Document order of an element (xmlXPathOrderDocElems), else 0. */
static ptrdiff_t elem_order(xmlNodePtr el)
{
    ptrdiff_t v = -(ptrdiff_t)(intptr_t)el->content;

    return el->type == XML_ELEMENT_NODE && v > 0 ? v : 0;
}

struct lp_key {
    ptrdiff_t el;
    int attr; /* 0: the element, else 1 + position of the attribute */
    xmlNodePtr node;
};

static int key_cmp(const void *x, const void *y)
{
    const struct lp_key *a = x;
    const struct lp_key *b = y;

    if (a->el != b->el)
        return a->el < b->el ? -1 : 1;
    return (a->attr > b->attr) - (a->attr < b->attr);
}

static int sort_key(xmlNodePtr n, struct lp_key *k)
{
    xmlAttrPtr a;
    int pos = 1;

    k->node = n;
    k->attr = 0;
    if (n->type == XML_ATTRIBUTE_NODE) {
        for (a = n->parent->properties; a != NULL && a != (xmlAttrPtr)n;
             a = a->next)
            pos++;
        k->attr = pos;
        n = n->parent;
    }
    k->el = elem_order(n);
    return k->el > 0;
}

/* 'l' in document order, each node once: 0 when it cannot tell. */
static int sort_union(struct lp_list *l)
{
    struct lp_key *keys = malloc((size_t)l->n * sizeof(*keys));
    int i;
    int n = 0;

    if (keys == NULL)
        return LP_NOMEM;
    for (i = 0; i < l->n; i++) {
        if (!sort_key(l->tab[i], &keys[i])) {
            free(keys);
            return LP_NOT_HANDLED;
        }
    }
    qsort(keys, (size_t)l->n, sizeof(*keys), key_cmp);
    for (i = 0; i < l->n; i++) {
        if (n == 0 || keys[i].node != l->tab[n - 1])
            l->tab[n++] = keys[i].node;
    }
    l->n = n;
    free(keys);
    return LP_DONE;
}

int rules_path_eval(const struct bx_lpath *lp, xmlXPathContextPtr xp,
                    xmlNodePtr node, xmlNodeSetPtr out, int grow)
{
    struct lp_list res = {NULL, 0, 0};
    int nonempty = 0;
    int r = LP_DONE;
    int i;

    out->nodeNr = 0;
    if (lp == NULL || node == NULL)
        return LP_NOT_HANDLED;
    for (i = 0; r == LP_DONE && i < lp->npaths; i++) {
        int before = res.n;

        r = eval_path(lp, &lp->paths[i], xp, node, &res);
        if (res.n > before)
            nonempty++;
    }
    if (r == LP_DONE && nonempty > 1)
        r = sort_union(&res);
    for (i = 0; r == LP_DONE && i < res.n; i++) {
        if (grow) {
            if (xmlXPathNodeSetAddUnique(out, res.tab[i]) != 0)
                r = LP_NOMEM;
        } else if (out->nodeNr < out->nodeMax) {
            out->nodeTab[out->nodeNr++] = res.tab[i];
        } else {
            r = LP_NOT_HANDLED;
        }
    }
    free(res.tab);
    if (r != LP_DONE)
        out->nodeNr = 0;
    return r;
}

/* Path 'pa' is ".//p:n" (or "descendant::p:n"): no predicate, no
 * attribute, one descendant step from the context node. */
static int simple_descendant(const struct bx_lpath *lp)
{
    const struct lp_path *pa = &lp->paths[0];

    return lp->npaths == 1 && pa->start == LP_CONTEXT && pa->nsteps == 1 &&
           pa->steps[0].axis == LP_DESC && pa->steps[0].npreds == 0 &&
           pa->attr == NULL;
}

/* Some descendant element of 'top' passes one of the 'n' name tests of
 * 'st' (one walk, stopping at the first). */
static int some_descendant(const struct lp_step *const *st, int n,
                           xmlNodePtr top)
{
    xmlNodePtr c = top->children;
    int k;

    while (c != NULL) {
        if (c->type == XML_ELEMENT_NODE) {
            for (k = 0; k < n; k++) {
                if (is_elem(c, st[k]->uri, st[k]->name))
                    return 1;
            }
        } else if (c->type == XML_ENTITY_REF_NODE ||
                   c->type == XML_ENTITY_NODE) {
            return -1;
        }
        c = walk_next(c, top);
    }
    return 0;
}

int rules_path_exists(struct bx_lpath *const *lps, int n,
                      xmlXPathContextPtr xp, xmlNodePtr node)
{
    const struct lp_step *simple[8];
    int nsimple = 0;
    xmlNodeSetPtr set;
    int found = 0;
    int r = LP_DONE;
    int k;

    if (node == NULL || (node->type != XML_ELEMENT_NODE &&
                         node->type != XML_DOCUMENT_NODE))
        return -1;
    /* the ".//p:n" terms together: one walk that stops at the first */
    for (k = 0; k < n; k++) {
        if (simple_descendant(lps[k]) && nsimple < 8)
            simple[nsimple++] = &lps[k]->paths[0].steps[0];
    }
    if (nsimple > 0) {
        found = some_descendant(simple, nsimple, node);
        if (found != 0)
            return found; /* 1, or -1: an entity reference */
    }
    set = xmlXPathNodeSetCreate(NULL);
    if (set == NULL)
        return -2;
    for (k = 0, nsimple = 0; k < n && r == LP_DONE && !found; k++) {
        if (simple_descendant(lps[k]) && nsimple < 8) {
            nsimple++;
            continue; /* walked above */
        }
        r = rules_path_eval(lps[k], xp, node, set, 1);
        found = set->nodeNr > 0;
    }
    xmlXPathFreeNodeSet(set);
    if (r != LP_DONE)
        return r == LP_NOT_HANDLED ? -1 : -2;
    return found;
}
