/*
 * Loading a rule set: identical XPath sources compiled once and shared
 * (rules_intern_exprs) give the same findings as one compilation per
 * occurrence, and the set owns each compiled expression once.
 */
#include <CUnit/CUnit.h>
#include <glob.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "rules.h"
#include "testutil.h"
#include "util.h"

/* The first sample, whose check loads the rule set. */
#define FIRST_SAMPLE "samples/example-county-education-bureau-2024.xml"

/* Every finding of 'buf' under 'c' with its coverage, one line each. */
static char *report_of(struct bx_context *c, const xmlChar *buf, int len)
{
    struct bx_diags d;
    struct bx_submission *sub = NULL;
    struct bx_buf out;
    size_t i;

    bx_diags_init(&d);
    buf_init(&out);
    if (bx_submission_load_memory(c, buf, (size_t)len, "m.xml", &d, &sub) ==
            BX_OK &&
        bx_validate_schema(c, sub, &d) == BX_OK &&
        bx_submission_schema_valid(sub) == 1)
        CU_ASSERT_EQUAL(bx_rules_check(c, sub, &d), BX_OK);
    bx_submission_free(sub);
    for (i = 0; i < d.count; i++) {
        const struct bx_diag *g = &d.items[i];

        buf_printf(&out, "%d %s %s %ld %s %s %s %s %s %s\n", (int)g->severity,
                   g->code, g->rule ? g->rule : "-", g->line,
                   g->xpath ? g->xpath : "-", g->message_en,
                   g->printed ? g->printed : "-",
                   g->computed ? g->computed : "-",
                   g->difference ? g->difference : "-",
                   g->tolerance ? g->tolerance : "-");
    }
    bx_diags_release(&d);
    return buf_take(&out, NULL);
}

/*
 * Add 'delta' to every amount ("d+.d+") at and below 'n' (and its
 * following siblings when 'siblings'): breaks the identities that read
 * that part of the document.
 */
static void bump_amounts(xmlNodePtr n, double delta, int siblings)
{
    for (; n != NULL; n = siblings ? n->next : NULL) {
        xmlAttrPtr a;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a != NULL; a = a->next) {
            xmlChar *v = xmlNodeGetContent((xmlNodePtr)a);
            char num[64];

            if (v != NULL && v[0] >= '0' && v[0] <= '9' &&
                strchr((char *)v, '.') != NULL) {
                snprintf(num, sizeof(num), "%.2f", atof((char *)v) + delta);
                xmlSetProp(n, a->name, BAD_CAST num);
            }
            xmlFree(v);
        }
        bump_amounts(n->children, delta, 1);
    }
}

/* The 'skip'th element below 'n' (preorder, 'depth' levels), or NULL. */
static xmlNodePtr nth_element(xmlNodePtr n, int depth, int *skip)
{
    xmlNodePtr c;
    xmlNodePtr found;

    if (depth == 0)
        return NULL;
    for (c = n->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if ((*skip)-- == 0)
            return c;
        found = nth_element(c, depth - 1, skip);
        if (found != NULL)
            return found;
    }
    return NULL;
}

/* A context with its 2024 rule set loaded (by checking a sample). */
static struct bx_context *loaded_context(void)
{
    struct bx_context *c = test_context();
    xmlChar *mem = NULL;
    int len = 0;
    xmlDocPtr doc;

    if (c == NULL)
        return NULL;
    doc = xmlReadFile(test_path(FIRST_SAMPLE), NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xmlDocDumpMemory(doc, &mem, &len);
    free(report_of(c, mem, len));
    xmlFree(mem);
    xmlFreeDoc(doc);
    return c;
}

/* Whether every expression of the set's checks is one the set owns. */
static int owned(const struct bx_ruleset *rs, xmlXPathCompExprPtr comp)
{
    size_t i;

    for (i = 0; comp != NULL && i < rs->ncomps; i++) {
        if (rs->comps[i] == comp)
            return 1;
    }
    return comp == NULL;
}

static void test_rules_load_shares_identical_expressions(void)
{
    struct bx_context *ci = loaded_context();
    struct bx_context *cs;
    const struct bx_ruleset *ri;
    const struct bx_ruleset *rsep;
    size_t i;
    size_t uses = 0;
    int k;

    rules_intern_exprs = 0;
    cs = loaded_context();
    rules_intern_exprs = 1;
    CU_ASSERT_PTR_NOT_NULL_FATAL(ci);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cs);
    ri = rules_cached(ci, 2024);
    rsep = rules_cached(cs, 2024);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ri);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rsep);
    CU_ASSERT_EQUAL(ri->nchecks, rsep->nchecks);
    /* shared: at most half as many compilations for the 2024 rules */
    CU_ASSERT(ri->ncomps * 3 < rsep->ncomps * 2);
    CU_ASSERT_EQUAL(ri->nexprs, ri->ncomps);
    CU_ASSERT_PTR_NULL(ri->comp_by_src); /* dropped after loading */
    for (i = 0; i < ri->nchecks; i++) {
        const struct bx_rcheck *c = &ri->checks[i];

        for (k = 0; k < BX_X_COUNT; k++) {
            CU_ASSERT(owned(ri, c->x[k]));
            uses += c->x[k] != NULL;
        }
        for (size_t j = 0; j < c->nterms; j++)
            CU_ASSERT(owned(ri, c->terms[j]));
        for (size_t j = 0; j < c->nbranches; j++)
            CU_ASSERT(owned(ri, c->branches[j]));
    }
    CU_ASSERT(uses > ri->ncomps);
    bx_context_free(cs);
    bx_context_free(ci);
}

/* Compare the findings of 'doc' under both; 1 when a rule fired. */
static int compare_doc(struct bx_context *ci, struct bx_context *cs,
                       xmlDocPtr doc)
{
    xmlChar *mem = NULL;
    int len = 0;
    char *fi;
    char *fs;
    int found;

    xmlDocDumpMemory(doc, &mem, &len);
    fi = report_of(ci, mem, len);
    fs = report_of(cs, mem, len);
    CU_ASSERT_FATAL(fi != NULL && fs != NULL);
    CU_ASSERT_STRING_EQUAL(fi, fs);
    found = strstr(fi, " BR-") != NULL;
    free(fi);
    free(fs);
    xmlFree(mem);
    return found;
}

static void test_rules_load_shared_expressions_same_findings(void)
{
    struct bx_context *ci = loaded_context();
    struct bx_context *cs;
    glob_t g;
    size_t i;
    int fired = 0;

    rules_intern_exprs = 0;
    cs = loaded_context();
    rules_intern_exprs = 1;
    CU_ASSERT_PTR_NOT_NULL_FATAL(ci);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cs);
    /* every sample of the project (all valid, several templates) */
    CU_ASSERT_EQUAL_FATAL(glob(test_path("samples/*.xml"), 0, NULL, &g), 0);
    for (i = 0; i < g.gl_pathc; i++) {
        xmlDocPtr doc = xmlReadFile(g.gl_pathv[i], NULL, XML_PARSE_NONET);
        int k;

        CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
        fired += compare_doc(ci, cs, doc);
        /* each element of the first three levels (metadata, the tables,
           each table's rows and groups) with its amounts changed, one at
           a time */
        for (k = 0;; k++) {
            xmlDocPtr copy = xmlCopyDoc(doc, 1);
            int skip = k;
            xmlNodePtr el = nth_element(xmlDocGetRootElement(copy), 3, &skip);

            if (el == NULL) {
                xmlFreeDoc(copy);
                break;
            }
            bump_amounts(el, 1.0 + k % 3, 0);
            fired += compare_doc(ci, cs, copy);
            xmlFreeDoc(copy);
        }
        xmlFreeDoc(doc);
    }
    CU_ASSERT(g.gl_pathc >= 7);
    CU_ASSERT(fired > 200); /* documents where some rule fired */
    globfree(&g);
    bx_context_free(cs);
    bx_context_free(ci);
}

int bx_test_suite_rules_load(void)
{
    CU_pSuite s = CU_add_suite("rules_load", NULL, NULL);

    if (s == NULL)
        return CU_get_error();
    CU_ADD_TEST(s, test_rules_load_shares_identical_expressions);
    CU_ADD_TEST(s, test_rules_load_shared_expressions_same_findings);
    return CU_get_error();
}
