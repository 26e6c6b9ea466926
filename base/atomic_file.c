/* Atomic file creation: temporary name, write, fsync, rename, fsync of the directory. */
#include "base/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
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

/* Split path into its directory (opened for the _at variant) and its last component. */
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

static bool plain_name(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") != 0 && strcmp(name, "..") != 0;
}

/* A new temporary file beside name in dirfd, created exclusively (O_EXCL also refuses a planted symlink). */
static int open_tmp(int dirfd, const char *name, char *tmp, size_t cap)
{
	static const char digits[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char rnd[8];
	for (int attempt = 0; attempt < 100; attempt++) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			for (size_t i = 0; i < sizeof(rnd); i++) /* O_EXCL and the retries keep it unique */
				rnd[i] = (unsigned char)(attempt * 31 + (int)i);
		char suffix[sizeof(rnd) + 1];
		for (size_t i = 0; i < sizeof(rnd); i++)
			suffix[i] = digits[rnd[i] % (sizeof(digits) - 1)];
		suffix[sizeof(rnd)] = 0;
		if ((size_t)snprintf(tmp, cap, ".%s" LC_ATOMIC_TMP_MARK "%ld-%s", name, (long)getpid(), suffix) >= cap) {
			errno = ENAMETOOLONG;
			return -1;
		}
		int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

int lc_atomic_write_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, int flags,
		       lc_diag *diag)
{
	if (dirfd < 0 || !plain_name(name) || (!data && len))
		return lc_diag_set(diag, LC_ERR_ARG, "atomic write: no directory, file name or data");
	char tmp[NAME_MAX + 1];
	struct stat st;
	if ((flags & LC_ATOMIC_NOREPLACE) && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return lc_diag_set(diag, LC_ERR_BUSY, "%s already exists: not overwritten", name);
	int fd = open_tmp(dirfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		return sys_fail(diag, "cannot create a temporary file beside", name);
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
		if (linkat(dirfd, tmp, dirfd, name, 0) < 0) {
			rc = sys_fail(diag, "cannot create", name);
			if (errno == EEXIST)
				rc = lc_diag_set(diag, LC_ERR_BUSY, "%s already exists: not overwritten", name);
			goto fail;
		}
		unlinkat(dirfd, tmp, 0);
	} else if (renameat(dirfd, tmp, dirfd, name) < 0) {
		rc = sys_fail(diag, "cannot rename onto", name);
		goto fail;
	}
	if (fsync(dirfd) < 0)
		return sys_fail(diag, "cannot fsync the directory of", name);
	return 0;
fail:
	unlinkat(dirfd, tmp, 0);
	return rc;
}

int lc_atomic_write(const char *path, const void *data, size_t len, mode_t mode, int flags, lc_diag *diag)
{
	if (!path || (!data && len))
		return lc_diag_set(diag, LC_ERR_ARG, "atomic write: no path or data");
	char dir[PATH_MAX];
	const char *base;
	if (split(path, dir, sizeof(dir), &base) < 0 || !plain_name(base))
		return lc_diag_set(diag, LC_ERR_ARG, "'%s' is not a file path", path);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return sys_fail(diag, "cannot open directory", dir);
	int rc = lc_atomic_write_at(dfd, base, data, len, mode, flags, diag);
	close(dfd);
	if (rc < 0 && diag && !strstr(diag->text, dir)) {
		char detail[LC_DIAG_TEXT_MAX];
		snprintf(detail, sizeof(detail), "%s", diag->text);
		lc_diag_set(diag, rc, "%s (in %s)", detail, dir);
	}
	return rc;
}

int lc_atomic_tmp_stale(const char *name)
{
	const char *mark = name && name[0] == '.' ? strstr(name, LC_ATOMIC_TMP_MARK) : NULL;
	if (!mark)
		return 0;
	char *end;
	long pid = strtol(mark + strlen(LC_ATOMIC_TMP_MARK), &end, 10);
	if (pid <= 0 || *end != '-')
		return 0;
	/* EPERM: the pid runs under another user, so it is alive and its file is not ours to remove. */
	return kill((pid_t)pid, 0) < 0 && errno == ESRCH;
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
			if (!nb) { /* never the part read so far as if it were the file */
				rc = lc_diag_set(diag, LC_ERR_NOMEM, "%s: out of memory", path);
				break;
			}
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
