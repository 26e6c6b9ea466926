/* JSON report -> self-contained HTML (reports/report_html.h). */
#include "reports/report_html.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/cert_view_priv.h"
#include "reports/html_out_priv.h"
#include "reports/report_format_priv.h"
#include "reports/report_json.h"

static void number(lc_html_out *o, double v)
{
	if (isnan(v))
		lc_html_lit(o, "\xe2\x80\x94");
	else
		lc_html_fmt(o, "%.4g", v);
}

static void when(lc_html_out *o, int64_t ms)
{
	char buf[32];
	if (ms == LC_TIME_NONE || lc_time_format(ms, buf, NULL) < 0) {
		lc_html_lit(o, "\xe2\x80\x94");
		return;
	}
	buf[19] = 0; /* seconds are enough for people; the JSON keeps the milliseconds */
	buf[10] = ' ';
	lc_html_text(o, buf);
	lc_html_lit(o, " UTC");
}

static void badge(lc_html_out *o, enum lc_verdict v)
{
	lc_html_fmt(o, "<span class=\"v v-%s\">%s</span>", lc_verdict_name(v), lc_verdict_name(v));
}

/* A measurement's or run's badge as the certificate shows it: NOT CERTIFIED for a pass that rests on an
 * unconfirmed limit (reports/cert_view_priv.h). */
static void badge_word(lc_html_out *o, enum lc_verdict v, const char *word)
{
	if (word)
		lc_html_fmt(o, "<span class=\"v v-uncertified\">%s</span>", word);
	else
		badge(o, v);
}

static const char *cmp_symbol(enum lc_result_cmp c)
{
	switch (c) {
	case LC_LIMIT_LE: return "\xe2\x89\xa4 ";
	case LC_LIMIT_LT: return "&lt; ";
	case LC_LIMIT_GE: return "\xe2\x89\xa5 ";
	case LC_LIMIT_GT: return "&gt; ";
	default: return "";
	}
}

static void limit(lc_html_out *o, const lc_result_limit *l)
{
	if (l->comparison == LC_LIMIT_NONE) {
		lc_html_lit(o, "\xe2\x80\x94");
	} else if (l->comparison == LC_LIMIT_BETWEEN) {
		number(o, l->low);
		lc_html_lit(o, " \xe2\x80\xa6 ");
		number(o, l->high);
	} else {
		lc_html_lit(o, cmp_symbol(l->comparison));
		number(o, l->comparison <= LC_LIMIT_LT ? l->high : l->low);
	}
}

static const char css[] =
	"<style>\n"
	"body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1100px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:28px}\n"
	"table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}\n"
	"th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".v{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:bold;text-transform:uppercase;font-size:12px}\n"
	".v-pass{background:#d8f0d8;color:#1a5e1a}.v-fail{background:#f8d4d4;color:#8b1010}\n"
	".v-error,.v-aborted{background:#f8e0b0;color:#6b4200}.v-inconclusive,.v-none{background:#e4e4f4;color:#30306b}\n"
	".big .v{font-size:28px;padding:6px 18px}.neg{color:#b00000;font-weight:bold}\n"
	".reasons li{margin:2px 0}.missing{color:#8b1010;font-style:italic}.plot svg{max-width:100%;height:auto}\n"
	"code{font-size:12px;word-break:break-all}td.u,td.n{white-space:nowrap}.v-uncertified{background:#fde7c8;color:#7a3e00}\n"
	".note{color:#7a3e00}sup{font-size:10px;color:#555}\n"
	"@media print{body{margin:0}h2{page-break-after:avoid}table,.plot{page-break-inside:avoid}}\n"
	"</style>\n";

static void reasons(lc_html_out *o, const lc_result *r)
{
	enum lc_verdict v = lc_result_verdict(r);
	lc_html_lit(o, "<ul class=\"reasons\">\n");
	size_t listed = 0, nm = lc_result_measurement_count(r);
	if (lc_result_reason(r)) {
		lc_html_lit(o, "<li>");
		lc_html_text(o, lc_result_reason(r));
		lc_html_lit(o, "</li>\n");
		listed++;
	}
	for (size_t i = 0; i < lc_result_step_count(r); i++) {
		const lc_result_step *s = lc_result_step_at(r, i);
		if (s->error) {
			lc_html_lit(o, "<li>Step <b>");
			lc_html_text(o, s->name);
			lc_html_lit(o, "</b>: ");
			lc_html_text(o, s->error);
			lc_html_lit(o, "</li>\n");
			listed++;
		} else if (lc_result_step_verdict(r, i) == LC_VERDICT_NONE) {
			lc_html_lit(o, "<li>Step <b>");
			lc_html_text(o, s->name);
			lc_html_lit(o, s->ended ? "</b> judged nothing</li>\n" : "</b> did not finish</li>\n");
			listed++;
		}
	}
	for (size_t i = 0; i < nm && listed < 40; i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (m->verdict <= LC_VERDICT_PASS)
			continue;
		char label[160];
		lc_view_label(r, i, label, sizeof(label));
		lc_html_lit(o, "<li>");
		badge(o, m->verdict);
		lc_html_lit(o, " ");
		if (label[0]) {
			lc_html_text(o, label);
			lc_html_lit(o, " ");
		}
		lc_html_text(o, m->name);
		lc_html_lit(o, " = ");
		number(o, m->value);
		lc_html_lit(o, " ");
		if (m->unit)
			lc_html_text(o, m->unit);
		if (m->limit.comparison != LC_LIMIT_NONE && !lc_view_unconfirmed(r, i)) {
			lc_html_lit(o, ", limit ");
			limit(o, &m->limit);
			lc_html_lit(o, ", margin ");
			number(o, m->margin);
		} else if (m->limit.comparison != LC_LIMIT_NONE) {
			lc_html_lit(o, ", judged against an unconfirmed limit");
		}
		lc_html_lit(o, "</li>\n");
		listed++;
	}
	size_t uncertified = lc_view_not_certified_count(r);
	if (uncertified)
		lc_html_fmt(o, "<li class=\"note\"><b>Not certified:</b> %zu result%s pass only against limits marked UNCONFIRMED in "
		       "the reference material (see Limits). They are measured and recorded, but this report does not "
		       "certify them.</li>\n", uncertified, uncertified == 1 ? "" : "s");
	if (lc_result_step_count(r) == 0)
		lc_html_lit(o, "<li>Nothing was measured.</li>\n");
	else if (v == LC_VERDICT_PASS && !uncertified)
		lc_html_fmt(o, "<li>All %zu measurements are within their limits.</li>\n", nm);
	lc_html_lit(o, "</ul>\n");
}

static void summary(lc_html_out *o, const lc_result *r, const lc_html_options *opt)
{
	lc_result_dut d = lc_result_get_dut(r);
	lc_html_lit(o, "<table>\n<tr><th>DUT serial</th><td>");
	lc_html_text(o, d.serial);
	lc_html_lit(o, "</td><th>Cable type</th><td>");
	lc_html_text(o, d.cable_type);
	lc_html_fmt(o, "</td></tr>\n<tr><th>Slot</th><td>%d", d.slot);
	if (d.attempt > 0)
		lc_html_fmt(o, " (attempt %d for this serial)", d.attempt);
	lc_html_lit(o, "</td><th>Channel model digest</th><td><code>");
	lc_html_text(o, d.channel_digest);
	lc_html_lit(o, "</code></td></tr>\n<tr><th>Station</th><td>");
	lc_html_text(o, lc_result_station_name(r));
	lc_html_lit(o, " (");
	lc_html_text(o, lc_result_station_id(r));
	lc_html_lit(o, ")</td><th>Operator</th><td>");
	lc_html_text(o, lc_result_operator(r));
	lc_html_lit(o, "</td></tr>\n<tr><th>Procedure</th><td>");
	lc_html_text(o, lc_result_procedure_name(r));
	lc_html_lit(o, " ");
	lc_html_text(o, lc_result_procedure_version(r));
	bool custom;
	const char *psha = lc_result_procedure_sha256(r, &custom);
	if (psha && custom) { /* not one of the installed procedures: say which bytes ran */
		lc_html_lit(o, "<br>custom procedure file, SHA-256 <code>");
		lc_html_text(o, psha);
		lc_html_lit(o, "</code>");
	}
	lc_html_lit(o, "</td><th>Software</th><td>lanecert ");
	lc_html_text(o, lc_result_software_version(r));
	lc_html_lit(o, "</td></tr>\n<tr><th>Start</th><td>");
	when(o, lc_result_start_ms(r));
	lc_html_lit(o, "</td><th>End</th><td>");
	when(o, lc_result_end_ms(r));
	lc_html_lit(o, "</td></tr>\n<tr><th>Signing key</th><td><code>");
	lc_html_text(o, lc_result_key_id(r));
	lc_html_lit(o, "</code></td><th>Verify with</th><td><code>minisign -Vm report.json -p ");
	lc_html_text(o, opt->pubkey_hint ? opt->pubkey_hint : "STATION.pub");
	lc_html_lit(o, "</code></td></tr>\n");
	if (opt->public_key) { /* the whole key, to compare with the station's .pub: the id alone is 64 bits */
		lc_html_lit(o, "<tr><th>Public key</th><td colspan=\"3\"><code class=\"pk\">");
		lc_html_text(o, opt->public_key);
		lc_html_lit(o, "</code></td></tr>\n");
	}
	lc_html_lit(o, "</table>\n");
}

/* QA approvals (verified by lc_report_render_views: never shown unverified), each with how to check it. */
static void approvals(lc_html_out *o, const lc_html_options *opt)
{
	if (!opt->n_approvals)
		return;
	lc_html_lit(o, "<h2 id=\"approvals\">Approved by</h2>\n<table class=\"approvals\">\n<tr><th>Approver</th><th>At (UTC)</th>"
	       "<th>Key</th><th>Check with</th></tr>\n");
	for (size_t i = 0; i < opt->n_approvals; i++) {
		const lc_view_approval *a = &opt->approvals[i];
		lc_html_lit(o, "<tr><td>");
		lc_html_text(o, a->name);
		lc_html_lit(o, "</td><td class=\"u\">");
		lc_html_text(o, a->time);
		lc_html_lit(o, "</td><td><code>");
		lc_html_text(o, a->key_id);
		lc_html_lit(o, "</code><br><code class=\"pk\">");
		lc_html_text(o, a->public_key);
		lc_html_lit(o, "</code></td><td><code>minisign -Vm report.json -x report.json.approval-");
		lc_html_text(o, a->key_id);
		lc_html_lit(o, ".minisig -p APPROVER.pub</code></td></tr>\n");
	}
	lc_html_lit(o, "</table>\n");
}

/* Who the cable is certified for and what it is: shown only with something to show. */
static void identity(lc_html_out *o, const lc_result *r)
{
	lc_view_pair p[12];
	lc_view_identity_texts t;
	size_t n = lc_view_identity(r, p, 12, &t);
	if (!n)
		return;
	lc_html_lit(o, "<h2 id=\"identity\">Customer and cable</h2>\n<table class=\"identity\">\n");
	for (size_t i = 0; i < n; i++) {
		lc_html_lit(o, "<tr><th>");
		lc_html_text(o, p[i].label);
		lc_html_lit(o, "</th><td>");
		lc_html_text(o, p[i].value);
		lc_html_lit(o, "</td></tr>\n");
	}
	lc_html_lit(o, "</table>\n");
}

static void limit_cell(lc_html_out *o, const lc_result *r, size_t k, lc_view_limits *lims)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, k, NULL);
	size_t ln = m->limit.comparison != LC_LIMIT_NONE ? lc_view_limit_number(lims, r, k) : 0;
	if (m->limit.comparison != LC_LIMIT_NONE && lc_view_unconfirmed(r, k))
		lc_html_lit(o, "<span class=\"note\">unconfirmed</span>"); /* never the number: it is no certification limit */
	else
		limit(o, &m->limit);
	if (ln)
		lc_html_fmt(o, " <sup>L%zu</sup>", ln);
}

static void steps(lc_html_out *o, const lc_result *r, lc_view_limits *lims)
{
	for (size_t i = 0; i < lc_result_step_count(r); i++) {
		const lc_result_step *s = lc_result_step_at(r, i);
		lc_html_lit(o, "<h3>");
		lc_html_text(o, s->name);
		lc_html_lit(o, " ");
		badge_word(o, lc_result_step_verdict(r, i), lc_view_step_word(r, i));
		lc_html_lit(o, "</h3>\n");
		size_t shown = 0;
		for (size_t k = 0; k < lc_result_measurement_count(r); k++) {
			size_t st;
			const lc_result_measurement *m = lc_result_measurement_at(r, k, &st);
			if (st != i)
				continue;
			if (shown++ == 0)
				lc_html_lit(o, "<table class=\"meas\">\n<tr><th>Fiber / port</th><th>Measurement</th><th>&lambda; (nm)</th>"
				       "<th>Value</th><th>Unit</th><th>Limit</th><th>Margin</th><th>Verdict</th><th>Details</th></tr>\n");
			char label[160];
			lc_view_label(r, k, label, sizeof(label));
			bool unconf = m->limit.comparison != LC_LIMIT_NONE && lc_view_unconfirmed(r, k);
			lc_html_lit(o, "<tr><td class=\"u\">");
			lc_html_text(o, label);
			lc_html_lit(o, "</td><td>");
			lc_html_text(o, m->name);
			lc_html_lit(o, "</td><td class=\"n\">");
			number(o, m->wavelength_nm);
			lc_html_lit(o, "</td><td class=\"n\">");
			number(o, m->value);
			lc_html_lit(o, "</td><td class=\"u\">");
			lc_html_text(o, m->unit ? m->unit : "");
			lc_html_lit(o, "</td><td class=\"n\">");
			limit_cell(o, r, k, lims);
			lc_html_lit(o, !unconf && m->margin < 0 ? "</td><td class=\"n neg\">" : "</td><td class=\"n\">");
			number(o, unconf ? NAN : m->margin);
			lc_html_lit(o, "</td><td>");
			badge_word(o, m->verdict, lc_view_not_certified(r, k) ? LC_VIEW_NOT_CERTIFIED : NULL);
			lc_html_lit(o, "</td><td>");
			for (size_t e = 0, shown_x = 0; e < lc_result_extra_count(r, k); e++) {
				const lc_result_extra *x = lc_result_extra_at(r, k, e);
				if (lc_view_extra_hidden(x->key))
					continue;
				if (shown_x++)
					lc_html_lit(o, ", ");
				lc_html_text(o, x->key);
				lc_html_lit(o, "=");
				if (x->is_string)
					lc_html_text(o, x->string);
				else
					number(o, x->number);
			}
			lc_html_lit(o, "</td></tr>\n");
		}
		if (shown)
			lc_html_lit(o, "</table>\n");
		if (s->error) {
			lc_html_lit(o, "<p class=\"missing\">");
			lc_html_text(o, s->error);
			lc_html_lit(o, "</p>\n");
		}
	}
}

/* Per leg of a breakout (B1 ... B8): how many results and the worst verdict, so that a customer sees which
 * leg failed without reading every row. Shown only when the results name at least two legs. */
#define LEGS_MAX 64
static void legs(lc_html_out *o, const lc_result *r)
{
	lc_view_leg_tally leg[LEGS_MAX];
	size_t nl = lc_view_legs(r, leg, LEGS_MAX);
	if (nl < 2)
		return;
	lc_html_lit(o, "<h2>Legs</h2>\n<table class=\"legs\">\n<tr><th>Leg</th><th>Results</th><th>Verdict</th></tr>\n");
	for (size_t k = 0; k < nl; k++) {
		lc_html_lit(o, "<tr><td>");
		lc_html_text(o, leg[k].name);
		lc_html_fmt(o, "</td><td class=\"n\">%zu</td><td>", leg[k].n);
		badge_word(o, leg[k].worst, leg[k].word);
		lc_html_lit(o, "</td></tr>\n");
	}
	lc_html_lit(o, "</table>\n");
}

static void map_row(void *user, const char *from, const char *expected, const char *measured, bool differs)
{
	lc_html_out *o = user;
	lc_html_lit(o, differs ? "<tr class=\"mismatch\"><td>" : "<tr><td>");
	lc_html_text(o, from);
	lc_html_lit(o, "</td><td>");
	lc_html_text(o, expected);
	lc_html_lit(o, differs ? "</td><td class=\"neg\">" : "</td><td>");
	lc_html_text(o, measured);
	lc_html_lit(o, differs ? "</td><td class=\"neg\">\xe2\x89\xa0 mismatch</td></tr>\n" : "</td><td>\xe2\x9c\x93</td></tr>\n");
}

/* Each fiber's expected far end against the measured one, mismatches marked (the fiber map step's record). */
static void fiber_map(lc_html_out *o, const lc_result *r)
{
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "fiber_map") != 0 || !lc_view_extra(r, i, "map"))
			continue;
		lc_html_lit(o, "<h2 id=\"fiber-map\">Fiber map</h2>\n<table class=\"fiber-map\">\n<tr><th>Fiber</th><th>Expected far end</th>"
		       "<th>Measured far end</th><th></th></tr>\n");
		lc_view_fiber_map(r, i, map_row, o);
		lc_html_lit(o, "</table>\n");
	}
}

/* Per fiber and wavelength, the OTDR's events as a table: where, what, its loss and reflectance against
 * their limits (the rows are also in the step's table; here they read as an OTDR event table does). */
static void event_limit(lc_html_out *o, const lc_result *r, size_t k)
{
	const lc_result_measurement *m = lc_result_measurement_at(r, k, NULL);
	if (m->limit.comparison != LC_LIMIT_NONE && lc_view_unconfirmed(r, k))
		lc_html_lit(o, "<span class=\"note\">unconfirmed</span>");
	else
		limit(o, &m->limit);
}

static void otdr_events(lc_html_out *o, const lc_result *r)
{
	long prev = -1;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		if (!lc_view_is_event(r, i))
			continue;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (prev < 0 || !lc_view_same_trace(r, (size_t)prev, i)) {
			if (prev < 0)
				lc_html_lit(o, "<h2>OTDR events</h2>\n");
			else
				lc_html_lit(o, "</table>\n");
			char label[160];
			lc_view_label(r, i, label, sizeof(label));
			lc_html_lit(o, "<h3>");
			lc_html_text(o, label);
			lc_html_lit(o, " at ");
			number(o, m->wavelength_nm);
			lc_html_lit(o, " nm</h3>\n<table class=\"events\">\n<tr><th>Position (m)</th><th>Event</th><th>Loss (dB)</th>"
			       "<th>Loss limit</th><th>Reflectance (dB)</th><th>Reflectance limit</th><th>Verdict</th></tr>\n");
		}
		prev = (long)i;
		long rk = lc_view_event_reflectance(r, i);
		const lc_result_measurement *rm = rk >= 0 ? lc_result_measurement_at(r, (size_t)rk, NULL) : NULL;
		const char *ev = lc_view_extra(r, i, "event"), *design = lc_view_extra(r, i, "design_event");
		const char *finding = lc_view_extra(r, i, "finding");
		lc_html_lit(o, "<tr><td class=\"n\">");
		lc_html_fmt(o, "%.1f", lc_view_extra_number(r, i, "position_m"));
		lc_html_lit(o, "</td><td>");
		lc_html_text(o, ev ? ev : "");
		if (design) {
			lc_html_lit(o, " (");
			lc_html_text(o, design);
			lc_html_lit(o, ")");
		} else if (finding) {
			lc_html_lit(o, " <span class=\"note\">");
			lc_html_text(o, finding);
			lc_html_lit(o, "</span>");
		}
		lc_html_lit(o, "</td><td class=\"n\">");
		number(o, m->value);
		lc_html_lit(o, "</td><td class=\"n\">");
		event_limit(o, r, i);
		lc_html_lit(o, "</td><td class=\"n\">");
		number(o, rm ? rm->value : NAN);
		lc_html_lit(o, "</td><td class=\"n\">");
		if (rm)
			event_limit(o, r, (size_t)rk);
		else
			lc_html_lit(o, "\xe2\x80\x94");
		lc_html_lit(o, "</td><td>");
		enum lc_verdict v = rm ? lc_verdict_max(m->verdict, rm->verdict) : m->verdict;
		bool uncert = v == LC_VERDICT_PASS && (lc_view_not_certified(r, i) || (rk >= 0 && lc_view_not_certified(r, (size_t)rk)));
		badge_word(o, v, uncert ? LC_VIEW_NOT_CERTIFIED : NULL);
		lc_html_lit(o, "</td></tr>\n");
	}
	if (prev >= 0)
		lc_html_lit(o, "</table>\n");
}

static void limits_section(lc_html_out *o, const lc_result *r, const lc_view_limits *lims)
{
	if (lims->n == 0)
		return;
	lc_html_lit(o, "<h2>Limits</h2>\n<table class=\"limits\">\n<tr><th></th><th>Source, clause and how the limit is made</th></tr>\n");
	for (size_t i = 0; i < lims->n; i++) {
		char sentence[1024];
		lc_view_limit_sentence(r, lims->first[i], sentence, sizeof(sentence));
		lc_html_fmt(o, "<tr><td>L%zu</td><td>", i + 1);
		lc_html_text(o, sentence);
		lc_html_lit(o, "</td></tr>\n");
	}
	lc_html_lit(o, "</table>\n");
}

static void equipment(lc_html_out *o, const lc_result *r)
{
	/* Identity, not the station's wiring: a customer checks vendor, model, serial and calibration; the
	 * resource string (an address on the station's network) stays in report.json. */
	lc_html_lit(o, "<h2>Instruments</h2>\n<table class=\"instruments\">\n<tr><th>Role</th><th>Vendor</th><th>Model</th>"
	       "<th>Serial</th><th>Firmware</th><th>Calibrated</th><th>Calibration due</th></tr>\n");
	for (size_t i = 0; i < lc_result_instrument_count(r); i++) {
		const lc_result_instrument *in = lc_result_instrument_at(r, i);
		const char *cells[] = {in->role,     in->vendor,     in->model,          in->serial,
				       in->firmware, in->calibrated, in->calibration_due};
		lc_html_lit(o, "<tr>");
		for (size_t k = 0; k < 7; k++) {
			lc_html_lit(o, k >= 5 ? "<td class=\"u\">" : "<td>");
			lc_html_text(o, cells[k]);
			lc_html_lit(o, "</td>");
		}
		lc_html_lit(o, "</tr>\n");
		if (in->calibration_override) {
			lc_html_lit(o, "<tr><td></td><td colspan=\"6\" class=\"missing\">Used past its calibration due date, accepted by the "
			       "operator: ");
			lc_html_text(o, in->calibration_override);
			lc_html_lit(o, "</td></tr>\n");
		}
		if (in->features_absent) {
			lc_html_lit(o, "<tr><td></td><td colspan=\"6\">Without the optional features (the instrument lacks "
			       "their commands): ");
			lc_html_text(o, in->features_absent);
			lc_html_lit(o, "</td></tr>\n");
		}
	}
	lc_html_lit(o, "</table>\n<h2>References</h2>\n<table>\n<tr><th>Method</th><th>Taken</th><th>&lambda; (nm)</th>"
	       "<th>Cords</th><th>Values</th></tr>\n");
	for (size_t i = 0; i < lc_result_reference_count(r); i++) {
		const lc_result_reference *ref = lc_result_reference_at(r, i);
		lc_html_lit(o, "<tr><td>");
		lc_html_text(o, ref->method);
		lc_html_lit(o, "</td><td>");
		when(o, ref->time_ms);
		lc_html_lit(o, "</td><td class=\"n\">");
		number(o, ref->wavelength_nm);
		lc_html_lit(o, "</td><td>");
		for (size_t k = 0; k < ref->n_cords; k++) {
			if (k)
				lc_html_lit(o, ", ");
			lc_html_text(o, ref->cords[k]);
		}
		lc_html_lit(o, "</td><td>");
		for (size_t k = 0; k < ref->n_values; k++) {
			if (k)
				lc_html_lit(o, ", ");
			lc_html_text(o, ref->values[k].name);
			lc_html_lit(o, " = ");
			number(o, ref->values[k].value);
			lc_html_lit(o, " ");
			lc_html_text(o, ref->values[k].unit ? ref->values[k].unit : "");
		}
		lc_html_lit(o, "</td></tr>\n");
	}
	lc_html_lit(o, "</table>\n<h2>Raw data</h2>\n<table>\n<tr><th>File</th><th>Kind</th><th>Bytes</th><th>SHA-256</th></tr>\n");
	for (size_t i = 0; i < lc_result_raw_count(r); i++) {
		const lc_result_raw *rw = lc_result_raw_at(r, i);
		lc_html_lit(o, "<tr><td>");
		lc_html_text(o, rw->name);
		lc_html_lit(o, "</td><td>");
		lc_html_text(o, rw->kind);
		lc_html_fmt(o, "</td><td class=\"n\">%zu</td><td><code>", rw->size);
		lc_html_text(o, rw->sha256);
		lc_html_lit(o, "</code></td></tr>\n");
	}
	lc_html_lit(o, "</table>\n");
}

static void plots(lc_html_out *o, const lc_plot_set *ps)
{
	if (ps->n == 0)
		return;
	lc_html_lit(o, "<h2>Plots</h2>\n");
	for (size_t i = 0; i < ps->n; i++) {
		const lc_plot *p = &ps->plots[i];
		if (p->svg) {
			lc_html_lit(o, "<div class=\"plot\">\n");
			lc_html_lit(o, p->svg);
			lc_html_lit(o, "</div>\n");
		} else {
			lc_html_lit(o, "<p class=\"missing\">Plot missing: ");
			lc_html_text(o, p->title);
			lc_html_lit(o, " (");
			lc_html_text(o, p->error);
			lc_html_lit(o, ")</p>\n");
		}
	}
}

int lc_report_html(const char *json, size_t len, const lc_html_options *opt, char **html, size_t *html_len,
		   lc_plot_set *plots_out, lc_diag *diag)
{
	lc_html_options defaults = {0};
	if (!opt)
		opt = &defaults;
	if (!html)
		return lc_diag_set(diag, LC_ERR_ARG, "HTML: no output");
	lc_result *r;
	int rc = lc_report_json_read(json, len, &r, diag);
	if (rc < 0)
		return rc;
	lc_plot_set ps;
	if ((rc = lc_plots_make(r, opt->gnuplot, opt->plot_timeout_ms ? opt->plot_timeout_ms : 20000, &ps, diag)) < 0) {
		lc_result_free(r);
		return rc;
	}
	lc_html_out o = {0};
	lc_result_dut d = lc_result_get_dut(r);
	lc_html_lit(&o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Certification report ");
	lc_html_text(&o, d.serial);
	lc_html_lit(&o, "</title>\n");
	lc_html_lit(&o, css);
	lc_html_lit(&o, "</head>\n<body>\n<h1>Certification report \xe2\x80\x94 ");
	lc_html_text(&o, d.serial);
	lc_html_lit(&o, "</h1>\n<p class=\"big\">");
	badge_word(&o, lc_result_verdict(r), lc_view_run_word(r));
	lc_html_lit(&o, "</p>\n");
	reasons(&o, r);
	approvals(&o, opt);
	identity(&o, r);
	summary(&o, r, opt);
	legs(&o, r);
	fiber_map(&o, r);
	plots(&o, &ps);
	lc_html_lit(&o, "<h2>Steps and measurements</h2>\n");
	lc_view_limits *lims = calloc(1, sizeof(*lims));
	if (!lims)
		o.err = LC_ERR_NOMEM;
	else {
		steps(&o, r, lims);
		otdr_events(&o, r);
		limits_section(&o, r, lims);
	}
	free(lims);
	equipment(&o, r);
	lc_html_lit(&o, "<p><small>Rendered from report.json (format " LC_REPORT_FORMAT " 1). The signed record is the JSON "
		"file; this page is a view of it.</small></p>\n</body>\n</html>\n");
	lc_result_free(r);
	if (plots_out)
		*plots_out = ps;
	else
		lc_plots_free(&ps);
	if (o.err) {
		free(o.p);
		if (plots_out)
			lc_plots_free(plots_out);
		return lc_diag_set(diag, LC_ERR_NOMEM, "HTML: out of memory");
	}
	*html = o.p;
	if (html_len)
		*html_len = o.len;
	return 0;
}

static bool html_wanted(const lc_report_job *job)
{
	return !job->opt->no_html;
}

/* The plots are drawn here and kept in the job: the PDF after it shows the same drawings (gnuplot runs once
 * per report); they are written into plots/ beside report.html. */
static int html_render(lc_report_job *job, lc_report_bytes *out, lc_diag *diag)
{
	char pk[128] = "";
	if (job->public_key)
		snprintf(pk, sizeof(pk), "%s", job->public_key);
	else
		lc_report_public_key_line(job->key, pk, sizeof(pk));
	lc_html_options ho = {.gnuplot = job->opt->gnuplot, .pubkey_hint = job->opt->pubkey_hint,
			      .public_key = pk[0] ? pk : NULL};
	char *html = NULL;
	size_t len = 0;
	int rc = lc_report_html(job->json, job->json_len, &ho, &html, &len, &job->plots, diag);
	if (rc < 0)
		return rc;
	job->have_plots = true;
	if ((rc = lc_report_write_plots(job->dirfd, &job->plots, job->paths, diag)) < 0) {
		free(html);
		return rc;
	}
	*out = (lc_report_bytes){.data = html, .len = len, .owned = html};
	return 0;
}

const lc_report_format lc_report_format_html = {
	.name = "html",
	.file = LC_REPORT_HTML_FILE,
	.media_type = "text/html",
	.path_offset = offsetof(lc_report_paths, html),
	.wanted = html_wanted,
	.render = html_render,
};
