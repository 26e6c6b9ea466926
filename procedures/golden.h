/*
 * The golden-cable check (issue 12, item 2c). A station may declare a golden (known-good) cable
 * (lc_station.golden: its serial, how long a passed check lasts, the tolerance). While it does, the station
 * certifies only after a check of that cable that passed less than golden.valid_s ago:
 *
 *   - record: the golden cable measured by the station's procedure, when that run passes, gives the
 *     baseline: every loss it measured (insertion_loss, otdr_loss; not return loss or reflectance, whose
 *     run-to-run spread is tenths of a dB) with its name, lane, wavelength and order —
 *     <state>/<station>-golden-baseline.json;
 *   - check: the golden cable measured again; each baseline value must be found again within
 *     ±golden.tolerance_db, and the run must pass. The outcome (passed or not, why, when) is
 *     <state>/<station>-golden-check.json;
 *   - gate: every other run of the station asks lc_golden_gate() before it measures: no check yet, a
 *     failed one or one older than valid_s refuses it (the run ends error, the reason names the check).
 *
 * Files appear atomically. Thread safety: reentrant (one writer per station state folder). Since 0.2.
 */
#ifndef LC_PROCEDURES_GOLDEN_H
#define LC_PROCEDURES_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

#include "fixtures/station.h"
#include "base/error.h"
#include "reports/result.h"

#define LC_GOLDEN_WHY_MAX 600

/* Record r (a run of the golden cable that passed) as st's baseline in state_dir. LC_ERR_STATE when r is
 * not a pass or holds no loss; LC_ERR_IO / LC_ERR_PERMISSION when it cannot be written. */
int lc_golden_record(const lc_station *st, const char *state_dir, const lc_result *r, lc_diag *diag);

/*
 * Compare r (a run of the golden cable) with st's baseline and write the outcome. Returns 1 when the check
 * passed, 0 when it failed (why: the first value out of tolerance, a value not measured again, or the run's
 * own verdict), or LC_ERR_NOT_FOUND (no baseline: record one first), LC_ERR_FORMAT (unreadable baseline),
 * LC_ERR_IO when the outcome cannot be written (then nothing is written and no check passed).
 */
int lc_golden_check(const lc_station *st, const char *state_dir, const lc_result *r, int64_t now_unix, char *why,
		    size_t cap, lc_diag *diag);

/*
 * May st certify now? 1: yes (no golden cable declared, or a passed check younger than golden.valid_s);
 * 0: no, and why (at most LC_GOLDEN_WHY_MAX bytes is enough) names the check: none yet, failed (and why),
 * expired, or unreadable.
 */
int lc_golden_gate(const lc_station *st, const char *state_dir, int64_t now_unix, char *why, size_t cap);

#endif
