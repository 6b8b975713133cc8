/*
 * The cells of a workbook as xlsx_book.c reads them: every part through
 * the strict zip reader and the untrusted XML parser, shared and inline
 * strings resolved, number formats reduced to their decimals.  Internal
 * to xlsx_read.c and xlsx_note.c.
 */
#ifndef BX_XLSX_CELLS_H
#define BX_XLSX_CELLS_H

#include <stddef.h>

#include "budgetx.h"

/* Bounds on what a workbook may hold (see docs/xlsx.md). */
#define XLSX_MAX_PART (48u << 20)   /* one part, inflated */
#define XLSX_MAX_TOTAL (256u << 20) /* all parts, inflated */
#define XLSX_MAX_ROWS 500000ul      /* rows over all sheets */
#define XLSX_MAX_NODES 5000000ul    /* elements of one part */

enum xlsx_kind {
    XLSX_EMPTY = 0,
    XLSX_NUMBER,
    XLSX_TEXT,
    XLSX_BOOL,
    XLSX_ERROR,
    XLSX_FORMULA_NO_VALUE
};

struct xlsx_cell {
    unsigned sheet;    /* index into the book's sheets */
    unsigned long row; /* 1-based */
    unsigned col;      /* 1-based */
    int kind;          /* enum xlsx_kind */
    int style;         /* index into cellXfs, 0 when absent */
    int used;          /* placed or checked by the reader */
    char ref[16];      /* "E12" */
    char *v;           /* value as text (number as stored), or NULL */
};

struct xlsx_book;

/*
 * Read the workbook at 'path'.  Refuses (FATAL findings, file = 'path'):
 * an OLE file (encrypted or legacy .xls), anything that is not a zip the
 * strict reader accepts, macros (vbaProject.bin, macro sheets), parts
 * over the limits above; ignores external links with a WARNING.
 * Returns BX_OK, BX_E_IO, BX_E_PARSE, BX_E_LIMIT, BX_E_INVALID,
 * BX_E_NOMEM.  Caller frees '*out' with xlsx_book_free().
 */
int xlsx_book_open(struct bx_context *ctx, const char *path,
                   struct bx_diags *diags, struct xlsx_book **out);
void xlsx_book_free(struct xlsx_book *b);

/* The cell 'ref' of sheet 'sheet' (NULL: no such cell or sheet). */
struct xlsx_cell *xlsx_book_cell(struct xlsx_book *b, const char *sheet,
                                 const char *ref);

/* Decimals the number format of cell style 'style' shows; -1: General. */
int xlsx_book_decimals(const struct xlsx_book *b, int style);

const char *xlsx_book_sheet_name(const struct xlsx_book *b, unsigned i);

/* How many sheets the workbook has (in workbook order). */
unsigned xlsx_book_nsheets(const struct xlsx_book *b);

/*
 * The cells of sheet 'i' (workbook order), sorted by row then column:
 * '*n' of them from the pointer returned (NULL, 0 for none).  Used by
 * readers that take a sheet as a plain table (codes import).
 */
const struct xlsx_cell *xlsx_book_sheet_cells(const struct xlsx_book *b,
                                              unsigned i, size_t *n);

/*
 * Next cell from '*i' on that holds something, was not used, and lies in
 * a sheet the map knows.  NULL at the end.
 */
struct xlsx_cell *xlsx_book_unused(struct xlsx_book *b, size_t *i);

/* One WARNING per sheet with content that the map does not know. */
void xlsx_book_report_sheets(const struct xlsx_book *b, struct bx_diags *diags);

/*
 * The base64 text of the hidden sheet (caller frees) and the size of the
 * blob it encodes.  BX_E_INVALID when there is no such sheet.
 */
int xlsx_book_blob(struct xlsx_book *b, char **text, size_t *size);

/* "'sheet'!ref" with quotes doubled.  Caller frees; NULL on ENOMEM. */
char *xlsx_cell_name(const char *sheet, const char *ref);

/* Append a finding naming 'cell' (may be NULL). */
void xlsx_finding(struct bx_diags *diags, enum bx_severity sev,
                  const char *code, const char *file, const char *cell,
                  const char *zh, const char *en);

#endif /* BX_XLSX_CELLS_H */
