/*
 * The batch options the CLI's validate, convert and bundle share (inputs
 * from directories and lists, shards, jobs, progress) and the progress
 * line.  CLI side only: the library's batch.c does the work.
 */
#ifndef BX_CLI_BATCH_H
#define BX_CLI_BATCH_H

#include <getopt.h>
#include <stddef.h>
#include <time.h>

#include "budgetx.h"

/* getopt_long codes of the batch options (outside the char range). */
enum {
    CLI_BATCH_JOBS = 'j',
    CLI_BATCH_NUL = '0',
    CLI_BATCH_GLOB = 0x1000,
    CLI_BATCH_FILES_FROM,
    CLI_BATCH_SHARD,
    CLI_BATCH_UNORDERED,
    CLI_BATCH_PROGRESS,
    CLI_BATCH_NO_PROGRESS
};

/* Entries for a command's struct option table (--include-glob etc.). */
#define CLI_BATCH_LONGOPTS                                                     \
    {"jobs", required_argument, NULL, CLI_BATCH_JOBS},                         \
        {"include-glob", required_argument, NULL, CLI_BATCH_GLOB},             \
        {"files-from", required_argument, NULL, CLI_BATCH_FILES_FROM},         \
        {"null", no_argument, NULL, CLI_BATCH_NUL},                            \
        {"shard", required_argument, NULL, CLI_BATCH_SHARD},                   \
        {"unordered", no_argument, NULL, CLI_BATCH_UNORDERED},                 \
        {"progress", no_argument, NULL, CLI_BATCH_PROGRESS},                   \
    {                                                                          \
        "no-progress", no_argument, NULL, CLI_BATCH_NO_PROGRESS                \
    }

/* Short options: "j:0". */
#define CLI_BATCH_SHORTOPTS "j:0"

/* The help text of the batch options (one block, for every command). */
extern const char cli_batch_help[];

#define CLI_MAX_GLOBS 32

struct cli_batch {
    struct bx_inputs inputs;
    const char *globs[CLI_MAX_GLOBS];
    size_t nglobs;
    const char *files_from;
    int nul;
    size_t shard_index;
    size_t shard_count; /* 0: no --shard */
    unsigned jobs;      /* 0: one per core */
    int unordered;
    int progress; /* -1: when stderr is a terminal, 0 never, 1 always */
};

/* Parse a report format: text, json, xml, html, jsonl.  0 or -1. */
int cli_parse_format(const char *s, enum bx_report_format *out);

void cli_batch_init(struct cli_batch *b);
void cli_batch_release(struct cli_batch *b);

/*
 * Handle option 'c' with argument 'arg' of command 'cmd'.  Returns 1 when
 * it was a batch option, 0 when it is not one, or the exit code of a
 * usage error (already printed) as a negative number: -BX_EXIT_USAGE.
 */
int cli_batch_option(struct cli_batch *b, const char *cmd, int c,
                     const char *arg);

/*
 * Gather the inputs: 'files' (directories walked), then --files-from,
 * then --shard.  Prints problems to stderr.  Returns BX_EXIT_OK,
 * BX_EXIT_USAGE (no input at all) or BX_EXIT_IO.
 */
int cli_batch_inputs(struct cli_batch *b, const char *cmd, char **files,
                     int nfiles, enum bx_lang lang);

/* The progress line on stderr: done/total, rate, ETA, rejected so far. */
struct cli_progress {
    int on;
    size_t total;
    size_t done;
    size_t rejected;
    struct timespec start;
    double last; /* seconds since start of the last line drawn */
};

void cli_progress_start(struct cli_progress *p, int mode, size_t total);
void cli_progress_step(struct cli_progress *p, int rejected);
void cli_progress_end(struct cli_progress *p);

#endif /* BX_CLI_BATCH_H */
