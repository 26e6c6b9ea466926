/*
 * Simulated instrument time. A handler that models 2 s of averaging calls lc_sim_clock_sleep(clk, 2.0, acc):
 * with a time scale X it sleeps 2/X s of wall time (X = 0: no sleep at all, for CI), and both the simulated
 * and the wall time are added to the accumulator acc (one per instrument) and to the clock's totals (the
 * whole station), so benchmarks and reports can say how much instrument time a run represents.
 *
 * Thread safety: a clock may be shared by all instruments and threads (its totals are under a mutex);
 * an accumulator is protected by its owner (the engine's lock); lc_sim_clock_set_scale() may be called at
 * any time and affects sleeps that start afterwards.
 */
#ifndef LC_SIM_CLOCK_H
#define LC_SIM_CLOCK_H

#include <stdint.h>

#include "base/error.h"

typedef struct lc_sim_clock lc_sim_clock;

/* Simulated and wall seconds spent by one instrument. */
typedef struct lc_sim_time_acc {
	double sim_s;
	double wall_s;
} lc_sim_time_acc;

/* scale: simulated seconds per wall second (> 0), or 0 for "never sleep". LC_ERR_ARG for < 0, NaN, inf. */
int lc_sim_clock_create(double scale, lc_sim_clock **out);
void lc_sim_clock_destroy(lc_sim_clock *c);
int lc_sim_clock_set_scale(lc_sim_clock *c, double scale);
double lc_sim_clock_scale(lc_sim_clock *c);

/* Wall microseconds that sim_seconds of instrument time take at the current scale (0 when scale is 0).
 * c NULL means real time (scale 1). Negative or NaN seconds count as 0. */
int64_t lc_sim_clock_wall_us(lc_sim_clock *c, double sim_seconds);

/* Sleep for sim_seconds of instrument time and account it to acc (may be NULL) and the clock (may be
 * NULL: real time, nothing accounted beyond acc). */
void lc_sim_clock_sleep(lc_sim_clock *c, double sim_seconds, lc_sim_time_acc *acc);

/* Account a wait that happened elsewhere (a client waiting on *OPC? for an overlapped operation, a BERT
 * whose next result did not exist yet): sim_seconds of instrument time and wall_seconds of wall time added to
 * acc (may be NULL) and to the clock's totals (c may be NULL), as lc_sim_clock_sleep() adds its own sleep.
 * Negative or NaN values count as 0. */
void lc_sim_clock_add(lc_sim_clock *c, double sim_seconds, double wall_seconds, lc_sim_time_acc *acc);

/* Totals of every sleep and every added wait on this clock. */
void lc_sim_clock_totals(lc_sim_clock *c, lc_sim_time_acc *out);

#endif
