/*
 * verify's per-submission results: one bx_check per submission listed
 * in a bundle's manifest, kept for the report (path, digest, verdict,
 * counts, rule set) after the documents are dropped.
 */
#ifndef BX_VERIFY_PARTS_H
#define BX_VERIFY_PARTS_H

#include "budgetx.h"

/* Room for 'n' submissions in 'v'.  BX_OK or BX_E_NOMEM. */
int verify_parts_begin(struct bx_verify *v, size_t n);

/*
 * The next submission's check, named 'entry' (the bundle's entry name;
 * copied), zeroed and ready for bx_check_memory(); NULL when the room
 * ('cap', as given to verify_parts_begin()) is used up or memory short.
 */
struct bx_check *verify_parts_next(struct bx_verify *v, size_t cap,
                                   const char *entry);

/*
 * After the checks: each part's result named by its entry (a missing
 * entry reads as unreadable), the bundle's result linked to them and
 * given the current rule set and 'intact'.
 */
void verify_parts_finish(struct bx_verify *v);

/* Free the parts (bx_verify_release() calls it). */
void verify_parts_release(struct bx_verify *v);

#endif /* BX_VERIFY_PARTS_H */
