/*
 * Power references for insertion-loss measurement, and the loss computed against them (pure logic).
 *
 * Methods (domain-facts.md §2a), named by the connections the result includes:
 *   LC_REF_1_JUMPER  both link-end connections: TIA-526-14 Method B, TIA-526-7 A.1, IEC 61280-4-1 Method 2
 *                    (the default: what the standards specify for premises links)
 *   LC_REF_2_JUMPER  one connection: Method A / A.2 / Method 1
 *   LC_REF_3_JUMPER  none: Method C / A.3 / Method 3
 * The method does not change the arithmetic (loss = reference power - measured power); it changes what the
 * budget must count, which lc_ref_method_connections() tells the limit computation.
 *
 * A reference holds one power per optical path (switch channel → cords → meter channel), because every
 * switch port has its own loss. It is stored with its wavelength, the time it was taken, the cords used and
 * a validity period; lc_reference_check() refuses an expired one or one for another wavelength.
 *
 * Negative loss means the reference drifted (domain-facts §2a, [FLUKE-TRC]): it is never a pass. A loss
 * below -negative_tolerance_db is judged LC_VERDICT_ERROR with `rereference` set.
 *
 * Thread safety: plain data and reentrant functions.
 */
#ifndef LC_INSTRUMENTS_MEASURE_REFERENCE_H
#define LC_INSTRUMENTS_MEASURE_REFERENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fixtures/limits.h"
#include "fixtures/verdict.h"
#include "base/error.h"

enum lc_ref_method {
	LC_REF_1_JUMPER = 1,
	LC_REF_2_JUMPER = 2,
	LC_REF_3_JUMPER = 3,
};

/* "1-jumper", "2-jumper", "3-jumper". */
const char *lc_ref_method_name(enum lc_ref_method m);
/* The standards' names: "TIA-526-14 Method B / TIA-526-7 Method A.1 / IEC 61280-4-1 Method 2", ... */
const char *lc_ref_method_standard(enum lc_ref_method m);
/* Parse "1-jumper", "1", "one-cord", "B" (TIA-526-14), "method-2" (IEC) ... Returns the method or LC_ERR_ARG. */
int lc_ref_method_parse(const char *s);
/* Link-end connections included in the measured loss: 2, 1 or 0 (LC_ERR_ARG for an unknown method). */
int lc_ref_method_connections(enum lc_ref_method m);

/* Dark, for the fiber map's default, a reference and a loss: a reading under LC_DARK_DBM, or (map and
 * reference) LC_DARK_RELATIVE_DB under the brightest of the same launch or of the same reference. Far under
 * every source a bench certifies with (a few dBm below 0 through reference cords) and over every meter's
 * floor (-52 dBm on a PM100 photodiode, -80 dBm on an N774x): a meter with nothing on its input reads its
 * floor, a finite number that is no measurement of light. */
#define LC_DARK_DBM (-50.0)
#define LC_DARK_RELATIVE_DB 20.0

#define LC_REF_MAX_PATHS 64
#define LC_REF_CORDS_MAX 128
#define LC_REF_INSTRUMENTS_MAX 512

typedef struct lc_reference {
	enum lc_ref_method method;
	double wavelength_nm;
	int64_t taken_unix;        /* wall clock, seconds since the epoch */
	int64_t valid_s;           /* how long it may be used; > 0 */
	char cords[LC_REF_CORDS_MAX]; /* the reference cords used, e.g. "TRC-SM-07,TRC-SM-08" */
	/* The instruments the light went through, "role=VENDOR MODEL #SERIAL" joined by "; " (since 0.1): a
	 * kept reference is reused only with the very same ones. Empty: not known (never reused). */
	char instruments[LC_REF_INSTRUMENTS_MAX];
	size_t n_paths;
	double ref_dbm[LC_REF_MAX_PATHS]; /* per path */
} lc_reference;

/* Usable now for this wavelength? LC_ERR_STATE "reference expired ..." / "taken at 1310 nm, not 1550",
 * LC_ERR_ARG for a malformed reference (no paths, non-finite power, valid_s <= 0). */
int lc_reference_check(const lc_reference *ref, double wavelength_nm, int64_t now_unix, lc_diag *diag);

/*
 * May the kept reference be reused for a measurement that would take want now? It must pass
 * lc_reference_check() for want's wavelength, with its validity cut to max_age_s (the station's limit
 * today, which may be shorter than when it was taken), and match want's method, cords, instruments and
 * number of paths. Returns 0, or LC_ERR_STATE with the reason in diag ("reference of ... expired ...",
 * "... taken with other instruments: ..."), LC_ERR_ARG for a malformed one. Since 0.1.
 */
int lc_reference_reusable(const lc_reference *kept, const lc_reference *want, int64_t max_age_s, int64_t now_unix,
			  lc_diag *diag);

typedef struct lc_loss {
	double dbm;          /* measured power, -INFINITY for no light */
	double loss_db;      /* reference - measured; +INFINITY for no light */
	bool dark;           /* no light arrived: an open or mis-routed fiber, judged as a fail of the cable */
	bool rereference;    /* negative loss: the reference drifted */
	enum lc_verdict verdict;
	double limit_db;     /* NAN when no limit was given */
	double margin_db;    /* limit - loss; NAN when no limit or no light */
	bool unconfirmed;    /* the limit row is UNCONFIRMED */
} lc_loss;

/*
 * loss = ref_dbm - dbm, judged against limit (a max row of fixtures/limits.h; NULL: not judged, verdict
 * NONE). Negative below -negative_tolerance_db: verdict ERROR, rereference. No light (-INFINITY, or a
 * reading under LC_DARK_DBM: a meter's floor, whose "loss" would be the floor's noise): verdict FAIL, dark,
 * loss +INFINITY, dbm the reading.
 * uncertainty_db > 0 makes |margin| < uncertainty inconclusive (lc_limit_check_u).
 */
int lc_loss_judge(double ref_dbm, double dbm, const lc_limit *limit, double negative_tolerance_db,
		  double uncertainty_db, lc_loss *out);

#endif
