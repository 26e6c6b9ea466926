/* The simulated station of the optical integration tests and of `lanecert-bench il` (sim_station.h). */
#include "sim_station.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fixtures/paths.h"
#include "instruments/power_meter/power_meter.h"
#include "instruments/source/source.h"
#include "instruments/switch/switch.h"
#include "tests/port_range.h"

static const char *resource_of(lc_sim_runner *r, const char *role)
{
	for (size_t i = 0; i < lc_sim_runner_count(r); i++) {
		lc_sim_runner_info info;
		if (lc_sim_runner_info_at(r, i, &info) == 0 && strcmp(info.role, role) == 0)
			return info.resource;
	}
	return NULL;
}

static int open_role(sim_station *s, const char *role, const char *layout, lc_instrument **out, lc_diag *diag)
{
	const char *res = resource_of(s->runner, role);
	if (!res)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "simulator serves no '%s'", role);
	lc_instrument_opts o;
	lc_instrument_opts_init(&o);
	o.layout = layout;
	o.timeout_ms = 1000;
	int rc = lc_instrument_open(res, &o, out, diag);
	if (rc < 0)
		lc_diag_prefix(diag, "%s: ", role);
	return rc;
}

int sim_station_start(sim_station *s, const char *scenario, const char *defects, const char *meter_faults,
		      double time_scale, lc_diag *diag)
{
	return sim_station_start_wired(s, scenario, defects, meter_faults, NULL, time_scale, diag);
}

/* Inline the scenario's station (a name) with extra wires appended. */
static int add_wires(const char *fixtures, json_t *root, const char *extra, lc_diag *diag)
{
	const char *name = json_string_value(json_object_get(root, "station"));
	if (!name)
		return lc_diag_set(diag, LC_ERR_ARG, "scenario's station is not a name");
	char path[700];
	/* a scenario names a station file relative to fixtures/scenarios/ ("stations/dr4-bench.json") or by name */
	size_t len = strlen(name);
	if (len > 5 && strcmp(name + len - 5, ".json") == 0)
		snprintf(path, sizeof(path), "%s/scenarios/%s", fixtures, name);
	else
		snprintf(path, sizeof(path), "%s/stations/%s.json", fixtures, name);
	json_error_t je;
	json_t *station = json_load_file(path, 0, &je);
	json_t *wires = json_loads(extra, 0, &je);
	if (!station || !json_is_array(wires) || !json_is_array(json_object_get(station, "wiring"))) {
		json_decref(station);
		json_decref(wires);
		return lc_diag_set(diag, LC_ERR_ARG, "%s / extra wires: %s", path, je.text);
	}
	json_array_extend(json_object_get(station, "wiring"), wires);
	json_decref(wires);
	json_object_set_new(root, "station", station);
	return 0;
}

int sim_station_start_wired(sim_station *s, const char *scenario, const char *defects, const char *meter_faults,
			    const char *extra_wires, double time_scale, lc_diag *diag)
{
	memset(s, 0, sizeof(*s));
	int rc = lc_fixtures_dir(NULL, s->fixtures, sizeof(s->fixtures), diag);
	if (rc < 0)
		return rc;
	char path[700];
	snprintf(path, sizeof(path), "%s/scenarios/%s.json", s->fixtures, scenario);
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (!root)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: %s", path, je.text);
	json_t *def = json_loads(defects, 0, &je);
	json_t *dut = json_object_get(root, "dut");
	if (!def || !dut) {
		json_decref(root);
		json_decref(def);
		return lc_diag_set(diag, LC_ERR_ARG, "defects '%s': %s", defects, je.text);
	}
	json_object_set_new(dut, "defects", def);
	if (meter_faults) {
		json_t *f = json_loads(meter_faults, 0, &je);
		json_t *meter = json_object_get(json_object_get(root, "instruments"), "meter");
		if (!f || !meter) {
			json_decref(root);
			json_decref(f);
			return lc_diag_set(diag, LC_ERR_ARG, "meter faults '%s'", meter_faults);
		}
		json_object_set_new(meter, "faults", f);
	}
	if (extra_wires && (rc = add_wires(s->fixtures, root, extra_wires, diag)) < 0) {
		json_decref(root);
		return rc;
	}
	char *text = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	rc = lc_sim_scenario_parse(text, strlen(text), path, s->fixtures, &s->sc, diag);
	free(text);
	if (rc < 0)
		return rc;
	lc_sim_runner_opts ro;
	lc_sim_runner_opts_init(&ro);
	ro.time_scale = time_scale;
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS; attempt++) {
		ro.port_base = tp_port_base(16, attempt);
		rc = lc_sim_runner_start(s->sc, &ro, &s->runner, diag);
		if (rc != LC_ERR_BUSY)
			break;
	}
	if (rc < 0) {
		sim_station_stop(s);
		return rc;
	}
	/* 8164B as the simulator's default scenario fits it: a 1310/1550 source in slot 1, a sensor in slot 2 and
	 * an RL module in slot 3 (its λ selection is UNCONFIRMED in the dialect notes: marked !wavsel). */
	if ((rc = open_role(s, "source", "1:source@1310/1550!wavsel,2:sensor,3:rl@1310/1550!wavsel", &s->source,
			    diag)) < 0 ||
	    (rc = open_role(s, "meter", NULL, &s->meter, diag)) < 0 ||
	    (rc = open_role(s, "switch1", NULL, &s->sw1, diag)) < 0 ||
	    (rc = open_role(s, "switch2", NULL, &s->sw2, diag)) < 0 ||
	    (rc = open_role(s, "switch3", NULL, &s->sw3, diag)) < 0)
		sim_station_stop(s);
	return rc;
}

void sim_station_stop(sim_station *s)
{
	lc_instrument_close(s->source);
	lc_instrument_close(s->meter);
	lc_instrument_close(s->sw1);
	lc_instrument_close(s->sw2);
	lc_instrument_close(s->sw3);
	lc_sim_runner_stop(s->runner);
	lc_sim_scenario_free(s->sc);
	memset(s, 0, sizeof(*s));
}

int sim_dut_loss(sim_station *s, const char *from, const char *to, double nm, double *db)
{
	char a[64], b[64];
	snprintf(a, sizeof(a), "dut:%s", from);
	snprintf(b, sizeof(b), "dut:%s", to);
	return lc_sim_world_dut_loss(lc_sim_runner_world(s->runner), a, b, nm, db);
}

int sim_lasers_on(sim_station *s)
{
	char buf[256];
	return lc_sim_world_sources_on(lc_sim_runner_world(s->runner), buf, sizeof(buf));
}

int sim_reference(sim_station *s, const lc_optical_path *paths, const char *const *dut_from,
		  const char *const *dut_to, size_t n, double nm, lc_reference *ref, lc_diag *diag)
{
	memset(ref, 0, sizeof(*ref));
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const lc_optical_path *p = &paths[i];
		rc = lc_source_set_wavelength(p->launch.source, p->launch.source_output, nm, diag);
		if (rc == 0 && p->launch.sw)
			rc = lc_switch_take(p->launch.sw, p->launch.sw_input, p->launch.sw_output, diag);
		if (rc == 0 && p->detect.sw)
			rc = lc_switch_take(p->detect.sw, p->detect.sw_input, p->detect.sw_output, diag);
		if (rc == 0)
			rc = lc_source_set_output(p->launch.source, p->launch.source_output, true, diag);
		double at_meter = 0, dut = 0;
		char port[32];
		snprintf(port, sizeof(port), "meter:%d", p->detect.channel);
		if (rc == 0 && (rc = lc_sim_world_power_true(lc_sim_runner_world(s->runner), port, &at_meter)) < 0)
			lc_diag_set(diag, rc, "world: power at %s", port);
		if (rc == 0 && (rc = sim_dut_loss(s, dut_from[i], dut_to[i], nm, &dut)) < 0)
			lc_diag_set(diag, rc, "world: loss %s -> %s", dut_from[i], dut_to[i]);
		ref->ref_dbm[i] = at_meter + dut;
		lc_source_set_output(p->launch.source, p->launch.source_output, false, NULL);
	}
	if (rc < 0)
		return rc;
	ref->method = LC_REF_1_JUMPER;
	ref->wavelength_nm = nm;
	ref->taken_unix = (int64_t)time(NULL);
	ref->valid_s = 3600;
	snprintf(ref->cords, sizeof(ref->cords), "trc-mpo,trc-lc");
	ref->n_paths = n;
	return 0;
}
