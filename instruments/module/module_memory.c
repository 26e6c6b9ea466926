/* Paged module memory over I2C (module_memory.h). */
#include "instruments/module/module_memory.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "instruments/module/module_info.h"

#define PAGE_SELECT 127
#define BANK_SELECT 126

struct lc_module_mem {
	lc_i2c *bus;
	lc_module_mem_opts o;
	uint8_t identifier;
	bool cmis;
	int64_t settle_until; /* NAKs before this instant are the module committing a write */
};

void lc_module_mem_opts_init(lc_module_mem_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->addr = LC_MODULE_I2C_ADDR;
	o->write_settle_ms = 80;
}

static bool nak(int rc) { return rc == LC_ERR_NOT_FOUND || rc == LC_ERR_IO; }

/* A transfer, retried while the module NAKs within its write cycle. */
static int xfer(lc_module_mem *m, const uint8_t *w, size_t wlen, uint8_t *r, size_t rlen, lc_diag *diag)
{
	for (;;) {
		int rc = rlen ? lc_i2c_write_read(m->bus, m->o.addr, w, wlen, r, rlen, diag)
			      : lc_i2c_write(m->bus, m->o.addr, w, wlen, diag);
		if (rc >= 0 || !nak(rc) || lc_now_ms() >= m->settle_until)
			return rc;
		lc_sleep_ms(1);
	}
}

static int select_mux(lc_module_mem *m, lc_diag *diag)
{
	if (!m->o.mux_addr)
		return 0;
	int rc = 0;
	for (unsigned k = 0; k < 8 && rc >= 0; k++) {
		uint8_t other = (uint8_t)(0x70 + k), none = 0;
		if ((m->o.mux_others & (1u << k)) && other != m->o.mux_addr &&
		    (rc = lc_i2c_write(m->bus, other, &none, 1, diag)) < 0) {
			lc_diag_prefix(diag, "mux 0x%02X (releasing its channels): ", other);
			return rc;
		}
	}
	uint8_t ctl = (uint8_t)(1u << m->o.mux_channel);
	rc = lc_i2c_write(m->bus, m->o.mux_addr, &ctl, 1, diag);
	if (rc < 0)
		lc_diag_prefix(diag, "mux 0x%02X channel %d: ", m->o.mux_addr, m->o.mux_channel);
	return rc < 0 ? rc : 0;
}

static int select_page(lc_module_mem *m, unsigned bank, unsigned page, lc_diag *diag)
{
	/* CMIS: bank and page in one write from byte 126, so the module switches both at once (banks apply to
	 * pages 10h-FFh only, domain-facts §5); SFF-8636 has no bank byte */
	bool with_bank = m->cmis && page >= 0x10;
	if (bank && !with_bank)
		return lc_diag_set(diag, LC_ERR_ARG, "bank %u: only CMIS pages 10h-FFh are banked", bank);
	uint8_t w[3] = {with_bank ? BANK_SELECT : PAGE_SELECT, with_bank ? (uint8_t)bank : (uint8_t)page, (uint8_t)page};
	int rc = xfer(m, w, with_bank ? 3 : 2, NULL, 0, diag);
	if (rc < 0) {
		lc_diag_prefix(diag, "page select %02Xh: ", page);
		return rc;
	}
	m->settle_until = lc_now_ms() + m->o.write_settle_ms;
	uint8_t back[2];
	uint8_t reg = with_bank ? BANK_SELECT : PAGE_SELECT;
	if ((rc = xfer(m, &reg, 1, back, with_bank ? 2 : 1, diag)) < 0) {
		lc_diag_prefix(diag, "page select %02Xh read back: ", page);
		return rc;
	}
	uint8_t got_page = with_bank ? back[1] : back[0];
	if (got_page != page || (with_bank && back[0] != bank))
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "page %02Xh bank %u not accepted (byte 127 reads %02Xh)", page, bank,
				   got_page);
	return 0;
}

int lc_module_mem_open(lc_i2c *bus, const lc_module_mem_opts *opts, lc_module_mem **out, lc_diag *diag)
{
	lc_module_mem_opts o;
	lc_module_mem_opts_init(&o);
	if (opts) {
		o = *opts;
		if (!o.addr)
			o.addr = LC_MODULE_I2C_ADDR;
		if (o.write_settle_ms <= 0)
			o.write_settle_ms = 80;
	}
	if (o.mux_addr && (o.mux_channel < 0 || o.mux_channel > 7))
		return lc_diag_set(diag, LC_ERR_ARG, "mux channel %d (0..7)", o.mux_channel);
	lc_module_mem *m = calloc(1, sizeof(*m));
	if (!m)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	m->bus = bus;
	m->o = o;
	lc_i2c_lock(bus);
	int rc = select_mux(m, diag);
	uint8_t reg = 0;
	if (rc >= 0)
		rc = xfer(m, &reg, 1, &m->identifier, 1, diag);
	lc_i2c_unlock(bus);
	if (rc < 0) {
		free(m);
		lc_diag_prefix(diag, "module at 0x%02X: ", o.addr);
		return rc;
	}
	m->cmis = lc_module_spec_of(m->identifier) == LC_MODULE_CMIS;
	*out = m;
	return 0;
}

void lc_module_mem_close(lc_module_mem *m) { free(m); }

uint8_t lc_module_mem_identifier(const lc_module_mem *m) { return m->identifier; }

static int check_span(unsigned bank, unsigned page, unsigned offset, size_t len, lc_diag *diag)
{
	if (len == 0 || offset > 255 || offset + len > 256)
		return lc_diag_set(diag, LC_ERR_ARG, "%zu bytes at offset %u do not fit in a page", len, offset);
	if (offset < 128 && offset + len > 128)
		return lc_diag_set(diag, LC_ERR_ARG, "offsets %u..%zu cross from the lower page into page %02Xh", offset,
				   offset + len - 1, page);
	if (bank > 255 || page > 255)
		return lc_diag_set(diag, LC_ERR_ARG, "bank %u page %u out of range", bank, page);
	return 0;
}

static int op(lc_module_mem *m, bool write, unsigned bank, unsigned page, unsigned offset, uint8_t *buf,
	      const uint8_t *data, size_t len, lc_diag *diag)
{
	int rc = check_span(bank, page, offset, len, diag);
	if (rc < 0)
		return rc;
	lc_i2c_lock(m->bus);
	rc = select_mux(m, diag);
	if (rc >= 0 && offset >= 128)
		rc = select_page(m, bank, page, diag);
	uint8_t reg = (uint8_t)offset;
	if (rc >= 0 && !write) {
		/* reads in chunks the adapter takes; 128 bytes at most per transfer (one upper page) */
		for (size_t done = 0; done < len && rc >= 0; done += 128) {
			size_t n = len - done < 128 ? len - done : 128;
			reg = (uint8_t)(offset + done);
			rc = xfer(m, &reg, 1, buf + done, n, diag);
		}
	} else if (rc >= 0) {
		uint8_t w[1 + 128];
		w[0] = reg;
		memcpy(w + 1, data, len > 128 ? 128 : len);
		rc = len > 128 ? lc_diag_set(diag, LC_ERR_ARG, "a write of %zu bytes (at most 128)", len)
			       : xfer(m, w, 1 + len, NULL, 0, diag);
		if (rc >= 0)
			m->settle_until = lc_now_ms() + m->o.write_settle_ms;
	}
	lc_i2c_unlock(m->bus);
	if (rc < 0) {
		lc_diag_prefix(diag, "module page %02Xh offset %u: ", page, offset);
		return rc;
	}
	return 0;
}

int lc_module_mem_read(lc_module_mem *m, unsigned bank, unsigned page, unsigned offset, uint8_t *buf, size_t len,
		       lc_diag *diag)
{
	return op(m, false, bank, page, offset, buf, NULL, len, diag);
}

int lc_module_mem_write(lc_module_mem *m, unsigned bank, unsigned page, unsigned offset, const uint8_t *data,
			size_t len, lc_diag *diag)
{
	return op(m, true, bank, page, offset, NULL, data, len, diag);
}

static int add_page(lc_module_mem *m, unsigned page, lc_module_image *img, lc_diag *diag)
{
	uint8_t buf[LC_MODULE_PAGE_SIZE];
	int rc = lc_module_mem_read(m, 0, page, 128, buf, sizeof(buf), diag);
	if (rc < 0)
		return rc;
	return lc_module_image_put(img, 0, page, buf, diag);
}

int lc_module_mem_read_image(lc_module_mem *m, int extra_page, lc_module_image *img, lc_diag *diag)
{
	lc_module_image_init(img);
	int rc = lc_module_mem_read(m, 0, 0, 0, img->lower, 128, diag);
	if (rc < 0)
		return rc;
	img->has_lower = true;
	if ((rc = add_page(m, 0x00, img, diag)) < 0)
		return rc;
	uint8_t id = img->lower[0];
	enum lc_module_spec spec = lc_module_spec_of(id);
	/* flat memory: CMIS byte 2 bit 7; SFF-8636 byte 2 bit 2 (UNCONFIRMED naming, module_info.h) */
	bool flat = spec == LC_MODULE_CMIS ? (img->lower[2] & 0x80) : (img->lower[2] & 0x04);
	static const unsigned cmis_pages[] = {0x01, 0x02, 0x10, 0x11};
	if (!flat && spec == LC_MODULE_CMIS) {
		for (size_t i = 0; i < 4 && rc >= 0; i++)
			rc = add_page(m, cmis_pages[i], img, diag);
	} else if (!flat && spec == LC_MODULE_SFF8636) {
		rc = add_page(m, 0x03, img, diag);
	}
	if (rc >= 0 && extra_page >= 0 && !lc_module_image_page(img, 0, (unsigned)extra_page))
		rc = add_page(m, (unsigned)extra_page, img, diag);
	return rc;
}
