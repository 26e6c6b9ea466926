/*
 * Module monitors through a BER soak (issue 19): the BER step (lua_ber.c) samples every end it is given
 * while the pattern runs; lua_module.c reads the module and keeps, per end, the hottest and coolest sample
 * and each used lane's lowest Tx power, then records them after the BER results as one judged value each
 * (soak_temperature: the hottest sample; soak_tx_power: the lowest), so a diagnosis names an end once.
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
} lc_soak_end;

/* Start an end's record (s->end set from end). */
void lc_soak_end_init(lc_soak_end *s, const char *end);
/* Read the end's module through the station's I2C role and fold the sample taken at_s into the soak into s.
 * Returns 0, or the I2C/decoder error (s unchanged, diag says which end and when). */
int lc_soak_sample(lc_run *run, const char *role, lc_soak_end *s, double at_s, lc_diag *diag);
/* Record the soak's values of an end that was sampled at least once (judged against its own thresholds). */
void lc_soak_record(lc_run *run, const lc_soak_end *s);

#endif
