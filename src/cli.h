/*
 * Helpers shared by the CLI's subcommands (not part of the library):
 * language choice, data directory discovery, opening the context.
 */
#ifndef BX_CLI_H
#define BX_CLI_H

#include <stdio.h>

#include "budgetx.h"

/* zh when LC_ALL / LC_MESSAGES / LANG start with "zh", else en. */
enum bx_lang cli_lang_default(void);

/* Parse "zh" / "en"; returns 0 on success, -1 otherwise. */
int cli_parse_lang(const char *s, enum bx_lang *out);

/* Parse "info" / "warning" / "error"; returns 0 or -1. */
int cli_parse_severity(const char *s, enum bx_severity *out);

/*
 * Open the context.  'data_dir' NULL means: $BUDGETX_DATADIR, else the
 * source tree or install tree next to the executable, else the
 * compiled-in location.  Failures are printed to stderr.
 * Returns BX_EXIT_OK or BX_EXIT_INTERNAL.
 */
int cli_open_context(const char *data_dir, struct bx_options *opts,
                     enum bx_lang lang, struct bx_context **ctx);

/* Print every record of 'diags' to 'fp', one line each. */
void cli_print_diags(FILE *fp, const struct bx_diags *diags, enum bx_lang lang);

/* Usage error: "budgetx CMD: MSG" + a hint line; returns BX_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *msg, const char *arg);

/*
 * Exit code 4 never comes without a word: "budgetx CMD: SUBJECT: what
 * failed" (out of memory, ...) on stderr.  'subject' may be NULL.  A
 * broken data file (BX_E_DATA) has its findings already: nothing printed.
 */
void cli_internal_error(const char *cmd, const char *subject, int status);

/* Write a whole buffer to stdout; 0 or -1. */
int cli_write_stdout(const char *data, size_t len);

/*
 * Non-zero when 'a' and 'b' name the same existing file (same device and
 * inode: "./x", "x" and a hard link of x are all the same file).
 */
int cli_same_file(const char *a, const char *b);

/*
 * Non-zero when the last component of 'path' ends in the extension of a
 * file format (".csv", ".html", ".json", ".xml", ".zip"...): a name for a
 * file, not a directory.
 */
int cli_has_extension(const char *path);

#endif /* BX_CLI_H */
