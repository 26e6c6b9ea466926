#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/atomic_file.h"
#include "reports/report_html.h"
#include "reports/report_json.h"
#include "tests/reports/helpers.h"

Test(atomic_file, writes_whole_files_with_mode_and_no_replace)
{
	char *dir = th_scratch_dir("atomic");
	char *p = th_path(dir, "a.txt");
	lc_diag d;
	cr_assert_eq(lc_atomic_write(p, "one", 3, 0600, LC_ATOMIC_NOREPLACE, &d), 0, "%s", d.text);
	struct stat st;
	cr_assert_eq(stat(p, &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
	cr_expect_eq(lc_atomic_write(p, "two", 3, 0644, LC_ATOMIC_NOREPLACE, &d), LC_ERR_BUSY);
	cr_expect(strstr(d.text, "already exists"));
	cr_expect_eq(lc_atomic_write(p, "three", 5, 0644, LC_ATOMIC_REPLACE, &d), 0);
	char *data;
	size_t n;
	cr_assert_eq(lc_read_file(p, 100, &data, &n, &d), 0);
	cr_expect_eq(n, 5);
	cr_expect_str_eq(data, "three");
	free(data);
	cr_expect_eq(lc_read_file(p, 4, &data, &n, &d), LC_ERR_OVERFLOW);
	char *missing = th_path(dir, "nope/x");
	cr_expect_eq(lc_atomic_write(missing, "x", 1, 0644, 0, &d), LC_ERR_NOT_FOUND, "%s", d.text);
	cr_expect_eq(lc_read_file(missing, 10, &data, &n, &d), LC_ERR_NOT_FOUND);
	/* No temporary file is left behind. */
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s' | grep tmp)\"", dir);
	cr_expect_eq(th_run(cmd), 0);
	char *deep = th_path(dir, "x/y/z");
	cr_expect_eq(lc_mkdir_p(deep, 0755, &d), 0);
	cr_expect_eq(lc_mkdir_p(p, 0755, &d), LC_ERR_IO, "a file is not a directory");
	free(dir), free(p), free(missing), free(deep);
}

Test(report_html, escapes_text_and_lists_error_reasons)
{
	lc_result *r = lc_result_new();
	lc_result_dut dut = {"aoc", "<script>alert(1)</script>", 0, NULL, 0};
	lc_result_set_dut(r, &dut, NULL);
	int s = lc_result_add_step(r, "connect", 1000, NULL);
	lc_result_end_step(r, s, LC_VERDICT_ERROR, 2000, "power meter: timeout & no reply", NULL);
	lc_result_finish(r, LC_VERDICT_ERROR, 2000, NULL, NULL);
	char *json, *html;
	size_t n, hn;
	cr_assert_eq(lc_report_json(r, &json, &n, NULL), 0);
	lc_html_options o = {.gnuplot = ""};
	lc_diag d;
	cr_assert_eq(lc_report_html(json, n, &o, &html, &hn, NULL, &d), 0, "%s", d.text);
	cr_expect_null(strstr(html, "<script>"));
	cr_expect(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	cr_expect(strstr(html, "power meter: timeout &amp; no reply"));
	cr_expect(strstr(html, "class=\"v v-error\">error"));
	cr_expect_eq(strlen(html), hn);
	free(html);
	html = NULL;
	cr_expect_eq(lc_report_html("{}", 2, &o, &html, &hn, NULL, &d), LC_ERR_FORMAT, "HTML only from a valid report");
	cr_expect_null(html);
	free(json);
	lc_result_free(r);
}
