/*
 * <lanecert/base.h>: Error codes and detail, logging, clocks and deadlines, abort flags, atomic files, UTF-8 text.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_BASE_H
#define LANECERT_BASE_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lc_version.h"

/* Marks a declaration that liblanecert exports; everything else in the library is hidden. */
#ifndef LC_API
#if defined(__GNUC__) || defined(__clang__)
#define LC_API __attribute__((visibility("default")))
#else
#define LC_API
#endif
#endif

/* ---- base/error.h ---- */
/*
 * lanecert error codes and error detail.
 *
 * Every function of the library returns an int: 0 or a positive count on success, a negative LC_ERR_* on
 * failure. A short read is LC_ERR_TRUNCATED, never partial data returned as success.
 *
 * Functions that can say more than a code take an optional `lc_diag *` (NULL is allowed): on failure it holds
 * the code and a one-line human-readable detail (the instrument's own `-113,"Undefined header"`, the offset of
 * a malformed byte, the bad part of a resource string). On success its contents are unspecified.
 *
 * Thread safety: lc_strerror() and lc_strerror_name() are reentrant; an lc_diag belongs to its caller.
 * This header, log.h and atomic_file.h are the only parts of hal/ that fixtures/ uses.
 */


/* Never renumber: the values are part of the ABI and of the CLI's JSON output. */
enum lc_error {
	LC_OK = 0,
	LC_ERR_ARG = -1,         /* invalid argument or malformed input given by the caller */
	LC_ERR_NOMEM = -2,       /* out of memory */
	LC_ERR_IO = -3,          /* operating-system or transport I/O error (refused, reset, EIO) */
	LC_ERR_TIMEOUT = -4,     /* the deadline passed before the operation completed */
	LC_ERR_TRUNCATED = -5,   /* fewer bytes arrived than the framing announced (short read) */
	LC_ERR_PROTOCOL = -6,    /* the peer broke the protocol: malformed reply, bad header, bad block */
	LC_ERR_INSTRUMENT = -7,  /* the instrument reported an error (error queue, status) */
	LC_ERR_UNSUPPORTED = -8, /* not supported by this transport, driver or build */
	LC_ERR_NOT_FOUND = -9,   /* no such file, resource, driver, role or key */
	LC_ERR_FORMAT = -10,     /* a file or document is malformed (fixture, SOR, JSON, key) */
	LC_ERR_CLOSED = -11,     /* the peer closed the connection between messages */
	LC_ERR_PERMISSION = -12, /* permission denied, or a secret readable by others */
	LC_ERR_VERIFY = -13,     /* a signature or digest does not verify */
	LC_ERR_ABORTED = -14,    /* interrupted by the user (Ctrl-C, SIGTERM) */
	LC_ERR_STATE = -15,      /* not valid in the current state (expired reference, not connected) */
	LC_ERR_OVERFLOW = -16,   /* a reply or value exceeds the configured limit */
	LC_ERR_BUSY = -17,       /* resource in use (lock held, address in use) */
};

#define LC_ERR_MIN LC_ERR_BUSY

/*
 * Short English description of an error code ("timeout").
 *
 * Returns: a static string, never NULL: "success" for 0 and positive values, "unknown error" for a
 * negative code that is not an LC_ERR_*.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_strerror(int code);
/*
 * The enum name of an error code ("LC_ERR_TIMEOUT").
 *
 * Returns: a static string, never NULL: "LC_OK" for 0 and positive values, "LC_ERR_UNKNOWN" for a negative
 * code that is not an LC_ERR_*.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_strerror_name(int code);

#define LC_DIAG_TEXT_MAX 256

typedef struct lc_diag {
	int code;                     /* the LC_ERR_* that was returned */
	char text[LC_DIAG_TEXT_MAX];  /* detail, NUL-terminated, may be empty */
} lc_diag;

/*
 * Clear a diag: code 0, empty text. d may be NULL (nothing happens).
 *
 * Returns: nothing.
 * Thread safety: d belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_diag_clear(lc_diag *d);

/*
 * Record an error in d (which may be NULL): its code, and the detail formatted from fmt (may be NULL: empty
 * detail), made valid UTF-8 (invalid bytes escaped as \xNN) and cut at LC_DIAG_TEXT_MAX - 1 bytes on a
 * character boundary. A failure path reads
 *     return lc_diag_set(diag, LC_ERR_PROTOCOL, "block header: '%c' at offset %zu is not a digit", c, off);
 *
 * Returns: code, unchanged (also when d is NULL).
 * Thread safety: d belongs to the caller.
 * Since: 0.1
 */
LC_API int lc_diag_set(lc_diag *d, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same call, with its result visible to the compiler: callers test `rc < 0` after a helper that returns
 * either 0 with *out set or lc_diag_set(...), and an optimiser that cannot see into lc_diag_set warns that
 * *out may be used uninitialised (gcc -Wmaybe-uninitialized). The code is evaluated once. */
#define lc_diag_set(d, code, ...)                                                                  \
	__extension__({                                                                            \
		int lc_diag_code_ = (code);                                                        \
		(lc_diag_set)((d), lc_diag_code_, __VA_ARGS__);                                    \
		lc_diag_code_;                                                                     \
	})

/*
 * Prefix the detail of d with context formatted from fmt ("station.json: "), keeping its code; an empty
 * detail is first replaced by lc_strerror(d->code). The result is cut at LC_DIAG_TEXT_MAX - 1 bytes, the
 * context first, then as much of the old detail as fits, never splitting a character.
 *
 * Returns: nothing (d NULL: nothing happens). It returns no code on purpose: with d NULL it could not know
 * one, so a failure path prefixes and then returns the code it holds:
 *     if (rc < 0) { lc_diag_prefix(diag, "station.json: "); return rc; }
 * Thread safety: d belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_diag_prefix(lc_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The text to show for d.
 *
 * Returns: d's detail if it has one, else lc_strerror(d->code); "" when d is NULL. Never NULL; the string
 * belongs to d (or is static) and stays valid while d does and is not changed.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_diag_message(const lc_diag *d);

/* ---- base/log.h ---- */
/*
 * Logging. The library never prints: it hands messages to a handler that the application installs.
 * Without a handler nothing is written, unless the environment variable LANECERT_DEBUG is set (to a level
 * name or number), in which case messages at that level and above go to stderr — for debugging a program
 * that did not install a handler.
 *
 * Thread safety: lc_log() may be called from any thread; the handler is called from the logging thread and
 * must be thread-safe itself. Install the handler before starting threads.
 */

enum lc_log_level {
	LC_LOG_SPEW = 0, /* every byte on the wire */
	LC_LOG_DEBUG = 1,
	LC_LOG_INFO = 2,
	LC_LOG_WARN = 3,
	LC_LOG_ERROR = 4,
	LC_LOG_NONE = 5,
};

typedef void (*lc_log_handler)(enum lc_log_level level, const char *domain, const char *message, void *user);

/*
 * Install the log handler (NULL removes it; then nothing is logged unless LANECERT_DEBUG is set, see above).
 * user is passed to every call of handler.
 *
 * Returns: nothing.
 * Thread safety: process-wide and unsynchronised: install the handler before starting threads.
 * Since: 0.1
 */
LC_API void lc_log_set_handler(lc_log_handler handler, void *user);
/*
 * The lowest level passed to the handler (default LC_LOG_WARN; LC_LOG_NONE passes nothing).
 *
 * Returns: nothing.
 * Thread safety: process-wide and unsynchronised: set it before starting threads.
 * Since: 0.1
 */
LC_API void lc_log_set_level(enum lc_log_level level);

/*
 * The process-wide log level (lc_log_set_level()).
 *
 * Returns: the level.
 * Thread safety: process-wide and unsynchronised, like lc_log_set_level().
 * Since: 0.1
 */
LC_API enum lc_log_level lc_log_get_level(void);
/*
 * The name of a level: "spew", "debug", "info", "warn", "error" or "none".
 *
 * Returns: a static string, never NULL: "?" for a value outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_log_level_name(enum lc_log_level level);
/*
 * Parse a level name (case-insensitive, as lc_log_level_name() spells it) or a digit "0".."5".
 *
 * Returns: the level (LC_LOG_SPEW..LC_LOG_NONE), or -1 for NULL, "" or anything else.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_log_level_parse(const char *s);

/*
 * Log a message (formatted into at most 1023 bytes) under domain ("scpi", "tcp" ...): to the handler when
 * one is installed and level is at least the level set, else to stderr when LANECERT_DEBUG names a level
 * (read once, at the first call) and level is at least that.
 *
 * Returns: nothing.
 * Thread safety: may be called from any thread; the handler runs on the calling thread.
 * Since: 0.1
 */
LC_API void lc_log(enum lc_log_level level, const char *domain, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Each source file defines LC_LOG_DOMAIN ("scpi", "tcp", ...) before using these. */
#define lc_spew(...) lc_log(LC_LOG_SPEW, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_dbg(...) lc_log(LC_LOG_DEBUG, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_info(...) lc_log(LC_LOG_INFO, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_warn(...) lc_log(LC_LOG_WARN, LC_LOG_DOMAIN, __VA_ARGS__)
#define lc_err(...) lc_log(LC_LOG_ERROR, LC_LOG_DOMAIN, __VA_ARGS__)

/* ---- base/clock.h ---- */
/*
 * Monotonic time and deadlines. Every blocking operation of the HAL takes an absolute deadline on the
 * monotonic clock (milliseconds), so a message that arrives one byte at a time still ends when the total
 * time is spent, not when each byte's own timeout is.
 */


/*
 * Milliseconds on CLOCK_MONOTONIC (an arbitrary origin: only differences mean anything).
 *
 * Returns: the time in ms.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int64_t lc_now_ms(void);
/*
 * Microseconds on CLOCK_MONOTONIC (the clock of lc_now_ms()).
 *
 * Returns: the time in us.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int64_t lc_now_us(void);

/*
 * A deadline timeout_ms from now, on the lc_now_ms() clock.
 *
 * Returns: lc_now_ms() + timeout_ms; INT64_MAX ("never") for a negative timeout_ms.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int64_t lc_deadline_in(int timeout_ms);

/*
 * Milliseconds left until deadline_ms, for poll().
 *
 * Returns: the time left clamped to [0, INT32_MAX]: 0 once the deadline has passed, INT32_MAX for INT64_MAX.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_deadline_left_ms(int64_t deadline_ms);

/*
 * Sleep for ms milliseconds, resuming after signals (nanosleep on what is left). Not abortable: long waits
 * of the library use lc_wait_ms().
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_sleep_ms(int64_t ms);

/* ---- base/abort.h ---- */
/*
 * Operator abort (Ctrl-C, SIGTERM) as the library's long waits see it.
 *
 * The host owns one flag (an lc_abort_flag, set from its signal handler). The procedure engine *arms* it on
 * the thread that runs a slot while the interruptible part of a procedure runs, and disarms it for cleanup,
 * so a cleanup (lasers off, switches parked) is never cut short. Every long wait of the library — settle
 * sleeps, OTDR and BER polling, ctx:sleep() — sleeps with lc_wait_ms(), which sleeps in slices of at most
 * LC_ABORT_SLICE_MS and returns LC_ERR_ABORTED as soon as the armed flag is set. An instrument command in
 * flight is not cut (that would leave its reply in the session): it ends within its own timeout.
 *
 * The armed flag is per thread because the slots of a run share instruments: slot 1's cleanup must not be
 * interrupted by the abort that slot 2's measurement is still to notice.
 *
 * Thread safety: lc_abort_arm() affects only the calling thread; the flag may be set from a signal handler
 * or any thread at any time. Since 0.1.
 */


/* The host's abort flag: 0 = carry on; anything else = abort. */
typedef volatile sig_atomic_t lc_abort_flag;

/* Longest slice a wait sleeps before it looks at the flag again (milliseconds). */
#define LC_ABORT_SLICE_MS 100

/*
 * Arm flag on the calling thread (NULL disarms).
 *
 * Returns: the flag armed before (NULL if none), so that a caller can put it back (nesting). Never fails.
 * Thread safety: affects only the calling thread.
 * Since: 0.1
 */
LC_API const lc_abort_flag *lc_abort_arm(const lc_abort_flag *flag);

/*
 * The calling thread's armed flag.
 *
 * Returns: the flag, or NULL when none is armed.
 * Thread safety: reads only the calling thread's state.
 * Since: 0.1
 */
LC_API const lc_abort_flag *lc_abort_armed(void);

/*
 * Whether the operator asked to abort, as the calling thread sees it.
 *
 * Returns: true when the calling thread has an armed flag and it is set, else false.
 * Thread safety: reads only the calling thread's state; the flag may be set from a signal handler.
 * Since: 0.1
 */
LC_API bool lc_abort_requested(void);

/*
 * Sleep ms milliseconds (resuming after signals) unless an abort is requested first, looking at the armed
 * flag before sleeping and at least every LC_ABORT_SLICE_MS. ms <= 0 only looks.
 *
 * Returns: 0 after the full sleep; LC_ERR_ABORTED as soon as the armed flag is (or becomes) set.
 * Thread safety: reentrant (the flag is the calling thread's).
 * Since: 0.1
 */
LC_API int lc_wait_ms(int64_t ms);

/* ---- base/atomic_file.h ---- */
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



enum lc_atomic_flags {
	LC_ATOMIC_REPLACE = 0,   /* an existing file is replaced */
	LC_ATOMIC_NOREPLACE = 1, /* an existing file is kept and LC_ERR_BUSY returned (keys, reports) */
};

#define LC_ATOMIC_TMP_MARK ".lctmp-"

/*
 * Write len bytes of data (NULL only when len is 0) to path atomically, with permission bits mode (e.g.
 * 0600 for a secret key, applied before any byte is written, so a secret is never readable by others even
 * for an instant); flags is LC_ATOMIC_REPLACE or LC_ATOMIC_NOREPLACE.
 *
 * Returns: 0 once the file and the rename are on disk (file and directory fsync'ed); LC_ERR_ARG for a
 * path that names no file ("", ending in '/', "." or ".."); LC_ERR_BUSY when path exists and flags is
 * LC_ATOMIC_NOREPLACE (the file is kept); LC_ERR_NOT_FOUND when the directory does not exist;
 * LC_ERR_PERMISSION (EACCES, EPERM, EROFS); LC_ERR_NOMEM; LC_ERR_IO for other system errors. On failure
 * path is unchanged and no temporary file is left, except when the final directory fsync fails (LC_ERR_IO
 * after the rename: the new file is in place but may not survive a power cut).
 * Thread safety: reentrant; two writers of one path race like two rename(2) calls (one wins whole).
 * Since: 0.1
 */
LC_API int lc_atomic_write(const char *path, const void *data, size_t len, mode_t mode, int flags, lc_diag *diag);

/*
 * lc_atomic_write() relative to the open directory dirfd: name must be a plain file name (no '/', not "."
 * or ".."). Every name is resolved in dirfd and none follows a symlink (a symlink planted at name is
 * LC_ERR_BUSY with NOREPLACE, and is replaced itself, not its target, with REPLACE). The caller keeps
 * dirfd.
 *
 * Returns: as lc_atomic_write(); LC_ERR_ARG for a negative dirfd or a name that is not plain.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_atomic_write_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode, int flags,
		       lc_diag *diag);

/*
 * Whether name (a file name, not a path) is a temporary of an atomic writer (or of a staging folder using
 * the same mark, ".<name>.lctmp-<pid>-...") whose writer process no longer runs, so it may be removed.
 *
 * Returns: 1 when it is such a temporary and no process has its pid (kill(pid, 0) gives ESRCH); 0 for any
 * other name, a live writer, or a writer of another user (EPERM: alive).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_atomic_tmp_stale(const char *name);

/*
 * Read a whole file into a malloc'ed, NUL-terminated buffer (the NUL is not counted in *len; the file may
 * hold NUL bytes of its own).
 *
 * Returns: 0 with *data set (the caller frees it with free()) and *len (len may be NULL) the byte count;
 * LC_ERR_ARG when path or data is NULL; LC_ERR_NOT_FOUND, LC_ERR_PERMISSION, LC_ERR_IO when it cannot be
 * opened or read; LC_ERR_OVERFLOW when it holds more than max_len bytes; LC_ERR_NOMEM. Never partial
 * content: on failure *data and *len are unchanged and nothing is allocated.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_read_file(const char *path, size_t max_len, char **data, size_t *len, lc_diag *diag);

/*
 * mkdir -p: create path and its missing parents with mode (existing ones are left as they are).
 *
 * Returns: 0 when path is a directory at the end; LC_ERR_ARG for NULL, "" or a path of PATH_MAX bytes or
 * more; LC_ERR_PERMISSION, LC_ERR_NOT_FOUND, LC_ERR_IO when a component cannot be created (diag names it);
 * LC_ERR_IO when path exists but is not a directory. Directories made before a failure are kept.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_mkdir_p(const char *path, mode_t mode, lc_diag *diag);

/* ---- base/utf8.h ---- */
/*
 * Text that crosses into lanecert from outside (an instrument's reply, a Lua error, a module's EEPROM) is made
 * valid UTF-8 here, at the boundary, so that reasons, reports, the results store and `--json` lines never
 * carry a byte that a JSON writer must refuse.
 *
 * Valid means strict UTF-8 as jansson and SQLite's JSON functions accept it: no NUL, no overlong forms, no
 * surrogates, nothing past U+10FFFF.
 *
 * Thread safety: every function is reentrant. Since 0.1.
 */


/*
 * Whether the n bytes at s are valid UTF-8 (see above) and hold no NUL.
 *
 * Returns: true or false (true for n == 0).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API bool lc_utf8_valid(const char *s, size_t n);

/*
 * The length of the character that starts at s[0] (n bytes available).
 *
 * Returns: 1 to 4 for a valid character; 0 when s[0] does not start one (an invalid byte, a truncated
 * sequence, an overlong form, a surrogate, a NUL) or n is 0.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API size_t lc_utf8_char_len(const char *s, size_t n);

/*
 * Copy n bytes of src into dst (capacity cap) as valid UTF-8: every byte that does not start a valid
 * character is written as the four characters \xNN (uppercase hex). When dst is too small the copy stops
 * before the character or escape that does not fit, so a character is never split. dst is always
 * NUL-terminated when cap >= 1. src and dst must not overlap.
 *
 * Returns: the number of bytes written, without the NUL (0 when cap is 0).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API size_t lc_utf8_escape(char *dst, size_t cap, const char *src, size_t n);

/*
 * snprintf that yields valid UTF-8: the formatted text goes through lc_utf8_escape(), so invalid bytes are
 * escaped and a text too long for buf is cut before the first character that does not fit. buf (cap >= 1)
 * is always NUL-terminated.
 *
 * Returns: the length written (without the NUL); LC_ERR_ARG for cap 0 or a format vsnprintf
 * refuses, LC_ERR_NOMEM — with buf empty when it has room.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_utf8_printf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Shorten the NUL-terminated s in place to at most max bytes, cutting before a character that would be
 * split (s must already be valid UTF-8).
 *
 * Returns: the new length (the old one when it was already at most max).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API size_t lc_utf8_cut(char *s, size_t max);

#endif
