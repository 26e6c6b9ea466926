/* History: the last runs, newest first, filtered by serial (exact, or its start: match=prefix), cable type,
 * verdict, operator, station and day
 * (a plain GET form: works without JavaScript, and a search is a link that can be kept). */
#include "serve/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY_DEFAULT 100
#define HISTORY_MAX 500
#define ARG_MAX_LEN 128

/* The newest `cap` rows, newest first as the store gives them; `more` when the store had one more (the page
 * asks for cap + 1, so it never reads further back than that). */
struct newest {
	lc_store_row **rows;
	size_t cap, n;
	bool more;
};

static int keep(const lc_store_row *row, void *user)
{
	struct newest *k = user;
	if (k->n == k->cap) {
		k->more = true;
		return 1; /* stop */
	}
	lc_store_row *d = lc_sq_row_dup(row);
	if (!d)
		return LC_ERR_NOMEM;
	k->rows[k->n++] = d;
	return 0;
}

/* "YYYY-MM-DD" to the UTC midnight that starts it; false when it is no date. */
static bool parse_day(const char *s, int64_t *ms)
{
	char full[40];
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	snprintf(full, sizeof(full), "%sT00:00:00.000Z", s);
	return lc_time_parse(full, ms, NULL) == 0;
}

/* A text argument: absent or empty is "any"; longer than ARG_MAX_LEN is a bad request. */
static bool text_arg(const lc_req *r, const char *key, const char **out)
{
	const char *v = lc_req_arg(r, key);
	*out = v && *v ? v : NULL;
	return !v || strlen(v) <= ARG_MAX_LEN;
}

static void input(lc_sb *b, const char *label, const char *name, const char *value, const char *type)
{
	lc_sb_printf(b, "<label>%s <input type=\"%s\" name=\"%s\" value=\"", label, type, name);
	lc_sb_html(b, value);
	lc_sb_put(b, "\"></label> ");
}

int lc_page_history(lc_serve_ctx *c, const lc_req *r, lc_sb *b)
{
	lc_sq_filter f = LC_SQ_FILTER_ANY;
	const char *verdict, *date, *limit_s, *match;
	if (!text_arg(r, "serial", &f.serial) || !text_arg(r, "match", &match) || !text_arg(r, "cable", &f.cable_type) ||
	    !text_arg(r, "operator", &f.operator_name) || !text_arg(r, "station", &f.station) ||
	    !text_arg(r, "verdict", &verdict) || !text_arg(r, "date", &date) || !text_arg(r, "limit", &limit_s))
		return lc_page_error(b, 400, "a search field is longer than 128 bytes");
	/* match=prefix: the serials that start with the text (an index range in either store, never a scan). */
	bool prefix = match && strcmp(match, "prefix") == 0;
	if (match && !prefix && strcmp(match, "exact") != 0)
		return lc_page_error(b, 400, "match: exact or prefix");
	const char *serial = f.serial;
	if (prefix) {
		f.serial_prefix = f.serial;
		f.serial = NULL;
	}
	if (verdict) {
		f.verdict = strcmp(verdict, "incomplete") == 0 ? LC_STORE_INCOMPLETE : lc_verdict_parse(verdict);
		if (f.verdict < 0 || f.verdict == LC_VERDICT_NONE)
			return lc_page_error(b, 400, "verdict: pass, fail, inconclusive, error, aborted or incomplete");
	}
	if (date) {
		if (!parse_day(date, &f.since_ms))
			return lc_page_error(b, 400, "date: YYYY-MM-DD");
		f.until_ms = f.since_ms + 86400LL * 1000;
	}
	long limit = HISTORY_DEFAULT;
	if (limit_s) {
		char *end;
		limit = strtol(limit_s, &end, 10);
		if (*end || limit < 1 || limit > HISTORY_MAX)
			return lc_page_error(b, 400, "limit: 1 to 500");
	}
	struct newest k = {calloc((size_t)limit, sizeof(lc_store_row *)), (size_t)limit, 0, false};
	if (!k.rows)
		return lc_page_error(b, 500, "out of memory");
	f.newest = (unsigned)limit + 1;
	lc_diag d;
	int rc = lc_sq_each(c->q, &f, keep, &k, &d);
	if (rc < 0) {
		for (size_t i = 0; i < k.n; i++)
			lc_sq_row_free(k.rows[i]);
		free(k.rows);
		return lc_page_error(b, rc == LC_ERR_ARG ? 400 : 500, lc_diag_message(&d));
	}
	lc_page_begin(b, "History", "History");
	lc_sb_put(b, "<form method=\"get\" action=\"/history\" class=\"filters\">");
	input(b, "Serial", "serial", serial, "search");
	lc_sb_printf(b, "<label>Match <select name=\"match\"><option value=\"exact\"%s>exact</option>"
			"<option value=\"prefix\"%s>starts with</option></select></label> ",
		     prefix ? "" : " selected", prefix ? " selected" : "");
	input(b, "Cable type", "cable", f.cable_type, "text");
	lc_sb_put(b, "<label>Verdict <select name=\"verdict\"><option value=\"\">any</option>");
	static const char *const verdicts[] = {"pass", "fail", "inconclusive", "error", "aborted", "incomplete"};
	for (size_t i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++)
		lc_sb_printf(b, "<option%s>%s</option>", verdict && strcmp(verdict, verdicts[i]) == 0 ? " selected" : "",
			     verdicts[i]);
	lc_sb_put(b, "</select></label> ");
	input(b, "Operator", "operator", f.operator_name, "text");
	input(b, "Station", "station", f.station, "text");
	input(b, "Date", "date", date, "date");
	lc_sb_put(b, "<button type=\"submit\">Search</button></form>\n");
	if (k.more && k.n == 1)
		lc_sb_put(b, "<p class=\"count\" id=\"count\">the newest run shown; older runs match too (narrow the search "
			     "or pick a date)");
	else if (k.more)
		lc_sb_printf(b, "<p class=\"count\" id=\"count\">the newest %zu runs shown; older runs match too (narrow the "
				"search or pick a date)", k.n);
	else
		lc_sb_printf(b, "<p class=\"count\" id=\"count\">%zu run%s", k.n, k.n == 1 ? "" : "s");
	lc_sb_put(b, "</p>\n<table id=\"runs\"><thead><tr><th>Run</th><th>Started (UTC)</th><th>Serial</th>"
		     "<th>Attempt</th><th>Cable type</th><th>Station</th><th>Slot</th><th>Operator</th><th>Verdict</th>"
		     "<th>Reason</th></tr></thead><tbody>\n");
	for (size_t j = 0; j < k.n; j++) {
		const lc_store_row *row = k.rows[j];
		lc_sb_printf(b, "<tr><td><a href=\"/runs/%lld\">#%lld</a></td><td>", (long long)row->id, (long long)row->id);
		lc_sb_time(b, row->start_ms);
		lc_sb_put(b, "</td><td class=\"serial\">");
		lc_sb_html(b, row->serial);
		lc_sb_printf(b, "</td><td>%d</td><td>", row->attempt);
		lc_sb_html(b, row->cable_type);
		lc_sb_put(b, "</td><td>");
		lc_sb_html(b, row->station);
		lc_sb_printf(b, "</td><td>%d</td><td class=\"operator\">", row->slot);
		lc_sb_html(b, row->operator_name);
		lc_sb_put(b, "</td><td>");
		lc_page_verdict(b, row->complete ? lc_verdict_name(row->verdict) : NULL);
		lc_sb_put(b, "</td><td class=\"reason\">");
		lc_sb_html(b, row->reason);
		lc_sb_put(b, "</td></tr>\n");
	}
	lc_sb_put(b, "</tbody></table>\n");
	lc_page_end(b);
	for (size_t i = 0; i < k.n; i++)
		lc_sq_row_free(k.rows[i]);
	free(k.rows);
	return 200;
}
