/* The line view: every slot of the stations given with --station, and of any station that published, with
 * what it runs now (server-rendered, so the page is right without JavaScript) and the event id the page's
 * script resumes from (serve/assets.c live.js keeps it current through /events). */
#include "serve/page.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct last_by_slot {
	const char *station;
	lc_store_row *rows[LC_LIVE_SLOTS_MAX]; /* the latest run per slot number (index = slot, capped) */
};

static int keep_last(const lc_store_row *row, void *user)
{
	struct last_by_slot *l = user;
	if (row->slot < 1 || row->slot >= LC_LIVE_SLOTS_MAX)
		return 0;
	lc_store_row *d = lc_sq_row_dup(row);
	if (!d)
		return LC_ERR_NOMEM;
	lc_sq_row_free(l->rows[row->slot]);
	l->rows[row->slot] = d;
	return 0;
}

static void field(lc_sb *b, const char *label, const char *name, const char *value)
{
	lc_sb_printf(b, "<dt>%s</dt><dd data-f=\"%s\">", label, name);
	lc_sb_html(b, value && *value ? value : "-");
	lc_sb_put(b, "</dd>");
}

static void slot_card(lc_sb *b, size_t n, const char *station, unsigned slot, const char *slot_name,
		      const lc_live_slot *live, const lc_store_row *last)
{
	lc_sb_printf(b, "<section class=\"slot%s\" id=\"slot-%zu\" data-station=\"", live && live->running ? " running" : "", n);
	lc_sb_html(b, station);
	lc_sb_printf(b, "\" data-slot=\"%u\"><h2>", slot);
	lc_sb_html(b, station);
	lc_sb_printf(b, " &middot; slot %u", slot);
	if (slot_name && *slot_name) {
		lc_sb_put(b, " (");
		lc_sb_html(b, slot_name);
		lc_sb_put(b, ")");
	}
	lc_sb_put(b, "</h2><p class=\"state\" data-f=\"state\">");
	lc_sb_put(b, live && live->running ? "running" : "idle");
	lc_sb_put(b, "</p><dl>");
	bool run = live && live->running;
	field(b, "Serial", "serial", run ? live->serial : "");
	field(b, "Operator", "operator", run ? live->operator_name : "");
	field(b, "Procedure", "procedure", run ? live->procedure : "");
	char step[200] = "";
	if (run && live->step[0]) {
		if (live->total)
			snprintf(step, sizeof(step), "step %u of %u: %s", live->index, live->total, live->step);
		else
			snprintf(step, sizeof(step), "%s", live->step);
	}
	field(b, "Step", "step", step);
	lc_sb_put(b, "<dt>Progress</dt><dd><progress data-f=\"progress\" max=\"1\"");
	if (run && isfinite(live->fraction))
		lc_sb_printf(b, " value=\"%.3f\"", live->fraction);
	else
		lc_sb_put(b, " value=\"0\"");
	lc_sb_put(b, "></progress> <span data-f=\"eta\">");
	if (run && isfinite(live->eta_s))
		lc_sb_printf(b, "ETA %.0f s", live->eta_s);
	lc_sb_put(b, "</span> <span data-f=\"ptext\">");
	if (run)
		lc_sb_html(b, live->progress_text);
	lc_sb_put(b, "</span></dd>");
	/* The last verdict: the live one when this server saw it, else the store's last run of the slot. */
	const char *verdict = NULL, *reason = NULL, *serial = NULL;
	if (live && live->last_verdict[0]) {
		verdict = live->last_verdict;
		reason = live->last_reason;
		serial = live->last_serial;
	} else if (last) {
		verdict = last->complete ? lc_verdict_name(last->verdict) : "incomplete";
		reason = last->reason;
		serial = last->serial;
	}
	lc_sb_put(b, "<dt>Last verdict</dt><dd data-f=\"verdict\">");
	if (verdict)
		lc_page_verdict(b, verdict);
	else
		lc_sb_put(b, "-");
	lc_sb_put(b, "</dd>");
	field(b, "Last serial", "last_serial", serial);
	field(b, "Reason", "reason", reason);
	lc_sb_put(b, "</dl></section>\n");
}

int lc_page_line(lc_serve_ctx *c, const lc_req *r, lc_sb *b)
{
	(void)r;
	lc_live_slot *live = malloc(LC_LIVE_SLOTS_MAX * sizeof(*live));
	char last_id[40];
	if (!live)
		return lc_page_error(b, 500, "out of memory");
	size_t n_live = lc_live_slots(c->live, live, LC_LIVE_SLOTS_MAX, last_id);
	bool shown[LC_LIVE_SLOTS_MAX] = {false};
	lc_page_begin(b, "Line", "Line");
	lc_sb_put(b, "<noscript><p class=\"note\">Without JavaScript this page does not update itself: reload it to "
		     "see the slots' state.</p></noscript>\n<div id=\"line\" data-last=\"");
	lc_sb_html(b, last_id);
	lc_sb_put(b, "\"><p class=\"feed lost\" id=\"feed\">not live: the page updates itself only with JavaScript</p>\n");
	size_t card = 0;
	int64_t since = lc_result_wall_ms() - 30LL * 86400 * 1000;
	for (size_t s = 0; s < c->n_stations; s++) {
		const lc_station *st = c->stations[s];
		struct last_by_slot last = {st->name, {NULL}};
		lc_sq_filter f = LC_SQ_FILTER_ANY;
		f.station = st->name;
		f.since_ms = since;
		lc_diag d;
		lc_sq_each(c->q, &f, keep_last, &last, &d); /* no history is no reason to hide the slots */
		unsigned max_slot = 0;
		for (size_t i = 0; i < st->n_slots; i++)
			max_slot = st->slots[i].number > max_slot ? st->slots[i].number : max_slot;
		for (size_t i = 0; i < st->n_wires; i++)
			max_slot = st->wires[i].slot > max_slot ? st->wires[i].slot : max_slot;
		for (unsigned slot = 1; slot <= max_slot && slot < LC_LIVE_SLOTS_MAX; slot++) {
			const char *name = NULL;
			for (size_t i = 0; i < st->n_slots; i++)
				if (st->slots[i].number == slot)
					name = st->slots[i].name;
			const lc_live_slot *ls = NULL;
			for (size_t i = 0; i < n_live; i++)
				if (live[i].slot == slot && strcmp(live[i].station, st->name) == 0) {
					ls = &live[i];
					shown[i] = true;
				}
			slot_card(b, card++, st->name, slot, name, ls, last.rows[slot]);
		}
		for (size_t i = 0; i < LC_LIVE_SLOTS_MAX; i++)
			lc_sq_row_free(last.rows[i]);
	}
	for (size_t i = 0; i < n_live; i++)
		if (!shown[i])
			slot_card(b, card++, live[i].station, live[i].slot, NULL, &live[i], NULL);
	if (card == 0)
		lc_sb_put(b, "<p class=\"note\" id=\"empty\">No slots yet: start <code>lanecert serve</code> with "
			     "<code>--station FILE</code>, or run a certification that publishes to this server.</p>");
	lc_sb_put(b, "</div><script src=\"/assets/live.js\"></script>\n");
	lc_page_end(b);
	free(live);
	return 200;
}
