/*
 * The reports of `lanecert run` (issue 22): each slot's views are rendered by a child process as soon as the
 * slot has finished, while the other slots still measure, into a hidden staging folder; the report is
 * published (signed, moved into its folder, recorded in the store) only once every slot has ended and the
 * final safety check has run, so the verdict is final. A report whose JSON changed since (the safety check
 * or a golden-cable check made it an error) is rendered again from its final bytes first; the library adopts
 * views only when they were rendered from the exact bytes it signs (lc_report_publish_new()).
 *
 * The renderers are lanecert-render --serve processes (cli/full_program.h, cli/render_main.c), started
 * before the slots measure so that their start (exec, fontconfig, pango) is paid while the instruments work;
 * each renders one staged folder after another and exits when the run is done with it. This process never
 * loads cairo, pango or librsvg.
 */
#ifndef LC_CLI_RUN_REPORTS_H
#define LC_CLI_RUN_REPORTS_H

#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <sys/types.h>

#include <lanecert/results.h>
#include <lanecert/base.h>

#define LC_RUN_REPORTS_MAX 16
/* At most this many renderers, one per core of the machines this runs on: a renderer is CPU-bound (gnuplot,
 * cairo), and the slots still measuring need their share. */
#define LC_RUN_RENDERERS 2

struct lc_run_reports;

typedef struct lc_run_report {
	/* set by the caller before the run */
	lc_result *result;
	char name[256];             /* the report folder's name (lc_run_report_name) */
	lc_report_options opt;      /* store and run id */
	/* the views staged while the run went on */
	struct lc_run_reports *all;
	char stage[NAME_MAX + 1];   /* the hidden staging folder in out_fd, "" when none */
	char *staged_json;          /* the report.json the staged views were rendered from */
	size_t staged_len;
	char render_error[256];     /* why the renderer failed, "" when it did not */
	/* outcome */
	lc_report_paths paths;
	int rc;
	lc_diag diag;
} lc_run_report;

/* A lanecert-render --serve child. */
typedef struct lc_run_renderer {
	pid_t pid;   /* 0: none running */
	int fd;      /* this end of its socket (its stdin and stdout) */
	bool busy;   /* rendering a job for one of the threads */
} lc_run_renderer;

typedef struct lc_run_reports {
	lc_run_report jobs[LC_RUN_REPORTS_MAX];
	unsigned n;
	int out_fd;
	const char *out_dir;
	const lc_sign_key *key;
	char public_key[128];       /* the key's base64 line, shown by the views */
	char renderer[PATH_MAX];    /* lanecert-render */
	sem_t slots;                /* renderers busy at once: at most LC_RUN_RENDERERS */
	pthread_mutex_t lock;       /* busy, renders, last_finished_us */
	lc_run_renderer renderers[LC_RUN_RENDERERS];
	unsigned renders;           /* folders rendered (each rendering of a report, again or not) */
	long long last_finished_us; /* CLOCK_MONOTONIC when the last slot finished measuring (0: none did) */
} lc_run_reports;

/* Prepare for n slots (n <= LC_RUN_REPORTS_MAX) writing into out_fd (named out_dir), signed with key (NULL:
 * unsigned), and start min(n, LC_RUN_RENDERERS) renderers (one that cannot start is started again when a
 * report needs it, and its failure is then that report's). 0, or a negative LC_ERR_* (diag says why). */
int lc_run_reports_init(lc_run_reports *rr, unsigned n, int out_fd, const char *out_dir, const lc_sign_key *key,
			lc_diag *diag);

/* CLOCK_MONOTONIC in microseconds (what last_finished_us is in). */
long long lc_run_reports_now_us(void);

/* lc_run_setup's finished hook (user: &rr->jobs[i]): stage the slot's report.json and render its views. */
void lc_run_reports_slot_finished(void *user, unsigned slot, lc_result *result, int rc);

/* Once every verdict is final: render again what changed, then publish every report (jobs[i].rc, .paths and
 * .diag say how each went); then the renderers are told to end and are reaped. */
void lc_run_reports_publish(lc_run_reports *rr);

/* Remove what is left of the staging folders and free everything. */
void lc_run_reports_destroy(lc_run_reports *rr);

#endif
