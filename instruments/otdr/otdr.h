/*
 * The OTDR instrument class: set up an acquisition, run it to completion, fetch the trace and the SOR file
 * (whose KeyEvents are the instrument's own events; lc_otdr_analyze_sor() gives lanecert's).
 *
 *     lc_otdr_settings s = {.wavelength_nm = 1310, .pulse_ns = 30, .range_m = 5000, .averaging_s = 10};
 *     lc_otdr_acquire(inst, &s, &diag);
 *     lc_sor *sor; lc_otdr_read_sor(inst, &sor, &diag);
 *
 * Thread safety: as every class of instruments/instrument.h: each call holds the instrument lock; hold
 * lc_instrument_lock() around several calls that must not interleave with another slot's.
 */
#ifndef LC_INSTRUMENTS_OTDR_H
#define LC_INSTRUMENTS_OTDR_H

#include <stddef.h>
#include <stdint.h>

#include "instruments/instrument.h"
#include "formats/sor.h"
#include "instruments/registry.h"

typedef struct lc_otdr_settings {
	double wavelength_nm;
	double pulse_ns;
	double range_m;      /* distance range */
	double averaging_s;  /* acquisition (averaging) time */
} lc_otdr_settings;

typedef struct lc_otdr_ops {
	lc_class_ops base; /* base.cls = LC_CLASS_OTDR */
	int (*configure)(lc_instrument *inst, const lc_otdr_settings *s, lc_diag *diag);
	int (*get_settings)(lc_instrument *inst, lc_otdr_settings *s, lc_diag *diag);
	int (*start)(lc_instrument *inst, lc_diag *diag);
	/* Block until the acquisition is complete; budget_ms of wall time. */
	int (*wait)(lc_instrument *inst, int budget_ms, lc_diag *diag);
	/* Trace levels in dB (falling with distance) and the point spacing in metres; *db malloc'ed. */
	int (*read_trace)(lc_instrument *inst, double **db, size_t *n, double *dx_m, lc_diag *diag);
	/* The acquisition as a SOR file image; *data malloc'ed. */
	int (*read_sor)(lc_instrument *inst, uint8_t **data, size_t *len, lc_diag *diag);
} lc_otdr_ops;

int lc_otdr_configure(lc_instrument *inst, const lc_otdr_settings *s, lc_diag *diag);
int lc_otdr_get_settings(lc_instrument *inst, lc_otdr_settings *s, lc_diag *diag);
/* Configure, start and wait for completion (budget: 1.5 x averaging time + the session's OPC budget). */
int lc_otdr_acquire(lc_instrument *inst, const lc_otdr_settings *s, lc_diag *diag);
int lc_otdr_read_trace(lc_instrument *inst, double **db, size_t *n, double *dx_m, lc_diag *diag);
/* Fetch and parse the SOR file; LC_ERR_PROTOCOL (detail from the reader) if the instrument's file is
 * malformed. */
int lc_otdr_read_sor(lc_instrument *inst, lc_sor **out, lc_diag *diag);

/* Snapshot contribution: {"otdr": {"wavelength_nm", "pulse_ns", "range_m", "averaging_s"}}. */
int lc_otdr_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

#endif
