/*
 * Reading bundles on the receiving side: the strict zip reader, then the
 * manifest against the zip (listing, sizes, SHA-256 and SM3 digests),
 * then every submission re-validated with today's schema and rules.
 * Also the safe extraction of a verified bundle.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xmlschemas.h>

#include "bxzip.h"
#include "datafiles.h"
#include "internal.h"
#include "package.h"
#include "util.h"
#include "xmlio.h"

/* What verify keeps of the bundle: its entries, extracted. */
struct vbundle {
    unsigned char *zip;
    size_t zip_len;
    size_t count;
    char **names;
    unsigned char **data;
    size_t *lens;
    int *listed;
    xmlDocPtr manifest;
};

static void vbundle_free(struct vbundle *b)
{
    size_t i;

    if (b == NULL) {
        return;
    }
    for (i = 0; i < b->count; i++) {
        free(b->names[i]);
        free(b->data[i]);
    }
    free(b->names);
    free(b->data);
    free(b->lens);
    free(b->listed);
    xmlFreeDoc(b->manifest);
    free(b->zip);
    free(b);
}

void bx_verify_release(struct bx_verify *v)
{
    bx_diags_release(&v->diags);
    vbundle_free(v->internal);
    memset(v, 0, sizeof(*v));
}

int bx_verify_exit_code(const struct bx_verify *v)
{
    if (v->status == BX_OK) {
        return v->intact && v->accepted ? BX_EXIT_OK : BX_EXIT_INVALID;
    }
    /* BX_E_INVALID: a zip we could read, with unsafe or altered content */
    return bx_status_exit_code(v->status);
}

/* A finding about the bundle; 'entry' (may be NULL) is quoted escaped. */
static void finding(struct bx_verify *v, enum bx_severity sev, const char *code,
                    const char *entry, const char *zh, const char *en)
{
    struct bx_buf z;
    struct bx_buf e;
    char *safe =
        entry ? util_escape_untrusted(entry, strlen(entry), 200) : NULL;

    buf_init(&z);
    buf_init(&e);
    if (safe != NULL) {
        buf_printf(&z, "'%s'：%s", safe, zh);
        buf_printf(&e, "'%s': %s", safe, en);
    } else {
        buf_puts(&z, zh);
        buf_puts(&e, en);
    }
    bx_diags_addf(&v->diags, sev, code, v->result.path, 0, z.data, e.data);
    if (sev >= BX_SEV_ERROR && strncmp(code, "BUNDLE-VERDICT", 14) != 0) {
        v->intact = 0;
    }
    free(safe);
    buf_release(&z);
    buf_release(&e);
}

struct mvalid {
    struct bx_verify *v;
};

static void on_manifest_error(void *user, xmlErrorPtr err)
{
    struct mvalid *mv = user;

    xmlio_error_to_diag(err, mv->v->result.path, "BUNDLE-MANIFEST",
                        BX_SEV_ERROR, &mv->v->diags);
    mv->v->intact = 0;
}

/* ---- reading ------------------------------------------------------- */

static int extract_all(struct bx_verify *v, struct vbundle *b)
{
    struct bxzip_reader *r = NULL;
    const struct bxzip_entry *e;
    size_t i;
    int rc;

    rc = bxzip_reader_open(b->zip, b->zip_len, NULL, v->result.path, &v->diags,
                           &r);
    if (rc != BX_OK) {
        return rc;
    }
    b->count = bxzip_reader_count(r);
    b->names = calloc(b->count + 1, sizeof(*b->names));
    b->data = calloc(b->count + 1, sizeof(*b->data));
    b->lens = calloc(b->count + 1, sizeof(*b->lens));
    b->listed = calloc(b->count + 1, sizeof(*b->listed));
    if (b->names == NULL || b->data == NULL || b->lens == NULL ||
        b->listed == NULL) {
        b->count = 0;
        bxzip_reader_free(r);
        return BX_E_NOMEM;
    }
    for (i = 0; rc == BX_OK && i < b->count; i++) {
        e = bxzip_reader_entry(r, i);
        b->names[i] = util_strdup(e->name);
        rc = b->names[i] != NULL ? bxzip_reader_extract(r, i, &b->data[i],
                                                        &b->lens[i], &v->diags)
                                 : BX_E_NOMEM;
    }
    bxzip_reader_free(r);
    return rc;
}

static long find_entry(const struct vbundle *b, const char *name)
{
    size_t i;

    for (i = 0; i < b->count; i++) {
        if (strcmp(b->names[i], name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

static int is_m(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
           xmlStrEqual(n->ns->href, BAD_CAST PACKAGE_MANIFEST_NS) &&
           xmlStrEqual(n->name, BAD_CAST name);
}

/* Attribute value as a C string ("" when absent), valid while doc lives. */
static const char *attr(xmlNodePtr n, const char *name)
{
    xmlAttrPtr a = xmlHasProp(n, BAD_CAST name);

    if (a == NULL || a->children == NULL || a->children->content == NULL) {
        return "";
    }
    return (const char *)a->children->content;
}

static const char *child_text(xmlNodePtr n, const char *name)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL; c = c->next) {
        if (is_m(c, name) && c->children != NULL &&
            c->children->type == XML_TEXT_NODE) {
            return (const char *)c->children->content;
        }
    }
    return "";
}

static xmlNodePtr child_elem(xmlNodePtr n, const char *name)
{
    xmlNodePtr c;

    for (c = n->children; c != NULL; c = c->next) {
        if (is_m(c, name)) {
            return c;
        }
    }
    return NULL;
}

static int load_manifest(struct bx_context *ctx, struct bx_verify *v,
                         struct vbundle *b)
{
    struct bx_limits lim = {16u << 20, 64};
    xmlSchemaValidCtxtPtr vctxt;
    xmlSchemaPtr schema;
    struct mvalid mv;
    long m = find_entry(b, PACKAGE_MANIFEST);
    int rc;

    if (m < 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-MANIFEST", NULL,
                "包中没有 manifest.xml", "no manifest.xml in the bundle");
        return BX_E_INVALID;
    }
    b->listed[m] = 1;
    if (xmlio_parse(b->data[m], b->lens[m], v->result.path, &lim, &v->diags,
                    &b->manifest) != BX_OK) {
        v->intact = 0;
        return BX_E_INVALID;
    }
    /* our schema: compiled once, its compile errors are findings */
    rc = datafiles_schema(ctx, PACKAGE_MANIFEST_XSD, &v->diags, &schema);
    if (rc != BX_OK) {
        return rc;
    }
    vctxt = xmlSchemaNewValidCtxt(schema);
    if (vctxt == NULL) {
        return BX_E_NOMEM;
    }
    mv.v = v;
    xmlSchemaSetValidStructuredErrors(vctxt, on_manifest_error, &mv);
    if (xmlSchemaValidateDoc(vctxt, b->manifest) != 0) {
        v->intact = 0;
    }
    xmlSchemaFreeValidCtxt(vctxt);
    return v->intact ? BX_OK : BX_E_INVALID;
}

/* One <file>: present, same size, same digests. */
static void check_file(struct bx_verify *v, struct vbundle *b, xmlNodePtr f)
{
    const char *path = attr(f, "path");
    long i = find_entry(b, path);
    char sha[65];
    char sm3[65];
    char size[32];

    if (i < 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-MISSING", path,
                "清单列出的文件不在包中",
                "listed in the manifest but missing from the bundle");
        return;
    }
    if (b->listed[i]) {
        finding(v, BX_SEV_ERROR, "BUNDLE-DUPLICATE", path, "清单重复列出该文件",
                "listed twice in the manifest");
        return;
    }
    b->listed[i] = 1;
    snprintf(size, sizeof(size), "%zu", b->lens[i]);
    if (strcmp(size, attr(f, "size")) != 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-SIZE", path, "文件大小与清单不符",
                "size differs from the manifest");
    }
    util_digest_hex("sha256", b->data[i], b->lens[i], sha, sizeof(sha));
    util_digest_hex("sm3", b->data[i], b->lens[i], sm3, sizeof(sm3));
    if (strcmp(sha, attr(f, "sha256")) != 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-DIGEST", path,
                "SHA-256 摘要与清单不符", "SHA-256 differs from the manifest");
    }
    if (strcmp(sm3, attr(f, "sm3")) != 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-DIGEST", path, "SM3 摘要与清单不符",
                "SM3 differs from the manifest");
    }
}

static void check_listing(struct bx_verify *v, struct vbundle *b)
{
    xmlNodePtr root = xmlDocGetRootElement(b->manifest);
    xmlNodePtr c;
    size_t i;

    for (c = root->children; c != NULL; c = c->next) {
        if (is_m(c, "file")) {
            check_file(v, b, c);
        }
    }
    for (i = 0; i < b->count; i++) {
        if (!b->listed[i]) {
            finding(v, BX_SEV_ERROR, "BUNDLE-UNLISTED", b->names[i],
                    "包中有清单未列出的文件",
                    "in the bundle but not listed in the manifest");
        }
    }
}

/* Append the findings of a re-validated submission, prefixed by name. */
static void merge_findings(struct bx_verify *v, const struct bx_check *chk)
{
    size_t i;

    for (i = 0; i < chk->diags.count; i++) {
        bx_diags_add(&v->diags, &chk->diags.items[i]);
    }
}

static void compare_verdict(struct bx_verify *v, xmlNodePtr s,
                            const struct bx_check *chk,
                            enum bx_severity fail_on)
{
    const char *recorded = child_text(s, "verdict");
    int now = bx_file_accepted(&chk->result, fail_on);
    xmlNodePtr rs = child_elem(s, "ruleset");
    const char *path = attr(s, "path");

    if (!now) {
        v->accepted = 0;
    }
    if (strcmp(recorded, "accepted") != 0) {
        v->accepted = 0;
        finding(v, BX_SEV_ERROR, "BUNDLE-VERDICT-RECORDED", path,
                "打包时的校验结论为未通过", "recorded verdict is rejected");
    }
    if (now != (strcmp(recorded, "accepted") == 0)) {
        finding(v, now ? BX_SEV_WARNING : BX_SEV_ERROR, "BUNDLE-VERDICT", path,
                now ? "按现行规则重新校验为通过，与记录的结论不同"
                    : "按现行规则重新校验未通过，记录的结论不再成立",
                now ? "passes the current rules although recorded as "
                      "rejected"
                    : "fails the current rules: the recorded verdict no "
                      "longer holds");
    }
    if (chk->result.ruleset_id != NULL &&
        (rs == NULL || strcmp(attr(rs, "id"), chk->result.ruleset_id) != 0 ||
         strcmp(attr(rs, "version"), chk->result.ruleset_version
                                         ? chk->result.ruleset_version
                                         : "") != 0)) {
        finding(v, BX_SEV_INFO, "BUNDLE-RULESET", path,
                "打包时使用的规则集与现行规则集不同",
                "the rule set recorded differs from the current one");
    }
}

/*
 * Re-validate every submission listed.  Returns BX_OK, or the status of a
 * check that could not be made (out of memory, broken rules): then there
 * is no verdict to compare, and the bundle is not judged at all.
 */
static int revalidate(struct bx_context *ctx, struct bx_verify *v,
                      struct vbundle *b, enum bx_severity fail_on)
{
    xmlNodePtr root = xmlDocGetRootElement(b->manifest);
    struct bx_check chk;
    struct bx_buf name;
    xmlNodePtr s;
    long i;
    int rc;

    for (s = root->children; s != NULL; s = s->next) {
        if (!is_m(s, "submission")) {
            continue;
        }
        v->nsubmissions++;
        i = find_entry(b, attr(s, "path"));
        if (i < 0) {
            v->accepted = 0;
            continue; /* already reported as missing or unlisted */
        }
        buf_init(&name);
        if (buf_printf(&name, "%s:%s", v->result.path, b->names[i]) != BX_OK) {
            buf_release(&name);
            return BX_E_NOMEM;
        }
        rc = bx_check_memory(ctx, b->data[i], b->lens[i], name.data, &chk);
        merge_findings(v, &chk);
        if (bx_status_exit_code(rc) == BX_EXIT_INTERNAL) {
            bx_check_release(&chk);
            buf_release(&name);
            return rc;
        }
        compare_verdict(v, s, &chk, fail_on);
        bx_check_release(&chk);
        buf_release(&name);
    }
    if (v->nsubmissions == 0) {
        v->accepted = 0;
    }
    return BX_OK;
}

int bx_bundle_verify(struct bx_context *ctx, const char *path,
                     enum bx_severity fail_on, struct bx_verify *v)
{
    struct vbundle *b;
    unsigned long nomem = xmlio_nomem_count();
    int rc;

    memset(v, 0, sizeof(*v));
    bx_diags_init(&v->diags);
    v->result.path = path;
    v->result.diags = &v->diags;
    v->result.schema_valid = -1;
    v->intact = 1;
    v->accepted = 1;
    b = calloc(1, sizeof(*b));
    if (b == NULL) {
        return v->status = BX_E_NOMEM;
    }
    v->internal = b;
    rc = util_read_file(path, PACKAGE_MAX_BUNDLE, &b->zip, &b->zip_len);
    if (rc != BX_OK) {
        bx_diags_addf(
            &v->diags, BX_SEV_FATAL, rc == BX_E_LIMIT ? "IO-LIMIT" : "IO-READ",
            path, 0, rc == BX_E_LIMIT ? "提交包超过大小上限" : "无法读取提交包",
            rc == BX_E_LIMIT ? "bundle exceeds the size limit"
                             : "cannot read the bundle");
        v->intact = v->accepted = 0;
        v->result.status = v->status = rc;
        return rc;
    }
    util_digest_hex("sha256", b->zip, b->zip_len, v->sha256, sizeof(v->sha256));
    v->result.sha256 = v->sha256;
    rc = extract_all(v, b);
    if (rc == BX_OK) {
        rc = load_manifest(ctx, v, b);
    }
    if (xmlio_nomem_count() != nomem) {
        rc = BX_E_NOMEM; /* libxml2's verdict on the manifest is void */
    }
    if (rc == BX_E_INVALID) {
        /* a zip we read, but no usable manifest: report, do not crash */
        v->intact = v->accepted = 0;
        v->result.status = v->status = BX_OK;
        return BX_OK;
    }
    if (rc != BX_OK) {
        v->intact = v->accepted = 0;
        v->result.status = v->status = rc;
        return rc;
    }
    check_listing(v, b);
    rc = revalidate(ctx, v, b, fail_on);
    if (rc != BX_OK) {
        v->intact = v->accepted = 0;
        v->result.status = v->status = rc;
        return rc;
    }
    v->result.schema_valid = v->intact && v->accepted ? 1 : 0;
    v->result.status = v->status = BX_OK;
    return BX_OK;
}

/* ---- unpacking ----------------------------------------------------- */

/* Write one file at 'rel' below the directory 'root' (an open fd). */
static int write_below(int root, const char *rel, const unsigned char *data,
                       size_t len, int force)
{
    char path[1100];
    char tmp[1200];
    char *comp;
    char *slash;
    int dir = dup(root);
    int next;
    int fd = -1;
    int rc = BX_E_IO;
    size_t off = 0;
    ssize_t n;

    tmp[0] = '\0';
    if (dir < 0 || strlen(rel) >= sizeof(path)) {
        goto out;
    }
    strcpy(path, rel);
    comp = path;
    /* directories: create, then open without following links */
    while ((slash = strchr(comp, '/')) != NULL) {
        *slash = '\0';
        if (mkdirat(dir, comp, 0755) != 0 && errno != EEXIST) {
            goto out;
        }
        next = openat(dir, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (next < 0) {
            goto out;
        }
        close(dir);
        dir = next;
        comp = slash + 1;
    }
    if (!force && faccessat(dir, comp, F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
        rc = BX_E_EXISTS;
        goto out;
    }
    snprintf(tmp, sizeof(tmp), ".%s.bx-tmp-%ld", comp, (long)getpid());
    fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0644);
    if (fd < 0) {
        goto out;
    }
    while (off < len) {
        n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            goto out;
        }
        off += (size_t)n;
    }
    if (fsync(fd) != 0) {
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (renameat(dir, tmp, dir, comp) != 0) {
        goto out;
    }
    rc = BX_OK;
out:
    if (fd >= 0) {
        close(fd);
    }
    if (rc != BX_OK && dir >= 0 && tmp[0] != '\0') {
        unlinkat(dir, tmp, 0);
    }
    if (dir >= 0) {
        close(dir);
    }
    return rc;
}

int bx_bundle_unpack(struct bx_verify *v, const char *dir, int force)
{
    struct vbundle *b = v->internal;
    size_t i;
    int root;
    int rc = BX_OK;

    if (b == NULL || v->status != BX_OK || !v->intact) {
        return BX_E_STATE;
    }
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
        root = -1;
    } else {
        root = open(dir, O_RDONLY | O_DIRECTORY);
    }
    if (root < 0) {
        finding(v, BX_SEV_FATAL, "UNPACK-DIR", dir, "无法创建或打开目标目录",
                "cannot create or open the target "
                "directory");
        return BX_E_IO;
    }
    for (i = 0; i < b->count && rc == BX_OK; i++) {
        rc = write_below(root, b->names[i], b->data[i], b->lens[i], force);
        if (rc != BX_OK) {
            finding(v, BX_SEV_FATAL,
                    rc == BX_E_EXISTS ? "UNPACK-EXISTS" : "UNPACK-WRITE",
                    b->names[i],
                    rc == BX_E_EXISTS ? "目标文件已存在（使用 --force 覆盖）"
                                      : "无法写入目标文件",
                    rc == BX_E_EXISTS
                        ? "exists in the target directory (--force replaces)"
                        : "cannot write into the target directory");
        }
    }
    close(root);
    return rc;
}
