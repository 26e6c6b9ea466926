list(APPEND LC_CLI_SOURCES cli/cmd_module.c)
