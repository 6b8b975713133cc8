/*
 * Internal interface of the bundle modules: package.c builds bundles,
 * package_rend.c adds renditions, verify.c reads them back.
 */
#ifndef BX_PACKAGE_H
#define BX_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "budgetx.h"

#define PACKAGE_MANIFEST "manifest.xml"
#define PACKAGE_MANIFEST_NS "urn:budgetx:manifest:1"
#define PACKAGE_MANIFEST_XSD "schemas/manifest.xsd"

/* Largest bundle file verify reads. */
#define PACKAGE_MAX_BUNDLE (512u << 20)

struct plist; /* entries being bundled (package.c) */

/*
 * File-name stem of 'path' for bundle entries: the base name without
 * .gz/.xml, characters outside [0-9A-Za-z._-] replaced by '_' (at most
 * 100).  Caller frees.  NULL on ENOMEM.
 */
char *package_safe_stem(const char *path);

/*
 * The entry time of a bundle: 'forced' when >= 0 (SOURCE_DATE_EPOCH),
 * else the submission's published date, else 1 January of its fiscal
 * year; '*source' names which.  Returns BX_OK.
 */
int package_timestamp(const struct bx_check *chk, int64_t forced, int64_t *out,
                      const char **source);

/*
 * Check a rendition list ("html,csv"; NULL = default, "" = none).
 * Unknown names are reported in 'diags'.  BX_OK or BX_E_ARG.
 */
int package_check_include(const char *include, struct bx_diags *diags);

/* Add the renditions opts->include asks for, for submission 'index'. */
int package_renditions(struct bx_context *ctx, const struct bx_check *chk,
                       const struct bx_bundle_opts *opts, const char *stem,
                       struct bx_diags *diags, struct plist *l, size_t index);

/*
 * Add "renditions/<stem>/<file>" to 'l'; takes ownership of 'data'
 * (freed with free()).  BX_OK or BX_E_NOMEM.
 */
int package_add_rendition(struct plist *l, size_t index, const char *stem,
                          const char *format, const char *file,
                          const char *media, unsigned char *data, size_t len);

#endif /* BX_PACKAGE_H */
