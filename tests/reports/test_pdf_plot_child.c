/* The PDF's plots drawn by a child (reports/pdf_plot_child.c: lanecert-render-plots, then qpdf laying its
 * pages over the text's), as lanecert run's renderer draws them: the same document as with librsvg in one
 * process, plot text still text; the drawer's and qpdf's failures are errors of the view (issue 22). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_reports_sample.h"
#include "reports/pdf_plotter_priv.h"
#include "reports/report.h"
#include "reports/report_json.h"
#include "reports/report_pdf.h"
#include "tests/reports/helpers.h"

static char *drawer(void)
{
	const char *b = getenv("LC_BUILD_DIR");
	cr_assert(b && *b, "LC_BUILD_DIR is set by tests/tests.cmake");
	return th_path(b, "lanecert-render-plots");
}

/* A sample report's JSON and its plots drawn once by gnuplot. */
static char *sample(lc_plot_set *ps, size_t *len)
{
	th_require("gnuplot", "gnuplot-nox");
	th_require("qpdf", "qpdf");
	lc_result *r = lc_bench_sample_result(5, 2);
	cr_assert_not_null(r);
	lc_result_set_key_id(r, "0123456789ABCDEF", NULL);
	char *js;
	lc_diag d;
	cr_assert_eq(lc_report_json(r, &js, len, NULL), 0);
	cr_assert_eq(lc_plots_make(r, NULL, 20000, ps, &d), 0, "%s", d.text);
	lc_result_free(r);
	return js;
}

static char *text_of(const char *dir, const char *name, const char *pdf, size_t len)
{
	char *path = th_path(dir, name);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(pdf, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
	char *text = th_pdf_text(path, 0, 0);
	free(path);
	return text;
}

Test(pdf_plot_child, same_document_as_drawn_in_one_process)
{
	lc_plot_set ps = {0};
	size_t n;
	char *js = sample(&ps, &n), *prog = drawer(), *dir = th_scratch_dir("pdf-child");
	lc_pdf_plotter child = lc_pdf_plotter_child(prog);
	lc_pdf_options o = {.plots = &ps, .pubkey_hint = "station.pub"};
	char *a, *b, *c;
	size_t la, lb, lc;
	lc_pdf_info ia, ib;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render(js, n, &o, &a, &la, &ia, &d), 0, "%s", d.text);
	cr_assert_eq(lc_report_pdf_render_with(js, n, &o, &child, &b, &lb, &ib, &d), 0, "%s", d.text);
	cr_expect_eq(ib.plots_drawn, 4, "IL, RL, BER and one OTDR trace: %d", ib.plots_drawn);
	cr_expect_eq(ib.plots_missing, 0);
	cr_expect_eq(ib.pages, ia.pages);
	char *ta = text_of(dir, "one.pdf", a, la), *tb = text_of(dir, "child.pdf", b, lb);
	cr_expect_str_eq(tb, ta, "the same text, the plots' included");
	cr_expect(strstr(tb, "Insertion loss per lane") && strstr(tb, "Return loss per lane"),
		  "the plots' titles are text in the PDF:\n%s", tb);
	cr_expect_null(strstr(tb, "Plot missing"));
	/* the same JSON gives the same bytes */
	cr_assert_eq(lc_report_pdf_render_with(js, n, &o, &child, &c, &lc, NULL, &d), 0, "%s", d.text);
	cr_expect(lb == lc && memcmp(b, c, lb) == 0, "deterministic through qpdf");
	free(ta), free(tb), free(a), free(b), free(c);
	lc_plots_free(&ps);
	free(js), free(prog), free(dir);
}

/* A kept drawer (lanecert-render --serve's) draws the plots it read to measure them (render_plots_main.c keeps
 * those readings from the measure request for the draw that follows): the same PDF bytes as drawers of
 * their own, for the first report and for the next one. */
Test(pdf_plot_child, kept_drawer_draws_the_same_bytes)
{
	lc_plot_set ps = {0};
	size_t n;
	char *js = sample(&ps, &n), *prog = drawer();
	lc_pdf_plotter child = lc_pdf_plotter_child(prog);
	lc_pdf_options o = {.plots = &ps, .pubkey_hint = "station.pub"};
	char *a, *b, *c;
	size_t la, lb, lc;
	lc_pdf_info ib;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render_with(js, n, &o, &child, &a, &la, NULL, &d), 0, "%s", d.text);
	cr_assert_eq(lc_pdf_drawer_keep(prog), 0);
	cr_assert_eq(lc_report_pdf_render_with(js, n, &o, &child, &b, &lb, &ib, &d), 0, "%s", d.text);
	cr_assert_eq(lc_report_pdf_render_with(js, n, &o, &child, &c, &lc, NULL, &d), 0, "%s", d.text);
	lc_pdf_drawer_drop();
	cr_expect_eq(ib.plots_drawn, 4);
	cr_expect(la == lb && memcmp(a, b, la) == 0, "the first report through the kept drawer");
	cr_expect(la == lc && memcmp(a, c, la) == 0, "the next report through the kept drawer");
	free(a), free(b), free(c);
	lc_plots_free(&ps);
	free(js), free(prog);
}

Test(pdf_plot_child, unreadable_svg_is_a_missing_plot_decided_before_layout)
{
	th_require("qpdf", "qpdf");
	lc_result *r = lc_bench_sample_result(6, -1);
	char *js, *prog = drawer(), *dir = th_scratch_dir("pdf-child-bad");
	size_t n;
	cr_assert_eq(lc_report_json(r, &js, &n, NULL), 0);
	lc_result_free(r);
	const char *good = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 200 100\"><text x=\"20\" "
			   "y=\"50\" font-size=\"20\">childplotword</text></svg>";
	lc_plot plots[] = {{"il", "Insertion loss per lane", "<svg width=\"10\" height=\"10\"><rect", NULL},
			   {"rl", "Return loss per lane", NULL, "gnuplot failed: boom"},
			   {"ber", "Bit error ratio", (char *)good, NULL}};
	lc_plot_set ps = {plots, 3};
	lc_pdf_options o = {.plots = &ps};
	lc_pdf_plotter child = lc_pdf_plotter_child(prog);
	char *pdf;
	size_t len;
	lc_pdf_info info;
	lc_diag d;
	cr_assert_eq(lc_report_pdf_render_with(js, n, &o, &child, &pdf, &len, &info, &d), 0, "%s", d.text);
	cr_expect_eq(info.plots_drawn, 1);
	cr_expect_eq(info.plots_missing, 2);
	char *text = text_of(dir, "bad.pdf", pdf, len);
	cr_expect(strstr(text, "Plot missing: Insertion loss per lane (SVG not readable"), "%s", text);
	cr_expect(strstr(text, "Plot missing: Return loss per lane (gnuplot failed: boom)"), "%s", text);
	cr_expect(strstr(text, "childplotword"), "the drawn plot's text is text:\n%s", text);
	free(text), free(pdf);
	/* the drawer or qpdf that cannot run: an error of the view, named */
	child.program = "/nonexistent/lanecert-render-plots";
	cr_expect_eq(lc_report_pdf_render_with(js, n, &o, &child, &pdf, &len, NULL, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "plot drawer"), "%s", d.text);
	child = lc_pdf_plotter_child(prog);
	child.qpdf = "/nonexistent/qpdf";
	cr_expect_eq(lc_report_pdf_render_with(js, n, &o, &child, &pdf, &len, NULL, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "qpdf"), "%s", d.text);
	/* a drawer that fails: its complaint is the error */
	child = lc_pdf_plotter_child("/bin/false");
	cr_expect_eq(lc_report_pdf_render_with(js, n, &o, &child, &pdf, &len, NULL, &d), LC_ERR_IO);
	cr_expect(strstr(d.text, "plot drawer") && strstr(d.text, "exit status 1"), "%s", d.text);
	free(js), free(prog), free(dir);
}
