/*
 * The sequential BER step: every lane is measured in parallel and decided as soon as the data allow —
 *   pass          as soon as the one-sided upper bound at CL is below the target,
 *   fail          as soon as the one-sided lower bound at CL is above the target,
 *   inconclusive  at the step's maximum time (or when the lane never synchronizes / loses sync),
 *   error         when the instrument's data cannot be trusted (counter wrap, overflow, a channel that stops
 *                 updating, a result that vanishes, an instrument error-queue entry, I/O failure).
 * Nothing becomes pass unless a valid, synchronized, monotonic count proved it.
 *
 * With zero errors the pass decision falls at bits = -ln(1-CL)/target, the fixed-length test's own length,
 * so stopping early costs nothing in confidence for clean lanes; a lane with errors is looked at once per
 * gate, and docs/ber.md explains what repeated looks mean for the stated confidence.
 *
 * The decision logic (lc_ber_seq_update and friends) is pure: it takes readings and instrument times and is
 * unit-tested without an instrument. lc_ber_seq_run() is the I/O loop around it: start gating, poll every
 * gate period, stop gating (always, also on error).
 *
 * Time: the step judges in instrument time — the elapsed time the BERT reports with each reading (simulated
 * instrument time on the simulator, compressed or not). Wall time only paces the polls and bounds the loop.
 *
 * Thread safety: lc_ber_lane and lc_ber_seq_config are plain data owned by the caller; lc_ber_seq_run() uses
 * the instrument through the BERT class functions, which lock it per operation.
 */
#ifndef LC_BERT_BER_SEQUENTIAL_H
#define LC_BERT_BER_SEQUENTIAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixtures/verdict.h"
#include "base/error.h"
#include "instruments/bert/bert_reading.h"

typedef struct lc_ber_seq_config {
	double target;         /* BER limit: 1e-12 (NRZ raw or post-FEC), 2.4e-4 (pre-FEC, KP4 RS(544,514)) */
	double cl;             /* confidence level, e.g. 0.95 */
	double max_time_s;     /* instrument time after which an undecided lane is inconclusive */
	double gate_s;         /* poll period in instrument time (default 1 s) */
	double bit_rate;       /* lane rate (bit/s) for the plausibility check of counts; 0: not checked */
	double sync_timeout_s; /* a lane never synchronized by then is inconclusive; default 3 gates */
	unsigned stale_polls;  /* this many gate periods of instrument time without new bits = the channel
	                          stopped updating (3); polls faster than the instrument updates are not stale */
} lc_ber_seq_config;

/* Why a lane was decided. */
enum lc_ber_reason {
	LC_BER_REASON_NONE = 0,       /* not decided */
	LC_BER_REASON_PROVEN_BELOW,   /* pass: upper bound < target */
	LC_BER_REASON_PROVEN_ABOVE,   /* fail: lower bound > target */
	LC_BER_REASON_MAX_TIME,       /* inconclusive: neither bound crossed by max_time_s */
	LC_BER_REASON_NO_SYNC,        /* inconclusive: never synchronized (dark lane, wrong pattern, wrong map) */
	LC_BER_REASON_SYNC_LOST,      /* inconclusive: synchronized, then lost sync */
	LC_BER_REASON_NO_RESULT,      /* inconclusive: the instrument never produced a result */
	LC_BER_REASON_RESULT_VANISHED,/* error: a result was reported, then "no result" */
	LC_BER_REASON_COUNTER_WRAP,   /* error: a counter or the elapsed time went backwards */
	LC_BER_REASON_OVERFLOW,       /* error: the instrument flagged a counter overflow */
	LC_BER_REASON_IMPLAUSIBLE,    /* error: more errors than bits, or more bits than the line rate allows */
	LC_BER_REASON_STALE,          /* error: the channel stopped updating */
	LC_BER_REASON_INSTRUMENT,     /* error: the instrument's error queue reported an error */
	LC_BER_REASON_IO,             /* error: the instrument could not be read */
	LC_BER_REASON_ABORTED,        /* aborted: the operator stopped the step (Ctrl-C) */
};

typedef struct lc_ber_lane {
	/* --- result --- */
	enum lc_verdict verdict;  /* LC_VERDICT_NONE until decided */
	enum lc_ber_reason reason;
	uint64_t bits, errors;    /* the last valid counts (those the verdict rests on) */
	double estimate;          /* errors / bits; NAN without bits */
	double lower, upper;      /* one-sided bounds at CL; NAN without bits */
	double decision_s;        /* instrument time of the decision; NAN until decided */
	double last_s;            /* instrument time of the last reading judged */
	char detail[160];         /* why, in words ("pattern sync lost at 12.0 s") */
	/* --- tracking between readings (owned by the functions below) --- */
	bool seen_result, seen_sync;
	double changed_s;         /* instrument time at which the bit count last moved */
} lc_ber_lane;

/* Defaults: target 1e-12, cl 0.95, max_time_s 60, gate_s 1, bit_rate 0, sync_timeout_s 0 (= 3 gates),
 * stale_polls 3. */
void lc_ber_seq_config_init(lc_ber_seq_config *cfg);
/* LC_ERR_ARG with a detail if a field is out of range (target or cl outside (0,1), times not positive). */
int lc_ber_seq_config_check(const lc_ber_seq_config *cfg, lc_diag *diag);

void lc_ber_lane_init(lc_ber_lane *lane);

/* Judge one reading taken at instrument time t_s (seconds since the start). Returns 1 if the lane is decided
 * (now or before: a decided lane keeps its verdict and ignores later readings), 0 if it needs more data,
 * LC_ERR_ARG for a bad config or a non-finite t_s. */
int lc_ber_seq_update(const lc_ber_seq_config *cfg, lc_ber_lane *lane, const lc_bert_reading *r, double t_s,
		      lc_diag *diag);

/* Decide an undecided lane with an error verdict (instrument error, I/O failure) and a detail;
 * LC_BER_REASON_ABORTED gives the verdict aborted instead. */
void lc_ber_seq_set_error(lc_ber_lane *lane, enum lc_ber_reason reason, double t_s, const char *detail);

/* "proven below target", "pattern sync lost", ... */
const char *lc_ber_reason_name(enum lc_ber_reason r);

/* ---- the I/O loop --------------------------------------------------------------------------------- */

typedef struct lc_instrument lc_instrument;

typedef struct lc_ber_seq_io {
	int poll_ms;             /* wall time between polls; 0: gate_s in ms (set gate/scale on a compressed sim) */
	int64_t wall_timeout_ms; /* bound on the loop in wall time; 0: 2 x max_time_s + 30 s */
	void (*sleep_ms)(void *user, int64_t ms); /* NULL: lc_sleep_ms */
	void *user;
	/* Called after every poll with the lanes decided so far and the instrument time reached; may be NULL. */
	void (*progress)(void *user, size_t decided, size_t total, double instrument_s);
} lc_ber_seq_io;

/*
 * Run the step on `n` lanes (1-based lane numbers of the BERT) of a BERT whose patterns, rate and outputs
 * are already set: start gating, read the undecided lanes once per poll, check the error queue, decide,
 * stop gating when every lane is decided or on failure. out[i] receives lane lanes[i]'s result.
 * Returns 0 when every lane got a verdict from its data (pass/fail/inconclusive/error), or the negative
 * code of an I/O or instrument failure (the undecided lanes are then `error` with the detail, diag says
 * why). io may be NULL. An abort armed on the calling thread (base/abort.h) is looked at after every poll:
 * the step stops gating, every undecided lane ends `aborted` and the return is LC_ERR_ABORTED.
 */
int lc_ber_seq_run(lc_instrument *bert, const lc_ber_seq_config *cfg, const lc_ber_seq_io *io,
		   const unsigned *lanes, size_t n, lc_ber_lane *out, lc_diag *diag);

#endif
