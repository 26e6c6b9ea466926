list(APPEND LC_CLI_SOURCES cli/cmd_sor.c cli/cmd_sor_compare.c)
