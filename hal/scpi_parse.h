/*
 * Pure parsers of SCPI replies, over a buffer, with no I/O: the reply framer (where a reply ends: terminator,
 * transport end mark, IEEE 488.2 definite or indefinite block), numbers (NR1/NR2/NR3), booleans, strings,
 * comma-separated lists, SYST:ERR? entries and binary block payloads. The SCPI session is built on them;
 * they are separate so that they can be fuzzed and reused by the simulator's tests.
 *
 * Every function returns 0 / a positive count or a negative LC_ERR_*; a malformed reply is LC_ERR_PROTOCOL
 * with the offset of the offending byte in diag, a value out of range is LC_ERR_OVERFLOW. Numbers are parsed
 * in the "C" locale's format ('.' decimal point) whatever the process locale (SCPI replies always use '.').
 *
 * Thread safety: reentrant; a framer belongs to one thread at a time.
 */
#ifndef LC_HAL_SCPI_PARSE_H
#define LC_HAL_SCPI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "hal/scpi.h"

/* A growing byte buffer. */
typedef struct lc_scpi_buf {
	uint8_t *p;
	size_t len, cap;
} lc_scpi_buf;

/* Make room for extra more bytes. */
int lc_scpi_buf_reserve(lc_scpi_buf *b, size_t extra);
/* Same, growing to exactly len + extra (for sizes known in advance, such as a block's). */
int lc_scpi_buf_reserve_exact(lc_scpi_buf *b, size_t extra);
void lc_scpi_buf_free(lc_scpi_buf *b);

/*
 * The reply framer: fed with received bytes, it stores one reply (terminator and a trailing '\r' stripped,
 * block header kept) into out and says where the reply ends. It never looks at timing or read sizes.
 *   - text: ends at term (or at the transport's end mark);
 *   - "#<1-9><len><data>": ends after exactly len data bytes and the terminator that follows (optionally
 *     "\r\n"), or at the end mark if the transport set one on the last data byte;
 *   - "#0<data>": ends at the transport's end mark (data may contain term), or — on a byte stream, which
 *     has no end mark — at the first term (the only possible framing; documented limitation).
 * With term '\0' on a transport that marks ends, only the end mark ends a reply.
 * Feeding 0 bytes with end set tells the framer the transport marked the end after the bytes already fed.
 * A reply larger than its limit (line_max for text, max for a block) is consumed to its end, not stored, and
 * reported as LC_ERR_OVERFLOW.
 */
typedef struct lc_scpi_framer {
	uint8_t term;
	bool eom_transport; /* the transport marks message ends */
	size_t max;          /* largest block (definite or indefinite) */
	size_t line_max;     /* largest text reply (<= max); init sets it to max */
	/* state */
	int state;
	uint64_t seen;       /* bytes of this reply consumed so far */
	uint64_t block_len;  /* definite block: announced length */
	uint64_t block_left; /* definite block: data bytes still to come */
	int hdr_digits, hdr_got;
	bool overflow, cr;
	size_t data_off;     /* offset of the block data in out (after the header) */
	bool is_block, indefinite;
	bool no_term;        /* term '\0' on an end-marking transport: only the end mark ends a reply */
	bool data_only;      /* set after init: store block data without its header (data_off 0) */
} lc_scpi_framer;

void lc_scpi_framer_init(lc_scpi_framer *f, uint8_t term, bool eom_transport, size_t max);
/* The limit that applies to the reply being framed: max for a block, line_max otherwise. */
size_t lc_scpi_framer_limit(const lc_scpi_framer *f);
/* True once the first byte of the reply has been consumed. */
bool lc_scpi_framer_started(const lc_scpi_framer *f);
/*
 * Feed n bytes; end says the transport marked the end of a message at the last of them. *consumed is set
 * to the bytes used (the rest belong to the next reply). Returns 1 when the reply is complete, 0 when more
 * bytes are needed, or LC_ERR_PROTOCOL / LC_ERR_OVERFLOW / LC_ERR_TRUNCATED (end mark inside a block) /
 * LC_ERR_NOMEM.
 */
int lc_scpi_framer_feed(lc_scpi_framer *f, const uint8_t *in, size_t n, bool end, lc_scpi_buf *out,
			size_t *consumed, lc_diag *diag);
/* Data bytes of a definite block that may be read straight into out (0 when not inside one). */
uint64_t lc_scpi_framer_direct(const lc_scpi_framer *f);
/* Account for n bytes the caller appended to out itself (n <= lc_scpi_framer_direct()). */
void lc_scpi_framer_advance(lc_scpi_framer *f, size_t n);

/* Locate the payload of a complete block reply ("#..." as stored by the framer). Leading whitespace
 * allowed. Returns 0 and the data slice, or LC_ERR_PROTOCOL / LC_ERR_TRUNCATED. */
int lc_scpi_parse_block(const uint8_t *reply, size_t len, size_t *data_off, size_t *data_len, lc_diag *diag);

int lc_scpi_parse_double(const char *s, size_t len, double *value, lc_diag *diag);
/* NR1, or an NR2/NR3 with an integral value ("1.0E+01"). */
int lc_scpi_parse_int(const char *s, size_t len, long long *value, lc_diag *diag);
/* 0/1/ON/OFF, case-insensitive. */
int lc_scpi_parse_bool(const char *s, size_t len, bool *value, lc_diag *diag);
/* A text response (anything but a block) is 7-bit ASCII (IEEE 488.2 8.7): 0 when every byte is printable or a
 * tab, else LC_ERR_PROTOCOL naming the first other byte and its offset — bytes a garbled line put before or
 * inside a reply, which must fail as a protocol error rather than parse into a wrong or partial value.
 * Since 0.3. */
int lc_scpi_check_text(const char *s, size_t len, lc_diag *diag);
/* A string response: "..." or '...' with doubled quotes, or unquoted text (trimmed). Returns its length. */
int lc_scpi_parse_string(const char *s, size_t len, char *out, size_t cap, lc_diag *diag);
/* Comma-separated numbers; *values malloc'ed (NULL when the count is 0). Returns the count. */
int lc_scpi_parse_doubles(const char *s, size_t len, double **values, size_t *count, lc_diag *diag);
/* A SYST:ERR? entry: 0,"No error" / +0,"No error" / +0, No Error / -113,"Undefined header". */
int lc_scpi_parse_error(const char *s, size_t len, lc_scpi_error *err, lc_diag *diag);
/* Decode a block payload of numbers; *values malloc'ed. Returns the count. */
int lc_scpi_block_decode(const uint8_t *data, size_t len, enum lc_block_type type, enum lc_byte_order order,
			 double **values, size_t *count, lc_diag *diag);
/* Size in bytes of one element, 0 for an unknown type. */
size_t lc_scpi_block_type_size(enum lc_block_type type);

#endif
