/* Running gnuplot as a child process: script on stdin, SVG on stdout, errors on stderr, with a deadline. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reports/plot.h"

extern char **environ;

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct sink {
	char *p;
	size_t len, cap;
};

static int sink_read(int fd, struct sink *s, size_t max)
{
	if (s->cap - s->len < 4097) {
		size_t cap = s->cap ? s->cap * 2 : 65536;
		char *np = realloc(s->p, cap);
		if (!np)
			return LC_ERR_NOMEM;
		s->p = np, s->cap = cap;
	}
	ssize_t n = read(fd, s->p + s->len, 4096);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : LC_ERR_IO;
	if (n == 0)
		return 0;
	s->len += (size_t)n;
	s->p[s->len] = 0;
	return s->len > max ? LC_ERR_OVERFLOW : 1;
}

int lc_gnuplot_run(const char *gnuplot, const char *script, size_t len, int timeout_ms, char **svg,
		   lc_diag *diag)
{
	if (!gnuplot || !*gnuplot)
		gnuplot = "gnuplot";
	int in[2], out[2], err[2];
	/* stdin is a socket so that writing to a gnuplot that died early gives EPIPE through MSG_NOSIGNAL
	 * instead of a SIGPIPE, without touching the process-wide signal disposition. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
		return lc_diag_set(diag, LC_ERR_IO, "socketpair: %s", strerror(errno));
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]);
		return lc_diag_set(diag, LC_ERR_IO, "pipe: %s", strerror(errno));
	}
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		return lc_diag_set(diag, LC_ERR_IO, "pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, err[1], 2);
	char *argv[] = {(char *)gnuplot, NULL};
	pid_t pid;
	int sp = posix_spawnp(&pid, gnuplot, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]), close(out[1]), close(err[1]);
	if (sp != 0) {
		close(in[1]), close(out[0]), close(err[0]);
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "cannot run %s: %s", gnuplot, strerror(sp));
	}
	shutdown(in[1], SHUT_RD);
	struct sink o = {0}, e = {0};
	size_t sent = 0;
	int rc = 0, wfd = in[1];
	int open_out = 1, open_err = 1;
	long long deadline = now_ms() + timeout_ms;
	while ((open_out || open_err) && rc == 0) {
		struct pollfd p[3] = {{out[0], open_out ? POLLIN : 0, 0}, {err[0], open_err ? POLLIN : 0, 0},
				      {wfd, wfd >= 0 ? POLLOUT : 0, 0}};
		long long left = deadline - now_ms();
		if (left <= 0) {
			rc = lc_diag_set(diag, LC_ERR_TIMEOUT, "gnuplot did not finish within %d ms", timeout_ms);
			break;
		}
		int pr = poll(p, wfd >= 0 ? 3 : 2, (int)left);
		if (pr < 0 && errno != EINTR) {
			rc = lc_diag_set(diag, LC_ERR_IO, "poll: %s", strerror(errno));
			break;
		}
		if (wfd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = send(wfd, script + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || sent == len) {
				close(wfd);
				wfd = -1;
			}
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = sink_read(out[0], &o, 64u << 20);
			if (r < 0)
				rc = lc_diag_set(diag, r, "reading gnuplot's output failed");
			open_out = r > 0;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = sink_read(err[0], &e, 1u << 20);
			open_err = r > 0;
		}
	}
	if (wfd >= 0)
		close(wfd);
	close(out[0]), close(err[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !o.p || !strstr(o.p, "<svg"))) {
		char first[200] = "no SVG produced";
		if (e.p) {
			/* gnuplot's complaint is the last non-empty line of its stderr. */
			char *line = e.p, *best = NULL;
			for (char *t = strtok(line, "\n"); t; t = strtok(NULL, "\n"))
				if (strspn(t, " \t^") != strlen(t))
					best = t;
			if (best)
				snprintf(first, sizeof(first), "%s", best);
		}
		rc = lc_diag_set(diag, WIFEXITED(status) && WEXITSTATUS(status) == 127 ? LC_ERR_NOT_FOUND : LC_ERR_IO,
				 "gnuplot failed: %s", first);
	}
	free(e.p);
	if (rc < 0) {
		free(o.p);
		return rc;
	}
	*svg = o.p;
	return 0;
}
