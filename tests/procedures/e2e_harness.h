/* End-to-end test harness: a simulated station in this process, a procedure run against it. */
#ifndef LC_TESTS_E2E_HARNESS_H
#define LC_TESTS_E2E_HARNESS_H

#include <stdbool.h>

#include "fixtures/channel.h"
#include "fixtures/limits.h"
#include "fixtures/station.h"
#include "sim/runner.h"
#include "procedures/engine.h"

typedef struct lc_e2e {
	lc_sim_scenario *sc;
	lc_sim_runner *runner;
	lc_station *station;
	lc_channel *channel;
	lc_limits *limits;
	lc_instrument_set *set;
	int open_rc;            /* lc_instrument_set_open's result (a station fault may make it fail) */
	lc_diag open_diag;
	lc_prompter prompter;
	bool has_prompter;      /* lc_e2e_start made one (lc_e2e_start_station does not) */
	char dir[256];
	char cable[64];
} lc_e2e;

/* Start the scenario's simulated station (time scale 50), write its station file, open its instruments. */
void lc_e2e_start(lc_e2e *e, const char *scenario);
/* Only start the simulated station at time_scale and write its station file (e->dir/station.json) for
 * another process (`lanecert run`): no instrument is opened here, no prompter made. */
void lc_e2e_start_station(lc_e2e *e, const char *scenario, double time_scale);
/* lc_e2e_start_station at time scale 50. */
void lc_e2e_start_sim(lc_e2e *e, const char *scenario);
/* The same for a loaded scenario (owned by e from here on) at a time scale of its own; with open false the
 * instruments are not opened yet (lc_e2e_open does it), so a test can watch the simulator first. */
void lc_e2e_start_with(lc_e2e *e, lc_sim_scenario *sc, double time_scale, bool open);
void lc_e2e_open(lc_e2e *e);
/* Run a procedure for slot 1 (options: NULL-terminated "key=value" list, may be NULL). */
lc_result *lc_e2e_run(lc_e2e *e, const char *procedure, const char *const *options, unsigned slot,
		      const char *serial);
/* Every instrument safe (as lanecert run does after the slots), then the lasers the simulator sees on. */
int lc_e2e_lasers_on_after_safe(lc_e2e *e);
/* The lasers the simulator sees on now (SIM:LAS:COUN? on its control endpoint). */
int lc_e2e_lasers_on(lc_e2e *e);
void lc_e2e_stop(lc_e2e *e);

/* Assert that no module end of the station's "i2c" role (ends A, B1..B<legs>) has a PRBS generator or
 * checker left on (CMIS page 13h enables 144/152/160/168); an end without page 13h has none to leave on. */
void lc_e2e_assert_prbs_off(lc_e2e *e, unsigned legs);

/* The serial number of the scenario's DUT in slot 1 (what its module memories carry), or "". */
const char *lc_e2e_dut_serial(const lc_e2e *e);

/* The lanes of measurements `name` whose verdict is v, as a bit set (bit k = lane k). */
unsigned long lc_e2e_lanes(const lc_result *r, const char *name, enum lc_verdict v);
/* Why a run did not pass, for assertion messages: the run's reason, else the first step error, else the
 * first measurement that is not pass (static buffer). */
const char *lc_e2e_why(const lc_result *r);
/* The first string extra `key` of measurement `name`, or "". */
const char *lc_e2e_extra(const lc_result *r, const char *name, const char *key);
/* The string extra `key` of the measurement at index i, or NULL; its number extra, or NaN. */
const char *lc_e2e_extra_at(const lc_result *r, size_t i, const char *key);
double lc_e2e_number_at(const lc_result *r, size_t i, const char *key);

#endif
