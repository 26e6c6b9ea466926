/*
 * sim/sim.h: the simulator's entry point for the programs that serve it (`lanecert sim`, lanecert-bench, the
 * tests): load a scenario, start the simulated station, list what it serves, stop it.
 *
 * The simulator is not part of liblanecert's exported API: it is the static library lc_sim (with lc_simnet),
 * linked into those programs only, and this header is not installed. It is the one header outside
 * include/lanecert/ that cli/ may include (tests/api checks cli's #include lines); it uses nothing but
 * <lanecert/base.h> so that cli sees none of the simulator's internals. The world, the simulated instruments
 * and their SCPI engines are reached through sim/runner.h by the tests and benchmarks only.
 *
 * Conventions as in <lanecert/lanecert.h>: 0 / a count or a negative LC_ERR_*; *out is NULL on failure.
 * Thread safety: a loaded scenario is read-only; start/stop a runner from one thread; the query functions
 * may be called from any thread while it runs.
 */
#ifndef LC_SIM_SIM_H
#define LC_SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <lanecert/base.h>

typedef struct lc_sim_scenario lc_sim_scenario;
typedef struct lc_sim_runner lc_sim_runner;

/* The default scenario when none is given: a good 400G DR4 breakout on the default simulated station. */
#define LC_SIM_DEFAULT_SCENARIO "dr4-breakout-good"

/* Load by name (fixtures/scenarios/NAME.json) or path; fixtures_dir may be NULL (lc_fixtures_dir). The DUT is
 * checked here (cable type exists, defects valid) so a bad scenario fails before anything is served. On
 * success *out is the caller's, freed with lc_sim_scenario_free (NULL allowed). */
int lc_sim_scenario_load(const char *name_or_path, const char *fixtures_dir, lc_sim_scenario **out,
			 lc_diag *diag);
void lc_sim_scenario_free(lc_sim_scenario *sc);
/* The scenario's "name"; owned by sc. */
const char *lc_sim_scenario_name(const lc_sim_scenario *sc);
/* The station role of instrument i (station order, as lc_sim_runner_info_at counts), or NULL past the end. */
const char *lc_sim_scenario_role_at(const lc_sim_scenario *sc, size_t i);

/* Kind i of the simulated instruments this build has (`lanecert sim --list-kinds`): its name, instrument
 * class ("" when it has none) and one-line summary, static strings. LC_ERR_NOT_FOUND past the last kind. */
int lc_sim_kind_describe(size_t i, const char **name, const char **instrument_class, const char **summary);

/*
 * Addresses. port_base > 0: every instrument on `bind` (default 127.0.0.1) at port_base + i (scenario order),
 * the control endpoint at port_base + n; VXI-11 instruments are served on a raw socket then (a VXI-11 client
 * finds a device through the portmapper on port 111, which cannot be shared). port_base == 0: each instrument
 * on its own loopback address 127.77.<block>.<i+1> (or the scenario's "address") at its real port (5025,
 * DiCon 10001; VXI-11 with the portmapper on 111), the control endpoint on 127.77.<block>.254:5025. If port
 * 111 cannot be bound (no privilege), such an instrument is served on a raw socket at 5025 and its info says
 * so in `note`.
 */
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

/* Build the world and start every instrument. sc must outlive the runner. Kinds a scenario names but this
 * build lacks make it fail with LC_ERR_UNSUPPORTED naming every one of them (a BERT or OTDR is never faked). */
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

/* Instruments of the scenario; lc_sim_runner_info_at fails for one that is not served (kind "none"). The
 * strings of *out are owned by the runner. */
size_t lc_sim_runner_count(const lc_sim_runner *r);
int lc_sim_runner_info_at(lc_sim_runner *r, size_t i, lc_sim_runner_info *out);
/* The control endpoint's resource ("" with no_control). */
const char *lc_sim_runner_control_resource(const lc_sim_runner *r);
/* Total simulated and wall seconds of every instrument's waits. */
void lc_sim_runner_totals(lc_sim_runner *r, double *sim_s, double *wall_s);
/* Ports of the world's sources that are on now, written "a,b,c" into buf ("" when all are off). Returns
 * their count. */
int lc_sim_runner_sources_on(lc_sim_runner *r, char *buf, size_t cap);

/* The scenario's station with every resource replaced by the simulator's, written atomically. */
int lc_sim_runner_write_station(const lc_sim_runner *r, const char *path, lc_diag *diag);

#endif
