/*
 * Module monitors through a BER soak (issue 19): the BER step (lua_ber.c) samples every end it is given
 * while the pattern runs; lua_module.c reads the module and keeps, per end, the hottest and coolest sample
 * and each used lane's lowest Tx power, then records them after the BER results as one judged value each
 * (soak_temperature: the hottest sample; soak_tx_power: the lowest), so a diagnosis names an end once.
 *
 * Where the station feeds an end's module from a bench supply (a supply role whose layout names the end,
 * instruments/supply/supply.h), soak_power.c reads that output's volts and amps at the same moments and
 * records the most the module drew (soak_power, W), judged against the maximum the module declares (CMIS
 * byte 201) and the ceiling of its power class (fixtures/limits/lanecert-module-power.json).
 */
#ifndef LC_PROCEDURES_MODULE_SOAK_H
#define LC_PROCEDURES_MODULE_SOAK_H

#include "instruments/module/module.h"
#include "procedures/run_priv.h"

typedef struct lc_soak_end {
	char end[LC_PORT_NAME_MAX]; /* "A", "B3" */
	unsigned samples;
	bool has_temperature;
	double t_max, t_max_at, t_min; /* degC, s into the soak */
	lc_module_limits t_limits;
	char series[200];              /* "0 s 40.0, 10 s 41.2, ..." for the report */
	bool has_tx[LC_MODULE_LANES_MAX];
	double tx_min_mw[LC_MODULE_LANES_MAX], tx_min_at[LC_MODULE_LANES_MAX];
	lc_module_limits tx_limits;
	/* what the module declares (CMIS bytes 200/201): power_class 0 and declared_w NAN when it does not */
	int power_class;
	double declared_w;
	/* the supply and output that feed it, when the station feeds it from one: NULL and 0 when not */
	lc_instrument *supply;
	char supply_role[LC_NAME_MAX];
	int supply_output;
	unsigned power_samples;
	double p_max, p_max_at, p_volts, p_amps; /* W, s into the soak, and the V and A of that sample */
	char power_series[200];                  /* "0 s 7.50, 10 s 7.52, ..." W */
} lc_soak_end;

/* Start an end's record (s->end set from end). */
void lc_soak_end_init(lc_soak_end *s, const char *end);
/* Read the end's module through the station's I2C role and fold the sample taken at_s into the soak into s.
 * Returns 0, or the I2C/decoder error (s unchanged, diag says which end and when). */
int lc_soak_sample(lc_run *run, const char *role, lc_soak_end *s, double at_s, lc_diag *diag);
/* Record the soak's values of an end that was sampled at least once (judged against its own thresholds). */
void lc_soak_record(lc_run *run, const lc_soak_end *s);

/* soak_power.c. Whether a station role names a bench supply by the house's convention: "supply", then
 * "supply2", "supply3", ... (a breakout's five ends need more outputs than one supply has). */
bool lc_soak_supply_role(const char *role);
/* Bind each end to the supply output that feeds it, from the layouts of the supplies in `roles` (n_roles of
 * them; n_roles 0: every station instrument whose role lc_soak_supply_role() accepts, in station order). A
 * role the station lacks feeds nothing (the bench powers those modules itself, unmeasured); ends no layout
 * names keep supply NULL and output 0. LC_ERR_FORMAT (diag says why) when a role is not an opened supply, a
 * layout is bad, or one end is fed by two outputs. */
int lc_soak_power_bind(lc_run *run, const char *const *roles, size_t n_roles, lc_soak_end *ends, size_t n,
		       lc_diag *diag);
/* The station's supplies (roles by lc_soak_supply_role(), or instruments whose driver is a supply) feed each
 * end at most once, across all of them: 0, or LC_ERR_FORMAT naming both outputs. Run when the station is
 * checked, before anything opens (lc_instrument_set_check). At most LC_SOAK_FEEDS_MAX ends in all. */
#define LC_SOAK_FEEDS_MAX 64
int lc_soak_supply_station_check(const lc_station *st, lc_diag *diag);
/* Read the end's supply output at_s into the soak (nothing when no output feeds it). An output that is off,
 * a reply that is not a reading or a session failure is an error naming the supply, the end and when (s
 * unchanged). */
int lc_soak_power_sample(lc_soak_end *s, double at_s, lc_diag *diag);
/* Record soak_power for an end sampled at least once. */
void lc_soak_power_record(lc_run *run, const lc_soak_end *s);

#endif
