#include "tests/procedures/run_cli.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/atomic_file.h"
#include "hal/scpi.h"
#include "base/utf8.h"
#include "reports/store.h"
#include "tests/sim/simworld_util.h"

extern char **environ;

void run_cli_start(run_cli *c, json_t *scenario, const char *tag)
{
	lc_diag d;
	memset(c, 0, sizeof(*c));
	const char *b = getenv("LC_BUILD_DIR");
	snprintf(c->dir, sizeof(c->dir), "%s/%s-XXXXXX", b ? b : "/tmp", tag);
	cr_assert_not_null(mkdtemp(c->dir));
	c->sc = sw_scenario_from(scenario, &d);
	json_decref(scenario);
	cr_assert(c->sc, "%s", d.text);
	c->runner = sw_start(c->sc, 1, &d);
	cr_assert(c->runner, "%s", d.text);
	snprintf(c->station, sizeof(c->station), "%s/station.json", c->dir);
	snprintf(c->db, sizeof(c->db), "%s/results.db", c->dir);
	cr_assert_eq(lc_sim_runner_write_station(c->runner, c->station, &d), 0, "%s", d.text);
}

static int keep_row(const lc_store_row *row, void *user)
{
	run_cli *c = user;
	snprintf(c->reason, sizeof(c->reason), "%s", row->reason ? row->reason : "");
	snprintf(c->store_verdict, sizeof(c->store_verdict), "%s", row->complete ? lc_verdict_name(row->verdict) : "incomplete");
	return 0;
}

int run_cli_run(run_cli *c, const char *procedure, const char *serial, const char *const *extra)
{
	const char *cli = getenv("LC_CLI");
	cr_assert(cli, "LC_CLI is set by the test harness");
	char out_dir[600], out_file[600];
	snprintf(out_dir, sizeof(out_dir), "%s/reports", c->dir);
	snprintf(out_file, sizeof(out_file), "%s/stdout.txt", c->dir);
	/* a path is a procedure file of the test's own: lanecert run takes it only with --procedure-file */
	const char *argv[40] = {cli, "run", "--station", c->station, "--serial", serial, "--operator", "e2e", "--no-sign",
				"--out", out_dir, "--db", c->db, "--non-interactive", "--json"};
	size_t n = 15;
	if (strchr(procedure, '/'))
		argv[n++] = "--procedure-file";
	argv[n++] = procedure;
	for (size_t i = 0; extra && extra[i] && n < 39; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	/* posix_spawn, not fork(): libcriterion 2.4.1's runner leaks 48 bytes when a test with a timeout forks */
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, out_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	int e = posix_spawn(&pid, cli, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	cr_assert_eq(e, 0, "posix_spawn %s: %s", cli, strerror(e));
	int st = 0;
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	free(c->out);
	size_t len;
	lc_diag rd;
	cr_assert_eq(lc_read_file(out_file, 64u << 20, &c->out, &len, &rd), 0, "%s", rd.text);
	c->reason[0] = c->store_verdict[0] = '\0';
	lc_store *s;
	lc_diag d;
	if (lc_store_open(c->db, &s, &d) == 0) {
		lc_store_filter f = {.serial = serial, .since_ms = INT64_MIN, .verdict = -1};
		lc_store_query(s, &f, keep_row, c, &d);
		lc_store_close(s);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

bool run_cli_json_lines_ok(const run_cli *c, char *verdict, size_t cap, char *why, size_t why_cap)
{
	verdict[0] = '\0';
	if (!lc_utf8_valid(c->out, strlen(c->out))) {
		snprintf(why, why_cap, "stdout is not valid UTF-8");
		return false;
	}
	for (const char *p = c->out; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		json_error_t je;
		json_t *o = json_loadb(p, len, 0, &je);
		if (!json_is_object(o)) {
			snprintf(why, why_cap, "not a JSON object (%s): %.*s", je.text, (int)(len > 200 ? 200 : len), p);
			json_decref(o);
			return false;
		}
		const char *ev = json_string_value(json_object_get(o, "event"));
		if (ev && !strcmp(ev, "result"))
			snprintf(verdict, cap, "%s", json_string_value(json_object_get(o, "verdict")));
		json_decref(o);
		p += len + (e ? 1 : 0);
	}
	return true;
}

int run_cli_lasers_on(run_cli *c)
{
	lc_diag d;
	lc_scpi *ctl;
	long long n = -1;
	cr_assert_eq(lc_scpi_open(lc_sim_runner_control_resource(c->runner), NULL, &ctl, &d), 0, "%s", d.text);
	cr_assert_eq(lc_scpi_query_int(ctl, "SIM:LAS:COUN?", &n), 0);
	lc_scpi_close(ctl);
	return (int)n;
}

void run_cli_stop(run_cli *c)
{
	lc_sim_runner_stop(c->runner);
	lc_sim_scenario_free(c->sc);
	free(c->out);
	c->out = NULL;
}
