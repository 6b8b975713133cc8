/*
 * Submission bundles: a deterministic zip of the submissions, their
 * validation reports, chosen renditions and manifest.xml with sizes and
 * SHA-256/SM3 digests.  Reading bundles back is verify.c.
 */
#define _POSIX_C_SOURCE 200809L

#include "package.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bxzip.h"
#include "internal.h"
#include "sign.h"
#include "util.h"
#include "xmlio.h"

#if defined(BX_HAVE_REPORT_XML)
#include "report_xml.h"
#endif

void bx_bundle_opts_init(struct bx_bundle_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->fail_on = BX_SEV_ERROR;
    o->mtime = -1;
    o->lang = BX_LANG_ZH;
}

struct pentry {
    char *path;
    unsigned char *data;
    size_t len;
    const char *role;   /* submission, report, rendition */
    const char *format; /* rendition format, or NULL */
    const char *media;
    size_t sub; /* index of its submission */
};

struct plist {
    struct pentry *items;
    size_t count;
    size_t cap;
};

static void plist_release(struct plist *l)
{
    size_t i;

    for (i = 0; i < l->count; i++) {
        free(l->items[i].path);
        free(l->items[i].data);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

/*
 * Append an entry; takes ownership of 'path' and 'data' even on failure.
 * Either being NULL (a failed allocation of the caller's) is BX_E_NOMEM.
 */
static int plist_add(struct plist *l, char *path, unsigned char *data,
                     size_t len, const struct pentry *meta)
{
    struct pentry *grown;
    size_t cap;

    if (path == NULL || (data == NULL && len > 0)) {
        free(path);
        free(data);
        return BX_E_NOMEM;
    }
    if (l->count == l->cap) {
        cap = l->cap ? l->cap * 2 : 16;
        grown = realloc(l->items, cap * sizeof(*grown));
        if (grown == NULL) {
            free(path);
            free(data);
            return BX_E_NOMEM;
        }
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->count] = *meta;
    l->items[l->count].path = path;
    l->items[l->count].data = data;
    l->items[l->count].len = len;
    l->count++;
    return BX_OK;
}

char *package_safe_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    struct bx_buf prefixed;
    struct bx_buf b;
    size_t n;
    size_t i;

    base = base != NULL ? base + 1 : path;
    n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".gz") == 0) {
        n -= 3;
    }
    if (n > 4 && strncmp(base + n - 4, ".xml", 4) == 0) {
        n -= 4;
    }
    buf_init(&b);
    for (i = 0; i < n && i < 100; i++) {
        unsigned char c = (unsigned char)base[i];
        int ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                 (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
                 (c == '.' && i > 0);
        buf_append(&b, ok ? (const char *)&base[i] : "_", 1);
    }
    if (b.len == 0) {
        buf_puts(&b, "submission");
    }
    /* names every system can hold: no trailing dot, no device name */
    while (b.data != NULL && b.data[b.len - 1] == '.') {
        b.data[b.len - 1] = '_';
    }
    if (b.data != NULL && !bxzip_name_ok(b.data)) {
        buf_init(&prefixed);
        buf_printf(&prefixed, "_%s", b.data);
        buf_release(&b);
        b = prefixed;
    }
    return buf_take(&b, NULL);
}

char *bx_bundle_default_name(const struct bx_check *chk)
{
    char digest[9];
    const char *parts[3];
    struct bx_buf b;
    const char *p;
    size_t i;

    parts[0] = bx_submission_meta(chk->sub, "mofDivCode");
    parts[1] = bx_submission_meta(chk->sub, "department.code");
    parts[2] = bx_submission_meta(chk->sub, "fiscalYear");
    /* a template that prints no codes: what is known instead (the
       template id, the first 8 hex digits of the document's SHA-256) */
    if (parts[0][0] == '\0')
        parts[0] = bx_submission_meta(chk->sub, "profile");
    if (parts[1][0] == '\0') {
        snprintf(digest, sizeof(digest), "%.8s",
                 bx_submission_sha256(chk->sub));
        parts[1] = digest;
    }
    buf_init(&b);
    for (i = 0; i < 3; i++) {
        for (p = parts[i][0] != '\0' ? parts[i] : "unknown"; *p; p++) {
            int ok = (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
                     (*p >= 'A' && *p <= 'Z') || *p == '.' || *p == '_' ||
                     *p == '-';
            buf_append(&b, ok ? p : "_", 1);
        }
        buf_puts(&b, "-");
    }
    buf_puts(&b, "budget.zip");
    return buf_take(&b, NULL);
}

int package_timestamp(const struct bx_check *chk, int64_t forced, int64_t *out,
                      const char **source)
{
    const char *date;
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;

    if (forced >= 0) {
        *out = forced;
        *source = "SOURCE_DATE_EPOCH";
        return BX_OK;
    }
    date = bx_submission_meta(chk->sub, "published");
    if (sscanf(date, "%4d-%2u-%2u", &y, &m, &d) == 3 && y >= 1980 && m >= 1 &&
        m <= 12 && d >= 1 && d <= 31) {
        *out = util_days_from_civil(y, m, d) * 86400;
        *source = "published";
        return BX_OK;
    }
    y = atoi(bx_submission_meta(chk->sub, "fiscalYear"));
    if (y < 1980) {
        y = 1980;
    }
    *out = util_days_from_civil(y, 1, 1) * 86400;
    *source = "fiscalYear";
    return BX_OK;
}

static void iso_time(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;

    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A path not used yet: "<dir>/<stem><suffix>", then "<stem>-2<suffix>"… */
static char *unique_path(const struct plist *l, const char *dir,
                         const char *stem, const char *suffix)
{
    struct bx_buf b;
    size_t i;
    int n;
    int clash;

    for (n = 1;; n++) {
        buf_init(&b);
        if (n == 1) {
            buf_printf(&b, "%s/%s%s", dir, stem, suffix);
        } else {
            buf_printf(&b, "%s/%s-%d%s", dir, stem, n, suffix);
        }
        if (b.failed) {
            buf_release(&b);
            return NULL;
        }
        clash = 0;
        for (i = 0; i < l->count; i++) {
            /* names that differ only in case collide once unpacked */
            if (strcasecmp(l->items[i].path, b.data) == 0) {
                clash = 1;
            }
        }
        if (!clash) {
            return buf_take(&b, NULL);
        }
        buf_release(&b);
    }
}

static unsigned char *copy_bytes(const void *data, size_t len)
{
    unsigned char *p = malloc(len + 1);

    if (p != NULL) {
        memcpy(p, data, len);
        p[len] = '\0';
    }
    return p;
}

/* The XML validation report of one submission. */
static int report_of(struct bx_context *ctx, const struct bx_check *chk,
                     const struct bx_bundle_opts *opts, char **out, size_t *len)
{
    struct bx_report rep;

    memset(&rep, 0, sizeof(rep));
    rep.files = &chk->result;
    rep.nfiles = 1;
    rep.lang = opts->lang;
    rep.fail_on = opts->fail_on;
    return bx_report_render(&rep, BX_REPORT_XML, ctx, out, len);
}

static int add_submission(struct bx_context *ctx, struct plist *l,
                          const struct bx_check *chk, size_t index,
                          const struct bx_bundle_opts *opts,
                          struct bx_diags *diags, char **stem_out)
{
    struct pentry meta;
    const unsigned char *bytes;
    char *report = NULL;
    char *stem;
    size_t len;
    size_t rlen = 0;
    int rc;

    stem = package_safe_stem(chk->result.path);
    if (stem == NULL) {
        return BX_E_NOMEM;
    }
    memset(&meta, 0, sizeof(meta));
    meta.sub = index;
    meta.role = "submission";
    meta.media = "application/xml";
    bytes = bx_submission_bytes(chk->sub, &len);
    rc = plist_add(l, unique_path(l, "submissions", stem, ".xml"),
                   copy_bytes(bytes, len), len, &meta);
    if (rc == BX_OK) {
        /* the submission's own entry decides the stem of the others */
        free(stem);
        stem = package_safe_stem(l->items[l->count - 1].path);
        rc = stem != NULL ? report_of(ctx, chk, opts, &report, &rlen)
                          : BX_E_NOMEM;
    }
    if (rc == BX_OK) {
        meta.role = "report";
        rc = plist_add(l, unique_path(l, "reports", stem, ".report.xml"),
                       (unsigned char *)report, rlen, &meta);
        report = NULL;
    }
    if (rc == BX_OK) {
        rc = package_renditions(ctx, chk, opts, stem, diags, l, index);
    }
    free(report);
    if (rc == BX_OK) {
        *stem_out = stem;
    } else {
        free(stem);
    }
    return rc;
}

int package_add_rendition(struct plist *l, size_t index, const char *stem,
                          const char *format, const char *file,
                          const char *media, unsigned char *data, size_t len)
{
    struct pentry meta;
    struct bx_buf b;

    memset(&meta, 0, sizeof(meta));
    meta.sub = index;
    meta.role = "rendition";
    meta.format = format;
    meta.media = media;
    buf_init(&b);
    buf_printf(&b, "renditions/%s/%s", stem, file);
    return plist_add(l, buf_take(&b, NULL), data, len, &meta);
}

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const struct pentry *)a)->path,
                  ((const struct pentry *)b)->path);
}

static void manifest_submission(struct bx_buf *m, struct bx_context *ctx,
                                const struct bx_check *chk, size_t i,
                                const char *path,
                                const struct bx_bundle_opts *opts)
{
    const struct bx_diags *d = &chk->diags;
    const char *rid = NULL;
    const char *rver = NULL;

    buf_printf(m, "  <submission id=\"s%zu\" path=\"", i + 1);
    buf_xml_str(m, path);
    buf_puts(m, "\">\n    <fiscalYear>");
    buf_xml_str(m, bx_submission_meta(chk->sub, "fiscalYear"));
    buf_puts(m, "</fiscalYear>\n    <mofDivCode>");
    buf_xml_str(m, bx_submission_meta(chk->sub, "mofDivCode"));
    buf_puts(m, "</mofDivCode>\n    <department code=\"");
    buf_xml_str(m, bx_submission_meta(chk->sub, "department.code"));
    buf_puts(m, "\" name=\"");
    buf_xml_str(m, bx_submission_meta(chk->sub, "department.name"));
    buf_puts(m, "\"/>\n");
    (void)ctx;
    rid = chk->result.ruleset_id;
    rver = chk->result.ruleset_version;
    if (rid != NULL) {
        buf_puts(m, "    <ruleset id=\"");
        buf_xml_str(m, rid);
        buf_puts(m, "\" version=\"");
        buf_xml_str(m, rver != NULL ? rver : "");
        buf_puts(m, "\"/>\n");
    }
    buf_printf(m,
               "    <verdict>%s</verdict>\n"
               "    <counts info=\"%zu\" warning=\"%zu\" error=\"%zu\" "
               "fatal=\"%zu\"/>\n"
               "    <renditionOptions lang=\"%s\"/>\n  </submission>\n",
               bx_file_accepted(&chk->result, opts->fail_on) ? "accepted"
                                                             : "rejected",
               d->by_severity[BX_SEV_INFO], d->by_severity[BX_SEV_WARNING],
               d->by_severity[BX_SEV_ERROR], d->by_severity[BX_SEV_FATAL],
               opts->lang == BX_LANG_EN ? "en" : "zh");
}

static int manifest_file(struct bx_buf *m, const struct pentry *e)
{
    char sha[65];
    char sm3[65];

    if (util_digest_hex("sha256", e->data, e->len, sha, sizeof(sha)) != BX_OK ||
        util_digest_hex("sm3", e->data, e->len, sm3, sizeof(sm3)) != BX_OK) {
        return BX_E_INTERNAL;
    }
    buf_puts(m, "  <file path=\"");
    buf_xml_str(m, e->path);
    buf_printf(m, "\" role=\"%s\" submission=\"s%zu\"", e->role, e->sub + 1);
    if (e->format != NULL) {
        buf_printf(m, " format=\"%s\"", e->format);
    }
    buf_printf(m,
               " mediaType=\"%s\" size=\"%zu\"\n        sha256=\"%s\"\n"
               "        sm3=\"%s\"/>\n",
               e->media, e->len, sha, sm3);
    return BX_OK;
}

/* manifest.xml for the (sorted) entries of 'l'. */
static int manifest_build(struct bx_context *ctx, struct bx_check *const *c,
                          size_t n, char *const *sub_paths,
                          const struct plist *l, int64_t mtime,
                          const char *source, const struct bx_bundle_opts *opts,
                          char **out, size_t *len)
{
    struct bx_buf m;
    char when[32];
    size_t i;

    iso_time(mtime, when, sizeof(when));
    buf_init(&m);
    buf_printf(&m,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<manifest xmlns=\"%s\" formatVersion=\"1\">\n"
               "  <generator name=\"budgetx\" version=\"%s\"/>\n"
               "  <timestamp source=\"%s\">%s</timestamp>\n",
               PACKAGE_MANIFEST_NS, BX_VERSION, source, when);
    for (i = 0; i < n; i++) {
        manifest_submission(&m, ctx, c[i], i, sub_paths[i], opts);
    }
    for (i = 0; i < l->count; i++) {
        if (manifest_file(&m, &l->items[i]) != BX_OK) {
            buf_release(&m);
            return BX_E_INTERNAL;
        }
    }
    buf_puts(&m, "</manifest>\n");
    *out = buf_take(&m, len);
    return *out != NULL ? BX_OK : BX_E_NOMEM;
}

static int zip_all(const struct plist *l, const char *manifest, size_t mlen,
                   const unsigned char *sig, size_t siglen, int64_t mtime,
                   unsigned char **zip, size_t *len)
{
    struct bxzip_writer *w = NULL;
    size_t i;
    int rc;

    rc = bxzip_writer_new(&w);
    if (rc == BX_OK) {
        rc = bxzip_writer_add(w, PACKAGE_MANIFEST, manifest, mlen, mtime);
    }
    if (rc == BX_OK && sig != NULL) {
        rc = bxzip_writer_add(w, SIGN_ENTRY, sig, siglen, mtime);
    }
    for (i = 0; rc == BX_OK && i < l->count; i++) {
        rc = bxzip_writer_add(w, l->items[i].path, l->items[i].data,
                              l->items[i].len, mtime);
    }
    if (rc == BX_OK) {
        rc = bxzip_writer_finish(w, zip, len);
    }
    bxzip_writer_free(w);
    return rc;
}

/* BX_E_INVALID with one finding per rejected submission, unless allowed. */
static int refuse_rejected(struct bx_check *const *checks, size_t n,
                           const struct bx_bundle_opts *opts,
                           struct bx_diags *diags)
{
    size_t i;
    int rc = BX_OK;

    for (i = 0; i < n; i++) {
        if (checks[i]->sub == NULL) {
            return BX_E_STATE;
        }
        if (opts->allow_invalid ||
            bx_file_accepted(&checks[i]->result, opts->fail_on)) {
            continue;
        }
        bx_diags_addf(diags, BX_SEV_ERROR, "BUNDLE-REJECTED",
                      checks[i]->result.path, 0,
                      "提交文件未通过校验，不予打包（可用 --allow-invalid "
                      "打包并在清单中记录未通过结论）",
                      "submission rejected by validation; not bundled (use "
                      "--allow-invalid to bundle it with the rejected "
                      "verdict recorded)");
        rc = BX_E_INVALID;
    }
    return rc;
}

int bx_bundle_build(struct bx_context *ctx, struct bx_check *const *checks,
                    size_t n, const struct bx_bundle_opts *opts,
                    struct bx_diags *diags, unsigned char **zip, size_t *len)
{
    struct plist l;
    char **sub_paths = NULL;
    char *manifest = NULL;
    unsigned char *sig = NULL; /* manifest.sig, when signing */
    size_t siglen = 0;
    char *stem = NULL;
    const char *source = NULL;
    size_t mlen = 0;
    int64_t mtime = 0;
    unsigned long nomem = xmlio_nomem_count();
    size_t i;
    int rc;

    *zip = NULL;
    *len = 0;
    memset(&l, 0, sizeof(l));
    if (n == 0) {
        return BX_E_ARG;
    }
    rc = refuse_rejected(checks, n, opts, diags);
    if (rc != BX_OK) {
        return rc;
    }
    rc = package_check_include(opts->include, diags);
    if (rc != BX_OK) {
        return rc;
    }
    sub_paths = calloc(n, sizeof(*sub_paths));
    if (sub_paths == NULL) {
        return BX_E_NOMEM;
    }
    package_timestamp(checks[0], opts->mtime, &mtime, &source);
    for (i = 0; rc == BX_OK && i < n; i++) {
        size_t first = l.count;

        rc = add_submission(ctx, &l, checks[i], i, opts, diags, &stem);
        if (rc == BX_OK) {
            sub_paths[i] = util_strdup(l.items[first].path);
            rc = sub_paths[i] != NULL ? BX_OK : BX_E_NOMEM;
        }
        free(stem);
        stem = NULL;
    }
    if (rc == BX_OK) {
        qsort(l.items, l.count, sizeof(*l.items), cmp_entries);
        rc = manifest_build(ctx, checks, n, sub_paths, &l, mtime, source, opts,
                            &manifest, &mlen);
    }
    /* libxml2 and libxslt may drop a node or a stylesheet part when memory
     * runs out and still report success: such a bundle is never made */
    if (rc == BX_OK && xmlio_nomem_count() != nomem) {
        rc = BX_E_NOMEM;
    }
    if (rc == BX_OK && opts->sign_key != NULL) {
        rc = sign_manifest(opts->sign_key, opts->sign_cert, SIGN_DEFAULT,
                           manifest, mlen, diags, &sig, &siglen);
    }
    if (rc == BX_OK) {
        rc = zip_all(&l, manifest, mlen, sig, siglen, mtime, zip, len);
    }
    free(sig);
    for (i = 0; i < n; i++) {
        free(sub_paths[i]);
    }
    free(sub_paths);
    free(manifest);
    plist_release(&l);
    return rc;
}
