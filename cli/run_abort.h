/*
 * How `lanecert run` hears Ctrl-C and SIGTERM.
 *
 * SIGINT and SIGTERM are blocked in every thread of the run and taken by one watcher thread (sigwait), so
 * no thread's I/O is interrupted half-way and no instrument code runs in a signal handler. The first signal
 * sets the run's abort flag (base/abort.h): the steps stop, cleanup runs, the verdict is `aborted`, exit 4.
 * A second signal forces: it takes every instrument's lock (waiting for what a slot holds), switches every
 * source off (lc_instrument_set_safe) and keeps the locks, so no slot can light one again, all within
 * LC_RUN_FORCE_SAFE_MS; then _exit(LC_EXIT_ABORTED) — no report, the run unfinished in the store.
 *
 * Thread safety: start and stop from the main thread; set_instruments from the main thread while the
 * watcher runs.
 */
#ifndef LC_CLI_RUN_ABORT_H
#define LC_CLI_RUN_ABORT_H

#include <pthread.h>
#include <stdbool.h>

#include <lanecert/base.h>
#include <lanecert/run.h>

/* How long a forced exit waits for the lasers to be switched off. */
#define LC_RUN_FORCE_SAFE_MS 3000

typedef struct lc_run_abort {
	lc_abort_flag flag;       /* the run's abort flag: lc_run_setup.abort_flag points here */
	pthread_t watcher;
	bool started;
	pthread_mutex_t lock;     /* guards set */
	lc_instrument_set *set;   /* what a forced exit switches off; NULL before the station is open */
} lc_run_abort;

/* Block SIGINT and SIGTERM in the calling thread (and so in every thread it creates from now on) and start
 * the watcher. Call before any other thread exists. Returns 0 or a negative LC_ERR_*. */
int lc_run_abort_start(lc_run_abort *a);
/* The instruments a forced exit puts in their safe state (may be NULL). */
void lc_run_abort_set_instruments(lc_run_abort *a, lc_instrument_set *set);
/* Stop the watcher. The signals stay blocked: one that comes now is ignored (the run is over). */
void lc_run_abort_stop(lc_run_abort *a);

#endif
