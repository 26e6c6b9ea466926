/*
 * Measurements driven through the class interfaces (never a model): power references, insertion loss,
 * lane-to-port mapping and return loss. The same code runs against real and simulated instruments.
 *
 * Wiring. A launch is where light enters the DUT (a source output, optionally through a switch); a detector
 * is where it is measured (a power-meter channel, optionally behind a switch). A path pairs one launch with
 * one detector — one fiber in one direction. The procedure builds these from the station file
 * (fixtures/station.h) and the channel's expected map (fixtures/channel.h); measuring "both directions" is
 * a second call with the launch and detector sides exchanged and its own reference.
 *
 * Errors versus verdicts. An instrument fault (timeout, instrument error, protocol) makes the function return
 * that negative LC_ERR_* with the detail in diag, and every result not measured stays LC_VERDICT_ERROR:
 * a station problem is never reported as a cable fail. A cable problem (too much loss, no light, wrong map,
 * low return loss) is a verdict in the results with return value 0. A reference problem (expired, other
 * wavelength, negative loss) returns LC_ERR_STATE with "re-reference" in the detail.
 *
 * Lasers. Every function that switches a source on switches every source it used off again on every exit
 * path (also after an error); a failure to switch off is reported if nothing failed before.
 *
 * Thread safety: the functions lock each instrument per operation (instrument.h); the caller holds
 * lc_instrument_lock() on shared switches/meters if another DUT slot could route them in between.
 */
#ifndef LC_INSTRUMENTS_MEASURE_OPTICAL_H
#define LC_INSTRUMENTS_MEASURE_OPTICAL_H

#include <stddef.h>
#include <stdint.h>

#include "fixtures/limits.h"
#include "instruments/instrument.h"
#include "procedures/measure/map.h"
#include "procedures/measure/reference.h"

typedef struct lc_launch {
	lc_instrument *source;
	int source_output;     /* 1-based */
	lc_instrument *sw;     /* NULL: source goes straight to the DUT */
	int sw_input, sw_output;
	const char *label;     /* "A:1" */
} lc_launch;

typedef struct lc_detector {
	lc_instrument *meter;
	int channel;           /* 1-based */
	lc_instrument *sw;     /* NULL: DUT port goes straight to the meter */
	int sw_input, sw_output; /* switch input (cabled to the meter) and output (cabled to the DUT port) */
	const char *label;     /* "B:16" */
} lc_detector;

typedef struct lc_optical_path {
	lc_launch launch;
	lc_detector detect;
	const char *label;     /* "A:1 -> B:16"; may be NULL */
} lc_optical_path;

typedef struct lc_il_opts {
	double wavelength_nm;
	double averaging_s;            /* > 0: set on every detector; 0: leave the meters as they are */
	double source_dbm;             /* finite: set on every source; NAN: leave */
	double negative_tolerance_db;  /* loss below -this asks for a re-reference; default 0 */
	double uncertainty_db;         /* |margin| below this is inconclusive; default 0 */
	const lc_limit *limit;         /* for every path (a max row), or NULL */
	const lc_limit *const *limits; /* per path, overriding `limit` where non-NULL; may be NULL */
	int64_t now_unix;              /* 0: the wall clock */
} lc_il_opts;

void lc_il_opts_init(lc_il_opts *o, double wavelength_nm);

/*
 * Take a reference over the reference cords only (no DUT): one power per path. method, cords and valid_s
 * are stored with it. Any path without light (dark as LC_DARK_DBM and LC_DARK_RELATIVE_DB say: a meter's
 * floor is a finite reading) fails with LC_ERR_STATE (a reference of nothing is refused).
 */
int lc_reference_take(const lc_optical_path *paths, size_t n, const lc_il_opts *opts, enum lc_ref_method method,
		      const char *cords, int64_t valid_s, lc_reference *out, lc_diag *diag);

/*
 * Insertion loss of each path at opts->wavelength_nm against ref (whose paths must be the same, in order).
 * results[0..n) are always written. Returns 0 when every path was measured (look at the verdicts),
 * LC_ERR_STATE when the reference is unusable (nothing measured) or a loss was negative (results written,
 * the negative ones ERROR with rereference), or the instrument error.
 */
int lc_il_measure(const lc_optical_path *paths, size_t n, const lc_reference *ref, const lc_il_opts *opts,
		  lc_loss *results, lc_diag *diag);

/*
 * Light each launch in turn and read every detector: matrix[i * n_det + j] in dBm, then infer map[0..n_in)
 * with dark_dbm as the threshold (lc_map_infer). Returns the number of launches that landed on exactly
 * one detector, or an instrument error.
 */
int lc_map_measure(const lc_launch *launches, size_t n_in, const lc_detector *dets, size_t n_det,
		   double wavelength_nm, double dark_dbm, double *matrix, int *map, lc_diag *diag);

typedef struct lc_rl_port {
	lc_instrument *meter;  /* an RL meter */
	int channel;
	lc_instrument *sw;     /* NULL: direct */
	int sw_input, sw_output;
	const char *label;     /* the connector: "A:1" */
} lc_rl_port;

typedef struct lc_rl_result {
	double rl_db;
	enum lc_verdict verdict; /* vs the min row; NONE without a limit; ERROR when not measured */
	double limit_db, margin_db;
	bool unconfirmed;
} lc_rl_result;

/* Return loss of each connector at wavelength_nm, judged against limit (a min row, may be NULL). */
int lc_rl_measure(const lc_rl_port *ports, size_t n, double wavelength_nm, const lc_limit *limit,
		  double uncertainty_db, lc_rl_result *results, lc_diag *diag);

#endif
