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
#include "cli_batch.h"
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
    CLI_ENTRIES_BATCH,
    CLI_ENTRY_END};

struct bopts {
    struct cli_batch batch;
    struct cli_common c;
    const char *output;
    int force;
    struct bx_bundle_opts b;
};

/* bundle's own options; 0 or CLI_EXIT. */
static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct bopts *o = data;
    int b = cli_batch_option(p, &o->batch, id, arg);

    if (b != 0) {
        return b == CLI_EXIT ? CLI_EXIT : 0;
    }
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

/* Non-zero when --sign failed: SIGN-* findings say why (key, cert). */
static int signing_failed(const struct bx_diags *diags)
{
    size_t i;

    for (i = 0; i < diags->count; i++) {
        if (strncmp(diags->items[i].code, "SIGN-", 5) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Finish the bundle as 'name' and print the name; returns the exit code. */
static int write_bundle(const struct bopts *o, struct bx_bundle *b,
                        const char *name, struct bx_diags *diags)
{
    char shown[1024];
    int rc;

    if (cli_is_stdio(name)) {
        rc = bx_bundle_finish_fd(b, 1, diags);
        if (rc == BX_OK) {
            return BX_EXIT_OK;
        }
        if (signing_failed(diags)) {
            return bx_status_exit_code(rc);
        }
        if (rc != BX_E_IO) {
            cli_internal_error("bundle", NULL, rc);
            return BX_EXIT_INTERNAL;
        }
        fprintf(stderr, "budgetx bundle: %s: %s\n",
                cli_ui_lang() == BX_LANG_ZH ? "无法写到标准输出"
                                            : "cannot write to standard output",
                cli_strerror(errno));
        return BX_EXIT_IO;
    }
    rc = bx_bundle_finish(b, name, o->force, diags);
    if (rc != BX_OK && signing_failed(diags)) {
        return bx_status_exit_code(rc); /* --sign KEY unreadable: 3 */
    }
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
        fprintf(
            stderr,
            cli_ui_lang() == BX_LANG_ZH
                ? "budgetx bundle：“%s”已存在（加 --force 可替换）\n"
                : "budgetx bundle: '%s' exists (use --force to replace it)\n",
            name);
    } else if (rc != BX_E_IO) {
        cli_internal_error("bundle", NULL, rc);
        return BX_EXIT_INTERNAL;
    } else {
        fprintf(stderr,
                cli_ui_lang() == BX_LANG_ZH
                    ? "budgetx bundle：无法写入“%s”：%s\n"
                    : "budgetx bundle: cannot write '%s': %s\n",
                name, cli_strerror(errno));
    }
    return BX_EXIT_IO;
}

/* One run: what the workers share and what done() accumulates. */
struct brun {
    struct bx_context *ctx;
    const struct bopts *o;
    const struct bx_inputs *in;
    struct bx_bundle *bundle;
    struct bx_diags diags; /* the bundle's own findings */
    struct cli_progress progress;
    int worst;
    int rc; /* the first failure of the bundle itself */
};

/* What a worker hands back for one input. */
struct bitem {
    struct bx_check chk;
    struct bx_bundle_part *part;
    int rc;
};

/* Worker thread: check, render and deflate one submission. */
static void *prepare_one(void *user, size_t i)
{
    struct brun *r = user;
    struct bitem *it = calloc(1, sizeof(*it));

    if (it == NULL) {
        return NULL;
    }
    bx_check_file(r->ctx, r->in->paths[i], &it->chk);
    if (it->chk.sub != NULL) {
        it->rc = bx_bundle_prepare(r->ctx, &it->chk, &r->o->b, &it->chk.diags,
                                   &it->part);
    }
    bx_check_drop_document(&it->chk);
    return it;
}

/* Calling thread, in input order: report the file, add its part. */
static int add_one(void *user, size_t i, void *result)
{
    struct brun *r = user;
    struct bitem *it = result;
    int code;

    if (it == NULL) {
        cli_internal_error("bundle", r->in->paths[i], BX_E_NOMEM);
        r->worst = BX_EXIT_INTERNAL;
        return BX_E_NOMEM;
    }
    code = bx_check_exit_code(&it->chk, r->o->b.fail_on);
    if (it->rc != BX_OK && bx_status_exit_code(it->rc) > code) {
        /* rendering stopped (out of memory, ...): its FATAL finding is no
         * verdict on the submission */
        code = bx_status_exit_code(it->rc);
    }
    if (code != BX_EXIT_OK || it->rc != BX_OK) {
        cli_print_diags(stderr, &it->chk.diags, r->o->b.lang);
    }
    cli_progress_step(&r->progress, code == BX_EXIT_INVALID);
    if (code > r->worst && (code != BX_EXIT_INVALID || !r->o->b.allow_invalid ||
                            it->chk.status != BX_OK)) {
        r->worst = code;
    }
    if (it->rc != BX_OK && r->rc == BX_OK) {
        r->rc = it->rc;
    }
    if (it->part != NULL) {
        bx_bundle_add_part(r->bundle, it->part, &r->diags);
    }
    bx_check_release(&it->chk);
    free(it);
    return BX_OK;
}

/* Where the spool goes: next to the output (the same file system). */
static char *output_dir(const char *output)
{
    const char *slash = output != NULL ? strrchr(output, '/') : NULL;

    if (slash == NULL) {
        return strdup(".");
    }
    if (slash == output) {
        return strdup("/");
    }
    return strndup(output, (size_t)(slash - output));
}

static void refused_message(const struct bopts *o)
{
    fprintf(stderr,
            o->b.lang == BX_LANG_ZH
                ? "budgetx bundle: 有提交文件未通过校验，未生成提交包（可用 "
                  "--allow-invalid 打包并记录未通过结论）\n"
                : "budgetx bundle: a submission was rejected; no bundle "
                  "written (--allow-invalid bundles it with the rejected "
                  "verdict recorded)\n");
}

/* After every input: write the bundle or say why not. */
static int conclude(struct brun *r)
{
    const struct bopts *o = r->o;
    const char *name = o->output ? o->output : bx_bundle_name(r->bundle);

    if (r->worst == BX_EXIT_INVALID) {
        refused_message(o);
    }
    if (r->worst != BX_EXIT_OK) {
        return r->worst;
    }
    if (r->rc != BX_OK) {
        cli_internal_error("bundle", NULL, r->rc);
        return BX_EXIT_INTERNAL;
    }
    if (r->in->count == 0) {
        return cli_usage_error("bundle", "no submission to bundle", NULL);
    }
    if (name == NULL) {
        cli_internal_error("bundle", NULL, BX_E_NOMEM);
        return BX_EXIT_INTERNAL;
    }
    return write_bundle(o, r->bundle, name, &r->diags);
}

static int run(struct bx_context *ctx, const struct bopts *o)
{
    struct brun r;
    char *dir = output_dir(o->output);
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.o = o;
    r.in = &o->batch.inputs;
    bx_diags_init(&r.diags);
    rc = dir != NULL ? bx_bundle_begin(ctx, &o->b, dir, &r.diags, &r.bundle)
                     : BX_E_NOMEM;
    free(dir);
    if (rc != BX_OK) {
        cli_print_diags(stderr, &r.diags, o->b.lang);
        bx_diags_release(&r.diags);
        if (rc == BX_E_ARG) {
            return BX_EXIT_USAGE;
        }
        cli_internal_error("bundle", NULL, rc);
        return rc == BX_E_IO ? BX_EXIT_IO : BX_EXIT_INTERNAL;
    }
    /* in input order: entry names and ids depend on it */
    rc = cli_batch_run(&o->batch, &r.progress, 0, prepare_one, add_one, &r);
    if (rc != BX_OK && r.worst == BX_EXIT_OK) {
        cli_internal_error("bundle", NULL, rc);
        r.worst = BX_EXIT_INTERNAL;
    }
    rc = conclude(&r);
    if (r.worst != BX_EXIT_INVALID) {
        cli_print_diags(stderr, &r.diags, o->b.lang);
    }
    bx_bundle_free(r.bundle);
    bx_diags_release(&r.diags);
    return rc;
}

/* -o must not be an input (after directories were walked): exit code. */
static int check_output(const struct bopts *o)
{
    const struct bx_inputs *in = &o->batch.inputs;
    size_t i;

    for (i = 0; o->output != NULL && i < in->count; i++) {
        if (cli_same_file(o->output, in->paths[i])) {
            return cli_usage_error("bundle",
                                   "the bundle would replace an input (not "
                                   "even --force does that)",
                                   in->paths[i]);
        }
    }
    return BX_EXIT_OK;
}

static int cmd_bundle(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct cli_parser p;
    struct bopts o;
    long long epoch;
    int rc;

    memset(&o, 0, sizeof(o));
    cli_batch_init(&o.batch);
    cli_common_init(&o.c);
    bx_bundle_opts_init(&o.b);
    cli_parser_init(&p, &cmd_bundle_def, argc, argv);
    rc = cli_parse(&p, &o.c, own_option, &o);
    if (rc >= 0) {
        return rc;
    }
    if (o.b.sign_cert != NULL && o.b.sign_key == NULL) {
        return cli_usage_error("bundle", "--cert needs --sign KEY", NULL);
    }
    o.b.lang = o.c.lang;
    o.b.fail_on = o.c.fail_on;
    epoch = source_date_epoch();
    if (epoch == -2) {
        return cli_usage_error("bundle", "invalid SOURCE_DATE_EPOCH",
                               getenv("SOURCE_DATE_EPOCH"));
    }
    o.b.mtime = epoch;
    rc = cli_batch_inputs(&o.batch, "bundle", p.files, p.nfiles, o.c.lang);
    if (rc == BX_EXIT_OK) {
        rc = check_output(&o);
    }
    if (rc == BX_EXIT_OK) {
        rc = cli_open_context(o.c.data_dir, &o.c.lib, o.c.lang, &ctx);
    }
    if (rc == BX_EXIT_OK) {
        rc = run(ctx, &o);
    }
    bx_context_free(ctx);
    cli_batch_release(&o.batch);
    return rc;
}

const struct cli_command cmd_bundle_def = {
    "bundle",
    cmd_bundle,
    "package validated submissions into a zip for upload",
    "把通过校验的提交文件打包为上报用的 zip",
    "[options] FILE|DIR...",
    "Validate submissions and package them into one zip for upload: the\n"
    "submissions, their validation reports (XML), renditions and\n"
    "manifest.xml with sizes, SHA-256 and SM3 digests.  The same inputs\n"
    "give byte-identical bundles, whatever --jobs.  Submissions are\n"
    "streamed: memory does not grow with their number.",
    "校验提交文件并打包为一个上报用的 zip：提交文件、校验报告（XML）、\n"
    "转换结果，以及记录大小、SHA-256 和 SM3 摘要的 manifest.xml。\n"
    "相同的输入得到逐字节相同的提交包，与 --jobs 无关。提交文件逐个\n"
    "流式写入：内存占用不随其数量增长。",
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
