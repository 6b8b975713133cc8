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
#include "rules.h"
#include "templates.h"
#include "transform.h"
#include "util.h"
#include "validate.h"
#include "xmlio.h"

#ifndef BX_DATADIR
#define BX_DATADIR "/usr/local/share/budgetx"
#endif

/* bx_context_prefetch(): the thread and how far it got */
struct bx_prefetch {
    pthread_t thread;
    pthread_mutex_t mu;  /* guards what follows */
    pthread_cond_t done; /* signalled as each stage ends */
    int pending;         /* BX_PREFETCH_* stages not yet over */
    int joined;
    int rules;         /* load the newest rule set */
    const char *sheet; /* to compile ("xslt/html.xsl"), or NULL */
    int sheet_started; /* its compilation has begun */
    void *style;       /* the compiled stylesheet, until taken; owned */
    int sheet_nomem;   /* memory ran out while it was compiled */
    /* the template registry on a thread of its own (with 'rules') */
    pthread_t tpl_thread;
    int tpl_started;
    int tpl_decided;    /* tpl_started is final */
    void *tpl;          /* templates_preload()'s, until taken; owned */
    int sheet_prepared; /* datafiles_prefetch_prepare() done: 1 ok, -1 not */
};

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

/*
 * bx_context_new(), and with 'prefetch' bx_context_prefetch(ctx, rules,
 * format) started before the schema is compiled, so that the two overlap.
 */
static int context_open(const struct bx_options *opts, int prefetch, int rules,
                        const char *format, struct bx_diags *diags,
                        struct bx_context **out)
{
    struct bx_context *ctx = NULL;
    struct bx_options defaults;
    unsigned long nomem;
    int early;
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
    /*
     * Early only with a rule set to load (the long stage): a stylesheet
     * alone starts after the schema, so that memory running out while it
     * compiles is said as the stylesheet's, not as the context's (the
     * count of libxml2's failed allocations is process-wide).
     */
    early = prefetch && rules && !ctx->opts.no_rules;
    if (early) {
        bx_context_prefetch(ctx, rules, format);
    }
    rc = validate_compile(ctx, diags);
    if (xmlio_nomem_count() != nomem) {
        /* a schema compiled short of a part, or "broken" for want of
         * memory: either way the cause is memory, not the data files */
        rc = BX_E_NOMEM;
    }
    if (rc != BX_OK) {
        goto out;
    }
    if (prefetch && !early) {
        bx_context_prefetch(ctx, rules, format);
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

int bx_context_new(const struct bx_options *opts, struct bx_diags *diags,
                   struct bx_context **out)
{
    return context_open(opts, 0, 0, NULL, diags, out);
}

int bx_context_new_prefetch(const struct bx_options *opts, int rules,
                            const char *format, struct bx_diags *diags,
                            struct bx_context **out)
{
    return context_open(opts, 1, rules, format, diags, out);
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
    bx_context_wait(ctx); /* the thread uses what is freed below */
    if (ctx->prefetch != NULL) {
        datafiles_prefetch_free(ctx->prefetch->style);
        templates_preload_free(ctx->prefetch->tpl);
        pthread_cond_destroy(&ctx->prefetch->done);
        pthread_mutex_destroy(&ctx->prefetch->mu);
        free(ctx->prefetch);
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

/* ------------------------------------------------------------------ */
/* Prefetching on a second thread                                      */
/* ------------------------------------------------------------------ */

/* set on the prefetch thread: it never waits for itself */
static _Thread_local int on_prefetch_thread;

static void stage_over(struct bx_prefetch *pf, int stage)
{
    pthread_mutex_lock(&pf->mu);
    pf->pending &= ~stage;
    pthread_cond_broadcast(&pf->done);
    pthread_mutex_unlock(&pf->mu);
}

/* Whether the sheet is still wanted: then its compilation has begun. */
static int start_sheet(struct bx_prefetch *pf)
{
    int go;

    pthread_mutex_lock(&pf->mu);
    go = pf->sheet != NULL;
    pf->sheet_started = go;
    pthread_mutex_unlock(&pf->mu);
    return go;
}

/*
 * What bx_context_prefetch() started: each stage keeps what it loaded
 * only when it loaded cleanly, and says nothing.  The stylesheet stage
 * takes no lock of the context: whoever needs the stylesheet may wait
 * for it holding one (context_prefetch_take_sheet()).
 */
/* The sheet stage, on whichever thread runs it; 'nomem' 1: do not
 * compile, memory ran out preparing it. */
static void sheet_stage(struct bx_context *ctx, struct bx_prefetch *pf,
                        int nomem)
{
    void *style = NULL;

    if (nomem == 0 && start_sheet(pf)) {
        style = datafiles_prefetch_compile(ctx, pf->sheet, &nomem);
    }
    pthread_mutex_lock(&pf->mu);
    pf->style = style;
    pf->sheet_nomem = nomem;
    pthread_mutex_unlock(&pf->mu);
    stage_over(pf, BX_PREFETCH_SHEET);
}

/* Whether the templates thread runs (once bx_context_prefetch() has
 * said whether it started); it then also runs the sheet stage. */
static int templates_thread_runs(struct bx_prefetch *pf)
{
    int on;

    pthread_mutex_lock(&pf->mu);
    while (!pf->tpl_decided) {
        pthread_cond_wait(&pf->done, &pf->mu);
    }
    on = pf->tpl_started;
    pthread_mutex_unlock(&pf->mu);
    return on;
}

/* The template registry, opened taking no lock of the context (the
 * build's index checked and the reference template parsed, else every
 * template loaded: templates_preload()), handed over to templates_open()
 * or templates_load() (context_prefetch_take_templates()). */
static void templates_stage(struct bx_context *ctx, struct bx_prefetch *pf)
{
    void *tpl = templates_preload(ctx);

    pthread_mutex_lock(&pf->mu);
    pf->tpl = tpl;
    pf->pending &= ~BX_PREFETCH_TEMPLATES;
    pthread_cond_broadcast(&pf->done);
    pthread_mutex_unlock(&pf->mu);
}

static void *prefetch_main(void *arg)
{
    struct bx_context *ctx = arg;
    struct bx_prefetch *pf = ctx->prefetch;
    const char *sheet;
    int nomem = 0;

    on_prefetch_thread = 1;
    xmlio_thread_init();
    if (pf->rules && !templates_thread_runs(pf)) {
        /* first: the calling thread needs it at its schema validation */
        templates_stage(ctx, pf);
    }
    if (pf->rules) {
        rules_prefetch(ctx);
    }
    if (templates_thread_runs(pf)) {
        stage_over(pf, BX_PREFETCH_RULES); /* the sheet is done there */
        return NULL;
    }
    /* still free to take the context's lock: nobody waits for the sheet
     * before it has started */
    pthread_mutex_lock(&pf->mu);
    sheet = pf->sheet;
    pthread_mutex_unlock(&pf->mu);
    if (sheet != NULL && datafiles_prefetch_prepare(ctx) != BX_OK) {
        nomem = 1; /* said where the sheet is needed */
    }
    stage_over(pf, BX_PREFETCH_RULES);
    sheet_stage(ctx, pf, nomem);
    return NULL;
}

/*
 * The templates thread (rules and a stylesheet asked for): the registry,
 * loaded while the rules thread parses and compiles the rule file and
 * the calling thread compiles the schema and reads the input; then the
 * stylesheet (prepared by bx_context_prefetch()), ready while the rules
 * are evaluated instead of after them.  It never takes the context's
 * lock: whoever waits for the registry or the sheet may hold it.
 */
static void *templates_main(void *arg)
{
    struct bx_context *ctx = arg;
    struct bx_prefetch *pf = ctx->prefetch;
    int prepared;

    on_prefetch_thread = 1;
    xmlio_thread_init();
    templates_stage(ctx, pf);
    pthread_mutex_lock(&pf->mu);
    prepared = pf->sheet_prepared;
    pthread_mutex_unlock(&pf->mu);
    sheet_stage(ctx, pf, prepared < 0);
    return NULL;
}

void context_prefetch_wait_templates(struct bx_context *ctx)
{
    struct bx_prefetch *pf = ctx->prefetch;

    if (pf == NULL) {
        return;
    }
    pthread_mutex_lock(&pf->mu);
    while ((pf->pending & BX_PREFETCH_TEMPLATES) != 0) {
        pthread_cond_wait(&pf->done, &pf->mu);
    }
    pthread_mutex_unlock(&pf->mu);
}

void *context_prefetch_take_templates(struct bx_context *ctx)
{
    struct bx_prefetch *pf = ctx->prefetch;
    void *tpl;

    if (pf == NULL) {
        return NULL;
    }
    context_prefetch_wait_templates(ctx);
    pthread_mutex_lock(&pf->mu);
    tpl = pf->tpl;
    pf->tpl = NULL;
    pthread_mutex_unlock(&pf->mu);
    return tpl;
}

void *context_prefetch_take_sheet(struct bx_context *ctx, const char *rel,
                                  int *nomem)
{
    struct bx_prefetch *pf = ctx->prefetch;
    void *style = NULL;

    *nomem = 0;
    if (pf == NULL || on_prefetch_thread) {
        return NULL;
    }
    pthread_mutex_lock(&pf->mu);
    if (pf->sheet != NULL && strcmp(pf->sheet, rel) == 0) {
        if (!pf->sheet_started) {
            pf->sheet = NULL; /* too late: the caller compiles it */
        }
        while (pf->sheet_started && (pf->pending & BX_PREFETCH_SHEET) != 0) {
            pthread_cond_wait(&pf->done, &pf->mu);
        }
        style = pf->style;
        pf->style = NULL;
        *nomem = pf->sheet_nomem;
        pf->sheet_nomem = 0;
        pf->sheet = NULL; /* taken: asked again, it is compiled there */
    }
    pthread_mutex_unlock(&pf->mu);
    return style;
}

int bx_context_prefetch(struct bx_context *ctx, int rules, const char *format)
{
    struct bx_prefetch *pf;
    int want_tpl_thread;

    if (ctx == NULL) {
        return BX_E_ARG;
    }
    if (ctx->prefetch != NULL) {
        return BX_E_STATE;
    }
    pf = calloc(1, sizeof(*pf));
    if (pf == NULL) {
        return BX_OK; /* a hint: nothing prefetched */
    }
    pf->rules = rules && !ctx->opts.no_rules;
    pf->sheet = format != NULL ? transform_sheet_file(format) : NULL;
    pf->pending = BX_PREFETCH_RULES | BX_PREFETCH_SHEET;
    if ((!pf->rules && pf->sheet == NULL) ||
        pthread_mutex_init(&pf->mu, NULL) != 0) {
        free(pf);
        return BX_OK;
    }
    if (pthread_cond_init(&pf->done, NULL) != 0) {
        pthread_mutex_destroy(&pf->mu);
        free(pf);
        return BX_OK;
    }
    /*
     * With rules, the registry is loaded taking no lock of the context
     * (TEMPLATES): on a third thread when a stylesheet is asked for too
     * and there is a third core for it (the thread then compiles the
     * stylesheet, so that it is ready before the rules are evaluated),
     * else first on the rules thread (a third thread measured about 1 ms
     * more CPU for a validate and no less wall).  On two cores three
     * threads only share them: one document's convert --to html took
     * 0.92-0.94 the wall time with two (interleaved pairs, medians).
     */
    want_tpl_thread =
        pf->rules && pf->sheet != NULL && bx_batch_default_jobs() >= 3;
    if (pf->rules) {
        pf->pending |= BX_PREFETCH_TEMPLATES;
    }
    if (want_tpl_thread) {
        /* the templates thread may not take the context's lock: the
         * sheet's state is made here */
        pf->sheet_prepared = datafiles_prefetch_prepare(ctx) == BX_OK ? 1 : -1;
    } else {
        pf->tpl_decided = 1;
    }
    ctx->prefetch = pf;
    if (pthread_create(&pf->thread, NULL, prefetch_main, ctx) != 0) {
        ctx->prefetch = NULL;
        pthread_cond_destroy(&pf->done);
        pthread_mutex_destroy(&pf->mu);
        free(pf);
        return BX_OK;
    }
    if (want_tpl_thread) {
        /* not started: the rules thread runs both stages */
        int started =
            pthread_create(&pf->tpl_thread, NULL, templates_main, ctx) == 0;

        pthread_mutex_lock(&pf->mu);
        pf->tpl_started = started;
        pf->tpl_decided = 1;
        pthread_cond_broadcast(&pf->done);
        pthread_mutex_unlock(&pf->mu);
    }
    return BX_OK;
}

void context_prefetch_wait(struct bx_context *ctx, int stage)
{
    struct bx_prefetch *pf = ctx->prefetch;

    if (pf == NULL || on_prefetch_thread) {
        return;
    }
    pthread_mutex_lock(&pf->mu);
    while ((pf->pending & stage) != 0) {
        pthread_cond_wait(&pf->done, &pf->mu);
    }
    pthread_mutex_unlock(&pf->mu);
}

void bx_context_wait(struct bx_context *ctx)
{
    struct bx_prefetch *pf = ctx != NULL ? ctx->prefetch : NULL;
    int join;
    int join_tpl;

    if (pf == NULL || on_prefetch_thread) {
        return;
    }
    pthread_mutex_lock(&pf->mu);
    join = !pf->joined;
    pf->joined = 1;
    join_tpl = join && pf->tpl_started;
    pthread_mutex_unlock(&pf->mu);
    if (join) {
        pthread_join(pf->thread, NULL);
        if (join_tpl) {
            pthread_join(pf->tpl_thread, NULL);
        }
    } else {
        context_prefetch_wait(ctx, BX_PREFETCH_RULES | BX_PREFETCH_SHEET);
        context_prefetch_wait_templates(ctx);
    }
}
