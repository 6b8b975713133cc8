/*
 * budgetx validate: check submissions and print one report for the run.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cli_batch.h"
#include "cmd.h"

enum {
    OPT_FORMAT = CLI_OPT_OWN,
    OPT_SCHEMA_ONLY,
    OPT_ALL_RULES,
    OPT_CODES,
    OPT_OUTPUT,
    OPT_INCLUDE
};

static const struct cli_option options[] = {
    CLI_ENTRY_LANG("language of messages (default: from the\nlocale, zh "
                   "for zh_*)",
                   "消息语言（默认取自区域设置，\nzh_* 为中文）"),
    {OPT_FORMAT, 0, "format", "FORMAT", "text json xml html jsonl xlsx",
     "text (default), json, xml, html, or jsonl\n(one JSON line per file as "
     "it finishes,\nthen a summary line); xlsx: the submission's\nworkbook "
     "with every finding on its cell\n(needs -o, one FILE)",
     "text（默认）、json、xml、html 或 jsonl\n（每个文件完成时输出一行 "
     "JSON，\n最后一行汇总）；xlsx：提交文件的工作簿，\n每个问题标注在"
     "其单元格上\n（需要 -o，一个文件）"},
    {OPT_OUTPUT, 'o', "output", "FILE", "@file",
     "--format xlsx: the workbook to write", "--format xlsx：要写入的工作簿"},
    CLI_ENTRY_FAIL_ON,
    CLI_ENTRY_QUIET,
    CLI_ENTRY_MIN_SEVERITY,
    CLI_ENTRY_DATA_DIR,
    {OPT_SCHEMA_ONLY, 0, "schema-only", NULL, NULL,
     "check the schema only, not the business rules",
     "只做模式校验，不检查业务规则"},
    CLI_ENTRY_MAX_SIZE,
    {OPT_ALL_RULES, 0, "all-rules", NULL, NULL,
     "json/xml: every rule's outcome (passed, failed,\nnot assessable and "
     "why), not only the counts",
     "json/xml：列出每条规则的结果（通过、未通过、\n无法判断及原因），"
     "而不只是计数"},
    {OPT_CODES, 0, "codes", "DIR", NULL,
     "code lists imported with 'budgetx codes import'\n(function.xml, "
     "dep-economic.xml, ...) used instead\nof the bundled ones",
     "用“budgetx codes import”导入的代码表目录\n（function.xml、"
     "dep-economic.xml 等），代替随附的代码表"},
    {OPT_INCLUDE, 0, "include", "GLOB", NULL, "the same as --include-glob",
     "同 --include-glob"},
    CLI_ENTRIES_BATCH,
    CLI_ENTRY_END};

struct vopts {
    struct cli_batch batch;
    struct cli_common c;
    enum bx_report_format format;
    int xlsx;           /* --format xlsx */
    const char *output; /* -o */
    int all_rules;
};

/* validate's own options; 0 or CLI_EXIT. */
static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct vopts *o = data;
    int b = cli_batch_option(p, &o->batch,
                             id == OPT_INCLUDE ? CLI_OPT_GLOB : id, arg);

    if (b != 0) {
        return b == CLI_EXIT ? CLI_EXIT : 0;
    }
    switch (id) {
    case OPT_FORMAT:
        o->xlsx = strcmp(arg, "xlsx") == 0;
        if (!o->xlsx && cli_parse_format(arg, &o->format) != 0) {
            return cli_fail(p, "unknown format", arg);
        }
        break;
    case OPT_SCHEMA_ONLY:
        o->c.lib.no_rules = 1;
        break;
    case OPT_OUTPUT:
        o->output = arg;
        break;
    case OPT_ALL_RULES:
        o->all_rules = 1;
        break;
    case OPT_CODES:
        o->c.lib.codes_dir = arg;
        break;
    default:
        break;
    }
    return 0;
}

/* --format xlsx: write the annotated workbook; 0 or -1 (printed). */
static int annotate(struct bx_context *ctx, struct bx_check *chk,
                    const struct vopts *o)
{
    struct bx_diags diags;
    struct bx_output out;
    int rc;

    if (chk->sub == NULL) {
        return 0; /* unreadable: the report says why */
    }
    bx_diags_init(&diags);
    bx_output_init(&out);
    rc = bx_xlsx_annotate(ctx, chk->sub, &chk->diags, o->c.lang, &diags,
                          &out);
    if (rc == BX_OK) {
        rc = bx_output_write(&out, o->output, 1, &diags);
    }
    cli_print_diags(stderr, &diags, o->c.lang);
    bx_output_release(&out);
    bx_diags_release(&diags);
    return rc == BX_OK ? 0 : -1;
}

/* The report settings of the command line. */
static void report_init(struct bx_report *rep, const struct vopts *o)
{
    memset(rep, 0, sizeof(*rep));
    rep->lang = o->c.lang;
    rep->fail_on = o->c.fail_on;
    rep->min_severity = o->c.min_severity;
    rep->quiet = o->c.quiet;
    rep->verdict_lines = 1;
    rep->all_rules = o->all_rules;
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
    int annotate_failed; /* --format xlsx: the workbook not written */
};

/* Worker thread: check input 'i'; the document is not kept. */
static void *check_one(void *user, size_t i)
{
    struct vrun *r = user;
    const char *path = r->in->paths[i];
    struct bx_check *chk =
        r->checks != NULL ? &r->checks[i] : malloc(sizeof(*chk));

    if (chk != NULL) {
        if (bx_is_workbook(path)) {
            bx_check_workbook(r->ctx, path, chk);
        } else {
            bx_check_file(r->ctx, path, chk);
        }
        /* --format xlsx has one input: no other thread writes this */
        if (r->o->xlsx && annotate(r->ctx, chk, r->o) != 0) {
            r->annotate_failed = 1;
        }
        bx_check_drop_document(chk);
    }
    return chk;
}

/* Write one jsonl line; BX_OK or BX_E_IO. */
static int write_line(const struct vrun *r, const struct bx_check *chk)
{
    struct bx_report rep;
    char *line = NULL;
    size_t len = 0;
    int rc;

    report_init(&rep, r->o);
    rc = bx_report_jsonl_file(&rep, &chk->result, &line, &len);

    if (rc == BX_OK && cli_write_stdout(line, len) != 0) {
        rc = BX_E_IO;
    }
    free(line);
    return rc;
}

/* Why the report could not be written: memory ran out while it was
 * made (status 'rc'), or writing it failed. */
static const char *report_failure(int rc)
{
    return rc == BX_E_NOMEM ? "out of memory" : "cannot write the report";
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
                      !bx_file_accepted(&chk->result, r->o->c.fail_on));
    if (r->checks == NULL) {
        rc = write_line(r, chk);
        bx_check_release(chk);
        free(chk);
    }
    if (rc != BX_OK) {
        fprintf(stderr, "budgetx validate: %s\n", report_failure(rc));
        r->exit_code = BX_EXIT_INTERNAL;
    }
    return rc;
}

/* The whole report, rendered once every file is checked. */
static int write_report(struct vrun *r, size_t n)
{
    struct bx_file_result *results = calloc(n ? n : 1, sizeof(*results));
    struct bx_report rep;
    struct bx_diags rdiags;
    char *text = NULL;
    size_t len = 0;
    size_t i;
    int rc = BX_E_NOMEM;

    bx_diags_init(&rdiags);
    if (results != NULL) {
        for (i = 0; i < n; i++) {
            results[i] = r->checks[i].result;
        }
        report_init(&rep, r->o);
        rep.files = results;
        rep.nfiles = n;
        rc = bx_report_render_diags(&rep, r->o->format, r->ctx, &rdiags, &text,
                                    &len);
    }
    if (rc != BX_OK || cli_write_stdout(text, len) != 0) {
        cli_print_diags(stderr, &rdiags, r->o->c.lang);
        fprintf(stderr, "budgetx validate: %s\n", cli_tr(report_failure(rc)));
        rc = BX_E_IO;
    }
    bx_diags_release(&rdiags);
    free(text);
    free(results);
    return rc;
}

static int write_summary(struct vrun *r)
{
    char *line = NULL;
    size_t len = 0;
    const struct cli_batch *b = &r->o->batch;
    int rc = bx_report_jsonl_summary_shard(
        &r->totals, b->shard_count > 0 ? &b->shard : NULL, &line, &len);

    if (rc != BX_OK || cli_write_stdout(line, len) != 0) {
        fprintf(stderr, "budgetx validate: %s\n", report_failure(rc));
        rc = BX_E_IO;
    }
    free(line);
    return rc;
}

/* Check every input and report; returns the exit code. */
static int run(struct bx_context *ctx, const struct vopts *o)
{
    const struct bx_inputs *in = &o->batch.inputs;
    struct vrun r;
    size_t i;
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.o = o;
    r.in = in;
    bx_totals_init(&r.totals, o->c.fail_on);
    if (o->format != BX_REPORT_JSONL) {
        r.checks = calloc(in->count ? in->count : 1, sizeof(*r.checks));
        if (r.checks == NULL) {
            cli_internal_error("validate", NULL, BX_E_NOMEM);
            return BX_EXIT_INTERNAL;
        }
    }
    rc = cli_batch_run(&o->batch, &r.progress,
                       o->batch.unordered && r.checks == NULL, check_one,
                       file_done, &r);
    if (rc == BX_OK) {
        rc = r.checks != NULL ? write_report(&r, in->count) : write_summary(&r);
    }
    if (rc != BX_OK && r.exit_code == BX_EXIT_OK) {
        r.exit_code = BX_EXIT_INTERNAL;
    }
    if (r.annotate_failed && r.exit_code < BX_EXIT_IO) {
        r.exit_code = BX_EXIT_IO;
    }
    for (i = 0; r.checks != NULL && i < in->count; i++) {
        bx_check_release(&r.checks[i]);
    }
    free(r.checks);
    return r.exit_code > r.totals.exit_code ? r.exit_code : r.totals.exit_code;
}

static int cmd_validate(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct cli_parser p;
    struct vopts o;
    int rc;

    memset(&o, 0, sizeof(o));
    cli_common_init(&o.c);
    cli_batch_init(&o.batch);
    o.format = BX_REPORT_TEXT;
    cli_parser_init(&p, &cmd_validate_def, argc, argv);
    rc = cli_parse(&p, &o.c, own_option, &o);
    if (rc >= 0) {
        return rc;
    }
    rc = cli_batch_inputs(&o.batch, "validate", p.files, p.nfiles, o.c.lang);
    if (rc == BX_EXIT_OK && o.xlsx &&
        (o.output == NULL || o.batch.inputs.count != 1)) {
        rc = cli_usage_error("validate",
                             "--format xlsx needs -o FILE and one input", NULL);
    }
    if (rc == BX_EXIT_OK && o.batch.inputs.count == 1) {
        cli_heap_one_document(o.batch.inputs.paths[0]);
    }
    if (rc == BX_EXIT_OK) {
        /* the rule set loads on the other core while the schema is
         * compiled and the first file read and checked against it */
        rc = cli_open_context_prefetch(o.c.data_dir, &o.c.lib, o.c.lang, 1,
                                       NULL, &ctx);
    }
    if (rc == BX_EXIT_OK && !o.xlsx) {
        /* the annotated workbook embeds the source: the rest never holds
         * it */
        bx_context_read_as_parsed(ctx, 1);
    }
    if (rc == BX_EXIT_OK) {
        rc = run(ctx, &o);
    }
    cli_close_context(ctx);
    cli_batch_release(&o.batch);
    return rc;
}

const struct cli_command cmd_validate_def = {
    "validate",
    cmd_validate,
    "check submissions against the schema and the business rules",
    "按模式和业务规则校验提交文件",
    "[options] FILE|DIR...",
    "Check budget disclosure submissions (XML, gzip-compressed XML, or a\n"
    "budgetx workbook filled in: .xlsx)\n"
    "against the disclosure schema and the business rules, and print one\n"
    "report: a line per finding, FILE:LINE[:COL]: severity: [CODE] message,\n"
    "and a summary line.  FILE '-' reads standard input; a directory\n"
    "contributes its *.xml and *.xml.gz files, recursively.",
    "按公开文件模式和业务规则校验部门预算公开提交文件（XML 或 gzip\n"
    "压缩的 XML），输出一份报告：每个问题一行（文件:行[:列]: 级别: [代码] "
    "说明），\n"
    "最后是汇总行。文件为“-”时读标准输入；目录则递归读入其中的\n"
    "*.xml 与 *.xml.gz 文件。",
    options,
    "\nexit codes (the worst over all files):\n"
    "  0  every file valid\n"
    "  1  some file invalid\n"
    "  2  usage error\n"
    "  3  a file unreadable or not XML\n"
    "  4  internal error\n",
    "\n退出码（取全部文件中最差者）：\n"
    "  0  全部文件有效\n"
    "  1  有文件无效\n"
    "  2  用法错误\n"
    "  3  有文件无法读取或不是 XML\n"
    "  4  内部错误\n",
    "@file",
};
