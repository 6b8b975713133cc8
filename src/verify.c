/*
 * Reading bundles on the receiving side: the strict zip reader, then the
 * manifest against the zip (listing, sizes, SHA-256 and SM3 digests) and
 * its signature, then every submission re-validated with today's schema
 * and rules and its renditions re-rendered and compared.  Also the safe,
 * all-or-nothing extraction of a verified bundle.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
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
#include "schema_ctxt.h"
#include "sign.h"
#include "util.h"
#include "verify_parts.h"
#include "xmlio.h"

/* One entry of the bundle, as verify knows it: name, size and digests. */
struct ventry {
    char *name;
    size_t len;
    char sha256[65];
    char sm3[65];
    int listed;
};

/*
 * What verify keeps of the bundle: the archive and a reader over it, and
 * the size and digests of every entry, computed by streaming the entry
 * through both digests (no entry is held whole, except the manifest,
 * each submission while it is re-validated, and manifest.sig).
 */
struct vbundle {
    unsigned char *zip;
    size_t zip_len;
    struct bxzip_reader *reader;
    size_t count;
    struct ventry *ents;
    unsigned char *mbytes; /* manifest.xml */
    size_t mlen;
    xmlDocPtr manifest;
};

/* Largest manifest.xml and manifest.sig verify reads. */
#define MAX_MANIFEST (16u << 20)
#define MAX_SIGNATURE (1u << 20)

static void vbundle_free(struct vbundle *b)
{
    size_t i;

    if (b == NULL) {
        return;
    }
    for (i = 0; i < b->count; i++) {
        free(b->ents[i].name);
    }
    free(b->ents);
    bxzip_reader_free(b->reader);
    xmlFreeDoc(b->manifest);
    free(b->mbytes);
    free(b->zip);
    free(b);
}

void bx_verify_release(struct bx_verify *v)
{
    verify_parts_release(v);
    bx_diags_release(&v->diags);
    vbundle_free(v->internal);
    free(v->signer);
    memset(v, 0, sizeof(*v));
}

void bx_verify_opts_init(struct bx_verify_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->fail_on = BX_SEV_ERROR;
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

static int digest_sink(void *arg, const void *data, size_t len)
{
    return util_digests_update(arg, data, len);
}

/* Size and digests of entry 'i', streamed: nothing is held. */
static int digest_entry(struct bx_verify *v, struct vbundle *b, size_t i)
{
    struct ventry *e = &b->ents[i];
    struct util_digests d;
    int rc;

    e->len = (size_t)bxzip_reader_entry(b->reader, i)->size;
    rc = util_digests_begin(&d);
    if (rc != BX_OK) {
        return rc;
    }
    rc = bxzip_reader_stream(b->reader, i, digest_sink, &d, &v->diags);
    if (rc != BX_OK) {
        util_digests_release(&d);
        return rc;
    }
    return util_digests_end(&d, e->sha256, e->sm3);
}

static int digest_all(struct bx_verify *v, struct vbundle *b)
{
    size_t i;
    int rc;

    rc = bxzip_reader_open(b->zip, b->zip_len, NULL, v->result.path, &v->diags,
                           &b->reader);
    if (rc != BX_OK) {
        return rc;
    }
    b->count = bxzip_reader_count(b->reader);
    b->ents = calloc(b->count + 1, sizeof(*b->ents));
    if (b->ents == NULL) {
        b->count = 0;
        return BX_E_NOMEM;
    }
    for (i = 0; rc == BX_OK && i < b->count; i++) {
        b->ents[i].name = util_strdup(bxzip_reader_entry(b->reader, i)->name);
        rc = b->ents[i].name != NULL ? digest_entry(v, b, i) : BX_E_NOMEM;
    }
    return rc;
}

static long find_entry(const struct vbundle *b, const char *name)
{
    size_t i;

    for (i = 0; i < b->count; i++) {
        if (strcmp(b->ents[i].name, name) == 0) {
            return (long)i;
        }
    }
    return -1;
}

/*
 * The bytes of entry 'i' (caller frees), refusing entries over 'max'
 * (BX_E_LIMIT) before inflating anything.
 */
static int entry_bytes(struct bx_verify *v, struct vbundle *b, size_t i,
                       size_t max, unsigned char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    if (b->ents[i].len > max) {
        return BX_E_LIMIT;
    }
    return bxzip_reader_extract(b->reader, i, data, len, &v->diags);
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
    xmlSchemaPtr schema;
    struct mvalid mv;
    long m = find_entry(b, PACKAGE_MANIFEST);
    int intact;
    int verdict;
    int rc;

    if (m < 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-MANIFEST", NULL,
                "包中没有 manifest.xml", "no manifest.xml in the bundle");
        return BX_E_INVALID;
    }
    b->ents[m].listed = 1;
    if (entry_bytes(v, b, (size_t)m, MAX_MANIFEST, &b->mbytes, &b->mlen) !=
        BX_OK) {
        finding(v, BX_SEV_ERROR, "BUNDLE-MANIFEST", NULL,
                "manifest.xml 过大或无法读取",
                "manifest.xml is too large or unreadable");
        return BX_E_INVALID;
    }
    if (xmlio_parse(b->mbytes, b->mlen, v->result.path, &lim, &v->diags,
                    &b->manifest) != BX_OK) {
        v->intact = 0;
        return BX_E_INVALID;
    }
    /* our schema: compiled once, its compile errors are findings */
    rc = datafiles_schema(ctx, PACKAGE_MANIFEST_XSD, &v->diags, &schema);
    if (rc != BX_OK) {
        return rc;
    }
    mv.v = v;
    intact = v->intact;
    rc = schema_ctxt_validate(schema, b->manifest, on_manifest_error, &mv,
                              &v->diags, &verdict);
    if (rc != BX_OK) {
        v->intact = intact; /* out of memory: no verdict on the manifest */
        return rc;
    }
    if (verdict != 0) {
        v->intact = 0;
    }
    return v->intact ? BX_OK : BX_E_INVALID;
}

/*
 * The role a file's place gives it: a rendition moved to role "report"
 * would escape being rendered again, so place and role must agree.
 */
static void check_role(struct bx_verify *v, xmlNodePtr f)
{
    static const char *const places[][2] = {
        {"submissions/", "submission"},
        {"reports/", "report"},
        {"renditions/", "rendition"},
    };
    const char *path = attr(f, "path");
    size_t k;

    for (k = 0; k < sizeof(places) / sizeof(places[0]); k++) {
        if (strncmp(path, places[k][0], strlen(places[k][0])) == 0 &&
            strcmp(attr(f, "role"), places[k][1]) == 0) {
            return;
        }
    }
    finding(v, BX_SEV_ERROR, "BUNDLE-ROLE", path,
            "文件的位置与清单记录的角色不符（submissions/、reports/、"
            "renditions/）",
            "the file's place does not match its role in the manifest "
            "(submissions/, reports/, renditions/)");
}

/* One <file>: in its place, present, same size, same digests. */
static void check_file(struct bx_verify *v, struct vbundle *b, xmlNodePtr f)
{
    const char *path = attr(f, "path");
    long i = find_entry(b, path);
    char sha[65];
    char sm3[65];
    char size[32];

    check_role(v, f);
    if (i < 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-MISSING", path,
                "清单列出的文件不在包中",
                "listed in the manifest but missing from the bundle");
        return;
    }
    if (b->ents[i].listed) {
        finding(v, BX_SEV_ERROR, "BUNDLE-DUPLICATE", path, "清单重复列出该文件",
                "listed twice in the manifest");
        return;
    }
    b->ents[i].listed = 1;
    snprintf(size, sizeof(size), "%zu", b->ents[i].len);
    if (strcmp(size, attr(f, "size")) != 0) {
        finding(v, BX_SEV_ERROR, "BUNDLE-SIZE", path, "文件大小与清单不符",
                "size differs from the manifest");
    }
    memcpy(sha, b->ents[i].sha256, sizeof(sha));
    memcpy(sm3, b->ents[i].sm3, sizeof(sm3));
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
        if (!b->ents[i].listed) {
            finding(v, BX_SEV_ERROR, "BUNDLE-UNLISTED", b->ents[i].name,
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

/* ---- renditions, re-rendered ----------------------------------------- */

/* A finding about rendition 'path' of submission 'sub' (both escaped). */
static void rendition_finding(struct bx_verify *v, const char *path,
                              const char *sub, const char *zh, const char *en)
{
    char *safe = util_escape_untrusted(sub, strlen(sub), 200);
    struct bx_buf z;
    struct bx_buf e;

    buf_init(&z);
    buf_init(&e);
    buf_printf(&z, zh, safe != NULL ? safe : "");
    buf_printf(&e, en, safe != NULL ? safe : "");
    finding(v, BX_SEV_ERROR, "BUNDLE-RENDITION", path, z.failed ? "" : z.data,
            e.failed ? "" : e.data);
    buf_release(&z);
    buf_release(&e);
    free(safe);
}

/* Does <file> 'f' name a rendition of submission 'id' in 'format'? */
static int is_rendition_of(xmlNodePtr f, const char *id, const char *format)
{
    return is_m(f, "file") && strcmp(attr(f, "role"), "rendition") == 0 &&
           strcmp(attr(f, "submission"), id) == 0 &&
           (format == NULL || strcmp(attr(f, "format"), format) == 0);
}

/* Where the bundle puts produced file 'k' of 'out'.  Caller frees. */
static char *rendition_path(const char *stem, const char *format,
                            const struct bx_output *out, size_t k)
{
    struct bx_buf p;

    buf_init(&p);
    if (out->directory) {
        buf_printf(&p, "renditions/%s/%s/%s", stem, format, out->files[k].name);
    } else {
        buf_printf(&p, "renditions/%s/%s", stem, out->files[k].name);
    }
    return buf_take(&p, NULL);
}

/* Is 'path' one of the files of 'out'?  Non-zero when it is. */
static int produced(const char *stem, const char *format,
                    const struct bx_output *out, const char *path)
{
    char *p;
    size_t k;
    int hit = 0;

    for (k = 0; !hit && k < out->count; k++) {
        p = rendition_path(stem, format, out, k);
        hit = p != NULL && strcmp(p, path) == 0;
        free(p);
    }
    return hit;
}

/* What one comparison of a rendition is about. */
struct rend {
    struct bx_verify *v;
    struct vbundle *b;
    const char *id;     /* submission id in the manifest */
    const char *sub;    /* its path */
    const char *stem;   /* of its entries */
    const char *format; /* html, csv, json, platform */
};

/*
 * Compare the bundle's rendition in r->format with 'out', what the
 * submission renders to today.  Every file produced must be in the bundle
 * and listed as that rendition, with the same bytes (same size and
 * SHA-256 as streamed from the entry); every file listed as that
 * rendition must be one produced.  Returns the number of differences,
 * reported as findings when 'report'.
 */
static size_t compare_rendition(const struct rend *r,
                                const struct bx_output *out, int report)
{
    xmlNodePtr f;
    char sha[65];
    char *path;
    size_t bad = 0;
    size_t k;
    long i;

    for (k = 0; k < out->count; k++) {
        path = rendition_path(r->stem, r->format, out, k);
        i = path != NULL ? find_entry(r->b, path) : -1;
        util_digest_hex("sha256", out->files[k].data, out->files[k].len, sha,
                        sizeof(sha));
        if (i < 0 || r->b->ents[i].len != out->files[k].len ||
            strcmp(r->b->ents[i].sha256, sha) != 0) {
            bad++;
            if (report) {
                rendition_finding(r->v, path != NULL ? path : "", r->sub,
                                  i < 0 ? "不在包中，但它属于提交文件 '%s' "
                                          "的呈现"
                                        : "与提交文件 '%s' 重新生成的呈现"
                                          "不一致",
                                  i < 0 ? "missing, but part of the "
                                          "rendition of submission '%s'"
                                        : "does not match the rendition of "
                                          "submission '%s'");
            }
        }
        free(path);
    }
    f = xmlDocGetRootElement(r->b->manifest)->children;
    for (; f != NULL; f = f->next) {
        if (is_rendition_of(f, r->id, r->format) &&
            !produced(r->stem, r->format, out, attr(f, "path"))) {
            bad++;
            if (report) {
                rendition_finding(r->v, attr(f, "path"), r->sub,
                                  "不属于提交文件 '%s' 的呈现",
                                  "not part of the rendition of submission "
                                  "'%s'");
            }
        }
    }
    return bad;
}

/* Render 'sub' as r->format in 'lang' into 'out'. */
static int render(struct bx_context *ctx, const struct rend *r,
                  struct bx_submission *sub, enum bx_lang lang,
                  struct bx_output *out)
{
    struct bx_transform_opts t;
    struct bx_diags diags;
    int rc;

    bx_transform_opts_init(&t);
    t.lang = lang;
    bx_output_init(out);
    bx_diags_init(&diags);
    rc = bx_transform(ctx, sub, r->format, &t, &diags, out);
    bx_diags_release(&diags);
    return rc;
}

/*
 * Render the submission as r->format in each language the manifest
 * allows ('langs', the recorded one first) and compare; when none
 * matches, the differences from the first are findings.  Returns BX_OK,
 * or the status of a rendering that could not be made for want of memory
 * or data files.
 */
static int check_format(struct bx_context *ctx, const struct rend *r,
                        struct bx_submission *sub, const enum bx_lang *langs,
                        size_t nlangs)
{
    struct bx_output out;
    size_t l;
    size_t bad = 1;
    int rc = BX_OK;

    for (l = 0; rc == BX_OK && bad > 0 && l < nlangs; l++) {
        rc = render(ctx, r, sub, langs[l], &out);
        bad = rc == BX_OK ? compare_rendition(r, &out, 0) : bad;
        bx_output_release(&out);
    }
    if (rc == BX_OK && bad > 0) {
        rc = render(ctx, r, sub, langs[0], &out);
        if (rc == BX_OK) {
            compare_rendition(r, &out, 1);
        }
        bx_output_release(&out);
    }
    if (rc == BX_E_NOMEM || rc == BX_E_DATA || rc == BX_E_INTERNAL) {
        return rc;
    }
    if (rc != BX_OK) {
        rendition_finding(r->v, NULL, r->sub,
                          "无法重新生成提交文件 '%s' 的呈现",
                          "cannot re-render submission '%s'");
    }
    return BX_OK;
}

/* The languages renditions may have been made in: the one recorded, or
 * (bundles from before it was recorded) either. */
static size_t rendition_langs(xmlNodePtr s, enum bx_lang *langs)
{
    xmlNodePtr ro = child_elem(s, "renditionOptions");

    if (ro != NULL && strcmp(attr(ro, "lang"), "en") == 0) {
        langs[0] = BX_LANG_EN;
        return 1;
    }
    langs[0] = BX_LANG_ZH;
    langs[1] = BX_LANG_EN;
    return ro != NULL ? 1 : 2;
}

/*
 * Renditions are deterministic: re-render every format the manifest
 * lists for submission 's' and compare byte for byte.  A rendition
 * whose digests were recomputed after an edit is caught here.
 */
static int check_renditions(struct bx_context *ctx, struct bx_verify *v,
                            struct vbundle *b, xmlNodePtr s,
                            struct bx_submission *sub)
{
    const char *done[8];
    size_t ndone = 0;
    enum bx_lang langs[2];
    size_t nlangs = rendition_langs(s, langs);
    struct rend r = {v, b, attr(s, "id"), attr(s, "path"), NULL, NULL};
    const struct bx_format_info *fi;
    char *stem = package_safe_stem(r.sub);
    xmlNodePtr f;
    size_t k;
    int rc = stem != NULL ? BX_OK : BX_E_NOMEM;

    r.stem = stem;
    f = xmlDocGetRootElement(b->manifest)->children;
    for (; rc == BX_OK && f != NULL; f = f->next) {
        if (!is_rendition_of(f, r.id, NULL)) {
            continue;
        }
        r.format = attr(f, "format");
        for (k = 0; k < ndone && strcmp(done[k], r.format) != 0; k++) {
        }
        if (k < ndone) {
            continue; /* that format is compared already */
        }
        fi = bx_transform_format(r.format);
        if (fi == NULL || !fi->can_export || ndone == 8 || sub == NULL) {
            rendition_finding(v, attr(f, "path"), r.sub,
                              "无法按提交文件 '%s' 核对该呈现（格式未知或"
                              "提交文件无法读取）",
                              "cannot be checked against submission '%s' "
                              "(unknown format, or the submission is "
                              "unreadable)");
            continue;
        }
        done[ndone++] = r.format;
        rc = check_format(ctx, &r, sub, langs, nlangs);
    }
    free(stem);
    return rc;
}

/* ---- submissions, re-validated ---------------------------------------- */

/*
 * Re-validate submission 's' and re-render its renditions.  Returns
 * BX_OK, or the status of a check that could not be made.
 */
static int check_submission(struct bx_context *ctx, struct bx_verify *v,
                            struct vbundle *b, xmlNodePtr s, size_t i,
                            enum bx_severity fail_on, struct bx_check *chk)
{
    unsigned char *data = NULL;
    struct bx_buf name;
    size_t len = 0;
    int rc;

    buf_init(&name);
    if (buf_printf(&name, "%s:%s", v->result.path, b->ents[i].name) != BX_OK) {
        return BX_E_NOMEM;
    }
    rc = entry_bytes(v, b, i, ctx->opts.limits.max_bytes, &data, &len);
    if (rc == BX_E_LIMIT) {
        finding(v, BX_SEV_ERROR, "BUNDLE-LIMIT", b->ents[i].name,
                "提交文件超过大小上限", "submission exceeds the size limit");
        v->accepted = 0;
        rc = BX_OK;
    } else if (rc == BX_OK) {
        rc = bx_check_memory(ctx, data, len, name.data, chk);
        merge_findings(v, chk);
        if (bx_status_exit_code(rc) != BX_EXIT_INTERNAL) {
            compare_verdict(v, s, chk, fail_on);
            rc = check_renditions(ctx, v, b, s, chk->sub);
        }
        bx_check_drop_document(chk); /* kept for the report (verify_parts) */
    }
    free(data);
    buf_release(&name);
    return rc;
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
    struct bx_check *chk;
    xmlNodePtr s;
    size_t n = 0;
    long i;
    int rc;

    for (s = root->children; s != NULL; s = s->next) {
        n += is_m(s, "submission");
    }
    if (verify_parts_begin(v, n) != BX_OK) {
        return BX_E_NOMEM;
    }
    for (s = root->children; s != NULL; s = s->next) {
        if (!is_m(s, "submission")) {
            continue;
        }
        v->nsubmissions++;
        /* kept for the report: path, digest, verdict, counts */
        chk = verify_parts_next(v, n, attr(s, "path"));
        if (chk == NULL) {
            return BX_E_NOMEM;
        }
        i = find_entry(b, attr(s, "path"));
        if (i < 0) {
            v->accepted = 0;
            finding(v, BX_SEV_ERROR, "BUNDLE-SUBMISSION", attr(s, "path"),
                    "清单中的提交文件不在包中",
                    "the manifest names this submission, but it is not in "
                    "the bundle");
            continue;
        }
        rc = check_submission(ctx, v, b, s, (size_t)i, fail_on, chk);
        if (bx_status_exit_code(rc) == BX_EXIT_INTERNAL) {
            return rc;
        }
    }
    if (v->nsubmissions == 0) {
        v->accepted = 0;
    }
    verify_parts_finish(v);
    return BX_OK;
}

/* ---- the signature ----------------------------------------------------- */

/*
 * Check manifest.sig (docs/bundle.md): required when trust anchors are
 * given.  Returns BX_OK, or BX_E_IO when an anchor is unreadable.
 */
static int check_signature(struct bx_verify *v, struct vbundle *b,
                           const struct bx_verify_opts *o)
{
    struct sign_info info;
    unsigned char *sig = NULL;
    size_t len = 0;
    long i = find_entry(b, SIGN_ENTRY);
    int rc;

    if (i < 0) {
        if (o->ntrust > 0) {
            finding(v, BX_SEV_ERROR, "BUNDLE-UNSIGNED", NULL,
                    "提交包没有签名（manifest.sig），但要求了信任的签名者",
                    "the bundle is not signed (no manifest.sig), but a "
                    "trusted signer is required (--trust)");
        }
        return BX_OK;
    }
    b->ents[i].listed = 1; /* it signs the manifest: not listed in it */
    rc = entry_bytes(v, b, (size_t)i, MAX_SIGNATURE, &sig, &len);
    if (rc != BX_OK) {
        finding(v, BX_SEV_ERROR, "BUNDLE-SIGNATURE", SIGN_ENTRY,
                "签名过大或无法读取", "too large or unreadable");
        v->signature = -1;
        return BX_OK;
    }
    rc = sign_check(b->mbytes, b->mlen, sig, len, o->trust, o->ntrust,
                    v->result.path, &v->diags, &info);
    free(sig);
    v->signature = info.status;
    v->signer = info.signer;
    if (info.status < 0) {
        v->intact = 0;
    }
    return rc;
}

/* ---- the whole check --------------------------------------------------- */

/* Read the bundle and stream its entries; BX_OK or why not. */
static int read_bundle(struct bx_verify *v, struct vbundle *b, const char *path)
{
    int rc = util_read_file(path, PACKAGE_MAX_BUNDLE, &b->zip, &b->zip_len);

    if (rc != BX_OK) {
        bx_diags_addf(
            &v->diags, BX_SEV_FATAL, rc == BX_E_LIMIT ? "IO-LIMIT" : "IO-READ",
            path, 0, rc == BX_E_LIMIT ? "提交包超过大小上限" : "无法读取提交包",
            rc == BX_E_LIMIT ? "bundle exceeds the size limit"
                             : "cannot read the bundle");
        return rc;
    }
    util_digest_hex("sha256", b->zip, b->zip_len, v->sha256, sizeof(v->sha256));
    v->result.sha256 = v->sha256;
    return digest_all(v, b);
}

/* Stop with status 'rc': no verdict. */
static int stop(struct bx_verify *v, int rc)
{
    v->intact = v->accepted = 0;
    v->result.status = v->status = rc;
    return rc;
}

int bx_bundle_verify_with(struct bx_context *ctx, const char *path,
                          const struct bx_verify_opts *o, struct bx_verify *v)
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
    rc = read_bundle(v, b, path);
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
    if (rc == BX_OK) {
        rc = check_signature(v, b, o);
    }
    if (rc != BX_OK) {
        return stop(v, rc);
    }
    check_listing(v, b);
    rc = revalidate(ctx, v, b, o->fail_on);
    if (rc != BX_OK) {
        return stop(v, rc);
    }
    v->result.schema_valid = v->intact && v->accepted ? 1 : 0;
    v->result.status = v->status = BX_OK;
    return BX_OK;
}

int bx_bundle_verify(struct bx_context *ctx, const char *path,
                     enum bx_severity fail_on, struct bx_verify *v)
{
    struct bx_verify_opts o;

    bx_verify_opts_init(&o);
    o.fail_on = fail_on;
    return bx_bundle_verify_with(ctx, path, &o, v);
}

/* ---- unpacking ----------------------------------------------------- */

/* An extraction problem: a finding that leaves integrity and verdict be. */
static int unpack_error(struct bx_verify *v, int rc, const char *code,
                        const char *subject, const char *zh, const char *en)
{
    char *safe = subject != NULL
                     ? util_escape_untrusted(subject, strlen(subject), 200)
                     : NULL;
    struct bx_buf z;
    struct bx_buf e;
    int saved = errno;

    buf_init(&z);
    buf_init(&e);
    buf_printf(&z, "'%s'：%s", safe != NULL ? safe : "", zh);
    buf_printf(&e, "'%s': %s", safe != NULL ? safe : "", en);
    if (rc == BX_E_IO && saved != 0) {
        buf_printf(&e, " (%s)", strerror(saved));
    }
    bx_diags_addf(&v->diags, BX_SEV_FATAL, code, v->result.path, 0,
                  z.failed ? zh : z.data, e.failed ? en : e.data);
    buf_release(&z);
    buf_release(&e);
    free(safe);
    return rc;
}

static int fd_sink(void *arg, const void *buf, size_t len)
{
    const unsigned char *data = buf;
    int fd = *(int *)arg;
    ssize_t n;

    while (len > 0) {
        n = write(fd, data, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return BX_E_IO;
        }
        data += n;
        len -= (size_t)n;
    }
    return BX_OK;
}

/* Open (making it) directory 'name' below 'dir' without following links. */
static int open_subdir(int dir, const char *name)
{
    if (mkdirat(dir, name, 0777) != 0 && errno != EEXIST) {
        return -1;
    }
    return openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* Stream entry 'i' to 'rel' below the fresh directory 'root'. */
static int write_below(int root, const char *rel, struct bxzip_reader *r,
                       size_t i)
{
    char path[1100];
    char *comp;
    char *slash;
    int dir = dup(root);
    int next;
    int fd = -1;
    int rc = BX_E_IO;

    if (dir < 0 || strlen(rel) >= sizeof(path)) {
        goto out;
    }
    strcpy(path, rel);
    comp = path;
    while ((slash = strchr(comp, '/')) != NULL) {
        *slash = '\0';
        next = open_subdir(dir, comp);
        if (next < 0) {
            goto out;
        }
        close(dir);
        dir = next;
        comp = slash + 1;
    }
    fd = openat(dir, comp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0666);
    if (fd < 0) {
        goto out;
    }
    rc = bxzip_reader_stream(r, i, fd_sink, &fd, NULL);
    if (rc == BX_OK && fsync(fd) != 0) {
        rc = BX_E_IO;
    }
    if (close(fd) != 0 && rc == BX_OK) {
        rc = BX_E_IO;
    }
    fd = -1;
out:
    if (fd >= 0) {
        close(fd);
    }
    if (dir >= 0) {
        close(dir);
    }
    return rc;
}

/*
 * What is at 'dir' now: 0 nothing (or an empty directory), 1 a directory
 * holding an unpacked bundle (replaceable with --force), -1 a directory
 * not to touch, -2 not a directory (both reported).
 */
static int target_state(struct bx_verify *v, const char *dir, int force)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int n = 0;
    int bundle = 0;

    if (lstat(dir, &st) != 0) {
        return 0;
    }
    if (!S_ISDIR(st.st_mode)) {
        unpack_error(v, -1, "UNPACK-DIR", dir, "目标存在且不是目录",
                     "the target exists and is not a directory");
        return -2;
    }
    d = opendir(dir);
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            n++;
            bundle = bundle || strcmp(e->d_name, PACKAGE_MANIFEST) == 0;
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    if (n == 0) {
        return 0;
    }
    if (force && bundle) {
        return 1;
    }
    return unpack_error(v, -1, "UNPACK-EXISTS", dir,
                        force ? "目标目录非空且不是解包的提交包，不予替换"
                              : "目标目录已存在且非空（--force 可替换已解包"
                                "的提交包）",
                        force ? "the target directory is not empty and holds "
                                "no unpacked bundle: not replaced"
                              : "the target directory exists and is not "
                                "empty (--force replaces an unpacked "
                                "bundle)");
}

/* Write every entry into the new directory 'tmp'. */
static int unpack_into(struct bx_verify *v, struct vbundle *b, const char *tmp)
{
    int root = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    size_t i;
    int rc = root >= 0 ? BX_OK : BX_E_IO;

    for (i = 0; rc == BX_OK && i < b->count; i++) {
        rc = write_below(root, b->ents[i].name, b->reader, i);
        if (rc != BX_OK) {
            unpack_error(
                v, rc, "UNPACK-WRITE", b->ents[i].name,
                "无法写入目标目录（只读、空间不足或超过文件大小上限？）",
                "cannot write into the target directory (read-only, "
                "full, or over the file size limit?)");
        }
    }
    if (root >= 0) {
        close(root);
    }
    return rc;
}

/* Put the finished 'tmp' at 'dir': rename, or exchange with a bundle. */
static int put_in_place(struct bx_verify *v, const char *tmp, const char *dir,
                        int replace)
{
    if (!replace && rename(tmp, dir) == 0) {
        return BX_OK;
    }
    if (replace && util_rename_exchange(tmp, dir) == 0) {
        util_remove_tree(tmp); /* the old bundle */
        return BX_OK;
    }
    if (replace && (errno == ENOSYS || errno == EINVAL)) {
        /* no exchanging rename here: the old tree goes first */
        if (util_remove_tree(dir) == 0 && rename(tmp, dir) == 0) {
            return BX_OK;
        }
    }
    return unpack_error(v, BX_E_IO, "UNPACK-DIR", dir,
                        "无法把解出的文件移到目标位置",
                        "cannot move the extracted files into place");
}

/* Extract into 'dir' (no trailing '/'), all or nothing. */
static int unpack_to(struct bx_verify *v, struct vbundle *b, const char *dir,
                     int force)
{
    int state = target_state(v, dir, force);
    char *tmp;
    int rc;

    if (state < 0) {
        return state == -2 ? BX_E_IO : BX_E_EXISTS;
    }
    util_clean_stale(dir);
    tmp = util_tmp_template(dir);
    if (tmp == NULL) {
        return BX_E_NOMEM;
    }
    if (mkdtemp(tmp) == NULL || chmod(tmp, 0777 & ~util_umask()) != 0) {
        rc = unpack_error(v, BX_E_IO, "UNPACK-DIR", dir,
                          "无法在目标旁创建临时目录",
                          "cannot create a temporary directory next to the "
                          "target");
        rmdir(tmp);
        free(tmp);
        return rc;
    }
    rc = unpack_into(v, b, tmp);
    if (rc == BX_OK) {
        rc = put_in_place(v, tmp, dir, state == 1);
    }
    if (rc != BX_OK) {
        util_remove_tree(tmp); /* all or nothing */
    }
    free(tmp);
    return rc;
}

int bx_bundle_unpack(struct bx_verify *v, const char *dir, int force)
{
    struct vbundle *b = v->internal;
    char *trimmed;
    size_t n;
    int rc;

    if (b == NULL || v->status != BX_OK || !v->intact) {
        return BX_E_STATE;
    }
    /* "out/" names the directory "out": the temporary directory goes
     * next to it, not inside */
    trimmed = util_strdup(dir);
    if (trimmed == NULL) {
        return v->extract_status = BX_E_NOMEM;
    }
    n = strlen(trimmed);
    while (n > 1 && trimmed[n - 1] == '/') {
        trimmed[--n] = '\0';
    }
    rc = unpack_to(v, b, trimmed, force);
    free(trimmed);
    return v->extract_status = rc;
}
