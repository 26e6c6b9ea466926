/* Yield per cable type, station and day, and a Pareto of failure causes, from the rows of a results query
 * (<lanecert/fleet.h>): the same for a station's journal and for the fleet store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/fleet.h"

struct group {
	char *key;    /* cable_type \x1f station \x1f day, or the failure cause */
	size_t a, b;  /* offsets of station and day in key (yield) */
	lc_yield_row y;
	int64_t count;
};

struct table {
	struct group *g;
	size_t n, cap;   /* entries in g */
	size_t *slot;    /* open addressing: index + 1 into g, 0 empty */
	size_t nslots;
};

struct lc_results_summary {
	struct table yield, pareto;
	int64_t failed_runs;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The group for key, made when new; NULL when out of memory. */
static struct group *find(struct table *t, const char *key)
{
	if (2 * (t->n + 1) > t->nslots) {
		size_t ns = t->nslots ? t->nslots * 2 : 64;
		size_t *slot = calloc(ns, sizeof(*slot));
		if (!slot)
			return NULL;
		for (size_t i = 0; i < t->n; i++) {
			size_t h = fnv(t->g[i].key) & (ns - 1);
			while (slot[h])
				h = (h + 1) & (ns - 1);
			slot[h] = i + 1;
		}
		free(t->slot);
		t->slot = slot;
		t->nslots = ns;
	}
	size_t h = fnv(key) & (t->nslots - 1);
	for (; t->slot[h]; h = (h + 1) & (t->nslots - 1))
		if (strcmp(t->g[t->slot[h] - 1].key, key) == 0)
			return &t->g[t->slot[h] - 1];
	if (t->n == t->cap) {
		size_t nc = t->cap ? t->cap * 2 : 32;
		struct group *g = realloc(t->g, nc * sizeof(*g));
		if (!g)
			return NULL;
		t->g = g;
		t->cap = nc;
	}
	struct group *g = &t->g[t->n];
	memset(g, 0, sizeof(*g));
	if (!(g->key = strdup(key)))
		return NULL;
	t->slot[h] = ++t->n;
	return g;
}

int lc_results_summary_new(lc_results_summary **out)
{
	if (!out)
		return LC_ERR_ARG;
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : LC_ERR_NOMEM;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->g[i].key);
	free(t->g);
	free(t->slot);
}

void lc_results_summary_free(lc_results_summary *s)
{
	if (!s)
		return;
	table_free(&s->yield);
	table_free(&s->pareto);
	free(s);
}

/* The cause of a reason: lc_result_explain()'s "step: measurement lane 5 at 1310 nm = 2.4 dB (margin -0.9)"
 * without lane, wavelength and numbers, so that the same cause counts once; other reasons (a station's
 * error text) up to 120 bytes. */
static void cause_of(const char *reason, char *buf, size_t cap)
{
	snprintf(buf, cap < 121 ? cap : 121, "%s", reason && *reason ? reason : "(no reason recorded)");
	static const char *const cuts[] = {" lane ", " at ", " = ", " (margin"};
	if (!strchr(buf, ':'))
		return;
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char *p = strstr(buf, cuts[i]);
		if (p)
			*p = 0;
	}
}

int lc_results_summary_add(const lc_store_row *row, void *user)
{
	lc_results_summary *s = user;
	if (!s || !row)
		return LC_ERR_ARG;
	if (!row->complete)
		return 0; /* a run that never finished has no verdict to count */
	char day[32] = "unknown", key[1200];
	if (row->start_ms != LC_TIME_NONE && lc_time_format(row->start_ms, day, NULL) == 0)
		day[10] = 0;
	const char *ct = row->cable_type ? row->cable_type : "", *st = row->station ? row->station : "";
	int n = snprintf(key, sizeof(key), "%s\x1f%s\x1f%s", ct, st, day);
	if (n < 0 || (size_t)n >= sizeof(key))
		return LC_ERR_OVERFLOW;
	struct group *g = find(&s->yield, key);
	if (!g)
		return LC_ERR_NOMEM;
	if (!g->y.runs) {
		g->a = strlen(ct) + 1;
		g->b = g->a + strlen(st) + 1;
	}
	g->y.runs++;
	if (row->verdict == LC_VERDICT_PASS)
		g->y.passed++;
	else if (row->verdict == LC_VERDICT_FAIL)
		g->y.failed++;
	else
		g->y.other++;
	if (row->verdict == LC_VERDICT_PASS)
		return 0;
	char cause[200];
	cause_of(row->reason, cause, sizeof(cause));
	snprintf(key, sizeof(key), "%s\x1f%s", lc_verdict_name(row->verdict), cause);
	if (!(g = find(&s->pareto, key)))
		return LC_ERR_NOMEM;
	g->a = strlen(lc_verdict_name(row->verdict)) + 1;
	g->count++;
	s->failed_runs++;
	return 0;
}

static int by_day(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	int c = strcmp(a->key + a->b, b->key + b->b);
	return c ? c : strcmp(a->key, b->key);
}

static int by_count(const void *x, const void *y)
{
	const struct group *a = x, *b = y;
	return a->count != b->count ? (a->count < b->count ? 1 : -1) : strcmp(a->key, b->key);
}

int lc_results_summary_yield(lc_results_summary *s, int (*fn)(const lc_yield_row *row, void *user), void *user)
{
	if (!s || !fn)
		return LC_ERR_ARG;
	qsort(s->yield.g, s->yield.n, sizeof(struct group), by_day);
	/* the hash slots point by index: rebuilt on the next add */
	free(s->yield.slot);
	s->yield.slot = NULL;
	s->yield.nslots = 0;
	for (size_t i = 0; i < s->yield.n; i++) {
		struct group *g = &s->yield.g[i];
		g->key[g->a - 1] = g->key[g->b - 1] = 0;
		g->y.cable_type = g->key;
		g->y.station = g->key + g->a;
		g->y.day = g->key + g->b;
		int rc = fn(&g->y, user);
		g->key[g->a - 1] = g->key[g->b - 1] = '\x1f';
		if (rc)
			return rc;
	}
	return (int)s->yield.n;
}

int lc_results_summary_pareto(lc_results_summary *s, int (*fn)(const lc_pareto_row *row, void *user), void *user)
{
	if (!s || !fn)
		return LC_ERR_ARG;
	qsort(s->pareto.g, s->pareto.n, sizeof(struct group), by_count);
	free(s->pareto.slot);
	s->pareto.slot = NULL;
	s->pareto.nslots = 0;
	int64_t cum = 0;
	for (size_t i = 0; i < s->pareto.n; i++) {
		struct group *g = &s->pareto.g[i];
		cum += g->count;
		g->key[g->a - 1] = 0;
		lc_pareto_row r = {.verdict = g->key, .cause = g->key + g->a, .runs = g->count,
				   .cumulative = (double)cum / (double)s->failed_runs};
		int rc = fn(&r, user);
		g->key[g->a - 1] = '\x1f';
		if (rc)
			return rc;
	}
	return (int)s->pareto.n;
}
