/*
 * Required and optional commands (issue 20, item 3), seen from the command line against the simulator: the
 * scenario takes commands away from the N7745C meter (faults.without), as a model or firmware without them.
 *  - without the all-channels tree (an optional feature) the meter reads each channel alone: the run still
 *    certifies, `lanecert probe` says the feature is absent, the report's instrument entry records it;
 *  - without the wavelength query (a required command) the meter is refused at attach, naming the command and
 *    the instrument's -113, at once (the probe's 60 s timeout would outlast the test's): probe exits 78, a run
 *    ends `error` (exit 3) with that reason.
 * The meter is served on a raw socket, where a refusal is told without waiting out the timeout (docs/hal.md).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "base/atomic_file.h"
#include "tests/procedures/run_cli.h"
#include "tests/sim/simworld_util.h"

extern char **environ;

TestSuite(run_features_cli, .timeout = 120);

/* scenario with its meter (of kind) on a socket, lacking the commands in without (a JSON array). */
static void start_meter(run_cli *c, const char *scenario, const char *kind, const char *without, const char *tag)
{
	json_error_t je;
	json_t *sc = sw_scenario_json(scenario);
	json_t *meter = json_object_get(json_object_get(sc, "instruments"), "meter");
	cr_assert_str_eq(json_string_value(json_object_get(meter, "kind")), kind);
	json_object_set_new(meter, "transport", json_string("socket"));
	json_t *w = json_loads(without, 0, &je);
	cr_assert_not_null(w, "%s", je.text);
	json_object_set_new(meter, "faults", json_pack("{s:o}", "without", w));
	run_cli_start(c, sc, tag);
}

/* dr4-breakout-good with its N7745C meter lacking the commands in without. */
static void start(run_cli *c, const char *without, const char *tag)
{
	start_meter(c, "dr4-breakout-good", "keysight_n7745c", without, tag);
}

static uint64_t without_fired(run_cli *c)
{
	uint64_t n[LC_SIM_FAULT_KINDS];
	lc_sim_scpi *e = lc_sim_runner_engine(c->runner, "meter");
	cr_assert_not_null(e);
	lc_sim_scpi_fault_counts(e, n);
	return n[LC_SIM_FAULT_WITHOUT];
}

static const char *meter_resource(run_cli *c)
{
	for (size_t i = 0; i < lc_sim_runner_count(c->runner); i++) {
		lc_sim_runner_info info;
		if (lc_sim_runner_info_at(c->runner, i, &info) == 0 && strcmp(info.role, "meter") == 0)
			return info.resource;
	}
	cr_assert_fail("no meter");
	return NULL;
}

/* lanecert probe RESOURCE [--json] --timeout 60000; stdout and stderr into *out / *err (malloc). */
static int probe(run_cli *c, bool json, char **out, char **err)
{
	const char *cli = getenv("LC_CLI");
	cr_assert(cli);
	char of[700], ef[700];
	snprintf(of, sizeof(of), "%s/probe.out", c->dir);
	snprintf(ef, sizeof(ef), "%s/probe.err", c->dir);
	const char *argv[] = {cli, "probe", meter_resource(c), "--timeout", "60000", json ? "--json" : NULL, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, of, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, ef, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, cli, &fa, NULL, (char *const *)argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	int st = 0;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	size_t len;
	lc_diag d;
	cr_assert_eq(lc_read_file(of, 1u << 20, out, &len, &d), 0, "%s", d.text);
	cr_assert_eq(lc_read_file(ef, 1u << 20, err, &len, &d), 0, "%s", d.text);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static json_t *find_instrument(json_t *report, const char *role)
{
	size_t i;
	json_t *in;
	json_array_foreach(json_object_get(report, "instruments"), i, in)
		if (!strcmp(json_string_value(json_object_get(in, "role")), role))
			return in;
	cr_assert_fail("no %s in the report", role);
	return NULL;
}

/* The "result" line's report, parsed; its instrument entry of role. */
static json_t *report_instrument(const run_cli *c, const char *role, json_t **report)
{
	const char *p = strstr(c->out, "\"event\":\"result\"");
	cr_assert_not_null(p, "%s", c->out);
	while (p > c->out && p[-1] != '\n')
		p--;
	json_error_t je;
	json_t *line = json_loadb(p, strcspn(p, "\n"), 0, &je);
	cr_assert_not_null(line, "%s", je.text);
	const char *dir = json_string_value(json_object_get(line, "report"));
	cr_assert_not_null(dir, "%s", p);
	char path[1024];
	snprintf(path, sizeof(path), "%s%s", dir, strstr(dir, ".json") ? "" : "/report.json");
	*report = json_load_file(path, 0, &je);
	json_decref(line);
	cr_assert_not_null(*report, "%s: %s", path, je.text);
	return find_instrument(*report, role);
}

Test(run_features_cli, a_meter_without_the_all_channels_tree_certifies_reading_each_channel)
{
	run_cli c;
	start(&c, "[\":READ:POW:ALL:CONF\", \":READ:POW:ALL\"]", "cli-features-optional");
	char *out, *err;
	cr_assert_eq(probe(&c, true, &out, &err), 0, "%s", err);
	json_error_t je;
	json_t *snap = json_loads(out, 0, &je);
	cr_assert_not_null(snap, "%s: %s", je.text, out);
	json_t *f = json_object_get(snap, "features");
	cr_expect(json_is_false(json_object_get(f, "read_all")), "%s", out);
	cr_expect(json_is_true(json_object_get(f, "zero")), "%s", out);
	json_decref(snap);
	free(out), free(err);
	cr_assert_eq(probe(&c, false, &out, &err), 0, "%s", err);
	cr_expect(strstr(out, "  features: read_all ABSENT zero present\n"), "%s", out);
	free(out), free(err);
	cr_assert_eq(without_fired(&c), 2, "each probe's detection, and nothing else, was refused");

	int code = run_cli_run(&c, "breakout-dr4-4x100g", "NO-READ-ALL-1", NULL);
	char verdict[32], why[400];
	cr_expect(run_cli_json_lines_ok(&c, verdict, sizeof(verdict), why, sizeof(why)), "%s", why);
	cr_expect_eq(code, 0, "exit %d: %s", code, c.out);
	cr_expect_str_eq(verdict, "pass");
	/* the run's attach met the refusal once more, and read the channels one by one afterwards */
	cr_expect_eq(without_fired(&c), 3);
	json_t *report;
	json_t *meter = report_instrument(&c, "meter", &report);
	json_t *absent = json_object_get(meter, "features_absent");
	cr_expect(json_is_array(absent) && json_array_size(absent) == 1 &&
			  !strcmp(json_string_value(json_array_get(absent, 0)), "read_all"),
		  "features_absent of the meter");
	json_t *source = find_instrument(report, "source");
	cr_expect_null(json_object_get(source, "features_absent"), "an instrument lacking nothing records nothing");
	json_decref(report);
	run_cli_stop(&c);
}

Test(run_features_cli, a_meter_without_a_required_command_is_refused_at_attach)
{
	run_cli c;
	start(&c, "[\":SENS:POW:WAV\"]", "cli-features-required");
	char *out, *err;
	cr_assert_eq(probe(&c, false, &out, &err), 78, "%s%s", out, err);
	cr_expect(strstr(err, "requires ':SENS1:POW:WAV?': the instrument's error queue holds -113 Undefined "
			      "header;SENS1:POW:WAV? while ':SENS1:POW:WAV?' waited: it or a command before it was "
			      "refused"), "%s", err);
	free(out), free(err);
	cr_assert_eq(without_fired(&c), 1);
	/* a run records a station it cannot open as its error (exit 3, as for any instrument refused at open) */
	int code = run_cli_run(&c, "breakout-dr4-4x100g", "NO-WAV-1", NULL);
	cr_expect_eq(code, 3, "exit %d: %s", code, c.out);
	cr_expect_str_eq(c.store_verdict, "error");
	cr_expect(strstr(c.reason, "requires ':SENS1:POW:WAV?': the instrument's error queue holds -113"), "%s", c.reason);
	cr_expect_eq(without_fired(&c), 2);
	run_cli_stop(&c);
}

/* The Thorlabs PM100 without its zero family (a firmware or model without zeroing): probe says `zero ABSENT`,
 * and the field bench still certifies (field-tier1 reads power, it never zeroes); the report records it. */
Test(run_features_cli, a_pm100_without_zeroing_certifies_with_zero_absent)
{
	run_cli c;
	start_meter(&c, "field-tier1-good", "thorlabs_pm100usb",
		    "[\"SENS:CORR:COLL:ZERO\", \"SENS:CORR:COLL:ZERO:MAGN\", \"SENS:CORR:COLL:ZERO:STAT\", "
		    "\"SENS:CORR:COLL:ZERO:ABOR\"]", "cli-features-pm100");
	char *out, *err;
	cr_assert_eq(probe(&c, false, &out, &err), 0, "%s%s", out, err);
	cr_expect(strstr(out, "  features: zero ABSENT\n"), "%s", out);
	free(out), free(err);
	cr_assert_eq(without_fired(&c), 1, "the probe's detection, and nothing else, was refused");

	int code = run_cli_run(&c, "field-tier1", "PM100-NO-ZERO-1", NULL);
	char verdict[32], why[400];
	cr_expect(run_cli_json_lines_ok(&c, verdict, sizeof(verdict), why, sizeof(why)), "%s", why);
	cr_expect_eq(code, 0, "exit %d: %s", code, c.out);
	cr_expect_str_eq(verdict, "pass");
	cr_expect_eq(without_fired(&c), 2, "the run's attach met the refusal once more");
	json_t *report;
	json_t *meter = report_instrument(&c, "meter", &report);
	json_t *absent = json_object_get(meter, "features_absent");
	cr_expect(json_is_array(absent) && json_array_size(absent) == 1 &&
			  !strcmp(json_string_value(json_array_get(absent, 0)), "zero"),
		  "features_absent of the meter");
	json_decref(report);
	run_cli_stop(&c);
}
