/*
 * Fixed-point decimals of the business rules (rules_num.c): parsing,
 * formatting, rounding, and the percentage interval of the rounding model of docs/rules.md.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "rules_num.h"

static int64_t dec(const char *s)
{
    struct bx_dec d;

    CU_ASSERT_EQUAL(rules_dec_parse(s, &d), BX_OK);
    return d.v;
}

static void test_rules_num_adds_tenths_exactly(void)
{
    int64_t sum;
    char buf[32];

    /* 0.1 + 0.2 is 0.3, not 0.30000000000000004 */
    CU_ASSERT(rules_dec_add(dec("0.1"), dec("0.2"), &sum));
    CU_ASSERT_EQUAL(sum, dec("0.3"));
    rules_dec_format(sum, 1, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "0.3");
}

static void test_rules_num_parses_printed_forms(void)
{
    struct bx_dec d;

    CU_ASSERT_EQUAL(rules_dec_parse("179.6", &d), BX_OK);
    CU_ASSERT_EQUAL(d.v, 1796000);
    CU_ASSERT_EQUAL(d.places, 1);
    CU_ASSERT_EQUAL(rules_dec_parse(" -8.70 ", &d), BX_OK);
    CU_ASSERT_EQUAL(d.v, -87000);
    CU_ASSERT_EQUAL(d.places, 2);
    CU_ASSERT_EQUAL(rules_dec_parse("1,234.5", &d), BX_OK);
    CU_ASSERT_EQUAL(d.v, 12345000);
    CU_ASSERT_EQUAL(rules_dec_parse("+3", &d), BX_OK);
    CU_ASSERT_EQUAL(d.places, 0);
    CU_ASSERT_EQUAL(rules_dec_parse(".5", &d), BX_OK);
    CU_ASSERT_EQUAL(d.v, 5000);
}

static void test_rules_num_rejects_non_numbers(void)
{
    struct bx_dec d;

    CU_ASSERT_EQUAL(rules_dec_parse("", &d), BX_E_ARG);
    CU_ASSERT_EQUAL(rules_dec_parse("-", &d), BX_E_ARG);
    CU_ASSERT_EQUAL(rules_dec_parse("1.2.3", &d), BX_E_ARG);
    CU_ASSERT_EQUAL(rules_dec_parse("无增减", &d), BX_E_ARG);
    CU_ASSERT_EQUAL(rules_dec_parse("0.00001", &d), BX_E_ARG);
    CU_ASSERT_EQUAL(rules_dec_parse(",5", &d), BX_E_ARG);
    CU_ASSERT_EQUAL(rules_dec_parse("99999999999999999999", &d), BX_E_LIMIT);
    CU_ASSERT_EQUAL(rules_dec_parse(NULL, &d), BX_E_ARG);
}

static void test_rules_num_formats_with_least_places(void)
{
    char buf[32];

    rules_dec_format(dec("0.15"), 1, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "0.15");
    rules_dec_format(dec("3"), 1, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "3.0");
    rules_dec_format(dec("-0.4"), 1, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "-0.4");
    rules_dec_format(dec("60000"), 0, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "60000");
    rules_dec_format(dec("2.08"), 0, buf, sizeof(buf));
    CU_ASSERT_STRING_EQUAL(buf, "2.08");
}

static void test_rules_num_rounds_half_away_from_zero(void)
{
    CU_ASSERT_EQUAL(rules_dec_round(dec("2.45"), 1), dec("2.5"));
    CU_ASSERT_EQUAL(rules_dec_round(dec("-2.45"), 1), dec("-2.5"));
    CU_ASSERT_EQUAL(rules_dec_round(dec("2.44"), 1), dec("2.4"));
    CU_ASSERT_EQUAL(rules_dec_round(dec("4.0"), 0), dec("4"));
    CU_ASSERT_EQUAL(rules_dec_unit(1), 1000);
    CU_ASSERT_EQUAL(rules_dec_unit(0), 10000);
}

static void test_rules_num_detects_overflow(void)
{
    int64_t out;

    CU_ASSERT_FALSE(rules_dec_add(INT64_MAX, 1, &out));
    CU_ASSERT_FALSE(rules_dec_mul(INT64_MAX / 2, 3, &out));
    CU_ASSERT(rules_dec_mul(dec("1.5"), 10000, &out));
}

/* the rounding model of docs/rules.md: 68.7 of 179.6 is 38.25 %; 38.3 passes, 39.3 does not. */
static void test_rules_num_share_interval(void)
{
    int64_t exact;
    int64_t half;
    int64_t u2 = rules_dec_unit(1) / 2;

    CU_ASSERT_EQUAL(rules_dec_ratio_ok(dec("68.7"), u2, dec("179.6"), u2,
                                       dec("38.3"), 1, &exact, &half),
                    1);
    CU_ASSERT_EQUAL(exact, dec("38.3"));
    CU_ASSERT_EQUAL(rules_dec_ratio_ok(dec("68.7"), u2, dec("179.6"), u2,
                                       dec("39.3"), 1, &exact, &half),
                    0);
    /* a zero base cannot be judged */
    CU_ASSERT_EQUAL(rules_dec_ratio_ok(dec("1"), u2, dec("0"), u2, dec("50"), 0,
                                       &exact, &half),
                    -1);
}

/* Growth: change 0.3 on a prior of 0.2 (0.5 now) printed as 150 %. */
static void test_rules_num_growth_interval(void)
{
    int64_t exact;
    int64_t half;
    int64_t u2 = rules_dec_unit(1) / 2;

    CU_ASSERT_EQUAL(rules_dec_ratio_ok(dec("0.3"), u2, dec("0.2"), 2 * u2,
                                       dec("150"), 0, &exact, &half),
                    1);
    CU_ASSERT_EQUAL(exact, dec("150"));
    CU_ASSERT_EQUAL(rules_dec_ratio_ok(dec("-8.7"), u2, dec("188.3"), 2 * u2,
                                       dec("-4.6"), 1, &exact, &half),
                    1);
    CU_ASSERT_EQUAL(rules_dec_ratio_ok(dec("-8.7"), u2, dec("188.3"), 2 * u2,
                                       dec("-5.6"), 1, &exact, &half),
                    0);
}

int bx_test_suite_rules_num(void)
{
    CU_pSuite s = CU_add_suite("rules_num", NULL, NULL);

    if (s == NULL)
        return -1;
    if (CU_add_test(s, "adds tenths exactly",
                    test_rules_num_adds_tenths_exactly) == NULL ||
        CU_add_test(s, "parses printed forms",
                    test_rules_num_parses_printed_forms) == NULL ||
        CU_add_test(s, "rejects non-numbers",
                    test_rules_num_rejects_non_numbers) == NULL ||
        CU_add_test(s, "formats with least places",
                    test_rules_num_formats_with_least_places) == NULL ||
        CU_add_test(s, "rounds half away from zero",
                    test_rules_num_rounds_half_away_from_zero) == NULL ||
        CU_add_test(s, "detects overflow", test_rules_num_detects_overflow) ==
            NULL ||
        CU_add_test(s, "share interval", test_rules_num_share_interval) ==
            NULL ||
        CU_add_test(s, "growth interval", test_rules_num_growth_interval) ==
            NULL)
        return -1;
    return 0;
}
