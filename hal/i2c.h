/*
 * I2C bus: byte and block transfers at a 7-bit address through one of several adapters.
 *
 *   lc_i2c *bus;
 *   if (lc_i2c_open("I2C::linux::/dev/i2c-3", NULL, &bus, &d) < 0) ... d.text says why
 *   uint8_t id;
 *   lc_i2c_read_reg(bus, 0x50, 0, &id, 1, &d);     // write [0], repeated start, read 1 byte
 *   lc_i2c_close(bus);
 *
 * Adapters (resource forms of hal/resource.h):
 *   I2C::linux::/dev/i2c-N   Linux i2c-dev, one I2C_RDWR ioctl per transfer (hal/i2c_linux.c)
 *   I2C::cp2112::SERIAL      Silicon Labs CP2112 HID bridge, AN495 reports (hal/i2c_cp2112.c)
 *   I2C::mcp2221::SERIAL     Microchip MCP2221A HID bridge, 64-byte reports (hal/i2c_mcp2221.c)
 *   I2C::sim::HOST:PORT      the simulator's I2C service, docs/hal.md "I2C service" (hal/i2c_sim.c)
 * Every adapter does one of three transfers, the only ones the HID bridges can do: a write, a read, or a
 * write followed by a read with a repeated start (no STOP between them), all at the same address.
 *
 * Errors (the same for every adapter, so a module reader does not care which bridge it is behind):
 *   LC_ERR_NOT_FOUND   the address was not acknowledged (no device there)
 *   LC_ERR_IO          a data byte was not acknowledged, or the adapter failed (USB, ioctl)
 *   LC_ERR_BUSY        the bus is held by another master (arbitration lost, SDA stuck, adapter busy)
 *   LC_ERR_TIMEOUT     the transfer did not complete before the deadline (clock stretching, dead bridge)
 *   LC_ERR_TRUNCATED   fewer bytes arrived than requested: never returned as success
 *   LC_ERR_PROTOCOL    the bridge answered with a malformed report
 *   LC_ERR_ARG         address above 0x7F, a length the adapter cannot do (0, or beyond max_transfer)
 *
 * Thread safety: a bus may be shared by threads; each transfer holds the bus's (recursive) mutex. A caller
 * that needs several transfers to be atomic (select a mux channel and a module page, then read) holds
 * lc_i2c_lock() around them. lc_i2c_close() must not race with any other use.
 */
#ifndef LC_HAL_I2C_H
#define LC_HAL_I2C_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct lc_i2c lc_i2c;

typedef struct lc_i2c_opts {
	int timeout_ms;   /* per transfer; 0: 1000 */
	unsigned bus_hz;  /* SCL rate for the HID bridges; 0: 100000 (every module supports 100 kHz) */
} lc_i2c_opts;

void lc_i2c_opts_init(lc_i2c_opts *o);

/* One transfer: write wlen bytes (if any), then read rlen bytes (if any) after a repeated start. */
typedef struct lc_i2c_xfer {
	uint8_t addr;        /* 7-bit */
	const uint8_t *wbuf;
	size_t wlen;
	uint8_t *rbuf;
	size_t rlen;
} lc_i2c_xfer;

/*
 * An adapter: what each bridge implements (and what tests put a device model behind). transfer() does one
 * lc_i2c_xfer before the absolute monotonic deadline (base/clock.h) and returns 0 or a negative LC_ERR_*
 * from the list above. close() frees priv. max_transfer is the longest single read or write (0: 65535).
 */
typedef struct lc_i2c_ops {
	const char *name; /* "linux", "cp2112", "mcp2221", "sim", "model" */
	size_t max_transfer;
	int (*transfer)(void *priv, const lc_i2c_xfer *x, int64_t deadline_ms, lc_diag *diag);
	void (*close)(void *priv);
} lc_i2c_ops;

/* Open a bus from an I2C resource string (hal/resource.h). opts may be NULL. */
int lc_i2c_open(const char *resource, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);
/* A bus over any adapter (a device model in tests, an adapter of an application). The bus owns priv and
 * calls ops->close(priv) when it is closed (also when this call fails). */
int lc_i2c_open_ops(const lc_i2c_ops *ops, void *priv, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);
void lc_i2c_close(lc_i2c *bus);
/* "linux", "cp2112", ... */
const char *lc_i2c_adapter_name(const lc_i2c *bus);

int lc_i2c_write(lc_i2c *bus, uint8_t addr, const uint8_t *data, size_t len, lc_diag *diag);
int lc_i2c_read(lc_i2c *bus, uint8_t addr, uint8_t *buf, size_t len, lc_diag *diag);
/* Combined write-then-read with a repeated start. */
int lc_i2c_write_read(lc_i2c *bus, uint8_t addr, const uint8_t *w, size_t wlen, uint8_t *r, size_t rlen,
		      lc_diag *diag);
/* Register forms of the 8-bit-offset devices (module memories, muxes' neighbours): read len bytes from
 * offset reg (write [reg], repeated start, read), write [reg, data...]. */
int lc_i2c_read_reg(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t *buf, size_t len, lc_diag *diag);
int lc_i2c_write_reg(lc_i2c *bus, uint8_t addr, uint8_t reg, const uint8_t *data, size_t len, lc_diag *diag);
int lc_i2c_read_byte(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t *val, lc_diag *diag);
int lc_i2c_write_byte(lc_i2c *bus, uint8_t addr, uint8_t reg, uint8_t val, lc_diag *diag);

void lc_i2c_lock(lc_i2c *bus);
void lc_i2c_unlock(lc_i2c *bus);

/* ---- adapters (each in its own file) ------------------------------------------------------------------ */

/* Linux i2c-dev. The ioctl is a parameter so tests model the kernel: it gets the fd, I2C_RDWR and a
 * struct i2c_rdwr_ioctl_data *, and returns like ioctl(2) (-1 and errno). NULL: the real ioctl. The bus
 * closes fd. */
typedef int (*lc_i2c_ioctl_fn)(void *ctx, int fd, unsigned long request, void *arg);
int lc_i2c_linux_open(const char *path, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);
int lc_i2c_linux_open_fd(int fd, lc_i2c_ioctl_fn fn, void *ctx, const lc_i2c_opts *opts, lc_i2c **out,
			 lc_diag *diag);

/* The HID transfer beneath the USB bridges (hidraw on Linux, or a model in tests). Reports start with
 * their report id. read() returns the length of one input report, LC_ERR_TIMEOUT at the deadline. */
typedef struct lc_hid_io {
	int (*write)(void *ctx, const uint8_t *report, size_t len, int64_t deadline_ms, lc_diag *diag);
	int (*read)(void *ctx, uint8_t *buf, size_t cap, int64_t deadline_ms, lc_diag *diag);
	int (*set_feature)(void *ctx, const uint8_t *report, size_t len, lc_diag *diag);
	int (*get_feature)(void *ctx, uint8_t *report, size_t len, lc_diag *diag); /* report[0] = id in */
	void (*close)(void *ctx);
	void *ctx;
} lc_hid_io;

/* Open the hidraw node of a USB device (vid:pid, serial NULL or "" = the first found). */
int lc_hidraw_open(uint16_t vid, uint16_t pid, const char *serial, lc_hid_io *out, lc_diag *diag);

#define LC_CP2112_VID 0x10C4
#define LC_CP2112_PID 0xEA90
#define LC_MCP2221_VID 0x04D8
#define LC_MCP2221_PID 0x00DD
/* Bridges over a HID transfer; the bus owns io (io->close at close, also on failure). */
int lc_i2c_cp2112_open_hid(const lc_hid_io *io, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);
int lc_i2c_mcp2221_open_hid(const lc_hid_io *io, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

/* The simulator's I2C service at host:port. */
int lc_i2c_sim_open(const char *host, uint16_t port, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag);

#endif
