/*
 * A simulated station for the optical integration tests: a scenario (fixtures/scenarios/NAME.json with the
 * DUT's defects and the instruments' faults replaced), served in-process by the simulator's runner on
 * loopback ports from bind(0), and the client instruments opened on it through the registry.
 *
 * The simulator keeps the DUT in place all the time, so a reference over the cords alone cannot be measured
 * there; sim_reference() builds the reference a 1-jumper set-up would read — the power the world delivers
 * to the meter plus the DUT's own loss on that fiber, both from the world's truth — so that the IL the drivers
 * measure can be compared with the loss the model predicts.
 */
#ifndef LC_TESTS_SIM_STATION_H
#define LC_TESTS_SIM_STATION_H

#include <jansson.h>

#include "instruments/instrument.h"
#include "procedures/measure/optical.h"
#include "sim/runner.h"

typedef struct sim_station {
	lc_sim_scenario *sc;
	lc_sim_runner *runner;
	lc_instrument *source, *meter, *sw1, *sw2, *sw3; /* sw1: the launch matrix (source in 1, RL in 2) */
	char fixtures[512];
} sim_station;

/* defects: a JSON array text ("[]" for a good cable); meter_faults: JSON object text or NULL.
 * time_scale 0: no waiting. Returns 0 or an error with diag. */
int sim_station_start(sim_station *s, const char *scenario, const char *defects, const char *meter_faults,
		      double time_scale, lc_diag *diag);
/* Same with extra station wires (a JSON array of wiring objects, fixtures/station.h format) appended to the
 * scenario's station, which is then inlined. */
int sim_station_start_wired(sim_station *s, const char *scenario, const char *defects, const char *meter_faults,
			    const char *extra_wires, double time_scale, lc_diag *diag);
void sim_station_stop(sim_station *s);

/* The 1-jumper reference the station would read for these paths (see above). dut_from/dut_to name each
 * path's DUT ports ("A:1" -> "B1:rx"). */
int sim_reference(sim_station *s, const lc_optical_path *paths, const char *const *dut_from,
		  const char *const *dut_to, size_t n, double nm, lc_reference *ref, lc_diag *diag);
/* The model's loss of the DUT fiber from -> to at nm (defects included). */
int sim_dut_loss(sim_station *s, const char *from, const char *to, double nm, double *db);
/* Lasers still on in the world. */
int sim_lasers_on(sim_station *s);

#endif
