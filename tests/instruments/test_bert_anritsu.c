/* Anritsu MP1900A driver against a scripted loopback peer: exact command bytes, real reply formats. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "instruments/bert/bert.h"
#include "test_bert_peer.h"

#define IDN {"*IDN?", "ANRITSU,MP1900A,6261234567"}
#define SLOTS {":UENT:ID 1;:SYST:MOD? 1", "MU183020A, 1"}, {":UENT:ID 1;:SYST:MOD? 3", "MU183040B, 1"}
#define LAYOUT "1.1.1>1.3.1,1.1.2>1.3.2"
#define L1 ":UENT:ID 1;:MOD:ID 3;:PORT:ID 1;:"
/* One lane's reading: one program message, seven queries (anritsu_mp1900.c). */
#define READ1                                                                                               \
	L1 "SENS:MEAS:EAL:ELAP?;:CALC:DATA:EAL? \"CURRent:CC:TOTal\";:CALC:DATA:EAL? \"CURRent:EC:TOTal\";"   \
	   ":CALC:DATA:EAL? \"CURRent:ER:TOTal\";:CALC:DATA:EAL? \"CURRent:AINTerval:PSLoss\";"                 \
	   ":CALC:DATA:MON? \"PSLoss\";:SENS:MEAS:EAL:ELAP?"

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
	int rc = lc_instrument_open(res, &o, &inst, d);
	if (rc < 0)
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

Test(bert_anritsu, attach_pattern_rate_outputs)
{
	static const peer_step s[] = {
		IDN, SLOTS, SLOTS,
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 2;:SOUR:PATT:TYPE PRBS", NULL},
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 2;:SOUR:PATT:PRBS:LENG 23", NULL},
		{":UENT:ID 1;:MOD:ID 3;:PORT:ID 2;:SENS:PATT:TYPE PRBS", NULL},
		{":UENT:ID 1;:MOD:ID 3;:PORT:ID 2;:SENS:PATT:PRBS:LENG 23", NULL},
		{":UENT:ID 1;:MOD:ID 3;:PORT:ID 2;:SENS:PATT:LOG NEG", NULL},
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 1;:OUTP:DATA:BITR 25.78125", NULL},
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 2;:OUTP:DATA:BITR 25.78125", NULL},
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 1;:SOUR:OUTP:ASET ON", NULL},
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 1;:SOUR:OUTP:ASET OFF", NULL},
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 1;:SOUR:OUTP:ASET OFF", NULL},
		{L1 "SENS:MEAS:EAL:MODE UNT", NULL},
		{L1 "SENS:MEAS:STAR", NULL},
		{":UENT:ID 1;:MOD:ID 3;:PORT:ID 2;:SENS:MEAS:EAL:MODE UNT", NULL},
		{":UENT:ID 1;:MOD:ID 3;:PORT:ID 2;:SENS:MEAS:STAR", NULL},
		{L1 "SENS:MEAS:STOP", NULL},
		{":UENT:ID 1;:MOD:ID 3;:PORT:ID 2;:SENS:MEAS:STOP", NULL},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	cr_expect_str_eq(lc_instrument_driver_name(inst), "anritsu_mp1900");
	lc_bert_caps c;
	cr_assert_eq(lc_bert_caps_get(inst, &c, &d), 0);
	cr_expect_eq(c.lanes, 2);
	cr_expect(c.per_lane_pattern && !c.per_lane_output && c.ed_invert && !c.ppg_invert && !c.pam4);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_BOTH, 2, LC_BERT_PRBS23, true, &d), LC_ERR_UNSUPPORTED);
	cr_expect(strstr(d.text, "PPG polarity") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_PPG, 2, LC_BERT_PRBS23, false, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_ED, 2, LC_BERT_PRBS23, true, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_BOTH, 0, LC_BERT_PRBS31Q, false, &d), LC_ERR_UNSUPPORTED);
	cr_expect(strstr(d.text, "UNCONFIRMED") != NULL, "%s", d.text);
	cr_expect_eq(lc_bert_set_pattern(inst, LC_BERT_BOTH, 3, LC_BERT_PRBS31, false, &d), LC_ERR_ARG);
	cr_expect_eq(lc_bert_set_bit_rate(inst, 25.78125e9, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_bit_rate(inst, -1, &d), LC_ERR_ARG);
	cr_expect_eq(lc_bert_set_output(inst, 0, true, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_output(inst, 1, false, &d), LC_ERR_UNSUPPORTED);
	cr_expect_eq(lc_bert_set_output(inst, 0, false, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_set_output(inst, 0, false, &d), 0, "idempotent: %s", d.text);
	cr_expect_eq(lc_bert_start(inst, &d), 0, "%s", d.text);
	cr_expect_eq(lc_bert_stop(inst, &d), 0, "%s", d.text);
	finish(&p, inst);
}

Test(bert_anritsu, read_counters_real_formats)
{
	static const peer_step s[] = {
		IDN, SLOTS, SLOTS,
		/* lane 1: a result */
		{READ1, "0,0,1,56;\"2997000000000\";\"3\";\"1.0010E-12\";\"0\";Not Occur;0,0,1,56"},
		/* lane 1 again: before the first gate */
		{READ1, "0,0,0,0;\"-------\";\"-------\";\"-------\";\"-------\";Occur;0,0,0,0"},
		/* an update inside the message: read again; overflowed counter, sync loss seen */
		{READ1, "1,2,3,3;\"1000\";\"1\";\"1.0E-03\";\"2\";Not Occur;1,2,3,4"},
		{READ1, "1,2,3,4;\"99999999999999999999999\";\"1.5E+03\";\"1.0E-16\";\"2\";Not Occur;1,2,3,4"},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	unsigned lane = 1;
	lc_bert_reading r;
	cr_assert_eq(lc_bert_read(inst, &lane, 1, &r, &d), 1, "%s", d.text);
	cr_expect(r.has_result && r.sync && !r.sync_loss_seen && !r.overflow);
	cr_expect_eq(r.bits, 2997000000000ULL);
	cr_expect_eq(r.errors, 3);
	cr_expect_float_eq(r.ber, 1.001e-12, 1e-20);
	cr_expect_float_eq(r.elapsed_s, 116.0, 1e-9);
	cr_assert_eq(lc_bert_read(inst, &lane, 1, &r, &d), 1, "%s", d.text);
	cr_expect(!r.has_result && !r.sync && !r.sync_loss_seen);
	cr_expect(isnan(r.ber));
	cr_assert_eq(lc_bert_read(inst, &lane, 1, &r, &d), 1, "%s", d.text);
	cr_expect(r.overflow && r.sync_loss_seen);
	cr_expect_eq(r.errors, 1500);
	cr_expect_float_eq(r.elapsed_s, ((1 * 24 + 2) * 60 + 3) * 60 + 4, 1e-9);
	finish(&p, inst);
}

/* Counters that keep moving across five reads in a row are an error, not a mixed reading. */
Test(bert_anritsu, counters_moving_during_read)
{
#define MOVING(t0, t1) {READ1, t0 ";\"1000\";\"0\";\"0.0000E+00\";\"0\";Not Occur;" t1}
	static const peer_step s[] = {
		IDN, SLOTS, SLOTS, MOVING("0,0,0,1", "0,0,0,2"), MOVING("0,0,0,2", "0,0,0,3"), MOVING("0,0,0,3", "0,0,0,4"),
		MOVING("0,0,0,4", "0,0,0,5"), MOVING("0,0,0,5", "0,0,0,6"),
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	unsigned lane = 1;
	lc_bert_reading r;
	cr_expect_eq(lc_bert_read(inst, &lane, 1, &r, &d), LC_ERR_PROTOCOL);
	cr_expect(strstr(d.text, "counters changed during 5 reads") != NULL, "%s", d.text);
	finish(&p, inst);
}

Test(bert_anritsu, bad_replies)
{
	static const peer_step s[] = {
		IDN, SLOTS, SLOTS,
		{READ1, "0,0,0,5;\"12x\";\"0\";\"0.0000E+00\";\"0\";Not Occur;0,0,0,5"},
		{READ1, "0,0,0,5;\"100\";\"0\";\"0.0000E+00\";\"0\";Maybe;0,0,0,5"},
		{READ1, "0,0,0,5;\"-5\";\"0\";\"0.0000E+00\";\"0\";Not Occur;0,0,0,5"},
		{READ1, "0,0,0,5;\"100\";\"0\";\"0.0000E+00\";\"0\";Not Occur;0,0,61"},
		/* fewer answers than queries: a short read, never a partial reading */
		{READ1, "0,0,0,5;\"100\";\"0\";\"0.0000E+00\";\"0\""},
		/* more answers than queries */
		{READ1, "0,0,0,5;\"100\";\"0\";\"0.0000E+00\";\"0\";Not Occur;0,0,0,5;0"},
		/* a ';' inside a quoted answer does not split it: the count is then not a number */
		{READ1, "0,0,0,5;\"1;2\";\"0\";\"0.0000E+00\";\"0\";Not Occur;0,0,0,5"},
		/* what strtod or %lf would read as numbers from a garbled reply: never a number here */
		{READ1, "nan,0,0,5;\"100\";\"0\";\"0.0000E+00\";\"0\";Not Occur;nan,0,0,5"},
		{READ1, "0,0,0,5;\"100\";\"0\";\"inf\";\"0\";Not Occur;0,0,0,5"},
		{READ1, "0,0,0,5;\"0x10\";\"0\";\"0.0000E+00\";\"0\";Not Occur;0,0,0,5"},
		{READ1, "0,0,0,5;\"100\";\"0\";\"1.0000000000000000000000000000000000000000000000000000000000000000E-12\";"
			"\"0\";Not Occur;0,0,0,5"},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	unsigned lane = 1;
	lc_bert_reading r;
	static const struct {
		int rc;
		const char *says;
	} want[] = {
		{LC_ERR_PROTOCOL, "lane 1: Anritsu CURRent:CC:TOTal: '\"12x\"' is not a counter value"},
		{LC_ERR_PROTOCOL, "unknown answer 'Maybe'"},
		{LC_ERR_PROTOCOL, "'\"-5\"' is not a counter value"},
		{LC_ERR_PROTOCOL, "is not d,h,m,s"},
		{LC_ERR_TRUNCATED, "5 answers to the 7 queries"},
		{LC_ERR_PROTOCOL, "more than 7 answers to the 7 queries"},
		{LC_ERR_PROTOCOL, "'\"1;2\"' is not a counter value"},
		{LC_ERR_PROTOCOL, "'nan,0,0,5' is not d,h,m,s"},
		{LC_ERR_PROTOCOL, "'\"inf\"' is not a BER value"},
		{LC_ERR_PROTOCOL, "'\"0x10\"' is not a counter value"},
		/* 70 characters: cut to 63 it read 1.0, a BER of one */
		{LC_ERR_PROTOCOL, "is not a BER value"},
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		cr_expect_eq(lc_bert_read(inst, &lane, 1, &r, &d), want[i].rc, "reply %zu: %s", i + 1, d.text);
		cr_expect(strstr(d.text, want[i].says) != NULL, "reply %zu: %s", i + 1, d.text);
	}
	finish(&p, inst);
}

Test(bert_anritsu, error_queue_entry_is_an_error)
{
	static const peer_step s[] = {
		IDN, SLOTS, SLOTS,
		{":UENT:ID 1;:MOD:ID 1;:PORT:ID 1;:OUTP:DATA:BITR 200", NULL},
		{"*STB?", "4"},
		{"SYST:ERR?", "-222,\"Data out of range\""},
		{"*STB?", "0"},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_assert_not_null(inst, "%s", d.text);
	cr_expect_eq(lc_bert_set_bit_rate(inst, 200e9, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "-222") != NULL && strstr(d.text, "Data out of range") != NULL, "%s", d.text);
	finish(&p, inst);
}

Test(bert_anritsu, empty_slot_and_bad_layout)
{
	static const peer_step s[] = {
		IDN,
		{":UENT:ID 1;:SYST:MOD? 1", "NONE"},
	};
	bert_peer p;
	lc_diag d;
	lc_instrument *inst = open_peer(&p, PEER_STEPS(s), LAYOUT, &d);
	cr_expect_null(inst);
	cr_expect_eq(d.code, LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "slot 1 is empty") != NULL, "%s", d.text);
	finish(&p, NULL);

	static const peer_step s2[] = {IDN};
	inst = open_peer(&p, PEER_STEPS(s2), "1.1>1.3.1", &d);
	cr_expect_null(inst);
	cr_expect(strstr(d.text, "is not unit.slot.port") != NULL, "%s", d.text);
	finish(&p, NULL);

	/* no layout: attaches for `lanecert probe`, lane operations say why they cannot run */
	inst = open_peer(&p, PEER_STEPS(s2), NULL, &d);
	cr_assert_not_null(inst, "%s", d.text);
	cr_expect_eq(lc_bert_start(inst, &d), LC_ERR_STATE);
	cr_expect(strstr(d.text, "no lane layout") != NULL, "%s", d.text);
	finish(&p, inst);
}
