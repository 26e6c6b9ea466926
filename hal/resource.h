/*
 * Resource strings in the VISA grammar that PyVISA users already type, parsed to a typed struct and printed
 * back in canonical form.
 *
 *   TCPIP[board]::host::port::SOCKET            raw SCPI socket (port required)
 *   TCPIP[board]::host[::inst0][::INSTR]        VXI-11 (lan device name defaults to inst0)
 *   TCPIP[board]::host::hislipN[,port][::INSTR] HiSLIP (port defaults to 4880)
 *   USB[board]::vid::pid::serial[::intf][::INSTR] USBTMC (interface defaults to 0)
 *   ASRL<path or number>[::INSTR]               serial, e.g. ASRL/dev/ttyUSB0::INSTR, ASRL3::INSTR
 *   I2C::linux::/dev/i2c-N  I2C::cp2112::SERIAL  I2C::mcp2221::SERIAL  I2C::sim::HOST:PORT
 *
 * Keywords are case-insensitive (board defaults to 0); host names, serial numbers and paths keep their case.
 * Canonical form: upper-case keywords, the board number always written, defaults written out, numbers in
 * the form VISA prints them (USB ids as 0x%04X), e.g. "TCPIP0::10.0.0.5::inst0::INSTR".
 *
 * Thread safety: the functions are reentrant; an lc_resource is plain data.
 */
#ifndef LC_HAL_RESOURCE_H
#define LC_HAL_RESOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

enum lc_resource_kind {
	LC_RES_TCPIP_SOCKET = 1,
	LC_RES_TCPIP_VXI11,
	LC_RES_TCPIP_HISLIP,
	LC_RES_USBTMC,
	LC_RES_ASRL,
	LC_RES_I2C,
};

enum lc_i2c_adapter_kind {
	LC_I2C_LINUX = 1,
	LC_I2C_CP2112,
	LC_I2C_MCP2221,
	LC_I2C_SIM,
};

#define LC_RESOURCE_MAX 512

typedef struct lc_resource {
	enum lc_resource_kind kind;
	unsigned board;
	char host[256];       /* TCPIP: host name or address (IPv6 without brackets); I2C sim: host */
	uint16_t port;        /* SOCKET: port; HISLIP: port (4880 default); I2C sim: port */
	char lan_name[64];    /* VXI-11 device name (inst0, gpib0,5) or HiSLIP name (hislip0) */
	uint16_t vid, pid;    /* USB */
	char serial[128];     /* USB serial number; I2C cp2112/mcp2221 serial (may be empty: first found) */
	unsigned usb_interface;
	char path[256];       /* ASRL device path (/dev/ttyUSB0; ASRL3 means /dev/ttyS3); I2C linux device */
	enum lc_i2c_adapter_kind i2c_adapter;
} lc_resource;

/* Parse s. On error returns LC_ERR_ARG and diag names the bad part ("USB: product id 'zz' is not a number"). */
int lc_resource_parse(const char *s, lc_resource *out, lc_diag *diag);

/* Print the canonical form into buf. Returns its length, or LC_ERR_OVERFLOW if cap is too small. */
int lc_resource_format(const lc_resource *r, char *buf, size_t cap);

/* "SOCKET", "VXI-11", "HiSLIP", "USBTMC", "serial", "I2C". */
const char *lc_resource_kind_name(enum lc_resource_kind kind);

#endif
