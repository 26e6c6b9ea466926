/* JSON report -> A4 PDF (reports/report_pdf.h): the sections, in the order people read them. */
#include "reports/report_pdf.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc_version.h"
#include "base/atomic_file.h"
#include "reports/cert_view_priv.h"
#include "reports/pdf_layout_priv.h"
#include "reports/pdf_plotter_priv.h"
#include "reports/report_format_priv.h"
#include "reports/report_json.h"

#define DASH "\xe2\x80\x94"
#define MAX_REASONS 40 /* as the HTML: past this, the tables say the rest */

/* A growable string for composing cell and paragraph texts; an allocation failure is sticky in the doc. */
struct str {
	char *p;
	size_t len, cap;
	lc_pdf_doc *doc;
};

static void sf(struct str *s, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void sf(struct str *s, const char *f, ...)
{
	if (s->doc->err)
		return;
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (s->len + (size_t)n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 256;
		while (s->len + (size_t)n + 1 > cap)
			cap *= 2;
		char *np = realloc(s->p, cap);
		if (!np) {
			s->doc->err = lc_diag_set(&s->doc->diag, LC_ERR_NOMEM, "PDF: out of memory");
			return;
		}
		s->p = np, s->cap = cap;
	}
	va_start(ap, f);
	vsnprintf(s->p + s->len, s->cap - s->len, f, ap);
	va_end(ap);
	s->len += (size_t)n;
}

static const char *sv(struct str *s)
{
	return s->p && !s->doc->err ? s->p : "";
}

static void sreset(struct str *s)
{
	s->len = 0;
	if (s->p)
		s->p[0] = 0;
}

static const char *num(double v, char buf[32])
{
	if (isnan(v))
		return DASH;
	snprintf(buf, 32, "%.4g", v);
	return buf;
}

static const char *when(int64_t ms, char buf[40])
{
	char t[32];
	if (ms == LC_TIME_NONE || lc_time_format(ms, t, NULL) < 0)
		return DASH;
	t[19] = 0; /* seconds are enough for people; the JSON keeps the milliseconds */
	t[10] = ' ';
	snprintf(buf, 40, "%s UTC", t);
	return buf;
}

static const char *or_dash(const char *s)
{
	return s ? s : DASH;
}

static void limit_text(struct str *s, const lc_result_limit *l)
{
	char a[32], b[32];
	switch (l->comparison) {
	case LC_LIMIT_NONE: sf(s, DASH); break;
	case LC_LIMIT_BETWEEN: sf(s, "%s \xe2\x80\xa6 %s", num(l->low, a), num(l->high, b)); break;
	case LC_LIMIT_LE: sf(s, "\xe2\x89\xa4 %s", num(l->high, a)); break;
	case LC_LIMIT_LT: sf(s, "< %s", num(l->high, a)); break;
	case LC_LIMIT_GE: sf(s, "\xe2\x89\xa5 %s", num(l->low, a)); break;
	case LC_LIMIT_GT: sf(s, "> %s", num(l->low, a)); break;
	}
}

/* Pairs of label and value, two pairs per line; rgb (may be NULL) colours the values. */
static void kv_grid(lc_pdf_doc *doc, const char *const kv[][2], size_t n, const unsigned *rgb)
{
	const double label_w = 68, half = LC_PDF_WIDTH / 2;
	for (size_t i = 0; i < n; i += 2) {
		double h = 0;
		for (size_t k = i; k < n && k < i + 2; k++) {
			double th = lc_pdf_text_height(doc, LC_PDF_BODY, kv[k][1], half - label_w - 8, 3);
			h = th > h ? th : h;
		}
		lc_pdf_need(doc, h);
		for (size_t k = i; k < n && k < i + 2; k++) {
			double x = LC_PDF_MARGIN + (double)(k - i) * half;
			lc_pdf_text_at(doc, LC_PDF_SMALL_B, kv[k][0], x, doc->y + 1, label_w - 4, 1, LC_PDF_LEFT, 0x555555);
			lc_pdf_text_at(doc, LC_PDF_BODY, kv[k][1], x + label_w, doc->y, half - label_w - 8, 3, LC_PDF_LEFT,
				       rgb ? rgb[k] : 0);
		}
		doc->y += h + 3;
	}
}

static void title_block(lc_pdf_doc *doc, const lc_result *r, struct str *s)
{
	lc_result_dut d = lc_result_get_dut(r);
	enum lc_verdict v = lc_result_verdict(r);
	lc_pdf_text_at(doc, LC_PDF_H1, "Certification report", LC_PDF_MARGIN, doc->y, LC_PDF_WIDTH - 150, 1,
		       LC_PDF_LEFT, 0);
	const char *word = lc_view_run_word(r);
	double bw = lc_pdf_badge_word(doc, 0, -200, v, word, 16); /* measured off the page, then placed at the right */
	lc_pdf_badge_word(doc, LC_PDF_PAGE_W - LC_PDF_MARGIN - bw, doc->y - 2, v, word, 16);
	doc->y += 34;
	char t1[40], t2[40], *station = NULL, *times = NULL;
	if (lc_result_station_id(r))
		sf(s, "%s (%s)", or_dash(lc_result_station_name(r)), lc_result_station_id(r));
	else
		sf(s, "%s", or_dash(lc_result_station_name(r)));
	station = s->p ? strdup(sv(s)) : NULL;
	sreset(s);
	/* One line when the run ended on the day it started: "2026-11-18 11:11:40 - 11:18:52 UTC". */
	const char *start = when(lc_result_start_ms(r), t1), *end = when(lc_result_end_ms(r), t2);
	if (start == t1 && end == t2 && strncmp(t1, t2, 11) == 0)
		sf(s, "%.19s \xe2\x80\x93 %s", t1, t2 + 11);
	else
		sf(s, "%s \xe2\x80\x93 %s", start, end);
	times = s->p ? strdup(sv(s)) : NULL;
	sreset(s);
	if (!station || !times) {
		if (!doc->err)
			doc->err = lc_diag_set(&doc->diag, LC_ERR_NOMEM, "PDF: out of memory");
	} else {
		char sw[96], verdict[32];
		snprintf(verdict, sizeof(verdict), "%s", word ? word : lc_verdict_name(v));
		for (char *p = verdict; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		snprintf(sw, sizeof(sw), "lanecert %s", or_dash(lc_result_software_version(r)));
		const char *kv[][2] = {
			{"Cable type", or_dash(d.cable_type)}, {"Serial", or_dash(d.serial)},
			{"Verdict", verdict},                  {"Station", station},
			{"Operator", or_dash(lc_result_operator(r))}, {"Time", times},
			{"Software", sw},                      {"Signing key", or_dash(lc_result_key_id(r))},
		};
		unsigned rgb[sizeof(kv) / sizeof(kv[0])] = {[2] = lc_pdf_verdict_fg(word ? LC_VERDICT_INCONCLUSIVE : v)};
		kv_grid(doc, kv, sizeof(kv) / sizeof(kv[0]), rgb);
	}
	free(station), free(times);
}

static void reason(lc_pdf_doc *doc, const char *text, unsigned rgb)
{
	double h = lc_pdf_text_height(doc, LC_PDF_BODY, text, LC_PDF_WIDTH - 14, 40);
	lc_pdf_need(doc, h);
	lc_pdf_text_at(doc, LC_PDF_BODY, "\xe2\x80\xa2", LC_PDF_MARGIN + 4, doc->y, 10, 1, LC_PDF_LEFT, rgb);
	lc_pdf_text_at(doc, LC_PDF_BODY, text, LC_PDF_MARGIN + 14, doc->y, LC_PDF_WIDTH - 14, 40, LC_PDF_LEFT, rgb);
	doc->y += h + 2;
}

static void reasons(lc_pdf_doc *doc, const lc_result *r, struct str *s)
{
	enum lc_verdict v = lc_result_verdict(r);
	lc_pdf_heading_word(doc, LC_PDF_H2, "Verdict and reasons", 40, true, v, lc_view_run_word(r));
	size_t listed = 0, beyond = 0, nm = lc_result_measurement_count(r);
	if (lc_result_reason(r)) {
		reason(doc, lc_result_reason(r), lc_pdf_verdict_fg(v));
		listed++;
	}
	for (size_t i = 0; i < lc_result_step_count(r); i++) {
		const lc_result_step *st = lc_result_step_at(r, i);
		sreset(s);
		if (st->error)
			sf(s, "Step %s: %s", st->name, st->error);
		else if (lc_result_step_verdict(r, i) == LC_VERDICT_NONE)
			sf(s, "Step %s %s", st->name, st->ended ? "judged nothing" : "did not finish");
		else
			continue;
		reason(doc, sv(s), lc_pdf_verdict_fg(LC_VERDICT_ERROR));
		listed++;
	}
	char a[32], b[32];
	for (size_t i = 0; i < nm; i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (m->verdict <= LC_VERDICT_PASS)
			continue;
		if (listed >= MAX_REASONS) {
			beyond++;
			continue;
		}
		sreset(s);
		char label[160];
		lc_view_label(r, i, label, sizeof(label));
		sf(s, "%s: ", lc_verdict_name(m->verdict));
		if (label[0])
			sf(s, "%s ", label);
		sf(s, "%s = %s %s", m->name, num(m->value, a), m->unit ? m->unit : "");
		if (m->limit.comparison != LC_LIMIT_NONE && lc_view_unconfirmed(r, i)) {
			sf(s, ", judged against an unconfirmed limit");
		} else if (m->limit.comparison != LC_LIMIT_NONE) {
			sf(s, ", limit ");
			limit_text(s, &m->limit);
			sf(s, ", margin %s", num(m->margin, b));
		}
		reason(doc, sv(s), lc_pdf_verdict_fg(m->verdict));
		listed++;
	}
	size_t uncertified = lc_view_not_certified_count(r);
	if (uncertified) {
		sreset(s);
		sf(s, "Not certified: %zu result%s pass only against limits marked UNCONFIRMED in the reference material "
		      "(see Limits). They are measured and recorded, but this report does not certify them.",
		   uncertified, uncertified == 1 ? "" : "s");
		reason(doc, sv(s), lc_pdf_verdict_fg(LC_VERDICT_INCONCLUSIVE));
	}
	sreset(s);
	if (beyond)
		sf(s, "And %zu more measurements outside their limits or not judged: see the tables.", beyond);
	else if (lc_result_step_count(r) == 0)
		sf(s, "Nothing was measured.");
	else if (v == LC_VERDICT_PASS && !uncertified)
		sf(s, "All %zu measurements are within their limits.", nm);
	if (s->len)
		reason(doc, sv(s), 0);
}

static const lc_pdf_column approval_cols[] = {
	{"Approver", 150, LC_PDF_LEFT, LC_PDF_SMALL},
	{"At (UTC)", 110, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Key", LC_PDF_WIDTH - 260, LC_PDF_LEFT, LC_PDF_MONO},
};

/* QA approvals, verified before the PDF was rendered (as the HTML's "Approved by"). */
static void approvals(lc_pdf_doc *doc, const lc_pdf_options *opt)
{
	if (!opt->n_approvals)
		return;
	lc_pdf_heading(doc, LC_PDF_H2, "Approved by", 40, false, LC_VERDICT_NONE);
	lc_pdf_table t;
	lc_pdf_table_begin(doc, &t, approval_cols, 3);
	for (size_t i = 0; i < opt->n_approvals; i++) {
		const lc_view_approval *a = &opt->approvals[i];
		char key[200];
		snprintf(key, sizeof(key), "%s %s", a->key_id, a->public_key);
		lc_pdf_cell cells[3] = {{a->name, 0, false, 0, NULL}, {a->time, 0, false, 0, NULL}, {key, 0, false, 0, NULL}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);
	lc_pdf_paragraph(doc, LC_PDF_SMALL,
			 "Each approval is a minisign signature of its own over report.json: minisign -Vm report.json -x "
			 "report.json.approval-KEY.minisig -p APPROVER.pub, or lanecert verify --approver APPROVER.pub.",
			 0, 0x555555);
}

static void identity(lc_pdf_doc *doc, const lc_result *r)
{
	lc_view_pair p[12];
	lc_view_identity_texts t;
	size_t n = lc_view_identity(r, p, 12, &t);
	if (!n)
		return;
	lc_pdf_heading(doc, LC_PDF_H2, "Customer and cable", 40, false, LC_VERDICT_NONE);
	const char *kv[12][2], *description = NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(p[i].label, "Cable") == 0) { /* a sentence: the page's width, never cut */
			description = p[i].value;
			continue;
		}
		kv[k][0] = p[i].label, kv[k][1] = p[i].value, k++;
	}
	kv_grid(doc, kv, k, NULL);
	if (description) {
		double h = lc_pdf_text_height(doc, LC_PDF_BODY, description, LC_PDF_WIDTH - 68, 12);
		lc_pdf_need(doc, h);
		lc_pdf_text_at(doc, LC_PDF_SMALL_B, "Cable", LC_PDF_MARGIN, doc->y + 1, 64, 1, LC_PDF_LEFT, 0x555555);
		lc_pdf_text_at(doc, LC_PDF_BODY, description, LC_PDF_MARGIN + 68, doc->y, LC_PDF_WIDTH - 68, 12,
			       LC_PDF_LEFT, 0);
		doc->y += h + 3;
	}
}

static void summary(lc_pdf_doc *doc, const lc_result *r, const lc_pdf_options *opt, struct str *s)
{
	lc_pdf_heading(doc, LC_PDF_H2, "Summary", 40, false, LC_VERDICT_NONE);
	lc_result_dut d = lc_result_get_dut(r);
	char slot[48], t1[40], t2[40];
	if (d.attempt > 0)
		snprintf(slot, sizeof(slot), "%d (attempt %d)", d.slot, d.attempt);
	else
		snprintf(slot, sizeof(slot), "%d", d.slot);
	bool custom;
	const char *psha = lc_result_procedure_sha256(r, &custom);
	sf(s, "%s %s%s%s", or_dash(lc_result_procedure_name(r)),
	   lc_result_procedure_version(r) ? lc_result_procedure_version(r) : "",
	   psha && custom ? ", custom file SHA-256 " : "", psha && custom ? psha : "");
	struct str verify = {.doc = doc};
	sf(&verify, "minisign -Vm report.json -p %s", opt->pubkey_hint ? opt->pubkey_hint : "STATION.pub");
	const char *kv[][2] = {
		{"Procedure", sv(s)},          {"Slot", slot},
		{"Start", when(lc_result_start_ms(r), t1)}, {"End", when(lc_result_end_ms(r), t2)},
		{"Channel digest", or_dash(d.channel_digest)}, {"Verify with", sv(&verify)},
	};
	kv_grid(doc, kv, sizeof(kv) / sizeof(kv[0]), NULL);
	free(verify.p);
	if (opt->public_key) { /* the whole key, to compare with the station's .pub: the id alone is 64 bits */
		double h = lc_pdf_text_height(doc, LC_PDF_MONO, opt->public_key, LC_PDF_WIDTH - 68, 2);
		lc_pdf_need(doc, h);
		lc_pdf_text_at(doc, LC_PDF_SMALL_B, "Public key", LC_PDF_MARGIN, doc->y + 1, 64, 1, LC_PDF_LEFT, 0x555555);
		lc_pdf_text_at(doc, LC_PDF_MONO, opt->public_key, LC_PDF_MARGIN + 68, doc->y, LC_PDF_WIDTH - 68, 2,
			       LC_PDF_LEFT, 0);
		doc->y += h + 3;
	}
}

static const lc_pdf_column step_cols[] = {
	{"Fiber / port", 62, LC_PDF_LEFT, LC_PDF_SMALL},  {"Measurement", 66, LC_PDF_LEFT, LC_PDF_SMALL},
	{"\xce\xbb (nm)", 36, LC_PDF_RIGHT, LC_PDF_SMALL}, {"Value", 40, LC_PDF_RIGHT, LC_PDF_SMALL},
	{"Unit", 28, LC_PDF_LEFT, LC_PDF_SMALL},          {"Limit", 62, LC_PDF_RIGHT, LC_PDF_SMALL},
	{"Margin", 40, LC_PDF_RIGHT, LC_PDF_SMALL},       {"Verdict", 62, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Details", LC_PDF_WIDTH - 396, LC_PDF_LEFT, LC_PDF_SMALL},
};

static void measurement_row(lc_pdf_doc *doc, lc_pdf_table *t, const lc_result *r, size_t k, struct str *lim,
			    struct str *det, lc_view_limits *lims)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, k, NULL);
	char label[160], wl[32], val[32], mar[32];
	lc_view_label(r, k, label, sizeof(label));
	sreset(lim), sreset(det);
	bool unconf = m->limit.comparison != LC_LIMIT_NONE && lc_view_unconfirmed(r, k);
	size_t ln = m->limit.comparison != LC_LIMIT_NONE ? lc_view_limit_number(lims, r, k) : 0;
	if (unconf)
		sf(lim, "unconfirmed"); /* never the number: it is no certification limit */
	else
		limit_text(lim, &m->limit);
	if (ln)
		sf(lim, " L%zu", ln);
	for (size_t e = 0, shown = 0; e < lc_result_extra_count(r, k); e++) {
		const lc_result_extra *x = lc_result_extra_at(r, k, e);
		if (lc_view_extra_hidden(x->key))
			continue; /* in the label and limit cells, and the Limits section */
		char n[32];
		sf(det, "%s%s=%s", shown++ ? ", " : "", x->key, x->is_string ? x->string : num(x->number, n));
	}
	lc_pdf_cell cells[] = {
		{label, 0, false, 0, NULL},
		{m->name, 0, false, 0, NULL},
		{num(m->wavelength_nm, wl), 0, false, 0, NULL},
		{num(m->value, val), 0, false, 0, NULL},
		{m->unit ? m->unit : "", 0, false, 0, NULL},
		{sv(lim), unconf ? 0xb05a00 : 0, false, 0, NULL},
		{num(unconf ? NAN : m->margin, mar), !unconf && m->margin < 0 ? 0xb00000 : 0, false, 0, NULL},
		{NULL, 0, true, m->verdict, lc_view_not_certified(r, k) ? LC_VIEW_NOT_CERTIFIED : NULL},
		{sv(det), 0x444444, false, 0, NULL},
	};
	lc_pdf_table_row(doc, t, cells);
}

static void steps(lc_pdf_doc *doc, const lc_result *r, lc_view_limits *lims)
{
	lc_pdf_heading(doc, LC_PDF_H2, "Steps and measurements", 60, false, LC_VERDICT_NONE);
	struct str lim = {.doc = doc}, det = {.doc = doc};
	for (size_t i = 0; i < lc_result_step_count(r); i++) {
		const lc_result_step *st = lc_result_step_at(r, i);
		lc_pdf_heading_word(doc, LC_PDF_H3, st->name, 40, true, lc_result_step_verdict(r, i), lc_view_step_word(r, i));
		lc_pdf_table t;
		lc_pdf_table_begin(doc, &t, step_cols, sizeof(step_cols) / sizeof(step_cols[0]));
		size_t shown = 0;
		for (size_t k = 0; k < lc_result_measurement_count(r); k++) {
			size_t at;
			lc_result_measurement_at(r, k, &at);
			if (at == i) {
				measurement_row(doc, &t, r, k, &lim, &det, lims);
				shown++;
			}
		}
		lc_pdf_table_end(doc, &t);
		if (!shown && !st->error)
			lc_pdf_paragraph(doc, LC_PDF_MISSING, "No measurement was recorded in this step.", 0, 0);
		if (st->error)
			lc_pdf_paragraph(doc, LC_PDF_MISSING, st->error, 0, 0);
	}
	free(lim.p), free(det.p);
}

static const lc_pdf_column leg_cols[] = {
	{"Leg", 60, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Results", 50, LC_PDF_RIGHT, LC_PDF_SMALL},
	{"Verdict", 80, LC_PDF_LEFT, LC_PDF_SMALL},
};

/* Per leg of a breakout: how many results and the worst verdict (as the HTML's Legs table). */
#define LEGS_MAX 64
static void legs(lc_pdf_doc *doc, const lc_result *r)
{
	lc_view_leg_tally leg[LEGS_MAX];
	size_t nl = lc_view_legs(r, leg, LEGS_MAX);
	if (nl < 2)
		return;
	lc_pdf_heading(doc, LC_PDF_H2, "Legs", 40, false, LC_VERDICT_NONE);
	lc_pdf_table t;
	lc_pdf_table_begin(doc, &t, leg_cols, 3);
	for (size_t k = 0; k < nl; k++) {
		char n[24];
		snprintf(n, sizeof(n), "%zu", leg[k].n);
		lc_pdf_cell cells[3] = {{leg[k].name, 0, false, 0, NULL}, {n, 0, false, 0, NULL},
					{NULL, 0, true, leg[k].worst, leg[k].word}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);
}

static const lc_pdf_column map_cols[] = {
	{"Fiber", 120, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Expected far end", 120, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Measured far end", 120, LC_PDF_LEFT, LC_PDF_SMALL},
	{"", LC_PDF_WIDTH - 360, LC_PDF_LEFT, LC_PDF_SMALL},
};

struct map_ctx {
	lc_pdf_doc *doc;
	lc_pdf_table *t;
};

static void map_row(void *user, const char *from, const char *expected, const char *measured, bool differs)
{
	struct map_ctx *c = user;
	unsigned red = lc_pdf_verdict_fg(LC_VERDICT_FAIL);
	lc_pdf_cell cells[4] = {{from, 0, false, 0, NULL},
				{expected, 0, false, 0, NULL},
				{measured, differs ? red : 0, false, 0, NULL},
				{differs ? "\xe2\x89\xa0 mismatch" : "\xe2\x9c\x93", differs ? red : 0, false, 0, NULL}};
	lc_pdf_table_row(c->doc, c->t, cells);
}

/* Each fiber's expected far end against the measured one (as the HTML's "Fiber map"). */
static void fiber_map(lc_pdf_doc *doc, const lc_result *r)
{
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "fiber_map") != 0 || !lc_view_extra(r, i, "map"))
			continue;
		lc_pdf_heading(doc, LC_PDF_H2, "Fiber map", 40, false, LC_VERDICT_NONE);
		lc_pdf_table t;
		lc_pdf_table_begin(doc, &t, map_cols, 4);
		struct map_ctx c = {doc, &t};
		lc_view_fiber_map(r, i, map_row, &c);
		lc_pdf_table_end(doc, &t);
	}
}

static const lc_pdf_column event_cols[] = {
	{"Position (m)", 56, LC_PDF_RIGHT, LC_PDF_SMALL}, {"Event", 150, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Loss (dB)", 50, LC_PDF_RIGHT, LC_PDF_SMALL},    {"Loss limit", 56, LC_PDF_RIGHT, LC_PDF_SMALL},
	{"Reflectance (dB)", 66, LC_PDF_RIGHT, LC_PDF_SMALL}, {"Refl. limit", 62, LC_PDF_RIGHT, LC_PDF_SMALL},
	{"Verdict", LC_PDF_WIDTH - 440, LC_PDF_LEFT, LC_PDF_SMALL},
};

static void event_limit(struct str *s, const lc_result *r, size_t k)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, k, NULL);
	if (m->limit.comparison != LC_LIMIT_NONE && lc_view_unconfirmed(r, k))
		sf(s, "unconfirmed");
	else
		limit_text(s, &m->limit);
}

/* Per fiber and wavelength, the OTDR's events as a table (as the HTML's "OTDR events"). */
static void otdr_events(lc_pdf_doc *doc, const lc_result *r)
{
	long prev = -1;
	lc_pdf_table t;
	struct str ev = {.doc = doc}, ll = {.doc = doc}, rl = {.doc = doc}, head = {.doc = doc};
	for (size_t i = 0; i < lc_result_measurement_count(r) && !doc->err; i++) {
		if (!lc_view_is_event(r, i))
			continue;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		char a[32], b[32], pos[32];
		if (prev < 0 || !lc_view_same_trace(r, (size_t)prev, i)) {
			if (prev < 0)
				lc_pdf_heading(doc, LC_PDF_H2, "OTDR events", 60, false, LC_VERDICT_NONE);
			else
				lc_pdf_table_end(doc, &t);
			char label[160];
			lc_view_label(r, i, label, sizeof(label));
			sreset(&head);
			sf(&head, "%s at %s nm", label, num(m->wavelength_nm, a));
			lc_pdf_heading(doc, LC_PDF_H3, sv(&head), 40, false, LC_VERDICT_NONE);
			lc_pdf_table_begin(doc, &t, event_cols, sizeof(event_cols) / sizeof(event_cols[0]));
		}
		prev = (long)i;
		long rk = lc_view_event_reflectance(r, i);
		const lc_result_measurement *rm = rk >= 0 ? lc_result_measurement_at(r, (size_t)rk, NULL) : NULL;
		const char *type = lc_view_extra(r, i, "event"), *design = lc_view_extra(r, i, "design_event");
		const char *finding = lc_view_extra(r, i, "finding");
		sreset(&ev), sreset(&ll), sreset(&rl);
		sf(&ev, "%s", type ? type : "");
		if (design)
			sf(&ev, " (%s)", design);
		else if (finding)
			sf(&ev, ": %s", finding);
		event_limit(&ll, r, i);
		if (rm)
			event_limit(&rl, r, (size_t)rk);
		else
			sf(&rl, DASH);
		snprintf(pos, sizeof(pos), "%.1f", lc_view_extra_number(r, i, "position_m"));
		enum lc_verdict v = rm ? lc_verdict_max(m->verdict, rm->verdict) : m->verdict;
		bool uncert = v == LC_VERDICT_PASS &&
			      (lc_view_not_certified(r, i) || (rk >= 0 && lc_view_not_certified(r, (size_t)rk)));
		lc_pdf_cell cells[] = {
			{pos, 0, false, 0, NULL},
			{sv(&ev), 0, false, 0, NULL},
			{num(m->value, a), 0, false, 0, NULL},
			{sv(&ll), 0, false, 0, NULL},
			{num(rm ? rm->value : NAN, b), 0, false, 0, NULL},
			{sv(&rl), 0, false, 0, NULL},
			{NULL, 0, true, v, uncert ? LC_VIEW_NOT_CERTIFIED : NULL},
		};
		lc_pdf_table_row(doc, &t, cells);
	}
	if (prev >= 0)
		lc_pdf_table_end(doc, &t);
	free(ev.p), free(ll.p), free(rl.p), free(head.p);
}

static const lc_pdf_column limit_cols[] = {
	{"", 24, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Source, clause and how the limit is made", LC_PDF_WIDTH - 24, LC_PDF_LEFT, LC_PDF_SMALL},
};

static void limits_section(lc_pdf_doc *doc, const lc_result *r, const lc_view_limits *lims)
{
	if (lims->n == 0)
		return;
	lc_pdf_heading(doc, LC_PDF_H2, "Limits", 40, false, LC_VERDICT_NONE);
	lc_pdf_table t;
	lc_pdf_table_begin(doc, &t, limit_cols, 2);
	for (size_t i = 0; i < lims->n; i++) {
		char n[24], sentence[1024];
		snprintf(n, sizeof(n), "L%zu", i + 1);
		lc_view_limit_sentence(r, lims->first[i], sentence, sizeof(sentence));
		lc_pdf_cell cells[2] = {{n, 0, false, 0, NULL}, {sentence, 0, false, 0, NULL}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);
}

/* The plots' sizes, decided before the layout by the plotter (reports/pdf_plotter_priv.h), and the frames
 * left for its finish(). */
struct plot_frames {
	const lc_pdf_plotter *pl;
	lc_pdf_plot_box *boxes;
	lc_pdf_frame *frames;
	size_t n, cap;
};

static void plots(lc_pdf_doc *doc, const lc_plot_set *ps, struct plot_frames *pf, lc_pdf_info *info,
		  struct str *s)
{
	if (ps->n == 0)
		return;
	lc_pdf_heading(doc, LC_PDF_H2, "Plots", 120, false, LC_VERDICT_NONE);
	for (size_t i = 0; i < ps->n && !doc->err; i++) {
		const lc_plot *p = &ps->plots[i];
		const lc_pdf_plot_box *b = &pf->boxes[i];
		if (p->svg && b->ok) {
			double height = b->h * LC_PDF_WIDTH / b->w;
			lc_pdf_need(doc, height);
			if (doc->err)
				return;
			lc_pdf_frame f = {i, doc->n_pages, LC_PDF_MARGIN, doc->y, LC_PDF_WIDTH, height};
			if (!doc->measuring && pf->pl->draw) {
				int rc = pf->pl->draw(doc, p->svg, &f, &doc->diag);
				if (rc < 0) {
					doc->err = rc;
					return;
				}
			} else if (!doc->measuring) {
				if (pf->n == pf->cap) {
					size_t cap = pf->cap ? pf->cap * 2 : 8;
					lc_pdf_frame *nf = realloc(pf->frames, cap * sizeof(*nf));
					if (!nf) {
						doc->err = lc_diag_set(&doc->diag, LC_ERR_NOMEM, "PDF: out of memory");
						return;
					}
					pf->frames = nf, pf->cap = cap;
				}
				pf->frames[pf->n++] = f;
			}
			doc->y += height + 6;
			info->plots_drawn++;
			continue;
		}
		info->plots_missing++;
		sreset(s);
		sf(s, "Plot missing: %s (%s)", p->title, p->svg ? b->why : p->error ? p->error : "no SVG");
		lc_pdf_paragraph(doc, LC_PDF_MISSING, sv(s), 0, 0);
	}
}

/* The document's sections, in reading order: called once per pass of the layout (reports/pdf_layout_priv.h). */
static void body(const lc_result *r, const lc_plot_set *ps, struct plot_frames *pf, const lc_pdf_options *opt,
		 lc_pdf_doc *doc, lc_pdf_info *info)
{
	struct str s = {.doc = doc};
	lc_view_limits *lims = calloc(1, sizeof(*lims));
	if (!lims) {
		if (!doc->err)
			doc->err = lc_diag_set(&doc->diag, LC_ERR_NOMEM, "PDF: out of memory");
		return;
	}
	title_block(doc, r, &s);
	reasons(doc, r, &s);
	sreset(&s);
	approvals(doc, opt);
	identity(doc, r);
	summary(doc, r, opt, &s);
	legs(doc, r);
	fiber_map(doc, r);
	steps(doc, r, lims);
	otdr_events(doc, r);
	limits_section(doc, r, lims);
	free(lims);
	plots(doc, ps, pf, info, &s);
	lc_pdf_equipment(doc, r);
	lc_pdf_space(doc, 8);
	lc_pdf_paragraph(doc, LC_PDF_SMALL,
			 "Rendered from report.json (format " LC_REPORT_FORMAT " 1). The signed record is the JSON file; "
			 "this document is a view of it.",
			 0, 0x555555);
	free(s.p);
}

static int render(const lc_result *r, const lc_plot_set *ps, struct plot_frames *pf, const lc_pdf_options *opt,
		  lc_pdf_doc *doc, lc_pdf_info *info, lc_pdf_mem *out)
{
	lc_result_dut d = lc_result_get_dut(r);
	char running[400];
	snprintf(running, sizeof(running), "Certification report " DASH " %s " DASH " %s", or_dash(d.serial),
		 or_dash(d.cable_type));
	if (lc_pdf_doc_init(doc, running, lc_result_verdict(r)) < 0)
		return doc->err;
	doc->verdict_word = lc_view_run_word(r);
	body(r, ps, pf, opt, doc, info); /* the measuring pass */
	if (doc->err)
		return doc->err;
	char title[300], subject[600], date[32] = "", footer[PATH_MAX + 64];
	snprintf(title, sizeof(title), "Certification report %s", or_dash(d.serial));
	snprintf(subject, sizeof(subject), "%s %s: %s", or_dash(d.cable_type), or_dash(d.serial),
		 lc_verdict_name(lc_result_verdict(r)));
	/* The document's date is the run's, not the rendering's: the same JSON gives the same PDF. */
	int64_t t = lc_result_end_ms(r) != LC_TIME_NONE ? lc_result_end_ms(r) : lc_result_start_ms(r);
	if (t != LC_TIME_NONE && lc_time_format(t, date, NULL) == 0)
		strcpy(date + 19, "Z");
	snprintf(footer, sizeof(footer), "verify: minisign -Vm report.json -p %s",
		 opt->pubkey_hint ? opt->pubkey_hint : "STATION.pub");
	const char *meta[5] = {title, lc_result_station_name(r), subject, "lanecert " LC_VERSION_STRING,
			       *date ? date : NULL};
	if (lc_pdf_doc_draw(doc, lc_pdf_mem_write, out, footer, meta) < 0)
		return doc->err;
	*info = (lc_pdf_info){0}; /* the plots are counted once, as drawn */
	body(r, ps, pf, opt, doc, info);
	int rc = lc_pdf_doc_finish(doc);
	info->pages = (int)doc->n_pages;
	return rc;
}

int lc_report_pdf_render_with(const char *json, size_t len, const lc_pdf_options *opt, const lc_pdf_plotter *pl,
			      char **pdf, size_t *pdf_len, lc_pdf_info *info, lc_diag *diag)
{
	lc_pdf_options defaults = {0};
	lc_pdf_info ignored;
	if (!opt)
		opt = &defaults;
	if (!info)
		info = &ignored;
	*info = (lc_pdf_info){0};
	if (!json || !pdf || !pdf_len || !pl)
		return lc_diag_set(diag, LC_ERR_ARG, "PDF: no report, no output or no plotter");
	*pdf = NULL;
	*pdf_len = 0;
	lc_result *r;
	int rc = lc_report_json_read(json, len, &r, diag);
	if (rc < 0)
		return rc;
	lc_plot_set own = {0};
	const lc_plot_set *ps = opt->plots;
	if (!ps) {
		int to = opt->plot_timeout_ms ? opt->plot_timeout_ms : 20000;
		if ((rc = lc_plots_make(r, opt->gnuplot, to, &own, diag)) < 0) {
			lc_result_free(r);
			return rc;
		}
		ps = &own;
	}
	struct plot_frames pf = {.pl = pl, .boxes = calloc(ps->n ? ps->n : 1, sizeof(lc_pdf_plot_box))};
	if (!pf.boxes)
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "PDF: out of memory");
	else if (ps->n)
		rc = pl->measure(pl, ps, pf.boxes, diag); /* which plots can be drawn, before any layout */
	lc_pdf_mem out = {0};
	if (rc == 0) {
		lc_pdf_doc doc;
		rc = render(r, ps, &pf, opt, &doc, info, &out);
		if (rc < 0 && diag)
			*diag = doc.diag;
		lc_pdf_doc_free(&doc);
	}
	if (rc == 0 && pf.n && pl->finish)
		rc = pl->finish(pl, ps, pf.frames, pf.n, &out, diag);
	free(pf.boxes);
	free(pf.frames);
	lc_plots_free(&own);
	lc_result_free(r);
	if (rc < 0) {
		free(out.p);
		return rc;
	}
	*pdf = out.p;
	*pdf_len = out.len;
	return 0;
}

static bool pdf_wanted(const lc_report_job *job)
{
	return !job->opt->no_pdf;
}

static int pdf_render(lc_report_job *job, lc_report_bytes *out, lc_diag *diag)
{
	char pk[128] = "";
	if (job->public_key)
		snprintf(pk, sizeof(pk), "%s", job->public_key);
	else
		lc_report_public_key_line(job->key, pk, sizeof(pk));
	lc_pdf_options po = {.plots = job->have_plots ? &job->plots : NULL, .gnuplot = job->opt->gnuplot,
			     .pubkey_hint = job->opt->pubkey_hint, .public_key = pk[0] ? pk : NULL};
	lc_pdf_info info;
	char *pdf = NULL;
	size_t len = 0;
	if (!job->plotter)
		return lc_diag_set(diag, LC_ERR_STATE, "PDF: no plotter for the report's plots");
	int rc = lc_report_pdf_render_with(job->json, job->json_len, &po, job->plotter, &pdf, &len, &info, diag);
	if (rc < 0)
		return rc;
	if (!job->have_plots) /* the plots were drawn for the PDF alone */
		job->paths->plots_drawn = info.plots_drawn, job->paths->plots_missing = info.plots_missing;
	*out = (lc_report_bytes){.data = pdf, .len = len, .owned = pdf};
	return 0;
}

const lc_report_format lc_report_format_pdf = {
	.name = "pdf",
	.file = LC_REPORT_PDF_FILE,
	.media_type = "application/pdf",
	.path_offset = offsetof(lc_report_paths, pdf),
	.wanted = pdf_wanted,
	.render = pdf_render,
};
