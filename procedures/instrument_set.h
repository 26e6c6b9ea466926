/*
 * The station's instruments, opened once per run and shared by its slots, looked up by role.
 *
 * Opening identifies each instrument by *IDN? (instruments/registry.h). A role whose instrument cannot be
 * opened makes the whole set fail with the role named, so a run never starts with half a station.
 * lc_instrument_set_safe() puts every instrument in its safe state (every source output off, every return-
 * loss meter source off, every BERT output off); it tries all of them even when one fails.
 *
 * Thread safety: lookups may run from any thread once the set is open; open/close from one thread.
 */
#ifndef LC_PROCEDURES_INSTRUMENT_SET_H
#define LC_PROCEDURES_INSTRUMENT_SET_H

#include <stddef.h>

#include "fixtures/station.h"
#include "instruments/instrument.h"
#include "procedures/calibration.h"
#include "reports/result.h"

typedef struct lc_instrument_set lc_instrument_set;

/*
 * What the station file alone can tell, checked before anything is opened: every instrument's resource string
 * parses, the driver it names is in this build, and its layout parses for that driver (for any driver that
 * takes one when it names none).
 * Returns 0; LC_ERR_NOT_FOUND for a driver that is not in this build; LC_ERR_FORMAT for a malformed resource
 * or layout. diag names the role and the bad part. Opens nothing; thread-safe. Since 0.3.
 */
int lc_instrument_set_check(const lc_station *st, lc_diag *diag);

/*
 * Open every instrument of the station (after lc_instrument_set_check()). Returns 0 with *out set, or the
 * first failure with *out untouched and every instrument opened so far closed again. LC_ERR_FORMAT means
 * the station file is wrong about an instrument that answered: it names a driver that does not serve the
 * model the instrument says it is (*IDN?), or the driver refused its settings (a layout slot that model
 * lacks). Any other code is a fault of the station (unreachable, silent, garbled, an unknown model).
 */
int lc_instrument_set_open(const lc_station *st, lc_instrument_set **out, lc_diag *diag);
void lc_instrument_set_close(lc_instrument_set *set);

/* The instrument of a role, or NULL. */
lc_instrument *lc_instrument_set_get(lc_instrument_set *set, const char *role);
size_t lc_instrument_set_count(const lc_instrument_set *set);
lc_instrument *lc_instrument_set_at(lc_instrument_set *set, size_t i, const char **role);

/* Record each instrument's identity (and calibration dates from the station) in a result; cal (may be NULL)
 * adds the operator's acceptance to each instrument in use past its due date (procedures/calibration.h). */
int lc_instrument_set_record(lc_instrument_set *set, const lc_station *st, const lc_run_calibration *cal,
			     lc_result *r, lc_diag *diag);

/* Safe state for all. Returns 0, or the first error (all were tried). */
int lc_instrument_set_safe(lc_instrument_set *set, lc_diag *diag);

#endif
