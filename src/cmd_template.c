/*
 * budgetx template: the blank workbook a finance office fills in.
 * Options only; the library builds the workbook and writes it.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

enum {
    OPT_TO = CLI_OPT_OWN,
    OPT_PROFILE,
    OPT_YEAR,
    OPT_DEPT,
    OPT_NAME,
    OPT_FROM,
    OPT_OUTPUT,
    OPT_FORCE
};

static const struct cli_option options[] = {
    {OPT_TO, 't', "to", "FORMAT", "xlsx", "xlsx (the only format)",
     "xlsx（唯一格式）"},
    {OPT_PROFILE, 'p', "profile", "P", NULL,
     "template id (henan-county-14 ...)", "模板编号（henan-county-14 等）"},
    {OPT_YEAR, 'y', "year", "YEAR", NULL, "fiscal year", "预算年度"},
    {OPT_DEPT, 0, "dept", "CODE", NULL, "department code", "部门代码"},
    {OPT_NAME, 0, "name", "NAME", NULL, "department name", "部门名称"},
    {OPT_FROM, 0, "from", "FILE", "@file",
     "start from this disclosure (last year's):\nits rows, amounts emptied",
     "以此公开文件（上年的）为基础：\n保留其行，清空金额"},
    {OPT_OUTPUT, 'o', "output", "FILE", "@file",
     "the workbook to write (required)", "要写入的工作簿（必需）"},
    {OPT_FORCE, 0, "force", NULL, NULL, "replace an existing file",
     "替换已有的文件"},
    CLI_ENTRY_LANG("language of messages", "消息语言"),
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_END};

struct topts {
    struct cli_common c;
    struct bx_template_opts t;
    const char *to;
    const char *output;
    int force;
};

static int own_option(struct cli_parser *p, int id, const char *arg, void *data)
{
    struct topts *o = data;
    char *end;

    switch (id) {
    case OPT_TO:
        o->to = arg;
        break;
    case OPT_PROFILE:
        o->t.profile = arg;
        break;
    case OPT_YEAR:
        o->t.year = (int)strtol(arg, &end, 10);
        if (*end != '\0' || o->t.year < 1980 || o->t.year > 2100) {
            return cli_fail(p, "invalid year", arg);
        }
        break;
    case OPT_DEPT:
        o->t.dept = arg;
        break;
    case OPT_NAME:
        o->t.name = arg;
        break;
    case OPT_FROM:
        o->t.from = arg;
        break;
    case OPT_OUTPUT:
        o->output = arg;
        break;
    case OPT_FORCE:
        o->force = 1;
        break;
    }
    return 0;
}

static int parse_args(struct cli_parser *p, struct topts *o)
{
    int rc;

    memset(o, 0, sizeof(*o));
    cli_common_init(&o->c);
    rc = cli_parse(p, &o->c, own_option, o);
    if (rc >= 0) {
        return rc;
    }
    if (o->to == NULL || strcmp(o->to, "xlsx") != 0) {
        return cli_usage_error("template", "give --to xlsx", o->to);
    }
    if (o->t.profile == NULL && o->t.from == NULL) {
        return cli_usage_error("template", "give --profile P or --from FILE",
                               NULL);
    }
    if (o->output == NULL) {
        return cli_usage_error("template", "no output file (-o FILE)", NULL);
    }
    if (p->nfiles > 0) {
        return cli_usage_error("template", "unexpected argument", p->files[0]);
    }
    return -1;
}

static int exit_for(int status)
{
    switch (status) {
    case BX_OK:
        return BX_EXIT_OK;
    case BX_E_ARG:
        return BX_EXIT_USAGE;
    case BX_E_IO:
    case BX_E_PARSE:
    case BX_E_LIMIT:
    case BX_E_EXISTS:
        return BX_EXIT_IO;
    default:
        return BX_EXIT_INTERNAL;
    }
}

static int cmd_template(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct cli_parser p;
    struct bx_diags diags;
    struct bx_output out;
    struct topts o;
    int rc;

    cli_parser_init(&p, &cmd_template_def, argc, argv);
    rc = parse_args(&p, &o);
    if (rc >= 0) {
        return rc;
    }
    rc = cli_open_context(o.c.data_dir, &o.c.lib, o.c.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    bx_diags_init(&diags);
    bx_output_init(&out);
    rc = bx_xlsx_template(ctx, &o.t, &diags, &out);
    if (rc == BX_OK) {
        rc = bx_output_write(&out, o.output, o.force, &diags);
    }
    if (rc == BX_E_ARG) {
        cli_usage_error("template", "invalid profile, year, code or name",
                        NULL);
    }
    cli_print_diags(stderr, &diags, o.c.lang);
    bx_output_release(&out);
    bx_diags_release(&diags);
    bx_context_free(ctx);
    return exit_for(rc);
}

const struct cli_command cmd_template_def = {
    "template",
    cmd_template,
    "write the blank workbook a department fills in",
    "生成部门填写用的空白工作簿",
    "--to xlsx --profile P --year YEAR [--dept CODE --name NAME] -o FILE\n"
    "--to xlsx --from LAST-YEAR.xml --year YEAR -o FILE",
    "Write the workbook to fill in: the tables laid out as printed, every\n"
    "amount cell empty, unlocked and shaded, everything else locked; a\n"
    "first sheet with the instructions.  Fill it in with Excel, WPS or\n"
    "LibreOffice and read it back with 'budgetx convert --from xlsx'.",
    "生成要填写的工作簿：各表版式与公开表相同，金额单元格为空、未锁定并\n"
    "着色，其余单元格锁定；第一个工作表是填表说明。用 Excel、WPS 或\n"
    "LibreOffice 填写后，用 budgetx convert --from xlsx 读回。",
    options,
    "\nexit codes:\n"
    "  0  workbook written\n"
    "  2  usage error\n"
    "  3  the skeleton or --from file unreadable, or the output not written\n"
    "  4  internal error\n",
    "\n退出码：\n"
    "  0  已写入工作簿\n"
    "  2  用法错误\n"
    "  3  骨架或 --from 文件无法读取，或输出无法写入\n"
    "  4  内部错误\n",
    "@file"};
