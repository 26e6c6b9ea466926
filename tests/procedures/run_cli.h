/*
 * `lanecert run` as a customer runs it, against a simulated station served in this process: a scenario of
 * fixtures/scenarios patched in memory (faults added), its station file written, the built CLI run in a child
 * with --json, its stdout kept, its store read back.
 */
#ifndef LC_TESTS_RUN_CLI_H
#define LC_TESTS_RUN_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "sim/runner.h"

typedef struct run_cli {
	lc_sim_scenario *sc;
	lc_sim_runner *runner;
	char dir[512];      /* scratch: station.json, key, reports, results.db */
	char station[600];
	char db[600];
	char *out;          /* stdout of the last run (malloc) */
	char reason[1024];  /* the results store's reason of the last run's row ("" when none) */
	char store_verdict[32];
} run_cli;

/* Serve the scenario (the JSON is consumed: json_decref'd), write its station file. */
void run_cli_start(run_cli *c, json_t *scenario, const char *tag);
/* lanecert run PROCEDURE --station ... --serial SN --json plus extra (NULL-terminated, may be NULL).
 * Returns the exit code; c->out holds stdout, c->reason/store_verdict the store's row. */
int run_cli_run(run_cli *c, const char *procedure, const char *serial, const char *const *extra);
/* Every line of c->out is a JSON object (and the text is valid UTF-8); the "result" line's verdict is
 * copied to verdict (cap bytes). Returns false with a message in why otherwise. */
bool run_cli_json_lines_ok(const run_cli *c, char *verdict, size_t cap, char *why, size_t why_cap);
/* The lasers the simulator sees on. */
int run_cli_lasers_on(run_cli *c);
void run_cli_stop(run_cli *c);

#endif
