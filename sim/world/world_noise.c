/*
 * Deterministic noise streams. A value depends only on (seed, key, how many values that key has drawn), so
 * two instruments read in a different thread interleaving still get the same numbers for the same seed.
 */
#include <math.h>
#include <string.h>

#include "sim/world/world_priv.h"

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ull;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
	return x ^ (x >> 31);
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h ? h : 1; /* 0 marks a free slot */
}

/* The draw counter of a key: an open-addressed table, bounded; when full, keys share the last slot's
 * counter (still deterministic, merely correlated). */
static uint64_t next_count(lc_sim_world *w, uint64_t h)
{
	size_t i = (size_t)(h % LC_SIM_NOISE_KEYS);
	for (size_t probe = 0; probe < LC_SIM_NOISE_KEYS; probe++, i = (i + 1) % LC_SIM_NOISE_KEYS) {
		struct lc_sim_noise_key *k = &w->noise[i];
		if (k->hash == h || k->hash == 0) {
			k->hash = h;
			return k->count++;
		}
	}
	return w->noise[LC_SIM_NOISE_KEYS - 1].count++;
}

double lc_sim_noise_uniform_locked(lc_sim_world *w, const char *key)
{
	uint64_t h = fnv1a(key);
	uint64_t n = next_count(w, h);
	uint64_t x = splitmix64(w->seed ^ splitmix64(h ^ splitmix64(n)));
	return (double)(x >> 11) * (1.0 / 9007199254740992.0);
}

double lc_sim_noise_gauss_locked(lc_sim_world *w, const char *key)
{
	/* Box-Muller from two draws of the same stream; u1 kept away from 0 so log() stays finite. */
	double u1 = lc_sim_noise_uniform_locked(w, key);
	double u2 = lc_sim_noise_uniform_locked(w, key);
	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}
