/*
 * Adapter for the simulator's I2C service (sim/net/i2c_service.c), protocol in docs/hal.md:
 * one SCPI query per transfer on a raw socket,
 *     I2C:XFER? <addr>,<rlen>[,"<write bytes in hex>"]
 * answered by a definite block: one status byte (0 done, 1 address NAK, 2 data NAK, 3 arbitration lost,
 * 4 clock stretched past the limit) followed, when the status is 0, by exactly rlen bytes.
 * Text framing with a block reply keeps the service on the simulator's ordinary SCPI endpoints and lets a
 * short reply be told from a complete one by the block's own count.
 */
#include "hal/i2c.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "hal/scpi.h"
#include "hal/scpi_parse.h"

#define SIM_MAX_WRITE 128 /* a module page: the longest write a module accepts in one transaction */

struct sim_priv {
	lc_scpi *s;
};

/*
 * Is an *IDN? reply exactly the I2C service's identity "<maker>,SIM-I2C,<serial>,<firmware>"? IEEE 488.2 makes it
 * arbitrary ASCII response data, so any byte outside printable ASCII means the reply was garbled on the way
 * (and a garbled identity must not open a bus that then carries a module's memory): the whole reply is
 * checked, not searched for the model.
 */
static bool is_i2c_service(const char *idn)
{
	int commas = 0;
	if (lc_scpi_check_text(idn, strlen(idn), NULL) < 0)
		return false;
	for (const char *p = idn; *p; p++)
		commas += *p == ',';
	const char *model = strchr(idn, ',');
	return commas == 3 && model != idn && strncmp(model, ",SIM-I2C,", 9) == 0;
}

static int status_error(int st, const lc_i2c_xfer *x, lc_diag *diag)
{
	switch (st) {
	case 1:
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "i2c sim: address 0x%02X not acknowledged", x->addr);
	case 2:
		return lc_diag_set(diag, LC_ERR_IO, "i2c sim: 0x%02X did not acknowledge a byte", x->addr);
	case 3:
		return lc_diag_set(diag, LC_ERR_BUSY, "i2c sim: arbitration lost at 0x%02X", x->addr);
	case 4:
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "i2c sim: 0x%02X held the clock too long", x->addr);
	default:
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "i2c sim: unknown status %d", st);
	}
}

static int sim_transfer(void *p, const lc_i2c_xfer *x, int64_t deadline_ms, lc_diag *diag)
{
	struct sim_priv *sp = p;
	char cmd[64 + 2 * SIM_MAX_WRITE];
	int n = snprintf(cmd, sizeof(cmd), "I2C:XFER? %u,%zu", x->addr, x->rlen);
	if (x->wlen) {
		n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, ",\"");
		for (size_t i = 0; i < x->wlen; i++)
			n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, "%02X", x->wbuf[i]);
		snprintf(cmd + n, sizeof(cmd) - (size_t)n, "\"");
	}
	uint8_t reply[1 + 256];
	size_t len = 0;
	lc_scpi_set_timeout(sp->s, lc_deadline_left_ms(deadline_ms));
	int rc = lc_scpi_query_block_into(sp->s, cmd, reply, sizeof(reply), &len);
	if (rc < 0)
		return lc_diag_set(diag, rc, "i2c sim: %s", lc_strerror(rc));
	if (len < 1)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "i2c sim: empty reply");
	if (reply[0] != 0)
		return status_error(reply[0], x, diag);
	if (len - 1 != x->rlen)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "i2c sim: %zu of %zu bytes from 0x%02X", len - 1, x->rlen,
				   x->addr);
	for (size_t i = 0; i < x->rlen; i++)
		x->rbuf[i] = reply[1 + i];
	return 0;
}

static void sim_close(void *p)
{
	struct sim_priv *sp = p;
	lc_scpi_close(sp->s);
	free(sp);
}

/* reads are capped at 256 bytes (the service's limit: two module pages) */
static const lc_i2c_ops sim_ops = {"sim", SIM_MAX_WRITE, sim_transfer, sim_close};

int lc_i2c_sim_open(const char *host, uint16_t port, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag)
{
	char res[320];
	snprintf(res, sizeof(res), "TCPIP0::%s::%u::SOCKET", host, port);
	struct sim_priv *sp = calloc(1, sizeof(*sp));
	if (!sp)
		return lc_diag_set(diag, LC_ERR_NOMEM, "i2c sim: out of memory");
	int rc = lc_scpi_open(res, NULL, &sp->s, diag);
	if (rc < 0) {
		free(sp);
		lc_diag_prefix(diag, "i2c sim %s:%u: ", host, port);
		return rc;
	}
	/* ask who answers: another instrument on that port would take I2C:XFER? for an undefined header */
	char idn[256];
	lc_scpi_set_timeout(sp->s, opts && opts->timeout_ms > 0 ? opts->timeout_ms : 1000);
	rc = lc_scpi_query(sp->s, "*IDN?", idn, sizeof(idn));
	if (rc >= 0 && !is_i2c_service(idn))
		rc = lc_diag_set(diag, LC_ERR_PROTOCOL, "i2c sim %s:%u: '%s' is not the simulator's I2C service", host, port,
				 idn);
	else if (rc < 0)
		rc = lc_diag_set(diag, rc, "i2c sim %s:%u: %s", host, port, lc_strerror(rc));
	if (rc < 0) {
		sim_close(sp);
		return rc;
	}
	return lc_i2c_open_ops(&sim_ops, sp, opts, out, diag);
}
