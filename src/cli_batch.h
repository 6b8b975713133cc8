/*
 * The batch options the CLI's validate, convert and bundle share (inputs
 * from directories and lists, shards, jobs, progress) and the progress
 * line.  CLI side only: the library's batch.c does the work.
 */
#ifndef BX_CLI_BATCH_H
#define BX_CLI_BATCH_H

#include <stddef.h>
#include <time.h>

#include "budgetx.h"
#include "cli.h"

/* Option ids of the batch options (see struct cli_option). */
enum cli_batch_opt {
    CLI_OPT_JOBS = 1100,
    CLI_OPT_GLOB,
    CLI_OPT_FILES_FROM,
    CLI_OPT_NUL,
    CLI_OPT_SHARD,
    CLI_OPT_UNORDERED,
    CLI_OPT_PROGRESS,
    CLI_OPT_NO_PROGRESS
};

/*
 * The table entries of the batch options, for validate, convert, bundle.
 * (clang-format would put every field on a line of its own.)
 */
/* clang-format off */
#define CLI_ENTRIES_BATCH                                                      \
    {CLI_OPT_JOBS, 'j', "jobs", "N", NULL,                                     \
     "worker threads (default: one per core); the\n"                           \
     "output is the same whatever N",                                          \
     "工作线程数（默认每个处理器核一个）；\n输出与 N 无关"},                   \
    {CLI_OPT_GLOB, 0, "include-glob", "GLOB", NULL,                            \
     "files a directory contributes (repeatable;\n"                            \
     "default *.xml and *.xml.gz); directories\n"                              \
     "are walked recursively, in name order",                                  \
     "目录中参与处理的文件（可重复；默认\n"                                   \
     "*.xml 与 *.xml.gz）；目录按名称顺序递归遍历"},                           \
    {CLI_OPT_FILES_FROM, 0, "files-from", "FILE", "@file",                     \
     "read input paths from FILE ('-': standard\ninput), one a line",          \
     "从 FILE 读入输入路径（“-”为标准输入），\n每行一个"},                    \
    {CLI_OPT_NUL, '0', "null", NULL, NULL,                                     \
     "--files-from paths are NUL-separated",                                   \
     "--files-from 的路径以 NUL 分隔"},                                        \
    {CLI_OPT_SHARD, 0, "shard", "I/N", NULL,                                   \
     "only inputs I, I+N, I+2N ... of the list\n"                              \
     "(0 <= I < N): shard I of N",                                             \
     "只处理列表中第 I、I+N、I+2N…… 个输入\n"                                 \
     "（0 <= I < N）：N 份中的第 I 份"},                                       \
    {CLI_OPT_UNORDERED, 0, "unordered", NULL, NULL,                            \
     "jsonl lines in completion order, not input\norder",                      \
     "jsonl 各行按完成顺序而非输入顺序输出"},                                  \
    {CLI_OPT_PROGRESS, 0, "progress", NULL, NULL,                              \
     "progress line on stderr (default: only when\n"                           \
     "stderr is a terminal)",                                                  \
     "在标准错误上显示进度行（默认：仅当\n标准错误是终端时）"},               \
    {CLI_OPT_NO_PROGRESS, 0, "no-progress", NULL, NULL, "no progress line",    \
     "不显示进度行"}
/* clang-format on */

#define CLI_MAX_GLOBS 32

struct cli_batch {
    struct bx_inputs inputs;
    const char *globs[CLI_MAX_GLOBS];
    size_t nglobs;
    const char *files_from;
    int nul;
    size_t shard_index;
    size_t shard_count; /* 0: no --shard */
    struct bx_shard shard; /* with --shard, once the inputs are gathered */
    unsigned jobs;      /* 0: one per core */
    int unordered;
    int progress; /* -1: when stderr is a terminal, 0 never, 1 always */
};

/* Parse a report format: text, json, xml, html, jsonl.  0 or -1. */
int cli_parse_format(const char *s, enum bx_report_format *out);

void cli_batch_init(struct cli_batch *b);
void cli_batch_release(struct cli_batch *b);

/*
 * Handle option 'id' with argument 'arg': 1 when it was a batch option,
 * 0 when it is not one, CLI_EXIT after a usage error (cli_fail()).
 */
int cli_batch_option(struct cli_parser *p, struct cli_batch *b, int id,
                     const char *arg);

/*
 * Gather the inputs: 'files' (directories walked), then --files-from,
 * then --shard (b->shard records it and the whole list's digest first).
 * Prints problems to stderr.  Returns BX_EXIT_OK,
 * BX_EXIT_USAGE (no input at all) or BX_EXIT_IO.
 */
int cli_batch_inputs(struct cli_batch *b, const char *cmd, char **files,
                     int nfiles, enum bx_lang lang);

struct cli_progress;

/*
 * Run work/done (see struct bx_batch) over every input of 'b' with its
 * --jobs, drawing the progress line 'p' around the run (done() calls
 * cli_progress_step()).  Returns what bx_batch_run() returns.
 */
int cli_batch_run(const struct cli_batch *b, struct cli_progress *p,
                  int unordered, void *(*work)(void *user, size_t index),
                  int (*done)(void *user, size_t index, void *result),
                  void *user);

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
