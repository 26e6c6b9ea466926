/* Lane physics of the simulated BERTs: sync, Poisson error counts, update periods (inst_anritsu_lanes.h). */
#include "sim/inst/inst_anritsu_lanes.h"

#include <math.h>
#include <string.h>

#include "base/clock.h"

/* Above this mean the Poisson draw uses the normal approximation (relative error far below the counting
 * statistics the BER step judges); below it the draw is exact, split into parts whose exp(-mean) stays
 * representable. */
#define POISSON_NORMAL_ABOVE 1e5
#define POISSON_PART 500.0

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return (double)(splitmix(s) >> 11) * 0x1.0p-53;
}

static uint64_t poisson_small(double mean, uint64_t *s)
{
	double limit = exp(-mean), p = 1.0;
	uint64_t k = 0;
	for (;;) {
		p *= uniform(s);
		if (p <= limit)
			return k;
		k++;
	}
}

static uint64_t poisson(double mean, uint64_t *s)
{
	if (!(mean > 0.0))
		return 0;
	if (mean > POISSON_NORMAL_ABOVE) {
		double u1 = uniform(s), u2 = uniform(s);
		double z = sqrt(-2.0 * log(u1 > 0 ? u1 : 1e-300)) * cos(2.0 * M_PI * u2);
		double v = floor(mean + sqrt(mean) * z + 0.5);
		return v > 0 ? (uint64_t)v : 0;
	}
	uint64_t k = 0;
	while (mean > POISSON_PART) {
		k += poisson_small(POISSON_PART, s);
		mean -= POISSON_PART;
	}
	return k + poisson_small(mean, s);
}

static int64_t mono_us(void *user)
{
	(void)user;
	return lc_now_us();
}

int lc_simb_init(lc_simb *b, unsigned n, lc_sim_world *world, const lc_simb_truth *truth, uint64_t seed,
		 double scale, int64_t (*now_us)(void *user), void *now_user)
{
	if (n == 0 || n > LC_SIMB_LANES_MAX || (!world && (!truth || truth->lanes < n)))
		return LC_ERR_ARG;
	memset(b, 0, sizeof *b);
	b->lanes = n;
	b->world = world;
	if (truth)
		b->truth = *truth;
	b->seed = seed;
	b->scale = scale > 0 ? scale : 1.0;
	b->now_us = now_us ? now_us : mono_us;
	b->now_user = now_user;
	b->t0_us = b->now_us(now_user);
	b->update_s = 1.0;
	b->rate = 25.78125e9;
	for (unsigned i = 0; i < n; i++) {
		b->ppg_order[i] = b->ed_order[i] = 31;
		b->ppg_on[i] = true;
	}
	return 0;
}

double lc_simb_now(const lc_simb *b)
{
	int64_t now = b->latched ? b->latched_us : b->now_us(b->now_user);
	return (double)(now - b->t0_us) * 1e-6 * b->scale;
}

void lc_simb_latch(lc_simb *b)
{
	b->latched_us = b->now_us(b->now_user);
	b->latched = true;
}

/* The PPG lane that arrives at ED lane e, or -1; its BER in *ber. */
static int source_of(const lc_simb *b, unsigned e, double *ber)
{
	int map[LC_SIMB_LANES_MAX];
	int n;
	if (b->world) {
		n = lc_sim_world_lane_map(b->world, map, LC_SIMB_LANES_MAX);
		if (n < 0)
			return -1;
	} else {
		n = (int)b->truth.lanes;
		memcpy(map, b->truth.map, sizeof map);
	}
	for (int i = 0; i < n && i < (int)b->lanes; i++) {
		if (map[i] != (int)e)
			continue;
		if (b->world) {
			if (lc_sim_world_lane_ber(b->world, i, ber) < 0)
				return -1; /* dark */
		} else {
			*ber = b->truth.ber[i];
		}
		return i;
	}
	return -1;
}

bool lc_simb_sync(const lc_simb *b, unsigned e)
{
	double ber = 0;
	int i = source_of(b, e, &ber);
	if (i < 0 || !b->global_on || !b->ppg_on[i])
		return false;
	return b->ppg_order[i] == b->ed_order[e] && b->ppg_pam4[i] == b->ed_pam4[e] &&
	       b->ppg_invert[i] == b->ed_invert[e] && ber < 0.1;
}

static void count_period(lc_simb *b, unsigned e)
{
	struct lc_simb_meas *m = &b->m[e];
	uint64_t bits = (uint64_t)llround(b->rate * b->update_s);
	uint64_t s = b->seed ^ (0xA5A5ULL + e) * 0x100000001B3ULL ^ (m->periods + 1) * 0xC2B2AE3D27D4EB4FULL;
	bool sync = lc_simb_sync(b, e);
	if (sync) {
		double ber = 0;
		source_of(b, e, &ber);
		m->bits += bits;
		m->errors += poisson(ber * (double)bits, &s);
		m->ever_sync = true;
	} else {
		if (m->ever_sync)
			m->loss_periods++;
		if (b->unsynced_counts) {
			m->bits += bits;
			m->errors += bits / 2;
		}
	}
	m->sync_now = sync;
	m->periods++;
}

void lc_simb_advance(lc_simb *b)
{
	double now = lc_simb_now(b);
	for (unsigned e = 0; e < b->lanes; e++) {
		struct lc_simb_meas *m = &b->m[e];
		if (!m->running)
			continue;
		uint64_t due = (uint64_t)floor((now - m->t_start) / b->update_s + 1e-9);
		while (m->periods < due)
			count_period(b, e);
	}
}

void lc_simb_start(lc_simb *b, unsigned e)
{
	memset(&b->m[e], 0, sizeof b->m[e]);
	b->m[e].running = true;
	b->m[e].t_start = lc_simb_now(b);
}

void lc_simb_stop(lc_simb *b, unsigned e)
{
	lc_simb_advance(b);
	b->m[e].running = false;
}

double lc_simb_observe(lc_simb *b, unsigned e)
{
	const struct lc_simb_meas *m = &b->m[e];
	if (m->periods == 0)
		return 0;
	double end = m->t_start + (double)m->periods * b->update_s;
	double from = m->t_start > b->blocked_until ? m->t_start : b->blocked_until;
	if (end <= from)
		return 0;
	b->blocked_until = end;
	return end - from;
}

bool lc_simb_has_result(const lc_simb *b, unsigned e)
{
	return b->m[e].periods > 0;
}

double lc_simb_elapsed(const lc_simb *b, unsigned e)
{
	return (double)b->m[e].periods * b->update_s;
}
