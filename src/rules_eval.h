/*
 * Business rules, evaluator internals shared by rules_eval.c (core and
 * the numeric checks), rules_kinds.c (code lists, pairing, match, cost
 * caps) and rules_fig.c (narrative figures, shares, growth rates).
 */
#ifndef BX_RULES_EVAL_H
#define BX_RULES_EVAL_H

#include "rules.h"

#define NUMSZ 40

struct bx_eval {
    struct bx_context *ctx;
    const struct bx_ruleset *rs;
    struct bx_submission *sub;
    struct bx_diags *diags;
    xmlXPathContextPtr xp;
    int places;           /* display places of the document's amounts */
    int yuan;             /* amounts are in 元 (else 万元) */
    int64_t half_u;       /* half a display unit, 10^-4 units */
    int rc;               /* first hard failure (BX_E_NOMEM) */
    void **keys;          /* xmlHashTablePtr per rs->keys (rules_key.c) */
    void **insets;        /* per rs->checks: the strings of a static 'in' */
    struct bx_sums *sums; /* sums of large node-sets (rules_val) */
};

/* What an expression selected, added up. */
struct bx_val {
    int64_t sum;
    int n;      /* printed figures (non-blank) */
    int nodes;  /* nodes selected, blanks included; 1 for a number */
    int places; /* most places seen */
    int bad;    /* a non-number, or overflow */
    xmlNodePtr first;
};

/* One finding before it is worded. */
struct bx_finding {
    const struct bx_rcheck *chk;
    enum bx_severity sev;
    int tail;           /* word it as a rounding tail */
    xmlNodePtr node;    /* attribute or element it is about */
    const char *row;    /* overrides the row taken from 'node' */
    const char *column; /* overrides the column taken from 'node' */
    int nums;           /* printed/computed/diff/tol are set */
    int64_t printed, computed, diff, tol;
    int pplaces; /* places printed showed (printed keeps them) */
    int cplaces; /* least places for computed, diff, tolerance */
    const char *value;
    const char *expected;
    const char *key;
};

/* Evaluate 'comp' with 'node' as context; caller frees the result. */
xmlXPathObjectPtr rules_run(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                            xmlNodePtr node);
int rules_run_bool(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                   xmlNodePtr node);
/* String value; caller xmlFree()s; NULL when 'comp' is NULL or fails. */
xmlChar *rules_run_string(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                          xmlNodePtr node);
/* The first node selected, or NULL. */
xmlNodePtr rules_first_node(struct bx_eval *ev, xmlXPathCompExprPtr comp,
                            xmlNodePtr node);
/* Add up the printed figures 'comp' selects on 'node' into 'v'. */
void rules_val(struct bx_eval *ev, xmlXPathCompExprPtr comp, xmlNodePtr node,
               struct bx_val *v);
/*
 * Build the indexes of the rule set's keys over the document and register
 * bx:key() on ev->xp (which must have $T1... bound).  Returns BX_OK or
 * BX_E_NOMEM; free with rules_keys_release() (also after a failure).
 */
int rules_keys_build(struct bx_eval *ev);
void rules_keys_release(struct bx_eval *ev);
/* Non-empty value of attribute 'name' (no namespace), or NULL. */
const char *rules_prop(xmlNodePtr el, const char *name);
/* The element an attribute belongs to (or the node itself). */
xmlNodePtr rules_element_of(xmlNodePtr n);

void rules_finding_init(struct bx_finding *f, const struct bx_rcheck *chk,
                        xmlNodePtr node);
/* Word 'f' and append it; a failure is kept in ev->rc. */
void rules_emit(struct bx_eval *ev, const struct bx_finding *f);
/*
 * Judge f->diff against f->tol: beyond, the rule's severity; within, an
 * INFO rounding tail; zero, nothing.  'one_sided': only diff > 0 counts.
 */
void rules_judge(struct bx_eval *ev, struct bx_finding *f, int one_sided);

/* Amount 'v' in the document's unit converted to 元 or 万元. */
int rules_convert(const struct bx_eval *ev, int64_t v, int to_yuan,
                  int64_t *out);

void rules_check_codelist(struct bx_eval *ev, const struct bx_rcheck *chk,
                          xmlNodePtr node);
void rules_check_pairing(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node);
void rules_check_match(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodePtr node);
void rules_check_costcap(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node);
void rules_check_figure(struct bx_eval *ev, const struct bx_rcheck *chk,
                        xmlNodePtr node);

#endif /* BX_RULES_EVAL_H */
