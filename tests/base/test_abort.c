/* base/abort.h: the armed flag is per thread, waits return LC_ERR_ABORTED once it is set. */
#include <criterion/criterion.h>
#include <pthread.h>

#include "base/abort.h"
#include "base/clock.h"
#include "base/error.h"

static lc_abort_flag flag;

Test(abort, unarmed_waits_sleep_armed_ones_stop)
{
	flag = 1;
	cr_expect_null(lc_abort_armed());
	cr_expect_not(lc_abort_requested());
	cr_expect_eq(lc_wait_ms(1), 0, "a flag that is not armed on this thread does not stop a wait");
	cr_expect_null(lc_abort_arm(&flag));
	cr_expect_eq(lc_abort_armed(), &flag);
	cr_expect(lc_abort_requested());
	cr_expect_eq(lc_wait_ms(0), LC_ERR_ABORTED);
	cr_expect_eq(lc_wait_ms(3600 * 1000), LC_ERR_ABORTED, "checked before sleeping at all");
	cr_expect_eq(lc_abort_arm(NULL), &flag, "arm returns the previous flag");
	flag = 0;
}

static void *set_later(void *arg)
{
	(void)arg;
	lc_sleep_ms(50);
	flag = 1;
	return NULL;
}

/* A wait of an hour ends once another thread sets the flag (a hang here is caught by the test timeout). */
Test(abort, a_flag_set_during_the_wait_ends_it, .timeout = 120)
{
	flag = 0;
	lc_abort_arm(&flag);
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, set_later, NULL), 0);
	cr_expect_eq(lc_wait_ms(3600 * 1000), LC_ERR_ABORTED);
	pthread_join(t, NULL);
	lc_abort_arm(NULL);
	flag = 0;
}

static void *other_thread(void *arg)
{
	(void)arg;
	/* arming is per thread: this thread sees none, so its wait runs to the end */
	return (void *)(intptr_t)(lc_abort_armed() == NULL && lc_wait_ms(1) == 0);
}

Test(abort, arming_is_per_thread)
{
	flag = 1;
	lc_abort_arm(&flag);
	pthread_t t;
	void *ok = NULL;
	cr_assert_eq(pthread_create(&t, NULL, other_thread, NULL), 0);
	pthread_join(t, &ok);
	cr_expect(ok != NULL);
	cr_expect(lc_abort_requested());
	lc_abort_arm(NULL);
	flag = 0;
}
