/*
 * What the certificate views (report_html.c, report_pdf.c) show of a measurement beyond its numbers, read
 * from the extras the procedures record (procedures/limit_record.h, lua_optical.c ...): the cable's own labels
 * instead of lane numbers, where each limit comes from, and whether it may be shown as a certified result.
 *
 * Unconfirmed limits (docs/reports.md, "Unconfirmed limits"): a limit taken from a row the reference
 * material marks UNCONFIRMED is a number nobody checked against the standard. report.json keeps the
 * measurement as judged (the engineering record); the certificate never prints that number as a limit, and
 * a pass that rests on it reads NOT CERTIFIED — never PASS. A worse verdict (fail, error ...) is shown as it
 * is: a verdict can only get worse. A run whose verdict is pass but which has such a measurement reads NOT
 * CERTIFIED as a whole.
 *
 * Thread safety: reentrant; the result is only read.
 */
#ifndef LC_REPORTS_CERT_VIEW_PRIV_H
#define LC_REPORTS_CERT_VIEW_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/result.h"

#define LC_VIEW_NOT_CERTIFIED "not certified"

/* A string extra of measurement mi, NULL when absent or a number. */
const char *lc_view_extra(const lc_result *r, size_t mi, const char *key);

/* The measurement's label in the cable's own terms into buf: "A:1 → B1:rx" (from/to), else its port ("B3"),
 * else "lane N", else "". */
void lc_view_label(const lc_result *r, size_t mi, char *buf, size_t cap);

/* The leg a measurement belongs to: the part before ':' of its label on a breakout leg ("B3" of "B3:rx"),
 * into buf; false when it has none (a trunk's "A:1" → "B:12" is one leg: the caller shows no leg table when
 * fewer than two legs are found). */
bool lc_view_leg(const lc_result *r, size_t mi, char *buf, size_t cap);

/* One leg of a breakout as the certificate's Legs table shows it. */
typedef struct lc_view_leg_tally {
	char name[32];
	size_t n;           /* results on this leg */
	enum lc_verdict worst;
	const char *word;   /* LC_VIEW_NOT_CERTIFIED for a pass with a not-certified result, else NULL */
} lc_view_leg_tally;

/* The legs the results name, in order of first appearance, at most cap (more are left out): how many
 * results each has and its worst verdict. Returns the number of legs filled. */
size_t lc_view_legs(const lc_result *r, lc_view_leg_tally *legs, size_t cap);

/* Whether an extra is shown in a column of its own (label, limit) rather than in the details. */
bool lc_view_extra_hidden(const char *key);

/* The limit was taken from a row marked UNCONFIRMED (extra limit_status = "unconfirmed"). */
bool lc_view_unconfirmed(const lc_result *r, size_t mi);

/* A pass that rests on an unconfirmed limit: shown as NOT CERTIFIED. */
bool lc_view_not_certified(const lc_result *r, size_t mi);

/* How many measurements of the run are lc_view_not_certified(). */
size_t lc_view_not_certified_count(const lc_result *r);

/* The run's verdict as the certificate shows it: NULL when it is the verdict's own name, else
 * LC_VIEW_NOT_CERTIFIED (a pass with a not-certified measurement). */
const char *lc_view_run_word(const lc_result *r);

/* A step's verdict as the certificate shows it: LC_VIEW_NOT_CERTIFIED for a pass with a not-certified
 * measurement, else NULL. */
const char *lc_view_step_word(const lc_result *r, size_t step);

/* The key that tells limits apart in the "Limits" section (source, id and basis), into buf; "" when the
 * measurement records nothing about its limit's origin. */
void lc_view_limit_key(const lc_result *r, size_t mi, char *buf, size_t cap);

/* The sentence of the "Limits" section for measurement mi's limit: "TIA-568.3 length-based ...: 2 mated pairs
 * × 0.5 dB (TIA-568.3-E) + ... = 1.009 dB at 850 nm", "IEEE 802.3cm-2020 Cl.138 (ieee.400GBASE-SR8...)",
 * with "UNCONFIRMED in the reference material: not a certification limit" when it is. Into buf. */
void lc_view_limit_sentence(const lc_result *r, size_t mi, char *buf, size_t cap);

/* A number extra of measurement mi, NaN when absent or a string. */
double lc_view_extra_number(const lc_result *r, size_t mi, const char *key);

/* OTDR events: the measurements named "event_loss" that carry a position_m (procedures/lua_otdr.c), in the
 * order recorded (fiber by fiber). For one of them, the "reflectance" measurement of the same fiber,
 * wavelength and position, or -1. */
bool lc_view_is_event(const lc_result *r, size_t mi);
long lc_view_event_reflectance(const lc_result *r, size_t loss_mi);
/* Whether measurements a and b are of the same fiber (label) and wavelength: one event table each. */
bool lc_view_same_trace(const lc_result *r, size_t a, size_t b);

/* The distinct limits of a report, numbered in the order measurements name them ([L1], [L2] ...): the views
 * print each one's sentence once in a "Limits" section instead of in every row. */
#define LC_VIEW_LIMITS_MAX 64
typedef struct lc_view_limits {
	size_t n;
	char key[LC_VIEW_LIMITS_MAX][640];
	size_t first[LC_VIEW_LIMITS_MAX]; /* a measurement that names it: its sentence is made from that one */
} lc_view_limits;

/* The number (from 1) of measurement mi's limit, added when new; 0 when it records no origin or the table
 * is full (then the row shows its limit without a reference). */
size_t lc_view_limit_number(lc_view_limits *l, const lc_result *r, size_t mi);
/* The "Customer and cable" section, shared by both views: the job, customer and site the run certifies for
 * and the cable's identity (part number, description, fiber, length, the connectors at each end), as label
 * and value pairs in the order shown. Absent values are left out; returns how many pairs (at most cap).
 * The values point into r or into texts (which the caller keeps while it uses them). */
typedef struct lc_view_pair {
	const char *label, *value;
} lc_view_pair;
typedef struct lc_view_identity_texts {
	char fiber[64], length[32];
} lc_view_identity_texts;
size_t lc_view_identity(const lc_result *r, lc_view_pair *pairs, size_t cap, lc_view_identity_texts *texts);

/* The expected-versus-measured fiber map a fiber_map measurement recorded (its extra "map": lines of
 * "FROM\tEXPECTED\tMEASURED"): calls fn for each fiber with the three labels and whether they differ.
 * Returns the number of fibers (0 when the measurement has no map). */
size_t lc_view_fiber_map(const lc_result *r, size_t mi,
			 void (*fn)(void *user, const char *from, const char *expected, const char *measured, bool differs),
			 void *user);

/* A QA approval verified for the views (reports/report_views.c): who, the key, when, the whole public key. */
#define LC_VIEW_APPROVALS_MAX 8
typedef struct lc_view_approval {
	char name[256], key_id[LC_KEY_ID_HEX_LEN + 1], time[32], public_key[128];
} lc_view_approval;

#endif
