/*
 * budgetx validate: check submissions and print one report for the run.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

enum { OPT_FORMAT = CLI_OPT_OWN, OPT_SCHEMA_ONLY, OPT_ALL_RULES, OPT_CODES };

static const struct cli_option options[] = {
    CLI_ENTRY_LANG("language of messages (default: from the\nlocale, zh "
                   "for zh_*)",
                   "消息语言（默认取自区域设置，\nzh_* 为中文）"),
    {OPT_FORMAT, 0, "format", "FORMAT", "text json xml html",
     "text (default), json, xml or html", "text（默认）、json、xml 或 html"},
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
    CLI_ENTRY_END};

struct vopts {
    struct cli_common c;
    enum bx_report_format format;
    int all_rules;
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

/* validate's own options; 0 or CLI_EXIT. */
static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct vopts *o = data;

    switch (id) {
    case OPT_FORMAT:
        if (parse_format(arg, &o->format) != 0) {
            return cli_fail(p, "unknown format", arg);
        }
        break;
    case OPT_SCHEMA_ONLY:
        o->c.lib.no_rules = 1;
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

/* Check every file and render the report; returns the exit code. */
static int run(struct bx_context *ctx, char **files, int nfiles,
               const struct vopts *o)
{
    struct bx_check *checks = calloc((size_t)nfiles, sizeof(*checks));
    struct bx_file_result *results = calloc((size_t)nfiles, sizeof(*results));
    struct bx_report rep;
    struct bx_diags rdiags;
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
        code = bx_check_exit_code(&checks[i], o->c.fail_on);
        if (code > exit_code) {
            exit_code = code;
        }
    }
    memset(&rep, 0, sizeof(rep));
    rep.files = results;
    rep.nfiles = (size_t)nfiles;
    rep.lang = o->c.lang;
    rep.fail_on = o->c.fail_on;
    rep.min_severity = o->c.min_severity;
    rep.quiet = o->c.quiet;
    rep.verdict_lines = 1;
    rep.all_rules = o->all_rules;
    bx_diags_init(&rdiags);
    if (bx_report_render_diags(&rep, o->format, ctx, &rdiags, &text, &len) !=
            BX_OK ||
        cli_write_stdout(text, len) != 0) {
        cli_print_diags(stderr, &rdiags, o->c.lang);
        fprintf(stderr, "budgetx validate: cannot write the report\n");
        exit_code = BX_EXIT_INTERNAL;
    }
    bx_diags_release(&rdiags);
    free(text);
    for (i = 0; i < nfiles; i++) {
        bx_check_release(&checks[i]);
    }
    free(checks);
    free(results);
    return exit_code;
}

static int cmd_validate(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct cli_parser p;
    struct vopts o;
    int rc;

    cli_common_init(&o.c);
    o.format = BX_REPORT_TEXT;
    o.all_rules = 0;
    cli_parser_init(&p, &cmd_validate_def, argc, argv);
    rc = cli_parse(&p, &o.c, own_option, &o);
    if (rc >= 0) {
        return rc;
    }
    if (p.nfiles == 0) {
        return cli_usage_error("validate", "no input files", NULL);
    }
    rc = cli_open_context(o.c.data_dir, &o.c.lib, o.c.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    rc = run(ctx, p.files, p.nfiles, &o);
    bx_context_free(ctx);
    return rc;
}

const struct cli_command cmd_validate_def = {
    "validate",
    cmd_validate,
    "check submissions against the schema and the business rules",
    "按模式和业务规则校验提交文件",
    "[options] FILE...",
    "Check budget disclosure submissions (XML, or gzip-compressed XML)\n"
    "against the disclosure schema and the business rules, and print one\n"
    "report: a line per finding, FILE:LINE[:COL]: severity: [CODE] message,\n"
    "and a summary line.  FILE '-' reads standard input.",
    "按公开文件模式和业务规则校验部门预算公开提交文件（XML 或 gzip\n"
    "压缩的 XML），输出一份报告：每个问题一行（文件:行[:列]: 级别: [代码] "
    "说明），\n"
    "最后是汇总行。文件为“-”时读标准输入。",
    options,
    "\nexit codes:\n"
    "  0  every file valid\n"
    "  1  some file invalid\n"
    "  2  usage error\n"
    "  3  a file unreadable or not XML\n"
    "  4  internal error\n",
    "\n退出码：\n"
    "  0  全部文件有效\n"
    "  1  有文件无效\n"
    "  2  用法错误\n"
    "  3  有文件无法读取或不是 XML\n"
    "  4  内部错误\n",
    "@file",
};
