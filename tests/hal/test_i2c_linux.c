/* I2C core and the Linux i2c-dev adapter against a model of the kernel's I2C_RDWR. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/i2c-dev.h>
#include <linux/i2c.h>
#include <string.h>

#include "hal/i2c.h"

/* The kernel side: one device at 0x50 with 256 bytes of memory and a register pointer. */
struct kmodel {
	uint8_t mem[256];
	uint8_t ptr;
	int fail_errno;     /* make the ioctl fail with this errno */
	int done_msgs;      /* >= 0: report only this many messages done */
	struct i2c_msg seen[2];
	unsigned nseen;
	int calls;
};

static int model_ioctl(void *ctx, int fd, unsigned long req, void *arg)
{
	(void)fd;
	struct kmodel *k = ctx;
	k->calls++;
	cr_assert_eq(req, I2C_RDWR);
	struct i2c_rdwr_ioctl_data *d = arg;
	k->nseen = d->nmsgs;
	for (unsigned i = 0; i < d->nmsgs && i < 2; i++)
		k->seen[i] = d->msgs[i];
	if (k->fail_errno) {
		errno = k->fail_errno;
		return -1;
	}
	for (unsigned i = 0; i < d->nmsgs; i++) {
		struct i2c_msg *m = &d->msgs[i];
		if (m->addr != 0x50) {
			errno = ENXIO;
			return -1;
		}
		if (m->flags & I2C_M_RD) {
			for (unsigned j = 0; j < m->len; j++)
				m->buf[j] = k->mem[k->ptr++];
		} else {
			k->ptr = m->buf[0];
			for (unsigned j = 1; j < m->len; j++)
				k->mem[k->ptr++] = m->buf[j];
		}
	}
	return k->done_msgs >= 0 ? k->done_msgs : (int)d->nmsgs;
}

static struct kmodel km;
static lc_i2c *bus;
static lc_diag d;

static void setup(void)
{
	memset(&km, 0, sizeof(km));
	km.done_msgs = -1;
	for (int i = 0; i < 256; i++)
		km.mem[i] = (uint8_t)(i ^ 0x5A);
	cr_assert_eq(lc_i2c_linux_open_fd(-1, model_ioctl, &km, NULL, &bus, &d), 0);
}

static void teardown(void) { lc_i2c_close(bus); }

TestSuite(i2c_linux, .init = setup, .fini = teardown);

Test(i2c_linux, write_read_is_one_ioctl_with_repeated_start)
{
	uint8_t buf[4];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0x80, buf, 4, &d), 0, "%s", d.text);
	cr_assert_eq(km.calls, 1);
	cr_assert_eq(km.nseen, 2);
	cr_assert_eq(km.seen[0].flags, 0);
	cr_assert_eq(km.seen[0].len, 1);
	cr_assert_eq(km.seen[1].flags, I2C_M_RD);
	cr_assert_eq(km.seen[1].len, 4);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(buf[i], (0x80 + i) ^ 0x5A);
	cr_assert_str_eq(lc_i2c_adapter_name(bus), "linux");
}

Test(i2c_linux, write_and_read_byte)
{
	cr_assert_eq(lc_i2c_write_byte(bus, 0x50, 0x10, 0xAB, &d), 0);
	cr_assert_eq(km.nseen, 1);
	uint8_t v;
	cr_assert_eq(lc_i2c_read_byte(bus, 0x50, 0x10, &v, &d), 0);
	cr_assert_eq(v, 0xAB);
	uint8_t raw[2];
	cr_assert_eq(lc_i2c_read(bus, 0x50, raw, 2, &d), 0); /* from the pointer: 0x11, 0x12 */
	cr_assert_eq(raw[0], 0x11 ^ 0x5A);
}

Test(i2c_linux, errors)
{
	uint8_t b[2];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x51, 0, b, 2, &d), LC_ERR_NOT_FOUND);
	cr_assert(strstr(d.text, "0x51"), "%s", d.text);
	km.fail_errno = EREMOTEIO;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, b, 2, &d), LC_ERR_IO);
	km.fail_errno = EAGAIN;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, b, 2, &d), LC_ERR_BUSY);
	km.fail_errno = ETIMEDOUT;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, b, 2, &d), LC_ERR_TIMEOUT);
	km.fail_errno = EOPNOTSUPP;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, b, 2, &d), LC_ERR_UNSUPPORTED);
	km.fail_errno = 0;
	km.done_msgs = 1; /* the read message never ran */
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, b, 2, &d), LC_ERR_TRUNCATED);
}

Test(i2c_linux, bad_arguments)
{
	uint8_t b[2];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x80, 0, b, 2, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "7-bit"), "%s", d.text);
	cr_assert_eq(lc_i2c_read(bus, 0x50, b, 0, &d), LC_ERR_ARG);
	cr_assert_eq(lc_i2c_write(bus, 0x50, b, 0, &d), LC_ERR_ARG);
	cr_assert_eq(lc_i2c_write_read(bus, 0x50, NULL, 1, b, 2, &d), LC_ERR_ARG);
	static uint8_t big[9000];
	cr_assert_eq(lc_i2c_read(bus, 0x50, big, sizeof(big), &d), LC_ERR_ARG);
	cr_assert_eq(lc_i2c_write_reg(bus, 0x50, 0, big, 300, &d), LC_ERR_ARG);
	cr_assert_eq(km.calls, 0);
}

Test(i2c_open, resources)
{
	lc_i2c *b2;
	cr_assert_eq(lc_i2c_open("TCPIP::1.2.3.4::5025::SOCKET", NULL, &b2, &d), LC_ERR_ARG);
	cr_assert_eq(lc_i2c_open("I2C::linux::/dev/i2c-no-such", NULL, &b2, &d), LC_ERR_NOT_FOUND);
	cr_assert_eq(lc_i2c_open("I2C::bogus::x", NULL, &b2, &d), LC_ERR_ARG);
	/* a character device that is not an i2c-dev node */
	cr_assert_eq(lc_i2c_open("I2C::linux::/dev/null", NULL, &b2, &d), LC_ERR_IO);
	cr_assert(strstr(d.text, "not an i2c-dev node"), "%s", d.text);
	cr_assert_eq(lc_i2c_open("I2C::mcp2221::NO-SUCH-SERIAL", NULL, &b2, &d), LC_ERR_NOT_FOUND);
	cr_assert(strstr(d.text, "04D8:00DD"), "%s", d.text);
	/* no CP2112 on a test machine: the hidraw search says so */
	int rc = lc_i2c_open("I2C::cp2112::NO-SUCH-SERIAL", NULL, &b2, &d);
	cr_assert_eq(rc, LC_ERR_NOT_FOUND, "%d %s", rc, d.text);
}
