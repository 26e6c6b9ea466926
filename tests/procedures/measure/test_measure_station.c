/*
 * Measurements over scripted instruments: a 8164B source, a DiCon 1x4 switch and an N7744C meter, each its
 * own loopback peer. Asserts the results, the verdicts, and that the laser is off on every exit path.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/instruments/driver_fixture.h"
#include "fixtures/limits.h"
#include "procedures/measure/optical.h"

static scpi_peer *src_peer, *sw_peer, *pm_peer;
static lc_instrument *src, *sw, *pm;
static lc_optical_path paths[4];
static const char *const labels[] = {"A:1", "A:2", "A:3", "A:4"};

static void setup(void)
{
	src_peer = scpi_peer_start();
	sw_peer = scpi_peer_start();
	pm_peer = scpi_peer_start();
	scpi_peer_rule_common(src_peer);
	scpi_peer_rule_common(pm_peer);
	scpi_peer_rule(src_peer, "*IDN?", "Keysight Technologies,8164B,DE1,V5.25");
	scpi_peer_rule(src_peer, ":SOUR2:POW:UNIT 0", NULL);
	scpi_peer_rule(src_peer, ":SOUR2:CHAN1:POW:STAT *", NULL);
	scpi_peer_rule(sw_peer, "*IDN?", "Dicon Fiberoptics Inc, GP600, 1, 7.0");
	scpi_peer_rule(sw_peer, "SYST:ERR?", "+0, No Error");
	scpi_peer_rule(sw_peer, "SYST:CONF?", "X1");
	scpi_peer_rule(sw_peer, "X1 DIM?", "1,4");
	for (int o = 1; o <= 4; o++) {
		char c[32], r[32];
		snprintf(c, sizeof(c), "X1 CH 1 %d", o);
		scpi_peer_rule(sw_peer, c, NULL);
		snprintf(c, sizeof(c), "X1 CH 1?");
		snprintf(r, sizeof(r), "1,%d", o);
		scpi_peer_rule_once(sw_peer, c, r); /* one read-back per route, in route order */
	}
	scpi_peer_rule(pm_peer, "*IDN?", "Keysight Technologies,N7744C,MY1,V1.0");
	scpi_peer_rule(pm_peer, ":SENS*:POW:UNIT 1", NULL);
	scpi_peer_rule(pm_peer, ":SENS*:POW:ATIM?", "+1.00000000E-002");
	scpi_peer_rule(pm_peer, ":SENS*:POW:WAV 1310NM", NULL);
	/* the driver's required query and its optional features' probes (keysight_n774x.c), all answered */
	scpi_peer_rule(pm_peer, ":SENS1:POW:WAV?", "+1.31000000E-006");
	static const char conf[] = "#216\x01\0\x01\0\x02\0\x01\0\x03\0\x01\0\x04\0\x01\0\n";
	scpi_peer_rule_bytes(pm_peer, ":READ1:POW:ALL:CONF?", conf, sizeof(conf) - 1);
	scpi_peer_rule(pm_peer, ":SENS1:CORR:COLL:ZERO?", "+0");
	src = open_on(src_peer, "2:source@1310/1550");
	sw = open_on(sw_peer, NULL);
	pm = open_on(pm_peer, NULL);
	for (int i = 0; i < 4; i++)
		paths[i] = (lc_optical_path){
			.launch = {.source = src, .source_output = 1, .sw = sw, .sw_input = 1, .sw_output = i + 1,
				   .label = labels[i]},
			.detect = {.meter = pm, .channel = i + 1, .label = labels[i]},
			.label = labels[i],
		};
	scpi_peer_clear_log(src_peer);
}

static void teardown(void)
{
	lc_instrument_close(src);
	lc_instrument_close(sw);
	lc_instrument_close(pm);
	scpi_peer_stop(src_peer);
	scpi_peer_stop(sw_peer);
	scpi_peer_stop(pm_peer);
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && strcmp(s + a - b, tail) == 0;
}

TestSuite(station, .init = setup, .fini = teardown, .timeout = 30);

static void readback_again(void)
{
	for (int o = 1; o <= 4; o++) {
		char r[32];
		snprintf(r, sizeof(r), "1,%d", o);
		scpi_peer_rule_once(sw_peer, "X1 CH 1?", r);
	}
}

static lc_reference take_ref(void)
{
	for (int ch = 1; ch <= 4; ch++) {
		char c[32];
		snprintf(c, sizeof(c), ":READ%d:POW?", ch);
		scpi_peer_rule_once(pm_peer, c, "+5.00000000E-004"); /* -3.0103 dBm through the reference cords */
	}
	lc_il_opts o;
	lc_il_opts_init(&o, 1310);
	o.now_unix = 1000;
	lc_reference ref;
	lc_diag d = {0};
	cr_assert_eq(lc_reference_take(paths, 4, &o, LC_REF_1_JUMPER, "TRC-1,TRC-2", 3600, &ref, &d), 0, "%s", d.text);
	cr_assert_eq(ref.n_paths, 4);
	cr_assert_float_eq(ref.ref_dbm[2], 10 * log10(0.5), 1e-6);
	cr_assert_str_eq(ref.cords, "TRC-1,TRC-2");
	cr_assert_eq(ref.taken_unix, 1000);
	readback_again();
	return ref;
}

Test(station, reference_then_insertion_loss)
{
	lc_reference ref = take_ref();
	cr_assert_str_eq(scpi_peer_log_nostb(src_peer), ":SOUR2:CHAN1:POW:STAT 1|:SOUR2:CHAN1:POW:STAT 0");
	scpi_peer_clear_log(src_peer);
	static const char *const w[] = {"+2.50000000E-004", "+4.00000000E-004", "+1.00000000E-004", "+0.00000000E+000"};
	for (int ch = 1; ch <= 4; ch++) {
		char c[32];
		snprintf(c, sizeof(c), ":READ%d:POW?", ch);
		scpi_peer_rule_once(pm_peer, c, w[ch - 1]);
	}
	lc_limit lim;
	lc_limit_init_max(&lim, "test.il", "channel_il", "dB", 3.5);
	lc_il_opts o;
	lc_il_opts_init(&o, 1310);
	o.now_unix = 2000;
	o.limit = &lim;
	lc_loss r[4];
	lc_diag d = {0};
	cr_assert_eq(lc_il_measure(paths, 4, &ref, &o, r, &d), 0, "%s", d.text);
	cr_assert_float_eq(r[0].loss_db, 10 * log10(2.0), 1e-6);
	cr_assert_eq(r[0].verdict, LC_VERDICT_PASS);
	cr_assert_float_eq(r[0].margin_db, 3.5 - 10 * log10(2.0), 1e-6);
	cr_assert_float_eq(r[1].loss_db, 10 * log10(5.0 / 4.0), 1e-6);
	cr_assert_float_eq(r[2].loss_db, 10 * log10(5.0), 1e-6);
	cr_assert_eq(r[2].verdict, LC_VERDICT_FAIL, "6.99 dB > 3.5 dB");
	cr_assert(r[3].dark);
	cr_assert_eq(r[3].verdict, LC_VERDICT_FAIL, "no light is the cable's fail");
	cr_assert_str_eq(scpi_peer_log_nostb(src_peer), ":SOUR2:CHAN1:POW:STAT 1|:SOUR2:CHAN1:POW:STAT 0");
	cr_assert_str_eq(scpi_peer_log_nostb(sw_peer), "*IDN?|SYST:CONF?|X1 DIM?|X1 CH 1 1|X1 CH 1?|X1 CH 1 2|X1 CH 1?|"
			 "X1 CH 1 3|X1 CH 1?|X1 CH 1 4|X1 CH 1?|X1 CH 1 1|X1 CH 1?|X1 CH 1 2|X1 CH 1?|X1 CH 1 3|X1 CH 1?|"
			 "X1 CH 1 4|X1 CH 1?");
}

Test(station, meter_fault_is_an_error_and_the_laser_goes_off)
{
	lc_reference ref = take_ref();
	scpi_peer_clear_log(src_peer);
	scpi_peer_rule_once(pm_peer, ":READ1:POW?", "+2.50000000E-004");
	/* channel 2 never answers */
	lc_il_opts o;
	lc_il_opts_init(&o, 1310);
	o.now_unix = 2000;
	lc_loss r[4];
	lc_diag d = {0};
	cr_assert_eq(lc_il_measure(paths, 4, &ref, &o, r, &d), LC_ERR_TIMEOUT);
	cr_assert(strstr(d.text, ":READ2:POW?"), "%s", d.text);
	cr_assert_eq(r[0].verdict, LC_VERDICT_NONE, "measured, no limit given");
	for (int i = 1; i < 4; i++)
		cr_assert_eq(r[i].verdict, LC_VERDICT_ERROR, "path %d not measured: error, never fail", i + 1);
	cr_assert_str_eq(scpi_peer_log_nostb(src_peer), ":SOUR2:CHAN1:POW:STAT 1|:SOUR2:CHAN1:POW:STAT 0");
}

Test(station, negative_loss_asks_for_a_new_reference)
{
	lc_reference ref = take_ref();
	for (int ch = 1; ch <= 4; ch++) {
		char c[32];
		snprintf(c, sizeof(c), ":READ%d:POW?", ch);
		scpi_peer_rule_once(pm_peer, c, ch == 3 ? "+6.00000000E-004" : "+4.00000000E-004");
	}
	lc_limit lim;
	lc_limit_init_max(&lim, "test.il", "channel_il", "dB", 3.5);
	lc_il_opts o;
	lc_il_opts_init(&o, 1310);
	o.now_unix = 2000;
	o.limit = &lim;
	lc_loss r[4];
	lc_diag d = {0};
	cr_assert_eq(lc_il_measure(paths, 4, &ref, &o, r, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "re-reference") && strstr(d.text, "A:3"), "%s", d.text);
	cr_assert(r[2].rereference);
	cr_assert_eq(r[2].verdict, LC_VERDICT_ERROR);
	cr_assert_eq(r[0].verdict, LC_VERDICT_PASS);
}

Test(station, expired_or_foreign_reference_is_refused_before_lighting)
{
	lc_reference ref = take_ref();
	scpi_peer_clear_log(src_peer);
	scpi_peer_clear_log(pm_peer);
	lc_il_opts o;
	lc_il_opts_init(&o, 1310);
	o.now_unix = 1000 + 3601;
	lc_loss r[4];
	lc_diag d = {0};
	cr_assert_eq(lc_il_measure(paths, 4, &ref, &o, r, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "expired"), "%s", d.text);
	for (int i = 0; i < 4; i++)
		cr_assert_eq(r[i].verdict, LC_VERDICT_ERROR);
	o.now_unix = 2000;
	o.wavelength_nm = 1550;
	cr_assert_eq(lc_il_measure(paths, 4, &ref, &o, r, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "1310"), "%s", d.text);
	cr_assert_eq(lc_il_measure(paths, 3, &ref, &o, r, &d), LC_ERR_STATE, "other paths");
	cr_assert_str_eq(scpi_peer_log(src_peer), "", "no light for a refused reference");
	cr_assert_str_eq(scpi_peer_log(pm_peer), "");
}

Test(station, reference_without_light_is_refused)
{
	lc_il_opts o;
	lc_il_opts_init(&o, 1310);
	scpi_peer_rule(pm_peer, ":READ*:POW?", "+0.00000000E+000");
	lc_reference ref;
	lc_diag d = {0};
	cr_assert_eq(lc_reference_take(paths, 4, &o, LC_REF_1_JUMPER, "", 3600, &ref, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "no light on A:1"), "%s", d.text);
	cr_assert_str_eq(scpi_peer_log_nostb(src_peer), ":SOUR2:CHAN1:POW:STAT 1|:SOUR2:CHAN1:POW:STAT 0");
	cr_assert_eq(lc_reference_take(paths, 4, &o, (enum lc_ref_method)9, "", 3600, &ref, &d), LC_ERR_ARG);
	cr_assert_eq(lc_reference_take(paths, 4, &o, LC_REF_2_JUMPER, "", 0, &ref, &d), LC_ERR_ARG);
	cr_assert_eq(lc_reference_take(paths, 0, &o, LC_REF_2_JUMPER, "", 10, &ref, &d), LC_ERR_ARG);
}

/* A meter with nothing on its input reads its floor, a finite number (1e-11 W = -80 dBm on an N774x): a
 * reference of it would make every later loss on that path noise against noise, negative as often as not
 * ("the reference has drifted" when it never was one). Refused, whether under the absolute threshold or
 * far under the other paths of the same reference; the laser goes off either way. */
static int take_with(const char *const watts[4], lc_diag *d)
{
	for (int ch = 1; ch <= 4; ch++) {
		char c[32];
		snprintf(c, sizeof(c), ":READ%d:POW?", ch);
		scpi_peer_rule_once(pm_peer, c, watts[ch - 1]);
	}
	readback_again();
	lc_il_opts o;
	lc_il_opts_init(&o, 1310);
	lc_reference ref;
	scpi_peer_clear_log(src_peer);
	return lc_reference_take(paths, 4, &o, LC_REF_1_JUMPER, "", 3600, &ref, d);
}

Test(station, reference_of_a_meter_floor_is_refused)
{
	lc_diag d = {0};
	static const char *const one_floor[4] = {"+5.00000000E-004", "+5.00000000E-004", "+1.00000000E-011",
						 "+5.00000000E-004"};
	cr_assert_eq(take_with(one_floor, &d), LC_ERR_STATE, "%s", d.text);
	cr_assert(strstr(d.text, "reference: no light on A:3 at 1310 nm (-80.0 dBm, 77.0 dB under the brightest path"),
		  "%s", d.text);
	cr_assert_str_eq(scpi_peer_log_nostb(src_peer), ":SOUR2:CHAN1:POW:STAT 1|:SOUR2:CHAN1:POW:STAT 0");
	/* all four at the floor: none is far under the others, every one under the absolute threshold */
	static const char *const all_floor[4] = {"+1.00000000E-011", "+2.00000000E-011", "+1.00000000E-011",
						 "+1.00000000E-011"};
	cr_assert_eq(take_with(all_floor, &d), LC_ERR_STATE, "%s", d.text);
	cr_assert(strstr(d.text, "no light on A:1 at 1310 nm (-80.0 dBm"), "%s", d.text);
	/* a weak but real reference (-45 dBm everywhere) is a reference; one path 25 dB under it is not */
	static const char *const weak[4] = {"+3.16227766E-008", "+3.16227766E-008", "+3.16227766E-008",
					    "+3.16227766E-008"};
	cr_assert_eq(take_with(weak, &d), 0, "%s", d.text);
	static const char *const one_low[4] = {"+3.16227766E-008", "+3.16227766E-008", "+3.16227766E-008",
					       "+1.00000000E-010"};
	cr_assert_eq(take_with(one_low, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "no light on A:4 at 1310 nm (-70.0 dBm, 25.0 dB under"), "%s", d.text);
}

/* A little-endian f32 block of watts, one per channel: lit channel `on` (1-based) at 1e-4 W, others dark. */
static void block_with(int on)
{
	uint8_t b[21] = {'#', '2', '1', '6'};
	for (int i = 0; i < 4; i++) {
		float w = i + 1 == on ? 1e-4f : 1e-12f;
		uint32_t u;
		memcpy(&u, &w, 4);
		for (int k = 0; k < 4; k++)
			b[4 + i * 4 + k] = (uint8_t)(u >> (8 * k));
	}
	b[20] = '\n';
	scpi_peer_rule_bytes_once(pm_peer, ":READ:POW:ALL?", b, sizeof(b));
}

Test(station, map_inferred_and_worded)
{
	/* Fibers 2 and 3 crossed: one all-channels block per launch, in launch order. */
	lc_launch l[4];
	lc_detector det[4];
	for (int i = 0; i < 4; i++) {
		l[i] = paths[i].launch;
		det[i] = paths[i].detect;
	}
	static const int lands[4] = {1, 3, 2, 4};
	for (int i = 0; i < 4; i++)
		block_with(lands[i]);
	double m[16];
	int map[4];
	lc_diag d = {0};
	cr_assert_eq(lc_map_measure(l, 4, det, 4, 1310, -40, m, map, &d), 4, "%s", d.text);
	cr_assert_float_eq(m[1 * 4 + 2], -10.0, 1e-4, "launch 2 lands on detector 3 at 1e-4 W");
	cr_assert_float_eq(m[1 * 4 + 1], -90.0, 1e-3);
	cr_assert_str_eq(scpi_peer_unexpected(pm_peer), "");
	int expected[4] = {0, 1, 2, 3};
	cr_assert_eq(map[1], 2);
	cr_assert_eq(map[2], 1);
	char buf[128];
	static const char *const outs[] = {"B:1", "B:2", "B:3", "B:4"};
	lc_map_labels lab = {.in = labels, .out = outs};
	cr_assert_eq(lc_map_describe(map, expected, 4, 4, &lab, buf, sizeof(buf)), 2);
	cr_assert_str_eq(buf, "A:2 and A:3 swapped");
	cr_assert(ends_with(scpi_peer_log_nostb(src_peer), "|:SOUR2:CHAN1:POW:STAT 0"), "%s",
		  scpi_peer_log_nostb(src_peer));
	cr_assert(strstr(scpi_peer_log_nostb(src_peer), ":SOUR2:CHAN1:POW:STAT 1"));
}

Test(station, rl_per_connector)
{
	scpi_peer *rp = scpi_peer_start();
	scpi_peer_rule_common(rp);
	scpi_peer_rule(rp, "*IDN?", "Keysight Technologies,8163B,DE2,V5");
	scpi_peer_rule(rp, ":SOUR1:CHAN1:POW:STAT *", NULL);
	scpi_peer_rule(rp, ":INIT1:IMM", NULL);
	scpi_peer_rule_once(rp, ":FETC1:CHAN1:RET?", "+5.72000000E+001");
	scpi_peer_rule_once(rp, ":FETC1:CHAN1:RET?", "+3.10000000E+001");
	lc_instrument *rl = open_on(rp, "1:rl@1550");
	lc_rl_port ports[2] = {{.meter = rl, .channel = 1, .label = "A:1"}, {.meter = rl, .channel = 1, .label = "A:2"}};
	lc_limit lim = {.cmp = LC_CMP_MIN, .low = 35, .high = NAN, .unit = "dB", .id = "tia.rl.sm.upc"};
	lc_rl_result r[2];
	lc_diag d = {0};
	cr_assert_eq(lc_rl_measure(ports, 2, 1550, &lim, 0, r, &d), 0, "%s", d.text);
	cr_assert_float_eq(r[0].rl_db, 57.2, 1e-9);
	cr_assert_eq(r[0].verdict, LC_VERDICT_PASS);
	cr_assert_float_eq(r[0].margin_db, 22.2, 1e-9);
	cr_assert_eq(r[1].verdict, LC_VERDICT_FAIL);
	/* A fault: no reply. Error, not fail; the RL source ends off. */
	scpi_peer_clear_log(rp);
	cr_assert_eq(lc_rl_measure(ports, 1, 1550, &lim, 0, r, &d), LC_ERR_TIMEOUT);
	cr_assert(strstr(d.text, "A:1"), "%s", d.text);
	cr_assert_eq(r[0].verdict, LC_VERDICT_ERROR);
	cr_assert(ends_with(scpi_peer_log_nostb(rp), "|:SOUR1:CHAN1:POW:STAT 0"), "%s", scpi_peer_log_nostb(rp));
	lc_instrument_close(rl);
	scpi_peer_stop(rp);
}
