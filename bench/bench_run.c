/*
 * lanecert-bench run [--json] [--time-scale X (default 1)] [--rounds N (default 3)] [--slots-scenario S]:
 * whole certifications on the simulator served in process.
 *   1. end to end: the `lanecert run` program of this build (beside lanecert-bench) certifies DR4, SR8 and
 *      AOC cables on their good scenarios, timed from its start to its exit (the reports are written and
 *      signed by then), against the baseline of what the instruments make any client wait: the wall time
 *      the simulator spent blocking in its instruments (lc_sim_runner_totals: waits of commands, *OPC? and
 *      settling, as measured by its clock). Target <= 1.02. The procedures take turns going first from
 *      round to round; min, median and max over the rounds. Beside it each run's peak RSS (wait4's ru_maxrss,
 *      as /usr/bin/time -v), against the RSS of `lanecert --version` measured in the same run (goal 24 MiB).
 *   2. slots: eight slots at once on a station whose slots have their own instruments (dr4-eight-slots),
 *      against one slot on the same station, in process; the target is <= 1.1 (slots do not wait on each
 *      other's software).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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

extern char **environ;

static const struct e2e_case {
	const char *name, *procedure, *scenario;
} e2e_cases[] = {
	{"DR4", "breakout-dr4-4x100g", "dr4-breakout-good"},
	{"SR8", "breakout-sr8-8x50g", "sr8-breakout-good"},
	{"AOC", "aoc-400g", "aoc-400g-good"},
};
#define N_E2E (sizeof(e2e_cases) / sizeof(e2e_cases[0]))
#define MAX_ROUNDS 15

/* Run argv[0] with stdin and stdout on /dev/null, stderr into err_path; its exit status in *status and, when
 * maxrss_kib is not NULL, its peak resident set (KiB, as /usr/bin/time -v prints it: wait4's ru_maxrss, the
 * largest of the process and the children it waited for). */
static int spawn_wait_rss(char *const argv[], const char *err_path, int *status, long *maxrss_kib)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	int e = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0)
		return -e;
	struct rusage ru;
	memset(&ru, 0, sizeof(ru));
	while (wait4(pid, status, 0, &ru) < 0)
		if (errno != EINTR)
			return -errno;
	if (maxrss_kib)
		*maxrss_kib = ru.ru_maxrss;
	return 0;
}

static int spawn_wait(char *const argv[], const char *err_path, int *status)
{
	return spawn_wait_rss(argv, err_path, status, NULL);
}

/* One `lanecert run` of a case against a fresh simulated station: its wall seconds and the simulator's
 * blocking wall seconds. */
static int e2e_once(const struct e2e_case *c, const char *cli, const char *dir, const char *key, double scale,
		    int port_base, double *wall_s, double *blocked_s, double *inst_s, double *rss_mib, lc_diag *d)
{
	lc_sim_scenario *sc = NULL;
	lc_sim_runner *runner = NULL;
	char station[320], reports[320], err[320], serial[64];
	int rc = lc_sim_scenario_load(c->scenario, NULL, &sc, d);
	lc_sim_runner_opts o;
	lc_sim_runner_opts_init(&o);
	o.time_scale = scale;
	rc = rc ? rc : LC_ERR_BUSY;
	for (int attempt = 0; attempt < 10 && rc == LC_ERR_BUSY; attempt++) {
		o.port_base = port_base + attempt * 40;
		rc = lc_sim_runner_start(sc, &o, &runner, d);
	}
	snprintf(station, sizeof(station), "%s/station.json", dir);
	snprintf(reports, sizeof(reports), "%s/reports", dir);
	snprintf(err, sizeof(err), "%s/run.err", dir);
	/* the serial on the label: a module's memory carries it, and lanecert run stops on a mismatch */
	const char *dut = sc ? json_string_value(json_object_get(json_object_get(sc->root, "dut"), "serial")) : NULL;
	snprintf(serial, sizeof(serial), "%s", dut ? dut : "BENCH-1");
	if (rc == 0)
		rc = lc_sim_runner_write_station(runner, station, d);
	if (rc == 0) {
		char *const argv[] = {(char *)cli, "run", (char *)c->procedure, "--station", station, "--serial", serial,
				      "--key", (char *)key, "--out", reports, "--no-db", "--non-interactive",
				      "--operator", "bench", NULL};
		int st = 0;
		long rss = 0;
		int64_t t0 = lc_now_us();
		int e = spawn_wait_rss(argv, err, &st, &rss);
		*rss_mib = (double)rss / 1024.0;
		*wall_s = (double)(lc_now_us() - t0) / 1e6;
		double sim_s;
		lc_sim_runner_totals(runner, &sim_s, blocked_s);
		*inst_s = sim_s / scale;
		if (e < 0)
			rc = lc_diag_set(d, LC_ERR_IO, "cannot run %s: %s", cli, strerror(-e));
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = lc_diag_set(d, LC_ERR_STATE, "%s on %s: lanecert run exited %d, not 0 (pass): see %s", c->procedure,
					 c->scenario, WIFEXITED(st) ? WEXITSTATUS(st) : -1, err);
	}
	if (runner)
		lc_sim_runner_stop(runner);
	lc_sim_scenario_free(sc);
	return rc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median_sorted(const double *v, int n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Part 1: ratios[case][round] of lanecert run wall / simulator blocking wall. */
static int run_e2e(double scale, int rounds, int port_base, double ratio[][MAX_ROUNDS], double wall[][MAX_ROUNDS],
		   double blocked[][MAX_ROUNDS], double inst[][MAX_ROUNDS], double rss[][MAX_ROUNDS], double *floor_mib,
		   lc_diag *d)
{
	char cli[512], dir[64], sub[256], key[320];
	ssize_t n = readlink("/proc/self/exe", cli, sizeof(cli) - 16);
	if (n <= 0)
		return lc_diag_set(d, LC_ERR_IO, "readlink /proc/self/exe: %s", strerror(errno));
	cli[n] = '\0';
	char *slash = strrchr(cli, '/');
	snprintf(slash ? slash + 1 : cli, 16, "lanecert");
	if (access(cli, X_OK) != 0)
		return lc_diag_set(d, LC_ERR_NOT_FOUND, "%s: the lanecert program is not built beside lanecert-bench", cli);
	snprintf(dir, sizeof(dir), "/tmp/lanecert-bench-run-XXXXXX");
	if (!mkdtemp(dir))
		return lc_diag_set(d, LC_ERR_IO, "mkdtemp: %s", strerror(errno));
	snprintf(sub, sizeof(sub), "%s/keys", dir);
	snprintf(key, sizeof(key), "%s/bench.key", sub);
	char err[320];
	snprintf(err, sizeof(err), "%s/keygen.err", dir);
	char *const kg[] = {cli, "keygen", "--out", sub, "--name", "bench", "--unencrypted", NULL};
	int st = 0, rc = mkdir(sub, 0700) == 0 && spawn_wait(kg, err, &st) == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0
				 ? 0
				 : lc_diag_set(d, LC_ERR_IO, "lanecert keygen failed (see %s)", err);
	/* The memory baseline: the same program doing nothing (its libraries loaded, no run, no report). */
	char *const ver[] = {cli, "--version", NULL};
	long floor_kib = 0;
	if (rc == 0 && (spawn_wait_rss(ver, err, &st, &floor_kib) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0))
		rc = lc_diag_set(d, LC_ERR_IO, "lanecert --version failed (see %s)", err);
	*floor_mib = (double)floor_kib / 1024.0;
	for (int r = 0; rc == 0 && r < rounds; r++)
		for (size_t k = 0; rc == 0 && k < N_E2E; k++) {
			size_t i = (k + (size_t)r) % N_E2E; /* each procedure first in turn */
			snprintf(sub, sizeof(sub), "%s/%s-%d", dir, e2e_cases[i].name, r);
			if (mkdir(sub, 0755) != 0)
				rc = lc_diag_set(d, LC_ERR_IO, "mkdir %s: %s", sub, strerror(errno));
			else
				rc = e2e_once(&e2e_cases[i], cli, sub, key, scale, port_base, &wall[i][r], &blocked[i][r],
					     &inst[i][r], &rss[i][r], d);
			if (rc == 0)
				ratio[i][r] = blocked[i][r] > 0 ? wall[i][r] / blocked[i][r] : INFINITY;
		}
	if (rc == 0) { /* kept on failure: the run's stderr and reports say why */
		char *const rm[] = {"/bin/rm", "-rf", dir, NULL};
		spawn_wait(rm, "/dev/null", &st);
	}
	return rc;
}

int lc_bench_run(int argc, char **argv)
{
	bool json = false;
	/* Real time by default: driver waits that no instrument accounts (a DiCon's settle) are fixed wall time,
	 * and a compressed simulator would inflate their share. The slots part compares like with like. */
	double scale = 1, slots_scale = 20;
	int rounds = 3;
	const char *slots_scenario = "dr4-eight-slots", *only = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--time-scale") == 0 && i + 1 < argc)
			scale = atof(argv[++i]);
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--slots-scenario") == 0 && i + 1 < argc)
			slots_scenario = argv[++i];
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
			 (strcmp(argv[i + 1], "e2e") == 0 || strcmp(argv[i + 1], "slots") == 0))
			only = argv[++i];
		else {
			fprintf(stderr, "usage: lanecert-bench run [--json] [--time-scale X] [--rounds N] [--slots-scenario S]"
					" [--only e2e|slots]\n");
			return lc_cli_is_help(argv[i]) ? LC_EXIT_OK : LC_EXIT_USAGE;
		}
	}
	if (!(scale > 0)) {
		lc_cli_error("bench run", "--time-scale must be > 0 (the ratio compares wall time with scaled instrument time)");
		return LC_EXIT_USAGE;
	}
	if (rounds < 1 || rounds > MAX_ROUNDS) {
		lc_cli_error("bench run", "--rounds must be 1..%d", MAX_ROUNDS);
		return LC_EXIT_USAGE;
	}
	lc_diag d;
	struct station_run s;
	/* Below the kernel's ephemeral ports (32768 and up), where a client socket could hold a port. */
	int base = 10000 + (int)(getpid() % 150) * 60;

	/* 1. lanecert run end to end against the simulator's blocking time */
	static double ratio[N_E2E][MAX_ROUNDS], wall[N_E2E][MAX_ROUNDS], blocked[N_E2E][MAX_ROUNDS],
		inst[N_E2E][MAX_ROUNDS], rss[N_E2E][MAX_ROUNDS];
	double floor_mib = 0;
	bool do_e2e = !only || strcmp(only, "e2e") == 0, do_slots = !only || strcmp(only, "slots") == 0;
	int rc = do_e2e ? run_e2e(scale, rounds, base, ratio, wall, blocked, inst, rss, &floor_mib, &d) : 0;
	if (rc != 0)
		return lc_cli_fail("bench run", rc, &d, "lanecert run");

	/* 2. n slots at once against one slot, on the same multi-slot station; the two take turns going first
	 * (the first run after the station opens warms what the second finds warm), ratio per round */
	double slot_ratio[MAX_ROUNDS] = {0}, one_w[MAX_ROUNDS] = {0}, n_w[MAX_ROUNDS] = {0};
	unsigned n = 0;
	rc = do_slots ? station_start(&s, slots_scenario, slots_scale, base + 30, &d) : 0;
	if (rc == 0 && do_slots)
		n = (unsigned)s.st->n_slots > MAX_SLOTS ? MAX_SLOTS : (unsigned)s.st->n_slots;
	for (int r = 0; do_slots && rc == 0 && r < rounds; r++) {
		/* Set by run_slots and used only after both succeeded; gcc -O2 loses that across the rc chain. */
		double w1 = 0, wn = 0;
		if (r % 2 == 0) {
			rc = run_slots(&s, 1, &w1, &d);
			rc = rc ? rc : run_slots(&s, n, &wn, &d);
		} else {
			rc = run_slots(&s, n, &wn, &d);
			rc = rc ? rc : run_slots(&s, 1, &w1, &d);
		}
		one_w[r] = w1, n_w[r] = wn, slot_ratio[r] = wn / w1;
	}
	if (do_slots)
		station_stop(&s);
	if (rc != 0)
		return lc_cli_fail("bench run", rc, &d, slots_scenario);
	qsort(slot_ratio, (size_t)rounds, sizeof(double), cmp_double);
	qsort(one_w, (size_t)rounds, sizeof(double), cmp_double);
	qsort(n_w, (size_t)rounds, sizeof(double), cmp_double);
	double slots_ratio = median_sorted(slot_ratio, rounds), wall_one = median_sorted(one_w, rounds),
	       wall_n = median_sorted(n_w, rounds);

	double med[N_E2E], lo[N_E2E], hi[N_E2E], mwall[N_E2E], mblocked[N_E2E], minst[N_E2E], rss_lo[N_E2E],
		rss_med[N_E2E], rss_hi[N_E2E];
	for (size_t i = 0; i < N_E2E; i++) {
		double v[MAX_ROUNDS], w[MAX_ROUNDS], b[MAX_ROUNDS], m[MAX_ROUNDS], q[MAX_ROUNDS];
		memcpy(q, rss[i], sizeof(double) * (size_t)rounds);
		qsort(q, (size_t)rounds, sizeof(double), cmp_double);
		rss_lo[i] = q[0], rss_med[i] = median_sorted(q, rounds), rss_hi[i] = q[rounds - 1];
		memcpy(m, inst[i], sizeof(double) * (size_t)rounds);
		qsort(m, (size_t)rounds, sizeof(double), cmp_double);
		minst[i] = rounds % 2 ? m[rounds / 2] : (m[rounds / 2 - 1] + m[rounds / 2]) / 2;
		memcpy(v, ratio[i], sizeof(double) * (size_t)rounds);
		memcpy(w, wall[i], sizeof(double) * (size_t)rounds);
		memcpy(b, blocked[i], sizeof(double) * (size_t)rounds);
		qsort(v, (size_t)rounds, sizeof(double), cmp_double);
		qsort(w, (size_t)rounds, sizeof(double), cmp_double);
		qsort(b, (size_t)rounds, sizeof(double), cmp_double);
		lo[i] = v[0], hi[i] = v[rounds - 1];
		med[i] = rounds % 2 ? v[rounds / 2] : (v[rounds / 2 - 1] + v[rounds / 2]) / 2;
		mwall[i] = rounds % 2 ? w[rounds / 2] : (w[rounds / 2 - 1] + w[rounds / 2]) / 2;
		mblocked[i] = rounds % 2 ? b[rounds / 2] : (b[rounds / 2 - 1] + b[rounds / 2]) / 2;
	}
	if (json) {
		printf("{\"baseline\":\"the simulator's blocking wall time\",\"time_scale\":%g,\"rounds\":%d", scale,
		       rounds);
		for (size_t i = 0; do_e2e && i < N_E2E; i++) {
			char r[3][24]; /* null where nothing blocked: no baseline */
			const double *x[3] = {&med[i], &lo[i], &hi[i]};
			for (int k = 0; k < 3; k++)
				snprintf(r[k], sizeof(r[k]), isfinite(*x[k]) ? "%.4f" : "null", *x[k]);
			printf(",\"%s\":{\"wall_s\":%.4f,\"blocked_s\":%.4f,\"instrument_s\":%.4f,\"ratio\":%s,"
			       "\"ratio_min\":%s,\"ratio_max\":%s,\"peak_rss_mib\":%.1f,\"peak_rss_mib_min\":%.1f,"
			       "\"peak_rss_mib_max\":%.1f}",
			       e2e_cases[i].name, mwall[i], mblocked[i], minst[i], r[0], r[1], r[2], rss_med[i], rss_lo[i],
			       rss_hi[i]);
		}
		if (do_e2e)
			printf(",\"rss_baseline\":\"lanecert --version\",\"rss_baseline_mib\":%.1f", floor_mib);
		if (do_slots)
			printf(",\"slots\":%u,\"slots_baseline\":\"one slot on the same station\",\"one_slot_wall_s\":%.4f,"
			       "\"slots_wall_s\":%.4f,\"slots_ratio\":%.4f,\"slots_ratio_min\":%.4f,\"slots_ratio_max\":%.4f",
			       n, wall_one, wall_n, slots_ratio, slot_ratio[0], slot_ratio[rounds - 1]);
		printf("}\n");
		return LC_EXIT_OK;
	}
	if (do_e2e) {
		printf("lanecert run, start to exit (reports written and signed), against the baseline: the wall time the\n"
		       "simulator blocked the client in its instruments; time scale %g, %d rounds, the procedures taking\n"
		       "turns going first; median (min..max) over the rounds\n", scale, rounds);
		for (size_t i = 0; i < N_E2E; i++) {
			printf("  %-3s %-22s wall %7.3f s  blocked %7.3f s  (instrument time %7.3f s)", e2e_cases[i].name,
			       e2e_cases[i].procedure, mwall[i], mblocked[i], minst[i]);
			if (isfinite(med[i]))
				printf("  ratio %.3f (%.3f..%.3f)  target <= 1.02: %s\n", med[i], lo[i], hi[i],
				       med[i] <= 1.02 ? "met" : "NOT met");
			else /* nothing blocked: no baseline to divide by */
				printf("  ratio: none, the simulator blocked no client wait here (no baseline)\n");
		}
		printf("peak RSS of lanecert run (wait4 ru_maxrss, as /usr/bin/time -v: the process or the largest child\n"
		       "it waited for), against the baseline: lanecert --version (the same program, libraries loaded,\n"
		       "nothing run or rendered) %.1f MiB; median (min..max) over the rounds; goal <= 24 MiB\n", floor_mib);
		for (size_t i = 0; i < N_E2E; i++)
			printf("  %-3s %6.1f MiB (%.1f..%.1f)  %+.1f MiB over the baseline  goal: %s\n", e2e_cases[i].name,
			       rss_med[i], rss_lo[i], rss_hi[i], rss_med[i] - floor_mib, rss_med[i] <= 24 ? "met" : "NOT met");
	}
	if (do_slots) {
		printf("%u slots at once on %s (time scale %g, in process, no reports), baseline: one slot on the same\n"
		       "station; the two take turns going first; median (min..max) over %d rounds\n",
		       n, slots_scenario, slots_scale, rounds);
		printf("  one slot             %8.3f s\n", wall_one);
		printf("  %u slots              %8.3f s\n", n, wall_n);
		printf("  ratio                %8.3f (%.3f..%.3f)  target <= 1.1: %s\n", slots_ratio, slot_ratio[0],
		       slot_ratio[rounds - 1], slots_ratio <= 1.1 ? "met" : "NOT met");
	}
	return LC_EXIT_OK;
}
