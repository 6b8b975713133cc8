/*
 * Unit tests: summary --files-from (bx_summary_read_list(),
 * bx_summary_check_list()): the merged reports hold exactly the paths of
 * the input list, as a multiset, whatever the order of the reports; the
 * findings name a bounded, sorted few; shards must come from that list.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"

#define FILE_LINE(name)                                                        \
    "{\"type\":\"file\",\"path\":\"" name "\",\"verdict\":\"accepted\","       \
    "\"counts\":{\"info\":0,\"warning\":0,\"error\":0,\"fatal\":0},"           \
    "\"findings\":[],\"status\":0,\"exit\":0}\n"
#define A FILE_LINE("a.xml")
#define B FILE_LINE("b.xml")
#define C FILE_LINE("c.xml")

static char dir[64];
static int nfiles; /* reports written so far: each gets its own name */

static int setup(void)
{
    strcpy(dir, "/tmp/bxsumlistXXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

static int teardown(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The summary line of 'files' accepted files, of shard 0/1 of a list
 * with digest 'list' when not NULL; caller frees. */
static char *summary(size_t files, size_t inputs, const char *list)
{
    struct bx_totals t;
    struct bx_shard sh;
    char *text = NULL;

    bx_totals_init(&t, BX_SEV_ERROR);
    t.files = files;
    t.accepted = files;
    memset(&sh, 0, sizeof(sh));
    sh.count = 1;
    sh.inputs = inputs;
    if (list != NULL) {
        snprintf(sh.list, sizeof(sh.list), "%s", list);
    }
    CU_ASSERT_EQUAL_FATAL(bx_report_jsonl_summary_shard(
                              &t, list != NULL ? &sh : NULL, &text, NULL),
                          BX_OK);
    return text;
}

/* A report: its file lines 'lines' of 'files' files, its summary line. */
static char *report(const char *lines, size_t files)
{
    char *sum = summary(files, 0, NULL);
    size_t n = strlen(lines) + strlen(sum) + 1;
    char *s = malloc(n);

    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    snprintf(s, n, "%s%s", lines, sum);
    free(sum);
    return s;
}

static const char *write_text(const char *text, size_t len)
{
    static char path[256];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/f%d", dir, nfiles++);
    fp = fopen(path, "wb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(fp);
    CU_ASSERT_EQUAL(fwrite(text, 1, len, fp), len);
    fclose(fp);
    return path;
}

/* 'paths' ("a.xml", ... NULL-ended) as a list. */
static void make_list(struct bx_inputs *in, const char *const *paths)
{
    size_t i;
    size_t n = 0;

    bx_inputs_init(in);
    while (paths[n] != NULL) {
        n++;
    }
    in->paths = calloc(n + 1, sizeof(*in->paths));
    CU_ASSERT_PTR_NOT_NULL_FATAL(in->paths);
    for (i = 0; i < n; i++) {
        in->paths[i] = strdup(paths[i]);
    }
    in->count = n;
    in->cap = n + 1;
}

/* Read the reports 'texts' (of 'n'), compare them with 'list'. */
static int check_list(const char *const *texts, size_t n,
                      const struct bx_inputs *list, struct bx_diags *diags)
{
    struct bx_summary *s = NULL;
    size_t i;
    int rc;

    CU_ASSERT_EQUAL_FATAL(bx_summary_new(&s), BX_OK);
    for (i = 0; i < n; i++) {
        CU_ASSERT_EQUAL(
            bx_summary_read(s, write_text(texts[i], strlen(texts[i])), diags),
            BX_OK);
    }
    rc = bx_summary_check_list(s, list, "inputs.txt", diags);
    bx_summary_free(s);
    return rc;
}

/* check_list() of 'texts' against the paths 'paths' (NULL-ended). */
static int check_paths(const char *const *texts, size_t n,
                       const char *const *paths, struct bx_diags *diags)
{
    struct bx_inputs list;
    int rc;

    make_list(&list, paths);
    rc = check_list(texts, n, &list, diags);
    bx_inputs_release(&list);
    return rc;
}

static const char *message(const struct bx_diags *d, size_t i)
{
    return i < d->count && d->items[i].message_en != NULL
               ? d->items[i].message_en
               : "";
}

static int all_list_findings(const struct bx_diags *d)
{
    size_t i;

    for (i = 0; i < d->count; i++) {
        if (d->items[i].severity != BX_SEV_FATAL ||
            strcmp(d->items[i].code, "SUMMARY-LIST") != 0 ||
            d->items[i].file == NULL ||
            strcmp(d->items[i].file, "inputs.txt") != 0) {
            return 0;
        }
    }
    return 1;
}

static void test_summary_list_accepts_exactly_the_list(void)
{
    static const char *const list[] = {"c.xml", "a.xml", "b.xml", NULL};
    char *r1 = report(A C, 2);
    char *r2 = report(B, 1);
    const char *texts[] = {r1, r2};
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(texts, 2, list, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    free(r1);
    free(r2);
}

static void test_summary_list_is_a_multiset(void)
{
    static const char *const twice[] = {"a.xml", "b.xml", "a.xml", NULL};
    static const char *const once[] = {"a.xml", "b.xml", NULL};
    char *ab = report(A B, 2);
    char *a = report(A, 1);
    const char *both[] = {ab, a};
    struct bx_diags diags;

    /* listed twice, checked twice */
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(both, 2, twice, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    /* listed twice, checked once */
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(both, 1, twice, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL(diags.count, 1);
    CU_ASSERT_STRING_EQUAL(
        message(&diags, 0),
        "1 path of the list was not checked (in no report): 'a.xml'");
    CU_ASSERT(all_list_findings(&diags));
    bx_diags_release(&diags);
    /* listed once, checked twice */
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(both, 2, once, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL(diags.count, 1);
    CU_ASSERT_STRING_EQUAL(message(&diags, 0),
                           "1 checked path is not in the list: 'a.xml'");
    bx_diags_release(&diags);
    free(ab);
    free(a);
}

static void test_summary_list_names_both_sides(void)
{
    static const char *const list[] = {"d.xml", "a.xml", "e.xml", NULL};
    char *r = report(C A B, 3);
    const char *texts[] = {r};
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(texts, 1, list, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL(diags.count, 2);
    CU_ASSERT_STRING_EQUAL(
        message(&diags, 0),
        "2 paths of the list were not checked (in no report): 'd.xml', "
        "'e.xml'");
    CU_ASSERT_STRING_EQUAL(message(&diags, 1),
                           "2 checked paths are not in the list: 'b.xml', "
                           "'c.xml'");
    CU_ASSERT(diags.count == 2 && diags.items[0].message_zh != NULL &&
              strstr(diags.items[0].message_zh, "2 个路径") != NULL);
    CU_ASSERT(all_list_findings(&diags));
    bx_diags_release(&diags);
    free(r);
}

static void test_summary_list_empty_sides(void)
{
    static const char *const none[] = {NULL};
    static const char *const one[] = {"a.xml", NULL};
    char *empty = report("", 0);
    char *a = report(A, 1);
    const char *texts[] = {empty, a};
    struct bx_diags diags;

    /* an empty list, reports of no file */
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(texts, 1, none, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    CU_ASSERT_EQUAL(check_paths(texts, 0, none, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    /* a path, reports of no file */
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(texts, 1, one, &diags), BX_E_PARSE);
    CU_ASSERT_STRING_EQUAL(
        message(&diags, 0),
        "1 path of the list was not checked (in no report): 'a.xml'");
    bx_diags_release(&diags);
    /* an empty list, a file checked */
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(texts, 2, none, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL(diags.count, 1);
    CU_ASSERT_STRING_EQUAL(message(&diags, 0),
                           "1 checked path is not in the list: 'a.xml'");
    bx_diags_release(&diags);
    free(empty);
    free(a);
}

/* 'n' file lines "p<i>.xml", i from n-1 down to 0, and their summary. */
static char *many_lines(size_t n, size_t skip)
{
    char line[256];
    char *sum;
    char *text;
    size_t cap = (n + 1) * sizeof(line);
    size_t len = 0;
    size_t i;

    text = malloc(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    for (i = n; i-- > 0;) {
        if (i == skip) {
            continue;
        }
        snprintf(line, sizeof(line), FILE_LINE("p%06zu.xml"), i);
        memcpy(text + len, line, strlen(line));
        len += strlen(line);
    }
    sum = summary(skip < n ? n - 1 : n, 0, NULL);
    memcpy(text + len, sum, strlen(sum) + 1);
    free(sum);
    return text;
}

static void test_summary_list_bounds_and_scales(void)
{
    enum { N = 100000 };
    struct bx_inputs list;
    struct bx_diags diags;
    char name[32];
    char *big = many_lines(N, 7); /* p000007.xml not checked */
    const char *texts[] = {big};
    size_t i;

    bx_diags_init(&diags);
    bx_inputs_init(&list);
    for (i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "p%06zu.xml", i);
        CU_ASSERT_EQUAL_FATAL(bx_inputs_add(&list, name, NULL, 0, &diags),
                              BX_OK);
    }
    /* 100,000 paths each side, in opposite orders: sorted, not n * m */
    CU_ASSERT_EQUAL(check_list(texts, 1, &list, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL(diags.count, 1);
    CU_ASSERT_STRING_EQUAL(
        message(&diags, 0),
        "1 path of the list was not checked (in no report): 'p000007.xml'");
    bx_diags_release(&diags);
    /* nothing checked: a count, the first 5 in byte order, "..." */
    texts[0] = A;
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_list(texts, 1, &list, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL(diags.count, 2);
    CU_ASSERT_STRING_EQUAL(message(&diags, 0),
                           "100000 paths of the list were not checked (in no "
                           "report): 'p000000.xml', 'p000001.xml', "
                           "'p000002.xml', 'p000003.xml', 'p000004.xml', ...");
    bx_diags_release(&diags);
    bx_inputs_release(&list);
    free(big);
}

static void test_summary_list_ignores_report_order(void)
{
    static const char *const list[] = {"b.xml", "x.xml", "y.xml", "z.xml",
                                       "w.xml", "v.xml", "u.xml", NULL};
    char *r1 = report(C, 1);
    char *r2 = report(A B, 2);
    const char *ab[] = {r1, r2};
    const char *ba[] = {r2, r1};
    struct bx_diags d1;
    struct bx_diags d2;
    size_t i;

    bx_diags_init(&d1);
    bx_diags_init(&d2);
    CU_ASSERT_EQUAL(check_paths(ab, 2, list, &d1), BX_E_PARSE);
    CU_ASSERT_EQUAL(check_paths(ba, 2, list, &d2), BX_E_PARSE);
    CU_ASSERT_EQUAL(d1.count, 2);
    CU_ASSERT_EQUAL(d2.count, d1.count);
    for (i = 0; i < d1.count && i < d2.count; i++) {
        CU_ASSERT_STRING_EQUAL(message(&d1, i), message(&d2, i));
    }
    CU_ASSERT_STRING_EQUAL(message(&d1, 0),
                           "6 paths of the list were not checked (in no "
                           "report): 'u.xml', 'v.xml', 'w.xml', 'x.xml', "
                           "'y.xml', ...");
    CU_ASSERT_STRING_EQUAL(message(&d1, 1),
                           "2 checked paths are not in the list: 'a.xml', "
                           "'c.xml'");
    bx_diags_release(&d1);
    bx_diags_release(&d2);
    free(r1);
    free(r2);
}

/* A path with a control character: reports record it escaped. */
static void test_summary_list_matches_escaped_paths(void)
{
    static const char *const list[] = {"a\x1b.xml", NULL};
    char *r = report(FILE_LINE("a\\\\x1B.xml"), 1);
    const char *texts[] = {r};
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_paths(texts, 1, list, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    free(r);
}

static void test_summary_list_of_shards_is_their_list(void)
{
    static const char *const list[] = {"a.xml", "b.xml", NULL};
    static const char other[] =
        "b5f9e4d2a10f5d5c3d42e5c88d1ccb8a7a0f47a2d44e2f0d21a23b8e3b8fa2e1";
    struct bx_inputs in;
    struct bx_diags diags;
    char digest[65];
    char *sum;
    char text[1024];
    const char *texts[] = {text};

    make_list(&in, list);
    CU_ASSERT_EQUAL_FATAL(bx_inputs_digest(&in, digest), BX_OK);
    sum = summary(2, 2, digest);
    snprintf(text, sizeof(text), "%s%s%s", A, B, sum);
    free(sum);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_list(texts, 1, &in, &diags), BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    /* the same paths, but the shards were cut from another list */
    sum = summary(2, 2, other);
    snprintf(text, sizeof(text), "%s%s%s", A, B, sum);
    free(sum);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(check_list(texts, 1, &in, &diags), BX_E_PARSE);
    CU_ASSERT_EQUAL(diags.count, 1);
    CU_ASSERT(strncmp(message(&diags, 0), "the list differs: '", 19) == 0);
    CU_ASSERT(strstr(message(&diags, 0), "(2 inputs, list b5f9e4d2a10f...)") !=
              NULL);
    CU_ASSERT(all_list_findings(&diags));
    bx_diags_release(&diags);
    bx_inputs_release(&in);
}

static void test_summary_read_list_keeps_entries_as_written(void)
{
    static const char lines[] = "a.xml\n\n/\r\n./b.xml";
    static const char nuls[] = "a.xml\0/\0\0./b.xml\0";
    struct bx_inputs in;
    struct bx_diags diags;

    bx_diags_init(&diags);
    /* lines: empty ones skipped, a final '\r' removed, '/' not walked */
    bx_inputs_init(&in);
    CU_ASSERT_EQUAL(bx_summary_read_list(
                        &in, write_text(lines, sizeof(lines) - 1), 0, &diags),
                    BX_OK);
    CU_ASSERT_EQUAL_FATAL(in.count, 3);
    CU_ASSERT_STRING_EQUAL(in.paths[0], "a.xml");
    CU_ASSERT_STRING_EQUAL(in.paths[1], "/");
    CU_ASSERT_STRING_EQUAL(in.paths[2], "./b.xml");
    bx_inputs_release(&in);
    /* NUL-separated */
    CU_ASSERT_EQUAL(bx_summary_read_list(
                        &in, write_text(nuls, sizeof(nuls) - 1), 1, &diags),
                    BX_OK);
    CU_ASSERT_EQUAL_FATAL(in.count, 3);
    CU_ASSERT_STRING_EQUAL(in.paths[1], "/");
    CU_ASSERT_STRING_EQUAL(in.paths[2], "./b.xml");
    bx_inputs_release(&in);
    CU_ASSERT_EQUAL(diags.count, 0);
    /* an empty list is a list of no path */
    CU_ASSERT_EQUAL(bx_summary_read_list(&in, write_text("", 0), 0, &diags),
                    BX_OK);
    CU_ASSERT_EQUAL(in.count, 0);
    CU_ASSERT_EQUAL(
        bx_summary_read_list(&in, "/nonexistent/list.txt", 0, &diags), BX_E_IO);
    CU_ASSERT(diags.count == 1 && strcmp(diags.items[0].code, "IO-READ") == 0);
    bx_inputs_release(&in);
    bx_diags_release(&diags);
}

int bx_test_suite_summary_list(void)
{
    CU_pSuite s = CU_add_suite("summary_list", setup, teardown);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_summary_list_accepts_exactly_the_list);
    CU_ADD_TEST(s, test_summary_list_is_a_multiset);
    CU_ADD_TEST(s, test_summary_list_names_both_sides);
    CU_ADD_TEST(s, test_summary_list_empty_sides);
    CU_ADD_TEST(s, test_summary_list_bounds_and_scales);
    CU_ADD_TEST(s, test_summary_list_ignores_report_order);
    CU_ADD_TEST(s, test_summary_list_matches_escaped_paths);
    CU_ADD_TEST(s, test_summary_list_of_shards_is_their_list);
    CU_ADD_TEST(s, test_summary_read_list_keeps_entries_as_written);
    return CU_get_error();
}
