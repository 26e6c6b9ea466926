/* A query the instrument refuses gets no reply: the session says what it refused (hal/scpi_refusal.c),
 * at once over HiSLIP (the status byte while waiting), after the timeout on a raw socket (the error queue),
 * and only when no byte of the reply came. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "hal/scpi.h"
#include "hal/scpi_priv.h"
#include "hal/transport_hislip.h"
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
	cr_expect_str_eq(lc_scpi_last_detail(s), "the instrument's error queue holds -113 Undefined header while "
						 "':UENT:ID 1;:SYST:MOD? 1' waited: it or a command before it was refused");
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

/* HiSLIP asks for the status byte right before each watched query (an AsyncStatusQuery sent ahead of the
 * query's DataEnd, its answer read only when the watch needs it): EAV counts only when it was clear then.
 * The simulated HiSLIP server answers such a query with the status as it was before the next message. */
static lc_sim_testinst *hs_inst;

static lc_scpi *open_hislip(int timeout_ms)
{
	lc_sim_testinst_opts o;
	lc_diag d;
	lc_sim_testinst_opts_init(&o);
	o.socket_port = -1;
	o.vxi11_port = -1;
	o.hislip_port = 0;
	cr_assert_eq(lc_sim_testinst_start(&o, &hs_inst, &d), 0, "%s", d.text);
	char res[80];
	snprintf(res, sizeof(res), "TCPIP::127.0.0.1::hislip0,%d::INSTR",
		 lc_sim_endpoint_port(lc_sim_testinst_hislip(hs_inst)));
	return open_res(res, timeout_ms);
}

/* The session still in step after the case: the status byte, then a query reads its own reply. */
static void close_hislip(lc_scpi *s)
{
	char buf[64];
	uint8_t stb = 0xff;
	cr_expect_eq(lc_scpi_read_stb(s, &stb), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(stb & 0x04, lc_sim_error_count(lc_sim_testinst_engine(hs_inst)) ? 0x04 : 0);
	cr_expect_eq(lc_scpi_query(s, "TEST:ECHO? 'after'", buf, sizeof(buf)), 7, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, "\"after\"");
	lc_scpi_close(s);
	lc_sim_testinst_stop(hs_inst);
}

/* A command the instrument refused left -113 queued; the next query is valid but slow (0.4 s, well past the
 * watch's first status read at 50 ms): its reply is read whole, and the error stays queued for whoever
 * asks. Without the status asked ahead the watch saw EAV without MAV, took the old error for this query's
 * refusal ("the instrument refused 'TEST:DEL? 0.4'") and the reply was lost. */
Test(scpi_refusal, hislip_an_earlier_error_does_not_cut_a_slow_reply, .timeout = 30)
{
	lc_scpi *s = open_hislip(5000);
	char buf[64];
	cr_assert_eq(lc_scpi_write(s, "BOGUS:HEADER 1"), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(lc_scpi_query(s, "TEST:DEL? 0.4", buf, sizeof(buf)), 1, "%s", lc_scpi_last_detail(s));
	cr_expect_str_eq(buf, "1");
	cr_expect_eq(lc_sim_error_count(lc_sim_testinst_engine(hs_inst)), 1, "the -113 is still queued, unread");
	close_hislip(s);
}

/* With the queue read empty first, a refused query is still told at once and as the query's own refusal
 * (the status asked ahead had EAV clear): well before its 60 s timeout, which the test's 30 s limit would
 * stop. Without a status asked ahead the session cannot tell and does not watch, so it would wait. */
Test(scpi_refusal, hislip_a_refused_query_is_told_at_once, .timeout = 30)
{
	lc_scpi *s = open_hislip(60000);
	char buf[64];
	cr_assert_eq(lc_scpi_write(s, "BOGUS:HEADER 1"), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_gt(lc_scpi_query(s, "SYST:ERR?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_expect(strncmp(buf, "-113,", 5) == 0, "%s", buf);
	cr_expect_eq(lc_scpi_query(s, ":UENT:ID 1;:SYST:MOD? 1", buf, sizeof(buf)), LC_ERR_INSTRUMENT);
	const char *want = "the instrument refused ':UENT:ID 1;:SYST:MOD? 1' (-113 ";
	cr_expect(strncmp(lc_scpi_last_detail(s), want, strlen(want)) == 0, "%s", lc_scpi_last_detail(s));
	close_hislip(s);
}

/* An error an earlier command left queued, then a query the instrument refuses too: not taken at once for the
 * query's refusal (it could be a slow valid one), but after its timeout the queue is read and the sentence
 * says no more than is known. Without the status asked ahead it said at once "the instrument refused
 * ':UENT:ID 1;:SYST:MOD? 1' (-113 ...)", naming the query for the error of the command before it. */
Test(scpi_refusal, hislip_an_earlier_error_is_not_the_querys_refusal, .timeout = 30)
{
	lc_scpi *s = open_hislip(500);
	char buf[64];
	cr_assert_eq(lc_scpi_write(s, "BOGUS:HEADER 1"), 0, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(lc_scpi_query(s, ":UENT:ID 1;:SYST:MOD? 1", buf, sizeof(buf)), LC_ERR_INSTRUMENT);
	/* the simulator's error text names the header it did not know */
	cr_expect_str_eq(lc_scpi_last_detail(s), "the instrument's error queue holds -113 Undefined header;BOGUS:HEADER "
						 "while ':UENT:ID 1;:SYST:MOD? 1' waited: it or a command before it was "
						 "refused (and more errors in its queue)");
	close_hislip(s);
}

/* The status is asked ahead only while the queue may hold an unknown error: after one answer with EAV
 * clear, a run of answered queries asks nothing more (what keeps lanecert-bench hal's HiSLIP row where it
 * was); a command makes the next query ask again. The first answer is read when a later query is
 * prepared, without waiting, so a few queries may ask before it is there: fewer than one per query. */
Test(scpi_refusal, hislip_answered_queries_ask_no_status_ahead, .timeout = 30)
{
	lc_scpi *s = open_hislip(5000);
	char buf[128];
	lc_hislip_session si;
	for (int i = 0; i < 20; i++)
		cr_assert_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(lc_hislip_session_info(s->t, &si), 0);
	uint64_t asked = si.status_asked;
	cr_expect(asked >= 1 && asked <= 10, "%llu status queries asked ahead of 20 queries", (unsigned long long)asked);
	for (int i = 0; i < 20; i++)
		cr_assert_gt(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	lc_hislip_session_info(s->t, &si);
	cr_expect_eq(si.status_asked, asked, "nothing asked once the queue is known empty");
	cr_assert_eq(lc_scpi_write(s, "SOUR:VAL 2"), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_gt(lc_scpi_query(s, "SOUR:VAL?", buf, sizeof(buf)), 0, "%s", lc_scpi_last_detail(s));
	lc_hislip_session_info(s->t, &si);
	cr_expect_eq(si.status_asked, asked + 1, "a command makes the next query ask");
	close_hislip(s);
}

/* No reply and an empty queue: the query waits out its timeout and says only that (the status asked ahead
 * and the watch's own reads keep the asynchronous channel in step: close_hislip reads the status byte). */
Test(scpi_refusal, hislip_no_reply_and_an_empty_queue_waits_the_timeout, .timeout = 30)
{
	lc_scpi *s = open_hislip(500);
	char buf[64];
	cr_expect_eq(lc_scpi_query(s, "SOUR:VAL 1", buf, sizeof(buf)), LC_ERR_TIMEOUT);
	cr_expect(strstr(lc_scpi_last_detail(s), "refused") == NULL, "%s", lc_scpi_last_detail(s));
	cr_expect_eq(lc_sim_error_count(lc_sim_testinst_engine(hs_inst)), 0);
	close_hislip(s);
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
	cr_expect_str_eq(lc_scpi_last_detail(s), "the instrument's error queue holds -113 Undefined header while "
						 "':UENT:ID 1;:SYST:MOD? 1' waited: it or a command before it was refused");
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
