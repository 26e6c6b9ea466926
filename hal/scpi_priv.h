/* The SCPI session's state, shared by scpi.c (framing, writes) and scpi_query.c (typed queries, error
 * queue). Private to hal/. Every *_locked function expects the session mutex held. */
#ifndef LC_HAL_SCPI_PRIV_H
#define LC_HAL_SCPI_PRIV_H

#include <pthread.h>

#include "hal/scpi.h"
#include "hal/scpi_parse.h"

struct lc_scpi {
	pthread_mutex_t mu; /* recursive: typed queries and error drains call the plain ones */
	lc_transport *t;
	lc_scpi_options o;
	char resource[LC_RESOURCE_MAX];
	/* input received but not yet framed; in_end: the transport marked a message end at in[in_len - 1] */
	uint8_t *in;
	size_t in_pos, in_len;
	bool in_end;
	bool stale;         /* an abandoned reply may still send bytes: drain before the next write */
	lc_scpi_buf reply;  /* the last framed reply */
	lc_scpi_buf wbuf;   /* scratch for outgoing messages */
	int last_err;
	char detail[LC_DIAG_TEXT_MAX];
	uint64_t abandoned_seen; /* bytes of the last abandoned reply that had arrived */
	bool in_error_check; /* reading the error queue to explain a query (scpi_refusal.c): no recursion */
	/* scpi_refusal.c, byte streams: the instrument's *IDN? answer as this session last read it (the marker
	 * a waiting query sends after itself), whether the reply being read is one, and whether the marker's
	 * answer is still to come after the query's own reply */
	char idn_line[256];
	bool idn_learning, marker_pending;
	/* scpi_refusal.c, transports with stb_before_query or stb_ask: EAV before the query was written (1 set,
	 * 0 clear, -1 not known, -2 asked ahead and not read yet) */
	int eav_before;
	/* scpi_refusal.c, transports with stb_ask: what the session knows of the error queue without asking.
	 * ref: EAV at the last point of reference (a status asked ahead of a query, or the queue read to its
	 * end); clean_since: every message since then was a simple query that was answered (see
	 * lc_scpi_refusal_replied); clean_saved: clean_since before the query being sent. */
	enum { LC_REF_UNKNOWN = 0, LC_REF_CLEAR, LC_REF_SET, LC_REF_ASKED } ref;
	bool clean_since, clean_saved;
};

/* Record a failure as the session's last error; returns code. */
int lc_scpi_fail(lc_scpi *s, int code, const lc_diag *d);
int64_t lc_scpi_deadline(const lc_scpi *s);
int lc_scpi_send_locked(lc_scpi *s, const uint8_t *msg, size_t len, int64_t deadline, lc_diag *d);
int lc_scpi_write_locked(lc_scpi *s, const char *cmd, int64_t deadline, lc_diag *d);
/* Drop what is left of an abandoned reply (device clear where the transport has one, else buffered and
 * already-received input, and again before the next write). */
void lc_scpi_discard_locked(lc_scpi *s);
/* Frame one reply into s->reply (at most max bytes). data_only: a block's data without its header. */
int lc_scpi_read_locked(lc_scpi *s, size_t max, bool data_only, int64_t deadline, bool *is_block, lc_diag *d);

/* Read error-queue entries while *STB? bit 2 is set (at most max_error_drain); up to cap into errs; the
 * count read in all (scpi_query.c). */
int lc_scpi_drain_locked(lc_scpi *s, lc_scpi_error *errs, size_t cap, lc_diag *d);
/* After a query was sent (scpi_refusal.c): on transports that can wait for input and read the status byte
 * out of band, wait for the reply while watching for a refusal; 0 (read the reply) or LC_ERR_INSTRUMENT
 * "the instrument refused 'CMD' (-113 Undefined header)". */
int lc_scpi_refusal_wait(lc_scpi *s, const char *cmd, int64_t deadline, lc_diag *d);
/* Before a query is written: on transports with stb_before_query or stb_ask, note whether an error is
 * already queued (the status byte's EAV), so that refusal_wait never takes it for the query's refusal. */
void lc_scpi_refusal_prepare(lc_scpi *s, const char *cmd);
/* A query timed out (code): read the error queue; a refusal makes it LC_ERR_INSTRUMENT, other errors join
 * the detail. Returns the code to report. */
int lc_scpi_explain_timeout(lc_scpi *s, const char *cmd, int code, lc_diag *d);
/* After a query's reply was read (scpi_refusal.c): read and drop the marker's answer when one is due, and
 * count the query as one that queued no error the session must know of. */
void lc_scpi_refusal_replied(lc_scpi *s);

#endif
