/*
 * Trustworthy runs of `lanecert run`, end to end (issue 12, items 1 and 2).
 *
 * Operator abort: the built CLI against a simulated station (in this process),
 * Ctrl-C typed on a real pseudo-terminal (byte 0x03 to the pty master, so the line discipline raises
 * SIGINT as a keyboard does), SIGTERM to a run without a terminal, both slots of a two-slot run, and a
 * second Ctrl-C that forces. Each asserts exit 4, the verdict `aborted` in what the run printed, in the
 * signed-report JSON and in the results store, and no laser left on in the simulator. The time from the
 * signal to the exit is printed, never asserted (a bound of minutes only catches a hang).
 *
 * Validity before measuring: an instrument past its calibration due date refuses the run (exit 3, nothing
 * measured) unless accepted with a reason, which the certificate then shows; a cable whose module memory
 * carries another serial than the one entered stops (policy stop), or is only reported (policy warn).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "procedures/measure/reference_json.h"
#include "reports/store.h"
#include "tests/procedures/e2e_harness.h"

/* Generous: a loaded machine under the sanitizers; only a hang should ever reach it. */
#define HANG_MS (5 * 60 * 1000)

struct child {
	pid_t pid;
	int fd;          /* pty master, or the read end of stdout's pipe */
	char out[1 << 17];
	size_t n;
};

static pid_t running_child = -1;

static void kill_child(void)
{
	if (running_child > 0 && kill(running_child, SIGKILL) == 0)
		waitpid(running_child, NULL, 0);
	running_child = -1;
}

TestSuite(cli_abort, .fini = kill_child, .timeout = 600);
TestSuite(cli_validity, .fini = kill_child, .timeout = 600);

static const char *cli(void)
{
	const char *c = getenv("LC_CLI");
	cr_assert(c, "LC_CLI is set by the test harness");
	return c;
}

/* Start `lanecert run ...` on a pty (tty) or with stdout and stderr on a pipe. */
static void spawn(struct child *c, bool tty, char *const argv[])
{
	memset(c, 0, sizeof(*c));
	if (tty) {
		struct winsize ws = {.ws_row = 40, .ws_col = 160};
		c->pid = forkpty(&c->fd, NULL, NULL, &ws);
		cr_assert(c->pid >= 0, "forkpty: %s", strerror(errno));
		if (c->pid == 0) {
			execv(argv[0], argv);
			_exit(127);
		}
	} else {
		int p[2];
		cr_assert_eq(pipe(p), 0);
		c->pid = fork();
		cr_assert(c->pid >= 0);
		if (c->pid == 0) {
			int null = open("/dev/null", O_RDONLY);
			dup2(null, 0);
			dup2(p[1], 1);
			dup2(p[1], 2);
			close(p[0]);
			execv(argv[0], argv);
			_exit(127);
		}
		close(p[1]);
		c->fd = p[0];
	}
	running_child = c->pid;
}

/* Read what the child prints; false at end of output or after timeout_ms. */
static bool read_some(struct child *c, int timeout_ms)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	ssize_t r = read(c->fd, c->out + c->n, sizeof(c->out) - 1 - c->n);
	if (r <= 0) /* EOF, or EIO on a pty master once the child closed the slave */
		return false;
	c->n += (size_t)r;
	c->out[c->n] = '\0';
	return true;
}

/* The child has exited (it is left to reap: finish() does). */
static bool exited(const struct child *c)
{
	siginfo_t si = {0};
	return waitid(P_PID, (id_t)c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == c->pid;
}

/* Wait until the output holds needle; false if the run ended (or hung) first. */
static bool wait_for(struct child *c, const char *needle)
{
	int64_t end = lc_now_ms() + HANG_MS;
	while (!strstr(c->out, needle))
		if (lc_now_ms() > end || (!read_some(c, 1000) && (c->n == sizeof(c->out) - 1 || exited(c))))
			return strstr(c->out, needle) != NULL;
	return true;
}

/* Read to the end and reap; the exit status, or 128+signal. *exit_ms: monotonic time of the exit. */
static int finish(struct child *c, int64_t *exit_ms)
{
	int64_t end = lc_now_ms() + HANG_MS;
	int st = 0;
	for (;;) {
		read_some(c, 50);
		pid_t w = waitpid(c->pid, &st, WNOHANG);
		if (w == c->pid)
			break;
		cr_assert(lc_now_ms() < end, "lanecert run did not exit within %d s of the signal:\n%s", HANG_MS / 1000, c->out);
	}
	*exit_ms = lc_now_ms();
	while (read_some(c, 200))
		;
	close(c->fd);
	running_child = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The report.json of the one report folder for serial under dir (path: at least 1024 + 300 bytes). */
static void report_path(const char *dir, const char *serial, char *path, size_t cap)
{
	DIR *d = opendir(dir);
	cr_assert_not_null(d, "no report folder %s", dir);
	struct dirent *e;
	path[0] = '\0';
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, serial, strlen(serial)) && e->d_name[strlen(serial)] == '-')
			snprintf(path, cap, "%.1023s/%.256s/report.json", dir, e->d_name);
	closedir(d);
	cr_assert(path[0], "no report for %s in %s", serial, dir);
}

/* The report.json of serial under dir, parsed (caller decrefs). */
static json_t *report_json(const char *dir, const char *serial)
{
	char path[1400];
	report_path(dir, serial, path, sizeof(path));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	cr_assert_not_null(root, "%s: %s", path, je.text);
	return root;
}

/* The verdict in the report.json of the one report folder for serial under dir. */
static void report_verdict(const char *dir, const char *serial, char *verdict, size_t cap)
{
	json_t *root = report_json(dir, serial);
	snprintf(verdict, cap, "%s", json_string_value(json_object_get(root, "verdict")) ?: "(none)");
	json_decref(root);
}

struct store_seen {
	const char *serial;
	int rows, complete;
	enum lc_verdict verdict;
};

static int on_row(const lc_store_row *row, void *user)
{
	struct store_seen *s = user;
	if (strcmp(row->serial, s->serial) == 0) {
		s->rows++;
		s->complete = row->complete;
		s->verdict = row->verdict;
	}
	return 0;
}

static void assert_store_aborted(const char *db, const char *serial)
{
	lc_store *st;
	lc_diag d;
	cr_assert_eq(lc_store_open(db, &st, &d), 0, "%s", d.text);
	struct store_seen seen = {.serial = serial};
	lc_store_filter f = {.serial = serial, .since_ms = INT64_MIN, .verdict = -1};
	cr_assert(lc_store_query(st, &f, on_row, &seen, &d) >= 0, "%s", d.text);
	lc_store_close(st);
	cr_assert_eq(seen.rows, 1, "%s: %d runs in the store", serial, seen.rows);
	cr_assert(seen.complete, "%s: the run is recorded as unfinished", serial);
	cr_assert_eq(seen.verdict, LC_VERDICT_ABORTED, "%s: store verdict %s", serial, lc_verdict_name(seen.verdict));
}

/* argv of `lanecert run PROC` on e's station, writing into e->dir. */
static void run_argv(char **argv, char *bufs, const lc_e2e *e, const char *proc, const char *serials,
		     const char *slots, bool json)
{
	size_t k = 0;
	char *station = bufs, *out = bufs + 512, *db = bufs + 1024;
	snprintf(station, 512, "%s/station.json", e->dir);
	snprintf(out, 512, "%s/reports", e->dir);
	snprintf(db, 512, "%s/results.db", e->dir);
	const char *fixed[] = {cli(), "run", proc, "--station", station, "--serial", serials, "--slots", slots,
			       "--out", out, "--db", db, "--no-sign", "--non-interactive", "--operator", "abort-test"};
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		argv[k++] = (char *)fixed[i];
	if (json)
		argv[k++] = "--json";
	argv[k] = NULL;
}

/* Start the scenario's station at real time and `lanecert run` on it (on a pty with the human view, or on
 * a pipe with JSON lines), and wait until its output holds `until`. serials NULL: the scenario's DUT's. */
static void start_run(lc_e2e *e, struct child *c, char *bufs, const char *scenario, const char *proc,
		      const char *serials, const char *slots, bool tty, const char *option, const char *until)
{
	char *argv[32];
	lc_e2e_start_station(e, scenario, 1);
	run_argv(argv, bufs, e, proc, serials ? serials : lc_e2e_dut_serial(e), slots, !tty);
	if (option) {
		size_t k = 0;
		while (argv[k])
			k++;
		argv[k++] = "--option";
		argv[k++] = (char *)option;
		argv[k] = NULL;
	}
	spawn(c, tty, argv);
	cr_assert(wait_for(c, until), "no '%s' in:\n%s", until, c->out);
}

/* Interrupt the run (sig 0: Ctrl-C typed on its pty) and read it to its end; prints the time from the
 * signal to the exit (printed, not asserted) and returns the exit code. */
static int interrupt(struct child *c, int sig, const char *what)
{
	if (sig == 0)
		cr_assert_eq(write(c->fd, "\x03", 1), 1);
	else
		cr_assert_eq(kill(c->pid, sig), 0);
	int64_t t_sig = lc_now_ms(), t_exit;
	/* the first step that says it was aborted: the steps have stopped; reports are written after that */
	int64_t t_step = wait_for(c, "aborted") ? lc_now_ms() : -1;
	int code = finish(c, &t_exit);
	printf("cli_abort: %s: exit %d; from the signal: %lld ms to a step ended aborted, %lld ms to the exit\n", what,
	       code, t_step < 0 ? -1LL : (long long)(t_step - t_sig), (long long)(t_exit - t_sig));
	return code;
}

/* The report (under bufs + 512) and the results store (bufs + 1024) of serial both say aborted. */
static void assert_recorded_aborted(const char *bufs, const char *serial)
{
	char v[32];
	report_verdict(bufs + 512, serial, v, sizeof(v));
	cr_assert_str_eq(v, "aborted", "%s", serial);
	assert_store_aborted(bufs + 1024, serial);
}

Test(cli_abort, ctrl_c_on_a_terminal_mid_step)
{
	lc_e2e e;
	struct child c;
	char bufs[1536];
	/* real time: the insertion-loss step takes long enough to be interrupted in the middle */
	start_run(&e, &c, bufs, "dr4-breakout-good", "breakout-dr4-4x100g", "ABORT-TTY-1", "1", true, NULL,
		  "step 2/3 insertion-loss");
	lc_sleep_ms(300); /* into the step: a reference or a reading is under way */
	int code = interrupt(&c, 0, "Ctrl-C on a pty mid-step");
	cr_assert_eq(code, 4, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "Ctrl-C: aborting"), "%s", c.out);
	cr_assert(strstr(c.out, "ABORT-TTY-1 ABORTED"), "%s", c.out);
	cr_assert_not(strstr(c.out, "step 3/3"), "the step after the abort ran:\n%s", c.out);
	assert_recorded_aborted(bufs, "ABORT-TTY-1");
	cr_assert_eq(lc_e2e_lasers_on(&e), 0, "a laser is still on after the abort");
	lc_e2e_stop(&e);
}

Test(cli_abort, sigterm_without_a_terminal_aborts_every_slot)
{
	lc_e2e e;
	struct child c;
	char bufs[1536];
	start_run(&e, &c, bufs, "dr4-breakout-two-slots", "breakout-dr4-4x100g", "ABORT-TERM-1,ABORT-TERM-2", "2",
		  false, NULL, "\"step\":\"insertion-loss\",\"index\":2");
	lc_sleep_ms(300);
	int code = interrupt(&c, SIGTERM, "SIGTERM, two slots, no terminal");
	cr_assert_eq(code, 4, "exit %d:\n%s", code, c.out);
	for (int s = 1; s <= 2; s++) {
		char serial[32], line[128];
		snprintf(serial, sizeof(serial), "ABORT-TERM-%d", s);
		snprintf(line, sizeof(line), "\"event\":\"result\",\"slot\":%d,\"serial\":\"%s\",\"verdict\":\"aborted\"", s,
			 serial);
		cr_assert(strstr(c.out, line), "no '%s' in:\n%s", line, c.out);
		assert_recorded_aborted(bufs, serial);
	}
	cr_assert_not(strstr(c.out, "\"step\":\"return-loss\""), "a step after the abort ran:\n%s", c.out);
	cr_assert_eq(lc_e2e_lasers_on(&e), 0, "a laser is still on after the abort");
	lc_e2e_stop(&e);
}

Test(cli_abort, ber_soak_ends_aborted_not_error)
{
	lc_e2e e;
	struct child c;
	char bufs[1536];
	/* a target of 1e-15 takes hours to prove: the soak is surely still gating when the signal comes */
	start_run(&e, &c, bufs, "aoc-400g-good", "aoc-400g", NULL, "1", false, "target=1e-15",
		  "\"event\":\"progress\",\"slot\":1,\"step\":\"ber");
	int code = interrupt(&c, SIGINT, "SIGINT during the BER soak");
	cr_assert_eq(code, 4, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "{\"event\":\"step_end\",\"slot\":1,\"step\":\"ber\",\"verdict\":\"aborted\""),
		  "the BER step did not end aborted:\n%s", c.out);
	char line[128];
	snprintf(line, sizeof(line), "\"serial\":\"%s\",\"verdict\":\"aborted\"", lc_e2e_dut_serial(&e));
	cr_assert(strstr(c.out, line), "no '%s' in:\n%s", line, c.out);
	assert_recorded_aborted(bufs, lc_e2e_dut_serial(&e));
	lc_e2e_stop(&e);
}

Test(cli_abort, second_ctrl_c_forces_after_lasers_off)
{
	lc_e2e e;
	struct child c;
	char bufs[1536];
	start_run(&e, &c, bufs, "dr4-breakout-good", "breakout-dr4-4x100g", "ABORT-FORCE-1", "1", true, NULL,
		  "step 2/3 insertion-loss");
	cr_assert_eq(write(c.fd, "\x03", 1), 1);
	cr_assert(wait_for(&c, "again forces"), "%s", c.out);
	int code = interrupt(&c, 0, "second Ctrl-C (forced)");
	cr_assert_eq(code, 4, "exit %d:\n%s", code, c.out);
	/* either the forced exit switched the sources off, or the first abort's cleanup had already ended */
	cr_assert(strstr(c.out, "every source is off") || strstr(c.out, "ABORT-FORCE-1 ABORTED"), "%s", c.out);
	cr_assert_eq(lc_e2e_lasers_on(&e), 0, "a laser is still on after the forced exit:\n%s", c.out);
	lc_e2e_stop(&e);
}

/* Rewrite the simulator's station file: fn changes the loaded station. */
static void edit_station(const lc_e2e *e, void (*fn)(lc_station *st))
{
	char path[300];
	lc_diag d;
	lc_station *st;
	snprintf(path, sizeof(path), "%s/station.json", e->dir);
	cr_assert_eq(lc_station_load(path, NULL, &st, &d), 0, "%s", d.text);
	fn(st);
	cr_assert_eq(lc_station_write_json(st, path, &d), 0, "%s", d.text);
	lc_station_free(st);
}

static void meter_expired(lc_station *st)
{
	for (size_t i = 0; i < st->n_instruments; i++)
		if (!strcmp(st->instruments[i].role, "meter")) {
			snprintf(st->instruments[i].calibration_due, sizeof(st->instruments[i].calibration_due), "2020-06-30");
			snprintf(st->instruments[i].calibrated, sizeof(st->instruments[i].calibrated), "2019-06-30");
		}
}

/* Run to the end (no signal); the exit code. */
static int run_to_end(struct child *c, char *const argv[])
{
	spawn(c, false, argv);
	int64_t t;
	return finish(c, &t);
}

/* A measurement event in the JSON lines. */
static bool measured_anything(const struct child *c)
{
	return strstr(c->out, "\"event\":\"measurement\"") != NULL;
}

Test(cli_validity, expired_calibration_refuses_then_an_accepted_one_is_on_the_certificate)
{
	lc_e2e e;
	lc_e2e_start_station(&e, "dr4-breakout-good", 0);
	edit_station(&e, meter_expired);
	char *argv[40], bufs[1536];
	run_argv(argv, bufs, &e, "breakout-dr4-4x100g", "CAL-1", "1", true);
	struct child c;
	int code = run_to_end(&c, argv);
	cr_assert_eq(code, 3, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "instrument 'meter' (") && strstr(c.out, "was due for calibration on 2020-06-30") &&
			  strstr(c.out, "--accept-expired-calibration REASON"),
		  "%s", c.out);
	cr_assert(strstr(c.out, "\"serial\":\"CAL-1\",\"verdict\":\"error\""), "%s", c.out);
	cr_assert_not(measured_anything(&c), "something was measured with an expired meter:\n%s", c.out);
	cr_assert_not(strstr(c.out, "\"event\":\"step_start\""), "a step started:\n%s", c.out);
	char v[32];
	report_verdict(bufs + 512, "CAL-1", v, sizeof(v));
	cr_assert_str_eq(v, "error");

	/* accepted with a reason: the run measures, and the certificate says why the meter was used */
	size_t k = 0;
	while (argv[k])
		k++;
	argv[k++] = "--accept-expired-calibration";
	argv[k++] = "recalibration booked for 2026-12-10; checked against the reference meter";
	argv[k] = NULL;
	argv[6] = "CAL-2";
	code = run_to_end(&c, argv);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(measured_anything(&c));
	char path[1400];
	report_path(bufs + 512, "CAL-2", path, sizeof(path));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	cr_assert_not_null(root, "%s: %s", path, je.text);
	json_t *insts = json_object_get(root, "instruments");
	int seen = 0;
	for (size_t i = 0; i < json_array_size(insts); i++) {
		json_t *in = json_array_get(insts, i);
		const char *role = json_string_value(json_object_get(in, "role"));
		const char *ov = json_string_value(json_object_get(in, "calibration_override"));
		if (!strcmp(role, "meter")) {
			seen++;
			cr_assert_str_eq(ov ? ov : "(none)",
					 "recalibration booked for 2026-12-10; checked against the reference meter");
			cr_assert_str_eq(json_string_value(json_object_get(in, "calibrated")), "2019-06-30");
		} else {
			cr_assert_null(ov, "%s has an override it did not need", role);
		}
	}
	cr_assert_eq(seen, 1);
	json_decref(root);
	/* the HTML certificate shows it next to the instrument */
	char html[1400];
	snprintf(html, sizeof(html), "%.*sreport.html", (int)(strlen(path) - strlen("report.json")), path);
	FILE *f = fopen(html, "r");
	if (f) { /* written when the report writer makes HTML (it does by default) */
		static char buf[1 << 20];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		buf[n] = '\0';
		fclose(f);
		cr_assert(strstr(buf, "Used past its calibration due date, accepted by the operator: recalibration booked"),
			  "the HTML certificate does not show the acceptance");
	}
	lc_e2e_stop(&e);
}

static void serial_warn(lc_station *st)
{
	st->module_serial_policy = LC_MODULE_SERIAL_WARN;
}

Test(cli_validity, module_serial_mismatch_stops_or_warns_by_policy)
{
	lc_e2e e;
	lc_e2e_start_station(&e, "aoc-400g-good", 50);
	char *argv[40], bufs[1536];
	run_argv(argv, bufs, &e, "aoc-400g", "WRONG-CABLE-7", "1", true);
	struct child c;
	int code = run_to_end(&c, argv);
	cr_assert_eq(code, 3, "exit %d:\n%s", code, c.out);
	char want[200];
	snprintf(want, sizeof(want),
		 "serial mismatch: the module at end A carries serial '%s-A' in its memory, but the serial entered is "
		 "'WRONG-CABLE-7': check the cable's label and the scanned serial",
		 lc_e2e_dut_serial(&e));
	cr_assert(strstr(c.out, want), "no '%s' in:\n%s", want, c.out);
	cr_assert(strstr(c.out, "\"serial\":\"WRONG-CABLE-7\",\"verdict\":\"error\""), "%s", c.out);
	cr_assert_not(strstr(c.out, "\"name\":\"ber\""), "BER was measured on a cable of another serial:\n%s", c.out);

	/* the right serial passes the check */
	argv[6] = (char *)lc_e2e_dut_serial(&e);
	size_t k = 0;
	while (argv[k])
		k++;
	argv[k++] = "--option";
	argv[k++] = "poll_ms=5";
	argv[k++] = "--option";
	argv[k++] = "settle_ms=50";
	argv[k] = NULL;
	code = run_to_end(&c, argv);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert_not(strstr(c.out, "serial mismatch"), "%s", c.out);

	/* policy warn: reported, and the run goes on to its verdict */
	edit_station(&e, serial_warn);
	argv[6] = "WRONG-CABLE-8";
	code = run_to_end(&c, argv);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "serial mismatch: the module at end A"), "%s", c.out);
	cr_assert(strstr(c.out, "\"serial\":\"WRONG-CABLE-8\",\"verdict\":\"pass\""), "%s", c.out);
	lc_e2e_stop(&e);
}

static int on_row_count(const lc_store_row *row, void *user)
{
	(void)row;
	++*(int *)user;
	return 0;
}

/* argv of an interactive run on e's station: no --operator, no --non-interactive. */
static void interactive_argv(char **argv, char *bufs, const lc_e2e *e, const char *serial)
{
	run_argv(argv, bufs, e, "breakout-dr4-4x100g", serial, "1", false);
	size_t k = 0, j = 0;
	for (; argv[k]; k++) {
		if (!strcmp(argv[k], "--non-interactive"))
			continue;
		if (!strcmp(argv[k], "--operator")) {
			k++;
			continue;
		}
		argv[j++] = argv[k];
	}
	argv[j] = NULL;
}

/* Answer every operator confirmation the run asks on its terminal (Enter) until it exits; the exit code. */
static int confirm_to_end(struct child *c)
{
	int64_t end = lc_now_ms() + HANG_MS;
	size_t answered = 0; /* offset after the last prompt answered */
	int st = 0;
	for (;;) {
		read_some(c, 100);
		const char *p = strstr(c->out + answered, "press Enter when done");
		if (p) {
			answered = (size_t)(p - c->out) + 1;
			cr_assert_eq(write(c->fd, "\r", 1), 1);
		}
		if (waitpid(c->pid, &st, WNOHANG) == c->pid)
			break;
		cr_assert(lc_now_ms() < end, "the interactive run did not end:\n%s", c->out);
	}
	while (read_some(c, 200))
		;
	close(c->fd);
	running_child = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* On a terminal without --operator (and no station default), the run asks who the operator is, and the
 * answer is recorded in the report and the results store; an empty answer certifies nothing (exit 64). */
Test(cli_validity, operator_is_asked_on_a_terminal_and_recorded)
{
	lc_e2e e;
	lc_e2e_start_station(&e, "dr4-breakout-good", 0);
	char *argv[40], bufs[1536];
	struct child c;
	interactive_argv(argv, bufs, &e, "OP-TTY-1");
	spawn(&c, true, argv);
	cr_assert(wait_for(&c, "operator (your name, recorded in the report): "), "not asked:\n%s", c.out);
	cr_assert_eq(write(c.fd, "Ada Lovelace\r", 13), 13);
	int code = confirm_to_end(&c);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "OP-TTY-1 PASS"), "%s", c.out);

	json_t *root = report_json(bufs + 512, "OP-TTY-1");
	const char *op = json_string_value(json_object_get(root, "operator"));
	cr_expect_str_eq(op ? op : "(none)", "Ada Lovelace");
	json_decref(root);

	lc_store *st;
	lc_diag d;
	cr_assert_eq(lc_store_open(bufs + 1024, &st, &d), 0, "%s", d.text);
	int rows = 0;
	lc_store_filter f = {.serial = "OP-TTY-1", .operator_name = "Ada Lovelace", .since_ms = INT64_MIN, .verdict = -1};
	cr_assert(lc_store_query(st, &f, on_row_count, &rows, &d) >= 0, "%s", d.text);
	lc_store_close(st);
	cr_expect_eq(rows, 1, "the store has %d runs of OP-TTY-1 by Ada Lovelace", rows);

	/* an empty answer: no operator, nothing certified, no run recorded */
	interactive_argv(argv, bufs, &e, "OP-TTY-2");
	spawn(&c, true, argv);
	cr_assert(wait_for(&c, "operator (your name"), "not asked:\n%s", c.out);
	cr_assert_eq(write(c.fd, "\r", 1), 1);
	int64_t t;
	code = finish(&c, &t);
	cr_assert_eq(code, 64, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "a certification needs an operator"), "%s", c.out);
	cr_assert_not(strstr(c.out, "step 1/"), "a step ran without an operator:\n%s", c.out);
	lc_e2e_stop(&e);
}

static void keep_references_1h(lc_station *st)
{
	st->reference_keep_s = 3600;
}

static void keep_references_1min(lc_station *st)
{
	st->reference_keep_s = 60;
}

static void taken_2h_ago(lc_reference *r)
{
	r->taken_unix -= 7200;
}

static void taken_2min_ago(lc_reference *r)
{
	r->taken_unix -= 120;
}

static void other_source(lc_reference *r)
{
	snprintf(r->instruments, sizeof(r->instruments), "Keysight 8164B #OTHER-MAINFRAME");
}

/* Rewrite the kept reference file at path: fn changes it. */
static void edit_reference(const char *path, void (*fn)(lc_reference *r))
{
	lc_reference r;
	lc_diag d;
	cr_assert_eq(lc_reference_load(path, &r, &d), 0, "%s", d.text);
	fn(&r);
	cr_assert_eq(lc_reference_save(&r, path, &d), 0, "%s", d.text);
}

/* The time of the first reference in the report of serial under dir. */
static void report_reference_time(const char *dir, const char *serial, char *out, size_t cap)
{
	json_t *root = report_json(dir, serial);
	const char *t = json_string_value(json_object_get(json_array_get(json_object_get(root, "references"), 0), "time"));
	cr_assert_not_null(t, "the report of %s has no reference", serial);
	snprintf(out, cap, "%s", t);
	json_decref(root);
}

/* `lanecert run breakout-dr4-4x100g` of serial with the station state in state, plus golden_mode
 * ("record", "check" or NULL); its exit code, c->out its JSON lines and messages. */
static int run_golden(struct child *c, const lc_e2e *e, char *bufs, const char *serial, const char *state,
		      const char *golden_mode)
{
	char *argv[40];
	run_argv(argv, bufs, e, "breakout-dr4-4x100g", serial, "1", true);
	size_t k = 0;
	while (argv[k])
		k++;
	argv[k++] = "--state";
	argv[k++] = (char *)state;
	if (golden_mode) {
		argv[k++] = "--golden";
		argv[k++] = (char *)golden_mode;
	}
	argv[k] = NULL;
	return run_to_end(c, argv);
}

/* One run of serial that keeps its references in the state folder refs. */
static int run_keeping(struct child *c, const lc_e2e *e, char *bufs, const char *serial, const char *refs)
{
	return run_golden(c, e, bufs, serial, refs, NULL);
}

/* A station that keeps references (reference_keep_s): the first run takes one and keeps it, the next reuses
 * it (the same reference time on its certificate), and one expired (by its own validity or by the station's
 * shorter limit) or taken with other instruments is never reused: a new one is taken and kept. */
Test(cli_validity, references_are_kept_and_reused_only_while_valid)
{
	lc_e2e e;
	lc_e2e_start_station(&e, "dr4-breakout-good", 0);
	edit_station(&e, keep_references_1h);
	char bufs[1536], refs[400], kept[700], t1[64], t2[64];
	snprintf(refs, sizeof(refs), "%s/station-state", e.dir);
	struct child c;

	int code = run_keeping(&c, &e, bufs, "REF-1", refs);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "no kept 1310 nm reference for slot 1: taking one (kept 60 min for later runs)"), "%s",
		  c.out);
	/* one file: <station>-slot1-forward-1310nm.json */
	DIR *dir = opendir(refs);
	cr_assert_not_null(dir, "no folder %s", refs);
	kept[0] = '\0';
	for (struct dirent *de; (de = readdir(dir));)
		if (de->d_name[0] != '.') {
			cr_assert_not(kept[0], "more than one kept reference: %s", de->d_name);
			cr_assert(strstr(de->d_name, "-slot1-forward-1310nm.json"), "%s", de->d_name);
			snprintf(kept, sizeof(kept), "%.400s/%.250s", refs, de->d_name);
		}
	closedir(dir);
	lc_reference r;
	lc_diag d;
	cr_assert_eq(lc_reference_load(kept, &r, &d), 0, "not kept: %s", d.text);
	cr_assert(strstr(r.instruments, " #"), "the instruments it was taken with: '%s'", r.instruments);
	report_reference_time(bufs + 512, "REF-1", t1, sizeof(t1));

	code = run_keeping(&c, &e, bufs, "REF-2", refs);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "reusing the 1310 nm reference taken ") && strstr(c.out, " min ago (kept 60 min; "), "%s",
		  c.out);
	report_reference_time(bufs + 512, "REF-2", t2, sizeof(t2));
	cr_assert_str_eq(t2, t1, "the second certificate names another reference");

	edit_reference(kept, taken_2h_ago);
	time_t before = time(NULL);
	code = run_keeping(&c, &e, bufs, "REF-3", refs);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "not reusing the kept 1310 nm reference: reference at 1310 nm expired"), "%s", c.out);
	cr_assert_not(strstr(c.out, "reusing the 1310 nm reference taken"), "an expired reference was reused:\n%s", c.out);
	cr_assert_eq(lc_reference_load(kept, &r, &d), 0, "%s", d.text);
	cr_assert_geq(r.taken_unix, (int64_t)before, "the expired reference was not replaced");

	edit_reference(kept, other_source);
	code = run_keeping(&c, &e, bufs, "REF-4", refs);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "not reusing the kept 1310 nm reference: the kept reference was taken with other "
				"instruments (Keysight 8164B #OTHER-MAINFRAME)"),
		  "%s", c.out);
	cr_assert_eq(lc_reference_load(kept, &r, &d), 0, "%s", d.text);
	cr_assert(strcmp(r.instruments, "Keysight 8164B #OTHER-MAINFRAME") != 0, "not replaced");

	/* the station's limit today is shorter than the reference's own validity: the station's wins */
	edit_station(&e, keep_references_1min);
	edit_reference(kept, taken_2min_ago);
	code = run_keeping(&c, &e, bufs, "REF-5", refs);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "not reusing the kept 1310 nm reference: reference at 1310 nm expired"), "%s", c.out);
	lc_e2e_stop(&e);
}

static void declare_golden(lc_station *st)
{
	snprintf(st->golden.serial, sizeof(st->golden.serial), "GOLD-1");
	st->golden.valid_s = 3600;
	st->golden.tolerance_db = 0.3;
}

/* The station's golden-cable check file, its checked_unix moved back by seconds. */
static void age_golden_check(const char *state, long seconds)
{
	char path[700];
	DIR *d = opendir(state);
	cr_assert_not_null(d, "%s", state);
	path[0] = '\0';
	for (struct dirent *de; (de = readdir(d));)
		if (strstr(de->d_name, "-golden-check.json"))
			snprintf(path, sizeof(path), "%.400s/%.250s", state, de->d_name);
	closedir(d);
	cr_assert(path[0], "no golden-cable check in %s", state);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	cr_assert_not_null(j, "%s: %s", path, je.text);
	json_int_t t = json_integer_value(json_object_get(j, "checked_unix"));
	json_object_set_new(j, "checked_unix", json_integer(t - seconds));
	cr_assert_eq(json_dump_file(j, path, 0), 0);
	json_decref(j);
}

/* A station with a golden cable certifies only after a check of it that passed and is young enough: none
 * yet, a failed one (the station measures a dirty golden cable 0.9 dB off its recorded values) and an
 * expired one refuse every run (error, nothing measured, the check named); a check that passes lifts it. */
Test(cli_validity, golden_cable_check_gates_certification)
{
	lc_e2e e;
	char bufs[1536], state[300];
	struct child c;
	snprintf(state, sizeof(state), "/tmp/golden-state-%ld", (long)getpid());
	lc_e2e_start_station(&e, "dr4-breakout-good", 0);
	edit_station(&e, declare_golden);

	int code = run_golden(&c, &e, bufs, "DUT-1", state, NULL);
	cr_assert_eq(code, 3, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "golden-cable check required: no check of golden cable GOLD-1 yet on station '"), "%s",
		  c.out);
	cr_assert_not(measured_anything(&c), "measured without a golden-cable check:\n%s", c.out);
	char v[32];
	report_verdict(bufs + 512, "DUT-1", v, sizeof(v));
	cr_assert_str_eq(v, "error");

	/* a check needs recorded values; a golden run of another serial is refused */
	code = run_golden(&c, &e, bufs, "GOLD-1", state, "check");
	cr_assert_eq(code, 3, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "golden-cable check failed: golden cable GOLD-1 has no recorded values"), "%s", c.out);
	code = run_golden(&c, &e, bufs, "DUT-9", state, "record");
	cr_assert_eq(code, 64, "exit %d:\n%s", code, c.out);

	code = run_golden(&c, &e, bufs, "GOLD-1", state, "record");
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "golden cable GOLD-1: its values are recorded as the station's baseline"), "%s", c.out);
	code = run_golden(&c, &e, bufs, "GOLD-1", state, "check");
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "golden-cable check of GOLD-1 passed"), "%s", c.out);
	code = run_golden(&c, &e, bufs, "DUT-2", state, NULL);
	cr_assert_eq(code, 0, "certification after a passed check: exit %d:\n%s", code, c.out);
	lc_e2e_stop(&e);

	/* the station now measures the golden cable 0.9 dB off at B3: the check fails, runs are refused */
	lc_e2e_start_station(&e, "dr4-breakout-dirty-leg", 0);
	edit_station(&e, declare_golden);
	code = run_golden(&c, &e, bufs, "GOLD-1", state, "check");
	cr_assert_eq(code, 3, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "golden-cable check failed: insertion_loss lane ") && strstr(c.out, " dB off, tolerance 0.30 dB"),
		  "%s", c.out);
	report_verdict(bufs + 512, "GOLD-1", v, sizeof(v));
	cr_assert_str_eq(v, "error", "the failed check's own run");
	code = run_golden(&c, &e, bufs, "DUT-3", state, NULL);
	cr_assert_eq(code, 3, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "golden-cable check of GOLD-1 at ") &&
			  strstr(c.out, " UTC failed: certification is blocked until a check passes (insertion_loss lane "),
		  "%s", c.out);
	cr_assert_not(measured_anything(&c), "measured after a failed golden-cable check:\n%s", c.out);
	lc_e2e_stop(&e);

	/* a good check lifts the block; one older than valid_s (60 min) blocks again */
	lc_e2e_start_station(&e, "dr4-breakout-good", 0);
	edit_station(&e, declare_golden);
	code = run_golden(&c, &e, bufs, "GOLD-1", state, "check");
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	code = run_golden(&c, &e, bufs, "DUT-4", state, NULL);
	cr_assert_eq(code, 0, "exit %d:\n%s", code, c.out);
	age_golden_check(state, 3601);
	code = run_golden(&c, &e, bufs, "DUT-5", state, NULL);
	cr_assert_eq(code, 3, "exit %d:\n%s", code, c.out);
	cr_assert(strstr(c.out, "UTC expired (valid 60 min): check the golden cable again"), "%s", c.out);
	lc_e2e_stop(&e);
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state);
	cr_assert_eq(system(cmd), 0);
}
