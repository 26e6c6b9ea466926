/* The files beside a report that `lanecert sync --with-files` uploads with it (reports/fleet_priv.h). */
#include "reports/fleet_priv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic_file.h"

void lc_fleet_uploads_free(struct lc_fleet_uploads *u)
{
	for (size_t i = 0; i < u->n; i++)
		free(u->f[i].bytes);
	u->n = 0;
}

/* Read one file of the report's folder into u; absent: nothing added, 0. Refuses (it->error, LC_ERR_VERIFY)
 * a raw file whose digest is not want, or any file over FILE_UPLOAD_MAX. */
static int read_upload(lc_fleet_item *it, const char *dir, const char *name, const char *kind, const char *want,
		       struct lc_fleet_uploads *u)
{
	if (u->n == FILES_MAX) {
		lc_fleet_reject(it, "more than %s files beside report %s%s", "64", it->report_path, "");
		return LC_ERR_VERIFY;
	}
	char path[4400];
	if (!name[0] || name[0] == '.' || strchr(name, '/') || strlen(name) >= sizeof(u->f[0].name) ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
		lc_fleet_reject(it, "the report names a raw file \"%.200s\" that cannot be a file of its folder%s%s", name, "", "");
		return LC_ERR_VERIFY;
	}
	struct lc_fleet_upload *up = &u->f[u->n];
	lc_diag d;
	int rc = lc_read_file(path, FILE_UPLOAD_MAX, &up->bytes, &up->len, &d);
	if (rc == LC_ERR_NOT_FOUND)
		return 0;
	if (rc < 0) {
		lc_fleet_reject(it, "%s: %s%s", name, lc_diag_message(&d), "");
		return LC_ERR_VERIFY;
	}
	lc_result_sha256_hex(up->bytes, up->len, up->sha);
	if (want && strcmp(want, up->sha) != 0) {
		free(up->bytes);
		lc_fleet_reject(it, "raw file %s is not the one the report signed (its SHA-256 is %s, the report has %s)", name,
		       up->sha, want);
		return LC_ERR_VERIFY;
	}
	snprintf(up->name, sizeof(up->name), "%s", name);
	up->kind = kind;
	u->n++;
	return 0;
}

/* The files to upload with a verified report r: its renderings, and its raw files checked against the
 * digests it signed. LC_ERR_VERIFY (it rejected) when a raw file differs; LC_ERR_NOMEM. */
int lc_fleet_read_uploads(lc_fleet_item *it, const lc_result *r, struct lc_fleet_uploads *u)
{
	char dir[4200];
	const char *slash = it->report_path ? strrchr(it->report_path, '/') : NULL;
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - it->report_path) : 1, slash ? it->report_path : ".");
	int rc = read_upload(it, dir, "report.html", "html", NULL, u);
	if (rc == 0)
		rc = read_upload(it, dir, "report.pdf", "pdf", NULL, u);
	for (size_t i = 0; i < lc_result_raw_count(r) && rc == 0; i++) {
		const lc_result_raw *raw = lc_result_raw_at(r, i);
		rc = read_upload(it, dir, raw->name, "raw", raw->sha256, u);
	}
	if (rc < 0)
		lc_fleet_uploads_free(u);
	return rc;
}

int lc_fleet_queue_uploads(lc_fleet *f, const char *report_sha, const char *station, const struct lc_fleet_uploads *u,
			   int *nq, lc_diag *diag)
{
	for (size_t i = 0; i < u->n; i++) {
		const struct lc_fleet_upload *up = &u->f[i];
		const char *v[] = {report_sha, up->name, up->kind, station, up->sha, up->bytes};
		int lens[] = {0, 0, 0, 0, 0, (int)up->len}, fmts[] = {0, 0, 0, 0, 0, 1};
		int rc = lc_fleet_pipe_send(f,
				   "INSERT INTO lanecert.report_files (report_sha256, name, kind, station, sha256, bytes)"
				   " VALUES ($1, $2, $3, $4, $5, $6)",
				   6, v, lens, fmts, diag);
		if (rc < 0)
			return rc;
		(*nq)++;
	}
	return 0;
}
