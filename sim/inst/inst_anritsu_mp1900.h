/*
 * Simulated Anritsu MP1900A (instrument-dialects.md §4.1), for the scenario runner (kind "anritsu_mp1900a")
 * and for tests and benchmarks that start one directly on a lane truth table.
 *
 * Mainframe as simulated: unit 1; slot 1 holds a PPG (MU196020A) with one port per lane, slot 3 an ED
 * (MU196040A) with one port per lane, so lane k is "1.1.k>1.3.k" in a station layout (bert.h). Other slots
 * answer NONE to :SYST:MOD?. Commands act on the target selected with :UENT:ID, :MOD:ID and :PORT:ID.
 * With the option "units": N (1..8, default 1), units 2..N are chained: each holds an MU181000A in slot 1
 * (the module of the reference's :SYST:MOD? example); :UENT:ID beyond N is refused (-222 in the queue).
 *
 * Thread safety: the instrument's state is guarded by its engine's lock.
 */
#ifndef LC_SIM_INST_ANRITSU_MP1900_H
#define LC_SIM_INST_ANRITSU_MP1900_H

#include "sim/inst/inst_anritsu_lanes.h"
#include "sim/scpi/scpi_engine.h"

typedef struct lc_sim_bert_opts {
	unsigned lanes;              /* 1..16 */
	lc_sim_world *world;         /* lane truth from the world ... */
	const lc_simb_truth *truth;  /* ... or from this table (world NULL) */
	uint64_t seed;
	double scale;                /* instrument seconds per wall second; <= 0: 1 */
	double update_s;             /* counter update period (instrument s); <= 0: 1 */
	const char *serial;          /* *IDN? serial; NULL: "SIM0001" */
	lc_sim_clock *clock;         /* the engine's clock, may be NULL */
	int64_t (*now_us)(void *user); /* time source; NULL: monotonic wall time (tests pass a manual clock) */
	void *now_user;
	unsigned units;              /* MP1900A: chained units 1..8 (scenario option "units"); 0: 1 */
} lc_sim_bert_opts;

struct lc_sim_inst_config;
/* The options of a BERT kind served by the scenario runner, shared by both simulated BERTs: lanes from the
 * world's DUT, scenario option {"update_s": 1.0}, the engine's clock scale (else the world's). */
int lc_sim_bert_opts_from_config(const struct lc_sim_inst_config *cfg, lc_sim_bert_opts *o, lc_diag *diag);
/* The lanes of either simulated BERT from its options (lc_simb_init, then the update period); model names it
 * in the error ("MP1900A"). LC_ERR_ARG for a lane count lc_simb_init refuses. */
int lc_sim_bert_lanes_init(lc_simb *b, const lc_sim_bert_opts *o, const char *model, lc_diag *diag);

/* Build the engine and its state; free with lc_sim_scpi_destroy(engine) (endpoints stopped first), then
 * lc_sim_mp1900_free(state). */
int lc_sim_mp1900_create(const lc_sim_bert_opts *o, lc_sim_scpi **engine, void **state, lc_diag *diag);
void lc_sim_mp1900_free(void *state);

/* Simulated Keysight M8040A (inst_keysight_m8040a.c): module M1 with DataOut1..n, DataIn1..n, ClkGen,
 * System, and the group 'Lanes' of every DataIn; layout "M1.DataOutk>M1.DataInk,...,group=Lanes". */
int lc_sim_m8040a_create(const lc_sim_bert_opts *o, lc_sim_scpi **engine, void **state, lc_diag *diag);
void lc_sim_m8040a_free(void *state);

#endif
