/*
 * The non-SCPI front (sim/inst/inst_front.c) on a pseudo-terminal: a client that stops reading in the
 * middle of a long reply (killed during an OTDR transfer, issue 13) must not keep the front's stop() waiting
 * for a write that can never finish. If stop() blocks, the test's timeout fails it.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/clock.h"
#include "sim/inst/inst_front.h"
#include "sim/scpi/testinst.h"

static int as_is(const char *msg, size_t len, char *out, size_t cap)
{
	(void)msg, (void)len, (void)out, (void)cap;
	return 0; /* the test instrument speaks SCPI already */
}

Test(inst_front, stop_does_not_wait_on_a_client_that_stopped_reading, .timeout = 60)
{
	lc_sim_testinst_opts o;
	lc_sim_testinst_opts_init(&o);
	o.socket_port = o.vxi11_port = o.portmapper_port = -1;
	lc_sim_testinst *t;
	lc_diag d;
	cr_assert_eq(lc_sim_testinst_start(&o, &t, &d), 0, "%s", d.text);
	lc_sim_scpi *e = lc_sim_testinst_engine(t);
	lc_sim_front *f;
	cr_assert_eq(lc_sim_front_start_pty(e, as_is, "\n", &f, &d), 0, "%s", d.text);
	int fd = open(lc_sim_front_pty_path(f), O_RDWR | O_NOCTTY);
	cr_assert_geq(fd, 0);
	const char q[] = "TEST:BLOC? 1000000\n"; /* a reply far larger than a pty's buffer */
	cr_assert_eq(write(fd, q, sizeof(q) - 1), (ssize_t)(sizeof(q) - 1));
	/* the front has the reply and is stuck writing it: part of it waits in the pty, the rest cannot go */
	int queued = 0;
	for (int i = 0; i < 3000 && (lc_sim_scpi_messages(e) < 1 || queued == 0); i++) {
		lc_sleep_ms(10);
		cr_assert_eq(ioctl(fd, FIONREAD, &queued), 0);
	}
	cr_assert_eq(lc_sim_scpi_messages(e), 1, "the query was executed");
	cr_assert_gt(queued, 0, "the reply started");
	lc_sleep_ms(100);
	cr_assert_eq(ioctl(fd, FIONREAD, &queued), 0);
	cr_assert_lt(queued, 1000000, "the writer is blocked with %d bytes queued: the fault is in place", queued);
	lc_sim_front_stop(f); /* returns: the blocked reply is abandoned */
	close(fd);
	lc_sim_testinst_stop(t);
}
