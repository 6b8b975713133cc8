/*
 * XSLT extension functions of budgetx's stylesheets (namespace
 * urn:budgetx:xslt:ext): pure helpers, written in C because they run
 * once per table cell.  Every stylesheet that calls one tests
 * function-available() first and keeps an XSLT version that gives the
 * same result, so xsltproc runs the same stylesheets (more slowly).
 */
#ifndef BX_XSLT_EXT_H
#define BX_XSLT_EXT_H

#define XSLT_EXT_NS "urn:budgetx:xslt:ext"

/*
 * Register the functions and elements with libxslt, once per process
 * (thread-safe; later calls only check).  Registration only adds names
 * to libxslt's tables of module functions and elements: no error
 * handler or preference changes.  Returns BX_OK, or BX_E_NOMEM when an
 * allocation failed (the next call tries again).  Stylesheets compiled
 * or run without them fall back to their XSLT versions.
 */
int xslt_ext_init(void);

struct _xmlDoc;

/*
 * Lend 'grids' (the result of xslt/grids.xsl: <m:grids> of every
 * table's grid) to the stylesheets this thread runs next: x:shared-grids()
 * returns its m:grid elements until xslt_ext_share_grids(NULL).  The
 * caller keeps ownership.
 */
void xslt_ext_share_grids(struct _xmlDoc *grids);

#endif /* BX_XSLT_EXT_H */
