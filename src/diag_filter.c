/*
 * Post-passes over one file's findings: suppress XSD-KEYREF findings that
 * are consequences of another schema error, and sort findings for
 * reading.  Works on the findings and the parsed document; never prints.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "diag_filter.h"
#include "util.h"

/*
 * Where each keyref's key is defined (schemas/budgetx.xsd, xs:key
 * selectors, relative to the root).  A keyref not listed is never
 * suppressed.
 */
static const struct {
    const char *keyref;
    const char *selector;
} key_sites[] = {
    {"departmentRef", "/bx:disclosure/bx:metadata/bx:department"},
    {"unitRef", "/bx:disclosure/bx:metadata/bx:units/bx:unit"},
    {"projectRef", "/bx:disclosure/bx:tables/bx:projectPerformance"
                   "//bx:project"},
};

/* The code and keyref name of an XSD-KEYREF finding (validate.c words
 * it "... code 'V' refers to nothing that is defined (reference R)"). */
static int keyref_parts(const struct bx_diag *d, char *code, size_t ncode,
                        const char **sel)
{
    const char *m = d->message_en;
    const char *end;
    const char *start;
    const char *ref;
    size_t i;

    end = m != NULL ? strstr(m, "' refers to nothing") : NULL;
    ref = m != NULL ? strstr(m, "(reference ") : NULL;
    if (end == NULL || ref == NULL) {
        return -1;
    }
    for (start = end; start > m && start[-1] != '\''; start--) {
    }
    if (start == m || (size_t)(end - start) >= ncode) {
        return -1;
    }
    memcpy(code, start, (size_t)(end - start));
    code[end - start] = '\0';
    ref += strlen("(reference ");
    for (i = 0; i < sizeof(key_sites) / sizeof(key_sites[0]); i++) {
        if (strncmp(ref, key_sites[i].keyref, strlen(key_sites[i].keyref)) ==
                0 &&
            ref[strlen(key_sites[i].keyref)] == ')') {
            *sel = key_sites[i].selector;
            return 0;
        }
    }
    return -1;
}

/*
 * Is the keyref finding 'd' an echo?  1 when the code is defined by an
 * element the validator skipped, or when nothing defines any key of that
 * kind and 'other_errors' (another schema error) explains why.
 */
static int is_consequence(xmlXPathContextPtr xp, const struct bx_diag *d,
                          int other_errors)
{
    xmlXPathObjectPtr o;
    xmlNodeSetPtr ns;
    xmlChar *v;
    const char *sel;
    char code[128];
    int found = 0;
    int i;

    if (keyref_parts(d, code, sizeof(code), &sel) != 0) {
        return 0;
    }
    o = xmlXPathEvalExpression(BAD_CAST sel, xp);
    if (o == NULL) {
        return 0;
    }
    ns = o->nodesetval;
    for (i = 0; ns != NULL && i < ns->nodeNr && !found; i++) {
        v = xmlGetProp(ns->nodeTab[i], BAD_CAST "code");
        found = v != NULL && strcmp((const char *)v, code) == 0;
        xmlFree(v);
    }
    if (!found && other_errors && (ns == NULL || ns->nodeNr == 0)) {
        found = 1; /* the defining elements are missing: said elsewhere */
    }
    xmlXPathFreeObject(o);
    return found && other_errors;
}

/* Copy the findings not marked in 'drop' to 'out'. */
static int keep_unmarked(const struct bx_diags *in, const char *drop,
                         struct bx_diags *out)
{
    size_t i;

    for (i = 0; i < in->count; i++) {
        if (!drop[i] && bx_diags_add(out, &in->items[i]) != BX_OK) {
            return BX_E_NOMEM;
        }
    }
    return BX_OK;
}

/* Mark the echoes in 'drop'; returns how many. */
static size_t mark_echoes(const struct bx_submission *sub,
                          const struct bx_diags *diags, char *drop)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(sub->doc);
    int other_errors = 0;
    size_t n = 0;
    size_t i;

    if (xp == NULL ||
        xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE) != 0) {
        xmlXPathFreeContext(xp);
        return 0;
    }
    for (i = 0; i < diags->count; i++) {
        const struct bx_diag *d = &diags->items[i];

        if (d->code != NULL && strncmp(d->code, "XSD-", 4) == 0 &&
            strcmp(d->code, "XSD-KEYREF") != 0 && d->severity >= BX_SEV_ERROR) {
            other_errors = 1;
        }
    }
    for (i = 0; other_errors && i < diags->count; i++) {
        const struct bx_diag *d = &diags->items[i];

        if (d->code != NULL && strcmp(d->code, "XSD-KEYREF") == 0 &&
            is_consequence(xp, d, other_errors)) {
            drop[i] = 1;
            n++;
        }
    }
    xmlXPathFreeContext(xp);
    return n;
}

/* One info finding that says how many references were not checked. */
static int add_skipped_note(const char *path, size_t n, struct bx_diags *out)
{
    char zh[256];
    char en[256];

    snprintf(zh, sizeof(zh),
             "另有 %zu 处编码引用未检查：它们引用的定义位于上面报告的"
             "错误之中，改正后再检查",
             n);
    snprintf(en, sizeof(en),
             "%zu code reference%s not checked: what %s to lies in the "
             "error reported above; fix it and check again",
             n, n == 1 ? " was" : "s were",
             n == 1 ? "it refers" : "they refer");
    return bx_diags_addf(out, BX_SEV_INFO, "XSD-KEYREF-SKIPPED", path, 0, zh,
                         en);
}

int diag_filter_consequences(const struct bx_submission *sub,
                             struct bx_diags *diags)
{
    struct bx_diags kept;
    char *drop = NULL;
    size_t n;
    int rc = BX_OK;

    if (sub == NULL || sub->doc == NULL || diags->count == 0) {
        return BX_OK;
    }
    drop = calloc(diags->count, 1);
    if (drop == NULL) {
        return BX_E_NOMEM;
    }
    n = mark_echoes(sub, diags, drop);
    if (n > 0) {
        bx_diags_init(&kept);
        rc = keep_unmarked(diags, drop, &kept);
        if (rc == BX_OK) {
            rc = add_skipped_note(sub->path, n, &kept);
        }
        if (rc == BX_OK) {
            bx_diags_release(diags);
            *diags = kept;
        } else {
            bx_diags_release(&kept);
        }
    }
    free(drop);
    return rc;
}

/* 表一 .. 表二十: the number, or 0 when 'table' names none. */
static int table_number(const char *table)
{
    static const char *const digits[] = {"一", "二", "三", "四", "五",
                                         "六", "七", "八", "九"};
    const char *p = table != NULL ? strstr(table, "表") : NULL;
    int n = 0;
    int tens = 0;
    size_t i;
    int more = 1;

    if (p == NULL) {
        return 0;
    }
    p += strlen("表");
    while (more) {
        more = 0;
        if (strncmp(p, "十", strlen("十")) == 0) {
            tens = n == 0 ? 1 : n;
            n = 0;
            p += strlen("十");
            more = 1;
            continue;
        }
        for (i = 0; i < sizeof(digits) / sizeof(digits[0]); i++) {
            if (strncmp(p, digits[i], strlen(digits[i])) == 0) {
                n = (int)i + 1;
                p += strlen(digits[i]);
                more = 1;
                break;
            }
        }
    }
    return tens * 10 + n;
}

struct sort_key {
    int severity;
    int table;
    long line;
    size_t index;
};

static int by_key(const void *a, const void *b)
{
    const struct sort_key *x = a;
    const struct sort_key *y = b;

    if (x->severity != y->severity) {
        return y->severity - x->severity;
    }
    if (x->table != y->table) {
        return x->table - y->table;
    }
    if (x->line != y->line) {
        return x->line < y->line ? -1 : 1;
    }
    return x->index < y->index ? -1 : x->index > y->index;
}

int diag_filter_sort(struct bx_diags *diags)
{
    struct sort_key *keys;
    struct bx_diag *items;
    size_t i;

    if (diags->count < 2) {
        return BX_OK;
    }
    keys = calloc(diags->count, sizeof(*keys));
    items = calloc(diags->count, sizeof(*items));
    if (keys == NULL || items == NULL) {
        free(keys);
        free(items);
        return BX_E_NOMEM;
    }
    for (i = 0; i < diags->count; i++) {
        keys[i].severity = (int)diags->items[i].severity;
        keys[i].table = table_number(diags->items[i].table);
        keys[i].line = diags->items[i].line;
        keys[i].index = i;
    }
    qsort(keys, diags->count, sizeof(*keys), by_key);
    for (i = 0; i < diags->count; i++) {
        items[i] = diags->items[keys[i].index];
    }
    memcpy(diags->items, items, diags->count * sizeof(*items));
    free(items);
    free(keys);
    return BX_OK;
}
