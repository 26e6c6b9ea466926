/* CP2112 and MCP2221A models of hid_bridge_model.h. */
#include "tests/hal/hid_bridge_model.h"

#include <string.h>

void hid_model_init(hid_model *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 256; i++)
		m->mem[i] = (uint8_t)(255 - i);
	m->error_status1 = -1;
	m->version = 2;
}

static void push(hid_model *m, const uint8_t *r, int len)
{
	memset(m->q[m->qtail % 64], 0, 64);
	memcpy(m->q[m->qtail % 64], r, (size_t)len);
	m->qlen[m->qtail % 64] = 64;
	m->qtail++;
}

static int model_read(void *ctx, uint8_t *buf, size_t cap, int64_t dl, lc_diag *diag)
{
	(void)dl;
	hid_model *m = ctx;
	if (m->qhead == m->qtail)
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "model: no report");
	int n = m->qlen[m->qhead % 64];
	memcpy(buf, m->q[m->qhead % 64], (size_t)n < cap ? (size_t)n : cap);
	m->qhead++;
	return n;
}

static void model_close(void *ctx) { ((hid_model *)ctx)->closed = true; }

/* the device side of a transfer at addr: write bytes set the pointer and store, a read fills data */
static void device(hid_model *m, uint8_t addr8, const uint8_t *w, int wlen, int rlen)
{
	m->nak = (addr8 >> 1) != 0x50;
	m->data_len = m->data_pos = 0;
	if (m->nak)
		return;
	if (wlen) {
		m->ptr = w[0];
		for (int i = 1; i < wlen; i++)
			m->mem[m->ptr++] = w[i];
	}
	for (int i = 0; i < rlen; i++)
		m->data[i] = m->mem[m->ptr++];
	m->data_len = rlen - m->short_by > 0 ? rlen - m->short_by : 0;
}

/* ---- CP2112 ---- */

static int cp_write(void *ctx, const uint8_t *r, size_t len, int64_t dl, lc_diag *diag)
{
	(void)dl, (void)diag, (void)len;
	hid_model *m = ctx;
	memcpy(m->last_out, r, 64);
	m->outs++;
	switch (r[0]) {
	case 0x10:
		device(m, r[1], NULL, 0, r[2] << 8 | r[3]);
		break;
	case 0x11:
		device(m, r[1], r + 5, r[4], r[2] << 8 | r[3]);
		break;
	case 0x14:
		device(m, r[1], r + 3, r[2], 0);
		break;
	case 0x15: {
		uint8_t st[7] = {0x16};
		if (m->busy_polls != 0) {
			if (m->busy_polls > 0)
				m->busy_polls--;
			st[1] = 1;
		} else if (m->nak) {
			st[1] = 3, st[2] = 0;
		} else if (m->error_status1 >= 0) {
			st[1] = 3, st[2] = (uint8_t)m->error_status1;
		} else {
			st[1] = 2, st[2] = 5;
			st[5] = (uint8_t)(m->data_len >> 8), st[6] = (uint8_t)m->data_len;
		}
		push(m, st, 7);
		break;
	}
	case 0x12: {
		while (m->data_pos < m->data_len) {
			int n = m->data_len - m->data_pos > 61 ? 61 : m->data_len - m->data_pos;
			uint8_t rep[64] = {0x13, 2, (uint8_t)n};
			memcpy(rep + 3, m->data + m->data_pos, (size_t)n);
			m->data_pos += n;
			push(m, rep, 3 + n);
		}
		break;
	}
	case 0x17:
		m->cancels++;
		break;
	}
	return 0;
}

static int cp_get_feature(void *ctx, uint8_t *r, size_t len, lc_diag *diag)
{
	(void)diag;
	hid_model *m = ctx;
	if (r[0] == 0x05 && len >= 3) {
		r[1] = 0x0C;
		r[2] = m->version;
	}
	return (int)len;
}

static int cp_set_feature(void *ctx, const uint8_t *r, size_t len, lc_diag *diag)
{
	(void)diag;
	hid_model *m = ctx;
	memcpy(m->config, r, len < 16 ? len : 16);
	return 0;
}

lc_hid_io hid_model_cp2112(hid_model *m)
{
	return (lc_hid_io){cp_write, model_read, cp_set_feature, cp_get_feature, model_close, m};
}

/* ---- MCP2221A ---- */

static int mcp_write(void *ctx, const uint8_t *r, size_t len, int64_t dl, lc_diag *diag)
{
	(void)dl, (void)diag, (void)len;
	hid_model *m = ctx;
	memcpy(m->last_out, r, 64);
	m->outs++;
	uint8_t rep[64] = {r[0]};
	int wlen = r[1] | r[2] << 8;
	if (m->refuse_busy && r[0] != 0x10) {
		m->refuse_busy = false;
		rep[1] = 0x01;
		rep[2] = 0x01;
		push(m, rep, 64);
		return 0;
	}
	switch (r[0]) {
	case 0x10:
		if (r[2] == 0x10)
			m->cancels++;
		rep[3] = r[3] == 0x20 ? 0x20 : 0;
		rep[8] = (uint8_t)m->engine_state;
		rep[20] = m->nak ? 0x40 : 0;
		m->config[0] = r[4];
		break;
	case 0x90:
	case 0x94:
		device(m, r[3], r + 4, wlen, 0);
		break;
	case 0x91:
	case 0x93:
		/* a write-read continues at the pointer the 0x94 set */
		if ((r[3] >> 1) != 0x50) {
			m->nak = true;
		} else {
			m->nak = false;
			for (int i = 0; i < wlen; i++)
				m->data[i] = m->mem[m->ptr++];
			m->data_len = wlen - m->short_by > 0 ? wlen - m->short_by : 0;
			m->data_pos = 0;
		}
		break;
	case 0x40:
		if (m->nak) {
			rep[2] = 0x25;
			rep[3] = 127;
		} else if (m->engine_state) {
			rep[1] = 0x41;
			rep[2] = (uint8_t)m->engine_state;
			rep[3] = 127;
		} else {
			int n = m->data_len - m->data_pos > 60 ? 60 : m->data_len - m->data_pos;
			rep[2] = 0x55;
			rep[3] = (uint8_t)n;
			memcpy(rep + 4, m->data + m->data_pos, (size_t)n);
			m->data_pos += n;
		}
		break;
	}
	push(m, rep, 64);
	return 0;
}

static int no_feature(void *ctx, uint8_t *r, size_t len, lc_diag *diag)
{
	(void)ctx, (void)r, (void)len;
	return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "model: no feature reports");
}

static int no_set_feature(void *ctx, const uint8_t *r, size_t len, lc_diag *diag)
{
	(void)ctx, (void)r, (void)len;
	return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "model: no feature reports");
}

lc_hid_io hid_model_mcp2221(hid_model *m)
{
	return (lc_hid_io){mcp_write, model_read, no_set_feature, no_feature, model_close, m};
}
