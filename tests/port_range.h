/*
 * Port ranges for the tests' simulators (lanecert sim --port-base, lc_sim_runner_opts.port_base).
 *
 * Below the kernel's ephemeral ports: /proc/sys/net/ipv4/ip_local_port_range gives the first and last port the
 * kernel hands out on its own (connect() without bind, bind to port 0), 32768..60999 by default. Inside that
 * range any client socket of this machine, or one still in TIME_WAIT, may hold a port at any moment, so a
 * range picked there fails at random under load. Below it only listeners compete, and those are other test
 * processes (ctest -j, the ASan pass, other people's suites): a listener that holds one of our ports makes the
 * start fail with LC_ERR_BUSY, and the caller asks again with the next attempt number, which gives another
 * range (chosen from the pid, the attempt and the clock, so concurrent processes spread out).
 *
 * Thread safety: reentrant. Header-only so that every test target can use it without another source file.
 */
#ifndef LC_TESTS_PORT_RANGE_H
#define LC_TESTS_PORT_RANGE_H

#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* Attempts a caller should make before giving up (each a different range). */
#define TP_ATTEMPTS 40

/* The first port of `span` consecutive ports (span <= 1000) for attempt number `attempt` (0, 1, ...): in
 * 10000 .. (first ephemeral port - 1), or above the last ephemeral port when the kernel's range leaves too
 * little room below it. Never 0. */
static inline int tp_port_base(unsigned span, unsigned attempt)
{
	unsigned lo = 32768, hi = 60999;
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	if (f) {
		unsigned a, b;
		if (fscanf(f, "%u %u", &a, &b) == 2 && a > 0 && a <= b && b <= 65535)
			lo = a, hi = b;
		fclose(f);
	}
	if (span == 0)
		span = 1;
	unsigned first = 10000, last = lo > first ? lo - 1 : 0;
	if (last < first + 8 * span) { /* a kernel configured with almost all ports ephemeral: use those above */
		first = hi + 1;
		last = 65535;
	}
	unsigned slots = (last - first + 1) / span;
	if (slots == 0)
		return (int)first;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	unsigned k = (unsigned)getpid() * 2654435761u ^ (unsigned)ts.tv_nsec ^ attempt * 40503u;
	k ^= k >> 15;
	k *= 2246822519u;
	k ^= k >> 13;
	return (int)(first + (k % slots) * span);
}

#endif
