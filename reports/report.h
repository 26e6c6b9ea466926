/*
 * Writing and verifying a whole certification report: the top-level calls of reports/.
 *
 * lc_report_write() produces, in out_dir:
 *   <raw files>            the result's raw data (SOR files, BER logs), each recorded with its SHA-256
 *   report.json.minisig    the minisign signature (prehashed Ed25519) with a trusted comment naming the DUT
 *                          serial, the verdict and the time
 *   report.json            the canonical JSON (reports/report_json.h)
 *   report.html            the rendered report with its plots inline; plots/<name>.svg beside it
 *   report.pdf             the same report on A4 pages (reports/report_pdf.h), from the same JSON bytes and
 *                          the same plots
 * and completes the run in the results store. Every file appears atomically and none is overwritten: a
 * report directory is written once. The signature is written before report.json, so a report.json that
 * exists always has its signature; the store is completed last, so a run killed on the way stays
 * "incomplete" there. When writing fails, the run is still completed in the store, as an error with the
 * reason.
 *
 * Thread safety: reentrant; several slots may write their reports at once into different directories (and
 * share one store and one key).
 */
#ifndef LC_REPORTS_REPORT_H
#define LC_REPORTS_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "reports/result.h"
#include "reports/sign.h"
#include "reports/store.h"

typedef struct lc_report_paths {
	char json[PATH_MAX];
	char sig[PATH_MAX];       /* empty when written without a key */
	char html[PATH_MAX];      /* empty with no_html */
	char pdf[PATH_MAX];       /* empty with no_pdf */
	char sha256[LC_SHA256_HEX_LEN + 1]; /* of report.json */
	int64_t run_id;           /* the store's run id, 0 without a store */
	int plots_drawn, plots_missing;
} lc_report_paths;

typedef struct lc_report_options {
	lc_store *store;          /* NULL: no store record */
	int64_t run_id;           /* from lc_store_begin_run() at the start of the run; 0: inserted here */
	const char *gnuplot;      /* NULL: "gnuplot" on PATH; "": no plots (the HTML says so) */
	const char *pubkey_hint;  /* public key file name shown in the HTML's "verify with" line */
	bool no_html;
	bool no_pdf;              /* no report.pdf (it costs a few tens of ms per report) */
} lc_report_options;

/* key NULL writes an unsigned report (development only: `lanecert verify` rejects it). The result gets the
 * key id recorded before it is serialized. */
int lc_report_write(lc_result *r, const char *out_dir, const lc_sign_key *key, lc_report_paths *paths,
		    const lc_report_options *opt, lc_diag *diag);

/*
 * A new report folder `name` under the open folder out_fd (out_label: how the caller names out_fd, used in
 * paths and messages), whole or not at all: the files are written into a hidden staging folder
 * ".<name>.lctmp-<pid>-<n>" and, once complete, it is renamed to name, or name-1 ... name-99 when taken,
 * never replacing anything. Every name is resolved relative to out_fd and nothing follows a symlink, so
 * neither name nor a symlink planted in out_fd can put a file outside it. name must be a plain name (no '/',
 * not starting with a dot): LC_ERR_ARG otherwise. The store record is made as by lc_report_write(). paths
 * receive the final paths. Since 0.2.
 */
int lc_report_write_new(lc_result *r, int out_fd, const char *out_label, const char *name, const lc_sign_key *key,
			lc_report_paths *paths, const lc_report_options *opt, lc_diag *diag);

/* Remove what runs that were killed left in out_fd: staging folders and temporary files whose writer process
 * no longer runs (base/atomic_file.h lc_atomic_tmp_stale()). Returns how many were removed (each one logged),
 * or LC_ERR_IO when out_fd cannot be listed. Since 0.2. */
int lc_report_clean_stale(int out_fd, lc_diag *diag);

/* Remove the folder name in out_fd with its files and plots/ (never following a symlink). 0 or -1 (errno). */
int lc_report_remove_folder(int out_fd, const char *name);

/* The trusted comment lanecert signs: "lanecert-report\tserial:SN\tverdict:V\ttime:T\tfile:report.json"
 * (control characters of the serial replaced by '?'). */
int lc_report_trusted_comment(const lc_result *r, char *buf, size_t size, lc_diag *diag);

typedef struct lc_report_verify_info {
	char key_id[LC_KEY_ID_HEX_LEN + 1];
	char trusted_comment[LC_TRUSTED_COMMENT_MAX + 1];
	enum lc_verdict verdict;
	char serial[256];
	int raw_checked;          /* raw files found beside the report whose digest matched */
	int raw_missing;          /* raw files named by the report but absent (not an error: often not copied) */
} lc_report_verify_info;

/* Verify a report: the signature (sig_path NULL: REPORT.minisig) against the public key, the report's JSON,
 * the key id it records against the key's, the trusted comment against the report, and the digest of every
 * raw file present beside it. 0 when all hold; LC_ERR_VERIFY (or LC_ERR_FORMAT, LC_ERR_TRUNCATED,
 * LC_ERR_NOT_FOUND) with the reason otherwise. info may be NULL. */
int lc_report_verify(const char *report_path, const char *sig_path, const lc_pubkey *pub,
		     lc_report_verify_info *info, lc_diag *diag);

#endif
