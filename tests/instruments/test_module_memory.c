/* Module memory over a modelled bus: paging, read back of the page select, NAKs after a select, mux, Tx
 * disable with verification. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/module/module.h"
#include "tests/instruments/module_bus_model.h"
#include "tests/instruments/module_images.h"

static tm_bus bus;
static lc_i2c *i2c;
static lc_module *mod;
static lc_diag d;

static void setup_cmis(void)
{
	memset(&bus, 0, sizeof(bus));
	bus.mod[0].present = true;
	bus.mod[0].cmis = true;
	tm_cmis_image(&bus.mod[0].img, 0);
	cr_assert_eq(tm_bus_open(&bus, &i2c), 0);
}

static void teardown(void)
{
	lc_module_close(mod);
	mod = NULL;
	lc_i2c_close(i2c);
}

TestSuite(module_memory, .fini = teardown);

Test(module_memory, reads_and_decodes, .init = setup_cmis)
{
	cr_assert_eq(lc_module_open_bus(i2c, NULL, &mod, &d), 0, "%s", d.text);
	lc_module_info info;
	cr_assert_eq(lc_module_read_info(mod, &info, &d), 0, "%s", d.text);
	cr_assert_str_eq(info.serial, "SN12345");
	cr_assert_float_eq(info.lanes[4].rx_power_mw, 0.42, 1e-12);
	cr_assert(info.lanes[6].tx_disabled);
	lc_module_image img;
	cr_assert_eq(lc_module_read_image(mod, -1, &img, &d), 0);
	cr_assert_eq(img.n_pages, 5); /* 00h 01h 02h 10h 11h */
}

Test(module_memory, unimplemented_page_is_refused, .init = setup_cmis)
{
	cr_assert_eq(lc_module_open_bus(i2c, NULL, &mod, &d), 0);
	uint8_t buf[4];
	cr_assert_eq(lc_module_mem_read(lc_module_memory(mod), 0, 0x13, 128, buf, 4, &d), LC_ERR_UNSUPPORTED);
	cr_assert(strstr(d.text, "page 13h"), "%s", d.text);
	lc_module_image img;
	cr_assert_eq(lc_module_read_image(mod, 0x13, &img, &d), LC_ERR_UNSUPPORTED);
	/* bank 1 of page 11h: the model has one bank */
	cr_assert_eq(lc_module_mem_read(lc_module_memory(mod), 1, 0x11, 128, buf, 4, &d), LC_ERR_UNSUPPORTED);
	/* banks only for pages 10h-FFh */
	cr_assert_eq(lc_module_mem_read(lc_module_memory(mod), 1, 0x01, 128, buf, 4, &d), LC_ERR_ARG);
}

/* A module that answers only once it has committed the page select: NAKs are retried within the settle
 * time, and past it they are returned. */
Test(module_memory, answers_after_page_select, .init = setup_cmis)
{
	bus.mod[0].nak_after_select = 3;
	cr_assert_eq(lc_module_open_bus(i2c, NULL, &mod, &d), 0);
	uint8_t buf[2];
	cr_assert_eq(lc_module_mem_read(lc_module_memory(mod), 0, 0x11, 154, buf, 2, &d), 0, "%s", d.text);
	cr_assert_eq(buf[0], 1000 >> 8);
	cr_assert_eq(buf[1], 1000 & 0xFF);
	lc_module_close(mod);
	mod = NULL;
	bus.mod[0].nak_after_select = 1000000;
	lc_module_opts o;
	lc_module_opts_init(&o);
	o.mem.write_settle_ms = 5;
	cr_assert_eq(lc_module_open_bus(i2c, &o, &mod, &d), 0);
	cr_assert_eq(lc_module_mem_read(lc_module_memory(mod), 0, 0x11, 154, buf, 2, &d), LC_ERR_NOT_FOUND);
	cr_assert(strstr(d.text, "page select"), "%s", d.text);
}

Test(module_memory, tx_disable_cmis, .init = setup_cmis)
{
	cr_assert_eq(lc_module_open_bus(i2c, NULL, &mod, &d), 0);
	cr_assert_eq(lc_module_set_tx_disable(mod, 3, true, &d), 0, "%s", d.text);
	const uint8_t *p10 = lc_module_image_page(&bus.mod[0].img, 0, 0x10);
	cr_assert_eq(p10[2], 0x44); /* lane 3 added, lane 7 kept */
	cr_assert_eq(lc_module_set_tx_disable(mod, 7, false, &d), 0);
	cr_assert_eq(p10[2], 0x04);
	cr_assert_eq(lc_module_set_tx_disable(mod, 9, true, &d), LC_ERR_ARG);
	cr_assert_eq(lc_module_set_tx_disable(mod, 0, true, &d), LC_ERR_ARG);
	bus.mod[0].ignore_writes = true;
	cr_assert_eq(lc_module_set_tx_disable(mod, 1, true, &d), LC_ERR_INSTRUMENT);
	cr_assert(strstr(d.text, "ignored"), "%s", d.text);
}

Test(module_memory, tx_disable_sff8636)
{
	memset(&bus, 0, sizeof(bus));
	bus.mod[0].present = true;
	tm_sff8636_image(&bus.mod[0].img);
	cr_assert_eq(tm_bus_open(&bus, &i2c), 0);
	cr_assert_eq(lc_module_open_bus(i2c, NULL, &mod, &d), 0);
	cr_assert_eq(lc_module_set_tx_disable(mod, 1, true, &d), 0, "%s", d.text);
	cr_assert_eq(bus.mod[0].img.lower[86], 0x09);
	cr_assert_eq(lc_module_set_tx_disable(mod, 5, true, &d), LC_ERR_ARG);
	lc_module_info info;
	cr_assert_eq(lc_module_read_info(mod, &info, &d), 0, "%s", d.text);
	cr_assert(info.lanes[0].tx_disabled);
	cr_assert(info.temperature_limits_c.valid); /* page 03h read */
}

Test(module_memory, behind_a_mux)
{
	memset(&bus, 0, sizeof(bus));
	bus.has_mux = true;
	bus.mod[2].present = true;
	bus.mod[2].cmis = true;
	tm_cmis_image(&bus.mod[2].img, 0);
	bus.mod[5].present = true;
	tm_sff8636_image(&bus.mod[5].img);
	cr_assert_eq(tm_bus_open(&bus, &i2c), 0);
	lc_module_opts o;
	lc_module_opts_init(&o);
	o.mem.mux_addr = 0x70;
	o.mem.mux_channel = 5;
	lc_module *m5;
	cr_assert_eq(lc_module_open_bus(i2c, &o, &m5, &d), 0, "%s", d.text);
	o.mem.mux_channel = 2;
	cr_assert_eq(lc_module_open_bus(i2c, &o, &mod, &d), 0, "%s", d.text);
	lc_module_info a, b;
	/* interleaved: each operation selects its channel again */
	cr_assert_eq(lc_module_read_info(m5, &b, &d), 0, "%s", d.text);
	cr_assert_eq(lc_module_read_info(mod, &a, &d), 0, "%s", d.text);
	cr_assert_str_eq(a.serial, "SN12345");
	cr_assert_str_eq(b.serial, "F0001");
	cr_assert_gt(bus.mux_writes, 2);
	lc_module_close(m5);
	o.mem.mux_channel = 4; /* nothing there */
	lc_module *none;
	cr_assert_eq(lc_module_open_bus(i2c, &o, &none, &d), LC_ERR_NOT_FOUND);
	o.mem.mux_channel = 9;
	cr_assert_eq(lc_module_open_bus(i2c, &o, &none, &d), LC_ERR_ARG);
}

Test(module_memory, bad_spans, .init = setup_cmis)
{
	cr_assert_eq(lc_module_open_bus(i2c, NULL, &mod, &d), 0);
	uint8_t buf[256];
	lc_module_mem *m = lc_module_memory(mod);
	cr_assert_eq(lc_module_mem_read(m, 0, 0, 120, buf, 16, &d), LC_ERR_ARG);
	cr_assert_eq(lc_module_mem_read(m, 0, 0, 250, buf, 16, &d), LC_ERR_ARG);
	cr_assert_eq(lc_module_mem_read(m, 0, 0, 0, buf, 0, &d), LC_ERR_ARG);
	cr_assert_eq(lc_module_mem_read(m, 0, 0, 0, buf, 128, &d), 0);
	cr_assert_eq(buf[0], 0x18);
}
