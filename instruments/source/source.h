/*
 * Optical source class (stabilized FP/DFB sources, tunable lasers, the internal source of an RL module).
 * Outputs are numbered 1..outputs in the driver's terms (8163B/8164B: the sources of the layout in order).
 *
 * Safety contract: lc_source_set_output(inst, o, false) is idempotent and safe to call in cleanup — on an
 * output that is already off, after an earlier error on the same session, with diag NULL. Measurement code
 * calls it on every exit path; lc_source_all_off() switches every output off and reports the first failure
 * after trying them all.
 *
 * Snapshot keys added: "outputs": [{"output", "wavelength_nm", "power_dbm", "on"}].
 *
 * Thread safety: each function takes the instrument lock for the whole operation (instrument.h).
 */
#ifndef LC_INSTRUMENTS_SOURCE_H
#define LC_INSTRUMENTS_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

#include "instruments/instrument.h"
#include "instruments/registry.h"

#define LC_SOURCE_MAX_WAVELENGTHS 8

typedef struct lc_source_caps {
	int outputs;
	/* Fixed wavelengths the output can select (FP/DFB), or the tunable range when tunable. */
	int n_wavelengths;
	double wavelengths_nm[LC_SOURCE_MAX_WAVELENGTHS];
	bool tunable;
	double min_nm, max_nm;          /* tunable range; 0 when unknown */
	bool power_settable;
} lc_source_caps;

typedef struct lc_source_ops {
	lc_class_ops base; /* base.cls = LC_CLASS_SOURCE, base.snapshot = lc_source_snapshot */
	int (*caps)(lc_instrument *inst, int out, lc_source_caps *caps);
	int (*set_wavelength)(lc_instrument *inst, int out, double nm, lc_diag *diag);
	int (*get_wavelength)(lc_instrument *inst, int out, double *nm, lc_diag *diag);
	int (*set_power)(lc_instrument *inst, int out, double dbm, lc_diag *diag);
	int (*get_power)(lc_instrument *inst, int out, double *dbm, lc_diag *diag);
	int (*set_output)(lc_instrument *inst, int out, bool on, lc_diag *diag);
	int (*get_output)(lc_instrument *inst, int out, bool *on, lc_diag *diag);
} lc_source_ops;

/* caps->outputs is the count of outputs; the wavelength fields describe output `out` (1-based). */
int lc_source_caps_get(lc_instrument *inst, int out, lc_source_caps *caps, lc_diag *diag);
int lc_source_set_wavelength(lc_instrument *inst, int out, double nm, lc_diag *diag);
int lc_source_get_wavelength(lc_instrument *inst, int out, double *nm, lc_diag *diag);
int lc_source_set_power(lc_instrument *inst, int out, double dbm, lc_diag *diag);
int lc_source_get_power(lc_instrument *inst, int out, double *dbm, lc_diag *diag);
int lc_source_set_output(lc_instrument *inst, int out, bool on, lc_diag *diag);
int lc_source_get_output(lc_instrument *inst, int out, bool *on, lc_diag *diag);
/* Every output off; tries all, returns the first error. inst NULL is allowed (returns 0). */
int lc_source_all_off(lc_instrument *inst, lc_diag *diag);

int lc_source_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

#endif
