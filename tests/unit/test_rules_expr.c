/*
 * The rule set's expressions as a plan (rules_expr.c): the fast paths
 * select exactly what libxml2's XPath selects (the same nodes, in the
 * same order), and the static test never calls an expression that reads
 * its context node static.
 */
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "budgetx.h"
#include "rules.h"

static const char doc_src[] =
    "<bx:d xmlns:bx='urn:budgetx:disclosure:1' xmlns:o='urn:other' a='1'>"
    " <bx:x a='2' b='3' o:a='9'><bx:y a='4'/><bx:y b='5'/><o:y a='6'/></bx:x>"
    " <bx:y b='7' a='8'/>"
    " <o:x a='10'/>"
    " <bx:x><bx:y a='11'/></bx:x>"
    " <bx:z a='12'><bx:x a='13'/></bx:z>"
    "</bx:d>";

/* Expressions with a fast path, and without (XPath only). */
static const char *const fast[] = {
    "@a",          "@b",
    "@c",          " @ a ",
    "@a | @b",     "@b | @a",
    "@b|@a|@b",    "bx:x/@a",
    "bx:x/bx:y/@a", "bx:x / bx:y / @b",
    "(bx:x | bx:y)/@a", "(bx:y | bx:x)/@b",
    "(bx:x | bx:x)/@a", "(../bx:x | ../bx:y | ../bx:z)/@a",
    "(../bx:y)/@a", "../@a",
    "../bx:x/@a",
};
static const char *const slow[] = {
    "@*",      "bx:x[1]/@a", "../../@a", "x/@a",     "$v/@a",
    "bx:*/@a", "@o:a",       "(bx:x | ../bx:y)/@a", ".", "bx:x/@a | @b",
};

static void elements(xmlNodePtr n, xmlNodePtr *out, int *count)
{
    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        out[(*count)++] = n;
        elements(n->children, out, count);
    }
}

static void test_rules_expr_fast_paths_match_xpath(void)
{
    xmlDocPtr doc = xmlReadMemory(doc_src, (int)strlen(doc_src), "t.xml",
                                  NULL, 0);
    struct bx_ruleset rs;
    struct bx_ns ns = {"o", "urn:other"};
    xmlXPathContextPtr xp;
    xmlNodePtr els[32];
    int nels = 0;
    size_t i;
    int j;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    memset(&rs, 0, sizeof(rs));
    rs.ns = &ns;
    rs.nns = 1;
    xp = xmlXPathNewContext(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xp);
    xmlXPathRegisterNs(xp, BAD_CAST "o", BAD_CAST "urn:other");
    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    for (i = 0; i < sizeof(fast) / sizeof(fast[0]); i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST fast[i]),
                        fast[i]);
    for (i = 0; i < sizeof(slow) / sizeof(slow[0]); i++)
        rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST slow[i]),
                        slow[i]);
    rules_exprs_index(&rs);
    CU_ASSERT_EQUAL_FATAL(rs.nexprs, sizeof(fast) / sizeof(fast[0]) +
                                         sizeof(slow) / sizeof(slow[0]));
    elements(xmlDocGetRootElement(doc), els, &nels);
    for (i = 0; i < rs.nexprs; i++) {
        const struct bx_expr_info *e = rules_expr_info(&rs, rs.exprs[i].comp);

        CU_ASSERT_PTR_EQUAL_FATAL(e, &rs.exprs[i]);
        if (i >= sizeof(fast) / sizeof(fast[0])) {
            CU_ASSERT_EQUAL(e->fast, BX_FP_NONE);
            continue;
        }
        CU_ASSERT_NOT_EQUAL(e->fast, BX_FP_NONE);
        for (j = 0; j < nels; j++) {
            xmlNodePtr tab[32];
            xmlNodeSet set = {0, 32, tab};
            xmlXPathObjectPtr o;
            int k;

            CU_ASSERT_EQUAL_FATAL(rules_expr_fast(e, els[j], &set), 1);
            xp->node = els[j];
            o = xmlXPathCompiledEval(e->comp, xp);
            CU_ASSERT_PTR_NOT_NULL_FATAL(o);
            CU_ASSERT_EQUAL(set.nodeNr, o->nodesetval != NULL
                                            ? o->nodesetval->nodeNr
                                            : 0);
            for (k = 0; k < set.nodeNr && k < o->nodesetval->nodeNr; k++)
                CU_ASSERT_PTR_EQUAL(set.nodeTab[k],
                                    o->nodesetval->nodeTab[k]);
            xmlXPathFreeObject(o);
        }
    }
    /* more nodes than the caller's array: no answer, XPath is asked */
    {
        xmlNodePtr tab[1];
        xmlNodeSet set = {0, 1, tab};

        CU_ASSERT_EQUAL(rules_expr_fast(&rs.exprs[4], els[1], &set), 0);
    }
    /* identical sources share an id */
    CU_ASSERT_EQUAL(rs.exprs[1].id, 1);
    for (i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

static void test_rules_expr_shares_identical_sources(void)
{
    xmlDocPtr doc = xmlReadMemory("<r/>", 4, "t.xml", NULL, 0);
    struct bx_ruleset rs;
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);

    memset(&rs, 0, sizeof(rs));
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "count(/r)"),
                    "count(/r)");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "/r"), "/r");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "count(/r)"),
                    "count(/r)");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "$self"), "$self");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "$T1[@a = $arg]"),
                    "$T1[@a = $arg]");
    rules_expr_note(&rs, xmlXPathCtxtCompile(xp, BAD_CAST "$T1[@a = '$x']"),
                    "$T1[@a = '$x']");
    rules_exprs_index(&rs);
    CU_ASSERT_EQUAL_FATAL(rs.nexprs, 6);
    CU_ASSERT_EQUAL(rs.exprs[4].node_free, 0);
    CU_ASSERT_EQUAL(rs.exprs[5].node_free, 1);
    CU_ASSERT_EQUAL(rs.exprs[0].id, 0);
    CU_ASSERT_EQUAL(rs.exprs[1].id, 1);
    CU_ASSERT_EQUAL(rs.exprs[2].id, 0);
    CU_ASSERT_EQUAL(rs.exprs[3].node_free, 0);
    CU_ASSERT_EQUAL(rs.exprs[0].is_static, 1);
    CU_ASSERT_PTR_NULL(rules_expr_info(&rs, NULL));
    for (size_t i = 0; i < rs.nexprs; i++)
        xmlXPathFreeCompExpr(rs.exprs[i].comp);
    rules_exprs_release(&rs);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

static void test_rules_expr_static_only_without_context(void)
{
    static const char *const yes[] = {
        "$T3",
        "$T3 and (not($T1) or $T1/bx:income/*[not(self::bx:gpb)]"
        "[number(@amount) > 0 or number(@amount) < 0])",
        "($T8/bx:row | $T8/bx:total)[1]/@officeOperation",
        "normalize-space($meta/bx:department/@code) != ''",
        "$meta/bx:units/bx:unit and not($meta/bx:units/bx:unit[not(@type)])",
        "true() and 1 + 2 div 3 mod 4 = 1",
        "/bx:d/bx:x/child::bx:y",
        "$T5 | $T3",
        "string('@a') = \"b\"",
    };
    static const char *const no[] = {
        "$T10 or @of != 'performance.projectCount'",
        "normalize-space(@code) != '' and $T1",
        "bx:x",
        ".",
        "..",
        "string()",
        "name() = 'x'",
        "position() = 1",
        "$self/@a",
        "$T5//bx:func[@code = $arg]/@total",
        "$figkey = 'x'",
        "$T1 and $Tx",
        "$T1/bx:a | @b",
        "count(bx:x) > 0",
        "* = 1",
        "text()",
        "child::bx:x",
        "$T1[",
        "'open",
        "",
        NULL,
    };
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        CU_ASSERT_EQUAL(rules_expr_static(yes[i]), 1);
    for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        CU_ASSERT_EQUAL(rules_expr_static(no[i]), 0);
}

int bx_test_suite_rules_expr(void)
{
    CU_pSuite s = CU_add_suite("rules_expr", NULL, NULL);

    if (s == NULL)
        return -1;
    if (CU_add_test(s, "fast paths match XPath",
                    test_rules_expr_fast_paths_match_xpath) == NULL ||
        CU_add_test(s, "shares identical sources",
                    test_rules_expr_shares_identical_sources) == NULL ||
        CU_add_test(s, "static only without context",
                    test_rules_expr_static_only_without_context) == NULL)
        return -1;
    return 0;
}
