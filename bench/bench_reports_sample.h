/* A realistic result for the reports benchmark and tests: an 8-lane 400G breakout certified at one
 * station (IL, RL, BER with confidence bounds, an OTDR trace with events, raw data). Deterministic for a
 * seed. Thread safety: reentrant. */
#ifndef LC_BENCH_REPORTS_SAMPLE_H
#define LC_BENCH_REPORTS_SAMPLE_H

#include "reports/result.h"

/* fail_lane: a lane (1..8) whose insertion loss exceeds its limit, or 0 for an all-pass cable. */
lc_result *lc_bench_sample_result(unsigned seed, int fail_lane);

#endif
