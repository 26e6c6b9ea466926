/*
 * Discovery of LXI instruments through liblxi: VXI-11 (an RPC GETPORT broadcast on every IPv4 interface,
 * then *IDN? over VXI-11) and mDNS/DNS-SD through Avahi (_lxi, _vxi-11, _scpi-raw, _scpi-telnet, _hislip).
 * Discovery is a convenience: networks that drop broadcasts or run no Avahi find nothing, so stations must
 * also work from a static list of resource strings. USB and serial enumeration: hal/discover_local.h.
 *
 * Thread safety: liblxi reports results through callbacks without a user pointer, so discoveries are
 * serialised by a process-wide mutex; call from any thread.
 */
#ifndef LC_HAL_DISCOVER_H
#define LC_HAL_DISCOVER_H

#include <stddef.h>

#include "base/error.h"
#include "hal/resource.h"

enum lc_discover_method { LC_DISCOVER_VXI11 = 1, LC_DISCOVER_MDNS = 2 };

typedef struct lc_discovered {
	enum lc_discover_method method;
	char address[64];             /* IP address as liblxi reported it */
	char resource[LC_RESOURCE_MAX]; /* a resource string to open it with, "" if the service has none */
	char service[32];             /* mDNS service type ("scpi-raw", "lxi", ...); "vxi-11" for broadcasts */
	int port;                     /* mDNS: the service's port; VXI-11: 0 */
	char id[256];                 /* VXI-11: the *IDN? reply; mDNS: the service instance name */
} lc_discovered;

/*
 * Run the methods given (a mask of lc_discover_method) for about timeout_ms each (rounded up to whole
 * seconds: liblxi's connect keeps only whole seconds) (liblxi waits
 * timeout_ms per interface and per answering host). *found is malloc'ed (caller frees), *count entries.
 * scanned (may be NULL) receives the interfaces broadcast to, "eth0 (10.0.0.255), ...": only interfaces that
 * are up and have an IPv4 broadcast address (liblxi dereferences it unchecked). Returns the count. Problems liblxi reported (no Avahi daemon, socket errors) are logged at warning level
 * and collected in diag->text when diag is given, without failing the call.
 */
int lc_discover_lxi(unsigned methods, int timeout_ms, lc_discovered **found, size_t *count, char *scanned,
		    size_t scanned_cap, lc_diag *diag);

#endif
