/*
 * budgetx bundle: validate submissions and write one deterministic zip
 * with the submissions, their reports, renditions and a manifest.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

static const char help[] =
    "usage: budgetx bundle [options] FILE...\n"
    "\n"
    "Validate submissions and package them into one zip for upload: the\n"
    "submissions, their validation reports (XML), renditions and\n"
    "manifest.xml with sizes, SHA-256 and SM3 digests.  The same inputs\n"
    "give byte-identical bundles.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE     bundle to write (default:\n"
    "                        {财政区划代码}-{部门代码}-{年度}-budget.zip\n"
    "                        from the first submission)\n"
    "  --include LIST        renditions, comma-separated, from html, csv,\n"
    "                        json, platform (default: html,platform;\n"
    "                        'none' for none)\n"
    "  --allow-invalid       bundle rejected submissions too; the manifest\n"
    "                        records the rejected verdict\n"
    "  --force               replace an existing bundle\n"
    "  --sign KEY            sign the manifest with this PEM private key\n"
    "                        (SM2 with SM3, RSA-PSS or ECDSA P-256 with\n"
    "                        SHA-256): adds manifest.sig\n"
    "  --cert CERT           with --sign: the key's PEM certificate, stored\n"
    "                        in manifest.sig instead of the bare public key\n"
    "  --fail-on SEVERITY    error (default), warning or info\n"
    "  --lang zh|en          language of messages and renditions\n"
    "  --data-dir DIR        where schemas/ and xslt/ are\n"
    "  -h, --help            show this help\n"
    "\n"
    "The entry time is SOURCE_DATE_EPOCH when set, else the first\n"
    "submission's publication date, else 1 January of its fiscal year.\n"
    "\n"
    "exit codes: 0 bundle written, 1 a submission rejected, 2 usage,\n"
    "3 an input unreadable or the output not writable, 4 internal error\n";

struct bopts {
    const char *output;
    const char *data_dir;
    int force;
    struct bx_bundle_opts b;
    struct bx_options lib;
};

static int parse_args(int argc, char **argv, struct bopts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"include", required_argument, NULL, 'i'},
        {"allow-invalid", no_argument, NULL, 'a'},
        {"force", no_argument, NULL, 'f'},
        {"fail-on", required_argument, NULL, 'F'},
        {"lang", required_argument, NULL, 'l'},
        {"data-dir", required_argument, NULL, 'd'},
        {"sign", required_argument, NULL, 's'},
        {"cert", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            o->output = optarg;
            break;
        case 'i':
            o->b.include = strcmp(optarg, "none") == 0 ? "" : optarg;
            break;
        case 'a':
            o->b.allow_invalid = 1;
            break;
        case 'f':
            o->force = 1;
            break;
        case 'F':
            if (cli_parse_severity(optarg, &o->b.fail_on) != 0) {
                return cli_usage_error("bundle", "unknown severity", optarg);
            }
            break;
        case 'l':
            if (cli_parse_lang(optarg, &o->b.lang) != 0) {
                return cli_usage_error("bundle", "unknown language", optarg);
            }
            break;
        case 'd':
            o->data_dir = optarg;
            break;
        case 's':
            o->b.sign_key = optarg;
            break;
        case 'c':
            o->b.sign_cert = optarg;
            break;
        case 'h':
            fputs(help, stdout);
            return BX_EXIT_OK;
        default:
            return cli_usage_error("bundle", "unknown option",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc) {
        return cli_usage_error("bundle", "no input files", NULL);
    }
    if (o->b.sign_cert != NULL && o->b.sign_key == NULL) {
        return cli_usage_error("bundle", "--cert needs --sign KEY", NULL);
    }
    for (c = optind; o->output != NULL && c < argc; c++) {
        if (cli_same_file(o->output, argv[c])) {
            return cli_usage_error("bundle",
                                   "the bundle would replace an input (not "
                                   "even --force does that)",
                                   argv[c]);
        }
    }
    return -1;
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
    int rc = bx_write_file(name, zip, len, o->force);

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
                    name, strerror(errno));
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
                strerror(errno));
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
            worst = rc == BX_E_INVALID ? BX_EXIT_INVALID
                    : rc == BX_E_ARG   ? BX_EXIT_USAGE
                    : rc == BX_E_IO    ? BX_EXIT_IO /* --sign KEY */
                                       : BX_EXIT_INTERNAL;
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

int cmd_bundle(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct bopts o;
    long long epoch;
    int rc;

    memset(&o, 0, sizeof(o));
    bx_bundle_opts_init(&o.b);
    o.b.lang = cli_lang_default();
    bx_options_init(&o.lib);
    rc = parse_args(argc, argv, &o);
    if (rc >= 0) {
        return rc;
    }
    epoch = source_date_epoch();
    if (epoch == -2) {
        return cli_usage_error("bundle", "invalid SOURCE_DATE_EPOCH",
                               getenv("SOURCE_DATE_EPOCH"));
    }
    o.b.mtime = epoch;
    rc = cli_open_context(o.data_dir, &o.lib, o.b.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    rc = run(ctx, argv + optind, argc - optind, &o);
    bx_context_free(ctx);
    return rc;
}
