/*
 * Unit tests: summary merges only one complete set of jsonl reports
 * (bx_summary_check()): each report finished and counted right, none
 * twice, every shard of one list once; the "shard" key of the summary
 * line and the digest of the input list it carries.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"

#define FILE_LINE(name, verdict, exit)                                         \
    "{\"type\":\"file\",\"path\":\"" name "\",\"verdict\":\"" verdict          \
    "\",\"counts\":{\"info\":0,\"warning\":0,\"error\":0,\"fatal\":0},"        \
    "\"findings\":[],\"status\":0,\"exit\":" exit "}\n"
#define A FILE_LINE("a.xml", "accepted", "0")
#define B FILE_LINE("b.xml", "accepted", "0")
#define C FILE_LINE("c.xml", "accepted", "0")

/* two list digests (any 64 lower-case hex digits do here) */
#define LIST_ABC                                                               \
    "a1f6d1a2a4b5a1b1a3c9c1cb8ff3b1d86e2cc0e1f1d3d1e8c7b26cbd0b9f4a6e"
#define LIST_X                                                                 \
    "b5f9e4d2a10f5d5c3d42e5c88d1ccb8a7a0f47a2d44e2f0d21a23b8e3b8fa2e1"
/* printf '/nonexistent/a\0/nonexistent/b\0' | sha256sum */
#define DIGEST_AB                                                              \
    "1d1050b992b730a2f62f11a78abb0a02ae0f7f484d408cef26aaaaae13a64509"

static char dir[64];

static int setup(void)
{
    strcpy(dir, "/tmp/bxsumchkXXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/*
 * The summary line of 'files' accepted files (no finding), with shard
 * 'index' of 'count' of a list of 'inputs' paths with digest 'list'
 * when 'list' is not NULL.  Returns a static buffer.
 */
static const char *summary(size_t files, size_t index, size_t count,
                           size_t inputs, const char *list)
{
    static char line[4][512];
    static int next;
    char *out = line[next++ % 4];
    struct bx_totals t;
    struct bx_shard sh;
    char *text = NULL;

    bx_totals_init(&t, BX_SEV_ERROR);
    t.files = files;
    t.accepted = files;
    memset(&sh, 0, sizeof(sh));
    sh.index = index;
    sh.count = count;
    sh.inputs = inputs;
    if (list != NULL) {
        snprintf(sh.list, sizeof(sh.list), "%s", list);
    }
    CU_ASSERT_EQUAL_FATAL(bx_report_jsonl_summary_shard(
                              &t, list != NULL ? &sh : NULL, &text, NULL),
                          BX_OK);
    snprintf(out, sizeof(line[0]), "%s", text);
    free(text);
    return out;
}

static char *cat(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

/*
 * Write 'texts' to files r0.jsonl ... in the test directory, read them
 * (each must read) and check the set; the findings go to 'diags'.
 */
static int check_texts(const char *const *texts, size_t n,
                       struct bx_diags *diags)
{
    struct bx_summary *s = NULL;
    char path[256];
    FILE *fp;
    size_t i;
    int rc;

    CU_ASSERT_EQUAL_FATAL(bx_summary_new(&s), BX_OK);
    for (i = 0; i < n; i++) {
        snprintf(path, sizeof(path), "%s/r%zu.jsonl", dir, i);
        fp = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
        fputs(texts[i], fp);
        fclose(fp);
        CU_ASSERT_EQUAL(bx_summary_read(s, path, diags), BX_OK);
    }
    rc = bx_summary_check(s, diags);
    bx_summary_free(s);
    return rc;
}

/* The first finding's English message, or "". */
static const char *message(const struct bx_diags *diags)
{
    return diags->count > 0 && diags->items[0].message_en != NULL
               ? diags->items[0].message_en
               : "";
}

static int has_message(const struct bx_diags *diags, const char *part)
{
    size_t i;

    for (i = 0; i < diags->count; i++) {
        if (diags->items[i].message_en != NULL &&
            strstr(diags->items[i].message_en, part) != NULL) {
            return 1;
        }
    }
    return 0;
}

static void test_summary_check_accepts_complete_reports(void)
{
    char *two = cat(A B, summary(2, 0, 0, 0, NULL), "");
    char *both = cat(two, C, summary(1, 0, 0, 0, NULL));
    const char *texts[3];
    struct bx_diags diags;

    bx_diags_init(&diags);
    texts[0] = two;
    CU_ASSERT_EQUAL(check_texts(texts, 1, &diags), BX_OK);
    /* reports one after the other in one file (cat of shards) */
    texts[0] = both;
    CU_ASSERT_EQUAL(check_texts(texts, 1, &diags), BX_OK);
    /* an empty shard is complete: its summary line counts no file */
    texts[0] = summary(0, 0, 1, 0, LIST_X);
    CU_ASSERT_EQUAL(check_texts(texts, 1, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    free(two);
    free(both);
}

static void test_summary_check_refuses_incomplete_reports(void)
{
    static const struct {
        const char *lines;
        const char *part; /* of the English message */
        long line;        /* of the finding */
    } cases[] = {
        {"", "empty report: the run that wrote it did not finish", 0},
        {"\n\n", "empty report", 0},
        {A B,
         "no summary line: the run that wrote it did not finish "
         "(2 file lines)",
         2},
        {A, "(1 file line)", 1},
    };
    char *miscount = cat(A, summary(2, 0, 0, 0, NULL), "");
    char *after = cat(A, summary(1, 0, 0, 0, NULL), B);
    char *rejected =
        cat(FILE_LINE("a.xml", "rejected", "1"), summary(1, 0, 0, 0, NULL), "");
    char *cut = cat(A B C, summary(1, 0, 0, 0, NULL), "");
    struct bx_diags diags;
    const char *text;
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        bx_diags_init(&diags);
        CU_ASSERT_EQUAL(check_texts(&cases[i].lines, 1, &diags), BX_E_PARSE);
        CU_ASSERT_EQUAL_FATAL(diags.count, 1);
        CU_ASSERT_STRING_EQUAL(diags.items[0].code, "SUMMARY-INCOMPLETE");
        CU_ASSERT_EQUAL(diags.items[0].severity, BX_SEV_FATAL);
        CU_ASSERT_PTR_NOT_NULL(strstr(message(&diags), cases[i].part));
        CU_ASSERT_EQUAL(diags.items[0].line, cases[i].line);
        bx_diags_release(&diags);
    }
    bx_diags_init(&diags);
    text = miscount;
    CU_ASSERT_EQUAL(check_texts(&text, 1, &diags), BX_E_PARSE);
    CU_ASSERT_STRING_EQUAL(message(&diags),
                           "1 file line but the summary says 2");
    CU_ASSERT_EQUAL(diags.items[0].line, 2);
    bx_diags_release(&diags);
    bx_diags_init(&diags);
    text = after;
    CU_ASSERT_EQUAL(check_texts(&text, 1, &diags), BX_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(message(&diags), "a line after the summary line"));
    CU_ASSERT_EQUAL(diags.items[0].line, 3);
    bx_diags_release(&diags);
    bx_diags_init(&diags);
    text = rejected;
    CU_ASSERT_EQUAL(check_texts(&text, 1, &diags), BX_E_PARSE);
    CU_ASSERT_STRING_EQUAL(message(&diags), "the summary says accepted 1 but "
                                            "the file lines give 0");
    bx_diags_release(&diags);
    /* a report cut short inside a stream: its lines join the next one */
    bx_diags_init(&diags);
    text = cut;
    CU_ASSERT_EQUAL(check_texts(&text, 1, &diags), BX_E_PARSE);
    CU_ASSERT_STRING_EQUAL(message(&diags),
                           "3 file lines but the summary says 1");
    bx_diags_release(&diags);
    free(miscount);
    free(after);
    free(rejected);
    free(cut);
}

static void test_summary_check_refuses_the_same_report_twice(void)
{
    char *a = cat(A, summary(1, 0, 0, 0, NULL), "");
    char *b = cat(B, summary(1, 0, 0, 0, NULL), "");
    char *aa = cat(a, a, "");
    const char *texts[3] = {a, b, a};
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_texts(texts, 2, &diags), BX_OK);
    CU_ASSERT_EQUAL(check_texts(texts, 3, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL_FATAL(diags.count, 1);
    CU_ASSERT_STRING_EQUAL(diags.items[0].code, "SUMMARY-DUPLICATE");
    CU_ASSERT_PTR_NOT_NULL(strstr(diags.items[0].file, "/r2.jsonl"));
    CU_ASSERT_PTR_NOT_NULL(strstr(message(&diags), "/r0.jsonl' (from line 1)"));
    bx_diags_release(&diags);
    bx_diags_init(&diags);
    texts[0] = aa;
    CU_ASSERT_EQUAL(check_texts(texts, 1, &diags), BX_E_PARSE);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "SUMMARY-DUPLICATE"));
    CU_ASSERT_EQUAL(diags.items[0].line, 3);
    bx_diags_release(&diags);
    free(a);
    free(b);
    free(aa);
}

static void test_summary_check_wants_every_shard_once(void)
{
    char *s0 = cat(A, summary(1, 0, 3, 3, LIST_ABC), "");
    char *s1 = cat(B, summary(1, 1, 3, 3, LIST_ABC), "");
    char *s2 = cat(C, summary(1, 2, 3, 3, LIST_ABC), "");
    char *half = cat(B, summary(1, 1, 2, 3, LIST_ABC), "");
    char *foreign = cat(B, summary(1, 1, 3, 3, LIST_X), "");
    char *plain = cat(B, summary(1, 0, 0, 0, NULL), "");
    char *fat = cat(A, B, summary(2, 0, 3, 3, LIST_ABC));
    const char *texts[4] = {s2, s0, s1, NULL};
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_texts(texts, 3, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    /* one missing */
    CU_ASSERT_EQUAL(check_texts(texts, 2, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL_FATAL(diags.count, 1);
    CU_ASSERT_STRING_EQUAL(diags.items[0].code, "SUMMARY-SHARDS");
    CU_ASSERT_PTR_NULL(diags.items[0].file);
    CU_ASSERT_STRING_EQUAL(
        message(&diags), "1 of 3 shards missing (3 inputs, list "
                         "a1f6d1a2a4b5...): 1; rerun them before the summary");
    bx_diags_release(&diags);
    /* one twice */
    bx_diags_init(&diags);
    texts[3] = s1;
    CU_ASSERT_EQUAL(check_texts(texts, 4, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL_FATAL(diags.count, 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(diags.items[0].file, "/r3.jsonl"));
    CU_ASSERT_PTR_NOT_NULL(strstr(message(&diags), "shard 1/3 given twice"));
    bx_diags_release(&diags);
    /* another count, another list, none at all: and then 1 is missing */
    texts[2] = half;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_texts(texts, 3, &diags), BX_E_PARSE);
    CU_ASSERT_TRUE(has_message(&diags, "shard 1/2 (3 inputs, list "
                                       "a1f6d1a2a4b5...) does not belong"));
    CU_ASSERT_TRUE(has_message(&diags, "1 of 3 shards missing"));
    bx_diags_release(&diags);
    texts[2] = foreign;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_texts(texts, 3, &diags), BX_E_PARSE);
    CU_ASSERT_TRUE(has_message(&diags, "another --shard count or input list"));
    bx_diags_release(&diags);
    texts[2] = plain;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_texts(texts, 3, &diags), BX_E_PARSE);
    CU_ASSERT_TRUE(has_message(&diags, "no shard information"));
    bx_diags_release(&diags);
    /* a shard holding another number of files than its share */
    texts[0] = fat;
    texts[2] = s1;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_texts(texts, 3, &diags), BX_E_PARSE);
    CU_ASSERT_STRING_EQUAL(message(&diags),
                           "shard 0/3 of 3 inputs should hold 1, its report "
                           "has 2 file lines");
    bx_diags_release(&diags);
    free(s0);
    free(s1);
    free(s2);
    free(half);
    free(foreign);
    free(plain);
    free(fat);
}

/* A forged count does not make the check walk every index. */
static void test_summary_check_lists_few_of_many_missing(void)
{
    const char *text = summary(0, 5, 1000000000000, 0, LIST_X);
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_texts(&text, 1, &diags), BX_E_PARSE);
    CU_ASSERT_PTR_NOT_NULL(strstr(message(&diags),
                                  "999999999999 of 1000000000000 shards "
                                  "missing"));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        message(&diags),
        "): 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, ...; "));
    bx_diags_release(&diags);
}

static void test_summary_read_refuses_a_bad_summary_line(void)
{
    static const char *const bad[] = {
        /* no counts */
        "{\"type\":\"summary\",\"fail_on\":\"error\"}\n",
        /* a negative count */
        "{\"type\":\"summary\",\"files\":-1,\"accepted\":0,\"rejected\":0,"
        "\"counts\":{\"info\":0,\"warning\":0,\"error\":0,\"fatal\":0},"
        "\"fail_on\":\"error\",\"exit\":0}\n",
        /* index >= count */
        "{\"type\":\"summary\",\"files\":0,\"accepted\":0,\"rejected\":0,"
        "\"counts\":{\"info\":0,\"warning\":0,\"error\":0,\"fatal\":0},"
        "\"fail_on\":\"error\",\"exit\":0,\"shard\":{\"index\":2,\"count\":2,"
        "\"inputs\":0,\"list\":\"" LIST_X "\"}}\n",
        /* a list that is not 64 lower-case hex digits */
        "{\"type\":\"summary\",\"files\":0,\"accepted\":0,\"rejected\":0,"
        "\"counts\":{\"info\":0,\"warning\":0,\"error\":0,\"fatal\":0},"
        "\"fail_on\":\"error\",\"exit\":0,\"shard\":{\"index\":0,\"count\":2,"
        "\"inputs\":0,\"list\":\"B5F9\"}}\n",
        /* no inputs */
        "{\"type\":\"summary\",\"files\":0,\"accepted\":0,\"rejected\":0,"
        "\"counts\":{\"info\":0,\"warning\":0,\"error\":0,\"fatal\":0},"
        "\"fail_on\":\"error\",\"exit\":0,\"shard\":{\"index\":0,\"count\":2,"
        "\"list\":\"" LIST_X "\"}}\n",
    };
    struct bx_summary *s = NULL;
    struct bx_diags diags;
    char path[256];
    FILE *fp;
    size_t i;

    snprintf(path, sizeof(path), "%s/bad.jsonl", dir);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        fp = fopen(path, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
        fputs(bad[i], fp);
        fclose(fp);
        bx_diags_init(&diags);
        CU_ASSERT_EQUAL_FATAL(bx_summary_new(&s), BX_OK);
        CU_ASSERT_EQUAL(bx_summary_read(s, path, &diags), BX_E_PARSE);
        CU_ASSERT_TRUE(bx_diags_has(&diags, "SUMMARY-JSONL"));
        bx_summary_free(s);
        bx_diags_release(&diags);
    }
}

static void test_jsonl_summary_line_carries_the_shard_last(void)
{
    struct bx_totals t;
    struct bx_shard sh;
    char *plain = NULL;
    char *none = NULL;
    char *with = NULL;
    char *bad = (char *)"untouched";
    const char *tail = ",\"shard\":{\"index\":1,\"count\":3,\"inputs\":7,"
                       "\"list\":\"" LIST_X "\"}}\n";

    bx_totals_init(&t, BX_SEV_ERROR);
    memset(&sh, 0, sizeof(sh));
    sh.index = 1;
    sh.count = 3;
    sh.inputs = 7;
    strcpy(sh.list, LIST_X);
    CU_ASSERT_EQUAL(bx_report_jsonl_summary(&t, &plain, NULL), BX_OK);
    CU_ASSERT_EQUAL(bx_report_jsonl_summary_shard(&t, NULL, &none, NULL),
                    BX_OK);
    CU_ASSERT_EQUAL(bx_report_jsonl_summary_shard(&t, &sh, &with, NULL), BX_OK);
    CU_ASSERT_STRING_EQUAL(plain, none);
    CU_ASSERT_EQUAL(strlen(with), strlen(plain) - 2 + strlen(tail));
    CU_ASSERT_EQUAL(strncmp(with, plain, strlen(plain) - 2), 0);
    CU_ASSERT_STRING_EQUAL(with + strlen(plain) - 2, tail);
    sh.index = 3;
    CU_ASSERT_EQUAL(bx_report_jsonl_summary_shard(&t, &sh, &bad, NULL),
                    BX_E_ARG);
    CU_ASSERT_PTR_NULL(bad);
    sh.index = 0;
    sh.list[0] = 'G';
    CU_ASSERT_EQUAL(bx_report_jsonl_summary_shard(&t, &sh, &bad, NULL),
                    BX_E_ARG);
    free(plain);
    free(none);
    free(with);
}

static void test_inputs_digest_is_sha256_of_nul_ended_paths(void)
{
    struct bx_inputs in;
    struct bx_diags diags;
    char hex[65];

    bx_inputs_init(&in);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(bx_inputs_digest(&in, hex), BX_OK);
    CU_ASSERT_STRING_EQUAL(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* names that are no directory are listed as given */
    CU_ASSERT_EQUAL(bx_inputs_add(&in, "/nonexistent/a", NULL, 0, &diags),
                    BX_OK);
    CU_ASSERT_EQUAL(bx_inputs_add(&in, "/nonexistent/b", NULL, 0, &diags),
                    BX_OK);
    CU_ASSERT_EQUAL(bx_inputs_digest(&in, hex), BX_OK);
    CU_ASSERT_STRING_EQUAL(hex, DIGEST_AB);
    /* the digest names the whole list: taken before the shard */
    CU_ASSERT_EQUAL(bx_inputs_shard(&in, 1, 2), BX_OK);
    CU_ASSERT_EQUAL(bx_inputs_digest(&in, hex), BX_OK);
    CU_ASSERT_STRING_NOT_EQUAL(hex, DIGEST_AB);
    bx_inputs_release(&in);
    bx_diags_release(&diags);
}

int bx_test_suite_summary_check(void)
{
    CU_pSuite s = CU_add_suite("summary_check", setup, teardown);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_summary_check_accepts_complete_reports);
    CU_ADD_TEST(s, test_summary_check_refuses_incomplete_reports);
    CU_ADD_TEST(s, test_summary_check_refuses_the_same_report_twice);
    CU_ADD_TEST(s, test_summary_check_wants_every_shard_once);
    CU_ADD_TEST(s, test_summary_check_lists_few_of_many_missing);
    CU_ADD_TEST(s, test_summary_read_refuses_a_bad_summary_line);
    CU_ADD_TEST(s, test_jsonl_summary_line_carries_the_shard_last);
    CU_ADD_TEST(s, test_inputs_digest_is_sha256_of_nul_ended_paths);
    return CU_get_error();
}
