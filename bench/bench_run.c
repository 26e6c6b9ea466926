/*
 * lanecert-bench run [--json] [--time-scale X (default 1)] [--scenario S] [--slots-scenario S]: a whole certification
 * (breakout-dr4-4x100g) on the simulator served in process.
 *   1. one slot: wall time of the run against the instrument time the simulated station spent (averaging,
 *      settling, switching), scaled by the time scale; the target is <= 1.05 (the software adds at most 5 %
 *      to what the instruments need);
 *   2. four slots at once on a station whose slots have their own instruments: wall time against one slot's
 *      on the same station; the target is <= 1.3 (slots do not wait on each other's software).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "sim/runner.h"
#include "procedures/engine.h"

#define MAX_SLOTS 8

struct station_run {
	lc_sim_scenario *sc;
	lc_sim_runner *runner;
	lc_station *st;
	lc_instrument_set *set;
	lc_prompter prompter;
	lc_channel *ch;
	lc_limits *lim;
	char cable[64];
};

static int station_start(struct station_run *s, const char *scenario, double scale, int port_base, lc_diag *d)
{
	char path[128];
	memset(s, 0, sizeof(*s));
	int rc = lc_sim_scenario_load(scenario, NULL, &s->sc, d);
	lc_sim_runner_opts o;
	lc_sim_runner_opts_init(&o);
	o.time_scale = scale;
	o.port_base = port_base;
	snprintf(path, sizeof(path), "/tmp/lanecert-bench-run-%d.json", (int)getpid());
	if (rc == 0)
		rc = lc_sim_runner_start(s->sc, &o, &s->runner, d);
	if (rc == 0)
		rc = lc_sim_runner_write_station(s->runner, path, d);
	if (rc == 0)
		rc = lc_station_load(path, NULL, &s->st, d);
	unlink(path);
	for (size_t i = 0; rc == 0 && i < s->st->n_slots; i++)
		if (s->st->slots[i].number == 1)
			snprintf(s->cable, sizeof(s->cable), "%s", s->st->slots[i].cable);
	if (rc == 0)
		rc = lc_channel_load(s->cable, NULL, &s->ch, d);
	if (rc == 0)
		rc = lc_limits_load(NULL, &s->lim, d);
	if (rc == 0)
		rc = lc_instrument_set_open(s->st, &s->set, d);
	lc_prompter_init(&s->prompter, false, NULL, NULL);
	if (rc == 0)
		rc = lc_prompter_set_automation(&s->prompter, s->st->automation, d);
	return rc;
}

static void station_stop(struct station_run *s)
{
	lc_prompter_destroy(&s->prompter);
	lc_instrument_set_close(s->set);
	lc_sim_runner_stop(s->runner);
	lc_sim_scenario_free(s->sc);
	lc_limits_free(s->lim);
	lc_channel_free(s->ch);
	lc_station_free(s->st);
}

/* Run the procedure on slots 1..n at once; wall seconds in *wall_s. Every slot must pass. */
static int run_slots(struct station_run *s, unsigned n, double *wall_s, lc_diag *d)
{
	lc_run_setup setups[MAX_SLOTS];
	lc_result *results[MAX_SLOTS];
	lc_diag diags[MAX_SLOTS];
	int rcs[MAX_SLOTS], rc = 0;
	char serial[MAX_SLOTS][32];
	for (unsigned i = 0; i < n; i++) {
		snprintf(serial[i], sizeof(serial[i]), "BENCH-%u", i + 1);
		results[i] = lc_result_new();
		setups[i] = (lc_run_setup){.procedure = "breakout-dr4-4x100g", .station = s->st, .instruments = s->set,
					   .channel = s->ch, .cable_type = s->cable, .limits = s->lim,
					   .serial = serial[i], .slot = i + 1, .prompter = &s->prompter};
		if (!results[i]) {
			for (unsigned j = 0; j < i; j++)
				lc_result_free(results[j]);
			return lc_diag_set(d, LC_ERR_NOMEM, "result");
		}
	}
	int64_t t0 = lc_now_us();
	lc_procedure_run_slots(setups, results, n, rcs, diags);
	*wall_s = (double)(lc_now_us() - t0) / 1e6;
	for (unsigned i = 0; i < n; i++) {
		if (rc == 0 && rcs[i] < 0)
			rc = lc_diag_set(d, rcs[i], "slot %u: %s", i + 1, diags[i].text);
		else if (rc == 0 && lc_result_verdict(results[i]) != LC_VERDICT_PASS)
			rc = lc_diag_set(d, LC_ERR_STATE, "slot %u did not pass (%s): the benchmark needs good cables", i + 1,
					 lc_verdict_name(lc_result_verdict(results[i])));
		lc_result_free(results[i]);
	}
	return rc;
}

int lc_bench_run(int argc, char **argv)
{
	bool json = false;
	/* Real time by default: driver waits that no instrument accounts (a DiCon's settle) are fixed wall time,
	 * and a compressed simulator would inflate their share. The slots part compares like with like. */
	double scale = 1, slots_scale = 20;
	const char *scenario = "dr4-breakout-good", *slots_scenario = "dr4-four-slots";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--time-scale") == 0 && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (strcmp(argv[i], "--scenario") == 0 && i + 1 < argc)
			scenario = argv[++i];
		else if (strcmp(argv[i], "--slots-scenario") == 0 && i + 1 < argc)
			slots_scenario = argv[++i];
		else {
			fprintf(stderr, "usage: lanecert-bench run [--json] [--time-scale X] [--scenario S] [--slots-scenario S]\n");
			return lc_cli_is_help(argv[i]) ? LC_EXIT_OK : LC_EXIT_USAGE;
		}
	}
	if (!(scale > 0)) {
		lc_cli_error("bench run", "--time-scale must be > 0 (the ratio compares wall time with scaled instrument time)");
		return LC_EXIT_USAGE;
	}
	lc_diag d;
	struct station_run s;
	/* Below the kernel's ephemeral ports (32768 and up), where a client socket could hold a port. */
	int base = 10000 + (int)(getpid() % 150) * 60;
	double wall1, sim_s, sim_wall;

	/* 1. one slot against instrument time */
	int rc = station_start(&s, scenario, scale, base, &d);
	if (rc == 0)
		rc = run_slots(&s, 1, &wall1, &d);
	lc_sim_runner_totals(s.runner, &sim_s, &sim_wall);
	station_stop(&s);
	if (rc != 0) /* the steps run while rc == 0: anything else left wall1 unset */
		return lc_cli_fail("bench run", rc, &d, scenario);
	double inst_wall = sim_s / scale;
	double ratio = wall1 / inst_wall;

	/* 2. n slots at once against one slot, on the same multi-slot station */
	/* Set by run_slots and printed only after both succeeded; gcc -O2 loses that across the rc chain. */
	double wall_one = 0, wall_n = 0;
	unsigned n = 0;
	rc = station_start(&s, slots_scenario, slots_scale, base + 30, &d);
	if (rc == 0) {
		n = (unsigned)s.st->n_slots > MAX_SLOTS ? MAX_SLOTS : (unsigned)s.st->n_slots;
		rc = run_slots(&s, 1, &wall_one, &d);
	}
	if (rc == 0)
		rc = run_slots(&s, n, &wall_n, &d);
	station_stop(&s);
	if (rc != 0)
		return lc_cli_fail("bench run", rc, &d, slots_scenario);
	double slots_ratio = wall_n / wall_one;

	if (json) {
		printf("{\"time_scale\":%g,\"wall_s\":%.4f,\"instrument_s\":%.4f,\"instrument_wall_s\":%.4f,"
		       "\"ratio\":%.4f,\"slots\":%u,\"one_slot_wall_s\":%.4f,\"slots_wall_s\":%.4f,\"slots_ratio\":%.4f}\n",
		       scale, wall1, sim_s, inst_wall, ratio, n, wall_one, wall_n, slots_ratio);
	} else {
		printf("breakout-dr4-4x100g on %s (time scale %g)\n", scenario, scale);
		printf("  instrument time      %8.3f s simulated = %.3f s at this scale\n", sim_s, inst_wall);
		printf("  wall time            %8.3f s\n", wall1);
		printf("  ratio wall/instrument %7.3f  (target <= 1.05)\n", ratio);
		printf("%u slots at once on %s (time scale %g)\n", n, slots_scenario, slots_scale);
		printf("  one slot             %8.3f s\n", wall_one);
		printf("  %u slots              %8.3f s\n", n, wall_n);
		printf("  ratio                %8.3f  (target <= 1.3)\n", slots_ratio);
	}
	return LC_EXIT_OK;
}
