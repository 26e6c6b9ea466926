/*
 * SFF-8636 (QSFP+/QSFP28, 4 lanes) decoder. Byte map: shared/reference/domain-facts.md §5b ([ETHTOOL]
 * qsfp.h, [SONIC-8636] sff8636.py); flag bit layouts from SFF-8636 Rev 2.10a Table 6-4..6-6 as ethtool's
 * qsfp.c reads them (the alarm/warning nibble per lane: high alarm, low alarm, high warning, low warning
 * from the most significant bit down).
 */
#include <stdio.h>
#include <string.h>

#include "instruments/module/module_decode_priv.h"
#include "instruments/module/sff8024.h"

/* Lower page */
#define Q_STATUS 2        /* bit 2: Flat_mem (SFF-8636; ethtool calls it PAGE_3_PRESENT — UNCONFIRMED) */
#define Q_LOS 3           /* bits 0-3 Rx LOS 1-4, bits 4-7 Tx LOS 1-4 */
#define Q_FAULT 4         /* bits 0-3 Tx fault 1-4 */
#define Q_LOL 5           /* bits 0-3 Rx CDR LOL, bits 4-7 Tx CDR LOL */
#define Q_TEMP_FLAGS 6    /* bit 7 high alarm, 6 low alarm, 5 high warning, 4 low warning */
#define Q_VCC_FLAGS 7
#define Q_RX_PWR_FLAGS 9  /* bytes 9-10, a nibble per lane, lane 1 in the high nibble of byte 9 */
#define Q_TX_BIAS_FLAGS 11
#define Q_TX_PWR_FLAGS 13
#define Q_TEMP 22         /* signed, 1/256 °C */
#define Q_VCC 26          /* 100 µV */
#define Q_RX_PWR 34       /* 0.1 µW per lane */
#define Q_TX_BIAS 42      /* 2 µA per lane */
#define Q_TX_PWR 50       /* 0.1 µW per lane */
#define Q_TX_DISABLE 86   /* bits 0-3 */
/* Upper page 00h, offsets within the page data (byte - 128) */
#define Q_ID_COPY (128 - 128)
#define Q_CONNECTOR (130 - 128)
#define Q_ETH (131 - 128)
#define Q_LEN_CABLE (146 - 128) /* copper/AOC assembly length, 1 m units */
#define Q_TECH (147 - 128)      /* bits 7-4 transmitter technology (SFF-8636 Table 6-19) */
#define Q_VENDOR (148 - 128)
#define Q_OUI (165 - 128)
#define Q_PN (168 - 128)
#define Q_REV (184 - 128)
#define Q_WAVELENGTH (186 - 128) /* value / 20 nm; for copper the attenuation instead */
#define Q_EXT (192 - 128)
#define Q_SN (196 - 128)
#define Q_DATE (212 - 128)
#define Q_DIAG_TYPE (220 - 128) /* bit 3: Rx power average (1) or OMA (0) — bit UNCONFIRMED (domain-facts §5b) */
/* Upper page 03h thresholds */
#define Q_TH_TEMP (128 - 128)
#define Q_TH_VCC (144 - 128)
#define Q_TH_RX (176 - 128)
#define Q_TH_BIAS (184 - 128)
#define Q_TH_TX (192 - 128)

/* The 4-bit alarm/warning nibble of lane i (0..3) in a two-byte flag field. */
static unsigned lane_flags(const uint8_t *p, size_t i)
{
	unsigned nib = (i % 2 == 0) ? p[i / 2] >> 4 : p[i / 2] & 0x0F;
	return ((nib & 8) ? LC_MODULE_HIGH_ALARM : 0) | ((nib & 4) ? LC_MODULE_LOW_ALARM : 0) |
	       ((nib & 2) ? LC_MODULE_HIGH_WARN : 0) | ((nib & 1) ? LC_MODULE_LOW_WARN : 0);
}

static unsigned module_flags(uint8_t b)
{
	return ((b & 0x80) ? LC_MODULE_HIGH_ALARM : 0) | ((b & 0x40) ? LC_MODULE_LOW_ALARM : 0) |
	       ((b & 0x20) ? LC_MODULE_HIGH_WARN : 0) | ((b & 0x10) ? LC_MODULE_LOW_WARN : 0);
}

/* CMIS-style media type from SFF-8636's transmitter technology and compliance codes. */
static uint8_t media_of(uint8_t tech, uint8_t ext)
{
	unsigned t = tech >> 4;
	if (t == 0x0A || t == 0x0B) /* copper unequalized / passive equalized */
		return 0x03;
	if (t >= 0x0C) /* copper with active equalizers */
		return 0x04;
	if (ext == 0x01 || ext == 0x18 || ext == 0x31 || ext == 0x33) /* AOC compliance codes (sff8024.def) */
		return 0x04;
	if (t == 0x00) /* 850 nm VCSEL */
		return 0x01;
	if (t == 0x08) /* other / none */
		return 0x00;
	return 0x02;
}

int lc_sff8636_decode(const lc_module_image *img, lc_module_info *m, lc_diag *diag)
{
	memset(m, 0, sizeof(*m));
	if (!img->has_lower)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "lower page absent (offset 0x00)");
	const uint8_t *lo = img->lower;
	if (lc_module_spec_of(lo[0]) != LC_MODULE_SFF8636)
		return lc_diag_set(diag, LC_ERR_FORMAT, "offset 0x00: identifier 0x%02X is not an SFF-8636 module", lo[0]);
	const uint8_t *p0 = lc_module_image_page(img, 0, 0x00);
	if (!p0)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "page 00h absent (offset 0x80)");
	if (p0[Q_ID_COPY] != lo[0])
		return lc_diag_set(diag, LC_ERR_FORMAT, "page 00h offset 128: identifier 0x%02X differs from byte 0 (0x%02X)",
				   p0[Q_ID_COPY], lo[0]);
	m->spec = LC_MODULE_SFF8636;
	m->identifier = lo[0];
	lc_mod_code_name(LC_SFF8024_ID, lo[0], m->identifier_name, sizeof(m->identifier_name));
	m->revision = lo[1];
	snprintf(m->revision_text, sizeof(m->revision_text), "rev 0x%02X", lo[1]);
	m->flat_memory = lo[Q_STATUS] & 0x04;
	int rc;
	if ((rc = lc_mod_ascii(p0 + Q_VENDOR, 16, m->vendor, "00h", 148, "vendor name", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + Q_PN, 16, m->part_number, "00h", 168, "part number", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + Q_REV, 2, m->vendor_revision, "00h", 184, "revision", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + Q_SN, 16, m->serial, "00h", 196, "serial number", diag)) < 0 ||
	    (rc = lc_mod_ascii(p0 + Q_DATE, 8, m->date_code, "00h", 212, "date code", diag)) < 0)
		return rc;
	memcpy(m->oui, p0 + Q_OUI, 3);
	m->connector = p0[Q_CONNECTOR];
	lc_mod_code_name(LC_SFF8024_CONNECTOR, m->connector, m->connector_name, sizeof(m->connector_name));
	m->eth_compliance = p0[Q_ETH];
	m->ext_compliance = p0[Q_EXT];
	lc_mod_code_name(LC_SFF8024_EXT_COMPLIANCE, m->ext_compliance, m->ext_compliance_name,
			 sizeof(m->ext_compliance_name));
	m->media_type = media_of(p0[Q_TECH], m->ext_compliance);
	lc_mod_code_name(LC_SFF8024_MEDIA_TYPE, m->media_type, m->media_type_name, sizeof(m->media_type_name));
	if (m->media_type == 0x03 || m->media_type == 0x04) {
		m->has_cable_length = true;
		m->cable_length_m = p0[Q_LEN_CABLE];
	}
	if (m->media_type != 0x03 && m->media_type != 0x00 && lc_mod_u16(p0 + Q_WAVELENGTH)) {
		m->has_wavelength = true;
		m->wavelength_nm = lc_mod_u16(p0 + Q_WAVELENGTH) / 20.0;
	}
	m->rx_power_is_average = p0[Q_DIAG_TYPE] & 0x08;
	m->tx_bias_multiplier = 1;
	m->module_state = -1;
	m->has_temperature = m->has_vcc = true;
	m->temperature_c = lc_mod_s16(lo + Q_TEMP) / 256.0;
	m->vcc_v = lc_mod_u16(lo + Q_VCC) * 100e-6;
	m->temperature_flags = module_flags(lo[Q_TEMP_FLAGS]);
	m->vcc_flags = module_flags(lo[Q_VCC_FLAGS]);
	m->n_lanes = 4;
	bool copper = m->media_type == 0x03;
	for (size_t i = 0; i < 4; i++) {
		lc_module_lane *l = &m->lanes[i];
		l->rx_los = lo[Q_LOS] & (1u << i);
		l->tx_los = lo[Q_LOS] & (0x10u << i);
		l->tx_fault = lo[Q_FAULT] & (1u << i);
		l->rx_lol = lo[Q_LOL] & (1u << i);
		l->tx_lol = lo[Q_LOL] & (0x10u << i);
		l->tx_disabled = lo[Q_TX_DISABLE] & (1u << i);
		/* a passive copper cable has no optics: its DOM bytes mean nothing */
		l->has_rx_power = l->has_tx_bias = l->has_tx_power = !copper;
		l->rx_power_mw = lc_mod_u16(lo + Q_RX_PWR + 2 * i) * 1e-4;
		l->tx_bias_ma = lc_mod_u16(lo + Q_TX_BIAS + 2 * i) * 2e-3;
		l->tx_power_mw = lc_mod_u16(lo + Q_TX_PWR + 2 * i) * 1e-4;
		l->rx_power_flags = lane_flags(lo + Q_RX_PWR_FLAGS, i);
		l->tx_bias_flags = lane_flags(lo + Q_TX_BIAS_FLAGS, i);
		l->tx_power_flags = lane_flags(lo + Q_TX_PWR_FLAGS, i);
	}
	const uint8_t *p3 = lc_module_image_page(img, 0, 0x03);
	if (p3) {
		lc_mod_limits(p3 + Q_TH_TEMP, 1.0 / 256.0, true, &m->temperature_limits_c);
		lc_mod_limits(p3 + Q_TH_VCC, 100e-6, false, &m->vcc_limits_v);
		lc_mod_limits(p3 + Q_TH_RX, 1e-4, false, &m->rx_power_limits_mw);
		lc_mod_limits(p3 + Q_TH_BIAS, 2e-3, false, &m->tx_bias_limits_ma);
		lc_mod_limits(p3 + Q_TH_TX, 1e-4, false, &m->tx_power_limits_mw);
	}
	return 0;
}
