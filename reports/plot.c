/* The report's plots as gnuplot scripts with inline data (reports/plot.h). */
#include "reports/plot.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/strbuf.h"
#include "reports/cert_view_priv.h"
#include "reports/json_canon_priv.h"

/* Numbers in the locale-independent JSON spelling, since gnuplot reads them in the C locale. */
static const char *num(double v, char buf[32])
{
	if (lc_json_format_real(v, buf) < 0)
		strcpy(buf, "NaN");
	return buf;
}

static void header(lc_strbuf *s, const char *title, const char *xlabel, const char *ylabel)
{
	/* reset: whatever a ~/.gnuplot of the station's user set must not change the report's plots.
	 * noenhanced: lane names and units must not be read as gnuplot markup (^ _ @ { }). */
	lc_strbuf_printf(s, "reset\nset terminal svg size 860,340 dynamic font 'Helvetica,11' background '#ffffff'\n"
		     "set encoding utf8\nset termoption noenhanced\nset grid ytics lc rgb '#dddddd'\n"
		     "set key outside right top\nset title '%s'\nset xlabel '%s'\nset ylabel '%s'\n",
		  title, xlabel, ylabel);
}

/* A measurement name's values per lane, one data block per wavelength, bars coloured by verdict and the
 * limit drawn as a dashed line. */
static int lane_plot(const lc_result *r, const char *mname, const char *title, bool use_low, lc_strbuf *s)
{
	double wls[4];
	size_t nwl = 0;
	int maxlane = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, mname) != 0 || m->lane == LC_LANE_NONE || isnan(m->value))
			continue;
		bool seen = false;
		for (size_t k = 0; k < nwl; k++)
			seen |= wls[k] == m->wavelength_nm || (isnan(wls[k]) && isnan(m->wavelength_nm));
		if (!seen && nwl < 4)
			wls[nwl++] = m->wavelength_nm;
		if (m->lane > maxlane)
			maxlane = m->lane;
	}
	if (maxlane == 0)
		return 0;
	header(s, title, "Lane", "dB");
	double w = 0.7 / (double)nwl;
	char a[32], b[32], c[32];
	for (size_t k = 0; k < nwl; k++) {
		lc_strbuf_printf(s, "$D%zu << EOD\n", k);
		for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
			const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
			bool same = m->wavelength_nm == wls[k] || (isnan(wls[k]) && isnan(m->wavelength_nm));
			if (strcmp(m->name, mname) != 0 || m->lane == LC_LANE_NONE || isnan(m->value) || !same)
				continue;
			/* An unconfirmed limit is no certification limit: the certificate draws no line for it
			 * (reports/cert_view_priv.h). */
			double lim = lc_view_unconfirmed(r, i) ? NAN : use_low ? m->limit.low : m->limit.high;
			unsigned colour = m->verdict == LC_VERDICT_PASS ? 0x3b7dd8 : m->verdict == LC_VERDICT_FAIL ? 0xd62728
											   : 0xf0a000;
			lc_strbuf_printf(s, "%s %s %s %u\n", num(m->lane - 0.35 + w * ((double)k + 0.5), a), num(m->value, b),
				  isnan(lim) ? "NaN" : num(lim, c), colour);
		}
		lc_strbuf_printf(s, "EOD\n");
	}
	lc_strbuf_printf(s, "set xrange [0.5:%d.5]\nset xtics 1\nset yrange [0:*]\nset style fill solid 0.75 noborder\n"
		     "set boxwidth %s\nplot ",
		  maxlane, num(w * 0.9, a));
	for (size_t k = 0; k < nwl; k++) {
		char wl[48] = "value";
		if (!isnan(wls[k]))
			snprintf(wl, sizeof(wl), "%s nm", num(wls[k], a));
		/* Each bar's own limit as a short level line over it: lanes of different groups (forward and return
		 * fibers, APC and UPC ends) have different limits, and a line joining them would draw a slope no
		 * limit has. */
		lc_strbuf_printf(s, "%s$D%zu using 1:2:4 with boxes lc rgb variable title '%s', "
			     "$D%zu using ($1-%s):3:(%s):(0) with vectors nohead dt 2 lw 1.5 lc rgb '#d62728' title '%s'",
			  k ? ", " : "", k, wl, k, num(w * 0.45, b), num(w * 0.9, c), k ? "" : (use_low ? "limit (min)" : "limit (max)"));
	}
	lc_strbuf_printf(s, "\n");
	return 1;
}

static double extra(const lc_result *r, size_t mi, const char *key)
{
	for (size_t k = 0; k < lc_result_extra_count(r, mi); k++) {
		const lc_result_extra *e = lc_result_extra_at(r, mi, k);
		if (!e->is_string && strcmp(e->key, key) == 0)
			return e->number;
	}
	return NAN;
}

/* BER per lane on a log scale, with the confidence bounds recorded as extras ber_lower / ber_upper. A BER of
 * zero (no errors) cannot sit on a log axis: its point is drawn at its upper bound, which is what it proves. */
static int ber_plot(const lc_result *r, lc_strbuf *s)
{
	int maxlane = 0;
	double limit = NAN;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "ber") == 0 && m->lane != LC_LANE_NONE && !isnan(m->value)) {
			maxlane = m->lane > maxlane ? m->lane : maxlane;
			if (!isnan(m->limit.high))
				limit = m->limit.high;
		}
	}
	if (maxlane == 0)
		return 0;
	header(s, "Bit error ratio per lane (bars: confidence bounds)", "Lane", "BER");
	const double floor_ = 1e-18;
	char a[32], b[32], c[32], d[32];
	lc_strbuf_printf(s, "$B << EOD\n");
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, "ber") != 0 || m->lane == LC_LANE_NONE || isnan(m->value))
			continue;
		double lo = extra(r, i, "ber_lower"), hi = extra(r, i, "ber_upper"), v = m->value;
		if (isnan(lo))
			lo = v;
		if (isnan(hi))
			hi = v;
		if (v <= 0)
			v = hi > 0 ? hi : floor_;
		lc_strbuf_printf(s, "%d %s %s %s\n", m->lane, num(fmax(v, floor_), a), num(fmax(lo, floor_), b),
			  num(fmax(hi, floor_), c));
	}
	lc_strbuf_printf(s, "EOD\nset logscale y\nset format y '%%.0e'\nset xrange [0.5:%d.5]\nset xtics 1\n", maxlane);
	lc_strbuf_printf(s, "plot $B using 1:2:3:4 with yerrorbars pt 7 lc rgb '#3b7dd8' title 'BER'");
	if (!isnan(limit) && limit > 0)
		lc_strbuf_printf(s, ", %s with lines dt 2 lc rgb '#d62728' title 'limit'", num(limit, d));
	lc_strbuf_printf(s, "\n");
	return 1;
}

static void safe_title(const char *in, char *out, size_t n)
{
	size_t k = 0;
	for (; *in && k + 1 < n; in++)
		out[k++] = (strchr("'\\\n\r", *in) || (unsigned char)*in < 0x20) ? ' ' : *in;
	out[k] = 0;
}

/* An OTDR trace with its events (measurements of the same lane carrying an extra "position_m"). */
static int otdr_plot(const lc_result *r, const lc_result_series *ser, lc_strbuf *s)
{
	char title[160], a[32], b[32];
	safe_title(ser->name, title, sizeof(title));
	header(s, title, ser->x_unit ? ser->x_unit : "distance", ser->y_unit ? ser->y_unit : "dB");
	lc_strbuf_printf(s, "$T << EOD\n");
	for (size_t i = 0; i < ser->n; i++)
		lc_strbuf_printf(s, "%s %s\n", num(ser->x[i], a), num(ser->y[i], b));
	lc_strbuf_printf(s, "EOD\n");
	int ev = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		double pos = extra(r, i, "position_m");
		if (isnan(pos) || m->lane != ser->lane)
			continue;
		ev++;
		const char *colour = m->verdict == LC_VERDICT_PASS ? "#2ca02c" : "#d62728";
		lc_strbuf_printf(s, "set arrow from %s, graph 0 to %s, graph 1 nohead dt 3 lc rgb '%s'\n", num(pos, a), a, colour);
		lc_strbuf_printf(s, "set label 'E%d' at %s, graph 0.95 offset 0.3,0 tc rgb '%s'\n", ev, a, colour);
	}
	lc_strbuf_printf(s, "plot $T using 1:2 with lines lw 1.2 lc rgb '#3b7dd8' title 'trace'\n");
	return 1;
}

/* A plot whose script is written, waiting to be drawn (its script is freed once it is). */
struct pending {
	lc_strbuf s;
};

static int add(lc_plot_set *set, const char *name, const char *title, lc_diag *diag)
{
	lc_plot *np = realloc(set->plots, (set->n + 1) * sizeof(*np));
	if (!np)
		return lc_diag_set(diag, LC_ERR_NOMEM, "plots: out of memory");
	set->plots = np;
	lc_plot *p = &set->plots[set->n];
	*p = (lc_plot){strdup(name), strdup(title), NULL, NULL};
	set->n++;
	if (!p->name || !p->title)
		return lc_diag_set(diag, LC_ERR_NOMEM, "plots: out of memory");
	return 0;
}

/* One document of gnuplot's output as the plot's SVG. Inline SVG starts at the element: the XML declaration
 * is not allowed inside HTML. */
static int take_svg(lc_plot *p, const char *doc, size_t len)
{
	const char *start = memmem(doc, len, "<svg", 4);
	if (!start) {
		p->error = strdup("gnuplot failed: no SVG produced");
		return p->error ? 0 : LC_ERR_NOMEM;
	}
	p->svg = strndup(start, len - (size_t)(start - doc));
	return p->svg ? 0 : LC_ERR_NOMEM;
}

/* Each plot in a gnuplot of its own: each says its own error. */
static int draw_each(lc_plot_set *set, struct pending *pend, const char *gnuplot, int timeout_ms)
{
	for (size_t i = 0; i < set->n; i++) {
		lc_plot *p = &set->plots[i];
		lc_diag d;
		char *svg = NULL;
		free(p->svg), free(p->error);
		p->svg = p->error = NULL;
		if (lc_gnuplot_run(gnuplot, pend[i].s.p, pend[i].s.len, timeout_ms, &svg, &d) < 0)
			p->error = strdup(lc_diag_message(&d));
		else
			take_svg(p, svg, strlen(svg)); /* out of memory: neither is set, said below */
		free(svg);
		if (!p->svg && !p->error)
			return LC_ERR_NOMEM;
	}
	return 0;
}

/* Where each SVG document of gnuplot's output starts: at its XML declaration, which gnuplot's svg terminal
 * writes first in every plot and nowhere else (text in a plot is escaped, '<' as "&lt;"). n documents, or -1. */
static int split_docs(const char *out, size_t len, const char **starts, size_t n)
{
	static const char decl[] = "<?xml";
	size_t k = 0;
	for (const char *q = out; (q = memmem(q, len - (size_t)(q - out), decl, sizeof(decl) - 1)) != NULL; q++) {
		if (k == n)
			return -1;
		starts[k++] = q;
	}
	return k == n && (n == 0 || starts[0] == out) ? 0 : -1;
}

/* Every plot in one gnuplot process: the scripts one after another (each begins with reset and its own
 * terminal, so each draws as it would alone, byte for byte), one SVG document after another on stdout. A
 * gnuplot process costs more than most plots (its start loads some 80 libraries): one per report, not one per
 * plot. When the one run fails, or its output does not split into one document per plot, each plot is drawn
 * again on its own, so that each says its own error. */
static int draw_all(lc_plot_set *set, struct pending *pend, const char *gnuplot, int timeout_ms)
{
	if (set->n == 0)
		return 0;
	if (set->n == 1)
		return draw_each(set, pend, gnuplot, timeout_ms);
	lc_strbuf all = {0};
	for (size_t i = 0; i < set->n; i++)
		lc_strbuf_put(&all, pend[i].s.p, pend[i].s.len);
	if (all.err) {
		free(all.p);
		return LC_ERR_NOMEM;
	}
	char *out = NULL;
	lc_diag d;
	/* each plot's own deadline, as when each is drawn alone */
	int deadline = timeout_ms > INT_MAX / (int)set->n ? INT_MAX : timeout_ms * (int)set->n;
	int rc = lc_gnuplot_run(gnuplot, all.p, all.len, deadline, &out, &d);
	free(all.p);
	const char **starts = rc == 0 ? calloc(set->n, sizeof(*starts)) : NULL;
	if (rc == 0 && !starts) {
		free(out);
		return LC_ERR_NOMEM;
	}
	if (rc == LC_ERR_TIMEOUT || rc == LC_ERR_NOT_FOUND) { /* the same for each plot alone: said once, not waited for again */
		for (size_t i = 0; i < set->n; i++)
			if (!(set->plots[i].error = strdup(lc_diag_message(&d))))
				return LC_ERR_NOMEM;
		return 0;
	}
	if (rc < 0 || split_docs(out, strlen(out), starts, set->n) < 0) {
		free(out);
		free(starts);
		return draw_each(set, pend, gnuplot, timeout_ms);
	}
	size_t len = strlen(out);
	for (size_t i = 0; rc == 0 && i < set->n; i++) {
		const char *end = i + 1 < set->n ? starts[i + 1] : out + len;
		rc = take_svg(&set->plots[i], starts[i], (size_t)(end - starts[i]));
	}
	free(starts);
	free(out);
	return rc;
}

int lc_plots_make(const lc_result *r, const char *gnuplot, int timeout_ms, lc_plot_set *out, lc_diag *diag)
{
	return lc_plots_make_in(r, gnuplot, timeout_ms, true, out, diag);
}

int lc_plots_make_in(const lc_result *r, const char *gnuplot, int timeout_ms, bool one_process, lc_plot_set *out,
		     lc_diag *diag)
{
	*out = (lc_plot_set){0};
	/* at most IL, RL, BER and 16 OTDR traces */
	struct pending pend[3 + 16];
	size_t np = 0;
	int rc = 0;
	memset(pend, 0, sizeof(pend));
	if (lane_plot(r, "insertion_loss", "Insertion loss per lane", false, &pend[np].s))
		rc = add(out, "il", "Insertion loss per lane", diag), np++;
	if (rc == 0 && lane_plot(r, "return_loss", "Return loss per lane", true, &pend[np].s))
		rc = add(out, "rl", "Return loss per lane", diag), np++;
	if (rc == 0 && ber_plot(r, &pend[np].s))
		rc = add(out, "ber", "Bit error ratio per lane", diag), np++;
	int k = 0;
	for (size_t i = 0; rc == 0 && i < lc_result_series_count(r) && k < 16; i++) {
		const lc_result_series *ser = lc_result_series_at(r, i);
		if (strcmp(ser->kind, "otdr_trace") != 0 || ser->n == 0)
			continue;
		otdr_plot(r, ser, &pend[np].s);
		char name[32];
		snprintf(name, sizeof(name), "otdr%d", ++k);
		rc = add(out, name, ser->name, diag), np++;
	}
	for (size_t i = 0; rc == 0 && i < np; i++)
		if (pend[i].s.err)
			rc = lc_diag_set(diag, LC_ERR_NOMEM, "plots: out of memory");
	if (rc == 0 && gnuplot && !*gnuplot) {
		for (size_t i = 0; rc == 0 && i < out->n; i++)
			if (!(out->plots[i].error = strdup("plotting disabled")))
				rc = lc_diag_set(diag, LC_ERR_NOMEM, "plots: out of memory");
	} else if (rc == 0) {
		rc = one_process ? draw_all(out, pend, gnuplot, timeout_ms) : draw_each(out, pend, gnuplot, timeout_ms);
		if (rc < 0)
			rc = lc_diag_set(diag, rc, "plots: out of memory");
	}
	for (size_t i = 0; i < np; i++)
		free(pend[i].s.p);
	if (rc < 0)
		lc_plots_free(out);
	return rc;
}
