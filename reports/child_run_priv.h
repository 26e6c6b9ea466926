/* Running a helper program as a child process (reports/child_run.c): the PDF's plot drawer and qpdf. */
#ifndef LC_REPORTS_CHILD_RUN_PRIV_H
#define LC_REPORTS_CHILD_RUN_PRIV_H

#include <stddef.h>

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

#endif
