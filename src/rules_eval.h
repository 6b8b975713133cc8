/*
 * Business rules, evaluator internals shared by rules_eval.c (core and
 * the numeric checks), rules_kinds.c (code lists, pairing, match, cost
 * caps) and rules_fig.c (narrative figures, shares, growth rates).
 */
#ifndef BX_RULES_EVAL_H
#define BX_RULES_EVAL_H

#include "rules.h"
#include "rules_num.h"
#include "templates.h"

#define NUMSZ 40

/*
 * 1 (the default): consecutive numeric checks of one context node-set, of
 * any rule, and the {col} copies of a union of paths are evaluated in one
 * walk over its rows (rules_col_walk must be on too); 0: only the {col}
 * copies of one check.  The report is the same; for tests.
 */
extern int rules_row_walk;
/* ... in documents of at least this many elements (4096: a tree larger
 * than the cache; tests lower it). */
extern long rules_row_walk_min;
/* 1 (the default): rules_eval reads attributes through the document's
 * index (rules_attrs_begin); for tests. */
extern int rules_attr_index_on;

/*
 * rules_attr_named() in this thread reads the attributes of 'doc' through
 * its index (xmlio_attr_index(), when it has one), from after
 * xmlXPathOrderDocElems(doc) until rules_attrs_end().  The tree must not
 * change meanwhile, and the names asked for must stay at their addresses
 * (the rule set's strings, string literals).
 */
void rules_attrs_begin(xmlDocPtr doc);
void rules_attrs_end(void);

/* How far one rule got on this file (see enum bx_outcome). */
struct bx_rule_state {
    int assessed;         /* some check judged some node */
    int failed;           /* a finding at warning or above */
    enum bx_na_reason na; /* first reason a check could not judge */
};

/* The unit a table prints its amounts in. */
struct bx_unit {
    int yuan;     /* 元 (else 万元) */
    int places;   /* decimals shown */
    int blank_na; /* a blank cell means "not applicable" (else 0) */
    int64_t half; /* half a display unit, in the document's 10^-4 units */
};

/* A printed figure parsed once (rules_eval.c dec_memo). */
struct bx_dec_memo {
    const char *s; /* the text in the tree it was parsed from, or NULL */
    struct bx_dec d;
    int rc;
};

#define BX_DEC_MEMO 1024 /* entries, a power of 2 */

/* 1 (the default): node_unit() remembers the unit of each table element
 * and figures are parsed once per text of the tree (struct
 * bx_unit_memo); 0: every unit and figure is worked out again (for the
 * tests that compare the two).  Read by each evaluation. */
extern int rules_memo;

#define BX_UNIT_TABLES 64 /* table elements whose unit is remembered */

/* The units of the last table elements node_unit() was asked about. */
struct bx_unit_memo {
    xmlNodePtr tables[BX_UNIT_TABLES]; /* by address, direct-mapped */
    struct bx_unit units[BX_UNIT_TABLES];
    xmlNodePtr el;       /* the last element asked about, */
    xmlNodePtr el_table; /* its table element (NULL: outside the tables) */
    int el_fig;          /* it is a narrative figure */
    /* figures parsed, by the address of their text in the tree (read-only
       while the rules run: an address stands for one text throughout) */
    struct bx_dec_memo dec[BX_DEC_MEMO];
};

struct bx_xcache;

struct bx_eval {
    struct bx_context *ctx;
    const struct bx_ruleset *rs;
    struct bx_submission *sub;
    struct bx_diags *diags;
    const struct tpl_template *tpl; /* the document's template, or NULL */
    const struct tpl_template *ref; /* the reference template */
    xmlXPathContextPtr xp;
    int places;                   /* display places of the document's amounts */
    int yuan;                     /* amounts are in 元 (else 万元) */
    int64_t half_u;               /* half a display unit, 10^-4 units */
    int rc;                       /* first hard failure (BX_E_NOMEM) */
    struct bx_rule_state *states; /* one per rule */
    enum bx_na_reason cur_na;     /* why the current check could not judge */
    int class_ordinals;           /* the template numbers classes 一 = 201 */
    void **keys;          /* xmlHashTablePtr per rs->keys (rules_key.c) */
    unsigned char *key_dups; /* per rs->keys: some node filed twice */
    void **key_sums; /* per expression id: value -> struct bx_val * of a
                        BX_FP_KEY figure (rules_eval.c) */
    /* pairing (rules_kinds.c): the scopes of the last row's parent, for a
       unit-type expression that reads the row only as $self/ancestor:: */
    const struct bx_rcheck *scope_chk;
    int scope_by_parent;
    xmlNodePtr scope_parent;
    char *scope_memo; /* owned; NULL: none */
    void **insets;        /* per rs->checks: the strings of a static 'in' */
    struct bx_sums *sums; /* sums of large node-sets (rules_val) */
    struct bx_xcache *xc; /* per expression id (rules_expr.c), or NULL */
    xmlXPathObjectPtr self; /* the registered value of $self, or NULL */
    struct bx_unit_memo *unit_memo; /* NULL: not remembered */
    struct bx_unlisted *unl; /* codes a list lacks, per rule (rules_kinds.c) */
    size_t nunl, capunl;
    void *unl_index; /* xmlHashTablePtr: code, rule, list -> unl index + 1 */
    struct bx_deferred *defer; /* findings held back (one walk over the
                                  {col} copies of a check), or NULL */
    long nelems; /* elements in the document (xmlXPathOrderDocElems) */
    /* xmlio_nomem_count() when the evaluation began (rules_failed()) */
    unsigned long nomem;
};

/*
 * The findings of one {col} copy of a check while all copies are
 * evaluated in one walk over their rows: kept, then emitted copy by copy
 * in the order of the rule file (rules_eval.c).
 */
struct bx_deferred {
    struct bx_finding *f; /* value strings owned */
    size_t n, cap;
};

/* What an expression selected, added up. */
struct bx_val {
    int64_t sum;
    int n;            /* printed figures (non-blank) */
    int nodes;        /* nodes selected, blanks included; 1 for a number */
    int places;       /* most places seen */
    int bad;          /* a non-number, or overflow */
    int nz;           /* printed figures that are not zero */
    int blank_na;     /* a blank cell that means "not applicable" */
    int units;        /* 1: some figure in 万元, 2: some in 元 */
    int64_t half_nz;  /* sum of the half display units of the nz figures */
    int64_t half_max; /* largest half display unit of any figure */
    xmlNodePtr first;
    xmlNodePtr bad_node; /* the first node that made it bad, or NULL */
};

/*
 * Sums of large node-sets remembered for one document (val_add_set in
 * rules_eval.c): the sum of a set is looked up by its nodes.  The table
 * grows with the number of sets it holds (rules_sums_buckets(): at
 * least one bucket per set).  rules_sums_new() returns NULL out of
 * memory; rules_sums_keep() just forgets a set when short of memory or
 * past its bound on nodes; rules_sums_find() returns NULL for a set not
 * kept.  rules_sums_free() accepts NULL.
 */
struct bx_sums *rules_sums_new(void);
void rules_sums_keep(struct bx_sums *sums, const xmlNodeSetPtr set,
                     const struct bx_val *v);
const struct bx_val *rules_sums_find(const struct bx_sums *sums,
                                     const xmlNodeSetPtr set);
size_t rules_sums_buckets(const struct bx_sums *sums);
void rules_sums_free(struct bx_sums *sums);

/*
 * What an expression that does not depend on the node selects, kept for
 * the document: a static guard's truth, a static figure's value, the
 * node-set of a check context (shared by the {col} copies of a check).
 */
struct bx_xcache {
    signed char truth; /* -1 not yet */
    signed char has_val;
    struct bx_val val;
    xmlXPathObjectPtr set; /* a context, owned; NULL not yet */
};

/* One finding before it is worded. */
struct bx_finding {
    const struct bx_rcheck *chk;
    enum bx_severity sev;
    int tail;           /* word it as a rounding tail */
    int not_listed;     /* word it as a code missing from a partial list */
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
    const char *more; /* other places of the same code: "中文 / English" */
    int exact_places; /* computed, diff, tol keep cplaces (counts: 0) */
    int unevaluated;  /* RULES-UNEVALUATED instead of the rule's message */
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
/*
 * The nodes key 'name' files under 'value' (document order, each once),
 * or NULL for none; '*ok' 0 when the index cannot answer as bx:key()
 * would (no such key, or a node filed twice under one value).
 */
const xmlNodeSet *rules_key_nodes(struct bx_eval *ev, const char *name,
                                  const xmlChar *value, int *ok);
/* Non-empty value of attribute 'name' (no namespace), or NULL. */
const char *rules_prop(xmlNodePtr el, const char *name);
/* 'n' is element bx:'name' (any bx element when 'name' is NULL). */
int rules_is_bx(xmlNodePtr n, const char *name);
/* The element an attribute belongs to (or the node itself). */
xmlNodePtr rules_element_of(xmlNodePtr n);

/*
 * Whether the evaluation has failed: ev->rc, which it also sets to
 * BX_E_NOMEM when libxml2 has run short of memory since the evaluation
 * began (xmlio_nomem_count(): libxml2 may have dropped a node of an XPath
 * result, or a variable's value, without saying so).  Nothing judged
 * after a failure is reported.
 */
int rules_failed(struct bx_eval *ev);

/* The check being run cannot judge its node, for 'reason'. */
void rules_not_assessable(struct bx_eval *ev, enum bx_na_reason reason);

/* Coverage (rules_cov.c): states for every rule, one node judged, the
 * outcomes into 'cov' (may be NULL). */
int rules_cov_begin(struct bx_eval *ev);
void rules_cov_node_done(struct bx_eval *ev, const struct bx_rcheck *chk);
int rules_cov_finish(struct bx_eval *ev, struct bx_coverage *cov);

void rules_finding_init(struct bx_finding *f, const struct bx_rcheck *chk,
                        xmlNodePtr node);
/* Word 'f' and append it; a failure is kept in ev->rc. */
void rules_emit(struct bx_eval *ev, const struct bx_finding *f);
/*
 * A check that could not be evaluated because 'a' or 'b' (either may be
 * NULL) holds a value the fixed-point arithmetic does not handle, or a
 * sum or difference overflows: one RULES-UNEVALUATED finding (ERROR)
 * naming the rule, at the offending node (else 'at').  Never silent:
 * "accepted" must mean every rule was evaluated.
 */
void rules_unevaluated(struct bx_eval *ev, const struct bx_rcheck *chk,
                       const struct bx_val *a, const struct bx_val *b,
                       xmlNodePtr at);

/*
 * Judge f->diff against f->tol: beyond, the rule's severity; within, an
 * INFO rounding tail; zero, nothing.  'one_sided': only diff > 0 counts.
 */
void rules_judge(struct bx_eval *ev, struct bx_finding *f, int one_sided);

/* Amount 'v' in 元 (from_yuan) or 万元 converted to 元 or 万元 (元 to
 * 万元 keeps four places, rounding half away from zero). */
int rules_unit_convert(int64_t v, int from_yuan, int to_yuan, int64_t *out);
/* Amount 'v' in the document's unit converted to 元 or 万元. */
int rules_convert(const struct bx_eval *ev, int64_t v, int to_yuan,
                  int64_t *out);

/* f->pplaces at least the decimals the table of a->first prints. */
void rules_table_places(const struct bx_eval *ev, const struct bx_val *a,
                        struct bx_finding *f);

void rules_check_codelist(struct bx_eval *ev, const struct bx_rcheck *chk,
                          xmlNodePtr node);
/*
 * A code a list lacks is reported once per rule and document, at its
 * first place, with the count (and for an error, the lines) of the
 * others: emit what the checks of 'rule' gathered (after its last check)
 * and forget it.  rules_unlisted_release() frees what is left.
 */
void rules_unlisted_flush(struct bx_eval *ev);
void rules_unlisted_release(struct bx_eval *ev);
void rules_check_pairing(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node);
void rules_check_match(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodePtr node);
void rules_check_costcap(struct bx_eval *ev, const struct bx_rcheck *chk,
                         xmlNodePtr node);
void rules_check_cells(struct bx_eval *ev, const struct bx_rcheck *chk,
                       xmlNodePtr node);
void rules_check_required_tables(struct bx_eval *ev,
                                 const struct bx_rcheck *chk, xmlNodePtr node);
/* rowKeys: a table's rows keyed as its template says (rules_rows.c) */
void rules_check_row_keys(struct bx_eval *ev, const struct bx_rcheck *chk,
                          xmlNodePtr node);
void rules_check_figure(struct bx_eval *ev, const struct bx_rcheck *chk,
                        xmlNodePtr node);

#endif /* BX_RULES_EVAL_H */
