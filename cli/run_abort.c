#include "cli/run_abort.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include <lanecert/base.h>

/* Not a signal anyone sends: it only wakes the watcher to stop. */
#define STOP_SIGNAL SIGUSR2

static void wait_set(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, STOP_SIGNAL);
}

struct force {
	lc_instrument_set *set;
	volatile int done;
	int rc;
	lc_diag d;
};

/* Take every instrument's lock first and never give it back: once the sources are off, no slot thread can
 * switch one on again before the process is gone. */
static void *force_safe(void *arg)
{
	struct force *f = arg;
	for (size_t i = 0; i < lc_instrument_set_count(f->set); i++)
		lc_instrument_lock(lc_instrument_set_at(f->set, i, NULL));
	f->rc = lc_instrument_set_safe(f->set, &f->d);
	f->done = 1;
	return NULL;
}

/* The second signal: lasers off as far as possible, then out. The slots may hold instrument locks over
 * a long operation, so the safe state runs in a thread of its own and is waited for a bounded time. */
static void force_exit(lc_run_abort *a)
{
	pthread_mutex_lock(&a->lock);
	lc_instrument_set *set = a->set;
	pthread_mutex_unlock(&a->lock);
	if (!set) {
		fprintf(stderr, "lanecert run: forced exit (no instrument was open)\n");
		_exit(LC_EXIT_ABORTED);
	}
	fprintf(stderr, "lanecert run: forced exit: switching every source off (up to %d ms)\n", LC_RUN_FORCE_SAFE_MS);
	static struct force f;
	f.set = set;
	pthread_t t;
	if (pthread_create(&t, NULL, force_safe, &f) == 0) {
		int64_t end = lc_now_ms() + LC_RUN_FORCE_SAFE_MS;
		while (!f.done && lc_now_ms() < end)
			lc_sleep_ms(20);
	}
	if (!f.done)
		fprintf(stderr, "lanecert run: WARNING: could not confirm that the lasers are off: check the station\n");
	else if (f.rc < 0)
		fprintf(stderr, "lanecert run: WARNING: lasers off failed: %s: check the station\n", lc_diag_message(&f.d));
	else
		fprintf(stderr, "lanecert run: every source is off; no report written\n");
	_exit(LC_EXIT_ABORTED);
}

static void *watch(void *arg)
{
	lc_run_abort *a = arg;
	sigset_t s;
	wait_set(&s);
	for (;;) {
		int sig = 0;
		if (sigwait(&s, &sig) != 0 || sig == STOP_SIGNAL)
			return NULL;
		if (!a->flag) {
			a->flag = 1;
			fprintf(stderr, "\nlanecert run: %s: aborting; cleaning up (lasers off) — %s again forces an "
				"immediate exit\n", sig == SIGINT ? "Ctrl-C" : "SIGTERM", sig == SIGINT ? "Ctrl-C" : "the signal");
		} else {
			force_exit(a);
		}
	}
}

int lc_run_abort_start(lc_run_abort *a)
{
	memset(a, 0, sizeof(*a));
	sigset_t s;
	wait_set(&s);
	if (pthread_sigmask(SIG_BLOCK, &s, NULL) != 0)
		return LC_ERR_IO;
	pthread_mutex_init(&a->lock, NULL);
	if (pthread_create(&a->watcher, NULL, watch, a) != 0) {
		pthread_mutex_destroy(&a->lock);
		return LC_ERR_NOMEM;
	}
	a->started = true;
	return 0;
}

void lc_run_abort_set_instruments(lc_run_abort *a, lc_instrument_set *set)
{
	pthread_mutex_lock(&a->lock);
	a->set = set;
	pthread_mutex_unlock(&a->lock);
}

void lc_run_abort_stop(lc_run_abort *a)
{
	if (!a->started)
		return;
	pthread_kill(a->watcher, STOP_SIGNAL);
	pthread_join(a->watcher, NULL);
	pthread_mutex_destroy(&a->lock);
	a->started = false;
}
