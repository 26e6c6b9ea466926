/* The report's plots (reports/plot.h): every plot of a report drawn by one gnuplot process gives the same SVG
 * bytes, plot for plot, as one process per plot (issue 22: a gnuplot start costs more than most plots); a run
 * that fails falls back to one process per plot, each with its own error. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/bench_reports_sample.h"
#include "reports/plot.h"
#include "tests/reports/helpers.h"

/* The sample cable (IL, RL, BER, one OTDR trace) and a second trace whose name holds what separates gnuplot's
 * documents: a title must not split a plot in two. */
static lc_result *sample(void)
{
	lc_result *r = lc_bench_sample_result(3, 2);
	cr_assert_not_null(r);
	double x[50], y[50];
	for (int i = 0; i < 50; i++)
		x[i] = i * 2.0, y[i] = -0.01 * i;
	cr_assert_geq(lc_result_add_series(r, "<?xml version=\"1.0\"?> <svg trace 2", "otdr_trace", 2, "m", "dB", x, y, 50,
					    NULL), 0);
	return r;
}

Test(plots, one_process_draws_the_same_bytes_as_one_per_plot)
{
	th_require("gnuplot", "gnuplot-nox");
	lc_result *r = sample();
	lc_plot_set one, each;
	lc_diag d;
	cr_assert_eq(lc_plots_make_in(r, NULL, 20000, true, &one, &d), 0, "%s", d.text);
	cr_assert_eq(lc_plots_make_in(r, NULL, 20000, false, &each, &d), 0, "%s", d.text);
	cr_assert_eq(one.n, 5, "IL, RL, BER and two OTDR traces: %zu", one.n);
	cr_assert_eq(each.n, one.n);
	static const char *names[] = {"il", "rl", "ber", "otdr1", "otdr2"};
	for (size_t i = 0; i < one.n; i++) {
		cr_expect_str_eq(one.plots[i].name, names[i]);
		cr_assert_not_null(one.plots[i].svg, "%s: %s", one.plots[i].name, one.plots[i].error);
		cr_assert_not_null(each.plots[i].svg, "%s: %s", each.plots[i].name, each.plots[i].error);
		cr_expect_str_eq(one.plots[i].svg, each.plots[i].svg, "%s differs", one.plots[i].name);
		cr_expect_eq(strncmp(one.plots[i].svg, "<svg", 4), 0, "starts at the element");
		const char *end = strstr(one.plots[i].svg, "</svg>");
		cr_expect(end && !strstr(end + 1, "<svg"), "%s: one document", one.plots[i].name);
	}
	cr_expect(strstr(one.plots[4].svg, "&lt;?xml"), "the escaped title is in the second trace's plot");
	lc_plots_free(&one);
	lc_plots_free(&each);
	lc_result_free(r);
}

/* A gnuplot that fails its first run (the one with every plot) and works after: the fallback draws each plot on
 * its own. One that always fails: each plot says gnuplot's error. The runs are counted in a file. */
Test(plots, a_failed_run_falls_back_to_one_process_per_plot)
{
	th_require("gnuplot", "gnuplot-nox");
	char *dir = th_scratch_dir("plots-fallback"), *flaky = th_path(dir, "flaky-gnuplot"),
	     *count = th_path(dir, "runs"), *broken = th_path(dir, "broken-gnuplot"), script[1024];
	snprintf(script, sizeof(script),
		 "#!/bin/sh\necho run >> '%s'\nif [ \"$(wc -l < '%s')\" -eq 1 ]; then cat >/dev/null; echo 'line 1: boom' >&2; "
		 "exit 1; fi\nexec gnuplot\n",
		 count, count);
	th_spit(flaky, script, strlen(script));
	snprintf(script, sizeof(script), "#!/bin/sh\ncat >/dev/null\necho 'line 9: no such terminal' >&2\nexit 1\n");
	th_spit(broken, script, strlen(script));
	cr_assert_eq(chmod(flaky, 0755), 0);
	cr_assert_eq(chmod(broken, 0755), 0);
	lc_result *r = sample();
	lc_plot_set ps;
	lc_diag d;
	cr_assert_eq(lc_plots_make(r, flaky, 20000, &ps, &d), 0, "%s", d.text);
	cr_assert_eq(ps.n, 5);
	for (size_t i = 0; i < ps.n; i++)
		cr_expect_not_null(ps.plots[i].svg, "%s: %s", ps.plots[i].name, ps.plots[i].error);
	size_t n = 0;
	char *runs = th_slurp(count, &n);
	cr_expect_eq(n, 6 * strlen("run\n"), "the failed run of all five, then one per plot: %s", runs);
	free(runs);
	lc_plots_free(&ps);
	cr_assert_eq(lc_plots_make(r, broken, 20000, &ps, &d), 0, "%s", d.text);
	for (size_t i = 0; i < ps.n; i++) {
		cr_expect_null(ps.plots[i].svg);
		cr_expect_str_eq(ps.plots[i].error, "gnuplot failed: line 9: no such terminal");
	}
	lc_plots_free(&ps);
	lc_result_free(r);
	free(dir), free(flaky), free(count), free(broken);
}
