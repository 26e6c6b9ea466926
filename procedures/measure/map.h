/*
 * Lane-to-port mapping (pure logic): infer the map from a matrix of readings taken while each input was lit
 * in turn, classify it against the MPO polarity types, and word its difference from the expected map.
 *
 * Indexes are 0-based. A map is an array over inputs: map[i] = the output where input i's light arrives,
 * LC_MAP_DARK when no output saw light above the dark threshold, LC_MAP_MULTI when several did.
 *
 * Wording (lc_map_describe), clauses joined by "; ":
 *   "as expected"
 *   "A:1 lands on B:1: Type A trunk where Type B expected"   the whole map is one polarity type, the
 *                                            expected another (first misplaced input named)
 *   "legs B2 and B3 swapped"                  two output groups (legs) exchanged as a whole
 *   "A:2 and A:3 swapped"                     two inputs exchanged
 *   "Tx1 lands on Tx3 instead of Rx1"         any other misplaced input
 *   "A:5 dark", "A:6 lights several ports"
 * Labels are the caller's (port names from the channel model, or "Tx1".."Rx8").
 *
 * Thread safety: reentrant.
 */
#ifndef LC_INSTRUMENTS_MEASURE_MAP_H
#define LC_INSTRUMENTS_MEASURE_MAP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define LC_MAP_DARK (-1)
#define LC_MAP_MULTI (-2)

/*
 * dbm[i * n_out + j] is output j's reading while input i was lit (-INFINITY for below range). An output is
 * lit when its reading is above dark_dbm. Writes map[0..n_in). Returns the number of inputs whose light
 * arrived at exactly one output.
 */
int lc_map_infer(const double *dbm, size_t n_in, size_t n_out, double dark_dbm, int *map);

/* 'A' (p → p), 'B' (p → n-1-p), 'C' (pairs flipped, n even) or 0 if the map is none of these (n_in must
 * equal n_out). */
char lc_map_polarity(const int *map, size_t n);

/* True if the maps are equal. */
bool lc_map_equal(const int *a, const int *b, size_t n);

typedef struct lc_map_labels {
	const char *const *in;     /* n_in labels */
	const char *const *out;    /* n_out labels */
	/* Optional legs: out_group[j] is output j's leg (0..n_groups-1), group[g] its label; NULL: no legs. */
	const int *out_group;
	const char *const *group;
	size_t n_groups;
	/* Optional (NULL: none): in_group[i] is input i's leg in the same group labels, -1 for none. Two inputs
	 * of legs already named as swapped are not worded again ("B1:tx and B2:tx swapped" after "legs B1 and
	 * B2 swapped"): a leg's transmit fibers travel with it. */
	const int *in_group;
} lc_map_labels;

/*
 * Word the difference of actual from expected (both over n_in inputs, outputs 0..n_out-1; an expected entry
 * may be LC_MAP_DARK: the design routes that input to none of these outputs) into buf.
 * Returns the number of differing inputs (0: "as expected"), LC_ERR_ARG for bad input (an output index out
 * of range, missing labels), LC_ERR_OVERFLOW if buf is too small (its content then ends in "...").
 */
int lc_map_describe(const int *actual, const int *expected, size_t n_in, size_t n_out, const lc_map_labels *labels,
		    char *buf, size_t cap);

#endif
