/*
 * The simulator's control instrument: a SCPI endpoint that tells tests what the world knows and no real
 * instrument would (`*IDN?` "LANECERT,SIM-CONTROL,<scenario>,<version>"):
 *   SIMulator:LASers?            "port,port" of the sources still on ("" when all are off)
 *   SIMulator:LASers:COUNt?      how many sources are on
 *   SIMulator:TIME? ["role"]     simulated instrument seconds (one instrument, or the whole station)
 *   SIMulator:TIME:WALL?         wall seconds the station's waits took
 *   SIMulator:MESSages? "role"   program messages that instrument received
 *   SIMulator:POWer? "port"      true optical power at a world port, dBm (no noise)
 *   SIMulator:SEED?              the seed in use
 *   SIMulator:SCENario?          the scenario's name
 *   FAULt:COUNt?                 "kind:role:n,..." the station faults that fired so far, per instrument and
 *                                kind (lc_sim_fault_kind_name), in station order; "" when none did
 * and plays the station's operator for `lanecert run` (the station file's "automation", see
 * procedures/prompt.h), doing what the prompts ask:
 *   OPERator:ACTion "id"[,slot]  "reference": take slot's DUT out and join the cords as the design maps
 *                                them (a reference thru); "dut": put the DUT back; any other prompt is only
 *                                acknowledged, as a person would press Enter
 *   OPERator:ACTion?             the last action done ("" before any)
 */
#include <stdio.h>
#include <string.h>

#include "sim/runner_priv.h"
#include "lc_version.h"

static struct lc_sim_rinst *by_role(lc_sim_runner *r, lc_sim_call *c, int *err)
{
	const char *s;
	size_t len;
	if ((*err = lc_sim_arg_string(c, 0, &s, &len)))
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		if (r->insts[i].engine && strlen(r->insts[i].sc->role) == len && !strncmp(r->insts[i].sc->role, s, len))
			return &r->insts[i];
	*err = lc_sim_fail(c, -224, "no instrument of role '%.*s'", (int)len, s);
	return NULL;
}

static int q_lasers(lc_sim_call *c, void *u)
{
	char buf[1024];
	lc_sim_world_sources_on(((lc_sim_runner *)u)->world, buf, sizeof(buf));
	lc_sim_out_string(c, buf);
	return 0;
}

static int q_lasers_count(lc_sim_call *c, void *u)
{
	char buf[8];
	lc_sim_out_int(c, lc_sim_world_sources_on(((lc_sim_runner *)u)->world, buf, sizeof(buf)));
	return 0;
}

static int q_time(lc_sim_call *c, void *u)
{
	lc_sim_runner *r = u;
	if (!lc_sim_arg_present(c, 0)) {
		double s, w;
		lc_sim_runner_totals(r, &s, &w);
		lc_sim_out_nr3(c, s);
		return 0;
	}
	int err;
	struct lc_sim_rinst *ri = by_role(r, c, &err);
	if (!ri)
		return err;
	lc_sim_out_nr3(c, lc_sim_scpi_sim_seconds(ri->engine));
	return 0;
}

static int q_wall(lc_sim_call *c, void *u)
{
	double s, w;
	lc_sim_runner_totals(u, &s, &w);
	lc_sim_out_nr3(c, w);
	return 0;
}

static int q_messages(lc_sim_call *c, void *u)
{
	int err;
	struct lc_sim_rinst *ri = by_role(u, c, &err);
	if (!ri)
		return err;
	lc_sim_out_int(c, (long long)lc_sim_scpi_messages(ri->engine));
	return 0;
}

static int q_power(lc_sim_call *c, void *u)
{
	const char *s;
	size_t len;
	int rc = lc_sim_arg_string(c, 0, &s, &len);
	if (rc)
		return rc;
	char port[LC_SIM_PORT_MAX];
	if (len >= sizeof(port))
		return lc_sim_fail(c, -224, "port name too long");
	memcpy(port, s, len);
	port[len] = '\0';
	double dbm;
	if (lc_sim_world_power_true(((lc_sim_runner *)u)->world, port, &dbm) < 0)
		return lc_sim_fail(c, -224, "'%s' is not a ROLE:PORT name", port);
	lc_sim_out_nr3(c, dbm);
	return 0;
}

static int q_fault_count(lc_sim_call *c, void *u)
{
	lc_sim_runner *r = u;
	char buf[2048];
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < r->n; i++) {
		if (!r->insts[i].engine)
			continue;
		uint64_t counts[LC_SIM_FAULT_KINDS];
		lc_sim_scpi_fault_counts(r->insts[i].engine, counts);
		for (int k = 0; k < LC_SIM_FAULT_KINDS; k++) {
			if (!counts[k])
				continue;
			int w = snprintf(buf + n, sizeof(buf) - n, "%s%s:%s:%llu", n ? "," : "", lc_sim_fault_kind_name(k),
					 r->insts[i].sc->role, (unsigned long long)counts[k]);
			if (w < 0 || (size_t)w >= sizeof(buf) - n)
				return lc_sim_fail(c, -223, "fault counts longer than %zu bytes", sizeof(buf));
			n += (size_t)w;
		}
	}
	lc_sim_out_string(c, buf);
	return 0;
}

static int set_action(lc_sim_call *c, void *u)
{
	lc_sim_runner *r = u;
	const char *id;
	size_t len;
	long long slot = 1;
	int err = lc_sim_arg_string(c, 0, &id, &len);
	if (err)
		return err;
	if (lc_sim_arg_count(c) > 1 && (err = lc_sim_arg_int(c, 1, 1, 1000, &slot)))
		return err;
	bool reference = len == 9 && strncmp(id, "reference", 9) == 0;
	bool dut = len == 3 && strncmp(id, "dut", 3) == 0;
	if ((reference || dut) && lc_sim_world_set_reference_thru(r->world, (unsigned)slot, reference) < 0)
		return lc_sim_fail(c, -224, "slot %lld has no DUT", slot);
	snprintf(r->last_action, sizeof(r->last_action), "%.*s", (int)(len < 60 ? len : 60), id);
	return 0;
}

static int q_action(lc_sim_call *c, void *u)
{
	lc_sim_out_string(c, ((lc_sim_runner *)u)->last_action);
	return 0;
}

static int q_seed(lc_sim_call *c, void *u)
{
	lc_sim_out_printf(c, "%llu", (unsigned long long)((lc_sim_runner *)u)->seed);
	return 0;
}

static int q_scenario(lc_sim_call *c, void *u)
{
	lc_sim_out_string(c, ((lc_sim_runner *)u)->sc->name);
	return 0;
}

int lc_sim_control_start(lc_sim_runner *r, const lc_sim_runner_opts *o, lc_diag *diag)
{
	char idn[160];
	snprintf(idn, sizeof(idn), "LANECERT,SIM-CONTROL,%s,%s", r->sc->name, LC_VERSION_STRING);
	lc_sim_scpi_config ec = {.idn = idn};
	int rc = lc_sim_scpi_create(&ec, &r->control, diag);
	static const struct {
		const char *p;
		lc_sim_handler q;
	} cmds[] = {
		{"SIMulator:LASers", q_lasers},   {"SIMulator:LASers:COUNt", q_lasers_count},
		{"SIMulator:TIME", q_time},       {"SIMulator:TIME:WALL", q_wall},
		{"SIMulator:MESSages", q_messages}, {"SIMulator:POWer", q_power},
		{"SIMulator:SEED", q_seed},       {"SIMulator:SCENario", q_scenario},
		{"FAULt:COUNt", q_fault_count},
	};
	for (size_t i = 0; rc == 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		rc = lc_sim_scpi_add(r->control, cmds[i].p, NULL, cmds[i].q, r, diag);
	if (rc == 0)
		rc = lc_sim_scpi_add(r->control, "OPERator:ACTion", set_action, q_action, r, diag);
	if (rc < 0)
		return rc;
	lc_sim_endpoint_opts eo;
	lc_sim_endpoint_opts_init(&eo);
	char addr[32];
	if (o->port_base > 0) {
		snprintf(addr, sizeof(addr), "%s", o->bind ? o->bind : "127.0.0.1");
		eo.port = o->port_base + (int)r->n;
	} else {
		snprintf(addr, sizeof(addr), "127.77.%d.254", o->address_block);
		eo.port = 5025;
	}
	eo.address = addr;
	if ((rc = lc_sim_socket_start(r->control, &eo, &r->control_ep, diag)) < 0) {
		lc_diag_prefix(diag, "control endpoint: ");
		return rc;
	}
	snprintf(r->control_resource, sizeof(r->control_resource), "TCPIP0::%s::%d::SOCKET", addr,
		 lc_sim_endpoint_port(r->control_ep));
	return 0;
}

void lc_sim_control_stop(lc_sim_runner *r)
{
	lc_sim_endpoint_stop(r->control_ep);
	r->control_ep = NULL;
	if (r->control)
		lc_sim_scpi_destroy(r->control);
	r->control = NULL;
}
