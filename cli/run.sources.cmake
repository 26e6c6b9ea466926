list(APPEND LC_CLI_SOURCES cli/cmd_run.c cli/run_output.c cli/run_inputs.c cli/run_abort.c)
