/*
 * libFuzzer target: the USBTMC wire parsers and the transport's reply reading.
 *
 * The first byte picks what the rest is:
 *   0  a bulk-IN header (byte 1 the expected bTag, bytes 2..5 the requested size): a header that parses
 *      describes exactly the bytes given (rebuilt and compared); a failure is LC_ERR_PROTOCOL with a detail.
 *   1  a GET_CAPABILITIES reply.
 *   2  a quirks spec string (LANECERT_USBTMC_QUIRKS).
 *   3  a device's bulk-IN traffic, as [u16 LE length][bytes] records, answering *IDN? through a whole SCPI
 *      session: whatever the device sends, the query returns a reply or a negative code, never crashes,
 *      and never returns more bytes than the records carried. Its USB488 READ_STATUS_BYTE replies carry
 *      bTag 0, which the transport refuses: the session's status watch is skipped (fast inputs).
 *   4  the same session with the status replies a USB488 device gives: the request's bTag echoed, the
 *      status byte the next byte of the same stream (0 once it is used up). The session then watches the
 *      status byte while it waits for a reply (hal/scpi_refusal.c: EAV before the query, EAV without MAV
 *      during the wait, then the error queue through SYST:ERR?), USBTMC's wait path. That wait is wall
 *      time, so these sessions have a 300 ms timeout: a silent device costs about 0.1 s per query.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hal/scpi.h"
#include "hal/usb_io.h"
#include "hal/usbtmc_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct lc_usb_dev {
	const uint8_t *p;
	size_t left;
	uint8_t tag; /* bTag of the last request, so some records can answer it correctly */
	bool usb488_status; /* READ_STATUS_BYTE answered as a device does (mode 4), else with bTag 0 */
};

static struct lc_usb_dev fdev;

static int f_open(void *user, uint16_t vid, uint16_t pid, const char *serial, unsigned intf, bool reset,
		  lc_usb_dev **dev, lc_usb_tmc_intf *info, lc_diag *diag)
{
	(void)user, (void)serial, (void)intf, (void)reset, (void)diag;
	memset(info, 0, sizeof(*info));
	info->vid = vid;
	info->pid = pid;
	info->protocol = 1;
	info->ep_bulk_out = 0x02;
	info->ep_bulk_in = 0x81;
	info->max_packet_in = info->max_packet_out = 512;
	*dev = &fdev;
	return 0;
}

static enum lc_usb_status f_bulk(lc_usb_dev *d, uint8_t ep, uint8_t *buf, size_t len, size_t *done, unsigned t)
{
	(void)t;
	*done = 0;
	if (!(ep & 0x80)) {
		if (len >= 12 && buf[0] == 2)
			d->tag = buf[1];
		*done = len;
		return LC_USB_OK;
	}
	if (d->left < 2)
		return LC_USB_TIMEOUT;
	size_t n = (size_t)d->p[0] | (size_t)d->p[1] << 8;
	d->p += 2;
	d->left -= 2;
	if (n > d->left)
		n = d->left;
	if (n > len)
		n = len;
	memcpy(buf, d->p, n);
	/* a record starting with 0xA5 0x5A gets the right bTag, so parsing goes past the header check */
	if (n >= 12 && buf[0] == 0xA5 && buf[1] == 0x5A) {
		buf[0] = 2;
		buf[1] = d->tag;
		buf[2] = (uint8_t)~d->tag;
		buf[3] = 0;
	}
	d->p += n;
	d->left -= n;
	*done = n;
	return LC_USB_OK;
}

static enum lc_usb_status f_control(lc_usb_dev *d, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
				    uint8_t *buf, uint16_t len, size_t *done, unsigned t)
{
	(void)type, (void)index, (void)t;
	memset(buf, 0, len);
	buf[0] = req == LC_USBTMC_GET_CAPABILITIES ? 0x80 : LC_USBTMC_STATUS_SUCCESS;
	if (d->usb488_status && req == LC_USB488_READ_STATUS_BYTE && len >= 3) {
		buf[1] = (uint8_t)value; /* wValue is the request's bTag, echoed in the reply (USB488 4.3.1.1) */
		if (d->left > 0) {
			buf[2] = d->p[0];
			d->p++;
			d->left--;
		}
	}
	*done = len;
	return LC_USB_OK;
}

static enum lc_usb_status f_interrupt(lc_usb_dev *d, uint8_t ep, uint8_t *buf, size_t len, size_t *done, unsigned t)
{
	(void)d, (void)ep, (void)buf, (void)len, (void)t;
	*done = 0;
	return LC_USB_TIMEOUT;
}

static enum lc_usb_status f_clear_halt(lc_usb_dev *d, uint8_t ep)
{
	(void)d, (void)ep;
	return LC_USB_OK;
}

static void f_close(lc_usb_dev *d)
{
	(void)d;
}

static const lc_usb_backend fuzz_backend = {.name = "fuzz", .open = f_open, .bulk = f_bulk,
					    .interrupt = f_interrupt, .control = f_control,
					    .clear_halt = f_clear_halt, .close = f_close};

static void header(const uint8_t *p, size_t n)
{
	lc_usbtmc_in_header h;
	lc_diag d;
	if (n < 6)
		return;
	uint8_t tag = p[0];
	uint32_t max = (uint32_t)p[1] | (uint32_t)p[2] << 8 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 24;
	int e = lc_usbtmc_parse_in(p + 5, n - 5, tag, max, &h, &d);
	if (e != 0) {
		if (e != LC_ERR_PROTOCOL || !d.text[0])
			abort();
		return;
	}
	if (h.tag != tag || h.size > max || p[5] != LC_USBTMC_DEV_DEP_MSG_IN || p[5 + 2] != (uint8_t)~tag)
		abort();
	uint8_t out[12];
	lc_usbtmc_build_out(out, h.tag, h.size, h.eom);
	if (memcmp(out + 4, p + 5 + 4, 4) != 0 || h.eom != ((p[5 + 8] & 1) != 0))
		abort();
}

static void session(const uint8_t *p, size_t n, bool usb488_status)
{
	lc_scpi *s = NULL;
	lc_scpi_options o;
	char buf[256];
	fdev.p = p;
	fdev.left = n;
	fdev.tag = 0;
	fdev.usb488_status = usb488_status;
	lc_usb_set_backend(&fuzz_backend);
	lc_scpi_options_init(&o);
	o.timeout_ms = usb488_status ? 300 : 1000;
	if (lc_scpi_open("USB0::0x1313::0x8078::F::INSTR", &o, &s, NULL) != 0)
		abort();
	for (int i = 0; i < 3; i++) {
		int r = lc_scpi_query(s, "*IDN?", buf, sizeof(buf));
		if (r >= 0 && ((size_t)r >= sizeof(buf) || (size_t)r > n))
			abort();
	}
	lc_scpi_close(s);
	lc_usb_set_backend(NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] % 5) {
	case 0:
		header(p, n);
		break;
	case 1: {
		lc_usbtmc_caps c;
		lc_diag d;
		int e = lc_usbtmc_parse_caps(p, n, &c, &d);
		if (e != 0 && (e != LC_ERR_PROTOCOL || !d.text[0]))
			abort();
		break;
	}
	case 2: {
		char *s = malloc(n + 1);
		unsigned f;
		lc_diag d;
		if (!s)
			return 0;
		memcpy(s, p, n);
		s[n] = '\0';
		int e = lc_usbtmc_quirks_parse(s, 0x1AB1, 0x04CE, &f, &d);
		if (e != 0 && (e != LC_ERR_ARG || !d.text[0]))
			abort();
		if (e == 0 && (f & ~(unsigned)(LC_USBTMC_Q_EMPTY_FIRST_IN | LC_USBTMC_Q_RESET_ON_OPEN)))
			abort();
		free(s);
		break;
	}
	case 3:
		session(p, n, false);
		break;
	default:
		session(p, n, true);
	}
	return 0;
}
