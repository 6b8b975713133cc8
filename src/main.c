/*
 * budgetx: the command-line client of libbudgetx.  A dispatch table maps
 * each subcommand to its table in src/cmd_<name>.c (options, help, run).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "budgetx.h"
#include "cli.h"
#include "cmd.h"

/* commands, in the order --help lists them */
const struct cli_command *const cli_commands[] = {
    &cmd_validate_def, &cmd_convert_def,  &cmd_template_def, &cmd_formats_def,
    &cmd_bundle_def,
    &cmd_verify_def,   &cmd_unpack_def,  &cmd_summary_def, &cmd_help_def,
    &cmd_completion_def, &cmd_templates_def, &cmd_codes_def,
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

/* "unknown command 'valdate' (did you mean 'validate'?)" */
static int unknown_command(const char *name)
{
    const char *cand[sizeof(cli_commands) / sizeof(cli_commands[0])];
    const char *best;
    int zh = cli_ui_lang() == BX_LANG_ZH;
    size_t i;

    for (i = 0; i < cli_ncommands; i++) {
        cand[i] = cli_commands[i]->name;
    }
    best = cli_closest(name, cand, cli_ncommands);
    fprintf(stderr,
            zh ? "budgetx：未知命令“%s”" : "budgetx: unknown command '%s'",
            name);
    if (best != NULL) {
        fprintf(stderr, zh ? "（是不是“%s”？）" : " (did you mean '%s'?)",
                best);
    }
    fputs(zh ? "\n运行“budgetx --help”查看命令列表。\n"
             : "\nTry 'budgetx --help' for the list of commands.\n",
          stderr);
    return BX_EXIT_USAGE;
}

/* budgetx help [COMMAND] */
static int cmd_help(int argc, char **argv)
{
    const struct cli_command *cmd;
    struct cli_parser p;
    int rc;

    cli_parser_init(&p, &cmd_help_def, argc, argv);
    rc = cli_parse(&p, NULL, cli_no_option, NULL);
    if (rc >= 0) {
        return rc;
    }
    if (p.nfiles == 0) {
        cli_print_general_help(stdout, cli_ui_lang());
        return BX_EXIT_OK;
    }
    cmd = cli_find_command(p.files[0]);
    if (cmd == NULL) {
        return unknown_command(p.files[0]);
    }
    if (p.nfiles > 1) {
        return cli_usage_error("help", "unexpected argument", p.files[1]);
    }
    cli_print_help(stdout, cmd, cli_ui_lang());
    return BX_EXIT_OK;
}

static const struct cli_option no_options[] = {CLI_ENTRY_END};

const struct cli_command cmd_help_def = {
    "help",
    cmd_help,
    "describe a command",
    "说明一个命令",
    "[COMMAND]",
    "Describe COMMAND, or list the commands.",
    "说明命令 COMMAND 的用法，或列出全部命令。",
    no_options,
    NULL,
    NULL,
    "validate convert formats bundle verify unpack summary help completion",
};

int main(int argc, char **argv)
{
    const struct cli_command *cmd;
    const char *a = argc > 1 ? argv[1] : NULL;

    /* past 'ulimit -f', write(2) then fails with EFBIG, which every
     * writer reports and cleans up after, instead of a silent kill */
    signal(SIGXFSZ, SIG_IGN);
    if (a == NULL) {
        cli_print_general_help(stderr, cli_ui_lang());
        return BX_EXIT_USAGE;
    }
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        cli_print_general_help(stdout, cli_ui_lang());
        return BX_EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
        printf("budgetx %s\n", BX_VERSION);
        return BX_EXIT_OK;
    }
    cmd = cli_find_command(a);
    if (cmd == NULL) {
        return unknown_command(a);
    }
    return cmd->run(argc - 1, argv + 1);
}
