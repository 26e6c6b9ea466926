/* A query the instrument refuses gets no reply: the session says what it refused (hal/scpi_refusal.c),
 * at once over HiSLIP (the status byte while waiting), after the timeout on a raw socket (the error queue),
 * and only when no byte of the reply came. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hal/scpi.h"
#include "sim/scpi/testinst.h"
#include "tests/hal/loopback_server.h"

static lc_scpi *open_res(const char *res, int timeout_ms)
{
	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_diag d;
	lc_scpi_options_init(&o);
	o.timeout_ms = timeout_ms;
	cr_assert_eq(lc_scpi_open(res, &o, &s, &d), 0, "open %s: %s", res, d.text);
	return s;
}

/* The peer never answers the query (it waits for the next line), queues -113, and answers the checks. */
Test(scpi_refusal, raw_socket_reports_the_queued_error_after_the_timeout)
{
	lb_step st[] = {LB_EXPECT_LINE(":UENT:ID 1;:SYST:MOD? 1"), LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"),
			LB_EXPECT_LINE("SYST:ERR?"), LB_REPLY("-113,\"Undefined header\"\n"), LB_EXPECT_LINE("*STB?"),
			LB_REPLY("0\n"), LB_EXPECT_LINE("*IDN?"), LB_REPLY("A,B,C,D\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_res(lb_resource(srv), 200);
	char buf[64];
	cr_expect_eq(lc_scpi_query(s, ":UENT:ID 1;:SYST:MOD? 1", buf, sizeof(buf)), LC_ERR_INSTRUMENT);
	cr_expect_str_eq(lc_scpi_last_detail(s), "the instrument refused ':UENT:ID 1;:SYST:MOD? 1' (-113 Undefined header)");
	lc_scpi_set_timeout(s, 5000);
	cr_expect_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 7, "still in step: %s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", lb_failure(srv));
	cr_expect_eq(lb_stop(srv), 0, "%s", msg);
}

Test(scpi_refusal, other_errors_join_the_timeout)
{
	lb_step st[] = {LB_EXPECT_LINE("MEAS?"), LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"), LB_EXPECT_LINE("SYST:ERR?"),
			LB_REPLY("-350,\"Queue overflow\"\n"), LB_EXPECT_LINE("*STB?"), LB_REPLY("0\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_res(lb_resource(srv), 200);
	double v;
	cr_expect_eq(lc_scpi_query_double(s, "MEAS?", &v), LC_ERR_TIMEOUT);
	cr_expect(strstr(lc_scpi_last_detail(s), "error queue: -350,\"Queue overflow\"") != NULL, "%s",
		  lc_scpi_last_detail(s));
	lc_scpi_close(s);
	cr_expect_eq(lb_stop(srv), 0);
}

Test(scpi_refusal, a_reply_cut_short_is_not_a_refusal)
{
	/* part of the reply came: nothing is asked after the timeout (the next line the peer sees is X?) */
	lb_step st[] = {LB_EXPECT_LINE("A?"), LB_REPLY("12"), LB_EXPECT_LINE("X?"), LB_REPLY("3\n"), LB_DONE};
	lb_server *srv = lb_start(st);
	lc_scpi *s = open_res(lb_resource(srv), 200);
	char buf[16];
	cr_expect_eq(lc_scpi_query(s, "A?", buf, sizeof(buf)), LC_ERR_TIMEOUT);
	lc_scpi_set_timeout(s, 5000);
	cr_expect_eq(lc_scpi_query(s, "X?", buf, sizeof(buf)), 1, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", lb_failure(srv));
	cr_expect_eq(lb_stop(srv), 0, "%s", msg);
}

/* Over HiSLIP the status byte is read while waiting: the refusal comes long before a 60 s timeout (the
 * test's own limit of 30 s would stop it otherwise). */
Test(scpi_refusal, hislip_reports_at_once, .timeout = 30)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst *inst;
	lc_diag d;
	lc_sim_testinst_opts_init(&o);
	o.socket_port = -1;
	o.vxi11_port = -1;
	o.hislip_port = 0;
	cr_assert_eq(lc_sim_testinst_start(&o, &inst, &d), 0, "%s", d.text);
	char res[80];
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::hislip0,%d::INSTR",
		 lc_sim_endpoint_port(lc_sim_testinst_hislip(inst)));
	lc_scpi *s = open_res(res, 60000);
	char buf[64];
	cr_expect_eq(lc_scpi_query(s, ":UENT:ID 1;:SYST:MOD? 1", buf, sizeof(buf)), LC_ERR_INSTRUMENT);
	cr_expect(strstr(lc_scpi_last_detail(s), "the instrument refused ':UENT:ID 1;:SYST:MOD? 1' (-113 ") != NULL, "%s",
		  lc_scpi_last_detail(s));
	cr_expect_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, LC_SIM_TESTINST_IDN);
	lc_scpi_close(s);
	lc_sim_testinst_stop(inst);
}

/* Over a raw socket the status byte cannot be asked while a reply may still come, so the session sends the
 * *IDN? it already saw answered as a marker (the script expects it: the old session sent nothing and waited
 * out its timeout): the marker's answer arriving first means the query got none, and the queue says why. */
static void refused_through_the_marker(lb_server *(*start)(const lb_step *))
{
	lb_step st[] = {LB_EXPECT_LINE("*IDN?"), LB_REPLY("A,B,C,D\n"), LB_EXPECT_LINE(":UENT:ID 1;:SYST:MOD? 1"),
			LB_EXPECT_LINE("*IDN?"), LB_REPLY("A,B,C,D\n"), LB_EXPECT_LINE("*STB?"), LB_REPLY("4\n"),
			LB_EXPECT_LINE("SYST:ERR?"), LB_REPLY("-113,\"Undefined header\"\n"), LB_EXPECT_LINE("*STB?"),
			LB_REPLY("0\n"), LB_EXPECT_LINE("X?"), LB_REPLY("3\n"), LB_DONE};
	lb_server *srv = start(st);
	lc_scpi *s = open_res(lb_resource(srv), 4000);
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 7, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(lc_scpi_query(s, ":UENT:ID 1;:SYST:MOD? 1", buf, sizeof(buf)), LC_ERR_INSTRUMENT);
	cr_expect_str_eq(lc_scpi_last_detail(s), "the instrument refused ':UENT:ID 1;:SYST:MOD? 1' (-113 Undefined header)");
	cr_expect_eq(lc_scpi_query(s, "X?", buf, sizeof(buf)), 1, "still in step: %s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", lb_failure(srv));
	cr_expect_eq(lb_stop(srv), 0, "%s", msg);
}

/* A slow but valid reply is never a refusal: the peer answers MEAS? only after the marker came (an
 * instrument slower than the grace), then the marker; the reply is the query's, the marker's answer is
 * dropped, and the next query reads its own reply. */
static void slow_reply_before_the_markers_answer(lb_server *(*start)(const lb_step *))
{
	lb_step st[] = {LB_EXPECT_LINE("*IDN?"), LB_REPLY("A,B,C,D\n"), LB_EXPECT_LINE("MEAS?"), LB_EXPECT_LINE("*IDN?"),
			LB_REPLY("+4.2E+1\n"), LB_REPLY("A,B,C,D\n"), LB_EXPECT_LINE("X?"), LB_REPLY("3\n"), LB_DONE};
	lb_server *srv = start(st);
	lc_scpi *s = open_res(lb_resource(srv), 4000);
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 7, "%s", lc_scpi_last_detail(s));
	double v = 0;
	cr_expect_eq(lc_scpi_query_double(s, "MEAS?", &v), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_float_eq(v, 42.0, 1e-12);
	cr_expect_eq(lc_scpi_query(s, "X?", buf, sizeof(buf)), 1, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, "3");
	lc_scpi_close(s);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", lb_failure(srv));
	cr_expect_eq(lb_stop(srv), 0, "%s", msg);
}

/* The marker answered first and an empty queue: no reply is coming, said at once (not a 60 s wait). */
static void no_reply_and_an_empty_queue(lb_server *(*start)(const lb_step *))
{
	lb_step st[] = {LB_EXPECT_LINE("*IDN?"), LB_REPLY("A,B,C,D\r\n"), LB_EXPECT_LINE("Q?"), LB_EXPECT_LINE("*IDN?"),
			LB_REPLY("A,B,C,D\r\n"), LB_EXPECT_LINE("*STB?"), LB_REPLY("0\n"), LB_DONE};
	lb_server *srv = start(st);
	lc_scpi *s = open_res(lb_resource(srv), 4000);
	char buf[64];
	cr_assert_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(lc_scpi_query(s, "Q?", buf, sizeof(buf)), LC_ERR_TIMEOUT);
	cr_expect(strstr(lc_scpi_last_detail(s), "no reply to 'Q?' (the instrument answered the *IDN? sent after it; "
						 "its error queue is empty)") != NULL, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
	char msg[256];
	snprintf(msg, sizeof(msg), "%s", lb_failure(srv));
	cr_expect_eq(lb_stop(srv), 0, "%s", msg);
}

/* The marker on both byte streams: a raw socket and a serial line (a pty; issue 20). Each script expects the
 * marker *IDN? (an old session would send nothing and wait out its 4 s timeout, failing the script), and the
 * test's 30 s limit would stop a wait of the full timeout many times over. */
Test(scpi_refusal, raw_socket_reports_at_once_through_the_marker, .timeout = 30)
{
	refused_through_the_marker(lb_start);
}

Test(scpi_refusal, serial_reports_at_once_through_the_marker, .timeout = 30)
{
	refused_through_the_marker(lb_start_pty);
}

Test(scpi_refusal, a_slow_reply_before_the_markers_answer_is_the_reply, .timeout = 30)
{
	slow_reply_before_the_markers_answer(lb_start);
}

Test(scpi_refusal, serial_a_slow_reply_before_the_markers_answer_is_the_reply, .timeout = 30)
{
	slow_reply_before_the_markers_answer(lb_start_pty);
}

Test(scpi_refusal, no_reply_and_an_empty_queue_is_said_at_once, .timeout = 30)
{
	no_reply_and_an_empty_queue(lb_start);
}

Test(scpi_refusal, serial_no_reply_and_an_empty_queue_is_said_at_once, .timeout = 30)
{
	no_reply_and_an_empty_queue(lb_start_pty);
}
