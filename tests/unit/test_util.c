/* Unit tests: buffers, escaping, file I/O, digests, diagnostics. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "util.h"

static void test_json_escapes_quotes_controls_and_separators(void)
{
    struct bx_buf b;

    buf_init(&b);
    buf_json_str(&b, "a\"b\\c\n\x01\xe2\x80\xa8中");
    CU_ASSERT_STRING_EQUAL(b.data, "\"a\\\"b\\\\c\\n\\u0001\\u2028中\"");
    buf_release(&b);
}

static void test_xml_escapes_markup(void)
{
    struct bx_buf b;

    buf_init(&b);
    buf_xml_str(&b, "<a & 'b'>\"");
    CU_ASSERT_STRING_EQUAL(b.data, "&lt;a &amp; &apos;b&apos;&gt;&quot;");
    buf_release(&b);
}

static void test_untrusted_bytes_are_escaped_not_echoed(void)
{
    char *s = util_escape_untrusted("ok\xff\x1b[31m中", 11, 100);

    CU_ASSERT_STRING_EQUAL(s, "ok\\xFF\\x1B[31m中");
    free(s);
    s = util_escape_untrusted("abcdef", 6, 3);
    CU_ASSERT_STRING_EQUAL(s, "abc...");
    free(s);
}

static void test_display_escapes_controls_and_bidi(void)
{
    char buf[64];
    char *s;

    /* newline forging a line, ESC, C1 CSI, bidi override and isolate */
    s = util_escape_display("a\nfake: accepted\x1b[2J\xc2\x9b"
                            "\xe2\x80\xae\xe2\x81\xa6\xd8\x9c\xe2\x80\x8f预算");
    CU_ASSERT_STRING_EQUAL(s, "a\\x0Afake: accepted\\x1B[2J\\xC2\\x9B"
                              "\\u202e\\u2066\\u061c\\u200f预算");
    CU_ASSERT_TRUE(util_needs_display_escape("x\xe2\x80\xaey"));
    CU_ASSERT_FALSE(util_needs_display_escape("预算 2024.xml"));
    free(s);
    CU_ASSERT_STRING_EQUAL(bx_display("r\rx", buf, sizeof(buf)), "r\\x0Dx");
    CU_ASSERT_STRING_EQUAL(bx_display("abcdefghij", buf, 8), "abcd...");
    CU_ASSERT_STRING_EQUAL(bx_display(NULL, buf, sizeof(buf)), "");
}

static void test_diags_add_escapes_every_field(void)
{
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_diags_addf(&diags, BX_SEV_ERROR, "X",
                                  "evil\n\xe2\x80\xae.xml", 0, "zh\x1b",
                                  "en\r"),
                    BX_OK);
    CU_ASSERT_STRING_EQUAL(diags.items[0].file, "evil\\x0A\\u202e.xml");
    CU_ASSERT_STRING_EQUAL(diags.items[0].message_zh, "zh\\x1B");
    CU_ASSERT_STRING_EQUAL(diags.items[0].message_en, "en\\x0D");
    bx_diags_release(&diags);
}

static void test_sha256_and_sm3_of_abc(void)
{
    char hex[65];

    CU_ASSERT_EQUAL(util_digest_hex("sha256", "abc", 3, hex, sizeof(hex)),
                    BX_OK);
    CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223b00361a3"
                                "96177a9cb410ff61f20015ad");
    CU_ASSERT_EQUAL(util_digest_hex("sm3", "abc", 3, hex, sizeof(hex)), BX_OK);
    CU_ASSERT_STRING_EQUAL(hex, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c487"
                                "5cf2f7a2297da02b8f4ba8e0");
    CU_ASSERT_EQUAL(util_digest_hex("md5", "abc", 3, hex, sizeof(hex)),
                    BX_E_ARG);
}

static char tmpdir[64];

static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d != NULL && (e = readdir(d)) != NULL) {
        if (e->d_name[0] != '.') {
            n++;
        }
    }
    if (d != NULL) {
        closedir(d);
    }
    return n;
}

static void test_atomic_write_refuses_existing_without_force(void)
{
    char path[128];
    unsigned char *data = NULL;
    size_t len = 0;

    strcpy(tmpdir, "/tmp/bxtestXXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
    snprintf(path, sizeof(path), "%s/out.txt", tmpdir);
    CU_ASSERT_EQUAL(util_write_atomic(path, "one", 3, 0), BX_OK);
    CU_ASSERT_EQUAL(util_write_atomic(path, "two", 3, 0), BX_E_EXISTS);
    CU_ASSERT_EQUAL(util_read_file(path, 100, &data, &len), BX_OK);
    CU_ASSERT_EQUAL(len, 3);
    CU_ASSERT_NSTRING_EQUAL(data, "one", 3);
    free(data);
    CU_ASSERT_EQUAL(util_write_atomic(path, "three", 5, 1), BX_OK);
    CU_ASSERT_EQUAL(util_read_file(path, 100, &data, &len), BX_OK);
    CU_ASSERT_EQUAL(len, 5);
    free(data);
    /* no temporary file is left behind */
    CU_ASSERT_EQUAL(count_entries(tmpdir), 1);
    unlink(path);
    snprintf(path, sizeof(path), "%s/missing-dir/out.txt", tmpdir);
    CU_ASSERT_EQUAL(util_write_atomic(path, "x", 1, 1), BX_E_IO);
    rmdir(tmpdir);
}

static void test_read_file_enforces_the_size_cap(void)
{
    unsigned char *data = NULL;
    size_t len = 0;
    char path[128];

    strcpy(tmpdir, "/tmp/bxtestXXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
    snprintf(path, sizeof(path), "%s/big", tmpdir);
    CU_ASSERT_EQUAL(util_write_atomic(path, "0123456789", 10, 0), BX_OK);
    CU_ASSERT_EQUAL(util_read_file(path, 9, &data, &len), BX_E_LIMIT);
    CU_ASSERT_PTR_NULL(data);
    CU_ASSERT_EQUAL(util_read_file(path, 10, &data, &len), BX_OK);
    CU_ASSERT_EQUAL(data[10], '\0');
    free(data);
    CU_ASSERT_EQUAL(util_read_file(tmpdir, 10, &data, &len), BX_E_IO);
    unlink(path);
    rmdir(tmpdir);
}

static void test_diags_count_by_severity_and_find_codes(void)
{
    struct bx_diags diags;
    struct bx_diag d;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_diags_worst(&diags), -1);
    bx_diags_addf(&diags, BX_SEV_INFO, "BR-002", "f.xml", 3, "提示", "tail");
    memset(&d, 0, sizeof(d));
    d.severity = BX_SEV_ERROR;
    d.code = "BR-001";
    d.rule = "BR-001";
    d.printed = "179.6";
    CU_ASSERT_EQUAL(bx_diags_add(&diags, &d), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 2);
    CU_ASSERT_EQUAL(diags.by_severity[BX_SEV_INFO], 1);
    CU_ASSERT_EQUAL(diags.by_severity[BX_SEV_ERROR], 1);
    CU_ASSERT_EQUAL(bx_diags_worst(&diags), BX_SEV_ERROR);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "BR-001"));
    CU_ASSERT_FALSE(bx_diags_has(&diags, "BR-003"));
    CU_ASSERT_STRING_EQUAL(bx_diag_message(&diags.items[0], BX_LANG_ZH),
                           "提示");
    CU_ASSERT_STRING_EQUAL(bx_diag_message(&diags.items[0], BX_LANG_EN),
                           "tail");
    /* a copy was taken: the caller's strings are not referenced */
    CU_ASSERT_PTR_NOT_EQUAL(diags.items[1].printed, d.printed);
    bx_diags_release(&diags);
    CU_ASSERT_EQUAL(diags.count, 0);
}

int bx_test_suite_util(void)
{
    CU_pSuite s = CU_add_suite("util", NULL, NULL);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_json_escapes_quotes_controls_and_separators);
    CU_ADD_TEST(s, test_xml_escapes_markup);
    CU_ADD_TEST(s, test_untrusted_bytes_are_escaped_not_echoed);
    CU_ADD_TEST(s, test_display_escapes_controls_and_bidi);
    CU_ADD_TEST(s, test_diags_add_escapes_every_field);
    CU_ADD_TEST(s, test_sha256_and_sm3_of_abc);
    CU_ADD_TEST(s, test_atomic_write_refuses_existing_without_force);
    CU_ADD_TEST(s, test_read_file_enforces_the_size_cap);
    CU_ADD_TEST(s, test_diags_count_by_severity_and_find_codes);
    return CU_get_error();
}
