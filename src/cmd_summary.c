/*
 * budgetx summary: merge the JSON Lines reports of the shards of a run
 * (validate --format jsonl on several machines) into one report.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cli_batch.h"
#include "cmd.h"

enum { OPT_FORMAT = CLI_OPT_OWN, OPT_FAIL_ON, OPT_FILES_FROM, OPT_NUL };

static const struct cli_option options[] = {
    {OPT_FORMAT, 0, "format", "FORMAT", "text json xml html jsonl",
     "text (default), json, xml, html or jsonl",
     "text（默认）、json、xml、html 或 jsonl"},
    CLI_ENTRY_LANG("language of messages (default: from the\nlocale)",
                   "消息语言（默认取自区域设置）"),
    {OPT_FAIL_ON, 0, "fail-on", "SEVERITY", "error warning info",
     "error, warning or info (default: what the\nshards recorded)",
     "error、warning 或 info（默认：各分片\n记录的值）"},
    {OPT_FILES_FROM, 0, "files-from", "FILE", "@file",
     "the list given to validate --files-from ('-':\n"
     "standard input): the reports must hold its\n"
     "paths exactly (not read, only compared)",
     "validate --files-from 所用的列表（“-”为\n"
     "标准输入）：各报告须恰好包含其中的路径\n"
     "（只比较，不读取这些文件）"},
    {OPT_NUL, '0', "null", NULL, NULL, "--files-from paths are NUL-separated",
     "--files-from 的路径以 NUL 分隔"},
    CLI_ENTRY_QUIET,
    CLI_ENTRY_MIN_SEVERITY,
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_END};

struct sopts {
    struct cli_common c;
    int fail_on; /* -1: from the shards */
    enum bx_report_format format;
    const char *files_from; /* NULL: no list to compare with */
    int nul;
};

/* summary's own options; 0 or CLI_EXIT. */
static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct sopts *o = data;
    enum bx_severity sev;

    if (id == OPT_FORMAT && cli_parse_format(arg, &o->format) != 0) {
        return cli_fail(p, "unknown format", arg);
    }
    if (id == OPT_FAIL_ON) {
        if (cli_parse_severity(arg, &sev) != 0) {
            return cli_fail(p, "unknown severity", arg);
        }
        o->fail_on = (int)sev;
    }
    if (id == OPT_FILES_FROM) {
        o->files_from = arg;
    }
    if (id == OPT_NUL) {
        o->nul = 1;
    }
    return 0;
}

/* --files-from: the reports hold exactly the paths of the list. */
static int check_list(struct bx_summary *s, const struct sopts *o,
                      struct bx_diags *diags)
{
    struct bx_inputs list;
    int rc;

    bx_inputs_init(&list);
    rc = bx_summary_read_list(&list, o->files_from, o->nul, diags);
    if (rc == BX_OK) {
        rc = bx_summary_check_list(s, &list, o->files_from, diags);
    }
    bx_inputs_release(&list);
    return rc;
}

/* Read every report and check they are one complete set (of the list
 * of --files-from, if given); returns the exit code. */
static int read_all(struct bx_summary *s, char **files, int n,
                    const struct sopts *o)
{
    struct bx_diags diags;
    int rc = BX_OK;
    int one;
    int i;

    bx_diags_init(&diags);
    for (i = 0; rc == BX_OK && i < n; i++) {
        rc = bx_summary_read(s, files[i], &diags);
    }
    if (rc == BX_OK) {
        rc = bx_summary_check(s, &diags);
    }
    /* every report read: compare them with the list too */
    if ((rc == BX_OK || rc == BX_E_PARSE) && i == n && o->files_from != NULL) {
        one = check_list(s, o, &diags);
        rc = rc == BX_OK || one == BX_E_NOMEM ? one : rc;
    }
    cli_print_diags(stderr, &diags, o->c.lang);
    bx_diags_release(&diags);
    if (rc == BX_E_NOMEM || rc == BX_E_INTERNAL) {
        cli_internal_error("summary", NULL, rc);
        return BX_EXIT_INTERNAL;
    }
    return rc == BX_OK ? BX_EXIT_OK : BX_EXIT_IO;
}

/* Render the merged report; returns the exit code. */
static int render(struct bx_summary *s, struct sopts *o,
                  enum bx_severity fail_on)
{
    struct bx_context *ctx = NULL;
    struct bx_report rep;
    struct bx_totals t;
    char *text = NULL;
    size_t len = 0;
    size_t i;
    int code = BX_EXIT_OK;
    int rc;

    if (o->format == BX_REPORT_HTML) {
        code = cli_open_context(o->c.data_dir, &o->c.lib, o->c.lang, &ctx);
    }
    rc = code == BX_EXIT_OK ? bx_summary_report(s, o->c.lang, fail_on, &rep)
                            : BX_E_DATA;
    rep.min_severity = o->c.min_severity;
    rep.quiet = o->c.quiet;
    rep.verdict_lines = 1;
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

static int reads_stdin(char **files, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        if (strcmp(files[i], "-") == 0) {
            return 1;
        }
    }
    return 0;
}

static int cmd_summary(int argc, char **argv)
{
    struct bx_summary *s = NULL;
    struct cli_parser p;
    struct sopts o;
    int fail_on;
    int rc;

    memset(&o, 0, sizeof(o));
    cli_common_init(&o.c);
    o.fail_on = -1;
    o.format = BX_REPORT_TEXT;
    cli_parser_init(&p, &cmd_summary_def, argc, argv);
    rc = cli_parse(&p, &o.c, own_option, &o);
    if (rc >= 0) {
        return rc;
    }
    if (p.nfiles == 0) {
        return cli_usage_error("summary", "no reports", NULL);
    }
    if (o.files_from != NULL && strcmp(o.files_from, "-") == 0 &&
        reads_stdin(p.files, p.nfiles)) {
        return cli_usage_error("summary",
                               "--files-from - and report '-' both read "
                               "standard input",
                               NULL);
    }
    if (bx_summary_new(&s) != BX_OK) {
        cli_internal_error("summary", NULL, BX_E_NOMEM);
        return BX_EXIT_INTERNAL;
    }
    rc = read_all(s, p.files, p.nfiles, &o);
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

const struct cli_command cmd_summary_def = {
    "summary",
    cmd_summary,
    "merge the jsonl reports of shards into one report",
    "把各分片的 jsonl 报告合并为一份报告",
    "[options] REPORT.jsonl...",
    "Merge JSON Lines reports ('budgetx validate --format jsonl', one per\n"
    "shard of a run) into one report, files sorted by path: the same\n"
    "bytes whatever the order of the shards.  REPORT '-' reads standard\n"
    "input.\n"
    "\n"
    "Nothing is merged unless the reports are one complete set: each must\n"
    "end with its summary line, whose counts match its file lines (a run\n"
    "cut short or an empty report is refused: rerun that shard); the same\n"
    "report may not be given twice; shards of 'validate --shard I/N' must\n"
    "all come from one list and N, each I from 0 to N-1 exactly once.\n"
    "\n"
    "--files-from LIST (the list validate was given; -0 NUL-separated,\n"
    "'-' standard input): the reports must also hold exactly the paths of\n"
    "LIST, each as many times as listed, compared byte for byte (the\n"
    "listed files are not read): a chunk of 'parallel --pipe' that left no\n"
    "report is named by its paths.  With --shard reports, LIST must be the\n"
    "list they were cut from.",
    "把 JSON Lines 报告（“budgetx validate --format jsonl”，每个分片一份）\n"
    "合并为一份报告，文件按路径排序：无论分片顺序如何，结果逐字节相同。\n"
    "报告为“-”时读标准输入。\n"
    "\n"
    "只有完整的一组报告才会合并：每份报告须以汇总行结尾，且汇总行的计数与\n"
    "其文件行相符（运行中断的报告或空报告被拒绝：请重新运行该分片）；同一\n"
    "份报告不得给出两次；“validate --shard I/N”的各分片须来自同一列表和\n"
    "同一 N，I 从 0 到 N-1 各出现一次。\n"
    "\n"
    "--files-from LIST（validate 所用的列表；-0 以 NUL 分隔，“-”为标准\n"
    "输入）：各报告还须恰好包含 LIST 中的路径，每个路径出现的次数与列表中\n"
    "相同，逐字节比较（不读取所列文件）：“parallel --pipe”中没有留下报告的\n"
    "分块会以其路径指出。对 --shard 的报告，LIST 须是切分分片所用的列表。",
    options,
    "\nexit codes: the worst over all files, as validate's (0 all\n"
    "accepted, 1 some rejected, 3 some unreadable, 4 internal error);\n"
    "2 usage error; 3 a report unreadable, not a budgetx jsonl report,\n"
    "incomplete, given twice, shards not one complete set, or not the\n"
    "paths of --files-from\n",
    "\n退出码：取全部文件中最差者，与 validate 相同（0 全部通过，1 有未通过，\n"
    "3 有无法读取的文件，4 内部错误）；2 用法错误；3 报告无法读取、不是\n"
    "budgetx 的 jsonl 报告、不完整、重复给出、各分片不成完整的一组，或与\n"
    "--files-from 的路径不符\n",
    "@file",
};
