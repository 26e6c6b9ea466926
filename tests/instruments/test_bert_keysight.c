/* Keysight M8040A driver against a scripted loopback peer: exact command bytes, real reply formats. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "instruments/bert/bert.h"
#include "test_bert_peer.h"

#define IDN {"*IDN?", "Keysight Technologies,M8040A,DE56A00123,6.5.202.3"}
#define LAYOUT "M1.DataOut1>M1.DataIn1,M1.DataOut2>M2.DataIn1,group=Lanes"
#define RUN {":STAT:INST:RUN? 'M1.DataIn1'", "1"}, {":STAT:INST:RUN? 'M2.DataIn1'", "1"}

static lc_instrument *open_peer(bert_peer *p, const peer_step *s, size_t n, const char *layout, lc_diag *d)
{
	peer_start(p, s, n);
	char res[96];
	peer_resource(p, res, sizeof res);
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.layout = layout;
	o.timeout_ms = 5000; /* must not fire: seconds, for a loaded machine */
	lc_instrument *inst = NULL;
	if (lc_instrument_open(res, &o, &inst, d) < 0)
		return NULL;
	return inst;
}

static void finish(bert_peer *p, lc_instrument *inst)
{
	lc_instrument_close(inst);
	peer_join(p);
	cr_expect_str_eq(p->mismatch, "", "%s\ntranscript:\n%s", p->mismatch, p->transcript);
	cr_expect_eq(p->pos, p->n, "script stopped at step %zu of %zu\ntranscript:\n%s", p->pos, p->n, p->transcript);
}

Test(bert_keysight, pattern_rate_outputs)
{
	static const peer_step s[] = {
		IDN,
		{":DATA:LIN 'M1.DataOut1',PAM4;:DATA:LIN:PAM4:MAPP 'M1.DataOut1',GRAY;:DATA:LIN 'M1.DataOut2',PAM4;"
		 ":DATA:LIN:PAM4:MAPP 'M1.DataOut2',GRAY", NULL},
		{":DATA:SEQ:SET \"Generator\",PRBS,\"2^13-1\"", NULL},
		{":DATA:SEQ:SET \"Analyzer\",PRBS,\"2^13-1\"", NULL},
		{":SOUR:FREQ 'M1.ClkGen',2.65625e+10", NULL},
		{":OUTP:GLOB 'M1.System',ON", NULL},
		{":OUTP:STAT 'M1.DataOut2',1", NULL},
		{":OUTP:STAT 'M1.DataOut1',0", NULL},
		{":OUTP:STAT 'M1.DataOut2',0", NULL},
		{":OUTP:GLOB 'M1.System',OFF", NULL},
		{":DATA:LIN 'M1.DataOut1',NRZ;:DATA:LIN 'M1.DataOut2',NRZ", NULL},
		{":DATA:SEQ:SET \"Generator\",PRBS,\"2^31-1\"", NULL},
		{":SOUR:FREQ 'M1.ClkGen',5.3125e+10", NULL},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	cr_expect_str_eq(lc_instrument_driver_name(inst), "keysight_m8040a");
	lc_bert_caps c;
	cr_assert_eq(lc_bert_caps_get(inst, &c, &d), 0);
	cr_expect(c.lanes == 2 && c.per_lane_output && !c.per_lane_pattern && c.pam4 && c.reads_all_at_once);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_PPG, 1, LC_BERT_PRBS31, false, &d), LC_ERR_UNSUPPORTED);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_PPG, 0, LC_BERT_SSPRQ, false, &d), LC_ERR_UNSUPPORTED);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_ED, 0, LC_BERT_PRBS31, true, &d), LC_ERR_UNSUPPORTED);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_BOTH, 0, LC_BERT_PRBS13Q, false, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_bit_rate(inst, 53.125e9, &d), 0, "%s", d.text); /* PAM4: clock = half */
	cr_expect_eq(lc_bert_set_output(inst, 2, true, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_output(inst, 0, false, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_PPG, 0, LC_BERT_PRBS31, false, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_bit_rate(inst, 53.125e9, &d), 0, "%s", d.text); /* NRZ: clock = bit rate */
	finish(&p, inst);
}

Test(bert_keysight, group_counts_from_baseline)
{
	static const peer_step s[] = {
		IDN, RUN,
		{":FETC:BCO? 'Lanes'", "(1.366014336e9,\"M1.DataIn1\",1.2222e10,1.112345e10,5.1e1,7.2e2),"
				      "(1.366014336e9,\"M2.DataIn1\",1e10,1e10,0,0)"},
		/* 10 s later; the second lane compares noise (not synchronized) */
		{":FETC:BCO? 'Lanes'", "(1.366014346e9,\"M1.DataIn1\",1.2722e10,1.162345e10,5.3e1,7.2e2),"
				      "(1.366014346e9,\"M2.DataIn1\",1.5e10,1.5e10,4e9,1e9)"},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	cr_assert_eq(lc_bert_start(inst, &d), 0, "%s", d.text);
	unsigned lanes[2] = {1, 2};
	lc_bert_reading r[2];
	cr_assert_eq(lc_bert_read(inst, lanes, 2, r, &d), 2, "%s", d.text);
	cr_expect_eq(r[0].bits, 1000000000ULL);
	cr_expect_eq(r[0].errors, 2);
	cr_expect_float_eq(r[0].elapsed_s, 10.0, 1e-6);
	cr_expect(r[0].has_result && r[0].sync && !r[0].overflow);
	cr_expect_eq(r[1].bits, 10000000000ULL);
	cr_expect_eq(r[1].errors, 5000000000ULL);
	cr_expect(!r[1].sync);
	cr_expect_eq(lc_bert_stop(inst, &d), 0);
	finish(&p, inst);
}

Test(bert_keysight, per_input_reads_and_bad_replies)
{
	static const peer_step s[] = {
		IDN,
		{":FETC:BCO? 'M1.DataIn1'", "(1.5e9,\"M1.DataIn1\",100,100,0,0)"},
		{":FETC:BCO? 'M2.DataIn1'", "(1.5e9,\"M2.DataIn1\",100,100,0)"},
		{":FETC:BCO? 'M1.DataIn1'", "(1.5e9,\"M9.DataIn1\",100,100,0,0)"},
		{":FETC:BCO? 'M1.DataIn1'", "(1.5e9,\"M1.DataIn1,100,100,0,0)"},
		{":FETC:BCO? 'M1.DataIn1'", "(1.5e9,\"M1.DataIn1\",100,-100,0,0)"},
		{":FETC:BCO? 'M1.DataIn1'", "(1.5e9,\"M1.DataIn1\",1e19,1e19,0,0)"},
		{":STAT:INST:RUN? 'M1.DataIn1'", "0"},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), "M1.DataOut1>M1.DataIn1,M1.DataOut2>M2.DataIn1", &d);
	cr_assert_not_null(inst, "%s", d.text);
	unsigned lanes[2] = {1, 2};
	lc_bert_reading r[2];
	cr_expect_eq(lc_bert_read(inst, lanes, 2, r, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "tuple of \"M2.DataIn1\" has no valid count 4") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_read(inst, lanes, 1, r, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "no counts for \"M1.DataIn1\"") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_read(inst, lanes, 1, r, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "unterminated string") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_read(inst, lanes, 1, r, &d), LC_ERR_PROTOCOL);
	cr_expect_eq(lc_bert_read(inst, lanes, 1, r, &d), 1, "%s", d.text);
	cr_expect(r[0].overflow);
	cr_expect_eq(lc_bert_start(inst, &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "M1.DataIn1 is not running") != NULL, "%s", d.text);
	finish(&p, inst);
}

Test(bert_keysight, counters_reset_below_baseline)
{
	static const peer_step s[] = {
		IDN, RUN,
		{":FETC:BCO? 'Lanes'", "(100,\"M1.DataIn1\",1e10,1e10,0,0),(100,\"M2.DataIn1\",1e10,1e10,0,0)"},
		{":FETC:BCO? 'Lanes'", "(101,\"M1.DataIn1\",1e3,1e3,0,0),(99,\"M2.DataIn1\",2e10,2e10,0,0)"},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	cr_assert_eq(lc_bert_start(inst, &d), 0, "%s", d.text);
	unsigned lanes[2] = {1, 2};
	lc_bert_reading r[2];
	cr_assert_eq(lc_bert_read(inst, lanes, 2, r, &d), 2, "%s", d.text);
	cr_expect(r[0].overflow, "counts below the baseline");
	cr_expect(r[1].overflow, "time stamp before the baseline");
	finish(&p, inst);
}

/* Issue 20: the counters' query (lc_scpi_query_alloc) once had neither the refusal watch nor the error-queue
 * check after a timeout, so a refused :FETC:BCO? cost the whole timeout and said only "timeout". Now the
 * session sends its marker *IDN? after the grace, sees it answered first, and reads the queue: the refusal is
 * named with the instrument's -113 (the script shows the order: the query, the marker, then the queue). */
Test(bert_keysight, a_refused_counter_query_names_the_instruments_error)
{
	static const peer_step s[] = {
		IDN,
		{":FETC:BCO? 'M1.DataIn1'", NULL},
		IDN,
		{"*STB?", "4"},
		{"SYST:ERR?", "-113,\"Undefined header\""},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), "M1.DataOut1>M1.DataIn1", &d);
	cr_assert_not_null(inst, "%s", d.text);
	unsigned lane = 1;
	lc_bert_reading r;
	cr_expect_eq(lc_bert_read(inst, &lane, 1, &r, &d), LC_ERR_INSTRUMENT, "%s", d.text);
	cr_expect(strstr(d.text, "the instrument's error queue holds -113 Undefined header while ':FETC:BCO? "
			      "'M1.DataIn1'' waited: it or a command before it was refused"), "%s",
		  d.text);
	finish(&p, inst);
}
