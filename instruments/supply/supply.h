/*
 * Programmable DC power supply class (LC_CLASS_SUPPLY): the bench supply that feeds a module's 3.3 V rail on
 * its host compliance board, read so that the power a module draws is measured by an instrument (a CMIS
 * module reports its temperature and Vcc, not its own supply current).
 *
 * Outputs are numbered 1..outputs as the instrument numbers them (E3631A: 1 = +6V, 2 = +25V, 3 = -25V;
 * E364xA: 1, 2). Readings are the instrument's own measurement at its output: volts and amps, never the
 * programmed setting. lanecert only reads: it never programs a level and never switches an output (a bench
 * may power its boards itself), so no operation here changes the supply.
 *
 * Which output feeds which module is the station's business, in the supply's "layout" (fixtures/station.h):
 *     "1:A,2:B"         output 1 feeds the module of end A, output 2 the module of end B
 *     "1:A,2:B1,3:B2"   one output per leg of a breakout
 * lc_supply_layout_parse() reads it; the driver's check_layout refuses a bad one before anything opens.
 *
 * Snapshot keys added (lc_instrument_snapshot): "supply_outputs": [{"output", "on", "volts", "amps", "watts"}].
 *
 * Thread safety: each function takes the instrument lock for the whole operation (instrument.h).
 */
#ifndef LC_INSTRUMENTS_SUPPLY_H
#define LC_INSTRUMENTS_SUPPLY_H

#include <stdbool.h>
#include <stddef.h>

#include "instruments/instrument.h"
#include "instruments/registry.h"

#define LC_SUPPLY_OUTPUTS_MAX 8
#define LC_SUPPLY_FEED_NAME_MAX 16

typedef struct lc_supply_caps {
	int outputs;
} lc_supply_caps;

/* Driver operations. out is 1..outputs (checked by the wrappers before the driver sees it). */
typedef struct lc_supply_ops {
	lc_class_ops base; /* base.cls = LC_CLASS_SUPPLY, base.snapshot = lc_supply_snapshot */
	int (*caps)(lc_instrument *inst, lc_supply_caps *caps);
	/* The voltage and current the instrument measures at output `out` now. */
	int (*measure)(lc_instrument *inst, int out, double *volts, double *amps, lc_diag *diag);
	/* Whether output `out` is on (an instrument whose outputs switch together answers for all of them). */
	int (*output_on)(lc_instrument *inst, int out, bool *on, lc_diag *diag);
} lc_supply_ops;

/* One "output:end" pair of a station layout. */
typedef struct lc_supply_feed {
	int output;
	char end[LC_SUPPLY_FEED_NAME_MAX]; /* "A", "B", "B3": a leg label as the cable type names it */
} lc_supply_feed;

/*
 * Parse a supply layout ("1:A,2:B"): up to cap pairs into feeds, in the layout's order. An output is
 * 1..LC_SUPPLY_OUTPUTS_MAX and appears once; an end is a non-empty label of letters and digits, fed once.
 *
 * Returns: the number of pairs (>= 1); LC_ERR_ARG (diag names the bad part) for NULL, an empty layout, a bad
 * pair, a repeated output or end, or more than cap pairs.
 */
int lc_supply_layout_parse(const char *layout, lc_supply_feed *feeds, size_t cap, lc_diag *diag);

/* LC_ERR_UNSUPPORTED if inst is not a supply; LC_ERR_ARG for a NULL argument or an output out of range. */
int lc_supply_caps_get(lc_instrument *inst, lc_supply_caps *caps, lc_diag *diag);
int lc_supply_measure(lc_instrument *inst, int out, double *volts, double *amps, lc_diag *diag);
int lc_supply_output_on(lc_instrument *inst, int out, bool *on, lc_diag *diag);

/* The class's snapshot operation (drivers put it in base.snapshot). */
int lc_supply_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

#endif
