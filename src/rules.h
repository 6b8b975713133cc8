/*
 * Business rules, internal view: a rule set compiled from
 * schemas/rules/YYYY.xml (see schemas/rules.xsd) and the evaluator that
 * runs its checks over one submission.  rules.c loads and caches rule
 * sets per fiscal year; rules_eval.c evaluates checks and words findings;
 * rules_num.c does the fixed-point arithmetic.
 *
 * Like xmlio.c and validate.c, these files use libxml2 (XPath) directly:
 * the checks are XPath expressions and wrapping them buys nothing.
 */
#ifndef BX_RULES_H
#define BX_RULES_H

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "internal.h"

enum bx_check_kind {
    BX_CHECK_SUM,
    BX_CHECK_EQUAL,
    BX_CHECK_LE,
    BX_CHECK_ASSERT,
    BX_CHECK_EXISTS,
    BX_CHECK_CODELIST,
    BX_CHECK_PAIRING,
    BX_CHECK_EMPTYNOTE,
    BX_CHECK_MATCH,
    BX_CHECK_COSTCAP,
    BX_CHECK_FIGURE,
    BX_CHECK_SHARE,
    BX_CHECK_GROWTH,
    BX_CHECK_CELLS,
    BX_CHECK_REQUIRED_TABLES,
    BX_CHECK_ROW_KEYS
};

/* Strings below point into the rule set's document unless noted. */

struct bx_rule {
    const char *id;
    size_t index; /* position in bx_ruleset.rules */
    enum bx_severity severity;
    const char *tables; /* the rule's tables attribute ("T6 T7", "N") */
    const char *title[2]; /* by enum bx_lang */
    const char *message[2];
};

/* Expression slots of a check; which ones are used depends on the kind. */
enum {
    BX_X_CONTEXT, /* context nodes */
    BX_X_WHEN,    /* optional guard */
    BX_X_A,       /* total / left / part / test / value / amount / code */
    BX_X_B,       /* parts / right / whole / in / caps / name / dep */
    BX_X_C,       /* label / gov / note / key / change */
    BX_X_D,       /* unitType / hasData */
    BX_X_E,       /* sum: optional parts */
    BX_X_F,       /* assessable: false makes the node not assessable */
    BX_X_COUNT
};

struct bx_pair_expr {
    xmlXPathCompExprPtr left;
    xmlXPathCompExprPtr right;
};

struct bx_scope {
    const char *unit_types; /* space-separated */
    const char *value;
};

struct bx_rcheck {
    enum bx_check_kind kind;
    const struct bx_rule *rule;
    xmlXPathCompExprPtr x[BX_X_COUNT];
    int exact;          /* tolerance="exact" */
    int absent_zero;    /* absent="zero": a part that selects nothing is 0 */
    int absent_template; /* absent="template": a part the template does not
                            print is not part of the identity */
    char **term_names;   /* "@gpb" terms: the column name, else NULL; owned */
    xmlXPathCompExprPtr *terms; /* sum parts / equal right, split at the
                                   top-level '|'; owned */
    size_t nterms;
    int convention_ordinals;    /* codelist: needs the class-ordinal
                                   convention of the template */
    int cap_partial;            /* costCap: judge caps covering part of a
                                   project (else caps below the amount) */
    enum bx_na_reason na_reason; /* when 'assessable' is false */
    int against_text;           /* figure: the text's first statement of
                                   the quantity, not the tables */
    const char *skip;           /* cells: column names not checked */
    char *column;       /* the {col} this copy was expanded for; owned */
    const char *list;   /* codelist / pairing */
    const char *suffix; /* codelist */
    int ordinal_class;  /* codelist ordinal="class" */
    enum bx_severity alias_severity;
    int expect_present;   /* emptyNote */
    int zero_prior;       /* growth */
    const char *expected; /* assert, emptyNote: text for {expected} */
    int uses_self;        /* some expression refers to $self */
    int in_static;        /* exists: 'in' is the same on every node */
    /* context "A | B | C" as its branches, evaluated apart and merged in
       document order (libxml2's union checks duplicates pairwise: n^2) */
    xmlXPathCompExprPtr *branches; /* owned; NULL: x[BX_X_CONTEXT] */
    size_t nbranches;
    struct bx_pair_expr *pairs; /* match; owned */
    size_t npairs;
    struct bx_scope *scopes; /* pairing; owned */
    size_t nscopes;
};

struct bx_column_label {
    const char *name;
    const char *label[2];
};

struct bx_table_def {
    const char *key;
    const char *element;
    char *label[2]; /* "表五 一般公共预算支出情况表"; owned */
    struct bx_column_label *columns; /* owned */
    size_t ncolumns;
};

struct bx_figure_def {
    const char *key; /* without the trailing "*" when wildcard */
    size_t keylen;
    int wildcard;
    xmlXPathCompExprPtr select;
    xmlXPathCompExprPtr *terms; /* select split at the top-level '|' (each
                                   must select something); owned */
    size_t nterms;
};

struct bx_code {
    const char *code; /* point into the code list's document */
    const char *name;
    const char *scope;
    const char **aliases; /* owned array */
    size_t naliases;
};

struct bx_codelist {
    const char *key;
    int complete; /* the list claims every code of the year (codes.xsd) */
    xmlDocPtr doc;         /* owned */
    struct bx_code *codes; /* owned, sorted by code */
    size_t ncodes;
    xmlChar **strings; /* owned copies of computed strings */
    size_t nstrings;
};

struct bx_ns {
    const char *prefix;
    const char *uri;
};

/*
 * <key name="..." match="..." use="..."/>: an index of each document,
 * built once per evaluation (src/rules_key.c), read by the XPath function
 * bx:key('name', value) in linear time instead of a scan per row.
 */
struct bx_rkey {
    const char *name;          /* points into the rule document */
    xmlXPathCompExprPtr match; /* the nodes indexed (owned) */
    xmlXPathCompExprPtr use;   /* their key value(s), on each node (owned) */
};

/*
 * Every expression the rule set compiled, with its source (rules_expr.c):
 * identical sources share an id (what they select is shared per
 * document), and "(p:name/)*@name" is read from the tree directly.
 */
#define BX_FAST_STEPS 8
#define BX_FAST_ATTRS 16

enum bx_fast {
    BX_FP_NONE,
    BX_FP_PATH,    /* [../]p:a/p:b/@x: steps name[0..nsteps), attrs[0] */
    BX_FP_ATTRS,     /* @x | @y | ...: attrs[0..nattrs) */
    BX_FP_CHILDREN, /* ([../]p:a | [../]p:b)/@x: name[0..nsteps), up */
    BX_FP_LPATH,    /* a location path of rules_path.c: lpath */
    BX_FP_ANY,      /* P or P ... [or rest]: any[0..nany), then any_tail */
    BX_FP_KEY,      /* bx:key('k', $self/@a)[/@x]: key, key_of, attrs[0] */
    BX_FP_VALUE     /* a string, number or truth of rules_vx.c: vx */
};

#define BX_FAST_ANY 8

/* A location path read from the tree (rules_path.c). */
struct bx_lpath;
/* A value expression read from the tree (rules_vx.c). */
struct vx;

struct bx_expr_info {
    xmlXPathCompExprPtr comp; /* owned by the check, figure or key */
    char *src;                /* owned */
    size_t id;                /* index of the first one with this source */
    int node_free;            /* no variable bound per node ($self, $arg) */
    int is_static;            /* the same on every node (rules_expr_static) */
    enum bx_fast fast;
    int nsteps;
    int up;
    const char *uri[BX_FAST_STEPS];
    char *name[BX_FAST_STEPS];  /* owned */
    char *attrs[BX_FAST_ATTRS]; /* owned */
    int nattrs;
    struct bx_lpath *lpath;           /* BX_FP_LPATH; owned */
    struct vx *vx;                    /* BX_FP_VALUE; owned */
    struct bx_lpath *any[BX_FAST_ANY]; /* BX_FP_ANY; owned */
    int nany;
    xmlXPathCompExprPtr any_tail; /* BX_FP_ANY: the rest, or NULL; owned */
    int any_nonzero; /* BX_FP_ANY: the rest is "some attribute of a child
                        or grandchild is a non-zero number()" (see
                        rules_expr.c), read from the tree */
    char *key;                    /* BX_FP_KEY: the key's name; owned */
    char *key_of;                 /* BX_FP_KEY: the attribute of $self */
    int ancestors_only; /* reads the context only as "$self/ancestor::":
                           the same on every child of one element */
};

struct bx_ruleset {
    xmlDocPtr doc; /* the rule file; owns the strings above */
    const char *id;
    const char *version;
    int year;
    const char *tail[2]; /* rounding-tail message */
    const char *not_listed[2]; /* a code missing from a partial list */
    struct bx_ns *ns;
    size_t nns;
    struct bx_rule *rules;
    size_t nrules;
    struct bx_rcheck *checks;
    size_t nchecks;
    size_t capchecks;
    struct bx_table_def *tables;
    size_t ntables;
    struct bx_figure_def *figures;
    size_t nfigures;
    struct bx_codelist *lists;
    size_t nlists;
    struct bx_rkey *keys;
    size_t nkeys;
    struct bx_expr_info *exprs; /* rules_expr.c */
    size_t nexprs;
    size_t capexprs;
    size_t *expr_slots; /* open addressing on comp; SIZE_MAX empty */
    size_t nslots;
    /* rules.c: every compiled expression of the set, owned here (checks,
     * figures and keys point into it); identical sources are compiled
     * once (rules_intern_exprs) */
    xmlXPathCompExprPtr *comps;
    size_t ncomps;
    size_t capcomps;
    struct src_table *comp_by_src; /* source -> comp, while loading (rules.c) */
};

/* Free a rule set and everything it owns.  NULL-safe. */
void rules_set_free(struct bx_ruleset *rs);

/*
 * For bx_context_prefetch(): load the rule set of the newest year into
 * the cache of 'ctx', without holding its lock while compiling.  Keeps
 * it only when it (and the template registry) loaded cleanly, and says
 * nothing: a set that fails here is loaded again, and reported, by the
 * check that needs it.  The registry is asked for last, after the rule
 * file is parsed and compiled (the templates stage of the prefetch has
 * loaded it before, or loads it meanwhile on its own thread).
 */
void rules_prefetch(struct bx_context *ctx);

/* The rule set of fiscal year 'year' that 'ctx' has loaded, or NULL
 * (tests look inside it; it stays the context's). */
const struct bx_ruleset *rules_cached(struct bx_context *ctx, int year);

/* SHA-256 (hex) of the file 'path' into 'hex' (65 bytes): how a data file
 * is matched against the digests the build recorded when it validated
 * it (scripts/rules-digests.sh). */
int rules_file_digest(const char *path, char *hex);
/* Whether "xsd_hex file_hex" is one of 'list' (NULL-terminated): the
 * build validated the bytes whose SHA-256 is 'file_hex' (the bytes the
 * caller parsed: datafiles_read_parse()) against that schema.  0 when
 * either digest is not 64 hex digits ("": could not be computed). */
int rules_pair_listed(const char *const *list, const char *xsd_hex,
                      const char *file_hex);

/* rules_expr.c: whether 'expr' selects the same on every context node
 * (conservative: 0 when unsure). */
int rules_expr_static(const char *expr);
/* rules_expr.c: record 'comp' compiled from 'src' (while loading); index
 * them all (once, after loading); look one up (NULL: not recorded). */
void rules_expr_note(struct bx_ruleset *rs, xmlXPathCompExprPtr comp,
                     const char *src);
/* 0: rule sets loaded from now on read every expression through XPath
 * (no fast path, no key figure), for the tests that compare the two;
 * 1 (the default) otherwise.  Set it before any thread loads rules. */
extern int rules_fast_paths;
/* 0: rule sets loaded from now on compile every occurrence of an
 * expression apart (tests compare); 1 (default): identical sources share
 * one compiled expression. */
extern int rules_intern_exprs;
/* 0: code lists loaded from now on are read through their XPath
 * expressions (tests compare); 1 (default): the simple ones by walking
 * the list's tree (rules.c, list_walk_fill()). */
extern int rules_walk_lists;
/* 1 (the default): the {col} copies of a numeric check are evaluated in
 * one walk over their rows (the findings kept per copy and emitted in the
 * same order); 0: one walk per copy.  Read by each evaluation (tests). */
extern int rules_col_walk;
void rules_exprs_index(struct bx_ruleset *rs);
void rules_exprs_release(struct bx_ruleset *rs);
const struct bx_expr_info *rules_expr_info(const struct bx_ruleset *rs,
                                           xmlXPathCompExprPtr comp);
/* The nodes of the fast path of 'e' on 'node' into 'out' (its nodeTab and
 * nodeMax given by the caller), in document order.  0: no fast path, or
 * more nodes than 'out' holds (then evaluate through XPath). */
int rules_expr_fast(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                    xmlNodePtr node, xmlNodeSetPtr out);
/* The same into 'out' made by xmlXPathNodeSetCreate() (grown as needed):
 * 1 done, 0 no fast path (use XPath), -1 out of memory. */
int rules_expr_fast_grow(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                         xmlNodePtr node, xmlNodeSetPtr out);
/* BX_FP_ANY: 1 or 0 when the paths decide, 2 when the rest (any_tail)
 * decides, -1 not handled (use XPath on e->comp), -2 out of memory. */
int rules_expr_any(const struct bx_expr_info *e, xmlXPathContextPtr xp,
                   xmlNodePtr node);
/* The namespace the evaluator binds 'prefix' to, or NULL. */
const char *rules_expr_prefix_uri(const struct bx_ruleset *rs,
                                  const char *prefix, size_t len);
/* rules_path.c: 'src' as a location path of the subset it reads from the
 * tree, or NULL (not one, or short of memory); free with
 * rules_path_free().  rules_path_eval(): its nodes on 'node' into 'out'
 * (grown when 'grow', which then comes from xmlXPathNodeSetCreate, else
 * bounded by out->nodeMax), in document order; 1 done, 0 not handled
 * (use XPath), -1 out of memory. */
/* Attribute 'name' without a namespace ("@name" in XPath) of element
 * 'el', or NULL.  Not xmlHasProp(): that also answers with DTD defaults
 * XPath does not see. */
xmlAttrPtr rules_attr_named(xmlNodePtr el, const char *name);
/* rules_vx.c: 'src' as a value expression of the forms it reads from
 * the tree, or NULL; rules_vx_eval(): its value on element 'node' as
 * XPath gives it, or NULL (not handled: use XPath; '*nomem' when short
 * of memory). */
struct vx *rules_vx_parse(const struct bx_ruleset *rs, const char *src);
xmlXPathObjectPtr rules_vx_eval(const struct vx *x, xmlXPathContextPtr xp,
                                xmlNodePtr node, int *nomem);
void rules_vx_free(struct vx *x);
struct bx_lpath *rules_path_parse(const struct bx_ruleset *rs,
                                  const char *src);
void rules_path_free(struct bx_lpath *lp);
/* Whether any of the 'n' paths selects a node from 'node' (an 'or' of
 * them): 1, 0, -1 not handled (use XPath), -2 out of memory. */
int rules_path_exists(struct bx_lpath *const *lps, int n,
                      xmlXPathContextPtr xp, xmlNodePtr node);
int rules_path_eval(const struct bx_lpath *lp, xmlXPathContextPtr xp,
                    xmlNodePtr node, xmlNodeSetPtr out, int grow);

/* The code list 'key' of 'rs', or NULL. */
const struct bx_codelist *rules_list(const struct bx_ruleset *rs,
                                     const char *key);

/* The first entry of 'list' with 'code', or NULL (binary search). */
const struct bx_code *rules_code_find(const struct bx_codelist *list,
                                      const char *code, size_t *count);

/*
 * Evaluate every check of 'rs' over 'sub' and append findings to
 * 'diags'.  Returns BX_OK (whatever was found) or BX_E_NOMEM.
 */
/* 'cov' (may be NULL) receives every rule's outcome. */
int rules_eval(struct bx_context *ctx, const struct bx_ruleset *rs,
               struct bx_submission *sub, struct bx_diags *diags,
               struct bx_coverage *cov);

#endif /* BX_RULES_H */
