/* Scenario files: every bad input gets a clear error naming the file and the key. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <string.h>

#include "simworld_util.h"

/* Parse dr4-breakout-good after `patch` (a JSON object merged at the top, or a function's edit). */
static int parse_patched(void (*edit)(json_t *), lc_diag *d, lc_sim_scenario **out)
{
	json_t *root = sw_scenario_json("dr4-breakout-good");
	cr_assert(root);
	edit(root);
	lc_diag_clear(d);
	*out = sw_scenario_from(root, d);
	json_decref(root);
	return *out ? 0 : d->code;
}

static void expect(void (*edit)(json_t *), int code, const char *const *needles)
{
	lc_diag d;
	lc_sim_scenario *sc;
	int rc = parse_patched(edit, &d, &sc);
	lc_sim_scenario_free(sc);
	cr_assert_eq(rc, code, "got %d: %s", rc, lc_diag_message(&d));
	cr_assert(strstr(d.text, "in-memory-test.json"), "names the file: %s", d.text);
	for (; *needles; needles++)
		cr_assert(strstr(d.text, *needles), "'%s' in: %s", *needles, d.text);
}

static json_t *inst(json_t *r, const char *role) { return json_object_get(json_object_get(r, "instruments"), role); }

static void unknown_key(json_t *r) { json_object_set_new(r, "colour", json_string("green")); }
static void no_dut(json_t *r) { json_object_del(r, "dut"); }
static void bad_cable(json_t *r) { json_object_set_new(json_object_get(r, "dut"), "cable", json_string("no-such-cable")); }
static void bad_defect(json_t *r)
{
	json_error_t je;
	json_array_append_new(json_object_get(json_object_get(r, "dut"), "defects"),
			      json_loads("{\"type\": \"dirty_connector\", \"port\": \"Z9\", \"loss_db\": 1}", 0, &je));
}
static void missing_role(json_t *r) { json_object_del(json_object_get(r, "instruments"), "meter"); }
static void extra_role(json_t *r) { json_object_set_new(json_object_get(r, "instruments"), "otdr9", json_pack("{s:s}", "kind", "x")); }
static void bad_transport(json_t *r) { json_object_set_new(inst(r, "meter"), "transport", json_string("gpib")); }
static void not_loopback(json_t *r) { json_object_set_new(inst(r, "meter"), "address", json_string("10.0.0.5")); }
static void bad_fault_key(json_t *r) { json_object_set_new(inst(r, "meter"), "faults", json_pack("{s:i}", "explode_after", 3)); }
static void bad_fault_value(json_t *r) { json_object_set_new(inst(r, "meter"), "faults", json_pack("{s:[i]}", "push_errors", 0)); }
static void no_station(json_t *r) { json_object_set_new(r, "station", json_string("no-such-station")); }
static void no_kind(json_t *r) { json_object_del(inst(r, "meter"), "kind"); }
static void bad_seed(json_t *r) { json_object_set_new(r, "seed", json_string("seven")); }
static void bad_slot_empty(json_t *r) { json_object_set_new(r, "slot_empty", json_string("yes")); }

Test(sim_scenario, errors_name_file_and_key)
{
	expect(unknown_key, LC_ERR_FORMAT, (const char *const[]){"colour", "unknown key", NULL});
	expect(no_dut, LC_ERR_FORMAT, (const char *const[]){"dut", "missing", NULL});
	expect(bad_cable, LC_ERR_FORMAT, (const char *const[]){"no-such-cable", NULL});
	expect(bad_defect, LC_ERR_FORMAT, (const char *const[]){"defects[0]", "Z9", NULL});
	expect(missing_role, LC_ERR_FORMAT, (const char *const[]){"instruments.meter", "missing", NULL});
	expect(extra_role, LC_ERR_FORMAT, (const char *const[]){"instruments.otdr9", "no such role", NULL});
	expect(bad_transport, LC_ERR_FORMAT, (const char *const[]){"instruments.meter.transport", "gpib", NULL});
	expect(not_loopback, LC_ERR_FORMAT, (const char *const[]){"instruments.meter.address", "loopback", NULL});
	expect(bad_fault_key, LC_ERR_FORMAT, (const char *const[]){"instruments.meter.faults.explode_after", NULL});
	expect(bad_fault_value, LC_ERR_FORMAT, (const char *const[]){"push_errors[0]", NULL});
	expect(no_station, LC_ERR_NOT_FOUND, (const char *const[]){"station", "no-such-station", NULL});
	expect(no_kind, LC_ERR_FORMAT, (const char *const[]){"instruments.meter.kind", "missing", NULL});
	expect(bad_seed, LC_ERR_FORMAT, (const char *const[]){"seed", NULL});
	expect(bad_slot_empty, LC_ERR_FORMAT, (const char *const[]){"slot_empty", "true or false", NULL});
}

Test(sim_scenario, syntax_error_gives_line_and_column)
{
	lc_diag d;
	lc_sim_scenario *sc = NULL;
	const char *text = "{\n  \"name\": \"x\",\n  \"seed\": ,\n}";
	cr_assert_eq(lc_sim_scenario_parse(text, strlen(text), "broken.json", NULL, &sc, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "broken.json:3:"), "%s", d.text);
}

Test(sim_scenario, unavailable_kinds_are_named_not_faked)
{
	lc_diag d;
	lc_sim_scenario *sc = NULL;
	char fx[1024];
	cr_assert_eq(lc_sim_scenario_load("aoc-400g-good", sw_fixtures(fx, sizeof(fx)), &sc, &d), 0, "%s", d.text);
	lc_sim_runner *r = NULL;
	lc_sim_runner_opts o;
	lc_sim_runner_opts_init(&o);
	o.port_base = 1; /* never bound: the check comes first */
	int rc = lc_sim_runner_start(sc, &o, &r, &d);
	if (!lc_sim_kind_find("cmis_module")) {
		cr_assert_eq(rc, LC_ERR_UNSUPPORTED);
		cr_assert(strstr(d.text, "not available in this build") && strstr(d.text, "cmis_module (role i2c)"), "%s", d.text);
	} else {
		lc_sim_runner_stop(r);
	}
	lc_sim_scenario_free(sc);
	cr_assert_eq(lc_sim_scenario_load("field-tier2-good", fx, &sc, &d), 0, "%s", d.text);
	if (!lc_sim_kind_find("yokogawa_aq7260")) {
		cr_assert_eq(lc_sim_runner_start(sc, &o, &r, &d), LC_ERR_UNSUPPORTED);
		cr_assert(strstr(d.text, "yokogawa_aq7260 (role otdr)"), "%s", d.text);
	}
	lc_sim_scenario_free(sc);
}

static void bad_module(json_t *r)
{
	json_object_set_new(inst(r, "source"), "options", json_pack("{s:{s:s}}", "slots", "1", "81999Z"));
}

Test(sim_scenario, kind_options_are_checked_when_starting)
{
	lc_diag d;
	lc_sim_scenario *sc;
	cr_assert_eq(parse_patched(bad_module, &d, &sc), 0);
	lc_sim_runner *r = NULL;
	cr_assert_null(sw_start(sc, 1, &d));
	(void)r;
	cr_assert(strstr(d.text, "instruments.source.options.slots.1") && strstr(d.text, "81999Z"), "%s", d.text);
	lc_sim_scenario_free(sc);
}

static void wrong_polarity_mid_chain(json_t *r)
{
	json_error_t je;
	json_object_set_new(r, "dut", json_loads("{\"cable\": \"chain-method-b-om4\", \"serial\": \"X\", \"defects\": "
						 "[{\"type\": \"wrong_polarity\", \"component\": \"trunk\", \"polarity\": \"A\"}]}",
						 0, &je));
}

Test(sim_scenario, defects_the_simulator_cannot_model_are_refused)
{
	lc_diag d;
	lc_sim_scenario *sc;
	cr_assert_eq(parse_patched(wrong_polarity_mid_chain, &d, &sc), 0, "%s", d.text);
	lc_sim_world *w = NULL;
	cr_assert_eq(lc_sim_world_create(sc, &w, &d), LC_ERR_UNSUPPORTED);
	cr_assert(strstr(d.text, "wrong_polarity") && strstr(d.text, "trunk"), "%s", d.text);
	lc_sim_scenario_free(sc);
}

Test(sim_scenario, every_shipped_scenario_loads_and_builds_its_world)
{
	/* every file of scenarios/, among them dr4-four-slots and dr4-eight-slots (20 and 40 instruments, 12 and
	 * 24 switches: eight slots need more than the 16 switches the world once held) */
	char fx[1024], dir[1100];
	sw_fixtures(fx, sizeof(fx));
	snprintf(dir, sizeof(dir), "%s/scenarios", fx);
	DIR *dp = opendir(dir);
	cr_assert_not_null(dp, "%s", dir);
	size_t n = 0;
	for (struct dirent *de; (de = readdir(dp));) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 6 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name);
		lc_diag d;
		lc_sim_scenario *sc = NULL;
		cr_assert_eq(lc_sim_scenario_load(name, fx, &sc, &d), 0, "%s: %s", name, d.text);
		lc_sim_world *w = NULL;
		cr_assert_eq(lc_sim_world_create(sc, &w, &d), 0, "%s: %s", name, d.text);
		lc_sim_world_destroy(w);
		lc_sim_scenario_free(sc);
		n++;
	}
	closedir(dp);
	cr_expect_geq(n, 40, "%zu scenarios", n);
}
