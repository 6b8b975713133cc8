/*
 * Unit tests: batch inputs (walk, lists, shards), the worker pool, jsonl
 * lines read back by the summary, and streaming bundles.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "testutil.h"

#define EDU "samples/example-county-education-bureau-2024.xml"
#define HEALTH "samples/example-district-health-commission-2024.xml"
#define SEED "samples/pingdingshan-hitech-service-center-2024.xml"

static struct bx_context *ctx;
static char dir[64];

static int setup(void)
{
    strcpy(dir, "/tmp/bxbatchXXXXXX");
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

static void touch(const char *rel)
{
    char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    fp = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs("<x/>", fp);
    fclose(fp);
}

static const char *rel_of(const char *path)
{
    return path + strlen(dir) + 1;
}

static void test_inputs_walk_sorted_recursive_with_globs(void)
{
    static const char *const txt[] = {"*.txt"};
    struct bx_inputs in;
    struct bx_diags diags;
    char sub[128];

    snprintf(sub, sizeof(sub), "%s/w", dir);
    mkdir(sub, 0755);
    snprintf(sub, sizeof(sub), "%s/w/m", dir);
    mkdir(sub, 0755);
    touch("w/b.xml");
    touch("w/a.xml.gz");
    touch("w/m/c.xml");
    touch("w/z.txt");
    touch("w/.hidden.xml");
    bx_inputs_init(&in);
    bx_diags_init(&diags);
    snprintf(sub, sizeof(sub), "%s/w", dir);
    CU_ASSERT_EQUAL(bx_inputs_add(&in, sub, NULL, 0, &diags), BX_OK);
    CU_ASSERT_EQUAL_FATAL(in.count, 3);
    CU_ASSERT_STRING_EQUAL(rel_of(in.paths[0]), "w/a.xml.gz");
    CU_ASSERT_STRING_EQUAL(rel_of(in.paths[1]), "w/b.xml");
    CU_ASSERT_STRING_EQUAL(rel_of(in.paths[2]), "w/m/c.xml");
    CU_ASSERT_EQUAL(bx_inputs_add(&in, sub, txt, 1, &diags), BX_OK);
    CU_ASSERT_EQUAL_FATAL(in.count, 4);
    CU_ASSERT_STRING_EQUAL(rel_of(in.paths[3]), "w/z.txt");
    /* a file is taken as given, whatever its name, even if missing */
    CU_ASSERT_EQUAL(bx_inputs_add(&in, "no/such.file", NULL, 0, &diags), BX_OK);
    CU_ASSERT_EQUAL(in.count, 5);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_inputs_release(&in);
    bx_diags_release(&diags);
}

static void test_inputs_list_nul_and_shards(void)
{
    struct bx_inputs in;
    struct bx_diags diags;
    char list[128];
    FILE *fp;
    size_t i;

    snprintf(list, sizeof(list), "%s/list0", dir);
    fp = fopen(list, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fwrite("a b\0\0c\nd\0e\0f\0g", 1, 15, fp);
    fclose(fp);
    bx_inputs_init(&in);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_inputs_add_list(&in, list, 1, NULL, 0, &diags), BX_OK);
    CU_ASSERT_EQUAL_FATAL(in.count, 5);
    CU_ASSERT_STRING_EQUAL(in.paths[0], "a b");
    CU_ASSERT_STRING_EQUAL(in.paths[1], "c\nd");
    CU_ASSERT_STRING_EQUAL(in.paths[4], "g");
    CU_ASSERT_EQUAL(bx_inputs_shard(&in, 3, 3), BX_E_ARG);
    CU_ASSERT_EQUAL(bx_inputs_shard(&in, 0, 2), BX_OK);
    CU_ASSERT_EQUAL_FATAL(in.count, 3);
    CU_ASSERT_STRING_EQUAL(in.paths[0], "a b");
    CU_ASSERT_STRING_EQUAL(in.paths[1], "e");
    CU_ASSERT_STRING_EQUAL(in.paths[2], "g");
    bx_inputs_release(&in);
    snprintf(list, sizeof(list), "%s/no-such-list", dir);
    CU_ASSERT_EQUAL(bx_inputs_add_list(&in, list, 0, NULL, 0, &diags), BX_E_IO);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "IO-READ"));
    for (i = 0; i < in.count; i++) {
        CU_FAIL("nothing added from a missing list");
    }
    bx_inputs_release(&in);
    bx_diags_release(&diags);
}

/* The pool: work squares, done checks the order and sums. */
struct pool_test {
    size_t next;
    size_t sum;
    int out_of_order;
    size_t stop_at;
};

static void *square(void *user, size_t i)
{
    size_t *r = malloc(sizeof(*r));

    (void)user;
    if (r != NULL) {
        *r = i * i;
        if (i % 7 == 0) {
            struct timespec ts = {0, 2000000};

            nanosleep(&ts, NULL); /* some items finish late */
        }
    }
    return r;
}

static int collect(void *user, size_t i, void *result)
{
    struct pool_test *t = user;
    size_t *r = result;

    if (i != t->next) {
        t->out_of_order = 1;
    }
    t->next++;
    t->sum += r != NULL ? *r : 0;
    free(r);
    return t->stop_at != 0 && i == t->stop_at ? BX_E_IO : BX_OK;
}

static void test_pool_hands_results_over_in_input_order(void)
{
    struct pool_test t;
    struct bx_batch b;
    size_t expect = 0;
    size_t i;

    for (i = 0; i < 200; i++) {
        expect += i * i;
    }
    memset(&t, 0, sizeof(t));
    memset(&b, 0, sizeof(b));
    b.count = 200;
    b.jobs = 4;
    b.window = 5;
    b.work = square;
    b.done = collect;
    b.user = &t;
    CU_ASSERT_EQUAL(bx_batch_run(&b), BX_OK);
    CU_ASSERT_EQUAL(t.next, 200);
    CU_ASSERT_EQUAL(t.sum, expect);
    CU_ASSERT_FALSE(t.out_of_order);
    /* unordered: every item still handed over once */
    memset(&t, 0, sizeof(t));
    b.unordered = 1;
    CU_ASSERT_EQUAL(bx_batch_run(&b), BX_OK);
    CU_ASSERT_EQUAL(t.next, 200);
    CU_ASSERT_EQUAL(t.sum, expect);
}

static void test_pool_stops_when_done_fails(void)
{
    struct pool_test t;
    struct bx_batch b;

    memset(&t, 0, sizeof(t));
    t.stop_at = 10;
    memset(&b, 0, sizeof(b));
    b.count = 1000;
    b.jobs = 3;
    b.work = square;
    b.done = collect;
    b.user = &t;
    CU_ASSERT_EQUAL(bx_batch_run(&b), BX_E_IO);
    /* what was running is handed over (and freed), nothing new starts */
    CU_ASSERT_TRUE(t.next > 10 && t.next <= 10 + 1 + 12);
    CU_ASSERT_FALSE(t.out_of_order);
    b.jobs = 1;
    memset(&t, 0, sizeof(t));
    t.stop_at = 10;
    CU_ASSERT_EQUAL(bx_batch_run(&b), BX_E_IO);
    CU_ASSERT_EQUAL(t.next, 11);
}

/* Checks of the three samples, shared by several threads: like -j 1. */
struct check_test {
    const char *paths[6];
    char *lines[6];
};

static void *check_and_render(void *user, size_t i)
{
    struct check_test *t = user;
    struct bx_check chk;
    struct bx_report rep;
    char *line = NULL;
    size_t len;

    bx_check_file(ctx, t->paths[i], &chk);
    memset(&rep, 0, sizeof(rep));
    rep.lang = BX_LANG_EN;
    rep.fail_on = BX_SEV_ERROR;
    bx_report_jsonl_file(&rep, &chk.result, &line, &len);
    bx_check_release(&chk);
    return line;
}

static int keep_line(void *user, size_t i, void *result)
{
    struct check_test *t = user;

    t->lines[i] = result;
    return BX_OK;
}

static void run_checks(struct check_test *t, unsigned jobs)
{
    struct bx_batch b;

    memset(&b, 0, sizeof(b));
    b.count = 6;
    b.jobs = jobs;
    b.work = check_and_render;
    b.done = keep_line;
    b.user = t;
    CU_ASSERT_EQUAL(bx_batch_run(&b), BX_OK);
}

static void test_threads_share_one_context_and_agree(void)
{
    static const char *const rel[3] = {EDU, HEALTH, SEED};
    struct check_test a;
    struct check_test b;
    struct bx_context *fresh = ctx;
    size_t i;

    /* a fresh context: rule sets and labels compiled under the threads */
    ctx = test_context();
    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    memset(&a, 0, sizeof(a));
    memset(&b, 0, sizeof(b));
    for (i = 0; i < 6; i++) {
        a.paths[i] = b.paths[i] = strdup(test_path(rel[i % 3]));
    }
    run_checks(&a, 4);
    run_checks(&b, 1);
    for (i = 0; i < 6; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(a.lines[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b.lines[i]);
        CU_ASSERT_STRING_EQUAL(a.lines[i], b.lines[i]);
        free(a.lines[i]);
        free(b.lines[i]);
        free((char *)a.paths[i]);
    }
    bx_context_free(ctx);
    ctx = fresh;
}

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    fputs(text, fp);
    fclose(fp);
}

/* jsonl of 'rels' into '<dir>/<name>'; returns the rendered text. */
static char *jsonl_of(const char *const *rels, size_t n, const char *name)
{
    struct bx_check chk[3];
    struct bx_file_result res[3];
    struct bx_report rep;
    char path[256];
    char *text = NULL;
    size_t len;
    size_t i;

    for (i = 0; i < n; i++) {
        bx_check_file(ctx, test_path(rels[i]), &chk[i]);
        res[i] = chk[i].result;
    }
    memset(&rep, 0, sizeof(rep));
    rep.files = res;
    rep.nfiles = n;
    rep.lang = BX_LANG_EN;
    rep.fail_on = BX_SEV_ERROR;
    CU_ASSERT_EQUAL(bx_report_render(&rep, BX_REPORT_JSONL, NULL, &text, &len),
                    BX_OK);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    write_text(path, text);
    for (i = 0; i < n; i++) {
        bx_check_release(&chk[i]);
    }
    return text;
}

static char *summary_text(const char *const *names, size_t n,
                          enum bx_report_format fmt)
{
    struct bx_summary *s = NULL;
    struct bx_diags diags;
    struct bx_report rep;
    char path[256];
    char *text = NULL;
    size_t len;
    size_t i;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(bx_summary_new(&s), BX_OK);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        CU_ASSERT_EQUAL(bx_summary_read(s, path, &diags), BX_OK);
    }
    CU_ASSERT_EQUAL(bx_summary_fail_on(s), BX_SEV_ERROR);
    CU_ASSERT_EQUAL(bx_summary_report(s, BX_LANG_EN, BX_SEV_ERROR, &rep),
                    BX_OK);
    CU_ASSERT_EQUAL(bx_report_render(&rep, fmt, NULL, &text, &len), BX_OK);
    bx_summary_free(s);
    bx_diags_release(&diags);
    return text;
}

static void test_summary_of_shards_equals_one_report(void)
{
    static const char *const all[3] = {EDU, HEALTH, SEED};
    static const char *const one[1] = {SEED};
    static const char *const two[2] = {EDU, HEALTH};
    static const char *const ab[2] = {"one.jsonl", "two.jsonl"};
    static const char *const ba[2] = {"two.jsonl", "one.jsonl"};
    char *whole = jsonl_of(all, 3, "all.jsonl");
    char *x;
    char *y;

    free(jsonl_of(one, 1, "one.jsonl"));
    free(jsonl_of(two, 2, "two.jsonl"));
    x = summary_text(ab, 2, BX_REPORT_JSONL);
    y = summary_text(ba, 2, BX_REPORT_JSONL);
    CU_ASSERT_STRING_EQUAL(x, y);
    /* the samples' paths sort as they were listed: the very same lines */
    CU_ASSERT_STRING_EQUAL(x, whole);
    free(x);
    free(y);
    free(whole);
}

static void test_summary_refuses_lines_that_are_not_ours(void)
{
    static const char *const bad[] = {
        "{\"type\":\"file\"}\n",
        "{\"type\":\"file\",\"path\":\"a\",\"findings\":[{}]}\n",
        "[1,2]\n",
        "{\"type\":\"summary\",\"fail_on\":\"error\"} trailing\n",
        "{\"type\":\"file\",\"path\":\"\\ud800\",\"findings\":[]}\n",
        "{\"a\":1.5}\n",
        "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]\n",
        "{\"type\":\"file\",\"path\":\"\\u001b[2J\",\"findings\":[]}\n",
        "{\"type\":\"file\",\"path\":\"\xC0\xAF\",\"findings\":[]}\n",
    };
    struct bx_summary *s = NULL;
    struct bx_diags diags;
    char path[256];
    size_t i;

    snprintf(path, sizeof(path), "%s/bad.jsonl", dir);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        write_text(path, bad[i]);
        bx_diags_init(&diags);
        CU_ASSERT_EQUAL_FATAL(bx_summary_new(&s), BX_OK);
        CU_ASSERT_EQUAL(bx_summary_read(s, path, &diags), BX_E_PARSE);
        CU_ASSERT_TRUE(bx_diags_has(&diags, "SUMMARY-JSONL"));
        bx_summary_free(s);
        bx_diags_release(&diags);
    }
    /* escapes are decoded: the path comes back as UTF-8 */
    write_text(path, "{\"type\":\"file\",\"path\":\"\\u8868\\ud83d\\ude00\\n\","
                     "\"findings\":[]}\n");
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(bx_summary_new(&s), BX_OK);
    CU_ASSERT_EQUAL(bx_summary_read(s, path, &diags), BX_OK);
    {
        struct bx_report rep;

        CU_ASSERT_EQUAL(bx_summary_report(s, BX_LANG_EN, BX_SEV_ERROR, &rep),
                        BX_OK);
        CU_ASSERT_EQUAL_FATAL(rep.nfiles, 1);
        CU_ASSERT_STRING_EQUAL(rep.files[0].path, "表\xF0\x9F\x98\x80\n");
    }
    bx_summary_free(s);
    bx_diags_release(&diags);
}

static void test_streamed_bundle_equals_bundle_build(void)
{
    struct bx_check chk[3];
    struct bx_check *ptrs[3];
    struct bx_bundle_opts o;
    struct bx_bundle *b = NULL;
    struct bx_diags diags;
    unsigned char *mem = NULL;
    unsigned char *streamed = NULL;
    size_t mlen = 0;
    size_t slen = 0;
    size_t i;

    bx_bundle_opts_init(&o);
    o.include = "html,csv";
    o.mtime = 1700000000;
    bx_diags_init(&diags);
    for (i = 0; i < 3; i++) {
        /* the same input twice: names "-2"; order decides them */
        CU_ASSERT_EQUAL(
            bx_check_file(ctx, test_path(i == 1 ? HEALTH : EDU), &chk[i]),
            BX_OK);
        ptrs[i] = &chk[i];
    }
    CU_ASSERT_EQUAL(bx_bundle_build(ctx, ptrs, 3, &o, &diags, &mem, &mlen),
                    BX_OK);
    CU_ASSERT_EQUAL_FATAL(bx_bundle_begin(ctx, &o, dir, &diags, &b), BX_OK);
    CU_ASSERT_PTR_NULL(bx_bundle_name(b));
    for (i = 0; i < 3; i++) {
        CU_ASSERT_EQUAL(bx_bundle_add(b, &chk[i], &diags), BX_OK);
    }
    CU_ASSERT_STRING_EQUAL(bx_bundle_name(b), "410999-105-2024-budget.zip");
    CU_ASSERT_EQUAL(bx_bundle_finish_memory(b, &streamed, &slen, &diags), BX_OK);
    CU_ASSERT_EQUAL_FATAL(slen, mlen);
    CU_ASSERT_EQUAL(memcmp(mem, streamed, mlen), 0);
    bx_bundle_free(b);
    for (i = 0; i < 3; i++) {
        bx_check_release(&chk[i]);
    }
    free(mem);
    free(streamed);
    bx_diags_release(&diags);
}

static void test_streamed_bundle_refuses_rejected_and_leaves_nothing(void)
{
    struct bx_check seed;
    struct bx_check edu;
    struct bx_bundle_opts o;
    struct bx_bundle *b = NULL;
    struct bx_diags diags;
    char path[256];
    struct stat st;

    bx_bundle_opts_init(&o);
    o.include = "";
    bx_diags_init(&diags);
    bx_check_file(ctx, test_path(SEED), &seed);
    bx_check_file(ctx, test_path(EDU), &edu);
    snprintf(path, sizeof(path), "%s/refused.zip", dir);
    CU_ASSERT_EQUAL_FATAL(bx_bundle_begin(ctx, &o, dir, &diags, &b), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_add(b, &edu, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_add(b, &seed, &diags), BX_E_INVALID);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "BUNDLE-REJECTED"));
    CU_ASSERT_EQUAL(bx_bundle_finish(b, path, 0, &diags), BX_E_INVALID);
    CU_ASSERT_NOT_EQUAL(stat(path, &st), 0);
    bx_bundle_free(b);
    /* allowed: written, and an existing file is kept without force */
    o.allow_invalid = 1;
    CU_ASSERT_EQUAL_FATAL(bx_bundle_begin(ctx, &o, dir, &diags, &b), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_add(b, &seed, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_finish(b, path, 0, &diags), BX_OK);
    CU_ASSERT_EQUAL(stat(path, &st), 0);
    bx_bundle_free(b);
    CU_ASSERT_EQUAL_FATAL(bx_bundle_begin(ctx, &o, dir, &diags, &b), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_add(b, &seed, &diags), BX_OK);
    CU_ASSERT_EQUAL(bx_bundle_finish(b, path, 0, &diags), BX_E_EXISTS);
    CU_ASSERT_EQUAL(bx_bundle_finish(b, path, 1, &diags), BX_OK);
    bx_bundle_free(b);
    bx_check_release(&seed);
    bx_check_release(&edu);
    bx_diags_release(&diags);
}

int bx_test_suite_batch(void)
{
    CU_pSuite s = CU_add_suite("batch", setup, teardown);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_inputs_walk_sorted_recursive_with_globs);
    CU_ADD_TEST(s, test_inputs_list_nul_and_shards);
    CU_ADD_TEST(s, test_pool_hands_results_over_in_input_order);
    CU_ADD_TEST(s, test_pool_stops_when_done_fails);
    CU_ADD_TEST(s, test_threads_share_one_context_and_agree);
    CU_ADD_TEST(s, test_summary_of_shards_equals_one_report);
    CU_ADD_TEST(s, test_summary_refuses_lines_that_are_not_ours);
    CU_ADD_TEST(s, test_streamed_bundle_equals_bundle_build);
    CU_ADD_TEST(s, test_streamed_bundle_refuses_rejected_and_leaves_nothing);
    return CU_get_error();
}
