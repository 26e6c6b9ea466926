/* Internals shared by the endpoints (endpoint_*.c, vxi11_server.c, portmapper.c). */
#ifndef LC_SIM_ENDPOINT_PRIV_H
#define LC_SIM_ENDPOINT_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/net/endpoint.h"
#include "sim/net/endpoint_lines.h"

#define LC_SIM_MAX_LISTEN 2

struct lc_sim_conn;
/* Serves one accepted connection until it ends; runs on its own thread. */
typedef void (*lc_sim_conn_fn)(struct lc_sim_conn *c);

struct lc_sim_conn {
	struct lc_sim_endpoint *ep;
	int fd;
	lc_sim_conn_fn serve;
	pthread_t thread;
	bool done; /* the thread has finished (under ep->mu): the listener joins it */
	struct lc_sim_conn *next;
};

struct lc_sim_listen {
	int fd;
	lc_sim_conn_fn serve;
};

struct lc_sim_endpoint {
	enum lc_sim_endpoint_kind kind;
	lc_sim_scpi *e;
	lc_sim_endpoint_opts o;
	char address[64];
	char terminator[8];
	int port, pm_port;
	struct lc_sim_listen listen[LC_SIM_MAX_LISTEN];
	int nlisten;
	int udp_fd; /* portmapper over UDP, -1 without */
	int pty_master, pty_slave;
	char pty_path[64];
	int wake[2]; /* written once at stop: every poll() of the endpoint wakes up */
	pthread_t listener, udp_thread;
	bool listener_started, udp_started;
	pthread_mutex_t mu;
	struct lc_sim_conn *conns;
	lc_sim_endpoint_stats stats;
	bool stopping;
	uint32_t next_lid; /* VXI-11 link ids */
	void *proto;       /* a protocol's endpoint-wide state (HiSLIP sessions and lock), freed by proto_free */
	void (*proto_free)(void *proto);
};

/* endpoint_common.c */
int lc_sim_ep_new(lc_sim_scpi *e, enum lc_sim_endpoint_kind kind, const lc_sim_endpoint_opts *opts,
		  lc_sim_endpoint **out, lc_diag *diag);
/* Bind and listen on address:port over TCP (port 0: any); returns the fd, *bound_port the port. */
int lc_sim_ep_listen_tcp(lc_sim_endpoint *ep, int port, int *bound_port, lc_diag *diag);
int lc_sim_ep_bind_udp(lc_sim_endpoint *ep, int port, lc_diag *diag);
int lc_sim_ep_add_listener(lc_sim_endpoint *ep, int fd, lc_sim_conn_fn serve);
/* Start the listener thread (accepting on every listening fd). */
int lc_sim_ep_start(lc_sim_endpoint *ep, lc_diag *diag);
/* Wait until fd is readable or the endpoint stops; timeout_ms < 0: no limit. 1 readable, 0 timeout,
 * LC_ERR_CLOSED when stopping. */
int lc_sim_ep_wait(lc_sim_endpoint *ep, int fd, int timeout_ms);
/* Read at most cap bytes: > 0 count, 0 on EOF, LC_ERR_CLOSED when stopping, LC_ERR_IO on errors. */
ssize_t lc_sim_ep_read(lc_sim_endpoint *ep, int fd, void *buf, size_t cap);
/* Read exactly n bytes (for framed protocols). 0, or LC_ERR_CLOSED / LC_ERR_IO / LC_ERR_TRUNCATED (EOF). */
int lc_sim_ep_read_full(lc_sim_endpoint *ep, int fd, void *buf, size_t n);
/* Write all of buf; 0 or LC_ERR_IO. */
int lc_sim_ep_write(int fd, const void *buf, size_t n);
/* Sleep ms unless the endpoint stops first. */
void lc_sim_ep_sleep(lc_sim_endpoint *ep, int ms);
/* A message is only blanks (an empty line): not a program message. */
bool lc_sim_blank(const uint8_t *m, size_t n);

/* endpoint_socket.c: the byte-stream loop (socket, pty). Returns why it ended. */
int lc_sim_serve_stream(struct lc_sim_conn *c, int fd, char term);

/* vxi11_server.c: read one ONC-RPC record (all fragments) from fd into *buf; records larger than max are a
 * protocol violation. 0, or LC_ERR_CLOSED / LC_ERR_IO / LC_ERR_TRUNCATED / LC_ERR_OVERFLOW. */
int lc_sim_rpc_read_record(lc_sim_endpoint *ep, int fd, uint8_t **buf, size_t *len, size_t *cap, size_t max);

/* portmapper.c: serve the portmapper over TCP connections and UDP. */
void lc_sim_portmapper_serve_tcp(struct lc_sim_conn *c);
void *lc_sim_portmapper_udp_main(void *ep);
/* vxi11_server.c */
void lc_sim_vxi11_serve(struct lc_sim_conn *c);

#endif
