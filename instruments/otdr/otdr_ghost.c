/*
 * Ghosts: light reflected by a strong reflection goes back to the front panel, is reflected there and comes
 * out again, so a second, weaker copy of the reflection appears at twice its distance (three times after
 * two round trips, and so on). There is no fibre there to lose light: a ghost shows a peak and no loss
 * step, and it is much weaker than its source. Such events are flagged (lc_otdr_analysis.ghost_m) and
 * left out of the events, as instruments do.
 */
#include <math.h>

#include "instruments/otdr/otdr_measure_priv.h"

/* A reflection strong enough to leave a visible echo (an open PC connector or a cleaved end is -14 dB,
 * a good PC connector -45 dB), and how much weaker its echo is at least (the front panel's reflection and
 * the round trips take tens of dB). */
#define LC_OTDR_GHOST_SOURCE_DB -40.0
#define LC_OTDR_GHOST_MARGIN_DB 10.0
#define LC_OTDR_GHOST_MAX_ORDER 4

bool lc_otdr_is_ghost(const lc_otdr_ctx *c, const lc_otdr_event *ev, size_t k)
{
	const lc_otdr_event *g = &ev[k];
	if (g->type != LC_OTDR_EVENT_REFLECTIVE || (isfinite(g->loss_db) && fabs(g->loss_db) >= c->loss_thr))
		return false;
	double tol = (double)(c->pw_pts + 2) * c->dx;
	double x0 = c->x0 + (double)c->i0 * c->dx; /* the front panel */
	for (size_t j = 1; j < k; j++) {
		const lc_otdr_event *s = &ev[j];
		bool strong = s->saturated || (isfinite(s->reflectance_db) && s->reflectance_db >= LC_OTDR_GHOST_SOURCE_DB);
		if (!strong || !s->reflective || !(s->position_m - x0 > tol))
			continue;
		if (isfinite(s->reflectance_db) && isfinite(g->reflectance_db) && !s->saturated &&
		    g->reflectance_db > s->reflectance_db - LC_OTDR_GHOST_MARGIN_DB)
			continue;
		double d = s->position_m - x0;
		for (int m = 2; m <= LC_OTDR_GHOST_MAX_ORDER; m++)
			if (fabs(g->position_m - x0 - m * d) <= tol)
				return true;
	}
	return false;
}
