/* PM100, DiCon GP600, N773x and the 816x mainframe against scripted peers; opening unknown instruments. */
#include <math.h>
#include <string.h>

#include "driver_fixture.h"
#include "instruments/power_meter/power_meter.h"
#include "instruments/rl_meter/rl_meter.h"
#include "instruments/source/source.h"
#include "instruments/switch/switch.h"

static scpi_peer *peer;

static void setup(void)
{
	peer = scpi_peer_start();
	cr_assert_not_null(peer);
	scpi_peer_rule_common(peer);
}

static void teardown(void)
{
	scpi_peer_stop(peer);
}

static void pm100_idn(void);

TestSuite(open, .init = setup, .fini = teardown, .timeout = 20);
TestSuite(pm100, .init = setup, .fini = teardown, .timeout = 20);
TestSuite(gp600, .init = setup, .fini = teardown, .timeout = 20);
TestSuite(n773x, .init = setup, .fini = teardown, .timeout = 20);
TestSuite(k816x, .init = setup, .fini = teardown, .timeout = 20);

Test(open, unknown_instrument_reported_with_its_idn)
{
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,N7786C,MY59700220,V2.022");
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	lc_idn idn;
	o.idn_out = &idn;
	lc_instrument *inst = (lc_instrument *)1;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &inst, &d), LC_ERR_NOT_FOUND);
	cr_assert_null(inst);
	cr_assert(strstr(d.text, "N7786C"), "%s", d.text);
	cr_assert_str_eq(idn.model, "N7786C");
	cr_assert_str_eq(idn.vendor, "Keysight");
	assert_log(peer, "*IDN?");
}

Test(open, garbage_idn_is_a_protocol_error)
{
	scpi_peer_rule(peer, "*IDN?", "hello");
	lc_instrument *inst;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), NULL, &inst, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "hello"), "%s", d.text);
}

Test(open, silent_instrument_times_out)
{
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 200;
	lc_instrument *inst;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &inst, &d), LC_ERR_TIMEOUT);
	cr_assert(strstr(d.text, "*IDN?"), "%s", d.text);
}

Test(open, bad_arguments)
{
	lc_instrument *inst;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(NULL, NULL, &inst, &d), LC_ERR_ARG);
	cr_assert_eq(lc_instrument_open("TCPIP::127.0.0.1::1::SOCKET", NULL, NULL, &d), LC_ERR_ARG);
	cr_assert_eq(lc_instrument_open("NOTARESOURCE", NULL, &inst, &d), LC_ERR_ARG);
	lc_instrument_close(NULL);
}

/* The station's reply limit for one instrument (station key max_reply_line) holds for everything after
 * *IDN?: a 200-byte reading is refused at 64 bytes, consumed, and the next reading is read whole. */
Test(open, the_stations_reply_limit_bounds_every_reply)
{
	scpi_peer_rule(peer, "*IDN?", "THORLABS,PM100USB,P2004579,1.6.0");
	scpi_peer_rule(peer, "SYST:SENS:IDN?", "S120C,16010601,24-Jun-2016,1,18,289");
	scpi_peer_rule(peer, "SENS:POW:UNIT W", NULL);
	scpi_peer_rule(peer, "SENS:CORR:WAV? MIN", "4.000000E+02");
	scpi_peer_rule(peer, "SENS:CORR:WAV? MAX", "1.100000E+03");
	scpi_peer_rule(peer, "SENS:CORR:COLL:ZERO:MAGN?", "+0.000000E+00");
	char flood[201];
	memset(flood, '1', 200);
	flood[200] = '\0';
	scpi_peer_rule_once(peer, "MEAS:POW?", flood);
	scpi_peer_rule(peer, "MEAS:POW?", "1.000000E-03");
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 5000; /* must not fire: every query here is answered */
	o.max_line = 64;
	lc_instrument *pm = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &pm, &d), 0, "%s", d.text);
	double v;
	cr_assert_eq(lc_power_meter_read_dbm(pm, 1, &v, &d), LC_ERR_OVERFLOW, "%s", d.text);
	cr_expect(strstr(d.text, "exceeds the limit of 64 bytes"), "%s", d.text);
	cr_assert_eq(lc_power_meter_read_dbm(pm, 1, &v, &d), 0, "%s", d.text);
	cr_expect_float_eq(v, 0.0, 1e-9);
	lc_instrument_close(pm);
}

/* A reading is an IEEE 488.2 decimal number or a protocol error: strtod would read these as numbers. */
Test(pm100, garbled_readings_are_protocol_errors_never_numbers)
{
	pm100_idn();
	static const char *const garbage[] = {"inf", "nan", "0x1p-10", "1e999", "-Infinity", "1.0E-3 W", ""};
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++)
		scpi_peer_rule_once(peer, "MEAS:POW?", garbage[i]);
	lc_instrument *pm = open_on(peer, NULL);
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		lc_diag d = {0};
		double v = 42;
		cr_expect_eq(lc_power_meter_read_dbm(pm, 1, &v, &d), LC_ERR_PROTOCOL, "'%s': %s (%g)", garbage[i], d.text, v);
	}
	lc_instrument_close(pm);
}

static void pm100_idn(void)
{
	scpi_peer_rule(peer, "*IDN?", "THORLABS,PM100USB,P2004579,1.6.0");
	scpi_peer_rule(peer, "SYST:SENS:IDN?", "S120C,16010601,24-Jun-2016,1,18,289");
	scpi_peer_rule(peer, "SENS:POW:UNIT W", NULL);
	scpi_peer_rule(peer, "SENS:CORR:WAV? MIN", "4.000000E+02");
	scpi_peer_rule(peer, "SENS:CORR:WAV? MAX", "1.100000E+03");
	scpi_peer_rule(peer, "SENS:CORR:COLL:ZERO:MAGN?", "+0.000000E+00");
}

Test(pm100, commands_and_replies)
{
	pm100_idn();
	lc_instrument *pm = open_on(peer, NULL);
	assert_log(peer, "*IDN?|SYST:SENS:IDN?|SENS:POW:UNIT W|SENS:CORR:WAV? MIN|SENS:CORR:WAV? MAX|"
			 "SENS:CORR:COLL:ZERO:MAGN?");
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, "SENS:CORR:WAV 850", NULL);
	scpi_peer_rule(peer, "SENS:CORR:WAV?", "8.500000E+02");
	scpi_peer_rule(peer, "SENS:AVER:COUN 33", NULL);
	scpi_peer_rule(peer, "MEAS:POW?", "1.234000E-04");
	scpi_peer_rule(peer, "SENS:CORR:COLL:ZERO:INIT", NULL);
	lc_diag d = {0};
	double v;
	cr_assert_eq(lc_power_meter_get_averaging(pm, 1, &v, &d), 0);
	cr_assert(isnan(v), "unknown until set: the guide has no query");
	cr_assert_eq(lc_power_meter_set_wavelength(pm, 1, 850, &d), 0, "%s", d.text);
	cr_assert_eq(lc_power_meter_get_wavelength(pm, 1, &v, &d), 0);
	cr_assert_float_eq(v, 850, 1e-9);
	cr_assert_eq(lc_power_meter_set_averaging(pm, 1, 0.1, &d), 0);
	cr_assert_eq(lc_power_meter_get_averaging(pm, 1, &v, &d), 0);
	cr_assert_float_eq(v, 0.099, 1e-12, "33 samples of 3 ms");
	cr_assert_eq(lc_power_meter_read_dbm(pm, 1, &v, &d), 0);
	cr_assert_float_eq(v, 10 * log10(1.234e-4 / 1e-3), 1e-9);
	cr_assert_eq(lc_power_meter_zero(pm, 1, &d), 0, "%s", d.text);
	assert_log(peer, "SENS:CORR:WAV 850|SENS:CORR:WAV?|SENS:AVER:COUN 33|MEAS:POW?|SENS:CORR:COLL:ZERO:INIT|*OPC?");
	cr_assert_eq(lc_power_meter_set_wavelength(pm, 1, 1550, &d), LC_ERR_ARG, "outside the sensor's range");
	cr_assert(strstr(d.text, "400..1100"), "%s", d.text);
	lc_instrument_close(pm);
}

Test(pm100, no_sensor_refused)
{
	scpi_peer_rule(peer, "*IDN?", "THORLABS,PM100D,P1,2.1.0");
	scpi_peer_rule(peer, "SYST:SENS:IDN?", "no sensor");
	lc_instrument *pm;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), NULL, &pm, &d), LC_ERR_STATE);
	cr_assert(strstr(d.text, "no sensor"), "%s", d.text);
}

static void gp600_idn(void)
{
	scpi_peer_rule(peer, "*IDN?", "Dicon Fiberoptics Inc, GP600, 19A0M10D0117, 7.0");
	scpi_peer_rule(peer, "SYST:ERR?", "+0, No Error");
	scpi_peer_rule(peer, "SYST:CONF?", "X1");
	scpi_peer_rule(peer, "X1 DIM?", "1,16");
}

/* Errors queued before lanecert's first command are the meter's own: the PM100 is refused under that name,
 * never with its first command blamed; the queue is drained (the peer's one-shot entry is used up). */
Test(pm100, errors_pending_at_attach_are_the_instruments_own)
{
	pm100_idn();
	scpi_peer_rule_once(peer, "*STB?", "4");
	scpi_peer_rule_once(peer, "SYST:ERR?", "-222,\"Data out of range\"");
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 5000; /* must not fire: the peer answers every query here */
	lc_instrument *pm = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &pm, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "pending in its queue before lanecert's first command"), "%s", d.text);
	cr_expect(strstr(d.text, "-222,\"Data out of range\""), "%s", d.text);
	cr_expect_null(strstr(d.text, "SENS"), "no command of lanecert is blamed: %s", d.text);
	assert_log(peer, "*IDN?");
	cr_expect(strstr(scpi_peer_log(peer), "*IDN?|*STB?|SYST:ERR?|*STB?"), "drained: %s", scpi_peer_log(peer));
	pm = open_on(peer, NULL);
	lc_instrument_close(pm);
}

/* An error the PM100 raises mid-run is seen by the next operation, a reading included. */
Test(pm100, an_error_raised_mid_run_ends_the_reading)
{
	pm100_idn();
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_rule(peer, "MEAS:POW?", "1.234000E-04");
	scpi_peer_rule_once(peer, "*STB?", "4");
	scpi_peer_rule_once(peer, "SYST:ERR?", "-231,\"Data questionable\"");
	lc_diag d = {0};
	double v = 42;
	cr_assert_eq(lc_power_meter_read_dbm(pm, 1, &v, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "MEAS:POW?: -231,\"Data questionable\""), "%s", d.text);
	cr_expect_float_eq(v, 42, 0, "no value on error");
	cr_assert_eq(lc_power_meter_read_dbm(pm, 1, &v, &d), 0, "the queue was drained: %s", d.text);
	lc_instrument_close(pm);
}

/* The DiCon's queue is read with SYST:ERR? alone ("+0, No Error" when empty): an entry fails the route. */
Test(gp600, an_error_in_its_queue_fails_the_route)
{
	gp600_idn();
	lc_instrument *sw = open_on(peer, NULL);
	scpi_peer_rule(peer, "X1 CH 1 7", NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "1,7");
	scpi_peer_rule_once(peer, "SYST:ERR?", "-222, Data out of range");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_route(sw, 1, 7, &d), LC_ERR_INSTRUMENT);
	cr_expect(strstr(d.text, "X1 CH 1 7") && strstr(d.text, "-222"), "%s", d.text);
	lc_instrument_close(sw);
}

Test(gp600, route_with_readback)
{
	gp600_idn();
	lc_instrument *sw = open_on(peer, NULL);
	assert_log(peer, "*IDN?|SYST:CONF?|X1 DIM?");
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, "X1 CH 1 7", NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "1,7");
	lc_switch_caps c;
	cr_assert_eq(lc_switch_caps_get(sw, &c, NULL), 0);
	cr_assert_eq(c.inputs, 1);
	cr_assert_eq(c.outputs, 16);
	cr_assert_eq(c.settle_ms, 0, "the read-back is the route-complete query, no guessed delay");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_route(sw, 1, 7, &d), 0, "%s", d.text);
	assert_log(peer, "X1 CH 1 7|X1 CH 1?");
	cr_assert(strstr(scpi_peer_log(peer), "STB") == NULL, "the DiCon documents no status byte");
	cr_assert(strstr(scpi_peer_log(peer), "X1 CH 1 7|SYST:ERR?|X1 CH 1?|SYST:ERR?"),
		  "its error queue is read after each operation: %s", scpi_peer_log(peer));
	lc_instrument_close(sw);
}

/* A 2x16 GP600: park is "X1 CH <in> 0" read back as "<in>,0" (§6.2: out 0 = park/off). */
static lc_instrument *gp600_2x16(void)
{
	scpi_peer_rule(peer, "*IDN?", "Dicon Fiberoptics Inc, GP600, 19A0M10D0117, 7.0");
	scpi_peer_rule(peer, "SYST:ERR?", "+0, No Error");
	scpi_peer_rule(peer, "SYST:CONF?", "X1");
	scpi_peer_rule(peer, "X1 DIM?", "2,16");
	lc_instrument *sw = open_on(peer, NULL);
	scpi_peer_clear_log(peer);
	return sw;
}

Test(gp600, park_sends_output_zero_and_reads_it_back)
{
	lc_instrument *sw = gp600_2x16();
	scpi_peer_rule(peer, "X1 CH 2 0", NULL);
	scpi_peer_rule(peer, "X1 CH 2?", "2,0");
	lc_diag d = {0};
	cr_assert(lc_switch_can_park(sw));
	cr_assert_eq(lc_switch_park(sw, 2, &d), 0, "%s", d.text);
	assert_log(peer, "X1 CH 2 0|X1 CH 2?");
	cr_assert_eq(lc_switch_park(sw, 3, &d), LC_ERR_ARG, "input out of range");
	cr_assert(strstr(d.text, "input 3 out of range 1..2"), "%s", d.text);
	lc_instrument_close(sw);
}

Test(gp600, park_that_does_not_read_back_is_an_instrument_error)
{
	lc_instrument *sw = gp600_2x16();
	scpi_peer_rule(peer, "X1 CH 1 0", NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "1,4");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_park(sw, 1, &d), LC_ERR_INSTRUMENT);
	cr_assert(strstr(d.text, "input 1 parked, reads back 4"), "%s", d.text);
	lc_instrument_close(sw);
}

/* Taking output 7 for input 1 while input 2 holds it: park input 2 first, then route; release parks input 1. */
Test(gp600, take_parks_the_input_that_holds_the_output)
{
	lc_instrument *sw = gp600_2x16();
	scpi_peer_rule_once(peer, "X1 CH 2?", "2,7");
	scpi_peer_rule(peer, "X1 CH 2 0", NULL);
	scpi_peer_rule_once(peer, "X1 CH 2?", "2,0");
	scpi_peer_rule(peer, "X1 CH 1 7", NULL);
	scpi_peer_rule_once(peer, "X1 CH 1?", "1,7");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_take(sw, 1, 7, &d), 0, "%s", d.text);
	assert_log(peer, "X1 CH 2?|X1 CH 2 0|X1 CH 2?|X1 CH 1 7|X1 CH 1?");
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, "X1 CH 1 0", NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "1,0");
	cr_assert_eq(lc_switch_release(sw, 1, &d), 0, "%s", d.text);
	assert_log(peer, "X1 CH 1 0|X1 CH 1?");
	lc_instrument_close(sw);
}

Test(gp600, take_of_a_free_output_only_asks)
{
	lc_instrument *sw = gp600_2x16();
	scpi_peer_rule(peer, "X1 CH 2?", "2,3");
	scpi_peer_rule(peer, "X1 CH 1 7", NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "1,7");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_take(sw, 1, 7, &d), 0, "%s", d.text);
	assert_log(peer, "X1 CH 2?|X1 CH 1 7|X1 CH 1?");
	lc_instrument_close(sw);
}

/* A 1x16 has no other input: take is a plain route and release sends nothing. */
Test(gp600, one_input_takes_and_releases_without_queries)
{
	gp600_idn();
	lc_instrument *sw = open_on(peer, NULL);
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, "X1 CH 1 7", NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "1,7");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_take(sw, 1, 7, &d), 0, "%s", d.text);
	cr_assert_eq(lc_switch_release(sw, 1, &d), 0, "%s", d.text);
	assert_log(peer, "X1 CH 1 7|X1 CH 1?");
	lc_instrument_close(sw);
}

Test(gp600, readback_mismatch_is_an_instrument_error)
{
	gp600_idn();
	lc_instrument *sw = open_on(peer, NULL);
	scpi_peer_rule(peer, "X1 CH 1 3", NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "1, 2");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_route(sw, 1, 3, &d), LC_ERR_INSTRUMENT);
	cr_assert(strstr(d.text, "reads back 2"), "%s", d.text);
	cr_assert_eq(lc_switch_route(sw, 2, 3, &d), LC_ERR_ARG, "one input");
	cr_assert_eq(lc_switch_route(sw, 1, 17, &d), LC_ERR_ARG);
	lc_instrument_close(sw);
}

Test(gp600, cr_lf_replies)
{
	scpi_peer_rule(peer, "*IDN?", "Dicon Fiberoptics Inc, GP600, 19A0M10D0117, 7.0\r");
	scpi_peer_rule(peer, "SYST:ERR?", "+0, No Error");
	scpi_peer_rule(peer, "SYST:CONF?", "X1\r");
	scpi_peer_rule(peer, "X1 DIM?", "16,16\r");
	scpi_peer_rule(peer, "X1 CH 3?", "3,0\r");
	lc_instrument *sw = open_on(peer, NULL);
	cr_assert_str_eq(lc_instrument_idn(sw)->firmware, "7.0");
	int out = -1;
	cr_assert_eq(lc_switch_get_route(sw, 3, &out, NULL), 0);
	cr_assert_eq(out, 0, "parked");
	lc_instrument_close(sw);
}

Test(gp600, malformed_route_reply)
{
	gp600_idn();
	lc_instrument *sw = open_on(peer, NULL);
	scpi_peer_rule(peer, "X1 CH 1?", "7");
	int out = -5;
	lc_diag d = {0};
	cr_assert_eq(lc_switch_get_route(sw, 1, &out, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "'7'"), "%s", d.text);
	cr_assert_eq(out, -5);
	lc_instrument_close(sw);
}

Test(gp600, other_configuration_unsupported)
{
	scpi_peer_rule(peer, "*IDN?", "Dicon Fiberoptics Inc, GP700, 1, 7.0");
	scpi_peer_rule(peer, "SYST:ERR?", "+0, No Error");
	scpi_peer_rule(peer, "SYST:CONF?", "X2");
	lc_instrument *sw;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), NULL, &sw, &d), LC_ERR_UNSUPPORTED);
	cr_assert(strstr(d.text, "X2"), "%s", d.text);
}

/* Garbage before a reply that a driver only compares (SYST:CONF? must be "X1") or passes on (the PM100's sensor
 * identity) is a protocol error of that command, never "unsupported" or accepted: every text reply is checked
 * to be printable ASCII (the fault matrix's garbage bytes) before a driver parses it. */
Test(gp600, garbled_configuration_is_a_protocol_error)
{
	scpi_peer_rule(peer, "*IDN?", "Dicon Fiberoptics Inc, GP700, 1, 7.0");
	scpi_peer_rule(peer, "SYST:ERR?", "+0, No Error");
	scpi_peer_rule(peer, "SYST:CONF?", "\xff\xfe\x07#?\x01X1");
	lc_instrument *sw = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), NULL, &sw, &d), LC_ERR_PROTOCOL, "%s", d.text);
	cr_assert_null(sw);
	cr_assert(strstr(d.text, "SYST:CONF?: text reply '"), "%s", d.text);
	cr_assert(strstr(d.text, "byte 0xff at offset 0"), "%s", d.text);
}

Test(pm100, garbled_sensor_identity_is_a_protocol_error)
{
	scpi_peer_rule(peer, "*IDN?", "THORLABS,PM100D,P1,2.1.0");
	scpi_peer_rule(peer, "SYST:SENS:IDN?", "S120C,\x01\x02,01-Jan-2020,1,18,289");
	lc_instrument *pm = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), NULL, &pm, &d), LC_ERR_PROTOCOL, "%s", d.text);
	cr_assert_null(pm);
	cr_assert(strstr(d.text, "byte 0x01 at offset 6"), "%s", d.text);
}

Test(open, garbled_identity_is_a_protocol_error_not_an_unknown_instrument)
{
	scpi_peer_rule(peer, "*IDN?", "\xff\xfeKeysight Technologies,N7745C,MY1,1.0");
	lc_instrument *inst = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), NULL, &inst, &d), LC_ERR_PROTOCOL, "%s", d.text);
	cr_assert(strstr(d.text, "*IDN?: text reply '"), "%s", d.text);
	cr_assert(strstr(d.text, "byte 0xff at offset 0"), "%s", d.text);
}

Test(n773x, route_and_query)
{
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,N7734A,MY1,1.0");
	scpi_peer_rule(peer, ":ROUT1:CONF?", "A;1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16");
	lc_instrument *sw = open_on(peer, NULL);
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":ROUT1 A,12", NULL);
	scpi_peer_rule(peer, ":ROUT1?", "A,12");
	lc_switch_caps c;
	cr_assert_eq(lc_switch_caps_get(sw, &c, NULL), 0);
	cr_assert_eq(c.inputs, 1);
	cr_assert_eq(c.outputs, 16);
	cr_assert_eq(c.settle_ms, 0, "synchronised by *OPC?, no guessed delay");
	lc_diag d = {0};
	cr_assert_eq(lc_switch_route(sw, 1, 12, &d), 0, "%s", d.text);
	int out = 0;
	cr_assert_eq(lc_switch_get_route(sw, 1, &out, &d), 0);
	cr_assert_eq(out, 12);
	assert_log(peer, ":ROUT1 A,12|*OPC?|:ROUT1?");
	cr_assert_eq(lc_switch_route(sw, 1, 0, &d), LC_ERR_UNSUPPORTED, "no parked state documented");
	cr_assert_not(lc_switch_can_park(sw));
	scpi_peer_clear_log(peer);
	cr_assert_eq(lc_switch_park(sw, 1, &d), LC_ERR_UNSUPPORTED);
	cr_assert(strstr(d.text, "no documented command parks input 1"), "%s", d.text);
	cr_assert_eq(lc_switch_release(sw, 1, &d), 0, "nothing to release on a 1xN");
	cr_assert_str_eq(scpi_peer_log_nostb(peer), "", "neither sends anything");
	lc_instrument_close(sw);
}

Test(n773x, two_inputs_and_bad_conf)
{
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,N7731C,MY1,1.0");
	scpi_peer_rule(peer, ":ROUT1:CONF?", "A,B;1,2");
	lc_instrument *sw = open_on(peer, NULL);
	scpi_peer_rule(peer, ":ROUT1?", "A,2;B,1");
	int out = 0;
	cr_assert_eq(lc_switch_get_route(sw, 2, &out, NULL), 0);
	cr_assert_eq(out, 1);
	lc_instrument_close(sw);
	scpi_peer_stop(peer);
	peer = scpi_peer_start();
	scpi_peer_rule_common(peer);
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,N7731C,MY1,1.0");
	scpi_peer_rule(peer, ":ROUT1:CONF?", "nonsense");
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), NULL, &sw, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "nonsense"), "%s", d.text);
}

static lc_instrument *open_816x(const char *layout)
{
	scpi_peer_rule(peer, "*IDN?", "Agilent Technologies,8164B,DE41200123,V5.25(72637)");
	scpi_peer_rule(peer, ":SENS1:CHAN1:POW:UNIT 1", NULL);
	scpi_peer_rule(peer, ":SENS1:CHAN2:POW:UNIT 1", NULL);
	scpi_peer_rule(peer, ":SENS1:CHAN*:POW:ATIM?", "+2.00000000E-002");
	scpi_peer_rule(peer, ":SOUR2:POW:UNIT 0", NULL);
	scpi_peer_rule(peer, ":SOUR0:POW:UNIT 0", NULL);
	return open_on(peer, layout);
}

Test(k816x, sensors_by_slot_and_channel)
{
	lc_instrument *mf = open_816x("1.1:sensor,1.2:sensor,2:source@1310/1550");
	assert_log(peer, "*IDN?|:SENS1:CHAN1:POW:UNIT 1|:SENS1:CHAN1:POW:ATIM?|:SENS1:CHAN2:POW:UNIT 1|"
			 ":SENS1:CHAN2:POW:ATIM?|:SOUR2:POW:UNIT 0");
	cr_assert(lc_instrument_has_class(mf, LC_CLASS_POWER_METER));
	cr_assert(lc_instrument_has_class(mf, LC_CLASS_SOURCE));
	cr_assert_not(lc_instrument_has_class(mf, LC_CLASS_RL_METER));
	cr_assert_eq(lc_instrument_class(mf), LC_CLASS_POWER_METER);
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":SENS1:CHAN2:POW:WAV 1310NM", NULL);
	scpi_peer_rule(peer, ":READ1:CHAN2:POW?", "+1.33555600E-006");
	lc_diag d = {0};
	double dbm;
	cr_assert_eq(lc_power_meter_set_wavelength(mf, 2, 1310, &d), 0, "%s", d.text);
	cr_assert_eq(lc_power_meter_read_dbm(mf, 2, &dbm, &d), 0, "%s", d.text);
	cr_assert_float_eq(dbm, 10 * log10(1.335556e-3), 1e-9);
	assert_log(peer, ":SENS1:CHAN2:POW:WAV 1310NM|:READ1:CHAN2:POW?");
	cr_assert_eq(lc_rl_meter_measure(mf, 1, 1550, &dbm, &d), LC_ERR_UNSUPPORTED);
	lc_instrument_close(mf);
}

/* Physical ports: the slot (slot*100+head for one head of a dual sensor) as its class's channel. */
Test(k816x, ports_are_classes_by_layout)
{
	lc_instrument *mf = open_816x("1.1:sensor,1.2:sensor,2:source@1310/1550,3:rl@1550,4:rl@1310");
	enum lc_inst_class c;
	int ch;
	lc_diag d = {0};
	static const struct {
		unsigned port;
		enum lc_inst_class cls;
		int ch;
	} want[] = {{1, LC_CLASS_POWER_METER, 1}, {101, LC_CLASS_POWER_METER, 1}, {102, LC_CLASS_POWER_METER, 2},
		    {2, LC_CLASS_SOURCE, 1},	  {201, LC_CLASS_SOURCE, 1},	   {3, LC_CLASS_RL_METER, 1},
		    {4, LC_CLASS_RL_METER, 2}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(lc_instrument_port_class(mf, want[i].port, &c, &ch, &d), 0, "port %u: %s", want[i].port, d.text);
		cr_expect_eq(c, want[i].cls, "port %u", want[i].port);
		cr_expect_eq(ch, want[i].ch, "port %u", want[i].port);
	}
	cr_assert_eq(lc_instrument_port_class(mf, 103, &c, &ch, &d), LC_ERR_NOT_FOUND);
	cr_assert(strstr(d.text, "8164B") && strstr(d.text, "port 103"), "%s", d.text);
	cr_assert_eq(lc_instrument_port_class(mf, 5, &c, &ch, &d), LC_ERR_NOT_FOUND, "an empty slot");
	cr_assert_eq(lc_instrument_port_class(mf, 0, &c, &ch, &d), LC_ERR_ARG);
	cr_assert_eq(lc_instrument_port_class(mf, 1, NULL, &ch, &d), LC_ERR_ARG);
	lc_instrument_close(mf);
}

Test(k816x, sources_are_idempotent_and_select_wavelengths)
{
	lc_instrument *mf = open_816x("2:source@1310/1550,0:tls@1500-1630");
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":SOUR2:CHAN1:POW:STAT 0", NULL);
	scpi_peer_rule(peer, ":SOUR2:CHAN1:POW:STAT 1", NULL);
	scpi_peer_rule(peer, ":SOUR2:CHAN1:POW:STAT?", "0");
	scpi_peer_rule(peer, ":SOUR2:POW -7DBM", NULL);
	scpi_peer_rule(peer, ":SOUR0:WAV 1550.12NM", NULL);
	scpi_peer_rule(peer, ":SOUR0:WAV?", "+1.55012000E-006");
	scpi_peer_rule(peer, ":SOUR0:CHAN1:POW:STAT 0", NULL);
	lc_diag d = {0};
	cr_assert_eq(lc_source_set_output(mf, 1, false, &d), 0);
	cr_assert_eq(lc_source_set_output(mf, 1, false, &d), 0, "off twice is fine");
	cr_assert_eq(lc_source_set_power(mf, 1, -7, &d), 0, "%s", d.text);
	cr_assert_eq(lc_source_set_wavelength(mf, 1, 1310, &d), 0, "the selected one: nothing to send");
	cr_assert_eq(lc_source_set_wavelength(mf, 1, 1550, &d), LC_ERR_UNSUPPORTED, "λ select is UNCONFIRMED");
	cr_assert(strstr(d.text, "!wavsel"), "%s", d.text);
	cr_assert_eq(lc_source_set_wavelength(mf, 1, 1490, &d), LC_ERR_ARG);
	cr_assert_eq(lc_source_set_wavelength(mf, 2, 1550.12, &d), 0, "%s", d.text);
	double nm;
	cr_assert_eq(lc_source_get_wavelength(mf, 2, &nm, &d), 0);
	cr_assert_float_eq(nm, 1550.12, 1e-6);
	cr_assert_eq(lc_source_set_wavelength(mf, 2, 1700, &d), LC_ERR_ARG);
	bool on = true;
	cr_assert_eq(lc_source_get_output(mf, 1, &on, &d), 0);
	cr_assert_not(on);
	cr_assert_eq(lc_source_all_off(mf, &d), 0);
	assert_log(peer, ":SOUR2:CHAN1:POW:STAT 0|:SOUR2:CHAN1:POW:STAT 0|:SOUR2:POW -7DBM|:SOUR0:WAV 1550.12NM|"
			 ":SOUR0:WAV?|:SOUR2:CHAN1:POW:STAT?|:SOUR2:CHAN1:POW:STAT 0|:SOUR0:CHAN1:POW:STAT 0");
	lc_instrument_close(mf);
}

Test(k816x, wavsel_sends_lower_upper)
{
	lc_instrument *mf = open_816x("2:source@1310/1550!wavsel");
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":SOUR2:WAV UPPER", NULL);
	scpi_peer_rule(peer, ":SOUR2:WAV LOWER", NULL);
	lc_diag d = {0};
	cr_assert_eq(lc_source_set_wavelength(mf, 1, 1550, &d), 0, "%s", d.text);
	cr_assert_eq(lc_source_set_wavelength(mf, 1, 1550, &d), 0);
	cr_assert_eq(lc_source_set_wavelength(mf, 1, 1310, &d), 0);
	assert_log(peer, ":SOUR2:WAV UPPER|:SOUR2:WAV LOWER");
	lc_instrument_close(mf);
}

Test(k816x, rl_measure_switches_its_source_off)
{
	lc_instrument *mf = open_816x("3:rl@1550");
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":SOUR3:CHAN1:POW:STAT 1", NULL);
	scpi_peer_rule(peer, ":SOUR3:CHAN1:POW:STAT 0", NULL);
	scpi_peer_rule(peer, ":INIT3:IMM", NULL);
	scpi_peer_rule_once(peer, ":FETC3:CHAN1:RET?", "+5.72000000E+001");
	lc_diag d = {0};
	double rl = 0;
	cr_assert_eq(lc_rl_meter_measure(mf, 1, 1550, &rl, &d), 0, "%s", d.text);
	cr_assert_float_eq(rl, 57.2, 1e-9);
	assert_log(peer, ":SOUR3:CHAN1:POW:STAT 1|:INIT3:IMM|*OPC?|:FETC3:CHAN1:RET?|:SOUR3:CHAN1:POW:STAT 0");
	scpi_peer_clear_log(peer);
	/* No reply to FETC: a timeout, and the source still goes off. The source and *OPC? come first, each
	 * followed by an error check the peer answers: 1 s is short for a test, long for a loopback reply. */
	expect_silence(mf, 1000);
	cr_assert_eq(lc_rl_meter_measure(mf, 1, 1550, &rl, &d), LC_ERR_TIMEOUT);
	assert_log(peer, ":SOUR3:CHAN1:POW:STAT 1|:INIT3:IMM|*OPC?|:FETC3:CHAN1:RET?|:SOUR3:CHAN1:POW:STAT 0");
	cr_assert_eq(lc_rl_meter_measure(mf, 1, 1310, &rl, &d), LC_ERR_ARG);
	lc_instrument_close(mf);
}

Test(k816x, no_layout_means_no_classes)
{
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,8163B,DE1,V5");
	lc_instrument *mf = open_on(peer, NULL);
	cr_assert_eq(lc_instrument_class(mf), LC_CLASS_NONE);
	double v;
	cr_assert_eq(lc_power_meter_read_dbm(mf, 1, &v, NULL), LC_ERR_UNSUPPORTED);
	lc_instrument_close(mf);
}

Test(k816x, bad_layout_fails_open)
{
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,8163B,DE1,V5");
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.layout = "5:sensor";
	lc_instrument *mf;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &mf, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "keysight_816x 8163B") && strstr(d.text, "slot must be 1..2"), "%s", d.text);
}
