/*
 * The schema's own words for its formats: each xs:simpleType with an
 * xs:pattern may carry xs:documentation source="urn:budgetx:format"
 * texts ("a function code is 3, 5 or 7 digits"), so that findings say
 * the rule in words instead of showing the regular expression.
 */
#ifndef BX_SCHEMA_WORDS_H
#define BX_SCHEMA_WORDS_H

#include <libxml/tree.h>

#include "budgetx.h"

struct schema_words;

/*
 * Remember the pattern and format texts of simple type 'decl' (other
 * nodes are ignored).  '*sw' is created on first use.  Out of memory
 * only loses the words (findings then show the pattern): no status.
 */
void schema_words_add(struct schema_words **sw, xmlNodePtr decl);

/* The format text for 'pattern' in 'lang', or NULL. */
const char *schema_words_for_pattern(const struct schema_words *sw,
                                     const char *pattern, enum bx_lang lang);

/* NULL-safe. */
void schema_words_free(struct schema_words *sw);

#endif /* BX_SCHEMA_WORDS_H */
