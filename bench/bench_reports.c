/* lanecert-bench reports: the cost of a report per cable (JSON, signature, HTML with plots, PDF), verification,
 * and results store inserts, each against a baseline measured in the same run. */
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_reports_sample.h"
#include "cli/cli.h"
#include "base/atomic_file.h"
#include "reports/report.h"
#include "reports/report_html.h"
#include "reports/report_json.h"
#include "reports/report_pdf.h"
#include "reports/sign.h"
#include "reports/store.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The baseline for writing: the same bytes with write(2) and close, no fsync, no rename. */
static int plain_write(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, data, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

struct fig {
	const char *name;
	double ours, base; /* seconds per item (or items per second for "per_s" figures) */
	const char *unit, *baseline;
};

static void print(const struct fig *f, size_t n, bool json, int cables)
{
	if (json) {
		printf("{\"bench\": \"reports\", \"cables\": %d, \"figures\": [\n", cables);
		for (size_t i = 0; i < n; i++)
			printf("  {\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", \"baseline\": \"%s\", "
			       "\"baseline_value\": %.6g, \"ratio\": %.3g}%s\n",
			       f[i].name, f[i].ours, f[i].unit, f[i].baseline, f[i].base,
			       f[i].base > 0 ? f[i].ours / f[i].base : 0, i + 1 < n ? "," : "");
		printf("]}\n");
		return;
	}
	printf("reports benchmark, %d cables (8 lanes, IL/RL/BER + 1 OTDR trace each: 4 gnuplot plots)\n", cables);
	printf("%-26s %12s %-6s %-34s %12s %8s\n", "figure", "value", "unit", "baseline (same run)", "baseline", "ratio");
	for (size_t i = 0; i < n; i++)
		printf("%-26s %12.4g %-6s %-34s %12.4g %8.2f\n", f[i].name, f[i].ours, f[i].unit, f[i].baseline,
		       f[i].base, f[i].base > 0 ? f[i].ours / f[i].base : 0);
}

int lc_bench_reports(int argc, char **argv)
{
	bool json = false;
	int cables = 10, inserts = 200;
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"cables", required_argument, NULL, 'n'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jn:h", opts, NULL)) != -1) {
		if (c == 'j')
			json = true;
		else if (c == 'n' && atoi(optarg) > 0)
			cables = atoi(optarg);
		else {
			fprintf(c == 'h' ? stdout : stderr, "usage: lanecert-bench reports [--json] [--cables N]\n");
			return c == 'h' ? LC_EXIT_OK : LC_EXIT_USAGE;
		}
	}
	const char *base = getenv("LC_BUILD_DIR");
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/lanecert-bench-XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		lc_cli_error("bench reports", "cannot create a scratch directory in %s", base && *base ? base : "/tmp");
		return LC_EXIT_IOERR;
	}
	lc_diag d;
	lc_sign_key *key;
	int rc = lc_sign_key_generate(&key, &d);
	if (rc < 0)
		return lc_cli_fail("bench reports", rc, &d, NULL);
	double t_serialize = 0, t_json = 0, t_json_base = 0, t_sign = 0, t_hash = 0, t_html = 0, t_html_base = 0, t_verify = 0,
	       t_verify_base = 0, t_pdf = 0, t_pdf_base = 0;
	int plots_missing = 0;
	lc_pubkey pub;
	lc_sign_key_public(key, &pub);
	char path[4200], path2[4300];
	for (int i = 0; i < cables && rc == 0; i++) {
		lc_result *r = lc_bench_sample_result((unsigned)i, i % 5 == 4 ? 3 : 0);
		char id[LC_KEY_ID_HEX_LEN + 1];
		lc_pubkey_id(&pub, id);
		lc_result_set_key_id(r, id, NULL);
		char *js, *sig, *html;
		size_t jl, hl;
		snprintf(path, sizeof(path), "%s/r%d.json", dir, i);
		snprintf(path2, sizeof(path2), "%s/plain%d.json", dir, i);
		double t0 = now_s();
		rc = lc_report_json(r, &js, &jl, &d);
		t_serialize += now_s() - t0;
		if (rc == 0)
			rc = lc_atomic_write(path, js, jl, 0644, LC_ATOMIC_NOREPLACE, &d);
		double t1 = now_s();
		if (rc == 0 && plain_write(path2, js, jl) < 0)
			rc = lc_diag_set(&d, LC_ERR_IO, "plain write failed");
		double t2 = now_s();
		char tc[LC_TRUSTED_COMMENT_MAX + 1];
		if (rc == 0 && (rc = lc_report_trusted_comment(r, tc, sizeof(tc), &d)) == 0)
			rc = lc_sign_buffer(key, js, jl, tc, &sig, &d);
		double t3 = now_s();
		unsigned char h[32];
		crypto_hash_sha256(h, (const unsigned char *)js, jl);
		double t4 = now_s();
		lc_html_options ho = {0};
		lc_plot_set ps;
		if (rc == 0)
			rc = lc_report_html(js, jl, &ho, &html, &hl, &ps, &d);
		double t5 = now_s();
		snprintf(path2, sizeof(path2), "%s/plain%d.html", dir, i);
		if (rc == 0) {
			for (size_t k = 0; k < ps.n; k++)
				plots_missing += ps.plots[k].svg == NULL;
			plain_write(path2, html, hl);
		}
		double t6 = now_s();
		/* The PDF as lc_report_write() makes it: from the JSON, with the plots the HTML step drew, written
		 * atomically. Baseline: the HTML of the same report without plots, written atomically too. */
		double tp0 = 0, tp1 = 0, tp2 = 0;
		if (rc == 0) {
			lc_pdf_options po = {.plots = &ps};
			snprintf(path2, sizeof(path2), "%s/r%d.pdf", dir, i);
			tp0 = now_s();
			rc = lc_report_pdf(js, jl, &po, path2, &d);
			tp1 = now_s();
			lc_plots_free(&ps);
			lc_html_options hb = {.gnuplot = ""};
			char *h2;
			size_t h2l;
			if (rc == 0 && (rc = lc_report_html(js, jl, &hb, &h2, &h2l, NULL, &d)) == 0) {
				snprintf(path2, sizeof(path2), "%s/r%d.html", dir, i);
				rc = lc_atomic_write(path2, h2, h2l, 0644, LC_ATOMIC_NOREPLACE, &d);
				free(h2);
			}
			tp2 = now_s();
		}
		t_pdf += tp1 - tp0, t_pdf_base += tp2 - tp1;
		snprintf(path2, sizeof(path2), "%s.minisig", path);
		if (rc == 0)
			rc = lc_atomic_write(path2, sig, strlen(sig), 0644, LC_ATOMIC_NOREPLACE, &d);
		double t7 = now_s();
		if (rc == 0)
			rc = lc_report_verify(path, NULL, &pub, NULL, &d);
		double t8 = now_s();
		/* Verification baseline: reading the report and hashing it, the least any check must do. */
		char *again;
		size_t al;
		if (rc == 0 && lc_read_file(path, LC_REPORT_JSON_MAX, &again, &al, &d) == 0) {
			unsigned char bh[64];
			crypto_generichash(bh, sizeof(bh), (unsigned char *)again, al, NULL, 0);
			free(again);
		}
		double t9 = now_s();
		t_json += t1 - t0, t_json_base += t2 - t1, t_sign += t3 - t2, t_hash += t4 - t3;
		t_html += t5 - t4, t_html_base += t6 - t5, t_verify += t8 - t7, t_verify_base += t9 - t8;
		if (rc == 0)
			free(js), free(sig), free(html);
		lc_result_free(r);
	}
	lc_sign_key_free(key);
	if (rc < 0)
		return lc_cli_fail("bench reports", rc, &d, NULL);

	/* Store: a run as lanecert records it (insert incomplete + complete, two transactions), against a raw
	 * INSERT loop in the same database configuration. */
	snprintf(path, sizeof(path), "%s/results.db", dir);
	lc_store *s;
	if ((rc = lc_store_open(path, &s, &d)) < 0)
		return lc_cli_fail("bench reports", rc, &d, NULL);
	double t0 = now_s();
	for (int i = 0; i < inserts && rc == 0; i++) {
		int64_t id;
		lc_store_run_info info = {"BO8-000001", "400g-sr8-breakout-8x50g", 0, "STB", "op", "proc", 1795000000000LL + i, NULL, NULL, NULL};
		rc = lc_store_begin_run(s, &info, &id, &d);
		if (rc == 0)
			rc = lc_store_finish_run(s, id, LC_VERDICT_PASS, 1795000001000LL + i, "/x/report.json",
						 "00000000000000000000000000000000000000000000000000000000000000", NULL, &d);
	}
	double t_store = now_s() - t0;
	lc_store_close(s);
	if (rc < 0)
		return lc_cli_fail("bench reports", rc, &d, NULL);
	sqlite3 *db;
	snprintf(path, sizeof(path), "%s/raw.db", dir);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (a TEXT, b INTEGER);",
		     NULL, NULL, NULL);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO t VALUES ('BO8-000001', ?)", -1, &st, NULL);
	t0 = now_s();
	for (int i = 0; i < inserts; i++) {
		sqlite3_bind_int(st, 1, i);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	double t_raw = now_s() - t0;
	sqlite3_finalize(st);
	sqlite3_close(db);

	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "lanecert-bench reports: could not remove %s\n", dir);
	double n = cables;
	struct fig f[] = {
		{"json_write_per_cable", t_json / n, t_json_base / n, "s", "plain write(2) of the same bytes"},
		{"sign_per_cable", t_sign / n, t_hash / n, "s", "SHA-256 of the same bytes"},
		{"html_with_plots_per_cable", t_html / n, t_html_base / n, "s", "plain write(2) of the HTML"},
		{"pdf_per_cable", t_pdf / n, t_pdf_base / n, "s", "HTML without plots, atomic write"},
		{"verify_per_report", t_verify / n, t_verify_base / n, "s", "read + BLAKE2b of the report"},
		{"store_runs_per_s", inserts / t_store, inserts / t_raw, "1/s", "raw INSERT loop, same pragmas"},
	};
	print(f, sizeof(f) / sizeof(f[0]), json, cables);
	if (!json)
		printf("of json_write: %.3g s serializing, the rest is the atomic write (fsync of file and directory)\n",
		       t_serialize / n);
	if (plots_missing && !json)
		printf("note: %d plots could not be drawn (gnuplot missing?): the HTML time excludes them\n", plots_missing);
	return LC_EXIT_OK;
}
