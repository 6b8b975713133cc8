/*
 * The template registry: schemas/templates/<id>.xml (validated against
 * schemas/templates/template.xsd), loaded once per context.  A template
 * says which tables a disclosure template prints, in which order, with
 * which ordinals, titles, columns, row keys, units and identifiers.
 * Everything that names a table asks here.  It judges nothing itself.
 */
#ifndef BX_TEMPLATES_H
#define BX_TEMPLATES_H

#include <libxml/tree.h>

#include "internal.h"

/* How the body rows of a table are keyed (template.xsd "rows"). */
enum tpl_rows {
    TPL_ROWS_FIXED,
    TPL_ROWS_UNIT,
    TPL_ROWS_FUNCTION,
    TPL_ROWS_ECONOMIC,
    TPL_ROWS_PROJECT,
    TPL_ROWS_ITEM
};

/* Code levels printed (bit set, template.xsd "levels"). */
enum {
    TPL_LEVEL_CLASS = 1,  /* 类 */
    TPL_LEVEL_ITEM = 2,   /* 款 */
    TPL_LEVEL_SUBITEM = 4 /* 项 */
};

/* Function-class ordinals of 表一/表四 (BR-105 applies to HENAN only). */
enum tpl_ordinals {
    TPL_ORDINALS_HENAN,
    TPL_ORDINALS_SEQUENTIAL,
    TPL_ORDINALS_NONE
};

/* Strings point into the template's document unless noted. */

struct tpl_column {
    const char *name;     /* the attribute in the disclosure: "basic" */
    const char *label[2]; /* by enum bx_lang: "基本支出", "basic ..." */
    int amount;           /* holds an amount (else a code or name) */
    int required;         /* a row that lacks it is incomplete */
};

struct tpl_table {
    const char *key;      /* "T6": what rules bind to ($T6) */
    const char *kind;     /* "基本支出表": the semantic table */
    const char *element;  /* "gpbBasic": the element in the disclosure */
    const char *ordinal;  /* "六" as printed (表六) */
    int number;           /* the ordinal as a number (6), 0 if not one */
    const char *title[2]; /* "一般公共预算基本支出表" */
    const char *note[2];  /* printed note ("本表无数据" …) or NULL */
    char *label[2]; /* "表六 一般公共预算基本支出表", "Table 6 …"; owned */
    const char *unit; /* 万元 or 元: this table's own unit, else the template's */
    int decimals;     /* this table's own decimals, else the template's */
    int blank_na;     /* a blank cell means "not applicable", not 0 */
    enum tpl_rows rows;
    unsigned levels; /* TPL_LEVEL_* */
    int subtotals;   /* higher levels printed as subtotal rows */
    int required;    /* the template must publish it */
    int picture;     /* published as a picture: nothing to read */
    struct tpl_column *columns; /* printed columns, in order; owned */
    size_t ncolumns;
};

struct tpl_template {
    xmlDocPtr doc;       /* owns the strings; owned */
    const char *id;      /* "henan-county-14" */
    const char *file;    /* "henan-county-14.xml" (owned copy) */
    const char **aliases; /* owned array; strings in doc */
    size_t naliases;
    int from_year;
    int to_year; /* 0: open-ended */
    const char *region[2];
    const char *description[2]; /* may be NULL */
    const char *unit;           /* default amount unit */
    int decimals;
    enum tpl_ordinals class_ordinals;
    int tables_picture;    /* every table published as a picture */
    int mofdiv_printed;    /* 财政区划代码 printed */
    int dept_code_printed; /* 部门代码 printed */
    int unit_code_printed; /* 单位代码 printed */
    int units_counted;     /* units given only as counts in the text */
    struct tpl_table *tables; /* in printed order; owned */
    size_t ntables;
    char sha[65]; /* SHA-256 of the file (the original, even when its
                     lean copy was parsed), hex */
};

struct tpl_registry {
    struct tpl_template *templates; /* sorted by id; owned */
    size_t ntemplates;
};

/*
 * Load every schemas/templates/<id>.xml of the data directory (once per
 * context; later calls return the cached registry).  Each file is
 * validated against template.xsd; a broken file is a FATAL
 * "TEMPLATE-INVALID" / "TEMPLATE-DATA" finding in 'diags' (may be NULL).
 * Returns BX_OK, BX_E_DATA, BX_E_NOMEM; '*out' valid while 'ctx' lives.
 * For whoever needs every template (budgetx templates); a run that only
 * looks templates up calls templates_open().
 */
int templates_load(struct bx_context *ctx, struct bx_diags *diags,
                   const struct tpl_registry **out);

/*
 * The registry ready for lookups, and the reference template parsed:
 * while the build's index schemas/lean/TEMPLATES (templates_index())
 * matches the template directory (the same files, each the bytes the
 * build loaded and validated, template.xsd unchanged), the templates are
 * chosen from the index and each parsed on first use ("lazy"); otherwise
 * templates_load(), with its findings.  Returns BX_OK, BX_E_DATA,
 * BX_E_NOMEM.
 */
int templates_open(struct bx_context *ctx, struct bx_diags *diags);

/*
 * For bx_context_prefetch(): templates_open() without diagnostics, and a
 * registry that fails to load is not remembered as broken (the next
 * templates_open() tries again and says why).  Returns its status.
 */
int templates_prefetch(struct bx_context *ctx);

/*
 * For the templates thread of bx_context_prefetch(): the registry opened
 * as templates_open() would (lazy: the index checked and the reference
 * template parsed; else every template loaded), taking no lock of the
 * context (so that whoever waits for it may hold one), or NULL when it
 * did not load cleanly or a file would have to be validated (a file not
 * validated at build time, or template.xsd edited: templates_open() then
 * loads and reports as before).  Says nothing.  templates_open() and
 * templates_load() adopt it (context_prefetch_take_templates()); else
 * free with templates_preload_free().
 */
void *templates_preload(struct bx_context *ctx);
void templates_preload_free(void *preloaded);

/*
 * The template for metadata/profile 'profile' (an id or an alias) and
 * fiscal year 'year': the one whose year range holds 'year', else the
 * nearest one with that name (parsed now if the registry is lazy).  NULL
 * when the name is unknown or the registry or the template cannot be
 * loaded; memory running out is counted (xmlio_nomem_note()) for the
 * stage around to say.  Valid while 'ctx' lives.
 */
const struct tpl_template *templates_lookup(struct bx_context *ctx,
                                            const char *profile, int year);

/* The table of 't' with key ("T6") or element ("gpbBasic"), or NULL. */
const struct tpl_table *templates_table(const struct tpl_template *t,
                                        const char *key_or_element);

/* The printed column 'name' of 'tb', or NULL when the template lacks it. */
const struct tpl_column *templates_column(const struct tpl_table *tb,
                                          const char *name);

/* 1 when table 'tb' of 't' says subtotals="optional": the document
 * decides, by nesting its rows or not. */
int templates_subtotals_optional(const struct tpl_template *t,
                                 const struct tpl_table *tb);

/* A fixed row a template always prints (template.xsd "row"). */
struct tpl_fixed_row {
    const char *path;     /* "income/fiscal": below the table element */
    const char *label[2]; /* "一、财政拨款收入", "1. fiscal …" */
};

/*
 * The fixed rows the template lists for table 'tb', at most 'max', into
 * 'out' (strings in the template's document).  Returns how many.
 */
size_t templates_fixed_rows(const struct tpl_template *t,
                            const struct tpl_table *tb,
                            struct tpl_fixed_row *out, size_t max);

/*
 * The template of a parsed disclosure (metadata/profile and fiscalYear),
 * or NULL.  The reference template (henan-county-14) is NOT substituted
 * for an unknown profile: callers decide.
 */
const struct tpl_template *templates_of_doc(struct bx_context *ctx,
                                            xmlDocPtr doc);

/*
 * templates_of_doc() with its status, so that "no template" never stands
 * for "short of memory": BX_OK ('*out' NULL when the document names no
 * known template), BX_E_DATA (the registry cannot be loaded), BX_E_NOMEM
 * (the registry or the template could not be loaded for want of memory).
 * Says nothing.
 */
int templates_doc(struct bx_context *ctx, xmlDocPtr doc,
                  const struct tpl_template **out);

/*
 * The reference template: the one whose tables define the canonical keys
 * T1…T14 (henan-county-14).  NULL when the registry cannot be loaded.
 */
const struct tpl_template *templates_reference(struct bx_context *ctx);

/*
 * Label of the table element 'table' (a child of bx:tables) in 'lang':
 * the document's own ordinal and title (@no, @title) where printed, else
 * the template's, else the reference template's.  "表八 部门基本支出预算表"
 * / "Table 8 (八) …".  Caller frees; NULL when 'table' is no known table
 * or on ENOMEM.
 */
char *templates_label(const struct tpl_template *t,
                      const struct tpl_template *ref, xmlNodePtr table,
                      enum bx_lang lang);

/*
 * Check a schema-valid disclosure against its template: the profile must
 * name a template ("TEMPLATE-UNKNOWN", error) and the identifiers the
 * template prints must be there ("TEMPLATE-IDENTIFIER", error).  Appends
 * findings to 'diags'.  Returns BX_OK (whatever was found), BX_E_NOMEM,
 * or BX_E_DATA when the registry cannot be loaded (a FATAL finding).
 */
int templates_check(struct bx_context *ctx, struct bx_submission *sub,
                    struct bx_diags *diags);

/*
 * The text of schemas/lean/TEMPLATES for the data directory of 'ctx'
 * (scripts/tpl-index.c writes it at build time): every template loaded
 * through templates_load() (validated, check_registry()), then one line
 * for template.xsd and one per file, in the registry's order:
 *
 *   budgetx-templates 1
 *   xsd HASH64 SHA256 template.xsd
 *   file HASH64 SHA256 NAME ID FROM-YEAR TO-YEAR [ALIAS...]
 *
 * (HASH64 16 hex digits, hash64.h; SHA256 64; TO-YEAR 0: open-ended).
 * '*out' (caller frees, '*len' bytes) only when the registry loaded
 * cleanly; else its findings in 'diags'.  Returns BX_OK, BX_E_DATA,
 * BX_E_NOMEM.
 */
int templates_index(struct bx_context *ctx, struct bx_diags *diags, char **out,
                    size_t *len);

/* For the tests: how many template files 'ctx' has parsed so far. */
unsigned long templates_parsed(struct bx_context *ctx);

/* "十四" → 14, "三" → 3; 0 when 's' is not a Chinese numeral 1..99. */
int templates_number(const char *s);

#endif /* BX_TEMPLATES_H */
