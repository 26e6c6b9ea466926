/*
 * Message transports: how bytes reach an instrument. One transport per file (transport_tcp.c,
 * transport_vxi11.c, ...), each with private state per instance and one operations table at the bottom,
 * in the manner of libsigrok's src/scpi/scpi_*.c.
 *
 * Framing is never guessed from timing or from read sizes. A transport that knows where a message ends
 * (USBTMC EOM, VXI-11 END, HiSLIP DataEnd) says so through *end; a byte-stream transport (raw socket,
 * serial) leaves *end false and the SCPI session frames on the terminator or on the IEEE 488.2 block length.
 *
 * All deadlines are absolute milliseconds on the monotonic clock (base/clock.h).
 *
 * Thread safety: one lc_transport is used by one thread at a time (the SCPI session's mutex guarantees it).
 */
#ifndef LC_HAL_TRANSPORT_H
#define LC_HAL_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* lc_serial_settings and lc_transport_opts (what a program opening a session may set) are public. */
#include <lanecert/hal.h>

typedef struct lc_transport_ops {
	const char *name;
	enum lc_resource_kind kind;
	bool marks_end;   /* read() reports message ends through *end (message-based transports) */
	size_t priv_size;
	/* Connect. priv is zeroed, priv_size bytes. */
	int (*open)(void *priv, const lc_resource *res, const lc_transport_opts *opts, int64_t deadline,
		    lc_diag *diag);
	/* Send one whole message (len bytes, terminator included by the caller); returns len or an error. */
	int (*write)(void *priv, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag);
	/* Read what is available, at most cap bytes, waiting until at least one byte or the deadline.
	 * Returns the count (> 0) or an error; *end is set when the transport saw the end of the message. */
	int (*read)(void *priv, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag);
	/* Device clear (VXI-11 device_clear, USBTMC INITIATE_CLEAR, HiSLIP DeviceClear); may be NULL. */
	int (*clear)(void *priv, int64_t deadline, lc_diag *diag);
	/* Status byte without a query (VXI-11 device_readstb, USB488 READ_STATUS_BYTE); may be NULL. */
	int (*read_stb)(void *priv, uint8_t *stb, int64_t deadline, lc_diag *diag);
	void (*close)(void *priv);
	/* Drop input that has already arrived, without waiting (after an abandoned reply on a byte stream).
	 * Returns the number of bytes dropped or an error; may be NULL. */
	int (*drain)(void *priv);
	/* Wait until input is there to read, without consuming it: 1, LC_ERR_TIMEOUT at the deadline, or the
	 * error a read would meet. Only transports that can do it without side effects; may be NULL. */
	int (*wait_readable)(void *priv, int64_t deadline, lc_diag *diag);
	/* The SCPI session reads the status byte (read_stb) before each query it will watch, so that an error
	 * already queued is never taken for that query's refusal (hal/scpi_refusal.c). Costs one status read
	 * per query: set where that is a control transfer (USBTMC), not a network round trip. */
	bool stb_before_query;
	/* The same reading without its cost (HiSLIP): stb_ask sends a status query now, before the query is
	 * written, and does not wait; stb_answer collects its answer later, only when the session needs it (the
	 * answers of earlier asks are read and dropped on the way). stb_answer: 0 with *stb, LC_ERR_TIMEOUT when
	 * it has not come by the deadline (ask again later), LC_ERR_STATE when nothing was asked; may be NULL. */
	int (*stb_ask)(void *priv, int64_t deadline, lc_diag *diag);
	int (*stb_answer)(void *priv, uint8_t *stb, int64_t deadline, lc_diag *diag);
} lc_transport_ops;

typedef struct lc_transport lc_transport;


/* Open the transport for res->kind. Returns LC_ERR_UNSUPPORTED (with a detail) for kinds with none. */
int lc_transport_open(const lc_resource *res, const lc_transport_opts *opts, lc_transport **out, lc_diag *diag);
int lc_transport_write(lc_transport *t, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag);
int lc_transport_read(lc_transport *t, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag);
int lc_transport_clear(lc_transport *t, int64_t deadline, lc_diag *diag);
int lc_transport_read_stb(lc_transport *t, uint8_t *stb, int64_t deadline, lc_diag *diag);
/* ops->stb_ask / ops->stb_answer; LC_ERR_UNSUPPORTED without them. */
int lc_transport_stb_ask(lc_transport *t, int64_t deadline, lc_diag *diag);
int lc_transport_stb_answer(lc_transport *t, uint8_t *stb, int64_t deadline, lc_diag *diag);
/* Drop already-received input without waiting (ops->drain); 0 when the transport has none. */
int lc_transport_drain(lc_transport *t);
/* ops->wait_readable; LC_ERR_UNSUPPORTED without one. */
int lc_transport_wait_readable(lc_transport *t, int64_t deadline, lc_diag *diag);
/* True when the transport itself marks message ends (*end), false for byte streams. */
bool lc_transport_has_eom(const lc_transport *t);
const lc_transport_ops *lc_transport_get_ops(const lc_transport *t);
/* Wrap an already set-up private state (calloc'ed, ops->priv_size bytes) in a transport; it owns priv from
 * then on (also on failure). For a transport's own attach functions (tests, fuzzing). */
int lc_transport_adopt(const lc_transport_ops *ops, void *priv, lc_transport **out);
/* The private state of t when its transport is ops (for a transport's own extra functions), else NULL. */
void *lc_transport_priv_if(lc_transport *t, const lc_transport_ops *ops);
void lc_transport_close(lc_transport *t);

/* The table of transports, one per resource kind; a kind without a transport in this build is absent. */
const lc_transport_ops *lc_transport_find(enum lc_resource_kind kind);

#endif
