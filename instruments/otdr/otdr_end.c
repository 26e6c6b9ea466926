/*
 * The end of the fiber. After an event, either the fiber goes on, and past the event's dead zone the trace
 * settles onto a backscatter line with the slope of the fibre before it, or the fibre ends, and the trace
 * falls into the noise: at once (a cleave in gel, an APC end), or down the receiver's recovery tail after a
 * strong end reflection, which on a saturated receiver takes hundreds of metres and looks like neither
 * fibre nor noise. So: walk on past the event a fit length at a time; the event is the end if the level
 * falls the end-of-fibre threshold below the backscatter before it (or meets the noise) before any window
 * looks like the same fibre continuing. A mid-fibre connector with a long tail, or one a kilometre before
 * the real end, finds its continuation first; an end reflection's tail never does.
 */
#include <math.h>
#include <stdlib.h>

#include "instruments/otdr/otdr_measure_priv.h"

/* The slope resolution a window needs before it may say "the fibre goes on" (or the fibre's own slope, if
 * larger: multimode at 850 nm is 3.5 dB/km): a receiver's recovery tail falls at tens of dB/km, and
 * flattens through a few dB/km as it nears the noise (the Anritsu MT9090A file's end: 10 dB/km falling to
 * about 3 over 1.5 km), where a 5 dB/km resolution took it for fibre going on; single-mode fibre is 0.2 to
 * 0.4 dB/km */
#define LC_OTDR_END_SLOPE_RES_DB_KM 2.0
/* How far over the noise (the top of its means over a fit length) a window must stay to say so */
#define LC_OTDR_END_SNR_DB 3.0

/* Standard deviation of the slope (dB per point) of a least-squares line over n points of rms residual. */
static double slope_sigma(const lc_otdr_line *l)
{
	double n = (double)l->n;
	return n > 2 ? l->rms * sqrt(12.0 / (n * (n * n - 1.0))) : INFINITY;
}

bool lc_otdr_is_end(const lc_otdr_ctx *c, const cand *cd, const lc_otdr_line *b)
{
	if (b->n < 3)
		return false;
	double before = lc_otdr_line_at(b, (double)cd->i);

	/* past the event's pulse: from its highest point (the reflection, or the start of a drop) on */
	size_t pk = cd->i, hi = cd->i + 3 * c->pw_pts + 2 < c->n ? cd->i + 3 * c->pw_pts + 2 : c->n;
	for (size_t j = cd->i; j < hi; j++)
		if (c->y[j] > c->y[pk])
			pk = j;
	size_t w = c->fit_len, f = pk + c->pw_pts + 2;
	/* the fibre's slope: the line before, when it is this trace's fibre (not a recovery tail) and a fit
	 * length long (a few points just past the front panel's dead zone -- 3 on the AFL M200 trace analysed
	 * from its front panel -- give a slope so uncertain that no window could ever match it, and the
	 * fibre never "goes on"); else the trace's median fibre slope. Slope
	 * tolerance: both fits' uncertainty (3 sigma each), a quarter of the fibre's slope (another fibre
	 * type after a connector), at least 0.1 dB/km */
	double ref = b->b, ref_sigma = slope_sigma(b);
	if (isfinite(c->fiber_slope) && (b->n < c->fit_len ||
					 fabs(b->b - c->fiber_slope) > 3.0 * ref_sigma + 0.5 * fabs(c->fiber_slope))) {
		ref = c->fiber_slope;
		ref_sigma = 0;
	}
	double min_tol = fmax(0.1e-3 * c->dx, 0.25 * fabs(ref)), max_tol = fmax(LC_OTDR_END_SLOPE_RES_DB_KM * 1e-3 * c->dx, fabs(ref));
	for (; f + w <= c->n; f += w / 2) {
		lc_otdr_line t;
		if (lc_otdr_fit(&c->sums, f, f + w, &t) < 0 || t.n < 3)
			break;
		double mean = lc_otdr_line_at(&t, (double)f + (double)(w - 1) / 2.0);
		if (mean <= before - c->eof_thr || mean <= c->noise_end_top)
			return true;
		/* does the fibre go on from f? Only a fit precise enough to tell the fibre's slope from a tail's
		 * can say so: on a noisy stretch any slope fits within 3 sigma, so the window doubles until its
		 * uncertainty is within LC_OTDR_END_SLOPE_RES_DB_KM (or the fibre's own slope), or the trace
		 * runs out */
		for (size_t m = w; f + m <= c->n; m *= 2) {
			lc_otdr_line u;
			if (lc_otdr_fit(&c->sums, f, f + m, &u) < 0 || u.n < 3)
				break;
			/* a window that reaches down near the noise says nothing about fibre: a receiver's floor is
			 * flat, and a flat line has the slope of a good fibre within any tolerance; at
			 * LC_OTDR_END_SNR_DB over the noise, half the window's power is noise and its slope is the
			 * noise's flattening as much as the fibre's (FiberCloud's recovery into the noise) */
			if (lc_otdr_line_at(&u, (double)(f + u.n - 1)) <= c->noise_end_top + LC_OTDR_END_SNR_DB)
				break;
			double tol = fmax(3.0 * (slope_sigma(&u) + ref_sigma), min_tol);
			if (tol > max_tol)
				continue;
			if (fabs(u.b - ref) <= tol)
				return false; /* the fibre goes on */
			break;
		}
	}
	return false;
}

void lc_otdr_estimate_fiber_slope(lc_otdr_ctx *c, size_t lo, size_t hi)
{
	/* the median slope of back-to-back windows of two fit lengths: events and tails move a few of them,
	 * the fibre most */
	size_t w = 2 * c->fit_len, n = hi > lo ? (hi - lo) / w : 0, k = 0;
	c->fiber_slope = NAN;
	double *v = n ? malloc(n * sizeof(double)) : NULL;
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		lc_otdr_line t;
		if (lc_otdr_fit(&c->sums, lo + i * w, lo + (i + 1) * w, &t) == 0 && lc_otdr_fiber_like(c, &t))
			v[k++] = t.b;
	}
	if (k >= 3)
		c->fiber_slope = lc_otdr_select(v, k, k / 2);
	free(v);
}
