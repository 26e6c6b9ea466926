/* Where a secret key's password comes from, for `lanecert keygen` and `lanecert sign`: --password-file FILE
 * (its first line), else the environment variable LANECERT_KEY_PASSWORD (for automation), else a prompt on
 * the controlling terminal without echo. */
#ifndef LC_CLI_KEY_PASSWORD_H
#define LC_CLI_KEY_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

/* 0 and the password in buf, or the exit code after printing why to stderr (77 for a password file that group
 * or others can access, as for a key). confirm: ask twice on a terminal. */
int lc_cli_key_password(const char *cmd, const char *password_file, bool confirm, char *buf, size_t size);

#endif
