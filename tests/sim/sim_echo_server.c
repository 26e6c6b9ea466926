/*
 * A test server for the interoperability tests: the generic test instrument (sim/scpi/testinst.h) on a
 * raw socket and on VXI-11 with its portmapper. Prints its ports ("socket 40123", "vxi11 40124",
 * "portmapper 111", then "ready") and runs until its standard input closes or it gets SIGTERM/SIGINT.
 *
 *   sim_echo_server [--address 127.77.0.1] [--socket-port N] [--vxi11-port N] [--portmapper-port N|-1]
 *                   [--max-recv N]
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/scpi/testinst.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int num(const char *s, int lo, int hi, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst_opts_init(&o);
	o.portmapper_port = 0;
	int mr;
	for (int i = 1; i < argc; i += 2) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = !v;
		if (!bad && strcmp(a, "--address") == 0)
			o.address = v;
		else if (!bad && strcmp(a, "--socket-port") == 0)
			bad = num(v, -1, 65535, &o.socket_port);
		else if (!bad && strcmp(a, "--vxi11-port") == 0)
			bad = num(v, -1, 65535, &o.vxi11_port);
		else if (!bad && strcmp(a, "--portmapper-port") == 0)
			bad = num(v, -1, 65535, &o.portmapper_port);
		else if (!bad && strcmp(a, "--max-recv") == 0 && num(v, 16, 1 << 24, &mr) == 0)
			o.max_recv_size = (uint32_t)mr;
		else
			bad = 1;
		if (bad) {
			fprintf(stderr, "sim_echo_server: bad argument '%s'\n", a);
			return 2;
		}
	}
	lc_sim_testinst *t;
	lc_diag d;
	if (lc_sim_testinst_start(&o, &t, &d) < 0) {
		fprintf(stderr, "sim_echo_server: %s\n", lc_diag_message(&d));
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if (lc_sim_testinst_socket(t))
		printf("socket %d\n", lc_sim_endpoint_port(lc_sim_testinst_socket(t)));
	if (lc_sim_testinst_vxi11(t)) {
		printf("vxi11 %d\n", lc_sim_endpoint_port(lc_sim_testinst_vxi11(t)));
		printf("portmapper %d\n", lc_sim_endpoint_portmapper_port(lc_sim_testinst_vxi11(t)));
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		struct pollfd p = {.fd = 0, .events = POLLIN};
		int r = poll(&p, 1, 200);
		if (r > 0) {
			char b[64];
			if (read(0, b, sizeof(b)) <= 0)
				break;
		}
	}
	lc_sim_testinst_stop(t);
	return 0;
}
