/*
 * <lanecert/hal.h>: The HAL on its own: VISA resource strings, SCPI sessions, I2C adapters, discovery.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_HAL_H
#define LANECERT_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* ---- hal/resource.h ---- */
/*
 * Resource strings in the VISA grammar that PyVISA users already type, parsed to a typed struct and printed
 * back in canonical form.
 *
 *   TCPIP[board]::host::port::SOCKET            raw SCPI socket (port required)
 *   TCPIP[board]::host[::inst0][::INSTR]        VXI-11 (lan device name defaults to inst0)
 *   TCPIP[board]::host::hislipN[,port][::INSTR] HiSLIP (port defaults to 4880)
 *   USB[board]::vid::pid::serial[::intf][::INSTR] USBTMC (interface defaults to 0)
 *   ASRL<path or number>[::INSTR]               serial, e.g. ASRL/dev/ttyUSB0::INSTR, ASRL3::INSTR
 *   I2C::linux::/dev/i2c-N  I2C::cp2112::SERIAL  I2C::mcp2221::SERIAL  I2C::sim::HOST:PORT
 *
 * Keywords are case-insensitive (board defaults to 0); host names, serial numbers and paths keep their case.
 * Canonical form: upper-case keywords, the board number always written, defaults written out, numbers in
 * the form VISA prints them (USB ids as 0x%04X), e.g. "TCPIP0::10.0.0.5::inst0::INSTR".
 *
 * Thread safety: the functions are reentrant; an lc_resource is plain data.
 */



enum lc_resource_kind {
	LC_RES_TCPIP_SOCKET = 1,
	LC_RES_TCPIP_VXI11,
	LC_RES_TCPIP_HISLIP,
	LC_RES_USBTMC,
	LC_RES_ASRL,
	LC_RES_I2C,
};

enum lc_i2c_adapter_kind {
	LC_I2C_LINUX = 1,
	LC_I2C_CP2112,
	LC_I2C_MCP2221,
	LC_I2C_SIM,
};

#define LC_RESOURCE_MAX 512

typedef struct lc_resource {
	enum lc_resource_kind kind;
	unsigned board;
	char host[256];       /* TCPIP: host name or address (IPv6 without brackets); I2C sim: host */
	uint16_t port;        /* SOCKET: port; HISLIP: port (4880 default); I2C sim: port */
	char lan_name[64];    /* VXI-11 device name (inst0, gpib0,5) or HiSLIP name (hislip0) */
	uint16_t vid, pid;    /* USB */
	char serial[128];     /* USB serial number; I2C cp2112/mcp2221 serial (may be empty: first found) */
	unsigned usb_interface;
	char path[256];       /* ASRL device path (/dev/ttyUSB0; ASRL3 means /dev/ttyS3); I2C linux device */
	enum lc_i2c_adapter_kind i2c_adapter;
} lc_resource;

/*
 * Parse the resource string s (grammar above) into out (caller storage).
 *
 * Returns: 0; LC_ERR_ARG for a NULL or malformed string, with diag naming the bad part ("USB: product id 'zz'
 * is not a number"). On failure *out is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_resource_parse(const char *s, lc_resource *out, lc_diag *diag);

/*
 * Print the canonical form of r into buf (cap bytes).
 *
 * Returns: its length; LC_ERR_ARG for a NULL r or buf or an unknown kind; LC_ERR_OVERFLOW when it does not fit
 * in cap (never cut).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_resource_format(const lc_resource *r, char *buf, size_t cap);

/*
 * The name of a resource kind: "SOCKET", "VXI-11", "HiSLIP", "USBTMC", "serial", "I2C".
 *
 * Returns: a static string, never NULL ("?" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_resource_kind_name(enum lc_resource_kind kind);

/* ---- transport options (hal/transport.h) ---- */
/*
 * Options of the transport under a SCPI session (lc_scpi_options.transport): connect timeout, serial line
 * settings, VXI-11 message size. The transports themselves (one per file, an operations table each) are
 * internal to the library; a program reaches an instrument through lc_scpi_open().
 */

enum lc_parity { LC_PARITY_NONE = 0, LC_PARITY_ODD, LC_PARITY_EVEN };
enum lc_flow { LC_FLOW_NONE = 0, LC_FLOW_XONXOFF, LC_FLOW_RTSCTS };

typedef struct lc_serial_settings {
	int baud;              /* 0: the device default from the station file or 9600 */
	int data_bits;         /* 0: 8 */
	enum lc_parity parity;
	int stop_bits;         /* 0: 1 */
	enum lc_flow flow;
} lc_serial_settings;

typedef struct lc_transport_opts {
	int open_timeout_ms;          /* connect / link creation; default 5000 */
	lc_serial_settings serial;    /* ASRL only */
	/* VXI-11 only: largest message sent in one device_write. liblxi sets END on every device_write and
	 * cannot split a message, so a message longer than the link's maxRecvSize (learnt when opening) or
	 * than this cap is refused with LC_ERR_OVERFLOW. 0 (default): the link's maxRecvSize. */
	size_t vxi11_max_send;
} lc_transport_opts;

/*
 * The defaults into opts (caller storage): 5 s to connect, the serial settings of the station or 9600 8N1,
 * VXI-11 messages up to the link's maxRecvSize.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_transport_opts_init(lc_transport_opts *opts);

/* ---- hal/scpi.h ---- */
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
	size_t max_line;          /* largest text reply accepted (numbers, strings, lists), default 1 MiB */
	int max_error_drain;      /* cap on SYST:ERR? reads per drain, default 64 */
	bool errors_without_stb;  /* drain by reading SYST:ERR? until it answers 0, without *STB? first (for
	                             instruments that have the queue but not the IEEE 488.2 status byte) */
	lc_transport_opts transport;
} lc_scpi_options;

typedef struct lc_scpi_error {
	int code;           /* the instrument's SCPI error number, e.g. -113 */
	char text[192];     /* its message, without quotes */
} lc_scpi_error;

/*
 * The defaults into o (caller storage): see the fields of lc_scpi_options.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_scpi_options_init(lc_scpi_options *o);

/*
 * Parse resource (lc_resource_parse()) and open a session on it (lc_scpi_open_resource()). opts may be NULL
 * (the defaults).
 *
 * Returns: as lc_scpi_open_resource(); LC_ERR_ARG also for a NULL out or a malformed resource. On failure
 * *out is NULL (when out is not NULL).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_scpi_open(const char *resource, const lc_scpi_options *opts, lc_scpi **out, lc_diag *diag);

/*
 * Open a session on the parsed resource res with opts (NULL: the defaults): connect the transport, and send
 * *CLS when opts->clear_on_open.
 *
 * Returns: 0 with *out a new session the caller closes with lc_scpi_close(); LC_ERR_ARG for a NULL argument,
 * limits outside 1..INT32_MAX, or no read terminator on a transport without end-of-message marks; the
 * transport's errors (LC_ERR_NOT_FOUND, LC_ERR_TIMEOUT, LC_ERR_IO, LC_ERR_PERMISSION, LC_ERR_BUSY,
 * LC_ERR_UNSUPPORTED ...) with diag prefixed by the resource; LC_ERR_NOMEM. On failure *out is NULL.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_scpi_open_resource(const lc_resource *res, const lc_scpi_options *opts, lc_scpi **out, lc_diag *diag);

/*
 * Close the transport and free s. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use s during or after the call.
 * Since: 0.1
 */
LC_API void lc_scpi_close(lc_scpi *s);

/*
 * The canonical resource string of the session.
 *
 * Returns: a string owned by s, valid until lc_scpi_close().
 * Thread safety: any thread (it never changes).
 * Since: 0.1
 */
LC_API const char *lc_scpi_resource(const lc_scpi *s);

/*
 * Set the time one operation may take (negative: no limit) for the operations that follow.
 *
 * Returns: nothing.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API void lc_scpi_set_timeout(lc_scpi *s, int timeout_ms);

/*
 * The session's operation timeout.
 *
 * Returns: milliseconds (negative: no limit).
 * Thread safety: any thread; a concurrent lc_scpi_set_timeout() gives the old or the new value.
 * Since: 0.1
 */
LC_API int lc_scpi_get_timeout(const lc_scpi *s);

/*
 * Set the budget of *OPC? waits (lc_scpi_wait_opc()).
 *
 * Returns: nothing.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API void lc_scpi_set_opc_timeout(lc_scpi *s, int timeout_ms);

/*
 * Set the session's reply limits (lc_scpi_options.max_line, .max_reply); 0 keeps a limit as it is.
 *
 * Returns: 0; LC_ERR_ARG for a NULL s or a limit above INT32_MAX (nothing changed).
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_set_max_reply(lc_scpi *s, size_t max_line, size_t max_block);

/*
 * Write one command; the write terminator is appended. With check_errors the error queue is read after it
 * (lc_scpi_check_errors()).
 *
 * Returns: 0; LC_ERR_ARG for a NULL s or cmd; the transport's errors (LC_ERR_TIMEOUT, LC_ERR_CLOSED,
 * LC_ERR_IO ...); LC_ERR_INSTRUMENT from the error check. The failure is the session's last error
 * (lc_scpi_last_error()).
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_write(lc_scpi *s, const char *cmd);

/*
 * lc_scpi_write() of the command formatted from fmt (any length).
 *
 * Returns: as lc_scpi_write(); LC_ERR_ARG when fmt cannot be formatted; LC_ERR_NOMEM.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_writef(lc_scpi *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Write cmd followed by the len bytes at data as one definite block: "<cmd> #NLLL<data>", then the terminator.
 *
 * Returns: 0; LC_ERR_ARG for a NULL s or cmd, or NULL data with len > 0; LC_ERR_OVERFLOW for len over 999999999
 * (a 488.2 header has nine digits at most); LC_ERR_NOMEM; the errors of lc_scpi_write().
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_write_block(lc_scpi *s, const char *cmd, const void *data, size_t len);

/*
 * Write cmd and read one text reply into buf (cap bytes, NUL-terminated, the terminator stripped). A reply
 * that does not fit in cap - 1 bytes (or over max_line) is consumed and LC_ERR_OVERFLOW, never cut.
 *
 * Returns: the reply's length; LC_ERR_ARG for a NULL argument or cap 0; LC_ERR_OVERFLOW; LC_ERR_TIMEOUT (the
 * detail says when the instrument's error queue explains it, e.g. an unknown command); LC_ERR_CLOSED,
 * LC_ERR_TRUNCATED, LC_ERR_PROTOCOL and the transport's errors (see "Framing" and "Timeout semantics" above).
 * On failure buf is unspecified.
 * Thread safety: takes the session lock for the whole exchange.
 * Since: 0.1
 */
LC_API int lc_scpi_query(lc_scpi *s, const char *cmd, char *buf, size_t cap);

/*
 * lc_scpi_query() with the reply malloc'd (up to max_reply bytes).
 *
 * Returns: the reply's length (clamped to INT32_MAX) with *reply malloc'd and NUL-terminated (the caller frees
 * it with free()) and *len (when len is not NULL) its exact length; on failure *reply is NULL and the errors
 * are those of lc_scpi_query(), LC_ERR_ARG for a NULL s, cmd or reply, LC_ERR_NOMEM.
 * Thread safety: takes the session lock for the whole exchange.
 * Since: 0.1
 */
LC_API int lc_scpi_query_alloc(lc_scpi *s, const char *cmd, char **reply, size_t *len);

/*
 * Read one text reply without writing (after lc_scpi_write() of a query) into buf (cap bytes, as
 * lc_scpi_query()).
 *
 * Returns: as lc_scpi_query().
 * Thread safety: takes the session lock; between the write and this read another thread's query could take
 * the reply: hold lc_scpi_lock() around both.
 * Since: 0.1
 */
LC_API int lc_scpi_read(lc_scpi *s, char *buf, size_t cap);

/*
 * Query cmd and parse the reply as one number (SCPI NR1/NR2/NR3, also INF/NAN forms instruments send).
 *
 * Returns: 0 with *value set; LC_ERR_ARG for a NULL argument; LC_ERR_PROTOCOL for a reply that is not one number
 * (the detail names the offset); the errors of lc_scpi_query(). On failure *value is unchanged.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_double(lc_scpi *s, const char *cmd, double *value);

/*
 * Query cmd and parse the reply as one integer.
 *
 * Returns: 0 with *value set; LC_ERR_ARG for a NULL argument; LC_ERR_PROTOCOL for a reply that is not one
 * integer; LC_ERR_OVERFLOW for one out of range; the errors of lc_scpi_query(). On failure *value is
 * unchanged.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_int(lc_scpi *s, const char *cmd, long long *value);

/*
 * Query cmd and parse the reply as a boolean: 0/1/ON/OFF.
 *
 * Returns: 0 with *value set; LC_ERR_ARG for a NULL argument; LC_ERR_PROTOCOL for another reply; the errors of
 * lc_scpi_query(). On failure *value is unchanged.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_bool(lc_scpi *s, const char *cmd, bool *value);      /* 0/1/ON/OFF */
/*
 * Query cmd and copy the reply's string into buf (cap bytes, NUL-terminated), its quotes removed and doubled
 * quotes undone.
 *
 * Returns: the string's length; LC_ERR_ARG for a NULL argument or cap 0; LC_ERR_OVERFLOW when it does not fit
 * (never cut); LC_ERR_PROTOCOL for a malformed string; the errors of lc_scpi_query().
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_string(lc_scpi *s, const char *cmd, char *buf, size_t cap); /* quotes removed */
/*
 * Query cmd and parse the reply as comma-separated numbers.
 *
 * Returns: the count (also in *count) with *values malloc'd (the caller frees it with free()); LC_ERR_ARG for
 * a NULL argument; LC_ERR_PROTOCOL for a malformed list; LC_ERR_NOMEM; the errors of lc_scpi_query(). On
 * failure *values is NULL.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_doubles(lc_scpi *s, const char *cmd, double **values, size_t *count);

/*
 * Query cmd whose reply is one IEEE 488.2 block (definite or indefinite, up to max_reply bytes); large blocks
 * are read straight into the buffer handed back (no copy).
 *
 * Returns: the length (clamped to INT32_MAX; *len is exact) with *data malloc'd, never NULL (the caller frees
 * it with free()); LC_ERR_ARG for a NULL argument; LC_ERR_PROTOCOL for a reply that is not a block;
 * LC_ERR_OVERFLOW for a block over max_reply (consumed); LC_ERR_TRUNCATED, LC_ERR_TIMEOUT, LC_ERR_NOMEM and the
 * transport's errors. On failure *data is NULL.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_block(lc_scpi *s, const char *cmd, uint8_t **data, size_t *len);

/*
 * lc_scpi_query_block() into the caller's buffer buf (reused across calls: no allocation, no copy of large
 * blocks). cap must exceed the block length by at least one byte; a longer block is consumed.
 *
 * Returns: the length (clamped to INT32_MAX; *len is exact); LC_ERR_ARG for a NULL argument or cap 0;
 * LC_ERR_OVERFLOW for a block that does not fit; the other errors of lc_scpi_query_block(). On failure buf and
 * *len are unspecified.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_block_into(lc_scpi *s, const char *cmd, void *buf, size_t cap, size_t *len);

/*
 * A block of numbers of the given type and byte order (lc_scpi_query_block()), converted to doubles.
 *
 * Returns: the count (also in *count) with *values malloc'd (the caller frees it with free()); LC_ERR_ARG for a
 * NULL argument or an unknown type; LC_ERR_PROTOCOL for a block whose length is not a whole number of
 * elements; the errors of lc_scpi_query_block(). On failure *values is NULL.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_query_block_values(lc_scpi *s, const char *cmd, enum lc_block_type type, enum lc_byte_order order,
			       double **values, size_t *count);

/*
 * Read the error queue with SYST:ERR? while *STB? bit 2 (error/event queue) is set (or, with
 * errors_without_stb, until SYST:ERR? answers 0), at most max_error_drain entries; the first cap are stored
 * in errs (errs may be NULL with cap 0: read and dropped).
 *
 * Returns: the number of errors read (those beyond cap are counted, not stored); LC_ERR_ARG for a NULL s; the
 * errors of lc_scpi_query() and LC_ERR_PROTOCOL for a malformed SYST:ERR? reply.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_drain_errors(lc_scpi *s, lc_scpi_error *errs, size_t cap);

/*
 * Drain the error queue (lc_scpi_drain_errors()).
 *
 * Returns: 0 when the instrument reported no error; LC_ERR_INSTRUMENT with the first error as the session's
 * last detail ("-113,\"Undefined header\" (and 2 more)"); LC_ERR_ARG for a NULL s; the errors of the drain.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_check_errors(lc_scpi *s);

/*
 * Choose how the error queue is read (see errors_without_stb), once the model is known.
 *
 * Returns: nothing.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API void lc_scpi_set_errors_without_stb(lc_scpi *s, bool without_stb);

/*
 * *OPC? with the session's OPC budget (opc_timeout_ms).
 *
 * Returns: 0 when the instrument answered 1; LC_ERR_PROTOCOL for another answer; LC_ERR_ARG for a NULL s; the
 * errors of lc_scpi_query() (LC_ERR_TIMEOUT when the operation outlasts the budget).
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_wait_opc(lc_scpi *s);

/*
 * Device clear (transport-level where the transport has one) and drop every buffered input byte.
 *
 * Returns: 0; LC_ERR_ARG for a NULL s; the transport's error of the device clear.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_clear(lc_scpi *s);

/*
 * The status byte: a transport-level read where available (USBTMC, VXI-11, HiSLIP), else *STB?.
 *
 * Returns: 0 with *stb set; LC_ERR_ARG for a NULL argument; the errors of lc_scpi_query_int() and the
 * transport's. On failure *stb is unchanged.
 * Thread safety: takes the session lock.
 * Since: 0.1
 */
LC_API int lc_scpi_read_stb(lc_scpi *s, uint8_t *stb);

/*
 * The code of the last failure of this session.
 *
 * Returns: that LC_ERR_* code, 0 when nothing failed yet.
 * Thread safety: read it from the thread that got the error before another thread uses the session (see above).
 * Since: 0.1
 */
LC_API int lc_scpi_last_error(const lc_scpi *s);

/*
 * The detail of the last failure of this session (the instrument's own error text for LC_ERR_INSTRUMENT, the
 * offset of a malformed byte for LC_ERR_PROTOCOL).
 *
 * Returns: a string owned by s, "" when nothing failed; valid until the next operation on s.
 * Thread safety: as lc_scpi_last_error().
 * Since: 0.1
 */
LC_API const char *lc_scpi_last_detail(const lc_scpi *s);

/*
 * Hold the session across several operations (e.g. a query and reading its detail). Recursive: each lock
 * needs its unlock.
 *
 * Returns: nothing.
 * Thread safety: blocks until the session is free.
 * Since: 0.1
 */
LC_API void lc_scpi_lock(lc_scpi *s);

/*
 * Release one lc_scpi_lock().
 *
 * Returns: nothing.
 * Thread safety: from the thread that holds the lock.
 * Since: 0.1
 */
LC_API void lc_scpi_unlock(lc_scpi *s);

/* ---- hal/i2c.h ---- */
/*
 * I2C bus: byte and block transfers at a 7-bit address through one of several adapters.
 *
 *   lc_i2c *bus;
 *   if (lc_i2c_open("I2C::linux::/dev/i2c-3", NULL, &bus, &d) < 0) ... d.text says why
 *   uint8_t id;
 *   lc_i2c_read_reg(bus, 0x50, 0, &id, 1, &d);     // write [0], repeated start, read 1 byte
 *   lc_i2c_close(bus);
 *
 * Adapters (resource forms of hal/resource.h):
 *   I2C::linux::/dev/i2c-N   Linux i2c-dev, one I2C_RDWR ioctl per transfer (hal/i2c_linux.c)
 *   I2C::cp2112::SERIAL      Silicon Labs CP2112 HID bridge, AN495 reports (hal/i2c_cp2112.c)
 *   I2C::mcp2221::SERIAL     Microchip MCP2221A HID bridge, 64-byte reports (hal/i2c_mcp2221.c)
 *   I2C::sim::HOST:PORT      the simulator's I2C service, docs/hal.md "I2C service" (hal/i2c_sim.c)
 * Every adapter does one of three transfers, the only ones the HID bridges can do: a write, a read, or a
 * write followed by a read with a repeated start (no STOP between them), all at the same address.
 *
 * Errors (the same for every adapter, so a module reader does not care which bridge it is behind):
 *   LC_ERR_NOT_FOUND   the address was not acknowledged (no device there)
 *   LC_ERR_IO          a data byte was not acknowledged, or the adapter failed (USB, ioctl)
 *   LC_ERR_BUSY        the bus is held by another master (arbitration lost, SDA stuck, adapter busy)
 *   LC_ERR_TIMEOUT     the transfer did not complete before the deadline (clock stretching, dead bridge)
 *   LC_ERR_TRUNCATED   fewer bytes arrived than requested: never returned as success
 *   LC_ERR_PROTOCOL    the bridge answered with a malformed report
 *   LC_ERR_ARG         address above 0x7F, a length the adapter cannot do (0, or beyond max_transfer)
 *
 * Thread safety: a bus may be shared by threads; each transfer holds the bus's (recursive) mutex. A caller
 * that needs several transfers to be atomic (select a mux channel and a module page, then read) holds
 * lc_i2c_lock() around them. lc_i2c_close() must not race with any other use.
 */



typedef struct lc_i2c lc_i2c;

typedef struct lc_i2c_opts {
	int timeout_ms;   /* per transfer; 0: 1000 */
	unsigned bus_hz;  /* SCL rate for the HID bridges; 0: 100000 (every module supports 100 kHz) */
} lc_i2c_opts;

/*
 * The defaults into o (caller storage): 1 s per transfer, 100 kHz.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_i2c_opts_init(lc_i2c_opts *o);

/* One transfer: write wlen bytes (if any), then read rlen bytes (if any) after a repeated start. */
typedef struct lc_i2c_xfer {
	uint8_t addr;        /* 7-bit */
	const uint8_t *wbuf;
	size_t wlen;
	uint8_t *rbuf;
	size_t rlen;
} lc_i2c_xfer;

/*
 * An adapter: what each bridge implements (and what tests put a device model behind). transfer() does one
 * lc_i2c_xfer before the absolute monotonic deadline (base/clock.h) and returns 0 or a negative LC_ERR_*
 * from the list above. close() frees priv. max_transfer is the longest single read or write (0: 65535).
 */
typedef struct lc_i2c_ops {
	const char *name; /* "linux", "cp2112", "mcp2221", "sim", "model" */
	size_t max_transfer;
	int (*transfer)(void *priv, const lc_i2c_xfer *x, int64_t deadline_ms, lc_diag *diag);
	void (*close)(void *priv);
} lc_i2c_ops;

/*
 * Open a bus from an I2C resource string (hal/resource.h) with its adapter. opts may be NULL (the defaults).
 *
 * Returns: 0 with *out a new bus the caller closes with lc_i2c_close(); LC_ERR_ARG for a malformed or non-I2C
 * resource; the adapter's errors (LC_ERR_NOT_FOUND for no such device, LC_ERR_PERMISSION, LC_ERR_IO,
 * LC_ERR_UNSUPPORTED for an SMBus-only adapter, the simulator's errors); LC_ERR_NOMEM. On failure *out is NULL
 * or unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_i2c_open(const char *resource, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

/*
 * A bus over any adapter (a device model in tests, an adapter of an application). The bus owns priv and calls
 * ops->close(priv) when it is closed, and also when this call fails. ops must stay valid while the bus is.
 *
 * Returns: 0 with *out a new bus the caller closes with lc_i2c_close(); LC_ERR_ARG for a NULL out, ops or
 * ops->transfer; LC_ERR_NOMEM. On failure *out is NULL or unchanged, and priv has been closed.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_i2c_open_ops(const lc_i2c_ops *ops, void *priv, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

/*
 * Close the adapter (ops->close) and free bus. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: must not race with any other use of bus.
 * Since: 0.1
 */
LC_API void lc_i2c_close(lc_i2c *bus);

/*
 * The adapter's name: "linux", "cp2112", "mcp2221", "sim", or what an application's ops name.
 *
 * Returns: a string owned by the adapter (static for the built-in ones); "none" for a NULL bus or a nameless
 * adapter.
 * Thread safety: any thread.
 * Since: 0.1
 */
LC_API const char *lc_i2c_adapter_name(const lc_i2c *bus);

/*
 * Write the len bytes at data to addr (one transfer, STOP at the end).
 *
 * Returns: 0; LC_ERR_ARG for a NULL bus or data, len 0 or above the adapter's max_transfer, an address above
 * 0x7F; the transfer errors listed above (LC_ERR_NOT_FOUND, LC_ERR_IO, LC_ERR_BUSY, LC_ERR_TIMEOUT,
 * LC_ERR_PROTOCOL).
 * Thread safety: holds the bus lock for the transfer.
 * Since: 0.1
 */
LC_API int lc_i2c_write(lc_i2c *bus, uint8_t addr, const uint8_t *data, size_t len, lc_diag *diag);

/*
 * Read len bytes from addr into buf (one transfer).
 *
 * Returns: 0 with all len bytes read; the errors of lc_i2c_write(), and LC_ERR_TRUNCATED when fewer bytes
 * arrived. On failure buf is unspecified.
 * Thread safety: holds the bus lock for the transfer.
 * Since: 0.1
 */
LC_API int lc_i2c_read(lc_i2c *bus, uint8_t addr, uint8_t *buf, size_t len, lc_diag *diag);

/*
 * Write the wlen bytes at w, then read rlen bytes into r after a repeated start (no STOP between), at addr.
 *
 * Returns: 0; LC_ERR_ARG when wlen or rlen is 0; the errors of lc_i2c_read(). On failure r is unspecified.
 * Thread safety: holds the bus lock for the transfer.
 * Since: 0.1
 */
LC_API int lc_i2c_write_read(lc_i2c *bus, uint8_t addr, const uint8_t *w, size_t wlen, uint8_t *r, size_t rlen,
		      lc_diag *diag);

/*
 * Read len bytes from offset reg of an 8-bit-offset device (a module memory): write [reg], repeated start,
 * read.
 *
 * Returns: as lc_i2c_write_read().
 * Thread safety: holds the bus lock for the transfer.
 * Since: 0.1
 */
LC_API int lc_i2c_read_reg(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t *buf, size_t len, lc_diag *diag);

/*
 * Write [reg, data...] (len bytes of data, at most 256) to an 8-bit-offset device.
 *
 * Returns: 0; LC_ERR_ARG for len over 256; the errors of lc_i2c_write().
 * Thread safety: holds the bus lock for the transfer.
 * Since: 0.1
 */
LC_API int lc_i2c_write_reg(lc_i2c *bus, uint8_t addr, uint8_t reg, const uint8_t *data, size_t len, lc_diag *diag);

/*
 * Read one byte from offset reg into *val (lc_i2c_read_reg()).
 *
 * Returns: as lc_i2c_read_reg(); on failure *val is unspecified.
 * Thread safety: holds the bus lock for the transfer.
 * Since: 0.1
 */
LC_API int lc_i2c_read_byte(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t *val, lc_diag *diag);

/*
 * Write one byte val at offset reg (lc_i2c_write_reg()).
 *
 * Returns: as lc_i2c_write_reg().
 * Thread safety: holds the bus lock for the transfer.
 * Since: 0.1
 */
LC_API int lc_i2c_write_byte(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t val, lc_diag *diag);

/*
 * Hold the bus across several transfers (select a mux channel and a module page, then read). Recursive: each
 * lock needs its unlock.
 *
 * Returns: nothing.
 * Thread safety: blocks until the bus is free.
 * Since: 0.1
 */
LC_API void lc_i2c_lock(lc_i2c *bus);

/*
 * Release one lc_i2c_lock().
 *
 * Returns: nothing.
 * Thread safety: from the thread that holds the lock.
 * Since: 0.1
 */
LC_API void lc_i2c_unlock(lc_i2c *bus);

/* ---- adapters (each in its own file) ------------------------------------------------------------------ */

/* Linux i2c-dev. The ioctl is a parameter so tests model the kernel: it gets the fd, I2C_RDWR and a
 * struct i2c_rdwr_ioctl_data *, and returns like ioctl(2) (-1 and errno). NULL: the real ioctl. The bus
 * closes fd. */
typedef int (*lc_i2c_ioctl_fn)(void *ctx, int fd, unsigned long request, void *arg);

/*
 * Open the Linux i2c-dev node at path (/dev/i2c-N) as a bus; the adapter must do plain I2C transfers.
 *
 * Returns: 0 with *out a new bus the caller closes with lc_i2c_close(); LC_ERR_NOT_FOUND, LC_ERR_PERMISSION or
 * LC_ERR_IO when the node cannot be opened (LC_ERR_IO also for a node that is not i2c-dev); LC_ERR_UNSUPPORTED
 * for an SMBus-only adapter; LC_ERR_NOMEM. On failure *out is NULL or unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_i2c_linux_open(const char *path, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

/*
 * A bus over the open i2c-dev descriptor fd, with fn as its ioctl (NULL: the real ioctl; ctx is passed to fn).
 * The bus owns fd: it closes it at lc_i2c_close(), and also when this call fails.
 *
 * Returns: as lc_i2c_open_ops().
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_i2c_linux_open_fd(int fd, lc_i2c_ioctl_fn fn, void *ctx, const lc_i2c_opts *opts, lc_i2c **out,
			 lc_diag *diag);

/* The HID transfer beneath the USB bridges (hidraw on Linux, or a model in tests). Reports start with
 * their report id. read() returns the length of one input report, LC_ERR_TIMEOUT at the deadline. */
typedef struct lc_hid_io {
	int (*write)(void *ctx, const uint8_t *report, size_t len, int64_t deadline_ms, lc_diag *diag);
	int (*read)(void *ctx, uint8_t *buf, size_t cap, int64_t deadline_ms, lc_diag *diag);
	int (*set_feature)(void *ctx, const uint8_t *report, size_t len, lc_diag *diag);
	int (*get_feature)(void *ctx, uint8_t *report, size_t len, lc_diag *diag); /* report[0] = id in */
	void (*close)(void *ctx);
	void *ctx;
} lc_hid_io;

/*
 * Find and open the hidraw node of the USB device vid:pid (serial NULL or "": the first found) and fill *out
 * with its HID transfer (the caller hands it to a bridge, which owns it, or calls out->close(out->ctx)).
 *
 * Returns: 0 with *out filled; LC_ERR_NOT_FOUND when no such device (or no hidraw support) is there;
 * LC_ERR_PERMISSION or LC_ERR_IO when its node cannot be opened; LC_ERR_NOMEM. On failure *out is unspecified
 * and nothing is open.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_hidraw_open(uint16_t vid, uint16_t pid, const char *serial, lc_hid_io *out, lc_diag *diag);

#define LC_CP2112_VID 0x10C4
#define LC_CP2112_PID 0xEA90
#define LC_MCP2221_VID 0x04D8
#define LC_MCP2221_PID 0x00DD
/*
 * A bus over a Silicon Labs CP2112 behind the HID transfer io (copied); the bus owns io and calls io->close at
 * lc_i2c_close(), and also when this call fails. The bridge is configured for opts' SCL rate.
 *
 * io must not be NULL.
 *
 * Returns: 0 with *out a new bus the caller closes with lc_i2c_close(); the errors of configuring the bridge (LC_ERR_IO, LC_ERR_TIMEOUT, LC_ERR_PROTOCOL); LC_ERR_NOMEM. On failure *out
 * is NULL or unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_i2c_cp2112_open_hid(const lc_hid_io *io, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

/*
 * A bus over a Microchip MCP2221A behind the HID transfer io (copied); ownership as
 * lc_i2c_cp2112_open_hid().
 *
 * Returns: as lc_i2c_cp2112_open_hid().
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_i2c_mcp2221_open_hid(const lc_hid_io *io, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

/*
 * A bus over the simulator's I2C service at host:port (docs/hal.md "I2C service"), checked to be that
 * service.
 *
 * Returns: 0 with *out a new bus the caller closes with lc_i2c_close(); the errors of lc_scpi_open() with diag
 * prefixed "i2c sim HOST:PORT: "; the error of its *IDN? query; LC_ERR_PROTOCOL when another instrument
 * answers on that port;
 * LC_ERR_NOMEM. On failure *out is NULL or unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_i2c_sim_open(const char *host, uint16_t port, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

/* ---- hal/discover.h ---- */
/*
 * Discovery of LXI instruments through liblxi: VXI-11 (an RPC GETPORT broadcast on every IPv4 interface,
 * then *IDN? over VXI-11) and mDNS/DNS-SD through Avahi (_lxi, _vxi-11, _scpi-raw, _scpi-telnet, _hislip).
 * Discovery is a convenience: networks that drop broadcasts or run no Avahi find nothing, so stations must
 * also work from a static list of resource strings. USB and serial enumeration: hal/discover_local.h.
 *
 * Thread safety: liblxi reports results through callbacks without a user pointer, so discoveries are
 * serialised by a process-wide mutex; call from any thread.
 */



enum lc_discover_method { LC_DISCOVER_VXI11 = 1, LC_DISCOVER_MDNS = 2 };

typedef struct lc_discovered {
	enum lc_discover_method method;
	char address[64];             /* IP address as liblxi reported it */
	char resource[LC_RESOURCE_MAX]; /* a resource string to open it with, "" if the service has none */
	char service[32];             /* mDNS service type ("scpi-raw", "lxi", ...); "vxi-11" for broadcasts */
	int port;                     /* mDNS: the service's port; VXI-11: 0 */
	char id[256];                 /* VXI-11: the *IDN? reply; mDNS: the service instance name */
} lc_discovered;

/*
 * Run the methods given (a mask of lc_discover_method) for about timeout_ms each (rounded up to whole
 * seconds: liblxi's connect keeps only whole seconds; liblxi waits timeout_ms per interface and per answering
 * host). scanned (may be NULL) receives the interfaces broadcast to, "eth0 (10.0.0.255), ...", cut at
 * scanned_cap (display text): only interfaces that are up and have an IPv4 broadcast address (liblxi
 * dereferences it unchecked). Problems liblxi reported (no Avahi daemon, socket errors) are logged at
 * warning level and collected in diag->text when diag is given, without failing the call.
 *
 * Returns: the count (also in *count) with *found malloc'd (the caller frees it with free(); NULL for 0);
 * LC_ERR_ARG for NULL found or count or a negative timeout_ms (nothing touched); LC_ERR_NOMEM, with *found
 * NULL and *count 0.
 * Thread safety: serialised by a process-wide mutex (see above).
 * Since: 0.1
 */
LC_API int lc_discover_lxi(unsigned methods, int timeout_ms, lc_discovered **found, size_t *count, char *scanned,
		    size_t scanned_cap, lc_diag *diag);

/* ---- hal/discover_local.h ---- */
/*
 * Discovery of instruments on the local buses: USBTMC devices (interface class 0xFE subclass 3) through
 * the USB backend of hal/usb_io.h (libusb unless a test installed another) and serial ports through libserialport (sp_list_ports, with USB VID:PID and strings for
 * USB adapters). Enumeration only: nothing is written to any device here (the CLI asks *IDN? of the
 * USBTMC devices it can open; serial ports are never probed, since their line settings are unknown and
 * an instrument might act on stray bytes).
 *
 * Problems that do not stop the scan (no USB bus, a device that cannot be opened) are reported per entry
 * and summed up in diag->text when diag is given, without failing the call.
 *
 * Thread safety: reentrant (each call has its own libusb context); call from any thread.
 */



typedef struct lc_usb_found {
	char resource[LC_RESOURCE_MAX]; /* "" when the serial number could not be read (see problem) */
	uint16_t vid, pid;
	int bus, address;
	uint8_t interface, protocol;    /* protocol 1: USB488 */
	char serial[128], manufacturer[128], product[128];
	int error;                      /* 0, or why the device could not be opened (LC_ERR_PERMISSION, ...) */
	char problem[160];
} lc_usb_found;

/*
 * The USBTMC interfaces on every USB bus. A device that cannot be opened is listed with its error and problem.
 *
 * Returns: the count (also in *count) with *found malloc'd (the caller frees it with free(); NULL for 0); 0
 * when there is no USB bus (diag says so); LC_ERR_ARG for a NULL argument; LC_ERR_NOMEM and the USB backend's
 * errors. On failure *found is NULL and *count 0.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_discover_usb(lc_usb_found **found, size_t *count, lc_diag *diag);

typedef struct lc_serial_found {
	char resource[LC_RESOURCE_MAX];
	char path[256];
	char description[128];
	const char *transport;          /* "native", "usb", "bluetooth" */
	int vid, pid;                   /* -1 unless a USB adapter */
	char manufacturer[128], product[128], serial[128];
} lc_serial_found;

/*
 * The serial ports libserialport lists (pseudo-terminals are not listed).
 *
 * Returns: the count (also in *count) with *found malloc'd (the caller frees it with free(); NULL for 0); 0
 * when libserialport cannot list (diag says why); LC_ERR_ARG for a NULL argument; LC_ERR_NOMEM. On failure
 * *found is NULL and *count 0.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_discover_serial(lc_serial_found **found, size_t *count, lc_diag *diag);

#endif
