/*
 * The simulated station at work: every instrument of a scenario created from its kind (inst_kind.h), put
 * behind an endpoint (raw socket, VXI-11 with portmapper, pty) on loopback, sharing one world, plus a small
 * control instrument that reports the world's state (lasers left on, simulated time) to tests.
 *
 * Addresses. port_base > 0: every instrument on `bind` (default 127.0.0.1) at port_base + i (scenario order),
 * the control endpoint at port_base + n; VXI-11 instruments are served on a raw socket then (a VXI-11 client
 * finds a device through the portmapper on port 111, which cannot be shared). port_base == 0: each instrument
 * on its own loopback address 127.77.<block>.<i+1> (or the scenario's "address") at its real port (5025,
 * DiCon 10001; VXI-11 with the portmapper on 111), the control endpoint on 127.77.<block>.254:5025. If port
 * 111 cannot be bound (no privilege), such an instrument is served on a raw socket at 5025 and its info says
 * so in `note`.
 *
 * Kinds a scenario names but this build lacks make lc_sim_runner_start fail with LC_ERR_UNSUPPORTED naming
 * every one of them (a BERT or OTDR is never faked).
 *
 * Thread safety: start/stop from one thread; the query functions may be called from any thread while it runs.
 */
#ifndef LC_SIM_RUNNER_H
#define LC_SIM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "sim/world/scenario.h"
#include "sim/world/world.h"

typedef struct lc_sim_runner lc_sim_runner;

typedef struct lc_sim_runner_opts {
	const char *bind;    /* address with port_base; default "127.0.0.1" */
	int port_base;       /* 0: own addresses and real ports */
	int address_block;   /* port_base == 0: the <block> of 127.77.<block>.x, default 0 */
	double time_scale;   /* simulated seconds per wall second; 0 = never sleep; default 1 */
	bool has_seed;       /* override the scenario's seed */
	uint64_t seed;
	bool no_control;     /* do not start the control endpoint */
} lc_sim_runner_opts;

void lc_sim_runner_opts_init(lc_sim_runner_opts *o);

/* Build the world and start every instrument. sc must outlive the runner. */
int lc_sim_runner_start(const lc_sim_scenario *sc, const lc_sim_runner_opts *o, lc_sim_runner **out, lc_diag *diag);
/* Stop every endpoint (joining its threads) and free everything. NULL is allowed. */
void lc_sim_runner_stop(lc_sim_runner *r);

typedef struct lc_sim_runner_info {
	const char *role, *kind;
	const char *resource; /* canonical VISA resource string of its endpoint */
	const char *idn;      /* what *IDN? answers (the fault's wrong IDN if one is set) */
	const char *note;     /* "" or why the transport differs from the real instrument's */
	double sim_s, wall_s; /* instrument time simulated so far, and the wall time its waits took */
} lc_sim_runner_info;

size_t lc_sim_runner_count(const lc_sim_runner *r);
int lc_sim_runner_info_at(lc_sim_runner *r, size_t i, lc_sim_runner_info *out);
/* The control endpoint's resource ("" with no_control). */
const char *lc_sim_runner_control_resource(const lc_sim_runner *r);
lc_sim_world *lc_sim_runner_world(lc_sim_runner *r);
/* The SCPI engine of a role's instrument (for lc_sim_scpi_set_observer, fault counters), or NULL for a role
 * the scenario does not serve. Owned by the runner. */
lc_sim_scpi *lc_sim_runner_engine(lc_sim_runner *r, const char *role);
/* Total simulated and wall seconds of every instrument's waits. */
void lc_sim_runner_totals(lc_sim_runner *r, double *sim_s, double *wall_s);

/* The scenario's station with every resource replaced by the simulator's, written atomically. */
int lc_sim_runner_write_station(const lc_sim_runner *r, const char *path, lc_diag *diag);

#endif
