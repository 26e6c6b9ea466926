/* Shared set-up of the driver tests: a scripted peer and an instrument opened on it. */
#ifndef LC_TESTS_DRIVER_FIXTURE_H
#define LC_TESTS_DRIVER_FIXTURE_H

#include <criterion/criterion.h>

#include "instruments/instrument.h"
#include "scpi_peer.h"

/* Open an instrument on peer p with a short timeout (tests of silence stay fast). */
static inline lc_instrument *open_on(scpi_peer *p, const char *layout)
{
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 400;
	o.layout = layout;
	lc_instrument *inst = NULL;
	lc_diag d = {0};
	int rc = lc_instrument_open(scpi_peer_resource(p), &o, &inst, &d);
	cr_assert_eq(rc, 0, "open: %s (%s); unexpected: %s", d.text, lc_strerror_name(rc), scpi_peer_unexpected(p));
	return inst;
}

#define assert_log(p, expected)                                                                            \
	cr_assert_str_eq(scpi_peer_log_nostb(p), expected, "unexpected lines: %s", scpi_peer_unexpected(p))

#endif
