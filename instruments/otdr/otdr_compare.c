/*
 * Agreement between our events and the KeyEvents a SOR file stores (the instrument's own analysis),
 * measured strictly: position within max(2 m, 2 point spacings), the signed offset kept (a detector that
 * is systematically late shows it), the end within one pulse length where the trace shows one, and no
 * event of ours past the end.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_analysis.h"

/* Does the trace show an end at x_m: somewhere after it (past the end reflection's pulse and the receiver's
 * recovery, which can last hundreds of metres), the mean level over a window of a few pulse lengths lies at
 * least the end threshold below the mean over the same window before it? */
static bool end_shown(const lc_sor *sor, const double *y, size_t n, double x_m, double pulse_m)
{
	double dx = lc_sor_point_spacing_m(sor), x0 = lc_sor_trace_origin_m(sor);
	double thr = sor->fxd.eof_threshold ? sor->fxd.eof_threshold / 1000.0 : 3.0;
	long at = lround((x_m - x0) / dx);
	long w = (long)ceil(pulse_m / dx) * 2 + 8, gap = (long)ceil(pulse_m / dx) + 2;
	if (at - gap - w < 0 || at + gap + w > (long)n)
		return false;
	double before = 0, run = 0;
	for (long j = 0; j < w; j++) {
		before += y[at - gap - w + j];
		run += y[at + gap + j];
	}
	for (long j = at + gap + w; run > before - thr * (double)w && j < (long)n; j++)
		run += y[j] - y[j - w];
	return run <= before - thr * (double)w;
}

int lc_otdr_compare_sor(const lc_sor *sor, const lc_otdr_analysis *a, lc_otdr_agreement *out)
{
	if (!sor || !a || !out)
		return LC_ERR_ARG;
	memset(out, 0, sizeof(*out));
	out->files = 1;
	double dx = lc_sor_point_spacing_m(sor), x0 = lc_sor_trace_origin_m(sor);
	double pulse_m = sor->fxd.pulse_width_ns[0] * 1e-9 * LC_SOR_C_M_PER_S / lc_sor_group_index(sor) / 2.0;
	double tol = fmax(2.0, 2.0 * dx);
	out->tolerance_m = tol;
	/* "within" includes the limit. Our positions are the trace's origin plus a whole number of spacings,
	 * the stored ones a time converted to metres: an event exactly 2 spacings off (the CMA4500 places six
	 * of its splices there) came out 1e-13 to 4e-12 m either side of the tolerance, and the last bit of the
	 * two conversions decided whether it counted (2 of those 6 did). A nanometre of slack (far below any
	 * spacing) takes the rounding out; the same for the end's pulse length. */
	double reach = tol + 1e-9, pulse_reach = pulse_m + 1e-9;
	/* stored events up to a pulse length and the tolerance past the front panel are its own. The front
	 * panel lies at the trace's origin plus what the file says the trace starts before it (the origin
	 * without the user offset: with one, the zero is the end of a launch cord, whose connector counts) */
	double user_m = sor->gen.user_offset > 0 ? lc_sor_time_to_m(sor, sor->gen.user_offset) : 0;
	double front = fmax(x0, -user_m);
	double launch_lim = front + pulse_m + tol;
	bool *used = calloc(a->n_events ? a->n_events : 1, sizeof(bool));
	double *y = NULL;
	int n = lc_sor_trace_db(sor, &y);
	if (!used || n < 0) {
		free(used);
		free(y);
		return LC_ERR_NOMEM;
	}
	double our_end = INFINITY, stored_end = INFINITY;
	for (size_t k = 0; k < a->n_events; k++) {
		if (a->events[k].type == LC_OTDR_EVENT_LAUNCH)
			used[k] = true;
		else
			out->found++;
		if (a->events[k].type == LC_OTDR_EVENT_END && a->events[k].position_m < our_end)
			our_end = a->events[k].position_m;
	}
	for (size_t i = 0; i < sor->n_events; i++)
		if (sor->events[i].code[1] == 'E')
			stored_end = fmin(stored_end, lc_sor_time_to_m(sor, sor->events[i].time));
	for (size_t i = 0; i < sor->n_events; i++) {
		const lc_sor_event *s = &sor->events[i];
		double xs = lc_sor_time_to_m(sor, s->time);
		bool is_end = s->code[1] == 'E';
		/* the front panel's event, and what some instruments list after the end (EXFO: echoes of the end
		 * in the noise), are not fiber events */
		if ((xs <= launch_lim && !is_end) || xs > stored_end)
			continue;
		out->stored++;
		if (is_end && end_shown(sor, y, (size_t)n, xs, pulse_m)) {
			out->ends_shown++;
			if (isfinite(our_end) && fabs(our_end - xs) <= pulse_reach)
				out->ends_within++;
		}
		size_t best = a->n_events;
		double bd = reach;
		for (size_t k = 0; k < a->n_events; k++) {
			double d = fabs(a->events[k].position_m - xs);
			if (!used[k] && d <= bd) {
				bd = d;
				best = k;
			}
		}
		if (best == a->n_events)
			continue;
		used[best] = true;
		const lc_otdr_event *e = &a->events[best];
		out->matched++;
		out->sum_offset_m += e->position_m - xs;
		out->sum_offset_samples += (e->position_m - xs) / dx;
		out->sum_abs_offset_m += bd;
		if (!is_end && e->type != LC_OTDR_EVENT_END && isfinite(e->loss_db)) {
			out->loss_compared++;
			out->sum_abs_loss_diff_db += fabs(e->loss_db - s->loss / 1000.0);
		}
	}
	/* past the end: the instrument's (when it stored one) with a pulse length's grace, or our own */
	double lim = isfinite(stored_end) ? stored_end + pulse_m : INFINITY;
	for (size_t k = 0; k < a->n_events; k++) {
		const lc_otdr_event *e = &a->events[k];
		if (e->type != LC_OTDR_EVENT_LAUNCH && (e->position_m > lim || e->position_m > our_end))
			out->after_end++;
	}
	free(used);
	free(y);
	return 0;
}

void lc_otdr_agreement_add(lc_otdr_agreement *t, const lc_otdr_agreement *o)
{
	t->files += o->files;
	t->stored += o->stored;
	t->found += o->found;
	t->matched += o->matched;
	t->sum_offset_m += o->sum_offset_m;
	t->sum_offset_samples += o->sum_offset_samples;
	t->sum_abs_offset_m += o->sum_abs_offset_m;
	t->ends_shown += o->ends_shown;
	t->ends_within += o->ends_within;
	t->after_end += o->after_end;
	t->loss_compared += o->loss_compared;
	t->sum_abs_loss_diff_db += o->sum_abs_loss_diff_db;
	t->tolerance_m = o->tolerance_m;
}

double lc_otdr_agreement_matched(const lc_otdr_agreement *g)
{
	return g->stored ? (double)g->matched / (double)g->stored : NAN;
}

double lc_otdr_agreement_offset_m(const lc_otdr_agreement *g)
{
	return g->matched ? g->sum_offset_m / (double)g->matched : NAN;
}

double lc_otdr_agreement_offset_samples(const lc_otdr_agreement *g)
{
	return g->matched ? g->sum_offset_samples / (double)g->matched : NAN;
}
