/* The modelled module bus of module_bus_model.h. */
#include "tests/instruments/module_bus_model.h"

#include <string.h>

static tm_module *current(tm_bus *b)
{
	if (!b->has_mux)
		return b->mod[0].present ? &b->mod[0] : NULL;
	for (int c = 0; c < 8; c++)
		if ((b->mux & (1u << c)) && b->mod[c].present)
			return &b->mod[c];
	return NULL;
}

static uint8_t *byte_at(tm_module *m, unsigned off)
{
	if (off < 128)
		return &m->img.lower[off];
	uint8_t *p = (uint8_t *)lc_module_image_page(&m->img, 0, m->sel_page);
	return p && m->sel_bank == 0 ? &p[off - 128] : NULL;
}

static int transfer(void *priv, const lc_i2c_xfer *x, int64_t dl, lc_diag *diag)
{
	(void)dl;
	tm_bus *b = priv;
	if (b->has_mux && x->addr == 0x70) {
		if (x->wlen)
			b->mux = x->wbuf[x->wlen - 1], b->mux_writes++;
		for (size_t i = 0; i < x->rlen; i++)
			x->rbuf[i] = b->mux;
		return 0;
	}
	tm_module *m = x->addr == 0x50 ? current(b) : NULL;
	if (!m)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "model: no device at 0x%02X", x->addr);
	if (m->naks_left > 0) {
		m->naks_left--;
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "model: busy committing a page select");
	}
	if (x->wlen) {
		m->writes++;
		m->offset = x->wbuf[0];
		for (size_t i = 1; i < x->wlen; i++) {
			unsigned off = m->offset;
			if (off == 127) {
				if (lc_module_image_page(&m->img, 0, x->wbuf[i]) && !m->ignore_writes)
					m->sel_page = x->wbuf[i]; /* an unimplemented page is refused */
				m->img.lower[127] = m->sel_page;
				m->naks_left = m->nak_after_select;
			} else if (off == 126 && m->cmis) {
				/* one bank implemented: another is refused, the byte keeps 0 */
				m->img.lower[126] = m->sel_bank = 0;
			} else if (!m->ignore_writes) {
				uint8_t *p = byte_at(m, off);
				if (p)
					*p = x->wbuf[i];
			}
			m->offset = (uint8_t)(off + 1);
		}
	}
	if (x->rlen) {
		m->reads++;
		for (size_t i = 0; i < x->rlen; i++) {
			uint8_t *p = byte_at(m, m->offset);
			x->rbuf[i] = p ? *p : 0;
			m->offset = (uint8_t)(m->offset + 1);
		}
	}
	return 0;
}

static const lc_i2c_ops model_ops = {"model", 256, transfer, NULL};

int tm_bus_open(tm_bus *b, lc_i2c **out) { return lc_i2c_open_ops(&model_ops, b, NULL, out, NULL); }
