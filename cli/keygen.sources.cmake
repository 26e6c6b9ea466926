list(APPEND LC_CLI_SOURCES cli/cmd_keygen.c cli/key_password.c)
