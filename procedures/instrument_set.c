#include "procedures/instrument_set.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hal/resource.h"
#include "instruments/bert/bert.h"
#include "instruments/registry.h"
#include "instruments/rl_meter/rl_meter.h"
#include "instruments/source/source.h"
#include "procedures/module_soak.h"

#define LC_LOG_DOMAIN "instruments"
#include "base/log.h"

struct lc_instrument_set {
	size_t n;
	struct {
		char role[LC_NAME_MAX];
		lc_instrument *inst;
		const lc_station_instrument *si; /* the station's entry, to open a fresh session in cleanup */
	} *items;
};

/* The station file writes serial settings as text; the transport wants its enums. */
static void serial_to_transport(const lc_station_serial *s, lc_transport_opts *t)
{
	t->serial.baud = (int)s->baud;
	t->serial.data_bits = (int)s->data_bits;
	t->serial.stop_bits = (int)s->stop_bits;
	t->serial.parity = s->parity == 'E' ? LC_PARITY_EVEN : s->parity == 'O' ? LC_PARITY_ODD : LC_PARITY_NONE;
	t->serial.flow = strcmp(s->flow, "rtscts") == 0	 ? LC_FLOW_RTSCTS
			 : strcmp(s->flow, "xonxoff") == 0 ? LC_FLOW_XONXOFF
							   : LC_FLOW_NONE;
}

static int open_one(const lc_station_instrument *si, lc_instrument **inst, lc_diag *diag)
{
	lc_instrument_opts opts;
	lc_instrument_opts_init(&opts);
	if (si->has_serial)
		serial_to_transport(&si->serial, &opts.transport);
	if (si->layout[0])
		opts.layout = si->layout;
	/* The station's hint binds that driver only (and lets a non-SCPI instrument skip *IDN?). */
	if (si->driver[0])
		opts.driver = si->driver;
	opts.name = si->role;
	opts.timeout_ms = si->timeout_ms; /* 0: the model table's */
	opts.max_line = si->max_reply_line;   /* 0: the model table's */
	opts.max_block = si->max_reply_block; /* 0: the model table's */
	return lc_instrument_open(si->resource, &opts, inst, diag);
}

/* Does a layout parse for some driver of this build? The first driver's complaint when none takes it. */
static int check_layout_any(const char *layout, lc_diag *diag)
{
	lc_diag first;
	lc_diag_clear(&first);
	bool tried = false;
	for (size_t i = 0; lc_registry_driver_at(i); i++) {
		const lc_driver *drv = lc_registry_driver_at(i);
		lc_diag d;
		if (!drv->check_layout)
			continue;
		if (drv->check_layout(layout, &d) == 0)
			return 0;
		if (!tried)
			first = d;
		tried = true;
	}
	return lc_diag_set(diag, LC_ERR_FORMAT, "layout '%s' fits no driver (name the driver; %s)", layout,
			   tried ? first.text : "no driver takes a layout");
}

int lc_instrument_set_check(const lc_station *st, lc_diag *diag)
{
	if (!st)
		return lc_diag_set(diag, LC_ERR_ARG, "instrument set: NULL station");
	for (size_t i = 0; i < st->n_instruments; i++) {
		const lc_station_instrument *si = &st->instruments[i];
		lc_resource res;
		lc_diag d;
		if (lc_resource_parse(si->resource, &res, &d) < 0)
			return lc_diag_set(diag, LC_ERR_FORMAT, "instrument '%s': resource '%s': %s", si->role, si->resource,
					   d.text);
		/* A module memory's layout (its mux channels) is the module access's, checked when an end opens. */
		if (res.kind == LC_RES_I2C)
			continue;
		const lc_driver *drv = si->driver[0] ? lc_registry_driver(si->driver) : NULL;
		if (si->driver[0] && !drv)
			return lc_diag_set(diag, LC_ERR_NOT_FOUND,
					   "instrument '%s': driver '%s' is not in this build (lanecert probe --list)", si->role,
					   si->driver);
		if (!si->layout[0])
			continue;
		int rc;
		if (drv && !drv->check_layout)
			rc = lc_diag_set(&d, LC_ERR_FORMAT, "driver %s takes no layout", drv->name);
		else
			rc = drv ? drv->check_layout(si->layout, &d) : check_layout_any(si->layout, &d);
		if (rc < 0)
			return lc_diag_set(diag, rc == LC_ERR_NOMEM ? rc : LC_ERR_FORMAT, "instrument '%s': %s", si->role,
					   d.text);
	}
	/* across the supplies: one end, one output */
	return lc_soak_supply_station_check(st, diag);
}

/* Is this instrument wired to slot `slot`, or wired to any slot at all? */
static bool wired_to(const lc_station *st, const char *role, unsigned first, unsigned n, bool *any)
{
	bool ours = false;
	for (size_t i = 0; i < st->n_wires; i++) {
		const lc_station_wire *w = &st->wires[i];
		if (strcmp(w->instrument, role) != 0 && strcmp(w->switch_role, role) != 0)
			continue;
		*any = true;
		if (w->slot >= first && w->slot - first < n)
			ours = true;
	}
	return ours;
}

int lc_instrument_set_open(const lc_station *st, lc_instrument_set **out, lc_diag *diag)
{
	return lc_instrument_set_open_slots(st, 1, UINT_MAX, out, diag);
}

int lc_instrument_set_open_slots(const lc_station *st, unsigned first_slot, unsigned n_slots,
				 lc_instrument_set **out, lc_diag *diag)
{
	lc_instrument_set *set = calloc(1, sizeof(*set));
	if (!set || !(set->items = calloc(st->n_instruments ? st->n_instruments : 1, sizeof(*set->items)))) {
		free(set);
		return lc_diag_set(diag, LC_ERR_NOMEM, "instrument set");
	}
	for (size_t i = 0; i < st->n_instruments; i++) {
		const lc_station_instrument *si = &st->instruments[i];
		/* Module memories (I2C adapters) belong to the DUT and are opened per end by ctx:module. */
		if (strncasecmp(si->resource, "I2C::", 5) == 0)
			continue;
		/* Another slot's instruments are another run's: opening them would put them in this run's report
		 * and, at cleanup, turn off the lasers that run is measuring with (two `lanecert run --slot` on
		 * one station failed each other's good cables with "no light"). Instruments wired to no slot are
		 * everyone's. */
		bool wired_somewhere = false;
		if (!wired_to(st, si->role, first_slot, n_slots, &wired_somewhere) && wired_somewhere)
			continue;
		int rc = open_one(si, &set->items[set->n].inst, diag);
		if (rc == LC_ERR_ARG && diag) { /* the driver refused the station's settings for this model */
			lc_diag d = *diag;
			rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s", d.text);
		} else if (rc == LC_ERR_ARG) {
			rc = LC_ERR_FORMAT;
		}
		if (rc < 0) {
			lc_diag_prefix(diag, "instrument '%s' (%s): ", si->role, si->resource);
			lc_instrument_set_close(set);
			return rc;
		}
		snprintf(set->items[set->n].role, sizeof(set->items[0].role), "%s", si->role);
		set->items[set->n].si = si;
		set->n++;
		lc_info("%s: %s %s at %s", si->role, lc_instrument_idn(set->items[set->n - 1].inst)->vendor,
			lc_instrument_idn(set->items[set->n - 1].inst)->model, si->resource);
	}
	*out = set;
	return 0;
}

void lc_instrument_set_close(lc_instrument_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		lc_instrument_close(set->items[i].inst);
	free(set->items);
	free(set);
}

lc_instrument *lc_instrument_set_get(lc_instrument_set *set, const char *role)
{
	for (size_t i = 0; set && i < set->n; i++)
		if (strcmp(set->items[i].role, role) == 0)
			return set->items[i].inst;
	return NULL;
}

size_t lc_instrument_set_count(const lc_instrument_set *set)
{
	return set ? set->n : 0;
}

lc_instrument *lc_instrument_set_at(lc_instrument_set *set, size_t i, const char **role)
{
	if (!set || i >= set->n)
		return NULL;
	if (role)
		*role = set->items[i].role;
	return set->items[i].inst;
}

int lc_instrument_set_record(lc_instrument_set *set, const lc_station *st, const lc_run_calibration *cal,
			     lc_result *r, lc_diag *diag)
{
	for (size_t i = 0; i < set->n; i++) {
		const lc_idn *idn = lc_instrument_idn(set->items[i].inst);
		/* what the driver found missing at attach goes on the record: the run went without it */
		char absent[512] = "";
		const char *name;
		int has;
		for (size_t k = 0; (has = lc_instrument_feature_at(set->items[i].inst, k, &name)) >= 0; k++)
			if (!has && strlen(absent) + strlen(name) + 2 < sizeof(absent))
				snprintf(absent + strlen(absent), sizeof(absent) - strlen(absent), "%s%s", absent[0] ? "," : "",
					 name);
		const lc_station_instrument *si = lc_station_instrument_by_role(st, set->items[i].role);
		lc_result_instrument ri = {
			.role = set->items[i].role,
			.resource = lc_scpi_resource(lc_instrument_scpi(set->items[i].inst)),
			.vendor = idn->vendor,
			.model = idn->model,
			.serial = idn->serial,
			.firmware = idn->firmware,
			.calibration_due = si && si->calibration_due[0] ? si->calibration_due : NULL,
			.calibrated = si && si->calibrated[0] ? si->calibrated : NULL,
			.calibration_override = lc_calibration_override(cal, st, set->items[i].role),
			.features_absent = absent[0] ? absent : NULL,
		};
		int rc = lc_result_add_instrument(r, &ri, diag);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Every output this instrument can light, off. Keeps going after a failure and reports the first. */
static int make_safe(lc_instrument *inst, lc_diag *diag)
{
	int first = 0;
	lc_diag d;

	if (lc_instrument_has_class(inst, LC_CLASS_SOURCE) && lc_source_all_off(inst, &d) < 0 && !first)
		first = lc_diag_set(diag, d.code, "%s", d.text);
	if (lc_instrument_has_class(inst, LC_CLASS_RL_METER)) {
		lc_rl_meter_caps caps;
		if (lc_rl_meter_caps_get(inst, &caps, &d) < 0) {
			if (!first)
				first = lc_diag_set(diag, d.code, "%s", d.text);
		} else {
			for (int ch = 1; ch <= caps.channels; ch++)
				if (lc_rl_meter_source_off(inst, ch, &d) < 0 && !first)
					first = lc_diag_set(diag, d.code, "%s", d.text);
		}
	}
	if (lc_instrument_has_class(inst, LC_CLASS_BERT)) {
		lc_bert_caps caps;
		/* A BERT without a layout has no lanes to switch off: lane 0 means all outputs. */
		if (lc_bert_caps_get(inst, &caps, &d) == 0 && caps.lanes > 0 && lc_bert_set_output(inst, 0, false, &d) < 0 &&
		    !first)
			first = lc_diag_set(diag, d.code, "%s", d.text);
	}
	return first;
}

/* Can light something: a source, an RL meter's source or a BERT's pattern outputs. */
static bool can_light(lc_instrument *inst)
{
	return lc_instrument_has_class(inst, LC_CLASS_SOURCE) || lc_instrument_has_class(inst, LC_CLASS_RL_METER) ||
	       lc_instrument_has_class(inst, LC_CLASS_BERT);
}

/* The old session failed (dropped, hung, garbled): a fresh connection of its own usually still reaches the
 * instrument, and a laser left on is worse than a second connection. It is closed again at once. */
static int safe_on_fresh_session(const lc_station_instrument *si, lc_diag *diag)
{
	lc_instrument *fresh = NULL;
	int rc = open_one(si, &fresh, diag);
	if (rc == 0)
		rc = make_safe(fresh, diag);
	lc_instrument_close(fresh);
	return rc;
}

int lc_instrument_set_safe(lc_instrument_set *set, lc_diag *diag)
{
	int first = 0;
	lc_diag d, d2;
	for (size_t i = 0; set && i < set->n; i++) {
		lc_diag_clear(&d);
		lc_instrument *inst = set->items[i].inst;
		int rc = make_safe(inst, &d);
		if (rc < 0 && can_light(inst) && set->items[i].si) {
			lc_warn("safe state of '%s' failed (%s): trying a fresh connection", set->items[i].role,
				lc_diag_message(&d));
			lc_diag_clear(&d2);
			if (safe_on_fresh_session(set->items[i].si, &d2) == 0) {
				lc_info("'%s' is in its safe state (on a fresh connection)", set->items[i].role);
				continue;
			}
			lc_diag_prefix(&d2, "%s; a fresh connection: ", lc_diag_message(&d));
			d = d2;
		}
		if (rc < 0) {
			const lc_idn *idn = lc_instrument_idn(inst);
			lc_warn("safe state of '%s' failed: %s", set->items[i].role, lc_diag_message(&d));
			if (!first && can_light(inst))
				first = lc_diag_set(diag, rc, "laser may still be on: %s %s serial %s (role '%s', %s): %s",
						    idn->vendor, idn->model, idn->serial, set->items[i].role,
						    set->items[i].si ? set->items[i].si->resource : "?", lc_diag_message(&d));
			else if (!first)
				first = lc_diag_set(diag, rc, "safe state of '%s': %s", set->items[i].role,
						    lc_diag_message(&d));
		}
	}
	return first;
}
