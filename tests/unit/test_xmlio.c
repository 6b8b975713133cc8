/* Unit tests: safe parsing of untrusted XML and gzip input. */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/xpath.h>
#include <zlib.h>

#include "budgetx.h"
#include "util.h"
#include "xmlio.h"

static const struct bx_limits limits = {1u << 20, 256};

static int parse(const char *text, struct bx_diags *diags, xmlDocPtr *doc)
{
    return xmlio_parse((const unsigned char *)text, strlen(text), "t.xml",
                       &limits, diags, doc);
}

static void test_parse_accepts_plain_utf8(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(parse("<a>预算</a>", &diags, &doc), BX_OK);
    CU_ASSERT_PTR_NOT_NULL(doc);
    CU_ASSERT_EQUAL(diags.count, 0);
    xmlFreeDoc(doc);
    bx_diags_release(&diags);
}

static void test_parse_refuses_external_entity(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(parse("<?xml version=\"1.0\"?>\n"
                          "<!DOCTYPE a [<!ENTITY x SYSTEM \"/etc/passwd\">]>\n"
                          "<a>&x;</a>",
                          &diags, &doc),
                    BX_E_PARSE);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XML-DOCTYPE"));
    bx_diags_release(&diags);
}

static void test_parse_refuses_entity_expansion_bomb(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(parse("<!DOCTYPE a [<!ENTITY a \"aaaaaaaaaa\">"
                          "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                          "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
                          "<a>&c;&c;&c;</a>",
                          &diags, &doc),
                    BX_E_PARSE);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XML-DOCTYPE"));
    bx_diags_release(&diags);
}

static void test_parse_refuses_deep_nesting(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    struct bx_buf b;
    int i;

    buf_init(&b);
    for (i = 0; i < 10000; i++) {
        buf_puts(&b, "<d>");
    }
    for (i = 0; i < 10000; i++) {
        buf_puts(&b, "</d>");
    }
    bx_diags_init(&diags);
    CU_ASSERT_NOT_EQUAL(parse(b.data, &diags, &doc), BX_OK);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_TRUE(diags.count > 0);
    bx_diags_release(&diags);
    buf_release(&b);
}

static void test_parse_reports_invalid_utf8_escaped(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    size_t i;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(parse("<a>\xff\xfe</a>", &diags, &doc), BX_E_PARSE);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XML-MALFORMED"));
    for (i = 0; i < diags.count; i++) {
        CU_ASSERT_PTR_NULL(strchr(diags.items[i].message_en, '\xff'));
    }
    bx_diags_release(&diags);
}

static void test_parse_decodes_declared_gb18030(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    xmlChar *text;

    bx_diags_init(&diags);
    /* 预算 in GB18030 is D4 A4 CB E3 */
    CU_ASSERT_EQUAL(parse("<?xml version=\"1.0\" encoding=\"GB18030\"?>"
                          "<a>\xd4\xa4\xcb\xe3</a>",
                          &diags, &doc),
                    BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    text = xmlNodeGetContent(xmlDocGetRootElement(doc));
    CU_ASSERT_STRING_EQUAL((char *)text, "预算");
    xmlFree(text);
    xmlFreeDoc(doc);
    bx_diags_release(&diags);
}

static void test_parse_reports_truncated_document(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(parse("<a><b>text</b", &diags, &doc), BX_E_PARSE);
    CU_ASSERT_TRUE(diags.count > 0);
    CU_ASSERT_TRUE(diags.items[0].line >= 1);
    bx_diags_release(&diags);
}

static unsigned char *gz(const char *text, size_t len, size_t *outlen)
{
    z_stream zs;
    size_t cap = compressBound(len) + 64;
    unsigned char *out = malloc(cap);

    memset(&zs, 0, sizeof(zs));
    deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = (unsigned char *)text;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    deflate(&zs, Z_FINISH);
    *outlen = zs.total_out;
    deflateEnd(&zs);
    return out;
}

static void test_gunzip_inflates_under_the_cap(void)
{
    size_t len;
    unsigned char *buf = gz("<a>x</a>", 8, &len);

    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(xmlio_gunzip(&buf, &len, 100, "t", &diags), BX_OK);
    CU_ASSERT_EQUAL(len, 8);
    CU_ASSERT_NSTRING_EQUAL(buf, "<a>x</a>", 8);
    CU_ASSERT_EQUAL(diags.count, 0);
    free(buf);
    bx_diags_release(&diags);
}

/* 'a' gzipped, followed by 'tail' (gzipped too when 'gz_tail'). */
static unsigned char *gz_with_tail(const char *tail, int gz_tail, size_t *len)
{
    size_t n1;
    size_t n2;
    unsigned char *first = gz("<a>x</a>", 8, &n1);
    unsigned char *second =
        gz_tail ? gz(tail, strlen(tail), &n2) : (unsigned char *)strdup(tail);
    unsigned char *out = malloc(n1 + (gz_tail ? n2 : strlen(tail)));

    n2 = gz_tail ? n2 : strlen(tail);
    memcpy(out, first, n1);
    memcpy(out + n1, second, n2);
    free(first);
    free(second);
    *len = n1 + n2;
    return out;
}

static void test_gunzip_refuses_trailing_bytes(void)
{
    size_t len;
    unsigned char *buf = gz_with_tail("garbage", 0, &len);
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(xmlio_gunzip(&buf, &len, 100, "t", &diags), BX_E_PARSE);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "IO-GZIP"));
    CU_ASSERT_PTR_NOT_NULL(strstr(diags.items[0].message_en, "trailing"));
    free(buf);
    bx_diags_release(&diags);
}

static void test_gunzip_refuses_a_second_member(void)
{
    size_t len;
    unsigned char *buf = gz_with_tail("<b/>", 1, &len);
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(xmlio_gunzip(&buf, &len, 100, "t", &diags), BX_E_PARSE);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "IO-GZIP"));
    CU_ASSERT_PTR_NOT_NULL(strstr(diags.items[0].message_en, "member"));
    free(buf);
    bx_diags_release(&diags);
}

static void test_parse_refuses_nul_then_garbage(void)
{
    static const char text[] = "<a>x</a>\0garbage<b>";
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(xmlio_parse((const unsigned char *)text, sizeof(text) - 1,
                                "t.xml", &limits, &diags, &doc),
                    BX_E_PARSE);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XML-MALFORMED"));
    bx_diags_release(&diags);
}

static void test_parse_accepts_utf16_and_refuses_its_nul(void)
{
    /* "<a/>" in UTF-16LE with a BOM; then with a NUL code unit added */
    static const unsigned char ok[] = {0xff, 0xfe, '<', 0,   'a',
                                       0,    '/',  0,   '>', 0};
    static const unsigned char bad[] = {0xff, 0xfe, '<', 0, 'a', 0,   '/',
                                        0,    '>',  0,   0, 0,   'x', 0};
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(xmlio_parse(ok, sizeof(ok), "t.xml", &limits, &diags, &doc),
                    BX_OK);
    xmlFreeDoc(doc);
    doc = NULL;
    CU_ASSERT_EQUAL(
        xmlio_parse(bad, sizeof(bad), "t.xml", &limits, &diags, &doc),
        BX_E_PARSE);
    CU_ASSERT_PTR_NULL(doc);
    bx_diags_release(&diags);
}

static void test_gunzip_refuses_a_bomb(void)
{
    size_t n = 8u << 20;
    char *zeros = calloc(1, n);
    size_t len;
    unsigned char *buf = gz(zeros, n, &len);

    free(zeros);
    struct bx_diags diags;

    bx_diags_init(&diags);
    CU_ASSERT_TRUE(len < 100000);
    CU_ASSERT_EQUAL(xmlio_gunzip(&buf, &len, 1u << 20, "t", &diags),
                    BX_E_LIMIT);
    free(buf);
    bx_diags_release(&diags);
}

static void test_gunzip_refuses_truncated_stream(void)
{
    size_t len;
    unsigned char *buf = gz("<a>some text here</a>", 21, &len);

    struct bx_diags diags;

    bx_diags_init(&diags);
    len -= 10;
    CU_ASSERT_EQUAL(xmlio_gunzip(&buf, &len, 100, "t", &diags), BX_E_PARSE);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "IO-GZIP"));
    free(buf);
    bx_diags_release(&diags);
}

static int parse_shared(const char *text, const struct bx_limits *lim,
                        struct bx_diags *diags, xmlDocPtr *doc)
{
    return xmlio_parse_shared((const unsigned char *)text, strlen(text),
                              "t.xml", lim, diags, doc);
}

/* string(expr) over 'doc'; caller frees. */
static char *xpath_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr xp = xmlXPathNewContext(doc);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, xp);
    char *s = NULL;

    if (o != NULL && o->type == XPATH_STRING) {
        s = util_strdup((const char *)o->stringval);
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(xp);
    return s;
}

static void test_parse_shared_values_read_back_unchanged(void)
{
    static const char *doc_text =
        "<a x=\"0.00\" y=\"0.00\" long=\"a value longer than sixteen bytes\">"
        "<b x=\"0.00\" z=\"a&amp;b\" w=\"a&amp;b\" u=\"1\" v=\"ab\"/>"
        "<c long=\"a value longer than sixteen bytes\" e=\"\" f=\"\" u=\"1\""
        " v=\"ab\"/></a>";
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    xmlNodePtr a;
    xmlNodePtr b;
    xmlNodePtr c;
    char *v;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(parse_shared(doc_text, &limits, &diags, &doc), BX_OK);
    a = xmlDocGetRootElement(doc);
    b = xmlFirstElementChild(a);
    c = xmlNextElementSibling(b);
    /* equal values: one text node, owned by the first attribute */
    CU_ASSERT_PTR_EQUAL(xmlHasProp(a, BAD_CAST "y")->children,
                        xmlHasProp(a, BAD_CAST "x")->children);
    CU_ASSERT_PTR_EQUAL(xmlHasProp(b, BAD_CAST "x")->children,
                        xmlHasProp(a, BAD_CAST "x")->children);
    CU_ASSERT_PTR_EQUAL(xmlHasProp(b, BAD_CAST "w")->children,
                        xmlHasProp(b, BAD_CAST "z")->children);
    CU_ASSERT_PTR_EQUAL(xmlHasProp(c, BAD_CAST "long")->children,
                        xmlHasProp(a, BAD_CAST "long")->children);
    CU_ASSERT_PTR_NOT_EQUAL(xmlHasProp(b, BAD_CAST "u")->children,
                            xmlHasProp(b, BAD_CAST "x")->children);
    /* values under two bytes keep their own node (xmlXPathNodeValHash) */
    CU_ASSERT_PTR_NOT_EQUAL(xmlHasProp(c, BAD_CAST "u")->children,
                            xmlHasProp(b, BAD_CAST "u")->children);
    CU_ASSERT_PTR_NOT_EQUAL(xmlHasProp(c, BAD_CAST "f")->children,
                            xmlHasProp(c, BAD_CAST "e")->children);
    /* and every value reads as parsed, through the tree and XPath */
    v = (char *)xmlGetProp(b, BAD_CAST "w");
    CU_ASSERT_STRING_EQUAL(v, "a&b");
    xmlFree(v);
    v = xpath_string(doc, "concat(/a/b/@x, '|', /a/c/@long, '|', /a/b/@u, "
                          "'|', count(//@*[. = '0.00']), '|', /a/c/@f, '|', "
                          "count(//@u[. = '1']), count(//@v[. = 'ab']), "
                          "count(//@*[. = '']), count(//*[@v = //b/@v]))");
    CU_ASSERT_STRING_EQUAL(v,
                           "0.00|a value longer than sixteen bytes|1|3||2222");
    free(v);
    xmlio_free_shared(doc); /* make asan: no double free, no leak */
    bx_diags_release(&diags);
}

static void test_parse_shared_frees_what_it_refuses(void)
{
    static const struct bx_limits shallow = {1u << 20, 3};
    struct bx_diags diags;
    xmlDocPtr doc = NULL;

    bx_diags_init(&diags);
    /* malformed after shared values: the partial tree is freed by us */
    CU_ASSERT_EQUAL(parse_shared("<a x=\"1\"><b x=\"1\"><c x=\"1\"></b></a>",
                                 &limits, &diags, &doc),
                    BX_E_PARSE);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XML-MALFORMED"));
    /* well-formed, refused for its depth after the parse */
    CU_ASSERT_EQUAL(parse_shared("<a x=\"1\"><b x=\"1\"><c x=\"1\"><d x=\"1\"/>"
                                 "</c></b></a>",
                                 &shallow, &diags, &doc),
                    BX_E_LIMIT);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_TRUE(bx_diags_has(&diags, "XML-DEPTH"));
    /* truncated inside an attribute list */
    CU_ASSERT_EQUAL(
        parse_shared("<a x=\"1\"><b x=\"1\" y=\"1", &limits, &diags, &doc),
        BX_E_PARSE);
    CU_ASSERT_PTR_NULL(doc);
    bx_diags_release(&diags);
}

/*
 * A GB 18030 document of 'rows' lines: libxml2 reads it a few kilobytes at
 * a time (and converts each piece), so characters, lines and elements
 * straddle the pieces.  'tail' ends it (after line rows + 2).
 */
static char *gb18030_rows(unsigned rows, const char *tail, size_t *len)
{
    struct bx_buf b;
    unsigned i;

    buf_init(&b);
    buf_printf(&b, "<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<a>\n");
    for (i = 0; i < rows; i++) {
        /* 预算 = D4 A4 CB E3; an odd width moves the split points */
        buf_printf(&b, "<r v=\"\xd4\xa4\xcb\xe3%u\" w=\"0.00\">%*u</r>\n", i,
                   (int)(i % 7), i);
    }
    buf_printf(&b, "%s", tail);
    return buf_take(&b, len);
}

/* Same elements, names, lines and attribute values in both trees. */
static int same_tree(xmlNodePtr x, xmlNodePtr y)
{
    xmlAttrPtr ax;
    xmlAttrPtr ay;

    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        if (x->type != y->type || xmlGetLineNo(x) != xmlGetLineNo(y) ||
            !xmlStrEqual(x->name, y->name) ||
            (x->type == XML_TEXT_NODE && !xmlStrEqual(x->content, y->content))) {
            return 0;
        }
        for (ax = x->type == XML_ELEMENT_NODE ? x->properties : NULL,
            ay = x->type == XML_ELEMENT_NODE ? y->properties : NULL;
             ax != NULL && ay != NULL; ax = ax->next, ay = ay->next) {
            if (!xmlStrEqual(ax->name, ay->name) ||
                !xmlStrEqual(ax->children->content, ay->children->content)) {
                return 0;
            }
        }
        if (ax != ay || (x->type == XML_ELEMENT_NODE &&
                         !same_tree(x->children, y->children))) {
            return 0;
        }
    }
    return x == y;
}

/* The piecewise parse builds what libxml2's whole-buffer parse builds. */
static void test_parse_chunked_equals_whole_buffer(void)
{
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    xmlDocPtr whole;
    size_t len;
    char *text = gb18030_rows(5000, "<last v=\"\xd4\xa4\xcb\xe3\"/>\n</a>\n",
                              &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(parse_shared(text, &limits, &diags, &doc), BX_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    whole = xmlReadMemory(text, (int)len, "t.xml", NULL,
                          XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    CU_ASSERT_PTR_NOT_NULL_FATAL(whole);
    CU_ASSERT_TRUE(same_tree(doc->children, whole->children));
    /* the last element: its line and its decoded value */
    CU_ASSERT_EQUAL(xmlGetLineNo(xmlDocGetRootElement(doc)->last->prev), 5003);
    CU_ASSERT_STRING_EQUAL(
        (char *)xmlDocGetRootElement(doc)->last->prev->properties->children
            ->content,
        "预算");
    xmlFreeDoc(whole);
    xmlio_free_shared(doc);
    free(text);
    bx_diags_release(&diags);
}

/*
 * Whether the attributes of 'el' were packed (xmlio.c): one array in
 * document order, then the text nodes of the values they own, each
 * owned by its attribute.
 */
static int packed(xmlNodePtr el)
{
    xmlAttrPtr first = el->properties;
    xmlAttrPtr a;
    xmlNodePtr texts;
    unsigned n = 0;
    unsigned own = 0;

    for (a = first; a != NULL; a = a->next) {
        if (a != first + n || (n > 0 && a->prev != first + n - 1)) {
            return 0;
        }
        n++;
    }
    texts = (xmlNodePtr)(void *)(first + n);
    for (a = first; a != NULL; a = a->next) {
        if (a->children != NULL && a->children->parent == (xmlNodePtr)a) {
            if (a->children != texts + own || a->last != a->children) {
                return 0;
            }
            own++;
        }
    }
    return n > 0;
}

/* Packed attributes read as libxml2 built them; what is not plain (an
 * ID, a namespace) stays as built; sharing across the move holds. */
static void test_parse_shared_packs_attributes(void)
{
    static const char *doc_text =
        "<a xmlns:p=\"urn:p\">\n"
        "<r long=\"a value longer than sixteen bytes\" amp=\"a&amp;b\" e=\"\""
        " one=\"1\" x=\"0.00\" y=\"0.00\"/>\n"
        "<r z=\"0.00\" long=\"a value longer than sixteen bytes\"/>\n"
        "<s k=\"v1\" p:q=\"1\"/><t k=\"v2\" xml:id=\"i1\"/></a>";
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    xmlDocPtr whole;
    xmlNodePtr r1;
    xmlNodePtr r2;
    xmlNodePtr s;
    xmlNodePtr t;
    xmlAttrPtr x;
    char *v;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(parse_shared(doc_text, &limits, &diags, &doc), BX_OK);
    r1 = xmlFirstElementChild(xmlDocGetRootElement(doc));
    r2 = xmlNextElementSibling(r1);
    s = xmlNextElementSibling(r2);
    t = xmlNextElementSibling(s);
    CU_ASSERT_TRUE(packed(r1));
    CU_ASSERT_TRUE(packed(r2));
    CU_ASSERT_FALSE(packed(s));
    CU_ASSERT_FALSE(packed(t));
    /* the first holder of a value moved with its element: the next
     * attribute of that element and of a later one share the copy (x's
     * old text node, freed last, is the next node libxml2 builds) */
    x = xmlHasProp(r1, BAD_CAST "x");
    CU_ASSERT_PTR_EQUAL(x->children->parent, (xmlNodePtr)x);
    CU_ASSERT_PTR_EQUAL(x->children->content,
                        (xmlChar *)&x->children->properties);
    CU_ASSERT_PTR_EQUAL(xmlHasProp(r1, BAD_CAST "y")->children, x->children);
    CU_ASSERT_PTR_EQUAL(xmlHasProp(r2, BAD_CAST "z")->children, x->children);
    CU_ASSERT_PTR_EQUAL(xmlHasProp(r2, BAD_CAST "long")->children,
                        xmlHasProp(r1, BAD_CAST "long")->children);
    /* an ID keeps the attribute the document's ID table points at */
    CU_ASSERT_PTR_EQUAL(xmlGetID(doc, BAD_CAST "i1"),
                        xmlHasNsProp(t, BAD_CAST "id", XML_XML_NAMESPACE));
    /* names, values, order and lines as libxml2's own tree has them */
    whole = xmlReadMemory(doc_text, (int)strlen(doc_text), "t.xml", NULL,
                          XML_PARSE_NONET | XML_PARSE_BIG_LINES);
    CU_ASSERT_PTR_NOT_NULL_FATAL(whole);
    CU_ASSERT_TRUE(same_tree(doc->children, whole->children));
    xmlFreeDoc(whole);
    v = xpath_string(doc, "concat(string(//r[1]/@one | //r[1]/@e), '|', "
                          "name((//r[1]/@*)[last()]), '|', //r[1]/@amp, "
                          "'|', count(//@*[. = '0.00']), '|', //t/@k)");
    CU_ASSERT_STRING_EQUAL(v, "|y|a&b|3|v2");
    free(v);
    xmlio_free_shared(doc); /* make asan: no leak, no double free */
    bx_diags_release(&diags);
}

/* Elements with more attributes than a slab holds stay as built; those
 * that fit fill one slab and go on in the next. */
static void test_parse_shared_packs_across_slabs(void)
{
    static const unsigned counts[] = {200, 200, 700, 1};
    struct bx_buf b;
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    xmlNodePtr el;
    char name[16];
    char want[16];
    xmlChar *v;
    unsigned e;
    unsigned i;

    buf_init(&b);
    buf_printf(&b, "<a>");
    for (e = 0; e < 4; e++) {
        buf_printf(&b, "<r");
        for (i = 0; i < counts[e]; i++) {
            buf_printf(&b, " a%u=\"v%u.%u\"", i, e, i);
        }
        buf_printf(&b, "/>");
    }
    buf_printf(&b, "</a>");
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(parse_shared(b.data, &limits, &diags, &doc), BX_OK);
    el = xmlFirstElementChild(xmlDocGetRootElement(doc));
    for (e = 0; e < 4; e++, el = xmlNextElementSibling(el)) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(el);
        CU_ASSERT_EQUAL(packed(el), counts[e] < 700);
        for (i = 0; i < counts[e]; i++) {
            snprintf(name, sizeof(name), "a%u", i);
            snprintf(want, sizeof(want), "v%u.%u", e, i);
            v = xmlGetProp(el, BAD_CAST name);
            CU_ASSERT_STRING_EQUAL((char *)v, want);
            xmlFree(v);
        }
    }
    xmlio_free_shared(doc);
    buf_release(&b);
    bx_diags_release(&diags);
}

/*
 * Over 10 MB (libxml2's XML_MAX_LOOKUP_LIMIT): libxml2 2.9.14 refuses such
 * a document read from a static buffer ("Huge input lookup"); read in
 * pieces it is accepted, and an error at its end has its line.
 */
static void test_parse_chunked_over_ten_megabytes(void)
{
    static const struct bx_limits big = {64u << 20, 256};
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    size_t len;
    char *text = gb18030_rows(300000, "<last v=\"1\">x</last>\n</a>\n", &len);

    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_TRUE(len > 10000000);
    bx_diags_init(&diags);
    CU_ASSERT_EQUAL(xmlio_parse_shared((const unsigned char *)text, len,
                                       "t.xml", &big, &diags, &doc),
                    BX_OK);
    CU_ASSERT_EQUAL(diags.count, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    CU_ASSERT_EQUAL(xmlGetLineNo(xmlDocGetRootElement(doc)->last->prev),
                    300003);
    xmlio_free_shared(doc);
    free(text);
    text = gb18030_rows(300000, "<last v=\"1\">\n</a>\n", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    CU_ASSERT_EQUAL(xmlio_parse_shared((const unsigned char *)text, len,
                                       "t.xml", &big, &diags, &doc),
                    BX_E_PARSE);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_TRUE_FATAL(diags.count > 0);
    CU_ASSERT_STRING_EQUAL(diags.items[0].code, "XML-MALFORMED");
    CU_ASSERT_EQUAL(diags.items[0].line, 300004);
    free(text);
    bx_diags_release(&diags);
}

int bx_test_suite_xmlio(void)
{
    CU_pSuite s = CU_add_suite("xmlio", NULL, NULL);

    if (s == NULL) {
        return CU_get_error();
    }
    if (xmlio_init() != BX_OK) {
        return CUE_NOMEMORY;
    }
    CU_ADD_TEST(s, test_parse_accepts_plain_utf8);
    CU_ADD_TEST(s, test_parse_refuses_external_entity);
    CU_ADD_TEST(s, test_parse_refuses_entity_expansion_bomb);
    CU_ADD_TEST(s, test_parse_refuses_deep_nesting);
    CU_ADD_TEST(s, test_parse_reports_invalid_utf8_escaped);
    CU_ADD_TEST(s, test_parse_decodes_declared_gb18030);
    CU_ADD_TEST(s, test_parse_reports_truncated_document);
    CU_ADD_TEST(s, test_gunzip_inflates_under_the_cap);
    CU_ADD_TEST(s, test_gunzip_refuses_a_bomb);
    CU_ADD_TEST(s, test_gunzip_refuses_truncated_stream);
    CU_ADD_TEST(s, test_gunzip_refuses_trailing_bytes);
    CU_ADD_TEST(s, test_gunzip_refuses_a_second_member);
    CU_ADD_TEST(s, test_parse_refuses_nul_then_garbage);
    CU_ADD_TEST(s, test_parse_accepts_utf16_and_refuses_its_nul);
    CU_ADD_TEST(s, test_parse_shared_values_read_back_unchanged);
    CU_ADD_TEST(s, test_parse_shared_frees_what_it_refuses);
    CU_ADD_TEST(s, test_parse_chunked_equals_whole_buffer);
    CU_ADD_TEST(s, test_parse_chunked_over_ten_megabytes);
    CU_ADD_TEST(s, test_parse_shared_packs_attributes);
    CU_ADD_TEST(s, test_parse_shared_packs_across_slabs);
    return CU_get_error();
}
