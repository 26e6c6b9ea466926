/* Keysight N774x driver against a scripted peer: exact commands and real reply formats. */
#include <jansson.h>
#include <stdlib.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "driver_fixture.h"
#include "instruments/power_meter/power_meter.h"

static scpi_peer *peer;

static void setup(void)
{
	peer = scpi_peer_start();
	cr_assert_not_null(peer);
	scpi_peer_rule_common(peer);
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,N7744C,MY54321,V1.050");
	for (int ch = 1; ch <= 4; ch++) {
		char c[64];
		snprintf(c, sizeof(c), ":SENS%d:POW:UNIT 1", ch);
		scpi_peer_rule(peer, c, NULL);
		snprintf(c, sizeof(c), ":SENS%d:POW:ATIM?", ch);
		scpi_peer_rule(peer, c, "+1.00000000E-001");
	}
	/* the required query and the optional features' probes (keysight_n774x.c): 4 channels at slots 1..4 */
	scpi_peer_rule_once(peer, ":SENS1:POW:WAV?", "+1.55000000E-006"); /* a test may script its own */
	static const char conf[] = "#216\x01\0\x01\0\x02\0\x01\0\x03\0\x01\0\x04\0\x01\0\n";
	scpi_peer_rule_bytes(peer, ":READ1:POW:ALL:CONF?", conf, sizeof(conf) - 1);
	scpi_peer_rule(peer, ":SENS1:CORR:COLL:ZERO?", "+0");
}

static void teardown(void)
{
	scpi_peer_stop(peer);
}

TestSuite(n774x, .init = setup, .fini = teardown, .timeout = 20);


/* lc_instrument_snapshot's text, parsed (NULL on failure, diag set). */
static json_t *snapshot_json(lc_instrument *in, lc_diag *d)
{
	char *text = NULL;
	if (lc_instrument_snapshot(in, &text, d) < 0)
		return NULL;
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	cr_assert_not_null(j, "snapshot is not JSON: %s: %s", e.text, text);
	free(text);
	return j;
}

Test(n774x, attach_sets_watts_and_reads_averaging)
{
	lc_instrument *pm = open_on(peer, NULL);
	assert_log(peer, "*IDN?|:SENS1:POW:WAV?|:SENS1:POW:UNIT 1|:SENS1:POW:ATIM?|:SENS2:POW:UNIT 1|:SENS2:POW:ATIM?|"
			 ":SENS3:POW:UNIT 1|:SENS3:POW:ATIM?|:SENS4:POW:UNIT 1|:SENS4:POW:ATIM?|:READ1:POW:ALL:CONF?|"
			 ":SENS1:CORR:COLL:ZERO?");
	cr_assert(strstr(scpi_peer_log(peer), "*STB?"), "settings are checked against the error queue");
	cr_assert(scpi_peer_lf_only(peer));
	cr_assert_eq(lc_instrument_class(pm), LC_CLASS_POWER_METER);
	cr_assert_str_eq(lc_instrument_driver_name(pm), "keysight_n774x");
	cr_assert_str_eq(lc_instrument_idn(pm)->serial, "MY54321");
	lc_power_meter_caps c;
	cr_assert_eq(lc_power_meter_caps_get(pm, &c, NULL), 0);
	cr_assert_eq(c.channels, 4);
	cr_assert(c.reads_all_at_once);
	lc_instrument_close(pm);
}

Test(n774x, wavelength_and_averaging)
{
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":SENS2:POW:WAV 1550NM", NULL);
	scpi_peer_rule(peer, ":SENS2:POW:WAV?", "+1.55000000E-006");
	scpi_peer_rule(peer, ":SENS3:POW:ATIM 0.5S", NULL);
	scpi_peer_rule_once(peer, ":SENS3:POW:ATIM?", "+5.00000000E-001");
	lc_diag d = {0};
	double nm = 0, s = 0;
	cr_assert_eq(lc_power_meter_set_wavelength(pm, 2, 1550, &d), 0, "%s", d.text);
	cr_assert_eq(lc_power_meter_get_wavelength(pm, 2, &nm, &d), 0, "%s", d.text);
	cr_assert_float_eq(nm, 1550.0, 1e-6);
	cr_assert_eq(lc_power_meter_set_averaging(pm, 3, 0.5, &d), 0, "%s", d.text);
	cr_assert_eq(lc_power_meter_get_averaging(pm, 1, &s, &d), 0);
	cr_assert_float_eq(s, 0.1, 1e-12);
	assert_log(peer, ":SENS2:POW:WAV 1550NM|:SENS2:POW:WAV?|:SENS3:POW:ATIM 0.5S|:SENS3:POW:ATIM?|:SENS1:POW:ATIM?");
	lc_instrument_close(pm);
}

Test(n774x, readings_in_dbm)
{
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_rule(peer, ":READ1:POW?", "+1.31000000E-006");
	scpi_peer_rule(peer, ":READ2:POW?", "+0.00000000E+000");
	scpi_peer_rule(peer, ":READ3:POW?", "-2.00000000E+002");
	scpi_peer_rule(peer, ":READ4:POW?", "+9.91000000E+037");
	double dbm;
	cr_assert_eq(lc_power_meter_read_dbm(pm, 1, &dbm, NULL), 0);
	cr_assert_float_eq(dbm, 10 * log10(1.31e-6 / 1e-3), 1e-9);
	cr_assert_eq(lc_power_meter_read_dbm(pm, 2, &dbm, NULL), 0);
	cr_assert(isinf(dbm) && dbm < 0, "0 W is below range");
	cr_assert_eq(lc_power_meter_read_dbm(pm, 3, &dbm, NULL), 0);
	cr_assert(isinf(dbm) && dbm < 0, "negative watts are below range");
	cr_assert_eq(lc_power_meter_read_dbm(pm, 4, &dbm, NULL), 0);
	cr_assert(isinf(dbm) && dbm < 0, "the >1e20 sentinel is below range");
	lc_instrument_close(pm);
}

Test(n774x, all_channels_from_a_little_endian_block)
{
	lc_instrument *pm = open_on(peer, NULL);
	float w[4] = {1e-3f, 1e-6f, 0.0f, 2.5e-4f};
	uint8_t reply[5 + 16 + 1] = {'#', '2', '1', '6'};
	for (int i = 0; i < 4; i++) {
		uint32_t u;
		memcpy(&u, &w[i], 4);
		for (int b = 0; b < 4; b++)
			reply[4 + i * 4 + b] = (uint8_t)(u >> (8 * b)); /* little-endian on the wire */
	}
	reply[20] = '\n';
	scpi_peer_rule_bytes(peer, ":READ:POW:ALL?", reply, 21);
	double dbm[8];
	lc_diag d = {0};
	cr_assert_eq(lc_power_meter_read_all_dbm(pm, dbm, 8, &d), 4, "%s", d.text);
	cr_assert_float_eq(dbm[0], 0.0, 1e-5);
	cr_assert_float_eq(dbm[1], -30.0, 1e-4);
	cr_assert(isinf(dbm[2]));
	cr_assert_float_eq(dbm[3], 10 * log10(0.25), 1e-4);
	cr_assert_eq(lc_power_meter_read_all_dbm(pm, dbm, 3, &d), LC_ERR_OVERFLOW, "room for 3 of 4");
	lc_instrument_close(pm);
}

Test(n774x, short_block_is_a_protocol_error)
{
	lc_instrument *pm = open_on(peer, NULL);
	uint8_t reply[] = {'#', '1', '8', 0, 0, 0x80, 0x3f, 0, 0, 0x80, 0x3f, '\n'};
	scpi_peer_rule_bytes(peer, ":READ:POW:ALL?", reply, sizeof(reply));
	double dbm[8];
	lc_diag d = {0};
	cr_assert_eq(lc_power_meter_read_all_dbm(pm, dbm, 8, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "2 values for 4 channels"), "%s", d.text);
	lc_instrument_close(pm);
}

Test(n774x, instrument_errors_and_silence_are_errors)
{
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_rule(peer, ":SENS1:POW:WAV 9999NM", NULL);
	scpi_peer_rule_once(peer, "*STB?", "4");
	scpi_peer_rule_once(peer, "SYST:ERR?", "-222,\"Data out of range\"");
	lc_diag d = {0};
	cr_assert_eq(lc_power_meter_set_wavelength(pm, 1, 9999, &d), LC_ERR_INSTRUMENT);
	cr_assert(strstr(d.text, "-222") && strstr(d.text, ":SENS1:POW:WAV 9999NM"), "%s", d.text);
	double dbm = 42;
	expect_silence(pm, 200); /* :READ2:POW? is the first query of the read */
	cr_assert_eq(lc_power_meter_read_dbm(pm, 2, &dbm, &d), LC_ERR_TIMEOUT, "no rule: no reply");
	lc_scpi_set_timeout(lc_instrument_scpi(pm), 5000);
	cr_assert_float_eq(dbm, 42, 0, "no value on error");
	scpi_peer_rule(peer, ":READ3:POW?", "garbage");
	cr_assert_eq(lc_power_meter_read_dbm(pm, 3, &dbm, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "garbage"), "%s", d.text);
	lc_instrument_close(pm);
}

Test(n774x, bad_arguments)
{
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_clear_log(peer);
	lc_diag d = {0};
	double v;
	cr_assert_eq(lc_power_meter_read_dbm(pm, 5, &v, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "channel 5 out of range 1..4"), "%s", d.text);
	cr_assert_eq(lc_power_meter_read_dbm(pm, 0, &v, &d), LC_ERR_ARG);
	cr_assert_eq(lc_power_meter_set_wavelength(pm, 1, -5, &d), LC_ERR_ARG);
	cr_assert_eq(lc_power_meter_set_averaging(pm, 1, 0, &d), LC_ERR_ARG);
	cr_assert_eq(lc_power_meter_read_dbm(pm, 1, NULL, &d), LC_ERR_ARG);
	cr_assert_eq(lc_power_meter_read_dbm(NULL, 1, &v, &d), LC_ERR_ARG);
	assert_log(peer, "");
	lc_instrument_close(pm);
}

Test(n774x, zero_waits_for_completion)
{
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":SENS2:CORR:COLL:ZERO", NULL);
	scpi_peer_rule(peer, ":SENS:CORR:COLL:ZERO:ALL", NULL);
	cr_assert_eq(lc_power_meter_zero(pm, 2, NULL), 0);
	cr_assert_eq(lc_power_meter_zero(pm, 0, NULL), 0);
	assert_log(peer, ":SENS2:CORR:COLL:ZERO|*OPC?|:SENS:CORR:COLL:ZERO:ALL|*OPC?");
	lc_instrument_close(pm);
}

Test(n774x, snapshot_json)
{
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_rule(peer, ":SENS*:POW:WAV?", "+1.31000000E-006");
	scpi_peer_rule(peer, ":READ1:POW?", "+1.00000000E-003");
	scpi_peer_rule(peer, ":READ*:POW?", "+0.00000000E+000");
	lc_diag d = {0};
	json_t *j = snapshot_json(pm, &d);
	cr_assert_not_null(j, "%s", d.text);
	cr_assert_str_eq(json_string_value(json_object_get(j, "driver")), "keysight_n774x");
	cr_assert_str_eq(json_string_value(json_object_get(j, "class")), "power_meter");
	json_t *chs = json_object_get(j, "channels");
	cr_assert_eq(json_array_size(chs), 4);
	json_t *c1 = json_array_get(chs, 0);
	cr_assert_eq(json_integer_value(json_object_get(c1, "channel")), 1);
	cr_assert_float_eq(json_real_value(json_object_get(c1, "wavelength_nm")), 1310, 1e-6);
	cr_assert_float_eq(json_real_value(json_object_get(c1, "averaging_s")), 0.1, 1e-12);
	cr_assert_float_eq(json_real_value(json_object_get(c1, "power_dbm")), 0.0, 1e-9);
	cr_assert(json_is_null(json_object_get(json_array_get(chs, 1), "power_dbm")), "below range is null");
	json_decref(j);
	lc_instrument_close(pm);
}

/* Two DUT slots sharing one meter: each thread reads its own channel; per-operation locking keeps every
 * reply with its query. */
struct slot_arg {
	lc_instrument *pm;
	int ch;
	double want;
	int ok;
};

static void *slot_reader(void *p)
{
	struct slot_arg *a = p;
	for (int i = 0; i < 100; i++) {
		double dbm;
		if (lc_power_meter_read_dbm(a->pm, a->ch, &dbm, NULL) == 0 && fabs(dbm - a->want) < 1e-6)
			a->ok++;
	}
	return NULL;
}

Test(n774x, shared_between_threads)
{
	lc_instrument *pm = open_on(peer, NULL);
	scpi_peer_rule(peer, ":READ1:POW?", "+1.00000000E-003");
	scpi_peer_rule(peer, ":READ2:POW?", "+1.00000000E-004");
	struct slot_arg a = {pm, 1, 0.0, 0}, b = {pm, 2, -10.0, 0};
	pthread_t ta, tb;
	pthread_create(&ta, NULL, slot_reader, &a);
	pthread_create(&tb, NULL, slot_reader, &b);
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	cr_assert_eq(a.ok, 100);
	cr_assert_eq(b.ok, 100);
	lc_instrument_close(pm);
}

/* Required and optional commands (issue 20): a peer without the optional ones, and one without a required
 * one. Its own suite: the standing rules of setup() would answer the commands refused here. */
static void bare_setup(void)
{
	peer = scpi_peer_start();
	cr_assert_not_null(peer);
	scpi_peer_rule_common(peer);
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,N7744C,MY54321,V1.050");
	scpi_peer_rule(peer, ":SENS*:POW:UNIT 1", NULL);
	scpi_peer_rule(peer, ":SENS*:POW:ATIM?", "+1.00000000E-001");
}

TestSuite(n774x_features, .init = bare_setup, .fini = teardown, .timeout = 20);

Test(n774x_features, missing_optional_commands_mark_features_absent)
{
	scpi_peer_rule(peer, ":SENS*:POW:WAV?", "+1.55000000E-006");
	scpi_peer_rule_refuse(peer, ":READ1:POW:ALL:CONF?", "-113,\"Undefined header\"");
	scpi_peer_rule_refuse(peer, ":SENS1:CORR:COLL:ZERO?", "-113,\"Undefined header\"");
	lc_instrument *pm = open_on(peer, NULL);
	cr_assert_str_eq(scpi_peer_unexpected(peer), "");
	const char *name = NULL;
	cr_assert_eq(lc_instrument_feature_at(pm, 0, &name), 0);
	cr_assert_str_eq(name, "read_all");
	cr_assert_eq(lc_instrument_feature_at(pm, 1, &name), 0);
	cr_assert_str_eq(name, "zero");
	cr_assert_eq(lc_instrument_feature_at(pm, 2, &name), LC_ERR_NOT_FOUND);
	lc_power_meter_caps c;
	cr_assert_eq(lc_power_meter_caps_get(pm, &c, NULL), 0);
	cr_assert(!c.reads_all_at_once && !c.can_zero);
	/* without the all-channels tree every channel is read alone, and the readings are the same numbers */
	scpi_peer_clear_log(peer);
	scpi_peer_rule(peer, ":READ1:POW?", "+1.00000000E-003");
	scpi_peer_rule(peer, ":READ2:POW?", "+1.00000000E-004");
	scpi_peer_rule(peer, ":READ3:POW?", "+1.00000000E-005");
	scpi_peer_rule(peer, ":READ4:POW?", "+1.00000000E-006");
	double dbm[4];
	lc_diag d = {0};
	cr_assert_eq(lc_power_meter_read_all_dbm(pm, dbm, 4, &d), 4, "%s", d.text);
	for (int i = 0; i < 4; i++)
		cr_assert_float_eq(dbm[i], -10.0 * i, 1e-9);
	assert_log(peer, ":READ1:POW?|:READ2:POW?|:READ3:POW?|:READ4:POW?");
	cr_assert_eq(lc_power_meter_zero(pm, 1, &d), LC_ERR_UNSUPPORTED);
	json_t *j = snapshot_json(pm, &d);
	cr_assert_not_null(j, "%s", d.text);
	json_t *f = json_object_get(j, "features");
	cr_assert(json_is_false(json_object_get(f, "read_all")) && json_is_false(json_object_get(f, "zero")));
	json_decref(j);
	lc_instrument_close(pm);
}

Test(n774x_features, a_missing_required_command_fails_attach_naming_it)
{
	scpi_peer_rule_refuse(peer, ":SENS1:POW:WAV?", "-113,\"Undefined header\"");
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.timeout_ms = 5000;
	lc_instrument *pm = NULL;
	lc_diag d = {0};
	cr_assert_eq(lc_instrument_open(scpi_peer_resource(peer), &o, &pm, &d), LC_ERR_INSTRUMENT, "%s", d.text);
	cr_assert_null(pm);
	cr_assert(strstr(d.text, "requires ':SENS1:POW:WAV?'"), "%s", d.text);
	cr_assert(strstr(d.text, "-113 Undefined header while"), "%s", d.text);
	/* refused through the marker *IDN? (the fault fired), and nothing of attach was sent */
	cr_assert(strstr(scpi_peer_log(peer), ":SENS1:POW:WAV?|*IDN?"), "%s", scpi_peer_log(peer));
	cr_assert_null(strstr(scpi_peer_log(peer), "UNIT"), "%s", scpi_peer_log(peer));
}
