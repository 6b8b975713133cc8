/*
 * Business rules, evaluation: runs the compiled checks of a rule set over
 * one submission and words each finding (table, row, column, printed,
 * computed, difference, tolerance, bilingual message).  All arithmetic is
 * fixed point (rules_num.c).  Uses libxml2 XPath directly (see rules.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xpathInternals.h>

#include "rules_eval.h"
#include "diag.h"
#include "rules_num.h"
#include "templates.h"
#include "util.h"
#include "validate.h"
#include "xmlio.h"

/* ------------------------------------------------------------------ */
/* XPath evaluation                                                    */
/* ------------------------------------------------------------------ */

/*
 * A location path read from the tree, or a truth decided by its paths
 * (rules_expr.c, rules_path.c): the object XPath would give, or NULL
 * when the expression has no such form or the tree holds what the walk
 * does not model (then XPath decides).
 */
static xmlXPathObjectPtr run_tree(struct bx_eval *ev,
                                  const struct bx_expr_info *info,
                                  xmlNodePtr node)
{
    xmlNodeSetPtr set;
    int r;

    if (info->fast == BX_FP_VALUE) {
        xmlXPathObjectPtr o = rules_vx_eval(info->vx, ev->xp, node, &r);

        if (o == NULL && r)
            ev->rc = BX_E_NOMEM;
        return o;
    }
    if (info->fast == BX_FP_ANY) {
        r = rules_expr_any(info, ev->xp, node);
        if (r == 0 || r == 1)
            return xmlXPathNewBoolean(r);
        if (r == 2)
            return xmlXPathNewBoolean(
                rules_run_bool(ev, info->any_tail, node));
        if (r == -2)
            ev->rc = BX_E_NOMEM;
        return NULL;
    }
    set = xmlXPathNodeSetCreate(NULL);
    if (set == NULL) {
        ev->rc = BX_E_NOMEM;
        return NULL;
    }
    r = rules_expr_fast_grow(info, ev->xp, node, set);
    if (r == 1)
        return xmlXPathWrapNodeSet(set);
    xmlXPathFreeNodeSet(set);
    if (r < 0)
        ev->rc = BX_E_NOMEM;
    return NULL;
}

/* rules_run() with the expression's info looked up by the caller. */
static xmlXPathObjectPtr run_info(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                                  const struct bx_expr_info *info,
                                  xmlNodePtr node)
{
    xmlXPathObjectPtr o;

    if (node == NULL)
        info = NULL;

    if (info != NULL && (info->fast == BX_FP_LPATH ||
                         info->fast == BX_FP_ANY ||
                         info->fast == BX_FP_VALUE ||
                         info->fast == BX_FP_PATH ||
                         info->fast == BX_FP_ATTRS ||
                         info->fast == BX_FP_CHILDREN)) {
        o = run_tree(ev, info, node);
        if (o != NULL || ev->rc != BX_OK)
            return o;
    }

    ev->xp->node = node;
    ev->xp->contextSize = 1;
    ev->xp->proximityPosition = 1;
    o = xmlXPathCompiledEval(comp, ev->xp);
    if (o == NULL && comp != NULL && ev->rc == BX_OK) {
        /* no result is no verdict (never "a value we cannot evaluate"):
         * out of memory, in libxml2 or in one of our XPath functions, or
         * a rule expression that fails at run time */
        ev->rc = ev->xp->lastError.code == XML_XPATH_MEMORY_ERROR
                     ? BX_E_NOMEM
                     : BX_E_INTERNAL;
    }
    return o;
}

xmlXPathObjectPtr rules_run(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                            xmlNodePtr node)
{
    return run_info(ev, comp,
                    comp != NULL && node != NULL ? rules_expr_info(ev->rs, comp)
                                                 : NULL,
                    node);
}

/*
 * Bind $self to 'node' for the expressions evaluated on it.  libxml2
 * hands an expression a copy of a variable's value, so the one-node set
 * registered first is re-pointed in place (no hash update, no object
 * freed and allocated per node).
 */
static void bind_self(struct bx_eval *ev, xmlNodePtr node)
{
    xmlXPathObjectPtr o = ev->self;

    if (o != NULL && o->nodesetval != NULL && o->nodesetval->nodeNr == 1 &&
        node != NULL && node->type != XML_NAMESPACE_DECL &&
        o->nodesetval->nodeTab[0]->type != XML_NAMESPACE_DECL) {
        o->nodesetval->nodeTab[0] = node;
        return;
    }
    ev->self = NULL;
    o = xmlXPathNewNodeSet(node);
    if (o == NULL ||
        xmlXPathRegisterVariable(ev->xp, BAD_CAST "self", o) != 0) {
        xmlXPathFreeObject(o);
        ev->rc = BX_E_NOMEM; /* $self would still name the last node */
        return;
    }
    if (o->nodesetval != NULL && o->nodesetval->nodeNr == 1)
        ev->self = o;
}

int rules_run_bool(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                   xmlNodePtr node)
{
    xmlXPathObjectPtr o = rules_run(ev, comp, node);
    int b = o != NULL ? xmlXPathCastToBoolean(o) : 0;

    xmlXPathFreeObject(o);
    return b;
}

/* The nodes of 'comp' on 'node' into 'set' when it has a fast path
 * (rules_expr.c); 0: evaluate it through XPath. */
static int run_fast(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                    xmlNodePtr node, xmlNodeSetPtr set)
{
    return comp != NULL &&
           rules_expr_fast(rules_expr_info(ev->rs, comp), ev->xp, node, set);
}

/* String value of 'comp' on 'node'; caller xmlFree()s; NULL on failure. */
xmlChar *rules_run_string(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                          xmlNodePtr node)
{
    xmlXPathObjectPtr o;
    xmlChar *s;
    xmlNodePtr tab[32];
    xmlNodeSet set = {0, 32, tab};

    if (comp == NULL)
        return NULL;
    if (run_fast(ev, comp, node, &set)) {
        /* XPath's string(): the first node's string value, else "" */
        s = set.nodeNr > 0 ? xmlNodeGetContent(set.nodeTab[0]) : NULL;
        return s != NULL ? s : xmlStrdup(BAD_CAST "");
    }
    o = rules_run(ev, comp, node);
    if (o == NULL)
        return NULL;
    s = xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    return s;
}

static int is_bx(xmlNodePtr n, const char *name);
static void table_unit(const struct bx_eval *ev, xmlNodePtr t,
                       struct bx_unit *u);

/*
 * What the template says of table element 't': a unit or decimals of its
 * own (different from the template's default), blank = not applicable.
 */
static void template_unit(const struct bx_eval *ev, xmlNodePtr t,
                          struct bx_unit *u)
{
    const struct tpl_table *tb =
        ev->tpl != NULL ? templates_table(ev->tpl, (const char *)t->name)
                        : NULL;

    if (tb == NULL)
        return;
    if (tb->unit != NULL && ev->tpl->unit != NULL &&
        strcmp(tb->unit, ev->tpl->unit) != 0)
        u->yuan = strcmp(tb->unit, "元") == 0;
    if (tb->decimals != ev->tpl->decimals && tb->decimals >= 0 &&
        tb->decimals <= 4)
        u->places = tb->decimals;
    u->blank_na = tb->blank_na;
}

/*
 * The unit of every element node_unit() was asked about, by its number
 * in document order (xmlXPathOrderDocElems() leaves -number in
 * 'content'), direct-mapped: the unit is a function of the element (its
 * own attributes, its table's, the document's), and the checks read the
 * figures of the same rows again and again, each time walking up to the
 * table and naming each ancestor (a third of reading a figure).  It lies
 * after the struct bx_unit_memo of the evaluation, in the same block.
 */
#define EL_UNITS 1024 /* a power of 2 */

struct unit_memo_block {
    struct bx_unit_memo m; /* first: ev->unit_memo is the block */
    struct el_unit {
        xmlNodePtr el;
        struct bx_unit u;
    } els[EL_UNITS];
};

static void node_unit_of(const struct bx_eval *ev, xmlNodePtr node,
                         struct bx_unit *u);

/*
 * The unit of the table 'node' belongs to: the table element's own unit,
 * decimals and blank attributes, else the document's (metadata/amounts).
 * Nodes outside the tables (narrative figures) are in the document's unit.
 */
static void node_unit(const struct bx_eval *ev, xmlNodePtr node,
                      struct bx_unit *u)
{
    struct unit_memo_block *b = (struct unit_memo_block *)ev->unit_memo;
    xmlNodePtr el = rules_element_of(node);
    struct el_unit *e;
    ptrdiff_t o;

    if (b == NULL || !rules_memo || el == NULL ||
        el->type != XML_ELEMENT_NODE) {
        node_unit_of(ev, node, u);
        return;
    }
    o = -(ptrdiff_t)(intptr_t)el->content;
    e = &b->els[(size_t)o & (EL_UNITS - 1)];
    if (e->el == el) {
        *u = e->u;
        return;
    }
    node_unit_of(ev, node, u);
    e->el = el;
    e->u = *u;
}

/* node_unit() worked out. */
static void node_unit_of(const struct bx_eval *ev, xmlNodePtr node,
                         struct bx_unit *u)
{
    xmlNodePtr el = rules_element_of(node);
    xmlNodePtr t = el;
    struct bx_unit_memo *m = ev->unit_memo;
    int known = m != NULL && el != NULL && m->el == el;
    const char *s;

    u->yuan = ev->yuan;
    u->places = ev->places;
    u->blank_na = 0;
    /* the table of the last element asked about is remembered (the
       figures of one row are read one after another) */
    if (known && m->el_table != NULL)
        t = m->el_table;
    if (known ? m->el_table == NULL && m->el_fig : is_bx(t, "fig")) {
        /* a narrative figure: its own unit, the places it is printed with */
        s = rules_prop(t, "unit");
        if (s != NULL)
            u->yuan = strcmp(s, "元") == 0;
        u->places = -1;
        u->half = 0;
        if (m != NULL && el != NULL) {
            m->el = el;
            m->el_table = NULL;
            m->el_fig = 1;
        }
        return;
    }
    if (!known) {
        while (t != NULL && t->type == XML_ELEMENT_NODE &&
               !is_bx(t->parent, "tables"))
            t = t->parent;
        if (t != NULL && t->type != XML_ELEMENT_NODE)
            t = NULL;
        if (m != NULL && el != NULL) {
            m->el = el;
            m->el_table = t;
            m->el_fig = 0;
        }
    } else if (m->el_table == NULL) {
        t = NULL;
    }
    if (t == NULL) {
        u->half = ev->half_u;
        return;
    }
    /* the unit is a function of the table element: remembered for the
       last tables asked about (a check reads one or two tables at a time;
       a document has a few dozen) */
    if (m != NULL && rules_memo) {
        size_t i = ((uintptr_t)t >> 4) % BX_UNIT_TABLES;

        if (m->tables[i] == t) {
            *u = m->units[i];
            return;
        }
        table_unit(ev, t, u);
        m->tables[i] = t;
        m->units[i] = *u;
        return;
    }
    table_unit(ev, t, u);
}

/* The unit of table element 't' (node_unit). */
static void table_unit(const struct bx_eval *ev, xmlNodePtr t,
                       struct bx_unit *u)
{
    const char *s;

    template_unit(ev, t, u);
    s = rules_prop(t, "unit");
    if (s != NULL)
        u->yuan = strcmp(s, "元") == 0;
    s = rules_prop(t, "decimals");
    if (s != NULL && s[0] >= '0' && s[0] <= '4' && s[1] == '\0')
        u->places = s[0] - '0';
    s = rules_prop(t, "blank");
    if (s != NULL)
        u->blank_na = strcmp(s, "na") == 0;
    u->half = rules_dec_unit(u->places) / 2;
    if (!rules_unit_convert(u->half, u->yuan, ev->yuan, &u->half))
        u->half = INT64_MAX / 4;
    if (u->half == 0)
        u->half = 1; /* half a 元 cent in 万元: below our resolution */
}

/*
 * rules_dec_parse(p) for 'p' inside a text of the tree ('in_tree'): the
 * same text is read by many checks (a cell by every sum it is part of),
 * so its parse is remembered by address.  The tree does not change while
 * the rules run, so an address stands for the same characters; texts
 * made for the moment (freed after) are parsed every time.
 */
static int dec_parse_memo(const struct bx_eval *ev, const char *p,
                          int in_tree, struct bx_dec *d)
{
    struct bx_dec_memo *m;
    uintptr_t h;

    if (!in_tree || ev->unit_memo == NULL || !rules_memo)
        return rules_dec_parse(p, d);
    h = (uintptr_t)p;
    h = (h >> 3) ^ (h >> 13);
    m = &ev->unit_memo->dec[h & (BX_DEC_MEMO - 1)];
    if (m->s != p) {
        m->rc = rules_dec_parse(p, &m->d);
        m->s = p;
    }
    *d = m->d;
    return m->rc;
}

/*
 * Add one printed figure 's' in unit 'u' to 'v', converted exactly to
 * the document's unit (万元 → 元 multiplies; 元 → 万元 keeps four places).
 * 'in_tree': 's' is a text of the tree itself (dec_parse_memo).
 */
static void val_add_string(const struct bx_eval *ev, struct bx_val *v,
                           const char *s, int in_tree,
                           const struct bx_unit *unit)
{
    struct bx_unit u = *unit;
    struct bx_dec d;
    const char *p = s;
    int64_t x;

    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    v->units |= u.yuan ? 2 : 1;
    if (*p == '\0') {
        /* a blank cell: 0, or "not applicable" where the template says so */
        if (u.half > v->half_max)
            v->half_max = u.half;
        if (u.blank_na)
            v->blank_na = 1;
        return;
    }
    if (dec_parse_memo(ev, p, in_tree, &d) != BX_OK) {
        v->bad = 1;
        return;
    }
    if (u.places < 0) {
        /* a figure of the text: half of the unit it is printed with */
        u.places = d.places;
        if (!rules_unit_convert(rules_dec_unit(d.places) / 2, u.yuan, ev->yuan,
                                &u.half))
            u.half = INT64_MAX / 4;
        if (u.half == 0)
            u.half = 1;
    }
    if (u.half > v->half_max)
        v->half_max = u.half;
    x = d.v;
    if (u.yuan != ev->yuan) {
        if (!rules_unit_convert(d.v, u.yuan, ev->yuan, &x)) {
            v->bad = 1;
            return;
        }
        d.places = ev->places;
    }
    if (!rules_dec_add(v->sum, x, &v->sum)) {
        v->bad = 1;
        return;
    }
    v->n++;
    if (x != 0) {
        v->nz++;
        v->half_nz += u.half;
    }
    if (d.places > v->places)
        v->places = d.places;
}

/* The text of an attribute held as one text node, read in place; else NULL. */
static const xmlChar *attr_text(xmlNodePtr node)
{
    xmlNodePtr c = node->type == XML_ATTRIBUTE_NODE ? node->children : NULL;

    if (c != NULL && c->type == XML_TEXT_NODE && c->next == NULL &&
        c->content != NULL)
        return c->content;
    return NULL;
}

static void val_add_node(const struct bx_eval *ev, struct bx_val *v,
                         xmlNodePtr node)
{
    const xmlChar *text = attr_text(node);
    xmlChar *s = text == NULL ? xmlNodeGetContent(node) : NULL;
    struct bx_unit u;

    if (v->first == NULL)
        v->first = node;
    v->nodes++;
    if (text == NULL && s == NULL) {
        v->bad = 1;
        return;
    }
    node_unit(ev, node, &u);
    val_add_string(ev, v, (const char *)(text != NULL ? text : s),
                   text != NULL, &u);
    if (v->bad && v->bad_node == NULL)
        v->bad_node = node;
    xmlFree(s);
}

/*
 * Sums of large node-sets, remembered per document.  A check per row
 * whose figures come from a key lookup (all T7 rows of one economic code,
 * over every unit) adds up the same set of nodes again and again; the
 * sum of a set is a function of its nodes, so it is computed once.  The
 * set is compared node by node (pointers), far cheaper than re-reading
 * and parsing each figure.  Bounded: past SUMS_MAX_NODES remembered nodes
 * nothing more is kept.  The table grows with what it holds (a large
 * document remembers tens of thousands of sets: a fixed 1,024 chains grew
 * long, and walking them was 6% of a 60 MB document's validate).
 */
#define SUMS_MIN_SET 8
#define SUMS_MAX_NODES (1u << 20)
#define SUMS_BUCKETS 1024 /* to start with; a power of 2 */

struct sum_entry {
    struct sum_entry *next;
    uint64_t hash;
    int n;
    xmlNodePtr *nodes; /* copy of the set */
    struct bx_val v;
};

struct bx_sums {
    struct sum_entry **bucket;
    size_t mask;  /* buckets - 1 */
    size_t count; /* entries */
    size_t kept;  /* nodes remembered */
};

static uint64_t set_hash(const xmlNodeSetPtr set)
{
    uint64_t h = 1469598103934665603u;
    int i;

    for (i = 0; i < set->nodeNr; i++)
        h = (h ^ (uint64_t)(uintptr_t)set->nodeTab[i]) * 1099511628211u;
    h ^= (uint64_t)set->nodeNr;
    /* a multiplication carries bits upwards only: mix the high bits down
       before the bucket (the low bits) is taken (splitmix64's finaliser) */
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
    return h ^ (h >> 31);
}

struct bx_sums *rules_sums_new(void)
{
    struct bx_sums *sums = calloc(1, sizeof(*sums));

    if (sums != NULL) {
        sums->bucket = calloc(SUMS_BUCKETS, sizeof(*sums->bucket));
        sums->mask = SUMS_BUCKETS - 1;
        if (sums->bucket == NULL) {
            free(sums);
            sums = NULL;
        }
    }
    return sums;
}

size_t rules_sums_buckets(const struct bx_sums *sums)
{
    return sums->mask + 1;
}

/* The entry remembered for 'set' (hash 'h'), or NULL. */
static struct sum_entry *sums_find(const struct bx_sums *sums, uint64_t h,
                                   const xmlNodeSetPtr set)
{
    struct sum_entry *e;

    for (e = sums->bucket[h & sums->mask]; e != NULL; e = e->next) {
        if (e->hash == h && e->n == set->nodeNr &&
            memcmp(e->nodes, set->nodeTab,
                   (size_t)set->nodeNr * sizeof(*e->nodes)) == 0)
            return e;
    }
    return NULL;
}

const struct bx_val *rules_sums_find(const struct bx_sums *sums,
                                     const xmlNodeSetPtr set)
{
    struct sum_entry *e = sums_find(sums, set_hash(set), set);

    return e != NULL ? &e->v : NULL;
}

/* Twice the buckets, when there is memory for them (else as it was). */
static void sums_grow(struct bx_sums *sums)
{
    size_t n = (sums->mask + 1) * 2;
    struct sum_entry **bucket = calloc(n, sizeof(*bucket));
    struct sum_entry *e;
    size_t i;

    if (bucket == NULL)
        return;
    for (i = 0; i <= sums->mask; i++) {
        while (sums->bucket[i] != NULL) {
            e = sums->bucket[i];
            sums->bucket[i] = e->next;
            e->next = bucket[e->hash & (n - 1)];
            bucket[e->hash & (n - 1)] = e;
        }
    }
    free(sums->bucket);
    sums->bucket = bucket;
    sums->mask = n - 1;
}

void rules_sums_keep(struct bx_sums *sums, const xmlNodeSetPtr set,
                     const struct bx_val *v)
{
    struct sum_entry *e;
    uint64_t h = set_hash(set);

    if (sums->kept + (size_t)set->nodeNr > SUMS_MAX_NODES)
        return;
    e = calloc(1, sizeof(*e));
    if (e != NULL)
        e->nodes = malloc((size_t)set->nodeNr * sizeof(*e->nodes));
    if (e == NULL || e->nodes == NULL) {
        free(e);
        return; /* a cache: short of memory, just not remembered */
    }
    if (sums->count >= sums->mask + 1)
        sums_grow(sums);
    memcpy(e->nodes, set->nodeTab, (size_t)set->nodeNr * sizeof(*e->nodes));
    e->hash = h;
    e->n = set->nodeNr;
    e->v = *v;
    e->next = sums->bucket[h & sums->mask];
    sums->bucket[h & sums->mask] = e;
    sums->count++;
    sums->kept += (size_t)set->nodeNr;
}

void rules_sums_free(struct bx_sums *sums)
{
    struct sum_entry *e;
    size_t i;

    for (i = 0; sums != NULL && i <= sums->mask; i++) {
        while (sums->bucket[i] != NULL) {
            e = sums->bucket[i];
            sums->bucket[i] = e->next;
            free(e->nodes);
            free(e);
        }
    }
    if (sums != NULL)
        free(sums->bucket);
    free(sums);
}

/* Add up the figures of the nodes of 'set' into 'v'. */
static void val_add_set(struct bx_eval *ev, const xmlNodeSetPtr set,
                        struct bx_val *v)
{
    const struct bx_val *kept = NULL;
    int i;

    if (set->nodeNr >= SUMS_MIN_SET) {
        if (ev->sums == NULL)
            ev->sums = rules_sums_new();
        if (ev->sums != NULL)
            kept = rules_sums_find(ev->sums, set);
        if (kept != NULL) {
            *v = *kept;
            return;
        }
    }
    for (i = 0; i < set->nodeNr; i++)
        val_add_node(ev, v, set->nodeTab[i]);
    if (ev->sums != NULL && set->nodeNr >= SUMS_MIN_SET)
        rules_sums_keep(ev->sums, set, v);
}

static void free_payload(void *payload, const xmlChar *name)
{
    (void)name;
    free(payload);
}

/* Remember 'v' as the figure of key expression 'e' for 'value'. */
static void key_keep(struct bx_eval *ev, const struct bx_expr_info *e,
                     const xmlChar *value, const struct bx_val *v)
{
    struct bx_val *kept;

    if (ev->key_sums == NULL)
        ev->key_sums = calloc(ev->rs->nexprs, sizeof(*ev->key_sums));
    if (ev->key_sums == NULL)
        return; /* a cache: short of memory, not remembered */
    if (ev->key_sums[e->id] == NULL)
        ev->key_sums[e->id] = xmlHashCreate(0);
    kept = ev->key_sums[e->id] != NULL ? malloc(sizeof(*kept)) : NULL;
    if (kept == NULL)
        return;
    *kept = *v;
    if (xmlHashAddEntry(ev->key_sums[e->id], value, kept) != 0)
        free(kept);
}

/*
 * A figure "bx:key('k', $self/@a)" or "bx:key('k', $self/@a)/@x" (BR-026:
 * the T7 figures of a T6 row's economic code, across every unit): read
 * from the key's index and added up once per key value and document
 * (the figure is a function of the nodes, the nodes of the value).  0:
 * not answered here (then XPath).
 */
static int key_val(struct bx_eval *ev, const struct bx_expr_info *e,
                   struct bx_val *v)
{
    xmlNodePtr self;
    xmlAttrPtr a;
    const xmlChar *value;
    xmlChar *copy = NULL;
    const xmlNodeSet *set;
    const struct bx_val *kept = NULL;
    int ok;
    int i;

    if (ev->self == NULL || ev->self->nodesetval == NULL ||
        ev->self->nodesetval->nodeNr != 1)
        return 0;
    self = ev->self->nodesetval->nodeTab[0];
    if (self->type != XML_ELEMENT_NODE)
        return 0;
    a = rules_attr_named(self, e->key_of);
    if (a == NULL)
        return 1; /* $self/@a is empty: so is the lookup */
    value = attr_text((xmlNodePtr)a);
    if (value == NULL) {
        copy = xmlNodeGetContent((xmlNodePtr)a);
        value = copy;
    }
    if (value == NULL)
        return 0;
    if (ev->key_sums != NULL && ev->key_sums[e->id] != NULL)
        kept = xmlHashLookup(ev->key_sums[e->id], value);
    if (kept != NULL) {
        *v = *kept;
        xmlFree(copy);
        return 1;
    }
    set = rules_key_nodes(ev, e->key, value, &ok);
    for (i = 0; ok && set != NULL && i < set->nodeNr; i++) {
        xmlNodePtr n = set->nodeTab[i];

        if (e->nattrs > 0)
            n = n->type == XML_ELEMENT_NODE
                    ? (xmlNodePtr)rules_attr_named(n, e->attrs[0])
                    : NULL;
        if (n != NULL)
            val_add_node(ev, v, n);
    }
    if (ok)
        key_keep(ev, e, value, v);
    xmlFree(copy);
    return ok;
}

/* Evaluate 'comp' (whose info is 'info') on 'node' and add up what it
 * selects into 'v'. */
static void val_eval(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                     const struct bx_expr_info *info, xmlNodePtr node,
                     struct bx_val *v)
{
    xmlXPathObjectPtr o;

    memset(v, 0, sizeof(*v));
    if (info != NULL && info->fast == BX_FP_KEY && key_val(ev, info, v))
        return;
    memset(v, 0, sizeof(*v));
    {
        /* "@total", "bx:income/bx:grandTotal/@amount": read in place */
        xmlNodePtr tab[32];
        xmlNodeSet set = {0, 32, tab};

        if (comp != NULL && rules_expr_fast(info, ev->xp, node, &set)) {
            val_add_set(ev, &set, v);
            return;
        }
    }
    o = run_info(ev, comp, info, node);
    if (o == NULL) {
        v->bad = 1;
        return;
    }
    if (o->type == XPATH_NODESET) {
        if (o->nodesetval != NULL)
            val_add_set(ev, o->nodesetval, v);
    } else if (o->type == XPATH_NUMBER) {
        /* counts and literals only: integral, so exact in a double */
        double d = o->floatval;

        if (d != d || d > 1e14 || d < -1e14)
            v->bad = 1;
        else
            v->sum = (int64_t)(d * BX_DEC_ONE + (d >= 0 ? 0.5 : -0.5));
        v->nodes = 1;
    } else if (o->type == XPATH_STRING) {
        struct bx_unit u;

        node_unit(ev, NULL, &u);
        v->nodes = 1;
        val_add_string(ev, v, (const char *)o->stringval, 0, &u);
    } else {
        v->bad = 1;
    }
    xmlXPathFreeObject(o);
}

static struct bx_xcache *xcache_static(struct bx_eval *ev,
                                       xmlXPathCompExprPtr comp);

void rules_val(struct bx_eval *ev, xmlXPathCompExprPtr comp, xmlNodePtr node,
               struct bx_val *v)
{
    /* looked up once for the cache, the fast path and XPath */
    const struct bx_expr_info *info =
        comp != NULL ? rules_expr_info(ev->rs, comp) : NULL;
    struct bx_xcache *c = ev->xc != NULL && info != NULL && info->is_static
                              ? &ev->xc[info->id]
                              : NULL;

    /* a figure that reads no context node ($T5/bx:total/@basic on every
       row of a table) is added up once per document */
    if (c != NULL && c->has_val) {
        *v = c->val;
        return;
    }
    val_eval(ev, comp, info, node, v);
    if (c != NULL) {
        c->val = *v;
        c->has_val = 1;
    }
}

/* ------------------------------------------------------------------ */
/* Wording a finding                                                   */
/* ------------------------------------------------------------------ */

static int is_bx(xmlNodePtr n, const char *name)
{
    /* the name first, from its first letter (a call less for most
       elements: node_unit asks each ancestor of a figure whether its
       parent is bx:tables); the namespace differs only at its end */
    return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           (name == NULL ||
            (n->name != NULL && n->name[0] == (xmlChar)name[0] &&
             xmlStrEqual(n->name, BAD_CAST name))) &&
           n->ns->href != NULL &&
           strcmp((const char *)n->ns->href, BX_NAMESPACE) == 0;
}

int rules_is_bx(xmlNodePtr n, const char *name)
{
    return is_bx(n, name);
}

xmlNodePtr rules_element_of(xmlNodePtr n)
{
    if (n != NULL && n->type == XML_ATTRIBUTE_NODE)
        return n->parent;
    if (n != NULL && n->type == XML_DOCUMENT_NODE)
        return xmlDocGetRootElement((xmlDocPtr)n);
    return n;
}

static const struct bx_table_def *table_of(const struct bx_ruleset *rs,
                                           xmlNodePtr n)
{
    size_t i;

    for (n = rules_element_of(n); n != NULL && n->type == XML_ELEMENT_NODE;
         n = n->parent) {
        if (!is_bx(n->parent, "tables"))
            continue;
        for (i = 0; i < rs->ntables; i++) {
            if (xmlStrEqual(n->name, BAD_CAST rs->tables[i].element))
                return &rs->tables[i];
        }
        return NULL;
    }
    return NULL;
}

const char *rules_prop(xmlNodePtr el, const char *name)
{
    /* xmlHasNsProp(el, name, NULL) without its look into a DTD for
       defaults: a submission has none (a DOCTYPE stops its parse) */
    xmlAttrPtr a = el != NULL && el->type == XML_ELEMENT_NODE
                       ? rules_attr_named(el, name)
                       : NULL;

    if (a == NULL || a->children == NULL || a->children->content == NULL ||
        a->children->content[0] == '\0')
        return NULL;
    return (const char *)a->children->content;
}

/* "第二部分 情况说明 一、收入支出预算总体情况说明" for narrative nodes. */
static void section_label(xmlNodePtr el, struct bx_buf *b, int outer)
{
    xmlNodePtr s = NULL;
    xmlNodePtr n;

    for (n = el; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (is_bx(n, "section") || is_bx(n, "item")) {
            s = n;
            if (!outer)
                break;
        }
    }
    if (s == NULL)
        return;
    if (rules_prop(s, "no") != NULL)
        buf_printf(b, "%s%s", rules_prop(s, "no"),
                   is_bx(s, "item") ? ". " : " ");
    if (rules_prop(s, "title") != NULL)
        buf_puts(b, rules_prop(s, "title"));
    else if (rules_prop(s, "func") != NULL)
        buf_puts(b, rules_prop(s, "func"));
}

/* Row label of an element: code and name, or its printed label. */
static char *row_label(xmlNodePtr el)
{
    struct bx_buf b;
    const char *code = rules_prop(el, "code");
    const char *name = rules_prop(el, "name");

    buf_init(&b);
    if (el == NULL)
        return NULL;
    if (rules_prop(el, "dep") != NULL) {
        code = rules_prop(el, "dep");
        name = rules_prop(el, "depName");
    }
    if (name == NULL)
        name = rules_prop(el, "label");
    if (is_bx(el, "total") && name == NULL)
        name = "合计";
    /* the one row of a department table (表八) is the department's */
    if (is_bx(el, "row") && code == NULL && name == NULL)
        name = el->parent != NULL && rules_prop(el->parent, "deptName")
                   ? rules_prop(el->parent, "deptName")
                   : "合计";
    if (code != NULL)
        buf_puts(&b, code);
    if (code != NULL && name != NULL)
        buf_puts(&b, " ");
    if (name != NULL)
        buf_puts(&b, name);
    if (code == NULL && name == NULL)
        section_label(el, &b, 0);
    return buf_take(&b, NULL);
}

static const char *column_label(struct bx_eval *ev,
                                const struct bx_table_def *t, const char *name,
                                int lang)
{
    const struct tpl_column *c = NULL;
    const char *l;
    size_t i;

    /* the document's template prints its own column labels */
    if (t != NULL)
        c = templates_column(templates_table(ev->tpl, t->element), name);
    if (c != NULL && c->label[lang] != NULL)
        return c->label[lang];
    for (i = 0; t != NULL && i < t->ncolumns; i++) {
        if (strcmp(t->columns[i].name, name) == 0)
            return t->columns[i].label[lang];
    }
    l = validate_label(ev->ctx, name, 1, (enum bx_lang)lang);
    return l != NULL ? l : name;
}

struct bx_words {
    char *table[2];
    char *row;
    const char *column[2];
    char *quantity[2]; /* a narrative key in the reader's words */
    char num[4][NUMSZ];
    int failed; /* some words are missing for want of memory */
};

/*
 * A placeholder's value.  An 'expected' text of the rule file may hold
 * both languages as "中文 / English": each message gets its own half.
 */
static void put_value(struct bx_buf *b, const char *v, int bilingual, int lang)
{
    const char *sep = v != NULL && bilingual ? strstr(v, " / ") : NULL;

    if (v == NULL) {
        buf_puts(b, "—");
    } else if (sep == NULL) {
        buf_puts(b, v);
    } else if (lang == BX_LANG_ZH) {
        buf_append(b, v, (size_t)(sep - v));
    } else {
        buf_puts(b, sep + 3);
    }
}

static const char *const placeholders[] = {
    "table", "row",      "column", "printed", "computed", "diff", "tol",
    "value", "expected", "key",    "rule",    "title",    "more"};
#define NPLACEHOLDERS (sizeof(placeholders) / sizeof(placeholders[0]))

/* The placeholder at 'p' ("{row}..."): its index, or -1. */
static int placeholder_at(const char *p)
{
    size_t i;
    size_t kl;

    for (i = 0; *p == '{' && i < NPLACEHOLDERS; i++) {
        kl = strlen(placeholders[i]);
        if (strncmp(p + 1, placeholders[i], kl) == 0 && p[1 + kl] == '}')
            return (int)i;
    }
    return -1;
}

/* Fill 'n' bytes of 'tpl'; placeholders without a value read "—". */
static void fill_span(struct bx_buf *b, const char *tpl, size_t n,
                      const char *const *vals, int lang)
{
    const char *end = tpl + n;
    const char *p;
    int k;

    for (p = tpl; p < end; p++) {
        k = placeholder_at(p);
        if (k < 0) {
            buf_append(b, p, 1);
            continue;
        }
        put_value(b, vals[k], k == 8 || k == 12, lang);
        p += strlen(placeholders[k]) + 1;
    }
}

/* Has every placeholder in the 'n' bytes at 'p' a value? */
static int all_set(const char *p, size_t n, const char *const *vals)
{
    const char *end = p + n;
    int k;

    for (; p < end; p++) {
        k = placeholder_at(p);
        if (k >= 0 && vals[k] == NULL)
            return 0;
    }
    return 1;
}

/*
 * Fill a message.  "[A|B]" reads A when every placeholder of A has a
 * value, else B (a project found in one table only has no amounts to
 * compare: it says so instead of printing "—").
 */
static void fill(struct bx_buf *b, const char *tpl, const struct bx_finding *f,
                 const struct bx_words *w, int lang)
{
    const char *vals[NPLACEHOLDERS];
    const char *open;
    const char *bar;
    const char *close;

    vals[0] = w->table[lang];
    vals[1] = w->row;
    vals[2] = w->column[lang];
    vals[3] = f->nums ? w->num[0] : NULL;
    vals[4] = f->nums ? w->num[1] : NULL;
    vals[5] = f->nums ? w->num[2] : NULL;
    vals[6] = f->nums ? w->num[3] : NULL;
    vals[7] = f->value;
    vals[8] = f->expected;
    vals[9] = w->quantity[lang] != NULL ? w->quantity[lang] : f->key;
    vals[10] = f->chk->rule->id;
    vals[11] = f->chk->rule->title[lang];
    vals[12] = f->more;
    while ((open = strchr(tpl, '[')) != NULL &&
           (close = strchr(open, ']')) != NULL) {
        fill_span(b, tpl, (size_t)(open - tpl), vals, lang);
        bar = memchr(open, '|', (size_t)(close - open));
        bar = bar != NULL ? bar : close;
        if (all_set(open + 1, (size_t)(bar - open - 1), vals))
            fill_span(b, open + 1, (size_t)(bar - open - 1), vals, lang);
        else if (bar < close)
            fill_span(b, bar + 1, (size_t)(close - bar - 1), vals, lang);
        tpl = close + 1;
    }
    fill_span(b, tpl, strlen(tpl), vals, lang);
}

/* The table element (child of bx:tables) that holds 'n', or NULL. */
static xmlNodePtr table_node(xmlNodePtr n)
{
    for (; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent) {
        if (is_bx(n->parent, "tables"))
            return n;
    }
    return NULL;
}

static void words_table(struct bx_eval *ev, xmlNodePtr el, struct bx_words *w)
{
    const struct bx_table_def *t = table_of(ev->rs, el);
    struct bx_buf b;
    int l;

    for (l = 0; l < 2; l++) {
        buf_init(&b);
        if (t != NULL) {
            /* the document's own ordinal and title ("表八 …") */
            char *own = templates_label(ev->tpl, ev->ref, table_node(el),
                                        (enum bx_lang)l);

            buf_puts(&b, own != NULL ? own : t->label[l]);
            free(own);
        } else if (is_bx(el, "disclosure")) {
            buf_puts(&b, l == BX_LANG_ZH ? "公开文件" : "document");
        } else if (el != NULL) {
            buf_puts(&b, l == BX_LANG_ZH ? "情况说明 " : "explanation ");
            section_label(el, &b, 1);
        }
        w->table[l] = buf_take(&b, NULL);
        if (w->table[l] == NULL)
            w->failed = 1; /* never NULL but out of memory */
    }
}

/* A narrative quantity key ("gpb.total") in the reader's words. */
static void words_quantity(struct bx_eval *ev, const char *key,
                           struct bx_words *w)
{
    struct bx_buf b;
    int l;

    for (l = 0; key != NULL && l < 2; l++) {
        buf_init(&b);
        /* -1 is both "no such key" and a failed append: b.failed tells */
        if (schema_words_quantity(validate_words(ev->ctx), key, (enum bx_lang)l,
                                  &b) == 0 ||
            b.failed) {
            w->quantity[l] = buf_take(&b, NULL);
            if (w->quantity[l] == NULL)
                w->failed = 1;
        }
        /* mid-sentence in English: "the text states general ..." */
        if (l == BX_LANG_EN && w->quantity[l] != NULL &&
            w->quantity[l][0] >= 'A' && w->quantity[l][0] <= 'Z' &&
            w->quantity[l][1] >= 'a' && w->quantity[l][1] <= 'z')
            w->quantity[l][0] = (char)(w->quantity[l][0] - 'A' + 'a');
        buf_release(&b);
    }
}

static void words_init(struct bx_eval *ev, const struct bx_finding *f,
                       struct bx_words *w)
{
    xmlNodePtr el = rules_element_of(f->node);
    const struct bx_table_def *t = table_of(ev->rs, el);
    const char *col = f->column;
    int quantity_col = 0;
    int l;

    memset(w, 0, sizeof(*w));
    words_table(ev, el, w);
    w->row = f->row != NULL ? util_strdup(f->row) : row_label(el);
    if (w->row == NULL && (f->row != NULL || el != NULL))
        w->failed = 1; /* row_label() gives "" for a row without a label */
    /* a narrative figure's column is the quantity it states */
    if (col == NULL && is_bx(el, "fig")) {
        col = rules_prop(el, "of");
        quantity_col = 1;
    }
    if (f->key != NULL && col != NULL && strcmp(col, f->key) == 0)
        quantity_col = 1;
    words_quantity(ev, f->key != NULL ? f->key : quantity_col ? col : NULL, w);
    if (col == NULL && f->node != NULL && f->node->type == XML_ATTRIBUTE_NODE)
        col = (const char *)f->node->name;
    if (col == NULL)
        col = f->chk->column;
    for (l = 0; col != NULL && l < 2; l++) {
        w->column[l] = w->quantity[l] != NULL && quantity_col
                           ? w->quantity[l]
                           : column_label(ev, t, col, l);
    }
    if (f->nums) {
        int pl = f->exact_places || f->cplaces > ev->places ? f->cplaces
                                                            : ev->places;

        rules_dec_format(f->printed, f->pplaces, w->num[0], NUMSZ);
        rules_dec_format(f->computed, pl, w->num[1], NUMSZ);
        rules_dec_format(f->diff, pl, w->num[2], NUMSZ);
        rules_dec_format(f->tol, pl, w->num[3], NUMSZ);
    }
}

static void words_release(struct bx_words *w)
{
    free(w->table[0]);
    free(w->table[1]);
    free(w->row);
    free(w->quantity[0]);
    free(w->quantity[1]);
}

static const char *const unevaluated_tpl[2] = {
    "{table}，行 {row}，列 {column}：无法按 {rule} 核对：值 '{value}' "
    "不是规则运算能处理的数（至多 14 位整数、4 位小数），或合计、差额超出范围",
    "{table}, row {row}, column {column}: {rule} could not be checked: "
    "value '{value}' is not a number the rule arithmetic handles (at most 14 "
    "integer digits and 4 decimals), or a sum or difference is out of range"};

int rules_col_walk = 1;
int rules_row_walk = 1;
long rules_row_walk_min = 4096;
int rules_attr_index_on = 1;
int rules_memo = 1;

/* Keep 'f' for later (ev->defer): its value string copied. */
static void defer_finding(struct bx_eval *ev, const struct bx_finding *f)
{
    struct bx_deferred *q = ev->defer;
    struct bx_finding *g;

    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 8;
        struct bx_finding *grown = realloc(q->f, cap * sizeof(*grown));

        if (grown == NULL) {
            ev->rc = BX_E_NOMEM;
            return;
        }
        q->f = grown;
        q->cap = cap;
    }
    g = &q->f[q->n];
    *g = *f;
    if (f->value != NULL && (g->value = strdup(f->value)) == NULL) {
        ev->rc = BX_E_NOMEM;
        return;
    }
    q->n++;
}

int rules_failed(struct bx_eval *ev)
{
    if (ev->rc == BX_OK && xmlio_nomem_count() != ev->nomem)
        ev->rc = BX_E_NOMEM;
    return ev->rc != BX_OK;
}

void rules_emit(struct bx_eval *ev, const struct bx_finding *f)
{
    struct bx_diag d;
    struct bx_words w;
    struct bx_buf msg[2];
    xmlNodePtr el = rules_element_of(f->node);
    int l;
    int rc;

    /* a finding judged on what a failed allocation left (a short node-set,
       an empty index, a value read as absent) is no finding */
    if (rules_failed(ev))
        return;
    if (ev->defer != NULL) {
        defer_finding(ev, f);
        return;
    }
    if (!diags_admits(ev->diags, f->chk->rule->id, NULL)) {
        /* over the findings caps: counted, not worded */
        memset(&d, 0, sizeof(d));
        d.severity = f->sev;
        d.rule = (char *)f->chk->rule->id;
        d.code =
            (char *)(f->unevaluated ? "RULES-UNEVALUATED" : f->chk->rule->id);
        rc = bx_diags_add(ev->diags, &d);
        if (rc != BX_OK && ev->rc == BX_OK)
            ev->rc = rc;
        return;
    }
    words_init(ev, f, &w);
    for (l = 0; l < 2; l++) {
        buf_init(&msg[l]);
        const char *tpl = f->chk->rule->message[l];

        if (f->unevaluated)
            tpl = unevaluated_tpl[l];
        else if (f->tail)
            tpl = ev->rs->tail[l];
        else if (f->not_listed && ev->rs->not_listed[l] != NULL)
            tpl = ev->rs->not_listed[l];
        fill(&msg[l], tpl, f, &w, l);
    }
    memset(&d, 0, sizeof(d));
    d.severity = f->sev;
    d.code = (char *)(f->unevaluated ? "RULES-UNEVALUATED" : f->chk->rule->id);
    d.rule = (char *)f->chk->rule->id;
    d.file = ev->sub->path;
    d.line = el != NULL ? xmlGetLineNo(el) : 0;
    d.xpath = f->node != NULL ? xmlio_node_path(f->node) : NULL;
    d.message_zh = msg[0].data;
    d.message_en = msg[1].data;
    d.table = w.table[0];
    d.row = w.row;
    d.column_label = (char *)w.column[0];
    if (f->nums) {
        d.printed = w.num[0];
        d.computed = w.num[1];
        d.difference = w.num[2];
        d.tolerance = w.num[3];
    }
    if (f->sev >= BX_SEV_WARNING && !f->tail)
        ev->states[f->chk->rule->index].failed = 1;
    /* a finding worded without some of its words (a label, its path)
       is not the finding: out of memory */
    rc = w.failed || msg[0].failed || msg[1].failed ||
                 (f->node != NULL && d.xpath == NULL)
             ? BX_E_NOMEM
             : bx_diags_add(ev->diags, &d);
    if (rc != BX_OK && ev->rc == BX_OK)
        ev->rc = rc;
    if (d.line < 0)
        d.line = 0;
    free(d.xpath);
    buf_release(&msg[0]);
    buf_release(&msg[1]);
    words_release(&w);
}

/*
 * Judge a difference: beyond 'tol' the rule's severity, within it a
 * rounding-tail notice, zero silent.  'one_sided': only diff > 0 counts.
 */
void rules_judge(struct bx_eval *ev, struct bx_finding *f, int one_sided)
{
    int64_t mag = f->diff;

    if (!one_sided && mag < 0)
        mag = -mag;
    if (mag <= 0)
        return;
    f->nums = 1;
    if (mag > f->tol) {
        f->sev = f->chk->rule->severity;
        f->tail = 0;
    } else {
        f->sev = BX_SEV_INFO;
        f->tail = 1;
    }
    rules_emit(ev, f);
}

void rules_finding_init(struct bx_finding *f, const struct bx_rcheck *chk,
                        xmlNodePtr node)
{
    memset(f, 0, sizeof(*f));
    f->chk = chk;
    f->sev = chk->rule->severity;
    f->node = node;
}

/* ------------------------------------------------------------------ */
/* Numeric checks: sum, equal, le                                      */
/* ------------------------------------------------------------------ */

void rules_unevaluated(struct bx_eval *ev, const struct bx_rcheck *chk,
                       const struct bx_val *a, const struct bx_val *b,
                       xmlNodePtr at)
{
    const struct bx_val *bad = a != NULL && a->bad ? a : b;
    xmlNodePtr node = at;
    struct bx_finding f;
    xmlChar *text = NULL;
    char *value = NULL;

    if (bad != NULL && bad->bad && bad->bad_node != NULL)
        node = bad->bad_node;
    else if (a != NULL && a->first != NULL)
        node = a->first;
    if (node != NULL && (node->type == XML_ATTRIBUTE_NODE ||
                         xmlFirstElementChild(node) == NULL))
        text = xmlNodeGetContent(node);
    if (text != NULL)
        value = util_escape_untrusted((const char *)text,
                                      strlen((const char *)text), 40);
    rules_finding_init(&f, chk, node);
    f.sev = BX_SEV_ERROR;
    f.unevaluated = 1;
    f.value = value;
    rules_emit(ev, &f);
    free(value);
    xmlFree(text);
}

/*
 * Tolerance of a comparison.  Exact checks: 0, or half the coarser unit
 * when the figures are printed in different units.  Rounding: half a
 * display unit for the printed side and for each part printed non-zero,
 * (k+1)*u/2 for a total and k non-zero parts (the rounding model of docs/rules.md).
 */
static int64_t tolerance(const struct bx_rcheck *chk, const struct bx_val *a,
                         const struct bx_val *b)
{
    int64_t ta = a->half_nz > a->half_max ? a->half_nz : a->half_max;

    if (chk->exact)
        return (a->units | b->units) == 3
                   ? (a->half_max > b->half_max ? a->half_max : b->half_max)
                   : 0;
    return ta + b->half_nz;
}

/*
 * Every figure of a comparison is printed in a table of the other unit
 * (三公 in 万元 in a 元 document): word the finding in that unit.  The
 * judgement stays in the document's unit, where the conversion is exact.
 */
static void in_table_unit(const struct bx_eval *ev, const struct bx_val *a,
                          struct bx_finding *f)
{
    int to = !ev->yuan;
    struct bx_unit u;

    if (!rules_unit_convert(f->printed, ev->yuan, to, &f->printed) ||
        !rules_unit_convert(f->computed, ev->yuan, to, &f->computed) ||
        !rules_unit_convert(f->diff, ev->yuan, to, &f->diff) ||
        !rules_unit_convert(f->tol, ev->yuan, to, &f->tol))
        return;
    node_unit(ev, a->first, &u);
    f->pplaces = u.places;
    f->cplaces = u.places;
}

/*
 * A printed amount in a message shows the decimals its table prints
 * ("801.00", not "801" for a cell written without them).
 */
void rules_table_places(const struct bx_eval *ev, const struct bx_val *a,
                        struct bx_finding *f)
{
    struct bx_unit u;

    if (a->first == NULL)
        return;
    node_unit(ev, a->first, &u);
    if (u.yuan == ev->yuan && u.places > f->pplaces)
        f->pplaces = u.places;
}

static void compare(struct bx_eval *ev, const struct bx_rcheck *chk,
                    const struct bx_val *a, const struct bx_val *b,
                    xmlNodePtr at)
{
    struct bx_finding f;

    if (a->bad || b->bad) {
        rules_unevaluated(ev, chk, a, b, at);
        return;
    }
    rules_finding_init(&f, chk, a->first != NULL ? a->first : at);
    f.printed = a->sum;
    f.computed = b->sum;
    f.pplaces = a->places;
    if (!rules_dec_add(a->sum, -b->sum, &f.diff)) {
        rules_unevaluated(ev, chk, NULL, NULL, f.node);
        return;
    }
    f.tol = tolerance(chk, a, b);
    if (f.diff != 0)
        rules_table_places(ev, a, &f);
    if ((a->units | b->units) == (ev->yuan ? 1 : 2))
        in_table_unit(ev, a, &f);
    rules_judge(ev, &f, chk->kind == BX_CHECK_LE);
}

/*
 * absent="template": 1 when term 'i' names a column the document's
 * template does not print for the table of 'node' (the identity of that
 * template simply has no such part).
 */
static int not_printed(const struct bx_eval *ev, const struct bx_rcheck *chk,
                       size_t i, xmlNodePtr node)
{
    xmlNodePtr t = rules_element_of(node);
    const struct tpl_table *tb;

    if (!chk->absent_template || chk->term_names == NULL ||
        chk->term_names[i] == NULL || ev->tpl == NULL)
        return 0;
    while (t != NULL && t->type == XML_ELEMENT_NODE && !is_bx(t->parent, "tables"))
        t = t->parent;
    if (t == NULL || t->type != XML_ELEMENT_NODE)
        return 0;
    tb = templates_table(ev->tpl, (const char *)t->name);
    return tb != NULL && templates_column(tb, chk->term_names[i]) == NULL;
}

/*
 * 1 when every term of the check's parts selects a figure that is not
 * "not applicable"; else marks the check not assessable and returns 0.
 */
static int terms_present(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node)
{
    struct bx_val t;
    size_t i;
    size_t dropped = 0;

    for (i = 0; i < chk->nterms; i++) {
        rules_val(ev, chk->terms[i], node, &t);
        if (t.nodes == 0 && not_printed(ev, chk, i, node)) {
            dropped++; /* a column this template does not have */
            continue;
        }
        if (t.nodes == 0) {
            rules_not_assessable(ev, BX_NA_NO_COLUMN);
            return 0;
        }
        if (t.blank_na) {
            rules_not_assessable(ev, BX_NA_BLANK);
            return 0;
        }
    }
    if (chk->nterms > 0 && dropped == chk->nterms) {
        rules_not_assessable(ev, BX_NA_NO_COLUMN);
        return 0;
    }
    return 1;
}

/* Add the optional parts (printed or not) of a sum to 'b'. */
static void add_optional(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node, struct bx_val *b)
{
    struct bx_val o;

    if (chk->x[BX_X_E] == NULL)
        return;
    rules_val(ev, chk->x[BX_X_E], node, &o);
    if (o.bad || !rules_dec_add(b->sum, o.sum, &b->sum)) {
        b->bad = 1;
        return;
    }
    b->n += o.n;
    b->nz += o.nz;
    b->nodes += o.nodes;
    b->units |= o.units;
    b->half_nz += o.half_nz;
    if (o.half_max > b->half_max)
        b->half_max = o.half_max;
    if (o.places > b->places)
        b->places = o.places;
}

static void check_numeric(struct bx_eval *ev, const struct bx_rcheck *chk,
                          xmlNodePtr node)
{
    struct bx_val a;
    struct bx_val b;

    rules_val(ev, chk->x[BX_X_A], node, &a);
    if (a.nodes == 0 && !(chk->absent_zero && chk->kind == BX_CHECK_LE)) {
        /* the figure checked is not in this document */
        rules_not_assessable(ev, BX_NA_NO_COLUMN);
        return;
    }
    if (a.blank_na) {
        rules_not_assessable(ev, BX_NA_BLANK);
        return;
    }
    if (!terms_present(ev, chk, node))
        return;
    rules_val(ev, chk->x[BX_X_B], node, &b);
    if (b.nodes == 0 && chk->kind != BX_CHECK_SUM) {
        rules_not_assessable(ev, BX_NA_NO_COLUMN);
        return;
    }
    if (b.blank_na) {
        rules_not_assessable(ev, BX_NA_BLANK);
        return;
    }
    add_optional(ev, chk, node, &b);
    compare(ev, chk, &a, &b, node);
}

/* ------------------------------------------------------------------ */
/* assert, exists                                                      */
/* ------------------------------------------------------------------ */

xmlNodePtr rules_first_node(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                            xmlNodePtr node)
{
    xmlXPathObjectPtr o;
    xmlNodePtr n = NULL;
    xmlNodePtr tab[32];
    xmlNodeSet set = {0, 32, tab};

    if (comp == NULL)
        return NULL;
    if (run_fast(ev, comp, node, &set))
        return set.nodeNr > 0 ? set.nodeTab[0] : NULL;
    o = rules_run(ev, comp, node);
    if (o != NULL && o->type == XPATH_NODESET && o->nodesetval != NULL &&
        o->nodesetval->nodeNr > 0)
        n = o->nodesetval->nodeTab[0];
    xmlXPathFreeObject(o);
    return n;
}

static void check_assert(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node)
{
    struct bx_finding f;
    xmlNodePtr at;
    xmlChar *v = NULL;

    if (rules_run_bool(ev, chk->x[BX_X_A], node))
        return;
    at = rules_first_node(ev, chk->x[BX_X_B], node);
    if (at != NULL)
        v = xmlNodeGetContent(at);
    rules_finding_init(&f, chk, at != NULL ? at : node);
    f.value = (const char *)v;
    f.expected = chk->expected;
    rules_emit(ev, &f);
    xmlFree(v);
}

static int in_set(xmlXPathObjectPtr o, const xmlChar *s)
{
    int i;

    for (i = 0; o->nodesetval != NULL && i < o->nodesetval->nodeNr; i++) {
        xmlChar *t = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);
        int eq = xmlStrEqual(t, s);

        xmlFree(t);
        if (eq)
            return 1;
    }
    return 0;
}

/*
 * The string values of a static 'in' node-set, hashed once per document
 * (a scan of the whole set per row is n^2).  NULL when it is not a
 * node-set (then every node evaluates it) or short of memory.
 */
static xmlHashTablePtr in_hash(struct bx_eval *ev, const struct bx_rcheck *chk,
                               xmlNodePtr node)
{
    size_t k = (size_t)(chk - ev->rs->checks);
    xmlXPathObjectPtr o;
    xmlHashTablePtr h;
    int i;

    if (ev->insets == NULL)
        ev->insets = calloc(ev->rs->nchecks, sizeof(*ev->insets));
    if (ev->insets == NULL)
        return NULL;
    if (ev->insets[k] != NULL)
        return ev->insets[k];
    o = rules_run(ev, chk->x[BX_X_B], node);
    h = o != NULL && o->type == XPATH_NODESET ? xmlHashCreate(0) : NULL;
    for (i = 0; h != NULL && o->nodesetval != NULL && i < o->nodesetval->nodeNr;
         i++) {
        xmlChar *t = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);

        if (t == NULL) {
            xmlHashFree(h, NULL);
            h = NULL;
        } else if (xmlHashLookup(h, t) == NULL &&
                   xmlHashAddEntry(h, t, h) != 0) {
            xmlHashFree(h, NULL);
            h = NULL;
        }
        xmlFree(t);
    }
    xmlXPathFreeObject(o);
    ev->insets[k] = h;
    return h;
}

static void check_exists(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node)
{
    xmlChar *v = rules_run_string(ev, chk->x[BX_X_A], node);
    xmlXPathObjectPtr o = NULL;
    xmlHashTablePtr h;
    struct bx_finding f;

    if (v == NULL || v[0] == '\0')
        goto out;
    h = chk->in_static ? in_hash(ev, chk, node) : NULL;
    if (h != NULL) {
        if (xmlHashLookup(h, v) != NULL)
            goto out;
    } else {
        o = rules_run(ev, chk->x[BX_X_B], node);
        if (o == NULL || o->type != XPATH_NODESET || in_set(o, v))
            goto out;
    }
    rules_finding_init(&f, chk, rules_first_node(ev, chk->x[BX_X_A], node));
    if (f.node == NULL)
        f.node = node;
    f.value = (const char *)v;
    rules_emit(ev, &f);
out:
    xmlXPathFreeObject(o);
    xmlFree(v);
}

/* ------------------------------------------------------------------ */
/* emptyNote                                                           */
/* ------------------------------------------------------------------ */

static void check_empty_note(struct bx_eval *ev, const struct bx_rcheck *chk,
                             xmlNodePtr node)
{
    int has = rules_run_bool(ev, chk->x[BX_X_D], node);
    xmlNodePtr note = rules_first_node(ev, chk->x[BX_X_C], node);
    struct bx_finding f;
    xmlChar *v = NULL;

    if (chk->expect_present ? (has || note != NULL) : (!has || note == NULL))
        return;
    rules_finding_init(&f, chk, note != NULL ? note : node);
    if (note != NULL)
        v = xmlNodeGetContent(note);
    f.value = (const char *)v;
    f.expected = chk->expected;
    rules_emit(ev, &f);
    xmlFree(v);
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                            */
/* ------------------------------------------------------------------ */

/* The cache entry of 'comp' when it does not depend on the node, or NULL. */
static struct bx_xcache *xcache_static(struct bx_eval *ev,
                                       xmlXPathCompExprPtr comp)
{
    const struct bx_expr_info *info;

    if (ev->xc == NULL)
        return NULL;
    info = rules_expr_info(ev->rs, comp);
    return info != NULL && info->is_static ? &ev->xc[info->id] : NULL;
}

/*
 * A guard (when, assessable) on 'node'; one that reads no context node
 * (rules_expr_static) is evaluated once per document, for every check
 * that has it (BR-024's six copies of one scan of T1).
 */
static int guard(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                 xmlNodePtr node)
{
    struct bx_xcache *c = xcache_static(ev, comp);

    if (c == NULL)
        return rules_run_bool(ev, comp, node);
    if (c->truth < 0)
        c->truth = (signed char)rules_run_bool(ev, comp, node);
    return c->truth;
}

static void check_node(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodePtr node)
{
    if (chk->uses_self)
        bind_self(ev, node);
    if (chk->x[BX_X_WHEN] != NULL &&
        !guard(ev, chk->x[BX_X_WHEN], node))
        return;
    ev->cur_na = BX_NA_NONE;
    if (chk->x[BX_X_F] != NULL &&
        !guard(ev, chk->x[BX_X_F], node)) {
        rules_not_assessable(ev, chk->na_reason);
        rules_cov_node_done(ev, chk);
        return;
    }
    switch (chk->kind) {
    case BX_CHECK_SUM:
    case BX_CHECK_EQUAL:
    case BX_CHECK_LE:
        check_numeric(ev, chk, node);
        break;
    case BX_CHECK_ASSERT:
        check_assert(ev, chk, node);
        break;
    case BX_CHECK_EXISTS:
        check_exists(ev, chk, node);
        break;
    case BX_CHECK_EMPTYNOTE:
        check_empty_note(ev, chk, node);
        break;
    case BX_CHECK_CODELIST:
        rules_check_codelist(ev, chk, node);
        break;
    case BX_CHECK_PAIRING:
        rules_check_pairing(ev, chk, node);
        break;
    case BX_CHECK_MATCH:
        rules_check_match(ev, chk, node);
        break;
    case BX_CHECK_COSTCAP:
        rules_check_costcap(ev, chk, node);
        break;
    case BX_CHECK_FIGURE:
    case BX_CHECK_SHARE:
    case BX_CHECK_GROWTH:
        rules_check_figure(ev, chk, node);
        break;
    case BX_CHECK_CELLS:
        rules_check_cells(ev, chk, node);
        break;
    case BX_CHECK_REQUIRED_TABLES:
        rules_check_required_tables(ev, chk, node);
        break;
    case BX_CHECK_ROW_KEYS:
        rules_check_row_keys(ev, chk, node);
        break;
    }
    rules_cov_node_done(ev, chk);
}

/*
 * The union of the context branches of 'chk': each evaluated alone, the
 * nodes put together, sorted in document order (numbered elements: a
 * comparison is O(1)) and duplicates dropped: n log n where libxml2's
 * union operator compares every node of one side with every node of the
 * other.  NULL when a branch is not a node-set (the context then selects
 * nothing, as the union would fail) or short of memory (ev->rc).
 */
static xmlXPathObjectPtr context_union(struct bx_eval *ev,
                                       const struct bx_rcheck *chk)
{
    xmlNodeSetPtr all = xmlXPathNodeSetCreate(NULL);
    xmlXPathObjectPtr o;
    size_t b;
    int i;
    int n;

    for (b = 0; all != NULL && b < chk->nbranches; b++) {
        o = rules_run(ev, chk->branches[b], (xmlNodePtr)ev->sub->doc);
        if (o == NULL || o->type != XPATH_NODESET) {
            xmlXPathFreeObject(o);
            xmlXPathFreeNodeSet(all);
            return NULL;
        }
        for (i = 0; o->nodesetval != NULL && i < o->nodesetval->nodeNr; i++) {
            if (xmlXPathNodeSetAddUnique(all, o->nodesetval->nodeTab[i]) != 0)
                ev->rc = BX_E_NOMEM;
        }
        xmlXPathFreeObject(o);
    }
    if (all == NULL) {
        ev->rc = BX_E_NOMEM;
        return NULL;
    }
    xmlXPathNodeSetSort(all);
    for (i = n = 0; i < all->nodeNr; i++) {
        if (n == 0 || all->nodeTab[n - 1] != all->nodeTab[i])
            all->nodeTab[n++] = all->nodeTab[i];
    }
    all->nodeNr = n;
    return xmlXPathWrapNodeSet(all);
}

static xmlXPathObjectPtr context_of(struct bx_eval *ev,
                                    const struct bx_rcheck *chk)
{
    if (chk->nbranches > 1)
        return context_union(ev, chk);
    return rules_run(ev, chk->x[BX_X_CONTEXT], (xmlNodePtr)ev->sub->doc);
}

/*
 * The 'n' checks from 'chk' on 'nodes' (the {col} copies of one check, or
 * consecutive checks of one or more rules with one context), row by row:
 * each row's cells are read by every check while they are in the cache
 * (a walk per check re-reads a large table from memory per column).  Each
 * check's findings and coverage (its rule's state) are kept apart and
 * given out check by check, a rule's codes a list lacks at its last check,
 * so that the report is the same as with one walk per check.
 */
static void run_copies(struct bx_eval *ev, const struct bx_rcheck *chk,
                       size_t n, xmlNodeSetPtr nodes)
{
    struct bx_rule_state *real = calloc(n, sizeof(*real));
    struct bx_rule_state *cs = calloc(n, sizeof(*cs));
    struct bx_deferred *q = calloc(n, sizeof(*q));
    struct bx_rule_state *st;
    size_t k;
    size_t j;
    int i;

    if (real == NULL || cs == NULL || q == NULL) {
        free(real);
        free(cs);
        free(q);
        ev->rc = BX_E_NOMEM;
        return;
    }
    for (k = 0; k < n; k++)
        real[k] = ev->states[chk[k].rule->index];
    for (i = 0; nodes != NULL && i < nodes->nodeNr && ev->rc == BX_OK; i++) {
        for (k = 0; k < n && ev->rc == BX_OK; k++) {
            st = &ev->states[chk[k].rule->index];
            ev->defer = &q[k];
            *st = cs[k];
            check_node(ev, &chk[k], nodes->nodeTab[i]);
            cs[k] = *st;
        }
    }
    ev->defer = NULL;
    for (k = 0; k < n; k++)
        ev->states[chk[k].rule->index] = real[k];
    for (k = 0; k < n; k++) {
        st = &ev->states[chk[k].rule->index];
        /* as rules_cov_node_done in the order of one walk per check */
        if (cs[k].assessed)
            st->assessed = 1;
        if (st->na == BX_NA_NONE)
            st->na = cs[k].na;
        for (j = 0; j < q[k].n; j++) {
            if (ev->rc == BX_OK)
                rules_emit(ev, &q[k].f[j]);
            free((char *)q[k].f[j].value);
        }
        free(q[k].f);
        /* the rule's last check: as in rules_eval (the group's last
           check is flushed there) */
        if (k + 1 < n && chk[k + 1].rule != chk[k].rule && ev->rc == BX_OK)
            rules_unlisted_flush(ev);
    }
    free(q);
    free(cs);
    free(real);
}

static void run_check(struct bx_eval *ev, const struct bx_rcheck *chk,
                      size_t ncopies)
{
    const struct bx_expr_info *info =
        ev->xc != NULL ? rules_expr_info(ev->rs, chk->x[BX_X_CONTEXT]) : NULL;
    struct bx_xcache *c = NULL;
    xmlXPathObjectPtr set;
    xmlNodeSetPtr nodes;
    int i;

    /* the context is evaluated at the root: without $self (or another
       variable bound per node) it selects the same for every check that
       has it (each {col} copy), so it is evaluated once per document */
    if (info != NULL && info->node_free)
        c = &ev->xc[info->id];
    if (c != NULL && c->set != NULL) {
        set = c->set;
    } else {
        set = context_of(ev, chk);
        if (set == NULL || set->type != XPATH_NODESET) {
            xmlXPathFreeObject(set);
            return;
        }
        if (c != NULL)
            c->set = set;
    }
    /* The set is ours: later evaluations do not touch it. */
    nodes = set->nodesetval;
    if (ncopies > 1) {
        run_copies(ev, chk, ncopies, nodes);
    } else {
        for (i = 0; nodes != NULL && i < nodes->nodeNr && ev->rc == BX_OK;
             i++)
            check_node(ev, chk, nodes->nodeTab[i]);
    }
    if (c == NULL)
        xmlXPathFreeObject(set);
}

static int numeric_kind(const struct bx_rcheck *chk)
{
    return chk->kind == BX_CHECK_SUM || chk->kind == BX_CHECK_EQUAL ||
           chk->kind == BX_CHECK_LE;
}

/*
 * Kinds that may share a walk with the checks after them: the numeric
 * ones read the row and emit findings, nothing else (a codelist keeps the
 * codes a list lacks per rule, a pairing its scope per check).  The cells
 * and row-key checks (BR-116, BR-119) walk a whole table per context node:
 * two tables at a time measured slower than one after the other.
 */
static int row_kind(const struct bx_rcheck *chk)
{
    return numeric_kind(chk);
}

/* 'k' may join the walk of 'chk' (whose context is 'id'). */
static int joins(const struct bx_eval *ev, const struct bx_rcheck *chk,
                 const struct bx_rcheck *k, size_t id)
{
    const struct bx_expr_info *ki;
    int copy = k->rule == chk->rule && k->column != NULL &&
               chk->column != NULL && numeric_kind(k) && k->nbranches <= 1 &&
               chk->nbranches <= 1;

    /* a small tree stays in the cache from one walk to the next: there
       only the {col} copies share one (as they always have) */
    if (!copy &&
        !(rules_row_walk && row_kind(k) && ev->nelems >= rules_row_walk_min))
        return 0;
    ki = rules_expr_info(ev->rs, k->x[BX_X_CONTEXT]);
    return ki != NULL && ki->id == id;
}

/*
 * How many checks from 'chk' on (at most 'left') share the context
 * node-set of 'chk' (kept for the document) and are evaluated in one walk
 * over its rows: the {col} copies of one numeric check and, with
 * rules_row_walk in a document of rules_row_walk_min elements or more,
 * consecutive numeric checks of any rule.  1: alone.
 */
static size_t col_copies(const struct bx_eval *ev, const struct bx_rcheck *chk,
                         size_t left)
{
    const struct bx_expr_info *info;
    size_t n = 1;

    if (!rules_col_walk || ev->xc == NULL || !row_kind(chk) || left < 2)
        return 1;
    info = rules_expr_info(ev->rs, chk->x[BX_X_CONTEXT]);
    if (info == NULL || !info->node_free)
        return 1;
    while (n < left && joins(ev, chk, &chk[n], info->id))
        n++;
    return n;
}

/*
 * The first element /bx:disclosure/bx:metadata/bx:'name' of the document
 * (document order), or NULL: read from the tree, which allocates nothing
 * (an XPath evaluation that fails for want of memory would read as "no
 * such element": the default unit, no profile).
 */
static xmlNodePtr meta_child(const struct bx_eval *ev, const char *name)
{
    xmlNodePtr root = xmlDocGetRootElement(ev->sub->doc);
    xmlNodePtr m;
    xmlNodePtr c;

    if (!is_bx(root, "disclosure"))
        return NULL;
    for (m = root->children; m != NULL; m = m->next) {
        if (!is_bx(m, "metadata"))
            continue;
        for (c = m->children; c != NULL; c = c->next) {
            if (is_bx(c, name))
                return c;
        }
    }
    return NULL;
}

static void doc_amounts(struct bx_eval *ev)
{
    xmlNodePtr n = meta_child(ev, "amounts");
    const char *s;

    ev->places = 2;
    ev->yuan = 0;
    if (n != NULL) {
        s = rules_prop(n, "decimals");
        if (s != NULL && s[0] >= '0' && s[0] <= '4')
            ev->places = s[0] - '0';
        s = rules_prop(n, "unit");
        ev->yuan = s != NULL && strcmp(s, "元") == 0;
    }
    ev->half_u = rules_dec_unit(ev->places) / 2;
    if (ev->half_u == 0)
        ev->half_u = 1; /* four places: u/2 is below our resolution */
}

/*
 * Bind variable 'name' to the node-set of 'node' (NULL: empty).  libxml2
 * makes an empty set of a one-node set it cannot allocate, and an unbound
 * variable of one it cannot register: either is out of memory, never an
 * absent table.
 */
static void bind_set(struct bx_eval *ev, const char *name, xmlNodePtr node)
{
    xmlXPathObjectPtr o = xmlXPathNewNodeSet(node);

    if (o == NULL || o->nodesetval == NULL ||
        (node != NULL && o->nodesetval->nodeNr != 1)) {
        xmlXPathFreeObject(o);
        ev->rc = BX_E_NOMEM;
        return;
    }
    if (xmlXPathRegisterVariable(ev->xp, BAD_CAST name, o) != 0) {
        xmlXPathFreeObject(o); /* not taken */
        ev->rc = BX_E_NOMEM;
    }
}

/*
 * Bind $T1 ... $T14 (each table element, or an empty set when the
 * document has no such table, or prints it as a picture: picture="true",
 * nothing to read) and $meta, so that rules read
 * "$T1/bx:income/bx:grandTotal/@amount".
 */
static void bind_tables(struct bx_eval *ev)
{
    xmlNodePtr root = xmlDocGetRootElement(ev->sub->doc);
    xmlNodePtr c;
    xmlNodePtr t;
    xmlNodePtr tables = NULL;
    xmlNodePtr meta = NULL;
    size_t i;

    for (c = root ? root->children : NULL; c != NULL; c = c->next) {
        if (is_bx(c, "tables"))
            tables = c;
        else if (is_bx(c, "metadata"))
            meta = c;
    }
    for (i = 0; i < ev->rs->ntables; i++) {
        const struct bx_table_def *def = &ev->rs->tables[i];

        for (t = tables ? tables->children : NULL; t != NULL; t = t->next) {
            if (is_bx(t, def->element))
                break;
        }
        if (t != NULL && rules_prop(t, "picture") != NULL &&
            strcmp(rules_prop(t, "picture"), "true") == 0)
            t = NULL;
        bind_set(ev, def->key, t);
    }
    bind_set(ev, "meta", meta);
}

/*
 * The document's template (metadata/profile) and what it implies for the
 * rules: Henan's class ordinals (BR-105).  Without a known template the
 * henan-* profiles keep the convention.
 */
static void doc_template(struct bx_eval *ev)
{
    xmlNodePtr profile_el;
    xmlChar *profile;
    xmlXPathObjectPtr o;

    /* "no template" must not stand for "no registry or template, short
     * of memory" (templates_doc() parses only the one it names) */
    if (templates_doc(ev->ctx, ev->sub->doc, &ev->tpl) == BX_E_NOMEM)
        ev->rc = BX_E_NOMEM;
    o = xmlXPathNewBoolean(ev->tpl != NULL);
    if (o == NULL ||
        xmlXPathRegisterVariable(ev->xp, BAD_CAST "template", o) != 0) {
        xmlXPathFreeObject(o);
        ev->rc = BX_E_NOMEM;
    }
    if (ev->tpl != NULL) {
        ev->class_ordinals = ev->tpl->class_ordinals == TPL_ORDINALS_HENAN;
        return;
    }
    /* string(/bx:disclosure/bx:metadata/bx:profile) */
    profile_el = meta_child(ev, "profile");
    profile = xmlNodeGetContent(profile_el);
    if (profile == NULL && profile_el != NULL)
        ev->rc = BX_E_NOMEM;
    ev->class_ordinals =
        profile != NULL && strncmp((const char *)profile, "henan-", 6) == 0;
    xmlFree(profile);
}

int rules_eval(struct bx_context *ctx, const struct bx_ruleset *rs,
               struct bx_submission *sub, struct bx_diags *diags,
               struct bx_coverage *cov)
{
    struct bx_eval ev;
    size_t i;
    size_t n;

    memset(&ev, 0, sizeof(ev));
    ev.ctx = ctx;
    ev.rs = rs;
    ev.sub = sub;
    ev.diags = diags;
    ev.nomem = xmlio_nomem_count();
    ev.xp = xmlXPathNewContext(sub->doc);
    if (ev.xp == NULL)
        return BX_E_NOMEM;
    /* every step keeps the first failure (ev.rc): none may clear it */
    for (i = 0; i < rs->nns; i++) {
        if (xmlXPathRegisterNs(ev.xp, BAD_CAST rs->ns[i].prefix,
                               BAD_CAST rs->ns[i].uri) != 0)
            ev.rc = BX_E_NOMEM;
    }
    if (xmlXPathRegisterNs(ev.xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE) != 0)
        ev.rc = BX_E_NOMEM;
    ev.ref = templates_reference(ctx);
    /* number the elements: document order of two nodes becomes O(1),
       else each comparison in a sort walks their siblings (n^2 sorts) */
    ev.nelems = xmlXPathOrderDocElems(sub->doc);
    /* read rows' attributes by name without walking their lists */
    if (rules_attr_index_on)
        rules_attrs_begin(sub->doc);
    doc_amounts(&ev);
    bind_tables(&ev);
    doc_template(&ev);
    /* a cache: without it every expression is evaluated every time */
    ev.xc = rs->nexprs > 0 ? calloc(rs->nexprs, sizeof(*ev.xc)) : NULL;
    for (i = 0; ev.xc != NULL && i < rs->nexprs; i++)
        ev.xc[i].truth = -1;
    /* a cache, may fail */
    ev.unit_memo = calloc(1, sizeof(struct unit_memo_block));
    if (ev.rc == BX_OK)
        ev.rc = rules_cov_begin(&ev);
    if (ev.rc == BX_OK)
        ev.rc = rules_keys_build(&ev);
    for (i = 0; i < rs->nchecks && !rules_failed(&ev); i += n) {
        n = col_copies(&ev, &rs->checks[i], rs->nchecks - i);
        run_check(&ev, &rs->checks[i], n);
        /* the rule's last check: its codes a list lacks, once each */
        if (i + n == rs->nchecks ||
            rs->checks[i + n].rule != rs->checks[i].rule)
            rules_unlisted_flush(&ev);
    }
    rules_unlisted_release(&ev);
    if (ev.rc == BX_OK)
        ev.rc = rules_cov_finish(&ev, cov);
    /* libxml2 short of memory anywhere in the evaluation: no verdict */
    if (rules_failed(&ev))
        bx_coverage_release(cov);
    free(ev.states);
    for (i = 0; ev.xc != NULL && i < rs->nexprs; i++)
        xmlXPathFreeObject(ev.xc[i].set);
    free(ev.xc);
    free(ev.unit_memo);
    for (i = 0; ev.key_sums != NULL && i < rs->nexprs; i++)
        xmlHashFree(ev.key_sums[i], free_payload);
    free(ev.key_sums);
    free(ev.scope_memo);
    rules_keys_release(&ev);
    rules_sums_free(ev.sums);
    for (i = 0; ev.insets != NULL && i < rs->nchecks; i++)
        xmlHashFree(ev.insets[i], NULL);
    free(ev.insets);
    xmlXPathFreeContext(ev.xp);
    rules_attrs_end();
    return ev.rc;
}

int rules_convert(const struct bx_eval *ev, int64_t v, int to_yuan,
                  int64_t *out)
{
    return rules_unit_convert(v, ev->yuan, to_yuan, out);
}

int rules_unit_convert(int64_t v, int from_yuan, int to_yuan, int64_t *out)
{
    if (from_yuan == to_yuan) {
        *out = v;
        return 1;
    }
    if (to_yuan)
        return rules_dec_mul(v, BX_DEC_ONE, out);
    /* 元 to 万元: keep four places, rounding half away from zero */
    *out = v >= 0 ? (v + BX_DEC_ONE / 2) / BX_DEC_ONE
                  : -((-v + BX_DEC_ONE / 2) / BX_DEC_ONE);
    return 1;
}
