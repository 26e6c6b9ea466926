#include "tests/procedures/e2e_harness.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "hal/scpi.h"
#include "instruments/module/module.h"
#include "tests/port_range.h"

/* The simulated station of a loaded scenario (owned by e) and its station file, dir/station.json. */
static void serve(lc_e2e *e, lc_sim_scenario *sc, double time_scale)
{
	lc_diag d;
	memset(e, 0, sizeof(*e));
	e->sc = sc;
	const char *b = getenv("LC_BUILD_DIR");
	snprintf(e->dir, sizeof(e->dir), "%s/e2e-XXXXXX", b ? b : "/tmp");
	cr_assert_not_null(mkdtemp(e->dir));
	lc_sim_runner_opts o;
	lc_sim_runner_opts_init(&o);
	o.time_scale = time_scale;
	/* Each test is its own process: a port range of its own, below the ephemeral ports (tests/port_range.h);
	 * another process's listener may hold one of them: try other ranges. */
	int rc = LC_ERR_BUSY;
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS && rc == LC_ERR_BUSY; attempt++) {
		o.port_base = tp_port_base(40, attempt);
		rc = lc_sim_runner_start(e->sc, &o, &e->runner, &d);
	}
	cr_assert_eq(rc, 0, "%s", d.text);
	char path[300];
	snprintf(path, sizeof(path), "%s/station.json", e->dir);
	cr_assert_eq(lc_sim_runner_write_station(e->runner, path, &d), 0, "%s", d.text);
}

void lc_e2e_start_station(lc_e2e *e, const char *scenario, double time_scale)
{
	lc_diag d;
	lc_sim_scenario *sc;
	cr_assert_eq(lc_sim_scenario_load(scenario, NULL, &sc, &d), 0, "%s", d.text);
	serve(e, sc, time_scale);
}

/* A BERT needs a running clock; at 50 its counters move every 20 ms of wall time. However loaded the machine,
 * a lane's reading cannot span a counter update: the drivers read a lane in one program message and the
 * simulated BERTs answer a message at one instant of their clock (lc_simb_latch, sim/inst/inst_anritsu_lanes.h),
 * so the drivers' consistent-read check holds ("counters changed during 5 reads in a row" under ASan, before). */
void lc_e2e_start_sim(lc_e2e *e, const char *scenario)
{
	lc_e2e_start_station(e, scenario, 50);
}

/* Station, channel, limits and the simulated operator of a served station. */
static void prepare(lc_e2e *e)
{
	lc_diag d;
	char path[300];
	snprintf(path, sizeof(path), "%s/station.json", e->dir);
	cr_assert_eq(lc_station_load(path, NULL, &e->station, &d), 0, "%s", d.text);
	for (size_t i = 0; i < e->station->n_slots; i++)
		if (e->station->slots[i].number == 1)
			snprintf(e->cable, sizeof(e->cable), "%s", e->station->slots[i].cable);
	cr_assert_eq(lc_channel_load(e->cable, NULL, &e->channel, &d), 0, "%s", d.text);
	cr_assert_eq(lc_limits_load(NULL, &e->limits, &d), 0, "%s", d.text);
	lc_prompter_init(&e->prompter, false, NULL, NULL);
	e->has_prompter = true;
	cr_assert_eq(lc_prompter_set_automation(&e->prompter, e->station->automation, &d), 0, "%s", d.text);
}

void lc_e2e_start(lc_e2e *e, const char *scenario)
{
	lc_e2e_start_sim(e, scenario);
	prepare(e);
	lc_e2e_open(e);
}

void lc_e2e_start_with(lc_e2e *e, lc_sim_scenario *sc, double time_scale, bool open)
{
	serve(e, sc, time_scale);
	prepare(e);
	if (open)
		lc_e2e_open(e);
}

void lc_e2e_open(lc_e2e *e)
{
	e->open_rc = lc_instrument_set_open(e->station, &e->set, &e->open_diag);
}

lc_result *lc_e2e_run(lc_e2e *e, const char *procedure, const char *const *options, unsigned slot,
		      const char *serial)
{
	cr_assert_eq(e->open_rc, 0, "station: %s", e->open_diag.text);
	lc_result *r = lc_result_new();
	cr_assert_not_null(r);
	lc_run_setup s = {
		.procedure = procedure,
		.station = e->station,
		.instruments = e->set,
		.channel = e->channel,
		.cable_type = e->cable,
		.limits = e->limits,
		.serial = serial,
		.slot = slot,
		.operator_name = "e2e", /* as lanecert run requires one */
		.prompter = &e->prompter,
	};
	for (size_t i = 0; options && options[i] && i < LC_RUN_OPTIONS_MAX; i++)
		s.options[s.n_options++] = options[i];
	lc_diag d;
	cr_assert_eq(lc_procedure_run(&s, r, &d), 0, "%s", d.text);
	return r;
}

int lc_e2e_lasers_on_after_safe(lc_e2e *e)
{
	lc_diag d;
	lc_instrument_set_safe(e->set, &d);
	return lc_e2e_lasers_on(e);
}

int lc_e2e_lasers_on(lc_e2e *e)
{
	lc_diag d;
	lc_scpi *ctl;
	long long n = -1;
	cr_assert_eq(lc_scpi_open(lc_sim_runner_control_resource(e->runner), NULL, &ctl, &d), 0, "%s", d.text);
	cr_assert_eq(lc_scpi_query_int(ctl, "SIM:LAS:COUN?", &n), 0);
	lc_scpi_close(ctl);
	return (int)n;
}

void lc_e2e_stop(lc_e2e *e)
{
	if (e->has_prompter)
		lc_prompter_destroy(&e->prompter);
	lc_instrument_set_close(e->set);
	lc_sim_runner_stop(e->runner);
	lc_sim_scenario_free(e->sc);
	lc_limits_free(e->limits);
	lc_channel_free(e->channel);
	lc_station_free(e->station);
}

unsigned long lc_e2e_lanes(const lc_result *r, const char *name, enum lc_verdict v)
{
	unsigned long set = 0;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		const lc_result_measurement *m = lc_result_measurement_at(r, i, NULL);
		if (strcmp(m->name, name) == 0 && m->verdict == v && m->lane > 0 && m->lane < 64)
			set |= 1ul << m->lane;
	}
	return set;
}

void lc_e2e_assert_prbs_off(lc_e2e *e, unsigned legs)
{
	const lc_station_instrument *si = lc_station_instrument_by_role(e->station, "i2c");
	cr_assert(si, "the station has no i2c role");
	for (unsigned i = 0; i <= legs; i++) {
		char end[8];
		snprintf(end, sizeof(end), i ? "B%u" : "A", i);
		lc_module *m;
		lc_diag d;
		cr_assert_eq(lc_module_open_end(si->resource, si->layout, end, NULL, &m, &d), 0, "%s", d.text);
		uint8_t p[32];
		int rc = lc_module_mem_read(lc_module_memory(m), 0, 0x13, 144, p, sizeof(p), &d);
		if (rc != LC_ERR_UNSUPPORTED) {
			cr_assert_eq(rc, 0, "%s: %s", end, d.text);
			cr_expect_eq(p[0] | p[8] | p[16] | p[24], 0, "end %s: a generator or checker left on", end);
		}
		lc_module_close(m);
	}
}

const char *lc_e2e_extra_at(const lc_result *r, size_t i, const char *key)
{
	for (size_t k = 0; k < lc_result_extra_count(r, i); k++) {
		const lc_result_extra *x = lc_result_extra_at(r, i, k);
		if (x->is_string && strcmp(x->key, key) == 0)
			return x->string;
	}
	return NULL;
}

double lc_e2e_number_at(const lc_result *r, size_t i, const char *key)
{
	for (size_t k = 0; k < lc_result_extra_count(r, i); k++) {
		const lc_result_extra *x = lc_result_extra_at(r, i, k);
		if (!x->is_string && strcmp(x->key, key) == 0)
			return x->number;
	}
	return NAN;
}

const char *lc_e2e_extra(const lc_result *r, const char *name, const char *key)
{
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		if (strcmp(lc_result_measurement_at(r, i, NULL)->name, name) != 0)
			continue;
		const char *s = lc_e2e_extra_at(r, i, key);
		if (s)
			return s;
	}
	return "";
}

const char *lc_e2e_why(const lc_result *r)
{
	static char buf[512];
	buf[0] = '\0';
	if (lc_result_reason(r))
		return lc_result_reason(r);
	for (size_t i = 0; i < lc_result_step_count(r); i++)
		if (lc_result_step_at(r, i)->error)
			return lc_result_step_at(r, i)->error;
	for (size_t i = 0; i < lc_result_measurement_count(r); i++) {
		size_t st;
		const lc_result_measurement *m = lc_result_measurement_at(r, i, &st);
		if (m->verdict != LC_VERDICT_PASS && m->verdict != LC_VERDICT_NONE) {
			snprintf(buf, sizeof(buf), "%s/%s lane %d = %g %s: %s", lc_result_step_at(r, st)->name, m->name,
				 m->lane, m->value, m->unit ? m->unit : "", lc_verdict_name(m->verdict));
			break;
		}
	}
	return buf;
}

const char *lc_e2e_dut_serial(const lc_e2e *e)
{
	const char *s = json_string_value(json_object_get(json_object_get(e->sc->root, "dut"), "serial"));
	return s ? s : "";
}
