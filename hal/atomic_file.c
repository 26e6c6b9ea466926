/* Atomic file creation: temporary name, write, fsync, rename, fsync of the directory. */
#include "hal/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int sys_fail(lc_diag *diag, const char *what, const char *path)
{
	int e = errno;
	int code = (e == EACCES || e == EPERM || e == EROFS) ? LC_ERR_PERMISSION
		   : e == ENOENT                             ? LC_ERR_NOT_FOUND
		   : e == EEXIST                             ? LC_ERR_BUSY
		   : e == ENOMEM                             ? LC_ERR_NOMEM
							     : LC_ERR_IO;
	return lc_diag_set(diag, code, "%s %s: %s", what, path, strerror(e));
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n, len -= (size_t)n;
	}
	return 0;
}

/* Split path into its directory (for the temporary and the directory fsync) and its last component. */
static int split(const char *path, char *dir, size_t dirsz, const char **base)
{
	const char *slash = strrchr(path, '/');
	if (!slash) {
		snprintf(dir, dirsz, ".");
		*base = path;
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= dirsz)
			return -1;
		memcpy(dir, path, n);
		dir[n] = 0;
		*base = slash + 1;
	}
	return **base ? 0 : -1;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int lc_atomic_write(const char *path, const void *data, size_t len, mode_t mode, int flags, lc_diag *diag)
{
	if (!path || (!data && len))
		return lc_diag_set(diag, LC_ERR_ARG, "atomic write: no path or data");
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *base;
	if (split(path, dir, sizeof(dir), &base) < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "'%s' is not a file path", path);
	/* A dot-name so that directory listings and globs (*.json) do not pick up the unfinished file. */
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp-XXXXXX", dir, base) >= sizeof(tmp))
		return lc_diag_set(diag, LC_ERR_ARG, "path too long: %s", path);
	if ((flags & LC_ATOMIC_NOREPLACE) && access(path, F_OK) == 0)
		return lc_diag_set(diag, LC_ERR_BUSY, "%s already exists: not overwritten", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return sys_fail(diag, "cannot create a temporary file beside", path);
	int rc = 0;
	if (fchmod(fd, mode) < 0 || write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		rc = sys_fail(diag, "cannot write", tmp);
		close(fd);
		goto fail;
	}
	if (close(fd) < 0) {
		rc = sys_fail(diag, "cannot close", tmp);
		goto fail;
	}
	if (flags & LC_ATOMIC_NOREPLACE) {
		/* link() fails with EEXIST instead of replacing: the no-replace rename every filesystem offers. */
		if (link(tmp, path) < 0) {
			rc = sys_fail(diag, "cannot create", path);
			if (errno == EEXIST)
				rc = lc_diag_set(diag, LC_ERR_BUSY, "%s already exists: not overwritten", path);
			goto fail;
		}
		unlink(tmp);
	} else if (rename(tmp, path) < 0) {
		rc = sys_fail(diag, "cannot rename onto", path);
		goto fail;
	}
	if (fsync_dir(dir) < 0)
		return sys_fail(diag, "cannot fsync directory", dir);
	return 0;
fail:
	unlink(tmp);
	return rc;
}

int lc_read_file(const char *path, size_t max_len, char **data, size_t *len, lc_diag *diag)
{
	if (!path || !data)
		return lc_diag_set(diag, LC_ERR_ARG, "read: no path");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return sys_fail(diag, "cannot open", path);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int rc = 0;
	while (buf) {
		if (n == cap) {
			if (cap > max_len) {
				rc = lc_diag_set(diag, LC_ERR_OVERFLOW, "%s is larger than %zu bytes", path, max_len);
				break;
			}
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				break;
			buf = nb, cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = sys_fail(diag, "cannot read", path);
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!buf)
		return lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", path);
	if (rc == 0 && n > max_len)
		rc = lc_diag_set(diag, LC_ERR_OVERFLOW, "%s is larger than %zu bytes", path, max_len);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = 0;
	*data = buf;
	if (len)
		*len = n;
	return 0;
}

int lc_mkdir_p(const char *path, mode_t mode, lc_diag *diag)
{
	char buf[PATH_MAX];
	if (!path || !*path || strlen(path) >= sizeof(buf))
		return lc_diag_set(diag, LC_ERR_ARG, "bad directory path");
	strcpy(buf, path);
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == 0) {
			char c = *p;
			*p = 0;
			if (mkdir(buf, mode) < 0 && errno != EEXIST)
				return sys_fail(diag, "cannot create directory", buf);
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return lc_diag_set(diag, LC_ERR_IO, "%s is not a directory", path);
	return 0;
}
