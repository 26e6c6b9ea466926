/*
 * VXI-11 discovery finds the simulated instruments (issue 20, item 5): in a network namespace of its own,
 * with only the loopback interface up, the simulator starts the dr4-breakout-good station at its real
 * addresses (127.77.0.i, VXI-11 with a portmapper on port 111 each) and `lanecert discover` and lxi-tools'
 * `lxi discover` must each list every VXI-11 instrument with its *IDN?. liblxi's call on the loopback
 * interface goes to 127.0.0.1:111, where the runner's discovery relay answers for each instrument from its
 * own address (sim/net/portmapper.c).
 *
 * The namespace is made in a forked child (unshare(CLONE_NEWNET) changes the calling process for good) that
 * reports back on a pipe. Only loopback addresses exist in it. Skipped, and said so, only where the kernel
 * refuses a new network namespace (no CAP_SYS_ADMIN, or a container that forbids it); CI runs as root.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/runner.h"
#include "sim/sim.h"

static void say(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(int fd, const char *fmt, ...)
{
	char buf[16384];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0) {
		ssize_t w = write(fd, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
		(void)w;
	}
}

/* Run cmd; its stdout after a line "== name". */
static void capture(int fd, const char *name, const char *cmd)
{
	say(fd, "== %s\n", name);
	FILE *f = popen(cmd, "r");
	if (!f)
		return;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		ssize_t w = write(fd, buf, n);
		(void)w;
	}
	pclose(f);
	say(fd, "\n");
}

static void child(int fd)
{
	if (unshare(CLONE_NEWNET) < 0) {
		say(fd, "SKIP unshare(CLONE_NEWNET) is not permitted here: %s\n", strerror(errno));
		_exit(0);
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr)) < 0) {
		say(fd, "ERROR bringing lo up in the namespace: %s\n", strerror(errno));
		_exit(1);
	}
	close(s);
	lc_sim_scenario *sc = NULL;
	lc_diag d;
	lc_diag_clear(&d);
	if (lc_sim_scenario_load("dr4-breakout-good", NULL, &sc, &d) < 0) {
		say(fd, "ERROR scenario: %s\n", lc_diag_message(&d));
		_exit(1);
	}
	lc_sim_runner_opts ro;
	lc_sim_runner_opts_init(&ro);
	ro.time_scale = 0;
	ro.no_control = true;
	lc_sim_runner *r = NULL;
	if (lc_sim_runner_start(sc, &ro, &r, &d) < 0) {
		say(fd, "ERROR runner: %s\n", lc_diag_message(&d));
		_exit(1);
	}
	for (size_t i = 0; i < lc_sim_runner_count(r); i++) {
		lc_sim_runner_info in;
		if (lc_sim_runner_info_at(r, i, &in) == 0 && strstr(in.resource, "::inst0::INSTR"))
			say(fd, "EXPECT %s|%s\n", in.resource, in.idn);
	}
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "'%s' discover --json --no-mdns --no-usb --no-serial --timeout 1000 2>/dev/null",
		 getenv("LC_CLI"));
	capture(fd, "lanecert", cmd);
	capture(fd, "lxi", "lxi discover -t 1 2>&1");
	lc_sim_runner_stop(r);
	lc_sim_scenario_free(sc);
	_exit(0);
}

Test(discover_netns, lanecert_and_lxi_find_every_vxi11_instrument_with_its_idn, .timeout = 60)
{
	cr_assert_not_null(getenv("LC_CLI"), "LC_CLI not set");
	cr_assert_eq(system("command -v lxi >/dev/null 2>&1"), 0, "lxi (Debian package lxi-tools) is not installed");
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		child(p[1]);
	}
	close(p[1]);
	static char out[65536];
	size_t n = 0;
	ssize_t k;
	while (n < sizeof(out) - 1 && (k = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)k;
	out[n] = '\0';
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	if (!strncmp(out, "SKIP ", 5)) {
		out[strcspn(out, "\n")] = '\0';
		cr_skip_test("%s", out + 5);
	}
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the namespace's child failed: %s", out);
	char *lanecert = strstr(out, "== lanecert\n"), *lxi = strstr(out, "== lxi\n");
	cr_assert(lanecert && lxi, "%s", out);
	*lxi = '\0'; /* ends the lanecert part; the lxi part starts after the marker */
	json_t *j = json_loads(lanecert + strlen("== lanecert\n"), JSON_DISABLE_EOF_CHECK, NULL);
	cr_assert_not_null(j, "lanecert discover --json: %s", lanecert);
	cr_assert_str_eq(json_string_value(json_object_get(j, "interfaces")), "lo (127.0.0.1)", "only loopback");
	json_t *found = json_object_get(j, "instruments");
	const char *lxi_out = lxi + strlen("== lxi\n");
	int expected = 0;
	for (char *line = strstr(out, "EXPECT "); line && line < lanecert; line = strstr(line + 1, "EXPECT ")) {
		char res[256], idn[256];
		if (sscanf(line, "EXPECT %255[^|]|%255[^\n]", res, idn) != 2)
			continue;
		expected++;
		bool hit = false;
		size_t i;
		json_t *e;
		json_array_foreach(found, i, e) {
			hit = hit || (!strcmp(json_string_value(json_object_get(e, "resource")), res) &&
				      !strcmp(json_string_value(json_object_get(e, "idn")), idn));
		}
		cr_expect(hit, "lanecert discover did not list %s (%s): %s", res, idn, lanecert);
		char host[64], want[512];
		sscanf(res, "TCPIP0::%63[^:]", host);
		snprintf(want, sizeof(want), "Found \"%s\" on address %s", idn, host);
		cr_expect(strstr(lxi_out, want), "lxi discover did not list %s: %s", want, lxi_out);
	}
	/* the station's 8164B, N7745C and two N7734A are VXI-11; the GP600 and the MP1900A are sockets */
	cr_assert_eq(expected, 4, "%s", out);
	cr_assert_eq(json_array_size(found), 4, "nothing else answers in the namespace: %s", lanecert);
	json_decref(j);
}
