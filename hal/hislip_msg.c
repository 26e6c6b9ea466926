/* HiSLIP message headers (hal/hislip_msg.h): names and byte layout from IVI-6.1. */
#include "hal/hislip_msg.h"

static const char *const type_names[] = {
	"Initialize", "InitializeResponse", "FatalError", "Error", "AsyncLock", "AsyncLockResponse", "Data",
	"DataEnd", "DeviceClearComplete", "DeviceClearAcknowledge", "AsyncRemoteLocalControl",
	"AsyncRemoteLocalResponse", "Trigger", "Interrupted", "AsyncInterrupted", "AsyncMaximumMessageSize",
	"AsyncMaximumMessageSizeResponse", "AsyncInitialize", "AsyncInitializeResponse", "AsyncDeviceClear",
	"AsyncServiceRequest", "AsyncStatusQuery", "AsyncStatusResponse", "AsyncDeviceClearAcknowledge",
	"AsyncLockInfo", "AsyncLockInfoResponse", "GetDescriptors", "GetDescriptorsResponse", "StartTLS",
	"AsyncStartTLS", "AsyncStartTLSResponse", "EndTLS", "AsyncEndTLS", "AsyncEndTLSResponse",
	"GetSaslMechanismList", "GetSaslMechanismListResponse", "AuthenticationStart", "AuthenticationExchange",
	"AuthenticationResult",
};

void lc_hislip_encode(uint8_t out[LC_HISLIP_HEADER_SIZE], uint8_t type, uint8_t control, uint32_t param,
		      uint64_t len)
{
	out[0] = 'H';
	out[1] = 'S';
	out[2] = type;
	out[3] = control;
	for (int i = 0; i < 4; i++)
		out[4 + i] = (uint8_t)(param >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		out[8 + i] = (uint8_t)(len >> (56 - 8 * i));
}

int lc_hislip_decode(const uint8_t *in, size_t n, lc_hislip_header *h, lc_diag *diag)
{
	if (n < LC_HISLIP_HEADER_SIZE)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "HiSLIP header: %zu of 16 bytes", n);
	if (in[0] != 'H' || in[1] != 'S')
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP header: prologue 0x%02x 0x%02x is not \"HS\"", in[0],
				   in[1]);
	if (in[2] > LC_HS_LAST_KNOWN && in[2] < 128)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "HiSLIP header: message type %u is reserved", in[2]);
	h->type = in[2];
	h->control = in[3];
	h->param = (uint32_t)in[4] << 24 | (uint32_t)in[5] << 16 | (uint32_t)in[6] << 8 | in[7];
	h->len = 0;
	for (int i = 0; i < 8; i++)
		h->len = h->len << 8 | in[8 + i];
	return 0;
}

const char *lc_hislip_type_name(unsigned type)
{
	if (type < sizeof(type_names) / sizeof(type_names[0]))
		return type_names[type];
	return type >= 128 && type <= 255 ? "vendor-specific" : "reserved";
}

const char *lc_hislip_fatal_text(unsigned code)
{
	switch (code) {
	case LC_HS_FATAL_UNIDENTIFIED: return "unidentified error";
	case LC_HS_FATAL_BAD_HEADER: return "poorly formed message header";
	case LC_HS_FATAL_CHANNELS: return "connection used without both channels established";
	case LC_HS_FATAL_INIT_SEQUENCE: return "invalid initialization sequence";
	case LC_HS_FATAL_TOO_MANY_CLIENTS: return "maximum number of clients exceeded";
	case LC_HS_FATAL_TLS: return "secure connection failed";
	default: return code >= 128 ? "device-defined fatal error" : "reserved fatal error code";
	}
}

const char *lc_hislip_error_text(unsigned code)
{
	switch (code) {
	case LC_HS_ERR_UNIDENTIFIED: return "unidentified error";
	case LC_HS_ERR_TYPE: return "unrecognized message type";
	case LC_HS_ERR_CONTROL: return "unrecognized control code";
	case LC_HS_ERR_VENDOR: return "unrecognized vendor-defined message";
	case LC_HS_ERR_TOO_LARGE: return "message too large";
	case LC_HS_ERR_AUTH: return "authentication failed";
	default: return code >= 128 ? "device-defined error" : "reserved error code";
	}
}
