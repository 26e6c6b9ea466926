/*
 * The procedure engine: runs one certification procedure (procedures/<name>.lua) for one DUT slot and
 * records everything into a result (reports/result.h).
 *
 * A procedure file returns a table:
 *
 *     return {
 *       name = "breakout-dr4-4x100g", version = "1",
 *       summary = "...",
 *       requires = { "source", "meter" },       -- instrument roles that must be in the station
 *       setup = function(ctx) ... end,          -- optional, runs before the first step
 *       steps = {
 *         { name = "insertion-loss-1310", main = function(ctx) ... end, cleanup = function(ctx) ... end },
 *         ...
 *       },
 *       cleanup = function(ctx) ... end,        -- optional, always runs last
 *     }
 *
 * Rules (design.md, procedures/):
 *   - Each step runs its `main` (and `setup` if it has one) in a protected call. A Lua error, an instrument
 *     error raised by a measurement function, or Ctrl-C ends the step with verdict error (or aborted) and a
 *     detail naming file:line and the step; the remaining steps are skipped (recorded as not run).
 *   - A step's own `cleanup` always runs after it; the procedure's `cleanup` always runs at the end; then
 *     the engine puts every instrument of the station in its safe state (sources and BERT outputs off),
 *     whatever happened. Ctrl-C during cleanup does not interrupt it. An error in a cleanup makes the run
 *     `error` and the next cleanup still runs.
 *   - Verdicts aggregate by maximum (fixtures/verdict.h); nothing is pass that was not measured.
 *
 * Thread safety: lc_procedure_run() may run in several threads at once (one per slot), each with its own
 * result; shared instruments are locked per operation by the instrument layer, and the events callbacks
 * are called from the slot's thread (the host serialises its output).
 */
#ifndef LC_PROCEDURES_ENGINE_H
#define LC_PROCEDURES_ENGINE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "fixtures/channel.h"
#include "fixtures/limits.h"
#include "fixtures/station.h"
#include "base/abort.h"
#include "procedures/instrument_set.h"
#include "procedures/prompt.h"
#include "reports/result.h"

/* What the host (CLI, a line controller) hears while a run goes on. Every callback may be NULL. */
typedef struct lc_run_events {
	void *user;
	void (*step_start)(void *user, unsigned slot, const char *step, size_t index, size_t total);
	void (*step_end)(void *user, unsigned slot, const char *step, enum lc_verdict verdict, const char *detail);
	void (*measurement)(void *user, unsigned slot, const char *step, const lc_result_measurement *m);
	/* fraction in [0,1], eta_s < 0 when unknown, text may be NULL */
	void (*progress)(void *user, unsigned slot, const char *step, double fraction, double eta_s,
			 const char *text);
	void (*log)(void *user, unsigned slot, const char *message);
} lc_run_events;

#define LC_RUN_OPTIONS_MAX 16

typedef struct lc_run_setup {
	const char *procedure;        /* a name in procedures_dir ([a-z0-9-]+, lc_procedure_name_valid()) */
	const char *procedures_dir;   /* NULL: lc_procedures_dir(NULL) */
	/* A custom procedure file outside procedures_dir (`lanecert run --procedure-file`), or NULL. When set,
	 * procedure is ignored and the result records the file as custom with its SHA-256. Since 0.2. */
	const char *procedure_file;
	const lc_station *station;
	lc_instrument_set *instruments; /* opened station instruments, shared by the slots */
	const lc_channel *channel;    /* the DUT's cable type */
	const char *cable_type;       /* its name, as recorded */
	const lc_limits *limits;
	/* The fixtures folder the run's station, cable and limits came from (`lanecert run --fixtures`), or NULL:
	 * lc_fixtures_dir(NULL). Searched for the part actually found when a DUT is not the expected one.
	 * Since 0.2. */
	const char *fixtures_dir;
	/* The station's state folder (references kept between runs when the station keeps them,
	 * reference_keep_s), or NULL: then such a station's reference step is an error. The host resolves it
	 * (`lanecert run --state`, the station's state_dir, beside the results store) and creates it. Since 0.2. */
	const char *state_dir;
	/* Set: the station may not certify now (a golden-cable check missing, failed or expired,
	 * procedures/golden.h): the run records its instruments, measures nothing and ends error with this
	 * reason. NULL: it runs. Since 0.2. */
	const char *golden_block;
	const char *serial;
	unsigned slot;                /* 1-based */
	const char *operator_name;
	int attempt;                  /* the how-manieth run of this serial in the results store, 0: unknown */
	/* The operator's reason to use instruments past their calibration due date, or NULL: then such a run
	 * does not start (procedures/calibration.h). Recorded next to each such instrument. */
	const char *accept_expired_calibration;
	lc_prompter *prompter;
	/* The host's abort flag (Ctrl-C, SIGTERM; may be NULL): when it becomes non-zero the running step stops —
	 * the Lua hook within LC_SANDBOX_ABORT_CHECK_INSTRUCTIONS, the library's waits within
	 * LC_ABORT_SLICE_MS, an instrument command in flight within its timeout — the remaining steps are not
	 * run, every cleanup runs to its end, and the run's verdict is `aborted`. The engine arms the flag on the
	 * slot's thread (base/abort.h) only while setup and steps run. */
	const lc_abort_flag *abort_flag;
	/* Procedure options, "key=value" (e.g. "wavelengths=1310,1550", "ber_target=1e-12"). */
	size_t n_options;
	const char *options[LC_RUN_OPTIONS_MAX];
	lc_run_events events;
} lc_run_setup;

/*
 * Run the procedure for one slot, recording into result (which the caller created; the engine sets
 * procedure, DUT, start, steps, measurements and finishes it). Returns 0 when the run happened (whatever its
 * verdict: read lc_result_verdict()), or a negative LC_ERR_* when it could not start (unknown procedure,
 * malformed procedure table, a required role missing from the station) — then the result is finished with
 * verdict error and the reason.
 */
int lc_procedure_run(const lc_run_setup *setup, lc_result *result, lc_diag *diag);

/*
 * Run slots at once, one thread each: setups[i] on results[i] (created by the caller); rcs[i] and diags[i]
 * receive each run's lc_procedure_run() outcome. Returns when every slot has finished (0, or LC_ERR_NOMEM
 * before anything ran). Shared instruments are locked per operation, so slots interleave safely.
 */
int lc_procedure_run_slots(const lc_run_setup *setups, lc_result *const *results, size_t n, int *rcs,
			   lc_diag *diags);

/*
 * The folder of the .lua procedures: explicit, else $LANECERT_PROCEDURES, else the source tree's
 * procedures/ (a build from a checkout), else the installed data folder. Never NULL.
 */
const char *lc_procedures_dir(const char *explicit_dir);

/* True when name can name an installed procedure: 1-63 characters of [a-z0-9-]. A path never can: a
 * procedure file outside the installed ones is lc_run_setup.procedure_file. Since 0.2. */
bool lc_procedure_name_valid(const char *name);

/* Resolve a procedure name to its file in procedures_dir (NULL: lc_procedures_dir(NULL)) into buf.
 * LC_ERR_NOT_FOUND when name is not a valid name or no such procedure is installed (the detail names the
 * folder). Changed in 0.2: paths are refused. */
int lc_procedure_path(const char *procedures_dir, const char *name, char *buf, size_t cap, lc_diag *diag);

/* Check a procedure file before anything is opened: it is read, compiled and its top level run in the sandbox
 * (no instruments, no ctx) and the table it returns validated (name, steps with name and main, optional setup
 * and cleanup functions), as lc_procedure_run() would. Returns 0; LC_ERR_FORMAT with the Lua message or the
 * bad field (a malformed procedure); LC_ERR_NOT_FOUND / LC_ERR_IO when it cannot be read. procedures_dir
 * (NULL: the default) serves its require(). Thread-safe (a sandbox of its own). Since 0.3. */
int lc_procedure_check_file(const char *procedures_dir, const char *path, lc_diag *diag);

/* The names of the installed procedures in procedures_dir (NULL: the default), sorted, separated by ", ",
 * into buf (truncated to cap, always NUL-terminated). Returns their number, or LC_ERR_NOT_FOUND when the
 * folder cannot be read. Since 0.2. */
int lc_procedure_list(const char *procedures_dir, char *buf, size_t cap, lc_diag *diag);

#endif
