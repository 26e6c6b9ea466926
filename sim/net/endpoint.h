/*
 * Network and serial endpoints of a simulated instrument: its SCPI engine (scpi_engine.h) reachable over
 *   - a raw SCPI socket (TCP, newline-terminated, block-aware: "#5" + 5 bytes may contain '\n'),
 *   - VXI-11 (ONC-RPC over TCP with record marking, core channel) with its own portmapper on TCP and UDP
 *     (PMAPPROC_GETPORT v2 and RPCBPROC_GETADDR v3/v4), so liblxi, PyVISA-py and lxi-tools connect unchanged,
 *   - HiSLIP (IVI-6.1: synchronous and asynchronous channel on one port, 4880 on real instruments;
 *     sim/net/hislip_server.c),
 *   - a pseudo-terminal (posix_openpt, raw mode) with the real device's line terminator.
 *
 * Addresses: any 127.x.y.z binds on Linux, so each simulated instrument can have its own loopback address
 * and keep the real ports (5025, portmapper 111 — the latter needs root or CAP_NET_BIND_SERVICE). Port 0 picks
 * a free port (tests); lc_sim_endpoint_port() tells which. Only loopback addresses are accepted.
 *
 * Threads: one listener thread per endpoint and one thread per connection, at most max_connections (default
 * 256) at once; a connection beyond it is accepted and closed at once (the client sees EOF, the server does
 * not stall). Handlers may block for instrument time: only that connection waits (and other connections to
 * the same instrument, behind the engine's lock). Input is capped (max_message, default 1 MiB): a longer
 * message is discarded up to its terminator and -363 "Input buffer overrun" is pushed.
 *
 * Shutdown: lc_sim_endpoint_stop() closes the listener and every connection and joins every thread; it
 * returns only when no thread of the endpoint touches the engine any more.
 *
 * Thread safety: start/stop of one endpoint from one thread; different endpoints are independent. An engine
 * may serve several endpoints at once.
 */
#ifndef LC_SIM_ENDPOINT_H
#define LC_SIM_ENDPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "sim/scpi/scpi_engine.h"

typedef struct lc_sim_endpoint lc_sim_endpoint;

enum lc_sim_endpoint_kind {
	LC_SIM_EP_SOCKET = 1,
	LC_SIM_EP_VXI11,
	LC_SIM_EP_PTY,
	LC_SIM_EP_HISLIP,
};

typedef struct lc_sim_endpoint_opts {
	const char *address;    /* loopback IPv4 address to bind, default "127.0.0.1" */
	int port;               /* SOCKET: port (5025 real, 0 = any free); VXI-11: core channel port (0 = any);
	                           HiSLIP: port (4880 real, 0 = any free) */
	int portmapper_port;    /* VXI-11: 111 real, 0 = any free, -1 = no portmapper */
	int max_connections;    /* 0: 256 */
	size_t max_message;     /* longest program message accepted, 0: 1 MiB */
	uint32_t max_recv_size; /* VXI-11 maxRecvSize announced by create_link, 0: 1 MiB; a device_write chunk
	                           larger than it fails with error 5 (parameter error). HiSLIP: the server's
	                           maximum message size (header included), 0: 1 MiB */
	const char *terminator; /* reply terminator: SOCKET/VXI-11 "\n" default; PTY the device's ("\r\n") */
	char input_terminator;  /* PTY: the byte that ends a command, default '\n' ('\r' accepted before it) */
} lc_sim_endpoint_opts;

void lc_sim_endpoint_opts_init(lc_sim_endpoint_opts *o);

/* Start an endpoint serving engine e. opts may be NULL (defaults). diag says why it failed (address in use,
 * not a loopback address, permission denied for port 111). */
int lc_sim_socket_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag);
int lc_sim_vxi11_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag);
int lc_sim_hislip_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag);
int lc_sim_pty_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag);

/* Close everything and join every thread. NULL is allowed. */
void lc_sim_endpoint_stop(lc_sim_endpoint *ep);

enum lc_sim_endpoint_kind lc_sim_endpoint_kind(const lc_sim_endpoint *ep);
/* SOCKET, HiSLIP: the listening port; VXI-11: the core channel port; PTY: 0. */
int lc_sim_endpoint_port(const lc_sim_endpoint *ep);
/* VXI-11: the portmapper port (TCP and UDP), -1 without one. */
int lc_sim_endpoint_portmapper_port(const lc_sim_endpoint *ep);
/* The bound address ("127.77.0.1"). */
const char *lc_sim_endpoint_address(const lc_sim_endpoint *ep);
/* PTY: the slave path to open (/dev/pts/N); NULL for others. */
const char *lc_sim_endpoint_pty_path(const lc_sim_endpoint *ep);

/* The discovery relay (portmapper.c): a UDP portmapper on address:111 ("127.0.0.1", where the VXI-11
 * discovery of liblxi/lxi-tools sends its call on the loopback interface) that answers every call once per
 * VXI-11 endpoint in eps, each answer sent from that endpoint's own address. The endpoints must outlive it.
 * LC_ERR_BUSY when the port is taken there, LC_ERR_PERMISSION without the privilege for port 111. */
typedef struct lc_sim_pmap_relay lc_sim_pmap_relay;
int lc_sim_pmap_relay_start(const char *address, lc_sim_endpoint *const *eps, size_t n, lc_sim_pmap_relay **out,
			    lc_diag *diag);
void lc_sim_pmap_relay_stop(lc_sim_pmap_relay *r);

/* Connections accepted so far, refused for the cap, open now. */
typedef struct lc_sim_endpoint_stats {
	uint64_t accepted;
	uint64_t refused;
	int open;
} lc_sim_endpoint_stats;
void lc_sim_endpoint_get_stats(lc_sim_endpoint *ep, lc_sim_endpoint_stats *out);

#endif
