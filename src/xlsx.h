/*
 * Internal interface of the workbook modules: xlsx_write.c (disclosure →
 * workbook, templates), xlsx_read.c (workbook → disclosure), xlsx_note.c
 * (the annotated workbook).  The public API is the "Workbooks" section of
 * budgetx.h; docs/xlsx.md describes the workbook.
 */
#ifndef BX_XLSX_H
#define BX_XLSX_H

#include <stddef.h>
#include <stdint.h>

#include "budgetx.h"
#include "util.h"

#define XLSX_MEDIA_TYPE                                                        \
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Name of the hidden sheet holding the source document and cell map. */
#define XLSX_BX_SHEET "_bx"
/* First cell of that sheet: the blob's format. */
#define XLSX_BX_MAGIC "budgetx-xlsx 1"
/* Characters of base64 per cell of the hidden sheet (Excel allows 32767). */
#define XLSX_CHUNK 30000

struct bx_submission;
struct _xmlDoc;

/*
 * Render 'sub' as a workbook and append "disclosure.xlsx" to 'out'.
 * Returns BX_OK, BX_E_DATA, BX_E_INTERNAL, BX_E_NOMEM.
 */
int xlsx_write(struct bx_context *ctx, struct bx_submission *sub,
               enum bx_lang lang, struct bx_diags *diags,
               struct bx_output *out);

/*
 * The workbook of 'doc' (whose source bytes are 'src'), as zip bytes in
 * '*zip' (caller frees).  'template' 1: the blank workbook to fill in.
 * 'mtime' is the time of every zip entry and of the document properties.
 */
int xlsx_build(struct bx_context *ctx, struct _xmlDoc *doc,
               const unsigned char *src, size_t srclen, int template,
               int64_t mtime, struct bx_diags *diags, unsigned char **zip,
               size_t *ziplen);

/* Base64 (RFC 4648, no line breaks) of 'len' bytes, appended to 'b'. */
int xlsx_base64_append(struct bx_buf *b, const unsigned char *data, size_t len);

/*
 * Decode base64 text, ignoring whitespace; '*out' NUL-terminated, caller
 * frees.  Returns BX_OK, BX_E_PARSE (not base64), BX_E_NOMEM.
 */
int xlsx_base64_decode(const char *text, size_t len, unsigned char **out,
                       size_t *outlen);

/*
 * Round the decimal number 'v' (as a spreadsheet stores it, "179.6",
 * "1.7960000000000002E2") to 15 significant digits, then to 'decimals'
 * places (half away from zero), into 'out' ("179.60").  'decimals' < 0:
 * as few places as the 15-digit value needs.  Returns BX_OK or BX_E_ARG
 * (not a number).
 */
int xlsx_format_number(const char *v, int decimals, char *out, size_t size);

/* "B12" → row 12, column 2 (1-based).  Returns BX_OK or BX_E_ARG. */
int xlsx_parse_ref(const char *ref, unsigned long *row, unsigned *col);

/*
 * The node after 'n' in document order within 'root' (NULL at the end):
 * the order that numbers elements for the cell map, on both sides.
 */
struct _xmlNode *xlsx_next_node(struct _xmlNode *root, struct _xmlNode *n);

/*
 * The element a location path of xmlio_node_path() names in 'doc'
 * ("/bx:disclosure/bx:tables/bx:x/bx:func[3]/@basic"); 'attr' receives
 * the attribute name ("" for none).  NULL when nothing matches.
 */
struct _xmlNode *xlsx_resolve(struct _xmlDoc *doc, const char *xpath,
                              char *attr, size_t size);

/* Row 12, column 5 → "E12" into 'out'. */
void xlsx_ref_format(unsigned long row, unsigned col, char *out, size_t size);

#endif /* BX_XLSX_H */
