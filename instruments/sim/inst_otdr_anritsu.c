/*
 * Simulated Anritsu ACCESS Master OTDR (MT9085A), in the dialect of instruments/otdr/anritsu_mt9085.c
 * (instrument-dialects.md §5: raw socket on port 2288, CR LF; TRACe:LOAD:DATA? as the MT9083 manual
 * describes it; the other commands are that driver's UNCONFIRMED table).
 *
 * The trace follows from the channel model: INITiate asks the world for the events of the DUT fiber that
 * starts at options.dut_port at the set wavelength (connectors, splices, a break, the end) and synthesizes
 * (instruments/otdr/otdr_synth.c) the launch cord, those events, the Rayleigh slope and backscatter of the
 * wavelength, pulse-width dead zones, and noise that falls with the averaging time; the acquisition then
 * takes the averaging time of instrument time (*OPC? waits for it). TRACe:LOAD:SOR? returns the
 * acquisition as a SOR file written by instruments/otdr/sor_write.c, with the instrument's own events
 * (lanecert's analysis of its trace, as a real OTDR stores its firmware's).
 *
 * Options: {"dut_port": "dut:A:7", "launch_cord_m": 150, "wavelengths_nm": [1310, 1550],
 *           "far_end_reflectance_db": -14.7, "model": "MT9085A"}. Without dut_port the OTDR follows the
 * station's cords and switch routes from its port "ROLE:1" (lc_sim_world_reach) at each acquisition.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instruments/otdr/otdr_analysis.h"
#include "instruments/otdr/otdr_synth.h"
#include "instruments/otdr/sor.h"
#include "instruments/sim/inst_util.h"

#define OTDR_POINTS 16000
#define OTDR_MAX_EVENTS 64

struct mt9085 {
	lc_sim_world *world;
	char role[64], serial[64], model[32], dut_port[LC_SIM_PORT_MAX];
	double launch_m, far_end_r;
	double wl[4];
	int n_wl;
	double nm, pulse_ns, range_km, avg_s;
	/* last acquisition */
	bool have;
	uint16_t *values;
	size_t n;
	double dx_m;
	unsigned acquisitions;
};

/* Rayleigh attenuation and backscatter coefficient (1 ns) of SM fiber by wavelength (domain-facts §6e). */
static void fiber_at(double nm, double *att_db_km, double *bc_db)
{
	if (nm < 1400) {
		*att_db_km = 0.33;
		*bc_db = -79.5;
	} else if (nm < 1600) {
		*att_db_km = 0.19;
		*bc_db = -81.9;
	} else {
		*att_db_km = 0.22;
		*bc_db = -82.5;
	}
}

static const double pulses_ns[] = {3, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000};

static int h_wavelength(lc_sim_call *c, void *u)
{
	struct mt9085 *s = u;
	static const lc_sim_numspec spec = {"", 600, 1700, 1310};
	double nm;
	int rc = lc_sim_arg_double(c, 0, &spec, &nm);
	if (rc)
		return rc;
	for (int i = 0; i < s->n_wl; i++)
		if (fabs(s->wl[i] - nm) < 0.5) {
			s->nm = s->wl[i];
			return 0;
		}
	return lc_sim_fail(c, -224, "%g nm is not a wavelength of this unit", nm);
}

static int q_wavelength(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "%.0f", ((struct mt9085 *)u)->nm);
	return 0;
}

static int h_pulse(lc_sim_call *c, void *u)
{
	struct mt9085 *s = u;
	static const lc_sim_numspec spec = {"", 1, 20000, 10};
	double ns;
	int rc = lc_sim_arg_double(c, 0, &spec, &ns);
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(pulses_ns) / sizeof(pulses_ns[0]); i++)
		if (fabs(pulses_ns[i] - ns) < 0.5) {
			s->pulse_ns = pulses_ns[i];
			return 0;
		}
	return lc_sim_fail(c, -224, "pulse width %g ns", ns);
}

static int q_pulse(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "%.0f", ((struct mt9085 *)u)->pulse_ns);
	return 0;
}

static int h_range(lc_sim_call *c, void *u)
{
	static const lc_sim_numspec spec = {"", 0.1, 200, 5};
	return lc_sim_arg_double(c, 0, &spec, &((struct mt9085 *)u)->range_km);
}

static int q_range(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "%.3f", ((struct mt9085 *)u)->range_km);
	return 0;
}

static int h_avg(lc_sim_call *c, void *u)
{
	static const lc_sim_numspec spec = {"", 1, 600, 10};
	return lc_sim_arg_double(c, 0, &spec, &((struct mt9085 *)u)->avg_s);
}

static int q_avg(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "%.0f", ((struct mt9085 *)u)->avg_s);
	return 0;
}

static int q_resolution(lc_sim_call *c, void *u)
{
	struct mt9085 *s = u;
	lc_sim_out_printf(c, "%.6f", s->have ? s->dx_m : s->range_km * 1000.0 / OTDR_POINTS);
	return 0;
}

/* The DUT's events seen from the OTDR: a launch cord, then the DUT from dut_port (or, without that option,
 * from wherever the station's cords and switch routes take the OTDR's port "ROLE:1", their loss added at
 * the DUT's first connector), ending in the far end. */
static size_t channel_events(struct mt9085 *s, lc_otdr_synth_event *out)
{
	lc_sim_event ev[OTDR_MAX_EVENTS];
	char port[LC_SIM_PORT_MAX], mine[LC_SIM_PORT_MAX + 8];
	double reach_loss = 0;
	snprintf(port, sizeof(port), "%s", s->dut_port);
	snprintf(mine, sizeof(mine), "%s:1", s->role);
	if (!port[0] && lc_sim_world_reach(s->world, mine, s->nm, port, sizeof(port), &reach_loss) < 0)
		port[0] = '\0'; /* routed nowhere: only the launch cord is seen */
	int n = port[0] ? lc_sim_world_events(s->world, port, s->nm, ev, OTDR_MAX_EVENTS - 1) : 0;
	size_t k = 0;
	bool ended = false;
	for (int i = 0; i < n && !ended; i++) {
		bool end = strcmp(ev[i].kind, "end") == 0 || strcmp(ev[i].kind, "break") == 0;
		double r = ev[i].reflectance_db < 0 ? ev[i].reflectance_db : NAN;
		double loss = (end ? 0 : ev[i].loss_db) + (i == 0 ? reach_loss : 0);
		out[k++] = (lc_otdr_synth_event){s->launch_m + ev[i].distance_m, loss, r, end};
		ended = end;
	}
	if (!ended) {
		/* an unterminated far end (or no DUT at all: the launch cord's own end) */
		double at = k ? out[k - 1].position_m + 0.5 : s->launch_m;
		out[k] = (lc_otdr_synth_event){at, 0, s->far_end_r, true};
		k++;
	}
	return k;
}

static int h_init(lc_sim_call *c, void *u)
{
	struct mt9085 *s = u;
	lc_otdr_synth p;
	lc_otdr_synth_init(&p);
	p.n = OTDR_POINTS;
	p.dx_m = s->range_km * 1000.0 / OTDR_POINTS;
	p.pulse_ns = s->pulse_ns;
	fiber_at(s->nm, &p.atten_db_km, &p.bc_db);
	/* one acquisition per millisecond of averaging time (UNCONFIRMED repetition rate) */
	p.averages = (unsigned)(s->avg_s * 1000.0);
	char key[128];
	snprintf(key, sizeof(key), "%s:otdr:%u", s->role, s->acquisitions++);
	p.seed = (uint64_t)(lc_sim_world_uniform(s->world, key) * 9007199254740992.0) + 1;
	lc_otdr_synth_event ev[OTDR_MAX_EVENTS];
	size_t nev = channel_events(s, ev);
	double *y = malloc(p.n * sizeof(double));
	uint16_t *v = malloc(p.n * sizeof(uint16_t));
	if (!y || !v || lc_otdr_synth_trace(&p, ev, nev, y) < 0) {
		free(y);
		free(v);
		return lc_sim_fail(c, -200, "trace synthesis failed");
	}
	lc_otdr_levels_to_sor(y, p.n, v);
	free(y);
	free(s->values);
	s->values = v;
	s->n = p.n;
	s->dx_m = p.dx_m;
	s->have = true;
	lc_sim_pending(c, s->avg_s); /* the averaging takes its time; *OPC? waits */
	return 0;
}

static int q_trace(lc_sim_call *c, void *u)
{
	struct mt9085 *s = u;
	if (!s->have)
		return lc_sim_fail(c, -230, "no acquisition yet");
	size_t len = 4 + 2 * s->n;
	uint8_t *b = malloc(len);
	if (!b)
		return lc_sim_fail(c, -225, NULL);
	b[0] = (uint8_t)(s->n >> 24), b[1] = (uint8_t)(s->n >> 16), b[2] = (uint8_t)(s->n >> 8), b[3] = (uint8_t)s->n;
	for (size_t i = 0; i < s->n; i++) {
		b[4 + 2 * i] = (uint8_t)(s->values[i] >> 8);
		b[5 + 2 * i] = (uint8_t)s->values[i];
	}
	lc_sim_out_block(c, b, len);
	free(b);
	return 0;
}

/* The instrument's event table: its analysis of the trace, in SOR units. */
static int sor_events(const lc_sor *sor, const double *y, size_t n, double dx, double pulse)
{
	lc_otdr_trace t = {y, n, dx, 0, pulse, lc_sor_group_index(sor)};
	lc_otdr_config cfg;
	lc_otdr_config_init(&cfg);
	cfg.backscatter_db = lc_sor_backscatter_db(sor);
	lc_otdr_analysis *a;
	int rc = lc_otdr_analyze(&t, &cfg, &a, NULL);
	if (rc < 0)
		return rc;
	lc_sor_event ev[OTDR_MAX_EVENTS];
	size_t k = 0;
	for (size_t i = 0; i < a->n_events && k < OTDR_MAX_EVENTS; i++) {
		const lc_otdr_event *e = &a->events[i];
		bool end = e->type == LC_OTDR_EVENT_END;
		lc_sor_event *o = &ev[k++];
		memset(o, 0, sizeof(*o));
		o->number = (uint16_t)k;
		o->time = (uint32_t)lround(lc_sor_m_to_time(sor, e->position_m));
		o->slope = isfinite(e->slope_db_km) ? (int16_t)lround(e->slope_db_km * 1000) : 0;
		o->loss = isfinite(e->loss_db) ? (int16_t)lround(e->loss_db * 1000) : 0;
		o->reflectance = isfinite(e->reflectance_db) ? (int32_t)lround(e->reflectance_db * 1000) : 0;
		snprintf(o->code, sizeof(o->code), "%c%c9999", e->saturated ? '2' : e->reflective ? '1' : '0',
			 end ? 'E' : 'F');
		memcpy(o->method, "LS", 3);
		o->comment = (char *)"";
	}
	lc_sor_summary sum = {
		.total_loss = (int32_t)lround(a->total_loss_db * 1000),
		.loss_end = (uint32_t)lround(lc_sor_m_to_time(sor, a->fiber_length_m)),
		.orl = isfinite(a->orl_db) && a->orl_db > 0 && a->orl_db < 65 ? (uint16_t)lround(a->orl_db * 1000) : 0,
		.orl_end = (uint32_t)lround(lc_sor_m_to_time(sor, a->fiber_length_m)),
	};
	lc_otdr_analysis_free(a);
	return lc_sor_set_events((lc_sor *)sor, ev, k, &sum);
}

static int q_sor(lc_sim_call *c, void *u)
{
	struct mt9085 *s = u;
	if (!s->have)
		return lc_sim_fail(c, -230, "no acquisition yet");
	lc_sor *sor;
	if (lc_sor_new(&sor) < 0)
		return lc_sim_fail(c, -225, NULL);
	double att, bc;
	fiber_at(s->nm, &att, &bc);
	lc_sor_set_string(&sor->sup.supplier, "Anritsu");
	lc_sor_set_string(&sor->sup.mainframe_id, s->model);
	lc_sor_set_string(&sor->sup.mainframe_sn, s->serial);
	lc_sor_set_string(&sor->sup.software_rev, "lanecert-sim");
	lc_sor_set_string(&sor->gen.cable_id, s->dut_port);
	sor->gen.nominal_wavelength = (uint16_t)lround(s->nm);
	sor->fxd.wavelength = (uint16_t)lround(s->nm * 10);
	sor->fxd.pulse_width_ns[0] = (uint16_t)lround(s->pulse_ns);
	sor->fxd.data_spacing[0] = (uint32_t)lround(lc_sor_m_to_time(sor, s->dx_m) * 10000.0);
	sor->fxd.backscatter = (uint16_t)lround(-bc * 10);
	sor->fxd.n_averages = (uint32_t)(s->avg_s * 1000);
	sor->fxd.averaging_time = (uint16_t)lround(s->avg_s * 10);
	sor->fxd.acq_range = (uint32_t)lround(lc_sor_m_to_time(sor, s->range_km * 1000.0));
	int rc = lc_sor_set_trace(sor, s->values, (uint32_t)s->n);
	double *y = NULL;
	if (rc == 0 && lc_sor_trace_db(sor, &y) >= 0)
		rc = sor_events(sor, y, s->n, lc_sor_point_spacing_m(sor), s->pulse_ns);
	free(y);
	uint8_t *file = NULL;
	size_t len = 0;
	if (rc == 0)
		rc = lc_sor_write(sor, &file, &len, NULL);
	lc_sor_free(sor);
	if (rc < 0)
		return lc_sim_fail(c, -200, "SOR file could not be written");
	lc_sim_out_block(c, file, len);
	free(file);
	return 0;
}

static void reset(void *user)
{
	struct mt9085 *s = user;
	s->nm = s->wl[0];
	s->pulse_ns = 10;
	s->range_km = 5;
	s->avg_s = 10;
}

static void destroy(void *state)
{
	struct mt9085 *s = state;
	if (s)
		free(s->values);
	free(s);
}

static int read_wavelengths(const lc_sim_inst_config *cfg, struct mt9085 *s, lc_diag *diag)
{
	const json_t *w = cfg->options ? json_object_get(cfg->options, "wavelengths_nm") : NULL;
	if (!w) {
		s->wl[0] = 1310, s->wl[1] = 1550, s->n_wl = 2;
		return 0;
	}
	if (!json_is_array(w) || json_array_size(w) == 0 || json_array_size(w) > 4)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: options.wavelengths_nm must list 1 to 4 wavelengths",
				   cfg->where);
	for (size_t i = 0; i < json_array_size(w); i++) {
		double nm = json_number_value(json_array_get(w, i));
		if (!json_is_number(json_array_get(w, i)) || nm < 600 || nm > 1700)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: options.wavelengths_nm[%zu] is not 600..1700 nm",
					   cfg->where, i);
		s->wl[s->n_wl++] = nm;
	}
	return 0;
}

static int create(const lc_sim_inst_config *cfg, lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	struct mt9085 *s = calloc(1, sizeof(*s));
	if (!s)
		return LC_ERR_NOMEM;
	s->world = cfg->world;
	snprintf(s->role, sizeof(s->role), "%s", cfg->role);
	snprintf(s->serial, sizeof(s->serial), "%s", cfg->serial);
	const char *port, *model;
	int rc = lc_sim_opt_string(cfg, "dut_port", "", &port, diag);
	if (!rc)
		rc = lc_sim_opt_string(cfg, "model", "MT9085A", &model, diag);
	if (!rc)
		rc = lc_sim_opt_double(cfg, "launch_cord_m", 150, 0, 5000, &s->launch_m, diag);
	if (!rc)
		rc = lc_sim_opt_double(cfg, "far_end_reflectance_db", -14.7, -90, -10, &s->far_end_r, diag);
	if (!rc)
		rc = read_wavelengths(cfg, s, diag);
	if (!rc) {
		snprintf(s->dut_port, sizeof(s->dut_port), "%s", port);
		snprintf(s->model, sizeof(s->model), "%s", model);
		rc = lc_sim_engine_new(cfg, "ANRITSU", s->model, "1.00", reset, s, engine, diag);
	}
	static const lc_sim_cmd cmds[] = {
		{"SOURce:WAVelength", h_wavelength, q_wavelength},
		{"SENSe:PULSe:WIDTh", h_pulse, q_pulse},
		{"SENSe:RANGe", h_range, q_range},
		{"SENSe:AVERage:TIME", h_avg, q_avg},
		{"SENSe:RESolution", NULL, q_resolution},
		{"INITiate", h_init, NULL},
		{"TRACe:LOAD:DATA", NULL, q_trace},
		{"TRACe:LOAD:SOR", NULL, q_sor},
	};
	if (!rc)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof(cmds) / sizeof(cmds[0]), s, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		free(s);
		return rc;
	}
	reset(s);
	*state = s;
	return 0;
}

const lc_sim_inst_kind lc_sim_kind_anritsu_mt9085 = {
	.name = "anritsu_mt9085", .summary = "Anritsu ACCESS Master MT9085A OTDR (trace and SOR file from the channel)",
	.instrument_class = "otdr", .transport = LC_SIM_TR_SOCKET, .real_port = 2288, .terminator = "\r\n",
	.create = create, .destroy = destroy,
};
