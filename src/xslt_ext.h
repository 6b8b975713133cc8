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
 * Register the functions with libxslt, once per process (thread-safe;
 * later calls do nothing).  Registration only adds names to libxslt's
 * table of module functions: no error handler or preference changes.
 */
void xslt_ext_init(void);

#endif /* BX_XSLT_EXT_H */
