/*
 * Lane mapping by BERT, for cables whose light cannot be switched (AOCs, breakouts with modules): which ED
 * lane receives which PPG lane, and a readable difference from the expected map ("lanes 2 and 3 swapped").
 *
 * Method: one round per PPG lane. In round i, PPG lane i is made distinguishable and every ED lane is asked
 * whether it synchronizes to it:
 *   LC_LANE_MAP_BY_PATTERN  PPG lane i sends the marker pattern, the others another pattern; every ED expects
 *                           the marker (for models whose outputs cannot be switched per lane: Anritsu);
 *   LC_LANE_MAP_BY_ENABLE   only PPG lane i's output is on, all send the marker (Keysight M8040A).
 * The observation sync[i][j] (ED lane j synchronized in round i) gives the map: one ED lane per round is
 * a lane; none is a dark lane; several, or one ED lane in several rounds, is ambiguous (crosstalk, a
 * station fault) and is reported as such, never guessed.
 *
 * Lanes are 0-based in the arrays and 1-based in every text, as people count them.
 *
 * Thread safety: the pure functions are reentrant; lc_bert_map_lanes() holds the instrument lock for the
 * whole mapping so no other slot changes patterns or outputs between rounds.
 */
#ifndef LC_BERT_LANE_MAP_H
#define LC_BERT_LANE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "instruments/bert/bert.h"

#define LC_LANE_DARK (-1)      /* no ED lane received this PPG lane */
#define LC_LANE_AMBIGUOUS (-2) /* several ED lanes, or an ED lane claimed by several PPG lanes */

typedef struct lc_lane_obs {
	unsigned n_ppg, n_ed;
	bool sync[LC_BERT_LANES_MAX][LC_BERT_LANES_MAX]; /* [round = PPG lane][ED lane] */
} lc_lane_obs;

/* map[i] (i < n_ppg) = the ED lane (0-based) that PPG lane i arrives at, LC_LANE_DARK or LC_LANE_AMBIGUOUS.
 * Returns the number of lanes that are not a clean one-to-one match (0: a complete map). */
int lc_lane_map_infer(const lc_lane_obs *obs, int *map, lc_diag *diag);

enum lc_lane_diff_kind {
	LC_LANE_DIFF_SWAP = 1, /* lanes a and b swapped */
	LC_LANE_DIFF_MOVED,    /* lane a arrives at ED lane got, expected ED lane want */
	LC_LANE_DIFF_DARK,     /* lane a not received */
	LC_LANE_DIFF_AMBIGUOUS,/* lane a received ambiguously */
};

typedef struct lc_lane_diff {
	enum lc_lane_diff_kind kind;
	int a, b;      /* PPG lanes, 0-based (b only for a swap) */
	int got, want; /* ED lanes, 0-based (MOVED) */
} lc_lane_diff;

/*
 * Compare a measured map with the expected one (both n entries, ED lanes 0-based). Fills up to cap items
 * (items may be NULL) and a text such as "lanes 2 and 3 swapped; lane 5 not received" ("as expected" when
 * they agree; truncated with "..." if buf is short). Returns the number of differences.
 */
int lc_lane_map_diff(const int *expected, const int *actual, unsigned n, lc_lane_diff *items, size_t cap,
		     char *buf, size_t buf_cap);

enum lc_lane_map_method { LC_LANE_MAP_BY_PATTERN = 1, LC_LANE_MAP_BY_ENABLE = 2 };

typedef struct lc_lane_map_config {
	enum lc_lane_map_method method;
	enum lc_bert_pattern marker; /* default PRBS31 */
	enum lc_bert_pattern other;  /* BY_PATTERN: what the other lanes send; default PRBS23 */
	/* Longest wall time for the EDs to synchronize in a round; default 500 (the dialect reference's
	 * 0.2-1 s between auto-adjust steps [S23]). A round ends sooner, as soon as exactly one ED lane reports
	 * sync (the EDs are read every 10 ms meanwhile). */
	int settle_ms;
	void (*sleep_ms)(void *user, int64_t ms); /* how to wait between reads; NULL: lc_wait_ms */
	void *user;
} lc_lane_map_config;

void lc_lane_map_config_init(lc_lane_map_config *cfg);

/* Run the rounds on a BERT (rate set, outputs as the method leaves them: BY_PATTERN turns all outputs on,
 * BY_ENABLE leaves them all off), fill obs and map. Returns what lc_lane_map_infer returns, or an error. */
int lc_bert_map_lanes(lc_instrument *inst, const lc_lane_map_config *cfg, lc_lane_obs *obs, int *map,
		      lc_diag *diag);

#endif
