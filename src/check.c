/*
 * The validation pipeline for one file: load, schema, rules.  Every
 * command that needs a verdict (validate, convert, bundle, verify) goes
 * through here so that they all judge a file the same way.
 */
#include <string.h>

#include "diag_filter.h"
#include "internal.h"
#include "util.h"
#include "validate.h"
#include "xmlio.h"

static void check_init(struct bx_check *chk, const char *path)
{
    memset(chk, 0, sizeof(*chk));
    bx_diags_init(&chk->diags);
    chk->result.path = path;
    chk->result.schema_valid = -1;
    chk->result.diags = &chk->diags;
}

/*
 * Schema, then rules, on a loaded submission ('rc' is the load status).
 * 'nomem' is xmlio_nomem_count() before the load: when libxml2 ran out of
 * memory since, its parse errors, schema errors and XPath results cannot
 * be trusted, and the file is not judged (BX_E_NOMEM).
 */
static int check_loaded(struct bx_context *ctx, struct bx_check *chk, int rc,
                        unsigned long nomem)
{
    (void)validate_labels_short(); /* only this document's check counts */
    if (rc == BX_OK) {
        memcpy(chk->sha256, bx_submission_sha256(chk->sub),
               sizeof(chk->sha256));
        chk->result.sha256 = chk->sha256;
        rc = bx_validate_schema(ctx, chk->sub, &chk->diags);
    }
    if (rc == BX_OK) {
        chk->result.schema_valid = chk->sub->schema_valid;
        rc = diag_filter_consequences(chk->sub, &chk->diags);
    }
    if (rc == BX_OK && chk->sub->schema_valid == 1 && !ctx->opts.no_rules) {
        rc =
            bx_rules_check_coverage(ctx, chk->sub, &chk->diags, &chk->coverage);
        if (rc == BX_OK) {
            bx_rules_ruleset(ctx, chk->sub, &chk->result.ruleset_id,
                             &chk->result.ruleset_version);
            chk->result.coverage = &chk->coverage;
        }
    }
    if (xmlio_nomem_count() != nomem || validate_labels_short()) {
        rc = BX_E_NOMEM; /* the findings may be worded short */
    }
    if (rc == BX_E_NOMEM) {
        xmlio_out_of_memory(&chk->diags, chk->result.path);
    } else if (rc != BX_E_DATA && bx_status_exit_code(rc) == BX_EXIT_INTERNAL) {
        /* broken data files have their findings already */
        bx_diags_addf(&chk->diags, BX_SEV_FATAL, "INTERNAL", chk->result.path,
                      0, "内部错误，文件未能校验",
                      "internal error: the file was not checked");
    }
    /* reading order first; then the "and N more" lines go last */
    if (diag_filter_sort(&chk->diags) != BX_OK && rc == BX_OK) {
        /* the findings are left unsorted: say why there is no verdict */
        rc = BX_E_NOMEM;
        xmlio_out_of_memory(&chk->diags, chk->result.path);
    }
    if (bx_diags_finish(&chk->diags) != BX_OK && rc == BX_OK) {
        rc = BX_E_NOMEM; /* the "and N more" line is part of the verdict */
        xmlio_out_of_memory(&chk->diags, chk->result.path);
    }
    chk->status = rc;
    chk->result.status = rc;
    return rc;
}

int bx_check_file(struct bx_context *ctx, const char *path,
                  struct bx_check *chk)
{
    unsigned long nomem = xmlio_nomem_count();

    check_init(chk, path);
    context_set_caps(ctx, &chk->diags);
    return check_loaded(
        ctx, chk, bx_submission_load(ctx, path, &chk->diags, &chk->sub), nomem);
}

int bx_check_memory(struct bx_context *ctx, const void *buf, size_t len,
                    const char *name, struct bx_check *chk)
{
    unsigned long nomem = xmlio_nomem_count();

    check_init(chk, name);
    context_set_caps(ctx, &chk->diags);
    return check_loaded(
        ctx, chk,
        bx_submission_load_memory(ctx, buf, len, name, &chk->diags, &chk->sub),
        nomem);
}

void bx_check_release(struct bx_check *chk)
{
    bx_submission_free(chk->sub);
    bx_diags_release(&chk->diags);
    bx_coverage_release(&chk->coverage);
    memset(chk, 0, sizeof(*chk));
}

void bx_check_drop_document(struct bx_check *chk)
{
    bx_submission_free(chk->sub);
    chk->sub = NULL;
}

int bx_check_exit_code(const struct bx_check *chk, enum bx_severity fail_on)
{
    return bx_file_exit_code(&chk->result, fail_on);
}
