/* The pseudo-terminal endpoint and the block-aware message splitter that the byte-stream endpoints share. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <termios.h>
#include <unistd.h>

#include "sim/net/endpoint.h"
#include "sim/net/endpoint_lines.h"
#include "sim/scpi/testinst.h"

static lc_sim_testinst *T;

static void setup(void)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst_opts_init(&o);
	o.socket_port = -1;
	o.vxi11_port = -1;
	cr_assert_eq(lc_sim_testinst_start(&o, &T, NULL), 0);
}

static void teardown(void)
{
	lc_sim_testinst_stop(T);
}

/* Read until the buffer ends in want_end or 5 s pass (a broken server must not hang the test). */
static size_t read_until(int fd, char *buf, size_t cap, const char *want_end)
{
	size_t n = 0, el = strlen(want_end);
	while (n + 1 < cap) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 5000) <= 0)
			break;
		ssize_t r = read(fd, buf + n, cap - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n >= el && memcmp(buf + n - el, want_end, el) == 0)
			break;
	}
	buf[n] = '\0';
	return n;
}

static int open_slave(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(fd, 0, "%s", path);
	struct termios t;
	tcgetattr(fd, &t);
	cfmakeraw(&t);
	tcsetattr(fd, TCSANOW, &t);
	return fd;
}

TestSuite(endpoint_pty, .init = setup, .fini = teardown, .timeout = 60);

Test(endpoint_pty, crlf_device)
{
	lc_sim_endpoint *ep;
	lc_sim_endpoint_opts o;
	lc_sim_endpoint_opts_init(&o);
	o.terminator = "\r\n";
	lc_diag d;
	cr_assert_eq(lc_sim_pty_start(lc_sim_testinst_engine(T), &o, &ep, &d), 0, "%s", d.text);
	const char *path = lc_sim_endpoint_pty_path(ep);
	cr_assert(strncmp(path, "/dev/pts/", 9) == 0, "%s", path);
	cr_assert_eq(lc_sim_endpoint_kind(ep), LC_SIM_EP_PTY);
	cr_assert_eq(lc_sim_endpoint_port(ep), 0);
	int fd = open_slave(path);
	char b[512];
	cr_assert_eq(write(fd, "*IDN?\r\n", 7), 7);
	read_until(fd, b, sizeof(b), "\r\n");
	cr_assert_str_eq(b, LC_SIM_TESTINST_IDN "\r\n", "no echo, the device's own terminator");
	cr_assert_eq(write(fd, "TEST:DATA #13a\nb\nTEST:DATA?\n", 28), 28);
	size_t n = read_until(fd, b, sizeof(b), "\r\n");
	cr_assert_eq(n, 8);
	cr_assert(memcmp(b, "#13a\nb\r\n", 8) == 0);
	close(fd);
	/* the pty survives a client closing it: a second client works */
	fd = open_slave(path);
	cr_assert_eq(write(fd, "SOUR:VAL 3;VAL?\n", 16), 16);
	read_until(fd, b, sizeof(b), "\r\n");
	cr_assert_str_eq(b, "+3.00000000E+00\r\n");
	close(fd);
	lc_sim_endpoint_stop(ep);
}

Test(endpoint_pty, cr_terminated_device)
{
	lc_sim_endpoint *ep;
	lc_sim_endpoint_opts o;
	lc_sim_endpoint_opts_init(&o);
	o.terminator = "\r";
	o.input_terminator = '\r';
	cr_assert_eq(lc_sim_pty_start(lc_sim_testinst_engine(T), &o, &ep, NULL), 0);
	int fd = open_slave(lc_sim_endpoint_pty_path(ep));
	char b[512];
	cr_assert_eq(write(fd, "*IDN?\r", 6), 6);
	read_until(fd, b, sizeof(b), "\r");
	cr_assert_str_eq(b, LC_SIM_TESTINST_IDN "\r");
	close(fd);
	lc_sim_endpoint_stop(ep);
}

/* ---- the splitter ---- */

static char got[8][128];
static size_t got_len[8];
static bool got_ov[8];
static int ngot;
static int stop_after = -1;

static bool collect(const uint8_t *m, size_t len, bool ov, void *u)
{
	if (ngot < 8) {
		memcpy(got[ngot], m, len < 127 ? len : 127);
		got_len[ngot] = len;
		got_ov[ngot] = ov;
	}
	ngot++;
	return ngot != stop_after;
}

static void feed_bytewise(lc_sim_lines *l, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		lc_sim_lines_feed(l, (const uint8_t *)s + i, 1, collect, NULL);
}

Test(lines, splits_on_terminator_outside_blocks)
{
	lc_sim_lines l;
	ngot = 0;
	cr_assert_eq(lc_sim_lines_init(&l, 64, '\n'), 0);
	static const char in[] = "A\nB #15x\ny\nz\nC 'q\"#9'\n#H12\nD #3";
	feed_bytewise(&l, in, sizeof(in) - 1);
	cr_assert_eq(ngot, 4);
	cr_assert_str_eq(got[0], "A");
	cr_assert_eq(got_len[1], 10, "the block's 5 bytes hold two newlines");
	cr_assert(memcmp(got[1], "B #15x\ny\nz", 10) == 0);
	cr_assert_str_eq(got[2], "C 'q\"#9'", "'#' inside quotes is text");
	cr_assert_str_eq(got[3], "#H12");
	/* an unterminated block header at the end: END flushes it as it is */
	cr_assert(lc_sim_lines_flush(&l, collect, NULL));
	cr_assert_eq(ngot, 5);
	cr_assert_str_eq(got[4], "D #3");
	cr_assert(lc_sim_lines_flush(&l, collect, NULL));
	cr_assert_eq(ngot, 5, "nothing buffered: nothing emitted");
	lc_sim_lines_free(&l);
}

Test(lines, newline_inside_quotes_still_ends)
{
	lc_sim_lines l;
	ngot = 0;
	lc_sim_lines_init(&l, 64, '\n');
	feed_bytewise(&l, "X 'open\nY\n", 10);
	cr_assert_eq(ngot, 2);
	cr_assert_str_eq(got[0], "X 'open");
	cr_assert_str_eq(got[1], "Y");
	lc_sim_lines_free(&l);
}

Test(lines, overflow_discards_to_terminator)
{
	lc_sim_lines l;
	ngot = 0;
	lc_sim_lines_init(&l, 8, '\n');
	lc_sim_lines_feed(&l, (const uint8_t *)"0123456789ABC\nok\n", 17, collect, NULL);
	cr_assert_eq(ngot, 2);
	cr_assert(got_ov[0]);
	cr_assert(!got_ov[1]);
	cr_assert_str_eq(got[1], "ok");
	/* an over-long block is skipped by its count, its newlines do not resync early */
	ngot = 0;
	lc_sim_lines_feed(&l, (const uint8_t *)"D #210\n\n\n\n\n\n\n\n\n\nX\nok\n", 21, collect, NULL);
	cr_assert_eq(ngot, 2);
	cr_assert(got_ov[0]);
	cr_assert_str_eq(got[1], "ok");
	lc_sim_lines_free(&l);
}

Test(lines, callback_stops_feeding)
{
	lc_sim_lines l;
	ngot = 0;
	stop_after = 1;
	lc_sim_lines_init(&l, 64, '\n');
	cr_assert(!lc_sim_lines_feed(&l, (const uint8_t *)"A\nB\nC\n", 6, collect, NULL));
	cr_assert_eq(ngot, 1);
	stop_after = -1;
	lc_sim_lines_reset(&l);
	lc_sim_lines_free(&l);
}

Test(lines, malformed_block_header_falls_back_to_text)
{
	lc_sim_lines l;
	ngot = 0;
	lc_sim_lines_init(&l, 64, '\n');
	lc_sim_lines_feed(&l, (const uint8_t *)"A #3x\nB #0abc\nC #\n", 18, collect, NULL);
	cr_assert_eq(ngot, 3);
	cr_assert_str_eq(got[0], "A #3x");
	cr_assert_str_eq(got[1], "B #0abc");
	cr_assert_str_eq(got[2], "C #");
	lc_sim_lines_free(&l);
}
