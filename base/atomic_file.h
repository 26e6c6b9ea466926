/*
 * Files that appear whole or not at all: the bytes go to a temporary name in the same directory, are
 * fsync'ed, renamed over the final name, and the directory is fsync'ed so that the rename itself survives a
 * power cut. A reader (or a crash) never sees a half-written report.
 *
 * Temporary files are named ".<name>.lctmp-<pid>-<random>" (LC_ATOMIC_TMP_MARK): hidden from globs, and
 * recognisable with their writer's pid, so what a killed writer left can be told from what a live one is
 * writing (lc_atomic_tmp_stale()).
 *
 * Lives in base/ (under every floor) so that station files, SOR files, module dumps and reports share it.
 *
 * Thread safety: reentrant; two writers of the same path race like two rename(2) calls (one wins whole).
 */
#ifndef LC_BASE_ATOMIC_FILE_H
#define LC_BASE_ATOMIC_FILE_H

#include <stddef.h>
#include <sys/types.h>

#include "base/error.h"

enum lc_atomic_flags {
	LC_ATOMIC_REPLACE = 0,   /* an existing file is replaced */
	LC_ATOMIC_NOREPLACE = 1, /* an existing file is kept and LC_ERR_BUSY returned (keys, reports) */
};

#define LC_ATOMIC_TMP_MARK ".lctmp-"

/* Write len bytes to path with the given permission bits (e.g. 0600 for a secret key, applied before any
 * byte is written, so the secret is never readable by others even for an instant). */
int lc_atomic_write(const char *path, const void *data, size_t len, mode_t mode, int flags, lc_diag *diag);

/* The same relative to the open directory dirfd: name must be a plain file name (no '/', not "." or "..").
 * Every name is resolved in dirfd and none follows a symlink (a symlink planted at name is LC_ERR_BUSY with
 * NOREPLACE, and is replaced itself, not its target, with REPLACE). The caller keeps dirfd. Since 0.2. */
int lc_atomic_write_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, int flags,
		       lc_diag *diag);

/* True when name is a temporary of this writer (or of a staging folder using the same mark,
 * ".<name>.lctmp-<pid>-...") whose writer process no longer runs. Since 0.2. */
int lc_atomic_tmp_stale(const char *name);

/* Read a whole file (at most max_len bytes, else LC_ERR_OVERFLOW) into a NUL-terminated malloc'ed buffer. */
int lc_read_file(const char *path, size_t max_len, char **data, size_t *len, lc_diag *diag);

/* mkdir -p with mode for the directories it creates. */
int lc_mkdir_p(const char *path, mode_t mode, lc_diag *diag);

#endif
