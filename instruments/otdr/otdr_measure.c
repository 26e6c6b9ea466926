/*
 * From detector candidates to measured events: the end of the fiber, positions refined to where the trace
 * leaves the backscatter, LS losses with windows bounded by the neighbouring events, reflectance from the
 * peak height, dead zones and the optical return loss.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_measure_priv.h"

/* The smallest departure from the backscatter line taken as an event's onset: a smooth, heavily averaged
 * trace curves by a few thousandths of a dB over a kilometre, and SOR stores levels in 0.001 dB steps */
#define LC_OTDR_ONSET_FLOOR_DB 0.005
/* Steeper than any fibre (multimode at 850 nm is 3.5 dB/km; the detector's fibre-like limit is 20 dB/km):
 * a receiver's recovery tail */
#define LC_OTDR_TAIL_SLOPE_DB_KM 20.0


/* The foot of the first rise in [from, to) of the event dead zone's 1.5 dB from the lowest point since, on a
 * trace 5 dB over the noise (another reflection: a recovery tail only falls), or c->n if none. */
size_t lc_otdr_next_rise(const lc_otdr_ctx *c, size_t from, size_t to)
{
	if (from >= c->n)
		return c->n;
	size_t vi = from;
	for (size_t j = from; j < c->n && j < to; j++) {
		if (c->y[j] < c->y[vi])
			vi = j;
		if (c->y[j] - c->y[vi] >= LC_OTDR_SPLIT_DB && c->y[vi] >= c->noise_top + LC_OTDR_SPLIT_SNR_DB)
			return vi;
	}
	return c->n;
}

/* The front panel's recovery tail approaches the backscatter line from above, its slope shrinking all the
 * way: the 20 dB/km of lc_otdr_fiber_like is met well up the tail (MT1000A: 9.7 dB/km, still 0.5 dB high
 * 60 m past the panel), and a line fitted there bends every fit that starts on it. The fibre's own
 * backscatter has the fibre's attenuation slope, the same further down the fibre: the slopes of back-to-back
 * windows of the same length from the first fibre-like one to the end of the signal give it (their median)
 * and its noise for that window (their robust spread, which a few events and the tail itself do not move).
 * From f on, step a pulse length at a time until the window's slope is the fibre's within 3x that noise,
 * within reach and before the next reflection's rise; if it never is, keep f. Returns the window's start
 * and fits it to *l. */
static size_t settle_to_fibre(const lc_otdr_ctx *c, size_t f, size_t reach, size_t rise_at, lc_otdr_line *l)
{
	size_t sw = c->fit_len, nw = c->sig_end > f ? (c->sig_end - f) / sw : 0, k = 0;
	if (nw < 8)
		return f;
	double *v = malloc(nw * sizeof(double));
	if (!v)
		return f;
	for (size_t i = 0; i < nw; i++) {
		lc_otdr_line t;
		if (lc_otdr_fit(&c->sums, f + i * sw, f + (i + 1) * sw, &t) == 0 && lc_otdr_fiber_like(c, &t))
			v[k++] = t.b;
	}
	if (k < 8) {
		free(v);
		return f;
	}
	double med = lc_otdr_select(v, k, k / 2);
	for (size_t i = 0; i < k; i++)
		v[i] = fabs(v[i] - med);
	double tol = 3.0 * 1.4826 * lc_otdr_select(v, k, k / 2);
	free(v);
	for (size_t g = f; g < reach && g + sw <= c->n && g + sw <= rise_at; g += c->pw_pts) {
		lc_otdr_line t;
		if (lc_otdr_fit(&c->sums, g, g + sw, &t) < 0)
			break;
		if (fabs(t.b - med) <= tol) {
			*l = t;
			return g;
		}
	}
	return f;
}

size_t lc_otdr_settle(const lc_otdr_ctx *c, size_t pk, size_t from, size_t *clean)
{
	return lc_otdr_settle_ex(c, pk, from, clean, false);
}

size_t lc_otdr_settle_ex(const lc_otdr_ctx *c, size_t pk, size_t from, size_t *clean, bool fibre)
{
	lc_otdr_line l;
	if (clean)
		*clean = from < c->n ? from : c->n - 1;
	if (from >= c->n)
		return c->n - 1;
	if (lc_otdr_fit(&c->sums, from, from + 2 * c->fit_len, &l) < 0)
		return from;
	/* The reference line must be backscatter, not the receiver's recovery tail: on a finely sampled trace
	 * (0.1 m points, a 10 ns pulse of 11 points) the tail of a reflection lasts several pulse lengths, so a
	 * fit starting a pulse length past the peak runs down the tail at hundreds of dB/km and everything
	 * measured against it (the launch level, the detection's first fits, the noise of the backscatter) is
	 * wrong. Move the window on, a pulse length at a time, until it looks like fiber; if it never does
	 * within reach (a reflection just before the end, noise), keep the first. */
	size_t step = c->pw_pts, reach = from + 4 * c->fit_len, sw = c->fit_len;
	/* ... but not past another reflection: a recovery tail only falls, and a rise of the event dead zone's
	 * 1.5 dB from the lowest point since (on a trace 5 dB over the noise, as split_reflections takes it) is
	 * a reflection of its own, whose peak and tail no fit of the backscatter before it may take in (a 62 m
	 * fibre under a 160 ns pulse: its end reflection 40 m past the front panel's dead zone, and the launch
	 * line fitted 117 m in, down that reflection's tail, hid the fibre's end in the launch zone). The
	 * window then ends at the foot of that rise. */
	/* (for the front panel from its peak on: a patch cord's end may rise within the two guards) */
	size_t rise_at = lc_otdr_next_rise(c, fibre && pk < from ? pk : from, reach + sw);
	/* The front panel (fibre) with the next reflection closer than a whole window: a patch cord's end 2-4
	 * pulse lengths in (62 m under a 160 ns pulse: 25 m of backscatter, fits of 50 m, the search's start
	 * two guards past the panel's peak already on the end's foot). The backscatter is the stretch just
	 * before that rise, from a pulse length past the peak on, a pulse length at a time, while it is at
	 * least half a pulse (and 8 points) long: the first one with a fibre's slope. Without it the panel's
	 * line was a point or two at the end's foot, or its own fall, and a -45 dB panel read as nothing. */
	bool short_found = false;
	if (fibre && rise_at < c->n && from + sw > rise_at) {
		size_t minw = c->pw_pts / 2 > 8 ? c->pw_pts / 2 : 8;
		for (size_t f = from + minw <= rise_at ? from : pk + step; f + minw <= rise_at; f += step) {
			lc_otdr_line t;
			if (lc_otdr_fit(&c->sums, f, rise_at, &t) == 0 && lc_otdr_fiber_like(c, &t)) {
				l = t;
				from = f;
				short_found = true;
				break;
			}
		}
	}
	if (!short_found && rise_at < c->n && rise_at < from + 2 * c->fit_len &&
	    lc_otdr_fit(&c->sums, from, rise_at, &l) < 0)
		return from;
	for (size_t f = from; f < reach && f + sw <= c->n && f + sw <= rise_at; f += step) {
		lc_otdr_line t;
		if (lc_otdr_fit(&c->sums, f, f + sw, &t) < 0)
			break;
		if (lc_otdr_fiber_like(c, &t)) {
			l = t;
			from = f;
			break;
		}
	}
	if (fibre && from < reach && lc_otdr_fiber_like(c, &l))
		from = settle_to_fibre(c, from, reach, rise_at, &l);
	size_t settle = from;
	for (size_t j = pk; j < from && j < c->n; j++)
		if (fabs(c->y[j] - lc_otdr_line_at(&l, (double)j)) <= 0.5) {
			settle = j;
			break;
		}
	/* where the trace is back on the line within its noise (at least 0.02 dB): the first point a fit of
	 * the backscatter may use */
	if (clean) {
		double tol = fmax(3.0 * l.rms, 0.02);
		*clean = from;
		for (size_t j = settle; j < from && j < c->n; j++)
			if (fabs(c->y[j] - lc_otdr_line_at(&l, (double)j)) <= tol) {
				*clean = j;
				break;
			}
	}
	return settle;
}

void lc_otdr_reflection(const lc_otdr_ctx *c, lc_otdr_event *ev, size_t pk, double h, size_t settle)
{
	ev->peak_db = h;
	ev->atten_dead_zone_m = (double)(settle > ev->index ? settle - ev->index : 0) * c->dx;
	/* the end is an event by the end threshold, and instruments give its reflectance whatever its size
	 * (EXFO's end at -69.3 dB under a -65.5 dB threshold): for an end the caller saw as a peak
	 * (ev->reflective set before the call), any height out of the backscatter noise (3x) by the peak floor */
	double min = ev->type == LC_OTDR_EVENT_END && ev->reflective ? fmax(LC_OTDR_PEAK_FLOOR_DB, 3.0 * c->noise_rms_bs)
								     : c->peak_min;
	if (!(h >= min)) {
		ev->reflective = false;
		ev->reflectance_db = NAN;
		ev->event_dead_zone_m = NAN;
		if (ev->type != LC_OTDR_EVENT_LAUNCH)
			ev->atten_dead_zone_m = NAN;
		return;
	}
	ev->reflective = true;
	ev->reflectance_db = lc_otdr_reflectance_from_peak(h, c->pulse_ns, c->bc);
	double top = c->y[pk], cut = top - 1.5;
	size_t l = pk, r = pk, flat = 0;
	while (l > 0 && c->y[l - 1] >= cut)
		l--;
	while (r + 1 < c->n && c->y[r + 1] >= cut)
		r++;
	ev->event_dead_zone_m = (double)(r - l + 1) * c->dx;
	/* A clipped receiver shows a flat top: several points within 0.01 dB of the maximum. */
	for (size_t j = l; j <= r; j++)
		if (c->y[j] >= top - 0.01)
			flat++;
	/* ... at the highest level of the whole trace (where the receiver clips), not a rounded-off plateau */
	ev->saturated = flat >= 3 && top >= c->top - 0.05;
}

static size_t argmax(const double *y, size_t lo, size_t hi)
{
	size_t k = lo;
	for (size_t j = lo; j < hi; j++)
		if (y[j] > y[k])
			k = j;
	return k;
}

/* Where the trace leaves the backscatter line b before candidate cd (the event's onset, where instruments
 * place an event); *anchor_out: the first point half the event off the line (SIZE_MAX if none). Reflections:
 * the foot of the leading edge. Otherwise (ends, and the fallback of shape_onset): from the first point where the event has clearly begun (half its peak or step away from
 * the line), walk back while the trace stays off the line by more than its noise (2.5 x the residual RMS, at least LC_OTDR_ONSET_FLOOR_DB
 * of the fit); the onset is the last point on the line. Walking back from the event, rather than forward
 * from the backscatter, means a single noise excursion earlier on the line cannot pull the event early,
 * and a threshold in noise units rather than a share of the event keeps large events from landing late. */
static size_t refine(const lc_otdr_ctx *c, const cand *cd, const lc_otdr_line *b, size_t lo, size_t *anchor_out)
{
	double amp = cd->refl ? cd->peak : fabs(cd->step);
	double sign = (!cd->refl && cd->step < 0) ? -1.0 : 1.0;
	double thr = fmin(fmax(2.5 * b->rms, LC_OTDR_ONSET_FLOOR_DB), 0.5 * amp);
	size_t back = c->guard + c->pw_pts;
	size_t from = cd->i > back ? cd->i - back : 0;
	if (from < lo)
		from = lo;
	size_t to = cd->i + back < c->n ? cd->i + back : c->n - 1;
	size_t anchor = to + 1;
	for (size_t j = from; j <= to && anchor > to; j++)
		if (sign * (c->y[j] - lc_otdr_line_at(b, (double)j)) >= 0.5 * amp)
			anchor = j;
	if (anchor_out)
		*anchor_out = anchor > to ? SIZE_MAX : anchor;
	if (anchor > to)
		return cd->i;
	size_t j = anchor;
	/* a reflection's leading edge is no longer than the pulse: a walk further back is on a line that does
	 * not fit the backscatter there (a short section after a dead zone), not on the event */
	size_t stop = cd->refl && anchor > lo + c->pw_pts + 2 ? anchor - c->pw_pts - 2 : lo;
	if (cd->refl) {
		/* down the leading edge while it still rises by more than 2 % of the peak per point:
		 * where it stops rising is the foot, wherever the line before lies */
		double rise = fmax(0.02 * amp, LC_OTDR_ONSET_FLOOR_DB);
		while (j > stop && c->y[j] - c->y[j - 1] > rise)
			j--;
		return j;
	}
	while (j > stop && sign * (c->y[j - 1] - lc_otdr_line_at(b, (double)(j - 1))) > thr)
		j--;
	return j > lo ? j - 1 : j;
}

/* The onset of a non-reflective event from the shape of its start. The trace leaves the backscatter
 * line gradually: the pulse (a ramp as long as the pulse) seen through the receiver's response (which rounds
 * the ramp's start), so the departure grows as (x - e)^p with p from 1 (a long pulse: a plain ramp) to about 1.5 (a
 * pulse as short as the receiver's rise time). Least squares over e and p in {1, 1.5}, with the line
 * before e fitted up to e, finds the knee from every point of the transition's first half rather than from
 * the first point that crosses a noise threshold (late by up to a pulse length on small events, and moved
 * by the trace's slow wander on averaged traces). Window: from two pulse lengths + 40 points before the
 * anchor (the first point half the event away from the line) to the anchor: the line before needs points
 * of its own, and past the anchor the transition bends over (the model holds for its first half). Returns the point, or
 * `fallback` if the window is too short. */
static size_t shape_onset(const lc_otdr_ctx *c, size_t anchor, size_t lo, size_t fallback)
{
	size_t W = c->pw_pts, span = 2 * W + 40;
	size_t wlo = anchor > span ? anchor - span : 0;
	if (wlo < lo)
		wlo = lo;
	if (anchor >= c->n || anchor < wlo + 14)
		return fallback;
	static const double P[2] = {1.0, 1.5};
	double best = INFINITY;
	size_t at = fallback;
	for (size_t e = wlo + 10; e + 1 < anchor; e++) {
		lc_otdr_line l;
		if (lc_otdr_fit(&c->sums, wlo, e, &l) < 0)
			continue;
		double left = l.rms * l.rms * (double)l.n;
		for (int k = 0; k < 2; k++) {
			double num = 0, den = 0, dd = 0;
			for (size_t j = e; j <= anchor; j++) {
				double d = c->y[j] - lc_otdr_line_at(&l, (double)j);
				double u = (double)(j - e), t = P[k] == 1.0 ? u : u * sqrt(u);
				num += d * t;
				den += t * t;
				dd += d * d;
			}
			double sse = left + (den > 0 ? dd - num * num / den : dd);
			if (sse < best) {
				best = sse;
				at = e;
			}
		}
	}
	return at;
}

/* The end of a fibre that reflects, found as its fall: a fall into the noise seen by the detector's steps
 * (or the end threshold's level test) lies a pulse length and the start of the receiver's recovery after
 * the reflection that ends the fibre, and an OTDR reports the end at that reflection's onset. When the
 * highest point from 3 pulse lengths + 2 points before the fall's onset (fall, or the top of the recovery
 * tail it lies on, below) (a reflection's pulse and the
 * first of its recovery: the reach lc_otdr_is_end and reflection_zone_end give a peak) to a pulse length
 * after it rises from the foot of its leading edge by LC_OTDR_PEAK_FLOOR_DB, 3x the backscatter noise and 3x the
 * residual RMS of a fit length before the foot, and stays over half that height for half a pulse length,
 * the end is that foot; otherwise fall. Not the reflectance threshold: the end is an event by the end threshold,
 * and instruments give it its reflectance whatever its size (EXFO's end at -69.3 dB under a -65.5 dB
 * threshold). lo: the first point that may be used. */
static size_t end_reflection(const lc_otdr_ctx *c, size_t fall, size_t lo)
{
	size_t reach = 3 * c->pw_pts + 2;
	/* where the end was found as the level meeting the noise, that may lie far down a strong reflection's
	 * recovery tail (tens of pulse lengths on a saturated receiver): follow the tail back, a pulse length
	 * at a time, while the level (means over a pulse length) rises going back faster than any fibre falls
	 * (LC_OTDR_TAIL_SLOPE_DB_KM: a receiver's recovery, not backscatter), and look for the reflection
	 * before the top of the tail; without one, the end stays at the fall */
	size_t top = fall, pw = c->pw_pts > 1 ? c->pw_pts : 1;
	double fibre_max = LC_OTDR_TAIL_SLOPE_DB_KM * 1e-3 * c->dx * (double)pw;
	while (top >= lo + 2 * pw) {
		double m1 = 0, m0 = 0;
		for (size_t j = 0; j < pw; j++) {
			m1 += c->y[top - pw + j];
			m0 += c->y[top - 2 * pw + j];
		}
		if ((m0 - m1) / (double)pw <= fibre_max)
			break;
		top -= pw;
	}
	size_t idx = top;
	size_t from = idx > lo + reach ? idx - reach : lo;
	size_t hi = idx + c->pw_pts + 1 < c->n ? idx + c->pw_pts + 1 : c->n;
	if (from >= hi)
		return fall;
	size_t pk = argmax(c->y, from, hi);
	if (pk <= from)
		return fall; /* the trace only falls here: no peak */
	/* from the point half the peak up, down the leading edge while it still rises by 2 % of the peak per
	 * point (refine's foot of a reflection; the rounded top rises by less) */
	double rise = fmax(0.02 * (c->y[pk] - c->y[from]), LC_OTDR_ONSET_FLOOR_DB);
	size_t j = from;
	while (j < pk && c->y[j] < 0.5 * (c->y[pk] + c->y[from]))
		j++;
	while (j > from && c->y[j] - c->y[j - 1] > rise)
		j--;
	double h = c->y[pk] - c->y[j];
	/* ... and by 3x the trace's own scatter just before it: near the end the backscatter is noisy, and a
	 * bump of the noise is no reflection (FiberCloud's tail into the noise) */
	lc_otdr_line l;
	size_t llo = j > lo + c->fit_len ? j - c->fit_len : lo;
	double local = (j > llo + 2 && lc_otdr_fit(&c->sums, llo, j, &l) == 0) ? l.rms : 0.0;
	if (!(h >= LC_OTDR_PEAK_FLOOR_DB) || h < 3.0 * c->noise_rms_bs || h < 3.0 * local)
		return fall;
	/* ... for as long as a pulse: a reflection returns its pulse's light over the pulse's length, so the
	 * trace stays above half its height for at least half a pulse length; a bump of noise is narrower */
	size_t wide = 0;
	for (size_t m = j; m < c->n && m <= pk + c->pw_pts; m++)
		wide += c->y[m] >= c->y[j] + 0.5 * h;
	return 2 * wide >= c->pw_pts ? j : fall;
}

/* A section shorter than the detector's own fit length (3 pulse lengths, at least 48 points: the shortest
 * line the detection trusts) between two close events: over a few metres the slope of the noise is
 * anything, and extrapolated back over a dead zone it moves the loss by tenths of a dB (a connector 60 m
 * after another under a 100 ns pulse: 0.08 dB for 0.3). Keep its level (the LS line passes through the
 * section's centroid) and give it the fibre's slope (the trace's median, lc_otdr_estimate_fiber_slope). */
static void short_section(const lc_otdr_ctx *c, size_t lo, lc_otdr_line *l)
{
	if (l->n < 3 || l->n >= c->fit_len || !isfinite(c->fiber_slope))
		return;
	double xm = (double)lo + (double)(l->n - 1) / 2.0, ym = lc_otdr_line_at(l, xm);
	l->b = c->fiber_slope;
	l->a = ym - l->b * xm;
}

/* The section's attenuation (dB/km, the SOR event's "attenuation lead-in"): the LS slope over the whole
 * backscatter section before an event, from the end of the previous event's dead zone (lo) to the event (hi),
 * as instruments give it. Not the loss fit's line, which spans at most 8 fit lengths: on a trace whose
 * backscatter carries the receiver's ripple (0.005 dB correlated over a pulse length) a slope over 40 m
 * is off by 0.1 dB/km, over the whole section by a tenth of that. A section shorter than a fit length
 * keeps the line l's slope (the fibre's, short_section). */
static double section_slope(const lc_otdr_ctx *c, size_t lo, size_t hi, const lc_otdr_line *l)
{
	lc_otdr_line s;
	if (hi > lo + c->fit_len && lc_otdr_fit(&c->sums, lo, hi, &s) == 0 && s.n >= 3)
		return -s.b / c->dx * 1000.0;
	return l->n >= 3 ? -l->b / c->dx * 1000.0 : NAN;
}

/* LS loss of e; *level: the backscatter line before it at its start (NAN if it cannot be fitted). */
static void measure_loss(const lc_otdr_ctx *c, lc_otdr_event *e, size_t prev_end, size_t settle, size_t next,
			 double *level)
{
	lc_otdr_line b, a;
	size_t span = 8 * c->fit_len;
	size_t blo = e->index > span ? e->index - span : 0;
	/* the section before starts where the event before's section after does (a pulse length past its
	 * settle point, clear of its recovery tail), so that between two close events both losses are taken
	 * against the same line and add up to the pair's: two connectors 45 m apart under a 100 ns pulse, the
	 * first one's tail over most of the section, read 0.29 + 0.62 dB for 0.3 + 0.4 when this line
	 * started at the settle point, on the last of the tail */
	size_t after_prev = prev_end > c->det_lo ? prev_end + c->pw_pts : prev_end;
	if (after_prev + 3 > e->index)
		after_prev = prev_end;
	if (blo < after_prev)
		blo = after_prev;
	/* the after-fit starts a pulse length past the settle point, clear of the recovery tail */
	size_t alo = settle + c->pw_pts;
	size_t ahi = alo + span < next ? alo + span : next;
	int rb = lc_otdr_fit(&c->sums, blo, e->index, &b);
	int ra = lc_otdr_fit(&c->sums, alo, ahi, &a);
	short_section(c, blo, &b);
	short_section(c, alo, &a);
	e->slope_db_km = (rb == 0 && b.n >= 3) ? section_slope(c, prev_end, e->index, &b) : NAN;
	*level = (rb == 0 && b.n >= 3) ? lc_otdr_line_at(&b, (double)e->index) : NAN;
	if (rb < 0 || ra < 0 || b.n < 3 || a.n < 3) {
		e->loss_db = NAN; /* events too close together for an LS loss */
		return;
	}
	e->loss_db = lc_otdr_line_at(&b, (double)e->index) - lc_otdr_line_at(&a, (double)e->index);
}

/* ORL: the backscatter of every metre up to the end plus every reflection, each attenuated by its round
 * trip. The trace is one-way dB, so the round trip to x is 2 (y(0) - y(x)). */
static double orl(const lc_otdr_ctx *c, const lc_otdr_analysis *a, size_t end, double y0)
{
	double v_ns = LC_SOR_C_M_PER_S * 1e-9 / 1.468 / 2.0; /* metres of fiber per ns of pulse */
	double s = 0;
	for (size_t j = c->det_lo; j < end && j < c->n; j++) {
		double rt = 2.0 * (y0 - c->y[j]);
		s += exp(-rt * (M_LN10 / 10.0)) * c->dx; /* 10^(-rt/10): exp is several times cheaper than pow */
	}
	s *= pow(10.0, c->bc / 10.0) / v_ns;
	for (size_t k = 0; k < a->n_events; k++) {
		const lc_otdr_event *e = &a->events[k];
		if (!e->reflective || !isfinite(e->reflectance_db))
			continue;
		double before = e->index > 0 ? y0 - c->y[e->index > 0 ? e->index - 1 : 0] : 0;
		if (e->type == LC_OTDR_EVENT_LAUNCH)
			before = 0;
		s += pow(10.0, (e->reflectance_db - 2.0 * before) / 10.0);
	}
	return s > 0 ? -10.0 * log10(s) : NAN;
}

/* Compaction of the event list and its per-event working arrays: entry `from` moves to `to` (<= from). */
static void move_event(lc_otdr_event *ev, size_t *settle, bool *forced, double *level, double *nlim, size_t to,
		       size_t from)
{
	ev[to] = ev[from];
	nlim[to] = nlim[from];
	settle[to] = settle[from];
	forced[to] = forced[from];
	level[to] = level[from];
}

/* The last point of reflection cd's pulse and attenuation dead zone (where the trace is back within 0.5 dB
 * of the backscatter, or a guard past its pulse if that is later). */
static size_t reflection_zone_end(const lc_otdr_ctx *c, const cand *cd)
{
	size_t hi = cd->i + 3 * c->pw_pts + 2 < c->n ? cd->i + 3 * c->pw_pts + 2 : c->n;
	size_t pk = argmax(c->y, cd->i, hi);
	size_t st = lc_otdr_settle(c, pk, pk + 2 * c->guard, NULL) + c->guard;
	size_t pulse = cd->i + 2 * c->pw_pts + c->guard;
	return st > pulse ? st : pulse;
}

/* Appends one candidate to the growing list *out (n used, cap allocated). Every append goes through here:
 * the splits below add candidates while the list is being filled, so no append may assume room is left.
 * Returns 0 or LC_ERR_NOMEM (the list is unchanged then). */
static int cand_push(cand **out, size_t *n, size_t *cap, cand cd)
{
	if (*n == *cap) {
		size_t nc = *cap * 2 + 8;
		cand *p = realloc(*out, nc * sizeof(cand));
		if (!p)
			return LC_ERR_NOMEM;
		*out = p;
		*cap = nc;
	}
	(*out)[(*n)++] = cd;
	return 0;
}

/* Close reflections: the detector takes the highest peak within reach, so a second connector inside the
 * first one's dead zone is no candidate of its own. Instruments report two reflections where the trace
 * between them falls back by the event dead zone's 1.5 dB under both peaks (the definition of the event
 * dead zone: the width 1.5 dB below the peak), so: walk from the peak of reflection cd to the end of its
 * attenuation dead zone (or the next candidate); a rise of LC_OTDR_SPLIT_DB from the lowest point since,
 * to a top that stands that far above it while the first peak does too, is another reflection, whose
 * onset is that lowest point. Appends them to *out (n, cap). Returns 0 or LC_ERR_NOMEM. */
static int split_reflections(const lc_otdr_ctx *c, const cand *cd, size_t limit, cand **out, size_t *n, size_t *cap)
{
	size_t hi = cd->i + 3 * c->pw_pts + 2 < c->n ? cd->i + 3 * c->pw_pts + 2 : c->n;
	size_t pk = argmax(c->y, cd->i, hi);
	size_t st = lc_otdr_settle(c, pk, pk + 2 * c->guard, NULL) + c->fit_len + c->guard + c->pw_pts;
	if (st > limit)
		st = limit;
	/* the height of a reflection in the tail of another: above the backscatter line before the first
	 * (the tail under it is light of the first one's, not fibre) */
	lc_otdr_line b;
	size_t bhi = cd->i > c->guard ? cd->i - c->guard : 0, blo = bhi > 4 * c->fit_len ? bhi - 4 * c->fit_len : 0;
	if (blo < c->det_lo)
		blo = c->det_lo;
	if (lc_otdr_fit(&c->sums, blo, bhi, &b) < 0 || b.n < 3)
		return 0;
	double top = c->y[pk];
	size_t vi = pk;
	for (size_t j = pk + 1; j < st && j < c->n; j++) {
		if (c->y[j] < c->y[vi])
			vi = j;
		double valley = c->y[vi];
		if (c->y[j] - valley < LC_OTDR_SPLIT_DB || top - valley < LC_OTDR_SPLIT_DB ||
		    valley < c->noise_top + LC_OTDR_SPLIT_SNR_DB)
			continue;
		size_t h2 = j + 2 * c->pw_pts + 2 < c->n ? j + 2 * c->pw_pts + 2 : c->n;
		size_t pk2 = argmax(c->y, j, h2);
		/* its onset: the foot of its leading edge (down from the point half its rise up, while the trace
		 * still rises by 2 % of that rise a point, as refine does for a reflection), not the lowest point
		 * since the first peak: between the first one's fall and this edge the trace is flat within its
		 * ripple, and the lowest point of a flat stretch is anywhere on it */
		double rise2 = c->y[pk2] - valley;
		size_t on = vi;
		while (on < pk2 && c->y[on] - valley < 0.5 * rise2)
			on++;
		while (on > vi && c->y[on] - c->y[on - 1] > fmax(0.02 * rise2, LC_OTDR_ONSET_FLOOR_DB))
			on--;
		if (cand_push(out, n, cap, (cand){on, 0, c->y[pk2] - lc_otdr_line_at(&b, (double)pk2), true, false,
						    false, true, 0, false}) < 0)
			return LC_ERR_NOMEM;
		/* and on from this one's peak: a third connector */
		top = c->y[pk2];
		vi = pk2;
		j = pk2;
	}
	return 0;
}

int lc_otdr_build_events(lc_otdr_ctx *c, lc_otdr_event *launch, const cand *cv_in, size_t ncv_in, size_t sig_end,
			 lc_otdr_analysis *a, lc_diag *diag)
{
	a->events = launch;
	a->n_events = 1;
	a->noise_floor_db = c->noise;
	a->noise_rms_db = c->noise_rms;
	a->backscatter_db = c->bc;
	size_t keep = ncv_in, end_k = ncv_in;
	size_t last_refl = SIZE_MAX, zone = 0; /* the last reflection before k and the end of its dead zone */
	for (size_t k = 0; k < ncv_in; k++) {
		lc_otdr_line b;
		/* the backscatter before k: not over an earlier reflection's peak and tail, which would put the
		 * level before far above the fibre's and make the next connector (or the fall of its own tail, 45 m
		 * on under a 100 ns pulse) fall "the end threshold below it". When the window reaches back over
		 * that reflection, it starts at the end of its dead zone if half a fit length is left after it,
		 * otherwise the line is the one before that reflection. */
		size_t at = cv_in[k].i;
		size_t bhi = at > c->guard ? at - c->guard : 0;
		size_t blo = bhi > 4 * c->fit_len ? bhi - 4 * c->fit_len : 0;
		if (blo < c->det_lo)
			blo = c->det_lo;
		if (last_refl != SIZE_MAX && cv_in[last_refl].i + c->pw_pts >= blo) {
			if (zone + c->fit_len / 2 <= bhi) {
				blo = zone;
			} else {
				at = cv_in[last_refl].i;
				bhi = at > c->guard ? at - c->guard : 0;
				blo = bhi > 4 * c->fit_len ? bhi - 4 * c->fit_len : 0;
				if (blo < c->det_lo)
					blo = c->det_lo;
			}
		}
		lc_otdr_fit(&c->sums, blo, bhi, &b);
		if (lc_otdr_is_end(c, &cv_in[k], &b)) {
			/* the fall right after an end reflection is seen as a step of its own, against a line that
			 * the peak lifts: within the reflection's pulse and dead zone (a saturated receiver recovers
			 * over tens of metres) it is that reflection's fall, and the reflection is the end */
			if (k > 0 && cv_in[k - 1].refl && !cv_in[k].refl && cv_in[k].i <= reflection_zone_end(c, &cv_in[k - 1]))
				k--;
			end_k = k;
			keep = k + 1;
			break;
		}
		if (cv_in[k].refl) {
			last_refl = k;
			zone = reflection_zone_end(c, &cv_in[k]);
		}
	}
	/* the candidates up to the end, with the reflections found in the dead zones of others */
	size_t ncv = 0, cap = keep + 8, end2 = SIZE_MAX;
	cand *cv = malloc(cap * sizeof(cand));
	if (!cv)
		return lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
	for (size_t k = 0; k < keep; k++) {
		if (cand_push(&cv, &ncv, &cap, cv_in[k]) < 0) {
			free(cv);
			return lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
		}
		/* up to the next reflection the detector found itself, or the end */
		size_t limit = c->n;
		for (size_t k2 = k + 1; k2 < keep && limit == c->n; k2++)
			if (cv_in[k2].refl || k2 == end_k)
				limit = cv_in[k2].i;
		if (k != end_k && !cv_in[k].end_only && split_reflections(c, &cv_in[k], limit, &cv, &ncv, &cap) < 0) {
			free(cv);
			return lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
		}
	}
	/* steps inside a dead zone may lie past a reflection found there: back in order of position (the end,
	 * when there is one, stays last: every split lies before it) */
	for (size_t k = 1; k < ncv; k++)
		for (size_t j = k; j > 0 && cv[j - 1].i > cv[j].i; j--) {
			cand t = cv[j - 1];
			cv[j - 1] = cv[j];
			cv[j] = t;
		}
	bool end_seen = end_k < keep;
	if (end_seen)
		end2 = ncv - 1;
	end_k = end_seen ? end2 : ncv;
	keep = ncv;
	size_t tail = c->n / 20 > 32 ? c->n / 20 : 32;
	bool synth_end = !end_seen && sig_end + tail < c->n;
	size_t total = 1 + keep + (synth_end ? 1 : 0);
	lc_otdr_event *ev = realloc(a->events, total * sizeof(*ev));
	if (!ev) {
		free(cv);
		return lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
	}
	a->events = ev;
	size_t prev_end = c->det_lo;
	size_t *settle = calloc(total, sizeof(size_t));
	bool *forced = calloc(total, sizeof(bool));
	double *level = calloc(2 * total, sizeof(double)), *nlim = level ? level + total : NULL;
	if (!settle || !forced || !level) {
		free(settle), free(forced), free(level), free(cv);
		return lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
	}
	settle[0] = c->det_lo;
	size_t ne = 1;
	/* Is this trace's loss transition a pulse-long ramp? Measured on its own steps, each within the
	 * points its neighbours leave it (their candidates a pulse length and a guard away). */
	double rounding;
	{
		size_t *ctr = malloc((keep ? keep : 1) * 3 * sizeof(size_t)), m = 0;
		if (!ctr) {
			free(settle), free(forced), free(level), free(cv);
			return lc_diag_set(diag, LC_ERR_NOMEM, "OTDR analysis: out of memory");
		}
		size_t *wl = ctr + keep, *wh = wl + keep;
		/* the shape is the first pass's: the close steps found past larger ones are left out, as
		 * members and as neighbours (p, q: the candidates before and after k that are not) */
		for (size_t k = 0, p = SIZE_MAX; k < keep; k++) {
			if (cv[k].close)
				continue;
			size_t q = k + 1;
			while (q < keep && cv[q].close)
				q++;
			/* only steps alone within two fit lengths and a pulse: two events in one window fit a
			 * wide transition whatever the receiver */
			size_t reach = 2 * c->fit_len + c->pw_pts;
			bool alone = !(p != SIZE_MAX && cv[p].i + reach > cv[k].i) && !(q < keep && cv[k].i + reach > cv[q].i);
			size_t prev = p;
			p = k;
			if (cv[k].refl || cv[k].split || cv[k].end_only || k == end_k || !alone)
				continue;
			ctr[m] = cv[k].i;
			wl[m] = prev != SIZE_MAX ? cv[prev].i + c->guard + (cv[prev].refl ? 2 * c->pw_pts : 0) : c->det_lo;
			if (wl[m] < c->det_lo)
				wl[m] = c->det_lo;
			wh[m] = q < keep && cv[q].i > c->guard ? cv[q].i - c->guard : c->n;
			m++;
		}
		rounding = lc_otdr_ramp_rounding(c, ctr, wl, wh, m);
		free(ctr);
	}
	for (size_t k = 0; k < keep + (synth_end ? 1 : 0); k++) {
		if (k < keep && cv[k].end_only && k != end_k)
			continue; /* a slow drop that is not the end: the fits saw it falling, not an event */
		cand cd = k < keep ? cv[k] : (cand){sig_end, -c->eof_thr, 0, false, false, false, false, 0, false};
		lc_otdr_event *e = &ev[ne];
		memset(e, 0, sizeof(*e));
		lc_otdr_line b;
		size_t bhi = cd.i > c->guard ? cd.i - c->guard : 0;
		size_t blo = bhi > 4 * c->fit_len ? bhi - 4 * c->fit_len : 0;
		if (blo < prev_end)
			blo = prev_end;
		lc_otdr_fit(&c->sums, blo, bhi, &b);
		bool end = k == end_k || k >= keep;
		size_t anchor = SIZE_MAX;
		e->index = cd.split ? cd.i : b.n >= 3 ? refine(c, &cd, &b, prev_end, &anchor) : cd.i;
		/* An end's fall, seen through a long pulse and the receiver's filter, spreads over several pulse
		 * lengths (the MT1000A's 20 dB over 100 m), and the detector's step can lie well down it: the line
		 * before, ending a guard before that point, then takes in the start of the fall, is bent down by
		 * it, and the walk back from the fall stops where the bent line meets the trace, late. The line
		 * before an event must lie before its transition: once the onset is known, fit it again up to a
		 * guard before the onset (as long as before, and only if it looks like fibre) and walk back again
		 * against that line. Once is enough: the new line ends before the transition, so the walk back
		 * ends where it did or earlier, and the next fit would hold the same points of fibre. (MT1000A
		 * 0002: the end moves from 876.9 m to 873.8 m, where the trace leaves the line; the instrument
		 * stores 867.7 m, the start of a 0.01-0.02 dB dip within 2.5 x that line's residual RMS.) */
		if (end && !cd.refl && !cd.split && b.n >= 3 && e->index < bhi && e->index > prev_end + c->guard) {
			size_t bhi2 = e->index - c->guard, blo2 = bhi2 > 4 * c->fit_len ? bhi2 - 4 * c->fit_len : 0;
			if (blo2 < prev_end)
				blo2 = prev_end;
			lc_otdr_line b2;
			if (lc_otdr_fit(&c->sums, blo2, bhi2, &b2) == 0 && b2.n >= 3 && lc_otdr_fiber_like(c, &b2)) {
				b = b2;
				bhi = bhi2;
				blo = blo2;
				e->index = refine(c, &cd, &b, prev_end, &anchor);
			}
		}
		if (!cd.refl && !end && anchor != SIZE_MAX)
			e->index = shape_onset(c, anchor, prev_end, e->index);
		if (!cd.refl && !end && lc_otdr_ramp_placeable(rounding)) {
			size_t nh = k + 1 < keep && cv[k + 1].i > c->guard ? cv[k + 1].i - c->guard : c->n;
			e->index = lc_otdr_ramp_onset(c, rounding, cd.i, prev_end, nh, e->index);
		}
		if (end && !cd.refl && !cd.split) {
			size_t j = end_reflection(c, e->index, prev_end);
			if (j != e->index) {
				/* the end is that reflection: its height over the backscatter line before its foot */
				e->reflective = true;
				e->index = j;
				bhi = j > 1 ? j - 1 : 0;
				blo = bhi > 4 * c->fit_len ? bhi - 4 * c->fit_len : 0;
				if (blo < prev_end)
					blo = prev_end;
				lc_otdr_fit(&c->sums, blo, bhi, &b);
			}
		}
		if (e->index < prev_end)
			e->index = prev_end;
		if (e->index >= c->n) /* zones of earlier events can reach past a short trace */
			e->index = c->n - 1;
		e->position_m = c->x0 + (double)e->index * c->dx;
		e->type = end ? LC_OTDR_EVENT_END : LC_OTDR_EVENT_NONREFLECTIVE;
		size_t pk_hi = e->index + 3 * c->pw_pts + 2;
		size_t pk = argmax(c->y, e->index, pk_hi < c->n ? pk_hi : c->n);
		double h = cd.split ? cd.peak : b.n >= 2 ? c->y[pk] - lc_otdr_line_at(&b, (double)pk) : 0;
		/* st: the end of the attenuation dead zone (0.5 dB); clean: back on the backscatter line within its
		 * noise, where the section after the event may be fitted for the loss (a recovery tail still a
		 * few hundredths of a dB high would take them off the loss) */
		size_t clean = e->index;
		size_t st = end ? e->index : lc_otdr_settle(c, pk, pk + 2 * c->guard, &clean);
		if (!cd.refl && !end) {
			st = e->index + c->pw_pts + 2;
			clean = st;
			h = 0;
		}
		if (end && cd.refl)
			e->reflective = true; /* a peak the detector saw: its reflectance, whatever the threshold */
		lc_otdr_reflection(c, e, pk, h, st > e->index ? st : e->index);
		if (e->reflective && !end)
			e->type = LC_OTDR_EVENT_REFLECTIVE;
		e->loss_db = NAN;
		e->slope_db_km = b.n >= 3 ? section_slope(c, prev_end, e->index, &b) : NAN;
		forced[ne] = cd.forced && !end;
		nlim[ne] = cd.lim;
		settle[ne] = st > e->index ? (clean > st ? clean : st) : e->index + c->pw_pts + 2;
		if (settle[ne] > c->n)
			settle[ne] = c->n;
		/* a reflection in this one's dead zone starts where the trace turned up again */
		if (k + 1 < keep && cv[k + 1].split && settle[ne] > cv[k + 1].i)
			settle[ne] = cv[k + 1].i;
		prev_end = settle[ne];
		ne++;
	}
	/* Losses, now that each event's neighbours are known; a non-reflective event whose LS loss over the
	 * full sections is under the threshold was noise on the short detection fits: drop it, in every pass
	 * (the file's threshold holds for everything reported), and measure its neighbours again over the
	 * longer sections. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 1; k < ne; k++) {
			if (ev[k].type == LC_OTDR_EVENT_END)
				continue;
			size_t next = k + 1 < ne ? ev[k + 1].index : c->n;
			measure_loss(c, &ev[k], settle[k - 1], settle[k], next, &level[k]);
			/* No backscatter between k and the next event (a reflection in k's dead zone): neither can
			 * be measured alone. The pair's loss is measurable, from the line before k to the line
			 * after the next one, and is k's, as instruments report a group's loss on its first event;
			 * the next one's loss is in it, so it is NAN (documented: "included in the event before"). */
			if (isnan(ev[k].loss_db) && k + 1 < ne && ev[k + 1].type != LC_OTDR_EVENT_END) {
				lc_otdr_event pair = ev[k];
				double lv;
				size_t after = k + 2 < ne ? ev[k + 2].index : c->n;
				measure_loss(c, &pair, settle[k - 1], settle[k + 1], after, &lv);
				if (isfinite(pair.loss_db)) {
					ev[k].loss_db = pair.loss_db;
					level[k] = lv;
					k++;
					ev[k].loss_db = NAN;
					ev[k].slope_db_km = NAN;
					level[k] = NAN;
				}
			}
		}
		size_t w = 1;
		for (size_t k = 1; k < ne; k++) {
			bool weak = ev[k].type == LC_OTDR_EVENT_NONREFLECTIVE &&
				    !(fabs(ev[k].loss_db) >= (c->loss_thr > 0 ? c->loss_thr : LC_OTDR_NOISE_ONLY_FACTOR * nlim[k])) && !forced[k];
			if (!weak)
				move_event(ev, settle, forced, level, nlim, w++, k);
		}
		ne = w;
	}
	/* echoes of strong reflections: listed, not reported */
	size_t kept = 1;
	for (size_t k = 1; k < ne; k++) {
		if (!forced[k] && lc_otdr_is_ghost(c, ev, k)) {
			if (a->n_ghosts < LC_OTDR_MAX_GHOSTS)
				a->ghost_m[a->n_ghosts] = ev[k].position_m;
			a->n_ghosts++;
		} else {
			move_event(ev, settle, forced, level, nlim, kept++, k);
		}
	}
	ne = kept;
	a->n_events = ne;
	a->launch_event = -1;
	for (size_t k = 1; k < ne && a->launch_event < 0; k++)
		if (forced[k])
			a->launch_event = (int)k;
	/* Launch level: the first section's line extrapolated to the front panel. */
	size_t first_hi = ne > 1 ? ev[1].index : c->n;
	lc_otdr_line l0;
	double y0 = c->y[c->det_lo];
	if (lc_otdr_fit(&c->sums, c->det_lo, first_hi, &l0) == 0 && l0.n >= 3)
		y0 = lc_otdr_line_at(&l0, (double)c->i0);
	lc_otdr_event *last = &ev[ne - 1];
	a->end_found = last->type == LC_OTDR_EVENT_END;
	size_t end_i = a->end_found ? last->index : sig_end;
	a->fiber_length_m = c->x0 + (double)end_i * c->dx;
	lc_otdr_line le;
	size_t lo = end_i > 4 * c->fit_len ? end_i - 4 * c->fit_len : 0;
	if (lo < settle[ne > 1 ? ne - 2 : 0])
		lo = settle[ne > 1 ? ne - 2 : 0];
	double y_end = c->y[end_i > 0 ? end_i - 1 : 0];
	if (lc_otdr_fit(&c->sums, lo, end_i, &le) == 0 && le.n >= 3)
		y_end = lc_otdr_line_at(&le, (double)end_i);
	a->total_loss_db = y0 - y_end;
	a->link_loss_db = a->launch_event > 0 && a->end_found ? level[a->launch_event] - y_end : NAN;
	/* Average attenuation: length-weighted section slopes. */
	double wsum = 0, w = 0;
	for (size_t k = 1; k < ne; k++) {
		if (!isfinite(ev[k].slope_db_km))
			continue;
		double len = (double)(ev[k].index - settle[k - 1]);
		wsum += ev[k].slope_db_km * len;
		w += len;
	}
	a->attenuation_db_km = w > 0 ? wsum / w : NAN;
	a->orl_db = orl(c, a, end_i, y0);
	free(settle);
	free(forced);
	free(level);
	free(cv);
	return 0;
}
