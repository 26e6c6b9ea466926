/*
 * lanecert-bench sim [--json] [--count N] [--scenario S] [--no-pin]: how fast the simulator answers the
 * instruments of a real scenario (default dr4-breakout-good: the DR4 bench's 8164B source, N7745C meter,
 * DiCon GP600 and N7734A switches, MP1900A BERT), each in its own dialect over its own raw socket on
 * loopback, so that benchmarks of the client measure the client; all on one CPU unless --no-pin
 * (bench/bench.h says why). The simulator runs at time scale 0 (it never sleeps): this is the cost of
 * answering, not the instruments' own pace.
 *
 * Figures, each against a baseline measured in the same run, in ROUNDS rounds whose order alternates (the
 * baseline first in one round, ours first in the next), reported as median (min..max) of the per-round ratio:
 *   per instrument, queries/s of a plain-socket client (one query at a time, as a driver sends them)
 *       vs a bare echo server answering the same client with a reply of the same length
 *   all instruments at once, one client each          vs the echo server with as many clients
 *   the meter's engine alone (no network), queries/s vs the meter over its socket (what the network costs)
 *   lanecert (lc_scpi_query over the raw socket)      vs PyVISA-py (python3-pyvisa-py) on the same
 *       instrument and query, when it is installed (a line says so when it is not); target >= 3
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "hal/scpi.h"
#include "sim/runner.h"
#include "sim/scpi/scpi_engine.h"

#define ROUNDS 5
#define MAX_INST 8

/* What each role of the scenario is asked: a reading query of its own dialect, as its driver sends it. */
static const struct probe {
	const char *role, *query;
} probes[] = {
	{"meter", ":FETC1:POW?"},     /* Keysight NR3 reading, "%+.8E" with a three-digit exponent */
	{"source", ":SOUR1:POW?"},    /* the 8164B's source power, same format */
	{"switch1", "X1 CH 1?"},      /* DiCon route read-back */
	{"switch2", ":ROUT1:CHAN1?"}, /* N7734A route query */
	{"bert", ":UENT:ID 1;:MOD:ID 3;:PORT:ID 1;:CALC:DATA:EAL? \"CURRent:ER:TOTal\""}, /* the ED's error rate */
};
#define N_PROBES (sizeof(probes) / sizeof(probes[0]))

static int connect_to(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct timeval tv = {5, 0}; /* a broken server must not hang the bench */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

/* Read until '\n' (blocking recv, as a bare client does); its length, or -1. */
static int read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (;;) {
		ssize_t r = recv(fd, buf + n, cap - n, 0);
		if (r <= 0)
			return -1;
		n += (size_t)r;
		if (buf[n - 1] == '\n')
			return (int)n;
		if (n == cap)
			return -1;
	}
}

/* ---- the baseline: a bare echo server that answers every line with a reply of a set length ---- */

struct echo {
	int lfd, port, nconn;
	pthread_t th, conn[MAX_INST];
	bool started;
};

struct echo_conn {
	int fd;
};

static void *echo_conn_main(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;
	/* the client's "line" is the reply it wants back: it sends exactly the bytes a real reply has */
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
			break;
	close(fd);
	return NULL;
}

static void *echo_main(void *arg)
{
	struct echo *e = arg;
	while (e->nconn < MAX_INST) {
		int fd = accept(e->lfd, NULL, NULL);
		if (fd < 0)
			break;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&e->conn[e->nconn], NULL, echo_conn_main, (void *)(intptr_t)fd) != 0) {
			close(fd);
			break;
		}
		e->nconn++;
	}
	return NULL;
}

static int echo_start(struct echo *e)
{
	e->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof(sa);
	if (e->lfd < 0 || bind(e->lfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(e->lfd, 16) != 0 ||
	    getsockname(e->lfd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	e->port = ntohs(sa.sin_port);
	e->started = pthread_create(&e->th, NULL, echo_main, e) == 0;
	return e->started ? 0 : -1;
}

static void echo_stop(struct echo *e)
{
	if (e->started) {
		shutdown(e->lfd, SHUT_RDWR); /* ends the accept() */
		pthread_join(e->th, NULL);
		for (int i = 0; i < e->nconn; i++)
			pthread_join(e->conn[i], NULL); /* each ends when its client closes */
	}
	if (e->lfd >= 0)
		close(e->lfd);
}

/* ---- plain-socket clients ---- */

struct client {
	int fd;
	long count;
	char msg[160]; /* what is sent: the query + '\n' to the simulator, a reply-sized line to the echo */
	size_t len;
	int failed;
	pthread_t th;
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	char buf[512];
	for (long i = 0; i < c->count; i++) {
		if (send(c->fd, c->msg, c->len, MSG_NOSIGNAL) != (ssize_t)c->len || read_line(c->fd, buf, sizeof(buf)) < 0) {
			c->failed = 1;
			break;
		}
	}
	return NULL;
}

/* Queries/s of the clients c[0..n) at once (each c[i].count); -1 when one failed. */
static double run_clients(struct client *c, int n)
{
	int64_t t0 = lc_now_us();
	int started = 0, failed = 0;
	for (; started < n; started++)
		if (pthread_create(&c[started].th, NULL, client_main, &c[started]) != 0)
			break;
	for (int i = 0; i < started; i++) {
		pthread_join(c[i].th, NULL);
		failed |= c[i].failed;
	}
	double s = (double)(lc_now_us() - t0) / 1e6;
	long total = 0;
	for (int i = 0; i < n; i++)
		total += c[i].count;
	return failed || started < n ? -1 : (double)total / s;
}

/* ---- PyVISA-py, driven round by round through a pipe: python starts once, then per line "N" on its stdin
 * it makes N queries and answers with the seconds they took (its start-up and open are not counted) ---- */

static const char pyvisa_script[] =
	"import sys, time\n"
	"try:\n"
	"    import pyvisa, pyvisa_py\n"
	"except ImportError as e:\n"
	"    print('missing %s' % e, flush=True); sys.exit(0)\n"
	"rm = pyvisa.ResourceManager('@py')\n"
	"inst = rm.open_resource(sys.argv[1])\n"
	"inst.read_termination = '\\n'; inst.write_termination = '\\n'; inst.timeout = 5000\n"
	"q = sys.argv[2]\n"
	"inst.query(q)\n"
	"print('ready', flush=True)\n"
	"for line in sys.stdin:\n"
	"    n = int(line)\n"
	"    t0 = time.perf_counter()\n"
	"    for i in range(n):\n"
	"        inst.query(q)\n"
	"    print('%.9f' % (time.perf_counter() - t0), flush=True)\n"
	"inst.close()\n";

struct py {
	pid_t pid;
	FILE *in, *out;
};

extern char **environ;

/* 1 when PyVISA-py is running and ready, 0 when it is not installed (why in why), -1 on failure. */
static int py_start(struct py *p, const char *resource, const char *query, char *why, size_t cap)
{
	int to[2], from[2];
	memset(p, 0, sizeof(*p));
	if (pipe2(to, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(from, O_CLOEXEC) != 0) {
		close(to[0]), close(to[1]);
		return -1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, to[0], 0);
	posix_spawn_file_actions_adddup2(&fa, from[1], 1);
	char *const argv[] = {"/usr/bin/python3", "-c", (char *)pyvisa_script, (char *)resource, (char *)query, NULL};
	int e = posix_spawn(&p->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(to[0]), close(from[1]);
	if (e != 0) {
		close(to[1]), close(from[0]);
		snprintf(why, cap, "/usr/bin/python3 (Debian's, where python3-pyvisa-py installs) cannot be started: %s", strerror(e));
		return 0;
	}
	p->in = fdopen(to[1], "w");
	p->out = fdopen(from[0], "r");
	char line[256];
	if (!p->in || !p->out || !fgets(line, sizeof(line), p->out))
		return -1;
	if (strncmp(line, "missing", 7) == 0) {
		line[strcspn(line, "\n")] = '\0';
		snprintf(why, cap, "PyVISA-py is not installed (Debian python3-pyvisa-py): %.80s", line + 8);
		return 0;
	}
	return strncmp(line, "ready", 5) == 0 ? 1 : -1;
}

static double py_round(struct py *p, long n)
{
	char line[64];
	if (fprintf(p->in, "%ld\n", n) < 0 || fflush(p->in) != 0 || !fgets(line, sizeof(line), p->out))
		return -1;
	double s = atof(line);
	return s > 0 ? (double)n / s : -1;
}

static void py_stop(struct py *p)
{
	if (p->in)
		fclose(p->in); /* its stdin ends: the script closes the instrument and exits */
	if (p->out)
		fclose(p->out);
	if (p->pid > 0)
		while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* ---- the figures ---- */

struct fig {
	char name[48], unit[16], baseline[96];
	double r[3], ours, base; /* ratio min/median/max; medians of ours and the baseline */
	double target;           /* the ratio's goal (the median at least this), 0 for none */
	bool skipped;
	char why[200];
};

static void fig_set(struct fig *f, double *ours, double *base, int n)
{
	double ratio[ROUNDS], a[3], b[3];
	for (int i = 0; i < n; i++)
		ratio[i] = ours[i] / base[i];
	lc_bench_spread(ratio, n, f->r);
	lc_bench_spread(ours, n, a);
	lc_bench_spread(base, n, b);
	f->ours = a[1], f->base = b[1];
}

static int port_of(const char *resource)
{
	/* TCPIP::127.0.0.1::PORT::SOCKET */
	const char *p = strstr(resource, "::");
	p = p ? strstr(p + 2, "::") : NULL;
	return p && strstr(resource, "::SOCKET") ? atoi(p + 2) : -1;
}

static void print_figs(const struct fig *f, int n, bool json, long count, const char *scenario, int cpu)
{
	if (json) {
		printf("{\"bench\":\"sim\",\"scenario\":\"%s\",\"one_cpu\":%s,\"queries_per_round\":%ld,\"rounds\":%d,"
		       "\"figures\":[", scenario, cpu >= 0 ? "true" : "false", count, ROUNDS);
		for (int i = 0; i < n; i++) {
			char tg[24]; /* null when the figure has no goal */
			snprintf(tg, sizeof(tg), f[i].target > 0 ? "%g" : "null", f[i].target);
			if (f[i].skipped)
				printf("%s{\"name\":\"%s\",\"skipped\":\"%s\"}", i ? "," : "", f[i].name, f[i].why);
			else
				printf("%s{\"name\":\"%s\",\"value\":%.6g,\"unit\":\"%s\",\"baseline\":\"%s\","
				       "\"baseline_value\":%.6g,\"ratio\":%.4f,\"ratio_min\":%.4f,\"ratio_max\":%.4f,"
				       "\"target\":%s}",
				       i ? "," : "", f[i].name, f[i].ours, f[i].unit, f[i].baseline, f[i].base, f[i].r[1],
				       f[i].r[0], f[i].r[2], tg);
		}
		printf("]}\n");
		return;
	}
	printf("sim benchmark: the instruments of scenario %s on loopback, time scale 0 (no instrument waits);\n"
	       "%ld queries per client and round, %d rounds, the order alternating (baseline first, then ours first);\n"
	       "ratio = ours / baseline per round, median (min..max); %s\n",
	       scenario, count, ROUNDS, LC_BENCH_PLACEMENT(cpu));
	printf("%-26s %11s %-8s %-44s %11s %s\n", "figure", "value", "unit", "baseline (same run)", "baseline",
	       "ratio median (min..max)");
	for (int i = 0; i < n; i++) {
		if (f[i].skipped)
			printf("%-26s skipped: %s\n", f[i].name, f[i].why);
		else {
			char goal[48] = "";
			if (f[i].target > 0)
				snprintf(goal, sizeof(goal), "  target >= %g: %s", f[i].target,
					 f[i].r[1] >= f[i].target ? "met" : "NOT met");
			printf("%-26s %11.5g %-8s %-44s %11.5g %.3f (%.3f..%.3f)%s\n", f[i].name, f[i].ours, f[i].unit,
			       f[i].baseline, f[i].base, f[i].r[1], f[i].r[0], f[i].r[2], goal);
		}
	}
}

int lc_bench_sim(int argc, char **argv)
{
	bool json = false, pin = true;
	long count = 4000;
	const char *scenario = "dr4-breakout-good";
	static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
					     {"count", required_argument, NULL, 'n'},
					     {"scenario", required_argument, NULL, 's'},
					     {"no-pin", no_argument, NULL, 'p'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "jn:s:h", opts, NULL)) != -1) {
		if (c == 'j') {
			json = true;
		} else if (c == 'n') {
			char *end;
			count = strtol(optarg, &end, 10);
			if (*end || count < 100 || count > 10000000) {
				lc_cli_error("bench sim", "--count must be 100..10000000");
				return LC_EXIT_USAGE;
			}
		} else if (c == 's') {
			scenario = optarg;
		} else if (c == 'p') {
			pin = false;
		} else {
			fprintf(c == 'h' ? stdout : stderr,
				"usage: lanecert-bench sim [--json] [--count N] [--scenario S] [--no-pin]\n");
			return c == 'h' ? LC_EXIT_OK : LC_EXIT_USAGE;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	/* before the simulator's threads and PyVISA-py's process start: all of them on one CPU (bench/bench.h) */
	int cpu = pin ? lc_bench_pin_one_cpu("sim") : -1;
	lc_diag d;
	lc_sim_scenario *sc = NULL;
	lc_sim_runner *runner = NULL;
	int rc = lc_sim_scenario_load(scenario, NULL, &sc, &d);
	lc_sim_runner_opts o;
	lc_sim_runner_opts_init(&o);
	o.time_scale = 0;
	o.no_control = true;
	/* below the kernel's ephemeral ports; another block when one is taken (LC_ERR_BUSY) */
	int base_port = 20000 + (int)(getpid() % 150) * 40;
	rc = rc ? rc : LC_ERR_BUSY;
	for (int attempt = 0; attempt < 10 && rc == LC_ERR_BUSY; attempt++) {
		o.port_base = base_port + attempt * 40 * 150;
		rc = lc_sim_runner_start(sc, &o, &runner, &d);
	}
	if (rc < 0) {
		lc_sim_scenario_free(sc);
		return lc_cli_fail("bench sim", rc, &d, scenario);
	}

	/* the probes whose role the scenario serves on a raw socket */
	struct {
		const struct probe *p;
		int port;
		char resource[128];
		size_t reply_len;
	} inst[MAX_INST];
	int ni = 0;
	for (size_t k = 0; k < N_PROBES && ni < MAX_INST; k++) /* probe order: the meter first */
		for (size_t i = 0; i < lc_sim_runner_count(runner); i++) {
			lc_sim_runner_info info;
			if (lc_sim_runner_info_at(runner, i, &info) < 0 || strcmp(probes[k].role, info.role) != 0 ||
			    port_of(info.resource) <= 0)
				continue;
			inst[ni].p = &probes[k];
			inst[ni].port = port_of(info.resource);
			snprintf(inst[ni].resource, sizeof(inst[ni].resource), "%s", info.resource);
			ni++;
		}
	struct echo echo = {.lfd = -1};
	struct client sim_c[MAX_INST], echo_c[MAX_INST];
	struct fig f[MAX_INST + 4];
	int nf = 0;
	memset(f, 0, sizeof(f));
	if (ni == 0)
		rc = lc_diag_set(&d, LC_ERR_NOT_FOUND, "scenario %s serves none of the probed roles on a raw socket",
				 scenario);
	if (rc == 0 && echo_start(&echo) != 0)
		rc = lc_diag_set(&d, LC_ERR_IO, "the echo server cannot start");
	for (int i = 0; rc == 0 && i < ni; i++) {
		sim_c[i] = (struct client){.fd = connect_to(inst[i].port), .count = count};
		echo_c[i] = (struct client){.fd = connect_to(echo.port), .count = count};
		sim_c[i].len = (size_t)snprintf(sim_c[i].msg, sizeof(sim_c[i].msg), "%s\n", inst[i].p->query);
		char reply[512];
		int n = -1;
		if (sim_c[i].fd < 0 || echo_c[i].fd < 0 ||
		    send(sim_c[i].fd, sim_c[i].msg, sim_c[i].len, MSG_NOSIGNAL) != (ssize_t)sim_c[i].len ||
		    (n = read_line(sim_c[i].fd, reply, sizeof(reply))) < 1 || (size_t)n > sizeof(echo_c[i].msg)) {
			rc = lc_diag_set(&d, LC_ERR_IO, "%s (%s) does not answer %s", inst[i].p->role, inst[i].resource,
					 inst[i].p->query);
			break;
		}
		/* the echo client sends a line as long as the instrument's reply and gets it back */
		memset(echo_c[i].msg, 'x', (size_t)n - 1);
		echo_c[i].msg[n - 1] = '\n';
		echo_c[i].len = (size_t)n;
		inst[i].reply_len = (size_t)n;
	}

	/* per instrument, then all at once */
	double ours[MAX_INST + 1][ROUNDS], base[MAX_INST + 1][ROUNDS];
	for (int r = 0; rc == 0 && r < ROUNDS; r++) {
		for (int i = 0; rc == 0 && i <= ni; i++) {
			struct client *a = i < ni ? &sim_c[i] : sim_c, *b = i < ni ? &echo_c[i] : echo_c;
			int n = i < ni ? 1 : ni;
			double x, y;
			if (r % 2 == 0)
				y = run_clients(b, n), x = run_clients(a, n);
			else
				x = run_clients(a, n), y = run_clients(b, n);
			if (x < 0 || y < 0)
				rc = lc_diag_set(&d, LC_ERR_IO, "a query to %s failed or timed out",
						 i < ni ? inst[i].p->role : "the instruments");
			ours[i][r] = x, base[i][r] = y;
		}
	}
	for (int i = 0; rc == 0 && i <= ni; i++) {
		if (i < ni) {
			snprintf(f[nf].name, sizeof(f[nf].name), "%s_queries", inst[i].p->role);
			snprintf(f[nf].baseline, sizeof(f[nf].baseline), "bare echo server, %zu-byte replies",
				 inst[i].reply_len);
		} else {
			snprintf(f[nf].name, sizeof(f[nf].name), "all_%d_at_once", ni);
			snprintf(f[nf].baseline, sizeof(f[nf].baseline), "bare echo server, %d clients at once", ni);
		}
		snprintf(f[nf].unit, sizeof(f[nf].unit), "query/s");
		fig_set(&f[nf++], ours[i], base[i], ROUNDS);
	}

	/* the meter's engine alone against the meter over its socket: what the network and the server cost */
	lc_sim_scpi *eng = lc_sim_runner_engine(runner, inst[0].p->role);
	if (rc == 0 && eng) {
		uint8_t *reply = NULL;
		size_t len = 0, cap = 0;
		double e_rate[ROUNDS], s_rate[ROUNDS];
		const char *q = inst[0].p->query;
		for (int r = 0; rc == 0 && r < ROUNDS; r++) {
			double x = 0, y = 0;
			for (int pass = 0; pass < 2; pass++) {
				if ((pass == 0) == (r % 2 == 0)) {
					int64_t t0 = lc_now_us();
					for (long k = 0; k < count * 5; k++) {
						len = 0;
						lc_sim_scpi_execute(eng, q, strlen(q), &reply, &len, &cap, NULL);
					}
					x = (double)(count * 5) / ((double)(lc_now_us() - t0) / 1e6);
				} else {
					y = run_clients(&sim_c[0], 1);
				}
			}
			if (y < 0)
				rc = lc_diag_set(&d, LC_ERR_IO, "a query to the meter failed");
			e_rate[r] = x, s_rate[r] = y;
		}
		free(reply);
		snprintf(f[nf].name, sizeof(f[nf].name), "%s_engine_alone", inst[0].p->role);
		snprintf(f[nf].unit, sizeof(f[nf].unit), "query/s");
		snprintf(f[nf].baseline, sizeof(f[nf].baseline), "the same instrument over its raw socket");
		fig_set(&f[nf++], e_rate, s_rate, ROUNDS);
	}
	for (int i = 0; i < ni; i++) {
		if (sim_c[i].fd >= 0)
			close(sim_c[i].fd);
		if (echo_c[i].fd >= 0)
			close(echo_c[i].fd);
	}
	echo_stop(&echo);

	/* lanecert's HAL against PyVISA-py, same instrument, same query, alternating rounds */
	if (rc == 0) {
		struct fig *g = &f[nf++];
		snprintf(g->name, sizeof(g->name), "lanecert_vs_pyvisa_py");
		snprintf(g->unit, sizeof(g->unit), "query/s");
		snprintf(g->baseline, sizeof(g->baseline), "PyVISA-py, %s %s", inst[0].p->role, inst[0].p->query);
		g->target = 3; /* issue 22: lanecert at least 3x PyVISA-py on a simulated instrument */
		struct py py;
		lc_scpi *s = NULL;
		int up = py_start(&py, inst[0].resource, inst[0].p->query, g->why, sizeof(g->why));
		if (up < 0)
			rc = lc_diag_set(&d, LC_ERR_IO, "PyVISA-py is installed but failed on %s", inst[0].resource);
		else if (up == 0)
			g->skipped = true;
		else if ((rc = lc_scpi_open(inst[0].resource, NULL, &s, &d)) == 0) {
			double x[ROUNDS], y[ROUNDS];
			char reply[256];
			long n = count;
			for (int r = 0; rc == 0 && r < ROUNDS; r++) {
				y[r] = r % 2 == 0 ? py_round(&py, n) : 0;
				int64_t t0 = lc_now_us();
				for (long k = 0; rc == 0 && k < n; k++)
					if (lc_scpi_query(s, inst[0].p->query, reply, sizeof(reply)) < 0)
						rc = lc_diag_set(&d, LC_ERR_IO, "lanecert: %s", lc_scpi_last_detail(s));
				x[r] = (double)n / ((double)(lc_now_us() - t0) / 1e6);
				if (r % 2 == 1)
					y[r] = py_round(&py, n);
				if (y[r] < 0)
					rc = lc_diag_set(&d, LC_ERR_IO, "PyVISA-py failed a round on %s", inst[0].resource);
			}
			if (rc == 0)
				fig_set(g, x, y, ROUNDS);
		}
		lc_scpi_close(s);
		py_stop(&py);
	}
	lc_sim_runner_stop(runner);
	lc_sim_scenario_free(sc);
	if (rc < 0)
		return lc_cli_fail("bench sim", rc, &d, scenario);
	print_figs(f, nf, json, count, scenario, cpu);
	return LC_EXIT_OK;
}
