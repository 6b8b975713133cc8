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

enum { OPT_OUTPUT = CLI_OPT_OWN, OPT_FORCE, OPT_FORMAT, OPT_TRUST };

#define MAX_TRUST 16

/* --trust, shared by verify and unpack */
#define ENTRY_TRUST                                                                   \
    {                                                                                 \
        OPT_TRUST, 0, "trust", "FILE", "@file",                                       \
            "require a signature by this certificate or\npublic key (PEM); "          \
            "repeatable: any one\nwill do",                                           \
            "要求由此证书或公钥（PEM）签名；\n可重复，任一即可" \
    }

static const struct cli_option verify_options[] = {
    ENTRY_TRUST,
    CLI_ENTRY_LANG("language of messages", "消息语言"),
    {OPT_FORMAT, 0, "format", "FORMAT", "text json", "text (default) or json",
     "text（默认）或 json"},
    CLI_ENTRY_FAIL_ON,
    CLI_ENTRY_QUIET,
    CLI_ENTRY_MIN_SEVERITY,
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_END};

static const struct cli_option unpack_options[] = {
    {OPT_OUTPUT, 'o', "output", "DIR", "@dir",
     "target directory (required; must not exist\nor be empty)",
     "目标目录（必需；不得存在或须为空）"},
    {OPT_FORCE, 0, "force", NULL, NULL,
     "replace a directory holding an unpacked bundle",
     "替换存放已解包提交包的目录"},
    ENTRY_TRUST,
    CLI_ENTRY_LANG("language of messages", "消息语言"),
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_END};

struct vopts {
    struct cli_common c;
    const char *output;
    int force;
    enum bx_report_format format;
    const char *trust[MAX_TRUST];
    struct bx_verify_opts v;
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
    case OPT_TRUST:
        if (o->v.ntrust == MAX_TRUST) {
            return cli_fail(p, "too many --trust", arg);
        }
        o->trust[o->v.ntrust++] = arg;
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
    bx_verify_opts_init(&o->v);
    o->v.trust = o->trust;
    rc = cli_parse(p, &o->c, own_option, o);
    if (rc >= 0) {
        return rc;
    }
    o->v.fail_on = o->c.fail_on;
    if (p->nfiles == 0) {
        return cli_usage_error(p->cmd->name, "no bundle given", NULL);
    }
    return -1;
}

/* "; signed by …" when a signature was checked. */
static void print_signature(const struct bx_verify *v, int zh)
{
    if (v->signature == 2) {
        printf(zh ? "；由信任的 %s 签名" : "; signed by %s, trusted",
               v->signer);
    } else if (v->signature == 1) {
        printf(zh ? "；已签名（%s），未对照信任锚检查"
                  : "; signed (%s), not checked against a trust anchor",
               v->signer);
    } else if (v->signature == -2) {
        printf(zh ? "；签名者（%s）不受信任" : "; signed by %s, NOT trusted",
               v->signer);
    } else if (v->signature < 0) {
        printf(zh ? "；签名无效" : "; signature INVALID");
    }
}

/*
 * "bundle.zip: intact; 1 submission; accepted" after the findings; the
 * signature and an extraction that failed are said apart.
 */
static void print_status(const struct bx_verify *v, enum bx_lang lang)
{
    int zh = lang == BX_LANG_ZH;
    char shown[1024];
    const char *path = bx_display(v->result.path, shown, sizeof(shown));

    if (v->status != BX_OK) {
        printf(zh ? "%s：无法读取\n" : "%s: unreadable\n", path);
        return;
    }
    printf(zh ? "%s：%s；提交文件 %zu 个%s；%s"
              : "%s: %s; %zu submission%s; %s",
           path,
           v->intact ? (zh ? "完整" : "intact")
                     : (zh ? "已被改动或不完整" : "ALTERED or incomplete"),
           v->nsubmissions, zh ? "" : (v->nsubmissions == 1 ? "" : "s"),
           v->intact && v->accepted ? (zh ? "通过" : "accepted")
                                    : (zh ? "未通过" : "rejected"));
    print_signature(v, zh);
    if (v->extract_status != BX_OK) {
        printf(zh ? "；解包失败，未写入任何文件"
                  : "; extraction FAILED, nothing written");
    }
    printf("\n");
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
        bx_bundle_verify_with(ctx, p.files[i], &o.v, &v[i]);
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
    bx_bundle_verify_with(ctx, p.files[0], &o.v, &v);
    rc = bx_verify_exit_code(&v);
    if (rc == BX_EXIT_INTERNAL) {
        cli_internal_error("unpack", p.files[0], v.status);
    }
    if (v.status == BX_OK && v.intact) {
        /* the bundle's verdict stands; a failed extraction is worse */
        urc = bx_bundle_unpack(&v, o.output, o.force);
        if (urc != BX_OK && bx_status_exit_code(urc) > rc) {
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
    "digests), check its signature, then re-validate every submission with\n"
    "the current schema and rules, say whether the recorded verdict still\n"
    "holds, and render its renditions again to compare them byte for byte.",
    "严格读取每个提交包（路径、重名、链接、加密、大小、CRC、压缩比），\n"
    "与其清单核对（每个文件都已列出、存在，大小及 SHA-256、SM3 摘要\n"
    "一致），检查签名，再用当前的模式和规则重新校验每个提交文件，说明\n"
    "记录的结论是否仍然成立，并重新生成各呈现逐字节比较。",
    verify_options,
    "\nexit codes: 0 every bundle intact and accepted, 1 a bundle altered\n"
    "(or not signed by a --trust key) or a submission rejected, 2 usage,\n"
    "3 a bundle unreadable or not a zip we accept, 4 internal error\n",
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
    "extract it into DIR, all or nothing: into a temporary directory next\n"
    "to DIR, renamed to DIR at the end.  Nothing is ever written outside.",
    "检查 BUNDLE（同 budgetx verify），完整时解压到目录 DIR，要么全部\n"
    "成功要么不留痕迹：先写入 DIR 旁的临时目录，最后改名为 DIR。不会\n"
    "写到其外。",
    unpack_options,
    "\nexit codes: 0 extracted (and accepted), 1 not intact or a submission\n"
    "rejected (an intact bundle is still extracted), 2 usage, 3 unreadable\n"
    "bundle, or extraction failed (the target exists, is read-only or\n"
    "full; the bundle's own verdict is printed apart), 4 internal error\n",
    "\n退出码：0 已解压（且通过），1 不完整或有提交文件未通过（完整的\n"
    "提交包仍会解压），2 用法错误，3 提交包无法读取，或解包失败（目标\n"
    "已存在、只读或空间不足；提交包本身的结论另行给出），4 内部错误\n",
    "@file",
};
