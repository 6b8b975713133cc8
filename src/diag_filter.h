/*
 * Post-passes over one file's findings, after the checks ran: drop the
 * findings that only follow from another (cause once, not its echoes),
 * and put the rest in reading order.  Nothing here decides validity.
 */
#ifndef BX_DIAG_FILTER_H
#define BX_DIAG_FILTER_H

#include "internal.h"

/*
 * Remove the XSD-KEYREF findings of 'sub' that follow from another
 * schema error: the code they refer to is defined in the document but
 * its defining element sits in an invalid part (the validator never
 * registered it), or the defining elements are missing altogether and
 * another schema error says so.  One info finding (XSD-KEYREF-SKIPPED)
 * counts what was removed.  Returns BX_OK or BX_E_NOMEM ('diags' is then
 * unchanged).
 */
int diag_filter_consequences(const struct bx_submission *sub,
                             struct bx_diags *diags);

/*
 * Order findings: most severe first, then by table (表一 before 表二;
 * findings without a table first), then by line; ties keep their order.
 * Returns BX_OK or BX_E_NOMEM (order unchanged).
 */
int diag_filter_sort(struct bx_diags *diags);

#endif /* BX_DIAG_FILTER_H */
