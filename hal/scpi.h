/*
 * SCPI sessions over any transport.
 *
 * Explicit write and query (a '?' in the text is never used to guess whether to read), typed queries,
 * IEEE 488.2 definite (#NLLL...) and indefinite (#0...) blocks, the error queue, *OPC? waits.
 *
 * Framing of replies: a reply ends at the read terminator (default '\n'), at the transport's end-of-message
 * mark (USBTMC EOM, VXI-11 END, HiSLIP DataEnd), or — for a block — after exactly the byte count its header
 * announced (a terminator following the block is consumed). Bytes that a byte-stream peer sends after the
 * end of a reply are kept for the next read. A reply larger than the caller's buffer or the session's
 * limit — max_line for a text reply, max_reply for a block (definite or indefinite) — is consumed to its end
 * and reported as LC_ERR_OVERFLOW; it never bleeds into the next reply. Nothing past the limit is stored, so
 * a peer that floods bytes without ever ending its reply costs at most the limit in memory and ends the
 * operation at its deadline with LC_ERR_OVERFLOW (not a timeout: the cause is the size).
 *
 * Timeout semantics: timeout_ms is the total time one operation may take — from the first byte written to
 * the last byte read — not an inactivity timer, so an instrument that trickles a reply one byte a second
 * still times out. On LC_ERR_TIMEOUT, LC_ERR_TRUNCATED or LC_ERR_PROTOCOL in the middle of a reply the
 * session discards what is left of that reply (device clear where the transport has one, else the buffered
 * bytes) so the next query does not read a stale answer. *OPC? waits get opc_timeout_ms instead.
 * On a byte stream (raw socket) "the buffered bytes" are what has arrived by the time of the error and again
 * by the next write; bytes of the abandoned reply that arrive later than that cannot be told from the next
 * reply (a byte stream has no message boundaries) — reconnect if an instrument is known to do that. Over
 * VXI-11 a reply still pending in the instrument is fetched and dropped (liblxi offers no device_clear).
 * A block whose header announces more than the limit is LC_ERR_OVERFLOW at once if its bytes keep coming
 * (they are consumed) and also when they stop coming before the deadline (the rest is then discarded).
 * A close by the peer before the first byte of a reply is LC_ERR_CLOSED, after it LC_ERR_TRUNCATED.
 *
 * Errors: every function returns 0 / a positive count, or a negative LC_ERR_*. lc_scpi_last_error() and
 * lc_scpi_last_detail() describe the last failure of this session (the instrument's own error text for
 * LC_ERR_INSTRUMENT, the offset of a malformed byte for LC_ERR_PROTOCOL).
 *
 * Thread safety: one mutex per session, held for each whole operation, so threads sharing a session never
 * interleave a query's write and read. The last-error detail is per session: read it from the thread that
 * got the error before another thread uses the session, or use lc_scpi_lock()/lc_scpi_unlock() around both.
 */
#ifndef LC_HAL_SCPI_H
#define LC_HAL_SCPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hal/resource.h"
#include "hal/transport.h"

typedef struct lc_scpi lc_scpi;

enum lc_byte_order { LC_BIG_ENDIAN = 0, LC_LITTLE_ENDIAN = 1 };

/* Element types of binary blocks. */
enum lc_block_type { LC_BLOCK_U8 = 1, LC_BLOCK_I16, LC_BLOCK_U16, LC_BLOCK_I32, LC_BLOCK_F32, LC_BLOCK_F64 };

typedef struct lc_scpi_options {
	int timeout_ms;           /* per operation, default 2000; negative: no limit */
	int open_timeout_ms;      /* default 5000 */
	int opc_timeout_ms;       /* budget for *OPC?, default 10000 */
	char write_term[4];       /* appended to every write, default "\n" */
	char read_term;           /* default '\n'; '\0' only with a transport that marks ends */
	bool clear_on_open;       /* send *CLS after connecting */
	bool check_errors;        /* drain the error queue after every write (debugging aid) */
	size_t max_reply;         /* largest block reply (definite or indefinite) accepted, default 256 MiB;
	                             also the ceiling of max_line */
	size_t max_line;          /* largest text reply accepted (numbers, strings, lists), default 1 MiB;
	                             since 0.3 */
	int max_error_drain;      /* cap on SYST:ERR? reads per drain, default 64 */
	bool errors_without_stb;  /* drain by reading SYST:ERR? until it answers 0, without *STB? first (for
	                             instruments that have the queue but not the IEEE 488.2 status byte) */
	lc_transport_opts transport;
} lc_scpi_options;

typedef struct lc_scpi_error {
	int code;           /* the instrument's SCPI error number, e.g. -113 */
	char text[192];     /* its message, without quotes */
} lc_scpi_error;

void lc_scpi_options_init(lc_scpi_options *o);

/* Open a session on a resource string or a parsed resource. opts may be NULL (defaults). */
int lc_scpi_open(const char *resource, const lc_scpi_options *opts, lc_scpi **out, lc_diag *diag);
int lc_scpi_open_resource(const lc_resource *res, const lc_scpi_options *opts, lc_scpi **out, lc_diag *diag);
void lc_scpi_close(lc_scpi *s);

/* Canonical resource string of the session. */
const char *lc_scpi_resource(const lc_scpi *s);
void lc_scpi_set_timeout(lc_scpi *s, int timeout_ms);
int lc_scpi_get_timeout(const lc_scpi *s);
void lc_scpi_set_opc_timeout(lc_scpi *s, int timeout_ms);
/* Set the session's reply limits (lc_scpi_options.max_line, .max_reply); 0 keeps a limit as it is. Returns 0,
 * or LC_ERR_ARG for a limit above INT32_MAX (nothing changed). Thread-safe (takes the session lock). Since 0.3. */
int lc_scpi_set_max_reply(lc_scpi *s, size_t max_line, size_t max_block);

/* Write one command (the write terminator is appended). */
int lc_scpi_write(lc_scpi *s, const char *cmd);
int lc_scpi_writef(lc_scpi *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write cmd followed by data as a definite block: "<cmd> #NLLL<data>". */
int lc_scpi_write_block(lc_scpi *s, const char *cmd, const void *data, size_t len);

/* Write cmd and read one reply into buf (NUL-terminated, terminator stripped). Returns its length. */
int lc_scpi_query(lc_scpi *s, const char *cmd, char *buf, size_t cap);
/* Same, the reply malloc'ed (caller frees). */
int lc_scpi_query_alloc(lc_scpi *s, const char *cmd, char **reply, size_t *len);
/* Read one reply without writing (after lc_scpi_write of a query). */
int lc_scpi_read(lc_scpi *s, char *buf, size_t cap);

/* Typed queries. */
int lc_scpi_query_double(lc_scpi *s, const char *cmd, double *value);
int lc_scpi_query_int(lc_scpi *s, const char *cmd, long long *value);
int lc_scpi_query_bool(lc_scpi *s, const char *cmd, bool *value);      /* 0/1/ON/OFF */
int lc_scpi_query_string(lc_scpi *s, const char *cmd, char *buf, size_t cap); /* quotes removed */
/* Comma-separated numbers; *values malloc'ed (caller frees). Returns the count. */
int lc_scpi_query_doubles(lc_scpi *s, const char *cmd, double **values, size_t *count);

/* A reply that is one IEEE 488.2 block (definite or indefinite); *data malloc'ed (caller frees), never NULL
 * on success. Returns the length (clamped to INT32_MAX; *len is exact). A reply that is not a block is
 * LC_ERR_PROTOCOL. Large blocks are read straight into the buffer handed back (no copy). */
int lc_scpi_query_block(lc_scpi *s, const char *cmd, uint8_t **data, size_t *len);
/* Same, into the caller's buffer (reused across calls: no allocation, no copy of large blocks). cap must
 * exceed the block length by at least one byte; a longer block is consumed and LC_ERR_OVERFLOW. */
int lc_scpi_query_block_into(lc_scpi *s, const char *cmd, void *buf, size_t cap, size_t *len);
/* A block of numbers of the given type and byte order, converted to doubles. */
int lc_scpi_query_block_values(lc_scpi *s, const char *cmd, enum lc_block_type type, enum lc_byte_order order,
			       double **values, size_t *count);

/* Read the error queue with SYST:ERR? while *STB? bit 2 (error/event queue) is set (or, with
 * errors_without_stb, until SYST:ERR? answers 0), at most max_error_drain entries. Returns the number of
 * errors stored in errs (at most cap). */
int lc_scpi_drain_errors(lc_scpi *s, lc_scpi_error *errs, size_t cap);
/* Drain; if the instrument reported any error return LC_ERR_INSTRUMENT with the first as detail. */
int lc_scpi_check_errors(lc_scpi *s);
/* Choose how the error queue is read (see errors_without_stb), once the model is known. Since 0.2. */
void lc_scpi_set_errors_without_stb(lc_scpi *s, bool without_stb);
/* *OPC? with the session's OPC budget. */
int lc_scpi_wait_opc(lc_scpi *s);
/* Device clear (transport-level where available) and drop buffered input. */
int lc_scpi_clear(lc_scpi *s);
/* Status byte: transport-level read where available, else *STB?. */
int lc_scpi_read_stb(lc_scpi *s, uint8_t *stb);

int lc_scpi_last_error(const lc_scpi *s);
const char *lc_scpi_last_detail(const lc_scpi *s);

/* Hold the session across several operations (e.g. a query and reading its detail). Recursive. */
void lc_scpi_lock(lc_scpi *s);
void lc_scpi_unlock(lc_scpi *s);

#endif
