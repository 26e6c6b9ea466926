/* SFF-8636 and CMIS decoders: exact values from hand-made images, and the error every inconsistency gets. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "instruments/module/module_diag.h"
#include "instruments/module/module_info.h"
#include "instruments/module/sff8024.h"
#include "tests/instruments/module_images.h"

static lc_module_image img;
static lc_module_info m;
static lc_diag d;

static uint8_t *page(unsigned p) { return (uint8_t *)lc_module_image_page(&img, 0, p); }

Test(module_cmis, identity_and_applications)
{
	tm_cmis_image(&img, 0);
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0, "%s", d.text);
	cr_assert_eq(m.spec, LC_MODULE_CMIS);
	cr_assert_eq(m.identifier, 0x18);
	cr_assert_str_eq(m.identifier_name, "QSFP-DD");
	cr_assert_str_eq(m.revision_text, "5.0");
	cr_assert_str_eq(m.vendor, "ACME OPTICS");
	cr_assert_str_eq(m.part_number, "AOC-400G-BO");
	cr_assert_str_eq(m.vendor_revision, "B1");
	cr_assert_str_eq(m.serial, "SN12345");
	cr_assert_str_eq(m.date_code, "25010199");
	cr_assert_eq(m.oui[1], 0x90);
	cr_assert_str_eq(m.connector_name, "No separable connector");
	cr_assert_str_eq(m.media_type_name, "Active cable");
	cr_assert(m.has_cable_length);
	cr_assert_float_eq(m.cable_length_m, 2.0, 1e-9);
	cr_assert(m.has_power_class);
	cr_assert_eq(m.power_class, 1, "byte 200 = 0: class 1");
	cr_assert(isnan(m.max_power_w), "byte 201 = 0: no maximum declared");
	cr_assert_float_eq(m.wavelength_nm, 850.0, 1e-9);
	cr_assert_str_eq(m.module_state_name, "Ready");
	cr_assert_eq(m.n_apps, 2);
	cr_assert_str_eq(m.apps[0].host_name, "400GAUI-8 C2M (Annex 120E)");
	cr_assert_str_eq(m.apps[0].media_name, "Active cable assembly with BER < 2.6e-4");
	cr_assert_eq(m.apps[0].host_lanes, 8);
	cr_assert_eq(m.apps[1].host_lanes, 2);
	cr_assert_eq(m.apps[1].host_lane_mask, 0x55);
	cr_assert_eq(m.apps[1].media_lane_mask, 0x55);
	cr_assert(m.rx_power_is_average);
}

Test(module_cmis, dom_flags_thresholds)
{
	tm_cmis_image(&img, 0);
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0, "%s", d.text);
	cr_assert_float_eq(m.temperature_c, 42.5, 1e-9);
	cr_assert_float_eq(m.vcc_v, 3.3, 1e-9);
	cr_assert_eq(m.temperature_flags, LC_MODULE_HIGH_WARN);
	cr_assert_eq(m.n_lanes, 8);
	for (unsigned i = 0; i < 8; i++) {
		cr_assert(m.lanes[i].has_rx_power && m.lanes[i].has_tx_power && m.lanes[i].has_tx_bias);
		cr_assert_float_eq(m.lanes[i].tx_power_mw, (1000 + 100 * i) * 1e-4, 1e-12);
		cr_assert_float_eq(m.lanes[i].rx_power_mw, (5000 - 200 * i) * 1e-4, 1e-12);
		cr_assert_float_eq(m.lanes[i].tx_bias_ma, (3000 + 10 * i) * 2e-3, 1e-12);
	}
	cr_assert(m.lanes[3].rx_los);
	cr_assert_eq(m.lanes[3].rx_power_flags, LC_MODULE_LOW_ALARM);
	cr_assert(!m.lanes[2].rx_los);
	cr_assert(m.lanes[6].tx_disabled);
	cr_assert(!m.lanes[5].tx_disabled);
	cr_assert(m.lanes[7].tx_fault);
	cr_assert_float_eq(lc_module_mw_to_dbm(m.lanes[0].rx_power_mw), -3.0103, 1e-4);
	cr_assert(m.temperature_limits_c.valid);
	cr_assert_float_eq(m.temperature_limits_c.low_alarm, -5.0, 1e-9);
	cr_assert_float_eq(m.vcc_limits_v.high_alarm, 3.6, 1e-9);
	cr_assert_float_eq(m.tx_bias_limits_ma.high_alarm, 15.0, 1e-9);
	cr_assert_float_eq(m.rx_power_limits_mw.low_alarm, 0.0501, 1e-9);
}

/* The multiplier scales the 2 uA unit up (cmis.c cites why): x2 doubles readings and thresholds. */
Test(module_cmis, tx_bias_multiplier)
{
	tm_cmis_image(&img, 1);
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0);
	cr_assert_eq(m.tx_bias_multiplier, 2);
	cr_assert_float_eq(m.lanes[0].tx_bias_ma, 12.0, 1e-9);
	cr_assert_float_eq(m.tx_bias_limits_ma.high_alarm, 30.0, 1e-9);
	tm_cmis_image(&img, 2);
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0);
	cr_assert_float_eq(m.lanes[0].tx_bias_ma, 24.0, 1e-9);
}

Test(module_cmis, flat_copper)
{
	tm_cmis_image(&img, 0);
	img.lower[2] = 0x80;
	img.lower[85] = 0x03;
	img.n_pages = 1; /* page 00h only */
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0, "%s", d.text);
	cr_assert(m.flat_memory);
	cr_assert_str_eq(m.apps[0].media_name, "unknown (0x03)"); /* copper table has no 0x03 */
	cr_assert(!m.has_temperature && !m.lanes[0].has_rx_power && !m.temperature_limits_c.valid);
	cr_assert(!m.has_wavelength);
}

Test(module_cmis, errors_name_the_offset)
{
	tm_cmis_image(&img, 0);
	page(0x00)[0] = 0x19;
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 128"), "%s", d.text);

	tm_cmis_image(&img, 0);
	img.lower[88] = 0x98; /* application 1: 9 host lanes */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 88"), "%s", d.text);

	tm_cmis_image(&img, 0);
	img.lower[93] = 0xC0; /* application 2 (2 lanes) may start on lane 8 */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 93"), "%s", d.text);

	tm_cmis_image(&img, 0);
	img.lower[89] = 0x00; /* application 1 may start nowhere */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);

	tm_cmis_image(&img, 0);
	page(0x00)[3] = 0x07; /* a control character in the vendor name */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 131"), "%s", d.text);

	tm_cmis_image(&img, 0);
	img.lower[1] = 0x21;
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 1"), "%s", d.text);

	tm_cmis_image(&img, 0);
	img.lower[85] = 0x09;
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 85"), "%s", d.text);
}

Test(module_cmis, missing_pages_are_truncated)
{
	tm_cmis_image(&img, 0);
	img.pages[0] = img.pages[--img.n_pages]; /* drop page 00h */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "page 00h"), "%s", d.text);
	tm_cmis_image(&img, 0);
	img.pages[1] = img.pages[--img.n_pages]; /* drop page 01h of a paged module */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_TRUNCATED);
	cr_assert(strstr(d.text, "page 01h"), "%s", d.text);
	tm_cmis_image(&img, 0);
	img.has_lower = false;
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_TRUNCATED);
	/* without 11h the DOM is absent, not zero */
	tm_cmis_image(&img, 0);
	img.n_pages--;
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0);
	cr_assert(!m.lanes[0].has_rx_power);
}

Test(module_sff8636, values)
{
	tm_sff8636_image(&img);
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0, "%s", d.text);
	cr_assert_eq(m.spec, LC_MODULE_SFF8636);
	cr_assert_str_eq(m.identifier_name, "QSFP28");
	cr_assert_str_eq(m.vendor, "FIBERCO");
	cr_assert_str_eq(m.part_number, "QSFP-100G-SR4");
	cr_assert_str_eq(m.connector_name, "MPO 1x12");
	cr_assert_str_eq(m.ext_compliance_name, "100GBASE-SR4 or 25GBASE-SR");
	cr_assert_str_eq(m.media_type_name, "MMF");
	cr_assert(!m.has_cable_length);
	cr_assert_float_eq(m.wavelength_nm, 850.0, 1e-9);
	cr_assert_float_eq(m.temperature_c, -1.5, 1e-9);
	cr_assert_eq(m.temperature_flags, LC_MODULE_LOW_ALARM);
	cr_assert_float_eq(m.vcc_v, 3.29, 1e-9);
	cr_assert_eq(m.n_lanes, 4);
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_float_eq(m.lanes[i].rx_power_mw, (4000 + 100 * i) * 1e-4, 1e-12);
		cr_assert_float_eq(m.lanes[i].tx_bias_ma, (4000 + i) * 2e-3, 1e-12);
		cr_assert_float_eq(m.lanes[i].tx_power_mw, (6000 - 100 * i) * 1e-4, 1e-12);
	}
	cr_assert(m.lanes[1].tx_los && !m.lanes[0].tx_los);
	cr_assert_eq(m.lanes[1].rx_power_flags, LC_MODULE_HIGH_WARN);
	cr_assert_eq(m.lanes[0].rx_power_flags, 0);
	cr_assert(m.lanes[3].tx_disabled && !m.lanes[2].tx_disabled);
	cr_assert_float_eq(m.temperature_limits_c.high_alarm, 80.0, 1e-9);
	cr_assert_float_eq(m.rx_power_limits_mw.high_alarm, 3.4674, 1e-9);
	cr_assert_float_eq(m.tx_bias_limits_ma.high_alarm, 12.0, 1e-9);
	cr_assert(m.rx_power_is_average);
}

Test(module_sff8636, errors)
{
	tm_sff8636_image(&img);
	page(0x00)[0] = 0x0D;
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 128"), "%s", d.text);
	tm_sff8636_image(&img);
	page(0x00)[68 + 2] = 0xC3; /* serial byte 198 */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_FORMAT);
	cr_assert(strstr(d.text, "offset 198"), "%s", d.text);
	tm_sff8636_image(&img);
	img.n_pages = 0;
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_TRUNCATED);
	/* the other decoder refuses it by its identifier */
	tm_sff8636_image(&img);
	cr_assert_eq(lc_cmis_decode(&img, &m, &d), LC_ERR_FORMAT);
	tm_cmis_image(&img, 0);
	cr_assert_eq(lc_sff8636_decode(&img, &m, &d), LC_ERR_FORMAT);
	img.lower[0] = 0x03; /* SFP: neither */
	cr_assert_eq(lc_module_decode(&img, &m, &d), LC_ERR_UNSUPPORTED);
	cr_assert(strstr(d.text, "SFP"), "%s", d.text);
}

Test(module_json, keys_and_no_light)
{
	tm_cmis_image(&img, 0);
	cr_assert_eq(lc_module_decode(&img, &m, &d), 0);
	m.lanes[2].rx_power_mw = 0;
	/* the public form is text the caller frees; it reads back as the documented object */
	char *text = NULL;
	cr_assert_eq(lc_module_info_json(&m, &text, &d), 0, "%s", d.text);
	static const char head[] = "{\n  \"spec\": \"CMIS\",\n  \"identifier\": 24,";
	cr_assert(strncmp(text, head, sizeof(head) - 1) == 0, "%s", text);
	json_t *j = json_loads(text, 0, NULL);
	free(text);
	cr_assert_not_null(j);
	cr_assert_str_eq(json_string_value(json_object_get(j, "serial")), "SN12345");
	json_t *lanes = json_object_get(j, "lanes");
	cr_assert_eq(json_array_size(lanes), 8);
	cr_assert(json_is_null(json_object_get(json_array_get(lanes, 2), "rx_power_dbm")));
	cr_assert_float_eq(json_real_value(json_object_get(json_array_get(lanes, 0), "tx_bias_ma")), 6.0, 1e-9);
	json_t *rxf = json_object_get(json_array_get(lanes, 3), "rx_power_flags");
	cr_assert_str_eq(json_string_value(json_array_get(rxf, 0)), "low_alarm");
	cr_assert_eq(json_array_size(json_object_get(j, "applications")), 2);
	cr_assert_float_eq(json_real_value(json_object_get(json_object_get(json_object_get(j, "thresholds"), "temperature_c"),
							   "high_alarm")), 75.0, 1e-9);
	json_decref(j);
}

Test(module_sff8024, tables)
{
	cr_assert_str_eq(lc_sff8024_name(LC_SFF8024_SMF_IF, 0x1C), "400GBASE-DR4 (Clause 124)");
	cr_assert_str_eq(lc_sff8024_name(LC_SFF8024_MMF_IF, 0x10), "400GBASE-SR8 (Clause 138)");
	cr_assert_str_eq(lc_sff8024_name(LC_SFF8024_CONNECTOR, 0x28), "MPO 1x16");
	cr_assert_null(lc_sff8024_name(LC_SFF8024_ID, 0x77));
	cr_assert_eq(lc_sff8024_media_table(0x05), -1);
}

Test(module_json, null_arguments_leave_no_text)
{
	char *text = (char *)"unchanged";
	cr_assert_eq(lc_module_info_json(NULL, &text, &d), LC_ERR_ARG);
	cr_assert_null(text, "*json is NULL on failure");
	cr_assert_eq(lc_module_info_json(&m, NULL, &d), LC_ERR_ARG);
}

/* ---- CMIS diagnostics (pages 13h/14h, instruments/module/module_diag.h) ---- */

Test(module_diag, advertisement)
{
	uint8_t p[128] = {0};
	p[0] = 0x0A;               /* 128: loopbacks */
	p[1] = 0xD0;               /* 129: gating > 20 ms, real-time BER */
	p[2] = 0x01;               /* 130: BER register */
	p[4] = 0x01, p[5] = 0x10;  /* 132/133 host generator: PRBS-31Q, SSPRQ */
	p[6] = 0x02, p[7] = 0x00;  /* 134/135 media generator: PRBS-31 */
	p[8] = 0x00, p[9] = 0x00;  /* 136/137 host checker: none */
	p[10] = 0x03, p[11] = 0x10; /* 138/139 media checker: PRBS-31Q, PRBS-31, SSPRQ */
	lc_module_diag_caps c;
	cr_assert_eq(lc_module_diag_caps_decode(p, &c, &d), 0, "%s", d.text);
	cr_assert(c.present);
	cr_assert_eq(c.loopback, 0x0A);
	cr_assert_eq(c.pattern_caps, 0xD0);
	cr_assert_eq(c.gen[LC_PRBS_HOST], 0x1001);
	cr_assert_eq(c.gen[LC_PRBS_MEDIA], 0x0002);
	cr_assert_eq(c.chk[LC_PRBS_HOST], 0);
	cr_assert_eq(c.chk[LC_PRBS_MEDIA], 0x1003);
	cr_assert(lc_module_diag_can(&c, LC_PRBS_HOST, true, 12), "SSPRQ host generator");
	cr_assert_not(lc_module_diag_can(&c, LC_PRBS_HOST, true, 1));
	cr_assert(lc_module_diag_can(&c, LC_PRBS_MEDIA, true, 1));
	cr_assert_not(lc_module_diag_can(&c, LC_PRBS_MEDIA, true, 0));
	cr_assert_not(lc_module_diag_can(&c, LC_PRBS_HOST, false, 0), "no host checker");
	cr_assert(lc_module_diag_can(&c, LC_PRBS_MEDIA, false, 0));
	cr_assert_not(lc_module_diag_can(&c, LC_PRBS_MEDIA, false, 13), "ids stop at 12");
	cr_assert_not(lc_module_diag_can(&c, LC_PRBS_MEDIA, false, -1));
	/* without the BER register the checker's result cannot be read: nothing is usable */
	p[2] = 0x02;
	cr_assert_eq(lc_module_diag_caps_decode(p, &c, &d), 0);
	cr_assert_not(lc_module_diag_can(&c, LC_PRBS_MEDIA, false, 0));
	lc_module_diag_caps none = {0};
	cr_assert_not(lc_module_diag_can(&none, LC_PRBS_MEDIA, false, 0), "no page 13h");
	cr_assert_not(lc_module_diag_can(NULL, LC_PRBS_MEDIA, false, 0));
	cr_assert_eq(lc_module_diag_caps_decode(NULL, &c, &d), LC_ERR_ARG);
}

Test(module_diag, ber_format)
{
	cr_assert_eq(lc_module_f16_ber(0, 0), 0.0);
	/* exponent 21 (10^-3), mantissa 1: 1e-3 */
	cr_assert_float_eq(lc_module_f16_ber(21 << 3, 1), 1e-3, 1e-18);
	/* exponent 12 (10^-12), mantissa 0x2FF = 767: 7.67e-10 */
	cr_assert_float_eq(lc_module_f16_ber(12 << 3 | 0x02, 0xFF), 767e-12, 1e-20);
	/* the largest mantissa, exponent 0: 2047e-24 */
	cr_assert_float_eq(lc_module_f16_ber(0x07, 0xFF), 2047e-24, 1e-35);
	/* SONiC's HLD example "5.0E-1": mantissa 5, exponent 23 */
	cr_assert_float_eq(lc_module_f16_ber(23 << 3, 5), 0.5, 1e-15);
}

Test(module_diag, pattern_names)
{
	cr_assert_eq(lc_module_prbs_pattern_parse("PRBS31Q"), 0);
	cr_assert_eq(lc_module_prbs_pattern_parse("prbs-31"), 1);
	cr_assert_eq(lc_module_prbs_pattern_parse("SSPRQ"), 12);
	cr_assert_eq(lc_module_prbs_pattern_parse("PRBS7"), 11);
	cr_assert_eq(lc_module_prbs_pattern_parse("PRBS58"), -1);
	cr_assert_eq(lc_module_prbs_pattern_parse(NULL), -1);
	cr_assert_str_eq(lc_module_prbs_pattern_name(4), "PRBS15Q");
	cr_assert_str_eq(lc_module_prbs_pattern_name(13), "?");
}
