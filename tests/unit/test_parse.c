/*
 * Unit tests: a submission parsed as its file is read
 * (bx_context_read_as_parsed()) is judged exactly as one read whole:
 * the same status, findings (codes, lines, messages), SHA-256 and tree,
 * for accepted, malformed, hostile, GB 18030, UTF-16, gzip and over-cap
 * files.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <libxml/tree.h>
#include <zlib.h>

#include "budgetx.h"
#include "internal.h"
#include "testutil.h"
#include "util.h"

static struct bx_context *ctx;
static char dir[4096];

static int setup(void)
{
    const char *tmp = getenv("TMPDIR");

    ctx = test_context();
    snprintf(dir, sizeof(dir), "%s/bx-unit-parse.XXXXXX",
             tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
    return ctx != NULL && mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void)
{
    bx_context_free(ctx);
    return rmdir(dir) == 0 ? 0 : -1;
}

static int same_text(const char *a, const char *b)
{
    return (a == NULL && b == NULL) ||
           (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The serialised tree of 'sub' (NULL if none); caller frees. */
static xmlChar *dump(const struct bx_submission *sub, int *len)
{
    xmlChar *text = NULL;

    *len = 0;
    if (sub != NULL && sub->doc != NULL) {
        xmlDocDumpMemory(sub->doc, &text, len);
    }
    return text;
}

/*
 * Load 'len' bytes written to a file with 'c' both ways and compare;
 * 'streamed': the second load keeps no bytes.  Returns the status.
 */
static int same_load(struct bx_context *c, const void *bytes, size_t len,
                     int streamed)
{
    char path[4200];
    struct bx_diags whole;
    struct bx_diags piecewise;
    struct bx_submission *a = NULL;
    struct bx_submission *b = NULL;
    xmlChar *ta;
    xmlChar *tb;
    int la;
    int lb;
    size_t i;
    size_t n;
    int rc;
    FILE *f;

    snprintf(path, sizeof(path), "%s/doc.xml", dir);
    f = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(fwrite(bytes, 1, len, f), len);
    fclose(f);
    bx_diags_init(&whole);
    bx_diags_init(&piecewise);
    bx_context_read_as_parsed(c, 0);
    rc = bx_submission_load(c, path, &whole, &a);
    bx_context_read_as_parsed(c, 1);
    CU_ASSERT_EQUAL(bx_submission_load(c, path, &piecewise, &b), rc);
    bx_context_read_as_parsed(c, 0);
    CU_ASSERT_EQUAL(whole.count, piecewise.count);
    for (i = 0; i < whole.count && i < piecewise.count; i++) {
        CU_ASSERT_STRING_EQUAL(whole.items[i].code, piecewise.items[i].code);
        CU_ASSERT_EQUAL(whole.items[i].line, piecewise.items[i].line);
        CU_ASSERT_EQUAL(whole.items[i].column, piecewise.items[i].column);
        CU_ASSERT_TRUE(same_text(whole.items[i].message_en,
                                 piecewise.items[i].message_en));
        CU_ASSERT_TRUE(
            same_text(whole.items[i].xpath, piecewise.items[i].xpath));
    }
    CU_ASSERT_EQUAL(a != NULL, b != NULL);
    if (a != NULL && b != NULL) {
        CU_ASSERT_STRING_EQUAL(bx_submission_sha256(a),
                               bx_submission_sha256(b));
        CU_ASSERT_EQUAL(bx_submission_bytes(b, &n) == NULL, streamed);
        ta = dump(a, &la);
        tb = dump(b, &lb);
        CU_ASSERT_TRUE(la > 0 && la == lb && memcmp(ta, tb, (size_t)la) == 0);
        xmlFree(ta);
        xmlFree(tb);
    }
    bx_submission_free(a);
    bx_submission_free(b);
    bx_diags_release(&whole);
    bx_diags_release(&piecewise);
    unlink(path);
    return rc;
}

static int same_text_load(const char *text, int streamed)
{
    return same_load(ctx, text, strlen(text), streamed);
}

/* A document of 'rows' lines, before 'tail'; GB 18030 when 'gb'. */
static char *rows_doc(unsigned rows, int gb, const char *tail, size_t *len)
{
    struct bx_buf b;
    unsigned i;

    buf_init(&b);
    buf_printf(&b, "<?xml version=\"1.0\" encoding=\"%s\"?>\n<a>\n",
               gb ? "GB18030" : "UTF-8");
    for (i = 0; i < rows; i++) {
        /* 预算 */
        buf_printf(&b, "<r v=\"%s%u\">%*u</r>\n",
                   gb ? "\xd4\xa4\xcb\xe3" : "\xe9\xa2\x84\xe7\xae\x97", i,
                   (int)(i % 5), i);
    }
    buf_puts(&b, tail);
    return buf_take(&b, len);
}

static void test_sample_and_large_documents(void)
{
    unsigned char *sample = NULL;
    size_t len = 0;
    char *text;

    CU_ASSERT_EQUAL_FATAL(
        util_read_file(
            test_path("samples/pingdingshan-hitech-service-center-2024.xml"),
            1u << 24, &sample, &len),
        BX_OK);
    CU_ASSERT_EQUAL(same_load(ctx, sample, len, 1), BX_OK);
    free(sample);
    text = rows_doc(20000, 1, "</a>\n", &len);
    CU_ASSERT_EQUAL(same_load(ctx, text, len, 1), BX_OK);
    free(text);
    text = rows_doc(20000, 0, "</a>\n", &len);
    CU_ASSERT_EQUAL(same_load(ctx, text, len, 1), BX_OK);
    free(text);
}

static void test_malformed_keeps_its_line(void)
{
    size_t len;
    char *text = rows_doc(20000, 1, "<b>\n</a>\n", &len);

    CU_ASSERT_EQUAL(same_load(ctx, text, len, 1), BX_E_PARSE);
    free(text);
    CU_ASSERT_EQUAL(same_text_load("", 1), BX_E_PARSE);
    CU_ASSERT_EQUAL(same_text_load("<a>", 1), BX_E_PARSE);
    CU_ASSERT_EQUAL(same_text_load("%PDF-1.4 x", 1), BX_E_PARSE);
    CU_ASSERT_EQUAL(same_text_load("a,b,c\n1,2,3\n", 1), BX_E_PARSE);
    CU_ASSERT_EQUAL(same_text_load("<!DOCTYPE a [<!ENTITY x \"y\">]><a/>", 1),
                    BX_E_PARSE);
}

/* A NUL anywhere is refused alone, whatever the parser saw before it. */
static void test_nul_deep_in_the_file(void)
{
    size_t len;
    char *text = rows_doc(20000, 0, "</a>\n", &len);
    char *doctype;

    text[len - 3] = '\0'; /* in the end tag, far past the first piece */
    CU_ASSERT_EQUAL(same_load(ctx, text, len, 1), BX_E_PARSE);
    text[len - 3] = 'a';
    /* after the root element: libxml2 alone would stop at it */
    text = realloc(text, len + 10);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    memcpy(text + len, "\0garbage", 8);
    CU_ASSERT_EQUAL(same_load(ctx, text, len + 8, 1), BX_E_PARSE);
    free(text);
    /* a DOCTYPE stops the parse; the NUL after it still decides */
    doctype = rows_doc(20000, 0, "</a>\n", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doctype);
    memcpy(doctype + 39, "<!DOCTYPE a>", 12); /* over "\n<a>\n<r v=..." */
    doctype[len - 1] = '\0';
    CU_ASSERT_EQUAL(same_load(ctx, doctype, len, 1), BX_E_PARSE);
    free(doctype);
}

static void test_utf16(void)
{
    /* "<a>x</a>" in UTF-16LE with a BOM; then with a NUL unit */
    static const char ok[] = "\xff\xfe<\0a\0>\0x\0<\0/\0a\0>\0";
    static const char nul[] = "\xff\xfe<\0a\0>\0\0\0<\0/\0a\0>\0";

    /* (sniff_refuse() looks for '<' first: both are refused alike) */
    (void)same_load(ctx, ok, sizeof(ok) - 1, 1);
    CU_ASSERT_EQUAL(same_load(ctx, nul, sizeof(nul) - 1, 1), BX_E_PARSE);
}

/* gzip files are inflated whole (under the cap): their bytes are kept. */
static void test_gzip_is_read_whole(void)
{
    static const char text[] = "<a>gz</a>";
    unsigned char gz[256];
    z_stream zs;

    memset(&zs, 0, sizeof(zs));
    CU_ASSERT_EQUAL_FATAL(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                       Z_DEFAULT_STRATEGY),
                          Z_OK);
    zs.next_in = (unsigned char *)text;
    zs.avail_in = sizeof(text) - 1;
    zs.next_out = gz;
    zs.avail_out = sizeof(gz);
    CU_ASSERT_EQUAL(deflate(&zs, Z_FINISH), Z_STREAM_END);
    CU_ASSERT_EQUAL(same_load(ctx, gz, zs.total_out, 0), BX_OK);
    deflateEnd(&zs);
}

static void test_over_the_size_cap(void)
{
    struct bx_options opts;
    struct bx_diags diags;
    struct bx_context *small = NULL;
    size_t len;
    char *text = rows_doc(200, 0, "</a>\n", &len);

    bx_options_init(&opts);
    opts.data_dir = test_root();
    opts.limits.max_bytes = len - 1;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(bx_context_new(&opts, &diags, &small), BX_OK);
    CU_ASSERT_EQUAL(same_load(small, text, len, 1), BX_E_LIMIT);
    CU_ASSERT_EQUAL(same_load(small, text, len - 1, 1), BX_OK);
    bx_context_free(small);
    bx_diags_release(&diags);
    free(text);
}

int bx_test_suite_parse(void)
{
    CU_pSuite s = CU_add_suite("parse", setup, teardown);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_sample_and_large_documents);
    CU_ADD_TEST(s, test_malformed_keeps_its_line);
    CU_ADD_TEST(s, test_nul_deep_in_the_file);
    CU_ADD_TEST(s, test_utf16);
    CU_ADD_TEST(s, test_gzip_is_read_whole);
    CU_ADD_TEST(s, test_over_the_size_cap);
    return CU_get_error();
}
