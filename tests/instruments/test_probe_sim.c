/*
 * `lanecert probe` only reads (issue 20, item 4): against the simulator, every setting a driver changes at
 * attach (the N7745C's and the 8164B sensor's power unit, the 8164B source's) reads the same before and after
 * the probe. The units are first set away from what the drivers want, so a probe that did not put them back
 * would be seen; the instrument is read over its own session, not through the driver.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/runner.h"
#include "sim/sim.h"
#include "tests/port_range.h"
#include <lanecert/channel.h>
#include <lanecert/hal.h>

static lc_sim_scenario *sc;
static lc_sim_runner *runner;

static void setup(void)
{
	lc_diag d;
	lc_diag_clear(&d);
	cr_assert_eq(lc_sim_scenario_load("dr4-breakout-good", NULL, &sc, &d), 0, "%s", lc_diag_message(&d));
	lc_sim_runner_opts ro;
	lc_sim_runner_opts_init(&ro);
	ro.time_scale = 0;
	ro.no_control = true;
	int rc = LC_ERR_BUSY;
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS && rc == LC_ERR_BUSY; attempt++) {
		ro.port_base = tp_port_base(16, attempt);
		rc = lc_sim_runner_start(sc, &ro, &runner, &d);
	}
	cr_assert_eq(rc, 0, "%s", lc_diag_message(&d));
}

static void teardown(void)
{
	lc_sim_runner_stop(runner);
	lc_sim_scenario_free(sc);
}

TestSuite(probe_sim, .init = setup, .fini = teardown, .timeout = 60);

static const char *resource_of(const char *role)
{
	for (size_t i = 0; i < lc_sim_runner_count(runner); i++) {
		lc_sim_runner_info info;
		if (lc_sim_runner_info_at(runner, i, &info) == 0 && strcmp(info.role, role) == 0)
			return info.resource;
	}
	cr_assert_fail("the simulator serves no '%s'", role);
	return NULL;
}

/* Send cmd on a session of its own (closed afterwards, so probe's session is the only one meanwhile); a
 * query's reply into reply. A write is followed by *OPC? on the same session: the simulator serves each
 * session on its own, so without it a write sent just before the close could still be unapplied when the
 * next session asks (seen under a parallel ctest: the unit read back as it was before the write). */
static void scpi(const char *res, const char *cmd, char *reply, size_t cap)
{
	lc_scpi *s = NULL;
	lc_diag d;
	lc_diag_clear(&d);
	cr_assert_eq(lc_scpi_open(res, NULL, &s, &d), 0, "%s", lc_diag_message(&d));
	char opc[16];
	int rc = reply ? lc_scpi_query(s, cmd, reply, cap) : lc_scpi_write(s, cmd);
	cr_assert_geq(rc, 0, "%s: %d", cmd, rc);
	if (!reply) {
		rc = lc_scpi_query(s, "*OPC?", opc, sizeof(opc));
		cr_assert_geq(rc, 0, "*OPC? after %s: %d", cmd, rc);
	}
	if (reply) /* the reply as sent, without its terminator */
		reply[strcspn(reply, "\r\n")] = '\0';
	lc_scpi_close(s);
}

/* lanecert probe ARGS; its stdout into out. Returns the exit status. */
static int probe(const char *args, char *out, size_t cap)
{
	const char *cli = getenv("LC_CLI");
	cr_assert_not_null(cli, "LC_CLI not set");
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' probe %s 2>&1", cli, args);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	int st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(probe_sim, n7745c_units_read_the_same_after_probe)
{
	const char *res = resource_of("meter");
	/* channels 1 and 6 in dBm, the others as the simulator starts them (W): a mix the driver would flatten */
	scpi(res, ":SENS1:POW:UNIT 0", NULL, 0);
	scpi(res, ":SENS6:POW:UNIT 0", NULL, 0);
	char before[128], after[128], out[8192];
	scpi(res, ":SENS:POW:UNIT:ALL:CSV?", before, sizeof(before));
	cr_assert_str_eq(before, "0,1,1,1,1,0,1,1", "the simulator's units before: %s", before);
	cr_assert_eq(probe(res, out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "driver keysight_n774x, class power_meter"), "%s", out);
	cr_assert(strstr(out, "channel 8: wavelength"), "%s", out);
	scpi(res, ":SENS:POW:UNIT:ALL:CSV?", after, sizeof(after));
	cr_assert_str_eq(after, before, "probe changed the units: %s before, %s after", before, after);
}

Test(probe_sim, k8164b_sensor_and_source_units_read_the_same_after_probe)
{
	const char *res = resource_of("source");
	scpi(res, ":SENS2:CHAN1:POW:UNIT 0", NULL, 0); /* the driver wants W */
	scpi(res, ":SOUR1:POW:UNIT 1", NULL, 0);       /* the driver wants dBm */
	char sens[64], sour[64], out[8192], args[512];
	scpi(res, ":SENS2:CHAN1:POW:UNIT?", sens, sizeof(sens));
	scpi(res, ":SOUR1:POW:UNIT?", sour, sizeof(sour));
	cr_assert_str_neq(sens, sour, "the test needs the two units apart: %s, %s", sens, sour);
	snprintf(args, sizeof(args), "%s --layout '1:source@1310/1550!wavsel,2:sensor,3:rl@1310/1550!wavsel'", res);
	cr_assert_eq(probe(args, out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "driver keysight_816x"), "%s", out);
	char sens2[64], sour2[64];
	scpi(res, ":SENS2:CHAN1:POW:UNIT?", sens2, sizeof(sens2));
	scpi(res, ":SOUR1:POW:UNIT?", sour2, sizeof(sour2));
	cr_assert_str_eq(sens2, sens, "probe changed the sensor's unit: %s -> %s", sens, sens2);
	cr_assert_str_eq(sour2, sour, "probe changed the source's unit: %s -> %s", sour, sour2);
}

/* Without --layout, the simulated 8164B names the modules the scenario fitted (slots 1-3 by default; slot 0
 * and slot 4 empty), through the same :SLOT queries a real one answers; the MP1900A its PPG and ED. */
Test(probe_sim, modules_listed_without_a_layout)
{
	char out[8192], args[512];
	snprintf(args, sizeof(args), "%s --json", resource_of("source"));
	cr_assert_eq(probe(args, out, sizeof(out)), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	json_t *mods = json_object_get(j, "modules");
	cr_assert_eq(json_array_size(mods), 3, "%s", out);
	static const char *const models[] = {"81657A", "81634B", "81610A"};
	static const char *const parts[] = {"1:source@NM", "2:sensor", "3:rl@NM"};
	for (size_t i = 0; i < 3; i++) {
		json_t *m = json_array_get(mods, i);
		cr_assert_eq(json_integer_value(json_object_get(m, "slot")), (json_int_t)i + 1, "%s", out);
		cr_assert_str_eq(json_string_value(json_object_get(m, "model")), models[i]);
		cr_assert_str_eq(json_string_value(json_object_get(m, "layout")), parts[i]);
		cr_assert(!strncmp(json_string_value(json_object_get(m, "detail")), "Agilent Technologies, serial ", 29),
			  "%s", out);
	}
	json_decref(j);
	cr_assert_eq(probe(resource_of("bert"), out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "unit 1 slot 1: MU196020A (1)") && strstr(out, "unit 1 slot 3: MU196040A (1)"), "%s", out);
	cr_assert(!strstr(out, "slot 2:"), "%s", out);
}

/* ---- chained MP1900A units (issue 20, item 4) ------------------------------------------------------------ */

static lc_sim_scenario *usc;
static lc_sim_runner *urun;
static char upath[64];

/* The default scenario with its MP1900A given `units` chained units, served on its own. */
static void serve_units(long units)
{
	lc_diag d;
	lc_diag_clear(&d);
	char dir[4096], path[4200];
	cr_assert_eq(lc_fixtures_dir(NULL, dir, sizeof(dir), &d), 0, "%s", lc_diag_message(&d));
	snprintf(path, sizeof(path), "%s/scenarios/dr4-breakout-good.json", dir);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	cr_assert_not_null(j, "%s: %s", path, je.text);
	json_t *bert = json_object_get(json_object_get(j, "instruments"), "bert");
	cr_assert_not_null(bert);
	json_object_set_new(bert, "options", json_pack("{s:I}", "units", (json_int_t)units));
	snprintf(path, sizeof(path), "%s/scenarios/stations/dr4-bench.json", dir); /* the copy is not beside it */
	json_object_set_new(j, "station", json_string(path));
	snprintf(upath, sizeof(upath), "/tmp/lc-probe-units-XXXXXX");
	int fd = mkstemp(upath);
	cr_assert_geq(fd, 0);
	cr_assert_eq(json_dumpfd(j, fd, 0), 0);
	close(fd);
	json_decref(j);
	cr_assert_eq(lc_sim_scenario_load(upath, dir, &usc, &d), 0, "%s", lc_diag_message(&d));
	lc_sim_runner_opts ro;
	lc_sim_runner_opts_init(&ro);
	ro.time_scale = 0;
	ro.no_control = true;
	int rc = LC_ERR_BUSY;
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS && rc == LC_ERR_BUSY; attempt++) {
		ro.port_base = tp_port_base(16, attempt);
		rc = lc_sim_runner_start(usc, &ro, &urun, &d);
	}
	cr_assert_eq(rc, 0, "%s", lc_diag_message(&d));
	runner = urun; /* resource_of() looks here */
}

static void units_teardown(void)
{
	lc_sim_runner_stop(urun);
	lc_sim_scenario_free(usc);
	if (upath[0])
		unlink(upath);
}

TestSuite(probe_units, .fini = units_teardown, .timeout = 60);

/* Two chained units: probe lists unit 1's PPG and ED and unit 2's module, stops at unit 3 (refused: -222 in
 * the simulator's queue), and leaves unit 1 selected as it found it, though it selected unit 2 meanwhile. */
Test(probe_units, two_units_listed_and_selection_restored)
{
	serve_units(2);
	const char *res = resource_of("bert");
	char sel[32], out[8192], args[512];
	scpi(res, ":UENT:ID 1", NULL, 0);
	snprintf(args, sizeof(args), "%s --json", res);
	cr_assert_eq(probe(args, out, sizeof(out)), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	json_t *mods = json_object_get(j, "modules");
	cr_assert_eq(json_array_size(mods), 3, "%s", out);
	static const int units[] = {1, 1, 2}, slots[] = {1, 3, 1};
	static const char *const models[] = {"MU196020A", "MU196040A", "MU181000A"};
	for (size_t i = 0; i < 3; i++) {
		json_t *m = json_array_get(mods, i);
		cr_assert_eq(json_integer_value(json_object_get(m, "unit")), units[i], "%s", out);
		cr_assert_eq(json_integer_value(json_object_get(m, "slot")), slots[i], "%s", out);
		cr_assert_str_eq(json_string_value(json_object_get(m, "model")), models[i], "%s", out);
	}
	json_decref(j);
	scpi(res, ":UENT:ID?", sel, sizeof(sel));
	cr_assert_str_eq(sel, "1", "probe left unit %s selected", sel);
	/* and from unit 2: it is put back there, and the text output names both units */
	scpi(res, ":UENT:ID 2", NULL, 0);
	cr_assert_eq(probe(res, out, sizeof(out)), 0, "%s", out);
	cr_assert(strstr(out, "unit 1 slot 1: MU196020A (1)") && strstr(out, "unit 2 slot 1: MU181000A (1)"), "%s", out);
	scpi(res, ":UENT:ID?", sel, sizeof(sel));
	cr_assert_str_eq(sel, "2", "probe left unit %s selected", sel);
}

/* One unit (the default): unit 1 only, as before chained units were asked; :UENT:ID 2 is refused. */
Test(probe_units, one_unit_lists_unit_1_only)
{
	serve_units(1);
	const char *res = resource_of("bert");
	char out[8192], args[512];
	snprintf(args, sizeof(args), "%s --json", res);
	cr_assert_eq(probe(args, out, sizeof(out)), 0, "%s", out);
	json_t *j = json_loads(out, 0, NULL);
	cr_assert_not_null(j, "%s", out);
	json_t *mods = json_object_get(j, "modules");
	cr_assert_eq(json_array_size(mods), 2, "%s", out);
	for (size_t i = 0; i < 2; i++)
		cr_assert_eq(json_integer_value(json_object_get(json_array_get(mods, i), "unit")), 1, "%s", out);
	json_decref(j);
	/* what probe met at unit 2: the simulator refuses it with -222 in its queue and keeps unit 1 */
	lc_scpi *s = NULL;
	lc_diag d;
	lc_diag_clear(&d);
	char err[128], sel[32];
	cr_assert_eq(lc_scpi_open(res, NULL, &s, &d), 0, "%s", lc_diag_message(&d));
	cr_assert_geq(lc_scpi_write(s, ":UENT:ID 2"), 0);
	cr_assert_geq(lc_scpi_query(s, ":SYST:ERR?", err, sizeof(err)), 0);
	cr_assert_geq(lc_scpi_query(s, ":UENT:ID?", sel, sizeof(sel)), 0);
	lc_scpi_close(s);
	cr_assert(!strncmp(err, "-222", 4), "SYST:ERR? after :UENT:ID 2: %s", err);
	cr_assert_eq(atoi(sel), 1, "%s", sel);
}
