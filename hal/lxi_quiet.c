#include "hal/lxi_quiet_priv.h"

#include <lxi.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

static pthread_once_t setup_once = PTHREAD_ONCE_INIT;
static FILE *original_stderr;
static _Thread_local char *cap_buf;
static _Thread_local size_t cap_size, cap_len;
static _Thread_local sigset_t saved_mask;
static _Thread_local bool pipe_was_pending, masked;

static ssize_t forward_write(void *cookie, const char *buf, size_t n)
{
	(void)cookie;
	if (cap_buf) {
		size_t room = cap_size - 1 - cap_len;
		size_t k = n < room ? n : room;
		memcpy(cap_buf + cap_len, buf, k);
		cap_len += k;
		cap_buf[cap_len] = '\0';
		return (ssize_t)n;
	}
	size_t w = fwrite(buf, 1, n, original_stderr);
	return w == 0 && n ? -1 : (ssize_t)w;
}

static void setup(void)
{
	const char *keep = getenv("LANECERT_LXI_STDERR");
	lxi_init();
	if (keep && *keep && strcmp(keep, "0") != 0)
		return;
	cookie_io_functions_t io = {.write = forward_write};
	FILE *f = fopencookie(NULL, "w", io);
	if (!f)
		return; /* out of memory: liblxi will print, nothing worse */
	setvbuf(f, NULL, _IONBF, 0);
	original_stderr = stderr;
	stderr = f;
}

void lc_lxi_setup(void)
{
	pthread_once(&setup_once, setup);
}

/* libtirpc writes RPC records with write(2): a peer that is gone raises SIGPIPE, which kills a process
 * that did not ignore it. Block it in this thread for the call and swallow one it raised. */
static void pipe_guard_begin(void)
{
	sigset_t pipe, pending;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigpending(&pending);
	pipe_was_pending = sigismember(&pending, SIGPIPE);
	masked = pthread_sigmask(SIG_BLOCK, &pipe, &saved_mask) == 0;
}

static void pipe_guard_end(void)
{
	sigset_t pipe, pending;
	if (!masked)
		return;
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	sigpending(&pending);
	if (!pipe_was_pending && sigismember(&pending, SIGPIPE)) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
	masked = false;
}

void lc_lxi_capture_begin(char *buf, size_t cap)
{
	pipe_guard_begin();
	if (!buf || cap == 0)
		return;
	buf[0] = '\0';
	cap_buf = buf;
	cap_size = cap;
	cap_len = 0;
}

void lc_lxi_capture_end(void)
{
	pipe_guard_end();
	/* liblxi's messages end in '\n': keep the detail on one line */
	if (cap_buf)
		for (char *p = cap_buf; *p; p++)
			if (*p == '\n')
				*p = p[1] ? ' ' : '\0';
	cap_buf = NULL;
	cap_size = cap_len = 0;
}
