#include "base/abort.h"

#include "base/clock.h"
#include "base/error.h"

static _Thread_local const lc_abort_flag *armed;

const lc_abort_flag *lc_abort_arm(const lc_abort_flag *flag)
{
	const lc_abort_flag *prev = armed;
	armed = flag;
	return prev;
}

const lc_abort_flag *lc_abort_armed(void)
{
	return armed;
}

bool lc_abort_requested(void)
{
	return armed && *armed;
}

int lc_wait_ms(int64_t ms)
{
	int64_t end = lc_now_ms() + (ms > 0 ? ms : 0);
	for (;;) {
		if (lc_abort_requested())
			return LC_ERR_ABORTED;
		int64_t left = end - lc_now_ms();
		if (left <= 0)
			return 0;
		lc_sleep_ms(left > LC_ABORT_SLICE_MS ? LC_ABORT_SLICE_MS : left);
	}
}
