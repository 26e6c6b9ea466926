/* Return loss per connector through the RL-meter class. */
#include "procedures/measure/optical.h"

#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "base/abort.h"
#include "instruments/rl_meter/rl_meter.h"
#include "instruments/switch/switch.h"

int lc_rl_measure(const lc_rl_port *ports, size_t n, double wavelength_nm, const lc_limit *limit,
		  double uncertainty_db, lc_rl_result *results, lc_diag *diag)
{
	if (!ports || !results || n == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "return loss: no ports or results");
	for (size_t i = 0; i < n; i++)
		results[i] = (lc_rl_result){NAN, LC_VERDICT_ERROR, limit ? limit->low : NAN, NAN,
					    limit && limit->unconfirmed};
	if (!(wavelength_nm > 0) || !(uncertainty_db >= 0))
		return lc_diag_set(diag, LC_ERR_ARG, "return loss: bad wavelength or uncertainty");
	int rc = 0;
	size_t i;
	for (i = 0; i < n && rc == 0; i++) {
		const lc_rl_port *p = &ports[i];
		if (lc_abort_requested()) { /* between two connectors: see lc_detector_read */
			rc = lc_diag_set(diag, LC_ERR_ABORTED, "aborted by the operator");
			break;
		}
		if (!p->meter) {
			rc = lc_diag_set(diag, LC_ERR_ARG, "return loss: port %zu has no meter", i + 1);
			break;
		}
		/* the output may be held by the source's input of the same matrix: take it, and give it back
		 * after (the meter's light must not stay on the connector the IL launch needs next) */
		bool taken = false;
		if (p->sw)
			taken = (rc = lc_switch_take(p->sw, p->sw_input, p->sw_output, diag)) == 0;
		if (rc == 0)
			rc = lc_rl_meter_measure(p->meter, p->channel, wavelength_nm, &results[i].rl_db, diag);
		if (taken) {
			lc_diag d;
			int r = lc_switch_release(p->sw, p->sw_input, &d);
			if (r < 0 && rc == 0) {
				rc = r;
				if (diag)
					*diag = d;
			}
		}
		if (rc < 0) {
			lc_diag_prefix(diag, "%s: ", p->label ? p->label : "connector");
			break;
		}
		if (!limit) {
			results[i].verdict = LC_VERDICT_NONE;
			continue;
		}
		lc_check_result r;
		rc = lc_limit_check_u(limit, results[i].rl_db, uncertainty_db, &r);
		if (rc < 0) {
			rc = lc_diag_set(diag, rc, "return loss: limit row '%s' cannot judge %g dB", limit->id,
					 results[i].rl_db);
			break;
		}
		results[i].verdict = r.verdict;
		results[i].margin_db = r.margin;
	}
	/* The meter's own source: off on every path, also for the ports after a failure. */
	for (size_t k = 0; k < n; k++) {
		if (!ports[k].meter)
			continue;
		lc_diag d;
		int off = lc_rl_meter_source_off(ports[k].meter, ports[k].channel, &d);
		if (off < 0 && rc == 0) {
			rc = off;
			if (diag)
				*diag = d;
		}
	}
	return rc;
}
