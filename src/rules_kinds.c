/*
 * Business rules, the checks that are not plain arithmetic: code lists
 * (codes exist, printed names and ordinals match), economic-class pairing
 * by unit type, matching two row sets by key (T10/T12 projects) and
 * performance cost caps.  Uses libxml2 XPath directly (see rules.h).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xpathInternals.h>

#include "rules_eval.h"
#include "rules_num.h"
#include "util.h"

/* ------------------------------------------------------------------ */
/* Names and ordinals                                                  */
/* ------------------------------------------------------------------ */

static const char *const zh_digits[] = {"〇", "一", "二", "三", "四",
                                        "五", "六", "七", "八", "九"};

/* Value of the Chinese digit at 's' (3 UTF-8 bytes), or -1. */
static int zh_digit(const char *s)
{
    int i;

    for (i = 0; i < 10; i++) {
        if (strncmp(s, zh_digits[i], 3) == 0)
            return i;
    }
    return -1;
}

/*
 * Parse a Chinese numeral of up to 99 at 's' ("九", "十九", "二十四").
 * Returns the value and sets '*end', or -1.
 */
static int zh_number(const char *s, const char **end)
{
    int tens = -1;
    int ones = -1;
    int d;

    d = zh_digit(s);
    if (d > 0) {
        ones = d;
        s += 3;
    }
    if (strncmp(s, "十", 3) == 0) {
        tens = ones > 0 ? ones : 1;
        ones = 0;
        s += 3;
        d = zh_digit(s);
        if (d > 0) {
            ones = d;
            s += 3;
        }
    }
    if (ones < 0)
        return -1;
    *end = s;
    return (tens > 0 ? tens * 10 : 0) + ones;
}

static void zh_format(int n, struct bx_buf *b)
{
    if (n >= 20)
        buf_puts(b, zh_digits[n / 10]);
    if (n >= 10)
        buf_puts(b, "十");
    if (n % 10 != 0 || n < 10)
        buf_puts(b, zh_digits[n % 10]);
}

static const char *skip_prefix(const char *s, const char *const *set)
{
    size_t i;

    for (i = 0; set[i] != NULL; i++) {
        size_t n = strlen(set[i]);

        if (strncmp(s, set[i], n) == 0)
            return s + n;
    }
    return s;
}

/*
 * Past a printed item number that opens a paragraph ("1. ", "2、",
 * "（三）", "(4)"): 's' itself when there is none.
 */
static const char *skip_item_number(const char *s)
{
    static const char *const open[] = {"（", "(", NULL};
    static const char *const close[] = {"）", ")", "、", ".", "．", NULL};
    const char *p = s;
    const char *end;

    while (*p == ' ')
        p++;
    p = skip_prefix(p, open);
    end = p;
    while (*end >= '0' && *end <= '9')
        end++;
    if (end == p && zh_number(p, &end) < 0)
        return s;
    p = skip_prefix(end, close);
    if (p == end)
        return s;
    while (*p == ' ')
        p++;
    return p;
}

/*
 * Split a printed label "一、一般公共服务" / "（九）医疗卫生…支出" into its
 * ordinal (-1 when none) and the name that follows.
 */
static const char *split_label(const char *label, int *ordinal)
{
    static const char *const open[] = {"（", "(", NULL};
    static const char *const close[] = {"）", ")", "、", ".", "．", NULL};
    const char *p = skip_prefix(label, open);
    const char *end;
    int n = zh_number(p, &end);

    *ordinal = -1;
    if (n < 0)
        return label;
    p = skip_prefix(end, close);
    if (p == end)
        return label;
    while (*p == ' ')
        p++;
    *ordinal = n;
    return p;
}

/* Copy of 's' without blanks, with ASCII parentheses made full-width. */
static char *normalize(const char *s, const char *suffix)
{
    struct bx_buf b;
    size_t sl = suffix != NULL ? strlen(suffix) : 0;
    char *out;

    buf_init(&b);
    for (; *s != '\0'; s++) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            continue;
        if (strncmp(s, "\xe3\x80\x80", 3) == 0) { /* U+3000 */
            s += 2;
            continue;
        }
        if (*s == '(')
            buf_puts(&b, "（");
        else if (*s == ')')
            buf_puts(&b, "）");
        else
            buf_append(&b, s, 1);
    }
    out = buf_take(&b, NULL);
    if (out != NULL && sl > 0 && strlen(out) > sl &&
        strcmp(out + strlen(out) - sl, suffix) == 0)
        out[strlen(out) - sl] = '\0';
    return out;
}

/*
 * 1 when 'printed' equals 'official' up to blanks, brackets, suffix, 0
 * when not, -1 when out of memory (no verdict).
 */
static int same_name(const char *printed, const char *official,
                     const char *suffix)
{
    char *a;
    char *b;
    int eq;

    if (strcmp(printed, official) == 0)
        return 1; /* the same text normalizes the same (the usual case) */
    a = normalize(printed, suffix);
    b = normalize(official, suffix);
    eq = a == NULL || b == NULL ? -1 : strcmp(a, b) == 0;

    free(a);
    free(b);
    return eq;
}

/* 0 official, 1 an alias, 2 neither; -1 out of memory. */
static int name_class(const struct bx_code *c, const char *printed,
                      const char *suffix)
{
    size_t i;
    int eq;

    eq = c->name != NULL ? same_name(printed, c->name, suffix) : 0;
    if (eq != 0)
        return eq > 0 ? 0 : -1;
    for (i = 0; i < c->naliases; i++) {
        eq = same_name(printed, c->aliases[i], suffix);
        if (eq != 0)
            return eq > 0 ? 1 : -1;
    }
    return 2;
}

/* ------------------------------------------------------------------ */
/* codelist                                                            */
/* ------------------------------------------------------------------ */

static void name_finding(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr at, enum bx_severity sev, const char *value,
                         const char *expected)
{
    struct bx_finding f;

    rules_finding_init(&f, chk, at);
    f.sev = sev;
    f.value = value;
    f.expected = expected;
    rules_emit(ev, &f);
}

/* A code a list lacks, gathered over the rule's checks. */
struct bx_unlisted {
    const struct bx_rcheck *chk; /* the check of the first place */
    const struct bx_codelist *list;
    char *code;
    xmlNodePtr at; /* first place in document order */
    long *lines;   /* lines of the other places */
    size_t nmore, capmore;
};

/* Most lines an error lists for the other places of its code. */
#define UNLISTED_LINES 20

/* The entry of 'code' for the rule of 'chk' in 'list', made when new. */
static struct bx_unlisted *unlisted_entry(struct bx_eval *ev,
                                          const struct bx_rcheck *chk,
                                          const struct bx_codelist *list,
                                          const char *code)
{
    struct bx_unlisted *u;
    void *found;

    if (ev->unl_index == NULL)
        ev->unl_index = xmlHashCreate(16);
    if (ev->unl_index == NULL)
        return NULL;
    found = xmlHashLookup3(ev->unl_index, BAD_CAST code, BAD_CAST chk->rule->id,
                           BAD_CAST list->key);
    if (found != NULL)
        return &ev->unl[(size_t)(uintptr_t)found - 1];
    if (ev->nunl == ev->capunl) {
        size_t cap = ev->capunl ? ev->capunl * 2 : 16;
        struct bx_unlisted *n = realloc(ev->unl, cap * sizeof(*n));

        if (n == NULL)
            return NULL;
        ev->unl = n;
        ev->capunl = cap;
    }
    u = &ev->unl[ev->nunl];
    memset(u, 0, sizeof(*u));
    u->code = strdup(code);
    if (u->code == NULL ||
        xmlHashAddEntry3(ev->unl_index, BAD_CAST code, BAD_CAST chk->rule->id,
                         BAD_CAST list->key,
                         (void *)(uintptr_t)(ev->nunl + 1)) != 0) {
        free(u->code);
        return NULL;
    }
    u->chk = chk;
    u->list = list;
    ev->nunl++;
    return u;
}

static int add_line(struct bx_unlisted *u, xmlNodePtr n)
{
    xmlNodePtr el = rules_element_of(n);

    if (u->nmore == u->capmore) {
        size_t cap = u->capmore ? u->capmore * 2 : 8;
        long *l = realloc(u->lines, cap * sizeof(*l));

        if (l == NULL)
            return -1;
        u->lines = l;
        u->capmore = cap;
    }
    u->lines[u->nmore++] = el != NULL ? xmlGetLineNo(el) : 0;
    return 0;
}

/*
 * A code the list does not have: an error when the list is complete (a
 * bureau's own, imported), a notice when it is our partial bundled list.
 * Reported once per code and rule, at its first place in the document
 * (rules_unlisted_flush()); the other places are counted.  A text-name
 * check (BR-115) leaves a code our partial list lacks to the code-list
 * rule of the same place (BR-050): one notice, not two.
 */
static void not_listed(struct bx_eval *ev, const struct bx_rcheck *chk,
                       const struct bx_codelist *list, xmlNodePtr at,
                       xmlNodePtr node, const char *code)
{
    struct bx_unlisted *u;
    xmlNodePtr place = at != NULL ? at : node;

    if (!list->complete && chk->x[BX_X_D] != NULL)
        return;
    u = unlisted_entry(ev, chk, list, code);
    if (u == NULL) {
        ev->rc = BX_E_NOMEM;
        return;
    }
    if (u->at == NULL) {
        u->at = place;
        return;
    }
    /* keep the earliest place in document order, count the others */
    if (xmlXPathCmpNodes(place, u->at) > 0) {
        xmlNodePtr later = u->at;

        u->at = place;
        u->chk = chk;
        place = later;
    }
    if (add_line(u, place) != 0)
        ev->rc = BX_E_NOMEM;
}

static int cmp_line(const void *a, const void *b)
{
    long x = *(const long *)a;
    long y = *(const long *)b;

    return (x > y) - (x < y);
}

/* "另有 N 行（第 a、b 行） / N more rows (lines a, b)"; lines for errors. */
static void more_words(const struct bx_unlisted *u, int lines, struct bx_buf *b)
{
    size_t shown = u->nmore < UNLISTED_LINES ? u->nmore : UNLISTED_LINES;
    size_t i;
    int l;

    if (lines)
        qsort(u->lines, u->nmore, sizeof(*u->lines), cmp_line);
    for (l = 0; l < 2; l++) {
        if (l == 1)
            buf_puts(b, " / ");
        buf_printf(b,
                   l == 0 ? "另有 %zu 行使用该编码" : "used in %zu more row%s",
                   u->nmore, l == 0 || u->nmore == 1 ? "" : "s");
        if (!lines)
            continue;
        buf_puts(b, l == 0 ? "（第 " : " (line");
        if (l == 1 && u->nmore > 1)
            buf_puts(b, "s");
        if (l == 1)
            buf_puts(b, " ");
        for (i = 0; i < shown; i++)
            buf_printf(b, "%s%ld",
                       i == 0   ? ""
                       : l == 0 ? "、"
                                : ", ",
                       u->lines[i]);
        if (shown < u->nmore)
            buf_printf(b, l == 0 ? " 行等，共 %zu 行）" : " and %zu more)",
                       l == 0 ? u->nmore : u->nmore - shown);
        else
            buf_puts(b, l == 0 ? " 行）" : ")");
    }
}

static void unlisted_emit(struct bx_eval *ev, struct bx_unlisted *u)
{
    struct bx_finding f;
    struct bx_buf more;

    buf_init(&more);
    if (u->nmore > 0)
        more_words(u, u->list->complete, &more);
    if (more.failed) {
        ev->rc = BX_E_NOMEM;
        buf_release(&more);
        return;
    }
    rules_finding_init(&f, u->chk, u->at);
    f.value = u->code;
    f.more = u->nmore > 0 ? more.data : NULL;
    if (u->list->complete) {
        f.sev = u->chk->rule->severity;
    } else {
        f.sev = BX_SEV_INFO;
        f.not_listed = 1;
    }
    rules_emit(ev, &f);
    buf_release(&more);
}

/* In document order of the first places. */
static int cmp_unlisted(const void *a, const void *b)
{
    const struct bx_unlisted *x = a;
    const struct bx_unlisted *y = b;

    if (x->at == y->at)
        return 0;
    return xmlXPathCmpNodes(x->at, y->at) > 0 ? -1 : 1;
}

void rules_unlisted_flush(struct bx_eval *ev)
{
    size_t i;

    if (ev->nunl == 0)
        return;
    qsort(ev->unl, ev->nunl, sizeof(*ev->unl), cmp_unlisted);
    for (i = 0; i < ev->nunl && ev->rc == BX_OK; i++)
        unlisted_emit(ev, &ev->unl[i]);
    rules_unlisted_release(ev);
}

void rules_unlisted_release(struct bx_eval *ev)
{
    size_t i;

    for (i = 0; i < ev->nunl; i++) {
        free(ev->unl[i].code);
        free(ev->unl[i].lines);
    }
    free(ev->unl);
    ev->unl = NULL;
    ev->nunl = ev->capunl = 0;
    xmlHashFree(ev->unl_index, NULL);
    ev->unl_index = NULL;
}

/* Henan's convention (一 = 201 …) applies where the template has it. */
static int ordinals_apply(const struct bx_eval *ev, const struct bx_rcheck *chk)
{
    return chk->ordinal_class &&
           (!chk->convention_ordinals || ev->class_ordinals);
}

/* The ordinal of a class row must be its code minus 200 (rule 5). */
static int ordinal_ok(const struct bx_eval *ev, const struct bx_rcheck *chk,
                      const char *code, int ord)
{
    if (!ordinals_apply(ev, chk) || ord < 0 || strlen(code) != 3)
        return 1;
    return ord == atoi(code) - 200;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s);
    size_t t = strlen(tail);

    return n >= t && strcmp(s + n - t, tail) == 0;
}

/*
 * The official name 'official' in the style of the printed 'name': where
 * the label may drop 'suffix' (表一 "十二、城乡社区" for 城乡社区支出) and
 * the printed one does, so does the suggestion.
 */
static void put_official(struct bx_buf *b, const char *official,
                         const char *name, const char *suffix)
{
    if (official == NULL)
        return;
    if (suffix != NULL && !ends_with(name, suffix) &&
        ends_with(official, suffix) && strlen(official) > strlen(suffix))
        buf_append(b, official, strlen(official) - strlen(suffix));
    else
        buf_puts(b, official);
}

static void check_label(struct bx_eval *ev, const struct bx_rcheck *chk,
                        const struct bx_code *c, xmlNodePtr node,
                        const char *code, const char *label)
{
    xmlNodePtr at = rules_first_node(ev, chk->x[BX_X_C], node);
    int ord;
    const char *name = split_label(label, &ord);
    int cls = name_class(c, name, chk->suffix);
    struct bx_buf exp;

    if (cls < 0) {
        ev->rc = BX_E_NOMEM;
        return;
    }
    if (ordinal_ok(ev, chk, code, ord) && cls == 0)
        return;
    buf_init(&exp);
    if (ordinals_apply(ev, chk) && strlen(code) == 3 && atoi(code) > 200) {
        /* in the label's own style: "七、", "（七）" or "(七) " */
        int paren = strncmp(label, "（", 3) == 0 ? 1 : label[0] == '(' ? 2 : 0;

        buf_puts(&exp, paren == 1 ? "（" : paren == 2 ? "(" : "");
        zh_format(atoi(code) - 200, &exp);
        buf_puts(&exp, paren == 1 ? "）" : paren == 2 ? ") " : "、");
    }
    if (!ordinals_apply(ev, chk) && ord >= 0) {
        /* keep the printed ordinal: only the name is judged */
        buf_append(&exp, label, (size_t)(name - label));
    }
    put_official(&exp, c->name, name, chk->suffix);
    if (exp.failed)
        ev->rc = BX_E_NOMEM; /* the suggestion is part of the finding */
    else
        name_finding(ev, chk, at != NULL ? at : node,
                     ordinal_ok(ev, chk, code, ord) && cls == 1
                         ? chk->alias_severity
                         : chk->rule->severity,
                     label, exp.data);
    buf_release(&exp);
}

static void check_name(struct bx_eval *ev, const struct bx_rcheck *chk,
                       const struct bx_code *c, xmlNodePtr node,
                       const char *name)
{
    xmlNodePtr at = rules_first_node(ev, chk->x[BX_X_B], node);
    int cls = name_class(c, name, chk->suffix);

    if (cls < 0) {
        ev->rc = BX_E_NOMEM;
        return;
    }
    if (cls == 0)
        return;
    name_finding(ev, chk, at != NULL ? at : node,
                 cls == 1 ? chk->alias_severity : chk->rule->severity, name,
                 c->name);
}

/*
 * The names a sentence gives a function code's levels: "卫生健康支出（类）
 * 计划生育事务（款）计划生育服务（项）".  Each name runs from the end of the
 * previous marker (or the start) to its marker; it must be the official
 * name (an alias: warning) of the code's first 3, 5 or 7 digits.  Levels
 * the list does not know are left to the code-list rule.
 */
static void text_names(struct bx_eval *ev, const struct bx_rcheck *chk,
                       const struct bx_codelist *list, xmlNodePtr node,
                       const char *code)
{
    static const char *const marks[3] = {"（类）", "（款）", "（项）"};
    static const size_t digits[3] = {3, 5, 7};
    xmlNodePtr at = rules_first_node(ev, chk->x[BX_X_D], node);
    xmlChar *text = rules_run_string(ev, chk->x[BX_X_D], node);
    const char *p = text != NULL ? skip_item_number((const char *)text) : NULL;
    int lv;

    for (lv = 0; p != NULL && lv < 3 && strlen(code) >= digits[lv]; lv++) {
        const char *m = strstr(p, marks[lv]);
        const struct bx_code *c;
        char prefix[8];
        char *name;
        size_t n;
        int cls;

        if (m == NULL)
            continue; /* the sentence does not name this level */
        memcpy(prefix, code, digits[lv]);
        prefix[digits[lv]] = '\0';
        name = strndup(p, (size_t)(m - p));
        p = m + strlen(marks[lv]);
        c = rules_code_find(list, prefix, &n);
        if (name == NULL) {
            ev->rc = BX_E_NOMEM;
            break;
        }
        cls = c != NULL && name[0] != '\0' ? name_class(c, name, NULL) : 0;
        if (cls < 0)
            ev->rc = BX_E_NOMEM;
        else if (cls > 0)
            name_finding(ev, chk, at != NULL ? at : node,
                         cls == 1 ? chk->alias_severity : chk->rule->severity,
                         name, c->name);
        free(name);
    }
    xmlFree(text);
}

void rules_check_codelist(struct bx_eval *ev, const struct bx_rcheck *chk,
                          xmlNodePtr node)
{
    const struct bx_codelist *list = rules_list(ev->rs, chk->list);
    xmlChar *code = rules_run_string(ev, chk->x[BX_X_A], node);
    xmlChar *name = NULL;
    xmlChar *label = NULL;
    const struct bx_code *c;
    size_t n;

    if (list == NULL || code == NULL || code[0] == '\0')
        goto out;
    c = rules_code_find(list, (const char *)code, &n);
    if (c == NULL) {
        not_listed(ev, chk, list, rules_first_node(ev, chk->x[BX_X_A], node),
                   node, (const char *)code);
        goto out;
    }
    if (chk->x[BX_X_D] != NULL) {
        text_names(ev, chk, list, node, (const char *)code);
        goto out;
    }
    name = rules_run_string(ev, chk->x[BX_X_B], node);
    label = rules_run_string(ev, chk->x[BX_X_C], node);
    if (name != NULL && name[0] != '\0')
        check_name(ev, chk, c, node, (const char *)name);
    if (label != NULL && label[0] != '\0')
        check_label(ev, chk, c, node, (const char *)code, (const char *)label);
out:
    xmlFree(code);
    xmlFree(name);
    xmlFree(label);
}

/* ------------------------------------------------------------------ */
/* pairing                                                             */
/* ------------------------------------------------------------------ */

/* 1 when the space-separated 'list' holds 'word'. */
static int has_word(const char *list, const char *word)
{
    size_t wl = strlen(word);
    const char *p = list;

    while (p != NULL && *p != '\0') {
        size_t n;

        while (*p == ' ')
            p++;
        n = strcspn(p, " ");
        if (n == wl && strncmp(p, word, n) == 0)
            return 1;
        p += n;
    }
    return 0;
}

static void scopes_eval(struct bx_eval *ev, const struct bx_rcheck *chk,
                        xmlNodePtr node, struct bx_buf *out);

/* Scope values that apply to the unit types 'types' selects; the same
 * for the rows of one parent when the expression reads only ancestors. */
static void scopes_for(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodePtr node, struct bx_buf *out)
{
    const struct bx_expr_info *info;

    if (ev->scope_chk != chk) {
        info = rules_expr_info(ev->rs, chk->x[BX_X_D]);
        ev->scope_chk = chk;
        ev->scope_by_parent = info != NULL && info->ancestors_only;
        ev->scope_parent = NULL;
    }
    if (ev->scope_by_parent && node->type == XML_ELEMENT_NODE &&
        ev->scope_memo != NULL && node->parent == ev->scope_parent) {
        buf_puts(out, ev->scope_memo);
        return;
    }
    scopes_eval(ev, chk, node, out);
    if (!ev->scope_by_parent || node->type != XML_ELEMENT_NODE || out->failed)
        return;
    free(ev->scope_memo);
    ev->scope_memo = util_strdup(out->data);
    ev->scope_parent = ev->scope_memo != NULL ? node->parent : NULL;
}

static void scopes_eval(struct bx_eval *ev, const struct bx_rcheck *chk,
                        xmlNodePtr node, struct bx_buf *out)
{
    xmlXPathObjectPtr o = rules_run(ev, chk->x[BX_X_D], node);
    size_t s;
    int i;

    buf_puts(out, " ");
    for (i = 0; o != NULL && o->type == XPATH_NODESET &&
                o->nodesetval != NULL && i < o->nodesetval->nodeNr;
         i++) {
        xmlChar *t = xmlXPathCastNodeToString(o->nodesetval->nodeTab[i]);

        for (s = 0; t != NULL && s < chk->nscopes; s++) {
            if (has_word(chk->scopes[s].unit_types, (const char *)t)) {
                buf_puts(out, chk->scopes[s].value);
                buf_puts(out, " ");
            }
        }
        xmlFree(t);
    }
    xmlXPathFreeObject(o);
}

/* 1 when some of the 'n' entries holds only for one kind of unit. */
static int scoped(const struct bx_code *c, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (c[i].scope != NULL && c[i].scope[0] != '\0')
            return 1;
    }
    return 0;
}

/* 1 ok, 0 wrong pair, -1 no entry applies (cannot judge). */
static int pair_ok(const struct bx_code *c, size_t n, const char *scopes,
                   const char *gov, struct bx_buf *allowed)
{
    int applicable = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        const char *sc = c[i].scope;

        if (sc != NULL && sc[0] != '\0' && scopes[1] != '\0' &&
            !has_word(scopes, sc))
            continue;
        applicable = 1;
        if (c[i].name != NULL && strcmp(c[i].name, gov) == 0)
            return 1;
        buf_printf(allowed, "%s%s", allowed->len ? "/" : "",
                   c[i].name ? c[i].name : "");
    }
    return applicable ? 0 : -1;
}

void rules_check_pairing(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node)
{
    const struct bx_codelist *list = rules_list(ev->rs, chk->list);
    xmlChar *dep = rules_run_string(ev, chk->x[BX_X_A], node);
    xmlChar *gov = rules_run_string(ev, chk->x[BX_X_B], node);
    struct bx_buf scopes;
    struct bx_buf allowed;
    struct bx_finding f;
    const struct bx_code *c;
    size_t n;
    int ok;

    buf_init(&scopes);
    buf_init(&allowed);
    if (list == NULL || dep == NULL || gov == NULL || dep[0] == '\0' ||
        gov[0] == '\0')
        goto out;
    c = rules_code_find(list, (const char *)dep, &n);
    if (c == NULL)
        goto out; /* unknown code: the code-list rule reports it */
    scopes_for(ev, chk, node, &scopes);
    if (scopes.failed) {
        ev->rc = BX_E_NOMEM; /* no scopes is not "no unit type" */
        goto out;
    }
    if (scopes.data[1] == '\0' && scoped(c, n)) {
        /* the mapping depends on the unit's type, which is not given */
        rules_not_assessable(ev, BX_NA_UNIT_TYPE);
        goto out;
    }
    ok = pair_ok(c, n, scopes.data, (const char *)gov, &allowed);
    if (allowed.failed)
        ev->rc = BX_E_NOMEM;
    if (allowed.failed || ok != 0)
        goto out;
    rules_finding_init(&f, chk, rules_first_node(ev, chk->x[BX_X_B], node));
    if (f.node == NULL)
        f.node = node;
    f.value = (const char *)gov;
    f.key = (const char *)dep;
    f.expected = allowed.data;
    rules_emit(ev, &f);
out:
    buf_release(&scopes);
    buf_release(&allowed);
    xmlFree(dep);
    xmlFree(gov);
}

/* ------------------------------------------------------------------ */
/* match                                                               */
/* ------------------------------------------------------------------ */

static void match_amounts(struct bx_eval *ev, const struct bx_rcheck *chk,
                          xmlNodePtr l, xmlNodePtr r, const char *key)
{
    struct bx_finding f;
    struct bx_val a;
    struct bx_val b;
    size_t i;

    for (i = 0; i < chk->npairs; i++) {
        rules_val(ev, chk->pairs[i].left, l, &a);
        rules_val(ev, chk->pairs[i].right, r, &b);
        if (a.nodes == 0 || b.nodes == 0)
            continue;
        rules_finding_init(&f, chk, a.first);
        if (a.bad || b.bad || !rules_dec_add(a.sum, -b.sum, &f.diff)) {
            rules_unevaluated(ev, chk, &a, &b, l);
            continue;
        }
        f.value = key;
        f.printed = a.sum;
        f.computed = b.sum;
        f.pplaces = a.places;
        f.cplaces = b.places;
        f.tol = 0;
        if (f.diff != 0)
            rules_table_places(ev, &a, &f);
        rules_judge(ev, &f, 0);
    }
}

static void unmatched(struct bx_eval *ev, const struct bx_rcheck *chk,
                      xmlNodePtr at, const char *key)
{
    struct bx_finding f;

    rules_finding_init(&f, chk, at);
    f.value = key;
    rules_emit(ev, &f);
}

static xmlChar **keys_of(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodeSetPtr set)
{
    xmlChar **keys;
    int i;

    keys = calloc((size_t)set->nodeNr + 1, sizeof(*keys));
    for (i = 0; keys != NULL && i < set->nodeNr; i++)
        keys[i] = rules_run_string(ev, chk->x[BX_X_C], set->nodeTab[i]);
    return keys;
}

static void free_keys(xmlChar **keys, int n)
{
    int i;

    for (i = 0; keys != NULL && i < n; i++)
        xmlFree(keys[i]);
    free(keys);
}

/* A right-hand row in key order (ties in document order). */
struct kref {
    const xmlChar *k;
    int j;
};

static int cmp_kref(const void *a, const void *b)
{
    const struct kref *x = a;
    const struct kref *y = b;
    int c = xmlStrcmp(x->k, y->k);

    return c != 0 ? c : (x->j > y->j) - (x->j < y->j);
}

/* First position in 'sorted' (n) whose key is not below 'k'. */
static int lower_bound(const struct kref *sorted, int n, const xmlChar *k)
{
    int lo = 0;
    int hi = n;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (xmlStrcmp(sorted[mid].k, k) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * Pair each left row with the first right row of equal key not paired
 * yet, in document order: the right rows sorted by key, and per key a
 * count of those taken (n log n, not one scan of the right rows per left).
 */
static void match_sets(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodeSetPtr ls, xmlNodeSetPtr rs)
{
    xmlChar **lk = keys_of(ev, chk, ls);
    xmlChar **rk = keys_of(ev, chk, rs);
    char *used = calloc((size_t)rs->nodeNr + 1, 1);
    int *taken = calloc((size_t)rs->nodeNr + 1, sizeof(*taken));
    struct kref *sorted = calloc((size_t)rs->nodeNr + 1, sizeof(*sorted));
    int i;
    int j;

    if (lk == NULL || rk == NULL || used == NULL || taken == NULL ||
        sorted == NULL) {
        ev->rc = BX_E_NOMEM;
        goto out;
    }
    for (j = 0; j < rs->nodeNr; j++) {
        sorted[j].k = rk[j];
        sorted[j].j = j;
    }
    qsort(sorted, (size_t)rs->nodeNr, sizeof(*sorted), cmp_kref);
    for (i = 0; i < ls->nodeNr; i++) {
        int p = lower_bound(sorted, rs->nodeNr, lk[i]);
        int q = p + taken[p];

        if (q >= rs->nodeNr || xmlStrcmp(sorted[q].k, lk[i]) != 0) {
            unmatched(ev, chk, ls->nodeTab[i], (const char *)lk[i]);
            continue;
        }
        taken[p]++;
        j = sorted[q].j;
        used[j] = 1;
        match_amounts(ev, chk, ls->nodeTab[i], rs->nodeTab[j],
                      (const char *)lk[i]);
    }
    for (j = 0; j < rs->nodeNr; j++) {
        if (!used[j])
            unmatched(ev, chk, rs->nodeTab[j], (const char *)rk[j]);
    }
out:
    free_keys(lk, ls->nodeNr);
    free_keys(rk, rs->nodeNr);
    free(used);
    free(taken);
    free(sorted);
}

void rules_check_match(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodePtr node)
{
    xmlXPathObjectPtr l = rules_run(ev, chk->x[BX_X_A], node);
    xmlXPathObjectPtr r = rules_run(ev, chk->x[BX_X_B], node);

    /* Both tables must be there: a missing table is not a mismatch. */
    if (l != NULL && r != NULL && l->type == XPATH_NODESET &&
        r->type == XPATH_NODESET && l->nodesetval != NULL &&
        r->nodesetval != NULL && l->nodesetval->nodeNr > 0 &&
        r->nodesetval->nodeNr > 0)
        match_sets(ev, chk, l->nodesetval, r->nodesetval);
    else
        rules_not_assessable(ev, BX_NA_NO_TABLE);
    xmlXPathFreeObject(l);
    xmlXPathFreeObject(r);
}

/* ------------------------------------------------------------------ */
/* costCap                                                             */
/* ------------------------------------------------------------------ */

/* The cap of a parsed indicator value in the document's unit. */
static int cap_of(struct bx_eval *ev, xmlNodePtr v, struct bx_dec *cap)
{
    const char *op = rules_prop(v, "op");
    const char *num = rules_prop(v, "num");
    const char *unit = rules_prop(v, "unit");
    int yuan;

    if (op == NULL || num == NULL || unit == NULL ||
        (strcmp(op, "le") != 0 && strcmp(op, "lt") != 0))
        return 0;
    if (strcmp(unit, "万元") == 0)
        yuan = 0;
    else if (strcmp(unit, "元") == 0)
        yuan = 1;
    else
        return 0;
    if (rules_dec_parse(num, cap) != BX_OK)
        return 0;
    if (yuan == ev->yuan)
        return 1;
    if (!yuan)
        return rules_dec_mul(cap->v, BX_DEC_ONE, &cap->v);
    cap->v = cap->v / BX_DEC_ONE; /* 元 caps in a 万元 table */
    return 1;
}

/*
 * 1 when a cost cap covers only part of its project: the project holds
 * several cost indicators, or its name joins several activities
 * ("政务大厅硬件设施维护、政务服务信息化建设及大数据信息服务费") while the
 * indicator does not claim the whole (总成本).
 */
static int cap_is_partial(xmlNodePtr project, xmlNodePtr value, int ncaps)
{
    static const char *const joins[] = {"、", "及", "和", "与", "，", NULL};
    const char *name = rules_prop(project, "name");
    xmlNodePtr ind = value != NULL ? value->parent : NULL;
    const char *iname = ind != NULL ? rules_prop(ind, "name") : NULL;
    size_t i;

    if (ncaps > 1)
        return 1;
    if (name == NULL || (iname != NULL && strstr(iname, "总成本") != NULL))
        return 0;
    for (i = 0; joins[i] != NULL; i++) {
        if (strstr(name, joins[i]) != NULL)
            return 1;
    }
    return 0;
}

void rules_check_costcap(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node)
{
    xmlXPathObjectPtr caps;
    struct bx_finding f;
    struct bx_val amount;
    struct bx_dec cap;
    xmlChar *text;
    int ncaps;
    int i;

    rules_val(ev, chk->x[BX_X_A], node, &amount);
    if (amount.bad) {
        rules_unevaluated(ev, chk, &amount, NULL, node);
        return;
    }
    if (amount.n == 0)
        return;
    caps = rules_run(ev, chk->x[BX_X_B], node);
    ncaps = caps != NULL && caps->type == XPATH_NODESET &&
                    caps->nodesetval != NULL
                ? caps->nodesetval->nodeNr
                : 0;
    for (i = 0; i < ncaps; i++) {
        xmlNodePtr v = caps->nodesetval->nodeTab[i];

        if (!cap_of(ev, v, &cap) ||
            cap_is_partial(node, v, ncaps) != chk->cap_partial)
            continue;
        rules_finding_init(&f, chk, amount.first);
        text = xmlNodeGetContent(v);
        f.value = (const char *)text;
        f.printed = amount.sum;
        f.computed = cap.v;
        f.pplaces = amount.places;
        f.cplaces = cap.places;
        rules_table_places(ev, &amount, &f);
        if (!rules_dec_add(amount.sum, -cap.v, &f.diff)) {
            rules_unevaluated(ev, chk, NULL, NULL, amount.first);
            xmlFree(text);
            continue;
        }
        f.tol = 2 * ev->half_u; /* R(1): the amount's own rounding */
        rules_judge(ev, &f, 1);
        xmlFree(text);
    }
    xmlXPathFreeObject(caps);
}

/* ------------------------------------------------------------------ */
/* cells (catalogue rule 54)                                           */
/* ------------------------------------------------------------------ */

/*
 * Every row of a table (the elements 'rows' selects in it) must carry
 * each column its template prints and requires: a missing attribute is a
 * cell the document lacks, not a zero.  Names in 'skip' (code and label
 * columns, the fixed-row amount) are not checked.  A table without a
 * known template is not assessable.
 */
void rules_check_cells(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodePtr node)
{
    const struct tpl_table *tb =
        ev->tpl != NULL ? templates_table(ev->tpl, (const char *)node->name)
                        : NULL;
    xmlXPathObjectPtr rows;
    struct bx_finding f;
    size_t c;
    int i;

    if (tb == NULL || tb->picture) {
        rules_not_assessable(ev, BX_NA_NOTHING);
        return;
    }
    rows = rules_run(ev, chk->x[BX_X_A], node);
    for (i = 0; rows != NULL && rows->type == XPATH_NODESET &&
                rows->nodesetval != NULL && i < rows->nodesetval->nodeNr;
         i++) {
        xmlNodePtr row = rows->nodesetval->nodeTab[i];

        for (c = 0; c < tb->ncolumns; c++) {
            const struct tpl_column *col = &tb->columns[c];

            /* the cell there first: the usual case (xmlHasNsProp without
               its look for DTD defaults: a submission has no DTD) */
            if (!col->required ||
                (row->type == XML_ELEMENT_NODE &&
                 rules_attr_named(row, col->name) != NULL) ||
                (chk->skip != NULL && has_word(chk->skip, col->name)))
                continue;
            rules_finding_init(&f, chk, row);
            f.column = col->name;
            f.value = col->name;
            rules_emit(ev, &f);
        }
    }
    xmlXPathFreeObject(rows);
}

/* ------------------------------------------------------------------ */
/* requiredTables (catalogue rule 53)                                  */
/* ------------------------------------------------------------------ */

/* The child of the document's bx:tables named 'element', or NULL. */
static xmlNodePtr doc_table(xmlNodePtr root, const char *element)
{
    xmlNodePtr c;
    xmlNodePtr t;

    for (c = root != NULL ? root->children : NULL; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || !xmlStrEqual(c->name, BAD_CAST "tables"))
            continue;
        for (t = c->children; t != NULL; t = t->next) {
            if (t->type == XML_ELEMENT_NODE &&
                xmlStrEqual(t->name, BAD_CAST element))
                return t;
        }
    }
    return NULL;
}

/*
 * Every table the document's template requires (and does not publish as
 * a picture) must be there.  Without a known template: not assessable
 * (the rule's fixed asserts judge those files).
 */
void rules_check_required_tables(struct bx_eval *ev,
                                 const struct bx_rcheck *chk, xmlNodePtr node)
{
    const struct tpl_template *t = ev->tpl;
    struct bx_finding f;
    struct bx_buf exp;
    size_t i;

    if (t == NULL || t->tables_picture) {
        rules_not_assessable(ev, BX_NA_NOTHING);
        return;
    }
    for (i = 0; i < t->ntables; i++) {
        const struct tpl_table *tb = &t->tables[i];

        if (!tb->required || tb->picture ||
            doc_table(rules_element_of(node), tb->element) != NULL)
            continue;
        buf_init(&exp);
        buf_printf(&exp, "缺少%s / %s missing", tb->label[0], tb->label[1]);
        rules_finding_init(&f, chk, node);
        f.value = t->id;
        f.expected = exp.data;
        if (!exp.failed)
            rules_emit(ev, &f);
        else
            ev->rc = BX_E_NOMEM;
        buf_release(&exp);
    }
}
