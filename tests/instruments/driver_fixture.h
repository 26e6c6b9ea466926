/* Shared set-up of the driver tests: a scripted peer and an instrument opened on it. */
#ifndef LC_TESTS_DRIVER_FIXTURE_H
#define LC_TESTS_DRIVER_FIXTURE_H

#include <criterion/criterion.h>

#include "instruments/instrument.h"
#include "scpi_peer.h"

/*
 * Open an instrument on peer p. Its timeout is 5 s: every reply the peer scripts must arrive within it even
 * on a loaded machine under ASan (a 400 ms one could fire on an answered query); a test that waits for a
 * timeout on purpose shortens it with expect_silence() just before the query no rule answers.
 */
static inline lc_instrument *open_on(scpi_peer *p, const char *layout)
{
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 5000;
	o.layout = layout;
	lc_instrument *inst = NULL;
	lc_diag d = {0};
	int rc = lc_instrument_open(scpi_peer_resource(p), &o, &inst, &d);
	cr_assert_eq(rc, 0, "open: %s (%s); unexpected: %s", d.text, lc_strerror_name(rc), scpi_peer_unexpected(p));
	return inst;
}

/* A timeout must fire next: the query it guards has no rule, so the peer provably stays silent. ms bounds
 * every operation until then too (the *STB? checks the peer answers), so it is short only when the silent
 * query comes first. */
static inline void expect_silence(lc_instrument *inst, int ms)
{
	lc_scpi_set_timeout(lc_instrument_scpi(inst), ms);
}

#define assert_log(p, expected)                                                                            \
	cr_assert_str_eq(scpi_peer_log_nostb(p), expected, "unexpected lines: %s", scpi_peer_unexpected(p))

#endif
