#include "procedures/optical_paths.h"

#include "procedures/measure/map.h"
#include "instruments/switch/switch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The instrument of a wire's role, which must provide class c. */
static int wire_instrument(lc_instrument_set *set, const char *role, enum lc_inst_class c, lc_instrument **out,
			   lc_diag *diag)
{
	lc_instrument *inst = lc_instrument_set_get(set, role);
	if (!inst)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "wiring names role '%s', which is not an open instrument", role);
	if (!lc_instrument_has_class(inst, c))
		return lc_diag_set(diag, LC_ERR_ARG, "wiring uses '%s' as a %s, which its driver (%s) is not", role,
				   lc_inst_class_name(c), lc_instrument_driver_name(inst));
	*out = inst;
	return 0;
}

int lc_wire_port_class(const lc_station_wire *w, lc_instrument_set *set, enum lc_inst_class c, lc_instrument **inst,
		       int *channel)
{
	lc_instrument *x = lc_instrument_set_get(set, w->instrument);
	enum lc_inst_class got;
	int ch;
	if (!x || lc_instrument_port_class(x, w->instrument_port, &got, &ch, NULL) < 0 || got != c)
		return 0;
	if (inst)
		*inst = x;
	if (channel)
		*channel = ch;
	return 1;
}

const lc_station_wire *lc_wire_of_class(const lc_station *st, lc_instrument_set *set, unsigned slot,
					const char *dut_port, enum lc_wire_direction dir, enum lc_inst_class c)
{
	for (const lc_station_wire *w = lc_station_wire_next(st, slot, dut_port, dir, NULL); w;
	     w = lc_station_wire_next(st, slot, dut_port, dir, w))
		if (lc_wire_port_class(w, set, c, NULL, NULL))
			return w;
	return NULL;
}

/* The switch of a wire. Another wire of the same DUT port through the same switch channel comes from another
 * input: the measurement parks that input first, which a switch that cannot park cannot do. */
static int switch_of(const lc_station *st, const lc_station_wire *w, lc_instrument_set *set, lc_instrument **sw,
		     int *in, int *out, lc_diag *diag)
{
	*sw = NULL;
	if (!w->switch_role[0])
		return 0;
	int rc = wire_instrument(set, w->switch_role, LC_CLASS_SWITCH, sw, diag);
	*in = (int)(w->switch_input ? w->switch_input : 1);
	*out = (int)w->switch_channel;
	for (size_t i = 0; rc == 0 && st && i < st->n_wires; i++) {
		const lc_station_wire *o = &st->wires[i];
		if (o != w && o->slot == w->slot && strcmp(o->switch_role, w->switch_role) == 0 &&
		    o->switch_channel == w->switch_channel && o->switch_input != w->switch_input &&
		    !lc_switch_can_park(*sw))
			rc = lc_diag_set(diag, LC_ERR_UNSUPPORTED,
					 "station design: switch '%s' (%s) channel %u is wired from input %u and input %u "
					 "(slot %u %s), but this model has no documented way to release an input: wire "
					 "them through a switch that can park (DiCon GP600) or through separate switches",
					 w->switch_role, lc_instrument_driver_name(*sw), w->switch_channel, o->switch_input,
					 w->switch_input, w->slot, w->dut_port);
	}
	return rc;
}

static int launch_of(const lc_station *st, const lc_station_wire *w, lc_instrument_set *set, lc_launch *l, lc_diag *diag)
{
	if (!lc_wire_port_class(w, set, LC_CLASS_SOURCE, &l->source, &l->source_output))
		return lc_diag_set(diag, LC_ERR_ARG, "wiring: %s port %u (to %s) is not a source", w->instrument,
				   w->instrument_port, w->dut_port);
	l->label = w->dut_port;
	return switch_of(st, w, set, &l->sw, &l->sw_input, &l->sw_output, diag);
}

static int detector_of(const lc_station *st, const lc_station_wire *w, lc_instrument_set *set, lc_detector *d, lc_diag *diag)
{
	if (!lc_wire_port_class(w, set, LC_CLASS_POWER_METER, &d->meter, &d->channel))
		return lc_diag_set(diag, LC_ERR_ARG, "wiring: %s port %u (from %s) is not a power meter", w->instrument,
				   w->instrument_port, w->dut_port);
	d->label = w->dut_port;
	return switch_of(st, w, set, &d->sw, &d->sw_input, &d->sw_output, diag);
}

int lc_wire_rl_port(const lc_station *st, const lc_station_wire *w, lc_instrument_set *set, lc_rl_port *p, lc_diag *diag)
{
	memset(p, 0, sizeof(*p));
	if (!lc_wire_port_class(w, set, LC_CLASS_RL_METER, &p->meter, &p->channel))
		return lc_diag_set(diag, LC_ERR_ARG, "wiring: %s port %u (to %s) is not a return-loss meter",
				   w->instrument, w->instrument_port, w->dut_port);
	p->label = w->dut_port;
	return switch_of(st, w, set, &p->sw, &p->sw_input, &p->sw_output, diag);
}

int lc_wired_paths(const lc_channel *ch, const lc_station *st, lc_instrument_set *set, unsigned slot, bool reverse,
		   lc_wired_path **out, lc_diag *diag)
{
	size_t n_map = lc_channel_map_count(ch), n = 0;
	lc_wired_path *paths = calloc(n_map ? n_map : 1, sizeof(*paths));
	if (!paths)
		return lc_diag_set(diag, LC_ERR_NOMEM, "paths");
	for (size_t i = 0; i < n_map; i++) {
		const lc_map_entry *e = lc_channel_map(ch, i);
		const char *in = reverse ? e->to : e->from;
		const char *outp = reverse ? e->from : e->to;
		/* only a source port launches and only a sensor port detects: the same DUT port may also be wired
		 * to an RL module, a BERT or an OTDR */
		const lc_station_wire *wi = lc_wire_of_class(st, set, slot, in, LC_WIRE_TO_DUT, LC_CLASS_SOURCE);
		const lc_station_wire *wo = lc_wire_of_class(st, set, slot, outp, LC_WIRE_FROM_DUT, LC_CLASS_POWER_METER);
		if (!wi || !wo)
			continue;
		lc_wired_path *p = &paths[n];
		int rc = launch_of(st, wi, set, &p->path.launch, diag);
		if (rc == 0)
			rc = detector_of(st, wo, set, &p->path.detect, diag);
		if (rc < 0) {
			free(paths);
			return rc;
		}
		p->map_index = i;
		snprintf(p->launch_port, sizeof(p->launch_port), "%s", in);
		snprintf(p->detect_port, sizeof(p->detect_port), "%s", outp);
		snprintf(p->label, sizeof(p->label), "%s -> %s", in, outp);
		p->path.launch.label = p->launch_port;
		p->path.detect.label = p->detect_port;
		p->path.label = p->label;
		n++;
	}
	*out = paths;
	return (int)n;
}

int lc_wired_ends_get(const lc_station *st, lc_instrument_set *set, unsigned slot, lc_wired_ends *e, lc_diag *diag)
{
	memset(e, 0, sizeof(*e));
	size_t cap = st->n_wires ? st->n_wires : 1;
	e->launch = calloc(cap, sizeof(*e->launch));
	e->detect = calloc(cap, sizeof(*e->detect));
	e->launch_port = calloc(cap, sizeof(*e->launch_port));
	e->detect_port = calloc(cap, sizeof(*e->detect_port));
	if (!e->launch || !e->detect || !e->launch_port || !e->detect_port) {
		lc_wired_ends_free(e);
		return lc_diag_set(diag, LC_ERR_NOMEM, "wired ends");
	}
	for (size_t i = 0; i < st->n_wires; i++) {
		const lc_station_wire *w = &st->wires[i];
		int rc = 0;
		if (w->slot != slot)
			continue;
		if (w->direction == LC_WIRE_TO_DUT && lc_wire_port_class(w, set, LC_CLASS_SOURCE, NULL, NULL)) {
			snprintf(e->launch_port[e->n_launch], LC_PORT_NAME_MAX, "%s", w->dut_port);
			rc = launch_of(st, w, set, &e->launch[e->n_launch], diag);
			e->launch[e->n_launch].label = e->launch_port[e->n_launch];
			e->n_launch++;
		} else if (w->direction == LC_WIRE_FROM_DUT && lc_wire_port_class(w, set, LC_CLASS_POWER_METER, NULL, NULL)) {
			snprintf(e->detect_port[e->n_detect], LC_PORT_NAME_MAX, "%s", w->dut_port);
			rc = detector_of(st, w, set, &e->detect[e->n_detect], diag);
			e->detect[e->n_detect].label = e->detect_port[e->n_detect];
			e->n_detect++;
		}
		if (rc < 0) {
			lc_wired_ends_free(e);
			return rc;
		}
	}
	return 0;
}

void lc_wired_ends_free(lc_wired_ends *e)
{
	free(e->launch);
	free(e->detect);
	free(e->launch_port);
	free(e->detect_port);
	memset(e, 0, sizeof(*e));
}

static void add_unique(lc_instrument **insts, size_t *n, lc_instrument *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < *n; i++)
		if (insts[i] == x)
			return;
	insts[(*n)++] = x;
}

size_t lc_wired_instruments(const lc_wired_path *p, size_t n, lc_instrument **insts)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		add_unique(insts, &k, p[i].path.launch.source);
		add_unique(insts, &k, p[i].path.launch.sw);
		add_unique(insts, &k, p[i].path.detect.meter);
		add_unique(insts, &k, p[i].path.detect.sw);
	}
	return k;
}

static int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t) * (lc_instrument *const *)a, y = (uintptr_t) * (lc_instrument *const *)b;
	return x < y ? -1 : x > y;
}

void lc_wired_lock(lc_instrument **insts, size_t n)
{
	qsort(insts, n, sizeof(*insts), by_address);
	for (size_t i = 0; i < n; i++)
		lc_instrument_lock(insts[i]);
}

void lc_wired_unlock(lc_instrument **insts, size_t n)
{
	for (size_t i = n; i-- > 0;)
		lc_instrument_unlock(insts[i]);
}

/* Expected detector index of each launch (LC_MAP_DARK when the channel routes it nowhere wired). */
void lc_wired_expected_map(const lc_channel *ch, const lc_wired_ends *e, int *expected)
{
	for (size_t i = 0; i < e->n_launch; i++) {
		expected[i] = LC_MAP_DARK;
		int to = lc_channel_route(ch, e->launch_port[i], NULL);
		if (to < 0)
			continue;
		const lc_port *p = lc_channel_port(ch, (size_t)to);
		for (size_t j = 0; j < e->n_detect; j++)
			if (strcasecmp(p->name, e->detect_port[j]) == 0)
				expected[i] = (int)j;
	}
}
