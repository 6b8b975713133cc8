/*
 * budgetx: the command-line client of libbudgetx.  A dispatch table maps
 * each subcommand to its cmd_<name>() in src/cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#include "budgetx.h"
#include "cmd.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

/* commands: one line each, in the order --help lists them */
static const struct command commands[] = {
    {"validate", cmd_validate,
     "check submissions against the schema and "
     "the business rules"},
    {"convert", cmd_convert, "convert to html, csv, json, platform and back"},
    {"formats", cmd_formats, "list the formats of convert"},
    {"bundle", cmd_bundle,
     "package validated submissions into a zip for upload"},
    {"verify", cmd_verify, "check received bundles, re-validate submissions"},
    {"unpack", cmd_unpack, "extract a verified bundle into a directory"},
    {"summary", cmd_summary, "merge the jsonl reports of shards into one"},
};

static void usage(FILE *fp)
{
    size_t i;

    fprintf(fp, "usage: budgetx <command> [options] [files]\n"
                "       budgetx --help | --version\n\n"
                "budgetx validates, transforms and packages government "
                "budget disclosures.\n\ncommands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(fp, "\n'budgetx <command> --help' describes a command.\n\n"
                "exit codes:\n"
                "  0  success: every input valid / the operation done\n"
                "  1  some input invalid or rejected\n"
                "  2  usage error\n"
                "  3  an input unreadable, not XML or not a bundle\n"
                "  4  internal error (broken data files, out of memory)\n");
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return BX_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return BX_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("budgetx %s\n", BX_VERSION);
        return BX_EXIT_OK;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].name) == 0) {
            return commands[i].run(argc - 1, argv + 1);
        }
    }
    fprintf(stderr,
            "budgetx: unknown command '%s'\n"
            "Try 'budgetx --help' for the list of commands.\n",
            argv[1]);
    return BX_EXIT_USAGE;
}
