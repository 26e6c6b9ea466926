/*
 * The fault matrix (issue 13): every station fault kind x every instrument a procedure talks to (or the roles
 * its row names) x every shipped procedure, each cell a real `lanecert run` (LC_CLI) against the simulated
 * station served by this process at a compressed time scale. A cell is right when:
 *   - the exit code is the expected one: 3 (error) for a station fault; the good cable's own verdict (its dry
 *     run's: 0 pass) for latency and a slow *OPC? that stay inside the documented timeouts (fault_matrix.h);
 *   - the simulator's FAULt:COUNt? says this fault fired on this instrument;
 *   - the simulator sees no laser on at the end (SIM:LAS:COUN? 0), with one exception that is physics, not a
 *     bug: a hang freezes the whole instrument (it reads and neither executes nor answers anything, on any
 *     connection), so when it froze right after lighting its own laser (the return-loss module's source on
 *     breakout-dr4, frozen at the *STB? after :SOUR3:CHAN1:POW:STAT 1) no command can reach that laser. Such a
 *     cell is right only when the lasers still on are all that frozen instrument's (SIM:LAS?) and the run's
 *     --json result and its report both say "laser may still be on:" naming that role (issue 13 item 3:
 *     reached or shouted);
 *   - no report says pass for a station fault (and a signed report of the cable's own verdict exists for the
 *     two that keep it).
 * Cells run eight at a time, at most three of them computing (PARALLEL), the long ones first. The table (per
 * procedure x instrument x kind) goes to stdout and to $LC_BUILD_DIR/fault-matrix.txt.
 *
 * Under AddressSanitizer (the second pass of make check) a fixed subset runs: walking the cells in their
 * fixed order, a cell is taken when its fault kind, its instrument class (source, RL meter, meter, switch,
 * BERT, OTDR, module memory over I2C) or its procedure has not been covered yet, so every kind, every class
 * and every procedure is run at least once.
 * LC_FM_ALL=1 runs the whole matrix there too; LC_FM_ONLY=procedure limits a run to one procedure;
 * LC_FM_DRY=1 stops after the dry runs (their plans are printed); LC_FM_TRACE=1 prints every message they saw.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "hal/scpi.h"
#include "sim/runner.h"
#include "tests/procedures/fault_matrix.h"

extern char **environ;

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* Cells at once. A cell whose fault makes the run wait (late replies, a slow *OPC?, a hung instrument's
 * timeouts) spends most of its wall time asleep in poll(): the whole matrix uses about a fifth of one core
 * (the CPU time of its cells against its wall time in a gcc pass), so up to PARALLEL of those run together.
 * The others are runs cut short that compute all the way: at most PARALLEL_BUSY of them, as before. */
#define PARALLEL 8
#define PARALLEL_BUSY 3
#define MAX_CELLS 600
#define CELL_TIMEOUT_MS 240000

/* Every shipped procedure on its good scenario. The BERT procedures run at 50 (a BERT's counters must not
 * move while a sanitized build reads its lanes, see e2e_harness.c), polling and settling in wall
 * milliseconds to match (as test_e2e_lanes.c); the others at 1000. A BERT updates its counters once per
 * second of instrument time and the driver reads a lane until two reads agree: replies 10 ms late are far
 * inside that second on a real BERT, but not at 50 (20 ms of wall time), nor on a loaded machine at 5: their
 * latency cells run at 2. */
static const lc_fm_procedure procedures[] = {
	{"breakout-dr4-4x100g", "dr4-breakout-good", {NULL}, 1000, 0, {NULL}, NULL, NULL, NULL},
	{"breakout-sr8-8x50g", "sr8-breakout-good", {NULL}, 1000, 0, {NULL}, NULL, NULL, NULL},
	/* The SR16 bench (MPO-32, a 1x32 N773x, four N7745C) at one wavelength, its faults on two roles only: the
	 * source (its laser must be off after every fault) and the meter on the MPO-32's second row. The same
	 * switch and meter drivers take every fault in the SR8 row; the 1x32's 96 waits would make its slow *OPC?
	 * cell alone 15 s. */
	{"breakout-sr16-16x25g", "sr16-breakout-good", {"wavelengths=850", NULL}, 1000, 0, {"source", "meter3", NULL}, NULL, NULL, NULL},
	{"breakout-mpo", "sr8-2x200g-good", {NULL}, 1000, 0, {NULL}, NULL, NULL, NULL},
	{"mpo-lc-module", "cassette-mpo-lc-good", {NULL}, 1000, 0, {NULL}, NULL, NULL, NULL},
	{"mpo-trunk", "mpo-trunk-good", {NULL}, 1000, 0, {NULL}, NULL, NULL, NULL},
	{"field-tier1", "field-tier1-good", {"wavelengths=1310", NULL}, 1000, 0, {NULL}, NULL, NULL, NULL}, /* one wavelength: a shorter run */
	{"field-tier2", "field-tier2-good", {NULL}, 1000, 0, {NULL}, NULL, NULL, NULL},
	{"aoc-400g", "aoc-400g-good", {"poll_ms=5", "settle_ms=50", NULL}, 50, 2, {NULL}, NULL, NULL, NULL},
	{"breakout-aoc-400g-4x100g", "aoc-breakout-good", {"poll_ms=5", "settle_ms=50", NULL}, 50, 2, {NULL}, NULL, NULL, NULL},
	{"breakout-dac-400g-4x100g", "dac-breakout-good", {"poll_ms=5", "settle_ms=50", NULL}, 50, 2, {NULL}, NULL, NULL, NULL},
	/* the link's only instrument is the I2C module adapter: few cells */
	{"link-dr4-4xdr1", "dr4-link-good", {"settle_ms=0", "dom_accuracy_db=0.25", "prbs_soak=0.05", "prbs_settle_ms=0", NULL},
	 1000, 0, {NULL}, NULL, NULL, NULL},
	/* The 800G links talk to the same adapter through the same driver: link-dr4-4xdr1's cells fault its
	 * connection from the start (the adapter's *IDN? probe, the first transfer). These fault what only they
	 * reach: the DR8 bench's second mux (the first transfer to 0x71, which releases its channels before end
	 * A's mux channel is selected), and the 2 x DR4 lane map with a transmitter off (the first Tx disable,
	 * CMIS page 10h byte 130, lane 1 of end A: its MPO legs carry four lanes each). */
	{"link-dr8-8xdr1", "dr8-link-good", {"settle_ms=0", "dom_accuracy_db=0.25", "prbs_soak=0.05", "prbs_settle_ms=0", NULL},
	 1000, 0, {NULL}, "I2C:XFER? 113,", "mux71", NULL},
	{"link-800g-2xdr4", "dr8-2xdr4-link-good", {"settle_ms=0", "dom_accuracy_db=0.25", "prbs_soak=0.05", "prbs_settle_ms=0", NULL},
	 1000, 0, {NULL}, "I2C:XFER? 80,0,\"8201\"", "txoff",
	 /* the lane map's clean-up on the frozen adapter: it tries, stops at its first timeout and says so */
	 "transmitters not all switched back on (a lane of this link may still be off)"},
};

static const char *inst_class(const char *kind)
{
	if (!strncmp(kind, "keysight_816", 12))
		return "source";
	if (!strcmp(kind, "keysight_n7744c") || !strcmp(kind, "keysight_n7745c") || !strncmp(kind, "thorlabs", 8))
		return "meter";
	if (!strcmp(kind, "keysight_n773x") || !strcmp(kind, "dicon_gp600"))
		return "switch";
	if (!strcmp(kind, "anritsu_mp1900a") || !strcmp(kind, "keysight_m8040a"))
		return "bert";
	if (!strcmp(kind, "yokogawa_aq7260"))
		return "otdr";
	if (!strcmp(kind, "cmis_module"))
		return "module";
	return kind;
}

struct outcome {
	bool ran, right, timed_out;
	int exit_code;
	unsigned long long fired;
	long long lasers;
	int pass_reports, signed_kept; /* reports saying pass; signed reports with the cable's own verdict */
	int shouting_reports;          /* reports whose reason says a laser of the faulted role may still be on */
	bool shouted;                  /* a frozen instrument's own laser left on, and said so (see the top) */
	char reason[1024], counts[200], lasers_on[200];
	double wall_s;
};

struct active {
	lc_fm_cell *cell;
	struct outcome *out;
	lc_sim_scenario *sc;
	lc_sim_runner *runner;
	pid_t pid;
	int64_t start_ms;
	char dir[512];
};

static char workdir[400], key_path[500];
static unsigned cell_seq;

static void run_cli(const char *const *argv, const char *out, const char *err, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int rc = posix_spawn(pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(rc, 0, "spawn %s: %s", argv[0], strerror(rc));
}

static void make_key(void)
{
	const char *b = getenv("LC_BUILD_DIR");
	snprintf(workdir, sizeof(workdir), "%s/fault-matrix-XXXXXX", b ? b : "/tmp");
	cr_assert_not_null(mkdtemp(workdir));
	char keys[450], out[450], err[450];
	snprintf(keys, sizeof(keys), "%s/keys", workdir);
	cr_assert_eq(mkdir(keys, 0700), 0);
	snprintf(out, sizeof(out), "%s/keygen.out", workdir);
	snprintf(err, sizeof(err), "%s/keygen.err", workdir);
	const char *cli = getenv("LC_CLI");
	cr_assert(cli && access(cli, X_OK) == 0, "LC_CLI (the lanecert executable) is not built");
	const char *argv[] = {cli, "keygen", "--out", keys, "--name", "fm", "--unencrypted", NULL};
	pid_t pid;
	int st;
	run_cli(argv, out, err, &pid);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "lanecert keygen failed");
	snprintf(key_path, sizeof(key_path), "%s/fm.key", keys);
}

/* A hang cell's frozen instrument gets a short timeout of its own in the station file ("timeout_ms", the
 * station's override of the model table's 3-10 s): the simulator provably stays silent from the hang on
 * (the cell checks FAULt:COUNt? says it fired), so each operation the run and its cleanup still try on that
 * instrument would only wait out the model's generous default. Before the hang it answers loopback queries
 * at once; HANG_TIMEOUT_MS leaves a loaded, sanitized machine a wide margin for those. */
#define HANG_TIMEOUT_MS 1000

static void short_timeout(const char *station, const char *role)
{
	json_error_t je;
	json_t *root = json_load_file(station, 0, &je);
	cr_assert_not_null(root, "%s: %s", station, je.text);
	json_t *ins = json_object_get(root, "instruments"), *v;
	size_t i;
	bool found = false;
	json_array_foreach(ins, i, v)
	{
		const char *r = json_string_value(json_object_get(v, "role"));
		if (r && !strcmp(r, role)) {
			json_object_set_new(v, "timeout_ms", json_integer(HANG_TIMEOUT_MS));
			found = true;
		}
	}
	cr_assert(found, "%s: no instrument %s", station, role);
	cr_assert_eq(json_dump_file(root, station, JSON_INDENT(2)), 0);
	json_decref(root);
}

static void start_cell(struct active *a, lc_fm_cell *c, struct outcome *o, int slot)
{
	lc_diag d;
	memset(a, 0, sizeof(*a));
	a->cell = c, a->out = o;
	unsigned seq = ++cell_seq;
	snprintf(a->dir, sizeof(a->dir), "%s/cell-%u", workdir, seq);
	cr_assert_eq(mkdir(a->dir, 0755), 0);
	cr_assert_eq(lc_sim_scenario_load(c->proc->scenario, NULL, &a->sc, &d), 0, "%s", d.text);
	bool found = false;
	for (size_t i = 0; i < a->sc->n_insts; i++)
		if (!strcmp(a->sc->insts[i].role, c->role)) {
			a->sc->insts[i].faults = c->faults;
			a->sc->insts[i].has_faults = true;
			found = true;
		}
	cr_assert(found, "%s: no role %s", c->proc->scenario, c->role);
	lc_sim_runner_opts ro;
	lc_sim_runner_opts_init(&ro);
	ro.time_scale = c->kind == LC_FM_LATENCY && c->proc->latency_scale ? c->proc->latency_scale : c->proc->time_scale;
	/* Below the ephemeral ports (32768+), a range per pool slot; another process may hold one: try others. */
	int rc = LC_ERR_BUSY;
	for (int attempt = 0; attempt < 20 && rc == LC_ERR_BUSY; attempt++) {
		ro.port_base = 20000 + (int)(((unsigned)getpid() * 7u + (unsigned)slot + 2u * (seq + (unsigned)attempt * 31u)) % 600u) * 20;
		rc = lc_sim_runner_start(a->sc, &ro, &a->runner, &d);
	}
	cr_assert_eq(rc, 0, "%s", d.text);
	char station[600], out[600], err[600], reports[600], serial[32];
	snprintf(station, sizeof(station), "%s/station.json", a->dir);
	snprintf(out, sizeof(out), "%s/run.out", a->dir);
	snprintf(err, sizeof(err), "%s/run.err", a->dir);
	snprintf(reports, sizeof(reports), "%s/reports", a->dir);
	/* The serial on the cable's label: a module's memory carries it, and lanecert run stops on a mismatch. */
	const char *dut = json_string_value(json_object_get(json_object_get(a->sc->root, "dut"), "serial"));
	if (dut)
		snprintf(serial, sizeof(serial), "%s", dut);
	else
		snprintf(serial, sizeof(serial), "FM-%u", seq);
	cr_assert_eq(lc_sim_runner_write_station(a->runner, station, &d), 0, "%s", d.text);
	if (c->kind == LC_FM_HANG)
		short_timeout(station, c->role);
	const char *argv[32] = {getenv("LC_CLI"), "run", c->proc->procedure, "--station", station, "--serial", serial,
				"--key", key_path, "--out", reports, "--no-db", "--non-interactive", "--json",
				"--operator", "fault-matrix"};
	size_t n = 16;
	/* every option of the row (lc_fm_options_fit held at the dry run: at most LC_FM_OPTIONS_MAX) */
	_Static_assert(16 + 2 * LC_FM_OPTIONS_MAX < 32, "argv holds every option");
	for (size_t i = 0; i < LC_FM_OPTIONS_MAX && c->proc->options[i]; i++) {
		argv[n++] = "--option";
		argv[n++] = c->proc->options[i];
	}
	argv[n] = NULL;
	a->start_ms = lc_now_ms();
	run_cli(argv, out, err, &a->pid);
}

/* Does a run's reason say that a laser of role may still be on (instrument_set.c's words)? */
static bool shouts_laser(const char *reason, const char *role)
{
	char who[96];
	snprintf(who, sizeof(who), "(role '%s', ", role);
	const char *p = reason ? strstr(reason, "laser may still be on: ") : NULL;
	return p && strstr(p, who);
}

/* Reports under dir/reports/<run>/report.json: how many say pass; how many signed ones say `want` ("" none);
 * how many give a reason that a laser of role may still be on. */
static void count_reports(const char *dir, const char *want, const char *role, int *pass, int *signed_want,
			  int *shouting)
{
	char path[700];
	*pass = *signed_want = *shouting = 0;
	snprintf(path, sizeof(path), "%s/reports", dir);
	DIR *dp = opendir(path);
	if (!dp)
		return;
	struct dirent *de;
	while ((de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/reports/%s/report.json", dir, de->d_name);
		json_t *j = json_load_file(path, 0, NULL);
		const char *v = json_string_value(json_object_get(j, "verdict"));
		if (v && !strcmp(v, "pass"))
			(*pass)++;
		if (shouts_laser(json_string_value(json_object_get(j, "reason")), role))
			(*shouting)++;
		snprintf(path, sizeof(path), "%s/reports/%s/report.json.minisig", dir, de->d_name);
		if (v && want[0] && !strcmp(v, want) && access(path, R_OK) == 0)
			(*signed_want)++;
		json_decref(j);
	}
	closedir(dp);
}

/* The reason of the run's result line (--json), for the table. */
static void result_reason(const char *dir, char *buf, size_t cap)
{
	char path[700], line[8192];
	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/run.out", dir);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		json_t *j = json_loads(line, 0, NULL);
		const char *ev = json_string_value(json_object_get(j, "event"));
		const char *r = json_string_value(json_object_get(j, "reason"));
		if (ev && !strcmp(ev, "result"))
			snprintf(buf, cap, "%s", r ? r : "");
		json_decref(j);
	}
	fclose(f);
}

/* "kind:role:n" of the simulator's FAULt:COUNt? answer. */
static unsigned long long fired(const char *counts, const char *counter, const char *role)
{
	char key[160];
	snprintf(key, sizeof(key), "%s:%s:", counter, role);
	for (const char *p = counts; (p = strstr(p, key)); p++)
		if (p == counts || p[-1] == ',')
			return strtoull(p + strlen(key), NULL, 10);
	return 0;
}

/* Are all the lasers of SIM:LAS? ("source:3,meter:1"; world ports are "ROLE:n") those of role? */
static bool only_role_lasers(const char *list, const char *role)
{
	size_t rl = strlen(role);
	if (!list[0] || list[0] == '?')
		return false;
	for (const char *p = list; p; p = strchr(p, ','), p = p ? p + 1 : NULL)
		if (strncmp(p, role, rl) != 0 || p[rl] != ':')
			return false;
	return true;
}

static void finish_cell(struct active *a, int status, bool timed_out)
{
	struct outcome *o = a->out;
	lc_fm_cell *c = a->cell;
	lc_diag d;
	o->ran = true;
	o->timed_out = timed_out;
	o->wall_s = (double)(lc_now_ms() - a->start_ms) / 1000.0;
	o->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	lc_scpi *ctl;
	o->lasers = -1;
	if (lc_scpi_open(lc_sim_runner_control_resource(a->runner), NULL, &ctl, &d) == 0) {
		if (lc_scpi_query_string(ctl, "FAULT:COUNT?", o->counts, sizeof(o->counts)) < 0)
			snprintf(o->counts, sizeof(o->counts), "?");
		if (lc_scpi_query_int(ctl, "SIM:LAS:COUN?", &o->lasers) < 0)
			o->lasers = -1;
		if (lc_scpi_query_string(ctl, "SIM:LAS?", o->lasers_on, sizeof(o->lasers_on)) < 0)
			snprintf(o->lasers_on, sizeof(o->lasers_on), "?");
		lc_scpi_close(ctl);
	}
	o->fired = fired(o->counts, lc_fm_kind_counter(c->kind), c->role);
	count_reports(a->dir, c->expect_verdict, c->role, &o->pass_reports, &o->signed_kept, &o->shouting_reports);
	result_reason(a->dir, o->reason, sizeof(o->reason));
	bool verdict_ok = c->expect_verdict[0] ? o->signed_kept >= 1 : o->pass_reports == 0;
	o->shouted = c->kind == LC_FM_HANG && o->lasers > 0 && only_role_lasers(o->lasers_on, c->role) &&
		     shouts_laser(o->reason, c->role) && o->shouting_reports >= 1;
	bool says = c->kind != LC_FM_HANG || !c->proc->hang_says || strstr(o->reason, c->proc->hang_says);
	o->right = !timed_out && o->exit_code == c->expect_exit && o->fired > 0 && (o->lasers == 0 || o->shouted) &&
		   verdict_ok && says;
	lc_sim_runner_stop(a->runner);
	lc_sim_scenario_free(a->sc);
	a->cell = NULL;
}

/* What a cell is expected to cost: a whole run (latency, slow *OPC?), then client timeouts (hang), then a run
 * cut short. The long ones start first, so the short ones fill the gaps at the end. */
static int cost_rank(const lc_fm_cell *c)
{
	return lc_fm_kind_keeps_verdict(c->kind) ? 0 : c->kind == LC_FM_HANG ? 1 : 2;
}

/* The first two ranks mostly wait (see PARALLEL). */
static bool mostly_waits(const lc_fm_cell *c)
{
	return cost_rank(c) < 2;
}

static void run_cells(lc_fm_cell *cells, struct outcome *outs, size_t n)
{
	struct active act[PARALLEL];
	memset(act, 0, sizeof(act));
	static size_t order[MAX_CELLS];
	size_t m = 0;
	for (int rank = 0; rank < 3; rank++)
		for (size_t i = 0; i < n; i++)
			if (cost_rank(&cells[i]) == rank)
				order[m++] = i;
	size_t next = 0, running = 0, busy = 0;
	while (next < n || running) {
		for (int s = 0; s < PARALLEL && next < n; s++)
			if (!act[s].cell) {
				size_t i = order[next];
				if (!mostly_waits(&cells[i]) && busy >= PARALLEL_BUSY)
					break; /* in order: the next cell waits for a busy one to end */
				next++;
				start_cell(&act[s], &cells[i], &outs[i], s);
				running++;
				busy += !mostly_waits(&cells[i]);
			}
		for (int s = 0; s < PARALLEL; s++) {
			if (!act[s].cell)
				continue;
			int st = 0;
			pid_t p = waitpid(act[s].pid, &st, WNOHANG);
			bool late = p == 0 && lc_now_ms() - act[s].start_ms > CELL_TIMEOUT_MS;
			if (late) {
				kill(act[s].pid, SIGKILL);
				waitpid(act[s].pid, &st, 0);
			}
			if (p == act[s].pid || late) {
				busy -= !mostly_waits(act[s].cell);
				finish_cell(&act[s], st, late);
				running--;
			}
		}
		lc_sleep_ms(10);
	}
}

static void print_table(FILE *f, lc_fm_cell *cells, struct outcome *outs, size_t n, double wall_s)
{
	size_t tried = 0, right = 0, wrong = 0;
	fprintf(f, "\nFault matrix%s: cell = ok | ok:shouted (see the top) | WRONG | . (no such cell: the fault cannot fire "
		   "there) | skip (not in this pass's subset)\n\n",
		SANITIZED ? " (sanitizer pass: subset)" : "");
	fprintf(f, "%-26s %-10s", "procedure", "instrument");
	for (int k = 0; k < LC_FM_KINDS; k++)
		fprintf(f, " %-14s", lc_fm_kind_name(k));
	fprintf(f, "\n");
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && cells[j].proc == cells[i].proc && !strcmp(cells[j].target, cells[i].target))
			j++;
		fprintf(f, "%-26s %-10s", cells[i].proc->procedure, cells[i].target);
		for (int k = 0; k < LC_FM_KINDS; k++) {
			const char *t = ".";
			for (size_t x = i; x < j; x++) {
				if (cells[x].kind != k)
					continue;
				t = !outs[x].ran		       ? "skip"
				    : outs[x].right && outs[x].shouted ? "ok:shouted"
				    : outs[x].right		       ? "ok"
								       : "WRONG";
			}
			fprintf(f, " %-14s", t);
		}
		fprintf(f, "\n");
		i = j;
	}
	for (size_t i = 0; i < n; i++) {
		if (!outs[i].ran)
			continue;
		tried++;
		if (outs[i].right)
			right++;
		else
			wrong++;
	}
	size_t shouted = 0;
	for (size_t i = 0; i < n; i++)
		shouted += outs[i].ran && outs[i].right && outs[i].shouted;
	fprintf(f, "\ncells: %zu generated, %zu tried, %zu right (%zu of them a frozen instrument's own laser, shouted), %zu "
		   "wrong; %.0f s wall, %d at a time (%d of them computing)\n",
		n, tried, right, shouted, wrong, wall_s, PARALLEL, PARALLEL_BUSY);
	for (size_t i = 0; i < n; i++)
		if (outs[i].ran && outs[i].right && outs[i].shouted)
			fprintf(f, "SHOUTED %s %s %s: lasers on [%s], the run and %d report(s) say: %.300s\n",
				cells[i].proc->procedure, cells[i].target, lc_fm_kind_name(cells[i].kind), outs[i].lasers_on,
				outs[i].shouting_reports, outs[i].reason);
	for (size_t i = 0; i < n;) { /* what the cells of each procedure cost */
		size_t j = i, ran = 0;
		double sum = 0, max = 0;
		for (; j < n && cells[j].proc == cells[i].proc; j++)
			if (outs[j].ran) {
				ran++;
				sum += outs[j].wall_s;
				max = outs[j].wall_s > max ? outs[j].wall_s : max;
			}
		fprintf(f, "  %-26s %3zu cells, %6.1f s of cell time, slowest %.1f s\n", cells[i].proc->procedure, ran, sum, max);
		i = j;
	}
	for (int k = 0; k < LC_FM_KINDS; k++) { /* what each fault kind costs */
		size_t ran = 0;
		double sum = 0;
		for (size_t i = 0; i < n; i++)
			if (outs[i].ran && cells[i].kind == k) {
				ran++;
				sum += outs[i].wall_s;
			}
		fprintf(f, "  %-26s %3zu cells, %6.1f s of cell time\n", lc_fm_kind_name(k), ran, sum);
	}
	/* the slowest cells, where the matrix's time goes */
	bool listed[MAX_CELLS] = {false};
	for (int k = 0; k < 12; k++) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (outs[i].ran && !listed[i] && (best == n || outs[i].wall_s > outs[best].wall_s))
				best = i;
		if (best == n)
			break;
		listed[best] = true;
		fprintf(f, "  slow: %5.1f s %s %s %s\n", outs[best].wall_s, cells[best].proc->procedure, cells[best].target,
			lc_fm_kind_name(cells[best].kind));
	}
	for (size_t i = 0; i < n; i++) {
		struct outcome *o = &outs[i];
		if (!o->ran || o->right)
			continue;
		char fj[400];
		lc_fm_faults_json(&cells[i].faults, fj, sizeof(fj));
		fprintf(f, "WRONG %s %s %s: exit %d (want %d)%s, fired %llu [%s], lasers on %lld [%s], pass reports %d, "
			   "signed reports of the cable's verdict %d; reason: %s; faults %s\n",
			cells[i].proc->procedure, cells[i].target, lc_fm_kind_name(cells[i].kind), o->exit_code,
			cells[i].expect_exit, o->timed_out ? " TIMED OUT" : "", o->fired, o->counts, o->lasers, o->lasers_on,
			o->pass_reports, o->signed_kept, o->reason, fj);
	}
}

/* The sanitizer pass's subset: a cell whose kind, instrument class or procedure is not covered yet. */
static void choose_subset(lc_fm_cell *cells, size_t n, bool *take)
{
	bool all = SANITIZED == 0 || getenv("LC_FM_ALL");
	bool kind_seen[LC_FM_KINDS] = {false};
	const lc_fm_procedure *last_proc = NULL;
	const char *class_seen[16];
	size_t n_class = 0;
	for (size_t i = 0; i < n; i++) {
		const char *cls = strstr(cells[i].target, ".rl") ? "rl meter" : inst_class(cells[i].inst_kind);
		bool have = false;
		for (size_t k = 0; k < n_class; k++)
			have |= !strcmp(class_seen[k], cls);
		take[i] = all || !kind_seen[cells[i].kind] || !have || cells[i].proc != last_proc;
		if (take[i]) {
			last_proc = cells[i].proc;
			kind_seen[cells[i].kind] = true;
			if (!have && n_class < 16)
				class_seen[n_class++] = cls;
		}
	}
}

/* A row's options reach its runs whole: every row fits, and one more than the limit is refused, not cut. */
Test(fault_matrix, every_row_s_options_reach_the_run)
{
	char why[160];
	for (size_t p = 0; p < sizeof(procedures) / sizeof(procedures[0]); p++)
		cr_expect(lc_fm_options_fit(&procedures[p], why, sizeof(why)), "%s", why);
	const lc_fm_procedure five = {.procedure = "aoc-400g", .scenario = "aoc-400g-good", .options = {"a=1", "b=2", "c=3", "d=4", "e=5", NULL}};
	cr_expect(lc_fm_options_fit(&five, why, sizeof(why)), "%s", why);
	const lc_fm_procedure six = {.procedure = "aoc-400g", .scenario = "aoc-400g-good", .options = {"a=1", "b=2", "c=3", "d=4", "e=5", "f=6"}};
	cr_expect(!lc_fm_options_fit(&six, why, sizeof(why)));
	cr_expect_str_eq(why, "aoc-400g: more than 5 options (the last would not reach the run)");
	const lc_fm_procedure bare = {.procedure = "aoc-400g", .scenario = "aoc-400g-good", .options = {"module_ber", NULL}};
	cr_expect(!lc_fm_options_fit(&bare, why, sizeof(why)));
	cr_expect_str_eq(why, "aoc-400g: option 0 'module_ber' is not a key=value under 64 characters");
}

Test(fault_matrix, every_fault_on_every_instrument_of_every_procedure, .timeout = 1500)
{
	static lc_fm_cell cells[MAX_CELLS];
	static struct outcome outs[MAX_CELLS];
	static bool take[MAX_CELLS];
	int64_t t0 = lc_now_ms();
	make_key();
	const char *only = getenv("LC_FM_ONLY");
	size_t n = 0;
	for (size_t p = 0; p < sizeof(procedures) / sizeof(procedures[0]); p++) {
		if (only && strcmp(only, procedures[p].procedure))
			continue;
		lc_fm_plan plan;
		int64_t t = lc_now_ms();
		lc_fm_dry_run(&procedures[p], &plan);
		printf("dry run %s: %s in %.1f s\n", procedures[p].procedure, plan.verdict, (double)(lc_now_ms() - t) / 1e3);
		for (size_t i = 0; i < plan.n_roles; i++) {
			const lc_fm_role *r = &plan.roles[i];
			printf("  %-10s %-18s opened in %u, run to %u: first query %u, first reply of 2+ bytes %u, first block "
			       "%u, waits %u%s\n",
			       r->target, r->kind, r->attach, r->total, r->first_query, r->first_long, r->first_block,
			       r->opc_waits, r->identified ? ", identified" : "");
		}
		n += lc_fm_cells(&plan, cells + n, MAX_CELLS - n);
	}
	if (getenv("LC_FM_DRY"))
		return; /* the plans only (debugging the generator) */
	cr_assert_gt(n, 0);
	choose_subset(cells, n, take);
	/* run the chosen cells, packed, then put the outcomes back in table order */
	static lc_fm_cell run[MAX_CELLS];
	static struct outcome run_out[MAX_CELLS];
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (take[i])
			run[m++] = cells[i];
	memset(run_out, 0, sizeof(run_out));
	run_cells(run, run_out, m);
	memset(outs, 0, sizeof(outs));
	for (size_t i = 0, j = 0; i < n; i++)
		if (take[i]) {
			outs[i] = run_out[j++];
		}
	double wall = (double)(lc_now_ms() - t0) / 1000.0;
	print_table(stdout, cells, outs, n, wall);
	fflush(stdout);
	char path[600];
	const char *b = getenv("LC_BUILD_DIR");
	snprintf(path, sizeof(path), "%s/fault-matrix%s.txt", b ? b : "/tmp", SANITIZED ? "-asan" : "");
	FILE *f = fopen(path, "w");
	if (f) {
		print_table(f, cells, outs, n, wall);
		fclose(f);
	}
	for (size_t i = 0; i < n; i++)
		if (outs[i].ran)
			cr_expect(outs[i].right, "%s %s %s: exit %d (want %d), fired %llu, lasers on %lld, pass reports %d: %s",
				  cells[i].proc->procedure, cells[i].target, lc_fm_kind_name(cells[i].kind), outs[i].exit_code,
				  cells[i].expect_exit, outs[i].fired, outs[i].lasers, outs[i].pass_reports, outs[i].reason);
}
