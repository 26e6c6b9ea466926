/* Helpers of the `lanecert run` command tests (test_run_cli.c, test_run_cli_sim.c). */
#ifndef LC_TESTS_PROCEDURES_RUN_CLI_UTIL_H
#define LC_TESTS_PROCEDURES_RUN_CLI_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* stdout and stderr of the last rc_lc(). */
extern char rc_out[1 << 17];

/* Run `lanecert ARGS` (LC_CLI; ARGS a shell fragment, stdin /dev/null) into rc_out; its exit code. */
int rc_lc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Entries of a folder, not counting . and .. (-1 when it cannot be read). */
int rc_entries(const char *dir);
/* lstat() succeeds: a symlink counts, whatever it points to. */
bool rc_exists(const char *path);
/* The "report" of the result line of a --json run into buf ("" when none). */
void rc_report_of(const char *text, char *buf, size_t cap);

#endif
