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
	double ours, base; /* medians: seconds per item (or items per second for "per_s" figures) */
	const char *unit, *baseline;
	double r[3];       /* ratio ours / baseline per cable (or round): min, median, max */
};

static void print(const struct fig *f, size_t n, bool json, int cables)
{
	if (json) {
		printf("{\"bench\": \"reports\", \"cables\": %d, \"figures\": [\n", cables);
		for (size_t i = 0; i < n; i++)
			printf("  {\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", \"baseline\": \"%s\", "
			       "\"baseline_value\": %.6g, \"ratio\": %.3g, \"ratio_min\": %.3g, \"ratio_max\": %.3g}%s\n",
			       f[i].name, f[i].ours, f[i].unit, f[i].baseline, f[i].base, f[i].r[1], f[i].r[0], f[i].r[2],
			       i + 1 < n ? "," : "");
		printf("]}\n");
		return;
	}
	printf("reports benchmark, %d cables (8 lanes, IL/RL/BER + 1 OTDR trace each: 4 gnuplot plots); values are\n"
	       "medians per cable, the ratio the median (min..max) of the per-cable ratios (store: of 4 rounds); the\n"
	       "order alternates with the cable (the HTML's baseline writes lanecert's HTML, so it goes second)\n",
	       cables);
	printf("%-26s %12s %-6s %-34s %12s %s\n", "figure", "value", "unit", "baseline (same run)", "baseline",
	       "ratio median (min..max)");
	for (size_t i = 0; i < n; i++)
		printf("%-26s %12.4g %-6s %-34s %12.4g %.2f (%.2f..%.2f)\n", f[i].name, f[i].ours, f[i].unit,
		       f[i].baseline, f[i].base, f[i].r[1], f[i].r[0], f[i].r[2]);
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
	/* Per cable, each figure's time and its baseline's; the ratio is taken per cable and printed as the
	 * median (min..max). Where the two do not depend on each other the order alternates with the cable
	 * (even: lanecert first, odd: the baseline first); the HTML's baseline writes the HTML lanecert made,
	 * so it always goes second. */
	enum { F_JSON, F_SIGN, F_HTML, F_PDF, F_VERIFY, NF };
	double *ours_t[NF], *base_t[NF], t_serialize = 0;
	for (int k = 0; k < NF; k++) {
		ours_t[k] = calloc((size_t)cables, sizeof(double));
		base_t[k] = calloc((size_t)cables, sizeof(double));
		if (!ours_t[k] || !base_t[k])
			rc = lc_diag_set(&d, LC_ERR_NOMEM, "out of memory");
	}
	int plots_missing = 0;
	lc_pubkey pub;
	lc_sign_key_public(key, &pub);
	char path[4200], path2[4300];
	for (int i = 0; i < cables && rc == 0; i++) {
		bool base_first = i % 2 == 1;
		lc_result *r = lc_bench_sample_result((unsigned)i, i % 5 == 4 ? 3 : 0);
		char id[LC_KEY_ID_HEX_LEN + 1];
		lc_pubkey_id(&pub, id);
		lc_result_set_key_id(r, id, NULL);
		char *js = NULL, *sig = NULL, *html = NULL;
		size_t jl, hl;
		snprintf(path, sizeof(path), "%s/r%d.json", dir, i);
		snprintf(path2, sizeof(path2), "%s/plain%d.json", dir, i);
		double t0 = now_s();
		rc = lc_report_json(r, &js, &jl, &d);
		double ts = now_s() - t0;
		t_serialize += ts;
		/* JSON: serialize + atomic write, against a plain write(2) of the same bytes */
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			bool base_turn = (pass == 0) == base_first;
			double a = now_s();
			if (base_turn && plain_write(path2, js, jl) < 0)
				rc = lc_diag_set(&d, LC_ERR_IO, "plain write failed");
			else if (!base_turn)
				rc = lc_atomic_write(path, js, jl, 0644, LC_ATOMIC_NOREPLACE, &d);
			*(base_turn ? &base_t[F_JSON][i] : &ours_t[F_JSON][i]) = now_s() - a + (base_turn ? 0 : ts);
		}
		/* signature against a SHA-256 of the same bytes */
		char tc[LC_TRUSTED_COMMENT_MAX + 1];
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			bool base_turn = (pass == 0) == base_first;
			double a = now_s();
			if (base_turn) {
				unsigned char h[32];
				crypto_hash_sha256(h, (const unsigned char *)js, jl);
			} else if ((rc = lc_report_trusted_comment(r, tc, sizeof(tc), &d)) == 0) {
				rc = lc_sign_buffer(key, js, jl, tc, &sig, &d);
			}
			*(base_turn ? &base_t[F_SIGN][i] : &ours_t[F_SIGN][i]) = now_s() - a;
		}
		/* HTML with plots, then its baseline: a plain write(2) of that HTML */
		lc_html_options ho = {0};
		lc_plot_set ps;
		memset(&ps, 0, sizeof(ps));
		double t4 = now_s();
		if (rc == 0)
			rc = lc_report_html(js, jl, &ho, &html, &hl, &ps, &d);
		double t5 = now_s();
		snprintf(path2, sizeof(path2), "%s/plain%d.html", dir, i);
		if (rc == 0) {
			for (size_t k = 0; k < ps.n; k++)
				plots_missing += ps.plots[k].svg == NULL;
			plain_write(path2, html, hl);
		}
		ours_t[F_HTML][i] = t5 - t4, base_t[F_HTML][i] = now_s() - t5;
		/* The PDF as lc_report_write() makes it: from the JSON, with the plots the HTML step drew, written
		 * atomically. Baseline: the HTML of the same report without plots, written atomically too. */
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			bool base_turn = (pass == 0) == base_first;
			double a = now_s();
			if (!base_turn) {
				lc_pdf_options po = {.plots = &ps};
				snprintf(path2, sizeof(path2), "%s/r%d.pdf", dir, i);
				rc = lc_report_pdf(js, jl, &po, path2, &d);
			} else {
				lc_html_options hb = {.gnuplot = ""};
				char *h2;
				size_t h2l;
				if ((rc = lc_report_html(js, jl, &hb, &h2, &h2l, NULL, &d)) == 0) {
					snprintf(path2, sizeof(path2), "%s/r%d.html", dir, i);
					rc = lc_atomic_write(path2, h2, h2l, 0644, LC_ATOMIC_NOREPLACE, &d);
					free(h2);
				}
			}
			*(base_turn ? &base_t[F_PDF][i] : &ours_t[F_PDF][i]) = now_s() - a;
		}
		lc_plots_free(&ps);
		snprintf(path2, sizeof(path2), "%s.minisig", path);
		if (rc == 0)
			rc = lc_atomic_write(path2, sig, strlen(sig), 0644, LC_ATOMIC_NOREPLACE, &d);
		/* verification, against reading the report and hashing it (the least any check must do) */
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			bool base_turn = (pass == 0) == base_first;
			double a = now_s();
			if (!base_turn) {
				rc = lc_report_verify(path, NULL, &pub, NULL, &d);
			} else {
				char *again;
				size_t al;
				if (lc_read_file(path, LC_REPORT_JSON_MAX, &again, &al, &d) == 0) {
					unsigned char bh[64];
					crypto_generichash(bh, sizeof(bh), (unsigned char *)again, al, NULL, 0);
					free(again);
				}
			}
			*(base_turn ? &base_t[F_VERIFY][i] : &ours_t[F_VERIFY][i]) = now_s() - a;
		}
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
	sqlite3 *db;
	snprintf(path2, sizeof(path2), "%s/raw.db", dir);
	sqlite3_open(path2, &db);
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE t (a TEXT, b INTEGER);",
		     NULL, NULL, NULL);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO t VALUES ('BO8-000001', ?)", -1, &st, NULL);
	enum { STORE_ROUNDS = 4 };
	double store_ours[STORE_ROUNDS], store_raw[STORE_ROUNDS];
	int per = inserts / STORE_ROUNDS;
	for (int round = 0; round < STORE_ROUNDS && rc == 0; round++) {
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			bool raw_turn = (pass == 0) == (round % 2 == 1); /* lanecert first in even rounds */
			double t0 = now_s();
			for (int i = round * per; i < (round + 1) * per && rc == 0; i++) {
				if (raw_turn) {
					sqlite3_bind_int(st, 1, i);
					sqlite3_step(st);
					sqlite3_reset(st);
					continue;
				}
				int64_t id;
				lc_store_run_info info = {"BO8-000001", "400g-sr8-breakout-8x50g", 0, "STB", "op", "proc",
							  1795000000000LL + i, NULL, NULL, NULL};
				rc = lc_store_begin_run(s, &info, &id, &d);
				if (rc == 0)
					rc = lc_store_finish_run(s, id, LC_VERDICT_PASS, 1795000001000LL + i, "/x/report.json",
								 "00000000000000000000000000000000000000000000000000000000000000",
								 NULL, &d);
			}
			*(raw_turn ? &store_raw[round] : &store_ours[round]) = per / (now_s() - t0);
		}
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	lc_store_close(s);
	if (rc < 0)
		return lc_cli_fail("bench reports", rc, &d, NULL);

	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "lanecert-bench reports: could not remove %s\n", dir);
	static const char *const names[NF] = {"json_write_per_cable", "sign_per_cable", "html_with_plots_per_cable",
					      "pdf_per_cable", "verify_per_report"};
	static const char *const bases[NF] = {"plain write(2) of the same bytes", "SHA-256 of the same bytes",
					      "plain write(2) of the HTML", "HTML without plots, atomic write",
					      "read + BLAKE2b of the report"};
	struct fig f[NF + 1];
	for (int k = 0; k < NF; k++) {
		double *q = calloc((size_t)cables, sizeof(double));
		if (!q)
			return lc_cli_fail("bench reports", LC_ERR_NOMEM, NULL, NULL);
		for (int i = 0; i < cables; i++)
			q[i] = base_t[k][i] > 0 ? ours_t[k][i] / base_t[k][i] : 0;
		f[k] = (struct fig){names[k], 0, 0, "s", bases[k], {0, 0, 0}};
		lc_bench_spread(q, cables, f[k].r);
		double m[3];
		lc_bench_spread(ours_t[k], cables, m);
		f[k].ours = m[1];
		lc_bench_spread(base_t[k], cables, m);
		f[k].base = m[1];
		free(q);
		free(ours_t[k]);
		free(base_t[k]);
	}
	double sq[STORE_ROUNDS], m[3];
	for (int i = 0; i < STORE_ROUNDS; i++)
		sq[i] = store_ours[i] / store_raw[i];
	f[NF] = (struct fig){"store_runs_per_s", 0, 0, "1/s", "raw INSERT loop, same pragmas", {0, 0, 0}};
	lc_bench_spread(sq, STORE_ROUNDS, f[NF].r);
	lc_bench_spread(store_ours, STORE_ROUNDS, m);
	f[NF].ours = m[1];
	lc_bench_spread(store_raw, STORE_ROUNDS, m);
	f[NF].base = m[1];
	double n = cables;
	print(f, sizeof(f) / sizeof(f[0]), json, cables);
	if (!json)
		printf("of json_write: %.3g s serializing, the rest is the atomic write (fsync of file and directory)\n",
		       t_serialize / n);
	if (plots_missing && !json)
		printf("note: %d plots could not be drawn (gnuplot missing?): the HTML time excludes them\n", plots_missing);
	return LC_EXIT_OK;
}
