#include "hal/discover.h"

#include <ifaddrs.h>
#include <lxi.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "hal/lxi_quiet_priv.h"

#define LC_LOG_DOMAIN "discover"

static pthread_mutex_t discover_mu = PTHREAD_MUTEX_INITIALIZER;
/* the collector of the running discovery (liblxi callbacks carry no user pointer) */
static lc_discovered *col;
static size_t col_n, col_cap;
static int col_nomem;

static lc_discovered *add(void)
{
	if (col_n == col_cap) {
		size_t cap = col_cap ? col_cap * 2 : 16;
		lc_discovered *p = realloc(col, cap * sizeof(*p));
		if (!p) {
			col_nomem = 1;
			return NULL;
		}
		col = p;
		col_cap = cap;
	}
	lc_discovered *d = &col[col_n++];
	memset(d, 0, sizeof(*d));
	return d;
}

static void on_broadcast(const char *address, const char *interface)
{
	lc_dbg("VXI-11 broadcast to %s on %s", address ? address : "?", interface ? interface : "?");
}

static void on_device(const char *address, const char *id)
{
	lc_discovered *d = add();
	if (!d)
		return;
	d->method = LC_DISCOVER_VXI11;
	snprintf(d->address, sizeof(d->address), "%s", address ? address : "");
	snprintf(d->id, sizeof(d->id), "%s", id ? id : "");
	snprintf(d->service, sizeof(d->service), "vxi-11");
	snprintf(d->resource, sizeof(d->resource), "TCPIP0::%s::inst0::INSTR", d->address);
}

static void on_service(const char *address, const char *id, const char *service, int port)
{
	lc_discovered *d = add();
	if (!d)
		return;
	d->method = LC_DISCOVER_MDNS;
	snprintf(d->address, sizeof(d->address), "%s", address ? address : "");
	snprintf(d->id, sizeof(d->id), "%s", id ? id : "");
	/* liblxi passes the DNS-SD type ("_scpi-raw._tcp" or a short name): keep the bare name */
	const char *s = service ? service : "";
	if (*s == '_')
		s++;
	snprintf(d->service, sizeof(d->service), "%.*s", (int)strcspn(s, "."), s);
	d->port = port;
	const char *host = d->address;
	const char *open = strchr(host, ':') ? "[" : "", *close = strchr(host, ':') ? "]" : "";
	if (strcmp(d->service, "scpi-raw") == 0 && port > 0)
		snprintf(d->resource, sizeof(d->resource), "TCPIP0::%s%s%s::%d::SOCKET", open, host, close, port);
	else if (strcmp(d->service, "vxi-11") == 0 || strcmp(d->service, "lxi") == 0)
		snprintf(d->resource, sizeof(d->resource), "TCPIP0::%s%s%s::inst0::INSTR", open, host, close);
	else if (strcmp(d->service, "hislip") == 0)
		snprintf(d->resource, sizeof(d->resource), "TCPIP0::%s%s%s::hislip0,%d::INSTR", open, host, close,
			 port > 0 ? port : 4880);
}

static void note(lc_diag *diag, const char *what, const char *msg)
{
	if (!msg[0])
		return;
	lc_warn("%s: liblxi: %s", what, msg);
	if (diag) {
		size_t l = strlen(diag->text);
		snprintf(diag->text + l, sizeof(diag->text) - l, "%s%s: %s", l ? "; " : "", what, msg);
	}
}

/* liblxi's lxi_discover walks every IPv4 interface and dereferences ifa_broadaddr without checking it for
 * NULL (getifaddrs may leave it NULL for interfaces without a broadcast or peer address). Ask it per
 * interface instead, only for interfaces that are up and have that address (on Linux, lo has one:
 * 127.0.0.1, which finds simulated instruments whose portmapper is bound there). */
static void vxi11_per_interface(lxi_info_t *info, int timeout_ms, char *scanned, size_t cap, lc_diag *diag)
{
	struct ifaddrs *ifs = NULL;
	char done[32][IF_NAMESIZE];
	int ndone = 0;
	char msg[LC_DIAG_TEXT_MAX];

	if (getifaddrs(&ifs) != 0) {
		note(diag, "VXI-11", "getifaddrs failed");
		return;
	}
	for (struct ifaddrs *i = ifs; i && ndone < 32; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !(i->ifa_flags & IFF_UP) || !i->ifa_broadaddr)
			continue;
		bool seen = false;
		for (int k = 0; k < ndone; k++)
			seen = seen || strcmp(done[k], i->ifa_name) == 0;
		if (seen)
			continue;
		/* every IPv4 entry of this name must have a broadcast address, or liblxi crashes on it */
		bool safe = true;
		for (struct ifaddrs *j = ifs; j; j = j->ifa_next)
			if (j->ifa_addr && j->ifa_addr->sa_family == AF_INET && strcmp(j->ifa_name, i->ifa_name) == 0 &&
			    !j->ifa_broadaddr)
				safe = false;
		if (!safe)
			continue;
		snprintf(done[ndone++], IF_NAMESIZE, "%s", i->ifa_name);
		char b[INET_ADDRSTRLEN] = "";
		inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_broadaddr)->sin_addr, b, sizeof(b));
		if (scanned) {
			size_t l = strlen(scanned);
			snprintf(scanned + l, cap - l, "%s%s (%s)", l ? ", " : "", i->ifa_name, b);
		}
		lc_lxi_capture_begin(msg, sizeof(msg));
		lxi_discover_if(info, i->ifa_name, timeout_ms, DISCOVER_VXI11);
		lc_lxi_capture_end();
		note(diag, "VXI-11", msg);
	}
	freeifaddrs(ifs);
}

int lc_discover_lxi(unsigned methods, int timeout_ms, lc_discovered **found, size_t *count, char *scanned,
		    size_t scanned_cap, lc_diag *diag)
{
	lxi_info_t info = {.broadcast = on_broadcast, .device = on_device, .service = on_service};
	char msg[LC_DIAG_TEXT_MAX];

	if (!found || !count || timeout_ms < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "discover: bad argument");
	*found = NULL;
	*count = 0;
	lc_diag_clear(diag);
	/* liblxi's connect timeout keeps only whole seconds (the rest becomes microseconds): a sub-second
	 * timeout makes every *IDN? of a discovered device fail. */
	timeout_ms = timeout_ms < 1000 ? 1000 : (timeout_ms + 999) / 1000 * 1000;
	lc_lxi_setup();
	pthread_mutex_lock(&discover_mu);
	col = NULL;
	col_n = col_cap = 0;
	col_nomem = 0;
	if (scanned && scanned_cap)
		scanned[0] = '\0';
	if (methods & LC_DISCOVER_VXI11)
		vxi11_per_interface(&info, timeout_ms, scanned, scanned_cap, diag);
	if (methods & LC_DISCOVER_MDNS) {
		lc_lxi_capture_begin(msg, sizeof(msg));
		lxi_discover(&info, timeout_ms, DISCOVER_MDNS);
		lc_lxi_capture_end();
		note(diag, "mDNS", msg);
	}
	lc_discovered *res = col;
	size_t n = col_n;
	int nomem = col_nomem;
	col = NULL;
	col_n = col_cap = 0;
	pthread_mutex_unlock(&discover_mu);
	if (nomem) {
		free(res);
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory while collecting discovered instruments");
	}
	*found = res;
	*count = n;
	return (int)n;
}
