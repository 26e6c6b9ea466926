/* IDN parsing, vendor aliases, model matching, quirks, class names, 816x layout. */
#include <criterion/criterion.h>
#include <string.h>

#include "instruments/power_meter/keysight_816x.h"
#include "instruments/registry.h"

static const lc_model *match(const char *idn_text)
{
	lc_idn idn;
	lc_diag d;
	cr_assert_eq(lc_idn_parse(idn_text, &idn, &d), 0, "%s", d.text);
	const lc_model *m = NULL;
	int rc = lc_registry_match(&idn, &m, &d);
	return rc == 0 ? m : NULL;
}

Test(idn, parses_four_fields_trimmed)
{
	lc_idn idn;
	cr_assert_eq(lc_idn_parse("Dicon Fiberoptics Inc, GP600, 19A0M10D0117, 7.0", &idn, NULL), 0);
	cr_assert_str_eq(idn.vendor_raw, "Dicon Fiberoptics Inc");
	cr_assert_str_eq(idn.vendor, "DiCon");
	cr_assert_str_eq(idn.model, "GP600");
	cr_assert_str_eq(idn.serial, "19A0M10D0117");
	cr_assert_str_eq(idn.firmware, "7.0");
}

Test(idn, vendor_aliases)
{
	lc_idn idn;
	cr_assert_eq(lc_idn_parse("Agilent Technologies,8164B,DE12345678,V5.25(72637)", &idn, NULL), 0);
	cr_assert_str_eq(idn.vendor, "Keysight");
	cr_assert_eq(lc_idn_parse("KEYSIGHT TECHNOLOGIES,N7745C,MY59700220,V2.022", &idn, NULL), 0);
	cr_assert_str_eq(idn.vendor, "Keysight");
	cr_assert_eq(lc_idn_parse("THORLABS,PM100USB,P2000123,1.6.0", &idn, NULL), 0);
	cr_assert_str_eq(idn.vendor, "Thorlabs");
	cr_assert_eq(lc_idn_parse("Acme Optics,X1,1,1", &idn, NULL), 0);
	cr_assert_str_eq(idn.vendor, "Acme Optics", "unknown vendors keep their own name");
	cr_assert_null(lc_vendor_alias("Acme Optics"));
}

Test(idn, firmware_keeps_extra_commas)
{
	lc_idn idn;
	cr_assert_eq(lc_idn_parse("Keysight Technologies,N7744C,MY1,V1.0,build 7", &idn, NULL), 0);
	cr_assert_str_eq(idn.firmware, "V1.0,build 7");
}

Test(idn, two_fields_are_enough_and_missing_ones_empty)
{
	lc_idn idn;
	cr_assert_eq(lc_idn_parse("THORLABS,PM400", &idn, NULL), 0);
	cr_assert_str_eq(idn.model, "PM400");
	cr_assert_str_eq(idn.serial, "");
}

Test(idn, malformed_replies_are_protocol_errors)
{
	lc_idn idn;
	lc_diag d;
	cr_assert_eq(lc_idn_parse("", &idn, &d), LC_ERR_PROTOCOL);
	cr_assert_eq(lc_idn_parse("JUSTONEFIELD", &idn, &d), LC_ERR_PROTOCOL);
	cr_assert(strstr(d.text, "JUSTONEFIELD"), "%s", d.text);
	cr_assert_eq(lc_idn_parse(",N7744C,1,1", &idn, &d), LC_ERR_PROTOCOL);
	cr_assert_eq(lc_idn_parse("Keysight Technologies, ,1,1", &idn, &d), LC_ERR_PROTOCOL);
	cr_assert_eq(lc_idn_parse(NULL, &idn, &d), LC_ERR_ARG);
}

Test(registry, models_bind_to_their_drivers)
{
	const lc_model *m = match("Keysight Technologies,N7744C,MY123,V1.0");
	cr_assert_not_null(m);
	cr_assert_str_eq(m->driver, "keysight_n774x");
	cr_assert_eq(m->quirks.channels, 4);
	m = match("Keysight Technologies,N7745C,MY123,V1.0");
	cr_assert_eq(m->quirks.channels, 8);
	cr_assert_eq(m->quirks.block_order, LC_LITTLE_ENDIAN);
	cr_assert_str_eq(match("Agilent Technologies,N7745A,MY1,1")->driver, "keysight_n774x");
	cr_assert_str_eq(match("Agilent Technologies,8164B,DE1,V5")->driver, "keysight_816x");
	cr_assert_eq(match("Agilent Technologies,8164B,DE1,V5")->quirks.min_slot, 0);
	cr_assert_eq(match("Keysight Technologies,8163B,DE1,V5")->quirks.max_slot, 2);
	cr_assert_str_eq(match("THORLABS,PM100D,P1,2.1.0")->driver, "thorlabs_pm100");
	cr_assert_str_eq(match("THORLABS,PM400,P1,1.0.0")->driver, "thorlabs_pm100");
	cr_assert_str_eq(match("Dicon Fiberoptics Inc, GP600, 19A0M10D0117, 7.0")->driver, "dicon_gp600");
	cr_assert(match("Dicon Fiberoptics Inc, GP600, 1, 7.0")->quirks.route_readback);
	cr_assert_str_eq(match("Keysight Technologies,N7734A,MY1,1.0")->driver, "keysight_n773x");
	cr_assert_str_eq(match("keysight technologies,n7744c,MY1,1.0")->driver, "keysight_n774x",
			 "case-insensitive");
}

Test(registry, unknown_instruments_are_reported_not_guessed)
{
	lc_idn idn;
	lc_diag d;
	const lc_model *m = (const lc_model *)1;
	cr_assert_eq(lc_idn_parse("Keysight Technologies,N7786C,MY59700220,V2.022", &idn, NULL), 0);
	cr_assert_eq(lc_registry_match(&idn, &m, &d), LC_ERR_NOT_FOUND);
	cr_assert_null(m);
	cr_assert(strstr(d.text, "N7786C") && strstr(d.text, "MY59700220"), "%s", d.text);
	cr_assert_null(match("Acme Optics,N7744C,1,1"), "right model, wrong vendor");
	cr_assert_null(match("Keysight Technologies,N7746C,1,1"));
}

Test(registry, every_row_names_a_registered_driver)
{
	size_t i = 0;
	for (const lc_model *m; (m = lc_registry_model_at(i)); i++) {
		const lc_driver *d = lc_registry_driver(m->driver);
		cr_assert_not_null(d, "row %zu names '%s'", i, m->driver);
		cr_assert_not_null(d->classes);
		cr_assert_not_null(d->classes[0]);
	}
	cr_assert_gt(i, 5);
	cr_assert_null(lc_registry_driver("nonesuch"));
	cr_assert_not_null(lc_registry_driver_at(0));
}

Test(registry, quirks_defaults)
{
	lc_quirks row = {.channels = 4, .settle_ms = 20}, eff;
	lc_quirks_effective(&row, &eff);
	cr_assert_eq(eff.timeout_ms, 3000);
	cr_assert_eq(eff.opc_timeout_ms, 10000);
	cr_assert_float_eq(eff.atime_margin, 1.1, 1e-12);
	cr_assert_eq(eff.zero_timeout_ms, 30000);
	cr_assert_eq(eff.settle_ms, 20);
	cr_assert_eq(eff.channels, 4);
	row.timeout_ms = 500;
	lc_quirks_effective(&row, &eff);
	cr_assert_eq(eff.timeout_ms, 500);
}

Test(classes, names_round_trip)
{
	for (int c = LC_CLASS_POWER_METER; c < LC_CLASS_COUNT; c++)
		cr_assert_eq(lc_inst_class_parse(lc_inst_class_name((enum lc_inst_class)c)), c);
	cr_assert_str_eq(lc_inst_class_name(LC_CLASS_POWER_METER), "power_meter");
	cr_assert_str_eq(lc_inst_class_name((enum lc_inst_class)99), "none");
	cr_assert_eq(lc_inst_class_parse("toaster"), LC_ERR_NOT_FOUND);
	cr_assert_eq(lc_inst_class_parse(NULL), LC_ERR_NOT_FOUND);
}

Test(layout_816x, parses_modules)
{
	lc_816x_layout l;
	lc_diag d;
	cr_assert_eq(lc_816x_layout_parse("1.1:sensor,1.2:sensor,2:source@1310/1550!wavsel,3:rl@1550,0:tls@1500-1630",
					  0, 4, &l, &d), 0, "%s", d.text);
	cr_assert_eq(l.n, 5);
	cr_assert_eq(l.m[1].kind, LC_816X_SENSOR);
	cr_assert_eq(l.m[1].slot, 1);
	cr_assert_eq(l.m[1].chan, 2);
	cr_assert_eq(l.m[2].kind, LC_816X_SOURCE);
	cr_assert_eq(l.m[2].n_wl, 2);
	cr_assert_float_eq(l.m[2].wl_nm[1], 1550, 1e-9);
	cr_assert(l.m[2].wavsel);
	cr_assert_eq(l.m[3].kind, LC_816X_RL);
	cr_assert_eq(l.m[3].chan, 1);
	cr_assert_eq(l.m[4].kind, LC_816X_TLS);
	cr_assert_float_eq(l.m[4].max_nm, 1630, 1e-9);
	cr_assert_eq(lc_816x_layout_parse(NULL, 1, 2, &l, &d), 0);
	cr_assert_eq(l.n, 0);
}

Test(layout_816x, bad_items_are_named)
{
	static const char *const bad[] = {
		"3:sensor",          /* slot out of 1..2 */
		"1:toaster",         /* kind */
		"1:source",          /* no wavelength */
		"1:sensor@1310",     /* sensor with λ */
		"1:tls@1500",        /* tls without range */
		"1:rl@1550!wavsel",  /* wavsel with one λ */
		"1:sensor,1:sensor", /* twice */
		"1:sensor,",         /* trailing comma */
		",1:sensor",         /* empty item */
		"1.9:sensor",        /* channel */
		"1:source@abc",      /* number */
		"1:sensor junk",     /* trailing text */
		"x:sensor",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		lc_816x_layout l;
		lc_diag d = {0};
		cr_assert_eq(lc_816x_layout_parse(bad[i], 1, 2, &l, &d), LC_ERR_ARG, "'%s' accepted", bad[i]);
		cr_assert(d.text[0], "'%s': no detail", bad[i]);
	}
}
