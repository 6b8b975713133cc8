/*
 * Business rules, the expressions of a rule set as a plan: every XPath
 * expression the rule set compiles is recorded here with its source, so
 * that the evaluator can
 *  - share per document what identical sources select (the same context
 *    of each {col} copy of a check: one evaluation, not one per column);
 *  - read the commonest expressions, a path of child elements ending in
 *    an attribute ("@total", "bx:income/bx:grandTotal/@amount"), straight
 *    from the tree instead of through libxml2's XPath machine.
 * The expressions themselves stay data: the XPath of the rule file, with
 * the meaning XPath 1.0 gives it.  Everything here is a cache: without it
 * (short of memory) every expression goes through XPath as before.
 */
#define _POSIX_C_SOURCE 200809L

#include "rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpathInternals.h>

#include "util.h"

int rules_fast_paths = 1;

/* ------------------------------------------------------------------ */
/* Expressions that do not read the context node                       */
/* ------------------------------------------------------------------ */

static int name_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' ||
           c == ':' || (c & 0x80) != 0;
}

/* A variable bound once per document: $T1 ... $T14, $meta, $template. */
static int document_variable(const char *name, size_t len)
{
    size_t i;

    if ((len == 4 && strncmp(name, "meta", 4) == 0) ||
        (len == 8 && strncmp(name, "template", 8) == 0))
        return 1;
    if (len < 2 || name[0] != 'T')
        return 0;
    for (i = 1; i < len; i++) {
        if (name[i] < '0' || name[i] > '9')
            return 0;
    }
    return 1;
}

/* Past the string literal at 'p' ('...' or "..."), NULL if unterminated. */
static const char *past_literal(const char *p)
{
    const char *q = strchr(p + 1, *p);

    return q != NULL ? q + 1 : NULL;
}

/* Past the variable reference at 'p', NULL if it is bound per node
 * ($self, $arg, $figkey) rather than once per document. */
static const char *past_variable(const char *p)
{
    const char *b = ++p;

    while (name_char((unsigned char)*p))
        p++;
    return document_variable(b, (size_t)(p - b)) ? p : NULL;
}

/* Whether every variable 'expr' reads is bound once per document. */
static int document_variables_only(const char *expr)
{
    const char *p = expr;

    while (p != NULL && *p != '\0') {
        if (*p == '\'' || *p == '"')
            p = past_literal(p);
        else if (*p == '$')
            p = past_variable(p);
        else
            p++;
    }
    return p != NULL;
}

/*
 * Whether 'expr' has the same value on every context node (a guard
 * evaluated once per document, a figure read once): no variable but
 * those bound once per document ($T1..., $meta, $template), and
 * outside predicates every location path starts at a variable or the
 * root.  A token scan, conservative: a name, '@', '.', '*' or a call
 * without arguments (name(), position()) that does not follow '/' or
 * '::' counts as reading the context node.  Predicates are skipped: they
 * are evaluated on the nodes of the path they filter.
 */
int rules_expr_static(const char *expr)
{
    const char *p = expr;
    int depth = 0;
    char prev = '\0'; /* last significant character outside predicates */

    if (expr == NULL || *expr == '\0')
        return 0;
    while (*p != '\0') {
        if (*p == '\'' || *p == '"') {
            p = past_literal(p);
            if (p == NULL)
                return 0;
            prev = '\'';
            continue;
        }
        if (*p == '$') {
            /* in predicates too: $arg, $figkey, $self are bound per node */
            p = past_variable(p);
            if (p == NULL)
                return 0;
            if (depth == 0)
                prev = 'v';
            continue;
        }
        if (*p == '[') {
            depth++;
            p++;
            continue;
        }
        if (*p == ']') {
            if (--depth < 0)
                return 0;
            p++;
            prev = ']';
            continue;
        }
        if (depth > 0 || *p == ' ' || *p == '\t' || *p == '\n' ||
            *p == '\r') {
            p++;
            continue;
        }

        if (*p == '@' || *p == '.' || *p == '*') {
            if (prev != '/' && prev != ':')
                return 0;
            prev = *p == '@' ? '@' : 'n'; /* "@name": the name follows */
            p++;
            continue;
        }
        if (p[0] == ':' && p[1] == ':') {
            p += 2;
            prev = ':';
            continue;
        }
        if (name_char((unsigned char)*p) && *p != ':' && *p != '-' &&
            !(*p >= '0' && *p <= '9')) {
            const char *b = p;
            size_t len;
            const char *q;

            while (name_char((unsigned char)*p) &&
                   !(p[0] == ':' && p[1] == ':'))
                p++;
            len = (size_t)(p - b);
            for (q = p; *q == ' ' || *q == '\t' || *q == '\n'; q++)
                ;
            if (prev == '/' || prev == '@' ||
                (prev == ':' && b > expr + 1 && b[-1] == ':')) {
                prev = 'n'; /* a step of a path */
                continue;
            }
            if ((prev == ')' || prev == ']' || prev == '\'' || prev == 'n' ||
                 prev == 'v' || prev == '0') &&
                ((len == 3 && (strncmp(b, "and", 3) == 0 ||
                               strncmp(b, "div", 3) == 0 ||
                               strncmp(b, "mod", 3) == 0)) ||
                 (len == 2 && strncmp(b, "or", 2) == 0))) {
                prev = 'o'; /* an operator */
                continue;
            }
            if (*q == '(') {
                for (q++; *q == ' ' || *q == '\t' || *q == '\n'; q++)
                    ;
                /* name(), string(), position(): the context node;
                   text(), node(): a relative step */
                if (*q == ')' && !(len == 4 && strncmp(b, "true", 4) == 0) &&
                    !(len == 5 && strncmp(b, "false", 5) == 0))
                    return 0;
                prev = 'f';
                continue;
            }
            return 0; /* a relative path */
        }
        if (*p >= '0' && *p <= '9') {
            while ((*p >= '0' && *p <= '9') || *p == '.')
                p++;
            prev = '0';
            continue;
        }
        prev = *p++; /* / ( ) , | = ! < > + - */
    }
    return depth == 0;
}

/* ------------------------------------------------------------------ */
/* Recognising a fast path                                             */
/* ------------------------------------------------------------------ */

static int ncname_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int ncname_char(int c)
{
    return ncname_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

/* An ASCII NCName at 'p': its length, else 0. */
static size_t ncname(const char *p)
{
    size_t n = 0;

    if (!ncname_start((unsigned char)p[0]))
        return 0;
    while (ncname_char((unsigned char)p[n]))
        n++;
    return n;
}

/* The namespace the rule set's evaluator binds 'prefix' to (rules_eval.c
 * registers the rule file's prefixes, then bx), or NULL. */
const char *rules_expr_prefix_uri(const struct bx_ruleset *rs,
                                  const char *prefix, size_t len)
{
    size_t i;

    if (len == 2 && strncmp(prefix, "bx", 2) == 0)
        return BX_NAMESPACE;
    for (i = rs->nns; i > 0; i--) {
        const struct bx_ns *ns = &rs->ns[i - 1];

        if (ns->prefix != NULL && ns->uri != NULL &&
            strlen(ns->prefix) == len && strncmp(ns->prefix, prefix, len) == 0)
            return ns->uri;
    }
    return NULL;
}

/* A QName "prefix:name" at 'p' into step 'k' of 'e'; its length, else 0. */
static size_t qname(const struct bx_ruleset *rs, struct bx_expr_info *e,
                    int k, const char *p)
{
    size_t plen = ncname(p);
    size_t n;

    if (plen == 0 || p[plen] != ':' || k >= BX_FAST_STEPS)
        return 0;
    n = ncname(p + plen + 1);
    if (n == 0)
        return 0;
    e->uri[k] = rules_expr_prefix_uri(rs, p, plen);
    free(e->name[k]); /* a failed parse of another form may have set it */
    e->name[k] = strndup(p + plen + 1, n);
    if (e->uri[k] == NULL || e->name[k] == NULL)
        return 0;
    return plen + 1 + n;
}

/* "@name" at 'p' (after blanks) into attrs[k]; the end, else NULL. */
static const char *attr_step(struct bx_expr_info *e, int k, const char *p)
{
    size_t n;

    p = skip_ws(p);
    if (*p != '@' || k >= BX_FAST_ATTRS)
        return NULL;
    p = skip_ws(p + 1);
    n = ncname(p);
    if (n == 0 || p[n] == ':')
        return NULL;
    free(e->attrs[k]); /* a failed parse of another form may have set it */
    e->attrs[k] = strndup(p, n);
    return e->attrs[k] != NULL ? skip_ws(p + n) : NULL;
}

/* [../] (prefix:name /)* @name */
static int parse_path(const struct bx_ruleset *rs, struct bx_expr_info *e,
                      const char *p)
{
    int k = 0;
    size_t n;

    p = skip_ws(p);
    if (p[0] == '.' && p[1] == '.') {
        p = skip_ws(p + 2);
        if (*p != '/')
            return 0;
        p = skip_ws(p + 1);
        e->up = 1;
    }
    while (*p != '@') {
        n = qname(rs, e, k, p);
        if (n == 0)
            return 0;
        k++;
        p = skip_ws(p + n);
        if (*p != '/')
            return 0;
        p = skip_ws(p + 1);
    }
    p = attr_step(e, 0, p);
    if (p == NULL || *p != '\0')
        return 0;
    e->nsteps = k;
    e->nattrs = 1;
    return 1;
}

/* @a | @b | ... */
static int parse_attrs(struct bx_expr_info *e, const char *p)
{
    int k = 0;

    for (;;) {
        p = attr_step(e, k++, p);
        if (p == NULL)
            return 0;
        if (*p == '\0')
            break;
        if (*p != '|')
            return 0;
        p++;
    }
    e->nattrs = k;
    return 1;
}

/* ([../]p:a | [../]p:b | ...) / @name, every branch from the same node */
static int parse_children(const struct bx_ruleset *rs, struct bx_expr_info *e,
                          const char *p)
{
    int k = 0;
    size_t n;

    p = skip_ws(p);
    if (*p != '(')
        return 0;
    p++;
    for (;;) {
        int up;

        p = skip_ws(p);
        up = p[0] == '.' && p[1] == '.';
        if (up) {
            p = skip_ws(p + 2);
            if (*p != '/')
                return 0;
            p = skip_ws(p + 1);
        }
        if (k > 0 && up != e->up)
            return 0;
        e->up = up;
        n = qname(rs, e, k, p);
        if (n == 0)
            return 0;
        k++;
        p = skip_ws(p + n);
        if (*p == ')')
            break;
        if (*p != '|')
            return 0;
        p++;
    }
    p = skip_ws(p + 1);
    if (*p != '/')
        return 0;
    p = attr_step(e, 0, p + 1);
    if (p == NULL || *p != '\0')
        return 0;
    e->nsteps = k;
    e->nattrs = 1;
    return 1;
}

/* bx:key('name', $self/@a) [/@x] */
static int parse_key(const struct bx_ruleset *rs, struct bx_expr_info *e,
                     const char *p)
{
    const char *q;
    size_t n;

    p = skip_ws(p);
    n = ncname(p);
    if (n == 0 || p[n] != ':' ||
        strcmp(rules_expr_prefix_uri(rs, p, n) != NULL
                   ? rules_expr_prefix_uri(rs, p, n)
                   : "",
               BX_NAMESPACE) != 0 ||
        strncmp(p + n + 1, "key", 3) != 0)
        return 0;
    p = skip_ws(p + n + 4);
    if (*p != '(')
        return 0;
    p = skip_ws(p + 1);
    if (*p != '\'' && *p != '"')
        return 0;
    q = strchr(p + 1, *p);
    if (q == NULL || memchr(p + 1, '\'', (size_t)(q - p - 1)) != NULL ||
        memchr(p + 1, '"', (size_t)(q - p - 1)) != NULL)
        return 0;
    e->key = strndup(p + 1, (size_t)(q - p - 1));
    p = skip_ws(q + 1);
    if (e->key == NULL || *p != ',')
        return 0;
    p = skip_ws(p + 1);
    if (strncmp(p, "$self", 5) != 0 || ncname_char((unsigned char)p[5]))
        return 0;
    p = skip_ws(p + 5);
    if (*p != '/')
        return 0;
    p = attr_step(e, 0, p + 1);
    if (p == NULL || *p != ')')
        return 0;
    e->key_of = e->attrs[0];
    e->attrs[0] = NULL;
    p = skip_ws(p + 1);
    if (*p == '\0')
        return 1;
    if (*p != '/')
        return 0;
    p = attr_step(e, 0, p + 1);
    if (p == NULL || *p != '\0')
        return 0;
    e->nattrs = 1;
    return 1;
}

/*
 * Where the top-level 'or's of 'src' stand: their offsets into 'at'
 * (at most 'max'); the count, or -1 when there are more.
 */
static int top_level_ors(const char *src, size_t *at, int max)
{
    const char *p = src;
    int depth = 0;
    int n = 0;

    while (*p != '\0') {
        if (*p == '\'' || *p == '"') {
            p = past_literal(p);
            if (p == NULL)
                return 0;
            continue;
        }
        if (*p == '(' || *p == '[')
            depth++;
        else if (*p == ')' || *p == ']')
            depth--;
        else if (depth == 0 && p > src &&
                 (p[-1] == ' ' || p[-1] == '\n' || p[-1] == '\t') &&
                 p[0] == 'o' && p[1] == 'r' &&
                 (p[2] == ' ' || p[2] == '\n' || p[2] == '\t')) {
            if (n == max)
                return -1;
            at[n++] = (size_t)(p - src);
        }
        p++;
    }
    return n;
}

/* Whether 'src' is "(* | * / *) / @*[number(.) > 0 or number(.) < 0]"
 * (some attribute of a child or grandchild is a non-zero number), blanks
 * aside. */
static int is_nonzero_test(const char *src)
{
    static const char form[] = "(*|*/*)/@*[number(.)>0ornumber(.)<0]";
    const char *f = form;
    const char *p;

    for (p = src; *p != '\0'; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            continue;
        if (*p != *f)
            return 0;
        f++;
    }
    return *f == '\0';
}

/* P or P ... [or rest]: the leading location paths, then the rest. */
static int parse_any(const struct bx_ruleset *rs, struct bx_expr_info *e,
                     const char *src)
{
    size_t at[BX_FAST_ANY];
    int n = top_level_ors(src, at, BX_FAST_ANY);
    size_t from = 0;
    char *term;
    int k;

    if (n <= 0)
        return 0;
    for (k = 0; k <= n; k++) {
        size_t to = k < n ? at[k] : strlen(src);

        term = strndup(src + from, to - from);
        if (term == NULL)
            return 0;
        e->any[e->nany] = rules_path_parse(rs, term);
        free(term);
        if (e->any[e->nany] == NULL)
            break;
        e->nany++;
        from = to + 2;
    }
    if (e->nany == 0)
        return 0;
    if (k <= n) {
        /* the rest, from the first term that is not a path, as XPath */
        e->any_nonzero = is_nonzero_test(src + from);
        if (e->any_nonzero)
            return 1;
        e->any_tail = xmlXPathCompile(BAD_CAST(src + from));
        if (e->any_tail == NULL)
            return 0;
    }
    return 1;
}

/* The fast path of 'src', if it has one of the forms. */
static void fast_path(const struct bx_ruleset *rs, struct bx_expr_info *e,
                      const char *src)
{
    e->fast = BX_FP_NONE;
    if (parse_path(rs, e, src))
        e->fast = BX_FP_PATH;
    else if (parse_attrs(e, src))
        e->fast = BX_FP_ATTRS;
    else if (parse_children(rs, e, src))
        e->fast = BX_FP_CHILDREN;
    else if (parse_key(rs, e, src))
        e->fast = BX_FP_KEY;
    else if ((e->lpath = rules_path_parse(rs, src)) != NULL)
        e->fast = BX_FP_LPATH;
    else if (parse_any(rs, e, src))
        e->fast = BX_FP_ANY;
    if (e->fast != BX_FP_KEY) {
        free(e->key);
        free(e->key_of);
        e->key = e->key_of = NULL;
    }
    if (e->fast != BX_FP_ANY) {
        int k;

        for (k = 0; k < e->nany; k++)
            rules_path_free(e->any[k]);
        e->nany = 0;
        xmlXPathFreeCompExpr(e->any_tail);
        e->any_tail = NULL;
    }
}

/* ------------------------------------------------------------------ */
/* The table of expressions                                            */
/* ------------------------------------------------------------------ */

void rules_exprs_release(struct bx_ruleset *rs)
{
    size_t i;
    int k;

    for (i = 0; i < rs->nexprs; i++) {
        free(rs->exprs[i].src);
        free(rs->exprs[i].key);
        free(rs->exprs[i].key_of);
        rules_path_free(rs->exprs[i].lpath);
        for (k = 0; k < rs->exprs[i].nany; k++)
            rules_path_free(rs->exprs[i].any[k]);
        xmlXPathFreeCompExpr(rs->exprs[i].any_tail);
        for (k = 0; k < BX_FAST_ATTRS; k++)
            free(rs->exprs[i].attrs[k]);
        for (k = 0; k < BX_FAST_STEPS; k++)
            free(rs->exprs[i].name[k]);
    }
    free(rs->exprs);
    free(rs->expr_slots);
    rs->exprs = NULL;
    rs->expr_slots = NULL;
    rs->nexprs = rs->capexprs = rs->nslots = 0;
}

/*
 * Whether 'src' reads its context only as "$self/ancestor::..." (the same
 * for every row with the same parent element): with those steps read
 * from a variable bound once, it reads no context node at all.
 */
static int reads_only_ancestors(const char *src)
{
    static const char from[] = "$self/ancestor::";
    static const char to[] = "$meta/ancestor::";
    struct bx_buf b;
    const char *p = src;
    const char *q;
    char *copy;
    int r;

    if (src == NULL || strstr(src, from) == NULL)
        return 0;
    buf_init(&b);
    while ((q = strstr(p, from)) != NULL) {
        buf_append(&b, p, (size_t)(q - p));
        buf_puts(&b, to);
        p = q + strlen(from);
    }
    buf_puts(&b, p);
    copy = buf_take(&b, NULL);
    r = copy != NULL && rules_expr_static(copy);
    free(copy);
    return r;
}

void rules_expr_note(struct bx_ruleset *rs, xmlXPathCompExprPtr comp,
                     const char *src)
{
    struct bx_expr_info *e;

    if (rs == NULL || comp == NULL || rs->expr_slots != NULL)
        return;
    if (rs->nexprs == rs->capexprs) {
        size_t cap = rs->capexprs ? rs->capexprs * 2 : 256;
        struct bx_expr_info *grown = realloc(rs->exprs, cap * sizeof(*grown));

        if (grown == NULL)
            return; /* not recorded: evaluated through XPath */
        rs->exprs = grown;
        rs->capexprs = cap;
    }
    e = &rs->exprs[rs->nexprs];
    memset(e, 0, sizeof(*e));
    e->comp = comp;
    e->src = util_strdup(src);
    if (e->src == NULL)
        return;
    e->node_free = document_variables_only(src);
    e->is_static = rules_expr_static(src);
    if (rules_fast_paths) {
        fast_path(rs, e, src);
        e->ancestors_only = reads_only_ancestors(src);
    }
    rs->nexprs++;
}

static size_t ptr_hash(const void *p)
{
    uint64_t h = (uint64_t)(uintptr_t)p;

    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
    return (size_t)(h ^ (h >> 31));
}

void rules_exprs_index(struct bx_ruleset *rs)
{
    xmlHashTablePtr by_src;
    size_t i;

    if (rs->nexprs == 0)
        return;
    for (rs->nslots = 64; rs->nslots < rs->nexprs * 2;)
        rs->nslots *= 2;
    rs->expr_slots = malloc(rs->nslots * sizeof(*rs->expr_slots));
    by_src = xmlHashCreate((int)rs->nexprs);
    if (rs->expr_slots == NULL || by_src == NULL) {
        xmlHashFree(by_src, NULL);
        rules_exprs_release(rs);
        return;
    }
    for (i = 0; i < rs->nslots; i++)
        rs->expr_slots[i] = SIZE_MAX;
    for (i = 0; i < rs->nexprs; i++) {
        struct bx_expr_info *e = &rs->exprs[i];
        size_t s = ptr_hash(e->comp) & (rs->nslots - 1);
        void *first = xmlHashLookup(by_src, BAD_CAST e->src);

        /* identical sources share an id: the first one's index */
        if (first != NULL) {
            e->id = (size_t)(uintptr_t)first - 1;
        } else {
            e->id = i;
            if (xmlHashAddEntry(by_src, BAD_CAST e->src,
                                (void *)(uintptr_t)(i + 1)) != 0)
                e->node_free = 0; /* never shared */
        }
        while (rs->expr_slots[s] != SIZE_MAX)
            s = (s + 1) & (rs->nslots - 1);
        rs->expr_slots[s] = i;
    }
    xmlHashFree(by_src, NULL);
}

const struct bx_expr_info *rules_expr_info(const struct bx_ruleset *rs,
                                           xmlXPathCompExprPtr comp)
{
    size_t s;

    if (rs->expr_slots == NULL || comp == NULL)
        return NULL;
    s = ptr_hash(comp) & (rs->nslots - 1);
    while (rs->expr_slots[s] != SIZE_MAX) {
        if (rs->exprs[rs->expr_slots[s]].comp == comp)
            return &rs->exprs[rs->expr_slots[s]];
        s = (s + 1) & (rs->nslots - 1);
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Evaluating a fast path                                              */
/* ------------------------------------------------------------------ */

/* 'out' grows (made by xmlXPathNodeSetCreate) when its nodeMax is
 * negative on the way in (see fast_into), else holds at most nodeMax. */
struct fast_out {
    xmlNodeSetPtr set;
    int grow;
    int nomem;
};

static int add(struct fast_out *out, xmlAttrPtr a)
{
    xmlNodeSetPtr set = out->set;

    if (out->grow) {
        if (xmlXPathNodeSetAddUnique(set, (xmlNodePtr)a) != 0)
            out->nomem = 1;
        return !out->nomem;
    }
    if (set->nodeNr == set->nodeMax)
        return 0;
    set->nodeTab[set->nodeNr++] = (xmlNodePtr)a;
    return 1;
}


static int is_step(const struct bx_expr_info *e, int k, xmlNodePtr c)
{
    return c->type == XML_ELEMENT_NODE && c->ns != NULL &&
           c->name[0] == (xmlChar)e->name[k][0] &&
           strcmp((const char *)c->name, e->name[k]) == 0 &&
           c->ns->href != NULL &&
           strcmp((const char *)c->ns->href, e->uri[k]) == 0;
}

static int collect(const struct bx_expr_info *e, int k, xmlNodePtr el,
                   struct fast_out *out)
{
    xmlNodePtr c;
    xmlAttrPtr a;

    if (k == e->nsteps) {
        a = rules_attr_named(el, e->attrs[0]);
        return a == NULL || add(out, a);
    }
    for (c = el->children; c != NULL; c = c->next) {
        if (is_step(e, k, c) && !collect(e, k + 1, c, out))
            return 0;
    }
    return 1;
}

/* The older forms (path, attributes, children) on 'node' into 'out'. */
static int fast_into(const struct bx_expr_info *e, xmlNodePtr node,
                     struct fast_out *out)
{
    xmlNodePtr c;
    xmlAttrPtr a;
    int k;

    out->set->nodeNr = 0;
    if (e == NULL || e->fast == BX_FP_NONE || node == NULL)
        return 0;
    /* ".." of an attribute is its element ("../@dep" on the @gpb nodes a
       key files); nothing else is read from an attribute */
    if (node->type != XML_ELEMENT_NODE &&
        !(node->type == XML_ATTRIBUTE_NODE && e->up &&
          (e->fast == BX_FP_PATH || e->fast == BX_FP_CHILDREN)))
        return 0;
    /* every form yields its nodes in document order, once each, as XPath
       sorts a node-set: children in order, each subtree after the one
       before; the attributes of one element in the order they stand */
    switch (e->fast) {
    case BX_FP_PATH:
        if (e->up) {
            /* the parent of an element: an element, or the document
               (which has no attributes and one child, the root) */
            node = node->parent;
            if (node == NULL)
                return 1;
            if (node->type == XML_DOCUMENT_NODE && e->nsteps == 0)
                return 1; /* no attributes */
            if (node->type != XML_ELEMENT_NODE &&
                node->type != XML_DOCUMENT_NODE)
                return 0;
            /* an xmlDoc's children lie where an element's do */
        }
        return collect(e, 0, node, out);
    case BX_FP_ATTRS:
        for (a = node->properties; a != NULL; a = a->next) {
            if (a->ns != NULL || a->name == NULL)
                continue;
            for (k = 0; k < e->nattrs; k++) {
                if (a->name[0] == (xmlChar)e->attrs[k][0] &&
                    strcmp((const char *)a->name, e->attrs[k]) == 0) {
                    if (!add(out, a))
                        return 0;
                    break;
                }
            }
        }
        return 1;
    case BX_FP_CHILDREN:
        if (e->up)
            node = node->parent;
        for (c = node != NULL ? node->children : NULL; c != NULL;
             c = c->next) {
            for (k = 0; k < e->nsteps; k++) {
                if (is_step(e, k, c)) {
                    a = rules_attr_named(c, e->attrs[0]);
                    if (a != NULL && !add(out, a))
                        return 0;
                    break;
                }
            }
        }
        return 1;
    default:
        return 0;
    }
}

int rules_expr_fast(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                    xmlNodePtr node, xmlNodeSetPtr out)
{
    struct fast_out o = {out, 0, 0};

    out->nodeNr = 0;
    if (e != NULL && e->fast == BX_FP_LPATH && node != NULL)
        return rules_path_eval(e->lpath, xp, node, out, 0) == 1;
    return fast_into(e, node, &o);
}

int rules_expr_fast_grow(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                         xmlNodePtr node, xmlNodeSetPtr out)
{
    struct fast_out o = {out, 1, 0};
    int r;

    if (e == NULL || node == NULL)
        return 0;
    if (e->fast == BX_FP_LPATH)
        return rules_path_eval(e->lpath, xp, node, out, 1);
    if (e->fast != BX_FP_PATH && e->fast != BX_FP_ATTRS &&
        e->fast != BX_FP_CHILDREN)
        return 0;
    r = fast_into(e, node, &o);
    return o.nomem ? -1 : r;
}


/* Some attribute of element 'el' has a non-zero number() (XPath's own
 * conversion: NaN is neither > 0 nor < 0): 1, 0, -2 out of memory. */
static int nonzero_attr(xmlNodePtr el)
{
    xmlAttrPtr a;
    xmlChar *s;
    double v;

    for (a = el->properties; a != NULL; a = a->next) {
        xmlNodePtr c = a->children;

        if (c != NULL && c->type == XML_TEXT_NODE && c->next == NULL &&
            c->content != NULL) {
            v = xmlXPathStringEvalNumber(c->content);
        } else {
            s = xmlNodeGetContent((xmlNodePtr)a);
            if (s == NULL)
                return -2;
            v = xmlXPathStringEvalNumber(s);
            xmlFree(s);
        }
        if (v > 0 || v < 0)
            return 1;
    }
    return 0;
}

/* "(* | * / *) / @*[number(.) > 0 or number(.) < 0]" as a truth on
 * 'node'. */
static int nonzero_below(xmlNodePtr node)
{
    xmlNodePtr c;
    xmlNodePtr g;
    int r;

    for (c = node->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        r = nonzero_attr(c);
        for (g = c->children; r == 0 && g != NULL; g = g->next) {
            if (g->type == XML_ELEMENT_NODE)
                r = nonzero_attr(g);
        }
        if (r != 0)
            return r;
    }
    return 0;
}

int rules_expr_any(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                   xmlNodePtr node)
{
    int r;

    if (e == NULL || e->fast != BX_FP_ANY || node == NULL)
        return -1;
    r = rules_path_exists(e->any, e->nany, xp, node);
    if (r != 0)
        return r;
    if (e->any_nonzero)
        return nonzero_below(node);
    return e->any_tail != NULL ? 2 : 0;
}
