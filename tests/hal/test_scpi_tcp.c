/* The SCPI session over the raw socket transport, against the scripted loopback peer: framing, blocks,
 * recovery after timeouts and truncation, overflow, the error queue, *OPC?, and threads sharing a session.
 * A timeout that must not fire is OK_MS (seconds: a loaded machine may not run the peer's thread for a long
 * while); a timeout that must fire is short only where the peer provably does not answer in the meantime
 * (LB_HOLD_UNTIL_RELEASED, an endless flood). Every assertion is on a value or an error code, never on time. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/scpi.h"
#include "hal/scpi_priv.h" /* the reply buffer's capacity: what a flood costs in memory */
#include "hal/transport.h"
#include "loopback_server.h"

#define OK_MS 10000

static lc_scpi *open_session(lb_server *srv, int timeout_ms, size_t max_reply)
{
	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_diag d;
	lc_scpi_options_init(&o);
	o.timeout_ms = timeout_ms;
	o.open_timeout_ms = OK_MS;
	if (max_reply)
		o.max_reply = max_reply;
	int e = lc_scpi_open(lb_resource(srv), &o, &s, &d);
	cr_assert_eq(e, 0, "open: %s", d.text);
	return s;
}

static void finish(lb_server *srv, lc_scpi *s)
{
	lc_scpi_close(s);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", lb_failure(srv));
	cr_expect_eq(lb_stop(srv), 0, "server script: %s", msg);
}

Test(scpi_tcp, idn_query)
{
	lb_step st[] = {LB_EXPECT_LINE("*IDN?"), LB_REPLY("ACME,OPM-1,SN42,1.0\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	char buf[128];
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 19);
	cr_expect_str_eq(buf, "ACME,OPM-1,SN42,1.0");
	char want[64];
	snprintf(want, sizeof(want), "TCPIP0::127.0.0.1::%u::SOCKET", lb_port(srv));
	cr_expect_str_eq(lc_scpi_resource(s), want);
	finish(srv, s);
}

Test(scpi_tcp, one_byte_writes)
{
	lb_step st[] = {LB_EXPECT_LINE("POW?"), LB_REPLY_CHUNKED("-1.2345E+01\r\n", 1), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	double v = 0;
	cr_assert_eq(lc_scpi_query_double(s, "POW?", &v), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(v, -12.345);
	finish(srv, s);
}

static const char block_nl[] = "#210ab\n#cd\nef\n\n";

Test(scpi_tcp, block_with_newline_and_hash_inside)
{
	lb_step st[] = {LB_EXPECT_LINE("TRAC?"), LB_REPLY(block_nl), LB_EXPECT_LINE("TRAC?"),
			LB_REPLY_CHUNKED(block_nl, 1), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	for (int i = 0; i < 2; i++) {
		uint8_t *data = NULL;
		size_t len = 0;
		cr_assert_eq(lc_scpi_query_block(s, "TRAC?", &data, &len), 10, "%s", lc_scpi_last_detail(s));
		cr_expect_eq(len, 10);
		cr_expect_eq(memcmp(data, "ab\n#cd\nef\n", 10), 0);
		free(data);
	}
	finish(srv, s);
}

Test(scpi_tcp, large_block_direct_read)
{
	static char full[8 + 100000 + 1];
	memcpy(full, "#6100000", 8);
	for (int i = 0; i < 100000; i++)
		full[8 + i] = (char)(i * 7);
	full[8 + 100000] = '\n';
	lb_step st[] = {LB_EXPECT_LINE("WAV?"), LB_REPLY_BYTES(full, sizeof(full)), LB_EXPECT_LINE("*OPC?"),
			LB_REPLY("1\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_assert_eq(lc_scpi_query_block(s, "WAV?", &data, &len), 100000, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(memcmp(data, full + 8, 100000), 0);
	free(data);
	cr_expect_eq(lc_scpi_wait_opc(s), 0);
	finish(srv, s);
}

Test(scpi_tcp, indefinite_block_on_byte_stream_ends_at_terminator)
{
	lb_step st[] = {LB_EXPECT_LINE("D?"), LB_REPLY("#0xyz\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_assert_eq(lc_scpi_query_block(s, "D?", &data, &len), 3);
	cr_expect_eq(memcmp(data, "xyz", 3), 0);
	free(data);
	finish(srv, s);
}

Test(scpi_tcp, leftover_bytes_answer_the_next_read)
{
	lb_step st[] = {LB_EXPECT_LINE("A?"), LB_REPLY("1\n2\n"), LB_EXPECT_LINE("B?"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	long long v;
	cr_assert_eq(lc_scpi_query_int(s, "A?", &v), 0);
	cr_expect_eq(v, 1);
	cr_assert_eq(lc_scpi_query_int(s, "B?", &v), 0);
	cr_expect_eq(v, 2);
	finish(srv, s);
}

Test(scpi_tcp, stall_mid_block_times_out_and_next_query_is_fresh)
{
	lb_step st[] = {LB_EXPECT_LINE("TRAC?"), LB_REPLY("#15ab"), LB_HOLD_UNTIL_RELEASED, LB_REPLY("cde\n"),
			{LB_SIGNAL, NULL, 0, 0}, LB_EXPECT_LINE("X?"), LB_REPLY("fresh\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 80, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_assert_eq(lc_scpi_query_block(s, "TRAC?", &data, &len), LC_ERR_TIMEOUT);
	cr_expect_eq(lc_scpi_last_error(s), LC_ERR_TIMEOUT);
	cr_expect_null(data);
	lb_release(srv); /* the rest of the block arrives only now, after the timeout */
	cr_assert_eq(lb_wait_signal(srv), 0);
	lc_scpi_set_timeout(s, OK_MS);
	char buf[32];
	cr_assert_eq(lc_scpi_query(s, "X?", buf, sizeof(buf)), 5, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, "fresh");
	finish(srv, s);
}

Test(scpi_tcp, late_answer_is_not_taken_for_the_next_reply)
{
	/* after the timeout the session asks for the status byte (a refused query leaves an error queued,
	 * scpi_refusal.c); the peer still holds, so that check times out too and changes nothing */
	lb_step st[] = {LB_EXPECT_LINE("A?"), LB_HOLD_UNTIL_RELEASED, LB_REPLY("late\n"), LB_EXPECT_LINE("*STB?"),
			{LB_SIGNAL, NULL, 0, 0}, LB_EXPECT_LINE("B?"), LB_REPLY("on time\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 60, 0);
	char buf[32];
	cr_assert_eq(lc_scpi_query(s, "A?", buf, sizeof(buf)), LC_ERR_TIMEOUT);
	lb_release(srv); /* the late answer comes after the timeout */
	cr_assert_eq(lb_wait_signal(srv), 0);
	lc_scpi_set_timeout(s, OK_MS);
	cr_assert_eq(lc_scpi_query(s, "B?", buf, sizeof(buf)), 7, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, "on time");
	finish(srv, s);
}

Test(scpi_tcp, close_mid_block_is_truncated)
{
	lb_step st[] = {LB_EXPECT_LINE("TRAC?"), LB_REPLY("#210abc"), {LB_CLOSE, NULL, 0, 0}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_block(s, "TRAC?", &data, &len), LC_ERR_TRUNCATED);
	cr_expect_null(data);
	finish(srv, s);
}

Test(scpi_tcp, close_mid_text_is_truncated)
{
	lb_step st[] = {LB_EXPECT_LINE("A?"), LB_REPLY("12"), {LB_CLOSE, NULL, 0, 0}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	double v;
	cr_expect_eq(lc_scpi_query_double(s, "A?", &v), LC_ERR_TRUNCATED);
	finish(srv, s);
}

Test(scpi_tcp, close_between_messages_is_closed)
{
	lb_step st[] = {LB_EXPECT_LINE("A?"), {LB_CLOSE, NULL, 0, 0}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	char buf[16];
	int e = lc_scpi_query(s, "A?", buf, sizeof(buf));
	cr_expect_eq(e, LC_ERR_CLOSED, "got %d %s", e, lc_scpi_last_detail(s));
	finish(srv, s);
}

Test(scpi_tcp, block_longer_than_sent_times_out)
{
	lb_step st[] = {LB_EXPECT_LINE("TRAC?"), LB_REPLY("#220only-ten-b\n"), LB_HOLD_UNTIL_RELEASED, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 80, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_block(s, "TRAC?", &data, &len), LC_ERR_TIMEOUT);
	lb_release(srv);
	finish(srv, s);
}

Test(scpi_tcp, huge_announced_block_is_overflow)
{
	/* "#9" takes nine digits (123456789 bytes), more than max_reply: refused, whatever follows */
	lb_step st[] = {LB_EXPECT_LINE("TRAC?"), LB_REPLY("#912345678901234567890\n"), LB_WAIT_MS(150), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 1024 * 1024); /* refused on the header: no timeout involved */
	uint8_t *data = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_block(s, "TRAC?", &data, &len), LC_ERR_OVERFLOW);
	cr_expect_null(data);
	finish(srv, s);
}

Test(scpi_tcp, twenty_digit_integer_is_overflow)
{
	lb_step st[] = {LB_EXPECT_LINE("N?"), LB_REPLY("12345678901234567890\n"), LB_EXPECT_LINE("N?"),
			LB_REPLY("-42\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	long long v = 0;
	cr_expect_eq(lc_scpi_query_int(s, "N?", &v), LC_ERR_OVERFLOW);
	cr_expect_eq(lc_scpi_query_int(s, "N?", &v), 0);
	cr_expect_eq(v, -42);
	finish(srv, s);
}

Test(scpi_tcp, flood_is_consumed_reported_and_stream_stays_in_step)
{
	lb_step st[] = {LB_EXPECT_LINE("DUMP?"), {LB_FLOOD, NULL, 0, 2 * 1024 * 1024}, LB_REPLY("\n"),
			LB_EXPECT_LINE("*IDN?"), LB_REPLY("ok\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 64 * 1024);
	char *r = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_alloc(s, "DUMP?", &r, &len), LC_ERR_OVERFLOW);
	cr_expect_null(r);
	char buf[8];
	cr_expect_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 2, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, "ok");
	finish(srv, s);
}

Test(scpi_tcp, reply_larger_than_caller_buffer)
{
	lb_step st[] = {LB_EXPECT_LINE("A?"), LB_REPLY("0123456789\n"), LB_EXPECT_LINE("B?"), LB_REPLY("7\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	char buf[8];
	cr_expect_eq(lc_scpi_query(s, "A?", buf, sizeof(buf)), LC_ERR_OVERFLOW);
	cr_expect_eq(lc_scpi_query(s, "B?", buf, sizeof(buf)), 1);
	cr_expect_str_eq(buf, "7");
	finish(srv, s);
}

Test(scpi_tcp, malformed_block_header_is_protocol_with_offset)
{
	lb_step st[] = {LB_EXPECT_LINE("T?"), LB_REPLY("#3x12abc\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_block(s, "T?", &data, &len), LC_ERR_PROTOCOL);
	cr_expect(strstr(lc_scpi_last_detail(s), "offset 2") != NULL, "%s", lc_scpi_last_detail(s));
	finish(srv, s);
}

Test(scpi_tcp, garbage_after_block_is_protocol)
{
	lb_step st[] = {LB_EXPECT_LINE("T?"), LB_REPLY("#13abcX\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_block(s, "T?", &data, &len), LC_ERR_PROTOCOL);
	finish(srv, s);
}

Test(scpi_tcp, text_where_block_expected_is_protocol)
{
	lb_step st[] = {LB_EXPECT_LINE("T?"), LB_REPLY("hello\n"), LB_EXPECT_LINE("V?"), LB_REPLY("abc\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	uint8_t *data = NULL;
	size_t len = 0;
	double v;
	cr_expect_eq(lc_scpi_query_block(s, "T?", &data, &len), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_scpi_query_double(s, "V?", &v), LC_ERR_PROTOCOL);
	finish(srv, s);
}

Test(scpi_tcp, typed_queries)
{
	lb_step st[] = {LB_EXPECT_LINE("B?"), LB_REPLY("ON\n"), LB_EXPECT_LINE("S?"), LB_REPLY("\"say \"\"hi\"\"\"\n"),
			LB_EXPECT_LINE("L?"), LB_REPLY("1,2.5,-3E+02\n"), LB_EXPECT_LINE("I?"), LB_REPLY("+1.0E+01\n"),
			LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	bool b = false;
	cr_assert_eq(lc_scpi_query_bool(s, "B?", &b), 0);
	cr_expect(b);
	char str[32];
	cr_assert_eq(lc_scpi_query_string(s, "S?", str, sizeof(str)), 8);
	cr_expect_str_eq(str, "say \"hi\"");
	double *vals = NULL;
	size_t n = 0;
	cr_assert_eq(lc_scpi_query_doubles(s, "L?", &vals, &n), 3);
	cr_expect_eq(vals[0], 1.0);
	cr_expect_eq(vals[1], 2.5);
	cr_expect_eq(vals[2], -300.0);
	free(vals);
	long long i = 0;
	cr_assert_eq(lc_scpi_query_int(s, "I?", &i), 0);
	cr_expect_eq(i, 10);
	finish(srv, s);
}

Test(scpi_tcp, block_values_both_byte_orders)
{
	/* 1.5f = 0x3FC00000; -2 as i16 = 0xFFFE */
	static const char le[] = "#14\x00\x00\xc0\x3f\n";
	static const char be[] = "#14\x3f\xc0\x00\x00\n";
	static const char i16[] = "#14\xfe\xff\x01\x00\n";
	lb_step st[] = {LB_EXPECT_LINE("A?"), LB_REPLY_BYTES(le, sizeof(le) - 1), LB_EXPECT_LINE("B?"),
			LB_REPLY_BYTES(be, sizeof(be) - 1), LB_EXPECT_LINE("C?"), LB_REPLY_BYTES(i16, sizeof(i16) - 1),
			LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	double *v = NULL;
	size_t n = 0;
	cr_assert_eq(lc_scpi_query_block_values(s, "A?", LC_BLOCK_F32, LC_LITTLE_ENDIAN, &v, &n), 1);
	cr_expect_eq(v[0], 1.5);
	free(v);
	cr_assert_eq(lc_scpi_query_block_values(s, "B?", LC_BLOCK_F32, LC_BIG_ENDIAN, &v, &n), 1);
	cr_expect_eq(v[0], 1.5);
	free(v);
	cr_assert_eq(lc_scpi_query_block_values(s, "C?", LC_BLOCK_I16, LC_LITTLE_ENDIAN, &v, &n), 2);
	cr_expect_eq(v[0], -2.0);
	cr_expect_eq(v[1], 1.0);
	free(v);
	finish(srv, s);
}

Test(scpi_tcp, write_block_wire_bytes)
{
	static const char wire[] = "DATA #15\x00\x01\n\x03#\n";
	lb_step st[] = {{LB_EXPECT_BYTES, wire, sizeof(wire) - 1, 0}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	cr_expect_eq(lc_scpi_write_block(s, "DATA", "\x00\x01\n\x03#", 5), 0);
	finish(srv, s);
}

static void error_queue_case(const char *no_error)
{
	lb_step st[] = {LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"), LB_EXPECT_LINE("SYST:ERR?"),
			LB_REPLY("-113,\"Undefined header\"\n"), LB_EXPECT_LINE("*STB?"), LB_REPLY("+4\n"),
			LB_EXPECT_LINE("SYST:ERR?"), LB_REPLY(no_error), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	cr_expect_eq(lc_scpi_check_errors(s), LC_ERR_INSTRUMENT);
	cr_expect_str_eq(lc_scpi_last_detail(s), "-113,\"Undefined header\"");
	finish(srv, s);
}

Test(scpi_tcp, error_queue_no_error_forms)
{
	error_queue_case("0,\"No error\"\n");
	error_queue_case("+0,\"No error\"\n");
	error_queue_case("+0, No Error\n");
}

Test(scpi_tcp, error_queue_empty_by_status_byte)
{
	lb_step st[] = {LB_EXPECT_LINE("*STB?"), LB_REPLY("16\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	lc_scpi_error errs[4];
	cr_expect_eq(lc_scpi_drain_errors(s, errs, 4), 0);
	finish(srv, s);
}

Test(scpi_tcp, error_drain_is_capped)
{
	lb_step st[] = {LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"), LB_EXPECT_LINE("SYST:ERR?"), LB_REPLY("-100,\"a\"\n"),
			LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"), LB_EXPECT_LINE("SYST:ERR?"), LB_REPLY("-200,\"b\"\n"),
			LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"), LB_EXPECT_LINE("SYST:ERR?"), LB_REPLY("-300,\"c\"\n"),
			LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	o.timeout_ms = OK_MS;
	o.max_error_drain = 3;
	lc_scpi *s = NULL;
	cr_assert_eq(lc_scpi_open(lb_resource(srv), &o, &s, NULL), 0);
	lc_scpi_error errs[2];
	cr_expect_eq(lc_scpi_drain_errors(s, errs, 2), 2);
	cr_expect_eq(errs[0].code, -100);
	cr_expect_str_eq(errs[1].text, "b");
	finish(srv, s);
}

Test(scpi_tcp, opc_uses_its_own_budget)
{
	lb_step st[] = {LB_EXPECT_LINE("*OPC?"), LB_WAIT_MS(150), LB_REPLY("1\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 20, 0);
	lc_scpi_set_opc_timeout(s, OK_MS);
	cr_expect_eq(lc_scpi_wait_opc(s), 0, "%s", lc_scpi_last_detail(s));
	finish(srv, s);
}

Test(scpi_tcp, cls_on_open)
{
	lb_step st[] = {LB_EXPECT_LINE("*CLS"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	o.clear_on_open = true;
	lc_scpi *s = NULL;
	cr_assert_eq(lc_scpi_open(lb_resource(srv), &o, &s, NULL), 0);
	finish(srv, s);
}

Test(scpi_tcp, connect_refused_is_io)
{
	lb_step st[] = {LB_DONE};
	lb_server *srv = lb_start(st);
	char res[64];
	snprintf(res, sizeof(res), "%s", lb_resource(srv));
	lb_stop(srv); /* the port is now closed */
	lc_scpi *s = NULL;
	lc_diag d;
	cr_expect_eq(lc_scpi_open(res, NULL, &s, &d), LC_ERR_IO, "%s", d.text);
	cr_expect_null(s);
}

Test(scpi_tcp, bad_resource_is_arg)
{
	lc_scpi *s = NULL;
	lc_diag d;
	cr_expect_eq(lc_scpi_open("TCPIP::127.0.0.1::SOCKET", NULL, &s, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "SOCKET") != NULL, "%s", d.text);
}

struct worker {
	lc_scpi *s;
	int id;
	int bad;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < 200; i++) {
		char cmd[64], want[64], got[64];
		snprintf(cmd, sizeof(cmd), "ECHO? t%d-%d", w->id, i);
		snprintf(want, sizeof(want), "t%d-%d", w->id, i);
		if (lc_scpi_query(w->s, cmd, got, sizeof(got)) < 0 || strcmp(got, want) != 0)
			w->bad++;
	}
	return NULL;
}

Test(scpi_tcp, two_threads_never_interleave)
{
	lb_step st[] = {{LB_ECHO, NULL, 0, 0}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	struct worker w[2] = {{s, 1, 0}, {s, 2, 0}};
	pthread_t th[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	cr_expect_eq(w[0].bad, 0);
	cr_expect_eq(w[1].bad, 0);
	finish(srv, s);
}

Test(scpi_tcp, large_write_goes_out_whole_through_partial_writes)
{
	/* 8 MiB is far more than the socket buffers: the transport must loop over partial sends and poll */
	const size_t n = 8u << 20;
	uint8_t *blob = malloc(n);
	cr_assert_not_null(blob);
	memset(blob, 0x5a, n);
	const size_t wire = strlen("DATA #78388608") + n + 1;
	lb_step st[] = {{LB_SINK, NULL, 0, (int)wire}, LB_EXPECT_LINE("DONE?"), LB_REPLY("1\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	cr_expect_eq(lc_scpi_write_block(s, "DATA", blob, n), 0, "%s", lc_scpi_last_detail(s));
	long long v = 0;
	cr_expect_eq(lc_scpi_query_int(s, "DONE?", &v), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(v, 1);
	free(blob);
	finish(srv, s);
}

Test(scpi_tcp, write_to_a_peer_that_never_reads_times_out)
{
	const size_t n = 64u << 20;
	uint8_t *blob = calloc(1, n);
	cr_assert_not_null(blob);
	lb_step st[] = {LB_HOLD_UNTIL_RELEASED, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 100, 0);
	cr_expect_eq(lc_scpi_write_block(s, "DATA", blob, n), LC_ERR_TIMEOUT, "%s", lc_scpi_last_detail(s));
	lb_release(srv);
	free(blob);
	lc_scpi_close(s);
	lb_stop(srv);
}

Test(scpi_tcp, write_to_a_closed_peer_is_closed_not_sigpipe)
{
	lb_step st[] = {LB_EXPECT_LINE("A"), {LB_CLOSE, NULL, 0, 0}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	cr_assert_eq(lc_scpi_write(s, "A"), 0);
	lb_stop(srv); /* the peer has closed */
	static uint8_t blob[1 << 20];
	int closed = 0, other = 0;
	for (int i = 0; i < 4; i++) {
		int e = lc_scpi_write_block(s, "DATA", blob, sizeof(blob));
		if (e == LC_ERR_CLOSED)
			closed++;
		else if (e != 0)
			other++;
	}
	cr_expect_gt(closed, 0);
	cr_expect_eq(other, 0);
	lc_scpi_close(s);
}

Test(scpi_tcp, check_errors_after_every_write)
{
	lb_step st[] = {LB_EXPECT_LINE("OK"), LB_EXPECT_LINE("*STB?"), LB_REPLY("0\n"), LB_EXPECT_LINE("BAD"),
			LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"), LB_EXPECT_LINE("SYST:ERR?"), LB_REPLY("-224,\"Illegal parameter value\"\n"),
			LB_EXPECT_LINE("*STB?"), LB_REPLY("0\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	o.timeout_ms = OK_MS;
	o.check_errors = true;
	lc_scpi *s = NULL;
	cr_assert_eq(lc_scpi_open(lb_resource(srv), &o, &s, NULL), 0);
	cr_expect_eq(lc_scpi_write(s, "OK"), 0);
	cr_expect_eq(lc_scpi_write(s, "BAD"), LC_ERR_INSTRUMENT);
	cr_expect_str_eq(lc_scpi_last_detail(s), "-224,\"Illegal parameter value\"");
	finish(srv, s);
}

Test(scpi_tcp, block_into_callers_buffer)
{
	lb_step st[] = {LB_EXPECT_LINE("T?"), LB_REPLY("#15a\nb#c\n"), LB_EXPECT_LINE("T?"), LB_REPLY("#15a\nb#c\n"),
			LB_EXPECT_LINE("N?"), LB_REPLY("3\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	uint8_t buf[6];
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_block_into(s, "T?", buf, sizeof(buf), &len), 5, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(len, 5);
	cr_expect_eq(memcmp(buf, "a\nb#c", 5), 0);
	cr_expect_eq(lc_scpi_query_block_into(s, "T?", buf, 5, &len), LC_ERR_OVERFLOW);
	long long v = 0;
	cr_expect_eq(lc_scpi_query_int(s, "N?", &v), 0);
	cr_expect_eq(v, 3);
	finish(srv, s);
}

Test(scpi_tcp, endless_flood_ends_at_the_deadline)
{
	lb_step st[] = {LB_EXPECT_LINE("DUMP?"), {LB_FLOOD, NULL, 0, -1}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 100, 0);
	char *r = NULL;
	size_t len = 0;
	int e = lc_scpi_query_alloc(s, "DUMP?", &r, &len);
	/* the default limit (256 MiB) may or may not be passed in 100 ms: either way it ends, as an error */
	cr_expect(e == LC_ERR_TIMEOUT || e == LC_ERR_OVERFLOW, "%d: %s", e, lc_scpi_last_detail(s));
	cr_expect_null(r);
	lc_scpi_close(s);
	lb_stop(srv);
}

Test(scpi_tcp, endless_flood_past_the_limit_is_overflow)
{
	lb_step st[] = {LB_EXPECT_LINE("DUMP?"), {LB_FLOOD, NULL, 0, -1}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 100, 4096);
	char *r = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_alloc(s, "DUMP?", &r, &len), LC_ERR_OVERFLOW, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
	lb_stop(srv);
}

/* A text line that never ends stops at max_line (default 1 MiB), not at the block limit (256 MiB): the reply
 * buffer never grows past it, and the operation ends at its deadline with LC_ERR_OVERFLOW naming the limit. */
Test(scpi_tcp, endless_line_is_bounded_by_max_line)
{
	lb_step st[] = {LB_EXPECT_LINE("DUMP?"), {LB_FLOOD, NULL, 0, -1}, LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, 3000, 0);
	cr_assert_eq(s->o.max_line, 1024u * 1024, "the documented default");
	char *r = NULL;
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_alloc(s, "DUMP?", &r, &len), LC_ERR_OVERFLOW, "%s", lc_scpi_last_detail(s));
	cr_expect_null(r);
	cr_expect(strstr(lc_scpi_last_detail(s), "exceeds the limit of 1048576 bytes"), "%s", lc_scpi_last_detail(s));
	unsigned long long got = 0;
	const char *p = strstr(lc_scpi_last_detail(s), "bytes (");
	cr_assert(p && sscanf(p, "bytes (%llu received", &got) == 1, "%s", lc_scpi_last_detail(s));
	cr_expect_gt(got, 1024u * 1024, "the flood went past the limit (%llu bytes)", got);
	cr_expect_leq(s->reply.cap, 2u * 1024 * 1024, "the reply buffer stayed at the limit: %zu bytes", s->reply.cap);
	lc_scpi_close(s);
	lb_stop(srv);
}

/* The limits are separate: a block may be larger than max_line, a text reply may not; both per session. */
Test(scpi_tcp, line_and_block_limits_are_separate)
{
	static char big[8192 + 16];
	memcpy(big, "#48192", 6);
	memset(big + 6, 'b', 8192);
	big[6 + 8192] = '\n';
	static char line[8192 + 2];
	memset(line, 'l', 8192);
	line[8192] = '\n';
	lb_step st[] = {LB_EXPECT_LINE("B?"), LB_REPLY_BYTES(big, 6 + 8192 + 1), LB_EXPECT_LINE("L?"),
			LB_REPLY_BYTES(line, 8193), LB_EXPECT_LINE("N?"), LB_REPLY("7\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_session(srv, OK_MS, 0);
	cr_assert_eq(lc_scpi_set_max_reply(s, 4096, 0), 0);
	cr_expect_eq(lc_scpi_set_max_reply(s, (size_t)INT32_MAX + 1, 0), LC_ERR_ARG);
	cr_expect_eq(s->o.max_line, 4096, "a refused limit changes nothing");
	static uint8_t data[16384];
	size_t len = 0;
	cr_expect_eq(lc_scpi_query_block_into(s, "B?", data, sizeof(data), &len), 8192, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(len, 8192);
	char *r = NULL;
	cr_expect_eq(lc_scpi_query_alloc(s, "L?", &r, &len), LC_ERR_OVERFLOW, "%s", lc_scpi_last_detail(s));
	cr_expect(strstr(lc_scpi_last_detail(s), "limit of 4096 bytes"), "%s", lc_scpi_last_detail(s));
	long long v = 0;
	cr_expect_eq(lc_scpi_query_int(s, "N?", &v), 0, "the stream stays in step: %s", lc_scpi_last_detail(s));
	cr_expect_eq(v, 7);
	finish(srv, s);
}

Test(transport, table_has_socket_and_vxi11_and_says_which_kinds_are_missing)
{
	cr_assert_not_null(lc_transport_find(LC_RES_TCPIP_SOCKET));
	cr_expect_str_eq(lc_transport_find(LC_RES_TCPIP_SOCKET)->name, "tcp-raw");
	cr_expect_not(lc_transport_find(LC_RES_TCPIP_SOCKET)->marks_end);
	cr_assert_not_null(lc_transport_find(LC_RES_TCPIP_VXI11));
	cr_expect(lc_transport_find(LC_RES_TCPIP_VXI11)->marks_end);
	/* other engineers add USBTMC, serial, HiSLIP...: whatever kind is still missing must be refused with
	 * LC_ERR_UNSUPPORTED naming it */
	static const char *const res[] = {"TCPIP::h::hislip0", "USB::0x1::0x2::X::INSTR", "ASRL/dev/ttyUSB0::INSTR",
					  "I2C::linux::/dev/i2c-1"};
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		lc_resource r;
		lc_transport *t = NULL;
		lc_diag d;
		cr_assert_eq(lc_resource_parse(res[i], &r, NULL), 0);
		if (lc_transport_find(r.kind))
			continue;
		cr_expect_eq(lc_transport_open(&r, NULL, &t, &d), LC_ERR_UNSUPPORTED, "%s", res[i]);
		cr_expect_null(t);
		cr_expect(strstr(d.text, lc_resource_kind_name(r.kind)) != NULL, "%s", d.text);
	}
}

Test(scpi_tcp, ipv6_loopback)
{
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
	socklen_t al = sizeof(a);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &al) != 0)
		cr_skip_test("no IPv6 loopback here");
	char res[64];
	snprintf(res, sizeof(res), "TCPIP::[::1]::%u::SOCKET", ntohs(a.sin6_port));
	lc_scpi *s = NULL;
	lc_diag d;
	cr_assert_eq(lc_scpi_open(res, NULL, &s, &d), 0, "%s", d.text);
	int c = accept(l, NULL, NULL);
	cr_assert_geq(c, 0);
	/* the answer is queued before the question: the session must still frame it as the reply */
	cr_assert_eq(write(c, "v6\n", 3), 3);
	char buf[16];
	cr_expect_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 2);
	cr_expect_str_eq(buf, "v6");
	char canon[64];
	snprintf(canon, sizeof(canon), "TCPIP0::[::1]::%u::SOCKET", ntohs(a.sin6_port));
	cr_expect_str_eq(lc_scpi_resource(s), canon);
	lc_scpi_close(s);
	close(c);
	close(l);
}

Test(scpi_tcp, read_term_off_needs_an_end_marking_transport)
{
	lb_step st[] = {LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi_options o;
	lc_scpi_options_init(&o);
	o.read_term = '\0';
	lc_scpi *s = NULL;
	lc_diag d;
	cr_expect_eq(lc_scpi_open(lb_resource(srv), &o, &s, &d), LC_ERR_ARG);
	cr_expect_null(s);
	lb_stop(srv);
}
