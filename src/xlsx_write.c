/*
 * Disclosure → workbook.  xslt/xlsx.xsl lays the parts out; this file
 * numbers the elements for the cell map, splits the stylesheet's result
 * into parts, writes the hidden sheet "_bx" (the source document and the
 * cell map, deflated and base64-encoded) and zips everything with the
 * deterministic writer of bxzip.c.  It neither validates nor writes files.
 */
#define _POSIX_C_SOURCE 200809L

#include "xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>
#include <zlib.h>

#include "bxzip.h"
#include "internal.h"
#include "templates.h"
#include "transform.h"
#include "xlsx_cells.h"
#include "xmlio.h"

#define META_NS "urn:budgetx:xslt:meta"
#define MAIN_NS "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

/* ------------------------------------------------------------------ */
/* base64                                                               */
/* ------------------------------------------------------------------ */

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int xlsx_base64_append(struct bx_buf *b, const unsigned char *data, size_t len)
{
    char q[4];
    size_t i;
    uint32_t v;

    for (i = 0; i < len; i += 3) {
        v = (uint32_t)data[i] << 16;
        if (i + 1 < len) {
            v |= (uint32_t)data[i + 1] << 8;
        }
        if (i + 2 < len) {
            v |= data[i + 2];
        }
        q[0] = b64[(v >> 18) & 63];
        q[1] = b64[(v >> 12) & 63];
        q[2] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
        q[3] = i + 2 < len ? b64[v & 63] : '=';
        buf_append(b, q, 4);
    }
    return b->failed ? BX_E_NOMEM : BX_OK;
}

static int b64_value(int c)
{
    const char *p = c != 0 ? strchr(b64, c) : NULL;

    return p != NULL ? (int)(p - b64) : -1;
}

int xlsx_base64_decode(const char *text, size_t len, unsigned char **out,
                       size_t *outlen)
{
    unsigned char *o = malloc(len / 4 * 3 + 4);
    uint32_t acc = 0;
    size_t n = 0;
    size_t i;
    int bits = 0;
    int v;
    int pad = 0;

    *out = NULL;
    *outlen = 0;
    if (o == NULL) {
        return BX_E_NOMEM;
    }
    for (i = 0; i < len; i++) {
        if (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' ||
            text[i] == '\t') {
            continue;
        }
        if (text[i] == '=') {
            pad++;
            continue;
        }
        v = b64_value((unsigned char)text[i]);
        if (v < 0 || pad > 0) {
            free(o);
            return BX_E_PARSE;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[n++] = (unsigned char)(acc >> bits);
        }
    }
    o[n] = '\0';
    *out = o;
    *outlen = n;
    return BX_OK;
}

/* ------------------------------------------------------------------ */
/* Numbering, running the stylesheet                                    */
/* ------------------------------------------------------------------ */

xmlNodePtr xlsx_next_node(xmlNodePtr root, xmlNodePtr n)
{
    if (n->type == XML_ELEMENT_NODE && n->children != NULL) {
        return n->children;
    }
    while (n != NULL && n != root && n->next == NULL) {
        n = n->parent;
    }
    return n == root || n == NULL ? NULL : n->next;
}

/* Give every element m:n = its ordinal in document order (root 0). */
static int number_elements(xmlDocPtr doc)
{
    xmlNodePtr root = xmlDocGetRootElement(doc);
    xmlNodePtr n = root;
    xmlNsPtr ns = xmlNewNs(root, BAD_CAST META_NS, BAD_CAST "m");
    unsigned long k = 0;
    char num[32];

    if (ns == NULL) {
        return BX_E_NOMEM;
    }
    while (n != NULL) {
        if (n->type == XML_ELEMENT_NODE) {
            snprintf(num, sizeof(num), "%lu", k++);
            if (xmlSetNsProp(n, ns, BAD_CAST "n", BAD_CAST num) == NULL) {
                return BX_E_NOMEM;
            }
        }
        n = xlsx_next_node(root, n);
    }
    return BX_OK;
}

/* One part: 'el' as a standalone document, UTF-8, with declaration. */
static int dump_part(xmlNodePtr el, unsigned char **data, size_t *len)
{
    xmlDocPtr d = xmlNewDoc(BAD_CAST "1.0");
    xmlNodePtr c = d != NULL ? xmlDocCopyNode(el, d, 1) : NULL;
    xmlChar *mem = NULL;
    int n = 0;

    *data = NULL;
    if (c == NULL) {
        xmlFreeDoc(d);
        return BX_E_NOMEM;
    }
    xmlDocSetRootElement(d, c);
    xmlReconciliateNs(d, c);
    xmlDocDumpMemoryEnc(d, &mem, &n, "UTF-8");
    xmlFreeDoc(d);
    if (mem == NULL || n < 0) {
        xmlFree(mem);
        return BX_E_NOMEM;
    }
    *data = malloc((size_t)n + 1);
    if (*data != NULL) {
        memcpy(*data, mem, (size_t)n);
        (*data)[n] = '\0';
        *len = (size_t)n;
    }
    xmlFree(mem);
    return *data != NULL ? BX_OK : BX_E_NOMEM;
}

/* Append 's' with backslash, tab, CR and LF escaped (one map field). */
static void field(struct bx_buf *b, const xmlChar *s)
{
    const char *p;

    buf_puts(b, "\t");
    for (p = (const char *)s; p != NULL && *p != '\0'; p++) {
        switch (*p) {
        case '\\':
            buf_puts(b, "\\\\");
            break;
        case '\t':
            buf_puts(b, "\\t");
            break;
        case '\n':
            buf_puts(b, "\\n");
            break;
        case '\r':
            buf_puts(b, "\\r");
            break;
        default:
            buf_append(b, p, 1);
        }
    }
}

/* One map line: kind, then the attributes 'names' of 'el'. */
static void map_line(struct bx_buf *b, const char *kind, xmlNodePtr el,
                     const char *const *names)
{
    xmlChar *v;

    buf_puts(b, kind);
    for (; *names != NULL; names++) {
        v = xmlGetProp(el, BAD_CAST * names);
        field(b, v);
        xmlFree(v);
    }
    buf_puts(b, "\n");
}

/*
 * The hidden sheet: A1 the magic, B1 the blob's inflated size, then one
 * base64 chunk per row in column A.  The blob is the map text, an empty
 * line, and the source document.
 */
/* Deflate (zlib format, level 9) 'len' bytes more into 'out'; 'flush'
 * Z_FINISH for the last piece.  The same bytes as compress2() of the
 * whole, without the whole in memory twice. */
static int deflate_more(z_stream *zs, const void *data, size_t len, int flush,
                        struct bx_buf *out)
{
    unsigned char chunk[65536];
    int zr;

    zs->next_in = (Bytef *)(uintptr_t)data;
    zs->avail_in = (uInt)len;
    do {
        zs->next_out = chunk;
        zs->avail_out = sizeof(chunk);
        zr = deflate(zs, flush);
        if (zr == Z_STREAM_ERROR) {
            return BX_E_INTERNAL;
        }
        buf_append(out, chunk, sizeof(chunk) - zs->avail_out);
    } while (zs->avail_out == 0 || (flush == Z_FINISH && zr != Z_STREAM_END));
    return out->failed ? BX_E_NOMEM : BX_OK;
}

/*
 * The hidden sheet from 'z', the deflated blob of 'total' bytes: A1 the
 * magic, B1 the size, then one base64 chunk per row in column A.
 */
static int bx_sheet(const struct bx_buf *z, size_t total, unsigned char **data,
                    size_t *len)
{
    struct bx_buf text;
    struct bx_buf x;
    size_t i;
    unsigned long row = 2;
    int rc = BX_E_NOMEM;

    buf_init(&text);
    buf_init(&x);
    if (xlsx_base64_append(&text, (const unsigned char *)z->data, z->len) !=
        BX_OK) {
        goto out;
    }
    buf_printf(&x,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<worksheet xmlns=\"" MAIN_NS "\"><sheetData>"
               "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" XLSX_BX_MAGIC
               "</t></is></c><c r=\"B1\"><v>%zu</v></c></row>",
               total);
    for (i = 0; i < text.len; i += XLSX_CHUNK, row++) {
        buf_printf(&x, "<row r=\"%lu\"><c r=\"A%lu\" t=\"inlineStr\"><is><t>",
                   row, row);
        buf_append(&x, text.data + i,
                   text.len - i < XLSX_CHUNK ? text.len - i : XLSX_CHUNK);
        buf_puts(&x, "</t></is></c></row>");
    }
    buf_puts(&x, "</sheetData><sheetProtection sheet=\"1\"/></worksheet>\n");
    if (!x.failed) {
        *data = (unsigned char *)buf_take(&x, len);
        rc = BX_OK;
    }
out:
    buf_release(&text);
    buf_release(&x);
    return rc;
}

/* What packing the result of xlsx.xsl needs.  The blob of the hidden
 * sheet (the map text, an empty line, the source document) is deflated
 * as the map grows: 'map' holds at most about a MiB of it. */
struct packer {
    struct bx_context *ctx;
    xmlDocPtr copy; /* the input of xlsx.xsl, for the table runs; owned,
                       freed after them (NULL: none) */
    int template;
    struct bx_diags *diags;
    struct bxzip_writer *w;
    struct bx_buf map;
    const unsigned char *src;
    size_t srclen;
    int64_t mtime;
    z_stream zs;
    int zinit;
    struct bx_buf z;  /* the deflated blob so far */
    size_t total;     /* bytes of blob deflated so far */
};

/* Deflate what 'map' holds ('finish' 1: then the source, and finish). */
static int map_flush(struct packer *pk, int finish)
{
    int rc;

    if (pk->map.failed) {
        return BX_E_NOMEM;
    }
    rc = deflate_more(&pk->zs, pk->map.data ? pk->map.data : "", pk->map.len,
                      Z_NO_FLUSH, &pk->z);
    pk->total += pk->map.len;
    pk->map.len = 0;
    if (rc == BX_OK && finish) {
        rc = deflate_more(&pk->zs, "\n", 1, Z_NO_FLUSH, &pk->z);
    }
    if (rc == BX_OK && finish) {
        rc = deflate_more(&pk->zs, pk->src, pk->srclen, Z_FINISH, &pk->z);
        pk->total += 1 + pk->srclen;
    }
    return rc;
}

static int is_meta(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, BAD_CAST META_NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* Add one <m:part> of the stylesheet's result to the zip. */
static int add_part(struct packer *pk, xmlNodePtr part)
{
    xmlChar *name = xmlGetProp(part, BAD_CAST "name");
    xmlChar *bx = xmlGetProp(part, BAD_CAST "bx");
    xmlNodePtr el = part->children;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc;

    while (el != NULL && el->type != XML_ELEMENT_NODE) {
        el = el->next;
    }
    if (name == NULL) {
        rc = BX_E_INTERNAL;
    } else if (bx != NULL) {
        rc = map_flush(pk, 1);
        if (rc == BX_OK) {
            rc = bx_sheet(&pk->z, pk->total, &data, &len);
        }
    } else {
        rc = el != NULL ? dump_part(el, &data, &len) : BX_E_INTERNAL;
    }
    if (rc == BX_OK) {
        rc = bxzip_writer_add(pk->w, (const char *)name, data, len,
                              pk->mtime);
    }
    free(data);
    xmlFree(name);
    xmlFree(bx);
    return rc;
}

/* Run xlsx.xsl over the numbered copy 'copy' (stamp from 'mtime'); 'only'
 * selects parts (xlsx.xsl: "" all, "meta", a table's number). */
static int run_sheet(struct bx_context *ctx, xmlDocPtr copy, int template,
                     int annotate, const char *only, int64_t mtime,
                     struct bx_diags *diags, xmlDocPtr *res)
{
    char stamp[40];
    char sel[40];
    struct tm tm;
    time_t t = (time_t)mtime;
    const char *params[] = {"stamp",    stamp,
                            "template", template ? "'1'" : "'0'",
                            "annotate", annotate ? "'1'" : "'0'",
                            "only",     sel,
                            NULL};

    gmtime_r(&t, &tm);
    strftime(stamp, sizeof(stamp), "'%Y-%m-%dT%H:%M:%SZ'", &tm);
    snprintf(sel, sizeof(sel), "'%s'", only);
    return transform_run_xlsx(ctx, TRANSFORM_XLSX, copy, params, diags, res);
}

static int pack_nodes(struct packer *pk, xmlNodePtr n);

/* <m:tables n="N"/>: the sheet of each table, one xlsx.xsl run each, so
 * that one sheet's cells are in memory at a time. */
static int pack_tables(struct packer *pk, xmlNodePtr n)
{
    xmlChar *v = xmlGetProp(n, BAD_CAST "n");
    long count = v != NULL ? strtol((const char *)v, NULL, 10) : 0;
    char only[24];
    xmlDocPtr res = NULL;
    long k;
    int rc = BX_OK;

    xmlFree(v);
    for (k = 1; rc == BX_OK && k <= count; k++) {
        snprintf(only, sizeof(only), "%ld", k);
        rc = run_sheet(pk->ctx, pk->copy, pk->template, 0, only, pk->mtime,
                       pk->diags, &res);
        if (rc == BX_OK) {
            rc = pack_nodes(pk, xmlDocGetRootElement(res)->children);
        }
        xmlFreeDoc(res);
        res = NULL;
    }
    /* the tables were the last use of the input: the hidden sheet that
     * follows needs memory more */
    xmlFreeDoc(pk->copy);
    pk->copy = NULL;
    return rc;
}

/* Walk result nodes from 'n' on: parts to the zip, map lines to the map. */
static int pack_nodes(struct packer *pk, xmlNodePtr n)
{
    static const char *const map_attrs[] = {"s", "r", "n", "a", NULL};
    static const char *const fix_attrs[] = {"s", "r", "v", NULL};
    static const char *const add_attrs[] = {"s", "n", "rows", "e", "k", "a",
                                            NULL};
    xmlNodePtr c;
    int rc = BX_OK;

    for (; rc == BX_OK && n != NULL; n = n->next) {
        if (is_meta(n, "map")) {
            map_line(&pk->map, "m", n, map_attrs);
        } else if (is_meta(n, "fix")) {
            map_line(&pk->map, "f", n, fix_attrs);
        } else if (is_meta(n, "add")) {
            map_line(&pk->map, "a", n, add_attrs);
        } else if (is_meta(n, "lines")) {
            for (c = n->children; c != NULL; c = c->next) {
                if (c->type == XML_TEXT_NODE && c->content != NULL) {
                    buf_puts(&pk->map, (const char *)c->content);
                }
            }
        } else if (is_meta(n, "tables")) {
            rc = pack_tables(pk, n);
        } else if (is_meta(n, "part")) {
            rc = add_part(pk, n);
        }
        if (rc == BX_OK && pk->map.len >= (1u << 20)) {
            rc = map_flush(pk, 0);
        }
    }
    return rc;
}

/* Pack the result 'res' of xlsx.xsl (run with only = "meta" when 'pk'
 * has a copy to run the tables over, else with every part). */
static int pack(struct packer *pk, xmlDocPtr res, unsigned char **zip,
                size_t *ziplen)
{
    xmlNodePtr root = xmlDocGetRootElement(res);
    int rc = bxzip_writer_new(&pk->w);

    buf_init(&pk->map);
    buf_init(&pk->z);
    memset(&pk->zs, 0, sizeof(pk->zs));
    pk->total = 0;
    pk->zinit = rc == BX_OK && deflateInit(&pk->zs, 9) == Z_OK;
    if (rc == BX_OK && !pk->zinit) {
        rc = BX_E_NOMEM;
    }
    if (rc == BX_OK) {
        rc = pack_nodes(pk, root != NULL ? root->children : NULL);
    }
    if (rc == BX_OK) {
        rc = bxzip_writer_finish(pk->w, zip, ziplen);
    }
    if (pk->zinit) {
        deflateEnd(&pk->zs);
    }
    bxzip_writer_free(pk->w);
    pk->w = NULL;
    buf_release(&pk->map);
    buf_release(&pk->z);
    return rc;
}

/*
 * 'doc' numbered (m:n on every element) with the amounts of its tables
 * as tokens (xslt/xlsx-tok.xsl): the input of xlsx.xsl.  Caller frees
 * '*out' with xmlFreeDoc().
 */
static int numbered_copy(struct bx_context *ctx, xmlDocPtr doc,
                         struct bx_diags *diags, xmlDocPtr *out)
{
    xmlDocPtr copy = xmlCopyDoc(doc, 1);
    const char *params[] = {NULL};
    int rc = BX_E_NOMEM;

    *out = NULL;
    if (copy != NULL && xmlDocGetRootElement(copy) != NULL) {
        rc = number_elements(copy);
    }
    if (rc == BX_OK) {
        rc = transform_run_xlsx(ctx, TRANSFORM_XLSX_TOK, copy, params, diags,
                                out);
    }
    xmlFreeDoc(copy);
    return rc;
}

/*
 * The code list 'file' (function.xml, dep-economic.xml, gov-economic.xml)
 * of fiscal year 'year' (schemas/codes/YEAR/file, else the newest year
 * before it, else none), appended to the root of 'copy' for the code
 * lists of the blank workbook (xslt/xlsx-add.xsl).  A missing list is no
 * error: its lists are then left out.
 */
static int add_list(struct bx_context *ctx, xmlDocPtr copy, long year,
                    const char *file, struct bx_diags *diags)
{
    xmlNodePtr root = xmlDocGetRootElement(copy);
    xmlNodePtr n;
    xmlDocPtr list = NULL;
    unsigned char *bytes = NULL;
    size_t len = 0;
    struct bx_buf rel;
    char *path;
    int tries;
    int rc = BX_OK;

    for (tries = 0; tries < 30 && bytes == NULL; tries++, year--) {
        buf_init(&rel);
        buf_printf(&rel, "schemas/codes/%ld/%s", year, file);
        path = rel.failed ? NULL : context_path(ctx, rel.data);
        buf_release(&rel);
        if (path == NULL) {
            return BX_E_NOMEM;
        }
        if (util_read_file(path, 8u << 20, &bytes, &len) != BX_OK) {
            bytes = NULL;
        }
        free(path);
    }
    if (bytes == NULL) {
        return BX_OK;
    }
    rc = xmlio_parse(bytes, len, file, &ctx->opts.limits, diags, &list);
    if (rc == BX_OK) {
        n = xmlDocCopyNode(xmlDocGetRootElement(list), copy, 1);
        rc = n != NULL && xmlAddChild(root, n) != NULL ? BX_OK : BX_E_NOMEM;
    }
    xmlFreeDoc(list);
    free(bytes);
    return rc;
}

/* The function and economic code lists of the document's fiscal year. */
static int add_codes(struct bx_context *ctx, xmlDocPtr copy,
                     struct bx_diags *diags)
{
    xmlNodePtr root = xmlDocGetRootElement(copy);
    xmlNodePtr n;
    xmlChar *fy = NULL;
    long year = 0;
    int rc;

    for (n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            xmlStrEqual(n->name, BAD_CAST "metadata")) {
            for (n = n->children; n != NULL; n = n->next) {
                if (n->type == XML_ELEMENT_NODE &&
                    xmlStrEqual(n->name, BAD_CAST "fiscalYear")) {
                    fy = xmlNodeGetContent(n);
                    break;
                }
            }
            break;
        }
    }
    year = fy != NULL ? strtol((const char *)fy, NULL, 10) : 0;
    xmlFree(fy);
    if (year < 1980 || year > 2100) {
        year = 2100;
    }
    rc = add_list(ctx, copy, year, "function.xml", diags);
    if (rc == BX_OK) {
        rc = add_list(ctx, copy, year, "dep-economic.xml", diags);
    }
    if (rc == BX_OK) {
        rc = add_list(ctx, copy, year, "gov-economic.xml", diags);
    }
    return rc;
}

int xlsx_build(struct bx_context *ctx, xmlDocPtr doc, const unsigned char *src,
               size_t srclen, int template, int64_t mtime,
               struct bx_diags *diags, unsigned char **zip, size_t *ziplen)
{
    xmlDocPtr copy = NULL;
    xmlDocPtr res = NULL;
    int rc = numbered_copy(ctx, doc, diags, &copy);

    *zip = NULL;
    if (rc == BX_OK && template) {
        rc = add_codes(ctx, copy, diags);
    }
    if (rc == BX_OK) {
        rc = run_sheet(ctx, copy, template, 0, "meta", mtime, diags, &res);
    }
    if (rc == BX_OK) {
        struct packer pk = {.ctx = ctx,
                            .copy = copy,
                            .template = template,
                            .diags = diags,
                            .src = src,
                            .srclen = srclen,
                            .mtime = mtime};

        copy = NULL; /* the packer owns it now */
        rc = pack(&pk, res, zip, ziplen);
        xmlFreeDoc(pk.copy);
    }
    xmlFreeDoc(res);
    xmlFreeDoc(copy);
    return rc;
}

/* The entry time: the published date, else 1 January of the year. */
static int64_t doc_time(const struct bx_submission *sub)
{
    const char *date = bx_submission_meta(sub, "published");
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;

    if (sscanf(date, "%4d-%2u-%2u", &y, &m, &d) == 3 && y >= 1980 && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31) {
        return util_days_from_civil(y, m, d) * 86400;
    }
    y = atoi(bx_submission_meta(sub, "fiscalYear"));
    return util_days_from_civil(y < 1980 ? 1980 : y, 1, 1) * 86400;
}

int xlsx_write(struct bx_context *ctx, struct bx_submission *sub,
               enum bx_lang lang, struct bx_diags *diags, struct bx_output *out)
{
    unsigned char *zip = NULL;
    size_t len = 0;
    int rc;

    (void)lang;
    rc = xlsx_build(ctx, sub->doc, sub->bytes, sub->len, 0, doc_time(sub),
                    diags, &zip, &len);
    if (rc == BX_OK) {
        rc = transform_output_add(out, "disclosure.xlsx", XLSX_MEDIA_TYPE, zip,
                                  len);
    }
    return rc;
}

/* The parameters year, dept, name of the template stylesheets. */
struct tpl_params {
    char year[16];
    struct bx_buf dept;
    struct bx_buf name;
    const char *params[7];
};

static int tpl_params_init(struct tpl_params *p,
                           const struct bx_template_opts *o)
{
    buf_init(&p->dept);
    buf_init(&p->name);
    snprintf(p->year, sizeof(p->year), o->year > 0 ? "'%d'" : "''", o->year);
    /* quotes cannot reach an XPath literal: codes and names are checked */
    buf_printf(&p->dept, "'%s'", o->dept != NULL ? o->dept : "");
    buf_printf(&p->name, "'%s'", o->name != NULL ? o->name : "");
    p->params[0] = "year";
    p->params[1] = p->year;
    p->params[2] = "dept";
    p->params[3] = p->dept.data;
    p->params[4] = "name";
    p->params[5] = p->name.data;
    p->params[6] = NULL;
    return p->dept.failed || p->name.failed ? BX_E_NOMEM : BX_OK;
}

static void tpl_params_release(struct tpl_params *p)
{
    buf_release(&p->dept);
    buf_release(&p->name);
}

/*
 * The skeleton: o->from (kept in '*sub'), else the registry's template
 * for o->profile laid out by xslt/xlsx-skeleton.xsl ('*own').  '*doc' is
 * the one to use.
 */
static int skeleton(struct bx_context *ctx, const struct bx_template_opts *o,
                    struct tpl_params *tp, struct bx_diags *diags,
                    struct bx_submission **sub, xmlDocPtr *own,
                    xmlDocPtr *doc)
{
    const struct tpl_template *t;
    const char *p;
    unsigned long nomem;
    int rc;

    *own = NULL;
    *doc = NULL;
    if (o->from != NULL) {
        rc = bx_submission_load(ctx, o->from, diags, sub);
        if (rc == BX_OK) {
            *doc = (*sub)->doc;
        }
        return rc;
    }
    for (p = o->profile; p != NULL && *p != '\0'; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-')) {
            break;
        }
    }
    if (o->profile == NULL || o->profile[0] == '\0' || *p != '\0') {
        return BX_E_ARG;
    }
    nomem = xmlio_nomem_count();
    t = templates_lookup(ctx, o->profile, o->year);
    if (t == NULL && xmlio_nomem_count() != nomem) {
        /* the template could not be read: it may well exist */
        xmlio_out_of_memory(diags, o->profile);
        return BX_E_NOMEM;
    }
    if (t == NULL) {
        bx_diags_addf(diags, BX_SEV_FATAL, "TEMPLATE-UNKNOWN", o->profile, 0,
                      "没有这个模板：budgetx templates 列出全部模板",
                      "no such template: budgetx templates lists them all");
        return BX_E_ARG;
    }
    rc = transform_run_xlsx(ctx, TRANSFORM_XLSX_SKEL, t->doc, tp->params,
                            diags, own);
    *doc = *own;
    return rc;
}

/* The blank document of the template, as bytes and parsed again. */
static int blank_doc(struct bx_context *ctx, xmlDocPtr skel,
                     struct tpl_params *tp, struct bx_diags *diags,
                     xmlChar **mem, int *len, xmlDocPtr *doc)
{
    xmlDocPtr res = NULL;
    int rc;

    *mem = NULL;
    *doc = NULL;
    rc = transform_run_xlsx(ctx, TRANSFORM_XLSX_BLANK, skel, tp->params, diags,
                            &res);
    if (rc == BX_OK) {
        xmlDocDumpMemoryEnc(res, mem, len, "UTF-8");
        rc = *mem != NULL ? xmlio_parse(*mem, (size_t)*len, "template",
                                        &ctx->opts.limits, diags, doc)
                          : BX_E_NOMEM;
    }
    xmlFreeDoc(res);
    return rc;
}

static int quote_free(const char *s)
{
    return s == NULL || (strchr(s, '\'') == NULL && strchr(s, '"') == NULL);
}

int bx_xlsx_template(struct bx_context *ctx, const struct bx_template_opts *o,
                     struct bx_diags *diags, struct bx_output *out)
{
    struct bx_submission *sub = NULL;
    struct tpl_params tp;
    xmlDocPtr own = NULL;
    xmlDocPtr skel = NULL;
    xmlDocPtr doc = NULL;
    xmlChar *mem = NULL;
    unsigned char *zip = NULL;
    size_t ziplen = 0;
    int len = 0;
    int64_t when;
    int rc;

    if (!quote_free(o->dept) || !quote_free(o->name) ||
        (o->year != 0 && (o->year < 1980 || o->year > 2100))) {
        return BX_E_ARG;
    }
    rc = tpl_params_init(&tp, o);
    if (rc == BX_OK) {
        rc = skeleton(ctx, o, &tp, diags, &sub, &own, &skel);
    }
    if (rc == BX_OK) {
        rc = blank_doc(ctx, skel, &tp, diags, &mem, &len, &doc);
    }
    if (rc == BX_OK) {
        when = util_days_from_civil(o->year > 0 ? o->year : 1980, 1, 1) * 86400;
        rc = xlsx_build(ctx, doc, mem, (size_t)len, 1, when, diags, &zip,
                        &ziplen);
    }
    if (rc == BX_OK) {
        rc = transform_output_add(out, "template.xlsx", XLSX_MEDIA_TYPE, zip,
                                  ziplen);
    }
    xmlFree(mem);
    xmlFreeDoc(doc);
    xmlFreeDoc(own);
    bx_submission_free(sub);
    tpl_params_release(&tp);
    return rc;
}

/* ------------------------------------------------------------------ */
/* The annotated workbook                                               */
/* ------------------------------------------------------------------ */

/* The cell of element 'n' (attribute 'a', else its first) in the map of
 * 'res': sets 's' and 'r' (xmlFree) or leaves them NULL. */
static void find_cell(xmlDocPtr res, const xmlChar *n, const char *a,
                      xmlChar **s, xmlChar **r)
{
    xmlNodePtr m;
    xmlChar *mn;
    xmlChar *ma;
    int exact;

    for (m = xmlDocGetRootElement(res)->children; m != NULL; m = m->next) {
        if (!is_meta(m, "map")) {
            continue;
        }
        mn = xmlGetProp(m, BAD_CAST "n");
        ma = xmlGetProp(m, BAD_CAST "a");
        exact = ma != NULL && strcmp((const char *)ma, a) == 0;
        if (mn != NULL && xmlStrEqual(mn, n) && (exact || *s == NULL)) {
            xmlFree(*s);
            xmlFree(*r);
            *s = xmlGetProp(m, BAD_CAST "s");
            *r = xmlGetProp(m, BAD_CAST "r");
        }
        xmlFree(mn);
        xmlFree(ma);
        if (exact && *s != NULL) {
            return;
        }
    }
}

/* Split "'sheet'!E12" (quotes doubled inside) into 's' and 'r'. */
static void split_cell(const char *cell, xmlChar **s, xmlChar **r)
{
    struct bx_buf b;
    const char *p = cell + 1;
    char *name;

    if (cell[0] != '\'') {
        return;
    }
    buf_init(&b);
    buf_puts(&b, "");
    while (*p != '\0' && !(p[0] == '\'' && p[1] != '\'')) {
        p += p[0] == '\'' ? 1 : 0; /* a doubled quote */
        buf_append(&b, p, 1);
        p++;
    }
    name = buf_take(&b, NULL);
    if (name != NULL && p[0] == '\'' && p[1] == '!') {
        *s = xmlStrdup(BAD_CAST name);
        *r = xmlStrdup(BAD_CAST(p + 2));
    }
    free(name);
}

/* One <m:f> for finding 'd' under 'box'. */
/* 1 when attribute 'a' of element 'n' is an amount cell of the map. */
static int mapped(xmlDocPtr res, const xmlChar *n, const char *a)
{
    xmlNodePtr m;
    xmlChar *mn;
    xmlChar *ma;
    int hit = 0;

    for (m = xmlDocGetRootElement(res)->children; m != NULL && !hit;
         m = m->next) {
        if (!is_meta(m, "map")) {
            continue;
        }
        mn = xmlGetProp(m, BAD_CAST "n");
        ma = xmlGetProp(m, BAD_CAST "a");
        hit = mn != NULL && ma != NULL && xmlStrEqual(mn, n) &&
              strcmp((const char *)ma, a) == 0;
        xmlFree(mn);
        xmlFree(ma);
    }
    return hit;
}

/* The row number of cell reference 'r' ("E12" → "12"). */
static const char *row_of(const xmlChar *r)
{
    const char *p = (const char *)r;

    while (*p >= 'A' && *p <= 'Z') {
        p++;
    }
    return p;
}

/*
 * A name or code (not an amount) of the row whose first amount is at
 * ('s', '*r'): the fixed cell of that row showing 'value', else one
 * containing it, else the row's first fixed cell (a code printed as
 * 类/款/项).  Replaces '*r' when one is found.
 */
static void find_label(xmlDocPtr res, const xmlChar *s, xmlChar **r,
                       const xmlChar *value)
{
    const char *row = row_of(*r);
    xmlNodePtr m;
    xmlChar *ms;
    xmlChar *mr;
    xmlChar *mv;
    xmlChar *best = NULL;
    int rank = 0; /* 3 equal, 2 contains, 1 first of the row */
    int k;

    for (m = xmlDocGetRootElement(res)->children; m != NULL && rank < 3;
         m = m->next) {
        if (!is_meta(m, "fix")) {
            continue;
        }
        ms = xmlGetProp(m, BAD_CAST "s");
        mr = xmlGetProp(m, BAD_CAST "r");
        mv = xmlGetProp(m, BAD_CAST "v");
        k = 0;
        if (ms != NULL && mr != NULL && mv != NULL && xmlStrEqual(ms, s) &&
            strcmp(row_of(mr), row) == 0) {
            k = xmlStrEqual(mv, value)           ? 3
                : xmlStrstr(mv, value) != NULL ? 2
                                               : 1;
        }
        if (k > rank) {
            xmlFree(best);
            best = mr;
            mr = NULL;
            rank = k;
        }
        xmlFree(ms);
        xmlFree(mr);
        xmlFree(mv);
    }
    if (best != NULL) {
        xmlFree(*r);
        *r = best;
    }
}

static int add_finding(xmlNodePtr box, xmlDocPtr copy, xmlDocPtr res,
                       const struct bx_diag *d, enum bx_lang lang)
{
    xmlNodePtr f = xmlNewChild(box, box->ns, BAD_CAST "f", NULL);
    xmlNodePtr el = NULL;
    xmlChar *n = NULL;
    xmlChar *s = NULL;
    xmlChar *r = NULL;
    xmlChar *v = NULL;
    char attr[128] = "";
    char line[32];
    char *cell = NULL;

    if (f == NULL) {
        return BX_E_NOMEM;
    }
    if (d->cell != NULL) {
        split_cell(d->cell, &s, &r);
    } else if (d->xpath != NULL) {
        el = xlsx_resolve(copy, d->xpath, attr, sizeof(attr));
        n = el != NULL ? xmlGetNsProp(el, BAD_CAST "n", BAD_CAST META_NS)
                       : NULL;
        if (n != NULL) {
            find_cell(res, n, attr, &s, &r);
        }
        v = s != NULL && r != NULL && attr[0] != '\0'
                ? xmlGetProp(el, BAD_CAST attr)
                : NULL;
        if (v != NULL && v[0] != '\0' && !mapped(res, n, attr)) {
            find_label(res, s, &r, v);
        }
        xmlFree(v);
    }
    if (s != NULL && r != NULL) {
        cell = xlsx_cell_name((const char *)s, (const char *)r);
    }
    snprintf(line, sizeof(line), "%ld", d->line);
    xmlSetProp(f, BAD_CAST "sev", BAD_CAST bx_severity_name(d->severity));
    xmlSetProp(f, BAD_CAST "code", BAD_CAST(d->code ? d->code : ""));
    xmlSetProp(f, BAD_CAST "msg", BAD_CAST bx_diag_message(d, lang));
    xmlSetProp(f, BAD_CAST "s", s != NULL && r != NULL ? s : BAD_CAST "");
    xmlSetProp(f, BAD_CAST "r", s != NULL && r != NULL ? r : BAD_CAST "");
    xmlSetProp(f, BAD_CAST "cell", BAD_CAST(cell ? cell : ""));
    xmlSetProp(f, BAD_CAST "line", BAD_CAST line);
    xmlSetProp(f, BAD_CAST "xpath", BAD_CAST(d->xpath ? d->xpath : ""));
    free(cell);
    xmlFree(n);
    xmlFree(s);
    xmlFree(r);
    return BX_OK;
}

int bx_xlsx_annotate(struct bx_context *ctx, struct bx_submission *sub,
                     const struct bx_diags *findings, enum bx_lang lang,
                     struct bx_diags *diags, struct bx_output *out)
{
    xmlDocPtr copy = NULL;
    xmlDocPtr res = NULL;
    xmlDocPtr res2 = NULL;
    xmlNodePtr root;
    xmlNodePtr box;
    unsigned char *zip = NULL;
    size_t ziplen = 0;
    int64_t when;
    size_t i;
    int rc = BX_E_NOMEM;

    if (sub == NULL || sub->doc == NULL) {
        return BX_E_STATE;
    }
    when = doc_time(sub);
    rc = numbered_copy(ctx, sub->doc, diags, &copy);
    if (rc == BX_OK) {
        rc = run_sheet(ctx, copy, 0, 0, "", when, diags, &res);
    }
    if (rc == BX_OK) {
        root = xmlDocGetRootElement(copy);
        box = xmlNewChild(root, xmlSearchNsByHref(copy, root, BAD_CAST META_NS),
                          BAD_CAST "findings", NULL);
        rc = box != NULL ? BX_OK : BX_E_NOMEM;
        for (i = 0; rc == BX_OK && i < findings->count; i++) {
            rc = add_finding(box, copy, res, &findings->items[i], lang);
        }
    }
    if (rc == BX_OK) {
        rc = run_sheet(ctx, copy, 0, 1, "", when, diags, &res2);
    }
    if (rc == BX_OK) {
        struct packer pk = {.ctx = ctx,
                            .diags = diags,
                            .src = sub->bytes,
                            .srclen = sub->len,
                            .mtime = when};

        rc = pack(&pk, res2, &zip, &ziplen);
    }
    if (rc == BX_OK) {
        rc = transform_output_add(out, "report.xlsx", XLSX_MEDIA_TYPE, zip,
                                  ziplen);
    }
    xmlFreeDoc(res);
    xmlFreeDoc(res2);
    xmlFreeDoc(copy);
    return rc;
}
