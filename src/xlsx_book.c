/*
 * Reading the cells of a workbook (ECMA-376 SpreadsheetML), bounded and
 * strict: the zip through bxzip.c's reader, every part through xmlio.c's
 * untrusted parser (no DTD, no entities, no network), elements matched by
 * local name so that transitional and strict namespaces both read.  It
 * knows nothing of disclosures: xlsx_read.c maps cells to documents.
 */
#define _POSIX_C_SOURCE 200809L

#include "xlsx_cells.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "bxzip.h"
#include "internal.h"
#include "util.h"
#include "xlsx.h"
#include "xmlio.h"

struct sheet {
    char *name;
    char *part; /* zip entry name */
    int known;  /* the map names this sheet */
};

struct xlsx_book {
    struct bx_context *ctx;
    const char *file;
    struct bx_diags *diags;
    unsigned char *bytes;
    size_t len;
    struct bxzip_reader *zip;
    struct sheet *sheets;
    unsigned nsheets;
    char **sst; /* shared strings */
    size_t nsst;
    int *xf_dec; /* decimals per cellXfs entry */
    size_t nxf;
    struct xlsx_cell *cells; /* sorted by sheet, row, column */
    size_t ncells;
    size_t cap;
    unsigned long rows;
};

void xlsx_book_free(struct xlsx_book *b)
{
    size_t i;

    if (b == NULL) {
        return;
    }
    for (i = 0; i < b->nsheets; i++) {
        free(b->sheets[i].name);
        free(b->sheets[i].part);
    }
    for (i = 0; i < b->nsst; i++) {
        free(b->sst[i]);
    }
    for (i = 0; i < b->ncells; i++) {
        free(b->cells[i].v);
    }
    free(b->sheets);
    free(b->sst);
    free(b->xf_dec);
    free(b->cells);
    bxzip_reader_free(b->zip);
    free(b->bytes);
    free(b);
}

static int refuse(struct xlsx_book *b, enum bx_severity sev, const char *code,
                  const char *zh, const char *en, int rc)
{
    xlsx_finding(b->diags, sev, code, b->file, NULL, zh, en);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Parts                                                                */
/* ------------------------------------------------------------------ */

static long find_entry(const struct xlsx_book *b, const char *name)
{
    size_t i;
    size_t n = bxzip_reader_count(b->zip);

    for (i = 0; i < n; i++) {
        if (strcasecmp(bxzip_reader_entry(b->zip, i)->name, name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/* Count the elements of 'data' (an upper bound: every '<'). */
static unsigned long count_tags(const unsigned char *data, size_t len)
{
    unsigned long n = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        n += data[i] == '<';
    }
    return n;
}

/* Count the <row> start tags of a sheet part (any prefix). */
static unsigned long count_rows(const unsigned char *data, size_t len)
{
    unsigned long n = 0;
    size_t i;

    for (i = 1; i + 4 < len; i++) {
        n += (data[i - 1] == '<' || data[i - 1] == ':') &&
             memcmp(data + i, "row", 3) == 0 &&
             (data[i + 3] == ' ' || data[i + 3] == '>' || data[i + 3] == '/');
    }
    return n;
}

/*
 * Parse part 'name' (BX_E_STATE when absent).  Caller frees '*doc'.
 * Parts are held to XLSX_MAX_PART by the zip limits and to
 * XLSX_MAX_NODES elements before they are parsed.
 */
static int read_part_rows(struct xlsx_book *b, const char *name, int sheet,
                          xmlDocPtr *doc)
{
    long i = find_entry(b, name);
    unsigned char *data = NULL;
    size_t len = 0;
    char label[512];
    char msg[600];
    int rc;

    *doc = NULL;
    if (i < 0) {
        return BX_E_STATE;
    }
    rc = bxzip_reader_extract(b->zip, (size_t)i, &data, &len, b->diags);
    if (rc != BX_OK) {
        return rc;
    }
    snprintf(label, sizeof(label), "%s:%s", b->file, name);
    if (count_tags(data, len) > XLSX_MAX_NODES) {
        snprintf(msg, sizeof(msg),
                 "part '%s' has more than %lu elements: refused", name,
                 XLSX_MAX_NODES);
        free(data);
        return refuse(b, BX_SEV_FATAL, "XLSX-LIMIT", "工作簿部件元素过多", msg,
                      BX_E_LIMIT);
    }
    if (sheet && (b->rows += count_rows(data, len)) > XLSX_MAX_ROWS) {
        free(data);
        return BX_E_LIMIT; /* before parsing: memory stays bounded */
    }
    rc = xmlio_parse(data, len, label, &b->ctx->opts.limits, b->diags, doc);
    free(data);
    return rc;
}

static int read_part(struct xlsx_book *b, const char *name, xmlDocPtr *doc)
{
    return read_part_rows(b, name, 0, doc);
}

static int is_el(xmlNodePtr n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* First child element called 'name'. */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
    xmlNodePtr c;

    for (c = n != NULL ? n->children : NULL; c != NULL; c = c->next) {
        if (is_el(c, name)) {
            return c;
        }
    }
    return NULL;
}

/* Attribute by local name, any namespace.  Caller xmlFree()s. */
static char *attr(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a;

    for (a = n->properties; a != NULL; a = a->next) {
        if (xmlStrEqual(a->name, BAD_CAST name)) {
            return (char *)xmlNodeGetContent((xmlNodePtr)a);
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Relationships, workbook                                              */
/* ------------------------------------------------------------------ */

/* Zip name of 'target' relative to the directory of part 'base'. */
static char *resolve_target(const char *base, const char *target)
{
    struct bx_buf p;
    const char *slash = strrchr(base, '/');
    char *s;
    char *dots;

    buf_init(&p);
    if (target[0] == '/') {
        buf_puts(&p, target + 1);
    } else {
        if (slash != NULL) {
            buf_append(&p, base, (size_t)(slash - base) + 1);
        }
        buf_puts(&p, target);
    }
    s = buf_take(&p, NULL);
    /* "xl/worksheets/../x" → "xl/x" */
    while (s != NULL && (dots = strstr(s, "/../")) != NULL) {
        slash = dots;
        while (slash > s && slash[-1] != '/') {
            slash--;
        }
        memmove((char *)slash, dots + 4, strlen(dots + 4) + 1);
    }
    return s;
}

/* Target of the relationship 'id' (or of type ending in 'type') of the
 * rels part 'rels' about part 'base'.  Caller frees; NULL if none. */
static int rel_target(struct xlsx_book *b, const char *base, const char *rels,
                      const char *id, const char *type, char **target)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr r;
    char *v;
    char *t;
    char *mode;
    char *out = NULL;
    size_t tl = type != NULL ? strlen(type) : 0;
    int hit;
    int rc = read_part(b, rels, &doc);

    *target = NULL;
    if (rc != BX_OK) {
        /* no relationships: the default parts; a refused part refuses */
        return rc == BX_E_STATE ? BX_OK : rc;
    }
    for (r = xmlDocGetRootElement(doc)->children; r && !out; r = r->next) {
        if (!is_el(r, "Relationship")) {
            continue;
        }
        v = attr(r, id != NULL ? "Id" : "Type");
        t = attr(r, "Target");
        mode = attr(r, "TargetMode");
        hit = v != NULL && t != NULL &&
              (id != NULL
                   ? strcmp(v, id) == 0
                   : strlen(v) >= tl && strcmp(v + strlen(v) - tl, type) == 0);
        if (hit && (mode == NULL || strcmp(mode, "External") != 0)) {
            out = resolve_target(base, t);
        }
        xmlFree(v);
        xmlFree(t);
        xmlFree(mode);
    }
    xmlFreeDoc(doc);
    *target = out;
    return BX_OK;
}

/* "xl/workbook.xml" → "xl/_rels/workbook.xml.rels". */
static char *rels_of(const char *part)
{
    struct bx_buf p;
    const char *slash = strrchr(part, '/');

    buf_init(&p);
    if (slash != NULL) {
        buf_append(&p, part, (size_t)(slash - part) + 1);
    }
    buf_printf(&p, "_rels/%s.rels", slash != NULL ? slash + 1 : part);
    return buf_take(&p, NULL);
}

static int read_sheets(struct xlsx_book *b, const char *wbpart)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr s;
    char *rels = rels_of(wbpart);
    char *name;
    char *id;
    struct sheet *grown;
    int rc = rels != NULL ? read_part(b, wbpart, &doc) : BX_E_NOMEM;

    if (rc == BX_E_STATE) {
        rc = refuse(b, BX_SEV_FATAL, "XLSX-FORMAT", "工作簿缺少 workbook 部件",
                    "not a workbook: no workbook part", BX_E_PARSE);
    }
    s = rc == BX_OK ? child(xmlDocGetRootElement(doc), "sheets") : NULL;
    for (s = s != NULL ? s->children : NULL; s != NULL && rc == BX_OK;
         s = s->next) {
        if (!is_el(s, "sheet") || b->nsheets >= 1000) {
            continue;
        }
        grown = realloc(b->sheets, (b->nsheets + 1) * sizeof(*grown));
        if (grown == NULL) {
            rc = BX_E_NOMEM;
            break;
        }
        b->sheets = grown;
        name = attr(s, "name");
        id = attr(s, "id");
        b->sheets[b->nsheets].name = util_strdup(name ? name : "");
        b->sheets[b->nsheets].part = NULL;
        if (id != NULL) {
            rc = rel_target(b, wbpart, rels, id, NULL,
                            &b->sheets[b->nsheets].part);
        }
        b->sheets[b->nsheets].known = 0;
        b->nsheets++;
        xmlFree(name);
        xmlFree(id);
    }
    xmlFreeDoc(doc);
    free(rels);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Shared strings, styles                                               */
/* ------------------------------------------------------------------ */

/* Text of an <si> or <is>: its <t>, or its runs' <t> (no phonetics). */
static char *string_item(xmlNodePtr si)
{
    struct bx_buf t;
    xmlNodePtr c;
    xmlChar *s;
    char *out;
    char *shrunk;
    size_t len = 0;

    buf_init(&t);
    buf_puts(&t, "");
    for (c = si->children; c != NULL; c = c->next) {
        if (is_el(c, "r")) {
            s = xmlNodeGetContent(child(c, "t"));
        } else if (is_el(c, "t")) {
            s = xmlNodeGetContent(c);
        } else {
            continue;
        }
        buf_puts(&t, s != NULL ? (const char *)s : "");
        xmlFree(s);
    }
    /* held for every text cell of the workbook: no spare capacity */
    out = buf_take(&t, &len);
    shrunk = out != NULL ? realloc(out, len + 1) : NULL;
    return shrunk != NULL ? shrunk : out;
}

static int read_sst(struct xlsx_book *b, const char *part)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr si;
    size_t n = 0;
    int rc = read_part(b, part, &doc);

    if (rc != BX_OK) {
        return rc == BX_E_STATE ? BX_OK : rc;
    }
    for (si = xmlDocGetRootElement(doc)->children; si; si = si->next) {
        n += is_el(si, "si");
    }
    b->sst = calloc(n + 1, sizeof(*b->sst));
    rc = b->sst != NULL ? BX_OK : BX_E_NOMEM;
    for (si = xmlDocGetRootElement(doc)->children; si && rc == BX_OK;
         si = si->next) {
        if (is_el(si, "si")) {
            b->sst[b->nsst] = string_item(si);
            rc = b->sst[b->nsst++] != NULL ? BX_OK : BX_E_NOMEM;
        }
    }
    xmlFreeDoc(doc);
    return rc;
}

/* Decimals shown by a format code ("0.00_ ;[Red]-0.00" → 2); -1 General. */
static int code_decimals(const char *code)
{
    const char *p;
    int d = 0;
    int digits = 0;

    if (code == NULL || strcasecmp(code, "General") == 0 ||
        strcmp(code, "@") == 0) {
        return -1;
    }
    for (p = code; *p != '\0' && *p != ';'; p++) {
        if (*p == '"') {
            p = strchr(p + 1, '"');
            if (p == NULL) {
                break;
            }
        } else if (*p == '[') {
            p = strchr(p, ']');
            if (p == NULL) {
                break;
            }
        } else if (*p == '\\' || *p == '_') {
            p += p[1] != '\0';
        } else if (*p == '0' || *p == '#' || *p == '?') {
            digits = 1;
        } else if (*p == '.' && digits >= 0) {
            for (p++; *p == '0' || *p == '#' || *p == '?'; p++) {
                d++;
            }
            return d;
        }
    }
    return digits ? 0 : -1;
}

/* Decimals of a built-in number format id. */
static int builtin_decimals(long id)
{
    switch (id) {
    case 1:
    case 3:
    case 9:
    case 37:
    case 38:
        return 0;
    case 2:
    case 4:
    case 10:
    case 11:
    case 39:
    case 40:
        return 2;
    default:
        return -1;
    }
}

static int read_styles(struct xlsx_book *b, const char *part)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr root;
    xmlNodePtr n;
    xmlNodePtr fmts;
    char *id;
    char *code;
    long want;
    size_t k = 0;
    int rc = read_part(b, part, &doc);

    if (rc != BX_OK) {
        return rc == BX_E_STATE ? BX_OK : rc;
    }
    root = xmlDocGetRootElement(doc);
    fmts = child(root, "numFmts");
    n = child(root, "cellXfs");
    for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
        k += is_el(n, "xf");
    }
    b->xf_dec = calloc(k + 1, sizeof(*b->xf_dec));
    if (b->xf_dec == NULL) {
        xmlFreeDoc(doc);
        return BX_E_NOMEM;
    }
    n = child(root, "cellXfs");
    for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next) {
        if (!is_el(n, "xf")) {
            continue;
        }
        id = attr(n, "numFmtId");
        want = id != NULL ? strtol(id, NULL, 10) : 0;
        b->xf_dec[b->nxf] = builtin_decimals(want);
        xmlFree(id);
        fmts = child(root, "numFmts");
        for (fmts = fmts != NULL ? fmts->children : NULL; fmts != NULL;
             fmts = fmts->next) {
            id = is_el(fmts, "numFmt") ? attr(fmts, "numFmtId") : NULL;
            if (id != NULL && strtol(id, NULL, 10) == want) {
                code = attr(fmts, "formatCode");
                b->xf_dec[b->nxf] = code_decimals(code);
                xmlFree(code);
            }
            xmlFree(id);
        }
        b->nxf++;
    }
    xmlFreeDoc(doc);
    return BX_OK;
}

int xlsx_book_decimals(const struct xlsx_book *b, int style)
{
    return style >= 0 && (size_t)style < b->nxf ? b->xf_dec[style] : -1;
}

/* ------------------------------------------------------------------ */
/* Cells                                                                */
/* ------------------------------------------------------------------ */

static int add_cell(struct xlsx_book *b, const struct xlsx_cell *c)
{
    struct xlsx_cell *grown;
    size_t cap;

    if (b->ncells == b->cap) {
        cap = b->cap ? b->cap * 2 : 1024;
        grown = realloc(b->cells, cap * sizeof(*grown));
        if (grown == NULL) {
            return BX_E_NOMEM;
        }
        b->cells = grown;
        b->cap = cap;
    }
    b->cells[b->ncells++] = *c;
    return BX_OK;
}

/* The value of <c> into 'c' (kind, v).  Returns BX_OK or BX_E_NOMEM. */
static int cell_value(struct xlsx_book *b, xmlNodePtr x, struct xlsx_cell *c)
{
    char *t = attr(x, "t");
    xmlNodePtr v = child(x, "v");
    xmlChar *text = v != NULL ? xmlNodeGetContent(v) : NULL;
    size_t k;

    c->kind = XLSX_EMPTY;
    c->v = NULL;
    if (t != NULL && strcmp(t, "inlineStr") == 0 && child(x, "is") != NULL) {
        c->v = string_item(child(x, "is"));
        c->kind = XLSX_TEXT;
    } else if (text == NULL || text[0] == '\0') {
        /* <v/> or no <v>: empty, or a formula never computed */
        c->kind = child(x, "f") != NULL ? XLSX_FORMULA_NO_VALUE : XLSX_EMPTY;
    } else if (t != NULL && strcmp(t, "s") == 0) {
        k = strtoul((const char *)text, NULL, 10);
        c->v = util_strdup(k < b->nsst ? b->sst[k] : "");
        c->kind = XLSX_TEXT;
    } else {
        c->v = util_strdup((const char *)text);
        c->kind = t == NULL || strcmp(t, "n") == 0 ? XLSX_NUMBER
                  : strcmp(t, "b") == 0            ? XLSX_BOOL
                  : strcmp(t, "e") == 0            ? XLSX_ERROR
                                                   : XLSX_TEXT;
    }
    xmlFree(t);
    xmlFree(text);
    if (c->kind != XLSX_EMPTY && c->kind != XLSX_FORMULA_NO_VALUE &&
        c->v == NULL) {
        return BX_E_NOMEM;
    }
    if (c->kind == XLSX_TEXT && c->v[0] == '\0') {
        c->kind = XLSX_EMPTY;
    }
    return BX_OK;
}

static int read_row(struct xlsx_book *b, unsigned s, xmlNodePtr row,
                    unsigned long *last)
{
    struct xlsx_cell c;
    xmlNodePtr x;
    char *r = attr(row, "r");
    char *ref;
    char *st;
    unsigned long rn = r != NULL ? strtoul(r, NULL, 10) : *last + 1;
    unsigned col = 0;
    int rc = BX_OK;

    xmlFree(r);
    *last = rn;
    if (rn == 0 || rn > 1048576) {
        return BX_E_LIMIT;
    }
    for (x = row->children; x != NULL && rc == BX_OK; x = x->next) {
        if (!is_el(x, "c")) {
            continue;
        }
        memset(&c, 0, sizeof(c));
        ref = attr(x, "r");
        if (ref == NULL || xlsx_parse_ref(ref, &c.row, &c.col) != BX_OK) {
            c.row = rn;
            c.col = col + 1;
        }
        xmlFree(ref);
        col = c.col;
        c.sheet = s;
        st = attr(x, "s");
        c.style = st != NULL ? atoi(st) : 0;
        xmlFree(st);
        xlsx_ref_format(c.row, c.col, c.ref, sizeof(c.ref));
        rc = cell_value(b, x, &c);
        if (rc == BX_OK && c.kind != XLSX_EMPTY) {
            /* empty cells are not stored: a lookup finds none */
            rc = add_cell(b, &c);
        } else {
            free(c.v);
        }
    }
    return rc;
}

static int read_sheet(struct xlsx_book *b, unsigned s)
{
    xmlDocPtr doc = NULL;
    xmlNodePtr data;
    xmlNodePtr row;
    unsigned long last = 0;
    int rc = BX_OK;

    if (b->sheets[s].part != NULL) {
        rc = read_part_rows(b, b->sheets[s].part, 1, &doc);
    }
    if (rc == BX_E_STATE || b->sheets[s].part == NULL) {
        return BX_OK; /* a chart sheet or a missing part: no cells */
    }
    data = rc == BX_OK ? child(xmlDocGetRootElement(doc), "sheetData") : NULL;
    for (row = data != NULL ? data->children : NULL; row && rc == BX_OK;
         row = row->next) {
        if (is_el(row, "row")) {
            rc = read_row(b, s, row, &last);
        }
    }
    xmlFreeDoc(doc);
    if (rc == BX_E_LIMIT) {
        rc = refuse(b, BX_SEV_FATAL, "XLSX-LIMIT", "工作簿行数过多",
                    "workbook has too many rows (more than 500000): refused",
                    BX_E_LIMIT);
    }
    return rc;
}

static int cmp_cell(const void *pa, const void *pb)
{
    const struct xlsx_cell *a = pa;
    const struct xlsx_cell *b = pb;

    if (a->sheet != b->sheet) {
        return a->sheet < b->sheet ? -1 : 1;
    }
    if (a->row != b->row) {
        return a->row < b->row ? -1 : 1;
    }
    return a->col < b->col ? -1 : a->col > b->col;
}

struct xlsx_cell *xlsx_book_cell(struct xlsx_book *b, const char *sheet,
                                 const char *ref)
{
    struct xlsx_cell key;
    unsigned i;

    memset(&key, 0, sizeof(key));
    if (xlsx_parse_ref(ref, &key.row, &key.col) != BX_OK) {
        return NULL;
    }
    for (i = 0; i < b->nsheets; i++) {
        if (strcmp(b->sheets[i].name, sheet) == 0) {
            b->sheets[i].known = 1;
            key.sheet = i;
            return bsearch(&key, b->cells, b->ncells, sizeof(key), cmp_cell);
        }
    }
    return NULL;
}

const char *xlsx_book_sheet_name(const struct xlsx_book *b, unsigned i)
{
    return i < b->nsheets ? b->sheets[i].name : "";
}

unsigned xlsx_book_nsheets(const struct xlsx_book *b)
{
    return b->nsheets;
}

const struct xlsx_cell *xlsx_book_sheet_cells(const struct xlsx_book *b,
                                              unsigned i, size_t *n)
{
    size_t lo = 0;
    size_t hi;

    while (lo < b->ncells && b->cells[lo].sheet < i) {
        lo++;
    }
    hi = lo;
    while (hi < b->ncells && b->cells[hi].sheet == i) {
        hi++;
    }
    *n = hi - lo;
    return hi > lo ? &b->cells[lo] : NULL;
}

struct xlsx_cell *xlsx_book_unused(struct xlsx_book *b, size_t *i)
{
    struct xlsx_cell *c;

    for (; *i < b->ncells; (*i)++) {
        c = &b->cells[*i];
        if (!c->used && b->sheets[c->sheet].known &&
            strcmp(b->sheets[c->sheet].name, XLSX_BX_SHEET) != 0) {
            (*i)++;
            return c;
        }
    }
    return NULL;
}

void xlsx_book_report_sheets(const struct xlsx_book *b, struct bx_diags *diags)
{
    char msg[512];
    unsigned s;
    size_t i;

    for (s = 0; s < b->nsheets; s++) {
        if (b->sheets[s].known ||
            strcmp(b->sheets[s].name, XLSX_BX_SHEET) == 0) {
            continue;
        }
        for (i = 0; i < b->ncells && b->cells[i].sheet != s; i++) {
        }
        if (i == b->ncells) {
            continue;
        }
        snprintf(msg, sizeof(msg),
                 "sheet '%.200s' is not part of the disclosure: ignored",
                 b->sheets[s].name);
        xlsx_finding(diags, BX_SEV_WARNING, "XLSX-EXTRA-SHEET", b->file, NULL,
                     "工作表不属于公开文件，已忽略", msg);
    }
}

int xlsx_book_blob(struct xlsx_book *b, char **text, size_t *size)
{
    struct xlsx_cell *c;
    struct bx_buf t;
    unsigned s;
    size_t i;

    *text = NULL;
    c = xlsx_book_cell(b, XLSX_BX_SHEET, "A1");
    if (c == NULL || c->v == NULL || strcmp(c->v, XLSX_BX_MAGIC) != 0) {
        return BX_E_INVALID;
    }
    s = c->sheet;
    c = xlsx_book_cell(b, XLSX_BX_SHEET, "B1");
    if (c == NULL || c->v == NULL) {
        return BX_E_INVALID;
    }
    *size = strtoul(c->v, NULL, 10);
    buf_init(&t);
    buf_puts(&t, "");
    for (i = 0; i < b->ncells; i++) {
        c = &b->cells[i];
        if (c->sheet == s && c->row > 1 && c->col == 1 && c->v != NULL) {
            c->used = 1;
            buf_puts(&t, c->v);
        }
    }
    *text = buf_take(&t, NULL);
    return *text != NULL ? BX_OK : BX_E_NOMEM;
}

/* ------------------------------------------------------------------ */
/* Opening                                                              */
/* ------------------------------------------------------------------ */

/* Macros refused, external links ignored: by entry name. */
static int screen_entries(struct xlsx_book *b)
{
    size_t n = bxzip_reader_count(b->zip);
    size_t i;
    const char *name;
    int links = 0;

    for (i = 0; i < n; i++) {
        name = bxzip_reader_entry(b->zip, i)->name;
        if (strcasecmp(name, "xl/vbaProject.bin") == 0 ||
            strncasecmp(name, "xl/macrosheets/", 15) == 0) {
            return refuse(b, BX_SEV_FATAL, "XLSX-MACRO",
                          "拒绝含宏的工作簿（.xlsm）：请另存为不含宏的 .xlsx",
                          "workbook with macros (.xlsm) refused: save it as "
                          "an .xlsx workbook without macros",
                          BX_E_INVALID);
        }
        links += strncasecmp(name, "xl/externalLinks/", 17) == 0;
    }
    if (links > 0) {
        refuse(b, BX_SEV_WARNING, "XLSX-EXTERNAL-LINK",
               "工作簿含外部链接：已忽略，不读取任何外部文件",
               "workbook has external links: ignored, nothing outside the "
               "workbook is read",
               BX_OK);
    }
    return BX_OK;
}

/* What the first bytes say when they are not a zip. */
static int not_zip(struct xlsx_book *b)
{
    static const unsigned char ole[] = {0xD0, 0xCF, 0x11, 0xE0};

    if (b->len >= 4 && memcmp(b->bytes, ole, 4) == 0) {
        return refuse(b, BX_SEV_FATAL, "XLSX-ENCRYPTED",
                      "加密的或旧版 .xls 工作簿：请取消密码并另存为 .xlsx",
                      "encrypted or legacy .xls workbook: remove the password "
                      "and save it as an .xlsx workbook",
                      BX_E_PARSE);
    }
    return refuse(b, BX_SEV_FATAL, "XLSX-NOT-ZIP",
                  "不是 .xlsx 工作簿（不是 zip 文件）",
                  "not an .xlsx workbook (not a zip file)", BX_E_PARSE);
}

/* The sheets, shared strings and styles of workbook part 'wb'. */
static int read_workbook(struct xlsx_book *b, const char *wb)
{
    char *rels = rels_of(wb);
    char *sst = NULL;
    char *sty = NULL;
    int rc = rels != NULL ? read_sheets(b, wb) : BX_E_NOMEM;

    if (rc == BX_OK) {
        rc = rel_target(b, wb, rels, NULL, "/sharedStrings", &sst);
    }
    if (rc == BX_OK) {
        rc = rel_target(b, wb, rels, NULL, "/styles", &sty);
    }
    if (rc == BX_OK && sst != NULL) {
        rc = read_sst(b, sst);
    }
    if (rc == BX_OK && sty != NULL) {
        rc = read_styles(b, sty);
    }
    free(rels);
    free(sst);
    free(sty);
    return rc;
}

static int open_zip(struct xlsx_book *b)
{
    static const char *const plain[] = {"[Content_Types].xml",
                                        "docProps/core.xml",
                                        "docProps/app.xml"};
    xmlDocPtr doc = NULL;
    struct bxzip_limits lim;
    char *wb;
    int rc;
    unsigned s;

    if (b->len < 4 || memcmp(b->bytes, "PK\003\004", 4) != 0) {
        return not_zip(b);
    }
    bxzip_limits_default(&lim);
    lim.max_entry_size = XLSX_MAX_PART;
    lim.max_total_size = XLSX_MAX_TOTAL;
    rc = bxzip_reader_open(b->bytes, b->len, &lim, b->file, b->diags, &b->zip);
    if (rc == BX_OK) {
        rc = screen_entries(b);
    }
    if (rc != BX_OK) {
        return rc;
    }
    /* parts nothing else reads go through the same parser: a DTD or an
     * external entity anywhere refuses the workbook */
    for (s = 0; rc == BX_OK && s < sizeof(plain) / sizeof(plain[0]); s++) {
        rc = read_part(b, plain[s], &doc);
        xmlFreeDoc(doc);
        rc = rc == BX_E_STATE ? BX_OK : rc;
    }
    if (rc != BX_OK) {
        return rc;
    }
    rc = rel_target(b, "", "_rels/.rels", NULL, "/officeDocument", &wb);
    if (rc == BX_OK) {
        rc = read_workbook(b, wb != NULL ? wb : "xl/workbook.xml");
    }
    free(wb);
    for (s = 0; rc == BX_OK && s < b->nsheets; s++) {
        rc = read_sheet(b, s);
    }
    if (rc == BX_OK) {
        qsort(b->cells, b->ncells, sizeof(*b->cells), cmp_cell);
    }
    return rc;
}

int xlsx_book_open(struct bx_context *ctx, const char *path,
                   struct bx_diags *diags, struct xlsx_book **out)
{
    struct xlsx_book *b = calloc(1, sizeof(*b));
    char msg[512];
    int rc;

    *out = NULL;
    if (b == NULL) {
        return BX_E_NOMEM;
    }
    b->ctx = ctx;
    b->file = path;
    b->diags = diags;
    rc = util_read_file(path, ctx->opts.limits.max_bytes, &b->bytes, &b->len);
    if (rc == BX_E_IO) {
        snprintf(msg, sizeof(msg), "cannot read: %s", strerror(errno));
        xlsx_finding(diags, BX_SEV_FATAL, "IO-READ", path, NULL, "无法读取",
                     msg);
    } else if (rc == BX_E_LIMIT) {
        xlsx_finding(diags, BX_SEV_FATAL, "IO-LIMIT", path, NULL, "文件过大",
                     "file too large");
    }
    if (rc == BX_OK) {
        rc = open_zip(b);
    }
    if (rc != BX_OK) {
        xlsx_book_free(b);
        return rc;
    }
    *out = b;
    return BX_OK;
}
