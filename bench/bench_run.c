/*
 * lanecert-bench run [--json] [--time-scale X (default 1)] [--rounds N (default 3)] [--slots-scenario S]
 *                    [--slots-time-scale X (default 20)] [--only e2e|slots|cli-slots]: whole certifications on the simulator served in process.
 *   1. end to end: the `lanecert run` program of this build (beside lanecert-bench) certifies DR4, SR8 and
 *      AOC cables on their good scenarios, timed from its start to its exit (the reports are written and
 *      signed by then), against the baseline of what the instruments make any client wait: the wall time
 *      the simulator spent blocking in its instruments (lc_sim_runner_totals: waits of commands, *OPC? and
 *      settling, as measured by its clock). Target <= 1.02. The procedures take turns going first from
 *      round to round; min, median and max over the rounds. Beside it each run's peak RSS: the whole tree as
 *      /usr/bin/time -v prints it (run under /usr/bin/time), the certifying process and its largest renderer
 *      child as each says with -v, against `lanecert --version` under /usr/bin/time in the same run (goal
 *      24 MiB for every process).
 *   2. slots: eight slots at once on a station whose slots have their own instruments (dr4-eight-slots),
 *      against one slot on the same station, in process; the target is <= 1.1 (slots do not wait on each
 *      other's software).
 *   3. cli-slots: the same through `lanecert run --slots 8`, reports rendered and signed, against
 *      `lanecert run` of the first slot alone (target <= 1.1), with the peak RSS figures of part 1 and where
 *      the time went as lanecert run -v says it: the slots measuring, and the reports' tail after the last
 *      slot finished (rendering is CPU; eight reports cannot overlap beyond the machine's cores).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Run argv[0] with stdin and stdout on /dev/null, stderr into err_path; its exit status in *status. */
static int spawn_wait(char *const argv[], const char *err_path, int *status)
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
	while (waitpid(pid, status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

/* What one `lanecert run` took. Peak RSS three ways: the whole tree as /usr/bin/time -v prints it (its
 * fork()ed child's ru_maxrss: the largest of the process and of the children it waited for, the renderers),
 * and each part's own, as said with -v: the certifying process's VmHWM, and the largest renderer child's
 * ru_maxrss as `lanecert run` reaped it with wait4 (what /usr/bin/time prints for it; the renderer's own
 * VmHWM, also said, lags the kernel's exact count by a few hundred KiB). Each figure is one process's: the
 * certifying process and up to two renderers run at once, and their sum is not measured. Not this program's
 * own wait4: lanecert-bench spawns with posix_spawn (vfork), and a vforked
 * child's ru_maxrss starts at its parent's peak, the simulator's. */
struct run_figures {
	double wall_s, blocked_s, inst_s, tree_mib, self_mib, render_mib;
	double measure_s, tail_s; /* as lanecert run -v says: the slots measuring, the reports after the last slot */
	/* the renderer's parts (issue 22): the renderer itself as it says (VmHWM), the PDF's plot drawer and
	 * qpdf as the renderer reaped them with wait4 (forked, so each figure is the child's own); -1: not said */
	double render_self_mib, plots_mib, qpdf_mib;
};

/* The run's "timing:" line (lanecert run -v): measuring seconds and the reports' tail; -1 when not said. */
static void said_timing(const char *err_path, double *measure_s, double *tail_s)
{
	FILE *f = fopen(err_path, "r");
	char line[512];
	*measure_s = *tail_s = -1;
	while (f && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "run: timing: slots measured ");
		double m, t;
		if (p && sscanf(p, "run: timing: slots measured %lf s, reports rendered and published %lf s", &m, &t) == 2)
			*measure_s = m, *tail_s = t;
	}
	if (f)
		fclose(f);
}

/* The largest "DOMAIN: peak RSS N KiB" figure of the run's stderr, in MiB; -1 when none was said. */
static double said_rss_mib(const char *err_path, const char *domain)
{
	FILE *f = fopen(err_path, "r");
	char line[512], key[64];
	long best = -1, v;
	snprintf(key, sizeof(key), "%s: peak RSS ", domain);
	while (f && fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, key);
		if (p && sscanf(p + strlen(key), "%ld", &v) == 1 && v > best)
			best = v;
	}
	if (f)
		fclose(f);
	return best < 0 ? -1 : (double)best / 1024.0;
}

/* /usr/bin/time -f %M -o rss_path argv...: the tree's peak RSS in MiB into *tree_mib. */
static int timed_spawn(char *const argv[], const char *err_path, const char *rss_path, int *status, double *tree_mib)
{
	char *targv[48] = {"/usr/bin/time", "-f", "%M", "-o", (char *)rss_path};
	int n = 5;
	for (int i = 0; argv[i] && n < 47; i++)
		targv[n++] = argv[i];
	targv[n] = NULL;
	int e = spawn_wait(targv, err_path, status);
	FILE *f = e == 0 ? fopen(rss_path, "r") : NULL;
	long kib = -1;
	if (f) {
		if (fscanf(f, "%ld", &kib) != 1)
			kib = -1;
		fclose(f);
	}
	*tree_mib = kib < 0 ? -1 : (double)kib / 1024.0;
	return e;
}

/* One `lanecert run` of procedure on slots 1..slots of a fresh simulated station of scenario: its wall seconds,
 * the simulator's blocking wall seconds and the peak RSS figures. */
static int cli_run_once(const char *procedure, const char *scenario, unsigned slots, const char *cli, const char *dir,
			const char *key, double scale, int port_base, struct run_figures *fig, lc_diag *d)
{
	lc_sim_scenario *sc = NULL;
	lc_sim_runner *runner = NULL;
	char station[320], reports[320], err[320], rss[320], serials[MAX_SLOTS * 40] = "", nslots[16];
	int rc = lc_sim_scenario_load(scenario, NULL, &sc, d);
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
	snprintf(rss, sizeof(rss), "%s/run.rss", dir);
	snprintf(nslots, sizeof(nslots), "%u", slots);
	/* the serials on the labels: a module's memory carries them, and lanecert run stops on a mismatch */
	for (unsigned i = 0; rc == 0 && i < slots; i++) {
		json_t *dut = i == 0 ? json_object_get(sc->root, "dut")
				     : json_object_get(json_array_get(json_object_get(sc->root, "more_slots"), i - 1), "dut");
		const char *sn = json_string_value(json_object_get(dut, "serial"));
		if (!sn)
			rc = lc_diag_set(d, LC_ERR_FORMAT, "%s: no DUT serial for slot %u", scenario, i + 1);
		else
			snprintf(serials + strlen(serials), sizeof(serials) - strlen(serials), "%s%s", i ? "," : "", sn);
	}
	if (rc == 0)
		rc = lc_sim_runner_write_station(runner, station, d);
	if (rc == 0) {
		char *const argv[] = {(char *)cli, "run", (char *)procedure, "--station", station, "--serial", serials,
				      "--slots", nslots, "--key", (char *)key, "--out", reports, "--no-db",
				      "--non-interactive", "--operator", "bench", "-v", NULL};
		int st = 0;
		int64_t t0 = lc_now_us();
		int e = timed_spawn(argv, err, rss, &st, &fig->tree_mib);
		fig->wall_s = (double)(lc_now_us() - t0) / 1e6;
		double sim_s;
		lc_sim_runner_totals(runner, &sim_s, &fig->blocked_s);
		fig->inst_s = sim_s / scale;
		fig->self_mib = said_rss_mib(err, "run");
		fig->render_mib = said_rss_mib(err, "render");
		said_timing(err, &fig->measure_s, &fig->tail_s);
		fig->render_self_mib = said_rss_mib(err, "render-self");
		fig->plots_mib = said_rss_mib(err, "plots");
		fig->qpdf_mib = said_rss_mib(err, "qpdf");
		if (e < 0)
			rc = lc_diag_set(d, LC_ERR_IO, "cannot run /usr/bin/time (the time package, ./bootstrap.sh): %s",
					 strerror(-e));
		else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = lc_diag_set(d, LC_ERR_STATE, "%s on %s: lanecert run exited %d, not 0 (pass): see %s", procedure,
					 scenario, WIFEXITED(st) ? WEXITSTATUS(st) : -1, err);
		else if (fig->tree_mib < 0 || fig->self_mib < 0 || fig->render_mib < 0)
			rc = lc_diag_set(d, LC_ERR_STATE, "%s: a peak RSS figure is missing (/usr/bin/time, or the run's -v "
					 "lines in %s)", procedure, err);
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

struct stats {
	double lo, med, hi;
};

/* min, median and max of v[0..n) (v is sorted in place) */
static struct stats stats_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return (struct stats){v[0], median_sorted(v, n), v[n - 1]};
}

/* The lanecert program beside this one, a temporary folder, a signing key made with it and the memory
 * baseline: `lanecert --version` under /usr/bin/time (the program with its libraries loaded, nothing run). */
struct cli_env {
	char cli[512], dir[64], key[320];
	double floor_mib;
};

static int cli_env_open(struct cli_env *e, lc_diag *d)
{
	char sub[256], err[320];
	ssize_t n = readlink("/proc/self/exe", e->cli, sizeof(e->cli) - 16);
	if (n <= 0)
		return lc_diag_set(d, LC_ERR_IO, "readlink /proc/self/exe: %s", strerror(errno));
	e->cli[n] = '\0';
	char *slash = strrchr(e->cli, '/');
	snprintf(slash ? slash + 1 : e->cli, 16, "lanecert");
	if (access(e->cli, X_OK) != 0)
		return lc_diag_set(d, LC_ERR_NOT_FOUND, "%s: the lanecert program is not built beside lanecert-bench", e->cli);
	if (access("/usr/bin/time", X_OK) != 0)
		return lc_diag_set(d, LC_ERR_NOT_FOUND, "/usr/bin/time: the time package is needed (./bootstrap.sh)");
	snprintf(e->dir, sizeof(e->dir), "/tmp/lanecert-bench-run-XXXXXX");
	if (!mkdtemp(e->dir))
		return lc_diag_set(d, LC_ERR_IO, "mkdtemp: %s", strerror(errno));
	snprintf(sub, sizeof(sub), "%s/keys", e->dir);
	snprintf(e->key, sizeof(e->key), "%s/bench.key", sub);
	snprintf(err, sizeof(err), "%s/keygen.err", e->dir);
	char *const kg[] = {e->cli, "keygen", "--out", sub, "--name", "bench", "--unencrypted", NULL};
	int st = 0;
	if (mkdir(sub, 0700) != 0 || spawn_wait(kg, err, &st) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return lc_diag_set(d, LC_ERR_IO, "lanecert keygen failed (see %s)", err);
	char rss[320];
	snprintf(err, sizeof(err), "%s/version.err", e->dir);
	snprintf(rss, sizeof(rss), "%s/version.rss", e->dir);
	char *const ver[] = {e->cli, "--version", NULL};
	if (timed_spawn(ver, err, rss, &st, &e->floor_mib) != 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 ||
	    e->floor_mib < 0)
		return lc_diag_set(d, LC_ERR_IO, "/usr/bin/time lanecert --version failed (see %s)", err);
	return 0;
}

static void cli_env_close(struct cli_env *e, bool keep)
{
	int st;
	char *const rm[] = {"/bin/rm", "-rf", e->dir, NULL};
	if (!keep) /* kept on failure: the run's stderr and reports say why */
		spawn_wait(rm, "/dev/null", &st);
}

/* Part 1: each case's figures per round. */
static int run_e2e(struct cli_env *e, double scale, int rounds, int port_base, struct run_figures fig[][MAX_ROUNDS],
		   lc_diag *d)
{
	char sub[256];
	int rc = 0;
	for (int r = 0; rc == 0 && r < rounds; r++)
		for (size_t k = 0; rc == 0 && k < N_E2E; k++) {
			size_t i = (k + (size_t)r) % N_E2E; /* each procedure first in turn */
			snprintf(sub, sizeof(sub), "%s/%s-%d", e->dir, e2e_cases[i].name, r);
			if (mkdir(sub, 0755) != 0)
				rc = lc_diag_set(d, LC_ERR_IO, "mkdir %s: %s", sub, strerror(errno));
			else
				rc = cli_run_once(e2e_cases[i].procedure, e2e_cases[i].scenario, 1, e->cli, sub, e->key, scale,
						  port_base, &fig[i][r], d);
		}
	return rc;
}

/* Part 3: n slots of the slots scenario through lanecert run (reports and all) against its first slot alone;
 * the two take turns going first. */
static int run_cli_slots(struct cli_env *e, const char *scenario, unsigned n, double scale, int rounds,
			 int port_base, struct run_figures one[], struct run_figures all[], lc_diag *d)
{
	char sub[256];
	int rc = 0;
	for (int r = 0; rc == 0 && r < rounds; r++)
		for (int k = 0; rc == 0 && k < 2; k++) {
			bool single = (k + r) % 2 == 0;
			snprintf(sub, sizeof(sub), "%s/slots-%s-%d", e->dir, single ? "one" : "all", r);
			if (mkdir(sub, 0755) != 0)
				rc = lc_diag_set(d, LC_ERR_IO, "mkdir %s: %s", sub, strerror(errno));
			else
				rc = cli_run_once("breakout-dr4-4x100g", scenario, single ? 1 : n, e->cli, sub, e->key, scale,
						  port_base, single ? &one[r] : &all[r], d);
		}
	return rc;
}

/* The rounds' peak RSS figures, each median (min..max): the tree (as /usr/bin/time -v), the certifying
 * process, its largest renderer, and the renderer's parts. */
struct rss_stats {
	struct stats all, self, render, render_self, plots, qpdf;
};

static struct stats field_stats(const struct run_figures *f, int rounds, size_t offset)
{
	double v[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++)
		memcpy(&v[r], (const char *)&f[r] + offset, sizeof(double));
	return stats_of(v, rounds);
}

static struct rss_stats rss_stats_of(const struct run_figures *f, int rounds)
{
	return (struct rss_stats){
		.all = field_stats(f, rounds, offsetof(struct run_figures, tree_mib)),
		.self = field_stats(f, rounds, offsetof(struct run_figures, self_mib)),
		.render = field_stats(f, rounds, offsetof(struct run_figures, render_mib)),
		.render_self = field_stats(f, rounds, offsetof(struct run_figures, render_self_mib)),
		.plots = field_stats(f, rounds, offsetof(struct run_figures, plots_mib)),
		.qpdf = field_stats(f, rounds, offsetof(struct run_figures, qpdf_mib)),
	};
}

/* The peak RSS lines of part 1 and 3. */
static void print_rss(const char *label, struct run_figures *f, int rounds, double floor_mib)
{
	struct rss_stats m = rss_stats_of(f, rounds);
	printf("  %-9s all %5.1f MiB (%.1f..%.1f) %+5.1f over the baseline; certifying process %5.1f (%.1f..%.1f); "
	       "renderer %5.1f (%.1f..%.1f); goal <= 24 MiB each: %s\n",
	       label, m.all.med, m.all.lo, m.all.hi, m.all.med - floor_mib, m.self.med, m.self.lo, m.self.hi,
	       m.render.med, m.render.lo, m.render.hi,
	       m.all.hi <= 24 && m.self.hi <= 24 && m.render.hi <= 24 ? "met" : "NOT met");
	printf("  %-9s the renderer's parts: itself %5.1f (%.1f..%.1f); plot drawer %5.1f (%.1f..%.1f); qpdf %5.1f "
	       "(%.1f..%.1f)\n",
	       "", m.render_self.med, m.render_self.lo, m.render_self.hi, m.plots.med, m.plots.lo, m.plots.hi,
	       m.qpdf.med, m.qpdf.lo, m.qpdf.hi);
}

static void json_rss(const char *label, struct run_figures *f, int rounds)
{
	struct rss_stats m = rss_stats_of(f, rounds);
	const struct stats *each[] = {&m.all, &m.self, &m.render, &m.render_self,
				      &m.plots, &m.qpdf};
	static const char *const names[] = {"all", "certifying", "renderer", "renderer_itself", "plot_drawer", "qpdf"};
	printf(",\"%s_rss_mib\":{", label);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf("%s\"%s\":[%.1f,%.1f,%.1f]", i ? "," : "", names[i], each[i]->lo, each[i]->med, each[i]->hi);
	printf("}");
}

/* The machine's 1-minute load average (/proc/loadavg), -1 when unknown: said beside the ratios, since on a
 * shared machine they move with it. */
static double load_avg(void)
{
	double l = -1;
	FILE *f = fopen("/proc/loadavg", "r");
	if (f) {
		if (fscanf(f, "%lf", &l) != 1)
			l = -1;
		fclose(f);
	}
	return l;
}

int lc_bench_run(int argc, char **argv)
{
	bool json = false;
	/* Real time by default: the goal is the instruments' own pace, and at a compressed time scale the fixed
	 * costs (process start, reports) would weigh far more than they do on a bench. The slots parts compare
	 * like with like. */
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
		else if (strcmp(argv[i], "--slots-time-scale") == 0 && i + 1 < argc)
			slots_scale = atof(argv[++i]);
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
			 (strcmp(argv[i + 1], "e2e") == 0 || strcmp(argv[i + 1], "slots") == 0 ||
			  strcmp(argv[i + 1], "cli-slots") == 0))
			only = argv[++i];
		else {
			fprintf(stderr, "usage: lanecert-bench run [--json] [--time-scale X] [--rounds N] [--slots-scenario S]"
					" [--slots-time-scale X] [--only e2e|slots|cli-slots]\n");
			return lc_cli_is_help(argv[i]) ? LC_EXIT_OK : LC_EXIT_USAGE;
		}
	}
	if (!(scale > 0) || !(slots_scale > 0)) {
		lc_cli_error("bench run", "--time-scale and --slots-time-scale must be > 0 (the ratios compare wall times at "
					  "the instruments' scaled pace)");
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
	double load_before = load_avg();
	bool do_e2e = !only || strcmp(only, "e2e") == 0, do_slots = !only || strcmp(only, "slots") == 0,
	     do_cli_slots = !only || strcmp(only, "cli-slots") == 0;
	struct cli_env env;
	int rc = do_e2e || do_cli_slots ? cli_env_open(&env, &d) : 0;
	if (rc != 0)
		return lc_cli_fail("bench run", rc, &d, "lanecert");

	/* 1. lanecert run end to end against the simulator's blocking time */
	static struct run_figures fig[N_E2E][MAX_ROUNDS];
	double floor_mib = do_e2e || do_cli_slots ? env.floor_mib : 0;
	rc = do_e2e ? run_e2e(&env, scale, rounds, base, fig, &d) : 0;
	if (rc != 0) {
		cli_env_close(&env, true);
		return lc_cli_fail("bench run", rc, &d, "lanecert run");
	}

	/* 2. n slots at once against one slot, on the same multi-slot station; the two take turns going first
	 * (the first run after the station opens warms what the second finds warm), ratio per round */
	double slot_ratio[MAX_ROUNDS] = {0}, one_w[MAX_ROUNDS] = {0}, n_w[MAX_ROUNDS] = {0};
	unsigned n = 0;
	rc = do_slots || do_cli_slots ? station_start(&s, slots_scenario, slots_scale, base + 30, &d) : 0;
	if (rc == 0 && (do_slots || do_cli_slots))
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
	if (do_slots || do_cli_slots)
		station_stop(&s);
	if (rc != 0) {
		cli_env_close(&env, true);
		return lc_cli_fail("bench run", rc, &d, slots_scenario);
	}

	/* 3. the same through lanecert run, reports and all (each run on a fresh simulated station) */
	static struct run_figures one[MAX_ROUNDS], all[MAX_ROUNDS];
	double cli_ratio[MAX_ROUNDS] = {0}, cli_one[MAX_ROUNDS] = {0}, cli_all[MAX_ROUNDS] = {0};
	rc = do_cli_slots ? run_cli_slots(&env, slots_scenario, n, slots_scale, rounds, base + 30, one, all, &d) : 0;
	if (do_e2e || do_cli_slots)
		cli_env_close(&env, rc != 0);
	if (rc != 0)
		return lc_cli_fail("bench run", rc, &d, "lanecert run --slots");
	double m1[MAX_ROUNDS], t1[MAX_ROUNDS], mn[MAX_ROUNDS], tn[MAX_ROUNDS];
	for (int r = 0; r < rounds; r++) {
		cli_one[r] = one[r].wall_s, cli_all[r] = all[r].wall_s, cli_ratio[r] = all[r].wall_s / one[r].wall_s;
		m1[r] = one[r].measure_s, t1[r] = one[r].tail_s, mn[r] = all[r].measure_s, tn[r] = all[r].tail_s;
	}
	struct stats sm1 = stats_of(m1, rounds), st1 = stats_of(t1, rounds), smn = stats_of(mn, rounds),
		     stn = stats_of(tn, rounds);
	struct stats sr = stats_of(slot_ratio, rounds), s1 = stats_of(one_w, rounds), sn = stats_of(n_w, rounds),
		     cr = stats_of(cli_ratio, rounds), c1 = stats_of(cli_one, rounds), cn = stats_of(cli_all, rounds);

	struct stats ratio[N_E2E], wall[N_E2E], blocked[N_E2E], inst[N_E2E], meas[N_E2E], tail[N_E2E];
	for (size_t i = 0; do_e2e && i < N_E2E; i++) {
		double v[MAX_ROUNDS], w[MAX_ROUNDS], b[MAX_ROUNDS], m[MAX_ROUNDS], me[MAX_ROUNDS], ta[MAX_ROUNDS];
		for (int r = 0; r < rounds; r++) {
			w[r] = fig[i][r].wall_s, b[r] = fig[i][r].blocked_s, m[r] = fig[i][r].inst_s;
			me[r] = fig[i][r].measure_s, ta[r] = fig[i][r].tail_s;
			v[r] = b[r] > 0 ? w[r] / b[r] : INFINITY;
		}
		ratio[i] = stats_of(v, rounds), wall[i] = stats_of(w, rounds), blocked[i] = stats_of(b, rounds);
		inst[i] = stats_of(m, rounds), meas[i] = stats_of(me, rounds), tail[i] = stats_of(ta, rounds);
	}
	if (json) {
		printf("{\"baseline\":\"the simulator's blocking wall time\",\"time_scale\":%g,\"rounds\":%d", scale,
		       rounds);
		for (size_t i = 0; do_e2e && i < N_E2E; i++) {
			char r[3][24]; /* null where nothing blocked: no baseline */
			const double *x[3] = {&ratio[i].med, &ratio[i].lo, &ratio[i].hi};
			for (int k = 0; k < 3; k++)
				snprintf(r[k], sizeof(r[k]), isfinite(*x[k]) ? "%.4f" : "null", *x[k]);
			printf(",\"%s\":{\"wall_s\":%.4f,\"blocked_s\":%.4f,\"instrument_s\":%.4f,\"ratio\":%s,"
			       "\"ratio_min\":%s,\"ratio_max\":%s,\"measure_s\":%.4f,\"reports_tail_s\":%.4f}",
			       e2e_cases[i].name, wall[i].med, blocked[i].med, inst[i].med, r[0], r[1], r[2], meas[i].med,
			       tail[i].med);
			json_rss(e2e_cases[i].name, fig[i], rounds);
		}
		if (do_e2e || do_cli_slots)
			printf(",\"rss_baseline\":\"lanecert --version under /usr/bin/time\",\"rss_baseline_mib\":%.1f",
			       floor_mib);
		if (do_slots)
			printf(",\"slots\":%u,\"slots_baseline\":\"one slot on the same station\",\"one_slot_wall_s\":%.4f,"
			       "\"slots_wall_s\":%.4f,\"slots_ratio\":%.4f,\"slots_ratio_min\":%.4f,\"slots_ratio_max\":%.4f",
			       n, s1.med, sn.med, sr.med, sr.lo, sr.hi);
		if (do_cli_slots) {
			printf(",\"cli_slots_baseline\":\"lanecert run of one slot of the same scenario\","
			       "\"cli_one_slot_wall_s\":%.4f,\"cli_slots_wall_s\":%.4f,\"cli_slots_ratio\":%.4f,"
			       "\"cli_slots_ratio_min\":%.4f,\"cli_slots_ratio_max\":%.4f,"
			       "\"cli_one_slot_measure_s\":%.4f,\"cli_one_slot_reports_tail_s\":%.4f,"
			       "\"cli_slots_measure_s\":%.4f,\"cli_slots_reports_tail_s\":%.4f",
			       c1.med, cn.med, cr.med, cr.lo, cr.hi, sm1.med, st1.med, smn.med, stn.med);
			json_rss("cli_one_slot", one, rounds);
			json_rss("cli_slots", all, rounds);
		}
		printf(",\"load_before\":%.2f,\"load_after\":%.2f}\n", load_before, load_avg());
		return LC_EXIT_OK;
	}
	if (do_e2e) {
		printf("lanecert run, start to exit (reports written and signed), against the baseline: the wall time the\n"
		       "simulator blocked the client in its instruments; time scale %g, %d rounds, the procedures taking\n"
		       "turns going first; median (min..max) over the rounds\n", scale, rounds);
		for (size_t i = 0; i < N_E2E; i++) {
			printf("  %-3s %-22s wall %7.3f s  blocked %7.3f s  (instrument time %7.3f s)", e2e_cases[i].name,
			       e2e_cases[i].procedure, wall[i].med, blocked[i].med, inst[i].med);
			if (isfinite(ratio[i].med))
				printf("  ratio %.3f (%.3f..%.3f)  target <= 1.02: %s\n", ratio[i].med, ratio[i].lo, ratio[i].hi,
				       ratio[i].med <= 1.02 ? "met" : "NOT met");
			else /* nothing blocked: no baseline to divide by */
				printf("  ratio: none, the simulator blocked no client wait here (no baseline)\n");
			printf("      of the wall: the procedure measuring %.3f s (%.3f..%.3f), the report after it %.3f s "
			       "(%.3f..%.3f), the rest (process start, station load, instruments opened and closed) %.3f s\n",
			       meas[i].med, meas[i].lo, meas[i].hi, tail[i].med, tail[i].lo, tail[i].hi,
			       wall[i].med - meas[i].med - tail[i].med);
		}
		printf("peak RSS of lanecert run, each figure one process's (not a sum of the processes alive at once):\n"
		       "all = the largest of the process and the children it waited for, as /usr/bin/time -v prints it;\n"
		       "the certifying process as it says (-v: VmHWM); its largest renderer child as lanecert run's wait4\n"
		       "gives it (ru_maxrss, /usr/bin/time's figure: the largest of it and its children); the renderer's\n"
		       "parts: itself as it says (VmHWM), the PDF's plot drawer and qpdf as it reaped them (wait4; -1: none\n"
		       "ran); against the baseline: lanecert --version under\n"
		       "/usr/bin/time (the program with its libraries loaded, nothing run or rendered) %.1f MiB; median\n"
		       "(min..max) over the rounds\n",
		       floor_mib);
		for (size_t i = 0; i < N_E2E; i++)
			print_rss(e2e_cases[i].name, fig[i], rounds, floor_mib);
	}
	if (do_slots) {
		printf("%u slots at once on %s (time scale %g, in process, no reports), baseline: one slot on the same\n"
		       "station; the two take turns going first; median (min..max) over %d rounds\n",
		       n, slots_scenario, slots_scale, rounds);
		printf("  one slot             %8.3f s\n", s1.med);
		printf("  %u slots              %8.3f s\n", n, sn.med);
		printf("  ratio                %8.3f (%.3f..%.3f)  target <= 1.1: %s\n", sr.med, sr.lo, sr.hi,
		       sr.med <= 1.1 ? "met" : "NOT met");
	}
	if (do_cli_slots) {
		printf("%u slots through lanecert run --slots %u on %s (time scale %g, reports rendered and signed, each\n"
		       "run on a fresh simulated station), baseline: lanecert run of its first slot alone; the two take\n"
		       "turns going first; median (min..max) over %d rounds\n",
		       n, n, slots_scenario, slots_scale, rounds);
		printf("  one slot             %8.3f s   of which measuring %.3f s (%.3f..%.3f), reports after the last slot "
		       "%.3f s (%.3f..%.3f)\n", c1.med, sm1.med, sm1.lo, sm1.hi, st1.med, st1.lo, st1.hi);
		printf("  %u slots              %8.3f s   of which measuring %.3f s (%.3f..%.3f), reports after the last slot "
		       "%.3f s (%.3f..%.3f)\n", n, cn.med, smn.med, smn.lo, smn.hi, stn.med, stn.lo, stn.hi);
		printf("  ratio                %8.3f (%.3f..%.3f)  target <= 1.1: %s\n", cr.med, cr.lo, cr.hi,
		       cr.med <= 1.1 ? "met" : "NOT met");
		printf("  (the reports' tail is CPU: each report is rendered after its slot by one of the 2 renderers\n"
		       "  started before the slots measure; the %u slots end together, and %u reports' rendering cannot\n"
		       "  overlap beyond the machine's cores%s)\n",
		       n, n, slots_scale != 1 ? "; against the measuring it weighs time-scale times more than at the\n"
						"  instruments' own pace, --slots-time-scale 1" : "");
		printf("  peak RSS as in part 1, against lanecert --version %.1f MiB:\n", floor_mib);
		print_rss("one slot", one, rounds, floor_mib);
		print_rss("all slots", all, rounds, floor_mib);
	}
	printf("machine load average (1 min): %.2f before, %.2f after (%ld cores; a shared machine moves the ratios)\n",
	       load_before, load_avg(), sysconf(_SC_NPROCESSORS_ONLN));
	return LC_EXIT_OK;
}
