/*
 * The cable's identity on its certificate (issue 21, item 1): part number, description, fiber type and
 * category, length and the connectors at each end, all read from the cable type the run judged against, so
 * that the certificate names what was certified in the customer's terms, not only a file name.
 */
#include "procedures/cable_identity.h"

#include <stdio.h>
#include <string.h>

/* The component at an end of the chain and the side of it that faces outwards. */
static const lc_component *end_component(const lc_channel *ch, unsigned end, unsigned *side)
{
	size_t n = lc_channel_component_count(ch);
	if (n == 0)
		return NULL;
	*side = end;
	return lc_channel_component(ch, end == 0 ? 0 : n - 1);
}

void lc_cable_end_text(const lc_channel *ch, unsigned end, char *buf, size_t cap)
{
	unsigned side = 0;
	const lc_component *c = ch ? end_component(ch, end, &side) : NULL;
	if (cap)
		buf[0] = '\0';
	if (!c || cap == 0)
		return;
	const lc_connector *k = &c->conn[side];
	char type[48];
	switch (k->type) {
	case LC_CONN_MPO: snprintf(type, sizeof(type), "MPO-%u", k->fibers); break;
	case LC_CONN_LC_DUPLEX: snprintf(type, sizeof(type), "LC duplex"); break;
	case LC_CONN_ELECTRICAL:
		snprintf(type, sizeof(type), "%s", k->form_factor ? lc_form_factor_name(k->form_factor) : "electrical");
		break;
	default: return; /* no separable connector: nothing to name */
	}
	unsigned legs = lc_channel_leg_count(ch, end);
	int n = 0;
	if (legs > 1)
		n = snprintf(buf, cap, "%u \xc3\x97 ", legs);
	if (n >= 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, "%s", type);
	if (k->polish && n >= 0 && (size_t)n < cap)
		n += snprintf(buf + n, cap - (size_t)n, " %s", lc_polish_name(k->polish));
	if (k->gender && n >= 0 && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, " %s", lc_gender_name(k->gender));
}

int lc_cable_identity_record(const lc_channel *ch, lc_result *r, lc_diag *diag)
{
	if (!ch)
		return 0;
	char a[96], b[96];
	lc_cable_end_text(ch, 0, a, sizeof(a));
	lc_cable_end_text(ch, 1, b, sizeof(b));
	double length = 0;
	for (size_t i = 0; i < lc_channel_component_count(ch); i++)
		if (lc_channel_component(ch, i)->length_m > 0)
			length += lc_channel_component(ch, i)->length_m;
	enum lc_fiber_mode mode = lc_channel_mode(ch);
	enum lc_fiber_category cat = lc_channel_category(ch);
	const char *pn = lc_channel_part_number(ch), *desc = lc_channel_description(ch);
	lc_result_cable cb = {
		.part_number = pn[0] ? pn : NULL,
		.description = desc[0] ? desc : NULL,
		.fiber_mode = mode != LC_MODE_NONE ? lc_fiber_mode_name(mode) : NULL,
		.fiber_category = cat != LC_CAT_NONE ? lc_fiber_category_name(cat) : NULL,
		.length_m = length,
		.end_a = a[0] ? a : NULL,
		.end_b = b[0] ? b : NULL,
		.limit_set = lc_channel_limit_set(ch)[0] ? lc_channel_limit_set(ch) : NULL,
	};
	return lc_result_set_cable(r, &cb, diag);
}
