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

/* One sample per template: it names its template and passes clean. */
static void test_templates_every_sample_passes_clean(void)
{
    static const char *const samples[][2] = {
        {"example-county-education-bureau-2024.xml", "henan-county-14"},
        {"example-province-education-department-2024.xml",
         "henan-province-11"},
        {"example-central-department-2024.xml", "central-9"},
        {"example-district-health-commission-2024.xml", "central-9"},
        {"example-shanghai-district-health-2024.xml", "district-9-yuan"},
        {"example-narrative-only-2024.xml", "narrative-only"},
    };
    char rel[256];
    size_t i;

    for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        struct bx_check chk;
        const struct tpl_template *t;

        snprintf(rel, sizeof(rel), "samples/%s", samples[i][0]);
        CU_ASSERT_EQUAL_FATAL(bx_check_file(ctx, test_path(rel), &chk),
                              BX_OK);
        t = templates_of_doc(ctx, chk.sub->doc);
        CU_ASSERT_PTR_NOT_NULL(t);
        if (t != NULL)
            CU_ASSERT_STRING_EQUAL(t->id, samples[i][1]);
        CU_ASSERT_EQUAL(chk.diags.count, 0);
        bx_check_release(&chk);
    }
}

static size_t rule_errors(const struct bx_diags *d, const char *rule)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < d->count; i++) {
        if (d->items[i].rule != NULL && strcmp(d->items[i].rule, rule) == 0 &&
            d->items[i].severity == BX_SEV_ERROR)
            n++;
    }
    return n;
}

/*
 * A blank cell means what the template says: with the shipped Henan
 * template (blank="zero") a blank 其他运转类 in the T3 合计 row is 0 and
 * BR-009 finds project 110.9 ≠ 0 + 0; under a template whose T3 says
 * blank="na" that identity is not assessable, not an error.
 */
static void test_templates_blank_follows_the_template(void)
{
    char path[] = "/tmp/bx-blank-XXXXXX";
    const char *from = "projectOperating=\"110.9\" projectSpecific=\"0\"/>";
    struct bx_context *na = test_context();
    const struct tpl_template *t;
    struct tpl_table *tb;
    struct bx_check chk;
    char *text = NULL;
    char *at;
    size_t len = 0;
    FILE *f;
    int fd;

    CU_ASSERT_PTR_NOT_NULL_FATAL(na);
    f = fopen(test_path("samples/pingdingshan-hitech-service-center-2024.xml"),
              "rb");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    text = calloc(1, 1 << 20);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    len = fread(text, 1, (1 << 20) - 1, f);
    fclose(f);
    at = strstr(text, from); /* T3's 合计 row comes first */
    CU_ASSERT_PTR_NOT_NULL_FATAL(at);
    memcpy(at, "projectOperating=\"\"     ", 24);
    fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    f = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fwrite(text, 1, len, f);
    fclose(f);

    CU_ASSERT_EQUAL_FATAL(bx_check_file(ctx, path, &chk), BX_OK);
    CU_ASSERT_EQUAL(rule_errors(&chk.diags, "BR-009"), 1);
    bx_check_release(&chk);

    t = templates_lookup(na, "henan-county-14", 2024);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    tb = (struct tpl_table *)templates_table(t, "T3");
    CU_ASSERT_PTR_NOT_NULL_FATAL(tb);
    tb->blank_na = 1; /* this context's registry only */
    CU_ASSERT_EQUAL_FATAL(bx_check_file(na, path, &chk), BX_OK);
    CU_ASSERT_EQUAL(rule_errors(&chk.diags, "BR-009"), 0);
    bx_check_release(&chk);

    unlink(path);
    free(text);
    bx_context_free(na);
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
        CU_add_test(s, "blank follows the template",
                    test_templates_blank_follows_the_template) == NULL ||
        CU_add_test(s, "nearest year is chosen",
                    test_templates_nearest_year_is_chosen) == NULL ||
        CU_add_test(s, "chinese ordinals", test_templates_numbers) == NULL ||
        CU_add_test(s, "label prefers the document",
                    test_templates_label_prefers_the_document) == NULL ||
        CU_add_test(s, "every sample passes clean",
                    test_templates_every_sample_passes_clean) == NULL ||
        CU_add_test(s, "broken file is fatal",
                    test_templates_broken_file_is_fatal) == NULL)
        return -1;
    return 0;
}
