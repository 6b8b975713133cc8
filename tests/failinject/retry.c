/*
 * The process-wide initialisation under allocation failure (run.sh, path
 * "retry"; linked with failmalloc.c): creating a context may fail for
 * want of memory, but then with BX_E_NOMEM and an OUT-OF-MEMORY finding,
 * and the next attempt must initialise afresh, so that the HTML rendering
 * that follows is byte for byte the one of a clean run (nothing half
 * registered stays behind).  Prints the rendering on stdout and, with
 * BX_FAIL_COUNT=1, "failinject-context: N" on stderr: the allocations the
 * first successful context creation took.  Exit 0 when the rendering was
 * made, 4 when an allocation after the context failed (that is the other
 * paths' business), 1 when creation failed wrongly.  With --count-init,
 * it only prints "failinject-init: N": the allocations of a context
 * creation that stops at once (no data directory), that is, about those
 * of the process-wide initialisation.
 * Usage: budgetx-fi-retry SAMPLE | budgetx-fi-retry --count-init
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"

unsigned long failinject_count(void);

int main(int argc, char **argv)
{
    struct bx_context *ctx = NULL;
    struct bx_submission *sub = NULL;
    struct bx_output out;
    struct bx_diags diags;
    int rc = BX_E_NOMEM;
    int attempt;
    int status = 4;
    const char *count = getenv("BX_FAIL_COUNT");

    if (argc == 2 && strcmp(argv[1], "--count-init") == 0) {
        struct bx_options opts;

        bx_options_init(&opts);
        opts.data_dir = "no-such-directory";
        bx_diags_init(&diags);
        rc = bx_context_new(&opts, &diags, &ctx);
        bx_diags_release(&diags);
        bx_context_free(ctx);
        fprintf(stderr, "failinject-init: %lu\n", failinject_count());
        return rc == BX_E_DATA ? 0 : 1;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s SAMPLE\n", argv[0]);
        return 2;
    }
    bx_diags_init(&diags);
    bx_output_init(&out);
    /* one allocation fails: the second attempt at the latest succeeds */
    for (attempt = 0; attempt < 2 && rc != BX_OK; attempt++) {
        rc = bx_context_new(NULL, &diags, &ctx);
        if (rc != BX_OK &&
            (rc != BX_E_NOMEM || !bx_diags_has(&diags, "OUT-OF-MEMORY"))) {
            fprintf(stderr, "context: status %d without OUT-OF-MEMORY\n", rc);
            status = 1;
            goto out;
        }
    }
    if (rc != BX_OK) {
        fprintf(stderr, "context: not created on the second attempt\n");
        status = 1;
        goto out;
    }
    if (count != NULL && strcmp(count, "1") == 0) {
        fprintf(stderr, "failinject-context: %lu\n", failinject_count());
    }
    rc = bx_submission_load(ctx, argv[1], &diags, &sub);
    if (rc == BX_OK) {
        rc = bx_transform(ctx, sub, "html", NULL, &diags, &out);
    }
    if (rc == BX_OK && out.count == 1) {
        fwrite(out.files[0].data, 1, out.files[0].len, stdout);
        status = 0;
    } else if (rc != BX_E_NOMEM) {
        fprintf(stderr, "render: status %d\n", rc);
        status = 1;
    }
out:
    if (status != 0) {
        size_t i;

        for (i = 0; i < diags.count; i++) {
            fprintf(stderr, "%s: %s\n",
                    diags.items[i].code ? diags.items[i].code : "-",
                    bx_diag_message(&diags.items[i], BX_LANG_EN));
        }
    }
    bx_output_release(&out);
    bx_submission_free(sub);
    bx_context_free(ctx);
    bx_diags_release(&diags);
    return status;
}
