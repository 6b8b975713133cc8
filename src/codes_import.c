/*
 * Code lists a bureau can complete: turns a finance bureau's export of
 * its 一体化 code tables (CSV: UTF-8 with or without BOM, or GB18030; or
 * one sheet of an .xlsx workbook; a header row naming 科目编码/科目名称
 * …; docs/codes.md) into our list
 * format (schemas/codes/codes.xsd) marked complete="true", so that a code
 * missing from it is an error rather than a notice.  Rows are read as
 * untrusted data: codes must have the shape of their kind, names are
 * trimmed and escaped, anything else is a finding.
 */
#define _POSIX_C_SOURCE 200809L

#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "internal.h"
#include "util.h"
#include "xlsx.h"
#include "xlsx_cells.h"

#define MAX_FIELDS 64

/* What the importer knows about one kind of list. */
struct kind_info {
    const char *name; /* --kind */
    const char *file; /* output file, as the rule set's href names it */
    const char *list; /* codes.xsd kind attribute */
    char first;       /* the code's first digit */
    size_t lens[3];   /* allowed lengths */
};

static const struct kind_info kinds[] = {
    {"function", "function.xml", "function", '2', {3, 5, 7}},
    {"dep-economic", "dep-economic.xml", "depEconomic", '3', {3, 5, 0}},
    {"gov-economic", "gov-economic.xml", "govEconomic", '5', {3, 5, 0}},
    {"mapping", "eco-mapping.xml", NULL, '3', {3, 5, 0}},
};

int bx_codes_kind_parse(const char *s, enum bx_codes_kind *out)
{
    size_t i;

    for (i = 0; s != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(s, kinds[i].name) == 0) {
            *out = (enum bx_codes_kind)i;
            return BX_OK;
        }
    }
    return BX_E_ARG;
}

const char *bx_codes_file_name(enum bx_codes_kind kind)
{
    return (unsigned)kind < sizeof(kinds) / sizeof(kinds[0])
               ? kinds[kind].file
               : NULL;
}

/* ------------------------------------------------------------------ */
/* Bytes to UTF-8 text                                                 */
/* ------------------------------------------------------------------ */

/* 1 when 's' (n bytes) is well-formed UTF-8. */
static int is_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        size_t j;

        if (c < 0x80)
            k = 0;
        else if ((c >> 5) == 6)
            k = 1;
        else if ((c >> 4) == 14)
            k = 2;
        else if ((c >> 3) == 30)
            k = 3;
        else
            return 0;
        if (i + k >= n)
            return 0;
        for (j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        }
        i += k + 1;
    }
    return 1;
}

/* GB18030 to UTF-8; caller frees; NULL when not GB18030 or ENOMEM. */
static char *from_gb18030(const char *in, size_t n)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    size_t cap = n * 2 + 16;
    char *out;
    char *ip = (char *)in;
    char *op;
    size_t il = n;
    size_t ol;

    if (cd == (iconv_t)-1)
        return NULL;
    out = malloc(cap);
    op = out;
    ol = cap - 1;
    if (out != NULL && iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
        free(out);
        out = NULL;
    }
    if (out != NULL)
        *op = '\0';
    iconv_close(cd);
    return out;
}

/* The text of 'buf' as NUL-terminated UTF-8 without a BOM; caller frees. */
static char *to_text(const unsigned char *buf, size_t len,
                     struct bx_diags *diags, const char *name)
{
    char *t;

    if (len >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
        buf += 3;
        len -= 3;
    }
    if (memchr(buf, '\0', len) != NULL) {
        bx_diags_addf(diags, BX_SEV_ERROR, "CODES-ENCODING", name, 0,
                      "不是文本文件（含 NUL 字节）；xlsx 请先另存为 CSV",
                      "not a text file (NUL bytes); save an xlsx as CSV "
                      "first");
        return NULL;
    }
    if (is_utf8(buf, len)) {
        t = malloc(len + 1);
        if (t != NULL) {
            memcpy(t, buf, len);
            t[len] = '\0';
        }
        return t;
    }
    t = from_gb18030((const char *)buf, len);
    if (t == NULL)
        bx_diags_addf(diags, BX_SEV_ERROR, "CODES-ENCODING", name, 0,
                      "既不是 UTF-8 也不是 GB18030 编码",
                      "neither UTF-8 nor GB18030 text");
    return t;
}

/* ------------------------------------------------------------------ */
/* CSV                                                                 */
/* ------------------------------------------------------------------ */

/*
 * Split the next record of 'p' (RFC 4180: quotes, doubled quotes, CRLF)
 * in place into at most MAX_FIELDS fields; returns the field count and
 * moves '*p' past the record (NULL at the end).
 */
static int next_record(char **p, char sep, char **f)
{
    char *s = *p;
    char *w = s;
    int n = 0;
    int quoted = 0;

    if (s == NULL || *s == '\0') {
        *p = NULL;
        return 0;
    }
    f[n++] = w;
    for (;; s++) {
        if (quoted) {
            if (*s == '\0')
                break;
            if (*s == '"' && s[1] == '"') {
                *w++ = '"';
                s++;
            } else if (*s == '"') {
                quoted = 0;
            } else {
                *w++ = *s;
            }
            continue;
        }
        if (*s == '"') {
            quoted = 1;
        } else if (*s == sep) {
            *w++ = '\0';
            if (n < MAX_FIELDS)
                f[n++] = w;
        } else if (*s == '\n' || *s == '\r' || *s == '\0') {
            break;
        } else {
            *w++ = *s;
        }
    }
    if (*s == '\r' && s[1] == '\n')
        s++;
    *p = *s == '\0' ? NULL : s + 1;
    *w = '\0';
    return n;
}

/* Trim blanks (ASCII and U+3000) and a leading apostrophe in place. */
static char *trim(char *s)
{
    char *e;

    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\'')
            s++;
        else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
            s += 3;
        else
            break;
    }
    e = s + strlen(s);
    for (;;) {
        if (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        else if (e - s >= 3 && strncmp(e - 3, "\xe3\x80\x80", 3) == 0)
            e -= 3;
        else
            break;
    }
    *e = '\0';
    return s;
}

/* ------------------------------------------------------------------ */
/* Columns                                                             */
/* ------------------------------------------------------------------ */

enum { COL_CODE, COL_NAME, COL_GOV, COL_UNITKIND, NCOLS };

struct columns {
    int at[NCOLS]; /* field index, -1 when absent */
};

static int has(const char *s, const char *part)
{
    return strstr(s, part) != NULL;
}

/* Which column a header cell names, or -1. */
static int header_kind(const char *h, int mapping)
{
    if (mapping) {
        if (has(h, "政府") && (has(h, "编码") || has(h, "代码")))
            return COL_GOV;
        if (has(h, "部门") && (has(h, "编码") || has(h, "代码")))
            return COL_CODE;
        if (has(h, "单位类型") || has(h, "单位性质") || has(h, "单位类别") ||
            strcmp(h, "类型") == 0 || strcmp(h, "unitKind") == 0)
            return COL_UNITKIND;
        if (strcmp(h, "dep") == 0)
            return COL_CODE;
        if (strcmp(h, "gov") == 0)
            return COL_GOV;
        return -1;
    }
    if (has(h, "编码") || has(h, "代码") || strcmp(h, "code") == 0)
        return COL_CODE;
    if (has(h, "名称") || strcmp(h, "name") == 0)
        return COL_NAME;
    return -1;
}

/* 1 when record 'f' is the header row (it names the code column). */
static int read_header(char **f, int n, int mapping, struct columns *c)
{
    int i;

    for (i = 0; i < NCOLS; i++)
        c->at[i] = -1;
    for (i = 0; i < n; i++) {
        int k = header_kind(trim(f[i]), mapping);

        if (k >= 0 && c->at[k] < 0)
            c->at[k] = i;
    }
    return c->at[COL_CODE] >= 0 && (!mapping || c->at[COL_GOV] >= 0);
}

/* ------------------------------------------------------------------ */
/* Rows                                                                */
/* ------------------------------------------------------------------ */

/* 1 when 'code' has the shape of 'k' (first digit, a permitted length). */
static int code_ok(const struct kind_info *k, const char *code, char first)
{
    size_t n = strlen(code);
    size_t i;

    if (n == 0 || code[0] != first || strspn(code, "0123456789") != n)
        return 0;
    for (i = 0; i < 3; i++) {
        if (k->lens[i] == n)
            return 1;
    }
    return 0;
}

/*
 * "2010101 行政运行" or "[2010101]行政运行" in the code cell of an export
 * without a name column: the digits, and the rest as the name.
 */
static void split_code(char *cell, char **code, char **name)
{
    char *p = cell;

    while (*p == '[' || *p == '(')
        p++;
    *code = p;
    p += strspn(p, "0123456789");
    if (*p != '\0' && name != NULL && *name == NULL) {
        *p++ = '\0';
        while (*p == ']' || *p == ')' || *p == ' ' || *p == '-')
            p++;
        *name = trim(p);
    } else {
        *p = '\0';
    }
}

/* 行政/参公/机关 → 机关, 事业 → 事业, else NULL. */
static const char *unit_kind(const char *s)
{
    if (has(s, "行政") || has(s, "参公") || has(s, "机关"))
        return "机关";
    if (has(s, "事业"))
        return "事业";
    return NULL;
}

struct import {
    const struct kind_info *k;
    const char *name; /* input name for findings */
    struct bx_diags *diags;
    struct bx_buf out;
    char **seen; /* codes written (dedup); owned array, strings in text */
    size_t nseen;
    size_t cap;
    size_t rows;
};

static void row_problem(struct import *im, long line, const char *zh,
                        const char *en, const char *what)
{
    char mzh[512];
    char men[512];

    snprintf(mzh, sizeof(mzh), "%s：“%s”，已跳过", zh, what);
    snprintf(men, sizeof(men), "%s: '%s', skipped", en, what);
    bx_diags_addf(im->diags, BX_SEV_WARNING, "CODES-ROW", im->name, line, mzh,
                  men);
}

/* 1 when 'key' was written before; else remembers it. -1 ENOMEM. */
static int seen_before(struct import *im, char *key)
{
    size_t i;
    char **s;

    for (i = 0; i < im->nseen; i++) {
        if (strcmp(im->seen[i], key) == 0)
            return 1;
    }
    if (im->nseen == im->cap) {
        s = realloc(im->seen, (im->cap ? im->cap * 2 : 256) * sizeof(*s));
        if (s == NULL)
            return -1;
        im->seen = s;
        im->cap = im->cap ? im->cap * 2 : 256;
    }
    im->seen[im->nseen++] = key;
    return 0;
}

static void put_attr(struct bx_buf *b, const char *name, const char *v)
{
    buf_printf(b, " %s=\"", name);
    buf_xml_str(b, v);
    buf_puts(b, "\"");
}

/* One data record of a code list. */
static void list_row(struct import *im, char **f, int n,
                     const struct columns *c, long line)
{
    char *code = NULL;
    char *name = NULL;
    char raw = '\0';
    int dup;

    if (c->at[COL_NAME] >= 0 && c->at[COL_NAME] < n)
        name = trim(f[c->at[COL_NAME]]);
    if (c->at[COL_CODE] < n) {
        char *cell = trim(f[c->at[COL_CODE]]);

        if (cell[0] == '\0')
            return; /* a blank line, or a subtotal without a code */
        raw = cell[0];
        split_code(cell, &code, &name);
    }
    if (code == NULL || code[0] == '\0') {
        if (raw != '\0')
            row_problem(im, line, "科目编码不是数字", "the code is not a number",
                        name != NULL ? name : "");
        return;
    }
    if (!code_ok(im->k, code, im->k->first)) {
        row_problem(im, line, "科目编码形式不对", "not a code of this kind",
                    code);
        return;
    }
    if (name == NULL || name[0] == '\0') {
        row_problem(im, line, "科目没有名称", "code without a name", code);
        return;
    }
    dup = seen_before(im, code);
    if (dup != 0) {
        if (dup > 0)
            row_problem(im, line, "科目编码重复", "code listed twice", code);
        return;
    }
    buf_puts(&im->out, "  <code");
    put_attr(&im->out, "value", code);
    put_attr(&im->out, "name", name);
    buf_puts(&im->out, " evidence=\"import\"/>\n");
    im->rows++;
}

/* One data record of the 对照表: dep → gov for a unit kind. */
static void map_row(struct import *im, char **f, int n,
                    const struct columns *c, long line)
{
    char *dep = NULL;
    char *gov = NULL;
    const char *kind;
    char key[64];
    char *copy;
    int dup;

    if (c->at[COL_CODE] < n)
        split_code(trim(f[c->at[COL_CODE]]), &dep, NULL);
    if (c->at[COL_GOV] < n)
        split_code(trim(f[c->at[COL_GOV]]), &gov, NULL);
    if (dep == NULL || dep[0] == '\0')
        return;
    if (!code_ok(im->k, dep, '3') || gov == NULL || !code_ok(im->k, gov, '5')) {
        row_problem(im, line, "部门/政府经济分类编码形式不对",
                    "not a departmental/government economic code pair", dep);
        return;
    }
    kind = c->at[COL_UNITKIND] >= 0 && c->at[COL_UNITKIND] < n
               ? unit_kind(trim(f[c->at[COL_UNITKIND]]))
               : NULL;
    if (kind == NULL) {
        row_problem(im, line, "单位类型不是行政、参公或事业",
                    "unit kind is not 行政, 参公 or 事业", dep);
        return;
    }
    snprintf(key, sizeof(key), "%s %s", dep, kind);
    copy = util_strdup(key);
    dup = copy != NULL ? seen_before(im, copy) : -1;
    if (dup != 0) {
        /* 行政 and 参公 both give 机关: one entry */
        im->out.failed |= dup < 0;
        free(copy);
        return;
    }
    buf_puts(&im->out, "  <map");
    put_attr(&im->out, "dep", dep);
    put_attr(&im->out, "gov", gov);
    put_attr(&im->out, "unitKind", kind);
    buf_puts(&im->out, " evidence=\"import\"/>\n");
    im->rows++;
}

static void open_list(struct import *im, int year)
{
    const char *base = strrchr(im->name, '/');

    buf_puts(&im->out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<!-- written by budgetx codes import: a complete "
                       "list -->\n");
    if (im->k->list != NULL)
        buf_printf(&im->out,
                   "<codeList xmlns=\"urn:budgetx:codes:1\" kind=\"%s\" "
                   "year=\"%d\" complete=\"true\">\n",
                   im->k->list, year);
    else
        buf_printf(&im->out,
                   "<mapping xmlns=\"urn:budgetx:codes:1\" year=\"%d\" "
                   "complete=\"true\">\n",
                   year);
    buf_puts(&im->out, "  <source>");
    buf_xml_str(&im->out, base != NULL ? base + 1 : im->name);
    buf_puts(&im->out, "</source>\n");
}

/* Walk the records of 'text': the header, then the data rows.  'sep':
 * the field separator, 0 to take a tab or a comma, whichever comes
 * first. */
static int read_rows(struct import *im, char *text, char sep)
{
    char *f[MAX_FIELDS];
    struct columns c;
    char *p = text;
    long line = 0;
    int header = 0;
    int mapping = im->k->list == NULL;
    int n;

    if (sep == 0)
        sep = strchr(text, '\t') != NULL &&
                      (strchr(text, ',') == NULL ||
                       strchr(text, '\t') < strchr(text, ','))
                  ? '\t'
                  : ',';
    while (p != NULL) {
        n = next_record(&p, sep, f);
        line++;
        if (n == 0)
            continue;
        if (!header) {
            header = read_header(f, n, mapping, &c);
            continue;
        }
        if (mapping)
            map_row(im, f, n, &c, line);
        else
            list_row(im, f, n, &c, line);
    }
    if (!header) {
        bx_diags_addf(im->diags, BX_SEV_ERROR, "CODES-HEADER", im->name, 0,
                      mapping ? "找不到表头：需要“部门经济分类编码”“政府经济"
                                "分类编码”“单位类型”等列"
                              : "找不到表头：需要“科目编码”“科目名称”等列",
                      mapping ? "no header row naming the departmental code, "
                                "government code and unit kind columns"
                              : "no header row naming the code (科目编码) "
                                "and name (科目名称) columns");
        return BX_E_DATA;
    }
    return BX_OK;
}

/*
 * Convert the records of 'text' (owned by the caller) into the list for
 * 'year'; '*xml' as for bx_codes_import().
 */
static int import_text(struct import *im, char *text, char sep, int year,
                       char **xml, size_t *xml_len)
{
    size_t i;
    int rc;

    open_list(im, year);
    rc = read_rows(im, text, sep);
    if (rc == BX_OK && im->rows == 0) {
        bx_diags_addf(im->diags, BX_SEV_ERROR, "CODES-EMPTY", im->name, 0,
                      "没有可导入的科目", "no code to import");
        rc = BX_E_DATA;
    }
    if (rc == BX_OK) {
        buf_puts(&im->out,
                 im->k->list != NULL ? "</codeList>\n" : "</mapping>\n");
        rc = im->out.failed ? BX_E_NOMEM : BX_OK;
    }
    if (rc == BX_OK)
        *xml = buf_take(&im->out, xml_len);
    if (im->k->list == NULL) {
        for (i = 0; i < im->nseen; i++)
            free(im->seen[i]);
    }
    free(im->seen);
    buf_release(&im->out);
    return rc;
}

/* Set up 'im'; BX_E_ARG for a kind, year or sink out of range. */
static int import_init(struct import *im, enum bx_codes_kind kind, int year,
                       const char *name, struct bx_diags *diags, char **xml,
                       size_t *xml_len)
{
    *xml = NULL;
    if (xml_len != NULL)
        *xml_len = 0;
    if ((unsigned)kind >= sizeof(kinds) / sizeof(kinds[0]) || year < 1900 ||
        year > 9999 || diags == NULL)
        return BX_E_ARG;
    memset(im, 0, sizeof(*im));
    im->k = &kinds[kind];
    im->name = name != NULL ? name : "-";
    im->diags = diags;
    buf_init(&im->out);
    return BX_OK;
}

int bx_codes_import(const void *buf, size_t len, const char *name,
                    enum bx_codes_kind kind, int year, struct bx_diags *diags,
                    char **xml, size_t *xml_len)
{
    struct import im;
    char *text;
    int rc;

    rc = import_init(&im, kind, year, name, diags, xml, xml_len);
    if (rc != BX_OK || buf == NULL)
        return rc != BX_OK ? rc : BX_E_ARG;
    text = to_text(buf, len, diags, im.name);
    if (text == NULL)
        return BX_E_DATA;
    rc = import_text(&im, text, 0, year, xml, xml_len);
    free(text);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Workbooks                                                           */
/* ------------------------------------------------------------------ */

/* One cell as a quoted CSV field: its text, a number as the shortest
 * decimal that shows it ("2080505"), anything else empty. */
static void put_cell(struct bx_buf *b, const struct xlsx_cell *c)
{
    char num[64];
    const char *v = "";
    const char *p;

    if (c->kind == XLSX_TEXT && c->v != NULL)
        v = c->v;
    else if (c->kind == XLSX_NUMBER && c->v != NULL &&
             xlsx_format_number(c->v, -1, num, sizeof(num)) == BX_OK)
        v = num;
    buf_puts(b, "\"");
    for (p = v; *p != '\0'; p++) {
        if (*p == '"')
            buf_puts(b, "\"\"");
        else
            buf_append(b, p, 1);
    }
    buf_puts(b, "\"");
}

/*
 * The sheet 'i' of 'book' as CSV text, one record per sheet row (empty
 * rows included, so that a record's number is its row number), at most
 * MAX_FIELDS columns.  Caller frees; NULL on ENOMEM.
 */
static char *sheet_csv(const struct xlsx_book *book, unsigned i)
{
    size_t n;
    const struct xlsx_cell *c = xlsx_book_sheet_cells(book, i, &n);
    struct bx_buf b;
    unsigned long row = 1;
    unsigned col = 1;
    size_t k;

    buf_init(&b);
    for (k = 0; k < n; k++) {
        if (c[k].col > MAX_FIELDS)
            continue;
        for (; row < c[k].row; row++) {
            buf_puts(&b, "\n");
            col = 1;
        }
        for (; col < c[k].col; col++)
            buf_puts(&b, ",");
        put_cell(&b, &c[k]);
    }
    buf_puts(&b, "\n");
    return buf_take(&b, NULL);
}

/* The index of sheet 'sheet' (NULL: the first), or -1 with a finding. */
static long sheet_index(const struct xlsx_book *book, const char *sheet,
                        struct bx_diags *diags, const char *name)
{
    char zh[512];
    char en[512];
    unsigned i;

    for (i = 0; i < xlsx_book_nsheets(book); i++) {
        if (sheet == NULL || strcmp(xlsx_book_sheet_name(book, i), sheet) == 0)
            return (long)i;
    }
    if (sheet == NULL)
        bx_diags_addf(diags, BX_SEV_ERROR, "CODES-SHEET", name, 0,
                      "工作簿中没有工作表", "the workbook has no sheet");
    if (sheet == NULL)
        return -1;
    snprintf(zh, sizeof(zh), "工作簿中没有名为“%.400s”的工作表", sheet);
    snprintf(en, sizeof(en), "the workbook has no sheet named '%.400s'",
             sheet);
    bx_diags_addf(diags, BX_SEV_ERROR, "CODES-SHEET", name, 0, zh, en);
    return -1;
}

int bx_codes_import_xlsx(struct bx_context *ctx, const char *path,
                         const char *sheet, enum bx_codes_kind kind, int year,
                         struct bx_diags *diags, char **xml, size_t *xml_len)
{
    struct import im;
    struct xlsx_book *book = NULL;
    char *text = NULL;
    long s;
    int rc;

    rc = import_init(&im, kind, year, path, diags, xml, xml_len);
    if (rc != BX_OK || ctx == NULL || path == NULL)
        return rc != BX_OK ? rc : BX_E_ARG;
    rc = xlsx_book_open(ctx, path, diags, &book);
    if (rc != BX_OK)
        return rc == BX_E_NOMEM || rc == BX_E_IO ? rc : BX_E_DATA;
    s = sheet_index(book, sheet, diags, im.name);
    if (s >= 0)
        text = sheet_csv(book, (unsigned)s);
    if (s < 0)
        rc = BX_E_DATA;
    else if (text == NULL)
        rc = BX_E_NOMEM;
    else
        rc = import_text(&im, text, ',', year, xml, xml_len);
    free(text);
    xlsx_book_free(book);
    return rc;
}
