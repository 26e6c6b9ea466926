/* The PDF report (reports/report_pdf.h): rendered from the JSON, page breaks with repeated table headers,
 * plots present or said missing, clear errors and no file for bad input, wired into lc_report_write(). The
 * text is checked with poppler's pdftotext (poppler-utils, installed by bootstrap.sh). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench_reports_sample.h"
#include "reports/pdf_layout_priv.h"
#include "reports/report.h"
#include "reports/report_json.h"
#include "reports/report_pdf.h"
#include "tests/reports/helpers.h"

static char *sample_json(unsigned seed, int fail_lane, size_t *len)
{
	lc_result *r = lc_bench_sample_result(seed, fail_lane);
	cr_assert_not_null(r);
	lc_result_set_key_id(r, "0123456789ABCDEF", NULL);
	char *js;
	cr_assert_eq(lc_report_json(r, &js, len, NULL), 0);
	lc_result_free(r);
	return js;
}

/* 64 lanes of insertion loss at two wavelengths: far more rows than one A4 page holds. Lanes 40..47 judged
 * against a limit from a row marked UNCONFIRMED. */
static char *long_json(size_t *len)
{
	lc_result *r = lc_result_new();
	lc_result_set_station(r, "line-1 station A", "STA-0001", NULL);
	lc_result_set_operator(r, "a.tester", NULL);
	lc_result_dut dut = {"mpo-trunk-64f", "TRK-064-0001", 0, NULL, 0};
	lc_result_set_dut(r, &dut, NULL);
	lc_result_start(r, 1795000000000LL, NULL);
	int s = lc_result_add_step(r, "insertion_loss", 1795000001000LL, NULL);
	for (int wl = 0; wl < 2; wl++)
		for (int lane = 1; lane <= 64; lane++) {
			double v = 0.4 + 0.01 * lane;
			lc_result_measurement m = {"insertion_loss", lane, v, "dB", wl ? 1310 : 850, {NAN, 1.5, LC_LIMIT_LE},
						   NAN, LC_VERDICT_PASS};
			int mi = lc_result_add_measurement(r, s, &m, NULL);
			cr_assert_geq(mi, 0);
			if (lane >= 40 && lane < 48)
				lc_result_measurement_extra_string(r, mi, "limit_status", "unconfirmed", NULL);
		}
	lc_result_end_step(r, s, LC_VERDICT_NONE, 1795000002000LL, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, 1795000003000LL, NULL, NULL);
	char *js;
	cr_assert_eq(lc_report_json(r, &js, len, NULL), 0);
	lc_result_free(r);
	return js;
}

static void expect_pdf_file(const char *path)
{
	size_t n;
	char *b = th_slurp(path, &n);
	cr_assert_not_null(b, "%s not written", path);
	cr_assert_gt(n, 1000);
	cr_expect_eq(memcmp(b, "%PDF-", 5), 0, "starts with %%PDF-");
	/* The trailer ends the file: %%EOF and at most a line end after it. */
	size_t end = n;
	while (end > 0 && (b[end - 1] == '\n' || b[end - 1] == '\r'))
		end--;
	cr_expect(end >= 5 && memcmp(b + end - 5, "%%EOF", 5) == 0, "ends with %%%%EOF");
	free(b);
}

static size_t count(const char *hay, const char *needle)
{
	size_t k = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		k++;
	return k;
}

Test(report_pdf, sample_cable_with_plots_verdict_and_footer)
{
	size_t n;
	char *js = sample_json(5, 2, &n);
	char *dir = th_scratch_dir("pdf-sample"), *out = th_path(dir, "report.pdf");
	lc_pdf_options o = {.pubkey_hint = "station.pub"};
	char *pdf;
	size_t pl;
	lc_pdf_info info;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render(js, n, &o, &pdf, &pl, &info, &d), 0, "%s", d.text);
	cr_expect_geq(info.pages, 2, "header, reasons, 4 step tables, 4 plots, instruments: %d pages", info.pages);
	th_require("gnuplot", "gnuplot-nox");
	cr_expect_eq(info.plots_drawn, 4, "IL, RL, BER and one OTDR trace");
	cr_expect_eq(info.plots_missing, 0);
	free(pdf);
	cr_assert_eq(lc_report_pdf(js, n, &o, out, &d), 0, "%s", d.text);
	expect_pdf_file(out);
	char *text = th_pdf_text(out, 0, 0);
	cr_expect(strstr(text, "BO8-000005"), "the serial");
	cr_expect(strstr(text, "400g-sr8-breakout-8x50g"), "the cable type");
	cr_expect(strstr(text, "FAIL"), "the verdict");
	cr_expect(strstr(text, "line-3 station B (STB-0042)"));
	cr_expect(strstr(text, "j.doe"));
	cr_expect(strstr(text, "0123456789ABCDEF"), "the key id");
	/* The verdict's reasons come before the tables. */
	char *reason = strstr(text, "fail: lane 2 insertion_loss"), *tables = strstr(text, "Steps and measurements");
	cr_expect(reason && tables && reason < tables, "reasons first");
	cr_expect(strstr(text, "Fiber / port") && strstr(text, "Margin") && strstr(text, "Verdict"));
	cr_expect(strstr(text, "MP1900A"), "instruments");
	cr_expect(strstr(text, "lane1-1310.sor"), "raw data");
	char footer[80];
	snprintf(footer, sizeof(footer), "page %d of %d", info.pages, info.pages);
	cr_expect(strstr(text, footer), "%s", footer);
	cr_expect_eq(count(text, "verify: minisign -Vm report.json -p station.pub"), (size_t)info.pages,
		     "the verify line on every page");
	cr_expect_null(strstr(text, "Plot missing"));
	free(text);
	/* The same JSON gives the same PDF (the document date is the run's). */
	char *again = th_path(dir, "again.pdf");
	cr_assert_eq(lc_report_pdf(js, n, &o, again, &d), 0, "%s", d.text);
	size_t n1, n2;
	char *b1 = th_slurp(out, &n1), *b2 = th_slurp(again, &n2);
	cr_expect(n1 == n2 && memcmp(b1, b2, n1) == 0, "rendering is deterministic");
	free(b1), free(b2), free(again);
	/* Never overwritten unless asked. */
	cr_expect_eq(lc_report_pdf(js, n, &o, out, &d), LC_ERR_BUSY);
	o.replace = true;
	cr_expect_eq(lc_report_pdf(js, n, &o, out, &d), 0, "%s", d.text);
	free(js), free(dir), free(out);
}

Test(report_pdf, long_table_breaks_across_pages_with_header_repeated)
{
	size_t n;
	char *js = long_json(&n);
	char *dir = th_scratch_dir("pdf-long"), *out = th_path(dir, "long.pdf");
	lc_pdf_options o = {.gnuplot = ""};
	char *pdf;
	size_t pl;
	lc_pdf_info info;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render(js, n, &o, &pdf, &pl, &info, &d), 0, "%s", d.text);
	free(pdf);
	cr_assert_eq(lc_report_pdf(js, n, &o, out, &d), 0, "%s", d.text);
	expect_pdf_file(out);
	/* 128 rows of about 11 pt: three pages at least, and every page after the first starts its part of the
	 * table with the header row. */
	cr_expect_geq(info.pages, 3, "%d pages", info.pages);
	cr_expect_eq(info.plots_missing, 1, "the IL plot, plotting disabled");
	char *all = th_pdf_text(out, 0, 0);
	char footer[80];
	snprintf(footer, sizeof(footer), "page %d of %d", info.pages, info.pages);
	cr_expect(strstr(all, footer));
	/* Lanes 40..47 at two wavelengths pass only against an unconfirmed limit: their limit's number is never
	 * printed, they read NOT CERTIFIED, and so does the run (docs/reports.md, "Unconfirmed limits"). */
	cr_expect(strstr(all, "Not certified: 16 results pass only against limits marked UNCONFIRMED"));
	cr_expect_null(strstr(all, "All 128 measurements are within their limits."), "not a certified pass");
	cr_expect(strstr(all, "Verdict        NOT CERTIFIED") || strstr(all, "NOT CERTIFIED"));
	size_t unconf_rows = 0, lane40_rows = 0;
	for (char *line = all; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t ll = strcspn(line, "\n");
		char row[512];
		snprintf(row, sizeof(row), "%.*s", (int)(ll < sizeof(row) - 1 ? ll : sizeof(row) - 1), line);
		if (strstr(row, "insertion_loss") && strstr(row, "unconfirmed")) {
			unconf_rows++;
			cr_expect(strstr(row, "NOT CERTIFIED") && !strstr(row, "1.5") && !strstr(row, "PASS"), "%s", row);
		}
		if (strstr(row, "lane 40 "))
			lane40_rows++;
	}
	cr_expect_eq(unconf_rows, 16, "lanes 40..47 at two wavelengths");
	cr_expect_eq(lane40_rows, 2);
	cr_expect_eq(count(all, "PASS"), 128 - 16, "the confirmed rows only: the step and the run read NOT CERTIFIED");
	free(all);
	for (int p = 2; p <= info.pages; p++) {
		char *text = th_pdf_text(out, p, p);
		cr_expect(strstr(text, "TRK-064-0001"), "running header on page %d", p);
		if (strstr(text, "insertion_loss")) /* a page holding rows of the table */
			cr_expect(strstr(text, "Measurement") && strstr(text, "Margin"), "header row repeated on page %d", p);
		free(text);
	}
	/* Every row is somewhere: lane 64 at both wavelengths. */
	char *text = th_pdf_text(out, 0, 0);
	cr_expect_eq(count(text, "lane 64 "), 2);
	free(text);
	free(js), free(dir), free(out);
}

Test(report_pdf, without_gnuplot_says_plots_are_missing)
{
	size_t n;
	char *js = sample_json(7, 0, &n);
	char *dir = th_scratch_dir("pdf-noplot"), *out = th_path(dir, "report.pdf");
	lc_pdf_options o = {.gnuplot = "/nonexistent/gnuplot"};
	lc_diag d;
	cr_assert_eq(lc_report_pdf(js, n, &o, out, &d), 0, "%s", d.text);
	expect_pdf_file(out);
	char *text = th_pdf_text(out, 0, 0);
	cr_expect_eq(count(text, "Plot missing:"), 4, "IL, RL, BER, OTDR");
	cr_expect(strstr(text, "cannot run gnuplot (/nonexistent/gnuplot)"), "and why: %s", text);
	cr_expect(strstr(text, "PASS"));
	cr_expect(strstr(text, "All 26 measurements are within their limits."));
	free(text);
	free(js), free(dir), free(out);
}

Test(report_pdf, unreadable_svg_is_a_missing_plot_not_a_failure)
{
	size_t n;
	char *js = sample_json(8, 0, &n);
	char *dir = th_scratch_dir("pdf-badsvg"), *out = th_path(dir, "report.pdf");
	lc_plot plots[] = {{"il", "Insertion loss per lane", "<svg width=\"10\" height=\"10\"><rect", NULL},
			   {"rl", "Return loss per lane", NULL, "gnuplot failed: boom"}};
	lc_plot_set ps = {plots, 2};
	lc_pdf_options o = {.plots = &ps};
	lc_diag d;
	cr_assert_eq(lc_report_pdf(js, n, &o, out, &d), 0, "%s", d.text);
	char *text = th_pdf_text(out, 0, 0);
	cr_expect(strstr(text, "Plot missing: Insertion loss per lane (SVG not readable"), "%s", text);
	cr_expect(strstr(text, "Plot missing: Return loss per lane (gnuplot failed: boom)"));
	free(text);
	free(js), free(dir), free(out);
}

Test(report_pdf, bad_input_gets_a_clear_error_and_no_file)
{
	size_t n;
	char *js = sample_json(9, 0, &n);
	char *dir = th_scratch_dir("pdf-bad"), *out = th_path(dir, "report.pdf");
	lc_pdf_options o = {.gnuplot = ""};
	lc_diag d;
	/* A report cut short, a byte changed in a member name, not JSON at all. */
	int rc = lc_report_pdf(js, n / 2, &o, out, &d);
	cr_expect(rc == LC_ERR_TRUNCATED || rc == LC_ERR_FORMAT, "%d %s", rc, d.text);
	cr_expect_neq(d.text[0], 0);
	char *bad = strdup(js);
	char *p = strstr(bad, "\"serial\"");
	cr_assert_not_null(p);
	p[1] = 'S';
	cr_expect_eq(lc_report_pdf(bad, n, &o, out, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "Serial") || strstr(d.text, "serial"), "names the member: %s", d.text);
	cr_expect_eq(lc_report_pdf("%PDF-1.5", 8, &o, out, &d), LC_ERR_FORMAT);
	cr_expect_neq(access(out, F_OK), 0, "no file for a bad report");
	/* Arguments. */
	char *pdf = (char *)1;
	size_t pl;
	cr_expect_eq(lc_report_pdf(js, n, &o, NULL, &d), LC_ERR_ARG);
	cr_expect_eq(lc_report_pdf(js, n, &o, "", &d), LC_ERR_ARG);
	cr_expect_eq(lc_report_pdf_render(NULL, 0, &o, &pdf, &pl, NULL, &d), LC_ERR_ARG);
	cr_expect_eq(lc_report_pdf_render(js, n, &o, NULL, &pl, NULL, &d), LC_ERR_ARG);
	/* A directory that does not exist: the atomic writer's error, and nothing left behind. */
	char *missing = th_path(dir, "no/such/report.pdf");
	cr_expect_eq(lc_report_pdf(js, n, &o, missing, &d), LC_ERR_NOT_FOUND, "%s", d.text);
	char cmd[4300];
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", dir);
	cr_expect_eq(th_run(cmd), 0, "no temporary file left");
	free(missing), free(bad), free(js), free(dir), free(out);
}

Test(report_pdf, error_run_lists_its_reasons)
{
	lc_result *r = lc_result_new();
	lc_result_dut dut = {"aoc-400g", "AOC-<&>-1", 1, NULL, 0};
	lc_result_set_dut(r, &dut, NULL);
	int s = lc_result_add_step(r, "connect", 1000, NULL);
	lc_result_end_step(r, s, LC_VERDICT_ERROR, 2000, "power meter: timeout & no reply", NULL);
	lc_result_finish(r, LC_VERDICT_ERROR, 2000, "station fault: switch not answering", NULL);
	char *js;
	size_t n;
	cr_assert_eq(lc_report_json(r, &js, &n, NULL), 0);
	lc_result_free(r);
	char *dir = th_scratch_dir("pdf-error"), *out = th_path(dir, "report.pdf");
	lc_pdf_options o = {.gnuplot = ""};
	lc_diag d;
	cr_assert_eq(lc_report_pdf(js, n, &o, out, &d), 0, "%s", d.text);
	char *text = th_pdf_text(out, 0, 0);
	cr_expect(strstr(text, "ERROR"));
	cr_expect(strstr(text, "AOC-<&>-1"), "text is text, not markup");
	cr_expect(strstr(text, "station fault: switch not answering"));
	cr_expect(strstr(text, "Step connect: power meter: timeout & no reply"));
	cr_expect(strstr(text, "No instrument was recorded."));
	free(text);
	free(js), free(dir), free(out);
}

Test(report_pdf, report_write_puts_the_pdf_beside_the_html)
{
	char *dir = th_scratch_dir("pdf-write"), *out = th_path(dir, "SN"), *out2 = th_path(dir, "SN2");
	lc_result *r = lc_bench_sample_result(11, 3);
	lc_report_paths p;
	lc_report_options o = {.gnuplot = "", .pubkey_hint = "line3.pub"};
	lc_diag d;
	cr_assert_eq(lc_report_write(r, out, NULL, &p, &o, &d), 0, "%s", d.text);
	cr_expect_neq(p.html[0], 0);
	cr_assert_neq(p.pdf[0], 0);
	cr_expect(strstr(p.pdf, "/SN/report.pdf"));
	expect_pdf_file(p.pdf);
	char *text = th_pdf_text(p.pdf, 0, 0);
	cr_expect(strstr(text, "BO8-000011"));
	cr_expect(strstr(text, "verify: minisign -Vm report.json -p line3.pub"));
	free(text);
	o.no_pdf = true;
	cr_assert_eq(lc_report_write(r, out2, NULL, &p, &o, &d), 0, "%s", d.text);
	cr_expect_eq(p.pdf[0], 0);
	char *none = th_path(out2, "report.pdf");
	cr_expect_neq(access(none, F_OK), 0, "no_pdf: no report.pdf");
	free(none);
	/* The PDF alone: its plots are drawn for it, and counted. */
	char *out3 = th_path(dir, "SN3");
	o = (lc_report_options){.gnuplot = "", .no_html = true};
	cr_assert_eq(lc_report_write(r, out3, NULL, &p, &o, &d), 0, "%s", d.text);
	cr_expect_eq(p.html[0], 0);
	cr_expect_neq(p.pdf[0], 0);
	cr_expect_eq(p.plots_missing, 4);
	expect_pdf_file(p.pdf);
	lc_result_free(r);
	free(dir), free(out), free(out2), free(out3);
}

/* Text that could never fit: a cell is cut after a few lines and a reason after 40, so rows and paragraphs
 * always fit a page; beyond 40 reasons the list says how many more there are. */
Test(report_pdf, oversized_text_and_many_failures_stay_bounded)
{
	lc_result *r = lc_result_new();
	lc_result_dut dut = {"mpo-trunk-64f", "TRK-FAIL", 0, NULL, 0};
	lc_result_set_dut(r, &dut, NULL);
	char *huge = malloc(6001);
	for (int i = 0; i < 6000; i++)
		huge[i] = i % 7 == 6 ? ' ' : 'x';
	huge[6000] = 0;
	int s = lc_result_add_step(r, "insertion_loss", 1000, NULL);
	for (int lane = 1; lane <= 64; lane++) {
		lc_result_measurement m = {"insertion_loss", lane, 2.0, "dB", 1310, {NAN, 1.5, LC_LIMIT_LE}, NAN,
					   LC_VERDICT_FAIL};
		int mi = lc_result_add_measurement(r, s, &m, NULL);
		lc_result_measurement_extra_string(r, mi, "note", huge, NULL);
	}
	lc_result_end_step(r, s, LC_VERDICT_NONE, 2000, NULL, NULL);
	int e = lc_result_add_step(r, "empty", 2000, NULL);
	lc_result_end_step(r, e, LC_VERDICT_NONE, 3000, NULL, NULL);
	lc_result_finish(r, LC_VERDICT_NONE, 3000, huge, NULL);
	char *js;
	size_t n;
	cr_assert_eq(lc_report_json(r, &js, &n, NULL), 0);
	lc_result_free(r);
	char *dir = th_scratch_dir("pdf-huge"), *out = th_path(dir, "report.pdf");
	lc_pdf_options o = {.gnuplot = ""};
	char *pdf;
	size_t pl;
	lc_pdf_info info;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render(js, n, &o, &pdf, &pl, &info, &d), 0, "%s", d.text);
	/* 64 rows of 6 lines (about 60 per page at 7.5 pt) and 40 reasons: a bounded number of pages. */
	cr_expect(info.pages >= 5 && info.pages <= 16, "%d pages", info.pages);
	th_spit(out, pdf, pl);
	free(pdf);
	char *text = th_pdf_text(out, 0, 0);
	cr_expect(strstr(text, "And 26 more measurements"), "40 reasons: the run's, the empty step, 38 lanes");
	cr_expect(strstr(text, "\xe2\x80\xa2 fail: lane 38 insertion_loss"), "each reason with its bullet");
	cr_expect(strstr(text, "Step empty judged nothing"));
	cr_expect(strstr(text, "No measurement was recorded in this step."));
	/* 65 texts of 6000 characters: only a few lines of each are shown. */
	size_t words = count(text, "xxxxxx");
	cr_expect_lt(words, (size_t)65 * 857 / 3, "%zu of the 65 x 857 words", words);
	free(text);
	free(huge), free(js), free(dir), free(out);
}

struct job {
	const char *json;
	size_t len;
	char *pdf;
	size_t pdf_len;
	int rc;
};

static void *render_job(void *arg)
{
	struct job *j = arg;
	lc_pdf_options o = {.gnuplot = ""};
	j->rc = lc_report_pdf_render(j->json, j->len, &o, &j->pdf, &j->pdf_len, NULL, NULL);
	return NULL;
}

/* Slots write their reports from their own threads: renderings at once give the bytes of one alone. */
Test(report_pdf, concurrent_renderings_match_a_sequential_one)
{
	size_t n;
	char *js = sample_json(12, 4, &n);
	struct job alone = {js, n, NULL, 0, 0};
	render_job(&alone);
	cr_assert_eq(alone.rc, 0);
	struct job jobs[4];
	pthread_t th[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){js, n, NULL, 0, 0};
		cr_assert_eq(pthread_create(&th[i], NULL, render_job, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		cr_expect_eq(jobs[i].rc, 0);
		cr_expect(jobs[i].pdf_len == alone.pdf_len && memcmp(jobs[i].pdf, alone.pdf, alone.pdf_len) == 0,
			  "thread %d", i);
		free(jobs[i].pdf);
	}
	free(alone.pdf), free(js);
}

/* The layout's two passes (reports/pdf_layout_priv.h): two pages measured, two drawn, each footer "page N of
 * 2"; the drawing pass takes every text height from the measuring pass's notes instead of shaping it again. */
static void two_page_body(lc_pdf_doc *doc, bool second_page)
{
	lc_pdf_paragraph(doc, LC_PDF_BODY, "First page of the two-pass layout.", 0, 0);
	if (second_page) {
		lc_pdf_new_page(doc);
		lc_pdf_paragraph(doc, LC_PDF_BODY, "Second page of the two-pass layout.", 0, 0);
	}
}

Test(report_pdf, two_passes_count_pages_then_draw_them)
{
	th_require("pdftotext", "poppler-utils");
	lc_pdf_doc doc;
	lc_pdf_mem out = {0};
	cr_assert_eq(lc_pdf_doc_init(&doc, "running header", LC_VERDICT_PASS), 0);
	two_page_body(&doc, true);
	cr_assert_eq(doc.n_heights, 2, "the measuring pass notes each text height");
	cr_assert_eq(lc_pdf_doc_draw(&doc, lc_pdf_mem_write, &out, "footer text", NULL), 0);
	cr_assert_eq(doc.total_pages, 2);
	two_page_body(&doc, true);
	cr_expect_eq(doc.next_height, 2, "the drawing pass used both notes");
	cr_assert_eq(lc_pdf_doc_finish(&doc), 0, "%s", doc.diag.text);
	cr_expect_eq(doc.n_pages, 2);
	lc_pdf_doc_free(&doc);
	char *dir = th_scratch_dir("pdf-two-pass"), *pdf = th_path(dir, "two.pdf");
	th_spit(pdf, out.p, out.len);
	char *text = th_pdf_text(pdf, 0, 0);
	cr_expect(strstr(text, "First page of the two-pass layout."), "%s", text);
	cr_expect(strstr(text, "Second page of the two-pass layout."), "%s", text);
	cr_expect(strstr(text, "page 1 of 2") && strstr(text, "page 2 of 2"), "%s", text);
	free(text), free(pdf), free(dir), free(out.p);
}

/* A body that lays out differently the second time would number its pages wrongly: an error, no PDF. */
Test(report_pdf, passes_that_disagree_are_an_error)
{
	lc_pdf_doc doc;
	lc_pdf_mem out = {0};
	cr_assert_eq(lc_pdf_doc_init(&doc, "running header", LC_VERDICT_PASS), 0);
	two_page_body(&doc, true);
	cr_assert_eq(lc_pdf_doc_draw(&doc, lc_pdf_mem_write, &out, "footer text", NULL), 0);
	two_page_body(&doc, false);
	cr_expect_eq(lc_pdf_doc_finish(&doc), LC_ERR_STATE);
	cr_expect(strstr(doc.diag.text, "drawing pass made 1 pages, the measuring pass 2"), "%s", doc.diag.text);
	lc_pdf_doc_free(&doc);
	free(out.p);
}

/* Heights a document has shaped once are kept for the texts that come again (a table's header row, repeated
 * cells); what it keeps is told apart by the style, the width and the line limit too, and every height is the
 * one a fresh document shapes. */
Test(report_pdf, kept_heights_are_the_shaped_ones)
{
	static const char *const text = "Insertion loss 0.25 dB at 1310 nm, lane 3 of 4";
	static const struct {
		enum lc_pdf_style st;
		double width;
		int lines;
	} ways[] = {{LC_PDF_SMALL, 400, 6}, {LC_PDF_SMALL, 40, 6}, {LC_PDF_SMALL, 40, 1}, {LC_PDF_H1, 400, 6}};
	double fresh[4];
	for (int i = 0; i < 4; i++) { /* each in a document of its own: shaped, nothing kept before */
		lc_pdf_doc one;
		cr_assert_eq(lc_pdf_doc_init(&one, "", LC_VERDICT_PASS), 0);
		fresh[i] = lc_pdf_text_height(&one, ways[i].st, text, ways[i].width, ways[i].lines);
		lc_pdf_doc_free(&one);
	}
	/* the ways differ: a narrow frame wraps, a one-line limit cuts it, a larger font is taller */
	cr_assert(fresh[1] > fresh[0] && fresh[2] < fresh[1] && fresh[3] > fresh[0], "%g %g %g %g", fresh[0], fresh[1],
		  fresh[2], fresh[3]);
	lc_pdf_doc doc;
	cr_assert_eq(lc_pdf_doc_init(&doc, "", LC_VERDICT_PASS), 0);
	for (int round = 0; round < 3; round++)
		for (int i = 0; i < 4; i++)
			cr_expect_eq(lc_pdf_text_height(&doc, ways[i].st, text, ways[i].width, ways[i].lines), fresh[i],
				     "round %d, way %d", round, i);
	cr_expect_neq(doc.memo, NULL, "the document keeps the heights it shaped");
	/* a text too long to keep is shaped each time, with the same height */
	char long_text[300];
	memset(long_text, 'x', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	double h1 = lc_pdf_text_height(&doc, LC_PDF_SMALL, long_text, 100, 6);
	cr_expect(h1 > fresh[0]);
	cr_expect_eq(lc_pdf_text_height(&doc, LC_PDF_SMALL, long_text, 100, 6), h1);
	lc_pdf_doc_free(&doc);
}
