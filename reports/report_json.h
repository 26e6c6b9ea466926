/*
 * The canonical JSON of a result (format "lanecert-report", version 1; schema in
 * reports/schema/report.schema.json, rules in docs/reports.md). The same result always gives the same bytes:
 *   - objects: keys in ascending bytewise (UTF-8) order; every key of the schema is always present, with null
 *     for an absent value; arrays keep the order in which things were recorded;
 *   - layout: two-space indentation, one member per line, "key": value, "[]" and "{}" when empty, LF line
 *     ends, a final LF; strings escape only '"', '\\' and control characters (\b \f \n \r \t, else \u00xx
 *     lowercase), everything else is raw UTF-8;
 *   - integers (counts, lanes, slots, sizes) in decimal; other numbers as the shortest digit string that
 *     reads back to the same double ("%.Ne", N = 1..17, C locale), laid out plainly for 1e-7 <= |x| < 1e15
 *     (0.000015, 123456789012) and as d.ddde[-]X otherwise (1e-12, 2.5e20: no '+', no leading zeros; the
 *     plain range stops at 1e15 so that an integral value never reads back as an integer beyond 64 bits);
 *     -0 as 0; NaN and infinities never appear (the result model refuses them; absent is null);
 *   - times: "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC, milliseconds).
 *
 * Thread safety: reentrant; a result being built must not be serialized concurrently with builder calls
 * from another thread (the builder's lock does not cover a whole serialization).
 */
#ifndef LC_REPORTS_REPORT_JSON_H
#define LC_REPORTS_REPORT_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "reports/result.h"

#define LC_REPORT_FORMAT "lanecert-report"
#define LC_REPORT_FORMAT_VERSION 1
#define LC_REPORT_JSON_MAX (64u << 20) /* a report larger than 64 MiB is refused when read */

/* The canonical JSON text (malloc'ed, NUL-terminated; *len without the NUL). */
int lc_report_json(const lc_result *r, char **json, size_t *len, lc_diag *diag);

/* Read a report back into a new result. Malformed JSON, a missing or mistyped member, an unknown format
 * version or a verdict that does not follow from the measurements is LC_ERR_FORMAT with the offending
 * member's path in diag ("measurements[3].limit.comparison"). */
int lc_report_json_read(const char *json, size_t len, lc_result **out, lc_diag *diag);

/* "2026-11-20T23:30:48.123Z" for ms since the epoch (years 0000..9999; else LC_ERR_ARG), and back. */
int lc_time_format(int64_t ms, char buf[32], lc_diag *diag);
int lc_time_parse(const char *s, int64_t *ms, lc_diag *diag);

#endif
