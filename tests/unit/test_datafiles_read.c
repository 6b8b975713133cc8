/*
 * datafiles_read_parse(): a data file read once, the SHA-256 taken of the
 * very bytes parsed.  The digest equals the file's (rules_file_digest(),
 * what the build's scripts/rules-digests.sh computes with sha256sum), so
 * the shipped rule file and templates still match the pairs the build
 * listed as validated, and a single changed byte no longer does (then the
 * file is validated at run time: tests/unit/test_prefetch.c, "edited").
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <libxml/tree.h>

#include "budgetx.h"
#include "datafiles.h"
#include "rules.h"
#include "rules_digests.h"     /* generated: rules_validated[] */
#include "templates_digests.h" /* generated: templates_validated[] */
#include "testutil.h"
#include "util.h"
#include "xmlio.h"

static const char *const templates[] = {
    "schemas/templates/central-9.xml",
    "schemas/templates/district-9-yuan.xml",
    "schemas/templates/henan-county-14.xml",
    "schemas/templates/henan-province-11.xml",
    "schemas/templates/narrative-only.xml",
    "schemas/templates/other.xml",
};

/* Read and parse 'rel'; its digest into 'hex'. */
static void read_parse_ok(const char *rel, char *hex)
{
    struct bx_diags d;
    xmlDocPtr doc = NULL;
    char file_hex[65];

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(datafiles_read_parse(test_path(rel), &d, hex, &doc), BX_OK);
    CU_ASSERT_PTR_NOT_NULL(doc);
    CU_ASSERT_PTR_NOT_NULL(doc != NULL ? xmlDocGetRootElement(doc) : NULL);
    CU_ASSERT_EQUAL(d.count, 0);
    CU_ASSERT_EQUAL(strlen(hex), 64);
    CU_ASSERT_EQUAL(rules_file_digest(test_path(rel), file_hex), BX_OK);
    CU_ASSERT_STRING_EQUAL(hex, file_hex);
    if (doc != NULL) {
        xmlFreeDoc(doc);
    }
    bx_diags_release(&d);
}

static void test_read_parse_digest_is_the_files(void)
{
    char hex[65];
    size_t i;

    read_parse_ok("schemas/rules/2024.xml", hex);
    read_parse_ok("schemas/codes/2024/function.xml", hex);
    for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
        read_parse_ok(templates[i], hex);
    }
}

/* The shipped files match the build's pairs through the parsed bytes. */
static void test_read_parse_shipped_pairs_listed(void)
{
    char xsd_hex[65];
    char hex[65];
    size_t i;

    /* without xmllint at build time nothing is listed: nothing to match */
    if (rules_validated[0] != NULL) {
        CU_ASSERT_EQUAL_FATAL(
            rules_file_digest(test_path("schemas/rules.xsd"), xsd_hex), BX_OK);
        read_parse_ok("schemas/rules/2024.xml", hex);
        CU_ASSERT_TRUE(rules_pair_listed(rules_validated, xsd_hex, hex));
        /* the pair is ordered: schema first */
        CU_ASSERT_FALSE(rules_pair_listed(rules_validated, hex, xsd_hex));
    }
    if (templates_validated[0] != NULL) {
        CU_ASSERT_EQUAL_FATAL(
            rules_file_digest(test_path("schemas/templates/template.xsd"),
                              xsd_hex),
            BX_OK);
        for (i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
            read_parse_ok(templates[i], hex);
            CU_ASSERT_TRUE(
                rules_pair_listed(templates_validated, xsd_hex, hex));
        }
    }
}

/* One byte changed: another digest, not listed; no digest: not listed. */
static void test_read_parse_edited_not_listed(void)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    char xsd_hex[65];
    char hex[65];
    char edited_hex[65];
    const char *list[2];
    char pair[2 * 65];

    CU_ASSERT_EQUAL_FATAL(
        rules_file_digest(test_path("schemas/rules.xsd"), xsd_hex), BX_OK);
    read_parse_ok("schemas/rules/2024.xml", hex);
    snprintf(pair, sizeof(pair), "%s %s", xsd_hex, hex);
    list[0] = pair;
    list[1] = NULL;
    CU_ASSERT_TRUE(rules_pair_listed(list, xsd_hex, hex));
    CU_ASSERT_EQUAL_FATAL(util_read_file(test_path("schemas/rules/2024.xml"),
                                         1u << 24, &buf, &len),
                          BX_OK);
    CU_ASSERT_TRUE_FATAL(len > 100);
    buf[len / 2] ^= 0x01;
    CU_ASSERT_EQUAL(util_digest_hex("sha256", buf, len, edited_hex, 65), BX_OK);
    CU_ASSERT_STRING_NOT_EQUAL(edited_hex, hex);
    CU_ASSERT_FALSE(rules_pair_listed(list, xsd_hex, edited_hex));
    CU_ASSERT_FALSE(rules_pair_listed(list, "", hex));
    CU_ASSERT_FALSE(rules_pair_listed(list, xsd_hex, ""));
    free(buf);
}

/* A file that cannot be read: DATA-READ, no tree, no digest. */
static void test_read_parse_unreadable(void)
{
    struct bx_diags d;
    xmlDocPtr doc = (xmlDocPtr)&d; /* must be reset */
    char hex[65] = "x";

    bx_diags_init(&d);
    CU_ASSERT_EQUAL(datafiles_read_parse(test_path("schemas/rules/1900.xml"),
                                         &d, hex, &doc),
                    BX_E_DATA);
    CU_ASSERT_PTR_NULL(doc);
    CU_ASSERT_STRING_EQUAL(hex, "");
    CU_ASSERT_TRUE(bx_diags_has(&d, "DATA-READ"));
    bx_diags_release(&d);
}

/* The parser set up as a context would. */
static int suite_init(void)
{
    return xmlio_init() == BX_OK ? 0 : -1;
}

int bx_test_suite_datafiles_read(void)
{
    CU_pSuite s = CU_add_suite("datafiles_read", suite_init, NULL);

    if (s == NULL ||
        CU_add_test(s, "digest of the parsed bytes is the file's",
                    test_read_parse_digest_is_the_files) == NULL ||
        CU_add_test(s, "shipped files match the build's pairs",
                    test_read_parse_shipped_pairs_listed) == NULL ||
        CU_add_test(s, "an edited byte is not listed",
                    test_read_parse_edited_not_listed) == NULL ||
        CU_add_test(s, "unreadable file", test_read_parse_unreadable) == NULL)
        return -1;
    return 0;
}
