/*
 * Calibration validity before measuring (issue 12). A run uses the instruments its slot is wired to
 * (instruments and switches of the slot's wires) and the roles its procedure requires. If one of them is
 * past its calibration due date (the station file's "calibration_due"; the instrument may be used through
 * that day, UTC) the run does not start: verdict error, no measurement, a message naming the role, the
 * instrument and the date — unless the operator accepts it with a reason
 * (`lanecert run --accept-expired-calibration REASON`), which the result records next to each such
 * instrument (lc_result_instrument.calibration_override) and the certificate shows.
 *
 * Thread safety: pure functions of their arguments. Since 0.1.
 */
#ifndef LC_PROCEDURES_CALIBRATION_H
#define LC_PROCEDURES_CALIBRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixtures/station.h"

typedef struct lc_run_calibration {
	int64_t today;            /* UTC day of the run (fixtures/date.h: days since 1970-01-01) */
	const char *reason;       /* the operator's acceptance of expired calibration, or NULL */
	unsigned slot;            /* the slot whose wires count as used */
	const char *const *roles; /* roles the procedure requires */
	size_t n_roles;
} lc_run_calibration;

/* True when the instrument of `role` is used by the run (see above). */
bool lc_calibration_in_use(const lc_run_calibration *c, const lc_station *st, const char *role);

/* True when si has a due date and today is after it. */
bool lc_calibration_expired(const lc_station_instrument *si, int64_t today);

/*
 * 0 when every instrument in use is within its calibration, or the operator accepted (c->reason); else
 * LC_ERR_STATE with diag naming the first instrument past due and its date, and how to proceed.
 */
int lc_calibration_check(const lc_run_calibration *c, const lc_station *st, lc_diag *diag);

/* The override text to record for the instrument of `role` (c->reason when it is in use and past due), or
 * NULL. c may be NULL. */
const char *lc_calibration_override(const lc_run_calibration *c, const lc_station *st, const char *role);

#endif
