/* One run: what the store recorded, its report's verification (computed here, with the library's
 * lc_report_verify() and the key given with --pubkey), and its files by run id. A file is found from the
 * store's report path and one of four fixed names: nothing a client sends becomes part of a path. */
#include "serve/page.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct report_file {
	const char *name, *media_type;
	bool download;
} files[] = {
	{"report.html", "text/html; charset=utf-8", false},
	{"report.json", "application/json", true},
	{"report.json.minisig", "text/plain; charset=utf-8", true},
	{"report.pdf", "application/pdf", true},
};

#define FILE_MAX (64LL << 20)

static int take_row(const lc_store_row *row, void *user)
{
	lc_store_row **out = user;
	if (!(*out = lc_sq_row_dup(row)))
		return LC_ERR_NOMEM;
	return 1;
}

/* "/runs/123" or "/runs/123/NAME": the id (> 0) and the rest ("" or "NAME"); false otherwise. */
static bool parse_path(const char *path, int64_t *id, const char **rest)
{
	const char *p = path + strlen("/runs/");
	int64_t v = 0;
	size_t digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 18) {
		v = v * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || v <= 0 || (*p && *p != '/'))
		return false;
	*id = v;
	*rest = *p ? p + 1 : "";
	return true;
}

/* Open a report file of the run read-only, never following a symlink; a regular file up to FILE_MAX. */
static int open_file(const lc_store_row *row, const struct report_file *rf, lc_reply_file *out)
{
	const char *slash = strrchr(row->report_path, '/');
	size_t dir_len = slash ? (size_t)(slash - row->report_path) : 0;
	char path[4200];
	if (dir_len + strlen(rf->name) + 2 > sizeof(path))
		return 404;
	if (slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)dir_len, row->report_path, rf->name);
	else
		snprintf(path, sizeof(path), "%s", rf->name);
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX) {
		if (fd >= 0)
			close(fd);
		return 404;
	}
	out->fd = fd;
	out->size = st.st_size;
	out->media_type = rf->media_type;
	if (rf->download) {
		const char *ext = rf->name + strlen("report");
		snprintf(out->disposition, sizeof(out->disposition), "attachment; filename=\"run-%lld-report%s\"",
			 (long long)row->id, ext);
	}
	return 200;
}

/* A fleet report's bytes as a file to send: an anonymous memory file (the reply path sends file descriptors). */
static int memory_file(const char *data, size_t len, const struct report_file *rf, int64_t id, lc_reply_file *out)
{
	int fd = memfd_create("lanecert-report", MFD_CLOEXEC);
	if (fd < 0)
		return 500;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return 500;
		}
		done += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 500;
	}
	out->fd = fd;
	out->size = (long long)len;
	out->media_type = rf->media_type;
	if (rf->download)
		snprintf(out->disposition, sizeof(out->disposition), "attachment; filename=\"run-%lld-report%s\"",
			 (long long)id, rf->name + strlen("report"));
	return 200;
}

/* /runs/ID/<one of files[]> of a fleet run, from the database by run id: the signed JSON and its signature
 * always, the HTML and PDF when the station uploaded them (lanecert sync --with-files). */
static int fleet_file(lc_serve_ctx *c, const lc_store_row *row, const char *name, lc_sb *b, lc_reply_file *file)
{
	const struct report_file *rf = NULL;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (strcmp(name, files[i].name) == 0)
			rf = &files[i];
	if (!rf)
		return lc_page_error(b, 404, "this run has no such file");
	bool json = rf == &files[1], sig = rf == &files[2];
	lc_diag d;
	int status;
	if (json || sig) {
		lc_fleet_report rep;
		int rc = lc_sq_report(c->q, row->id, &rep, &d);
		if (rc < 0)
			return lc_page_error(b, rc == LC_ERR_NOT_FOUND ? 404 : 500, lc_diag_message(&d));
		status = memory_file(json ? rep.json : rep.signature, json ? rep.json_len : rep.signature_len, rf, row->id,
				     file);
		lc_fleet_report_clear(&rep);
	} else {
		char *data;
		size_t len;
		int rc = lc_sq_report_file(c->q, row->id, name, &data, &len, &d);
		if (rc == LC_ERR_NOT_FOUND)
			return lc_page_error(b, 404, "the station did not upload this file with the report (lanecert sync "
						     "--with-files); it stays on the station");
		if (rc < 0)
			return lc_page_error(b, 500, lc_diag_message(&d));
		status = memory_file(data, len, rf, row->id, file);
		free(data);
	}
	return status == 200 ? 200 : lc_page_error(b, status, "could not prepare the download");
}

/* The fleet run's verification, computed now against its station's registered key. */
static void fleet_verify(lc_serve_ctx *c, const lc_store_row *row, lc_sb *b)
{
	lc_fleet_report rep;
	lc_diag d;
	if (lc_sq_report(c->q, row->id, &rep, &d) < 0) {
		lc_sb_put(b, "<p id=\"verify\" class=\"bad\">The report could not be read from the fleet store: ");
		lc_sb_html(b, lc_diag_message(&d));
		lc_sb_put(b, "</p>\n");
		return;
	}
	if (rep.verify == 0) {
		lc_sb_put(b, "<p id=\"verify\" class=\"ok\">Verified: signed by key ");
		lc_sb_html(b, rep.key_id);
		lc_sb_put(b, " registered for station ");
		lc_sb_html(b, rep.station);
		lc_sb_put(b, rep.key_revoked ? " (revoked since; the report came while it was valid)." : ".");
	} else {
		lc_sb_put(b, "<p id=\"verify\" class=\"bad\">NOT verified against key ");
		lc_sb_html(b, rep.key_id);
		lc_sb_put(b, " of station ");
		lc_sb_html(b, rep.station);
		lc_sb_put(b, ": ");
		lc_sb_html(b, rep.verify_error);
	}
	if (!rep.has_html && !rep.has_pdf)
		lc_sb_put(b, " The HTML and PDF reports stay on the station.");
	lc_sb_put(b, "</p>\n<ul class=\"files\">");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((i == 0 && !rep.has_html) || (i == 3 && !rep.has_pdf))
			continue;
		lc_sb_printf(b, "<li><a href=\"/runs/%lld/%s\"%s>%s</a></li>", (long long)row->id, files[i].name,
			     files[i].download ? " download" : "",
			     i == 0 ? "Report (HTML)" : i == 1 ? "JSON" : i == 2 ? "Signature (minisign)" : "PDF");
	}
	lc_sb_put(b, "</ul>\n");
	lc_fleet_report_clear(&rep);
}

static void dt(lc_sb *b, const char *label, const char *value)
{
	lc_sb_printf(b, "<dt>%s</dt><dd>", label);
	lc_sb_html(b, value && *value ? value : "-");
	lc_sb_put(b, "</dd>");
}

int lc_page_run(lc_serve_ctx *c, const lc_req *r, lc_sb *b, lc_reply_file *file)
{
	int64_t id;
	const char *rest;
	if (!parse_path(r->path, &id, &rest))
		return lc_page_error(b, 404, "no such run");
	lc_sq_filter f = LC_SQ_FILTER_ANY;
	f.id = id;
	lc_store_row *row = NULL;
	lc_diag d;
	int rc = lc_sq_each(c->q, &f, take_row, &row, &d);
	if (rc < 0 && !row)
		return lc_page_error(b, 500, lc_diag_message(&d));
	if (!row)
		return lc_page_error(b, 404, "no such run");
	int status = 200;
	if (*rest && !row->report_path && c->q->fleet) {
		status = fleet_file(c, row, rest, b, file);
		lc_sq_row_free(row);
		return status;
	}
	if (*rest) {
		status = 404;
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			if (strcmp(rest, files[i].name) == 0 && row->report_path)
				status = open_file(row, &files[i], file);
		lc_sq_row_free(row);
		return status == 200 ? 200 : lc_page_error(b, 404, "this run has no such file");
	}
	char title[64];
	snprintf(title, sizeof(title), "Run #%lld", (long long)row->id);
	lc_page_begin(b, title, "History");
	lc_sb_put(b, "<dl class=\"run\">");
	dt(b, "Serial", row->serial);
	lc_sb_printf(b, "<dt>Attempt</dt><dd>%d</dd>", row->attempt);
	dt(b, "Cable type", row->cable_type);
	dt(b, "Station", row->station);
	lc_sb_printf(b, "<dt>Slot</dt><dd>%d</dd>", row->slot);
	lc_sb_put(b, "<dt>Operator</dt><dd class=\"operator\">");
	lc_sb_html(b, row->operator_name);
	lc_sb_put(b, "</dd>");
	dt(b, "Procedure", row->procedure);
	lc_sb_put(b, "<dt>Started (UTC)</dt><dd>");
	lc_sb_time(b, row->start_ms);
	lc_sb_put(b, "</dd><dt>Ended (UTC)</dt><dd>");
	lc_sb_time(b, row->end_ms);
	lc_sb_put(b, "</dd><dt>Verdict</dt><dd>");
	lc_page_verdict(b, row->complete ? lc_verdict_name(row->verdict) : NULL);
	lc_sb_put(b, "</dd>");
	dt(b, "Reason", row->reason);
	dt(b, "Report SHA-256", row->report_sha256);
	lc_sb_put(b, "</dl>\n<h2>Report</h2>\n");
	if (!row->report_path && c->q->fleet) {
		fleet_verify(c, row, b);
	} else if (!row->report_path) {
		lc_sb_put(b, "<p class=\"note\" id=\"verify\">No report was written for this run.</p>");
	} else {
		lc_sb_put(b, "<p id=\"verify\" class=\"");
		if (!c->have_pubkey) {
			lc_sb_put(b, "note\">Signature not checked: the server was started without --pubkey.");
		} else {
			lc_report_verify_info info;
			lc_diag vd;
			if (lc_report_verify(row->report_path, NULL, &c->pubkey, &info, &vd) == 0) {
				lc_sb_put(b, "ok\">Verified: signed by key ");
				lc_sb_html(b, info.key_id);
				lc_sb_put(b, ", serial ");
				lc_sb_html(b, info.serial);
				lc_sb_printf(b, ", verdict %s", lc_verdict_name(info.verdict));
				if (info.raw_checked || info.raw_missing)
					lc_sb_printf(b, ", %d raw file%s checked, %d absent", info.raw_checked,
						     info.raw_checked == 1 ? "" : "s", info.raw_missing);
				lc_sb_put(b, ".");
			} else {
				lc_sb_put(b, "bad\">NOT verified: ");
				lc_sb_html(b, lc_diag_message(&vd));
			}
		}
		lc_sb_put(b, "</p>\n<ul class=\"files\">");
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
			lc_sb_printf(b, "<li><a href=\"/runs/%lld/%s\"%s>%s</a></li>", (long long)row->id, files[i].name,
				     files[i].download ? " download" : "",
				     i == 0 ? "Report (HTML)" : i == 1 ? "JSON" : i == 2 ? "Signature (minisign)" : "PDF");
		lc_sb_put(b, "</ul>\n");
	}
	lc_page_end(b);
	lc_sq_row_free(row);
	return status;
}
