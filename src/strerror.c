/*
 * System error texts in the reader's language: strerror() speaks English
 * in the C locale, so common errno values have a Chinese text here.
 */
#include <errno.h>
#include <string.h>

#include "budgetx.h"

struct errno_zh {
    int num;
    const char *zh;
};

/* The errors a user meets reading and writing files. */
static const struct errno_zh errors_zh[] = {
    {EPERM, "不允许的操作"},     {ENOENT, "没有那个文件或目录"},
    {EIO, "输入/输出错误"},      {ENOMEM, "内存不足"},
    {EACCES, "权限不够"},        {EEXIST, "文件已存在"},
    {ENOTDIR, "不是目录"},       {EISDIR, "是一个目录"},
    {EINVAL, "无效的参数"},      {EMFILE, "打开的文件过多"},
    {EFBIG, "文件过大"},         {ENOSPC, "设备上没有空间"},
    {EROFS, "只读文件系统"},     {ENAMETOOLONG, "文件名过长"},
    {ELOOP, "符号链接层次过多"}, {EDQUOT, "超出磁盘限额"},
    {EXDEV, "无效的跨设备链接"}, {EPIPE, "断开的管道"},
};

const char *bx_strerror(int errnum, enum bx_lang lang)
{
    size_t i;

    if (lang == BX_LANG_ZH) {
        for (i = 0; i < sizeof(errors_zh) / sizeof(errors_zh[0]); i++) {
            if (errors_zh[i].num == errnum) {
                return errors_zh[i].zh;
            }
        }
    }
    return strerror(errnum);
}
