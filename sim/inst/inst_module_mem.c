/*
 * Memory maps of the simulated modules (inst_module_priv.h): CMIS 5.0 for QSFP-DD/OSFP/QSFP112/QSFP56 ends,
 * SFF-8636 for QSFP28 ends, byte positions as the client decoders read them (instruments/module/cmis.c,
 * sff8636.c, after shared/reference/domain-facts.md §5). Values a real module would have: 3.3 V, 40 °C
 * unless the scenario heats an end, thresholds of a typical short-reach module (the ones SONiC's own tests
 * use for temperature and Vcc: 75/-5/70/0 °C, 3.6/3.0/3.5/3.1 V).
 *
 * Flags show the present condition; a real module latches them until read (not modelled: a test reading
 * twice would see a latched flag only once on real hardware, never here).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/net/i2c_service.h"
#include "sim/inst/inst_module_priv.h"

static const uint8_t page_ids[SIM_MOD_PAGES] = {0x00, 0x01, 0x02, 0x03, 0x10, 0x11, 0x13, 0x14};

/* thresholds: high alarm, low alarm, high warning, low warning */
static const double th_temp[4] = {75, -5, 70, 0};
static const double th_vcc[4] = {3.6, 3.0, 3.5, 3.1};
static const double th_tx_mw[4] = {3.1623, 0.1, 2.0, 0.1585};  /* +5, -10, +3, -8 dBm */
static const double th_rx_mw[4] = {3.1623, 0.0501, 2.0, 0.0794}; /* +5, -13, +3, -11 dBm */
static const double th_bias_ma[4] = {15, 2, 13, 3};
#define RX_LOS_MW 0.0398 /* -14 dBm: below it the receiver declares loss of signal */

static uint8_t *page_of(struct sim_mod_end *e, uint8_t id)
{
	for (int i = 0; i < SIM_MOD_PAGES; i++)
		if (page_ids[i] == id)
			return e->up[i];
	return NULL;
}

uint8_t *lc_sim_mod_page(struct sim_mod_end *e, uint8_t id) { return page_of(e, id); }

static bool page_supported(const struct sim_mod_end *e, uint8_t id)
{
	if (id == 0x00)
		return true;
	if (e->flat)
		return false;
	if (e->cmis)
		return id == 0x01 || id == 0x02 || id == 0x10 || id == 0x11 || (e->diag && (id == 0x13 || id == 0x14));
	return id == 0x03;
}

static void put16(uint8_t *p, unsigned v)
{
	if (v > 0xFFFF)
		v = 0xFFFF;
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void puts16(uint8_t *p, double v) /* signed 1/256 */
{
	long x = lround(v * 256.0);
	if (x > 32767)
		x = 32767;
	if (x < -32768)
		x = -32768;
	uint16_t u = (uint16_t)(int16_t)x;
	p[0] = (uint8_t)(u >> 8);
	p[1] = (uint8_t)u;
}

static void ascii(uint8_t *p, size_t n, const char *s)
{
	memset(p, ' ', n);
	memcpy(p, s, strlen(s) < n ? strlen(s) : n);
}

static void thresholds(uint8_t *p, const double v[4], double unit, bool is_signed)
{
	for (int i = 0; i < 4; i++) {
		if (is_signed)
			puts16(p + 2 * i, v[i]);
		else
			put16(p + 2 * i, (unsigned)lround(v[i] / unit));
	}
}

static void build_cmis(struct sim_mod_end *e)
{
	uint8_t *lo = e->lower, *p0 = page_of(e, 0x00);
	lo[0] = e->identifier;
	lo[1] = 0x50; /* CMIS 5.0 */
	lo[2] = e->flat ? 0x80 : 0x00;
	lo[3] = 3 << 1; /* ModuleReady */
	lo[85] = e->optic ? 0x02 : e->copper ? 0x03 : 0x04;
	memset(lo + 86, 0xFF, 117 - 86 + 1);
	/* applications: the module's full width first, then the breakout legs' width */
	uint8_t *a = lo + 86;
	if (e->optic) {
		/* a single-mode optic: its host interface, its media code (inst_module.c's table) */
		a[0] = e->host_code;
		a[1] = e->media_code;
		a[2] = (uint8_t)(e->host_app_lanes << 4 | e->lanes);
		a[3] = 0x01;
	} else if (e->copper) {
		bool wide = e->lanes == 8;
		a[0] = wide ? 0x1D : 0x1B; /* 400G CR8 / 100GBASE-CR2 */
		a[1] = 0x01;               /* copper cable */
		a[2] = (uint8_t)(e->lanes << 4 | e->lanes);
		a[3] = 0x01;
	} else if (e->host_lanes == 4) {
		/* a CMIS QSFP28 AOC leg whose DSP shows its host 4 x 25G NRZ over its 2 x 50G PAM4 media lanes:
		 * CAUI-4 C2M with RS(528,514) FEC (0x42, instruments/module/sff8024.def; the host's FEC, as the media
		 * code of the 400G end says the optical lanes need); the media code is that end's class, so both ends
		 * of the assembly advertise one BER class */
		a[0] = 0x42;
		a[1] = 0x03;
		a[2] = (uint8_t)(e->host_lanes << 4 | e->lanes);
		a[3] = 0x01;
	} else {
		a[0] = e->lanes == 8 ? 0x11 : 0x0D; /* 400GAUI-8 / 100GAUI-2 C2M */
		a[1] = 0x03;                       /* active cable, BER < 2.6e-4 (PAM4, host FEC) */
		a[2] = (uint8_t)(e->lanes << 4 | e->lanes);
		a[3] = 0x01;
	}
	if (e->optic) {
		/* each breakout the optic has (whatever harness it sits on, as a real module advertises them): one
		 * application per leg width, starting on every leg's first host lane */
		for (unsigned x = 0; x < SIM_MOD_BREAKOUTS && e->brk[x].legs; x++) {
			const struct sim_mod_breakout *bo = &e->brk[x];
			uint8_t *b = lo + 90 + 4 * x, mask = 0;
			for (unsigned s = 0; s < bo->legs; s++)
				mask |= (uint8_t)(1u << (s * bo->host_lanes));
			b[0] = bo->host_code;
			b[1] = bo->media_code;
			b[2] = (uint8_t)(bo->host_lanes << 4 | bo->media_lanes);
			b[3] = mask;
		}
	} else if (e->breakout_near && !e->optic) {
		unsigned per = e->lanes / e->far_legs;
		uint8_t *b = lo + 90, mask = 0;
		for (unsigned s = 0; s < e->lanes; s += per)
			mask |= (uint8_t)(1u << s);
		b[0] = e->copper ? 0x1B : 0x0D;
		b[1] = e->copper ? 0x01 : 0x03;
		b[2] = (uint8_t)(per << 4 | per);
		b[3] = mask;
	}
	p0[0] = e->identifier;
	ascii(p0 + 1, 16, e->vendor);
	ascii(p0 + 20, 16, e->pn);
	ascii(p0 + 36, 2, "A0");
	ascii(p0 + 38, 16, e->sn);
	ascii(p0 + 54, 8, "261121  ");
	/* power class (bits 7-5, class - 1) and maximum power (0.25 W units): an AOC end declares the kind's
	 * max_power_w (default 9 W) in the class lanecert's power table puts it in (fixtures/limits/
	 * lanecert-module-power.json, UNCONFIRMED) unless the scenario sets power_class; copper is class 1 and
	 * declares nothing */
	p0[72] = (uint8_t)((e->copper ? 0 : e->all->power_class - 1) << 5);
	p0[73] = e->copper ? 0 : (uint8_t)lround(e->all->max_power_w / 0.25);
	/* cable length: whole metres up to 63 with the x1 multiplier (01b), else tenths (domain-facts §5c) */
	double len = e->length_m;
	if (len <= 63 && fabs(len - round(len)) < 1e-9)
		p0[74] = (uint8_t)(0x40 | (unsigned)lround(len));
	else
		p0[74] = (uint8_t)(lround(len * 10) > 63 ? 63 : lround(len * 10));
	p0[75] = e->optic ? e->connector : 0x23; /* the optic's receptacle / no separable connector */
	/* media interface technology: copper unequalized / 850 nm VCSEL; an SM optic "others" (0x08, the SFF-8024
	 * technology codes are not in the reference: the media type byte 85 says single mode) */
	p0[84] = e->optic ? 0x08 : e->copper ? 0x0A : 0x00;
	if (e->flat)
		return;
	uint8_t *p1 = page_of(e, 0x01), *p2 = page_of(e, 0x02);
	if (!e->copper)
		put16(p1 + 10, (unsigned)lround(e->nm / 0.05));
	p1[23] = 0x10;                 /* Rx power monitor reads average power */
	p1[31] = 0x03;                 /* temperature and Vcc monitors */
	p1[32] = e->copper ? 0 : 0x07; /* Tx bias, Tx power, Rx power monitors, bias multiplier x1 */
	p1[48] = 0x01;
	if (e->optic) /* media lane assignment: each breakout's legs start every media_lanes lanes */
		for (unsigned x = 0; x < SIM_MOD_BREAKOUTS && e->brk[x].legs; x++)
			for (unsigned s = 0; s < e->brk[x].legs; s++)
				p1[49 + x] |= (uint8_t)(1u << (s * e->brk[x].media_lanes));
	else if (e->breakout_near)
		p1[49] = lo[93];
	thresholds(p2 + 0, th_temp, 0, true);
	thresholds(p2 + 8, th_vcc, 100e-6, false);
	thresholds(p2 + 48, th_tx_mw, 1e-4, false);
	thresholds(p2 + 56, th_bias_ma, 2e-3, false);
	thresholds(p2 + 64, th_rx_mw, 1e-4, false);
}

static void build_sff8636(struct sim_mod_end *e)
{
	uint8_t *lo = e->lower, *p0 = page_of(e, 0x00), *p3 = page_of(e, 0x03);
	lo[0] = e->identifier;
	lo[1] = 0x08; /* revision compliance: SFF-8636 Rev 2.10a (code UNCONFIRMED) */
	lo[2] = e->flat ? 0x04 : 0x00;
	p0[0] = e->identifier;
	p0[1] = 0x00;
	p0[2] = e->optic ? 0x07 : 0x23;             /* LC / no separable connector */
	p0[3] = 0x80;                               /* extended compliance in byte 192 */
	p0[18] = (uint8_t)lround(e->length_m);      /* byte 146: assembly length, m */
	/* byte 147: copper unequalized / 850 nm VCSEL; a single-mode optic 0x60 (1310 nm EML in SFF-8636's table,
	 * not in the reference: the decoder reads any code but 0x0, 0x8 and copper as single-mode optics) */
	p0[19] = e->optic ? 0x60 : e->copper ? 0xA0 : 0x00;
	ascii(p0 + 20, 16, e->vendor);
	ascii(p0 + 40, 16, e->pn);
	ascii(p0 + 56, 2, "A0");
	if (!e->copper)
		put16(p0 + 58, (unsigned)lround(e->nm * 20)); /* byte 186: nm x 20 */
	/* byte 192: CR4 copper; an AOC end with a DSP showing 4 x 25G NRZ (BER < 1e-12 at its host); else the AOC
	 * on 100GAUI-2, BER 2.6e-4 (domain-facts §1c, compat_media.def) */
	p0[64] = e->optic ? e->media_code : e->copper ? 0x0B : e->host_lanes == 4 ? 0x18 : 0x33;
	ascii(p0 + 68, 16, e->sn);
	ascii(p0 + 84, 8, "261121  ");
	p0[92] = 0x0C; /* byte 220: average Rx power, Tx power monitored */
	thresholds(p3 + 0, th_temp, 0, true);
	thresholds(p3 + 16, th_vcc, 100e-6, false);
	thresholds(p3 + 48, th_rx_mw, 1e-4, false);
	thresholds(p3 + 56, th_bias_ma, 2e-3, false);
	thresholds(p3 + 64, th_tx_mw, 1e-4, false);
}

void lc_sim_mod_build(struct sim_mod_end *e, const struct sim_modules *all)
{
	(void)all;
	memset(e->lower, 0, sizeof(e->lower));
	memset(e->up, 0, sizeof(e->up));
	if (e->cmis)
		build_cmis(e);
	else
		build_sff8636(e);
	e->diag = e->diag && e->cmis && !e->flat; /* only a paged CMIS memory has diagnostics pages */
	if (e->diag)
		lc_sim_mod_diag_build(e);
	lc_sim_mod_refresh(e);
}

bool lc_sim_mod_tx_disabled(const struct sim_mod_end *e, unsigned lane)
{
	if (e->cmis)
		return e->up[4][130 - 128] & (1u << lane); /* page 10h byte 130 */
	return e->lower[86] & (1u << lane);
}

/*
 * The light arriving at lane k's Rx port: the world says which far lane's fiber ends there (a swapped-legs
 * DUT brings another lane's light; a broken fiber brings none), the design's route is only tried first.
 * Returns true with the power in dBm when a lit lane arrives.
 */
static bool arriving_from(const struct sim_mod_end *e, unsigned k, double *dbm, const struct sim_mod_end **src,
			  unsigned *src_lane);

static bool arriving(const struct sim_mod_end *e, unsigned k, double *dbm)
{
	return arriving_from(e, k, dbm, NULL, NULL);
}

bool lc_sim_mod_arriving(const struct sim_mod_end *e, unsigned k, double *dbm, const struct sim_mod_end **src,
			 unsigned *src_lane)
{
	return arriving_from(e, k, dbm, src, src_lane);
}

static bool arriving_from(const struct sim_mod_end *e, unsigned k, double *dbm, const struct sim_mod_end **src,
			  unsigned *src_lane)
{
	const struct sim_modules *all = e->all;
	char to[40];
	snprintf(to, sizeof(to), "dut:%s", e->rx_port[k]);
	for (int pass = 0; pass < 2; pass++)
		for (size_t si = 0; si < all->n; si++) {
			const struct sim_mod_end *s = &all->ends[si];
			if (s == e)
				continue;
			for (unsigned j = 0; j < s->lanes; j++) {
				bool hint = e->src_end[k] == (int)si && e->src_lane[k] == (int)j;
				if ((pass == 0) != hint || !s->tx_port[j][0])
					continue;
				char from[40];
				double loss;
				snprintf(from, sizeof(from), "dut:%s", s->tx_port[j]);
				if (lc_sim_world_dut_loss(all->world, from, to, e->nm, &loss) != 0)
					continue;
				if (lc_sim_mod_tx_disabled(s, j))
					return false;
				if (src) {
					*src = s;
					*src_lane = j;
				}
				*dbm = all->tx_dbm - loss;
				return true;
			}
		}
	return false;
}

static unsigned flags4(double v, const double th[4])
{
	return (v > th[0] ? 1u : 0) | (v < th[1] ? 2u : 0) | (v > th[2] ? 4u : 0) | (v < th[3] ? 8u : 0);
}

void lc_sim_mod_refresh(struct sim_mod_end *e)
{
	struct sim_modules *all = e->all;
	double temp = 40.0;
	lc_sim_world_module_temp_at(all->world, e->label, &temp);
	double vcc = 3.3;
	unsigned tf = flags4(temp, th_temp), vf = flags4(vcc, th_vcc);
	double tx[SIM_MOD_LANES] = {0}, rx[SIM_MOD_LANES] = {0}, bias[SIM_MOD_LANES] = {0};
	uint8_t rx_los = 0, txf[4] = {0}, bf[4] = {0}, rf[4] = {0};
	for (unsigned k = 0; k < e->lanes && !e->copper; k++) {
		if (!lc_sim_mod_tx_disabled(e, k)) {
			tx[k] = pow(10.0, all->tx_dbm / 10.0);
			bias[k] = all->bias_ma;
		}
		double dbm;
		if (arriving(e, k, &dbm))
			rx[k] = pow(10.0, dbm / 10.0);
		if (rx[k] < RX_LOS_MW)
			rx_los |= (uint8_t)(1u << k);
		unsigned f[3] = {flags4(tx[k], th_tx_mw), flags4(bias[k], th_bias_ma), flags4(rx[k], th_rx_mw)};
		for (int b = 0; b < 4; b++) {
			if (f[0] & (1u << b))
				txf[b] |= (uint8_t)(1u << k);
			if (f[1] & (1u << b))
				bf[b] |= (uint8_t)(1u << k);
			if (f[2] & (1u << b))
				rf[b] |= (uint8_t)(1u << k);
		}
	}
	uint8_t *lo = e->lower;
	if (e->cmis) {
		if (e->flat)
			return; /* a passive copper cable has no monitors */
		lo[9] = (uint8_t)(tf | vf << 4);
		puts16(lo + 14, temp);
		put16(lo + 16, (unsigned)lround(vcc / 100e-6));
		uint8_t *p11 = e->up[5];
		memset(p11, 0, 128);
		for (unsigned k = 0; k < e->lanes; k++)
			p11[(128 + k / 2) - 128] |= (uint8_t)(4u << (4 * (k % 2))); /* DPActivated (state 4) */
		p11[136 - 128] = 0;
		p11[147 - 128] = rx_los;
		for (int b = 0; b < 4; b++) {
			p11[139 - 128 + b] = txf[b];
			p11[143 - 128 + b] = bf[b];
			p11[149 - 128 + b] = rf[b];
		}
		for (unsigned k = 0; k < SIM_MOD_LANES; k++) {
			put16(p11 + (154 - 128) + 2 * k, (unsigned)lround(tx[k] / 1e-4));
			put16(p11 + (170 - 128) + 2 * k, (unsigned)lround(bias[k] / 2e-3));
			put16(p11 + (186 - 128) + 2 * k, (unsigned)lround(rx[k] / 1e-4));
		}
		if (e->diag)
			lc_sim_mod_diag_refresh(e);
		return;
	}
	/* SFF-8636: flags as nibbles, lane 1 high nibble of the first byte */
	lo[3] = rx_los;
	lo[6] = (uint8_t)(((tf & 1) << 7) | ((tf & 2) << 5) | ((tf & 4) << 3) | ((tf & 8) << 1));
	lo[7] = (uint8_t)(((vf & 1) << 7) | ((vf & 2) << 5) | ((vf & 4) << 3) | ((vf & 8) << 1));
	memset(lo + 9, 0, 6);
	for (unsigned k = 0; k < 4 && k < e->lanes; k++) {
		unsigned fl[3] = {0, 0, 0};
		for (int b = 0; b < 4; b++) {
			fl[0] |= (rf[b] >> k & 1u) << (3 - b);
			fl[1] |= (bf[b] >> k & 1u) << (3 - b);
			fl[2] |= (txf[b] >> k & 1u) << (3 - b);
		}
		unsigned shift = (k % 2) ? 0 : 4;
		lo[9 + k / 2] |= (uint8_t)(fl[0] << shift);
		lo[11 + k / 2] |= (uint8_t)(fl[1] << shift);
		lo[13 + k / 2] |= (uint8_t)(fl[2] << shift);
	}
	puts16(lo + 22, temp);
	put16(lo + 26, (unsigned)lround(vcc / 100e-6));
	for (unsigned k = 0; k < 4; k++) {
		put16(lo + 34 + 2 * k, (unsigned)lround(rx[k] / 1e-4));
		put16(lo + 42 + 2 * k, (unsigned)lround(bias[k] / 2e-3));
		put16(lo + 50 + 2 * k, (unsigned)lround(tx[k] / 1e-4));
	}
}

/* ---- the bus ------------------------------------------------------------------------------------------ */

static uint8_t *byte_at(struct sim_mod_end *e, unsigned off)
{
	if (off < 128)
		return &e->lower[off];
	uint8_t *p = page_of(e, e->lower[127]);
	return p ? &p[off - 128] : NULL;
}

static bool writable(const struct sim_mod_end *e, unsigned off)
{
	if (off == 127 || (e->cmis && (off == 126 || off == 26)))
		return true;
	if (!e->cmis && (off == 86 || off == 93))
		return true;
	if (e->cmis && off >= 128 && e->lower[127] == 0x13) /* diagnostics controls: enables, pattern selects */
		return off >= 144 && off <= 175;
	if (e->cmis && off == 128 && e->lower[127] == 0x14) /* the diagnostics selector */
		return true;
	return e->cmis && off >= 128 && e->lower[127] == 0x10; /* page 10h: lane controls */
}

int lc_sim_mod_write(void *user, const uint8_t *data, size_t len)
{
	struct sim_mod_end *e = user;
	e->offset = data[0];
	for (size_t i = 1; i < len; i++) {
		unsigned off = e->offset;
		if (off == 127 && !page_supported(e, data[i])) {
			/* an unsupported page is refused: the select byte keeps its page (the host reads it back) */
		} else if (off == 126 && data[i] != 0) {
			/* one bank only (lanes 1-8) */
		} else if (writable(e, off)) {
			uint8_t *b = byte_at(e, off);
			uint8_t before = b ? *b : 0;
			if (b)
				*b = data[i];
			if (b && e->lower[127] == 0x13 && off == 168)
				lc_sim_mod_diag_enabled(e, before, data[i]);
		}
		/* a write beyond the page wraps inside it, as sequential writes do on these memories */
		e->offset = (uint8_t)(off == 127 ? 0 : off == 255 ? 128 : off + 1);
	}
	return LC_SIM_I2C_OK;
}

int lc_sim_mod_read(void *user, uint8_t *buf, size_t len)
{
	struct sim_mod_end *e = user;
	/* every read sees the module now: monitors follow the world, Tx disable bits of the other ends */
	lc_sim_mod_refresh(e);
	for (size_t i = 0; i < len; i++) {
		unsigned off = e->offset;
		uint8_t *b = byte_at(e, off);
		buf[i] = b ? *b : 0;
		e->offset = (uint8_t)(off == 255 ? 128 : off + 1);
	}
	return LC_SIM_I2C_OK;
}
