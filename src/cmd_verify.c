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
    "digests), check its signature, then re-validate every submission with\n"
    "the current schema and rules, say whether the recorded verdict still\n"
    "holds, and render its renditions again to compare them byte for byte.\n"
    "\n"
    "options:\n"
    "  --trust FILE          require a signature by this certificate or\n"
    "                        public key (PEM); repeatable: any one will do\n"
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
    "extract it into DIR, all or nothing: into a temporary directory next\n"
    "to DIR, renamed to DIR at the end.  Nothing is ever written outside.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR      target directory (required; must not exist\n"
    "                        or be empty)\n"
    "  --force               replace a directory holding an unpacked bundle\n"
    "  --trust FILE          require a signature by this certificate or\n"
    "                        public key (PEM); repeatable\n"
    "  --lang zh|en          language of messages\n"
    "  --data-dir DIR        where schemas/ and xslt/ are\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit codes: 0 extracted (and accepted), 1 not intact or a submission\n"
    "rejected (an intact bundle is still extracted), 2 usage, 3 unreadable\n"
    "bundle, or extraction failed (the target exists, is read-only or\n"
    "full; the bundle's own verdict is printed apart), 4 internal error\n";

#define MAX_TRUST 16

struct vopts {
    const char *cmd;
    const char *output;
    const char *data_dir;
    const char *trust[MAX_TRUST];
    int force;
    enum bx_lang lang;
    enum bx_report_format format;
    struct bx_verify_opts v;
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
        {"trust", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 't':
            if (o->v.ntrust == MAX_TRUST) {
                return cli_usage_error(o->cmd, "too many --trust", optarg);
            }
            o->trust[o->v.ntrust++] = optarg;
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
            if (cli_parse_severity(optarg, &o->v.fail_on) != 0) {
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
    bx_verify_opts_init(&o->v);
    o->v.trust = o->trust;
    bx_options_init(&o->lib);
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

    if (v->status != BX_OK) {
        printf(zh ? "%s：无法读取\n" : "%s: unreadable\n", v->result.path);
        return;
    }
    printf(zh ? "%s：%s；提交文件 %zu 个%s；%s"
              : "%s: %s; %zu submission%s; %s",
           v->result.path,
           v->intact ? (zh ? "完整" : "intact")
                     : (zh ? "已被改动或不完整" : "ALTERED or incomplete"),
           v->nsubmissions, zh ? "" : (v->nsubmissions == 1 ? "" : "s"),
           v->intact && v->accepted ? (zh ? "通过" : "accepted")
                                    : (zh ? "未通过" : "rejected"));
    print_signature(v, zh);
    if (v->extract_status != BX_OK) {
        printf(zh ? "；解包失败，未写入任何文件"
                  : "; extraction FAILED, nothing "
                    "written");
    }
    printf("\n");
}

static int print_report(struct bx_verify *v, size_t n, const struct vopts *o,
                        struct bx_context *ctx)
{
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
    rep.fail_on = o->v.fail_on;
    if (bx_report_render(&rep, o->format, ctx, &text, &len) != BX_OK ||
        cli_write_stdout(text, len) != 0) {
        rc = -1;
    }
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
        bx_bundle_verify_with(ctx, argv[optind + i], &o.v, &v[i]);
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
    bx_bundle_verify_with(ctx, argv[optind], &o.v, &v);
    rc = bx_verify_exit_code(&v);
    if (rc == BX_EXIT_INTERNAL) {
        cli_internal_error("unpack", argv[optind], v.status);
    }
    if (v.status == BX_OK && v.intact) {
        /* the bundle's verdict stands; a failed extraction is worse */
        urc = bx_bundle_unpack(&v, o.output, o.force);
        if (urc == BX_E_NOMEM) {
            rc = BX_EXIT_INTERNAL;
        } else if (urc != BX_OK && rc < BX_EXIT_IO) {
            rc = BX_EXIT_IO;
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
