/*
 * budgetx templates: list the disclosure templates of the data directory
 * (schemas/templates), one line each.  Options only; the library reads
 * the registry.
 */
#include <stdio.h>
#include <stdlib.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

static const struct cli_option templates_options[] = {
    CLI_ENTRY_LANG("language of the listing", "列表的语言"),
    CLI_ENTRY_DATA_DIR,
    CLI_ENTRY_END,
};

/* "2024-" or "2024-2025" */
static void print_years(FILE *fp, const struct bx_template_info *t)
{
    char years[32];

    if (t->to_year != 0) {
        snprintf(years, sizeof(years), "%d-%d", t->from_year, t->to_year);
    } else {
        snprintf(years, sizeof(years), "%d-", t->from_year);
    }
    fprintf(fp, "%-10s", years);
}

static void print_template(FILE *fp, const struct bx_template_info *t,
                           enum bx_lang lang)
{
    size_t i;

    fprintf(fp, "%-18s ", t->id);
    print_years(fp, t);
    if (lang == BX_LANG_ZH) {
        fprintf(fp, " %2zu 张表  %s，%d 位小数  %s", t->ntables, t->unit,
                t->decimals, t->region[BX_LANG_ZH]);
    } else {
        fprintf(fp, " %2zu tables  %s, %d decimals  %s", t->ntables, t->unit,
                t->decimals, t->region[BX_LANG_EN]);
    }
    for (i = 0; i < t->naliases; i++) {
        if (i == 0) {
            fputs(lang == BX_LANG_ZH ? "（别名：" : " (aliases: ", fp);
        } else {
            fputs(", ", fp);
        }
        fputs(t->aliases[i], fp);
    }
    if (t->naliases > 0) {
        fputs(lang == BX_LANG_ZH ? "）" : ")", fp);
    }
    fputc('\n', fp);
}

static int cmd_templates(int argc, char **argv)
{
    struct cli_parser p;
    struct cli_common c;
    struct bx_context *ctx = NULL;
    struct bx_template_info *list = NULL;
    struct bx_diags diags;
    size_t n = 0;
    size_t i;
    int rc;

    cli_common_init(&c);
    cli_parser_init(&p, &cmd_templates_def, argc, argv);
    rc = cli_parse(&p, &c, cli_no_option, NULL);
    if (rc >= 0) {
        return rc;
    }
    if (p.nfiles > 0) {
        return cli_usage_error("templates", "unexpected argument",
                               p.files[0]);
    }
    rc = cli_open_context(c.data_dir, &c.lib, c.lang, &ctx);
    if (rc != BX_EXIT_OK) {
        return rc;
    }
    bx_diags_init(&diags);
    rc = bx_templates_list(ctx, &diags, &list, &n);
    if (rc != BX_OK) {
        cli_print_diags(stderr, &diags, c.lang);
        cli_internal_error("templates", NULL, rc);
        rc = BX_EXIT_INTERNAL;
    } else {
        for (i = 0; i < n; i++) {
            print_template(stdout, &list[i], c.lang);
        }
        rc = BX_EXIT_OK;
    }
    free(list);
    bx_diags_release(&diags);
    bx_context_free(ctx);
    return rc;
}

const struct cli_command cmd_templates_def = {
    "templates",
    cmd_templates,
    "list the disclosure templates",
    "列出预算公开模板",
    "[--lang zh|en] [--data-dir DIR]",
    "List the disclosure templates (schemas/templates), one line each:\n"
    "id, fiscal years, number of tables, default amount unit and\n"
    "decimals, region, and the former profile names that select it.\n"
    "metadata/profile of a disclosure names one of them.",
    "列出预算公开模板（schemas/templates），每行一个：\n"
    "id、适用年度、表的张数、默认金额单位和小数位数、地区，\n"
    "以及仍可选用它的旧模板名。公开文件的 metadata/profile\n"
    "填其中之一。",
    templates_options,
    "exit codes: 0 listed, 2 usage, 4 a template file is broken\n",
    "退出码：0 已列出，2 用法错误，4 模板文件有误\n",
    NULL,
};
