/*
 * Helpers shared by the CLI's subcommands (not part of the library):
 * the declarative option tables and their parser, help, language choice,
 * data directory discovery, opening the context, messages.
 */
#ifndef BX_CLI_H
#define BX_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "budgetx.h"

/*
 * One option of a command.  --help, the man page check and the shell
 * completion all come from these tables.  'values' tells completion what
 * the argument is: a space-separated word list ("text json"), "@file",
 * "@dir", or NULL for free text.  'help_en'/'help_zh' may hold '\n' for
 * more lines.  A table ends with an entry whose long_name is NULL.
 */
struct cli_option {
    int id;                /* what cli_next() returns; > 0, unique */
    char short_name;       /* 'o' for -o, 0 for none */
    const char *long_name; /* "output" for --output */
    const char *arg;       /* "FILE" (shown in help), NULL for a flag */
    const char *values;    /* completion of the argument, see above */
    const char *help_en;
    const char *help_zh;
};

/*
 * One subcommand: its name, one-line summary, usage lines (after
 * "budgetx NAME "; '\n' separates alternatives), a paragraph above the
 * options, the option table and a text below it (exit codes).
 * 'operands' is what completion offers for operands ("@file", "@dir",
 * a word list or NULL).
 */
struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary_en;
    const char *summary_zh;
    const char *usage;
    const char *about_en;
    const char *about_zh;
    const struct cli_option *options;
    const char *epilog_en;
    const char *epilog_zh;
    const char *operands;
};

/* Every command, in the order 'budgetx --help' lists them (src/main.c). */
extern const struct cli_command *const cli_commands[];
extern const size_t cli_ncommands;

/*
 * Option ids shared by several commands (handled by cli_common()); a
 * command's own ids start at CLI_OPT_OWN.  -h/--help and -V/--version
 * are added to every table by the parser.
 */
enum cli_opt_id {
    CLI_OPT_LANG = 1000,
    CLI_OPT_DATA_DIR,
    CLI_OPT_MAX_SIZE,
    CLI_OPT_FAIL_ON,
    CLI_OPT_QUIET,
    CLI_OPT_MIN_SEVERITY,
    CLI_OPT_OWN = 1
};

/* The shared table entries (id, short, long, arg, values, help). */
#define CLI_ENTRY_LANG(en, zh)                                                 \
    {                                                                          \
        CLI_OPT_LANG, 0, "lang", "zh|en", "zh en", en, zh                      \
    }
#define CLI_ENTRY_DATA_DIR                                                     \
    {                                                                          \
        CLI_OPT_DATA_DIR, 0, "data-dir", "DIR", "@dir",                        \
            "where schemas/ and xslt/ are (default:\n$BUDGETX_DATADIR, else "  \
            "next "                                                            \
            "to the program)",                                                 \
            "schemas/ 与 xslt/ "                                              \
            "所在目录（默认：\n$BUDGETX_DATADIR，否则为程序旁"  \
            "的目录）"                                                     \
    }
#define CLI_ENTRY_MAX_SIZE                                                      \
    {                                                                           \
        CLI_OPT_MAX_SIZE, 0, "max-size", "BYTES", NULL,                         \
            "largest input accepted, after gunzip\n(default 67108864)",         \
            "接受的最大输入（解压后字节数，\n默认 67108864）" \
    }
#define CLI_ENTRY_FAIL_ON                                                                \
    {                                                                                    \
        CLI_OPT_FAIL_ON, 0, "fail-on", "SEVERITY", "error warning info",                 \
            "error (default), warning or info: the lowest\nseverity that "               \
            "rejects "                                                                   \
            "a file",                                                                    \
            "error（默认）、warning 或 info：\n使文件不通过的最低级别" \
    }
#define CLI_ENTRY_QUIET                                                        \
    {                                                                          \
        CLI_OPT_QUIET, 'q', "quiet", NULL, NULL,                               \
            "list no findings: the verdict per file and\nthe summary only",    \
            "不列出问题，只输出每个文件的结论和汇总"        \
    }
#define CLI_ENTRY_MIN_SEVERITY                                                         \
    {                                                                                  \
        CLI_OPT_MIN_SEVERITY, 0, "min-severity", "SEVERITY",                           \
            "info warning error",                                                      \
            "list findings of this severity and above:\ninfo (default), "              \
            "warning "                                                                 \
            "or error (display\nonly: verdicts and counts are unchanged)",             \
            "只列出此级别及以上的问题：info（默认）、\nwarning 或 " \
            "error（只影响显示，"                                               \
            "\n结论和计数不变）"                                               \
    }
#define CLI_ENTRY_END                                                          \
    {                                                                          \
        0, 0, NULL, NULL, NULL, NULL, NULL                                     \
    }

/* What the shared options set. */
struct cli_common {
    enum bx_lang lang;
    int lang_set;
    const char *data_dir;
    enum bx_severity fail_on;
    enum bx_severity min_severity;
    int quiet;
    struct bx_options lib;
};

/* Defaults: language from the locale, fail on error, library defaults. */
void cli_common_init(struct cli_common *c);

/* The state of parsing one command line. */
struct cli_parser {
    const struct cli_command *cmd;
    int argc;
    char **argv;
    int next;          /* index of the next element of argv */
    const char *group; /* rest of a group of short options ("-qx") */
    int only_operands; /* after "--" */
    int nfiles;        /* operands, moved to argv[1 .. nfiles] */
    char **files;      /* argv + 1 once cli_next() returned CLI_END */
    int exit_code;     /* set when cli_next() returned CLI_EXIT */
};

enum { CLI_END = 0, CLI_EXIT = -1 };

void cli_parser_init(struct cli_parser *p, const struct cli_command *cmd,
                     int argc, char **argv);

/*
 * The next option: its id (and '*arg' its argument or NULL); CLI_END
 * when the command line is used up (operands in p->files, p->nfiles);
 * CLI_EXIT when the command must stop with p->exit_code: --help and
 * --version were printed (0) or a usage error was (2).  Operands are
 * moved to the front of argv, so argv must be writable (main's is).
 */
int cli_next(struct cli_parser *p, const char **arg);

/*
 * Handle a shared option (CLI_OPT_LANG ...): 1 when done, 0 when 'id' is
 * not a shared one, CLI_EXIT (usage error printed, p->exit_code set).
 */
int cli_common(struct cli_parser *p, int id, const char *arg,
               struct cli_common *c);

/* A command's own option: 0 to go on, or CLI_EXIT (after cli_fail()). */
typedef int (*cli_opt_fn)(struct cli_parser *p, int id, const char *arg,
                          void *data);

/* For a command without options of its own: always 0. */
int cli_no_option(struct cli_parser *p, int id, const char *arg, void *data);

/*
 * Parse the whole command line: shared options into 'c' (may be NULL),
 * the command's own through 'fn' with 'data'.  Returns -1 to go on (the
 * operands in p->files), else the exit code to stop with (help, version
 * or a usage error, already printed).
 */
int cli_parse(struct cli_parser *p, struct cli_common *c, cli_opt_fn fn,
              void *data);

/* A usage error of 'p': message (translated), hint; returns CLI_EXIT. */
int cli_fail(struct cli_parser *p, const char *msg, const char *arg);

/* Print the help of 'cmd' in 'lang' to 'fp'. */
void cli_print_help(FILE *fp, const struct cli_command *cmd, enum bx_lang lang);

/* Print the general help ('budgetx --help') to 'fp'. */
void cli_print_general_help(FILE *fp, enum bx_lang lang);

/* The command named 'name', or NULL. */
const struct cli_command *cli_find_command(const char *name);

/*
 * The closest of 'n' candidates to 'word' by edit distance (a typo, a
 * swapped pair), or NULL when none is close.
 */
const char *cli_closest(const char *word, const char *const *cand, size_t n);

/* Optimal-string-alignment distance of two strings (bytes). */
size_t cli_edit_distance(const char *a, const char *b);

/* zh when LC_ALL / LC_MESSAGES / LANG start with "zh", else en. */
enum bx_lang cli_lang_default(void);

/* The language of the CLI's own messages: the locale's, or --lang. */
enum bx_lang cli_ui_lang(void);
void cli_set_ui_lang(enum bx_lang lang);

/* 'en' in Chinese when the interface language is zh (a small catalog). */
const char *cli_tr(const char *en);

/* strerror(errnum), in Chinese for common errors when the UI is zh. */
const char *cli_strerror(int errnum);

/* Parse "zh" / "en"; returns 0 on success, -1 otherwise. */
int cli_parse_lang(const char *s, enum bx_lang *out);

/* Parse "info" / "warning" / "error"; returns 0 or -1. */
int cli_parse_severity(const char *s, enum bx_severity *out);

/*
 * Open the context.  'data_dir' NULL means: $BUDGETX_DATADIR, else the
 * source tree or install tree next to the executable, else the
 * compiled-in location.  Failures are printed to stderr.
 * Returns BX_EXIT_OK or BX_EXIT_INTERNAL.
 */
int cli_open_context(const char *data_dir, struct bx_options *opts,
                     enum bx_lang lang, struct bx_context **ctx);

/* The same, with bx_context_prefetch(ctx, rules, format) started before
 * the schema is compiled (bx_context_new_prefetch()). */
int cli_open_context_prefetch(const char *data_dir, struct bx_options *opts,
                              enum bx_lang lang, int rules, const char *format,
                              struct bx_context **ctx);

/*
 * The end of a command's context, just before the process exits.  The
 * library frees everything in bx_context_free(); the CLI skips that
 * teardown (about 10 M instructions of free() for the compiled schema,
 * rules and templates) because the process is about to end anyway.  The
 * context stays reachable from a static pointer, so leak checkers do not
 * count it as lost.  It is freed as before when BUDGETX_FREE_AT_EXIT is
 * set and non-empty (valgrind runs), and always in sanitizer builds
 * (make asan, tests/failinject).
 */
void cli_close_context(struct bx_context *ctx);

/*
 * A heap that takes fewer page faults (src/cli_heap.c), for a command
 * that checks one input, 'path', with the prefetch: call before its
 * context is opened.  cli_heap_prepare_for() is its first half (huge
 * pages on the heap: for the set-up and a document of 'doc_bytes');
 * cli_heap_prepare() the same for the set-up only.  None changes any
 * output.
 */
void cli_heap_prepare(void);
void cli_heap_prepare_for(uint64_t doc_bytes);
void cli_heap_one_document(const char *path);
/* The heap of a batch of several inputs: arenas not trimmed after every
 * document (src/cli_heap.c).  Changes no output. */
void cli_heap_batch(void);

/* Print every record of 'diags' to 'fp', one line each. */
void cli_print_diags(FILE *fp, const struct bx_diags *diags, enum bx_lang lang);

/* Usage error: "budgetx CMD: MSG" + a hint line; returns BX_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *msg, const char *arg);

/*
 * Exit code 4 never comes without a word: "budgetx CMD: SUBJECT: what
 * failed" (out of memory, ...) on stderr.  'subject' may be NULL.  A
 * broken data file (BX_E_DATA) has its findings already: nothing printed.
 */
void cli_internal_error(const char *cmd, const char *subject, int status);

/* Write a whole buffer to stdout; 0 or -1. */
int cli_write_stdout(const char *data, size_t len);

/*
 * Non-zero when 'a' and 'b' name the same existing file (same device and
 * inode: "./x", "x" and a hard link of x are all the same file).
 */
int cli_same_file(const char *a, const char *b);

/*
 * Non-zero when the last component of 'path' ends in the extension of a
 * file format (".csv", ".html", ".json", ".xml", ".zip"...): a name for a
 * file, not a directory.
 */
int cli_has_extension(const char *path);

/* Is 'path' the "-" that means standard output / input? */
int cli_is_stdio(const char *path);

#endif /* BX_CLI_H */
