/*
 * budgetx validate: check submissions and print one report for the run.
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
    "usage: budgetx validate [options] FILE|DIR...\n"
    "\n"
    "Check budget disclosure submissions (XML, or gzip-compressed XML)\n"
    "against the disclosure schema and the business rules, and print one\n"
    "report: a line per finding, FILE:LINE:COL: severity: [CODE] message,\n"
    "and a summary line.  FILE '-' reads standard input; a directory\n"
    "contributes its *.xml and *.xml.gz files, recursively.\n"
    "\n"
    "options:\n"
    "  --lang zh|en          language of messages (default: from the\n"
    "                        locale, zh for zh_*)\n"
    "  --format FORMAT       text (default), json, xml, html, or jsonl\n"
    "                        (one JSON line per file as it finishes,\n"
    "                        then a summary line)\n"
    "  --include GLOB        same as --include-glob\n"
    "  --fail-on SEVERITY    error (default), warning or info: the lowest\n"
    "                        severity that rejects a file\n"
    "  --data-dir DIR        where schemas/ and xslt/ are (default:\n"
    "                        $BUDGETX_DATADIR, else next to the program)\n"
    "  --schema-only         check the schema only, not the business rules\n"
    "  --max-size BYTES      largest input accepted, after gunzip\n"
    "                        (default 67108864)\n"
    "  -h, --help            show this help\n"
    "\n"
    "%s"
    "\n"
    "exit codes (the worst over all files):\n"
    "  0  every file valid\n"
    "  1  some file invalid\n"
    "  2  usage error\n"
    "  3  a file unreadable or not XML\n"
    "  4  internal error\n";

struct vopts {
    struct cli_batch batch;
    enum bx_lang lang;
    enum bx_report_format format;
    enum bx_severity fail_on;
    const char *data_dir;
    struct bx_options lib;
};

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
        {"include", required_argument, NULL, CLI_BATCH_GLOB},
        CLI_BATCH_LONGOPTS,
        {NULL, 0, NULL, 0}};
    char *end;
    int c;
    int b;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "h" CLI_BATCH_SHORTOPTS, longopts,
                            NULL)) != -1) {
        b = cli_batch_option(&o->batch, "validate", c, optarg);
        if (b < 0) {
            return -b;
        }
        if (b > 0) {
            continue;
        }
        switch (c) {
        case 'l':
            if (cli_parse_lang(optarg, &o->lang) != 0) {
                return cli_usage_error("validate", "unknown language", optarg);
            }
            break;
        case 'f':
            if (cli_parse_format(optarg, &o->format) != 0) {
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
            o->lib.limits.max_bytes = strtoull(optarg, &end, 10);
            if (*end != '\0' || o->lib.limits.max_bytes == 0) {
                return cli_usage_error("validate", "invalid size", optarg);
            }
            break;
        case 's':
            o->lib.no_rules = 1;
            break;
        case 'h':
            printf(help, cli_batch_help);
            return BX_EXIT_OK;
        default:
            return cli_usage_error("validate", "unknown option",
                                   argv[optind - 1]);
        }
    }
    return -1;
}

/* One run: what the workers share and what done() accumulates. */
struct vrun {
    struct bx_context *ctx;
    const struct vopts *o;
    const struct bx_inputs *in;
    struct bx_check *checks; /* every file's (not for jsonl: NULL) */
    struct bx_totals totals;
    struct cli_progress progress;
    int exit_code;
};

/* Worker thread: check input 'i'; the document is not kept. */
static void *check_one(void *user, size_t i)
{
    struct vrun *r = user;
    struct bx_check *chk =
        r->checks != NULL ? &r->checks[i] : malloc(sizeof(*chk));

    if (chk != NULL) {
        bx_check_file(r->ctx, r->in->paths[i], chk);
        bx_check_drop_document(chk);
    }
    return chk;
}

/* Write one jsonl line; BX_OK or BX_E_IO. */
static int write_line(const struct vrun *r, const struct bx_check *chk)
{
    char *line = NULL;
    size_t len = 0;
    int rc = bx_report_jsonl_file(&chk->result, r->o->lang, r->o->fail_on,
                                  &line, &len);

    if (rc == BX_OK && cli_write_stdout(line, len) != 0) {
        rc = BX_E_IO;
    }
    free(line);
    return rc;
}

/* Calling thread, in input order: count, show progress, stream jsonl. */
static int file_done(void *user, size_t i, void *result)
{
    struct vrun *r = user;
    struct bx_check *chk = result;
    int rc = BX_OK;

    if (chk == NULL) {
        cli_internal_error("validate", r->in->paths[i], BX_E_NOMEM);
        r->exit_code = BX_EXIT_INTERNAL;
        return BX_E_NOMEM;
    }
    bx_totals_add(&r->totals, &chk->result);
    cli_progress_step(&r->progress,
                      !bx_file_accepted(&chk->result, r->o->fail_on));
    if (r->checks == NULL) {
        rc = write_line(r, chk);
        bx_check_release(chk);
        free(chk);
    }
    if (rc != BX_OK) {
        fprintf(stderr, "budgetx validate: cannot write the report\n");
        r->exit_code = BX_EXIT_INTERNAL;
    }
    return rc;
}

/* The whole report, rendered once every file is checked. */
static int write_report(struct vrun *r, size_t n)
{
    struct bx_file_result *results = calloc(n ? n : 1, sizeof(*results));
    struct bx_report rep;
    char *text = NULL;
    size_t len = 0;
    size_t i;
    int rc = BX_E_NOMEM;

    if (results != NULL) {
        for (i = 0; i < n; i++) {
            results[i] = r->checks[i].result;
        }
        memset(&rep, 0, sizeof(rep));
        rep.files = results;
        rep.nfiles = n;
        rep.lang = r->o->lang;
        rep.fail_on = r->o->fail_on;
        rc = bx_report_render(&rep, r->o->format, r->ctx, &text, &len);
    }
    if (rc != BX_OK || cli_write_stdout(text, len) != 0) {
        fprintf(stderr, "budgetx validate: cannot write the report\n");
        rc = BX_E_IO;
    }
    free(text);
    free(results);
    return rc;
}

static int write_summary(struct vrun *r)
{
    char *line = NULL;
    size_t len = 0;
    int rc = bx_report_jsonl_summary(&r->totals, &line, &len);

    if (rc != BX_OK || cli_write_stdout(line, len) != 0) {
        fprintf(stderr, "budgetx validate: cannot write the report\n");
        rc = BX_E_IO;
    }
    free(line);
    return rc;
}

/* Check every input and report; returns the exit code. */
static int run(struct bx_context *ctx, const struct vopts *o)
{
    const struct bx_inputs *in = &o->batch.inputs;
    struct bx_batch b;
    struct vrun r;
    size_t i;
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.o = o;
    r.in = in;
    bx_totals_init(&r.totals, o->fail_on);
    if (o->format != BX_REPORT_JSONL) {
        r.checks = calloc(in->count ? in->count : 1, sizeof(*r.checks));
        if (r.checks == NULL) {
            cli_internal_error("validate", NULL, BX_E_NOMEM);
            return BX_EXIT_INTERNAL;
        }
    }
    memset(&b, 0, sizeof(b));
    b.count = in->count;
    b.jobs = o->batch.jobs;
    b.unordered = o->batch.unordered && r.checks == NULL;
    b.work = check_one;
    b.done = file_done;
    b.user = &r;
    cli_progress_start(&r.progress, o->batch.progress, in->count);
    rc = bx_batch_run(&b);
    cli_progress_end(&r.progress);
    if (rc == BX_OK) {
        rc = r.checks != NULL ? write_report(&r, in->count) : write_summary(&r);
    }
    if (rc != BX_OK && r.exit_code == BX_EXIT_OK) {
        r.exit_code = BX_EXIT_INTERNAL;
    }
    for (i = 0; r.checks != NULL && i < in->count; i++) {
        bx_check_release(&r.checks[i]);
    }
    free(r.checks);
    return r.exit_code > r.totals.exit_code ? r.exit_code : r.totals.exit_code;
}

int cmd_validate(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct vopts o;
    int rc;

    memset(&o, 0, sizeof(o));
    cli_batch_init(&o.batch);
    o.lang = cli_lang_default();
    o.format = BX_REPORT_TEXT;
    o.fail_on = BX_SEV_ERROR;
    bx_options_init(&o.lib);
    rc = parse_args(argc, argv, &o);
    if (rc >= 0) {
        return rc; /* --help, or a usage error */
    }
    if (rc < 0) {
        rc = cli_batch_inputs(&o.batch, "validate", argv + optind,
                              argc - optind, o.lang);
    }
    if (rc == BX_EXIT_OK) {
        rc = cli_open_context(o.data_dir, &o.lib, o.lang, &ctx);
    }
    if (rc == BX_EXIT_OK) {
        rc = run(ctx, &o);
    }
    bx_context_free(ctx);
    cli_batch_release(&o.batch);
    return rc;
}
