/*
 * The rule set's load made cheaper (rules.c), read as before.  Code lists
 * read by walking their tree (list_walk_fill()) give
 * the very lists their XPath expressions give (rules_walk_lists 0): the
 * same codes in the same order with the same names, scopes and aliases,
 * for the shipped lists and for a list with the awkward cases (text in
 * several nodes, CDATA, comments inside an alias, empty and missing
 * attributes, elements of another namespace, duplicate codes).  The
 * table of compiled expressions by source (src_table) compiles each
 * distinct source once, also after it has grown.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "rules.h"
#include "testutil.h"

#define SAMPLE "samples/example-county-education-bureau-2024.xml"

/* A context ('codes_dir' or NULL) whose rule set for 2024 is loaded
 * with the code lists read one way ('walk'). */
static struct bx_context *loaded(const char *codes_dir, int walk)
{
    struct bx_options opts;
    struct bx_diags d;
    struct bx_context *ctx = NULL;
    struct bx_submission *sub = NULL;

    bx_options_init(&opts);
    opts.data_dir = test_root();
    opts.codes_dir = codes_dir;
    bx_diags_init(&d);
    rules_walk_lists = walk;
    if (bx_context_new(&opts, &d, &ctx) == BX_OK &&
        bx_submission_load(ctx, test_path(SAMPLE), &d, &sub) == BX_OK &&
        bx_validate_schema(ctx, sub, &d) == BX_OK)
        CU_ASSERT_EQUAL(bx_rules_check(ctx, sub, &d), BX_OK);
    rules_walk_lists = 1;
    bx_submission_free(sub);
    bx_diags_release(&d);
    CU_ASSERT_PTR_NOT_NULL(ctx);
    return ctx;
}

static int same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) ||
           (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void same_code(const struct bx_code *a, const struct bx_code *b)
{
    size_t k;

    CU_ASSERT_TRUE(same_str(a->code, b->code));
    CU_ASSERT_TRUE(same_str(a->name, b->name));
    CU_ASSERT_TRUE(same_str(a->scope, b->scope));
    CU_ASSERT_EQUAL(a->aliases == NULL, b->aliases == NULL);
    CU_ASSERT_EQUAL_FATAL(a->naliases, b->naliases);
    for (k = 0; k < a->naliases; k++)
        CU_ASSERT_TRUE(same_str(a->aliases[k], b->aliases[k]));
}

/* The lists of both contexts, entry by entry; the number of codes. */
static size_t same_lists(struct bx_context *walked, struct bx_context *xpath)
{
    const struct bx_ruleset *a = rules_cached(walked, 2024);
    const struct bx_ruleset *b = rules_cached(xpath, 2024);
    size_t total = 0;
    size_t i;
    size_t j;

    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_EQUAL_FATAL(a->nlists, b->nlists);
    for (i = 0; i < a->nlists; i++) {
        const struct bx_codelist *la = &a->lists[i];
        const struct bx_codelist *lb = &b->lists[i];

        CU_ASSERT_STRING_EQUAL(la->key, lb->key);
        CU_ASSERT_EQUAL(la->complete, lb->complete);
        CU_ASSERT_EQUAL_FATAL(la->ncodes, lb->ncodes);
        for (j = 0; j < la->ncodes; j++)
            same_code(&la->codes[j], &lb->codes[j]);
        total += la->ncodes;
    }
    return total;
}

static void test_shipped_lists_walked_as_xpath_reads_them(void)
{
    struct bx_context *walked = loaded(NULL, 1);
    struct bx_context *xpath = loaded(NULL, 0);

    if (walked != NULL && xpath != NULL)
        CU_ASSERT_TRUE(same_lists(walked, xpath) > 300);
    bx_context_free(walked);
    bx_context_free(xpath);
}

static const char awkward[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!-- a list with the awkward cases -->\n"
    "<codeList xmlns=\"urn:budgetx:codes:1\" kind=\"function\" year=\"2024\""
    " complete=\"true\">\n"
    "  <code value=\"201\" name=\"a&amp;b &#x4e00;\">"
    "<alias>x<![CDATA[y]]>z</alias><alias/>"
    "<alias seen=\"t\">w<!-- c -->v</alias><c:alias xmlns:c=\"urn:other\">"
    "no</c:alias><alias>plain</alias></code>\n"
    "  <code value=\"\" name=\"empty code\"/>\n"
    "  <code name=\"no value\"/>\n"
    "  <code value=\"202\"/>\n"
    "  <c:code xmlns:c=\"urn:other\" value=\"999\" name=\"other ns\"/>\n"
    "  <code xmlns=\"\" value=\"998\" name=\"no ns\"/>\n"
    "  <code value=\"203\" name=\"\"><other/>text</code>\n"
    "  <code value=\"201\" name=\"dup\" c:value=\"x\""
    " xmlns:c=\"urn:other\"/>\n"
    "  <group><code value=\"204\" name=\"nested\"/></group>\n"
    "</codeList>\n";

static void test_awkward_list_walked_as_xpath_reads_it(void)
{
    char dir[] = "/tmp/bx-codelist-XXXXXX";
    char path[sizeof(dir) + 32];
    struct bx_context *walked;
    struct bx_context *xpath;
    FILE *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/function.xml", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs(awkward, f);
    fclose(f);
    walked = loaded(dir, 1);
    xpath = loaded(dir, 0);
    if (walked != NULL && xpath != NULL) {
        const struct bx_codelist *l =
            rules_list(rules_cached(walked, 2024), "function");
        size_t n = 0;
        const struct bx_code *c = l != NULL ? rules_code_find(l, "201", &n)
                                            : NULL;

        same_lists(walked, xpath);
        CU_ASSERT_PTR_NOT_NULL_FATAL(l);
        CU_ASSERT_EQUAL(l->ncodes, 4); /* 201 twice, 202, 203 */
        CU_ASSERT_EQUAL(n, 2);
        CU_ASSERT_TRUE(c != NULL && (c[0].naliases == 4 || c[1].naliases == 4));
    }
    bx_context_free(walked);
    bx_context_free(xpath);
    remove(path);
    rmdir(dir);
}

/* Each distinct source compiled once: rules_expr.c gives a source seen
 * before the id of its first occurrence, so with every repeat found in
 * the table each expression is the first of its source. */
static void test_each_source_compiled_once(void)
{
    struct bx_context *ctx = loaded(NULL, 1);
    const struct bx_ruleset *rs = ctx != NULL ? rules_cached(ctx, 2024) : NULL;
    size_t i;
    size_t repeats = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(rs);
    CU_ASSERT_EQUAL(rs->nexprs, rs->ncomps);
    /* more than the table's first 512 entries: it has grown */
    CU_ASSERT_TRUE(rs->ncomps > 512);
    for (i = 0; i < rs->nexprs; i++)
        repeats += rs->exprs[i].id != i;
    CU_ASSERT_EQUAL(repeats, 0);
    CU_ASSERT_PTR_NULL(rs->comp_by_src); /* dropped after loading */
    bx_context_free(ctx);
}

int bx_test_suite_rules_loadfast(void)
{
    CU_pSuite s = CU_add_suite("rules_loadfast", NULL, NULL);

    if (s == NULL ||
        CU_add_test(s, "shipped lists: walk and XPath agree",
                    test_shipped_lists_walked_as_xpath_reads_them) == NULL ||
        CU_add_test(s, "awkward list: walk and XPath agree",
                    test_awkward_list_walked_as_xpath_reads_it) == NULL ||
        CU_add_test(s, "each source compiled once",
                    test_each_source_compiled_once) == NULL)
        return -1;
    return 0;
}
