/*
 * EXSLT common (http://exslt.org/common) for our stylesheets without
 * libexslt: exsl:node-set(), exsl:object-type() and the exsl:document
 * element, each doing what libexslt's does.  No other EXSLT module: the
 * stylesheets in xslt/ use none, and each one more would be code run on
 * untrusted input (tests/failinject/run.sh checks their namespaces).
 */
#ifndef BX_XSLT_EXSL_H
#define BX_XSLT_EXSL_H

/*
 * Register the three with libxslt's process-wide tables of extension
 * functions and elements (replacing what is registered under the same
 * names), then look each one up.  Returns BX_OK when all three are ours,
 * or BX_E_NOMEM when an allocation failed: what was registered stays,
 * and calling again registers the rest.  Not serialised: the caller
 * holds a lock (datafiles_init()) or is single-threaded (a test).
 */
int xslt_exsl_register(void);

#endif /* BX_XSLT_EXSL_H */
