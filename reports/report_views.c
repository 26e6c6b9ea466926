/*
 * lc_report_render_views(): report.html and report.pdf again, with an "Approved by" block (issue 21, item 4).
 *
 * Approvals are made after the run, as separate minisign signatures over the unchanged report.json; the
 * signed files never change. The HTML and PDF are views of report.json, unsigned: lanecert approve renders
 * them again so that the customer's document shows who approved it, listing only approvals verified here
 * (each with its approver's key, against the same report.json bytes). `lanecert verify --approver` and stock
 * minisign stay the authority; the page says how to run them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"
#include "reports/cert_view_priv.h"
#include "reports/report.h"
#include "reports/report_html.h"
#include "reports/report_pdf.h"
#include "reports/report_json.h"
#include "reports/sign.h"

/* The base64 line of a public key (the second line of its .pub). */
static void key_line(const lc_pubkey *pub, char *buf, size_t cap)
{
	char *text = NULL;
	buf[0] = '\0';
	if (lc_pubkey_format(pub, &text, NULL) < 0)
		return;
	const char *line = strchr(text, '\n');
	if (line)
		snprintf(buf, cap, "%.*s", (int)strcspn(line + 1, "\n"), line + 1);
	free(text);
}

int lc_report_render_views(const char *report_path, const lc_pubkey *station, const lc_pubkey *const *approvers,
			   size_t n_approvers, const char *pubkey_hint, lc_diag *diag)
{
	if (!report_path || !station || (n_approvers && !approvers) || n_approvers > LC_VIEW_APPROVALS_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "views: no report or station key, or too many approvers");
	int rc = lc_report_verify(report_path, NULL, station, NULL, diag);
	if (rc < 0)
		return rc;
	lc_view_approval ap[LC_VIEW_APPROVALS_MAX];
	for (size_t i = 0; i < n_approvers; i++) {
		lc_report_approval_info info;
		if ((rc = lc_report_verify_approval(report_path, NULL, approvers[i], &info, diag)) < 0)
			return rc; /* a view never shows an approval that does not hold */
		memset(&ap[i], 0, sizeof(ap[i]));
		snprintf(ap[i].name, sizeof(ap[i].name), "%s", info.approver);
		memcpy(ap[i].key_id, info.key_id, sizeof(ap[i].key_id));
		if (lc_time_format(info.time_ms, ap[i].time, diag) < 0)
			return LC_ERR_FORMAT;
		key_line(approvers[i], ap[i].public_key, sizeof(ap[i].public_key));
	}
	char *json = NULL, *html = NULL, *pdf = NULL, pk[128], dir[PATH_MAX], path[PATH_MAX + 16];
	size_t jlen, hlen, plen;
	lc_plot_set plots = {0};
	key_line(station, pk, sizeof(pk));
	snprintf(dir, sizeof(dir), "%s", report_path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	if ((rc = lc_read_file(report_path, LC_REPORT_JSON_MAX, &json, &jlen, diag)) < 0)
		return rc;
	lc_html_options ho = {.pubkey_hint = pubkey_hint, .public_key = pk[0] ? pk : NULL, .approvals = ap,
			      .n_approvals = n_approvers};
	lc_pdf_options po = {.plots = &plots, .pubkey_hint = pubkey_hint, .public_key = pk[0] ? pk : NULL,
			     .approvals = ap, .n_approvals = n_approvers};
	if ((rc = lc_report_html(json, jlen, &ho, &html, &hlen, &plots, diag)) < 0 ||
	    (rc = lc_report_pdf_render(json, jlen, &po, &pdf, &plen, NULL, diag)) < 0)
		goto out;
	/* The views are replaced (each atomically); report.json and its signatures are not touched. */
	snprintf(path, sizeof(path), "%s/report.html", dir);
	if ((rc = lc_atomic_write(path, html, hlen, 0644, LC_ATOMIC_REPLACE, diag)) < 0)
		goto out;
	snprintf(path, sizeof(path), "%s/report.pdf", dir);
	rc = lc_atomic_write(path, pdf, plen, 0644, LC_ATOMIC_REPLACE, diag);
out:
	lc_plots_free(&plots);
	free(json), free(html), free(pdf);
	return rc;
}
