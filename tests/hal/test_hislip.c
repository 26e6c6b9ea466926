/* HiSLIP client (hal/transport_hislip.c): byte-exact against the message layouts of IVI-6.1 through a
 * scripted peer, every error path (a peer that closes inside a header or a payload, a message larger than
 * negotiated, a wrong protocol version, a bad prologue, FatalError), and whole sessions against the
 * simulator's HiSLIP server (sim/net/hislip_server.c): queries, split messages, status byte, service
 * request, device clear, locks held elsewhere. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "base/clock.h"
#include "hal/hislip_msg.h"
#include "hal/scpi.h"
#include "hal/transport.h"
#include "hal/transport_hislip.h"
#include "sim/scpi/testinst.h"

/* ---- a scripted peer: handshake, then one request and a scripted answer ---------------------------------- */

struct peer {
	int lfd, port;
	uint8_t init_resp[16];  /* sent after Initialize */
	size_t init_resp_len;
	bool stop_after_init;
	const uint8_t *script; /* sent after the first message on the synchronous channel */
	size_t script_len;
	uint8_t got_init[64], got_async[16], got_max[24], got_data[64];
	size_t got_init_len, got_data_len;
	pthread_t th;
};

static void hdr(uint8_t *o, uint8_t type, uint8_t control, uint32_t param, uint64_t len)
{
	o[0] = 'H', o[1] = 'S', o[2] = type, o[3] = control;
	for (int i = 0; i < 4; i++)
		o[4 + i] = (uint8_t)(param >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		o[8 + i] = (uint8_t)(len >> (56 - 8 * i));
}

static bool rd(int fd, uint8_t *b, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, b + got, n - got, 0);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

/* one message: header and payload (at most cap bytes kept) */
static size_t rd_msg(int fd, uint8_t *b, size_t cap)
{
	if (!rd(fd, b, 16))
		return 0;
	uint64_t len = 0;
	for (int i = 0; i < 8; i++)
		len = len << 8 | b[8 + i];
	if (len > cap - 16 || !rd(fd, b + 16, (size_t)len))
		return 0;
	return 16 + (size_t)len;
}

static int accept_to(int lfd)
{
	int fd = accept(lfd, NULL, NULL);
	struct timeval tv = {5, 0};
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void *peer_main(void *arg)
{
	struct peer *p = arg;
	uint8_t b[64];
	int s = accept_to(p->lfd), a = -1;
	if (s < 0)
		return NULL;
	p->got_init_len = rd_msg(s, p->got_init, sizeof(p->got_init));
	send(s, p->init_resp, p->init_resp_len, MSG_NOSIGNAL);
	if (p->stop_after_init)
		goto out;
	if ((a = accept_to(p->lfd)) < 0)
		goto out;
	rd_msg(a, p->got_async, sizeof(p->got_async));
	hdr(b, LC_HS_ASYNC_INITIALIZE_RESPONSE, 0, 'S' << 8 | 'M', 0);
	send(a, b, 16, MSG_NOSIGNAL);
	rd_msg(a, p->got_max, sizeof(p->got_max));
	hdr(b, LC_HS_ASYNC_MAXIMUM_MESSAGE_SIZE_RESPONSE, 0, 0, 8);
	memset(b + 16, 0, 8);
	b[16 + 5] = 0x10; /* 1 MiB */
	send(a, b, 24, MSG_NOSIGNAL);
	p->got_data_len = rd_msg(s, p->got_data, sizeof(p->got_data));
	send(s, p->script, p->script_len, MSG_NOSIGNAL);
	/* then the connection closes: a script that wants the client to wait ends on a partial message */
out:
	shutdown(s, SHUT_WR);
	while (recv(s, b, sizeof(b), 0) > 0) {
	}
	close(s);
	if (a >= 0)
		close(a);
	return NULL;
}

static void peer_start(struct peer *p)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	p->lfd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(p->lfd >= 0);
	cr_assert_eq(bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	cr_assert_eq(listen(p->lfd, 4), 0);
	getsockname(p->lfd, (struct sockaddr *)&sa, &sl);
	p->port = ntohs(sa.sin_port);
	if (!p->init_resp_len) {
		hdr(p->init_resp, LC_HS_INITIALIZE_RESPONSE, 0, 0x0100u << 16 | 0x0007u, 0);
		p->init_resp_len = 16;
	}
	cr_assert_eq(pthread_create(&p->th, NULL, peer_main, p), 0);
}

static void peer_join(struct peer *p)
{
	pthread_join(p->th, NULL);
	close(p->lfd);
}

static int open_peer(struct peer *p, lc_transport **t, lc_diag *d)
{
	char res[64];
	lc_resource r;
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::hislip0,%d::INSTR", p->port);
	cr_assert_eq(lc_resource_parse(res, &r, NULL), 0);
	return lc_transport_open(&r, NULL, t, d);
}

/* Query "*IDN?" through the transport and collect the reply until its end. */
static int query_raw(lc_transport *t, char *out, size_t cap, lc_diag *d)
{
	int e = lc_transport_write(t, (const uint8_t *)"*IDN?\n", 6, lc_deadline_in(3000), d);
	if (e < 0)
		return e;
	size_t got = 0;
	bool end = false;
	while (!end) {
		uint8_t b[7];
		e = lc_transport_read(t, b, sizeof(b), &end, lc_deadline_in(3000), d);
		if (e < 0)
			return e;
		cr_assert_leq(got + (size_t)e, cap - 1);
		memcpy(out + got, b, (size_t)e);
		got += (size_t)e;
	}
	out[got] = 0;
	return (int)got;
}

Test(hislip_client, messages_are_byte_exact_and_the_reply_ends_at_data_end)
{
	/* a stale answer (another message id), then the reply in a Data and an empty DataEnd */
	static uint8_t script[16 + 3 + 16 + 5 + 16];
	hdr(script, LC_HS_DATA_END, 0, 0xfffffefeu, 3);
	memcpy(script + 16, "old", 3);
	hdr(script + 19, LC_HS_DATA, 0, LC_HISLIP_FIRST_MSGID, 5);
	memcpy(script + 35, "A,B\n", 4);
	script[39] = 'x'; /* 5th payload byte */
	hdr(script + 40, LC_HS_DATA_END, 0, LC_HISLIP_FIRST_MSGID, 0);
	struct peer p = {.script = script, .script_len = sizeof(script)};
	peer_start(&p);
	lc_transport *t = NULL;
	lc_diag d;
	cr_assert_eq(open_peer(&p, &t, &d), 0, "%s", d.text);
	char out[32];
	cr_assert_eq(query_raw(t, out, sizeof(out), &d), 5, "%s", d.text);
	cr_expect_str_eq(out, "A,B\nx");
	lc_hislip_session si;
	cr_assert_eq(lc_hislip_session_info(t, &si), 0);
	cr_expect_eq(si.session_id, 7);
	cr_expect_eq(si.server_version, 0x0100);
	cr_expect_eq(si.server_vendor, 'S' << 8 | 'M');
	cr_expect_eq(si.server_max_message, 1u << 20);
	cr_expect_eq(si.next_message_id, LC_HISLIP_FIRST_MSGID + 2);
	lc_transport_close(t);
	peer_join(&p);

	/* Initialize: version 1.0, vendor "LC", the sub-address as payload */
	static const uint8_t init[] = {'H', 'S', 0, 0, 1, 0, 'L', 'C', 0, 0, 0, 0, 0, 0, 0, 7,
				       'h', 'i', 's', 'l', 'i', 'p', '0'};
	cr_assert_eq(p.got_init_len, sizeof(init));
	cr_expect_arr_eq(p.got_init, init, sizeof(init));
	/* AsyncInitialize with the session id */
	static const uint8_t ainit[] = {'H', 'S', 17, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0};
	cr_expect_arr_eq(p.got_async, ainit, sizeof(ainit));
	/* AsyncMaximumMessageSize: 8 bytes, 256 MiB + 16 */
	static const uint8_t amax[] = {'H', 'S', 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8,
				       0, 0, 0, 0, 0x10, 0, 0, 0x10};
	cr_expect_arr_eq(p.got_max, amax, sizeof(amax));
	/* DataEnd with the first message id, RMT-delivered clear */
	static const uint8_t data[] = {'H', 'S', 7, 0, 0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0, 0, 0, 0, 6,
				       '*', 'I', 'D', 'N', '?', '\n'};
	cr_assert_eq(p.got_data_len, sizeof(data));
	cr_expect_arr_eq(p.got_data, data, sizeof(data));
}

static void expect_query_fails(const uint8_t *script, size_t len, int code, const char *needle)
{
	struct peer p = {.script = script, .script_len = len};
	peer_start(&p);
	lc_transport *t = NULL;
	lc_diag d;
	cr_assert_eq(open_peer(&p, &t, &d), 0, "%s", d.text);
	char out[64];
	cr_expect_eq(query_raw(t, out, sizeof(out), &d), code, "%s", d.text);
	cr_expect(strstr(d.text, needle) != NULL, "'%s' not in '%s'", needle, d.text);
	lc_transport_close(t);
	peer_join(&p);
}

Test(hislip_client, peer_closing_inside_a_payload_is_truncated)
{
	uint8_t s[16 + 4];
	hdr(s, LC_HS_DATA_END, 0, LC_HISLIP_FIRST_MSGID, 10);
	memcpy(s + 16, "1,2,", 4);
	struct peer p = {.script = s, .script_len = sizeof(s)};
	peer_start(&p);
	lc_transport *t = NULL;
	lc_diag d;
	cr_assert_eq(open_peer(&p, &t, &d), 0, "%s", d.text);
	cr_assert_eq(lc_transport_write(t, (const uint8_t *)"*IDN?\n", 6, lc_deadline_in(3000), &d), 6);
	uint8_t b[64];
	bool end = false;
	int n = lc_transport_read(t, b, sizeof(b), &end, lc_deadline_in(3000), &d);
	cr_expect_eq(n, 4, "the bytes that came are delivered first (%s)", d.text);
	cr_expect_not(end);
	cr_expect_eq(lc_transport_read(t, b, sizeof(b), &end, lc_deadline_in(3000), &d), LC_ERR_TRUNCATED);
	cr_expect(strstr(d.text, "after 4 of 10 payload bytes of a DataEnd") != NULL, "%s", d.text);
	lc_transport_close(t);
	peer_join(&p);
}

Test(hislip_client, peer_closing_inside_a_header_is_truncated)
{
	uint8_t s[16];
	hdr(s, LC_HS_DATA_END, 0, LC_HISLIP_FIRST_MSGID, 10);
	expect_query_fails(s, 9, LC_ERR_TRUNCATED, "after 9 of 16 header bytes");
}

Test(hislip_client, message_larger_than_negotiated_breaks_the_session)
{
	uint8_t s[16];
	hdr(s, LC_HS_DATA_END, 0, LC_HISLIP_FIRST_MSGID, (uint64_t)1 << 40);
	expect_query_fails(s, sizeof(s), LC_ERR_PROTOCOL, "exceeds the negotiated maximum message size");
}

Test(hislip_client, bad_prologue_and_reserved_type)
{
	uint8_t s[16];
	hdr(s, LC_HS_DATA_END, 0, LC_HISLIP_FIRST_MSGID, 1);
	s[0] = 'X';
	expect_query_fails(s, sizeof(s), LC_ERR_PROTOCOL, "is not \"HS\"");
	hdr(s, 77, 0, LC_HISLIP_FIRST_MSGID, 0);
	expect_query_fails(s, sizeof(s), LC_ERR_PROTOCOL, "type 77 is reserved");
}

Test(hislip_client, error_message_is_reported_with_its_code_and_text)
{
	uint8_t s[16 + 12];
	hdr(s, LC_HS_ERROR, LC_HS_ERR_TOO_LARGE, 0, 12);
	memcpy(s + 16, "too big, sir", 12);
	expect_query_fails(s, sizeof(s), LC_ERR_PROTOCOL, "HiSLIP Error 4 (message too large): too big, sir");
}

Test(hislip_client, wrong_protocol_version_fails_the_open)
{
	struct peer p = {.stop_after_init = true};
	hdr(p.init_resp, LC_HS_INITIALIZE_RESPONSE, 0, 0x0200u << 16 | 1, 0);
	p.init_resp_len = 16;
	peer_start(&p);
	lc_transport *t = NULL;
	lc_diag d;
	cr_expect_eq(open_peer(&p, &t, &d), LC_ERR_PROTOCOL);
	cr_expect_null(t);
	cr_expect(strstr(d.text, "server speaks HiSLIP 2.0") != NULL, "%s", d.text);
	peer_join(&p);
}

Test(hislip_client, fatal_error_at_initialize)
{
	struct peer p = {.stop_after_init = true};
	hdr(p.init_resp, LC_HS_FATAL_ERROR, LC_HS_FATAL_TOO_MANY_CLIENTS, 0, 0);
	p.init_resp_len = 16;
	peer_start(&p);
	lc_transport *t = NULL;
	lc_diag d;
	cr_expect_eq(open_peer(&p, &t, &d), LC_ERR_BUSY);
	cr_expect(strstr(d.text, "FatalError 4 (maximum number of clients exceeded)") != NULL, "%s", d.text);
	peer_join(&p);
}

Test(hislip_client, refused_connection_is_io)
{
	/* a port that was just free and has no listener */
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	struct peer p = {.port = ntohs(sa.sin_port)};
	lc_transport *t = NULL;
	lc_diag d;
	char res[64];
	lc_resource r;
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::hislip0,%d::INSTR", p.port);
	cr_assert_eq(lc_resource_parse(res, &r, NULL), 0);
	cr_expect_eq(lc_transport_open(&r, NULL, &t, &d), LC_ERR_IO);
	cr_expect(strstr(d.text, "refused") != NULL, "%s", d.text);
	close(fd);
}

/* ---- against the simulator's server --------------------------------------------------------------------- */

static lc_sim_testinst *inst;

static void start_sim(uint32_t max_message, int max_connections)
{
	lc_sim_testinst_opts o;
	lc_diag d;
	lc_sim_testinst_opts_init(&o);
	o.socket_port = -1;
	o.vxi11_port = -1;
	o.hislip_port = 0;
	o.max_recv_size = max_message;
	o.max_connections = max_connections;
	cr_assert_eq(lc_sim_testinst_start(&o, &inst, &d), 0, "%s", d.text);
}

static void stop_sim(void)
{
	lc_sim_testinst_stop(inst);
	inst = NULL;
}

static void sim_resource(char *buf, size_t cap)
{
	snprintf(buf, cap, "TCPIP::127.0.0.1::hislip0,%d::INSTR", lc_sim_endpoint_port(lc_sim_testinst_hislip(inst)));
}

static lc_scpi *open_sim(void)
{
	char res[80];
	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_diag d;
	sim_resource(res, sizeof(res));
	lc_scpi_options_init(&o);
	o.timeout_ms = 3000;
	cr_assert_eq(lc_scpi_open(res, &o, &s, &d), 0, "open %s: %s", res, d.text);
	return s;
}

static lc_transport *open_sim_transport(void)
{
	char res[80];
	lc_resource r;
	lc_transport *t = NULL;
	lc_diag d;
	sim_resource(res, sizeof(res));
	cr_assert_eq(lc_resource_parse(res, &r, NULL), 0);
	cr_assert_eq(lc_transport_open(&r, NULL, &t, &d), 0, "%s", d.text);
	return t;
}

Test(hislip_sim, queries_blocks_and_split_messages)
{
	start_sim(4096, 0); /* messages of at most 4 KiB each way: a block crosses many Data messages */
	lc_scpi *s = open_sim();
	char buf[128];
	cr_assert_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, LC_SIM_TESTINST_IDN);
	double v = 0;
	cr_assert_eq(lc_scpi_write(s, "SOUR2:VAL 2.5"), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(lc_scpi_query_double(s, "SOUR2:VAL?", &v), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(v, 2.5);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_assert_geq(lc_scpi_query_block(s, "TEST:BLOC? 100000", &data, &len), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(len, 100000);
	for (size_t i = 0; i < len; i++)
		cr_assert_eq(data[i], (uint8_t)(i % 256), "byte %zu", i);
	free(data);
	/* a 10 000-byte program message: the client splits it into Data messages under the server's maximum */
	char *cmd = malloc(10100);
	int n = snprintf(cmd, 100, "TEST:DATA #510000");
	for (int i = 0; i < 10000; i++)
		cmd[n + i] = (char)('a' + i % 26);
	cmd[n + 10000] = 0;
	cr_assert_eq(lc_scpi_write(s, cmd), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_geq(lc_scpi_query_block(s, "TEST:DATA?", &data, &len), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(len, 10000);
	cr_expect_arr_eq(data, cmd + n, 10000);
	free(data);
	free(cmd);
	cr_expect_eq(lc_scpi_check_errors(s), 0, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
	stop_sim();
}

Test(hislip_sim, status_byte_service_request_and_device_clear)
{
	start_sim(0, 0);
	lc_transport *t = open_sim_transport();
	lc_diag d;
	uint8_t stb = 0xff;
	cr_assert_eq(lc_transport_read_stb(t, &stb, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect_eq(stb & 0x04, 0);
	const char *cmd = "*SRE 4;TEST:ERR -113\n";
	cr_assert_eq(lc_transport_write(t, (const uint8_t *)cmd, strlen(cmd), lc_deadline_in(3000), &d),
		     (int)strlen(cmd), "%s", d.text);
	/* the error sets EAV, enabled in SRE: the server raises a service request on the async channel */
	cr_assert_eq(lc_hislip_wait_srq(t, &stb, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect_eq(stb & 0x44, 0x44, "stb 0x%02x", stb);
	cr_assert_eq(lc_transport_read_stb(t, &stb, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect_eq(stb & 0x04, 0x04, "stb 0x%02x", stb);
	/* a reply left unread, then device clear: the ids start again and the next query is in step */
	cr_assert_eq(lc_transport_write(t, (const uint8_t *)"TEST:BLOC? 50000\n", 17, lc_deadline_in(3000), &d), 17);
	uint8_t b[100];
	bool end;
	cr_assert_gt(lc_transport_read(t, b, sizeof(b), &end, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_assert_eq(lc_transport_clear(t, lc_deadline_in(3000), &d), 0, "%s", d.text);
	lc_hislip_session si;
	lc_hislip_session_info(t, &si);
	cr_expect_eq(si.next_message_id, LC_HISLIP_FIRST_MSGID);
	char out[64];
	cr_assert_gt(query_raw(t, out, sizeof(out), &d), 0, "%s", d.text);
	cr_expect_str_eq(out, LC_SIM_TESTINST_IDN "\n");
	lc_transport_close(t);
	stop_sim();
}

/* After a device clear the server numbers the messages from 0xffffff00 again, as the client does: a status
 * query naming the first message after the clear waits until that message was executed, instead of
 * answering with the status after the message of the same id before the clear. */
Test(hislip_sim, status_query_after_device_clear_waits_for_the_new_message)
{
	start_sim(0, 0);
	lc_transport *t = open_sim_transport();
	lc_diag d;
	uint8_t stb = 0xff;
	/* ids 0xffffff00 and 0xffffff02 before the clear, both executed, the error queue empty */
	for (int i = 0; i < 2; i++)
		cr_assert_eq(lc_transport_write(t, (const uint8_t *)"*CLS\n", 5, lc_deadline_in(3000), &d), 5, "%s",
			     d.text);
	cr_assert_eq(lc_transport_read_stb(t, &stb, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect_eq(stb & 0x04, 0, "stb 0x%02x", stb);
	cr_assert_eq(lc_transport_clear(t, lc_deadline_in(3000), &d), 0, "%s", d.text);
	/* 0xffffff00 again: 0.3 s of work, then an error queued */
	const char *cmd = "TEST:DEL? 0.3;TEST:ERR -113\n";
	cr_assert_eq(lc_transport_write(t, (const uint8_t *)cmd, strlen(cmd), lc_deadline_in(3000), &d),
		     (int)strlen(cmd), "%s", d.text);
	cr_assert_eq(lc_transport_read_stb(t, &stb, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect_eq(stb & 0x04, 0x04, "the status once the new message ran has its error (stb 0x%02x)", stb);
	lc_transport_close(t);
	stop_sim();
}

Test(hislip_sim, lock_held_elsewhere)
{
	start_sim(0, 0);
	lc_transport *a = open_sim_transport(), *b = open_sim_transport();
	lc_diag d;
	bool excl = false;
	uint32_t holders = 9;
	cr_assert_eq(lc_hislip_lock(a, 0, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect_eq(lc_hislip_lock(b, 30, lc_deadline_in(3000), &d), LC_ERR_BUSY);
	cr_expect(strstr(d.text, "held by another client; not granted within 30 ms") != NULL, "%s", d.text);
	cr_assert_eq(lc_hislip_lock_info(b, &excl, &holders, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect(excl);
	cr_expect_eq(holders, 1);
	cr_expect_eq(lc_hislip_unlock(b, lc_deadline_in(3000), &d), LC_ERR_STATE);
	cr_assert_eq(lc_hislip_unlock(a, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_assert_eq(lc_hislip_lock(b, 0, lc_deadline_in(3000), &d), 0, "%s", d.text);
	/* a session that closes gives its lock back */
	lc_transport_close(b);
	for (int i = 0; i < 200; i++) {
		if (lc_hislip_lock(a, 50, lc_deadline_in(3000), &d) == 0)
			break;
	}
	cr_assert_eq(lc_hislip_lock_info(a, &excl, &holders, lc_deadline_in(3000), &d), 0, "%s", d.text);
	cr_expect(excl);
	cr_expect_eq(lc_hislip_unlock(a, lc_deadline_in(3000), &d), 0, "%s", d.text);
	lc_transport_close(a);
	stop_sim();
}

Test(hislip_sim, too_many_clients_and_unknown_sub_address)
{
	start_sim(0, 3); /* three connections: one session (two), the third gets FatalError 4 */
	lc_transport *a = open_sim_transport();
	char res[80];
	lc_resource r;
	lc_transport *t = NULL;
	lc_diag d;
	sim_resource(res, sizeof(res));
	cr_assert_eq(lc_resource_parse(res, &r, NULL), 0);
	cr_expect_eq(lc_transport_open(&r, NULL, &t, &d), LC_ERR_BUSY);
	cr_expect(strstr(d.text, "FatalError 4") != NULL, "%s", d.text);
	lc_transport_close(a);
	stop_sim();
	start_sim(0, 0);
	sim_resource(res, sizeof(res));
	char *p = strstr(res, "hislip0");
	p[6] = '3';
	cr_assert_eq(lc_resource_parse(res, &r, NULL), 0);
	cr_expect_eq(lc_transport_open(&r, NULL, &t, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "no sub-address 'hislip3'") != NULL, "%s", d.text);
	stop_sim();
}
