/*
 * Business rules: loads schemas/rules/YYYY.xml, validates it against
 * schemas/rules.xsd, compiles every XPath once and keeps the rule set (and
 * its code lists) in the context, one per fiscal year, for all files of a
 * run.  Evaluation is in rules_eval.c.  Uses libxml2 directly (see rules.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpathInternals.h>

#include "datafiles.h"
#include "hash64.h"
#include "rules_digests.h" /* generated: rules_validated[] */
#include "schema_ctxt.h"
#include "templates.h"
#include "util.h"
#include "xmlio.h"

#define RULES_NS "urn:budgetx:rules:1"
#define XML_NS "http://www.w3.org/XML/1998/namespace"

/* One fiscal year asked for, and the rule set that serves it. */
struct year_map {
    int year;
    struct bx_ruleset *rs; /* not owned (the cache's 'sets' owns it) */
    int fallback;          /* the rule set is for another year */
};

struct rules_cache {
    struct bx_ruleset **sets;
    size_t nsets;
    struct year_map *years;
    size_t nyears;
};

/* ------------------------------------------------------------------ */
/* Small helpers over the rule document                                */
/* ------------------------------------------------------------------ */

/* The name first: most elements a walk passes are other ones. */
static int is_rules_elem(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           (name == NULL || strcmp((const char *)n->name, name) == 0) &&
           n->ns != NULL && n->ns->href != NULL &&
           strcmp((const char *)n->ns->href, RULES_NS) == 0;
}

static xmlNodePtr first_child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr c;

    for (c = parent ? parent->children : NULL; c != NULL; c = c->next) {
        if (is_rules_elem(c, name))
            return c;
    }
    return NULL;
}

static xmlNodePtr next_sibling(xmlNodePtr n, const char *name)
{
    for (n = n ? n->next : NULL; n != NULL; n = n->next) {
        if (is_rules_elem(n, name))
            return n;
    }
    return NULL;
}

/* Attribute value as a string owned by the document, or NULL. */
static const char *attr(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = datafiles_prop(n, name);

    if (a == NULL || a->children == NULL)
        return a != NULL ? "" : NULL;
    return (const char *)a->children->content;
}

/* Text of the first element content child, or "". */
static const char *text_of(xmlNodePtr n)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
            return (const char *)c->content;
    }
    return "";
}

/*
 * The text of the child elements 'name' in each language: out[0] zh,
 * out[1] en; a missing language falls back to the other one.
 */
static void texts(xmlNodePtr parent, const char *name, const char *out[2])
{
    xmlNodePtr c;
    xmlChar *lang;
    const char *own;

    out[0] = NULL;
    out[1] = NULL;
    for (c = first_child(parent, name); c != NULL; c = next_sibling(c, name)) {
        if (datafiles_lang(c, &own)) {
            /* the element's own attribute, read in place */
            out[own != NULL && strcmp(own, "en") == 0 ? BX_LANG_EN
                                                      : BX_LANG_ZH] =
                text_of(c);
            continue;
        }
        lang = xmlGetNsProp(c, BAD_CAST "lang", BAD_CAST XML_NS);
        if (lang != NULL && xmlStrEqual(lang, BAD_CAST "en"))
            out[BX_LANG_EN] = text_of(c);
        else
            out[BX_LANG_ZH] = text_of(c);
        xmlFree(lang);
    }
    if (out[0] == NULL)
        out[0] = out[1] ? out[1] : "";
    if (out[1] == NULL)
        out[1] = out[0];
}

/*
 * Room for element 'n' of array 'p': the array, reallocated when full, or
 * NULL when out of memory ('p' is then still valid and still the caller's).
 */
static void *grow(void *p, size_t n, size_t *cap, size_t size)
{
    void *q;
    size_t c;

    if (n < *cap)
        return p;
    c = *cap ? *cap * 2 : 16;
    q = realloc(p, c * size);
    if (q != NULL)
        *cap = c;
    return q;
}

static int data_error(struct bx_diags *diags, const char *file,
                      const char *what, const char *detail)
{
    struct bx_buf zh;
    struct bx_buf en;

    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh, "规则文件有误：%s：%s", what, detail ? detail : "");
    buf_printf(&en, "broken rule file: %s: %s", what, detail ? detail : "");
    if (!zh.failed && !en.failed)
        bx_diags_addf(diags, BX_SEV_FATAL, "RULES-DATA", file, 0, zh.data,
                      en.data);
    buf_release(&zh);
    buf_release(&en);
    return BX_E_DATA;
}

/*
 * Compiled expressions by source while a set loads (compile_expr()): open
 * addressing on hash64() of the source, which reads eight bytes a step;
 * libxml2's string hash read the ~80 bytes of each source one at a time
 * (1,516 lookups and 618 additions a load).
 */
struct src_entry {
    uint64_t h;
    char *src; /* owned; NULL: empty slot */
    xmlXPathCompExprPtr comp;
};

struct src_table {
    struct src_entry *e;
    size_t cap; /* a power of two */
    size_t n;
};

static struct src_table *src_table_new(void)
{
    struct src_table *t = calloc(1, sizeof(*t));

    if (t != NULL) {
        t->cap = 1024;
        t->e = calloc(t->cap, sizeof(*t->e));
        if (t->e == NULL) {
            free(t);
            t = NULL;
        }
    }
    return t;
}

static void src_table_free(struct src_table *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->cap; i++)
        free(t->e[i].src);
    free(t->e);
    free(t);
}

/* The slot of 'src' (hash 'h'): its entry, or the empty slot it takes. */
static struct src_entry *src_slot(struct src_table *t, const char *src,
                                  uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);

    while (t->e[i].src != NULL &&
           (t->e[i].h != h || strcmp(t->e[i].src, src) != 0))
        i = (i + 1) & (t->cap - 1);
    return &t->e[i];
}

static xmlXPathCompExprPtr src_lookup(struct src_table *t, const char *src)
{
    return src_slot(t, src, hash64((const unsigned char *)src, strlen(src)))
        ->comp;
}

/* Keep 'comp' for 'src'; nothing when memory runs out (then the source
 * is compiled again where it recurs). */
static void src_add(struct src_table *t, const char *src,
                    xmlXPathCompExprPtr comp)
{
    uint64_t h = hash64((const unsigned char *)src, strlen(src));
    struct src_entry *e;

    if (2 * (t->n + 1) > t->cap) {
        struct src_table bigger = {NULL, t->cap * 2, 0};
        size_t i;

        bigger.e = calloc(bigger.cap, sizeof(*bigger.e));
        if (bigger.e == NULL)
            return;
        for (i = 0; i < t->cap; i++) {
            if (t->e[i].src != NULL)
                *src_slot(&bigger, t->e[i].src, t->e[i].h) = t->e[i];
        }
        free(t->e);
        t->e = bigger.e;
        t->cap = bigger.cap;
    }
    e = src_slot(t, src, h);
    if (e->src != NULL)
        return; /* kept already */
    e->src = util_strdup(src);
    if (e->src == NULL)
        return;
    e->h = h;
    e->comp = comp;
    t->n++;
}

/* ------------------------------------------------------------------ */
/* Freeing                                                             */
/* ------------------------------------------------------------------ */

static void codelist_release(struct bx_codelist *l)
{
    size_t i;

    for (i = 0; i < l->ncodes; i++)
        free(l->codes[i].aliases);
    for (i = 0; i < l->nstrings; i++)
        xmlFree(l->strings[i]);
    free(l->codes);
    free(l->strings);
    xmlFreeDoc(l->doc);
}

/* The check's expressions belong to the set (rs->comps). */
static void check_release(struct bx_rcheck *c)
{
    size_t i;

    for (i = 0; i < c->nterms; i++) {
        if (c->term_names != NULL)
            free(c->term_names[i]);
    }
    free(c->terms);
    free(c->term_names);
    free(c->branches);
    free(c->pairs);
    free(c->scopes);
    free(c->column);
}

void rules_set_free(struct bx_ruleset *rs)
{
    size_t i;

    if (rs == NULL)
        return;
    for (i = 0; i < rs->nchecks; i++)
        check_release(&rs->checks[i]);
    for (i = 0; i < rs->ntables; i++) {
        free(rs->tables[i].label[0]);
        free(rs->tables[i].label[1]);
        free(rs->tables[i].columns);
    }
    for (i = 0; i < rs->nfigures; i++)
        free(rs->figures[i].terms);
    for (i = 0; i < rs->nlists; i++)
        codelist_release(&rs->lists[i]);
    free(rs->keys);
    for (i = 0; i < rs->ncomps; i++)
        xmlXPathFreeCompExpr(rs->comps[i]);
    free(rs->comps);
    src_table_free(rs->comp_by_src);
    rules_exprs_release(rs);
    free(rs->checks);
    free(rs->tables);
    free(rs->figures);
    free(rs->lists);
    free(rs->rules);
    free(rs->ns);
    xmlFreeDoc(rs->doc);
    free(rs);
}

/* ------------------------------------------------------------------ */
/* XPath compilation                                                   */
/* ------------------------------------------------------------------ */

/* A new XPath context on 'doc' with the rule set's prefixes. */
static xmlXPathContextPtr new_xpath(const struct bx_ruleset *rs, xmlDocPtr doc)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    size_t i;

    if (xp == NULL)
        return NULL;
    for (i = 0; i < rs->nns; i++)
        xmlXPathRegisterNs(xp, BAD_CAST rs->ns[i].prefix,
                           BAD_CAST rs->ns[i].uri);
    return xp;
}

/* 'expr' with every "{col}" replaced by 'col' (NULL: unchanged). */
static char *expand_col(const char *expr, const char *col)
{
    struct bx_buf b;
    const char *p;

    buf_init(&b);
    while (col != NULL && (p = strstr(expr, "{col}")) != NULL) {
        buf_append(&b, expr, (size_t)(p - expr));
        buf_puts(&b, col);
        expr = p + 5;
    }
    buf_puts(&b, expr);
    return buf_take(&b, NULL);
}

/* Silences libxml2's XPath compile messages; we report our own. */
static void quiet_error(void *data, xmlErrorPtr err)
{
    (void)data;
    (void)err;
}

int rules_intern_exprs = 1;
int rules_walk_lists = 1;

/* Keep 'comp' in the set that owns it; 0 when out of memory. */
static int own_comp(struct bx_ruleset *rs, xmlXPathCompExprPtr comp)
{
    xmlXPathCompExprPtr *grown;

    if (rs->ncomps == rs->capcomps) {
        size_t cap = rs->capcomps ? rs->capcomps * 2 : 256;

        grown = realloc(rs->comps, cap * sizeof(*grown));
        if (grown == NULL)
            return 0;
        rs->comps = grown;
        rs->capcomps = cap;
    }
    rs->comps[rs->ncomps++] = comp;
    return 1;
}

/*
 * 'expr' compiled on 'xp'.  When 'xp' records for a rule set
 * (xp->userData), the set owns the result and an expression seen before
 * is not compiled again: the {col} copies of the checks repeat most of
 * their expressions (1,095 compiled, 530 distinct in the 2024 rules), and
 * an XPath compiled expression is read-only once compiled (the set is
 * already evaluated by several threads at once), so the copies share it;
 * rules_expr.c gave identical sources one id already.  Otherwise (code
 * list expressions) the caller frees it.  NULL: it does not compile
 * (*nomem 0) or memory ran out (*nomem 1).
 */
static xmlXPathCompExprPtr compile_expr(xmlXPathContextPtr xp, const char *expr,
                                        int *nomem)
{
    struct bx_ruleset *rs = xp->userData;
    xmlXPathCompExprPtr comp;

    *nomem = 0;
    if (rs != NULL && rules_intern_exprs && rs->comp_by_src != NULL) {
        comp = src_lookup(rs->comp_by_src, expr);
        if (comp != NULL)
            return comp;
    }
    xmlSetStructuredErrorFunc(NULL, quiet_error);
    comp = xmlXPathCtxtCompile(xp, BAD_CAST expr);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (comp == NULL || rs == NULL)
        return comp;
    if (!own_comp(rs, comp)) {
        xmlXPathFreeCompExpr(comp);
        *nomem = 1;
        return NULL;
    }
    /* not shared when the table cannot take it: compiled again next time */
    if (rules_intern_exprs && rs->comp_by_src != NULL)
        src_add(rs->comp_by_src, expr, comp);
    rules_expr_note(rs, comp, expr);
    return comp;
}

/*
 * Compile attribute 'name' of check element 'el' (after {col}
 * expansion).  A missing optional attribute leaves '*out' NULL.
 */
static int compile_attr(xmlXPathContextPtr xp, xmlNodePtr el, const char *name,
                        const char *col, const char *file,
                        struct bx_diags *diags, xmlXPathCompExprPtr *out)
{
    const char *src = attr(el, name);
    char *expr;
    int nomem;

    *out = NULL;
    if (src == NULL)
        return BX_OK;
    expr = expand_col(src, col);
    if (expr == NULL)
        return BX_E_NOMEM;

    *out = compile_expr(xp, expr, &nomem);
    if (*out == NULL) {
        if (!nomem)
            data_error(diags, file, "XPath", expr);
        free(expr);
        return nomem ? BX_E_NOMEM : BX_E_DATA;
    }
    free(expr);
    return BX_OK;
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */
/* ------------------------------------------------------------------ */

struct kind_def {
    const char *element;
    enum bx_check_kind kind;
    const char *attrs[BX_X_COUNT - 3]; /* names for BX_X_A..BX_X_E */
};

static const struct kind_def kinds[] = {
    {"sum", BX_CHECK_SUM, {"total", "parts", NULL, NULL, "optional"}},
    {"equal", BX_CHECK_EQUAL, {"left", "right", NULL, NULL}},
    {"le", BX_CHECK_LE, {"part", "whole", NULL, NULL}},
    {"assert", BX_CHECK_ASSERT, {"test", "value", NULL, NULL}},
    {"exists", BX_CHECK_EXISTS, {"value", "in", NULL, NULL}},
    {"codelist", BX_CHECK_CODELIST, {"code", "name", "label", "text"}},
    {"pairing", BX_CHECK_PAIRING, {"dep", "gov", NULL, "unitType"}},
    {"emptyNote", BX_CHECK_EMPTYNOTE, {NULL, NULL, "note", "hasData"}},
    {"match", BX_CHECK_MATCH, {"left", "right", "key", NULL}},
    {"costCap", BX_CHECK_COSTCAP, {"amount", "caps", NULL, NULL}},
    {"figure", BX_CHECK_FIGURE, {NULL, NULL, NULL, NULL}},
    {"share", BX_CHECK_SHARE, {NULL, NULL, NULL, NULL}},
    {"growth", BX_CHECK_GROWTH, {NULL, NULL, "change", NULL}},
    {"cells", BX_CHECK_CELLS, {"rows", NULL, NULL, NULL}},
    {"requiredTables", BX_CHECK_REQUIRED_TABLES, {NULL, NULL, NULL, NULL}},
    {"rowKeys", BX_CHECK_ROW_KEYS, {NULL, NULL, NULL, NULL}},
};

static const struct kind_def *kind_of(xmlNodePtr el)
{
    size_t i;

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp((const char *)el->name, kinds[i].element) == 0)
            return &kinds[i];
    }
    return NULL;
}

static enum bx_severity parse_severity(const char *s)
{
    if (s != NULL && strcmp(s, "warning") == 0)
        return BX_SEV_WARNING;
    if (s != NULL && strcmp(s, "info") == 0)
        return BX_SEV_INFO;
    return BX_SEV_ERROR;
}

static int compile_pairs(xmlXPathContextPtr xp, xmlNodePtr el, const char *col,
                         const char *file, struct bx_diags *diags,
                         struct bx_rcheck *c)
{
    xmlNodePtr p;
    size_t n = 0;
    int rc;

    for (p = first_child(el, "pair"); p != NULL; p = next_sibling(p, "pair"))
        n++;
    if (n == 0)
        return BX_OK;
    c->pairs = calloc(n, sizeof(*c->pairs));
    if (c->pairs == NULL)
        return BX_E_NOMEM;
    for (p = first_child(el, "pair"); p != NULL; p = next_sibling(p, "pair")) {
        struct bx_pair_expr *pe = &c->pairs[c->npairs++];

        rc = compile_attr(xp, p, "left", col, file, diags, &pe->left);
        if (rc == BX_OK)
            rc = compile_attr(xp, p, "right", col, file, diags, &pe->right);
        if (rc != BX_OK)
            return rc;
    }
    return BX_OK;
}

static int read_scopes(xmlNodePtr el, struct bx_rcheck *c)
{
    xmlNodePtr s;
    size_t n = 0;

    for (s = first_child(el, "scope"); s != NULL; s = next_sibling(s, "scope"))
        n++;
    if (n == 0)
        return BX_OK;
    c->scopes = calloc(n, sizeof(*c->scopes));
    if (c->scopes == NULL)
        return BX_E_NOMEM;
    for (s = first_child(el, "scope"); s != NULL;
         s = next_sibling(s, "scope")) {
        c->scopes[c->nscopes].unit_types = attr(s, "unitTypes");
        c->scopes[c->nscopes].value = attr(s, "value");
        c->nscopes++;
    }
    return BX_OK;
}

/* 1 when an attribute of 'el' or of its children mentions $self. */
static int mentions_self(xmlNodePtr el)
{
    xmlAttrPtr a;
    xmlNodePtr c;

    for (a = el->properties; a != NULL; a = a->next) {
        if (a->children != NULL && a->children->content != NULL &&
            strstr((const char *)a->children->content, "$self") != NULL)
            return 1;
    }
    for (c = el->children; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && mentions_self(c))
            return 1;
    }
    return 0;
}

/*
 * Length of the first top-level alternative of the XPath union 'expr'
 * (up to a '|' outside brackets, parentheses and quotes).
 */
static size_t union_term(const char *expr)
{
    const char *p = expr;
    int depth = 0;
    char quote = 0;

    for (; *p != '\0'; p++) {
        if (quote != 0) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (*p == '(' || *p == '[') {
            depth++;
        } else if (*p == ')' || *p == ']') {
            depth--;
        } else if (*p == '|' && depth == 0) {
            break;
        }
    }
    return (size_t)(p - expr);
}

/*
 * The parts of a sum (the right side of an equal) one term at a time:
 * each top-level alternative of the union must select something, or the
 * identity is not assessable (absent="zero" turns that off).
 */
static int compile_terms(xmlXPathContextPtr xp, xmlNodePtr el, const char *name,
                         const char *col, const char *file,
                         struct bx_diags *diags, xmlXPathCompExprPtr **terms,
                         size_t *nterms)
{
    const char *src = attr(el, name);
    char *expr = src != NULL ? expand_col(src, col) : NULL;
    const char *p = expr;
    size_t n = 0;
    int rc = BX_OK;
    int nomem;

    if (src == NULL)
        return BX_OK;
    if (expr == NULL)
        return BX_E_NOMEM;
    for (p = expr; *p != '\0'; n++) {
        size_t len = union_term(p);

        p += len + (p[len] != '\0');
    }
    *terms = calloc(n ? n : 1, sizeof(**terms));
    if (*terms == NULL)
        rc = BX_E_NOMEM;
    for (p = expr; rc == BX_OK && *p != '\0';) {
        size_t len = union_term(p);
        char *term = strndup(p, len);

        if (term == NULL) {
            rc = BX_E_NOMEM;
            break;
        }
        (*terms)[*nterms] = compile_expr(xp, term, &nomem);
        if ((*terms)[*nterms] == NULL)
            rc = nomem ? BX_E_NOMEM : data_error(diags, file, "XPath", term);
        else
            (*nterms)++;
        free(term);
        p += len + (p[len] != '\0');
    }
    free(expr);
    return rc;
}

/*
 * For absent="template": the column each term of 'parts' names ("@gpb"
 * → "gpb"; NULL for other terms), in the order of c->terms.
 */
static int term_names(const char *parts, const char *col, struct bx_rcheck *c)
{
    char *expr = parts != NULL ? expand_col(parts, col) : NULL;
    const char *p = expr;
    size_t i;

    if (expr == NULL)
        return BX_E_NOMEM;
    c->term_names = calloc(c->nterms ? c->nterms : 1, sizeof(char *));
    for (i = 0; c->term_names != NULL && i < c->nterms && *p != '\0'; i++) {
        size_t len = union_term(p);
        const char *t = p;
        size_t n = len;

        while (n > 0 && *t == ' ') {
            t++;
            n--;
        }
        while (n > 0 && t[n - 1] == ' ')
            n--;
        if (n > 1 && t[0] == '@' && strspn(t + 1, "abcdefghijklmnopqrstuvwxyz"
                                                  "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
                                         n - 1)
            c->term_names[i] = strndup(t + 1, n - 1);
        p += len + (p[len] != '\0');
    }
    free(expr);
    return c->term_names != NULL ? BX_OK : BX_E_NOMEM;
}

/* The reason="…" of a check (bx_na_reason_name), default no-column. */
static enum bx_na_reason na_reason_of(const char *s)
{
    int r;

    for (r = 1; s != NULL && r < BX_NA_COUNT; r++) {
        if (strcmp(s, bx_na_reason_name((enum bx_na_reason)r)) == 0)
            return (enum bx_na_reason)r;
    }
    return BX_NA_NO_COLUMN;
}

/*
 * Whether 'expr' selects the same on every context node: no $self, and
 * each branch of a top-level union starts from a variable or the root
 * ("$T7//bx:eco/@dep | $T5//bx:func/@code").  Conservative: anything
 * else counts as depending on the node.
 */
static int is_absolute(const char *expr)
{
    const char *p = expr;

    if (expr == NULL || strstr(expr, "$self") != NULL)
        return 0;
    while (*p != '\0') {
        size_t len;

        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (*p != '$' && *p != '/')
            return 0;
        len = union_term(p);
        p += len + (p[len] != '\0');
    }
    return p != expr;
}

/*
 * A context "A | B | C" as its branches (c->branches), evaluated apart
 * and merged in document order by rules_eval.c; nothing for one branch.
 */
static int compile_branches(struct bx_rcheck *c, xmlXPathContextPtr xp,
                            xmlNodePtr el, const char *col, const char *file,
                            struct bx_diags *diags)
{
    const char *src = attr(el, "context");

    if (src == NULL || src[union_term(src)] == '\0')
        return BX_OK;
    return compile_terms(xp, el, "context", col, file, diags, &c->branches,
                         &c->nbranches);
}

/* Compile one check element for one column (or none). */
static int compile_check(struct bx_ruleset *rs, xmlXPathContextPtr xp,
                         const struct bx_rule *rule, xmlNodePtr el,
                         const char *col, const char *file,
                         struct bx_diags *diags)
{
    const struct kind_def *k = kind_of(el);
    struct bx_rcheck *c;
    struct bx_rcheck *checks;
    const char *tol;
    const char *v;
    int rc;
    int i;

    checks = grow(rs->checks, rs->nchecks, &rs->capchecks, sizeof(*checks));
    if (checks == NULL)
        return BX_E_NOMEM;
    rs->checks = checks;
    c = &rs->checks[rs->nchecks++];
    memset(c, 0, sizeof(*c));
    c->kind = k->kind;
    c->rule = rule;
    /* figure selects may use $self (keyProject.amount) */
    c->uses_self = mentions_self(el) || c->kind == BX_CHECK_FIGURE ||
                   c->kind == BX_CHECK_SHARE || c->kind == BX_CHECK_GROWTH;
    c->in_static = c->kind == BX_CHECK_EXISTS && is_absolute(attr(el, "in"));
    if (col != NULL) {
        c->column = util_strdup(col);
        if (c->column == NULL)
            return BX_E_NOMEM;
    }
    rc = compile_attr(xp, el, "context", col, file, diags, &c->x[BX_X_CONTEXT]);
    if (rc == BX_OK)
        rc = compile_branches(c, xp, el, col, file, diags);
    if (rc == BX_OK)
        rc = compile_attr(xp, el, "when", col, file, diags, &c->x[BX_X_WHEN]);
    if (rc == BX_OK)
        rc =
            compile_attr(xp, el, "assessable", col, file, diags, &c->x[BX_X_F]);
    for (i = 0; rc == BX_OK && i < BX_X_COUNT - 3; i++) {
        if (k->attrs[i] != NULL)
            rc = compile_attr(xp, el, k->attrs[i], col, file, diags,
                              &c->x[BX_X_A + i]);
    }
    if (rc == BX_OK && c->kind == BX_CHECK_EMPTYNOTE) {
        v = attr(el, "expect");
        c->expect_present = v != NULL && strcmp(v, "present") == 0;
    }
    v = attr(el, "absent");
    c->absent_zero = v != NULL && strcmp(v, "zero") == 0;
    c->absent_template = v != NULL && strcmp(v, "template") == 0;
    if (rc == BX_OK && !c->absent_zero && c->kind == BX_CHECK_SUM)
        rc = compile_terms(xp, el, "parts", col, file, diags, &c->terms,
                           &c->nterms);
    if (rc == BX_OK && !c->absent_zero && c->kind == BX_CHECK_EQUAL)
        rc = compile_terms(xp, el, "right", col, file, diags, &c->terms,
                           &c->nterms);
    if (rc == BX_OK && c->absent_template)
        rc = term_names(attr(el, "parts"), col, c);
    v = attr(el, "convention");
    c->convention_ordinals = v != NULL && strcmp(v, "classOrdinals") == 0;
    v = attr(el, "coverage");
    c->cap_partial = v != NULL && strcmp(v, "partial") == 0;
    c->na_reason = na_reason_of(attr(el, "reason"));
    v = attr(el, "against");
    c->against_text = v != NULL && strcmp(v, "text") == 0;
    c->skip = attr(el, "skip");
    tol = attr(el, "tolerance");
    c->exact =
        tol != NULL ? strcmp(tol, "exact") == 0 : c->kind != BX_CHECK_SUM;
    c->list = attr(el, "list");
    c->expected = attr(el, "expected");
    c->suffix = attr(el, "suffix");
    v = attr(el, "ordinal");
    c->ordinal_class = v != NULL && strcmp(v, "class") == 0;
    c->alias_severity = parse_severity(
        attr(el, "aliasSeverity") ? attr(el, "aliasSeverity") : "warning");
    v = attr(el, "zeroPrior");
    c->zero_prior =
        v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
    if (rc == BX_OK)
        rc = compile_pairs(xp, el, col, file, diags, c);
    if (rc == BX_OK)
        rc = read_scopes(el, c);
    if (rc == BX_OK && c->list != NULL && rules_list(rs, c->list) == NULL)
        rc = data_error(diags, file, "unknown code list", c->list);
    return rc;
}

/* Compile a check once per name in its columns list (or once). */
static int compile_check_cols(struct bx_ruleset *rs, xmlXPathContextPtr xp,
                              const struct bx_rule *rule, xmlNodePtr el,
                              const char *file, struct bx_diags *diags)
{
    const char *cols = attr(el, "columns");
    char name[64];
    const char *p;
    size_t n;
    int rc;

    if (cols == NULL)
        return compile_check(rs, xp, rule, el, NULL, file, diags);
    p = cols;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (*p == '\0')
            return BX_OK;
        n = strcspn(p, " \t\n");
        if (n >= sizeof(name))
            return data_error(diags, file, "column name too long", p);
        memcpy(name, p, n);
        name[n] = '\0';
        p += n;
        rc = compile_check(rs, xp, rule, el, name, file, diags);
        if (rc != BX_OK)
            return rc;
    }
}

static int load_rules(struct bx_ruleset *rs, xmlXPathContextPtr xp,
                      xmlNodePtr root, const char *file, struct bx_diags *diags)
{
    xmlNodePtr r;
    xmlNodePtr c;
    size_t n = 0;
    int rc;

    for (r = first_child(root, "rule"); r != NULL; r = next_sibling(r, "rule"))
        n++;
    rs->rules = calloc(n ? n : 1, sizeof(*rs->rules));
    if (rs->rules == NULL)
        return BX_E_NOMEM;
    for (r = first_child(root, "rule"); r != NULL;
         r = next_sibling(r, "rule")) {
        struct bx_rule *rule = &rs->rules[rs->nrules];

        rule->index = rs->nrules++;
        rule->tables = attr(r, "tables");
        rule->id = attr(r, "id");
        rule->severity = parse_severity(attr(r, "severity"));
        texts(r, "title", rule->title);
        texts(r, "message", rule->message);
        for (c = r->children; c != NULL; c = c->next) {
            if (!is_rules_elem(c, NULL) || kind_of(c) == NULL)
                continue;
            rc = compile_check_cols(rs, xp, rule, c, file, diags);
            if (rc != BX_OK)
                return rc;
        }
    }
    return BX_OK;
}

/* ------------------------------------------------------------------ */
/* Tables, figures, namespaces                                         */
/* ------------------------------------------------------------------ */

static int load_namespaces(struct bx_ruleset *rs, xmlNodePtr root)
{
    xmlNodePtr n;
    size_t cnt = 0;

    for (n = first_child(root, "namespace"); n;
         n = next_sibling(n, "namespace"))
        cnt++;
    rs->ns = calloc(cnt ? cnt : 1, sizeof(*rs->ns));
    if (rs->ns == NULL)
        return BX_E_NOMEM;
    for (n = first_child(root, "namespace"); n;
         n = next_sibling(n, "namespace")) {
        rs->ns[rs->nns].prefix = attr(n, "prefix");
        rs->ns[rs->nns].uri = attr(n, "uri");
        rs->nns++;
    }
    return BX_OK;
}

/*
 * The tables rules bind to ($T1 … $T14) and name in findings: the
 * reference template of the registry (schemas/templates), not a copy of
 * our own.  Strings point into the template, which lives in the same
 * context and is released after the rule sets.
 */
static int load_table(struct bx_table_def *t, const struct tpl_table *tb)
{
    size_t i;
    int l;

    t->key = tb->key;
    t->element = tb->element;
    for (l = 0; l < 2; l++) {
        t->label[l] = util_strdup(tb->label[l]);
        if (t->label[l] == NULL)
            return BX_E_NOMEM;
    }
    t->columns = calloc(tb->ncolumns ? tb->ncolumns : 1, sizeof(*t->columns));
    if (t->columns == NULL)
        return BX_E_NOMEM;
    for (i = 0; i < tb->ncolumns; i++) {
        t->columns[i].name = tb->columns[i].name;
        t->columns[i].label[0] = tb->columns[i].label[0];
        t->columns[i].label[1] = tb->columns[i].label[1];
    }
    t->ncolumns = tb->ncolumns;
    return BX_OK;
}

static int load_tables(struct bx_context *ctx, struct bx_ruleset *rs,
                       const char *file, struct bx_diags *diags)
{
    const struct tpl_template *ref;
    size_t i;
    int rc = templates_open(ctx, diags); /* the reference parsed */

    if (rc != BX_OK)
        return rc;
    ref = templates_reference(ctx);
    if (ref == NULL)
        return data_error(diags, file, "tables", "no reference template");
    rs->tables = calloc(ref->ntables ? ref->ntables : 1, sizeof(*rs->tables));
    if (rs->tables == NULL)
        return BX_E_NOMEM;
    for (i = 0; i < ref->ntables; i++) {
        rc = load_table(&rs->tables[rs->ntables++], &ref->tables[i]);
        if (rc != BX_OK)
            return rc;
    }
    return BX_OK;
}

static int load_figures(struct bx_ruleset *rs, xmlXPathContextPtr xp,
                        xmlNodePtr root, const char *file,
                        struct bx_diags *diags)
{
    xmlNodePtr figs = first_child(root, "figures");
    xmlNodePtr f;
    size_t n = 0;
    int rc;

    for (f = first_child(figs, "figure"); f; f = next_sibling(f, "figure"))
        n++;
    rs->figures = calloc(n ? n : 1, sizeof(*rs->figures));
    if (rs->figures == NULL)
        return BX_E_NOMEM;
    for (f = first_child(figs, "figure"); f; f = next_sibling(f, "figure")) {
        struct bx_figure_def *fd = &rs->figures[rs->nfigures++];

        fd->key = attr(f, "key");
        fd->keylen = strlen(fd->key);
        if (fd->keylen > 0 && fd->key[fd->keylen - 1] == '*') {
            fd->wildcard = 1;
            fd->keylen--;
        }
        rc = compile_attr(xp, f, "select", NULL, file, diags, &fd->select);
        if (rc == BX_OK && (attr(f, "absent") == NULL ||
                            strcmp(attr(f, "absent"), "zero") != 0))
            rc = compile_terms(xp, f, "select", NULL, file, diags, &fd->terms,
                               &fd->nterms);
        if (rc != BX_OK)
            return rc;
    }
    return BX_OK;
}

/* The <key> elements: name, match and use, compiled once. */
static int load_keys(struct bx_ruleset *rs, xmlXPathContextPtr xp,
                     xmlNodePtr root, const char *file, struct bx_diags *diags)
{
    xmlNodePtr k;
    size_t n = 0;
    int rc = BX_OK;

    for (k = first_child(root, "key"); k; k = next_sibling(k, "key"))
        n++;
    rs->keys = calloc(n ? n : 1, sizeof(*rs->keys));
    if (rs->keys == NULL)
        return BX_E_NOMEM;
    for (k = first_child(root, "key"); k && rc == BX_OK;
         k = next_sibling(k, "key")) {
        struct bx_rkey *key = &rs->keys[rs->nkeys++];

        key->name = attr(k, "name");
        rc = compile_attr(xp, k, "match", NULL, file, diags, &key->match);
        if (rc == BX_OK)
            rc = compile_attr(xp, k, "use", NULL, file, diags, &key->use);
        if (rc == BX_OK &&
            (key->name == NULL || key->match == NULL || key->use == NULL))
            rc = data_error(diags, file, "key", "name, match and use");
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Code lists                                                          */
/* ------------------------------------------------------------------ */

static int cmp_code(const void *a, const void *b)
{
    const struct bx_code *x = a;
    const struct bx_code *y = b;

    return strcmp(x->code, y->code);
}

const struct bx_codelist *rules_list(const struct bx_ruleset *rs,
                                     const char *key)
{
    size_t i;

    for (i = 0; key != NULL && i < rs->nlists; i++) {
        if (strcmp(rs->lists[i].key, key) == 0)
            return &rs->lists[i];
    }
    return NULL;
}

const struct bx_code *rules_code_find(const struct bx_codelist *list,
                                      const char *code, size_t *count)
{
    size_t lo = 0;
    size_t hi = list->ncodes;
    size_t first;

    *count = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (strcmp(list->codes[mid].code, code) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    first = lo;
    while (lo < list->ncodes && strcmp(list->codes[lo].code, code) == 0)
        lo++;
    *count = lo - first;
    return *count ? &list->codes[first] : NULL;
}

/* Room in l->strings while a list is filled, and whether memory ran out. */
struct keep {
    size_t cap;
    int nomem;
};

/* Keep 's' (from xmlXPathCastToString) for freeing with the list. */
static const char *keep_string(struct bx_codelist *l, struct keep *keep,
                               xmlChar *s)
{
    xmlChar **strings;

    if (s == NULL)
        return NULL;
    strings = grow(l->strings, l->nstrings, &keep->cap, sizeof(*strings));
    if (strings == NULL) {
        xmlFree(s);
        keep->nomem = 1;
        return NULL;
    }
    l->strings = strings;
    l->strings[l->nstrings++] = s;
    return (const char *)s;
}

/* Evaluate 'comp' on 'node' as a string kept by the list. */
static const char *entry_string(struct bx_codelist *l, struct keep *keep,
                                xmlXPathContextPtr xp, xmlXPathCompExprPtr comp,
                                xmlNodePtr node)
{
    xmlXPathObjectPtr o;
    xmlChar *s;

    if (comp == NULL)
        return NULL;
    xp->node = node;
    o = xmlXPathCompiledEval(comp, xp);
    if (o == NULL)
        return NULL;
    s = xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    return keep_string(l, keep, s);
}

static int entry_aliases(struct bx_codelist *l, struct keep *keep,
                         xmlXPathContextPtr xp, xmlXPathCompExprPtr comp,
                         xmlNodePtr node, struct bx_code *code)
{
    xmlXPathObjectPtr o;
    int i;
    int n;

    if (comp == NULL)
        return BX_OK;
    xp->node = node;
    o = xmlXPathCompiledEval(comp, xp);
    if (o == NULL || o->type != XPATH_NODESET || o->nodesetval == NULL) {
        xmlXPathFreeObject(o);
        return BX_OK;
    }
    n = o->nodesetval->nodeNr;
    code->aliases = calloc((size_t)n + 1, sizeof(*code->aliases));
    if (code->aliases == NULL) {
        xmlXPathFreeObject(o);
        return BX_E_NOMEM;
    }
    for (i = 0; i < n; i++) {
        xmlChar *s = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);
        const char *k = keep_string(l, keep, s);

        if (k != NULL)
            code->aliases[code->naliases++] = k;
    }
    xmlXPathFreeObject(o);
    return BX_OK;
}

struct list_exprs {
    xmlXPathCompExprPtr x[5]; /* entry code name alias scope */
};

static int list_compile(xmlXPathContextPtr xp, xmlNodePtr el, const char *file,
                        struct bx_diags *diags, struct list_exprs *e)
{
    static const char *const names[5] = {"entry", "code", "name", "alias",
                                         "scope"};
    int i;
    int rc;

    for (i = 0; i < 5; i++) {
        rc = compile_attr(xp, el, names[i], NULL, file, diags, &e->x[i]);
        if (rc != BX_OK)
            return rc;
    }
    return BX_OK;
}

static int list_fill(struct bx_codelist *l, xmlXPathContextPtr xp,
                     const struct list_exprs *e)
{
    xmlXPathObjectPtr set;
    struct keep keep = {0, 0};
    int i;
    int rc = BX_OK;

    xp->node = (xmlNodePtr)l->doc;
    set = xmlXPathCompiledEval(e->x[0], xp);
    if (set == NULL || set->type != XPATH_NODESET || set->nodesetval == NULL)
        goto out;
    l->codes = calloc((size_t)set->nodesetval->nodeNr + 1, sizeof(*l->codes));
    if (l->codes == NULL) {
        rc = BX_E_NOMEM;
        goto out;
    }
    for (i = 0; i < set->nodesetval->nodeNr; i++) {
        xmlNodePtr node = set->nodesetval->nodeTab[i];
        struct bx_code *c = &l->codes[l->ncodes];

        c->code = entry_string(l, &keep, xp, e->x[1], node);
        c->name = entry_string(l, &keep, xp, e->x[2], node);
        c->scope = entry_string(l, &keep, xp, e->x[4], node);
        if (c->code == NULL || c->code[0] == '\0')
            continue;
        l->ncodes++;
        rc = entry_aliases(l, &keep, xp, e->x[3], node, c);
        if (rc != BX_OK)
            goto out;
    }
    if (keep.nomem) {
        rc = BX_E_NOMEM; /* a list short of a name would judge wrongly */
        goto out;
    }
    qsort(l->codes, l->ncodes, sizeof(*l->codes), cmp_code);
out:
    xmlXPathFreeObject(set);
    return rc;
}

/* ---- code lists read from the tree -------------------------------- */

/*
 * The code lists' expressions are data too, but the shipped ones are
 * the simplest XPath: the entries a path of child steps from the root
 * ("/c:codeList/c:code"), the code, name and scope one attribute
 * ("@value"), the aliases one child step ("c:alias").  Those are read
 * here by walking the tree, with the strings XPath would give (an
 * attribute's or element's text, "" for a missing attribute), pointing
 * into the list's document where its text is one node: 1,177
 * evaluations and their copies fewer at every load.  Anything else
 * (predicates, other axes, an unknown prefix) is evaluated by XPath as
 * before (list_fill()).
 */
#define WALK_STEPS 8

struct walk_step {
    const char *uri; /* NULL: no namespace */
    const char *name;
    size_t len;
};

struct list_walk {
    struct walk_step entry[WALK_STEPS];
    int nentry;
    struct walk_step attr[3]; /* code name scope; len 0: none */
    struct walk_step alias;   /* len 0: none */
    int has_alias;
};

static size_t ncname_len(const char *p)
{
    size_t n = 0;

    if (!((p[0] >= 'a' && p[0] <= 'z') || (p[0] >= 'A' && p[0] <= 'Z') ||
          p[0] == '_'))
        return 0;
    while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
           (p[n] >= '0' && p[n] <= '9') || p[n] == '_' || p[n] == '-' ||
           p[n] == '.')
        n++;
    return n;
}

/* The URI the XPath context binds 'prefix' to (the last one registered,
 * as xmlXPathRegisterNs() keeps it), or NULL. */
static const char *prefix_uri(const struct bx_ruleset *rs, const char *prefix,
                              size_t len)
{
    const char *uri = NULL;
    size_t i;

    for (i = 0; i < rs->nns; i++) {
        if (rs->ns[i].prefix != NULL && strlen(rs->ns[i].prefix) == len &&
            strncmp(rs->ns[i].prefix, prefix, len) == 0)
            uri = rs->ns[i].uri;
    }
    return uri;
}

/* A name test "p:name" or "name" at 'p' into '*st': its length, or 0. */
static size_t name_test(const struct bx_ruleset *rs, const char *p,
                        struct walk_step *st)
{
    size_t n = ncname_len(p);
    size_t m;

    if (n == 0)
        return 0;
    st->uri = NULL;
    st->name = p;
    st->len = n;
    if (p[n] != ':')
        return n;
    m = ncname_len(p + n + 1);
    st->uri = prefix_uri(rs, p, n);
    if (m == 0 || st->uri == NULL)
        return 0;
    st->name = p + n + 1;
    st->len = m;
    return n + 1 + m;
}

/* 'src' as "/a/b..." into w->entry: 1, or 0 when it is not that. */
static int walk_entry(const struct bx_ruleset *rs, const char *src,
                      struct list_walk *w)
{
    size_t n;

    w->nentry = 0;
    while (src != NULL && *src == '/' && w->nentry < WALK_STEPS) {
        n = name_test(rs, src + 1, &w->entry[w->nentry]);
        if (n == 0)
            return 0;
        w->nentry++;
        src += 1 + n;
    }
    return src != NULL && *src == '\0' && w->nentry > 0;
}

/* The list's expressions as a walk: 1, or 0 (then XPath). */
static int walk_plan(const struct bx_ruleset *rs, xmlNodePtr el,
                     struct list_walk *w)
{
    static const char *const attrs[3] = {"code", "name", "scope"};
    const char *src;
    int i;

    memset(w, 0, sizeof(*w));
    if (!walk_entry(rs, attr(el, "entry"), w))
        return 0;
    for (i = 0; i < 3; i++) {
        src = attr(el, attrs[i]);
        if (src == NULL)
            continue;
        if (src[0] != '@' || ncname_len(src + 1) == 0 ||
            src[1 + ncname_len(src + 1)] != '\0')
            return 0;
        w->attr[i].name = src + 1;
        w->attr[i].len = strlen(src + 1);
    }
    src = attr(el, "alias");
    if (src != NULL) {
        if (name_test(rs, src, &w->alias) != strlen(src))
            return 0;
        w->has_alias = 1;
    }
    return 1;
}

static int step_matches(xmlNodePtr n, const struct walk_step *st)
{
    return n->type == XML_ELEMENT_NODE &&
           strncmp((const char *)n->name, st->name, st->len) == 0 &&
           n->name[st->len] == '\0' &&
           (st->uri == NULL ? n->ns == NULL
                            : n->ns != NULL && n->ns->href != NULL &&
                                  strcmp((const char *)n->ns->href,
                                         st->uri) == 0);
}

/* A node's text as XPath's string(): into the document when one node
 * holds it, else a copy the list keeps. */
static const char *node_text(struct bx_codelist *l, struct keep *keep,
                             xmlNodePtr n)
{
    xmlNodePtr c = n->children;

    if (c == NULL && n->type == XML_ATTRIBUTE_NODE)
        return "";
    if (c != NULL && c->next == NULL && c->type == XML_TEXT_NODE &&
        c->content != NULL)
        return (const char *)c->content;
    return keep_string(l, keep, xmlNodeGetContent(n));
}

/* Attribute 'st' (no namespace) of 'n' as a string; "" when absent. */
static const char *attr_text(struct bx_codelist *l, struct keep *keep,
                             xmlNodePtr n, const struct walk_step *st)
{
    xmlAttrPtr a;

    if (st->len == 0)
        return NULL; /* no expression */
    for (a = n->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && strcmp((const char *)a->name, st->name) == 0)
            return node_text(l, keep, (xmlNodePtr)a);
    }
    return "";
}

static int walk_aliases(struct bx_codelist *l, struct keep *keep,
                        const struct list_walk *w, xmlNodePtr n,
                        struct bx_code *code)
{
    xmlNodePtr c;
    size_t cnt = 0;

    if (!w->has_alias)
        return BX_OK;
    for (c = n->children; c != NULL; c = c->next)
        cnt += step_matches(c, &w->alias);
    code->aliases = calloc(cnt + 1, sizeof(*code->aliases));
    if (code->aliases == NULL)
        return BX_E_NOMEM;
    for (c = n->children; c != NULL; c = c->next) {
        const char *k = step_matches(c, &w->alias) ? node_text(l, keep, c)
                                                   : NULL;

        if (k != NULL)
            code->aliases[code->naliases++] = k;
    }
    return BX_OK;
}

/* One entry: kept when it has a code (as list_fill() keeps it). */
static int walk_one(struct bx_codelist *l, struct keep *keep,
                    const struct list_walk *w, xmlNodePtr n)
{
    struct bx_code *c = &l->codes[l->ncodes];

    c->code = attr_text(l, keep, n, &w->attr[0]);
    c->name = attr_text(l, keep, n, &w->attr[1]);
    c->scope = attr_text(l, keep, n, &w->attr[2]);
    if (c->code == NULL || c->code[0] == '\0')
        return BX_OK;
    l->ncodes++;
    return walk_aliases(l, keep, w, n, c);
}

/* The entries below the siblings from 'n' on, step 'i' of the entry
 * path: counted ('l->codes' NULL) or filled, in document order. */
static int walk_entries(struct bx_codelist *l, struct keep *keep,
                        const struct list_walk *w, xmlNodePtr n, int i,
                        size_t *count)
{
    int rc = BX_OK;

    for (; rc == BX_OK && n != NULL; n = n->next) {
        if (!step_matches(n, &w->entry[i]))
            continue;
        if (i + 1 < w->nentry)
            rc = walk_entries(l, keep, w, n->children, i + 1, count);
        else if (l->codes == NULL)
            (*count)++;
        else
            rc = walk_one(l, keep, w, n);
    }
    return rc;
}

/* list_fill() by walking the tree along 'w'. */
static int list_walk_fill(struct bx_codelist *l, const struct list_walk *w)
{
    struct keep keep = {0, 0};
    size_t n = 0;
    int rc;

    walk_entries(l, &keep, w, l->doc->children, 0, &n);
    if (n == 0)
        return BX_OK;
    l->codes = calloc(n + 1, sizeof(*l->codes));
    if (l->codes == NULL)
        return BX_E_NOMEM;
    rc = walk_entries(l, &keep, w, l->doc->children, 0, &n);
    if (rc == BX_OK && keep.nomem)
        rc = BX_E_NOMEM; /* a list short of a name would judge wrongly */
    if (rc == BX_OK)
        qsort(l->codes, l->ncodes, sizeof(*l->codes), cmp_code);
    return rc;
}

/*
 * Where code list 'href' (schemas/codes/2024/function.xml) is read from:
 * the file of the same name in the --codes directory when there is one
 * ('*own' 0), else the data directory ('*own' 1).  Caller frees; NULL
 * when out of memory.
 */
static char *list_path(const struct bx_context *ctx, const char *href,
                       int *own)
{
    const char *dir = ctx->opts.codes_dir;
    const char *base = strrchr(href, '/');
    struct bx_buf b;
    FILE *fp;

    *own = 1;
    if (dir == NULL || dir[0] == '\0')
        return context_path(ctx, href);
    buf_init(&b);
    buf_printf(&b, "%s/%s", dir, base != NULL ? base + 1 : href);
    if (b.failed)
        return NULL;
    fp = fopen(b.data, "rb");
    if (fp == NULL) {
        buf_release(&b);
        return context_path(ctx, href);
    }
    fclose(fp);
    *own = 0;
    return buf_take(&b, NULL);
}

/* datafiles_read_parse_lean()'s question for a code list: never
 * validated, so any original whose copy is fresh. */
static int any_list(void *arg, const char *file_hex)
{
    (void)arg;
    (void)file_hex;
    return 1;
}

/* The code list at 'path' ('href' of the data directory when 'own'):
 * its lean copy when fresh (scripts/lean-data.c). */
static int read_list(const struct bx_context *ctx, const char *href,
                     const char *path, int own, struct bx_diags *diags,
                     xmlDocPtr *out)
{
    int lean;

    if (!own)
        return xmlio_read_data(path, diags, out);
    return datafiles_read_parse_lean(ctx, href, path, any_list, NULL, diags,
                                     NULL, &lean, out);
}

/* 1 when the list's root says complete="true" (codes.xsd). */
static int list_complete(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    const char *v = root != NULL ? attr(root, "complete") : NULL;

    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

static int load_list(struct bx_context *ctx, struct bx_ruleset *rs,
                     xmlXPathContextPtr rxp, xmlNodePtr el, const char *file,
                     struct bx_diags *diags, struct bx_codelist *l)
{
    struct list_exprs e;
    struct list_walk w;
    xmlXPathContextPtr xp = NULL;
    char *path = NULL;
    unsigned long nomem = xmlio_nomem_count();
    void *ud;
    int own;
    int rc;
    int i;

    memset(&e, 0, sizeof(e));
    l->key = attr(el, "key");
    /* freed below: not recorded among the rule set's expressions */
    ud = rxp->userData;
    rxp->userData = NULL;
    rc = list_compile(rxp, el, file, diags, &e);
    rxp->userData = ud;
    if (rc != BX_OK)
        goto out;
    rc = BX_E_NOMEM;
    path = list_path(ctx, attr(el, "href"), &own);
    if (path == NULL)
        goto out;
    rc = read_list(ctx, attr(el, "href"), path, own, diags, &l->doc);
    if (rc == BX_OK && xmlio_nomem_count() != nomem)
        rc = BX_E_NOMEM; /* a tree short of nodes: see load_set() */
    if (rc != BX_OK)
        goto out;
    l->complete = list_complete(l->doc);
    if (rules_walk_lists && walk_plan(rs, el, &w)) {
        rc = list_walk_fill(l, &w);
        goto out;
    }
    rc = BX_E_NOMEM;
    xp = new_xpath(rs, l->doc);
    if (xp == NULL)
        goto out;
    rc = list_fill(l, xp, &e);
out:
    for (i = 0; i < 5; i++)
        xmlXPathFreeCompExpr(e.x[i]);
    xmlXPathFreeContext(xp);
    free(path);
    return rc;
}

static int load_lists(struct bx_context *ctx, struct bx_ruleset *rs,
                      xmlXPathContextPtr xp, xmlNodePtr root, const char *file,
                      struct bx_diags *diags)
{
    xmlNodePtr lists = first_child(root, "codelists");
    xmlNodePtr l;
    size_t n = 0;
    int rc;

    for (l = first_child(lists, "codelist"); l; l = next_sibling(l, "codelist"))
        n++;
    rs->lists = calloc(n ? n : 1, sizeof(*rs->lists));
    if (rs->lists == NULL)
        return BX_E_NOMEM;
    for (l = first_child(lists, "codelist"); l;
         l = next_sibling(l, "codelist")) {
        rc = load_list(ctx, rs, xp, l, file, diags, &rs->lists[rs->nlists]);
        rs->nlists++;
        if (rc != BX_OK)
            return rc;
    }
    return BX_OK;
}

/* ------------------------------------------------------------------ */
/* Loading one rule set                                                */
/* ------------------------------------------------------------------ */

/* xmlErrorPtr: the handler type lost its const in 2.12; 2.9.14 is our floor. */
static void schema_error(void *data, xmlErrorPtr err)
{
    struct bx_diags *diags = data;

    xmlio_error_to_diag(err, err->file, "RULES-INVALID", BX_SEV_FATAL, diags);
}

/* Validate the rule document against rules.xsd (compiled once). */
static int validate_rules(struct bx_context *ctx, xmlDocPtr doc,
                          struct bx_diags *diags)
{
    xmlSchemaPtr schema;
    int verdict;
    int rc;

    rc = datafiles_schema(ctx, "schemas/rules.xsd", diags, &schema);
    if (rc != BX_OK)
        return rc;
    rc = schema_ctxt_validate(schema, doc, schema_error, diags, diags,
                              &verdict);
    if (rc != BX_OK)
        return rc; /* out of memory: no verdict on the rule set */
    return verdict == 0 ? BX_OK : BX_E_DATA;
}

int rules_file_digest(const char *path, char *hex)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int rc = util_read_file(path, 64u << 20, &buf, &len);

    if (rc == BX_OK)
        rc = util_digest_hex("sha256", buf, len, hex, 65);
    free(buf);
    return rc;
}

int rules_pair_listed(const char *const *list, const char *xsd_hex,
                      const char *file_hex)
{
    char pair[2 * 65];
    size_t i;

    if (strlen(xsd_hex) != 64 || strlen(file_hex) != 64)
        return 0;
    memcpy(pair, xsd_hex, 64);
    pair[64] = ' ';
    memcpy(pair + 65, file_hex, 65);
    for (i = 0; list[i] != NULL; i++) {
        if (strcmp(list[i], pair) == 0)
            return 1;
    }
    return 0;
}

/*
 * Whether the rule file whose bytes (the ones parsed) hash to 'file_hex'
 * and the rules.xsd of 'ctx' are a pair the build validated
 * (rules_validated[], scripts/rules-digests.sh): the same bytes against
 * the same schema, so validating again would only repeat the verdict
 * (and cost as much as compiling the rules).
 */
static int validated_at_build(struct bx_context *ctx, const char *file_hex)
{
    char xsd_hex[65];
    char *xsd = context_path(ctx, "schemas/rules.xsd");
    int ok = xsd != NULL && rules_file_digest(xsd, xsd_hex) == BX_OK;

    free(xsd);
    return ok && rules_pair_listed(rules_validated, xsd_hex, file_hex);
}

/* datafiles_read_parse_lean()'s question: validated_at_build(). */
static int built_rules(void *ctx, const char *file_hex)
{
    return validated_at_build(ctx, file_hex);
}

/*
 * The parts of the set.  'prefetch' (the rules thread of
 * bx_context_prefetch()): the tables, which need the template registry,
 * come last, so that the registry can be loaded on its own thread
 * meanwhile (with a stylesheet to prefetch),
 * and only from a registry that loads cleanly (a broken one must not be
 * remembered as broken here, or the check would not say why).  Either
 * order gives the same set; a failure in the prefetch is never kept.
 */
static int load_parts(struct bx_context *ctx, struct bx_ruleset *rs,
                      const char *file, int prefetch, struct bx_diags *diags)
{
    xmlNodePtr root = xmlDocGetRootElement(rs->doc);
    xmlXPathContextPtr xp = NULL;
    const char *year;
    int rc;

    rs->id = attr(root, "id");
    rs->version = attr(root, "version");
    year = attr(root, "fiscalYear");
    rs->year = year ? atoi(year) : 0;
    texts(first_child(root, "roundingTail"), "message", rs->tail);
    texts(first_child(root, "notListed"), "message", rs->not_listed);
    rc = load_namespaces(rs, root);
    if (rc != BX_OK)
        return rc;
    xp = new_xpath(rs, rs->doc);
    if (xp == NULL)
        return BX_E_NOMEM;
    xp->userData = rs; /* compile_expr() records each expression */
    rs->comp_by_src = src_table_new(); /* NULL: nothing shared */
    rc = prefetch ? BX_OK : load_tables(ctx, rs, file, diags);
    if (rc == BX_OK)
        rc = load_figures(rs, xp, root, file, diags);
    if (rc == BX_OK)
        rc = load_lists(ctx, rs, xp, root, file, diags);
    if (rc == BX_OK)
        rc = load_keys(rs, xp, root, file, diags);
    if (rc == BX_OK)
        rc = load_rules(rs, xp, root, file, diags);
    if (rc == BX_OK)
        rules_exprs_index(rs);
    if (rc == BX_OK && prefetch)
        rc = templates_prefetch(ctx) == BX_OK
                 ? load_tables(ctx, rs, file, diags)
                 : BX_E_DATA;
    xmlXPathFreeContext(xp);
    src_table_free(rs->comp_by_src); /* loaded: never looked up again */
    rs->comp_by_src = NULL;
    return rc;
}

static int load_set(struct bx_context *ctx, int year, int prefetch,
                    struct bx_diags *diags, struct bx_ruleset **out)
{
    struct bx_ruleset *rs = NULL;
    char rel[64];
    char hex[65];
    char *path = NULL;
    unsigned long nomem = xmlio_nomem_count();
    int lean = 0;
    int rc = BX_E_NOMEM;

    *out = NULL;
    snprintf(rel, sizeof(rel), "schemas/rules/%d.xml", year);
    path = context_path(ctx, rel);
    rs = calloc(1, sizeof(*rs));
    if (path == NULL || rs == NULL)
        goto out;
    /* read once: the digest is the original's; its lean copy is parsed
     * when the build validated the original (built_rules()) */
    rc = datafiles_read_parse_lean(ctx, rel, path, built_rules, ctx, diags,
                                   hex, &lean, &rs->doc);
    /* libxml2 drops some nodes silently when an allocation fails, and a
     * file validated at build time is not validated again: such a tree
     * could lack what the loader takes for granted */
    if (rc == BX_OK && xmlio_nomem_count() != nomem)
        rc = BX_E_NOMEM;
    if (rc == BX_OK && !lean && !validated_at_build(ctx, hex))
        rc = validate_rules(ctx, rs->doc, diags);
    if (rc == BX_OK)
        rc = load_parts(ctx, rs, path, prefetch, diags);
    /* a set that libxml2 compiled short of memory is never cached */
    if (xmlio_nomem_count() != nomem)
        rc = BX_E_NOMEM;
    if (rc != BX_OK)
        goto out;
    *out = rs;
    rs = NULL;
out:
    rules_set_free(rs);
    free(path);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The per-context cache and year selection                            */
/* ------------------------------------------------------------------ */

static void cache_free(void *p)
{
    struct rules_cache *cache = p;
    size_t i;

    if (cache == NULL)
        return;
    for (i = 0; i < cache->nsets; i++)
        rules_set_free(cache->sets[i]);
    free(cache->sets);
    free(cache->years);
    free(cache);
}

static struct rules_cache *cache_of(struct bx_context *ctx)
{
    struct rules_cache *cache = ctx->rules.ptr;

    if (cache == NULL) {
        cache = calloc(1, sizeof(*cache));
        if (cache == NULL)
            return NULL;
        ctx->rules.ptr = cache;
        ctx->rules.release = cache_free;
    }
    return cache;
}

/*
 * The year of the rule set that serves 'year': 'year' itself when
 * schemas/rules/<year>.xml exists, else the nearest earlier one, else the
 * nearest later one; 0 when there is none, -1 out of memory (never "no
 * rule set").
 */
static int pick_year(struct bx_context *ctx, int year)
{
    char *dir = context_path(ctx, "schemas/rules");
    struct dirent *e;
    DIR *d;
    int best_le = 0;
    int best_gt = 0;

    if (dir == NULL)
        return -1;
    errno = 0;
    d = opendir(dir);
    free(dir);
    if (d == NULL)
        return errno == ENOMEM ? -1 : 0;
    while ((e = readdir(d)) != NULL) {
        int y;
        char tail[8];

        if (strlen(e->d_name) != 8 ||
            sscanf(e->d_name, "%4d%7s", &y, tail) != 2 ||
            strcmp(tail, ".xml") != 0)
            continue;
        if (y <= year && y > best_le)
            best_le = y;
        if (y > year && (best_gt == 0 || y < best_gt))
            best_gt = y;
    }
    closedir(d);
    return best_le ? best_le : best_gt;
}

static struct year_map *find_year(struct rules_cache *cache, int year)
{
    size_t i;

    for (i = 0; i < cache->nyears; i++) {
        if (cache->years[i].year == year)
            return &cache->years[i];
    }
    return NULL;
}

static struct bx_ruleset *find_set(struct rules_cache *cache, int year)
{
    size_t i;

    for (i = 0; i < cache->nsets; i++) {
        if (cache->sets[i]->year == year)
            return cache->sets[i];
    }
    return NULL;
}

static int remember(struct rules_cache *cache, int year, struct bx_ruleset *rs,
                    int fallback)
{
    struct year_map *m;

    m = realloc(cache->years, (cache->nyears + 1) * sizeof(*m));
    if (m == NULL)
        return BX_E_NOMEM;
    cache->years = m;
    m[cache->nyears].year = year;
    m[cache->nyears].rs = rs;
    m[cache->nyears].fallback = fallback;
    cache->nyears++;
    return BX_OK;
}

static int add_set(struct rules_cache *cache, struct bx_ruleset *rs)
{
    struct bx_ruleset **s;

    s = realloc(cache->sets, (cache->nsets + 1) * sizeof(*s));
    if (s == NULL)
        return BX_E_NOMEM;
    cache->sets = s;
    s[cache->nsets++] = rs;
    return BX_OK;
}

/* The rule set for 'year', loading it on first use. */
static int ruleset_for(struct bx_context *ctx, int year, struct bx_diags *diags,
                       struct year_map **out)
{
    struct rules_cache *cache = cache_of(ctx);
    struct bx_ruleset *rs;
    int file_year;
    int rc;

    *out = NULL;
    if (cache == NULL)
        return BX_E_NOMEM;
    *out = find_year(cache, year);
    if (*out != NULL && (*out)->rs == NULL)
        return data_error(diags, NULL, "rule set",
                          "could not be loaded (see the first file)");
    if (*out != NULL)
        return BX_OK;
    file_year = pick_year(ctx, year);
    if (file_year < 0)
        return BX_E_NOMEM;
    rs = file_year ? find_set(cache, file_year) : NULL;
    if (rs == NULL && file_year != 0) {
        rc = load_set(ctx, file_year, 0, diags, &rs);
        if (rc == BX_OK)
            rc = add_set(cache, rs);
        if (rc != BX_OK) {
            if (rc == BX_E_NOMEM)
                rules_set_free(rs);
            else
                remember(cache, year, NULL, 0); /* broken: do not retry */
            return rc;
        }
    }
    if (rs == NULL) {
        data_error(diags, NULL, "no rule set under schemas/rules", NULL);
        return BX_E_DATA;
    }
    rc = remember(cache, year, rs, file_year != year);
    if (rc == BX_OK)
        *out = &cache->years[cache->nyears - 1];
    return rc;
}

void rules_prefetch(struct bx_context *ctx)
{
    struct rules_cache *cache;
    struct bx_ruleset *rs = NULL;
    struct bx_diags scratch;
    int file_year;
    int have;

    context_lock(ctx);
    file_year = pick_year(ctx, INT_MAX);
    cache = cache_of(ctx);
    have = cache == NULL || file_year <= 0 || find_set(cache, file_year);
    context_unlock(ctx);
    if (have)
        return;
    bx_diags_init(&scratch);
    /* the registry is asked for last (load_parts()) */
    if (load_set(ctx, file_year, 1, &scratch, &rs) == BX_OK) {
        context_lock(ctx);
        if (find_set(cache, file_year) == NULL && add_set(cache, rs) == BX_OK)
            rs = NULL;
        context_unlock(ctx);
    }
    rules_set_free(rs);
    bx_diags_release(&scratch);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

static int fallback_notice(const struct bx_submission *sub, int year,
                           const struct bx_ruleset *rs, struct bx_diags *diags)
{
    char zh[256];
    char en[256];

    snprintf(zh, sizeof(zh), "没有%d年度的规则集，改用%d年度规则集“%s”", year,
             rs->year, rs->id);
    snprintf(en, sizeof(en),
             "no rule set for fiscal year %d, using the %d rule set '%s'", year,
             rs->year, rs->id);
    return bx_diags_addf(diags, BX_SEV_WARNING, "RULES-FALLBACK", sub->path, 0,
                         zh, en);
}

static int submission_year(const struct bx_submission *sub)
{
    const char *y = bx_submission_meta(sub, "fiscalYear");

    return y != NULL ? atoi(y) : 0;
}

int bx_rules_check(struct bx_context *ctx, struct bx_submission *sub,
                   struct bx_diags *diags)
{
    return bx_rules_check_coverage(ctx, sub, diags, NULL);
}

int bx_rules_check_coverage(struct bx_context *ctx, struct bx_submission *sub,
                            struct bx_diags *diags, struct bx_coverage *cov)
{
    struct year_map *m;
    struct year_map map;
    int year;
    int rc;

    if (cov != NULL)
        memset(cov, 0, sizeof(*cov));
    if (ctx == NULL || sub == NULL || diags == NULL)
        return BX_E_ARG;
    if (sub->schema_valid != 1 || sub->doc == NULL)
        return BX_E_STATE;
    year = submission_year(sub);
    context_prefetch_wait(ctx, BX_PREFETCH_RULES); /* load it once */
    /* threads share the cache: copy the entry out while holding it (a
     * later year may move the array); compiled sets are read-only */
    context_lock(ctx);
    rc = ruleset_for(ctx, year, diags, &m);
    if (rc == BX_OK)
        map = *m;
    context_unlock(ctx);
    if (rc != BX_OK)
        return rc;
    if (map.fallback) {
        rc = fallback_notice(sub, year, map.rs, diags);
        if (rc != BX_OK)
            return rc;
    }
    rc = rules_eval(ctx, map.rs, sub, diags, cov);
    if (rc == BX_OK)
        sub->rules_checked = 1;
    return rc;
}

const struct bx_ruleset *rules_cached(struct bx_context *ctx, int year)
{
    struct rules_cache *cache;
    struct bx_ruleset *rs = NULL;

    context_lock(ctx);
    cache = ctx->rules.ptr;
    if (cache != NULL)
        rs = find_set(cache, year);
    context_unlock(ctx);
    return rs;
}

int bx_rules_ruleset(struct bx_context *ctx, const struct bx_submission *sub,
                     const char **id, const char **version)
{
    struct rules_cache *cache;
    struct year_map *m;
    int rc = BX_E_STATE;

    *id = NULL;
    *version = NULL;
    if (ctx == NULL || sub == NULL)
        return BX_E_STATE;
    context_lock(ctx);
    cache = ctx->rules.ptr;
    m = cache != NULL ? find_year(cache, submission_year(sub)) : NULL;
    if (m != NULL && m->rs != NULL) {
        *id = m->rs->id;
        *version = m->rs->version;
        rc = BX_OK;
    }
    context_unlock(ctx);
    return rc;
}
