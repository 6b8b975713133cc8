/*
 * Business rules, the row keying a template describes (rule BR-119):
 * rows="function"/"economic" tables print their codes at the levels the
 * template lists, nested under their subtotal rows where it prints them
 * and flat where it does not, each code once; rows="unit" tables have one
 * row per unit; rows="fixed" tables carry the fixed rows the template
 * lists and no keyed rows.  The subtotal amounts themselves are the sums
 * of BR-008, BR-010, BR-012 and BR-018.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <string.h>

#include <libxml/hash.h>

#include "rules_eval.h"
#include "util.h"

#define MAX_FIXED 32

static int is_bx_el(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* Level bit of a code of 'len' digits (TPL_LEVEL_*), 0 when none. */
static unsigned level_of(size_t len, int economic)
{
    if (len == 3)
        return TPL_LEVEL_CLASS;
    if (len == 5)
        return TPL_LEVEL_ITEM;
    if (len == 7 && !economic)
        return TPL_LEVEL_SUBITEM;
    return 0;
}

static const char *level_word(unsigned level, int lang)
{
    static const char *const w[3][2] = {
        {"类", "class"}, {"款", "item"}, {"项", "sub-item"}};

    if (level == TPL_LEVEL_CLASS)
        return w[0][lang];
    if (level == TPL_LEVEL_ITEM)
        return w[1][lang];
    return w[2][lang];
}

/* The highest and the lowest level bit of 'levels'. */
static unsigned top_level(unsigned levels)
{
    unsigned b;

    for (b = TPL_LEVEL_CLASS; b <= TPL_LEVEL_SUBITEM; b <<= 1) {
        if (levels & b)
            return b;
    }
    return 0;
}

static unsigned bottom_level(unsigned levels)
{
    unsigned b;

    for (b = TPL_LEVEL_SUBITEM; b != 0; b >>= 1) {
        if (levels & b)
            return b;
    }
    return 0;
}

/* The printed level right below 'level', 0 when none. */
static unsigned next_level(unsigned levels, unsigned level)
{
    unsigned b;

    for (b = level << 1; b <= TPL_LEVEL_SUBITEM; b <<= 1) {
        if (levels & b)
            return b;
    }
    return 0;
}

/* Emit a finding at 'node' whose {expected} is 'exp' (zh / en). */
static void emit(struct bx_eval *ev, const struct bx_rcheck *chk,
                 xmlNodePtr node, const char *row, const char *value,
                 struct bx_buf *exp)
{
    struct bx_finding f;

    if (exp->failed) {
        ev->rc = BX_E_NOMEM;
        buf_release(exp);
        return;
    }
    rules_finding_init(&f, chk, node);
    f.row = row;
    f.value = value;
    f.expected = exp->data;
    rules_emit(ev, &f);
    buf_release(exp);
}

/* A code row's code: @code, or @dep (else @gov) of an economic row. */
static const char *code_of(xmlNodePtr row, int economic)
{
    if (!economic)
        return rules_prop(row, "code");
    return rules_prop(row, "dep") != NULL ? rules_prop(row, "dep")
                                          : rules_prop(row, "gov");
}

/* Each code once among its siblings; 'seen' maps parent+code. */
static void check_once(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlHashTablePtr seen, xmlNodePtr row, const char *code)
{
    char key[32];
    struct bx_buf exp;

    if (strlen(code) > 16)
        return;
    snprintf(key, sizeof(key), "%p/%s", (void *)row->parent, code);
    if (xmlHashLookup(seen, BAD_CAST key) == NULL) {
        if (xmlHashAddEntry(seen, BAD_CAST key, row) != 0)
            ev->rc = BX_E_NOMEM;
        return;
    }
    buf_init(&exp);
    buf_printf(&exp, "科目 %s 印了两行 / code %s is printed on two rows", code,
               code);
    emit(ev, chk, row, NULL, code, &exp);
}

/*
 * One code row against the template's levels and subtotals: its level
 * is printed; with subtotal rows it sits right under its parent's code
 * (a top row at the highest level); without them no row is nested in
 * another and every row is at the lowest level.
 */
static void check_code_row(struct bx_eval *ev, const struct bx_rcheck *chk,
                           const struct tpl_table *tb, int subtotals,
                           xmlNodePtr row, const char *code, int economic)
{
    const char *el = economic ? "eco" : "func";
    unsigned lv = level_of(strlen(code), economic);
    xmlNodePtr parent = row->parent;
    const char *pcode = is_bx_el(parent, el) ? code_of(parent, economic) : NULL;
    unsigned want;
    struct bx_buf exp;

    buf_init(&exp);
    if (lv == 0 || !(tb->levels & lv)) {
        buf_printf(&exp,
                   "科目 %s 不是本表所印的科目级次 / code %s is not "
                   "at a level the table prints",
                   code, code);
    } else if (subtotals && pcode != NULL) {
        want = next_level(tb->levels, level_of(strlen(pcode), economic));
        if (want != lv || strncmp(code, pcode, strlen(pcode)) != 0)
            buf_printf(&exp,
                       "科目 %s 列在 %s 之下，但不是它的下一级（%s）科目 / "
                       "code %s is listed under %s but is not one of its "
                       "%s codes",
                       code, pcode, level_word(want, 0), code, pcode,
                       level_word(want, 1));
    } else if (subtotals && lv != top_level(tb->levels)) {
        buf_printf(&exp,
                   "科目 %s 没有列在其%s级小计行之下 / code %s is not listed "
                   "under its %s subtotal row",
                   code, level_word(top_level(tb->levels), 0), code,
                   level_word(top_level(tb->levels), 1));
    } else if (!subtotals && pcode != NULL) {
        buf_printf(&exp,
                   "本表不印小计行，科目 %s 却列在 %s 之下 / the table prints "
                   "no subtotal rows, yet code %s is listed under %s",
                   code, pcode, code, pcode);
    } else if (!subtotals && lv != bottom_level(tb->levels)) {
        buf_printf(&exp,
                   "本表只印%s级科目，%s 是%s级 / the table prints %s codes "
                   "only; %s is %s code",
                   level_word(bottom_level(tb->levels), 0), code,
                   level_word(lv, 0), level_word(bottom_level(tb->levels), 1),
                   code, lv == TPL_LEVEL_ITEM ? "an item" : "a class");
    }
    if (exp.len == 0 && !exp.failed) {
        buf_release(&exp);
        return;
    }
    emit(ev, chk, row, NULL, code, &exp);
}

/* The node after 'n' in document order below 'root', or NULL. */
static xmlNodePtr next_below(xmlNodePtr root, xmlNodePtr n)
{
    if (n->children != NULL)
        return n->children;
    while (n != root && n->next == NULL)
        n = n->parent;
    return n == root ? NULL : n->next;
}

/* Whether the rows of 'table' are to be nested under subtotal rows: as
 * the template says, or where it leaves it open (subtotals="optional"),
 * as the document does (some code row nested in another). */
static int subtotals_of(struct bx_eval *ev, const struct tpl_table *tb,
                        xmlNodePtr table)
{
    const char *el = tb->rows == TPL_ROWS_ECONOMIC ? "eco" : "func";
    xmlNodePtr n = table;

    if (tb->subtotals || !templates_subtotals_optional(ev->tpl, tb))
        return tb->subtotals;
    while (n != NULL) {
        if (is_bx_el(n, el) && is_bx_el(n->parent, el))
            return 1;
        n = next_below(table, n);
    }
    return 0;
}

/* Code rows (bx:func or bx:eco) of a function- or economic-keyed table. */
static void check_codes(struct bx_eval *ev, const struct bx_rcheck *chk,
                        const struct tpl_table *tb, int subtotals, xmlNodePtr n,
                        xmlHashTablePtr seen, int economic)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL && ev->rc == BX_OK; c = c->next) {
        const char *code;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        code = is_bx_el(c, economic ? "eco" : "func") ? code_of(c, economic)
                                                      : NULL;
        if (code != NULL) {
            check_code_row(ev, chk, tb, subtotals, c, code, economic);
            check_once(ev, chk, seen, c, code);
        }
        check_codes(ev, chk, tb, subtotals, c, seen, economic);
    }
}

/* The bx:unit rows below 'n' into 'seen' (code or name); twice: found. */
static void unit_rows(struct bx_eval *ev, const struct bx_rcheck *chk,
                      xmlNodePtr n, xmlHashTablePtr seen)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL && ev->rc == BX_OK; c = c->next) {
        const char *k;
        struct bx_buf exp;

        if (!is_bx_el(c, "unit")) {
            if (is_bx_el(c, "dept"))
                unit_rows(ev, chk, c, seen);
            continue;
        }
        k = rules_prop(c, "code") != NULL ? rules_prop(c, "code")
                                          : rules_prop(c, "name");
        if (k == NULL)
            continue;
        if (xmlHashLookup(seen, BAD_CAST k) == NULL) {
            if (xmlHashAddEntry(seen, BAD_CAST k, c) != 0)
                ev->rc = BX_E_NOMEM;
            continue;
        }
        buf_init(&exp);
        buf_printf(&exp, "单位 %s 有两行 / unit %s has two rows", k, k);
        emit(ev, chk, c, NULL, k, &exp);
    }
}

/* metadata/units of the document, or NULL. */
static xmlNodePtr meta_units(xmlNodePtr table)
{
    xmlNodePtr root = xmlDocGetRootElement(table->doc);
    xmlNodePtr c;
    xmlNodePtr u;

    for (c = root != NULL ? root->children : NULL; c != NULL; c = c->next) {
        if (!is_bx_el(c, "metadata"))
            continue;
        for (u = c->children; u != NULL; u = u->next) {
            if (is_bx_el(u, "units"))
                return u;
        }
    }
    return NULL;
}

/*
 * A unit-keyed table has one row per unit: no unit twice and, once it
 * lists units at all, a row for every unit metadata/units lists.
 */
static void check_units(struct bx_eval *ev, const struct bx_rcheck *chk,
                        xmlNodePtr table, xmlHashTablePtr seen)
{
    xmlNodePtr units = meta_units(table);
    xmlNodePtr u;

    unit_rows(ev, chk, table, seen);
    if (xmlHashSize(seen) == 0)
        return;
    for (u = units != NULL ? units->children : NULL;
         u != NULL && ev->rc == BX_OK; u = u->next) {
        const char *code = rules_prop(u, "code");
        const char *name = rules_prop(u, "name");
        const char *k = code != NULL ? code : name;
        struct bx_buf exp;

        if (!is_bx_el(u, "unit") || k == NULL ||
            xmlHashLookup(seen, BAD_CAST k) != NULL)
            continue;
        buf_init(&exp);
        buf_printf(&exp,
                   "没有单位 %s 的行（本表每个单位一行） / no row for unit %s "
                   "(the table has one row per unit)",
                   k, k);
        emit(ev, chk, table, name != NULL ? name : k, k, &exp);
    }
}

/* The element at 'path' ("income/fiscal") below 'table', or NULL. */
static xmlNodePtr at_path(xmlNodePtr table, const char *path)
{
    xmlNodePtr n = table;
    const char *p = path;

    while (n != NULL && *p != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash != NULL ? (size_t)(slash - p) : strlen(p);
        xmlNodePtr c;

        for (c = n->children; c != NULL; c = c->next) {
            if (c->type == XML_ELEMENT_NODE &&
                strlen((const char *)c->name) == len &&
                memcmp(c->name, p, len) == 0)
                break;
        }
        n = c;
        p += len;
        if (*p == '/')
            p++;
    }
    return n;
}

/* A fixed-row table: the template's fixed rows, and no keyed rows. */
static void check_fixed(struct bx_eval *ev, const struct bx_rcheck *chk,
                        const struct tpl_table *tb, xmlNodePtr table)
{
    static const char *const keyed[] = {"dept", "unit",    "func",
                                        "eco",  "project", "item"};
    struct tpl_fixed_row rows[MAX_FIXED];
    size_t n = templates_fixed_rows(ev->tpl, tb, rows, MAX_FIXED);
    size_t i;
    xmlNodePtr c;
    struct bx_buf exp;

    for (i = 0; i < n && ev->rc == BX_OK; i++) {
        if (at_path(table, rows[i].path) != NULL)
            continue;
        buf_init(&exp);
        buf_printf(&exp,
                   "缺少模板的固定行“%s” / the template's fixed row "
                   "'%s' is missing",
                   rows[i].label[0] != NULL ? rows[i].label[0] : rows[i].path,
                   rows[i].label[1] != NULL ? rows[i].label[1] : rows[i].path);
        emit(ev, chk, table, rows[i].label[BX_LANG_ZH], rows[i].path, &exp);
    }
    for (c = table->children; c != NULL && ev->rc == BX_OK; c = c->next) {
        for (i = 0; i < sizeof(keyed) / sizeof(keyed[0]); i++) {
            if (!is_bx_el(c, keyed[i]))
                continue;
            buf_init(&exp);
            buf_printf(&exp, "模板的本表是固定行，不按单位或科目分行 / the "
                             "template prints this table with fixed rows, "
                             "not one row per unit or code");
            emit(ev, chk, c, NULL, keyed[i], &exp);
        }
    }
}

/*
 * rowKeys: each context table element against the row keying of its
 * template's table.  Without a known template, or for a table published
 * as a picture (by the template or the document): not assessable.
 */
void rules_check_row_keys(struct bx_eval *ev, const struct bx_rcheck *chk,
                          xmlNodePtr node)
{
    const struct tpl_table *tb =
        ev->tpl != NULL ? templates_table(ev->tpl, (const char *)node->name)
                        : NULL;
    xmlHashTablePtr seen;

    if (tb == NULL || tb->picture ||
        (rules_prop(node, "picture") != NULL &&
         strcmp(rules_prop(node, "picture"), "true") == 0)) {
        rules_not_assessable(ev, BX_NA_NOTHING);
        return;
    }
    seen = xmlHashCreate(64);
    if (seen == NULL) {
        ev->rc = BX_E_NOMEM;
        return;
    }
    if (tb->rows == TPL_ROWS_FUNCTION || tb->rows == TPL_ROWS_ECONOMIC)
        check_codes(ev, chk, tb, subtotals_of(ev, tb, node), node, seen,
                    tb->rows == TPL_ROWS_ECONOMIC);
    else if (tb->rows == TPL_ROWS_UNIT)
        check_units(ev, chk, node, seen);
    else if (tb->rows == TPL_ROWS_FIXED)
        check_fixed(ev, chk, tb, node);
    xmlHashFree(seen, NULL);
}
