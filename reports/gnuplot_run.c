/* Running gnuplot as a child process: script on stdin, SVG on stdout, errors on stderr, with a deadline
 * (reports/child_run.c does the running, as for the PDF's plot drawer and qpdf); or, for a thread that keeps
 * one (lc_gnuplot_keep, lanecert-render --serve), one gnuplot for every report the thread renders. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/strbuf.h"
#include "reports/child_run_priv.h"
#include "reports/plot.h"

#define SVG_OUT_MAX (64u << 20)

/* The calling thread's kept gnuplot (its stderr piped: anything it says there retires it). */
static _Thread_local lc_kept_child *kept;

static const char *program_of(const char *gnuplot)
{
	return gnuplot && *gnuplot ? gnuplot : "gnuplot";
}

int lc_gnuplot_keep(const char *gnuplot)
{
	/* one that cannot be run exits 127: the first script finds it gone and runs a gnuplot of its own */
	const char *const argv[] = {program_of(gnuplot), NULL};
	if (!kept)
		kept = lc_kept_child_start(argv, true);
	return kept ? 0 : LC_ERR_IO;
}

static void drop_kept(bool kill_it)
{
	if (kept)
		lc_kept_child_end(kept, kill_it);
	kept = NULL;
}

void lc_gnuplot_drop(void)
{
	drop_kept(false);
}

/* The scripts on the kept gnuplot, then an end mark it prints once it has run them (`unset output` ends the
 * last SVG document as gnuplot's exit would): its output before the mark into *svg. 0; 1 when it cannot be
 * used for them (gone, slow, or it said anything on stderr: an error or a warning), after which it is ended
 * and the caller runs a gnuplot of its own, which gives the scripts' own outcome and error. */
static int kept_run(const char *script, size_t len, int timeout_ms, char **svg)
{
	unsigned char rnd[12];
	char mark[64];
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) { /* never seen in a plot */
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		memcpy(rnd, &ts, sizeof(rnd) < sizeof(ts) ? sizeof(rnd) : sizeof(ts));
	}
	int m = snprintf(mark, sizeof(mark), "lanecert-end-of-plots-");
	for (size_t i = 0; i < sizeof(rnd); i++)
		m += snprintf(mark + m, sizeof(mark) - (size_t)m, "%02x", rnd[i]);
	snprintf(mark + m, sizeof(mark) - (size_t)m, "\n");
	lc_strbuf in = {0}, out = {0};
	/* the previous report's datablocks and variables go: each report meets a gnuplot as fresh as its own */
	lc_strbuf_puts(&in, "reset session\n");
	lc_strbuf_put(&in, script, len);
	lc_strbuf_printf(&in, "\nunset output\nset print '-'\nprint '%.*s'\nunset print\n", (int)strlen(mark) - 1, mark);
	int64_t deadline = lc_now_ms() + timeout_ms;
	size_t sent = 0, mlen = strlen(mark);
	int rc = in.err ? 1 : 0;
	bool done = false;
	while (rc == 0 && !done) {
		int64_t left = deadline - lc_now_ms();
		struct pollfd pf[2] = {{kept->fd, POLLIN | (sent < in.len ? POLLOUT : 0), 0}, {kept->err, POLLIN, 0}};
		if (left <= 0 || poll(pf, 2, (int)left) <= 0) {
			rc = left <= 0 || errno != EINTR ? 1 : 0;
			continue;
		}
		if (pf[1].revents) /* it said something: its own run says what */
			rc = 1;
		if (rc == 0 && (pf[0].revents & POLLOUT)) {
			ssize_t n = send(kept->fd, in.p + sent, in.len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			else if (n < 0 && errno != EAGAIN && errno != EINTR)
				rc = 1;
		}
		if (rc == 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
			char buf[65536];
			ssize_t n = recv(kept->fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0)
				lc_strbuf_put(&out, buf, (size_t)n);
			else if (n == 0 || (errno != EAGAIN && errno != EINTR))
				rc = 1;
			if (out.err || out.len > SVG_OUT_MAX)
				rc = 1;
			done = out.len >= mlen && memcmp(out.p + out.len - mlen, mark, mlen) == 0;
		}
	}
	/* what it said on stderr came before the mark on stdout (it runs the lines in order) */
	struct pollfd pe = {kept->err, POLLIN, 0};
	if (rc == 0 && (poll(&pe, 1, 0) != 0 || sent != in.len))
		rc = 1;
	free(in.p);
	if (rc != 0) {
		free(out.p);
		drop_kept(true);
		return 1;
	}
	out.p[out.len - mlen] = '\0'; /* what came before the mark: the SVG as gnuplot's exit leaves it */
	*svg = out.p;
	return 0;
}

int lc_gnuplot_run(const char *gnuplot, const char *script, size_t len, int timeout_ms, char **svg,
		   lc_diag *diag)
{
	const char *const argv[] = {program_of(gnuplot), NULL};
	char *out;
	size_t out_len;
	int rc;
	if (kept && strcmp(kept->program, argv[0]) == 0 && kept_run(script, len, timeout_ms, &out) == 0)
		rc = 0;
	else
		rc = lc_child_run(argv, "gnuplot", NULL, NULL, 0, script, len, timeout_ms, SVG_OUT_MAX, &out, &out_len,
				  diag);
	if (rc < 0)
		return rc;
	if (!strstr(out, "<svg")) { /* exit 0 without a plot: a script that set no svg terminal, say */
		free(out);
		return lc_diag_set(diag, LC_ERR_IO, "gnuplot failed: no SVG produced");
	}
	*svg = out;
	return 0;
}
