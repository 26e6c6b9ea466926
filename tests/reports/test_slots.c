/* Several slots at once: each thread builds its own result and writes its own report, sharing one key and
 * one results store, as a factory station with several cables under test does. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_reports_sample.h"
#include "reports/report.h"
#include "tests/reports/helpers.h"

#define SLOTS 4

struct slot {
	int index;
	const char *dir;
	const lc_sign_key *key;
	lc_store *store;
	int rc;
	char json[4200];
	lc_diag diag;
};

static void *slot_run(void *arg)
{
	struct slot *s = arg;
	lc_result *r = lc_bench_sample_result(100 + (unsigned)s->index, s->index == 2 ? 5 : 0);
	/* More measurements, recorded while the other slots write their reports. */
	int step = lc_result_add_step(r, "extra", 0, NULL);
	for (int i = 0; i < 50; i++) {
		lc_result_measurement m = {"rx_power", 1 + i % 8, -3.0 + i * 0.01, "dBm", 850, {-8, 2, LC_LIMIT_BETWEEN},
					   NAN, LC_VERDICT_PASS};
		lc_result_add_measurement(r, step, &m, NULL);
	}
	lc_result_end_step(r, step, LC_VERDICT_NONE, 1, NULL, NULL);
	char out[4096];
	snprintf(out, sizeof(out), "%s/slot%d", s->dir, s->index);
	lc_report_paths p;
	lc_report_options o = {.store = s->store, .gnuplot = ""};
	s->rc = lc_report_write(r, out, s->key, &p, &o, &s->diag);
	snprintf(s->json, sizeof(s->json), "%s", p.json);
	lc_result_free(r);
	return NULL;
}

static int count(const lc_store_row *row, void *user)
{
	int *n = user;
	*n += row->complete;
	return 0;
}

Test(slots, parallel_reports_share_key_and_store, .timeout = 100)
{
	char *dir = th_scratch_dir("slots"), *db = th_path(dir, "results.db");
	lc_sign_key *key;
	cr_assert_eq(lc_sign_key_generate(&key, NULL), 0);
	lc_store *store;
	cr_assert_eq(lc_store_open(db, &store, NULL), 0);
	struct slot slots[SLOTS];
	pthread_t th[SLOTS];
	for (int i = 0; i < SLOTS; i++) {
		slots[i] = (struct slot){.index = i, .dir = dir, .key = key, .store = store};
		cr_assert_eq(pthread_create(&th[i], NULL, slot_run, &slots[i]), 0);
	}
	for (int i = 0; i < SLOTS; i++)
		pthread_join(th[i], NULL);
	lc_pubkey pub;
	lc_sign_key_public(key, &pub);
	for (int i = 0; i < SLOTS; i++) {
		cr_expect_eq(slots[i].rc, 0, "slot %d: %s", i, slots[i].diag.text);
		lc_report_verify_info info;
		lc_diag d;
		cr_expect_eq(lc_report_verify(slots[i].json, NULL, &pub, &info, &d), 0, "slot %d: %s", i, d.text);
		cr_expect_eq(info.verdict, i == 2 ? LC_VERDICT_FAIL : LC_VERDICT_PASS);
	}
	int complete = 0;
	cr_expect_eq(lc_store_query(store, NULL, count, &complete, NULL), SLOTS);
	cr_expect_eq(complete, SLOTS);
	lc_store_close(store);
	lc_sign_key_free(key);
	free(dir), free(db);
}
