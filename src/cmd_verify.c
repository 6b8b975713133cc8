/*
 * budgetx verify: check bundles on receipt.  budgetx unpack: extract a
 * verified bundle safely.
 */
#define _POSIX_C_SOURCE 200809L

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

static const char verify_help[] =
    "usage: budgetx verify [options] BUNDLE...\n"
    "\n"
    "Read each bundle strictly (paths, duplicates, links, encryption,\n"
    "sizes, CRCs, compression ratios), compare it with its manifest\n"
    "(every file listed, present, of the listed size and SHA-256 and SM3\n"
    "digests), then re-validate every submission with the current schema\n"
    "and rules and say whether the recorded verdict still holds.\n"
    "\n"
    "options:\n"
    "  --lang zh|en          language of messages\n"
    "  --format FORMAT       text (default) or json\n"
    "  --fail-on SEVERITY    error (default), warning or info\n"
    "  --data-dir DIR        where schemas/ and xslt/ are\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit codes: 0 every bundle intact and accepted, 1 a bundle altered\n"
    "or a submission rejected, 2 usage, 3 a bundle unreadable or not a\n"
    "zip we accept, 4 internal error\n";

static const char unpack_help[] =
    "usage: budgetx unpack [options] BUNDLE -o DIR\n"
    "\n"
    "Verify BUNDLE (as budgetx verify does) and, when it is intact,\n"
    "extract it into DIR (created if missing).  Nothing is ever written\n"
    "outside DIR; an existing file is replaced only with --force.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR      target directory (required)\n"
    "  --force               replace existing files\n"
    "  --lang zh|en          language of messages\n"
    "  --data-dir DIR        where schemas/ and xslt/ are\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit codes: 0 extracted (and accepted), 1 not intact or a submission\n"
    "rejected (an intact bundle is still extracted), 2 usage, 3 unreadable\n"
    "bundle or target not writable, 4 internal error\n";

struct vopts {
    const char *cmd;
    const char *output;
    const char *data_dir;
    int force;
    enum bx_lang lang;
    enum bx_report_format format;
    enum bx_severity fail_on;
    struct bx_options lib;
};

static int parse_args(int argc, char **argv, struct vopts *o, const char *help)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'f'},
        {"format", required_argument, NULL, 'm'},
        {"fail-on", required_argument, NULL, 'F'},
        {"lang", required_argument, NULL, 'l'},
        {"data-dir", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'f':
            o->force = 1;
            break;
        case 'm':
            if (strcmp(optarg, "json") == 0) {
                o->format = BX_REPORT_JSON;
            } else if (strcmp(optarg, "text") != 0) {
                return cli_usage_error(o->cmd, "unknown format", optarg);
            }
            break;
        case 'F':
            if (cli_parse_severity(optarg, &o->fail_on) != 0) {
                return cli_usage_error(o->cmd, "unknown severity", optarg);
            }
            break;
        case 'l':
            if (cli_parse_lang(optarg, &o->lang) != 0) {
                return cli_usage_error(o->cmd, "unknown language", optarg);
            }
            break;
        case 'd':
            o->data_dir = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return BX_EXIT_OK;
        default:
            return cli_usage_error(o->cmd, "unknown option", argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        return cli_usage_error(o->cmd, "no bundle given", NULL);
    }
    return -1;
}

static void init_opts(struct vopts *o, const char *cmd)
{
    memset(o, 0, sizeof(*o));
    o->cmd = cmd;
    o->lang = cli_lang_default();
    o->format = BX_REPORT_TEXT;
    o->fail_on = BX_SEV_ERROR;
    bx_options_init(&o->lib);
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
    rep.lang = o->lang;
    rep.fail_on = o->fail_on;
    bx_diags_init(&rdiags);
    if (bx_report_render_diags(&rep, o->format, ctx, &rdiags, &text, &len) !=
            BX_OK ||
        cli_write_stdout(text, len) != 0) {
        cli_print_diags(stderr, &rdiags, o->lang);
        rc = -1;
    }
    bx_diags_release(&rdiags);
    for (i = 0; rc == 0 && o->format == BX_REPORT_TEXT && i < n; i++) {
        print_status(&v[i], o->lang);
    }
    free(text);
    free(files);
    return rc;
}

int cmd_verify(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct bx_verify *v;
    struct vopts o;
    int n;
    int i;
    int code;
    int rc;

    init_opts(&o, "verify");
    rc = parse_args(argc, argv, &o, verify_help);
    if (rc >= 0) {
        return rc;
    }
    rc = cli_open_context(o.data_dir, &o.lib, o.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    n = argc - optind;
    v = calloc((size_t)n, sizeof(*v));
    for (i = 0; v != NULL && i < n; i++) {
        bx_bundle_verify(ctx, argv[optind + i], o.fail_on, &v[i]);
        code = bx_verify_exit_code(&v[i]);
        if (code == BX_EXIT_INTERNAL) {
            cli_internal_error("verify", argv[optind + i], v[i].status);
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

int cmd_unpack(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct bx_verify v;
    struct vopts o;
    int rc;
    int urc;

    init_opts(&o, "unpack");
    rc = parse_args(argc, argv, &o, unpack_help);
    if (rc >= 0) {
        return rc;
    }
    if (o.output == NULL) {
        return cli_usage_error("unpack", "no target directory (-o DIR)", NULL);
    }
    if (argc - optind != 1) {
        return cli_usage_error("unpack", "exactly one bundle expected", NULL);
    }
    rc = cli_open_context(o.data_dir, &o.lib, o.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    bx_bundle_verify(ctx, argv[optind], o.fail_on, &v);
    rc = bx_verify_exit_code(&v);
    if (rc == BX_EXIT_INTERNAL) {
        cli_internal_error("unpack", argv[optind], v.status);
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
