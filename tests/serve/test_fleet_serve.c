/*
 * `lanecert serve --db postgresql://...`: the same pages on the fleet's store, against a real PostgreSQL
 * (tests/reports/pg_cluster.c: a throwaway cluster on a unix socket) holding a station's runs that
 * `lc_sync_pass` delivered from its journal (tests/reports/fleet_fixture.c).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lanecert/fleet.h>

#include "tests/reports/fleet_fixture.h"
#include "tests/reports/pg_cluster.h"

extern char **environ;

#define RUNS 3

static tpg pg;
static char *dir;
static pid_t serve_pid = -1;

static void stop_all(void)
{
	if (serve_pid > 0) {
		kill(serve_pid, SIGTERM);
		waitpid(serve_pid, NULL, 0);
		serve_pid = -1;
	}
	tpg_destroy(&pg);
	if (dir)
		ff_remove(dir);
}

/* Start lanecert serve with args; its port (from the line it prints). */
static int serve(const char *const *args, size_t n)
{
	char *argv[16] = {"lanecert", "serve"};
	for (size_t i = 0; i < n; i++)
		argv[2 + i] = (char *)args[i];
	int p[2];
	cr_assert_eq(pipe(p), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	cr_assert_eq(posix_spawn(&serve_pid, getenv("LC_CLI"), &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	FILE *out = fdopen(p[0], "r");
	char line[512] = "";
	char *got = fgets(line, sizeof(line), out);
	fclose(out);
	unsigned port = 0;
	cr_assert(got && sscanf(line, "lanecert serve: http://127.0.0.1:%u/", &port) == 1, "serve printed: %s", line);
	return (int)port;
}

/* GET path: the whole answer (malloc'ed). */
static char *get(int port, const char *path)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0, "%s", strerror(errno));
	char req[512];
	int n = snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", path);
	cr_assert_eq(write(fd, req, (size_t)n), n);
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)r;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

/* No Criterion .timeout (see tests/reports/test_fleet.c): ctest's TIMEOUT bounds the binary. */
Test(serve_fleet, the_pages_read_the_fleet_store, .fini = stop_all)
{
	cr_assert_eq(tpg_create(&pg, "serve"), 0, "initdb: see above");
	cr_assert_eq(tpg_start(&pg), 0, "pg_ctl start: see above");
	cr_assert_eq(tpg_sql(&pg, "postgres", "CREATE DATABASE serve"), 0);
	char url[1024];
	snprintf(url, sizeof(url), "%s", tpg_url(&pg, "serve", "lanecert_admin"));
	lc_fleet *f;
	lc_diag d;
	cr_assert_eq(lc_fleet_connect(url, &f, &d), 0, "%s", d.text);
	cr_assert_gt(lc_fleet_migrate(f, &d), 0, "%s", d.text);
	dir = ff_scratch("serve-fleet");
	cr_assert_not_null(dir);
	cr_assert_eq(ff_make_station_files(dir, "st-s", RUNS, true), 0); /* with report.html and a raw file */
	cr_assert_eq(ff_register(&pg, "serve", dir, "st-s"), 0);
	char journal[1100], live[1100];
	snprintf(journal, sizeof(journal), "%s/st-s/results.db", dir);
	lc_sync_stats s;
	lc_sync_opts so = {.batch = 64, .with_files = true};
	cr_assert_eq(lc_sync_pass_opts(journal, f, &so, &s, NULL, NULL, &d), 0, "%s", d.text);
	cr_assert_eq(s.sent, RUNS);
	cr_assert_eq(s.files, 2 * RUNS);
	lc_fleet_close(f);

	snprintf(live, sizeof(live), "%s/serve.live", dir);
	/* A station file for st-s (the simulator's default station under that name), for the station page. */
	char sim_station[1200], station_file[1200];
	snprintf(sim_station, sizeof(sim_station), "%s/fixtures/stations/sim-default.json", getenv("LC_SOURCE_DIR"));
	snprintf(station_file, sizeof(station_file), "%s/st-s.json", dir);
	size_t slen;
	lc_diag sd;
	char *text;
	cr_assert_eq(lc_read_file(sim_station, 1 << 20, &text, &slen, &sd), 0, "%s", sd.text);
	char *name = strstr(text, "\"name\": \"sim-default\"");
	cr_assert_not_null(name);
	FILE *sf = fopen(station_file, "w");
	cr_assert_not_null(sf);
	fprintf(sf, "%.*s\"name\": \"st-s\"%s", (int)(name - text), text, name + strlen("\"name\": \"sim-default\""));
	fclose(sf);
	free(text);
	const char *args[] = {"--listen", "127.0.0.1:0", "--db", url, "--live-socket", live, "--station", station_file};
	int port = serve(args, 8);
	char *page = get(port, "/history");
	cr_assert(strstr(page, "HTTP/1.1 200"), "%.300s", page);
	char want[64];
	snprintf(want, sizeof(want), "%d runs<", RUNS);
	cr_assert(strstr(page, want), "the fleet's runs are listed: %.2000s", page);
	cr_assert(strstr(page, ">st-s-0000<") || strstr(page, ">ST-S-0000<") || strstr(page, "st-s-0000"), "%.3000s", page);
	/* a run's page: from the fleet, its report is in the database, verified now against the station's
	 * registered key; the JSON and its signature download by run id, byte for byte what the station signed */
	const char *link = strstr(page, "href=\"/runs/");
	cr_assert_not_null(link);
	long id = strtol(link + strlen("href=\"/runs/"), NULL, 10);
	free(page);
	char path[64];
	snprintf(path, sizeof(path), "/runs/%ld", id);
	page = get(port, path);
	cr_assert(strstr(page, "HTTP/1.1 200") && strstr(page, "id=\"verify\" class=\"ok\">Verified: signed by key") &&
			  strstr(page, "registered for station st-s"),
		  "%.3000s", page);
	cr_assert(strstr(page, "report.json\" download") && strstr(page, "report.json.minisig\" download") &&
			  strstr(page, "report.html\">Report (HTML)") && !strstr(page, "report.pdf"),
		  "%.3000s", page);
	free(page);
	/* the JSON and signature from the reports table; the HTML inline from what --with-files uploaded */
	static const char *const names[] = {"report.json", "report.json.minisig", "report.html"};
	char serial[32] = "";
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/runs/%ld/%s", id, names[i]);
		page = get(port, path);
		cr_assert(strstr(page, "HTTP/1.1 200") && (i == 2) == !strstr(page, "attachment; filename=\"run-"), "%.300s",
			  page);
		if (i == 2)
			cr_assert(strstr(page, "sandbox"), "the HTML report is served sandboxed: %.600s", page);
		const char *body = strstr(page, "\r\n\r\n") + 4;
		if (i == 0) {
			const char *sn = strstr(body, "\"serial\": \"st-s-");
			cr_assert_not_null(sn, "%.500s", body);
			snprintf(serial, sizeof(serial), "%.9s", sn + strlen("\"serial\": \""));
		}
		char file[1200];
		snprintf(file, sizeof(file), "%s/st-s/run%s/%s", dir, serial + 5, names[i]);
		size_t len;
		lc_diag rd;
		char *want_bytes;
		cr_assert_eq(lc_read_file(file, 1 << 20, &want_bytes, &len, &rd), 0, "%s", rd.text);
		cr_assert_eq(strlen(body), len, "%s: %zu bytes served, %zu signed", names[i], strlen(body), len);
		cr_assert_eq(memcmp(body, want_bytes, len), 0, "%s differs from the station's", names[i]);
		free(want_bytes);
		free(page);
	}
	snprintf(path, sizeof(path), "/runs/%ld/report.pdf", id);
	page = get(port, path);
	cr_assert(strstr(page, "HTTP/1.1 404") && strstr(page, "did not upload this file"), "%.600s", page);
	free(page);
	page = get(port, "/runs/999999");
	cr_assert(strstr(page, "HTTP/1.1 404"), "%.300s", page);
	free(page);
	/* The station page reads the latest run's report from the database (it verifies) */
	page = get(port, "/station");
	snprintf(path, sizeof(path), "from run <a href=\"/runs/%d\">#%d</a>", RUNS, RUNS);
	cr_assert(strstr(page, "HTTP/1.1 200") && strstr(page, path) && !strstr(page, "could not be read"), "%.4000s",
		  page);
	free(page);
	/* A stored signature changed behind the sync's back (the database's owner can): the page says so. */
	cr_assert_eq(tpg_sql(&pg, "serve",
			     "UPDATE lanecert.reports SET signature = (SELECT signature FROM lanecert.reports ORDER BY sha256"
			     " LIMIT 1) WHERE sha256 = (SELECT sha256 FROM lanecert.reports ORDER BY sha256 DESC LIMIT 1)"),
		     0);
	int bad = 0;
	for (long r = 1; r <= RUNS + 1; r++) {
		char p2[64];
		snprintf(p2, sizeof(p2), "/runs/%ld", r);
		page = get(port, p2);
		bad += strstr(page, "class=\"bad\">NOT verified against key") != NULL;
		free(page);
	}
	cr_assert_eq(bad, 1, "one tampered report, %d pages said so", bad);
	/* search by the start of a serial */
	page = get(port, "/history?match=prefix&serial=st-s-000");
	cr_assert(strstr(page, want), "%.2000s", page);
	free(page);
	page = get(port, "/history?match=prefix&serial=st-s-0001");
	cr_assert(strstr(page, "1 run<") && strstr(page, "st-s-0001"), "%.2000s", page);
	free(page);
	page = get(port, "/history?serial=no-such-serial");
	cr_assert(strstr(page, "0 runs<"), "%.2000s", page);
	free(page);
	/* the fixture's runs started on 2026-05-28 (tests/reports/fleet_fixture.c), a minute apart: the day filter
	 * (the store's since, the pages' until) finds them all, the day after none */
	page = get(port, "/history?date=2026-05-28");
	cr_assert(strstr(page, want), "%.2000s", page);
	free(page);
	page = get(port, "/history?date=2026-05-29");
	cr_assert(strstr(page, "0 runs<"), "%.2000s", page);
	free(page);
	page = get(port, "/quality?days=90");
	cr_assert(strstr(page, "HTTP/1.1 200") && strstr(page, "<table id=\"yield\">"), "%.2000s", page);
	free(page);
	kill(serve_pid, SIGTERM);
	int st;
	waitpid(serve_pid, &st, 0);
	serve_pid = -1;
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

Test(serve_fleet, an_unreachable_fleet_store_is_said_at_start)
{
	char *argv[] = {"lanecert", "serve", "--listen", "127.0.0.1:0", "--live-socket", "/nonexistent/x.live", "--db",
			"postgresql://nobody@/nodb?host=/nonexistent-socket-dir", NULL};
	int p[2];
	cr_assert_eq(pipe(p), 0);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	posix_spawn_file_actions_addclose(&fa, p[1]);
	pid_t pid;
	cr_assert_eq(posix_spawn(&pid, getenv("LC_CLI"), &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	char err[2048] = "";
	size_t k = 0;
	ssize_t r;
	while (k < sizeof(err) - 1 && (r = read(p[0], err + k, sizeof(err) - 1 - k)) > 0)
		k += (size_t)r;
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 69, "exit %d: %s", WEXITSTATUS(st), err);
	cr_assert(strstr(err, "nonexistent-socket-dir"), "libpq's reason is said: %s", err);
}
