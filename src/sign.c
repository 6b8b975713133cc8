/*
 * Manifest signatures: make the manifest.sig entry of a bundle and check
 * it, with OpenSSL 3 EVP.  Trust is pinning: a signature is trusted when
 * its key is the key of a given certificate or public key; certificate
 * chains, validity dates and revocation are not evaluated here.
 */
#define _POSIX_C_SOURCE 200809L

#include "sign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "util.h"

#define SIGN_MAGIC "budgetx-signature 1"
#define PEM_MAX (1u << 20)
/* GB/T 32918 (SM2) default signer id, what Chinese platforms expect. */
#define SM2_ID "1234567812345678"

static const char *const ALG_SM2 = "SM2-SM3";
static const char *const ALG_ECDSA = "ECDSA-P256-SHA256";
static const char *const ALG_PSS = "RSA-PSS-SHA256";
static const char *const ALG_PKCS1 = "RSA-PKCS1-SHA256";

/* A key that asks for a password is refused, never prompted for. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

/* Read a PEM file into a memory BIO.  NULL when unreadable. */
static BIO *pem_bio(const char *path)
{
    unsigned char *data = NULL;
    size_t len = 0;
    BIO *bio;

    if (util_read_file(path, PEM_MAX, &data, &len) != BX_OK) {
        return NULL;
    }
    bio = BIO_new(BIO_s_mem());
    if (bio != NULL && BIO_write(bio, data, (int)len) != (int)len) {
        BIO_free(bio);
        bio = NULL;
    }
    free(data);
    return bio;
}

static void fail(struct bx_diags *diags, const char *code, const char *file,
                 const char *zh, const char *en)
{
    bx_diags_addf(diags, BX_SEV_FATAL, code, file, 0, zh, en);
}

/* The algorithm a key signs with under 'scheme', or NULL. */
static const char *algorithm_of(EVP_PKEY *key, enum sign_scheme scheme)
{
    char group[64];
    size_t n = 0;

    if (EVP_PKEY_is_a(key, "SM2")) {
        return ALG_SM2;
    }
    if (EVP_PKEY_is_a(key, "RSA")) {
        return scheme == SIGN_RSA_PKCS1 ? ALG_PKCS1 : ALG_PSS;
    }
    if (EVP_PKEY_is_a(key, "EC") &&
        EVP_PKEY_get_group_name(key, group, sizeof(group), &n) == 1) {
        if (strcmp(group, "SM2") == 0) {
            return ALG_SM2;
        }
        if (strcmp(group, "prime256v1") == 0) {
            return ALG_ECDSA;
        }
    }
    return NULL;
}

/*
 * Set up 'mctx' to sign (verify 0) or verify (1) with 'key' under 'alg':
 * SM3 with the SM2 default id, or SHA-256 with PSS (salt = digest
 * length) or PKCS#1 v1.5 padding.  Returns 1 on success.
 */
static int digest_init(EVP_MD_CTX *mctx, EVP_PKEY *key, const char *alg,
                       int verify)
{
    EVP_PKEY_CTX *pctx = NULL;
    int sm2 = strcmp(alg, ALG_SM2) == 0;
    const EVP_MD *md = sm2 ? EVP_sm3() : EVP_sha256();
    int ok;

    if (sm2) {
        /* the id enters the digest (Z value): set before the init */
        pctx = EVP_PKEY_CTX_new(key, NULL);
        if (pctx == NULL ||
            EVP_PKEY_CTX_set1_id(pctx, SM2_ID, strlen(SM2_ID)) <= 0) {
            EVP_PKEY_CTX_free(pctx);
            return 0;
        }
        EVP_MD_CTX_set_pkey_ctx(mctx, pctx); /* mctx does not own it */
    }
    ok = verify ? EVP_DigestVerifyInit(mctx, &pctx, md, NULL, key)
                : EVP_DigestSignInit(mctx, &pctx, md, NULL, key);
    if (ok == 1 && strcmp(alg, ALG_PSS) == 0) {
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0;
    } else if (ok == 1 && strcmp(alg, ALG_PKCS1) == 0) {
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
    }
    return ok == 1;
}

/* Free the SM2 context digest_init() attached, then 'mctx'. */
static void digest_free(EVP_MD_CTX *mctx, const char *alg)
{
    EVP_PKEY_CTX *pctx;

    if (mctx == NULL) {
        return;
    }
    pctx = strcmp(alg, ALG_SM2) == 0 ? EVP_MD_CTX_get_pkey_ctx(mctx) : NULL;
    EVP_MD_CTX_free(mctx);
    EVP_PKEY_CTX_free(pctx);
}

/* Append "'name' base64(der)\n". */
static void put_b64(struct bx_buf *b, const char *name,
                    const unsigned char *der, size_t len)
{
    size_t room = 4 * ((len + 2) / 3) + 1;
    unsigned char *enc = malloc(room);

    if (enc == NULL) {
        b->failed = 1;
        return;
    }
    EVP_EncodeBlock(enc, der, (int)len);
    buf_printf(b, "%s %s\n", name, (const char *)enc);
    free(enc);
}

/* DER of the certificate (when given) or of the public key. */
static int signer_der(X509 *cert, EVP_PKEY *key, unsigned char **der,
                      size_t *len)
{
    int n;

    *der = NULL;
    n = cert != NULL ? i2d_X509(cert, der) : i2d_PUBKEY(key, der);
    if (n <= 0) {
        return BX_E_INTERNAL;
    }
    *len = (size_t)n;
    return BX_OK;
}

static int sign_bytes(EVP_PKEY *key, const char *alg, const void *data,
                      size_t len, unsigned char **sig, size_t *siglen)
{
    EVP_MD_CTX *mctx = EVP_MD_CTX_new();
    int rc = BX_E_INTERNAL;

    *sig = NULL;
    if (mctx == NULL) {
        return BX_E_NOMEM;
    }
    if (digest_init(mctx, key, alg, 0) &&
        EVP_DigestSign(mctx, NULL, siglen, data, len) == 1) {
        *sig = malloc(*siglen);
        rc = *sig == NULL ? BX_E_NOMEM
             : EVP_DigestSign(mctx, *sig, siglen, data, len) == 1
                 ? BX_OK
                 : BX_E_INTERNAL;
    }
    digest_free(mctx, alg);
    if (rc != BX_OK) {
        free(*sig);
        *sig = NULL;
    }
    return rc;
}

/* Load the key and the optional certificate, checking they belong. */
static int load_signer(const char *key_path, const char *cert_path,
                       struct bx_diags *diags, EVP_PKEY **key, X509 **cert)
{
    BIO *bio = pem_bio(key_path);

    *key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, no_password, NULL)
                       : NULL;
    BIO_free(bio);
    if (*key == NULL) {
        fail(diags, "SIGN-KEY", key_path,
             "无法读取签名私钥（需要未加密的 PEM 私钥）",
             "cannot read the signing key (an unencrypted PEM private key "
             "is needed)");
        return BX_E_IO;
    }
    if (cert_path == NULL) {
        return BX_OK;
    }
    bio = pem_bio(cert_path);
    *cert =
        bio != NULL ? PEM_read_bio_X509(bio, NULL, no_password, NULL) : NULL;
    BIO_free(bio);
    if (*cert == NULL) {
        fail(diags, "SIGN-CERT", cert_path, "无法读取签名证书（PEM）",
             "cannot read the signer certificate (PEM)");
        return BX_E_IO;
    }
    if (EVP_PKEY_eq(X509_get0_pubkey(*cert), *key) != 1) {
        fail(diags, "SIGN-CERT", cert_path, "证书与签名私钥不匹配",
             "the certificate is not that of the signing key");
        return BX_E_ARG;
    }
    return BX_OK;
}

int sign_manifest(const char *key_path, const char *cert_path,
                  enum sign_scheme scheme, const void *manifest, size_t mlen,
                  struct bx_diags *diags, unsigned char **out, size_t *outlen)
{
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    unsigned char *der = NULL;
    unsigned char *sig = NULL;
    const char *alg = NULL;
    struct bx_buf b;
    size_t derlen = 0;
    size_t siglen = 0;
    int rc;

    *out = NULL;
    buf_init(&b);
    rc = load_signer(key_path, cert_path, diags, &key, &cert);
    if (rc == BX_OK) {
        alg = algorithm_of(key, scheme);
        if (alg == NULL) {
            fail(diags, "SIGN-KEY", key_path,
                 "不支持的签名密钥（可用 SM2、RSA、EC P-256）",
                 "unsupported signing key (use SM2, RSA or EC P-256)");
            rc = BX_E_ARG;
        }
    }
    if (rc == BX_OK) {
        rc = signer_der(cert, key, &der, &derlen);
    }
    if (rc == BX_OK) {
        rc = sign_bytes(key, alg, manifest, mlen, &sig, &siglen);
    }
    if (rc == BX_OK) {
        buf_printf(&b, "%s\nalgorithm %s\n", SIGN_MAGIC, alg);
        put_b64(&b, cert != NULL ? "signer-certificate" : "signer-key", der,
                derlen);
        put_b64(&b, "signature", sig, siglen);
        *out = (unsigned char *)buf_take(&b, outlen);
        rc = *out != NULL ? BX_OK : BX_E_NOMEM;
    }
    buf_release(&b);
    OPENSSL_free(der);
    free(sig);
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}

/* ---- checking -------------------------------------------------------- */

/* The fields of a manifest.sig entry. */
struct sigfile {
    char alg[32];
    int is_cert;
    unsigned char *der; /* signer certificate or public key */
    size_t derlen;
    unsigned char *sig;
    size_t siglen;
};

/* Strict base64 (no line breaks) of 'n' bytes; NULL when malformed. */
static unsigned char *unbase64(const char *s, size_t n, size_t *len)
{
    unsigned char *out;
    size_t pad = 0;
    size_t i;
    int got;

    if (n == 0 || n % 4 != 0 || n > (1u << 20)) {
        return NULL;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '=' && i >= n - 2) {
            pad++;
        } else if (pad > 0 ||
                   strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
                          "opqrstuvwxyz0123456789+/",
                          s[i]) == NULL ||
                   s[i] == '\0') {
            return NULL;
        }
    }
    out = malloc(n / 4 * 3 + 1);
    got = out != NULL ? EVP_DecodeBlock(out, (const unsigned char *)s, (int)n)
                      : -1;
    if (got < 0 || (size_t)got < pad) {
        free(out);
        return NULL;
    }
    *len = (size_t)got - pad;
    return out;
}

/* The value of line "'name' value\n" at '*p'; advances.  NULL if not. */
static const char *field(const char **p, const char *end, const char *name,
                         size_t *n)
{
    size_t k = strlen(name);
    const char *nl;
    const char *v;

    if ((size_t)(end - *p) <= k || memcmp(*p, name, k) != 0 || (*p)[k] != ' ') {
        return NULL;
    }
    v = *p + k + 1;
    nl = memchr(v, '\n', (size_t)(end - v));
    if (nl == NULL) {
        return NULL;
    }
    *n = (size_t)(nl - v);
    *p = nl + 1;
    return v;
}

/* Parse the four lines of manifest.sig.  0, or -1 when malformed. */
static int parse_sigfile(const unsigned char *data, size_t len,
                         struct sigfile *f)
{
    const char *p = (const char *)data;
    const char *end = p + len;
    const char *v;
    size_t n = strlen(SIGN_MAGIC);

    memset(f, 0, sizeof(*f));
    if (len <= n || memcmp(p, SIGN_MAGIC "\n", n + 1) != 0) {
        return -1;
    }
    p += n + 1;
    v = field(&p, end, "algorithm", &n);
    if (v == NULL || n >= sizeof(f->alg)) {
        return -1;
    }
    memcpy(f->alg, v, n);
    f->is_cert =
        (size_t)(end - p) > 19 && memcmp(p, "signer-certificate ", 19) == 0;
    v = field(&p, end, f->is_cert ? "signer-certificate" : "signer-key", &n);
    f->der = v != NULL ? unbase64(v, n, &f->derlen) : NULL;
    v = f->der != NULL ? field(&p, end, "signature", &n) : NULL;
    f->sig = v != NULL ? unbase64(v, n, &f->siglen) : NULL;
    return f->sig != NULL && p == end ? 0 : -1;
}

static void sigfile_release(struct sigfile *f)
{
    free(f->der);
    free(f->sig);
}

/* Hex SHA-256 of the DER public key: the key's fingerprint. */
static int key_fingerprint(EVP_PKEY *key, char *out)
{
    unsigned char *der = NULL;
    int n = i2d_PUBKEY(key, &der);
    int rc = n > 0 ? util_digest_hex("sha256", der, (size_t)n, out, 65)
                   : BX_E_INTERNAL;

    OPENSSL_free(der);
    return rc;
}

/* "subject (key SHA-256 …)" or "key SHA-256 …".  NULL on ENOMEM. */
static char *describe(X509 *cert, EVP_PKEY *key)
{
    char fp[65] = "?";
    struct bx_buf b;
    BIO *bio = NULL;
    char *subj = NULL;
    long n;

    key_fingerprint(key, fp);
    buf_init(&b);
    if (cert != NULL) {
        bio = BIO_new(BIO_s_mem());
        if (bio != NULL && X509_NAME_print_ex(bio, X509_get_subject_name(cert),
                                              0, XN_FLAG_RFC2253) >= 0) {
            n = BIO_get_mem_data(bio, &subj);
            buf_append(&b, subj, n > 0 ? (size_t)n : 0);
            buf_puts(&b, " (");
        }
        BIO_free(bio);
    }
    buf_printf(&b, "key SHA-256 %s%s", fp, b.len > 0 ? ")" : "");
    subj = buf_take(&b, NULL);
    return subj;
}

/* The signer's key (and certificate) from the entry's DER. */
static EVP_PKEY *signer_key(const struct sigfile *f, X509 **cert)
{
    const unsigned char *p = f->der;
    EVP_PKEY *key;

    *cert = NULL;
    if (f->is_cert) {
        *cert = d2i_X509(NULL, &p, (long)f->derlen);
        key = *cert != NULL ? X509_get_pubkey(*cert) : NULL;
    } else {
        key = d2i_PUBKEY(NULL, &p, (long)f->derlen);
    }
    if (key != NULL && p != f->der + f->derlen) {
        EVP_PKEY_free(key); /* trailing bytes after the DER */
        key = NULL;
    }
    return key;
}

/* 1 when 'sig' verifies over the manifest with 'key' under f->alg. */
static int verifies(EVP_PKEY *key, const struct sigfile *f,
                    const void *manifest, size_t mlen)
{
    EVP_MD_CTX *mctx;
    const char *alg = algorithm_of(
        key, strcmp(f->alg, ALG_PKCS1) == 0 ? SIGN_RSA_PKCS1 : SIGN_DEFAULT);
    int ok;

    /* the algorithm named must be the one the key signs with: no
     * downgrade from what the entry says */
    if (alg == NULL || strcmp(alg, f->alg) != 0) {
        return 0;
    }
    mctx = EVP_MD_CTX_new();
    ok = mctx != NULL && digest_init(mctx, key, alg, 1) &&
         EVP_DigestVerify(mctx, f->sig, f->siglen, manifest, mlen) == 1;
    digest_free(mctx, alg);
    return ok;
}

/* The public key of a trust anchor file (certificate or key), or NULL. */
static EVP_PKEY *anchor_key(const char *path)
{
    unsigned char *data = NULL;
    EVP_PKEY *key = NULL;
    size_t len = 0;
    X509 *cert;
    BIO *bio;

    if (util_read_file(path, PEM_MAX, &data, &len) != BX_OK) {
        return NULL;
    }
    /* read-only: BIO_reset() rewinds it for the second attempt */
    bio = BIO_new_mem_buf(data, (int)len);
    cert = bio != NULL ? PEM_read_bio_X509(bio, NULL, no_password, NULL) : NULL;
    if (cert != NULL) {
        key = X509_get_pubkey(cert);
        X509_free(cert);
    } else if (bio != NULL && BIO_reset(bio) == 1) {
        key = PEM_read_bio_PUBKEY(bio, NULL, no_password, NULL);
    }
    BIO_free(bio);
    free(data);
    return key;
}

/* 1 trusted, 0 not, -1 an anchor unreadable (TRUST-READ reported). */
static int trusted(EVP_PKEY *key, const char *const *trust, size_t ntrust,
                   struct bx_diags *diags)
{
    EVP_PKEY *a;
    size_t i;
    int hit = 0;

    for (i = 0; i < ntrust; i++) {
        a = anchor_key(trust[i]);
        if (a == NULL) {
            fail(diags, "TRUST-READ", trust[i],
                 "无法读取信任的证书或公钥（PEM）",
                 "cannot read the trusted certificate or public key (PEM)");
            return -1;
        }
        hit = hit || EVP_PKEY_eq(a, key) == 1;
        EVP_PKEY_free(a);
    }
    return hit;
}

static void note(struct bx_diags *diags, enum bx_severity sev, const char *code,
                 const char *file, const char *zh, const char *en,
                 const char *signer)
{
    struct bx_buf z;
    struct bx_buf e;

    buf_init(&z);
    buf_init(&e);
    buf_printf(&z, "%s：%s", zh, signer != NULL ? signer : "?");
    buf_printf(&e, "%s: %s", en, signer != NULL ? signer : "?");
    bx_diags_addf(diags, sev, code, file, 0, z.failed ? zh : z.data,
                  e.failed ? en : e.data);
    buf_release(&z);
    buf_release(&e);
}

int sign_check(const void *manifest, size_t mlen, const unsigned char *sig,
               size_t slen, const char *const *trust, size_t ntrust,
               const char *file, struct bx_diags *diags, struct sign_info *info)
{
    struct sigfile f;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    int t = 0;
    int rc = BX_OK;

    info->status = -1;
    info->signer = NULL;
    if (parse_sigfile(sig, slen, &f) == 0) {
        key = signer_key(&f, &cert);
    }
    if (key != NULL) {
        info->signer = describe(cert, key);
    }
    if (key == NULL || !verifies(key, &f, manifest, mlen)) {
        note(diags, BX_SEV_ERROR, "BUNDLE-SIGNATURE", file,
             "manifest.sig 的签名无效或格式错误，清单可能已被改动",
             "the signature in manifest.sig is malformed or does not "
             "verify: the manifest may have been altered",
             info->signer);
    } else if (ntrust > 0 && (t = trusted(key, trust, ntrust, diags)) < 0) {
        rc = BX_E_IO;
    } else if (ntrust > 0 && t == 0) {
        info->status = -2;
        note(diags, BX_SEV_ERROR, "BUNDLE-SIGNER", file,
             "签名者不在信任列表（--trust）中",
             "signed by a key none of "
             "the trust anchors (--trust) names",
             info->signer);
    } else {
        info->status = ntrust > 0 ? 2 : 1;
        note(diags, BX_SEV_INFO, "BUNDLE-SIGNED", file,
             ntrust > 0 ? "清单由信任的密钥签名"
                        : "清单已签名，但未对照信任锚检查（使用 --trust）",
             ntrust > 0 ? "manifest signed by a trusted key"
                        : "manifest signed, not checked against a trust "
                          "anchor (use --trust)",
             info->signer);
    }
    X509_free(cert);
    EVP_PKEY_free(key);
    sigfile_release(&f);
    return rc;
}
