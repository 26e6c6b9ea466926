/*
 * USBTMC / USB488 (USB0::0x1313::0x8078::SERIAL::INSTR) through the narrow USB interface of hal/usb_io.h
 * (libusb-1.0 in production, a device model in the tests). A message-based transport: a reply ends at the
 * EOM bit of its last transfer, which sets *end.
 *
 * Reading: one REQUEST_DEV_DEP_MSG_IN asks for up to REQUEST_MAX bytes; its DEV_DEP_MSG_IN reply carries the
 * header in its first packet only and may span several bulk-IN reads of RX_CAP bytes. Every reply header is
 * checked (MsgID, bTag and its inverse, TransferSize). A transfer that ends with a short packet before
 * TransferSize bytes arrived is LC_ERR_TRUNCATED; a transfer without EOM is followed by another request.
 * A zero-length packet after a transfer that filled the read exactly is the device ending it on a packet
 * boundary and is skipped; an empty first bulk-IN is retried once only for devices with that quirk.
 *
 * Recovery (the reason USBTMC sessions elsewhere stay dead until replugged, hal-anchors §2.2.5): a timeout
 * in the middle of a transfer sends INITIATE_ABORT_BULK_IN / _OUT for that bTag and polls
 * CHECK_ABORT_BULK_*_STATUS (reading out what the device still holds, clearing the bulk-OUT halt), so the
 * next message starts clean; a STALL clears the endpoint halt. Device clear is INITIATE_CLEAR +
 * CHECK_CLEAR_STATUS + clear halt. These use their own ABORT_MS budget per request because they run after
 * the caller's deadline has passed.
 *
 * TermChar is never requested: framing is by EOM (and the SCPI session's terminator/block length), and a
 * TermChar inside a binary block would only split the reply into more transfers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "hal/transport_priv.h"
#include "hal/usb_io.h"
#include "hal/usbtmc_proto.h"

#define LC_LOG_DOMAIN "usbtmc"

#define RX_CAP (64 * 1024)      /* one bulk-IN read; a multiple of every wMaxPacketSize */
#define TX_CAP (64 * 1024)      /* one bulk-OUT transfer, header and padding included */
#define REQUEST_MAX (1u << 20)  /* TransferSize asked for in each REQUEST_DEV_DEP_MSG_IN */
#define ABORT_MS 1000
#define CHECK_POLLS 100

struct usbtmc_priv {
	const lc_usb_backend *b;
	lc_usb_dev *dev;
	lc_usb_tmc_intf info;
	lc_usbtmc_caps caps;
	unsigned quirks;
	uint8_t tag, stb_tag, in_tag;
	bool in_active, in_header, in_eom, empty_retried, zlp_possible;
	uint32_t in_left;       /* payload bytes of the current transfer still to come */
	uint8_t *rx, *tx;
	size_t rx_pos, rx_len;
	bool rx_end;            /* the message ends when rx[rx_len - 1] has been handed out */
	int held_err;           /* a failure met while waiting (usbtmc_wait_readable), for the next read */
	lc_diag held;
};

static unsigned ms_left(int64_t deadline)
{
	if (deadline == INT64_MAX)
		return 0; /* libusb: no limit */
	int left = lc_deadline_left_ms(deadline);
	return left > 0 ? (unsigned)left : 1;
}

static enum lc_usb_status ctrl(struct usbtmc_priv *u, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
			       uint8_t *data, uint16_t len, size_t *done)
{
	return u->b->control(u->dev, type, req, value, index, data, len, done, ABORT_MS);
}

/* Read and drop bulk-IN data until a short packet (what a device still holds after an abort or clear). */
static void drain_bulk_in(struct usbtmc_priv *u)
{
	for (int i = 0; i < CHECK_POLLS; i++) {
		size_t got = 0;
		if (u->b->bulk(u->dev, u->info.ep_bulk_in, u->rx, RX_CAP, &got, ABORT_MS) != LC_USB_OK || got < RX_CAP)
			break;
	}
}

static void reset_in(struct usbtmc_priv *u)
{
	u->in_active = u->in_header = u->in_eom = u->zlp_possible = false;
	u->in_left = 0;
	u->rx_pos = u->rx_len = 0;
	u->rx_end = false;
}

/*
 * INITIATE_ABORT_BULK_IN for the transfer in progress, then CHECK_ABORT_BULK_IN_STATUS until done. Returns
 * whether the device is known to be in step again: SUCCESS followed by a CHECK that is no longer PENDING,
 * or FAILED, which says that no transfer is in progress and the bulk-IN FIFO is empty (nothing to read out;
 * reading would only wait ABORT_MS; Linux drivers/usb/class/usbtmc.c treats it the same way). Anything
 * else (TRANSFER_NOT_IN_PROGRESS: another bTag is in progress or data is queued; a failed request) is not.
 */
static bool abort_in(struct usbtmc_priv *u)
{
	uint8_t r[8];
	size_t got;
	char sn[8];
	uint8_t tag = u->in_tag;
	enum lc_usb_status st = ctrl(u, LC_USBTMC_REQ_TO_ENDPOINT, LC_USBTMC_INITIATE_ABORT_BULK_IN, tag,
				     u->info.ep_bulk_in, r, 2, &got);
	reset_in(u);
	if (st != LC_USB_OK || got < 1) {
		lc_warn("INITIATE_ABORT_BULK_IN: %s", lc_usb_status_name(st));
		return false;
	}
	if (r[0] != LC_USBTMC_STATUS_SUCCESS) {
		lc_dbg("INITIATE_ABORT_BULK_IN: status %s", lc_usbtmc_status_name(r[0], sn));
		return r[0] == LC_USBTMC_STATUS_FAILED;
	}
	drain_bulk_in(u); /* the device ends the aborted transfer with a short packet */
	for (int i = 0; i < CHECK_POLLS; i++) {
		st = ctrl(u, LC_USBTMC_REQ_TO_ENDPOINT, LC_USBTMC_CHECK_ABORT_BULK_IN_STATUS, 0, u->info.ep_bulk_in, r,
			  8, &got);
		if (st != LC_USB_OK || got < 2) {
			lc_warn("CHECK_ABORT_BULK_IN_STATUS: %s", lc_usb_status_name(st));
			return false;
		}
		if (r[1] & 1) /* bmAbortBulkIn.D0: data still queued, read it out */
			drain_bulk_in(u);
		if (r[0] != LC_USBTMC_STATUS_PENDING) {
			lc_dbg("bulk-IN transfer %u aborted: %s", tag, lc_usbtmc_status_name(r[0], sn));
			return r[0] == LC_USBTMC_STATUS_SUCCESS;
		}
		lc_sleep_ms(2);
	}
	lc_warn("CHECK_ABORT_BULK_IN_STATUS still pending after %d polls", CHECK_POLLS);
	return false;
}

/* INITIATE_ABORT_BULK_OUT for transfer tag, CHECK_ABORT_BULK_OUT_STATUS until done, then clear the halt. */
static void abort_out(struct usbtmc_priv *u, uint8_t tag)
{
	uint8_t r[8];
	size_t got;
	enum lc_usb_status st = ctrl(u, LC_USBTMC_REQ_TO_ENDPOINT, LC_USBTMC_INITIATE_ABORT_BULK_OUT, tag,
				     u->info.ep_bulk_out, r, 2, &got);
	if (st == LC_USB_OK && got >= 1 && r[0] == LC_USBTMC_STATUS_SUCCESS) {
		for (int i = 0; i < CHECK_POLLS; i++) {
			st = ctrl(u, LC_USBTMC_REQ_TO_ENDPOINT, LC_USBTMC_CHECK_ABORT_BULK_OUT_STATUS, 0,
				  u->info.ep_bulk_out, r, 8, &got);
			if (st != LC_USB_OK || got < 1 || r[0] != LC_USBTMC_STATUS_PENDING)
				break;
			lc_sleep_ms(2);
		}
	}
	if (u->b->clear_halt(u->dev, u->info.ep_bulk_out) != LC_USB_OK)
		lc_warn("clear halt on bulk-OUT after abort failed");
	lc_dbg("bulk-OUT transfer %u aborted", tag);
}

/* A failed transfer status as an error; on timeout abort the transfer so the device is in step again. */
static int transfer_failed(struct usbtmc_priv *u, enum lc_usb_status st, bool in, uint8_t tag, const char *what,
			   lc_diag *diag)
{
	uint8_t ep = in ? u->info.ep_bulk_in : u->info.ep_bulk_out;
	switch (st) {
	case LC_USB_TIMEOUT:
		if (in)
			abort_in(u);
		else
			abort_out(u, tag);
		return lc_diag_set(diag, LC_ERR_TIMEOUT, "USBTMC %s: deadline passed (transfer %u aborted)", what, tag);
	case LC_USB_STALL:
		reset_in(u);
		if (u->b->clear_halt(u->dev, ep) != LC_USB_OK)
			lc_warn("clear halt on endpoint 0x%02x failed", ep);
		return lc_diag_set(diag, LC_ERR_IO, "USBTMC %s: endpoint 0x%02X stalled (halt cleared)", what, ep);
	case LC_USB_GONE:
		reset_in(u);
		return lc_diag_set(diag, LC_ERR_CLOSED, "USBTMC %s: the device was unplugged", what);
	case LC_USB_OVERFLOW:
		abort_in(u);
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "USBTMC %s: the device sent more than was asked for", what);
	default:
		reset_in(u);
		return lc_diag_set(diag, LC_ERR_IO, "USBTMC %s: %s", what, lc_usb_status_name(st));
	}
}

static int usbtmc_open(void *priv, const lc_resource *res, const lc_transport_opts *opts, int64_t deadline,
		       lc_diag *diag)
{
	struct usbtmc_priv *u = priv;
	const char *model = NULL;
	unsigned extra = 0;
	uint8_t caps[0x18];
	size_t got = 0;
	(void)opts;
	(void)deadline; /* libusb opens and claims without blocking on the device */

	u->b = lc_usb_get_backend();
	u->quirks = lc_usbtmc_quirks(res->vid, res->pid, &model);
	int e = lc_usbtmc_quirks_parse(getenv("LANECERT_USBTMC_QUIRKS"), res->vid, res->pid, &extra, diag);
	if (e < 0) {
		lc_diag_prefix(diag, "LANECERT_USBTMC_QUIRKS: ");
		return e;
	}
	u->quirks |= extra;
	u->rx = malloc(RX_CAP);
	u->tx = malloc(TX_CAP);
	if (!u->rx || !u->tx) {
		e = lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
		goto fail;
	}
	e = u->b->open(u->b->user, res->vid, res->pid, res->serial, res->usb_interface,
		       (u->quirks & LC_USBTMC_Q_RESET_ON_OPEN) != 0, &u->dev, &u->info, diag);
	if (e == LC_ERR_PERMISSION) {
		char why[LC_DIAG_TEXT_MAX];
		snprintf(why, sizeof(why), "%s", diag ? diag->text : "permission denied");
		e = lc_diag_set(diag, e, "%.120s; allow your user with a udev rule (contrib/udev/70-lanecert.rules, "
				"docs/hal.md)", why);
	}
	if (e < 0)
		goto fail;
	if (u->b->control(u->dev, LC_USBTMC_REQ_TO_INTERFACE, LC_USBTMC_GET_CAPABILITIES, 0, u->info.number, caps,
			  sizeof(caps), &got, ABORT_MS) != LC_USB_OK ||
	    lc_usbtmc_parse_caps(caps, got, &u->caps, NULL) < 0) {
		/* some devices stall GET_CAPABILITIES; everything but READ_STATUS_BYTE works without it */
		lc_dbg("GET_CAPABILITIES failed: assuming a plain USBTMC interface");
		memset(&u->caps, 0, sizeof(u->caps));
	}
	u->tag = 0;
	u->stb_tag = 0;
	lc_dbg("%04x:%04x '%s' bus %d address %d interface %u (%s) bulk-OUT 0x%02x bulk-IN 0x%02x interrupt-IN "
	       "0x%02x; capabilities USBTMC %x.%02x intf 0x%02x dev 0x%02x USB488 intf 0x%02x dev 0x%02x; quirks 0x%x%s%s",
	       u->info.vid, u->info.pid, u->info.serial, u->info.bus, u->info.address, u->info.number,
	       u->info.protocol == LC_USBTMC_PROTOCOL_USB488 ? "USB488" : "USBTMC", u->info.ep_bulk_out,
	       u->info.ep_bulk_in, u->info.ep_intr_in, u->caps.bcd_usbtmc >> 8, u->caps.bcd_usbtmc & 0xFF, u->caps.intf,
	       u->caps.dev, u->caps.usb488_intf, u->caps.usb488_dev, u->quirks, model ? " " : "", model ? model : "");
	return 0;
fail:
	free(u->rx);
	free(u->tx);
	u->rx = u->tx = NULL;
	return e;
}

static int usbtmc_clear(void *priv, int64_t deadline, lc_diag *diag);

static int usbtmc_write(void *priv, const uint8_t *buf, size_t len, int64_t deadline, lc_diag *diag)
{
	struct usbtmc_priv *u = priv;
	size_t sent = 0;
	const size_t chunk_max = TX_CAP - LC_USBTMC_HEADER_SIZE;

	if (len > INT32_MAX)
		return lc_diag_set(diag, LC_ERR_ARG, "message of %zu bytes is too long", len);
	u->held_err = 0; /* a failure of the reply this write abandons */
	if (u->in_active || u->rx_pos < u->rx_len) {
		/* a reply was left unread, or a request is still pending (a query the session stopped waiting for
		 * because the instrument refused it): the device would answer our next request with its rest.
		 * When the abort does not end cleanly, a device clear drops whatever the device still holds. */
		bool pending = u->in_active;
		reset_in(u);
		if (pending && !abort_in(u)) {
			lc_diag tmp;
			if (usbtmc_clear(u, lc_deadline_in(ABORT_MS), &tmp) < 0)
				lc_warn("device clear after an unclean abort: %s", tmp.text);
		}
	}
	do {
		size_t n = len - sent > chunk_max ? chunk_max : len - sent;
		bool eom = sent + n == len;
		size_t total = lc_usbtmc_padded_size(n), done = 0;
		if (deadline != INT64_MAX && lc_now_ms() >= deadline)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "USBTMC write: deadline passed (%zu of %zu bytes sent)",
					   sent, len);
		u->tag = lc_usbtmc_next_tag(u->tag);
		lc_usbtmc_build_out(u->tx, u->tag, (uint32_t)n, eom);
		memcpy(u->tx + LC_USBTMC_HEADER_SIZE, buf + sent, n);
		memset(u->tx + LC_USBTMC_HEADER_SIZE + n, 0, total - LC_USBTMC_HEADER_SIZE - n);
		enum lc_usb_status st = u->b->bulk(u->dev, u->info.ep_bulk_out, u->tx, total, &done, ms_left(deadline));
		if (st != LC_USB_OK) {
			int e = transfer_failed(u, st, false, u->tag, "write", diag);
			lc_diag_prefix(diag, "%zu of %zu bytes sent: ", sent, len);
			return e;
		}
		if (done != total)
			return lc_diag_set(diag, LC_ERR_IO, "USBTMC write: the device took %zu of %zu bytes of transfer %u",
					   done, total, u->tag);
		sent += n;
	} while (sent < len);
	lc_spew("sent %zu bytes", len);
	return (int)len;
}

/* Send a REQUEST_DEV_DEP_MSG_IN for the next transfer of the reply. */
static int request_in(struct usbtmc_priv *u, int64_t deadline, lc_diag *diag)
{
	uint8_t hdr[LC_USBTMC_HEADER_SIZE];
	size_t done = 0;
	u->tag = lc_usbtmc_next_tag(u->tag);
	lc_usbtmc_build_request_in(hdr, u->tag, REQUEST_MAX, -1);
	enum lc_usb_status st = u->b->bulk(u->dev, u->info.ep_bulk_out, hdr, sizeof(hdr), &done, ms_left(deadline));
	if (st != LC_USB_OK)
		return transfer_failed(u, st, false, u->tag, "REQUEST_DEV_DEP_MSG_IN", diag);
	if (done != sizeof(hdr))
		return lc_diag_set(diag, LC_ERR_IO, "USBTMC REQUEST_DEV_DEP_MSG_IN: the device took %zu of 12 bytes", done);
	u->in_tag = u->tag;
	u->in_active = true;
	u->in_header = false;
	u->empty_retried = false;
	return 0;
}

/*
 * One bulk-IN read of the current transfer into rx. Returns 0 (rx holds payload, maybe none) or an error.
 * waiting: the read is one slice of a longer wait (usbtmc_wait_readable): a timeout with nothing received
 * leaves the request pending, to be read again, instead of aborting it. That is sound because a bulk-IN
 * read that moved nothing took nothing from the device (an IN token it NAKed changes nothing there);
 * bytes that did move before the timeout are kept as received, never dropped.
 */
static int receive(struct usbtmc_priv *u, int64_t deadline, bool waiting, lc_diag *diag)
{
	size_t got = 0, off = 0;
	enum lc_usb_status st = u->b->bulk(u->dev, u->info.ep_bulk_in, u->rx, RX_CAP, &got, ms_left(deadline));
	bool cut = false;
	if (st == LC_USB_TIMEOUT && waiting) {
		if (got == 0)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "USBTMC: no reply yet to request %u", u->in_tag);
		cut = true; /* whole packets moved before the timeout: the transfer goes on */
	} else if (st != LC_USB_OK) {
		return transfer_failed(u, st, true, u->in_tag, "read", diag);
	}
	bool short_packet = got < RX_CAP && !cut;
	if (!u->in_header) {
		if (got == 0 && u->zlp_possible) {
			u->zlp_possible = false; /* the end of the previous transfer on a packet boundary */
			return 0;
		}
		if (got == 0 && (u->quirks & LC_USBTMC_Q_EMPTY_FIRST_IN) && !u->empty_retried) {
			u->empty_retried = true;
			lc_dbg("empty first bulk-IN (known quirk): reading again");
			return 0;
		}
		uint8_t tag = u->in_tag;
		lc_usbtmc_in_header h;
		int e = lc_usbtmc_parse_in(u->rx, got, u->in_tag, REQUEST_MAX, &h, diag);
		if (e < 0) {
			if (got == 0)
				lc_diag_set(diag, LC_ERR_PROTOCOL, "USBTMC read: empty bulk-IN transfer where the header of "
						   "transfer %u was expected", tag);
			abort_in(u);
			return e;
		}
		u->in_header = true;
		u->in_left = h.size;
		u->in_eom = h.eom;
		u->zlp_possible = false;
		off = LC_USBTMC_HEADER_SIZE;
	}
	size_t take = got - off > u->in_left ? u->in_left : got - off;
	u->in_left -= (uint32_t)take;
	u->rx_pos = off;
	u->rx_len = off + take;
	if (u->in_left > 0 && short_packet) {
		uint32_t left = u->in_left;
		reset_in(u);
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "USBTMC read: transfer %u ended %u bytes short of its TransferSize",
				   u->in_tag, left);
	}
	if (u->in_left == 0) {
		u->in_active = false;
		u->zlp_possible = !short_packet;
		u->rx_end = u->in_eom;
	}
	return 0;
}

static int usbtmc_read(void *priv, uint8_t *buf, size_t cap, bool *end, int64_t deadline, lc_diag *diag)
{
	struct usbtmc_priv *u = priv;
	*end = false;
	if (u->held_err < 0) {
		int e = u->held_err;
		u->held_err = 0;
		if (diag)
			*diag = u->held;
		return e;
	}
	while (u->rx_pos == u->rx_len) {
		if (!u->in_active && u->rx_end) {
			u->rx_end = false; /* an EOM transfer without payload: nothing to mark the end on */
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "USBTMC read: the device ended the message with an "
					   "empty transfer");
		}
		if (deadline != INT64_MAX && lc_now_ms() >= deadline) {
			if (u->in_active)
				abort_in(u);
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "USBTMC read: deadline passed");
		}
		int e = u->in_active ? receive(u, deadline, false, diag) : request_in(u, deadline, diag);
		if (e < 0)
			return e;
	}
	size_t n = u->rx_len - u->rx_pos;
	if (n > cap)
		n = cap;
	if (n > INT32_MAX)
		n = INT32_MAX;
	memcpy(buf, u->rx + u->rx_pos, n);
	u->rx_pos += n;
	if (u->rx_pos == u->rx_len && !u->in_active && u->rx_end) {
		*end = true;
		u->rx_end = false;
	}
	lc_spew("received %zu bytes%s", n, *end ? " (EOM)" : "");
	return (int)n;
}

static int usbtmc_clear(void *priv, int64_t deadline, lc_diag *diag)
{
	struct usbtmc_priv *u = priv;
	uint8_t r[2];
	size_t got = 0;
	char sn[8];

	reset_in(u);
	enum lc_usb_status st = ctrl(u, LC_USBTMC_REQ_TO_INTERFACE, LC_USBTMC_INITIATE_CLEAR, 0, u->info.number, r, 1,
				     &got);
	if (st != LC_USB_OK || got < 1)
		return lc_diag_set(diag, st == LC_USB_GONE ? LC_ERR_CLOSED : LC_ERR_IO, "USBTMC INITIATE_CLEAR: %s",
				   st == LC_USB_OK ? "no status byte" : lc_usb_status_name(st));
	if (r[0] != LC_USBTMC_STATUS_SUCCESS)
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "USBTMC INITIATE_CLEAR: status %s",
				   lc_usbtmc_status_name(r[0], sn));
	for (;;) {
		st = ctrl(u, LC_USBTMC_REQ_TO_INTERFACE, LC_USBTMC_CHECK_CLEAR_STATUS, 0, u->info.number, r, 2, &got);
		if (st != LC_USB_OK || got < 2)
			return lc_diag_set(diag, LC_ERR_IO, "USBTMC CHECK_CLEAR_STATUS: %s",
					   st == LC_USB_OK ? "short reply" : lc_usb_status_name(st));
		if (r[1] & 1) /* bmClear.D0: the bulk-IN FIFO still holds data */
			drain_bulk_in(u);
		if (r[0] == LC_USBTMC_STATUS_SUCCESS)
			break;
		if (r[0] != LC_USBTMC_STATUS_PENDING)
			return lc_diag_set(diag, LC_ERR_INSTRUMENT, "USBTMC CHECK_CLEAR_STATUS: status %s",
					   lc_usbtmc_status_name(r[0], sn));
		if (deadline != INT64_MAX && lc_now_ms() >= deadline)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "USBTMC device clear still pending at the deadline");
		lc_sleep_ms(2);
	}
	/* USBTMC 4.2.1.7: the host clears the bulk-OUT halt after a clear */
	if ((st = u->b->clear_halt(u->dev, u->info.ep_bulk_out)) != LC_USB_OK)
		return lc_diag_set(diag, LC_ERR_IO, "USBTMC clear: clearing the bulk-OUT halt: %s", lc_usb_status_name(st));
	lc_dbg("device clear done");
	return 0;
}

static int usbtmc_read_stb(void *priv, uint8_t *stb, int64_t deadline, lc_diag *diag)
{
	struct usbtmc_priv *u = priv;
	uint8_t r[3], irq[8];
	size_t got = 0;
	char sn[8];

	if (u->info.protocol != LC_USBTMC_PROTOCOL_USB488)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "USBTMC: READ_STATUS_BYTE needs a USB488 interface "
				   "(this one has protocol %u): query *STB? instead", u->info.protocol);
	u->stb_tag = lc_usbtmc_next_stb_tag(u->stb_tag);
	enum lc_usb_status st = u->b->control(u->dev, LC_USBTMC_REQ_TO_INTERFACE, LC_USB488_READ_STATUS_BYTE,
					      u->stb_tag, u->info.number, r, 3, &got, ms_left(deadline));
	if (st != LC_USB_OK || got < 3)
		return lc_diag_set(diag, st == LC_USB_TIMEOUT ? LC_ERR_TIMEOUT : LC_ERR_IO, "USB488 READ_STATUS_BYTE: %s",
				   st == LC_USB_OK ? "short reply" : lc_usb_status_name(st));
	if (r[0] != LC_USBTMC_STATUS_SUCCESS)
		return lc_diag_set(diag, LC_ERR_INSTRUMENT, "USB488 READ_STATUS_BYTE: status %s",
				   lc_usbtmc_status_name(r[0], sn));
	if (r[1] != u->stb_tag)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "USB488 READ_STATUS_BYTE: bTag %u in the reply, sent %u", r[1],
				   u->stb_tag);
	if (!u->info.ep_intr_in) {
		*stb = r[2];
		return 0;
	}
	/* With an interrupt-IN endpoint the status byte comes there as [0x80 | bTag][STB] (USB488 3.4.2);
	 * skip notifications left over from requests that timed out. */
	for (int i = 0; i < 8; i++) {
		st = u->b->interrupt(u->dev, u->info.ep_intr_in, irq, sizeof(irq), &got, ms_left(deadline));
		if (st != LC_USB_OK)
			return lc_diag_set(diag, st == LC_USB_TIMEOUT ? LC_ERR_TIMEOUT : LC_ERR_IO,
					   "USB488 status byte on interrupt-IN: %s", lc_usb_status_name(st));
		if (got >= 2 && irq[0] == (0x80 | u->stb_tag)) {
			*stb = irq[1];
			return 0;
		}
		lc_dbg("interrupt-IN notification 0x%02x ignored (waiting for bTag %u)", got ? irq[0] : 0, u->stb_tag);
	}
	return lc_diag_set(diag, LC_ERR_PROTOCOL, "USB488 READ_STATUS_BYTE: no interrupt-IN notification for bTag %u",
			   u->stb_tag);
}

/*
 * Wait until reply bytes are there to read, without handing them out (the SCPI session watches the status
 * byte meanwhile, hal/scpi_refusal.c): sends the REQUEST_DEV_DEP_MSG_IN the read would send and reads
 * bulk-IN until the deadline; what arrives stays in rx for usbtmc_read. LC_ERR_TIMEOUT at the deadline with
 * the request still pending (the next read or wait goes on reading it; a write aborts it first).
 */
static int usbtmc_wait_readable(void *priv, int64_t deadline, lc_diag *diag)
{
	struct usbtmc_priv *u = priv;
	while (u->rx_pos == u->rx_len) {
		if (!u->in_active && u->rx_end)
			return 1; /* the read reports the empty EOM transfer */
		if (deadline != INT64_MAX && lc_now_ms() >= deadline)
			return lc_diag_set(diag, LC_ERR_TIMEOUT, "USBTMC: no reply yet");
		int e = u->in_active ? receive(u, deadline, true, diag) : request_in(u, deadline, diag);
		if (e == LC_ERR_TIMEOUT && u->in_active)
			return e;
		if (e < 0) {
			/* handled here (transfer aborted, halt cleared): the read that follows reports it */
			u->held_err = e;
			lc_diag_set(&u->held, e, "%s", diag ? diag->text : "USBTMC read failed");
			return 1;
		}
	}
	return 1;
}

static void usbtmc_close(void *priv)
{
	struct usbtmc_priv *u = priv;
	if (u->dev) {
		if (u->in_active)
			abort_in(u); /* leave the device ready for the next session */
		u->b->close(u->dev);
	}
	u->dev = NULL;
	free(u->rx);
	free(u->tx);
	u->rx = u->tx = NULL;
}

const lc_transport_ops lc_transport_usbtmc_ops = {
	.name = "usbtmc-libusb",
	.kind = LC_RES_USBTMC,
	.marks_end = true,
	.priv_size = sizeof(struct usbtmc_priv),
	.open = usbtmc_open,
	.write = usbtmc_write,
	.read = usbtmc_read,
	.clear = usbtmc_clear,
	.read_stb = usbtmc_read_stb,
	.close = usbtmc_close,
	.drain = NULL, /* device clear drops a pending reply */
	.wait_readable = usbtmc_wait_readable,
	.stb_before_query = true,
};
