/*
 * Batch options shared by validate, convert and bundle, and the progress
 * line.  Inputs are gathered by the library (bx_inputs_*); this file
 * only parses options and draws on stderr.
 */
#define _POSIX_C_SOURCE 200809L

#include "cli_batch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_parse_format(const char *s, enum bx_report_format *out)
{
    static const char *const names[] = {"text", "json", "xml", "html", "jsonl"};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum bx_report_format)i;
            return 0;
        }
    }
    return -1;
}

void cli_batch_init(struct cli_batch *b)
{
    memset(b, 0, sizeof(*b));
    bx_inputs_init(&b->inputs);
    b->progress = -1;
}

void cli_batch_release(struct cli_batch *b)
{
    bx_inputs_release(&b->inputs);
}

static int parse_shard(struct cli_parser *p, struct cli_batch *b,
                       const char *arg)
{
    unsigned long i;
    unsigned long n;
    char *end;

    errno = 0;
    i = strtoul(arg, &end, 10);
    if (end == arg || *end != '/' || arg[0] == '-') {
        return cli_fail(p, "invalid shard (I/N, 0 <= I < N)", arg);
    }
    n = strtoul(end + 1, &end, 10);
    if (errno != 0 || *end != '\0' || n == 0 || i >= n) {
        return cli_fail(p, "invalid shard (I/N, 0 <= I < N)", arg);
    }
    b->shard_index = i;
    b->shard_count = n;
    return 1;
}

static int parse_jobs(struct cli_parser *p, struct cli_batch *b,
                      const char *arg)
{
    unsigned long v;
    char *end;

    errno = 0;
    v = strtoul(arg, &end, 10);
    if (errno != 0 || *end != '\0' || arg[0] == '-' || v == 0 || v > 256) {
        return cli_fail(p, "invalid number of jobs (1-256)", arg);
    }
    b->jobs = (unsigned)v;
    return 1;
}

int cli_batch_option(struct cli_parser *p, struct cli_batch *b, int id,
                     const char *arg)
{
    switch (id) {
    case CLI_OPT_JOBS:
        return parse_jobs(p, b, arg);
    case CLI_OPT_GLOB:
        if (b->nglobs == CLI_MAX_GLOBS) {
            return cli_fail(p, "too many --include-glob patterns", arg);
        }
        b->globs[b->nglobs++] = arg;
        return 1;
    case CLI_OPT_FILES_FROM:
        b->files_from = arg;
        return 1;
    case CLI_OPT_NUL:
        b->nul = 1;
        return 1;
    case CLI_OPT_SHARD:
        return parse_shard(p, b, arg);
    case CLI_OPT_UNORDERED:
        b->unordered = 1;
        return 1;
    case CLI_OPT_PROGRESS:
        b->progress = 1;
        return 1;
    case CLI_OPT_NO_PROGRESS:
        b->progress = 0;
        return 1;
    default:
        return 0;
    }
}

int cli_batch_inputs(struct cli_batch *b, const char *cmd, char **files,
                     int nfiles, enum bx_lang lang)
{
    struct bx_diags diags;
    int rc = BX_OK;
    int i;

    bx_diags_init(&diags);
    for (i = 0; rc == BX_OK && i < nfiles; i++) {
        rc = bx_inputs_add(&b->inputs, files[i], b->globs, b->nglobs, &diags);
    }
    if (rc == BX_OK && b->files_from != NULL) {
        rc = bx_inputs_add_list(&b->inputs, b->files_from, b->nul, b->globs,
                                b->nglobs, &diags);
    }
    if (rc == BX_OK && b->inputs.count == 0 && (nfiles > 0 || b->files_from)) {
        fprintf(stderr, "budgetx %s: %s\n", cmd,
                lang == BX_LANG_ZH ? "没有找到输入文件"
                                   : "no input file found");
        bx_diags_release(&diags);
        return BX_EXIT_IO;
    }
    if (rc == BX_OK && b->shard_count > 0) {
        /* the whole list first: summary tells shards of other lists */
        b->shard.index = b->shard_index;
        b->shard.count = b->shard_count;
        b->shard.inputs = b->inputs.count;
        rc = bx_inputs_digest(&b->inputs, b->shard.list);
        if (rc == BX_OK) {
            rc = bx_inputs_shard(&b->inputs, b->shard_index, b->shard_count);
        }
    }
    cli_print_diags(stderr, &diags, lang);
    bx_diags_release(&diags);
    if (rc != BX_OK) {
        if (rc == BX_E_NOMEM || rc == BX_E_INTERNAL) {
            cli_internal_error(cmd, NULL, rc);
            return BX_EXIT_INTERNAL;
        }
        return BX_EXIT_IO;
    }
    if (nfiles == 0 && b->files_from == NULL) {
        return cli_usage_error(cmd, "no input files", NULL);
    }
    if (b->inputs.count > 1) {
        /* before the context: its prefetch threads' arenas too */
        cli_heap_batch();
    }
    return BX_EXIT_OK;
}

int cli_batch_run(const struct cli_batch *b, struct cli_progress *p,
                  int unordered, void *(*work)(void *user, size_t index),
                  int (*done)(void *user, size_t index, void *result),
                  void *user)
{
    struct bx_batch run;
    int rc;

    memset(&run, 0, sizeof(run));
    run.count = b->inputs.count;
    run.jobs = b->jobs;
    run.unordered = unordered;
    run.work = work;
    run.done = done;
    run.user = user;
    cli_progress_start(p, b->progress, b->inputs.count);
    rc = bx_batch_run(&run);
    cli_progress_end(p);
    return rc;
}

/* ---------------------------------------------------------------- */
/* Progress                                                          */
/* ---------------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) +
           (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

void cli_progress_start(struct cli_progress *p, int mode, size_t total)
{
    memset(p, 0, sizeof(*p));
    p->on = mode < 0 ? isatty(STDERR_FILENO) : mode;
    p->total = total;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
}

static void draw(struct cli_progress *p, double t)
{
    double rate = t > 0 ? (double)p->done / t : 0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0;
    unsigned long e = (unsigned long)(eta + 0.5);

    fprintf(stderr,
            "\rbudgetx: %zu/%zu files, %.1f/s, ETA %lu:%02lu:%02lu, %zu "
            "rejected ",
            p->done, p->total, rate, e / 3600, e / 60 % 60, e % 60,
            p->rejected);
    fflush(stderr);
    p->last = t;
}

void cli_progress_step(struct cli_progress *p, int rejected)
{
    double t;

    p->done++;
    p->rejected += rejected != 0;
    if (!p->on) {
        return;
    }
    t = seconds_since(&p->start);
    if (t - p->last >= 0.2 || p->done == p->total) {
        draw(p, t);
    }
}

void cli_progress_end(struct cli_progress *p)
{
    if (p->on) {
        draw(p, seconds_since(&p->start));
        fputc('\n', stderr);
    }
}
