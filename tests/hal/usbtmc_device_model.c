/* A USBTMC/USB488 device model behind hal/usb_io.h (see usbtmc_device_model.h). */
#include "tests/hal/usbtmc_device_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "hal/usbtmc_proto.h"

#define EP_OUT 0x02
#define EP_IN 0x81
#define EP_IRQ 0x83
#define Q_CAP (4u << 20)
#define CMD_CAP (1u << 20)
#define WAIT_CAP_MS 10000

struct lc_usb_dev {
	lc_usbtmc_model *m;
};

static void queue(lc_usbtmc_model *m, const void *p, size_t n)
{
	if (m->q_pos == m->q_len)
		m->q_pos = m->q_len = 0;
	if (m->q_len + n > Q_CAP)
		return;
	memcpy(m->q + m->q_len, p, n);
	m->q_len += n;
}

static void push_error(lc_usbtmc_model *m, int code)
{
	if (m->errq_n < (int)(sizeof(m->errq) / sizeof(m->errq[0])))
		m->errq[m->errq_n++] = code;
}

static const char *error_text(int code)
{
	switch (code) {
	case -113:
		return "Undefined header";
	case -222:
		return "Data out of range";
	case -410:
		return "Query INTERRUPTED";
	default:
		return "Device-specific error";
	}
}

/* A made reply waits to be read (MAV). */
static bool reply_made(const lc_usbtmc_model *m)
{
	return m->xfer_active || (m->q_pos < m->q_len && lc_now_ms() >= m->ready_at);
}

static uint8_t status_byte(const lc_usbtmc_model *m)
{
	return (uint8_t)(m->stb | (m->errq_n ? 0x04 : 0) | (reply_made(m) ? 0x10 : 0));
}

static void command(lc_usbtmc_model *m)
{
	char line[256];
	if (m->q_pos < m->q_len && !m->xfer_active) {
		/* IEEE 488.2: a new message discards an unread reply */
		m->q_pos = m->q_len = 0;
		m->interrupted++;
		push_error(m, -410);
	}
	m->ready_at = 0;
	m->last_message_len = m->cmd_len;
	size_t n = m->cmd_len < sizeof(line) - 1 ? m->cmd_len : sizeof(line) - 1;
	memcpy(line, m->cmd, n);
	line[n] = '\0';
	m->cmd_len = 0;
	if (n && line[n - 1] == '\n')
		line[--n] = '\0';
	snprintf(m->last_command, sizeof(m->last_command), "%s", line);
	char out[512];
	if (strcmp(line, "*IDN?") == 0) {
		int k = snprintf(out, sizeof(out), "LANECERT,USBTMC-MODEL,%s,1.0\n", m->serial);
		queue(m, out, (size_t)k);
	} else if (strncmp(line, "ECHO? ", 6) == 0) {
		int k = snprintf(out, sizeof(out), "%s\n", line + 6);
		queue(m, out, (size_t)k);
	} else if (strcmp(line, "*STB?") == 0) {
		int k = snprintf(out, sizeof(out), "%u\n", m->stb);
		queue(m, out, (size_t)k);
	} else if (strncmp(line, "BLOCK? ", 7) == 0) {
		size_t len = strtoul(line + 7, NULL, 10);
		char len_s[24];
		int d = snprintf(len_s, sizeof(len_s), "%zu", len);
		int k = snprintf(out, sizeof(out), "#%d%s", d, len_s);
		queue(m, out, (size_t)k);
		for (size_t i = 0; i < len; i++) {
			uint8_t b = (uint8_t)(i % 256);
			queue(m, &b, 1);
		}
		queue(m, "\n", 1);
	} else if (strncmp(line, "SLOW? ", 6) == 0) {
		char *rest = NULL;
		long ms = strtol(line + 6, &rest, 10);
		int k = snprintf(out, sizeof(out), "%s\n", rest && *rest == ' ' ? rest + 1 : "");
		queue(m, out, (size_t)k);
		m->ready_at = lc_now_ms() + ms;
	} else if (strcmp(line, "SYST:ERR?") == 0) {
		int code = 0;
		if (m->errq_n > 0) {
			code = m->errq[0];
			memmove(m->errq, m->errq + 1, (size_t)(m->errq_n - 1) * sizeof(m->errq[0]));
			m->errq_n--;
		}
		int k = snprintf(out, sizeof(out), "%d,\"%s\"\n", code, code ? error_text(code) : "No error");
		queue(m, out, (size_t)k);
	} else if (strncmp(line, "ERR ", 4) == 0) {
		push_error(m, atoi(line + 4));
	} else if (strcmp(line, "HANG?") != 0 && strchr(line, '?')) {
		push_error(m, -113); /* an unknown query: dropped, no reply */
	}
}

/* Check the header of a host transfer: bTag sequence (never 0), inverse, padding. */
static bool check_out(lc_usbtmc_model *m, const uint8_t *buf, size_t len)
{
	if (len < LC_USBTMC_HEADER_SIZE || len % 4 != 0) {
		m->pad_errors++;
		return false;
	}
	uint8_t tag = buf[1];
	if (tag == 0 || (uint8_t)(buf[1] ^ buf[2]) != 0xFF || buf[3] != 0)
		m->tag_errors++;
	if (m->last_tag && tag != lc_usbtmc_next_tag(m->last_tag))
		m->tag_errors++;
	if (m->last_tag == 255 && tag == 1)
		m->tag_wraps++;
	m->last_tag = tag;
	return true;
}

static enum lc_usb_status bulk_out(lc_usbtmc_model *m, const uint8_t *buf, size_t len, size_t *done)
{
	if (m->halted_out)
		return LC_USB_STALL;
	if (m->stall_out > 0) {
		m->stall_out--;
		m->halted_out = true;
		return LC_USB_STALL;
	}
	if (m->timeout_out > 0) {
		m->timeout_out--;
		return LC_USB_TIMEOUT;
	}
	if (!check_out(m, buf, len))
		return LC_USB_STALL;
	uint32_t size = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 | (uint32_t)buf[7] << 24;
	*done = len;
	if (buf[0] == LC_USBTMC_DEV_DEP_MSG_OUT) {
		if (lc_usbtmc_padded_size(size) != len || m->cmd_len + size > CMD_CAP) {
			m->pad_errors++;
			return LC_USB_OK;
		}
		m->transfers_out++;
		memcpy(m->cmd + m->cmd_len, buf + LC_USBTMC_HEADER_SIZE, size);
		m->cmd_len += size;
		if (buf[8] & LC_USBTMC_ATTR_EOM)
			command(m);
	} else if (buf[0] == LC_USBTMC_REQUEST_DEV_DEP_MSG_IN) {
		if (len != LC_USBTMC_HEADER_SIZE)
			m->pad_errors++;
		if (buf[8] & LC_USBTMC_ATTR_TERMCHAR)
			m->termchar_requests++;
		m->requests++;
		m->request_pending = true;
		m->empty_sent = false;
		m->req_tag = buf[1];
		m->req_max = size;
	}
	return LC_USB_OK;
}

static void start_transfer(lc_usbtmc_model *m)
{
	size_t avail = m->q_len - m->q_pos, n = avail;
	if (n > m->req_max)
		n = m->req_max;
	if (m->split && n > m->split)
		n = m->split;
	bool eom = n == avail;
	uint8_t tag = m->req_tag;
	if (m->wrong_tag > 0) {
		m->wrong_tag--;
		tag = lc_usbtmc_next_tag(tag);
	}
	size_t sent = n;
	if (m->truncate > 0) {
		m->truncate--;
		sent = n > 3 ? n - 3 : 0;
		eom = true;
	}
	free(m->xfer);
	m->xfer = calloc(1, lc_usbtmc_padded_size(sent));
	uint8_t *h = m->xfer;
	h[0] = LC_USBTMC_DEV_DEP_MSG_IN;
	h[1] = tag;
	h[2] = (uint8_t)~tag;
	h[4] = (uint8_t)n;
	h[5] = (uint8_t)(n >> 8);
	h[6] = (uint8_t)(n >> 16);
	h[7] = (uint8_t)(n >> 24);
	h[8] = eom ? LC_USBTMC_ATTR_EOM : 0;
	memcpy(h + LC_USBTMC_HEADER_SIZE, m->q + m->q_pos, sent);
	m->q_pos += n;
	m->xfer_len = lc_usbtmc_padded_size(sent);
	m->xfer_pos = 0;
	m->xfer_active = true;
	m->request_pending = false;
	m->transfers_in++;
}

static enum lc_usb_status bulk_in(lc_usbtmc_model *m, uint8_t *buf, size_t len, size_t *done, unsigned timeout_ms)
{
	if (m->halted_in)
		return LC_USB_STALL;
	if (m->stall_in > 0) {
		m->stall_in--;
		m->halted_in = true;
		return LC_USB_STALL;
	}
	if (m->zlp_due) {
		m->zlp_due = false;
		return LC_USB_OK;
	}
	if (m->timeout_in > 0) {
		m->timeout_in--;
		m->withheld = true;
	}
	if (m->withheld || (!m->xfer_active && (!m->request_pending || !reply_made(m)))) {
		/* the device NAKs: the host controller retries until the reply is made or the timeout passes */
		int64_t until = lc_now_ms() + (timeout_ms == 0 || timeout_ms > WAIT_CAP_MS ? WAIT_CAP_MS : timeout_ms);
		bool coming = !m->withheld && m->request_pending && m->q_pos < m->q_len;
		int64_t wake = coming && m->ready_at < until ? m->ready_at : until;
		int64_t now = lc_now_ms();
		if (wake > now)
			lc_sleep_ms((int)(wake - now));
		if (!coming || wake >= until) {
			m->in_timeouts++;
			return LC_USB_TIMEOUT;
		}
	}
	if (!m->xfer_active) {
		if (m->empty_first_in && !m->empty_sent) {
			m->empty_sent = true;
			m->empties_sent++;
			return LC_USB_OK;
		}
		start_transfer(m);
	}
	size_t k = m->xfer_len - m->xfer_pos;
	if (k > len)
		k = len;
	memcpy(buf, m->xfer + m->xfer_pos, k);
	m->xfer_pos += k;
	*done = k;
	if (m->xfer_pos == m->xfer_len) {
		m->xfer_active = false;
		m->zlp_due = k == len && m->xfer_len % m->max_packet == 0;
	}
	return LC_USB_OK;
}

static enum lc_usb_status m_bulk(lc_usb_dev *d, uint8_t ep, uint8_t *buf, size_t len, size_t *done,
				 unsigned timeout_ms)
{
	*done = 0;
	if (ep == EP_OUT)
		return bulk_out(d->m, buf, len, done);
	if (ep == EP_IN)
		return bulk_in(d->m, buf, len, done, timeout_ms);
	d->m->ctrl_errors++;
	return LC_USB_IO;
}

static enum lc_usb_status m_interrupt(lc_usb_dev *d, uint8_t ep, uint8_t *buf, size_t len, size_t *done,
				      unsigned timeout_ms)
{
	lc_usbtmc_model *m = d->m;
	(void)timeout_ms;
	*done = 0;
	if (ep != EP_IRQ || !m->interrupt_ep || len < 2) {
		m->ctrl_errors++;
		return LC_USB_IO;
	}
	if (m->stale_irq > 0) {
		m->stale_irq--;
		buf[0] = 0x80 | 1; /* a notification for bTag 1, never one READ_STATUS_BYTE uses here */
		buf[1] = 0xEE;
		*done = 2;
		return LC_USB_OK;
	}
	if (!m->irq_pending)
		return LC_USB_TIMEOUT;
	m->irq_pending = false;
	memcpy(buf, m->irq, 2);
	*done = 2;
	return LC_USB_OK;
}

static uint8_t check_status(lc_usbtmc_model *m)
{
	if (m->pending_left > 0) {
		m->pending_left--;
		return LC_USBTMC_STATUS_PENDING;
	}
	return LC_USBTMC_STATUS_SUCCESS;
}

static enum lc_usb_status m_control(lc_usb_dev *d, uint8_t type, uint8_t req, uint16_t value, uint16_t index,
				    uint8_t *data, uint16_t len, size_t *done, unsigned timeout_ms)
{
	lc_usbtmc_model *m = d->m;
	uint8_t r[24] = {0};
	size_t n = 0;
	bool to_intf = type == LC_USBTMC_REQ_TO_INTERFACE && index == 0;
	bool to_in = type == LC_USBTMC_REQ_TO_ENDPOINT && index == EP_IN;
	bool to_out = type == LC_USBTMC_REQ_TO_ENDPOINT && index == EP_OUT;
	(void)timeout_ms;
	*done = 0;
	switch (req) {
	case LC_USBTMC_GET_CAPABILITIES:
		if (!to_intf || len != 0x18)
			goto bad;
		r[0] = LC_USBTMC_STATUS_SUCCESS;
		r[2] = 0x00, r[3] = 0x01;
		r[12] = 0x00, r[13] = 0x01;
		r[14] = m->protocol == LC_USBTMC_PROTOCOL_USB488 ? 0x04 : 0;
		r[15] = m->protocol == LC_USBTMC_PROTOCOL_USB488 ? 0x0C : 0;
		n = 24;
		break;
	case LC_USBTMC_INITIATE_ABORT_BULK_IN:
		if (!to_in || len != 2)
			goto bad;
		m->aborts_in++;
		r[1] = m->req_tag;
		m->withheld = false;
		if ((m->xfer_active || m->request_pending) && value == m->req_tag) {
			m->xfer_active = m->request_pending = false;
			m->q_pos = m->q_len = 0; /* the aborted reply is gone */
			m->zlp_due = true;        /* the aborted transfer ends with a short packet the host reads */
			r[0] = LC_USBTMC_STATUS_SUCCESS;
			m->pending_left = m->check_pending;
		} else {
			r[0] = LC_USBTMC_STATUS_FAILED;
		}
		n = 2;
		break;
	case LC_USBTMC_CHECK_ABORT_BULK_IN_STATUS:
	case LC_USBTMC_CHECK_ABORT_BULK_OUT_STATUS:
		if (!(req == LC_USBTMC_CHECK_ABORT_BULK_IN_STATUS ? to_in : to_out) || len != 8)
			goto bad;
		r[0] = check_status(m);
		n = 8;
		break;
	case LC_USBTMC_INITIATE_ABORT_BULK_OUT:
		if (!to_out || len != 2)
			goto bad;
		m->aborts_out++;
		m->cmd_len = 0;
		m->halted_out = true; /* USBTMC: the device halts bulk-OUT until the host clears it */
		r[0] = LC_USBTMC_STATUS_SUCCESS;
		r[1] = (uint8_t)value;
		m->pending_left = m->check_pending;
		n = 2;
		break;
	case LC_USBTMC_INITIATE_CLEAR:
		if (!to_intf || len != 1)
			goto bad;
		m->clears++;
		m->withheld = false;
		m->cmd_len = 0;
		m->q_pos = m->q_len = 0;
		m->xfer_active = m->request_pending = m->zlp_due = false;
		m->halted_out = true;
		m->pending_left = m->check_pending;
		r[0] = LC_USBTMC_STATUS_SUCCESS;
		n = 1;
		break;
	case LC_USBTMC_CHECK_CLEAR_STATUS:
		if (!to_intf || len != 2)
			goto bad;
		r[0] = check_status(m);
		n = 2;
		break;
	case LC_USB488_READ_STATUS_BYTE:
		if (!to_intf || len != 3 || value < 2 || value > 127 || m->protocol != LC_USBTMC_PROTOCOL_USB488)
			goto bad;
		m->stb_reads++;
		if (m->request_pending && !reply_made(m))
			m->stb_reads_pending++;
		r[0] = LC_USBTMC_STATUS_SUCCESS;
		r[1] = (uint8_t)value;
		if (m->interrupt_ep) {
			m->irq[0] = (uint8_t)(0x80 | value);
			m->irq[1] = status_byte(m);
			m->irq_pending = true;
		} else {
			r[2] = status_byte(m);
		}
		n = 3;
		break;
	default:
		goto bad;
	}
	memcpy(data, r, n);
	*done = n;
	return LC_USB_OK;
bad:
	m->ctrl_errors++;
	return LC_USB_STALL;
}

static enum lc_usb_status m_clear_halt(lc_usb_dev *d, uint8_t ep)
{
	if (ep == EP_IN) {
		d->m->halted_in = false;
		d->m->halts_cleared_in++;
	} else if (ep == EP_OUT) {
		d->m->halted_out = false;
		d->m->halts_cleared_out++;
	} else {
		d->m->ctrl_errors++;
		return LC_USB_IO;
	}
	return LC_USB_OK;
}

static int m_open(void *user, uint16_t vid, uint16_t pid, const char *serial, unsigned intf, bool reset,
		  lc_usb_dev **out, lc_usb_tmc_intf *info, lc_diag *diag)
{
	lc_usbtmc_model *m = user;
	(void)intf;
	if (m->open_error)
		return lc_diag_set(diag, m->open_error, "USB %04x:%04x (bus 1 address 7) exists but cannot be opened",
				   vid, pid);
	if (vid != m->vid || pid != m->pid || (serial[0] && strcmp(serial, m->serial) != 0))
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no USB device %04x:%04x '%s'", vid, pid, serial);
	struct lc_usb_dev *d = calloc(1, sizeof(*d));
	if (!d)
		return LC_ERR_NOMEM;
	d->m = m;
	memset(info, 0, sizeof(*info));
	info->vid = vid;
	info->pid = pid;
	snprintf(info->serial, sizeof(info->serial), "%s", m->serial);
	info->protocol = m->protocol;
	info->ep_bulk_out = EP_OUT;
	info->ep_bulk_in = EP_IN;
	info->ep_intr_in = m->interrupt_ep ? EP_IRQ : 0;
	info->max_packet_in = info->max_packet_out = m->max_packet;
	m->opens++;
	m->resets += reset;
	*out = d;
	return 0;
}

static void m_close(lc_usb_dev *d)
{
	d->m->closes++;
	free(d);
}

/* Discovery sees the one device; one that cannot be opened shows no strings. */
static int m_list(void *user, lc_usb_found **found, size_t *count, lc_diag *diag)
{
	lc_usbtmc_model *m = user;
	(void)diag;
	lc_usb_found *f = calloc(1, sizeof(*f));
	if (!f)
		return LC_ERR_NOMEM;
	f->vid = m->vid;
	f->pid = m->pid;
	f->bus = 1;
	f->address = 7;
	f->protocol = m->protocol;
	if (m->open_error) {
		f->error = m->open_error;
		snprintf(f->problem, sizeof(f->problem), "cannot open");
	} else {
		snprintf(f->serial, sizeof(f->serial), "%s", m->serial);
		snprintf(f->manufacturer, sizeof(f->manufacturer), "LANECERT");
		snprintf(f->product, sizeof(f->product), "USBTMC model");
	}
	*found = f;
	*count = 1;
	return 1;
}

lc_usbtmc_model *lc_usbtmc_model_new(void)
{
	lc_usbtmc_model *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->q = malloc(Q_CAP);
	m->cmd = malloc(CMD_CAP);
	if (!m->q || !m->cmd) {
		lc_usbtmc_model_free(m);
		return NULL;
	}
	m->backend = (lc_usb_backend){.name = "usbtmc-model", .user = m, .open = m_open, .bulk = m_bulk,
				      .interrupt = m_interrupt, .control = m_control, .clear_halt = m_clear_halt,
				      .close = m_close, .list = m_list};
	m->vid = 0x1313;
	m->pid = 0x8078;
	snprintf(m->serial, sizeof(m->serial), "M0001");
	m->protocol = LC_USBTMC_PROTOCOL_USB488;
	m->max_packet = 512;
	return m;
}

void lc_usbtmc_model_free(lc_usbtmc_model *m)
{
	if (!m)
		return;
	free(m->q);
	free(m->cmd);
	free(m->xfer);
	free(m);
}
