/* lc_report_write(): every file of a report, atomically, then the store record (reports/report.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/log.h"
#include "hal/atomic_file.h"
#include "reports/report.h"
#include "reports/report_html.h"
#include "reports/report_json.h"
#include "reports/report_pdf.h"
#include "reports/result_priv.h"

#define LC_LOG_DOMAIN "report"

int lc_report_trusted_comment(const lc_result *r, char *buf, size_t size, lc_diag *diag)
{
	lc_result_dut d = lc_result_get_dut(r);
	char serial[256], when[32] = "unknown";
	snprintf(serial, sizeof(serial), "%s", d.serial ? d.serial : "unknown");
	/* One line, tab-separated fields: a serial must not be able to forge another field. */
	for (char *p = serial; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	int64_t t = lc_result_end_ms(r) != LC_TIME_NONE ? lc_result_end_ms(r) : lc_result_start_ms(r);
	if (t != LC_TIME_NONE)
		lc_time_format(t, when, NULL);
	int n = snprintf(buf, size, "lanecert-report\tserial:%s\tverdict:%s\ttime:%s\tfile:report.json", serial,
			 lc_verdict_name(lc_result_verdict(r)), when);
	if (n < 0 || (size_t)n >= size)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "trusted comment too long");
	return 0;
}

static int path_in(char *out, const char *dir, const char *name, lc_diag *diag)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "path too long: %s/%s", dir, name);
	return 0;
}

static int write_plots(const char *out_dir, const lc_plot_set *ps, lc_report_paths *paths, lc_diag *diag)
{
	char dir[PATH_MAX], file[PATH_MAX];
	int rc = 0;
	bool made = false;
	for (size_t i = 0; i < ps->n && rc == 0; i++) {
		if (!ps->plots[i].svg) {
			paths->plots_missing++;
			continue;
		}
		if (!made) {
			if ((rc = path_in(dir, out_dir, "plots", diag)) < 0 || (rc = lc_mkdir_p(dir, 0755, diag)) < 0)
				return rc;
			made = true;
		}
		char name[64];
		snprintf(name, sizeof(name), "%s.svg", ps->plots[i].name);
		if ((rc = path_in(file, dir, name, diag)) == 0)
			rc = lc_atomic_write(file, ps->plots[i].svg, strlen(ps->plots[i].svg), 0644, LC_ATOMIC_NOREPLACE,
					     diag);
		paths->plots_drawn++;
	}
	return rc;
}

static int write_all(lc_result *r, const char *out_dir, const lc_sign_key *key, lc_report_paths *paths,
		     const lc_report_options *opt, lc_diag *diag)
{
	int rc;
	if ((rc = lc_mkdir_p(out_dir, 0755, diag)) < 0)
		return rc;
	if ((rc = path_in(paths->json, out_dir, "report.json", diag)) < 0)
		return rc;
	/* Refused before anything is written: a report directory is written once. */
	char probe[PATH_MAX];
	if ((size_t)snprintf(probe, sizeof(probe), "%s.minisig", paths->json) >= sizeof(probe))
		return lc_diag_set(diag, LC_ERR_ARG, "path too long: %s", out_dir);
	if (access(paths->json, F_OK) == 0 || access(probe, F_OK) == 0)
		return lc_diag_set(diag, LC_ERR_BUSY, "%s already holds a report: not overwritten", out_dir);
	if (key) {
		lc_pubkey pub;
		char id[LC_KEY_ID_HEX_LEN + 1];
		lc_sign_key_public(key, &pub);
		lc_pubkey_id(&pub, id);
		if ((rc = lc_result_set_key_id(r, id, diag)) < 0)
			return rc;
	}
	char file[PATH_MAX];
	for (size_t i = 0; i < lc_result_raw_count(r); i++) {
		const lc_result_raw *raw = lc_result_raw_at(r, i);
		if (!raw->data)
			continue; /* known by digest only (a result read back from JSON) */
		if ((rc = path_in(file, out_dir, raw->name, diag)) < 0 ||
		    (rc = lc_atomic_write(file, raw->data, raw->size, 0644, LC_ATOMIC_NOREPLACE, diag)) < 0)
			return rc;
	}
	char *json = NULL, *sig = NULL, *html = NULL;
	size_t jlen = 0, hlen = 0;
	if ((rc = lc_report_json(r, &json, &jlen, diag)) < 0)
		return rc;
	lc_result_sha256_hex(json, jlen, paths->sha256);
	if (key) {
		char tc[LC_TRUSTED_COMMENT_MAX + 1];
		if ((rc = lc_report_trusted_comment(r, tc, sizeof(tc), diag)) < 0 ||
		    (rc = lc_sign_buffer(key, json, jlen, tc, &sig, diag)) < 0)
			goto out;
		memcpy(paths->sig, probe, sizeof(probe));
		if ((rc = lc_atomic_write(paths->sig, sig, strlen(sig), 0644, LC_ATOMIC_NOREPLACE, diag)) < 0)
			goto out;
	}
	if ((rc = lc_atomic_write(paths->json, json, jlen, 0644, LC_ATOMIC_NOREPLACE, diag)) < 0)
		goto out;
	lc_plot_set ps = {0};
	if (!opt->no_html) {
		lc_html_options ho = {.gnuplot = opt->gnuplot, .pubkey_hint = opt->pubkey_hint};
		if ((rc = lc_report_html(json, jlen, &ho, &html, &hlen, &ps, diag)) < 0)
			goto out;
		if ((rc = write_plots(out_dir, &ps, paths, diag)) < 0 ||
		    (rc = path_in(paths->html, out_dir, "report.html", diag)) < 0 ||
		    (rc = lc_atomic_write(paths->html, html, hlen, 0644, LC_ATOMIC_NOREPLACE, diag)) < 0)
			goto out;
	}
	if (!opt->no_pdf) {
		/* The HTML's plots when it was rendered: gnuplot runs once per report, and both views show the
		 * same drawings. */
		lc_pdf_options po = {.plots = opt->no_html ? NULL : &ps, .gnuplot = opt->gnuplot,
				     .pubkey_hint = opt->pubkey_hint};
		lc_pdf_info info;
		char file_pdf[PATH_MAX], *pdf = NULL;
		size_t plen = 0;
		if ((rc = path_in(file_pdf, out_dir, "report.pdf", diag)) < 0 ||
		    (rc = lc_report_pdf_render(json, jlen, &po, &pdf, &plen, &info, diag)) < 0)
			goto out;
		rc = lc_atomic_write(file_pdf, pdf, plen, 0644, LC_ATOMIC_NOREPLACE, diag);
		free(pdf);
		if (rc < 0)
			goto out;
		memcpy(paths->pdf, file_pdf, sizeof(file_pdf));
		if (opt->no_html) /* the plots were drawn for the PDF alone */
			paths->plots_drawn = info.plots_drawn, paths->plots_missing = info.plots_missing;
	}
out:
	lc_plots_free(&ps);
	free(json), free(sig), free(html);
	return rc;
}

int lc_report_write(lc_result *r, const char *out_dir, const lc_sign_key *key, lc_report_paths *paths,
		    const lc_report_options *opt, lc_diag *diag)
{
	if (!r || !out_dir || !*out_dir || !paths)
		return lc_diag_set(diag, LC_ERR_ARG, "report: no result, directory or paths");
	lc_report_options none = {0};
	if (!opt)
		opt = &none;
	memset(paths, 0, sizeof(*paths));
	int64_t run_id = opt->run_id;
	int rc = 0;
	lc_result_dut d = lc_result_get_dut(r);
	if (opt->store && run_id == 0) {
		lc_store_run_info info = {d.serial, d.cable_type, d.slot, lc_result_station_name(r),
					  lc_result_operator(r), lc_result_procedure_name(r), lc_result_start_ms(r)};
		if ((rc = lc_store_begin_run(opt->store, &info, &run_id, diag)) < 0)
			return rc;
	}
	paths->run_id = run_id;
	rc = write_all(r, out_dir, key, paths, opt, diag);
	if (!opt->store)
		return rc;
	/* The run is recorded either way: a report that could not be written is an error of the station. */
	lc_diag sd;
	int64_t end = lc_result_end_ms(r) != LC_TIME_NONE ? lc_result_end_ms(r) : lc_result_wall_ms();
	char reason[1024];
	lc_result_explain(r, reason, sizeof(reason));
	const char *why = reason[0] ? reason : NULL;
	if (rc < 0) {
		snprintf(reason, sizeof(reason), "report not written: %s", lc_diag_message(diag));
		why = reason;
	}
	char abs[PATH_MAX];
	const char *report = rc < 0 ? NULL : realpath(paths->json, abs) ? abs : paths->json;
	int src = lc_store_finish_run(opt->store, run_id, rc < 0 ? LC_VERDICT_ERROR : lc_result_verdict(r), end, report,
				      rc < 0 ? NULL : paths->sha256, why, &sd);
	if (src < 0) {
		lc_err("run %lld not completed in the results store: %s", (long long)run_id, lc_diag_message(&sd));
		/* A run that could not be recorded is an error: its report must not stay a signed verdict, so the
		 * signature written a moment ago is withdrawn (report.json stays, for the record, unsigned). */
		bool withdrawn = paths->sig[0] && unlink(paths->sig) == 0;
		if (withdrawn)
			paths->sig[0] = '\0';
		if (rc == 0)
			rc = lc_diag_set(diag, src, "results store: %s%s", lc_diag_message(&sd),
					 withdrawn ? " (the report's signature was withdrawn)" : "");
	}
	return rc;
}
