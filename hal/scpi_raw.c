/* Exactly-n-byte replies on an SCPI session (hal/scpi_raw.h). */
#include <string.h>

#include "base/clock.h"
#include "hal/scpi_priv.h"
#include "hal/scpi_raw.h"

static int read_exact_locked(lc_scpi *s, uint8_t *buf, size_t n, int64_t deadline, lc_diag *d)
{
	size_t got = 0;
	/* what an earlier framed read left buffered belongs to this reply */
	if (s->in_pos < s->in_len) {
		size_t k = s->in_len - s->in_pos < n ? s->in_len - s->in_pos : n;
		memcpy(buf, s->in + s->in_pos, k);
		s->in_pos += k;
		got = k;
		if (s->in_pos == s->in_len) {
			if (s->in_end && got < n)
				goto short_read;
			s->in_pos = s->in_len = 0;
			s->in_end = false;
		}
	}
	while (got < n) {
		bool end = false;
		int r = lc_transport_read(s->t, buf + got, n - got, &end, deadline, d);
		if (r < 0) {
			if (got == 0)
				goto failed;
			if (r == LC_ERR_TIMEOUT || r == LC_ERR_CLOSED)
				goto short_read;
			goto failed_with_rest;
		}
		got += (size_t)r;
		if (end && got < n)
			goto short_read;
	}
	return (int)(n > (size_t)INT32_MAX ? INT32_MAX : n);
short_read:
	lc_diag_set(d, LC_ERR_TRUNCATED, "reply ended after %zu of %zu bytes", got, n);
	s->in_pos = s->in_len = 0;
	s->in_end = false;
	s->stale = true; /* the rest of an abandoned reply must not be read as the next one */
	return LC_ERR_TRUNCATED;
failed:
	if (d->code != LC_ERR_CLOSED)
		s->stale = true;
	return d->code;
failed_with_rest:
	s->stale = true;
	return d->code;
}

static int exact(lc_scpi *s, const char *cmd, void *buf, size_t n)
{
	lc_diag d;
	lc_diag_clear(&d);
	if (!s || !buf || n == 0)
		return LC_ERR_ARG;
	lc_scpi_lock(s);
	int64_t deadline = lc_scpi_deadline(s);
	int e = cmd ? lc_scpi_write_locked(s, cmd, deadline, &d) : 0;
	if (e >= 0)
		e = read_exact_locked(s, buf, n, deadline, &d);
	if (e < 0)
		e = lc_scpi_fail(s, e, &d);
	lc_scpi_unlock(s);
	return e;
}

int lc_scpi_query_exact(lc_scpi *s, const char *cmd, void *buf, size_t n)
{
	if (!cmd)
		return LC_ERR_ARG;
	return exact(s, cmd, buf, n);
}

int lc_scpi_read_exact(lc_scpi *s, void *buf, size_t n)
{
	return exact(s, NULL, buf, n);
}
