/*
 * Loading a submission: read the bytes under the size cap, gunzip when
 * needed, hash, and parse safely.  Schema and rule checks live elsewhere.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
/* the low-level SHA-256 as in util.c's sha256_hex(): no EVP provider
 * set-up (5.3 Mi) for a one-document validate */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#if defined(OPENSSL_NO_DEPRECATED_3_0) || OPENSSL_VERSION_MAJOR >= 4
#define BX_SHA256_EVP 1
#endif

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

static int read_failed(const struct bx_context *ctx, struct bx_diags *diags,
                       const char *path, int rc, int err)
{
    struct bx_buf zh;
    struct bx_buf en;

    buf_init(&zh);
    buf_init(&en);
    if (rc == BX_E_LIMIT) {
        /* the limit itself: a clerk can tell a runaway file from a
         * limit set too low for a large department */
        buf_printf(&zh, "文件超过大小上限 %llu 字节（gzip 文件按解压后计）",
                   (unsigned long long)ctx->opts.limits.max_bytes);
        buf_printf(&en,
                   "file exceeds the size limit of %llu bytes (gzip: "
                   "after decompression)",
                   (unsigned long long)ctx->opts.limits.max_bytes);
        bx_diags_addf(diags, BX_SEV_FATAL, "IO-LIMIT", path, 0, zh.data,
                      en.data);
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
        read_failed(ctx, diags, name, rc, 0);
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

/*
 * A regular file parsed as it is read (bx_context_read_as_parsed()): the
 * checks load_bytes() makes on the whole buffer before the parse (size
 * cap, SHA-256, NUL characters) are made on each piece as libxml2 asks
 * for it, and after the parse on the rest of the file, so that a refusal
 * is the same whatever the parser saw.  The first bytes (what
 * sniff_refuse() looks at) are read before the parse.
 */
struct file_reader {
    int fd;
    unsigned char head[4096];
    size_t head_len;
    size_t head_off;
    size_t total; /* bytes handed out so far */
    size_t max;   /* the size cap */
#ifdef BX_SHA256_EVP
    EVP_MD_CTX *sha;
#else
    SHA256_CTX sha;
#endif
    int wide;     /* UTF-16 (see nul_offset() in xmlio.c): NUL is 00 00 */
    int low_zero; /* wide: the byte before, at an even offset, was 0 */
    int nul;      /* a NUL character was seen */
    int over;     /* more than 'max' bytes */
    int err;      /* errno of a failed read; -1: the digest failed */
};

/* Account for 'n' bytes read; non-zero when the input is refused. */
static int reader_account(struct file_reader *r, const unsigned char *p,
                          size_t n)
{
    size_t i;

#ifdef BX_SHA256_EVP
    if (EVP_DigestUpdate(r->sha, p, n) != 1) {
#else
    if (SHA256_Update(&r->sha, p, n) != 1) {
#endif
        r->err = -1;
        return 1;
    }
    if (!r->wide) {
        r->nul = r->nul || memchr(p, 0, n) != NULL;
    } else {
        for (i = 0; i < n && !r->nul; i++) {
            if (((r->total + i) & 1) == 0) {
                r->low_zero = p[i] == 0;
            } else if (r->low_zero && p[i] == 0) {
                r->nul = 1;
            }
        }
    }
    r->total += n;
    r->over = r->total > r->max;
    return r->nul || r->over;
}

/* xmlio_read_fn over the head, then the file; ends early on a refusal */
static int reader_read(void *user, char *out, int len)
{
    struct file_reader *r = user;
    size_t want = len > 0 ? (size_t)len : 0;
    ssize_t got;

    if (r->err != 0) {
        return -1;
    }
    if (r->nul || r->over) {
        return 0;
    }
    if (r->head_off < r->head_len) {
        got = (ssize_t)(r->head_len - r->head_off < want
                            ? r->head_len - r->head_off
                            : want);
        memcpy(out, r->head + r->head_off, (size_t)got);
        r->head_off += (size_t)got;
    } else {
        do {
            got = read(r->fd, out, want);
        } while (got < 0 && errno == EINTR);
        if (got < 0) {
            r->err = errno != 0 ? errno : EIO;
            return -1;
        }
    }
    if (got > 0 && reader_account(r, (const unsigned char *)out, (size_t)got)) {
        return r->err != 0 ? -1 : 0;
    }
    return (int)got;
}

/* The head of the file: up to sizeof(r->head) bytes.  0 or an errno. */
static int reader_head(struct file_reader *r)
{
    ssize_t got;

    while (r->head_len < sizeof(r->head)) {
        got = read(r->fd, r->head + r->head_len, sizeof(r->head) - r->head_len);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return errno != 0 ? errno : EIO;
        }
        if (got == 0) {
            break;
        }
        r->head_len += (size_t)got;
    }
    r->wide = r->head_len >= 2 &&
              ((r->head[0] == 0xfe && r->head[1] == 0xff) ||
               (r->head[0] == 0xff && r->head[1] == 0xfe) ||
               (r->head[0] == 0) != (r->head[1] == 0));
    return 0;
}

/* Hex SHA-256 of everything read into 'sub'.  BX_OK or BX_E_INTERNAL. */
static int reader_digest(struct file_reader *r, struct bx_submission *sub)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = SHA256_DIGEST_LENGTH;
    unsigned int i;

#ifdef BX_SHA256_EVP
    if (EVP_DigestFinal_ex(r->sha, md, &n) != 1 || n != 32) {
        return BX_E_INTERNAL;
    }
#else
    if (SHA256_Final(md, &r->sha) != 1) {
        return BX_E_INTERNAL;
    }
#endif
    for (i = 0; i < n; i++) {
        sub->sha256[2 * i] = hex[md[i] >> 4];
        sub->sha256[2 * i + 1] = hex[md[i] & 15];
    }
    sub->sha256[2 * n] = '\0';
    return BX_OK;
}

/*
 * The parse of load_streamed(): its findings are kept aside and given to
 * 'diags' only when the whole file was read and accepted; otherwise the
 * refusal load_bytes() would have made instead.
 */
static int parse_streamed(struct bx_context *ctx, struct file_reader *r,
                          const char *name, struct bx_diags *diags,
                          struct bx_submission *sub)
{
    struct bx_diags found;
    char rest[16384];
    size_t i;
    int rc;

    bx_diags_init(&found);
    rc = xmlio_parse_reader(reader_read, r, name, &ctx->opts.limits, &found,
                            &sub->doc);
    while (reader_read(r, rest, (int)sizeof(rest)) > 0) {
        /* the rest of the file: its digest, its NULs, its size */
    }
    if (r->err != 0 || r->over || r->nul) {
        xmlio_free_shared(sub->doc);
        sub->doc = NULL;
        if (r->err > 0) {
            rc = read_failed(ctx, diags, name, BX_E_IO, r->err);
        } else if (r->err < 0) {
            rc = BX_E_INTERNAL;
        } else if (r->over) {
            rc = read_failed(ctx, diags, name, BX_E_LIMIT, 0);
        } else {
            rc = xmlio_refuse_nul(diags, name);
        }
    } else {
        for (i = 0; i < found.count; i++) {
            if (bx_diags_add(diags, &found.items[i]) != BX_OK) {
                rc = BX_E_NOMEM;
            }
        }
    }
    bx_diags_release(&found);
    if (rc == BX_OK) {
        rc = reader_digest(r, sub);
    }
    return rc;
}

/*
 * load_bytes() of a regular file, read as it is parsed.  Returns
 * NOT_STREAMED when 'path' is not such a file (or is gzip data): the caller
 * reads it whole.
 */
#define NOT_STREAMED (-1000)

static int load_streamed(struct bx_context *ctx, const char *path,
                         const char *name, struct bx_diags *diags,
                         struct bx_submission **out)
{
    struct file_reader *r = NULL;
    struct bx_submission *sub = NULL;
    struct stat st;
    unsigned long nomem = xmlio_nomem_count();
    int fd;
    int rc = BX_E_NOMEM;

    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        return NOT_STREAMED; /* said by the whole read */
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
        (uint64_t)st.st_size > INT32_MAX) {
        close(fd);
        return NOT_STREAMED;
    }
    if ((uint64_t)st.st_size > ctx->opts.limits.max_bytes) {
        close(fd);
        return read_failed(ctx, diags, name, BX_E_LIMIT, 0);
    }
    r = calloc(1, sizeof(*r));
    if (r == NULL) {
        close(fd);
        return read_failed(ctx, diags, name, BX_E_NOMEM, 0);
    }
    r->fd = fd;
    r->max = ctx->opts.limits.max_bytes;
    rc = reader_head(r);
    if (rc != 0) {
        rc = read_failed(ctx, diags, name, BX_E_IO, rc);
        goto out;
    }
    if (r->head_len >= 2 && r->head[0] == 0x1f && r->head[1] == 0x8b) {
        rc = NOT_STREAMED; /* gzip: inflated whole, under the cap */
        goto out;
    }
    rc = BX_E_NOMEM;
    sub = calloc(1, sizeof(*sub));
    if (sub == NULL) {
        goto out;
    }
    sub->schema_valid = -1;
    sub->path = util_strdup(name);
    if (sub->path == NULL) {
        goto out;
    }
#ifdef BX_SHA256_EVP
    r->sha = EVP_MD_CTX_new();
    if (r->sha == NULL) {
        goto out;
    }
    if (EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL) != 1) {
#else
    if (SHA256_Init(&r->sha) != 1) {
#endif
        rc = BX_E_INTERNAL;
        goto out;
    }
    rc = sniff_refuse(r->head, r->head_len, name, diags);
    if (rc == BX_OK) {
        rc = parse_streamed(ctx, r, name, diags, sub);
    }
    if (rc == BX_OK) {
        *out = sub;
        sub = NULL;
    }
out:
    bx_submission_free(sub);
#ifdef BX_SHA256_EVP
    EVP_MD_CTX_free(r->sha);
#endif
    free(r);
    close(fd);
    if (rc == NOT_STREAMED) {
        return rc;
    }
    /* as load_bytes(): libxml2's failed allocation is not a verdict */
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

void bx_context_read_as_parsed(struct bx_context *ctx, int on)
{
    ctx->read_as_parsed = on != 0;
}

int bx_submission_load(struct bx_context *ctx, const char *path,
                       struct bx_diags *diags, struct bx_submission **out)
{
    unsigned char *bytes = NULL;
    size_t len = 0;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    int rc;

    *out = NULL;
    if (ctx->read_as_parsed && strcmp(path, "-") != 0) {
        rc = load_streamed(ctx, path, name, diags, out);
        if (rc != NOT_STREAMED) {
            return rc;
        }
    }
    rc = util_read_file(path, ctx->opts.limits.max_bytes, &bytes, &len);
    if (rc != BX_OK) {
        return read_failed(ctx, diags, name, rc, errno);
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
        return read_failed(ctx, diags, name, BX_E_LIMIT, 0);
    }
    copy = malloc(len + 1);
    if (copy == NULL) {
        return read_failed(ctx, diags, name, BX_E_NOMEM, 0);
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
