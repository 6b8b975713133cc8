/*
 * Coverage of the business rules: every amount of the seed sample must
 * take part in at least one identity.  Each amount (every table attribute
 * the schema types bx:amount, and every amount the narrative states in a
 * fig) is raised by ten display units, one at a time, and validation must
 * then report one more error than for the unchanged sample.  Amounts the
 * rule set declares unreachable (<unreachable> in schemas/rules/2024.xml,
 * listed with reasons in docs/rules.md) are skipped.  Prints how many
 * amounts were checked and how many caught.  BX_TEST_QUICK=1 tries every
 * tenth amount only (for valgrind runs).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "budgetx.h"
#include "rules_num.h"
#include "testutil.h"

#define SEED "samples/pingdingshan-hitech-service-center-2024.xml"
#define RULES_NS "urn:budgetx:rules:1"
#define XS_NS "http://www.w3.org/2001/XMLSchema"

static struct bx_context *ctx;

static size_t errors_of(xmlDocPtr doc, int *rc)
{
    struct bx_submission *sub = NULL;
    struct bx_diags d;
    xmlChar *mem = NULL;
    int len = 0;
    size_t n;

    bx_diags_init(&d);
    xmlDocDumpMemory(doc, &mem, &len);
    *rc = bx_submission_load_memory(ctx, mem, (size_t)len, "coverage.xml", &d,
                                    &sub);
    if (*rc == BX_OK)
        *rc = bx_validate_schema(ctx, sub, &d);
    if (*rc == BX_OK && bx_submission_schema_valid(sub) != 1)
        *rc = -100;
    if (*rc == BX_OK)
        *rc = bx_rules_check(ctx, sub, &d);
    n = d.by_severity[BX_SEV_ERROR] + d.by_severity[BX_SEV_FATAL];
    bx_diags_release(&d);
    bx_submission_free(sub);
    xmlFree(mem);
    return n;
}

/* The attribute names the disclosure schema types bx:amount, as an XPath
 * predicate: "local-name() = 'total' or local-name() = 'amount' ...". */
static void amount_names(char *pred, size_t n)
{
    static const char *const files[] = {"schemas/disclosure/tables.xsd",
                                        "schemas/disclosure/performance.xsd"};
    size_t f;
    int i;

    pred[0] = '\0';
    for (f = 0; f < 2; f++) {
        xmlDocPtr x = xmlReadFile(test_path(files[f]), NULL, XML_PARSE_NONET);
        xmlXPathContextPtr xp = xmlXPathNewContext(x);
        xmlXPathObjectPtr o;

        xmlXPathRegisterNs(xp, BAD_CAST "xs", BAD_CAST XS_NS);
        o = xmlXPathEvalExpression(
            BAD_CAST "//xs:attribute[@type = 'bx:amount']/@name", xp);
        for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
            xmlChar *name = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
            size_t len = strlen(pred);

            snprintf(pred + len, n - len, "%slocal-name() = '%s'",
                     len ? " or " : "", (const char *)name);
            xmlFree(name);
        }
        xmlXPathFreeObject(o);
        xmlXPathFreeContext(xp);
        xmlFreeDoc(x);
    }
}

/* The union of the rule set's <unreachable select> expressions. */
static void unreachable_expr(char *out, size_t n)
{
    xmlDocPtr r =
        xmlReadFile(test_path("schemas/rules/2024.xml"), NULL, XML_PARSE_NONET);
    xmlXPathContextPtr xp = xmlXPathNewContext(r);
    xmlXPathObjectPtr o;
    int i;

    out[0] = '\0';
    xmlXPathRegisterNs(xp, BAD_CAST "r", BAD_CAST RULES_NS);
    o = xmlXPathEvalExpression(BAD_CAST "/r:ruleset/r:unreachable/@select", xp);
    for (i = 0; o && o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        xmlChar *s = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
        size_t len = strlen(out);

        snprintf(out + len, n - len, "%s(%s)", len ? " | " : "",
                 (const char *)s);
        xmlFree(s);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(r);
}

static int is_in(xmlNodeSetPtr set, xmlNodePtr node)
{
    return set != NULL && xmlXPathNodeSetContains(set, node);
}

/* Raise the amount in 'node' by 'step'; returns the old text (free it). */
static xmlChar *bump(xmlNodePtr node, int64_t step)
{
    xmlChar *old = xmlNodeGetContent(node);
    struct bx_dec d;
    char buf[48];

    if (old == NULL || rules_dec_parse((const char *)old, &d) != BX_OK) {
        xmlFree(old);
        return NULL;
    }
    rules_dec_format(d.v + step, d.places, buf, sizeof(buf));
    xmlNodeSetContent(node, BAD_CAST buf);
    return old;
}

static void test_rules_every_seed_amount_is_tied(void)
{
    static char pred[8192];
    static char expr[16384];
    static char unreach[8192];
    xmlDocPtr doc = xmlReadFile(test_path(SEED), NULL, XML_PARSE_NONET);
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr amounts;
    xmlXPathObjectPtr skip = NULL;
    int64_t step = 10 * rules_dec_unit(1); /* the seed shows one decimal */
    size_t base;
    int every = getenv("BX_TEST_QUICK") != NULL ? 10 : 1;
    int checked = 0;
    int caught = 0;
    int skipped = 0;
    int rc;
    int i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    amount_names(pred, sizeof(pred));
    CU_ASSERT_FATAL(pred[0] != '\0');
    snprintf(expr, sizeof(expr),
             "/bx:disclosure/bx:tables//@*[%s][normalize-space(.) != '']"
             " | /bx:disclosure/bx:explanation//bx:fig[not(@role) or "
             "@role = 'amount'][not(@value)]",
             pred);
    amounts = xmlXPathEvalExpression(BAD_CAST expr, xp);
    CU_ASSERT_FATAL(amounts != NULL && amounts->nodesetval != NULL);
    unreachable_expr(unreach, sizeof(unreach));
    if (unreach[0] != '\0')
        skip = xmlXPathEvalExpression(BAD_CAST unreach, xp);
    base = errors_of(doc, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, BX_OK);
    for (i = 0; i < amounts->nodesetval->nodeNr; i += every) {
        xmlNodePtr node = amounts->nodesetval->nodeTab[i];
        xmlChar *old;
        char *path;

        if (skip != NULL && is_in(skip->nodesetval, node)) {
            skipped++;
            continue;
        }
        old = bump(node, step);
        if (old == NULL)
            continue;
        checked++;
        if (errors_of(doc, &rc) > base && rc == BX_OK) {
            caught++;
        } else {
            path = (char *)xmlGetNodePath(node);
            fprintf(stderr, "\n  not caught: %s (rc %d)", path, rc);
            xmlFree(path);
        }
        xmlNodeSetContent(node, old);
        xmlFree(old);
    }
    printf("\n  coverage: %d amounts checked, %d caught, %d declared "
           "unreachable\n",
           checked, caught, skipped);
    CU_ASSERT(checked > 0);
    CU_ASSERT_EQUAL(caught, checked);
    xmlXPathFreeObject(skip);
    xmlXPathFreeObject(amounts);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
}

static int suite_init(void)
{
    ctx = test_context();
    return ctx == NULL;
}

static int suite_clean(void)
{
    bx_context_free(ctx);
    ctx = NULL;
    return 0;
}

int bx_test_suite_rules_coverage(void)
{
    CU_pSuite s = CU_add_suite("rules_coverage", suite_init, suite_clean);

    if (s == NULL)
        return -1;
    if (CU_add_test(s, "every seed amount is tied",
                    test_rules_every_seed_amount_is_tied) == NULL)
        return -1;
    return 0;
}
