/*
 * The human-readable report: one self-contained, print-friendly HTML file rendered from the report's JSON
 * (never from in-memory state, so what people read is what was signed). The verdict and its reasons come
 * first, then per-step tables with limits and margins, the plots (inline SVG from gnuplot; without gnuplot
 * the report says which plots are missing), instruments, references and raw data digests.
 *
 * Thread safety: reentrant.
 */
#ifndef LC_REPORTS_REPORT_HTML_H
#define LC_REPORTS_REPORT_HTML_H

#include <stddef.h>

#include "base/error.h"
#include "reports/cert_view_priv.h"
#include "reports/plot.h"

typedef struct lc_html_options {
	const char *gnuplot;     /* NULL: "gnuplot" on PATH; "": do not plot */
	int plot_timeout_ms;     /* per plot; 0: 20 s */
	const char *pubkey_hint; /* the public key file named in the "how to verify" line, may be NULL */
	const char *public_key;  /* the signing key's public key line (base64, as in the .pub file), may be NULL */
	/* QA approvals verified by the caller (lc_report_render_views), shown as "Approved by"; none: NULL, 0 */
	const lc_view_approval *approvals;
	size_t n_approvals;
} lc_html_options;

/* Render json (a report as written by lc_report_json(); it is read and checked first). *html is malloc'ed.
 * plots (may be NULL) receives the plots drawn, for the caller to keep as files; else they are freed. */
int lc_report_html(const char *json, size_t len, const lc_html_options *opt, char **html, size_t *html_len,
		   lc_plot_set *plots, lc_diag *diag);

#endif
