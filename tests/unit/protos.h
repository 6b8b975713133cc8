/* Force-included into every unit test: prototypes of all suite hooks. */
#define SUITE(name) int bx_test_suite_##name(void);
#include "unit_suites.h"
#undef SUITE
