/* VXI-11 through liblxi against the simulator's VXI-11 server (portmapper on port 111 of a private loopback
 * address, so it needs root or CAP_NET_BIND_SERVICE; skipped otherwise): each liblxi workaround of
 * hal/transport_vxi11.c shown to work. Assertions on values and codes only. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "hal/scpi.h"
#include "hal/transport.h"
#include "sim/scpi/testinst.h"

static lc_sim_testinst *inst;
static char addr[32];

/* A loopback address of our own (127.A.B.1) so parallel tests never share port 111. */
static void start_inst(void)
{
	lc_sim_testinst_opts o;
	lc_diag d;
	unsigned k = (unsigned)getpid() * 2654435761u + (unsigned)lc_now_us();
	int e = LC_ERR_BUSY;
	/* port 111 of an address another process (a concurrent suite) holds: another address, never a skip */
	for (int tries = 0; e == LC_ERR_BUSY && tries < 50; tries++, k += 40503u) {
		snprintf(addr, sizeof(addr), "127.%u.%u.1", 100 + (k >> 8) % 100, k % 250 + 1);
		lc_sim_testinst_opts_init(&o);
		o.address = addr;
		o.socket_port = -1;
		o.vxi11_port = 0;
		o.portmapper_port = 111;
		e = lc_sim_testinst_start(&o, &inst, &d);
	}
	/* binding port 111 needs root or CAP_NET_BIND_SERVICE: without it the transport truly cannot be tested */
	if (e == LC_ERR_PERMISSION)
		cr_skip_test("cannot bind the portmapper on %s:111 (needs root or CAP_NET_BIND_SERVICE): %s", addr, d.text);
	cr_assert_eq(e, 0, "start: %s", d.text);
}

static void stop_inst(void)
{
	lc_sim_testinst_stop(inst);
	inst = NULL;
}

static lc_scpi *open_vxi(int timeout_ms, size_t max_send)
{
	char res[64];
	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_diag d;
	snprintf(res, sizeof(res), "TCPIP::%s::INSTR", addr);
	lc_scpi_options_init(&o);
	o.timeout_ms = timeout_ms;
	o.open_timeout_ms = 2000;
	if (max_send)
		o.transport.vxi11_max_send = max_send;
	cr_assert_eq(lc_scpi_open(res, &o, &s, &d), 0, "open %s: %s", res, d.text);
	return s;
}

TestSuite(vxi11, .init = start_inst, .fini = stop_inst);

Test(vxi11, idn_and_values)
{
	lc_scpi *s = open_vxi(1000, 0);
	char buf[128];
	cr_assert_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, LC_SIM_TESTINST_IDN);
	cr_assert_eq(lc_scpi_write(s, "SOUR2:VAL 2.5"), 0, "%s", lc_scpi_last_detail(s));
	double v = 0;
	cr_assert_eq(lc_scpi_query_double(s, "SOUR2:VAL?", &v), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(v, 2.5);
	cr_expect_eq(lc_scpi_check_errors(s), 0, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
}

Test(vxi11, large_block_is_read_past_a_full_buffer)
{
	/* 1 MiB + 3 is far larger than any single liblxi receive buffer we hand it: every full buffer must be
	 * read on, never taken as the whole message */
	lc_scpi *s = open_vxi(5000, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	const size_t n = 1048579;
	cr_assert_eq(lc_scpi_query_block(s, "TEST:BLOC? 1048579", &data, &len), (int)n, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(len, n);
	size_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad += data[i] != (uint8_t)(i % 256);
	cr_expect_eq(bad, 0);
	free(data);
	lc_scpi_close(s);
}

Test(vxi11, full_receive_buffer_is_not_a_message_end)
{
	char res[64];
	lc_resource r;
	lc_transport *t = NULL;
	lc_diag d;
	snprintf(res, sizeof(res), "TCPIP::%s::INSTR", addr);
	cr_assert_eq(lc_resource_parse(res, &r, &d), 0);
	cr_assert_eq(lc_transport_open(&r, NULL, &t, &d), 0, "%s", d.text);
	const char *q = "TEST:BLOC? 10\n"; /* reply "#210" + 10 bytes + "\n" = 15 bytes */
	cr_assert_eq(lc_transport_write(t, (const uint8_t *)q, strlen(q), lc_deadline_in(1000), &d), (int)strlen(q));
	uint8_t buf[64];
	bool end = true;
	cr_assert_eq(lc_transport_read(t, buf, 8, &end, lc_deadline_in(1000), &d), 8, "%s", d.text);
	cr_expect_not(end, "a completely filled buffer must not be reported as the end of the message");
	cr_assert_eq(lc_transport_read(t, buf + 8, sizeof(buf) - 8, &end, lc_deadline_in(1000), &d), 7, "%s", d.text);
	cr_expect(end);
	cr_expect_eq(memcmp(buf, "#210", 4), 0);
	cr_expect_eq(buf[14], '\n');
	lc_transport_close(t);
}

Test(vxi11, oversized_send_is_refused_not_clipped)
{
	/* the simulator announces maxRecvSize 1 MiB: a 2 MiB message cannot go in one device_write */
	lc_scpi *s = open_vxi(2000, 0);
	size_t big = 2u << 20;
	uint8_t *huge = calloc(1, big);
	cr_assert_not_null(huge);
	cr_expect_eq(lc_scpi_write_block(s, "TEST:DATA", huge, big), LC_ERR_OVERFLOW);
	cr_expect(strstr(lc_scpi_last_detail(s), "maxRecvSize 1048576") != NULL, "%s", lc_scpi_last_detail(s));
	free(huge);
	/* within maxRecvSize it goes through and comes back intact */
	static uint8_t blob[4000];
	for (size_t i = 0; i < sizeof(blob); i++)
		blob[i] = (uint8_t)(i * 13);
	cr_assert_eq(lc_scpi_write_block(s, "TEST:DATA", blob, sizeof(blob)), 0, "%s", lc_scpi_last_detail(s));
	uint8_t *back = NULL;
	size_t len = 0;
	cr_assert_eq(lc_scpi_query_block(s, "TEST:DATA?", &back, &len), (int)sizeof(blob), "%s", lc_scpi_last_detail(s));
	cr_expect_eq(memcmp(back, blob, sizeof(blob)), 0);
	free(back);
	lc_scpi_close(s);

	/* a cap of the user's own, lower than maxRecvSize */
	s = open_vxi(1000, 1024);
	cr_expect_eq(lc_scpi_write_block(s, "TEST:DATA", blob, sizeof(blob)), LC_ERR_OVERFLOW);
	cr_expect(strstr(lc_scpi_last_detail(s), "vxi11_max_send") != NULL, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
}

Test(vxi11, timeout_is_timeout_and_liblxi_stays_off_stderr)
{
	lc_scpi *s = open_vxi(100, 0);
	char path[] = "/tmp/lc-vxi11-stderr-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	fflush(stderr);
	int saved = dup(2);
	dup2(fd, 2);
	/* a query the instrument never answers in time: TEST:DEL? spends 0.25 s */
	int e = lc_scpi_query_double(s, "TEST:DEL? 0.25", &(double){0});
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	cr_expect_eq(e, LC_ERR_TIMEOUT, "%d: %s", e, lc_scpi_last_detail(s));
	off_t size = lseek(fd, 0, SEEK_END);
	close(fd);
	unlink(path);
	cr_expect_eq(size, 0, "liblxi wrote %lld bytes to stderr", (long long)size);
	/* the next query gets its own answer, not the late one */
	lc_scpi_set_timeout(s, 2000);
	lc_sleep_ms(300);
	char buf[128];
	cr_assert_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, LC_SIM_TESTINST_IDN);
	lc_scpi_close(s);
}

Test(vxi11, dead_server_is_io_not_timeout)
{
	lc_scpi *s = open_vxi(1000, 0);
	stop_inst();
	char buf[64];
	int e = lc_scpi_query(s, "*IDN?", buf, sizeof(buf));
	cr_expect_eq(e, LC_ERR_IO, "%d: %s", e, lc_scpi_last_detail(s));
	lc_scpi_close(s);
}

Test(vxi11, no_portmapper_fails_fast_with_io)
{
	char res[64];
	lc_scpi *s = NULL;
	lc_diag d;
	/* same /24 as the instrument, host .2: nothing listens there */
	char other[32];
	snprintf(other, sizeof(other), "%.*s2", (int)(strrchr(addr, '.') - addr + 1), addr);
	snprintf(res, sizeof(res), "TCPIP::%s::INSTR", other);
	cr_expect_eq(lc_scpi_open(res, NULL, &s, &d), LC_ERR_IO, "%s", d.text);
	cr_expect(strstr(d.text, "portmapper") != NULL, "%s", d.text);
}

Test(vxi11, silent_portmapper_is_bounded_by_our_deadline)
{
	/* a listener on .3:111 that never answers an RPC: lxi_connect would hang in clnt_create */
	char other[32];
	snprintf(other, sizeof(other), "%.*s3", (int)(strrchr(addr, '.') - addr + 1), addr);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(111)};
	inet_pton(AF_INET, other, &a.sin_addr);
	cr_assert_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(listen(l, 4), 0);
	char res[64];
	snprintf(res, sizeof(res), "TCPIP::%s::INSTR", other);
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	o.open_timeout_ms = 200;
	lc_scpi *s = NULL;
	lc_diag d;
	cr_expect_eq(lc_scpi_open(res, &o, &s, &d), LC_ERR_TIMEOUT, "%s", d.text);
	cr_expect_null(s);
	close(l);
}

Test(vxi11, small_max_recv_size_is_learnt_and_respected)
{
	/* a second VXI-11 endpoint on the same instrument announcing maxRecvSize 512 (below the 1024 VXI-11
	 * asks for): liblxi would send 1000 bytes anyway; we learn 512 from our own create_link and refuse */
	char other[32];
	snprintf(other, sizeof(other), "%.*s4", (int)(strrchr(addr, '.') - addr + 1), addr);
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint *ep = NULL;
	lc_diag d;
	lc_sim_endpoint_opts_init(&eo);
	eo.address = other;
	eo.port = 0;
	eo.portmapper_port = 111;
	eo.max_recv_size = 512;
	cr_assert_eq(lc_sim_vxi11_start(lc_sim_testinst_engine(inst), &eo, &ep, &d), 0, "%s", d.text);
	char res[64];
	snprintf(res, sizeof(res), "TCPIP::%s::INSTR", other);
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	o.timeout_ms = 1000;
	o.transport.vxi11_max_send = 65536; /* a cap above maxRecvSize changes nothing */
	lc_scpi *s = NULL;
	cr_assert_eq(lc_scpi_open(res, &o, &s, &d), 0, "%s", d.text);
	static uint8_t blob[1000];
	cr_expect_eq(lc_scpi_write_block(s, "TEST:DATA", blob, sizeof(blob)), LC_ERR_OVERFLOW);
	cr_expect(strstr(lc_scpi_last_detail(s), "maxRecvSize 512") != NULL, "%s", lc_scpi_last_detail(s));
	char buf[128];
	cr_expect_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
	lc_sim_endpoint_stop(ep);
}

Test(vxi11, unknown_device_name_is_not_found)
{
	char res[64];
	lc_scpi *s = NULL;
	lc_diag d;
	snprintf(res, sizeof(res), "TCPIP::%s::bogus0::INSTR", addr);
	cr_expect_eq(lc_scpi_open(res, NULL, &s, &d), LC_ERR_NOT_FOUND, "%s", d.text);
	cr_expect(strstr(d.text, "bogus0") != NULL, "%s", d.text);
	cr_expect_null(s);
}

Test(vxi11, end_mark_alone_frames_when_read_term_is_off)
{
	char res[64];
	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_diag d;
	snprintf(res, sizeof(res), "TCPIP::%s::INSTR", addr);
	lc_scpi_options_init(&o);
	o.read_term = '\0'; /* only VXI-11's END ends a reply: the newline stays part of it */
	cr_assert_eq(lc_scpi_open(res, &o, &s, &d), 0, "%s", d.text);
	char buf[128];
	cr_assert_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, LC_SIM_TESTINST_IDN "\n");
	lc_scpi_close(s);
}

/* VXI-11 has no marker (docs/hal.md: a message behind a pending reply would make IEEE 488.2 discard it):
 * a refused query is named after its timeout (300 ms here: the simulator provably never answers an undefined
 * header), from the error queue, and the link stays in step. */
Test(vxi11, a_refused_query_is_named_after_its_timeout)
{
	lc_scpi *s = open_vxi(300, 0);
	char buf[128];
	cr_expect_eq(lc_scpi_query(s, ":NO:SUCH?", buf, sizeof(buf)), LC_ERR_INSTRUMENT);
	cr_expect(strstr(lc_scpi_last_detail(s), "the instrument's error queue holds -113 Undefined header;NO:SUCH? while ':NO:SUCH?' "
				"waited: it or a command before it was refused") != NULL, "%s",
		  lc_scpi_last_detail(s));
	lc_scpi_set_timeout(s, 5000);
	cr_expect_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, LC_SIM_TESTINST_IDN);
	lc_scpi_close(s);
}

/* A reply slower than a socket's marker grace (1 s at a 4 s timeout) is read as the reply, and nothing was sent
 * behind the query while it was pending: the instrument saw exactly the query (no -410 could arise). */
Test(vxi11, a_slow_reply_gets_nothing_sent_behind_it)
{
	lc_scpi *s = open_vxi(4000, 0);
	char buf[128];
	uint64_t before = lc_sim_scpi_messages(lc_sim_testinst_engine(inst));
	cr_expect_eq(lc_scpi_query(s, "TEST:DEL? 1.2", buf, sizeof(buf)), 1, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, "1");
	cr_expect_eq(lc_sim_scpi_messages(lc_sim_testinst_engine(inst)) - before, 1, "no marker, no status query");
	cr_expect_eq(lc_sim_error_count(lc_sim_testinst_engine(inst)), 0);
	lc_scpi_close(s);
}
