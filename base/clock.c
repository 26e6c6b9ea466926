#include "base/clock.h"

#include <errno.h>
#include <time.h>

int64_t lc_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t lc_now_ms(void)
{
	return lc_now_us() / 1000;
}

int64_t lc_deadline_in(int timeout_ms)
{
	if (timeout_ms < 0)
		return INT64_MAX;
	return lc_now_ms() + timeout_ms;
}

int lc_deadline_left_ms(int64_t deadline_ms)
{
	if (deadline_ms == INT64_MAX)
		return INT32_MAX;
	int64_t left = deadline_ms - lc_now_ms();
	if (left < 0)
		return 0;
	if (left > INT32_MAX)
		return INT32_MAX;
	return (int)left;
}

void lc_sleep_ms(int64_t ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000};
	while (ms > 0 && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}
