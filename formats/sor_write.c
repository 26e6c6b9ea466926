/* SOR v2 writer: every decoded block re-encoded, proprietary blocks put back byte for byte, a fresh map and a
 * CRC-16/CCITT-FALSE over every byte before the stored value (the range pyOTDR and Noyes use). Standard
 * blocks come first in the usual v2 order, then the proprietary ones in their original order, then Cksum. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "formats/sor_priv.h"
#include "base/atomic_file.h"

typedef struct body {
	const char *name;
	uint16_t revision;
	lc_sor_buf buf;
} body;

static void put_gen(lc_sor_buf *b, const lc_sor_genparams *g)
{
	lc_sor_put_chars(b, g->lang, 2);
	lc_sor_put_string(b, g->cable_id);
	lc_sor_put_string(b, g->fiber_id);
	lc_sor_put_u16(b, g->fiber_type);
	lc_sor_put_u16(b, g->nominal_wavelength);
	lc_sor_put_string(b, g->location_a);
	lc_sor_put_string(b, g->location_b);
	lc_sor_put_string(b, g->cable_code);
	lc_sor_put_chars(b, g->build_condition, 2);
	lc_sor_put_i32(b, g->user_offset);
	lc_sor_put_i32(b, g->user_offset_distance);
	lc_sor_put_string(b, g->operator_name);
	lc_sor_put_string(b, g->comment);
}

static void put_sup(lc_sor_buf *b, const lc_sor_supparams *s)
{
	const char *f[] = {s->supplier, s->mainframe_id, s->mainframe_sn, s->module_id, s->module_sn,
			   s->software_rev, s->other};
	for (size_t i = 0; i < 7; i++)
		lc_sor_put_string(b, f[i]);
}

static void put_fxd(lc_sor_buf *b, const lc_sor_fxdparams *f)
{
	lc_sor_put_u32(b, f->timestamp);
	lc_sor_put_chars(b, f->units, 2);
	lc_sor_put_u16(b, f->wavelength);
	lc_sor_put_i32(b, f->acq_offset);
	lc_sor_put_i32(b, f->acq_offset_distance);
	lc_sor_put_u16(b, f->n_pulses);
	for (unsigned i = 0; i < f->n_pulses; i++)
		lc_sor_put_u16(b, f->pulse_width_ns[i]);
	for (unsigned i = 0; i < f->n_pulses; i++)
		lc_sor_put_u32(b, f->data_spacing[i]);
	for (unsigned i = 0; i < f->n_pulses; i++)
		lc_sor_put_u32(b, f->n_points[i]);
	lc_sor_put_u32(b, f->group_index);
	lc_sor_put_u16(b, f->backscatter);
	lc_sor_put_u32(b, f->n_averages);
	lc_sor_put_u16(b, f->averaging_time);
	lc_sor_put_u32(b, f->acq_range);
	lc_sor_put_i32(b, f->acq_range_distance);
	lc_sor_put_i32(b, f->front_panel_offset);
	lc_sor_put_u16(b, f->noise_floor);
	lc_sor_put_i16(b, f->noise_floor_scale);
	lc_sor_put_u16(b, f->power_offset);
	lc_sor_put_u16(b, f->loss_threshold);
	lc_sor_put_u16(b, f->refl_threshold);
	lc_sor_put_u16(b, f->eof_threshold);
	lc_sor_put_chars(b, f->trace_type, 2);
	for (int i = 0; i < 4; i++)
		lc_sor_put_i32(b, f->window[i]);
}

static void put_events(lc_sor_buf *b, const lc_sor *sor)
{
	lc_sor_put_u16(b, (uint16_t)sor->n_events);
	for (size_t i = 0; i < sor->n_events; i++) {
		const lc_sor_event *e = &sor->events[i];
		lc_sor_put_u16(b, e->number);
		lc_sor_put_u32(b, e->time);
		lc_sor_put_i16(b, e->slope);
		lc_sor_put_i16(b, e->loss);
		lc_sor_put_i32(b, e->reflectance);
		lc_sor_put_chars(b, e->code, 6);
		lc_sor_put_chars(b, e->method, 2);
		for (int k = 0; k < 5; k++)
			lc_sor_put_u32(b, e->markers[k]);
		lc_sor_put_string(b, e->comment);
	}
	const lc_sor_summary *s = &sor->summary;
	lc_sor_put_i32(b, s->total_loss);
	lc_sor_put_i32(b, s->loss_start);
	lc_sor_put_u32(b, s->loss_end);
	lc_sor_put_u16(b, s->orl);
	lc_sor_put_i32(b, s->orl_start);
	lc_sor_put_u32(b, s->orl_end);
}

static void put_links(lc_sor_buf *b, const lc_sor *sor)
{
	lc_sor_put_u16(b, (uint16_t)sor->n_landmarks);
	for (size_t i = 0; i < sor->n_landmarks; i++) {
		const lc_sor_landmark *l = &sor->landmarks[i];
		lc_sor_put_i16(b, l->number);
		lc_sor_put_chars(b, l->code, 2);
		lc_sor_put_i32(b, l->location);
		lc_sor_put_i16(b, l->event_number);
		lc_sor_put_i32(b, l->gps_longitude);
		lc_sor_put_i32(b, l->gps_latitude);
		lc_sor_put_i16(b, l->fiber_correction);
		lc_sor_put_i32(b, l->sheath_enter);
		lc_sor_put_i32(b, l->sheath_leave);
		lc_sor_put_chars(b, l->sheath_units, 2);
		lc_sor_put_i16(b, l->mode_field_diameter);
		lc_sor_put_string(b, l->comment);
	}
}

static void put_datapts(lc_sor_buf *b, const lc_sor *sor)
{
	lc_sor_put_u32(b, sor->n_points);
	lc_sor_put_i16(b, (int16_t)sor->n_segments);
	for (size_t i = 0; i < sor->n_segments; i++) {
		const lc_sor_trace_segment *sg = &sor->segments[i];
		lc_sor_put_u32(b, sg->n);
		lc_sor_put_u16(b, sg->scale);
		for (size_t k = 0; k < sg->n; k++)
			lc_sor_put_u16(b, sg->values[k]);
	}
}

static int check_model(const lc_sor *sor, lc_diag *diag)
{
	if (sor->fxd.n_pulses == 0 || sor->fxd.n_pulses > LC_SOR_MAX_PULSES)
		return lc_diag_set(diag, LC_ERR_ARG, "FxdParams: %u pulse widths (1..%d)", sor->fxd.n_pulses,
				   LC_SOR_MAX_PULSES);
	if (sor->n_events > 65535 || sor->n_landmarks > 65535 || sor->n_segments > 32767)
		return lc_diag_set(diag, LC_ERR_ARG, "too many events, landmarks or scale factors for SOR");
	if (sor->n_raw + 8 > LC_SOR_MAX_BLOCKS)
		return lc_diag_set(diag, LC_ERR_ARG, "%zu proprietary blocks exceed the %d map entries", sor->n_raw,
				   LC_SOR_MAX_BLOCKS);
	for (size_t i = 0; i < sor->n_segments; i++)
		if (sor->segments[i].n && !sor->segments[i].values)
			return lc_diag_set(diag, LC_ERR_ARG, "DataPts: segment %zu has no values", i);
	for (size_t i = 0; i < sor->n_raw; i++) {
		const char *n = sor->raw[i].name;
		if (!n[0] || memchr(n, 0, LC_SOR_NAME_MAX) == NULL || lc_sor_is_standard_block(n))
			return lc_diag_set(diag, LC_ERR_ARG, "proprietary block %zu has an invalid name", i);
	}
	return 0;
}

int lc_sor_write(const lc_sor *sor, uint8_t **out, size_t *len, lc_diag *diag)
{
	lc_diag_clear(diag);
	if (!sor || !out || !len)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_sor_write: NULL argument");
	int rc = check_model(sor, diag);
	if (rc < 0)
		return rc;
	body bodies[LC_SOR_MAX_BLOCKS];
	size_t nb = 0;
	bodies[nb++] = (body){"GenParams", 200, {0}};
	put_gen(&bodies[nb - 1].buf, &sor->gen);
	bodies[nb++] = (body){"SupParams", 200, {0}};
	put_sup(&bodies[nb - 1].buf, &sor->sup);
	bodies[nb++] = (body){"FxdParams", 200, {0}};
	put_fxd(&bodies[nb - 1].buf, &sor->fxd);
	if (sor->has_events) {
		bodies[nb++] = (body){"KeyEvents", 200, {0}};
		put_events(&bodies[nb - 1].buf, sor);
	}
	if (sor->has_links) {
		bodies[nb++] = (body){"LnkParams", 200, {0}};
		put_links(&bodies[nb - 1].buf, sor);
	}
	bodies[nb++] = (body){"DataPts", 200, {0}};
	put_datapts(&bodies[nb - 1].buf, sor);
	for (size_t i = 0; i < sor->n_raw; i++) {
		bodies[nb++] = (body){sor->raw[i].name, sor->raw[i].revision, {0}};
		lc_sor_put_bytes(&bodies[nb - 1].buf, sor->raw[i].data, sor->raw[i].len);
	}

	lc_sor_buf f = {0};
	lc_sor_put_bytes(&f, "Map", 4);
	lc_sor_put_u16(&f, 200);
	size_t size_at = f.len;
	lc_sor_put_u32(&f, 0);
	lc_sor_put_u16(&f, (uint16_t)(nb + 2)); /* + Map + Cksum */
	size_t total[LC_SOR_MAX_BLOCKS];
	for (size_t i = 0; i < nb; i++) {
		total[i] = strlen(bodies[i].name) + 1 + bodies[i].buf.len;
		lc_sor_put_string(&f, bodies[i].name);
		lc_sor_put_u16(&f, bodies[i].revision);
		lc_sor_put_u32(&f, (uint32_t)total[i]);
	}
	lc_sor_put_string(&f, "Cksum");
	lc_sor_put_u16(&f, 200);
	lc_sor_put_u32(&f, 8);
	lc_sor_patch_u32(&f, size_at, (uint32_t)f.len);
	bool failed = false;
	for (size_t i = 0; i < nb; i++) {
		failed |= bodies[i].buf.failed || total[i] > UINT32_MAX;
		lc_sor_put_string(&f, bodies[i].name);
		lc_sor_put_bytes(&f, bodies[i].buf.data, bodies[i].buf.len);
		free(bodies[i].buf.data);
	}
	lc_sor_put_string(&f, "Cksum");
	if (!f.failed)
		lc_sor_put_u16(&f, lc_sor_crc16(f.data, f.len));
	if (failed || f.failed) {
		free(f.data);
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory while encoding the SOR file");
	}
	*out = f.data;
	*len = f.len;
	return 0;
}

int lc_sor_write_file(const lc_sor *sor, const char *path, lc_diag *diag)
{
	uint8_t *data;
	size_t len;
	int rc = lc_sor_write(sor, &data, &len, diag);
	if (rc < 0)
		return rc;
	rc = lc_atomic_write(path, data, len, 0644, LC_ATOMIC_REPLACE, diag);
	free(data);
	return rc;
}
