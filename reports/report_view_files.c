/*
 * The files the views share with the record writer: the public key line a view prints, the plots/ folder
 * beside report.html, and the sub-folders both open. Apart from report_write.c so that the renderer
 * (lanecert-render: report_render_folder.c) links none of the store (sqlite) that lc_report_write() records
 * into: every library mapped into the renderer adds to its peak RSS (issue 22, goal 3).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "reports/report.h"
#include "reports/report_format_priv.h"
#include "reports/sign.h"

void lc_report_public_key_line(const lc_sign_key *key, char *buf, size_t cap)
{
	if (cap)
		buf[0] = 0;
	if (!key || cap == 0)
		return;
	lc_pubkey pub;
	char *text = NULL;
	lc_sign_key_public(key, &pub);
	if (lc_pubkey_format(&pub, &text, NULL) < 0)
		return;
	/* "untrusted comment: ...\nRWQ...\n": the second line is the key. */
	const char *line = strchr(text, '\n');
	if (line) {
		line++;
		size_t n = strcspn(line, "\n");
		if (n < cap) {
			memcpy(buf, line, n);
			buf[n] = 0;
		}
	}
	free(text);
}

/* Open a sub-folder of dirfd, creating it; never through a symlink planted there. */
int lc_report_open_subdir(int dirfd, const char *name, bool create, lc_diag *diag)
{
	if (create && mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return lc_diag_set(diag, errno == EACCES || errno == EROFS ? LC_ERR_PERMISSION : LC_ERR_IO,
				   "cannot create folder %s: %s", name, strerror(errno));
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return lc_diag_set(diag, errno == ELOOP || errno == ENOTDIR ? LC_ERR_BUSY : LC_ERR_IO,
				   "cannot open folder %s%s: %s", name,
				   errno == ELOOP || errno == ENOTDIR ? " (a symlink or a file is in its place)" : "",
				   strerror(errno));
	return fd;
}

int lc_report_write_plots(int dirfd, const lc_plot_set *ps, lc_report_paths *paths, lc_diag *diag)
{
	int rc = 0, pfd = -1;
	for (size_t i = 0; i < ps->n && rc == 0; i++) {
		if (!ps->plots[i].svg) {
			paths->plots_missing++;
			continue;
		}
		if (pfd < 0 && (pfd = lc_report_open_subdir(dirfd, "plots", true, diag)) < 0)
			return pfd;
		char name[64];
		snprintf(name, sizeof(name), "%s.svg", ps->plots[i].name);
		rc = lc_atomic_write_at(pfd, name, ps->plots[i].svg, strlen(ps->plots[i].svg), 0644, LC_ATOMIC_NOREPLACE,
					diag);
		paths->plots_drawn++;
	}
	if (pfd >= 0)
		close(pfd);
	return rc;
}
