/*
 * Business rules, coverage: how far each rule got on one file.  A rule
 * ends as passed (some check judged something, nothing at warning or
 * above), failed, or not assessable with the reason: the template prints
 * no such table or column, the cells are blank meaning "not applicable",
 * a unit's type is unknown, the template does not follow the rule's
 * convention, or the document holds nothing the rule checks.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xpathInternals.h>

#include "rules_eval.h"

static const char *const reason_names[BX_NA_COUNT] = {
    "", "no-table", "no-column", "blank", "unit-type", "convention", "nothing"};

static const char *const reason_texts[BX_NA_COUNT][2] = {
    {"", ""},
    {"模板没有该表", "template prints no such table"},
    {"模板没有该列或行", "template prints no such column or row"},
    {"单元格为空，按模板表示不适用", "blank cells mean not applicable"},
    {"单位类型未知", "unit type unknown"},
    {"模板不采用该编排惯例", "not the template's convention"},
    {"文件中没有可检查的内容", "nothing to check"}};

const char *bx_outcome_name(enum bx_outcome o)
{
    switch (o) {
    case BX_OUTCOME_PASSED:
        return "passed";
    case BX_OUTCOME_FAILED:
        return "failed";
    case BX_OUTCOME_NOT_ASSESSABLE:
        return "not-assessable";
    }
    return "?";
}

const char *bx_na_reason_name(enum bx_na_reason r)
{
    return (unsigned)r < BX_NA_COUNT ? reason_names[r] : "";
}

const char *bx_na_reason_text(enum bx_na_reason r, enum bx_lang lang)
{
    return (unsigned)r < BX_NA_COUNT ? reason_texts[r][lang == BX_LANG_EN]
                                     : "";
}

void bx_coverage_release(struct bx_coverage *cov)
{
    if (cov == NULL)
        return;
    free(cov->rules);
    memset(cov, 0, sizeof(*cov));
}

void rules_not_assessable(struct bx_eval *ev, enum bx_na_reason reason)
{
    if (ev->cur_na == BX_NA_NONE)
        ev->cur_na = reason;
}

void rules_cov_node_done(struct bx_eval *ev, const struct bx_rcheck *chk)
{
    struct bx_rule_state *st = &ev->states[chk->rule->index];

    if (ev->cur_na == BX_NA_NONE)
        st->assessed = 1;
    else if (st->na == BX_NA_NONE)
        st->na = ev->cur_na;
    ev->cur_na = BX_NA_NONE;
}

/* 1 when the document has table 'key' ("T6") of the rule set. */
static int has_table(struct bx_eval *ev, const char *key, size_t len)
{
    char name[16];
    xmlXPathObjectPtr o;

    if (len == 0 || len >= sizeof(name))
        return 1;
    memcpy(name, key, len);
    name[len] = '\0';
    if (name[0] != 'T')
        return 1; /* N (narrative), M (metadata) */
    /* the bound value itself: xmlXPathVariableLookup() copies it, and a
     * copy that fails reads as "unbound" */
    o = ev->xp->varHash != NULL
            ? xmlHashLookup2(ev->xp->varHash, BAD_CAST name, NULL)
            : NULL;
    return o == NULL || (o->type == XPATH_NODESET && o->nodesetval != NULL &&
                         o->nodesetval->nodeNr > 0);
}

/* Why a rule with no check judged anything: a table it needs is missing,
 * or there was nothing to check. */
static enum bx_na_reason idle_reason(struct bx_eval *ev,
                                     const struct bx_rule *rule)
{
    const char *p = rule->tables;

    while (p != NULL && *p != '\0') {
        size_t n;

        while (*p == ' ')
            p++;
        n = strcspn(p, " ");
        if (!has_table(ev, p, n))
            return BX_NA_NO_TABLE;
        p += n;
    }
    return BX_NA_NOTHING;
}

/* 1 when the document has no readable table at all (a narrative-only
 * disclosure: no table element, or only tables published as pictures). */
static int narrative_only(struct bx_eval *ev)
{
    /* "/bx:disclosure/bx:tables/ *[not(@picture = 'true')]" (without the
     * space) is empty, read from the tree: an XPath evaluation short of
     * memory would read as "none" */
    xmlNodePtr root = xmlDocGetRootElement(ev->sub->doc);
    xmlNodePtr tables;
    xmlNodePtr t;
    const char *pic;

    if (!rules_is_bx(root, "disclosure"))
        return 1;
    for (tables = root->children; tables != NULL; tables = tables->next) {
        if (!rules_is_bx(tables, "tables"))
            continue;
        for (t = tables->children; t != NULL; t = t->next) {
            if (t->type != XML_ELEMENT_NODE)
                continue;
            pic = rules_prop(t, "picture");
            if (pic == NULL || strcmp(pic, "true") != 0)
                return 0;
        }
    }
    return 1;
}

int rules_cov_begin(struct bx_eval *ev)
{
    ev->states = calloc(ev->rs->nrules ? ev->rs->nrules : 1,
                        sizeof(*ev->states));
    return ev->states != NULL ? BX_OK : BX_E_NOMEM;
}

int rules_cov_finish(struct bx_eval *ev, struct bx_coverage *cov)
{
    size_t i;

    if (cov == NULL)
        return BX_OK;
    cov->rules = calloc(ev->rs->nrules ? ev->rs->nrules : 1,
                        sizeof(*cov->rules));
    if (cov->rules == NULL)
        return BX_E_NOMEM;
    cov->evaluated = 1;
    cov->narrative_only = narrative_only(ev);
    for (i = 0; i < ev->rs->nrules; i++) {
        const struct bx_rule_state *st = &ev->states[i];
        struct bx_rule_outcome *o = &cov->rules[cov->nrules++];

        o->rule = ev->rs->rules[i].id;
        if (st->failed) {
            o->outcome = BX_OUTCOME_FAILED;
            cov->failed++;
            cov->checked++;
        } else if (st->assessed) {
            o->outcome = BX_OUTCOME_PASSED;
            cov->checked++;
        } else {
            o->outcome = BX_OUTCOME_NOT_ASSESSABLE;
            /* what stopped its checks, else why none ran */
            o->reason = st->na != BX_NA_NONE
                            ? st->na
                            : idle_reason(ev, &ev->rs->rules[i]);
            cov->not_assessable++;
            cov->by_reason[o->reason]++;
        }
    }
    return BX_OK;
}
