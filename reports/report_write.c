/* lc_report_write(): every file of a report, atomically, then the store record (reports/report.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "base/atomic_file.h"
#include "reports/report.h"
#include "reports/report_format_priv.h"
#include "reports/report_json.h"
#include "reports/result_priv.h"
#include "reports/sign.h"

#define LC_LOG_DOMAIN "report"

/* The formats of reports/report_formats.def, counted at compile time. */
enum {
#define LC_REPORT_RECORD(id) LC_REPORT_FORMAT_INDEX_##id,
#define LC_REPORT_VIEW(id) LC_REPORT_FORMAT_INDEX_##id,
#include "reports/report_formats.def"
#undef LC_REPORT_RECORD
#undef LC_REPORT_VIEW
	LC_REPORT_FORMATS_MAX
};

static int path_in(char *out, const char *dir, const char *name, lc_diag *diag)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "path too long: %s/%s", dir, name);
	return 0;
}

/* Which formats write_all() produced (indexed like its formats table) and which views it adopted, for the
 * paths once the folder's final name is known. */
struct written {
	const lc_report_format *const *formats;
	bool file[LC_REPORT_FORMATS_MAX];
	bool html, pdf; /* adopted from the views folder */
};

/* The views another process rendered (lc_report_render_folder) into the folder views_fd, moved into dirfd:
 * only when they were rendered from exactly the bytes of this report.json (the views folder holds the
 * report.json it rendered), so a view never shows another verdict than the signed record. */
static int adopt_views(int views_fd, int dirfd, const char *json, size_t jlen, const lc_report_options *opt,
		       lc_report_paths *paths, struct written *w, lc_diag *diag)
{
	char *seen = NULL;
	size_t seen_len = 0;
	int fd = openat(views_fd, "report.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC), rc = 0;
	if (fd < 0)
		return lc_diag_set(diag, LC_ERR_STATE, "the report's views were not rendered (no report.json beside them)");
	/* Compared as bytes: one more byte than ours is enough to tell them apart. */
	seen = malloc(jlen + 1);
	if (!seen) {
		close(fd);
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	}
	for (ssize_t n; seen_len < jlen + 1; seen_len += (size_t)n)
		if ((n = read(fd, seen + seen_len, jlen + 1 - seen_len)) <= 0) {
			if (n < 0 && errno == EINTR) {
				n = 0;
				continue;
			}
			if (n < 0)
				rc = lc_diag_set(diag, LC_ERR_IO, "cannot read the views' report.json: %s", strerror(errno));
			break;
		}
	close(fd);
	bool same = rc == 0 && seen_len == jlen && memcmp(seen, json, jlen) == 0;
	free(seen);
	if (rc < 0)
		return rc;
	if (!same)
		return lc_diag_set(diag, LC_ERR_STATE, "the report's views were rendered from another report.json: not used");
	struct stat st;
	if (fstatat(views_fd, "plots", &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!S_ISDIR(st.st_mode))
			return lc_diag_set(diag, LC_ERR_STATE, "the views' plots/ is not a folder");
		int pfd = openat(views_fd, "plots", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *dir = pfd >= 0 ? fdopendir(pfd) : NULL;
		if (!dir) {
			if (pfd >= 0)
				close(pfd);
			return lc_diag_set(diag, LC_ERR_IO, "cannot list the views' plots/: %s", strerror(errno));
		}
		for (struct dirent *e; (e = readdir(dir));)
			if (e->d_name[0] != '.')
				paths->plots_drawn++;
		closedir(dir);
		if (renameat2(views_fd, "plots", dirfd, "plots", RENAME_NOREPLACE) < 0)
			return lc_diag_set(diag, LC_ERR_IO, "cannot move the plots into the report: %s", strerror(errno));
	}
	static const char *const names[] = {LC_REPORT_HTML_FILE, LC_REPORT_PDF_FILE};
	for (int i = 0; i < 2; i++) {
		if (i == 0 ? opt->no_html : opt->no_pdf)
			continue;
		if (renameat2(views_fd, names[i], dirfd, names[i], RENAME_NOREPLACE) < 0)
			return lc_diag_set(diag, errno == ENOENT ? LC_ERR_STATE : LC_ERR_IO, "%s %s: %s", names[i],
					   errno == ENOENT ? "was not rendered" : "cannot be moved into the report",
					   strerror(errno));
		*(i == 0 ? &w->html : &w->pdf) = true;
	}
	return 0;
}

/* Every file of the report into the folder dirfd (relative names only): the raw data, then each format of
 * the table in its order. */
static int write_all(lc_result *r, int dirfd, int views_fd, const lc_sign_key *key, lc_report_paths *paths,
		     const lc_report_options *opt, struct written *w, lc_diag *diag)
{
	int rc;
	if (key) {
		lc_pubkey pub;
		char id[LC_KEY_ID_HEX_LEN + 1];
		lc_sign_key_public(key, &pub);
		lc_pubkey_id(&pub, id);
		if ((rc = lc_result_set_key_id(r, id, diag)) < 0)
			return rc;
	}
	for (size_t i = 0; i < lc_result_raw_count(r); i++) {
		const lc_result_raw *raw = lc_result_raw_at(r, i);
		if (!raw->data)
			continue; /* known by digest only (a result read back from JSON) */
		if ((rc = lc_atomic_write_at(dirfd, raw->name, raw->data, raw->size, 0644, LC_ATOMIC_NOREPLACE, diag)) < 0)
			return rc;
	}
	char *json = NULL;
	size_t jlen = 0;
	if ((rc = lc_report_json(r, &json, &jlen, diag)) < 0)
		return rc;
	lc_result_sha256_hex(json, jlen, paths->sha256);
	lc_report_job job = {.result = r, .json = json, .json_len = jlen, .key = key, .opt = opt, .dirfd = dirfd,
			     .paths = paths};
	for (size_t i = 0; w->formats[i] && rc == 0; i++) {
		const lc_report_format *f = w->formats[i];
		lc_report_bytes b = {0};
		if (f->wanted && !f->wanted(&job))
			continue;
		if ((rc = f->render(&job, &b, diag)) < 0)
			break;
		rc = lc_atomic_write_at(dirfd, f->file, b.data, b.len, 0644, LC_ATOMIC_NOREPLACE, diag);
		free(b.owned);
		w->file[i] = rc == 0;
	}
	if (rc == 0 && views_fd >= 0)
		rc = adopt_views(views_fd, dirfd, json, jlen, opt, paths, w, diag);
	else if (rc == 0 && views_fd == LC_REPORT_VIEWS_MISSING && !(opt->no_html && opt->no_pdf))
		rc = lc_diag_set(diag, LC_ERR_STATE, "the report's views were not rendered");
	lc_plots_free(&job.plots);
	free(json);
	return rc;
}

static int set_paths(lc_report_paths *paths, const char *folder, const struct written *w, lc_diag *diag)
{
	int rc;
	for (size_t i = 0; w->formats[i]; i++) {
		if (w->file[i] && w->formats[i]->path_offset != LC_REPORT_NO_PATH &&
		    (rc = path_in((char *)paths + w->formats[i]->path_offset, folder, w->formats[i]->file, diag)) < 0)
			return rc;
	}
	if (w->html && (rc = path_in(paths->html, folder, LC_REPORT_HTML_FILE, diag)) < 0)
		return rc;
	if (w->pdf && (rc = path_in(paths->pdf, folder, LC_REPORT_PDF_FILE, diag)) < 0)
		return rc;
	return 0;
}

/* Into an existing (or created) folder given by path: refused when it already holds a report. */
static int write_into(const lc_report_format *const *formats, lc_result *r, const char *out_dir,
		      const lc_sign_key *key, lc_report_paths *paths, const lc_report_options *opt, lc_diag *diag)
{
	int rc;
	if ((rc = lc_mkdir_p(out_dir, 0755, diag)) < 0)
		return rc;
	int dfd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return lc_diag_set(diag, LC_ERR_IO, "cannot open %s: %s", out_dir, strerror(errno));
	/* Refused before anything is written: a report directory is written once. */
	struct stat st;
	struct written w = {.formats = formats};
	if (fstatat(dfd, "report.json", &st, AT_SYMLINK_NOFOLLOW) == 0 ||
	    fstatat(dfd, "report.json.minisig", &st, AT_SYMLINK_NOFOLLOW) == 0)
		rc = lc_diag_set(diag, LC_ERR_BUSY, "%s already holds a report: not overwritten", out_dir);
	else
		rc = write_all(r, dfd, -1, key, paths, opt, &w, diag);
	/* Not a report, then: the report files this call wrote go again (a signed report.json must not stay
	 * beside a run the store records as an error). Each was created here (never replacing), so only this
	 * call's own files are removed. */
	for (size_t i = 0; rc < 0 && formats[i]; i++)
		if (w.file[i])
			unlinkat(dfd, formats[i]->file, 0);
	close(dfd);
	if (rc == 0)
		rc = set_paths(paths, out_dir, &w, diag);
	return rc;
}

/* A new folder under out_fd, whole or not at all: written as a hidden staging folder, then renamed to name
 * (name-1 ... name-99 when taken) without replacing anything. */
static int write_new(const lc_report_format *const *formats, int views_fd, lc_result *r, int out_fd,
		     const char *out_label, const char *name, const lc_sign_key *key, lc_report_paths *paths,
		     const lc_report_options *opt, lc_diag *diag)
{
	char stage[NAME_MAX + 1], final[NAME_MAX + 1], folder[PATH_MAX];
	int rc = 0, sfd = -1;
	for (int k = 0; sfd < 0 && k < 100; k++) {
		if ((size_t)snprintf(stage, sizeof(stage), ".%s" LC_ATOMIC_TMP_MARK "%ld-%d", name, (long)getpid(), k) >=
		    sizeof(stage))
			return lc_diag_set(diag, LC_ERR_ARG, "report folder name too long: %s", name);
		if (mkdirat(out_fd, stage, 0755) < 0) {
			if (errno == EEXIST)
				continue;
			return lc_diag_set(diag, errno == EACCES || errno == EROFS ? LC_ERR_PERMISSION : LC_ERR_IO,
					   "cannot create a folder in %s: %s", out_label, strerror(errno));
		}
		if ((sfd = lc_report_open_subdir(out_fd, stage, false, diag)) < 0)
			return sfd;
	}
	if (sfd < 0)
		return lc_diag_set(diag, LC_ERR_BUSY, "no free staging folder name in %s", out_label);
	struct written w = {.formats = formats};
	rc = write_all(r, sfd, views_fd, key, paths, opt, &w, diag);
	close(sfd);
	for (int k = 0; rc == 0; k++) {
		if (k == 100) {
			rc = lc_diag_set(diag, LC_ERR_BUSY, "%s/%s and 99 more names are taken", out_label, name);
			break;
		}
		if (k == 0)
			snprintf(final, sizeof(final), "%s", name);
		else if ((size_t)snprintf(final, sizeof(final), "%s-%d", name, k) >= sizeof(final))
			rc = lc_diag_set(diag, LC_ERR_ARG, "report folder name too long: %s", name);
		if (rc == 0 && renameat2(out_fd, stage, out_fd, final, RENAME_NOREPLACE) == 0)
			break;
		if (rc == 0 && errno != EEXIST)
			rc = lc_diag_set(diag, LC_ERR_IO, "cannot rename the report folder to %s/%s: %s", out_label, final,
					 strerror(errno));
	}
	if (rc < 0) {
		lc_report_remove_folder(out_fd, stage);
		return rc;
	}
	fsync(out_fd);
	if ((rc = path_in(folder, out_label, final, diag)) < 0)
		return rc;
	return set_paths(paths, folder, &w, diag);
}

/* The store record around either writer: begun when the caller has not, completed either way. */
int lc_report_write_with(const lc_report_format *const *formats, int views_fd, lc_result *r, int out_fd,
			 const char *out_label, const char *name, const lc_sign_key *key, lc_report_paths *paths,
			 const lc_report_options *opt, lc_diag *diag)
{
	lc_report_options none = {0};
	if (!opt)
		opt = &none;
	memset(paths, 0, sizeof(*paths));
	int64_t run_id = opt->run_id;
	int rc = 0;
	lc_result_dut d = lc_result_get_dut(r);
	if (opt->store && run_id == 0) {
		lc_store_run_info info = {.serial = d.serial, .cable_type = d.cable_type, .slot = d.slot,
					  .station = lc_result_station_name(r), .operator_name = lc_result_operator(r),
					  .procedure = lc_result_procedure_name(r), .start_ms = lc_result_start_ms(r),
					  .job = lc_result_get_job(r).job, .customer = lc_result_get_job(r).customer,
					  .site = lc_result_get_job(r).site};
		if ((rc = lc_store_begin_run(opt->store, &info, &run_id, diag)) < 0)
			return rc;
	}
	paths->run_id = run_id;
	rc = name ? write_new(formats, views_fd, r, out_fd, out_label, name, key, paths, opt, diag)
		  : write_into(formats, r, out_label, key, paths, opt, diag);
	if (!opt->store)
		return rc;
	/* The run is recorded either way: a report that could not be written is an error of the station. */
	lc_diag sd;
	int64_t end = lc_result_end_ms(r) != LC_TIME_NONE ? lc_result_end_ms(r) : lc_result_wall_ms();
	char reason[1024];
	lc_result_explain(r, reason, sizeof(reason));
	const char *why = reason[0] ? reason : NULL;
	if (rc < 0) {
		snprintf(reason, sizeof(reason), "report not written: %s", lc_diag_message(diag));
		why = reason;
	}
	char abs[PATH_MAX];
	const char *report = rc < 0 ? NULL : realpath(paths->json, abs) ? abs : paths->json;
	int src = lc_store_finish_run(opt->store, run_id, rc < 0 ? LC_VERDICT_ERROR : lc_result_verdict(r), end, report,
				      rc < 0 ? NULL : paths->sha256, why, &sd);
	if (src < 0) {
		lc_err("run %lld not completed in the results store: %s", (long long)run_id, lc_diag_message(&sd));
		/* A run that could not be recorded is an error: its report must not stay a signed verdict, so the
		 * signature written a moment ago is withdrawn (report.json stays, for the record, unsigned). */
		bool withdrawn = paths->sig[0] && unlink(paths->sig) == 0;
		if (withdrawn)
			paths->sig[0] = '\0';
		if (rc == 0)
			rc = lc_diag_set(diag, src, "results store: %s%s", lc_diag_message(&sd),
					 withdrawn ? " (the report's signature was withdrawn)" : "");
	}
	return rc;
}
