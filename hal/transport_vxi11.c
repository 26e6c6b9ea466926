/*
 * VXI-11 (TCPIP::host[::inst0]::INSTR) through liblxi 1.18, with its defects kept behind this file:
 *
 *  - Blocking connect: liblxi runs clnt_create in a thread and joins it with a timeout computed wrongly
 *    (milliseconds * 1000 as nanoseconds, never normalised: sub-second parts are lost and a join can fail
 *    with EINVAL), then pthread_cancel()s a thread that still uses the caller's stack. So we first probe
 *    the instrument ourselves without blocking, under our deadline (portmapper GETPORT, create_link and
 *    destroy_link: vxi11_probe.c), and then run lxi_connect in a helper thread with a whole-second
 *    timeout; if our deadline passes first we return LC_ERR_TIMEOUT and the helper finishes alone (it
 *    disconnects a link that arrives too late). lxi_connect holds liblxi's global session lock while it
 *    runs, so a connect stuck inside liblxi also delays other VXI-11 opens and closes of the process (at
 *    most by the timeout we gave it).
 *  - One error code for everything: a failed lxi_send/lxi_receive is LC_ERR_TIMEOUT when our deadline has
 *    passed, else LC_ERR_IO with liblxi's own message as the detail.
 *  - Printing: see lxi_quiet_priv.h.
 *  - Oversized sends: liblxi sends a message in one device_write with END set and never reads the link's
 *    maxRecvSize, so a message cannot be split into several writes. Our probe (vxi11_probe.c) learns
 *    maxRecvSize from a create_link of its own; longer messages (or longer than opts->vxi11_max_send when
 *    set lower) are refused with LC_ERR_OVERFLOW, and an instrument that accepts fewer bytes than sent
 *    is LC_ERR_TRUNCATED (liblxi drops the device_write error and returns the size accepted).
 *  - Silent truncation on receive: lxi_receive stops when the buffer is full and does not say whether the
 *    END reason came with it. A read that fills the buffer is therefore never reported as a message end;
 *    the session reads on (its framer knows when the reply is complete). A shorter read ended with END.
 *  - No device_clear / device_readstb in liblxi's API: clear and read_stb are absent (the session falls
 *    back to *STB? and to draining a pending reply with zero-timeout reads).
 *
 * liblxi's RPC stubs wait up to 25 s for an RPC reply whatever io_timeout says; a server that accepts the
 * call and then never answers can hold a call that long (documented residual, cannot be fixed outside
 * liblxi).
 */
#include <errno.h>
#include <limits.h>
#include <lxi.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/lxi_quiet_priv.h"
#include "hal/net_priv.h"
#include "hal/vxi11_probe_priv.h"
#include "hal/transport_priv.h"

#define LC_LOG_DOMAIN "vxi11"

struct vxi11_priv {
	int dev;
	size_t max_send;
	uint32_t max_recv_size; /* the link's, from our probe */
};

/* Shared between an open and its helper thread; whoever finishes last frees it. */
struct connect_job {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool done, abandoned;
	int dev;
	char host[256];
	char name[64];
	int timeout_ms;
	char lxi_msg[256];
};

static void job_free(struct connect_job *j)
{
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}

static void *connect_thread(void *arg)
{
	struct connect_job *j = arg;
	char msg[256];

	lc_lxi_capture_begin(msg, sizeof(msg));
	int dev = lxi_connect(j->host, 0, j->name, j->timeout_ms, VXI11);
	lc_lxi_capture_end();
	pthread_mutex_lock(&j->mu);
	j->dev = dev;
	j->done = true;
	snprintf(j->lxi_msg, sizeof(j->lxi_msg), "%s", msg);
	bool abandoned = j->abandoned;
	pthread_cond_signal(&j->cv);
	pthread_mutex_unlock(&j->mu);
	if (abandoned) {
		if (dev >= 0)
			lxi_disconnect(dev);
		job_free(j);
	}
	return NULL;
}

static int wait_job(struct connect_job *j, int64_t deadline)
{
	struct timespec ts;
	int rc = 0;
	while (!j->done && rc == 0) {
		if (deadline == INT64_MAX) {
			pthread_cond_wait(&j->cv, &j->mu);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &ts);
		int left = lc_deadline_left_ms(deadline);
		ts.tv_sec += left / 1000;
		ts.tv_nsec += (long)(left % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		rc = pthread_cond_timedwait(&j->cv, &j->mu, &ts);
		if (rc == EINTR)
			rc = 0;
	}
	return j->done;
}

static int vxi11_open(void *priv, const lc_resource *res, const lc_transport_opts *opts, int64_t deadline,
		      lc_diag *diag)
{
	struct vxi11_priv *v = priv;
	pthread_condattr_t ca;
	pthread_t th;

	v->dev = -1;
	lc_lxi_setup();
	/* liblxi's connect cannot be bounded reliably: first make sure, on our own sockets and under our
	 * deadline, that the portmapper and the core channel answer and the device exists; the same probe
	 * tells the link's maxRecvSize, which liblxi keeps to itself. */
	lc_vxi11_probe_result probe;
	const char *dev_name = res->lan_name[0] ? res->lan_name : "inst0";
	int e = lc_vxi11_probe(res->host, dev_name, deadline, &probe, diag);
	if (e < 0) {
		lc_diag_prefix(diag, "%s: ", res->host);
		return e;
	}
	v->max_recv_size = probe.max_recv_size;
	v->max_send = probe.max_recv_size;
	if (probe.max_recv_size < 1024) /* VXI-11 requires at least 1024; respect what it says anyway */
		lc_warn("%s: VXI-11 maxRecvSize %u is below the minimum of 1024", res->host, probe.max_recv_size);
	if (opts->vxi11_max_send && opts->vxi11_max_send < v->max_send)
		v->max_send = opts->vxi11_max_send;

	struct connect_job *j = calloc(1, sizeof(*j));
	if (!j)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	pthread_mutex_init(&j->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&j->cv, &ca);
	pthread_condattr_destroy(&ca);
	snprintf(j->host, sizeof(j->host), "%s", res->host);
	snprintf(j->name, sizeof(j->name), "%s", res->lan_name[0] ? res->lan_name : "inst0");
	/* whole seconds: liblxi turns the sub-second part into microseconds instead of nanoseconds */
	int left = lc_deadline_left_ms(deadline);
	int secs = left >= INT_MAX - 2000 ? 3600 : (left + 999) / 1000 + 1;
	j->timeout_ms = secs * 1000;
	j->dev = -1;
	if (pthread_create(&th, NULL, connect_thread, j) != 0) {
		job_free(j);
		return lc_diag_set(diag, LC_ERR_NOMEM, "cannot start the VXI-11 connect thread");
	}
	pthread_detach(th);
	pthread_mutex_lock(&j->mu);
	bool done = wait_job(j, deadline);
	if (!done) {
		j->abandoned = true;
		pthread_mutex_unlock(&j->mu);
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "%s: VXI-11 create_link did not complete before the deadline",
				   res->host);
	}
	pthread_mutex_unlock(&j->mu);
	v->dev = j->dev;
	if (v->dev < 0) {
		e = lc_diag_set(diag, lc_now_ms() >= deadline ? LC_ERR_TIMEOUT : LC_ERR_IO,
				"%s: VXI-11 link to '%s' failed (no core channel or link refused)%s%s", res->host, j->name,
				j->lxi_msg[0] ? ": liblxi: " : "", j->lxi_msg);
		job_free(j);
		return e;
	}
	job_free(j);
	lc_dbg("linked to %s device %s (maxRecvSize %u, core port %u)", res->host, dev_name, probe.max_recv_size,
	       probe.core_port);
	return 0;
}

/* liblxi reports one LXI_ERROR for everything: decide by our own clock. */
static int lxi_failure(const char *op, const char *msg, int64_t deadline, lc_diag *diag)
{
	if (lc_now_ms() >= deadline)
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "VXI-11 %s: deadline passed%s%s%s", op,
				   msg[0] ? " (liblxi: " : "", msg, msg[0] ? ")" : "");
	return lc_diag_set(diag, LC_ERR_IO, "VXI-11 %s failed%s%s", op, msg[0] ? ": liblxi: " : "", msg);
}

static int timeout_arg(int64_t deadline)
{
	return lc_deadline_left_ms(deadline);
}

static int vxi11_write(void *priv, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag)
{
	struct vxi11_priv *v = priv;
	char msg[256];

	if (len > v->max_send || len > INT_MAX)
		return lc_diag_set(diag, LC_ERR_OVERFLOW,
				   "VXI-11 message of %zu bytes exceeds the %zu bytes one device_write may carry "
				   "(link maxRecvSize %u, vxi11_max_send cap; liblxi cannot split a message)",
				   len, v->max_send, v->max_recv_size);
	int t = timeout_arg(deadline);
	if (t <= 0)
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "VXI-11 write: deadline passed");
	lc_lxi_capture_begin(msg, sizeof(msg));
	int n = lxi_send(v->dev, (const char *)buf, (int)len, t);
	lc_lxi_capture_end();
	if (n < 0)
		return lxi_failure("device_write", msg, deadline, diag);
	if ((size_t)n != len)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "VXI-11 device_write: instrument accepted %d of %zu bytes", n,
				   len);
	return (int)len;
}

static int vxi11_read(void *priv, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag)
{
	struct vxi11_priv *v = priv;
	char msg[256];

	*end = false;
	if (cap > INT_MAX)
		cap = INT_MAX;
	int t = timeout_arg(deadline);
	if (t <= 0)
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "VXI-11 read: deadline passed");
	lc_lxi_capture_begin(msg, sizeof(msg));
	int n = lxi_receive(v->dev, (char *)buf, (int)cap, t);
	lc_lxi_capture_end();
	if (n < 0)
		return lxi_failure("device_read", msg, deadline, diag);
	if (n == 0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "VXI-11 device_read returned no data");
	/* a short read ended on END (liblxi sets no TERMCHAR); a full buffer says nothing */
	*end = (size_t)n < cap;
	return n;
}

static int vxi11_drain(void *priv)
{
	struct vxi11_priv *v = priv;
	char msg[256];
	char junk[4096];
	int dropped = 0;

	/* Fetch and drop a reply still pending in the instrument (zero io_timeout: the server answers at once). */
	for (int i = 0; i < 64; i++) {
		lc_lxi_capture_begin(msg, sizeof(msg));
		int n = lxi_receive(v->dev, junk, (int)sizeof(junk), 0);
		lc_lxi_capture_end();
		if (n <= 0)
			break;
		dropped += n;
		if ((size_t)n < sizeof(junk))
			break;
	}
	return dropped;
}

static void vxi11_close(void *priv)
{
	struct vxi11_priv *v = priv;
	char msg[256];
	if (v->dev >= 0) {
		lc_lxi_capture_begin(msg, sizeof(msg));
		lxi_disconnect(v->dev);
		lc_lxi_capture_end();
	}
	v->dev = -1;
}

const lc_transport_ops lc_transport_vxi11_ops = {
	.name = "vxi11-liblxi",
	.kind = LC_RES_TCPIP_VXI11,
	.marks_end = true,
	.priv_size = sizeof(struct vxi11_priv),
	.open = vxi11_open,
	.write = vxi11_write,
	.read = vxi11_read,
	.clear = NULL,    /* liblxi has no device_clear */
	.read_stb = NULL, /* nor device_readstb */
	.close = vxi11_close,
	.drain = vxi11_drain,
};
