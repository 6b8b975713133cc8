/*
 * budgetx bundle: validate submissions and write one deterministic zip
 * with the submissions, their reports, renditions and a manifest.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

enum {
    OPT_OUTPUT = CLI_OPT_OWN,
    OPT_INCLUDE,
    OPT_ALLOW_INVALID,
    OPT_FORCE,
    OPT_SIGN,
    OPT_CERT
};

static const struct cli_option options[] = {
    {OPT_OUTPUT, 'o', "output", "FILE", "@file",
     "bundle to write, '-' for standard output\n(default: "
     "{财政区划代码}-{部门代码}-{年度}-budget.zip\nfrom the first "
     "submission)",
     "要写入的提交包，“-”为标准输出\n（默认：{财政区划代码}-{部门代码}-"
     "{年度}-budget.zip，\n取自第一个提交文件）"},
    {OPT_INCLUDE, 0, "include", "LIST", "html csv json platform none",
     "renditions, comma-separated, from html, csv,\njson, platform "
     "(default: html,platform;\n'none' for none)",
     "随附的转换结果，逗号分隔，可选 html、csv、\njson、platform"
     "（默认 html,platform；\n“none”表示不附）"},
    {OPT_ALLOW_INVALID, 0, "allow-invalid", NULL, NULL,
     "bundle rejected submissions too; the manifest\nrecords the rejected "
     "verdict",
     "未通过的提交文件也打包；清单中记录\n未通过结论"},
    {OPT_FORCE, 0, "force", NULL, NULL, "replace an existing bundle",
     "替换已有的提交包"},
    {OPT_SIGN, 0, "sign", "KEY", "@file",
     "sign the manifest with this PEM private key\n(SM2 with SM3, RSA-PSS "
     "or ECDSA P-256 with\nSHA-256): adds manifest.sig",
     "用此 PEM 私钥对清单签名（SM2/SM3、\nRSA-PSS 或 ECDSA P-256/SHA-256），"
     "\n生成 manifest.sig"},
    {OPT_CERT, 0, "cert", "CERT", "@file",
     "with --sign: the key's PEM certificate, stored\nin manifest.sig "
     "instead of the bare public key",
     "与 --sign 同用：该私钥的 PEM 证书，代替\n公钥存入 manifest.sig"},
    CLI_ENTRY_FAIL_ON,
    CLI_ENTRY_LANG("language of messages and renditions",
                   "消息和转换结果的语言"),
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_MAX_SIZE,
    CLI_ENTRY_END};

struct bopts {
    struct cli_common c;
    const char *output;
    int force;
    struct bx_bundle_opts b;
};

/* bundle's own options; 0 or CLI_EXIT. */
static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct bopts *o = data;

    (void)p;
    switch (id) {
    case OPT_OUTPUT:
        o->output = arg;
        break;
    case OPT_INCLUDE:
        o->b.include = strcmp(arg, "none") == 0 ? "" : arg;
        break;
    case OPT_ALLOW_INVALID:
        o->b.allow_invalid = 1;
        break;
    case OPT_FORCE:
        o->force = 1;
        break;
    case OPT_SIGN:
        o->b.sign_key = arg;
        break;
    case OPT_CERT:
        o->b.sign_cert = arg;
        break;
    default:
        break;
    }
    return 0;
}

/* SOURCE_DATE_EPOCH as seconds, or -1 when unset; -2 when malformed. */
static long long source_date_epoch(void)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long v;

    if (s == NULL || s[0] == '\0') {
        return -1;
    }
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0) {
        return -2;
    }
    return v;
}

static int write_bundle(const struct bopts *o, const char *name,
                        const unsigned char *zip, size_t len)
{
    char shown[1024];
    int rc;

    if (cli_is_stdio(name)) {
        if (cli_write_stdout((const char *)zip, len) == 0) {
            return BX_EXIT_OK;
        }
        fprintf(stderr, "budgetx bundle: %s: %s\n",
                cli_ui_lang() == BX_LANG_ZH ? "无法写到标准输出"
                                            : "cannot write to standard output",
                cli_strerror(errno));
        return BX_EXIT_IO;
    }
    rc = bx_write_file(name, zip, len, o->force);
    name = bx_display(name, shown, sizeof(shown));
    if (rc == BX_E_IO && errno == EFBIG) {
        fprintf(stderr,
                "budgetx bundle: cannot write '%s': the bundle is larger "
                "than the file size limit (ulimit -f)\n",
                name);
        return BX_EXIT_IO;
    }
    if (rc == BX_OK) {
        /* the name is the result scripts read: losing it is a failure */
        if (printf("%s\n", name) < 0 || fflush(stdout) != 0) {
            fprintf(stderr,
                    "budgetx bundle: '%s' written, but not its name to "
                    "standard output: %s\n",
                    name, cli_strerror(errno));
            return BX_EXIT_IO;
        }
        return BX_EXIT_OK;
    }
    if (rc == BX_E_EXISTS) {
        fprintf(stderr,
                "budgetx bundle: '%s' exists (use --force to replace it)\n",
                name);
    } else {
        fprintf(stderr, "budgetx bundle: cannot write '%s': %s\n", name,
                cli_strerror(errno));
    }
    return BX_EXIT_IO;
}

static int run(struct bx_context *ctx, char **files, int n,
               const struct bopts *o)
{
    struct bx_check *checks = calloc((size_t)n, sizeof(*checks));
    struct bx_check **ptrs = calloc((size_t)n, sizeof(*ptrs));
    struct bx_diags diags;
    unsigned char *zip = NULL;
    char *name = NULL;
    size_t len = 0;
    int code = BX_EXIT_OK;
    int worst = BX_EXIT_OK;
    int rc;
    int i;

    bx_diags_init(&diags);
    if (checks == NULL || ptrs == NULL) {
        free(checks);
        free(ptrs);
        cli_internal_error("bundle", NULL, BX_E_NOMEM);
        return BX_EXIT_INTERNAL;
    }
    for (i = 0; i < n; i++) {
        ptrs[i] = &checks[i];
        bx_check_file(ctx, files[i], &checks[i]);
        code = bx_check_exit_code(&checks[i], o->b.fail_on);
        if (code != BX_EXIT_OK) {
            cli_print_diags(stderr, &checks[i].diags, o->b.lang);
        }
        if (code > worst && (code != BX_EXIT_INVALID || !o->b.allow_invalid ||
                             checks[i].sub == NULL)) {
            worst = code;
        }
    }
    if (worst == BX_EXIT_INVALID) {
        fprintf(
            stderr,
            o->b.lang == BX_LANG_ZH
                ? "budgetx bundle: 有提交文件未通过校验，未生成提交包（可用 "
                  "--allow-invalid 打包并记录未通过结论）\n"
                : "budgetx bundle: a submission was rejected; no bundle "
                  "written (--allow-invalid bundles it with the rejected "
                  "verdict recorded)\n");
    }
    if (worst == BX_EXIT_OK) {
        rc = bx_bundle_build(ctx, ptrs, (size_t)n, &o->b, &diags, &zip, &len);
        cli_print_diags(stderr, &diags, o->b.lang);
        if (rc == BX_OK) {
            name = o->output ? strdup(o->output)
                             : bx_bundle_default_name(&checks[0]);
            worst = name ? write_bundle(o, name, zip, len) : BX_EXIT_INTERNAL;
            rc = name ? BX_OK : BX_E_NOMEM;
        } else {
            worst = bx_status_exit_code(rc); /* --sign KEY unreadable: 3 */
        }
        if (worst == BX_EXIT_INTERNAL) {
            cli_internal_error("bundle", NULL, rc);
        }
    }
    for (i = 0; i < n; i++) {
        bx_check_release(&checks[i]);
    }
    free(checks);
    free(ptrs);
    free(zip);
    free(name);
    bx_diags_release(&diags);
    return worst;
}

/* --cert needs --sign; -o must not be an input.  -1 or the exit code. */
static int check_output(const struct bopts *o, const struct cli_parser *p)
{
    int i;

    if (o->b.sign_cert != NULL && o->b.sign_key == NULL) {
        return cli_usage_error("bundle", "--cert needs --sign KEY", NULL);
    }
    for (i = 0; o->output != NULL && i < p->nfiles; i++) {
        if (cli_same_file(o->output, p->files[i])) {
            return cli_usage_error("bundle",
                                   "the bundle would replace an input (not "
                                   "even --force does that)",
                                   p->files[i]);
        }
    }
    return -1;
}

static int cmd_bundle(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct cli_parser p;
    struct bopts o;
    long long epoch;
    int rc;

    memset(&o, 0, sizeof(o));
    cli_common_init(&o.c);
    bx_bundle_opts_init(&o.b);
    cli_parser_init(&p, &cmd_bundle_def, argc, argv);
    rc = cli_parse(&p, &o.c, own_option, &o);
    if (rc >= 0) {
        return rc;
    }
    if (p.nfiles == 0) {
        return cli_usage_error("bundle", "no input files", NULL);
    }
    rc = check_output(&o, &p);
    if (rc >= 0) {
        return rc;
    }
    o.b.lang = o.c.lang;
    o.b.fail_on = o.c.fail_on;
    epoch = source_date_epoch();
    if (epoch == -2) {
        return cli_usage_error("bundle", "invalid SOURCE_DATE_EPOCH",
                               getenv("SOURCE_DATE_EPOCH"));
    }
    o.b.mtime = epoch;
    rc = cli_open_context(o.c.data_dir, &o.c.lib, o.c.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    rc = run(ctx, p.files, p.nfiles, &o);
    bx_context_free(ctx);
    return rc;
}

const struct cli_command cmd_bundle_def = {
    "bundle",
    cmd_bundle,
    "package validated submissions into a zip for upload",
    "把通过校验的提交文件打包为上报用的 zip",
    "[options] FILE...",
    "Validate submissions and package them into one zip for upload: the\n"
    "submissions, their validation reports (XML), renditions and\n"
    "manifest.xml with sizes, SHA-256 and SM3 digests.  The same inputs\n"
    "give byte-identical bundles.",
    "校验提交文件并打包为一个上报用的 zip：提交文件、校验报告（XML）、\n"
    "转换结果，以及记录大小、SHA-256 和 SM3 摘要的 manifest.xml。\n"
    "相同的输入得到逐字节相同的提交包。",
    options,
    "\nThe entry time is SOURCE_DATE_EPOCH when set, else the first\n"
    "submission's publication date, else 1 January of its fiscal year.\n"
    "\nexit codes: 0 bundle written, 1 a submission rejected, 2 usage,\n"
    "3 an input unreadable or the output not writable, 4 internal error\n",
    "\n条目时间取 SOURCE_DATE_EPOCH（若已设置），否则取第一个提交文件的\n"
    "公开日期，否则取其预算年度的 1 月 1 日。\n"
    "\n退出码：0 已写出提交包，1 有提交文件未通过，2 用法错误，\n"
    "3 有输入无法读取或输出无法写入，4 内部错误\n",
    "@file",
};
