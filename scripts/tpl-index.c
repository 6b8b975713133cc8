/*
 * tpl-index ROOT: the index of the template registry of the data
 * directory ROOT, ROOT/schemas/lean/TEMPLATES (src/templates.c,
 * templates_index(): the format).  The registry is loaded through the
 * library's own path (every file validated against template.xsd, its
 * zh and en texts, its name, check_registry()); only when it loads
 * cleanly are the files indexed, and a run that finds them unchanged
 * parses only the templates it uses.  Otherwise the index says nothing
 * usable (a run then loads every template and says what is wrong) and
 * the findings are printed here; the build goes on, as it does with a
 * template that does not validate.  Linked with build/libbudgetx.a by
 * the Makefile after the lean copies; the output is generated, never
 * committed, written under a temporary name and renamed.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "budgetx.h"
#include "templates.h"
#include "util.h"

#define UNUSABLE "budgetx-templates 0\n" /* no run matches it */

static void print_findings(const struct bx_diags *d)
{
    size_t i;

    for (i = 0; i < d->count; i++) {
        fprintf(stderr, "tpl-index: %s: %s: %s\n",
                d->items[i].file != NULL ? d->items[i].file : "-",
                d->items[i].code, d->items[i].message_en);
    }
}

int main(int argc, char **argv)
{
    struct bx_options opts;
    struct bx_diags diags;
    struct bx_context *ctx = NULL;
    char path[4096];
    char *text = NULL;
    size_t len = 0;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "usage: tpl-index ROOT\n");
        return 2;
    }
    snprintf(path, sizeof(path), "%s/schemas/lean/TEMPLATES", argv[1]);
    bx_options_init(&opts);
    opts.data_dir = argv[1];
    bx_diags_init(&diags);
    rc = bx_context_new(&opts, &diags, &ctx);
    if (rc == BX_OK)
        rc = templates_index(ctx, &diags, &text, &len);
    if (rc != BX_OK) {
        print_findings(&diags);
        fprintf(stderr, "tpl-index: the templates do not load cleanly: no "
                        "index (every run loads them all)\n");
    }
    /* schemas/lean/ exists: the lean copies are made first */
    if (rc == BX_OK
            ? util_write_atomic(path, text, len, 1) != BX_OK
            : util_write_atomic(path, UNUSABLE, strlen(UNUSABLE), 1) != BX_OK) {
        perror(path);
        rc = -1;
    } else {
        rc = 0;
    }
    free(text);
    bx_diags_release(&diags);
    bx_context_free(ctx);
    return rc == 0 ? 0 : 1;
}
