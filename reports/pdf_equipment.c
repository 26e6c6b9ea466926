/* The closing sections of the PDF report: instruments, references and raw data digests, as in the HTML. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/pdf_layout_priv.h"
#include "reports/report_json.h"

/* Identity and calibration, not the station's wiring: the resource string (an address on the station's
 * network) stays in report.json. */
static const lc_pdf_column instrument_cols[] = {
	{"Role", 58, LC_PDF_LEFT, LC_PDF_SMALL},     {"Vendor", 92, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Model", 60, LC_PDF_LEFT, LC_PDF_SMALL},    {"Serial", 72, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Firmware", 75, LC_PDF_LEFT, LC_PDF_SMALL}, {"Calibrated", 78, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Calibration due", LC_PDF_WIDTH - 435, LC_PDF_LEFT, LC_PDF_SMALL},
};

#define REF_VALUES_LISTED 4 /* more values than this fit no cell: their range is shown */

static const lc_pdf_column reference_cols[] = {
	{"Method", 70, LC_PDF_LEFT, LC_PDF_SMALL},     {"Taken", 92, LC_PDF_LEFT, LC_PDF_SMALL},
	{"\xce\xbb (nm)", 40, LC_PDF_RIGHT, LC_PDF_SMALL}, {"Cords", 120, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Values", LC_PDF_WIDTH - 322, LC_PDF_LEFT, LC_PDF_SMALL},
};

static const lc_pdf_column raw_cols[] = {
	{"File", 110, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Kind", 50, LC_PDF_LEFT, LC_PDF_SMALL},
	{"Bytes", 50, LC_PDF_RIGHT, LC_PDF_SMALL},
	{"SHA-256", LC_PDF_WIDTH - 210, LC_PDF_LEFT, LC_PDF_MONO},
};

/* Appends to a malloc'ed string; a failure is sticky in the doc. */
static void cat(lc_pdf_doc *doc, char **s, size_t *len, const char *a, const char *b, const char *c)
{
	if (doc->err)
		return;
	size_t n = strlen(a) + strlen(b) + strlen(c);
	char *np = realloc(*s, *len + n + 1);
	if (!np) {
		doc->err = lc_diag_set(&doc->diag, LC_ERR_NOMEM, "PDF: out of memory");
		return;
	}
	*s = np;
	snprintf(*s + *len, n + 1, "%s%s%s", a, b, c);
	*len += n;
}

static void instruments(lc_pdf_doc *doc, const lc_result *r)
{
	lc_pdf_heading(doc, LC_PDF_H2, "Instruments", 40, false, LC_VERDICT_NONE);
	lc_pdf_table t;
	lc_pdf_table_begin(doc, &t, instrument_cols, 7);
	for (size_t i = 0; i < lc_result_instrument_count(r); i++) {
		const lc_result_instrument *in = lc_result_instrument_at(r, i);
		lc_pdf_cell cells[7] = {{in->role, 0, false, 0, NULL},     {in->vendor, 0, false, 0, NULL},
					{in->model, 0, false, 0, NULL},    {in->serial, 0, false, 0, NULL},
					{in->firmware, 0, false, 0, NULL}, {in->calibrated, 0, false, 0, NULL},
					{in->calibration_due, 0, false, 0, NULL}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);
	for (size_t i = 0; i < lc_result_instrument_count(r) && !doc->err; i++) {
		const lc_result_instrument *in = lc_result_instrument_at(r, i);
		char *s = NULL;
		size_t len = 0;
		if (in->features_absent) {
			cat(doc, &s, &len, in->role, " lacks the commands of its optional features: ", in->features_absent);
			if (s)
				lc_pdf_paragraph(doc, LC_PDF_BODY, s, 0, 0);
			free(s);
			s = NULL;
			len = 0;
		}
		if (!in->calibration_override)
			continue;
		cat(doc, &s, &len, in->role, " was used past its calibration due date ",
		    in->calibration_due ? in->calibration_due : "");
		cat(doc, &s, &len, "; accepted by the operator: ", in->calibration_override, "");
		if (s)
			lc_pdf_paragraph(doc, LC_PDF_MISSING, s, 0, 0);
		free(s);
	}
	if (lc_result_instrument_count(r) == 0)
		lc_pdf_paragraph(doc, LC_PDF_MISSING, "No instrument was recorded.", 0, 0);
}

static void references(lc_pdf_doc *doc, const lc_result *r)
{
	if (lc_result_reference_count(r) == 0)
		return;
	lc_pdf_heading(doc, LC_PDF_H2, "References", 40, false, LC_VERDICT_NONE);
	lc_pdf_table t;
	lc_pdf_table_begin(doc, &t, reference_cols, 5);
	for (size_t i = 0; i < lc_result_reference_count(r) && !doc->err; i++) {
		const lc_result_reference *ref = lc_result_reference_at(r, i);
		char taken[32] = "\xe2\x80\x94", wl[32] = "\xe2\x80\x94", v[32];
		if (ref->time_ms != LC_TIME_NONE && lc_time_format(ref->time_ms, taken, NULL) == 0) {
			taken[19] = 0;
			taken[10] = ' ';
		}
		if (!isnan(ref->wavelength_nm))
			snprintf(wl, sizeof(wl), "%.4g", ref->wavelength_nm);
		char *cords = NULL, *vals = NULL;
		size_t cl = 0, vl = 0;
		cat(doc, &cords, &cl, "", "", "");
		cat(doc, &vals, &vl, "", "", "");
		for (size_t k = 0; k < ref->n_cords; k++)
			cat(doc, &cords, &cl, k ? ", " : "", ref->cords[k], "");
		bool one_unit = true;
		for (size_t k = 1; k < ref->n_values; k++) {
			const char *a = ref->values[0].unit ? ref->values[0].unit : "", *b = ref->values[k].unit ? ref->values[k].unit : "";
			one_unit &= strcmp(a, b) == 0;
		}
		bool summed = one_unit && ref->n_values > REF_VALUES_LISTED;
		if (summed) {
			/* One power per path: listed, 16 paths overflow the cell and would be cut; their range says
			 * what the reader checks (a uniform launch), and report.json keeps each. */
			double lo = ref->values[0].value, hi = lo;
			for (size_t k = 1; k < ref->n_values; k++) {
				lo = ref->values[k].value < lo ? ref->values[k].value : lo;
				hi = ref->values[k].value > hi ? ref->values[k].value : hi;
			}
			char range[96];
			snprintf(range, sizeof(range), "%zu values from %.6g to %.6g ", ref->n_values, lo, hi);
			cat(doc, &vals, &vl, range, ref->values[0].unit ? ref->values[0].unit : "",
			    " (each in report.json and the HTML report)");
		}
		for (size_t k = 0; !summed && k < ref->n_values; k++) {
			snprintf(v, sizeof(v), " = %.6g ", ref->values[k].value);
			cat(doc, &vals, &vl, k ? ", " : "", ref->values[k].name, v);
			cat(doc, &vals, &vl, ref->values[k].unit ? ref->values[k].unit : "", "", "");
		}
		lc_pdf_cell cells[5] = {{ref->method, 0, false, 0, NULL}, {taken, 0, false, 0, NULL}, {wl, 0, false, 0, NULL},
					{cords, 0, false, 0, NULL},       {vals, 0, false, 0, NULL}};
		if (!doc->err)
			lc_pdf_table_row(doc, &t, cells);
		free(cords), free(vals);
	}
	lc_pdf_table_end(doc, &t);
}

static void raw_data(lc_pdf_doc *doc, const lc_result *r)
{
	if (lc_result_raw_count(r) == 0)
		return;
	lc_pdf_heading(doc, LC_PDF_H2, "Raw data", 40, false, LC_VERDICT_NONE);
	lc_pdf_table t;
	lc_pdf_table_begin(doc, &t, raw_cols, 4);
	for (size_t i = 0; i < lc_result_raw_count(r); i++) {
		const lc_result_raw *rw = lc_result_raw_at(r, i);
		char size[32];
		snprintf(size, sizeof(size), "%zu", rw->size);
		lc_pdf_cell cells[4] = {{rw->name, 0, false, 0, NULL}, {rw->kind, 0, false, 0, NULL}, {size, 0, false, 0, NULL},
					{rw->sha256, 0, false, 0, NULL}};
		lc_pdf_table_row(doc, &t, cells);
	}
	lc_pdf_table_end(doc, &t);
}

void lc_pdf_equipment(lc_pdf_doc *doc, const lc_result *r)
{
	instruments(doc, r);
	references(doc, r);
	raw_data(doc, r);
}
