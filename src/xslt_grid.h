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
 * The value of the no-namespace attribute 'name' of 'n' (XPath @name) in
 * '*v' (NULL when there is none): read in place when it is one text
 * node, else copied to '*copy', which the caller frees (NULL when not
 * copied).  Returns 0, or -1 on ENOMEM.
 */
int xslt_grid_attr(const xmlNode *n, const char *name, const xmlChar **v,
                   xmlChar **copy);

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

#endif /* BX_XSLT_GRID_H */
