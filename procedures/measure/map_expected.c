/* Expected map of a measurement from the channel model. */
#include "procedures/measure/map_expected.h"

#include <strings.h>

int lc_map_expected(const lc_channel *ch, const char *const *in_ports, size_t n_in, const char *const *out_ports,
		    size_t n_out, int *expected, lc_diag *diag)
{
	if (!ch || !in_ports || !out_ports || !expected || n_in == 0 || n_out == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "expected map: NULL or empty argument");
	for (size_t i = 0; i < n_in; i++) {
		int far = lc_channel_route(ch, in_ports[i], NULL);
		if (far < 0)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "expected map: no light path from '%s' in %s",
					   in_ports[i], lc_channel_name(ch));
		const lc_port *p = lc_channel_port(ch, (size_t)far);
		expected[i] = -1;
		for (size_t j = 0; j < n_out && p; j++)
			if (strcasecmp(out_ports[j], p->name) == 0)
				expected[i] = (int)j;
		if (expected[i] < 0)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND,
					   "expected map: '%s' should arrive at '%s', which no detector watches",
					   in_ports[i], p ? p->name : "?");
	}
	return 0;
}
