list(APPEND LC_CLI_SOURCES cli/cmd_scpi.c)
