list(APPEND LC_CLI_SOURCES cli/cmd_discover.c)
