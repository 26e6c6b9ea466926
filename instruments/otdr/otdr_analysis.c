/*
 * Event detection on an OTDR trace.
 *
 * Every point i gets two least-squares lines: one over the backscatter before it (ending a guard of about a
 * pulse length before i) and one after it (starting a guard after i). Their difference extrapolated to i is
 * the step (loss), and the level above the "before" line is the peak (reflection). Candidates are the local
 * extrema that clear both the configured thresholds and a noise limit taken from the fit residuals, so
 * that the noisy far end of a trace does not produce events. The end is the last event that drops into
 * the noise floor. Positions are then refined to where the trace leaves the backscatter line, and losses
 * re-measured with windows that stop at the neighbouring events (otdr_measure.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_analysis.h"
#include "instruments/otdr/otdr_measure_priv.h"

#define LC_OTDR_MAX_SLOPE_DB_KM 20.0
/* Detection threshold in units of the step noise measured on the trace (calibrate_limits): with a few
 * hundred independent windows on a trace, 3 sigma leaves about one false step per trace to the loss
 * threshold and the LS re-measurement */
#define LC_OTDR_DETECT_SIGMAS 3.0
/* A peak under the reflectance threshold is taken only where the backscatter before it stands this far
 * above the noise: nearer the noise such peaks are noise. Not the end threshold itself, which some
 * instruments set to 15-20 dB (FiberCloud) and which would hide a weak end reflection 13 dB above it */
#define LC_OTDR_WEAK_PEAK_SNR_DB 5.0

void lc_otdr_config_init(lc_otdr_config *cfg)
{
	cfg->loss_threshold_db = 0.2;
	cfg->refl_threshold_db = -55.0;
	cfg->eof_threshold_db = 3.0;
	cfg->backscatter_db = NAN;
	cfg->launch_m = 0;
	cfg->tail_m = 0;
}

void lc_otdr_config_from_sor(lc_otdr_config *cfg, const lc_sor *sor)
{
	/* a stored loss threshold of 0: the instrument had none of its own (Viavi, HP: events of 0.1 dB are
	 * listed) and reported what its noise allowed; so does the analysis then (0: the noise limit alone) */
	cfg->loss_threshold_db = sor->fxd.loss_threshold / 1000.0;
	if (sor->fxd.refl_threshold)
		cfg->refl_threshold_db = -sor->fxd.refl_threshold / 1000.0;
	if (sor->fxd.eof_threshold)
		cfg->eof_threshold_db = sor->fxd.eof_threshold / 1000.0;
}

const char *lc_otdr_event_type_name(enum lc_otdr_event_type t)
{
	switch (t) {
	case LC_OTDR_EVENT_REFLECTIVE: return "reflective";
	case LC_OTDR_EVENT_NONREFLECTIVE: return "non-reflective";
	case LC_OTDR_EVENT_END: return "end";
	default: return "launch";
	}
}

void lc_otdr_analysis_free(lc_otdr_analysis *a)
{
	if (a) {
		free(a->events);
		free(a);
	}
}

/* Noise after the end: the last 5 % of the trace (at least 32 points), median level and robust spread. */
static void noise_floor(lc_otdr_ctx *c)
{
	size_t k = c->n / 20;
	if (k < 32)
		k = c->n < 32 ? c->n : 32;
	double *t = malloc(k * sizeof(double));
	if (!t) {
		c->noise = c->noise_top = c->noise_end_top = c->y[c->n - 1];
		c->noise_rms = 0;
		return;
	}
	memcpy(t, c->y + c->n - k, k * sizeof(double));
	c->noise = lc_otdr_select(t, k, k / 2);
	/* SOR's noise floor convention: the level 98 % of the noise stays below. Receivers clip the log of
	 * noise at a floor, so the spread around the median is not a useful limit, this percentile is. */
	c->noise_top = lc_otdr_select(t, k, (k * 98) / 100);
	for (size_t i = 0; i < k; i++)
		t[i] = fabs(t[i] - c->noise);
	c->noise_rms = 1.4826 * lc_otdr_select(t, k, k / 2); /* MAD of a normal distribution */
	/* The same percentile of the noise's means over a fit length, for the end test, which compares such
	 * means with it: sparse spikes in the noise (some receivers show pulse-wide spikes 50 dB over a
	 * clipped floor on 2 % of the points: the AFL M200 file) set the 98th percentile of single points near
	 * the backscatter, but average out over a window. */
	size_t w = c->fit_len < k ? c->fit_len : k, m = k - w + 1;
	double run = 0;
	for (size_t i = 0; i < w; i++)
		run += c->y[c->n - k + i];
	for (size_t i = 0; i < m; i++) {
		t[i] = run / (double)w;
		if (i + 1 < m)
			run += c->y[c->n - k + i + w] - c->y[c->n - k + i];
	}
	c->noise_end_top = lc_otdr_select(t, m, (m * 98) / 100);
	free(t);
}

/* Launch: the front-panel reflection at 0 m and where the trace settles onto the backscatter (its
 * attenuation dead zone). Returns the first point back on the backscatter within its noise, where the
 * detection's fits may start. */
static size_t launch_zone(lc_otdr_ctx *c, lc_otdr_event *ev)
{
	size_t i0 = c->i0;
	size_t lim = i0 + 4 * c->pw_pts + 8;
	if (lim > c->n)
		lim = c->n;
	/* The panel's peak is the highest point of the first reflection: the search stops at another one's
	 * rise (1.5 dB from the lowest point since a top 1.5 dB above it, on a trace 5 dB over the noise, as
	 * close reflections are split). The end of a patch cord a few pulse lengths long lies within the
	 * window, and its reflection may be higher than the panel's (a 62 m fibre under 160 ns with a -14 dB
	 * end behind a -45 dB panel: taken for the panel, the whole fibre was its dead zone). */
	size_t pk = i0, vi = i0;
	for (size_t i = i0; i < lim; i++) {
		if (c->y[pk] - c->y[vi] >= LC_OTDR_SPLIT_DB && c->y[i] - c->y[vi] >= LC_OTDR_SPLIT_DB &&
		    c->y[vi] >= c->noise_top + LC_OTDR_SPLIT_SNR_DB)
			break;
		if (c->y[i] > c->y[pk])
			pk = vi = i;
		else if (c->y[i] < c->y[vi])
			vi = i;
	}
	memset(ev, 0, sizeof(*ev));
	ev->type = LC_OTDR_EVENT_LAUNCH;
	ev->index = i0;
	ev->position_m = c->x0 + (double)i0 * c->dx;
	ev->loss_db = NAN;
	ev->slope_db_km = NAN;
	size_t clean, settle = lc_otdr_settle_ex(c, pk, pk + 2 * c->guard, &clean, true);
	/* the panel's height above the backscatter line after it, fitted up to the next reflection's rise at
	 * most: over a short cord's end reflection and its tail the line stood 10-20 dB high, and a -45 dB
	 * panel 100 m before a -14 dB end read -28 dB */
	size_t ahi = clean + c->fit_len * 2, rise = lc_otdr_next_rise(c, clean, ahi);
	if (rise < ahi && rise > clean + 1)
		ahi = rise;
	lc_otdr_line after;
	lc_otdr_fit(&c->sums, clean, ahi, &after);
	double h = c->y[pk] - lc_otdr_line_at(&after, (double)pk);
	lc_otdr_reflection(c, ev, pk, h, settle);
	return clean;
}

int lc_otdr_add_cand(cand **v, size_t *n, size_t *cap, cand x)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		cand *p = realloc(*v, nc * sizeof(cand));
		if (!p)
			return LC_ERR_NOMEM;
		*v = p;
		*cap = nc;
	}
	(*v)[(*n)++] = x;
	return 0;
}

bool lc_otdr_local_max(const double *v, size_t n, size_t k, size_t w, bool absval)
{
	size_t lo = k > w ? k - w : 0, hi = k + w < n ? k + w : n - 1;
	double me = absval ? fabs(v[k]) : v[k];
	for (size_t j = lo; j <= hi; j++) {
		double o = absval ? fabs(v[j]) : v[j];
		if (j != k && (o > me || (o == me && j < k)))
			return false;
	}
	return true;
}

static int cmp_cand(const void *a, const void *b)
{
	size_t x = ((const cand *)a)->i, y = ((const cand *)b)->i;
	return (x > y) - (x < y);
}

bool lc_otdr_fiber_like(const lc_otdr_ctx *c, const lc_otdr_line *l)
{
	double s = -l->b / c->dx * 1000.0;
	return s > -LC_OTDR_MAX_SLOPE_DB_KM && s < LC_OTDR_MAX_SLOPE_DB_KM;
}

static bool fiber_like(const lc_otdr_ctx *c, const lc_otdr_line *l) { return lc_otdr_fiber_like(c, l); }

/* For a reflection, also a steep slope over a window so short that it moves the level by less than half a
 * dB: that is the end of a small event's pulse just before (two connectors of a short cord), not a
 * recovery tail, and a real peak stands well above it. */
static bool peak_base_ok(const lc_otdr_ctx *c, const lc_otdr_line *l)
{
	return fiber_like(c, l) || fabs(l->b) * (double)l->n < 0.5;
}

/* The white-noise limit assumes independent points, but averaging and the receiver's filter make the noise
 * of neighbouring points alike (ripple on short-pulse traces), and steps between two fits then scatter more
 * than the fits' residuals predict. Measure it on the trace itself: the step in units of its white-noise
 * uncertainty (lim / 6) at every point where both fits look like fibre has a robust spread (1.4826 x the
 * median absolute deviation; the events are outliers it ignores) of 1 for white noise. The limit becomes
 * LC_OTDR_DETECT_SIGMAS of that spread where this is more than the white-noise limit. */
static double robust_spread(double *z, size_t m)
{
	double med = lc_otdr_select(z, m, m / 2);
	for (size_t k = 0; k < m; k++)
		z[k] = fabs(z[k] - med);
	return 1.4826 * lc_otdr_select(z, m, m / 2);
}

static int calibrate_limits(const double *step, double *lim, const unsigned char *ok, size_t n, size_t block)
{
	double *z = malloc((n ? n : 1) * sizeof(double));
	double *f = malloc((n ? n : 1) * sizeof(double));
	if (!z || !f) {
		free(z);
		free(f);
		return LC_ERR_NOMEM;
	}
	size_t m = 0;
	for (size_t k = 0; k < n; k++)
		if ((ok[k] & 3) == 3 && lim[k] > 0)
			z[m++] = step[k] / (lim[k] / 6.0);
	double spread = m >= 32 ? robust_spread(z, m) : 1.0;
	/* the limit: 6 white-noise sigmas, or LC_OTDR_DETECT_SIGMAS of the measured spread if that is more */
	double fg = fmax(1.0, spread * LC_OTDR_DETECT_SIGMAS / 6.0);
	/* ... or of the spread measured around the point (CFAR: the blocks of `block` points on either side
	 * of its own), where that is more: the wander of an averaged trace is not the same all along it */
	if (block < 1)
		block = 1;
	size_t nb = (n + block - 1) / block;
	for (size_t bi = 0; bi < nb; bi++) {
		size_t lo = bi > 0 ? (bi - 1) * block : 0, hi = (bi + 2) * block < n ? (bi + 2) * block : n;
		m = 0;
		for (size_t k = lo; k < hi; k++)
			if ((ok[k] & 3) == 3 && lim[k] > 0)
				z[m++] = step[k] / (lim[k] / 6.0);
		double fl = m >= 32 ? robust_spread(z, m) * LC_OTDR_DETECT_SIGMAS / 6.0 : 0.0;
		for (size_t k = bi * block; k < (bi + 1) * block && k < n; k++)
			f[k] = fmax(fg, fl);
	}
	for (size_t k = 0; k < n; k++)
		lim[k] *= f[k];
	free(z);
	free(f);
	return 0;
}

/* Does line l have this trace's fibre slope (within the slope itself, at least 1 dB/km)? Stricter than
 * fiber_like: a line over a reflection's plateau or the last of a recovery tail passes that. */
bool lc_otdr_fibre_slope(const lc_otdr_ctx *c, const lc_otdr_line *l)
{
	if (!isfinite(c->fiber_slope))
		return fiber_like(c, l);
	return fabs(l->b - c->fiber_slope) <= fmax(fabs(c->fiber_slope), 1e-3 * c->dx);
}

/* The detector's two lines at point i: over the fit length of backscatter before it (ending a guard
 * before i, not before the launch zone's end) and after it (starting a guard after i). */
void lc_otdr_detection_fits(const lc_otdr_ctx *c, size_t i, lc_otdr_line *bl, lc_otdr_line *al)
{
	size_t g = c->guard, L = c->fit_len;
	size_t blo = i > g + L ? i - g - L : 0, bhi = i > g ? i - g : 0;
	if (blo < c->det_lo)
		blo = c->det_lo;
	lc_otdr_fit(&c->sums, blo, bhi, bl);
	lc_otdr_fit(&c->sums, i + g, i + g + L, al);
}

/* out[i] = the highest of y[i .. i + w) (within y[0 .. n)) for i < nout <= n, in O(n) whatever w (van Herk /
 * Gil-Werman: maxima from the start and from the end of blocks of w points; a window spans at most two
 * blocks). The detector's peak at every point looks a pulse length ahead: w x n comparisons otherwise,
 * 50 per point on a 1 us trace. Returns 0 or LC_ERR_NOMEM. */
static int window_max(const double *y, size_t n, size_t w, double *out, size_t nout)
{
	if (w < 1)
		w = 1;
	double *g = malloc(2 * (n ? n : 1) * sizeof(double)), *h = g + n;
	if (!g)
		return LC_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) /* g: max from its block's start to i */
		g[i] = (i % w == 0) ? y[i] : fmax(g[i - 1], y[i]);
	for (size_t i = n; i-- > 0;) /* h: max from i to its block's end (or the trace's) */
		h[i] = (i + 1 == n || (i + 1) % w == 0) ? y[i] : fmax(h[i + 1], y[i]);
	for (size_t i = 0; i < nout; i++) {
		size_t last = i + w - 1 < n ? i + w - 1 : n - 1;
		/* [i, last] spans i's block (h[i] covers up to its end) and, if last lies in the next one, g[last] */
		out[i] = last / w == i / w ? h[i] : fmax(h[i], g[last]);
	}
	free(g);
	return 0;
}

/* Step and peak at every point of [a, b); local extrema above the limits become candidates. */
static int find_candidates(lc_otdr_ctx *c, size_t a, size_t b, cand **out, size_t *nout)
{
	size_t n = b > a ? b - a : 0;
	double *step = calloc(n ? n : 1, sizeof(double));
	double *peak = calloc(n ? n : 1, sizeof(double));
	double *lim = calloc(n ? n : 1, sizeof(double));
	unsigned char *ok = calloc(n ? n : 1, 1);
	double *fall = calloc(n ? n : 1, sizeof(double)); /* line before at i minus the mean level after */
	double *wmax = malloc((n ? n : 1) * sizeof(double));  /* highest level within a pulse from a + k */
	double *white = malloc((n ? n : 1) * sizeof(double)); /* lim before calibrate_limits */
	unsigned char *past = calloc(n ? n : 1, 1);            /* step seen from past a reflection's tail */
	cand *v = NULL;
	size_t nv = 0, cap = 0;
	int rc = (!step || !peak || !lim || !ok || !fall || !wmax || !white || !past) ? LC_ERR_NOMEM : 0;
	if (rc == 0)
		rc = window_max(c->y + a, c->n - a, c->pw_pts, wmax, n);
	size_t g = c->guard, L = c->fit_len;
	for (size_t k = 0; rc == 0 && k < n; k++) {
		size_t i = a + k;
		lc_otdr_line bl, al;
		lc_otdr_detection_fits(c, i, &bl, &al);
		if (bl.n < 3 || al.n < 3)
			continue;
		step[k] = lc_otdr_line_at(&al, (double)i) - lc_otdr_line_at(&bl, (double)i);
		peak[k] = wmax[k] - lc_otdr_line_at(&bl, (double)i);
		/* a step between two fits of rms sigma is uncertain by about 2 sigma sqrt(1/n1 + 1/n2) at the
		 * extrapolated ends: 6x that is the noise limit. Only the backscatter before counts: after an
		 * end there is nothing but noise, and the end must still stand out. */
		lim[k] = 6.0 * bl.rms * sqrt(4.0 / (double)bl.n + 4.0 / (double)al.n);
		/* bit 0: the section before looks like fiber; bit 1: the one after does too; bit 2: the section
		 * before can carry a reflection (peak_base_ok); bit 3: the backscatter before stands above the
		 * noise by LC_OTDR_WEAK_PEAK_SNR_DB (or the end threshold, if smaller); bit 4: the section before
		 * is a whole fit of the fibre's slope (the end threshold's reference, below) */
		ok[k] = (unsigned char)((fiber_like(c, &bl) ? 1 : 0) | (fiber_like(c, &al) ? 2 : 0) |
					(peak_base_ok(c, &bl) ? 4 : 0) |
					(lc_otdr_line_at(&bl, (double)i) > c->noise_top + fmin(c->eof_thr, LC_OTDR_WEAK_PEAK_SNR_DB) ? 8 : 0) |
					(bl.n >= L && lc_otdr_fibre_slope(c, &bl) ? 16 : 0));
		fall[k] = lc_otdr_line_at(&bl, (double)i) - lc_otdr_line_at(&al, (double)(i + g) + (double)(al.n - 1) / 2.0);
	}
	if (rc == 0) {
		memcpy(white, lim, (n ? n : 1) * sizeof(double));
		rc = calibrate_limits(step, lim, ok, n, 8 * c->fit_len);
	}
	/* reflections first: the fits on either side of a peak see it as a step, so steps within reach of a
	 * peak are its echoes, not events. Peaks under the reflectance threshold count too (an APC connector at
	 * -65 dB is a 2.9 dB peak at 10 ns): their pulse and recovery tail are longer than the gap between the
	 * detection fits on a finely sampled trace, so no point would see a clean step across them; as a peak
	 * the event gets fits that start past its tail, and it is reported as non-reflective, and only if its
	 * loss clears the loss threshold (lc_otdr_reflection, lc_otdr_build_events). */
	double peak_floor = fmin(c->peak_min, LC_OTDR_PEAK_FLOOR_DB);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		/* a peak under the threshold only on clean backscatter: in the noise past the end, or on a
		 * recovery tail, such peaks are noise */
		bool weak = peak[k] < c->peak_min;
		/* with no loss threshold, also only above a whole fit with the fibre's slope (on the last of the
		 * launch's recovery tail, its curvature stands above the line as a "peak") */
		unsigned char clean = c->loss_thr > 0 ? 9 : 25;
		if ((ok[k] & 4) && peak[k] >= peak_floor && (!weak || (ok[k] & clean) == clean) && peak[k] > 2.0 * lim[k] &&
		    peak[k] > 3.0 * c->noise_rms_bs && lc_otdr_local_max(peak, n, k, 2 * g, false))
			rc = lc_otdr_add_cand(&v, &nv, &cap, (cand){a + k, step[k], peak[k], true, false, false, false, lim[k], false});
	}
	size_t npk = nv;
	if (rc == 0)
		rc = lc_otdr_steps_after_reflections(c, a, n, v, npk, white, step, lim, ok, past);
	for (size_t k = 0; rc == 0 && k < n; k++) {
		double s = fabs(step[k]);
		/* a drop larger than the end threshold may have only noise after it */
		bool fiber = (ok[k] & 1) && ((ok[k] & 2) || step[k] <= -c->eof_thr);
		if (!fiber || s < c->loss_thr || s <= lim[k] || !lc_otdr_local_max(step, n, k, g + L / 2, true))
			continue;
		/* with no loss threshold only the noise judges a step, and only against the fibre: the section
		 * before must be a whole fit with the fibre's slope (the last of the launch's recovery tail,
		 * curving at 1-10 dB/km, is no backscatter line to step from) */
		if (c->loss_thr <= 0 && !(ok[k] & 16))
			continue;
		bool echo = false;
		for (size_t p = 0; p < npk && !echo; p++) {
			size_t pi = v[p].i;
			echo = (a + k + g + L >= pi) && (a + k <= pi + g + L) && !(past[k] && a + k > pi);
		}
		if (!echo)
			rc = lc_otdr_add_cand(&v, &nv, &cap, (cand){a + k, step[k], peak[k], false, false, false, false, lim[k], false});
	}
	if (rc == 0 && nv > npk)
		rc = lc_otdr_close_steps(c, a, n, lim, ok, npk, &v, &nv, &cap);
	/* The end threshold as the instruments define it: the first point where the trace has fallen the end
	 * threshold below the fibre line before it. A long pulse's receiver filter spreads the fall into the
	 * noise over several pulse lengths, so that no point sees a clean step between two fibre-like fits
	 * (the fit after it still falls, the one before it already does); the level itself shows the fall.
	 * Each run of points where the section after lies that far below gives one candidate, at the first
	 * point half the threshold below the line (within the fall, where the onset search looks), which only
	 * the end test can turn into an event (end_only). The line before must be a whole fit long with the
	 * fibre's slope: a short one just past a dead zone, or one over a reflection's plateau, extrapolates
	 * to a level the trace never had. */
	bool run = false;
	for (size_t k = 0; rc == 0 && k < n; k++) {
		bool low = (ok[k] & 17) == 17 && fall[k] >= c->eof_thr;
		if (low && !run) {
			size_t i = a + k, j = i;
			lc_otdr_line bl, al;
			lc_otdr_detection_fits(c, i, &bl, &al);
			while (j + 1 < c->n && j < i + g + L && c->y[j] > lc_otdr_line_at(&bl, (double)j) - c->eof_thr / 2)
				j++;
			rc = lc_otdr_add_cand(&v, &nv, &cap, (cand){j, -fall[k], 0, false, false, true, false, lim[k], false});
		}
		run = low;
	}
	/* The noise an event's loss must clear when the file sets no threshold: the median limit over four
	 * fit lengths and guards on either side, not the limit at the event, whose own fits take in its
	 * transition (a 0.10 dB splice seen 6 m past its onset: 0.058 dB there, 0.03 around it) */
	if (rc == 0)
		rc = lc_otdr_typical_limits(c, a, n, lim, ok, v, nv);
	free(white);
	free(past);
	free(step);
	free(peak);
	free(lim);
	free(ok);
	free(fall);
	free(wmax);
	if (rc < 0) {
		free(v);
		return rc;
	}
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_cand);
	*out = v;
	*nout = nv;
	return 0;
}

/* A cord's connector at launch_m (the launch cord's far end, or a tail cord's start): the candidate nearest
 * to it within launch_tol, or, when the detector saw nothing there (a good connector under both thresholds),
 * one made there from the same fits the detector uses. Either is kept whatever its size. */
static int launch_connector(lc_otdr_ctx *c, double launch_m, size_t sig_end, cand **cv, size_t *ncv)
{
	double at = (launch_m - c->x0) / c->dx;
	if (!(at > 0) || at >= (double)sig_end)
		return 0; /* the trace ends inside the launch cord: no link to compensate */
	size_t li = (size_t)llround(at), best = *ncv;
	for (size_t k = 0; k < *ncv; k++) {
		size_t d = (*cv)[k].i > li ? (*cv)[k].i - li : li - (*cv)[k].i;
		size_t bd = best < *ncv ? ((*cv)[best].i > li ? (*cv)[best].i - li : li - (*cv)[best].i) : SIZE_MAX;
		if (d <= c->launch_tol && d < bd)
			best = k;
	}
	if (best < *ncv) {
		(*cv)[best].forced = true;
		return 0;
	}
	if (li < c->det_lo + c->guard + 3 || li + c->guard + 3 >= c->n)
		return 0; /* inside the front panel's dead zone or at the very end: nothing to measure */
	size_t g = c->guard, L = c->fit_len, blo = li > g + L ? li - g - L : 0;
	if (blo < c->det_lo)
		blo = c->det_lo;
	lc_otdr_line bl, al;
	lc_otdr_fit(&c->sums, blo, li - g, &bl);
	lc_otdr_fit(&c->sums, li + g, li + g + L, &al);
	if (bl.n < 3 || al.n < 3)
		return 0;
	double top = c->y[li];
	for (size_t j = li; j < li + c->pw_pts && j < c->n; j++)
		top = c->y[j] > top ? c->y[j] : top;
	cand x = {li, lc_otdr_line_at(&al, (double)li) - lc_otdr_line_at(&bl, (double)li),
		  top - lc_otdr_line_at(&bl, (double)li), false, true, false, false, 0, false};
	x.refl = x.peak >= LC_OTDR_PEAK_FLOOR_DB;
	cand *p = realloc(*cv, (*ncv + 1) * sizeof(cand));
	if (!p)
		return LC_ERR_NOMEM;
	size_t k = 0;
	while (k < *ncv && p[k].i < li)
		k++;
	memmove(p + k + 1, p + k, (*ncv - k) * sizeof(cand));
	p[k] = x;
	*cv = p;
	(*ncv)++;
	return 0;
}

static int setup(lc_otdr_ctx *c, const lc_otdr_trace *t, const lc_otdr_config *cfg, lc_diag *diag)
{
	if (!t->level_db || t->n < 64)
		return lc_diag_set(diag, LC_ERR_ARG, "OTDR analysis: a trace of %zu points is too short (64 needed)", t->n);
	if (!(t->dx_m > 0) || !isfinite(t->dx_m) || !(t->pulse_ns > 0) || !isfinite(t->x0_m))
		return lc_diag_set(diag, LC_ERR_ARG, "OTDR analysis: point spacing %g m and pulse %g ns must be positive",
				   t->dx_m, t->pulse_ns);
	for (size_t i = 0; i < t->n; i++)
		if (!isfinite(t->level_db[i]))
			return lc_diag_set(diag, LC_ERR_ARG, "OTDR analysis: point %zu is not a finite level", i);
	memset(c, 0, sizeof(*c));
	c->top = t->level_db[0];
	for (size_t i = 1; i < t->n; i++)
		if (t->level_db[i] > c->top)
			c->top = t->level_db[i];
	c->y = t->level_db;
	c->n = t->n;
	c->dx = t->dx_m;
	c->x0 = t->x0_m;
	c->pulse_ns = t->pulse_ns;
	double gi = t->group_index > 1.0 ? t->group_index : 1.468;
	double pw_m = t->pulse_ns * 1e-9 * LC_SOR_C_M_PER_S / gi / 2.0;
	c->pw_pts = (size_t)ceil(pw_m / c->dx);
	if (c->pw_pts < 1)
		c->pw_pts = 1;
	if (c->pw_pts > t->n / 16)
		c->pw_pts = t->n / 16;
	c->guard = c->pw_pts + 2;
	/* the launch cord's connector: within a pulse length and the guard of its nominal end, or 2 m (cord
	 * length tolerance, a group index that differs from the instrument's) */
	c->launch_tol = c->guard + c->pw_pts + (size_t)ceil(2.0 / c->dx);
	c->fit_len = 3 * c->pw_pts < 48 ? 48 : 3 * c->pw_pts;
	c->loss_thr = cfg->loss_threshold_db;
	c->eof_thr = cfg->eof_threshold_db;
	c->bc = cfg->backscatter_db;
	/* Stored coefficients outside -90..-70 dB (Anritsu's -60, Grandway's 0) are not physical for SM fiber
	 * at 1 ns: use -80 dB instead. */
	if (!isfinite(c->bc) || c->bc > -70.0 || c->bc < -90.0)
		c->bc = -80.0;
	c->peak_min = lc_otdr_peak_from_reflectance(cfg->refl_threshold_db, c->pulse_ns, c->bc);
	if (c->peak_min < LC_OTDR_PEAK_FLOOR_DB || !isfinite(c->peak_min))
		c->peak_min = LC_OTDR_PEAK_FLOOR_DB;
	c->i0 = c->x0 < 0 ? (size_t)llround(-c->x0 / c->dx) : 0;
	if (c->i0 >= c->n / 2)
		c->i0 = 0;
	if (lc_otdr_sums_init(&c->sums, c->y, c->n) < 0)
		return lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
	noise_floor(c);
	return 0;
}

/* Backscatter noise near the start, for the peak limit: the median residual RMS of up to 9 windows of a
 * fit length from lo on (before hi). One window over the first few hundred metres, as it was, takes in any
 * connector there: a 9 dB reflection 90 m in (the AFL M200 file) made it 2.8 dB, and every smaller
 * reflection of the trace was then taken for noise. */
static double backscatter_noise(const lc_otdr_ctx *c, size_t lo, size_t hi)
{
	double r[9];
	size_t m = 0;
	for (size_t f = lo; m < 9 && f + c->fit_len <= hi; f += c->fit_len) {
		lc_otdr_line l;
		if (lc_otdr_fit(&c->sums, f, f + c->fit_len, &l) == 0)
			r[m++] = l.rms;
	}
	if (m == 0) {
		lc_otdr_line l;
		lc_otdr_fit(&c->sums, lo, lo + 4 * c->fit_len, &l);
		return l.rms;
	}
	return lc_otdr_select(r, m, m / 2);
}

/* The last point clearly above the noise floor: everything after it is noise. */
static size_t last_signal(const lc_otdr_ctx *c)
{
	double lim = c->noise_top + 1.0;
	size_t w = c->pw_pts;
	for (size_t i = c->n; i-- > 0;) {
		/* a run of pw_pts points above the limit, so a single noise spike does not count */
		if (c->y[i] <= lim)
			continue;
		size_t run = 0;
		while (run < w && i >= run && c->y[i - run] > lim)
			run++;
		if (run >= w || i < w)
			return i;
		i -= run - 1;
	}
	return 0;
}

/* With a tail cord: find its connector (the forced event nearest to at_m, not the end) and take the tail
 * cord's fibre off the link loss (the LS line over the tail section, from past the connector's pulse to a
 * guard before the end). */
static void tail_connector(const lc_otdr_ctx *c, lc_otdr_analysis *a, double at_m)
{
	double best = (double)c->launch_tol * c->dx;
	for (size_t k = 1; k + 1 < a->n_events; k++) {
		double d = fabs(a->events[k].position_m - at_m);
		if (d <= best && (int)k != a->launch_event) {
			best = d;
			a->tail_event = (int)k;
		}
	}
	if (a->tail_event < 0 || !isfinite(a->link_loss_db))
		return;
	const lc_otdr_event *t = &a->events[a->tail_event], *e = &a->events[a->n_events - 1];
	lc_otdr_line l;
	size_t lo = t->index + 2 * c->pw_pts + c->guard, hi = e->index > c->guard ? e->index - c->guard : 0;
	double tail_fibre;
	if (hi > lo && lc_otdr_fit(&c->sums, lo, hi, &l) == 0 && l.n >= 3)
		tail_fibre = lc_otdr_line_at(&l, (double)t->index) - lc_otdr_line_at(&l, (double)e->index);
	else /* too short to fit: the trace's average attenuation over its length */
		tail_fibre = isfinite(a->attenuation_db_km) ? a->attenuation_db_km * (e->position_m - t->position_m) / 1000.0 : 0;
	a->link_loss_db -= tail_fibre;
}

int lc_otdr_analyze(const lc_otdr_trace *t, const lc_otdr_config *cfg_in, lc_otdr_analysis **out, lc_diag *diag)
{
	lc_diag_clear(diag);
	if (!t || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "OTDR analysis: NULL argument");
	lc_otdr_config cfg;
	if (cfg_in)
		cfg = *cfg_in;
	else
		lc_otdr_config_init(&cfg);
	lc_otdr_ctx c;
	int rc = setup(&c, t, &cfg, diag);
	if (rc < 0)
		return rc;
	lc_otdr_analysis *a = calloc(1, sizeof(*a));
	lc_otdr_event *ev = calloc(1, sizeof(*ev));
	cand *cv = NULL;
	size_t ncv = 0;
	if (!a || !ev) {
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
		goto fail;
	}
	size_t sig_end = last_signal(&c);
	c.sig_end = sig_end;
	size_t settle = launch_zone(&c, ev);
	c.det_lo = settle;
	c.noise_rms_bs = backscatter_noise(&c, settle, sig_end);
	lc_otdr_estimate_fiber_slope(&c, settle, sig_end);
	size_t hi = sig_end + c.guard + 1;
	if (hi > c.n)
		hi = c.n;
	size_t lo = settle + c.guard;
	if (lo < hi) {
		rc = find_candidates(&c, lo, hi, &cv, &ncv);
		if (rc < 0) {
			lc_diag_set(diag, rc, "OTDR analysis: out of memory");
			goto fail;
		}
	}
	if (cfg.launch_m > 0 && (rc = launch_connector(&c, cfg.launch_m, sig_end, &cv, &ncv)) < 0) {
		lc_diag_set(diag, rc, "OTDR analysis: out of memory");
		goto fail;
	}
	lc_otdr_event launch = *ev;
	rc = lc_otdr_build_events(&c, ev, cv, ncv, sig_end, a, diag);
	ev = NULL; /* owned by a now */
	if (rc < 0)
		goto fail;
	a->tail_event = -1;
	if (cfg.tail_m > 0 && a->end_found) {
		/* the tail cord's connector is only placed once the end is known: mark it (or measure one) and
		 * build the events again with it kept */
		double at_m = a->fiber_length_m - cfg.tail_m;
		if ((rc = launch_connector(&c, at_m, sig_end, &cv, &ncv)) < 0) {
			lc_diag_set(diag, rc, "OTDR analysis: out of memory");
			goto fail;
		}
		free(a->events);
		memset(a, 0, sizeof(*a));
		a->tail_event = -1;
		ev = malloc(sizeof(*ev));
		if (!ev) {
			rc = lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
			goto fail;
		}
		*ev = launch;
		rc = lc_otdr_build_events(&c, ev, cv, ncv, sig_end, a, diag);
		ev = NULL;
		if (rc < 0)
			goto fail;
		tail_connector(&c, a, at_m);
	}
	free(cv);
	lc_otdr_sums_free(&c.sums);
	*out = a;
	return 0;
fail:
	free(cv);
	free(ev);
	lc_otdr_analysis_free(a);
	lc_otdr_sums_free(&c.sums);
	return rc;
}

int lc_otdr_analyze_sor(const lc_sor *sor, const lc_otdr_config *cfg_in, lc_otdr_analysis **out, lc_diag *diag)
{
	lc_diag_clear(diag);
	if (!sor || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "OTDR analysis: NULL argument");
	lc_otdr_config cfg;
	if (cfg_in) {
		cfg = *cfg_in;
	} else {
		lc_otdr_config_init(&cfg);
		lc_otdr_config_from_sor(&cfg, sor);
	}
	if (!isfinite(cfg.backscatter_db) && sor->fxd.backscatter)
		cfg.backscatter_db = lc_sor_backscatter_db(sor);
	double *y = NULL;
	int n = lc_sor_trace_db(sor, &y);
	if (n < 0)
		return lc_diag_set(diag, n, "OTDR analysis: the trace: %s", lc_strerror(n));
	lc_otdr_trace t = {
		.level_db = y,
		.n = (size_t)n,
		.dx_m = lc_sor_point_spacing_m(sor),
		.x0_m = lc_sor_trace_origin_m(sor),
		.pulse_ns = sor->fxd.pulse_width_ns[0],
		.group_index = lc_sor_group_index(sor),
	};
	/* A user offset moves the file's zero to the end of a launch cord (EXFO, Noyes: 150 m to 1 km): the
	 * front panel lies that far before the zero, and the connection at the zero is the link's first
	 * connector, which the instrument reports (the EXFO FTBx-730C files: 0.20 dB at -49.3 dB at 0 m).
	 * Analyse from the front panel with that cord as the launch cord (kept whatever its size, as launch
	 * compensation does), then give the positions in the file's distances again. */
	double cord = sor->gen.user_offset > 0 ? lc_sor_time_to_m(sor, sor->gen.user_offset) : 0;
	if (cord > 0 && cfg.launch_m == 0) {
		t.x0_m += cord;
		cfg.launch_m = cord;
	} else {
		cord = 0;
	}
	int rc = lc_otdr_analyze(&t, &cfg, out, diag);
	free(y);
	if (rc == 0 && cord > 0) {
		/* in the file's distances; what lies inside the launch cord (before its connector) is not the
		 * link, and instruments that zero at the cord's end do not list it either */
		lc_otdr_analysis *a = *out;
		size_t w = 0;
		for (size_t k = 0; k < a->n_events; k++) {
			lc_otdr_event *e = &a->events[k];
			e->position_m -= cord;
			if (k > 0 && (int)k < a->launch_event && e->type != LC_OTDR_EVENT_END)
				continue;
			if ((int)k == a->launch_event)
				a->launch_event = (int)w;
			else if ((int)k == a->tail_event)
				a->tail_event = (int)w;
			a->events[w++] = *e;
		}
		a->n_events = w;
		for (size_t k = 0; k < a->n_ghosts && k < LC_OTDR_MAX_GHOSTS; k++)
			a->ghost_m[k] -= cord;
		a->fiber_length_m -= cord;
	}
	return rc;
}
