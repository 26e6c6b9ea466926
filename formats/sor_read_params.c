/* GenParams, SupParams and FxdParams of SOR v1 and v2 (layouts: domain-facts §6a/§6b). */
#include <string.h>

#include "formats/sor_priv.h"

#define TRY(x) do { int rc_ = (x); if (rc_ < 0) return rc_; } while (0)

int lc_sor_read_gen(lc_sor_cursor *c, int version, lc_sor_genparams *g)
{
	TRY(lc_sor_cur_chars(c, 2, "language", g->lang));
	TRY(lc_sor_cur_string(c, "cable ID", &g->cable_id));
	TRY(lc_sor_cur_string(c, "fiber ID", &g->fiber_id));
	if (version >= 2)
		TRY(lc_sor_cur_u16(c, "fiber type", &g->fiber_type));
	TRY(lc_sor_cur_u16(c, "nominal wavelength", &g->nominal_wavelength));
	TRY(lc_sor_cur_string(c, "location A", &g->location_a));
	TRY(lc_sor_cur_string(c, "location B", &g->location_b));
	TRY(lc_sor_cur_string(c, "cable code", &g->cable_code));
	TRY(lc_sor_cur_chars(c, 2, "build condition", g->build_condition));
	TRY(lc_sor_cur_i32(c, "user offset", &g->user_offset));
	if (version >= 2)
		TRY(lc_sor_cur_i32(c, "user offset distance", &g->user_offset_distance));
	TRY(lc_sor_cur_string(c, "operator", &g->operator_name));
	/* Some writers end the block without the comment's NUL; an absent comment is empty, not an error. */
	if (lc_sor_cur_left(c) > 0)
		TRY(lc_sor_cur_string(c, "comment", &g->comment));
	return 0;
}

int lc_sor_read_sup(lc_sor_cursor *c, lc_sor_supparams *s)
{
	char **f[] = {&s->supplier, &s->mainframe_id, &s->mainframe_sn, &s->module_id, &s->module_sn,
		      &s->software_rev, &s->other};
	static const char *const names[] = {"supplier", "mainframe ID", "mainframe SN", "module ID",
					    "module SN", "software revision", "other"};
	for (size_t i = 0; i < 7; i++) {
		if (i == 6 && lc_sor_cur_left(c) == 0)
			break; /* "other" is optional in practice */
		TRY(lc_sor_cur_string(c, names[i], f[i]));
	}
	return 0;
}

int lc_sor_read_fxd(lc_sor_cursor *c, int version, lc_sor_fxdparams *f)
{
	TRY(lc_sor_cur_u32(c, "date/time", &f->timestamp));
	TRY(lc_sor_cur_chars(c, 2, "distance units", f->units));
	TRY(lc_sor_cur_u16(c, "wavelength", &f->wavelength));
	TRY(lc_sor_cur_i32(c, "acquisition offset", &f->acq_offset));
	if (version >= 2)
		TRY(lc_sor_cur_i32(c, "acquisition offset distance", &f->acq_offset_distance));
	size_t at = c->pos;
	TRY(lc_sor_cur_u16(c, "number of pulse widths", &f->n_pulses));
	if (f->n_pulses == 0 || f->n_pulses > LC_SOR_MAX_PULSES)
		return lc_diag_set(c->diag, LC_ERR_FORMAT, "%s: %u pulse widths at offset %zu (1..%d accepted)",
				   c->block, f->n_pulses, at, LC_SOR_MAX_PULSES);
	for (unsigned i = 0; i < f->n_pulses; i++)
		TRY(lc_sor_cur_u16(c, "pulse width", &f->pulse_width_ns[i]));
	for (unsigned i = 0; i < f->n_pulses; i++)
		TRY(lc_sor_cur_u32(c, "data spacing", &f->data_spacing[i]));
	for (unsigned i = 0; i < f->n_pulses; i++)
		TRY(lc_sor_cur_u32(c, "number of data points", &f->n_points[i]));
	TRY(lc_sor_cur_u32(c, "group index", &f->group_index));
	TRY(lc_sor_cur_u16(c, "backscatter coefficient", &f->backscatter));
	TRY(lc_sor_cur_u32(c, "number of averages", &f->n_averages));
	if (version >= 2)
		TRY(lc_sor_cur_u16(c, "averaging time", &f->averaging_time));
	TRY(lc_sor_cur_u32(c, "acquisition range", &f->acq_range));
	if (version >= 2)
		TRY(lc_sor_cur_i32(c, "acquisition range distance", &f->acq_range_distance));
	TRY(lc_sor_cur_i32(c, "front panel offset", &f->front_panel_offset));
	TRY(lc_sor_cur_u16(c, "noise floor level", &f->noise_floor));
	TRY(lc_sor_cur_i16(c, "noise floor scale", &f->noise_floor_scale));
	TRY(lc_sor_cur_u16(c, "power offset", &f->power_offset));
	TRY(lc_sor_cur_u16(c, "loss threshold", &f->loss_threshold));
	TRY(lc_sor_cur_u16(c, "reflectance threshold", &f->refl_threshold));
	TRY(lc_sor_cur_u16(c, "end-of-fiber threshold", &f->eof_threshold));
	if (version >= 2) {
		TRY(lc_sor_cur_chars(c, 2, "trace type", f->trace_type));
		for (int i = 0; i < 4; i++)
			TRY(lc_sor_cur_i32(c, "window coordinate", &f->window[i]));
	}
	/* FiberCloud appends 48 bytes of its own: they are ignored (the reader keeps decoded fields only). */
	return 0;
}
