/* Agreement between our events and the KeyEvents a SOR file stores (the instrument's own analysis). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_analysis.h"

int lc_otdr_compare_sor(const lc_sor *sor, const lc_otdr_analysis *a, double tol_m, lc_otdr_agreement *out)
{
	if (!sor || !a || !out)
		return LC_ERR_ARG;
	memset(out, 0, sizeof(*out));
	if (!(tol_m > 0)) {
		double pw_m = sor->fxd.pulse_width_ns[0] * 1e-9 * LC_SOR_C_M_PER_S / lc_sor_group_index(sor) / 2.0;
		tol_m = 2.0 * pw_m + 3.0 * lc_sor_point_spacing_m(sor);
		if (tol_m < 5.0)
			tol_m = 5.0;
	}
	out->tolerance_m = tol_m;
	out->stored = sor->n_events;
	out->found = a->n_events;
	bool *used = calloc(a->n_events ? a->n_events : 1, sizeof(bool));
	if (!used)
		return LC_ERR_NOMEM;
	double sum_dx = 0, sum_dl = 0;
	for (size_t i = 0; i < sor->n_events; i++) {
		const lc_sor_event *s = &sor->events[i];
		double xs = lc_sor_time_to_m(sor, s->time);
		size_t best = a->n_events;
		double bd = tol_m;
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
		sum_dx += bd;
		if (bd > out->max_position_diff_m)
			out->max_position_diff_m = bd;
		bool stored_end = s->code[1] == 'E';
		if (stored_end && e->type == LC_OTDR_EVENT_END)
			out->ends_matched++;
		if (!stored_end && e->type != LC_OTDR_EVENT_END && e->type != LC_OTDR_EVENT_LAUNCH &&
		    isfinite(e->loss_db)) {
			double dl = fabs(e->loss_db - s->loss / 1000.0);
			out->loss_compared++;
			sum_dl += dl;
			if (dl > out->max_loss_diff_db)
				out->max_loss_diff_db = dl;
		}
	}
	free(used);
	out->mean_position_diff_m = out->matched ? sum_dx / (double)out->matched : 0;
	out->mean_loss_diff_db = out->loss_compared ? sum_dl / (double)out->loss_compared : 0;
	return 0;
}
