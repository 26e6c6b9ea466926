/* The raw SCPI socket endpoint: framing, blocks, input cap, garbage, disconnects, many connections, faults,
 * concurrency between instruments and shutdown. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>

#include "sim/net/endpoint.h"
#include "sim/scpi/testinst.h"
#include "tests/sim/net_test_util.h"

static lc_sim_testinst *T;
static int PORT;
static char line[4096];

static void setup(void)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst_opts_init(&o);
	o.vxi11_port = -1;
	lc_diag d;
	cr_assert_eq(lc_sim_testinst_start(&o, &T, &d), 0, "%s", d.text);
	PORT = lc_sim_endpoint_port(lc_sim_testinst_socket(T));
	cr_assert_gt(PORT, 0);
}

static void teardown(void)
{
	lc_sim_testinst_stop(T);
	T = NULL;
}

TestSuite(endpoint_socket, .init = setup, .fini = teardown, .timeout = 60);

Test(endpoint_socket, query_set_and_read_back)
{
	int fd = net_connect("127.0.0.1", PORT);
	cr_assert_geq(fd, 0);
	cr_assert_str_eq(net_query(fd, "*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	cr_assert_str_eq(net_query(fd, "SOUR3:VAL 2.5;VAL?", line, sizeof(line)), "+2.50000000E+00");
	cr_assert_str_eq(net_query(fd, "SOUR3:VAL?;:SOUR1:VAL?", line, sizeof(line)), "+2.50000000E+00;+0.00000000E+00");
	/* CR LF from the client: the CR is ignored */
	cr_assert_str_eq(net_query(fd, "*IDN?\r", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	/* blank lines are not messages */
	net_send_str(fd, "\n\n  \n");
	cr_assert_str_eq(net_query(fd, "SYST:ERR?", line, sizeof(line)), "0,\"No error\"");
	close(fd);
}

Test(endpoint_socket, block_with_newlines_both_ways)
{
	int fd = net_connect("127.0.0.1", PORT);
	static const char msg[] = "TEST:DATA #210a\nb\nc\n\n\nd\n\n"; /* 10 data bytes, then the terminator */
	net_send(fd, msg, sizeof(msg) - 1);
	cr_assert_str_eq(net_query(fd, "SYST:ERR?", line, sizeof(line)), "0,\"No error\"");
	net_send_str(fd, "TEST:DATA?\n");
	char b[32];
	cr_assert_eq(net_read_n(fd, b, 15), 15);
	cr_assert(memcmp(b, "#210a\nb\nc\n\n\nd\n\n", 15) == 0, "block and its terminator");
	/* a block of 300 bytes 0..255, 0..43 with its terminator after it */
	net_send_str(fd, "TEST:BLOC? 300\n");
	uint8_t blk[306];
	cr_assert_eq(net_read_n(fd, blk, sizeof(blk)), (ssize_t)sizeof(blk));
	cr_assert(memcmp(blk, "#3300", 5) == 0);
	for (int i = 0; i < 300; i++)
		cr_assert_eq(blk[5 + i], (uint8_t)i);
	cr_assert_eq(blk[305], '\n');
	close(fd);
}

Test(endpoint_socket, message_split_over_many_writes)
{
	int fd = net_connect("127.0.0.1", PORT);
	const char *m = "SOUR2:VAL 7;:SOUR2:VAL?\n";
	for (const char *p = m; *p; p++) {
		net_send(fd, p, 1);
		usleep(200);
	}
	cr_assert_eq(net_read_line(fd, line, sizeof(line)), 16);
	cr_assert_str_eq(line, "+7.00000000E+00\n");
	close(fd);
}

Test(endpoint_socket, one_megabyte_line_is_refused_and_resyncs)
{
	int fd = net_connect("127.0.0.1", PORT);
	size_t n = (1u << 20) + 4096;
	char *big = malloc(n);
	memset(big, 'A', n);
	cr_assert_eq(net_send(fd, big, n), 0);
	free(big);
	/* the newline ends the over-long message; the next one is answered */
	cr_assert_str_eq(net_query(fd, "\n*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	cr_assert_str_eq(net_query(fd, "SYST:ERR?", line, sizeof(line)),
			 "-363,\"Input buffer overrun;message longer than the input buffer\"");
	cr_assert_str_eq(net_query(fd, "SYST:ERR?", line, sizeof(line)), "0,\"No error\"");
	close(fd);
}

Test(endpoint_socket, binary_garbage_never_wedges)
{
	/* garbage without '#': the stream resynchronises at the next newline */
	int fd = net_connect("127.0.0.1", PORT);
	uint8_t g[65536];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(g); i++) {
		x = x * 1103515245u + 12345u;
		g[i] = (uint8_t)(x >> 16);
		if (g[i] == '#' || g[i] == '"' || g[i] == '\'')
			g[i] = 0xff;
	}
	cr_assert_eq(net_send(fd, g, sizeof(g)), 0);
	cr_assert_str_eq(net_query(fd, "\n*CLS;*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	close(fd);
	/* garbage with everything, then an abrupt close: other connections are unaffected */
	fd = net_connect("127.0.0.1", PORT);
	for (size_t i = 0; i < sizeof(g); i++) {
		x = x * 1103515245u + 12345u;
		g[i] = (uint8_t)(x >> 16);
	}
	net_send(fd, g, sizeof(g));
	close(fd);
	int fd2 = net_connect("127.0.0.1", PORT);
	cr_assert_str_eq(net_query(fd2, "*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	close(fd2);
}

Test(endpoint_socket, abrupt_disconnects)
{
	for (int i = 0; i < 20; i++) {
		int fd = net_connect("127.0.0.1", PORT);
		switch (i % 4) {
		case 0: net_send_str(fd, "*IDN"); break;                    /* mid-message */
		case 1: net_send_str(fd, "TEST:BLOC? 2000000\n"); break;   /* mid-reply: more than the socket buffers hold */
		case 2: net_send_str(fd, "TEST:DATA #9100000000abc"); break; /* mid-block */
		default: break;                                            /* nothing at all */
		}
		struct linger l = {1, 0}; /* RST instead of FIN */
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		close(fd);
	}
	int fd = net_connect("127.0.0.1", PORT);
	cr_assert_str_eq(net_query(fd, "*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	close(fd);
}

Test(endpoint_socket, hundreds_of_connections_and_the_cap)
{
	lc_sim_endpoint_stats st;
	enum { N = 300 };
	static int fds[N];
	for (int i = 0; i < N; i++) {
		fds[i] = net_connect("127.0.0.1", PORT);
		cr_assert_geq(fds[i], 0, "connect %d", i);
	}
	int answered = 0, refused = 0;
	for (int i = 0; i < N; i++) {
		const char *r = net_query(fds[i], "*IDN?", line, sizeof(line));
		if (strcmp(r, LC_SIM_TESTINST_IDN) == 0)
			answered++;
		else
			refused++;
	}
	cr_assert_eq(answered, 256, "the default cap is 256 connections");
	cr_assert_eq(refused, N - 256);
	lc_sim_endpoint_get_stats(lc_sim_testinst_socket(T), &st);
	cr_assert_eq(st.refused, N - 256);
	cr_assert_eq(st.accepted, 256);
	for (int i = 0; i < N; i++)
		close(fds[i]);
	/* the slots come back once the server has seen the closes */
	int fd = -1;
	for (int tries = 0; tries < 100; tries++) {
		fd = net_connect("127.0.0.1", PORT);
		if (strcmp(net_query(fd, "*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN) == 0)
			break;
		close(fd);
		fd = -1;
		usleep(20000);
	}
	cr_assert_geq(fd, 0);
	close(fd);
}

Test(endpoint_socket, faults_drop_and_truncate)
{
	lc_sim_faults f = {.drop_after = 2};
	lc_sim_scpi_set_faults(lc_sim_testinst_engine(T), &f);
	int fd = net_connect("127.0.0.1", PORT);
	cr_assert_str_eq(net_query(fd, "*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	cr_assert_str_eq(net_query(fd, "SOUR:VAL?", line, sizeof(line)), "+0.00000000E+00");
	cr_assert(net_eof(fd), "dropped after message 2");
	close(fd);

	lc_sim_faults t = {.truncate_block_at = 1, .truncate_block_keep = 100};
	lc_sim_scpi_set_faults(lc_sim_testinst_engine(T), &t);
	fd = net_connect("127.0.0.1", PORT);
	net_send_str(fd, "TEST:BLOC? 1000\n");
	uint8_t b[2000];
	cr_assert_eq(net_read_n(fd, b, sizeof(b)), 106, "header + 100 of 1000 announced bytes, then EOF");
	cr_assert(memcmp(b, "#41000", 6) == 0);
	close(fd);
	lc_sim_scpi_set_faults(lc_sim_testinst_engine(T), NULL);
}

Test(endpoint_socket, faults_garbage_idn_hang)
{
	lc_sim_faults f = {.garbage_at = 1, .stop_answering_after = 2};
	strcpy(f.garbage, "\x01\x02");
	strcpy(f.idn, "WRONG,MODEL,0,0");
	lc_sim_scpi_set_faults(lc_sim_testinst_engine(T), &f);
	int fd = net_connect("127.0.0.1", PORT);
	cr_assert_str_eq(net_query(fd, "*IDN?", line, sizeof(line)), "\x01\x02WRONG,MODEL,0,0");
	cr_assert_str_eq(net_query(fd, "*IDN?", line, sizeof(line)), "WRONG,MODEL,0,0");
	net_send_str(fd, "*IDN?\n");
	cr_assert(!net_readable(fd, 300), "a hung instrument answers nothing");
	close(fd);
}

/* A handler that blocks until the test releases it: shows a slow instrument stalls nobody else. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate_state; /* 0 idle, 1 handler waiting, 2 released */

static int slow_q(lc_sim_call *c, void *u)
{
	pthread_mutex_lock(&gate_mu);
	gate_state = 1;
	pthread_cond_broadcast(&gate_cv);
	while (gate_state != 2)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	lc_sim_out_int(c, 42);
	return 0;
}

Test(endpoint_socket, slow_instrument_does_not_stall_others)
{
	lc_sim_scpi *slow;
	lc_sim_scpi_config cfg = {.idn = "SLOW,1,1,1"};
	cr_assert_eq(lc_sim_scpi_create(&cfg, &slow, NULL), 0);
	lc_sim_scpi_add(slow, "SLOW", NULL, slow_q, NULL, NULL);
	lc_sim_endpoint *ep;
	lc_sim_endpoint_opts o;
	lc_sim_endpoint_opts_init(&o);
	o.address = "127.77.0.2"; /* an instrument on its own loopback address */
	cr_assert_eq(lc_sim_socket_start(slow, &o, &ep, NULL), 0);
	cr_assert_str_eq(lc_sim_endpoint_address(ep), "127.77.0.2");
	int fs = net_connect("127.77.0.2", lc_sim_endpoint_port(ep));
	net_send_str(fs, "SLOW?\n");
	pthread_mutex_lock(&gate_mu);
	while (gate_state != 1)
		pthread_cond_wait(&gate_cv, &gate_mu);
	pthread_mutex_unlock(&gate_mu);
	/* the slow instrument is inside its handler; the other one answers */
	int fd = net_connect("127.0.0.1", PORT);
	cr_assert_str_eq(net_query(fd, "*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	close(fd);
	pthread_mutex_lock(&gate_mu);
	gate_state = 2;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	cr_assert_eq(net_read_line(fs, line, sizeof(line)), 3);
	cr_assert_str_eq(line, "42\n");
	/* stop with a client still connected: returns, the client sees EOF */
	lc_sim_endpoint_stop(ep);
	cr_assert(net_eof(fs));
	close(fs);
	lc_sim_scpi_destroy(slow);
}

Test(endpoint_socket, explicit_port_and_bad_options)
{
	lc_sim_endpoint *ep;
	lc_sim_endpoint_opts o;
	lc_sim_endpoint_opts_init(&o);
	lc_diag d;
	o.port = PORT; /* taken by the fixture */
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), LC_ERR_BUSY);
	cr_assert(strstr(d.text, "bind 127.0.0.1:"), "%s", d.text);
	o.port = 0;
	o.address = "10.0.0.1";
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "not a loopback address"), "%s", d.text);
	o.address = "0.0.0.0";
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), LC_ERR_ARG);
	o.address = "localhost";
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), LC_ERR_ARG);
	o.address = "127.0.0.1";
	o.port = 70000;
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), LC_ERR_ARG);
	o.port = 0;
	o.max_connections = -1;
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), LC_ERR_ARG);
	o.max_connections = 0;
	o.terminator = "";
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), LC_ERR_ARG);
	cr_assert_eq(lc_sim_socket_start(NULL, NULL, &ep, &d), LC_ERR_ARG);
	/* a port given explicitly is used */
	lc_sim_endpoint_opts_init(&o);
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), 0);
	int p = lc_sim_endpoint_port(ep);
	lc_sim_endpoint_stop(ep);
	o.port = p;
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, &d), 0, "%s", d.text);
	cr_assert_eq(lc_sim_endpoint_port(ep), p);
	cr_assert_eq(lc_sim_endpoint_kind(ep), LC_SIM_EP_SOCKET);
	cr_assert_null(lc_sim_endpoint_pty_path(ep));
	cr_assert_eq(lc_sim_endpoint_portmapper_port(ep), -1);
	lc_sim_endpoint_stop(ep);
	lc_sim_endpoint_stop(NULL);
}

Test(endpoint_socket, small_cap_refuses_cleanly)
{
	lc_sim_endpoint *ep;
	lc_sim_endpoint_opts o;
	lc_sim_endpoint_opts_init(&o);
	o.max_connections = 1;
	o.terminator = "\r\n";
	cr_assert_eq(lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &ep, NULL), 0);
	int a = net_connect("127.0.0.1", lc_sim_endpoint_port(ep));
	cr_assert_eq(net_send_str(a, "*IDN?\n"), 0);
	cr_assert_gt(net_read_line(a, line, sizeof(line)), 0);
	cr_assert_str_eq(line, LC_SIM_TESTINST_IDN "\r\n", "the endpoint's own terminator");
	int b = net_connect("127.0.0.1", lc_sim_endpoint_port(ep));
	cr_assert(net_eof(b), "the second connection is closed at once");
	close(b);
	close(a);
	lc_sim_endpoint_stop(ep);
}

Test(endpoint_socket, real_port_on_own_loopback_address)
{
	/* each simulated instrument can keep the real port 5025 on an address of its own. Another process (a
	 * concurrent run of the suite) may hold the pair of addresses we pick: then try another pair, never skip. */
	char addr[32], addr2[32];
	lc_sim_endpoint *a = NULL, *b = NULL;
	lc_sim_endpoint_opts o;
	lc_sim_endpoint_opts_init(&o);
	o.port = 5025;
	lc_diag d = {0};
	int r = LC_ERR_BUSY;
	for (unsigned k = (unsigned)getpid() * 2654435761u, tries = 0; r == LC_ERR_BUSY && tries < 50; tries++, k += 40503u) {
		snprintf(addr, sizeof(addr), "127.78.%u.%u", (k >> 8) % 250 + 1, k % 250 + 1);
		snprintf(addr2, sizeof(addr2), "127.79.%u.%u", (k >> 8) % 250 + 1, k % 250 + 1);
		o.address = addr;
		r = lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &a, &d);
		if (r != 0)
			continue;
		o.address = addr2; /* a second instrument, same port */
		r = lc_sim_socket_start(lc_sim_testinst_engine(T), &o, &b, &d);
		if (r != 0)
			lc_sim_endpoint_stop(a);
	}
	cr_assert_eq(r, 0, "%s", d.text);
	cr_assert_eq(lc_sim_endpoint_port(a), 5025);
	cr_assert_eq(lc_sim_endpoint_port(b), 5025);
	int fd = net_connect(addr2, 5025);
	cr_assert_str_eq(net_query(fd, "*IDN?", line, sizeof(line)), LC_SIM_TESTINST_IDN);
	close(fd);
	lc_sim_endpoint_stop(b);
	lc_sim_endpoint_stop(a);
}

struct hammer {
	int id, bad;
	pthread_t th;
};

static void *hammer_main(void *arg)
{
	struct hammer *h = arg;
	char buf[256], cmd[64], want[64];
	int fd = net_connect("127.0.0.1", PORT);
	if (fd < 0) {
		h->bad = -1;
		return NULL;
	}
	for (int i = 0; i < 300; i++) {
		/* a set and its read-back in one message run atomically, whatever other connections do */
		snprintf(cmd, sizeof(cmd), "SOUR2:VAL %d;VAL?", h->id * 1000 + i);
		snprintf(want, sizeof(want), "%+.8E", (double)(h->id * 1000 + i));
		if (strcmp(net_query(fd, cmd, buf, sizeof(buf)), want) != 0)
			h->bad++;
	}
	close(fd);
	return NULL;
}

Test(endpoint_socket, concurrent_connections_one_instrument)
{
	struct hammer h[8];
	for (int i = 0; i < 8; i++) {
		h[i] = (struct hammer){.id = i + 1};
		cr_assert_eq(pthread_create(&h[i].th, NULL, hammer_main, &h[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(h[i].th, NULL);
		cr_assert_eq(h[i].bad, 0, "client %d saw another client's value", i + 1);
	}
	cr_assert_eq(lc_sim_scpi_messages(lc_sim_testinst_engine(T)), 8 * 300);
}
