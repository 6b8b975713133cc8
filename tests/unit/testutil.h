/* Helpers shared by the unit tests. */
#ifndef BX_TESTUTIL_H
#define BX_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>

#include "budgetx.h"

/* Project root: $BX_TEST_ROOT (set by make), else ".". */
static inline const char *test_root(void)
{
    const char *r = getenv("BX_TEST_ROOT");
    return r != NULL ? r : ".";
}

/* "<root>/<rel>" in a static buffer (tests are single-threaded). */
static inline const char *test_path(const char *rel)
{
    static char buf[4][4096];
    static int next;
    char *p = buf[next++ % 4];

    snprintf(p, sizeof(buf[0]), "%s/%s", test_root(), rel);
    return p;
}

/* A context on the project's own data directory; NULL on failure. */
static inline struct bx_context *test_context(void)
{
    struct bx_options opts;
    struct bx_diags diags;
    struct bx_context *ctx = NULL;

    bx_options_init(&opts);
    opts.data_dir = test_root();
    bx_diags_init(&diags);
    bx_context_new(&opts, &diags, &ctx);
    bx_diags_release(&diags);
    return ctx;
}

#endif /* BX_TESTUTIL_H */
