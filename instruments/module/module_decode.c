/* Decoder dispatch, shared field helpers and the JSON form of a decoded module. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "instruments/json_text.h"
#include "instruments/module/module_decode_priv.h"
#include "instruments/module/module_info.h"
#include "instruments/module/sff8024.h"

enum lc_module_spec lc_module_spec_of(uint8_t id)
{
	switch (id) {
	case 0x0C: /* QSFP: SFF-8436, whose map SFF-8636 kept */
	case 0x0D:
	case 0x11:
		return LC_MODULE_SFF8636;
	case 0x18:
	case 0x19:
	case 0x1E:
	case 0x21:
		return LC_MODULE_CMIS;
	default:
		return LC_MODULE_SPEC_UNKNOWN;
	}
}

int lc_module_decode(const lc_module_image *img, lc_module_info *out, lc_diag *diag)
{
	if (!img || !out)
		return lc_diag_set(diag, LC_ERR_ARG, "module decode: no image");
	if (!img->has_lower)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "lower page absent (offset 0x00)");
	switch (lc_module_spec_of(img->lower[0])) {
	case LC_MODULE_SFF8636:
		return lc_sff8636_decode(img, out, diag);
	case LC_MODULE_CMIS:
		return lc_cmis_decode(img, out, diag);
	default: {
		const char *n = lc_sff8024_name(LC_SFF8024_ID, img->lower[0]);
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "offset 0x00: identifier 0x%02X (%s) is neither SFF-8636 nor CMIS",
				   img->lower[0], n ? n : "unknown");
	}
	}
}

double lc_module_mw_to_dbm(double mw) { return mw > 0 ? 10.0 * log10(mw) : -INFINITY; }

int lc_mod_ascii(const uint8_t *src, size_t len, char *dst, const char *page, unsigned offset, const char *what,
		 lc_diag *diag)
{
	size_t end = len;
	while (end && (src[end - 1] == ' ' || src[end - 1] == 0))
		end--;
	for (size_t i = 0; i < end; i++) {
		if (src[i] < 0x20 || src[i] > 0x7E)
			return lc_diag_set(diag, LC_ERR_FORMAT, "page %s offset %u: %s byte 0x%02X is not printable ASCII", page,
					   offset + (unsigned)i, what, src[i]);
		dst[i] = (char)src[i];
	}
	dst[end] = 0;
	return 0;
}

void lc_mod_code_name(int table, uint8_t code, char *dst, size_t cap)
{
	const char *n = table >= 0 ? lc_sff8024_name((enum lc_sff8024_table)table, code) : NULL;
	if (n)
		snprintf(dst, cap, "%s", n);
	else
		snprintf(dst, cap, "unknown (0x%02X)", code);
}

void lc_mod_limits(const uint8_t *p, double scale, bool is_signed, lc_module_limits *out)
{
	double v[4];
	for (int i = 0; i < 4; i++)
		v[i] = (is_signed ? (double)lc_mod_s16(p + 2 * i) : (double)lc_mod_u16(p + 2 * i)) * scale;
	out->valid = true;
	out->high_alarm = v[0];
	out->low_alarm = v[1];
	out->high_warn = v[2];
	out->low_warn = v[3];
}

/* ---- JSON --------------------------------------------------------------------------------------------- */

static json_t *flags_json(unsigned f)
{
	json_t *a = json_array();
	if (f & LC_MODULE_HIGH_ALARM)
		json_array_append_new(a, json_string("high_alarm"));
	if (f & LC_MODULE_LOW_ALARM)
		json_array_append_new(a, json_string("low_alarm"));
	if (f & LC_MODULE_HIGH_WARN)
		json_array_append_new(a, json_string("high_warning"));
	if (f & LC_MODULE_LOW_WARN)
		json_array_append_new(a, json_string("low_warning"));
	return a;
}

/* dBm or null (no light: JSON has no -infinity) */
static json_t *dbm_json(double mw)
{
	double d = lc_module_mw_to_dbm(mw);
	return isfinite(d) ? json_real(d) : json_null();
}

static json_t *limits_json(const lc_module_limits *l, bool power)
{
	if (!l->valid)
		return json_null();
	json_t *o = json_pack("{s:f,s:f,s:f,s:f}", "high_alarm", l->high_alarm, "low_alarm", l->low_alarm, "high_warning",
			      l->high_warn, "low_warning", l->low_warn);
	if (power && o)
		json_object_set_new(o, "dbm", json_pack("{s:o,s:o,s:o,s:o}", "high_alarm", dbm_json(l->high_alarm), "low_alarm",
							 dbm_json(l->low_alarm), "high_warning", dbm_json(l->high_warn),
							 "low_warning", dbm_json(l->low_warn)));
	return o;
}

static json_t *lane_json(const lc_module_info *m, size_t i)
{
	const lc_module_lane *l = &m->lanes[i];
	json_t *o = json_pack("{s:i,s:b,s:b,s:b,s:b,s:b,s:b}", "lane", (int)i + 1, "tx_disabled", l->tx_disabled, "tx_los",
			      l->tx_los, "rx_los", l->rx_los, "tx_fault", l->tx_fault, "tx_lol", l->tx_lol, "rx_lol", l->rx_lol);
	if (!o)
		return NULL;
	json_object_set_new(o, "tx_bias_ma", l->has_tx_bias ? json_real(l->tx_bias_ma) : json_null());
	json_object_set_new(o, "tx_power_mw", l->has_tx_power ? json_real(l->tx_power_mw) : json_null());
	json_object_set_new(o, "tx_power_dbm", l->has_tx_power ? dbm_json(l->tx_power_mw) : json_null());
	json_object_set_new(o, "rx_power_mw", l->has_rx_power ? json_real(l->rx_power_mw) : json_null());
	json_object_set_new(o, "rx_power_dbm", l->has_rx_power ? dbm_json(l->rx_power_mw) : json_null());
	json_object_set_new(o, "tx_bias_flags", flags_json(l->tx_bias_flags));
	json_object_set_new(o, "tx_power_flags", flags_json(l->tx_power_flags));
	json_object_set_new(o, "rx_power_flags", flags_json(l->rx_power_flags));
	return o;
}

json_t *lc_module_info_to_json(const lc_module_info *m)
{
	char oui[12];
	snprintf(oui, sizeof(oui), "%02X:%02X:%02X", m->oui[0], m->oui[1], m->oui[2]);
	json_t *o = json_pack("{s:s,s:i,s:s,s:s,s:b,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:i,s:s}", "spec",
			      m->spec == LC_MODULE_CMIS ? "CMIS" : "SFF-8636", "identifier", m->identifier, "identifier_name",
			      m->identifier_name, "revision", m->revision_text, "flat_memory", m->flat_memory, "vendor",
			      m->vendor, "vendor_oui", oui, "part_number", m->part_number, "vendor_revision",
			      m->vendor_revision, "serial", m->serial, "date_code", m->date_code, "connector", m->connector,
			      "connector_name", m->connector_name, "media_type", m->media_type, "media_type_name",
			      m->media_type_name);
	if (!o)
		return NULL;
	json_object_set_new(o, "cable_length_m", m->has_cable_length ? json_real(m->cable_length_m) : json_null());
	json_object_set_new(o, "power_class", m->has_power_class ? json_integer(m->power_class) : json_null());
	json_object_set_new(o, "max_power_w",
			    m->has_power_class && isfinite(m->max_power_w) ? json_real(m->max_power_w) : json_null());
	json_object_set_new(o, "wavelength_nm", m->has_wavelength ? json_real(m->wavelength_nm) : json_null());
	json_object_set_new(o, "module_state", m->module_state > 0 ? json_string(m->module_state_name) : json_null());
	json_object_set_new(o, "temperature_c", m->has_temperature ? json_real(m->temperature_c) : json_null());
	json_object_set_new(o, "temperature_flags", flags_json(m->temperature_flags));
	json_object_set_new(o, "vcc_v", m->has_vcc ? json_real(m->vcc_v) : json_null());
	json_object_set_new(o, "vcc_flags", flags_json(m->vcc_flags));
	json_object_set_new(o, "rx_power_type", json_string(m->rx_power_is_average ? "average" : "OMA"));
	json_object_set_new(o, "tx_bias_multiplier", json_integer(m->tx_bias_multiplier));
	json_t *lanes = json_array();
	for (size_t i = 0; i < m->n_lanes; i++)
		json_array_append_new(lanes, lane_json(m, i));
	json_object_set_new(o, "lanes", lanes);
	json_object_set_new(o, "thresholds",
			    json_pack("{s:o,s:o,s:o,s:o,s:o}", "temperature_c", limits_json(&m->temperature_limits_c, false),
				      "vcc_v", limits_json(&m->vcc_limits_v, false), "tx_power_mw",
				      limits_json(&m->tx_power_limits_mw, true), "tx_bias_ma",
				      limits_json(&m->tx_bias_limits_ma, false), "rx_power_mw",
				      limits_json(&m->rx_power_limits_mw, true)));
	if (m->spec == LC_MODULE_CMIS) {
		json_t *apps = json_array();
		for (size_t i = 0; i < m->n_apps; i++) {
			const lc_module_app *a = &m->apps[i];
			json_array_append_new(apps, json_pack("{s:i,s:i,s:s,s:i,s:s,s:i,s:i,s:i,s:i}", "app", (int)i + 1,
							      "host_id", a->host_id, "host_name", a->host_name, "media_id",
							      a->media_id, "media_name", a->media_name, "host_lanes",
							      a->host_lanes, "media_lanes", a->media_lanes, "host_lane_mask",
							      a->host_lane_mask, "media_lane_mask", a->media_lane_mask));
		}
		json_object_set_new(o, "applications", apps);
		json_object_set_new(o, "near_end_implementation", json_integer(m->near_end_implementation));
		json_object_set_new(o, "far_end_config", json_integer(m->far_end_config));
	} else {
		json_object_set_new(o, "ethernet_compliance", json_integer(m->eth_compliance));
		json_object_set_new(o, "extended_compliance", json_integer(m->ext_compliance));
		json_object_set_new(o, "extended_compliance_name", json_string(m->ext_compliance_name));
	}
	return o;
}

int lc_module_info_json(const lc_module_info *m, char **json, lc_diag *diag)
{
	if (json)
		*json = NULL;
	if (!m || !json)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_module_info_json: NULL argument");
	return lc_json_text(lc_module_info_to_json(m), json, diag);
}
