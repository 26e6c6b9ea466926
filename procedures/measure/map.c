/* Map inference, polarity classification and the wording of differences. */
#include "procedures/measure/map.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clauses.h"

int lc_map_infer(const double *dbm, size_t n_in, size_t n_out, double dark_dbm, int *map)
{
	if (!dbm || !map || n_in == 0 || n_out == 0)
		return LC_ERR_ARG;
	int found = 0;
	for (size_t i = 0; i < n_in; i++) {
		int at = LC_MAP_DARK;
		for (size_t j = 0; j < n_out; j++) {
			if (!(dbm[i * n_out + j] > dark_dbm))
				continue;
			at = at == LC_MAP_DARK ? (int)j : LC_MAP_MULTI;
		}
		map[i] = at;
		found += at >= 0;
	}
	return found;
}

char lc_map_polarity(const int *map, size_t n)
{
	if (!map || n == 0)
		return 0;
	bool a = true, b = true, c = n % 2 == 0;
	for (size_t i = 0; i < n; i++) {
		a &= map[i] == (int)i;
		b &= map[i] == (int)(n - 1 - i);
		c &= map[i] == (int)(i ^ 1u);
	}
	return a ? 'A' : b ? 'B' : c ? 'C' : 0;
}

bool lc_map_equal(const int *a, const int *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The k-th output (by index order) of group g, or -1. */
static int nth_of_group(const lc_map_labels *l, size_t n_out, int g, int k)
{
	for (size_t j = 0; j < n_out; j++)
		if (l->out_group[j] == g && k-- == 0)
			return (int)j;
	return -1;
}

static int rank_in_group(const lc_map_labels *l, int j)
{
	int k = 0;
	for (int x = 0; x < j; x++)
		k += l->out_group[x] == l->out_group[j];
	return k;
}

/* Output o with groups g and h exchanged position by position. */
static int swap_groups(const lc_map_labels *l, size_t n_out, int g, int h, int o)
{
	if (o < 0)
		return o;
	int go = l->out_group[o];
	if (go != g && go != h)
		return o;
	return nth_of_group(l, n_out, go == g ? h : g, rank_in_group(l, o));
}

/* Inputs i and k belong to two legs already worded as swapped. */
static bool legs_swapped(const lc_map_labels *l, int (*swapped)[2], size_t n, size_t i, size_t k)
{
	if (!l->in_group)
		return false;
	int a = l->in_group[i], b = l->in_group[k];
	for (size_t s = 0; s < n && a >= 0 && b >= 0; s++)
		if ((swapped[s][0] == a && swapped[s][1] == b) || (swapped[s][0] == b && swapped[s][1] == a))
			return true;
	return false;
}

static const char *pol_name(char p)
{
	return p == 'A' ? "Type A" : p == 'B' ? "Type B" : "Type C";
}

/* A label as PREFIX NUMBER SUFFIX around its last run of digits: "A:" 9 "", "B" 1 ":tx", "Tx" 6 "". False
 * when it has no digits. */
static bool label_number(const char *s, size_t *plen, long *num, const char **suffix)
{
	const char *end = s + strlen(s), *d = end;
	while (d > s && !isdigit((unsigned char)d[-1]))
		d--;
	if (d == s)
		return false;
	const char *b = d;
	while (b > s && isdigit((unsigned char)b[-1]))
		b--;
	if (d - b > 9)
		return false;
	*plen = (size_t)(b - s);
	*num = strtol(b, NULL, 10);
	*suffix = d;
	return true;
}

/* Label b follows label a: same prefix and suffix, number one more. */
static bool label_next(const char *a, const char *b)
{
	size_t pa, pb;
	long na, nb;
	const char *sa, *sb;
	return label_number(a, &pa, &na, &sa) && label_number(b, &pb, &nb, &sb) && pa == pb && nb == na + 1 &&
	       strncmp(a, b, pa) == 0 && strcmp(sa, sb) == 0;
}

#define LIST_MAX 384

/* The inputs from `from` on whose actual entry is `kind` (LC_MAP_DARK or LC_MAP_MULTI) and not yet worded,
 * as one list, marked done: runs of three or more consecutive labels as a range ("A:9\u201316",
 * "B1:tx\u2013B16:tx"), the others one by one, joined by ", " and " and ". A list that does not fit ends
 * in "..." (the clause then does not fit either and the caller's text overflows). Returns how many inputs
 * the list holds. Many dark fibers (a wrong part, an unplugged harness) read as a few ranges, every fiber
 * still named. */
static size_t input_list(const char *const *in, const int *actual, bool *done, size_t n_in, size_t from, int kind,
			 char *buf, size_t cap)
{
	size_t idx[256], n = 0;
	for (size_t i = from; i < n_in && n < sizeof(idx) / sizeof(idx[0]); i++)
		if (!done[i] && actual[i] == kind)
			idx[n++] = i, done[i] = true;
	/* items: [start, end) over idx */
	size_t item_start[256], n_items = 0;
	for (size_t k = 0; k < n;) {
		size_t e = k + 1;
		while (e < n && idx[e] == idx[e - 1] + 1 && label_next(in[idx[e - 1]], in[idx[e]]))
			e++;
		if (e - k < 3)
			e = k + 1;
		item_start[n_items++] = k;
		k = e;
	}
	size_t len = 0;
	buf[0] = '\0';
	for (size_t t = 0; t < n_items && len < cap; t++) {
		size_t k = item_start[t], e = t + 1 < n_items ? item_start[t + 1] : n;
		const char *sep = t == 0 ? "" : t + 1 == n_items ? " and " : ", ";
		int w;
		if (e - k == 1) {
			w = snprintf(buf + len, cap - len, "%s%s", sep, in[idx[k]]);
		} else {
			const char *last = in[idx[e - 1]], *suffix;
			size_t plen;
			long num;
			label_number(last, &plen, &num, &suffix);
			if (*suffix) /* "B1:tx\u2013B16:tx": the number alone would read as the suffix's */
				w = snprintf(buf + len, cap - len, "%s%s\u2013%s", sep, in[idx[k]], last);
			else
				w = snprintf(buf + len, cap - len, "%s%s\u2013%ld", sep, in[idx[k]], num);
		}
		if (w < 0 || (size_t)w >= cap - len) {
			snprintf(buf + (cap > 4 ? cap - 4 : 0), cap > 4 ? 4 : cap, "...");
			break;
		}
		len += (size_t)w;
	}
	return n;
}

int lc_map_describe(const int *actual, const int *expected, size_t n_in, size_t n_out, const lc_map_labels *labels,
		    char *buf, size_t cap)
{
	if (!actual || !expected || !labels || !labels->in || !labels->out || !buf || cap == 0 || n_in == 0)
		return LC_ERR_ARG;
	for (size_t i = 0; i < n_in; i++) {
		/* expected dark: the design routes this input to no output the caller has (another part's port) */
		if ((expected[i] < 0 && expected[i] != LC_MAP_DARK) || expected[i] >= (int)n_out || actual[i] >= (int)n_out ||
		    (actual[i] < 0 && actual[i] != LC_MAP_DARK && actual[i] != LC_MAP_MULTI))
			return LC_ERR_ARG;
	}
	if (labels->out_group) {
		if (!labels->group || labels->n_groups == 0)
			return LC_ERR_ARG;
		for (size_t j = 0; j < n_out; j++)
			if (labels->out_group[j] < 0 || labels->out_group[j] >= (int)labels->n_groups)
				return LC_ERR_ARG;
		for (size_t i = 0; labels->in_group && i < n_in; i++)
			if (labels->in_group[i] < -1 || labels->in_group[i] >= (int)labels->n_groups)
				return LC_ERR_ARG;
	}
	/* a clause that does not fit ends the text with "..." and the call with LC_ERR_OVERFLOW */
	lc_clauses o;
	lc_clauses_init(&o, buf, cap, 0, LC_CLAUSES_ELLIPSIS);
	int differing = 0;
	for (size_t i = 0; i < n_in; i++)
		differing += actual[i] != expected[i];
	if (differing == 0) {
		lc_clauses_add(&o, "as expected");
		return o.overflow ? LC_ERR_OVERFLOW : 0;
	}
	bool *done = calloc(n_in, sizeof(bool));
	if (!done)
		return LC_ERR_NOMEM;
	for (size_t i = 0; i < n_in; i++)
		done[i] = actual[i] == expected[i];

	/* The whole map is another polarity type: one clause says it all. */
	char pa = n_in == n_out ? lc_map_polarity(actual, n_in) : 0;
	char pe = n_in == n_out ? lc_map_polarity(expected, n_in) : 0;
	if (pa && pe && pa != pe) {
		size_t first = 0;
		while (done[first])
			first++;
		lc_clauses_add(&o, "%s lands on %s: %s trunk where %s expected", labels->in[first], labels->out[actual[first]],
		    pol_name(pa), pol_name(pe));
		free(done);
		return o.overflow ? LC_ERR_OVERFLOW : differing;
	}

	/* Whole legs exchanged. */
	int swapped[8][2];
	size_t n_swapped = 0;
	for (int g = 0; labels->out_group && g < (int)labels->n_groups; g++) {
		for (int h = g + 1; h < (int)labels->n_groups; h++) {
			bool touched = false, explains = true;
			for (size_t i = 0; i < n_in && explains; i++) {
				if (expected[i] < 0)
					continue;
				int eg = labels->out_group[expected[i]];
				if (eg != g && eg != h)
					continue;
				touched = true;
				explains = actual[i] >= 0 &&
					   swap_groups(labels, n_out, g, h, expected[i]) == actual[i] &&
					   actual[i] != expected[i];
			}
			if (!touched || !explains)
				continue;
			for (size_t i = 0; i < n_in; i++) {
				if (expected[i] < 0)
					continue;
				int eg = labels->out_group[expected[i]];
				if (eg == g || eg == h)
					done[i] = true;
			}
			lc_clauses_add(&o, "legs %s and %s swapped", labels->group[g], labels->group[h]);
			if (n_swapped < 8) {
				swapped[n_swapped][0] = g;
				swapped[n_swapped++][1] = h;
			}
		}
	}

	/* Two inputs exchanged. */
	for (size_t i = 0; i < n_in; i++) {
		if (done[i] || actual[i] < 0)
			continue;
		for (size_t k = i + 1; k < n_in; k++) {
			if (!done[k] && actual[i] == expected[k] && actual[k] == expected[i]) {
				if (!legs_swapped(labels, swapped, n_swapped, i, k))
					lc_clauses_add(&o, "%s and %s swapped", labels->in[i], labels->in[k]);
				done[i] = done[k] = true;
				break;
			}
		}
	}

	for (size_t i = 0; i < n_in; i++) {
		if (done[i])
			continue;
		if (actual[i] == LC_MAP_DARK || actual[i] == LC_MAP_MULTI) {
			/* every input of this kind in one clause, where the first of them stands */
			char list[LIST_MAX];
			size_t count = input_list(labels->in, actual, done, n_in, i, actual[i], list, sizeof(list));
			const char *verb = actual[i] == LC_MAP_DARK ? "dark"
					   : count > 1		     ? "light several ports"
								     : "lights several ports";
			if (strstr(list, "\u2013"))
				lc_clauses_add(&o, "%zu fibers %s: %s", count, verb, list);
			else
				lc_clauses_add(&o, "%s %s", list, verb);
		} else if (expected[i] == LC_MAP_DARK)
			lc_clauses_add(&o, "%s lands on %s where no light is expected", labels->in[i], labels->out[actual[i]]);
		else
			lc_clauses_add(&o, "%s lands on %s instead of %s", labels->in[i], labels->out[actual[i]],
			    labels->out[expected[i]]);
	}
	free(done);
	return o.overflow ? LC_ERR_OVERFLOW : differing;
}
