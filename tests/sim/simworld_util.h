/*
 * Helpers of the simulated-world tests: scenarios patched in memory, and plain socket I/O (no hal/scpi.c) to
 * talk to simulated instruments the way a client on the wire would.
 */
#ifndef LC_TESTS_SIMWORLD_UTIL_H
#define LC_TESTS_SIMWORLD_UTIL_H

#include <arpa/inet.h>
#include <jansson.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "sim/runner.h"
#include "sim/world/scenario.h"
#include "tests/port_range.h"

static inline const char *sw_source_dir(void)
{
	const char *d = getenv("LC_SOURCE_DIR");
	return d ? d : ".";
}

static inline char *sw_fixtures(char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/fixtures", sw_source_dir());
	return buf;
}

/* The JSON of a scenario file of fixtures/scenarios (caller decrefs). */
static inline json_t *sw_scenario_json(const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/fixtures/scenarios/%s.json", sw_source_dir(), name);
	json_error_t je;
	return json_load_file(path, 0, &je);
}

/* Parse a scenario from JSON (NULL on failure, with diag). */
static inline lc_sim_scenario *sw_scenario_from(json_t *root, lc_diag *diag)
{
	char fx[1024], origin[1100];
	char *text = json_dumps(root, JSON_COMPACT);
	lc_sim_scenario *sc = NULL;
	/* named as if it sat among the scenarios, so "stations/x.json" resolves beside them */
	snprintf(origin, sizeof(origin), "%s/scenarios/in-memory-test.json", sw_fixtures(fx, sizeof(fx)));
	if (lc_sim_scenario_parse(text, strlen(text), origin, fx, &sc, diag) < 0)
		sc = NULL;
	free(text);
	return sc;
}

/* Add a defect (JSON text) to the scenario's DUT. */
static inline void sw_add_defect(json_t *root, const char *defect_json)
{
	json_error_t je;
	json_t *d = json_loads(defect_json, 0, &je);
	json_array_append_new(json_object_get(json_object_get(root, "dut"), "defects"), d);
}

/* Start a runner on 127.0.0.1 at a free port base (tries a few bases). */
static inline lc_sim_runner *sw_start(const lc_sim_scenario *sc, uint64_t seed, lc_diag *diag)
{
	lc_sim_runner_opts o;
	lc_sim_runner_opts_init(&o);
	o.time_scale = 0; /* never wait: the tests assert on values, not on time */
	o.has_seed = true;
	o.seed = seed;
	lc_sim_runner *r = NULL;
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS; attempt++) {
		o.port_base = tp_port_base(16, attempt);
		if (lc_sim_runner_start(sc, &o, &r, diag) == 0)
			return r;
		if (diag->code != LC_ERR_BUSY && diag->code != LC_ERR_IO)
			return NULL;
	}
	return NULL;
}

/* The resource of a role, and its host/port when it is a socket. */
static inline int sw_port_of(lc_sim_runner *r, const char *role)
{
	for (size_t i = 0; i < lc_sim_runner_count(r); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(r, i, &in) == 0 && !strcmp(in.role, role)) {
			const char *p = strstr(in.resource, "::");
			p = p ? strstr(p + 2, "::") : NULL;
			return p ? atoi(p + 2) : -1;
		}
	}
	if (!strcmp(role, "control")) {
		const char *res = lc_sim_runner_control_resource(r);
		const char *p = strstr(res, "::");
		p = p ? strstr(p + 2, "::") : NULL;
		return p ? atoi(p + 2) : -1;
	}
	return -1;
}

static inline int sw_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	int one = 1; /* a command and the query after it must not wait for Nagle's delayed ACK */
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static inline int sw_send(int fd, const char *cmd)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s\n", cmd);
	return write(fd, buf, (size_t)n) == n ? 0 : -1;
}

/* Read raw bytes until the terminator (kept) or timeout; returns the byte count (0 on timeout/EOF with none). */
static inline int sw_read_until(int fd, char *buf, size_t cap, char term, int timeout_ms)
{
	size_t n = 0;
	int64_t deadline = lc_now_ms() + timeout_ms;
	while (n + 1 < cap) {
		int left = (int)(deadline - lc_now_ms());
		if (left <= 0)
			break;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, left) <= 0)
			break;
		ssize_t k = read(fd, buf + n, 1);
		if (k <= 0)
			break;
		n++;
		if (buf[n - 1] == term)
			break;
	}
	buf[n] = '\0';
	return (int)n;
}

/* Read exactly n bytes (binary block data); returns how many arrived before the timeout or EOF. */
static inline int sw_read_n(int fd, void *buf, size_t n, int timeout_ms)
{
	size_t got = 0;
	int64_t deadline = lc_now_ms() + timeout_ms;
	while (got < n) {
		int left = (int)(deadline - lc_now_ms());
		struct pollfd p = {fd, POLLIN, 0};
		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		ssize_t k = read(fd, (char *)buf + got, n - got);
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	return (int)got;
}

/* Send a query and return its reply line without the terminator (CR LF or LF), "" on timeout. */
static inline char *sw_query(int fd, const char *cmd, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (sw_send(fd, cmd) < 0)
		return buf;
	int n = sw_read_until(fd, buf, cap, '\n', 3000);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* Each instrument has its own connection and thread: wait until one has executed what was sent to it. */
static inline void sw_sync(int fd)
{
	char buf[16];
	sw_query(fd, "*OPC?", buf, sizeof(buf));
}

static inline double sw_query_num(int fd, const char *cmd)
{
	char buf[256];
	return atof(sw_query(fd, cmd, buf, sizeof(buf)));
}

#endif
