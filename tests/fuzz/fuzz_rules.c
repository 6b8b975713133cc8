/*
 * libFuzzer target: untrusted bytes through the whole check of one file,
 * as every command runs it (bx_check_memory: gunzip, safe parse, schema,
 * business rules, findings caps), then the text, JSON and XML reports.
 * Seeds (tests/fuzz/corpus/rules/) are schema-valid disclosures, so that
 * mutations reach the rules.  Beyond "no crash, no leak", it checks that
 * a verdict is consistent: an accepted file has no error, and a file that
 * could not be judged says why.  $BUDGETX_DATADIR names the data
 * directory (make fuzz sets it to the source tree).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "budgetx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct bx_context *ctx;

static void render_all(const struct bx_check *chk)
{
    static const enum bx_report_format fmts[] = {BX_REPORT_TEXT, BX_REPORT_JSON,
                                                 BX_REPORT_XML};
    struct bx_report rep = {0};
    char *out;
    size_t len;
    size_t i;

    rep.files = &chk->result;
    rep.nfiles = 1;
    rep.fail_on = BX_SEV_ERROR;
    for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        out = NULL;
        if (bx_report_render(&rep, fmts[i], ctx, &out, &len) == BX_OK &&
            out == NULL) {
            abort();
        }
        free(out);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bx_diags diags;
    struct bx_check chk;
    int rc;

    if (ctx == NULL) {
        bx_diags_init(&diags);
        if (bx_context_new(NULL, &diags, &ctx) != BX_OK) {
            abort(); /* the harness itself is misconfigured */
        }
        bx_diags_release(&diags);
    }
    rc = bx_check_memory(ctx, data, size, "fuzz.xml", &chk);
    if (rc == BX_OK && bx_file_accepted(&chk.result, BX_SEV_ERROR) &&
        bx_diags_worst(&chk.diags) >= BX_SEV_ERROR) {
        abort(); /* "accepted" with an error in the findings */
    }
    if (rc != BX_OK && chk.diags.count == 0) {
        abort(); /* not judged, and nothing says why */
    }
    render_all(&chk);
    bx_check_release(&chk);
    return 0;
}
