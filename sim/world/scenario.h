/*
 * Scenario files (fixtures/scenarios/NAME.json): what the simulator serves. Format in docs/simulator.md:
 *
 *   {"name": "dr4-breakout-good", "description": "...", "seed": 1,
 *    "station": "sim-dr4-breakout" | { inline station, fixtures/station.h format },
 *    "slot": 1,
 *    "dut": { fixtures/dut.h format: "cable", "serial", "defects" },
 *    "more_slots": [{"slot": 2, "dut": {...}}, ...],     other DUTs of a multi-slot station (optional)
 *    "instruments": {
 *      "<station role>": {"kind": "keysight_n7745c", "transport": "socket"|"vxi11"|"pty",
 *                         "address": "127.0.0.5", "port": 5025, "serial": "MY1234",
 *                         "options": {kind-specific}, "faults": {station faults, see below}}},
 *    "unavailable_ok": false}
 *
 * Faults of an instrument (all optional; message N counts program messages, the first is 1):
 *   "stop_answering_after": N, "drop_after": N, "garbage_at": N, "garbage": "bytes",
 *   "truncate_block_at": N, "truncate_block_keep": BYTES, "truncate_at": N, "truncate_keep": BYTES,
 *   "push_errors": [-222, ...], "push_errors_at": N,
 *   "opc_delay_ms": MS, "idn": "wrong *IDN? reply", "latency_ms": MS.
 *
 * Every instrument role of the station needs an entry and every entry a station role; "kind": "none" leaves a
 * station instrument out (not served, not in the written station; no wire may use it). Unknown keys are
 * errors (keys starting with '_' are comments); every error names the file and the key.
 *
 * Thread safety: a loaded scenario is read-only; many worlds may be built from it.
 */
#ifndef LC_SIM_SCENARIO_H
#define LC_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "fixtures/station.h"
#include "base/error.h"
#include "sim/inst/inst_kind.h"
#include "sim/sim.h" /* lc_sim_scenario_load, _free, _name (the entry point) */

typedef struct lc_sim_scenario_inst {
	char role[LC_NAME_MAX];
	char kind[LC_NAME_MAX];
	enum lc_sim_transport transport; /* 0: the kind's real transport */
	char address[32];                /* "" : the runner's choice */
	int port;                        /* -1: the runner's choice */
	char serial[LC_NAME_MAX];        /* "" : derived from role and seed */
	const json_t *options;           /* NULL or an object (owned by the scenario's JSON) */
	bool has_faults;
	lc_sim_faults faults;
} lc_sim_scenario_inst;

typedef struct lc_sim_scenario {
	char origin[512];        /* the file as named to people */
	char name[LC_NAME_MAX];
	char description[LC_TEXT_MAX];
	char fixtures_dir[512];  /* resolved data directory (cables, limits) */
	uint64_t seed;
	unsigned slot;
	bool slot_empty;         /* "slot_empty": the DUT's slot is left empty after the reference thru */
	lc_station *station;     /* owned */
	json_t *root;            /* owned; "dut" is parsed again by each world */
	size_t n_more;           /* DUTs in other slots ("more_slots"), world ports "dutN:<port>" */
	unsigned more_slot[8];
	const json_t *more_dut[8]; /* owned by root */
	size_t n_insts;
	lc_sim_scenario_inst *insts; /* owned, in station order */
} lc_sim_scenario;

int lc_sim_scenario_parse(const char *text, size_t len, const char *origin, const char *fixtures_dir,
			  lc_sim_scenario **out, lc_diag *diag);

const lc_sim_scenario_inst *lc_sim_scenario_inst_by_role(const lc_sim_scenario *sc, const char *role);
const char *lc_sim_transport_name(enum lc_sim_transport t); /* "socket", "vxi11", "hislip", "pty" */

#endif
