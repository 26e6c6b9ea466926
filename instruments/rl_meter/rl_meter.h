/*
 * Return-loss meter class (Keysight 8161x RL modules). Channels 1..channels in the driver's terms.
 * Return loss is in dB, positive (a good APC connector reads about 60 dB).
 *
 * A measurement switches the meter's internal source on for the reading and off again on every path.
 * Calibration (reflection reference + termination) is done on the instrument front panel: its remote
 * commands are not documented (instrument-dialects.md §3.1, UNCONFIRMED), so this class does not offer it.
 *
 * Snapshot keys added: "rl_channels": [{"channel", "wavelengths_nm": [...]}] (no measurement: it would light
 * the output).
 *
 * Thread safety: each function takes the instrument lock for the whole operation (instrument.h).
 */
#ifndef LC_INSTRUMENTS_RL_METER_H
#define LC_INSTRUMENTS_RL_METER_H

#include <stdbool.h>

#include "instruments/instrument.h"
#include "instruments/registry.h"

#define LC_RL_MAX_WAVELENGTHS 4

typedef struct lc_rl_meter_caps {
	int channels;
	int n_wavelengths;
	double wavelengths_nm[LC_RL_MAX_WAVELENGTHS];
} lc_rl_meter_caps;

typedef struct lc_rl_meter_ops {
	lc_class_ops base; /* base.cls = LC_CLASS_RL_METER, base.snapshot = lc_rl_meter_snapshot */
	int (*caps)(lc_instrument *inst, lc_rl_meter_caps *caps);
	/* Measure return loss at nm (one of caps.wavelengths_nm), internal source on for the reading only. */
	int (*measure)(lc_instrument *inst, int ch, double nm, double *rl_db, lc_diag *diag);
	/* Internal source off (cleanup; idempotent). */
	int (*source_off)(lc_instrument *inst, int ch, lc_diag *diag);
} lc_rl_meter_ops;

int lc_rl_meter_caps_get(lc_instrument *inst, lc_rl_meter_caps *caps, lc_diag *diag);
int lc_rl_meter_measure(lc_instrument *inst, int ch, double nm, double *rl_db, lc_diag *diag);
int lc_rl_meter_source_off(lc_instrument *inst, int ch, lc_diag *diag);

int lc_rl_meter_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

#endif
