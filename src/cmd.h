/* The CLI's subcommands: each returns an enum bx_exit code. */
#ifndef BX_CMD_H
#define BX_CMD_H

int cmd_validate(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_formats(int argc, char **argv);
int cmd_bundle(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_unpack(int argc, char **argv);
int cmd_summary(int argc, char **argv);

#endif /* BX_CMD_H */
