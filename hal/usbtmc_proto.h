/*
 * USBTMC / USB488 wire format, without any I/O: bulk message headers, class request replies, bTag
 * sequencing and the per-device quirks table. Kept pure so that the parsers can be fuzzed and tested
 * byte by byte (tests/hal/test_usbtmc_proto.c, tests/fuzz/fuzz_usbtmc.c).
 *
 * Facts from USBTMC 1.0 and USB488 1.0 (shared/reference/instrument-dialects.md §8.2): every bulk transfer
 * starts with a 12-byte header [MsgID][bTag][~bTag][0][TransferSize u32 LE][bmTransferAttributes][TermChar]
 * [0][0], the payload follows and the whole transfer is padded with zeros to a multiple of 4. bTag runs
 * 1..255 and never takes 0. Bulk-IN replies carry the header in their first packet only.
 *
 * Thread safety: every function is reentrant; the quirks table is constant.
 */
#ifndef LC_HAL_USBTMC_PROTO_H
#define LC_HAL_USBTMC_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define LC_USBTMC_HEADER_SIZE 12

/* Interface class, subclass and the USB488 protocol code. */
#define LC_USBTMC_CLASS 0xFE
#define LC_USBTMC_SUBCLASS 0x03
#define LC_USBTMC_PROTOCOL_USB488 0x01

/* Bulk MsgIDs. */
enum {
	LC_USBTMC_DEV_DEP_MSG_OUT = 1,
	LC_USBTMC_REQUEST_DEV_DEP_MSG_IN = 2,
	LC_USBTMC_DEV_DEP_MSG_IN = 2,
	LC_USB488_TRIGGER = 128,
};

/* bmTransferAttributes bits. */
#define LC_USBTMC_ATTR_EOM 0x01
#define LC_USBTMC_ATTR_TERMCHAR 0x02

/* Class requests (bRequest). */
enum {
	LC_USBTMC_INITIATE_ABORT_BULK_OUT = 1,
	LC_USBTMC_CHECK_ABORT_BULK_OUT_STATUS = 2,
	LC_USBTMC_INITIATE_ABORT_BULK_IN = 3,
	LC_USBTMC_CHECK_ABORT_BULK_IN_STATUS = 4,
	LC_USBTMC_INITIATE_CLEAR = 5,
	LC_USBTMC_CHECK_CLEAR_STATUS = 6,
	LC_USBTMC_GET_CAPABILITIES = 7,
	LC_USBTMC_INDICATOR_PULSE = 64,
	LC_USB488_READ_STATUS_BYTE = 128,
	LC_USB488_REN_CONTROL = 160,
	LC_USB488_GO_TO_LOCAL = 161,
	LC_USB488_LOCAL_LOCKOUT = 162,
};

/* USBTMC_status values of class request replies. */
enum {
	LC_USBTMC_STATUS_SUCCESS = 0x01,
	LC_USBTMC_STATUS_PENDING = 0x02,
	LC_USBTMC_STATUS_FAILED = 0x80,
	LC_USBTMC_STATUS_TRANSFER_NOT_IN_PROGRESS = 0x81,
	LC_USBTMC_STATUS_SPLIT_NOT_IN_PROGRESS = 0x82,
	LC_USBTMC_STATUS_SPLIT_IN_PROGRESS = 0x83,
};

/* bmRequestType of the class requests: device-to-host, class, to the interface or to an endpoint. */
#define LC_USBTMC_REQ_TO_INTERFACE 0xA1
#define LC_USBTMC_REQ_TO_ENDPOINT 0xA2

/* The next bTag after tag: 1..255, wrapping, never 0. */
uint8_t lc_usbtmc_next_tag(uint8_t tag);
/* The next READ_STATUS_BYTE bTag: 2..127 (USB488 4.3.1.1). */
uint8_t lc_usbtmc_next_stb_tag(uint8_t tag);

/* Header of a DEV_DEP_MSG_OUT transfer carrying size payload bytes. */
void lc_usbtmc_build_out(uint8_t hdr[LC_USBTMC_HEADER_SIZE], uint8_t tag, uint32_t size, bool eom);
/* Header of a REQUEST_DEV_DEP_MSG_IN asking for at most max bytes; term_char < 0: no TermChar. */
void lc_usbtmc_build_request_in(uint8_t hdr[LC_USBTMC_HEADER_SIZE], uint8_t tag, uint32_t max, int term_char);
/* Bytes of a whole bulk-OUT transfer: header + payload + zero padding to a multiple of 4. */
size_t lc_usbtmc_padded_size(size_t payload);

typedef struct lc_usbtmc_in_header {
	uint8_t tag;
	uint32_t size;   /* TransferSize: payload bytes of this transfer */
	bool eom;        /* the last transfer of the message */
	bool term_char;  /* the transfer ended on the TermChar */
} lc_usbtmc_in_header;

/* Parse the header at the start of a bulk-IN transfer (len bytes received) that answers a request with
 * bTag want_tag for at most max bytes. LC_ERR_PROTOCOL with the offending field in diag: fewer than 12
 * bytes, MsgID not DEV_DEP_MSG_IN, bTag or its inverse wrong, TransferSize above what was asked for.
 * Reserved bytes are not checked: they carry no meaning, and refusing them would only fail sloppy devices. */
int lc_usbtmc_parse_in(const uint8_t *buf, size_t len, uint8_t want_tag, uint32_t max, lc_usbtmc_in_header *out,
		       lc_diag *diag);

typedef struct lc_usbtmc_caps {
	uint16_t bcd_usbtmc, bcd_usb488;
	uint8_t intf;        /* bit2 INDICATOR_PULSE, bit1 talk-only, bit0 listen-only */
	uint8_t dev;         /* bit0 TermChar supported */
	uint8_t usb488_intf; /* bit2 USB488.2, bit1 REN_CONTROL/GO_TO_LOCAL/LOCAL_LOCKOUT, bit0 TRIGGER */
	uint8_t usb488_dev;  /* bit3 SCPI, bit2 SR1, bit1 RL1, bit0 DT1 */
} lc_usbtmc_caps;

/* Parse a GET_CAPABILITIES reply (0x18 bytes). LC_ERR_PROTOCOL if short or its status is not SUCCESS. */
int lc_usbtmc_parse_caps(const uint8_t *buf, size_t len, lc_usbtmc_caps *out, lc_diag *diag);

/* Name of a USBTMC_status value ("PENDING", "0x42"): buf is used for unknown values. */
const char *lc_usbtmc_status_name(uint8_t status, char buf[8]);

/* Per-device quirks, looked up by VID:PID in a data table (usbtmc_quirks.c). */
enum lc_usbtmc_quirk {
	/* The first bulk-IN after a request comes back empty; read it again once (Rigol DS1000Z). */
	LC_USBTMC_Q_EMPTY_FIRST_IN = 1u << 0,
	/* Reset the device when opening it: it keeps a half-finished transfer from a previous session and
	 * answers nothing until reset (the pyvisa-py/usbtmc users' workaround). */
	LC_USBTMC_Q_RESET_ON_OPEN = 1u << 1,
};

typedef struct lc_usbtmc_quirk_entry {
	uint16_t vid, pid;
	unsigned flags;
	const char *model;
} lc_usbtmc_quirk_entry;

/* Flags of vid:pid (0 when none); *model (may be NULL) names the entry. */
unsigned lc_usbtmc_quirks(uint16_t vid, uint16_t pid, const char **model);
/*
 * Extra quirks from a spec such as "1ab1:04ce=empty-first-in,0957:1755=reset-on-open+empty-first-in"
 * (the LANECERT_USBTMC_QUIRKS environment variable), so a station can add a device without a rebuild.
 * Stores the flags given for vid:pid in *flags (0 if not named). LC_ERR_ARG with the bad part in diag.
 */
int lc_usbtmc_quirks_parse(const char *spec, uint16_t vid, uint16_t pid, unsigned *flags, lc_diag *diag);
/* The whole table, for documentation and tests; *count entries. */
const lc_usbtmc_quirk_entry *lc_usbtmc_quirk_table(size_t *count);

#endif
