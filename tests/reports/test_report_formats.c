/* The table of report formats (reports/report_formats.def): each entry complete, names and files unique, the
 * signature before report.json, and lc_report_write() producing exactly the table's files with their paths. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/bench_reports_sample.h"
#include "reports/report.h"
#include "reports/report_format_priv.h"
#include "tests/reports/helpers.h"

static size_t format_index(const char *name)
{
	for (size_t i = 0; lc_report_formats[i]; i++)
		if (strcmp(lc_report_formats[i]->name, name) == 0)
			return i;
	return SIZE_MAX;
}

Test(report_formats, entries_complete_and_unique)
{
	size_t n = 0;
	for (; lc_report_formats[n]; n++) {
		const lc_report_format *f = lc_report_formats[n];
		cr_expect(f->name && *f->name && f->file && *f->file && f->render, "entry %zu", n);
		cr_expect(f->media_type && strchr(f->media_type, '/'), "%s: a media type", f->name);
		cr_expect(f->path_offset == LC_REPORT_NO_PATH || f->path_offset + PATH_MAX <= offsetof(lc_report_paths, sha256),
			  "%s: a path field", f->name);
		for (size_t j = 0; j < n; j++) {
			cr_expect_str_neq(f->name, lc_report_formats[j]->name);
			cr_expect_str_neq(f->file, lc_report_formats[j]->file);
			cr_expect_neq(f->path_offset, lc_report_formats[j]->path_offset, "%s", f->name);
		}
	}
	cr_expect_eq(n, 4, "minisig, json, html, pdf");
	/* A report.json that exists always has its signature: the signature is written first. */
	cr_expect_lt(format_index("minisig"), format_index("json"));
	cr_expect_lt(format_index("json"), format_index("html"));
	/* The PDF reuses the HTML's plots: the HTML comes first. */
	cr_expect_lt(format_index("html"), format_index("pdf"));
}

static void check_written(const lc_report_paths *p, bool signed_, bool html, bool pdf)
{
	bool want[] = {signed_, true, html, pdf};
	const char *names[] = {"minisig", "json", "html", "pdf"};
	for (size_t k = 0; k < 4; k++) {
		const lc_report_format *f = lc_report_formats[format_index(names[k])];
		const char *path = (const char *)p + f->path_offset;
		struct stat st;
		if (!want[k]) {
			cr_expect_eq(path[0], '\0', "%s: no path", f->name);
			continue;
		}
		size_t pl = strlen(path), fl = strlen(f->file);
		cr_expect(pl > fl && strcmp(path + pl - fl, f->file) == 0 && path[pl - fl - 1] == '/', "%s: %s", f->name,
			  path);
		cr_expect_eq(stat(path, &st), 0, "%s exists", path);
		cr_expect_gt(st.st_size, 0, "%s not empty", path);
	}
}

Test(report_formats, write_produces_the_table_files)
{
	char *dir = th_scratch_dir("formats");
	char *full = th_path(dir, "full"), *bare = th_path(dir, "bare");
	lc_sign_key *key;
	lc_diag d;
	cr_assert_eq(lc_sign_key_generate(&key, NULL), 0);
	lc_result *r = lc_bench_sample_result(3, -1);
	lc_report_paths p;
	lc_report_options o = {.gnuplot = ""};
	cr_assert_eq(lc_report_write(r, full, key, &p, &o, &d), 0, "%s", d.text);
	check_written(&p, true, true, true);
	lc_result_free(r);

	r = lc_bench_sample_result(3, -1);
	o = (lc_report_options){.gnuplot = "", .no_html = true, .no_pdf = true};
	cr_assert_eq(lc_report_write(r, bare, NULL, &p, &o, &d), 0, "%s", d.text);
	check_written(&p, false, false, false);
	char *html = th_path(bare, "report.html"), *pdf = th_path(bare, "report.pdf"), *sig = th_path(bare, "report.json.minisig");
	struct stat st;
	cr_expect_neq(stat(html, &st), 0);
	cr_expect_neq(stat(pdf, &st), 0);
	cr_expect_neq(stat(sig, &st), 0);
	lc_result_free(r);
	lc_sign_key_free(key);
	free(html), free(pdf), free(sig), free(full), free(bare), free(dir);
}

/* A report that fails half-way (report.html cannot be created: a file of that name is there) leaves no
 * report behind: the signature and report.json it wrote first are removed again (they stayed, a signed
 * report beside a run recorded as an error), and the file that was there is untouched. */
Test(report_formats, a_failed_write_leaves_no_signed_report)
{
	char *dir = th_scratch_dir("formats-fail");
	char *out = th_path(dir, "out");
	cr_assert_eq(mkdir(out, 0755), 0);
	char *html = th_path(out, "report.html"), *json = th_path(out, "report.json"),
	     *sig = th_path(out, "report.json.minisig");
	FILE *f = fopen(html, "w");
	cr_assert_not_null(f);
	fputs("not ours", f);
	fclose(f);
	lc_sign_key *key;
	lc_diag d;
	cr_assert_eq(lc_sign_key_generate(&key, NULL), 0);
	lc_result *r = lc_bench_sample_result(3, -1);
	lc_report_paths p;
	lc_report_options o = {.gnuplot = ""};
	cr_assert_lt(lc_report_write(r, out, key, &p, &o, &d), 0);
	struct stat st;
	cr_expect_neq(stat(sig, &st), 0, "the signature was removed");
	cr_expect_neq(stat(json, &st), 0, "report.json was removed");
	cr_expect_eq(stat(html, &st), 0, "the file that was there stays");
	cr_expect_eq(st.st_size, 8);
	lc_result_free(r);
	lc_sign_key_free(key);
	free(html), free(json), free(sig), free(out), free(dir);
}
