/* Starting a scenario's instruments behind their endpoints, and stopping them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LC_LOG_DOMAIN "sim"
#include "base/log.h"
#include "sim/net/endpoint.h"
#include "sim/inst/inst_front.h"
#include "sim/runner_priv.h"

void lc_sim_runner_opts_init(lc_sim_runner_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->bind = "127.0.0.1";
	o->time_scale = 1.0;
}

/* A serial number that looks like one and stays the same for a role and seed. */
static void make_serial(const char *role, uint64_t seed, char *out, size_t cap)
{
	uint64_t h = 1469598103934665603ull ^ seed;
	for (const char *p = role; *p; p++)
		h = (h ^ (uint8_t)*p) * 1099511628211ull;
	snprintf(out, cap, "SIM%07llu", (unsigned long long)(h % 10000000ull));
}

static int check_kinds(const lc_sim_scenario *sc, lc_diag *diag)
{
	char missing[LC_DIAG_TEXT_MAX] = "";
	int n = 0;
	for (size_t i = 0; i < sc->n_insts; i++) {
		if (lc_sim_kind_find(sc->insts[i].kind) || !strcmp(sc->insts[i].kind, "none"))
			continue;
		size_t used = strlen(missing);
		snprintf(missing + used, sizeof(missing) - used, "%s%s (role %s)", n++ ? ", " : "", sc->insts[i].kind,
			 sc->insts[i].role);
	}
	if (n)
		return lc_diag_set(diag, LC_ERR_UNSUPPORTED, "%s: instrument kinds not available in this build: %s",
				   sc->origin, missing);
	return 0;
}

static int start_endpoint(struct lc_sim_rinst *ri, const lc_sim_runner_opts *o, size_t idx, lc_diag *diag)
{
	const lc_sim_scenario_inst *in = ri->sc;
	const lc_sim_inst_kind *k = ri->kind;
	enum lc_sim_transport tr = in->transport ? in->transport : k->transport;
	char addr[32];
	if (in->address[0])
		snprintf(addr, sizeof(addr), "%s", in->address);
	else if (o->port_base > 0)
		snprintf(addr, sizeof(addr), "%s", o->bind ? o->bind : "127.0.0.1");
	else
		snprintf(addr, sizeof(addr), "127.77.%d.%zu", o->address_block, idx + 1);
	int real = k->real_port ? k->real_port : 5025;
	int port = in->port >= 0 ? in->port : o->port_base > 0 ? o->port_base + (int)idx : real;
	if (tr == LC_SIM_TR_VXI11 && o->port_base > 0) {
		tr = LC_SIM_TR_SOCKET;
		snprintf(ri->note, sizeof(ri->note), "VXI-11 served as SOCKET: --port-base cannot share port 111");
	}
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	eo.address = addr;
	eo.terminator = k->terminator;
	int rc;
	if (k->translate) {
		if (tr == LC_SIM_TR_PTY) {
			rc = lc_sim_front_start_pty(ri->engine, k->translate, k->terminator, &ri->front, diag);
			if (rc == 0)
				snprintf(ri->resource, sizeof(ri->resource), "ASRL%s::INSTR", lc_sim_front_pty_path(ri->front));
			return rc;
		}
		if (tr != LC_SIM_TR_SOCKET)
			snprintf(ri->note, sizeof(ri->note), "served on a raw socket (non-SCPI dialect front)");
		rc = lc_sim_front_start(ri->engine, k->translate, addr, port, k->terminator, &ri->front, diag);
		if (rc == 0)
			snprintf(ri->resource, sizeof(ri->resource), "TCPIP0::%s::%d::SOCKET", addr,
				 lc_sim_front_port(ri->front));
		return rc;
	}
	if (tr == LC_SIM_TR_VXI11) {
		eo.port = 0;
		eo.portmapper_port = 111;
		lc_diag d2;
		rc = lc_sim_vxi11_start(ri->engine, &eo, &ri->ep, &d2);
		if (rc == 0) {
			snprintf(ri->resource, sizeof(ri->resource), "TCPIP0::%s::inst0::INSTR", addr);
			return 0;
		}
		snprintf(ri->note, sizeof(ri->note), "VXI-11 served as SOCKET: %s", lc_diag_message(&d2));
		tr = LC_SIM_TR_SOCKET;
		port = in->port >= 0 ? in->port : real;
	}
	if (tr == LC_SIM_TR_HISLIP) {
		/* one port carries both channels, so --port-base works as for sockets */
		eo.port = in->port >= 0 ? in->port : o->port_base > 0 ? o->port_base + (int)idx : 4880;
		rc = lc_sim_hislip_start(ri->engine, &eo, &ri->ep, diag);
		if (rc == 0 && lc_sim_endpoint_port(ri->ep) == 4880)
			snprintf(ri->resource, sizeof(ri->resource), "TCPIP0::%s::hislip0::INSTR", addr);
		else if (rc == 0)
			snprintf(ri->resource, sizeof(ri->resource), "TCPIP0::%s::hislip0,%d::INSTR", addr,
				 lc_sim_endpoint_port(ri->ep));
		return rc;
	}
	if (tr == LC_SIM_TR_PTY) {
		rc = lc_sim_pty_start(ri->engine, &eo, &ri->ep, diag);
		if (rc == 0)
			snprintf(ri->resource, sizeof(ri->resource), "ASRL%s::INSTR", lc_sim_endpoint_pty_path(ri->ep));
		return rc;
	}
	eo.port = port;
	rc = lc_sim_socket_start(ri->engine, &eo, &ri->ep, diag);
	/* A module memory is reached through an I2C adapter: the simulated one speaks the I2C service. */
	if (rc == 0 && k->instrument_class && strcmp(k->instrument_class, "module") == 0)
		snprintf(ri->resource, sizeof(ri->resource), "I2C::sim::%s:%d", addr, lc_sim_endpoint_port(ri->ep));
	else if (rc == 0)
		snprintf(ri->resource, sizeof(ri->resource), "TCPIP0::%s::%d::SOCKET", addr,
			 lc_sim_endpoint_port(ri->ep));
	return rc;
}

static int start_inst(lc_sim_runner *r, size_t i, const lc_sim_runner_opts *o, lc_diag *diag)
{
	struct lc_sim_rinst *ri = &r->insts[i];
	const lc_sim_scenario_inst *in = &r->sc->insts[i];
	ri->sc = in;
	ri->kind = lc_sim_kind_find(in->kind);
	if (!ri->kind) {
		snprintf(ri->note, sizeof(ri->note), "not served in this scenario");
		return 0; /* "kind": "none" */
	}
	char serial[LC_NAME_MAX], where[LC_NAME_MAX + 600];
	if (in->serial[0])
		snprintf(serial, sizeof(serial), "%s", in->serial);
	else
		make_serial(in->role, r->seed, serial, sizeof(serial));
	snprintf(where, sizeof(where), "%s: instruments.%s", r->sc->origin, in->role);
	const lc_station_instrument *si = lc_station_instrument_by_role(r->sc->station, in->role);
	lc_sim_inst_config cfg = {.role = in->role, .serial = serial, .world = r->world, .clock = r->clock,
				  .options = in->options, .where = where, .station_layout = si ? si->layout : ""};
	int rc = ri->kind->create(&cfg, &ri->engine, &ri->state, diag);
	if (rc < 0)
		return rc;
	if (in->has_faults)
		lc_sim_scpi_set_faults(ri->engine, &in->faults);
	/* a command the kind never had cannot be taken away: a misspelt one would test nothing */
	for (unsigned k = 0; in->has_faults && k < in->faults.n_without; k++)
		if (!lc_sim_scpi_knows(ri->engine, in->faults.without[k]))
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s.faults.without[%u]: '%s' is no command of %s", where, k,
					   in->faults.without[k], in->kind);
	snprintf(ri->idn, sizeof(ri->idn), "%s", in->has_faults && in->faults.idn[0] ? in->faults.idn
										   : lc_sim_scpi_idn(ri->engine));
	if ((rc = start_endpoint(ri, o, i, diag)) < 0) {
		lc_diag_prefix(diag, "%s: ", where);
		return rc;
	}
	lc_info("%s %s %s%s%s", in->role, ri->resource, ri->idn, ri->note[0] ? " -- " : "", ri->note);
	return 0;
}

/*
 * VXI-11 discovery (liblxi, lxi-tools, lanecert discover) calls port 111 of each interface's broadcast
 * address, which on the loopback interface is 127.0.0.1: the relay there answers for every VXI-11 instrument
 * on its own address, so they are found as real ones are on a LAN. Best effort: another runner or an
 * rpcbind may hold that port (the instruments still work; only discovery misses them, and the log says so).
 */
static void start_relay(lc_sim_runner *r)
{
	lc_sim_endpoint *eps[64];
	size_t n = 0;
	for (size_t i = 0; i < r->n && n < 64; i++)
		if (r->insts[i].ep && lc_sim_endpoint_kind(r->insts[i].ep) == LC_SIM_EP_VXI11 &&
		    strcmp(lc_sim_endpoint_address(r->insts[i].ep), "127.0.0.1") != 0)
			eps[n++] = r->insts[i].ep;
	if (n == 0)
		return;
	lc_diag d;
	lc_diag_clear(&d);
	if (lc_sim_pmap_relay_start("127.0.0.1", eps, n, &r->relay, &d) < 0)
		lc_info("VXI-11 discovery will not find these instruments: %s", lc_diag_message(&d));
}

int lc_sim_runner_start(const lc_sim_scenario *sc, const lc_sim_runner_opts *o, lc_sim_runner **out, lc_diag *diag)
{
	lc_sim_runner_opts def;
	if (!o) {
		lc_sim_runner_opts_init(&def);
		o = &def;
	}
	int rc = check_kinds(sc, diag);
	if (rc < 0)
		return rc;
	lc_sim_runner *r = calloc(1, sizeof(*r));
	if (!r)
		return LC_ERR_NOMEM;
	r->sc = sc;
	r->seed = o->has_seed ? o->seed : sc->seed;
	r->n = sc->n_insts;
	r->insts = calloc(r->n ? r->n : 1, sizeof(*r->insts));
	if (!r->insts || (rc = lc_sim_clock_create(o->time_scale, &r->clock)) < 0) {
		free(r->insts);
		free(r);
		return rc < 0 ? lc_diag_set(diag, rc, "time scale %g: a number >= 0 is expected", o->time_scale)
			      : LC_ERR_NOMEM;
	}
	/* The world is built from the scenario with the runner's seed. */
	lc_sim_scenario copy = *sc;
	copy.seed = r->seed;
	if ((rc = lc_sim_world_create(&copy, &r->world, diag)) < 0) {
		lc_sim_runner_stop(r);
		return rc;
	}
	lc_sim_world_set_time_scale(r->world, o->time_scale);
	for (size_t i = 0; i < r->n; i++) {
		if ((rc = start_inst(r, i, o, diag)) < 0) {
			lc_sim_runner_stop(r);
			return rc;
		}
	}
	if (!o->no_control && (rc = lc_sim_control_start(r, o, diag)) < 0) {
		lc_sim_runner_stop(r);
		return rc;
	}
	start_relay(r);
	*out = r;
	return 0;
}

void lc_sim_runner_stop(lc_sim_runner *r)
{
	if (!r)
		return;
	lc_sim_pmap_relay_stop(r->relay);
	lc_sim_control_stop(r);
	for (size_t i = 0; i < r->n; i++) {
		struct lc_sim_rinst *ri = &r->insts[i];
		lc_sim_endpoint_stop(ri->ep);
		lc_sim_front_stop(ri->front);
		if (ri->engine)
			lc_sim_scpi_destroy(ri->engine);
		if (ri->kind && ri->kind->destroy && ri->state)
			ri->kind->destroy(ri->state);
	}
	lc_sim_world_destroy(r->world);
	lc_sim_clock_destroy(r->clock);
	free(r->insts);
	free(r);
}

size_t lc_sim_runner_count(const lc_sim_runner *r) { return r->n; }

lc_sim_scpi *lc_sim_runner_engine(lc_sim_runner *r, const char *role)
{
	for (size_t i = 0; r && role && i < r->n; i++)
		if (r->insts[i].engine && strcmp(r->insts[i].sc->role, role) == 0)
			return r->insts[i].engine;
	return NULL;
}
lc_sim_world *lc_sim_runner_world(lc_sim_runner *r) { return r->world; }
const char *lc_sim_runner_control_resource(const lc_sim_runner *r) { return r->control_resource; }

int lc_sim_runner_info_at(lc_sim_runner *r, size_t i, lc_sim_runner_info *out)
{
	if (i >= r->n)
		return LC_ERR_ARG;
	struct lc_sim_rinst *ri = &r->insts[i];
	if (!ri->kind)
		return LC_ERR_NOT_FOUND; /* not served in this scenario */
	out->role = ri->sc->role;
	out->kind = ri->sc->kind;
	out->resource = ri->resource;
	out->idn = ri->idn;
	out->note = ri->note;
	out->sim_s = lc_sim_scpi_sim_seconds(ri->engine);
	double sim, wall;
	lc_sim_runner_totals(r, &sim, &wall);
	/* the clock keeps wall time for the whole station only; per instrument it is its share of sim time */
	out->wall_s = sim > 0 ? wall * out->sim_s / sim : 0;
	return 0;
}

void lc_sim_runner_totals(lc_sim_runner *r, double *sim_s, double *wall_s)
{
	/* Instrument time is each engine's (blocking waits and overlapped operations alike); the clock only sees
	 * the blocking waits, whose wall time it measured. */
	lc_sim_time_acc acc;
	lc_sim_clock_totals(r->clock, &acc);
	*sim_s = 0;
	for (size_t i = 0; i < r->n; i++)
		if (r->insts[i].engine)
			*sim_s += lc_sim_scpi_sim_seconds(r->insts[i].engine);
	*wall_s = acc.wall_s;
}

int lc_sim_runner_write_station(const lc_sim_runner *r, const char *path, lc_diag *diag)
{
	const lc_station *st = r->sc->station;
	lc_station *out = lc_station_new(st->name);
	if (!out)
		return LC_ERR_NOMEM;
	snprintf(out->description, sizeof(out->description), "%s", st->description);
	/* The simulated operator (the control endpoint) does what prompts ask, so runs need no person. */
	if (r->control_resource[0])
		snprintf(out->automation, sizeof(out->automation), "%s", r->control_resource);
	int rc = 0;
	for (size_t i = 0; i < st->n_instruments && rc == 0; i++) {
		lc_station_instrument in = st->instruments[i];
		bool served = false;
		for (size_t k = 0; k < r->n; k++)
			if (!strcmp(r->insts[k].sc->role, in.role) && r->insts[k].kind) {
				served = true;
				char lay[sizeof(in.layout)];
				/* the simulated hardware is the truth: its modules or lanes go into the station */
				if (r->insts[k].kind->layout &&
				    r->insts[k].kind->layout(r->insts[k].state, lay, sizeof(lay)) > 0) {
					if (in.layout[0] && strcmp(in.layout, lay))
						lc_warn("%s: station layout '%s' differs from the simulated '%s'", in.role,
							in.layout, lay);
					snprintf(in.layout, sizeof(in.layout), "%s", lay);
				}
				snprintf(in.resource, sizeof(in.resource), "%s", r->insts[k].resource);
				if (!strncmp(in.resource, "ASRL", 4)) {
					in.has_serial = true;
					snprintf(in.serial.terminator, sizeof(in.serial.terminator), "%s",
						 r->insts[k].kind->terminator ? r->insts[k].kind->terminator : "\n");
				}
			}
		if (served)
			rc = lc_station_add_instrument(out, &in);
	}
	for (size_t i = 0; i < st->n_wires && rc == 0; i++) {
		const lc_station_wire *wi = &st->wires[i];
		if (!lc_station_instrument_by_role(out, wi->instrument) ||
		    (wi->switch_role[0] && !lc_station_instrument_by_role(out, wi->switch_role))) {
			lc_station_free(out);
			return lc_diag_set(diag, LC_ERR_STATE, "%s: station wires[%zu] use '%s', not served in this scenario",
					   r->sc->origin, i, lc_station_instrument_by_role(out, wi->instrument) ? wi->switch_role
												   : wi->instrument);
		}
		rc = lc_station_add_wire(out, wi);
	}
	for (size_t i = 0; i < st->n_refcords && rc == 0; i++)
		rc = lc_station_add_refcord(out, &st->refcords[i]);
	for (size_t i = 0; i < st->n_slots && rc == 0; i++)
		rc = lc_station_add_slot(out, &st->slots[i]);
	if (rc == 0)
		rc = lc_station_write_json(out, path, diag);
	else
		lc_diag_set(diag, rc, "copying the station '%s'", st->name);
	lc_station_free(out);
	return rc;
}

int lc_sim_runner_sources_on(lc_sim_runner *r, char *buf, size_t cap)
{
	return lc_sim_world_sources_on(r->world, buf, cap);
}
