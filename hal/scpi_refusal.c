/*
 * A query that gets no reply: say why when the instrument can tell (issue 20). An instrument that does not
 * know a header (-113) or refuses a parameter drops the whole program message and sends nothing, so the
 * client would only see its timeout. Two checks:
 *
 *  - while waiting, on transports that can both wait for input without consuming it and read the status
 *    byte out of band (HiSLIP: AsyncStatusQuery; USBTMC: USB488 READ_STATUS_BYTE on the control endpoint
 *    while the REQUEST_DEV_DEP_MSG_IN is pending): after a short grace without a reply, the status byte; its
 *    EAV bit (error queue not empty) without MAV ends the wait at once and the queue is read. EAV counts
 *    only when it was clear before the query was written (an error an earlier command left queued must
 *    not cut a slow valid reply short): USBTMC reads the status byte then, HiSLIP asks for it ahead of
 *    the query when the queue may hold an unknown error (lc_scpi_refusal_prepare). Asking SYST:ERR? on
 *    USBTMC aborts the pending request first (INITIATE_ABORT_BULK_IN, hal/transport_usbtmc.c);
 *  - after a timeout without any byte of the reply, on every transport: the error queue (through the status
 *    byte's bit 2 and SYST:ERR?, each under a short deadline of its own, so a hung instrument costs at most
 *    EXPLAIN_MS more than its timeout). On a byte stream a reply that comes later still is dropped before the
 *    next write as after any timeout; one that comes during this check would be read as its answer and
 *    fail to parse (the check then reports the queue unreadable).
 *
 * On a byte stream (raw socket, serial line) the status byte can only be asked in band, where its answer could not be
 * told from a late reply. The session sends a marker instead: after a grace without a reply (a quarter of the
 * timeout, 1 to 2 s), the
 * *IDN? the instrument already answered on this session. An instrument executes a connection's messages in
 * order, so what comes first tells: a reply to the query arrives before the marker's answer (a slow but valid
 * reply is read as the reply, and the marker's answer dropped after it); the marker's answer first means the
 * query will never be answered, and the error queue says why. No guess is made from timing: only the order
 * of the instrument's own answers counts, and only a session that has seen *IDN? answered sends a marker.
 *
 * Not after an unanswered common query (*IDN?...): such an instrument may not speak IEEE 488.2 at all.
 * A command error (-100..-199) or an execution error (-200..-299) in the queue makes the query
 * LC_ERR_INSTRUMENT "the instrument refused 'CMD' (-113 Undefined header)" when the queue was known empty
 * before the query, else "the instrument's error queue holds -113 Undefined header while 'CMD' waited: it
 * or a command before it was refused"; other errors are added to the timeout's detail. liblxi's VXI-11 only has the check after the timeout: VXI-11 keeps a reply
 * in the instrument until device_read fetches it, and IEEE 488.2 discards such a reply (-410 Query
 * INTERRUPTED) when a new message arrives, so a marker there could destroy a slow valid reply; its
 * out-of-band status byte (device_readstb) is not in liblxi's API.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/scpi_priv.h"

#define LC_LOG_DOMAIN "scpi"
#define GRACE_MS 50
#define POLL_MS 200
#define EXPLAIN_MS 500
#define MARKER_GRACE_MS 1000

static bool refused_code(int code)
{
	return code <= -100 && code >= -299;
}

/* Read the queue under a short deadline; fill errs (cap), return the count, or an error. */
static int read_queue(lc_scpi *s, lc_scpi_error *errs, size_t cap, lc_diag *d)
{
	int saved = s->o.timeout_ms;
	if (s->o.timeout_ms < 0 || s->o.timeout_ms > EXPLAIN_MS)
		s->o.timeout_ms = EXPLAIN_MS;
	s->in_error_check = true;
	int n = lc_scpi_drain_locked(s, errs, cap, d);
	s->in_error_check = false;
	s->o.timeout_ms = saved;
	return n;
}

/* A command or execution error in the queue makes the query LC_ERR_INSTRUMENT. sure: the queue was known
 * empty when the query was sent (the status byte's EAV clear just before it), so the error is the query's
 * own; otherwise it may have been left by any earlier command, and the sentence says only that. */
static int refusal(lc_scpi *s, const char *cmd, const lc_scpi_error *errs, int n, size_t cap, bool sure, lc_diag *d)
{
	for (int i = 0; i < n && (size_t)i < cap; i++) {
		if (!refused_code(errs[i].code))
			continue;
		if (sure)
			lc_diag_set(d, LC_ERR_INSTRUMENT, "the instrument refused '%.80s' (%d %.80s)%s", cmd, errs[i].code,
				    errs[i].text, n > 1 ? " (and more errors in its queue)" : "");
		else
			lc_diag_set(d, LC_ERR_INSTRUMENT, "the instrument's error queue holds %d %.80s while '%.80s' waited: "
				    "it or a command before it was refused%s", errs[i].code, errs[i].text, cmd,
				    n > 1 ? " (and more errors in its queue)" : "");
		lc_info("%s: %s", s->resource, d->text);
		return LC_ERR_INSTRUMENT;
	}
	return 0;
}

/* Whether the buffered input starts with the marker's answer (1), with something else (0), or is a prefix
 * of it so far (-1). The answer may end in CR LF. */
static int marker_at_front(const lc_scpi *s, size_t *len)
{
	size_t want = strlen(s->idn_line), have = s->in_len - s->in_pos;
	const uint8_t *p = s->in + s->in_pos;
	if (memcmp(p, s->idn_line, have < want ? have : want) != 0)
		return 0;
	if (have <= want)
		return -1;
	size_t k = want + (p[want] == '\r');
	if (k >= have)
		return -1;
	if (p[k] != (uint8_t)s->o.read_term)
		return 0;
	*len = k + 1;
	return 1;
}

static int marker_wait(lc_scpi *s, const char *cmd, int64_t deadline, lc_diag *d)
{
	lc_diag tmp;
	/* a quarter of the timeout within MARKER_GRACE_MS..2 x MARKER_GRACE_MS: a reply that is merely slow
	 * rarely sees a marker, a refused query is said within seconds whatever the timeout */
	int grace = s->o.timeout_ms / 4;
	grace = grace < MARKER_GRACE_MS ? MARKER_GRACE_MS : grace > 2 * MARKER_GRACE_MS ? 2 * MARKER_GRACE_MS : grace;
	int64_t until = lc_now_ms() + grace;
	if (lc_transport_wait_readable(s->t, until < deadline ? until : deadline, &tmp) != LC_ERR_TIMEOUT ||
	    lc_now_ms() >= deadline)
		return 0; /* input, or a failure the read will meet and report */
	char msg[16];
	snprintf(msg, sizeof(msg), "*IDN?%s", s->o.write_term);
	lc_spew("%s <- %s (marker after '%s')", s->resource, "*IDN?", cmd);
	if (lc_transport_write(s->t, (const uint8_t *)msg, strlen(msg), deadline, &tmp) < 0)
		return 0;
	s->marker_pending = true;
	size_t len = 0;
	int m;
	while ((m = marker_at_front(s, &len)) < 0) {
		if (s->in_pos > 0) {
			memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
			s->in_len -= s->in_pos;
			s->in_pos = 0;
		}
		bool end = false;
		int n = lc_transport_read(s->t, s->in + s->in_len, sizeof(s->idn_line) + 2, &end, deadline, &tmp);
		if (n < 0)
			return 0; /* the read waits out what is left and reports */
		s->in_len += (size_t)n;
		s->in_end = end;
	}
	if (m == 0)
		return 0; /* the query's reply (or its start): read as usual, the marker's answer follows it */
	s->in_pos += len;
	if (s->in_pos == s->in_len)
		s->in_pos = s->in_len = 0;
	s->marker_pending = false;
	lc_scpi_error errs[4];
	int n = read_queue(s, errs, 4, &tmp);
	if (n > 0 && refusal(s, cmd, errs, n, 4, false, d) < 0)
		return LC_ERR_INSTRUMENT;
	if (n > 0)
		return lc_diag_set(d, LC_ERR_TIMEOUT, "no reply to '%.80s' (the instrument answered the *IDN? sent after "
				   "it); error queue: %d,\"%.60s\"", cmd, errs[0].code, errs[0].text);
	return lc_diag_set(d, LC_ERR_TIMEOUT, "no reply to '%.80s' (the instrument answered the *IDN? sent after it; "
			   "%s)", cmd, n == 0 ? "its error queue is empty" : "its error queue could not be read");
}

static void marker_consume(lc_scpi *s)
{
	if (!s->marker_pending)
		return;
	s->marker_pending = false;
	lc_scpi_buf saved = s->reply;
	memset(&s->reply, 0, sizeof(s->reply));
	lc_diag tmp;
	int n = lc_scpi_read_locked(s, sizeof(s->idn_line), false, lc_now_ms() + EXPLAIN_MS, NULL, &tmp);
	size_t l = n > 0 ? (size_t)n : 0;
	if (l > 0 && s->reply.p[l - 1] == '\r')
		l--;
	bool ok = n >= 0 && l == strlen(s->idn_line) && memcmp(s->reply.p, s->idn_line, l) == 0;
	free(s->reply.p);
	s->reply = saved;
	if (!ok) {
		lc_warn("%s: the answer to the *IDN? sent as a marker did not follow the reply: later input is dropped",
			s->resource);
		s->stale = true;
	}
}

/* Whether refusal_wait will watch the status byte of a query on this session. */
static bool watches_stb(const lc_scpi *s, const lc_transport_ops *ops)
{
	return ops->wait_readable && ops->read_stb && !s->o.errors_without_stb && !s->in_error_check;
}

#define EAV_ASKED (-2) /* s->eav_before: asked ahead of the query (stb_ask), the answer not read yet */

/* The answer to the latest status query asked ahead, when it is there by the deadline (s->ref). */
static void collect_ref(lc_scpi *s, int64_t deadline)
{
	uint8_t stb;
	lc_diag tmp;
	if (s->ref != LC_REF_ASKED)
		return;
	int r = lc_transport_stb_answer(s->t, &stb, deadline, &tmp);
	if (r == 0)
		s->ref = stb & 0x04 ? LC_REF_SET : LC_REF_CLEAR;
	else if (r != LC_ERR_TIMEOUT)
		s->ref = LC_REF_UNKNOWN;
}

/* The answer to the status query asked ahead of this query, when it is there by the deadline: s->eav_before
 * becomes 0 or 1, or -1 when it cannot be read; it stays EAV_ASKED on a timeout. */
static void collect_baseline(lc_scpi *s, int64_t deadline)
{
	if (s->eav_before != EAV_ASKED)
		return;
	collect_ref(s, deadline);
	s->eav_before = s->ref == LC_REF_CLEAR ? 0 : s->ref == LC_REF_SET ? 1 : s->ref == LC_REF_ASKED ? EAV_ASKED : -1;
}

/*
 * The status byte before the query. USBTMC reads it (a control transfer, no round trip on the bus). HiSLIP
 * asks for it ahead of the query (stb_ask: AsyncStatusQuery sent right before the DataEnd, the answer read
 * only when needed), and only when the queue may hold an error the session does not know of: at the
 * start, after any command (a message without a reply), after a compound query ("CMD;Q?") and after a
 * query that got no reply. The queue is known empty, and nothing is asked, after an answer with EAV clear
 * followed only by simple queries that were answered, and after the queue was read to its end. Not known:
 * an error queued by a simple query that still answered (an execution error beside a reply); a later
 * slow query would take that error for its own refusal. An answer not needed is read here, without
 * waiting, when the next query is prepared: a run of answered queries then costs no status query at all.
 */
void lc_scpi_refusal_prepare(lc_scpi *s, const char *cmd)
{
	const lc_transport_ops *ops = lc_transport_get_ops(s->t);
	s->eav_before = -1;
	if (!watches_stb(s, ops))
		return;
	uint8_t stb;
	lc_diag tmp;
	if (ops->stb_ask) {
		collect_ref(s, lc_now_ms() - 1);
		if (s->ref == LC_REF_CLEAR && s->clean_since) {
			s->eav_before = 0;
		} else if (lc_transport_stb_ask(s->t, lc_deadline_in(EXPLAIN_MS), &tmp) == 0) {
			s->ref = LC_REF_ASKED;
			s->clean_since = true;
			s->eav_before = EAV_ASKED;
		} else {
			s->ref = LC_REF_UNKNOWN;
		}
		s->clean_saved = s->clean_since && !strchr(cmd, ';');
		return;
	}
	if (ops->stb_before_query && lc_transport_read_stb(s->t, &stb, lc_deadline_in(EXPLAIN_MS), &tmp) == 0)
		s->eav_before = (stb & 0x04) != 0;
}

int lc_scpi_refusal_wait(lc_scpi *s, const char *cmd, int64_t deadline, lc_diag *d)
{
	const lc_transport_ops *ops = lc_transport_get_ops(s->t);
	s->idn_learning = strcmp(cmd, "*IDN?") == 0;
	if (!ops->wait_readable || s->o.errors_without_stb || s->in_pos < s->in_len || s->in_error_check)
		return 0;
	if (!ops->read_stb)
		return s->idn_line[0] && cmd[0] != '*' && !ops->clear && !lc_transport_has_eom(s->t)
			       ? marker_wait(s, cmd, deadline, d)
			       : 0;
	/* EAV counts only when it was clear before the query: an error queued before it (or a status byte that
	 * could not be read) would make EAV say nothing about this query, which then waits for its reply or the
	 * timeout as without the watch */
	if (s->eav_before != 0 && s->eav_before != EAV_ASKED)
		return 0;
	int slice = GRACE_MS;
	for (;;) {
		/* the last poll period is left to the read, which waits it out and meets the timeout itself
		 * (USBTMC aborts the pending request there) as without the watch */
		if (deadline != INT64_MAX && lc_now_ms() + slice >= deadline)
			return 0;
		int64_t until = lc_now_ms() + slice;
		lc_diag tmp;
		int r = lc_transport_wait_readable(s->t, until, &tmp);
		if (r != LC_ERR_TIMEOUT)
			return 0; /* input (or a failure the read will meet and report) */
		slice = POLL_MS;
		collect_baseline(s, lc_now_ms() + POLL_MS);
		if (s->eav_before == EAV_ASKED)
			continue; /* not answered yet: looked for again after the next slice */
		if (s->eav_before != 0)
			return 0;
		uint8_t stb;
		if (lc_transport_read_stb(s->t, &stb, deadline, &tmp) < 0)
			return 0;
		if ((stb & 0x04) && !(stb & 0x10)) {
			lc_scpi_error errs[4];
			int n = read_queue(s, errs, 4, &tmp);
			if (n > 0 && refusal(s, cmd, errs, n, 4, true, d) < 0)
				return LC_ERR_INSTRUMENT;
			/* USBTMC: asking SYST:ERR? aborted the pending request (a new message ends a query's
			 * wait: -410 on IEEE 488.2 devices), so no reply can come any more; say what the queue held
			 * now, since a read after the timeout would find it empty */
			if (n > 0 && ops->stb_before_query)
				return lc_diag_set(d, LC_ERR_TIMEOUT, "no reply to '%.80s'; error queue: %d,\"%.60s\"%s",
						   cmd, errs[0].code, errs[0].text, n > 1 ? " and more" : "");
		}
	}
}

void lc_scpi_refusal_replied(lc_scpi *s)
{
	if (!s->in_error_check)
		s->clean_since = s->clean_saved;
	marker_consume(s);
}

int lc_scpi_explain_timeout(lc_scpi *s, const char *cmd, int code, lc_diag *d)
{
	char why[LC_DIAG_TEXT_MAX];
	lc_scpi_error errs[4];
	lc_diag q;
	if (s->abandoned_seen > 0)
		return code; /* part of a reply came: the instrument answered, slowly */
	/* an unanswered common query (*IDN? while finding out what is there) says the instrument may not speak
	 * IEEE 488.2 at all (the AQ7260's device messages): asking it for *STB? would be one more unknown line */
	if (cmd[0] == '*')
		return code;
	snprintf(why, sizeof(why), "%s", d->text);
	/* whether the queue was empty before the query (HiSLIP: the answer asked ahead may still be unread) */
	collect_baseline(s, lc_deadline_in(EXPLAIN_MS));
	bool sure = s->eav_before == 0;
	int n = read_queue(s, errs, 4, &q);
	/* on a byte stream a late reply may still come: drop what has arrived before the next write */
	if (!lc_transport_get_ops(s->t)->clear)
		s->stale = true;
	if (n < 0) {
		lc_diag_set(d, code, "%.160s (error queue not readable either: %.80s)", why, q.text);
		return code;
	}
	if (n == 0)
		return code;
	if (refusal(s, cmd, errs, n, 4, sure, d) < 0)
		return LC_ERR_INSTRUMENT;
	lc_diag_set(d, code, "%.150s; error queue: %d,\"%.60s\"%s", why, errs[0].code, errs[0].text,
		    n > 1 ? " and more" : "");
	return code;
}
