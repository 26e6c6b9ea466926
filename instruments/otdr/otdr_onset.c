/*
 * The onset of a non-reflective event from both sides of its transition.
 *
 * A loss step seen through a rectangular pulse is a ramp as long as the pulse: the trace follows the
 * backscatter line up to the event, falls linearly over the pulse length, and follows a parallel line
 * after it. Instruments place the event where the ramp leaves the line before (the onset). Fitting that
 * whole template -- line, ramp of width w, parallel line -- by least squares over both sections uses every
 * point of the transition and of the fibre on either side, where a fit of its first half alone (shape_onset
 * in otdr_measure.c) lets the slow wander of a long, heavily averaged trace pull the knee early: on the
 * 1 us Anritsu CMA4500 traces (2 m points, a 102 m pulse) 65-77 m early on 0.09-0.11 dB splices.
 *
 * The transition is the trace's own: a receiver whose filter or averaging spreads a step over several pulse
 * lengths (the 100 ns MT1000A files: three) has a transition that no pulse-long ramp describes. The template
 * is therefore the ramp averaged over a rounding r, and lc_otdr_ramp_rounding finds the r that fits all the
 * trace's steps best. Where that is the pulse's own ramp (r up to a fifth of a pulse) the template places
 * the onsets; where the transition is spread wider, the foot's shape (shape_onset) does, which on those
 * traces agrees better with the instruments (10 of the MT1000A's 14 splices, 6 with the widened template).
 */
#include <math.h>
#include <stdlib.h>

#include "instruments/otdr/otdr_measure_priv.h"

/* The receiver's rounding tried, in pulse lengths: the template is the pulse-long ramp averaged over r
 * (a box of r: the receiver's filter and the averaging). A trace whose best rounding is at most
 * LC_OTDR_RAMP_MAX_ROUND has the pulse's own transition, and its events are placed by the template. */
static const double rounds[] = {0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 1.5, 2.0, 3.0};
#define N_ROUNDS (sizeof(rounds) / sizeof(rounds[0]))
#define LC_OTDR_RAMP_MAX_ROUND 0.2

/* integral of the unit ramp of width w from -inf to t */
static double ramp_int(double t, double w)
{
	return t <= 0 ? 0 : t < w ? t * t / (2 * w) : w / 2 + (t - w);
}

/* the step's template at x points after the onset: the ramp of width w averaged over the r points before */
static double shape(double x, double w, double r)
{
	if (r < 1e-9)
		return x <= 0 ? 0 : x >= w ? 1 : x / w;
	return (ramp_int(x, w) - ramp_int(x - r, w)) / r;
}

/* Least squares of y[j] = p0 + p1 (j - e) - p2 shape(j - e) over [lo, hi): the sum of squared residuals
 * (INFINITY when the normal equations are singular). */
static double template_sse(const double *y, size_t lo, size_t hi, size_t step, double e, double w, double r)
{
	double A[3][4] = {{0}}, yy = 0;
	for (size_t j = lo; j < hi; j += step) {
		double row[3] = {1.0, (double)j - e, -shape((double)j - e, w, r)};
		yy += y[j] * y[j];
		for (int p = 0; p < 3; p++) {
			A[p][3] += row[p] * y[j];
			for (int q = 0; q < 3; q++)
				A[p][q] += row[p] * row[q];
		}
	}
	double rhs[3] = {A[0][3], A[1][3], A[2][3]};
	/* Gauss-Jordan with partial pivoting on the 3x3 normal equations */
	for (int i = 0; i < 3; i++) {
		int p = i;
		for (int k = i + 1; k < 3; k++)
			if (fabs(A[k][i]) > fabs(A[p][i]))
				p = k;
		if (!(fabs(A[p][i]) > 1e-12))
			return INFINITY;
		for (int col = 0; col < 4; col++) {
			double t = A[i][col];
			A[i][col] = A[p][col];
			A[p][col] = t;
		}
		for (int k = 0; k < 3; k++) {
			if (k == i)
				continue;
			double f = A[k][i] / A[i][i];
			for (int col = i; col < 4; col++)
				A[k][col] -= f * A[i][col];
		}
	}
	double sse = yy;
	for (int i = 0; i < 3; i++)
		sse -= A[i][3] / A[i][i] * rhs[i];
	return sse > 0 ? sse : 0;
}

/* Best onset for rounding r (points) of a step the detector saw at centre: its steps peak while the
 * detection fits straddle the transition, from 2 points before the onset to a guard after its ramp, so the
 * onset lies in [centre - pulse - r - guard, centre + 2]. The window runs from a fit length before the onset
 * (not before lo) to a fit length after the transition (not past hi). Returns the SSE per point of the best
 * fit (INFINITY if no window fits), *at the onset. */
/* The misfit per point of the template with its onset at e, over a fit length before e (not before lo) to
 * one after the transition (not past hi); INFINITY where less than half a fit length of fibre is left on a
 * side: between close neighbours the lines are too short to hold the template, and the foot's shape
 * decides (the fallback). */
static double misfit_at(const lc_otdr_ctx *c, size_t lo, size_t hi, size_t step, double e, double w, double r)
{
	size_t L = c->fit_len;
	size_t wlo = e > (double)(lo + L) ? (size_t)e - L : lo;
	size_t whi = (size_t)(e + w + r) + L;
	if (whi > hi)
		whi = hi;
	if ((double)whi < e + w + r + (double)(L / 2) || e < (double)(wlo + L / 2))
		return INFINITY;
	return template_sse(c->y, wlo, whi, step, e, w, r) / (double)((whi - wlo + step - 1) / step);
}

static double best_onset(const lc_otdr_ctx *c, size_t centre, size_t lo, size_t hi, double r, size_t *at)
{
	size_t L = c->fit_len;
	/* every point up to a pulse of 64 points (all the samples: at most 51); beyond, every step-th, so
	 * that the cost stays about 2500 x the pulse per event (a 20 us pulse at 1 m points: 2000 points,
	 * 7000-point windows at 4000 onsets otherwise) */
	size_t step = c->pw_pts > 64 ? c->pw_pts / 64 : 1;
	double w = (double)(c->pw_pts < 2 ? 2 : c->pw_pts), best = INFINITY;
	double from = (double)centre - w - (double)c->guard, to = (double)centre + 2;
	if (from < (double)(lo + L / 2))
		from = (double)(lo + L / 2);
	/* coarse to fine: the misfit varies over the transition's length, so onsets an eighth of a pulse
	 * apart find its valley, and the points around the best of them its bottom (a fifth of the cost) */
	double cs = floor(w / 8) > 1 ? floor(w / 8) : 1, ec = NAN;
	for (double e = ceil(from); e <= to; e += cs) {
		double m = misfit_at(c, lo, hi, step, e, w, r);
		if (m < best) {
			best = m;
			ec = e;
		}
	}
	if (!isfinite(best))
		return best;
	*at = (size_t)ec;
	for (double e = fmax(ceil(from), ec - cs + 1); cs > 1 && e < ec + cs && e <= to; e += 1.0) {
		double m = e == ec ? INFINITY : misfit_at(c, lo, hi, step, e, w, r);
		if (m < best) {
			best = m;
			*at = (size_t)e;
		}
	}
	return best;
}

double lc_otdr_ramp_rounding(const lc_otdr_ctx *c, const size_t *centre, const size_t *lo, const size_t *hi, size_t n)
{
	/* the rounding common to all the trace's steps (they share the receiver) with the least misfit summed
	 * over them, each step's in units of its own best fit: a step far down the trace, in more noise, does
	 * not outweigh the others, and a step of the size of the noise fits every rounding alike (adds the
	 * same to each) and decides nothing */
	double score[N_ROUNDS] = {0}, sse[N_ROUNDS];
	size_t used = 0;
	for (size_t k = 0; k < n; k++) {
		bool all = true;
		for (size_t ri = 0; ri < N_ROUNDS && all; ri++) {
			size_t at;
			sse[ri] = best_onset(c, centre[k], lo[k], hi[k], rounds[ri] * (double)c->pw_pts, &at);
			all = isfinite(sse[ri]);
		}
		double least = INFINITY;
		for (size_t ri = 0; ri < N_ROUNDS && all; ri++)
			least = fmin(least, sse[ri]);
		if (!all || !(least > 0))
			continue;
		for (size_t ri = 0; ri < N_ROUNDS; ri++)
			score[ri] += sse[ri] / least;
		used++;
	}
	if (!used)
		return NAN;
	size_t best = 0;
	for (size_t ri = 1; ri < N_ROUNDS; ri++)
		if (score[ri] < score[best])
			best = ri;
	return rounds[best];
}

bool lc_otdr_ramp_placeable(double rounding)
{
	return rounding <= LC_OTDR_RAMP_MAX_ROUND;
}

size_t lc_otdr_ramp_onset(const lc_otdr_ctx *c, double rounding, size_t centre, size_t lo, size_t hi, size_t fallback)
{
	size_t at = fallback;
	double r = rounding * (double)c->pw_pts;
	if (!isfinite(best_onset(c, centre, lo, hi, r, &at)))
		return fallback;
	/* the detector's step maximum can lie off the event on a noisy trace (its local maximum spans half a
	 * fit length): a template onset further than its own transition and a guard from the foot found by
	 * the shape is a fit to something else */
	double far = (double)c->pw_pts + r + (double)c->guard;
	if (fabs((double)at - (double)fallback) > far)
		return fallback;
	return at;
}
