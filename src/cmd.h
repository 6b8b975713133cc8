/* The CLI's subcommands: each table's run() returns an enum bx_exit code. */
#ifndef BX_CMD_H
#define BX_CMD_H

#include "cli.h"

extern const struct cli_command cmd_validate_def;
extern const struct cli_command cmd_convert_def;
extern const struct cli_command cmd_template_def;
extern const struct cli_command cmd_formats_def;
extern const struct cli_command cmd_bundle_def;
extern const struct cli_command cmd_verify_def;
extern const struct cli_command cmd_unpack_def;
extern const struct cli_command cmd_summary_def;
extern const struct cli_command cmd_help_def;
extern const struct cli_command cmd_completion_def;
extern const struct cli_command cmd_templates_def;
extern const struct cli_command cmd_codes_def;

#endif /* BX_CMD_H */
