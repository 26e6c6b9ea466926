/* Limit provenance recorded beside each judged measurement (procedures/limit_record.h). */
#include "procedures/limit_record.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/utf8.h"

void lc_record_limit_row(lc_run *run, int idx, const lc_limit *lim)
{
	if (idx < 0 || !lim)
		return;
	if (lim->id[0])
		lc_result_measurement_extra_string(run->result, idx, "limit_id", lim->id, NULL);
	if (lim->standard[0])
		lc_result_measurement_extra_string(run->result, idx, "limit_source", lim->standard, NULL);
	if (lim->unconfirmed)
		lc_result_measurement_extra_string(run->result, idx, "limit_status", "unconfirmed", NULL);
	lc_record_limit_confirmation(run, idx, lim);
}

void lc_record_limit_confirmation(lc_run *run, int idx, const lc_limit *lim)
{
	if (idx < 0 || !lim || !lim->confirmed_by[0])
		return;
	lc_result_measurement_extra_string(run->result, idx, "limit_status", "confirmed", NULL);
	lc_result_measurement_extra_string(run->result, idx, "limit_confirmed_by", lim->confirmed_by, NULL);
	lc_result_measurement_extra_string(run->result, idx, "limit_confirmed_sha256", lim->confirmed_sha256, NULL);
}

struct buf {
	char *p;
	size_t cap, len;
};

static void put(struct buf *b, const char *f, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *f, ...)
{
	if (b->len + 1 >= b->cap)
		return;
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(b->p + b->len, b->cap - b->len, f, ap);
	va_end(ap);
	if (n < 0)
		return;
	b->len = (size_t)n < b->cap - b->len ? b->len + (size_t)n : b->cap - 1;
}

static const char *kind_word(enum lc_budget_kind k, unsigned n)
{
	switch (k) {
	case LC_BUDGET_MATED_PAIR: return n == 1 ? "mated pair" : "mated pairs";
	case LC_BUDGET_SPLICE: return n == 1 ? "splice" : "splices";
	case LC_BUDGET_MODULE: return n == 1 ? "module" : "modules";
	case LC_BUDGET_FIBER: return "fiber";
	}
	return "?";
}

/* Terms of the same kind, loss each and limit row are one term: "6 mated pairs × 0.75 dB" reads better than
 * six lines, and the row is what the reader checks against the standard. */
void lc_budget_basis(const lc_budget *b, const lc_limits *lims, char *out, size_t cap)
{
	if (!out || cap == 0)
		return;
	struct buf w = {out, cap, 0};
	out[0] = 0;
	bool used[LC_BUDGET_ITEMS_MAX] = {false};
	size_t terms = 0;
	for (size_t i = 0; i < b->count; i++) {
		if (used[i])
			continue;
		const lc_budget_item *it = &b->items[i];
		unsigned n = 0;
		double len_m = 0, loss = 0;
		for (size_t k = i; k < b->count; k++) {
			const lc_budget_item *o = &b->items[k];
			if (used[k] || o->kind != it->kind || o->each != it->each || strcmp(o->limit_id, it->limit_id) != 0)
				continue;
			used[k] = true;
			n += o->count ? o->count : 1;
			len_m += o->length_m;
			loss += o->loss_db;
		}
		const lc_limit *row = lims && it->limit_id[0] ? lc_limits_find(lims, it->limit_id) : NULL;
		put(&w, "%s", terms++ ? " + " : "");
		if (it->kind == LC_BUDGET_FIBER)
			put(&w, "%.4g km \xc3\x97 %.4g dB/km fiber", len_m / 1000.0, it->each);
		else if (it->kind == LC_BUDGET_MODULE)
			put(&w, "%u %s \xc3\x97 %.4g dB (declared module loss)", n, kind_word(it->kind, n), loss / n);
		else
			put(&w, "%u %s \xc3\x97 %.4g dB", n, kind_word(it->kind, n), it->each);
		if (row && row->standard[0])
			put(&w, " (%s%s%s)", row->standard, it->unconfirmed ? ", UNCONFIRMED" : "",
			    row->confirmed_by[0] ? ", confirmed by the station's limits file" : "");
		else if (it->unconfirmed)
			put(&w, " (UNCONFIRMED)");
	}
	put(&w, " = %.4g dB", b->total_db);
	if (isfinite(b->wavelength_nm) && b->wavelength_nm > 0)
		put(&w, " at %.0f nm", b->wavelength_nm);
	lc_utf8_cut(out, w.len); /* a cut never leaves half a character */
}
