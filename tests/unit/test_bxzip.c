/*
 * Tests of the ZIP layer: writer round trips and determinism, and the
 * strict reader against hostile archives assembled here byte by byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <zlib.h>

#include "budgetx.h"
#include "bxzip.h"
#include "testutil.h"
#include "util.h"

#define MTIME_2024 INT64_C(1704164646) /* 2024-01-02 03:04:06 UTC */

/* ---------------------------------------------------------------- */
/* Byte buffers and raw deflate                                      */
/* ---------------------------------------------------------------- */

struct tbuf {
    unsigned char *p;
    size_t len;
    size_t cap;
};

static void tb_put(struct tbuf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b->p);
    }
    if (n > 0) {
        memcpy(b->p + b->len, data, n);
    }
    b->len += n;
}

static void tb_u16(struct tbuf *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

    tb_put(b, x, 2);
}

static void tb_u32(struct tbuf *b, uint32_t v)
{
    tb_u16(b, v & 0xffff);
    tb_u16(b, v >> 16);
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static unsigned char *raw_deflate(const void *data, size_t n, size_t *out)
{
    z_stream s;
    uLong cap = compressBound((uLong)n);
    unsigned char *buf = malloc(cap);

    CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
    memset(&s, 0, sizeof(s));
    CU_ASSERT_EQUAL_FATAL(
        deflateInit2(&s, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    s.next_in = (Bytef *)data;
    s.avail_in = (uInt)n;
    s.next_out = buf;
    s.avail_out = (uInt)cap;
    CU_ASSERT_EQUAL_FATAL(deflate(&s, Z_FINISH), Z_STREAM_END);
    *out = s.total_out;
    deflateEnd(&s);
    return buf;
}

/* Pseudo-random bytes, the same on every run. */
static void fill_random(unsigned char *p, size_t n, uint32_t seed)
{
    size_t i;

    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (unsigned char)(seed >> 16);
    }
}

/* ---------------------------------------------------------------- */
/* Hand-made archives: every field can lie                           */
/* ---------------------------------------------------------------- */

struct hz {
    const char *name;
    size_t name_len;        /* set by hz_init; change for embedded NULs */
    const char *local_name; /* NULL: same as name */
    unsigned char *data;    /* bytes as stored (owned) */
    size_t data_len;
    unsigned method, flags, made_by, disk;
    uint32_t attr, crc, csize, size;
    unsigned local_method, local_flags;
    uint32_t local_crc, local_csize, local_size;
    const unsigned char *extra;
    size_t extra_len;
    int descriptor; /* write a signed data descriptor with dd_* */
    uint32_t dd_crc, dd_csize, dd_size;
    long offset;  /* central offset; -1: where the local header lands */
    int no_local; /* write no local header (it lives elsewhere) */
    size_t gap;   /* bytes of junk written before the local header */
};

/* Copy the central values to the local header and data descriptor. */
static void hz_sync(struct hz *e)
{
    e->local_method = e->method;
    e->local_flags = e->flags;
    e->local_crc = e->dd_crc = e->crc;
    e->local_csize = e->dd_csize = e->csize;
    e->local_size = e->dd_size = e->size;
}

/* A truthful regular file 'name', stored or deflated. */
static void hz_init(struct hz *e, const char *name, const void *data,
                    size_t len, int deflate)
{
    memset(e, 0, sizeof(*e));
    e->name = name;
    e->name_len = strlen(name);
    e->made_by = 0x031e;
    e->attr = 0100644u << 16;
    e->offset = -1;
    e->crc = (uint32_t)crc32(0, data, (uInt)len);
    e->size = (uint32_t)len;
    if (deflate) {
        e->method = 8;
        e->data = raw_deflate(data, len, &e->data_len);
    } else {
        e->data = malloc(len + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(e->data);
        memcpy(e->data, data, len);
        e->data_len = len;
    }
    e->csize = (uint32_t)e->data_len;
    hz_sync(e);
}

static void hz_free(struct hz *e, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(e[i].data);
    }
}

static void hz_local(struct tbuf *b, const struct hz *e)
{
    const char *name = e->local_name ? e->local_name : e->name;
    size_t n = e->local_name ? strlen(e->local_name) : e->name_len;

    tb_u32(b, 0x04034b50);
    tb_u16(b, 20);
    tb_u16(b, e->local_flags);
    tb_u16(b, e->local_method);
    tb_u16(b, 0x1883); /* 03:04:06 */
    tb_u16(b, 0x5822); /* 2024-01-02 */
    tb_u32(b, e->local_crc);
    tb_u32(b, e->local_csize);
    tb_u32(b, e->local_size);
    tb_u16(b, (unsigned)n);
    tb_u16(b, (unsigned)e->extra_len);
    tb_put(b, name, n);
    tb_put(b, e->extra, e->extra_len);
    tb_put(b, e->data, e->data_len);
    if (e->descriptor) {
        tb_u32(b, 0x08074b50);
        tb_u32(b, e->dd_crc);
        tb_u32(b, e->dd_csize);
        tb_u32(b, e->dd_size);
    }
}

static void hz_central(struct tbuf *b, const struct hz *e, uint32_t off)
{
    tb_u32(b, 0x02014b50);
    tb_u16(b, e->made_by);
    tb_u16(b, 20);
    tb_u16(b, e->flags);
    tb_u16(b, e->method);
    tb_u16(b, 0x1883);
    tb_u16(b, 0x5822);
    tb_u32(b, e->crc);
    tb_u32(b, e->csize);
    tb_u32(b, e->size);
    tb_u16(b, (unsigned)e->name_len);
    tb_u16(b, (unsigned)e->extra_len);
    tb_u16(b, 0);
    tb_u16(b, e->disk);
    tb_u16(b, 0);
    tb_u32(b, e->attr);
    tb_u32(b, off);
    tb_put(b, e->name, e->name_len);
    tb_put(b, e->extra, e->extra_len);
}

/* Assemble entries, directory and end record ('count' entries declared). */
static void hz_build_count(const struct hz *e, size_t n, unsigned count,
                           struct tbuf *out)
{
    uint32_t offs[16];
    uint32_t cd_off;
    uint32_t cd_size;
    size_t i;

    CU_ASSERT_FATAL(n <= 16);
    memset(out, 0, sizeof(*out));
    for (i = 0; i < n; i++) {
        tb_put(out, "JUNKJUNKJUNKJUNK", e[i].gap < 16 ? e[i].gap : 16);
        offs[i] = e[i].offset >= 0 ? (uint32_t)e[i].offset : (uint32_t)out->len;
        if (!e[i].no_local) {
            hz_local(out, &e[i]);
        }
    }
    cd_off = (uint32_t)out->len;
    for (i = 0; i < n; i++) {
        hz_central(out, &e[i], offs[i]);
    }
    cd_size = (uint32_t)(out->len - cd_off);
    tb_u32(out, 0x06054b50);
    tb_u32(out, 0);
    tb_u16(out, count);
    tb_u16(out, count);
    tb_u32(out, cd_size);
    tb_u32(out, cd_off);
    tb_u16(out, 0);
}

static void hz_build(const struct hz *e, size_t n, struct tbuf *out)
{
    hz_build_count(e, n, (unsigned)n, out);
}

/*
 * Open 'b' under 'lim' and expect status 'want_rc' and, unless 'code' is
 * NULL, an ERROR or FATAL diagnostic with that code.
 */
static void expect_open(const struct tbuf *b, const struct bxzip_limits *lim,
                        int want_rc, const char *code)
{
    struct bx_diags diags;
    struct bxzip_reader *r = NULL;
    int rc;

    bx_diags_init(&diags);
    rc = bxzip_reader_open(b->p, b->len, lim, "t.zip", &diags, &r);
    CU_ASSERT_EQUAL(rc, want_rc);
    if (code != NULL) {
        CU_ASSERT_TRUE(bx_diags_has(&diags, code));
        CU_ASSERT_TRUE(bx_diags_worst(&diags) >= BX_SEV_ERROR);
    }
    CU_ASSERT_EQUAL(r == NULL, rc != BX_OK);
    bxzip_reader_free(r);
    bx_diags_release(&diags);
}

/* Build 'e' (n entries) and expect the open to fail with 'code'. */
static void expect_refused(struct hz *e, size_t n, int want_rc,
                           const char *code)
{
    struct tbuf b;

    hz_build(e, n, &b);
    expect_open(&b, NULL, want_rc, code);
    free(b.p);
    hz_free(e, n);
}

/* One truthful deflated entry named 'name' is refused with 'code'. */
static void expect_name_refused(const char *name, size_t len, const char *code)
{
    struct hz e;

    hz_init(&e, name, "x", 1, 1);
    e.name_len = len;
    expect_refused(&e, 1, BX_E_INVALID, code);
}

/* Open 'b' (must succeed) and extract entry 0, expecting 'want_rc'. */
static void expect_extract(const struct tbuf *b, int want_rc, const char *code)
{
    struct bx_diags diags;
    struct bxzip_reader *r = NULL;
    unsigned char *data = (unsigned char *)"sentinel";
    size_t len = 99;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(
        bxzip_reader_open(b->p, b->len, NULL, "t.zip", &diags, &r), BX_OK);
    CU_ASSERT_EQUAL(bxzip_reader_extract(r, 0, &data, &len, &diags), want_rc);
    if (want_rc != BX_OK) {
        CU_ASSERT_PTR_NULL(data);
        CU_ASSERT_EQUAL(len, 0);
        CU_ASSERT_TRUE(bx_diags_has(&diags, code));
    }
    free(want_rc == BX_OK ? data : NULL);
    bxzip_reader_free(r);
    bx_diags_release(&diags);
}

/* ---------------------------------------------------------------- */
/* Writer helpers                                                    */
/* ---------------------------------------------------------------- */

struct input {
    const char *name;
    const unsigned char *data;
    size_t len;
};

static void write_zip(const struct input *in, size_t n, int64_t mtime,
                      struct tbuf *out)
{
    struct bxzip_writer *w = NULL;
    size_t i;

    memset(out, 0, sizeof(*out));
    CU_ASSERT_EQUAL_FATAL(bxzip_writer_new(&w), BX_OK);
    for (i = 0; i < n; i++) {
        CU_ASSERT_EQUAL_FATAL(
            bxzip_writer_add(w, in[i].name, in[i].data, in[i].len, mtime),
            BX_OK);
    }
    CU_ASSERT_EQUAL_FATAL(bxzip_writer_finish(w, &out->p, &out->len), BX_OK);
    bxzip_writer_free(w);
}

/* Mtime the reader reports for the one entry of a zip written at 't'. */
static int64_t roundtrip_mtime(int64_t t)
{
    struct input in = {"t.txt", (const unsigned char *)"t", 1};
    struct tbuf b;
    struct bxzip_reader *r = NULL;
    int64_t got = -1;

    write_zip(&in, 1, t, &b);
    if (bxzip_reader_open(b.p, b.len, NULL, NULL, NULL, &r) == BX_OK) {
        got = bxzip_reader_entry(r, 0)->mtime_unix;
    }
    bxzip_reader_free(r);
    free(b.p);
    return got;
}

/* ---------------------------------------------------------------- */
/* Writer and round trips                                            */
/* ---------------------------------------------------------------- */

#define BIG_LEN (1024u * 1024u)
#define BIN_LEN 70000u

/* Five inputs: text, empty, Chinese name, 1 MiB compressible, binary. */
static struct input *sample_inputs(size_t *n)
{
    static unsigned char big[BIG_LEN];
    static unsigned char bin[BIN_LEN];
    static struct input in[] = {
        {"readme.txt", (const unsigned char *)"hello, budget\n", 14},
        {"empty.txt", NULL, 0},
        {"数据/预算表.xml", (const unsigned char *)"<预算/>", 9},
        {"data/big.xml", big, BIG_LEN},
        {"data/blob.bin", bin, BIN_LEN},
    };
    size_t i;

    /* compressible like real XML (about 20:1), not like a bomb */
    for (i = 0; i < BIG_LEN; i++) {
        big[i] = (unsigned char)("<row a=\"1\"/>\n"[i % 13] + (i / 4096) % 3);
        if (i % 13 == 8) {
            big[i] = (unsigned char)('0' + (i * 2654435761u >> 20) % 10);
        }
    }
    fill_random(bin, BIN_LEN, 7);
    *n = sizeof(in) / sizeof(in[0]);
    return in;
}

static void test_roundtrip_preserves_names_order_and_bytes(void)
{
    size_t n;
    struct input *in = sample_inputs(&n);
    struct bxzip_reader *r = NULL;
    const struct bxzip_entry *e;
    unsigned char *data;
    struct tbuf b;
    size_t i;
    size_t len;

    write_zip(in, n, MTIME_2024, &b);
    CU_ASSERT_EQUAL_FATAL(
        bxzip_reader_open(b.p, b.len, NULL, "rt.zip", NULL, &r), BX_OK);
    CU_ASSERT_EQUAL_FATAL(bxzip_reader_count(r), n);
    for (i = 0; i < n; i++) {
        e = bxzip_reader_entry(r, i);
        CU_ASSERT_STRING_EQUAL(e->name, in[i].name);
        CU_ASSERT_EQUAL(e->size, in[i].len);
        CU_ASSERT_EQUAL(e->method, 8);
        CU_ASSERT_EQUAL(e->mtime_unix, MTIME_2024);
        CU_ASSERT_EQUAL(e->crc,
                        (uint32_t)crc32(0, in[i].data, (uInt)in[i].len));
        CU_ASSERT_EQUAL_FATAL(bxzip_reader_extract(r, i, &data, &len, NULL),
                              BX_OK);
        CU_ASSERT_EQUAL(len, in[i].len);
        CU_ASSERT(len == 0 || memcmp(data, in[i].data, len) == 0);
        CU_ASSERT_EQUAL(data[len], '\0');
        free(data);
    }
    CU_ASSERT_PTR_NULL(bxzip_reader_entry(r, n));
    CU_ASSERT_TRUE(bxzip_reader_entry(r, 3)->csize < BIG_LEN / 10);
    bxzip_reader_free(r);
    free(b.p);
}

static void test_writer_output_is_deterministic(void)
{
    size_t n;
    struct input *in = sample_inputs(&n);
    struct tbuf a;
    struct tbuf b;

    write_zip(in, n, MTIME_2024, &a);
    write_zip(in, n, MTIME_2024, &b);
    CU_ASSERT_EQUAL(a.len, b.len);
    CU_ASSERT(a.len == b.len && memcmp(a.p, b.p, a.len) == 0);
    free(a.p);
    free(b.p);
}

/* Mark the 4 time/date bytes of every local and central header. */
static void mark_time_fields(const struct tbuf *b, unsigned char *mark)
{
    size_t cd_off = rd32(b->p + b->len - 6);
    size_t count = rd16(b->p + b->len - 12);
    size_t p = cd_off;
    size_t i;
    size_t local;

    for (i = 0; i < count; i++) {
        local = rd32(b->p + p + 42);
        memset(mark + local + 10, 1, 4);
        memset(mark + p + 12, 1, 4);
        p += 46 + rd16(b->p + p + 28);
    }
}

static void test_writer_mtime_changes_only_time_fields(void)
{
    size_t n;
    struct input *in = sample_inputs(&n);
    unsigned char *mark;
    struct tbuf a;
    struct tbuf b;
    size_t diff = 0;
    size_t i;

    write_zip(in, n, MTIME_2024, &a);
    write_zip(in, n, MTIME_2024 + 86400 * 40 + 3600 + 62, &b);
    CU_ASSERT_EQUAL_FATAL(a.len, b.len);
    mark = calloc(1, a.len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mark);
    mark_time_fields(&a, mark);
    for (i = 0; i < a.len; i++) {
        if (a.p[i] != b.p[i]) {
            CU_ASSERT_EQUAL(mark[i], 1);
            diff++;
        }
    }
    /* time and date differ in each of 2 x 5 headers */
    CU_ASSERT_TRUE(diff >= 2 * 2 * n);
    free(mark);
    free(a.p);
    free(b.p);
}

static void test_writer_header_fields_are_documented_values(void)
{
    size_t n;
    struct input *in = sample_inputs(&n);
    struct tbuf b;
    size_t cd;

    write_zip(in, n, MTIME_2024, &b);
    cd = rd32(b.p + b.len - 6);
    CU_ASSERT_EQUAL(rd16(b.p + 6), 0);           /* ASCII name: no flags */
    CU_ASSERT_EQUAL(rd16(b.p + 8), 8);           /* deflate */
    CU_ASSERT_EQUAL(rd16(b.p + 28), 0);          /* no extra field */
    CU_ASSERT_EQUAL(rd16(b.p + cd + 4), 0x031e); /* made by UNIX 3.0 */
    CU_ASSERT_EQUAL(rd32(b.p + cd + 38), 0100644u << 16);
    CU_ASSERT_EQUAL(rd16(b.p + b.len - 2), 0); /* no comment */
    free(b.p);
}

static void test_writer_sets_utf8_flag_only_for_non_ascii_names(void)
{
    struct input in[] = {{"a.txt", (const unsigned char *)"a", 1},
                         {"说明.txt", (const unsigned char *)"b", 1}};
    struct tbuf b;
    size_t second;

    write_zip(in, 2, MTIME_2024, &b);
    second = 30 + 5 + rd32(b.p + 18);
    CU_ASSERT_EQUAL(rd16(b.p + 6) & 0x0800, 0);
    CU_ASSERT_EQUAL(rd32(b.p + second), 0x04034b50);
    CU_ASSERT_EQUAL(rd16(b.p + second + 6) & 0x0800, 0x0800);
    free(b.p);
}

static void test_writer_clamps_and_rounds_dos_time(void)
{
    CU_ASSERT_EQUAL(roundtrip_mtime(0), INT64_C(315532800));
    CU_ASSERT_EQUAL(roundtrip_mtime(-5000000000), INT64_C(315532800));
    CU_ASSERT_EQUAL(roundtrip_mtime(INT64_C(9000000000)), INT64_C(4354819198));
    CU_ASSERT_EQUAL(roundtrip_mtime(INT64_C(1700000001)), INT64_C(1700000000));
    CU_ASSERT_EQUAL(roundtrip_mtime(INT64_C(951782400)), /* 2000-02-29 */
                    INT64_C(951782400));
}

static void test_writer_rejects_unsafe_and_duplicate_names(void)
{
    static const char *const bad[] = {"",
                                      "/abs",
                                      "../x",
                                      "a/../b",
                                      "a\\b",
                                      "c:x",
                                      "a//b",
                                      "./a",
                                      "dir/",
                                      "ctl\x01",
                                      "del\x7f",
                                      "bad\xff",
                                      "\xc2\x85next-line",
                                      "A.TXT",
                                      "a.txt/x",
                                      "sub",
                                      "sub/\xc3\x84.txt",
                                      "a\xcc\x88.txt",
                                      "SUB/\xc3\x84.TXT",
                                      "nul",
                                      "sub/CON.txt",
                                      "trail.",
                                      "trail /x",
                                      "q?x"};
    struct bxzip_writer *w = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;
    size_t i;

    CU_ASSERT_EQUAL_FATAL(bxzip_writer_new(&w), BX_OK);
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "a.txt", "a", 1, 0), BX_OK);
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "sub/x", "x", 1, 0), BX_OK);
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "sub/\xc3\xa4.txt", "x", 1, 0), BX_OK);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (bxzip_writer_add(w, bad[i], "z", 1, 0) != BX_E_ARG) {
            CU_FAIL(bad[i]);
        }
    }
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "sub/y", "y", 1, 0), BX_OK);
    CU_ASSERT_EQUAL(bxzip_writer_add(NULL, "n", "y", 1, 0), BX_E_ARG);
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "n", NULL, 1, 0), BX_E_ARG);
    CU_ASSERT_EQUAL(bxzip_writer_finish(w, &buf, &len), BX_OK);
    CU_ASSERT_EQUAL(rd16(buf + len - 12), 4); /* only the good entries */
    free(buf);
    bxzip_writer_free(w);
}

static void test_writer_refuses_use_after_finish(void)
{
    struct bxzip_writer *w = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;

    CU_ASSERT_EQUAL_FATAL(bxzip_writer_new(&w), BX_OK);
    CU_ASSERT_EQUAL(bxzip_writer_finish(w, &buf, &len), BX_OK);
    CU_ASSERT_EQUAL(len, 22); /* empty archive: the end record alone */
    free(buf);
    buf = NULL;
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "late.txt", "x", 1, 0), BX_E_STATE);
    CU_ASSERT_EQUAL(bxzip_writer_finish(w, &buf, &len), BX_E_STATE);
    CU_ASSERT_PTR_NULL(buf);
    bxzip_writer_free(w);
    bxzip_writer_free(NULL);
}

static void test_writer_refuses_entry_over_4gib(void)
{
    struct bxzip_writer *w = NULL;

    CU_ASSERT_EQUAL_FATAL(bxzip_writer_new(&w), BX_OK);
#if SIZE_MAX > 0xffffffffu
    /* The length is checked before the data is read. */
    CU_ASSERT_EQUAL(bxzip_writer_add(w, "huge", "x", (size_t)0xffffffffu, 0),
                    BX_E_LIMIT);
#endif
    bxzip_writer_free(w);
}

static void test_reader_accepts_empty_archive(void)
{
    struct tbuf b;

    write_zip(NULL, 0, 0, &b);
    expect_open(&b, NULL, BX_OK, NULL);
    free(b.p);
}

/* ---------------------------------------------------------------- */
/* Names                                                             */
/* ---------------------------------------------------------------- */

static void test_reader_rejects_zip_slip_path(void)
{
    expect_name_refused("../evil", 7, "ZIP-PATH");
    expect_name_refused("a/../../evil", 12, "ZIP-PATH");
}

static void test_reader_rejects_absolute_path(void)
{
    expect_name_refused("/etc/x", 6, "ZIP-PATH");
    expect_name_refused("C:/x", 4, "ZIP-PATH");
}

static void test_reader_rejects_backslash_path(void)
{
    expect_name_refused("a\\b", 3, "ZIP-PATH");
    expect_name_refused("..\\evil", 7, "ZIP-PATH");
}

static void test_reader_rejects_control_chars_in_name(void)
{
    expect_name_refused("a\x01"
                        "b",
                        3, "ZIP-PATH");
    expect_name_refused("a\0b", 3, "ZIP-PATH");
    expect_name_refused("a\nb", 3, "ZIP-PATH");
}

static void test_reader_rejects_invalid_utf8_name(void)
{
    expect_name_refused("\xc3\x28", 2, "ZIP-PATH");
    expect_name_refused("\xed\xa0\x80", 3, "ZIP-PATH"); /* surrogate */
    expect_name_refused("\xc0\xaf", 2, "ZIP-PATH");     /* overlong '/' */
}

static void test_reader_rejects_empty_and_dot_components(void)
{
    expect_name_refused("", 0, "ZIP-PATH");
    expect_name_refused("a//b", 4, "ZIP-PATH");
    expect_name_refused("./a", 3, "ZIP-PATH");
}

static void test_reader_rejects_directory_entry(void)
{
    struct hz e;

    expect_name_refused("dir/", 4, "ZIP-DIR");
    hz_init(&e, "dir", "", 0, 0);
    e.attr = 0040755u << 16;
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-DIR");
    hz_init(&e, "dosdir", "", 0, 0);
    e.made_by = 0x0014;
    e.attr = 0x10;
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-DIR");
}

static void test_reader_rejects_duplicate_names(void)
{
    struct hz e[2];

    hz_init(&e[0], "same.xml", "1", 1, 1);
    hz_init(&e[1], "same.xml", "2", 1, 1);
    expect_refused(e, 2, BX_E_INVALID, "ZIP-DUP");
    hz_init(&e[0], "Report.XML", "1", 1, 1);
    hz_init(&e[1], "report.xml", "2", 1, 1);
    expect_refused(e, 2, BX_E_INVALID, "ZIP-DUP");
}

static void test_reader_rejects_file_that_is_also_a_directory(void)
{
    struct hz e[2];

    hz_init(&e[0], "a/b/c.txt", "1", 1, 1);
    hz_init(&e[1], "A/b", "2", 1, 1);
    expect_refused(e, 2, BX_E_INVALID, "ZIP-DUP");
}

static void test_reader_accepts_names_sharing_a_prefix(void)
{
    struct hz e[3];
    struct tbuf b;

    hz_init(&e[0], "a", "1", 1, 1);
    hz_init(&e[1], "a.txt", "2", 1, 1);
    hz_init(&e[2], "ab/c", "3", 1, 1);
    hz_build(e, 3, &b);
    expect_open(&b, NULL, BX_OK, NULL);
    free(b.p);
    hz_free(e, 3);
}

static void test_reader_escapes_hostile_name_in_message(void)
{
    struct bx_diags diags;
    struct bxzip_reader *r = NULL;
    struct hz e;
    struct tbuf b;
    const char *msg;

    hz_init(&e, "../\x1b[31m\xff", "x", 1, 1);
    hz_build(&e, 1, &b);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bxzip_reader_open(b.p, b.len, NULL, "t.zip", &diags, &r),
                    BX_E_INVALID);
    CU_ASSERT_EQUAL_FATAL(diags.count, 1);
    msg = diags.items[0].message_en;
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "'../\\x1B[31m\\xFF'"));
    CU_ASSERT_PTR_NULL(strchr(msg, '\x1b'));
    CU_ASSERT_PTR_NOT_NULL(strstr(diags.items[0].message_zh, "\\xFF"));
    CU_ASSERT_STRING_EQUAL(diags.items[0].file, "t.zip");
    CU_ASSERT_EQUAL(diags.items[0].severity, BX_SEV_ERROR);
    bx_diags_release(&diags);
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_unicode_path_extra_field(void)
{
    static const unsigned char up[] = {0x75, 0x70, 6, 0, 1, 0, 0, 0, 0, 'x'};
    struct hz e;

    hz_init(&e, "good.txt", "x", 1, 1);
    e.extra = up;
    e.extra_len = sizeof(up);
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-PATH");
}

static void test_reader_rejects_malformed_extra_field(void)
{
    static const unsigned char bad[] = {0x55, 0x54, 9, 0, 1};
    struct hz e;

    hz_init(&e, "good.txt", "x", 1, 1);
    e.extra = bad;
    e.extra_len = sizeof(bad);
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-FORMAT");
}

static void test_reader_reports_every_bad_entry(void)
{
    struct bx_diags diags;
    struct bxzip_reader *r = NULL;
    struct hz e[3];
    struct tbuf b;

    hz_init(&e[0], "../one", "1", 1, 1);
    hz_init(&e[1], "fine.txt", "2", 1, 1);
    hz_init(&e[2], "two\\x", "3", 1, 1);
    hz_build(e, 3, &b);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bxzip_reader_open(b.p, b.len, NULL, NULL, &diags, &r),
                    BX_E_INVALID);
    CU_ASSERT_EQUAL(diags.count, 2);
    bx_diags_release(&diags);
    free(b.p);
    hz_free(e, 3);
}

/* ---------------------------------------------------------------- */
/* Entry kinds, encryption, methods                                  */
/* ---------------------------------------------------------------- */

static void test_reader_rejects_symlink_entry(void)
{
    struct hz e;

    hz_init(&e, "link", "/etc/passwd", 11, 0);
    e.attr = 0120777u << 16;
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-SYMLINK");
}

static void test_reader_rejects_special_file_entry(void)
{
    struct hz e;

    hz_init(&e, "fifo", "", 0, 0);
    e.attr = 0010644u << 16;
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-SPECIAL");
}

static void test_reader_rejects_encrypted_entry(void)
{
    struct hz e;

    hz_init(&e, "secret.xml", "xxxxxxxxxxxx", 12, 0);
    e.flags = 1;
    hz_sync(&e);
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-ENCRYPTED");
    hz_init(&e, "aes.xml", "xxxxxxxxxxxx", 12, 0);
    e.method = 99;
    hz_sync(&e);
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-ENCRYPTED");
}

static void test_reader_rejects_unsupported_method(void)
{
    struct hz e;

    hz_init(&e, "bz.xml", "xxxx", 4, 0);
    e.method = 12; /* bzip2 */
    hz_sync(&e);
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-METHOD");
}

static void test_reader_extracts_stored_entry(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "stored.bin", "\x00\x01\x02\xff", 4, 0);
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_OK, NULL);
    free(b.p);
    hz_free(&e, 1);
}

/* ---------------------------------------------------------------- */
/* Headers that disagree                                             */
/* ---------------------------------------------------------------- */

static void test_reader_rejects_local_central_size_mismatch(void)
{
    struct hz e;

    hz_init(&e, "a.xml", "aaaaaaaaaa", 10, 1);
    e.local_size = 1000;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-SIZE-MISMATCH");
    hz_init(&e, "b.xml", "bbbbbbbbbb", 10, 1);
    e.local_csize = e.csize - 1;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-SIZE-MISMATCH");
}

static void test_reader_rejects_stored_entry_with_two_sizes(void)
{
    struct hz e;

    hz_init(&e, "s.bin", "abcd", 4, 0);
    e.size = 3;
    hz_sync(&e);
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-SIZE-MISMATCH");
}

static void test_reader_rejects_local_name_mismatch(void)
{
    struct hz e;

    hz_init(&e, "good.xml", "x", 1, 1);
    e.local_name = "../bad.xml";
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-HEADER-MISMATCH");
}

static void test_reader_rejects_local_method_or_flags_mismatch(void)
{
    struct hz e;

    hz_init(&e, "m.xml", "xxxx", 4, 0);
    e.local_method = 8;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-HEADER-MISMATCH");
    hz_init(&e, "f.xml", "xxxx", 4, 0);
    e.local_flags = 1;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-HEADER-MISMATCH");
}

static void test_reader_rejects_local_crc_mismatch(void)
{
    struct hz e;

    hz_init(&e, "c.xml", "xxxx", 4, 1);
    e.local_crc ^= 1;
    expect_refused(&e, 1, BX_E_INVALID, "ZIP-CRC");
}

static void test_reader_accepts_matching_data_descriptor(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "dd.xml", "descriptor data", 15, 1);
    e.flags = e.local_flags = 0x0008;
    e.descriptor = 1;
    e.local_crc = e.local_csize = e.local_size = 0;
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_OK, NULL);
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_disagreeing_data_descriptor(void)
{
    struct hz e;

    hz_init(&e, "dd.xml", "descriptor data", 15, 1);
    e.flags = e.local_flags = 0x0008;
    e.descriptor = 1;
    e.dd_size = 15000;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-SIZE-MISMATCH");
}

static void test_reader_rejects_overlapping_entries(void)
{
    struct hz e[2];
    struct hz inner;
    struct tbuf in;

    /* 'b' has its local header inside the stored data of 'a'. */
    hz_init(&inner, "b", "hello", 5, 0);
    memset(&in, 0, sizeof(in));
    hz_local(&in, &inner);
    hz_init(&e[0], "a", in.p, in.len, 0);
    e[1] = inner;
    e[1].offset = 30 + 1;
    e[1].no_local = 1;
    expect_refused(e, 2, BX_E_PARSE, "ZIP-OVERLAP");
    free(in.p);
}

static void test_reader_rejects_entry_outside_entry_area(void)
{
    struct hz e;

    hz_init(&e, "far.xml", "x", 1, 1);
    e.offset = 100000;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-TRUNCATED");
}

static void test_reader_rejects_zip64_fields(void)
{
    struct hz e;

    hz_init(&e, "z64.xml", "x", 1, 1);
    e.size = 0xffffffffu;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-FORMAT");
    hz_init(&e, "disk.xml", "x", 1, 1);
    e.disk = 1;
    expect_refused(&e, 1, BX_E_PARSE, "ZIP-FORMAT");
}

/* ---------------------------------------------------------------- */
/* Archive structure                                                 */
/* ---------------------------------------------------------------- */

static void test_reader_rejects_empty_input(void)
{
    struct tbuf b = {NULL, 0, 0};
    struct bx_diags diags;
    struct bxzip_reader *r = NULL;

    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bxzip_reader_open(NULL, 0, NULL, NULL, &diags, &r),
                    BX_E_PARSE);
    CU_ASSERT_EQUAL(bx_diags_worst(&diags), BX_SEV_FATAL);
    bx_diags_release(&diags);
}

static void test_reader_rejects_random_garbage(void)
{
    struct tbuf b;

    b.len = b.cap = 4096;
    b.p = malloc(b.len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b.p);
    fill_random(b.p, b.len, 42);
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    b.len = 21;
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    free(b.p);
}

static void test_reader_rejects_truncated_file(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "t.xml", "some text here", 14, 1);
    hz_build(&e, 1, &b);
    b.len -= 10;
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-TRUNCATED");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_truncated_central_directory(void)
{
    struct hz e[2];
    struct tbuf b;

    hz_init(&e[0], "one.xml", "1", 1, 1);
    hz_init(&e[1], "two.xml", "2", 1, 1);
    hz_build(e, 2, &b);
    /* Cut 10 bytes off the end of the directory; keep the end record. */
    memmove(b.p + b.len - 32, b.p + b.len - 22, 22);
    b.len -= 10;
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-TRUNCATED");
    free(b.p);
    hz_free(e, 2);
}

static void test_reader_rejects_eocd_count_mismatch(void)
{
    struct hz e[2];
    struct tbuf b;

    hz_init(&e[0], "one.xml", "1", 1, 1);
    hz_init(&e[1], "two.xml", "2", 1, 1);
    hz_build_count(e, 2, 3, &b);
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    free(b.p);
    hz_build_count(e, 2, 1, &b);
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    free(b.p);
    hz_free(e, 2);
}

static void test_reader_rejects_multi_disk_and_zip64_end_record(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "one.xml", "1", 1, 1);
    hz_build(&e, 1, &b);
    b.p[b.len - 18] = 1; /* number of this disk */
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    b.p[b.len - 18] = 0;
    memset(b.p + b.len - 14, 0xff, 4); /* both entry counts 0xFFFF */
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_bytes_around_end_record(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "one.xml", "1", 1, 1);
    hz_build(&e, 1, &b);
    tb_put(&b, "junk", 4);
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    b.len -= 4;
    b.p[b.len - 2] = 10; /* a comment longer than what follows */
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-TRUNCATED");
    b.p[b.len - 2] = 4; /* a comment of exactly the junk: a hiding place */
    b.len += 4;
    expect_open(&b, NULL, BX_E_PARSE, "ZIP-FORMAT");
    free(b.p);
    hz_free(&e, 1);
}

/* Prefixes and single-bit flips of a valid zip never crash the reader. */
static void test_reader_survives_truncation_and_bit_flips(void)
{
    struct bxzip_reader *r;
    unsigned char *data;
    struct hz e[2];
    struct tbuf b;
    size_t len;
    size_t i;
    size_t k;
    int bit;

    hz_init(&e[0], "a/one.xml", "<one>111111111111</one>", 23, 1);
    hz_init(&e[1], "two.bin", "\x01\x02\x03", 3, 0);
    hz_build(e, 2, &b);
    for (i = 0; i < b.len; i++) {
        CU_ASSERT_NOT_EQUAL(bxzip_reader_open(b.p, i, NULL, NULL, NULL, &r),
                            BX_OK);
    }
    for (i = 0; i < b.len * 8; i++) {
        bit = 1 << (i % 8);
        b.p[i / 8] ^= (unsigned char)bit;
        if (bxzip_reader_open(b.p, b.len, NULL, NULL, NULL, &r) == BX_OK) {
            for (k = 0; k < bxzip_reader_count(r); k++) {
                if (bxzip_reader_extract(r, k, &data, &len, NULL) == BX_OK) {
                    free(data);
                }
            }
        }
        bxzip_reader_free(r);
        b.p[i / 8] ^= (unsigned char)bit;
    }
    free(b.p);
    hz_free(e, 2);
}

/* ---------------------------------------------------------------- */
/* Data, CRC, limits and bombs                                       */
/* ---------------------------------------------------------------- */

static void test_reader_rejects_bad_crc(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "crc.xml", "checked content", 15, 1);
    e.crc ^= 0x80000000u;
    hz_sync(&e);
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_E_INVALID, "ZIP-CRC");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_corrupt_deflate_data(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "junk.xml", "\xff\xff\xff\xff", 4, 0);
    e.method = 8;
    e.size = 100;
    hz_sync(&e);
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_E_PARSE, "ZIP-FORMAT");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_data_shorter_than_declared(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "short.xml", "only this", 9, 1);
    e.size = 90;
    hz_sync(&e);
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_E_PARSE, "ZIP-SIZE-MISMATCH");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_bytes_after_deflate_stream(void)
{
    struct hz e;
    struct tbuf b;

    hz_init(&e, "tail.xml", "complete stream", 15, 1);
    e.data = realloc(e.data, e.data_len + 5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e.data);
    memcpy(e.data + e.data_len, "junk!", 5);
    e.data_len += 5;
    e.csize = (uint32_t)e.data_len;
    hz_sync(&e);
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_E_PARSE, "ZIP-SIZE-MISMATCH");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_truncated_deflate_stream(void)
{
    static unsigned char text[4000];
    struct hz e;
    struct tbuf b;

    fill_random(text, sizeof(text), 3);
    hz_init(&e, "cut.bin", text, sizeof(text), 1);
    e.data_len /= 2;
    e.csize = (uint32_t)e.data_len;
    hz_sync(&e);
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_E_PARSE, "ZIP-TRUNCATED");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_caps_inflate_of_lying_size(void)
{
    size_t n = 10u * 1024u * 1024u;
    unsigned char *zeros = calloc(1, n);
    struct hz e;
    struct tbuf b;

    CU_ASSERT_PTR_NOT_NULL_FATAL(zeros);
    hz_init(&e, "liar.xml", zeros, n, 1);
    free(zeros);
    e.size = 1000; /* small, so no limit applies before inflating */
    hz_sync(&e);
    hz_build(&e, 1, &b);
    expect_extract(&b, BX_E_LIMIT, "ZIP-BOMB");
    free(b.p);
    hz_free(&e, 1);
}

static void test_reader_rejects_ratio_bomb(void)
{
    size_t n = 100u * 1024u * 1024u;
    unsigned char *zeros = calloc(1, n);
    struct input in = {"bomb.xml", zeros, n};
    struct tbuf b;

    CU_ASSERT_PTR_NOT_NULL_FATAL(zeros);
    write_zip(&in, 1, 0, &b);
    free(zeros);
    expect_open(&b, NULL, BX_E_LIMIT, "ZIP-BOMB");
    free(b.p);
}

static void test_reader_ignores_ratio_of_small_entries(void)
{
    static unsigned char zeros[BXZIP_RATIO_FLOOR];
    struct input in = {"zeros.bin", zeros, sizeof(zeros)};
    struct tbuf b;

    write_zip(&in, 1, 0, &b);
    expect_open(&b, NULL, BX_OK, NULL);
    free(b.p);
}

/* Entries of 1 MiB once escaped the ratio check: 1,000 made 1 GiB. */
static void test_reader_rejects_many_small_bombs(void)
{
    static unsigned char zeros[1024 * 1024];
    struct input in[8];
    char names[8][8];
    struct tbuf b;
    size_t i;

    for (i = 0; i < 8; i++) {
        snprintf(names[i], sizeof(names[i]), "e%zu", i);
        in[i].name = names[i];
        in[i].data = zeros;
        in[i].len = sizeof(zeros);
    }
    write_zip(in, 8, 0, &b);
    expect_open(&b, NULL, BX_E_LIMIT, "ZIP-BOMB");
    free(b.p);
}

/* Entries under the floor each, but far beyond the ratio together. */
static void test_reader_rejects_bomb_of_entries_under_the_floor(void)
{
    static unsigned char zeros[BXZIP_RATIO_FLOOR];
    struct input in[40];
    char names[40][8];
    struct tbuf b;
    size_t i;

    for (i = 0; i < 40; i++) {
        snprintf(names[i], sizeof(names[i]), "e%zu", i);
        in[i].name = names[i];
        in[i].data = zeros;
        in[i].len = sizeof(zeros);
    }
    write_zip(in, 40, 0, &b);
    expect_open(&b, NULL, BX_E_LIMIT, "ZIP-BOMB");
    free(b.p);
}

static int count_sink(void *arg, const void *data, size_t len)
{
    size_t *seen = arg;

    CU_ASSERT_TRUE(len > 0 && len <= 64 * 1024);
    seen[0] += len;
    seen[1]++;
    seen[2] = crc32((uLong)seen[2], data, (uInt)len);
    return BX_OK;
}

static int stop_sink(void *arg, const void *data, size_t len)
{
    (void)arg;
    (void)data;
    (void)len;
    return BX_E_IO;
}

/* Streaming hands out bounded chunks and checks the CRC at the end. */
static void test_reader_streams_entries_in_chunks(void)
{
    size_t n = 300000;
    unsigned char *text = malloc(n);
    struct input in = {"text.txt", NULL, 0};
    struct bxzip_reader *r = NULL;
    size_t seen[3] = {0, 0, 0};
    struct tbuf b;

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    fill_random(text, n, 3);
    memset(text, 'a', n / 2); /* compressible half, random half */
    in.data = text;
    in.len = n;
    write_zip(&in, 1, 0, &b);
    seen[2] = crc32(0, NULL, 0);
    CU_ASSERT_EQUAL_FATAL(bxzip_reader_open(b.p, b.len, NULL, NULL, NULL, &r),
                          BX_OK);
    CU_ASSERT_EQUAL(bxzip_reader_stream(r, 0, count_sink, seen, NULL), BX_OK);
    CU_ASSERT_EQUAL(seen[0], n);
    CU_ASSERT_TRUE(seen[1] >= 5);
    CU_ASSERT_EQUAL(seen[2], crc32(0, text, (uInt)n));
    CU_ASSERT_EQUAL(bxzip_reader_stream(r, 0, stop_sink, NULL, NULL), BX_E_IO);
    CU_ASSERT_EQUAL(bxzip_reader_stream(r, 1, count_sink, seen, NULL),
                    BX_E_ARG);
    bxzip_reader_free(r);
    free(b.p);
    free(text);
}

/* Every byte belongs to an entry: nothing hides before or between them. */
static void test_reader_rejects_hidden_bytes(void)
{
    struct hz e[2];

    hz_init(&e[0], "a.xml", "1", 1, 1);
    e[0].gap = 16;
    expect_refused(e, 1, BX_E_PARSE, "ZIP-FORMAT");
    hz_init(&e[0], "a.xml", "1", 1, 1);
    hz_init(&e[1], "b.xml", "2", 1, 1);
    e[1].gap = 7;
    expect_refused(e, 2, BX_E_PARSE, "ZIP-FORMAT");
}

/* Names equal after case folding or normalisation, or Windows-hostile. */
static void test_reader_rejects_names_that_collide_elsewhere(void)
{
    struct hz e[2];

    hz_init(&e[0], "\xc3\x84.xml", "1", 1, 1); /* Ä */
    hz_init(&e[1], "\xc3\xa4.xml", "2", 1, 1); /* ä */
    expect_refused(e, 2, BX_E_INVALID, "ZIP-DUP");
    hz_init(&e[0],
            "\xc5\x81\xc3\xb3"
            "d\xc5\xba",
            "1", 1, 1); /* Łódź */
    hz_init(&e[1],
            "\xc5\x82\xc3\x93"
            "D\xc5\xb9",
            "2", 1, 1); /* łÓDŹ */
    expect_refused(e, 2, BX_E_INVALID, "ZIP-DUP");
    hz_init(&e[0], "\xd0\x94/a", "1", 1, 1); /* Cyrillic Д as a directory */
    hz_init(&e[1], "\xd0\xb4", "2", 1, 1);   /* д as a file */
    expect_refused(e, 2, BX_E_INVALID, "ZIP-DUP");
    hz_init(&e[0], "\xef\xbc\xa1", "1", 1, 1); /* full-width A */
    hz_init(&e[1], "\xef\xbd\x81", "2", 1, 1); /* full-width a */
    expect_refused(e, 2, BX_E_INVALID, "ZIP-DUP");
    expect_name_refused("a\xcc\x88.xml", 7, "ZIP-PATH");    /* NFD ä */
    expect_name_refused("\xef\xa4\x80.xml", 7, "ZIP-PATH"); /* U+F900 */
    expect_name_refused("report.", 7, "ZIP-PATH");
    expect_name_refused("report ", 7, "ZIP-PATH");
    expect_name_refused("dir./x", 6, "ZIP-PATH");
    expect_name_refused("NUL", 3, "ZIP-PATH");
    expect_name_refused("a/con.xml", 9, "ZIP-PATH");
    expect_name_refused("Com1.txt", 8, "ZIP-PATH");
    expect_name_refused("lpt9", 4, "ZIP-PATH");
    expect_name_refused("a?b", 3, "ZIP-PATH");
    expect_name_refused("a*b", 3, "ZIP-PATH");
    expect_name_refused("a<b>", 4, "ZIP-PATH");
}

/* Chinese, Greek and names close to reserved ones stay readable. */
static void test_reader_accepts_names_close_to_reserved(void)
{
    struct hz e[5];
    struct tbuf b;

    hz_init(&e[0], "console.xml", "1", 1, 1);
    hz_init(&e[1], "com10", "2", 1, 1);
    hz_init(&e[2], "\xe9\xa2\x84\xe7\xae\x97.xml", "3", 1, 1); /* 预算 */
    hz_init(&e[3], "nul_x", "4", 1, 1);
    hz_init(&e[4], ".hidden", "5", 1, 1);
    hz_build(e, 5, &b);
    expect_open(&b, NULL, BX_OK, NULL);
    free(b.p);
    hz_free(e, 5);
}

static void test_reader_enforces_size_and_count_limits(void)
{
    static unsigned char text[1000];
    struct input in[3] = {{"1", text, 1000}, {"2", text, 600}, {"3", text, 10}};
    struct bxzip_limits lim;
    struct tbuf b;

    write_zip(in, 3, 0, &b);
    bxzip_limits_default(&lim);
    lim.max_entry_size = 999;
    expect_open(&b, &lim, BX_E_LIMIT, "ZIP-LIMIT");
    bxzip_limits_default(&lim);
    lim.max_total_size = 1500;
    expect_open(&b, &lim, BX_E_LIMIT, "ZIP-LIMIT");
    bxzip_limits_default(&lim);
    lim.max_entries = 2;
    expect_open(&b, &lim, BX_E_LIMIT, "ZIP-LIMIT");
    memset(&lim, 0, sizeof(lim)); /* zeros: defaults */
    expect_open(&b, &lim, BX_OK, NULL);
    free(b.p);
}

static void test_reader_extract_rejects_bad_index(void)
{
    struct tbuf b;
    struct bxzip_reader *r = NULL;
    unsigned char *data = NULL;
    size_t len = 5;

    write_zip(NULL, 0, 0, &b);
    CU_ASSERT_EQUAL_FATAL(bxzip_reader_open(b.p, b.len, NULL, NULL, NULL, &r),
                          BX_OK);
    CU_ASSERT_EQUAL(bxzip_reader_extract(r, 0, &data, &len, NULL), BX_E_ARG);
    CU_ASSERT_PTR_NULL(data);
    CU_ASSERT_EQUAL(len, 0);
    bxzip_reader_free(r);
    bxzip_reader_free(NULL);
    free(b.p);
}

/* ---------------------------------------------------------------- */
/* Interop: a zip written by Python's zipfile                        */
/* ---------------------------------------------------------------- */

/* Entry 'i' of 'r' is named 'name' and holds 'len' bytes of 'want'. */
static void expect_entry(struct bxzip_reader *r, size_t i, const char *name,
                         const void *want, size_t len)
{
    unsigned char *data = NULL;
    size_t got = 0;

    CU_ASSERT_STRING_EQUAL(bxzip_reader_entry(r, i)->name, name);
    CU_ASSERT_EQUAL(bxzip_reader_extract(r, i, &data, &got, NULL), BX_OK);
    CU_ASSERT_EQUAL(got, len);
    CU_ASSERT(data != NULL && got == len && memcmp(data, want, len) == 0);
    free(data);
}

/* tests/zip/make_fixtures.py writes this archive; keep them in step. */
static void test_reader_reads_python_made_zip(void)
{
    unsigned char bytes[256];
    char lines[2001];
    struct bxzip_reader *r = NULL;
    unsigned char *buf = NULL;
    size_t len = 0;
    size_t i;

    for (i = 0; i < 256; i++) {
        bytes[i] = (unsigned char)i;
    }
    for (i = 0; i < 100; i++) {
        snprintf(lines + i * 20, 21, "line %04zu of budget\n", i);
    }
    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path("tests/fixtures/zip/"
                                                   "python-made.zip"),
                                         1 << 20, &buf, &len),
                          BX_OK);
    CU_ASSERT_EQUAL_FATAL(bxzip_reader_open(buf, len, NULL, NULL, NULL, &r),
                          BX_OK);
    CU_ASSERT_EQUAL_FATAL(bxzip_reader_count(r), 4);
    expect_entry(r, 0, "hello.txt", "hello, world\n", 13);
    expect_entry(r, 1, "数据/说明.txt", "预算公开说明\n", 19);
    expect_entry(r, 2, "bytes.bin", bytes, 256);
    expect_entry(r, 3, "lines.txt", lines, 2000);
    CU_ASSERT_EQUAL(bxzip_reader_entry(r, 2)->method, 0);
    CU_ASSERT_EQUAL(bxzip_reader_entry(r, 3)->method, 8);
    CU_ASSERT_EQUAL(bxzip_reader_entry(r, 0)->mtime_unix, MTIME_2024);
    bxzip_reader_free(r);
    free(buf);
}

/* ---------------------------------------------------------------- */

static const struct {
    const char *name;
    CU_TestFunc fn;
} tests[] = {
#define T(f)                                                                   \
    {                                                                          \
#f, f                                                                  \
    }
    T(test_roundtrip_preserves_names_order_and_bytes),
    T(test_writer_output_is_deterministic),
    T(test_writer_mtime_changes_only_time_fields),
    T(test_writer_header_fields_are_documented_values),
    T(test_writer_sets_utf8_flag_only_for_non_ascii_names),
    T(test_writer_clamps_and_rounds_dos_time),
    T(test_writer_rejects_unsafe_and_duplicate_names),
    T(test_writer_refuses_use_after_finish),
    T(test_writer_refuses_entry_over_4gib),
    T(test_reader_accepts_empty_archive),
    T(test_reader_rejects_zip_slip_path),
    T(test_reader_rejects_absolute_path),
    T(test_reader_rejects_backslash_path),
    T(test_reader_rejects_control_chars_in_name),
    T(test_reader_rejects_invalid_utf8_name),
    T(test_reader_rejects_empty_and_dot_components),
    T(test_reader_rejects_directory_entry),
    T(test_reader_rejects_duplicate_names),
    T(test_reader_rejects_file_that_is_also_a_directory),
    T(test_reader_accepts_names_sharing_a_prefix),
    T(test_reader_escapes_hostile_name_in_message),
    T(test_reader_rejects_unicode_path_extra_field),
    T(test_reader_rejects_malformed_extra_field),
    T(test_reader_reports_every_bad_entry),
    T(test_reader_rejects_symlink_entry),
    T(test_reader_rejects_special_file_entry),
    T(test_reader_rejects_encrypted_entry),
    T(test_reader_rejects_unsupported_method),
    T(test_reader_extracts_stored_entry),
    T(test_reader_rejects_local_central_size_mismatch),
    T(test_reader_rejects_stored_entry_with_two_sizes),
    T(test_reader_rejects_local_name_mismatch),
    T(test_reader_rejects_local_method_or_flags_mismatch),
    T(test_reader_rejects_local_crc_mismatch),
    T(test_reader_accepts_matching_data_descriptor),
    T(test_reader_rejects_disagreeing_data_descriptor),
    T(test_reader_rejects_overlapping_entries),
    T(test_reader_rejects_entry_outside_entry_area),
    T(test_reader_rejects_zip64_fields),
    T(test_reader_rejects_empty_input),
    T(test_reader_rejects_random_garbage),
    T(test_reader_rejects_truncated_file),
    T(test_reader_rejects_truncated_central_directory),
    T(test_reader_rejects_eocd_count_mismatch),
    T(test_reader_rejects_multi_disk_and_zip64_end_record),
    T(test_reader_rejects_bytes_around_end_record),
    T(test_reader_survives_truncation_and_bit_flips),
    T(test_reader_rejects_bad_crc),
    T(test_reader_rejects_corrupt_deflate_data),
    T(test_reader_rejects_data_shorter_than_declared),
    T(test_reader_rejects_bytes_after_deflate_stream),
    T(test_reader_rejects_truncated_deflate_stream),
    T(test_reader_caps_inflate_of_lying_size),
    T(test_reader_rejects_ratio_bomb),
    T(test_reader_ignores_ratio_of_small_entries),
    T(test_reader_rejects_many_small_bombs),
    T(test_reader_rejects_bomb_of_entries_under_the_floor),
    T(test_reader_streams_entries_in_chunks),
    T(test_reader_rejects_hidden_bytes),
    T(test_reader_rejects_names_that_collide_elsewhere),
    T(test_reader_accepts_names_close_to_reserved),
    T(test_reader_enforces_size_and_count_limits),
    T(test_reader_extract_rejects_bad_index),
    T(test_reader_reads_python_made_zip),
#undef T
};

int bx_test_suite_bxzip(void)
{
    CU_pSuite suite = CU_add_suite("bxzip", NULL, NULL);
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
