/*
 * The digest of the channel model a run used as its expectation (the report's dut.channel_digest): SHA-256
 * over a canonical text of what the run compared its measurements with — the cable's name and PMD, its
 * wavelengths, every entry of the expected fiber map, and each path's length-based budget total at each
 * wavelength. Two runs with the same digest were judged against the same expectation, whatever file layout
 * or formatting the cable type had; a changed map or budget changes it.
 */
#include "procedures/channel_digest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/budget.h"
#include "reports/result.h"

struct text {
	char *p;
	size_t len, cap;
	bool failed;
};

static void add(struct text *t, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *f, ...)
{
	if (t->failed)
		return;
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(NULL, 0, f, ap);
	va_end(ap);
	if (n < 0 || t->len + (size_t)n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		while (n >= 0 && t->len + (size_t)n + 1 > cap)
			cap *= 2;
		char *np = n < 0 ? NULL : realloc(t->p, cap);
		if (!np) {
			t->failed = true;
			return;
		}
		t->p = np, t->cap = cap;
	}
	va_start(ap, f);
	vsnprintf(t->p + t->len, t->cap - t->len, f, ap);
	va_end(ap);
	t->len += (size_t)n;
}

int lc_channel_digest(const lc_channel *ch, const lc_limits *lim, char hex[LC_SHA256_HEX_LEN + 1])
{
	hex[0] = 0;
	if (!ch)
		return LC_ERR_ARG;
	struct text t = {0};
	double wl[16];
	size_t nwl = lc_channel_wavelengths(ch, wl, 16);
	add(&t, "lanecert-channel/1\nname %s\npmd %s\n", lc_channel_name(ch), lc_channel_pmd(ch));
	for (size_t w = 0; w < nwl && w < 16; w++)
		add(&t, "wavelength %.17g\n", wl[w]);
	for (size_t i = 0; i < lc_channel_map_count(ch); i++) {
		const lc_map_entry *e = lc_channel_map(ch, i);
		add(&t, "map %s %s\n", e->from, e->to);
		for (size_t w = 0; lim && !lc_channel_is_active_or_copper(ch) && w < nwl && w < 16; w++) {
			lc_budget b;
			if (lc_channel_path_budget(ch, lim, i, wl[w], &b, NULL) == 0)
				add(&t, "budget %zu %.17g %.17g\n", i, wl[w], b.total_db);
		}
	}
	if (t.failed) {
		free(t.p);
		return LC_ERR_NOMEM;
	}
	lc_result_sha256_hex(t.p ? t.p : "", t.len, hex);
	free(t.p);
	return 0;
}
