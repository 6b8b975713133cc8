/*
 * Schema validation contexts made safe against libxml2 2.9.14's faults
 * under allocation failure (xmlschemas.c, fixed upstream in 2.14): every
 * validation of a document against a compiled schema goes through here.
 */
#ifndef BX_SCHEMA_CTXT_H
#define BX_SCHEMA_CTXT_H

#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>

#include "budgetx.h"

/*
 * Validate 'doc' against 'schema' in a validation context of its own,
 * each of libxml2's reports going to 'on_error' with 'data' (which may
 * add findings to 'diags'; NULL when it adds none).
 *
 * Returns BX_OK with '*verdict' set to xmlSchemaValidateDoc()'s result
 * (0 valid, > 0 invalid, -1 libxml2's internal error), or BX_E_NOMEM
 * when libxml2 ran out of memory meanwhile (xmlio_nomem_count() moved):
 * then there is no verdict ('*verdict' -1), and the findings added to
 * 'diags' since the call are taken back, so the caller's OUT-OF-MEMORY
 * is the only word on it; reports after the failure never reach
 * 'on_error'.  A context libxml2 could not build whole is never used,
 * and one it cannot free is kept, reachable, instead (see
 * schema_ctxt.c).  Never prints.
 */
int schema_ctxt_validate(xmlSchemaPtr schema, xmlDocPtr doc,
                         xmlStructuredErrorFunc on_error, void *data,
                         struct bx_diags *diags, int *verdict);

#endif /* BX_SCHEMA_CTXT_H */
