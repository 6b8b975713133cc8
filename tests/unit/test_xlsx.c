/*
 * Unit tests: the workbook helpers (printed precision of stored numbers,
 * cell references, base64), input sniffing, and a workbook round trip in
 * memory.  End-to-end checks (openpyxl, LibreOffice, hostile workbooks)
 * live in tests/xlsx/run.sh.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "sniff.h"
#include "testutil.h"
#include "util.h"
#include "xlsx.h"

#define SAMPLE "samples/pingdingshan-hitech-service-center-2024.xml"

static struct bx_context *ctx;

static int setup(void)
{
    ctx = test_context();
    return ctx != NULL ? 0 : -1;
}

static int teardown(void)
{
    bx_context_free(ctx);
    return 0;
}

/* xlsx_format_number(v, d) as a string ("ERR" when refused). */
static const char *fmt(const char *v, int d)
{
    static char out[64];

    if (xlsx_format_number(v, d, out, sizeof(out)) != BX_OK) {
        return "ERR";
    }
    return out;
}

static void test_xlsx_numbers_come_back_at_printed_precision(void)
{
    CU_ASSERT_STRING_EQUAL(fmt("179.60000000000002", 1), "179.6");
    CU_ASSERT_STRING_EQUAL(fmt("179.60000000000002", 2), "179.60");
    CU_ASSERT_STRING_EQUAL(fmt("179.6", 0), "180");
    CU_ASSERT_STRING_EQUAL(fmt("0.125", 2), "0.13");
    CU_ASSERT_STRING_EQUAL(fmt("-0.125", 2), "-0.13");
    CU_ASSERT_STRING_EQUAL(fmt("1.505", 2), "1.51");
    CU_ASSERT_STRING_EQUAL(fmt("1.5049999999999999", 2), "1.51");
    CU_ASSERT_STRING_EQUAL(fmt("9.995", 2), "10.00");
    CU_ASSERT_STRING_EQUAL(fmt("0.004", 2), "0.00");
    CU_ASSERT_STRING_EQUAL(fmt("-0.004", 2), "0.00");
    CU_ASSERT_STRING_EQUAL(fmt("1.796E2", 1), "179.6");
    CU_ASSERT_STRING_EQUAL(fmt("5E-3", 3), "0.005");
    CU_ASSERT_STRING_EQUAL(fmt("9910410", 0), "9910410");
    CU_ASSERT_STRING_EQUAL(fmt("0", 1), "0.0");
    CU_ASSERT_STRING_EQUAL(fmt("0.1", -1), "0.1");
    CU_ASSERT_STRING_EQUAL(fmt("179.60000000000002", -1), "179.6");
    CU_ASSERT_STRING_EQUAL(fmt("abc", 1), "ERR");
    CU_ASSERT_STRING_EQUAL(fmt("1.2.3", 1), "ERR");
    CU_ASSERT_STRING_EQUAL(fmt("", 1), "ERR");
    CU_ASSERT_STRING_EQUAL(fmt("1e999", 1), "ERR");
}

static void test_xlsx_parses_cell_references(void)
{
    unsigned long row = 0;
    unsigned col = 0;
    char ref[16];

    CU_ASSERT_EQUAL(xlsx_parse_ref("E12", &row, &col), BX_OK);
    CU_ASSERT_EQUAL(row, 12);
    CU_ASSERT_EQUAL(col, 5);
    CU_ASSERT_EQUAL(xlsx_parse_ref("$AB$3", &row, &col), BX_OK);
    CU_ASSERT_EQUAL(col, 28);
    CU_ASSERT_EQUAL(xlsx_parse_ref("A0", &row, &col), BX_E_ARG);
    CU_ASSERT_EQUAL(xlsx_parse_ref("12", &row, &col), BX_E_ARG);
    CU_ASSERT_EQUAL(xlsx_parse_ref("A1048577", &row, &col), BX_E_ARG);
    xlsx_ref_format(12, 5, ref, sizeof(ref));
    CU_ASSERT_STRING_EQUAL(ref, "E12");
    xlsx_ref_format(3, 28, ref, sizeof(ref));
    CU_ASSERT_STRING_EQUAL(ref, "AB3");
}

static void test_xlsx_base64_round_trips(void)
{
    const unsigned char in[] = "\x00\xff budgetx 预算";
    struct bx_buf b;
    unsigned char *out = NULL;
    size_t len = 0;
    size_t n;

    for (n = 0; n <= sizeof(in); n++) {
        buf_init(&b);
        CU_ASSERT_EQUAL(xlsx_base64_append(&b, in, n), BX_OK);
        CU_ASSERT_EQUAL(
            xlsx_base64_decode(b.data ? b.data : "", b.len, &out, &len), BX_OK);
        CU_ASSERT_EQUAL(len, n);
        CU_ASSERT(n == 0 || memcmp(out, in, n) == 0);
        free(out);
        buf_release(&b);
    }
    CU_ASSERT_EQUAL(xlsx_base64_decode("ab!c", 4, &out, &len), BX_E_PARSE);
}

static void test_xlsx_sniffing_names_what_a_file_is(void)
{
    struct bx_diags d;
    static const struct {
        const char *bytes;
        const char *code;
    } cases[] = {
        {"%PDF-1.7\n", "INPUT-PDF"},
        {"PK\003\004rest", "INPUT-ZIP"},
        {"\xD0\xCF\x11\xE0\xA1\xB1", "INPUT-OLE"},
        {"code,name\n060,x\n", "INPUT-CSV"},
        {"\xb2\xbf\xc3\xc5\n", "INPUT-ENCODING"},
        {"<?xml version=\"1.0\"?><a>\xb2\xbf</a>", "INPUT-ENCODING"},
        {"<?xml version=\"1.0\" encoding=\"GB18030\"?><a>\xb2\xbf</a>", NULL},
        {"\xEF\xBB\xBF<a/>", NULL},
        {"  <a>x,y</a>", NULL}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bx_diags_init(&d);
        CU_ASSERT_EQUAL(sniff_refuse((const unsigned char *)cases[i].bytes,
                                     strlen(cases[i].bytes), "f", &d),
                        cases[i].code ? BX_E_PARSE : BX_OK);
        CU_ASSERT_EQUAL(d.count, cases[i].code ? 1u : 0u);
        if (cases[i].code != NULL && d.count == 1) {
            CU_ASSERT_STRING_EQUAL(d.items[0].code, cases[i].code);
        }
        bx_diags_release(&d);
    }
}

/* convert --to xlsx, then back: the same bytes, findings with cells. */
static void test_xlsx_round_trip_gives_the_same_document(void)
{
    struct bx_submission *sub = NULL;
    struct bx_xlsx_import *imp = NULL;
    struct bx_output out;
    struct bx_output back;
    struct bx_diags d;
    struct bx_diag one;
    const unsigned char *src;
    size_t srclen;
    char path[] = "/tmp/bx-xlsx-XXXXXX";
    int fd;

    bx_diags_init(&d);
    bx_output_init(&out);
    bx_output_init(&back);
    CU_ASSERT_EQUAL_FATAL(bx_submission_load(ctx, test_path(SAMPLE), &d, &sub),
                          BX_OK);
    CU_ASSERT_EQUAL_FATAL(bx_transform(ctx, sub, "xlsx", NULL, &d, &out),
                          BX_OK);
    CU_ASSERT_STRING_EQUAL(out.files[0].name, "disclosure.xlsx");
    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    CU_ASSERT_EQUAL(write(fd, out.files[0].data, out.files[0].len),
                    (ssize_t)out.files[0].len);
    close(fd);
    CU_ASSERT_EQUAL(bx_xlsx_import(ctx, path, &d, &back, &imp), BX_OK);
    CU_ASSERT_EQUAL(d.count, 0);
    src = bx_submission_bytes(sub, &srclen);
    CU_ASSERT_EQUAL_FATAL(back.count, 1);
    CU_ASSERT_EQUAL(back.files[0].len, srclen);
    CU_ASSERT(memcmp(back.files[0].data, src, srclen) == 0);
    /* a finding about 表二's total comes back with its cell */
    memset(&one, 0, sizeof(one));
    one.severity = BX_SEV_ERROR;
    one.code = "T";
    one.xpath = "/bx:disclosure/bx:tables/bx:incomeSummary/bx:total/@gpb";
    bx_diags_add(&d, &one);
    CU_ASSERT_EQUAL(bx_xlsx_locate(imp, &d), BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d.items[0].cell);
    CU_ASSERT_STRING_EQUAL(d.items[0].cell, "'表二 部门收入总体情况表'!E6");
    unlink(path);
    bx_xlsx_import_free(imp);
    bx_output_release(&out);
    bx_output_release(&back);
    bx_diags_release(&d);
    bx_submission_free(sub);
}

int bx_test_suite_xlsx(void)
{
    CU_pSuite s = CU_add_suite("xlsx", setup, teardown);

    if (s == NULL ||
        !CU_add_test(s, "numbers come back at printed precision",
                     test_xlsx_numbers_come_back_at_printed_precision) ||
        !CU_add_test(s, "parses cell references",
                     test_xlsx_parses_cell_references) ||
        !CU_add_test(s, "base64 round trips", test_xlsx_base64_round_trips) ||
        !CU_add_test(s, "sniffing names what a file is",
                     test_xlsx_sniffing_names_what_a_file_is) ||
        !CU_add_test(s, "round trip gives the same document",
                     test_xlsx_round_trip_gives_the_same_document)) {
        return -1;
    }
    return 0;
}
