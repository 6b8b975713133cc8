/*
 * budgetx validate: check submissions and print one report for the run.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

static const char help[] =
    "usage: budgetx validate [options] FILE...\n"
    "\n"
    "Check budget disclosure submissions (XML, or gzip-compressed XML)\n"
    "against the disclosure schema and the business rules, and print one\n"
    "report: a line per finding, FILE:LINE:COL: severity: [CODE] message,\n"
    "and a summary line.  FILE '-' reads standard input.\n"
    "\n"
    "options:\n"
    "  --lang zh|en          language of messages (default: from the\n"
    "                        locale, zh for zh_*)\n"
    "  --format FORMAT       text (default), json, xml or html\n"
    "  --fail-on SEVERITY    error (default), warning or info: the lowest\n"
    "                        severity that rejects a file\n"
    "  --data-dir DIR        where schemas/ and xslt/ are (default:\n"
    "                        $BUDGETX_DATADIR, else next to the program)\n"
    "  --schema-only         check the schema only, not the business rules\n"
    "  --max-size BYTES      largest input accepted, after gunzip\n"
    "                        (default 67108864)\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit codes:\n"
    "  0  every file valid\n"
    "  1  some file invalid\n"
    "  2  usage error\n"
    "  3  a file unreadable or not XML\n"
    "  4  internal error\n";

struct vopts {
    enum bx_lang lang;
    enum bx_report_format format;
    enum bx_severity fail_on;
    const char *data_dir;
    struct bx_options lib;
};

static int parse_format(const char *s, enum bx_report_format *out)
{
    static const char *const names[] = {"text", "json", "xml", "html"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum bx_report_format)i;
            return 0;
        }
    }
    return -1;
}

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct vopts *o)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"data-dir", required_argument, NULL, 'd'},
        {"max-size", required_argument, NULL, 'm'},
        {"schema-only", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    char *end;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (cli_parse_lang(optarg, &o->lang) != 0) {
                return cli_usage_error("validate", "unknown language", optarg);
            }
            break;
        case 'f':
            if (parse_format(optarg, &o->format) != 0) {
                return cli_usage_error("validate", "unknown format", optarg);
            }
            break;
        case 'F':
            if (cli_parse_severity(optarg, &o->fail_on) != 0) {
                return cli_usage_error("validate", "unknown severity", optarg);
            }
            break;
        case 'd':
            o->data_dir = optarg;
            break;
        case 'm':
            errno = 0;
            o->lib.limits.max_bytes = strtoull(optarg, &end, 10);
            /* strtoull() takes "-1" as 2^64 - 1: no limit at all */
            if (*end != '\0' || end == optarg || optarg[0] == '-' ||
                errno != 0 || o->lib.limits.max_bytes == 0) {
                return cli_usage_error("validate", "invalid size", optarg);
            }
            break;
        case 's':
            o->lib.no_rules = 1;
            break;
        case 'h':
            fputs(help, stdout);
            return BX_EXIT_OK;
        default:
            return cli_usage_error("validate", "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        return cli_usage_error("validate", "no input files", NULL);
    }
    return -1;
}

/* Check every file and render the report; returns the exit code. */
static int run(struct bx_context *ctx, char **files, int nfiles,
               const struct vopts *o)
{
    struct bx_check *checks = calloc((size_t)nfiles, sizeof(*checks));
    struct bx_file_result *results = calloc((size_t)nfiles, sizeof(*results));
    struct bx_report rep;
    char *text = NULL;
    size_t len = 0;
    int exit_code = BX_EXIT_OK;
    int code;
    int i;

    if (checks == NULL || results == NULL) {
        free(checks);
        free(results);
        cli_internal_error("validate", NULL, BX_E_NOMEM);
        return BX_EXIT_INTERNAL;
    }
    for (i = 0; i < nfiles; i++) {
        bx_check_file(ctx, files[i], &checks[i]);
        bx_check_drop_document(&checks[i]);
        results[i] = checks[i].result;
        code = bx_check_exit_code(&checks[i], o->fail_on);
        if (code > exit_code) {
            exit_code = code;
        }
    }
    memset(&rep, 0, sizeof(rep));
    rep.files = results;
    rep.nfiles = (size_t)nfiles;
    rep.lang = o->lang;
    rep.fail_on = o->fail_on;
    if (bx_report_render(&rep, o->format, ctx, &text, &len) != BX_OK ||
        cli_write_stdout(text, len) != 0) {
        fprintf(stderr, "budgetx validate: cannot write the report\n");
        exit_code = BX_EXIT_INTERNAL;
    }
    free(text);
    for (i = 0; i < nfiles; i++) {
        bx_check_release(&checks[i]);
    }
    free(checks);
    free(results);
    return exit_code;
}

int cmd_validate(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct vopts o;
    int rc;

    memset(&o, 0, sizeof(o));
    o.lang = cli_lang_default();
    o.format = BX_REPORT_TEXT;
    o.fail_on = BX_SEV_ERROR;
    bx_options_init(&o.lib);
    rc = parse_args(argc, argv, &o);
    if (rc >= 0) {
        return rc;
    }
    rc = cli_open_context(o.data_dir, &o.lib, o.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    rc = run(ctx, argv + optind, argc - optind, &o);
    bx_context_free(ctx);
    return rc;
}
