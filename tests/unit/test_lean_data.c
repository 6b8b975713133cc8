/*
 * datafiles_read_parse_lean(): the lean copy of a rule file or template
 * (schemas/lean/, scripts/lean-data.c) is parsed only when the build's
 * index matches and the caller accepts the original's digest; the digest
 * handed on (and asked about) is always the original's SHA-256, never
 * the copy's; without the copy's consent the original is parsed as it
 * stands.  tests/lean/data.sh checks the same end to end (same bytes
 * with and without the copies, an edited original seen).  Also: the
 * attribute lookups of datafiles.c find what libxml2's do.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/tree.h>

#include "budgetx.h"
#include "datafiles.h"
#include "rules.h"
#include "testutil.h"
#include "xmlio.h"

static const char *const files[] = {
    "schemas/rules/2024.xml",
    "schemas/templates/central-9.xml",
    "schemas/templates/district-9-yuan.xml",
    "schemas/templates/henan-county-14.xml",
    "schemas/templates/henan-province-11.xml",
    "schemas/templates/narrative-only.xml",
    "schemas/templates/other.xml",
    "schemas/codes/2024/function.xml",
    "schemas/codes/2024/eco-mapping.xml",
};

/* The predicate: records the digest it was asked about, says 'answer'. */
struct asked {
    int answer;
    int calls;
    char hex[65];
};

static int built(void *arg, const char *hex)
{
    struct asked *a = arg;

    a->calls++;
    snprintf(a->hex, sizeof(a->hex), "%s", hex);
    return a->answer;
}

/* Comment nodes, and elements named 'name', anywhere below 'n'. */
static size_t count(xmlNodePtr n, xmlElementType type, const char *name)
{
    size_t c = 0;

    for (; n != NULL; n = n->next) {
        if (n->type == type &&
            (name == NULL || strcmp((const char *)n->name, name) == 0))
            c++;
        if (n->type == XML_ELEMENT_NODE)
            c += count(n->children, type, name);
    }
    return c;
}

/* Read 'rel' with the predicate answering 'answer'; checks the digest. */
static xmlDocPtr read_lean(struct bx_context *ctx, const char *rel, int answer,
                           int *lean)
{
    struct asked a = {answer, 0, ""};
    struct bx_diags d;
    xmlDocPtr doc = NULL;
    char file_hex[65];
    char hex[65];

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(datafiles_read_parse_lean(ctx, rel, test_path(rel), built,
                                              &a, &d, hex, lean, &doc),
                    BX_OK);
    CU_ASSERT_EQUAL(d.count, 0);
    CU_ASSERT_PTR_NOT_NULL(doc);
    CU_ASSERT_EQUAL_FATAL(rules_file_digest(test_path(rel), file_hex), BX_OK);
    /* what is recorded about the file is the original's digest */
    CU_ASSERT_STRING_EQUAL(hex, file_hex);
    /* and that is what the caller is asked about */
    CU_ASSERT_EQUAL(a.calls, 1);
    CU_ASSERT_STRING_EQUAL(a.hex, file_hex);
    bx_diags_release(&d);
    return doc;
}

static void test_lean_copy_parsed_with_the_originals_digest(void)
{
    struct bx_context *ctx = test_context();
    xmlDocPtr doc;
    size_t i;
    int lean = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        doc = read_lean(ctx, files[i], 1, &lean);
        CU_ASSERT_EQUAL(lean, 1);
        if (doc != NULL) {
            CU_ASSERT_EQUAL(count(doc->children, XML_COMMENT_NODE, NULL), 0);
            CU_ASSERT_EQUAL(count(doc->children, XML_ELEMENT_NODE, "meaning"),
                            0);
            xmlFreeDoc(doc);
        }
    }
    bx_context_free(ctx);
}

/* Not validated at build time (the predicate says no): the original. */
static void test_original_parsed_when_not_built(void)
{
    struct bx_context *ctx = test_context();
    xmlDocPtr doc;
    int lean = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    doc = read_lean(ctx, "schemas/rules/2024.xml", 0, &lean);
    CU_ASSERT_EQUAL(lean, 0);
    if (doc != NULL) {
        CU_ASSERT_TRUE(count(doc->children, XML_COMMENT_NODE, NULL) > 0);
        CU_ASSERT_TRUE(count(doc->children, XML_ELEMENT_NODE, "meaning") > 0);
        xmlFreeDoc(doc);
    }
    bx_context_free(ctx);
}

/* A file the index does not list (a schema): the original, no
 * question asked, its own digest. */
static void test_unlisted_file_parsed_as_it_stands(void)
{
    struct bx_context *ctx = test_context();
    const char *rel = "schemas/codes/codes.xsd";
    struct asked a = {1, 0, ""};
    struct bx_diags d;
    xmlDocPtr doc = NULL;
    char file_hex[65];
    char hex[65];
    int lean = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(datafiles_read_parse_lean(ctx, rel, test_path(rel), built,
                                              &a, &d, hex, &lean, &doc),
                    BX_OK);
    CU_ASSERT_EQUAL(lean, 0);
    CU_ASSERT_EQUAL(a.calls, 0);
    CU_ASSERT_EQUAL(rules_file_digest(test_path(rel), file_hex), BX_OK);
    CU_ASSERT_STRING_EQUAL(hex, file_hex);
    xmlFreeDoc(doc);
    bx_diags_release(&d);
    bx_context_free(ctx);
}

/* An unreadable original: DATA-READ, as datafiles_read_parse() says. */
static void test_lean_unreadable_original(void)
{
    struct bx_context *ctx = test_context();
    const char *rel = "schemas/rules/1900.xml";
    struct asked a = {1, 0, ""};
    struct bx_diags d;
    xmlDocPtr doc = NULL;
    char hex[65] = "x";
    int lean = -1;

    CU_ASSERT_PTR_NOT_NULL_FATAL(ctx);
    bx_diags_init(&d);
    CU_ASSERT_EQUAL(datafiles_read_parse_lean(ctx, rel, test_path(rel), built,
                                              &a, &d, hex, &lean, &doc),
                    BX_E_DATA);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_EQUAL(lean, 0);
    CU_ASSERT_STRING_EQUAL(hex, "");
    CU_ASSERT_TRUE(bx_diags_has(&d, "DATA-READ"));
    bx_diags_release(&d);
    bx_context_free(ctx);
}

/* datafiles_prop() and datafiles_lang() against libxml2 on every element
 * below 'n', for each attribute it has and one it has not. */
static void agree_below(xmlNodePtr n, size_t *checked)
{
    for (; n != NULL; n = n->next) {
        xmlAttrPtr a;
        const char *own = NULL;
        xmlChar *lang;

        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (a = n->properties; a != NULL; a = a->next) {
            if (a->ns == NULL)
                CU_ASSERT_PTR_EQUAL(datafiles_prop(n, (const char *)a->name),
                                    xmlHasNsProp(n, a->name, NULL));
        }
        CU_ASSERT_PTR_NULL(datafiles_prop(n, "noSuchAttribute"));
        /* xml:lang is in a namespace: not an attribute without one */
        CU_ASSERT_PTR_NULL(datafiles_prop(n, "lang"));
        lang = xmlGetNsProp(n, BAD_CAST "lang",
                            BAD_CAST "http://www.w3.org/XML/1998/namespace");
        if (datafiles_lang(n, &own)) {
            CU_ASSERT_TRUE((own == NULL && lang == NULL) ||
                           (own != NULL && lang != NULL &&
                            strcmp(own, (const char *)lang) == 0));
            (*checked)++;
        }
        xmlFree(lang);
        agree_below(n->children, checked);
    }
}

static void test_prop_and_lang_agree_with_libxml2(void)
{
    static const char dtd[] =
        "<!DOCTYPE r [<!ATTLIST e d CDATA 'dflt' xml:lang CDATA 'zh'>]>"
        "<r><e a='1'/><e xml:lang='en'/></r>";
    struct bx_diags d;
    xmlDocPtr doc;
    size_t checked = 0;
    size_t i;
    char hex[65];

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        bx_diags_init(&d);
        doc = NULL;
        CU_ASSERT_EQUAL(datafiles_read_parse(test_path(files[i]), &d, hex,
                                             &doc),
                        BX_OK);
        if (doc != NULL)
            agree_below(doc->children, &checked);
        xmlFreeDoc(doc);
        bx_diags_release(&d);
    }
    CU_ASSERT_TRUE(checked > 500);
    /* with a DTD, libxml2 answers (default values) */
    doc = xmlReadMemory(dtd, (int)strlen(dtd), "dtd.xml", NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    {
        xmlNodePtr e = xmlDocGetRootElement(doc)->children;
        const char *own = "x";

        CU_ASSERT_PTR_NOT_NULL(datafiles_prop(e, "d"));
        CU_ASSERT_PTR_EQUAL(datafiles_prop(e, "d"),
                            xmlHasNsProp(e, BAD_CAST "d", NULL));
        CU_ASSERT_EQUAL(datafiles_lang(e, &own), 0);
    }
    xmlFreeDoc(doc);
}

static int suite_init(void)
{
    return xmlio_init() == BX_OK ? 0 : -1;
}

int bx_test_suite_lean_data(void)
{
    CU_pSuite s = CU_add_suite("lean_data", suite_init, NULL);

    if (s == NULL ||
        CU_add_test(s, "lean copy parsed, the original's digest",
                    test_lean_copy_parsed_with_the_originals_digest) == NULL ||
        CU_add_test(s, "original parsed when not validated at build",
                    test_original_parsed_when_not_built) == NULL ||
        CU_add_test(s, "unlisted file parsed as it stands",
                    test_unlisted_file_parsed_as_it_stands) == NULL ||
        CU_add_test(s, "unreadable original",
                    test_lean_unreadable_original) == NULL ||
        CU_add_test(s, "attributes read as libxml2 reads them",
                    test_prop_and_lang_agree_with_libxml2) == NULL)
        return -1;
    return 0;
}
