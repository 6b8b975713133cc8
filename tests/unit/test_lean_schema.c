/*
 * Unit tests: the lean copy of the schema (scripts/lean-xsd.c) accepts
 * and rejects exactly what the original does, with the same messages.
 * The lean copy rewrites some type definitions into cheaper equivalents
 * (bx:amountText on xs:token instead of bx:decimalText); here both
 * schemas validate a sample whose amount cells are given many generated
 * values, valid and invalid, and every error (line, code, element,
 * message) must be the same.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "budgetx.h"
#include "testutil.h"

#define SAMPLE "samples/example-county-education-bureau-2024.xml"
#define ROUNDS 12

struct errlist {
    char **items;
    size_t n;
    size_t cap;
};

static xmlSchemaPtr full;
static xmlSchemaPtr lean;

static xmlSchemaPtr compile(const char *rel)
{
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(test_path(rel));
    xmlSchemaPtr s = NULL;

    if (pc != NULL) {
        s = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    return s;
}

static int setup(void)
{
    full = compile("schemas/budgetx.xsd");
    lean = compile("schemas/lean/budgetx.xsd");
    return full != NULL && lean != NULL ? 0 : -1;
}

static int teardown(void)
{
    xmlSchemaFree(full);
    xmlSchemaFree(lean);
    return 0;
}

static void on_error(void *user, xmlErrorPtr err)
{
    struct errlist *l = user;
    char buf[1024];
    char **grown;

    snprintf(buf, sizeof(buf), "%d|%d|%d|%s|%s", err->line, err->code,
             (int)err->level,
             err->node != NULL && ((xmlNodePtr)err->node)->name != NULL
                 ? (const char *)((xmlNodePtr)err->node)->name
                 : "",
             err->message != NULL ? err->message : "");
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        grown = realloc(l->items, l->cap * sizeof(*grown));
        if (grown == NULL) {
            return;
        }
        l->items = grown;
    }
    l->items[l->n++] = strdup(buf);
}

static void errlist_release(struct errlist *l)
{
    size_t i;

    for (i = 0; i < l->n; i++) {
        free(l->items[i]);
    }
    free(l->items);
    memset(l, 0, sizeof(*l));
}

static int validate(xmlSchemaPtr s, xmlDocPtr doc, struct errlist *l)
{
    xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(s);
    int ret;

    if (v == NULL) {
        return -1;
    }
    xmlSchemaSetValidStructuredErrors(v, on_error, l);
    ret = xmlSchemaValidateDoc(v, doc);
    xmlSchemaFreeValidCtxt(v);
    return ret;
}

/* Amount cells of the tables: empty or a number, not a code. */
static int is_amount(xmlAttrPtr a)
{
    static const char *const codes[] = {"code", "dep", "gov", "func",
                                        "no",   "key", "num", "unit"};
    const char *v;
    size_t i;

    for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        if (strcmp((const char *)a->name, codes[i]) == 0) {
            return 0;
        }
    }
    v = a->children != NULL ? (const char *)a->children->content : "";
    return v[0] == '\0' || strspn(v, "-0123456789.") == strlen(v);
}

static size_t collect(xmlNodePtr n, int in_tables, xmlAttrPtr *out,
                      size_t cap, size_t k)
{
    xmlAttrPtr a;

    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        for (a = n->properties; in_tables && a != NULL; a = a->next) {
            if (k < cap && is_amount(a)) {
                out[k++] = a;
            }
        }
        k = collect(n->children,
                    in_tables || strcmp((const char *)n->name, "tables") == 0,
                    out, cap, k);
    }
    return k;
}

static unsigned long rng_state = 12345;

static unsigned rnd(unsigned n)
{
    rng_state = rng_state * 6364136223846793005UL + 1442695040888963407UL;
    return (unsigned)((rng_state >> 33) % n);
}

/* A value: mostly amount-shaped (sign, zeros, digits, point, decimals,
 * spaces around), some of random characters. */
static void gen_value(char *buf, size_t size)
{
    static const char *const odd[] = {
        "",   " ",  "\t", "-",  "+",   ".",   "-.",  "+1",  ".5",
        "5.", "1e5", "1,000", "0x1", "１２", "NaN", "INF", "- 1", "1 2",
        "--1", "1..2", "1.2.3", " 1", "1 ", "\n1.5\n", "  -0  ", "00",
        "-0", "-00.0000", "0.00000", "99999999999999.9999",
        "100000000000000", "000000000000000000001", "1.", "١٢"};
    static const char chars[] = "0123456789-+. \tea,";
    size_t len = 0;
    unsigned i;
    unsigned n;

    buf[0] = '\0';
    switch (rnd(4)) {
    case 0:
        snprintf(buf, size, "%s", odd[rnd(sizeof(odd) / sizeof(odd[0]))]);
        return;
    case 1:
        n = rnd(24);
        for (i = 0; i < n && len + 1 < size; i++) {
            buf[len++] = chars[rnd(sizeof(chars) - 1)];
        }
        buf[len] = '\0';
        return;
    default:
        break;
    }
    if (rnd(8) == 0) {
        buf[len++] = rnd(2) ? ' ' : '\t';
    }
    if (rnd(3) == 0) {
        buf[len++] = rnd(10) ? '-' : '+';
    }
    for (n = rnd(3) ? 0 : rnd(4), i = 0; i < n; i++) {
        buf[len++] = '0';
    }
    for (n = rnd(17), i = 0; i < n; i++) {
        buf[len++] = (char)('0' + rnd(10));
    }
    if (rnd(2)) {
        buf[len++] = '.';
        for (n = rnd(7), i = 0; i < n; i++) {
            buf[len++] = (char)('0' + rnd(10));
        }
    }
    if (rnd(8) == 0) {
        buf[len++] = rnd(2) ? ' ' : '\n';
    }
    buf[len] = '\0';
}

/* The lean copy really is the rewritten one (else this proves nothing). */
static void test_lean_amount_is_rewritten(void)
{
    xmlDocPtr d =
        xmlReadFile(test_path("schemas/lean/disclosure/common.xsd"), NULL, 0);
    xmlNodePtr t;
    xmlChar *base = NULL;

    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    for (t = xmlDocGetRootElement(d)->children; t != NULL; t = t->next) {
        xmlChar *name = xmlGetProp(t, BAD_CAST "name");

        if (name != NULL && strcmp((const char *)name, "amountText") == 0) {
            base = xmlGetProp(xmlFirstElementChild(t), BAD_CAST "base");
        }
        xmlFree(name);
    }
    CU_ASSERT_PTR_NOT_NULL(base);
    if (base != NULL) {
        CU_ASSERT_STRING_EQUAL(base, "xs:token");
    }
    xmlFree(base);
    xmlFreeDoc(d);
}

/* Same errors, in the same order, for every generated amount. */
static void test_lean_accepts_what_the_original_does(void)
{
    xmlDocPtr doc = xmlReadFile(test_path(SAMPLE), NULL, 0);
    xmlAttrPtr cells[4096];
    struct errlist a = {NULL, 0, 0};
    struct errlist b = {NULL, 0, 0};
    size_t n;
    size_t i;
    size_t bad = 0;
    size_t good = 0;
    size_t differ = 0;
    int round;
    char value[64];

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    n = collect(xmlDocGetRootElement(doc), 0, cells, 4096, 0);
    CU_ASSERT(n > 500);
    for (round = 0; round < ROUNDS; round++) {
        for (i = 0; i < n; i++) {
            gen_value(value, sizeof(value));
            xmlSetProp(cells[i]->parent, cells[i]->name, BAD_CAST value);
        }
        CU_ASSERT_EQUAL(validate(full, doc, &a) >= 0, 1);
        CU_ASSERT_EQUAL(validate(lean, doc, &b) >= 0, 1);
        CU_ASSERT_EQUAL(a.n, b.n);
        for (i = 0; i < a.n && i < b.n; i++) {
            if (strcmp(a.items[i], b.items[i]) != 0 && differ++ < 5) {
                fprintf(stderr, "\nfull: %s\nlean: %s", a.items[i],
                        b.items[i]);
            }
        }
        bad += a.n;
        good += n > a.n ? n - a.n : 0;
        errlist_release(&a);
        errlist_release(&b);
    }
    if (getenv("BX_TEST_VERBOSE") != NULL) {
        fprintf(stderr, "\n%zu cells, %zu errors, %zu accepted\n", n, bad,
                good);
    }
    CU_ASSERT_EQUAL(differ, 0);
    /* both sides of the line were exercised */
    CU_ASSERT(bad > 1000);
    CU_ASSERT(good > 1000);
    xmlFreeDoc(doc);
}

int bx_test_suite_lean_schema(void)
{
    CU_pSuite s = CU_add_suite("lean_schema", setup, teardown);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_lean_amount_is_rewritten);
    CU_ADD_TEST(s, test_lean_accepts_what_the_original_does);
    return CU_get_error();
}
