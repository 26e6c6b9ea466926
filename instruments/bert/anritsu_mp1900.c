/*
 * Anritsu MP1900A / MP1800A signal quality analyzers: PPG and ED modules in a mainframe (instrument-dialects.md
 * §4.1). Every command is prefixed with the target's selection, chained in one message as the drivers cited
 * there do: ":UENT:ID u;:MOD:ID s;:PORT:ID p;<command>", so no state is left to other sessions between
 * commands. A lane's PPG and ED are "unit.slot.port" in the station file's layout (bert.h).
 *
 * Where the document is silent, the conservative choice (each marked UNCONFIRMED):
 *   - PAM4 patterns (PRBS13Q/31Q, SSPRQ) on MU196020A/MU196040A: syntax unknown -> LC_ERR_UNSUPPORTED.
 *   - PPG polarity: only the ED's :SENS:PATT:LOG is documented -> PPG invert is LC_ERR_UNSUPPORTED.
 *   - Outputs: only ":SOUR:OUTP:ASET" (all outputs) is documented -> no per-lane output switching; lane
 *     mapping uses patterns (lane_map.h).
 *   - ":CALC:DATA:MON? \"PSLoss\"" is documented to answer "Occur" during a sync loss; what it answers
 *     otherwise is not. "Occur" means no sync; "Not Occur"/"NotOccur"/"None"/"0" mean sync; any other answer
 *     is a protocol error, so an unknown firmware reply can never turn into a pass.
 *   - Counters are read in the UNTimed gating mode so they accumulate from :SENS:MEAS:STAR.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "instruments/bert/bert.h"
#include "hal/scpi_parse.h"
#include "instruments/bert/bert_priv.h"
#include "instruments/instrument_priv.h"

struct addr {
	unsigned unit, slot, port;
};

struct mp1900 {
	lc_bert_layout layout;
	struct addr ppg[LC_BERT_LANES_MAX], ed[LC_BERT_LANES_MAX];
};

static struct mp1900 *st(lc_instrument *inst)
{
	return inst->priv;
}

static int parse_addr(const char *s, struct addr *a, unsigned lane, const char *side, lc_diag *diag)
{
	char tail;
	if (sscanf(s, "%u.%u.%u%c", &a->unit, &a->slot, &a->port, &tail) != 3 || a->unit == 0 || a->slot == 0 ||
	    a->port == 0 || a->unit > 99 || a->slot > 99 || a->port > 99)
		return lc_diag_set(diag, LC_ERR_ARG, "Anritsu layout: lane %u %s '%s' is not unit.slot.port (1..99)",
				   lane, side, s);
	return 0;
}

#define SEL "UENT:ID %u;:MOD:ID %u;:PORT:ID %u;:"
#define SELA(a) (a).unit, (a).slot, (a).port

/* The module inventory answers "NONE" for an empty slot: catch a layout naming an empty slot at attach. */
static int check_slot(lc_instrument *inst, const struct addr *a, lc_diag *diag)
{
	char reply[128];
	int rc = lc_inst_query(inst, diag, reply, sizeof reply, ":UENT:ID %u;:SYST:MOD? %u", a->unit, a->slot);
	if (rc < 0)
		return rc;
	char t[128];
	lc_bert_unquote(reply, t, sizeof t);
	if (strcasecmp(t, "NONE") == 0 || t[0] == '\0')
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "Anritsu: unit %u slot %u is empty (:SYST:MOD? says '%s')",
				   a->unit, a->slot, t);
	return 0;
}

/* What one unit holds slot by slot (:SYST:MOD? <n> -> "MU181000A, 1", "NONE" when empty: instrument-dialects.md
 * §4.1), appended to out[*n]. */
static int list_unit(lc_instrument *inst, unsigned unit, lc_inst_module *out, size_t cap, int *n, lc_diag *diag)
{
	for (int slot = inst->quirks.min_slot; slot <= inst->quirks.max_slot; slot++) {
		char reply[128], t[128];
		int rc = lc_inst_query(inst, diag, reply, sizeof reply, ":UENT:ID %u;:SYST:MOD? %d", unit, slot);
		if (rc < 0)
			return rc;
		lc_bert_unquote(reply, t, sizeof t);
		if (strcasecmp(t, "NONE") == 0 || t[0] == '\0')
			continue;
		if ((size_t)*n == cap)
			return lc_diag_set(diag, LC_ERR_OVERFLOW, "more than %zu modules", cap);
		lc_inst_module *m = &out[(*n)++];
		memset(m, 0, sizeof *m);
		m->unit = unit;
		m->slot = (unsigned)slot;
		size_t len = strcspn(t, ",");
		snprintf(m->model, sizeof m->model, "%.*s", (int)len, t);
		const char *rest = t + len + (t[len] == ',');
		while (*rest == ' ')
			rest++;
		snprintf(m->detail, sizeof m->detail, "%s", rest);
	}
	return 0;
}

/* Read back an ":UENT:ID" selection: a unit number 1..99 or a protocol error. */
static int read_unit(lc_instrument *inst, const char *cmd, unsigned *unit, lc_diag *diag)
{
	char reply[64];
	int rc = lc_inst_query(inst, diag, reply, sizeof reply, "%s", cmd);
	if (rc < 0)
		return rc;
	char *end;
	long v = strtol(reply, &end, 10);
	while (*end == ' ')
		end++;
	if (end == reply || *end || v < 1 || v > 99)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "Anritsu: '%s' answered '%s', not a unit number", cmd, reply);
	*unit = (unsigned)v;
	return 0;
}

/*
 * No unit count is documented (§4.1 gives only :UENT:ID to select one), so chained units are asked in turn,
 * each selected with ":UENT:ID n;:UENT:ID?", until the instrument refuses one (the session names a refusal at
 * once, hal/scpi_refusal.c: LC_ERR_INSTRUMENT). At most this many: a cap of ours, not from the reference.
 */
#define UNITS_CAP 8

/*
 * Without a layout, what each unit holds. probe only reads: the selected unit is read first (":UENT:ID?",
 * which a public driver reads back) and selected again at the end, also after a failure. An instrument that
 * refuses ":UENT:ID?" is asked about unit 1 only and left with unit 1 selected, as before: what it had
 * selected cannot be known, so no other unit is selected. Which module is a PPG and which an ED, and what the
 * reply's second field counts, the document does not say, so no layout is suggested.
 */
static int mp1900_inventory(lc_instrument *inst, lc_inst_module *out, size_t cap, lc_diag *diag)
{
	unsigned selected = 0;
	lc_diag qd;
	lc_diag_clear(&qd);
	inst->inventory_note[0] = '\0';
	int rc = read_unit(inst, ":UENT:ID?", &selected, &qd);
	if (rc < 0 && rc != LC_ERR_INSTRUMENT)
		return lc_diag_set(diag, rc, "%s", lc_diag_message(&qd));
	if (rc < 0)
		snprintf(inst->inventory_note, sizeof inst->inventory_note,
			 "unit 1 only: the instrument refused ':UENT:ID?', so the unit it had selected could not be put "
			 "back after selecting units 2 and up");
	int n = 0;
	rc = list_unit(inst, 1, out, cap, &n, diag);
	for (unsigned unit = 2; rc == 0 && selected && unit <= UNITS_CAP; unit++) {
		char cmd[48];
		unsigned got = 0;
		lc_diag ud;
		lc_diag_clear(&ud);
		snprintf(cmd, sizeof cmd, ":UENT:ID %u;:UENT:ID?", unit);
		rc = read_unit(inst, cmd, &got, &ud);
		/* No such unit: the chain ends here. Refused at once, or, since an out-of-range unit is an execution
		 * error (-2xx) after which IEEE 488.2 lets the rest of the message run, read back as still the
		 * unit selected before: the selection was not taken. */
		if (rc == LC_ERR_INSTRUMENT || (rc == 0 && got != unit)) {
			rc = 0;
			break;
		}
		if (rc < 0) {
			lc_diag_set(diag, rc, "%s", lc_diag_message(&ud));
			break;
		}
		rc = list_unit(inst, unit, out, cap, &n, diag);
	}
	if (selected) {
		lc_diag wd;
		lc_diag_clear(&wd);
		int wrc = lc_inst_write(inst, &wd, ":UENT:ID %u", selected);
		if (wrc < 0 && rc == 0)
			rc = lc_diag_set(diag, wrc, "putting back unit %u's selection: %s", selected, lc_diag_message(&wd));
	}
	return rc < 0 ? rc : n;
}

/* The layout's lanes and their unit.slot.port addresses (what the text alone can tell). */
static int parse_layout(const char *text, struct mp1900 *s, lc_diag *diag)
{
	int rc = lc_bert_layout_parse(text, &s->layout, diag);
	for (unsigned i = 0; rc == 0 && i < s->layout.lanes; i++) {
		if ((rc = parse_addr(s->layout.ppg[i], &s->ppg[i], i + 1, "PPG", diag)) == 0)
			rc = parse_addr(s->layout.ed[i], &s->ed[i], i + 1, "ED", diag);
	}
	if (rc == 0 && s->layout.group[0])
		rc = lc_diag_set(diag, LC_ERR_ARG, "Anritsu layout: no group reads on this model (group=%s)",
				 s->layout.group);
	return rc;
}

static int mp1900_check_layout(const char *layout, lc_diag *diag)
{
	struct mp1900 *s = calloc(1, sizeof *s);
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = parse_layout(layout, s, diag);
	free(s);
	return rc;
}

static int mp1900_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	struct mp1900 *s = calloc(1, sizeof *s);
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = parse_layout(opts ? opts->layout : NULL, s, diag);
	inst->priv = s;
	for (unsigned i = 0; rc == 0 && i < s->layout.lanes; i++)
		if ((rc = check_slot(inst, &s->ppg[i], diag)) == 0)
			rc = check_slot(inst, &s->ed[i], diag);
	if (rc < 0) {
		free(s);
		inst->priv = NULL;
	}
	return rc;
}

static void mp1900_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static int mp1900_caps(lc_instrument *inst, lc_bert_caps *c)
{
	*c = (lc_bert_caps){
		.lanes = st(inst)->layout.lanes,
		.per_lane_pattern = true,
		.ed_invert = true,
	};
	return 0;
}

static const char *mp1900_address(lc_instrument *inst, enum lc_bert_side side, unsigned lane)
{
	struct mp1900 *s = st(inst);
	if (lane == 0 || lane > s->layout.lanes)
		return "";
	return side == LC_BERT_ED ? s->layout.ed[lane - 1] : s->layout.ppg[lane - 1];
}

static int pattern_one(lc_instrument *inst, enum lc_bert_side side, unsigned lane, int order, bool invert,
		       lc_diag *diag)
{
	struct mp1900 *s = st(inst);
	int rc = 0;
	if (side & LC_BERT_PPG) {
		struct addr a = s->ppg[lane - 1];
		if ((rc = lc_inst_write(inst, diag, ":" SEL "SOUR:PATT:TYPE PRBS", SELA(a))) < 0 ||
		    (rc = lc_inst_write(inst, diag, ":" SEL "SOUR:PATT:PRBS:LENG %d", SELA(a), order)) < 0)
			return rc;
	}
	if (side & LC_BERT_ED) {
		struct addr a = s->ed[lane - 1];
		if ((rc = lc_inst_write(inst, diag, ":" SEL "SENS:PATT:TYPE PRBS", SELA(a))) < 0 ||
		    (rc = lc_inst_write(inst, diag, ":" SEL "SENS:PATT:PRBS:LENG %d", SELA(a), order)) < 0 ||
		    (rc = lc_inst_write(inst, diag, ":" SEL "SENS:PATT:LOG %s", SELA(a), invert ? "NEG" : "POS")) < 0)
			return rc;
	}
	return 0;
}

static int mp1900_set_pattern(lc_instrument *inst, enum lc_bert_side side, unsigned lane, enum lc_bert_pattern p,
			      bool invert, lc_diag *diag)
{
	if (lc_bert_pattern_is_pam4(p))
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED,
				   "Anritsu: %s needs the PAM4 pattern syntax, which is UNCONFIRMED for this model",
				   lc_bert_pattern_name(p));
	if (invert && (side & LC_BERT_PPG))
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "Anritsu: PPG polarity inversion is not documented");
	int order = lc_bert_pattern_prbs_order(p);
	unsigned first = lane ? lane : 1, last = lane ? lane : st(inst)->layout.lanes;
	for (unsigned l = first; l <= last; l++) {
		int rc = pattern_one(inst, side, l, order, invert, diag);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int mp1900_set_bit_rate(lc_instrument *inst, double bit_rate, lc_diag *diag)
{
	struct mp1900 *s = st(inst);
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		/* :OUTP:DATA:BITR takes Gb/s */
		int rc = lc_inst_write(inst, diag, ":" SEL "OUTP:DATA:BITR %.10g", SELA(s->ppg[i]), bit_rate / 1e9);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int mp1900_set_output(lc_instrument *inst, unsigned lane, bool on, lc_diag *diag)
{
	if (lane != 0)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED,
				   "Anritsu: only all outputs switch together (:SOUR:OUTP:ASET); lane %u alone cannot", lane);
	struct mp1900 *s = st(inst);
	/* Once per PPG module; repeating it is harmless, and every module is tried even after a failure so
	 * that a cleanup switches off what it can. */
	int first_rc = 0;
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		bool seen = false;
		for (unsigned j = 0; j < i; j++)
			seen |= s->ppg[j].unit == s->ppg[i].unit && s->ppg[j].slot == s->ppg[i].slot;
		if (seen)
			continue;
		int rc = lc_inst_write(inst, first_rc ? NULL : diag, ":" SEL "SOUR:OUTP:ASET %s", SELA(s->ppg[i]),
				     on ? "ON" : "OFF");
		if (rc < 0 && first_rc == 0)
			first_rc = rc;
	}
	return first_rc;
}

static int mp1900_start(lc_instrument *inst, lc_diag *diag)
{
	struct mp1900 *s = st(inst);
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		int rc;
		if ((rc = lc_inst_write(inst, diag, ":" SEL "SENS:MEAS:EAL:MODE UNT", SELA(s->ed[i]))) < 0 ||
		    (rc = lc_inst_write(inst, diag, ":" SEL "SENS:MEAS:STAR", SELA(s->ed[i]))) < 0)
			return rc;
	}
	return 0;
}

static int mp1900_stop(lc_instrument *inst, lc_diag *diag)
{
	struct mp1900 *s = st(inst);
	int first_rc = 0;
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		int rc = lc_inst_write(inst, first_rc ? NULL : diag, ":" SEL "SENS:MEAS:STOP", SELA(s->ed[i]));
		if (rc < 0 && first_rc == 0)
			first_rc = rc;
	}
	return first_rc;
}

static int parse_count(const char *unit, const char *item, uint64_t *v, lc_diag *diag)
{
	int rc = lc_bert_parse_count(unit, v, diag);
	if (rc < 0)
		lc_diag_prefix(diag, "Anritsu %s: ", item);
	return rc;
}

/* ":SENS:MEAS:EAL:ELAP?" answers "d,h,m,s". */
static int parse_elapsed(const char *unit, double *sec, lc_diag *diag)
{
	char t[96];
	lc_bert_unquote(unit, t, sizeof t);
	/* four IEEE 488.2 numbers (sscanf's %lf would also take "nan", "inf" or hex from a garbled reply) */
	double f[4];
	const char *p = t;
	for (int i = 0; i < 4; i++) {
		size_t n = i < 3 ? strcspn(p, ",") : strlen(p);
		lc_diag ignored;
		if ((i < 3 && p[n] != ',') || lc_scpi_parse_double(p, n, &f[i], &ignored) < 0 || !isfinite(f[i]) ||
		    f[i] < 0)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "Anritsu :SENS:MEAS:EAL:ELAP?: '%.40s' is not d,h,m,s",
					   t);
		p += n + (i < 3);
	}
	*sec = ((f[0] * 24.0 + f[1]) * 60.0 + f[2]) * 60.0 + f[3];
	return 0;
}

static int parse_sync(const char *unit, bool *sync, lc_diag *diag)
{
	char t[96];
	lc_bert_unquote(unit, t, sizeof t);
	if (strcasecmp(t, "Occur") == 0)
		*sync = false;
	else if (strcasecmp(t, "Not Occur") == 0 || strcasecmp(t, "NotOccur") == 0 || strcasecmp(t, "None") == 0 ||
		 strcmp(t, "0") == 0)
		*sync = true;
	else
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "Anritsu :CALC:DATA:MON? \"PSLoss\": unknown answer '%.40s'", t);
	return 0;
}

/*
 * One lane's reading is one program message of several queries (IEEE 488.2 compound query; the document
 * shows commands chained with ';' for this family, several queries in one message are UNCONFIRMED on it):
 * the elapsed time, the counters, the sync monitor and the elapsed time again. The ED updates its counters
 * while the measurement runs; the instrument answers one message in far less than an update period, so a
 * set read in one message is consistent, however long the link or the host takes between messages (read
 * as separate messages with an error-queue check after each, the set spanned 14 round trips). The elapsed
 * time before and after still catches an update inside the message (UNCONFIRMED: that results update with
 * the elapsed time's seconds); the set is then read again.
 */
#define READ_ATTEMPTS 5
#define N_UNITS 7

static const char *const set_items[N_UNITS] = {
	"elapsed", "CURRent:CC:TOTal", "CURRent:EC:TOTal", "CURRent:ER:TOTal", "CURRent:AINTerval:PSLoss",
	"PSLoss", "elapsed"};

/* Split a response message into its units at the ';' outside double quotes (in place): how many, at most
 * max; one more than max when there are more. */
static int split_units(char *s, char **unit, int max)
{
	int n = 0;
	bool quoted = false;
	unit[n++] = s;
	for (char *p = s; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (*p == ';' && !quoted) {
			*p = '\0';
			if (n == max)
				return max + 1;
			unit[n++] = p + 1;
		}
	}
	return n;
}

static int read_once(lc_instrument *inst, const struct addr *a, lc_bert_reading *r, double *before, double *after,
		     lc_diag *diag)
{
	memset(r, 0, sizeof *r);
	/* bits before errors: should an update still fall between the two, the errors are the newer count,
	 * which errs towards a higher BER, never towards a pass */
	char reply[512];
	int rc = lc_inst_query(inst, diag, reply, sizeof reply,
			       ":" SEL "SENS:MEAS:EAL:ELAP?;:CALC:DATA:EAL? \"%s\";:CALC:DATA:EAL? \"%s\";"
			       ":CALC:DATA:EAL? \"%s\";:CALC:DATA:EAL? \"%s\";:CALC:DATA:MON? \"%s\";:SENS:MEAS:EAL:ELAP?",
			       SELA(*a), set_items[1], set_items[2], set_items[3], set_items[4], set_items[5]);
	if (rc < 0)
		return rc;
	char *u[N_UNITS];
	int n = split_units(reply, u, N_UNITS);
	if (n != N_UNITS) /* a short reply is an error, never a partial reading */
		return lc_diag_set(diag, n < N_UNITS ? LC_ERR_TRUNCATED : LC_ERR_PROTOCOL,
				   "Anritsu ED %u.%u.%u: %s%d answers to the %d queries of a reading", a->unit, a->slot,
				   a->port, n > N_UNITS ? "more than " : "", n > N_UNITS ? N_UNITS : n, N_UNITS);
	uint64_t loss_intervals = 0;
	if ((rc = parse_elapsed(u[0], before, diag)) < 0)
		return rc;
	int kb = parse_count(u[1], set_items[1], &r->bits, diag);
	if (kb < 0)
		return kb;
	int ke = parse_count(u[2], set_items[2], &r->errors, diag);
	if (ke < 0)
		return ke;
	if ((rc = lc_bert_parse_ratio(u[3], &r->ber, diag)) < 0) {
		lc_diag_prefix(diag, "Anritsu %s: ", set_items[3]);
		return rc;
	}
	int kl = parse_count(u[4], set_items[4], &loss_intervals, diag);
	if (kl < 0)
		return kl;
	if ((rc = parse_sync(u[5], &r->sync, diag)) < 0 || (rc = parse_elapsed(u[6], after, diag)) < 0)
		return rc;
	r->overflow = kb == LC_BERT_COUNT_OVERFLOW || ke == LC_BERT_COUNT_OVERFLOW || kl == LC_BERT_COUNT_OVERFLOW;
	r->has_result = kb == LC_BERT_COUNT_VALUE && ke == LC_BERT_COUNT_VALUE;
	r->sync_loss_seen = kl == LC_BERT_COUNT_VALUE && loss_intervals > 0;
	return 0;
}

static int read_lane(lc_instrument *inst, const struct addr *a, lc_bert_reading *r, lc_diag *diag)
{
	for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
		double before, after;
		int rc = read_once(inst, a, r, &before, &after, diag);
		if (rc < 0)
			return rc;
		if (before == after) {
			r->elapsed_s = after;
			return 0;
		}
	}
	return lc_diag_set(diag, LC_ERR_PROTOCOL,
			   "Anritsu ED %u.%u.%u: counters changed during %d reads in a row (elapsed time kept moving)",
			   a->unit, a->slot, a->port, READ_ATTEMPTS);
}

/* Serial access, as the document describes for this family: one ED after the other. */
static int mp1900_read(lc_instrument *inst, const unsigned *lanes, size_t n, lc_bert_reading *out, lc_diag *diag)
{
	struct mp1900 *s = st(inst);
	for (size_t i = 0; i < n; i++) {
		int rc = read_lane(inst, &s->ed[lanes[i] - 1], &out[i], diag);
		if (rc < 0) {
			lc_diag_prefix(diag, "lane %u: ", lanes[i]);
			return rc;
		}
	}
	return 0;
}

static const lc_bert_ops mp1900_bert = {
	.base = {LC_CLASS_BERT, lc_bert_snapshot},
	.caps = mp1900_caps,
	.address = mp1900_address,
	.set_pattern = mp1900_set_pattern,
	.set_bit_rate = mp1900_set_bit_rate,
	.set_output = mp1900_set_output,
	.start = mp1900_start,
	.stop = mp1900_stop,
	.read = mp1900_read,
};

static const lc_class_ops *const mp1900_classes[] = {&mp1900_bert.base, NULL};

/* No lc_driver.required / features: every command selects a unit, module and port of the layout first
 * (instrument-dialects.md §4.1), so attach checks each slot of the layout itself (check_slot), and without a
 * layout the inventory's refusal is what probe reports (with the --layout to give). */
const lc_driver lc_driver_anritsu_mp1900 = {
	.name = "anritsu_mp1900",
	.description = "Anritsu MP1900A/MP1800A signal quality analyzer (PPG/ED modules)",
	.classes = mp1900_classes,
	.attach = mp1900_attach,
	.detach = mp1900_detach,
	.check_layout = mp1900_check_layout,
	.inventory = mp1900_inventory,
	.layout_example = "1.1.1>1.3.1,1.1.2>1.3.2", /* PPG>ED per lane, as unit.slot.port */
};
