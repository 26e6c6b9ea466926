/* `lanecert sim`: start, one line per instrument, ready, station file, two side by side, SIGTERM. */
#include <criterion/criterion.h>
#include <signal.h>
#include <sys/wait.h>

#include "cli/cli.h"
#include "fixtures/station.h"
#include "simworld_util.h"
#include "tests/port_range.h"

struct sim {
	pid_t pid;
	FILE *out;
	char lines[16][300];
	int n;
};

/* Every simulator started, killed by the suite's fini even when an assertion ends a test early. */
static pid_t started[8];
static int n_started;

static void kill_all(void)
{
	for (int i = 0; i < n_started; i++)
		if (started[i] > 0 && kill(started[i], SIGKILL) == 0)
			waitpid(started[i], NULL, 0);
	n_started = 0;
}

TestSuite(sim_cli, .fini = kill_all);

/* Start `lanecert sim ARGS...` with stdout on a pipe; read lines up to "ready" (false if it never came). */
static bool sim_start(struct sim *s, char *const argv[])
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	s->pid = fork();
	cr_assert(s->pid >= 0);
	if (s->pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	if (n_started < 8)
		started[n_started++] = s->pid;
	s->out = fdopen(p[0], "r");
	s->n = 0;
	char line[300];
	while (s->n < 16 && fgets(line, sizeof(line), s->out)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "ready"))
			return true;
		snprintf(s->lines[s->n++], sizeof(s->lines[0]), "%s", line);
	}
	return false;
}

static int sim_stop(struct sim *s, char *rest, size_t cap)
{
	kill(s->pid, SIGTERM);
	size_t n = fread(rest, 1, cap - 1, s->out);
	rest[n] = '\0';
	fclose(s->out);
	int st = 0;
	waitpid(s->pid, &st, 0);
	for (int i = 0; i < n_started; i++)
		if (started[i] == s->pid)
			started[i] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static const char *cli(void)
{
	const char *c = getenv("LC_CLI");
	cr_assert(c, "LC_CLI is set by the test harness");
	return c;
}

static int free_base(int salt)
{
	/* a base whose 8 ports can be bound right now, below the ephemeral ports (tests/port_range.h) */
	for (unsigned k = 0; k < TP_ATTEMPTS; k++) {
		int base = tp_port_base(8, k * 7u + (unsigned)salt);
		bool ok = true;
		for (int i = 0; i < 8 && ok; i++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);
			struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(base + i))};
			inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
			ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
			close(fd);
		}
		if (ok)
			return base;
	}
	cr_assert_fail("no free port range");
	return 0;
}

Test(sim_cli, start_ready_station_out_sigterm)
{
	char base[16], out[512], fx[1024];
	snprintf(base, sizeof(base), "%d", free_base(1));
	snprintf(out, sizeof(out), "%s/sim-cli-%d.json", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp", getpid());
	char scen[1100];
	snprintf(scen, sizeof(scen), "%s/scenarios/field-tier1-good.json", sw_fixtures(fx, sizeof(fx)));
	char *argv[] = {(char *)cli(), "sim", "--scenario", scen, "--port-base", base, "--time-scale", "0",
			"--seed", "5", "--station-out", out, NULL};
	struct sim s;
	cr_assert(sim_start(&s, argv), "ready never came");
	/* ROLE RESOURCE IDN for each instrument, then the control line */
	static const char *const roles[] = {"source", "switch1", "switch2", "meter", "control"};
	cr_assert_eq(s.n, 5, "%d lines", s.n);
	for (int i = 0; i < 5; i++) {
		char role[32], res[128];
		cr_assert_eq(sscanf(s.lines[i], "%31s %127s", role, res), 2, "%s", s.lines[i]);
		cr_assert_str_eq(role, roles[i]);
		cr_assert(!strncmp(res, "TCPIP0::127.0.0.1::", 19) && strstr(res, "::SOCKET"), "%s", res);
	}
	cr_assert(strstr(s.lines[1], "Dicon Fiberoptics Inc, GP600"), "%s", s.lines[1]);
	/* the station file names the same resources and loads */
	lc_station *st = NULL;
	lc_diag d;
	cr_assert_eq(lc_station_load(out, NULL, &st, &d), 0, "%s", d.text);
	const lc_station_instrument *m = lc_station_instrument_by_role(st, "meter");
	cr_assert(m && strstr(s.lines[3], m->resource), "%s vs %s", m ? m->resource : "-", s.lines[3]);
	lc_station_free(st);
	/* the instrument answers there */
	int port = atoi(strstr(s.lines[3], "127.0.0.1::") + 11);
	int fd = sw_connect(port);
	char b[256];
	cr_assert(!strncmp(sw_query(fd, "*IDN?", b, sizeof(b)), "THORLABS,PM100USB,", 18), "%s", b);
	close(fd);
	char rest[4096];
	cr_assert_eq(sim_stop(&s, rest, sizeof(rest)), 0, "clean exit on SIGTERM");
	cr_assert(strstr(rest, "lasers-on NONE"), "%s", rest);
	cr_assert(strstr(rest, "time meter "), "%s", rest);
	unlink(out);
}

Test(sim_cli, two_simulators_side_by_side_and_a_laser_left_on)
{
	char b1[16], b2[16];
	int base1 = free_base(2), base2;
	do
		base2 = free_base(3);
	while (abs(base2 - base1) < 10);
	snprintf(b1, sizeof(b1), "%d", base1);
	snprintf(b2, sizeof(b2), "%d", base2);
	char *a1[] = {(char *)cli(), "sim", "--port-base", b1, "--time-scale", "0", NULL};
	char *a2[] = {(char *)cli(), "sim", "--port-base", b2, "--time-scale", "0", "--seed", "9", NULL};
	struct sim s1, s2;
	cr_assert(sim_start(&s1, a1));
	cr_assert(sim_start(&s2, a2));
	cr_assert(!strncmp(s1.lines[0], "source ", 7));
	/* a laser turned on in the first and never off: the summary says so; the second is untouched */
	int fd = sw_connect(base1);
	char b[256];
	sw_send(fd, ":SOUR1:POW:STAT 1");
	sw_sync(fd);
	close(fd);
	char rest[4096];
	cr_assert_eq(sim_stop(&s2, rest, sizeof(rest)), 0);
	cr_assert(strstr(rest, "lasers-on NONE"), "%s", rest);
	cr_assert_eq(sim_stop(&s1, rest, sizeof(rest)), 0);
	cr_assert(strstr(rest, "lasers-on source:1"), "%s", rest);
	(void)b;
}

Test(sim_cli, bad_scenario_and_unavailable_kinds)
{
	char *a1[] = {(char *)cli(), "sim", "--scenario", "no-such-scenario", NULL};
	struct sim s;
	cr_assert_not(sim_start(&s, a1));
	char rest[256];
	cr_assert_eq(sim_stop(&s, rest, sizeof(rest)), LC_EXIT_NOINPUT);
	if (!lc_sim_kind_find("cmis_module")) {
		/* the module-memory service does not exist yet: named, not faked */
		char *a2[] = {(char *)cli(), "sim", "--scenario", "aoc-400g-good", "--port-base", "1", NULL};
		cr_assert_not(sim_start(&s, a2));
		cr_assert_eq(sim_stop(&s, rest, sizeof(rest)), LC_EXIT_UNAVAILABLE);
	}
	char *a3[] = {(char *)cli(), "sim", "--time-scale", "-1", NULL};
	cr_assert_not(sim_start(&s, a3));
	cr_assert_eq(sim_stop(&s, rest, sizeof(rest)), LC_EXIT_USAGE);
}

/* How an instrument is served is in its resource line; the notes explaining it (VXI-11 as a socket when a
 * port base is given, since port 111 cannot be shared) are for -v only. */
Test(sim_cli, serving_notes_only_with_verbose)
{
	const char *bd = getenv("LC_BUILD_DIR");
	for (int verbose = 0; verbose < 2; verbose++) {
		char err[512], cmd[2048];
		snprintf(err, sizeof(err), "%s/sim-cli-notes-%d-%d.err", bd ? bd : "/tmp", (int)getpid(), verbose);
		snprintf(cmd, sizeof(cmd), "exec '%s' sim --port-base %d --time-scale 0%s 2>'%s'", cli(), free_base(4 + verbose),
			 verbose ? " -v" : "", err);
		char *argv[] = {"/bin/sh", "-c", cmd, NULL};
		struct sim s;
		cr_assert(sim_start(&s, argv), "ready never came: %s", cmd);
		cr_assert(strstr(s.lines[0], "source TCPIP0::127.0.0.1::") && strstr(s.lines[0], "::SOCKET"), "%s",
			  s.lines[0]);
		char rest[4096];
		cr_assert_eq(sim_stop(&s, rest, sizeof(rest)), 0);
		FILE *f = fopen(err, "r");
		cr_assert(f, "%s", err);
		size_t n = fread(rest, 1, sizeof(rest) - 1, f);
		rest[n] = '\0';
		fclose(f);
		unlink(err);
		if (verbose)
			cr_expect(strstr(rest, "note: source: VXI-11 served as SOCKET"), "with -v: %s", rest);
		else
			cr_expect_null(strstr(rest, "note:"), "without -v: %s", rest);
	}
}
