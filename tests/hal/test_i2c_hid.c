/* CP2112 and MCP2221A adapters against models of the bridges (hid_bridge_model.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "hal/i2c.h"
#include "tests/hal/hid_bridge_model.h"

static hid_model m;
static lc_i2c *bus;
static lc_diag d;

static void open_cp(void)
{
	hid_model_init(&m);
	lc_hid_io io = hid_model_cp2112(&m);
	cr_assert_eq(lc_i2c_cp2112_open_hid(&io, NULL, &bus, &d), 0, "%s", d.text);
}

static void open_mcp(void)
{
	hid_model_init(&m);
	lc_hid_io io = hid_model_mcp2221(&m);
	cr_assert_eq(lc_i2c_mcp2221_open_hid(&io, NULL, &bus, &d), 0, "%s", d.text);
}

static void close_bus(void)
{
	lc_i2c_close(bus);
	cr_assert(m.closed);
}

TestSuite(cp2112, .init = open_cp, .fini = close_bus);
TestSuite(mcp2221, .init = open_mcp, .fini = close_bus);

Test(cp2112, config_and_write_read_report)
{
	/* SMBus configuration: 100 kHz big-endian, our address 0x02 */
	cr_assert_eq(m.config[0], 0x06);
	cr_assert_eq((m.config[1] << 24 | m.config[2] << 16 | m.config[3] << 8 | m.config[4]), 100000);
	uint8_t buf[128];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0x80, buf, sizeof(buf), &d), 0, "%s", d.text);
	for (int i = 0; i < 128; i++)
		cr_assert_eq(buf[i], 255 - (0x80 + i));
	/* the last report was the force read 0x12 of 128 bytes; the write-read before it carried [0x80] */
	cr_assert_eq(m.last_out[0], 0x12);
	cr_assert_eq(m.last_out[1] << 8 | m.last_out[2], 128);
}

Test(cp2112, write_then_read)
{
	uint8_t w[3] = {0x10, 0xAA, 0xBB};
	cr_assert_eq(lc_i2c_write(bus, 0x50, w, 3, &d), 0, "%s", d.text);
	cr_assert_eq(m.mem[0x10], 0xAA);
	cr_assert_eq(m.mem[0x11], 0xBB);
	uint8_t r[2];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0x10, r, 2, &d), 0);
	cr_assert_eq(r[1], 0xBB);
	cr_assert_eq(lc_i2c_read(bus, 0x50, r, 1, &d), 0); /* plain read from the pointer (0x12) */
	cr_assert_eq(r[0], 255 - 0x12);
}

Test(cp2112, busy_then_done)
{
	m.busy_polls = 3;
	uint8_t r[4];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), 0, "%s", d.text);
	cr_assert_eq(r[0], 255);
}

Test(cp2112, errors)
{
	uint8_t r[4];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x51, 0, r, 4, &d), LC_ERR_NOT_FOUND);
	cr_assert(strstr(d.text, "0x51"), "%s", d.text);
	m.error_status1 = 1;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), LC_ERR_TIMEOUT);
	m.error_status1 = 2;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), LC_ERR_BUSY);
	m.error_status1 = 3;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), LC_ERR_TRUNCATED);
	m.error_status1 = -1;
	m.short_by = 1;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "3 of 4"), "%s", d.text);
	m.short_by = 0;
	uint8_t w[17] = {0};
	cr_assert_eq(lc_i2c_write_read(bus, 0x50, w, 17, r, 1, &d), LC_ERR_ARG); /* target address 1..16 */
	uint8_t big[62] = {0};
	cr_assert_eq(lc_i2c_write(bus, 0x50, big, 62, &d), LC_ERR_ARG);
	uint8_t huge[513];
	cr_assert_eq(lc_i2c_read(bus, 0x50, huge, 513, &d), LC_ERR_ARG);
}

Test(cp2112, never_completes_is_cancelled)
{
	lc_i2c_close(bus);
	hid_model_init(&m);
	m.busy_polls = -1;
	lc_hid_io io = hid_model_cp2112(&m);
	lc_i2c_opts o;
	lc_i2c_opts_init(&o);
	o.timeout_ms = 30;
	cr_assert_eq(lc_i2c_cp2112_open_hid(&io, &o, &bus, &d), 0);
	uint8_t r[4];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), LC_ERR_TIMEOUT);
	cr_assert_eq(m.cancels, 1);
}

Test(cp2112, old_device_version)
{
	lc_i2c_close(bus);
	hid_model_init(&m);
	m.version = 1;
	lc_hid_io io = hid_model_cp2112(&m);
	cr_assert_eq(lc_i2c_cp2112_open_hid(&io, NULL, &bus, &d), LC_ERR_UNSUPPORTED);
	cr_assert(m.closed);
	bus = NULL;
	m.closed = true;
}

Test(mcp2221, write_read)
{
	cr_assert_eq(m.config[0], 12000000 / 100000 - 3); /* the divider */
	uint8_t r[128];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0x80, r, sizeof(r), &d), 0, "%s", d.text);
	for (int i = 0; i < 128; i++)
		cr_assert_eq(r[i], 255 - (0x80 + i));
	uint8_t w[2] = {0x20, 0x77};
	cr_assert_eq(lc_i2c_write(bus, 0x50, w, 2, &d), 0, "%s", d.text);
	cr_assert_eq(m.mem[0x20], 0x77);
	cr_assert_eq(m.last_out[0], 0x10); /* the write's completion was checked by a status */
}

Test(mcp2221, errors)
{
	uint8_t r[4];
	cr_assert_eq(lc_i2c_read_reg(bus, 0x51, 0, r, 4, &d), LC_ERR_NOT_FOUND);
	uint8_t w[2] = {0x20, 0x77};
	cr_assert_eq(lc_i2c_write(bus, 0x52, w, 2, &d), LC_ERR_NOT_FOUND);
	m.short_by = 2;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "2 of 4"), "%s", d.text);
	m.short_by = 0;
	m.refuse_busy = true;
	cr_assert_eq(lc_i2c_read_reg(bus, 0x50, 0, r, 4, &d), LC_ERR_BUSY);
	m.engine_state = 0x44;
	cr_assert_eq(lc_i2c_read(bus, 0x50, r, 4, &d), LC_ERR_TIMEOUT);
	cr_assert(strstr(d.text, "0x44"), "%s", d.text);
	m.engine_state = 0;
}

Test(mcp2221, bad_speed)
{
	lc_i2c_close(bus);
	hid_model_init(&m);
	lc_hid_io io = hid_model_mcp2221(&m);
	lc_i2c_opts o;
	lc_i2c_opts_init(&o);
	o.bus_hz = 1000000;
	cr_assert_eq(lc_i2c_mcp2221_open_hid(&io, &o, &bus, &d), LC_ERR_ARG);
	bus = NULL;
}
