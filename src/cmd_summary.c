/*
 * budgetx summary: merge the JSON Lines reports of the shards of a run
 * (validate --format jsonl on several machines) into one report.
 */
#define _POSIX_C_SOURCE 200809L

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cli_batch.h"
#include "cmd.h"

static const char help[] =
    "usage: budgetx summary [options] REPORT.jsonl...\n"
    "\n"
    "Merge JSON Lines reports ('budgetx validate --format jsonl', one per\n"
    "shard of a run) into one report, files sorted by path: the same\n"
    "bytes whatever the order of the shards.  REPORT '-' reads standard\n"
    "input.\n"
    "\n"
    "options:\n"
    "  --format FORMAT       text (default), json, xml, html or jsonl\n"
    "  --lang zh|en          language of messages (default: from the\n"
    "                        locale)\n"
    "  --fail-on SEVERITY    error, warning or info (default: what the\n"
    "                        shards recorded)\n"
    "  --data-dir DIR        where xslt/ is (html only)\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit codes: the worst over all files, as validate's (0 all accepted,\n"
    "1 some rejected, 3 some unreadable, 4 internal error); 2 usage; 3 a\n"
    "report unreadable or not a budgetx jsonl report\n";

struct sopts {
    enum bx_lang lang;
    enum bx_report_format format;
    int fail_on; /* -1: from the shards */
    const char *data_dir;
};

/* Returns -1 to go on, else the exit code. */
static int parse_args(int argc, char **argv, struct sopts *o)
{
    static const struct option longopts[] = {
        {"lang", required_argument, NULL, 'l'},
        {"format", required_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"data-dir", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    enum bx_severity sev;
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (cli_parse_lang(optarg, &o->lang) != 0) {
                return cli_usage_error("summary", "unknown language", optarg);
            }
            break;
        case 'f':
            if (cli_parse_format(optarg, &o->format) != 0) {
                return cli_usage_error("summary", "unknown format", optarg);
            }
            break;
        case 'F':
            if (cli_parse_severity(optarg, &sev) != 0) {
                return cli_usage_error("summary", "unknown severity", optarg);
            }
            o->fail_on = (int)sev;
            break;
        case 'd':
            o->data_dir = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return BX_EXIT_OK;
        default:
            return cli_usage_error("summary", "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        return cli_usage_error("summary", "no reports", NULL);
    }
    return -1;
}

/* Read every report; returns the exit code. */
static int read_all(struct bx_summary *s, char **files, int n,
                    enum bx_lang lang)
{
    struct bx_diags diags;
    int rc = BX_OK;
    int i;

    bx_diags_init(&diags);
    for (i = 0; rc == BX_OK && i < n; i++) {
        rc = bx_summary_read(s, files[i], &diags);
    }
    cli_print_diags(stderr, &diags, lang);
    bx_diags_release(&diags);
    if (rc == BX_E_NOMEM) {
        cli_internal_error("summary", NULL, rc);
        return BX_EXIT_INTERNAL;
    }
    return rc == BX_OK ? BX_EXIT_OK : BX_EXIT_IO;
}

/* Render the merged report; returns the exit code. */
static int render(struct bx_summary *s, const struct sopts *o,
                  enum bx_severity fail_on)
{
    struct bx_context *ctx = NULL;
    struct bx_options lib;
    struct bx_report rep;
    struct bx_totals t;
    char *text = NULL;
    size_t len = 0;
    size_t i;
    int code = BX_EXIT_OK;
    int rc;

    if (o->format == BX_REPORT_HTML) {
        bx_options_init(&lib);
        code = cli_open_context(o->data_dir, &lib, o->lang, &ctx);
    }
    rc = code == BX_EXIT_OK ? bx_summary_report(s, o->lang, fail_on, &rep)
                            : BX_E_DATA;
    if (rc == BX_OK) {
        rc = bx_report_render(&rep, o->format, ctx, &text, &len);
    }
    if (rc == BX_OK && cli_write_stdout(text, len) != 0) {
        fprintf(stderr, "budgetx summary: cannot write the report\n");
        code = BX_EXIT_INTERNAL;
    } else if (rc != BX_OK && code == BX_EXIT_OK) {
        cli_internal_error("summary", NULL, rc);
        code = BX_EXIT_INTERNAL;
    }
    if (rc == BX_OK && code == BX_EXIT_OK) {
        bx_totals_init(&t, fail_on);
        for (i = 0; i < rep.nfiles; i++) {
            bx_totals_add(&t, &rep.files[i]);
        }
        code = t.exit_code;
    }
    free(text);
    bx_context_free(ctx);
    return code;
}

int cmd_summary(int argc, char **argv)
{
    struct bx_summary *s = NULL;
    struct sopts o;
    int fail_on;
    int rc;

    memset(&o, 0, sizeof(o));
    o.lang = cli_lang_default();
    o.format = BX_REPORT_TEXT;
    o.fail_on = -1;
    rc = parse_args(argc, argv, &o);
    if (rc >= 0) {
        return rc;
    }
    if (bx_summary_new(&s) != BX_OK) {
        cli_internal_error("summary", NULL, BX_E_NOMEM);
        return BX_EXIT_INTERNAL;
    }
    rc = read_all(s, argv + optind, argc - optind, o.lang);
    fail_on = o.fail_on >= 0 ? o.fail_on : bx_summary_fail_on(s);
    if (rc == BX_EXIT_OK && fail_on == -2) {
        rc = cli_usage_error("summary",
                             "the reports were made with different "
                             "--fail-on (choose one with --fail-on)",
                             NULL);
    }
    if (rc == BX_EXIT_OK) {
        rc = render(s, &o,
                    fail_on < 0 ? BX_SEV_ERROR : (enum bx_severity)fail_on);
    }
    bx_summary_free(s);
    return rc;
}
