/*
 * Simulated Agilent E3648A dual-output bench supply (the E364xA SCPI of its user's guide, as
 * docs/instruments.md cites it), feeding the modules of the DUT: output k feeds the end the station's
 * layout names for it ("1:A,2:B", fixtures/station.h; options.feeds when the station gives none). The
 * current it measures follows the world: the module's draw at its end (more while a BERT's pattern runs,
 * sim/world/world.h) divided by the output voltage; an output whose end holds no module (an empty slot)
 * reads 0 A. The outputs switch together (OUTPut[:STATe]), on at power-up unless options.output is false:
 * a bench powers its compliance boards itself, lanecert never switches them.
 *
 * Options: "volts" (the programmed and measured voltage, default 3.3), "output" (default true), "feeds"
 * (default "1:A,2:B").
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/inst/inst_util.h"

#define OUTPUTS 2

struct e364x {
	lc_sim_world *world;
	double volts;
	bool on, on_at_reset;
	int selected; /* 1-based */
	char feeds[64];
	char end[OUTPUTS + 1][16]; /* end[k]: the label output k feeds, "" when none */
};

static int h_nsel(lc_sim_call *c, void *u)
{
	long long v;
	int rc = lc_sim_arg_int(c, 0, 1, OUTPUTS, &v);
	if (!rc)
		((struct e364x *)u)->selected = (int)v;
	return rc;
}

static int q_nsel(lc_sim_call *c, void *u)
{
	lc_sim_out_int(c, ((struct e364x *)u)->selected);
	return 0;
}

static int h_sel(lc_sim_call *c, void *u)
{
	static const char *const names[] = {"OUTPut1", "OUTPut2", NULL};
	int idx;
	int rc = lc_sim_arg_choice(c, 0, names, &idx);
	if (!rc)
		((struct e364x *)u)->selected = idx + 1;
	return rc;
}

static int q_sel(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "OUTP%d", ((struct e364x *)u)->selected);
	return 0;
}

static int q_volt(lc_sim_call *c, void *u)
{
	struct e364x *s = u;
	lc_sim_out_nr3(c, s->on ? s->volts : 0.0);
	return 0;
}

static int q_curr(lc_sim_call *c, void *u)
{
	struct e364x *s = u;
	double w = 0;
	const char *end = s->end[s->selected];
	/* nothing plugged in (or no module at that end): nothing draws */
	if (s->on && end[0] && lc_sim_world_module_power_at(s->world, end, &w) < 0)
		w = 0;
	lc_sim_out_nr3(c, s->on && s->volts > 0 ? w / s->volts : 0.0);
	return 0;
}

static int h_outp(lc_sim_call *c, void *u)
{
	bool v;
	int rc = lc_sim_arg_bool(c, 0, &v);
	if (!rc)
		((struct e364x *)u)->on = v;
	return rc;
}

static int q_outp(lc_sim_call *c, void *u)
{
	lc_sim_out_bool(c, ((struct e364x *)u)->on);
	return 0;
}

static void reset(void *user)
{
	struct e364x *s = user;
	s->selected = 1;
	s->on = s->on_at_reset;
}

/* "1:A,2:B" into end[]; the client's parser (instruments/supply) is not borrowed: the simulator reads
 * station files on its own. */
static int parse_feeds(struct e364x *s, const char *text, const char *where, lc_diag *diag)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *save = NULL, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int k;
		char label[16];
		if (sscanf(p, "%d:%15[A-Za-z0-9]", &k, label) != 2 || k < 1 || k > OUTPUTS)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: feeds '%s': '%s' is not output:end (outputs 1..%d)", where,
					   text, p, OUTPUTS);
		snprintf(s->end[k], sizeof(s->end[k]), "%s", label);
	}
	snprintf(s->feeds, sizeof(s->feeds), "%s", text);
	return 0;
}

static int layout(void *state, char *buf, size_t cap)
{
	return snprintf(buf, cap, "%s", ((struct e364x *)state)->feeds);
}

static int create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	struct e364x *s = calloc(1, sizeof(*s));
	if (!s)
		return LC_ERR_NOMEM;
	s->world = cfg->world;
	const char *feeds;
	long on;
	int rc;
	if ((rc = lc_sim_opt_double(cfg, "volts", 3.3, 0, 8, &s->volts, diag)) < 0 ||
	    (rc = lc_sim_opt_int(cfg, "output", 1, 0, 1, &on, diag)) < 0 ||
	    (rc = lc_sim_opt_string(cfg, "feeds", "1:A,2:B", &feeds, diag)) < 0 ||
	    (rc = parse_feeds(s, cfg->station_layout && cfg->station_layout[0] ? cfg->station_layout : feeds,
			      cfg->where, diag)) < 0) {
		free(s);
		return rc;
	}
	s->on_at_reset = on != 0;
	reset(s);
	static const lc_sim_cmd cmds[] = {
		{"INSTrument:NSELect", h_nsel, q_nsel},
		{"INSTrument[:SELect]", h_sel, q_sel},
		{"MEASure[:VOLTage][:DC]", NULL, q_volt},
		{"MEASure:CURRent[:DC]", NULL, q_curr},
		{"OUTPut[:STATe]", h_outp, q_outp},
	};
	rc = lc_sim_engine_new(cfg, "Agilent Technologies", "E3648A", "1.7-5.0-1.0", reset, s, engine, diag);
	if (!rc)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof(cmds) / sizeof(cmds[0]), s, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		free(s);
		return rc;
	}
	*state = s;
	return 0;
}

const lc_sim_inst_kind lc_sim_kind_keysight_e3648a = {
	.name = "keysight_e3648a", .summary = "Agilent E3648A dual-output DC supply feeding the DUT's modules",
	.instrument_class = "supply", .transport = LC_SIM_TR_SOCKET, .real_port = 5025,
	.create = create, .layout = layout, .destroy = free,
};
