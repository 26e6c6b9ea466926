/* Inside the runner: per-instrument state and the control endpoint (runner_control.c). */
#ifndef LC_SIM_RUNNER_PRIV_H
#define LC_SIM_RUNNER_PRIV_H

#include "sim/net/endpoint.h"
#include "sim/inst/inst_front.h"
#include "sim/runner.h"

struct lc_sim_rinst {
	const lc_sim_scenario_inst *sc;
	const lc_sim_inst_kind *kind;
	lc_sim_scpi *engine;
	void *state;
	lc_sim_endpoint *ep;
	lc_sim_front *front;
	char resource[256];
	char idn[160];
	char note[160];
};

struct lc_sim_runner {
	const lc_sim_scenario *sc;
	uint64_t seed;
	lc_sim_world *world;
	lc_sim_clock *clock;
	struct lc_sim_rinst *insts;
	size_t n;
	lc_sim_scpi *control;
	lc_sim_endpoint *control_ep;
	char control_resource[256];
	char last_action[64]; /* the simulated operator's last OPERator:ACTion */
	lc_sim_pmap_relay *relay; /* answers VXI-11 discovery on 127.0.0.1:111 for every VXI-11 instrument */
};

int lc_sim_control_start(lc_sim_runner *r, const lc_sim_runner_opts *o, lc_diag *diag);
void lc_sim_control_stop(lc_sim_runner *r);

#endif
