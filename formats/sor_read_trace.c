/* KeyEvents (with the v2 markers and the summary), LnkParams landmarks and DataPts. */
#include <stdlib.h>
#include <string.h>

#include "formats/sor_priv.h"

#define TRY(x) do { int rc_ = (x); if (rc_ < 0) return rc_; } while (0)

static int read_event(lc_sor_cursor *c, int version, lc_sor_event *e)
{
	TRY(lc_sor_cur_u16(c, "event number", &e->number));
	TRY(lc_sor_cur_u32(c, "event propagation time", &e->time));
	TRY(lc_sor_cur_i16(c, "event attenuation coefficient", &e->slope));
	TRY(lc_sor_cur_i16(c, "event loss", &e->loss));
	TRY(lc_sor_cur_i32(c, "event reflectance", &e->reflectance));
	TRY(lc_sor_cur_chars(c, 6, "event code", e->code));
	TRY(lc_sor_cur_chars(c, 2, "loss measurement technique", e->method));
	if (version >= 2)
		for (int i = 0; i < 5; i++)
			TRY(lc_sor_cur_u32(c, "event marker", &e->markers[i]));
	return lc_sor_cur_string(c, "event comment", &e->comment);
}

int lc_sor_read_events(lc_sor_cursor *c, int version, lc_sor *sor)
{
	uint16_t n;
	TRY(lc_sor_cur_u16(c, "number of events", &n));
	/* Each event needs at least 23 bytes (v1) or 43 (v2): reject a count the block cannot hold before
	 * allocating for it. */
	size_t min_each = version >= 2 ? 43 : 23;
	if ((size_t)n * min_each > lc_sor_cur_left(c))
		return lc_diag_set(c->diag, LC_ERR_FORMAT, "%s: %u events announced at offset %zu, block holds %zu bytes",
				   c->block, n, c->pos - 2, lc_sor_cur_left(c));
	sor->events = n ? calloc(n, sizeof(*sor->events)) : NULL;
	if (n && !sor->events)
		return lc_diag_set(c->diag, LC_ERR_NOMEM, "%s: out of memory", c->block);
	sor->n_events = n;
	for (size_t i = 0; i < n; i++)
		TRY(read_event(c, version, &sor->events[i]));
	lc_sor_summary *s = &sor->summary;
	TRY(lc_sor_cur_i32(c, "total loss", &s->total_loss));
	TRY(lc_sor_cur_i32(c, "loss start", &s->loss_start));
	TRY(lc_sor_cur_u32(c, "loss end", &s->loss_end));
	TRY(lc_sor_cur_u16(c, "ORL", &s->orl));
	TRY(lc_sor_cur_i32(c, "ORL start", &s->orl_start));
	TRY(lc_sor_cur_u32(c, "ORL end", &s->orl_end));
	sor->has_events = true;
	return 0;
}

static int read_landmark(lc_sor_cursor *c, lc_sor_landmark *l)
{
	TRY(lc_sor_cur_i16(c, "landmark number", &l->number));
	TRY(lc_sor_cur_chars(c, 2, "landmark code", l->code));
	TRY(lc_sor_cur_i32(c, "landmark location", &l->location));
	TRY(lc_sor_cur_i16(c, "related event number", &l->event_number));
	TRY(lc_sor_cur_i32(c, "GPS longitude", &l->gps_longitude));
	TRY(lc_sor_cur_i32(c, "GPS latitude", &l->gps_latitude));
	TRY(lc_sor_cur_i16(c, "fiber correction factor", &l->fiber_correction));
	TRY(lc_sor_cur_i32(c, "sheath marker entering", &l->sheath_enter));
	TRY(lc_sor_cur_i32(c, "sheath marker leaving", &l->sheath_leave));
	TRY(lc_sor_cur_chars(c, 2, "sheath mark units", l->sheath_units));
	TRY(lc_sor_cur_i16(c, "mode field diameter", &l->mode_field_diameter));
	return lc_sor_cur_string(c, "landmark comment", &l->comment);
}

int lc_sor_read_links(lc_sor_cursor *c, lc_sor *sor)
{
	sor->has_links = true;
	/* Viavi writes LnkParams with size 0 in the map: no landmarks. */
	if (lc_sor_cur_left(c) == 0)
		return 0;
	uint16_t n;
	TRY(lc_sor_cur_u16(c, "number of landmarks", &n));
	if ((size_t)n * 33 > lc_sor_cur_left(c))
		return lc_diag_set(c->diag, LC_ERR_FORMAT, "%s: %u landmarks announced at offset %zu, block holds %zu bytes",
				   c->block, n, c->pos - 2, lc_sor_cur_left(c));
	sor->landmarks = n ? calloc(n, sizeof(*sor->landmarks)) : NULL;
	if (n && !sor->landmarks)
		return lc_diag_set(c->diag, LC_ERR_NOMEM, "%s: out of memory", c->block);
	sor->n_landmarks = n;
	for (size_t i = 0; i < n; i++)
		TRY(read_landmark(c, &sor->landmarks[i]));
	return 0;
}

int lc_sor_read_datapts(lc_sor_cursor *c, lc_sor *sor)
{
	int16_t nsf;
	TRY(lc_sor_cur_u32(c, "number of data points", &sor->n_points));
	size_t at = c->pos;
	TRY(lc_sor_cur_i16(c, "number of scale factors", &nsf));
	if (nsf < 0 || (size_t)nsf * 6 > lc_sor_cur_left(c))
		return lc_diag_set(c->diag, LC_ERR_FORMAT, "%s: %d scale factors at offset %zu do not fit the block",
				   c->block, nsf, at);
	sor->segments = nsf ? calloc((size_t)nsf, sizeof(*sor->segments)) : NULL;
	if (nsf && !sor->segments)
		return lc_diag_set(c->diag, LC_ERR_NOMEM, "%s: out of memory", c->block);
	sor->n_segments = (size_t)nsf;
	for (size_t i = 0; i < (size_t)nsf; i++) {
		lc_sor_trace_segment *sg = &sor->segments[i];
		TRY(lc_sor_cur_u32(c, "points at scale factor", &sg->n));
		TRY(lc_sor_cur_u16(c, "scale factor", &sg->scale));
		if ((size_t)sg->n > lc_sor_cur_left(c) / 2)
			return lc_diag_set(c->diag, LC_ERR_FORMAT,
					   "%s: %u points at offset %zu need %zu bytes, block has %zu left", c->block,
					   sg->n, c->pos, (size_t)sg->n * 2, lc_sor_cur_left(c));
		sg->values = malloc(sg->n ? (size_t)sg->n * 2 : 1);
		if (!sg->values)
			return lc_diag_set(c->diag, LC_ERR_NOMEM, "%s: out of memory", c->block);
		const uint8_t *p = c->base + c->pos;
		for (size_t k = 0; k < sg->n; k++)
			sg->values[k] = (uint16_t)(p[2 * k] | (p[2 * k + 1] << 8));
		c->pos += (size_t)sg->n * 2;
	}
	return 0;
}
