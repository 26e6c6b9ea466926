/* Helpers shared inside reports/ only. Thread safety: all are reentrant. */
#ifndef LC_REPORTS_RESULT_PRIV_H
#define LC_REPORTS_RESULT_PRIV_H

#include <stdbool.h>
#include <stddef.h>

/* A plain file name for raw data beside the report: [A-Za-z0-9._-]+, no leading '.', not report.* */
bool lc_result_raw_name_ok(const char *name);
/* SHA-256 of data as 64 lowercase hex digits and a NUL (libsodium crypto_hash_sha256). */

/* ---- inside the result model (result.c, result_steps.c, result_read.c) ---- */

#include <pthread.h>

#include "reports/result.h"

struct lc_result_meas {
	lc_result_measurement pub;
	size_t step;
	lc_result_extra *extras; /* sorted by key */
	size_t n_extras;
};

struct lc_result {
	pthread_mutex_t lock; /* held by every builder call and by the verdict aggregation */
	char *station_name, *station_id, *operator_name, *proc_name, *proc_version, *software, *key_id, *reason;
	char *failure; /* the first builder call that failed, NULL while none has (lc_result_note) */
	bool failed;   /* a builder call failed (also when failure could not be allocated) */
	lc_result_dut dut;
	lc_result_job job;     /* strings owned, NULL: not given */
	lc_result_cable cable; /* strings owned */
	bool has_cable;
	char proc_sha256[LC_SHA256_HEX_LEN + 1]; /* empty: not recorded */
	bool proc_custom;
	int64_t start_ms, end_ms;
	enum lc_verdict run_verdict;
	lc_result_instrument *instruments;
	size_t n_instruments;
	lc_result_reference *references;
	size_t n_references;
	lc_result_step *steps;
	size_t n_steps;
	struct lc_result_meas *meas;
	size_t n_meas;
	lc_result_raw *raw;
	size_t n_raw;
	lc_result_series *series;
	size_t n_series;
};

/* Every public builder returns through this: a failed call (rc < 0) is remembered as the result's first
 * failure, which makes the run an error (a verdict can only get worse). Copies d into diag; returns rc. */
int lc_result_note(lc_result *r, int rc, const lc_diag *d, lc_diag *diag);
/* Make room for element number count of a doubling array (0 or LC_ERR_NOMEM). */
int lc_result_grow(void *arrayp, size_t count, size_t elem);
void lc_result_freestr(const char *s);
/* Copy s (NULL stays NULL) into *dst, freeing the old value; refuses invalid UTF-8. */
int lc_result_setstr(const char **dst, const char *s, const char *what, lc_diag *diag);
/* LC_ERR_ARG "<what> is required" for NULL or "". */
int lc_result_need(const char *s, const char *what, lc_diag *diag);
int lc_result_finite_or_absent(double v, const char *what, lc_diag *diag);
bool lc_result_verdict_ok(enum lc_verdict v);
bool lc_result_hex_lower(const char *s, size_t n);
void lc_result_free_extra(lc_result_extra *e);
void lc_result_free_series(lc_result_series *s);

#endif
