/*
 * Internal types shared by the library's modules: the context (what is
 * compiled once per run) and the submission (one parsed input).  Not
 * installed; the CLI never includes it.
 */
#ifndef BX_INTERNAL_H
#define BX_INTERNAL_H

#include <pthread.h>

#include <libxml/tree.h>

#include "budgetx.h"

/*
 * A slot for state a module compiles once per run and keeps in the
 * context (rule sets, stylesheets).  The module fills 'ptr' and 'release';
 * bx_context_free() calls release(ptr) when both are set.
 */
struct bx_slot {
    void *ptr;
    void (*release)(void *ptr);
};

struct bx_context {
    char *data_dir;
    struct bx_options opts;
    void *schema;             /* xmlSchemaPtr, owned by validate.c */
    void *schema_doc;         /* xmlDocPtr of the XSD, for labels */
    struct bx_slot rules;     /* owned by rules.c */
    struct bx_slot transform; /* owned by transform.c */
    struct bx_slot package;   /* owned by package.c */
    struct bx_slot datafiles; /* compiled schemas, stylesheets: datafiles.c */
    struct bx_slot templates; /* owned by templates.c */
    pthread_mutex_t lock;     /* guards the slots' lazy compilation */
    struct bx_prefetch *prefetch; /* bx_context_prefetch(), context.c */
    int read_as_parsed; /* bx_context_read_as_parsed(), parse.c */
};

struct bx_submission {
    char *path;           /* as given; "-" is shown as "<stdin>" */
    unsigned char *bytes; /* bytes read (after gunzip), NUL-terminated */
    size_t len;
    char sha256[65];
    xmlDocPtr doc;
    int schema_valid;  /* -1 not yet, 0 no, 1 yes */
    int rules_checked; /* 1 once rules ran */
};

/*
 * Hold 'ctx' while compiling something into it on first use (a rule set,
 * a stylesheet): threads share one context, and everything compiled into
 * it is read-only once published.  Recursive: a compile may need another.
 */
void context_lock(struct bx_context *ctx);
void context_unlock(struct bx_context *ctx);

/*
 * The stages of bx_context_prefetch()'s threads.  With rules and a
 * format: the rules thread loads the rule set (RULES); the templates
 * thread loads the registry (TEMPLATES) and then compiles the stylesheet
 * (SHEET).  Otherwise (or when the templates thread could not start) one
 * thread runs TEMPLATES (with rules), RULES and SHEET, in that order.
 */
enum {
    BX_PREFETCH_RULES = 1,    /* the newest rule set */
    BX_PREFETCH_SHEET = 2,    /* the stylesheet of the format asked for */
    BX_PREFETCH_TEMPLATES = 4 /* the template registry */
};

/*
 * The template registry that bx_context_prefetch()'s templates thread
 * loaded (templates_preload()), waiting for that thread first: the
 * caller owns it (templates.c adopts it), or NULL when there is none
 * (no such thread, already taken, or it did not load cleanly).  The
 * templates thread never takes the context's lock, so this may be called
 * holding it.  context_prefetch_wait_templates() only waits (call it
 * before taking the lock, so that nobody waits behind the holder).
 */
void *context_prefetch_take_templates(struct bx_context *ctx);
void context_prefetch_wait_templates(struct bx_context *ctx);

/*
 * Wait until the prefetch thread of 'ctx' is past 'stage' (at once when
 * there is none, or when called from that thread itself).  Whoever is
 * about to load what a stage prepares calls this first, not holding the
 * context's lock, so that it is loaded once.
 */
void context_prefetch_wait(struct bx_context *ctx, int stage);

/*
 * The stylesheet 'rel' as the prefetch thread compiled it (an
 * xsltStylesheetPtr), moved to the caller; NULL when it has none (then
 * the caller compiles it).  '*nomem' is 1 when memory ran out while it
 * was compiled (the caller says so, as if it had compiled it).  Waits
 * for a compilation under way, which takes no lock of the context; one
 * not yet begun is called off.
 */
void *context_prefetch_take_sheet(struct bx_context *ctx, const char *rel,
                                  int *nomem);

/* Build "<data_dir>/<rel>".  Caller frees.  NULL on ENOMEM. */
char *context_path(const struct bx_context *ctx, const char *rel);

/* Apply the context's findings caps (struct bx_options) to 'diags'. */
void context_set_caps(const struct bx_context *ctx, struct bx_diags *diags);

#endif /* BX_INTERNAL_H */
