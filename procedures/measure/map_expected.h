/*
 * The expected map of a measurement from the channel model (fixtures/channel.h): for each launch port
 * (where light enters the DUT) the index of the detector port where the channel says it must come out.
 *
 * Thread safety: reentrant; the channel is only read.
 */
#ifndef LC_INSTRUMENTS_MEASURE_MAP_EXPECTED_H
#define LC_INSTRUMENTS_MEASURE_MAP_EXPECTED_H

#include <stddef.h>

#include "fixtures/channel.h"

/*
 * in_ports / out_ports are channel port names ("A:1", "B1:rx"). expected[i] = index into out_ports.
 * LC_ERR_NOT_FOUND if a launch port is unknown or dark in the channel, or its far end is not among
 * out_ports (the station is not wired to observe it).
 */
int lc_map_expected(const lc_channel *ch, const char *const *in_ports, size_t n_in, const char *const *out_ports,
		    size_t n_out, int *expected, lc_diag *diag);

#endif
