/*
 * Unit tests: renditions (html, csv, json, platform and back), the
 * compile-once cache, the locked-down stylesheet sandbox and atomic
 * output writing.  End-to-end golden files live in tests/convert/.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "testutil.h"
#include "transform.h"
#include "util.h"
#include "xslt_grid.h"

#define SAMPLE "samples/pingdingshan-hitech-service-center-2024.xml"
#define SAMPLE_YUAN "samples/example-district-health-commission-2024.xml"

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

static struct bx_submission *load(const char *rel)
{
    struct bx_submission *sub = NULL;
    struct bx_diags diags;

    bx_diags_init(&diags);
    bx_submission_load(ctx, test_path(rel), &diags, &sub);
    bx_diags_release(&diags);
    return sub;
}

/* Render 'rel' as 'format'; the status, files in 'out'. */
static int render(const char *rel, const char *format,
                  const struct bx_transform_opts *o, struct bx_output *out)
{
    struct bx_submission *sub = load(rel);
    struct bx_diags diags;
    int rc;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    bx_diags_init(&diags);
    rc = bx_transform(ctx, sub, format, o, &diags, out);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    bx_submission_free(sub);
    return rc;
}

static const struct bx_output_file *find(const struct bx_output *out,
                                         const char *name)
{
    size_t i;

    for (i = 0; i < out->count; i++) {
        if (strcmp(out->files[i].name, name) == 0) {
            return &out->files[i];
        }
    }
    return NULL;
}

static int contains(const struct bx_output_file *f, const char *s)
{
    return f != NULL && strstr((const char *)f->data, s) != NULL;
}

/* ------------------------------------------------------------------ */

static void test_transform_lists_the_formats(void)
{
    size_t n = 0;
    const struct bx_format_info *f = bx_transform_formats(&n);

    CU_ASSERT_EQUAL(n, 5);
    CU_ASSERT_STRING_EQUAL(f[0].name, "html");
    CU_ASSERT_TRUE(bx_transform_format("xlsx")->can_import);
    CU_ASSERT_PTR_NOT_NULL(bx_transform_format("csv"));
    CU_ASSERT_TRUE(bx_transform_format("csv")->directory);
    CU_ASSERT_TRUE(bx_transform_format("platform")->can_import);
    CU_ASSERT_FALSE(bx_transform_format("json")->can_import);
    CU_ASSERT_PTR_NULL(bx_transform_format("pdf"));
    CU_ASSERT_PTR_NULL(bx_transform_format(NULL));
}

static void test_transform_rejects_unknown_format(void)
{
    struct bx_output out;

    bx_output_init(&out);
    CU_ASSERT_EQUAL(render(SAMPLE, "pdf", NULL, &out), BX_E_ARG);
    CU_ASSERT_EQUAL(out.count, 0);
    bx_output_release(&out);
}

static void test_transform_html_is_one_self_contained_page(void)
{
    struct bx_output out;
    const struct bx_output_file *f;

    bx_output_init(&out);
    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "html", NULL, &out), BX_OK);
    CU_ASSERT_EQUAL_FATAL(out.count, 1);
    CU_ASSERT_FALSE(out.directory);
    f = &out.files[0];
    CU_ASSERT_STRING_EQUAL(f->name, "disclosure.html");
    CU_ASSERT_EQUAL(strncmp((const char *)f->data, "<!DOCTYPE html>", 15), 0);
    CU_ASSERT_TRUE(contains(f, "部门收支总体情况表"));
    CU_ASSERT_TRUE(contains(f, "<th colspan=\"11\">本年收入</th>"));
    CU_ASSERT_TRUE(contains(f, "@page wide"));
    CU_ASSERT_FALSE(contains(f, "<script"));
    CU_ASSERT_FALSE(contains(f, "<link"));
    CU_ASSERT_FALSE(contains(f, "src="));
    bx_output_release(&out);
}

static void test_transform_html_en_adds_english_labels(void)
{
    struct bx_transform_opts o;
    struct bx_output out;

    bx_transform_opts_init(&o);
    o.lang = BX_LANG_EN;
    bx_output_init(&out);
    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "html", &o, &out), BX_OK);
    CU_ASSERT_TRUE(contains(&out.files[0], "部门收入总体情况表"));
    CU_ASSERT_TRUE(contains(&out.files[0], "Departmental income overview"));
    bx_output_release(&out);
}

static void test_transform_json_keeps_amounts_as_printed(void)
{
    struct bx_output out;
    const struct bx_output_file *f;

    bx_output_init(&out);
    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "json", NULL, &out), BX_OK);
    f = &out.files[0];
    CU_ASSERT_STRING_EQUAL(f->name, "disclosure.json");
    /* 八、社会保障和就业 4.0: the digits as printed, not 4 */
    CU_ASSERT_TRUE(
        contains(f, "\"label\": \"八、社会保障和就业\", \"amount\": 4.0}"));
    CU_ASSERT_TRUE(contains(f, "\"code\": \"060\""));
    CU_ASSERT_TRUE(contains(f, "\"unitFunds\": null"));
    bx_output_release(&out);
}

static void test_transform_csv_gives_one_file_per_table(void)
{
    struct bx_output out;
    const struct bx_output_file *f;

    bx_output_init(&out);
    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "csv", NULL, &out), BX_OK);
    CU_ASSERT_TRUE(out.directory);
    CU_ASSERT_EQUAL(out.count, 15);
    CU_ASSERT_STRING_EQUAL(out.files[0].name, "index.csv");
    f = find(&out, "t06-gpb-basic.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    CU_ASSERT_EQUAL(memcmp(f->data, "\xEF\xBB\xBF", 3), 0);
    CU_ASSERT_TRUE(contains(f, "\r\n30199,其他工资福利支出,50101,"));
    f = find(&out, "t02-income-summary.csv");
    CU_ASSERT_TRUE(contains(f, "\r\n060,"));
    bx_output_release(&out);
}

static void test_transform_csv_encodes_gb18030(void)
{
    struct bx_transform_opts o;
    struct bx_output out;
    const struct bx_output_file *f;

    bx_transform_opts_init(&o);
    o.encoding = BX_ENC_GB18030;
    bx_output_init(&out);
    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "csv", &o, &out), BX_OK);
    f = find(&out, "t01-budget-summary.csv");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    /* 收入 in GB 18030, no byte order mark */
    CU_ASSERT_EQUAL(memcmp(f->data, "\xCA\xD5\xC8\xEB,", 5), 0);
    CU_ASSERT_STRING_EQUAL(f->media_type, "text/csv; charset=gb18030");
    bx_output_release(&out);
}

static void test_transform_encode_handles_every_unicode_character(void)
{
    unsigned char *out = NULL;
    size_t len = 0;

    /* U+10000 needs a four-byte GB 18030 sequence */
    CU_ASSERT_EQUAL(
        transform_encode("\xF0\x90\x80\x80", 4, BX_ENC_GB18030, 0, &out, &len),
        BX_OK);
    CU_ASSERT_EQUAL(len, 4);
    CU_ASSERT_EQUAL(memcmp(out, "\x90\x30\x81\x30", 4), 0);
    free(out);
    CU_ASSERT_EQUAL(transform_encode("\xFF", 1, BX_ENC_GB18030, 0, &out, &len),
                    BX_E_DATA);
    CU_ASSERT_PTR_NULL(out);
    CU_ASSERT_EQUAL(transform_encode("a", 1, BX_ENC_UTF8, 1, &out, &len),
                    BX_OK);
    CU_ASSERT_EQUAL(len, 4);
    free(out);
}

static void test_transform_platform_amounts_are_exact_yuan(void)
{
    struct bx_output out;
    const struct bx_output_file *f;

    bx_output_init(&out);
    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "platform", NULL, &out), BX_OK);
    f = &out.files[0];
    /* 179.6 万元: 1796000 元, not 1795999.9999999998 */
    CU_ASSERT_TRUE(contains(f, "<AMOUNT>1796000</AMOUNT>"));
    /* printed "0" while the table declares 1 decimal */
    CU_ASSERT_TRUE(contains(f, "<AMOUNT DP=\"0\">0</AMOUNT>"));
    CU_ASSERT_TRUE(contains(f, "<DEP_BGT_ECO_CODE>30199</DEP_BGT_ECO_CODE>"));
    CU_ASSERT_TRUE(contains(f, "<DISPLAY_DECIMALS>1</DISPLAY_DECIMALS>"));
    bx_output_release(&out);
}

/* platform(import(platform(x))) is platform(x), byte for byte. */
static void roundtrip(const char *rel)
{
    struct bx_output first;
    struct bx_output back;
    struct bx_output again;
    struct bx_submission *p = NULL;
    struct bx_submission *d = NULL;
    struct bx_diags diags;

    bx_output_init(&first);
    bx_output_init(&back);
    bx_output_init(&again);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(render(rel, "platform", NULL, &first), BX_OK);
    CU_ASSERT_EQUAL_FATAL(bx_submission_load_memory(ctx, first.files[0].data,
                                                    first.files[0].len, "p",
                                                    &diags, &p),
                          BX_OK);
    CU_ASSERT_EQUAL(
        bx_transform_import(ctx, p, "platform", NULL, &diags, &back), BX_OK);
    CU_ASSERT_EQUAL_FATAL(back.count, 1);
    CU_ASSERT_EQUAL(bx_submission_load_memory(ctx, back.files[0].data,
                                              back.files[0].len, "d", &diags,
                                              &d),
                    BX_OK);
    CU_ASSERT_EQUAL(bx_validate_schema(ctx, d, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_submission_schema_valid(d), 1);
    CU_ASSERT_EQUAL(bx_transform(ctx, d, "platform", NULL, &diags, &again),
                    BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    CU_ASSERT_EQUAL_FATAL(again.count, 1);
    CU_ASSERT_EQUAL(again.files[0].len, first.files[0].len);
    CU_ASSERT_EQUAL(
        memcmp(again.files[0].data, first.files[0].data, first.files[0].len),
        0);
    bx_submission_free(p);
    bx_submission_free(d);
    bx_diags_release(&diags);
    bx_output_release(&first);
    bx_output_release(&back);
    bx_output_release(&again);
}

static void test_transform_platform_round_trip_in_wan_yuan(void)
{
    roundtrip(SAMPLE);
}

static void test_transform_platform_round_trip_in_yuan(void)
{
    roundtrip(SAMPLE_YUAN);
}

static void test_transform_import_refuses_a_disclosure(void)
{
    struct bx_submission *sub = load(SAMPLE);
    struct bx_output out;
    struct bx_diags diags;

    bx_output_init(&out);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(
        bx_transform_import(ctx, sub, "platform", NULL, &diags, &out),
        BX_E_INVALID);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "CONVERT-NOT-PLATFORM"));
    CU_ASSERT_EQUAL(out.count, 0);
    CU_ASSERT_EQUAL(bx_transform_import(ctx, sub, "html", NULL, &diags, &out),
                    BX_E_ARG);
    bx_diags_release(&diags);
    bx_output_release(&out);
    bx_submission_free(sub);
}

static void test_transform_import_validates_the_platform_document(void)
{
    static const char doc[] =
        "<BudgetDisclosure xmlns='urn:budgetx:platform:1' VERSION='1'>"
        "<HEADER/></BudgetDisclosure>";
    struct bx_submission *sub = NULL;
    struct bx_output out;
    struct bx_diags diags;

    bx_output_init(&out);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(bx_submission_load_memory(ctx, doc, sizeof(doc) - 1,
                                                    "bad.xml", &diags, &sub),
                          BX_OK);
    CU_ASSERT_EQUAL(
        bx_transform_import(ctx, sub, "platform", NULL, &diags, &out),
        BX_E_INVALID);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "PLATFORM-XSD"));
    CU_ASSERT_EQUAL(out.count, 0);
    bx_diags_release(&diags);
    bx_output_release(&out);
    bx_submission_free(sub);
}

/* Render 'sub' as html and csv in language 'lang' into 'out'. */
static void render_grid_formats(struct bx_submission *sub, enum bx_lang lang,
                                struct bx_output *out)
{
    struct bx_transform_opts o;
    struct bx_diags diags;

    bx_transform_opts_init(&o);
    o.lang = lang;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_transform(ctx, sub, "html", &o, &diags, out), BX_OK);
    CU_ASSERT_EQUAL(bx_transform(ctx, sub, "csv", &o, &diags, out), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
}

/* Are the files of 'a' and 'b' the same, byte for byte? */
static int same_output(const struct bx_output *a, const struct bx_output *b)
{
    size_t i;

    if (a->count != b->count) {
        return 0;
    }
    for (i = 0; i < a->count; i++) {
        if (strcmp(a->files[i].name, b->files[i].name) != 0 ||
            a->files[i].len != b->files[i].len ||
            memcmp(a->files[i].data, b->files[i].data, a->files[i].len) != 0) {
            return 0;
        }
    }
    return 1;
}

static void test_transform_shared_grids_give_the_same_bytes(void)
{
    static const enum bx_lang langs[] = {BX_LANG_ZH, BX_LANG_EN};
    struct bx_submission *sub = load(SAMPLE);
    struct bx_submission *other = load(SAMPLE_YUAN);
    struct bx_output own;
    struct bx_output shared;
    struct bx_output lent;
    struct bx_diags diags;
    struct _xmlDoc *grids;
    size_t i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    bx_diags_init(&diags);
    for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
        bx_output_init(&own);
        bx_output_init(&shared);
        bx_output_init(&lent);
        render_grid_formats(sub, langs[i], &own);
        /* the submission's own grids, built once: the same bytes */
        CU_ASSERT_EQUAL(
            transform_share_grids(ctx, sub, langs[i], &diags, &grids), BX_OK);
        render_grid_formats(sub, langs[i], &shared);
        transform_unshare_grids(grids);
        CU_ASSERT_TRUE(same_output(&own, &shared));
        /* another submission's grids: the stylesheets really use them */
        CU_ASSERT_EQUAL(
            transform_share_grids(ctx, other, langs[i], &diags, &grids), BX_OK);
        render_grid_formats(sub, langs[i], &lent);
        transform_unshare_grids(grids);
        CU_ASSERT_FALSE(same_output(&own, &lent));
        bx_output_release(&own);
        bx_output_release(&shared);
        bx_output_release(&lent);
    }
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    bx_submission_free(sub);
    bx_submission_free(other);
}

static void test_transform_compiles_each_stylesheet_once(void)
{
    struct bx_context *own = test_context();
    struct bx_context *saved = ctx;
    struct bx_output out;
    int i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(own);
    ctx = own;
    bx_output_init(&out);
    for (i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(render(SAMPLE, "json", NULL, &out), BX_OK);
    }
    CU_ASSERT_EQUAL(out.count, 3);
    CU_ASSERT_EQUAL(transform_compiled(own), 1);
    CU_ASSERT_EQUAL(render(SAMPLE, "html", NULL, &out), BX_OK);
    CU_ASSERT_EQUAL(transform_compiled(own), 2);
    bx_output_release(&out);
    ctx = saved;
    bx_context_free(own);
}

/* ------------------------------------------------------------------ */
/* The sandbox: a data directory whose stylesheets misbehave           */
/* ------------------------------------------------------------------ */

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[4096];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(text, fp);
    fclose(fp);
}

static void test_transform_stylesheets_cannot_touch_files(void)
{
    char dir[] = "/tmp/bx-sandbox-XXXXXX";
    char buf[8192];
    struct bx_options opts;
    struct bx_context *hostile = NULL;
    struct bx_submission *sub;
    struct bx_output out;
    struct bx_diags diags;
    struct stat st;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(buf, sizeof(buf), "%s/xslt", dir);
    CU_ASSERT_EQUAL_FATAL(mkdir(buf, 0700), 0);
    snprintf(buf, sizeof(buf), "%s/schemas", dir);
    CU_ASSERT_EQUAL_FATAL(symlink(test_path("schemas"), buf), 0);
    write_text(dir, "secret.xml", "<s>TOPSECRET</s>");
    /* json.xsl reads a file with document() */
    snprintf(buf, sizeof(buf),
             "<xsl:stylesheet version='1.0' "
             "xmlns:xsl='http://www.w3.org/1999/XSL/Transform'>"
             "<xsl:output method='text'/><xsl:template match='/'>"
             "<xsl:value-of select=\"document('%s/secret.xml')\"/>"
             "</xsl:template></xsl:stylesheet>",
             dir);
    write_text(dir, "xslt/json.xsl", buf);
    /* html.xsl writes a file with exsl:document */
    snprintf(buf, sizeof(buf),
             "<xsl:stylesheet version='1.0' "
             "xmlns:xsl='http://www.w3.org/1999/XSL/Transform' "
             "xmlns:exsl='http://exslt.org/common' "
             "extension-element-prefixes='exsl'>"
             "<xsl:template match='/'><exsl:document href='%s/pwned.txt' "
             "method='text'>pwned</exsl:document><x/></xsl:template>"
             "</xsl:stylesheet>",
             dir);
    write_text(dir, "xslt/html.xsl", buf);

    bx_options_init(&opts);
    opts.data_dir = dir;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(bx_context_new(&opts, &diags, &hostile), BX_OK);
    sub = NULL;
    bx_submission_load(hostile, test_path(SAMPLE), &diags, &sub);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    bx_output_init(&out);
    CU_ASSERT_NOT_EQUAL(bx_transform(hostile, sub, "json", NULL, &diags, &out),
                        BX_OK);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XSLT-RUN"));
    CU_ASSERT_EQUAL(out.count, 0);
    CU_ASSERT_NOT_EQUAL(bx_transform(hostile, sub, "html", NULL, &diags, &out),
                        BX_OK);
    snprintf(buf, sizeof(buf), "%s/pwned.txt", dir);
    CU_ASSERT_NOT_EQUAL(stat(buf, &st), 0);
    CU_ASSERT_EQUAL(out.count, 0);

    bx_output_release(&out);
    bx_submission_free(sub);
    bx_diags_release(&diags);
    bx_context_free(hostile);
    snprintf(buf, sizeof(buf), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(buf), 0);
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

static void test_transform_write_replaces_only_with_force(void)
{
    char dir[] = "/tmp/bx-write-XXXXXX";
    char path[4096];
    char cmd[4200];
    struct bx_output out;
    struct bx_diags diags;
    struct stat st;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    bx_output_init(&out);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "csv", NULL, &out), BX_OK);
    snprintf(path, sizeof(path), "%s/csv", dir);
    CU_ASSERT_EQUAL(bx_output_write(&out, path, 0, &diags), BX_OK);
    snprintf(cmd, sizeof(cmd), "%s/csv/t14-procurement.csv", dir);
    CU_ASSERT_EQUAL(stat(cmd, &st), 0);
    CU_ASSERT_EQUAL(bx_output_write(&out, path, 0, &diags), BX_E_EXISTS);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "CONVERT-EXISTS"));
    CU_ASSERT_EQUAL(bx_output_write(&out, path, 1, &diags), BX_OK);
    /* a directory holding anything but CSV files is never replaced */
    write_text(path, "notes.txt", "mine");
    CU_ASSERT_EQUAL(bx_output_write(&out, path, 1, &diags), BX_E_EXISTS);
    snprintf(cmd, sizeof(cmd), "%s/csv/notes.txt", dir);
    CU_ASSERT_EQUAL(stat(cmd, &st), 0);
    bx_output_release(&out);

    CU_ASSERT_EQUAL_FATAL(render(SAMPLE, "json", NULL, &out), BX_OK);
    snprintf(path, sizeof(path), "%s/d.json", dir);
    CU_ASSERT_EQUAL(bx_output_write(&out, path, 0, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_output_write(&out, path, 0, &diags), BX_E_EXISTS);
    CU_ASSERT_EQUAL(bx_output_write(&out, path, 1, &diags), BX_OK);
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL((size_t)st.st_size, out.files[0].len);

    bx_output_release(&out);
    bx_diags_release(&diags);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* Are the bytes of file 'path' those of 'f'? */
static int same_file(const char *path, const struct bx_output_file *f)
{
    FILE *fp = fopen(path, "rb");
    unsigned char *data = malloc(f->len + 1);
    size_t n = 0;
    int same;

    if (fp != NULL && data != NULL) {
        n = fread(data, 1, f->len + 1, fp);
    }
    same = fp != NULL && data != NULL && n == f->len &&
           memcmp(data, f->data, n) == 0;
    if (fp != NULL) {
        fclose(fp);
    }
    free(data);
    return same;
}

/*
 * bx_transform_write(): html, json, platform (zh and en) serialised into
 * the file are bx_transform()'s bytes; csv goes through a directory; an
 * existing file is replaced only with force; no path, unknown format.
 */
static void test_transform_write_streams_the_same_bytes(void)
{
    static const char *const formats[] = {"html", "json", "platform", "csv"};
    char dir[] = "/tmp/bx-stream-XXXXXX";
    char path[4096];
    char cmd[4200];
    struct bx_submission *sub = load(SAMPLE);
    struct bx_transform_opts o;
    struct bx_output out;
    struct bx_diags diags;
    struct stat st;
    size_t i;
    int en;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    bx_diags_init(&diags);
    bx_transform_opts_init(&o);
    for (en = 0; en < 2; en++) {
        o.lang = en ? BX_LANG_EN : BX_LANG_ZH;
        for (i = 0; i < 4; i++) {
            bx_output_init(&out);
            CU_ASSERT_EQUAL_FATAL(
                bx_transform(ctx, sub, formats[i], &o, &diags, &out), BX_OK);
            snprintf(path, sizeof(path), "%s/%s%d", dir, formats[i], en);
            CU_ASSERT_EQUAL(bx_transform_write(ctx, sub, formats[i], &o, path,
                                               0, &diags),
                            BX_OK);
            if (i < 3) {
                CU_ASSERT_TRUE(same_file(path, &out.files[0]));
            } else {
                snprintf(cmd, sizeof(cmd), "%s/%s", path, "index.csv");
                CU_ASSERT_TRUE(same_file(cmd, find(&out, "index.csv")));
            }
            bx_output_release(&out);
        }
    }
    CU_ASSERT_EQUAL(diags.count, 0);
    snprintf(path, sizeof(path), "%s/html0", dir);
    CU_ASSERT_EQUAL(bx_transform_write(ctx, sub, "html", NULL, path, 0, &diags),
                    BX_E_EXISTS);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "CONVERT-EXISTS"));
    write_text(dir, "html0", "mine");
    CU_ASSERT_EQUAL(bx_transform_write(ctx, sub, "html", NULL, path, 1, &diags),
                    BX_OK);
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_TRUE(st.st_size > 4);
    snprintf(path, sizeof(path), "%s/none/x.html", dir);
    CU_ASSERT_EQUAL(bx_transform_write(ctx, sub, "html", NULL, path, 0, &diags),
                    BX_E_IO);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "CONVERT-WRITE"));
    CU_ASSERT_EQUAL(bx_transform_write(ctx, sub, "html", NULL, NULL, 0, &diags),
                    BX_E_ARG);
    CU_ASSERT_EQUAL(bx_transform_write(ctx, sub, "nope", NULL, path, 0, &diags),
                    BX_E_ARG);
    bx_diags_release(&diags);
    bx_submission_free(sub);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* How many entries directory 'dir' has besides . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    while (d != NULL && (e = readdir(d)) != NULL) {
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    }
    if (d != NULL) {
        closedir(d);
    }
    return d != NULL ? n : -1;
}

/*
 * bx_transform_write_pending(): the output waits in a temporary file
 * (the only entry of its directory) until bx_pending_commit() puts it in
 * place with bx_transform()'s bytes; a file that appears at the path in
 * between is not replaced (CONVERT-EXISTS, the temporary file removed);
 * with force it is; bx_pending_discard() leaves nothing; csv is written
 * whole (no pending); NULL is accepted by both.
 */
static void test_transform_write_pending_commits_in_two_steps(void)
{
    char dir[] = "/tmp/bx-pending-XXXXXX";
    char path[4096];
    char cmd[4200];
    struct bx_submission *sub = load(SAMPLE);
    struct bx_pending *p = NULL;
    struct bx_output out;
    struct bx_diags diags;
    struct stat st;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    bx_diags_init(&diags);
    bx_output_init(&out);
    CU_ASSERT_EQUAL_FATAL(bx_transform(ctx, sub, "html", NULL, &diags, &out),
                          BX_OK);
    snprintf(path, sizeof(path), "%s/a.html", dir);
    CU_ASSERT_EQUAL_FATAL(bx_transform_write_pending(ctx, sub, "html", NULL,
                                                     path, 0, &diags, &p),
                          BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_NOT_EQUAL(stat(path, &st), 0); /* not in place yet */
    CU_ASSERT_EQUAL(entries(dir), 1);        /* its temporary file */
    CU_ASSERT_EQUAL(bx_pending_commit(p, &diags), BX_OK);
    CU_ASSERT_TRUE(same_file(path, &out.files[0]));
    CU_ASSERT_EQUAL(entries(dir), 1);
    CU_ASSERT_EQUAL(diags.count, 0);

    /* a file made at the path meanwhile is kept */
    snprintf(path, sizeof(path), "%s/b.html", dir);
    CU_ASSERT_EQUAL_FATAL(bx_transform_write_pending(ctx, sub, "html", NULL,
                                                     path, 0, &diags, &p),
                          BX_OK);
    write_text(dir, "b.html", "mine");
    CU_ASSERT_EQUAL(bx_pending_commit(p, &diags), BX_E_EXISTS);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "CONVERT-EXISTS"));
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(st.st_size, 4);
    CU_ASSERT_EQUAL(entries(dir), 2);
    /* ... unless forced */
    CU_ASSERT_EQUAL_FATAL(bx_transform_write_pending(ctx, sub, "html", NULL,
                                                     path, 1, &diags, &p),
                          BX_OK);
    CU_ASSERT_EQUAL(bx_pending_commit(p, &diags), BX_OK);
    CU_ASSERT_TRUE(same_file(path, &out.files[0]));
    CU_ASSERT_EQUAL(entries(dir), 2);

    /* discarded: nothing left */
    snprintf(path, sizeof(path), "%s/c.json", dir);
    CU_ASSERT_EQUAL_FATAL(bx_transform_write_pending(ctx, sub, "json", NULL,
                                                     path, 0, &diags, &p),
                          BX_OK);
    CU_ASSERT_EQUAL(entries(dir), 3);
    bx_pending_discard(p);
    CU_ASSERT_EQUAL(entries(dir), 2);

    /* csv: a directory, written whole */
    snprintf(path, sizeof(path), "%s/d", dir);
    p = (struct bx_pending *)&out; /* must be overwritten */
    CU_ASSERT_EQUAL(bx_transform_write_pending(ctx, sub, "csv", NULL, path, 0,
                                               &diags, &p),
                    BX_OK);
    CU_ASSERT_PTR_NULL(p);
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    CU_ASSERT_EQUAL(entries(dir), 3);
    CU_ASSERT_EQUAL(bx_pending_commit(NULL, &diags), BX_OK);
    bx_pending_discard(NULL);
    CU_ASSERT_EQUAL(bx_transform_write_pending(ctx, sub, "html", NULL, path, 0,
                                               &diags, NULL),
                    BX_E_ARG);
    bx_output_release(&out);
    bx_diags_release(&diags);
    bx_submission_free(sub);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/*
 * bx_transform_write() of html with the rows of every table in a spill
 * file (xslt_grid_spill_limits(1, ...): spilled from the first row, as
 * a 9.6 MB document's largest table is past 256 KB) gives bx_transform()'s
 * bytes, zh and en, for a document with one-row tables and one with
 * many; so it does when the spill file fills up ('cap': the table being
 * written is read back and goes on in memory, later ones stay there),
 * wherever that happens.  No file is left beside the output.
 */
static void test_transform_write_spills_the_rows(void)
{
    static const char *const docs[] = {SAMPLE, SAMPLE_YUAN};
    static const unsigned long long caps[] = {0, 1, 700, 3000, 20000};
    char dir[] = "/tmp/bx-spill-XXXXXX";
    char path[4096];
    char cmd[4200];
    struct bx_transform_opts o;
    struct bx_output out;
    struct bx_diags diags;
    struct bx_submission *sub;
    unsigned long spilled;
    unsigned long all = 0;
    size_t d;
    size_t c;
    int en;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    bx_diags_init(&diags);
    bx_transform_opts_init(&o);
    for (d = 0; d < 2; d++) {
        sub = load(docs[d]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
        for (en = 0; en < 2; en++) {
            o.lang = en ? BX_LANG_EN : BX_LANG_ZH;
            bx_output_init(&out);
            spilled = xslt_grid_spilled();
            CU_ASSERT_EQUAL_FATAL(
                bx_transform(ctx, sub, "html", &o, &diags, &out), BX_OK);
            CU_ASSERT_EQUAL(xslt_grid_spilled(), spilled); /* in memory */
            for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
                xslt_grid_spill_limits(1, caps[c]);
                snprintf(path, sizeof(path), "%s/p%zu%d%zu.html", dir, d, en,
                         c);
                spilled = xslt_grid_spilled();
                CU_ASSERT_EQUAL(
                    bx_transform_write(ctx, sub, "html", &o, path, 0, &diags),
                    BX_OK);
                CU_ASSERT_TRUE(same_file(path, &out.files[0]));
                spilled = xslt_grid_spilled() - spilled;
                if (caps[c] == 0) {
                    all = spilled; /* every table */
                    CU_ASSERT_TRUE(all > 1);
                } else if (caps[c] >= 3000) {
                    /* some, then the file was full (mid-table) */
                    CU_ASSERT_TRUE(spilled > 0 && spilled < all);
                } else if (caps[c] == 1) {
                    CU_ASSERT_EQUAL(spilled, 0);
                }
            }
            xslt_grid_spill_limits(0, 0);
            bx_output_release(&out);
        }
        bx_submission_free(sub);
    }
    CU_ASSERT_EQUAL(diags.count, 0);
    CU_ASSERT_EQUAL(entries(dir), 20);
    bx_diags_release(&diags);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    CU_ASSERT_EQUAL(system(cmd), 0);
}

/* bx_submission_drop_bytes(): renditions still work from the tree; a
 * workbook, which embeds the source, is refused instead of written
 * without it. */
static void test_transform_after_dropping_the_input_bytes(void)
{
    struct bx_submission *sub = load(SAMPLE);
    struct bx_output before;
    struct bx_output after;
    struct bx_diags diags;
    size_t len = 1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
    bx_output_init(&before);
    bx_output_init(&after);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_transform(ctx, sub, "html", NULL, &diags, &before),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL(bx_submission_bytes(sub, &len));
    bx_submission_drop_bytes(sub);
    bx_submission_drop_bytes(sub); /* twice is harmless */
    CU_ASSERT_PTR_NULL(bx_submission_bytes(sub, &len));
    CU_ASSERT_EQUAL(len, 0);
    CU_ASSERT_STRING_NOT_EQUAL(bx_submission_sha256(sub), "");
    CU_ASSERT_EQUAL(bx_transform(ctx, sub, "html", NULL, &diags, &after),
                    BX_OK);
    CU_ASSERT_EQUAL_FATAL(after.count, 1);
    CU_ASSERT_EQUAL_FATAL(after.files[0].len, before.files[0].len);
    CU_ASSERT_EQUAL(
        memcmp(after.files[0].data, before.files[0].data, before.files[0].len),
        0);
    CU_ASSERT_EQUAL(bx_transform(ctx, sub, "xlsx", NULL, &diags, &after),
                    BX_E_STATE);
    CU_ASSERT_EQUAL(after.count, 1);
    bx_submission_drop_bytes(NULL);
    bx_output_release(&before);
    bx_output_release(&after);
    bx_diags_release(&diags);
    bx_submission_free(sub);
}

int bx_test_suite_transform(void)
{
    CU_pSuite s = CU_add_suite("transform", setup, teardown);

    if (s == NULL ||
        !CU_add_test(s, "lists the formats",
                     test_transform_lists_the_formats) ||
        !CU_add_test(s, "rejects unknown format",
                     test_transform_rejects_unknown_format) ||
        !CU_add_test(s, "html is one self-contained page",
                     test_transform_html_is_one_self_contained_page) ||
        !CU_add_test(s, "html en adds english labels",
                     test_transform_html_en_adds_english_labels) ||
        !CU_add_test(s, "json keeps amounts as printed",
                     test_transform_json_keeps_amounts_as_printed) ||
        !CU_add_test(s, "csv gives one file per table",
                     test_transform_csv_gives_one_file_per_table) ||
        !CU_add_test(s, "csv encodes gb18030",
                     test_transform_csv_encodes_gb18030) ||
        !CU_add_test(s, "encode handles every unicode character",
                     test_transform_encode_handles_every_unicode_character) ||
        !CU_add_test(s, "platform amounts are exact yuan",
                     test_transform_platform_amounts_are_exact_yuan) ||
        !CU_add_test(s, "platform round trip in wan yuan",
                     test_transform_platform_round_trip_in_wan_yuan) ||
        !CU_add_test(s, "platform round trip in yuan",
                     test_transform_platform_round_trip_in_yuan) ||
        !CU_add_test(s, "import refuses a disclosure",
                     test_transform_import_refuses_a_disclosure) ||
        !CU_add_test(s, "import validates the platform document",
                     test_transform_import_validates_the_platform_document) ||
        !CU_add_test(s, "shared grids give the same bytes",
                     test_transform_shared_grids_give_the_same_bytes) ||
        !CU_add_test(s, "compiles each stylesheet once",
                     test_transform_compiles_each_stylesheet_once) ||
        !CU_add_test(s, "stylesheets cannot touch files",
                     test_transform_stylesheets_cannot_touch_files) ||
        !CU_add_test(s, "write streams the same bytes",
                     test_transform_write_streams_the_same_bytes) ||
        !CU_add_test(s, "write pending, then commit",
                     test_transform_write_pending_commits_in_two_steps) ||
        !CU_add_test(s, "write with the rows in a spill file",
                     test_transform_write_spills_the_rows) ||
        !CU_add_test(s, "write replaces only with force",
                     test_transform_write_replaces_only_with_force) ||
        !CU_add_test(s, "after dropping the input bytes",
                     test_transform_after_dropping_the_input_bytes)) {
        return -1;
    }
    return 0;
}
