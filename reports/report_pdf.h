/*
 * The PDF report: the same content as report.html, rendered from the report's JSON (never from in-memory
 * state, so what people print is what was signed) onto A4 pages with cairo, pango and librsvg:
 *   - a header with the cable type, serial, coloured verdict, station, operator, times, software version and
 *     signing key id; a running header (serial, cable type, verdict) on every later page;
 *   - the verdict and its reasons first, then the summary;
 *   - per-step tables (lane, measurement, wavelength, value, unit, limit, margin, verdict, details), limits
 *     from rows marked UNCONFIRMED flagged; a table that does not fit continues on the next page with its
 *     header row repeated;
 *   - the gnuplot SVG plots (the ones lc_report_html() drew, or drawn here); without gnuplot the PDF says
 *     which plots are missing and why;
 *   - instruments, references, raw data digests;
 *   - on every page "page N of M" and the line that verifies the signed record with stock minisign.
 *
 * Thread safety: reentrant (each call has its own cairo surfaces and pango context; pango's font map is per
 * thread, fontconfig is thread-safe).
 */
#ifndef LC_REPORTS_REPORT_PDF_H
#define LC_REPORTS_REPORT_PDF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "reports/cert_view_priv.h"
#include "reports/plot.h"

typedef struct lc_pdf_options {
	const lc_plot_set *plots; /* plots already drawn from the same JSON (lc_report_html()'s); NULL: drawn here */
	const char *gnuplot;      /* when plots is NULL: NULL runs "gnuplot" on PATH; "": no plots (the PDF says so) */
	int plot_timeout_ms;      /* per plot drawn here; 0: 20 s */
	const char *pubkey_hint;  /* public key file named in the footer's verify line; NULL: "STATION.pub" */
	const char *public_key;   /* the signing key's public key line (base64, as in the .pub file), may be NULL */
	bool replace;             /* lc_report_pdf(): replace an existing file (default: LC_ERR_BUSY, kept) */
	const lc_view_approval *approvals; /* verified QA approvals, shown as "Approved by"; NULL: none */
	size_t n_approvals;
} lc_pdf_options;

typedef struct lc_pdf_info {
	int pages;
	int plots_drawn, plots_missing;
} lc_pdf_info;

struct lc_pdf_plotter;

/* Render json as lc_report_pdf_render() does, its plots drawn by pl (reports/pdf_plotter_priv.h): in this
 * process or by a child. */
int lc_report_pdf_render_with(const char *json, size_t len, const lc_pdf_options *opt,
			      const struct lc_pdf_plotter *pl, char **pdf, size_t *pdf_len, lc_pdf_info *info,
			      lc_diag *diag);

/* Render json (a report as written by lc_report_json(); it is read and checked first) to PDF bytes
 * (*pdf malloc'ed). A malformed report is LC_ERR_FORMAT with the reader's detail; a cairo failure is
 * LC_ERR_IO with cairo's status. info may be NULL. The plots are drawn in this process with librsvg
 * (reports/pdf_svg.c). */
int lc_report_pdf_render(const char *json, size_t len, const lc_pdf_options *opt, char **pdf, size_t *pdf_len,
			 lc_pdf_info *info, lc_diag *diag);

/* Render and write out_path atomically (base/atomic_file.h, mode 0644). Nothing is written when
 * rendering fails. */
int lc_report_pdf(const char *json, size_t len, const lc_pdf_options *opt, const char *out_path, lc_diag *diag);

#endif
