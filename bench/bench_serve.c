/*
 * lanecert-bench serve [--json] [--time-scale X (default 1)] [--pairs N (default 2)] [--port-base P]: does the
 * station dashboard slow a certification down, and how much memory does it take under load?
 *
 * The real programs, as on a line: `lanecert sim` serves the four-slot DR4 station (dr4-four-slots: each slot
 * has its own instruments), `lanecert run --slots 4` certifies four cables at once, `lanecert serve` serves the
 * dashboard. Each pair of runs measures the same certification twice: without a server (the run publishes to
 * a socket nobody listens on, as it does on a line without a dashboard) and with the server up, 50 Server-Sent
 * Events clients on the live view and 100 history queries per second (each a new connection, a filtered
 * search). The figure is the ratio of the wall times (target <= 1.01), per pair and their median; the server's
 * peak RSS (VmHWM) is read from /proc at the end of each loaded run, with its RSS before the load.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <poll.h>

#include "bench/bench.h"
#include "cli/cli.h"

extern char **environ;

#define SSE_CLIENTS 50
#define HISTORY_RATE 100
#define PAIRS_MAX 8

static char cli[4096], dir[256];

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Spawn argv with stdout into a pipe (*out_fd, may be NULL: /dev/null) and stderr into dir/NAME.err. */
static pid_t spawn(char *const argv[], int *out_fd, const char *errname)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	int p[2] = {-1, -1};
	if (out_fd) {
		if (pipe(p) < 0)
			return -1;
		posix_spawn_file_actions_adddup2(&fa, p[1], 1);
		posix_spawn_file_actions_addclose(&fa, p[0]);
		posix_spawn_file_actions_addclose(&fa, p[1]);
	} else {
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	}
	char err[512];
	snprintf(err, sizeof(err), "%s/%s.err", dir, errname);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	pid_t pid;
	int e = posix_spawn(&pid, cli, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (out_fd) {
		close(p[1]);
		*out_fd = p[0];
	}
	return e ? -1 : pid;
}

/* A line of the child's stdout that starts with prefix, into buf; false at EOF. */
static bool read_line_with(int fd, const char *prefix, char *buf, size_t cap)
{
	size_t k = 0;
	char c;
	while (read(fd, &c, 1) == 1) {
		if (c == '\n') {
			buf[k] = '\0';
			if (strncmp(buf, prefix, strlen(prefix)) == 0)
				return true;
			k = 0;
		} else if (k + 1 < cap) {
			buf[k++] = c;
		}
	}
	return false;
}

static int wait_exit(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static long vm_kib(pid_t pid, const char *field)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long v = -1;
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0)
			v = strtol(line + strlen(field) + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* ---- load ---- */

static struct sockaddr_in server;
static atomic_bool stop_load;
static atomic_long sse_events, sse_failed, hist_ok, hist_bad;
static double hist_lat[200000];
static atomic_long hist_n;

static int connect_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&server, sizeof(server)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *sse_client(void *arg)
{
	(void)arg;
	int fd = connect_server();
	static const char req[] = "GET /events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n";
	if (fd < 0 || write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		sse_failed++;
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	char buf[16384];
	char prev = 0;
	while (!stop_load) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			sse_failed++;
			break;
		}
		/* an event is an "id: " line at the start of a line */
		for (ssize_t i = 0; i + 3 < n; i++)
			if ((i == 0 ? prev == '\n' : buf[i - 1] == '\n') && memcmp(buf + i, "id: ", 4) == 0)
				sse_events++;
		prev = buf[n - 1];
	}
	close(fd);
	return NULL;
}

static void *history_client(void *arg)
{
	(void)arg;
	double next = now_s();
	unsigned k = 0;
	while (!stop_load) {
		double t = now_s();
		if (t < next) {
			struct timespec ts = {0, (long)((next - t) * 1e9)};
			nanosleep(&ts, NULL);
			continue;
		}
		next += 1.0 / HISTORY_RATE;
		char req[256];
		int n = snprintf(req, sizeof(req),
				 "GET /history?serial=BENCH-%u-%u&limit=50 HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n",
				 k % 4 + 1, k % 3);
		k++;
		int fd = connect_server();
		if (fd < 0 || write(fd, req, (size_t)n) != n) {
			hist_bad++;
			if (fd >= 0)
				close(fd);
			continue;
		}
		char buf[8192];
		ssize_t got, total = 0;
		bool ok = false;
		while ((got = read(fd, buf, sizeof(buf))) > 0) {
			if (total == 0)
				ok = got > 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0;
			total += got;
		}
		close(fd);
		long i = hist_n++;
		if (i < (long)(sizeof(hist_lat) / sizeof(hist_lat[0])))
			hist_lat[i] = now_s() - t;
		if (ok)
			hist_ok++;
		else
			hist_bad++;
	}
	return NULL;
}

/* The events the server received, from its station page ("Live feed: N events received"); -1 if unknown. */
static long server_events(void)
{
	int fd = connect_server();
	static const char req[] = "GET /station HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n";
	if (fd < 0)
		return -1;
	if (write(fd, req, sizeof(req) - 1) != (ssize_t)(sizeof(req) - 1)) {
		close(fd);
		return -1;
	}
	static char page[1 << 20];
	size_t k = 0;
	ssize_t n;
	while (k < sizeof(page) - 1 && (n = read(fd, page + k, sizeof(page) - 1 - k)) > 0)
		k += (size_t)n;
	close(fd);
	page[k] = '\0';
	const char *at = strstr(page, "Live feed: ");
	return at ? strtol(at + 11, NULL, 10) : -1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* ---- runs ---- */

static double certify(const char *station, const char *key, const char *db, unsigned round, int *exit_code)
{
	char serials[128], out[512];
	snprintf(serials, sizeof(serials), "BENCH-1-%u,BENCH-2-%u,BENCH-3-%u,BENCH-4-%u", round, round, round, round);
	snprintf(out, sizeof(out), "%s/reports", dir);
	char *const argv[] = {"lanecert", "run", "breakout-dr4-4x100g", "--station", (char *)station, "--slots", "4",
			      "--serial", serials, "--operator", "bench", "--key", (char *)key, "--db", (char *)db,
			      "--out", out, "--non-interactive", "--json", NULL};
	double t0 = now_s();
	pid_t pid = spawn(argv, NULL, "run");
	*exit_code = pid < 0 ? 127 : wait_exit(pid);
	return now_s() - t0;
}

int lc_bench_serve(int argc, char **argv)
{
	bool json = false;
	const char *scale = "1";
	unsigned pairs = 2;
	int port_base = 27300;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "--time-scale") == 0 && i + 1 < argc)
			scale = argv[++i];
		else if (strcmp(argv[i], "--pairs") == 0 && i + 1 < argc)
			pairs = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--port-base") == 0 && i + 1 < argc)
			port_base = atoi(argv[++i]);
		else {
			fprintf(stderr, "usage: lanecert-bench serve [--json] [--time-scale X] [--pairs N] [--port-base P]\n");
			return LC_EXIT_USAGE;
		}
	}
	if (pairs < 1 || pairs > PAIRS_MAX) {
		fprintf(stderr, "lanecert-bench serve: --pairs 1..%d\n", PAIRS_MAX);
		return LC_EXIT_USAGE;
	}
	/* the lanecert program of this build: beside lanecert-bench */
	ssize_t n = readlink("/proc/self/exe", cli, sizeof(cli) - 16);
	if (n <= 0)
		return LC_EXIT_SOFTWARE;
	cli[n] = '\0';
	strcpy(strrchr(cli, '/') + 1, "lanecert");
	snprintf(dir, sizeof(dir), "/tmp/lanecert-bench-serve-%d", (int)getpid());
	mkdir(dir, 0700);
	char station[400], key[400], pub[400], db[400], port[16], line[512];
	snprintf(station, sizeof(station), "%s/station.json", dir);
	snprintf(key, sizeof(key), "%s/k.key", dir);
	snprintf(pub, sizeof(pub), "%s/k.pub", dir);
	snprintf(db, sizeof(db), "%s/results.db", dir);
	snprintf(port, sizeof(port), "%d", port_base);
	char *const keygen[] = {"lanecert", "keygen", "--unencrypted", "--name", "k", "--out", dir, NULL};
	pid_t kp = spawn(keygen, NULL, "keygen");
	if (kp < 0 || wait_exit(kp) != 0) {
		fprintf(stderr, "lanecert-bench serve: keygen failed (%s/keygen.err)\n", dir);
		return LC_EXIT_SOFTWARE;
	}
	int sim_out;
	char *const sim[] = {"lanecert", "sim", "--scenario", "dr4-four-slots", "--port-base", port, "--time-scale",
			     (char *)scale, "--seed", "1", "--station-out", station, NULL};
	pid_t sim_pid = spawn(sim, &sim_out, "sim");
	if (sim_pid < 0 || !read_line_with(sim_out, "ready", line, sizeof(line))) {
		fprintf(stderr, "lanecert-bench serve: lanecert sim did not start (%s/sim.err; --port-base)\n", dir);
		return LC_EXIT_SOFTWARE;
	}
	close(sim_out);

	double base[PAIRS_MAX], loaded[PAIRS_MAX], ratio[PAIRS_MAX];
	long hwm = 0, rss_idle = 0, events_total = 0, clients_failed = 0;
	double hist_rate = 0;
	int rc = LC_EXIT_OK, code;
	unsigned round = 0;
	long received = 0; /* events the server got in the last loaded run */
	for (unsigned p = 0; p < pairs && rc == LC_EXIT_OK; p++) {
		/* the two runs of a pair take turns going first: the no-server run first in odd pairs, the loaded
		 * run first in even ones, so that neither always finds the station as the other one left it */
		for (int pass = 0; pass < 2 && rc == LC_EXIT_OK; pass++) {
			if ((pass == 0) == (p % 2 == 0)) {
				base[p] = certify(station, key, db, round++, &code);
				if (code != 0) {
					fprintf(stderr, "lanecert-bench serve: the certification exited %d (%s/run.err)\n",
						code, dir);
					rc = LC_EXIT_SOFTWARE;
				}
				continue;
			}
			int serve_out;
			char *const serve[] = {"lanecert", "serve", "--listen", "127.0.0.1:0", "--db", db, "--station", station,
					       "--pubkey", pub, NULL};
			pid_t serve_pid = spawn(serve, &serve_out, "serve");
			unsigned sport = 0;
			if (serve_pid < 0 || !read_line_with(serve_out, "lanecert serve: ", line, sizeof(line)) ||
			    sscanf(line, "lanecert serve: http://127.0.0.1:%u/", &sport) != 1) {
				fprintf(stderr, "lanecert-bench serve: lanecert serve did not start (%s/serve.err)\n", dir);
				rc = LC_EXIT_SOFTWARE;
				break;
			}
			server = (struct sockaddr_in){.sin_family = AF_INET, .sin_port = htons((uint16_t)sport)};
			inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
			rss_idle = vm_kib(serve_pid, "VmRSS");
			stop_load = false;
			sse_events = sse_failed = hist_ok = hist_bad = hist_n = 0;
			pthread_t th[SSE_CLIENTS + 1];
			for (int i = 0; i < SSE_CLIENTS; i++)
				pthread_create(&th[i], NULL, sse_client, NULL);
			pthread_create(&th[SSE_CLIENTS], NULL, history_client, NULL);
			double t0 = now_s();
			loaded[p] = certify(station, key, db, round++, &code);
			double dt = now_s() - t0;
			/* the streams deliver what the server received: give the last events a second to arrive */
			received = server_events();
			for (int i = 0; i < 100 && received > 0 && sse_events < received * SSE_CLIENTS; i++) {
				struct timespec ts = {0, 10000000};
				nanosleep(&ts, NULL);
			}
			long h = vm_kib(serve_pid, "VmHWM");
			hwm = h > hwm ? h : hwm;
			stop_load = true;
			for (int i = 0; i <= SSE_CLIENTS; i++)
				pthread_join(th[i], NULL);
			events_total = sse_events;
			clients_failed = sse_failed;
			hist_rate = hist_ok / dt;
			kill(serve_pid, SIGTERM);
			wait_exit(serve_pid);
			close(serve_out);
			if (code != 0) {
				fprintf(stderr, "lanecert-bench serve: the loaded certification exited %d\n", code);
				rc = LC_EXIT_SOFTWARE;
				break;
			}
		}
		if (rc != LC_EXIT_OK)
			break;
		ratio[p] = loaded[p] / base[p];
		long nl = hist_n < (long)(sizeof(hist_lat) / sizeof(hist_lat[0])) ? hist_n : (long)(sizeof(hist_lat) / sizeof(hist_lat[0]));
		qsort(hist_lat, (size_t)nl, sizeof(double), cmp_double);
		if (!json)
			printf("pair %u: no server %.3f s, server under load %.3f s, ratio %.4f; server got %ld events, %ld "
			       "delivered to %d SSE clients (%ld streams broken), %.1f history queries/s (%ld bad), "
			       "p50 %.1f ms p99 %.1f ms\n",
			       p + 1, base[p], loaded[p], ratio[p], received, events_total, SSE_CLIENTS, clients_failed, hist_rate,
			       (long)hist_bad, nl ? hist_lat[nl / 2] * 1e3 : 0, nl ? hist_lat[nl * 99 / 100] * 1e3 : 0);
	}
	kill(sim_pid, SIGTERM);
	wait_exit(sim_pid);
	if (rc != LC_EXIT_OK)
		return rc;
	double sorted[PAIRS_MAX];
	memcpy(sorted, ratio, pairs * sizeof(double));
	qsort(sorted, pairs, sizeof(double), cmp_double);
	double median = pairs % 2 ? sorted[pairs / 2] : (sorted[pairs / 2 - 1] + sorted[pairs / 2]) / 2;
	if (json) {
		printf("{\"time_scale\":%s,\"pairs\":%u,\"baseline\":\"the same certification with no server\","
		       "\"ratio_median\":%.4f,\"ratio_min\":%.4f,\"ratio_max\":%.4f,\"server_rss_idle_kib\":%ld,"
		       "\"server_peak_rss_kib\":%ld,\"sse_clients\":%d,\"history_rate\":%.1f}\n",
		       scale, pairs, median, sorted[0], sorted[pairs - 1], rss_idle, hwm, SSE_CLIENTS, hist_rate);
	} else {
		printf("breakout-dr4-4x100g, 4 slots on dr4-four-slots (time scale %s), %u pair(s); baseline: the same\n"
		       "certification with no server, the two runs of a pair taking turns going first\n", scale, pairs);
		printf("  wall time ratio, server under load / no server: median %.4f (%.4f..%.4f)  (target <= 1.01)\n",
		       median, sorted[0], sorted[pairs - 1]);
		printf("  server RSS: %.1f MiB idle, peak %.1f MiB under load (VmHWM)\n", rss_idle / 1024.0, hwm / 1024.0);
	}
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "lanecert-bench serve: could not remove %s\n", dir);
	return LC_EXIT_OK;
}
