/* The CLI's subcommands: each returns an enum bx_exit code. */
#ifndef BX_CMD_H
#define BX_CMD_H

int cmd_validate(int argc, char **argv);

#endif /* BX_CMD_H */
