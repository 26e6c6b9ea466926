/*
 * <lanecert/run.h>: Runs: the procedure engine, the station's instrument set, calibration and operator prompts.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_RUN_H
#define LANECERT_RUN_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.h"
#include "instruments.h"
#include "results.h"

/* ---- procedures/calibration.h ---- */
/*
 * Calibration validity before measuring (issue 12). A run uses the instruments its slot is wired to
 * (instruments and switches of the slot's wires) and the roles its procedure requires. If one of them is
 * past its calibration due date (the station file's "calibration_due"; the instrument may be used through
 * that day, UTC) the run does not start: verdict error, no measurement, a message naming the role, the
 * instrument and the date — unless the operator accepts it with a reason
 * (`lanecert run --accept-expired-calibration REASON`), which the result records next to each such
 * instrument (lc_result_instrument.calibration_override) and the certificate shows.
 *
 * Thread safety: pure functions of their arguments. Since 0.1.
 */



typedef struct lc_run_calibration {
	int64_t today;            /* UTC day of the run (fixtures/date.h: days since 1970-01-01) */
	const char *reason;       /* the operator's acceptance of expired calibration, or NULL */
	unsigned slot;            /* the slot whose wires count as used */
	const char *const *roles; /* roles the procedure requires */
	size_t n_roles;
} lc_run_calibration;

/*
 * Whether the instrument of role is used by the run c describes: role is one of c->roles, or the station wires
 * it (as the instrument or as the switch of a wire) to c->slot.
 *
 * Returns: true when used, false otherwise (also for a role the station does not have).
 * Thread safety: reentrant (reads c and st only).
 * Since: 0.1
 */
LC_API bool lc_calibration_in_use(const lc_run_calibration *c, const lc_station *st, const char *role);

/*
 * Whether si is past its calibration due date on day today (UTC days since 1970-01-01): it may be used
 * through the due day itself. An instrument without a due date never expires; a due date that does not
 * parse counts as expired (the station loader refuses those, so this is a second line of defence).
 *
 * Returns: true when expired, false otherwise.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API bool lc_calibration_expired(const lc_station_instrument *si, int64_t today);

/*
 * Check, before measuring, that every instrument st lists and c uses (lc_calibration_in_use()) is within
 * its calibration, unless the operator accepted expired calibration (c->reason set).
 *
 * Returns: 0 when every instrument in use is within calibration or c->reason is set; LC_ERR_STATE with diag
 * naming the first instrument past due (role, resource, due date) and how to proceed.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_calibration_check(const lc_run_calibration *c, const lc_station *st, lc_diag *diag);

/*
 * The override to record for the instrument of role: c->reason when that instrument is in use and past due,
 * else NULL. c may be NULL (no calibration check: NULL).
 *
 * Returns: c->reason (owned by the caller of lc_calibration_*, valid as long as c->reason is) or NULL.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_calibration_override(const lc_run_calibration *c, const lc_station *st, const char *role);

/* ---- procedures/prompt.h ---- */
/*
 * Operator prompts ("connect the reference cord to the source"), with a non-interactive mode for factory
 * automation and CI.
 *
 * A prompt has an id, a text and a kind. Resolution order:
 *   1. a pre-answer for the id (`--answer ID=VALUE` on the command line, or a station file's answers);
 *   2. a confirmation on a station with automation (the station file's "automation" resource: a line
 *      controller, a robot's gateway, or the simulator's simulated operator) is sent to it as
 *      `OPERator:ACTion "<id>",<slot>` followed by `*OPC?`, and confirmed when the action completed without an
 *      entry in its error queue (docs/procedures.md describes the protocol);
 *   3. non-interactive: a confirmation is confirmed, a question takes its default; a question without a
 *      default is an error that names the id, so a CI run never hangs waiting for a keyboard;
 *   4. interactive: the host's ask callback (the CLI reads the terminal).
 *
 * Thread safety: an lc_prompter is shared by the slots of a run; lc_prompt_ask serialises callbacks.
 */



enum lc_prompt_kind { LC_PROMPT_CONFIRM = 0, LC_PROMPT_QUESTION };

/* Ask the operator; write the answer (NUL-terminated) to answer. Return 0, LC_ERR_ABORTED if the operator
 * declined, or another error. */
typedef int (*lc_prompt_ask_fn)(void *user, const char *id, const char *text, enum lc_prompt_kind kind,
				const char *default_answer, char *answer, size_t cap);

#define LC_PROMPT_MAX_ANSWERS 32

typedef struct lc_prompter {
	bool interactive;
	lc_prompt_ask_fn ask;
	void *user;
	size_t n_answers;
	struct {
		char id[64];
		char value[192];
	} answers[LC_PROMPT_MAX_ANSWERS];
	lc_scpi *automation; /* owned; NULL without automation */
	pthread_mutex_t lock;
} lc_prompter;

/*
 * Initialise the prompter at p (caller storage): no pre-answers, no automation. interactive takes effect only
 * with an ask callback (interactive without ask is non-interactive). user is passed to ask unchanged.
 *
 * Returns: nothing. Pair with lc_prompter_destroy().
 * Thread safety: p must not be in use by another thread.
 * Since: 0.1
 */
LC_API void lc_prompter_init(lc_prompter *p, bool interactive, lc_prompt_ask_fn ask, void *user);

/*
 * Release what p holds: the automation connection (closed) and the lock. p may be initialised again.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use p during or after the call.
 * Since: 0.1
 */
LC_API void lc_prompter_destroy(lc_prompter *p);

/*
 * Connect the automation at resource (a SCPI resource string) that confirmations go to (see above), with
 * a two-minute *OPC? timeout (a physical action takes longer than an instrument's). A second call replaces
 * the first connection, which is closed.
 *
 * Returns: 0; the errors of lc_scpi_open() with diag prefixed "automation RESOURCE: ". On failure p keeps the
 * automation it had (or none).
 * Thread safety: not while another thread asks a prompt of p.
 * Since: 0.1
 */
LC_API int lc_prompter_set_automation(lc_prompter *p, const char *resource, lc_diag *diag);

/*
 * Add a pre-answer from "ID=VALUE" (an id of at most 63 bytes, a value of at most 191; the value may be empty
 * and may contain '='). A later lc_prompt_ask() of that id is answered with VALUE without asking; of two
 * answers to one id the first wins.
 *
 * Returns: 0; LC_ERR_ARG for NULL, a missing '=' or id, or a part too long; LC_ERR_OVERFLOW when p already
 * holds LC_PROMPT_MAX_ANSWERS answers. On failure p is unchanged.
 * Thread safety: not while another thread uses p.
 * Since: 0.1
 */
LC_API int lc_prompter_add_answer(lc_prompter *p, const char *id_equals_value, lc_diag *diag);

/*
 * Ask prompt id (text: what the operator reads) about slot (0: the whole station; the automation is told
 * slot 1 then), resolved in the order described above, and write the answer to answer (cap bytes): a
 * pre-answer, "ok" for a confirmation the automation did or that a non-interactive prompter confirms, the
 * default, or what the ask callback wrote (the callback gets cap and must stay within it).
 *
 * Returns: 0 with answer set; LC_ERR_ARG when cap is 0; LC_ERR_OVERFLOW when a pre-answer or the default does
 * not fit in cap (never cut); LC_ERR_ARG for an id the automation cannot be sent (a '"' or
 * a control character); LC_ERR_STATE for a question without pre-answer or default in non-interactive mode (diag
 * names the id and the --answer to give); LC_ERR_ABORTED when the operator declined; the automation's error
 * (its SCPI error, a timeout) or the ask callback's code otherwise. On failure answer is unspecified.
 * Thread safety: p may be shared by the slots of a run; automation exchanges and ask callbacks are serialised
 * by p's lock.
 * Since: 0.1
 */
LC_API int lc_prompt_ask(lc_prompter *p, unsigned slot, const char *id, const char *text, enum lc_prompt_kind kind,
		  const char *default_answer, char *answer, size_t cap, lc_diag *diag);

/* ---- procedures/instrument_set.h ---- */
/*
 * The station's instruments, opened once per run and shared by its slots, looked up by role.
 *
 * Opening identifies each instrument by *IDN? (instruments/registry.h). A role whose instrument cannot be
 * opened makes the whole set fail with the role named, so a run never starts with half a station.
 * lc_instrument_set_safe() puts every instrument in its safe state (every source output off, every return-
 * loss meter source off, every BERT output off); it tries all of them even when one fails.
 *
 * Thread safety: lookups may run from any thread once the set is open; open/close from one thread.
 */



typedef struct lc_instrument_set lc_instrument_set;

/*
 * What the station file alone can tell, checked before anything is opened: every instrument's resource
 * string parses, the driver it names is in this build, and its layout parses for that driver (for any
 * driver that takes one when it names none). Opens nothing.
 *
 * Returns: 0; LC_ERR_NOT_FOUND for a driver that is not in this build; LC_ERR_FORMAT for a malformed resource
 * or layout. diag names the role and the bad part.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_instrument_set_check(const lc_station *st, lc_diag *diag);

/*
 * Open every instrument of the station (after lc_instrument_set_check()): lc_instrument_set_open_slots() for
 * all slots. Module memories (I2C:: resources) are not opened here: they belong to the DUT.
 *
 * Returns: 0 with *out a new set the caller closes with lc_instrument_set_close(); on failure a negative
 * LC_ERR_* with *out untouched and every instrument opened so far closed again. LC_ERR_FORMAT means the
 * station file is wrong about an instrument that answered: it names a driver that does not serve the model
 * the instrument says it is (*IDN?), or the driver refused its settings (a layout slot that model lacks).
 * Any other code is a fault of the station (unreachable, silent, garbled, an unknown model); LC_ERR_NOMEM.
 * diag names the role and the resource.
 * Thread safety: reentrant for different stations.
 * Since: 0.1
 */
LC_API int lc_instrument_set_open(const lc_station *st, lc_instrument_set **out, lc_diag *diag);

/*
 * Open the instruments a run of slots first_slot .. first_slot + n_slots - 1 uses: those the station's
 * wiring ties to one of these slots (as the instrument or the switch of a wire) and those it ties to no
 * slot. Another slot's instruments are left alone, so separate runs on separate slots of one station never
 * record, drive or turn off each other's instruments. lc_instrument_set_open() is this for every slot.
 *
 * Returns: as lc_instrument_set_open(): 0 with *out set (the caller frees it with
 * lc_instrument_set_close()); on failure a negative LC_ERR_* with *out untouched, everything opened so far
 * closed again, and diag naming the role.
 * Thread safety: reentrant for different stations and sets.
 * Since: 0.1
 */
LC_API int lc_instrument_set_open_slots(const lc_station *st, unsigned first_slot, unsigned n_slots,
					lc_instrument_set **out, lc_diag *diag);

/*
 * Close every instrument of set (without putting them in their safe state: lc_instrument_set_safe()) and free
 * it. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use set or its instruments during or after the call.
 * Since: 0.1
 */
LC_API void lc_instrument_set_close(lc_instrument_set *set);

/*
 * The instrument of role in set.
 *
 * Returns: the instrument (owned by set, valid until lc_instrument_set_close()), or NULL when set is NULL or
 * has no such role.
 * Thread safety: any thread once the set is open.
 * Since: 0.1
 */
LC_API lc_instrument *lc_instrument_set_get(lc_instrument_set *set, const char *role);

/*
 * The number of instruments set opened.
 *
 * Returns: that number; 0 for NULL.
 * Thread safety: any thread once the set is open.
 * Since: 0.1
 */
LC_API size_t lc_instrument_set_count(const lc_instrument_set *set);

/*
 * The i-th instrument of set (in the station file's order), and its role in *role (when role is not NULL).
 *
 * Returns: the instrument (owned by set) with *role pointing into set (both valid until
 * lc_instrument_set_close()); NULL when set is NULL or i >= lc_instrument_set_count(), *role then unchanged.
 * Thread safety: any thread once the set is open.
 * Since: 0.1
 */
LC_API lc_instrument *lc_instrument_set_at(lc_instrument_set *set, size_t i, const char **role);

/*
 * Record each instrument's identity (role, resource, *IDN?) and its calibration dates from st in r, in the
 * set's order; cal (may be NULL) adds the operator's acceptance to each instrument in use past its due date
 * (lc_calibration_override()).
 *
 * Returns: 0; the first error of lc_result_add_instrument() (LC_ERR_ARG for a string that is not UTF-8 or a
 * date that does not parse, LC_ERR_NOMEM).
 * On failure the instruments before the failing one are recorded and r remembers the failure
 * (lc_result_failure()): the run is an error.
 * Thread safety: r belongs to the caller; the instruments' identities are read-only.
 * Since: 0.1
 */
LC_API int lc_instrument_set_record(lc_instrument_set *set, const lc_station *st, const lc_run_calibration *cal,
			     lc_result *r, lc_diag *diag);

/*
 * Put every instrument of set in its safe state (every source output off, every return-loss meter source
 * off, every BERT output off). All are tried even when one fails; an instrument that can light something and
 * whose session failed is tried once more on a fresh connection of its own. set may be NULL (nothing to do).
 *
 * Returns: 0 when all are safe; otherwise the first failure's code, with diag naming it ("laser may still be
 * on: VENDOR MODEL serial ... " for one that can light). Each failure is also logged as a warning.
 * Thread safety: locks each instrument per operation; may run while other threads use the set.
 * Since: 0.1
 */
LC_API int lc_instrument_set_safe(lc_instrument_set *set, lc_diag *diag);

/* ---- procedures/engine.h ---- */
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
	 * procedure is ignored and the result records the file as custom with its SHA-256. Since 0.1. */
	const char *procedure_file;
	const lc_station *station;
	lc_instrument_set *instruments; /* opened station instruments, shared by the slots */
	const lc_channel *channel;    /* the DUT's cable type */
	const char *cable_type;       /* its name, as recorded */
	const lc_limits *limits;
	/* The fixtures folder the run's station, cable and limits came from (`lanecert run --fixtures`), or NULL:
	 * lc_fixtures_dir(NULL). Searched for the part actually found when a DUT is not the expected one.
	 * Since 0.1. */
	const char *fixtures_dir;
	/* The station's state folder (references kept between runs when the station keeps them,
	 * reference_keep_s), or NULL: then such a station's reference step is an error. The host resolves it
	 * (`lanecert run --state`, the station's state_dir, beside the results store) and creates it. Since 0.1. */
	const char *state_dir;
	/* Set: the station may not certify now (a golden-cable check missing, failed or expired,
	 * procedures/golden.h): the run records its instruments, measures nothing and ends error with this
	 * reason. NULL: it runs. Since 0.1. */
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
	/* lc_procedure_run_slots() calls finished(finished_user, slot, result, rc) on the slot's own thread as soon
	 * as its run has ended (rc: lc_procedure_run()'s), while other slots may still run: the host can start on
	 * the slot's report (lanecert run renders its views then). The result is complete but the host may still
	 * change it (a final safety check may make it an error), so nothing final is published from here. NULL:
	 * not called. Since 0.1. */
	void (*finished)(void *user, unsigned slot, lc_result *result, int rc);
	void *finished_user;
} lc_run_setup;

/*
 * Run the procedure for one slot, recording into result (which the caller created with lc_result_new(); the
 * engine sets procedure, DUT, start, steps, measurements and finishes it).
 *
 * Returns: 0 when the run happened, whatever its verdict (read lc_result_verdict()); a negative LC_ERR_* when
 * it could not start: LC_ERR_ARG (no serial), LC_ERR_NOT_FOUND (unknown procedure), LC_ERR_FORMAT (a malformed
 * procedure table, a required role missing from the station), LC_ERR_NOMEM, or the error of recording the DUT.
 * Every refusal finishes the result too, with verdict error and diag's text as the reason. The result
 * belongs to the caller in both cases.
 * Thread safety: see above (one thread per slot, each with its own result).
 * Since: 0.1
 */
LC_API int lc_procedure_run(const lc_run_setup *setup, lc_result *result, lc_diag *diag);

/*
 * Run n slots at once, one thread each: setups[i] on results[i] (created by the caller); rcs[i] and diags[i]
 * receive each run's lc_procedure_run() outcome. A slot that cannot get a thread runs on the calling thread,
 * never skipped.
 *
 * Returns: 0 when every slot has finished (each slot's outcome is in rcs); LC_ERR_NOMEM before anything ran
 * (rcs, diags and the results untouched).
 * Thread safety: as lc_procedure_run(); shared instruments are locked per operation, so slots interleave.
 * Since: 0.1
 */
LC_API int lc_procedure_run_slots(const lc_run_setup *setups, lc_result *const *results, size_t n, int *rcs,
			   lc_diag *diags);

/*
 * The folder of the .lua procedures: explicit_dir when set and not empty, else $LANECERT_PROCEDURES, else the
 * source tree's procedures/ (a build from a checkout), else the installed data folder.
 *
 * Returns: never NULL: explicit_dir itself, the environment's string, or a static string (valid while the
 * environment variable is not changed).
 * Thread safety: reentrant while nobody changes the environment.
 * Since: 0.1
 */
LC_API const char *lc_procedures_dir(const char *explicit_dir);

/*
 * Whether name can name an installed procedure: 1-63 characters of [a-z0-9-]. A path never can: a procedure
 * file outside the installed ones is lc_run_setup.procedure_file.
 *
 * Returns: true or false (false for NULL).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API bool lc_procedure_name_valid(const char *name);

/*
 * Resolve a procedure name to its file "DIR/NAME.lua" in procedures_dir (NULL: lc_procedures_dir(NULL)),
 * written into buf (cap bytes). A path is refused, never resolved.
 *
 * Returns: 0 with buf set; LC_ERR_ARG for a NULL or empty name or when the path does not fit in cap;
 * LC_ERR_NOT_FOUND when name is not a valid name or no such regular file is there (diag names the folder). On
 * failure buf is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_procedure_path(const char *procedures_dir, const char *name, char *buf, size_t cap, lc_diag *diag);

/*
 * Check a procedure file before anything is opened: it is read (at most 1 MiB), compiled and its top level
 * run in the sandbox (no instruments, no ctx), and the table it returns validated (name, steps with name and
 * main, optional setup and cleanup functions), as lc_procedure_run() would. procedures_dir (NULL: the
 * default) serves its require().
 *
 * Returns: 0; LC_ERR_ARG for a NULL path; LC_ERR_FORMAT with the Lua message or the bad field (a malformed
 * procedure); the errors of lc_read_file() (LC_ERR_NOT_FOUND, LC_ERR_IO, ...) when it cannot be read;
 * LC_ERR_NOMEM.
 * Thread safety: reentrant (a sandbox of its own).
 * Since: 0.1
 */
LC_API int lc_procedure_check_file(const char *procedures_dir, const char *path, lc_diag *diag);

/*
 * The names of the installed procedures in procedures_dir (NULL: the default): every "NAME.lua" whose NAME
 * is valid (lc_procedure_name_valid()), sorted, joined by ", ", however many.
 *
 * Returns: their number (0 or more) with *out malloc'd and NUL-terminated ("" for none; the caller frees it
 * with free()); LC_ERR_ARG for a NULL out; LC_ERR_NOT_FOUND when the folder cannot be read; LC_ERR_NOMEM. On
 * failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_procedure_list(const char *procedures_dir, char **out, lc_diag *diag);

/* ---- procedures/golden.h ---- */
/*
 * The golden-cable check (issue 12, item 2c). A station may declare a golden (known-good) cable
 * (lc_station.golden: its serial, how long a passed check lasts, the tolerance). While it does, the station
 * certifies only after a check of that cable that passed less than golden.valid_s ago:
 *
 *   - record: the golden cable measured by the station's procedure, when that run passes, gives the
 *     baseline: every loss it measured (insertion_loss, otdr_loss; not return loss or reflectance, whose
 *     run-to-run spread is tenths of a dB) with its name, lane, wavelength and order —
 *     <state>/<station>-golden-baseline.json;
 *   - check: the golden cable measured again; each baseline value must be found again within
 *     ±golden.tolerance_db, and the run must pass. The outcome (passed or not, why, when) is
 *     <state>/<station>-golden-check.json;
 *   - gate: every other run of the station asks lc_golden_gate() before it measures: no check yet, a
 *     failed one or one older than valid_s refuses it (the run ends error, the reason names the check).
 *
 * Files appear atomically. Thread safety: reentrant (one writer per station state folder). Since 0.1.
 */



#define LC_GOLDEN_WHY_MAX 600

/*
 * Record r (a passed run of st's golden cable) as st's baseline in state_dir: every loss it measured
 * (insertion_loss, otdr_loss) with its name, lane, wavelength and order, written atomically to
 * <state_dir>/<station>-golden-baseline.json (replacing an older baseline).
 *
 * Returns: 0; LC_ERR_STATE when r is not a pass or holds no loss (nothing written); LC_ERR_ARG without a
 * state_dir; LC_ERR_OVERFLOW when the state file's path is too long; the errors of lc_atomic_write() (LC_ERR_IO,
 * LC_ERR_PERMISSION); LC_ERR_NOMEM.
 * Thread safety: reentrant; one writer per station state folder.
 * Since: 0.1
 */
LC_API int lc_golden_record(const lc_station *st, const char *state_dir, const lc_result *r, lc_diag *diag);

/*
 * Compare r (a run of st's golden cable) with st's baseline: each baseline value must be found again within
 * ±golden.tolerance_db and the run must pass. The outcome (passed or not, why, now_unix) is written atomically
 * to <state_dir>/<station>-golden-check.json. why (cap >= 1 bytes; LC_GOLDEN_WHY_MAX is enough) receives the
 * reason of a failed check ("" when it passed).
 *
 * Returns: 1 when the check passed, 0 when it failed (why: the first value out of tolerance, a value not
 * measured again, or the run's own verdict); LC_ERR_NOT_FOUND when there is no baseline (record one first);
 * LC_ERR_FORMAT for an unreadable baseline; LC_ERR_ARG without a state_dir; LC_ERR_OVERFLOW when a state
 * file's path is too long; the errors of lc_atomic_write() when the outcome cannot be written (then nothing is written and no check passed); LC_ERR_NOMEM.
 * Thread safety: reentrant; one writer per station state folder.
 * Since: 0.1
 */
LC_API int lc_golden_check(const lc_station *st, const char *state_dir, const lc_result *r, int64_t now_unix, char *why,
		    size_t cap, lc_diag *diag);

/*
 * May st certify now? why (cap >= 1 bytes; LC_GOLDEN_WHY_MAX is enough) receives the reason it may not ("" when
 * it may).
 *
 * Returns: 1: yes (no golden cable declared, or a passed check of that cable at most golden.valid_s old and
 * not in the future); 0: no, and why names the check: none yet, failed (and why), expired, of another cable,
 * in the future, or unreadable. Never negative: an unreadable check blocks.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_golden_gate(const lc_station *st, const char *state_dir, int64_t now_unix, char *why, size_t cap);

#endif
