/* SOR reader on the 27 real samples: versions, vendor quirks, checksums, events, trace. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "tests/formats/test_sor_util.h"

Test(sor_read, every_sample_parses_with_a_trace)
{
	for (size_t i = 0; i < LC_SOR_N_SAMPLES; i++) {
		lc_sor *s = sor_sample(lc_sor_samples[i]);
		bool v1 = strncmp(lc_sor_samples[i], "pyotdr-", 7) == 0;
		cr_expect_eq(s->version, v1 ? 1 : 2, "%s", lc_sor_samples[i]);
		cr_expect_eq(s->map_revision, v1 ? 100 : 200, "%s", lc_sor_samples[i]);
		cr_expect_gt(lc_sor_trace_length(s), 7000, "%s", lc_sor_samples[i]);
		cr_expect_eq(s->fxd.n_pulses, 1);
		cr_expect_gt(lc_sor_point_spacing_m(s), 0.05);
		cr_expect(s->sup.supplier != NULL && s->gen.comment != NULL, "strings are never NULL");
		lc_sor_free(s);
	}
}

Test(sor_read, checksum_is_reported_never_enforced)
{
	size_t valid = 0, mismatch = 0, absent = 0;
	for (size_t i = 0; i < LC_SOR_N_SAMPLES; i++) {
		lc_sor *s = sor_sample(lc_sor_samples[i]);
		cr_expect(s->has_cksum_block);
		valid += s->cksum == LC_SOR_CKSUM_VALID;
		mismatch += s->cksum == LC_SOR_CKSUM_MISMATCH;
		absent += s->cksum == LC_SOR_CKSUM_ABSENT;
		lc_sor_free(s);
	}
	/* domain-facts §6c: HP, Noyes M200, Noyes OFL280 native, two Viavi valid; FiberCloud stores 0 */
	cr_expect_eq(valid, 5);
	cr_expect_eq(absent, 7);
	cr_expect_eq(mismatch, 15);

	lc_sor *s = sor_sample("fabry44-example6-viavi-smartotdr-1310nm.sor");
	cr_expect_eq(s->cksum_range, LC_SOR_CKSUM_RANGE_ZEROED_FILE);
	cr_expect_eq(s->cksum_stored, 0xd4a9);
	lc_sor_free(s);
	s = sor_sample("otdrs-example1-noyes-ofl280.sor");
	cr_expect_eq(s->cksum_range, LC_SOR_CKSUM_RANGE_BEFORE_VALUE);
	cr_expect_eq(s->cksum_stored, s->cksum_computed);
	lc_sor_free(s);
	s = sor_sample("pyotdr-demo_ab.sor");
	cr_expect_eq(s->cksum, LC_SOR_CKSUM_VALID);
	cr_expect_eq(s->cksum_stored, 0x97ab);
	lc_sor_free(s);
	s = sor_sample("otdrs-example2-exfo-maxtester730c.sor");
	cr_expect_eq(s->cksum, LC_SOR_CKSUM_MISMATCH);
	cr_expect_eq(s->cksum_stored, 0xc147);
	lc_sor_free(s);
}

Test(sor_read, wavelength_in_nm_quirk_of_noyes)
{
	lc_sor *s = sor_sample("otdrs-example1-noyes-ofl280.sor");
	cr_expect_eq(s->fxd.wavelength, 1550);
	cr_expect_float_eq(lc_sor_wavelength_nm(s), 1550.0, 1e-9);
	cr_expect_float_eq(lc_sor_averaging_time_s(s), 30.0, 1e-9); /* Noyes stores 0.01 s: 3000 */
	lc_sor_free(s);
	s = sor_sample("otdrs-example1-noyes-ofl280-fastreporter-save.sor");
	cr_expect_eq(s->fxd.wavelength, 15500);
	cr_expect_float_eq(lc_sor_wavelength_nm(s), 1550.0, 1e-9);
	lc_sor_free(s);
	s = sor_sample("pyotdr-M200_Sample_005_S13.sor");
	cr_expect_eq(s->fxd.wavelength, 1310);
	cr_expect_float_eq(lc_sor_wavelength_nm(s), 1310.0, 1e-9);
	cr_expect_eq(s->fxd.pulse_width_ns[0], 100);
	lc_sor_free(s);
	s = sor_sample("otdrs-example2-exfo-maxtester730c.sor");
	cr_expect_float_eq(lc_sor_wavelength_nm(s), 1312.9, 1e-9);
	cr_expect_float_eq(lc_sor_averaging_time_s(s), 10.0, 1e-9); /* EXFO stores seconds */
	cr_expect_str_eq(s->sup.module_id, "MAX-730C-SM8-EA");
	cr_expect_float_eq(lc_sor_backscatter_db(s), -79.4, 1e-9);
	lc_sor_free(s);
	s = sor_sample("fabry44-F1_TT07_FO_004_1310_OE.sor");
	cr_expect_float_eq(lc_sor_averaging_time_s(s), 2.0, 1e-9); /* spec unit 0.1 s */
	lc_sor_free(s);
}

Test(sor_read, fibercloud_trailing_bytes_and_missing_keyevents)
{
	lc_sor *s = sor_sample("otdrparser-otdr1.sor");
	cr_expect_eq(s->trailing_bytes, 103);
	cr_expect(s->has_events);
	cr_expect_eq(s->n_events, 2);
	cr_expect_str_eq(s->sup.supplier, "FIBERCLOUD");
	cr_expect_eq(s->cksum_stored, 0);
	cr_expect_eq(s->cksum, LC_SOR_CKSUM_ABSENT);
	lc_sor_free(s);
	s = sor_sample("otdrparser-otdr7.sor");
	cr_expect(!s->has_events);
	cr_expect_eq(s->n_events, 0);
	cr_expect_eq(s->trailing_bytes, 0);
	lc_sor_free(s);
}

Test(sor_read, empty_supplier_strings_and_proprietary_blocks)
{
	lc_sor *s = sor_sample("otdrparser-example.sor");
	cr_expect_str_eq(s->sup.supplier, " ");
	cr_expect_str_eq(s->sup.module_id, "MAX-715B-M3-EA");
	cr_expect_eq(s->n_raw, 1);
	cr_expect_str_eq(s->raw[0].name, "ExfoNewProprietaryBlock 01");
	cr_expect(s->raw[0].had_header);
	cr_expect_eq(s->raw[0].len, 31365 - 27);
	lc_sor_free(s);
	s = sor_sample("otdrparser-1310_0001.sor");
	cr_expect_str_eq(s->raw[0].name, "NetTestTSI "); /* the trailing space is part of the name */
	cr_expect_str_eq(s->raw[3].name, "WaveMTSParams");
	lc_sor_free(s);
	s = sor_sample("fabry44-F1_TT07_FO_004_1310_OE.sor");
	cr_expect_eq(s->n_raw, 10);
	cr_expect(s->has_links); /* Viavi's LnkParams of size 0 */
	cr_expect_eq(s->n_landmarks, 0);
	cr_expect_eq(s->segments[0].scale, 1470);
	cr_expect_str_eq(s->sup.supplier, "Viavi");
	lc_sor_free(s);
	s = sor_sample("pyotdr-demo_ab.sor");
	cr_expect_eq(s->n_raw, 3);
	cr_expect_str_eq(s->raw[0].name, "HPEvent");
	cr_expect(!s->raw[0].had_header); /* v1 bodies have no name header */
	cr_expect_eq(s->raw[0].len, 122);
	lc_sor_free(s);
}

Test(sor_read, keyevents_v1_and_v2)
{
	lc_sor *s = sor_sample("pyotdr-demo_ab.sor");
	cr_assert_eq(s->n_events, 5);
	const lc_sor_event *e = &s->events[4];
	cr_expect_eq(e->number, 5);
	cr_expect_str_eq(e->code, "1E9999");
	cr_expect_str_eq(e->method, "LS");
	cr_expect_eq(e->loss, 13232);
	cr_expect_eq(e->reflectance, -16726);
	cr_expect_float_eq(lc_sor_time_to_m(s, e->time), 50727.9, 0.1);
	cr_expect_str_eq(s->gen.lang, "EN");
	cr_expect_str_eq(s->sup.supplier, "Hewlett Packard");
	lc_sor_free(s);

	s = sor_sample("otdrs-example4-exfo-ftb4ftbx730c-mfdgainer-1550nm.sor");
	cr_assert_eq(s->n_events, 9);
	cr_expect_eq(s->events[1].loss, -363); /* the gainer */
	cr_expect_str_eq(s->events[8].code, "2E9999");
	cr_expect_eq(s->events[8].reflectance, -18256);
	cr_expect_float_eq(lc_sor_time_to_m(s, s->events[1].time), 477.6, 0.1);
	cr_expect_gt(s->events[1].markers[2], s->events[1].markers[1]);
	cr_expect_float_eq(lc_sor_wavelength_nm(s), 1548.6, 1e-9);
	lc_sor_free(s);
}

Test(sor_read, fxdparams_count_may_differ_from_datapts)
{
	lc_sor *s = sor_sample("otdrparser-issue14.sor");
	cr_expect_eq(s->fxd.n_points[0], 37503);
	cr_expect_eq(s->n_points, 38029);
	cr_expect_eq(lc_sor_trace_length(s), 38029);
	cr_expect_eq(s->fxd.pulse_width_ns[0], 1000);
	cr_expect_float_eq(lc_sor_wavelength_nm(s), 1625.0, 1e-9);
	double *y;
	int n = lc_sor_trace_db(s, &y);
	cr_assert_eq(n, 38029);
	for (int i = 0; i < n; i++)
		cr_assert(y[i] <= 0 && y[i] > -66.0, "point %d: %g", i, y[i]);
	free(y);
	/* trace origin: the front-panel offset 52537 x 100 ps puts 0 m about 1073 m into the trace */
	cr_expect_float_eq(lc_sor_trace_origin_m(s), -1071.5, 1.0);
	lc_sor_free(s);
}

Test(sor_read, read_file_errors)
{
	lc_sor *s = NULL;
	lc_diag d;
	cr_expect_eq(lc_sor_read_file("/nonexistent/x.sor", &s, &d), LC_ERR_NOT_FOUND);
	cr_expect(strstr(d.text, "/nonexistent/x.sor") != NULL);
	cr_expect_eq(lc_sor_read_file("/", &s, &d), LC_ERR_IO);
	cr_expect_eq(lc_sor_read_file(NULL, &s, &d), LC_ERR_ARG);
	cr_expect_eq(lc_sor_read(NULL, 0, &s, &d), LC_ERR_ARG);
	cr_expect(s == NULL);
}
