/*
 * Keysight M8040A high-performance BERT under the M8070B system software (instrument-dialects.md §4.2).
 * Identifiers are quoted module.port strings ('M1.DataOut1', 'M2.DataIn1', 'M1.ClkGen', 'M1.System'); a group
 * identifier ('Lanes') reads every input in one :FETC:BCO? whose reply concatenates one tuple per input.
 *
 * Where the document is silent, the conservative choice (UNCONFIRMED, check on the instrument):
 *   - Order of the four counts after the location in a :FETC:BCO? tuple. The documented example
 *     (1.2222e10, 1.112345e10, 5.1e1, 7.2e2) has a third count below the fourth, so they cannot be
 *     "errored bits, errored ones"; they are read as compared ones, compared zeros, errored ones, errored
 *     zeros, and bits = ones + zeros, errors = errored ones + errored zeros.
 *   - No command to start or reset the counters is documented: start records a baseline reading (after
 *     checking :STAT:INST:RUN? says the analyzer runs) and readings are differences from it, with the
 *     elapsed time from the tuple's time stamp. A count below its baseline (counters reset) is reported as
 *     an overflow, so the BER step ends in error rather than judging a restarted count.
 *   - No sync status is documented: a lane is taken as synchronized only once it has compared bits of which
 *     at most a quarter are errored (an unsynchronized detector compares random data: ratio ~0.5); a lane
 *     with no compared bits has no result and no sync.
 *   - Patterns are set per sequence ("Generator", "Analyzer"): one pattern for all lanes; no polarity
 *     inversion and no SSPRQ are documented -> LC_ERR_UNSUPPORTED. PAM4 patterns set PAM4 line coding with
 *     Gray mapping on every generator output, one compound write per module as the document asks.
 *   - Bit rate: :SOUR:FREQ sets the clock = symbol rate, so a PAM4 lane's bit rate is twice it.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "instruments/bert/bert.h"
#include "instruments/bert/bert_priv.h"
#include "instruments/instrument_priv.h"

struct base {
	double t0;
	uint64_t bits0, errors0;
};

struct m8040a {
	lc_bert_layout layout;
	bool pam4;
	bool started;
	struct base base[LC_BERT_LANES_MAX];
};

static struct m8040a *st(lc_instrument *inst)
{
	return inst->priv;
}

/* "M1" of "M1.DataOut1" into buf. */
static void module_of(const char *id, char *buf, size_t cap)
{
	size_t n = strcspn(id, ".");
	if (n >= cap)
		n = cap - 1;
	memcpy(buf, id, n);
	buf[n] = '\0';
}

static int parse_layout(const char *text, lc_bert_layout *l, lc_diag *diag)
{
	int rc = lc_bert_layout_parse(text, l, diag);
	for (unsigned i = 0; rc == 0 && i < l->lanes; i++)
		if (!strchr(l->ppg[i], '.') || !strchr(l->ed[i], '.'))
			rc = lc_diag_set(diag, LC_ERR_ARG, "Keysight layout: lane %u '%s>%s' is not Mn.Port>Mn.Port", i + 1,
					 l->ppg[i], l->ed[i]);
	return rc;
}

static int m8040a_check_layout(const char *layout, lc_diag *diag)
{
	lc_bert_layout *l = calloc(1, sizeof(*l));
	if (!l)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = parse_layout(layout, l, diag);
	free(l);
	return rc;
}

static int m8040a_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	struct m8040a *s = calloc(1, sizeof *s);
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = parse_layout(opts ? opts->layout : NULL, &s->layout, diag);
	if (rc < 0) {
		free(s);
		return rc;
	}
	inst->priv = s;
	return 0;
}

static void m8040a_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static int m8040a_caps(lc_instrument *inst, lc_bert_caps *c)
{
	*c = (lc_bert_caps){
		.lanes = st(inst)->layout.lanes,
		.per_lane_output = true,
		.pam4 = true,
		.reads_all_at_once = st(inst)->layout.group[0] != '\0',
	};
	return 0;
}

static const char *m8040a_address(lc_instrument *inst, enum lc_bert_side side, unsigned lane)
{
	struct m8040a *s = st(inst);
	if (lane == 0 || lane > s->layout.lanes)
		return "";
	return side == LC_BERT_ED ? s->layout.ed[lane - 1] : s->layout.ppg[lane - 1];
}

/* Index of the first lane whose PPG sits in the same module as lane i's (to visit each module once). */
static unsigned first_of_module(const struct m8040a *s, unsigned i)
{
	char a[LC_BERT_ADDR_MAX], b[LC_BERT_ADDR_MAX];
	module_of(s->layout.ppg[i], a, sizeof a);
	for (unsigned j = 0; j < i; j++) {
		module_of(s->layout.ppg[j], b, sizeof b);
		if (strcmp(a, b) == 0)
			return j;
	}
	return i;
}

/* The line coding of every generator output of a module in one compound write, as the document asks
 * ("set both generators in one compound write"); a write that would pass the driver helpers' 255-byte
 * command limit is split at an output boundary. */
static int line_coding(lc_instrument *inst, bool pam4, lc_diag *diag)
{
	struct m8040a *s = st(inst);
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		if (first_of_module(s, i) != i)
			continue;
		char mod[LC_BERT_ADDR_MAX], other[LC_BERT_ADDR_MAX], cmd[256] = "", item[160];
		size_t len = 0;
		int rc;
		module_of(s->layout.ppg[i], mod, sizeof mod);
		for (unsigned j = i; j < s->layout.lanes; j++) {
			module_of(s->layout.ppg[j], other, sizeof other);
			if (strcmp(mod, other) != 0)
				continue;
			int n = snprintf(item, sizeof item, ":DATA:LIN '%s',%s", s->layout.ppg[j], pam4 ? "PAM4" : "NRZ");
			if (pam4)
				n += snprintf(item + n, sizeof item - (size_t)n, ";:DATA:LIN:PAM4:MAPP '%s',GRAY",
					      s->layout.ppg[j]);
			if (len && len + 1 + (size_t)n >= sizeof cmd) {
				if ((rc = lc_inst_write(inst, diag, "%s", cmd)) < 0)
					return rc;
				len = 0;
			}
			len += (size_t)snprintf(cmd + len, sizeof cmd - len, "%s%s", len ? ";" : "", item);
		}
		if ((rc = lc_inst_write(inst, diag, "%s", cmd)) < 0)
			return rc;
	}
	return 0;
}

static int m8040a_set_pattern(lc_instrument *inst, enum lc_bert_side side, unsigned lane, enum lc_bert_pattern p,
			      bool invert, lc_diag *diag)
{
	if (lane != 0)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED,
				   "Keysight M8040A: one pattern for all lanes (\"Generator\"/\"Analyzer\"); lane %u alone cannot",
				   lane);
	if (invert)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "Keysight M8040A: polarity inversion is not documented");
	if (p == LC_BERT_SSPRQ)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "Keysight M8040A: SSPRQ selection is not documented");
	bool pam4 = lc_bert_pattern_is_pam4(p);
	int order = lc_bert_pattern_prbs_order(p), rc;
	if (side & LC_BERT_PPG) {
		if ((rc = line_coding(inst, pam4, diag)) < 0 ||
		    (rc = lc_inst_write(inst, diag, ":DATA:SEQ:SET \"Generator\",PRBS,\"2^%d-1\"", order)) < 0)
			return rc;
		st(inst)->pam4 = pam4;
	}
	if (side & LC_BERT_ED)
		if ((rc = lc_inst_write(inst, diag, ":DATA:SEQ:SET \"Analyzer\",PRBS,\"2^%d-1\"", order)) < 0)
			return rc;
	return 0;
}

static int m8040a_set_bit_rate(lc_instrument *inst, double bit_rate, lc_diag *diag)
{
	struct m8040a *s = st(inst);
	double symbol_rate = s->pam4 ? bit_rate / 2.0 : bit_rate;
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		if (first_of_module(s, i) != i)
			continue;
		char mod[LC_BERT_ADDR_MAX];
		module_of(s->layout.ppg[i], mod, sizeof mod);
		int rc = lc_inst_write(inst, diag, ":SOUR:FREQ '%s.ClkGen',%.10g", mod, symbol_rate);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int global(lc_instrument *inst, unsigned i, bool on, lc_diag *diag)
{
	char mod[LC_BERT_ADDR_MAX];
	module_of(st(inst)->layout.ppg[i], mod, sizeof mod);
	return lc_inst_write(inst, diag, ":OUTP:GLOB '%s.System',%s", mod, on ? "ON" : "OFF");
}

/* Off keeps going after a failure so that a cleanup switches off whatever it can; the first error is kept. */
static int m8040a_set_output(lc_instrument *inst, unsigned lane, bool on, lc_diag *diag)
{
	struct m8040a *s = st(inst);
	unsigned first = lane ? lane - 1 : 0, last = lane ? lane - 1 : s->layout.lanes - 1;
	int first_rc = 0, rc;
	for (unsigned i = first; on && i <= last; i++)
		if (first_of_module(s, i) == i || lane)
			if ((rc = global(inst, i, true, diag)) < 0)
				return rc;
	for (unsigned i = first; i <= last; i++) {
		rc = lc_inst_write(inst, first_rc ? NULL : diag, ":OUTP:STAT '%s',%d", s->layout.ppg[i], on ? 1 : 0);
		if (rc < 0) {
			if (on)
				return rc;
			if (first_rc == 0)
				first_rc = rc;
		}
	}
	for (unsigned i = first; !on && lane == 0 && i <= last; i++)
		if (first_of_module(s, i) == i && (rc = global(inst, i, false, first_rc ? NULL : diag)) < 0 && !first_rc)
			first_rc = rc;
	return first_rc;
}

/* ---- counters -------------------------------------------------------------------------------------- */

#define TOK_MAX 256

struct tok {
	const char *p;
	size_t len;
	bool str;
};

static int tokenize(const char *s, struct tok *t, size_t cap, lc_diag *diag)
{
	size_t n = 0;
	while (*s) {
		if (*s == '(' || *s == ')' || *s == ',' || isspace((unsigned char)*s)) {
			s++;
			continue;
		}
		if (n == cap)
			return lc_diag_set(diag, LC_ERR_OVERFLOW, "Keysight :FETC:BCO?: more than %zu fields", cap);
		if (*s == '"' || *s == '\'') {
			char q = *s++;
			const char *e = strchr(s, q);
			if (!e)
				return lc_diag_set(diag, LC_ERR_PROTOCOL, "Keysight :FETC:BCO?: unterminated string");
			t[n++] = (struct tok){s, (size_t)(e - s), true};
			s = e + 1;
		} else {
			size_t l = strcspn(s, "(),\"' \t\r\n");
			t[n++] = (struct tok){s, l, false};
			s += l;
		}
	}
	return (int)n;
}

static int tok_number(const struct tok *t, double *v)
{
	char buf[64];
	if (t->str || t->len == 0 || t->len >= sizeof buf)
		return LC_ERR_PROTOCOL;
	memcpy(buf, t->p, t->len);
	buf[t->len] = '\0';
	return lc_parse_number(buf, v);
}

/* Find the tuple of location id in a BCO reply: time stamp, then the four bit counts. */
static int find_tuple(const char *reply, const char *id, double *time, double counts[4], lc_diag *diag)
{
	struct tok t[TOK_MAX];
	int n = tokenize(reply, t, TOK_MAX, diag);
	if (n < 0)
		return n;
	for (int i = 1; i < n; i++) {
		if (!t[i].str || t[i].len != strlen(id) || strncasecmp(t[i].p, id, t[i].len) != 0)
			continue;
		if (tok_number(&t[i - 1], time) < 0)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "Keysight :FETC:BCO?: no time stamp before \"%s\"", id);
		for (int k = 0; k < 4; k++) {
			/* a count followed by a string is the next tuple's time stamp */
			if (i + 1 + k >= n || t[i + 1 + k].str || (i + 2 + k < n && t[i + 2 + k].str) ||
			    tok_number(&t[i + 1 + k], &counts[k]) < 0 || counts[k] < 0 || counts[k] != floor(counts[k]))
				return lc_diag_set(diag, LC_ERR_PROTOCOL,
						   "Keysight :FETC:BCO?: tuple of \"%s\" has no valid count %d", id, k + 1);
		}
		return 0;
	}
	return lc_diag_set(diag, LC_ERR_PROTOCOL, "Keysight :FETC:BCO?: no counts for \"%s\" in the reply", id);
}

static int fetch(lc_instrument *inst, const char *id, char **reply, lc_diag *diag)
{
	char cmd[96];
	snprintf(cmd, sizeof cmd, ":FETC:BCO? '%s'", id);
	size_t len;
	int rc = lc_scpi_query_alloc(inst->scpi, cmd, reply, &len);
	if (rc < 0)
		return lc_diag_set(diag, rc, "%s: %s", cmd, lc_scpi_last_detail(inst->scpi));
	if ((rc = lc_inst_check_errors(inst, cmd, diag)) < 0) {
		free(*reply);
		*reply = NULL;
	}
	return rc;
}

static int raw_counts(lc_instrument *inst, const unsigned *lanes, size_t n, double *time, double (*counts)[4],
		      lc_diag *diag)
{
	struct m8040a *s = st(inst);
	char *reply = NULL;
	int rc = 0;
	if (s->layout.group[0] && (rc = fetch(inst, s->layout.group, &reply, diag)) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *id = s->layout.ed[lanes[i] - 1];
		if (!s->layout.group[0]) {
			free(reply);
			reply = NULL;
			if ((rc = fetch(inst, id, &reply, diag)) < 0)
				break;
		}
		rc = find_tuple(reply, id, &time[i], counts[i], diag);
	}
	free(reply);
	return rc;
}

static uint64_t to_u64(double v, bool *overflow)
{
	if (v >= 18446744073709551616.0) {
		*overflow = true;
		return UINT64_MAX;
	}
	return (uint64_t)v;
}

static int m8040a_read(lc_instrument *inst, const unsigned *lanes, size_t n, lc_bert_reading *out, lc_diag *diag)
{
	struct m8040a *s = st(inst);
	double time[LC_BERT_LANES_MAX], counts[LC_BERT_LANES_MAX][4];
	int rc = raw_counts(inst, lanes, n, time, counts, diag);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		lc_bert_reading *r = &out[i];
		memset(r, 0, sizeof *r);
		uint64_t bits = to_u64(counts[i][0] + counts[i][1], &r->overflow);
		uint64_t errors = to_u64(counts[i][2] + counts[i][3], &r->overflow);
		r->elapsed_s = NAN;
		if (s->started) {
			const struct base *b = &s->base[lanes[i] - 1];
			if (bits < b->bits0 || errors < b->errors0)
				r->overflow = true; /* counters reset below the baseline: cannot be judged */
			bits = bits >= b->bits0 ? bits - b->bits0 : 0;
			errors = errors >= b->errors0 ? errors - b->errors0 : 0;
			if (time[i] < b->t0)
				r->overflow = true; /* time stamp before the baseline: the instrument restarted */
			else
				r->elapsed_s = time[i] - b->t0;
		}
		r->bits = bits;
		r->errors = errors;
		r->has_result = bits > 0;
		r->sync = bits > 0 && (double)errors <= 0.25 * (double)bits;
		r->ber = bits > 0 ? (double)errors / (double)bits : NAN;
	}
	return 0;
}

static int m8040a_start(lc_instrument *inst, lc_diag *diag)
{
	struct m8040a *s = st(inst);
	unsigned lanes[LC_BERT_LANES_MAX];
	double time[LC_BERT_LANES_MAX], counts[LC_BERT_LANES_MAX][4];
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		double running;
		int rc = lc_inst_query_double(inst, diag, 0, &running, ":STAT:INST:RUN? '%s'", s->layout.ed[i]);
		if (rc < 0)
			return rc;
		if (running != 1.0)
			return lc_diag_set(diag, LC_ERR_STATE, "Keysight: analyzer %s is not running", s->layout.ed[i]);
		lanes[i] = i + 1;
	}
	s->started = false;
	int rc = raw_counts(inst, lanes, s->layout.lanes, time, counts, diag);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < s->layout.lanes; i++) {
		bool ovf = false;
		s->base[i] = (struct base){time[i], to_u64(counts[i][0] + counts[i][1], &ovf),
					   to_u64(counts[i][2] + counts[i][3], &ovf)};
		if (ovf)
			return lc_diag_set(diag, LC_ERR_OVERFLOW, "Keysight: counters of %s beyond 2^64", s->layout.ed[i]);
	}
	s->started = true;
	return 0;
}

static int m8040a_stop(lc_instrument *inst, lc_diag *diag)
{
	st(inst)->started = false; /* nothing to send: no stop command is documented, the analyzer keeps running */
	return 0;
}

static const lc_bert_ops m8040a_bert = {
	.base = {LC_CLASS_BERT, lc_bert_snapshot},
	.caps = m8040a_caps,
	.address = m8040a_address,
	.set_pattern = m8040a_set_pattern,
	.set_bit_rate = m8040a_set_bit_rate,
	.set_output = m8040a_set_output,
	.start = m8040a_start,
	.stop = m8040a_stop,
	.read = m8040a_read,
};

static const lc_class_ops *const m8040a_classes[] = {&m8040a_bert.base, NULL};

/* No lc_driver.required / features: every command names a module of the layout ('M1.DataOut1',
 * instrument-dialects.md §4.2), so there is no query to ask before attach knows the layout. */
const lc_driver lc_driver_keysight_m8040a = {
	.name = "keysight_m8040a",
	.description = "Keysight M8040A BERT (M8070B system software)",
	.classes = m8040a_classes,
	.attach = m8040a_attach,
	.detach = m8040a_detach,
	.check_layout = m8040a_check_layout,
	.layout_example = "M1.DataOut1>M1.DataIn1,M1.DataOut2>M1.DataIn2,group=Lanes",
};
