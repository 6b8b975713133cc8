/*
 * Unit tests: the attribute index of a parsed submission (xmlio.c,
 * xmlio_attr_index) and rules_attr_named() reading through it
 * (rules_path.c): every element, every name, the same attribute as the
 * walk of its list.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/xpath.h>

#include "budgetx.h"
#include "rules_eval.h"
#include "util.h"
#include "xmlio.h"

static const struct bx_limits limits = {8u << 20, 256};

/* The attribute 'name' (no namespace) of 'el' by walking its list. */
static xmlAttrPtr walked(xmlNodePtr el, const char *name)
{
    xmlAttrPtr a;

    for (a = el->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && xmlStrEqual(a->name, BAD_CAST name))
            return a;
    }
    return NULL;
}

/* Append 'text' to the growing string '*b' of '*n' bytes. */
static void put(char **b, size_t *n, const char *text)
{
    size_t k = strlen(text);
    char *g = realloc(*b, *n + k + 1);

    CU_ASSERT_PTR_NOT_NULL_FATAL(g);
    memcpy(g + *n, text, k + 1);
    *b = g;
    *n += k;
}

/*
 * A document of 'rows' rows of a few shapes: attributes in different
 * orders, none, a namespaced one beside a plain one of the same local
 * name, an xml:id (not packed), one element of 800 attributes (larger
 * than a slab: not packed), text and comments between.
 */
static char *sample(int rows)
{
    char *b = NULL;
    size_t n = 0;
    char one[256];
    int i;

    put(&b, &n, "<doc xmlns:p=\"urn:p\" code=\"root\">\n<t a=\"0\"/>");
    for (i = 0; i < rows; i++) {
        switch (i % 6) {
        case 0:
            snprintf(one, sizeof(one),
                     "<row code=\"%d\" total=\"%d.00\" basic=\"1\" "
                     "project=\"2\"><x/></row>\n",
                     i, i);
            break;
        case 1:
            snprintf(one, sizeof(one),
                     "<row project=\"3\" total=\"%d.50\" code=\"c%d\"/>", i, i);
            break;
        case 2:
            snprintf(one, sizeof(one), "<row>text %d<!-- c --></row>", i);
            break;
        case 3:
            snprintf(one, sizeof(one),
                     "<row p:q=\"ns\" q=\"plain\" total=\"%d\"/>", i);
            break;
        case 4:
            snprintf(one, sizeof(one), "<row xml:id=\"i%d\" code=\"%d\"/>", i,
                     i);
            break;
        default:
            snprintf(one, sizeof(one),
                     "<row><unit code=\"u%d\" basic=\"\" t=\"1\"/></row>", i);
            break;
        }
        put(&b, &n, one);
        if (i == rows / 2) {
            int k;

            put(&b, &n, "<big");
            for (k = 0; k < 800; k++) {
                snprintf(one, sizeof(one), " n%d=\"%d\"", k, k);
                put(&b, &n, one);
            }
            put(&b, &n, "/>");
        }
    }
    put(&b, &n, "</doc>");
    return b;
}

/* xmlio_parse_shared() of 'text', indexed from its 'min'th element. */
static xmlDocPtr parse_from(const char *text, size_t min)
{
    size_t was = xmlio_ai_min_elems;
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    xmlio_ai_min_elems = min;
    CU_ASSERT_EQUAL(xmlio_parse_shared((const unsigned char *)text,
                                       strlen(text), "t.xml", &limits, &diags,
                                       &doc),
                    BX_OK);
    xmlio_ai_min_elems = was;
    bx_diags_release(&diags);
    return doc;
}

static const char *const names[] = {
    "code", "total", "basic", "project", "q", "id", "t", "a",
    "n0",   "n799",  "n400",  "missing", "x", "p",  "",
};

/* Every element of 'n' and below: every name read through the index
 * (in force) is the attribute the walk finds; counts the elements. */
static void compare_all(xmlNodePtr n, int *elements, int *found)
{
    size_t i;

    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        (*elements)++;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            xmlAttrPtr want = walked(n, names[i]);

            CU_ASSERT_PTR_EQUAL(rules_attr_named(n, names[i]), want);
            if (want != NULL)
                (*found)++;
        }
        compare_all(n->children, elements, found);
    }
}

/* Elements marked to be walked (not packed, or a namespaced attribute
 * among them: still indexed) and those read by number. */
static void count_marks(const struct xmlio_attr_index *ix, int *scan,
                        int *indexed)
{
    size_t o;

    for (o = 1; o <= ix->nel; o++) {
        if (ix->elems[o].start & XMLIO_AI_SCAN)
            (*scan)++;
        else
            (*indexed)++;
    }
}

static void test_index_reads_as_the_walk(void)
{
    char *text = sample(600);
    const struct xmlio_attr_index *ix;
    xmlDocPtr doc;
    xmlDocPtr other;
    long nel;
    int elements = 0;
    int found = 0;
    int scan = 0;
    int indexed = 0;

    /* from the 50th element on: the 49 before are numbered at once */
    doc = parse_from(text, 50);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    ix = xmlio_attr_index(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ix);
    nel = xmlXPathOrderDocElems(doc);
    CU_ASSERT_EQUAL((long)ix->nel, nel);
    count_marks(ix, &scan, &indexed);
    /* each xml:id row and namespaced row (not packed), the big one */
    CU_ASSERT_EQUAL(scan, 100 + 100 + 1);
    CU_ASSERT_EQUAL(indexed, nel - scan);
    CU_ASSERT(indexed > 600);
    rules_attrs_begin(doc);
    compare_all(doc->children, &elements, &found);
    /* twice: the names are remembered the second time */
    compare_all(doc->children, &elements, &found);
    /* an element of another document is walked */
    other =
        xmlReadMemory(text, (int)strlen(text), "o.xml", NULL, XML_PARSE_NONET);
    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    xmlXPathOrderDocElems(other);
    compare_all(other->children, &elements, &found);
    rules_attrs_end();
    CU_ASSERT_EQUAL(elements, 3 * nel);
    CU_ASSERT(found > 3000);
    xmlFreeDoc(other);
    xmlio_free_shared(doc); /* make asan: the index goes with it */
    free(text);
}

/* Without the elements numbered in the order the index has them, every
 * element is walked: same answers. */
static void test_index_needs_the_numbers(void)
{
    char *text = sample(40);
    xmlDocPtr doc = parse_from(text, 1);
    xmlNodePtr row;
    int elements = 0;
    int found = 0;

    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(xmlio_attr_index(doc));
    /* unnumbered: content NULL, the number read as 0 */
    rules_attrs_begin(doc);
    compare_all(doc->children, &elements, &found);
    rules_attrs_end();
    /* numbered, then two rows' numbers swapped: each is walked */
    xmlXPathOrderDocElems(doc);
    row = xmlFirstElementChild(xmlDocGetRootElement(doc));
    row = xmlNextElementSibling(row);
    {
        void *c = row->content;

        row->content = xmlNextElementSibling(row)->content;
        xmlNextElementSibling(row)->content = c;
    }
    rules_attrs_begin(doc);
    compare_all(doc->children, &elements, &found);
    rules_attrs_end();
    CU_ASSERT(found > 100);
    xmlio_free_shared(doc);
    free(text);
}

/* A small document gets no index; a plain parse none either. */
static void test_index_only_for_large_documents(void)
{
    char *text = sample(40);
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    CU_ASSERT(xmlio_ai_min_elems > 100);
    CU_ASSERT_EQUAL_FATAL(xmlio_parse_shared((const unsigned char *)text,
                                             strlen(text), "t.xml", &limits,
                                             &diags, &doc),
                          BX_OK);
    CU_ASSERT_PTR_NULL(xmlio_attr_index(doc));
    xmlio_free_shared(doc);
    doc = NULL;
    CU_ASSERT_EQUAL_FATAL(xmlio_parse((const unsigned char *)text, strlen(text),
                                      "t.xml", &limits, &diags, &doc),
                          BX_OK);
    CU_ASSERT_PTR_NULL(xmlio_attr_index(doc));
    xmlFreeDoc(doc);
    bx_diags_release(&diags);
    free(text);
}

int bx_test_suite_locality(void)
{
    CU_pSuite s = CU_add_suite("locality", NULL, NULL);

    if (s == NULL)
        return CU_get_error();
    if (xmlio_init() != BX_OK)
        return CUE_NOMEMORY;
    CU_ADD_TEST(s, test_index_reads_as_the_walk);
    CU_ADD_TEST(s, test_index_needs_the_numbers);
    CU_ADD_TEST(s, test_index_only_for_large_documents);
    return CU_get_error();
}
