/*
 * A USBTMC/USB488 device model behind the USB interface of hal/usb_io.h, for the transport's tests (CI has
 * no USB bus). It checks what the host sends (headers, bTag sequence, padding, class requests) and answers
 * like an instrument with a tiny command set, with faults switched on per test:
 *
 *   *IDN?            LANECERT,USBTMC-MODEL,<serial>,1.0
 *   ECHO? <text>     <text>
 *   BLOCK? <n>       a definite block of n bytes, byte i = i % 256 (contains '\n')
 *   *STB?            the status byte
 *   HANG?            no reply at all (the host's bulk-IN times out), nothing queued
 *   SLOW? <ms> <t>   <t>, made <ms> wall milliseconds after the command arrived (a slow valid reply)
 *   SYST:ERR?        the oldest queued error, `-113,"Undefined header"`, or `0,"No error"`
 *   ERR <code>       accepted, queues error <code> (an earlier command the instrument refused)
 *   other queries    refused as an IEEE 488.2 instrument does: no reply, -113 queued
 *   anything else    accepted, no reply
 *
 * Status byte (READ_STATUS_BYTE): the test's `stb` bits, plus EAV (bit 2) while an error is queued and MAV
 * (bit 4) while a made reply waits to be read. A new command arriving while a reply is unread discards
 * the reply and queues -410 (Query INTERRUPTED), as IEEE 488.2 does.
 *
 * A bulk-IN read of len bytes returns what the host controller would: up to len bytes of the current
 * transfer, fewer when the transfer ends (a short packet); a transfer that fills the read exactly and is a
 * multiple of wMaxPacketSize is followed by a zero-length packet. A read with nothing to send waits (in
 * wall time) until a SLOW? reply is made or its timeout passes (at most 10 s), then returns it or
 * LC_USB_TIMEOUT, as the host controller does while the device NAKs.
 *
 * Thread safety: none; one test thread drives it.
 */
#ifndef LC_TESTS_USBTMC_DEVICE_MODEL_H
#define LC_TESTS_USBTMC_DEVICE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/usb_io.h"

typedef struct lc_usbtmc_model {
	lc_usb_backend backend; /* .user points back here: lc_usb_set_backend(&m->backend) */
	/* identity */
	uint16_t vid, pid;
	char serial[64];
	uint8_t protocol;        /* 1 = USB488 (default) */
	bool interrupt_ep;       /* has an interrupt-IN endpoint (status byte arrives there) */
	uint16_t max_packet;     /* 512 */
	int open_error;          /* nonzero: open fails with this LC_ERR_* */
	uint8_t stb;
	/* faults: each counter fires that many times */
	int stall_in, stall_out;     /* the endpoint halts until the host clears it */
	int timeout_in;              /* the next transfer is withheld: bulk-IN reads time out until the host
	                                aborts it */
	int timeout_out;             /* the device does not accept the next bulk-OUT */
	int wrong_tag;               /* reply headers carry bTag + 1 */
	int truncate;                /* the transfer stops 3 bytes short of its TransferSize (EOM set) */
	int stale_irq;               /* interrupt-IN first delivers a notification with another bTag */
	bool empty_first_in;         /* every first bulk-IN after a request is empty (Rigol DS1000Z) */
	size_t split;                /* at most this many payload bytes per transfer (EOM on the last only) */
	int check_pending;           /* CHECK_* requests answer PENDING this many times each */
	/* what the host did */
	int opens, closes, resets;
	int requests;                /* REQUEST_DEV_DEP_MSG_IN received */
	int transfers_in;            /* DEV_DEP_MSG_IN transfers sent */
	int aborts_in, aborts_out, clears, halts_cleared_in, halts_cleared_out, stb_reads, empties_sent;
	int tag_errors, pad_errors, ctrl_errors, tag_wraps;
	int termchar_requests;       /* requests that enabled TermChar */
	int stb_reads_pending;       /* READ_STATUS_BYTE while a request waited for a reply not yet made */
	int in_timeouts;             /* bulk-IN reads that timed out */
	int interrupted;             /* replies discarded by a new command (-410) */
	int transfers_out;           /* DEV_DEP_MSG_OUT transfers received */
	size_t last_message_len;     /* bytes of the last whole command message (EOM) */
	char last_command[256];
	/* state */
	uint8_t last_tag;
	bool halted_in, halted_out;
	uint8_t *cmd;
	size_t cmd_len;
	uint8_t *q; /* queued reply bytes */
	size_t q_len, q_pos;
	uint8_t *xfer;
	size_t xfer_len, xfer_pos;
	bool xfer_active, request_pending, empty_sent, zlp_due;
	uint8_t req_tag;
	uint32_t req_max;
	uint8_t irq[2];
	bool irq_pending;
	int pending_left;
	int64_t ready_at;            /* the queued reply exists from then on (monotonic ms; SLOW?) */
	bool withheld;               /* timeout_in fired: no transfer until an abort */
	int errq[8];
	int errq_n;
} lc_usbtmc_model;

/* A model with defaults (vid:pid 0x1313:0x8078, serial "M0001", USB488, no interrupt endpoint). */
lc_usbtmc_model *lc_usbtmc_model_new(void);
void lc_usbtmc_model_free(lc_usbtmc_model *m);

#endif
