/*
 * Input sniffing (see sniff.h).  Looks only at the first bytes; never
 * decides that something is XML, only that it plainly is not.
 */
#define _GNU_SOURCE /* memmem */

#include "sniff.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at 'p' (0: invalid or cut off). */
static size_t utf8_len(const unsigned char *p, size_t left)
{
    size_t n;
    size_t i;

    if (p[0] < 0x80) {
        return 1;
    }
    n = p[0] >= 0xF0 && p[0] <= 0xF4   ? 4
        : p[0] >= 0xE0                 ? 3
        : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
                                       : 0;
    if (n == 0 || n > left) {
        return n > left ? left : 0; /* a sequence cut by the window is ok */
    }
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
    }
    return n;
}

/* Non-zero when the first 'len' bytes hold high bytes that are not UTF-8. */
static int not_utf8(const unsigned char *p, size_t len)
{
    size_t i = 0;
    size_t n;

    while (i < len) {
        n = utf8_len(p + i, len - i);
        if (n == 0) {
            return 1;
        }
        i += n;
    }
    return 0;
}

/* Does the XML declaration at 'p' name an encoding? */
static int declares_encoding(const unsigned char *p, size_t window)
{
    const unsigned char *end;

    if (window < 6 || memcmp(p, "<?xml", 5) != 0) {
        return 0;
    }
    end = memchr(p, '>', window - 5);
    return end != NULL && memmem(p, (size_t)(end - p), "encoding", 8) != NULL;
}

static int say(struct bx_diags *diags, const char *name, const char *code,
               const char *zh, const char *en)
{
    bx_diags_addf(diags, BX_SEV_FATAL, code, name, 0, zh, en);
    return BX_E_PARSE;
}

int sniff_refuse(const unsigned char *buf, size_t len, const char *name,
                 struct bx_diags *diags)
{
    static const unsigned char ole[] = {0xD0, 0xCF, 0x11, 0xE0};
    size_t window = len < 4096 ? len : 4096;
    const unsigned char *p = buf;
    const unsigned char *nl;

    if (len >= 4 && memcmp(buf, "%PDF", 4) == 0) {
        return say(diags, name, "INPUT-PDF",
                   "这是 PDF 文件：budgetx 读取公开数据 XML，或用 budgetx "
                   "template --to xlsx 生成的工作簿（budgetx convert --from "
                   "xlsx）",
                   "this is a PDF file: budgetx reads disclosure XML, or a "
                   "workbook made with 'budgetx template --to xlsx' "
                   "(read it with 'budgetx convert --from xlsx')");
    }
    if (len >= 4 && memcmp(buf, "PK\003\004", 4) == 0) {
        return say(diags, name, "INPUT-ZIP",
                   "这是 zip 文件（.xlsx 工作簿或提交包）：工作簿请用 budgetx "
                   "convert --from xlsx，提交包请用 budgetx verify",
                   "this is a zip file (an .xlsx workbook or a bundle): read "
                   "a workbook with 'budgetx convert --from xlsx FILE', check "
                   "a bundle with 'budgetx verify FILE'");
    }
    if (len >= 4 && memcmp(buf, ole, 4) == 0) {
        return say(diags, name, "INPUT-OLE",
                   "这是加密的或旧版 .xls 工作簿：请另存为不加密的 .xlsx，"
                   "再用 budgetx convert --from xlsx 读取",
                   "this is an encrypted or legacy .xls workbook: save it as "
                   "an unencrypted .xlsx and read it with 'budgetx convert "
                   "--from xlsx'");
    }
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
    }
    while (p < buf + window &&
           (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) {
        p++;
    }
    if (p < buf + window && *p == '<' &&
        (!not_utf8(buf, window) || declares_encoding(p, window))) {
        return BX_OK; /* XML (a declared encoding is the parser's) */
    }
    if (not_utf8(buf, window)) {
        return say(
            diags, name, "INPUT-ENCODING",
            "不是 UTF-8 文本（像是未声明编码的 GBK/GB 18030 文件）：请转换"
            "为 UTF-8，或在 XML 声明中写明 encoding=\"GB18030\"",
            "not UTF-8 text (looks like GBK/GB 18030 without an "
            "encoding declaration): convert it to UTF-8 (iconv -f "
            "GB18030 -t UTF-8) or declare encoding=\"GB18030\" in the "
            "XML declaration");
    }
    nl = memchr(p, '\n', window - (size_t)(p - buf));
    if (p < buf + window &&
        memchr(p, ',', (nl ? nl : buf + window) - p) != NULL) {
        return say(diags, name, "INPUT-CSV",
                   "像是 CSV 文件：budgetx 读取公开数据 XML；表格数据请填入 "
                   "budgetx template --to xlsx 生成的工作簿",
                   "this looks like a CSV file: budgetx reads disclosure XML; "
                   "type table data into a workbook made with 'budgetx "
                   "template --to xlsx' and read it with 'budgetx convert "
                   "--from xlsx'");
    }
    return BX_OK;
}
