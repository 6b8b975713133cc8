/*
 * The template registry: every shipped template loads and validates,
 * profiles and their aliases resolve by year, tables resolve by key and by
 * element, labels use the document's own ordinal and title, and a broken
 * template directory is a FATAL finding, not a crash.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <libxml/parser.h>

#include "budgetx.h"
#include "templates.h"
#include "testutil.h"

static struct bx_context *ctx;

static int setup(void)
{
    ctx = test_context();
    return ctx == NULL;
}

static int teardown(void)
{
    bx_context_free(ctx);
    return 0;
}

static void test_templates_load_every_shipped_file(void)
{
    const struct tpl_registry *reg = NULL;
    struct bx_diags d;
    size_t i;

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(templates_load(ctx, &d, &reg), BX_OK);
    CU_ASSERT_EQUAL(d.count, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(reg);
    CU_ASSERT_TRUE(reg->ntemplates >= 1);
    for (i = 0; i < reg->ntemplates; i++) {
        CU_ASSERT_PTR_NOT_NULL(reg->templates[i].region[BX_LANG_ZH]);
        CU_ASSERT_PTR_NOT_NULL(reg->templates[i].unit);
    }
    bx_diags_release(&d);
}

static void test_templates_henan_county_has_fourteen_tables(void)
{
    const struct tpl_template *t = templates_lookup(ctx, "henan-county-14",
                                                    2024);
    const struct tpl_table *tb;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_EQUAL(t->ntables, 14);
    CU_ASSERT_EQUAL(t->class_ordinals, TPL_ORDINALS_HENAN);
    CU_ASSERT_STRING_EQUAL(t->unit, "万元");
    tb = templates_table(t, "T6");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tb);
    CU_ASSERT_STRING_EQUAL(tb->element, "gpbBasic");
    CU_ASSERT_PTR_EQUAL(templates_table(t, "gpbBasic"), tb);
    CU_ASSERT_STRING_EQUAL(tb->label[BX_LANG_ZH], "表六 一般公共预算基本支出表");
    CU_ASSERT_STRING_EQUAL(tb->label[BX_LANG_EN],
                           "Table 6 (六) General public budget basic "
                           "expenditure");
    CU_ASSERT_PTR_NOT_NULL(templates_column(tb, "personnel"));
    CU_ASSERT_PTR_NULL(templates_column(tb, "noSuchColumn"));
    CU_ASSERT_PTR_NULL(templates_table(t, "T15"));
    CU_ASSERT_PTR_NULL(templates_table(t, NULL));
}

static void test_templates_aliases_resolve(void)
{
    const struct tpl_template *t = templates_lookup(ctx, "generic-9", 2024);

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_NOT_EQUAL(t->id, "generic-9");
    CU_ASSERT_PTR_NOT_NULL(templates_lookup(ctx, "generic-8", 2024));
    CU_ASSERT_PTR_NOT_NULL(templates_lookup(ctx, "other", 2024));
    CU_ASSERT_PTR_NOT_NULL(templates_lookup(ctx, "henan-province-11", 2024));
    CU_ASSERT_PTR_NULL(templates_lookup(ctx, "no-such-template", 2024));
    CU_ASSERT_PTR_NULL(templates_lookup(ctx, NULL, 2024));
}

static void test_templates_nearest_year_is_chosen(void)
{
    const struct tpl_template *a = templates_lookup(ctx, "henan-county-14",
                                                    2024);
    const struct tpl_template *b = templates_lookup(ctx, "henan-county-14",
                                                    2019);

    CU_ASSERT_PTR_NOT_NULL(b);
    CU_ASSERT_PTR_EQUAL(a, b);
}

static void test_templates_numbers(void)
{
    CU_ASSERT_EQUAL(templates_number("一"), 1);
    CU_ASSERT_EQUAL(templates_number("十"), 10);
    CU_ASSERT_EQUAL(templates_number("十四"), 14);
    CU_ASSERT_EQUAL(templates_number("二十一"), 21);
    CU_ASSERT_EQUAL(templates_number("九十九"), 99);
    CU_ASSERT_EQUAL(templates_number(""), 0);
    CU_ASSERT_EQUAL(templates_number("8"), 0);
    CU_ASSERT_EQUAL(templates_number("十x"), 0);
    CU_ASSERT_EQUAL(templates_number(NULL), 0);
}

static xmlNodePtr table_node(xmlDocPtr doc, const char *name)
{
    xmlNodePtr n = xmlDocGetRootElement(doc);

    for (n = n->children; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, "tables") == 0)
            break;
    }
    for (n = n ? n->children : NULL; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE &&
            strcmp((const char *)n->name, name) == 0)
            return n;
    }
    return NULL;
}

static void test_templates_label_prefers_the_document(void)
{
    static const char doc_text[] =
        "<disclosure xmlns='urn:budgetx:disclosure:1'><metadata>"
        "<fiscalYear>2024</fiscalYear><profile>henan-county-14</profile>"
        "</metadata><tables>"
        "<gpbBasic no='八' title='部门基本支出预算表'/>"
        "<threePublic/><procurement title='x&#x85;y'/>"
        "</tables></disclosure>";
    xmlDocPtr doc = xmlReadMemory(doc_text, (int)strlen(doc_text), "t.xml",
                                  NULL, XML_PARSE_NONET);
    const struct tpl_template *t = templates_of_doc(ctx, doc);
    char *l;

    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    CU_ASSERT_STRING_EQUAL(t->id, "henan-county-14");
    l = templates_label(t, NULL, table_node(doc, "gpbBasic"), BX_LANG_ZH);
    CU_ASSERT_STRING_EQUAL(l, "表八 部门基本支出预算表");
    free(l);
    l = templates_label(t, NULL, table_node(doc, "gpbBasic"), BX_LANG_EN);
    CU_ASSERT_STRING_EQUAL(l,
                           "Table 8 (八) General public budget basic "
                           "expenditure");
    free(l);
    l = templates_label(t, NULL, table_node(doc, "threePublic"), BX_LANG_ZH);
    CU_ASSERT_STRING_EQUAL(l, "表八 一般公共预算“三公”经费支出情况表");
    free(l);
    /* a control character in a printed title never reaches a message */
    l = templates_label(t, NULL, table_node(doc, "procurement"), BX_LANG_ZH);
    CU_ASSERT_PTR_NOT_NULL(l);
    CU_ASSERT_PTR_NULL(l != NULL ? strstr(l, "\xc2\x85") : NULL);
    free(l);
    CU_ASSERT_PTR_NULL(templates_label(t, NULL, NULL, BX_LANG_ZH));
    xmlFreeDoc(doc);
}

/* A data directory whose template is broken: a finding, then NULL. */
static void test_templates_broken_file_is_fatal(void)
{
    char dir[] = "/tmp/bx-tpl-XXXXXX";
    char path[512];
    struct bx_options opts;
    struct bx_diags d;
    struct bx_context *c = NULL;
    const struct tpl_registry *reg = NULL;
    FILE *f;

    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/schemas", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/schemas/templates", dir);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/schemas/templates/template.xsd", dir);
    CU_ASSERT_EQUAL(symlink(test_path("schemas/templates/template.xsd"),
                            path),
                    0);
    snprintf(path, sizeof(path), "%s/schemas/templates/bad.xml", dir);
    f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("<template xmlns='urn:budgetx:template:1' id='Bad'/>", f);
    fclose(f);

    bx_options_init(&opts);
    opts.data_dir = test_root();
    bx_diags_init(&d);
    CU_ASSERT_EQUAL_FATAL(bx_context_new(&opts, &d, &c), BX_OK);
    free(c->data_dir); /* point the templates at the broken directory */
    c->data_dir = strdup(dir);
    CU_ASSERT_EQUAL(templates_load(c, &d, &reg), BX_E_DATA);
    CU_ASSERT_PTR_NULL(reg);
    CU_ASSERT_TRUE(bx_diags_has(&d, "TEMPLATE-INVALID"));
    CU_ASSERT_PTR_NULL(templates_lookup(c, "henan-county-14", 2024));
    bx_diags_release(&d);
    bx_context_free(c);
    unlink(path);
    snprintf(path, sizeof(path), "%s/schemas/templates/template.xsd", dir);
    unlink(path);
    snprintf(path, sizeof(path), "%s/schemas/templates", dir);
    rmdir(path);
    snprintf(path, sizeof(path), "%s/schemas", dir);
    rmdir(path);
    rmdir(dir);
}

int bx_test_suite_templates(void)
{
    CU_pSuite s = CU_add_suite("templates", setup, teardown);

    if (s == NULL ||
        CU_add_test(s, "loads every shipped file",
                    test_templates_load_every_shipped_file) == NULL ||
        CU_add_test(s, "henan-county-14 has fourteen tables",
                    test_templates_henan_county_has_fourteen_tables) ==
            NULL ||
        CU_add_test(s, "aliases resolve", test_templates_aliases_resolve) ==
            NULL ||
        CU_add_test(s, "nearest year is chosen",
                    test_templates_nearest_year_is_chosen) == NULL ||
        CU_add_test(s, "chinese ordinals", test_templates_numbers) == NULL ||
        CU_add_test(s, "label prefers the document",
                    test_templates_label_prefers_the_document) == NULL ||
        CU_add_test(s, "broken file is fatal",
                    test_templates_broken_file_is_fatal) == NULL)
        return -1;
    return 0;
}
