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
#ifndef LC_REPORTS_RESULT_H
#define LC_REPORTS_RESULT_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixtures/verdict.h"
#include "base/error.h"

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

/* "none", "le", "lt", "ge", "gt", "between"; parse returns the enum or -1. */
const char *lc_result_cmp_name(enum lc_result_cmp c);
int lc_result_cmp_parse(const char *s);
/* The margin of value against limit as in the table above (negative = outside); NaN for LC_LIMIT_NONE, a NaN
 * value or a limit bound that is missing. */
double lc_result_limit_margin(const lc_result_limit *limit, double value);

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
} lc_result_instrument;

typedef struct lc_result_dut {
	const char *cable_type;      /* fixtures/cables/ name (required) */
	const char *serial;          /* DUT serial number (required) */
	int slot;                    /* station slot, >= 0 */
	const char *channel_digest;  /* SHA-256 (lowercase hex) of the channel model used as expectation, or NULL */
	int attempt;                 /* the how-manieth run for this serial in the results store (from 1), 0: unknown */
} lc_result_dut;

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

/* A new, empty result with software version LC_VERSION_STRING. NULL when out of memory. */
lc_result *lc_result_new(void);
void lc_result_free(lc_result *r);
int64_t lc_result_wall_ms(void);

int lc_result_set_station(lc_result *r, const char *name, const char *id, lc_diag *diag);
int lc_result_set_operator(lc_result *r, const char *operator_name, lc_diag *diag);
int lc_result_set_procedure(lc_result *r, const char *name, const char *version, lc_diag *diag);
/* The procedure file that ran: the SHA-256 (64 lowercase hex digits) of its bytes, and whether it was a custom
 * file (`lanecert run --procedure-file`) rather than one of the installed procedures. Since 0.2. */
int lc_result_set_procedure_file(lc_result *r, bool custom, const char *sha256_hex, lc_diag *diag);
/* Only for a result read back from a report written by another version (NULL: unknown). */
int lc_result_set_software_version(lc_result *r, const char *version, lc_diag *diag);
int lc_result_set_dut(lc_result *r, const lc_result_dut *dut, lc_diag *diag);
/* Start time of the run. */
int lc_result_start(lc_result *r, int64_t start_ms, lc_diag *diag);
/* Returns the instrument's index. */
int lc_result_add_instrument(lc_result *r, const lc_result_instrument *in, lc_diag *diag);
/* Returns the reference's index. */
int lc_result_add_reference(lc_result *r, const lc_result_reference *ref, lc_diag *diag);

/* Open a step; returns its index (>= 0). Steps are kept in the order they were added. */
int lc_result_add_step(lc_result *r, const char *name, int64_t start_ms, lc_diag *diag);
/* Close a step with its own verdict (LC_VERDICT_NONE: judged by its measurements only), its end time and, for
 * error/aborted, a detail (may be NULL). Closing twice is LC_ERR_STATE. */
int lc_result_end_step(lc_result *r, int step, enum lc_verdict verdict, int64_t end_ms, const char *error,
		       lc_diag *diag);
/* Record a measurement in a step (open or closed); returns the measurement's index (over the whole run). */
int lc_result_add_measurement(lc_result *r, int step, const lc_result_measurement *m, lc_diag *diag);
/* Extra named fields of a measurement (BER bounds, bits, errors, confidence level, event position ...).
 * Keys are [a-z0-9_]+, unique per measurement; setting a key again replaces its value. */
int lc_result_measurement_extra_number(lc_result *r, int measurement, const char *key, double value,
				       lc_diag *diag);
int lc_result_measurement_extra_string(lc_result *r, int measurement, const char *key, const char *value,
				       lc_diag *diag);

/* Raw data kept beside the report (SOR files, BER logs). The bytes are copied; lc_report_write() writes
 * them as out_dir/<name> and the report records their SHA-256. name: a plain file name ([A-Za-z0-9._-]+, not
 * starting with '.', not "report.*"). kind: "sor", "ber_log", ... Returns the index. */
int lc_result_add_raw_data(lc_result *r, const char *name, const char *kind, const void *data, size_t len,
			   lc_diag *diag);

/* A series of points for the report's plots (an OTDR trace, decimated by the caller to a few thousand points;
 * a power-vs-time log). x and y are copied; every number finite. kind: "otdr_trace", ... lane: from 1 or
 * LC_LANE_NONE. Returns the index. */
int lc_result_add_series(lc_result *r, const char *name, const char *kind, int lane, const char *x_unit,
			 const char *y_unit, const double *x, const double *y, size_t n, lc_diag *diag);

/* End of the run with its run-level verdict (error for a station problem, aborted for Ctrl-C, otherwise
 * LC_VERDICT_NONE to let steps and measurements decide) and an optional reason. */
int lc_result_finish(lc_result *r, enum lc_verdict verdict, int64_t end_ms, const char *reason, lc_diag *diag);

/* The signing key id (16 uppercase hex digits as minisign prints it), recorded in the report so that
 * `lanecert verify` can check the signature came from the key the report names. Set by lc_report_write(). */
int lc_result_set_key_id(lc_result *r, const char *key_id_hex, lc_diag *diag);

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

const char *lc_result_station_name(const lc_result *r);
const char *lc_result_station_id(const lc_result *r);
const char *lc_result_operator(const lc_result *r);
const char *lc_result_procedure_name(const lc_result *r);
const char *lc_result_procedure_version(const lc_result *r);
/* The procedure file's SHA-256, NULL when not recorded; *custom (may be NULL) receives whether it was custom. */
const char *lc_result_procedure_sha256(const lc_result *r, bool *custom);
const char *lc_result_software_version(const lc_result *r);
const char *lc_result_key_id(const lc_result *r);
/* The DUT; fields NULL when not set. */
lc_result_dut lc_result_get_dut(const lc_result *r);
int64_t lc_result_start_ms(const lc_result *r);
int64_t lc_result_end_ms(const lc_result *r);
/* The reason given to lc_result_finish(), else the failure below, else NULL. */
const char *lc_result_reason(const lc_result *r);
/* The verdict given to lc_result_finish() (LC_VERDICT_NONE if none), made error by a failure (below). */
enum lc_verdict lc_result_run_verdict(const lc_result *r);
/* A verdict can only get worse: the first builder call that failed (a string that is not valid UTF-8, an
 * infinite number, out of memory, a step closed twice ...) is remembered as "result not recorded: <detail>"
 * and makes the run an error, so that one check at the end replaces a check per call and nothing is
 * signed pass after a record was lost. NULL while every call succeeded. Since 0.2. */
const char *lc_result_failure(const lc_result *r);

size_t lc_result_instrument_count(const lc_result *r);
const lc_result_instrument *lc_result_instrument_at(const lc_result *r, size_t i);
size_t lc_result_reference_count(const lc_result *r);
const lc_result_reference *lc_result_reference_at(const lc_result *r, size_t i);
size_t lc_result_step_count(const lc_result *r);
const lc_result_step *lc_result_step_at(const lc_result *r, size_t i);
/* The step's aggregated verdict: max(own verdict, its measurements' verdicts). */
enum lc_verdict lc_result_step_verdict(const lc_result *r, size_t i);
size_t lc_result_measurement_count(const lc_result *r);
/* m->margin is the effective margin (computed when given as NaN). *step receives the step index. */
const lc_result_measurement *lc_result_measurement_at(const lc_result *r, size_t i, size_t *step);
size_t lc_result_extra_count(const lc_result *r, size_t measurement);
/* Extras in ascending key order (bytewise). */
const lc_result_extra *lc_result_extra_at(const lc_result *r, size_t measurement, size_t i);
size_t lc_result_raw_count(const lc_result *r);
const lc_result_raw *lc_result_raw_at(const lc_result *r, size_t i);
size_t lc_result_series_count(const lc_result *r);
const lc_result_series *lc_result_series_at(const lc_result *r, size_t i);

/* The overall verdict by the aggregation rule at the top of this header. */
enum lc_verdict lc_result_verdict(const lc_result *r);

/* The first reason the run got its verdict, in words, into buf (cap >= 1, always NUL-terminated, valid UTF-8,
 * cut on a character): the run's own reason, else the detail of a step with that verdict, else the worst
 * measurement; "" for a pass. For the terminal, the --json lines and the results store. Since 0.2. */
void lc_result_explain(const lc_result *r, char *buf, size_t cap);

/* The SHA-256 of len bytes as 64 lowercase hex digits and a NUL. Since 0.2. */
void lc_result_sha256_hex(const void *data, size_t len, char hex[65]);

/* Internal to reports/ (the JSON reader): record a raw file known only by its digest. */
int lc_result_add_raw_digest(lc_result *r, const char *name, const char *kind, size_t size,
			     const char *sha256_hex, lc_diag *diag);

#endif
