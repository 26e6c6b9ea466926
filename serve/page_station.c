/*
 * Station health, from what the server may read without touching an instrument (a run may be using them):
 * the station files given with --station (instruments, resources, calibration dates) and the store (the
 * identity each instrument answered with, the power references and the last error, from the station's latest
 * runs and their reports; on the fleet store, the latest report from its database once it verifies). Nothing
 * here opens a connection to an instrument.
 */
#include "serve/page.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct latest {
	lc_store_row *with_report; /* the latest finished run with a report */
	lc_store_row *error;       /* the latest run whose verdict was error */
	unsigned errors_24h;
	int64_t day_ago;
	bool fleet; /* rows from the fleet: a report is in its database (report_path NULL, report_sha256 set) */
};

static void replace(lc_store_row **slot, const lc_store_row *row, int *rc)
{
	lc_store_row *d = lc_sq_row_dup(row);
	if (!d) {
		*rc = LC_ERR_NOMEM;
		return;
	}
	lc_sq_row_free(*slot);
	*slot = d;
}

static int note(const lc_store_row *row, void *user)
{
	struct latest *l = user;
	int rc = 0;
	if (row->complete && (row->report_path || (l->fleet && row->report_sha256)))
		replace(&l->with_report, row, &rc);
	if (row->complete && row->verdict == LC_VERDICT_ERROR) {
		replace(&l->error, row, &rc);
		if (row->start_ms != LC_TIME_NONE && row->start_ms >= l->day_ago)
			l->errors_24h++;
	}
	return rc;
}

/* The report of a run read back (NULL when it cannot be read: the page says so). */
static lc_result *read_report(const char *path)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || st.st_size > (off_t)LC_REPORT_JSON_MAX) {
		close(fd);
		return NULL;
	}
	char *text = malloc((size_t)st.st_size);
	size_t got = 0;
	while (text && got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	lc_result *r = NULL;
	if (text && got == (size_t)st.st_size && lc_report_json_read(text, got, &r, NULL) < 0)
		r = NULL;
	free(text);
	return r;
}

/* A fleet run's report, read back from the database once it verifies against its station's registered key
 * (NULL otherwise: the page says it could not be read). */
static lc_result *fleet_report(lc_serve_ctx *c, int64_t id)
{
	lc_fleet_report rep;
	lc_result *r = NULL;
	if (lc_sq_report(c->q, id, &rep, NULL) == 0 && rep.verify == 0 &&
	    lc_report_json_read(rep.json, rep.json_len, &r, NULL) < 0)
		r = NULL;
	lc_fleet_report_clear(&rep);
	return r;
}

/* Days from today (UTC) to a "YYYY-MM-DD" date; false when it is none. */
static bool days_until(const char *date, long *days)
{
	char full[40];
	int64_t ms;
	if (!date || strlen(date) != 10)
		return false;
	snprintf(full, sizeof(full), "%sT00:00:00.000Z", date);
	if (lc_time_parse(full, &ms, NULL) < 0)
		return false;
	int64_t now = lc_result_wall_ms();
	int64_t today = now - now % 86400000;
	*days = (long)((ms - today) / 86400000);
	return true;
}

static void age(lc_sb *b, int64_t then_ms)
{
	int64_t s = (lc_result_wall_ms() - then_ms) / 1000;
	if (s < 0)
		s = 0;
	if (s < 3600)
		lc_sb_printf(b, "%lld min", (long long)(s / 60));
	else if (s < 86400 * 2)
		lc_sb_printf(b, "%.1f h", s / 3600.0);
	else
		lc_sb_printf(b, "%lld days", (long long)(s / 86400));
}

static void station_section(lc_serve_ctx *c, const lc_station *st, lc_sb *b)
{
	struct latest l = {NULL, NULL, 0, lc_result_wall_ms() - 86400000LL, c->q->fleet};
	lc_sq_filter f = LC_SQ_FILTER_ANY;
	f.station = st->name;
	lc_diag d;
	int rc = lc_sq_each(c->q, &f, note, &l, &d);
	lc_result *rep = !l.with_report		   ? NULL
			 : l.with_report->report_path ? read_report(l.with_report->report_path)
						      : fleet_report(c, l.with_report->id);

	lc_sb_put(b, "<section class=\"station\"><h2>");
	lc_sb_html(b, st->name);
	lc_sb_put(b, "</h2><p>");
	lc_sb_html(b, st->description);
	lc_sb_put(b, "</p>\n");
	if (rc < 0) {
		lc_sb_put(b, "<p class=\"bad\">Results store: ");
		lc_sb_html(b, lc_diag_message(&d));
		lc_sb_put(b, "</p>");
	}
	if (l.with_report) {
		lc_sb_printf(b, "<p class=\"note\">Identities and references from run <a href=\"/runs/%lld\">#%lld</a> (",
			     (long long)l.with_report->id, (long long)l.with_report->id);
		lc_sb_time(b, l.with_report->start_ms);
		lc_sb_put(b, " UTC)");
		if (!rep)
			lc_sb_put(b, ": its report could not be read");
		lc_sb_put(b, ".</p>\n");
	} else {
		lc_sb_put(b, "<p class=\"note\">No run of this station with a report yet: identities and references "
			     "are known once one has run.</p>\n");
	}
	lc_sb_put(b, "<table class=\"instruments\"><thead><tr><th>Role</th><th>Resource</th><th>Identity (*IDN?)</th>"
		     "<th>Firmware</th><th>Calibrated</th><th>Calibration due</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < st->n_instruments; i++) {
		const lc_station_instrument *in = &st->instruments[i];
		const lc_result_instrument *ri = NULL;
		for (size_t k = 0; rep && k < lc_result_instrument_count(rep) && !ri; k++)
			if (lc_result_instrument_at(rep, k)->role &&
			    strcmp(lc_result_instrument_at(rep, k)->role, in->role) == 0)
				ri = lc_result_instrument_at(rep, k);
		lc_sb_put(b, "<tr><td>");
		lc_sb_html(b, in->role);
		lc_sb_put(b, "</td><td><code>");
		lc_sb_html(b, in->resource);
		lc_sb_put(b, "</code></td><td>");
		if (ri) {
			lc_sb_html(b, ri->vendor);
			lc_sb_put(b, " ");
			lc_sb_html(b, ri->model);
			lc_sb_put(b, " #");
			lc_sb_html(b, ri->serial);
		} else {
			lc_sb_put(b, "-");
		}
		lc_sb_put(b, "</td><td>");
		lc_sb_html(b, ri && ri->firmware ? ri->firmware : "-");
		lc_sb_put(b, "</td><td>");
		lc_sb_html(b, in->calibrated[0] ? in->calibrated : "-");
		lc_sb_put(b, "</td><td>");
		long days;
		if (days_until(in->calibration_due, &days)) {
			lc_sb_printf(b, "<span class=\"%s\">", days < 0 ? "bad" : days <= 30 ? "warn" : "ok");
			lc_sb_html(b, in->calibration_due);
			if (days < 0)
				lc_sb_printf(b, " (overdue by %ld day%s)", -days, days == -1 ? "" : "s");
			else
				lc_sb_printf(b, " (in %ld day%s)", days, days == 1 ? "" : "s");
			lc_sb_put(b, "</span>");
		} else {
			lc_sb_put(b, "not tracked");
		}
		lc_sb_put(b, "</td></tr>\n");
	}
	lc_sb_put(b, "</tbody></table>\n<h3>Power references</h3>\n");
	size_t n_ref = rep ? lc_result_reference_count(rep) : 0;
	if (n_ref == 0) {
		lc_sb_put(b, "<p>-</p>\n");
	} else {
		lc_sb_put(b, "<table class=\"references\"><thead><tr><th>Method</th><th>Wavelength</th><th>Taken (UTC)</th>"
			     "<th>Age</th><th>Cords</th></tr></thead><tbody>\n");
		for (size_t i = 0; i < n_ref; i++) {
			const lc_result_reference *ref = lc_result_reference_at(rep, i);
			lc_sb_put(b, "<tr><td>");
			lc_sb_html(b, ref->method);
			lc_sb_put(b, "</td><td>");
			if (ref->wavelength_nm == ref->wavelength_nm)
				lc_sb_printf(b, "%.0f nm", ref->wavelength_nm);
			lc_sb_put(b, "</td><td>");
			lc_sb_time(b, ref->time_ms);
			lc_sb_put(b, "</td><td class=\"age\">");
			if (ref->time_ms != LC_TIME_NONE)
				age(b, ref->time_ms);
			lc_sb_put(b, "</td><td>");
			for (size_t k = 0; k < ref->n_cords; k++) {
				if (k)
					lc_sb_put(b, ", ");
				lc_sb_html(b, ref->cords[k]);
			}
			lc_sb_put(b, "</td></tr>\n");
		}
		lc_sb_put(b, "</tbody></table>\n");
	}
	lc_sb_put(b, "<h3>Last error</h3>\n<p class=\"last-error\">");
	if (l.error) {
		lc_sb_printf(b, "<a href=\"/runs/%lld\">#%lld</a> ", (long long)l.error->id, (long long)l.error->id);
		lc_sb_time(b, l.error->start_ms);
		lc_sb_printf(b, " UTC, slot %d: ", l.error->slot);
		lc_sb_html(b, l.error->reason ? l.error->reason : "(no reason recorded)");
		lc_sb_printf(b, "</p><p>%u error run%s in the last 24 h.", l.errors_24h, l.errors_24h == 1 ? "" : "s");
	} else {
		lc_sb_put(b, "No error recorded.");
	}
	lc_sb_put(b, "</p></section>\n");
	lc_result_free(rep);
	lc_sq_row_free(l.with_report);
	lc_sq_row_free(l.error);
}

int lc_page_station(lc_serve_ctx *c, const lc_req *r, lc_sb *b)
{
	(void)r;
	lc_page_begin(b, "Station health", "Station");
	unsigned long received, rejected;
	lc_live_counts(c->live, &received, &rejected);
	lc_sb_printf(b, "<p class=\"note\">Live feed: %lu event%s received, %lu refused. Store: <code>", received,
		     received == 1 ? "" : "s", rejected);
	lc_sb_html(b, c->q->where);
	lc_sb_put(b, "</code>.</p>\n");
	if (c->n_stations == 0)
		lc_sb_put(b, "<p class=\"note\">No station file: start <code>lanecert serve</code> with "
			     "<code>--station FILE</code> to see its instruments.</p>\n");
	for (size_t i = 0; i < c->n_stations; i++)
		station_section(c, c->stations[i], b);
	lc_page_end(b);
	return 200;
}
