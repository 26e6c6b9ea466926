/* Shared steps of the optical measurements (light.c). */
#ifndef LC_INSTRUMENTS_MEASURE_OPTICAL_PRIV_H
#define LC_INSTRUMENTS_MEASURE_OPTICAL_PRIV_H

#include "procedures/measure/optical.h"

#define LC_LIGHT_MAX 64

/* The distinct source outputs of a set of launches. */
typedef struct lc_lit {
	size_t n;
	lc_instrument *inst[LC_LIGHT_MAX];
	int output[LC_LIGHT_MAX];
} lc_lit;

/* Collect the distinct sources of launches (stride bytes apart, so paths and launches both work). */
int lc_lit_collect(lc_lit *lit, const void *first, size_t n, size_t stride, lc_diag *diag);
/* Set wavelength (and power if finite) on every source, then switch them on. */
int lc_lit_on(const lc_lit *lit, double nm, double dbm, lc_diag *diag);
/* Switch every source off; tries all; keeps an earlier error (rc < 0) and its diag, else returns the first
 * failure to switch off. */
int lc_lit_off(const lc_lit *lit, int rc, lc_diag *diag);

/* Set wavelength (and averaging if > 0) on a detector's meter channel. */
int lc_detector_prepare(const lc_detector *d, double nm, double averaging_s, lc_diag *diag);
/* Route the launch's switch (if any), releasing another input that holds its output (lc_switch_take). */
int lc_launch_route(const lc_launch *l, lc_diag *diag);
/* Release the switch input of every launch (stride bytes apart) so no output stays held after the
 * measurement; keeps an earlier error (rc < 0) and its diag, else returns the first failure. */
int lc_launches_release(const void *first, size_t n, size_t stride, int rc, lc_diag *diag);
/* Route the detector's switch (if any) and read its channel. */
int lc_detector_read(const lc_detector *d, double *dbm, lc_diag *diag);

#endif
