/*
 * Loading a submission: read the bytes under the size cap, gunzip when
 * needed, hash, and parse safely.  Schema and rule checks live elsewhere.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "internal.h"
#include "sniff.h"
#include "util.h"
#include "xmlio.h"

void bx_submission_free(struct bx_submission *sub)
{
    if (sub == NULL) {
        return;
    }
    xmlio_free_shared(sub->doc);
    free(sub->bytes);
    free(sub->path);
    free(sub);
}

static int read_failed(struct bx_diags *diags, const char *path, int rc,
                       int err)
{
    struct bx_buf zh;
    struct bx_buf en;

    buf_init(&zh);
    buf_init(&en);
    if (rc == BX_E_LIMIT) {
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-LIMIT", path, 0,
                      "文件超过大小上限", "file exceeds the size limit");
    } else if (rc == BX_E_NOMEM) {
        xmlio_out_of_memory(diags, path);
    } else {
        buf_printf(&zh, "无法读取文件：%s", bx_strerror(err, BX_LANG_ZH));
        buf_printf(&en, "cannot read file: %s", strerror(err));
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-READ", path, 0, zh.data,
                      en.data);
    }
    buf_release(&zh);
    buf_release(&en);
    return rc;
}

/* Takes ownership of 'bytes'. */
static int load_bytes(struct bx_context *ctx, unsigned char *bytes, size_t len,
                      const char *name, struct bx_diags *diags,
                      struct bx_submission **out)
{
    struct bx_submission *sub = NULL;
    unsigned long nomem = xmlio_nomem_count();
    int rc = BX_E_NOMEM;

    sub = calloc(1, sizeof(*sub));
    if (sub == NULL) {
        free(bytes);
        goto out;
    }
    sub->bytes = bytes;
    sub->len = len;
    sub->schema_valid = -1;
    sub->path = util_strdup(name);
    if (sub->path == NULL) {
        goto out;
    }
    rc = xmlio_gunzip(&sub->bytes, &sub->len, ctx->opts.limits.max_bytes, name,
                      diags);
    if (rc == BX_E_LIMIT) {
        read_failed(diags, name, rc, 0);
        goto out;
    }
    if (rc != BX_OK) {
        goto out;
    }
    rc = util_digest_hex("sha256", sub->bytes, sub->len, sub->sha256,
                         sizeof(sub->sha256));
    if (rc != BX_OK) {
        goto out;
    }
    rc = sniff_refuse(sub->bytes, sub->len, name, diags);
    if (rc == BX_OK) {
        rc = xmlio_parse_shared(sub->bytes, sub->len, name, &ctx->opts.limits,
                                diags, &sub->doc);
    }
    if (rc != BX_OK) {
        goto out;
    }
    *out = sub;
    sub = NULL;
out:
    bx_submission_free(sub);
    /* libxml2 turns a failed allocation into a parse error: not a verdict */
    if (xmlio_nomem_count() != nomem && *out != NULL) {
        bx_submission_free(*out);
        *out = NULL;
        rc = BX_E_NOMEM;
    }
    if (xmlio_nomem_count() != nomem || rc == BX_E_NOMEM) {
        rc = BX_E_NOMEM;
        xmlio_out_of_memory(diags, name);
    }
    return rc;
}

int bx_submission_load(struct bx_context *ctx, const char *path,
                       struct bx_diags *diags, struct bx_submission **out)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    int rc;

    *out = NULL;
    rc = util_read_file(path, ctx->opts.limits.max_bytes, &bytes, &len);
    if (rc != BX_OK) {
        return read_failed(diags, name, rc, errno);
    }
    return load_bytes(ctx, bytes, len, name, diags, out);
}

int bx_submission_load_memory(struct bx_context *ctx, const void *buf,
                              size_t len, const char *name,
                              struct bx_diags *diags,
                              struct bx_submission **out)
{
    unsigned char *copy;

    *out = NULL;
    if (len > ctx->opts.limits.max_bytes) {
        return read_failed(diags, name, BX_E_LIMIT, 0);
    }
    copy = malloc(len + 1);
    if (copy == NULL) {
        return read_failed(diags, name, BX_E_NOMEM, 0);
    }
    memcpy(copy, buf, len);
    copy[len] = '\0';
    return load_bytes(ctx, copy, len, name, diags, out);
}

const char *bx_submission_path(const struct bx_submission *sub)
{
    return sub->path;
}

const char *bx_submission_sha256(const struct bx_submission *sub)
{
    return sub->sha256;
}

const unsigned char *bx_submission_bytes(const struct bx_submission *sub,
                                         size_t *len)
{
    *len = sub->bytes != NULL ? sub->len : 0;
    return sub->bytes;
}

void bx_submission_drop_bytes(struct bx_submission *sub)
{
    if (sub != NULL) {
        free(sub->bytes);
        sub->bytes = NULL;
    }
}

int bx_submission_schema_valid(const struct bx_submission *sub)
{
    return sub->schema_valid;
}

/* Child element of 'parent' named 'name' in our namespace, or NULL. */
static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
    xmlNodePtr c;

    for (c = parent ? parent->children : NULL; c != NULL; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && c->ns != NULL &&
            xmlStrEqual(c->ns->href, BAD_CAST BX_NAMESPACE) &&
            xmlStrEqual(c->name, BAD_CAST name)) {
            return c;
        }
    }
    return NULL;
}

const char *bx_submission_meta(const struct bx_submission *sub,
                               const char *field)
{
    xmlNodePtr meta;
    xmlNodePtr node;
    const char *attr = NULL;
    xmlAttrPtr a;

    if (sub == NULL || sub->doc == NULL) {
        return "";
    }
    meta = child(xmlDocGetRootElement(sub->doc), "metadata");
    if (strcmp(field, "department.code") == 0) {
        node = child(meta, "department");
        attr = "code";
    } else if (strcmp(field, "department.name") == 0) {
        node = child(meta, "department");
        attr = "name";
    } else {
        node = child(meta, field);
    }
    if (node == NULL) {
        return "";
    }
    if (attr != NULL) {
        a = xmlHasProp(node, BAD_CAST attr);
        if (a == NULL || a->children == NULL || a->children->content == NULL) {
            return "";
        }
        return (const char *)a->children->content;
    }
    if (node->children == NULL || node->children->type != XML_TEXT_NODE ||
        node->children->content == NULL) {
        return "";
    }
    return (const char *)node->children->content;
}
