/*
 * The Keysight optical power sensor command tree, shared by the N7744C/N7745C multiport meters and the
 * 81634B (and the RL diode of 8161x) modules of the 8163B/8164B mainframes: the manuals give one tree
 * (instrument-dialects.md §1.1 "same as 8163B", §1.2), so one implementation keeps the two from drifting.
 *
 * Headers carry a slot suffix and an optional channel suffix: "[SENSe#][:CHANnel#]:POWer:WAVelength",
 * "READ#[:CHANnel#][:SCALar]:POWer[:DC]". The host (the meter or the mainframe) maps (slot, channel) to a
 * sensor and says how a sensor reads light (a meter port of the world, or the reflected power at an RL port).
 *
 * Thread safety: all state is touched under the instrument's engine lock (handlers only).
 */
#ifndef LC_SIM_INST_SENSOR_H
#define LC_SIM_INST_SENSOR_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/inst/inst_util.h"

struct lc_sim_sensor_spec {
	double atime_min, atime_max, atime_def; /* seconds */
	double range_min, range_max;            /* dBm, 10 dB steps */
	double floor_dbm;                       /* dark noise at 100 ms averaging in auto range */
	double wav_min, wav_max, wav_def;       /* metres */
	bool has_gain_auto;                     /* :POW:GAIN:AUTO exists (N77xx only) */
};

enum lc_sim_func { LC_SIM_FUNC_NONE = 0, LC_SIM_FUNC_LOGG, LC_SIM_FUNC_STAB };
enum lc_sim_trig_in { LC_SIM_TRIG_IGN = 0, LC_SIM_TRIG_SME, LC_SIM_TRIG_CME, LC_SIM_TRIG_MME };

struct lc_sim_sensor {
	char port[LC_SIM_PORT_MAX]; /* world port this sensor reads */
	int slot, chan;             /* as the instrument numbers it (READ:POW:ALL:CONF?) */
	bool present;
	double wav_m, atime_s, range_dbm, ref_dbm, mod_ref_db;
	bool unit_w, range_auto, gain_auto, cont, ref_stat;
	int ratio_slot, ratio_chan; /* 255,0: relative to the TOREF value */
	double last_w;
	bool have_last;
	int zero_result;
	/* logging / stability function */
	enum lc_sim_func func;
	bool func_running, func_armed;
	int log_points, stab_points;
	double log_atime, stab_total, stab_period, stab_avg;
	enum lc_sim_trig_in trig_in;
	bool trig_out_enabled;
	float *result;
	int n_result, want_result;
	int64_t done_wall_us;
};

struct lc_sim_sensor_host {
	lc_sim_world *world;
	lc_sim_clock *clock;
	const struct lc_sim_sensor_spec *spec;
	struct lc_sim_sensor *sensors; /* every sensor of the instrument, in slot order */
	int n_sensors;
	/* The sensor a header addresses, or NULL with *err = lc_sim_fail(c, ...) (-114 suffix out of range,
	 * -241 no sensor in that slot). */
	struct lc_sim_sensor *(*at)(struct lc_sim_sensor_host *h, lc_sim_call *c, int slot, int chan, int *err);
	/* Read the light of a sensor in W (noise included). NULL: the world's power at s->port. */
	int (*read_w)(struct lc_sim_sensor_host *h, struct lc_sim_sensor *s, double atime_s, double floor_dbm,
		      double *w);
	void *user;
};

/* Register the sensor tree on an engine (user of every handler = h). */
int lc_sim_sensor_register(lc_sim_scpi *e, struct lc_sim_sensor_host *h, lc_diag *diag);
/* One averaged reading of a sensor in W (also kept as its last reading). */
int lc_sim_sensor_measure(struct lc_sim_sensor_host *h, struct lc_sim_sensor *s, double atime, double *w);
/* The logging/stability functions and triggers (inst_sensor_func.c), registered by lc_sim_sensor_register. */
int lc_sim_sensor_func_register(lc_sim_scpi *e, struct lc_sim_sensor_host *h, lc_diag *diag);
/* Defaults of one sensor (*RST) and freeing its logging data. */
void lc_sim_sensor_reset(struct lc_sim_sensor *s, const struct lc_sim_sensor_spec *spec);
void lc_sim_sensor_free(struct lc_sim_sensor *s);

#endif
