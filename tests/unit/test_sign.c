/*
 * Tests of manifest signatures (sign.c): every algorithm round trips,
 * any change to the manifest or the entry is refused, trust is pinning,
 * and the entry's algorithm cannot be swapped for a weaker reading.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "budgetx.h"
#include "sign.h"
#include "testutil.h"

static const char manifest[] =
    "<manifest>the bytes that are signed</manifest>\n";

/* Keys written to a fresh directory once per suite. */
static char dir[64];
static char paths[4][2][128]; /* [key][0 private, 1 public] */
static const char *const kinds[] = {"SM2", "RSA", "EC", "ED25519"};

static int write_key(EVP_PKEY *key, const char *priv, const char *pub)
{
    FILE *a = fopen(priv, "w");
    FILE *b = fopen(pub, "w");
    int ok = a != NULL && b != NULL &&
             PEM_write_PrivateKey(a, key, NULL, NULL, 0, NULL, NULL) == 1 &&
             PEM_write_PUBKEY(b, key) == 1;

    if (a != NULL) {
        fclose(a);
    }
    if (b != NULL) {
        fclose(b);
    }
    return ok;
}

static EVP_PKEY *make_key(size_t k)
{
    switch (k) {
    case 0:
        return EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
    case 1:
        return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    case 2:
        return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    default:
        return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    }
}

static int suite_init(void)
{
    EVP_PKEY *key;
    size_t k;
    int ok = 1;
    const char *tmp = getenv("TMPDIR");

    snprintf(dir, sizeof(dir), "%s/bx-sign-XXXXXX",
             tmp != NULL && tmp[0] != '\0' && strlen(tmp) < 40 ? tmp : ".");
    if (mkdtemp(dir) == NULL) {
        return -1;
    }
    for (k = 0; ok && k < 4; k++) {
        snprintf(paths[k][0], sizeof(paths[k][0]), "%s/%s.pem", dir, kinds[k]);
        snprintf(paths[k][1], sizeof(paths[k][1]), "%s/%s.pub", dir, kinds[k]);
        key = make_key(k);
        ok = key != NULL && write_key(key, paths[k][0], paths[k][1]);
        EVP_PKEY_free(key);
    }
    return ok ? 0 : -1;
}

static int suite_clean(void)
{
    size_t k;

    for (k = 0; k < 4; k++) {
        unlink(paths[k][0]);
        unlink(paths[k][1]);
    }
    rmdir(dir);
    return 0;
}

/* Sign 'manifest' with key 'k'; the entry in '*sig'. */
static void sign_with(size_t k, enum sign_scheme scheme, unsigned char **sig,
                      size_t *len)
{
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(sign_manifest(paths[k][0], NULL, scheme, manifest,
                                        strlen(manifest), &diags, sig, len),
                          BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
}

/* sign_check() status of 'sig' over 'm' with trust anchors 'trust'. */
static int check(const char *m, const unsigned char *sig, size_t len,
                 const char *const *trust, size_t ntrust)
{
    struct sign_info info;
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(sign_check(m, strlen(m), sig, len, trust, ntrust, "t.zip",
                               &diags, &info),
                    BX_OK);
    CU_ASSERT_EQUAL(bx_diags_has(&diags, "BUNDLE-SIGNED"), info.status > 0);
    free(info.signer);
    bx_diags_release(&diags);
    return info.status;
}

static void test_sign_round_trips_for_sm2_rsa_and_ecdsa(void)
{
    const char *trust[1];
    unsigned char *sig;
    size_t len;
    size_t k;

    for (k = 0; k < 3; k++) {
        sign_with(k, SIGN_DEFAULT, &sig, &len);
        CU_ASSERT_EQUAL(check(manifest, sig, len, NULL, 0), 1);
        trust[0] = paths[k][1];
        CU_ASSERT_EQUAL(check(manifest, sig, len, trust, 1), 2);
        free(sig);
    }
    sign_with(1, SIGN_RSA_PKCS1, &sig, &len);
    CU_ASSERT_PTR_NOT_NULL(strstr((char *)sig, "RSA-PKCS1-SHA256"));
    CU_ASSERT_EQUAL(check(manifest, sig, len, NULL, 0), 1);
    free(sig);
}

static void test_sign_entry_names_the_sm2_algorithm(void)
{
    unsigned char *sig;
    size_t len;

    sign_with(0, SIGN_DEFAULT, &sig, &len);
    CU_ASSERT_EQUAL(memcmp(sig,
                           "budgetx-signature 1\nalgorithm SM2-SM3\n"
                           "signer-key ",
                           48),
                    0);
    CU_ASSERT_EQUAL(sig[len - 1], '\n');
    free(sig);
}

static void test_sign_check_refuses_an_altered_manifest(void)
{
    char altered[sizeof(manifest)];
    unsigned char *sig;
    size_t len;
    size_t k;

    memcpy(altered, manifest, sizeof(manifest));
    altered[12] ^= 1;
    for (k = 0; k < 3; k++) {
        sign_with(k, SIGN_DEFAULT, &sig, &len);
        CU_ASSERT_EQUAL(check(altered, sig, len, NULL, 0), -1);
        free(sig);
    }
}

static void test_sign_check_refuses_a_foreign_signer(void)
{
    const char *trust[2];
    unsigned char *sig;
    size_t len;

    sign_with(0, SIGN_DEFAULT, &sig, &len);
    trust[0] = paths[1][1];
    trust[1] = paths[2][1];
    CU_ASSERT_EQUAL(check(manifest, sig, len, trust, 2), -2);
    trust[1] = paths[0][1]; /* any one anchor will do */
    CU_ASSERT_EQUAL(check(manifest, sig, len, trust, 2), 2);
    free(sig);
}

static void test_sign_check_refuses_malformed_entries(void)
{
    unsigned char *sig;
    unsigned char *copy;
    size_t len;
    char *p;

    sign_with(2, SIGN_DEFAULT, &sig, &len);
    copy = malloc(len + 8);
    CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
    /* a flipped byte anywhere in the entry */
    memcpy(copy, sig, len);
    copy[len - 10] = copy[len - 10] == 'A' ? 'B' : 'A';
    CU_ASSERT_EQUAL(check(manifest, copy, len, NULL, 0), -1);
    /* trailing bytes, a missing final line break, another magic */
    memcpy(copy, sig, len);
    memcpy(copy + len, "x\n", 2);
    CU_ASSERT_EQUAL(check(manifest, copy, len + 2, NULL, 0), -1);
    CU_ASSERT_EQUAL(check(manifest, sig, len - 1, NULL, 0), -1);
    memcpy(copy, sig, len);
    copy[18] = '2';
    CU_ASSERT_EQUAL(check(manifest, copy, len, NULL, 0), -1);
    /* base64 with a character outside the alphabet */
    memcpy(copy, sig, len);
    p = strstr((char *)copy, "signature ");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    p[12] = '*';
    CU_ASSERT_EQUAL(check(manifest, copy, len, NULL, 0), -1);
    CU_ASSERT_EQUAL(check(manifest, (const unsigned char *)"", 0, NULL, 0), -1);
    free(copy);
    free(sig);
}

/* A copy of 'sig' with the first 'from' replaced by 'to'. */
static unsigned char *relabel(const unsigned char *sig, size_t len,
                              const char *from, const char *to, size_t *out)
{
    const char *at = strstr((const char *)sig, from);
    size_t head;
    unsigned char *p;

    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    head = (size_t)(at - (const char *)sig);
    *out = len - strlen(from) + strlen(to);
    p = malloc(*out + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    memcpy(p, sig, head);
    memcpy(p + head, to, strlen(to));
    memcpy(p + head + strlen(to), at + strlen(from), len - head - strlen(from));
    p[*out] = '\0';
    return p;
}

/* The entry says which algorithm; it must be the key's own. */
static void test_sign_check_refuses_a_relabelled_algorithm(void)
{
    unsigned char *sig;
    unsigned char *bad;
    size_t len;
    size_t n;

    sign_with(1, SIGN_DEFAULT, &sig, &len);
    bad = relabel(sig, len, "RSA-PSS-SHA256", "RSA-PKCS1-SHA256", &n);
    CU_ASSERT_EQUAL(check(manifest, bad, n, NULL, 0), -1);
    free(bad);
    free(sig);
    sign_with(2, SIGN_DEFAULT, &sig, &len);
    bad = relabel(sig, len, "ECDSA-P256-SHA256", "SM2-SM3", &n);
    CU_ASSERT_EQUAL(check(manifest, bad, n, NULL, 0), -1);
    free(bad);
    free(sig);
}

static void test_sign_refuses_unsupported_and_missing_keys(void)
{
    struct bx_diags diags;
    unsigned char *sig = NULL;
    size_t len = 0;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(sign_manifest(paths[3][0], NULL, SIGN_DEFAULT, manifest,
                                  strlen(manifest), &diags, &sig, &len),
                    BX_E_ARG);
    CU_ASSERT_PTR_NULL(sig);
    CU_ASSERT_EQUAL(sign_manifest("/nonexistent/key.pem", NULL, SIGN_DEFAULT,
                                  manifest, strlen(manifest), &diags, &sig,
                                  &len),
                    BX_E_IO);
    CU_ASSERT_EQUAL(sign_manifest(paths[0][1], NULL, SIGN_DEFAULT, manifest,
                                  strlen(manifest), &diags, &sig, &len),
                    BX_E_IO); /* a public key is no private key */
    CU_ASSERT_TRUE(bx_diags_has(&diags, "SIGN-KEY"));
    bx_diags_release(&diags);
}

static void test_sign_check_reports_an_unreadable_anchor(void)
{
    const char *trust[1] = {"/nonexistent/anchor.pem"};
    struct sign_info info;
    struct bx_diags diags;
    unsigned char *sig;
    size_t len;

    sign_with(0, SIGN_DEFAULT, &sig, &len);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(sign_check(manifest, strlen(manifest), sig, len, trust, 1,
                               "t.zip", &diags, &info),
                    BX_E_IO);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "TRUST-READ"));
    free(info.signer);
    bx_diags_release(&diags);
    free(sig);
}

static const struct {
    const char *name;
    CU_TestFunc fn;
} tests[] = {
#define T(f)                                                                   \
    {                                                                          \
#f, f                                                                  \
    }
    T(test_sign_round_trips_for_sm2_rsa_and_ecdsa),
    T(test_sign_entry_names_the_sm2_algorithm),
    T(test_sign_check_refuses_an_altered_manifest),
    T(test_sign_check_refuses_a_foreign_signer),
    T(test_sign_check_refuses_malformed_entries),
    T(test_sign_check_refuses_a_relabelled_algorithm),
    T(test_sign_refuses_unsupported_and_missing_keys),
    T(test_sign_check_reports_an_unreadable_anchor),
#undef T
};

int bx_test_suite_sign(void)
{
    CU_pSuite suite = CU_add_suite("sign", suite_init, suite_clean);
    size_t i;

    if (suite == NULL) {
        return CU_get_error();
    }
    for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL) {
            return CU_get_error();
        }
    }
    return CUE_SUCCESS;
}
