/*
 * A portmapper for one simulated instrument's address, on TCP and UDP: program 100000 version 2
 * (PMAPPROC_NULL, PMAPPROC_GETPORT, PMAPPROC_DUMP) and versions 3/4 (RPCBPROC_NULL, RPCBPROC_GETADDR), which
 * libtirpc's clnt_create() (liblxi, lxi-tools) asks before version 2. It knows one mapping: the VXI-11 core
 * channel (395183 version 1, TCP) of this endpoint. No rpcbind is needed, so each simulated instrument can
 * answer on port 111 of its own 127.x.y.z.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim/net/endpoint_priv.h"
#include "sim/net/oncrpc.h"

#define PMAP_PROG 100000u
#define VXI11_CORE_PROG 395183u
#define IPPROTO_TCP_NUM 6u

static void getport(lc_sim_endpoint *ep, lc_xdr_in *x, lc_xdr_out *o, bool tcp, uint32_t xid)
{
	uint32_t prog = lc_xdr_u32(x), vers = lc_xdr_u32(x), prot = lc_xdr_u32(x);
	lc_xdr_u32(x); /* port: ignored in a query */
	if (x->bad) {
		lc_rpc_reply_accepted(o, tcp, xid, LC_RPC_GARBAGE_ARGS);
		return;
	}
	lc_rpc_reply_accepted(o, tcp, xid, LC_RPC_SUCCESS);
	bool ours = prog == VXI11_CORE_PROG && vers == 1 && prot == IPPROTO_TCP_NUM;
	lc_xdr_put_u32(o, ours ? (uint32_t)ep->port : 0);
}

static void dump(lc_sim_endpoint *ep, lc_xdr_out *o, bool tcp, uint32_t xid)
{
	lc_rpc_reply_accepted(o, tcp, xid, LC_RPC_SUCCESS);
	lc_xdr_put_u32(o, 1); /* one entry follows */
	lc_xdr_put_u32(o, VXI11_CORE_PROG);
	lc_xdr_put_u32(o, 1);
	lc_xdr_put_u32(o, IPPROTO_TCP_NUM);
	lc_xdr_put_u32(o, (uint32_t)ep->port);
	lc_xdr_put_u32(o, 0);
}

/* rpcb { prog, vers, netid, addr, owner } -> universal address "h1.h2.h3.h4.p1.p2" or "" */
static void getaddr(lc_sim_endpoint *ep, lc_xdr_in *x, lc_xdr_out *o, bool tcp, uint32_t xid)
{
	uint32_t prog = lc_xdr_u32(x), vers = lc_xdr_u32(x);
	size_t nl, al, ol;
	const uint8_t *netid = lc_xdr_opaque(x, &nl, 64);
	lc_xdr_opaque(x, &al, 128);
	lc_xdr_opaque(x, &ol, 128);
	if (x->bad) {
		lc_rpc_reply_accepted(o, tcp, xid, LC_RPC_GARBAGE_ARGS);
		return;
	}
	lc_rpc_reply_accepted(o, tcp, xid, LC_RPC_SUCCESS);
	bool is_tcp = (nl == 3 && memcmp(netid, "tcp", 3) == 0);
	if (prog == VXI11_CORE_PROG && vers == 1 && is_tcp) {
		char ua[96];
		int n = snprintf(ua, sizeof(ua), "%s.%d.%d", ep->address, ep->port >> 8, ep->port & 0xff);
		lc_xdr_put_opaque(o, ua, (size_t)n);
	} else {
		lc_xdr_put_opaque(o, "", 0);
	}
}

/* Answer one call (already parsed) into o. */
static void dispatch(lc_sim_endpoint *ep, const lc_rpc_call *c, lc_xdr_in *x, lc_xdr_out *o, bool tcp)
{
	if (!c->rpcvers_ok) {
		lc_rpc_reply_denied(o, tcp, c->xid);
		return;
	}
	if (c->prog != PMAP_PROG) {
		lc_rpc_reply_accepted(o, tcp, c->xid, LC_RPC_PROG_UNAVAIL);
		return;
	}
	if (c->vers < 2 || c->vers > 4) {
		lc_rpc_reply_accepted(o, tcp, c->xid, LC_RPC_PROG_MISMATCH);
		lc_xdr_put_u32(o, 2);
		lc_xdr_put_u32(o, 4);
		return;
	}
	if (c->proc == 0) {
		lc_rpc_reply_accepted(o, tcp, c->xid, LC_RPC_SUCCESS);
		return;
	}
	if (c->vers == 2 && c->proc == 3)
		getport(ep, x, o, tcp, c->xid);
	else if (c->vers == 2 && c->proc == 4)
		dump(ep, o, tcp, c->xid);
	else if (c->vers >= 3 && c->proc == 3)
		getaddr(ep, x, o, tcp, c->xid);
	else
		lc_rpc_reply_accepted(o, tcp, c->xid, LC_RPC_PROC_UNAVAIL);
}

void lc_sim_portmapper_serve_tcp(struct lc_sim_conn *conn)
{
	lc_sim_endpoint *ep = conn->ep;
	uint8_t *rec = NULL;
	size_t len = 0, cap = 0;
	lc_xdr_out o = {0};
	while (lc_sim_rpc_read_record(ep, conn->fd, &rec, &len, &cap, 4096) == 0) {
		lc_xdr_in x = {rec, len, 0, false};
		lc_rpc_call c;
		if (!lc_rpc_parse_call(&x, &c))
			break; /* not an RPC call: the peer speaks something else, hang up */
		dispatch(ep, &c, &x, &o, true);
		lc_rpc_finish_record(&o);
		if (o.oom || lc_sim_ep_write(conn->fd, o.p, o.len) < 0)
			break;
	}
	free(rec);
	lc_xdr_out_free(&o);
}

void *lc_sim_portmapper_udp_main(void *arg)
{
	lc_sim_endpoint *ep = arg;
	uint8_t buf[8192];
	lc_xdr_out o = {0};
	for (;;) {
		int w = lc_sim_ep_wait(ep, ep->udp_fd, -1);
		if (w < 0)
			break;
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(ep->udp_fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n <= 0)
			continue;
		lc_xdr_in x = {buf, (size_t)n, 0, false};
		lc_rpc_call c;
		if (!lc_rpc_parse_call(&x, &c))
			continue; /* datagram garbage: ignored, as rpcbind does */
		dispatch(ep, &c, &x, &o, false);
		if (!o.oom)
			sendto(ep->udp_fd, o.p, o.len, MSG_DONTWAIT, (struct sockaddr *)&from, fl);
	}
	lc_xdr_out_free(&o);
	return NULL;
}

/*
 * The discovery relay (issue 20): liblxi and lxi-tools find VXI-11 instruments by sending one GETPORT call to
 * port 111 of each interface's broadcast address and taking every reply's source address as an instrument.
 * On Linux the loopback interface has no broadcast address, and getifaddrs gives its own address, 127.0.0.1,
 * in its place: the one call lands on 127.0.0.1:111. Each simulated instrument listens on its own 127.x.y.z,
 * so the relay binds where that call arrives and answers it once per instrument, each answer from a socket
 * bound to that instrument's address (what its own portmapper would say), so the client then reaches the
 * instrument itself.
 */
struct lc_sim_pmap_relay {
	int fd, stop_pipe[2];
	lc_sim_endpoint **eps;
	size_t n;
	pthread_t th;
};

static void relay_answer(lc_sim_pmap_relay *r, const uint8_t *buf, size_t n, const struct sockaddr_in *from,
			 lc_xdr_out *o)
{
	for (size_t i = 0; i < r->n; i++) {
		lc_xdr_in x = {buf, n, 0, false};
		lc_rpc_call c;
		if (!lc_rpc_parse_call(&x, &c))
			return;
		o->len = 0;
		dispatch(r->eps[i], &c, &x, o, false);
		if (o->oom)
			return;
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return;
		struct sockaddr_in a = {.sin_family = AF_INET};
		if (inet_pton(AF_INET, r->eps[i]->address, &a.sin_addr) == 1 &&
		    bind(s, (struct sockaddr *)&a, sizeof(a)) == 0)
			sendto(s, o->p, o->len, MSG_DONTWAIT, (const struct sockaddr *)from, sizeof(*from));
		close(s);
	}
}

static void *relay_main(void *arg)
{
	lc_sim_pmap_relay *r = arg;
	uint8_t buf[8192];
	lc_xdr_out o = {0};
	for (;;) {
		struct pollfd p[2] = {{r->fd, POLLIN, 0}, {r->stop_pipe[0], POLLIN, 0}};
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(r->fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n > 0 && fl == sizeof(from))
			relay_answer(r, buf, (size_t)n, &from, &o);
	}
	lc_xdr_out_free(&o);
	return NULL;
}

int lc_sim_pmap_relay_start(const char *address, lc_sim_endpoint *const *eps, size_t n, lc_sim_pmap_relay **out,
			    lc_diag *diag)
{
	*out = NULL;
	lc_sim_pmap_relay *r = calloc(1, sizeof(*r));
	if (!r || !(r->eps = calloc(n ? n : 1, sizeof(*r->eps)))) {
		free(r);
		return lc_diag_set(diag, LC_ERR_NOMEM, "portmapper relay: out of memory");
	}
	memcpy(r->eps, eps, n * sizeof(*eps));
	r->n = n;
	r->stop_pipe[0] = r->stop_pipe[1] = -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(111)};
	int rc = 0;
	r->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (r->fd < 0 || inet_pton(AF_INET, address, &a.sin_addr) != 1 || bind(r->fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		rc = lc_diag_set(diag, errno == EACCES ? LC_ERR_PERMISSION : errno == EADDRINUSE ? LC_ERR_BUSY : LC_ERR_IO,
				 "portmapper relay on %s:111 (udp): %s", address, strerror(errno));
	else if (pipe2(r->stop_pipe, O_CLOEXEC) < 0 || pthread_create(&r->th, NULL, relay_main, r) != 0)
		rc = lc_diag_set(diag, LC_ERR_IO, "portmapper relay: %s", strerror(errno));
	if (rc < 0) {
		if (r->fd >= 0)
			close(r->fd);
		for (int k = 0; k < 2; k++)
			if (r->stop_pipe[k] >= 0)
				close(r->stop_pipe[k]);
		free(r->eps);
		free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void lc_sim_pmap_relay_stop(lc_sim_pmap_relay *r)
{
	if (!r)
		return;
	ssize_t w = write(r->stop_pipe[1], "x", 1);
	(void)w;
	pthread_join(r->th, NULL);
	close(r->fd);
	close(r->stop_pipe[0]);
	close(r->stop_pipe[1]);
	free(r->eps);
	free(r);
}
