/*
 * The detector's second look (otdr_analysis.c's find_candidates calls these): steps a short section past a
 * reflection, seen against the backscatter after its tail; steps close to larger ones, found with those
 * taken off the trace; and the noise limit around an event as ordered-statistic CFAR takes it (the median
 * over training cells, the guard cells around the event left out).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_measure_priv.h"

int lc_otdr_steps_after_reflections(const lc_otdr_ctx *c, size_t a, size_t n, const cand *v, size_t npk,
				    const double *white, double *step, double *lim, unsigned char *ok, unsigned char *clean)
{
	size_t g = c->guard, L = c->fit_len, minpts = c->pw_pts > 8 ? c->pw_pts : 8;
	for (size_t p = 0; p < npk; p++) {
		/* the candidate is where the window a pulse ahead first holds the peak: its top is up to a
		 * pulse length on */
		size_t pi = v[p].i, top = pi, cl;
		for (size_t j = pi; j <= pi + c->pw_pts && j < c->n; j++)
			if (c->y[j] > c->y[top])
				top = j;
		lc_otdr_settle(c, top, top + 2 * g, &cl);
		/* no step where the section is shorter than that: its line is a few points of the tail's end */
		for (size_t i = pi; i < cl + minpts + g && i < a + n; i++)
			if (i >= a)
				step[i - a] = 0;
		/* from there until the detector's own line before starts past cl (and equals this one) */
		for (size_t i = cl + minpts + g; i <= cl + g + L && i < a + n; i++) {
			if (i < a)
				continue;
			size_t k = i - a;
			lc_otdr_line bl, al;
			lc_otdr_fit(&c->sums, cl, i - g, &bl);
			lc_otdr_fit(&c->sums, i + g, i + g + L, &al);
			if (bl.n < 3 || al.n < 3 || !(white[k] > 0))
				continue;
			/* a section shorter than a fit keeps its level and takes the fibre's slope: over a few
			 * metres the slope of noise is anything (as losses take such sections) */
			if (bl.n < L && isfinite(c->fiber_slope)) {
				double mid = ((double)cl + (double)(i - g) - 1.0) / 2.0, lev = lc_otdr_line_at(&bl, mid);
				bl.b = c->fiber_slope;
				bl.a = lev - bl.b * mid;
			}
			/* the trace's calibration of the limit at the point (its factor over the white-noise
			 * limit), applied to the white-noise limit of the new fits */
			double f = lim[k] / white[k];
			step[k] = lc_otdr_line_at(&al, (double)i) - lc_otdr_line_at(&bl, (double)i);
			lim[k] = f * 6.0 * bl.rms * sqrt(4.0 / (double)bl.n + 4.0 / (double)al.n);
			ok[k] = (unsigned char)((ok[k] & ~3u) | (lc_otdr_fiber_like(c, &bl) ? 1 : 0) |
						(lc_otdr_fiber_like(c, &al) ? 2 : 0));
			clean[k] = 1;
		}
	}
	return 0;
}

/* The step noise limit around point k of [0, n) as ordered-statistic CFAR takes it: the median of lim over
 * the training cells, the fibre-like points (ok: find_candidates' bits) from one to four (guard + fit length)
 * on either side, leaving out the guard cells whose fits take in the point's own transition (their
 * residuals are its ramp, not noise: a 0.10 dB splice seen 6 m past its onset has 0.058 dB there, 0.03 dB
 * around). z: room for 8 (guard + fit length) values. lim[k] where fewer than 8 cells are fibre-like. */
static double cfar_limit(const lc_otdr_ctx *c, size_t k, size_t n, const double *lim, const unsigned char *ok,
			 double *z)
{
	size_t r = c->guard + c->fit_len, m = 0;
	for (size_t q = k > 4 * r ? k - 4 * r : 0; q < n && q <= k + 4 * r; q++)
		if ((q + r <= k || q >= k + r) && (ok[q] & 3) == 3 && lim[q] > 0)
			z[m++] = lim[q];
	return m >= 8 ? lc_otdr_select(z, m, m / 2) : lim[k];
}

/* cand.lim of each of v[0, nv) in [a, a + n): cfar_limit at it. Returns 0 or LC_ERR_NOMEM. */
int lc_otdr_typical_limits(const lc_otdr_ctx *c, size_t a, size_t n, const double *lim, const unsigned char *ok,
			  cand *v, size_t nv)
{
	double *z = malloc(8 * (c->guard + c->fit_len + 1) * sizeof(double));
	if (!z)
		return LC_ERR_NOMEM;
	for (size_t j = 0; j < nv; j++)
		if (v[j].i >= a && v[j].i < a + n)
			v[j].lim = cfar_limit(c, v[j].i - a, n, lim, ok, z);
	free(z);
	return 0;
}

/* Close steps: the local maximum of |step| takes the largest within a guard and half a fit length, and
 * a step's fits see a neighbour up to a fit length away, so a small splice a few fit lengths' worth of
 * points after a larger one (Viavi F1_TT07: 0.10 dB 43 m after 0.285 dB under a 30 ns pulse; fits of 31 m)
 * stands on the larger one's partial step and is no maximum of its own. With the steps found so far taken
 * off the trace (the level after each lowered back by its step, from its centre on), what is left shows
 * the smaller ones on a flat line. A step found there, clear of every candidate's transition and of the
 * reach of every peak, with the same limits as the first pass, is a candidate too; its position and loss
 * are measured on the trace itself like any other. steps: v[from, nv) (sorted by position, peaks in v[0,
 * npk)). Returns 0 or LC_ERR_NOMEM. */
int lc_otdr_close_steps(const lc_otdr_ctx *c, size_t a, size_t n, const double *lim, const unsigned char *ok,
		       size_t npk, cand **v, size_t *nv, size_t *cap)
{
	size_t nst = *nv - npk;
	if (nst == 0)
		return 0;
	double *yc = malloc(c->n * sizeof(double)), *step = calloc(2 * (n ? n : 1), sizeof(double));
	double *lim2 = step ? step + (n ? n : 1) : NULL;
	double *z = malloc(8 * (c->guard + c->fit_len + 1) * sizeof(double));
	unsigned char *fit_ok = calloc(n ? n : 1, 1);
	lc_otdr_ctx c2 = *c;
	int rc = (!yc || !step || !fit_ok || !z) ? LC_ERR_NOMEM : 0;
	if (rc == 0) {
		memcpy(yc, c->y, c->n * sizeof(double));
		/* each as the pulse's ramp, a pulse length centred on the detector's maximum, then flat */
		double h = (double)c->pw_pts / 2.0;
		for (size_t s = npk; s < *nv; s++) {
			size_t i = (*v)[s].i, j = i > c->pw_pts ? i - c->pw_pts : 0;
			for (; j < c->n; j++) {
				double f = ((double)j - ((double)i - h)) / (2.0 * h);
				yc[j] -= (*v)[s].step * (f < 0 ? 0 : f > 1 ? 1 : f);
			}
		}
		/* the detector's maximum lies anywhere within the transition (its fits see the same step from
		 * every point between the ramp's ends), so the ramp taken off may sit a few points off the real
		 * one and leave a spike of up to half the step there, which the fits of a neighbour take for a
		 * step of its own: bridge each transition (a pulse length and the 2 points of the guard either
		 * side of the maximum) by the straight line between the backscatter levels on its two sides.
		 * Only where that spike can stand out of the noise (half the step over the detector's limit):
		 * under it, the bridge would only trade the trace's own points for the noise of two means */
		for (size_t s = npk; s < *nv; s++) {
			size_t i = (*v)[s].i, w = c->pw_pts + 2, q = c->pw_pts > 4 ? c->pw_pts : 4;
			if (!(fabs((*v)[s].step) / 2.0 > (*v)[s].lim) || i < w + q + 1 || i + w + q + 1 >= c->n)
				continue;
			/* the levels on either side as means over a pulse length (at least 4 points), not single
			 * points: the ripple of one point would offset the whole bridge */
			size_t l0 = i - w - 1, l1 = i + w + 1;
			double m0 = 0, m1 = 0;
			for (size_t j = 0; j < q; j++) {
				m0 += yc[l0 - j];
				m1 += yc[l1 + j];
			}
			m0 /= (double)q;
			m1 /= (double)q;
			double x0 = (double)l0 - (double)(q - 1) / 2.0, x1 = (double)l1 + (double)(q - 1) / 2.0;
			for (size_t j = l0 + 1; j < l1; j++)
				yc[j] = m0 + (m1 - m0) * ((double)j - x0) / (x1 - x0);
		}
		c2.y = yc;
		rc = lc_otdr_sums_init(&c2.sums, yc, c->n);
	}
	if (rc < 0) {
		free(yc), free(step), free(fit_ok), free(z);
		return LC_ERR_NOMEM;
	}
	size_t g = c->guard, L = c->fit_len;
	for (size_t k = 0; k < n; k++) {
		lc_otdr_line bl, al;
		lc_otdr_detection_fits(&c2, a + k, &bl, &al);
		if (bl.n < 3 || al.n < 3)
			continue;
		step[k] = lc_otdr_line_at(&al, (double)(a + k)) - lc_otdr_line_at(&bl, (double)(a + k));
		/* the noise limit scaled to the residuals left here: on the trace itself the fits of a point
		 * near a larger step straddle its transition, and their residuals are its ramp, not noise */
		lc_otdr_line b0, a0;
		lc_otdr_detection_fits(c, a + k, &b0, &a0);
		lim2[k] = b0.rms > 0 && bl.rms < b0.rms ? lim[k] * bl.rms / b0.rms : lim[k];
		fit_ok[k] = (unsigned char)((lc_otdr_fiber_like(&c2, &bl) && lc_otdr_fiber_like(&c2, &al) ? 1 : 0) |
					    (bl.n >= L && lc_otdr_fibre_slope(&c2, &bl) ? 2 : 0));
	}
	size_t first_new = *nv;
	for (size_t k = 0; rc == 0 && k < n; k++) {
		double sk = fabs(step[k]);
		if (!(fit_ok[k] & 1) || sk < c->loss_thr || (c->loss_thr <= 0 && !(fit_ok[k] & 2)) ||
		    !lc_otdr_local_max(step, n, k, g + L / 2, true))
			continue;
		double lk = lim2[k];
		if (sk <= lk)
			continue;
		size_t i = a + k;
		bool clear = true;
		for (size_t p = 0; p < first_new && clear; p++) {
			size_t pi = (*v)[p].i, reach = p < npk ? g + L : g + c->pw_pts;
			clear = i + reach < pi || i > pi + reach;
		}
		if (clear)
			rc = lc_otdr_add_cand(v, nv, cap, (cand){i, step[k], 0, false, false, false, false, lk, true});
	}
	lc_otdr_sums_free(&c2.sums);
	free(yc);
	free(step);
	free(fit_ok);
	free(z);
	return rc;
}
