#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/store.h"
#include "tests/reports/helpers.h"

struct seen {
	int n;
	char serials[16][32];
	int complete[16];
	enum lc_verdict verdicts[16];
};

static int collect(const lc_store_row *r, void *user)
{
	struct seen *s = user;
	if (s->n < 16) {
		snprintf(s->serials[s->n], 32, "%s", r->serial ? r->serial : "");
		s->complete[s->n] = r->complete;
		s->verdicts[s->n] = r->verdict;
	}
	s->n++;
	return 0;
}

static int64_t begin(lc_store *s, const char *serial, int64_t start)
{
	lc_store_run_info info = {serial, "aoc", 1, "st", "op", "proc", start};
	int64_t id = -1;
	cr_assert_eq(lc_store_begin_run(s, &info, &id, NULL), 0);
	return id;
}

Test(store, runs_filters_and_states)
{
	char *dir = th_scratch_dir("store");
	char *db = th_path(dir, "sub/dir/results.db");
	lc_store *s;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &s, &d), 0, "%s", d.text);
	int64_t a = begin(s, "SN1", 1000), b = begin(s, "SN2", 2000), c = begin(s, "SN1", 3000);
	begin(s, "SN3", 4000);
	cr_expect_eq(lc_store_finish_run(s, a, LC_VERDICT_PASS, 1500, "/r/a.json", "ab", NULL, NULL), 0);
	cr_expect_eq(lc_store_finish_run(s, b, LC_VERDICT_ERROR, 2500, NULL, NULL, "power meter lost", NULL), 0);
	cr_expect_eq(lc_store_finish_run(s, c, LC_VERDICT_FAIL, 3500, "/r/c.json", "cd", NULL, NULL), 0);
	cr_expect_eq(lc_store_finish_run(s, c, LC_VERDICT_PASS, 3600, NULL, NULL, NULL, &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "already complete"));
	cr_expect_eq(lc_store_finish_run(s, 999, LC_VERDICT_PASS, 3600, NULL, NULL, NULL, &d), LC_ERR_STATE);

	struct seen all = {0};
	cr_expect_eq(lc_store_query(s, NULL, collect, &all, NULL), 4);
	cr_expect_str_eq(all.serials[0], "SN1");
	cr_expect_str_eq(all.serials[3], "SN3");
	cr_expect_eq(all.complete[3], 0);
	cr_expect_eq(all.verdicts[1], LC_VERDICT_ERROR);

	struct seen sn1 = {0};
	lc_store_filter f = {"SN1", INT64_MIN, -1};
	cr_expect_eq(lc_store_query(s, &f, collect, &sn1, NULL), 2);
	struct seen since = {0};
	f = (lc_store_filter){NULL, 2500, -1};
	cr_expect_eq(lc_store_query(s, &f, collect, &since, NULL), 2);
	cr_expect_str_eq(since.serials[0], "SN1");
	struct seen fails = {0};
	f = (lc_store_filter){NULL, INT64_MIN, LC_VERDICT_FAIL};
	cr_expect_eq(lc_store_query(s, &f, collect, &fails, NULL), 1);
	struct seen inc = {0};
	f = (lc_store_filter){NULL, INT64_MIN, LC_STORE_INCOMPLETE};
	cr_expect_eq(lc_store_query(s, &f, collect, &inc, NULL), 1);
	cr_expect_str_eq(inc.serials[0], "SN3");
	f = (lc_store_filter){NULL, INT64_MIN, 7};
	cr_expect_eq(lc_store_query(s, &f, collect, &inc, &d), LC_ERR_ARG);
	cr_expect_eq(lc_store_integrity_check(s, NULL), 0);
	lc_store_close(s);
	free(dir), free(db);
}

Test(store, default_path_follows_xdg)
{
	char buf[4096];
	setenv("XDG_DATA_HOME", "/data/x", 1);
	cr_assert_eq(lc_store_default_path(buf, sizeof(buf), NULL), 0);
	cr_expect_str_eq(buf, "/data/x/lanecert/results.db");
	setenv("XDG_DATA_HOME", "relative", 1); /* invalid by the XDG spec: ignored */
	setenv("HOME", "/home/op", 1);
	cr_assert_eq(lc_store_default_path(buf, sizeof(buf), NULL), 0);
	cr_expect_str_eq(buf, "/home/op/.local/share/lanecert/results.db");
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	lc_diag d;
	cr_expect_eq(lc_store_default_path(buf, sizeof(buf), &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "--db"));
}

Test(store, not_a_database_is_a_clear_error)
{
	char *dir = th_scratch_dir("store-bad");
	char *db = th_path(dir, "junk.db");
	th_spit(db, "this is not sqlite, just text that is long enough to have a header ..........", 78);
	lc_store *s = NULL;
	lc_diag d;
	cr_expect_lt(lc_store_open(db, &s, &d), 0);
	cr_expect(strstr(d.text, "junk.db"), "%s", d.text);
	free(dir), free(db);
}
