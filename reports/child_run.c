/* Running a helper program (the plot drawer, qpdf) as a child process: input on stdin, output collected from
 * stdout (binary), its complaint from stderr, with a deadline (reports/child_run_priv.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "reports/child_run_priv.h"

struct sink {
	char *p;
	size_t len, cap;
};

/* 1: more may come, 0: end of file, < 0: error */
static int sink_read(int fd, struct sink *s, size_t max)
{
	if (s->cap - s->len < 65537) {
		size_t cap = s->cap ? s->cap * 2 : 65536 * 2;
		char *np = realloc(s->p, cap);
		if (!np)
			return LC_ERR_NOMEM;
		s->p = np, s->cap = cap;
		s->p[s->len] = '\0'; /* also when nothing more comes */
	}
	ssize_t n = read(fd, s->p + s->len, 65536);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : LC_ERR_IO;
	if (n == 0)
		return 0;
	s->len += (size_t)n;
	s->p[s->len] = 0;
	return s->len > max ? LC_ERR_OVERFLOW : 1;
}

/* The child's complaint: the last non-empty line of its stderr. */
static void last_line(char *err, char *buf, size_t cap)
{
	char *best = NULL;
	for (char *t = strtok(err, "\n"); t; t = strtok(NULL, "\n"))
		if (strspn(t, " \t^") != strlen(t))
			best = t;
	if (best)
		snprintf(buf, cap, "%s", best);
}

int lc_child_run(const char *const argv[], const char *what, const char *log_as, const int *fds, size_t n_fds, const char *in,
		 size_t in_len, int timeout_ms, size_t max_out, char **out, size_t *out_len, lc_diag *diag)
{
	*out = NULL;
	*out_len = 0;
	int ip[2], op[2], ep[2];
	/* stdin is a socket so that writing to a child that died early gives EPIPE through MSG_NOSIGNAL instead of
	 * a SIGPIPE, without touching the process-wide signal disposition. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ip) < 0)
		return lc_diag_set(diag, LC_ERR_IO, "socketpair: %s", strerror(errno));
	if (pipe2(op, O_CLOEXEC) < 0) {
		close(ip[0]), close(ip[1]);
		return lc_diag_set(diag, LC_ERR_IO, "pipe: %s", strerror(errno));
	}
	if (pipe2(ep, O_CLOEXEC) < 0) {
		close(ip[0]), close(ip[1]), close(op[0]), close(op[1]);
		return lc_diag_set(diag, LC_ERR_IO, "pipe: %s", strerror(errno));
	}
	/* fork, not posix_spawn: a vforked child's ru_maxrss starts at its parent's peak (the kernel notes the
	 * old mm's high-water mark at exec), a forked one's at the parent's anonymous pages, so wait4 gives the
	 * child's own peak (issue 22: each process's figure). The child only calls dup2, fcntl and execvp. */
	int probe[2]; /* close-on-exec: EOF when execvp succeeded, else its errno */
	if (pipe2(probe, O_CLOEXEC) < 0) {
		close(ip[0]), close(ip[1]), close(op[0]), close(op[1]), close(ep[0]), close(ep[1]);
		return lc_diag_set(diag, LC_ERR_IO, "pipe: %s", strerror(errno));
	}
	pid_t pid = fork();
	if (pid == 0) {
		int ok = dup2(ip[0], 0) == 0 && dup2(op[1], 1) == 1 && dup2(ep[1], 2) == 2;
		/* Each of fds to 3 + i by way of a copy above them all: a descriptor that already is 3 + i would keep
		 * its close-on-exec (dup2 onto itself does nothing), and one that is 3 + j for a later j would be
		 * overwritten before it is copied. F_DUPFD's and dup2's copies are not close-on-exec. */
		int high[8];
		ok = ok && n_fds <= sizeof(high) / sizeof(high[0]);
		for (size_t i = 0; ok && i < n_fds; i++)
			ok = (high[i] = fcntl(fds[i], F_DUPFD, 3 + (int)n_fds)) >= 0;
		for (size_t i = 0; ok && i < n_fds; i++)
			ok = dup2(high[i], 3 + (int)i) == 3 + (int)i;
		for (size_t i = 0; ok && i < n_fds; i++)
			close(high[i]);
		if (ok)
			execvp(argv[0], (char *const *)argv);
		int e = errno;
		ssize_t wr = write(probe[1], &e, sizeof(e));
		(void)wr;
		_exit(127);
	}
	int sp = pid < 0 ? errno : 0;
	close(ip[0]), close(op[1]), close(ep[1]), close(probe[1]);
	if (sp == 0) {
		int e = 0;
		ssize_t r;
		while ((r = read(probe[0], &e, sizeof(e))) < 0 && errno == EINTR)
			;
		if (r == (ssize_t)sizeof(e)) {
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			sp = e ? e : ENOEXEC;
		}
	}
	close(probe[0]);
	if (sp != 0) {
		close(ip[1]), close(op[0]), close(ep[0]);
		return strcmp(what, argv[0]) ? lc_diag_set(diag, LC_ERR_NOT_FOUND, "cannot run %s (%s): %s", what, argv[0],
							     strerror(sp))
					     : lc_diag_set(diag, LC_ERR_NOT_FOUND, "cannot run %s: %s", what, strerror(sp));
	}
	shutdown(ip[1], SHUT_RD);
	struct sink o = {0}, e = {0};
	size_t sent = 0;
	int rc = 0, wfd = ip[1], open_out = 1, open_err = 1;
	if (in_len == 0)
		close(wfd), wfd = -1;
	int64_t deadline = lc_now_ms() + timeout_ms;
	while ((open_out || open_err) && rc == 0) {
		struct pollfd p[3] = {{op[0], open_out ? POLLIN : 0, 0}, {ep[0], open_err ? POLLIN : 0, 0},
				      {wfd, wfd >= 0 ? POLLOUT : 0, 0}};
		int64_t left = deadline - lc_now_ms();
		if (left <= 0) {
			rc = lc_diag_set(diag, LC_ERR_TIMEOUT, "%s did not finish within %d ms", what, timeout_ms);
			break;
		}
		int pr = poll(p, wfd >= 0 ? 3 : 2, (int)left);
		if (pr < 0 && errno != EINTR) {
			rc = lc_diag_set(diag, LC_ERR_IO, "poll: %s", strerror(errno));
			break;
		}
		if (wfd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = send(wfd, in + sent, in_len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) || sent == in_len)
				close(wfd), wfd = -1;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			int r = sink_read(op[0], &o, max_out);
			if (r < 0)
				rc = lc_diag_set(diag, r, "reading the output of %s failed", what);
			open_out = r > 0;
		}
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			open_err = sink_read(ep[0], &e, 1u << 20) > 0;
	}
	if (wfd >= 0)
		close(wfd);
	close(op[0]), close(ep[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	int status = 0;
	struct rusage ru = {0};
	while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR)
		;
	if (rc == 0 && log_as) /* lanecert run -v: what bench run reads */
		lc_log(LC_LOG_INFO, log_as, "peak RSS %ld KiB (wait4)", ru.ru_maxrss);
	if (rc == 0 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		char why[200];
		if (WIFEXITED(status))
			snprintf(why, sizeof(why), "exit status %d", WEXITSTATUS(status));
		else
			snprintf(why, sizeof(why), "killed by signal %d", WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		if (e.p)
			last_line(e.p, why, sizeof(why));
		rc = lc_diag_set(diag, WIFEXITED(status) && WEXITSTATUS(status) == 127 ? LC_ERR_NOT_FOUND : LC_ERR_IO,
				 "%s failed: %s", what, why);
	}
	free(e.p);
	if (rc < 0) {
		free(o.p);
		return rc;
	}
	if (!o.p && !(o.p = calloc(1, 1))) /* no output: an empty string, never NULL */
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	*out = o.p;
	*out_len = o.len;
	return 0;
}

lc_kept_child *lc_kept_child_start(const char *const argv[], bool err_pipe)
{
	lc_kept_child *k = calloc(1, sizeof(*k));
	int sv[2], ep[2] = {-1, -1};
	if (!k || strlen(argv[0]) >= sizeof(k->program) || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(k);
		return NULL;
	}
	if (err_pipe && pipe2(ep, O_CLOEXEC) < 0) {
		close(sv[0]), close(sv[1]), free(k);
		return NULL;
	}
	pid_t pid = fork(); /* not posix_spawn: see lc_child_run */
	if (pid == 0) {
		if (dup2(sv[1], 0) == 0 && dup2(sv[1], 1) == 1 && (!err_pipe || dup2(ep[1], 2) == 2))
			execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(sv[1]);
	if (err_pipe)
		close(ep[1]);
	if (pid < 0) {
		close(sv[0]);
		if (err_pipe)
			close(ep[0]);
		free(k);
		return NULL;
	}
	k->pid = pid, k->fd = sv[0], k->err = ep[0];
	snprintf(k->program, sizeof(k->program), "%s", argv[0]);
	return k;
}

lc_kept_child_exit lc_kept_child_end(lc_kept_child *k, bool kill_it)
{
	int st = 0;
	struct rusage r = {0};
	if (kill_it)
		kill(k->pid, SIGKILL);
	shutdown(k->fd, SHUT_WR);
	while (wait4(k->pid, &st, 0, &r) < 0 && errno == EINTR)
		;
	close(k->fd);
	if (k->err >= 0)
		close(k->err);
	free(k);
	return (lc_kept_child_exit){st, r.ru_maxrss};
}
