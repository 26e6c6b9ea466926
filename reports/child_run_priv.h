/* Running a helper program as a child process (reports/child_run.c): the PDF's plot drawer and qpdf. */
#ifndef LC_REPORTS_CHILD_RUN_PRIV_H
#define LC_REPORTS_CHILD_RUN_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

/* Runs argv (argv[0] looked up on PATH when it has no '/') with in (in_len bytes) on its stdin and fds[i]
 * as its file descriptor 3 + i, and collects its stdout (at most max_out bytes) into *out (malloc'ed,
 * NUL-terminated, *out_len bytes before the NUL; the caller frees it). what names the program in messages;
 * log_as (may be NULL): the log domain of an info line with its peak RSS as wait4 gives it (the child is
 * forked, so the figure is its own).
 * Returns 0 when it exited 0; LC_ERR_NOT_FOUND when it cannot be started (or exited 127), LC_ERR_TIMEOUT
 * (then it is killed), LC_ERR_OVERFLOW, LC_ERR_IO with the last line of its stderr otherwise; *out is NULL
 * on failure. Thread safety: reentrant (the descriptors it makes are close-on-exec). */
int lc_child_run(const char *const argv[], const char *what, const char *log_as, const int *fds, size_t n_fds, const char *in,
		 size_t in_len, int timeout_ms, size_t max_out, char **out, size_t *out_len, lc_diag *diag);

/* A child kept for many requests (lanecert-render --serve keeps one plot drawer and one gnuplot for all its
 * reports): fd is one end of a socket that is the child's stdin and stdout; err is the read end of a pipe
 * that is its stderr (-1: its stderr is this process's). */
typedef struct lc_kept_child {
	pid_t pid;
	int fd, err;
	char program[PATH_MAX]; /* argv[0], so that a caller can tell the program it keeps */
} lc_kept_child;

/* Starts argv (looked up on PATH when argv[0] has no '/'), forked so that wait4 gives its own peak RSS; with
 * err_pipe its stderr is piped to its err. A program that cannot be run exits 127: the first request finds it
 * gone. Returns the child (malloc'ed, lc_kept_child_end frees it), or NULL (no memory, no descriptors, no fork,
 * argv[0] too long). Thread safety: reentrant (its descriptors are close-on-exec). */
lc_kept_child *lc_kept_child_start(const char *const argv[], bool err_pipe);

/* How a kept child ended: its wait status and its peak RSS as wait4 gives it. */
typedef struct lc_kept_child_exit {
	int status;
	long max_rss_kib;
} lc_kept_child_exit;

/* Ends k: SIGKILL first when kill_it, then the end of its stdin (a well-behaved child exits), reaped, freed. */
lc_kept_child_exit lc_kept_child_end(lc_kept_child *k, bool kill_it);

#endif
