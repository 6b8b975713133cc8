/*
 * Workbook → disclosure.  Reads a budgetx workbook, as Excel, WPS or
 * LibreOffice saved it, with the strict zip reader and the untrusted XML
 * parser; takes the source document and the cell map from the hidden
 * sheet "_bx"; writes every mapped amount back at the printed precision of
 * its cell's number format; reports what it cannot place.  It neither
 * validates the result nor writes files.
 */
#define _POSIX_C_SOURCE 200809L

#include "xlsx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>
#include <zlib.h>

#include "bxzip.h"
#include "internal.h"
#include "transform.h"
#include "xlsx_cells.h"
#include "xmlio.h"

#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define REL_NS                                                                 \
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

/* One value placed in the document: for bx_xlsx_locate().  A fixed cell
 * (a name, a code, a label) has 'el' NULL and its text in 'attr'. */
struct placed {
    xmlNodePtr el;
    char *attr;
    char *cell; /* "'sheet'!E12" */
};

struct bx_xlsx_import {
    xmlDocPtr doc; /* the document produced */
    struct placed *placed;
    size_t nplaced;
    size_t cap;
    char *path;
};

void bx_xlsx_import_free(struct bx_xlsx_import *imp)
{
    size_t i;

    if (imp == NULL) {
        return;
    }
    for (i = 0; i < imp->nplaced; i++) {
        free(imp->placed[i].attr);
        free(imp->placed[i].cell);
    }
    free(imp->placed);
    xmlFreeDoc(imp->doc);
    free(imp->path);
    free(imp);
}

/* ------------------------------------------------------------------ */
/* Findings                                                             */
/* ------------------------------------------------------------------ */

/* "'sheet'!ref" (quotes doubled inside).  Caller frees. */
char *xlsx_cell_name(const char *sheet, const char *ref)
{
    struct bx_buf b;
    const char *p;

    buf_init(&b);
    buf_puts(&b, "'");
    for (p = sheet; *p != '\0'; p++) {
        buf_append(&b, p, 1);
        if (*p == '\'') {
            buf_puts(&b, "'");
        }
    }
    buf_printf(&b, "'!%s", ref);
    return buf_take(&b, NULL);
}

void xlsx_finding(struct bx_diags *diags, enum bx_severity sev,
                  const char *code, const char *file, const char *cell,
                  const char *zh, const char *en)
{
    struct bx_diag d;

    memset(&d, 0, sizeof(d));
    d.severity = sev;
    d.code = (char *)code;
    d.file = (char *)file;
    d.cell = (char *)cell;
    d.message_zh = (char *)zh;
    d.message_en = (char *)en;
    bx_diags_add(diags, &d);
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */
/* ------------------------------------------------------------------ */

/* Round the digit string 'dg' (n digits) to keep 'keep' digits. */
static int round_digits(char *dg, int n, int keep)
{
    int i;

    if (keep >= n) {
        return n;
    }
    if (keep < 0) {
        return 0;
    }
    if (dg[keep] >= '5') {
        for (i = keep - 1; i >= 0; i--) {
            if (dg[i] < '9') {
                dg[i]++;
                break;
            }
            dg[i] = '0';
        }
        if (i < 0) {
            memmove(dg + 1, dg, (size_t)keep);
            dg[0] = '1';
            return -(keep + 1); /* carried into a new leading digit */
        }
    }
    return keep;
}

/*
 * Parse 'v' into its digits (no leading zeros) and the position of the
 * decimal point: value = 0.DIGITS × 10^point.  Returns digit count or -1.
 */
static int parse_decimal(const char *v, char *dg, size_t size, int *point,
                         int *neg)
{
    const char *p = v;
    int n = 0;
    int pt = 0;
    int seen_point = 0;
    int any = 0;
    long e = 0;
    char *end;

    *neg = 0;
    while (*p == ' ') {
        p++;
    }
    if (*p == '-' || *p == '+') {
        *neg = *p == '-';
        p++;
    }
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.') {
            if (seen_point) {
                return -1;
            }
            seen_point = 1;
            continue;
        }
        any = 1;
        if (n == 0 && *p == '0') {
            pt -= seen_point; /* leading zeros after the point */
            continue;
        }
        if ((size_t)n + 1 < size) {
            dg[n++] = *p;
        }
        pt += !seen_point;
    }
    if (*p == 'e' || *p == 'E') {
        errno = 0;
        e = strtol(p + 1, &end, 10);
        if (end == p + 1 || errno != 0 || e > 400 || e < -400) {
            return -1;
        }
        p = end;
    }
    while (*p == ' ') {
        p++;
    }
    if (!any || *p != '\0') {
        return -1;
    }
    *point = pt + (int)e;
    dg[n] = '\0';
    return n;
}

int xlsx_format_number(const char *v, int decimals, char *out, size_t size)
{
    char dg[64];
    struct bx_buf b;
    int point;
    int neg;
    int n = parse_decimal(v, dg, sizeof(dg) - 2, &point, &neg);
    int k;
    int i;
    char *s;

    if (n < 0) {
        return BX_E_ARG;
    }
    k = round_digits(dg, n, 15); /* what the spreadsheet shows */
    if (k < 0) {
        k = -k;
        point++;
    }
    n = k;
    while (n > 0 && dg[n - 1] == '0') {
        n--;
    }
    if (decimals >= 0) {
        k = round_digits(dg, n, point + decimals);
        if (k < 0) {
            k = -k;
            point++;
        }
        n = k;
    }
    if (n == 0) {
        neg = 0;
    }
    buf_init(&b);
    buf_puts(&b, neg ? "-" : "");
    for (i = 0; i < (point > 0 ? point : 1); i++) {
        buf_append(&b, i < point && i < n ? &dg[i] : "0", 1);
    }
    k = decimals >= 0 ? decimals : n - point;
    if (k > 0) {
        buf_puts(&b, ".");
    }
    for (i = 0; i < k; i++) {
        buf_append(&b, point + i >= 0 && point + i < n ? &dg[point + i] : "0",
                   1);
    }
    s = buf_take(&b, NULL);
    if (s == NULL || strlen(s) >= size) {
        free(s);
        return BX_E_ARG;
    }
    strcpy(out, s);
    free(s);
    return BX_OK;
}

int xlsx_parse_ref(const char *ref, unsigned long *row, unsigned *col)
{
    const char *p = ref;
    unsigned c = 0;
    unsigned long r = 0;

    while (*p == '$') {
        p++;
    }
    for (; *p >= 'A' && *p <= 'Z' && c < 100000; p++) {
        c = c * 26 + (unsigned)(*p - 'A' + 1);
    }
    while (*p == '$') {
        p++;
    }
    for (; *p >= '0' && *p <= '9' && r < 100000000; p++) {
        r = r * 10 + (unsigned long)(*p - '0');
    }
    if (*p != '\0' || c == 0 || r == 0 || c > 16384 || r > 1048576) {
        return BX_E_ARG;
    }
    *row = r;
    *col = c;
    return BX_OK;
}

void xlsx_ref_format(unsigned long row, unsigned col, char *out, size_t size)
{
    char letters[8];
    int n = 0;
    int i;
    char *p = out;

    while (col > 0 && n < 7) {
        letters[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (i = n - 1; i >= 0 && (size_t)(p - out) + 1 < size; i--) {
        *p++ = letters[i];
    }
    snprintf(p, size - (size_t)(p - out), "%lu", row);
}

/* ------------------------------------------------------------------ */
/* The hidden sheet: map and source                                     */
/* ------------------------------------------------------------------ */

/* Undo the escapes of xlsx_write.c's field() in place. */
static void unescape(char *s)
{
    char *o = s;

    for (; *s != '\0'; s++) {
        if (*s == '\\' && s[1] != '\0') {
            s++;
            *o++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
        } else {
            *o++ = *s;
        }
    }
    *o = '\0';
}

/* Split a map line into at most 'max' tab-separated fields, in place. */
static int split(char *line, char **f, int max)
{
    int n = 0;

    f[n++] = line;
    while (n < max && (line = strchr(line, '\t')) != NULL) {
        *line++ = '\0';
        f[n++] = line;
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Applying the map                                                     */
/* ------------------------------------------------------------------ */

struct reader {
    struct bx_context *ctx;
    const char *file;
    struct bx_diags *diags;
    struct xlsx_book *book;
    xmlNodePtr *els; /* source elements by ordinal */
    size_t nels;
    struct bx_xlsx_import *imp;
    size_t extra;   /* cells reported as not placed */
    size_t changed; /* values that differ from the source document */
};

static int place(struct reader *rd, xmlNodePtr el, const char *attr,
                 const char *cell)
{
    struct bx_xlsx_import *imp = rd->imp;
    struct placed *grown;
    size_t cap;

    if (imp->nplaced == imp->cap) {
        cap = imp->cap ? imp->cap * 2 : 256;
        grown = realloc(imp->placed, cap * sizeof(*grown));
        if (grown == NULL) {
            return BX_E_NOMEM;
        }
        imp->placed = grown;
        imp->cap = cap;
    }
    imp->placed[imp->nplaced].el = el;
    imp->placed[imp->nplaced].attr = util_strdup(attr);
    imp->placed[imp->nplaced].cell = util_strdup(cell);
    if (imp->placed[imp->nplaced].attr == NULL ||
        imp->placed[imp->nplaced].cell == NULL) {
        free(imp->placed[imp->nplaced].attr);
        free(imp->placed[imp->nplaced].cell);
        return BX_E_NOMEM;
    }
    imp->nplaced++;
    return BX_OK;
}

/* The value an amount cell gives, or NULL for an empty cell. */
static int amount_value(struct reader *rd, const struct xlsx_cell *c,
                        const char *cell, char *out, size_t size)
{
    char msg[512];
    int dec;

    if (c == NULL || c->kind == XLSX_EMPTY) {
        return BX_E_STATE;
    }
    if (c->kind == XLSX_FORMULA_NO_VALUE) {
        snprintf(msg, sizeof(msg),
                 "formula cell %s has no cached value: open and save the "
                 "workbook in Excel, WPS or LibreOffice to compute it",
                 cell);
        xlsx_finding(rd->diags, BX_SEV_ERROR, "XLSX-FORMULA", rd->file, cell,
                     "公式单元格没有计算结果：请用 Excel、WPS 或 LibreOffice "
                     "打开并保存工作簿",
                     msg);
        return BX_E_STATE;
    }
    if (c->kind == XLSX_NUMBER) {
        dec = xlsx_book_decimals(rd->book, c->style);
        if (xlsx_format_number(c->v, dec, out, size) == BX_OK) {
            return BX_OK;
        }
    } else if (c->kind == XLSX_TEXT &&
               xlsx_format_number(c->v, -1, out, size) == BX_OK) {
        snprintf(out, size, "%s", c->v); /* a number typed as text */
        return BX_OK;
    }
    snprintf(msg, sizeof(msg), "cell %s holds '%.200s', not a number", cell,
             c->v != NULL ? c->v : "");
    xlsx_finding(rd->diags, BX_SEV_ERROR, "XLSX-NOT-NUMBER", rd->file, cell,
                 "单元格内容不是数字", msg);
    snprintf(out, size, "%s", c->v != NULL ? c->v : "");
    return BX_OK;
}

/* 1 when setting 'attr' of 'el' to 'value' ("": empty) changes it. */
static int changes(xmlNodePtr el, const char *attr, const char *value)
{
    xmlChar *old = xmlGetProp(el, BAD_CAST attr);
    int differ =
        old != NULL ? strcmp((const char *)old, value) != 0 : value[0] != '\0';

    xmlFree(old);
    return differ;
}

/* One "m" line: sheet, ref, ordinal, attribute. */
static int apply_map(struct reader *rd, char **f)
{
    char *cell = xlsx_cell_name(f[0], f[1]);
    struct xlsx_cell *c = xlsx_book_cell(rd->book, f[0], f[1]);
    char value[128];
    char *end;
    unsigned long k = strtoul(f[2], &end, 10);
    xmlNodePtr el;
    int rc;

    if (cell == NULL) {
        return BX_E_NOMEM;
    }
    if (*end != '\0' || k >= rd->nels) {
        free(cell);
        return BX_E_INVALID;
    }
    el = rd->els[k];
    if (c != NULL) {
        c->used = 1;
    }
    rc = amount_value(rd, c, cell, value, sizeof(value));
    rd->changed += changes(el, f[3], rc == BX_OK ? value : "");
    if (rc == BX_OK) {
        rc = xmlSetProp(el, BAD_CAST f[3], BAD_CAST value) != NULL ? BX_OK
                                                                   : BX_E_NOMEM;
    } else if (xmlHasProp(el, BAD_CAST f[3]) != NULL) {
        /* an empty cell is a blank amount, never 0; an amount the
         * document did not have stays absent */
        rc = xmlSetProp(el, BAD_CAST f[3], BAD_CAST "") != NULL ? BX_OK
                                                                : BX_E_NOMEM;
    } else {
        rc = BX_OK;
    }
    if (rc == BX_OK) {
        rc = place(rd, el, f[3], cell);
    }
    free(cell);
    return rc;
}

/* One "f" line: a cell budgetx wrote and does not read back. */
static int check_fixed(struct reader *rd, char **f)
{
    struct xlsx_cell *c = xlsx_book_cell(rd->book, f[0], f[1]);
    const char *now = c != NULL && c->v != NULL ? c->v : "";
    char a[64];
    char b[64];
    char *cell;
    char msg[1024];

    if (c != NULL) {
        c->used = 1;
    }
    unescape(f[2]);
    cell = xlsx_cell_name(f[0], f[1]);
    if (cell == NULL || place(rd, NULL, f[2], cell) != BX_OK) {
        free(cell);
        return BX_E_NOMEM;
    }
    free(cell);
    if (strcmp(now, f[2]) == 0 ||
        (xlsx_format_number(now, -1, a, sizeof(a)) == BX_OK &&
         xlsx_format_number(f[2], -1, b, sizeof(b)) == BX_OK &&
         strcmp(a, b) == 0)) {
        return BX_OK;
    }
    cell = xlsx_cell_name(f[0], f[1]);
    if (cell == NULL) {
        return BX_E_NOMEM;
    }
    snprintf(msg, sizeof(msg),
             "cell %s was changed from '%.200s' to '%.200s': only amounts "
             "are read back from a workbook, the change is ignored",
             cell, f[2], now);
    xlsx_finding(rd->diags, BX_SEV_WARNING, "XLSX-CELL-CHANGED", rd->file, cell,
                 "单元格内容被修改：工作簿只读回金额，此修改被忽略", msg);
    free(cell);
    return BX_OK;
}

/* The text of cell (sheet, ref), used; "" for none.  A number as the
 * shortest decimal ("205"). */
static const char *cell_text(struct reader *rd, const char *sheet,
                             const char *ref, char *buf, size_t size)
{
    struct xlsx_cell *c = xlsx_book_cell(rd->book, sheet, ref);

    if (c == NULL) {
        return "";
    }
    c->used = 1;
    if (c->kind == XLSX_NUMBER &&
        xlsx_format_number(c->v, -1, buf, size) == BX_OK) {
        return buf;
    }
    return c->kind == XLSX_EMPTY || c->v == NULL ? "" : c->v;
}

static int is_named(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, BAD_CAST name);
}

/* The 'name' element under 'top' whose attribute 'attr' is 'code', or
 * NULL. */
static xmlNodePtr find_attr(xmlNodePtr top, const char *name,
                            const char *attr, const char *code)
{
    xmlNodePtr n;
    xmlChar *v;
    int hit;

    for (n = top->children; n != NULL; n = xlsx_next_node(top, n)) {
        if (!is_named(n, name)) {
            continue;
        }
        v = xmlGetProp(n, BAD_CAST attr);
        hit = v != NULL && strcmp((const char *)v, code) == 0;
        xmlFree(v);
        if (hit) {
            return n;
        }
    }
    return NULL;
}

/* The 'name' element under 'top' whose code is 'code', or NULL. */
static xmlNodePtr find_code(xmlNodePtr top, const char *name, const char *code)
{
    return find_attr(top, name, "code", code);
}

/* The func under 'top' whose code is the longest proper prefix of
 * 'code', or NULL. */
static xmlNodePtr find_prefix(xmlNodePtr top, const char *code)
{
    xmlNodePtr n;
    xmlNodePtr best = NULL;
    size_t bestlen = 0;
    size_t len;
    xmlChar *v;

    for (n = top->children; n != NULL; n = xlsx_next_node(top, n)) {
        if (!is_named(n, "func")) {
            continue;
        }
        v = xmlGetProp(n, BAD_CAST "code");
        len = v != NULL ? strlen((const char *)v) : 0;
        if (v != NULL && len < strlen(code) && len > bestlen &&
            strncmp((const char *)v, code, len) == 0) {
            best = n;
            bestlen = len;
        }
        xmlFree(v);
    }
    return best;
}

/* The first 'name' child of 'parent', or NULL. */
static xmlNodePtr first_child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr n;

    for (n = parent->children; n != NULL && !is_named(n, name); n = n->next) {
    }
    return n;
}

/* Put 'el' under 'parent' among its siblings of the same name in the
 * order of their attribute 'attr' (code, dep), after the other rows,
 * before notes. */
static void insert_row(xmlNodePtr parent, xmlNodePtr el, const char *attr,
                       const char *code)
{
    xmlNodePtr n;
    xmlChar *v;
    int after;

    for (n = parent->children; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        if (is_named(n, "note") || is_named(n, "emptyNote")) {
            break;
        }
        if (xmlStrEqual(n->name, el->name)) {
            v = xmlGetProp(n, BAD_CAST attr);
            after = v != NULL && strcmp((const char *)v, code) > 0;
            xmlFree(v);
            if (after) {
                break;
            }
        }
    }
    if (n != NULL) {
        xmlAddPrevSibling(n, el);
    } else {
        xmlAddChild(parent, el);
    }
}

static int digits(const char *s)
{
    return s[0] != '\0' && strspn(s, "0123456789") == strlen(s);
}

/* An economic class code: 类 3 digits, 款 5. */
static int eco_code(const char *s)
{
    return digits(s) && (strlen(s) == 3 || strlen(s) == 5);
}

/*
 * Whether 'code' is in column 'col' (C: 部门预算, E: 政府预算 economic
 * codes) of the hidden sheet _codes the blank workbook carries, whose
 * name next to it (column col + 1) goes to 'name'.  1 when the sheet has
 * no such list (no code list for the year): the code is then taken as it
 * is.
 */
static int in_list(struct reader *rd, unsigned col, const char *code,
                   char *name, size_t size)
{
    char ref[16];
    struct xlsx_cell *c;
    unsigned long r;

    name[0] = '\0';
    for (r = 1; r <= 1000; r++) { /* a list: about a hundred codes */
        xlsx_ref_format(r, col, ref, sizeof(ref));
        c = xlsx_book_cell(rd->book, "_codes", ref);
        if (c == NULL || c->v == NULL) {
            return r == 1;
        }
        if (strcmp(c->v, code) == 0) {
            xlsx_ref_format(r, col + 1, ref, sizeof(ref));
            c = xlsx_book_cell(rd->book, "_codes", ref);
            snprintf(name, size, "%s", c != NULL && c->v != NULL ? c->v : "");
            return 1;
        }
    }
    return 0;
}

/* A row added in a "新增行" sheet. */
struct added {
    const char *e;   /* func, unit, project, eco */
    char **keys;     /* attribute names of the key columns; "@unit" */
    size_t nkeys;
    char **attrs;    /* amount attributes of the columns after them */
    size_t nattrs;
};

static int row_problem(struct reader *rd, const char *sheet, unsigned long r,
                       const char *cell, const char *what_zh,
                       const char *what_en)
{
    char msg[600];

    snprintf(msg, sizeof(msg), "row %lu of sheet '%.200s': %s: the row is "
             "ignored", r, sheet, what_en);
    xlsx_finding(rd->diags, BX_SEV_ERROR, "XLSX-ROW-CODE", rd->file, cell,
                 what_zh, msg);
    return BX_OK;
}

/* Where row element 'e' with 'code' (under unit 'unit' when not "") goes
 * in 'table'; NULL with a finding when it cannot go anywhere. */
static xmlNodePtr row_parent(xmlNodePtr table, const char *e,
                             const char *code, const char *unit)
{
    xmlNodePtr top = table;
    xmlNodePtr dept = first_child(table, "dept");
    xmlNodePtr p;

    if (unit[0] != '\0') {
        top = find_code(table, "unit", unit);
        if (top == NULL) {
            return NULL;
        }
    } else if (strcmp(e, "func") != 0 && dept != NULL) {
        top = dept;
    }
    if (strcmp(e, "func") == 0) {
        p = find_prefix(top, code);
        return p != NULL ? p : top;
    }
    return top;
}

/*
 * The economic codes of an added eco row (keys dep, depName, gov,
 * govName in 'vals'): each a 类 or 款 code of the year's list (gov may
 * be empty); an empty name is filled from the list.  *bad = 1 with a
 * finding on the cell when a code is not.
 */
static int eco_keys(struct reader *rd, const char *sheet, unsigned long r,
                    const struct added *ad, char vals[][256], char **cells,
                    int *bad)
{
    static const char *const code_keys[2] = {"dep", "gov"};
    static const char *const name_keys[2] = {"depName", "govName"};
    static const unsigned list_col[2] = {3, 5};
    char name[256];
    char msg[300];
    size_t i;
    size_t j;
    int k;

    *bad = 0;
    for (k = 0; k < 2; k++) {
        for (i = 0; i < ad->nkeys && strcmp(ad->keys[i], code_keys[k]) != 0;
             i++) {
        }
        if (i == ad->nkeys || (k == 1 && vals[i][0] == '\0')) {
            continue;
        }
        if (!eco_code(vals[i]) ||
            !in_list(rd, list_col[k], vals[i], name, sizeof(name))) {
            snprintf(msg, sizeof(msg),
                     "'%.60s' is not a %s economic class code of the year "
                     "(3 or 5 digits, in the list)", vals[i],
                     k == 0 ? "departmental" : "government");
            *bad = 1;
            return row_problem(rd, sheet, r, cells[i],
                               k == 0 ? "新增行的部门预算支出经济分类科目编码无效"
                                        "（应为本年度列表中的3或5位编码），此行被忽略"
                                      : "新增行的政府预算支出经济分类科目编码无效"
                                        "（应为本年度列表中的3或5位编码），此行被忽略",
                               msg);
        }
        for (j = 0; j < ad->nkeys; j++) {
            if (strcmp(ad->keys[j], name_keys[k]) == 0 && vals[j][0] == '\0') {
                snprintf(vals[j], sizeof(vals[j]), "%s", name);
            }
        }
    }
    return BX_OK;
}

/* One added row: keys and amounts of row 'r' of sheet 'sheet'. */
static int add_row(struct reader *rd, const char *sheet, xmlNodePtr table,
                   unsigned long r, const struct added *ad)
{
    char ref[16];
    char msg[300];
    char vals[8][256];
    char num[64];
    char value[128];
    char *cells[80];
    const char *code = "";
    const char *unit = "";
    size_t code_i = 0; /* the columns of the code and of the unit */
    size_t unit_i = 0;
    size_t ncells = ad->nkeys + ad->nattrs;
    xmlNodePtr el = NULL;
    xmlNodePtr parent;
    xmlChar *uname;
    struct xlsx_cell *c;
    size_t i;
    int any = 0;
    int bad = 0;
    int rc = BX_OK;

    if (ad->nkeys > 8 || ncells > 80) {
        return BX_E_INVALID;
    }
    for (i = 0; i < ad->nkeys; i++) {
        xlsx_ref_format(r, (unsigned)(1 + i), ref, sizeof(ref));
        snprintf(vals[i], sizeof(vals[i]), "%s",
                 cell_text(rd, sheet, ref, num, sizeof(num)));
        any |= vals[i][0] != '\0';
        if (strcmp(ad->keys[i], "code") == 0 ||
            strcmp(ad->keys[i], "dep") == 0) {
            code = vals[i];
            code_i = i;
        } else if (strcmp(ad->keys[i], "@unit") == 0) {
            unit = vals[i];
            unit_i = i;
        }
    }
    for (i = 0; i < ad->nattrs; i++) {
        xlsx_ref_format(r, (unsigned)(1 + ad->nkeys + i), ref, sizeof(ref));
        c = xlsx_book_cell(rd->book, sheet, ref);
        if (c != NULL) {
            c->used = 1;
            any |= c->kind != XLSX_EMPTY;
        }
    }
    if (!any) {
        return BX_OK;
    }
    memset(cells, 0, sizeof(cells));
    for (i = 0; i < ncells; i++) {
        xlsx_ref_format(r, (unsigned)(1 + i), ref, sizeof(ref));
        cells[i] = xlsx_cell_name(sheet, ref);
        if (cells[i] == NULL) {
            rc = BX_E_NOMEM;
            goto out;
        }
    }
    if (strcmp(ad->e, "func") == 0 &&
        (!digits(code) || (strlen(code) != 3 && strlen(code) != 5 &&
                           strlen(code) != 7))) {
        snprintf(msg, sizeof(msg),
                 "'%.60s' is not a function code (3, 5 or 7 digits)", code);
        rc = row_problem(rd, sheet, r, cells[code_i],
                         "新增行的功能分类科目编码无效（应为3、5或7位数字），此行被忽略",
                         msg);
        goto out;
    }
    if (code[0] == '\0') {
        rc = row_problem(rd, sheet, r, cells[code_i], "新增行没有编码，此行被忽略",
                         "no code");
        goto out;
    }
    if (strcmp(ad->e, "eco") == 0) {
        rc = eco_keys(rd, sheet, r, ad, vals, cells, &bad);
        if (rc != BX_OK || bad) {
            goto out;
        }
    }
    parent = row_parent(table, ad->e, code, unit);
    if (parent == NULL) {
        snprintf(msg, sizeof(msg), "no unit with code '%.60s' in the table",
                 unit);
        rc = row_problem(rd, sheet, r, cells[unit_i],
                         "新增行的所属单位编码在表中不存在，此行被忽略", msg);
        goto out;
    }
    /* a code is unique within its unit (a function code recurs under
     * each unit), else within the table */
    if ((strcmp(ad->e, "eco") == 0 &&
         find_attr(parent, "eco", "dep", code) != NULL) ||
        (strcmp(ad->e, "eco") != 0 &&
         find_code(unit[0] != '\0' && strcmp(ad->e, "func") == 0
                       ? find_code(table, "unit", unit)
                       : table,
                   ad->e, code) != NULL)) {
        snprintf(msg, sizeof(msg), "code '%.60s' is already in the table",
                 code);
        rc = row_problem(rd, sheet, r, cells[code_i],
                         "新增行的编码表中已有，此行被忽略", msg);
        goto out;
    }
    el = xmlNewDocNode(table->doc, table->ns, BAD_CAST ad->e, NULL);
    rc = el != NULL ? BX_OK : BX_E_NOMEM;
    for (i = 0; rc == BX_OK && i < ad->nkeys; i++) {
        if (ad->keys[i][0] != '@' &&
            (vals[i][0] != '\0' || strcmp(ad->e, "eco") != 0) &&
            xmlSetProp(el, BAD_CAST ad->keys[i], BAD_CAST vals[i]) == NULL) {
            rc = BX_E_NOMEM;
        }
    }
    if (rc == BX_OK && strcmp(ad->e, "project") == 0) {
        /* 单位名称 of a project: its unit's (or department's) name */
        uname = xmlGetProp(parent, BAD_CAST "name");
        if (uname != NULL &&
            xmlSetProp(el, BAD_CAST "unitName", uname) == NULL) {
            rc = BX_E_NOMEM;
        }
        xmlFree(uname);
    }
    for (i = 0; rc == BX_OK && i < ad->nattrs; i++) {
        xlsx_ref_format(r, (unsigned)(1 + ad->nkeys + i), ref, sizeof(ref));
        c = xlsx_book_cell(rd->book, sheet, ref);
        if (amount_value(rd, c, cells[ad->nkeys + i], value, sizeof(value)) !=
            BX_OK) {
            value[0] = '\0';
        }
        if (xmlSetProp(el, BAD_CAST ad->attrs[i], BAD_CAST value) == NULL) {
            rc = BX_E_NOMEM;
        }
    }
    if (rc != BX_OK) {
        xmlFreeNode(el);
        goto out;
    }
    insert_row(parent, el, strcmp(ad->e, "eco") == 0 ? "dep" : "code", code);
    rd->changed++;
    for (i = 0; rc == BX_OK && i < ad->nkeys; i++) {
        if (ad->keys[i][0] != '@' && xmlHasProp(el, BAD_CAST ad->keys[i])) {
            rc = place(rd, el, ad->keys[i], cells[i]);
        }
    }
    for (i = 0; rc == BX_OK && i < ad->nattrs; i++) {
        rc = place(rd, el, ad->attrs[i], cells[ad->nkeys + i]);
    }
out:
    for (i = 0; i < ncells; i++) {
        free(cells[i]);
    }
    return rc;
}

/* Split 'list' (space separated, changed in place) into at most 'max'. */
static size_t words(char *list, char **out, size_t max)
{
    size_t n = 0;
    char *p = list;

    while (*p != '\0' && n < max) {
        out[n++] = p;
        p += strcspn(p, " ");
        if (*p == ' ') {
            *p++ = '\0';
        }
    }
    return *p == '\0' ? n : max + 1;
}

/* One "a" line: sheet, ordinal of the table, rows, element, key
 * attributes, amount attributes: every filled row of the sheet becomes
 * such an element of the table. */
static int apply_add(struct reader *rd, char **f)
{
    char *keys[8];
    char *attrs[64];
    struct added ad;
    char *end;
    unsigned long k = strtoul(f[1], &end, 10);
    unsigned long rows;
    unsigned long r;
    int rc = BX_OK;

    if (*end != '\0' || k >= rd->nels) {
        return BX_E_INVALID;
    }
    rows = strtoul(f[2], &end, 10);
    if (*end != '\0' || rows > 10000 ||
        (strcmp(f[3], "func") != 0 && strcmp(f[3], "unit") != 0 &&
         strcmp(f[3], "project") != 0 && strcmp(f[3], "eco") != 0)) {
        return BX_E_INVALID;
    }
    ad.e = f[3];
    ad.keys = keys;
    ad.nkeys = words(f[4], keys, 8);
    ad.attrs = attrs;
    ad.nattrs = words(f[5], attrs, 64);
    if (ad.nkeys > 8 || ad.nattrs > 64) {
        return BX_E_INVALID;
    }
    for (r = 3; rc == BX_OK && r < 3 + rows; r++) {
        rc = add_row(rd, f[0], rd->els[k], r, &ad);
    }
    return rc;
}

/* Apply the map text (lines up to the first empty one). */
static int apply_lines(struct reader *rd, char *text, size_t len)
{
    char *p = text;
    char *nl;
    char *f[7];
    int n;
    int rc = BX_OK;

    while (rc == BX_OK && p < text + len &&
           (nl = memchr(p, '\n', len - (size_t)(p - text))) != NULL) {
        *nl = '\0';
        n = split(p, f, 7);
        if (n == 5 && strcmp(f[0], "m") == 0) {
            rc = apply_map(rd, f + 1);
        } else if (n == 4 && strcmp(f[0], "f") == 0) {
            unescape(f[1]);
            rc = check_fixed(rd, f + 1);
        } else if (n == 7 && strcmp(f[0], "a") == 0) {
            unescape(f[1]);
            rc = apply_add(rd, f + 1);
        } else {
            rc = BX_E_INVALID;
        }
        p = nl + 1;
    }
    return rc;
}

/* Index the source document's elements by ordinal (document order). */
static int index_elements(struct reader *rd, xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr n = root;
    size_t cap = 1024;
    xmlNodePtr *grown;

    rd->els = malloc(cap * sizeof(*rd->els));
    if (rd->els == NULL) {
        return BX_E_NOMEM;
    }
    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE) {
            if (rd->nels == cap) {
                cap *= 2;
                grown = realloc(rd->els, cap * sizeof(*grown));
                if (grown == NULL) {
                    return BX_E_NOMEM;
                }
                rd->els = grown;
            }
            rd->els[rd->nels++] = n;
        }
        n = xlsx_next_node(root, n);
    }
    return BX_OK;
}

/* Report cells that hold something and have no place (at most 50). */
static void report_extra(struct reader *rd)
{
    struct xlsx_cell *c;
    char *cell;
    char msg[512];
    size_t i = 0;

    while ((c = xlsx_book_unused(rd->book, &i)) != NULL) {
        if (rd->extra++ >= 50) {
            continue;
        }
        cell = xlsx_cell_name(xlsx_book_sheet_name(rd->book, c->sheet), c->ref);
        snprintf(msg, sizeof(msg),
                 "cell %s holds '%.200s', which has no place in the "
                 "disclosure: ignored",
                 cell ? cell : c->ref, c->v ? c->v : "");
        xlsx_finding(rd->diags, BX_SEV_WARNING, "XLSX-EXTRA-CELL", rd->file,
                     cell, "单元格内容在公开文件中没有对应位置，已忽略", msg);
        free(cell);
    }
    if (rd->extra > 50) {
        snprintf(msg, sizeof(msg), "and %zu more cells with no place",
                 rd->extra - 50);
        xlsx_finding(rd->diags, BX_SEV_WARNING, "XLSX-EXTRA-CELL", rd->file,
                     NULL, "另有更多单元格没有对应位置", msg);
    }
}

static int not_ours(struct reader *rd, const char *why)
{
    char msg[512];

    snprintf(msg, sizeof(msg),
             "not a budgetx workbook (%s): start from 'budgetx template --to "
             "xlsx' or 'budgetx convert --to xlsx'",
             why);
    xlsx_finding(rd->diags, BX_SEV_FATAL, "XLSX-NOT-BUDGETX", rd->file, NULL,
                 "不是 budgetx 生成的工作簿：请从 budgetx template 或 "
                 "budgetx convert --to xlsx 生成的工作簿开始填写",
                 msg);
    return BX_E_INVALID;
}

/*
 * The blob is the map, an empty line, the source document: parse the
 * source, number its elements, then apply the map to it.
 */
static int source_and_map(struct reader *rd, char *blob, size_t size,
                          xmlDocPtr *doc, size_t *src)
{
    char *sep = blob[0] == '\n' ? blob : strstr(blob, "\n\n");
    size_t maplen;
    size_t at;
    int rc;

    if (sep == NULL) {
        return BX_E_INVALID;
    }
    maplen = sep == blob ? 0 : (size_t)(sep - blob) + 1;
    at = sep == blob ? 1 : maplen + 1;
    *src = at;
    rc = xmlio_parse((unsigned char *)blob + at, size - at, rd->file,
                     &rd->ctx->opts.limits, rd->diags, doc);
    if (rc == BX_OK) {
        rc = index_elements(rd, *doc);
    }
    if (rc == BX_OK) {
        rc = apply_lines(rd, blob, maplen);
    }
    return rc;
}

static int output_copy(struct bx_output *out, const xmlChar *mem, size_t len)
{
    unsigned char *data = malloc(len + 1);

    if (data == NULL) {
        return BX_E_NOMEM;
    }
    memcpy(data, mem, len);
    data[len] = '\0';
    return transform_output_add(out, "disclosure.xml", "application/xml", data,
                                len);
}

/* Decode the hidden sheet's blob and apply it. */
static int apply_blob(struct reader *rd, struct bx_output *out)
{
    unsigned char *z = NULL;
    unsigned char *blob = NULL;
    size_t zlen = 0;
    size_t size = 0;
    uLongf got;
    xmlDocPtr doc = NULL;
    xmlChar *mem = NULL;
    int memlen = 0;
    size_t src = 0;
    char *text = NULL;
    struct bx_limits lim = rd->ctx->opts.limits;
    int rc = xlsx_book_blob(rd->book, &text, &size);

    if (rc != BX_OK) {
        return rc == BX_E_INVALID ? not_ours(rd, "no hidden sheet _bx") : rc;
    }
    if (size > lim.max_bytes + (64u << 20)) {
        free(text);
        return not_ours(rd, "hidden sheet _bx too large");
    }
    rc = xlsx_base64_decode(text, strlen(text), &z, &zlen);
    free(text);
    blob = rc == BX_OK ? malloc(size + 1) : NULL;
    got = (uLongf)size;
    if (blob == NULL || uncompress(blob, &got, z, (uLong)zlen) != Z_OK ||
        got != size) {
        free(z);
        free(blob);
        return rc == BX_E_NOMEM ? rc : not_ours(rd, "hidden sheet _bx damaged");
    }
    free(z);
    blob[size] = '\0';
    rc = source_and_map(rd, (char *)blob, size, &doc, &src);
    if (rc == BX_OK && rd->changed == 0) {
        /* nothing changed: the source document, byte for byte */
        report_extra(rd);
        rc = output_copy(out, (xmlChar *)blob + src, size - src);
        rd->imp->doc = doc;
        doc = NULL;
    } else if (rc == BX_OK) {
        report_extra(rd);
        xmlDocDumpMemoryEnc(doc, &mem, &memlen, "UTF-8");
        rc = mem != NULL ? output_copy(out, mem, (size_t)memlen) : BX_E_NOMEM;
        xmlFree(mem);
        rd->imp->doc = doc;
        doc = NULL;
    } else if (rc == BX_E_INVALID) {
        rc = not_ours(rd, "hidden sheet _bx damaged");
    }
    xmlFreeDoc(doc);
    free(blob);
    return rc;
}

int bx_xlsx_import(struct bx_context *ctx, const char *path,
                   struct bx_diags *diags, struct bx_output *out,
                   struct bx_xlsx_import **imp)
{
    struct reader rd;
    size_t count = out->count;
    int rc;

    if (imp != NULL) {
        *imp = NULL;
    }
    memset(&rd, 0, sizeof(rd));
    rd.ctx = ctx;
    rd.file = path;
    rd.diags = diags;
    rd.imp = calloc(1, sizeof(*rd.imp));
    if (rd.imp == NULL) {
        return BX_E_NOMEM;
    }
    rc = xlsx_book_open(ctx, path, diags, &rd.book);
    if (rc == BX_OK) {
        rc = apply_blob(&rd, out);
    }
    if (rc == BX_OK) {
        xlsx_book_report_sheets(rd.book, diags);
    }
    xlsx_book_free(rd.book);
    free(rd.els);
    if (rc != BX_OK) {
        while (out->count > count) {
            out->count--;
            free(out->files[out->count].name);
            free(out->files[out->count].data);
        }
    }
    if (rc == BX_OK && imp != NULL) {
        *imp = rd.imp;
        rd.imp = NULL;
    }
    bx_xlsx_import_free(rd.imp);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Locating findings                                                    */
/* ------------------------------------------------------------------ */

xmlNodePtr xlsx_resolve(xmlDocPtr doc, const char *xpath, char *attr,
                        size_t size)
{
    xmlNodePtr cur = (xmlNodePtr)doc;
    xmlNodePtr c;
    const char *p = xpath;
    char name[256];
    size_t n;
    long want;
    long k;

    attr[0] = '\0';
    while (cur != NULL && *p == '/') {
        p++;
        if (*p == '@') {
            snprintf(attr, size, "%s", p + 1);
            return cur;
        }
        if (strncmp(p, "bx:", 3) == 0) {
            p += 3;
        }
        n = strcspn(p, "[/");
        if (n == 0 || n >= sizeof(name)) {
            return NULL;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        p += n;
        want = 1;
        if (*p == '[') {
            want = strtol(p + 1, NULL, 10);
            p = strchr(p, ']');
            if (p == NULL) {
                return NULL;
            }
            p++;
        }
        for (c = cur->children, k = 0; c != NULL; c = c->next) {
            if (c->type == XML_ELEMENT_NODE &&
                xmlStrEqual(c->name, BAD_CAST name) && ++k == want) {
                break;
            }
        }
        cur = c;
    }
    return *p == '\0' ? cur : NULL;
}

/* 1 when cells "'s'!E12" and "'s'!B12" are in the same sheet and row. */
static int same_row(const char *a, const char *b)
{
    const char *ea = strrchr(a, '!');
    const char *eb = strrchr(b, '!');

    if (ea == NULL || eb == NULL || ea - a != eb - b ||
        memcmp(a, b, (size_t)(ea - a)) != 0) {
        return 0;
    }
    for (ea++; *ea >= 'A' && *ea <= 'Z'; ea++) {
    }
    for (eb++; *eb >= 'A' && *eb <= 'Z'; eb++) {
    }
    return strcmp(ea, eb) == 0;
}

/*
 * The cell of (el, attr); for a name or code (a fixed cell), the cell of
 * the same row as el's amounts that shows the attribute's value (else the
 * row's first fixed cell: a code printed as 类/款/项); else the first cell
 * of 'el'; else NULL.
 */
static const char *cell_of(const struct bx_xlsx_import *imp, xmlNodePtr el,
                           const char *attr)
{
    const char *any = NULL;
    const char *part = NULL;
    const char *first = NULL;
    xmlChar *v;
    size_t i;

    for (i = 0; i < imp->nplaced; i++) {
        if (imp->placed[i].el != el) {
            continue;
        }
        if (strcmp(imp->placed[i].attr, attr) == 0) {
            return imp->placed[i].cell;
        }
        if (any == NULL) {
            any = imp->placed[i].cell;
        }
    }
    v = any != NULL && attr[0] != '\0' ? xmlGetProp(el, BAD_CAST attr) : NULL;
    for (i = 0; v != NULL && v[0] != '\0' && i < imp->nplaced; i++) {
        if (imp->placed[i].el != NULL ||
            !same_row(imp->placed[i].cell, any)) {
            continue;
        }
        if (strcmp(imp->placed[i].attr, (const char *)v) == 0) {
            xmlFree(v);
            return imp->placed[i].cell;
        }
        if (part == NULL && strstr(imp->placed[i].attr, (const char *)v)) {
            part = imp->placed[i].cell;
        }
        if (first == NULL) {
            first = imp->placed[i].cell;
        }
    }
    xmlFree(v);
    return part != NULL ? part : first != NULL ? first : any;
}

int bx_xlsx_locate(const struct bx_xlsx_import *imp, struct bx_diags *diags)
{
    struct bx_diag *d;
    xmlNodePtr el;
    const char *cell;
    char attr[128];
    size_t i;

    for (i = 0; imp != NULL && i < diags->count; i++) {
        d = &diags->items[i];
        if (d->xpath == NULL || d->cell != NULL) {
            continue;
        }
        el = xlsx_resolve(imp->doc, d->xpath, attr, sizeof(attr));
        cell = el != NULL ? cell_of(imp, el, attr) : NULL;
        if (cell != NULL) {
            d->cell = util_strdup(cell);
            if (d->cell == NULL) {
                return BX_E_NOMEM;
            }
        }
    }
    return BX_OK;
}

/* ------------------------------------------------------------------ */
/* Checking a workbook                                                  */
/* ------------------------------------------------------------------ */

int bx_is_workbook(const char *path)
{
    unsigned char head[4];
    FILE *fp = strcmp(path, "-") != 0 ? fopen(path, "rb") : NULL;
    int yes;

    if (fp == NULL) {
        return 0;
    }
    yes = fread(head, 1, 4, fp) == 4 && memcmp(head, "PK\003\004", 4) == 0;
    fclose(fp);
    return yes;
}

/* 'first' then the findings of 'chk', into chk->diags. */
static int prepend(struct bx_check *chk, const struct bx_diags *first)
{
    struct bx_diags all;
    size_t i;
    int rc = BX_OK;

    bx_diags_init(&all);
    for (i = 0; rc == BX_OK && i < first->count; i++) {
        rc = bx_diags_add(&all, &first->items[i]);
    }
    for (i = 0; rc == BX_OK && i < chk->diags.count; i++) {
        rc = bx_diags_add(&all, &chk->diags.items[i]);
    }
    if (rc != BX_OK) {
        bx_diags_release(&all);
        return rc;
    }
    bx_diags_release(&chk->diags);
    chk->diags = all;
    chk->result.diags = &chk->diags;
    return BX_OK;
}

int bx_check_workbook(struct bx_context *ctx, const char *path,
                      struct bx_check *chk)
{
    struct bx_xlsx_import *imp = NULL;
    struct bx_diags wd;
    struct bx_output out;
    int rc;

    bx_diags_init(&wd);
    bx_output_init(&out);
    rc = bx_xlsx_import(ctx, path, &wd, &out, &imp);
    if (rc == BX_OK) {
        rc = bx_check_memory(ctx, out.files[0].data, out.files[0].len, path,
                             chk);
        if (bx_xlsx_locate(imp, &chk->diags) != BX_OK && rc == BX_OK) {
            rc = BX_E_NOMEM;
        }
    } else {
        memset(chk, 0, sizeof(*chk));
        bx_diags_init(&chk->diags);
        chk->result.path = path;
        chk->result.schema_valid = -1;
        chk->result.diags = &chk->diags;
        chk->status = rc;
        chk->result.status = rc;
    }
    if (prepend(chk, &wd) != BX_OK && rc == BX_OK) {
        rc = BX_E_NOMEM;
    }
    bx_xlsx_import_free(imp);
    bx_output_release(&out);
    bx_diags_release(&wd);
    return rc;
}
