/*
 * Business rules, the narrative: each fig element of the explanation
 * names a quantity (fig/@of); the rule set's figure map says which table
 * figures it restates.  Checks amounts and counts (figure), shares
 * (share) and year-on-year rates (growth) with the interval logic of
 * the rounding model of docs/rules.md.  Uses libxml2 XPath directly (see rules.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>

#include <libxml/xpathInternals.h>

#include "rules_eval.h"
#include "rules_num.h"

/* A fig as printed: its number, unit and role. */
struct bx_fig {
    xmlNodePtr node;
    const char *key;  /* @of */
    const char *role; /* @role, default "amount" */
    struct bx_dec num;
    int yuan; /* amounts: in 元 (else 万元) */
};

/* The figure definition for 'key' and the '*' part of it ('*arg'). */
static const struct bx_figure_def *figure_def(const struct bx_ruleset *rs,
                                              const char *key, const char **arg)
{
    const struct bx_figure_def *best = NULL;
    size_t i;

    *arg = NULL;
    for (i = 0; i < rs->nfigures; i++) {
        const struct bx_figure_def *d = &rs->figures[i];

        if (!d->wildcard && strcmp(d->key, key) == 0) {
            *arg = NULL;
            return d;
        }
        if (d->wildcard && strncmp(d->key, key, d->keylen) == 0 &&
            (best == NULL || d->keylen > best->keylen))
            best = d;
    }
    if (best != NULL)
        *arg = key + best->keylen;
    return best;
}

/*
 * The table value behind quantity 'key' (fig 'self' bound as $self).
 * Returns 1 with '*v' filled, 0 when the key is unknown or the tables
 * that hold it are absent.
 */
static int table_value(struct bx_eval *ev, const char *key, xmlNodePtr self,
                       struct bx_val *v)
{
    const char *arg;
    const struct bx_figure_def *d = figure_def(ev->rs, key, &arg);
    xmlXPathObjectPtr o;
    size_t i;

    if (d == NULL)
        return 0;
    o = xmlXPathNewCString(arg != NULL ? arg : "");
    if (o == NULL || xmlXPathRegisterVariable(ev->xp, BAD_CAST "arg", o) != 0) {
        xmlXPathFreeObject(o); /* not taken: $arg would be the last one */
        ev->rc = BX_E_NOMEM;
        return 0;
    }
    for (i = 0; d->nterms > 1 && i < d->nterms; i++) {
        /* absent is not zero: a part the document lacks */
        rules_val(ev, d->terms[i], self, v);
        if (v->nodes == 0 || v->blank_na) {
            rules_not_assessable(ev, v->nodes == 0 ? BX_NA_NO_COLUMN
                                                   : BX_NA_BLANK);
            return 0;
        }
    }
    rules_val(ev, d->select, self, v);
    if (v->nodes == 0)
        rules_not_assessable(ev, BX_NA_NO_TABLE);
    return v->nodes > 0 && !v->bad;
}

/* Read a fig: @value when given, else its text.  0 when not a number. */
static int read_fig(xmlNodePtr node, struct bx_fig *f)
{
    const char *value = rules_prop(node, "value");
    const char *unit = rules_prop(node, "unit");
    xmlChar *text = NULL;
    int rc;

    memset(f, 0, sizeof(*f));
    f->node = node;
    f->key = rules_prop(node, "of");
    f->role = rules_prop(node, "role");
    if (f->role == NULL)
        f->role = "amount";
    f->yuan = unit != NULL && strcmp(unit, "元") == 0;
    if (value == NULL) {
        text = xmlNodeGetContent(node);
        value = (const char *)text;
    }
    rc = f->key != NULL && value != NULL &&
         rules_dec_parse(value, &f->num) == BX_OK;
    xmlFree(text);
    return rc;
}

/* An amount fig must be in 万元 or 元 (or carry no unit). */
static int amount_unit_ok(const struct bx_fig *f)
{
    const char *unit = rules_prop(f->node, "unit");

    return unit == NULL || strcmp(unit, "万元") == 0 || strcmp(unit, "元") == 0;
}

/*
 * 'count': a number of things, printed as an integer (no places);
 * 'what': the {expected} of the message ("同比增减额 / year-on-year
 * change in" for a restated change), or NULL.
 */
static void fig_finding(struct bx_eval *ev, const struct bx_rcheck *chk,
                        const struct bx_fig *f, int64_t computed, int64_t tol,
                        int count, const char *what)
{
    struct bx_finding fd;

    rules_finding_init(&fd, chk, f->node);
    fd.exact_places = count;
    fd.expected = what;
    fd.key = f->key;
    fd.column = f->key;
    fd.printed = f->num.v;
    fd.pplaces = f->num.places;
    fd.cplaces = f->num.places;
    fd.computed = computed;
    fd.diff = f->num.v - computed;
    fd.tol = tol;
    rules_judge(ev, &fd, 0);
}

/* fig = the table figure it restates, in the fig's unit and places. */
static void check_amount(struct bx_eval *ev, const struct bx_rcheck *chk,
                         const struct bx_fig *f)
{
    struct bx_val v;
    int64_t conv;
    int64_t tol = 0;
    int count = strcmp(f->role, "count") == 0;

    if (!count && (strcmp(f->role, "amount") != 0 || !amount_unit_ok(f)))
        return;
    if (!table_value(ev, f->key, f->node, &v))
        return;
    if (count) {
        fig_finding(ev, chk, f, v.sum, 0, 1, NULL);
        return;
    }
    if (!rules_convert(ev, v.sum, f->yuan, &conv))
        return;
    if (v.n > 1 &&
        !rules_convert(ev, (int64_t)(v.n + 1) * ev->half_u, f->yuan, &tol))
        return;
    /* the text may show fewer places than the table: compare rounded */
    if (f->num.places < BX_DEC_PLACES)
        conv = rules_dec_round(conv, f->num.places);
    if (tol > 0 && f->num.places < ev->places)
        tol += rules_dec_unit(f->num.places) / 2;
    fig_finding(ev, chk, f, conv, tol, 0, NULL);
}

/* Uncertainty of a table value made of 'v': half a unit per figure. */
static int64_t spread(const struct bx_eval *ev, const struct bx_val *v)
{
    return (int64_t)(v->n > 0 ? v->n : 1) * ev->half_u;
}

static void ratio_finding(struct bx_eval *ev, const struct bx_rcheck *chk,
                          const struct bx_fig *f, int64_t x, int64_t ex,
                          int64_t y, int64_t ey)
{
    int64_t exact;
    int64_t half;
    struct bx_finding fd;
    int ok = rules_dec_ratio_ok(x, ex, y, ey, f->num.v, f->num.places, &exact,
                                &half);

    if (ok != 0)
        return;
    rules_finding_init(&fd, chk, f->node);
    fd.key = f->key;
    fd.column = f->key;
    fd.nums = 1;
    fd.printed = f->num.v;
    fd.pplaces = f->num.places;
    fd.cplaces = f->num.places;
    fd.computed = exact;
    fd.diff = f->num.v - exact;
    fd.tol = half;
    rules_emit(ev, &fd);
}

/*
 * The amount the text itself states for 'key' (the first amount fig of
 * that key in the explanation; with 'change', the first year-on-year
 * change fig), in the document's unit, with half its display unit in
 * '*half': what a share is checked against when no table holds the
 * figure (a narrative-only disclosure).  Returns 0 when none.
 */
/*
 * The value of attribute 'name' of 'el' is 'value' (XPath's @name =
 * 'value'): 1, 0, or -1 out of memory.
 */
static int attr_is(xmlNodePtr el, const char *name, const char *value)
{
    xmlAttrPtr a = rules_attr_named(el, name);
    xmlNodePtr c = a != NULL ? a->children : NULL;
    xmlChar *copy;
    int r;

    if (a == NULL)
        return 0;
    if (c == NULL)
        return value[0] == '\0';
    if (c->type == XML_TEXT_NODE && c->next == NULL && c->content != NULL)
        return strcmp((const char *)c->content, value) == 0;
    copy = xmlNodeGetContent((xmlNodePtr)a);
    if (copy == NULL)
        return -1;
    r = strcmp((const char *)copy, value) == 0;
    xmlFree(copy);
    return r;
}

/* 'n' is a fig of 'key' as text_value_of() wants it (see there): 1, 0,
 * -1 out of memory. */
static int fig_of(xmlNodePtr n, const char *key, int change)
{
    int r;

    if (!rules_is_bx(n, "fig"))
        return 0;
    r = attr_is(n, "of", key);
    if (r != 1)
        return r;
    if (change)
        return attr_is(n, "role", "change");
    if (rules_attr_named(n, "role") == NULL)
        return 1;
    return attr_is(n, "role", "amount");
}

/* The next node after 'n' in document order below 'top', or NULL. */
static xmlNodePtr next_in(xmlNodePtr n, xmlNodePtr top)
{
    if (n->children != NULL && n->type == XML_ELEMENT_NODE)
        return n->children;
    while (n != top && n->next == NULL)
        n = n->parent;
    return n != top ? n->next : NULL;
}

/*
 * The amount the text itself states for 'key' (the first amount fig of
 * that key in the explanation; with 'change', the first year-on-year
 * change fig), in the document's unit, with half its display unit in
 * '*half': what a share is checked against when no table holds the
 * figure (a narrative-only disclosure).  Returns 0 when none.  The figs
 * of /bx:disclosure/bx:explanation//bx:fig[@of = key][@role = 'change']
 * (else [not(@role) or @role = 'amount']), read from the tree in
 * document order: an XPath evaluation short of memory would read as
 * "none".
 */
static int text_value_of(struct bx_eval *ev, const char *key, int change,
                         struct bx_val *v, int64_t *half)
{
    xmlNodePtr root = xmlDocGetRootElement(ev->sub->doc);
    xmlNodePtr ex;
    xmlNodePtr n;
    struct bx_fig a;
    int found = 0;
    int r;

    memset(v, 0, sizeof(*v));
    if (!rules_is_bx(root, "disclosure"))
        return 0;
    for (ex = root->children; !found && ex != NULL; ex = ex->next) {
        if (!rules_is_bx(ex, "explanation"))
            continue;
        for (n = ex->children; !found && n != NULL; n = next_in(n, ex)) {
            r = fig_of(n, key, change);
            if (r < 0)
                ev->rc = BX_E_NOMEM;
            if (r != 1 || !read_fig(n, &a) || !amount_unit_ok(&a))
                continue;
            *half = rules_dec_unit(a.num.places) / 2;
            v->first = a.node;
            found = rules_unit_convert(a.num.v, a.yuan, ev->yuan, &v->sum) &&
                    rules_unit_convert(*half, a.yuan, ev->yuan, half);
            v->n = 1;
            v->nodes = 1;
        }
    }
    if (found && *half == 0)
        *half = 1;
    return found;
}

static int text_value(struct bx_eval *ev, const char *key, struct bx_val *v,
                      int64_t *half)
{
    return text_value_of(ev, key, 0, v, half);
}

/* A share's operand: the table figure, else the text's own statement. */
static int share_value(struct bx_eval *ev, const char *key, xmlNodePtr self,
                       struct bx_val *v, int64_t *half)
{
    enum bx_na_reason na = ev->cur_na;

    if (table_value(ev, key, self, v)) {
        *half = spread(ev, v);
        return 1;
    }
    if (!text_value(ev, key, v, half))
        return 0;
    ev->cur_na = na; /* the text answers what the tables could not */
    return 1;
}

/* share: p% of @of in @base (table figures, else the text's own). */
static void check_share(struct bx_eval *ev, const struct bx_rcheck *chk,
                        const struct bx_fig *f)
{
    const char *base = rules_prop(f->node, "base");
    struct bx_val a;
    struct bx_val b;
    int64_t ea;
    int64_t eb;

    if (strcmp(f->role, "share") != 0 || base == NULL)
        return;
    if (!share_value(ev, f->key, f->node, &a, &ea) ||
        !share_value(ev, base, f->node, &b, &eb))
        return;
    ratio_finding(ev, chk, f, a.sum, ea, b.sum, eb);
}

/* The change fig that goes with rate 'f' (same key), read. */
static int change_of(struct bx_eval *ev, const struct bx_rcheck *chk,
                     const struct bx_fig *f, struct bx_fig *c)
{
    xmlNodePtr n = rules_first_node(ev, chk->x[BX_X_C], f->node);

    return n != NULL && read_fig(n, c) && strcmp(c->key, f->key) == 0 &&
           amount_unit_ok(c);
}

/*
 * The current amount a rate is about: the nearest earlier amount fig of
 * the same key in the paragraph (the text's own statement), else the
 * table figure.  '*v' in the document's unit; returns 0 when unknown.
 */
static int current_of(struct bx_eval *ev, const struct bx_fig *f,
                      struct bx_val *v)
{
    xmlNodePtr n;
    struct bx_fig a;

    for (n = f->node->prev; n != NULL; n = n->prev) {
        if (n->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(n->name, BAD_CAST "fig") || !read_fig(n, &a) ||
            strcmp(a.key, f->key) != 0 || strcmp(a.role, "amount") != 0 ||
            !amount_unit_ok(&a))
            continue;
        memset(v, 0, sizeof(*v));
        v->sum = a.num.v;
        if (a.yuan != ev->yuan)
            v->sum = a.yuan ? v->sum / BX_DEC_ONE : v->sum * BX_DEC_ONE;
        v->n = 1;
        v->nodes = 1;
        return 1;
    }
    return table_value(ev, f->key, f->node, v);
}

/* growth: rate = change / (current - change). */
static void check_growth(struct bx_eval *ev, const struct bx_rcheck *chk,
                         const struct bx_fig *f)
{
    struct bx_fig c;
    struct bx_val cur;
    struct bx_finding fd;
    int64_t delta;
    int64_t edelta;
    int64_t prior;

    if (strcmp(f->role, "rate") != 0 || !change_of(ev, chk, f, &c) ||
        !current_of(ev, f, &cur))
        return;
    /* the change as printed, in the document's unit */
    delta = c.num.v;
    edelta = rules_dec_unit(c.num.places) / 2;
    if (c.yuan != ev->yuan) {
        delta = c.yuan ? delta / BX_DEC_ONE : delta * BX_DEC_ONE;
        edelta = c.yuan ? edelta / BX_DEC_ONE : edelta * BX_DEC_ONE;
    }
    prior = cur.sum - delta;
    if (chk->zero_prior) {
        if (prior != 0)
            return;
        rules_finding_init(&fd, chk, f->node);
        fd.key = f->key;
        fd.column = f->key;
        fd.printed = f->num.v;
        fd.pplaces = f->num.places;
        fd.nums = 1;
        rules_emit(ev, &fd);
        return;
    }
    if (prior == 0)
        return; /* BR-102's case */
    ratio_finding(ev, chk, f, delta, edelta, prior, edelta + spread(ev, &cur));
}

/*
 * against="text": an amount (or a year-on-year change) the text states
 * again must be the one it stated first (in the fig's unit, rounded to
 * its places, within half a display unit of each) -- what a
 * narrative-only disclosure can be held to.  The first statement itself
 * has nothing to be checked against.
 */
static void check_restated(struct bx_eval *ev, const struct bx_rcheck *chk,
                           const struct bx_fig *f)
{
    int change = strcmp(f->role, "change") == 0;
    struct bx_val first;
    int64_t half;
    int64_t conv;
    int64_t own;

    if ((!change && strcmp(f->role, "amount") != 0) || !amount_unit_ok(f) ||
        !text_value_of(ev, f->key, change, &first, &half) ||
        !rules_unit_convert(first.sum, ev->yuan, f->yuan, &conv) ||
        !rules_unit_convert(half, ev->yuan, f->yuan, &half))
        return;
    if (first.first == f->node) {
        rules_not_assessable(ev, BX_NA_NOTHING);
        return;
    }
    own = rules_dec_unit(f->num.places) / 2;
    if (f->num.places < BX_DEC_PLACES)
        conv = rules_dec_round(conv, f->num.places);
    fig_finding(ev, chk, f, conv, half + own, 0,
                change ? "同比增减额 / year-on-year change in" : NULL);
}

void rules_check_figure(struct bx_eval *ev, const struct bx_rcheck *chk,
                        xmlNodePtr node)
{
    struct bx_fig f;

    if (!read_fig(node, &f)) {
        /* a stated quantity that is not a number we can compute with */
        if (f.key != NULL)
            rules_unevaluated(ev, chk, NULL, NULL, node);
        return;
    }
    switch (chk->kind) {
    case BX_CHECK_FIGURE:
        if (chk->against_text)
            check_restated(ev, chk, &f);
        else
            check_amount(ev, chk, &f);
        break;
    case BX_CHECK_SHARE:
        check_share(ev, chk, &f);
        break;
    case BX_CHECK_GROWTH:
        check_growth(ev, chk, &f);
        break;
    default:
        break;
    }
}
