/*
 * One front door for our own data files: the schemas (schemas/NAME.xsd) and
 * stylesheets (xslt/NAME.xsl) under the data directory.  Each is compiled
 * once per context, every stylesheet runs under one sandbox policy, and
 * whatever libxml2 or libxslt says while compiling or running becomes a
 * finding, never a line on stderr.  It does not validate submissions or
 * interpret results: the stages do (validate.c, rules.c, transform.c,
 * verify.c, report_xml.c).
 */
#ifndef BX_DATAFILES_H
#define BX_DATAFILES_H

#include <libxml/xmlschemas.h>
#include <libxslt/xsltInternals.h>

#include "internal.h"

/*
 * Once per process (thread-safe; bx_context_new() calls it, and so does
 * each compile or run until it has succeeded): register EXSLT common
 * (xslt_exsl.c: the EXSLT our stylesheets use), and route libxslt's
 * process-wide error handler to per-thread collectors.  Returns BX_OK,
 * or BX_E_NOMEM when registration failed for want of memory; nothing is
 * latched then and the next call tries again.  Compiling and applying
 * are safe from any thread sharing a context: compilations are
 * serialised by the context's lock, compiled files are read-only
 * afterwards.
 */
int datafiles_init(void);

/*
 * A data file of ours (rule file, code list, template) read once: parsed
 * as xmlio_read_data() parses it (same limits, same findings) and the
 * SHA-256 (hex) of the very bytes parsed put into 'hex' (65 bytes; "" when
 * it could not be computed), so that matching the file against the
 * digests the build recorded (scripts/rules-digests.sh) reads nothing a
 * second time.  Returns BX_OK or BX_E_DATA ('*out' NULL).
 */
int datafiles_read_parse(const char *path, struct bx_diags *diags, char *hex,
                         xmlDocPtr *out);

/*
 * Attribute 'name' without a namespace of element 'n' of one of our data
 * files, as xmlHasNsProp(n, name, NULL) finds it, without its cost: a
 * walk of the attributes (libxml2 itself when the document has a DTD,
 * which may declare default values).  NULL when absent.
 */
xmlAttrPtr datafiles_prop(xmlNodePtr n, const char *name);

/*
 * The xml:lang attribute of element 'n' itself, as one text node of the
 * document: 1 and '*lang' (NULL when 'n' has none); 0 when the caller
 * must ask libxml2 (a DTD, a value of several nodes).
 */
int datafiles_lang(xmlNodePtr n, const char **lang);

/*
 * datafiles_read_parse() of the data file 'rel' of 'ctx' ('path' its
 * path), or of its lean copy (schemas/lean/, scripts/lean-data.c:
 * without comments, blank text and the elements only the docs read)
 * while the build's index schemas/lean/DATA matches both the original
 * and the copy and 'built(arg, sha256)' says the original's digest is
 * one the build validated; '*lean' is then 1.  'hex' is always the
 * original's SHA-256 (from the index when the copy is parsed), so what
 * is recorded about the file does not depend on which was parsed; NULL:
 * no digest wanted (then none is computed).  An edited original, a
 * missing or stale copy or index: the original, '*lean' 0, exactly as
 * datafiles_read_parse() (xmlio_read_data() when 'hex' is NULL).
 */
int datafiles_read_parse_lean(const struct bx_context *ctx, const char *rel,
                              const char *path,
                              int (*built)(void *, const char *), void *arg,
                              struct bx_diags *diags, char *hex, int *lean,
                              xmlDocPtr *out);

/*
 * The schema at 'rel' ("schemas/manifest.xsd") under the data directory,
 * compiled on first use and owned by the context.  Compilation problems
 * are FATAL DATA-SCHEMA findings in 'diags' (each call that fails says
 * it again).  Returns BX_OK, BX_E_DATA, BX_E_NOMEM.
 */
int datafiles_schema(struct bx_context *ctx, const char *rel,
                     struct bx_diags *diags, xmlSchemaPtr *out);

/*
 * The stylesheet at 'rel' ("xslt/html.xsl"), compiled on first use and
 * owned by the context.  Its xsl:include/xsl:import may read files of
 * the data directory, nothing over the network.  Problems are FATAL
 * XSLT-COMPILE findings.  Returns BX_OK, BX_E_DATA, BX_E_NOMEM.
 */
int datafiles_stylesheet(struct bx_context *ctx, const char *rel,
                         struct bx_diags *diags, xsltStylesheetPtr *out);

/*
 * For bx_context_prefetch(): the stylesheet at 'rel' compiled as
 * datafiles_stylesheet() would, taking no lock of the context, or NULL
 * when it did not compile cleanly (datafiles_stylesheet() then compiles
 * it again and reports); '*nomem' 1 when memory ran out meanwhile (then
 * datafiles_stylesheet() says so, as if it had compiled it).  Says
 * nothing.  Free with datafiles_prefetch_free() unless
 * datafiles_stylesheet() took it.
 */
void *datafiles_prefetch_compile(struct bx_context *ctx, const char *rel,
                                 int *nomem);
/* Before datafiles_prefetch_compile(), on the same thread, while it may
 * still take the context's lock: the module's state.  BX_OK or
 * BX_E_NOMEM (then compile nothing). */
int datafiles_prefetch_prepare(struct bx_context *ctx);
void datafiles_prefetch_free(void *style);

/*
 * Apply 'style' (from datafiles_stylesheet(), file 'rel') to 'doc' with
 * 'params' under the one sandbox: no file read or write (document(),
 * exsl:document), no directory creation, no network.  Any message the
 * run emits (a refused document(), xsl:message terminate, a runtime
 * error) fails it with a FATAL XSLT-RUN finding.  Caller frees '*res'
 * with xmlFreeDoc().  Returns BX_OK, BX_E_INTERNAL (the transformation
 * failed: findings say why), BX_E_NOMEM.
 */
int datafiles_apply(struct bx_context *ctx, xsltStylesheetPtr style,
                    const char *rel, xmlDocPtr doc, const char **params,
                    struct bx_diags *diags, xmlDocPtr *res);

/* Serialise 'res' with the output method of 'style' into malloc memory,
 * NUL-terminated.  Returns BX_OK or BX_E_NOMEM. */
int datafiles_serialise(xsltStylesheetPtr style, xmlDocPtr res,
                        unsigned char **out, size_t *len);

/* The same, written to descriptor 'fd' as it is made (never whole in
 * memory).  Returns BX_OK, BX_E_IO (errno set) or BX_E_NOMEM. */
int datafiles_serialise_fd(xsltStylesheetPtr style, xmlDocPtr res, int fd);

/* The same through an xmlOutputBuffer write callback 'writer' given
 * 'ctx' (htmlmem: rows copied in from a spill file).  Returns BX_OK, or
 * BX_E_NOMEM when the serialiser or 'writer' failed. */
int datafiles_serialise_with(xsltStylesheetPtr style, xmlDocPtr res,
                             xmlOutputWriteCallback writer, void *ctx);

#endif /* BX_DATAFILES_H */
