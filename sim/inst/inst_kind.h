/*
 * Kinds of simulated instruments: the table the runner (sim/runner.h) instantiates a scenario's
 * instruments from. A kind builds one SCPI engine (sim/scpi/scpi_engine.h) with its dialect's
 * commands, acting on the shared world (sim/world/world.h); the runner puts it behind endpoints.
 *
 * Adding a kind (a simulated BERT, OTDR, module I2C service, ...):
 *   1. write sim/inst/inst_<vendor>_<model>.c defining
 *          const lc_sim_inst_kind lc_sim_kind_<name> = { .name = "<name>", ... };
 *   2. add one line LC_SIM_KIND(lc_sim_kind_<name>) to sim/inst/inst_kinds.def and the file to a
 *      the list of sim/sources.cmake.
 * A scenario naming a kind that is not in the table fails with "instrument kind 'x' (role r) is not
 * available in this build" — kinds are never faked. Tests may add kinds at run time (lc_sim_kind_register).
 *
 * Thread safety: the table is read-only after start-up; lc_sim_kind_register() must be called before any
 * runner starts.
 */
#ifndef LC_SIM_INST_KIND_H
#define LC_SIM_INST_KIND_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/error.h"
#include "sim/scpi/scpi_engine.h"
#include "sim/world/world.h"

enum lc_sim_transport { LC_SIM_TR_SOCKET = 1, LC_SIM_TR_VXI11, LC_SIM_TR_PTY, LC_SIM_TR_HISLIP };

typedef struct lc_sim_inst_config {
	const char *role;       /* station role, prefix of the instrument's world ports ("pm1") */
	const char *serial;     /* serial number for *IDN? (never NULL: the runner derives one) */
	lc_sim_world *world;
	lc_sim_clock *clock;    /* instrument time (may be NULL: real time) */
	const json_t *options;  /* the scenario's "options" object of this instrument, or NULL */
	const char *where;      /* "scenario.json: instruments.pm1" for error messages */
	const char *station_layout; /* the station file's "layout" of this instrument ("" if none) */
} lc_sim_inst_config;

typedef struct lc_sim_inst_kind {
	const char *name;       /* "keysight_n7745c" */
	const char *summary;    /* one line for `lanecert sim --list-kinds` */
	const char *instrument_class; /* "power_meter", "source", "rl_meter", "switch", "bert", "otdr" ... */
	enum lc_sim_transport transport; /* how the real instrument is reached (default endpoint) */
	int real_port;          /* SOCKET: the real port (5025, 10001); VXI-11: 0 */
	const char *terminator; /* reply terminator of the real instrument, NULL = "\n" */
	/* Switches: how the station's wires land on its ports in the world. The instrument ports the station
	 * wires through a switch take its inputs in the order the wires first name them: "ROLE:A", "ROLE:B"..
	 * (N773x, channel k = "ROLE:k") or "ROLE:in1", "ROLE:in2".. (GP600 X1 matrix, channel k = "ROLE:outk"). */
	enum { LC_SIM_NOT_SWITCH = 0, LC_SIM_SWITCH_1XN, LC_SIM_SWITCH_MATRIX } switch_kind;
	double switch_il_db; /* insertion loss of a route (options.insertion_loss_db overrides) */
	/* Non-SCPI dialects only (DiCon "X1 CH 1 2"): rewrite one received message into the engine's SCPI form
	 * ("X1:CH 1,2") in out (cap bytes). Returns its length, 0 to pass the message unchanged, or a negative
	 * SCPI error to push (-113) instead of executing it. The engine has no such hook (yet), so the runner
	 * serves these kinds through sim/inst/inst_front.c. NULL for SCPI instruments. */
	int (*translate)(const char *msg, size_t len, char *out, size_t cap);
	/* Build the engine (registering the dialect) and the instrument state; *state goes to destroy. */
	int (*create)(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag);
	/* The instrument's "layout" as a station file states it (fixtures/station.h: a mainframe's modules, a
	 * BERT's lanes), written into the station the simulator writes. NULL: the kind has none. */
	int (*layout)(void *state, char *buf, size_t cap);
	/* Free the state after the engine's endpoints stopped and the engine was destroyed. May be NULL. */
	void (*destroy)(void *state);
} lc_sim_inst_kind;

/* The kind of that name, or NULL when this build does not have it. */
const lc_sim_inst_kind *lc_sim_kind_find(const char *name);
/* The i-th kind (NULL past the end), for listings. */
const lc_sim_inst_kind *lc_sim_kind_at(size_t i);
/* Add a kind at run time (tests, plug-ins). LC_ERR_BUSY if the name exists, LC_ERR_OVERFLOW when full. */
int lc_sim_kind_register(const lc_sim_inst_kind *k);

#endif
