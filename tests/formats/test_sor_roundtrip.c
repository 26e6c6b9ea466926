/* write(read(f)) read back gives the same decoded fields, events, trace and proprietary blocks, for every
 * sample; the written file has a consistent map and a valid checksum. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/formats/test_sor_util.h"

#define EQ(field) cr_expect_eq(a->field, b->field, "%s: " #field, name)
#define STR(field) cr_expect_str_eq(a->field, b->field, "%s: " #field, name)

static void same_model(const char *name, const lc_sor *a, const lc_sor *b)
{
	STR(gen.lang); STR(gen.cable_id); STR(gen.fiber_id); STR(gen.location_a); STR(gen.location_b);
	STR(gen.cable_code); STR(gen.build_condition); STR(gen.operator_name); STR(gen.comment);
	EQ(gen.nominal_wavelength); EQ(gen.user_offset);
	if (a->version == 2) {
		EQ(gen.fiber_type); EQ(gen.user_offset_distance);
		EQ(fxd.acq_offset_distance); EQ(fxd.averaging_time); EQ(fxd.acq_range_distance);
		STR(fxd.trace_type);
		for (int i = 0; i < 4; i++)
			EQ(fxd.window[i]);
	}
	STR(sup.supplier); STR(sup.mainframe_id); STR(sup.mainframe_sn); STR(sup.module_id); STR(sup.module_sn);
	STR(sup.software_rev); STR(sup.other);
	EQ(fxd.timestamp); STR(fxd.units); EQ(fxd.wavelength); EQ(fxd.acq_offset); EQ(fxd.n_pulses);
	for (unsigned i = 0; i < a->fxd.n_pulses; i++) {
		EQ(fxd.pulse_width_ns[i]); EQ(fxd.data_spacing[i]); EQ(fxd.n_points[i]);
	}
	EQ(fxd.group_index); EQ(fxd.backscatter); EQ(fxd.n_averages); EQ(fxd.acq_range);
	EQ(fxd.front_panel_offset); EQ(fxd.noise_floor); EQ(fxd.noise_floor_scale); EQ(fxd.power_offset);
	EQ(fxd.loss_threshold); EQ(fxd.refl_threshold); EQ(fxd.eof_threshold);

	EQ(has_events); EQ(n_events);
	for (size_t i = 0; i < a->n_events && i < b->n_events; i++) {
		EQ(events[i].number); EQ(events[i].time); EQ(events[i].slope); EQ(events[i].loss);
		EQ(events[i].reflectance); STR(events[i].code); STR(events[i].method); STR(events[i].comment);
		if (a->version == 2)
			for (int k = 0; k < 5; k++)
				EQ(events[i].markers[k]);
	}
	EQ(summary.total_loss); EQ(summary.loss_start); EQ(summary.loss_end); EQ(summary.orl);
	EQ(summary.orl_start); EQ(summary.orl_end);
	EQ(has_links); EQ(n_landmarks);

	EQ(n_points); EQ(n_segments);
	for (size_t i = 0; i < a->n_segments && i < b->n_segments; i++) {
		EQ(segments[i].scale); EQ(segments[i].n);
		if (a->segments[i].n == b->segments[i].n)
			cr_expect(memcmp(a->segments[i].values, b->segments[i].values, 2 * (size_t)a->segments[i].n) == 0,
				  "%s: trace points differ", name);
	}
	EQ(n_raw);
	for (size_t i = 0; i < a->n_raw && i < b->n_raw; i++) {
		STR(raw[i].name); EQ(raw[i].revision); EQ(raw[i].len);
		if (a->raw[i].len == b->raw[i].len)
			cr_expect(memcmp(a->raw[i].data, b->raw[i].data, a->raw[i].len) == 0, "%s: block %s differs",
				  name, a->raw[i].name);
	}
}

Test(sor_roundtrip, every_sample_round_trips)
{
	for (size_t i = 0; i < LC_SOR_N_SAMPLES; i++) {
		const char *name = lc_sor_samples[i];
		lc_sor *a = sor_sample(name);
		uint8_t *out;
		size_t len;
		lc_diag d;
		cr_assert_eq(lc_sor_write(a, &out, &len, &d), 0, "%s: %s", name, d.text);
		lc_sor *b = NULL;
		cr_assert_eq(lc_sor_read(out, len, &b, &d), 0, "%s: written file does not parse: %s", name, d.text);
		cr_expect_eq(b->version, 2);
		cr_expect_eq(b->cksum, LC_SOR_CKSUM_VALID, "%s", name);
		cr_expect_eq(b->cksum_range, LC_SOR_CKSUM_RANGE_BEFORE_VALUE);
		cr_expect_eq(b->trailing_bytes, 0);
		/* the map accounts for every byte: blocks are contiguous and the last ends at EOF */
		const lc_sor_block_info *last = &b->blocks[b->n_blocks - 1];
		cr_expect_str_eq(last->name, "Cksum");
		cr_expect_eq(last->offset + last->size, len);
		for (size_t k = 1; k < b->n_blocks; k++)
			cr_expect_eq(b->blocks[k].offset, b->blocks[k - 1].offset + b->blocks[k - 1].size);
		same_model(name, a, b);
		/* writing the re-read model gives the same bytes: the writer is deterministic */
		uint8_t *out2;
		size_t len2;
		cr_assert_eq(lc_sor_write(b, &out2, &len2, &d), 0);
		cr_expect_eq(len2, len);
		cr_expect(len2 == len && memcmp(out, out2, len) == 0, "%s: second write differs", name);
		free(out);
		free(out2);
		lc_sor_free(a);
		lc_sor_free(b);
	}
}

Test(sor_roundtrip, model_built_from_scratch)
{
	lc_sor *s;
	cr_assert_eq(lc_sor_new(&s), 0);
	cr_expect_eq(s->fxd.loss_threshold, 200);
	cr_expect_eq(s->fxd.refl_threshold, 55000);
	cr_expect_eq(s->fxd.eof_threshold, 3000);
	cr_assert_eq(lc_sor_set_string(&s->sup.supplier, "lanecert sim"), 0);
	/* non-ASCII bytes are kept as stored (Latin-1 and UTF-8 both appear in the field) */
	cr_assert_eq(lc_sor_set_string(&s->gen.location_a, "Z\xc3\xbcrich \xe9"), 0);
	s->fxd.wavelength = 13100;
	s->fxd.pulse_width_ns[0] = 10;
	s->fxd.data_spacing[0] = 100000;
	uint16_t v[300];
	for (int i = 0; i < 300; i++)
		v[i] = (uint16_t)(20000 + 10 * i);
	cr_assert_eq(lc_sor_set_trace(s, v, 300), 0);
	lc_sor_event ev[2] = {{.number = 1, .time = 0, .code = "1F9999", .method = "LS", .reflectance = -45000},
			      {.number = 2, .time = 1000, .loss = 3000, .code = "0E9999", .method = "LS", .comment = "end"}};
	lc_sor_summary sum = {.total_loss = 3500, .orl = 40000};
	cr_assert_eq(lc_sor_set_events(s, ev, 2, &sum), 0);
	uint8_t *out;
	size_t len;
	lc_diag d;
	cr_assert_eq(lc_sor_write(s, &out, &len, &d), 0);
	lc_sor *b;
	cr_assert_eq(lc_sor_read(out, len, &b, &d), 0, "%s", d.text);
	same_model("scratch", s, b);
	cr_expect_str_eq(b->gen.location_a, "Z\xc3\xbcrich \xe9");
	cr_expect_str_eq(b->events[1].comment, "end");
	cr_expect_str_eq(b->events[0].comment, "");
	cr_expect_float_eq(lc_sor_wavelength_nm(b), 1310.0, 1e-9);
	cr_expect_eq(b->cksum_stored, lc_sor_crc16(out, len - 2));
	/* atomic file write */
	char path[4096];
	snprintf(path, sizeof(path), "%s/sor_roundtrip_scratch.sor", getenv("LC_BUILD_DIR") ? getenv("LC_BUILD_DIR") : "/tmp");
	cr_assert_eq(lc_sor_write_file(b, path, &d), 0, "%s", d.text);
	lc_sor *c;
	cr_assert_eq(lc_sor_read_file(path, &c, &d), 0);
	same_model("file", b, c);
	remove(path);
	/* the shared atomic writer says why: the directory does not exist */
	cr_expect_eq(lc_sor_write_file(b, "/nonexistent-dir/x.sor", &d), LC_ERR_NOT_FOUND);
	free(out);
	lc_sor_free(s);
	lc_sor_free(b);
	lc_sor_free(c);
}

Test(sor_roundtrip, crc16_ccitt_false_check_value)
{
	cr_expect_eq(lc_sor_crc16((const uint8_t *)"123456789", 9), 0x29B1);
	cr_expect_eq(lc_sor_crc16((const uint8_t *)"", 0), 0xFFFF);
}

Test(sor_roundtrip, writer_rejects_bad_models)
{
	lc_sor *s;
	cr_assert_eq(lc_sor_new(&s), 0);
	uint8_t *out;
	size_t len;
	lc_diag d;
	s->fxd.n_pulses = 0;
	cr_expect_eq(lc_sor_write(s, &out, &len, &d), LC_ERR_ARG);
	s->fxd.n_pulses = 1;
	s->raw = calloc(1, sizeof(*s->raw));
	s->n_raw = 1;
	strcpy(s->raw[0].name, "DataPts"); /* a raw block may not shadow a standard one */
	cr_expect_eq(lc_sor_write(s, &out, &len, &d), LC_ERR_ARG);
	cr_expect(strstr(d.text, "invalid name") != NULL);
	cr_expect_eq(lc_sor_write(NULL, &out, &len, &d), LC_ERR_ARG);
	lc_sor_free(s);
}

Test(sor_roundtrip, landmarks_and_proprietary_blocks)
{
	lc_sor *s;
	cr_assert_eq(lc_sor_new(&s), 0);
	uint16_t v[100] = {0};
	cr_assert_eq(lc_sor_set_trace(s, v, 100), 0);
	s->fxd.data_spacing[0] = 100000;
	s->has_links = true;
	s->n_landmarks = 2;
	s->landmarks = calloc(2, sizeof(*s->landmarks));
	s->landmarks[0] = (lc_sor_landmark){.number = 1, .code = "MH", .location = 123456, .event_number = 2,
					    .gps_longitude = -73123456, .gps_latitude = 45123456, .fiber_correction = 150,
					    .sheath_enter = 1000, .sheath_leave = 1010, .sheath_units = "mt",
					    .mode_field_diameter = 92};
	lc_sor_set_string(&s->landmarks[0].comment, "manhole 12");
	s->landmarks[1] = (lc_sor_landmark){.number = 2, .code = "PL"};
	lc_sor_set_string(&s->landmarks[1].comment, "");
	s->n_raw = 1;
	s->raw = calloc(1, sizeof(*s->raw));
	strcpy(s->raw[0].name, "VendorX 01");
	s->raw[0].revision = 321;
	s->raw[0].data = malloc(3);
	memcpy(s->raw[0].data, "\0\1\2", 3);
	s->raw[0].len = 3;
	uint8_t *out;
	size_t len;
	lc_diag d;
	cr_assert_eq(lc_sor_write(s, &out, &len, &d), 0, "%s", d.text);
	lc_sor *b;
	cr_assert_eq(lc_sor_read(out, len, &b, &d), 0, "%s", d.text);
	cr_assert_eq(b->n_landmarks, 2);
	const lc_sor_landmark *l = &b->landmarks[0];
	cr_expect_eq(l->number, 1);
	cr_expect_str_eq(l->code, "MH");
	cr_expect_eq(l->location, 123456);
	cr_expect_eq(l->event_number, 2);
	cr_expect_eq(l->gps_longitude, -73123456);
	cr_expect_eq(l->gps_latitude, 45123456);
	cr_expect_eq(l->fiber_correction, 150);
	cr_expect_eq(l->sheath_enter, 1000);
	cr_expect_eq(l->sheath_leave, 1010);
	cr_expect_str_eq(l->sheath_units, "mt");
	cr_expect_eq(l->mode_field_diameter, 92);
	cr_expect_str_eq(l->comment, "manhole 12");
	cr_expect_str_eq(b->landmarks[1].code, "PL");
	cr_assert_eq(b->n_raw, 1);
	cr_expect_str_eq(b->raw[0].name, "VendorX 01");
	cr_expect_eq(b->raw[0].revision, 321);
	cr_expect(b->raw[0].had_header);
	cr_expect(b->raw[0].len == 3 && memcmp(b->raw[0].data, "\0\1\2", 3) == 0);
	/* a landmark count the block cannot hold is refused */
	size_t lnk = 0;
	for (size_t i = 0; i < b->n_blocks; i++)
		if (strcmp(b->blocks[i].name, "LnkParams") == 0)
			lnk = b->blocks[i].offset + 10;
	cr_assert(lnk);
	out[lnk] = 0xff;
	out[lnk + 1] = 0x7f;
	lc_sor *c = NULL;
	cr_expect_eq(lc_sor_read(out, len, &c, &d), LC_ERR_FORMAT);
	cr_expect(strstr(d.text, "LnkParams") && strstr(d.text, "landmarks"), "%s", d.text);
	free(out);
	lc_sor_free(s);
	lc_sor_free(b);
}
