/*
 * Grid rows of xslt/grid.xsl written in C (extension elements of
 * namespace urn:budgetx:xslt:ext, registered by xslt_ext_init()).  Each
 * writes what the XSLT in its xsl:fallback writes; xsltproc runs that
 * XSLT and tests/convert/grid.sh compares the bytes of both.
 */
#ifndef BX_XSLT_GRID_H
#define BX_XSLT_GRID_H

#include <libxslt/xsltInternals.h>

/*
 * <x:keyed-rows/>, in grid.xsl's mode "body" of the tables made of keyed
 * rows (T2 T3 T5 T6 T7 T8 T9 T10 T12 T13 T14): the grid rows of the
 * context table as grid.xsl's templates of mode "row" write them.  Reads
 * $def (the table's m:h) and $total-label (T8's unkeyed row).  Stops the
 * transformation on ENOMEM.
 */
void xslt_grid_keyed_rows(xsltTransformContextPtr ctxt, xmlNodePtr node,
                          xmlNodePtr inst, xsltElemPreCompPtr comp);

/*
 * With html.xsl's $x-html-direct true, <x:keyed-rows/> writes the rows
 * as x:html-rows would write them, one text node that the serialiser
 * copies as it is, instead of the grid rows: each row's grid is made,
 * written as HTML and freed before the next, so a table's grid is never
 * whole in memory; x:html-rows moves that node into the page.
 */

/*
 * Rows kept in a file instead of memory (bx_transform_write() of html):
 * with a spill set for the thread (xslt_grid_spill_use()), a table whose
 * HTML rows pass 256 KB writes them to an unlinked temporary file next to
 * 'near' (the output) as they are made, and its text node holds a mark
 * ("\x01" N "\x01": byte 1 is in no XML 1.0 text, so in no other output)
 * that xslt_grid_spill_output() replaces with the rows while the page is
 * serialised.  Where the file cannot be made or written, the rows stay
 * in memory as without a spill (the same bytes either way).
 */
struct xslt_spill_seg {
    unsigned long long off;
    unsigned long long len;
};

struct xslt_spill {
    const char *near; /* the spill file goes into this path's directory */
    int fd;           /* -1 until a table needs it */
    int broken;       /* the file could not be made or written: memory */
    unsigned long long size;     /* bytes written */
    struct xslt_spill_seg *segs; /* the marks' rows, by number */
    size_t nsegs;
    size_t cap;
    /* serialising (xslt_grid_spill_output()) */
    int out_fd;    /* where the page goes (set before serialising) */
    int out_errno; /* of the failed write or read; EINVAL: a bad mark */
    int in_mark;
    size_t nmark;
    char mark[24];
    char *copy; /* 64 KB to copy the rows with */
};

void xslt_grid_spill_init(struct xslt_spill *s, const char *near);
/* Close the file and free the marks (the struct itself is the caller's). */
void xslt_grid_spill_release(struct xslt_spill *s);
/* The spill of this thread's transformations, or NULL: none. */
void xslt_grid_spill_use(struct xslt_spill *s);
/*
 * xmlOutputBuffer write callback: 'data' written to s->out_fd with each
 * mark replaced by its rows.  Returns 'len', or -1 (s->out_errno set).
 */
int xslt_grid_spill_output(void *ctx, const char *data, int len);

/*
 * For tests, process-wide: a table spills once its rows pass 'at' bytes
 * (0: 256 KB), and a spill file never grows past 'cap' bytes (0: no
 * cap; a write past it fails as on a full disk).
 */
void xslt_grid_spill_limits(size_t at, unsigned long long cap);
/* How many tables this thread has written to a spill so far. */
unsigned long xslt_grid_spilled(void);

/*
 * <x:head-rows/>, in grid.xsl's "grid" inside m:head: the header rows
 * from $def (the table's m:h: m:r rows of m:c cells with their starting
 * column c), each cell preceded by the positions its left neighbour's
 * span covers, the row completed up to $def/@cols; $t-unit in brackets
 * after a cell marked unit.
 */
void xslt_grid_head_rows(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp);

/*
 * <x:pair-rows/>, in grid.xsl's "pair-rows" (T1, T4): row i shows
 * $left[i] and $right[i] side by side.  Reads $left, $right, $def,
 * $kind, $lang and $M (the English labels).
 */
void xslt_grid_pair_rows(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp);

/*
 * <x:dept-form/>, grid.xsl's bx:deptPerformance mode "body" (T11's form
 * of 5 columns): its rows, as HTML with html.xsl's $x-html-direct.
 * Reads $amount-unit.
 */
void xslt_grid_dept_form(xsltTransformContextPtr ctxt, xmlNodePtr node,
                         xmlNodePtr inst, xsltElemPreCompPtr comp);

/*
 * The value of the no-namespace attribute 'name' of 'n' (XPath @name) in
 * '*v' (NULL when there is none): read in place when it is one text
 * node, else copied to '*copy', which the caller frees (NULL when not
 * copied).  Returns 0, or -1 on ENOMEM.
 */
int xslt_grid_attr(const xmlNode *n, const char *name, const xmlChar **v,
                   xmlChar **copy);

/*
 * The string value of attribute 'a' ("" for NULL): in place when it is
 * one text node, else a copy in '*copy', which the caller frees (NULL
 * when not copied).  NULL on ENOMEM.
 */
const xmlChar *xslt_grid_attr_text(xmlAttrPtr a, xmlChar **copy);

/*
 * The string value of element 'n' (XPath string(.)): in place when it is
 * one text node, "" when it has no children, else a copy in '*copy'
 * (caller frees '*copy').  NULL on ENOMEM.
 */
const xmlChar *xslt_grid_text(const xmlNode *n, xmlChar **copy);

/*
 * The string value of the variable or parameter 'name' in scope of
 * 'ctxt' ("" when there is none).  Caller frees; NULL on ENOMEM.
 */
xmlChar *xslt_grid_var_string(xsltTransformContextPtr ctxt, const char *name);

struct bx_buf;

/*
 * The HTML of grid row 'row' (an m:row of m:c cells; 'head': of the
 * header, 'en': English labels too) appended to 'b', as html.xsl's
 * templates of modes "grid-head" and "grid" and the serialiser write it
 * (src/xslt_ext.c, x:html-rows).  ENOMEM sets b->failed.
 */
void xslt_ext_html_row(struct bx_buf *b, xmlNodePtr row, int head, int en);

/*
 * The fields of grid row 'row' as one CSV line without its end, as
 * x:csv-row writes it (src/xslt_ext.c), appended to 'b'.  ENOMEM sets
 * b->failed.
 */
void xslt_ext_csv_row(struct bx_buf *b, xmlNodePtr row, int en);

#endif /* BX_XSLT_GRID_H */
