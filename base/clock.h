/*
 * Monotonic time and deadlines. Every blocking operation of the HAL takes an absolute deadline on the
 * monotonic clock (milliseconds), so a message that arrives one byte at a time still ends when the total
 * time is spent, not when each byte's own timeout is.
 */
#ifndef LC_BASE_CLOCK_H
#define LC_BASE_CLOCK_H

#include <stdint.h>

/* Milliseconds and microseconds on CLOCK_MONOTONIC. */
int64_t lc_now_ms(void);
int64_t lc_now_us(void);

/* A deadline timeout_ms from now; a negative timeout means "never" (INT64_MAX). */
int64_t lc_deadline_in(int timeout_ms);

/* Milliseconds left until deadline, clamped to [0, INT32_MAX] (for poll()). */
int lc_deadline_left_ms(int64_t deadline_ms);

/* Sleep for ms milliseconds, resuming after signals. */
void lc_sleep_ms(int64_t ms);

#endif
