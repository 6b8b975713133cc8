/* Unit tests: diagnostics and the status → exit code contract. */
#include <string.h>

#include <CUnit/CUnit.h>

#include "budgetx.h"

/* Every status, and the exit code the CLI documents for it. */
static void test_status_exit_code_maps_every_status(void)
{
    static const struct {
        int status;
        int exit;
    } map[] = {
        {BX_OK, BX_EXIT_OK},           {BX_E_NOMEM, BX_EXIT_INTERNAL},
        {BX_E_IO, BX_EXIT_IO},         {BX_E_PARSE, BX_EXIT_IO},
        {BX_E_LIMIT, BX_EXIT_IO},      {BX_E_DATA, BX_EXIT_INTERNAL},
        {BX_E_STATE, BX_EXIT_INTERNAL}, {BX_E_ARG, BX_EXIT_USAGE},
        {BX_E_EXISTS, BX_EXIT_IO},     {BX_E_INVALID, BX_EXIT_INVALID},
        {BX_E_INTERNAL, BX_EXIT_INTERNAL},
    };
    size_t i;

    /* a status added to the enum must be added here (and mapped) */
    CU_ASSERT_EQUAL(sizeof(map) / sizeof(map[0]), 1 - BX_E_INTERNAL);
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        CU_ASSERT_EQUAL(bx_status_exit_code(map[i].status), map[i].exit);
        CU_ASSERT_PTR_NOT_NULL(bx_status_str(map[i].status));
    }
    CU_ASSERT_EQUAL(bx_status_exit_code(-1000), BX_EXIT_INTERNAL);
    CU_ASSERT_EQUAL(bx_status_exit_code(7), BX_EXIT_INTERNAL);
}

int bx_test_suite_diag(void)
{
    CU_pSuite s = CU_add_suite("diag", NULL, NULL);

    if (s == NULL) {
        return CU_get_error();
    }
    CU_ADD_TEST(s, test_status_exit_code_maps_every_status);
    return CU_get_error();
}
