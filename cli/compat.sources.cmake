list(APPEND LC_CLI_SOURCES cli/cmd_compat.c)
