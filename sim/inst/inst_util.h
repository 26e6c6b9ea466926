/* Small helpers shared by the simulated instruments (inst_*.c).
 * Thread safety: reentrant; the lc_sim_call ones are used inside handlers (under the engine's lock). */
#ifndef LC_SIM_INST_UTIL_H
#define LC_SIM_INST_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/inst/inst_kind.h"

/*
 * Keysight's NR3 as the 816x/N77xx family prints it: sign, 8 decimals and a three-digit exponent,
 * "+1.55000000E-006" (instrument-dialects.md §1.1, §1.2). The engine's lc_sim_out_nr3 prints two exponent
 * digits, which is right for other vendors but would make a client written against the Keysight guide lie.
 */
void lc_sim_out_keysight(lc_sim_call *c, double v);
int lc_sim_fmt_keysight(char *buf, size_t cap, double v);

/* dBm <-> W. A non-positive power is "no light": -200 dBm. */
double lc_sim_dbm_to_w(double dbm);
double lc_sim_w_to_dbm(double w);

/* Options of an instrument in the scenario: missing keys give the default; a key of the wrong type is an
 * error naming cfg->where and the key. */
int lc_sim_opt_int(const lc_sim_inst_config *cfg, const char *key, long def, long min, long max, long *out,
		   lc_diag *diag);
/* A boolean option (JSON true/false), def when absent. */
int lc_sim_opt_bool(const lc_sim_inst_config *cfg, const char *key, bool def, bool *out, lc_diag *diag);
int lc_sim_opt_double(const lc_sim_inst_config *cfg, const char *key, double def, double min, double max,
		      double *out, lc_diag *diag);
int lc_sim_opt_string(const lc_sim_inst_config *cfg, const char *key, const char *def, const char **out,
		      lc_diag *diag);

/* Register a table of patterns on an engine; stops at the first failure (diag says which pattern). */
typedef struct lc_sim_cmd {
	const char *pattern;
	lc_sim_handler set, query;
} lc_sim_cmd;
int lc_sim_add_cmds(lc_sim_scpi *e, const lc_sim_cmd *cmds, size_t n, void *user, lc_diag *diag);

/* SYST:ERR? as Keysight's 816x/N77xx family answers it: `+0,"No error"` when empty (drivers loop until that
 * exact string, instrument-dialects.md §1.1), `-113,"Undefined header"` otherwise. */
int lc_sim_add_keysight_errors(lc_sim_scpi *e, lc_diag *diag);
/* :SYST:PRES and :SYST:REB (instrument-dialects.md §1.1): both put the settings back as *RST does (a reboot
 * of the simulated instrument keeps its connections: a client reconnecting after a real reboot sees the
 * same state). */
struct lc_sim_reset_hook {
	void (*reset)(void *user);
	void *user;
};
/* hook: owned by the instrument's state (it must live as long as the engine) */
int lc_sim_add_keysight_system(lc_sim_scpi *e, struct lc_sim_reset_hook *hook, lc_diag *diag);

/* Create an engine with the instrument's *IDN? "mfr,model,serial,fw" and reset callback. */
int lc_sim_engine_new(const lc_sim_inst_config *cfg, const char *mfr, const char *model, const char *fw,
		      void (*reset)(void *), void *user, lc_sim_scpi **out, lc_diag *diag);

#endif
