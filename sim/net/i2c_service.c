/* The simulator's I2C bus model behind one SCPI query per transfer (i2c_service.h). */
#include "sim/net/i2c_service.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEVICES 16

struct attached {
	int channel;
	uint8_t addr;
	lc_sim_i2c_device dev;
};

struct lc_sim_i2c_service {
	struct attached devs[MAX_DEVICES];
	size_t n;
	uint8_t mux[LC_SIM_I2C_MUXES]; /* control byte of each mux (0x70 + i): channels enabled */
	int fault_status;
	unsigned fault_count, fault_short;
};

static struct attached *find(lc_sim_i2c_service *s, uint8_t addr)
{
	/* a device before the mux first; behind it, the first enabled channel with that address (two enabled
	 * channels with the same address would collide on a real bus: the model answers with the lower one) */
	for (size_t i = 0; i < s->n; i++)
		if (s->devs[i].addr == addr && s->devs[i].channel < 0)
			return &s->devs[i];
	for (size_t i = 0; i < s->n; i++)
		if (s->devs[i].addr == addr && s->devs[i].channel >= 0 &&
		    (s->mux[s->devs[i].channel / 8] & (1u << (s->devs[i].channel % 8))))
			return &s->devs[i];
	return NULL;
}

static int hexbytes(const char *t, size_t len, uint8_t *out, size_t cap)
{
	if (len % 2 || len / 2 > cap)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char ch = t[i + (size_t)k];
			v <<= 4;
			if (ch >= '0' && ch <= '9')
				v |= (unsigned)(ch - '0');
			else if (ch >= 'A' && ch <= 'F')
				v |= (unsigned)(ch - 'A' + 10);
			else if (ch >= 'a' && ch <= 'f')
				v |= (unsigned)(ch - 'a' + 10);
			else
				return -1;
		}
		out[i / 2] = (uint8_t)v;
	}
	return (int)(len / 2);
}

static void reply(lc_sim_call *c, int status, const uint8_t *data, size_t n)
{
	uint8_t buf[1 + LC_SIM_I2C_MAX_READ];
	buf[0] = (uint8_t)status;
	if (n)
		memcpy(buf + 1, data, n);
	lc_sim_out_block(c, buf, 1 + n);
}

static int q_xfer(lc_sim_call *c, void *u)
{
	lc_sim_i2c_service *s = u;
	long long addr, rlen;
	int rc;
	if ((rc = lc_sim_arg_int(c, 0, 0, 0x7F, &addr)) || (rc = lc_sim_arg_int(c, 1, 0, LC_SIM_I2C_MAX_READ, &rlen)) ||
	    (rc = lc_sim_arg_max(c, 3)))
		return rc;
	uint8_t w[128];
	int wlen = 0;
	if (lc_sim_arg_present(c, 2)) {
		const char *t;
		size_t tl;
		if ((rc = lc_sim_arg_string(c, 2, &t, &tl)))
			return rc;
		if ((wlen = hexbytes(t, tl, w, sizeof(w))) < 0)
			return lc_sim_fail(c, -224, "write data must be up to 128 bytes of hex");
	}
	if (wlen == 0 && rlen == 0)
		return lc_sim_fail(c, -224, "empty transfer");
	if (s->fault_count) {
		s->fault_count--;
		if (s->fault_status != LC_SIM_I2C_OK) {
			reply(c, s->fault_status, NULL, 0);
			return 0;
		}
	}
	uint8_t r[LC_SIM_I2C_MAX_READ];
	if (addr >= LC_SIM_I2C_MUX_ADDR && addr < LC_SIM_I2C_MUX_ADDR + LC_SIM_I2C_MUXES) {
		/* PCA9548A: a write sets the control byte, a read returns it */
		uint8_t *mux = &s->mux[addr - LC_SIM_I2C_MUX_ADDR];
		if (wlen)
			*mux = w[wlen - 1];
		for (long long i = 0; i < rlen; i++)
			r[i] = *mux;
		reply(c, LC_SIM_I2C_OK, r, (size_t)rlen);
		return 0;
	}
	struct attached *d = find(s, (uint8_t)addr);
	if (!d) {
		reply(c, LC_SIM_I2C_NAK_ADDR, NULL, 0);
		return 0;
	}
	int st = LC_SIM_I2C_OK;
	if (wlen)
		st = d->dev.write(d->dev.user, w, (size_t)wlen);
	size_t got = (size_t)rlen;
	if (st == LC_SIM_I2C_OK && rlen) {
		int n = d->dev.read(d->dev.user, r, (size_t)rlen);
		if (n < 0 || n > LC_SIM_I2C_STRETCH)
			st = LC_SIM_I2C_NAK_DATA;
		else
			st = n;
	}
	if (st == LC_SIM_I2C_OK && s->fault_short && s->fault_status == LC_SIM_I2C_OK) {
		got = s->fault_short < got ? got - s->fault_short : 0;
		s->fault_short = 0;
	}
	reply(c, st, r, st == LC_SIM_I2C_OK ? got : 0);
	return 0;
}

int lc_sim_i2c_service_create(lc_sim_scpi *engine, lc_sim_i2c_service **out, lc_diag *diag)
{
	lc_sim_i2c_service *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "i2c service: out of memory");
	int rc = lc_sim_scpi_add(engine, "I2C:XFER", NULL, q_xfer, s, diag);
	if (rc < 0) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void lc_sim_i2c_service_free(lc_sim_i2c_service *s) { free(s); }

int lc_sim_i2c_service_attach(lc_sim_i2c_service *s, int channel, uint8_t addr, const lc_sim_i2c_device *dev,
			      lc_diag *diag)
{
	if (s->n >= MAX_DEVICES)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "i2c service: more than %d devices", MAX_DEVICES);
	if (channel < -1 || channel >= 8 * LC_SIM_I2C_MUXES || addr > 0x7F ||
	    (addr >= LC_SIM_I2C_MUX_ADDR && addr < LC_SIM_I2C_MUX_ADDR + LC_SIM_I2C_MUXES) || !dev->write || !dev->read)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c service: device 0x%02X on channel %d", addr, channel);
	s->devs[s->n++] = (struct attached){channel, addr, *dev};
	return 0;
}

void lc_sim_i2c_service_fault(lc_sim_i2c_service *s, int status, unsigned count, unsigned short_by)
{
	s->fault_status = status;
	s->fault_count = count;
	s->fault_short = short_by;
}
