/*
 * Silicon Labs CP2112 HID USB-to-SMBus bridge, per AN495 (instrument-dialects §7.1). Interrupt reports:
 * 0x10 read request, 0x11 write-read request (repeated start, target address 1..16 bytes), 0x12 force
 * read, 0x13 read response, 0x14 write, 0x15/0x16 transfer status request/response, 0x17 cancel. Feature
 * reports: 0x05 version, 0x06 SMBus configuration. Multi-byte fields are big-endian; the address is sent
 * as addr7 << 1.
 */
#include "hal/i2c.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

#define CP_REPORT 64
#define CP_MAX_READ 512   /* AN495: read length 1..512 */
#define CP_MAX_WRITE 61   /* data bytes in one 0x14 report */
#define CP_MAX_TARGET 16  /* write part of a write-read */

struct cp_priv {
	lc_hid_io io;
};

static int cp_send(struct cp_priv *c, const uint8_t *r, size_t len, int64_t dl, lc_diag *diag)
{
	uint8_t buf[CP_REPORT] = {0};
	memcpy(buf, r, len);
	return c->io.write(c->io.ctx, buf, sizeof(buf), dl, diag);
}

/* Read input reports until one with this id (others are stale replies of a cancelled transfer). */
static int cp_recv(struct cp_priv *c, uint8_t id, uint8_t *buf, int64_t dl, lc_diag *diag)
{
	for (;;) {
		int n = c->io.read(c->io.ctx, buf, CP_REPORT, dl, diag);
		if (n < 0)
			return n;
		if (n >= 1 && buf[0] == id) {
			if (n < 4)
				return lc_diag_set(diag, LC_ERR_PROTOCOL, "cp2112: report 0x%02X of %d bytes", id, n);
			return n;
		}
	}
}

static int cp_cancel(struct cp_priv *c)
{
	uint8_t r[2] = {0x17, 0x01};
	return cp_send(c, r, sizeof(r), lc_deadline_in(100), NULL);
}

static int cp_status_error(uint8_t s1, const lc_i2c_xfer *x, lc_diag *diag)
{
	switch (s1) {
	case 0:
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "cp2112: address 0x%02X not acknowledged", x->addr);
	case 1:
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "cp2112: bus timeout at 0x%02X", x->addr);
	case 2:
		return lc_diag_set(diag, LC_ERR_BUSY, "cp2112: arbitration lost at 0x%02X", x->addr);
	case 3:
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "cp2112: read from 0x%02X incomplete", x->addr);
	case 4:
		return lc_diag_set(diag, LC_ERR_IO, "cp2112: write to 0x%02X incomplete", x->addr);
	default:
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "cp2112: error status 0x%02X", s1);
	}
}

/* Poll 0x15/0x16 until the transfer completes; returns the byte count it reports. */
static int cp_wait(struct cp_priv *c, const lc_i2c_xfer *x, int64_t dl, lc_diag *diag)
{
	for (;;) {
		uint8_t req[2] = {0x15, 0x01}, st[CP_REPORT];
		int rc = cp_send(c, req, sizeof(req), dl, diag);
		if (rc >= 0)
			rc = cp_recv(c, 0x16, st, dl, diag);
		if (rc < 0) {
			if (rc == LC_ERR_TIMEOUT)
				cp_cancel(c);
			return rc;
		}
		if (rc < 7)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "cp2112: status report of %d bytes", rc);
		if (st[1] == 2)
			return (st[5] << 8) | st[6];
		if (st[1] == 3)
			return cp_status_error(st[2], x, diag);
		if (st[1] != 0 && st[1] != 1)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "cp2112: transfer status 0x%02X", st[1]);
		if (lc_now_ms() >= dl) {
			cp_cancel(c);
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "cp2112: transfer at 0x%02X never completed", x->addr);
		}
		lc_sleep_ms(1);
	}
}

static int cp_collect(struct cp_priv *c, const lc_i2c_xfer *x, int64_t dl, lc_diag *diag)
{
	uint8_t req[3] = {0x12, (uint8_t)(x->rlen >> 8), (uint8_t)x->rlen};
	int rc = cp_send(c, req, sizeof(req), dl, diag);
	size_t got = 0;
	while (rc >= 0 && got < x->rlen) {
		uint8_t r[CP_REPORT];
		if ((rc = cp_recv(c, 0x13, r, dl, diag)) < 0)
			break;
		if (r[1] == 3)
			return cp_status_error(0x03, x, diag);
		size_t n = r[2];
		if (n > (size_t)rc - 3 || n > CP_REPORT - 3)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "cp2112: read response claims %zu bytes", n);
		if (n == 0 && r[1] == 2)
			break; /* complete, nothing more will come */
		if (got + n > x->rlen)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "cp2112: %zu bytes more than the %zu asked", got + n - x->rlen,
					   x->rlen);
		memcpy(x->rbuf + got, r + 3, n);
		got += n;
	}
	if (rc < 0)
		return rc;
	if (got < x->rlen)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "cp2112: %zu of %zu bytes from 0x%02X", got, x->rlen, x->addr);
	return 0;
}

static int cp_transfer(void *p, const lc_i2c_xfer *x, int64_t dl, lc_diag *diag)
{
	struct cp_priv *c = p;
	uint8_t r[CP_REPORT];
	int rc;
	if (x->wlen && x->rlen) {
		if (x->wlen > CP_MAX_TARGET)
			return lc_diag_set(diag, LC_ERR_ARG, "cp2112: write-read writes at most %d bytes", CP_MAX_TARGET);
		r[0] = 0x11;
		r[1] = (uint8_t)(x->addr << 1);
		r[2] = (uint8_t)(x->rlen >> 8);
		r[3] = (uint8_t)x->rlen;
		r[4] = (uint8_t)x->wlen;
		memcpy(r + 5, x->wbuf, x->wlen);
		rc = cp_send(c, r, 5 + x->wlen, dl, diag);
	} else if (x->rlen) {
		r[0] = 0x10;
		r[1] = (uint8_t)(x->addr << 1);
		r[2] = (uint8_t)(x->rlen >> 8);
		r[3] = (uint8_t)x->rlen;
		rc = cp_send(c, r, 4, dl, diag);
	} else {
		if (x->wlen > CP_MAX_WRITE)
			return lc_diag_set(diag, LC_ERR_ARG, "cp2112: a write carries at most %d bytes", CP_MAX_WRITE);
		r[0] = 0x14;
		r[1] = (uint8_t)(x->addr << 1);
		r[2] = (uint8_t)x->wlen;
		memcpy(r + 3, x->wbuf, x->wlen);
		rc = cp_send(c, r, 3 + x->wlen, dl, diag);
	}
	if (rc < 0)
		return rc;
	int done = cp_wait(c, x, dl, diag);
	if (done < 0)
		return done;
	if (!x->rlen)
		return 0;
	if ((size_t)done < x->rlen)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "cp2112: %d of %zu bytes from 0x%02X", done, x->rlen, x->addr);
	return cp_collect(c, x, dl, diag);
}

static void cp_close(void *p)
{
	struct cp_priv *c = p;
	if (c->io.close)
		c->io.close(c->io.ctx);
	free(c);
}

static const lc_i2c_ops cp_ops = {"cp2112", CP_MAX_READ, cp_transfer, cp_close};

int lc_i2c_cp2112_open_hid(const lc_hid_io *io, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag)
{
	struct cp_priv *c = calloc(1, sizeof(*c));
	if (!c) {
		if (io->close)
			io->close(io->ctx);
		return lc_diag_set(diag, LC_ERR_NOMEM, "cp2112: out of memory");
	}
	c->io = *io;
	uint8_t ver[3] = {0x05};
	int rc = io->get_feature(io->ctx, ver, sizeof(ver), diag);
	/* AN495: device version 1 cannot hold the repeated start of a write-read; module memory needs it */
	if (rc >= 0 && ver[2] < 2)
		rc = lc_diag_set(diag, LC_ERR_UNSUPPORTED, "cp2112: device version %u has no repeated start", ver[2]);
	lc_i2c_opts eff;
	lc_i2c_opts_init(&eff);
	if (opts && opts->bus_hz)
		eff.bus_hz = opts->bus_hz;
	if (rc >= 0) {
		/* [06][clock be32][own addr][auto send read][write timeout be16][read timeout be16][scl low][retries be16] */
		uint8_t cfg[14] = {0x06, (uint8_t)(eff.bus_hz >> 24), (uint8_t)(eff.bus_hz >> 16), (uint8_t)(eff.bus_hz >> 8),
				   (uint8_t)eff.bus_hz, 0x02, 0x00, 0x00, 0x64, 0x00, 0x64, 0x01, 0x00, 0x00};
		rc = io->set_feature(io->ctx, cfg, sizeof(cfg), diag);
	}
	if (rc < 0) {
		cp_close(c);
		return rc;
	}
	return lc_i2c_open_ops(&cp_ops, c, opts, out, diag);
}
