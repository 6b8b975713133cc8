/*
 * Per-submission results of verify, for the report: see verify_parts.h.
 * Bookkeeping only; the checks themselves are verify.c's.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "verify_parts.h"

int verify_parts_begin(struct bx_verify *v, size_t n)
{
    v->checks = calloc(n + 1, sizeof(*v->checks));
    v->parts = calloc(n + 1, sizeof(*v->parts));
    if (v->checks == NULL || v->parts == NULL) {
        verify_parts_release(v);
        return BX_E_NOMEM;
    }
    return BX_OK;
}

struct bx_check *verify_parts_next(struct bx_verify *v, size_t cap,
                                   const char *entry)
{
    struct bx_check *chk;
    char *name;

    if (v->checks == NULL || v->nparts >= cap) {
        return NULL;
    }
    name = util_strdup(entry != NULL ? entry : "");
    if (name == NULL) {
        return NULL;
    }
    chk = &v->checks[v->nparts];
    memset(chk, 0, sizeof(*chk));
    bx_diags_init(&chk->diags);
    chk->status = BX_E_IO; /* until a check says otherwise: not found */
    chk->result.path = name;
    chk->result.status = BX_E_IO;
    chk->result.schema_valid = -1;
    chk->result.diags = &chk->diags;
    v->parts[v->nparts].path = name;
    v->nparts++;
    return chk;
}

void verify_parts_finish(struct bx_verify *v)
{
    const char *name;
    size_t i;

    for (i = 0; i < v->nparts; i++) {
        name = v->parts[i].path; /* the entry name, owned here */
        bx_check_drop_document(&v->checks[i]);
        v->parts[i] = v->checks[i].result;
        v->parts[i].path = name;
        if (v->result.ruleset_id == NULL && v->parts[i].ruleset_id != NULL) {
            v->result.ruleset_id = v->parts[i].ruleset_id;
            v->result.ruleset_version = v->parts[i].ruleset_version;
        }
    }
    v->result.bundle = 1;
    v->result.intact = v->intact;
    v->result.parts = v->parts;
    v->result.nparts = v->nparts;
}

void verify_parts_release(struct bx_verify *v)
{
    size_t i;

    for (i = 0; i < v->nparts; i++) {
        free((char *)v->parts[i].path);
        bx_check_release(&v->checks[i]);
    }
    free(v->checks);
    free(v->parts);
    v->checks = NULL;
    v->parts = NULL;
    v->nparts = 0;
}
