/*
 * Diagnostics internals shared by the stages that produce many findings:
 * asking the caps first lets them skip wording a finding nobody will see.
 */
#ifndef BX_DIAG_H
#define BX_DIAG_H

#include "budgetx.h"

/*
 * 1 when a finding of 'rule' (or, with 'rule' NULL, 'code') would be
 * stored by bx_diags_add(), 0 when the caps would only count it.  A
 * producer that gets 0 still adds a bare record (severity, code, rule)
 * so that it is counted and said in the "and N more" line.
 */
int diags_admits(struct bx_diags *diags, const char *rule, const char *code);

/*
 * Take back the findings added to 'diags' since 'mark' was copied from
 * it (its items, counts and suppressed count; the caps' per-rule tallies
 * stay, which can only hold back later findings of the same rules).
 * For a stage whose findings cannot be trusted (out of memory).
 */
void diags_take_back(struct bx_diags *diags, const struct bx_diags *mark);

#endif /* BX_DIAG_H */
