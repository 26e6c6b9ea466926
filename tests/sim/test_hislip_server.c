/* The simulator's HiSLIP server (sim/net/hislip_server.c) spoken to byte by byte, with the layouts written
 * here from IVI-6.1 (nothing of the client in hal/ is used): the handshake, a query, every error path. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "net_test_util.h"
#include "sim/scpi/testinst.h"

static lc_sim_testinst *inst;
static int port;

static void start(uint32_t max_message, int max_connections)
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
	port = lc_sim_endpoint_port(lc_sim_testinst_hislip(inst));
}

static void stop(void)
{
	lc_sim_testinst_stop(inst);
	inst = NULL;
}

static void put(uint8_t *o, uint8_t type, uint8_t control, uint32_t param, uint64_t len)
{
	o[0] = 'H', o[1] = 'S', o[2] = type, o[3] = control;
	for (int i = 0; i < 4; i++)
		o[4 + i] = (uint8_t)(param >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		o[8 + i] = (uint8_t)(len >> (56 - 8 * i));
}

static void send_msg(int fd, uint8_t type, uint8_t control, uint32_t param, const void *payload, size_t len)
{
	uint8_t h[16];
	put(h, type, control, param, len);
	cr_assert_eq(net_send(fd, h, 16), 0);
	if (len)
		cr_assert_eq(net_send(fd, payload, len), 0);
}

/* Read one message: header into h[16], payload (at most cap) into p; returns the payload length. */
static size_t recv_msg(int fd, uint8_t *h, uint8_t *p, size_t cap)
{
	cr_assert_eq(net_read_n(fd, h, 16), 16, "no header");
	cr_assert(h[0] == 'H' && h[1] == 'S');
	uint64_t len = 0;
	for (int i = 0; i < 8; i++)
		len = len << 8 | h[8 + i];
	cr_assert_leq(len, cap);
	if (len)
		cr_assert_eq(net_read_n(fd, p, (size_t)len), (ssize_t)len);
	return (size_t)len;
}

static uint16_t open_session(int *sync, int *async)
{
	uint8_t h[16], p[64];
	*sync = net_connect("127.0.0.1", port);
	cr_assert(*sync >= 0);
	send_msg(*sync, 0, 0, 0x0100u << 16 | 'L' << 8 | 'C', "hislip0", 7);
	cr_assert_eq(recv_msg(*sync, h, p, sizeof(p)), 0);
	uint16_t sid = (uint16_t)(h[6] << 8 | h[7]);
	/* InitializeResponse: type 1, synchronized (control 0), version 1.0, session id, no payload */
	const uint8_t want[] = {'H', 'S', 1, 0, 1, 0, h[6], h[7], 0, 0, 0, 0, 0, 0, 0, 0};
	cr_expect_arr_eq(h, want, 16);
	cr_expect_neq(sid, 0);
	*async = net_connect("127.0.0.1", port);
	cr_assert(*async >= 0);
	send_msg(*async, 17, 0, sid, NULL, 0);
	recv_msg(*async, h, p, sizeof(p));
	const uint8_t ainit[] = {'H', 'S', 18, 0, 0, 0, 'L', 'C', 0, 0, 0, 0, 0, 0, 0, 0};
	cr_expect_arr_eq(h, ainit, 16);
	return sid;
}

Test(hislip_server, handshake_query_and_maximum_message_size)
{
	start(0, 0);
	int s, a;
	uint8_t h[16], p[256];
	open_session(&s, &a);
	const uint8_t size[8] = {0, 0, 0, 0, 0, 0, 0x01, 0x00}; /* the client takes 256-byte messages */
	send_msg(a, 15, 0, 0, size, 8);
	cr_assert_eq(recv_msg(a, h, p, sizeof(p)), 8);
	const uint8_t resp[] = {'H', 'S', 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8};
	cr_expect_arr_eq(h, resp, 16);
	const uint8_t server_max[8] = {0, 0, 0, 0, 0, 0x10, 0, 0}; /* 1 MiB */
	cr_expect_arr_eq(p, server_max, 8);
	send_msg(s, 7, 0, 0xffffff00u, "*IDN?\n", 6);
	size_t n = recv_msg(s, h, p, sizeof(p));
	const uint8_t de[] = {'H', 'S', 7, 0, 0xff, 0xff, 0xff, 0x00, 0, 0, 0, 0, 0, 0, 0, (uint8_t)n};
	cr_expect_arr_eq(h, de, 16);
	cr_expect_eq(n, strlen(LC_SIM_TESTINST_IDN) + 1);
	cr_expect_arr_eq(p, LC_SIM_TESTINST_IDN "\n", n);
	/* a 600-byte reply to a client that takes 256-byte messages: Data 240, Data 240, DataEnd 121 */
	send_msg(s, 6, 0, 0xffffff02u, "TEST:BLOC? ", 11);
	send_msg(s, 7, 1, 0xffffff02u, "594\n", 4); /* RMT-delivered set: the last reply was read */
	size_t sizes[3];
	for (int i = 0; i < 3; i++) {
		sizes[i] = recv_msg(s, h, p, sizeof(p));
		cr_expect_eq(h[2], i < 2 ? 6 : 7, "message %d type %u", i, h[2]);
		cr_expect_eq((uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7], 0xffffff02u);
	}
	cr_expect_eq(sizes[0], 240);
	cr_expect_eq(sizes[1], 240);
	cr_expect_eq(sizes[2], 5 + 594 + 1 - 480); /* "#3594" + 594 bytes + "\n" */
	close(s);
	close(a);
	stop();
}

Test(hislip_server, data_before_async_channel_is_fatal_2)
{
	start(0, 0);
	uint8_t h[16], p[128];
	int s = net_connect("127.0.0.1", port);
	send_msg(s, 0, 0, 0x0100u << 16 | 'L' << 8 | 'C', "hislip0", 7);
	recv_msg(s, h, p, sizeof(p));
	send_msg(s, 7, 0, 0xffffff00u, "*IDN?\n", 6);
	size_t n = recv_msg(s, h, p, sizeof(p));
	cr_expect_eq(h[2], 2);
	cr_expect_eq(h[3], 2);
	p[n] = 0;
	cr_expect(strstr((char *)p, "asynchronous channel") != NULL, "%s", p);
	cr_expect(net_eof(s));
	close(s);
	stop();
}

Test(hislip_server, bad_prologue_vendor_id_and_version)
{
	start(0, 0);
	uint8_t h[16], p[128];
	int s = net_connect("127.0.0.1", port);
	cr_assert_eq(net_send(s, "XS\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
	recv_msg(s, h, p, sizeof(p));
	cr_expect_eq(h[2], 2, "FatalError");
	cr_expect_eq(h[3], 1, "poorly formed message header");
	cr_expect(net_eof(s));
	close(s);
	s = net_connect("127.0.0.1", port);
	send_msg(s, 0, 0, 0x0100u << 16 | 0x0102u, "hislip0", 7);
	size_t n = recv_msg(s, h, p, sizeof(p));
	p[n] = 0;
	cr_expect_eq(h[2], 2);
	cr_expect_eq(h[3], 3, "invalid initialization sequence");
	cr_expect(strstr((char *)p, "vendor id 0x0102") != NULL, "%s", p);
	close(s);
	s = net_connect("127.0.0.1", port);
	send_msg(s, 0, 0, 0x0009u << 16 | 'L' << 8 | 'C', "hislip0", 7);
	n = recv_msg(s, h, p, sizeof(p));
	p[n] = 0;
	cr_expect_eq(h[2], 2);
	cr_expect(strstr((char *)p, "version 0.9 is not supported") != NULL, "%s", p);
	close(s);
	/* AsyncInitialize for a session that does not exist */
	s = net_connect("127.0.0.1", port);
	send_msg(s, 17, 0, 4242, NULL, 0);
	recv_msg(s, h, p, sizeof(p));
	cr_expect_eq(h[2], 2);
	cr_expect_eq(h[3], 3);
	close(s);
	stop();
}

Test(hislip_server, message_larger_than_negotiated_is_error_4_and_the_session_goes_on)
{
	start(64, 0); /* the server takes 64-byte messages: 48 payload bytes */
	int s, a;
	uint8_t h[16], p[128];
	open_session(&s, &a);
	char big[49];
	memset(big, 'x', sizeof(big));
	send_msg(s, 7, 0, 0xffffff00u, big, sizeof(big));
	size_t n = recv_msg(s, h, p, sizeof(p));
	p[n] = 0;
	cr_expect_eq(h[2], 3, "Error");
	cr_expect_eq(h[3], 4, "message too large");
	cr_expect(strstr((char *)p, "65 bytes exceeds the maximum message size 64") != NULL, "%s", p);
	send_msg(s, 7, 0, 0xffffff02u, "*IDN?\n", 6);
	n = recv_msg(s, h, p, sizeof(p));
	cr_expect_eq(h[2], 7);
	cr_expect_eq(n, strlen(LC_SIM_TESTINST_IDN) + 1);
	close(s);
	close(a);
	stop();
}

Test(hislip_server, peer_closing_mid_message_executes_nothing)
{
	start(0, 0);
	int s, a;
	open_session(&s, &a);
	uint64_t before = lc_sim_scpi_messages(lc_sim_testinst_engine(inst));
	uint8_t h[16];
	put(h, 7, 0, 0xffffff00u, 20);
	net_send(s, h, 16);
	net_send(s, "SOUR1:VAL 5\n", 12); /* 12 of 20 bytes, then the connection goes */
	close(s);
	close(a);
	/* a new session sees the value untouched */
	uint8_t p[64];
	open_session(&s, &a);
	send_msg(s, 7, 0, 0xffffff00u, "SOUR1:VAL?\n", 11);
	size_t n = recv_msg(s, h, p, sizeof(p));
	p[n] = 0;
	cr_expect_eq(p[n - 1], '\n');
	cr_expect_eq(strtod((char *)p, NULL), 0.0, "%s", p);
	cr_expect_eq(lc_sim_scpi_messages(lc_sim_testinst_engine(inst)), before + 1);
	close(s);
	close(a);
	stop();
}

Test(hislip_server, locks_status_clear_and_unknown_types)
{
	start(0, 0);
	int s1, a1, s2, a2;
	uint8_t h[16], p[128];
	open_session(&s1, &a1);
	open_session(&s2, &a2);
	send_msg(a1, 4, 1, 0, NULL, 0); /* lock, timeout 0 */
	recv_msg(a1, h, p, sizeof(p));
	cr_expect_eq(h[2], 5);
	cr_expect_eq(h[3], 1, "success");
	send_msg(a2, 4, 1, 20, NULL, 0); /* held elsewhere: 20 ms, then failure */
	recv_msg(a2, h, p, sizeof(p));
	cr_expect_eq(h[3], 0, "failure");
	send_msg(a2, 4, 1, 20, "shared", 6);
	recv_msg(a2, h, p, sizeof(p));
	cr_expect_eq(h[3], 3, "shared locks are not simulated: error");
	send_msg(a2, 24, 0, 0, NULL, 0);
	recv_msg(a2, h, p, sizeof(p));
	const uint8_t info[] = {'H', 'S', 25, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0};
	cr_expect_arr_eq(h, info, 16);
	send_msg(a2, 4, 0, 0xfffffefeu, NULL, 0); /* release what it does not hold */
	recv_msg(a2, h, p, sizeof(p));
	cr_expect_eq(h[3], 3);
	send_msg(a1, 4, 0, 0xfffffefeu, NULL, 0);
	recv_msg(a1, h, p, sizeof(p));
	cr_expect_eq(h[3], 1);
	/* status byte: EAV after an error */
	send_msg(s1, 7, 0, 0xffffff00u, "TEST:ERR -222\n", 14);
	send_msg(a1, 21, 0, 0xffffff00u, NULL, 0);
	recv_msg(a1, h, p, sizeof(p));
	cr_expect_eq(h[2], 22);
	cr_expect_eq(h[3] & 0x04, 0x04, "stb 0x%02x", h[3]);
	/* device clear: acknowledge on async, then DeviceClearComplete -> DeviceClearAcknowledge on sync */
	send_msg(a1, 19, 0, 0, NULL, 0);
	recv_msg(a1, h, p, sizeof(p));
	const uint8_t dcack[] = {'H', 'S', 23, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	cr_expect_arr_eq(h, dcack, 16);
	send_msg(s1, 8, 0, 0, NULL, 0);
	recv_msg(s1, h, p, sizeof(p));
	const uint8_t ack[] = {'H', 'S', 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	cr_expect_arr_eq(h, ack, 16);
	/* GetDescriptors is not served: Error 1 */
	send_msg(a1, 26, 0, 0, NULL, 0);
	recv_msg(a1, h, p, sizeof(p));
	cr_expect_eq(h[2], 3);
	cr_expect_eq(h[3], 1);
	close(s1);
	close(a1);
	close(s2);
	close(a2);
	stop();
}
