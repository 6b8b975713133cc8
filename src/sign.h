/*
 * Detached signatures of bundle manifests (sign.c): the manifest.sig
 * entry, made with OpenSSL 3 EVP (SM2 with SM3, RSA-PSS or PKCS#1 v1.5
 * with SHA-256, ECDSA P-256 with SHA-256) and checked against trust
 * anchors.  The format is in docs/bundle.md.
 */
#ifndef BX_SIGN_H
#define BX_SIGN_H

#include <stddef.h>

#include "budgetx.h"

#define SIGN_ENTRY "manifest.sig"

/* How the key signs: RSA keys offer two schemes, the others one. */
enum sign_scheme {
    SIGN_DEFAULT = 0,  /* SM2-SM3, ECDSA-P256-SHA256 or RSA-PSS-SHA256 */
    SIGN_RSA_PKCS1 = 1 /* RSA-PKCS1-SHA256 */
};

/*
 * Sign the 'mlen' bytes of 'manifest' with the PEM private key at
 * 'key_path' (unencrypted: a key asking for a password is refused) and
 * return the manifest.sig entry in '*out' (caller frees).  'cert_path'
 * (may be NULL) is a PEM certificate of the same key, stored in the entry
 * instead of the bare public key.  Problems are FATAL SIGN-* findings in
 * 'diags'.  Returns BX_OK, BX_E_IO (a file unreadable), BX_E_ARG (not a
 * key we sign with, or a certificate of another key), BX_E_NOMEM,
 * BX_E_INTERNAL.
 */
int sign_manifest(const char *key_path, const char *cert_path,
                  enum sign_scheme scheme, const void *manifest, size_t mlen,
                  struct bx_diags *diags, unsigned char **out, size_t *outlen);

/* What sign_check() found. */
struct sign_info {
    int status;   /* 1 valid (signer not checked), 2 valid and trusted,
                     -1 bad (malformed, wrong key, not verifying), -2
                     valid but by a key none of the anchors names */
    char *signer; /* "subject (key SHA-256 …)" or "key SHA-256 …"; caller
                     frees; NULL when unknown */
};

/*
 * Check the manifest.sig entry 'sig' against the manifest bytes and, when
 * 'ntrust' > 0, that its key is one of the PEM certificates or public
 * keys at 'trust'.  Findings (file 'file'): BUNDLE-SIGNATURE and
 * BUNDLE-SIGNER (ERROR), BUNDLE-SIGNED (INFO, who signed), TRUST-READ
 * (FATAL, an anchor unreadable).  Returns BX_OK (verdict in 'info'),
 * BX_E_IO (an anchor unreadable), BX_E_NOMEM.
 */
int sign_check(const void *manifest, size_t mlen, const unsigned char *sig,
               size_t slen, const char *const *trust, size_t ntrust,
               const char *file, struct bx_diags *diags,
               struct sign_info *info);

#endif /* BX_SIGN_H */
