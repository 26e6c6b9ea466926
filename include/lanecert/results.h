/*
 * <lanecert/results.h>: Results: the result tree, canonical JSON reports, minisign signatures and verification, the results store.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_RESULTS_H
#define LANECERT_RESULTS_H

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h" /* verdicts; includes channel.h */

/* ---- reports/result.h ---- */
/*
 * The result model: everything a certification run produces, as plain data. Procedures record into it while
 * they run; reports/ turns it into canonical JSON, signs it, renders it and stores it. It knows nothing of
 * procedures, instruments or the channel model: what it holds is strings, numbers, verdicts and times.
 *
 * Conventions of this header:
 *   - Times are wall-clock milliseconds since the Unix epoch, UTC (int64_t). LC_TIME_NONE means "not known"
 *     and is written as JSON null. lc_result_wall_ms() gives the current time.
 *   - Optional numbers are NaN when absent (LC_RESULT_ABSENT) and are written as JSON null. +/-Inf is refused
 *     by every setter with LC_ERR_ARG: a report never holds an infinite number.
 *   - Optional strings are NULL when absent. Every string is copied; it must be valid UTF-8 without NUL.
 *   - Lanes are numbered from 1; LC_LANE_NONE (0) means "not per lane".
 *   - Functions return 0, a non-negative index, or a negative LC_ERR_* with detail in diag (may be NULL).
 *     A builder call that fails is also remembered by the result and makes its verdict error
 *     (lc_result_failure()).
 *
 * Verdicts (fixtures/verdict.h) aggregate by maximum. A step's verdict is the maximum of the verdict given to
 * lc_result_end_step() and of its measurements' verdicts. The overall verdict is the maximum of the verdict
 * given to lc_result_finish(), of every step (a step that judged nothing counts as inconclusive) and of every
 * measurement; a run without any step is inconclusive: nothing is pass that was not measured.
 *
 * Thread safety: results are independent of each other (no global state), so several slots may each fill
 * their own result in their own thread. Each result also has its own mutex: builder calls on one result from
 * several threads are serialized. Pointers returned by the accessors (lc_result_step_at() ...) stay valid
 * until the next builder call on that result or lc_result_free(): read them from the thread that builds, or
 * once building is over.
 */



#define LC_TIME_NONE INT64_MIN
#define LC_RESULT_ABSENT ((double)NAN)
#define LC_LANE_NONE 0
#define LC_SHA256_HEX_LEN 64 /* lowercase hex, without NUL */

typedef struct lc_result lc_result;

/* How a measured value is judged against its limit, as recorded in a result. Named lc_result_limit /
 * lc_result_cmp (not lc_limit): fixtures/limits.h owns lc_limit, the rows of the limit files. */
enum lc_result_cmp {
	LC_LIMIT_NONE = 0, /* informational: no limit, margin absent */
	LC_LIMIT_LE,       /* pass if value <= high (insertion loss)       margin = high - value */
	LC_LIMIT_LT,       /* pass if value <  high (BER)                   margin = high - value */
	LC_LIMIT_GE,       /* pass if value >= low (return loss in dB)      margin = value - low */
	LC_LIMIT_GT,       /* pass if value >  low                          margin = value - low */
	LC_LIMIT_BETWEEN,  /* pass if low <= value <= high (power window)   margin = min(value-low, high-value) */
};

typedef struct lc_result_limit {
	double low;  /* NaN when the comparison does not use it */
	double high; /* NaN when the comparison does not use it */
	enum lc_result_cmp comparison;
} lc_result_limit;

/*
 * The name of a comparison: "none", "le", "lt", "ge", "gt", "between".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_result_cmp_name(enum lc_result_cmp c);

/*
 * Parse a comparison name (exact, lower case).
 *
 * Returns: the enum value (>= 0); -1 for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_result_cmp_parse(const char *s);

/*
 * The margin of value against limit as in the table above (negative = outside).
 *
 * Returns: the margin; NaN for a NULL limit, LC_LIMIT_NONE, a NaN value or a limit bound that is missing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_result_limit_margin(const lc_result_limit *limit, double value);

typedef struct lc_result_instrument {
	const char *role;            /* "bert", "power_meter", "source", "otdr", "switch" ... (required) */
	const char *resource;        /* canonical resource string */
	const char *vendor;          /* from *IDN? */
	const char *model;
	const char *serial;
	const char *firmware;
	const char *calibration_due; /* "YYYY-MM-DD" when configured, else NULL */
	const char *calibrated;      /* last calibration "YYYY-MM-DD" when configured, else NULL (since 0.1) */
	/* The operator's reason for using this instrument past its calibration due date
	 * (`lanecert run --accept-expired-calibration REASON`), else NULL: a certificate shows it next to the
	 * instrument (since 0.1). */
	const char *calibration_override;
	/* The driver's optional features this instrument lacks (lc_instrument_feature_at() said absent at attach),
	 * names joined by ',' ("read_all,zero"), else NULL: the run went without them (since 0.1). */
	const char *features_absent;
} lc_result_instrument;

typedef struct lc_result_dut {
	const char *cable_type;      /* fixtures/cables/ name (required) */
	const char *serial;          /* DUT serial number (required) */
	int slot;                    /* station slot, >= 0 */
	const char *channel_digest;  /* SHA-256 (lowercase hex) of the channel model used as expectation, or NULL */
	int attempt;                 /* the how-manieth run for this serial in the results store (from 1), 0: unknown */
} lc_result_dut;

/* Who the cable is certified for: the job (order, shipment, project), the customer and the site, each
 * optional (NULL: not given). Each is 1-200 bytes of UTF-8 without control characters. Since 0.1. */
typedef struct lc_result_job {
	const char *job;
	const char *customer;
	const char *site;
} lc_result_job;

/* What the cable is, from its cable type (fixtures/cables/): every field optional (NULL, or length_m 0:
 * not known). Since 0.1. */
typedef struct lc_result_cable {
	const char *part_number;     /* the cable file's "part_number" */
	const char *description;     /* its "description" */
	const char *fiber_mode;      /* "SM" or "MM" */
	const char *fiber_category;  /* "OS2", "OM4" ... (the worst along a chain) */
	double length_m;             /* the cable's length in metres (the sum of its parts), > 0; 0: unknown */
	const char *end_a;           /* the connectors at end A, "MPO-16 UPC female" */
	const char *end_b;           /* the connectors at end B, "8 x LC duplex UPC" */
	/* The limit set its mated pairs were priced with ("reference-grade", "typical", "standard-max": the
	 * chain's "limit_set" or `--limit-set`); NULL: none chosen, the standard's maximum rows. Since 0.1. */
	const char *limit_set;
} lc_result_cable;

typedef struct lc_result_value {
	const char *name;            /* "P_ref", "loss_cord" ... */
	double value;                /* finite */
	const char *unit;            /* "dBm", "dB" ... may be NULL */
} lc_result_value;

typedef struct lc_result_reference {
	const char *method;          /* "1-jumper", "2-jumper", "3-jumper", "modified-1-jumper" ... (required) */
	int64_t time_ms;             /* when the reference was taken */
	double wavelength_nm;        /* NaN if not applicable */
	const char *const *cords;    /* test reference cord ids, n_cords of them */
	size_t n_cords;
	const lc_result_value *values;
	size_t n_values;
} lc_result_reference;

typedef struct lc_result_measurement {
	const char *name;            /* "insertion_loss", "return_loss", "ber", "rx_power" ... (required) */
	int lane;                    /* from 1, or LC_LANE_NONE */
	double value;                /* NaN when it could not be measured (then the verdict is error/inconclusive) */
	const char *unit;            /* "dB", "dBm", "1" ... may be NULL */
	double wavelength_nm;        /* NaN if not applicable */
	lc_result_limit limit;
	double margin;               /* NaN: computed from limit and value by lc_result_limit_margin() */
	enum lc_verdict verdict;     /* the judgement made by the caller (BER confidence may make it inconclusive) */
} lc_result_measurement;

/* ---- building ---- */

/*
 * A new, empty result with software version LC_VERSION_STRING, no start or end time.
 *
 * Returns: the result, which the caller frees with lc_result_free(); NULL when out of memory.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API lc_result *lc_result_new(void);

/*
 * Free r and everything recorded in it (every pointer an accessor returned becomes invalid). NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use r during or after the call.
 * Since: 0.1
 */
LC_API void lc_result_free(lc_result *r);

/*
 * The current wall-clock time (CLOCK_REALTIME).
 *
 * Returns: milliseconds since the Unix epoch, UTC.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int64_t lc_result_wall_ms(void);

/*
 * Record the station's name (required) and id (may be NULL); both copied, replacing earlier ones.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r, a NULL or empty name, or a string that is not valid UTF-8; LC_ERR_NOMEM.
 * On failure r keeps what it had and remembers the failure (lc_result_failure()), like every builder below.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_station(lc_result *r, const char *name, const char *id, lc_diag *diag);

/*
 * Record the operator's name (NULL: none), copied, replacing an earlier one.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r or a name that is not valid UTF-8; LC_ERR_NOMEM. A failure is remembered
 * (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_operator(lc_result *r, const char *operator_name, lc_diag *diag);

/*
 * Record the procedure's name (required) and version (may be NULL), copied, replacing earlier ones.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r, a NULL or empty name, or a string that is not valid UTF-8;
 * LC_ERR_NOMEM. A failure is remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_procedure(lc_result *r, const char *name, const char *version, lc_diag *diag);

/*
 * Record the procedure file that ran: the SHA-256 (64 lowercase hex digits) of its bytes, and whether it was a
 * custom file (`lanecert run --procedure-file`) rather than one of the installed procedures.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r or a digest that is not 64 lowercase hex digits. A failure is
 * remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_procedure_file(lc_result *r, bool custom, const char *sha256_hex, lc_diag *diag);

/*
 * Replace the software version (set by lc_result_new()): only for a result read back from a report written by
 * another version (NULL: unknown).
 *
 * Returns: 0; LC_ERR_ARG for a NULL r or a version that is not valid UTF-8; LC_ERR_NOMEM. A failure is
 * remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_software_version(lc_result *r, const char *version, lc_diag *diag);

/*
 * Record the DUT (*dut copied, replacing an earlier one): cable type and serial required, slot and attempt
 * >= 0, channel digest NULL or 64 lowercase hex digits.
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument or a field that breaks those rules or is not valid UTF-8;
 * LC_ERR_NOMEM. A failure is remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_dut(lc_result *r, const lc_result_dut *dut, lc_diag *diag);

/*
 * Record the job, customer and site the run certifies for (copied; a field NULL: not given); setting again
 * replaces all three.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r or job, or a field that is empty, longer than 200 bytes, holds a control
 * character or is not valid UTF-8; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_job(lc_result *r, const lc_result_job *job, lc_diag *diag);
/*
 * Record the cable's identity (copied); setting again replaces it.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r or cable, a negative or non-finite length, or a string that is not valid
 * UTF-8; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_cable(lc_result *r, const lc_result_cable *cable, lc_diag *diag);

/*
 * Record the run's start time.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r (remembered by no result).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_start(lc_result *r, int64_t start_ms, lc_diag *diag);

/*
 * Append a copy of *in: role required, calibration dates NULL or "YYYY-MM-DD", features_absent NULL or names of
 * [a-z0-9_] joined by ','.
 *
 * Returns: the instrument's index (>= 0); LC_ERR_ARG for a NULL argument, a missing role, a date that does not
 * parse or a string that is not valid UTF-8; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()) and
 * appends nothing.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_add_instrument(lc_result *r, const lc_result_instrument *in, lc_diag *diag);

/*
 * Append a copy of *ref (its cords and values copied): method required, wavelength finite or NaN, every cord
 * id and value name given, every value finite.
 *
 * Returns: the reference's index (>= 0); LC_ERR_ARG for a NULL argument or a field that breaks those rules or
 * is not valid UTF-8; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()) and appends nothing.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_add_reference(lc_result *r, const lc_result_reference *ref, lc_diag *diag);

/*
 * Open a step named name (required, copied) that started at start_ms. Steps are kept in the order they were
 * added.
 *
 * Returns: the step's index (>= 0); LC_ERR_ARG for a NULL r or a missing or invalid name; LC_ERR_NOMEM. A
 * failure is remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_add_step(lc_result *r, const char *name, int64_t start_ms, lc_diag *diag);

/*
 * Close step with its own verdict (LC_VERDICT_NONE: judged by its measurements only), its end time and, for
 * error/aborted, a detail (may be NULL, copied).
 *
 * Returns: 0; LC_ERR_ARG for a NULL r, an unknown step or a value that is no verdict; LC_ERR_STATE when the
 * step was closed already; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()) and changes no step.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_end_step(lc_result *r, int step, enum lc_verdict verdict, int64_t end_ms, const char *error,
		       lc_diag *diag);

/*
 * Record a copy of *m in step (open or closed): name required, lane >= 0, no infinite number, a known
 * comparison with the bounds it uses (an unused bound is dropped); a NaN margin is computed
 * (lc_result_limit_margin()).
 *
 * Returns: the measurement's index over the whole run (>= 0); LC_ERR_ARG for a NULL argument, an unknown step
 * or a field that breaks those rules; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()) and records
 * nothing.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_add_measurement(lc_result *r, int step, const lc_result_measurement *m, lc_diag *diag);

/*
 * Set the extra key (a [a-z0-9_]+ name, unique per measurement) of a measurement to the finite number value,
 * replacing a value the key had.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r, an unknown measurement, a bad key or a value that is not finite;
 * LC_ERR_NOMEM. A failure is remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_measurement_extra_number(lc_result *r, int measurement, const char *key, double value,
				       lc_diag *diag);

/*
 * Set the extra key of a measurement to a copy of the string value (required, valid UTF-8), replacing a value
 * the key had.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r or value, an unknown measurement, a bad key or a value that is not valid
 * UTF-8; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_measurement_extra_string(lc_result *r, int measurement, const char *key, const char *value,
				       lc_diag *diag);

/*
 * Keep len bytes of raw data beside the report (SOR files, BER logs): the bytes are copied and their SHA-256
 * computed; lc_report_write() writes them as out_dir/<name> and the report records the digest. name: a plain
 * file name ([A-Za-z0-9._-]+, at most 128 bytes, not starting with '.', not "report.*"), unique in the
 * result; kind: "sor", "ber_log", ... (required).
 *
 * Returns: the index (>= 0); LC_ERR_ARG for a NULL r, NULL data with len > 0, a bad or repeated name, or a
 * missing kind; LC_ERR_NOMEM. A failure is remembered (lc_result_failure()) and keeps nothing.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_add_raw_data(lc_result *r, const char *name, const char *kind, const void *data, size_t len,
			   lc_diag *diag);

/*
 * A series of n points for the report's plots (an OTDR trace, decimated by the caller to a few thousand
 * points; a power-vs-time log). x and y are copied; every number must be finite. name and kind ("otdr_trace",
 * ...) required; lane from 1 or LC_LANE_NONE; units may be NULL.
 *
 * Returns: the index (>= 0); LC_ERR_ARG for a NULL r, NULL x or y with n > 0, a missing name or kind, a
 * negative lane, a point that is not finite or a string that is not valid UTF-8; LC_ERR_NOMEM. A failure is
 * remembered (lc_result_failure()) and keeps nothing.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_add_series(lc_result *r, const char *name, const char *kind, int lane, const char *x_unit,
			 const char *y_unit, const double *x, const double *y, size_t n, lc_diag *diag);

/*
 * End the run with its run-level verdict (error for a station problem, aborted for Ctrl-C, otherwise
 * LC_VERDICT_NONE to let steps and measurements decide), its end time and an optional reason (copied). A
 * second call replaces the first.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r, a value that is no verdict or a reason that is not valid UTF-8;
 * LC_ERR_NOMEM. A failure is remembered (lc_result_failure()), and the run is then an error whatever verdict
 * was given.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_finish(lc_result *r, enum lc_verdict verdict, int64_t end_ms, const char *reason, lc_diag *diag);

/*
 * Record the signing key id (16 uppercase hex digits as minisign prints it; NULL: none), so that `lanecert
 * verify` can check the signature came from the key the report names. lc_report_write() sets it.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r or an id that is not 16 uppercase hex digits; LC_ERR_NOMEM. A failure is
 * remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_set_key_id(lc_result *r, const char *key_id_hex, lc_diag *diag);

/* ---- reading ---- */

typedef struct lc_result_step {
	const char *name;
	enum lc_verdict verdict;     /* own verdict given at lc_result_end_step() */
	int64_t start_ms, end_ms;
	const char *error;
	bool ended;
} lc_result_step;

typedef struct lc_result_extra {
	const char *key;
	bool is_string;
	double number;
	const char *string;
} lc_result_extra;

typedef struct lc_result_raw {
	const char *name;
	const char *kind;
	const unsigned char *data;   /* NULL for a result read back from JSON (only the digest is known) */
	size_t size;
	char sha256[LC_SHA256_HEX_LEN + 1];
} lc_result_raw;

typedef struct lc_result_series {
	const char *name, *kind, *x_unit, *y_unit;
	int lane;
	const double *x, *y;
	size_t n;
} lc_result_series;

/*
 * The station's name.
 *
 * Returns: a string owned by r (valid until it is replaced or r is freed), NULL when not set. r must not be
 * NULL (likewise for every accessor below).
 * Thread safety: see above (read from the thread that builds, or once building is over).
 * Since: 0.1
 */
LC_API const char *lc_result_station_name(const lc_result *r);

/*
 * The station's id.
 *
 * Returns: a string owned by r, NULL when not set.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_station_id(const lc_result *r);

/*
 * The operator's name.
 *
 * Returns: a string owned by r, NULL when not set.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_operator(const lc_result *r);

/*
 * The procedure's name.
 *
 * Returns: a string owned by r, NULL when not set.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_procedure_name(const lc_result *r);

/*
 * The procedure's version.
 *
 * Returns: a string owned by r, NULL when not set.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_procedure_version(const lc_result *r);

/*
 * The procedure file's SHA-256; *custom (custom may be NULL) receives whether it was a custom file.
 *
 * Returns: 64 lowercase hex digits owned by r, NULL when not recorded (*custom then false).
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_procedure_sha256(const lc_result *r, bool *custom);

/*
 * The software version that produced the result.
 *
 * Returns: a string owned by r (LC_VERSION_STRING for a new result), NULL when a report read back had none.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_software_version(const lc_result *r);

/*
 * The signing key id recorded in the result.
 *
 * Returns: 16 uppercase hex digits owned by r, NULL when not set.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_key_id(const lc_result *r);

/*
 * The DUT as recorded.
 *
 * Returns: a copy of the struct whose strings are owned by r (valid until the DUT is set again or r is freed);
 * fields NULL (slot and attempt 0) when not set.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API lc_result_dut lc_result_get_dut(const lc_result *r);

/*
 * The job, customer and site the run certifies for.
 *
 * Returns: a copy of the struct whose strings are owned by r (valid until the job is set again or r is freed);
 * fields NULL when not given.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API lc_result_job lc_result_get_job(const lc_result *r);
/*
 * The cable's identity; *known (may be NULL) receives whether it was set at all.
 *
 * Returns: a copy of the struct whose strings are owned by r (valid until the cable is set again or r is
 * freed); fields NULL and length_m 0 when unknown.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API lc_result_cable lc_result_get_cable(const lc_result *r, bool *known);

/*
 * The run's start time.
 *
 * Returns: milliseconds since the epoch; LC_TIME_NONE when not set.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API int64_t lc_result_start_ms(const lc_result *r);

/*
 * The run's end time (lc_result_finish()).
 *
 * Returns: milliseconds since the epoch; LC_TIME_NONE when not finished.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API int64_t lc_result_end_ms(const lc_result *r);

/*
 * Why the run got its verdict, as recorded.
 *
 * Returns: the reason given to lc_result_finish(), else the failure (lc_result_failure()), else NULL; owned by r.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_reason(const lc_result *r);

/*
 * The verdict given to lc_result_finish() (LC_VERDICT_NONE if none), made error by a failure
 * (lc_result_failure()).
 *
 * Returns: that verdict. r must not be NULL.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API enum lc_verdict lc_result_run_verdict(const lc_result *r);

/*
 * A verdict can only get worse: the first builder call that failed (a string that is not valid UTF-8, an
 * infinite number, out of memory, a step closed twice ...) is remembered as "result not recorded: <detail>"
 * and makes the run an error, so that one check at the end replaces a check per call and nothing is signed
 * pass after a record was lost.
 *
 * Returns: that text, owned by r (a static text when even it could not be kept); NULL while every call
 * succeeded.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const char *lc_result_failure(const lc_result *r);

/*
 * The number of instruments recorded.
 *
 * Returns: that number.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API size_t lc_result_instrument_count(const lc_result *r);

/*
 * The i-th instrument recorded.
 *
 * Returns: a pointer owned by r (valid until the next builder call or lc_result_free()); NULL when i is out of
 * range.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const lc_result_instrument *lc_result_instrument_at(const lc_result *r, size_t i);

/*
 * The number of references recorded.
 *
 * Returns: that number.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API size_t lc_result_reference_count(const lc_result *r);

/*
 * The i-th reference recorded.
 *
 * Returns: a pointer owned by r (valid until the next builder call or lc_result_free()); NULL when i is out of
 * range.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const lc_result_reference *lc_result_reference_at(const lc_result *r, size_t i);

/*
 * The number of steps.
 *
 * Returns: that number.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API size_t lc_result_step_count(const lc_result *r);

/*
 * The i-th step (its own verdict; the aggregated one is lc_result_step_verdict()).
 *
 * Returns: a pointer owned by r (valid until the next builder call or lc_result_free()); NULL when i is out of
 * range.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const lc_result_step *lc_result_step_at(const lc_result *r, size_t i);

/*
 * Step i's aggregated verdict: the maximum of its own verdict and its measurements' verdicts.
 *
 * Returns: that verdict; LC_VERDICT_NONE for a NULL r or i out of range.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API enum lc_verdict lc_result_step_verdict(const lc_result *r, size_t i);

/*
 * The number of measurements over the whole run.
 *
 * Returns: that number.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API size_t lc_result_measurement_count(const lc_result *r);

/*
 * The i-th measurement; m->margin is the effective margin (computed when given as NaN). *step (step may be
 * NULL) receives the index of its step.
 *
 * Returns: a pointer owned by r (valid until the next builder call or lc_result_free()); NULL when i is out of
 * range (*step then unchanged).
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const lc_result_measurement *lc_result_measurement_at(const lc_result *r, size_t i, size_t *step);

/*
 * The number of extras of a measurement.
 *
 * Returns: that number; 0 for a measurement out of range.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API size_t lc_result_extra_count(const lc_result *r, size_t measurement);

/*
 * The i-th extra of a measurement, in ascending key order (bytewise).
 *
 * Returns: a pointer owned by r (valid until the next builder call or lc_result_free()); NULL when either index
 * is out of range.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const lc_result_extra *lc_result_extra_at(const lc_result *r, size_t measurement, size_t i);

/*
 * The number of raw files recorded.
 *
 * Returns: that number.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API size_t lc_result_raw_count(const lc_result *r);

/*
 * The i-th raw file (data NULL for one known only by its digest).
 *
 * Returns: a pointer owned by r (valid until the next builder call or lc_result_free()); NULL when i is out of
 * range.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const lc_result_raw *lc_result_raw_at(const lc_result *r, size_t i);

/*
 * The number of plot series recorded.
 *
 * Returns: that number.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API size_t lc_result_series_count(const lc_result *r);

/*
 * The i-th plot series.
 *
 * Returns: a pointer owned by r (valid until the next builder call or lc_result_free()); NULL when i is out of
 * range.
 * Thread safety: see above.
 * Since: 0.1
 */
LC_API const lc_result_series *lc_result_series_at(const lc_result *r, size_t i);

/*
 * The overall verdict by the aggregation rule at the top of this header: the run's verdict (error after a
 * failure), every step's (a step that judged nothing counts as inconclusive) and every measurement's; a run
 * without any step is inconclusive.
 *
 * Returns: that verdict; LC_VERDICT_ERROR for a NULL r.
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API enum lc_verdict lc_result_verdict(const lc_result *r);

/*
 * The first reason the run got its verdict, in words, into buf (cap >= 1, always NUL-terminated, valid UTF-8,
 * cut on a character when longer: display text): the run's own reason, else the detail of a step with that
 * verdict, else the worst measurement ("step: name lane L at W nm = V unit (margin M)"); "" for a pass. For
 * the terminal, the --json lines and the results store.
 *
 * Returns: nothing.
 * Thread safety: see above (it takes r's lock for the verdict).
 * Since: 0.1
 */
LC_API void lc_result_explain(const lc_result *r, char *buf, size_t cap);

/*
 * The SHA-256 of the len bytes at data as 64 lowercase hex digits and a NUL, into hex.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_result_sha256_hex(const void *data, size_t len, char hex[65]);

/*
 * Internal to reports/ (the JSON reader): record a raw file known only by its size and digest (no data).
 * Rules of lc_result_add_raw_data() for name and kind; the digest is 64 lowercase hex digits.
 *
 * Returns: the index (>= 0); LC_ERR_ARG for a NULL r or a bad name, kind or digest; LC_ERR_NOMEM. A failure is
 * remembered (lc_result_failure()).
 * Thread safety: takes r's lock.
 * Since: 0.1
 */
LC_API int lc_result_add_raw_digest(lc_result *r, const char *name, const char *kind, size_t size,
			     const char *sha256_hex, lc_diag *diag);

/* ---- reports/sign.h ---- */
/*
 * Ed25519 signatures in minisign's formats, through libsodium, so that a customer can check a report with
 * the stock `minisign -Vm report.json -p station.pub` as well as with `lanecert verify`.
 *
 * Formats (minisign 0.11, src/minisign.h):
 *   public key  "untrusted comment: minisign public key <KEYID>\n" base64("Ed" keynum[8] pk[32]) "\n"
 *   secret key  "untrusted comment: <text>\n" base64("Ed" kdf[2] "B2" salt[32] opslimit_le[8] memlimit_le[8]
 *               keynum[8] sk[64] chk[32]) "\n"; kdf "Sc": keynum..chk XORed with scrypt(password) (scryptsalsa208
 *               sha256, the stored limits); kdf "\0\0": unencrypted; chk = BLAKE2b-256("Ed" keynum sk).
 *   signature   "untrusted comment: <text>\n" base64("ED" keynum[8] sig[64]) "\n" "trusted comment: <tc>\n"
 *               base64(global_sig[64]) "\n"; sig = Ed25519(BLAKE2b-512(file)), global_sig = Ed25519(sig || tc).
 * KEYID is the keynum read as a little-endian 64-bit number, printed as 16 uppercase hex digits.
 *
 * lanecert is stricter than minisign on one point: the untrusted comment of a signature must be exactly the
 * one lanecert writes ("signature from lanecert secret key <KEYID>") or minisign's default ("signature from
 * minisign secret key"). minisign never signs that line; refusing edits to it means no byte of a certified
 * record can change unnoticed.
 *
 * Thread safety: keys are immutable after loading and may be shared between threads; every function is
 * reentrant. Secret key material lives in sodium_malloc'ed memory and is wiped by lc_sign_key_free().
 */



#define LC_KEY_ID_HEX_LEN 16
#define LC_TRUSTED_COMMENT_MAX 8000 /* minisign accepts up to 8192 bytes with its prefix */

typedef struct lc_sign_key lc_sign_key;

typedef struct lc_pubkey {
	unsigned char keynum[8];
	unsigned char pk[32];
} lc_pubkey;

/* scrypt limits for an encrypted secret key. minisign writes SENSITIVE (1 GiB, slow on purpose); it reads any
 * limits stored in the file, so lighter ones are interoperable too. */
typedef struct lc_kdf_limits {
	uint64_t opslimit;
	uint64_t memlimit;
} lc_kdf_limits;

/*
 * scrypt limits of minisign's default (SENSITIVE: 1 GiB, slow on purpose).
 *
 * Returns: the limits.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API lc_kdf_limits lc_kdf_sensitive(void);   /* minisign's default */
/*
 * libsodium's interactive scrypt limits (16 MiB).
 *
 * Returns: the limits.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API lc_kdf_limits lc_kdf_interactive(void); /* libsodium's interactive limits (16 MiB) */
/*
 * libsodium's minimum scrypt limits: for tests only.
 *
 * Returns: the limits.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API lc_kdf_limits lc_kdf_minimum(void);     /* libsodium's minimum: tests only */

/*
 * A fresh Ed25519 key pair with a random keynum, in sodium_malloc'ed memory.
 *
 * Returns: 0 with *key a new key the caller frees with lc_sign_key_free(); LC_ERR_UNSUPPORTED when libsodium
 * cannot be initialised; LC_ERR_NOMEM. On failure *key is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sign_key_generate(lc_sign_key **key, lc_diag *diag);

/*
 * Wipe and free key. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use key during or after the call.
 * Since: 0.1
 */
LC_API void lc_sign_key_free(lc_sign_key *key);

/*
 * The public half of key into pub (caller storage).
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_sign_key_public(const lc_sign_key *key, lc_pubkey *pub);

/*
 * KEYID (the keynum read as a little-endian 64-bit number) as 16 uppercase hex digits and a NUL, into hex.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_pubkey_id(const lc_pubkey *pub, char hex[LC_KEY_ID_HEX_LEN + 1]);

/*
 * The public key file's contents (format above).
 *
 * Returns: 0 with *text malloc'd and NUL-terminated (the caller frees it with free()); LC_ERR_NOMEM with *text
 * unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_pubkey_format(const lc_pubkey *pub, char **text, lc_diag *diag);

/*
 * The secret key file's contents: encrypted with password and the scrypt limits, or, password NULL,
 * unencrypted (an explicit choice for unattended stations, to be paired with file permissions).
 *
 * Returns: 0 with *text malloc'd and NUL-terminated (the caller wipes and frees it); LC_ERR_ARG for an empty
 * password; LC_ERR_UNSUPPORTED when libsodium cannot be initialised; LC_ERR_NOMEM when out of memory or
 * scrypt cannot have the limits' memory. On failure *text is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sign_key_format(const lc_sign_key *key, const char *password, lc_kdf_limits limits, char **text,
		       lc_diag *diag);

/*
 * Parse the len bytes of a public key file at text into pub (caller storage).
 *
 * Returns: 0; LC_ERR_TRUNCATED for an empty or cut file; LC_ERR_FORMAT for malformed text or an algorithm
 * other than Ed25519. On failure *pub is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_pubkey_parse(const char *text, size_t len, lc_pubkey *pub, lc_diag *diag);

/*
 * Parse the len bytes of a secret key file at text, decrypting it with password when it is encrypted (the
 * limits it stores are accepted between libsodium's minimum and minisign's SENSITIVE).
 *
 * Returns: 0 with *key a new key the caller frees with lc_sign_key_free(); LC_ERR_PERMISSION for an encrypted
 * key without a password ("encrypted: a password is needed"); LC_ERR_VERIFY for a wrong password (the
 * checksum does not match); LC_ERR_FORMAT for malformed text or limits outside that range; LC_ERR_TRUNCATED
 * for an empty or cut file; LC_ERR_UNSUPPORTED, LC_ERR_NOMEM. On failure *key is unchanged and no key
 * material is left in memory.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sign_key_parse(const char *text, size_t len, const char *password, lc_sign_key **key, lc_diag *diag);

/*
 * Whether the secret key text is encrypted (kdf "Sc").
 *
 * Returns: 1 when encrypted, 0 when not; the errors of lc_sign_key_parse()'s decoding (LC_ERR_FORMAT,
 * LC_ERR_TRUNCATED) when it is not a secret key file.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sign_key_is_encrypted(const char *text, size_t len, lc_diag *diag);

/*
 * Read the public key file at path and parse it (lc_pubkey_parse()).
 *
 * Returns: 0; LC_ERR_NOT_FOUND, LC_ERR_PERMISSION or LC_ERR_IO for the file; LC_ERR_FORMAT for a file too large
 * to be a key; the errors of lc_pubkey_parse() with diag prefixed by the path. On failure *pub is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_pubkey_load(const char *path, lc_pubkey *pub, lc_diag *diag);

/*
 * Read the secret key file at path and parse it (lc_sign_key_parse()). A file readable or writable by group or
 * others is refused.
 *
 * Returns: 0 with *key a new key the caller frees with lc_sign_key_free(); LC_ERR_PERMISSION for such a file;
 * the errors of lc_pubkey_load() for the file and of lc_sign_key_parse() with diag prefixed by the path. On
 * failure *key is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sign_key_load(const char *path, const char *password, lc_sign_key **key, lc_diag *diag);

/*
 * Write key's secret key file at key_path (mode 0600; encrypted with password, or unencrypted when it is NULL)
 * and its public key file at pub_path (mode 0644), each atomically; neither may exist.
 *
 * Returns: 0; LC_ERR_ARG for a NULL path or key or an empty password; LC_ERR_BUSY when either file exists (no
 * key derivation done, nothing written); the errors of lc_sign_key_format() and lc_atomic_write(). On failure
 * no half pair stays: a secret key written before the public key failed is removed again.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_keypair_write(const char *pub_path, const char *key_path, const lc_sign_key *key, const char *password,
		     lc_kdf_limits limits, lc_diag *diag);

/*
 * A .minisig text for the len bytes at msg: the prehashed "ED" signature and the global signature over sig ||
 * trusted_comment. trusted_comment: one line, no CR/LF, at most LC_TRUSTED_COMMENT_MAX bytes.
 *
 * Returns: 0 with *sig_text malloc'd and NUL-terminated (the caller frees it with free()); LC_ERR_ARG for a
 * NULL key, msg (with len > 0) or comment, or a comment that breaks the rule; LC_ERR_UNSUPPORTED,
 * LC_ERR_NOMEM. On failure *sig_text is unchanged.
 * Thread safety: reentrant; key may be shared.
 * Since: 0.1
 */
LC_API int lc_sign_buffer(const lc_sign_key *key, const void *msg, size_t len, const char *trusted_comment,
		   char **sig_text, lc_diag *diag);

typedef struct lc_signature {
	unsigned char alg[2];        /* "ED" (prehashed) or "Ed" (legacy) */
	unsigned char keynum[8];
	unsigned char sig[64];
	char trusted_comment[LC_TRUSTED_COMMENT_MAX + 1];
	unsigned char global_sig[64];
} lc_signature;

/*
 * Parse the sig_len bytes of a .minisig text at text into sig (caller storage); the untrusted comment must be
 * lanecert's or minisign's default (see above).
 *
 * Returns: 0; LC_ERR_TRUNCATED for an empty or cut file; LC_ERR_FORMAT for malformed lines or base64;
 * LC_ERR_VERIFY for an altered untrusted comment or a carriage return; LC_ERR_UNSUPPORTED. On failure *sig is
 * unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_signature_parse(const char *text, size_t len, lc_signature *sig, lc_diag *diag);

/*
 * Check the len bytes at msg against the .minisig text sig_text (sig_len bytes) and the public key pub.
 * trusted_comment (may be NULL; at least LC_TRUSTED_COMMENT_MAX + 1 bytes) receives the verified comment.
 *
 * Returns: 0 when both signatures verify; LC_ERR_VERIFY with the reason (key id mismatch, signature, trusted
 * comment) otherwise; LC_ERR_ARG for a NULL pub or msg; the errors of lc_signature_parse(); LC_ERR_NOMEM. On
 * failure trusted_comment is unspecified: never show it as verified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_verify_buffer(const lc_pubkey *pub, const void *msg, size_t len, const char *sig_text, size_t sig_len,
		     char *trusted_comment, lc_diag *diag);

/* ---- reports/store.h ---- */
/*
 * The results store: every run, in SQLite (WAL mode), so that a serial number can be traced later. A run is
 * inserted as "incomplete" when it starts and completed when its report is written; a run killed on the way
 * (SIGKILL, power cut) stays "incomplete" in a consistent database. Error and aborted runs are recorded like
 * any other: their verdict says what happened.
 *
 * Default location: $XDG_DATA_HOME/lanecert/results.db, else ~/.local/share/lanecert/results.db.
 *
 * Thread safety: a store may be shared by the threads of several slots: each call holds the store's mutex.
 * Several processes may use the same file (SQLite locking, 5 s busy timeout).
 */



typedef struct lc_store lc_store;

/*
 * The default store path (see above) into buf (size bytes).
 *
 * Returns: 0; LC_ERR_NOT_FOUND when neither XDG_DATA_HOME nor HOME is usable; LC_ERR_OVERFLOW when the path
 * does not fit (never cut).
 * Thread safety: reentrant while nobody changes the environment.
 * Since: 0.1
 */
LC_API int lc_store_default_path(char *buf, size_t size, lc_diag *diag);
enum lc_store_mode {
	LC_STORE_CREATE = 0,   /* create the store (and its folder) when it does not exist */
	LC_STORE_EXISTING = 1, /* the store must exist: LC_ERR_NOT_FOUND otherwise, and nothing is created */
};

/*
 * Open the store at path (NULL: the default). LC_STORE_CREATE creates it and its folder (mode 0700) when
 * missing; LC_STORE_EXISTING creates nothing. A store written by an older version is migrated to the current
 * schema (PRAGMA user_version 3: the attempt column; job, customer and site; an index per filter).
 *
 * Returns: 0 with *out a new store the caller closes with lc_store_close(); LC_ERR_NOT_FOUND for a missing store
 * with LC_STORE_EXISTING (or no default location); LC_ERR_FORMAT for a store of a newer version or a file that
 * is no database; LC_ERR_PERMISSION, LC_ERR_BUSY, LC_ERR_IO from SQLite and the folder; LC_ERR_NOMEM. On
 * failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_store_open_mode(const char *path, enum lc_store_mode mode, lc_store **out, lc_diag *diag);

/*
 * lc_store_open_mode(path, LC_STORE_CREATE, out, diag).
 *
 * Returns: as lc_store_open_mode().
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_store_open(const char *path, lc_store **out, lc_diag *diag);

/*
 * Close the store. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use s during or after the call.
 * Since: 0.1
 */
LC_API void lc_store_close(lc_store *s);

typedef struct lc_store_run_info {
	const char *serial;
	const char *cable_type;
	int slot;
	const char *station;
	const char *operator_name;
	const char *procedure;
	int64_t start_ms;
	const char *job, *customer, *site; /* Since 0.1; NULL: not given */
} lc_store_run_info;

/*
 * Insert a run as incomplete; it gets the next attempt number of its serial (1 for a serial never seen),
 * atomically with the insert.
 *
 * Returns: 0 with *run_id its id; LC_ERR_ARG for a NULL s, info or run_id; LC_ERR_BUSY, LC_ERR_PERMISSION,
 * LC_ERR_FORMAT, LC_ERR_IO from SQLite (nothing inserted). On failure *run_id is unchanged.
 * Thread safety: takes the store's mutex.
 * Since: 0.1
 */
LC_API int lc_store_begin_run(lc_store *s, const lc_store_run_info *info, int64_t *run_id, lc_diag *diag);

/*
 * The attempt number of a run.
 *
 * Returns: the number (>= 1); LC_ERR_STATE for an unknown id; LC_ERR_ARG for a NULL s; SQLite's errors.
 * Thread safety: takes the store's mutex.
 * Since: 0.1
 */
LC_API int lc_store_run_attempt(lc_store *s, int64_t run_id, lc_diag *diag);

/*
 * Complete a run: its verdict, end, the report's path and SHA-256 (both may be NULL when no report could be
 * written), and the reason for any verdict but pass (lc_result_explain()).
 *
 * Returns: 0; LC_ERR_STATE for an unknown id or a run completed already; LC_ERR_ARG for a NULL s; SQLite's
 * errors (the run stays incomplete).
 * Thread safety: takes the store's mutex.
 * Since: 0.1
 */
LC_API int lc_store_finish_run(lc_store *s, int64_t run_id, enum lc_verdict verdict, int64_t end_ms,
			const char *report_path, const char *report_sha256, const char *reason, lc_diag *diag);

typedef struct lc_store_row {
	int64_t id;
	const char *serial, *cable_type, *station, *operator_name, *procedure;
	int slot;
	int64_t start_ms, end_ms;     /* LC_TIME_NONE (INT64_MIN) when unknown */
	int complete;                 /* 0: the run never finished (killed, crashed, still running) */
	enum lc_verdict verdict;      /* LC_VERDICT_NONE while incomplete */
	const char *reason, *report_path, *report_sha256;
	int attempt;                  /* the how-manieth run of its serial (from 1); 0 when unknown */
	const char *job, *customer, *site; /* NULL when not given (and for runs recorded before schema 3). Since 0.1 */
} lc_store_row;

typedef struct lc_store_filter {
	const char *serial;           /* NULL: any */
	int64_t since_ms;             /* LC_TIME_NONE (INT64_MIN): any; else runs that started at or after it */
	int verdict;                  /* -1: any; an enum lc_verdict; LC_STORE_INCOMPLETE: unfinished runs only */
	/* Since 0.1; NULL: any (use designated initialisers: NULL is what they leave). */
	const char *station, *operator_name, *cable_type, *procedure;
	const char *job; /* Since 0.1; NULL: any */
	/* Since 0.1; NULL/0: any. serial_prefix: runs whose serial starts with it (valid UTF-8, 1 to 255 bytes,
	 * compared byte for byte; read as an index range, serial >= P AND serial < P', in both stores); run_id:
	 * that run only (the primary key: the SQLite store's id, the fleet's server id). */
	const char *serial_prefix;
	int64_t run_id;
	/* Since 0.1; 0: any. until_ms: runs that started before it. newest: only the newest N matching runs, given
	 * newest first (by start, then id, both descending; read backwards along the filter's index, so a page of
	 * the last runs costs N rows, not the whole store). */
	int64_t until_ms;
	unsigned newest;
} lc_store_filter;
#define LC_STORE_INCOMPLETE 1000

/*
 * Call fn for each run matching f (NULL: all), oldest first (newest first when f->newest is set); the row's
 * strings are valid during the call only. fn returns 0 to go on, anything else to stop. fn runs under the store's mutex: it must not call the
 * store.
 *
 * Returns: the number of rows; fn's non-zero return when it stopped the query; LC_ERR_ARG for a NULL s or fn,
 * a filter verdict that is no verdict, or a serial_prefix that is empty, longer than 255 bytes, not UTF-8 or
 * made only of U+10FFFF; SQLite's errors.
 * Thread safety: takes the store's mutex.
 * Since: 0.1
 */
LC_API int lc_store_query(lc_store *s, const lc_store_filter *f, int (*fn)(const lc_store_row *row, void *user),
		   void *user, lc_diag *diag);

/*
 * PRAGMA integrity_check of the store.
 *
 * Returns: 0 when SQLite says "ok"; LC_ERR_FORMAT with SQLite's first complaint; LC_ERR_ARG for a NULL s;
 * SQLite's errors.
 * Thread safety: takes the store's mutex.
 * Since: 0.1
 */
LC_API int lc_store_integrity_check(lc_store *s, lc_diag *diag);

/* ---- reports/report.h ---- */
/*
 * Writing and verifying a whole certification report: the top-level calls of reports/.
 *
 * lc_report_write() produces, in out_dir:
 *   <raw files>            the result's raw data (SOR files, BER logs), each recorded with its SHA-256
 *   report.json.minisig    the minisign signature (prehashed Ed25519) with a trusted comment naming the DUT
 *                          serial, the verdict and the time
 *   report.json            the canonical JSON (reports/report_json.h)
 *   report.html            the rendered report with its plots inline; plots/<name>.svg beside it
 *   report.pdf             the same report on A4 pages (reports/report_pdf.h), from the same JSON bytes and
 *                          the same plots
 * and completes the run in the results store. Every file appears atomically and none is overwritten: a
 * report directory is written once. The signature is written before report.json, so a report.json that
 * exists always has its signature; the store is completed last, so a run killed on the way stays
 * "incomplete" there. When writing fails, the run is still completed in the store, as an error with the
 * reason.
 *
 * Thread safety: reentrant; several slots may write their reports at once into different directories (and
 * share one store and one key).
 */



typedef struct lc_report_paths {
	char json[PATH_MAX];
	char sig[PATH_MAX];       /* empty when written without a key */
	char html[PATH_MAX];      /* empty with no_html */
	char pdf[PATH_MAX];       /* empty with no_pdf */
	char sha256[LC_SHA256_HEX_LEN + 1]; /* of report.json */
	int64_t run_id;           /* the store's run id, 0 without a store */
	int plots_drawn, plots_missing;
} lc_report_paths;

typedef struct lc_report_options {
	lc_store *store;          /* NULL: no store record */
	int64_t run_id;           /* from lc_store_begin_run() at the start of the run; 0: inserted here */
	const char *gnuplot;      /* NULL: "gnuplot" on PATH; "": no plots (the HTML says so) */
	const char *pubkey_hint;  /* public key file name shown in the HTML's "verify with" line */
	bool no_html;
	bool no_pdf;              /* no report.pdf (it costs a few tens of ms per report) */
	const char *plot_program; /* lc_report_render_folder(): the PDF's plot drawer, lanecert-render-plots (NULL:
	                           * found on PATH), run with qpdf from PATH; lc_report_write() draws the plots in
	                           * this process and ignores it. Since 0.2 */
} lc_report_options;

/*
 * Write r's report into the folder out_dir (created when missing; it must not hold a report already) as
 * described above; key NULL writes an unsigned report (development only: `lanecert verify` rejects it). The
 * key id is recorded in r before it is serialized. opt may be NULL (no store, plots with gnuplot from PATH).
 *
 * Returns: 0 with *paths filled; LC_ERR_ARG for a NULL r, out_dir or paths; LC_ERR_BUSY when out_dir holds a
 * report already (nothing written); the errors of rendering and lc_atomic_write(); the store's error when the
 * run cannot be completed there (the signature is then withdrawn). On failure the report files this call wrote
 * are removed again (raw data and plots it wrote may stay), paths names none of them, and the run is
 * completed in the store as an error with the reason.
 * Thread safety: reentrant; several slots may write at once into different folders, sharing a store and a key.
 * Since: 0.1
 */
LC_API int lc_report_write(lc_result *r, const char *out_dir, const lc_sign_key *key, lc_report_paths *paths,
		    const lc_report_options *opt, lc_diag *diag);

/*
 * A new report folder name under the open folder out_fd (out_label: how the caller names out_fd, used in
 * paths and messages), whole or not at all: the files are written into a hidden staging folder
 * ".<name>.lctmp-<pid>-<n>" and, once complete, it is renamed to name, or name-1 ... name-99 when taken,
 * never replacing anything. Every name is resolved relative to out_fd and nothing follows a symlink, so
 * neither name nor a symlink planted in out_fd can put a file outside it. The store record is made as by
 * lc_report_write().
 *
 * Returns: 0 with *paths the final paths; LC_ERR_ARG for a NULL argument, a negative out_fd or a name that is
 * not plain (a '/', a leading dot) or too long; LC_ERR_BUSY when no staging or final name is free; the errors
 * of lc_report_write(). On failure no folder is left (the staging folder is removed).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_write_new(lc_result *r, int out_fd, const char *out_label, const char *name, const lc_sign_key *key,
			lc_report_paths *paths, const lc_report_options *opt, lc_diag *diag);

/*
 * The public half of key as the base64 line of its .pub file ("RWQ..."): the whole key a customer compares with
 * the station's published key, and what lc_report_render_folder() takes.
 *
 * Returns: nothing; buf holds the line, or "" for a NULL key, a cap too small for the line (57 bytes with its
 * NUL suffice) or no memory.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_report_public_key_line(const lc_sign_key *key, char *buf, size_t cap);

/*
 * Render a report's views (report.html with plots/<name>.svg, report.pdf; opt's no_html, no_pdf, gnuplot and
 * pubkey_hint as for lc_report_write()) from the report.json in the folder dir, into the same folder,
 * replacing views rendered there before. public_key: the signing key's base64 line (the second line of its
 * .pub, lc_report_public_key_line()) that the views show, or NULL; it must be the key whose id report.json
 * names, so a view never shows another key than the one that signs it. This is the renderer's half of lc_report_publish_new(): a process that
 * holds no secret key and measures nothing (lanecert run's renderer child).
 *
 * Returns: 0 with *paths naming the views written (json and sig empty; sha256 that of the report.json read);
 * LC_ERR_ARG for a NULL dir or paths; LC_ERR_FORMAT for a public_key that is no minisign Ed25519 key line;
 * LC_ERR_VERIFY when its key id is not the key_id of report.json; LC_ERR_NOT_FOUND when dir or its report.json
 * does not exist; the errors of lc_read_file(), of rendering and of lc_atomic_write(). Nothing is written
 * before the key is checked. On failure the views already written may stay:
 * lc_report_publish_new() refuses a folder whose views are missing.
 * Thread safety: reentrant (each call its own folder).
 * Since: 0.1
 */
LC_API int lc_report_render_folder(const char *dir, const char *public_key, const lc_report_options *opt,
			    lc_report_paths *paths, lc_diag *diag);

/*
 * Load what the first lc_report_render_folder() of this thread would load first: fontconfig's configuration,
 * pango's font map and the PDF's fonts, by laying out (not drawing) a line in each of its styles; and, when
 * opt names a plot_program, start that drawer once for the thread (`PROGRAM serve`, which loads librsvg and
 * the plots' font while it waits), so that this thread's lc_report_render_folder() calls with the same
 * plot_program send it their plots instead of running the drawer twice per report. A renderer that waits for
 * its first report calls it while it waits (lanecert-render --serve, started by lanecert run before the slots
 * measure), so that no report pays for any of it; the views rendered after it are the same bytes as without
 * it. lc_report_render_end() ends the drawer.
 * Returns: nothing; a failure (no fonts, a drawer that cannot start) is left to the rendering that follows,
 * which runs a drawer of its own and says what fails.
 * Thread safety: pango's default font map and the kept drawer are the calling thread's.
 * Since: 0.1
 */
LC_API void lc_report_render_warm(const lc_report_options *opt);

/*
 * End what lc_report_render_warm() started for the calling thread: its plot drawer is told to exit (the end
 * of its stdin) and reaped (with -v logging, its peak RSS as "plots: peak RSS N KiB (wait4)"). Nothing to
 * end: nothing happens.
 * Returns: nothing.
 * Thread safety: the calling thread's.
 * Since: 0.1
 */
LC_API void lc_report_render_end(void);

/*
 * As lc_report_write_new(), but the views are not rendered here: report.html, report.pdf (unless opt says
 * no_html / no_pdf) and plots/ are moved in from the folder views_fd, where lc_report_render_folder() rendered
 * them, and only when that folder's report.json is byte for byte the report.json written here (so a view never
 * shows a verdict, time or reason the signed record does not). views_fd must be on the same file system as
 * out_fd (a folder inside it); the caller removes it afterwards (it then holds at most its report.json).
 *
 * views_fd < 0: the views could not be rendered (their renderer did not run): the report is not written.
 *
 * Returns: as lc_report_write_new(); also LC_ERR_STATE when views_fd < 0, when the views were rendered from
 * other bytes or when a wanted view is missing (a renderer that failed): then, as for any failure, no folder is left and the store records the run as an error with the reason. Views moved in before
 * a later failure are removed with the staging folder.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_publish_new(lc_result *r, int out_fd, const char *out_label, const char *name,
			  const lc_sign_key *key, int views_fd, lc_report_paths *paths,
			  const lc_report_options *opt, lc_diag *diag);

/*
 * Remove what runs that were killed left in out_fd: staging folders and temporary files whose writer process
 * no longer runs (lc_atomic_tmp_stale()); each one is logged.
 *
 * Returns: how many were removed (0 or more); LC_ERR_IO when out_fd cannot be listed.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_clean_stale(int out_fd, lc_diag *diag);

/*
 * Remove the folder name in out_fd with its files and plots/ (never following a symlink).
 *
 * Returns: 0; -1 with errno set when something could not be removed.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_remove_folder(int out_fd, const char *name);

/*
 * The trusted comment lanecert signs, into buf (size bytes):
 * "lanecert-report\tserial:SN\tverdict:V\ttime:T\tfile:report.json" (control characters of the serial replaced
 * by '?'; T the end time, else the start, else "unknown").
 *
 * Returns: 0; LC_ERR_OVERFLOW when it does not fit in size or the serial is longer than 255 bytes (never cut).
 * Thread safety: see lc_result_verdict() (it reads r).
 * Since: 0.1
 */
LC_API int lc_report_trusted_comment(const lc_result *r, char *buf, size_t size, lc_diag *diag);

typedef struct lc_report_verify_info {
	char key_id[LC_KEY_ID_HEX_LEN + 1];
	char trusted_comment[LC_TRUSTED_COMMENT_MAX + 1];
	enum lc_verdict verdict;
	char serial[256];
	int raw_checked;          /* raw files found beside the report whose digest matched */
	int raw_missing;          /* raw files named by the report but absent (not an error: often not copied) */
} lc_report_verify_info;

/*
 * Verify a report: the signature (sig_path NULL: REPORT.minisig) against pub, the report's JSON, the key id it
 * records against pub's, the trusted comment against the report, and the digest of every raw file present
 * beside it. info (may be NULL) receives the key id, trusted comment, verdict, serial and raw-file counts.
 *
 * Returns: 0 when all hold; LC_ERR_VERIFY with the reason; LC_ERR_FORMAT, LC_ERR_TRUNCATED for a malformed or
 * empty report or signature; LC_ERR_NOT_FOUND for a missing file; LC_ERR_ARG for a NULL report_path or pub
 * or a path too long; LC_ERR_IO, LC_ERR_NOMEM. On failure *info holds what was read before the failure: never
 * show it as verified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_verify(const char *report_path, const char *sig_path, const lc_pubkey *pub,
		     lc_report_verify_info *info, lc_diag *diag);

/*
 * QA approval: a second minisign signature over the same report.json, by an approver's own key, in a file of
 * its own per approver: REPORT.approval-KEYID.minisig (KEYID: the approver's key id). Its trusted comment is
 * "lanecert-approval\tserial:SN\tverdict:V\tapprover:NAME\ttime:T\tfile:report.json". Stock minisign verifies
 * it: minisign -Vm report.json -x report.json.approval-KEYID.minisig -p approver.pub.
 * Thread safety: reentrant.
 */

/*
 * The approval's trusted comment for r by approver at time_ms into buf (size bytes). approver: 1-200 bytes
 * without control characters.
 *
 * Returns: 0; LC_ERR_ARG for a NULL r, a bad approver name or a time lc_time_format() refuses; LC_ERR_OVERFLOW
 * when it does not fit in size (never cut).
 * Thread safety: see lc_result_verdict() (it reads r).
 * Since: 0.1
 */
LC_API int lc_report_approval_comment(const lc_result *r, const char *approver, int64_t time_ms, char *buf,
				      size_t size, lc_diag *diag);

/*
 * REPORT.approval-KEYID.minisig for the approver's key, into buf (size bytes).
 *
 * Returns: 0; LC_ERR_ARG for a NULL report_path or approver or when the path does not fit in size.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_approval_path(const char *report_path, const lc_pubkey *approver, char *buf, size_t size,
				   lc_diag *diag);

/*
 * Approve report_path (it must read as a lanecert report) as approver at time_ms: write its approval file,
 * never replacing one. sig_path (may be NULL; sig_path_size bytes) receives the file's path.
 *
 * Returns: 0; LC_ERR_FORMAT when report_path is not a lanecert report; LC_ERR_BUSY when this key approved it
 * already; LC_ERR_ARG for a NULL report_path or key or a bad approver; the errors of reading the report, of
 * lc_sign_buffer() and of lc_atomic_write(). On failure no approval file is written.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_approve(const char *report_path, const lc_sign_key *key, const char *approver,
			     int64_t time_ms, char *sig_path, size_t sig_path_size, lc_diag *diag);

/*
 * Render report.html and report.pdf beside report_path again, with an "Approved by" section listing the
 * approvals of the given approvers' keys, each verified first (lc_report_verify_approval()); the report itself
 * is verified with the station's key first. report.json and every signature stay as they are: the views are
 * replaced (each atomically), nothing else. pubkey_hint (may be NULL) is named in "verify with".
 *
 * Returns: 0; LC_ERR_ARG for a NULL report_path or station, approvers NULL with n_approvers > 0, or more than
 * 8 approvers; the errors of lc_report_verify() and lc_report_verify_approval() (then nothing is rendered);
 * the renderers' and lc_atomic_write()'s errors.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_render_views(const char *report_path, const lc_pubkey *station, const lc_pubkey *const *approvers,
				  size_t n_approvers, const char *pubkey_hint, lc_diag *diag);

typedef struct lc_report_approval_info {
	char key_id[LC_KEY_ID_HEX_LEN + 1];
	char approver[256];
	int64_t time_ms;
	char trusted_comment[LC_TRUSTED_COMMENT_MAX + 1];
} lc_report_approval_info;

/*
 * Check an approval (sig_path NULL: the approver key's file beside the report): the signature by that key
 * over the report's bytes, and a trusted comment that approves this report (serial, verdict). info (may be
 * NULL) receives the approver's name and time.
 *
 * Returns: 0 when it holds; LC_ERR_NOT_FOUND without an approval file; LC_ERR_VERIFY with the reason; LC_ERR_ARG
 * for a NULL report_path or approver; the errors of reading the report. On failure *info is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_verify_approval(const char *report_path, const char *sig_path, const lc_pubkey *approver,
				     lc_report_approval_info *info, lc_diag *diag);

/* ---- reports/job_summary.h ---- */
/*
 * Job summaries: one signed document for a batch of cables (a job: an order, a shipment), made from the
 * results store and the reports it names. For each cable of the job (its serial's last run in the job) it
 * lists the verdict as its certificate shows it (a pass resting on an UNCONFIRMED limit reads "not
 * certified"), the report's SHA-256, the attempts, station, operator and times; the yield; the instruments
 * (by identity and calibration) and references the runs used. Every report is read and checked against the
 * SHA-256 the store recorded for it before it is counted: a report that is missing or was changed is an
 * error, never a cable left out.
 *
 * In out_dir (created if needed), each file atomically and never replacing one (LC_ERR_BUSY):
 *   job.json             canonical JSON (format "lanecert-job", version 1; the same rules as report.json)
 *   job.json.minisig     the station key's minisign signature, trusted comment
 *                        "lanecert-job\tjob:J\tcables:N\tcertified:K\ttime:T\tfile:job.json"
 *   job.html, job.pdf    views rendered from job.json's bytes
 *   measurements.csv     with opt->csv: every measurement of every cable of the job; its SHA-256 and row
 *                        count are in job.json, so the signature covers it
 * `minisign -Vm job.json -p station.pub` verifies it; lc_job_summary_verify() (lanecert verify) also checks
 * the key id, the trusted comment and measurements.csv when present.
 *
 * Thread safety: reentrant (the store serializes its own calls).
 */

#define LC_JOB_SUMMARY_FORMAT "lanecert-job"

typedef struct lc_job_summary_options {
	const char *pubkey_hint;     /* public key file name shown in "verify with" (NULL: "STATION.pub") */
	bool csv;                    /* also write measurements.csv */
	bool no_pdf;                 /* no job.pdf */
	int64_t time_ms;             /* the summary's time; LC_TIME_NONE: now */
} lc_job_summary_options;

typedef struct lc_job_summary_paths {
	char json[PATH_MAX], sig[PATH_MAX], html[PATH_MAX];
	char pdf[PATH_MAX];          /* empty with no_pdf */
	char csv[PATH_MAX];          /* empty without csv */
	int cables;                  /* cables listed */
	int certified;               /* of them, certified passes */
	size_t measurements;         /* rows of measurements.csv (counted also without it) */
} lc_job_summary_paths;

/*
 * Write the summary of job from store s into out_dir (created if needed), signed with key (required); opt
 * may be NULL (defaults: no CSV, with PDF, now). Nothing is written unless every report was read and matched.
 *
 * Returns: 0 with paths (may be NULL) filled; LC_ERR_ARG for a NULL s, job, out_dir or key or an empty job;
 * LC_ERR_NOT_FOUND when the store has no run of the job or a report it names is missing; LC_ERR_VERIFY when a
 * report is not the one whose SHA-256 the store recorded; LC_ERR_FORMAT (the report reader's) for a report
 * that does not read; LC_ERR_BUSY when out_dir holds a file of the summary already (files written before it
 * stay); LC_ERR_PERMISSION, LC_ERR_IO, LC_ERR_NOMEM.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_job_summary_write(lc_store *s, const char *job, const char *out_dir, const lc_sign_key *key,
				const lc_job_summary_options *opt, lc_job_summary_paths *paths, lc_diag *diag);

typedef struct lc_job_summary_verify_info {
	char key_id[LC_KEY_ID_HEX_LEN + 1];
	char trusted_comment[LC_TRUSTED_COMMENT_MAX + 1];
	char job[256];
	int cables, certified;
	bool csv_checked;            /* measurements.csv was beside job.json and matched its digest */
} lc_job_summary_verify_info;

/*
 * Whether the file at path is a job summary (JSON whose "format" is LC_JOB_SUMMARY_FORMAT).
 *
 * Returns: true when it is; false for anything else, a file that cannot be read or a NULL path.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API bool lc_job_summary_file(const char *path);
/*
 * Verify a job summary: the signature (sig_path NULL: PATH.minisig) with pub, the key id it records, the
 * trusted comment against its content, and measurements.csv's digest when that file is beside it.
 *
 * Returns: 0 when all hold (info, may be NULL, filled); LC_ERR_VERIFY with the reason when they do not;
 * LC_ERR_FORMAT for a file that is not a job summary; LC_ERR_TRUNCATED for an empty one; LC_ERR_NOT_FOUND
 * for a missing summary or signature; LC_ERR_ARG for a NULL path or pub; the read errors of lc_read_file().
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_job_summary_verify(const char *path, const char *sig_path, const lc_pubkey *pub,
				 lc_job_summary_verify_info *info, lc_diag *diag);

/* ---- reports/report_json.h ---- */
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



#define LC_REPORT_FORMAT "lanecert-report"
#define LC_REPORT_FORMAT_VERSION 1
#define LC_REPORT_JSON_MAX (64u << 20) /* a report larger than 64 MiB is refused when read */

/*
 * The canonical JSON text of r (rules above).
 *
 * Returns: 0 with *json malloc'd and NUL-terminated (the caller frees it with free()) and *len (when len is not
 * NULL) its length without the NUL; LC_ERR_ARG for a NULL r or json or a time outside the years 0000..9999;
 * LC_ERR_NOMEM. On failure *json is unchanged.
 * Thread safety: see above (not concurrently with builder calls on r).
 * Since: 0.1
 */
LC_API int lc_report_json(const lc_result *r, char **json, size_t *len, lc_diag *diag);

/*
 * Read the len bytes of a report at json back into a new result.
 *
 * Returns: 0 with *out a new result the caller frees with lc_result_free(); LC_ERR_ARG for NULL json or out;
 * LC_ERR_TRUNCATED for an empty or cut text; LC_ERR_OVERFLOW for one over LC_REPORT_JSON_MAX; LC_ERR_FORMAT
 * for malformed JSON, a missing or mistyped member, an unknown format version or a verdict that does not
 * follow from the measurements, with the offending member's path in diag ("measurements[3].limit.comparison");
 * LC_ERR_NOMEM. On failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_report_json_read(const char *json, size_t len, lc_result **out, lc_diag *diag);

/*
 * "2026-11-20T23:30:48.123Z" for ms since the epoch, into buf.
 *
 * Returns: 0; LC_ERR_ARG for a time outside the years 0000..9999 (buf unspecified).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_time_format(int64_t ms, char buf[32], lc_diag *diag);

/*
 * The ms since the epoch of a time written as lc_time_format() writes it.
 *
 * Returns: 0 with *ms set; LC_ERR_FORMAT for another form or a field out of range (*ms unchanged).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_time_parse(const char *s, int64_t *ms, lc_diag *diag);

#endif
