/* `lanecert probe` against scripted peers: JSON keys, text, unknown instruments and their exit code. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "scpi_peer.h"

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

TestSuite(probe, .init = setup, .fini = teardown, .timeout = 30);

/* Run lanecert probe with args; stdout into out. Returns the exit status. */
static int run(const char *args, char *out, size_t cap)
{
	const char *cli = getenv("LC_CLI");
	cr_assert_not_null(cli, "LC_CLI not set");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' probe %s 2>/dev/null", cli, args);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void n7744c(void)
{
	scpi_peer_rule(peer, "*IDN?", "Keysight Technologies,N7744C,MY54321,V1.050");
	scpi_peer_rule(peer, ":SENS1:POW:UNIT?", "+1"); /* already W: left alone */
	scpi_peer_rule(peer, ":SENS*:POW:UNIT?", "+0"); /* dBm: set to W, then put back */
	scpi_peer_rule(peer, ":SENS*:POW:UNIT 1", NULL);
	scpi_peer_rule(peer, ":SENS*:POW:UNIT +0", NULL);
	scpi_peer_rule(peer, ":SENS*:POW:ATIM?", "+1.00000000E-001");
	scpi_peer_rule(peer, ":SENS*:POW:WAV?", "+1.55000000E-006");
	scpi_peer_rule(peer, ":READ1:POW?", "+5.00000000E-004");
	scpi_peer_rule(peer, ":READ*:POW?", "+0.00000000E+000");
}

Test(probe, power_meter_json)
{
	n7744c();
	char out[8192], args[256];
	snprintf(args, sizeof(args), "%s --json", scpi_peer_resource(peer));
	cr_assert_eq(run(args, out, sizeof(out)), 0, "%s", out);
	json_error_t e;
	json_t *j = json_loads(out, 0, &e);
	cr_assert_not_null(j, "%s: %s", e.text, out);
	cr_assert_str_eq(json_string_value(json_object_get(j, "driver")), "keysight_n774x");
	cr_assert_str_eq(json_string_value(json_object_get(j, "class")), "power_meter");
	json_t *chs = json_object_get(j, "channels");
	cr_assert_eq(json_array_size(chs), 4);
	json_t *c = json_array_get(chs, 0);
	cr_assert_eq(json_integer_value(json_object_get(c, "channel")), 1);
	cr_assert_float_eq(json_number_value(json_object_get(c, "wavelength_nm")), 1550, 1e-6);
	cr_assert_float_eq(json_number_value(json_object_get(c, "averaging_s")), 0.1, 1e-9);
	cr_assert_float_eq(json_number_value(json_object_get(c, "power_dbm")), -3.0103, 1e-4);
	cr_assert(json_is_null(json_object_get(json_array_get(chs, 3), "power_dbm")));
	json_decref(j);
}

Test(probe, power_meter_text)
{
	n7744c();
	char out[8192];
	cr_assert_eq(run(scpi_peer_resource(peer), out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "driver keysight_n774x, class power_meter"), "%s", out);
	cr_assert(strstr(out, "channel 1: wavelength 1550.000 nm, averaging 0.1 s, power -3.010 dBm"), "%s", out);
	cr_assert(strstr(out, "channel 4: wavelength 1550.000 nm, averaging 0.1 s, power below range"), "%s", out);
	const char *log = scpi_peer_log_nostb(peer);
	/* channel 1 was in W already: never written; the others are set to W and put back, last first */
	cr_assert(!strstr(log, ":SENS1:POW:UNIT 1"), "%s", log);
	cr_assert(strstr(log, ":SENS2:POW:UNIT?|:SENS2:POW:UNIT 1|"), "%s", log);
	const char *tail = ":SENS4:POW:UNIT +0|:SENS3:POW:UNIT +0|:SENS2:POW:UNIT +0";
	cr_assert(strlen(log) > strlen(tail) && !strcmp(log + strlen(log) - strlen(tail), tail), "%s", log);
	cr_assert_str_empty(scpi_peer_unexpected(peer));
}

/* A snapshot that fails half way (channel 2's wavelength is not a number) still puts the units back. */
Test(probe, units_put_back_when_the_read_fails)
{
	scpi_peer_rule(peer, ":SENS2:POW:WAV?", "garbled");
	n7744c();
	char out[8192];
	cr_assert_eq(run(scpi_peer_resource(peer), out, sizeof(out)), 76, "%s", out);
	const char *log = scpi_peer_log_nostb(peer);
	cr_assert(strstr(log, ":SENS2:POW:WAV?|:SENS4:POW:UNIT +0|:SENS3:POW:UNIT +0|:SENS2:POW:UNIT +0"), "%s", log);
}

Test(probe, switch_text)
{
	scpi_peer_rule(peer, "*IDN?", "Dicon Fiberoptics Inc, GP600, 19A0M10D0117, 7.0");
	scpi_peer_rule(peer, "SYST:ERR?", "+0, No Error");
	scpi_peer_rule(peer, "SYST:CONF?", "X1");
	scpi_peer_rule(peer, "X1 DIM?", "1,16");
	scpi_peer_rule(peer, "X1 CH 1?", "1,5");
	char out[8192];
	cr_assert_eq(run(scpi_peer_resource(peer), out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "driver dicon_gp600, class switch"), "%s", out);
	cr_assert(strstr(out, "input 1 -> output 5"), "%s", out);
}

Test(probe, unknown_instrument_has_its_own_exit_code)
{
	scpi_peer_rule(peer, "*IDN?", "Acme Photonics,OPM-9,SN77,1.2");
	char out[8192], args[256];
	snprintf(args, sizeof(args), "%s --json", scpi_peer_resource(peer));
	cr_assert_eq(run(args, out, sizeof(out)), 66, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	cr_assert(json_is_null(json_object_get(j, "driver")));
	cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "idn"), "model")), "OPM-9");
	json_decref(j);
}

Test(probe, usage_errors)
{
	char out[8192];
	cr_assert_eq(run("", out, sizeof(out)), 64);
	cr_assert_eq(run("--bogus", out, sizeof(out)), 64);
	cr_assert_eq(run("A B", out, sizeof(out)), 64);
	cr_assert_eq(run("X --timeout 0", out, sizeof(out)), 64);
	cr_assert_eq(run("NOT::A::RESOURCE", out, sizeof(out)), 64);
	cr_assert_eq(run("--list", out, sizeof(out)), 0);
	cr_assert(strstr(out, "keysight_n774x") && strstr(out, "N7745[AC]"), "%s", out);
}
