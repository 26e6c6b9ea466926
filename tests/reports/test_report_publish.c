/* lc_report_render_folder() and lc_report_publish_new(): views rendered in one place (lanecert run's renderer
 * child), adopted by the signed report only when rendered from its very bytes (issue 22). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/bench_reports_sample.h"
#include "reports/report.h"
#include "reports/store.h"
#include "tests/reports/helpers.h"

struct fixture {
	char *dir, *db;
	int out_fd;
	lc_sign_key *key;
	lc_store *store;
	lc_result *r;
	lc_report_options o;
};

static void setup(struct fixture *f, const char *tag)
{
	lc_diag d;
	f->dir = th_scratch_dir(tag);
	f->db = th_path(f->dir, "results.db");
	f->out_fd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(f->out_fd, 0);
	cr_assert_eq(lc_sign_key_generate(&f->key, NULL), 0);
	cr_assert_eq(lc_store_open(f->db, &f->store, &d), 0, "%s", d.text);
	f->r = lc_bench_sample_result(3, -1);
	/* gnuplot off: plots are tested on their own; the views are still rendered */
	f->o = (lc_report_options){.store = f->store, .gnuplot = ""};
}

static void teardown(struct fixture *f)
{
	lc_result_free(f->r);
	lc_store_close(f->store);
	lc_sign_key_free(f->key);
	close(f->out_fd);
	free(f->dir), free(f->db);
}

/* A staging folder "views" holding json as report.json, its views rendered there. */
static int stage(struct fixture *f, const char *json, size_t len, char **path)
{
	lc_diag d;
	lc_report_paths p;
	*path = th_path(f->dir, "views");
	cr_assert_eq(mkdir(*path, 0755), 0);
	char *jp = th_path(*path, "report.json");
	cr_assert_eq(lc_atomic_write(jp, json, len, 0644, LC_ATOMIC_NOREPLACE, &d), 0, "%s", d.text);
	free(jp);
	char key_line[128];
	lc_report_public_key_line(f->key, key_line, sizeof(key_line));
	int rc = lc_report_render_folder(*path, key_line, &f->o, &p, &d);
	cr_assert_eq(rc, 0, "%s", d.text);
	char *html = th_slurp(p.html, NULL);
	cr_expect(html && strstr(html, key_line), "the views show the signing key's whole line");
	free(html);
	cr_expect_neq(strstr(p.html, "/views/report.html"), NULL, "%s", p.html);
	cr_expect_neq(strstr(p.pdf, "/views/report.pdf"), NULL, "%s", p.pdf);
	return open(*path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static char *json_of(struct fixture *f, size_t *len)
{
	lc_pubkey pub;
	char id[LC_KEY_ID_HEX_LEN + 1], *json = NULL;
	lc_sign_key_public(f->key, &pub);
	lc_pubkey_id(&pub, id);
	cr_assert_eq(lc_result_set_key_id(f->r, id, NULL), 0);
	cr_assert_eq(lc_report_json(f->r, &json, len, NULL), 0);
	return json;
}

struct seen {
	enum lc_verdict v;
	bool complete;
	int n;
};

static int note(const lc_store_row *row, void *u)
{
	struct seen *s = u;
	s->v = row->verdict, s->complete = row->complete, s->n++;
	return 0;
}

/* The one run of the store: its verdict, and whether it was completed. */
static enum lc_verdict recorded(struct fixture *f, bool *complete)
{
	lc_store_filter flt = {.since_ms = INT64_MIN, .verdict = -1};
	struct seen seen = {0};
	cr_assert_geq(lc_store_query(f->store, &flt, note, &seen, NULL), 0);
	cr_assert_eq(seen.n, 1);
	*complete = seen.complete;
	return seen.v;
}

Test(report_publish, adopts_views_rendered_from_the_same_bytes)
{
	struct fixture f;
	setup(&f, "publish-same");
	size_t len;
	char *json = json_of(&f, &len), *views;
	int vfd = stage(&f, json, len, &views);
	lc_report_paths p;
	lc_diag d;
	cr_assert_eq(lc_report_publish_new(f.r, f.out_fd, f.dir, "SN-1", f.key, vfd, &p, &f.o, &d), 0, "%s", d.text);
	close(vfd);
	/* the signed record is the staged bytes, the views moved in beside it, the staging folder emptied of them */
	char *got = NULL;
	size_t glen = 0;
	cr_assert_eq(lc_read_file(p.json, 1 << 24, &got, &glen, NULL), 0);
	cr_expect(glen == len && memcmp(got, json, len) == 0, "report.json is not the staged bytes");
	cr_expect_neq(strstr(p.html, "/SN-1/report.html"), NULL, "%s", p.html);
	cr_expect_eq(access(p.html, R_OK), 0);
	cr_expect_eq(access(p.pdf, R_OK), 0);
	cr_expect_eq(access(p.sig, R_OK), 0);
	char *left = th_path(views, "report.html");
	cr_expect_neq(access(left, F_OK), 0, "the view was copied, not moved");
	lc_pubkey pub;
	lc_sign_key_public(f.key, &pub);
	cr_expect_eq(lc_report_verify(p.json, NULL, &pub, NULL, &d), 0, "%s", d.text);
	bool complete;
	cr_expect_eq(recorded(&f, &complete), LC_VERDICT_PASS);
	cr_expect(complete);
	free(left), free(got), free(json), free(views);
	teardown(&f);
}

/* The safety check made the run an error after its views were rendered: the stale views are refused, nothing
 * is published, and the store records an error. */
Test(report_publish, refuses_views_of_other_bytes)
{
	struct fixture f;
	setup(&f, "publish-stale");
	size_t len;
	char *json = json_of(&f, &len), *views;
	int vfd = stage(&f, json, len, &views);
	cr_assert_eq(lc_result_finish(f.r, LC_VERDICT_ERROR, lc_result_wall_ms(), "lasers not off", NULL), 0);
	lc_report_paths p;
	lc_diag d;
	int rc = lc_report_publish_new(f.r, f.out_fd, f.dir, "SN-1", f.key, vfd, &p, &f.o, &d);
	close(vfd);
	cr_expect_eq(rc, LC_ERR_STATE, "%d %s", rc, d.text);
	cr_expect_neq(strstr(d.text, "another report.json"), NULL, "%s", d.text);
	char *folder = th_path(f.dir, "SN-1");
	cr_expect_neq(access(folder, F_OK), 0, "a report folder was left");
	bool complete;
	cr_expect_eq(recorded(&f, &complete), LC_VERDICT_ERROR);
	cr_expect(complete);
	free(folder), free(json), free(views);
	teardown(&f);
}

/* A renderer that did not run (no views folder), or one that rendered no PDF: an error, never a report. */
Test(report_publish, missing_views_are_an_error)
{
	struct fixture f;
	setup(&f, "publish-missing");
	lc_report_paths p;
	lc_diag d;
	cr_expect_eq(lc_report_publish_new(f.r, f.out_fd, f.dir, "SN-1", f.key, -1, &p, &f.o, &d), LC_ERR_STATE);
	cr_expect_neq(strstr(d.text, "not rendered"), NULL, "%s", d.text);
	size_t len;
	char *json = json_of(&f, &len), *views;
	int vfd = stage(&f, json, len, &views);
	char *pdf = th_path(views, "report.pdf");
	cr_assert_eq(unlink(pdf), 0);
	cr_expect_eq(lc_report_publish_new(f.r, f.out_fd, f.dir, "SN-2", f.key, vfd, &p, &f.o, &d), LC_ERR_STATE);
	cr_expect_neq(strstr(d.text, "report.pdf was not rendered"), NULL, "%s", d.text);
	close(vfd);
	char *folder = th_path(f.dir, "SN-2");
	cr_expect_neq(access(folder, F_OK), 0, "a report folder was left");
	free(folder), free(pdf), free(json), free(views);
	teardown(&f);
}

Test(report_publish, render_folder_needs_a_report_json)
{
	char *dir = th_scratch_dir("render-empty");
	lc_report_paths p;
	lc_diag d;
	cr_expect_eq(lc_report_render_folder(dir, NULL, NULL, &p, &d), LC_ERR_NOT_FOUND, "%s", d.text);
	cr_expect_eq(lc_report_render_folder(NULL, NULL, NULL, &p, &d), LC_ERR_ARG);
	free(dir);
}

/* The views show only the key that signs the report: a line that is no key, or another station's key, is
 * refused before anything is rendered. */
Test(report_publish, render_folder_refuses_a_key_the_report_does_not_name)
{
	struct fixture f;
	setup(&f, "render-key");
	size_t len;
	char *json = json_of(&f, &len);
	char *dir = th_path(f.dir, "views"), *jp = th_path(dir, "report.json");
	cr_assert_eq(mkdir(dir, 0755), 0);
	lc_diag d;
	cr_assert_eq(lc_atomic_write(jp, json, len, 0644, LC_ATOMIC_NOREPLACE, &d), 0, "%s", d.text);
	lc_report_paths p;
	cr_expect_eq(lc_report_render_folder(dir, "RWQnot-a-key", &f.o, &p, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "no minisign Ed25519 key line"), "%s", d.text);
	lc_sign_key *other;
	char other_line[128];
	cr_assert_eq(lc_sign_key_generate(&other, NULL), 0);
	lc_report_public_key_line(other, other_line, sizeof(other_line));
	cr_expect_eq(lc_report_render_folder(dir, other_line, &f.o, &p, &d), LC_ERR_VERIFY);
	cr_expect(strstr(d.text, "is not the key report.json names"), "%s", d.text);
	char *html = th_path(dir, "report.html");
	struct stat st;
	cr_expect_neq(stat(html, &st), 0, "nothing rendered with a wrong key");
	lc_sign_key_free(other);
	free(html), free(jp), free(dir), free(json);
	teardown(&f);
}
