/*
 * Tests of what makes bundling cheaper (docs/performance.md, bundlefast):
 * the writer's name checks through hash sets (the same verdicts as
 * comparing with every entry, at any count), bxzip_deflate() over
 * libdeflate (inflates back, zlib's CRC, the same bytes in every thread,
 * no more bytes than zlib's level 6), and the digests fetched once (the
 * same values from many threads at once).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <zlib.h>

#include "budgetx.h"
#include "bxzip.h"
#include "testutil.h"
#include "util.h"

#define THREADS 4

/* ---------------------------------------------------------------- */
/* Writer: name checks                                               */
/* ---------------------------------------------------------------- */

/* The verdict of the writer's old loop: 'name' clashes with 'names[i]'. */
static int clashes(const char *a, const char *b)
{
    size_t na = strlen(a);
    size_t nb = strlen(b);

    return strcmp(a, b) == 0 ||
           (na < nb && strncmp(a, b, na) == 0 && b[na] == '/') ||
           (nb < na && strncmp(a, b, nb) == 0 && a[nb] == '/');
}

/*
 * Names of 1-3 components over a small alphabet, so that equal names,
 * names that are directories of others and the reverse all occur; all
 * lowercase ASCII, so folding is the identity and the reference above
 * applies as it is.
 */
static void make_name(unsigned long *seed, char *out)
{
    static const char *const parts[] = {"a", "b", "cc", "d1", "e-2", "f.x"};
    int depth;
    int i;

    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    depth = 1 + (int)((*seed >> 33) % 3);
    out[0] = '\0';
    for (i = 0; i < depth; i++) {
        *seed = *seed * 6364136223846793005u + 1442695040888963407u;
        if (i > 0) {
            strcat(out, "/");
        }
        strcat(out, parts[(*seed >> 33) % 6]);
    }
}

static void test_writer_names_agree_with_pairwise_check(void)
{
    char(*kept)[32] = calloc(400, sizeof(*kept));
    struct bxzip_writer *w = NULL;
    unsigned long seed = 12345;
    size_t nkept = 0;
    size_t tries;
    size_t i;
    char name[32];
    int expect;
    int rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(kept);
    CU_ASSERT_EQUAL_FATAL(bxzip_writer_new(&w), BX_OK);
    for (tries = 0; tries < 2000 && nkept < 400; tries++) {
        make_name(&seed, name);
        expect = BX_OK;
        for (i = 0; i < nkept; i++) {
            if (clashes(name, kept[i])) {
                expect = BX_E_ARG;
            }
        }
        rc = bxzip_writer_add(w, name, "x", 1, 0);
        if (rc != expect) {
            CU_FAIL(name);
        }
        if (rc == BX_OK) {
            snprintf(kept[nkept++], sizeof(kept[0]), "%s", name);
        }
    }
    CU_ASSERT(nkept > 5); /* both verdicts were seen */
    CU_ASSERT(tries > nkept + 100);
    bxzip_writer_free(w);
    free(kept);
}

/* Many entries (the sets grow many times): late clashes are still seen. */
static void test_writer_names_at_scale(void)
{
    struct bxzip_writer *w = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;
    char name[64];
    int i;

    CU_ASSERT_EQUAL_FATAL(bxzip_writer_new(&w), BX_OK);
    for (i = 0; i < 20000; i++) {
        snprintf(name, sizeof(name), "renditions/s%04d/csv/t%02d.csv", i / 20,
                 i % 20);
        if (bxzip_writer_add(w, name, "", 0, 0) != BX_OK) {
            CU_FAIL(name);
            break;
        }
    }
    /* the first entry again, ignoring case; a directory of the last one;
     * a file below the first one; a file whose directory is a file */
    CU_ASSERT_EQUAL(
        bxzip_writer_add(w, "Renditions/S0000/CSV/T00.CSV", "", 0, 0),
        BX_E_ARG);
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "renditions/s0999", "", 0, 0),
                    BX_E_ARG);
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "renditions", "", 0, 0), BX_E_ARG);
    CU_ASSERT_EQUAL(
        bxzip_writer_add(w, "renditions/s0000/csv/t00.csv/x", "", 0, 0),
        BX_E_ARG);
    /* close to existing names, but no clash */
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "renditions/s0999x", "", 0, 0), BX_OK);
    CU_ASSERT_EQUAL(
        bxzip_writer_add(w, "renditions/s0000/csv/t00.csvx", "", 0, 0), BX_OK);
    CU_ASSERT_EQUAL(bxzip_writer_finish(w, &buf, &len), BX_OK);
    CU_ASSERT(len > 22);
    free(buf);
    bxzip_writer_free(w);
}

/* ---------------------------------------------------------------- */
/* bxzip_deflate()                                                   */
/* ---------------------------------------------------------------- */

/* A page-like text: markup, numbers and Chinese, 'n' bytes (caller frees). */
static unsigned char *page_text(size_t n)
{
    static const char *const rows[] = {
        "<tr><td class=\"code\">2050101</td><td>行政运行</td>"
        "<td class=\"num\">1,234.56</td></tr>\n",
        "<tr><td class=\"code\">2050199</td><td>其他教育管理事务支出</td>"
        "<td class=\"num\">78.90</td></tr>\n",
        "2050201,学前教育,\"3,456.00\",,\n",
        "<p>本部门2024年收入预算合计12,345.67万元。</p>\n"};
    unsigned char *p = malloc(n);
    unsigned long seed = 7;
    size_t i = 0;
    const char *r;
    size_t k;

    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    while (i < n) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        r = rows[(seed >> 33) % 4];
        for (k = 0; r[k] != '\0' && i < n; k++) {
            /* vary the digits so that it is not one repeated row */
            unsigned char ch = (unsigned char)r[k];

            if (ch >= '1' && ch <= '8') {
                ch = (unsigned char)('0' + (seed >> (k % 40)) % 10);
            }
            p[i++] = ch;
        }
    }
    return p;
}

static size_t zlib6_size(const unsigned char *data, size_t len)
{
    uLong room = compressBound((uLong)len);
    unsigned char *out = malloc(room);
    z_stream s;
    size_t n = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(out);
    memset(&s, 0, sizeof(s));
    CU_ASSERT_EQUAL_FATAL(
        deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    s.next_in = (Bytef *)data;
    s.avail_in = (uInt)len;
    s.next_out = out;
    s.avail_out = (uInt)room;
    CU_ASSERT_EQUAL(deflate(&s, Z_FINISH), Z_STREAM_END);
    n = s.total_out;
    deflateEnd(&s);
    free(out);
    return n;
}

/* 'clen' bytes of raw deflate inflate to exactly 'len' bytes 'data'. */
static int inflates_to(const unsigned char *c, size_t clen,
                       const unsigned char *data, size_t len)
{
    unsigned char *out = malloc(len + 1);
    z_stream s;
    int zr;
    int ok;

    if (out == NULL) {
        return 0;
    }
    memset(&s, 0, sizeof(s));
    if (inflateInit2(&s, -15) != Z_OK) {
        free(out);
        return 0;
    }
    s.next_in = (Bytef *)c;
    s.avail_in = (uInt)clen;
    s.next_out = out;
    s.avail_out = (uInt)len + 1;
    zr = inflate(&s, Z_FINISH);
    ok = zr == Z_STREAM_END && s.total_out == len && s.avail_in == 0 &&
         (len == 0 || memcmp(out, data, len) == 0);
    inflateEnd(&s);
    free(out);
    return ok;
}

static void test_deflate_round_trip_crc_and_ratio(void)
{
    static const size_t sizes[] = {0, 1, 300, 2000, 70000, 130000};
    unsigned char *text = page_text(130000);
    unsigned char *c = NULL;
    size_t clen = 0;
    uint32_t crc = 0;
    size_t i;

    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        CU_ASSERT_EQUAL_FATAL(bxzip_deflate(text, sizes[i], &c, &clen, &crc),
                              BX_OK);
        CU_ASSERT(inflates_to(c, clen, text, sizes[i]));
        CU_ASSERT_EQUAL(crc, (uint32_t)crc32(0, text, (uInt)sizes[i]));
        if (sizes[i] >= 2000) {
            /* the ratio of zlib's level 6 at least (not traded for speed) */
            CU_ASSERT(clen <= zlib6_size(text, sizes[i]));
        }
        free(c);
        c = NULL;
    }
    free(text);
}

struct deflate_job {
    const unsigned char *data;
    size_t len;
    unsigned char *c;
    size_t clen;
    int rc;
    char sm3[65];
    char sha256[65];
};

static void *deflate_worker(void *arg)
{
    struct deflate_job *j = arg;
    uint32_t crc;
    int k;

    /* several calls: the thread's compressor is reused */
    for (k = 0; k < 3; k++) {
        free(j->c);
        j->c = NULL;
        j->rc = bxzip_deflate(j->data, j->len, &j->c, &j->clen, &crc);
    }
    if (j->rc == BX_OK) {
        j->rc = util_digest_hex("sm3", j->data, j->len, j->sm3, sizeof(j->sm3));
    }
    if (j->rc == BX_OK) {
        j->rc = util_digest_hex("sha256", j->data, j->len, j->sha256,
                                sizeof(j->sha256));
    }
    return NULL;
}

/* The same bytes and digests whichever thread (and compressor) made them. */
static void test_deflate_and_digests_same_in_every_thread(void)
{
    unsigned char *text = page_text(50000);
    struct deflate_job one;
    struct deflate_job jobs[THREADS];
    pthread_t tid[THREADS];
    int i;

    memset(&one, 0, sizeof(one));
    one.data = text;
    one.len = 50000;
    deflate_worker(&one);
    CU_ASSERT_EQUAL_FATAL(one.rc, BX_OK);
    for (i = 0; i < THREADS; i++) {
        jobs[i] = one;
        jobs[i].c = NULL;
        CU_ASSERT_EQUAL_FATAL(
            pthread_create(&tid[i], NULL, deflate_worker, &jobs[i]), 0);
    }
    for (i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        CU_ASSERT_EQUAL(jobs[i].rc, BX_OK);
        CU_ASSERT_EQUAL(jobs[i].clen, one.clen);
        CU_ASSERT(jobs[i].c != NULL && memcmp(jobs[i].c, one.c, one.clen) == 0);
        CU_ASSERT_STRING_EQUAL(jobs[i].sm3, one.sm3);
        CU_ASSERT_STRING_EQUAL(jobs[i].sha256, one.sha256);
        free(jobs[i].c);
    }
    free(one.c);
    free(text);
}

/* ---------------------------------------------------------------- */
/* Suite                                                             */
/* ---------------------------------------------------------------- */

static const struct {
    const char *name;
    void (*fn)(void);
} tests[] = {
#define T(f)                                                                   \
    {                                                                          \
#f, f                                                                  \
    }
    T(test_writer_names_agree_with_pairwise_check),
    T(test_writer_names_at_scale),
    T(test_deflate_round_trip_crc_and_ratio),
    T(test_deflate_and_digests_same_in_every_thread),
#undef T
};

int bx_test_suite_bundlefast(void)
{
    CU_pSuite suite = CU_add_suite("bundlefast", NULL, NULL);
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
