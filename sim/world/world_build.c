/* Building a world from a scenario: the station's wires of the DUT's slot become cords and switch ports, the
 * scenario's DUT object becomes the DUT instance over fixtures' channel model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fixtures/dut.h"
#include "sim/world/scenario.h"
#include "sim/world/world_priv.h"

static enum lc_sim_polish cord_polish(const lc_reference_cord *c)
{
	if (!c)
		return LC_SIM_POLISH_NONE;
	if (strcasestr(c->type, "APC"))
		return LC_SIM_POLISH_APC;
	if (strcasestr(c->type, "UPC") || strcasestr(c->type, "PC"))
		return LC_SIM_POLISH_UPC;
	return LC_SIM_POLISH_NONE;
}

static const lc_sim_inst_kind *kind_of(const lc_sim_scenario *sc, const char *role)
{
	const lc_sim_scenario_inst *in = lc_sim_scenario_inst_by_role(sc, role);
	return in ? lc_sim_kind_find(in->kind) : NULL;
}

static int add_switches(const lc_sim_scenario *sc, lc_sim_world *w, lc_diag *diag)
{
	for (size_t i = 0; i < sc->n_insts; i++) {
		const lc_sim_inst_kind *k = lc_sim_kind_find(sc->insts[i].kind);
		if (!k || k->switch_kind == LC_SIM_NOT_SWITCH)
			continue;
		double il = k->switch_il_db;
		const json_t *o = sc->insts[i].options ? json_object_get(sc->insts[i].options, "insertion_loss_db") : NULL;
		if (o) {
			if (!json_is_number(o) || json_number_value(o) < 0 || json_number_value(o) > 20)
				return lc_diag_set(diag, LC_ERR_FORMAT,
						   "%s: instruments.%s.options.insertion_loss_db: a number 0..20 is expected",
						   sc->origin, sc->insts[i].role);
			il = json_number_value(o);
		}
		int rc = lc_sim_world_add_switch(w, sc->insts[i].role, il, diag);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The switch port an instrument port is cabled to: the wire's switch_input, the Nth instrument-side port
 * ("sw:A", "sw:B" of a 1xN/2xN switch, "sw:inN" of a matrix). Returns 1 when that cord already exists (wires
 * of several DUT ports share it), 0 when it is to be added, or an error when either end is cabled elsewhere. */
static int switch_common(lc_sim_world *w, const lc_sim_inst_kind *k, const lc_station_wire *wi, const char *inst_port,
			 char *out, size_t cap, lc_diag *diag)
{
	unsigned in = wi->switch_input ? wi->switch_input : 1;
	if (k->switch_kind == LC_SIM_SWITCH_1XN && in > 26)
		return lc_diag_set(diag, LC_ERR_FORMAT, "switch_input %u: a 1xN switch has inputs A..Z (1..26)", in);
	if (k->switch_kind == LC_SIM_SWITCH_1XN)
		snprintf(out, cap, "%s:%c", wi->switch_role, 'A' + (int)in - 1);
	else
		snprintf(out, cap, "%s:in%u", wi->switch_role, in);
	const char *peer = lc_sim_world_link_peer(w, inst_port);
	if (peer && strcmp(peer, out) == 0)
		return 1;
	if (peer)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s is already cabled to %s, not to %s", inst_port, peer, out);
	if ((peer = lc_sim_world_link_peer(w, out)))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s is already cabled to %s, not to %s", out, peer, inst_port);
	return 0;
}

/* The world port of an instrument port: "ROLE:PORT"; a mainframe's slot*100+head is "ROLE:slot.head" (the
 * 816x numbering of fixtures/station.h). */
static void inst_port_name(const lc_sim_scenario *sc, const lc_station_wire *wi, char *out, size_t cap)
{
	const lc_sim_inst_kind *k = kind_of(sc, wi->instrument);
	unsigned p = wi->instrument_port;
	if (k && k->instrument_class && strcmp(k->instrument_class, "mainframe") == 0 && p >= 100)
		snprintf(out, cap, p % 100 == 1 ? "%s:%u" : "%s:%u.%u", wi->instrument, p / 100, p % 100);
	else
		snprintf(out, cap, "%s:%u", wi->instrument, p);
}

static int add_wires(const lc_sim_scenario *sc, lc_sim_world *w, lc_diag *diag)
{
	const lc_station *st = sc->station;
	for (size_t i = 0; i < st->n_wires; i++) {
		const lc_station_wire *wi = &st->wires[i];
		char p[LC_SIM_PORT_MAX], d[LC_SIM_PORT_MAX], c[LC_SIM_PORT_MAX], ch[LC_SIM_PORT_MAX];
		if (wi->slot == sc->slot) {
			snprintf(d, sizeof(d), "dut:%s", wi->dut_port);
		} else {
			bool used = false;
			for (size_t k = 0; k < sc->n_more; k++)
				used = used || sc->more_slot[k] == wi->slot;
			if (!used)
				continue; /* an empty slot in this scenario */
			snprintf(d, sizeof(d), "dut%u:%s", wi->slot, wi->dut_port);
		}
		inst_port_name(sc, wi, p, sizeof(p));
		const lc_reference_cord *cord = wi->reference_cord[0] ? lc_station_refcord(st, wi->reference_cord) : NULL;
		int rc;
		if (!wi->switch_role[0]) {
			rc = lc_sim_world_add_link(w, p, d, 0, cord, LC_SIM_POLISH_NONE, cord_polish(cord), diag);
		} else {
			const lc_sim_inst_kind *k = kind_of(sc, wi->switch_role);
			if (!k || k->switch_kind == LC_SIM_NOT_SWITCH)
				return lc_diag_set(diag, LC_ERR_FORMAT, "%s: wires[%zu]: switch '%s' is not a simulated switch",
						   sc->origin, i, wi->switch_role);
			rc = switch_common(w, k, wi, p, c, sizeof(c), diag);
			if (rc == 0)
				rc = lc_sim_world_add_link(w, p, c, 0, NULL, LC_SIM_POLISH_NONE, LC_SIM_POLISH_NONE, diag);
			if (rc > 0)
				rc = 0;
			if (k->switch_kind == LC_SIM_SWITCH_1XN)
				snprintf(ch, sizeof(ch), "%s:%u", wi->switch_role, wi->switch_channel);
			else
				snprintf(ch, sizeof(ch), "%s:out%u", wi->switch_role, wi->switch_channel);
			/* a DUT port reached from two inputs of one switch (a source and an RL module) has one cord */
			const char *peer = rc == 0 ? lc_sim_world_link_peer(w, ch) : NULL;
			if (rc == 0 && !(peer && strcmp(peer, d) == 0))
				rc = lc_sim_world_add_link(w, ch, d, 0, cord, LC_SIM_POLISH_NONE, cord_polish(cord), diag);
		}
		if (rc < 0) {
			lc_diag_prefix(diag, "%s: station wires[%zu] (%s port %u -> %s): ", sc->origin, i,
				       wi->instrument, wi->instrument_port, wi->dut_port);
			return rc;
		}
	}
	return 0;
}

/* The cable type the station expects in `slot`, given to the DUT there when it is another type: the
 * operator joins the reference cords as the slot's design maps them, whatever cable is tested next (a
 * wrong part's own map would leave the cords of the ports it lacks open, a reference of the meter's
 * floor). A slot naming no cable keeps the DUT's own type. */
static int slot_design(const lc_sim_scenario *sc, unsigned slot, const lc_dut *dut, struct lc_sim_dut *d,
		       lc_diag *diag)
{
	const lc_station *st = sc->station;
	for (size_t i = 0; i < st->n_slots; i++) {
		const lc_station_slot *s = &st->slots[i];
		if (s->number != slot || !s->cable[0] || strcmp(s->cable, lc_channel_name(dut->channel)) == 0)
			continue;
		lc_channel *design = NULL;
		int rc = lc_channel_load(s->cable, sc->fixtures_dir, &design, diag);
		if (rc < 0) {
			lc_diag_prefix(diag, "%s: station slot %u's cable: ", sc->origin, slot);
			return rc;
		}
		lc_sim_dut_set_design(d, design);
	}
	return 0;
}

/* slot 0: the scenario's DUT; else the DUT of that slot in more_slots */
static int add_dut(const lc_sim_scenario *sc, lc_sim_world *w, size_t more, lc_diag *diag)
{
	char origin[600];
	if (more == 0)
		snprintf(origin, sizeof(origin), "%s: dut", sc->origin);
	else
		snprintf(origin, sizeof(origin), "%s: more_slots[%zu].dut", sc->origin, more - 1);
	lc_dut *dut = NULL;
	lc_limits *lim = NULL;
	const json_t *dj = more == 0 ? json_object_get(sc->root, "dut") : sc->more_dut[more - 1];
	int rc = lc_dut_from_json(dj, origin, sc->fixtures_dir, &dut, diag);
	if (rc >= 0 && (rc = lc_limits_load(sc->fixtures_dir, &lim, diag)) < 0)
		lc_diag_prefix(diag, "%s: limits: ", sc->origin);
	struct lc_sim_dut *d = NULL;
	/* each slot's cable has its own spread of fiber losses */
	if (rc >= 0)
		rc = lc_sim_dut_new(dut, lim, sc->seed + 7919 * more, origin, &d, diag);
	if (rc < 0) {
		lc_dut_free(dut);
		lc_limits_free(lim);
		return rc;
	}
	if ((rc = slot_design(sc, more == 0 ? sc->slot : sc->more_slot[more - 1], dut, d, diag)) < 0) {
		lc_sim_dut_free(d);
		return rc;
	}
	if (more == 0) {
		lc_sim_dut_set_empty(d, sc->slot_empty);
		lc_sim_world_set_dut(w, d);
		w->dut_slot = sc->slot;
		return 0;
	}
	if ((rc = lc_sim_world_add_slot_dut(w, sc->more_slot[more - 1], d, diag)) < 0)
		lc_sim_dut_free(d);
	return rc;
}

int lc_sim_world_create(const struct lc_sim_scenario *sc, lc_sim_world **out, lc_diag *diag)
{
	lc_sim_world *w;
	int rc = lc_sim_world_new(sc->seed, 1.0, &w);
	if (rc < 0)
		return rc;
	if ((rc = add_switches(sc, w, diag)) < 0 || (rc = add_wires(sc, w, diag)) < 0)
		goto fail;
	for (size_t i = 0; i <= sc->n_more; i++)
		if ((rc = add_dut(sc, w, i, diag)) < 0)
			goto fail;
	*out = w;
	return 0;
fail:
	lc_sim_world_destroy(w);
	return rc;
}
