/* State of one slot's run, shared by the engine and the Lua bindings (procedures/lua_*.c). */
#ifndef LC_PROCEDURES_RUN_PRIV_H
#define LC_PROCEDURES_RUN_PRIV_H

#include <lua.h>
#include <stdbool.h>

#include "procedures/engine.h"

typedef struct lc_run {
	const lc_run_setup *setup;
	lc_result *result;
	lua_State *L;
	char path[1024];          /* the procedure file */
	int step;                 /* result step index of the running step, -1 between steps */
	const char *step_name;
	enum lc_verdict step_verdict; /* explicit verdict given by ctx:verdict() */
	char step_reason[256];
	int step_rank;            /* enum lc_diagnosis_rank of step_reason (procedures/diagnosis.h) */
	/* The run's reason so far: the worst step's diagnosis (lc_diagnose_keep). */
	bool reason_set;
	enum lc_verdict reason_verdict;
	int reason_rank;
	char reason[512];
	int last_error;           /* LC_ERR_* of the measurement binding that raised, 0 for a script error */
	struct lc_optical_state *optical; /* references taken by ctx:reference() (lua_optical.c) */
	/* the lane map ctx:tx_disable_map() measured (lua_link.c), by link lane (fixtures/link_lanes.h: end A's
	 * lane l, and the leg lane the design sends it to; one per leg on a LC breakout): end A's lane l reaches
	 * link lane link_map[l]'s receiver, link lane l's leg transmitter reaches end A's lane link_back[l] (-1
	 * none, -2 several); link_legs = the number of link lanes, 0 until measured */
	unsigned link_legs;
	int link_map[8], link_back[8];
} lc_run;

/* The run behind the ctx table passed to procedure functions (upvalue 1 of every method). */
lc_run *lc_run_from_upvalue(lua_State *L);

/* Push the ctx table for run onto the stack. */
void lc_lua_push_ctx(lua_State *L, lc_run *run);

/* Raise a Lua error for a failed library call: records code in run->last_error and prefixes the caller's
 * file:line. Never returns. */
int lc_lua_raise(lua_State *L, lc_run *run, int code, const lc_diag *diag, const char *what);

/* Record a measurement in the running step and tell the host. Returns the measurement index or an error. */
int lc_run_record(lc_run *run, const lc_result_measurement *m, lc_diag *diag);

/* Field k of the Lua table at index t, or dflt when absent or of another type (string: valid while the
 * table is on the stack). */
double lc_lua_field_number(lua_State *L, int t, const char *k, double dflt);
const char *lc_lua_field_string(lua_State *L, int t, const char *k, const char *dflt);

/* Option "key" of the run (lc_run_setup.options), or NULL. */
const char *lc_run_option(const lc_run *run, const char *key);

/* Method tables added to the ctx table on top of the stack by each family of bindings. */
void lc_lua_add_core(lua_State *L, lc_run *run);
void lc_lua_add_optical(lua_State *L, lc_run *run);
void lc_lua_add_ber(lua_State *L, lc_run *run);
void lc_lua_add_otdr(lua_State *L, lc_run *run);
void lc_lua_add_module(lua_State *L, lc_run *run);
void lc_lua_add_compat(lua_State *L, lc_run *run);
void lc_lua_add_link(lua_State *L, lc_run *run);
void lc_lua_add_module_ber(lua_State *L, lc_run *run);
void lc_lua_add_skew(lua_State *L, lc_run *run);
/* Free what the bindings kept in the run. */
void lc_lua_optical_free(lc_run *run);

#endif
