/*
 * Microchip MCP2221A HID USB-to-I2C bridge (instrument-dialects §7.2): 64-byte reports, one command then
 * its 64-byte reply (byte 0 echoes the command). 0x10 status/set speed, 0x90 write, 0x94 write without
 * STOP, 0x91 read, 0x93 read with repeated start, 0x40 get the data read. A write-then-read is 0x94 then
 * 0x93 (what the Linux hid-mcp2221 driver does for a register read).
 */
#include "hal/i2c.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

#define MCP_REPORT 64
#define MCP_CHUNK 60 /* data bytes per write report and per 0x40 reply */

/* I2C engine states (byte 8 of 0x10, byte 2 of 0x40) */
#define MCP_ST_ADDR_NACK 0x25
#define MCP_ST_READ_DONE 0x55

struct mcp_priv {
	lc_hid_io io;
	unsigned hz;
};

static int mcp_cmd(struct mcp_priv *m, const uint8_t *req, size_t len, uint8_t *rep, int64_t dl, lc_diag *diag)
{
	uint8_t buf[MCP_REPORT] = {0};
	memcpy(buf, req, len);
	int rc = m->io.write(m->io.ctx, buf, sizeof(buf), dl, diag);
	if (rc < 0)
		return rc;
	/* replies cannot be told apart except by the echoed command: skip any other (stale) report */
	for (;;) {
		int n = m->io.read(m->io.ctx, rep, MCP_REPORT, dl, diag);
		if (n < 0)
			return n;
		if (n >= 4 && rep[0] == req[0])
			return n;
		if (n >= 1 && rep[0] == req[0])
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "mcp2221: reply to 0x%02X of %d bytes", req[0], n);
	}
}

/* Status/set parameters: cancel a stuck transfer when asked, set the clock divider. */
static int mcp_status(struct mcp_priv *m, bool cancel, uint8_t *rep, int64_t dl, lc_diag *diag)
{
	/* divider = 12 MHz / f - 3 (datasheet §3.1.1; 50..400 kHz) */
	unsigned div = 12000000u / m->hz - 3u;
	uint8_t req[5] = {0x10, 0x00, cancel ? 0x10 : 0x00, 0x20, (uint8_t)div};
	return mcp_cmd(m, req, sizeof(req), rep, dl, diag);
}

static int mcp_engine_error(uint8_t st, const lc_i2c_xfer *x, lc_diag *diag)
{
	if (st == MCP_ST_ADDR_NACK)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "mcp2221: address 0x%02X not acknowledged", x->addr);
	if (st == 0x12 || st == 0x62 || st == 0x23 || st == 0x44)
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "mcp2221: I2C engine timeout (state 0x%02X) at 0x%02X", st, x->addr);
	return lc_diag_set(diag, LC_ERR_IO, "mcp2221: I2C engine state 0x%02X at 0x%02X", st, x->addr);
}

static int mcp_write(struct mcp_priv *m, uint8_t cmd, const lc_i2c_xfer *x, int64_t dl, lc_diag *diag)
{
	uint8_t rep[MCP_REPORT];
	for (size_t off = 0; off < x->wlen || off == 0; off += MCP_CHUNK) {
		size_t n = x->wlen - off < MCP_CHUNK ? x->wlen - off : MCP_CHUNK;
		uint8_t req[4 + MCP_CHUNK] = {cmd, (uint8_t)x->wlen, (uint8_t)(x->wlen >> 8), (uint8_t)(x->addr << 1)};
		memcpy(req + 4, x->wbuf + off, n);
		int rc = mcp_cmd(m, req, 4 + n, rep, dl, diag);
		if (rc < 0)
			return rc;
		if (rep[1] != 0)
			return lc_diag_set(diag, LC_ERR_BUSY, "mcp2221: write refused, engine busy (state 0x%02X)", rep[2]);
		if (off + n >= x->wlen)
			break;
	}
	/* a NAK shows only in the status: byte 20 bit 6 is the address NACK */
	for (;;) {
		int rc = mcp_status(m, false, rep, dl, diag);
		if (rc < 0)
			return rc;
		if (rep[20] & 0x40)
			return mcp_engine_error(MCP_ST_ADDR_NACK, x, diag);
		if (rep[8] == 0x00)
			return 0;
		if (rep[8] != 0x01 && rep[8] != 0x21 && rep[8] != 0x41 && rep[8] != 0x45)
			return mcp_engine_error(rep[8], x, diag);
		if (lc_now_ms() >= dl) {
			mcp_status(m, true, rep, lc_deadline_in(100), NULL);
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "mcp2221: write to 0x%02X never completed", x->addr);
		}
		lc_sleep_ms(1);
	}
}

static int mcp_read(struct mcp_priv *m, uint8_t cmd, const lc_i2c_xfer *x, int64_t dl, lc_diag *diag)
{
	uint8_t rep[MCP_REPORT];
	uint8_t req[4] = {cmd, (uint8_t)x->rlen, (uint8_t)(x->rlen >> 8), (uint8_t)(x->addr << 1)};
	int rc = mcp_cmd(m, req, sizeof(req), rep, dl, diag);
	if (rc < 0)
		return rc;
	if (rep[1] != 0)
		return lc_diag_set(diag, LC_ERR_BUSY, "mcp2221: read refused, engine busy (state 0x%02X)", rep[2]);
	size_t got = 0;
	while (got < x->rlen) {
		uint8_t get = 0x40;
		if ((rc = mcp_cmd(m, &get, 1, rep, dl, diag)) < 0)
			return rc;
		uint8_t st = rep[2];
		if (st == MCP_ST_ADDR_NACK || st == 0x12 || st == 0x62 || st == 0x23 || st == 0x44)
			return mcp_engine_error(st, x, diag);
		if (rep[1] != 0 || rep[3] == 127) {
			/* the engine is still reading (or in a state the datasheet lists no error for): poll again */
			if (lc_now_ms() >= dl) {
				mcp_status(m, true, rep, lc_deadline_in(100), NULL);
				return lc_diag_set(diag, LC_ERR_TIMEOUT, "mcp2221: read from 0x%02X never completed", x->addr);
			}
			lc_sleep_ms(1);
			continue;
		}
		size_t n = rep[3];
		if (n > MCP_CHUNK || got + n > x->rlen)
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "mcp2221: data reply claims %zu bytes", n);
		if (n == 0)
			return lc_diag_set(diag, LC_ERR_TRUNCATED, "mcp2221: %zu of %zu bytes from 0x%02X", got, x->rlen,
					   x->addr);
		memcpy(x->rbuf + got, rep + 4, n);
		got += n;
	}
	return 0;
}

static int mcp_transfer(void *p, const lc_i2c_xfer *x, int64_t dl, lc_diag *diag)
{
	struct mcp_priv *m = p;
	int rc;
	if (x->wlen && (rc = mcp_write(m, x->rlen ? 0x94 : 0x90, x, dl, diag)) < 0)
		return rc;
	if (x->rlen)
		return mcp_read(m, x->wlen ? 0x93 : 0x91, x, dl, diag);
	return 0;
}

static void mcp_close(void *p)
{
	struct mcp_priv *m = p;
	if (m->io.close)
		m->io.close(m->io.ctx);
	free(m);
}

static const lc_i2c_ops mcp_ops = {"mcp2221", 65535, mcp_transfer, mcp_close};

int lc_i2c_mcp2221_open_hid(const lc_hid_io *io, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag)
{
	struct mcp_priv *m = calloc(1, sizeof(*m));
	if (!m) {
		if (io->close)
			io->close(io->ctx);
		return lc_diag_set(diag, LC_ERR_NOMEM, "mcp2221: out of memory");
	}
	m->io = *io;
	m->hz = opts && opts->bus_hz ? opts->bus_hz : 100000;
	if (m->hz < 50000 || m->hz > 400000) {
		mcp_close(m);
		return lc_diag_set(diag, LC_ERR_ARG, "mcp2221: %u Hz outside 50..400 kHz", opts->bus_hz);
	}
	uint8_t rep[MCP_REPORT];
	int rc = mcp_status(m, false, rep, lc_deadline_in(opts && opts->timeout_ms > 0 ? opts->timeout_ms : 1000), diag);
	if (rc >= 0 && rep[3] != 0x20) /* the divider is refused while a transfer is stuck: cancel it, then retry */
		rc = mcp_status(m, true, rep, lc_deadline_in(1000), diag);
	if (rc < 0) {
		mcp_close(m);
		return rc;
	}
	return lc_i2c_open_ops(&mcp_ops, m, opts, out, diag);
}
