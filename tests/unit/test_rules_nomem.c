/*
 * The rules never judge on what a failure left behind (the false BR-032
 * under failure injection): an index of a key whose 'match' or 'use'
 * could not be evaluated is no index (the evaluation fails, it is not
 * empty), and once libxml2 has run short of memory during an evaluation
 * (xmlio_nomem_count()) nothing more is reported.  The out-of-memory side
 * of the same property, failing each of our own allocations while the
 * rules run, is tests/failinject/run.sh, path "rules".
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "budgetx.h"
#include "rules.h"
#include "rules_eval.h"
#include "testutil.h"
#include "xmlio.h"

static const char doc_src[] =
    "<bx:d xmlns:bx='urn:budgetx:disclosure:1'>"
    "<bx:p name='a' code='1'/><bx:p name='b' code='2'/>"
    "</bx:d>";

struct key_eval {
    xmlDocPtr doc;
    struct bx_submission sub;
    struct bx_ruleset rs;
    struct bx_rkey key;
    struct bx_eval ev;
};

/* An evaluation of one key, 'match' and 'use', over doc_src. */
static void key_setup(struct key_eval *k, const char *match, const char *use)
{
    memset(k, 0, sizeof(*k));
    k->doc = xmlReadMemory(doc_src, (int)strlen(doc_src), "k.xml", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k->doc);
    k->sub.doc = k->doc;
    k->ev.sub = &k->sub;
    k->ev.rs = &k->rs;
    k->ev.nomem = xmlio_nomem_count();
    k->ev.xp = xmlXPathNewContext(k->doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k->ev.xp);
    xmlXPathRegisterNs(k->ev.xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    k->key.name = "k";
    k->key.match = xmlXPathCtxtCompile(k->ev.xp, BAD_CAST match);
    k->key.use = xmlXPathCtxtCompile(k->ev.xp, BAD_CAST use);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k->key.match);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k->key.use);
    k->rs.keys = &k->key;
    k->rs.nkeys = 1;
}

static void key_teardown(struct key_eval *k)
{
    rules_keys_release(&k->ev);
    xmlXPathFreeCompExpr(k->key.match);
    xmlXPathFreeCompExpr(k->key.use);
    xmlXPathFreeContext(k->ev.xp);
    xmlFreeDoc(k->doc);
}

/* Sanity: the same key with expressions that work is an index. */
static void test_key_index_built(void)
{
    struct key_eval k;
    const xmlNodeSet *set;
    int ok = 0;

    key_setup(&k, "//bx:p", "@code");
    CU_ASSERT_EQUAL(rules_keys_build(&k.ev), BX_OK);
    CU_ASSERT_EQUAL(k.ev.rc, BX_OK);
    set = rules_key_nodes(&k.ev, "k", BAD_CAST "2", &ok);
    CU_ASSERT(ok);
    CU_ASSERT(set != NULL && set->nodeNr == 1);
    key_teardown(&k);
}

/* The key of 'match' and 'use' fails to build, and says so. */
static void expect_no_index(const char *match, const char *use)
{
    struct key_eval k;
    int rc;

    key_setup(&k, match, use);
    rc = rules_keys_build(&k.ev);
    CU_ASSERT_NOT_EQUAL(rc, BX_OK);
    CU_ASSERT_EQUAL(k.ev.rc, rc);
    key_teardown(&k);
}

/* 'match' yields no value at all (here an unbound variable; out of memory
 * in a fast path the same way): the build fails, it does not leave an
 * empty index behind for bx:key() to find nothing in. */
static void test_key_match_failed_is_no_index(void)
{
    expect_no_index("$unbound//bx:p", "@code");
}

/* 'use' yields no value on a node: the build fails rather than leave the
 * node out of the index. */
static void test_key_use_failed_is_no_index(void)
{
    expect_no_index("//bx:p", "$unbound");
}

/* A failure kept before the keys are built is kept, not cleared. */
static void test_key_build_keeps_failure(void)
{
    struct key_eval k;

    key_setup(&k, "//bx:p", "@code");
    k.ev.rc = BX_E_NOMEM;
    CU_ASSERT_EQUAL(rules_keys_build(&k.ev), BX_E_NOMEM);
    CU_ASSERT_EQUAL(k.ev.rc, BX_E_NOMEM);
    key_teardown(&k);
}

/* libxml2 short of memory since the evaluation began (its counter moved):
 * the evaluation has failed, and a finding judged now is not reported. */
static void test_no_finding_after_libxml2_nomem(void)
{
    struct key_eval k;
    struct bx_diags diags;
    struct bx_rule rule;
    struct bx_rcheck chk;
    struct bx_finding f;

    key_setup(&k, "//bx:p", "@code");
    bx_diags_init(&diags);
    k.ev.diags = &diags;
    CU_ASSERT_EQUAL(rules_failed(&k.ev), 0);
    k.ev.nomem = xmlio_nomem_count() + 1; /* as if one failed since */
    CU_ASSERT_EQUAL(rules_failed(&k.ev), 1);
    CU_ASSERT_EQUAL(k.ev.rc, BX_E_NOMEM);
    memset(&rule, 0, sizeof(rule));
    rule.id = "BR-032";
    rule.severity = BX_SEV_ERROR;
    memset(&chk, 0, sizeof(chk));
    chk.kind = BX_CHECK_MATCH;
    chk.rule = &rule;
    rules_finding_init(&f, &chk, xmlDocGetRootElement(k.doc));
    f.value = "a";
    rules_emit(&k.ev, &f);
    CU_ASSERT_EQUAL(diags.count, 0);
    bx_diags_release(&diags);
    key_teardown(&k);
}

/* Silent libxml2 (an unbound variable is reported on stderr else). */
static int suite_init(void)
{
    return xmlio_init() == BX_OK ? 0 : -1;
}

int bx_test_suite_rules_nomem(void)
{
    CU_pSuite s = CU_add_suite("rules_nomem", suite_init, NULL);

    if (s == NULL ||
        CU_add_test(s, "key index built", test_key_index_built) == NULL ||
        CU_add_test(s, "key match failed is no index",
                    test_key_match_failed_is_no_index) == NULL ||
        CU_add_test(s, "key use failed is no index",
                    test_key_use_failed_is_no_index) == NULL ||
        CU_add_test(s, "key build keeps a failure",
                    test_key_build_keeps_failure) == NULL ||
        CU_add_test(s, "no finding after libxml2 ran short",
                    test_no_finding_after_libxml2_nomem) == NULL) {
        return -1;
    }
    return 0;
}
