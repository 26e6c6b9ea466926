/*
 * Quality: yield per cable type and UTC day, a Pareto of failure reasons, retests, over the last N days.
 *
 * Yield counts cable verdicts only: passed / (passed + failed + inconclusive). Error and aborted runs say
 * nothing about the cable (a station fault, an operator's stop) and are counted apart; incomplete runs are
 * left out. First-pass yield is the same over first attempts only. A failure reason is grouped with others
 * that differ only in their numbers ("lane 3: IL 2.31 dB over 1.50 dB" and "lane 1: IL 1.90 dB over 1.50 dB"
 * are one bar): digits become '#'.
 *
 * Shifts (lanecert serve --shifts 06:00,14:00,22:00): the same yield per cable type and shift, in the server's
 * local time zone. A run belongs to the shift whose start is the last one at or before its start; a run
 * before the first start of a day belongs to the previous day's last shift (the night shift that began at
 * 22:00 runs into the morning). A shift is named by the local date it began on and its start.
 */
#include "serve/page.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DAYS_MAX 90
#define BUCKETS_MAX 2048
#define REASONS_MAX 256

struct bucket {
	int64_t day;
	char cable[128];
	unsigned pass, fail, inconclusive, error, aborted, first, first_pass, retests;
};

struct reason {
	char text[256];
	unsigned n;
};

struct agg {
	struct bucket *b, *sh; /* per UTC day; per shift (day: the shift's key, shift_key()) */
	size_t n_b, n_sh;
	const lc_serve_ctx *ctx;
	struct reason *r;
	size_t n_r;
	unsigned other_reasons, retests, retest_pass, fails;
};

static void group_reason(const char *s, char *out, size_t cap)
{
	size_t k = 0;
	for (; s && *s && k + 1 < cap; s++) {
		if (*s >= '0' && *s <= '9') {
			while ((s[1] >= '0' && s[1] <= '9') || (s[1] == '.' && s[2] >= '0' && s[2] <= '9'))
				s++;
			out[k++] = '#';
		} else {
			out[k++] = *s;
		}
	}
	out[k] = '\0';
}

int lc_shifts_parse(const char *text, int *mins, size_t *n, lc_diag *diag)
{
	*n = 0;
	const char *p = text;
	for (;;) {
		const int used = 5;
		bool digits = strlen(p) >= 5 && isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && p[2] == ':' &&
			      isdigit((unsigned char)p[3]) && isdigit((unsigned char)p[4]);
		int h = digits ? (p[0] - '0') * 10 + (p[1] - '0') : -1, m = digits ? (p[3] - '0') * 10 + (p[4] - '0') : -1;
		if (*n == LC_SHIFTS_MAX || !digits || h > 23 || m > 59 || (p[used] != ',' && p[used] != '\0') ||
		    (*n && h * 60 + m <= mins[*n - 1]))
			return lc_diag_set(diag, LC_ERR_ARG,
					   "--shifts: 1 to %d shift starts HH:MM, rising, separated by commas (\"06:00,14:00,22:00\")",
					   LC_SHIFTS_MAX);
		mins[(*n)++] = h * 60 + m;
		if (p[used] == '\0')
			return 0;
		p += used + 1;
	}
}

/* The shift a run started in, as a key: (local date the shift began on as YYYYMMDD) * 10 + shift index. */
static int64_t shift_key(const lc_serve_ctx *c, int64_t start_ms)
{
	time_t t = (time_t)(start_ms / 1000);
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return -1;
	int minute = tm.tm_hour * 60 + tm.tm_min;
	size_t k = c->n_shifts;
	while (k > 0 && c->shift_min[k - 1] > minute)
		k--;
	if (k == 0) { /* before the day's first shift: the previous day's last one */
		tm.tm_mday -= 1;
		tm.tm_hour = 12; /* midday: no daylight-saving change moves it to another date */
		tm.tm_isdst = -1;
		time_t prev = mktime(&tm);
		if (prev == (time_t)-1 || !localtime_r(&prev, &tm))
			return -1;
		k = c->n_shifts;
	}
	return ((int64_t)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday) * 10 + (int64_t)(k - 1);
}

static struct bucket *bucket_of(struct bucket *arr, size_t *n, int64_t key, const char *cable)
{
	for (size_t i = 0; i < *n; i++)
		if (arr[i].day == key && strcmp(arr[i].cable, cable) == 0)
			return &arr[i];
	if (*n == BUCKETS_MAX)
		return NULL;
	struct bucket *bk = &arr[(*n)++];
	memset(bk, 0, sizeof(*bk));
	bk->day = key;
	snprintf(bk->cable, sizeof(bk->cable), "%s", cable);
	return bk;
}

static void tally(struct bucket *bk, const lc_store_row *row)
{
	if (!bk)
		return;
	switch (row->verdict) {
	case LC_VERDICT_PASS: bk->pass++; break;
	case LC_VERDICT_FAIL: bk->fail++; break;
	case LC_VERDICT_INCONCLUSIVE: bk->inconclusive++; break;
	case LC_VERDICT_ERROR: bk->error++; break;
	case LC_VERDICT_ABORTED: bk->aborted++; break;
	default: break;
	}
	bool cable_verdict = row->verdict == LC_VERDICT_PASS || row->verdict == LC_VERDICT_FAIL ||
			     row->verdict == LC_VERDICT_INCONCLUSIVE;
	if (cable_verdict && row->attempt == 1) {
		bk->first++;
		bk->first_pass += row->verdict == LC_VERDICT_PASS;
	}
	bk->retests += row->attempt > 1;
}

static int count(const lc_store_row *row, void *user)
{
	struct agg *a = user;
	if (!row->complete || row->start_ms == LC_TIME_NONE)
		return 0;
	int64_t day = row->start_ms - ((row->start_ms % 86400000 + 86400000) % 86400000);
	const char *cable = row->cable_type ? row->cable_type : "";
	struct bucket *bk = bucket_of(a->b, &a->n_b, day, cable);
	if (!bk)
		return 0;
	tally(bk, row);
	if (a->ctx->n_shifts) {
		int64_t key = shift_key(a->ctx, row->start_ms);
		if (key >= 0)
			tally(bucket_of(a->sh, &a->n_sh, key, cable), row);
	}
	if (row->attempt > 1) {
		a->retests++;
		a->retest_pass += row->verdict == LC_VERDICT_PASS;
	}
	if (row->verdict == LC_VERDICT_FAIL) {
		a->fails++;
		char g[256];
		group_reason(row->reason ? row->reason : "(no reason recorded)", g, sizeof(g));
		struct reason *r = NULL;
		for (size_t i = 0; i < a->n_r && !r; i++)
			if (strcmp(a->r[i].text, g) == 0)
				r = &a->r[i];
		if (!r && a->n_r < REASONS_MAX) {
			r = &a->r[a->n_r++];
			snprintf(r->text, sizeof(r->text), "%s", g);
			r->n = 0;
		}
		if (r)
			r->n++;
		else
			a->other_reasons++;
	}
	return 0;
}

static int by_day_cable(const void *x, const void *y)
{
	const struct bucket *a = x, *b = y;
	if (a->day != b->day)
		return a->day > b->day ? -1 : 1; /* newest day first */
	return strcmp(a->cable, b->cable);
}

static int by_count(const void *x, const void *y)
{
	const struct reason *a = x, *b = y;
	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->text, b->text);
}

static void percent(lc_sb *b, unsigned num, unsigned den)
{
	if (den)
		lc_sb_printf(b, "%.1f %%", 100.0 * num / den);
	else
		lc_sb_put(b, "-");
}

/* A bucket's cells after its first column: cable type, counts, yields, retests; ends the row. */
static void bucket_cells(lc_sb *b, const struct bucket *k)
{
	lc_sb_html(b, k->cable);
	lc_sb_printf(b, "</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td>%u</td><td class=\"yield\">", k->pass,
		     k->fail, k->inconclusive, k->error, k->aborted);
	percent(b, k->pass, k->pass + k->fail + k->inconclusive);
	lc_sb_put(b, "</td><td>");
	percent(b, k->first_pass, k->first);
	lc_sb_printf(b, "</td><td>%u</td></tr>\n", k->retests);
}

int lc_page_quality(lc_serve_ctx *c, const lc_req *r, lc_sb *b)
{
	const char *days_s = lc_req_arg(r, "days"), *cable = lc_req_arg(r, "cable");
	long days = 7;
	if (days_s && *days_s) {
		char *end;
		days = strtol(days_s, &end, 10);
		if (*end || days < 1 || days > DAYS_MAX)
			return lc_page_error(b, 400, "days: 1 to 90");
	}
	if (cable && strlen(cable) > 128)
		return lc_page_error(b, 400, "cable: at most 128 bytes");
	struct agg a = {.b = calloc(BUCKETS_MAX, sizeof(struct bucket)),
			.sh = c->n_shifts ? calloc(BUCKETS_MAX, sizeof(struct bucket)) : NULL,
			.r = calloc(REASONS_MAX, sizeof(struct reason)),
			.ctx = c};
	if (!a.b || !a.r || (c->n_shifts && !a.sh)) {
		free(a.b);
		free(a.sh);
		free(a.r);
		return lc_page_error(b, 500, "out of memory");
	}
	int64_t now = lc_result_wall_ms();
	lc_sq_filter f = LC_SQ_FILTER_ANY;
	f.since_ms = now - now % 86400000 - (days - 1) * 86400000LL;
	f.cable_type = cable && *cable ? cable : NULL;
	lc_diag d;
	int rc = lc_sq_each(c->q, &f, count, &a, &d);
	if (rc < 0) {
		free(a.b);
		free(a.sh);
		free(a.r);
		return lc_page_error(b, 500, lc_diag_message(&d));
	}
	qsort(a.b, a.n_b, sizeof(*a.b), by_day_cable);
	if (a.sh)
		qsort(a.sh, a.n_sh, sizeof(*a.sh), by_day_cable);
	qsort(a.r, a.n_r, sizeof(*a.r), by_count);
	lc_page_begin(b, "Quality", "Quality");
	lc_sb_put(b, "<form method=\"get\" action=\"/quality\" class=\"filters\"><label>Days <input type=\"number\" "
		     "name=\"days\" min=\"1\" max=\"90\" value=\"");
	lc_sb_printf(b, "%ld", days);
	lc_sb_put(b, "\"></label> <label>Cable type <input type=\"text\" name=\"cable\" value=\"");
	lc_sb_html(b, f.cable_type);
	lc_sb_put(b, "\"></label> <button type=\"submit\">Show</button></form>\n"
		     "<p class=\"note\">Yield = passed / (passed + failed + inconclusive); error and aborted runs are "
		     "station or operator events, counted apart. Days are UTC.</p>\n"
		     "<h2>Yield per cable type and day</h2>\n<table id=\"yield\"><thead><tr><th>Day</th><th>Cable type</th>"
		     "<th>Pass</th><th>Fail</th><th>Inconclusive</th><th>Error</th><th>Aborted</th><th>Yield</th>"
		     "<th>First-pass yield</th><th>Retests</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < a.n_b; i++) {
		const struct bucket *k = &a.b[i];
		char day[32];
		if (lc_time_format(k->day, day, NULL) < 0)
			strcpy(day, "?");
		day[10] = '\0';
		lc_sb_printf(b, "<tr><td>%s</td><td>", day);
		bucket_cells(b, k);
	}
	if (a.n_b == 0)
		lc_sb_put(b, "<tr><td colspan=\"10\">No finished runs in these days.</td></tr>\n");
	if (a.sh) {
		lc_sb_put(b, "</tbody></table>\n<h2>Yield per cable type and shift</h2>\n<p class=\"note\">Shifts start at ");
		for (size_t i = 0; i < c->n_shifts; i++)
			lc_sb_printf(b, "%s%02d:%02d", i ? ", " : "", c->shift_min[i] / 60, c->shift_min[i] % 60);
		lc_sb_put(b, " in this server's time zone; a shift is named by the date it began.</p>\n<table id=\"shifts\">"
			     "<thead><tr><th>Shift</th><th>Cable type</th><th>Pass</th><th>Fail</th><th>Inconclusive</th>"
			     "<th>Error</th><th>Aborted</th><th>Yield</th><th>First-pass yield</th><th>Retests</th></tr>"
			     "</thead><tbody>\n");
		for (size_t i = 0; i < a.n_sh; i++) {
			const struct bucket *k = &a.sh[i];
			int64_t date = k->day / 10;
			int idx = (int)(k->day % 10), start = c->shift_min[idx], end = c->shift_min[(idx + 1) % c->n_shifts];
			lc_sb_printf(b, "<tr><td class=\"shift\">%04d-%02d-%02d %02d:%02d&ndash;%02d:%02d</td><td>",
				     (int)(date / 10000), (int)(date / 100 % 100), (int)(date % 100), start / 60, start % 60,
				     end / 60, end % 60);
			bucket_cells(b, k);
		}
		if (a.n_sh == 0)
			lc_sb_put(b, "<tr><td colspan=\"10\">No finished runs in these days.</td></tr>\n");
	}
	lc_sb_put(b, "</tbody></table>\n<h2>Failure reasons (Pareto)</h2>\n<table id=\"pareto\"><thead><tr><th>Reason "
		     "(numbers as #)</th><th>Failures</th><th>Share</th><th>Cumulative</th><th></th></tr></thead><tbody>\n");
	unsigned cum = 0;
	for (size_t i = 0; i < a.n_r; i++) {
		cum += a.r[i].n;
		lc_sb_put(b, "<tr><td class=\"reason\">");
		lc_sb_html(b, a.r[i].text);
		lc_sb_printf(b, "</td><td>%u</td><td>", a.r[i].n);
		percent(b, a.r[i].n, a.fails);
		lc_sb_put(b, "</td><td>");
		percent(b, cum, a.fails);
		lc_sb_printf(b, "</td><td><meter min=\"0\" max=\"100\" value=\"%u\"></meter></td></tr>\n",
			     a.fails ? 100 * a.r[i].n / a.fails : 0);
	}
	if (a.other_reasons)
		lc_sb_printf(b, "<tr><td>(other reasons)</td><td>%u</td><td></td><td></td><td></td></tr>\n", a.other_reasons);
	if (a.fails == 0)
		lc_sb_put(b, "<tr><td colspan=\"5\">No failed runs in these days.</td></tr>\n");
	lc_sb_printf(b, "</tbody></table>\n<h2>Retests</h2>\n<p id=\"retests\">%u retest%s (runs after a serial's first "
		     "attempt), %u of them passed.</p>\n", a.retests, a.retests == 1 ? "" : "s", a.retest_pass);
	lc_page_end(b);
	free(a.b);
	free(a.sh);
	free(a.r);
	return 200;
}
