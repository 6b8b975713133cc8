/*
 * Renditions: runs the stylesheets of xslt/ over a submission (html, csv,
 * json, platform) and back (platform import), and writes what they
 * produce atomically.  It neither validates disclosures (check.c does)
 * nor prints.  Like report_xml.c, it uses libxslt directly: the
 * stylesheets are compiled here, once per context, and run here.
 */
#define _POSIX_C_SOURCE 200809L

#include "transform.h"

#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlschemas.h>
#include <libxslt/imports.h>
#include <libxslt/transform.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>

#include "internal.h"
#include "datafiles.h"
#include "schema_ctxt.h"
#include "util.h"
#include "xlsx.h"
#include "xmlio.h"
#include "xslt_ext.h"
#include "xslt_grid.h"

#define META_NS "urn:budgetx:xslt:meta"

/* The stylesheets, indexed like 'sheet_files'. */
enum sheet {
    SHEET_HTML,
    SHEET_CSV,
    SHEET_JSON,
    SHEET_PLATFORM,
    SHEET_IMPORT,
    SHEET_XLSX,
    SHEET_XLSX_BLANK,
    SHEET_XLSX_TOK,
    SHEET_GRIDS,
    SHEET_XLSX_SKEL,
    SHEET_COUNT
};

static const char *const sheet_files[SHEET_COUNT] = {"xslt/html.xsl",
                                                     "xslt/csv.xsl",
                                                     "xslt/json.xsl",
                                                     "xslt/platform.xsl",
                                                     "xslt/platform-import.xsl",
                                                     "xslt/xlsx.xsl",
                                                     "xslt/xlsx-blank.xsl",
                                                     "xslt/xlsx-tok.xsl",
                                                     "xslt/grids.xsl",
                                                     "xslt/xlsx-skeleton.xsl"};

#define MEDIA_HTML "text/html; charset=utf-8"
#define MEDIA_CSV "text/csv; charset=utf-8"
#define MEDIA_CSV_GB "text/csv; charset=gb18030"
#define MEDIA_JSON "application/json"
#define MEDIA_XML "application/xml"

static const struct bx_format_info formats[] = {
    {"html", 1, 0, 0, ".html", MEDIA_HTML,
     "the public disclosure page: one self-contained HTML file",
     "公开网页：一个自包含的 HTML 文件"},
    {"csv", 1, 0, 1, "", MEDIA_CSV,
     "one CSV file per table (RFC 4180) and index.csv, in a directory",
     "每张表一个 CSV 文件（RFC 4180）及 index.csv，放在一个目录中"},
    {"json", 1, 0, 0, ".json", MEDIA_JSON,
     "the whole disclosure as JSON for web applications (docs/json.md)",
     "整份公开数据的 JSON，供网页应用使用"},
    {"platform", 1, 1, 0, ".xml", MEDIA_XML,
     "the provincial finance platform's exchange XML, amounts in yuan",
     "省财政平台交换 XML（金额单位：元）"},
    {"xlsx", 1, 1, 0, ".xlsx", XLSX_MEDIA_TYPE,
     "an Excel workbook: one sheet per table, as printed (docs/xlsx.md)",
     "Excel 工作簿：每张表一个工作表，版式同公开表"},
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* What the context keeps for this module (ctx->transform.ptr): the
 * stylesheets it has fetched (compiled and owned by datafiles.c). */
struct sheets {
    xsltStylesheetPtr style[SHEET_COUNT];
};

/* ------------------------------------------------------------------ */
/* Formats, options, outputs                                           */
/* ------------------------------------------------------------------ */

const struct bx_format_info *bx_transform_formats(size_t *n)
{
    if (n != NULL) {
        *n = NFORMATS;
    }
    return formats;
}

const struct bx_format_info *bx_transform_format(const char *name)
{
    size_t i;

    for (i = 0; name != NULL && i < NFORMATS; i++) {
        if (strcmp(formats[i].name, name) == 0) {
            return &formats[i];
        }
    }
    return NULL;
}

void bx_transform_opts_init(struct bx_transform_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->lang = BX_LANG_ZH;
    o->encoding = BX_ENC_UTF8;
}

void bx_output_init(struct bx_output *out)
{
    memset(out, 0, sizeof(*out));
}

void bx_output_release(struct bx_output *out)
{
    size_t i;

    for (i = 0; i < out->count; i++) {
        free(out->files[i].name);
        free(out->files[i].data);
    }
    free(out->files);
    bx_output_init(out);
}

int transform_output_add(struct bx_output *out, const char *name,
                         const char *media_type, unsigned char *data,
                         size_t len)
{
    struct bx_output_file *grown;
    size_t cap;
    char *copy = util_strdup(name);

    if (copy == NULL) {
        free(data);
        return BX_E_NOMEM;
    }
    if (out->count == out->cap) {
        cap = out->cap ? out->cap * 2 : 4;
        grown = realloc(out->files, cap * sizeof(*grown));
        if (grown == NULL) {
            free(copy);
            free(data);
            return BX_E_NOMEM;
        }
        out->files = grown;
        out->cap = cap;
    }
    out->files[out->count].name = copy;
    out->files[out->count].media_type = media_type;
    out->files[out->count].data = data;
    out->files[out->count].len = len;
    out->count++;
    return BX_OK;
}

/* ------------------------------------------------------------------ */
/* Compiling, once per context                                         */
/* ------------------------------------------------------------------ */

static void sheets_release(void *p)
{
    free(p);
}

/* The module's state in 'ctx', created on first use.  NULL on ENOMEM. */
static struct sheets *sheets_of(struct bx_context *ctx)
{
    struct sheets *sh = ctx->transform.ptr;

    if (sh != NULL) {
        return sh;
    }
    sh = calloc(1, sizeof(*sh));
    if (sh == NULL) {
        return NULL;
    }
    ctx->transform.ptr = sh;
    ctx->transform.release = sheets_release;
    return sh;
}

const char *transform_sheet_file(const char *format)
{
    static const char *const names[] = {"html", "csv", "json", "platform"};
    static const enum sheet sheets[] = {SHEET_HTML, SHEET_CSV, SHEET_JSON,
                                        SHEET_PLATFORM};
    size_t i;

    for (i = 0; format != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(format, names[i]) == 0) {
            return sheet_files[sheets[i]];
        }
    }
    return NULL;
}

size_t transform_compiled(const struct bx_context *ctx)
{
    const struct sheets *sh = ctx->transform.ptr;
    size_t n = 0;
    int i;

    for (i = 0; sh != NULL && i < SHEET_COUNT; i++) {
        n += sh->style[i] != NULL;
    }
    return n;
}

/*
 * The compiled stylesheet 'which' (datafiles.c compiles it on first use).
 * Returns BX_OK, BX_E_DATA (missing or broken: FATAL finding),
 * BX_E_NOMEM.
 */
static int get_sheet_locked(struct bx_context *ctx, enum sheet which,
                            struct bx_diags *diags, xsltStylesheetPtr *out)
{
    struct sheets *sh = sheets_of(ctx);
    int rc;

    *out = NULL;
    if (sh == NULL) {
        return BX_E_NOMEM;
    }
    if (sh->style[which] == NULL) {
        rc = datafiles_stylesheet(ctx, sheet_files[which], diags,
                                  &sh->style[which]);
        if (rc != BX_OK) {
            return rc;
        }
    }
    *out = sh->style[which];
    return BX_OK;
}

/* The same, holding the context: threads share its stylesheets. */
static int get_sheet(struct bx_context *ctx, enum sheet which,
                     struct bx_diags *diags, xsltStylesheetPtr *out)
{
    int rc;

    context_lock(ctx);
    rc = get_sheet_locked(ctx, which, diags, out);
    context_unlock(ctx);
    return rc;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

/*
 * Apply 'which' to 'doc' in the one sandbox (datafiles_apply()): any
 * error the stylesheet reports (a forbidden document(), a failed
 * xsl:message terminate) fails the run.  Caller frees '*res'.
 */
static int apply(struct bx_context *ctx, enum sheet which, xmlDocPtr doc,
                 const char **params, struct bx_diags *diags, xmlDocPtr *res)
{
    xsltStylesheetPtr style;
    int rc;

    *res = NULL;
    /* before the first compile: it looks our elements up */
    if (xslt_ext_init() != BX_OK) {
        xmlio_out_of_memory(diags, sheet_files[which]);
        return BX_E_NOMEM;
    }
    rc = get_sheet(ctx, which, diags, &style);
    if (rc != BX_OK) {
        return rc;
    }
    return datafiles_apply(ctx, style, sheet_files[which], doc, params, diags,
                           res);
}

int transform_run_xlsx(struct bx_context *ctx, int pass, xmlDocPtr doc,
                       const char **params, struct bx_diags *diags,
                       xmlDocPtr *res)
{
    static const enum sheet passes[] = {SHEET_XLSX, SHEET_XLSX_BLANK,
                                        SHEET_XLSX_TOK, SHEET_XLSX_SKEL};

    return apply(ctx, passes[pass], doc, params, diags, res);
}

/* Serialise 'res' with the output method of 'which' into malloc memory. */
static int serialise(struct bx_context *ctx, enum sheet which, xmlDocPtr res,
                     unsigned char **out, size_t *len)
{
    struct sheets *sh = ctx->transform.ptr;

    return datafiles_serialise(sh->style[which], res, out, len);
}

/* Run 'which' and add its serialised result to 'out' as 'name'. */
static int run_single(struct bx_context *ctx, enum sheet which, xmlDocPtr doc,
                      const char **params, const char *name, const char *media,
                      struct bx_diags *diags, struct bx_output *out)
{
    xmlDocPtr res = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = apply(ctx, which, doc, params, diags, &res);

    if (rc == BX_OK) {
        rc = serialise(ctx, which, res, &data, &len);
    }
    xmlFreeDoc(res);
    if (rc == BX_OK) {
        rc = transform_output_add(out, name, media, data, len);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* CSV: split the <m:file> wrappers, encode                             */
/* ------------------------------------------------------------------ */

/* GB 18030 through iconv (glibc): every Unicode character maps. */
static int to_gb18030(const char *utf8, size_t len, unsigned char **out,
                      size_t *outlen)
{
    iconv_t cd = iconv_open("GB18030", "UTF-8");
    size_t cap = len * 2 + 16; /* GB 18030 needs at most 4 bytes per 3 */
    char *in = (char *)utf8;
    char *dst;
    size_t inleft = len;
    size_t outleft = cap;
    int rc = BX_E_NOMEM;

    *out = NULL;
    if (cd == (iconv_t)-1) {
        return BX_E_INTERNAL;
    }
    *out = malloc(cap + 1);
    if (*out != NULL) {
        dst = (char *)*out;
        rc = BX_OK;
        if (iconv(cd, &in, &inleft, &dst, &outleft) == (size_t)-1) {
            rc = errno == EILSEQ || errno == EINVAL ? BX_E_DATA : BX_E_INTERNAL;
            free(*out);
            *out = NULL;
        } else {
            *outlen = cap - outleft;
            (*out)[*outlen] = '\0';
        }
    }
    iconv_close(cd);
    return rc;
}

int transform_encode(const char *utf8, size_t len, enum bx_text_encoding enc,
                     int bom, unsigned char **out, size_t *outlen)
{
    static const unsigned char mark[] = {0xEF, 0xBB, 0xBF};
    size_t pre = bom ? sizeof(mark) : 0;

    if (enc == BX_ENC_GB18030) {
        return to_gb18030(utf8, len, out, outlen);
    }
    *out = malloc(pre + len + 1);
    if (*out == NULL) {
        return BX_E_NOMEM;
    }
    memcpy(*out, mark, pre);
    if (len > 0) {
        memcpy(*out + pre, utf8, len);
    }
    (*out)[pre + len] = '\0';
    *outlen = pre + len;
    return BX_OK;
}

/* One <m:file name="...">text</m:file> of the csv result. */
static int csv_file(xmlNodePtr file, const struct bx_transform_opts *o,
                    struct bx_diags *diags, struct bx_output *out)
{
    xmlChar *name = xmlGetProp(file, (const xmlChar *)"name");
    xmlChar *text = xmlNodeGetContent(file);
    unsigned char *data = NULL;
    size_t len = 0;
    int rc = BX_E_NOMEM;

    if (name != NULL && text != NULL) {
        rc = transform_encode((const char *)text, strlen((const char *)text),
                              o->encoding, !o->no_bom, &data, &len);
    }
    if (rc == BX_OK) {
        rc = transform_output_add(out, (const char *)name,
                                  o->encoding == BX_ENC_GB18030 ? MEDIA_CSV_GB
                                                                : MEDIA_CSV,
                                  data, len);
    } else if (rc == BX_E_DATA || rc == BX_E_INTERNAL) {
        bx_diags_addf(diags, BX_SEV_FATAL, "CONVERT-ENCODING",
                      name ? (const char *)name : NULL, 0,
                      "无法转换为 GB18030 编码", "cannot encode as GB18030");
    }
    xmlFree(name);
    xmlFree(text);
    return rc;
}

static int run_csv(struct bx_context *ctx, xmlDocPtr doc, const char **params,
                   const struct bx_transform_opts *o, struct bx_diags *diags,
                   struct bx_output *out)
{
    xmlDocPtr res = NULL;
    xmlNodePtr n;
    int rc = apply(ctx, SHEET_CSV, doc, params, diags, &res);

    for (n = res ? res->children : NULL; rc == BX_OK && n != NULL;
         n = n->next) {
        if (n->type == XML_ELEMENT_NODE && n->ns != NULL &&
            xmlStrEqual(n->ns->href, (const xmlChar *)META_NS) &&
            xmlStrEqual(n->name, (const xmlChar *)"file")) {
            rc = csv_file(n, o, diags, out);
        }
    }
    xmlFreeDoc(res);
    if (rc == BX_OK) {
        out->directory = 1;
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                 */
/* ------------------------------------------------------------------ */

/* Undo what a failed call appended to 'out'. */
static void output_truncate(struct bx_output *out, size_t count, int dir)
{
    while (out->count > count) {
        out->count--;
        free(out->files[out->count].name);
        free(out->files[out->count].data);
    }
    out->directory = dir;
}

int bx_transform(struct bx_context *ctx, struct bx_submission *sub,
                 const char *format, const struct bx_transform_opts *o,
                 struct bx_diags *diags, struct bx_output *out)
{
    struct bx_transform_opts defaults;
    const char *params[] = {"lang", "'zh'", NULL};
    size_t count = out->count;
    int dir = out->directory;
    int rc;

    if (o == NULL) {
        bx_transform_opts_init(&defaults);
        o = &defaults;
    }
    if (sub == NULL || sub->doc == NULL) {
        return BX_E_STATE;
    }
    if (o->lang == BX_LANG_EN) {
        params[1] = "'en'";
    }
    if (format == NULL || bx_transform_format(format) == NULL) {
        return BX_E_ARG;
    } else if (strcmp(format, "html") == 0) {
        rc = run_single(ctx, SHEET_HTML, sub->doc, params, "disclosure.html",
                        MEDIA_HTML, diags, out);
    } else if (strcmp(format, "csv") == 0) {
        rc = run_csv(ctx, sub->doc, params, o, diags, out);
    } else if (strcmp(format, "xlsx") == 0) {
        /* the workbook embeds the source bytes */
        rc = sub->bytes != NULL ? xlsx_write(ctx, sub, o->lang, diags, out)
                                : BX_E_STATE;
    } else if (strcmp(format, "json") == 0) {
        rc = run_single(ctx, SHEET_JSON, sub->doc, params, "disclosure.json",
                        MEDIA_JSON, diags, out);
    } else {
        rc = run_single(ctx, SHEET_PLATFORM, sub->doc, params, "platform.xml",
                        MEDIA_XML, diags, out);
    }
    if (rc == BX_E_NOMEM) {
        /* serialising or packing the result may run out after the
         * stylesheet ran: say so once, whichever step it was */
        xmlio_out_of_memory(diags, NULL);
    }
    if (rc != BX_OK) {
        output_truncate(out, count, dir);
    }
    return rc;
}

int transform_share_grids(struct bx_context *ctx, struct bx_submission *sub,
                          enum bx_lang lang, struct bx_diags *diags,
                          xmlDocPtr *grids)
{
    const char *params[] = {"lang", lang == BX_LANG_EN ? "'en'" : "'zh'", NULL};
    int rc;

    *grids = NULL;
    if (sub == NULL || sub->doc == NULL) {
        return BX_E_STATE;
    }
    rc = apply(ctx, SHEET_GRIDS, sub->doc, params, diags, grids);
    if (rc == BX_OK) {
        xslt_ext_share_grids(*grids);
    }
    return rc;
}

void transform_unshare_grids(xmlDocPtr grids)
{
    xslt_ext_share_grids(NULL);
    xmlFreeDoc(grids);
}

/* Structured schema errors → ERROR findings about 'file'. */
struct schema_errors {
    const char *file;
    struct bx_diags *diags;
    int count;
};

static void schema_error(void *data, xmlErrorPtr err)
{
    struct schema_errors *se = data;

    se->count++;
    xmlio_error_to_diag(err, se->file, "PLATFORM-XSD", BX_SEV_ERROR, se->diags);
}

/* schemas/platform.xsd, compiled on first use. */
static int platform_schema(struct bx_context *ctx, struct bx_diags *diags,
                           xmlSchemaPtr *out)
{
    return datafiles_schema(ctx, "schemas/platform.xsd", diags, out);
}

/* Is 'sub' a platform document, and (unless skipped) a valid one? */
static int check_platform(struct bx_context *ctx, struct bx_submission *sub,
                          const struct bx_transform_opts *o,
                          struct bx_diags *diags)
{
    xmlNodePtr root = xmlDocGetRootElement(sub->doc);
    struct schema_errors se = {sub->path, diags, 0};
    xmlSchemaPtr schema;
    int verdict;
    int rc;

    if (root == NULL || root->ns == NULL ||
        !xmlStrEqual(root->ns->href, (const xmlChar *)TRANSFORM_PLATFORM_NS)) {
        bx_diags_addf(
            diags, BX_SEV_ERROR, "CONVERT-NOT-PLATFORM", sub->path, 0,
            "不是平台交换格式文档（命名空间 " TRANSFORM_PLATFORM_NS "）",
            "not a platform exchange document (namespace " TRANSFORM_PLATFORM_NS
            ")");
        return BX_E_INVALID;
    }
    if (o->no_validate) {
        return BX_OK;
    }
    rc = platform_schema(ctx, diags, &schema);
    if (rc != BX_OK) {
        return rc;
    }
    rc = schema_ctxt_validate(schema, sub->doc, schema_error, &se, diags,
                              &verdict);
    if (rc != BX_OK) {
        return rc; /* out of memory: neither valid nor invalid */
    }
    if (verdict < 0) {
        return BX_E_INTERNAL;
    }
    return verdict == 0 && se.count == 0 ? BX_OK : BX_E_INVALID;
}

int bx_transform_import(struct bx_context *ctx, struct bx_submission *sub,
                        const char *format, const struct bx_transform_opts *o,
                        struct bx_diags *diags, struct bx_output *out)
{
    struct bx_transform_opts defaults;
    const struct bx_format_info *f = bx_transform_format(format);
    const char *params[] = {NULL};
    size_t count = out->count;
    int dir = out->directory;
    int rc;

    if (o == NULL) {
        bx_transform_opts_init(&defaults);
        o = &defaults;
    }
    if (f == NULL || !f->can_import) {
        return BX_E_ARG;
    }
    if (sub == NULL || sub->doc == NULL) {
        return BX_E_STATE;
    }
    rc = check_platform(ctx, sub, o, diags);
    if (rc == BX_OK) {
        rc = run_single(ctx, SHEET_IMPORT, sub->doc, params, "disclosure.xml",
                        MEDIA_XML, diags, out);
    }
    if (rc != BX_OK) {
        output_truncate(out, count, dir);
    }
    return rc;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

static int io_error(struct bx_diags *diags, const char *path, const char *zh,
                    const char *en)
{
    struct bx_buf m;
    char *msg;

    buf_init(&m);
    buf_printf(&m, "%s: %s", en, strerror(errno));
    msg = buf_take(&m, NULL);
    bx_diags_addf(diags, BX_SEV_FATAL, "CONVERT-WRITE", path, 0, zh,
                  msg ? msg : en);
    free(msg);
    return BX_E_IO;
}

/* "<dir>/<name>"; NULL on ENOMEM. */
static char *join(const char *dir, const char *name)
{
    struct bx_buf b;

    buf_init(&b);
    buf_printf(&b, "%s/%s", dir, name);
    return buf_take(&b, NULL);
}

/*
 * A directory that a csv conversion may replace: nothing in it but
 * regular files named *.csv (an empty directory qualifies).
 */
static int replaceable_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    struct stat st;
    size_t n;
    char *p;
    int ok = d != NULL;

    while (ok && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        n = strlen(e->d_name);
        p = join(path, e->d_name);
        ok = p != NULL && n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0 &&
             lstat(p, &st) == 0 && S_ISREG(st.st_mode);
        free(p);
    }
    if (d != NULL) {
        closedir(d);
    }
    return ok;
}

/* Remove a directory that replaceable_dir() accepted, and its files. */
static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char *p;

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            p = join(path, e->d_name);
            if (p != NULL) {
                unlink(p);
            }
            free(p);
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    rmdir(path);
}

/* Write every file of 'out' into the new directory 'tmp'. */
static int write_files(const struct bx_output *out, const char *tmp,
                       struct bx_diags *diags)
{
    size_t i;
    char *p;
    int rc = BX_OK;

    for (i = 0; rc == BX_OK && i < out->count; i++) {
        if (strchr(out->files[i].name, '/') != NULL ||
            out->files[i].name[0] == '.') {
            return BX_E_ARG; /* names come from our stylesheet */
        }
        p = join(tmp, out->files[i].name);
        if (p == NULL) {
            return BX_E_NOMEM;
        }
        rc = util_write_atomic(p, out->files[i].data, out->files[i].len, 0);
        if (rc != BX_OK) {
            io_error(diags, p, "无法写入文件", "cannot write file");
        }
        free(p);
    }
    return rc;
}

/*
 * A new directory next to 'path' (".budgetx-tmp-<pid>-XXXXXX"), with the
 * mode a plain mkdir would give (0777 & ~umask), not mkdtemp()'s 0700:
 * it becomes the output.  NULL on failure.
 */
static char *sibling_dir(const char *path)
{
    char *p = util_tmp_template(path);

    if (p != NULL && mkdtemp(p) == NULL) {
        free(p);
        return NULL;
    }
    if (p != NULL && chmod(p, 0777 & ~util_umask()) != 0) {
        rmdir(p);
        free(p);
        return NULL;
    }
    return p;
}

/*
 * Put directory 'tmp' in place of the existing 'path' with one exchanging
 * rename, so that a kill at any moment leaves the old or the new
 * directory, never none; then remove the old one (now at 'tmp').  Where
 * the system cannot exchange (ENOSYS, EINVAL: not Linux, an old kernel,
 * some file systems), the old directory is first renamed aside: a kill
 * between the two renames then leaves it at "<tmp-name>", where the
 * next run's util_clean_stale() would remove it.
 */
static int replace_dir(const char *tmp, const char *path,
                       struct bx_diags *diags)
{
    char *old;

    if (util_rename_exchange(tmp, path) == 0) {
        remove_dir(tmp);
        return BX_OK;
    }
    if (errno != ENOSYS && errno != EINVAL) {
        return io_error(diags, path, "无法替换目录",
                        "cannot replace directory");
    }
    old = sibling_dir(path);
    if (old == NULL || rename(path, old) != 0) {
        if (old != NULL) {
            rmdir(old);
        }
        free(old);
        return io_error(diags, path, "无法替换目录",
                        "cannot replace directory");
    }
    if (rename(tmp, path) != 0) {
        rename(old, path);
        free(old);
        return io_error(diags, path, "无法创建目录", "cannot create directory");
    }
    remove_dir(old);
    free(old);
    return BX_OK;
}

/* Put directory 'tmp' in place of 'path' (existing or not). */
static int swap_dir(const char *tmp, const char *path, int exists,
                    struct bx_diags *diags)
{
    if (exists) {
        return replace_dir(tmp, path, diags);
    }
    if (rename(tmp, path) != 0) {
        return io_error(diags, path, "无法创建目录", "cannot create directory");
    }
    return BX_OK;
}

/* The directory case of bx_output_write(). */
static int write_dir(const struct bx_output *out, const char *path, int force,
                     struct bx_diags *diags)
{
    struct stat st;
    int exists = lstat(path, &st) == 0;
    char *tmp;
    int rc;

    if (exists && !force) {
        bx_diags_addf(diags, BX_SEV_ERROR, "CONVERT-EXISTS", path, 0,
                      "输出已存在（使用 --force 替换）",
                      "output exists (use --force to replace it)");
        return BX_E_EXISTS;
    }
    if (exists && (!S_ISDIR(st.st_mode) || !replaceable_dir(path))) {
        bx_diags_addf(diags, BX_SEV_ERROR, "CONVERT-EXISTS", path, 0,
                      "不替换：不是只含 CSV 文件的目录",
                      "not replaced: not a directory of CSV files only");
        return BX_E_EXISTS;
    }
    util_clean_stale(path);
    tmp = sibling_dir(path);
    if (tmp == NULL) {
        return io_error(diags, path, "无法创建临时目录",
                        "cannot create temporary directory");
    }
    rc = write_files(out, tmp, diags);
    if (rc == BX_OK) {
        rc = swap_dir(tmp, path, exists, diags);
    }
    if (rc != BX_OK) {
        remove_dir(tmp);
    }
    free(tmp);
    return rc;
}

int bx_output_write(const struct bx_output *out, const char *path, int force,
                    struct bx_diags *diags)
{
    char *trimmed;
    size_t n;
    int rc;

    if (out->count == 0 || path == NULL) {
        return BX_E_ARG;
    }
    if (out->directory) {
        /* "tables/" names the directory "tables": the temporary sibling
         * must not be created inside a directory that does not exist */
        trimmed = util_strdup(path);
        if (trimmed == NULL) {
            return BX_E_NOMEM;
        }
        n = strlen(trimmed);
        while (n > 1 && trimmed[n - 1] == '/') {
            trimmed[--n] = '\0';
        }
        rc = write_dir(out, trimmed, force, diags);
        free(trimmed);
        return rc;
    }
    rc = util_write_atomic(path, out->files[0].data, out->files[0].len, force);
    if (rc == BX_E_EXISTS) {
        bx_diags_addf(diags, BX_SEV_ERROR, "CONVERT-EXISTS", path, 0,
                      "输出已存在（使用 --force 替换）",
                      "output exists (use --force to replace it)");
    } else if (rc != BX_OK) {
        io_error(diags, path, "无法写入文件", "cannot write file");
    }
    return rc;
}

/* What bx_transform_write() serialises into the temporary file. */
struct sheet_write {
    xsltStylesheetPtr style;
    xmlDocPtr res;
    struct xslt_spill *spill; /* the rows of large tables (html) */
};

static int fill_result(int fd, void *user)
{
    const struct sheet_write *w = user;
    int rc;

    if (w->spill->nsegs == 0) {
        return datafiles_serialise_fd(w->style, w->res, fd);
    }
    w->spill->out_fd = fd;
    rc = datafiles_serialise_with(w->style, w->res, xslt_grid_spill_output,
                                  w->spill);
    if (w->spill->out_errno == EINVAL) {
        return BX_E_INTERNAL; /* a mark we did not write */
    }
    if (w->spill->out_errno == ENOMEM) {
        return BX_E_NOMEM;
    }
    if (w->spill->out_errno != 0) {
        errno = w->spill->out_errno;
        return BX_E_IO;
    }
    return rc;
}

/*
 * Does 'style' write UTF-8 (or say nothing: UTF-8 too)?  The rows in a
 * spill file are UTF-8 and are copied as they are.
 */
static int writes_utf8(xsltStylesheetPtr style)
{
    const xmlChar *encoding;

    XSLT_GET_IMPORT_PTR(encoding, style, encoding)
    return encoding == NULL ||
           xmlStrcasecmp(encoding, (const xmlChar *)"UTF-8") == 0;
}

/* The stylesheet of a format of one file written as it is serialised. */
static int streamed_sheet(const char *format, enum sheet *which)
{
    if (format != NULL && strcmp(format, "html") == 0) {
        *which = SHEET_HTML;
    } else if (format != NULL && strcmp(format, "json") == 0) {
        *which = SHEET_JSON;
    } else if (format != NULL && strcmp(format, "platform") == 0) {
        *which = SHEET_PLATFORM;
    } else {
        return 0;
    }
    return 1;
}

/* bx_transform() then bx_output_write(). */
static int transform_then_write(struct bx_context *ctx,
                                struct bx_submission *sub, const char *format,
                                const struct bx_transform_opts *o,
                                const char *path, int force,
                                struct bx_diags *diags)
{
    struct bx_output out;
    int rc;

    bx_output_init(&out);
    rc = bx_transform(ctx, sub, format, o, diags, &out);
    if (rc == BX_OK) {
        rc = bx_output_write(&out, path, force, diags);
    }
    bx_output_release(&out);
    return rc;
}

/* The findings of a failed write of 'path' (rc from util_write_staged()
 * or util_staged_commit(); errno as they left it). */
static void write_failed(struct bx_diags *diags, const char *path, int rc)
{
    if (rc == BX_E_EXISTS) {
        bx_diags_addf(diags, BX_SEV_ERROR, "CONVERT-EXISTS", path, 0,
                      "输出已存在（使用 --force 替换）",
                      "output exists (use --force to replace it)");
    } else if (rc == BX_E_IO) {
        io_error(diags, path, "无法写入文件", "cannot write file");
    } else if (rc == BX_E_NOMEM) {
        /* as bx_transform(): once, whichever step it was */
        xmlio_out_of_memory(diags, NULL);
    }
}

/* An output in its temporary file (bx_transform_write_pending()). */
struct bx_pending {
    struct util_staged st;
    char path[]; /* for the findings of the commit */
};

/*
 * bx_transform_write() up to the temporary file: '*pending' receives it
 * (NULL when the output was written whole: formats not streamed).
 */
static int write_pending(struct bx_context *ctx, struct bx_submission *sub,
                         const char *format, const struct bx_transform_opts *o,
                         const char *path, int force, struct bx_diags *diags,
                         struct bx_pending **pending)
{
    const char *params[] = {"lang", "'zh'", NULL};
    struct xslt_spill spill;
    struct sheet_write w = {NULL, NULL, &spill};
    struct bx_pending *p = NULL;
    enum sheet which;
    int rc;

    *pending = NULL;
    if (path == NULL) {
        return BX_E_ARG;
    }
    if (!streamed_sheet(format, &which) || sub == NULL || sub->doc == NULL) {
        return transform_then_write(ctx, sub, format, o, path, force, diags);
    }
    if (o != NULL && o->lang == BX_LANG_EN) {
        params[1] = "'en'";
    }
    /* html: the rows of a large table wait in a file beside the output,
     * not in the result tree (xslt_grid.h, struct xslt_spill) */
    xslt_grid_spill_init(&spill, path);
    xslt_grid_spill_use(which == SHEET_HTML ? &spill : NULL);
    rc = apply(ctx, which, sub->doc, params, diags, &w.res);
    xslt_grid_spill_use(NULL);
    if (rc == BX_OK) {
        w.style = ((struct sheets *)ctx->transform.ptr)->style[which];
        spill.out_errno = spill.nsegs == 0 || writes_utf8(w.style) ? 0 : EINVAL;
        rc = spill.out_errno == 0 ? BX_OK : BX_E_INTERNAL;
    }
    if (rc == BX_OK) {
        p = malloc(sizeof(*p) + strlen(path) + 1);
        if (p != NULL) {
            strcpy(p->path, path);
        }
        rc = p != NULL ? util_write_staged(path, force, fill_result, &w, &p->st)
                       : BX_E_NOMEM;
    }
    if (rc == BX_E_INTERNAL && spill.out_errno == EINVAL) {
        bx_diags_addf(diags, BX_SEV_FATAL, "XSLT-RUN", path, 0,
                      "表格行无法写入",
                      "the rows of a table could not be written");
    }
    write_failed(diags, path, rc);
    xmlFreeDoc(w.res); /* after io_error(): it reads errno */
    xslt_grid_spill_release(&spill);
    if (rc != BX_OK) {
        free(p);
        return rc;
    }
    *pending = p;
    return BX_OK;
}

int bx_transform_write_pending(struct bx_context *ctx,
                               struct bx_submission *sub, const char *format,
                               const struct bx_transform_opts *o,
                               const char *path, int force,
                               struct bx_diags *diags,
                               struct bx_pending **pending)
{
    if (pending == NULL) {
        return BX_E_ARG;
    }
    return write_pending(ctx, sub, format, o, path, force, diags, pending);
}

int bx_pending_commit(struct bx_pending *p, struct bx_diags *diags)
{
    int rc;

    if (p == NULL) {
        return BX_OK;
    }
    rc = util_staged_commit(&p->st);
    write_failed(diags, p->path, rc);
    free(p);
    return rc;
}

void bx_pending_discard(struct bx_pending *p)
{
    if (p != NULL) {
        util_staged_discard(&p->st);
        free(p);
    }
}

int bx_transform_write(struct bx_context *ctx, struct bx_submission *sub,
                       const char *format, const struct bx_transform_opts *o,
                       const char *path, int force, struct bx_diags *diags)
{
    struct bx_pending *p;
    int rc = write_pending(ctx, sub, format, o, path, force, diags, &p);

    return rc == BX_OK ? bx_pending_commit(p, diags) : rc;
}
