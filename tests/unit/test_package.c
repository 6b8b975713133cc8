/* Unit tests: building, verifying and unpacking bundles. */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <zlib.h>

#include "budgetx.h"
#include "package.h"
#include "util.h"
#include "testutil.h"

#define EDU "samples/example-county-education-bureau-2024.xml"
#define SEED "samples/pingdingshan-hitech-service-center-2024.xml"

static struct bx_context *ctx;
static char dir[64];

static int setup(void)
{
    strcpy(dir, "/tmp/bxpkgXXXXXX");
    ctx = test_context();
    return ctx != NULL && mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void)
{
    char cmd[128];

    bx_context_free(ctx);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Build a bundle of 'rel' in memory; returns the bx_bundle_build status. */
static int build(const char *rel, const struct bx_bundle_opts *o,
                 struct bx_diags *diags, unsigned char **zip, size_t *len)
{
    struct bx_check chk;
    struct bx_check *p = &chk;
    int rc;

    CU_ASSERT_EQUAL_FATAL(bx_check_file(ctx, test_path(rel), &chk), BX_OK);
    rc = bx_bundle_build(ctx, &p, 1, o, diags, zip, len);
    bx_check_release(&chk);
    return rc;
}

static void test_bundle_is_byte_identical_for_the_same_inputs(void)
{
    struct bx_bundle_opts o;
    struct bx_diags diags;
    unsigned char *a = NULL;
    unsigned char *b = NULL;
    size_t alen = 0;
    size_t blen = 0;

    bx_bundle_opts_init(&o);
    o.include = "json";
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(build(EDU, &o, &diags, &a, &alen), BX_OK);
    CU_ASSERT_EQUAL(build(EDU, &o, &diags, &b, &blen), BX_OK);
    CU_ASSERT_EQUAL(alen, blen);
    CU_ASSERT_TRUE(alen == blen && memcmp(a, b, alen) == 0);
    free(b);
    o.mtime = 1700000000;
    CU_ASSERT_EQUAL(build(EDU, &o, &diags, &b, &blen), BX_OK);
    CU_ASSERT_TRUE(alen != blen || memcmp(a, b, alen) != 0);
    free(a);
    free(b);
    bx_diags_release(&diags);
}

static void test_rejected_submission_is_refused_unless_allowed(void)
{
    struct bx_bundle_opts o;
    struct bx_diags diags;
    unsigned char *zip = NULL;
    size_t len = 0;

    bx_bundle_opts_init(&o);
    o.include = "";
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(build(SEED, &o, &diags, &zip, &len), BX_E_INVALID);
    CU_ASSERT_PTR_NULL(zip);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "BUNDLE-REJECTED"));
    o.allow_invalid = 1;
    CU_ASSERT_EQUAL(build(SEED, &o, &diags, &zip, &len), BX_OK);
    CU_ASSERT_PTR_NOT_NULL(zip);
    free(zip);
    bx_diags_release(&diags);
}

static void test_unknown_rendition_is_an_argument_error(void)
{
    struct bx_bundle_opts o;
    struct bx_diags diags;
    unsigned char *zip = NULL;
    size_t len = 0;

    bx_bundle_opts_init(&o);
    o.include = "html,pdf";
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(build(EDU, &o, &diags, &zip, &len), BX_E_ARG);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "BUNDLE-INCLUDE"));
    bx_diags_release(&diags);
}

static void test_default_name_and_timestamp_come_from_metadata(void)
{
    struct bx_check chk;
    const char *source = NULL;
    int64_t t = 0;
    char *name;

    CU_ASSERT_EQUAL_FATAL(bx_check_file(ctx, test_path(EDU), &chk), BX_OK);
    name = bx_bundle_default_name(&chk);
    CU_ASSERT_STRING_EQUAL(name, "410999-105-2024-budget.zip");
    free(name);
    package_timestamp(&chk, -1, &t, &source);
    CU_ASSERT_STRING_EQUAL(source, "published");
    CU_ASSERT_EQUAL(t % 86400, 0);
    package_timestamp(&chk, 42, &t, &source);
    CU_ASSERT_EQUAL(t, 42);
    CU_ASSERT_STRING_EQUAL(source, "SOURCE_DATE_EPOCH");
    bx_check_release(&chk);
}

/* A template that prints no codes: the template id and a digest prefix. */
static void test_default_name_without_codes_uses_what_is_known(void)
{
    struct bx_check chk;
    char want[64];
    char *name;

    CU_ASSERT_EQUAL_FATAL(
        bx_check_file(ctx,
                      test_path("samples/example-shanghai-district-health-2024.xml"),
                      &chk),
        BX_OK);
    snprintf(want, sizeof(want), "district-9-yuan-%.8s-2024-budget.zip",
             bx_submission_sha256(chk.sub));
    name = bx_bundle_default_name(&chk);
    CU_ASSERT_STRING_EQUAL(name, want);
    free(name);
    bx_check_release(&chk);
}

static void test_safe_stem_replaces_unsafe_characters(void)
{
    char *s = package_safe_stem("dir/预算 a;b.xml.gz");

    CU_ASSERT_STRING_EQUAL(s, "_______a_b"); /* bytewise */
    free(s);
    s = package_safe_stem("/x/.hidden.xml");
    CU_ASSERT_STRING_EQUAL(s, "_hidden");
    free(s);
}

static void test_verify_accepts_a_fresh_bundle_and_unpacks_it(void)
{
    struct bx_bundle_opts o;
    struct bx_diags diags;
    struct bx_verify v;
    unsigned char *zip = NULL;
    size_t len = 0;
    char path[128];
    char out[128];
    struct stat st;

    bx_bundle_opts_init(&o);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(build(EDU, &o, &diags, &zip, &len), BX_OK);
    snprintf(path, sizeof(path), "%s/b.zip", dir);
    CU_ASSERT_EQUAL(bx_write_file(path, zip, len, 1), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_verify(ctx, path, BX_SEV_ERROR, &v), BX_OK);
    CU_ASSERT_EQUAL(v.intact, 1);
    CU_ASSERT_EQUAL(v.accepted, 1);
    CU_ASSERT_EQUAL(v.nsubmissions, 1);
    CU_ASSERT_EQUAL(bx_verify_exit_code(&v), BX_EXIT_OK);
    snprintf(out, sizeof(out), "%s/out", dir);
    CU_ASSERT_EQUAL(bx_bundle_unpack(&v, out, 0), BX_OK);
    snprintf(out, sizeof(out), "%s/out/manifest.xml", dir);
    CU_ASSERT_EQUAL(stat(out, &st), 0);
    bx_verify_release(&v);
    free(zip);
    bx_diags_release(&diags);
}

/*
 * The submission's entry carries the SHA-256 taken when it was read
 * (package.c reuses it): of the bytes stored, the gunzipped ones for a
 * .xml.gz, which verify recomputes.
 */
static void test_submission_digest_is_of_the_stored_bytes(void)
{
    struct bx_bundle_opts o;
    struct bx_diags diags;
    struct bx_check chk;
    struct bx_check *p = &chk;
    struct bx_verify v;
    unsigned char *zip = NULL;
    unsigned char *xml = NULL;
    size_t len = 0;
    size_t xlen = 0;
    char gz[128];
    char path[128];
    gzFile f;

    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path(EDU), 1 << 24, &xml, &xlen),
                          BX_OK);
    snprintf(gz, sizeof(gz), "%s/edu.xml.gz", dir);
    f = gzopen(gz, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(gzwrite(f, xml, (unsigned)xlen), (int)xlen);
    CU_ASSERT_EQUAL(gzclose(f), Z_OK);
    bx_bundle_opts_init(&o);
    o.include = "";
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(bx_check_file(ctx, gz, &chk), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_build(ctx, &p, 1, &o, &diags, &zip, &len), BX_OK);
    bx_check_release(&chk);
    snprintf(path, sizeof(path), "%s/gz.zip", dir);
    CU_ASSERT_EQUAL_FATAL(bx_write_file(path, zip, len, 1), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_verify(ctx, path, BX_SEV_ERROR, &v), BX_OK);
    CU_ASSERT_EQUAL(v.intact, 1);
    CU_ASSERT_EQUAL(v.nsubmissions, 1);
    bx_verify_release(&v);
    free(zip);
    free(xml);
    bx_diags_release(&diags);
}

static void test_verify_of_garbage_is_unreadable_and_unpack_refuses(void)
{
    struct bx_verify v;
    char path[128];

    snprintf(path, sizeof(path), "%s/garbage.zip", dir);
    CU_ASSERT_EQUAL(bx_write_file(path, "PK\3\4garbage", 11, 1), BX_OK);
    CU_ASSERT_NOT_EQUAL(bx_bundle_verify(ctx, path, BX_SEV_ERROR, &v), BX_OK);
    CU_ASSERT_EQUAL(bx_verify_exit_code(&v), BX_EXIT_IO);
    CU_ASSERT_EQUAL(bx_bundle_unpack(&v, dir, 0), BX_E_STATE);
    bx_verify_release(&v);
}

int bx_test_suite_package(void)
{
    CU_pSuite s = CU_add_suite("package", setup, teardown);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_bundle_is_byte_identical_for_the_same_inputs);
    CU_ADD_TEST(s, test_rejected_submission_is_refused_unless_allowed);
    CU_ADD_TEST(s, test_unknown_rendition_is_an_argument_error);
    CU_ADD_TEST(s, test_default_name_and_timestamp_come_from_metadata);
    CU_ADD_TEST(s, test_default_name_without_codes_uses_what_is_known);
    CU_ADD_TEST(s, test_safe_stem_replaces_unsafe_characters);
    CU_ADD_TEST(s, test_verify_accepts_a_fresh_bundle_and_unpacks_it);
    CU_ADD_TEST(s, test_submission_digest_is_of_the_stored_bytes);
    CU_ADD_TEST(s, test_verify_of_garbage_is_unreadable_and_unpack_refuses);
    return CU_get_error();
}
