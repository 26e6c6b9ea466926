/*
 * Synthetic OTDR traces from a list of physical events, built the way an OTDR's signal is made: the fibre's
 * response (Rayleigh backscatter falling with the attenuation, loss steps, reflections as impulses, nothing
 * after the end) convolved with the rectangular pulse, then with the receiver's impulse response (a
 * two-pole low-pass of finite rise time, plus a small slow component: the exponential recovery tail after
 * a strong reflection), clipped at the receiver's full scale (a saturated end reflection), with Gaussian
 * noise added in linear power and filtered by the same receiver (so, in dB, it grows as the backscatter
 * falls), a small correlated ripple, and the receiver's floor. The dead zones follow from the pulse width
 * and the rise time; nothing is drawn in dB. Deterministic for a given seed. Used by the simulated OTDR
 * and by the analysis tests, whose expected events are then known exactly.
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
	/* the receiver (docs/sor.md "Synthetic traces" says which sample files these were measured on) */
	double rise_ns;          /* 10-90 % rise time of the receiver's fast response; 0 = instant edges */
	double tail_frac;        /* fraction of the signal in the slow component (recovery tail); 0 = none */
	double tail_ns;          /* time constant of the slow component */
	double full_scale_db;    /* the receiver's clip level (a saturated reflection's flat top) */
	double ripple_db;        /* rms of a multiplicative correlated ripple, in trace dB; 0 = none */
	double ripple_m;         /* its correlation length on the trace */
	uint64_t seed;
} lc_otdr_synth;

/* Defaults: 1310 nm SM fiber, 10 ns, 1.4680, -79.5 dB, 0.33 dB/km, -20 dB launch, -45 dB front panel,
 * noise -38 dB, 1 average, floor -65 dB, full scale 0 dB, seed 1, and the receiver of
 * lc_otdr_synth_receiver(p, pulse_ns) for 10 ns; n and dx must still be set. */
void lc_otdr_synth_init(lc_otdr_synth *p);

/* Set the receiver fields (rise_ns, tail_frac, tail_ns, ripple_db, ripple_m) to those measured on real
 * traces for a pulse of pulse_ns (an OTDR switches its receiver's bandwidth with the pulse width), and
 * p->pulse_ns to pulse_ns. */
void lc_otdr_synth_receiver(lc_otdr_synth *p, double pulse_ns);

/* Fill out[0..p->n) with levels in dB. Events must be sorted by position. Returns 0 or LC_ERR_ARG. */
int lc_otdr_synth_trace(const lc_otdr_synth *p, const lc_otdr_synth_event *ev, size_t nev, double *out);

#endif
