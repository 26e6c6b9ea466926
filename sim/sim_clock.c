/* Simulated instrument time: sleeps scaled by the station's time scale, and accounting of what was spent. */
#include <math.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "sim/sim_clock.h"

struct lc_sim_clock {
	pthread_mutex_t mu;
	double scale;
	lc_sim_time_acc total;
};

static bool scale_ok(double scale)
{
	return isfinite(scale) && scale >= 0.0;
}

int lc_sim_clock_create(double scale, lc_sim_clock **out)
{
	if (!out || !scale_ok(scale))
		return LC_ERR_ARG;
	lc_sim_clock *c = calloc(1, sizeof(*c));
	if (!c)
		return LC_ERR_NOMEM;
	pthread_mutex_init(&c->mu, NULL);
	c->scale = scale;
	*out = c;
	return 0;
}

void lc_sim_clock_destroy(lc_sim_clock *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c);
}

int lc_sim_clock_set_scale(lc_sim_clock *c, double scale)
{
	if (!c || !scale_ok(scale))
		return LC_ERR_ARG;
	pthread_mutex_lock(&c->mu);
	c->scale = scale;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

double lc_sim_clock_scale(lc_sim_clock *c)
{
	if (!c)
		return 1.0;
	pthread_mutex_lock(&c->mu);
	double s = c->scale;
	pthread_mutex_unlock(&c->mu);
	return s;
}

int64_t lc_sim_clock_wall_us(lc_sim_clock *c, double sim_seconds)
{
	if (!(sim_seconds > 0.0)) /* also NaN */
		return 0;
	double scale = lc_sim_clock_scale(c);
	if (scale == 0.0)
		return 0;
	double us = sim_seconds / scale * 1e6;
	/* A week of wall time is more than any test or run waits; beyond it the value is a caller's bug. */
	if (us > 604800e6)
		us = 604800e6;
	return (int64_t)llround(us);
}

void lc_sim_clock_sleep(lc_sim_clock *c, double sim_seconds, lc_sim_time_acc *acc)
{
	if (!(sim_seconds > 0.0))
		return;
	int64_t us = lc_sim_clock_wall_us(c, sim_seconds);
	int64_t t0 = lc_now_us();
	int64_t end = t0 + us;
	/* Sleep in ms steps, then finish with the remainder so sub-millisecond scaled waits still add up. */
	for (int64_t now = t0; now < end; now = lc_now_us()) {
		int64_t left = end - now;
		if (left >= 1000)
			lc_sleep_ms(left / 1000);
		else {
			struct timespec ts = {0, (long)left * 1000};
			nanosleep(&ts, NULL);
		}
	}
	lc_sim_clock_add(c, sim_seconds, (double)(lc_now_us() - t0) / 1e6, acc);
}

void lc_sim_clock_add(lc_sim_clock *c, double sim_seconds, double wall_seconds, lc_sim_time_acc *acc)
{
	double sim = sim_seconds > 0.0 ? sim_seconds : 0.0, wall = wall_seconds > 0.0 ? wall_seconds : 0.0;
	if (acc) {
		acc->sim_s += sim;
		acc->wall_s += wall;
	}
	if (c) {
		pthread_mutex_lock(&c->mu);
		c->total.sim_s += sim;
		c->total.wall_s += wall;
		pthread_mutex_unlock(&c->mu);
	}
}

void lc_sim_clock_totals(lc_sim_clock *c, lc_sim_time_acc *out)
{
	if (!out)
		return;
	out->sim_s = out->wall_s = 0;
	if (!c)
		return;
	pthread_mutex_lock(&c->mu);
	*out = c->total;
	pthread_mutex_unlock(&c->mu);
}
