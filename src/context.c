/*
 * The per-run context: locates the data directory and owns everything
 * compiled once per run (schema here, rule sets and stylesheets through
 * their modules' slots).
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "datafiles.h"
#include "util.h"
#include "validate.h"
#include "xmlio.h"

#ifndef BX_DATADIR
#define BX_DATADIR "/usr/local/share/budgetx"
#endif

void bx_options_init(struct bx_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->limits.max_bytes = 64u << 20;
    opts->limits.max_depth = 256;
    opts->max_findings_per_rule = BX_MAX_FINDINGS_PER_RULE;
    opts->max_findings = BX_MAX_FINDINGS;
}

void context_set_caps(const struct bx_context *ctx, struct bx_diags *diags)
{
    size_t per_rule = ctx->opts.max_findings_per_rule;
    size_t total = ctx->opts.max_findings;

    bx_diags_set_caps(diags, per_rule == SIZE_MAX ? 0 : per_rule,
                      total == SIZE_MAX ? 0 : total);
}

char *context_path(const struct bx_context *ctx, const char *rel)
{
    struct bx_buf b;

    buf_init(&b);
    buf_printf(&b, "%s/%s", ctx->data_dir, rel);
    return buf_take(&b, NULL);
}

static const char *default_data_dir(const struct bx_options *opts)
{
    const char *env;

    if (opts->data_dir != NULL && opts->data_dir[0] != '\0') {
        return opts->data_dir;
    }
    env = getenv("BUDGETX_DATADIR");
    if (env != NULL && env[0] != '\0') {
        return env;
    }
    return BX_DATADIR;
}

/*
 * Recursive: compiling one thing may need another (a rule set needs the
 * template registry), each taking the lock on its own.
 */
static int init_lock(pthread_mutex_t *m)
{
    pthread_mutexattr_t attr;
    int rc;

    if (pthread_mutexattr_init(&attr) != 0) {
        return -1;
    }
    rc = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    if (rc == 0) {
        rc = pthread_mutex_init(m, &attr);
    }
    pthread_mutexattr_destroy(&attr);
    return rc;
}

int bx_context_new(const struct bx_options *opts, struct bx_diags *diags,
                   struct bx_context **out)
{
    struct bx_context *ctx = NULL;
    struct bx_options defaults;
    unsigned long nomem;
    int rc = BX_E_NOMEM;

    *out = NULL;
    bx_options_init(&defaults);
    if (opts == NULL) {
        opts = &defaults;
    }
    /* the process-wide set-up, until it has once succeeded */
    if (xmlio_init() != BX_OK || datafiles_init() != BX_OK) {
        goto out;
    }
    nomem = xmlio_nomem_count();
    ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
        goto out;
    }
    if (init_lock(&ctx->lock) != 0) {
        free(ctx);
        ctx = NULL;
        goto out;
    }
    ctx->opts = *opts;
    if (ctx->opts.limits.max_bytes == 0) {
        ctx->opts.limits.max_bytes = defaults.limits.max_bytes;
    }
    if (ctx->opts.limits.max_depth == 0) {
        ctx->opts.limits.max_depth = defaults.limits.max_depth;
    }
    if (ctx->opts.max_findings_per_rule == 0) {
        ctx->opts.max_findings_per_rule = defaults.max_findings_per_rule;
    }
    if (ctx->opts.max_findings == 0) {
        ctx->opts.max_findings = defaults.max_findings;
    }
    ctx->data_dir = util_strdup(default_data_dir(opts));
    if (ctx->data_dir == NULL) {
        goto out;
    }
    ctx->opts.data_dir = ctx->data_dir;
    rc = validate_compile(ctx, diags);
    if (xmlio_nomem_count() != nomem) {
        /* a schema compiled short of a part, or "broken" for want of
         * memory: either way the cause is memory, not the data files */
        rc = BX_E_NOMEM;
    }
    if (rc != BX_OK) {
        goto out;
    }
    *out = ctx;
    ctx = NULL;
out:
    if (rc == BX_E_NOMEM) {
        xmlio_out_of_memory(diags, NULL); /* once, whichever step ran out */
    }
    bx_context_free(ctx);
    return rc;
}

static void slot_release(struct bx_slot *slot)
{
    if (slot->ptr != NULL && slot->release != NULL) {
        slot->release(slot->ptr);
    }
    slot->ptr = NULL;
}

void bx_context_free(struct bx_context *ctx)
{
    if (ctx == NULL) {
        return;
    }
    slot_release(&ctx->rules);
    slot_release(&ctx->transform);
    slot_release(&ctx->package);
    slot_release(&ctx->templates);
    validate_release(ctx);
    slot_release(&ctx->datafiles); /* last: the others point into it */
    free(ctx->data_dir);
    pthread_mutex_destroy(&ctx->lock);
    free(ctx);
}

void context_lock(struct bx_context *ctx)
{
    pthread_mutex_lock(&ctx->lock);
}

void context_unlock(struct bx_context *ctx)
{
    pthread_mutex_unlock(&ctx->lock);
}

const char *bx_context_data_dir(const struct bx_context *ctx)
{
    return ctx->data_dir;
}
