/*
 * Submission bundles: a deterministic zip of the submissions, their
 * validation reports, chosen renditions and manifest.xml with sizes and
 * SHA-256/SM3 digests.  Built as a stream: each submission is rendered
 * and compressed on its own (in any thread), its compressed entries are
 * appended to a spool file and dropped, and the zip is assembled from the
 * spool at the end (manifest first, then every entry in path order), so
 * memory does not grow with the number of submissions.  Reading bundles
 * back is verify.c.
 */
#define _XOPEN_SOURCE 700 /* P_tmpdir */

#include "package.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

/* One entry: compressed in a part, spooled in a bundle. */
struct pentry {
    char *path;         /* part: relative to its directory; bundle: full */
    const char *role;   /* submission, report, rendition */
    const char *format; /* rendition format, or NULL */
    const char *media;
    size_t sub;  /* index of its submission (bundle) */
    size_t size; /* uncompressed */
    uint32_t crc;
    unsigned char *cdata; /* part: deflated bytes (NULL in a bundle) */
    size_t clen;
    uint64_t spool_off; /* bundle: where the deflated bytes are */
    char sha256[65];
    char sm3[65];
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
        free(l->items[i].cdata);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

/* Room for one more entry: its slot, zeroed, or NULL on ENOMEM. */
static struct pentry *plist_slot(struct plist *l)
{
    struct pentry *grown;
    size_t cap;

    if (l->count == l->cap) {
        cap = l->cap ? l->cap * 2 : 16;
        grown = realloc(l->items, cap * sizeof(*grown));
        if (grown == NULL) {
            return NULL;
        }
        l->items = grown;
        l->cap = cap;
    }
    memset(&l->items[l->count], 0, sizeof(*l->items));
    return &l->items[l->count];
}

/*
 * Digest and deflate 'data' into a new entry 'path' of 'l'; takes 'path'
 * and frees 'data' (NULL either: BX_E_NOMEM).  'sha256': the SHA-256 of
 * 'data' in hex when it is known already (NULL: computed here).
 */
static int plist_add_known(struct plist *l, char *path, unsigned char *data,
                           size_t len, const char *sha256,
                           const struct pentry *meta)
{
    struct pentry *e =
        path != NULL && (data != NULL || len == 0) ? plist_slot(l) : NULL;
    int rc = BX_E_NOMEM;

    if (e != NULL) {
        *e = *meta;
        e->path = path;
        e->size = len;
        if (sha256 != NULL && strlen(sha256) == sizeof(e->sha256) - 1) {
            memcpy(e->sha256, sha256, sizeof(e->sha256));
            rc = BX_OK;
        } else {
            rc = util_digest_hex("sha256", data, len, e->sha256,
                                 sizeof(e->sha256));
        }
        if (rc == BX_OK) {
            rc = util_digest_hex("sm3", data, len, e->sm3, sizeof(e->sm3));
        }
        if (rc == BX_OK) {
            rc = bxzip_deflate(data, len, &e->cdata, &e->clen, &e->crc);
        }
    }
    free(data);
    if (rc != BX_OK) {
        free(path);
        return rc;
    }
    l->count++;
    return BX_OK;
}

/* plist_add_known() of data whose SHA-256 is not known. */
static int plist_add(struct plist *l, char *path, unsigned char *data,
                     size_t len, const struct pentry *meta)
{
    return plist_add_known(l, path, data, len, NULL, meta);
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
/*
 * The report of 'chk' for a bundle.  It names the submission by its entry
 * in the bundle, never by the path it was given on this machine (which
 * would leak a local path into the bundle and make bundles of the same
 * submission differ): here by the name it would get ("submissions/
 * STEM.xml"); the name it does get is set when it joins the bundle
 * (report_named()), as a colliding stem is renamed then.
 */
static int report_of(struct bx_context *ctx, const struct bx_check *chk,
                     const struct bx_bundle_opts *opts, char **out, size_t *len)
{
    struct bx_file_result named = chk->result;
    struct bx_report rep;
    struct bx_buf path;
    char *stem = package_safe_stem(chk->result.path);
    int rc;

    buf_init(&path);
    if (stem != NULL) {
        buf_printf(&path, "submissions/%s.xml", stem);
    }
    free(stem);
    named.path = path.failed || path.data == NULL ? NULL : path.data;
    if (named.path == NULL) {
        buf_release(&path);
        return BX_E_NOMEM;
    }
    memset(&rep, 0, sizeof(rep));
    rep.files = &named;
    rep.nfiles = 1;
    rep.lang = opts->lang;
    rep.fail_on = opts->fail_on;
    rc = bx_report_render(&rep, BX_REPORT_XML, ctx, out, len);
    buf_release(&path);
    return rc;
}

/*
 * 'report' (report_of()) with the path of its file, the first <file>
 * element (the lines before it are ours: declaration, <report>,
 * <summary>), set to 'path', the submission's entry in the bundle.
 */
static int report_named(const char *report, size_t len, const char *path,
                        unsigned char **out, size_t *outlen)
{
    static const char attr[] = "\n  <file path=\"";
    const char *start = strstr(report, attr);
    const char *end;
    struct bx_buf b;

    *out = NULL;
    if (start == NULL) {
        return BX_E_INTERNAL;
    }
    start += sizeof(attr) - 1;
    end = strchr(start, '"'); /* an attribute value holds no raw quote */
    if (end == NULL) {
        return BX_E_INTERNAL;
    }
    buf_init(&b);
    buf_append(&b, report, (size_t)(start - report));
    buf_xml_str(&b, path);
    buf_append(&b, end, len - (size_t)(end - report));
    if (b.failed) {
        buf_release(&b);
        return BX_E_NOMEM;
    }
    *out = (unsigned char *)buf_take(&b, outlen);
    return *out != NULL ? BX_OK : BX_E_NOMEM;
}

/* ---------------------------------------------------------------- */
/* One submission, ready to append                                   */
/* ---------------------------------------------------------------- */

struct bx_bundle_part {
    char *input;        /* the input path, for findings and its stem */
    int refused;        /* rejected and not allowed: nothing rendered */
    char *meta;         /* its <submission> element, after the start tag */
    int64_t mtime;      /* the bundle's time, if this part comes first */
    const char *source; /* static */
    char *default_name;
    char *report;         /* its report, named when the part joins */
    size_t report_len;
    struct plist entries; /* [0] submission, then renditions */
};

void bx_bundle_part_free(struct bx_bundle_part *p)
{
    if (p == NULL) {
        return;
    }
    free(p->input);
    free(p->meta);
    free(p->default_name);
    free(p->report);
    plist_release(&p->entries);
    free(p);
}

/* The body of the manifest's <submission> element for 'chk'. */
static char *manifest_meta(const struct bx_check *chk,
                           const struct bx_bundle_opts *opts)
{
    const struct bx_diags *d = &chk->diags;
    const char *rid = chk->result.ruleset_id;
    const char *rver = chk->result.ruleset_version;
    struct bx_buf m;

    buf_init(&m);
    buf_puts(&m, "    <fiscalYear>");
    buf_xml_str(&m, bx_submission_meta(chk->sub, "fiscalYear"));
    buf_puts(&m, "</fiscalYear>\n    <mofDivCode>");
    buf_xml_str(&m, bx_submission_meta(chk->sub, "mofDivCode"));
    buf_puts(&m, "</mofDivCode>\n    <department code=\"");
    buf_xml_str(&m, bx_submission_meta(chk->sub, "department.code"));
    buf_puts(&m, "\" name=\"");
    buf_xml_str(&m, bx_submission_meta(chk->sub, "department.name"));
    buf_puts(&m, "\"/>\n");
    if (rid != NULL) {
        buf_puts(&m, "    <ruleset id=\"");
        buf_xml_str(&m, rid);
        buf_puts(&m, "\" version=\"");
        buf_xml_str(&m, rver != NULL ? rver : "");
        buf_puts(&m, "\"/>\n");
    }
    buf_printf(&m,
               "    <verdict>%s</verdict>\n"
               "    <counts info=\"%zu\" warning=\"%zu\" error=\"%zu\" "
               "fatal=\"%zu\"/>\n"
               "    <renditionOptions lang=\"%s\"/>\n  </submission>\n",
               bx_file_accepted(&chk->result, opts->fail_on) ? "accepted"
                                                             : "rejected",
               d->by_severity[BX_SEV_INFO], d->by_severity[BX_SEV_WARNING],
               d->by_severity[BX_SEV_ERROR], d->by_severity[BX_SEV_FATAL],
               opts->lang == BX_LANG_EN ? "en" : "zh");
    return buf_take(&m, NULL);
}

/* The submission's bytes (entry 0 of 'p') and its report (p->report). */
static int part_own_entries(struct bx_context *ctx, struct bx_bundle_part *p,
                            const struct bx_check *chk,
                            const struct bx_bundle_opts *opts)
{
    struct pentry meta;
    const unsigned char *bytes;
    size_t len;
    int rc;

    memset(&meta, 0, sizeof(meta));
    meta.role = "submission";
    meta.media = "application/xml";
    bytes = bx_submission_bytes(chk->sub, &len);
    if (bytes == NULL) {
        return BX_E_STATE; /* bx_submission_drop_bytes() was called */
    }
    /* the submission's SHA-256 was taken when it was read (parse.c) */
    rc = plist_add_known(&p->entries, util_strdup(".xml"),
                         copy_bytes(bytes, len), len,
                         bx_submission_sha256(chk->sub), &meta);
    if (rc == BX_OK) {
        rc = report_of(ctx, chk, opts, &p->report, &p->report_len);
    }
    return rc;
}

int bx_bundle_prepare(struct bx_context *ctx, const struct bx_check *chk,
                      const struct bx_bundle_opts *opts, struct bx_diags *diags,
                      struct bx_bundle_part **out)
{
    struct bx_bundle_part *p = NULL;
    unsigned long nomem = xmlio_nomem_count();
    int rc = BX_E_NOMEM;

    *out = NULL;
    if (chk->sub == NULL) {
        return BX_E_STATE;
    }
    p = calloc(1, sizeof(*p));
    if (p == NULL || (p->input = util_strdup(chk->result.path)) == NULL) {
        goto out;
    }
    if (!opts->allow_invalid &&
        !bx_file_accepted(&chk->result, opts->fail_on)) {
        p->refused = 1;
        rc = BX_OK;
        goto done;
    }
    package_timestamp(chk, opts->mtime, &p->mtime, &p->source);
    p->meta = manifest_meta(chk, opts);
    p->default_name = bx_bundle_default_name(chk);
    if (p->meta == NULL || p->default_name == NULL) {
        goto out;
    }
    rc = part_own_entries(ctx, p, chk, opts);
    if (rc == BX_OK) {
        rc = package_renditions(ctx, chk, opts, NULL, diags, &p->entries, 0);
    }
    /* libxml2 and libxslt may drop a node or a stylesheet part when memory
     * runs out and still report success: such a bundle is never made */
    if (rc == BX_OK && xmlio_nomem_count() != nomem) {
        rc = BX_E_NOMEM;
    }
done:
    if (rc == BX_OK) {
        *out = p;
        p = NULL;
    }
out:
    if (rc == BX_E_NOMEM) {
        xmlio_out_of_memory(diags, chk->result.path);
    }
    bx_bundle_part_free(p);
    return rc;
}

int package_add_rendition(struct plist *l, size_t index, const char *stem,
                          const char *format, const char *file,
                          const char *media, unsigned char *data, size_t len)
{
    struct pentry meta;

    /* the stem is given when the part joins a bundle */
    (void)index;
    (void)stem;
    memset(&meta, 0, sizeof(meta));
    meta.role = "rendition";
    meta.format = format;
    meta.media = media;
    return plist_add(l, util_strdup(file), data, len, &meta);
}

/* ---------------------------------------------------------------- */
/* The bundle being written                                          */
/* ---------------------------------------------------------------- */

/*
 * Paths in use, to give a second "a.xml" the name "a-2.xml".  Compared
 * ignoring case: names that differ only in case collide once unpacked
 * (the zip writer refuses them, Unicode-folded, in writer_check_name();
 * the paths made here are ASCII, package_safe_stem()).
 */
struct pathset {
    char **slots; /* open addressing; NULL is free */
    size_t cap;   /* a power of two */
    size_t count;
};

struct bx_bundle {
    struct bx_context *ctx;
    struct bx_bundle_opts opts;
    char *include; /* opts.include's copy */
    char *sign_key;  /* opts.sign_key's copy */
    char *sign_cert; /* opts.sign_cert's copy */
    FILE *spool;   /* deflated entries, back to back; already unlinked */
    uint64_t spool_len;
    struct plist entries; /* every entry but the manifest, spooled */
    struct pathset used;
    struct bx_buf subs; /* the manifest's <submission> elements */
    size_t nsubs;
    int64_t mtime;
    const char *source;
    char *default_name;
    int failed; /* a status that refuses the bundle (BX_E_INVALID) */
    int sign_failed; /* the manifest could not be signed (not an IO-WRITE) */
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603u; /* FNV-1a */

    unsigned char c;

    for (; *s != '\0'; s++) {
        c = (unsigned char)*s;
        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        h = (h ^ c) * 1099511628211u;
    }
    return h;
}

static char **pathset_find(const struct pathset *ps, const char *path)
{
    size_t i = (size_t)hash_str(path) & (ps->cap - 1);

    while (ps->slots[i] != NULL && strcasecmp(ps->slots[i], path) != 0) {
        i = (i + 1) & (ps->cap - 1);
    }
    return &ps->slots[i];
}

static int pathset_has(const struct pathset *ps, const char *path)
{
    return ps->cap > 0 && *pathset_find(ps, path) != NULL;
}

/* Insert 'path' (not copied: it belongs to an entry).  BX_OK/BX_E_NOMEM. */
static int pathset_add(struct pathset *ps, char *path)
{
    struct pathset bigger;
    size_t i;

    if (2 * (ps->count + 1) > ps->cap) {
        bigger.cap = ps->cap ? ps->cap * 2 : 256;
        bigger.count = 0;
        bigger.slots = calloc(bigger.cap, sizeof(*bigger.slots));
        if (bigger.slots == NULL) {
            return BX_E_NOMEM;
        }
        for (i = 0; i < ps->cap; i++) {
            if (ps->slots[i] != NULL) {
                *pathset_find(&bigger, ps->slots[i]) = ps->slots[i];
                bigger.count++;
            }
        }
        free(ps->slots);
        *ps = bigger;
    }
    *pathset_find(ps, path) = path;
    ps->count++;
    return BX_OK;
}

/* A path not used yet: "<dir>/<stem><suffix>", then "<stem>-2<suffix>"… */
static char *unique_path(const struct pathset *used, const char *dir,
                         const char *stem, const char *suffix)
{
    struct bx_buf b;
    int n;

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
        if (!pathset_has(used, b.data)) {
            return buf_take(&b, NULL);
        }
        buf_release(&b);
    }
}

/* An unlinked temporary file in 'dir' (NULL: $TMPDIR, else P_tmpdir). */
static FILE *spool_open(const char *dir)
{
    struct bx_buf name;
    FILE *fp = NULL;
    int fd;

    if (dir == NULL || dir[0] == '\0') {
        dir = getenv("TMPDIR");
    }
    if (dir == NULL || dir[0] == '\0') {
        dir = P_tmpdir;
    }
    buf_init(&name);
    if (buf_printf(&name, "%s/.budgetx-spool-XXXXXX", dir) != BX_OK) {
        return NULL;
    }
    fd = mkstemp(name.data);
    if (fd >= 0) {
        unlink(name.data);
        fp = fdopen(fd, "w+b");
        if (fp == NULL) {
            close(fd);
        }
    }
    buf_release(&name);
    return fp;
}

int bx_bundle_begin(struct bx_context *ctx, const struct bx_bundle_opts *opts,
                    const char *tmpdir, struct bx_diags *diags,
                    struct bx_bundle **out)
{
    struct bx_bundle *b;
    int rc;

    *out = NULL;
    rc = package_check_include(opts->include, diags);
    if (rc != BX_OK) {
        return rc;
    }
    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        return BX_E_NOMEM;
    }
    b->ctx = ctx;
    b->opts = *opts;
    buf_init(&b->subs);
    b->include = opts->include ? util_strdup(opts->include) : NULL;
    b->sign_key = opts->sign_key ? util_strdup(opts->sign_key) : NULL;
    b->sign_cert = opts->sign_cert ? util_strdup(opts->sign_cert) : NULL;
    b->opts.include = b->include;
    b->opts.sign_key = b->sign_key;
    b->opts.sign_cert = b->sign_cert;
    if ((opts->include != NULL && b->include == NULL) ||
        (opts->sign_key != NULL && b->sign_key == NULL) ||
        (opts->sign_cert != NULL && b->sign_cert == NULL)) {
        bx_bundle_free(b);
        return BX_E_NOMEM;
    }
    b->spool = spool_open(tmpdir);
    if (b->spool == NULL) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-WRITE", tmpdir, 0,
                      "无法创建临时文件", "cannot create a temporary file");
        bx_bundle_free(b);
        return BX_E_IO;
    }
    *out = b;
    return BX_OK;
}

void bx_bundle_free(struct bx_bundle *b)
{
    if (b == NULL) {
        return;
    }
    if (b->spool != NULL) {
        fclose(b->spool);
    }
    plist_release(&b->entries);
    free(b->used.slots);
    buf_release(&b->subs);
    free(b->default_name);
    free(b->include);
    free(b->sign_key);
    free(b->sign_cert);
    free(b);
}

const char *bx_bundle_name(const struct bx_bundle *b)
{
    return b->default_name;
}

static int refuse_part(struct bx_bundle *b, const struct bx_bundle_part *p,
                       struct bx_diags *diags)
{
    b->failed = BX_E_INVALID;
    bx_diags_addf(diags, BX_SEV_ERROR, "BUNDLE-REJECTED", p->input, 0,
                  "提交文件未通过校验，不予打包（可用 --allow-invalid "
                  "打包并在清单中记录未通过结论）",
                  "submission rejected by validation; not bundled (use "
                  "--allow-invalid to bundle it with the rejected "
                  "verdict recorded)");
    return BX_E_INVALID;
}

/* Move entry 'e' of a part into the bundle as 'path' (taken). */
static int spool_entry(struct bx_bundle *b, struct pentry *e, char *path)
{
    struct pentry *slot = path != NULL ? plist_slot(&b->entries) : NULL;
    int rc;

    if (slot == NULL) {
        free(path);
        return BX_E_NOMEM;
    }
    if (e->clen > 0 && fwrite(e->cdata, 1, e->clen, b->spool) != e->clen) {
        free(path);
        return BX_E_IO;
    }
    *slot = *e;
    slot->path = path;
    slot->sub = b->nsubs;
    slot->cdata = NULL;
    slot->spool_off = b->spool_len;
    b->spool_len += e->clen;
    rc = pathset_add(&b->used, path);
    if (rc != BX_OK) {
        free(path);
        return rc;
    }
    b->entries.count++;
    return BX_OK;
}

static char *rendition_path(const char *stem, const char *file)
{
    struct bx_buf b;

    buf_init(&b);
    buf_printf(&b, "renditions/%s/%s", stem, file);
    return buf_take(&b, NULL);
}

/* The report of 'p' naming 'path', spooled as 'rpath' (taken). */
static int spool_report(struct bx_bundle *b, const struct bx_bundle_part *p,
                        const char *path, char *rpath)
{
    struct plist one;
    struct pentry meta;
    unsigned char *text = NULL;
    size_t len = 0;
    int rc = rpath != NULL ? report_named(p->report, p->report_len, path,
                                          &text, &len)
                           : BX_E_NOMEM;

    memset(&one, 0, sizeof(one));
    memset(&meta, 0, sizeof(meta));
    meta.role = "report";
    meta.media = "application/xml";
    if (rc == BX_OK) {
        rc = plist_add(&one, util_strdup(".report.xml"), text, len, &meta);
    }
    if (rc == BX_OK) {
        rc = spool_entry(b, &one.items[0], rpath);
    } else {
        free(rpath);
    }
    plist_release(&one);
    return rc;
}

/* Name and spool every entry of 'p': submission, report, renditions. */
static int spool_part(struct bx_bundle *b, struct bx_bundle_part *p)
{
    struct plist *l = &p->entries;
    char *stem = package_safe_stem(p->input);
    char *path;
    size_t i;
    int rc;

    path = stem != NULL ? unique_path(&b->used, "submissions", stem, ".xml")
                        : NULL;
    free(stem);
    /* the submission's own entry decides the stem of the others */
    stem = path != NULL ? package_safe_stem(path) : NULL;
    if (stem == NULL || l->count < 1 || p->report == NULL) {
        free(path);
        free(stem);
        return BX_E_NOMEM;
    }
    buf_printf(&b->subs, "  <submission id=\"s%zu\" path=\"", b->nsubs + 1);
    buf_xml_str(&b->subs, path);
    buf_puts(&b->subs, "\">\n");
    buf_puts(&b->subs, p->meta);
    rc = b->subs.failed ? BX_E_NOMEM : spool_entry(b, &l->items[0], path);
    if (rc == BX_OK) {
        /* 'path' is the bundle's now (spool_entry) and lives as long */
        rc = spool_report(
            b, p, path, unique_path(&b->used, "reports", stem, ".report.xml"));
    }
    for (i = 1; rc == BX_OK && i < l->count; i++) {
        rc = spool_entry(b, &l->items[i],
                         rendition_path(stem, l->items[i].path));
    }
    free(stem);
    return rc;
}

int bx_bundle_add_part(struct bx_bundle *b, struct bx_bundle_part *p,
                       struct bx_diags *diags)
{
    int rc = BX_OK;

    if (p->refused) {
        rc = refuse_part(b, p, diags);
    } else if (b->failed == BX_OK) {
        if (b->nsubs == 0) {
            b->mtime = p->mtime;
            b->source = p->source;
            b->default_name = p->default_name;
            p->default_name = NULL;
        }
        rc = spool_part(b, p);
        if (rc != BX_OK) {
            b->failed = rc; /* half a submission is in: no bundle */
        }
        b->nsubs++;
    }
    bx_bundle_part_free(p);
    return rc;
}

int bx_bundle_add(struct bx_bundle *b, const struct bx_check *chk,
                  struct bx_diags *diags)
{
    struct bx_bundle_part *p = NULL;
    int rc = bx_bundle_prepare(b->ctx, chk, &b->opts, diags, &p);

    if (rc != BX_OK) {
        b->failed = rc;
        return rc;
    }
    return bx_bundle_add_part(b, p, diags);
}

static int cmp_entries(const void *a, const void *b)
{
    return strcmp(((const struct pentry *)a)->path,
                  ((const struct pentry *)b)->path);
}

static void manifest_file(struct bx_buf *m, const struct pentry *e)
{
    buf_puts(m, "  <file path=\"");
    buf_xml_str(m, e->path);
    buf_printf(m, "\" role=\"%s\" submission=\"s%zu\"", e->role, e->sub + 1);
    if (e->format != NULL) {
        buf_printf(m, " format=\"%s\"", e->format);
    }
    buf_printf(m,
               " mediaType=\"%s\" size=\"%zu\"\n        sha256=\"%s\"\n"
               "        sm3=\"%s\"/>\n",
               e->media, e->size, e->sha256, e->sm3);
}

/* manifest.xml for the (sorted) entries of 'b'. */
static char *manifest_build(const struct bx_bundle *b, size_t *len)
{
    struct bx_buf m;
    char when[32];
    size_t i;

    iso_time(b->mtime, when, sizeof(when));
    buf_init(&m);
    buf_printf(&m,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<manifest xmlns=\"%s\" formatVersion=\"1\">\n"
               "  <generator name=\"budgetx\" version=\"%s\"/>\n"
               "  <timestamp source=\"%s\">%s</timestamp>\n",
               PACKAGE_MANIFEST_NS, BX_VERSION, b->source, when);
    buf_append(&m, b->subs.data, b->subs.len);
    for (i = 0; i < b->entries.count; i++) {
        manifest_file(&m, &b->entries.items[i]);
    }
    buf_puts(&m, "</manifest>\n");
    return buf_take(&m, len);
}

/*
 * Deflate 'data' as the members are (bxzip_deflate()) and add it as entry
 * 'name' of 'w', so that every entry of a bundle is compressed alike.
 */
static int zip_add_whole(struct bxzip_writer *w, const char *name,
                         const void *data, size_t len, int64_t mtime)
{
    unsigned char *cdata = NULL;
    size_t clen = 0;
    uint32_t crc = 0;
    int rc = bxzip_deflate(data, len, &cdata, &clen, &crc);

    if (rc == BX_OK) {
        rc = bxzip_writer_add_deflated(w, name, cdata, clen, len, crc, mtime);
    }
    free(cdata);
    return rc;
}

/*
 * The zip, from the spool, through 'sink'; signed when opts.sign_key is
 * set (SIGN-* findings in 'diags', which may be NULL).
 */
static int zip_spool(struct bx_bundle *b, bxzip_sink_fn sink, void *user,
                     struct bx_diags *diags)
{
    struct bxzip_writer *w = NULL;
    unsigned char *sig = NULL; /* manifest.sig, when signing */
    size_t siglen = 0;
    unsigned char *cbuf = NULL;
    size_t cap = 0;
    char *manifest;
    size_t mlen = 0;
    size_t i;
    struct pentry *e;
    int rc;

    if (b->entries.count > 1) {
        qsort(b->entries.items, b->entries.count, sizeof(*b->entries.items),
              cmp_entries);
    }
    manifest = manifest_build(b, &mlen);
    rc = manifest != NULL ? BX_OK : BX_E_NOMEM;
    if (rc == BX_OK && b->opts.sign_key != NULL) {
        /* manifest.sig: a detached signature of manifest.xml's bytes */
        rc = sign_manifest(b->opts.sign_key, b->opts.sign_cert, SIGN_DEFAULT,
                           manifest, mlen, diags, &sig, &siglen);
        b->sign_failed = rc != BX_OK; /* SIGN-* findings say why */
    }
    if (rc == BX_OK) {
        rc = bxzip_writer_new(&w);
    }
    if (rc == BX_OK) {
        bxzip_writer_set_sink(w, sink, user);
        rc = zip_add_whole(w, PACKAGE_MANIFEST, manifest, mlen, b->mtime);
    }
    if (rc == BX_OK && sig != NULL) {
        rc = zip_add_whole(w, SIGN_ENTRY, sig, siglen, b->mtime);
    }
    free(manifest);
    free(sig);
    rc = rc == BX_OK && fflush(b->spool) != 0 ? BX_E_IO : rc;
    for (i = 0; rc == BX_OK && i < b->entries.count; i++) {
        e = &b->entries.items[i];
        if (e->clen > cap) {
            free(cbuf);
            cap = e->clen;
            cbuf = malloc(cap);
            rc = cbuf != NULL ? BX_OK : BX_E_NOMEM;
        }
        if (rc == BX_OK && e->clen > 0 &&
            pread(fileno(b->spool), cbuf, e->clen, (off_t)e->spool_off) !=
                (ssize_t)e->clen) {
            rc = BX_E_IO;
        }
        if (rc == BX_OK) {
            rc = bxzip_writer_add_deflated(w, e->path, cbuf, e->clen, e->size,
                                           e->crc, b->mtime);
        }
    }
    if (rc == BX_OK) {
        unsigned char *none = NULL;
        size_t nlen = 0;

        rc = bxzip_writer_finish(w, &none, &nlen);
    }
    free(cbuf);
    bxzip_writer_free(w);
    return rc;
}

static int sink_buf(void *user, const void *data, size_t len)
{
    return buf_append(user, data, len);
}

int bx_bundle_finish_memory(struct bx_bundle *b, unsigned char **zip,
                            size_t *len, struct bx_diags *diags)
{
    struct bx_buf out;
    int rc;

    *zip = NULL;
    *len = 0;
    if (b->failed != BX_OK) {
        return b->failed;
    }
    if (b->nsubs == 0) {
        return BX_E_ARG;
    }
    buf_init(&out);
    rc = zip_spool(b, sink_buf, &out, diags);
    if (rc == BX_OK) {
        *zip = (unsigned char *)buf_take(&out, len);
        rc = *zip != NULL ? BX_OK : BX_E_NOMEM;
    }
    buf_release(&out);
    return rc;
}

static int sink_fd(void *user, const void *data, size_t len)
{
    const unsigned char *p = data;
    int fd = *(int *)user;
    ssize_t n;

    while (len > 0) {
        n = write(fd, p, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return BX_E_IO;
        }
        p += n;
        len -= (size_t)n;
    }
    return BX_OK;
}

/* Put the finished temporary file 'tmp' in place as 'path'. */
static int commit(const char *tmp, const char *path, int force)
{
    if (force) {
        return rename(tmp, path) == 0 ? BX_OK : BX_E_IO;
    }
    /* link(2) refuses to replace: no race with a file created since */
    if (link(tmp, path) != 0) {
        return errno == EEXIST ? BX_E_EXISTS : BX_E_IO;
    }
    return BX_OK;
}

int bx_bundle_finish(struct bx_bundle *b, const char *path, int force,
                     struct bx_diags *diags)
{
    char *tmp;
    int fd = -1;
    int rc;
    int saved;

    if (b->failed != BX_OK) {
        return b->failed;
    }
    if (b->nsubs == 0 || path == NULL) {
        return BX_E_ARG;
    }
    if (!force && access(path, F_OK) == 0) {
        return BX_E_EXISTS;
    }
    /* ".budgetx-tmp-<pid>-XXXXXX" next to 'path'; stale ones of dead
       runs are removed first (util_tmp_template(), util_clean_stale()) */
    util_clean_stale(path);
    tmp = util_tmp_template(path);
    if (tmp == NULL) {
        return BX_E_NOMEM;
    }
    fd = mkstemp(tmp);
    rc = fd >= 0 && fchmod(fd, 0666 & ~util_umask()) == 0 ? BX_OK : BX_E_IO;
    if (rc == BX_OK) {
        rc = zip_spool(b, sink_fd, &fd, diags);
    }
    if (rc == BX_OK && fsync(fd) != 0) {
        rc = BX_E_IO;
    }
    if (fd >= 0 && close(fd) != 0 && rc == BX_OK) {
        rc = BX_E_IO;
    }
    if (rc == BX_OK) {
        rc = commit(tmp, path, force);
    }
    saved = errno;
    if (fd >= 0) {
        unlink(tmp); /* after link(2) or on failure; ENOENT after rename */
    }
    if (rc == BX_E_IO && !b->sign_failed) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-WRITE", path, 0,
                      "无法写入提交包", "cannot write the bundle");
    }
    free(tmp);
    errno = saved;
    return rc;
}

int bx_bundle_finish_fd(struct bx_bundle *b, int fd,
                        struct bx_diags *diags)
{
    if (b->failed != BX_OK) {
        return b->failed;
    }
    if (b->nsubs == 0) {
        return BX_E_ARG;
    }
    return zip_spool(b, sink_fd, &fd, diags);
}

int bx_bundle_build(struct bx_context *ctx, struct bx_check *const *checks,
                    size_t n, const struct bx_bundle_opts *opts,
                    struct bx_diags *diags, unsigned char **zip, size_t *len)
{
    struct bx_bundle *b = NULL;
    size_t i;
    int rc;

    *zip = NULL;
    *len = 0;
    if (n == 0) {
        return BX_E_ARG;
    }
    for (i = 0; i < n; i++) {
        if (checks[i]->sub == NULL) {
            return BX_E_STATE;
        }
    }
    rc = bx_bundle_begin(ctx, opts, NULL, diags, &b);
    /* every rejected submission is named, then the bundle is refused */
    for (i = 0; rc == BX_OK && i < n; i++) {
        rc = bx_bundle_add(b, checks[i], diags);
        rc = rc == BX_E_INVALID ? BX_OK : rc;
    }
    if (rc == BX_OK) {
        rc = bx_bundle_finish_memory(b, zip, len, diags);
    }
    bx_bundle_free(b);
    return rc;
}
