/*
 * The mutation sweep: every amount of every sample (the .xml files of samples/, one
 * template each) must take part in at least one identity.  Each amount
 * (every table attribute the schema types bx:amount, and every amount the
 * narrative states in a fig) is moved by ten of its own display units
 * (the places it is printed with: 0.1 万元, 10 元), up and down, one at a
 * time, and validation must then report more findings at warning or above
 * than for the unchanged sample (or reject the document).  Amounts the
 * rule set declares unreachable (<unreachable> in schemas/rules/2024.xml,
 * listed with reasons in docs/rules.md) are skipped.  Prints, per sample
 * and template, how many mutations were checked and caught; at least 99%
 * must be.  BX_TEST_QUICK=1 tries every tenth amount only (for valgrind
 * runs).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "budgetx.h"
#include "internal.h"
#include "rules_num.h"
#include "testutil.h"

#define RULES_NS "urn:budgetx:rules:1"
#define XS_NS "http://www.w3.org/2001/XMLSchema"

static struct bx_context *ctx;

/*
 * Findings at warning or above for 'doc'; '*rc' -100 when the schema
 * rejects it.  'schema' 0: a mutation of a schema-valid sample that only
 * moved a number; the schema is not asked again (it types amounts, it
 * does not check them), which keeps the sweep fast enough for make check.
 */
static size_t errors_of(xmlDocPtr doc, int schema, int *rc)
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
    if (*rc == BX_OK && schema)
        *rc = bx_validate_schema(ctx, sub, &d);
    else if (*rc == BX_OK)
        sub->schema_valid = 1;
    if (*rc == BX_OK && bx_submission_schema_valid(sub) != 1)
        *rc = -100;
    if (*rc == BX_OK)
        *rc = bx_rules_check(ctx, sub, &d);
    n = d.by_severity[BX_SEV_WARNING] + d.by_severity[BX_SEV_ERROR] +
        d.by_severity[BX_SEV_FATAL];
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

/* Move the amount in 'node' by 'sign' ten of its display units; returns
 * the old text (free it), NULL when it is no number. */
static xmlChar *bump(xmlNodePtr node, int sign)
{
    xmlChar *old = xmlNodeGetContent(node);
    struct bx_dec d;
    char buf[48];

    if (old == NULL || rules_dec_parse((const char *)old, &d) != BX_OK) {
        xmlFree(old);
        return NULL;
    }
    rules_dec_format(d.v + sign * 10 * rules_dec_unit(d.places), d.places,
                     buf, sizeof(buf));
    xmlNodeSetContent(node, BAD_CAST buf);
    return old;
}

struct sweep {
    int checked;
    int caught;
    int skipped;
};

/* 1 when moving 'node' by ten display units, either way, is caught. */
static void mutate(xmlDocPtr doc, xmlNodePtr node, size_t base,
                   struct sweep *sw)
{
    int sign;
    int rc;

    for (sign = 1; sign >= -1; sign -= 2) {
        xmlChar *old = bump(node, sign);
        size_t n;

        if (old == NULL)
            return;
        sw->checked++;
        n = errors_of(doc, 0, &rc);
        if ((n > base && rc == BX_OK) || rc == -100) {
            sw->caught++;
        } else {
            char *path = (char *)xmlGetNodePath(node);

            fprintf(stderr, "\n  not caught (%+d): %s (rc %d)", sign * 10,
                    path, rc);
            xmlFree(path);
        }
        xmlNodeSetContent(node, old);
        xmlFree(old);
    }
}

/* The sweep over one sample; prints its line and returns its counts. */
static struct sweep sweep_sample(const char *rel, const char *pred,
                                 const char *unreach)
{
    static char expr[16384];
    xmlDocPtr doc = xmlReadFile(test_path(rel), NULL, XML_PARSE_NONET);
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr amounts;
    xmlXPathObjectPtr skip = NULL;
    xmlXPathObjectPtr profile;
    struct sweep sw = {0, 0, 0};
    int every = getenv("BX_TEST_QUICK") != NULL ? 10 : 1;
    size_t base;
    int rc;
    int i;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    xmlXPathRegisterNs(xp, BAD_CAST "bx", BAD_CAST BX_NAMESPACE);
    snprintf(expr, sizeof(expr),
             "/bx:disclosure/bx:tables//@*[%s][normalize-space(.) != '']"
             " | /bx:disclosure/bx:explanation//bx:fig[not(@role) or "
             "@role = 'amount'][not(@value)]",
             pred);
    amounts = xmlXPathEvalExpression(BAD_CAST expr, xp);
    profile = xmlXPathEvalExpression(
        BAD_CAST "string(/bx:disclosure/bx:metadata/bx:profile)", xp);
    CU_ASSERT_FATAL(amounts != NULL && amounts->nodesetval != NULL);
    if (unreach[0] != '\0')
        skip = xmlXPathEvalExpression(BAD_CAST unreach, xp);
    base = errors_of(doc, 1, &rc);
    CU_ASSERT_EQUAL_FATAL(rc, BX_OK);
    for (i = 0; i < amounts->nodesetval->nodeNr; i += every) {
        xmlNodePtr node = amounts->nodesetval->nodeTab[i];

        if (skip != NULL && is_in(skip->nodesetval, node))
            sw.skipped++;
        else
            mutate(doc, node, base, &sw);
    }
    printf("\n  sweep %s (%s): %d of %d mutations caught (%.1f%%), %d "
           "amounts declared unreachable",
           profile != NULL && profile->stringval ? (char *)profile->stringval
                                                 : "?",
           rel, sw.caught, sw.checked,
           sw.checked ? 100.0 * sw.caught / sw.checked : 0.0, sw.skipped);
    xmlXPathFreeObject(profile);
    xmlXPathFreeObject(skip);
    xmlXPathFreeObject(amounts);
    xmlXPathFreeContext(xp);
    xmlFreeDoc(doc);
    return sw;
}

/* Every sample: at least 99% of its reachable mutations caught. */
static void test_rules_every_sample_amount_is_tied(void)
{
    static char pred[8192];
    static char unreach[8192];
    char rel[512];
    DIR *dir = opendir(test_path("samples"));
    struct dirent *e;
    int samples = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
    amount_names(pred, sizeof(pred));
    CU_ASSERT_FATAL(pred[0] != '\0');
    unreachable_expr(unreach, sizeof(unreach));
    while ((e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        struct sweep sw;

        if (n < 5 || strcmp(e->d_name + n - 4, ".xml") != 0)
            continue;
        snprintf(rel, sizeof(rel), "samples/%s", e->d_name);
        sw = sweep_sample(rel, pred, unreach);
        samples++;
        /* 99% of every reachable mutation; BX_TEST_QUICK samples every
         * tenth amount, where one miss in ~90 is noise: 95% there */
        CU_ASSERT(sw.caught * 100 >=
                  sw.checked * (getenv("BX_TEST_QUICK") != NULL ? 95 : 99));
    }
    closedir(dir);
    printf("\n");
    CU_ASSERT(samples >= 3);
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
    if (CU_add_test(s, "every sample amount is tied",
                    test_rules_every_sample_amount_is_tied) == NULL)
        return -1;
    return 0;
}
