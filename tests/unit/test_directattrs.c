/*
 * Unit tests: attributes built in place by xmlio_parse_shared()
 * (xmlio.c, direct_build) are the tree libxml2's attributes become once
 * shared and packed (xmlio_direct_attrs = 0): the same names, values,
 * line numbers, text nodes held in the node (XML_PARSE_COMPACT) and the
 * same attributes sharing a value, for the samples and for start tags of
 * every kind the parser hands over (references, characters outside
 * ASCII, tabs, empty values, prefixes, many attributes, lines past
 * 65,535).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/tree.h>

#include "budgetx.h"
#include "util.h"
#include "xmlio.h"

static const struct bx_limits limits = {64u << 20, 256};

/* xmlio_parse_shared() of 'len' bytes at 'buf', attributes built in place
 * or not ('direct'); NULL when the parse refused them. */
static xmlDocPtr parse_as(const unsigned char *buf, size_t len, int direct)
{
    int was = xmlio_direct_attrs;
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    xmlio_direct_attrs = direct;
    if (xmlio_parse_shared(buf, len, "t.xml", &limits, &diags, &doc) != BX_OK) {
        doc = NULL;
    }
    xmlio_direct_attrs = was;
    bx_diags_release(&diags);
    return doc;
}

/* Where attribute 'a' is in its element's list (0 for the first). */
static int attr_position(xmlAttrPtr a)
{
    int i = 0;

    for (; a->prev != NULL; a = a->prev)
        i++;
    return i;
}

static int same_string(const xmlChar *a, const xmlChar *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp((const char *)a, (const char *)b) == 0;
}

/* The value of attribute 'a' (its text node 't') as in 'b''s ('u'). */
static void compare_text(xmlAttrPtr a, xmlNodePtr t, xmlAttrPtr b, xmlNodePtr u)
{
    int own_a = t->parent == (xmlNodePtr)a;
    int own_b = u->parent == (xmlNodePtr)b;
    int inline_a = t->content == (xmlChar *)&t->properties;
    int inline_b = u->content == (xmlChar *)&u->properties;

    CU_ASSERT_EQUAL(t->type, XML_TEXT_NODE);
    CU_ASSERT_EQUAL(t->type, u->type);
    CU_ASSERT_PTR_EQUAL(t->name, u->name);
    CU_ASSERT(same_string(t->content, u->content));
    CU_ASSERT_EQUAL(t->line, u->line);
    CU_ASSERT_PTR_EQUAL(t->psvi, u->psvi);
    CU_ASSERT_EQUAL(t->extra, u->extra);
    CU_ASSERT_PTR_NULL(t->next);
    CU_ASSERT_PTR_NULL(t->prev);
    CU_ASSERT_PTR_NULL(t->children);
    CU_ASSERT_PTR_NULL(t->last);
    CU_ASSERT_PTR_NULL(t->ns);
    CU_ASSERT_PTR_NULL(t->_private);
    CU_ASSERT_EQUAL(own_a, own_b);
    CU_ASSERT_EQUAL(inline_a, inline_b);
    if (!inline_a) {
        CU_ASSERT_PTR_NULL(t->properties);
        CU_ASSERT_PTR_NULL(t->nsDef);
    }
    CU_ASSERT_PTR_EQUAL(t->doc, a->doc);
    CU_ASSERT_PTR_EQUAL(u->doc, b->doc);
    if (!own_a && !own_b) {
        /* shared: with the same attribute of the same element */
        xmlAttrPtr oa = (xmlAttrPtr)t->parent;
        xmlAttrPtr ob = (xmlAttrPtr)u->parent;

        CU_ASSERT_EQUAL(attr_position(oa), attr_position(ob));
        CU_ASSERT(same_string(oa->name, ob->name));
        CU_ASSERT_EQUAL(oa->parent->line, ob->parent->line);
        CU_ASSERT(same_string(oa->parent->name, ob->parent->name));
    }
}

/* The attributes of element 'x' as those of 'y'. */
static void compare_attrs(xmlNodePtr x, xmlNodePtr y, int *nattr)
{
    xmlAttrPtr a = x->properties;
    xmlAttrPtr b = y->properties;
    xmlAttrPtr prev_a = NULL;

    for (; a != NULL && b != NULL; prev_a = a, a = a->next, b = b->next) {
        (*nattr)++;
        CU_ASSERT_EQUAL(a->type, b->type);
        CU_ASSERT(same_string(a->name, b->name));
        CU_ASSERT_EQUAL(a->ns == NULL, b->ns == NULL);
        if (a->ns != NULL && b->ns != NULL)
            CU_ASSERT(same_string(a->ns->href, b->ns->href));
        CU_ASSERT_EQUAL(a->atype, b->atype);
        CU_ASSERT_PTR_EQUAL(a->psvi, b->psvi);
        CU_ASSERT_PTR_NULL(a->_private);
        CU_ASSERT_PTR_EQUAL(a->parent, x);
        CU_ASSERT_PTR_EQUAL(a->doc, x->doc);
        CU_ASSERT_PTR_EQUAL(a->prev, prev_a);
        CU_ASSERT_PTR_EQUAL(a->children, a->last);
        CU_ASSERT_EQUAL(a->children == NULL, b->children == NULL);
        if (a->children != NULL && b->children != NULL)
            compare_text(a, a->children, b, b->children);
    }
    CU_ASSERT_PTR_NULL(a);
    CU_ASSERT_PTR_NULL(b);
}

/* The trees from 'x' and 'y' on (siblings and descendants). */
static void compare_trees(xmlNodePtr x, xmlNodePtr y, int *nattr)
{
    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        CU_ASSERT_EQUAL_FATAL(x->type, y->type);
        CU_ASSERT(same_string(x->name, y->name));
        CU_ASSERT_EQUAL(x->line, y->line);
        if (x->type == XML_ELEMENT_NODE) {
            compare_attrs(x, y, nattr);
            compare_trees(x->children, y->children, nattr);
        } else {
            CU_ASSERT(same_string(x->content, y->content));
        }
    }
    CU_ASSERT_PTR_NULL(x);
    CU_ASSERT_PTR_NULL(y);
}

/* Both parses of 'len' bytes at 'buf' agree; the number of attributes
 * compared (-1: both refused the document). */
static int compare_parses(const unsigned char *buf, size_t len)
{
    xmlDocPtr direct = parse_as(buf, len, 1);
    xmlDocPtr built = parse_as(buf, len, 0);
    int nattr = -1;

    CU_ASSERT_EQUAL(direct == NULL, built == NULL);
    if (direct != NULL && built != NULL) {
        nattr = 0;
        compare_trees(direct->children, built->children, &nattr);
    }
    xmlio_free_shared(direct);
    xmlio_free_shared(built);
    return nattr;
}

/* compare_parses() of file 'path'. */
static int compare_file(const char *path)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    int n;

    CU_ASSERT_EQUAL_FATAL(util_read_file(path, 64u << 20, &buf, &len), BX_OK);
    n = compare_parses(buf, len);
    free(buf);
    return n;
}

static int compare_text_doc(const char *text)
{
    return compare_parses((const unsigned char *)text, strlen(text));
}

static void test_samples_build_the_same_tree(void)
{
    static const char *const files[] = {
        "samples/example-central-department-2024.xml",
        "samples/example-county-education-bureau-2024.xml",
        "samples/example-district-health-commission-2024.xml",
        "samples/example-narrative-only-2024.xml",
        "samples/example-province-education-department-2024.xml",
        "samples/example-shanghai-district-health-2024.xml",
        "samples/pingdingshan-hitech-service-center-2024.xml",
    };
    size_t i;

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        CU_ASSERT(compare_file(files[i]) > 10);
}

/* Values read in place and rewritten by the parser, short and long,
 * repeated within a tag and across tags. */
static void test_every_kind_of_value(void)
{
    const char *doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<d xmlns=\"urn:d\" xmlns:p=\"urn:p\" a=\"\" b=\"1\" c=\"12\">\n"
        " <r a=\"0.00\" b=\"0.00\" c=\"0.00\" d=\"123456789012345\"\n"
        "    e=\"1234567890123456\" f=\"12345678901234567\"/>\n"
        " <r a=\"\xe5\x8d\x95\xe4\xbd\x8d\" b=\"\xe5\x8d\x95\xe4\xbd\x8d\"/>\n"
        " <r a=\"x&amp;y\" b=\"&lt;&gt;\" c=\"&#x4e2d;\" d=\"&#38;\"/>\n"
        " <r a=\"tab\there\" b=\"line\nbreak\" c=\"  spaced  \"/>\n"
        " <r a=\"0.00\" p:b=\"ns\" xml:lang=\"zh\" c=\"12\"/>\n"
        " <r xml:id=\"i1\" a=\"\xe5\x8d\x95\xe4\xbd\x8d\"/>\n"
        " <r a='single' b='0.00' c='\xe5\x8d\x95'/>\n"
        " <r a=\"1\" a2=\"1\" a3=\"22\" a4=\"22\"/>\n"
        "</d>\n";

    CU_ASSERT(compare_text_doc(doc) > 30);
}

/* Start tags of many attributes (past the ones built in place), and line
 * numbers past 65,535 (XML_PARSE_BIG_LINES). */
static void test_many_attributes_and_lines(void)
{
    size_t cap = 1u << 20;
    char *b = malloc(cap);
    size_t n = 0;
    int i;
    int k;

    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    n += (size_t)snprintf(b + n, cap - n, "<d>\n");
    for (k = 31; k <= 34; k++) {
        n += (size_t)snprintf(b + n, cap - n, "<r");
        for (i = 0; i < k; i++)
            n += (size_t)snprintf(b + n, cap - n, " a%d=\"v%d\"", i, i % 7);
        n += (size_t)snprintf(b + n, cap - n, "/>\n");
    }
    for (i = 0; i < 70000; i++)
        b[n++] = '\n';
    n += (size_t)snprintf(b + n, cap - n,
                          "<r a=\"far\" b=\"0.00\" c=\"a long value past 16\" "
                          "d=\"\xe5\x8d\x95\"/>\n</d>\n");
    CU_ASSERT(compare_parses((const unsigned char *)b, n) > 130);
    free(b);
}

/* A document the parser refuses is refused either way. */
static void test_refused_the_same(void)
{
    CU_ASSERT_EQUAL(compare_text_doc("<d a=\"1\" a=\"2\"/>"), -1);
    CU_ASSERT_EQUAL(compare_text_doc("<d a=\"1\" b=\"&nope;\"/>"), -1);
    CU_ASSERT_EQUAL(compare_text_doc("<d a=\"1\"><e b=\"2\"></d>"), -1);
}

int bx_test_suite_directattrs(void)
{
    CU_pSuite s = CU_add_suite("directattrs", NULL, NULL);

    if (s == NULL)
        return CU_get_error();
    if (xmlio_init() != BX_OK)
        return CUE_NOMEMORY;
    CU_ADD_TEST(s, test_samples_build_the_same_tree);
    CU_ADD_TEST(s, test_every_kind_of_value);
    CU_ADD_TEST(s, test_many_attributes_and_lines);
    CU_ADD_TEST(s, test_refused_the_same);
    return CU_get_error();
}
