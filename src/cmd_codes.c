/*
 * budgetx codes import: a bureau's export of its 一体化 code tables into
 * complete code lists that validate --codes DIR (or a data directory)
 * uses instead of the bundled, partial ones.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

enum { OPT_KIND = CLI_OPT_OWN, OPT_YEAR, OPT_OUTPUT, OPT_SHEET };

static const struct cli_option options[] = {
    CLI_ENTRY_LANG("language of messages (default: from the\nlocale, zh "
                   "for zh_*)",
                   "消息语言（默认取自区域设置，\nzh_* 为中文）"),
    {OPT_KIND, 0, "kind", "KIND", "function dep-economic gov-economic mapping",
     "function, dep-economic, gov-economic or\nmapping: which code table "
     "FILE holds",
     "function、dep-economic、gov-economic 或\nmapping：FILE 是哪一种代码表"},
    {OPT_YEAR, 0, "year", "YEAR", NULL, "the fiscal year of the codes",
     "代码表的预算年度"},
    {OPT_OUTPUT, 'o', "output", "DIR", "@dir",
     "directory for the list (created if missing;\nits function.xml ... is "
     "replaced)",
     "代码表输出目录（不存在时创建；\n其中同名的 function.xml 等会被替换）"},
    {OPT_SHEET, 0, "sheet", "NAME", NULL,
     "the sheet of an .xlsx FILE that holds the\ntable (default: the first)",
     ".xlsx 文件中代码表所在的工作表\n（默认第一个）"},
    CLI_ENTRY_MAX_SIZE,
    CLI_ENTRY_END};

struct copts {
    struct cli_common c;
    const char *kind;
    int year;
    const char *dir;
    const char *sheet;
};

static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct copts *o = data;
    char *end;
    long y;

    switch (id) {
    case OPT_KIND:
        o->kind = arg;
        break;
    case OPT_YEAR:
        y = strtol(arg, &end, 10);
        if (*end != '\0' || y < 1900 || y > 9999) {
            return cli_fail(p, "invalid year", arg);
        }
        o->year = (int)y;
        break;
    case OPT_OUTPUT:
        o->dir = arg;
        break;
    case OPT_SHEET:
        o->sheet = arg;
        break;
    default:
        break;
    }
    return 0;
}

/* The bytes of 'path' (at most 'max'); caller frees; NULL with errno. */
static unsigned char *read_all(const char *path, size_t max, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t cap = 0;
    size_t n = 0;
    size_t got;

    if (fp == NULL)
        return NULL;
    do {
        unsigned char *b;

        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            b = realloc(buf, cap + 1);
            if (b == NULL || n > max) {
                free(b != NULL ? b : buf);
                fclose(fp);
                errno = b == NULL ? ENOMEM : EFBIG;
                return NULL;
            }
            buf = b;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
    } while (got > 0);
    if (ferror(fp) || n > max) {
        free(buf);
        fclose(fp);
        errno = n > max ? EFBIG : EIO;
        return NULL;
    }
    fclose(fp);
    *len = n;
    return buf;
}

static void print_findings(const struct bx_diags *d, enum bx_lang lang)
{
    size_t i;

    for (i = 0; i < d->count; i++) {
        const struct bx_diag *x = &d->items[i];

        if (x->line > 0)
            fprintf(stderr, "%s:%ld: %s: [%s] %s\n", x->file, x->line,
                    bx_severity_name(x->severity), x->code,
                    bx_diag_message(x, lang));
        else
            fprintf(stderr, "%s: %s: [%s] %s\n", x->file,
                    bx_severity_name(x->severity), x->code,
                    bx_diag_message(x, lang));
    }
}

/* Import the workbook 'file' (sheet o->sheet) into '*xml'. */
static int import_xlsx(const char *file, enum bx_codes_kind kind,
                       struct copts *o, struct bx_diags *d, char **xml,
                       size_t *xlen)
{
    struct bx_context *ctx = NULL;
    int rc;

    if (cli_open_context(o->c.data_dir, &o->c.lib, o->c.lang, &ctx) !=
        BX_EXIT_OK)
        return BX_E_INTERNAL;
    rc = bx_codes_import_xlsx(ctx, file, o->sheet, kind, o->year, d, xml,
                              xlen);
    bx_context_free(ctx);
    return rc;
}

/* Import 'file' into o->dir; returns the exit code. */
static int import(const char *file, enum bx_codes_kind kind, struct copts *o)
{
    struct bx_diags d;
    unsigned char *in = NULL;
    char *xml = NULL;
    char *path = NULL;
    size_t len = 0;
    size_t xlen = 0;
    int code = BX_EXIT_OK;
    int rc;

    bx_diags_init(&d);
    if (bx_is_workbook(file)) {
        rc = import_xlsx(file, kind, o, &d, &xml, &xlen);
        if (rc == BX_E_IO) {
            print_findings(&d, o->c.lang); /* IO-READ says why */
            bx_diags_release(&d);
            return BX_EXIT_IO;
        }
    } else {
        in = read_all(file, o->c.lib.limits.max_bytes, &len);
        if (in == NULL) {
            fprintf(stderr, "budgetx codes: %s: %s\n", file, strerror(errno));
            return BX_EXIT_IO;
        }
        rc = o->sheet != NULL ? BX_E_ARG
                              : bx_codes_import(in, len, file, kind, o->year,
                                                &d, &xml, &xlen);
        if (o->sheet != NULL)
            fprintf(stderr, "budgetx codes: --sheet needs an .xlsx FILE\n");
    }
    print_findings(&d, o->c.lang);
    if (rc == BX_OK && mkdir(o->dir, 0777) != 0 && errno != EEXIST)
        rc = BX_E_IO;
    path = malloc(strlen(o->dir) + 32);
    if (rc == BX_OK && path != NULL) {
        sprintf(path, "%s/%s", o->dir, bx_codes_file_name(kind));
        rc = bx_write_file(path, xml, xlen, 1);
    }
    if (rc == BX_E_IO || (rc == BX_OK && path == NULL)) {
        fprintf(stderr, "budgetx codes: cannot write into %s: %s\n", o->dir,
                strerror(errno));
        code = BX_EXIT_IO;
    } else if (rc != BX_OK) {
        code = rc == BX_E_DATA  ? BX_EXIT_INVALID
               : rc == BX_E_ARG ? BX_EXIT_USAGE
                                : BX_EXIT_INTERNAL;
    } else {
        printf("%s\n", path);
    }
    free(path);
    free(xml);
    free(in);
    bx_diags_release(&d);
    return code;
}

static int cmd_codes(int argc, char **argv)
{
    struct cli_parser p;
    struct copts o;
    enum bx_codes_kind kind;
    int rc;

    memset(&o, 0, sizeof(o));
    cli_common_init(&o.c);
    cli_parser_init(&p, &cmd_codes_def, argc, argv);
    rc = cli_parse(&p, &o.c, own_option, &o);
    if (rc >= 0) {
        return rc;
    }
    if (p.nfiles != 2 || strcmp(p.files[0], "import") != 0) {
        return cli_usage_error("codes", "expected: import FILE", NULL);
    }
    if (o.kind == NULL || bx_codes_kind_parse(o.kind, &kind) != BX_OK) {
        return cli_usage_error("codes", "--kind is function, dep-economic, "
                                        "gov-economic or mapping",
                               o.kind);
    }
    if (o.year == 0 || o.dir == NULL) {
        return cli_usage_error("codes", "--year and -o DIR are required",
                               NULL);
    }
    return import(p.files[1], kind, &o);
}

const struct cli_command cmd_codes_def = {
    "codes",
    cmd_codes,
    "import a bureau's complete code tables",
    "导入财政部门的完整代码表",
    "import FILE --kind KIND --year YEAR -o DIR",
    "Turn a finance bureau's export of its 一体化 code table (CSV in UTF-8\n"
    "or GB18030, or an .xlsx workbook: its first sheet or --sheet NAME;\n"
    "with a header row: 科目编码, 科目名称; for the mapping\n"
    "部门经济分类编码, 政府经济分类编码, 单位类型) into a complete code list\n"
    "in DIR.  'budgetx validate --codes DIR' then treats a code missing\n"
    "from it as an error, not as a notice.  See docs/codes.md.",
    "把财政部门一体化系统导出的代码表（CSV，UTF-8 或 GB18030；或 .xlsx\n"
    "工作簿的第一个工作表或 --sheet 指定的工作表；表头含\n"
    "科目编码、科目名称；对照表为部门经济分类编码、政府经济分类编码、\n"
    "单位类型）转换为完整代码表，写入 DIR。之后“budgetx validate --codes "
    "DIR”\n把不在表中的编码作为错误而非提示。见 docs/codes.md。",
    options,
    "\nexit codes:\n"
    "  0  the list was written (its path on standard output)\n"
    "  1  FILE holds no code table (findings on standard error)\n"
    "  2  usage error\n"
    "  3  FILE unreadable, DIR not writable\n"
    "  4  internal error\n",
    "\n退出码：\n"
    "  0  已写出代码表（路径输出到标准输出）\n"
    "  1  FILE 中没有代码表（问题输出到标准错误）\n"
    "  2  用法错误\n"
    "  3  FILE 无法读取或 DIR 无法写入\n"
    "  4  内部错误\n",
    "import",
};
