/* Probe of a VXI-11 instrument on our own sockets (private to hal/, used by transport_vxi11.c). */
#ifndef LC_HAL_VXI11_PROBE_PRIV_H
#define LC_HAL_VXI11_PROBE_PRIV_H

#include <stdint.h>

#include "base/error.h"

typedef struct lc_vxi11_probe_result {
	uint16_t core_port;     /* from the portmapper */
	uint32_t max_recv_size; /* from create_link */
} lc_vxi11_probe_result;

/* Portmapper GETPORT, then create_link(device) and destroy_link, all before deadline. LC_ERR_IO /
 * LC_ERR_TIMEOUT / LC_ERR_NOT_FOUND (no core channel, no such device) / LC_ERR_PROTOCOL with a detail. */
int lc_vxi11_probe(const char *host, const char *device, int64_t deadline, lc_vxi11_probe_result *out,
		   lc_diag *diag);

#endif
