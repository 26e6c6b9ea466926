/*
 * Serial endpoint on a pseudo-terminal: the client opens the slave path (/dev/pts/N) as it would open
 * /dev/ttyUSB0. Raw mode (no echo, no CR/LF translation), because a real instrument's UART does none of that
 * and a simulator that translated line endings would make tests lie. Commands end at the device's input
 * terminator; replies get the device's own terminator ("\r\n" for many serial instruments).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sim/net/endpoint_priv.h"

static void *pty_main(void *arg)
{
	struct lc_sim_conn *c = arg;
	lc_sim_serve_stream(c, c->fd, c->ep->o.input_terminator);
	return NULL;
}

int lc_sim_pty_start(lc_sim_scpi *e, const lc_sim_endpoint_opts *opts, lc_sim_endpoint **out, lc_diag *diag)
{
	lc_sim_endpoint *ep;
	int r = lc_sim_ep_new(e, LC_SIM_EP_PTY, opts, &ep, diag);
	if (r < 0)
		return r;
	ep->pty_master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (ep->pty_master < 0 || grantpt(ep->pty_master) != 0 || unlockpt(ep->pty_master) != 0 ||
	    ptsname_r(ep->pty_master, ep->pty_path, sizeof(ep->pty_path)) != 0) {
		r = lc_diag_set(diag, LC_ERR_IO, "pseudo-terminal: %s", strerror(errno));
		goto fail;
	}
	/* Our own slave descriptor keeps the pty alive between clients (without one, the master reads EIO
	 * whenever no client has it open) and carries the raw-mode settings. */
	ep->pty_slave = open(ep->pty_path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	struct termios t;
	if (ep->pty_slave < 0 || tcgetattr(ep->pty_slave, &t) != 0) {
		r = lc_diag_set(diag, LC_ERR_IO, "%s: %s", ep->pty_path, strerror(errno));
		goto fail;
	}
	cfmakeraw(&t);
	if (tcsetattr(ep->pty_slave, TCSANOW, &t) != 0) {
		r = lc_diag_set(diag, LC_ERR_IO, "%s: raw mode: %s", ep->pty_path, strerror(errno));
		goto fail;
	}
	struct lc_sim_conn *c = calloc(1, sizeof(*c));
	if (!c) {
		r = lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
		goto fail;
	}
	c->ep = ep;
	c->fd = dup(ep->pty_master); /* closed by the reaper like a socket */
	if (c->fd < 0 || pthread_create(&c->thread, NULL, pty_main, c) != 0) {
		if (c->fd >= 0)
			close(c->fd);
		free(c);
		r = lc_diag_set(diag, LC_ERR_IO, "pseudo-terminal thread");
		goto fail;
	}
	ep->conns = c;
	ep->stats.accepted = 1;
	ep->stats.open = 1;
	*out = ep;
	return 0;
fail:
	lc_sim_endpoint_stop(ep);
	return r;
}
