/*
 * Lane physics of the simulated BERTs (Anritsu MP1900A in inst_anritsu_mp1900.c, Keysight M8040A in
 * inst_keysight_m8040a.c; the file carries the Anritsu prefix only because of file ownership in the tree).
 *
 * PPG lane i arrives at ED lane map(i) (the world's lane map of the DUT, or a table given by a test);
 * an ED lane is synchronized when light arrives (output on, lane not dark), its expected pattern and
 * polarity equal those of the PPG lane that arrives, and the lane's BER is below 0.1. Counters advance in
 * whole update periods of instrument time (default 1 s): before the first period ends after a start there
 * is no result ("-------"). Each period adds rate x period compared bits while synchronized and a Poisson
 * count of errors with mean BER x bits, drawn from a stream keyed by (seed, ED lane, period number), so a
 * run is the same for the same seed whenever the client polls. Instrument time is wall time x the time
 * scale since the lanes were created, read once per program message (lc_simb_latch from the engine's
 * message hook): a real BERT answers one message well within an update period, so all the queries of one
 * message see the same counters and elapsed time however loaded the simulator's machine is, while the
 * counters still move between messages as they do on the instrument.
 *
 * Thread safety: none of its own; the owning instrument calls it with its engine's lock held.
 */
#ifndef LC_SIM_INST_ANRITSU_LANES_H
#define LC_SIM_INST_ANRITSU_LANES_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/world/world.h"

#define LC_SIMB_LANES_MAX 16

/* The truth a test gives instead of a world: map[i] = ED lane of PPG lane i (-1 dark), ber[i]. */
typedef struct lc_simb_truth {
	unsigned lanes;
	int map[LC_SIMB_LANES_MAX];
	double ber[LC_SIMB_LANES_MAX];
} lc_simb_truth;

struct lc_simb_meas {
	bool running;
	double t_start;          /* instrument time of the start */
	uint64_t periods;        /* whole update periods counted since the start */
	uint64_t bits, errors;
	uint64_t loss_periods;   /* periods without sync after the lane had been synchronized */
	bool ever_sync;
	bool sync_now;           /* sync during the last counted period */
};

typedef struct lc_simb {
	unsigned lanes;
	lc_sim_world *world;     /* truth from the world, or from `truth` when NULL */
	lc_simb_truth truth;
	uint64_t seed;
	double scale;            /* instrument seconds per wall second (> 0) */
	int64_t (*now_us)(void *user); /* the time source: monotonic wall time, or a test's manual clock */
	void *now_user;
	int64_t t0_us;           /* time source at creation */
	bool latched;            /* lc_simb_latch was called: the time is latched_us until the next latch */
	int64_t latched_us;
	double update_s;         /* counter update period in instrument time */
	double blocked_until;    /* instrument time up to which lc_simb_observe has accounted a wait */
	double rate;             /* bit/s of every lane */
	bool unsynced_counts;    /* an unsynchronized detector counts compared bits, half of them errored */
	int ppg_order[LC_SIMB_LANES_MAX], ed_order[LC_SIMB_LANES_MAX]; /* PRBS order, 0 = none */
	bool ppg_pam4[LC_SIMB_LANES_MAX], ed_pam4[LC_SIMB_LANES_MAX];
	bool ppg_invert[LC_SIMB_LANES_MAX], ed_invert[LC_SIMB_LANES_MAX];
	bool ppg_on[LC_SIMB_LANES_MAX];
	bool global_on;
	struct lc_simb_meas m[LC_SIMB_LANES_MAX];
} lc_simb;

/* Set up n lanes (1..16): truth from world (truth NULL) or from truth (world NULL). scale <= 0 means 1.
 * now_us NULL: the monotonic clock (lc_now_us); else a clock of the caller's (tests step it by hand). */
int lc_simb_init(lc_simb *b, unsigned n, lc_sim_world *world, const lc_simb_truth *truth, uint64_t seed,
		 double scale, int64_t (*now_us)(void *user), void *now_user);
/* Instrument seconds since creation: at the last lc_simb_latch, or live before the first one. */
double lc_simb_now(const lc_simb *b);
/* Read the time source once and use that time until the next latch: the owning instrument calls it at the
 * start of every program message (lc_sim_scpi_config.message). */
void lc_simb_latch(lc_simb *b);
/* Count every whole update period up to now on the running lanes (call before any state change). */
void lc_simb_advance(lc_simb *b);
/*
 * The client reads the result of ED lane e: the instrument seconds this result made a client wait that no
 * earlier observation accounted. A result of k periods exists only from t_start + k x update_s on, so a
 * client holding it has waited at least until then; lanes gating together overlap and count once (the
 * union of [t_start, end of the last period read] over the lanes). 0 before the first period ends.
 * The owning instrument adds it to its clock (lc_sim_account): the simulator's measure of the time it
 * blocks its client, which the BERT's soak otherwise never showed.
 */
double lc_simb_observe(lc_simb *b, unsigned e);
/* Start (counters from zero) / stop the ED lane e (0-based). */
void lc_simb_start(lc_simb *b, unsigned e);
void lc_simb_stop(lc_simb *b, unsigned e);
/* Whether ED lane e is synchronized now. */
bool lc_simb_sync(const lc_simb *b, unsigned e);
/* Whether ED lane e has a result (a whole period counted since its start). */
bool lc_simb_has_result(const lc_simb *b, unsigned e);
/* Instrument time covered by ED lane e's counters (whole periods). */
double lc_simb_elapsed(const lc_simb *b, unsigned e);

#endif
