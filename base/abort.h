/*
 * Operator abort (Ctrl-C, SIGTERM) as the library's long waits see it.
 *
 * The host owns one flag (an lc_abort_flag, set from its signal handler). The procedure engine *arms* it on
 * the thread that runs a slot while the interruptible part of a procedure runs, and disarms it for cleanup,
 * so a cleanup (lasers off, switches parked) is never cut short. Every long wait of the library — settle
 * sleeps, OTDR and BER polling, ctx:sleep() — sleeps with lc_wait_ms(), which sleeps in slices of at most
 * LC_ABORT_SLICE_MS and returns LC_ERR_ABORTED as soon as the armed flag is set. An instrument command in
 * flight is not cut (that would leave its reply in the session): it ends within its own timeout.
 *
 * The armed flag is per thread because the slots of a run share instruments: slot 1's cleanup must not be
 * interrupted by the abort that slot 2's measurement is still to notice.
 *
 * Thread safety: lc_abort_arm() affects only the calling thread; the flag may be set from a signal handler
 * or any thread at any time. Since 0.1.
 */
#ifndef LC_BASE_ABORT_H
#define LC_BASE_ABORT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

/* The host's abort flag: 0 = carry on; anything else = abort. */
typedef volatile sig_atomic_t lc_abort_flag;

/* Longest slice a wait sleeps before it looks at the flag again (milliseconds). */
#define LC_ABORT_SLICE_MS 100

/*
 * Arm flag on the calling thread (NULL disarms). Returns the previously armed flag, so a caller can put it
 * back (nesting). Never fails.
 */
const lc_abort_flag *lc_abort_arm(const lc_abort_flag *flag);

/* The calling thread's armed flag, or NULL. */
const lc_abort_flag *lc_abort_armed(void);

/* True when the calling thread has an armed flag and it is set. */
bool lc_abort_requested(void);

/*
 * Sleep ms milliseconds (resuming after signals) unless an abort is requested first. Returns 0 after the
 * full sleep, LC_ERR_ABORTED when the armed flag is (or becomes) set — checked at least every
 * LC_ABORT_SLICE_MS, also before sleeping at all. ms <= 0 only checks.
 */
int lc_wait_ms(int64_t ms);

#endif
