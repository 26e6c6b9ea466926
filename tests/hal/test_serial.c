/* The serial transport on pseudo-terminals: a real SCPI conversation with the simulator's serial endpoint
 * (sim/net/endpoint_pty.c), and a pty of our own as a peer that sends partial replies or hangs up.
 * Assertions on values and error codes only. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <libserialport.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hal/scpi.h"
#include "sim/net/endpoint.h"
#include "sim/scpi/testinst.h"

static lc_sim_testinst *T;
static lc_sim_endpoint *EP;

static void start_sim(const char *term)
{
	lc_sim_testinst_opts o;
	lc_sim_endpoint_opts eo;
	lc_diag d;
	lc_sim_testinst_opts_init(&o);
	o.socket_port = -1;
	o.vxi11_port = -1;
	cr_assert_eq(lc_sim_testinst_start(&o, &T, &d), 0, "%s", d.text);
	lc_sim_endpoint_opts_init(&eo);
	eo.terminator = term;
	cr_assert_eq(lc_sim_pty_start(lc_sim_testinst_engine(T), &eo, &EP, &d), 0, "%s", d.text);
}

static void stop_sim(void)
{
	lc_sim_endpoint_stop(EP);
	EP = NULL;
	lc_sim_testinst_stop(T);
	T = NULL;
}

TestSuite(serial, .fini = stop_sim, .timeout = 30);

static lc_scpi *open_path(const char *path, int timeout_ms, const lc_serial_settings *ser)
{
	char res[300];
	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_diag d;
	lc_scpi_options_init(&o);
	o.timeout_ms = timeout_ms;
	if (ser)
		o.transport.serial = *ser;
	snprintf(res, sizeof(res), "ASRL%s::INSTR", path);
	int e = lc_scpi_open(res, &o, &s, &d);
	cr_assert_eq(e, 0, "open %s: %s", res, d.text);
	return s;
}

Test(serial, libserialport_refuses_a_pty)
{
	start_sim("\n");
	struct sp_port *p = NULL;
	/* the reason for the termios fallback: 0.1.1 looks /sys/class/tty/pts/N up and finds nothing */
	cr_assert_eq(sp_get_port_by_name(lc_sim_endpoint_pty_path(EP), &p), SP_ERR_ARG);
}

Test(serial, conversation_with_the_simulator)
{
	start_sim("\r\n");
	lc_serial_settings ser = {.baud = 115200, .data_bits = 8, .parity = LC_PARITY_NONE, .stop_bits = 1};
	lc_scpi *s = open_path(lc_sim_endpoint_pty_path(EP), 2000, &ser);
	char buf[256];
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), (int)strlen(LC_SIM_TESTINST_IDN));
	cr_assert_str_eq(buf, LC_SIM_TESTINST_IDN, "the instrument's \\r\\n is not part of the reply");
	cr_assert_eq(lc_scpi_write(s, "SOUR2:VAL 2.5"), 0);
	double v = 0;
	cr_assert_eq(lc_scpi_query_double(s, "SOUR2:VAL?", &v), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_float_eq(v, 2.5, 1e-12);
	cr_assert_eq(lc_scpi_query(s, "TEST:ECHO? 'a;b'", buf, sizeof(buf)), 5);
	cr_assert_str_eq(buf, "\"a;b\"");
	lc_scpi_close(s);
}

Test(serial, block_with_newlines_inside)
{
	start_sim("\n");
	lc_scpi *s = open_path(lc_sim_endpoint_pty_path(EP), 5000, NULL);
	uint8_t *data = NULL;
	size_t len = 0;
	cr_assert_geq(lc_scpi_query_block(s, "TEST:BLOC? 3000", &data, &len), 0, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(len, 3000);
	for (size_t i = 0; i < len; i++)
		if (data[i] != (uint8_t)(i % 256))
			cr_assert_fail("byte %zu is %u", i, data[i]);
	free(data);
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "*OPC?", buf, sizeof(buf)), 1, "nothing of the block is left over");
	cr_assert_str_eq(buf, "1");
	lc_scpi_close(s);
}

Test(serial, no_reply_times_out_then_the_session_goes_on)
{
	start_sim("\n");
	lc_scpi *s = open_path(lc_sim_endpoint_pty_path(EP), 300, NULL); /* fires: *CLS is never answered */
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "*CLS", buf, sizeof(buf)), LC_ERR_TIMEOUT, "a command without a reply");
	lc_scpi_set_timeout(s, 10000); /* must not fire: seconds, for a loaded machine */
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), (int)strlen(LC_SIM_TESTINST_IDN));
	lc_scpi_close(s);
}

Test(serial, simulator_gone_is_closed)
{
	start_sim("\n");
	lc_scpi *s = open_path(lc_sim_endpoint_pty_path(EP), 1000, NULL);
	char buf[64];
	cr_assert_eq(lc_scpi_query(s, "*IDN?", buf, sizeof(buf)), (int)strlen(LC_SIM_TESTINST_IDN));
	lc_sim_endpoint_stop(EP); /* closes the pty master */
	EP = NULL;
	int e = lc_scpi_query(s, "*IDN?", buf, sizeof(buf));
	cr_assert_eq(e, LC_ERR_CLOSED, "%d %s", e, lc_scpi_last_detail(s));
	lc_scpi_close(s);
}

/* A pty of our own: the test plays the instrument on the master side. */
static int own_pty(char *path, size_t cap)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert_geq(m, 0);
	cr_assert_eq(grantpt(m), 0);
	cr_assert_eq(unlockpt(m), 0);
	cr_assert_eq(ptsname_r(m, path, cap), 0);
	return m;
}

static void expect_line(int m, const char *want)
{
	char buf[128];
	size_t n = 0, wl = strlen(want);
	while (n < wl) {
		struct pollfd p = {.fd = m, .events = POLLIN};
		cr_assert_gt(poll(&p, 1, 5000), 0, "the transport wrote nothing");
		ssize_t r = read(m, buf + n, sizeof(buf) - 1 - n);
		cr_assert_gt(r, 0);
		n += (size_t)r;
	}
	buf[n] = '\0';
	cr_assert_str_eq(buf, want, "raw mode: the command arrives as written");
}

Test(serial, partial_reply_at_the_deadline_is_a_timeout)
{
	char path[64];
	int m = own_pty(path, sizeof(path));
	/* raw before any input arrives, or the default line discipline would echo it back to us */
	int keep = open(path, O_RDWR | O_NOCTTY);
	struct termios t;
	cr_assert_eq(tcgetattr(keep, &t), 0);
	cfmakeraw(&t);
	cr_assert_eq(tcsetattr(keep, TCSANOW, &t), 0);
	cr_assert_eq(write(m, "stale\n", 6), 6); /* sent before the port was opened: dropped at open */
	lc_scpi *s = open_path(path, 300, NULL); /* fires: nothing more is written until the read has failed */
	cr_assert_eq(lc_scpi_write(s, "MEAS?"), 0);
	expect_line(m, "MEAS?\n");
	cr_assert_eq(write(m, "1.25", 4), 4); /* no terminator */
	char buf[64];
	cr_assert_eq(lc_scpi_read(s, buf, sizeof(buf)), LC_ERR_TIMEOUT, "partial data is never a reply");
	lc_scpi_set_timeout(s, 10000); /* must not fire from here on */
	/* the session drops what is left: the next reply is read whole */
	cr_assert_eq(lc_scpi_write(s, "MEAS?"), 0);
	expect_line(m, "MEAS?\n");
	cr_assert_eq(write(m, "2.5\r\n", 5), 5);
	cr_assert_eq(lc_scpi_read(s, buf, sizeof(buf)), 3, "%s", lc_scpi_last_detail(s));
	cr_assert_str_eq(buf, "2.5");
	lc_scpi_close(s);
	close(keep);
	close(m);
}

Test(serial, peer_hangs_up_before_the_reply)
{
	char path[64];
	int m = own_pty(path, sizeof(path));
	lc_scpi *s = open_path(path, 2000, NULL);
	cr_assert_eq(lc_scpi_write(s, "MEAS?"), 0);
	expect_line(m, "MEAS?\n");
	close(m); /* a hang-up: the kernel also drops whatever input the slave had not read yet */
	char buf[64];
	cr_assert_eq(lc_scpi_read(s, buf, sizeof(buf)), LC_ERR_CLOSED, "%s", lc_scpi_last_detail(s));
	cr_assert_eq(lc_scpi_write(s, "MEAS?"), LC_ERR_CLOSED, "%s", lc_scpi_last_detail(s));
	lc_scpi_close(s);
}

Test(serial, settings_are_applied_to_the_line)
{
	char path[64];
	int m = own_pty(path, sizeof(path));
	lc_serial_settings ser = {.baud = 19200, .data_bits = 7, .parity = LC_PARITY_EVEN, .stop_bits = 2,
				  .flow = LC_FLOW_RTSCTS};
	lc_scpi *s = open_path(path, 500, &ser);
	int fd = open(path, O_RDWR | O_NOCTTY);
	cr_assert_geq(fd, 0);
	struct termios t;
	cr_assert_eq(tcgetattr(fd, &t), 0);
	cr_assert_eq(cfgetospeed(&t), B19200);
	/* a pty forces CS8 without parity (Linux pty_set_termios); a real port keeps 7E2 */
	cr_assert(t.c_cflag & CSTOPB);
	cr_assert(t.c_cflag & CRTSCTS);
	cr_assert_not(t.c_lflag & ECHO, "raw mode");
	close(fd);
	lc_scpi_close(s);
	close(m);
}

static int open_err(const char *res, const lc_serial_settings *ser, lc_diag *d)
{
	lc_scpi_options o;
	lc_scpi *s = NULL;
	lc_scpi_options_init(&o);
	if (ser)
		o.transport.serial = *ser;
	int e = lc_scpi_open(res, &o, &s, d);
	cr_assert_null(s);
	return e;
}

Test(serial, bad_settings_and_paths)
{
	char path[64], res[128];
	lc_diag d;
	int m = own_pty(path, sizeof(path));
	snprintf(res, sizeof(res), "ASRL%s::INSTR", path);
	lc_serial_settings bits = {.data_bits = 9};
	cr_assert_eq(open_err(res, &bits, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "9 data bits") != NULL, "%s", d.text);
	lc_serial_settings stop = {.stop_bits = 3};
	cr_assert_eq(open_err(res, &stop, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "3 stop bits") != NULL, "%s", d.text);
	lc_serial_settings baud = {.baud = 12345};
	cr_assert_eq(open_err(res, &baud, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "not a standard rate") != NULL, "%s", d.text);
	lc_serial_settings neg = {.baud = -5};
	cr_assert_eq(open_err(res, &neg, &d), LC_ERR_ARG);
	cr_assert_eq(open_err("ASRL/dev/lanecert-no-such-tty::INSTR", NULL, &d), LC_ERR_NOT_FOUND);
	cr_assert_eq(open_err("ASRL/dev/null::INSTR", NULL, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "not a terminal") != NULL, "%s", d.text);
	cr_assert_eq(open_err("ASRL/etc/passwd::INSTR", NULL, &d), LC_ERR_ARG);
	cr_assert(strstr(d.text, "not a character device") != NULL, "%s", d.text);
	close(m);
}
