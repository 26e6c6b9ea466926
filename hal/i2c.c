/* I2C bus core: argument checks, the per-bus lock and the dispatch from a resource string to an adapter. */
#include "hal/i2c.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/clock.h"
#include "hal/resource.h"

struct lc_i2c {
	const lc_i2c_ops *ops;
	void *priv;
	lc_i2c_opts opts;
	pthread_mutex_t lock;
};

void lc_i2c_opts_init(lc_i2c_opts *o)
{
	if (!o)
		return;
	o->timeout_ms = 1000;
	o->bus_hz = 100000;
}

static void effective(const lc_i2c_opts *in, lc_i2c_opts *out)
{
	lc_i2c_opts_init(out);
	if (in && in->timeout_ms > 0)
		out->timeout_ms = in->timeout_ms;
	if (in && in->bus_hz > 0)
		out->bus_hz = in->bus_hz;
}

int lc_i2c_open_ops(const lc_i2c_ops *ops, void *priv, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag)
{
	if (!out || !ops || !ops->transfer) {
		if (ops && ops->close)
			ops->close(priv);
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: no adapter");
	}
	*out = NULL;
	lc_i2c *b = calloc(1, sizeof(*b));
	if (!b) {
		if (ops->close)
			ops->close(priv);
		return lc_diag_set(diag, LC_ERR_NOMEM, "i2c: out of memory");
	}
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&b->lock, &a);
	pthread_mutexattr_destroy(&a);
	b->ops = ops;
	b->priv = priv;
	effective(opts, &b->opts);
	*out = b;
	return 0;
}

void lc_i2c_close(lc_i2c *bus)
{
	if (!bus)
		return;
	if (bus->ops->close)
		bus->ops->close(bus->priv);
	pthread_mutex_destroy(&bus->lock);
	free(bus);
}

const char *lc_i2c_adapter_name(const lc_i2c *bus) { return bus && bus->ops->name ? bus->ops->name : "none"; }

void lc_i2c_lock(lc_i2c *bus) { pthread_mutex_lock(&bus->lock); }
void lc_i2c_unlock(lc_i2c *bus) { pthread_mutex_unlock(&bus->lock); }

static int xfer(lc_i2c *bus, const lc_i2c_xfer *x, lc_diag *diag)
{
	if (!bus)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: no bus");
	if (x->addr > 0x7F)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: address 0x%02X is not a 7-bit address", x->addr);
	if (x->wlen == 0 && x->rlen == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: empty transfer");
	if ((x->wlen && !x->wbuf) || (x->rlen && !x->rbuf))
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: no buffer");
	size_t max = bus->ops->max_transfer ? bus->ops->max_transfer : 65535;
	if (x->wlen > max || x->rlen > max)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c %s: %zu bytes in one transfer (at most %zu)", bus->ops->name,
				   x->wlen > max ? x->wlen : x->rlen, max);
	pthread_mutex_lock(&bus->lock);
	int rc = bus->ops->transfer(bus->priv, x, lc_deadline_in(bus->opts.timeout_ms), diag);
	pthread_mutex_unlock(&bus->lock);
	return rc < 0 ? rc : 0;
}

int lc_i2c_write(lc_i2c *bus, uint8_t addr, const uint8_t *data, size_t len, lc_diag *diag)
{
	lc_i2c_xfer x = {.addr = addr, .wbuf = data, .wlen = len};
	if (len == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: empty write");
	return xfer(bus, &x, diag);
}

int lc_i2c_read(lc_i2c *bus, uint8_t addr, uint8_t *buf, size_t len, lc_diag *diag)
{
	lc_i2c_xfer x = {.addr = addr, .rbuf = buf, .rlen = len};
	if (len == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: empty read");
	return xfer(bus, &x, diag);
}

int lc_i2c_write_read(lc_i2c *bus, uint8_t addr, const uint8_t *w, size_t wlen, uint8_t *r, size_t rlen,
		      lc_diag *diag)
{
	if (wlen == 0 || rlen == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: write-read needs bytes to write and to read");
	lc_i2c_xfer x = {.addr = addr, .wbuf = w, .wlen = wlen, .rbuf = r, .rlen = rlen};
	return xfer(bus, &x, diag);
}

int lc_i2c_read_reg(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t *buf, size_t len, lc_diag *diag)
{
	return lc_i2c_write_read(bus, addr, &reg, 1, buf, len, diag);
}

int lc_i2c_write_reg(lc_i2c *bus, uint8_t addr, uint8_t reg, const uint8_t *data, size_t len, lc_diag *diag)
{
	uint8_t tmp[257];
	if (len + 1 > sizeof(tmp) || (len && !data))
		return lc_diag_set(diag, LC_ERR_ARG, "i2c: register write of %zu bytes (at most 256)", len);
	tmp[0] = reg;
	for (size_t i = 0; i < len; i++)
		tmp[i + 1] = data[i];
	return lc_i2c_write(bus, addr, tmp, len + 1, diag);
}

int lc_i2c_read_byte(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t *val, lc_diag *diag)
{
	return lc_i2c_read_reg(bus, addr, reg, val, 1, diag);
}

int lc_i2c_write_byte(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t val, lc_diag *diag)
{
	return lc_i2c_write_reg(bus, addr, reg, &val, 1, diag);
}

int lc_i2c_open(const char *resource, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag)
{
	lc_resource r;
	int rc = lc_resource_parse(resource, &r, diag);
	if (rc < 0)
		return rc;
	if (r.kind != LC_RES_I2C)
		return lc_diag_set(diag, LC_ERR_ARG, "%s: not an I2C resource (I2C::linux::/dev/i2c-N, ...)", resource);
	lc_hid_io io;
	switch (r.i2c_adapter) {
	case LC_I2C_LINUX:
		return lc_i2c_linux_open(r.path, opts, out, diag);
	case LC_I2C_SIM:
		return lc_i2c_sim_open(r.host, r.port, opts, out, diag);
	case LC_I2C_CP2112:
		if ((rc = lc_hidraw_open(LC_CP2112_VID, LC_CP2112_PID, r.serial, &io, diag)) < 0)
			return rc;
		return lc_i2c_cp2112_open_hid(&io, opts, out, diag);
	case LC_I2C_MCP2221:
		if ((rc = lc_hidraw_open(LC_MCP2221_VID, LC_MCP2221_PID, r.serial, &io, diag)) < 0)
			return rc;
		return lc_i2c_mcp2221_open_hid(&io, opts, out, diag);
	}
	return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: unknown I2C adapter", resource);
}
