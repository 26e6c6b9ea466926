/*
 * What only a HiSLIP session has besides the transport table (hal/transport_hislip.c): locks with a
 * timeout, lock information, service requests from the asynchronous channel, the session's parameters.
 * Each takes the lc_transport of a HiSLIP resource (LC_ERR_UNSUPPORTED for any other) and an absolute
 * deadline; a session broken by an earlier protocol failure answers LC_ERR_PROTOCOL.
 *
 * Thread safety: like lc_transport, one thread at a time per session.
 */
#ifndef LC_HAL_TRANSPORT_HISLIP_H
#define LC_HAL_TRANSPORT_HISLIP_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/transport.h"

/* The largest message the client accepts (header included), announced by AsyncMaximumMessageSize: the
 * SCPI session's default block limit (256 MiB) plus a header. A larger Data/DataEnd breaks the session. */
#define LC_HISLIP_CLIENT_MAX_MESSAGE ((uint64_t)(256u << 20) + 16u)

typedef struct lc_hislip_session {
	uint16_t session_id;
	uint16_t server_version;   /* major << 8 | minor */
	uint16_t server_vendor;    /* two ASCII characters */
	bool overlapped;           /* the server's mode (InitializeResponse / DeviceClearAcknowledge) */
	uint64_t server_max_message; /* from AsyncMaximumMessageSizeResponse, header included */
	uint32_t next_message_id;  /* 0xffffff00 after open and after a device clear */
	uint64_t status_asked;     /* AsyncStatusQuery messages sent ahead of a message (stb_ask) so far */
} lc_hislip_session;

/* Exclusive lock (AsyncLock request, empty lock string), waiting at most timeout_ms on the instrument.
 * 0; LC_ERR_BUSY when another client held it for the whole timeout; LC_ERR_PROTOCOL when refused. The
 * deadline must leave room for timeout_ms. */
int lc_hislip_lock(lc_transport *t, uint32_t timeout_ms, int64_t deadline, lc_diag *diag);
/* Release (AsyncLock release). LC_ERR_STATE when this client held no lock. */
int lc_hislip_unlock(lc_transport *t, int64_t deadline, lc_diag *diag);
/* AsyncLockInfo: whether an exclusive lock is granted, and how many clients hold locks. */
int lc_hislip_lock_info(lc_transport *t, bool *exclusive, uint32_t *holders, int64_t deadline, lc_diag *diag);
/* Wait for an AsyncServiceRequest (one that arrived during another asynchronous exchange counts); *stb is
 * the status byte it carried. LC_ERR_TIMEOUT when none came. */
int lc_hislip_wait_srq(lc_transport *t, uint8_t *stb, int64_t deadline, lc_diag *diag);
/* The session's parameters; LC_ERR_ARG when t is not HiSLIP. */
int lc_hislip_session_info(lc_transport *t, lc_hislip_session *out);

/* A session on two connected descriptors whose handshake is taken as done (session 1, synchronized, the
 * server taking server_max-byte messages): for the fuzz target and tests that feed a channel directly.
 * The transport owns the descriptors. */
int lc_hislip_attach(int sync_fd, int async_fd, uint64_t server_max, lc_transport **out);

#endif
