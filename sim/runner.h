/*
 * The simulated station at work: every instrument of a scenario created from its kind (inst_kind.h), put
 * behind an endpoint (raw socket, VXI-11 with portmapper, pty) on loopback, sharing one world, plus a small
 * control instrument that reports the world's state (lasers left on, simulated time) to tests.
 *
 * The runner's entry points (start, stop, what is served, addresses) are in sim/sim.h, the header programs
 * include; this one adds the world and the SCPI engines behind it, for the simulator's tests and benchmarks.
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

#include "sim/sim.h"

lc_sim_world *lc_sim_runner_world(lc_sim_runner *r);
/* The SCPI engine of a role's instrument (for lc_sim_scpi_set_observer, fault counters), or NULL for a role
 * the scenario does not serve. Owned by the runner. */
lc_sim_scpi *lc_sim_runner_engine(lc_sim_runner *r, const char *role);

#endif
