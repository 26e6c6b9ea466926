/*
 * A decoded module: identity, DOM per lane, flags and thresholds, from an image (module_image.h) by the
 * SFF-8636 decoder (QSFP+/QSFP28, instruments/module/sff8636.c) or the CMIS decoder (QSFP-DD, OSFP, QSFP112,
 * instruments/module/cmis.c). Field sources are cited in those files; units are in the field names.
 *
 * Bounds: every decoder checks the image it gets. A page it needs that is absent is LC_ERR_TRUNCATED, a
 * field that contradicts another or the specification (identifier copy at byte 128 differing from byte 0,
 * an application advertising 9 lanes, non-ASCII in a vendor name) is LC_ERR_FORMAT; the diag names the
 * page and the byte offset.
 *
 * Thread safety: plain data; the functions are reentrant.
 */
#ifndef LC_MODULE_INFO_H
#define LC_MODULE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "base/error.h"
#include "formats/module_image.h"

enum lc_module_spec { LC_MODULE_SPEC_UNKNOWN = 0, LC_MODULE_SFF8636 = 1, LC_MODULE_CMIS = 2 };

/* Flags a monitor raised (latched in the module), in the order SFF-8636 and CMIS both list them. */
enum {
	LC_MODULE_HIGH_ALARM = 1,
	LC_MODULE_LOW_ALARM = 2,
	LC_MODULE_HIGH_WARN = 4,
	LC_MODULE_LOW_WARN = 8,
};

typedef struct lc_module_limits {
	bool valid;
	double high_alarm, low_alarm, high_warn, low_warn;
} lc_module_limits;

#define LC_MODULE_LANES_MAX 8 /* CMIS bank 0; lanes 9-16 (bank 1) are not decoded */
#define LC_MODULE_APPS_MAX 8

typedef struct lc_module_lane {
	bool has_tx_bias, has_tx_power, has_rx_power;
	double tx_bias_ma, tx_power_mw, rx_power_mw;
	bool tx_los, rx_los, tx_fault, tx_lol, rx_lol, tx_disabled;
	unsigned tx_bias_flags, tx_power_flags, rx_power_flags; /* LC_MODULE_HIGH_ALARM | ... */
} lc_module_lane;

typedef struct lc_module_app {
	uint8_t host_id, media_id;
	uint8_t host_lanes, media_lanes;
	uint8_t host_lane_mask;  /* lanes where the application may start (bit 0 = lane 1) */
	uint8_t media_lane_mask; /* page 01h 176+i; 0 when page 01h is absent */
	char host_name[64], media_name[64];
} lc_module_app;

typedef struct lc_module_info {
	enum lc_module_spec spec;
	uint8_t identifier;
	char identifier_name[48];
	uint8_t revision;       /* byte 1 as read */
	char revision_text[16]; /* CMIS "5.0"; SFF-8636 "rev 0x08" */
	bool flat_memory;
	char vendor[17], part_number[17], vendor_revision[5], serial[17], date_code[9];
	uint8_t oui[3];
	uint8_t connector;
	char connector_name[32];
	uint8_t media_type;      /* CMIS byte 85; SFF-8636: derived from transmitter technology and compliance */
	char media_type_name[24];
	bool has_cable_length;
	double cable_length_m;
	bool has_wavelength;
	double wavelength_nm;
	int module_state;        /* CMIS 1..5; -1 for SFF-8636 (no state machine) */
	char module_state_name[16];
	bool has_temperature, has_vcc;
	double temperature_c, vcc_v;
	unsigned temperature_flags, vcc_flags;
	size_t n_lanes;
	lc_module_lane lanes[LC_MODULE_LANES_MAX];
	lc_module_limits temperature_limits_c, vcc_limits_v, tx_power_limits_mw, tx_bias_limits_ma, rx_power_limits_mw;
	size_t n_apps;
	lc_module_app apps[LC_MODULE_APPS_MAX];
	uint8_t near_end_implementation, far_end_config; /* CMIS 210/211 "Cable Assembly Lane
	                                                 * Information", raw: encodings UNCONFIRMED */
	uint8_t eth_compliance, ext_compliance; /* SFF-8636 131/192 */
	char ext_compliance_name[80];
	bool rx_power_is_average;               /* false: OMA */
	unsigned tx_bias_multiplier;            /* CMIS 1/2/4; 1 for SFF-8636 */
} lc_module_info;

/* Decode by identifier (byte 0): SFF-8636 for 0x0C/0x0D/0x11, CMIS for 0x18/0x19/0x1E/0x21. */
int lc_module_decode(const lc_module_image *img, lc_module_info *out, lc_diag *diag);
int lc_sff8636_decode(const lc_module_image *img, lc_module_info *out, lc_diag *diag);
int lc_cmis_decode(const lc_module_image *img, lc_module_info *out, lc_diag *diag);

/* Which spec byte 0 calls for; LC_MODULE_SPEC_UNKNOWN otherwise. */
enum lc_module_spec lc_module_spec_of(uint8_t identifier);

/* dBm of a power in mW; -INFINITY for 0 ("no light"). */
double lc_module_mw_to_dbm(double mw);

/* JSON form (docs/module.md "JSON"): a new reference, or NULL (out of memory). */
json_t *lc_module_info_json(const lc_module_info *m);

#endif
