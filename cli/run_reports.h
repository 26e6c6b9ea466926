/*
 * The reports of `lanecert run` (issue 22): each slot's views are rendered by a child process as soon as the
 * slot has finished, while the other slots still measure, into a hidden staging folder; the report is
 * published (signed, moved into its folder, recorded in the store) only once every slot has ended and the
 * final safety check has run, so the verdict is final. A report whose JSON changed since (the safety check
 * or a golden-cable check made it an error) is rendered again from its final bytes first; the library adopts
 * views only when they were rendered from the exact bytes it signs (lc_report_publish_new()).
 *
 * The renderer is lanecert-render (cli/full_program.h): this process never loads cairo, pango or
 * librsvg, and each child's memory is returned when it exits.
 */
#ifndef LC_CLI_RUN_REPORTS_H
#define LC_CLI_RUN_REPORTS_H

#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>

#include <lanecert/results.h>
#include <lanecert/base.h>

#define LC_RUN_REPORTS_MAX 16

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

typedef struct lc_run_reports {
	lc_run_report jobs[LC_RUN_REPORTS_MAX];
	unsigned n;
	int out_fd;
	const char *out_dir;
	const lc_sign_key *key;
	char public_key[128];       /* the key's base64 line, shown by the views */
	char renderer[PATH_MAX];    /* lanecert-render */
	sem_t slots;                /* renderer children running at once: at most LC_RUN_RENDERERS */
	pthread_mutex_t lock;
	unsigned renders;           /* renderer children run */
	long long last_finished_us; /* CLOCK_MONOTONIC when the last slot finished measuring (0: none did) */
} lc_run_reports;

/* Prepare for n slots (n <= LC_RUN_REPORTS_MAX) writing into out_fd (named out_dir), signed with key (NULL:
 * unsigned). 0, or a negative LC_ERR_* (diag says why). */
int lc_run_reports_init(lc_run_reports *rr, unsigned n, int out_fd, const char *out_dir, const lc_sign_key *key,
			lc_diag *diag);

/* CLOCK_MONOTONIC in microseconds (what last_finished_us is in). */
long long lc_run_reports_now_us(void);

/* lc_run_setup's finished hook (user: &rr->jobs[i]): stage the slot's report.json and render its views. */
void lc_run_reports_slot_finished(void *user, unsigned slot, lc_result *result, int rc);

/* Once every verdict is final: render again what changed, then publish every report (jobs[i].rc, .paths and
 * .diag say how each went). */
void lc_run_reports_publish(lc_run_reports *rr);

/* Remove what is left of the staging folders and free everything. */
void lc_run_reports_destroy(lc_run_reports *rr);

#endif
