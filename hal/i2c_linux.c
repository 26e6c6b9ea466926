/*
 * Linux i2c-dev adapter: each transfer is one I2C_RDWR ioctl of one or two messages, so a write-then-read
 * has a repeated start and one STOP at the end (include/uapi/linux/i2c-dev.h, instrument-dialects §7.5).
 * The kernel's errno says what happened on the wire; the mapping below follows the Linux fault codes
 * convention (Documentation/i2c/fault-codes.rst): ENXIO/EREMOTEIO for a NAK, EAGAIN for lost arbitration,
 * ETIMEDOUT for a stretched clock, EBUSY for a bus that stays busy.
 */
#include "hal/i2c.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct linux_priv {
	int fd;
	lc_i2c_ioctl_fn fn;
	void *ctx;
};

static int real_ioctl(void *ctx, int fd, unsigned long request, void *arg)
{
	(void)ctx;
	return ioctl(fd, request, arg);
}

static int map_errno(int e, const lc_i2c_xfer *x, lc_diag *diag)
{
	switch (e) {
	case ENXIO:
		/* i2c-dev drivers report "no ACK of the address" as ENXIO */
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "i2c linux: address 0x%02X not acknowledged", x->addr);
	case EREMOTEIO:
		return lc_diag_set(diag, LC_ERR_IO, "i2c linux: 0x%02X did not acknowledge a byte", x->addr);
	case EAGAIN:
		return lc_diag_set(diag, LC_ERR_BUSY, "i2c linux: arbitration lost at 0x%02X", x->addr);
	case EBUSY:
		return lc_diag_set(diag, LC_ERR_BUSY, "i2c linux: bus busy");
	case ETIMEDOUT:
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "i2c linux: transfer to 0x%02X timed out", x->addr);
	case EOPNOTSUPP:
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "i2c linux: adapter cannot do this transfer");
	case EPROTO:
	case EBADMSG:
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "i2c linux: %s", strerror(e));
	default:
		return lc_diag_set(diag, LC_ERR_IO, "i2c linux: I2C_RDWR: %s", strerror(e));
	}
}

static int linux_transfer(void *p, const lc_i2c_xfer *x, int64_t deadline_ms, lc_diag *diag)
{
	(void)deadline_ms; /* the kernel applies the adapter's own timeout (I2C_TIMEOUT) */
	struct linux_priv *lp = p;
	struct i2c_msg m[2];
	unsigned n = 0;
	if (x->wlen)
		m[n++] = (struct i2c_msg){.addr = x->addr, .flags = 0, .len = (__u16)x->wlen, .buf = (__u8 *)x->wbuf};
	if (x->rlen)
		m[n++] = (struct i2c_msg){.addr = x->addr, .flags = I2C_M_RD, .len = (__u16)x->rlen, .buf = x->rbuf};
	struct i2c_rdwr_ioctl_data d = {.msgs = m, .nmsgs = n};
	errno = 0;
	int rc = lp->fn(lp->ctx, lp->fd, I2C_RDWR, &d);
	if (rc < 0)
		return map_errno(errno, x, diag);
	/* I2C_RDWR returns the number of messages done: fewer means the read never happened */
	if ((unsigned)rc != n)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "i2c linux: %d of %u messages done at 0x%02X", rc, n, x->addr);
	return 0;
}

static void linux_close(void *p)
{
	struct linux_priv *lp = p;
	if (lp->fd >= 0)
		close(lp->fd);
	free(lp);
}

/* i2c-dev messages have a 16-bit length; 8192 keeps one read within what every bus driver accepts. */
static const lc_i2c_ops linux_ops = {"linux", 8192, linux_transfer, linux_close};

int lc_i2c_linux_open_fd(int fd, lc_i2c_ioctl_fn fn, void *ctx, const lc_i2c_opts *opts, lc_i2c **out,
			 lc_diag *diag)
{
	struct linux_priv *lp = calloc(1, sizeof(*lp));
	if (!lp) {
		if (fd >= 0)
			close(fd);
		return lc_diag_set(diag, LC_ERR_NOMEM, "i2c linux: out of memory");
	}
	lp->fd = fd;
	lp->fn = fn ? fn : real_ioctl;
	lp->ctx = ctx;
	return lc_i2c_open_ops(&linux_ops, lp, opts, out, diag);
}

int lc_i2c_linux_open(const char *path, const lc_i2c_opts *opts, lc_i2c **out, lc_diag *diag)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		return lc_diag_set(diag, e == ENOENT ? LC_ERR_NOT_FOUND : e == EACCES ? LC_ERR_PERMISSION : LC_ERR_IO,
				   "i2c linux: %s: %s", path, strerror(e));
	}
	unsigned long funcs = 0;
	if (ioctl(fd, I2C_FUNCS, &funcs) < 0) {
		close(fd);
		return lc_diag_set(diag, LC_ERR_IO, "i2c linux: %s is not an i2c-dev node", path);
	}
	if (!(funcs & I2C_FUNC_I2C)) {
		close(fd);
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "i2c linux: %s cannot do plain I2C (SMBus only)", path);
	}
	return lc_i2c_linux_open_fd(fd, NULL, NULL, opts, out, diag);
}
