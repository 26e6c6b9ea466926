/* Lane map inference from sync observations and its readable difference from the expected map (pure). */
#include "instruments/bert/lane_map.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int lc_lane_map_infer(const lc_lane_obs *obs, int *map, lc_diag *diag)
{
	if (!obs || !map)
		return lc_diag_set(diag, LC_ERR_ARG, "lane map: no observations or map");
	if (obs->n_ppg == 0 || obs->n_ppg > LC_BERT_LANES_MAX || obs->n_ed == 0 || obs->n_ed > LC_BERT_LANES_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "lane map: %u PPG and %u ED lanes (1..%d each)", obs->n_ppg,
				   obs->n_ed, LC_BERT_LANES_MAX);
	int claims[LC_BERT_LANES_MAX] = {0};
	for (unsigned i = 0; i < obs->n_ppg; i++)
		for (unsigned j = 0; j < obs->n_ed; j++)
			claims[j] += obs->sync[i][j];
	int bad = 0;
	for (unsigned i = 0; i < obs->n_ppg; i++) {
		int found = LC_LANE_DARK, count = 0;
		for (unsigned j = 0; j < obs->n_ed; j++)
			if (obs->sync[i][j]) {
				found = (int)j;
				count++;
			}
		/* An ED lane that synchronized in several rounds cannot tell which PPG lane it receives. */
		if (count > 1 || (count == 1 && claims[found] > 1))
			found = LC_LANE_AMBIGUOUS;
		map[i] = found;
		bad += found < 0;
	}
	return bad;
}

struct out {
	char *buf;
	size_t cap, len;
	int n;
};

__attribute__((format(printf, 2, 3))) static void say(struct out *o, const char *fmt, ...)
{
	if (!o->buf || o->cap == 0)
		return;
	char item[96];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(item, sizeof item, fmt, ap);
	va_end(ap);
	const char *sep = o->n++ ? "; " : "";
	size_t need = strlen(sep) + strlen(item);
	if (o->len + need + 1 > o->cap) {
		/* keep "..." visible so a truncated list is never mistaken for a complete one */
		if (o->len < o->cap && o->cap >= 4) {
			size_t at = o->len + 4 <= o->cap ? o->len : o->cap - 4;
			memcpy(o->buf + at, "...", 4);
		}
		o->len = o->cap;
		return;
	}
	o->len += (size_t)snprintf(o->buf + o->len, o->cap - o->len, "%s%s", sep, item);
}

static void add(lc_lane_diff *items, size_t cap, int *count, lc_lane_diff d)
{
	if (items && (size_t)*count < cap)
		items[*count] = d;
	(*count)++;
}

int lc_lane_map_diff(const int *expected, const int *actual, unsigned n, lc_lane_diff *items, size_t cap,
		     char *buf, size_t buf_cap)
{
	struct out o = {buf, buf_cap, 0, 0};
	if (buf && buf_cap)
		buf[0] = '\0';
	if (!expected || !actual || n > LC_BERT_LANES_MAX)
		return LC_ERR_ARG;
	bool done[LC_BERT_LANES_MAX] = {false};
	int count = 0;
	for (unsigned a = 0; a < n; a++) {
		if (done[a] || actual[a] == expected[a])
			continue;
		done[a] = true;
		if (actual[a] == LC_LANE_DARK) {
			add(items, cap, &count, (lc_lane_diff){LC_LANE_DIFF_DARK, (int)a, -1, actual[a], expected[a]});
			say(&o, "lane %u not received", a + 1);
			continue;
		}
		if (actual[a] == LC_LANE_AMBIGUOUS || actual[a] < 0) {
			add(items, cap, &count,
			    (lc_lane_diff){LC_LANE_DIFF_AMBIGUOUS, (int)a, -1, actual[a], expected[a]});
			say(&o, "lane %u received ambiguously (several ED lanes synchronized)", a + 1);
			continue;
		}
		unsigned b;
		for (b = a + 1; b < n; b++)
			if (!done[b] && actual[a] == expected[b] && actual[b] == expected[a])
				break;
		if (b < n) {
			done[b] = true;
			add(items, cap, &count, (lc_lane_diff){LC_LANE_DIFF_SWAP, (int)a, (int)b, actual[a], expected[a]});
			say(&o, "lanes %u and %u swapped", a + 1, b + 1);
			continue;
		}
		add(items, cap, &count, (lc_lane_diff){LC_LANE_DIFF_MOVED, (int)a, -1, actual[a], expected[a]});
		if (expected[a] >= 0)
			say(&o, "lane %u arrives at ED lane %d, expected ED lane %d", a + 1, actual[a] + 1,
			    expected[a] + 1);
		else
			say(&o, "lane %u arrives at ED lane %d, expected no light", a + 1, actual[a] + 1);
	}
	if (count == 0 && buf && buf_cap)
		snprintf(buf, buf_cap, "as expected");
	return count;
}
