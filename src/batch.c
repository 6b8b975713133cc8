/*
 * Batches: the list of inputs of a run (files, directories walked in a
 * fixed order, list files, shards) and a pool of worker threads that
 * hands results back in input order.  It decides nothing about a file:
 * the caller's work and done functions do.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "budgetx.h"
#include "util.h"
#include "util.h"
#include "xmlio.h"

/* Directories nested deeper than this are not walked (a loop, surely). */
#define MAX_WALK_DEPTH 64

static const char *const default_globs[] = {"*.xml", "*.xml.gz"};

void bx_inputs_init(struct bx_inputs *in)
{
    memset(in, 0, sizeof(*in));
}

void bx_inputs_release(struct bx_inputs *in)
{
    size_t i;

    for (i = 0; i < in->count; i++) {
        free(in->paths[i]);
    }
    free(in->paths);
    memset(in, 0, sizeof(*in));
}

/* Append 'path' (taking it); BX_E_NOMEM frees it. */
static int push(struct bx_inputs *in, char *path)
{
    char **grown;
    size_t cap;

    if (path == NULL) {
        return BX_E_NOMEM;
    }
    if (in->count == in->cap) {
        cap = in->cap ? in->cap * 2 : 64;
        grown = realloc(in->paths, cap * sizeof(*grown));
        if (grown == NULL) {
            free(path);
            return BX_E_NOMEM;
        }
        in->paths = grown;
        in->cap = cap;
    }
    in->paths[in->count++] = path;
    return BX_OK;
}

static int matches(const char *name, const char *const *globs, size_t nglobs)
{
    size_t i;

    for (i = 0; i < nglobs; i++) {
        if (fnmatch(globs[i], name, FNM_PERIOD) == 0) {
            return 1;
        }
    }
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dir_error(struct bx_diags *diags, const char *path)
{
    char *safe =
        util_escape_untrusted(strerror(errno), strlen(strerror(errno)), 200);
    struct bx_buf zh;
    struct bx_buf en;

    buf_init(&zh);
    buf_init(&en);
    buf_printf(&zh, "无法读取目录：%s", safe ? safe : "");
    buf_printf(&en, "cannot read directory: %s", safe ? safe : "");
    bx_diags_addf(diags, BX_SEV_FATAL, "INPUT-DIR", path, 0, zh.data, en.data);
    buf_release(&zh);
    buf_release(&en);
    free(safe);
    return BX_E_IO;
}

/* The names in directory 'path', sorted (caller frees each and the array). */
static int list_dir(const char *path, struct bx_diags *diags, char ***out,
                    size_t *n)
{
    struct bx_inputs names;
    struct dirent *e;
    DIR *d = opendir(path);
    int rc = BX_OK;

    *out = NULL;
    *n = 0;
    if (d == NULL) {
        return dir_error(diags, path);
    }
    bx_inputs_init(&names);
    errno = 0;
    while (rc == BX_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue; /* ".", ".." and hidden files and directories */
        }
        rc = push(&names, util_strdup(e->d_name));
    }
    if (rc == BX_OK && errno != 0) {
        rc = dir_error(diags, path);
    }
    closedir(d);
    if (rc != BX_OK) {
        bx_inputs_release(&names);
        return rc;
    }
    if (names.count > 1) {
        qsort(names.paths, names.count, sizeof(*names.paths), cmp_names);
    }
    *out = names.paths;
    *n = names.count;
    return BX_OK;
}

static char *join(const char *dir, const char *name)
{
    struct bx_buf b;
    size_t n = strlen(dir);

    buf_init(&b);
    buf_printf(&b, "%s%s%s", dir, n > 0 && dir[n - 1] == '/' ? "" : "/", name);
    return buf_take(&b, NULL);
}

/*
 * Walk 'dir': files matching the globs in name order, subdirectories
 * (not symbolic links to them: no loops) at their place in that order.
 */
static int walk(struct bx_inputs *in, const char *dir, const char *const *globs,
                size_t nglobs, struct bx_diags *diags, int depth)
{
    struct stat st;
    char **names = NULL;
    char *path;
    size_t n = 0;
    size_t i;
    int rc;

    if (depth > MAX_WALK_DEPTH) {
        errno = ELOOP;
        return dir_error(diags, dir);
    }
    rc = list_dir(dir, diags, &names, &n);
    for (i = 0; rc == BX_OK && i < n; i++) {
        path = join(dir, names[i]);
        if (path == NULL) {
            rc = BX_E_NOMEM;
        } else if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = walk(in, path, globs, nglobs, diags, depth + 1);
        } else if (stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
                   matches(names[i], globs, nglobs)) {
            rc = push(in, path);
            path = NULL;
        }
        free(path);
    }
    for (i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    return rc;
}

int bx_inputs_add(struct bx_inputs *in, const char *path,
                  const char *const *globs, size_t nglobs,
                  struct bx_diags *diags)
{
    struct stat st;

    if (in == NULL || path == NULL || path[0] == '\0') {
        return BX_E_ARG;
    }
    if (globs == NULL || nglobs == 0) {
        globs = default_globs;
        nglobs = sizeof(default_globs) / sizeof(default_globs[0]);
    }
    if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        return walk(in, path, globs, nglobs, diags, 0);
    }
    /* anything else is read as a file, and fails there if it cannot be */
    return push(in, util_strdup(path));
}

/* bx_inputs_add_list()'s arguments, for each entry of the list. */
struct list_add {
    struct bx_inputs *in;
    const char *const *globs;
    size_t nglobs;
    struct bx_diags *diags;
};

static int add_listed(void *user, const char *entry)
{
    struct list_add *a = user;

    return bx_inputs_add(a->in, entry, a->globs, a->nglobs, a->diags);
}

int bx_inputs_add_list(struct bx_inputs *in, const char *list, int nul,
                       const char *const *globs, size_t nglobs,
                       struct bx_diags *diags)
{
    struct list_add a = {in, globs, nglobs, diags};

    return util_read_list(list, nul, add_listed, &a, diags);
}

int bx_inputs_shard(struct bx_inputs *in, size_t index, size_t n)
{
    size_t kept = 0;
    size_t i;

    if (n == 0 || index >= n) {
        return BX_E_ARG;
    }
    for (i = 0; i < in->count; i++) {
        if (i % n == index) {
            in->paths[kept++] = in->paths[i];
        } else {
            free(in->paths[i]);
        }
    }
    in->count = kept;
    return BX_OK;
}

int bx_inputs_digest(const struct bx_inputs *in, char *out)
{
    struct bx_buf b;
    size_t i;
    int rc;

    buf_init(&b);
    for (i = 0; i < in->count; i++) {
        buf_append(&b, in->paths[i], strlen(in->paths[i]) + 1);
    }
    if (b.failed) {
        buf_release(&b);
        return BX_E_NOMEM;
    }
    rc =
        util_digest_hex("sha256", b.data != NULL ? b.data : "", b.len, out, 65);
    buf_release(&b);
    return rc;
}

unsigned bx_batch_default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* ---------------------------------------------------------------- */
/* The worker pool                                                   */
/* ---------------------------------------------------------------- */

enum slot_state { SLOT_EMPTY, SLOT_RUNNING, SLOT_READY };

struct slot {
    enum slot_state state;
    size_t index;
    void *result;
};

struct pool {
    const struct bx_batch *b;
    pthread_mutex_t mu;
    pthread_cond_t can_start; /* a slot was emptied, or stop */
    pthread_cond_t finished;  /* a slot became ready, or a worker left */
    struct slot *slots;
    size_t window;
    size_t next_start;
    size_t next_hand; /* ordered: the next index to hand over */
    size_t handed;
    unsigned running; /* worker threads still in their loop */
    int stop;
};

static void *worker(void *arg)
{
    struct pool *p = arg;
    struct slot *s;
    void *r;
    size_t i;

    xmlio_thread_init();
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->stop && p->next_start < p->b->count &&
               p->slots[p->next_start % p->window].state != SLOT_EMPTY) {
            pthread_cond_wait(&p->can_start, &p->mu);
        }
        if (p->stop || p->next_start >= p->b->count) {
            break;
        }
        i = p->next_start++;
        s = &p->slots[i % p->window];
        s->state = SLOT_RUNNING;
        s->index = i;
        pthread_mutex_unlock(&p->mu);
        r = p->b->work(p->b->user, i);
        pthread_mutex_lock(&p->mu);
        s->result = r;
        s->state = SLOT_READY;
        pthread_cond_signal(&p->finished);
    }
    p->running--;
    pthread_cond_signal(&p->finished);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* A ready slot to hand over now, or NULL (called holding the lock). */
static struct slot *ready_slot(struct pool *p)
{
    struct slot *s;
    size_t i;

    if (!p->b->unordered) {
        s = &p->slots[p->next_hand % p->window];
        return s->state == SLOT_READY && s->index == p->next_hand ? s : NULL;
    }
    for (i = 0; i < p->window; i++) {
        if (p->slots[i].state == SLOT_READY) {
            return &p->slots[i];
        }
    }
    return NULL;
}

/* Hand every result to done() in the caller's thread; the first failure. */
static int hand_over(struct pool *p)
{
    struct slot *s;
    size_t index;
    void *r;
    int first = BX_OK;
    int rc;

    pthread_mutex_lock(&p->mu);
    while (p->handed < p->next_start || p->running > 0) {
        s = ready_slot(p);
        if (s == NULL) {
            pthread_cond_wait(&p->finished, &p->mu);
            continue;
        }
        index = s->index;
        r = s->result;
        s->state = SLOT_EMPTY;
        s->result = NULL;
        p->handed++;
        p->next_hand++;
        pthread_cond_broadcast(&p->can_start);
        pthread_mutex_unlock(&p->mu);
        rc = p->b->done(p->b->user, index, r);
        pthread_mutex_lock(&p->mu);
        if (rc != BX_OK && first == BX_OK) {
            first = rc;
            p->stop = 1; /* start nothing new; finish and hand over the rest */
            pthread_cond_broadcast(&p->can_start);
        }
    }
    pthread_mutex_unlock(&p->mu);
    return first;
}

/* One job: no threads at all, work and done alternate. */
static int run_inline(const struct bx_batch *b)
{
    size_t i;
    int rc;

    for (i = 0; i < b->count; i++) {
        rc = b->done(b->user, i, b->work(b->user, i));
        if (rc != BX_OK) {
            return rc;
        }
    }
    return BX_OK;
}

static int pool_init(struct pool *p, const struct bx_batch *b, unsigned jobs)
{
    memset(p, 0, sizeof(*p));
    p->b = b;
    p->window = b->window ? b->window : 4 * (size_t)jobs;
    if (p->window < jobs) {
        p->window = jobs;
    }
    p->slots = calloc(p->window, sizeof(*p->slots));
    if (p->slots == NULL) {
        return BX_E_NOMEM;
    }
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p->slots);
        return BX_E_INTERNAL;
    }
    pthread_cond_init(&p->can_start, NULL);
    pthread_cond_init(&p->finished, NULL);
    return BX_OK;
}

static void pool_release(struct pool *p)
{
    pthread_cond_destroy(&p->can_start);
    pthread_cond_destroy(&p->finished);
    pthread_mutex_destroy(&p->mu);
    free(p->slots);
}

int bx_batch_run(const struct bx_batch *b)
{
    pthread_t *threads;
    struct pool p;
    unsigned jobs;
    unsigned started = 0;
    unsigned i;
    int rc;

    if (b == NULL || b->work == NULL || b->done == NULL) {
        return BX_E_ARG;
    }
    jobs = b->jobs ? b->jobs : bx_batch_default_jobs();
    if (jobs > b->count) {
        jobs = b->count > 0 ? (unsigned)b->count : 1;
    }
    if (jobs == 1) {
        return run_inline(b);
    }
    threads = calloc(jobs, sizeof(*threads));
    if (threads == NULL || pool_init(&p, b, jobs) != BX_OK) {
        free(threads);
        return BX_E_NOMEM;
    }
    pthread_mutex_lock(&p.mu);
    for (i = 0; i < jobs; i++) {
        if (pthread_create(&threads[i], NULL, worker, &p) != 0) {
            break;
        }
        started++;
        p.running++;
    }
    pthread_mutex_unlock(&p.mu);
    /* fewer threads than asked still finish the run; none cannot */
    rc = started > 0 ? hand_over(&p) : BX_E_INTERNAL;
    for (i = 0; i < started; i++) {
        pthread_join(threads[i], NULL);
    }
    pool_release(&p);
    free(threads);
    return rc;
}
