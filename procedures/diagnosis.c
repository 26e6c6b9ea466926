/*
 * Diagnoses in the cable's own labels (procedures/diagnosis.h). A step's measurements are read back from the
 * result (the bindings recorded them with their ports and directions), related to the channel model (which
 * fibers share a leg, which end is one multi-fiber connector, which connector is APC) and worded.
 */
#include "procedures/diagnosis.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clauses.h"
#include "base/utf8.h"
#include "fixtures/paths.h"
#include "procedures/optical_paths.h"
#include "procedures/run_priv.h"

#define LC_LOG_DOMAIN "diagnosis"
#include "base/log.h"

#define MAX_ROWS 512
#define MAX_CLAUSES 4

/* ---- policy (fixtures/limits/lanecert-diagnosis-policy.json) ---- */

typedef struct policy {
	double elevated_db, broken_db, typical_fraction, uniform_spread_db, apc_low_db, apc_high_db;
} policy;

static double row_value(const lc_limits *lim, const char *id, bool low, double dflt)
{
	const lc_limit *r = lim ? lc_limits_find(lim, id) : NULL;
	double v = r ? (low ? r->low : r->high) : NAN;
	if (!r)
		lc_warn("policy row '%s' missing from fixtures/limits: using %g", id, dflt);
	return isfinite(v) ? v : dflt;
}

/* The defaults only stand in for a limits folder without the policy file (a custom fixtures folder). */
static policy policy_get(const lc_limits *lim)
{
	return (policy){
		.elevated_db = row_value(lim, "policy.diagnosis.elevated_db", false, 0.3),
		.broken_db = row_value(lim, "policy.diagnosis.broken_db", false, 10),
		.typical_fraction = row_value(lim, "policy.diagnosis.typical_fraction", false, 0.35),
		.uniform_spread_db = row_value(lim, "policy.diagnosis.uniform_spread_db", false, 0.3),
		.apc_low_db = row_value(lim, "policy.diagnosis.apc_upc_rl_db", true, 20),
		.apc_high_db = row_value(lim, "policy.diagnosis.apc_upc_rl_db", false, 35),
	};
}

static const char *extra_string(const lc_result *r, size_t m, const char *key)
{
	for (size_t i = 0; i < lc_result_extra_count(r, m); i++) {
		const lc_result_extra *e = lc_result_extra_at(r, m, i);
		if (e->is_string && strcmp(e->key, key) == 0)
			return e->string;
	}
	return NULL;
}

/* "fiber 3", "fibers 3 and 10", "fibers 1, 2 and 5", "fibers 5\u201312" (numbers sorted, duplicates dropped,
 * runs of three or more consecutive numbers as a range: a whole MPO leg reads as its span). */
static void number_list(const char *noun, unsigned *v, size_t n, char *buf, size_t cap)
{
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && v[k - 1] > v[k]; k--) {
			unsigned x = v[k];
			v[k] = v[k - 1];
			v[k - 1] = x;
		}
	size_t u = 0;
	for (size_t i = 0; i < n; i++)
		if (u == 0 || v[u - 1] != v[i])
			v[u++] = v[i];
	size_t start[MAX_ROWS], items = 0;
	for (size_t i = 0; i < u && items < MAX_ROWS;) {
		size_t e = i + 1;
		while (e < u && v[e] == v[e - 1] + 1)
			e++;
		start[items++] = i;
		i = e - i >= 3 ? e : i + 1;
	}
	size_t len = (size_t)snprintf(buf, cap, "%s%s", noun, u == 1 ? "" : "s");
	for (size_t t = 0; t < items && len < cap; t++) {
		size_t i = start[t], e = t + 1 < items ? start[t + 1] : u;
		const char *sep = t == 0 ? " " : t + 1 == items ? " and " : ", ";
		if (e - i >= 3)
			len += (size_t)snprintf(buf + len, cap - len, "%s%u\u2013%u", sep, v[i], v[e - 1]);
		else
			len += (size_t)snprintf(buf + len, cap - len, "%s%u", sep, v[i]);
	}
}

/* Ports named PREFIX:N with consecutive N as "A:1–4", else a list. */
static void port_list(const char *const *ports, size_t n, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (n == 0)
		return;
	const char *colon = strrchr(ports[0], ':');
	size_t plen = colon ? (size_t)(colon - ports[0]) + 1 : 0;
	bool range = colon && n > 1;
	long first = range ? strtol(colon + 1, NULL, 10) : 0;
	for (size_t i = 0; range && i < n; i++) {
		char *end;
		long v = strncmp(ports[i], ports[0], plen) == 0 ? strtol(ports[i] + plen, &end, 10) : -1;
		range = v == first + (long)i && *end == '\0' && isdigit((unsigned char)ports[i][plen]);
	}
	if (range) {
		snprintf(buf, cap, "%.*s%ld\u2013%ld", (int)plen, ports[0], first, first + (long)n - 1);
		return;
	}
	size_t len = 0;
	for (size_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? ", " : "", ports[i]);
}

/* ---- insertion loss ---- */

struct il_row {
	size_t meas;
	const lc_map_entry *e;
	double value, limit, nm, excess;
	bool reverse, dark, elevated, covered;
	enum lc_verdict verdict;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median of the finite values of the rows of one wavelength and direction. */
static double group_median(const struct il_row *rows, size_t n, double nm, bool reverse)
{
	double v[MAX_ROWS];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].nm == nm && rows[i].reverse == reverse && isfinite(rows[i].value))
			v[k++] = rows[i].value;
	if (k == 0)
		return NAN;
	qsort(v, k, sizeof(v[0]), cmp_double);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

static bool touches(const lc_channel *ch, const lc_map_entry *e, unsigned end, unsigned leg)
{
	const lc_port *a = lc_channel_port(ch, e->from_port), *b = lc_channel_port(ch, e->to_port);
	return (a && a->end == end && a->leg == leg) || (b && b->end == end && b->leg == leg);
}

/* The chain-end connector of an end (0: the first component's input side, 1: the last one's output side). */
static const lc_connector *end_connector(const lc_channel *ch, unsigned end, unsigned *legs)
{
	size_t nc = lc_channel_component_count(ch);
	if (nc == 0)
		return NULL;
	const lc_component *c = lc_channel_component(ch, end == 0 ? 0 : nc - 1);
	*legs = c->legs[end == 0 ? 0 : 1];
	return &c->conn[end == 0 ? 0 : 1];
}

static bool multi_fiber_end(const lc_channel *ch, unsigned end)
{
	unsigned legs = 0;
	const lc_connector *c = end_connector(ch, end, &legs);
	return c && c->fibers > 2 && legs == 1;
}

/* A fiber's number as people count it: its position in the MPO of the end opposite the leg, else the path. */
static unsigned fiber_number(const lc_channel *ch, const lc_map_entry *e, unsigned leg_end)
{
	const lc_port *a = lc_channel_port(ch, e->from_port), *b = lc_channel_port(ch, e->to_port);
	const lc_port *other = a && a->end != leg_end ? a : b && b->end != leg_end ? b : NULL;
	if (other && multi_fiber_end(ch, other->end) && other->position)
		return other->position;
	return (unsigned)e->path + 1;
}

static size_t il_rows(const lc_run *run, struct il_row *rows, size_t *not_measured)
{
	const lc_result *r = run->result;
	const lc_channel *ch = run->setup->channel;
	size_t n = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r) && n < MAX_ROWS; i++) {
		size_t step;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, &step);
		if ((int)step != run->step || strcmp(m->name, "insertion_loss") != 0 || m->lane < 1 ||
		    (size_t)m->lane > lc_channel_map_count(ch))
			continue;
		const char *dir = extra_string(r, i, "direction"), *finding = extra_string(r, i, "finding");
		if (finding && strncmp(finding, "not measured", 12) == 0) {
			(*not_measured)++;
			continue;
		}
		rows[n++] = (struct il_row){
			.meas = i,
			.e = lc_channel_map(ch, (size_t)m->lane - 1),
			.value = m->value,
			.limit = m->limit.high,
			.nm = m->wavelength_nm,
			.reverse = dir && strcmp(dir, "reverse") == 0,
			.dark = finding && strcmp(finding, "no light") == 0,
			.verdict = m->verdict,
		};
	}
	return n;
}

/* The median loss of the fibers that do not touch leg (end, leg), at one wavelength and direction: a leg's
 * peers. With the leg's own fibers among them, a harness of two legs would judge a dirty leg against a median
 * half made of its own fibers, and halve its excess. */
static double outside_median(const lc_channel *ch, const struct il_row *rows, size_t n, double nm, bool reverse,
			     unsigned end, unsigned leg)
{
	double v[MAX_ROWS];
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (rows[i].nm == nm && rows[i].reverse == reverse && isfinite(rows[i].value) && !rows[i].dark &&
		    !touches(ch, rows[i].e, end, leg))
			v[k++] = rows[i].value;
	if (k == 0)
		return NAN;
	qsort(v, k, sizeof(v[0]), cmp_double);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

/* Legs whose every measured fiber is high against the fibers of the other legs (and that are not shared by
 * all fibers). */
static void il_legs(const lc_run *run, const policy *p, struct il_row *rows, size_t n, lc_clauses *t)
{
	const lc_channel *ch = run->setup->channel;
	for (unsigned end = 0; end < 2; end++) {
		for (unsigned leg = 0; leg < lc_channel_leg_count(ch, end); leg++) {
			size_t touched = 0, high = 0;
			bool ab = false, ba = false;
			double sum = 0;
			unsigned fibers[MAX_ROWS];
			size_t nf = 0;
			for (size_t i = 0; i < n; i++) {
				if (!touches(ch, rows[i].e, end, leg))
					continue;
				touched++;
				double ex = rows[i].value - outside_median(ch, rows, n, rows[i].nm, rows[i].reverse, end, leg);
				if (rows[i].dark || !isfinite(ex) || !(ex > p->elevated_db))
					continue;
				high++;
				sum += ex;
				ab |= rows[i].e->a_to_b != rows[i].reverse;
				ba |= rows[i].e->a_to_b == rows[i].reverse;
				fibers[nf++] = fiber_number(ch, rows[i].e, end);
			}
			if (touched == 0 || high != touched || touched == n)
				continue;
			for (size_t i = 0; i < n; i++)
				if (touches(ch, rows[i].e, end, leg))
					rows[i].covered = true;
			char list[128];
			const char *label = lc_channel_leg_label(ch, end, leg);
			number_list("fiber", fibers, nf, list, sizeof(list));
			lc_clauses_add(t, "leg %s (%s): %+.1f dB%s \u2014 connector at %s dirty or damaged", label, list,
			       sum / (double)high, ab && ba ? " in both directions" : "", label);
		}
	}
}

/* Every fiber high by about the same amount: the connector they all share. */
static bool il_uniform(const lc_run *run, const policy *p, struct il_row *rows, size_t n, lc_clauses *t)
{
	const lc_channel *ch = run->setup->channel;
	double lo = INFINITY, hi = -INFINITY, sum = 0;
	size_t paths[MAX_ROWS], np = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(rows[i].value) || !isfinite(rows[i].limit) || rows[i].dark)
			return false;
		double x = rows[i].value - p->typical_fraction * rows[i].limit;
		lo = fmin(lo, x), hi = fmax(hi, x), sum += x;
		size_t k = 0;
		while (k < np && paths[k] != rows[i].e->path)
			k++;
		if (k == np)
			paths[np++] = rows[i].e->path;
	}
	if (n < 2 || !(lo > p->elevated_db) || hi - lo > p->uniform_spread_db)
		return false;
	for (size_t i = 0; i < n; i++)
		rows[i].covered = true;
	/* Tens of dB on every fiber alike is no dirt (a few dB at most) and no break (those fibers pass light): a
	 * fiber of the other mode loses that much where it meets the bench's cords (multimode light into a
	 * single-mode core), whichever way the light runs. */
	enum lc_fiber_mode mode = lc_channel_mode(ch);
	if (lo > p->broken_db && mode != LC_MODE_NONE) {
		lc_clauses_add(t, "all %zu fibers %+.1f dB \u2014 far more than a dirty connector loses: fiber of the other "
				  "mode (a %s part on this %s bench) or a wrong reference",
			       np, sum / (double)n, mode == LC_MODE_MM ? "single-mode" : "multimode",
			       mode == LC_MODE_MM ? "multimode" : "single-mode");
		return true;
	}
	bool a = multi_fiber_end(ch, 0), b = multi_fiber_end(ch, 1);
	const char *where = a && b ? "MPO connector at end A or end B dirty (inspect both)"
			    : a    ? "MPO connector at end A dirty"
			    : b    ? "MPO connector at end B dirty"
				   : "every connector lossy: check the reference and both ends";
	lc_clauses_add(t, "all %zu fibers %+.1f dB \u2014 %s", np, sum / (double)n, where);
	return true;
}

static int diagnose_il(lc_run *run, const policy *p, lc_clauses *t)
{
	struct il_row *rows = calloc(MAX_ROWS, sizeof(*rows));
	if (!rows)
		return LC_DIAGNOSIS_PLAIN;
	size_t not_measured = 0;
	size_t n = il_rows(run, rows, &not_measured);
	bool bad = false;
	for (size_t i = 0; i < n; i++) {
		bad |= rows[i].verdict != LC_VERDICT_PASS;
		double med = group_median(rows, n, rows[i].nm, rows[i].reverse);
		rows[i].excess = rows[i].value - med;
		rows[i].elevated = isfinite(rows[i].excess) && rows[i].excess > p->elevated_db;
		rows[i].dark |= isfinite(rows[i].excess) && rows[i].excess > p->broken_db;
	}
	int rank = LC_DIAGNOSIS_PLAIN;
	if (not_measured)
		lc_clauses_add(t, "%zu loss%s not measured: fiber map failed", not_measured, not_measured > 1 ? "es" : "");
	if (!bad || n == 0) {
		free(rows);
		return rank;
	}
	const lc_channel *ch = run->setup->channel;
	/* Broken fibers first: nothing else about them matters. */
	for (size_t i = 0; i < n; i++) {
		if (!rows[i].dark || rows[i].covered)
			continue;
		for (size_t k = i; k < n; k++)
			if (rows[k].e == rows[i].e)
				rows[k].covered = true;
		lc_clauses_add(t, "fiber %u (%s \u2192 %s): no light \u2014 fiber broken or not connected",
		       fiber_number(ch, rows[i].e, 2), rows[i].e->from, rows[i].e->to);
		rank = LC_DIAGNOSIS_LOCATED;
	}
	il_legs(run, p, rows, n, t);
	if (t->count == 0 && il_uniform(run, p, rows, n, t))
		rank = LC_DIAGNOSIS_LOCATED;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].covered)
			continue;
		rank = LC_DIAGNOSIS_LOCATED;
		if (rows[i].elevated) {
			for (size_t k = i; k < n; k++)
				if (rows[k].e == rows[i].e)
					rows[k].covered = true;
			lc_clauses_add(t, "fiber %u (%s \u2192 %s): %+.1f dB above its peers \u2014 connector dirty or fiber stressed",
			       fiber_number(ch, rows[i].e, 2), rows[i].e->from, rows[i].e->to, rows[i].excess);
		} else if (rows[i].verdict != LC_VERDICT_PASS) {
			rows[i].covered = true;
			lc_clauses_add(t, "fiber %u (%s \u2192 %s): %.2f dB at %.0f nm, limit %.2f dB", fiber_number(ch, rows[i].e, 2),
			       rows[i].e->from, rows[i].e->to, rows[i].value, rows[i].nm, rows[i].limit);
		}
	}
	free(rows);
	return t->count ? LC_DIAGNOSIS_LOCATED : rank;
}

/* ---- return loss ---- */

/* A port's end (0 = A, 1 = B), -1 when the channel does not name it. */
static int port_end(const lc_channel *ch, const char *port)
{
	int pi = port ? lc_channel_port_find(ch, port) : -1;
	return pi < 0 ? -1 : (int)lc_channel_port(ch, (size_t)pi)->end;
}

struct rl_group {
	const char *ports[MAX_ROWS];
	size_t n;
	double sum, limit;
};

static void rl_add(struct rl_group *g, const char *port, double value, double limit)
{
	if (g->n < MAX_ROWS) {
		g->ports[g->n++] = port ? port : "?";
		g->sum += value;
		g->limit = fmax(g->limit, limit);
	}
}

/*
 * The window of a flat ferrule against an angled one reads the same from both sides: on an APC connector it
 * is a UPC plug mated to it; on UPC connectors it is an APC connector mated to the station's UPC cord, and
 * when it is every UPC connector of an end, the part has APC connectors there: a wrong part.
 */
static int diagnose_rl(lc_run *run, const policy *p, lc_clauses *t)
{
	const lc_result *r = run->result;
	const lc_channel *ch = run->setup->channel;
	struct rl_group apc, other, upc[2];
	memset(&apc, 0, sizeof(apc)), memset(&other, 0, sizeof(other)), memset(upc, 0, sizeof(upc));
	size_t upc_ports[2] = {0, 0};
	int rank = LC_DIAGNOSIS_PLAIN;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		size_t step;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, &step);
		if ((int)step != run->step || strcmp(m->name, "return_loss") != 0 || !isfinite(m->value))
			continue;
		const char *port = extra_string(r, i, "port"), *lid = extra_string(r, i, "limit_id");
		const lc_limit *row = lid && run->setup->limits ? lc_limits_find(run->setup->limits, lid) : NULL;
		bool window = m->value >= p->apc_low_db && m->value <= p->apc_high_db;
		int end = port_end(ch, port);
		if (row && row->polish == LC_POLISH_UPC && end >= 0)
			upc_ports[end]++;
		if (m->verdict == LC_VERDICT_PASS)
			continue;
		if (row && row->polish == LC_POLISH_APC && window)
			rl_add(&apc, port, m->value, m->limit.low);
		else if (row && row->polish == LC_POLISH_UPC && window && end >= 0)
			rl_add(&upc[end], port, m->value, m->limit.low);
		else
			rl_add(&other, port, m->value, m->limit.low);
	}
	char list[256];
	for (int end = 0; end < 2; end++) {
		if (upc[end].n == 0)
			continue;
		port_list(upc[end].ports, upc[end].n, list, sizeof(list));
		if (upc[end].n == upc_ports[end]) {
			lc_clauses_add(t, "wrong part: expected UPC connectors at end %c, found APC (RL %.0f dB on %s)", 'A' + end,
			       upc[end].sum / (double)upc[end].n, list);
			rank = LC_DIAGNOSIS_WRONG_PART;
		} else {
			lc_clauses_add(t, "RL %.0f dB on %s, a UPC path \u2014 APC connector mated to UPC, or dirty or damaged",
			       upc[end].sum / (double)upc[end].n, list);
			rank = rank > LC_DIAGNOSIS_CAUSE ? rank : LC_DIAGNOSIS_CAUSE;
		}
	}
	if (apc.n) {
		port_list(apc.ports, apc.n, list, sizeof(list));
		lc_clauses_add(t, "RL %.0f dB on %s, an APC path \u2014 UPC connector mated to APC", apc.sum / (double)apc.n, list);
		rank = rank > LC_DIAGNOSIS_CAUSE ? rank : LC_DIAGNOSIS_CAUSE;
	}
	if (other.n) {
		port_list(other.ports, other.n, list, sizeof(list));
		lc_clauses_add(t, "RL %.0f dB on %s, minimum %.0f dB \u2014 connector%s dirty or damaged",
			       other.sum / (double)other.n, list, other.limit, other.n > 1 ? "s" : "");
		rank = rank > LC_DIAGNOSIS_LOCATED ? rank : LC_DIAGNOSIS_LOCATED;
	}
	return rank;
}

/* ---- modules and anything else ---- */

static double extra_number(const lc_result *r, size_t m, const char *key)
{
	for (size_t i = 0; i < lc_result_extra_count(r, m); i++) {
		const lc_result_extra *e = lc_result_extra_at(r, m, i);
		if (!e->is_string && strcmp(e->key, key) == 0)
			return e->number;
	}
	return NAN;
}

/* One clause for measurement i; returns its rank. */
static int other_clause(const lc_result *r, size_t i, const lc_result_measurement *m, lc_clauses *t)
{
	const char *end = extra_string(r, i, "end"), *finding = extra_string(r, i, "finding");
	if (finding) {
		lc_clauses_add(t, "%s", finding);
		return LC_DIAGNOSIS_LOCATED;
	}
	if (!strcmp(m->name, "module_temperature") && end && isfinite(m->value)) {
		bool over = m->value > m->limit.high;
		lc_clauses_add(t, "end %s module at %.0f \u00b0C, %s its %.0f \u00b0C limit", end, m->value, over ? "over" : "under",
		       over ? m->limit.high : m->limit.low);
		return LC_DIAGNOSIS_LOCATED;
	}
	if (!strcmp(m->name, "ber") && isfinite(m->value)) {
		const char *port = extra_string(r, i, "port");
		double est = extra_number(r, i, "estimate");
		lc_clauses_add(t, "lane %d%s%s%s: BER %.2g, %s the %.2g target", m->lane, port ? " (" : "", port ? port : "",
		       port ? ")" : "", isfinite(est) ? est : m->value,
		       m->verdict == LC_VERDICT_FAIL ? "above" : "not proven below", m->limit.high);
		return LC_DIAGNOSIS_LOCATED;
	}
	if (isfinite(m->value)) {
		char where[64] = "";
		if (end)
			snprintf(where, sizeof(where), "end %s ", end);
		if (m->lane)
			snprintf(where + strlen(where), sizeof(where) - strlen(where), "lane %d ", m->lane);
		bool unit = m->unit && *m->unit && strcmp(m->unit, "1") != 0;
		lc_clauses_add(t, "%s%s = %.3g%s%s outside its limit", where, m->name, m->value, unit ? " " : "",
			       unit ? m->unit : "");
	}
	return LC_DIAGNOSIS_PLAIN;
}

static int diagnose_other(lc_run *run, lc_clauses *t)
{
	const lc_result *r = run->result;
	int rank = LC_DIAGNOSIS_PLAIN;
	/* What failed first, then what could not be decided. */
	for (int undecided = 0; undecided < 2; undecided++) {
		for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
			size_t step;
			const lc_result_measurement *m = lc_result_measurement_at(r, i, &step);
			if ((int)step != run->step || m->verdict == LC_VERDICT_PASS || m->verdict == LC_VERDICT_NONE ||
			    (m->verdict == LC_VERDICT_INCONCLUSIVE) != (undecided == 1) || !strcmp(m->name, "insertion_loss") ||
			    !strcmp(m->name, "return_loss"))
				continue;
			int k = other_clause(r, i, m, t);
			rank = k > rank ? k : rank;
		}
	}
	return rank;
}

/* A measurement of the running step with a verdict (not only informational values). */
static bool step_judged(const lc_run *run)
{
	for (size_t i = 0; i < lc_result_measurement_count(run->result); i++) {
		size_t step;
		const lc_result_measurement *m = lc_result_measurement_at(run->result, i, &step);
		if ((int)step == run->step && m->verdict != LC_VERDICT_NONE)
			return true;
	}
	return false;
}

void lc_diagnose_step(lc_run *run)
{
	/* Nothing is pass that was not measured: a step that says pass without judging anything (a procedure's
	 * "not applicable") is not measured, which keeps the certification from passing. */
	if (run->step >= 0 && run->step_verdict == LC_VERDICT_PASS && !step_judged(run)) {
		char why[sizeof(run->step_reason)];
		snprintf(why, sizeof(why), "%s", run->step_reason);
		run->step_verdict = LC_VERDICT_INCONCLUSIVE;
		lc_utf8_printf(run->step_reason, sizeof(run->step_reason), "not measured%s%s", why[0] ? ": " : "", why);
		return;
	}
	if (run->step < 0 || run->step_reason[0] || !run->setup->channel ||
	    lc_result_step_verdict(run->result, (size_t)run->step) == LC_VERDICT_PASS)
		return;
	policy p = policy_get(run->setup->limits);
	/* at most MAX_CLAUSES clauses, then "; and N more" */
	lc_clauses t;
	lc_clauses_init(&t, run->step_reason, sizeof(run->step_reason), MAX_CLAUSES, LC_CLAUSES_CUT);
	int rank = diagnose_rl(run, &p, &t);
	int il = diagnose_il(run, &p, &t);
	int other = diagnose_other(run, &t);
	lc_clauses_end(&t);
	run->step_rank = rank > il ? rank : il;
	if (other > run->step_rank)
		run->step_rank = other;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Same kind of part: component count and first component's kind. */
static bool same_family(const lc_channel *a, const lc_channel *b)
{
	size_t n = lc_channel_component_count(a);
	if (n == 0 || n != lc_channel_component_count(b))
		return false;
	return lc_channel_component(a, 0)->kind == lc_channel_component(b, 0)->kind;
}

static bool same_fiber_count(const lc_channel *a, const lc_channel *b)
{
	return lc_channel_component(a, 0)->conn[0].fibers == lc_channel_component(b, 0)->conn[0].fibers;
}

/* ch routes the wired ports exactly as measured, and light was seen at a port it routes. A map dark at every
 * port names no part: an empty slot, a cable not seated and any part whose legs the bench does not reach all
 * read the same, so a part named there would be a claim the bench did not measure. A part of another fiber
 * count is named the same way, on the light it routes as measured (an MPO-16 harness in the MPO-32 bench: its
 * first row lights the same legs, its missing second row is dark). */
static bool routes_as(const lc_channel *ch, const lc_wired_ends *e, const int *map, int *tmp)
{
	bool lit = false;
	lc_wired_expected_map(ch, e, tmp);
	for (size_t i = 0; i < e->n_launch; i++) {
		if (tmp[i] != map[i])
			return false;
		lit |= map[i] >= 0;
	}
	return lit;
}

int lc_diagnose_found_part(const lc_run *run, const lc_wired_ends *e, const int *map, char *found, size_t cap)
{
	const lc_channel *want = run->setup->channel;
	char dir[1024], cables[1100];
	bool lit = false;
	for (size_t i = 0; i < e->n_launch; i++)
		lit |= map[i] >= 0;
	if (!want || !lit || lc_fixtures_dir(run->setup->fixtures_dir, dir, sizeof(dir), NULL) < 0)
		return 0;
	snprintf(cables, sizeof(cables), "%s/cables", dir);
	DIR *d = opendir(cables);
	if (!d)
		return 0;
	char *names[256];
	size_t n = 0;
	for (struct dirent *de; (de = readdir(d)) && n < 256;) {
		size_t l = strlen(de->d_name);
		if (l > 5 && de->d_name[0] != '.' && strcmp(de->d_name + l - 5, ".json") == 0)
			names[n++] = strndup(de->d_name, l - 5);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	int *tmp = calloc(e->n_launch, sizeof(*tmp));
	/* The best tier of a type that routes as measured: the same fiber mode first (an OM4 trunk for an OM4
	 * trunk), and within it the expected part's end-A fiber count (a connector that mates with the slot's).
	 * Two types of the best tier both route as measured: a pattern the bench cannot tell apart, so neither is
	 * named. */
	int best = 4, hits = 0;
	for (size_t i = 0; i < n && tmp; i++) {
		lc_channel *ch = NULL;
		if (!names[i] || strcmp(names[i], lc_channel_name(want)) == 0 || lc_channel_load(names[i], dir, &ch, NULL) < 0)
			continue;
		/* same_family first: it makes sure both have a first component */
		int tier = same_family(want, ch) ? 2 * (lc_channel_mode(ch) != lc_channel_mode(want)) +
							  !same_fiber_count(want, ch)
						 : 4;
		if (tier < 4 && tier <= best && routes_as(ch, e, map, tmp)) {
			if (tier < best)
				best = tier, hits = 0;
			if (!hits++)
				snprintf(found, cap, "%s", names[i]);
		}
		lc_channel_free(ch);
	}
	free(tmp);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	if (hits != 1 && cap)
		found[0] = '\0';
	return hits == 1;
}

void lc_diagnose_keep(lc_run *run, enum lc_verdict v, const char *text)
{
	if (!text || !*text || v == LC_VERDICT_PASS || v == LC_VERDICT_NONE)
		return;
	if (run->reason_set &&
	    (v < run->reason_verdict || (v == run->reason_verdict && run->step_rank <= run->reason_rank)))
		return;
	run->reason_set = true;
	run->reason_verdict = v;
	run->reason_rank = run->step_rank;
	lc_utf8_printf(run->reason, sizeof(run->reason), "%s", text);
}

const char *lc_diagnose_run_reason(const lc_run *run)
{
	return run->reason_set ? run->reason : "";
}

/* A chunk position: "name.lua:12: " or "[string \"...\"]:12: " at s. Returns its length, 0 if none. */
static size_t position_len(const char *s)
{
	const char *p = s;
	if (*p == '[') {
		p = strstr(p, "]:");
		if (!p)
			return 0;
		p += 2;
	} else {
		while (*p && *p != ':' && *p != ' ')
			p++;
		if (*p != ':' || p - s < 5 || strncmp(p - 4, ".lua", 4) != 0)
			return 0;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p != ':')
		return 0;
	p++;
	while (*p == ' ')
		p++;
	return (size_t)(p - s);
}

void lc_operator_text(const char *in, char *out, size_t cap)
{
	size_t k = 0;
	if (cap == 0)
		return;
	for (const char *s = in ? in : ""; *s && k + 1 < cap;) {
		bool boundary = s == in || s[-1] == ' ' || s[-1] == '\t' || s[-1] == '\n';
		size_t pl = boundary ? position_len(s) : 0;
		if (pl) {
			s += pl;
			continue;
		}
		/* " (LC_ERR_NAME)" */
		if (s[0] == ' ' && s[1] == '(' && strncmp(s + 2, "LC_ERR_", 7) == 0) {
			const char *e = s + 9;
			while (isupper((unsigned char)*e) || isdigit((unsigned char)*e) || *e == '_')
				e++;
			if (*e == ')') {
				s = e + 1;
				continue;
			}
		}
		out[k++] = *s++;
	}
	out[k] = '\0';
}
