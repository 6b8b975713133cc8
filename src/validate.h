/*
 * Schema layer: compiles the disclosure XSD once per context, validates
 * submissions and words libxml2's findings in the tables' own terms.
 */
#ifndef BX_VALIDATE_H
#define BX_VALIDATE_H

#include <stdatomic.h>

#include "internal.h"
#include "schema_words.h"

/*
 * 1 (the default): a document is validated without the identity
 * constraints of bx:disclosure, which are checked in C, and again with
 * them only when that finds anything (validate.c, idc_view()); 0: always
 * with them.  Set before any validation starts (tests compare the two).
 */
extern int validate_idc_fast;

/* How many documents the fast way found valid (tests). */
extern atomic_ulong validate_idc_fast_count;

/* Compile schemas/budgetx.xsd into 'ctx'.  BX_OK, BX_E_DATA, BX_E_NOMEM. */
int validate_compile(struct bx_context *ctx, struct bx_diags *diags);
void validate_release(struct bx_context *ctx);

/*
 * Bilingual label of the schema declaration of element (attr == 0) or
 * attribute (attr != 0) 'name' from its xs:documentation, or NULL.
 * Valid while 'ctx' lives.
 */
const char *validate_label(const struct bx_context *ctx, const char *name,
                           int attr, enum bx_lang lang);

/* The schema's words for formats and enumerated values (schema_words.h). */
const struct schema_words *validate_words(const struct bx_context *ctx);

/*
 * 1 when, since the last call on this thread, the label index (labels and
 * words above) was found short of memory and dropped: what was worded
 * meanwhile may lack its labels.  Clears it.  check.c asks once before a
 * document's check and once after.
 */
int validate_labels_short(void);

/*
 * Label of attribute 'attr' as declared in the type of element 'elem'
 * (so that 'code' on a function row reads 功能分类科目编码, not 部门代码),
 * falling back to the first declaration of 'attr'.  NULL when unknown.
 */
const char *validate_attr_label(const struct bx_context *ctx, const char *elem,
                                const char *attr, enum bx_lang lang);

/*
 * Table label ("表五 一般公共预算支出情况表") for any node inside a table,
 * or NULL when 'node' is not inside bx:tables.
 */
const char *validate_table_label(const struct bx_context *ctx, xmlNodePtr node,
                                 enum bx_lang lang);

#endif /* BX_VALIDATE_H */
