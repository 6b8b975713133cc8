/*
 * The CLI's own words in Chinese: a small catalog for usage errors and
 * the common system errors (strerror stays English in the C locale).
 * Library findings carry both languages already and do not come here.
 */
#include <string.h>

#include "cli.h"

struct pair {
    const char *en;
    const char *zh;
};

static const struct pair catalog[] = {
    {"unknown option", "未知选项"},
    {"unknown command", "未知命令"},
    {"unknown language", "未知语言"},
    {"unknown format", "未知格式"},
    {"unknown severity", "未知级别"},
    {"unknown encoding", "未知编码"},
    {"invalid size", "无效的大小"},
    {"no input files", "没有输入文件"},
    {"no bundle given", "没有给出提交包"},
    {"missing argument for", "缺少参数："},
    {"unexpected argument in", "该选项不带参数："},
    {"unexpected argument", "多余的参数"},
    {"give --to or --from, not both", "只能给出 --to 或 --from 之一"},
    {"missing --to FORMAT", "缺少 --to 格式"},
    {"several inputs need -o DIR", "多个输入需要 -o 目录"},
    {"csv needs -o DIR", "csv 需要 -o 目录"},
    {"a directory output cannot go to standard output",
     "目录形式的输出不能写到标准输出"},
    {"several inputs cannot go to standard output",
     "多个输入的输出不能写到标准输出"},
    {"two inputs would give the same output name", "两个输入会得到同名输出"},
    {"no target directory (-o DIR)", "没有目标目录（-o 目录）"},
    {"exactly one bundle expected", "只能给出一个提交包"},
    {"invalid SOURCE_DATE_EPOCH", "无效的 SOURCE_DATE_EPOCH"},
    {"unknown shell (bash or zsh)", "未知的 shell（bash 或 zsh）"},
};

const char *cli_tr(const char *en)
{
    size_t i;

    if (cli_ui_lang() != BX_LANG_ZH) {
        return en;
    }
    for (i = 0; i < sizeof(catalog) / sizeof(catalog[0]); i++) {
        if (strcmp(catalog[i].en, en) == 0) {
            return catalog[i].zh;
        }
    }
    return en;
}

const char *cli_strerror(int errnum)
{
    return bx_strerror(errnum, cli_ui_lang());
}
