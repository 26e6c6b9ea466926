/* The module instrument class: an I2C bus, a module memory on it, reading and Tx control (module.h). */
#include "instruments/module/module.h"
#include "instruments/module/module_diag.h"
#include "instruments/json_text.h"
#include "instruments/module/module_info.h"

#include <stdlib.h>
#include <strings.h>

struct lc_module {
	lc_i2c *bus;
	bool own_bus;
	lc_module_mem *mem;
};

void lc_module_opts_init(lc_module_opts *o)
{
	lc_i2c_opts_init(&o->i2c);
	lc_module_mem_opts_init(&o->mem);
}

static int open_on(lc_i2c *bus, bool own, const lc_module_opts *opts, lc_module **out, lc_diag *diag)
{
	lc_module *m = calloc(1, sizeof(*m));
	if (!m) {
		if (own)
			lc_i2c_close(bus);
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	}
	m->bus = bus;
	m->own_bus = own;
	int rc = lc_module_mem_open(bus, opts ? &opts->mem : NULL, &m->mem, diag);
	if (rc < 0) {
		lc_module_close(m);
		return rc;
	}
	*out = m;
	return 0;
}

int lc_module_open(const char *resource, const lc_module_opts *opts, lc_module **out, lc_diag *diag)
{
	lc_i2c *bus;
	int rc = lc_i2c_open(resource, opts ? &opts->i2c : NULL, &bus, diag);
	if (rc < 0)
		return rc;
	return open_on(bus, true, opts, out, diag);
}

int lc_module_open_bus(lc_i2c *bus, const lc_module_opts *opts, lc_module **out, lc_diag *diag)
{
	if (!bus)
		return lc_diag_set(diag, LC_ERR_ARG, "no bus");
	return open_on(bus, false, opts, out, diag);
}

void lc_module_close(lc_module *m)
{
	if (!m)
		return;
	lc_module_mem_close(m->mem);
	if (m->own_bus)
		lc_i2c_close(m->bus);
	free(m);
}

lc_module_mem *lc_module_memory(lc_module *m) { return m->mem; }

lc_i2c *lc_module_i2c(lc_module *m) { return m->bus; }

int lc_module_read_image(lc_module *m, int extra_page, lc_module_image *img, lc_diag *diag)
{
	return lc_module_mem_read_image(m->mem, extra_page, img, diag);
}

int lc_module_read_info(lc_module *m, lc_module_info *info, lc_diag *diag)
{
	lc_module_image *img = malloc(sizeof(*img));
	if (!img)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = lc_module_read_image(m, -1, img, diag);
	if (rc >= 0)
		rc = lc_module_decode(img, info, diag);
	free(img);
	return rc;
}

int lc_module_set_tx_disable(lc_module *m, unsigned lane, bool disable, lc_diag *diag)
{
	bool cmis = lc_module_spec_of(lc_module_mem_identifier(m->mem)) == LC_MODULE_CMIS;
	unsigned lanes = cmis ? 8 : 4;
	if (lane < 1 || lane > lanes)
		return lc_diag_set(diag, LC_ERR_ARG, "lane %u (the module has lanes 1..%u)", lane, lanes);
	unsigned page = cmis ? 0x10 : 0, offset = cmis ? 130 : 86;
	uint8_t v;
	lc_i2c *bus = m->bus;
	lc_i2c_lock(bus); /* read-modify-write of the other lanes' bits must be atomic */
	int rc = lc_module_mem_read(m->mem, 0, page, offset, &v, 1, diag);
	if (rc >= 0) {
		uint8_t bit = (uint8_t)(1u << (lane - 1));
		uint8_t want = disable ? (uint8_t)(v | bit) : (uint8_t)(v & ~bit);
		rc = lc_module_mem_write(m->mem, 0, page, offset, &want, 1, diag);
		if (rc >= 0)
			rc = lc_module_mem_read(m->mem, 0, page, offset, &v, 1, diag);
		if (rc >= 0 && v != want)
			rc = lc_diag_set(diag, LC_ERR_INSTRUMENT, "Tx disable of lane %u ignored: byte %u reads 0x%02X, 0x%02X "
					 "written", lane, offset, v, want);
	}
	lc_i2c_unlock(bus);
	return rc;
}

int lc_module_snapshot(lc_module *m, char **json, lc_diag *diag)
{
	if (json)
		*json = NULL;
	if (!m || !json)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_module_snapshot: NULL argument");
	lc_module_info *info = malloc(sizeof(*info));
	if (!info)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = lc_module_read_info(m, info, diag);
	if (rc >= 0)
		rc = lc_json_text(json_pack("{s:s,s:i,s:o}", "adapter", lc_i2c_adapter_name(m->bus), "identifier",
					    lc_module_mem_identifier(m->mem), "module", lc_module_info_to_json(info)),
				  json, diag);
	free(info);
	return rc;
}

int lc_module_read_source(const char *source, const lc_module_opts *opts, int extra_page, lc_module_image *img,
			  lc_diag *diag)
{
	if (!source || !img)
		return lc_diag_set(diag, LC_ERR_ARG, "no module source");
	if (strncasecmp(source, "I2C::", 5) != 0) /* a dump may be called i2c-x.txt */
		return lc_module_dump_load(source, img, diag);
	lc_module *m;
	int rc = lc_module_open(source, opts, &m, diag);
	if (rc < 0)
		return rc;
	rc = lc_module_read_image(m, extra_page, img, diag);
	lc_module_close(m);
	return rc;
}
