/*
 * Unit tests: schema validation the fast way (the identity constraints of
 * bx:disclosure checked in C, the rest against a view of the schema
 * without them; src/validate.c, idc_view()) gives exactly what the whole
 * schema gives: the same verdict, the same findings in the same order,
 * on every XML file of the project and on mutated codes of every sample
 * (duplicates, codes nobody declares, codes taken away, codes that are
 * not plain).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <CUnit/CUnit.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "budgetx.h"
#include "rules_eval.h"
#include "testutil.h"
#include "util.h"
#include "validate.h"
#include "xmlio.h"

static struct bx_context *ctx;

static int setup(void)
{
    ctx = test_context();
    return ctx != NULL ? 0 : -1;
}

static int teardown(void)
{
    validate_idc_fast = 1;
    bx_context_free(ctx);
    return 0;
}

static void put(struct bx_buf *b, const char *what, const char *s)
{
    buf_printf(b, " %s=[%s]", what, s != NULL ? s : "(null)");
}

/* The verdict and findings of validating 'buf' ('fast' on or off). */
static void outcome(const unsigned char *buf, size_t len, int fast,
                    struct bx_buf *out)
{
    struct bx_submission *sub = NULL;
    struct bx_diags diags;
    size_t i;
    int rc;

    validate_idc_fast = fast;
    bx_diags_init(&diags);
    rc = bx_submission_load_memory(ctx, buf, len, "doc.xml", &diags, &sub);
    buf_printf(out, "load %d\n", rc);
    if (rc == BX_OK) {
        rc = bx_validate_schema(ctx, sub, &diags);
        buf_printf(out, "validate %d valid %d\n", rc,
                   bx_submission_schema_valid(sub));
    }
    for (i = 0; i < diags.count; i++) {
        const struct bx_diag *d = &diags.items[i];

        buf_printf(out, "%d %ld %ld", (int)d->severity, d->line, d->column);
        put(out, "code", d->code);
        put(out, "rule", d->rule);
        put(out, "xpath", d->xpath);
        put(out, "zh", d->message_zh);
        put(out, "en", d->message_en);
        put(out, "table", d->table);
        put(out, "row", d->row);
        put(out, "col", d->column_label);
        buf_puts(out, "\n");
    }
    bx_diags_release(&diags);
    bx_submission_free(sub);
    validate_idc_fast = 1;
}

/* Both ways agree on 'buf'; 1 when the whole schema found an identity
 * constraint broken. */
static int same_both_ways(const unsigned char *buf, size_t len,
                          const char *name)
{
    struct bx_buf slow;
    struct bx_buf fast;
    int idc;

    buf_init(&slow);
    buf_init(&fast);
    outcome(buf, len, 0, &slow);
    outcome(buf, len, 1, &fast);
    CU_ASSERT_PTR_NOT_NULL_FATAL(slow.data);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fast.data);
    if (strcmp(slow.data, fast.data) != 0) {
        fprintf(stderr,
                "\nvalfast: %s differs\n--- whole schema\n%s--- fast\n%s", name,
                slow.data, fast.data);
        CU_FAIL("the fast way differs from the whole schema");
    }
    idc = strstr(slow.data, "code=[XSD-KEYREF]") != NULL ||
          strstr(slow.data, "code=[XSD-DUPLICATE]") != NULL;
    buf_release(&slow);
    buf_release(&fast);
    return idc;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s);
    size_t m = strlen(tail);

    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* Every *.xml below 'dir' (relative to the root), both ways. */
static void walk(const char *dir, size_t *files)
{
    char path[1024];
    DIR *d = opendir(test_path(dir));
    struct dirent *e;
    struct stat st;

    if (d == NULL) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        unsigned char *buf = NULL;
        size_t len = 0;

        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (stat(test_path(path), &st) != 0) {
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            walk(path, files);
        } else if (ends_with(path, ".xml") &&
                   util_read_file(test_path(path), 1u << 24, &buf, &len) ==
                       BX_OK) {
            same_both_ways(buf, len, path);
            (*files)++;
            free(buf);
        }
    }
    closedir(d);
}

static void test_every_project_file_both_ways(void)
{
    unsigned long before = validate_idc_fast_count;
    size_t files = 0;

    walk("samples", &files);
    walk("tests", &files);
    CU_ASSERT_TRUE(files > 150);
    /* the fast way was taken, not merely declined everywhere */
    CU_ASSERT_TRUE(validate_idc_fast_count - before >= 20);
}

/* 'doc' with [at, at + n) replaced by 'with'. */
static void spliced(const unsigned char *doc, size_t len, size_t at, size_t n,
                    const char *with, struct bx_buf *out)
{
    buf_init(out);
    buf_append(out, doc, at);
    buf_puts(out, with);
    buf_append(out, doc + at + n, len - at - n);
}

/*
 * Every code="..." of 'doc' changed in turn: to the code before it (a
 * duplicate key, or a reference to another unit), to a code nobody
 * declares, to one that is not plain, and taken away.
 */
static void mutate_codes(const unsigned char *doc, size_t len, const char *name,
                         size_t *variants, size_t *broken)
{
    const char *p = (const char *)doc;
    char prev[64] = "001";
    char val[64];
    char with[96];
    struct bx_buf v;

    while ((p = strstr(p, " code=\"")) != NULL) {
        size_t at = (size_t)(p - (const char *)doc) + 7;
        const char *end = strchr(p + 7, '"');
        size_t n = end != NULL ? (size_t)(end - p) - 7 : 0;
        const char *forms[4];
        int k;

        if (end == NULL || n == 0 || n >= sizeof(val)) {
            break;
        }
        memcpy(val, p + 7, n);
        val[n] = '\0';
        forms[0] = prev;
        snprintf(with, sizeof(with), "%.*s%c", (int)n - 1, val,
                 val[n - 1] == '9' ? '8' : val[n - 1] + 1);
        forms[1] = with;
        forms[2] = NULL; /* below: the attribute taken away */
        forms[3] = "0 1";
        for (k = 0; k < 4; k++) {
            if (k == 2) {
                spliced(doc, len, at - 7, n + 8, "", &v);
            } else {
                spliced(doc, len, at, n, forms[k], &v);
            }
            CU_ASSERT_PTR_NOT_NULL_FATAL(v.data);
            *broken += (size_t)same_both_ways((const unsigned char *)v.data,
                                              v.len, name);
            (*variants)++;
            buf_release(&v);
        }
        memcpy(prev, val, n + 1);
        p = end;
    }
}

static void test_mutated_codes_both_ways(void)
{
    static const char *const docs[] = {
        "samples/pingdingshan-hitech-service-center-2024.xml",
        "samples/example-district-health-commission-2024.xml",
        "samples/example-county-education-bureau-2024.xml",
        "samples/example-province-education-department-2024.xml",
        "samples/example-shanghai-district-health-2024.xml",
        "tests/fixtures/minimal-valid.xml",
    };
    size_t variants = 0;
    size_t broken = 0;
    size_t i;

    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        unsigned char *buf = NULL;
        size_t len = 0;

        CU_ASSERT_EQUAL_FATAL(
            util_read_file(test_path(docs[i]), 1u << 24, &buf, &len), BX_OK);
        mutate_codes(buf, len, docs[i], &variants, &broken);
        free(buf);
    }
    CU_ASSERT_TRUE(variants > 1500);
    /* the mutations reach the constraints themselves */
    CU_ASSERT_TRUE(broken > 150);
}

/* 'doc' with the first element '<name ' after 'section' written twice
 * (a key declared twice and nothing else wrong); 0 when there is none. */
static int doubled(const char *doc, size_t len, const char *section,
                   const char *name, struct bx_buf *out)
{
    char open[32];
    char close[32];
    const char *s = strstr(doc, section);
    const char *from;
    const char *gt;
    const char *end;

    snprintf(open, sizeof(open), "<%s ", name);
    snprintf(close, sizeof(close), "</%s>", name);
    from = s != NULL ? strstr(s, open) : NULL;
    gt = from != NULL ? strchr(from, '>') : NULL;
    if (gt == NULL) {
        return 0;
    }
    end = gt[-1] == '/' ? gt + 1 : strstr(gt, close);
    if (end == NULL) {
        return 0;
    }
    if (gt[-1] != '/') {
        end += strlen(close);
    }
    buf_init(out);
    buf_append(out, doc, (size_t)(end - doc));
    buf_append(out, from, (size_t)(end - from));
    buf_append(out, end, len - (size_t)(end - doc));
    return 1;
}

static void test_doubled_keys_both_ways(void)
{
    static const char *const docs[] = {
        "samples/pingdingshan-hitech-service-center-2024.xml",
        "samples/example-district-health-commission-2024.xml",
        "samples/example-county-education-bureau-2024.xml",
        "samples/example-province-education-department-2024.xml",
    };
    static const char *const keys[][2] = {
        {"<units>", "unit"},
        {"<projectPerformance", "project"},
        {"<metadata>", "department"},
    };
    size_t broken = 0;
    size_t i;
    size_t k;

    for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        unsigned char *buf = NULL;
        size_t len = 0;
        struct bx_buf v;

        CU_ASSERT_EQUAL_FATAL(
            util_read_file(test_path(docs[i]), 1u << 24, &buf, &len), BX_OK);
        for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
            if (doubled((const char *)buf, len, keys[k][0], keys[k][1], &v)) {
                CU_ASSERT_PTR_NOT_NULL_FATAL(v.data);
                broken += (size_t)same_both_ways((const unsigned char *)v.data,
                                                 v.len, docs[i]);
                buf_release(&v);
            }
        }
        free(buf);
    }
    /* units in four samples, projects in three, the department */
    CU_ASSERT_TRUE(broken >= 10);
}

/* A document the fast way takes is exactly one libxml2 finds valid, and
 * one that breaks only a constraint is declined. */
static void test_fast_way_taken_and_declined(void)
{
    static const char *const doc =
        "samples/pingdingshan-hitech-service-center-2024.xml";
    unsigned char *buf = NULL;
    size_t len = 0;
    unsigned long before;
    struct bx_buf out;
    const char *hit;
    struct bx_buf v;

    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path(doc), 1u << 24, &buf, &len),
                          BX_OK);
    before = validate_idc_fast_count;
    buf_init(&out);
    outcome(buf, len, 1, &out);
    CU_ASSERT_EQUAL(validate_idc_fast_count, before + 1);
    CU_ASSERT_PTR_NOT_NULL(strstr(out.data, "valid 1"));
    buf_release(&out);
    /* a unit row of a unit nobody declares: only a keyref breaks */
    hit = strstr((const char *)buf, "<unit code=\"");
    CU_ASSERT_PTR_NOT_NULL_FATAL(hit);
    spliced(buf, len, (size_t)(hit - (const char *)buf) + 12, 1, "9", &v);
    before = validate_idc_fast_count;
    CU_ASSERT_EQUAL(
        same_both_ways((const unsigned char *)v.data, v.len, "unit code"), 1);
    CU_ASSERT_EQUAL(validate_idc_fast_count, before);
    buf_release(&v);
    free(buf);
}

/* ------------------------------------------------------------------ */
/* Attribute names compared by address (rules_path.c, attr_interned)   */
/* ------------------------------------------------------------------ */

static const char *const attr_names[] = {
    "code", "total", "basic", "id", "q", "p", "missing", "", "row", "doc",
};

/* The attribute 'name' (no namespace) of 'el' by walking its list. */
static xmlAttrPtr walked(xmlNodePtr el, const char *name)
{
    xmlAttrPtr a;

    for (a = el->properties; a != NULL; a = a->next) {
        if (a->ns == NULL && xmlStrEqual(a->name, BAD_CAST name)) {
            return a;
        }
    }
    return NULL;
}

/* Every element of 'n' and below, every name: rules_attr_named() is the
 * attribute the walk finds. */
static void compare_names(xmlNodePtr n, int *found)
{
    size_t i;

    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) {
            continue;
        }
        for (i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
            xmlAttrPtr want = walked(n, attr_names[i]);

            CU_ASSERT_PTR_EQUAL(rules_attr_named(n, attr_names[i]), want);
            *found += want != NULL;
        }
        compare_names(n->children, found);
    }
}

static void test_interned_names_read_as_the_walk(void)
{
    static const char text[] = "<doc xmlns:p=\"urn:p\" code=\"root\">"
                               "<row code=\"1\" total=\"2.00\" basic=\"\"/>"
                               "<row total=\"3\" code=\"c\"><x q=\"1\"/></row>"
                               "<row p:code=\"ns\" q=\"plain\"/>"
                               "<row p:total=\"ns\" total=\"5\" code=\"7\"/>"
                               "<row xml:id=\"i1\" code=\"8\"/>"
                               "<row>text<!-- c --></row>"
                               "<p:row code=\"9\" p:q=\"x\"/></doc>";
    static const struct bx_limits lim = {1u << 20, 64};
    struct bx_diags diags;
    xmlDocPtr doc = NULL;
    xmlDocPtr other;
    int found = 0;

    bx_diags_init(&diags);
    CU_ASSERT_EQUAL_FATAL(xmlio_parse_shared((const unsigned char *)text,
                                             strlen(text), "t.xml", &lim,
                                             &diags, &doc),
                          BX_OK);
    bx_diags_release(&diags);
    /* a small document: no index, names by address */
    CU_ASSERT_PTR_NULL(xmlio_attr_index(doc));
    CU_ASSERT_EQUAL(xmlio_names_interned(doc), 1);
    xmlXPathOrderDocElems(doc);
    rules_attrs_begin(doc);
    compare_names(doc->children, &found);
    compare_names(doc->children, &found); /* the names remembered */
    /* another document's elements (names of another dictionary) */
    other = xmlReadMemory(text, (int)strlen(text), "o.xml", NULL,
                          XML_PARSE_NONET | XML_PARSE_NODICT);
    CU_ASSERT_PTR_NOT_NULL_FATAL(other);
    CU_ASSERT_EQUAL(xmlio_names_interned(other), 0);
    compare_names(other->children, &found);
    rules_attrs_end();
    CU_ASSERT_EQUAL(found, 3 * 12);
    xmlFreeDoc(other);
    xmlio_free_shared(doc);
}

int bx_test_suite_valfast(void)
{
    CU_pSuite s = CU_add_suite("valfast", setup, teardown);

    if (s == NULL ||
        CU_add_test(s, "fast way taken and declined",
                    test_fast_way_taken_and_declined) == NULL ||
        CU_add_test(s, "every project file both ways",
                    test_every_project_file_both_ways) == NULL ||
        CU_add_test(s, "mutated codes both ways",
                    test_mutated_codes_both_ways) == NULL ||
        CU_add_test(s, "doubled keys both ways", test_doubled_keys_both_ways) ==
            NULL ||
        CU_add_test(s, "interned names read as the walk",
                    test_interned_names_read_as_the_walk) == NULL) {
        return -1;
    }
    return 0;
}
