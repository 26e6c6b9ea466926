#ifndef LC_CLI_COMMANDS_H
#define LC_CLI_COMMANDS_H

#define LC_COMMAND(name, fn, summary) int fn(int argc, char **argv);
#include "cli/commands.def"
#undef LC_COMMAND

#endif
