/*
 * One schema validation, safe against libxml2 2.9.14's faults under
 * allocation failure in xmlschemas.c (SECURITY.md, out of memory).
 */
#include "schema_ctxt.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"
#include "xmlio.h"

/*
 * libxml2 2.9.14's xmlSchemaGetFreshAttrInfo() (xmlschemas.c) grows the
 * validation context's list of attribute infos before it allocates the
 * new info; when that allocation fails, the new slot is left
 * uninitialised and xmlSchemaFreeValidCtxt() frees it: a bad free (heap
 * corruption without ASan).  Fixed upstream in 2.14 (commit db8cce3d,
 * "schemas: Check reallocations for overflow").  The failure is reported
 * only to the thread's structured handler (__xmlSimpleError(), not the
 * context's): SCHEMASV, XML_ERR_NO_MEMORY, str1 "creating new attribute
 * info" (NULL when even that copy failed: then it may be this one).
 */
static void on_schema_nomem(void *user, xmlErrorPtr err)
{
    int *corrupt = user;

    if (err->domain == XML_FROM_SCHEMASV && err->code == XML_ERR_NO_MEMORY &&
        (err->str1 == NULL ||
         strcmp(err->str1, "creating new attribute info") == 0)) {
        *corrupt = 1;
    }
}

/*
 * A context that xmlSchemaFreeValidCtxt() cannot free (see above) is
 * kept here instead, never freed but reachable, so that a leak checker
 * still reports every other leak (a few kilobytes each, at most
 * PARKED_MAX; past that they leak).
 */
#define PARKED_MAX 16
static _Atomic(xmlSchemaValidCtxtPtr) parked[PARKED_MAX];
static atomic_uint nparked;

static void park_ctxt(xmlSchemaValidCtxtPtr v)
{
    unsigned i = atomic_fetch_add(&nparked, 1);

    if (i < PARKED_MAX) {
        atomic_store(&parked[i], v);
    }
}

/* The caller's handler and the failure count it is guarded by. */
struct guard {
    xmlStructuredErrorFunc on_error;
    void *data;
    unsigned long nomem;
};

/*
 * A report judged after a failed allocation is no finding: dropped.  The
 * handler gets a copy of the report: 'err' is the thread's last error,
 * whose strings any nested report of libxml2 (an allocation failing
 * inside the handler) frees and replaces under it.  A copy that cannot
 * be made counts as libxml2's failure (no verdict then).
 */
static void on_guarded_error(void *user, xmlErrorPtr err)
{
    struct guard *g = user;
    xmlError copy = *err;
    char **s[] = {&copy.message, &copy.file, &copy.str1, &copy.str2,
                  &copy.str3};
    size_t i;
    int failed = 0;

    if (xmlio_nomem_count() != g->nomem) {
        return;
    }
    for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        if (*s[i] != NULL) {
            *s[i] = util_strdup(*s[i]);
            failed |= *s[i] == NULL;
        }
    }
    if (failed) {
        xmlio_nomem_note();
    } else {
        g->on_error(g->data, &copy);
    }
    for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        free(*s[i]);
    }
}

/*
 * Validate 'doc' with 'v' (xmlSchemaValidateDoc()'s result), then free
 * 'v' unless libxml2 left it unfreeable.  Only libxml2's report of its
 * own failure says so: this thread's structured handler is ours
 * meanwhile (and restored).
 */
static int validate_and_free(xmlSchemaValidCtxtPtr v, xmlDocPtr doc)
{
    xmlStructuredErrorFunc saved = xmlStructuredError;
    void *saved_data = xmlStructuredErrorContext;
    int corrupt = 0;
    int ret;

    xmlSetStructuredErrorFunc(&corrupt, on_schema_nomem);
    ret = xmlSchemaValidateDoc(v, doc);
    xmlSetStructuredErrorFunc(saved_data, saved);
    if (corrupt) {
        park_ctxt(v);
    } else {
        xmlSchemaFreeValidCtxt(v);
    }
    return ret;
}

int schema_ctxt_validate(xmlSchemaPtr schema, xmlDocPtr doc,
                         xmlStructuredErrorFunc on_error, void *data,
                         struct bx_diags *diags, int *verdict)
{
    struct guard g = {on_error, data, xmlio_nomem_count()};
    struct bx_diags mark;
    xmlSchemaValidCtxtPtr v;
    int ret;

    *verdict = -1;
    memset(&mark, 0, sizeof(mark));
    if (diags != NULL) {
        mark = *diags;
    }
    v = xmlSchemaNewValidCtxt(schema);
    if (xmlio_nomem_count() != g.nomem) {
        /* 2.9.14 returns a context without its dictionary or its list of
         * names when those fail, and validating with it dereferences
         * NULL (xmlSchemaClearValidCtxt()); freeing it is safe */
        xmlSchemaFreeValidCtxt(v);
        return BX_E_NOMEM;
    }
    if (v == NULL) {
        return BX_E_NOMEM;
    }
    xmlSchemaSetValidStructuredErrors(v, on_guarded_error, &g);
    ret = validate_and_free(v, doc);
    if (xmlio_nomem_count() != g.nomem) {
        diags_take_back(diags, &mark); /* neither verdict can be trusted */
        return BX_E_NOMEM;
    }
    *verdict = ret;
    return BX_OK;
}
