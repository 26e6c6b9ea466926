/*
 * Serial ports (ASRL/dev/ttyUSB0::INSTR, ASRL3::INSTR) through libserialport 0.1.1, and pseudo-terminals
 * (the simulator's serial instruments) through a termios fallback (hal/serial_port_priv.h explains why
 * libserialport refuses them). Line settings come from lc_transport_opts.serial; unset fields default to
 * 9600 baud, 8 data bits, no parity, 1 stop bit, no flow control.
 *
 * A byte stream: this transport never marks message ends; the SCPI session frames replies on the read
 * terminator or on a block's announced length. Every operation polls the descriptor against the caller's
 * absolute deadline, so a trickling instrument cannot stretch an operation; bytes that arrived before the
 * deadline without completing a reply never count as success (the session reports LC_ERR_TIMEOUT).
 * A hang-up (the USB adapter unplugged, the pty master closed) is LC_ERR_CLOSED.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/serial_port_priv.h"
#include "hal/transport_priv.h"

#define LC_LOG_DOMAIN "serial"

struct serial_priv {
	lc_serial_port port;
};

static int serial_open(void *priv, const lc_resource *res, const lc_transport_opts *opts, int64_t deadline,
		       lc_diag *diag)
{
	struct serial_priv *sp = priv;
	lc_serial_settings s;
	(void)deadline; /* opening a tty does not block (O_NONBLOCK) */

	sp->port.fd = -1;
	int e = lc_serial_settings_resolve(&opts->serial, &s, diag);
	if (e < 0)
		return e;
	e = lc_serial_port_open(res->path, &s, &sp->port, diag);
	if (e < 0)
		return e;
	/* whatever the device sent before we were listening belongs to no reply of ours */
	tcflush(sp->port.fd, TCIFLUSH);
	lc_dbg("%s open at %d %d%c%d flow %s%s", sp->port.path, s.baud, s.data_bits,
	       s.parity == LC_PARITY_NONE ? 'N' : s.parity == LC_PARITY_ODD ? 'O' : 'E', s.stop_bits,
	       s.flow == LC_FLOW_NONE ? "none" : s.flow == LC_FLOW_RTSCTS ? "RTS/CTS" : "XON/XOFF",
	       sp->port.sp ? "" : " (termios)");
	return 0;
}

/* Wait for events on fd until the deadline. 0: ready; LC_ERR_TIMEOUT; LC_ERR_CLOSED on hang-up. */
static int wait_fd(int fd, short events, int64_t deadline, lc_diag *diag)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		int left = deadline == INT64_MAX ? -1 : lc_deadline_left_ms(deadline);
		int r = poll(&p, 1, left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return lc_diag_set(diag, LC_ERR_IO, "poll: %s", strerror(errno));
		if (r == 0)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "deadline passed");
		if (p.revents & events)
			return 0;
		if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
			return lc_diag_set(diag, LC_ERR_CLOSED, "the port hung up");
	}
}

static int serial_write(void *priv, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag)
{
	struct serial_priv *sp = priv;
	size_t done = 0;

	if (len > INT32_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "message of %zu bytes is too long", len);
	while (done < len) {
		ssize_t n = write(sp->port.fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int w = wait_fd(sp->port.fd, POLLOUT, deadline, diag);
			if (w < 0) {
				lc_diag_prefix(diag, "write (%zu of %zu bytes sent): ", done, len);
				return w;
			}
			continue;
		}
		if (n < 0 && (errno == EIO || errno == ENXIO || errno == ENODEV))
			return lc_diag_set(diag, LC_ERR_CLOSED, "write: the port hung up (%zu of %zu bytes sent)", done,
					   len);
		return lc_diag_set(diag, LC_ERR_IO, "write: %s", n < 0 ? strerror(errno) : "wrote nothing");
	}
	lc_spew("sent %zu bytes", len);
	return (int)len;
}

static int serial_read(void *priv, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag)
{
	struct serial_priv *sp = priv;

	bool ready = false;

	*end = false;
	if (cap > INT32_MAX)
		cap = INT32_MAX;
	for (;;) {
		ssize_t n = read(sp->port.fd, buf, cap);
		if (n > 0) {
			lc_spew("received %zd bytes", n);
			return (int)n;
		}
		/* With VMIN = VTIME = 0 an idle tty reads 0 (not EAGAIN), and so does a hung-up one: only
		 * nothing to read right after poll() said readable means a hang-up. */
		if (n == 0 && ready)
			return lc_diag_set(diag, LC_ERR_CLOSED, "the port hung up");
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
			int w = wait_fd(sp->port.fd, POLLIN, deadline, diag);
			ready = true;
			if (w < 0) {
				lc_diag_prefix(diag, "read: ");
				return w;
			}
			continue;
		}
		if (errno == EIO || errno == ENXIO || errno == ENODEV)
			return lc_diag_set(diag, LC_ERR_CLOSED, "the port hung up (%s)", strerror(errno));
		return lc_diag_set(diag, LC_ERR_IO, "read: %s", strerror(errno));
	}
}

static int serial_drain(void *priv)
{
	struct serial_priv *sp = priv;
	uint8_t junk[4096];
	int dropped = 0;

	/* Bounded: an instrument streaming at us must not keep us here forever. */
	for (int i = 0; i < 256; i++) {
		ssize_t n = read(sp->port.fd, junk, sizeof(junk));
		if (n > 0) {
			dropped += (int)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	tcflush(sp->port.fd, TCIFLUSH);
	return dropped;
}

/* Input is there to read (poll, nothing consumed): what lets the session send its marker *IDN? after a
 * grace without a reply (hal/scpi_refusal.c), as on a raw socket. A hang-up is LC_ERR_CLOSED, as a read
 * would see it. */
static int serial_wait_readable(void *priv, int64_t deadline, lc_diag *diag)
{
	struct serial_priv *sp = priv;
	int w = wait_fd(sp->port.fd, POLLIN, deadline, diag);
	return w < 0 ? w : 1;
}

static void serial_close(void *priv)
{
	struct serial_priv *sp = priv;
	lc_serial_port_close(&sp->port);
}

const lc_transport_ops lc_transport_serial_ops = {
	.name = "serial",
	.kind = LC_RES_ASRL,
	.marks_end = false,
	.priv_size = sizeof(struct serial_priv),
	.open = serial_open,
	.write = serial_write,
	.read = serial_read,
	.clear = NULL, /* no device clear on a serial line; the session drops buffered input instead */
	.read_stb = NULL,
	.close = serial_close,
	.drain = serial_drain,
	.wait_readable = serial_wait_readable,
};
