/*
 * What `lanecert run` checks before it opens anything: the procedure is an installed name (or an explicit
 * --procedure-file), every serial passes the station's rule, an operator is known; and the --out folder the
 * reports go to. Each function prints its own error (lanecert run: ...) and returns an exit code, 0 when the
 * input is accepted.
 */
#ifndef LC_CLI_RUN_INPUTS_H
#define LC_CLI_RUN_INPUTS_H

#include <stdbool.h>
#include <stddef.h>

#include <lanecert/channel.h>

/* name: a procedure name (may be NULL when file is given); file: --procedure-file PATH or NULL. Exit 66 with
 * the list of installed procedures for an unknown name, 64 for both or neither. */
int lc_run_check_procedure(const char *name, const char *file, const char *procedures_dir);

/* Every serial against the station's rule (fixtures/serial_rule.h): 64 with the rule shown. */
int lc_run_check_serials(const char *const *serials, size_t n, const lc_station *st);

/* The operator: given (--operator), else the station's default_operator, else asked on the terminal when
 * interactive. Written into buf. 64 when there is none or it is not a name (control characters, not UTF-8,
 * longer than 63 bytes). */
int lc_run_resolve_operator(const char *given, const lc_station *st, bool interactive, char *buf, size_t cap);

/* A job, customer or site (what: "job", "customer", "site"): given (--job ...), else the station's default
 * (default_job ...; "" for none), else none (*out NULL). 64 when it is not 1-200 bytes of UTF-8 text
 * without control characters. */
int lc_run_resolve_job_field(const char *what, const char *given, const char *station_default, const char **out);

/* Create --out (and its parents) if needed, open it as *fd, and remove what killed runs left in it. An exit
 * code (74 I/O, 77 permission) when it cannot be opened. */
int lc_run_open_out(const char *out, int *fd);

/* The station's state folder when it keeps state between runs (reference_keep_s > 0, or a golden cable; else buf is ""):
 * given (--state), else the station's state_dir, else "station-state" beside the results store (db: --db
 * or NULL for the default store; no_db: there is none). Created if needed. 64 when there is no folder to
 * keep it in, 74 (77: permission) when it cannot be created. */
int lc_run_state_dir(const char *given, const lc_station *st, const char *db, bool no_db, char *buf,
			  size_t cap);

/* A golden cable's run (--golden record|check): the station declares a golden cable and the one serial given
 * is its serial. Else, and for a golden option on a station without one, 64. */
int lc_run_golden_mode(bool golden, const lc_station *st, const char *const *serials, size_t n);

/* The report folder name of a slot's run: "<serial>-<UTC time>-slot<N>". */
void lc_run_report_name(const char *serial, unsigned slot, char *buf, size_t cap);

#endif
