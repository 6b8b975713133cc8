/* Unit tests: the post-passes over findings (sorting, strerror texts). */
#include <errno.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"
#include "diag_filter.h"

static void add(struct bx_diags *d, enum bx_severity sev, const char *code,
                const char *table, long line)
{
    struct bx_diag x;

    memset(&x, 0, sizeof(x));
    x.severity = sev;
    x.code = (char *)code;
    x.table = (char *)table;
    x.line = line;
    x.message_en = (char *)code;
    CU_ASSERT_EQUAL(bx_diags_add(d, &x), BX_OK);
}

static void test_sort_by_severity_then_table_then_line(void)
{
    struct bx_diags d;
    static const char *const want[] = {"E-T2",   "E-T12-a", "E-T12-b",
                                       "W-none", "W-T3",    "I-T1"};
    size_t i;

    bx_diags_init(&d);
    add(&d, BX_SEV_INFO, "I-T1", "表一 部门收支总表", 5);
    add(&d, BX_SEV_ERROR, "E-T12-b", "表十二 项目支出绩效目标表", 90);
    add(&d, BX_SEV_WARNING, "W-T3", "表三 部门支出总表", 1);
    add(&d, BX_SEV_ERROR, "E-T2", "表二 部门收入总表", 300);
    add(&d, BX_SEV_ERROR, "E-T12-a", "表十二 项目支出绩效目标表", 80);
    add(&d, BX_SEV_WARNING, "W-none", NULL, 400);
    CU_ASSERT_EQUAL(diag_filter_sort(&d), BX_OK);
    CU_ASSERT_EQUAL(d.count, 6);
    for (i = 0; i < d.count && i < 6; i++) {
        CU_ASSERT_STRING_EQUAL(d.items[i].code, want[i]);
    }
    CU_ASSERT_EQUAL(d.by_severity[BX_SEV_ERROR], 3);
    bx_diags_release(&d);
}

static void test_sort_keeps_the_order_of_ties(void)
{
    struct bx_diags d;

    bx_diags_init(&d);
    add(&d, BX_SEV_ERROR, "first", NULL, 7);
    add(&d, BX_SEV_ERROR, "second", NULL, 7);
    add(&d, BX_SEV_ERROR, "third", NULL, 7);
    CU_ASSERT_EQUAL(diag_filter_sort(&d), BX_OK);
    CU_ASSERT_STRING_EQUAL(d.items[0].code, "first");
    CU_ASSERT_STRING_EQUAL(d.items[2].code, "third");
    bx_diags_release(&d);
}

static void test_strerror_speaks_chinese_for_common_errors(void)
{
    CU_ASSERT_STRING_EQUAL(bx_strerror(ENOENT, BX_LANG_ZH),
                           "没有那个文件或目录");
    CU_ASSERT_STRING_EQUAL(bx_strerror(EACCES, BX_LANG_ZH), "权限不够");
    CU_ASSERT_STRING_EQUAL(bx_strerror(ENOENT, BX_LANG_EN), strerror(ENOENT));
}

int bx_test_suite_diag_filter(void)
{
    CU_pSuite s = CU_add_suite("diag_filter", NULL, NULL);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_sort_by_severity_then_table_then_line);
    CU_ADD_TEST(s, test_sort_keeps_the_order_of_ties);
    CU_ADD_TEST(s, test_strerror_speaks_chinese_for_common_errors);
    return CU_get_error();
}
