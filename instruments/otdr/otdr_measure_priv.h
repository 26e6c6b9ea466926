/* Private to the OTDR analysis: the detector's working state shared by otdr_analysis.c (detection) and
 * otdr_measure.c (positions, losses, reflectance, dead zones, ORL). */
#ifndef LC_OTDR_MEASURE_PRIV_H
#define LC_OTDR_MEASURE_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "instruments/otdr/otdr_analysis.h"
#include "instruments/otdr/otdr_priv.h"

/* With no loss threshold (a file that stores 0: the instrument reported what its noise allowed), an event's
 * LS loss must clear this many times the detector's limit around it (cand.lim: 3 sigma of the step noise
 * measured on the trace, over the CFAR training cells): 4.5 sigma. With a few hundred to a thousand
 * independent windows on a trace, 3 sigma leaves one or two noise steps a trace, which the threshold used to
 * remove; 4.5 sigma (7e-6 a window) leaves none. */
#define LC_OTDR_NOISE_ONLY_FACTOR 1.5

/* Two reflections are two where the trace between them falls back by the event dead zone's 1.5 dB under
 * both peaks (split_reflections, lc_otdr_settle, the front panel's peak) ... */
#define LC_OTDR_SPLIT_DB 1.5
/* ... on a trace that stands this far above the noise between them: nearer the noise, rises of 1.5 dB are
 * noise */
#define LC_OTDR_SPLIT_SNR_DB 5.0

/* The smallest peak taken for a reflection: 0.3 dB is a -77 dB reflection at 10 ns, -87 dB at 100 ns */
#define LC_OTDR_PEAK_FLOOR_DB 0.3

typedef struct lc_otdr_ctx {
	const double *y;
	size_t n;
	double dx, x0, pulse_ns;
	size_t i0;          /* point of the front panel */
	size_t pw_pts;      /* pulse length in points */
	size_t guard;       /* points skipped on each side of an event by the fits */
	size_t fit_len;     /* points of each detection fit */
	size_t det_lo;      /* first point of backscatter after the launch dead zone */
	size_t sig_end;     /* the last point clearly above the noise floor */
	double loss_thr, eof_thr, peak_min, bc;
	double noise, noise_rms, noise_top, noise_rms_bs;
	double noise_end_top; /* 98th percentile of the noise's means over a fit length (the end test's) */
	double top;         /* highest level of the trace */
	double fiber_slope; /* typical slope of the fibre (dB per point, median over the trace), NAN if unknown */
	size_t launch_tol;  /* points an event may lie from the launch cord's end and still be its connector */
	lc_otdr_sums sums;
} lc_otdr_ctx;

/* Detector candidates handed to lc_otdr_build_events. */
typedef struct cand cand;

/* First point after peak pk where the trace is back within 0.5 dB of the backscatter line fitted from
 * `from` on, or from the first window after it that looks like fiber (the end of the attenuation dead
 * zone); *clean (may be NULL): the first point back on that line within its noise. */
size_t lc_otdr_settle(const lc_otdr_ctx *c, size_t pk, size_t from, size_t *clean);
/* The foot of the first rise in [from, to) of LC_OTDR_SPLIT_DB from the lowest point since, on a trace
 * LC_OTDR_SPLIT_SNR_DB over the noise (another reflection), or c->n if none. */
size_t lc_otdr_next_rise(const lc_otdr_ctx *c, size_t from, size_t to);
/* The same, with the line found where the trace's slope has settled to the fibre's (the front panel's
 * recovery tail: settle_to_fibre in otdr_measure.c) when fibre is set. */
size_t lc_otdr_settle_ex(const lc_otdr_ctx *c, size_t pk, size_t from, size_t *clean, bool fibre);
/* A line whose slope is plausible fiber attenuation (within +-20 dB/km): receiver recovery tails after a
 * strong reflection fall at tens to hundreds of dB/km, and fits over them produce false steps. */
bool lc_otdr_fiber_like(const lc_otdr_ctx *c, const lc_otdr_line *l);
/* Fill reflectance, saturation and dead zones of ev for a peak at pk, h dB above the backscatter. */
void lc_otdr_reflection(const lc_otdr_ctx *c, lc_otdr_event *ev, size_t pk, double h, size_t settle);
/* Is ev[k] an echo of a strong reflection before it (ev[0] the launch)? otdr_ghost.c */
bool lc_otdr_is_ghost(const lc_otdr_ctx *c, const lc_otdr_event *ev, size_t k);
/* Is candidate cd the end of the fiber (b: the backscatter line before it)? otdr_end.c */
bool lc_otdr_is_end(const lc_otdr_ctx *c, const cand *cd, const lc_otdr_line *b);
/* Set c->fiber_slope from the backscatter in [lo, hi). otdr_end.c */
void lc_otdr_estimate_fiber_slope(lc_otdr_ctx *c, size_t lo, size_t hi);
/* The rounding of the trace's loss transitions (in pulse lengths: the pulse-long ramp averaged over that
 * much by the receiver and the averaging) that fits its n steps best (window [lo, hi) around the detector's
 * centre of each); NAN if none fits. otdr_onset.c */
double lc_otdr_ramp_rounding(const lc_otdr_ctx *c, const size_t *centre, const size_t *lo, const size_t *hi, size_t n);
/* Is a transition of that rounding the pulse's own, so that its template places the onset? */
bool lc_otdr_ramp_placeable(double rounding);
/* The onset of a loss step the detector saw at centre, from the template of that rounding fitted with the
 * lines on both sides, within [lo, hi); fallback if no window fits. otdr_onset.c */
size_t lc_otdr_ramp_onset(const lc_otdr_ctx *c, double rounding, size_t centre, size_t lo, size_t hi, size_t fallback);
/* The detector's pieces otdr_close.c shares (otdr_analysis.c): append a candidate (0 or LC_ERR_NOMEM);
 * is |v[k]| (or v[k]) the largest within w of k; does a line have the trace's fibre slope; the detection's
 * lines before and after point i. */
int lc_otdr_add_cand(cand **v, size_t *n, size_t *cap, cand x);
bool lc_otdr_local_max(const double *v, size_t n, size_t k, size_t w, bool absval);
bool lc_otdr_fibre_slope(const lc_otdr_ctx *c, const lc_otdr_line *l);
void lc_otdr_detection_fits(const lc_otdr_ctx *c, size_t i, lc_otdr_line *bl, lc_otdr_line *al);
/* Steps a short section past a reflection (v[0, npk): the peaks found): the detector's line before such a
 * step reaches back over the reflection's peak and tail, and every point within a guard and a fit of the
 * peak is taken for its echo. From the reflection's clean point (lc_otdr_settle: back on the backscatter
 * within its noise) until the detector's own line starts past it, step, lim and ok over [a, a + n) are
 * those of a line before fitted from there (its level and the fibre's slope while shorter than a fit),
 * lim keeping the trace's calibration (lim / white, white: the white-noise limits before calibrate_limits),
 * and clean marks those points: a step there is no echo. From the peak's candidate to where that section
 * is a pulse (8 points at least) long, step is 0. otdr_close.c. Returns 0. */
int lc_otdr_steps_after_reflections(const lc_otdr_ctx *c, size_t a, size_t n, const cand *v, size_t npk,
				    const double *white, double *step, double *lim, unsigned char *ok, unsigned char *clean);
/* Steps close to larger ones (v[npk, nv) the steps found, v[0, npk) the peaks), appended to *v; lim, ok:
 * the detector's limits and bits over [a, a + n). otdr_close.c. Returns 0 or LC_ERR_NOMEM. */
int lc_otdr_close_steps(const lc_otdr_ctx *c, size_t a, size_t n, const double *lim, const unsigned char *ok,
			size_t npk, cand **v, size_t *nv, size_t *cap);
/* cand.lim of each of v[0, nv) in [a, a + n): the CFAR limit around it. otdr_close.c. 0 or LC_ERR_NOMEM. */
int lc_otdr_typical_limits(const lc_otdr_ctx *c, size_t a, size_t n, const double *lim, const unsigned char *ok,
			   cand *v, size_t nv);
/* Turn candidates into the final event list of a (takes ownership of launch). */
int lc_otdr_build_events(lc_otdr_ctx *c, lc_otdr_event *launch, const cand *cv, size_t ncv, size_t sig_end,
			 lc_otdr_analysis *a, lc_diag *diag);

struct cand {
	size_t i;
	double step, peak;
	bool refl;   /* a peak (possibly under the reflectance threshold) */
	bool forced; /* the launch cord's far connector: kept whatever its loss */
	bool end_only; /* the trace fell the end threshold below the fibre line here: an event only if it is
	                  the end */
	bool split;    /* a reflection in the dead zone of the one before, separated by the dip between them:
	                  i is the foot of its edge (the valley), peak its height above the backscatter */
	double lim;    /* the detector's noise limit around i (dB, over the CFAR training cells; 0 where none
	                  was measured): with no loss threshold, the event's LS loss must clear it (x1.5) */
	bool close;    /* found with the larger steps around it taken off the trace (close_steps): not one
	                  of the isolated steps that tell the trace's transition shape */
};

#endif
