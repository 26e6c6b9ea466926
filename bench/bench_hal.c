/*
 * lanecert-bench hal: the HAL's cost against the bare socket, measured in one run on loopback.
 *   (a) bare-socket *IDN? write/read loop (baseline)      (b) lc_scpi_query over the raw socket transport
 *   (c) lc_scpi_query over VXI-11 (liblxi) to the simulator's VXI-11 server, with a bare liblxi loop as its
 *       baseline                                            (d) 1 MiB and 16 MiB definite blocks: lanecert
 *       vs a bare-socket read of exactly the same bytes
 * The raw-socket server is a dedicated thread with blocking I/O and writev, so it is not the bottleneck.
 * Baseline and lanecert run in alternating rounds so that drift on a shared machine hits both alike (the
 * VXI-11 and HiSLIP comparisons too, each ratio the median of its rounds, min and max beside), and the
 * order within a round rotates (bare first in one round, lanecert first in the next; the three block readers
 * in turn), so that neither side always runs on a cache or a socket the other one warmed.
 * The whole benchmark runs on one CPU, clients and servers alike, unless --no-pin (lc_bench_pin_one_cpu says
 * why: unpinned, HiSLIP/raw was 0.256 in one run and 2.578 in the next on an idle 2-core machine).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <lxi.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "hal/scpi.h"
#include "sim/scpi/testinst.h"

#define IDN "LANECERT,BENCH,0,1.0\n"
#define BIG (16u << 20)

#define MAX_CONN 8

struct server {
	int lfd;
	uint16_t port;
	pthread_t th;
	uint8_t *blk;
	pthread_t conn_th[MAX_CONN];
	int conn_fd[MAX_CONN];
	int nconn;
};

struct conn {
	struct server *s;
	int fd;
};

static int send_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

static int answer(struct server *s, int fd, const char *line)
{
	if (strcmp(line, "*IDN?") == 0) {
		struct iovec v = {(void *)IDN, sizeof(IDN) - 1};
		return send_all(fd, &v, 1);
	}
	if (strncmp(line, "BLK? ", 5) == 0) {
		size_t n = strtoul(line + 5, NULL, 10);
		char hdr[32], digits[16];
		if (n > BIG)
			n = BIG;
		int nd = snprintf(digits, sizeof(digits), "%zu", n);
		int hl = snprintf(hdr, sizeof(hdr), "#%d%s", nd, digits);
		struct iovec v[3] = {{hdr, (size_t)hl}, {s->blk, n}, {(void *)"\n", 1}};
		return send_all(fd, v, 3);
	}
	struct iovec v = {(void *)"0\n", 2};
	return send_all(fd, &v, 1);
}

static void serve(struct server *s, int fd)
{
	char buf[4096];
	size_t have = 0;
	for (;;) {
		ssize_t r = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (r <= 0)
			return;
		have += (size_t)r;
		char *nl;
		while ((nl = memchr(buf, '\n', have)) != NULL) {
			*nl = '\0';
			if (answer(s, fd, buf) != 0)
				return;
			size_t used = (size_t)(nl - buf) + 1;
			memmove(buf, nl + 1, have - used);
			have -= used;
		}
		if (have == sizeof(buf))
			return;
	}
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	serve(c->s, c->fd);
	free(c);
	return NULL;
}

/* One blocking thread per connection (the baseline and lanecert are connected at the same time). */
static void *server_main(void *arg)
{
	struct server *s = arg;
	for (;;) {
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			return NULL;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct conn *c = malloc(sizeof(*c));
		if (!c || s->nconn == MAX_CONN) {
			free(c);
			close(fd);
			continue;
		}
		c->s = s;
		c->fd = fd;
		s->conn_fd[s->nconn] = fd;
		if (pthread_create(&s->conn_th[s->nconn], NULL, conn_main, c) != 0) {
			free(c);
			close(fd);
			continue;
		}
		s->nconn++;
	}
}

static int server_start(struct server *s)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	s->blk = malloc(BIG);
	if (!s->blk)
		return -1;
	for (size_t i = 0; i < BIG; i++)
		s->blk[i] = (uint8_t)(i * 31 + 7);
	s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0 || bind(s->lfd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s->lfd, 4) != 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &al) != 0)
		return -1;
	s->port = ntohs(a.sin_port);
	return pthread_create(&s->th, NULL, server_main, s) == 0 ? 0 : -1;
}

static void server_stop(struct server *s)
{
	shutdown(s->lfd, SHUT_RDWR);
	close(s->lfd);
	pthread_join(s->th, NULL);
	for (int i = 0; i < s->nconn; i++) {
		shutdown(s->conn_fd[i], SHUT_RDWR);
		pthread_join(s->conn_th[i], NULL);
		close(s->conn_fd[i]);
	}
	free(s->blk);
}

static int bare_connect(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* The baseline: write the query, read until the terminator (or exactly `want` bytes when want > 0). */
static int bare_exchange(int fd, const char *q, uint8_t *buf, size_t cap, size_t want)
{
	size_t got = 0, ql = strlen(q);
	if (send(fd, q, ql, MSG_NOSIGNAL) != (ssize_t)ql)
		return -1;
	for (;;) {
		ssize_t r = recv(fd, buf + got, cap - got, 0);
		if (r <= 0)
			return -1;
		got += (size_t)r;
		if (want ? got >= want : buf[got - 1] == '\n')
			return (int)got;
		if (got == cap)
			return -1;
	}
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

struct series {
	int64_t *lat; /* microseconds per query */
	size_t n;
	int64_t total_us;
};

static double qps(const struct series *s)
{
	return s->total_us > 0 ? (double)s->n * 1e6 / (double)s->total_us : 0;
}

static int64_t pct(struct series *s, double p)
{
	if (!s->n)
		return 0;
	qsort(s->lat, s->n, sizeof(int64_t), cmp_i64);
	size_t i = (size_t)(p * (double)(s->n - 1) + 0.5);
	return s->lat[i];
}

#define ROUNDS 20

/* IDN round trips: baseline and lanecert alternate in ROUNDS rounds of per_round queries each. */
static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* IDN round trips: baseline and lanecert alternate in ROUNDS rounds of per_round queries each; *ratio is
 * the median over rounds of (lanecert rate / baseline rate), so that a round disturbed by another process
 * on a shared machine does not decide the figure. */
static int bare_round(int fd, size_t per_round, struct series *base, char *err, size_t ecap)
{
	uint8_t buf[256];
	for (size_t i = 0; i < per_round; i++) {
		int64_t t0 = lc_now_us();
		if (bare_exchange(fd, "*IDN?\n", buf, sizeof(buf), 0) != sizeof(IDN) - 1) {
			snprintf(err, ecap, "bare socket: bad reply");
			return -1;
		}
		int64_t dt = lc_now_us() - t0;
		base->lat[base->n++] = dt;
		base->total_us += dt;
	}
	return 0;
}

static int ours_round(lc_scpi *s, size_t per_round, struct series *ours, char *err, size_t ecap)
{
	char reply[256];
	for (size_t i = 0; i < per_round; i++) {
		int64_t t0 = lc_now_us();
		int e = lc_scpi_query(s, "*IDN?", reply, sizeof(reply));
		int64_t dt = lc_now_us() - t0;
		if (e != sizeof(IDN) - 2 || memcmp(reply, IDN, sizeof(IDN) - 2) != 0) {
			snprintf(err, ecap, "lanecert raw: %.200s", e < 0 ? lc_scpi_last_detail(s) : "bad reply");
			return -1;
		}
		ours->lat[ours->n++] = dt;
		ours->total_us += dt;
	}
	return 0;
}

/* ratio[0..2]: min, median, max over the rounds */
static int run_idn(uint16_t port, size_t per_round, struct series *base, struct series *ours, double *ratio,
		   char *err, size_t ecap)
{
	double ratios[ROUNDS];
	char res[64];
	uint8_t buf[256];
	char reply[256];
	lc_scpi *s = NULL;
	lc_diag d;
	int fd = bare_connect(port);
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::%u::SOCKET", port);
	if (fd < 0 || lc_scpi_open(res, NULL, &s, &d) < 0) {
		snprintf(err, ecap, "cannot connect to the bench server: %.180s", fd < 0 ? strerror(errno) : d.text);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (int w = 0; w < 200; w++) {
		if (bare_exchange(fd, "*IDN?\n", buf, sizeof(buf), 0) < 0 || lc_scpi_query(s, "*IDN?", reply, sizeof(reply)) < 0) {
			snprintf(err, ecap, "warm-up failed: %.200s", lc_scpi_last_detail(s));
			goto fail;
		}
	}
	for (int r = 0; r < ROUNDS; r++) {
		int64_t bt = base->total_us, ot = ours->total_us;
		bool bare_first = r % 2 == 0;
		if ((bare_first && bare_round(fd, per_round, base, err, ecap) < 0) ||
		    ours_round(s, per_round, ours, err, ecap) < 0 ||
		    (!bare_first && bare_round(fd, per_round, base, err, ecap) < 0))
			goto fail;
		bt = base->total_us - bt;
		ot = ours->total_us - ot;
		ratios[r] = ot > 0 ? (double)bt / (double)ot : 0;
	}
	qsort(ratios, ROUNDS, sizeof(double), cmp_dbl);
	ratio[0] = ratios[0];
	ratio[1] = (ratios[ROUNDS / 2 - 1] + ratios[ROUNDS / 2]) / 2;
	ratio[2] = ratios[ROUNDS - 1];
	close(fd);
	lc_scpi_close(s);
	return 0;
fail:
	close(fd);
	lc_scpi_close(s);
	return -1;
}

/* Median seconds of `reps` block transfers of n bytes, bare and lanecert alternating. */
static void sort_small(double *v, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
			double t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

/* Median seconds of `reps` transfers of an n-byte block: a bare-socket read of exactly the reply's bytes
 * into a reused buffer, lc_scpi_query_block_into (reused buffer: like for like) and lc_scpi_query_block
 * (a new allocation per block, as its API requires), in alternation. */
static int run_block(uint16_t port, size_t n, int reps, double *bare_s, double *into_s, double *ours_s, char *err,
		     size_t ecap)
{
	double ti[32];
	uint8_t *into = malloc(n + 1);
	char res[64], q[32], digits[16];
	lc_scpi *s = NULL;
	lc_diag d;
	double tb[32], to[32];
	if (reps > 32)
		reps = 32;
	int nd = snprintf(digits, sizeof(digits), "%zu", n);
	size_t total = 2 + (size_t)nd + n + 1;
	uint8_t *buf = malloc(total);
	int fd = bare_connect(port);
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::%u::SOCKET", port);
	snprintf(q, sizeof(q), "BLK? %zu", n);
	if (!buf || !into || fd < 0 || lc_scpi_open(res, NULL, &s, &d) < 0) {
		snprintf(err, ecap, "block bench: cannot connect");
		free(buf);
		free(into);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char qn[40];
	snprintf(qn, sizeof(qn), "%s\n", q);
	for (int r = -1; r < reps; r++) { /* r = -1: warm-up */
		double t[3] = {0, 0, 0};
		for (int k = 0; k < 3; k++) { /* the three readers in turn: each one first in every third repetition */
			int which = (k + r + 1) % 3, e = 0;
			int64_t t0 = lc_now_us();
			if (which == 0) {
				e = bare_exchange(fd, qn, buf, total, total);
				t[which] = (double)(lc_now_us() - t0) / 1e6;
				if (e != (int)total) {
					snprintf(err, ecap, "bare block read failed");
					goto fail;
				}
			} else if (which == 1) {
				uint8_t *data = NULL;
				size_t len = 0;
				e = lc_scpi_query_block(s, q, &data, &len);
				t[which] = (double)(lc_now_us() - t0) / 1e6;
				bool same = e >= 0 && len == n && memcmp(data, buf + 2 + nd, n) == 0;
				free(data);
				if (!same) {
					snprintf(err, ecap, "lanecert block: %.200s", e < 0 ? lc_scpi_last_detail(s) : "wrong data");
					goto fail;
				}
			} else {
				size_t got = 0;
				e = lc_scpi_query_block_into(s, q, into, n + 1, &got);
				t[which] = (double)(lc_now_us() - t0) / 1e6;
				if (e < 0 || got != n || memcmp(into, buf + 2 + nd, n) != 0) {
					snprintf(err, ecap, "lanecert block_into: %.200s", e < 0 ? lc_scpi_last_detail(s) : "wrong data");
					goto fail;
				}
			}
		}
		if (r >= 0) {
			tb[r] = t[0];
			to[r] = t[1];
			ti[r] = t[2];
		}
	}
	sort_small(tb, reps);
	sort_small(to, reps);
	sort_small(ti, reps);
	*bare_s = tb[reps / 2];
	*ours_s = to[reps / 2];
	*into_s = ti[reps / 2];
	close(fd);
	lc_scpi_close(s);
	free(buf);
	free(into);
	return 0;
fail:
	close(fd);
	lc_scpi_close(s);
	free(buf);
	free(into);
	return -1;
}

/* VXI-11: lanecert vs bare liblxi against the simulator's VXI-11 server. Returns -1 with err when the
 * server cannot run here (port 111 needs root or CAP_NET_BIND_SERVICE). */
/* lanecert and a bare liblxi loop in ROUNDS rounds, the order alternating; ratio[]: min, median, max of the
 * per-round ratio. */
static int run_vxi11(size_t count, double *ours_qps, double *lxi_qps, double ratio[3], char *err, size_t ecap)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst *t = NULL;
	lc_diag d;
	char addr[32], res[64], reply[256];
	unsigned k = (unsigned)getpid();
	snprintf(addr, sizeof(addr), "127.%u.%u.1", 200 + k % 50, (k / 50) % 250 + 1);
	lc_sim_testinst_opts_init(&o);
	o.address = addr;
	o.socket_port = -1;
	o.vxi11_port = 0;
	o.portmapper_port = 111;
	if (lc_sim_testinst_start(&o, &t, &d) < 0) {
		snprintf(err, ecap, "simulated VXI-11 server not available: %.180s", d.text);
		return -1;
	}
	lc_scpi *s = NULL;
	snprintf(res, sizeof(res), "TCPIP::%s::INSTR", addr);
	if (lc_scpi_open(res, NULL, &s, &d) < 0) {
		snprintf(err, ecap, "VXI-11 open: %.200s", d.text);
		lc_sim_testinst_stop(t);
		return -1;
	}
	int dev = lxi_connect(addr, 0, "inst0", 2000, VXI11);
	int rc = 0, rounds = 0;
	if (dev < 0) {
		snprintf(err, ecap, "the bare liblxi loop cannot connect to %s: no baseline", addr);
		rc = -1;
	}
	double ours_q[ROUNDS], lxi_q[ROUNDS], r[ROUNDS];
	size_t per = count / ROUNDS;
	for (; rounds < ROUNDS && rc == 0 && dev >= 0; rounds++) {
		int64_t ours_us = 0, lxi_us = 0;
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			int64_t t0 = lc_now_us();
			if ((pass + rounds) % 2 == 0) { /* lanecert first in even rounds, the bare loop in odd ones */
				for (size_t i = 0; i < per; i++)
					if (lc_scpi_query(s, "*IDN?", reply, sizeof(reply)) < 0) {
						snprintf(err, ecap, "VXI-11 query: %.200s", lc_scpi_last_detail(s));
						rc = -1;
						break;
					}
				ours_us = lc_now_us() - t0;
			} else {
				for (size_t i = 0; i < per && dev >= 0; i++)
					if (lxi_send(dev, "*IDN?\n", 6, 2000) != 6 || lxi_receive(dev, reply, sizeof(reply), 2000) <= 0)
						dev = -1;
				lxi_us = lc_now_us() - t0;
			}
		}
		ours_q[rounds] = ours_us > 0 ? (double)per * 1e6 / (double)ours_us : 0;
		lxi_q[rounds] = lxi_us > 0 ? (double)per * 1e6 / (double)lxi_us : 0;
		r[rounds] = lxi_q[rounds] > 0 ? ours_q[rounds] / lxi_q[rounds] : 0;
	}
	double a[3], b[3];
	lc_bench_spread(ours_q, rounds, a);
	lc_bench_spread(lxi_q, rounds, b);
	lc_bench_spread(r, rounds, ratio);
	*ours_qps = a[1];
	*lxi_qps = dev >= 0 ? b[1] : 0;
	if (dev >= 0)
		lxi_disconnect(dev);
	lc_scpi_close(s);
	lc_sim_testinst_stop(t);
	return rc;
}

/* HiSLIP vs raw socket, lanecert on both, to one simulated instrument, in ROUNDS rounds whose order
 * alternates; ratio[]: min, median, max of the per-round ratio. */
static int run_hislip(size_t count, double *hislip_qps, double *raw_qps, double ratio[3], char *err, size_t ecap)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst *t = NULL;
	lc_diag d;
	char res[80], reply[256];
	lc_sim_testinst_opts_init(&o);
	o.socket_port = 0;
	o.vxi11_port = -1;
	o.hislip_port = 0;
	if (lc_sim_testinst_start(&o, &t, &d) < 0) {
		snprintf(err, ecap, "simulated HiSLIP server: %.180s", d.text);
		return -1;
	}
	lc_scpi *h = NULL, *r = NULL;
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::hislip0,%d::INSTR", lc_sim_endpoint_port(lc_sim_testinst_hislip(t)));
	int rc = lc_scpi_open(res, NULL, &h, &d);
	if (rc == 0) {
		snprintf(res, sizeof(res), "TCPIP::127.0.0.1::%d::SOCKET", lc_sim_endpoint_port(lc_sim_testinst_socket(t)));
		rc = lc_scpi_open(res, NULL, &r, &d);
	}
	if (rc < 0)
		snprintf(err, ecap, "open %.60s: %.180s", res, d.text);
	double hq[ROUNDS], rq[ROUNDS], q[ROUNDS];
	size_t per = count / ROUNDS;
	int rounds = 0;
	for (; rounds < ROUNDS && rc == 0; rounds++) {
		int64_t h_us = 0, r_us = 0;
		for (int pass = 0; pass < 2 && rc == 0; pass++) {
			bool raw_turn = (pass + rounds) % 2 == 0; /* the raw socket first in even rounds */
			lc_scpi *x = raw_turn ? r : h;
			int64_t t0 = lc_now_us();
			for (size_t i = 0; i < per && rc == 0; i++)
				if (lc_scpi_query(x, "*IDN?", reply, sizeof(reply)) < 0) {
					snprintf(err, ecap, "%s query: %.200s", raw_turn ? "raw socket" : "HiSLIP",
						 lc_scpi_last_detail(x));
					rc = -1;
				}
			*(raw_turn ? &r_us : &h_us) = lc_now_us() - t0;
		}
		hq[rounds] = h_us > 0 ? (double)per * 1e6 / (double)h_us : 0;
		rq[rounds] = r_us > 0 ? (double)per * 1e6 / (double)r_us : 0;
		q[rounds] = rq[rounds] > 0 ? hq[rounds] / rq[rounds] : 0;
	}
	double a[3], b[3];
	lc_bench_spread(hq, rounds, a);
	lc_bench_spread(rq, rounds, b);
	lc_bench_spread(q, rounds, ratio);
	*hislip_qps = a[1];
	*raw_qps = b[1];
	lc_scpi_close(h);
	lc_scpi_close(r);
	lc_sim_testinst_stop(t);
	return rc;
}

static void usage(FILE *out)
{
	fprintf(out, "usage: lanecert-bench hal [--json] [--queries N] [--no-pin]\n\n"
		     "Raw-socket *IDN? round trips (bare socket vs lanecert), VXI-11 through liblxi against the\n"
		     "simulator's VXI-11 server (needs root or CAP_NET_BIND_SERVICE for its portmapper on port 111),\n"
		     "HiSLIP vs raw socket to the same simulated instrument, and 1 MiB / 16 MiB definite blocks\n"
		     "(bare socket vs lanecert), all on loopback in one run, on one CPU (clients and servers alike)\n"
		     "unless --no-pin.\n");
}

int lc_bench_hal(int argc, char **argv)
{
	bool json = false, pin = true;
	size_t queries = 20000;
	char err[LC_DIAG_TEXT_MAX] = "", vxi_err[LC_DIAG_TEXT_MAX] = "", hs_err[LC_DIAG_TEXT_MAX] = "";
	double hq = 0, hrq = 0, hr[3] = {0, 0, 0}, vr3[3] = {0, 0, 0};
	for (int i = 1; i < argc; i++) {
		if (lc_cli_is_help(argv[i])) {
			usage(stdout);
			return LC_EXIT_OK;
		} else if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--no-pin") == 0) {
			pin = false;
		} else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc) {
			long v = strtol(argv[++i], NULL, 10);
			if (v < ROUNDS * 10 || v > 10000000) {
				lc_cli_error("bench hal", "--queries: %s is not in %d..10000000", argv[i], ROUNDS * 10);
				return LC_EXIT_USAGE;
			}
			queries = (size_t)v;
		} else {
			usage(stderr);
			return LC_EXIT_USAGE;
		}
	}
	int cpu = pin ? lc_bench_pin_one_cpu("hal") : -1; /* before any server thread starts */
	struct server srv = {0};
	if (server_start(&srv) != 0) {
		lc_cli_error("bench hal", "cannot start the loopback server: %s", strerror(errno));
		return LC_EXIT_SOFTWARE;
	}
	size_t per_round = queries / ROUNDS;
	struct series base = {calloc(per_round * ROUNDS, sizeof(int64_t)), 0, 0};
	struct series ours = {calloc(per_round * ROUNDS, sizeof(int64_t)), 0, 0};
	double b1 = 0, o1 = 0, i1 = 0, b16 = 0, o16 = 0, i16 = 0, vq = 0, lq = 0, raw[3] = {0, 0, 0};
	int rc = LC_EXIT_OK;
	if (!base.lat || !ours.lat) {
		lc_cli_error("bench hal", "out of memory");
		rc = LC_EXIT_SOFTWARE;
	} else if (run_idn(srv.port, per_round, &base, &ours, raw, err, sizeof(err)) != 0 ||
		   run_block(srv.port, 1u << 20, 21, &b1, &i1, &o1, err, sizeof(err)) != 0 ||
		   run_block(srv.port, BIG, 9, &b16, &i16, &o16, err, sizeof(err)) != 0) {
		lc_cli_error("bench hal", "%s", err);
		rc = LC_EXIT_SOFTWARE;
	}
	server_stop(&srv);
	if (rc == LC_EXIT_OK && run_vxi11(queries / 10 < 1000 ? 1000 : queries / 10, &vq, &lq, vr3, vxi_err, sizeof(vxi_err)) != 0)
		vq = lq = 0;
	if (rc == LC_EXIT_OK && run_hislip(queries / 4 < 1000 ? 1000 : queries / 4, &hq, &hrq, hr, hs_err, sizeof(hs_err)) != 0) {
		lc_cli_error("bench hal", "%s", hs_err);
		rc = LC_EXIT_SOFTWARE;
	}
	if (rc != LC_EXIT_OK) {
		free(base.lat);
		free(ours.lat);
		return rc;
	}
	double bq = qps(&base), rq = qps(&ours), raw_ratio = raw[1];
	int64_t bp50 = pct(&base, 0.5), bp99 = pct(&base, 0.99), p50 = pct(&ours, 0.5), p99 = pct(&ours, 0.99);
	double mb1b = 1.048576 / b1, mb1o = 1.048576 / o1, mb16b = 16.777216 / b16, mb16o = 16.777216 / o16;
	double mb1i = 1.048576 / i1, mb16i = 16.777216 / i16;
	/* block_ratio: like for like (both read into a reused buffer); the _alloc ratios include the
	 * allocation query_block makes for every block */
	double block_ratio = mb16i / mb16b, block_ratio_1m = mb1i / mb1b;
	double block_ratio_alloc = mb16o / mb16b, block_ratio_1m_alloc = mb1o / mb1b;
	if (json) {
		char vx[64], vl[64], vr[64], ve[2 * LC_DIAG_TEXT_MAX + 16] = "";
		/* null, not 0, when VXI-11 could not be measured here */
		snprintf(vx, sizeof(vx), vq > 0 ? "%.0f" : "null", vq);
		snprintf(vl, sizeof(vl), lq > 0 ? "%.0f" : "null", lq);
		snprintf(vr, sizeof(vr), vq > 0 && lq > 0 ? "%.3f" : "null", vr3[1]);
		if (vxi_err[0]) {
			size_t o = 0;
			o += (size_t)snprintf(ve, sizeof(ve), "\"vxi11_error\":\"");
			for (const char *p = vxi_err; *p && o + 8 < sizeof(ve); p++) {
				if (*p == '"' || *p == '\\')
					ve[o++] = '\\';
				ve[o++] = (unsigned char)*p < 0x20 ? ' ' : *p;
			}
			snprintf(ve + o, sizeof(ve) - o, "\",");
		}
		printf("{\"bench\":\"hal\",\"baseline\":\"a bare blocking-socket loop on the same server\","
		       "\"one_cpu\":%s,\"queries\":%zu,\"baseline_qps\":%.0f,\"raw_qps\":%.0f,\"raw_ratio\":%.3f,"
		       "\"raw_ratio_min\":%.3f,\"raw_ratio_max\":%.3f,"
		       "\"baseline_p50_us\":%lld,\"baseline_p99_us\":%lld,\"p50_us\":%lld,\"p99_us\":%lld,"
		       "\"vxi11_qps\":%s,\"vxi11_liblxi_qps\":%s,\"vxi11_ratio\":%s,\"vxi11_ratio_min\":%.3f,"
		       "\"vxi11_ratio_max\":%.3f,%s"
		       "\"hislip_qps\":%.0f,\"hislip_raw_qps\":%.0f,\"hislip_ratio\":%.3f,\"hislip_ratio_min\":%.3f,"
		       "\"hislip_ratio_max\":%.3f,"
		       "\"block_1m_bare_mbs\":%.1f,\"block_1m_mbs\":%.1f,\"block_1m_alloc_mbs\":%.1f,"
		       "\"block_ratio_1m\":%.3f,\"block_ratio_1m_alloc\":%.3f,"
		       "\"block_16m_bare_mbs\":%.1f,\"block_16m_mbs\":%.1f,\"block_16m_alloc_mbs\":%.1f,"
		       "\"block_ratio\":%.3f,\"block_ratio_alloc\":%.3f}\n",
		       cpu >= 0 ? "true" : "false", ours.n, bq, rq, raw_ratio, raw[0], raw[2], (long long)bp50, (long long)bp99, (long long)p50, (long long)p99, vx, vl, vr,
		       vr3[0], vr3[2], ve, hq, hrq, hr[1], hr[0], hr[2], mb1b, mb1i, mb1o, block_ratio_1m, block_ratio_1m_alloc, mb16b, mb16i,
		       mb16o, block_ratio,
		       block_ratio_alloc);
	} else {
		printf("HAL benchmark (loopback; %zu *IDN? round trips per side in %d rounds, the order alternating;\n"
		       "baseline: a bare blocking-socket loop (send, recv) on the same server; ratios are medians over\n"
		       "rounds / repetitions, min and max beside; %s)\n", ours.n, ROUNDS,
		       LC_BENCH_PLACEMENT(cpu));
		printf("  bare socket      %9.0f q/s   p50 %4lld us   p99 %4lld us   p99/p50 %.2f (the machine's own tail)\n",
		       bq, (long long)bp50, (long long)bp99, (double)bp99 / (double)(bp50 ? bp50 : 1));
		printf("  lanecert raw     %9.0f q/s   p50 %4lld us   p99 %4lld us   p99/p50 %.2f (target <= 3: %s)\n", rq,
		       (long long)p50, (long long)p99, (double)p99 / (double)(p50 ? p50 : 1), p99 <= 3 * p50 ? "met" : "NOT met");
		printf("  raw / bare       median %.3f  min %.3f  max %.3f (target >= 0.95: %s)\n", raw_ratio, raw[0], raw[2],
		       raw_ratio >= 0.95 ? "met" : "NOT met");
		if (vq > 0)
			printf("  lanecert VXI-11  %9.0f q/s   bare liblxi %.0f q/s   ratio median %.3f (%.3f..%.3f) (simulated "
			       "instrument)\n", vq, lq, vr3[1], vr3[0], vr3[2]);
		else
			printf("  lanecert VXI-11  not measured: %s\n", vxi_err);
		printf("  lanecert HiSLIP  %9.0f q/s   lanecert raw socket %.0f q/s   ratio median %.3f (%.3f..%.3f) (same "
		       "simulated instrument; target >= 0.9: %s)\n", hq, hrq, hr[1], hr[0], hr[2], hr[1] >= 0.9 ? "met" : "NOT met");
		printf("  block 1 MiB      bare %7.1f MB/s   lanecert into %7.1f MB/s (ratio %.3f)   alloc %7.1f MB/s (%.3f)\n",
		       mb1b, mb1i, block_ratio_1m, mb1o, block_ratio_1m_alloc);
		printf("  block 16 MiB     bare %7.1f MB/s   lanecert into %7.1f MB/s (ratio %.3f)   alloc %7.1f MB/s (%.3f)"
		       "  target >= 0.8: %s\n", mb16b, mb16i, block_ratio, mb16o, block_ratio_alloc,
		       block_ratio >= 0.8 ? "met" : "NOT met");
	}
	free(base.lat);
	free(ours.lat);
	return LC_EXIT_OK;
}
