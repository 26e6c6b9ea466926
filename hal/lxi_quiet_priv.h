/*
 * liblxi 1.18 prints its errors with fprintf(stderr, "Error: ...") from inside the library (error_printf in
 * its src/error.h), e.g. "Error: Read error (timeout)" on every VXI-11 read that times out. A library must
 * not print, so the first use of liblxi replaces the process's `stderr` FILE by a forwarding stream
 * (fopencookie, unbuffered): text written by a thread that is inside a liblxi call (between
 * lc_lxi_capture_begin/end) is captured for that thread (it becomes our error detail and a debug log
 * line); text from every other thread goes on to the original stderr unchanged.
 *
 * What remains visible: fileno(stderr) returns -1 after the swap (the original stream is still written);
 * set LANECERT_LXI_STDERR=1 in the environment to keep liblxi's own stderr (no swap, liblxi prints).
 * Private to hal/.
 */
#ifndef LC_HAL_LXI_QUIET_PRIV_H
#define LC_HAL_LXI_QUIET_PRIV_H

#include <stddef.h>

/* Install the forwarding stream once (thread-safe, idempotent) and call lxi_init() once. */
void lc_lxi_setup(void);
/* Around every liblxi call: capture this thread's stderr text into buf (NUL-terminated, truncated to cap)
 * and block SIGPIPE (libtirpc writes with write(2); a vanished peer must be an error, not a dead process)
 * until lc_lxi_capture_end, which swallows a SIGPIPE the call raised. */
void lc_lxi_capture_begin(char *buf, size_t cap);
void lc_lxi_capture_end(void);

#endif
