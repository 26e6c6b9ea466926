/*
 * BERT class: pattern generators (PPG) and error detectors (ED) grouped into lanes. Lane i (1-based) is
 * PPG output i and ED input i as the station file lists them (lc_instrument_opts.layout, see below); which
 * ED input really receives which PPG output through the cable is what lc_bert_map_lanes() finds out.
 *
 * Layout (station file, lc_instrument_opts.layout), comma-separated lanes in order, each "PPG>ED" in the
 * driver's addressing, plus optional key=value items:
 *     Anritsu MP1900A/MP1800A  "1.1.1>1.3.1,1.1.2>1.3.2"      unit.slot.port of the PPG and of the ED
 *     Keysight M8040A          "M1.DataOut1>M1.DataIn1,M1.DataOut2>M2.DataIn1,group=Lanes"
 * Without a layout the instrument attaches (for `lanecert probe`) with zero lanes, and lane operations
 * answer LC_ERR_STATE: no documented command lists which module ports form lanes.
 *
 * Units: bit rate in bit/s (per lane, NRZ or PAM4 alike). Counters are cumulative since lc_bert_start().
 * Output on/off is idempotent and safe in cleanup: it may be called in any state, twice, or after a failure.
 *
 * Snapshot keys added (lc_instrument_snapshot): "bert": {"lanes", "layout": [{"lane","ppg","ed"}],
 * "readings": [{"lane","sync","has_result","bits","errors","ber"}]} (readings as the counters stand now).
 *
 * Thread safety: each function takes the instrument lock for the whole operation (instrument.h).
 */
#ifndef LC_INSTRUMENTS_BERT_H
#define LC_INSTRUMENTS_BERT_H

#include <stdbool.h>
#include <stddef.h>

#include "instruments/bert/bert_reading.h"
#include "instruments/instrument.h"
#include "instruments/registry.h"

#define LC_BERT_LANES_MAX 16

enum lc_bert_pattern {
	LC_BERT_PRBS7 = 1,
	LC_BERT_PRBS9,
	LC_BERT_PRBS11,
	LC_BERT_PRBS13,
	LC_BERT_PRBS15,
	LC_BERT_PRBS23,
	LC_BERT_PRBS31,
	LC_BERT_PRBS13Q, /* PAM4, Gray-coded PRBS13 */
	LC_BERT_PRBS31Q, /* PAM4, Gray-coded PRBS31 */
	LC_BERT_SSPRQ,   /* PAM4 short stress pattern random quaternary */
};

/* "PRBS7" ... "SSPRQ"; NULL for an unknown value. */
const char *lc_bert_pattern_name(enum lc_bert_pattern p);
/* Parse a name (case-insensitive). Returns the pattern or LC_ERR_NOT_FOUND. */
int lc_bert_pattern_parse(const char *name);
bool lc_bert_pattern_is_pam4(enum lc_bert_pattern p);
/* PRBS register length (7 ... 31; 13 for PRBS13Q); 0 for SSPRQ. */
int lc_bert_pattern_prbs_order(enum lc_bert_pattern p);

enum lc_bert_side { LC_BERT_PPG = 1, LC_BERT_ED = 2, LC_BERT_BOTH = 3 };

typedef struct lc_bert_caps {
	unsigned lanes;          /* from the layout */
	bool per_lane_pattern;   /* patterns can differ per lane (else lane 0 = all lanes only) */
	bool per_lane_output;    /* outputs switch per lane (else lane 0 = all outputs only) */
	bool ppg_invert;         /* PPG polarity can be inverted */
	bool ed_invert;          /* ED polarity can be inverted */
	bool pam4;               /* PAM4 patterns are supported */
	bool reads_all_at_once;  /* one query reads every lane (Keysight group) */
} lc_bert_caps;

/* Driver operations. lane is 1..lanes or 0 for all lanes (checked by the wrappers). */
typedef struct lc_bert_ops {
	lc_class_ops base; /* base.cls = LC_CLASS_BERT, base.snapshot = lc_bert_snapshot */
	int (*caps)(lc_instrument *inst, lc_bert_caps *caps);
	/* Address of a lane's PPG or ED as the layout gave it ("1.1.2", "M1.DataOut2"). */
	const char *(*address)(lc_instrument *inst, enum lc_bert_side side, unsigned lane);
	int (*set_pattern)(lc_instrument *inst, enum lc_bert_side side, unsigned lane, enum lc_bert_pattern p,
			   bool invert, lc_diag *diag);
	int (*set_bit_rate)(lc_instrument *inst, double bit_rate, lc_diag *diag);
	int (*set_output)(lc_instrument *inst, unsigned lane, bool on, lc_diag *diag);
	/* Start / stop counting on every lane (untimed accumulation from zero). */
	int (*start)(lc_instrument *inst, lc_diag *diag);
	int (*stop)(lc_instrument *inst, lc_diag *diag);
	/* Counters of lanes[0..n-1] into out[0..n-1]. */
	int (*read)(lc_instrument *inst, const unsigned *lanes, size_t n, lc_bert_reading *out, lc_diag *diag);
} lc_bert_ops;

/* LC_ERR_UNSUPPORTED if inst is not a BERT. */
int lc_bert_caps_get(lc_instrument *inst, lc_bert_caps *caps, lc_diag *diag);
/* Pattern of one lane's PPG, ED or both (lane 0: all lanes). PAM4 patterns also set PAM4 line coding.
 * LC_ERR_UNSUPPORTED for what the model's documented command set cannot do (PAM4 on Anritsu, PPG invert). */
int lc_bert_set_pattern(lc_instrument *inst, enum lc_bert_side side, unsigned lane, enum lc_bert_pattern p,
			bool invert, lc_diag *diag);
/* Lane rate in bit/s (all lanes). */
int lc_bert_set_bit_rate(lc_instrument *inst, double bit_rate, lc_diag *diag);
/* Outputs on or off: lane 0 = all. Idempotent; safe in cleanup. */
int lc_bert_set_output(lc_instrument *inst, unsigned lane, bool on, lc_diag *diag);
int lc_bert_start(lc_instrument *inst, lc_diag *diag);
int lc_bert_stop(lc_instrument *inst, lc_diag *diag);
/* Read lanes[0..n-1] (each 1..lanes). Returns n. */
int lc_bert_read(lc_instrument *inst, const unsigned *lanes, size_t n, lc_bert_reading *out, lc_diag *diag);
/* Drain the instrument's error queue: LC_ERR_INSTRUMENT with the first entry as detail if it held any. */
int lc_bert_check_errors(lc_instrument *inst, lc_diag *diag);

/* The class's snapshot operation (drivers put it in base.snapshot). */
int lc_bert_snapshot(lc_instrument *inst, json_t *obj, lc_diag *diag);

/* ---- layout strings (shared by the drivers) ------------------------------------------------------ */

#define LC_BERT_ADDR_MAX 48

typedef struct lc_bert_layout {
	unsigned lanes;
	char ppg[LC_BERT_LANES_MAX][LC_BERT_ADDR_MAX];
	char ed[LC_BERT_LANES_MAX][LC_BERT_ADDR_MAX];
	char group[LC_BERT_ADDR_MAX]; /* "group=NAME": an identifier that reads every ED at once, "" if none */
} lc_bert_layout;

/* Parse a layout string (NULL or "" gives zero lanes). LC_ERR_ARG naming the bad item. */
int lc_bert_layout_parse(const char *s, lc_bert_layout *out, lc_diag *diag);

#endif
