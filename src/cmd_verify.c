/*
 * budgetx verify: check bundles on receipt.  budgetx unpack: extract a
 * verified bundle safely.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

enum { OPT_OUTPUT = CLI_OPT_OWN, OPT_FORCE, OPT_FORMAT };

static const struct cli_option verify_options[] = {
    CLI_ENTRY_LANG("language of messages", "消息语言"),
    {OPT_FORMAT, 0, "format", "FORMAT", "text json", "text (default) or json",
     "text（默认）或 json"},
    CLI_ENTRY_FAIL_ON,
    CLI_ENTRY_QUIET,
    CLI_ENTRY_MIN_SEVERITY,
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_END};

static const struct cli_option unpack_options[] = {
    {OPT_OUTPUT, 'o', "output", "DIR", "@dir", "target directory (required)",
     "目标目录（必需）"},
    {OPT_FORCE, 0, "force", NULL, NULL, "replace existing files",
     "替换已有的文件"},
    CLI_ENTRY_LANG("language of messages", "消息语言"),
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_END};

struct vopts {
    struct cli_common c;
    const char *output;
    int force;
    enum bx_report_format format;
};

/* verify's and unpack's own options; 0 or CLI_EXIT. */
static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct vopts *o = data;

    switch (id) {
    case OPT_OUTPUT:
        o->output = arg;
        break;
    case OPT_FORCE:
        o->force = 1;
        break;
    case OPT_FORMAT:
        if (strcmp(arg, "json") == 0) {
            o->format = BX_REPORT_JSON;
        } else if (strcmp(arg, "text") != 0) {
            return cli_fail(p, "unknown format", arg);
        }
        break;
    default:
        break;
    }
    return 0;
}

/* Parse; -1 to go on, else the exit code. */
static int parse_args(struct cli_parser *p, struct vopts *o)
{
    int rc;

    memset(o, 0, sizeof(*o));
    cli_common_init(&o->c);
    o->format = BX_REPORT_TEXT;
    rc = cli_parse(p, &o->c, own_option, o);
    if (rc >= 0) {
        return rc;
    }
    if (p->nfiles == 0) {
        return cli_usage_error(p->cmd->name, "no bundle given", NULL);
    }
    return -1;
}

/* "bundle.zip: intact; 1 submission; accepted" after the findings. */
static void print_status(const struct bx_verify *v, enum bx_lang lang)
{
    int zh = lang == BX_LANG_ZH;
    char shown[1024];
    const char *path = bx_display(v->result.path, shown, sizeof(shown));

    if (v->status != BX_OK) {
        printf(zh ? "%s：无法读取\n" : "%s: unreadable\n", path);
        return;
    }
    printf(zh ? "%s：%s；提交文件 %zu 个%s；%s\n"
              : "%s: %s; %zu submission%s; %s\n",
           path,
           v->intact ? (zh ? "完整" : "intact")
                     : (zh ? "已被改动或不完整" : "ALTERED or incomplete"),
           v->nsubmissions, zh ? "" : (v->nsubmissions == 1 ? "" : "s"),
           v->intact && v->accepted ? (zh ? "通过" : "accepted")
                                    : (zh ? "未通过" : "rejected"));
}

static int print_report(struct bx_verify *v, size_t n, const struct vopts *o,
                        struct bx_context *ctx)
{
    struct bx_diags rdiags;
    struct bx_file_result *files = calloc(n, sizeof(*files));
    struct bx_report rep;
    char *text = NULL;
    size_t len = 0;
    size_t i;
    int rc = 0;

    if (files == NULL) {
        return -1;
    }
    for (i = 0; i < n; i++) {
        files[i] = v[i].result;
    }
    memset(&rep, 0, sizeof(rep));
    rep.files = files;
    rep.nfiles = n;
    rep.lang = o->c.lang;
    rep.fail_on = o->c.fail_on;
    rep.min_severity = o->c.min_severity;
    rep.quiet = o->c.quiet;
    bx_diags_init(&rdiags);
    if (bx_report_render_diags(&rep, o->format, ctx, &rdiags, &text, &len) !=
            BX_OK ||
        cli_write_stdout(text, len) != 0) {
        cli_print_diags(stderr, &rdiags, o->c.lang);
        rc = -1;
    }
    bx_diags_release(&rdiags);
    for (i = 0; rc == 0 && o->format == BX_REPORT_TEXT && i < n; i++) {
        print_status(&v[i], o->c.lang);
    }
    free(text);
    free(files);
    return rc;
}

static int cmd_verify(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct cli_parser p;
    struct bx_verify *v;
    struct vopts o;
    int n;
    int i;
    int code;
    int rc;

    cli_parser_init(&p, &cmd_verify_def, argc, argv);
    rc = parse_args(&p, &o);
    if (rc >= 0) {
        return rc;
    }
    rc = cli_open_context(o.c.data_dir, &o.c.lib, o.c.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    n = p.nfiles;
    v = calloc((size_t)n, sizeof(*v));
    for (i = 0; v != NULL && i < n; i++) {
        bx_bundle_verify(ctx, p.files[i], o.c.fail_on, &v[i]);
        code = bx_verify_exit_code(&v[i]);
        if (code == BX_EXIT_INTERNAL) {
            cli_internal_error("verify", p.files[i], v[i].status);
        }
        rc = code > rc ? code : rc;
    }
    if (v == NULL) {
        cli_internal_error("verify", NULL, BX_E_NOMEM);
        rc = BX_EXIT_INTERNAL;
    } else if (print_report(v, (size_t)n, &o, ctx) != 0) {
        fprintf(stderr, "budgetx verify: cannot write the report\n");
        rc = BX_EXIT_INTERNAL;
    }
    for (i = 0; v != NULL && i < n; i++) {
        bx_verify_release(&v[i]);
    }
    free(v);
    bx_context_free(ctx);
    return rc;
}

static int cmd_unpack(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct cli_parser p;
    struct bx_verify v;
    struct vopts o;
    int rc;
    int urc;

    cli_parser_init(&p, &cmd_unpack_def, argc, argv);
    rc = parse_args(&p, &o);
    if (rc >= 0) {
        return rc;
    }
    if (o.output == NULL) {
        return cli_usage_error("unpack", "no target directory (-o DIR)", NULL);
    }
    if (p.nfiles != 1) {
        return cli_usage_error("unpack", "exactly one bundle expected", NULL);
    }
    rc = cli_open_context(o.c.data_dir, &o.c.lib, o.c.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    bx_bundle_verify(ctx, p.files[0], o.c.fail_on, &v);
    rc = bx_verify_exit_code(&v);
    if (rc == BX_EXIT_INTERNAL) {
        cli_internal_error("unpack", p.files[0], v.status);
    }
    if (v.status == BX_OK && v.intact) {
        urc = bx_bundle_unpack(&v, o.output, o.force);
        if (urc != BX_OK) {
            rc = bx_status_exit_code(urc);
        }
    }
    if (print_report(&v, 1, &o, ctx) != 0) {
        fprintf(stderr, "budgetx unpack: cannot write the report\n");
        rc = BX_EXIT_INTERNAL;
    }
    bx_verify_release(&v);
    bx_context_free(ctx);
    return rc;
}

const struct cli_command cmd_verify_def = {
    "verify",
    cmd_verify,
    "check received bundles, re-validate submissions",
    "检查收到的提交包，重新校验提交文件",
    "[options] BUNDLE...",
    "Read each bundle strictly (paths, duplicates, links, encryption,\n"
    "sizes, CRCs, compression ratios), compare it with its manifest\n"
    "(every file listed, present, of the listed size and SHA-256 and SM3\n"
    "digests), then re-validate every submission with the current schema\n"
    "and rules and say whether the recorded verdict still holds.",
    "严格读取每个提交包（路径、重名、链接、加密、大小、CRC、压缩比），\n"
    "与其清单核对（每个文件都已列出、存在，大小及 SHA-256、SM3 摘要\n"
    "一致），再用当前的模式和规则重新校验每个提交文件，说明记录的结论\n"
    "是否仍然成立。",
    verify_options,
    "\nexit codes: 0 every bundle intact and accepted, 1 a bundle altered\n"
    "or a submission rejected, 2 usage, 3 a bundle unreadable or not a\n"
    "zip we accept, 4 internal error\n",
    "\n退出码：0 全部提交包完整且通过，1 有提交包被改动或有提交文件\n"
    "未通过，2 用法错误，3 有提交包无法读取或不是可接受的 zip，\n"
    "4 内部错误\n",
    "@file",
};

const struct cli_command cmd_unpack_def = {
    "unpack",
    cmd_unpack,
    "extract a verified bundle into a directory",
    "把通过检查的提交包解压到一个目录",
    "[options] BUNDLE -o DIR",
    "Verify BUNDLE (as budgetx verify does) and, when it is intact,\n"
    "extract it into DIR (created if missing).  Nothing is ever written\n"
    "outside DIR; an existing file is replaced only with --force.",
    "检查 BUNDLE（同 budgetx verify），完整时解压到目录 DIR（不存在则\n"
    "创建）。不会写到 DIR 之外；已有文件只在给出 --force 时被替换。",
    unpack_options,
    "\nexit codes: 0 extracted (and accepted), 1 not intact or a submission\n"
    "rejected (an intact bundle is still extracted), 2 usage, 3 unreadable\n"
    "bundle or target not writable, 4 internal error\n",
    "\n退出码：0 已解压（且通过），1 不完整或有提交文件未通过（完整的\n"
    "提交包仍会解压），2 用法错误，3 提交包无法读取或目标不可写，\n"
    "4 内部错误\n",
    "@file",
};
