/*
 * `lanecert run` as a user runs it: the built executable against `lanecert sim`, one table row per exit code
 * the README promises. Each row starts its own simulator (when it needs one) on a port range of its own,
 * makes a key with `lanecert keygen`, runs the procedure in a scratch directory and asserts the exit code,
 * a piece of the output, and for a verdict (0-3) a report that Debian's minisign verifies.
 *
 * To add a case (aborted runs, refusals of bad station contents ...): a row in `cases` and a RUN_CASE line.
 * For a scenario patched in memory (faults injected) tests/procedures/run_cli.h serves it in-process instead.
 * A row with `not_yet` names a code the README promises that lanecert does not give yet: it runs, and is
 * reported as skipped with the code it gave instead (so the summary of `make check` shows it); once lanecert
 * gives the promised code the row fails, asking for `not_yet` to be removed.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/port_range.h"

extern char **environ;

enum station_kind {
	ST_SIM,             /* the station file the simulator wrote (station.json) */
	ST_SIM_AS_LUA,      /* the same, saved as f.lua in the run's directory: --station f.lua */
	ST_DEAD,            /* fixtures/stations/sim-default.json with every instrument on a closed port */
	ST_DEAD_AUTOMATION, /* the same with an automation endpoint on a closed port */
	ST_MALFORMED,       /* not JSON */
	ST_MISSING,         /* no such file */
};

enum key_kind {
	KEY_OK = 0,          /* the key keygen made */
	KEY_OTHERS_READ = 1, /* the same, mode 0644 */
	KEY_MISSING,         /* removed */
	KEY_MALFORMED,       /* a text file that is no minisign key */
};

struct run_case {
	const char *name;
	const char *scenario;   /* ST_SIM*: the simulator's scenario (fixtures/scenarios/) */
	enum station_kind station;
	int key;                /* enum key_kind */
	const char *args;       /* after `lanecert run`: procedure, serial, options (--station/--key/--out added) */
	int exit_code;
	const char *output_has; /* in stdout or stderr */
	bool report;            /* a signed report.json is written and minisign verifies it */
	const char *not_yet;    /* see the top of the file */
	const char *edit;       /* "ROLE.KEY=VALUE[;...]": the station file's instrument of ROLE gets KEY set to
	                           VALUE (a number when VALUE is digits only; "" removes KEY) */
};

/* The time scale is 0 throughout: instrument time advances only when a driver waits, so runs are
 * deterministic and never depend on the machine's speed. */
static const struct run_case cases[] = {
	/* the job, customer and site given end the result line (station defaults: no site here) */
	{"pass", "dr4-breakout-good", ST_SIM, false,
	 "breakout-dr4-4x100g --serial RUN-PASS --job PO-77 --customer 'ACME Networks'", 0,
	 "\"report_error\":\"\",\"job\":\"PO-77\",\"customer\":\"ACME Networks\",\"site\":null}", true, NULL, NULL},
	{"fail", "dr4-breakout-dirty-leg", ST_SIM, false, "breakout-dr4-4x100g --serial RUN-FAIL", 1,
	 "B3", true, NULL, NULL}, /* the dirty leg is named */
	/* Two slots, whose reports are written at once (one store, one key): both written and signed, slot 2's
	 * dirty leg named, the exit the worst verdict's. */
	{"two_slots", "dr4-breakout-two-slots", ST_SIM, false,
	 "breakout-dr4-4x100g --serial RUN-S1 --serial RUN-S2 --slots 2", 1, "B1", true, NULL, NULL},
	/* A BER target the test cannot prove in 1 s of instrument time (the upper bound of a clean lane is then
	 * 3 / 5.3e10 bits = 5.6e-11 > 1e-11) and that no lane's errors exceed: inconclusive, not pass. */
	{"inconclusive", "aoc-400g-good", ST_SIM, false,
	 "aoc-400g --serial SIM-AOC-0001 --option target=1e-11 --option max_time=1", 2, "\"verdict\":\"inconclusive\"",
	 true, NULL, NULL},
	{"error_meter_hangs", "dr4-station-meter-hangs", ST_SIM, false, "breakout-dr4-4x100g --serial RUN-ERR", 3,
	 "deadline passed", true, NULL, NULL},
	/* Instruments that cannot be reached: the run is recorded, as an error of the station. */
	{"error_instruments_unreachable", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial RUN-DEAD", 3,
	 "Connection refused", true, NULL, NULL},
	{"usage_no_serial", NULL, ST_DEAD, false, "breakout-dr4-4x100g", 64, "usage: lanecert run", false, NULL, NULL},
	{"usage_bad_option", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X --bogus", 64,
	 "lanecert run: unknown option '--bogus' (lanecert run --help)", false, NULL, NULL},
	{"usage_slot_not_a_number", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X --slot 2x", 64,
	 "usage: lanecert run", false, NULL, NULL},
	{"usage_slot_negative", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X --slot -1", 64,
	 "usage: lanecert run", false, NULL, NULL},
	/* a tab in the customer would forge a column of a CSV: refused before anything is opened */
	{"usage_customer_control_character", NULL, ST_DEAD, false,
	 "breakout-dr4-4x100g --serial X --customer \"$(printf 'a\\tb')\"", 64,
	 "--customer is not a customer: 1-200 bytes of UTF-8 text without control characters", false, NULL, NULL},
	{"station_malformed", NULL, ST_MALFORMED, false, "breakout-dr4-4x100g --serial X", 65, "LC_ERR_FORMAT",
	 false, NULL, NULL},
	{"station_missing", NULL, ST_MISSING, false, "breakout-dr4-4x100g --serial X", 66, "not found", false,
	 NULL, NULL},
	{"station_file_named_lua", "dr4-breakout-good", ST_SIM_AS_LUA, false,
	 "breakout-dr4-4x100g --serial RUN-LUA", 0, "\"verdict\":\"pass\"", true, NULL, NULL},
	{"automation_unreachable", NULL, ST_DEAD_AUTOMATION, false, "breakout-dr4-4x100g --serial X", 69,
	 "station automation", false, NULL, NULL},
	{"key_readable_by_others", "dr4-breakout-good", ST_SIM, true, "breakout-dr4-4x100g --serial X", 77,
	 "chmod 600", false, NULL, NULL},
	{"key_missing", NULL, ST_DEAD, KEY_MISSING, "breakout-dr4-4x100g --serial X", 66, "t.key", false, NULL, NULL},
	{"key_malformed", NULL, ST_DEAD, KEY_MALFORMED, "breakout-dr4-4x100g --serial X", 65, "t.key", false, NULL, NULL},
	{"procedure_missing", "dr4-breakout-good", ST_SIM, false, "no-such-procedure --serial X", 66,
	 "procedure 'no-such-procedure'", false, NULL, NULL},
	{"procedure_malformed", "dr4-breakout-good", ST_SIM, false, "broken --procedures procs --serial X", 65,
	 "broken.lua", false, NULL, NULL},
	/* A procedure that compiles but is no procedure (no steps): malformed as well, refused before opening. */
	{"procedure_without_steps", NULL, ST_DEAD, false, "--procedure-file procs/nosteps.lua --serial X", 65,
	 "field 'steps' must be a non-empty list", false, NULL, NULL},
	/* Bad station contents, refused before anything is opened: on the station whose instruments refuse
	 * connections, opening anything would end 3 ("Connection refused"). */
	{"station_unknown_driver", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X", 66,
	 "instrument 'meter': driver 'no_such_driver' is not in this build", false, NULL, "meter.driver=no_such_driver"},
	{"station_bad_layout", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X", 65,
	 "instrument 'source': layout '1:toaster': kind must be sensor, source, tls or rl", false, NULL,
	 "source.layout=1:toaster"},
	{"station_layout_for_a_driver_without_one", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X", 65,
	 "instrument 'meter': driver keysight_n774x takes no layout", false, NULL, "meter.layout=nonsense"},
	{"station_layout_fits_no_driver", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X", 65,
	 "instrument 'meter': layout 'nonsense' fits no driver", false, NULL, "meter.driver=;meter.layout=nonsense"},
	{"station_malformed_resource", NULL, ST_DEAD, false, "breakout-dr4-4x100g --serial X", 65,
	 "instrument 'meter': resource 'TCPIP0::127.0.0.1::notaport::SOCKET'", false, NULL,
	 "meter.resource=TCPIP0::127.0.0.1::notaport::SOCKET"},
	/* A driver that does not serve the model the instrument says it is: refused at attach, compared with its
	 * *IDN?, before any laser is touched; no run is recorded. */
	{"station_driver_not_the_model", "dr4-breakout-good", ST_SIM, false, "breakout-dr4-4x100g --serial X", 65,
	 "the station names driver keysight_816x, but Keysight N7745C is served by keysight_n774x", false, NULL,
	 "meter.driver=keysight_816x"},
	/* The same across identity families: the named driver's own identity query is refused (IDER by a SCPI
	 * meter) or not answered (*IDN? by the AQ7260), so the other one is asked, and the answer refuses the
	 * driver: never an error run recorded as if the station had failed. */
	{"station_ider_driver_for_a_scpi_meter", "dr4-breakout-good", ST_SIM, false, "breakout-dr4-4x100g --serial X",
	 65, "the station names driver yokogawa_aq7260, but Keysight N7745C is served by keysight_n774x", false, NULL,
	 "meter.driver=yokogawa_aq7260;meter.timeout_ms=300"},
	{"station_scpi_driver_for_the_otdr", "field-tier2-good", ST_SIM, false, "field-tier2 --serial X", 65,
	 "the station names driver keysight_n774x, but Yokogawa AQ7260 is served by yokogawa_aq7260", false, NULL,
	 "otdr.driver=keysight_n774x;otdr.layout=;otdr.timeout_ms=300"},
};

static const struct run_case *find_case(const char *name)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(cases[i].name, name) == 0)
			return &cases[i];
	cr_assert_fail("no row '%s'", name);
	return NULL;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);
	cr_assert(v && *v, "%s is not set: run the test through ctest", name);
	return v;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return strdup("");
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* Shell status of a command, or -1 when it did not exit. */
static int shell(const char *cmd)
{
	int st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The running simulator, killed by the suite's fini even when an assertion ends a test early. */
static pid_t sim_pid;

static void stop_sim(void)
{
	if (sim_pid > 0) {
		kill(sim_pid, SIGTERM);
		waitpid(sim_pid, NULL, 0);
	}
	sim_pid = 0;
}

TestSuite(cli_run, .fini = stop_sim, .timeout = 110);

/* Start `lanecert sim` in dir writing dir/station.json; another port range when one is taken. */
static void start_sim(const char *dir, const char *scenario)
{
	char log[1100], station[1100];
	snprintf(log, sizeof(log), "%s/sim.err", dir);
	snprintf(station, sizeof(station), "%s/station.json", dir);
	for (unsigned attempt = 0; attempt < TP_ATTEMPTS; attempt++) {
		char base[16];
		snprintf(base, sizeof(base), "%d", tp_port_base(16, attempt));
		int p[2];
		cr_assert_eq(pipe(p), 0);
		/* posix_spawn, not fork(): libcriterion 2.4.1's runner leaks when a test with a timeout forks */
		posix_spawn_file_actions_t fa;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
		posix_spawn_file_actions_addclose(&fa, p[0]);
		posix_spawn_file_actions_addclose(&fa, p[1]);
		posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		char *const argv[] = {"lanecert", "sim", "--scenario", (char *)scenario, "--port-base", base,
				      "--time-scale", "0", "--seed", "1", "--station-out", station, NULL};
		pid_t pid;
		int e = posix_spawn(&pid, env("LC_CLI"), &fa, NULL, argv, environ);
		posix_spawn_file_actions_destroy(&fa);
		close(p[1]);
		cr_assert_eq(e, 0, "posix_spawn %s: %s", env("LC_CLI"), strerror(e));
		sim_pid = pid;
		FILE *out = fdopen(p[0], "r");
		char line[512];
		bool ready = false;
		while (!ready && fgets(line, sizeof(line), out))
			ready = strcmp(line, "ready\n") == 0;
		fclose(out); /* the simulator never writes after "ready" */
		if (ready)
			return;
		stop_sim();
		char *err = slurp(log);
		bool busy = strstr(err, "LC_ERR_BUSY") != NULL;
		if (!busy)
			cr_assert_fail("lanecert sim --scenario %s did not start: %s", scenario, err);
		free(err);
	}
	cr_assert_fail("lanecert sim: no free port range in %d attempts", TP_ATTEMPTS);
}

/* A loopback port that refuses connections while the returned socket stays open (bound, not listening). */
static int dead_port(int *fd)
{
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	cr_assert(*fd >= 0 && bind(*fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
		  getsockname(*fd, (struct sockaddr *)&a, &l) == 0);
	return ntohs(a.sin_port);
}

/* fixtures/stations/sim-default.json with its instruments (ports 5101-5106) on a closed port. */
static void write_dead_station(const char *path, int port, bool automation)
{
	char src[1100];
	snprintf(src, sizeof(src), "%s/fixtures/stations/sim-default.json", env("LC_SOURCE_DIR"));
	char *text = slurp(src);
	cr_assert(strstr(text, "\"instruments\""), "%s: not the station file expected", src);
	size_t cap = strlen(text) + 4096, o = 0;
	char *out = malloc(cap);
	char dead[64];
	snprintf(dead, sizeof(dead), "127.0.0.1::%d::", port);
	for (const char *p = text; *p;) {
		if (automation && strncmp(p, "\"instruments\"", 13) == 0)
			o += (size_t)snprintf(out + o, cap - o, "\"automation\": \"TCPIP::127.0.0.1::%d::SOCKET\",\n  ", port);
		if (strncmp(p, "127.0.0.1::", 11) == 0) {
			const char *q = p + 11;
			while (*q >= '0' && *q <= '9')
				q++;
			if (strncmp(q, "::", 2) == 0) {
				o += (size_t)snprintf(out + o, cap - o, "%s", dead);
				p = q + 2;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
	spit(path, out);
	free(out);
	free(text);
}

/* Apply a row's edits "ROLE.KEY=VALUE;..." to the station file at path. */
static void edit_station(const char *path, const char *edits)
{
	json_error_t je;
	json_t *st = json_load_file(path, 0, &je);
	cr_assert(st, "%s: %s", path, je.text);
	for (const char *e = edits; e; e = strchr(e, ';'), e = e ? e + 1 : NULL) {
		char role[64], key[64], value[256] = "";
		cr_assert(sscanf(e, "%63[^.].%63[^=]=%255[^;]", role, key, value) >= 2, "edit '%s' is not ROLE.KEY=VALUE",
			  e);
		json_t *in, *found = NULL;
		size_t i;
		json_array_foreach(json_object_get(st, "instruments"), i, in) {
			const char *r = json_string_value(json_object_get(in, "role"));
			if (r && !strcmp(r, role))
				found = in;
		}
		cr_assert(found, "%s: no instrument of role %s", path, role);
		if (value[0] && strspn(value, "0123456789") == strlen(value)) /* a number: timeout_ms=300 */
			json_object_set_new(found, key, json_integer(strtoll(value, NULL, 10)));
		else if (value[0])
			json_object_set_new(found, key, json_string(value));
		else
			json_object_del(found, key);
	}
	cr_assert_eq(json_dump_file(st, path, JSON_INDENT(2)), 0);
	json_decref(st);
}

/* The newest report.json under dir/out (path into buf), or false. */
static bool find_report(const char *dir, char *buf, size_t cap)
{
	char out[1100];
	snprintf(out, sizeof(out), "%s/out", dir);
	DIR *d = opendir(out);
	if (!d)
		return false;
	struct dirent *e;
	bool found = false;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		int w = snprintf(buf, cap, "%s/%s/report.json", out, e->d_name);
		if (w > 0 && (size_t)w < cap && access(buf, R_OK) == 0) {
			found = true;
			break;
		}
	}
	closedir(d);
	return found;
}

static void run_case(const char *name)
{
	const struct run_case *c = find_case(name);
	const char *cli = env("LC_CLI");
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/test-scratch", env("LC_BUILD_DIR"));
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/test-scratch/cli-run-%s-%d", env("LC_BUILD_DIR"), c->name, (int)getpid());
	char cmd[8192];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s/procs' && '%s' keygen --out '%s/keys' --name t --unencrypted >/dev/null",
		 dir, dir, cli, dir);
	cr_assert_eq(shell(cmd), 0, "%s", cmd);
	char key[1100];
	snprintf(key, sizeof(key), "%s/keys/t.key", dir);
	if (c->key == KEY_OTHERS_READ)
		cr_assert_eq(chmod(key, 0644), 0);
	if (c->key == KEY_MISSING)
		cr_assert_eq(unlink(key), 0);
	if (c->key == KEY_MALFORMED)
		spit(key, "untrusted comment: not a key\nnot base64 at all\n");
	/* a procedure with a Lua syntax error, for the rows that name --procedures procs */
	char broken[1100];
	snprintf(broken, sizeof(broken), "%s/procs/broken.lua", dir);
	spit(broken, "return {\n");
	snprintf(broken, sizeof(broken), "%s/procs/nosteps.lua", dir);
	spit(broken, "return { name = 'nosteps', steps = {} }\n");

	const char *station = "station.json";
	int dead_fd = -1;
	char path[1100];
	snprintf(path, sizeof(path), "%s/station.json", dir);
	switch (c->station) {
	case ST_SIM:
	case ST_SIM_AS_LUA:
		cr_assert(c->scenario, "row %s: no scenario", c->name);
		start_sim(dir, c->scenario);
		if (c->station == ST_SIM_AS_LUA) {
			char lua[1100];
			snprintf(lua, sizeof(lua), "%s/f.lua", dir);
			cr_assert_eq(rename(path, lua), 0);
			station = "f.lua"; /* a name without '/', in the run's directory */
		}
		break;
	case ST_DEAD:
	case ST_DEAD_AUTOMATION:
		write_dead_station(path, dead_port(&dead_fd), c->station == ST_DEAD_AUTOMATION);
		break;
	case ST_MALFORMED:
		spit(path, "{\"format\": \"lanecert-station/1\", \"instruments\": [\n");
		break;
	case ST_MISSING:
		station = "missing.json";
		break;
	}
	if (c->edit)
		edit_station(path, c->edit);

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && '%s' run %s --station %s --operator cli-run-test --key keys/t.key --out out --db results.db --non-interactive "
		 "--json >stdout.txt 2>stderr.txt",
		 dir, cli, c->args, station);
	int rc = shell(cmd);
	stop_sim();
	if (dead_fd >= 0)
		close(dead_fd);
	snprintf(path, sizeof(path), "%s/stdout.txt", dir);
	char *out = slurp(path);
	snprintf(path, sizeof(path), "%s/stderr.txt", dir);
	char *err = slurp(path);

	if (c->not_yet) {
		cr_assert_neq(rc, c->exit_code, "row %s now exits %d as the README promises: remove its not_yet",
			      c->name, rc);
		cr_skip_test("README promises exit %d, lanecert run exits %d: %s", c->exit_code, rc, c->not_yet);
	}
	cr_assert_eq(rc, c->exit_code, "%s: exit %d, expected %d\nstdout: %.2000s\nstderr: %.2000s", cmd, rc,
		     c->exit_code, out, err);
	if (c->output_has)
		cr_expect(strstr(out, c->output_has) || strstr(err, c->output_has), "'%s' not in\nstdout: %.2000s\nstderr: %.2000s",
			  c->output_has, out, err);
	char report[1200];
	bool have = find_report(dir, report, sizeof(report));
	if (c->report) {
		cr_assert(have, "no report.json under %s/out", dir);
		/* Debian's minisign, not our own code, says the signature holds */
		snprintf(cmd, sizeof(cmd), "minisign -Vqm '%s' -p '%s/keys/t.pub'", report, dir);
		cr_expect_eq(shell(cmd), 0, "minisign rejects %s", report);
		snprintf(cmd, sizeof(cmd), "'%s' verify '%s' --pubkey '%s/keys/t.pub' >/dev/null", cli, report, dir);
		cr_expect_eq(shell(cmd), 0, "lanecert verify rejects %s", report);
		/* one report per --serial: with several slots each is there and verifies */
		int want = 0;
		for (const char *p = c->args; (p = strstr(p, "--serial ")); p++)
			want++;
		if (want > 1) {
			char out_dir[1100], rp[1400];
			snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
			DIR *d = opendir(out_dir);
			cr_assert_not_null(d, "%s", out_dir);
			int n = 0;
			for (struct dirent *e; (e = readdir(d));) {
				if (e->d_name[0] == '.')
					continue;
				snprintf(rp, sizeof(rp), "%s/%s/report.json", out_dir, e->d_name);
				snprintf(cmd, sizeof(cmd), "minisign -Vqm '%s' -p '%s/keys/t.pub'", rp, dir);
				cr_expect_eq(shell(cmd), 0, "minisign rejects %s", rp);
				n++;
			}
			closedir(d);
			cr_expect_eq(n, want, "%d report folders under %s, expected %d", n, out_dir, want);
		}
	} else {
		cr_expect_not(have, "a refused run wrote %s", report);
	}
	free(out);
	free(err);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	shell(cmd);
}

#define RUN_CASE(id)                                                                                         \
	Test(cli_run, id)                                                                                    \
	{                                                                                                    \
		run_case(#id);                                                                               \
	}

RUN_CASE(pass)
RUN_CASE(fail)
RUN_CASE(two_slots)
RUN_CASE(inconclusive)
RUN_CASE(error_meter_hangs)
RUN_CASE(error_instruments_unreachable)
RUN_CASE(usage_no_serial)
RUN_CASE(usage_bad_option)
RUN_CASE(usage_slot_not_a_number)
RUN_CASE(usage_slot_negative)
RUN_CASE(usage_customer_control_character)
RUN_CASE(station_malformed)
RUN_CASE(station_missing)
RUN_CASE(station_file_named_lua)
RUN_CASE(automation_unreachable)
RUN_CASE(key_readable_by_others)
RUN_CASE(procedure_missing)
RUN_CASE(key_missing)
RUN_CASE(key_malformed)
RUN_CASE(procedure_malformed)
RUN_CASE(procedure_without_steps)
RUN_CASE(station_unknown_driver)
RUN_CASE(station_bad_layout)
RUN_CASE(station_layout_for_a_driver_without_one)
RUN_CASE(station_layout_fits_no_driver)
RUN_CASE(station_malformed_resource)
RUN_CASE(station_driver_not_the_model)
RUN_CASE(station_ider_driver_for_a_scpi_meter)
RUN_CASE(station_scpi_driver_for_the_otdr)
