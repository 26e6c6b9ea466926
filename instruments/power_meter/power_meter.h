/*
 * Optical power meter class. Channels are numbered 1..channels in the driver's terms (N774x: the port
 * number; 8163B/8164B: the sensors of the layout in order, slot by slot; PM100: 1).
 *
 * Power is always in dBm. A reading below what the sensor can resolve (zero or negative watts, or the
 * instrument's "below range" sentinel) is returned as -INFINITY: "no light" is a measurement, not an error.
 * Wavelengths are in nm, averaging times in seconds.
 *
 * Snapshot keys added (lc_instrument_snapshot): "channels": [{"channel", "wavelength_nm", "averaging_s",
 * "power_dbm" (null when below range)}].
 *
 * Thread safety: each function takes the instrument lock for the whole operation (instrument.h).
 */
#ifndef LC_INSTRUMENTS_POWER_METER_H
#define LC_INSTRUMENTS_POWER_METER_H

#include <stdbool.h>
#include <stddef.h>

#include "instruments/instrument.h"
#include "instruments/registry.h"

typedef struct lc_power_meter_caps {
	int channels;
	double min_nm, max_nm;          /* settable wavelength range; 0 when the driver does not know it */
	double min_avg_s, max_avg_s;    /* averaging time range; 0 when unknown */
	bool can_zero;
	bool reads_all_at_once;         /* one query returns every channel (N774x :READ:POW:ALL?) */
} lc_power_meter_caps;

/* Driver operations. ch is 1..channels (checked by the wrappers before the driver sees it). */
typedef struct lc_power_meter_ops {
	lc_class_ops base; /* base.cls = LC_CLASS_POWER_METER, base.snapshot = lc_power_meter_snapshot */
	int (*caps)(lc_instrument *inst, lc_power_meter_caps *caps);
	int (*set_wavelength)(lc_instrument *inst, int ch, double nm, lc_diag *diag);
	int (*get_wavelength)(lc_instrument *inst, int ch, double *nm, lc_diag *diag);
	int (*set_averaging)(lc_instrument *inst, int ch, double seconds, lc_diag *diag);
	int (*get_averaging)(lc_instrument *inst, int ch, double *seconds, lc_diag *diag);
	/* One triggered reading of channel ch in dBm. */
	int (*read_dbm)(lc_instrument *inst, int ch, double *dbm, lc_diag *diag);
	/* Every channel at once into dbm[0..channels-1]; returns the count. NULL: the wrapper loops read_dbm. */
	int (*read_all_dbm)(lc_instrument *inst, double *dbm, size_t cap, lc_diag *diag);
	/* Dark-current zero of channel ch, or of all channels when ch == 0. NULL: not supported. */
	int (*zero)(lc_instrument *inst, int ch, lc_diag *diag);
} lc_power_meter_ops;

/* LC_ERR_UNSUPPORTED if inst is not a power meter. */
int lc_power_meter_caps_get(lc_instrument *inst, lc_power_meter_caps *caps, lc_diag *diag);
int lc_power_meter_set_wavelength(lc_instrument *inst, int ch, double nm, lc_diag *diag);
int lc_power_meter_get_wavelength(lc_instrument *inst, int ch, double *nm, lc_diag *diag);
/* Every channel to the same wavelength. */
int lc_power_meter_set_wavelength_all(lc_instrument *inst, double nm, lc_diag *diag);
int lc_power_meter_set_averaging(lc_instrument *inst, int ch, double seconds, lc_diag *diag);
int lc_power_meter_get_averaging(lc_instrument *inst, int ch, double *seconds, lc_diag *diag);
int lc_power_meter_read_dbm(lc_instrument *inst, int ch, double *dbm, lc_diag *diag);
/* dbm has room for cap values; returns the channel count (LC_ERR_OVERFLOW if cap is smaller). */
int lc_power_meter_read_all_dbm(lc_instrument *inst, double *dbm, size_t cap, lc_diag *diag);
/* Channels 1..channels read one at a time into dbm[0..] through the driver's read_dbm (the fallback of
 * read_all_dbm; a driver whose all-channels query is absent calls it). Returns channels. */
int lc_power_meter_read_each(lc_instrument *inst, int channels, double *dbm, size_t cap, lc_diag *diag);
/* ch == 0: all channels. Inputs must be dark. */
int lc_power_meter_zero(lc_instrument *inst, int ch, lc_diag *diag);

/* The class's snapshot operation (drivers put it in base.snapshot). */
int lc_power_meter_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

/* Conversions used by drivers that read watts. W <= 0 (or NaN) gives -INFINITY. */
double lc_watt_to_dbm(double watt);
double lc_dbm_to_watt(double dbm);

#endif
