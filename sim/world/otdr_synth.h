/*
 * Synthetic OTDR traces from a list of physical events: Rayleigh backscatter falling with the fiber
 * attenuation, loss steps and reflection peaks smeared over the pulse length (the pulse-width dependent dead
 * zones), the receiver's recovery after a strong reflection, the fiber end, and detector noise that falls
 * with the square root of the number of averages. Deterministic for a given seed. Used by the simulated
 * OTDR and by the analysis tests, whose expected events are then known exactly.
 *
 * Thread safety: pure functions, no global state.
 */
#ifndef LC_SIM_OTDR_SYNTH_H
#define LC_SIM_OTDR_SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct lc_otdr_synth_event {
	double position_m;
	double loss_db;          /* one-way, negative for a gainer */
	double reflectance_db;   /* negative dB, or NAN for a non-reflective event */
	bool end;                /* the fiber ends here: nothing but noise after it */
} lc_otdr_synth_event;

typedef struct lc_otdr_synth {
	size_t n;                /* points */
	double dx_m;             /* point spacing */
	double pulse_ns;
	double group_index;
	double bc_db;            /* backscatter coefficient at 1 ns, e.g. -79.5 */
	double atten_db_km;      /* Rayleigh slope at the wavelength */
	double launch_db;        /* backscatter level just after the front panel, e.g. -20 */
	double front_reflectance_db; /* front-panel connector, NAN for none */
	double noise_db;         /* rms noise level of one acquisition, in trace dB (e.g. -38) */
	unsigned averages;       /* >= 1; the noise falls with sqrt(averages) */
	double floor_db;         /* lowest level the receiver reports (clip), e.g. -65 */
	uint64_t seed;
} lc_otdr_synth;

/* Defaults: 1310 nm SM fiber, 10 ns, 1.4680, -79.5 dB, 0.33 dB/km, -20 dB launch, -45 dB front panel,
 * noise -38 dB, 1 average, floor -65 dB, seed 1; n and dx must still be set. */
void lc_otdr_synth_init(lc_otdr_synth *p);

/* Fill out[0..p->n) with levels in dB. Events must be sorted by position. Returns 0 or LC_ERR_ARG. */
int lc_otdr_synth_trace(const lc_otdr_synth *p, const lc_otdr_synth_event *ev, size_t nev, double *out);

#endif
