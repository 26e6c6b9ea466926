/* Serial port open and configuration: libserialport, with a termios fallback for pseudo-terminals
 * (hal/serial_port_priv.h says why). */
#include <errno.h>
#include <fcntl.h>
#include <libserialport.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "base/log.h"
#include "hal/serial_port_priv.h"

#define LC_LOG_DOMAIN "serial"

int lc_serial_settings_resolve(const lc_serial_settings *in, lc_serial_settings *out, lc_diag *diag)
{
	*out = *in;
	if (out->baud == 0)
		out->baud = 9600;
	if (out->data_bits == 0)
		out->data_bits = 8;
	if (out->stop_bits == 0)
		out->stop_bits = 1;
	if (out->baud < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "serial: baud rate %d is not positive", out->baud);
	if (out->data_bits < 5 || out->data_bits > 8)
		return lc_diag_set(diag, LC_ERR_ARG, "serial: %d data bits (5..8)", out->data_bits);
	if (out->stop_bits != 1 && out->stop_bits != 2)
		return lc_diag_set(diag, LC_ERR_ARG, "serial: %d stop bits (1 or 2)", out->stop_bits);
	if (out->parity != LC_PARITY_NONE && out->parity != LC_PARITY_ODD && out->parity != LC_PARITY_EVEN)
		return lc_diag_set(diag, LC_ERR_ARG, "serial: unknown parity %d", (int)out->parity);
	if (out->flow != LC_FLOW_NONE && out->flow != LC_FLOW_XONXOFF && out->flow != LC_FLOW_RTSCTS)
		return lc_diag_set(diag, LC_ERR_ARG, "serial: unknown flow control %d", (int)out->flow);
	return 0;
}

static int errno_code(int err)
{
	switch (err) {
	case ENOENT: case ENODEV: case ENXIO: return LC_ERR_NOT_FOUND;
	case EACCES: case EPERM: return LC_ERR_PERMISSION;
	case EBUSY: return LC_ERR_BUSY;
	default: return LC_ERR_IO;
	}
}

static int open_failed(const char *path, int err, lc_diag *diag)
{
	int code = errno_code(err);
	return lc_diag_set(diag, code, "%s: %s%s", path, strerror(err),
			   code == LC_ERR_PERMISSION ? " (add the user to the group owning the port, usually "
						       "'dialout', or install a udev rule: docs/hal.md)" : "");
}

static speed_t speed_of(int baud)
{
	static const struct {
		int baud;
		speed_t s;
	} t[] = {{50, B50}, {75, B75}, {110, B110}, {134, B134}, {150, B150}, {200, B200}, {300, B300},
		 {600, B600}, {1200, B1200}, {1800, B1800}, {2400, B2400}, {4800, B4800}, {9600, B9600},
		 {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200}, {230400, B230400},
		 {460800, B460800}, {500000, B500000}, {576000, B576000}, {921600, B921600}, {1000000, B1000000},
		 {1152000, B1152000}, {1500000, B1500000}, {2000000, B2000000}, {3000000, B3000000},
		 {4000000, B4000000}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].baud == baud)
			return t[i].s;
	return 0;
}

/* The fallback: open a terminal libserialport will not take and configure it with termios. */
static int open_termios(const char *path, const lc_serial_settings *s, lc_serial_port *out, lc_diag *diag)
{
	struct termios t;
	speed_t sp = speed_of(s->baud);
	if (!sp)
		return lc_diag_set(diag, LC_ERR_ARG, "%s: baud rate %d is not a standard rate", path, s->baud);
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return open_failed(path, errno, diag);
	if (!isatty(fd)) {
		close(fd);
		return lc_diag_set(diag, LC_ERR_ARG, "%s is not a terminal device", path);
	}
	if (tcgetattr(fd, &t) != 0) {
		int err = errno;
		close(fd);
		return lc_diag_set(diag, LC_ERR_IO, "%s: tcgetattr: %s", path, strerror(err));
	}
	cfmakeraw(&t); /* no echo, no CR/LF translation: bytes as the instrument sends them */
	t.c_cflag &= ~(tcflag_t)(CSIZE | PARENB | PARODD | CSTOPB | CRTSCTS);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag |= s->data_bits == 5 ? CS5 : s->data_bits == 6 ? CS6 : s->data_bits == 7 ? CS7 : CS8;
	if (s->parity != LC_PARITY_NONE)
		t.c_cflag |= PARENB | (s->parity == LC_PARITY_ODD ? PARODD : 0);
	if (s->stop_bits == 2)
		t.c_cflag |= CSTOPB;
	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | IXANY);
	if (s->flow == LC_FLOW_RTSCTS)
		t.c_cflag |= CRTSCTS;
	else if (s->flow == LC_FLOW_XONXOFF)
		t.c_iflag |= IXON | IXOFF;
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	cfsetispeed(&t, sp);
	cfsetospeed(&t, sp);
	if (tcsetattr(fd, TCSANOW, &t) != 0) {
		int err = errno;
		close(fd);
		return lc_diag_set(diag, LC_ERR_IO, "%s: tcsetattr: %s", path, strerror(err));
	}
	out->sp = NULL;
	out->fd = fd;
	return 0;
}

static const char *sp_msg(void)
{
	char *m = sp_last_error_message();
	static __thread char buf[160];
	snprintf(buf, sizeof(buf), "%s", m ? m : "unknown error");
	sp_free_error_message(m);
	return buf;
}

static int configure(lc_serial_port *p, const lc_serial_settings *s, lc_diag *diag)
{
	enum sp_parity par = s->parity == LC_PARITY_ODD ? SP_PARITY_ODD :
			     s->parity == LC_PARITY_EVEN ? SP_PARITY_EVEN : SP_PARITY_NONE;
	enum sp_flowcontrol fc = s->flow == LC_FLOW_RTSCTS ? SP_FLOWCONTROL_RTSCTS :
				 s->flow == LC_FLOW_XONXOFF ? SP_FLOWCONTROL_XONXOFF : SP_FLOWCONTROL_NONE;
	const char *what = NULL;
	if (sp_set_baudrate(p->sp, s->baud) != SP_OK)
		what = "baud rate";
	else if (sp_set_bits(p->sp, s->data_bits) != SP_OK)
		what = "data bits";
	else if (sp_set_parity(p->sp, par) != SP_OK)
		what = "parity";
	else if (sp_set_stopbits(p->sp, s->stop_bits) != SP_OK)
		what = "stop bits";
	else if (sp_set_flowcontrol(p->sp, fc) != SP_OK)
		what = "flow control";
	if (what)
		return lc_diag_set(diag, LC_ERR_ARG, "%s: setting the %s: %s", p->path, what, sp_msg());
	return 0;
}

int lc_serial_port_open(const char *path, const lc_serial_settings *s, lc_serial_port *out, lc_diag *diag)
{
	char real[PATH_MAX];
	struct stat st;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	/* by-id/by-path symlinks: libserialport 0.1.1 looks the literal name up in /sys/class/tty */
	if (!realpath(path, real))
		return open_failed(path, errno, diag);
	if (stat(real, &st) != 0)
		return open_failed(path, errno, diag);
	if (!S_ISCHR(st.st_mode))
		return lc_diag_set(diag, LC_ERR_ARG, "%s is not a character device", path);
	size_t rl = strlen(real);
	if (rl >= sizeof(out->path))
		return lc_diag_set(diag, LC_ERR_ARG, "%s: device path too long", path);
	memcpy(out->path, real, rl + 1);

	enum sp_return r = sp_get_port_by_name(real, &out->sp);
	if (r == SP_ERR_ARG) {
		lc_dbg("%s: libserialport does not know it (%s): opening it with termios", real, sp_msg());
		return open_termios(real, s, out, diag);
	}
	if (r != SP_OK) {
		out->sp = NULL;
		return lc_diag_set(diag, r == SP_ERR_MEM ? LC_ERR_NOMEM : LC_ERR_IO, "%s: %s", real, sp_msg());
	}
	if (sp_open(out->sp, SP_MODE_READ_WRITE) != SP_OK) {
		int err = sp_last_error_code();
		sp_free_port(out->sp);
		out->sp = NULL;
		return open_failed(real, err, diag);
	}
	int e = configure(out, s, diag);
	if (e == 0 && sp_get_port_handle(out->sp, &out->fd) != SP_OK)
		e = lc_diag_set(diag, LC_ERR_IO, "%s: no file descriptor", real);
	int fl = e == 0 ? fcntl(out->fd, F_GETFL) : -1;
	if (e == 0 && (fl < 0 || fcntl(out->fd, F_SETFL, fl | O_NONBLOCK) != 0))
		e = lc_diag_set(diag, LC_ERR_IO, "%s: O_NONBLOCK: %s", real, strerror(errno));
	if (e < 0) {
		sp_close(out->sp);
		sp_free_port(out->sp);
		out->sp = NULL;
		out->fd = -1;
		return e;
	}
	return 0;
}

void lc_serial_port_close(lc_serial_port *p)
{
	if (p->sp) {
		sp_close(p->sp);
		sp_free_port(p->sp);
	} else if (p->fd >= 0) {
		close(p->fd);
	}
	p->sp = NULL;
	p->fd = -1;
}
