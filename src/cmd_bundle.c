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
#include "cli_batch.h"
#include "cmd.h"

static const char help[] =
    "usage: budgetx bundle [options] FILE|DIR...\n"
    "\n"
    "Validate submissions and package them into one zip for upload: the\n"
    "submissions, their validation reports (XML), renditions and\n"
    "manifest.xml with sizes, SHA-256 and SM3 digests.  The same inputs\n"
    "give byte-identical bundles, whatever --jobs.  Submissions are\n"
    "streamed: memory does not grow with their number.\n"
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
    "  --fail-on SEVERITY    error (default), warning or info\n"
    "  --lang zh|en          language of messages and renditions\n"
    "  --data-dir DIR        where schemas/ and xslt/ are\n"
    "  -h, --help            show this help\n"
    "\n"
    "%s"
    "\n"
    "The entry time is SOURCE_DATE_EPOCH when set, else the first\n"
    "submission's publication date, else 1 January of its fiscal year.\n"
    "\n"
    "exit codes: 0 bundle written, 1 a submission rejected, 2 usage,\n"
    "3 an input unreadable or the output not writable, 4 internal error\n";

struct bopts {
    struct cli_batch batch;
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
        {"help", no_argument, NULL, 'h'},
        CLI_BATCH_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int c;
    int b;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "ho:" CLI_BATCH_SHORTOPTS, longopts,
                            NULL)) != -1) {
        b = cli_batch_option(&o->batch, "bundle", c, optarg);
        if (b < 0) {
            return -b;
        }
        if (b > 0) {
            continue;
        }
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
        case 'h':
            printf(help, cli_batch_help);
            return BX_EXIT_OK;
        default:
            return cli_usage_error("bundle", "unknown option",
                                   argv[optind - 1]);
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

/* Finish the bundle as 'name' and print the name; returns the exit code. */
static int write_bundle(const struct bopts *o, struct bx_bundle *b,
                        const char *name, struct bx_diags *diags)
{
    int rc = bx_bundle_finish(b, name, o->force, diags);

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
    } else if (rc != BX_E_IO) {
        cli_internal_error("bundle", NULL, rc);
        return BX_EXIT_INTERNAL;
    } else {
        fprintf(stderr, "budgetx bundle: cannot write '%s': %s\n", name,
                strerror(errno));
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
    struct bx_batch b;
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
    memset(&b, 0, sizeof(b));
    b.count = r.in->count;
    b.jobs = o->batch.jobs;
    b.work = prepare_one;
    b.done = add_one;
    b.user = &r;
    cli_progress_start(&r.progress, o->batch.progress, r.in->count);
    rc = bx_batch_run(&b);
    cli_progress_end(&r.progress);
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

int cmd_bundle(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct bopts o;
    long long epoch;
    int rc;

    memset(&o, 0, sizeof(o));
    cli_batch_init(&o.batch);
    bx_bundle_opts_init(&o.b);
    o.b.lang = cli_lang_default();
    bx_options_init(&o.lib);
    rc = parse_args(argc, argv, &o);
    if (rc >= 0) {
        return rc; /* --help, or a usage error */
    }
    epoch = source_date_epoch();
    if (rc < 0 && epoch == -2) {
        rc = cli_usage_error("bundle", "invalid SOURCE_DATE_EPOCH",
                             getenv("SOURCE_DATE_EPOCH"));
    }
    o.b.mtime = epoch;
    if (rc < 0) {
        rc = cli_batch_inputs(&o.batch, "bundle", argv + optind, argc - optind,
                              o.b.lang);
    }
    if (rc == BX_EXIT_OK) {
        rc = cli_open_context(o.data_dir, &o.lib, o.b.lang, &ctx);
    }
    if (rc == BX_EXIT_OK) {
        rc = run(ctx, &o);
    }
    bx_context_free(ctx);
    cli_batch_release(&o.batch);
    return rc;
}
