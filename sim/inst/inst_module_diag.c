/*
 * The simulated modules' CMIS diagnostics pages (13h advertisement and controls, 14h results), with the byte
 * positions instruments/module/module_diag.h cites (FBOSS CmisModule.cpp, SONiC inf8628Diag). A module with
 * option "prbs" (default true) advertises PRBS-31Q, PRBS-31 and SSPRQ generators and checkers on both sides,
 * a BER register and real-time BER; without it the module refuses pages 13h and 14h, as a module without
 * diagnostics does.
 *
 * The truth follows the world, as the simulated BERTs' does: a media checker lane is locked when light
 * arrives at it (lc_sim_mod_arriving: swapped legs bring another lane's light, a broken fiber none, a
 * disabled transmitter none) from a far lane whose media generator runs the same pattern, at a power above
 * the receiver's loss-of-signal level; its errors are the world's BER of that path (lc_sim_world_port_ber:
 * a high_ber defect on the leg) times the bits since the checker was switched on (wall time x the lane rate:
 * 106.25 Gb/s on a 100G-per-lane optic, 53.125 Gb/s on an AOC lane), reported as errors / bits in the 16-bit
 * BER format. A lane that is not locked latches its loss-of-lock bit until its checker is switched on again.
 * Nothing drives a module's host inputs here, so a host checker that runs is never locked.
 * Which nibble of a pattern-select byte holds the lower lane is not confirmed by the sources: the simulator
 * reads the low nibble for odd lanes (1, 3, ...), and lanecert writes both nibbles alike.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "sim/inst/inst_module_priv.h"

#define PATTERNS_ADVERTISED 0x1003 /* PRBS-31Q (id 0), PRBS-31 (1), SSPRQ (12) */

void lc_sim_mod_diag_build(struct sim_mod_end *e)
{
	uint8_t *p13 = lc_sim_mod_page(e, 0x13), *p14 = lc_sim_mod_page(e, 0x14);
	memset(p13, 0, 128);
	memset(p14, 0, 128);
	lc_sim_mod_page(e, 0x01)[142 - 128] |= 0x20; /* pages 13h/14h advertised (instruments/module/module_diag.c) */
	p13[129 - 128] = 0xC0 | 0x10; /* gating > 20 ms, real-time BER */
	p13[130 - 128] = 0x01;        /* BER register */
	for (int i = 0; i < 4; i++) { /* host gen, media gen, host checker, media checker */
		p13[132 - 128 + 2 * i] = PATTERNS_ADVERTISED & 0xFF;
		p13[133 - 128 + 2 * i] = PATTERNS_ADVERTISED >> 8;
	}
	e->chk_lol = 0;
}

static int nibble(const uint8_t *p13, unsigned first, unsigned lane)
{
	uint8_t b = p13[first - 128 + lane / 2];
	return lane % 2 ? b >> 4 : b & 0x0F;
}

bool lc_sim_mod_generating(const struct sim_mod_end *e, unsigned lane, int *pattern)
{
	if (!e->diag || lane >= SIM_MOD_LANES)
		return false;
	const uint8_t *p13 = lc_sim_mod_page((struct sim_mod_end *)e, 0x13);
	if (!(p13[152 - 128] & (1u << lane)))
		return false;
	*pattern = nibble(p13, 156, lane);
	return true;
}

void lc_sim_mod_diag_enabled(struct sim_mod_end *e, uint8_t before, uint8_t after)
{
	int64_t now = lc_now_us();
	for (unsigned k = 0; k < SIM_MOD_LANES; k++)
		if ((after & (1u << k)) && !(before & (1u << k))) {
			e->chk_start_us[k] = now;
			e->chk_lol &= (uint8_t)~(1u << k);
		}
}

/* v in the 16-bit BER format: the smallest exponent whose mantissa fits 11 bits. */
static void put_f16(uint8_t *p, double v)
{
	p[0] = p[1] = 0;
	if (!(v > 0))
		return;
	for (int ex = 0; ex < 32; ex++) {
		double m = v / pow(10.0, ex - 24);
		if (m <= 2047.0) {
			long mi = lround(m);
			p[0] = (uint8_t)(ex << 3 | (mi >> 8 & 7));
			p[1] = (uint8_t)(mi & 0xFF);
			return;
		}
	}
}

void lc_sim_mod_diag_refresh(struct sim_mod_end *e)
{
	uint8_t *p13 = lc_sim_mod_page(e, 0x13), *p14 = lc_sim_mod_page(e, 0x14);
	uint8_t sel = p14[0];
	memset(p14, 0, 128);
	p14[0] = sel;
	uint8_t chk_on = p13[168 - 128];
	double rate = e->optic ? 106.25e9 : 53.125e9;
	int64_t now = lc_now_us();
	for (unsigned k = 0; k < e->lanes && k < SIM_MOD_LANES; k++) {
		if (!(chk_on & (1u << k)))
			continue;
		const struct sim_mod_end *src = NULL;
		unsigned j = 0;
		double dbm = -INFINITY, ber = 0;
		int gp = -1;
		bool locked = lc_sim_mod_arriving(e, k, &dbm, &src, &j) && dbm > SIM_MOD_RX_LOS_DBM && src &&
			      lc_sim_mod_generating(src, j, &gp) && gp == nibble(p13, 172, k);
		char from[40];
		if (locked) {
			snprintf(from, sizeof(from), "dut:%s", src->tx_port[j]);
			locked = lc_sim_world_port_ber(e->all->world, from, &ber) == 0;
		}
		if (!locked) {
			e->chk_lol |= (uint8_t)(1u << k);
			continue;
		}
		double bits = rate * (double)(now - e->chk_start_us[k]) * 1e-6;
		double errors = bits > 0 ? floor(ber * bits + 0.5) : 0;
		if (sel == 1 && bits > 0)
			put_f16(p14 + (208 - 128) + 2 * k, errors / bits);
	}
	p14[139 - 128] = e->chk_lol;
	p14[138 - 128] = p13[160 - 128]; /* host checkers: nothing drives the host inputs */
}
