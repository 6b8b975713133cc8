/*
 * budgetx convert: disclosures to html, csv, json or the platform's
 * exchange XML, and platform exports back to disclosures.  budgetx
 * formats: the list of formats.  Options and files only; the library
 * validates, transforms and writes.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

static const char help[] =
    "usage: budgetx convert --to FORMAT [options] FILE...\n"
    "       budgetx convert --from platform [options] FILE...\n"
    "       budgetx convert --list\n"
    "\n"
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
    "             LibreOffice, back to a disclosure\n"
    "\n"
    "options:\n"
    "  -t, --to FORMAT       convert disclosures to FORMAT\n"
    "  -f, --from FORMAT     convert FORMAT documents to disclosures\n"
    "  -o, --output PATH     the output file (csv: directory); with\n"
    "                        several inputs, a directory receiving one\n"
    "                        output per input, named after it\n"
    "                        (NAME.html, NAME/ for csv). Without -o one\n"
    "                        html, json or platform output goes to stdout\n"
    "      --force           replace existing outputs\n"
    "      --lang zh|en      labels: zh (default) or zh + en (html, csv);\n"
    "                        also the language of messages\n"
    "      --encoding ENC    csv: utf-8 (default, with a byte order mark)\n"
    "                        or gb18030\n"
    "      --no-bom          csv: UTF-8 without a byte order mark\n"
    "      --no-validate     convert inputs even when they have errors\n"
    "      --data-dir DIR    where schemas/ and xslt/ are\n"
    "      --max-size BYTES  largest input accepted, after gunzip\n"
    "      --list            list the formats and exit\n"
    "  -h, --help            show this help\n"
    "\n"
    "exit codes:\n"
    "  0  every input converted\n"
    "  1  some input invalid (refused)\n"
    "  2  usage error\n"
    "  3  an input unreadable or not XML, or an output not written\n"
    "  4  internal error\n";

struct copts {
    const char *to;
    const char *from;
    const char *output;
    const char *data_dir;
    int force;
    int no_validate;
    int list;
    int lang_set;
    enum bx_lang msg_lang;
    struct bx_transform_opts t;
    struct bx_options lib;
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

/* One option; returns -1 to go on, else the exit code. */
static int parse_opt(int c, struct copts *o, char **argv)
{
    char *end;

    switch (c) {
    case 't':
        o->to = optarg;
        break;
    case 'f':
        o->from = optarg;
        break;
    case 'o':
        o->output = optarg;
        break;
    case 'F':
        o->force = 1;
        break;
    case 'l':
        if (cli_parse_lang(optarg, &o->t.lang) != 0) {
            return cli_usage_error("convert", "unknown language", optarg);
        }
        o->msg_lang = o->t.lang;
        o->lang_set = 1;
        break;
    case 'e':
        if (parse_encoding(optarg, &o->t.encoding) != 0) {
            return cli_usage_error("convert", "unknown encoding", optarg);
        }
        break;
    case 'B':
        o->t.no_bom = 1;
        break;
    case 'V':
        o->no_validate = 1;
        o->t.no_validate = 1;
        break;
    case 'd':
        o->data_dir = optarg;
        break;
    case 'm':
        o->lib.limits.max_bytes = strtoull(optarg, &end, 10);
        if (*end != '\0' || o->lib.limits.max_bytes == 0) {
            return cli_usage_error("convert", "invalid size", optarg);
        }
        break;
    case 'L':
        o->list = 1;
        break;
    case 'h':
        fputs(help, stdout);
        return BX_EXIT_OK;
    default:
        return cli_usage_error("convert", "unknown option", argv[optind - 1]);
    }
    return -1;
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
    if (nfiles == 0) {
        return cli_usage_error("convert", "no input files", NULL);
    }
    if (o->output == NULL && (nfiles > 1 || (o->to != NULL && f->directory))) {
        return cli_usage_error("convert",
                               nfiles > 1 ? "several inputs need -o DIR"
                                          : "csv needs -o DIR",
                               NULL);
    }
    return -1;
}

static int parse_args(int argc, char **argv, struct copts *o)
{
    static const struct option longopts[] = {
        {"to", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"force", no_argument, NULL, 'F'},
        {"lang", required_argument, NULL, 'l'},
        {"encoding", required_argument, NULL, 'e'},
        {"no-bom", no_argument, NULL, 'B'},
        {"no-validate", no_argument, NULL, 'V'},
        {"data-dir", required_argument, NULL, 'd'},
        {"max-size", required_argument, NULL, 'm'},
        {"list", no_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c;
    int rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, "t:f:o:h", longopts, NULL)) != -1) {
        rc = parse_opt(c, o, argv);
        if (rc >= 0) {
            return rc;
        }
    }
    if (o->list) {
        list_formats(stdout, o->msg_lang);
        return BX_EXIT_OK;
    }
    return check_args(o, argc - optind);
}

/* ------------------------------------------------------------------ */

/* Exit code for a library status. */
static int exit_for(int status)
{
    switch (status) {
    case BX_OK:
        return BX_EXIT_OK;
    case BX_E_INVALID:
        return BX_EXIT_INVALID;
    case BX_E_IO:
    case BX_E_PARSE:
    case BX_E_LIMIT:
    case BX_E_EXISTS:
        return BX_EXIT_IO;
    default:
        return BX_EXIT_INTERNAL;
    }
}

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
        return o->output;
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
    if (dest == NULL && o->output != NULL) {
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
    return exit_for(rc);
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
        return exit_for(rc);
    }
    rc = bx_check_file(ctx, path, chk);
    if (rc != BX_OK) {
        return exit_for(rc);
    }
    return bx_file_accepted(&chk->result, BX_SEV_ERROR) ? BX_EXIT_OK
                                                        : BX_EXIT_INVALID;
}

/* Convert one disclosure; returns the exit code. */
static int convert_to(struct bx_context *ctx, const struct copts *o,
                      const char *path, int nfiles)
{
    struct bx_check chk;
    struct bx_output out;
    int code = load_valid(ctx, o, path, &chk);
    int rc;

    bx_output_init(&out);
    if (code == BX_EXIT_OK) {
        rc = bx_transform(ctx, chk.sub, o->to, &o->t, &chk.diags, &out);
        code = rc == BX_OK ? emit(o, path, nfiles, &out, &chk.diags)
                           : exit_for(rc);
    } else if (code == BX_EXIT_INVALID) {
        fprintf(stderr,
                "budgetx convert: %s: refused (use --no-validate to "
                "convert it anyway)\n",
                path);
    }
    cli_print_diags(stderr, &chk.diags, o->msg_lang);
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
                        const char *path, int nfiles)
{
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
    code = exit_for(rc);
    if (rc == BX_OK && !o->no_validate) {
        rc = bx_check_memory(ctx, out.files[0].data, out.files[0].len, path,
                             &chk);
        code = rc != BX_OK                                   ? exit_for(rc)
               : bx_file_accepted(&chk.result, BX_SEV_ERROR) ? BX_EXIT_OK
                                                             : BX_EXIT_INVALID;
        if (code == BX_EXIT_OK && bx_diags_worst(&diags) >= BX_SEV_ERROR) {
            code = BX_EXIT_INVALID; /* the workbook itself has errors */
        }
        bx_xlsx_locate(imp, &chk.diags);
        cli_print_diags(stderr, &chk.diags, o->msg_lang);
        bx_check_release(&chk);
    }
    if (code == BX_EXIT_OK) {
        code = emit(o, path, nfiles, &out, &diags);
    } else if (code == BX_EXIT_INVALID) {
        fprintf(stderr, "budgetx convert: %s: refused\n", path);
    }
    cli_print_diags(stderr, &diags, o->msg_lang);
    bx_output_release(&out);
    bx_submission_free(sub);
    bx_xlsx_import_free(imp);
    bx_diags_release(&diags);
    return code;
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

/* Several inputs: -o is a directory (made if missing). */
static int prepare_dir(const char *dir)
{
    struct stat st;

    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "budgetx convert: cannot create '%s': %s\n", dir,
                strerror(errno));
        return BX_EXIT_IO;
    }
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "budgetx convert: '%s' is not a directory\n", dir);
        return BX_EXIT_IO;
    }
    return BX_EXIT_OK;
}

int cmd_convert(int argc, char **argv)
{
    struct copts o;
    struct bx_context *ctx = NULL;
    int code;
    int worst = BX_EXIT_OK;
    int nfiles;
    int i;

    memset(&o, 0, sizeof(o));
    bx_options_init(&o.lib);
    bx_transform_opts_init(&o.t);
    o.msg_lang = cli_lang_default();
    code = parse_args(argc, argv, &o);
    if (code >= 0) {
        return code;
    }
    nfiles = argc - optind;
    if (nfiles > 1) {
        code = check_stems(argv + optind, nfiles);
        if (code == BX_EXIT_OK) {
            code = prepare_dir(o.output);
        }
        if (code != BX_EXIT_OK) {
            return code;
        }
    }
    code = cli_open_context(o.data_dir, &o.lib, o.msg_lang, &ctx);
    if (code != BX_EXIT_OK) {
        return code;
    }
    for (i = optind; i < argc; i++) {
        code = o.to != NULL ? convert_to(ctx, &o, argv[i], nfiles)
                            : convert_from(ctx, &o, argv[i], nfiles);
        worst = code > worst ? code : worst;
    }
    bx_context_free(ctx);
    return worst;
}

int cmd_formats(int argc, char **argv)
{
    enum bx_lang lang = cli_lang_default();

    if (argc > 1 &&
        (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs("usage: budgetx formats [--lang zh|en]\n\n"
              "List the formats of 'budgetx convert', one line each:\n"
              "name, direction (to: --to, from: --from), output, summary.\n",
              stdout);
        return BX_EXIT_OK;
    }
    if (argc == 3 && strcmp(argv[1], "--lang") == 0 &&
        cli_parse_lang(argv[2], &lang) == 0) {
        argc = 1;
    }
    if (argc != 1) {
        return cli_usage_error("formats", "unexpected argument", argv[1]);
    }
    list_formats(stdout, lang);
    return BX_EXIT_OK;
}
