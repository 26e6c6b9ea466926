/* Simulated OTDR physics shared by the dialects (otdr_sim.h): the trace synthesized from the world's events,
 * and a SOR file whose event table is those same events (the ground truth), never an analysis. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/otdr_trace.h"
#include "formats/sor.h"
#include "sim/world/otdr_sim.h"
#include "sim/world/otdr_synth.h"

#define MAX_EVENTS LC_SIM_OTDR_MAX_EVENTS

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

/* The DUT's events seen from the OTDR: a launch cord, then the DUT from dut_port (or, without it, from
 * wherever the station's cords and switch routes take the OTDR's port "ROLE:1"), ending in the far end.
 * *front_loss: the loss of those switch routes and cords. It lies between the front panel and the DUT's
 * first connector (the cord's own connector at the switch, the switch, the cord's fiber), not at that
 * connector: the mating of the cord with the DUT is the budget's own mated pair, which the DUT's events
 * carry at its typical loss, as the power meter sees it. */
static size_t channel_events(lc_sim_otdr *o, double nm, lc_otdr_synth_event *out, double *front_loss)
{
	lc_sim_event ev[MAX_EVENTS];
	char port[LC_SIM_PORT_MAX], mine[LC_SIM_PORT_MAX + 8];
	double reach_loss = 0;
	snprintf(port, sizeof(port), "%s", o->dut_port);
	snprintf(mine, sizeof(mine), "%s:1", o->role);
	if (!port[0] && lc_sim_world_reach(o->world, mine, nm, port, sizeof(port), &reach_loss) < 0)
		port[0] = '\0'; /* routed nowhere: only the launch cord is seen */
	int n = port[0] ? lc_sim_world_events(o->world, port, nm, ev, MAX_EVENTS - 1) : 0;
	o->reached = n > 0;
	*front_loss = n > 0 ? reach_loss : 0;
	size_t k = 0;
	bool ended = false;
	for (int i = 0; i < n && !ended; i++) {
		bool end = strcmp(ev[i].kind, "end") == 0 || strcmp(ev[i].kind, "break") == 0;
		double r = ev[i].reflectance_db < 0 ? ev[i].reflectance_db : NAN;
		double loss = end ? 0 : ev[i].loss_db;
		out[k++] = (lc_otdr_synth_event){o->launch_m + ev[i].distance_m, loss, r, end};
		ended = end;
	}
	if (!ended) {
		/* an unterminated far end (or no DUT at all: the launch cord's own end) */
		double at = k ? out[k - 1].position_m + 0.5 : o->launch_m;
		out[k] = (lc_otdr_synth_event){at, 0, o->far_end_r, true};
		k++;
	}
	return k;
}

int lc_sim_otdr_acquire(lc_sim_otdr *o, double nm, double pulse_ns, double range_m, double avg_s, size_t n)
{
	if (n < 2 || !(range_m > 0))
		return LC_ERR_ARG;
	lc_otdr_synth p;
	lc_otdr_synth_init(&p);
	p.n = n;
	p.dx_m = range_m / (double)n;
	lc_otdr_synth_receiver(&p, pulse_ns); /* the receiver switches its bandwidth with the pulse */
	fiber_at(nm, &p.atten_db_km, &p.bc_db);
	/* one acquisition per millisecond of averaging time (UNCONFIRMED repetition rate) */
	p.averages = (unsigned)fmax(1.0, avg_s * 1000.0);
	char key[128];
	snprintf(key, sizeof(key), "%s:otdr:%u", o->role, o->acquisitions++);
	p.seed = (uint64_t)(lc_sim_world_uniform(o->world, key) * 9007199254740992.0) + 1;
	lc_otdr_synth_event ev[MAX_EVENTS];
	double front_loss;
	size_t nev = channel_events(o, nm, ev, &front_loss);
	/* the cords and switch routes lower everything after the front panel (the trace is relative: only
	 * where the front-panel reflection stands against the backscatter shows it) */
	p.launch_db -= front_loss;
	double *y = malloc(n * sizeof(double));
	if (!y)
		return LC_ERR_NOMEM;
	int rc = lc_otdr_synth_trace(&p, ev, nev, y);
	if (rc < 0) {
		free(y);
		return rc;
	}
	free(o->level_db);
	o->level_db = y;
	o->n = n;
	o->dx_m = p.dx_m;
	o->nm = nm, o->pulse_ns = pulse_ns, o->avg_s = avg_s, o->range_m = range_m;
	o->floor_db = p.floor_db;
	o->atten_db_km = p.atten_db_km;
	o->bc_db = p.bc_db;
	o->front_reflectance_db = p.front_reflectance_db;
	memcpy(o->truth, ev, nev * sizeof(ev[0]));
	o->n_truth = nev;
	return 0;
}

/* The instrument's event table, from the truth the trace was made of: the front panel's connector at 0 m,
 * then every event of the channel up to the end, in SOR units (loss and reflectance in 0.001 dB, the
 * section's slope the fibre's attenuation). The summary: the total loss from the front panel to the end. */
static int sor_events(lc_sor *sor, const lc_sim_otdr *o)
{
	lc_sor_event ev[MAX_EVENTS + 1];
	size_t k = 0;
	double total = 0, prev_m = 0;
	int16_t slope = (int16_t)lround(o->atten_db_km * 1000);
	ev[k] = (lc_sor_event){.number = 1, .code = "1F9999", .method = "LS", .comment = (char *)""};
	ev[k].reflectance = isfinite(o->front_reflectance_db) ? (int32_t)lround(o->front_reflectance_db * 1000) : 0;
	if (!ev[k].reflectance)
		ev[k].code[0] = '0';
	k++;
	for (size_t i = 0; i < o->n_truth && k < MAX_EVENTS + 1; i++) {
		const lc_otdr_synth_event *t = &o->truth[i];
		total += (t->position_m - prev_m) * o->atten_db_km / 1000.0 + (t->end ? 0 : t->loss_db);
		/* events at one place (within a trace point: the trunk's last mated pair and its open end) are one
		 * event to any OTDR: losses add, reflections add in power, and it is the end if either is */
		if (k > 1 && t->position_m - prev_m < o->dx_m) {
			lc_sor_event *e = &ev[k - 1];
			double r0 = e->reflectance ? pow(10.0, e->reflectance / 10000.0) : 0;
			double r1 = isfinite(t->reflectance_db) ? pow(10.0, t->reflectance_db / 10.0) : 0;
			e->loss = (int16_t)lround(e->loss + (t->end ? 0 : t->loss_db * 1000));
			e->reflectance = r0 + r1 > 0 ? (int32_t)lround(10000.0 * log10(r0 + r1)) : 0;
			e->code[0] = e->reflectance ? '1' : '0';
			if (t->end)
				e->code[1] = 'E';
			prev_m = t->position_m;
			if (t->end)
				break;
			continue;
		}
		lc_sor_event *e = &ev[k++];
		memset(e, 0, sizeof(*e));
		e->number = (uint16_t)k;
		e->time = (uint32_t)lround(lc_sor_m_to_time(sor, t->position_m));
		e->slope = slope;
		e->loss = (int16_t)lround(t->loss_db * 1000);
		e->reflectance = isfinite(t->reflectance_db) ? (int32_t)lround(t->reflectance_db * 1000) : 0;
		snprintf(e->code, sizeof(e->code), "%c%c9999", e->reflectance ? '1' : '0', t->end ? 'E' : 'F');
		memcpy(e->method, "LS", 3);
		e->comment = (char *)"";
		prev_m = t->position_m;
		if (t->end)
			break;
	}
	double end_m = prev_m;
	lc_sor_summary sum = {
		.total_loss = (int32_t)lround(total * 1000),
		.loss_end = (uint32_t)lround(lc_sor_m_to_time(sor, end_m)),
		.orl = 0, /* not computed: 0 is SOR's "not given" */
		.orl_end = (uint32_t)lround(lc_sor_m_to_time(sor, end_m)),
	};
	return lc_sor_set_events(sor, ev, k, &sum);
}

int lc_sim_otdr_sor(const lc_sim_otdr *o, const char *supplier, const char *model, const char *serial,
		    uint8_t **file, size_t *len)
{
	if (!o->level_db)
		return LC_ERR_STATE;
	uint16_t *v = malloc(o->n * sizeof(uint16_t));
	lc_sor *sor = NULL;
	if (!v || lc_sor_new(&sor) < 0) {
		free(v);
		return LC_ERR_NOMEM;
	}
	lc_otdr_levels_to_sor(o->level_db, o->n, v);
	lc_sor_set_string(&sor->sup.supplier, supplier);
	lc_sor_set_string(&sor->sup.mainframe_id, model);
	lc_sor_set_string(&sor->sup.mainframe_sn, serial);
	lc_sor_set_string(&sor->sup.software_rev, "lanecert-sim");
	lc_sor_set_string(&sor->gen.cable_id, o->dut_port);
	sor->gen.nominal_wavelength = (uint16_t)lround(o->nm);
	sor->fxd.wavelength = (uint16_t)lround(o->nm * 10);
	sor->fxd.pulse_width_ns[0] = (uint16_t)lround(o->pulse_ns);
	sor->fxd.data_spacing[0] = (uint32_t)lround(lc_sor_m_to_time(sor, o->dx_m) * 10000.0);
	sor->fxd.backscatter = (uint16_t)lround(-o->bc_db * 10);
	sor->fxd.n_averages = (uint32_t)(o->avg_s * 1000);
	sor->fxd.averaging_time = (uint16_t)lround(o->avg_s * 10);
	sor->fxd.acq_range = (uint32_t)lround(lc_sor_m_to_time(sor, o->range_m));
	sor->fxd.timestamp = o->acquired_unix;
	int rc = lc_sor_set_trace(sor, v, (uint32_t)o->n);
	free(v);
	if (rc == 0)
		rc = sor_events(sor, o);
	if (rc == 0)
		rc = lc_sor_write(sor, file, len, NULL);
	lc_sor_free(sor);
	return rc < 0 ? rc : 0;
}

void lc_sim_otdr_free(lc_sim_otdr *o)
{
	free(o->level_db);
	o->level_db = NULL;
}
