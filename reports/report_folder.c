/* Report folders under --out: removing a staging folder, and what killed runs left (reports/report.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "reports/report.h"

#define LC_LOG_DOMAIN "report"
#include "base/log.h"

/* name in dirfd: a file is unlinked, a folder emptied (depth levels of sub-folders: a report folder has
 * plots/) and removed. Never follows a symlink: a symlink is removed itself. */
static int remove_entry(int parent, const char *name, int depth)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP ? unlinkat(parent, name, 0) : -1;
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -1;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (depth > 0)
			remove_entry(dirfd(d), e->d_name, depth - 1);
		else
			unlinkat(dirfd(d), e->d_name, 0);
	}
	closedir(d);
	return unlinkat(parent, name, AT_REMOVEDIR);
}

int lc_report_remove_folder(int out_fd, const char *name)
{
	return remove_entry(out_fd, name, 1);
}

int lc_report_clean_stale(int out_fd, lc_diag *diag)
{
	int fd = dup(out_fd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return lc_diag_set(diag, LC_ERR_IO, "cannot list the report folder: %s", strerror(errno));
	}
	int removed = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (!lc_atomic_tmp_stale(e->d_name))
			continue;
		if (remove_entry(out_fd, e->d_name, 2) == 0) {
			lc_info("removed %s, left by a run that was killed", e->d_name);
			removed++;
		} else {
			lc_warn("cannot remove %s, left by a run that was killed: %s", e->d_name, strerror(errno));
		}
	}
	closedir(d);
	return removed;
}
