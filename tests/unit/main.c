/*
 * CUnit runner: registers every suite (one per tests/unit/test_<name>.c,
 * listed in the generated unit_suites.h) and runs them, or only the
 * suites named on the command line.  Exits non-zero on any failure.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>

#define SUITE(name) int bx_test_suite_##name(void);
#include "unit_suites.h"
#undef SUITE

struct suite_entry {
    const char *name;
    int (*add)(void);
};

static const struct suite_entry suites[] = {
#define SUITE(name) {#name, bx_test_suite_##name},
#include "unit_suites.h"
#undef SUITE
};

static int wanted(const char *name, int argc, char **argv)
{
    int i;

    if (argc < 2) {
        return 1;
    }
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) == 0) {
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    size_t i;
    unsigned failures;
    unsigned ran;

    if (CU_initialize_registry() != CUE_SUCCESS) {
        return 2;
    }
    for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
        if (wanted(suites[i].name, argc, argv) && suites[i].add() != 0) {
            fprintf(stderr, "cannot register suite %s\n", suites[i].name);
            CU_cleanup_registry();
            return 2;
        }
    }
    CU_basic_set_mode(CU_BRM_NORMAL);
    CU_basic_run_tests();
    failures = CU_get_number_of_failures();
    ran = CU_get_number_of_tests_run();
    CU_cleanup_registry();
    if (ran == 0) {
        fprintf(stderr, "no unit test ran\n");
        return 1;
    }
    return failures == 0 ? 0 : 1;
}
