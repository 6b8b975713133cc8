/*
 * budgetx convert: disclosures to html, csv, json or the platform's
 * exchange XML, and platform exports back to disclosures.  budgetx
 * formats: the list of formats.  Options and files only; the library
 * validates, transforms and writes.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "budgetx.h"
#include "cli.h"
#include "cli_batch.h"
#include "cmd.h"

enum {
    OPT_TO = CLI_OPT_OWN,
    OPT_FROM,
    OPT_OUTPUT,
    OPT_FORCE,
    OPT_ENCODING,
    OPT_NO_BOM,
    OPT_NO_VALIDATE,
    OPT_LIST
};

static const struct cli_option options[] = {
    {OPT_TO, 't', "to", "FORMAT", "html csv json platform xlsx",
     "convert disclosures to FORMAT", "把公开文件转换为 FORMAT 格式"},
    {OPT_FROM, 'f', "from", "FORMAT", "platform xlsx",
     "convert FORMAT documents to disclosures",
     "把 FORMAT 格式的文件转换为公开文件"},
    {OPT_OUTPUT, 'o', "output", "PATH", "@file",
     "the output file (csv: directory); '-' is\n"
     "standard output.  With several inputs, a\n"
     "directory receiving one output per input,\n"
     "named after it (NAME.html, NAME/ for csv).\n"
     "Without -o one html, json or platform\n"
     "output goes to standard output",
     "输出文件（csv 为目录）；“-”表示标准输出。\n"
     "多个输入时为目录，每个输入得到一个以其命名的\n"
     "输出（NAME.html，csv 为 NAME/）。不给 -o 时，\n"
     "单个 html、json 或 platform 输出写到标准输出"},
    {OPT_FORCE, 0, "force", NULL, NULL, "replace existing outputs",
     "替换已有的输出"},
    CLI_ENTRY_LANG("labels: zh (default) or zh + en (html, csv);\n"
                   "also the language of messages",
                   "标签：zh（默认）或中英双语（html、csv）；\n"
                   "也是消息的语言"),
    {OPT_ENCODING, 0, "encoding", "ENC", "utf-8 gb18030",
     "csv: utf-8 (default, with a byte order mark)\nor gb18030",
     "csv：utf-8（默认，带字节顺序标记）\n或 gb18030"},
    {OPT_NO_BOM, 0, "no-bom", NULL, NULL,
     "csv: UTF-8 without a byte order mark", "csv：UTF-8 不带字节顺序标记"},
    {OPT_NO_VALIDATE, 0, "no-validate", NULL, NULL,
     "convert inputs even when they have errors", "即使输入有错误也转换"},
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_MAX_SIZE,
    {OPT_LIST, 0, "list", NULL, NULL, "list the formats and exit",
     "列出格式后退出"},
    CLI_ENTRIES_BATCH,
    CLI_ENTRY_END};

struct copts {
    struct cli_batch batch;
    struct cli_common c;
    const char *to;
    const char *from;
    const char *output;
    int force;
    int no_validate;
    int list;
    struct bx_transform_opts t;
};

/* Print the formats, one line each. */
static void list_formats(FILE *fp, enum bx_lang lang)
{
    const struct bx_format_info *f;
    size_t n;
    size_t i;
    char out[32];

    f = bx_transform_formats(&n);
    for (i = 0; i < n; i++) {
        if (f[i].directory) {
            snprintf(out, sizeof(out), "directory");
        } else {
            snprintf(out, sizeof(out), "file (%s)", f[i].extension);
        }
        fprintf(fp, "%-10s %-9s %-14s %s\n", f[i].name,
                f[i].can_import ? "to, from" : "to", out,
                lang == BX_LANG_ZH ? f[i].summary_zh : f[i].summary_en);
    }
}

static int parse_encoding(const char *s, enum bx_text_encoding *out)
{
    if (strcmp(s, "utf-8") == 0 || strcmp(s, "utf8") == 0 ||
        strcmp(s, "UTF-8") == 0) {
        *out = BX_ENC_UTF8;
    } else if (strcmp(s, "gb18030") == 0 || strcmp(s, "GB18030") == 0) {
        *out = BX_ENC_GB18030;
    } else {
        return -1;
    }
    return 0;
}

/* convert's own options; 0 or CLI_EXIT. */
static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct copts *o = data;
    int b = cli_batch_option(p, &o->batch, id, arg);

    if (b != 0) {
        return b == CLI_EXIT ? CLI_EXIT : 0;
    }
    switch (id) {
    case OPT_TO:
        o->to = arg;
        break;
    case OPT_FROM:
        o->from = arg;
        break;
    case OPT_OUTPUT:
        o->output = arg;
        break;
    case OPT_FORCE:
        o->force = 1;
        break;
    case OPT_ENCODING:
        if (parse_encoding(arg, &o->t.encoding) != 0) {
            return cli_fail(p, "unknown encoding", arg);
        }
        break;
    case OPT_NO_BOM:
        o->t.no_bom = 1;
        break;
    case OPT_NO_VALIDATE:
        o->no_validate = 1;
        o->t.no_validate = 1;
        break;
    case OPT_LIST:
        o->list = 1;
        break;
    default:
        break;
    }
    return 0;
}

/* Is the combination of options and files usable?  -1 or the exit code. */
static int check_args(const struct copts *o, int nfiles)
{
    const struct bx_format_info *f;
    const char *name = o->to != NULL ? o->to : o->from;

    if (o->to != NULL && o->from != NULL) {
        return cli_usage_error("convert", "give --to or --from, not both",
                               NULL);
    }
    if (name == NULL) {
        return cli_usage_error("convert", "missing --to FORMAT", NULL);
    }
    f = bx_transform_format(name);
    if (f == NULL || (o->to != NULL && !f->can_export) ||
        (o->from != NULL && !f->can_import)) {
        return cli_usage_error("convert", "unknown format", name);
    }
    if (nfiles == 0 && o->batch.files_from == NULL) {
        return cli_usage_error("convert", "no input files", NULL);
    }
    if (cli_is_stdio(o->output) && nfiles > 1) {
        return cli_usage_error(
            "convert", "several inputs cannot go to standard output", NULL);
    }
    if (cli_is_stdio(o->output) && o->to != NULL && f->directory) {
        return cli_usage_error(
            "convert", "a directory output cannot go to standard output", NULL);
    }
    if (o->output == NULL && (nfiles > 1 || (o->to != NULL && f->directory))) {
        return cli_usage_error("convert",
                               nfiles > 1 ? "several inputs need -o DIR"
                                          : "csv needs -o DIR",
                               NULL);
    }
    if (o->to != NULL && f->directory && nfiles == 1 &&
        cli_has_extension(o->output)) {
        return cli_usage_error("convert",
                               "csv writes a directory of files, and this "
                               "looks like a file name (give a directory "
                               "name)",
                               o->output);
    }
    return -1;
}

/* Parse the command line; -1 to go on, else the exit code. */
static int parse_args(struct cli_parser *p, struct copts *o)
{
    int rc = cli_parse(p, &o->c, own_option, o);

    if (rc >= 0) {
        return rc;
    }
    if (o->c.lang_set) {
        o->t.lang = o->c.lang;
    }
    if (o->list) {
        list_formats(stdout, o->c.lang);
        return BX_EXIT_OK;
    }
    return check_args(o, p->nfiles);
}

/* ------------------------------------------------------------------ */

/* Base name of 'path' without .gz and .xml ("-": "stdin").  Caller frees. */
static char *stem_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *s = strdup(strcmp(path, "-") == 0 ? "stdin"
                     : slash                ? slash + 1
                                            : path);
    size_t n;

    if (s == NULL) {
        return NULL;
    }
    n = strlen(s);
    if (n > 3 && strcmp(s + n - 3, ".gz") == 0) {
        s[n -= 3] = '\0';
    }
    if (n > 4 && strcmp(s + n - 4, ".xml") == 0) {
        s[n - 4] = '\0';
    } else if (n > 5 && strcmp(s + n - 5, ".xlsx") == 0) {
        s[n - 5] = '\0';
    }
    return s;
}

/*
 * Where the output of input 'path' goes: NULL for stdout, -o itself for
 * a single input, else "<dir>/<stem><ext>".  '*owned' is set when the
 * result must be freed.
 */
static const char *destination(const struct copts *o, const char *path,
                               int nfiles, const char *ext, char **owned)
{
    char *stem;
    size_t n;

    *owned = NULL;
    if (nfiles == 1) {
        return cli_is_stdio(o->output) ? NULL : o->output;
    }
    stem = stem_of(path);
    if (stem == NULL) {
        return NULL;
    }
    n = strlen(o->output) + strlen(stem) + strlen(ext) + 2;
    *owned = malloc(n);
    if (*owned != NULL) {
        snprintf(*owned, n, "%s/%s%s", o->output, stem, ext);
    }
    free(stem);
    return *owned;
}

/* Write 'out' where it belongs; returns the exit code. */
static int emit(const struct copts *o, const char *path, int nfiles,
                const struct bx_output *out, struct bx_diags *diags)
{
    const char *ext = "";
    const char *dest;
    char *owned;
    int rc;

    if (!out->directory && out->count > 0) {
        ext = strrchr(out->files[0].name, '.');
        ext = ext != NULL ? ext : "";
    }
    dest = destination(o, path, nfiles, ext, &owned);
    if (dest == NULL && nfiles > 1) {
        return BX_EXIT_INTERNAL;
    }
    if (dest == NULL) {
        rc = cli_write_stdout((const char *)out->files[0].data,
                              out->files[0].len) == 0
                 ? BX_OK
                 : BX_E_IO;
    } else {
        rc = bx_output_write(out, dest, o->force, diags);
    }
    free(owned);
    return bx_status_exit_code(rc);
}

/*
 * The extension of the one file of format 'to' that bx_transform_write()
 * serialises straight into its destination, or NULL.
 */
static const char *streamed_ext(const char *to)
{
    if (strcmp(to, "html") == 0) {
        return ".html";
    }
    if (strcmp(to, "json") == 0) {
        return ".json";
    }
    return strcmp(to, "platform") == 0 ? ".xml" : NULL;
}

/*
 * Render 'chk->sub' and write it in one step (the page never whole in
 * memory); '*rc' is the status.  With 'pending', the output is left in
 * its temporary file for the caller to commit (bx_pending_commit()).
 * Returns the exit code.
 */
static int write_streamed(struct bx_context *ctx, const struct copts *o,
                          const char *path, int nfiles, struct bx_check *chk,
                          int *rc, struct bx_pending **pending)
{
    char *owned;
    const char *dest =
        destination(o, path, nfiles, streamed_ext(o->to), &owned);

    if (dest == NULL) {
        *rc = BX_E_NOMEM;
        return BX_EXIT_INTERNAL;
    }
    if (pending != NULL) {
        *rc = bx_transform_write_pending(ctx, chk->sub, o->to, &o->t, dest,
                                         o->force, &chk->diags, pending);
    } else {
        *rc = bx_transform_write(ctx, chk->sub, o->to, &o->t, dest, o->force,
                                 &chk->diags);
    }
    free(owned);
    return bx_status_exit_code(*rc);
}

/*
 * Load 'path' as a disclosure, validated unless --no-validate.  A refused
 * or unreadable input returns its exit code (findings in chk->diags);
 * BX_EXIT_OK leaves the document in chk->sub.
 */
static int load_valid(struct bx_context *ctx, const struct copts *o,
                      const char *path, struct bx_check *chk)
{
    int rc;

    if (o->no_validate) {
        memset(chk, 0, sizeof(*chk));
        bx_diags_init(&chk->diags);
        rc = bx_submission_load(ctx, path, &chk->diags, &chk->sub);
        return bx_status_exit_code(rc);
    }
    rc = bx_check_file(ctx, path, chk);
    if (rc != BX_OK) {
        return bx_status_exit_code(rc);
    }
    return bx_file_accepted(&chk->result, BX_SEV_ERROR) ? BX_EXIT_OK
                                                        : BX_EXIT_INVALID;
}

/*
 * Convert one disclosure; returns the exit code.  With 'pending' (a
 * batch), a page, JSON or platform file is left for the caller to commit.
 */
static int convert_to(struct bx_context *ctx, const struct copts *o,
                      const char *path, int nfiles, FILE *err,
                      struct bx_pending **pending)
{
    char shown[1024];
    struct bx_check chk;
    struct bx_output out;
    int code = load_valid(ctx, o, path, &chk);
    int rc = BX_E_NOMEM; /* the only way emit() fails with exit code 4 */

    bx_output_init(&out);
    if (code == BX_EXIT_OK && strcmp(o->to, "xlsx") != 0) {
        /* only a workbook embeds the source: the rest renders from the
         * tree, and 10 MB less is held while it does */
        bx_submission_drop_bytes(chk.sub);
    }
    if (code == BX_EXIT_OK && streamed_ext(o->to) != NULL &&
        (nfiles > 1 || (o->output != NULL && !cli_is_stdio(o->output)))) {
        code = write_streamed(ctx, o, path, nfiles, &chk, &rc, pending);
    } else if (code == BX_EXIT_OK) {
        rc = bx_transform(ctx, chk.sub, o->to, &o->t, &chk.diags, &out);
        code = rc == BX_OK ? emit(o, path, nfiles, &out, &chk.diags)
                           : bx_status_exit_code(rc);
    }
    /* the findings first, the verdict last: it must not scroll away */
    cli_print_diags(err, &chk.diags, o->c.lang);
    if (code == BX_EXIT_INVALID) {
        fprintf(err,
                cli_ui_lang() == BX_LANG_ZH
                    ? "budgetx convert：%s：拒绝转换（有错误；加 "
                      "--no-validate 可强制转换）\n"
                    : "budgetx convert: %s: refused (use --no-validate to "
                      "convert it anyway)\n",
                bx_display(path, shown, sizeof(shown)));
    }
    if (code == BX_EXIT_INTERNAL && bx_diags_worst(&chk.diags) < BX_SEV_FATAL) {
        cli_internal_error("convert", path, rc == BX_OK ? BX_E_NOMEM : rc);
    }
    bx_output_release(&out);
    if (o->no_validate) {
        bx_submission_free(chk.sub);
        bx_diags_release(&chk.diags);
    } else {
        bx_check_release(&chk);
    }
    return code;
}

/*
 * Import one platform document: the disclosure it gives back is checked
 * like any input before it is written.  Returns the exit code.
 */
static int convert_from(struct bx_context *ctx, const struct copts *o,
                        const char *path, int nfiles, FILE *err)
{
    char shown[1024];
    struct bx_submission *sub = NULL;
    struct bx_diags diags;
    struct bx_output out;
    struct bx_check chk;
    int code;
    int rc;

    struct bx_xlsx_import *imp = NULL;

    bx_diags_init(&diags);
    bx_output_init(&out);
    memset(&chk, 0, sizeof(chk));
    if (strcmp(o->from, "xlsx") == 0) {
        rc = bx_xlsx_import(ctx, path, &diags, &out, &imp);
    } else {
        rc = bx_submission_load(ctx, path, &diags, &sub);
    }
    if (rc == BX_OK && imp == NULL) {
        rc = bx_transform_import(ctx, sub, o->from, &o->t, &diags, &out);
    }
    code = bx_status_exit_code(rc);
    if (rc == BX_OK && !o->no_validate) {
        rc = bx_check_memory(ctx, out.files[0].data, out.files[0].len, path,
                             &chk);
        code = rc != BX_OK ? bx_status_exit_code(rc)
               : bx_file_accepted(&chk.result, BX_SEV_ERROR) ? BX_EXIT_OK
                                                             : BX_EXIT_INVALID;
        if (code == BX_EXIT_OK && bx_diags_worst(&diags) >= BX_SEV_ERROR) {
            code = BX_EXIT_INVALID; /* the workbook itself has errors */
        }
        bx_xlsx_locate(imp, &chk.diags);
        cli_print_diags(err, &chk.diags, o->c.lang);
        bx_check_release(&chk);
    }
    if (code == BX_EXIT_OK) {
        code = emit(o, path, nfiles, &out, &diags);
    }
    cli_print_diags(err, &diags, o->c.lang);
    if (code == BX_EXIT_INVALID) {
        fprintf(err,
                cli_ui_lang() == BX_LANG_ZH ? "budgetx convert：%s：拒绝转换\n"
                                            : "budgetx convert: %s: refused\n",
                bx_display(path, shown, sizeof(shown)));
    }
    bx_output_release(&out);
    bx_submission_free(sub);
    bx_xlsx_import_free(imp);
    bx_diags_release(&diags);
    return code;
}

/* One run: what the workers share and what done() accumulates. */
struct crun {
    struct bx_context *ctx;
    const struct copts *o;
    const struct bx_inputs *in;
    struct cli_progress progress;
    int worst;
};

/*
 * What a worker hands back: the exit code, the messages to print and the
 * output still to commit.  The worker writes the output to its
 * temporary file; done() makes it durable and puts it in place, in the
 * calling thread, which has nothing else to do: the fsync of every
 * output (about 10% of a worker's time) no longer stops a worker.
 */
struct citem {
    char *msgs;
    size_t len;
    int code;
    struct bx_pending *pending;
};

/* Worker thread: convert input 'i' and write its output. */
static void *convert_one(void *user, size_t i)
{
    struct crun *r = user;
    struct citem *it = calloc(1, sizeof(*it));
    const char *path = r->in->paths[i];
    int n = (int)r->in->count;
    FILE *err;

    if (it == NULL) {
        return NULL;
    }
    /* messages wait for their turn: stderr keeps the input order */
    err = open_memstream(&it->msgs, &it->len);
    if (err == NULL) {
        free(it);
        return NULL;
    }
    it->code = r->o->to != NULL
                   ? convert_to(r->ctx, r->o, path, n, err, &it->pending)
                   : convert_from(r->ctx, r->o, path, n, err);
    if (fclose(err) != 0) {
        bx_pending_discard(it->pending);
        free(it->msgs);
        free(it);
        return NULL;
    }
    return it;
}

/* Calling thread, in input order. */
static int convert_done(void *user, size_t i, void *result)
{
    struct crun *r = user;
    struct citem *it = result;

    if (it == NULL) {
        cli_internal_error("convert", r->in->paths[i], BX_E_NOMEM);
        r->worst = BX_EXIT_INTERNAL;
        return BX_E_NOMEM;
    }
    if (it->len > 0) {
        fwrite(it->msgs, 1, it->len, stderr);
    }
    if (it->pending != NULL) {
        struct bx_diags diags;
        int rc;

        bx_diags_init(&diags);
        rc = bx_pending_commit(it->pending, &diags);
        cli_print_diags(stderr, &diags, r->o->c.lang);
        bx_diags_release(&diags);
        if (rc != BX_OK) {
            it->code = bx_status_exit_code(rc);
        }
    }
    cli_progress_step(&r->progress, it->code == BX_EXIT_INVALID);
    r->worst = it->code > r->worst ? it->code : r->worst;
    free(it->msgs);
    free(it);
    return BX_OK;
}

static int run(struct bx_context *ctx, const struct copts *o)
{
    struct crun r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.o = o;
    r.in = &o->batch.inputs;
    rc = cli_batch_run(&o->batch, &r.progress, o->batch.unordered, convert_one,
                       convert_done, &r);
    if (rc != BX_OK && r.worst == BX_EXIT_OK) {
        cli_internal_error("convert", NULL, rc);
        r.worst = BX_EXIT_INTERNAL;
    }
    return r.worst;
}

/* Several inputs must not share an output name (a.xml, dir/a.xml.gz). */
static int check_stems(char **files, int n)
{
    char *a;
    char *b;
    int same = 0;
    int i;
    int j;

    for (i = 0; i < n && !same; i++) {
        for (j = i + 1; j < n && !same; j++) {
            a = stem_of(files[i]);
            b = stem_of(files[j]);
            same = a == NULL || b == NULL || strcmp(a, b) == 0;
            free(a);
            free(b);
        }
    }
    if (same) {
        return cli_usage_error("convert",
                               "two inputs would give the same "
                               "output name",
                               files[j - 1]);
    }
    return BX_EXIT_OK;
}

/*
 * An output must never replace an input, even with --force: compared by
 * device and inode, so "./a.html", a hard link or a path through a
 * symbolic link are caught too.
 */
static int refuse_overwriting_inputs(const struct copts *o, char **files, int n)
{
    const char *ext = ".html";
    const char *dest;
    char *owned;
    struct stat *in;
    struct stat st;
    int i;
    int j;
    int same = -1;

    if (o->output == NULL || n <= 0) {
        return BX_EXIT_OK;
    }
    if (o->to != NULL && strcmp(o->to, "json") == 0) {
        ext = ".json";
    } else if (o->to == NULL || strcmp(o->to, "platform") == 0) {
        ext = ".xml";
    }
    /*
     * Each input is looked at once and each output once: a batch of
     * thousands must not cost outputs x inputs system calls.  An input
     * that cannot be looked at has st_nlink 0 and matches nothing.
     */
    in = calloc((size_t)n, sizeof(*in));
    if (in == NULL) {
        cli_internal_error("convert", NULL, BX_E_NOMEM);
        return BX_EXIT_INTERNAL;
    }
    for (j = 0; j < n; j++) {
        if (stat(files[j], &in[j]) != 0) {
            in[j].st_nlink = 0;
        }
    }
    for (i = 0; i < n && same < 0; i++) {
        dest = destination(o, files[i], n, ext, &owned);
        if (dest != NULL && stat(dest, &st) == 0) {
            for (j = 0; j < n && same < 0; j++) {
                if (in[j].st_nlink != 0 && in[j].st_dev == st.st_dev &&
                    in[j].st_ino == st.st_ino) {
                    same = j;
                }
            }
        }
        free(owned);
    }
    free(in);
    if (same >= 0) {
        return cli_usage_error("convert",
                               "the output would replace an input (not "
                               "even --force does that)",
                               files[same]);
    }
    return BX_EXIT_OK;
}

/* Several inputs: -o is a directory (made if missing). */
static int prepare_dir(const char *dir)
{
    char shown[1024];
    struct stat st;
    int zh = cli_ui_lang() == BX_LANG_ZH;

    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr,
                zh ? "budgetx convert：无法创建“%s”：%s\n"
                   : "budgetx convert: cannot create '%s': %s\n",
                bx_display(dir, shown, sizeof(shown)), cli_strerror(errno));
        return BX_EXIT_IO;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr,
                zh ? "budgetx convert：“%s”不是目录\n"
                   : "budgetx convert: '%s' is not a directory\n",
                bx_display(dir, shown, sizeof(shown)));
        return BX_EXIT_IO;
    }
    return BX_EXIT_OK;
}

static int cmd_convert(int argc, char **argv)
{
    struct cli_parser p;
    struct copts o;
    struct bx_context *ctx = NULL;
    int code;

    memset(&o, 0, sizeof(o));
    cli_batch_init(&o.batch);
    cli_common_init(&o.c);
    bx_transform_opts_init(&o.t);
    cli_parser_init(&p, &cmd_convert_def, argc, argv);
    code = parse_args(&p, &o);
    if (code >= 0) {
        return code;
    }
    code = cli_batch_inputs(&o.batch, "convert", p.files, p.nfiles, o.c.lang);
    if (code == BX_EXIT_OK) {
        code = refuse_overwriting_inputs(&o, o.batch.inputs.paths,
                                         (int)o.batch.inputs.count);
    }
    if (code == BX_EXIT_OK && o.batch.inputs.count > 1 &&
        (o.output == NULL || cli_is_stdio(o.output))) {
        /* a directory or a list gave several inputs */
        code = cli_usage_error("convert", "several inputs need -o DIR", NULL);
    }
    if (code == BX_EXIT_OK && o.batch.inputs.count > 1) {
        code = check_stems(o.batch.inputs.paths, (int)o.batch.inputs.count);
        if (code == BX_EXIT_OK) {
            code = prepare_dir(o.output);
        }
    }
    if (code == BX_EXIT_OK && o.batch.inputs.count == 1 && !o.no_validate) {
        cli_heap_one_document(o.batch.inputs.paths[0]);
    }
    if (code == BX_EXIT_OK && !o.no_validate) {
        /* the rule set and the stylesheet load on the other core while
         * the schema is compiled and the first file read and checked */
        code = cli_open_context_prefetch(o.c.data_dir, &o.c.lib, o.c.lang, 1,
                                         o.to, &ctx);
    } else if (code == BX_EXIT_OK) {
        /* --no-validate: one thread.  The stylesheet compiled beside the
         * parse would save little, and libxml2's count of failed
         * allocations being process-wide, memory running out in one
         * would be said as the other's */
        code = cli_open_context(o.c.data_dir, &o.c.lib, o.c.lang, &ctx);
    }
    if (code == BX_EXIT_OK && (o.to == NULL || strcmp(o.to, "xlsx") != 0)) {
        /* only a workbook embeds the source: the rest never holds it */
        bx_context_read_as_parsed(ctx, 1);
    }
    if (code == BX_EXIT_OK) {
        code = run(ctx, &o);
    }
    cli_close_context(ctx);
    cli_batch_release(&o.batch);
    return code;
}

const struct cli_command cmd_convert_def = {
    "convert",
    cmd_convert,
    "convert to html, csv, json, platform, xlsx and back",
    "转换为 html、csv、json、platform、xlsx 格式，或反向转换",
    "--to FORMAT [options] FILE|DIR...\n"
    "--from platform|xlsx [options] FILE|DIR...\n"
    "--list",
    "Convert budget disclosures (XML) to another format, or a platform\n"
    "export back to a disclosure.  Every input is validated first (schema\n"
    "and business rules); an input with errors is refused with its\n"
    "findings unless --no-validate.  Outputs are written atomically.\n"
    "\n"
    "formats (--to):\n"
    "  html       the public disclosure page, one self-contained file\n"
    "  csv        one CSV file per table and index.csv, in a directory\n"
    "  json       the whole disclosure as JSON (docs/json.md)\n"
    "  platform   the provincial platform's exchange XML (amounts in yuan)\n"
    "  xlsx       an Excel workbook, one sheet per table (docs/xlsx.md)\n"
    "formats (--from):\n"
    "  platform   the platform's exchange XML, back to a disclosure\n"
    "  xlsx       a budgetx workbook filled in with Excel, WPS or\n"
    "             LibreOffice, back to a disclosure",
    "把部门预算公开文件（XML）转换为其他格式，或把平台导出文件转换回\n"
    "公开文件。每个输入先经过校验（模式和业务规则）；有错误的输入被拒绝\n"
    "并列出问题，除非给出 --no-validate。输出以原子方式写入。\n"
    "\n"
    "格式（--to）：\n"
    "  html       公开网页，一个自包含的文件\n"
    "  csv        每张表一个 CSV 文件，另有 index.csv，放在一个目录中\n"
    "  json       整个公开文件的 JSON 形式（docs/json.md）\n"
    "  platform   省级平台交换 XML（金额单位：元）\n"
    "  xlsx       Excel 工作簿，每张表一个工作表（docs/xlsx.md）\n"
    "格式（--from）：\n"
    "  platform   平台交换 XML，转换回公开文件\n"
    "  xlsx       用 Excel、WPS 或 LibreOffice 填好的 budgetx 工作簿，\n"
    "             转换回公开文件",
    options,
    "\nexit codes:\n"
    "  0  every input converted\n"
    "  1  some input invalid (refused)\n"
    "  2  usage error\n"
    "  3  an input unreadable or not XML, or an output not written\n"
    "  4  internal error\n",
    "\n退出码：\n"
    "  0  全部输入已转换\n"
    "  1  有输入无效（被拒绝）\n"
    "  2  用法错误\n"
    "  3  有输入无法读取或不是 XML，或输出未能写入\n"
    "  4  内部错误\n",
    "@file",
};

static const struct cli_option formats_options[] = {
    CLI_ENTRY_LANG("language of the summaries", "格式说明的语言"),
    CLI_ENTRY_END};

static int cmd_formats(int argc, char **argv)
{
    struct cli_parser p;
    struct cli_common c;
    int rc;

    cli_common_init(&c);
    cli_parser_init(&p, &cmd_formats_def, argc, argv);
    rc = cli_parse(&p, &c, cli_no_option, NULL);
    if (rc >= 0) {
        return rc;
    }
    if (p.nfiles > 0) {
        return cli_usage_error("formats", "unexpected argument", p.files[0]);
    }
    list_formats(stdout, c.lang);
    return BX_EXIT_OK;
}

const struct cli_command cmd_formats_def = {
    "formats",
    cmd_formats,
    "list the formats of convert",
    "列出 convert 支持的格式",
    "[--lang zh|en]",
    "List the formats of 'budgetx convert', one line each:\n"
    "name, direction (to: --to, from: --from), output, summary.",
    "列出“budgetx convert”支持的格式，每行一个：\n"
    "名称、方向（to：--to，from：--from）、输出形式、说明。",
    formats_options,
    NULL,
    NULL,
    NULL,
};
