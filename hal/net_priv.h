/* Small socket helpers shared by the TCP-based transports: a connect that honours an absolute deadline and
 * a poll() that retries on EINTR. Private to hal/. */
#ifndef LC_HAL_NET_PRIV_H
#define LC_HAL_NET_PRIV_H

#include <stdint.h>

#include "base/error.h"

/* Resolve host (name, IPv4 or IPv6) and connect to port without blocking past deadline; tries every
 * address getaddrinfo returns. On success *fd is a connected, non-blocking, close-on-exec socket. */
int lc_net_connect(const char *host, unsigned port, int64_t deadline, int *fd, lc_diag *diag);

/* Wait for events on fd until deadline. Returns 1 when ready, LC_ERR_TIMEOUT, or LC_ERR_IO. */
int lc_net_wait(int fd, short events, int64_t deadline, lc_diag *diag);

#endif
