/*
 * CMIS 4.0/5.x decoder (QSFP-DD, OSFP, QSFP112; bank 0 = lanes 1-8). Byte map: shared/reference/
 * domain-facts.md §5c ([ETHTOOL] cmis.h/cmis.c, [SONIC-CMIS] page00_lower.py, page10.py, page11.py).
 *
 * Tx bias multiplier (page 01h byte 160 bits 4-3: 00 x1, 01 x2, 10 x4). Settled as a MULTIPLIER of the
 * 2 µA unit: current = raw x 2 µA x 2^m. Sources: OIF CMIS 5.0 names the field "Tx Bias current
 * multiplier" in the Supported Monitors Advertisement of page 01h (byte 160, bits 4-3); SONiC
 * sonic-platform-common sonic_xcvr/api/public/cmis.py applies tx_bias_scale = 2**raw to readings and
 * thresholds; and the reason the field exists — 16 bits of 2 µA end at 131.07 mA, so a module whose bias
 * can exceed that declares x2 or x4 to extend the range. ethtool's cmis.c (2025) shifts the raw value
 * right instead, which would shrink the range; we do not follow it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "instruments/module/module_decode_priv.h"
#include "instruments/module/sff8024.h"

/* Lower page */
#define C_REV 1
#define C_MEMMODEL 2        /* bit 7: flat memory */
#define C_STATE 3           /* bits 3-1 */
#define C_MOD_FLAGS 9       /* bits 0-3 temperature HA/LA/HW/LW, bits 4-7 Vcc (CMIS 5.0 Table 8-8) */
#define C_TEMP 14
#define C_VCC 16
#define C_MEDIA_TYPE 85
#define C_APPS 86           /* 8 x 4 bytes */
/* Page 00h (offsets within the page data) */
#define C_ID_COPY (128 - 128)
#define C_VENDOR (129 - 128)
#define C_OUI (145 - 128)
#define C_PN (148 - 128)
#define C_REV_V (164 - 128)
#define C_SN (166 - 128)
#define C_DATE (182 - 128)
/* byte 200 bits 7-5 = power class - 1, byte 201 = maximum power in 0.25 W units: as ethtool reads them
 * (idosch/ethtool cmis.h CMIS_PWR_CLASS_OFFSET 0xC8, CMIS_PWR_MAX_POWER_OFFSET 0xC9; cmis.c), from a public
 * implementation, not from the standard itself (docs/module.md) */
#define C_POWER_CLASS (200 - 128)
#define C_MAX_POWER (201 - 128)
#define C_CABLE_LEN (202 - 128)
#define C_CONNECTOR (203 - 128)
#define C_NEAR_LANES (210 - 128)
#define C_FAR_LANES (211 - 128)
/* Page 01h */
#define C_WAVELENGTH (138 - 128)  /* x 0.05 nm */
#define C_DIAG_TYPE (151 - 128)   /* bit 4: Rx power is average (1) or OMA (0) */
#define C_MOD_MON_ADV (159 - 128) /* bit 0 temperature, bit 1 Vcc monitor implemented */
#define C_LANE_MON_ADV (160 - 128) /* bit 0 Tx bias, 1 Tx power, 2 Rx power; bits 4-3 bias multiplier */
#define C_MEDIA_LANE_ADV (176 - 128) /* media lane assignment per application */
/* Page 02h thresholds */
#define C_TH_TEMP (128 - 128)
#define C_TH_VCC (136 - 128)
#define C_TH_TX (176 - 128)
#define C_TH_BIAS (184 - 128)
#define C_TH_RX (192 - 128)
/* Page 10h */
#define C_TX_DISABLE (130 - 128)
/* Page 11h */
#define C_TX_FAULT (135 - 128)
#define C_TX_LOS (136 - 128)
#define C_TX_LOL (137 - 128)
#define C_TX_PWR_FLAGS (139 - 128) /* 4 bytes: HA LA HW LW, bit per lane */
#define C_TX_BIAS_FLAGS (143 - 128)
#define C_RX_LOS (147 - 128)
#define C_RX_LOL (148 - 128)
#define C_RX_PWR_FLAGS (149 - 128)
#define C_TX_PWR (154 - 128)
#define C_TX_BIAS (170 - 128)
#define C_RX_PWR (186 - 128)

static const char *const state_names[8] = {"reserved", "LowPwr", "PwrUp", "Ready", "PwrDn", "Fault", "reserved",
					   "reserved"};

static unsigned lane_flags(const uint8_t *p, size_t lane)
{
	unsigned f = 0, bit = 1u << lane;
	if (p[0] & bit)
		f |= LC_MODULE_HIGH_ALARM;
	if (p[1] & bit)
		f |= LC_MODULE_LOW_ALARM;
	if (p[2] & bit)
		f |= LC_MODULE_HIGH_WARN;
	if (p[3] & bit)
		f |= LC_MODULE_LOW_WARN;
	return f;
}

/* Cable assembly length, byte 202: bits 7-6 multiplier (x0.1, x1, x10, x100 m), bits 5-0 value. The x1
 * multiplier is confirmed by a real module (raw 0x42 = 2 m, [XENA]); the others follow the same pattern
 * (UNCONFIRMED, domain-facts §5c). */
static double cable_length(uint8_t b)
{
	static const double mult[4] = {0.1, 1.0, 10.0, 100.0};
	return (b & 0x3F) * mult[b >> 6];
}

static int decode_apps(const lc_module_image *img, const uint8_t *p1, lc_module_info *m, lc_diag *diag)
{
	const uint8_t *lo = img->lower;
	int media_table = lc_sff8024_media_table(m->media_type);
	for (size_t i = 0; i < LC_MODULE_APPS_MAX; i++) {
		const uint8_t *a = lo + C_APPS + 4 * i;
		unsigned off = C_APPS + 4 * (unsigned)i;
		if (a[0] == 0xFF || a[0] == 0x00) /* 0xFF ends the list; 0x00 is an unused entry */
			break;
		lc_module_app *ap = &m->apps[m->n_apps];
		ap->host_id = a[0];
		ap->media_id = a[1];
		ap->host_lanes = a[2] >> 4;
		ap->media_lanes = a[2] & 0x0F;
		ap->host_lane_mask = a[3];
		if (ap->host_lanes < 1 || ap->host_lanes > 8)
			return lc_diag_set(diag, LC_ERR_FORMAT, "offset %u: application %zu advertises %u host lanes (1..8)",
					   off + 2, i + 1, ap->host_lanes);
		if (ap->media_lanes < 1 || ap->media_lanes > 8)
			return lc_diag_set(diag, LC_ERR_FORMAT, "offset %u: application %zu advertises %u media lanes (1..8)",
					   off + 2, i + 1, ap->media_lanes);
		if (ap->host_lane_mask == 0)
			return lc_diag_set(diag, LC_ERR_FORMAT, "offset %u: application %zu may start on no host lane", off + 3,
					   i + 1);
		/* a start lane from which the application would run past lane 8 contradicts its lane count */
		for (unsigned s = 0; s < 8; s++)
			if ((ap->host_lane_mask & (1u << s)) && s + ap->host_lanes > 8)
				return lc_diag_set(diag, LC_ERR_FORMAT, "offset %u: application %zu starts on lane %u but needs %u "
						   "lanes", off + 3, i + 1, s + 1, ap->host_lanes);
		ap->media_lane_mask = p1 ? p1[C_MEDIA_LANE_ADV + i] : 0;
		lc_mod_code_name(LC_SFF8024_HOST_IF, ap->host_id, ap->host_name, sizeof(ap->host_name));
		lc_mod_code_name(media_table, ap->media_id, ap->media_name, sizeof(ap->media_name));
		m->n_apps++;
	}
	return 0;
}

static void decode_lanes(const uint8_t *p1, const uint8_t *p10, const uint8_t *p11, lc_module_info *m)
{
	m->n_lanes = LC_MODULE_LANES_MAX;
	uint8_t adv = p1 ? p1[C_LANE_MON_ADV] : 0;
	unsigned mul = (adv >> 3) & 3;
	m->tx_bias_multiplier = mul == 3 ? 1 : 1u << mul; /* 11b is reserved: unscaled */
	bool optics = m->media_type != 0x03;
	for (size_t i = 0; i < LC_MODULE_LANES_MAX; i++) {
		lc_module_lane *l = &m->lanes[i];
		unsigned bit = 1u << i;
		if (p10)
			l->tx_disabled = p10[C_TX_DISABLE] & bit;
		if (!p11)
			continue;
		l->tx_fault = p11[C_TX_FAULT] & bit;
		l->tx_los = p11[C_TX_LOS] & bit;
		l->tx_lol = p11[C_TX_LOL] & bit;
		l->rx_los = p11[C_RX_LOS] & bit;
		l->rx_lol = p11[C_RX_LOL] & bit;
		l->tx_power_flags = lane_flags(p11 + C_TX_PWR_FLAGS, i);
		l->tx_bias_flags = lane_flags(p11 + C_TX_BIAS_FLAGS, i);
		l->rx_power_flags = lane_flags(p11 + C_RX_PWR_FLAGS, i);
		l->has_tx_bias = optics && (adv & 0x01);
		l->has_tx_power = optics && (adv & 0x02);
		l->has_rx_power = optics && (adv & 0x04);
		l->tx_bias_ma = lc_mod_u16(p11 + C_TX_BIAS + 2 * i) * 2e-3 * m->tx_bias_multiplier;
		l->tx_power_mw = lc_mod_u16(p11 + C_TX_PWR + 2 * i) * 1e-4;
		l->rx_power_mw = lc_mod_u16(p11 + C_RX_PWR + 2 * i) * 1e-4;
	}
}

int lc_cmis_decode(const lc_module_image *img, lc_module_info *m, lc_diag *diag)
{
	memset(m, 0, sizeof(*m));
	if (!img->has_lower)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "lower page absent (offset 0x00)");
	const uint8_t *lo = img->lower;
	if (lc_module_spec_of(lo[0]) != LC_MODULE_CMIS)
		return lc_diag_set(diag, LC_ERR_FORMAT, "offset 0x00: identifier 0x%02X is not a CMIS module", lo[0]);
	if ((lo[C_REV] >> 4) < 3)
		return lc_diag_set(diag, LC_ERR_FORMAT, "offset 1: CMIS revision %u.%u (CMIS starts at 3.0)", lo[C_REV] >> 4,
				   lo[C_REV] & 0x0F);
	const uint8_t *p0 = lc_module_image_page(img, 0, 0x00);
	if (!p0)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "page 00h absent (offset 0x80)");
	if (p0[C_ID_COPY] != lo[0])
		return lc_diag_set(diag, LC_ERR_FORMAT, "page 00h offset 128: identifier 0x%02X differs from byte 0 (0x%02X)",
				   p0[C_ID_COPY], lo[0]);
	m->spec = LC_MODULE_CMIS;
	m->identifier = lo[0];
	lc_mod_code_name(LC_SFF8024_ID, lo[0], m->identifier_name, sizeof(m->identifier_name));
	m->revision = lo[C_REV];
	snprintf(m->revision_text, sizeof(m->revision_text), "%u.%u", lo[C_REV] >> 4, lo[C_REV] & 0x0F);
	m->flat_memory = lo[C_MEMMODEL] & 0x80;
	m->module_state = (lo[C_STATE] >> 1) & 7;
	snprintf(m->module_state_name, sizeof(m->module_state_name), "%s", state_names[m->module_state]);
	int rc;
	if ((rc = lc_mod_ascii(p0 + C_VENDOR, 16, m->vendor, "00h", 129, "vendor name", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + C_PN, 16, m->part_number, "00h", 148, "part number", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + C_REV_V, 2, m->vendor_revision, "00h", 164, "revision", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + C_SN, 16, m->serial, "00h", 166, "serial number", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + C_DATE, 8, m->date_code, "00h", 182, "date code", diag)) < 0)
		return rc;
	memcpy(m->oui, p0 + C_OUI, 3);
	m->connector = p0[C_CONNECTOR];
	lc_mod_code_name(LC_SFF8024_CONNECTOR, m->connector, m->connector_name, sizeof(m->connector_name));
	m->media_type = lo[C_MEDIA_TYPE];
	if (m->media_type > 0x05)
		return lc_diag_set(diag, LC_ERR_FORMAT, "offset %d: media type 0x%02X is reserved", C_MEDIA_TYPE, m->media_type);
	lc_mod_code_name(LC_SFF8024_MEDIA_TYPE, m->media_type, m->media_type_name, sizeof(m->media_type_name));
	if (m->media_type == 0x03 || m->media_type == 0x04) {
		m->has_cable_length = true;
		m->cable_length_m = cable_length(p0[C_CABLE_LEN]);
	}
	m->has_power_class = true;
	m->power_class = (p0[C_POWER_CLASS] >> 5) + 1;
	m->max_power_w = p0[C_MAX_POWER] ? p0[C_MAX_POWER] * 0.25 : NAN;
	m->near_end_implementation = p0[C_NEAR_LANES];
	m->far_end_config = p0[C_FAR_LANES];
	const uint8_t *p1 = NULL, *p2 = NULL, *p10 = NULL, *p11 = NULL;
	if (!m->flat_memory) {
		/* pages 01h and 02h are mandatory for paged memory (CMIS 5.0 §8.1); 10h/11h with lane monitors */
		if (!(p1 = lc_module_image_page(img, 0, 0x01)))
			return lc_diag_set(diag, LC_ERR_TRUNCATED, "page 01h absent (offset 0x80 of page 01h) in a paged module");
		p2 = lc_module_image_page(img, 0, 0x02);
		p10 = lc_module_image_page(img, 0, 0x10);
		p11 = lc_module_image_page(img, 0, 0x11);
	}
	if ((rc = decode_apps(img, p1, m, diag)) < 0)
		return rc;
	m->tx_bias_multiplier = 1;
	if (p1) {
		unsigned wl = lc_mod_u16(p1 + C_WAVELENGTH);
		if (wl && m->media_type != 0x03) {
			m->has_wavelength = true;
			m->wavelength_nm = wl * 0.05;
		}
		m->rx_power_is_average = p1[C_DIAG_TYPE] & 0x10;
		m->has_temperature = p1[C_MOD_MON_ADV] & 0x01;
		m->has_vcc = p1[C_MOD_MON_ADV] & 0x02;
	}
	m->temperature_c = lc_mod_s16(lo + C_TEMP) / 256.0;
	m->vcc_v = lc_mod_u16(lo + C_VCC) * 100e-6;
	uint8_t f = lo[C_MOD_FLAGS];
	m->temperature_flags = f & 0x0F; /* same bit order as LC_MODULE_HIGH_ALARM.. */
	m->vcc_flags = (f >> 4) & 0x0F;
	decode_lanes(p1, p10, p11, m);
	if (p2) {
		lc_mod_limits(p2 + C_TH_TEMP, 1.0 / 256.0, true, &m->temperature_limits_c);
		lc_mod_limits(p2 + C_TH_VCC, 100e-6, false, &m->vcc_limits_v);
		lc_mod_limits(p2 + C_TH_TX, 1e-4, false, &m->tx_power_limits_mw);
		lc_mod_limits(p2 + C_TH_BIAS, 2e-3 * m->tx_bias_multiplier, false, &m->tx_bias_limits_ma);
		lc_mod_limits(p2 + C_TH_RX, 1e-4, false, &m->rx_power_limits_mw);
	}
	return 0;
}
