/*
 * libFuzzer target: untrusted bytes through loading (gunzip, safe parse)
 * and schema validation.  The data directory comes from $BUDGETX_DATADIR
 * (make fuzz sets it to the source tree).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "budgetx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bx_context *ctx;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bx_diags diags;
    struct bx_submission *sub = NULL;

    if (ctx == NULL) {
        bx_diags_init(&diags);
        if (bx_context_new(NULL, &diags, &ctx) != BX_OK) {
            abort(); /* the harness itself is misconfigured */
        }
        bx_diags_release(&diags);
    }
    bx_diags_init(&diags);
    if (bx_submission_load_memory(ctx, data, size, "fuzz.xml", &diags, &sub) ==
        BX_OK) {
        bx_validate_schema(ctx, sub, &diags);
    }
    bx_submission_free(sub);
    bx_diags_release(&diags);
    return 0;
}
