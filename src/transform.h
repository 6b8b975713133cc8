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

struct _xmlDoc;

/* The stylesheets of a workbook, for transform_run_xlsx(). */
#define TRANSFORM_XLSX 0       /* xslt/xlsx.xsl: the parts */
#define TRANSFORM_XLSX_BLANK 1 /* xslt/xlsx-blank.xsl: a template's document */
#define TRANSFORM_XLSX_TOK 2   /* xslt/xlsx-tok.xsl: amounts as tokens */
#define TRANSFORM_XLSX_SKEL 3  /* xslt/xlsx-skeleton.xsl: registry → blank */

/*
 * Run the workbook stylesheet 'pass' (TRANSFORM_XLSX...) over 'doc' with
 * 'params' under the locked security preferences (compiled once per
 * context).  Caller frees '*res' with xmlFreeDoc().  Returns BX_OK,
 * BX_E_DATA, BX_E_INTERNAL, BX_E_NOMEM.
 */
int transform_run_xlsx(struct bx_context *ctx, int pass, struct _xmlDoc *doc,
                       const char **params, struct bx_diags *diags,
                       struct _xmlDoc **res);

/*
 * Build the grids of every table of 'sub' once (xslt/grids.xsl, in
 * language 'lang') and lend them to the html and csv stylesheets this
 * thread runs until transform_unshare_grids(): a bundle's renditions then
 * share one grid per table.  The output bytes are the same with or
 * without.  Release '*grids' with transform_unshare_grids() (also after
 * a failure: '*grids' is then NULL).  Returns BX_OK, BX_E_STATE,
 * BX_E_DATA, BX_E_INTERNAL, BX_E_NOMEM.
 */
int transform_share_grids(struct bx_context *ctx, struct bx_submission *sub,
                          enum bx_lang lang, struct bx_diags *diags,
                          struct _xmlDoc **grids);

/* Stop lending 'grids' (NULL is fine) and free it. */
void transform_unshare_grids(struct _xmlDoc *grids);

/*
 * The stylesheet ("xslt/html.xsl") a rendition in 'format' runs, for
 * bx_context_prefetch(); NULL when there is no single one.
 */
const char *transform_sheet_file(const char *format);

/*
 * How many stylesheets 'ctx' has compiled so far (each is compiled once
 * per context, on first use).  For tests.
 */
size_t transform_compiled(const struct bx_context *ctx);

#endif /* BX_TRANSFORM_H */
