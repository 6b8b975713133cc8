/* Unit tests: buffers, escaping, file I/O, digests, diagnostics. */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

static void test_streaming_digests_equal_one_shot_digests(void)
{
    static const char text[] = "预算公开 budget disclosure 2024";
    struct util_digests d;
    char sha_one[65];
    char sm3_one[65];
    char sha[65];
    char sm3[65];
    size_t i;

    util_digest_hex("sha256", text, sizeof(text), sha_one, sizeof(sha_one));
    util_digest_hex("sm3", text, sizeof(text), sm3_one, sizeof(sm3_one));
    CU_ASSERT_EQUAL_FATAL(util_digests_begin(&d), BX_OK);
    for (i = 0; i < sizeof(text); i += 5) {
        CU_ASSERT_EQUAL(
            util_digests_update(&d, text + i,
                                sizeof(text) - i < 5 ? sizeof(text) - i : 5),
            BX_OK);
    }
    CU_ASSERT_EQUAL(util_digests_end(&d, sha, sm3), BX_OK);
    CU_ASSERT_STRING_EQUAL(sha, sha_one);
    CU_ASSERT_STRING_EQUAL(sm3, sm3_one);
    util_digests_release(&d); /* safe after end */
}

/*
 * util_digest_hex("sha256") takes OpenSSL's low-level SHA-256 (no EVP
 * set-up); the streaming digests go through EVP.  Both must agree on
 * every length around the block size (64) and on a large buffer.
 */
static void test_sha256_one_shot_equals_evp_for_every_length(void)
{
    static unsigned char data[1 << 20];
    static const size_t big[] = {4095, 4096, 65537, sizeof(data)};
    struct util_digests d;
    char one[65];
    char sha[65];
    char sm3[65];
    size_t i;

    for (i = 0; i < sizeof(data); i++) {
        data[i] = (unsigned char)(i * 131 + (i >> 8));
    }
    for (i = 0; i < 200 + 4; i++) {
        size_t len = i < 200 ? i : big[i - 200];

        CU_ASSERT_EQUAL(util_digest_hex("sha256", data, len, one, sizeof(one)),
                        BX_OK);
        CU_ASSERT_EQUAL_FATAL(util_digests_begin(&d), BX_OK);
        CU_ASSERT_EQUAL(util_digests_update(&d, data, len), BX_OK);
        CU_ASSERT_EQUAL(util_digests_end(&d, sha, sm3), BX_OK);
        util_digests_release(&d);
        CU_ASSERT_STRING_EQUAL(one, sha);
    }
    /* too small an output buffer is refused, not overrun */
    CU_ASSERT_EQUAL(util_digest_hex("sha256", data, 3, one, 64), BX_E_ARG);
}

/* "<tmpdir>/<rel>" in 'out'. */
static const char *in_tmp(char *out, size_t size, const char *rel)
{
    snprintf(out, size, "%s/%s", tmpdir, rel);
    return out;
}

static void test_remove_tree_never_follows_links(void)
{
    char a[128];
    char b[128];

    strcpy(tmpdir, "/tmp/bxtestXXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
    mkdir(in_tmp(a, sizeof(a), "outside"), 0755);
    util_write_atomic(in_tmp(a, sizeof(a), "outside/keep.txt"), "k", 1, 0);
    mkdir(in_tmp(a, sizeof(a), "tree"), 0755);
    mkdir(in_tmp(a, sizeof(a), "tree/sub"), 0755);
    util_write_atomic(in_tmp(a, sizeof(a), "tree/sub/f.txt"), "f", 1, 0);
    CU_ASSERT_EQUAL(symlink(in_tmp(b, sizeof(b), "outside"),
                            in_tmp(a, sizeof(a), "tree/link")),
                    0);
    CU_ASSERT_EQUAL(symlink("../../outside/keep.txt",
                            in_tmp(a, sizeof(a), "tree/sub/file-link")),
                    0);
    CU_ASSERT_EQUAL(util_remove_tree(in_tmp(a, sizeof(a), "tree")), 0);
    CU_ASSERT_NOT_EQUAL(access(in_tmp(a, sizeof(a), "tree"), F_OK), 0);
    CU_ASSERT_EQUAL(access(in_tmp(a, sizeof(a), "outside/keep.txt"), F_OK), 0);
    CU_ASSERT_EQUAL(util_remove_tree(in_tmp(a, sizeof(a), "outside")), 0);
    CU_ASSERT_EQUAL(count_entries(tmpdir), 0);
    rmdir(tmpdir);
}

static void test_rename_exchange_swaps_two_directories(void)
{
    char a[128];
    char b[128];
    int rc;

    strcpy(tmpdir, "/tmp/bxtestXXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
    mkdir(in_tmp(a, sizeof(a), "old"), 0755);
    mkdir(in_tmp(a, sizeof(a), "new"), 0755);
    util_write_atomic(in_tmp(a, sizeof(a), "new/marker"), "n", 1, 0);
    rc = util_rename_exchange(in_tmp(a, sizeof(a), "new"),
                              in_tmp(b, sizeof(b), "old"));
    if (rc == 0) {
        CU_ASSERT_EQUAL(access(in_tmp(a, sizeof(a), "old/marker"), F_OK), 0);
        CU_ASSERT_NOT_EQUAL(access(in_tmp(a, sizeof(a), "new/marker"), F_OK),
                            0);
    } else {
        /* a system without it must say so in a way callers fall back on */
        CU_ASSERT_TRUE(errno == ENOSYS || errno == EINVAL);
    }
    util_remove_tree(in_tmp(a, sizeof(a), "old"));
    util_remove_tree(in_tmp(a, sizeof(a), "new"));
    rmdir(tmpdir);
}

static void test_stale_temporaries_of_dead_runs_are_removed(void)
{
    char live[128];
    char dead[128];
    char out[128];
    char *tmpl;
    pid_t pid = fork();

    if (pid == 0) {
        _exit(0);
    }
    CU_ASSERT_FATAL(pid > 0);
    waitpid(pid, NULL, 0); /* 'pid' is now a process that is gone */
    strcpy(tmpdir, "/tmp/bxtestXXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
    snprintf(dead, sizeof(dead), "%s/.budgetx-tmp-%ld-abcdef", tmpdir,
             (long)pid);
    snprintf(live, sizeof(live), "%s/.budgetx-tmp-%ld-abcdef", tmpdir,
             (long)getpid());
    mkdir(dead, 0700);
    /* pid 1 is alive: its temporary file stays */
    util_write_atomic(in_tmp(out, sizeof(out), ".budgetx-tmp-1-x"), "x", 1, 0);
    util_write_atomic(live, "l", 1, 0);
    tmpl = util_tmp_template(in_tmp(out, sizeof(out), "result.zip"));
    CU_ASSERT_PTR_NOT_NULL_FATAL(tmpl);
    CU_ASSERT_NSTRING_EQUAL(tmpl, live, strlen(live) - 6);
    free(tmpl);
    util_clean_stale(in_tmp(out, sizeof(out), "result.zip"));
    CU_ASSERT_NOT_EQUAL(access(dead, F_OK), 0);
    CU_ASSERT_EQUAL(access(live, F_OK), 0);
    CU_ASSERT_EQUAL(access(in_tmp(out, sizeof(out), ".budgetx-tmp-1-x"), F_OK),
                    0);
    unlink(live);
    unlink(out);
    rmdir(tmpdir);
}

/*
 * A directory is searched for stale temporaries once per process: a batch
 * writing a thousand outputs into one directory read it a thousand times
 * (quadratic).  A stale file that appears after the first write waits
 * for the next run; a second directory is searched on its first write.
 */
static void test_stale_temporaries_are_searched_once_per_directory(void)
{
    char dir2[sizeof(tmpdir)];
    char dead[160];
    char out[160];
    char cmd[400];
    pid_t pid = fork();

    if (pid == 0) {
        _exit(0);
    }
    CU_ASSERT_FATAL(pid > 0);
    waitpid(pid, NULL, 0);
    strcpy(tmpdir, "/tmp/bxtestXXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
    strcpy(dir2, "/tmp/bxtestXXXXXX");
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir2));
    snprintf(dead, sizeof(dead), "%s/.budgetx-tmp-%ld-first", tmpdir,
             (long)pid);
    CU_ASSERT_EQUAL(mkdir(dead, 0700), 0);
    CU_ASSERT_EQUAL(util_write_atomic(in_tmp(out, sizeof(out), "a"), "a", 1, 0),
                    BX_OK);
    CU_ASSERT_NOT_EQUAL(access(dead, F_OK), 0); /* the first write: removed */
    snprintf(dead, sizeof(dead), "%s/.budgetx-tmp-%ld-later", tmpdir,
             (long)pid);
    CU_ASSERT_EQUAL(mkdir(dead, 0700), 0);
    CU_ASSERT_EQUAL(util_write_atomic(in_tmp(out, sizeof(out), "b"), "b", 1, 0),
                    BX_OK);
    CU_ASSERT_EQUAL(access(dead, F_OK), 0); /* not searched again */
    /* another directory: searched on its first write */
    snprintf(dead, sizeof(dead), "%s/.budgetx-tmp-%ld-other", dir2, (long)pid);
    CU_ASSERT_EQUAL(mkdir(dead, 0700), 0);
    snprintf(out, sizeof(out), "%s/c", dir2);
    CU_ASSERT_EQUAL(util_write_atomic(out, "c", 1, 0), BX_OK);
    CU_ASSERT_NOT_EQUAL(access(dead, F_OK), 0);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", tmpdir, dir2);
    CU_ASSERT_EQUAL(system(cmd), 0);
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
    CU_ADD_TEST(s, test_streaming_digests_equal_one_shot_digests);
    CU_ADD_TEST(s, test_sha256_one_shot_equals_evp_for_every_length);
    CU_ADD_TEST(s, test_remove_tree_never_follows_links);
    CU_ADD_TEST(s, test_rename_exchange_swaps_two_directories);
    CU_ADD_TEST(s, test_stale_temporaries_of_dead_runs_are_removed);
    CU_ADD_TEST(s, test_stale_temporaries_are_searched_once_per_directory);
    return CU_get_error();
}
