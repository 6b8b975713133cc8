/*
 * Shared CLI plumbing.  Only the public header of the library is used.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum bx_lang cli_lang_default(void)
{
    static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    const char *v;
    size_t i;

    for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        v = getenv(vars[i]);
        if (v != NULL && v[0] != '\0') {
            return strncmp(v, "zh", 2) == 0 ? BX_LANG_ZH : BX_LANG_EN;
        }
    }
    return BX_LANG_EN;
}

int cli_parse_lang(const char *s, enum bx_lang *out)
{
    if (strcmp(s, "zh") == 0) {
        *out = BX_LANG_ZH;
    } else if (strcmp(s, "en") == 0) {
        *out = BX_LANG_EN;
    } else {
        return -1;
    }
    return 0;
}

int cli_parse_severity(const char *s, enum bx_severity *out)
{
    if (strcmp(s, "info") == 0) {
        *out = BX_SEV_INFO;
    } else if (strcmp(s, "warning") == 0) {
        *out = BX_SEV_WARNING;
    } else if (strcmp(s, "error") == 0) {
        *out = BX_SEV_ERROR;
    } else {
        return -1;
    }
    return 0;
}

static int has_schema(const char *dir)
{
    char path[PATH_MAX];
    struct stat st;

    if ((size_t)snprintf(path, sizeof(path), "%s/schemas/budgetx.xsd", dir) >=
        sizeof(path)) {
        return 0;
    }
    return stat(path, &st) == 0;
}

/* The source tree (build/budgetx → ..) or install tree (bin → ../share). */
static const char *exe_data_dir(char *buf, size_t size)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0) {
        return NULL;
    }
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash == NULL) {
        return NULL;
    }
    *slash = '\0';
    if ((size_t)snprintf(buf, size, "%s/..", exe) < size && has_schema(buf)) {
        return buf;
    }
    if ((size_t)snprintf(buf, size, "%s/../share/budgetx", exe) < size &&
        has_schema(buf)) {
        return buf;
    }
    return NULL;
}

int cli_open_context(const char *data_dir, struct bx_options *opts,
                     enum bx_lang lang, struct bx_context **ctx)
{
    char buf[PATH_MAX];
    struct bx_diags diags;
    const char *env = getenv("BUDGETX_DATADIR");
    int rc;

    if (data_dir == NULL && (env == NULL || env[0] == '\0')) {
        data_dir = exe_data_dir(buf, sizeof(buf));
    }
    opts->data_dir = data_dir;
    bx_diags_init(&diags);
    rc = bx_context_new(opts, &diags, ctx);
    if (rc == BX_E_NOMEM) {
        fprintf(stderr, "budgetx: %s\n", bx_status_str(rc));
    } else if (rc != BX_OK) {
        cli_print_diags(stderr, &diags, lang);
        fprintf(stderr, "budgetx: %s\n",
                lang == BX_LANG_ZH ? "无法加载数据文件（模式、规则、样式表）"
                                   : "cannot load data files (schemas, "
                                     "rules, stylesheets)");
    }
    bx_diags_release(&diags);
    return rc == BX_OK ? BX_EXIT_OK : BX_EXIT_INTERNAL;
}

void cli_print_diags(FILE *fp, const struct bx_diags *diags, enum bx_lang lang)
{
    size_t i;
    const struct bx_diag *d;

    for (i = 0; i < diags->count; i++) {
        d = &diags->items[i];
        fprintf(fp, "%s", d->file != NULL ? d->file : "budgetx");
        if (d->line > 0) {
            fprintf(fp, ":%ld", d->line);
        }
        if (d->column > 0) {
            fprintf(fp, ":%ld", d->column);
        }
        if (d->cell != NULL) {
            fprintf(fp, " (%s)", d->cell);
        }
        fprintf(fp, ": %s: [%s] %s\n", bx_severity_name(d->severity),
                d->code != NULL ? d->code : "-", bx_diag_message(d, lang));
    }
}

int cli_usage_error(const char *cmd, const char *msg, const char *arg)
{
    if (arg != NULL) {
        fprintf(stderr, "budgetx %s: %s '%s'\n", cmd, msg, arg);
    } else {
        fprintf(stderr, "budgetx %s: %s\n", cmd, msg);
    }
    fprintf(stderr, "Try 'budgetx %s --help' for more information.\n", cmd);
    return BX_EXIT_USAGE;
}

void cli_internal_error(const char *cmd, const char *subject, int status)
{
    if (status == BX_E_DATA) {
        return;
    }
    if (subject != NULL) {
        fprintf(stderr, "budgetx %s: %s: %s\n", cmd, subject,
                bx_status_str(status));
    } else {
        fprintf(stderr, "budgetx %s: %s\n", cmd, bx_status_str(status));
    }
}

int cli_write_stdout(const char *data, size_t len)
{
    if (len > 0 && fwrite(data, 1, len, stdout) != len) {
        return -1;
    }
    return fflush(stdout) == 0 ? 0 : -1;
}
