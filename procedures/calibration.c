#include "procedures/calibration.h"

#include <string.h>

#include "fixtures/date.h"

bool lc_calibration_in_use(const lc_run_calibration *c, const lc_station *st, const char *role)
{
	for (size_t i = 0; i < c->n_roles; i++)
		if (strcmp(c->roles[i], role) == 0)
			return true;
	for (size_t i = 0; i < st->n_wires; i++) {
		const lc_station_wire *w = &st->wires[i];
		if (w->slot == c->slot && (strcmp(w->instrument, role) == 0 || strcmp(w->switch_role, role) == 0))
			return true;
	}
	return false;
}

bool lc_calibration_expired(const lc_station_instrument *si, int64_t today)
{
	int64_t due;
	/* the station loader refused malformed dates; an unparsable one here counts as expired */
	return si->calibration_due[0] && (lc_date_parse(si->calibration_due, &due) < 0 || today > due);
}

int lc_calibration_check(const lc_run_calibration *c, const lc_station *st, lc_diag *diag)
{
	if (c->reason)
		return 0;
	for (size_t i = 0; i < st->n_instruments; i++) {
		const lc_station_instrument *si = &st->instruments[i];
		if (lc_calibration_in_use(c, st, si->role) && lc_calibration_expired(si, c->today))
			return lc_diag_set(diag, LC_ERR_STATE,
					   "instrument '%s' (%s) was due for calibration on %s: nothing is measured with "
					   "it; have it calibrated and update the station file, or accept it with "
					   "--accept-expired-calibration REASON",
					   si->role, si->resource, si->calibration_due);
	}
	return 0;
}

const char *lc_calibration_override(const lc_run_calibration *c, const lc_station *st, const char *role)
{
	if (!c || !c->reason)
		return NULL;
	const lc_station_instrument *si = lc_station_instrument_by_role(st, role);
	return si && lc_calibration_in_use(c, st, role) && lc_calibration_expired(si, c->today) ? c->reason : NULL;
}
