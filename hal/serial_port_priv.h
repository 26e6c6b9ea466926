/*
 * Opening and configuring a serial port for hal/transport_serial.c: through libserialport 0.1.1 for real
 * ports, through plain termios for terminals libserialport refuses (pseudo-terminals). Either way the
 * result is a non-blocking file descriptor that the transport polls against its deadlines.
 *
 * Why the fallback: sp_get_port_by_name() in 0.1.1 fetches the port's metadata (linux.c get_port_details)
 * by reading the symlink /sys/class/tty/<path without "/dev/">; a pseudo-terminal /dev/pts/N has no entry
 * there (/sys/class/tty/pts/N does not exist), so it fails with SP_ERR_ARG "Device not found" before any
 * open is tried, and sp_copy_port() goes through the same function. struct sp_port is opaque, so no port
 * can be built around our own descriptor either. Symlinks such as /dev/serial/by-id/... fail the same
 * way, so the path is resolved with realpath() first.
 */
#ifndef LC_HAL_SERIAL_PORT_PRIV_H
#define LC_HAL_SERIAL_PORT_PRIV_H

#include <stdbool.h>

#include "base/error.h"
#include "hal/transport.h"

struct sp_port;

typedef struct lc_serial_port {
	struct sp_port *sp; /* NULL when opened through the termios fallback */
	int fd;             /* non-blocking */
	char path[256];     /* the resolved device path */
} lc_serial_port;

/* Fill in defaults (9600 8N1, no flow control) and check the settings: LC_ERR_ARG names a bad field. */
int lc_serial_settings_resolve(const lc_serial_settings *in, lc_serial_settings *out, lc_diag *diag);

/* Open path with settings s (already resolved). LC_ERR_NOT_FOUND, LC_ERR_PERMISSION (with a hint about
 * the dialout group), LC_ERR_BUSY, LC_ERR_ARG (not a terminal, unsupported baud rate), LC_ERR_IO. */
int lc_serial_port_open(const char *path, const lc_serial_settings *s, lc_serial_port *out, lc_diag *diag);
void lc_serial_port_close(lc_serial_port *p);

#endif
