/* Small socket helpers shared by the TCP-based transports (raw socket, HiSLIP): a connect that honours an
 * absolute deadline, a poll() that retries on EINTR, and a send of whole messages before a deadline. Each
 * transport keeps its own protocol and its own words in its file; only the socket loop is here. Private to
 * hal/. */
#ifndef LC_HAL_NET_PRIV_H
#define LC_HAL_NET_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "base/error.h"

/* Resolve host (name, IPv4 or IPv6) and connect to port without blocking past deadline; tries every
 * address getaddrinfo returns. On success *fd is a connected, non-blocking, close-on-exec socket. */
int lc_net_connect(const char *host, unsigned port, int64_t deadline, int *fd, lc_diag *diag);

/* Wait for events on fd until deadline. Returns 1 when ready, LC_ERR_TIMEOUT, or LC_ERR_IO. */
int lc_net_wait(int fd, short events, int64_t deadline, lc_diag *diag);

/* Send the n buffers of iov, in order and whole, on the non-blocking socket fd without blocking past
 * deadline (MSG_NOSIGNAL: a closed peer is an error, not a signal). *sent receives the bytes sent, also on
 * failure. Returns 0; LC_ERR_CLOSED when the peer closed or reset the connection; LC_ERR_IO with *err the
 * errno of the failed send (-1: it sent nothing); or the error of lc_net_wait() (LC_ERR_TIMEOUT, LC_ERR_IO
 * with *err 0), the only failure for which diag is set: the caller words the others as its protocol says. */
int lc_net_send(int fd, const struct iovec *iov, int n, int64_t deadline, size_t *sent, int *err, lc_diag *diag);

#endif
