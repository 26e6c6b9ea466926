/* What `lanecert run` prints while slots run: a human view on a terminal, JSON lines otherwise. */
#ifndef LC_CLI_RUN_OUTPUT_H
#define LC_CLI_RUN_OUTPUT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>

#include <lanecert/run.h>

typedef struct lc_run_output {
	FILE *out;
	bool json;          /* machine-readable lines only */
	bool tty;           /* progress bar redrawn in place */
	pthread_mutex_t lock;
	bool bar_shown;
	/* Every event as its JSON line, printed or not (`lanecert run --publish`): NULL for none. Called with
	 * the output's lock held; must not block. */
	void (*sink)(void *user, const char *line, size_t len);
	void *sink_user;
	/* ,"job":...,"customer":...,"site":... (strings or null) for the slot_start and result lines */
	char job_json[2200];
} lc_run_output;

void lc_run_output_init(lc_run_output *o, FILE *out, bool json, bool tty);
void lc_run_output_destroy(lc_run_output *o);
/* The engine's callbacks, printing through o. */
lc_run_events lc_run_output_events(lc_run_output *o);
/* One line at the end of a slot: verdict, reason, report path. */
void lc_run_output_slot_done(lc_run_output *o, unsigned slot, const char *serial, enum lc_verdict v,
			     const char *reason, const char *report, const char *error);
/* Before a slot runs: "attempt N for SN (previous: VERDICT at TIME)" when the serial was certified before
 * (prev_verdict NULL: first attempt, printed in JSON only; prev_time may be empty). */
void lc_run_output_attempt(lc_run_output *o, unsigned slot, const char *serial, int attempt,
			   const char *prev_verdict, const char *prev_time);
/* Hand every event's JSON line to sink as well (the live view's publisher). */
void lc_run_output_set_sink(lc_run_output *o, void (*sink)(void *user, const char *line, size_t len), void *user);
/* Before a slot runs: {"event":"slot_start",...} with the serial, operator, procedure and cable type, so
 * that a live view can show who runs what (JSON only: the human view has its own lines). */
void lc_run_output_slot_start(lc_run_output *o, unsigned slot, const char *serial, const char *operator_name,
			      const char *procedure, const char *cable_type);
/* The run's job, customer and site (each may be NULL), added to the slot_start and result lines. */
void lc_run_output_set_job(lc_run_output *o, const char *job, const char *customer, const char *site);
/* A JSON-safe copy of s into buf (quotes and control characters escaped, no surrounding quotes). */
void lc_run_output_escape(const char *s, char *buf, size_t cap);

#endif
