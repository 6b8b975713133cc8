/*
 * Internal interface of transform.c: the pieces of the renditions that
 * unit tests reach directly.  The public API is the "Transformations"
 * section of budgetx.h.
 */
#ifndef BX_TRANSFORM_H
#define BX_TRANSFORM_H

#include <stddef.h>

#include "budgetx.h"

/* Namespace of the platform exchange format (schemas/platform.xsd). */
#define TRANSFORM_PLATFORM_NS "urn:budgetx:platform:1"

/*
 * Re-encode UTF-8 text as 'enc' (GB 18030 through iconv; UTF-8 is
 * copied, with a byte order mark in front when 'bom').  '*out' is
 * NUL-terminated, caller frees.  Returns BX_OK, BX_E_DATA (the input is
 * not valid UTF-8), BX_E_INTERNAL (iconv cannot convert), BX_E_NOMEM.
 */
int transform_encode(const char *utf8, size_t len, enum bx_text_encoding enc,
                     int bom, unsigned char **out, size_t *outlen);

/*
 * Append a file to 'out', taking ownership of 'data' (freed with free()
 * whatever happens).  Returns BX_OK or BX_E_NOMEM.
 */
int transform_output_add(struct bx_output *out, const char *name,
                         const char *media_type, unsigned char *data,
                         size_t len);

/*
 * How many stylesheets 'ctx' has compiled so far (each is compiled once
 * per context, on first use).  For tests.
 */
size_t transform_compiled(const struct bx_context *ctx);

#endif /* BX_TRANSFORM_H */
