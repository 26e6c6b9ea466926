/* USBTMC / USB488 headers and class request replies (hal/usbtmc_proto.h). No I/O. */
#include "hal/usbtmc_proto.h"

#include <stdio.h>
#include <string.h>

uint8_t lc_usbtmc_next_tag(uint8_t tag)
{
	tag++;
	return tag ? tag : 1; /* bTag 0 is reserved: a device may drop a transfer that carries it */
}

uint8_t lc_usbtmc_next_stb_tag(uint8_t tag)
{
	return tag >= 2 && tag < 127 ? (uint8_t)(tag + 1) : 2;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void header(uint8_t hdr[LC_USBTMC_HEADER_SIZE], uint8_t msgid, uint8_t tag, uint32_t size, uint8_t attr,
		   uint8_t term)
{
	hdr[0] = msgid;
	hdr[1] = tag;
	hdr[2] = (uint8_t)~tag;
	hdr[3] = 0;
	put_le32(hdr + 4, size);
	hdr[8] = attr;
	hdr[9] = term;
	hdr[10] = 0;
	hdr[11] = 0;
}

void lc_usbtmc_build_out(uint8_t hdr[LC_USBTMC_HEADER_SIZE], uint8_t tag, uint32_t size, bool eom)
{
	header(hdr, LC_USBTMC_DEV_DEP_MSG_OUT, tag, size, eom ? LC_USBTMC_ATTR_EOM : 0, 0);
}

void lc_usbtmc_build_request_in(uint8_t hdr[LC_USBTMC_HEADER_SIZE], uint8_t tag, uint32_t max, int term_char)
{
	if (term_char >= 0)
		header(hdr, LC_USBTMC_REQUEST_DEV_DEP_MSG_IN, tag, max, LC_USBTMC_ATTR_TERMCHAR, (uint8_t)term_char);
	else
		header(hdr, LC_USBTMC_REQUEST_DEV_DEP_MSG_IN, tag, max, 0, 0);
}

size_t lc_usbtmc_padded_size(size_t payload)
{
	return (LC_USBTMC_HEADER_SIZE + payload + 3) & ~(size_t)3;
}

int lc_usbtmc_parse_in(const uint8_t *buf, size_t len, uint8_t want_tag, uint32_t max, lc_usbtmc_in_header *out,
		       lc_diag *diag)
{
	if (len < LC_USBTMC_HEADER_SIZE)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "USBTMC bulk-IN header: %zu bytes, a header has %d", len,
				   LC_USBTMC_HEADER_SIZE);
	if (buf[0] != LC_USBTMC_DEV_DEP_MSG_IN)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "USBTMC bulk-IN header: MsgID %u, expected %u (DEV_DEP_MSG_IN)",
				   buf[0], LC_USBTMC_DEV_DEP_MSG_IN);
	if ((buf[1] ^ buf[2]) != 0xFF)
		return lc_diag_set(diag, LC_ERR_PROTOCOL,
				   "USBTMC bulk-IN header: bTagInverse 0x%02X does not match bTag 0x%02X", buf[2], buf[1]);
	if (buf[1] != want_tag)
		return lc_diag_set(diag, LC_ERR_PROTOCOL,
				   "USBTMC bulk-IN header: bTag %u answers another request (expected %u)", buf[1], want_tag);
	uint32_t size = get_le32(buf + 4);
	if (size > max)
		return lc_diag_set(diag, LC_ERR_PROTOCOL,
				   "USBTMC bulk-IN header: TransferSize %u exceeds the %u bytes requested", size, max);
	out->tag = buf[1];
	out->size = size;
	out->eom = (buf[8] & LC_USBTMC_ATTR_EOM) != 0;
	out->term_char = (buf[8] & LC_USBTMC_ATTR_TERMCHAR) != 0;
	return 0;
}

const char *lc_usbtmc_status_name(uint8_t status, char buf[8])
{
	switch (status) {
	case LC_USBTMC_STATUS_SUCCESS: return "SUCCESS";
	case LC_USBTMC_STATUS_PENDING: return "PENDING";
	case LC_USBTMC_STATUS_FAILED: return "FAILED";
	case LC_USBTMC_STATUS_TRANSFER_NOT_IN_PROGRESS: return "TRANSFER_NOT_IN_PROGRESS";
	case LC_USBTMC_STATUS_SPLIT_NOT_IN_PROGRESS: return "SPLIT_NOT_IN_PROGRESS";
	case LC_USBTMC_STATUS_SPLIT_IN_PROGRESS: return "SPLIT_IN_PROGRESS";
	default:
		snprintf(buf, 8, "0x%02X", status);
		return buf;
	}
}

int lc_usbtmc_parse_caps(const uint8_t *buf, size_t len, lc_usbtmc_caps *out, lc_diag *diag)
{
	char sn[8];
	if (len < 0x18)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "USBTMC GET_CAPABILITIES: %zu bytes, expected 24", len);
	if (buf[0] != LC_USBTMC_STATUS_SUCCESS)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "USBTMC GET_CAPABILITIES: status %s",
				   lc_usbtmc_status_name(buf[0], sn));
	memset(out, 0, sizeof(*out));
	out->bcd_usbtmc = (uint16_t)(buf[2] | buf[3] << 8);
	out->intf = buf[4];
	out->dev = buf[5];
	out->bcd_usb488 = (uint16_t)(buf[12] | buf[13] << 8);
	out->usb488_intf = buf[14];
	out->usb488_dev = buf[15];
	return 0;
}
