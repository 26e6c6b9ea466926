/*
 * The job summary's HTML and PDF (reports/job_summary_priv.h), rendered from job.json's bytes: the job and
 * its customer, the yield, one row per cable (its certificate's word, the report's SHA-256), the counts,
 * the instruments and references the runs used, the measurements export and how to verify.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc_version.h"
#include "reports/cert_view_priv.h"
#include "reports/html_out_priv.h"
#include "reports/job_summary_priv.h"
#include "reports/pdf_layout_priv.h"

#define DASH "\xe2\x80\x94"

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static long long integer(const json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* The verdict a certificate word stands for (its colours); "not certified" and "incomplete" are shown in
 * an inconclusive result's colours, never a pass's. */
static enum lc_verdict word_verdict(const char *word)
{
	int v = word ? lc_verdict_parse(word) : -1;
	return v < 0 ? LC_VERDICT_INCONCLUSIVE : (enum lc_verdict)v;
}

static const char *special_word(const char *word)
{
	return word && lc_verdict_parse(word) < 0 ? word : NULL;
}

static void yield_text(const json_t *root, char *buf, size_t cap)
{
	const json_t *y = json_object_get(root, "yield");
	size_t n = json_array_size(json_object_get(root, "cables"));
	long long pass = integer(json_object_get(root, "counts"), "pass");
	snprintf(buf, cap, "%lld of %zu cables certified (pass): yield %.1f %%", pass, n,
		 json_is_number(y) ? 100.0 * json_number_value(y) : 0.0);
}

/* ---- HTML ---- */

static void cell(lc_html_out *o, const char *cls, const char *s)
{
	lc_html_lit(o, cls ? cls : "<td>");
	lc_html_text(o, s);
	lc_html_lit(o, "</td>");
}

static void badge(lc_html_out *o, const char *word)
{
	enum lc_verdict v = word_verdict(word);
	lc_html_fmt(o, "<span class=\"v v-%s\">", special_word(word) ? "uncertified" : lc_verdict_name(v));
	lc_html_text(o, word);
	lc_html_lit(o, "</span>");
}

static const char css[] =
	"<style>\n"
	"body{font-family:Helvetica,Arial,sans-serif;margin:24px;color:#222;max-width:1100px}\n"
	"h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:28px}\n"
	"table{border-collapse:collapse;margin:8px 0;font-size:13px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}\n"
	"th{background:#f2f2f2}td.n{text-align:right;font-variant-numeric:tabular-nums}td.u,td.n{white-space:nowrap}\n"
	".v{display:inline-block;padding:1px 8px;border-radius:3px;font-weight:bold;text-transform:uppercase;font-size:12px}\n"
	".v-pass{background:#d8f0d8;color:#1a5e1a}.v-fail{background:#f8d4d4;color:#8b1010}\n"
	".v-error,.v-aborted{background:#f8e0b0;color:#6b4200}.v-inconclusive,.v-none{background:#e4e4f4;color:#30306b}\n"
	".v-uncertified{background:#fde7c8;color:#7a3e00}.big{font-size:18px;font-weight:bold}\n"
	"code{font-size:12px;word-break:break-all}\n"
	"@media print{body{margin:0}h2{page-break-after:avoid}tr{page-break-inside:avoid}}\n"
	"</style>\n";

int lc_job_summary_html(const json_t *root, const char *pubkey_hint, const char *public_key, char **html,
			size_t *len, lc_diag *diag)
{
	lc_html_out o = {0};
	const char *job = str(root, "job");
	char line[256];
	lc_html_lit(&o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Job summary ");
	lc_html_text(&o, job);
	lc_html_lit(&o, "</title>\n");
	lc_html_lit(&o, css);
	lc_html_lit(&o, "</head>\n<body>\n<h1>Job summary \xe2\x80\x94 ");
	lc_html_text(&o, job);
	lc_html_lit(&o, "</h1>\n<p class=\"big\" id=\"yield\">");
	yield_text(root, line, sizeof(line));
	lc_html_text(&o, line);
	lc_html_lit(&o, "</p>\n<table>\n<tr><th>Customer</th><td>");
	lc_html_text(&o, str(root, "customer"));
	lc_html_lit(&o, "</td></tr>\n<tr><th>Site</th><td>");
	lc_html_text(&o, str(root, "site"));
	lc_html_lit(&o, "</td></tr>\n<tr><th>Job</th><td>");
	lc_html_text(&o, job);
	lc_html_lit(&o, "</td></tr>\n<tr><th>Summary made</th><td class=\"u\">");
	lc_html_text(&o, str(root, "created"));
	lc_html_lit(&o, "</td></tr>\n<tr><th>Software</th><td>lanecert ");
	lc_html_text(&o, str(json_object_get(root, "software"), "version"));
	lc_html_lit(&o, "</td></tr>\n</table>\n");

	lc_html_lit(&o, "<h2>Cables</h2>\n<table id=\"cables\">\n<tr><th>#</th><th>Serial</th><th>Cable type</th><th>Part number</th>"
		"<th>Certificate</th><th>Attempts</th><th>Station</th><th>Operator</th><th>End</th><th>Reason</th>"
		"<th>Report SHA-256</th></tr>\n");
	const json_t *c;
	size_t i;
	json_array_foreach(json_object_get(root, "cables"), i, c) {
		lc_html_fmt(&o, "<tr><td class=\"n\">%zu</td>", i + 1);
		cell(&o, "<td class=\"u\">", str(c, "serial"));
		cell(&o, NULL, str(c, "cable_type"));
		cell(&o, NULL, str(c, "part_number"));
		lc_html_lit(&o, "<td>");
		badge(&o, str(c, "certificate"));
		lc_html_fmt(&o, "</td><td class=\"n\">%lld</td>", integer(c, "attempts_in_job"));
		cell(&o, NULL, str(c, "station"));
		cell(&o, NULL, str(c, "operator"));
		cell(&o, "<td class=\"u\">", str(c, "end"));
		cell(&o, NULL, str(c, "reason"));
		lc_html_lit(&o, "<td><code>");
		lc_html_text(&o, str(c, "report_sha256"));
		lc_html_lit(&o, "</code></td></tr>\n");
	}
	lc_html_lit(&o, "</table>\n<h2>Counts</h2>\n<table id=\"counts\">\n");
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)json_object_get(root, "counts"), k, v) {
		if (json_integer_value(v) == 0)
			continue;
		lc_html_lit(&o, "<tr><th>");
		badge(&o, k);
		lc_html_fmt(&o, "</th><td class=\"n\">%lld</td></tr>\n", (long long)json_integer_value(v));
	}
	lc_html_lit(&o, "</table>\n");

	lc_html_lit(&o, "<h2>Instruments</h2>\n<table id=\"instruments\">\n<tr><th>Role</th><th>Vendor</th><th>Model</th>"
		"<th>Serial</th><th>Firmware</th><th>Calibrated</th><th>Calibration due</th><th>Cables</th></tr>\n");
	json_array_foreach(json_object_get(root, "instruments"), i, c) {
		lc_html_lit(&o, "<tr>");
		cell(&o, NULL, str(c, "role"));
		cell(&o, NULL, str(c, "vendor"));
		cell(&o, NULL, str(c, "model"));
		cell(&o, NULL, str(c, "serial"));
		cell(&o, NULL, str(c, "firmware"));
		cell(&o, "<td class=\"u\">", str(c, "calibrated"));
		cell(&o, "<td class=\"u\">", str(c, "calibration_due"));
		lc_html_fmt(&o, "<td class=\"n\">%lld</td></tr>\n", integer(c, "cables"));
	}
	lc_html_lit(&o, "</table>\n<h2>References</h2>\n<table id=\"references\">\n<tr><th>Method</th><th>Taken</th>"
		"<th>\xce\xbb (nm)</th><th>Cords</th><th>Cables</th></tr>\n");
	json_array_foreach(json_object_get(root, "references"), i, c) {
		lc_html_lit(&o, "<tr>");
		cell(&o, NULL, str(c, "method"));
		cell(&o, "<td class=\"u\">", str(c, "time"));
		const json_t *wl = json_object_get(c, "wavelength_nm");
		if (json_is_number(wl))
			lc_html_fmt(&o, "<td class=\"n\">%g</td>", json_number_value(wl));
		else
			lc_html_lit(&o, "<td class=\"n\">" DASH "</td>");
		cell(&o, NULL, str(c, "cords"));
		lc_html_fmt(&o, "<td class=\"n\">%lld</td></tr>\n", integer(c, "cables"));
	}
	lc_html_lit(&o, "</table>\n<h2>Measurements</h2>\n<p>");
	const json_t *csv = json_object_get(root, "measurements_csv");
	if (json_is_object(csv)) {
		lc_html_fmt(&o, "%lld measurements of the job's cables in <code>", integer(csv, "rows"));
		lc_html_text(&o, str(csv, "name"));
		lc_html_lit(&o, "</code>, SHA-256 <code>");
		lc_html_text(&o, str(csv, "sha256"));
		lc_html_lit(&o, "</code> (covered by this summary's signature).");
	} else {
		lc_html_fmt(&o, "%lld measurements in the cables' reports (not exported with this summary).",
		    integer(root, "measurements"));
	}
	lc_html_lit(&o, "</p>\n<h2>Signature</h2>\n<table>\n<tr><th>Signing key</th><td><code>");
	lc_html_text(&o, str(root, "key_id"));
	lc_html_lit(&o, "</code></td></tr>\n");
	if (public_key && *public_key) {
		lc_html_lit(&o, "<tr><th>Public key</th><td><code class=\"pk\">");
		lc_html_text(&o, public_key);
		lc_html_lit(&o, "</code></td></tr>\n");
	}
	lc_html_lit(&o, "<tr><th>Verify with</th><td><code>minisign -Vm job.json -p ");
	lc_html_text(&o, pubkey_hint ? pubkey_hint : "STATION.pub");
	lc_html_lit(&o, "</code></td></tr>\n</table>\n<p><small>Rendered from job.json (format " LC_JOB_SUMMARY_FORMAT
		" 1). The signed record is the JSON file; each cable's own signed report is named by its SHA-256."
		"</small></p>\n</body>\n</html>\n");
	if (o.err) {
		free(o.p);
		return lc_diag_set(diag, LC_ERR_NOMEM, "job summary HTML: out of memory");
	}
	*html = o.p;
	*len = o.len;
	return 0;
}

/* ---- PDF ---- */

static const lc_pdf_column cable_cols[] = {
	{"#", 16, LC_PDF_RIGHT, LC_PDF_SMALL},          {"Serial", 64, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Cable type", 84, LC_PDF_LEFT, LC_PDF_SMALL},  {"Certificate", 62, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Runs", 26, LC_PDF_RIGHT, LC_PDF_SMALL},       {"End (UTC)", 80, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Report SHA-256", LC_PDF_WIDTH - 332, LC_PDF_LEFT, LC_PDF_MONO},
};

static const lc_pdf_column instrument_cols[] = {
	{"Role", 60, LC_PDF_LEFT, LC_PDF_SMALL},     {"Vendor", 76, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Model", 56, LC_PDF_LEFT, LC_PDF_SMALL},    {"Serial", 68, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Firmware", 68, LC_PDF_LEFT, LC_PDF_SMALL}, {"Calibrated", 62, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Due", 62, LC_PDF_LEFT, LC_PDF_SMALL},      {"Cables", LC_PDF_WIDTH - 452, LC_PDF_RIGHT, LC_PDF_SMALL},
};

static const lc_pdf_column reference_cols[] = {
	{"Method", 80, LC_PDF_LEFT, LC_PDF_SMALL},     {"Taken (UTC)", 110, LC_PDF_LEFT, LC_PDF_SMALL},
	{"\xce\xbb (nm)", 44, LC_PDF_RIGHT, LC_PDF_SMALL}, {"Cords", LC_PDF_WIDTH - 284, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Cables", 50, LC_PDF_RIGHT, LC_PDF_SMALL},
};


/* A label and its value on a line of their own (the value wraps, never cut). */
static void pair(lc_pdf_doc *doc, const char *label, const char *value)
{
	value = value ? value : DASH;
	double h = lc_pdf_text_height(doc, LC_PDF_BODY, value, LC_PDF_WIDTH - 90, 0);
	lc_pdf_need(doc, h);
	lc_pdf_text_at(doc, LC_PDF_SMALL_B, label, LC_PDF_MARGIN, doc->y + 1, 86, 1, LC_PDF_LEFT, 0x555555);
	lc_pdf_text_at(doc, LC_PDF_BODY, value, LC_PDF_MARGIN + 90, doc->y, LC_PDF_WIDTH - 90, 0, LC_PDF_LEFT, 0);
	doc->y += h + 3;
}

/* "2026-11-18 11:06:42" of "2026-11-18T11:06:42.000Z" (NULL stays NULL): a table cell's width. */
static const char *short_time(const char *iso, char buf[32])
{
	if (!iso || strlen(iso) < 19)
		return iso;
	snprintf(buf, 32, "%.10s %.8s", iso, iso + 11);
	return buf;
}

static void render(lc_pdf_doc *doc, const json_t *root, const char *pubkey_hint, const char *public_key)
{
	char line[256], n[32], m[32], wl[32], verify[300];
	lc_pdf_text_at(doc, LC_PDF_H1, "Job summary", LC_PDF_MARGIN, doc->y, LC_PDF_WIDTH, 1, LC_PDF_LEFT, 0);
	doc->y += 26;
	yield_text(root, line, sizeof(line));
	lc_pdf_paragraph(doc, LC_PDF_H3, line, 0, 0);
	lc_pdf_space(doc, 4);
	lc_pdf_table t;
	char t1[32];
	pair(doc, "Customer", str(root, "customer"));
	pair(doc, "Site", str(root, "site"));
	pair(doc, "Job", str(root, "job"));
	pair(doc, "Summary made", short_time(str(root, "created"), t1));

	lc_pdf_heading(doc, LC_PDF_H2, "Cables", 40, false, LC_VERDICT_NONE);
	lc_pdf_table_begin(doc, &t, cable_cols, 7);
	const json_t *c;
	size_t i;
	json_array_foreach(json_object_get(root, "cables"), i, c) {
		const char *word = str(c, "certificate");
		snprintf(n, sizeof(n), "%zu", i + 1);
		snprintf(m, sizeof(m), "%lld", integer(c, "attempts_in_job"));
		lc_pdf_cell cells[7] = {{n, 0, false, 0, NULL},
					{str(c, "serial"), 0, false, 0, NULL},
					{str(c, "cable_type"), 0, false, 0, NULL},
					{NULL, 0, true, word_verdict(word), special_word(word)},
					{m, 0, false, 0, NULL},
					{short_time(str(c, "end"), t1), 0, false, 0, NULL},
					{str(c, "report_sha256"), 0, false, 0, NULL}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);

	lc_pdf_heading(doc, LC_PDF_H2, "Instruments", 40, false, LC_VERDICT_NONE);
	lc_pdf_table_begin(doc, &t, instrument_cols, 8);
	json_array_foreach(json_object_get(root, "instruments"), i, c) {
		snprintf(n, sizeof(n), "%lld", integer(c, "cables"));
		lc_pdf_cell cells[8] = {{str(c, "role"), 0, false, 0, NULL},       {str(c, "vendor"), 0, false, 0, NULL},
					{str(c, "model"), 0, false, 0, NULL},      {str(c, "serial"), 0, false, 0, NULL},
					{str(c, "firmware"), 0, false, 0, NULL},   {str(c, "calibrated"), 0, false, 0, NULL},
					{str(c, "calibration_due"), 0, false, 0, NULL}, {n, 0, false, 0, NULL}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);
	lc_pdf_heading(doc, LC_PDF_H2, "References", 40, false, LC_VERDICT_NONE);
	lc_pdf_table_begin(doc, &t, reference_cols, 5);
	json_array_foreach(json_object_get(root, "references"), i, c) {
		const json_t *w = json_object_get(c, "wavelength_nm");
		snprintf(wl, sizeof(wl), "%g", json_number_value(w));
		snprintf(n, sizeof(n), "%lld", integer(c, "cables"));
		lc_pdf_cell cells[5] = {{str(c, "method"), 0, false, 0, NULL}, {short_time(str(c, "time"), t1), 0, false, 0, NULL},
					{json_is_number(w) ? wl : NULL, 0, false, 0, NULL}, {str(c, "cords"), 0, false, 0, NULL},
					{n, 0, false, 0, NULL}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);

	lc_pdf_heading(doc, LC_PDF_H2, "Measurements and signature", 40, false, LC_VERDICT_NONE);
	const json_t *csv = json_object_get(root, "measurements_csv");
	char what[200];
	if (json_is_object(csv))
		snprintf(what, sizeof(what), "%lld measurements in %s", integer(csv, "rows"), str(csv, "name"));
	else
		snprintf(what, sizeof(what), "%lld measurements in the cables' reports", integer(root, "measurements"));
	snprintf(verify, sizeof(verify), "minisign -Vm job.json -p %s", pubkey_hint ? pubkey_hint : "STATION.pub");
	pair(doc, "Measurements", what);
	if (json_is_object(csv))
		pair(doc, "Its SHA-256", str(csv, "sha256"));
	pair(doc, "Signing key", str(root, "key_id"));
	if (public_key && *public_key)
		pair(doc, "Public key", public_key);
	pair(doc, "Verify with", verify);
}

int lc_job_summary_pdf(const json_t *root, const char *pubkey_hint, const char *public_key, char **pdf,
		       size_t *len, lc_diag *diag)
{
	char running[400], footer[300], title[300], date[32] = "";
	const char *job = str(root, "job");
	snprintf(running, sizeof(running), "Job summary " DASH " %s", job ? job : DASH);
	lc_pdf_doc doc;
	lc_pdf_mem out = {0};
	/* the running header's badge: the job's worst certificate would over-simplify; the yield line says it */
	int rc = lc_pdf_doc_init(&doc, running, LC_VERDICT_NONE);
	if (rc == 0) {
		render(&doc, root, pubkey_hint, public_key); /* the measuring pass (reports/pdf_layout_priv.h) */
		snprintf(footer, sizeof(footer), "verify: minisign -Vm job.json -p %s", pubkey_hint ? pubkey_hint : "STATION.pub");
		snprintf(title, sizeof(title), "Job summary %s", job ? job : "");
		const char *created = str(root, "created");
		if (created && strlen(created) >= 19) { /* the summary's own time: the same JSON, the same PDF */
			snprintf(date, sizeof(date), "%.19sZ", created);
		}
		const char *meta[5] = {title, str(root, "customer"), "job summary", "lanecert " LC_VERSION_STRING,
				       *date ? date : NULL};
		rc = doc.err ? doc.err : lc_pdf_doc_draw(&doc, lc_pdf_mem_write, &out, footer, meta);
		if (rc == 0) {
			render(&doc, root, pubkey_hint, public_key); /* the drawing pass */
			rc = lc_pdf_doc_finish(&doc);
		}
	}
	if (rc < 0 && diag)
		*diag = doc.diag;
	lc_pdf_doc_free(&doc);
	if (rc < 0) {
		free(out.p);
		return rc;
	}
	*pdf = out.p;
	*len = out.len;
	return 0;
}
