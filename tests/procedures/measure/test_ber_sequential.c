/* The sequential BER step's decision logic, fed with readings by hand (no instrument). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "instruments/bert/ber_math.h"
#include "procedures/measure/ber_sequential.h"

static lc_bert_reading rd(uint64_t bits, uint64_t errors)
{
	return (lc_bert_reading){.has_result = true, .sync = true, .bits = bits, .errors = errors, .ber = NAN,
				 .elapsed_s = NAN};
}

static lc_ber_seq_config cfg_nrz(void)
{
	lc_ber_seq_config c;
	lc_ber_seq_config_init(&c);
	c.target = 1e-12;
	c.cl = 0.95;
	c.max_time_s = 200;
	c.gate_s = 1;
	c.bit_rate = 25e9;
	return c;
}

/* A clean lane passes at the first gate whose bits reach -ln(1-CL)/target. */
Test(ber_sequential, clean_lane_passes_at_minimum_bits)
{
	lc_ber_seq_config c = cfg_nrz();
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	double need;
	cr_assert_eq(lc_ber_bits_needed(c.target, c.cl, 0, &need, NULL), 0);
	int t, rc = 0;
	for (t = 1; t <= 200 && rc == 0; t++) {
		lc_bert_reading r = rd((uint64_t)(25e9 * t), 0);
		rc = lc_ber_seq_update(&c, &l, &r, t, NULL);
	}
	cr_assert_eq(rc, 1);
	cr_expect_eq(l.verdict, LC_VERDICT_PASS);
	cr_expect_eq(l.reason, LC_BER_REASON_PROVEN_BELOW);
	cr_expect_float_eq(l.decision_s, 120.0, 1e-9); /* 2.996e12 bits / 25e9 = 119.8 s -> gate 120 */
	cr_expect_geq((double)l.bits, need);
	cr_expect_lt((double)l.bits - 25e9, need);
	cr_expect_lt(l.upper, 1e-12);
	cr_expect_float_eq(l.lower, 0.0, 1e-30);
	cr_expect_float_eq(l.estimate, 0.0, 1e-30);
	cr_expect(strstr(l.detail, "BER < 1e-12") != NULL, "%s", l.detail);
	/* a decided lane keeps its verdict */
	lc_bert_reading late = rd(1, 1);
	late.sync = false;
	cr_expect_eq(lc_ber_seq_update(&c, &l, &late, 300, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_PASS);
}

/* Pre-FEC target with a bad lane: fails at the first gate, bounds bracket the estimate. */
Test(ber_sequential, high_ber_lane_fails_early)
{
	lc_ber_seq_config c = cfg_nrz();
	c.target = 2.4e-4;
	c.bit_rate = 53.125e9;
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading r = rd(53125000000ULL, 53125000ULL); /* BER 1e-3 */
	cr_assert_eq(lc_ber_seq_update(&c, &l, &r, 1.0, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_FAIL);
	cr_expect_eq(l.reason, LC_BER_REASON_PROVEN_ABOVE);
	cr_expect_float_eq(l.decision_s, 1.0, 1e-12);
	cr_expect_float_eq(l.estimate, 1e-3, 1e-12);
	cr_expect_gt(l.lower, 2.4e-4);
	cr_expect_lt(l.lower, 1e-3);
	cr_expect_gt(l.upper, 1e-3);
}

/* A lane right at the target never crosses: inconclusive at the maximum time. */
Test(ber_sequential, marginal_lane_inconclusive_at_max_time)
{
	lc_ber_seq_config c = cfg_nrz();
	c.target = 1e-9;
	c.max_time_s = 10;
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	int rc = 0, t;
	for (t = 1; t <= 10 && rc == 0; t++) {
		lc_bert_reading r = rd((uint64_t)(25e9 * t), (uint64_t)(25 * t)); /* estimate = target */
		rc = lc_ber_seq_update(&c, &l, &r, t, NULL);
	}
	cr_assert_eq(rc, 1);
	cr_expect_eq(t - 1, 10);
	cr_expect_eq(l.verdict, LC_VERDICT_INCONCLUSIVE);
	cr_expect_eq(l.reason, LC_BER_REASON_MAX_TIME);
	cr_expect_lt(l.lower, 1e-9);
	cr_expect_gt(l.upper, 1e-9);
}

Test(ber_sequential, sync_lost_is_never_pass)
{
	lc_ber_seq_config c = cfg_nrz();
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading r = rd(25000000000ULL, 0);
	cr_assert_eq(lc_ber_seq_update(&c, &l, &r, 1, NULL), 0);
	r = rd(50000000000ULL, 0);
	r.sync = false;
	cr_assert_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_INCONCLUSIVE);
	cr_expect_eq(l.reason, LC_BER_REASON_SYNC_LOST);
	cr_expect(strstr(l.detail, "sync lost") != NULL);

	/* the instrument recorded a loss in between although sync is back: still lost */
	lc_ber_lane_init(&l);
	r = rd(4e12, 0);
	r.sync_loss_seen = true;
	cr_assert_eq(lc_ber_seq_update(&c, &l, &r, 160, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_INCONCLUSIVE);
	cr_expect_eq(l.reason, LC_BER_REASON_SYNC_LOST);
}

Test(ber_sequential, never_synchronized_is_inconclusive)
{
	lc_ber_seq_config c = cfg_nrz();
	c.sync_timeout_s = 5;
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading r = {.has_result = false, .sync = false, .ber = NAN, .elapsed_s = NAN};
	int rc = 0, t;
	for (t = 1; t <= 20 && rc == 0; t++)
		rc = lc_ber_seq_update(&c, &l, &r, t, NULL);
	cr_expect_eq(t - 1, 5);
	cr_expect_eq(l.verdict, LC_VERDICT_INCONCLUSIVE);
	cr_expect_eq(l.reason, LC_BER_REASON_NO_SYNC);
	cr_expect(strstr(l.detail, "no pattern sync") != NULL, "%s", l.detail);
}

/* "-------" before the first gate is waited for; forever is inconclusive; after data it is an error. */
Test(ber_sequential, no_result_before_first_gate)
{
	lc_ber_seq_config c = cfg_nrz();
	c.max_time_s = 8;
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading dash = {.has_result = false, .sync = true, .ber = NAN, .elapsed_s = NAN};
	cr_expect_eq(lc_ber_seq_update(&c, &l, &dash, 1, NULL), 0);
	cr_expect_eq(l.verdict, LC_VERDICT_NONE);
	lc_bert_reading r = rd(50000000000ULL, 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &dash, 3, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(l.reason, LC_BER_REASON_RESULT_VANISHED);

	lc_ber_lane_init(&l);
	int rc = 0, t;
	for (t = 1; t <= 20 && rc == 0; t++)
		rc = lc_ber_seq_update(&c, &l, &dash, t, NULL);
	cr_expect_eq(t - 1, 8);
	cr_expect_eq(l.verdict, LC_VERDICT_INCONCLUSIVE);
	cr_expect_eq(l.reason, LC_BER_REASON_NO_RESULT);
}

Test(ber_sequential, counter_wrap_and_overflow_are_errors)
{
	lc_ber_seq_config c = cfg_nrz();
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading r = rd(50000000000ULL, 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 0);
	r = rd(1000, 0); /* 2^32 or 10^n wrap, or a silent restart */
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 3, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(l.reason, LC_BER_REASON_COUNTER_WRAP);
	cr_expect(strstr(l.detail, "backwards") != NULL);

	lc_ber_lane_init(&l);
	c.target = 1e-9; /* 50 errors in 5e10 bits: neither bound crosses 1e-9 */
	r = rd(50000000000ULL, 50);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 0);
	r = rd(75000000000ULL, 49);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 3, NULL), 1);
	cr_expect_eq(l.reason, LC_BER_REASON_COUNTER_WRAP);
	c.target = 1e-12;

	lc_ber_lane_init(&l);
	r = rd(50000000000ULL, 0);
	r.overflow = true;
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(l.reason, LC_BER_REASON_OVERFLOW);

	lc_ber_lane_init(&l);
	r = rd(50000000000ULL, 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 1, NULL), 1); /* time backwards */
	cr_expect_eq(l.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(l.reason, LC_BER_REASON_COUNTER_WRAP);
}

Test(ber_sequential, implausible_counts_are_errors)
{
	lc_ber_seq_config c = cfg_nrz();
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading r = rd(100, 101);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 1, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(l.reason, LC_BER_REASON_IMPLAUSIBLE);
	lc_ber_lane_init(&l);
	r = rd(4e12, 0); /* 4e12 bits after 2 s at 25 Gb/s: not this lane's counter */
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(l.reason, LC_BER_REASON_IMPLAUSIBLE);
	cr_expect(strstr(l.detail, "line rate") != NULL);
}

Test(ber_sequential, stale_channel_is_error)
{
	lc_ber_seq_config c = cfg_nrz();
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading r = rd(25000000000ULL, 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 1, NULL), 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 3, NULL), 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 4, NULL), 1);
	cr_expect_eq(l.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(l.reason, LC_BER_REASON_STALE);
	cr_expect(strstr(l.detail, "stopped updating") != NULL);
	cr_expect(strstr(l.detail, "for 3.0 s") != NULL, "%s", l.detail);
	/* a repeated reading is not stale, and neither are many polls within one instrument update */
	lc_ber_lane_init(&l);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 1, NULL), 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 2, NULL), 0);
	r = rd(75000000000ULL, 0);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 3, NULL), 0);
	cr_expect_float_eq(l.changed_s, 3.0, 1e-12);
	for (int i = 0; i < 20; i++)
		cr_expect_eq(lc_ber_seq_update(&c, &l, &r, 3.5, NULL), 0);
	cr_expect_eq(l.verdict, LC_VERDICT_NONE);
}

Test(ber_sequential, instrument_error_marks_undecided_only)
{
	lc_ber_lane a, b;
	lc_ber_lane_init(&a);
	lc_ber_lane_init(&b);
	b.verdict = LC_VERDICT_PASS;
	lc_ber_seq_set_error(&a, LC_BER_REASON_INSTRUMENT, 5, "-222,\"Data out of range\"");
	lc_ber_seq_set_error(&b, LC_BER_REASON_INSTRUMENT, 5, "x");
	cr_expect_eq(a.verdict, LC_VERDICT_ERROR);
	cr_expect_eq(a.reason, LC_BER_REASON_INSTRUMENT);
	cr_expect_str_eq(a.detail, "-222,\"Data out of range\"");
	cr_expect_float_eq(a.decision_s, 5, 1e-12);
	cr_expect_eq(b.verdict, LC_VERDICT_PASS);
	cr_expect_str_eq(lc_ber_reason_name(LC_BER_REASON_STALE), "channel stopped updating");
}

Test(ber_sequential, bad_config_and_time)
{
	lc_ber_seq_config c = cfg_nrz();
	lc_ber_lane l;
	lc_ber_lane_init(&l);
	lc_bert_reading r = rd(1, 0);
	lc_diag d;
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, NAN, &d), LC_ERR_ARG);
	cr_expect_eq(lc_ber_seq_update(&c, &l, &r, -1, &d), LC_ERR_ARG);
	cr_expect_eq(lc_ber_seq_update(&c, NULL, &r, 1, &d), LC_ERR_ARG);
	lc_ber_seq_config bad = c;
	bad.target = 0;
	cr_expect_eq(lc_ber_seq_config_check(&bad, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "target") != NULL);
	bad = c;
	bad.cl = 1.0;
	cr_expect_eq(lc_ber_seq_config_check(&bad, &d), LC_ERR_ARG);
	bad = c;
	bad.max_time_s = 0;
	cr_expect_eq(lc_ber_seq_config_check(&bad, &d), LC_ERR_ARG);
	bad = c;
	bad.gate_s = NAN;
	cr_expect_eq(lc_ber_seq_config_check(&bad, &d), LC_ERR_ARG);
	bad = c;
	bad.bit_rate = -1;
	cr_expect_eq(lc_ber_seq_config_check(&bad, &d), LC_ERR_ARG);
	cr_expect_eq(lc_ber_seq_config_check(NULL, &d), LC_ERR_ARG);
	cr_expect_eq(lc_ber_seq_config_check(&c, &d), 0);
}
