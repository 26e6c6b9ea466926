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
#ifndef LC_BASE_ERROR_H
#define LC_BASE_ERROR_H

#include <stddef.h>

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

/* Short English description of a code ("timeout"). Never NULL. */
const char *lc_strerror(int code);
/* The enum name of a code ("LC_ERR_TIMEOUT"). Never NULL. */
const char *lc_strerror_name(int code);

#define LC_DIAG_TEXT_MAX 256

typedef struct lc_diag {
	int code;                     /* the LC_ERR_* that was returned */
	char text[LC_DIAG_TEXT_MAX];  /* detail, NUL-terminated, may be empty */
} lc_diag;

/* Clear a diag (code 0, empty text). NULL is allowed. */
void lc_diag_clear(lc_diag *d);

/*
 * Record an error in d (which may be NULL) and return code, so that a failure path reads
 *     return lc_diag_set(diag, LC_ERR_PROTOCOL, "block header: '%c' at offset %zu is not a digit", c, off);
 */
int lc_diag_set(lc_diag *d, int code, const char *fmt, ...)
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

/* Prefix the existing detail with context ("station.json: "), keeping the code. Returns d->code. */
int lc_diag_prefix(lc_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The detail if any, else lc_strerror(code). Never NULL. */
const char *lc_diag_message(const lc_diag *d);

#endif
