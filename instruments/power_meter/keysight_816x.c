/*
 * Keysight 8163B/8164B/8166B mainframes with sensor (81634B/81635A), source (8165x, TLS) and return-loss
 * (8161x) modules, addressed by slot and channel (instrument-dialects.md §1.2, §2.1, §3.1). Which module
 * sits in which slot comes from the station's layout (keysight_816x.h); without one, probe lists what the
 * mainframe reports in its slots (keysight_816x_inventory.c) and opens no class.
 *
 * Sensors are switched to watts at attach and read with :READ<n>:CHAN<m>:POW? (dBm computed here, as for the
 * N774x). The all-sensors block :READ1:POW:ALL? needs firmware 3.0x or later, so it is not used.
 * Sources are switched to dBm at attach (:SOUR<n>:POW:UNIT 0). A tunable laser takes :SOUR<n>:WAV; a fixed
 * source only "selects" its one wavelength; selecting λ on a dual-wavelength source (:SOUR<n>:WAV LOWER|UPPER)
 * is UNCONFIRMED and only sent when the layout marks the module "!wavsel".
 * RL modules: internal source on, :INIT<n>:IMM, *OPC?, :FETC<n>:CHAN<m>:RET? (the reply format is
 * UNCONFIRMED: a number in dB, which must be positive), source off on every path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/abort.h"
#include "base/clock.h"
#include "instruments/instrument_priv.h"
#include "instruments/power_meter/keysight_816x.h"
#include "instruments/power_meter/power_meter.h"
#include "instruments/rl_meter/rl_meter.h"
#include "instruments/source/source.h"

struct k816x {
	lc_816x_layout layout;
	int sensor[LC_816X_MAX_MODULES], n_sensor; /* indexes into layout.m, by class channel */
	int source[LC_816X_MAX_MODULES], n_source;
	int rl[LC_816X_MAX_MODULES], n_rl;
	double atime_s[LC_816X_MAX_MODULES];       /* by layout index */
	double sel_nm[LC_816X_MAX_MODULES];        /* selected λ of fixed sources / RL modules */
};

static struct k816x *st(const lc_instrument *inst)
{
	return inst->priv;
}

static const lc_816x_module *mod(lc_instrument *inst, const int *map, int ch)
{
	return &st(inst)->layout.m[map[ch - 1]];
}

static int k816x_attach(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag)
{
	struct k816x *s = calloc(1, sizeof(*s));
	if (!s)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	int rc = lc_816x_layout_parse(opts ? opts->layout : NULL, inst->quirks.min_slot, inst->quirks.max_slot,
				      &s->layout, diag);
	inst->priv = s;
	for (int i = 0; i < s->layout.n && rc == 0; i++) {
		const lc_816x_module *m = &s->layout.m[i];
		char setting[48]; /* the units are set through lc_inst_change: put back after a probe */
		switch (m->kind) {
		case LC_816X_SENSOR:
			s->sensor[s->n_sensor++] = i;
			snprintf(setting, sizeof(setting), ":SENS%d:CHAN%d:POW:UNIT", m->slot, m->chan);
			rc = lc_inst_change(inst, diag, setting, "1");
			if (rc == 0)
				rc = lc_inst_query_double(inst, diag, 0, &s->atime_s[i], ":SENS%d:CHAN%d:POW:ATIM?",
							  m->slot, m->chan);
			break;
		case LC_816X_SOURCE:
		case LC_816X_TLS:
			s->source[s->n_source++] = i;
			s->sel_nm[i] = m->n_wl ? m->wl_nm[0] : NAN;
			snprintf(setting, sizeof(setting), ":SOUR%d:POW:UNIT", m->slot);
			rc = lc_inst_change(inst, diag, setting, "0");
			break;
		case LC_816X_RL:
			s->rl[s->n_rl++] = i;
			s->sel_nm[i] = m->wl_nm[0];
			break;
		}
	}
	if (rc < 0) {
		free(s);
		inst->priv = NULL;
	}
	return rc;
}

static void k816x_detach(lc_instrument *inst)
{
	free(inst->priv);
	inst->priv = NULL;
}

static bool k816x_has_class(const lc_instrument *inst, enum lc_inst_class c)
{
	const struct k816x *s = st(inst);
	switch (c) {
	case LC_CLASS_POWER_METER: return s->n_sensor > 0;
	case LC_CLASS_SOURCE: return s->n_source > 0;
	case LC_CLASS_RL_METER: return s->n_rl > 0;
	default: return false;
	}
}

/* A physical port is a slot, or slot * 100 + channel for one head of a multi-head module (202: slot 2,
 * head 2; 2 and 201 are both slot 2's first head). The class channel is the module's rank among the
 * modules of its class, as the class operations number them. Slot 0 (the 8164B's back-loaded TLS) has no
 * port number: a wire cannot name it. */
static int rank_of(const struct k816x *s, const int *map, int n, int slot, int chan)
{
	for (int k = 0; k < n; k++)
		if (s->layout.m[map[k]].slot == slot && s->layout.m[map[k]].chan == chan)
			return k + 1;
	return 0;
}

static int k816x_port_class(const lc_instrument *inst, unsigned port, enum lc_inst_class *cls, int *channel)
{
	const struct k816x *s = st(inst);
	int slot = port < 100 ? (int)port : (int)(port / 100), chan = port < 100 ? 1 : (int)(port % 100);
	int k;
	if (!s)
		return LC_ERR_NOT_FOUND;
	if ((k = rank_of(s, s->sensor, s->n_sensor, slot, chan)) > 0)
		*cls = LC_CLASS_POWER_METER;
	else if ((k = rank_of(s, s->source, s->n_source, slot, chan)) > 0)
		*cls = LC_CLASS_SOURCE;
	else if ((k = rank_of(s, s->rl, s->n_rl, slot, chan)) > 0)
		*cls = LC_CLASS_RL_METER;
	else
		return LC_ERR_NOT_FOUND;
	*channel = k;
	return 0;
}

/* ---- sensors ---- */

static int pm_caps(lc_instrument *inst, lc_power_meter_caps *c)
{
	*c = (lc_power_meter_caps){.channels = st(inst)->n_sensor, .can_zero = true};
	return 0;
}

static int pm_set_wavelength(lc_instrument *inst, int ch, double nm, lc_diag *diag)
{
	const lc_816x_module *m = mod(inst, st(inst)->sensor, ch);
	return lc_inst_write(inst, diag, ":SENS%d:CHAN%d:POW:WAV %.10gNM", m->slot, m->chan, nm);
}

static int pm_get_wavelength(lc_instrument *inst, int ch, double *nm, lc_diag *diag)
{
	const lc_816x_module *m = mod(inst, st(inst)->sensor, ch);
	double metres;
	int rc = lc_inst_query_double(inst, diag, 0, &metres, ":SENS%d:CHAN%d:POW:WAV?", m->slot, m->chan);
	if (rc == 0)
		*nm = metres * 1e9;
	return rc;
}

static int pm_set_averaging(lc_instrument *inst, int ch, double sec, lc_diag *diag)
{
	struct k816x *s = st(inst);
	int i = s->sensor[ch - 1];
	const lc_816x_module *m = &s->layout.m[i];
	int rc = lc_inst_write(inst, diag, ":SENS%d:CHAN%d:POW:ATIM %.10gS", m->slot, m->chan, sec);
	if (rc == 0)
		rc = lc_inst_query_double(inst, diag, 0, &s->atime_s[i], ":SENS%d:CHAN%d:POW:ATIM?", m->slot,
					  m->chan);
	return rc;
}

static int pm_get_averaging(lc_instrument *inst, int ch, double *sec, lc_diag *diag)
{
	struct k816x *s = st(inst);
	int i = s->sensor[ch - 1];
	int rc = lc_inst_query_double(inst, diag, 0, sec, ":SENS%d:CHAN%d:POW:ATIM?", s->layout.m[i].slot,
				      s->layout.m[i].chan);
	if (rc == 0)
		s->atime_s[i] = *sec;
	return rc;
}

static int pm_read_dbm(lc_instrument *inst, int ch, double *dbm, lc_diag *diag)
{
	struct k816x *s = st(inst);
	int i = s->sensor[ch - 1];
	double w;
	int rc = lc_inst_query_double(inst, diag, lc_inst_atime_extra_ms(inst, s->atime_s[i]), &w,
				      ":READ%d:CHAN%d:POW?", s->layout.m[i].slot, s->layout.m[i].chan);
	if (rc == 0)
		*dbm = w > 1e20 ? -INFINITY : lc_watt_to_dbm(w);
	return rc;
}

static int pm_zero(lc_instrument *inst, int ch, lc_diag *diag)
{
	struct k816x *s = st(inst);
	int first = ch == 0 ? 1 : ch, last = ch == 0 ? s->n_sensor : ch;
	int rc = 0;
	for (int c = first; c <= last && rc == 0; c++) {
		const lc_816x_module *m = mod(inst, s->sensor, c);
		rc = lc_inst_write(inst, diag, ":SENS%d:CHAN%d:CORR:COLL:ZERO", m->slot, m->chan);
		if (rc == 0)
			rc = lc_inst_wait_opc(inst, diag, inst->quirks.zero_timeout_ms, "zero");
	}
	return rc;
}

static const lc_power_meter_ops k816x_pm = {
	.base = {LC_CLASS_POWER_METER, lc_power_meter_snapshot},
	.caps = pm_caps,
	.set_wavelength = pm_set_wavelength,
	.get_wavelength = pm_get_wavelength,
	.set_averaging = pm_set_averaging,
	.get_averaging = pm_get_averaging,
	.read_dbm = pm_read_dbm,
	.zero = pm_zero,
};

/* ---- sources ---- */

static int src_caps(lc_instrument *inst, int out, lc_source_caps *c)
{
	struct k816x *s = st(inst);
	*c = (lc_source_caps){.outputs = s->n_source, .power_settable = true};
	if (out < 1 || out > s->n_source)
		return 0;
	const lc_816x_module *m = mod(inst, s->source, out);
	c->tunable = m->kind == LC_816X_TLS;
	c->min_nm = m->min_nm;
	c->max_nm = m->max_nm;
	c->n_wavelengths = m->n_wl;
	for (int i = 0; i < m->n_wl; i++)
		c->wavelengths_nm[i] = m->wl_nm[i];
	return 0;
}

/* Select nm on a fixed module (source or RL) at layout index i. */
static int select_fixed(lc_instrument *inst, int i, double nm, lc_diag *diag)
{
	struct k816x *s = st(inst);
	const lc_816x_module *m = &s->layout.m[i];
	int k = -1;
	for (int j = 0; j < m->n_wl; j++)
		if (fabs(m->wl_nm[j] - nm) < 0.5)
			k = j;
	if (k < 0)
		return lc_diag_set(diag, LC_ERR_ARG, "slot %d: %g nm is not one of the module's wavelengths", m->slot, nm);
	if (m->n_wl > 1 && s->sel_nm[i] != m->wl_nm[k]) {
		if (!m->wavsel)
			return lc_diag_set(diag, LC_ERR_UNSUPPORTED,
					   "slot %d: selecting a wavelength on a dual-wavelength module is UNCONFIRMED "
					   "(instrument-dialects.md 2.1); mark it '!wavsel' in the layout to send "
					   ":SOUR%d:WAV LOWER|UPPER", m->slot, m->slot);
		int rc = lc_inst_write(inst, diag, ":SOUR%d:WAV %s", m->slot, k == 0 ? "LOWER" : "UPPER");
		if (rc < 0)
			return rc;
	}
	s->sel_nm[i] = m->wl_nm[k];
	return 0;
}

static int src_set_wavelength(lc_instrument *inst, int out, double nm, lc_diag *diag)
{
	struct k816x *s = st(inst);
	int i = s->source[out - 1];
	const lc_816x_module *m = &s->layout.m[i];
	if (m->kind != LC_816X_TLS)
		return select_fixed(inst, i, nm, diag);
	if (nm < m->min_nm || nm > m->max_nm)
		return lc_diag_set(diag, LC_ERR_ARG, "slot %d: %g nm outside the laser's %g..%g nm", m->slot, nm,
				   m->min_nm, m->max_nm);
	return lc_inst_write(inst, diag, ":SOUR%d:WAV %.10gNM", m->slot, nm);
}

static int src_get_wavelength(lc_instrument *inst, int out, double *nm, lc_diag *diag)
{
	struct k816x *s = st(inst);
	int i = s->source[out - 1];
	const lc_816x_module *m = &s->layout.m[i];
	if (m->kind != LC_816X_TLS) {
		*nm = s->sel_nm[i];
		return 0;
	}
	double metres;
	int rc = lc_inst_query_double(inst, diag, 0, &metres, ":SOUR%d:WAV?", m->slot);
	if (rc == 0)
		*nm = metres * 1e9;
	return rc;
}

static int src_set_power(lc_instrument *inst, int out, double dbm, lc_diag *diag)
{
	const lc_816x_module *m = mod(inst, st(inst)->source, out);
	return lc_inst_write(inst, diag, ":SOUR%d:POW %.6gDBM", m->slot, dbm);
}

static int src_get_power(lc_instrument *inst, int out, double *dbm, lc_diag *diag)
{
	const lc_816x_module *m = mod(inst, st(inst)->source, out);
	return lc_inst_query_double(inst, diag, 0, dbm, ":SOUR%d:POW?", m->slot);
}

static int src_set_output(lc_instrument *inst, int out, bool on, lc_diag *diag)
{
	const lc_816x_module *m = mod(inst, st(inst)->source, out);
	/* Idempotent: STAT 0 on a laser that is off is a no-op for the instrument. */
	int rc = lc_inst_write(inst, diag, ":SOUR%d:CHAN%d:POW:STAT %d", m->slot, m->chan, on ? 1 : 0);
	if (rc == 0 && on && inst->quirks.settle_ms > 0 && (rc = lc_wait_ms(inst->quirks.settle_ms)) < 0)
		lc_diag_set(diag, rc, "aborted while the source settled");
	return rc;
}

static int src_get_output(lc_instrument *inst, int out, bool *on, lc_diag *diag)
{
	const lc_816x_module *m = mod(inst, st(inst)->source, out);
	double v;
	int rc = lc_inst_query_double(inst, diag, 0, &v, ":SOUR%d:CHAN%d:POW:STAT?", m->slot, m->chan);
	if (rc == 0)
		*on = v != 0;
	return rc;
}

static const lc_source_ops k816x_src = {
	.base = {LC_CLASS_SOURCE, lc_source_snapshot},
	.caps = src_caps,
	.set_wavelength = src_set_wavelength,
	.get_wavelength = src_get_wavelength,
	.set_power = src_set_power,
	.get_power = src_get_power,
	.set_output = src_set_output,
	.get_output = src_get_output,
};

/* ---- return-loss modules ---- */

static int rl_caps(lc_instrument *inst, lc_rl_meter_caps *c)
{
	struct k816x *s = st(inst);
	*c = (lc_rl_meter_caps){.channels = s->n_rl};
	if (s->n_rl > 0) { /* wavelengths of the first module; each measure checks its own */
		const lc_816x_module *m = mod(inst, s->rl, 1);
		c->n_wavelengths = m->n_wl < LC_RL_MAX_WAVELENGTHS ? m->n_wl : LC_RL_MAX_WAVELENGTHS;
		for (int i = 0; i < c->n_wavelengths; i++)
			c->wavelengths_nm[i] = m->wl_nm[i];
	}
	return 0;
}

static int rl_source_off(lc_instrument *inst, int ch, lc_diag *diag)
{
	const lc_816x_module *m = mod(inst, st(inst)->rl, ch);
	return lc_inst_write(inst, diag, ":SOUR%d:CHAN%d:POW:STAT 0", m->slot, m->chan);
}

static int rl_measure(lc_instrument *inst, int ch, double nm, double *rl_db, lc_diag *diag)
{
	struct k816x *s = st(inst);
	int i = s->rl[ch - 1];
	const lc_816x_module *m = &s->layout.m[i];
	int rc = select_fixed(inst, i, nm, diag);
	if (rc < 0)
		return rc;
	rc = lc_inst_write(inst, diag, ":SOUR%d:CHAN%d:POW:STAT 1", m->slot, m->chan);
	if (rc == 0 && inst->quirks.settle_ms > 0 && (rc = lc_wait_ms(inst->quirks.settle_ms)) < 0)
		lc_diag_set(diag, rc, "aborted while the return-loss source settled");
	if (rc == 0)
		rc = lc_inst_write(inst, diag, ":INIT%d:IMM", m->slot);
	if (rc == 0)
		rc = lc_inst_wait_opc(inst, diag, 0, ":INIT");
	double v = NAN;
	if (rc == 0)
		rc = lc_inst_query_double(inst, diag, 0, &v, ":FETC%d:CHAN%d:RET?", m->slot, m->chan);
	if (rc == 0 && !(v > 0 && v < 100))
		rc = lc_diag_set(diag, LC_ERR_PROTOCOL, ":FETC%d:CHAN%d:RET?: %g is not a return loss in dB", m->slot,
				 m->chan, v);
	lc_diag off;
	int rc_off = rl_source_off(inst, ch, &off);
	if (rc == 0 && rc_off < 0) {
		rc = rc_off;
		if (diag)
			*diag = off;
	}
	if (rc == 0)
		*rl_db = v;
	return rc;
}

static const lc_rl_meter_ops k816x_rl = {
	.base = {LC_CLASS_RL_METER, lc_rl_meter_snapshot},
	.caps = rl_caps,
	.measure = rl_measure,
	.source_off = rl_source_off,
};

/* The widest slot range of the family (8164B: 0..4, 8166B: 1..17); the model's own is checked at attach. */
static int k816x_check_layout(const char *layout, lc_diag *diag)
{
	lc_816x_layout l;
	return lc_816x_layout_parse(layout, 0, 17, &l, diag);
}

static const lc_class_ops *const k816x_classes[] = {&k816x_pm.base, &k816x_src.base, &k816x_rl.base, NULL};

/* No lc_driver.required / features: its commands carry the slots of the station's layout (instrument-dialects.md
 * §1.2, §2.1, §3.1), so attach sends each module's own and a refusal fails it naming that command. */
const lc_driver lc_driver_keysight_816x = {
	.name = "keysight_816x",
	.description = "Keysight 8163B/8164B/8166B mainframe: sensor, source and return-loss modules by slot",
	.classes = k816x_classes,
	.attach = k816x_attach,
	.detach = k816x_detach,
	.has_class = k816x_has_class,
	.port_class = k816x_port_class,
	.check_layout = k816x_check_layout,
	.inventory = lc_816x_inventory,
	.layout_example = "1:source@1310/1550,2:sensor,3:rl@1310/1550",
};
