/* The reports of `lanecert run`: views rendered as slots finish, published once verdicts are final
 * (cli/run_reports.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/full_program.h"
#include "cli/run_reports.h"

/* Threads publishing (and, where a verdict changed, rendering again) at the end. */
#define LC_RUN_PUBLISHERS 2

extern char **environ;

/* Start a lanecert-render --serve child on one end of a socket pair (its stdin and stdout). 0 or an errno. */
static int start_renderer(lc_run_reports *rr, lc_run_renderer *w)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return errno;
	char *argv[8] = {rr->renderer, "--serve"};
	int n = 2;
	if (rr->public_key[0])
		argv[n++] = "--public-key", argv[n++] = rr->public_key;
	if (lc_log_get_level() <= LC_LOG_INFO) /* -v: the renderer says its peak RSS too */
		argv[n++] = "-v";
	/* stdout is its answers; its words go to this process's stderr. Signals as by default (this process
	 * blocks SIGINT and SIGTERM for its watcher thread: run_abort.c), in a process group of its own: a ^C
	 * at the terminal is this process's to handle (the aborted slots' reports are still rendered), and when
	 * this process dies its renderers see the end of their stdin and exit. */
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGINT), sigaddset(&dfl, SIGTERM), sigaddset(&dfl, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 1);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	pid_t pid;
	int e = posix_spawn(&pid, rr->renderer, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(sv[1]);
	if (e != 0) {
		close(sv[0]);
		return e;
	}
	w->pid = pid;
	w->fd = sv[0];
	return 0;
}

int lc_run_reports_init(lc_run_reports *rr, unsigned n, int out_fd, const char *out_dir, const lc_sign_key *key,
			lc_diag *diag)
{
	memset(rr, 0, sizeof(*rr));
	for (unsigned k = 0; k < LC_RUN_RENDERERS; k++)
		rr->renderers[k].fd = -1;
	if (n > LC_RUN_REPORTS_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "too many slots");
	rr->n = n;
	rr->out_fd = out_fd;
	rr->out_dir = out_dir;
	rr->key = key;
	for (unsigned i = 0; i < n; i++)
		rr->jobs[i].all = rr;
	lc_report_public_key_line(key, rr->public_key, sizeof(rr->public_key));
	if (key && !rr->public_key[0])
		return lc_diag_set(diag, LC_ERR_NOMEM, "the signing key's public line");
	/* LANECERT_RENDERER: another renderer program (a packager's path, a test's failing one). Not found:
	 * every report becomes an error when it is published (no views), which the run says. */
	const char *other = getenv("LANECERT_RENDERER");
	if (other && *other)
		snprintf(rr->renderer, sizeof(rr->renderer), "%s", other);
	else if (lc_cli_helper_path("lanecert-render", rr->renderer, sizeof(rr->renderer)) < 0)
		lc_log(LC_LOG_WARN, "run", "%s not found: the reports cannot be rendered", rr->renderer);
	sem_init(&rr->slots, 0, LC_RUN_RENDERERS);
	pthread_mutex_init(&rr->lock, NULL);
	/* started now, while the slots measure: their start-up is paid while the instruments work */
	for (unsigned k = 0; k < LC_RUN_RENDERERS && k < n && rr->renderer[0]; k++)
		start_renderer(rr, &rr->renderers[k]);
	return 0;
}

static void drop_stage(lc_run_report *j)
{
	if (j->stage[0])
		lc_report_remove_folder(j->all->out_fd, j->stage);
	j->stage[0] = '\0';
	free(j->staged_json);
	j->staged_json = NULL;
	j->staged_len = 0;
}

/* The report's JSON as lc_report_publish_new() will write it: with the signing key's id. */
static int report_json(lc_run_report *j, char **json, size_t *len, lc_diag *d)
{
	if (j->all->key) {
		lc_pubkey pub;
		char id[LC_KEY_ID_HEX_LEN + 1];
		lc_sign_key_public(j->all->key, &pub);
		lc_pubkey_id(&pub, id);
		int rc = lc_result_set_key_id(j->result, id, d);
		if (rc < 0)
			return rc;
	}
	return lc_report_json(j->result, json, len, d);
}

/* Reap a renderer that exited or was told to (its socket closed): how it ended into *status; -v: its peak RSS
 * as /usr/bin/time gives it (its VmHWM, read by itself before it exits, lags the kernel's exact count by a few
 * hundred KiB; bench run reads the larger of the two, and the largest of the renderers). */
static void reap_renderer(lc_run_renderer *w, int *status)
{
	struct rusage ru = {0};
	int st = 0;
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	if (w->pid > 0) {
		while (wait4(w->pid, &st, 0, &ru) < 0 && errno == EINTR)
			;
		if (WIFEXITED(st))
			lc_log(LC_LOG_INFO, "render", "peak RSS %ld KiB (wait4)", ru.ru_maxrss);
	}
	w->pid = 0;
	if (status)
		*status = st;
}
/* Hand dir to the renderer w (started first when none runs); "" in render_error when it rendered. 1: the
 * renderer ended without an answer (its end said in render_error; a fresh one may be tried). */
static int render_on(lc_run_reports *rr, lc_run_renderer *w, const char *dir, char *render_error, size_t cap)
{
	int e = w->pid ? 0 : start_renderer(rr, w);
	if (e != 0) {
		snprintf(render_error, cap, "cannot run %.160s: %s", rr->renderer, strerror(e));
		return 0;
	}
	char reply[64];
	size_t got = 0;
	bool sent = true;
	for (size_t off = 0, len = strlen(dir) + 1; off < len;) { /* the path and its NUL */
		ssize_t n = send(w->fd, dir + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sent = false;
			break;
		}
		off += (size_t)n;
	}
	while (sent && got + 1 < sizeof(reply) && (got == 0 || reply[got - 1] != '\n')) {
		ssize_t n = read(w->fd, reply + got, sizeof(reply) - 1 - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	reply[got] = '\0';
	int code;
	if (got > 0 && reply[got - 1] == '\n') {
		render_error[0] = '\0';
		if (strcmp(reply, "ok\n") == 0)
			return 0;
		if (sscanf(reply, "error %d", &code) == 1)
			snprintf(render_error, cap, "the renderer (%.160s) failed with exit code %d", rr->renderer, code);
		else
			snprintf(render_error, cap, "the renderer (%.160s) answered '%.40s'", rr->renderer, reply);
		return 0;
	}
	/* no answer: it ended (or says nothing we can read; then it is ended here) */
	int status;
	kill(w->pid, SIGKILL); /* a no-op when it has exited; else it must not go on alone */
	reap_renderer(w, &status);
	snprintf(render_error, cap, "the renderer (%.160s) %s %d", rr->renderer,
		 WIFEXITED(status) ? "exited" : "was killed by signal", WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	return 1;
}

/* Render the stage on a free renderer; "" in render_error when it rendered. */
static void render(lc_run_report *j)
{
	lc_run_reports *rr = j->all;
	char dir[PATH_MAX + NAME_MAX + 2];
	snprintf(dir, sizeof(dir), "%s/%s", rr->out_dir, j->stage);
	sem_wait(&rr->slots);
	pthread_mutex_lock(&rr->lock);
	lc_run_renderer *w = NULL;
	for (unsigned k = 0; !w && k < LC_RUN_RENDERERS; k++)
		if (!rr->renderers[k].busy)
			w = &rr->renderers[k];
	w->busy = true; /* the semaphore leaves one free */
	pthread_mutex_unlock(&rr->lock);
	/* A renderer that ended without an answer is started again once: one that died between two reports
	 * (killed from outside) must not cost the next report its views; one that fails at once fails twice. */
	if (render_on(rr, w, dir, j->render_error, sizeof(j->render_error)) == 1)
		render_on(rr, w, dir, j->render_error, sizeof(j->render_error));
	pthread_mutex_lock(&rr->lock);
	w->busy = false;
	if (!j->render_error[0])
		rr->renders++;
	pthread_mutex_unlock(&rr->lock);
	sem_post(&rr->slots);
}

/* A fresh staging folder holding json as report.json, rendered. The json is the job's afterwards (freed by
 * drop_stage). On failure the reason is in render_error and the report will not be published as rendered. */
static void stage_and_render(lc_run_report *j, char *json, size_t len)
{
	lc_run_reports *rr = j->all;
	lc_diag d;
	drop_stage(j);
	j->staged_json = json;
	j->staged_len = len;
	int sfd = -1;
	for (int k = 0; sfd < 0 && k < 100; k++) {
		if ((size_t)snprintf(j->stage, sizeof(j->stage), ".%s-views" LC_ATOMIC_TMP_MARK "%ld-%d", j->name,
				     (long)getpid(), k) >= sizeof(j->stage))
			break;
		if (mkdirat(rr->out_fd, j->stage, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			break;
		}
		sfd = openat(rr->out_fd, j->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0)
			lc_report_remove_folder(rr->out_fd, j->stage);
	}
	if (sfd < 0) {
		snprintf(j->render_error, sizeof(j->render_error), "no staging folder for the views in %s: %s",
			 rr->out_dir, strerror(errno));
		j->stage[0] = '\0';
		return;
	}
	int rc = lc_atomic_write_at(sfd, "report.json", json, len, 0644, LC_ATOMIC_NOREPLACE, &d);
	close(sfd);
	if (rc < 0) {
		snprintf(j->render_error, sizeof(j->render_error), "staging the views: %s", lc_diag_message(&d));
		return;
	}
	render(j);
}

long long lc_run_reports_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void lc_run_reports_slot_finished(void *user, unsigned slot, lc_result *result, int rc)
{
	(void)slot, (void)rc;
	lc_run_report *j = user;
	char *json = NULL;
	size_t len = 0;
	lc_diag d;
	long long now = lc_run_reports_now_us();
	pthread_mutex_lock(&j->all->lock);
	if (now > j->all->last_finished_us)
		j->all->last_finished_us = now;
	pthread_mutex_unlock(&j->all->lock);
	j->result = result;
	/* Not staged: publish renders it from the final bytes. */
	if (report_json(j, &json, &len, &d) == 0)
		stage_and_render(j, json, len);
}

static void publish_one(lc_run_report *j)
{
	lc_run_reports *rr = j->all;
	char *json = NULL;
	size_t len = 0;
	memset(&j->paths, 0, sizeof(j->paths));
	lc_diag_clear(&j->diag);
	/* Changed since its views were rendered (or never staged): rendered again from its final bytes. A
	 * report whose JSON cannot be made fails in the publishing below, which records the error. */
	if (report_json(j, &json, &len, &j->diag) == 0) {
		if (!j->staged_json || j->staged_len != len || memcmp(j->staged_json, json, len) != 0)
			stage_and_render(j, json, len);
		else
			free(json);
	}
	/* No stage: lc_report_publish_new() records the run as an error (no views) */
	int vfd = j->stage[0] ? openat(rr->out_fd, j->stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
	j->rc = lc_report_publish_new(j->result, rr->out_fd, rr->out_dir, j->name, rr->key, vfd, &j->paths, &j->opt,
				      &j->diag);
	if (vfd >= 0)
		close(vfd);
	if (j->rc < 0 && j->render_error[0])
		lc_diag_prefix(&j->diag, "%s; ", j->render_error);
	drop_stage(j);
}

struct pool {
	lc_run_reports *rr;
	atomic_uint next;
};

static void *publisher(void *u)
{
	struct pool *p = u;
	for (unsigned i; (i = atomic_fetch_add(&p->next, 1)) < p->rr->n;)
		publish_one(&p->rr->jobs[i]);
	return NULL;
}

/* No more reports: each renderer sees the end of its stdin, exits, and is reaped. */
static void stop_renderers(lc_run_reports *rr)
{
	for (unsigned k = 0; k < LC_RUN_RENDERERS; k++) {
		lc_run_renderer *w = &rr->renderers[k];
		if (w->fd >= 0)
			shutdown(w->fd, SHUT_WR);
	}
	for (unsigned k = 0; k < LC_RUN_RENDERERS; k++)
		if (rr->renderers[k].pid > 0 || rr->renderers[k].fd >= 0)
			reap_renderer(&rr->renderers[k], NULL);
}

void lc_run_reports_publish(lc_run_reports *rr)
{
	struct pool p = {.rr = rr};
	atomic_init(&p.next, 0);
	pthread_t tid[LC_RUN_PUBLISHERS - 1];
	unsigned started = 0;
	for (unsigned t = 0; t + 1 < LC_RUN_PUBLISHERS && t + 1 < rr->n; t++)
		if (pthread_create(&tid[started], NULL, publisher, &p) == 0)
			started++;
	publisher(&p); /* this thread takes jobs too: with no thread to be had, it publishes them all */
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	stop_renderers(rr);
}

void lc_run_reports_destroy(lc_run_reports *rr)
{
	stop_renderers(rr);
	for (unsigned i = 0; i < rr->n; i++)
		drop_stage(&rr->jobs[i]);
	sem_destroy(&rr->slots);
	pthread_mutex_destroy(&rr->lock);
}
