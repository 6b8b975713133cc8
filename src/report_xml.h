/*
 * Reports in XML (schemas/report.xsd) and HTML (the XML report run
 * through xslt/report-html.xsl).  Called by bx_report_render().
 */
#ifndef BX_REPORT_XML_H
#define BX_REPORT_XML_H

#include <stddef.h>

#include "budgetx.h"

/*
 * Render 'rep' as an XML report into a new NUL-terminated buffer (caller
 * frees '*out').  Deterministic: no timestamps.  Returns BX_OK or
 * BX_E_NOMEM ('*out' NULL).
 */
int report_render_xml(const struct bx_report *rep, char **out, size_t *len);

/*
 * Render 'rep' as one self-contained HTML page, grouped by table with the
 * verdict on top, from the XML report and <data_dir>/xslt/report-html.xsl
 * (compiled and run by datafiles.c: the one sandbox, no file or network
 * access).  Caller frees '*out'.  Returns BX_OK, BX_E_NOMEM, BX_E_DATA
 * (stylesheet missing or broken), BX_E_INTERNAL (the transformation
 * failed); FATAL findings in 'diags' say why.
 */
int report_render_html(const struct bx_report *rep, struct bx_context *ctx,
                       struct bx_diags *diags, char **out, size_t *len);

#endif /* BX_REPORT_XML_H */
