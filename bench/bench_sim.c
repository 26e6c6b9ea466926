/*
 * lanecert-bench sim: how fast the simulator answers on loopback, so that benchmarks of the client measure the
 * client. The client here is plain sockets (not hal/), one query at a time as a driver sends them.
 *
 * Figures, each with the baseline measured in the same run:
 *   raw socket queries/s (SOUR:VAL?)   vs a bare echo server on a socket (read a line, write it back)
 *   raw socket, 4 clients at once      vs the echo server with 4 clients
 *   VXI-11 queries/s (write + read)    vs the raw socket of the same instrument
 *   engine alone, messages/s           vs the raw socket (what the network costs)
 *   instrument time simulated          vs the wall time it took (time scale 1000)
 */
#include <arpa/inet.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "sim/scpi/testinst.h"

#define CLIENTS 4

struct fig {
	const char *name;
	double ours, base;
	const char *unit, *baseline;
};

static int connect_to(const char *addr, int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Read until '\n'; 0 or -1 (EOF, error, or 5 s without data: a broken server must not hang the bench). */
static int read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 5000) <= 0)
			return -1;
		ssize_t r = recv(fd, buf + n, cap - n, 0);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		if (buf[n - 1] == '\n')
			return 0;
		if (n == cap)
			return -1;
	}
}

/* ---- the baseline: a bare echo server ---- */

struct echo {
	int lfd, port;
	bool started;
	pthread_t th;
};

static void *echo_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
			break;
	close(fd);
	return NULL;
}

static void *echo_main(void *arg)
{
	struct echo *e = arg;
	pthread_t th[CLIENTS];
	int n = 0;
	for (; n < CLIENTS; n++) {
		int fd = accept(e->lfd, NULL, NULL);
		if (fd < 0)
			break;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&th[n], NULL, echo_conn, (void *)(intptr_t)fd) != 0) {
			close(fd);
			break;
		}
	}
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return NULL;
}

/* The echo server serves exactly CLIENTS connections, then its thread ends. */
static int echo_start(struct echo *e)
{
	e->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof(sa);
	if (e->lfd < 0 || bind(e->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(e->lfd, 16) != 0 ||
	    getsockname(e->lfd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	e->port = ntohs(sa.sin_port);
	e->started = pthread_create(&e->th, NULL, echo_main, e) == 0;
	return e->started ? 0 : -1;
}

/* ---- clients ---- */

struct client {
	int fd;
	long count;
	const char *query;
	int failed;
	pthread_t th;
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	char buf[512];
	size_t ql = strlen(c->query);
	for (long i = 0; i < c->count; i++) {
		if (send(c->fd, c->query, ql, MSG_NOSIGNAL) != (ssize_t)ql || read_line(c->fd, buf, sizeof(buf)) < 0) {
			c->failed = 1;
			break;
		}
	}
	return NULL;
}

/* Queries per second over nfd connections at once, count queries each. -1 on failure. */
static double run_clients(const int *fds, int nfd, long count, const char *query)
{
	struct client c[CLIENTS];
	int64_t t0 = lc_now_us();
	for (int i = 0; i < nfd; i++) {
		c[i] = (struct client){.fd = fds[i], .count = count, .query = query};
		if (pthread_create(&c[i].th, NULL, client_main, &c[i]) != 0)
			return -1;
	}
	int failed = 0;
	for (int i = 0; i < nfd; i++) {
		pthread_join(c[i].th, NULL);
		failed |= c[i].failed;
	}
	double s = (double)(lc_now_us() - t0) / 1e6;
	return failed ? -1 : (double)count * nfd / s;
}

/* ---- a VXI-11 client on plain sockets ---- */

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
	return 4;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One call: header + args; reply record into r (at most cap). Returns the reply length or -1. */
static int rpc(int fd, uint32_t proc, const uint32_t *args, int nargs, const char *opaque, uint8_t *r, size_t cap)
{
	uint8_t m[512];
	size_t n = 4;
	static uint32_t xid;
	const uint32_t hdr[] = {++xid, 0, 2, 395183, 1, proc, 0, 0, 0, 0};
	for (size_t i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
		n += put32(m + n, hdr[i]);
	for (int i = 0; i < nargs; i++)
		n += put32(m + n, args[i]);
	if (opaque) {
		size_t ol = strlen(opaque);
		n += put32(m + n, (uint32_t)ol);
		memcpy(m + n, opaque, ol);
		n += (ol + 3) & ~(size_t)3;
	}
	put32(m, (uint32_t)(n - 4) | 0x80000000u);
	if (send(fd, m, n, MSG_NOSIGNAL) != (ssize_t)n)
		return -1;
	uint8_t h[4];
	size_t got = 0;
	while (got < 4) {
		ssize_t k = recv(fd, h + got, 4 - got, 0);
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	size_t len = get32(h) & 0x7fffffffu;
	if (len > cap)
		return -1;
	for (got = 0; got < len;) {
		ssize_t k = recv(fd, r + got, len - got, 0);
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return (int)len;
}

static double vxi11_rate(int port, long count)
{
	int fd = connect_to("127.0.0.1", port);
	if (fd < 0)
		return -1;
	uint8_t r[1024];
	const uint32_t cl[] = {1, 0, 0};
	if (rpc(fd, 10, cl, 3, "inst0", r, sizeof(r)) < 36 || get32(r + 24) != 0) {
		close(fd);
		return -1;
	}
	uint32_t lid = get32(r + 28);
	int64_t t0 = lc_now_us();
	for (long i = 0; i < count; i++) {
		const uint32_t w[] = {lid, 1000, 0, 8};
		const uint32_t rd[] = {lid, 1024, 1000, 0, 0, 0};
		if (rpc(fd, 11, w, 4, "SOUR:VAL?\n", r, sizeof(r)) < 32 || get32(r + 24) != 0 ||
		    rpc(fd, 12, rd, 6, NULL, r, sizeof(r)) < 36 || get32(r + 24) != 0) {
			close(fd);
			return -1;
		}
	}
	double s = (double)(lc_now_us() - t0) / 1e6;
	close(fd);
	return (double)count / s;
}

static double engine_rate(lc_sim_scpi *e, long count)
{
	uint8_t *reply = NULL;
	size_t len = 0, cap = 0;
	int64_t t0 = lc_now_us();
	for (long i = 0; i < count; i++) {
		len = 0;
		lc_sim_scpi_execute(e, "SOUR:VAL?", 9, &reply, &len, &cap, NULL);
	}
	double s = (double)(lc_now_us() - t0) / 1e6;
	free(reply);
	return (double)count / s;
}

static void print(const struct fig *f, size_t n, bool json, long count)
{
	if (json) {
		printf("{\"bench\": \"sim\", \"queries\": %ld, \"figures\": [\n", count);
		for (size_t i = 0; i < n; i++)
			printf("  {\"name\": \"%s\", \"value\": %.6g, \"unit\": \"%s\", \"baseline\": \"%s\", "
			       "\"baseline_value\": %.6g, \"ratio\": %.4g}%s\n",
			       f[i].name, f[i].ours, f[i].unit, f[i].baseline, f[i].base, f[i].ours / f[i].base,
			       i + 1 < n ? "," : "");
		printf("]}\n");
		return;
	}
	printf("sim benchmark: simulated instrument on loopback, %ld queries per client\n", count);
	printf("%-28s %12s %-8s %-34s %12s %8s\n", "figure", "value", "unit", "baseline (same run)", "baseline", "ratio");
	for (size_t i = 0; i < n; i++)
		printf("%-28s %12.5g %-8s %-34s %12.5g %8.3f\n", f[i].name, f[i].ours, f[i].unit, f[i].baseline,
		       f[i].base, f[i].ours / f[i].base);
}

int lc_bench_sim(int argc, char **argv)
{
	bool json = false;
	long count = 20000;
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"count", required_argument, NULL, 'n'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jn:h", opts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'n') {
			char *end;
			count = strtol(optarg, &end, 10);
			if (*end || count < 100 || count > 10000000) {
				lc_cli_error("bench sim", "--count must be 100..10000000");
				return LC_EXIT_USAGE;
			}
		} else {
			fprintf(c == 'h' ? stdout : stderr, "usage: lanecert-bench sim [--json] [--count N]\n");
			return c == 'h' ? LC_EXIT_OK : LC_EXIT_USAGE;
		}
	}
	lc_sim_clock *clock;
	if (lc_sim_clock_create(1000, &clock) < 0)
		return LC_EXIT_SOFTWARE;
	lc_sim_testinst_opts o;
	lc_sim_testinst_opts_init(&o);
	o.clock = clock;
	lc_sim_testinst *t;
	lc_diag d;
	int rc = lc_sim_testinst_start(&o, &t, &d);
	if (rc < 0) {
		lc_sim_clock_destroy(clock);
		return lc_cli_fail("bench sim", rc, &d, "starting the simulated instrument");
	}
	struct echo echo = {.lfd = -1};
	int sock_port = lc_sim_endpoint_port(lc_sim_testinst_socket(t));
	int fds[CLIENTS], efds[CLIENTS];
	rc = echo_start(&echo);
	for (int i = 0; i < CLIENTS; i++) {
		fds[i] = connect_to("127.0.0.1", sock_port);
		efds[i] = rc == 0 ? connect_to("127.0.0.1", echo.port) : -1;
		if (fds[i] < 0 || efds[i] < 0)
			rc = -1;
	}
	struct fig f[5];
	int nf = 0;
	if (rc == 0) {
		double ours = run_clients(fds, 1, count, "SOUR:VAL?\n");
		double base = run_clients(efds, 1, count, "+0.00000000E+00\n");
		double ours4 = run_clients(fds, CLIENTS, count / CLIENTS, "SOUR:VAL?\n");
		double base4 = run_clients(efds, CLIENTS, count / CLIENTS, "+0.00000000E+00\n");
		double vxi = vxi11_rate(lc_sim_endpoint_port(lc_sim_testinst_vxi11(t)), count / 2);
		double eng = engine_rate(lc_sim_testinst_engine(t), count * 5);
		if (ours < 0 || base < 0 || ours4 < 0 || base4 < 0 || vxi < 0)
			rc = -1;
		f[nf++] = (struct fig){"socket_queries", ours, base, "query/s", "bare echo server, 1 client"};
		f[nf++] = (struct fig){"socket_queries_4_clients", ours4, base4, "query/s", "bare echo server, 4 clients"};
		f[nf++] = (struct fig){"vxi11_queries", vxi, ours, "query/s", "raw socket of the same instrument"};
		f[nf++] = (struct fig){"engine_messages", eng, ours, "msg/s", "raw socket of the same instrument"};
	}
	for (int i = 0; i < CLIENTS; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		if (efds[i] >= 0)
			close(efds[i]);
	}
	if (echo.started) {
		shutdown(echo.lfd, SHUT_RDWR); /* ends an accept() still waiting if a connect failed */
		pthread_join(echo.th, NULL);
	}
	if (echo.lfd >= 0)
		close(echo.lfd);
	if (rc == 0) {
		/* 10 x 0.5 s of instrument time at time scale 1000 */
		int fd = connect_to("127.0.0.1", sock_port);
		char buf[64];
		int64_t t0 = lc_now_us();
		for (int i = 0; i < 10 && fd >= 0; i++)
			if (send(fd, "TEST:DEL? 0.5\n", 14, MSG_NOSIGNAL) != 14 || read_line(fd, buf, sizeof(buf)) < 0)
				rc = -1;
		double wall = (double)(lc_now_us() - t0) / 1e6;
		if (fd >= 0)
			close(fd);
		f[nf++] = (struct fig){"instrument_time_simulated", lc_sim_scpi_sim_seconds(lc_sim_testinst_engine(t)),
				       wall, "s", "wall time it took (scale 1000)"};
	}
	lc_sim_testinst_stop(t);
	lc_sim_clock_destroy(clock);
	if (rc < 0) {
		lc_cli_error("bench sim", "a query failed or timed out: the simulator is broken");
		return LC_EXIT_SOFTWARE;
	}
	print(f, (size_t)nf, json, count);
	return LC_EXIT_OK;
}
