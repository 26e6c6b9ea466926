/*
 * The fault matrix's generator: station fault kind x instrument x procedure, each fault placed where that
 * procedure really talks to that instrument.
 *
 * A dry run of the procedure on its good scenario (in process, the simulator watching every program message
 * with lc_sim_scpi_set_observer) learns, per instrument, how many messages opening the station takes and what
 * the run sends after that: its first query, the first reply carrying a block, the *OPC? and *WAI waits, whether
 * the instrument was identified. A cell exists only where its fault can fire: a truncated block on an
 * instrument that never sends a block, or a slow *OPC? on one never asked to wait, is not a cell. The cells
 * are scenarios built in memory (the good scenario with one instrument's faults set), run by the test.
 */
#ifndef LC_TESTS_FAULT_MATRIX_H
#define LC_TESTS_FAULT_MATRIX_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/world/scenario.h"

enum lc_fm_kind {
	LC_FM_HANG,           /* the instrument stops answering at its first query of the run */
	LC_FM_DROP,           /* the connection closes after the first query of the run is answered */
	LC_FM_GARBAGE,        /* that reply is preceded by bytes that are not even UTF-8 (0xFF 0xFE ...) */
	LC_FM_TRUNCATE,       /* that reply is cut in half, no terminator, connection closed */
	LC_FM_TRUNCATE_BLOCK, /* the first block of the run is cut after 5 data bytes, connection closed */
	LC_FM_ERROR_BEFORE,   /* -222 in the error queue before the station is opened */
	LC_FM_ERROR_MID,      /* -222 put in the error queue by the run's first message */
	LC_FM_WRONG_IDN,      /* the identity query answers another instrument */
	LC_FM_SLOW_OPC,       /* every *OPC?, *WAI or *OPC 150 ms slower: within the 10 s *OPC? budget */
	LC_FM_LATENCY,        /* every reply 10 ms late: within the 2 s per-operation timeout */
	LC_FM_KINDS
};

/* "hang", "drop", ...; the simulator's counter that proves it fired ("hang", "errors", "opc_delay", ...). */
const char *lc_fm_kind_name(int kind);
const char *lc_fm_kind_counter(int kind);
/* Slow *OPC? and latency stay inside the instruments' documented budgets: the run must end with the cable's
 * own verdict, the dry run's (pass on a good cable; inconclusive where the procedure says a good cable on
 * that bench cannot be certified, as field-tier2 without Tier 1). Every other kind is a station fault: the
 * run must end `error`. */
bool lc_fm_kind_keeps_verdict(int kind);

/* The most options a row gives its runs (each cell's `lanecert run` passes every one as --option). */
#define LC_FM_OPTIONS_MAX 5

/* One procedure of the matrix: its good scenario, options, and the time scale its cells run at. */
typedef struct lc_fm_procedure {
	const char *procedure, *scenario;
	/* "key=value", NULL-terminated: at most LC_FM_OPTIONS_MAX (a row initialised with one more compiles, with
	 * no terminator: lc_fm_options_fit() refuses it before the row runs) */
	const char *options[LC_FM_OPTIONS_MAX + 1];
	double time_scale;
	double latency_scale;   /* the latency cells' time scale when it must differ (0: time_scale) */
	/* The roles faulted, NULL-terminated; none: every instrument the run talks to. A bench with several
	 * instruments of one model behind the same driver (the SR16 bench's four N7745C) faults one of them. */
	const char *roles[4];
	/* A point deep in the run to fault instead of the connection's start: the faulted roles' cells go to a
	 * target "<role>.<from_name>" that starts at the run's first program message containing `from` (the link
	 * procedures: the first transfer to the I2C mux at 0x71, the first Tx disable of the lane map). Its
	 * faults are those of its own part of the run, as a return-loss module's; NULL: none. */
	const char *from, *from_name;
	/* What the run's reason must say when a hang cell froze the instrument (the procedure's clean-up naming
	 * what it could not undo); NULL: nothing asked beyond the generic outcome. */
	const char *hang_says;
} lc_fm_procedure;

/*
 * What the dry run saw of one instrument (message numbers count from the simulator's start, first is 1). A
 * mainframe's return-loss module (layout "3:rl@...") is an instrument class of its own behind the mainframe's
 * connection: it gets a second record, target "<role>.rl", that starts at the run's first message addressed
 * to the module's slot, so its faults land in the return-loss measurement. A procedure with a `from` gives
 * each faulted role a record "<role>.<from_name>" that starts at the run's first message containing it.
 */
typedef struct lc_fm_role {
	char role[64], kind[64];
	char target[72];      /* role, or role.rl for a mainframe's return-loss module */
	int module_slot;      /* the return-loss module's slot for a .rl target, else 0 */
	const char *from;     /* the procedure's `from` for a "<role>.<from_name>" target, else NULL */
	unsigned attach;      /* messages before the procedure started (opening the station) */
	unsigned total;       /* messages until the procedure ended */
	unsigned first_query; /* first message of the run with a reply, 0: none */
	unsigned first_long;  /* first message of the run with a reply of 2 bytes or more, 0: none */
	unsigned first_block; /* first message of the run whose reply carries a definite block, 0: none */
	unsigned opc_waits;   /* *OPC?, *WAI, *OPC in the run */
	bool identified;      /* asked *IDN? (or the AQ7260's IDER), opening the station or in the run */
} lc_fm_role;

typedef struct lc_fm_plan {
	const lc_fm_procedure *proc;
	char verdict[16]; /* the dry run's verdict: the cable's own, never error */
	int verdict_exit; /* its exit code (0 pass, 1 fail, 2 inconclusive) */
	size_t n_roles;
	lc_fm_role roles[24];
} lc_fm_plan;

typedef struct lc_fm_cell {
	const lc_fm_procedure *proc;
	char role[64], inst_kind[64], target[72];
	int kind;
	lc_sim_faults faults;
	int expect_exit;     /* 3 (error), or the dry run's exit code for a kind that keeps the verdict */
	char expect_verdict[16]; /* the dry run's verdict for those; "" for a station fault */
} lc_fm_cell;

/* Whether the row's options are NULL-terminated within LC_FM_OPTIONS_MAX, each short enough for a command
 * line (so every one reaches the run): true, or false with why (the row's procedure and what is wrong). */
bool lc_fm_options_fit(const lc_fm_procedure *proc, char *why, size_t cap);
/* Dry-run a procedure on its scenario and fill plan (Criterion assertions on failure). */
void lc_fm_dry_run(const lc_fm_procedure *proc, lc_fm_plan *plan);
/* The cells of a plan (at most cap); returns how many. Instruments the run never talks to have no cells. */
size_t lc_fm_cells(const lc_fm_plan *plan, lc_fm_cell *out, size_t cap);
/* The cell's faults as scenario JSON ("faults" object text), to reproduce it with lanecert sim. */
void lc_fm_faults_json(const lc_sim_faults *f, char *buf, size_t cap);

#endif
