/*
 * HiSLIP (IVI-6.1) message headers, without I/O: what the client transport (transport_hislip.c) sends and
 * checks. Every message starts with a 16-byte header in network byte order:
 *
 *     offset 0  'H' 'S'            prologue
 *            2  u8  message type    (enum below)
 *            3  u8  control code    (RMT-delivered, lock request/release, overlap mode, error code, STB ...)
 *            4  u32 message parameter (message id, session id, version|vendor, lock timeout ...)
 *            8  u64 payload length
 *
 * followed by exactly payload-length bytes. Framing is by this header only.
 *
 * Thread safety: pure functions.
 */
#ifndef LC_HAL_HISLIP_MSG_H
#define LC_HAL_HISLIP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define LC_HISLIP_HEADER_SIZE 16
#define LC_HISLIP_PORT 4880
/* The first message id a client uses after Initialize and after each device clear; +2 per message. */
#define LC_HISLIP_FIRST_MSGID 0xffffff00u
/* A server's reply with this message id matches whatever the client sent last. */
#define LC_HISLIP_ANY_MSGID 0xffffffffu

enum lc_hislip_type {
	LC_HS_INITIALIZE = 0,
	LC_HS_INITIALIZE_RESPONSE = 1,
	LC_HS_FATAL_ERROR = 2,
	LC_HS_ERROR = 3,
	LC_HS_ASYNC_LOCK = 4,
	LC_HS_ASYNC_LOCK_RESPONSE = 5,
	LC_HS_DATA = 6,
	LC_HS_DATA_END = 7,
	LC_HS_DEVICE_CLEAR_COMPLETE = 8,
	LC_HS_DEVICE_CLEAR_ACKNOWLEDGE = 9,
	LC_HS_ASYNC_REMOTE_LOCAL_CONTROL = 10,
	LC_HS_ASYNC_REMOTE_LOCAL_RESPONSE = 11,
	LC_HS_TRIGGER = 12,
	LC_HS_INTERRUPTED = 13,
	LC_HS_ASYNC_INTERRUPTED = 14,
	LC_HS_ASYNC_MAXIMUM_MESSAGE_SIZE = 15,
	LC_HS_ASYNC_MAXIMUM_MESSAGE_SIZE_RESPONSE = 16,
	LC_HS_ASYNC_INITIALIZE = 17,
	LC_HS_ASYNC_INITIALIZE_RESPONSE = 18,
	LC_HS_ASYNC_DEVICE_CLEAR = 19,
	LC_HS_ASYNC_SERVICE_REQUEST = 20,
	LC_HS_ASYNC_STATUS_QUERY = 21,
	LC_HS_ASYNC_STATUS_RESPONSE = 22,
	LC_HS_ASYNC_DEVICE_CLEAR_ACKNOWLEDGE = 23,
	LC_HS_ASYNC_LOCK_INFO = 24,
	LC_HS_ASYNC_LOCK_INFO_RESPONSE = 25,
	LC_HS_GET_DESCRIPTORS = 26,
	LC_HS_GET_DESCRIPTORS_RESPONSE = 27,
	/* 28..38: TLS and SASL of HiSLIP 2.0 (not spoken here); 39..127 reserved; 128..255 vendor specific */
	LC_HS_LAST_KNOWN = 38,
};

/* Fatal error codes (FatalError control code) and error codes (Error control code). */
enum { LC_HS_FATAL_UNIDENTIFIED = 0, LC_HS_FATAL_BAD_HEADER = 1, LC_HS_FATAL_CHANNELS = 2,
       LC_HS_FATAL_INIT_SEQUENCE = 3, LC_HS_FATAL_TOO_MANY_CLIENTS = 4, LC_HS_FATAL_TLS = 5 };
enum { LC_HS_ERR_UNIDENTIFIED = 0, LC_HS_ERR_TYPE = 1, LC_HS_ERR_CONTROL = 2, LC_HS_ERR_VENDOR = 3,
       LC_HS_ERR_TOO_LARGE = 4, LC_HS_ERR_AUTH = 5 };

/* AsyncLock control codes and AsyncLockResponse codes. */
enum { LC_HS_LOCK_RELEASE = 0, LC_HS_LOCK_REQUEST = 1 };
enum { LC_HS_LOCK_FAILURE = 0, LC_HS_LOCK_SUCCESS = 1, LC_HS_LOCK_SUCCESS_SHARED = 2, LC_HS_LOCK_ERROR = 3 };

typedef struct lc_hislip_header {
	uint8_t type;
	uint8_t control;
	uint32_t param;
	uint64_t len;
} lc_hislip_header;

/* Write a header into out[16]. */
void lc_hislip_encode(uint8_t out[LC_HISLIP_HEADER_SIZE], uint8_t type, uint8_t control, uint32_t param,
		      uint64_t len);

/* Decode the first 16 bytes of in (n bytes available). Returns 0, LC_ERR_TRUNCATED when n < 16, or
 * LC_ERR_PROTOCOL when the prologue is not "HS" or the type is reserved (39..127); diag names the bytes.
 * Vendor-specific types (128..255) decode: the caller decides what to do with them. */
int lc_hislip_decode(const uint8_t *in, size_t n, lc_hislip_header *h, lc_diag *diag);

/* "DataEnd", "AsyncLockResponse" ...; "vendor-specific" or "reserved" for the others. Never NULL. */
const char *lc_hislip_type_name(unsigned type);
/* The text of a FatalError / Error code ("poorly formed message header", "message too large" ...). */
const char *lc_hislip_fatal_text(unsigned code);
const char *lc_hislip_error_text(unsigned code);

#endif
