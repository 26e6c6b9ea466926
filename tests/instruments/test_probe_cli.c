/* `lanecert probe` against scripted peers: JSON keys, text, unknown instruments and their exit code. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdbool.h>
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

/* Run lanecert probe with args; its stdout (with stderr too when asked) into out. Returns the exit status. */
static int run_probe(const char *args, bool with_stderr, char *out, size_t cap)
{
	const char *cli = getenv("LC_CLI");
	cr_assert_not_null(cli, "LC_CLI not set");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' probe %s %s", cli, args, with_stderr ? "2>&1" : "2>/dev/null");
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int run(const char *args, char *out, size_t cap)
{
	return run_probe(args, false, out, cap);
}

static int run_all(const char *args, char *out, size_t cap)
{
	return run_probe(args, true, out, cap);
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
	/* the optional features' probes (keysight_n774x.c): the channel map of 4 channels, and zeroing */
	static const char conf[] = "#216\x01\0\x01\0\x02\0\x01\0\x03\0\x01\0\x04\0\x01\0\n";
	scpi_peer_rule_bytes(peer, ":READ1:POW:ALL:CONF?", conf, sizeof(conf) - 1);
	scpi_peer_rule(peer, ":SENS1:CORR:COLL:ZERO?", "+0");
}

Test(probe, power_meter_json)
{
	/* this meter refuses the zero query (the rule before n7744c()'s answer wins) */
	scpi_peer_rule_refuse(peer, ":SENS1:CORR:COLL:ZERO?", "-113,\"Undefined header\"");
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
	/* the optional features as detected at attach: this meter refuses the zero query */
	json_t *f = json_object_get(j, "features");
	cr_assert(json_is_true(json_object_get(f, "read_all")) && json_is_false(json_object_get(f, "zero")), "%s", out);
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
	cr_assert(strstr(out, "\n  features: read_all present zero present\n"), "%s", out);
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

/* An 8164B without --layout: the slots it reports (:SLOT<n>:EMPT?, :SLOT<n>:IDN?, the guide's p. 81, with
 * the space its own example has after the first comma) and the layout that opens them. */
Test(probe, mainframe_without_layout_lists_its_modules)
{
	scpi_peer_rule(peer, "*IDN?", "Agilent Technologies,8164B,DE41200123,V5.25(72637)");
	scpi_peer_rule(peer, ":SLOT1:EMPT?", "0");
	scpi_peer_rule(peer, ":SLOT2:EMPT?", "0");
	scpi_peer_rule(peer, ":SLOT4:EMPT?", "0");
	scpi_peer_rule(peer, ":SLOT*:EMPT?", "1");
	scpi_peer_rule(peer, ":SLOT1:IDN?", "Agilent Technologies, 81657A,DE4300A001,07-Aug-18");
	scpi_peer_rule(peer, ":SLOT2:IDN?", "HEWLETT-PACKARD, 81635A,3411G06054,07-Aug-98");
	scpi_peer_rule(peer, ":SLOT4:IDN?", "Agilent Technologies, 81610A,DE4300A004,01-Feb-19");
	char out[8192], args[256];
	snprintf(args, sizeof(args), "%s --json", scpi_peer_resource(peer));
	cr_assert_eq(run(args, out, sizeof(out)), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	cr_assert_str_eq(json_string_value(json_object_get(j, "class")), "none");
	json_t *mods = json_object_get(j, "modules");
	cr_assert_eq(json_array_size(mods), 3, "%s", out);
	static const struct {
		int slot;
		const char *model, *layout;
	} want[] = {{1, "81657A", "1:source@NM"}, {2, "81635A", "2.1:sensor,2.2:sensor"}, {4, "81610A", "4:rl@NM"}};
	for (size_t i = 0; i < 3; i++) {
		json_t *m = json_array_get(mods, i);
		cr_assert_eq(json_integer_value(json_object_get(m, "slot")), want[i].slot);
		cr_assert_eq(json_integer_value(json_object_get(m, "unit")), 0);
		cr_assert_str_eq(json_string_value(json_object_get(m, "model")), want[i].model);
		cr_assert_str_eq(json_string_value(json_object_get(m, "layout")), want[i].layout);
	}
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(mods, 1), "detail")),
			 "HEWLETT-PACKARD, serial 3411G06054, firmware 07-Aug-98");
	json_decref(j);
	/* slot 0 (the back-loaded laser) to 4 asked, an identity only where a module sits; nothing written */
	cr_assert_str_eq(scpi_peer_log_nostb(peer), "*IDN?|:SLOT0:EMPT?|:SLOT1:EMPT?|:SLOT1:IDN?|:SLOT2:EMPT?|"
						    ":SLOT2:IDN?|:SLOT3:EMPT?|:SLOT4:EMPT?|:SLOT4:IDN?");
	cr_assert_eq(run(scpi_peer_resource(peer), out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "slot 2: 81635A (HEWLETT-PACKARD, serial 3411G06054, firmware 07-Aug-98)"), "%s", out);
	cr_assert(strstr(out, "--layout '1:source@NM,2.1:sensor,2.2:sensor,4:rl@NM'"), "%s", out);
	cr_assert_str_empty(scpi_peer_unexpected(peer));
}

/* A mainframe that does not answer its slot query: probe says which --layout to give, exit 64. The timeout
 * must fire (no rule answers :SLOT0:EMPT?), and must not on *IDN? and *STB?: 1.5 s. */
Test(probe, mainframe_that_cannot_list_its_modules_asks_for_a_layout)
{
	scpi_peer_rule(peer, "*IDN?", "Agilent Technologies,8164B,DE41200123,V5.25(72637)");
	char out[8192], args[256];
	snprintf(args, sizeof(args), "%s --timeout 1500", scpi_peer_resource(peer));
	cr_assert_eq(run_all(args, out, sizeof(out)), 64, "%s", out);
	cr_assert(strstr(out, "cannot list its modules") && strstr(out, ":SLOT0:EMPT?"), "%s", out);
	cr_assert(strstr(out, "--layout '1:source@1310/1550,2:sensor,3:rl@1310/1550'"), "%s", out);
}

/* An MP1900A without --layout: unit 1's slots by :SYST:MOD? (instrument-dialects.md §4.1), "NONE" skipped.
 * This one refuses :UENT:ID? (the selected unit): it is asked about unit 1 only, and no unit is selected. */
Test(probe, bert_without_layout_lists_its_modules)
{
	scpi_peer_rule(peer, "*IDN?", "ANRITSU,MP1900A,6261234567");
	scpi_peer_rule_refuse(peer, ":UENT:ID?", "-113,\"Undefined header\"");
	scpi_peer_rule(peer, ":UENT:ID 1;:SYST:MOD? 1", "MU196020A, 1");
	scpi_peer_rule(peer, ":UENT:ID 1;:SYST:MOD? 3", "\"MU196040A, 1\"");
	scpi_peer_rule(peer, ":UENT:ID 1;:SYST:MOD? *", "NONE");
	char out[8192], args[256];
	snprintf(args, sizeof(args), "%s --json", scpi_peer_resource(peer));
	cr_assert_eq(run(args, out, sizeof(out)), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	json_t *mods = json_object_get(j, "modules");
	cr_assert_eq(json_array_size(mods), 2, "%s", out);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(mods, 0), "unit")), 1);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(mods, 1), "slot")), 3);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(mods, 1), "model")), "MU196040A");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(mods, 1), "detail")), "1");
	cr_assert(!strncmp(json_string_value(json_object_get(j, "modules_note")), "unit 1 only: the instrument refused", 35),
		  "%s", out);
	json_decref(j);
	cr_assert(strstr(scpi_peer_log_nostb(peer), ":UENT:ID 1;:SYST:MOD? 8"), "%s", scpi_peer_log_nostb(peer));
	cr_assert_eq(run(scpi_peer_resource(peer), out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "unit 1 slot 1: MU196020A (1)"), "%s", out);
	cr_assert(strstr(out, "(unit 1 only: the instrument refused ':UENT:ID?'"), "%s", out);
	cr_assert(strstr(out, "--layout LAYOUT, e.g. '1.1.1>1.3.1,1.1.2>1.3.2'"), "%s", out);
	cr_assert(!strstr(scpi_peer_log_nostb(peer), ":UENT:ID 2") && !strstr(scpi_peer_log_nostb(peer), "|:UENT:ID 1|"),
		  "%s", scpi_peer_log_nostb(peer));
}

/* Chained units: unit 1 selected when probe came, unit 2 answers, unit 3 is refused (-222): both units'
 * modules, each selection read back, and unit 1 selected again as the last thing sent. */
Test(probe, bert_chained_units_listed_and_selection_put_back)
{
	scpi_peer_rule(peer, "*IDN?", "ANRITSU,MP1900A,6261234567");
	scpi_peer_rule(peer, ":UENT:ID?", "1");
	scpi_peer_rule(peer, ":UENT:ID 2;:UENT:ID?", "2");
	scpi_peer_rule_refuse(peer, ":UENT:ID 3;:UENT:ID?", "-222,\"Data out of range\"");
	scpi_peer_rule(peer, ":UENT:ID 1;:SYST:MOD? 1", "MU196020A, 1");
	scpi_peer_rule(peer, ":UENT:ID 2;:SYST:MOD? 2", "MU183020A, 2");
	scpi_peer_rule(peer, ":UENT:ID *;:SYST:MOD? *", "NONE");
	scpi_peer_rule(peer, ":UENT:ID 1", NULL);
	char out[8192], args[256];
	snprintf(args, sizeof(args), "%s --json", scpi_peer_resource(peer));
	cr_assert_eq(run(args, out, sizeof(out)), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	json_t *mods = json_object_get(j, "modules");
	cr_assert_eq(json_array_size(mods), 2, "%s", out);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(mods, 1), "unit")), 2, "%s", out);
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(mods, 1), "slot")), 2, "%s", out);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(mods, 1), "model")), "MU183020A");
	cr_assert_null(json_object_get(j, "modules_note"), "%s", out);
	json_decref(j);
	const char *log = scpi_peer_log_nostb(peer);
	cr_assert(strstr(log, ":UENT:ID 2;:SYST:MOD? 8|:UENT:ID 3;:UENT:ID?|"), "%s", log);
	cr_assert(!strstr(log, ":UENT:ID 4"), "%s", log);
	const char *tail = "|:UENT:ID 1";
	cr_assert(strlen(log) > strlen(tail) && !strcmp(log + strlen(log) - strlen(tail), tail), "%s", log);
}

/* An instrument that runs the rest of the message after refusing a unit (an execution error does not stop
 * it, IEEE 488.2): ":UENT:ID 3;:UENT:ID?" answers 2, the unit still selected; the chain ends there too. */
Test(probe, bert_chained_units_end_where_the_selection_is_not_taken)
{
	scpi_peer_rule(peer, "*IDN?", "ANRITSU,MP1900A,6261234567");
	scpi_peer_rule(peer, ":UENT:ID?", "1");
	scpi_peer_rule(peer, ":UENT:ID 2;:UENT:ID?", "2");
	scpi_peer_rule(peer, ":UENT:ID 3;:UENT:ID?", "2");
	scpi_peer_rule(peer, ":UENT:ID 1;:SYST:MOD? 1", "MU196020A, 1");
	scpi_peer_rule(peer, ":UENT:ID 2;:SYST:MOD? 2", "MU183020A, 2");
	scpi_peer_rule(peer, ":UENT:ID *;:SYST:MOD? *", "NONE");
	scpi_peer_rule(peer, ":UENT:ID 1", NULL);
	char out[8192], args[256];
	snprintf(args, sizeof(args), "%s --json", scpi_peer_resource(peer));
	cr_assert_eq(run(args, out, sizeof(out)), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	cr_assert_eq(json_array_size(json_object_get(j, "modules")), 2, "%s", out);
	json_decref(j);
	const char *log = scpi_peer_log_nostb(peer);
	cr_assert(!strstr(log, ":UENT:ID 4") && !strstr(log, ":UENT:ID 3;:SYST:MOD?"), "%s", log);
}

/* The instrument refuses to take back a setting probe changed (a unit write queues -221): probe fails with
 * the instrument's exit code 78, names the first refused setting with the instrument's error and counts the
 * others, and still tries every one of them. */
Test(probe, a_restore_the_instrument_refuses_fails_the_probe_loudly)
{
	scpi_peer_rule_refuse(peer, ":SENS*:POW:UNIT +0", "-221,\"Settings conflict\"");
	n7744c();
	char out[8192];
	cr_assert_eq(run_all(scpi_peer_resource(peer), out, sizeof(out)), 78, "%s", out);
	cr_assert(strstr(out, "a setting probe changed could not be put back"), "%s", out);
	cr_assert(strstr(out, ":SENS4:POW:UNIT +0") && strstr(out, "-221"), "%s", out);
	cr_assert(strstr(out, "and 2 more settings not put back"), "%s", out);
	const char *log = scpi_peer_log_nostb(peer);
	const char *tail = ":SENS4:POW:UNIT +0|:SENS3:POW:UNIT +0|:SENS2:POW:UNIT +0";
	cr_assert(strlen(log) > strlen(tail) && !strcmp(log + strlen(log) - strlen(tail), tail), "%s", log);
	cr_assert(strstr(scpi_peer_log(peer), ":SENS2:POW:UNIT +0|*STB?|SYST:ERR?"), "the refusal was read: %s",
		  scpi_peer_log(peer));
}
