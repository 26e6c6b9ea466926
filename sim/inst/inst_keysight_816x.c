/*
 * Simulated Keysight 8163B (slots 1-2) / 8164B (slots 1-4) lightwave mainframe with plug-in modules
 * (instrument-dialects.md §1.2, §2.1, §3.1): 81634B/81635A power sensors, 8165x Fabry-Perot sources and
 * 81610A/81613A return-loss modules. Slot n's optical port is world port "ROLE:n" ("ROLE:n.2" for the second
 * head of a dual sensor).
 *
 * Options: {"slots": {"1": "81657A", "2": "81634B", "3": {"model": "81610A", "power_dbm": -4}}}.
 *
 * The guide writes the source root as optional ("[:SOUR<n>]"); here SOURce is required, because without it
 * "POW:UNIT" would be both the sensor's and the source's command, and every published example sends it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/inst/inst_sensor.h"

enum mod_type { MOD_NONE = 0, MOD_SENSOR, MOD_SOURCE, MOD_RL };

struct module_def {
	const char *model;
	enum mod_type type;
	int channels;
	double nm[2]; /* source wavelengths (lower, upper) */
	int n_nm;
	double def_dbm, min_dbm, max_dbm;
};

/* Wavelengths per 8165x model follow the family's naming (1310 / 1550 / both); exact per-model values are
 * UNCONFIRMED in the dialect notes, so a scenario may override them ("wavelengths_nm"). */
static const struct module_def modules[] = {
	{"81634B", MOD_SENSOR, 1, {0}, 0, 0, 0, 0},
	{"81635A", MOD_SENSOR, 2, {0}, 0, 0, 0, 0},
	{"81655A", MOD_SOURCE, 1, {1310}, 1, -7, -20, -3},
	{"81656A", MOD_SOURCE, 1, {1550}, 1, -7, -20, -3},
	{"81657A", MOD_SOURCE, 1, {1310, 1550}, 2, -7, -20, -3},
	{"81610A", MOD_RL, 1, {1310, 1550}, 2, -4, -4, -4},
	{"81613A", MOD_RL, 1, {1310, 1550}, 2, -4, -4, -4},
};

#define SLOTS_MAX 5
#define SENSORS_MAX (SLOTS_MAX * 2)

struct slot {
	const struct module_def *def;
	double nm[2];
	bool on, unit_w;
	int nm_idx;
	double dbm;
	double mon_range_dbm;
};

struct mf {
	struct lc_sim_sensor_host host;
	struct lc_sim_sensor sensors[SENSORS_MAX];
	struct slot slots[SLOTS_MAX];
	int first_slot, last_slot;
	int id_first;   /* lowest slot the :SLOT queries take (0 on the 8164B: its back-loaded laser slot) */
	char serial[32];
	char role[64];
	lc_sim_world *world;
	struct lc_sim_reset_hook preset;
};

/* 81634B: +10 .. -110 dBm ranges, 100 µs .. 10 s averaging (the guide's range is +30 .. -110 for the
 * family; the floor of an InGaAs head is near -90 dBm). */
static const struct lc_sim_sensor_spec sensor_spec = {
	.atime_min = 1e-4, .atime_max = 10, .atime_def = 0.1,
	.range_min = -110, .range_max = 30,
	.floor_dbm = -90,
	.wav_min = 800e-9, .wav_max = 1700e-9, .wav_def = 1550e-9,
	.has_gain_auto = false,
};

static void src_port(const struct mf *m, int slot, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s:%d", m->role, slot);
}

/* Tell the world what the laser of a slot does now. */
static void publish(struct mf *m, int slot)
{
	struct slot *s = &m->slots[slot];
	char port[LC_SIM_PORT_MAX];
	src_port(m, slot, port, sizeof(port));
	lc_sim_world_source_set(m->world, port, s->on, s->nm[s->nm_idx], s->dbm);
}

static struct slot *slot_of(struct mf *m, lc_sim_call *c, enum mod_type want, int *err)
{
	int n = lc_sim_suffix(c, 0);
	if (n < m->first_slot || n > m->last_slot) {
		*err = lc_sim_fail(c, -114, "slot %d (slots %d..%d)", n, m->first_slot, m->last_slot);
		return NULL;
	}
	struct slot *s = &m->slots[n];
	bool ok = s->def && (s->def->type == want || (want == MOD_SOURCE && s->def->type == MOD_RL));
	if (!ok) {
		*err = lc_sim_fail(c, -241, "slot %d holds %s", n, s->def ? s->def->model : "no module");
		return NULL;
	}
	return s;
}

/* ---- module identification (8163A/B Programming Guide p. 81: :SLOT[n]:EMPTy?, :SLOT[n]:IDN?) ---------- */

static int slot_id(struct mf *m, lc_sim_call *c, int *n)
{
	*n = lc_sim_suffix(c, 0);
	if (*n < m->id_first || *n > m->last_slot)
		return lc_sim_fail(c, -114, "slot %d (slots %d..%d)", *n, m->id_first, m->last_slot);
	return 0;
}

static int q_slot_empty(lc_sim_call *c, void *u)
{
	struct mf *m = u;
	int n, e = slot_id(m, c, &n);
	if (e)
		return e;
	lc_sim_out_bool(c, n < m->first_slot || !m->slots[n].def);
	return 0;
}

/* The guide's example answers "HEWLETT-PACKARD, 81533B,3411G06054,07-Aug-98": manufacturer (8163 series
 * modules say Agilent Technologies), model after a space, serial, date of the firmware revision. */
static int q_slot_idn(lc_sim_call *c, void *u)
{
	struct mf *m = u;
	int n, e = slot_id(m, c, &n);
	if (e)
		return e;
	if (n < m->first_slot || !m->slots[n].def)
		return lc_sim_fail(c, -241, "slot %d is empty", n);
	lc_sim_out_printf(c, "Agilent Technologies, %s,%.20s-%d,07-Aug-18", m->slots[n].def->model, m->serial, n);
	return 0;
}

static struct lc_sim_sensor *sensor_at(struct lc_sim_sensor_host *h, lc_sim_call *c, int slot, int chan, int *err)
{
	struct mf *m = h->user;
	if (slot < m->first_slot || slot > m->last_slot) {
		*err = lc_sim_fail(c, -114, "slot %d (slots %d..%d)", slot, m->first_slot, m->last_slot);
		return NULL;
	}
	for (int i = 0; i < h->n_sensors; i++)
		if (h->sensors[i].present && h->sensors[i].slot == slot && h->sensors[i].chan == chan)
			return &h->sensors[i];
	const struct slot *s = &m->slots[slot];
	*err = s->def && (s->def->type == MOD_SENSOR || s->def->type == MOD_RL)
		       ? lc_sim_fail(c, -114, "channel %d of slot %d", chan, slot)
		       : lc_sim_fail(c, -241, "slot %d holds %s", slot, s->def ? s->def->model : "no module");
	return NULL;
}

/* An RL module's power head sees its own laser reflected by whatever its port leads to. */
static int sensor_read(struct lc_sim_sensor_host *h, struct lc_sim_sensor *se, double atime, double floor, double *w)
{
	struct mf *m = h->user;
	struct slot *s = &m->slots[se->slot];
	if (s->def->type != MOD_RL)
		return lc_sim_world_power_read_cal(m->world, se->port, se->wav_m * 1e9, atime, floor, w);
	double rl = 0, g = lc_sim_world_gauss(m->world, se->port);
	double noise = lc_sim_dbm_to_w(floor) * sqrt(0.1 / atime);
	double p = 0;
	if (s->on) {
		lc_sim_world_return_loss(m->world, se->port, s->nm[s->nm_idx], 70.0, &rl);
		p = lc_sim_dbm_to_w(s->dbm - rl);
	}
	*w = fabs(p + noise * g);
	return 0;
}

/* ---- sources ----------------------------------------------------------------------------------------- */

#define SRC(s, c, u)                                                           \
	int err_ = 0;                                                          \
	struct slot *s = slot_of((struct mf *)(u), (c), MOD_SOURCE, &err_);    \
	if (!s)                                                                \
		return err_

static int h_state(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	bool v;
	int rc = lc_sim_arg_bool(c, 0, &v);
	if (rc)
		return rc;
	if (v && !s->on)
		lc_sim_pending(c, 0.1); /* the laser's output settles before *OPC? reports it done */
	s->on = v;
	publish(u, lc_sim_suffix(c, 0));
	return 0;
}

static int q_state(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	lc_sim_out_bool(c, s->on);
	return 0;
}

static int h_power(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	const lc_sim_param *p = lc_sim_arg(c, 0);
	bool watts = p && p->kind == LC_SIM_P_NUMBER && (!strcmp(p->unit, "W") || (!p->unit[0] && s->unit_w));
	double v;
	int rc;
	if (watts) {
		lc_sim_numspec ns = {"W", lc_sim_dbm_to_w(s->def->min_dbm), lc_sim_dbm_to_w(s->def->max_dbm),
				     lc_sim_dbm_to_w(s->def->def_dbm)};
		rc = lc_sim_arg_double(c, 0, &ns, &v);
		v = lc_sim_w_to_dbm(v);
	} else {
		lc_sim_numspec ns = {"DBM", s->def->min_dbm, s->def->max_dbm, s->def->def_dbm};
		rc = lc_sim_arg_double(c, 0, &ns, &v);
	}
	if (rc)
		return rc;
	s->dbm = v;
	publish(u, lc_sim_suffix(c, 0));
	return 0;
}

static int q_power(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	double dbm = s->dbm;
	if (lc_sim_arg_present(c, 0)) {
		static const char *const w[] = {"MINimum", "DEFault", "MAXimum", NULL};
		int idx;
		int rc = lc_sim_arg_choice(c, 0, w, &idx);
		if (rc)
			return rc;
		dbm = idx == 0 ? s->def->min_dbm : idx == 1 ? s->def->def_dbm : s->def->max_dbm;
	}
	lc_sim_out_keysight(c, s->unit_w ? lc_sim_dbm_to_w(dbm) : dbm);
	return 0;
}

static int h_src_unit(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	const lc_sim_param *p = lc_sim_arg(c, 0);
	if (p && p->kind == LC_SIM_P_NUMBER) {
		long long v;
		int rc = lc_sim_arg_int(c, 0, 0, 1, &v);
		if (rc)
			return rc;
		s->unit_w = v == 1;
		return 0;
	}
	static const char *const units[] = {"DBM", "Watt", NULL};
	int idx;
	int rc = lc_sim_arg_choice(c, 0, units, &idx);
	if (!rc)
		s->unit_w = idx == 1;
	return rc;
}

static int q_src_unit(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	lc_sim_out_printf(c, "%+d", s->unit_w ? 1 : 0);
	return 0;
}

static int h_src_wav(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	const lc_sim_param *p = lc_sim_arg(c, 0);
	if (p && p->kind == LC_SIM_P_CHARS) {
		/* UPPER/LOWER of dual-wavelength sources: UNCONFIRMED in the notes, accepted; BOTH is not simulated */
		static const char *const lu[] = {"LOWer", "UPPer", NULL};
		int idx;
		int rc = lc_sim_arg_choice(c, 0, lu, &idx);
		if (rc)
			return rc;
		if (idx >= s->def->n_nm)
			return lc_sim_fail(c, -222, "%s has one wavelength", s->def->model);
		s->nm_idx = idx;
	} else {
		lc_sim_numspec ns = {"M", 1e-6, 2e-6, s->nm[0] * 1e-9};
		double v;
		int rc = lc_sim_arg_double(c, 0, &ns, &v);
		if (rc)
			return rc;
		int found = -1;
		for (int i = 0; i < s->def->n_nm; i++)
			if (fabs(s->nm[i] - v * 1e9) < 5)
				found = i;
		if (found < 0)
			return lc_sim_fail(c, -222, "%s emits at %g%s%g nm", s->def->model, s->nm[0],
					   s->def->n_nm > 1 ? " and " : "", s->def->n_nm > 1 ? s->nm[1] : 0.0);
		s->nm_idx = found;
	}
	publish(u, lc_sim_suffix(c, 0));
	return 0;
}

static int q_src_wav(lc_sim_call *c, void *u)
{
	SRC(s, c, u);
	lc_sim_out_keysight(c, s->nm[s->nm_idx] * 1e-9);
	return 0;
}

/* ---- return loss -------------------------------------------------------------------------------------- */

static int q_return_loss(lc_sim_call *c, void *u)
{
	int err = 0;
	struct slot *s = slot_of(u, c, MOD_RL, &err);
	if (!s)
		return err;
	if (!s->on)
		return lc_sim_fail(c, -221, "the RL module's source is off");
	struct lc_sim_sensor_host *h = &((struct mf *)u)->host;
	struct lc_sim_sensor *se = sensor_at(h, c, lc_sim_suffix(c, 0), 1, &err);
	if (!se)
		return err;
	lc_sim_spend(c, se->atime_s);
	double rl;
	lc_sim_world_return_loss(((struct mf *)u)->world, se->port, s->nm[s->nm_idx], 70.0, &rl);
	lc_sim_out_keysight(c, rl);
	return 0;
}

static int h_mon_range(lc_sim_call *c, void *u)
{
	int err = 0;
	struct slot *s = slot_of(u, c, MOD_RL, &err);
	if (!s)
		return err;
	lc_sim_numspec ns = {"DBM", -60, 10, 0};
	double v;
	int rc = lc_sim_arg_double(c, 0, &ns, &v);
	if (!rc)
		s->mon_range_dbm = 10.0 * round(v / 10.0);
	return rc;
}

static int q_mon_range(lc_sim_call *c, void *u)
{
	int err = 0;
	struct slot *s = slot_of(u, c, MOD_RL, &err);
	if (!s)
		return err;
	lc_sim_out_keysight(c, s->mon_range_dbm);
	return 0;
}

/* ---- the mainframe ---------------------------------------------------------------------------------- */

static void reset(void *user)
{
	struct mf *m = user;
	for (int i = 0; i < m->host.n_sensors; i++)
		lc_sim_sensor_reset(&m->sensors[i], &sensor_spec);
	for (int n = m->first_slot; n <= m->last_slot; n++) {
		struct slot *s = &m->slots[n];
		if (!s->def || s->def->type == MOD_SENSOR)
			continue;
		s->on = false; /* *RST turns lasers off, as on every SCPI source */
		s->unit_w = true;
		s->nm_idx = 0;
		s->dbm = s->def->def_dbm;
		publish(m, n);
	}
}

static void destroy(void *state)
{
	struct mf *m = state;
	if (!m)
		return;
	for (int i = 0; i < SENSORS_MAX; i++)
		lc_sim_sensor_free(&m->sensors[i]);
	free(m);
}

static int load_slots_from(struct mf *m, const lc_sim_inst_config *cfg, const json_t *slots,
			   const char *const *defaults, lc_diag *diag);

static int load_slot(struct mf *m, const lc_sim_inst_config *cfg, int n, const json_t *v, lc_diag *diag)
{
	const char *model = json_is_string(v) ? json_string_value(v) : NULL;
	const json_t *o = json_is_object(v) ? v : NULL;
	if (o && json_is_string(json_object_get(o, "model")))
		model = json_string_value(json_object_get(o, "model"));
	const struct module_def *def = NULL;
	for (size_t i = 0; model && i < sizeof(modules) / sizeof(modules[0]); i++)
		if (!strcmp(modules[i].model, model))
			def = &modules[i];
	if (!def) {
		char known[160] = "";
		for (size_t i = 0; i < sizeof(modules) / sizeof(modules[0]); i++)
			snprintf(known + strlen(known), sizeof(known) - strlen(known), "%s%s", i ? ", " : "",
				 modules[i].model);
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.slots.%d: module '%s' is not simulated (known: %s)",
				   cfg->where, n, model ? model : "?", known);
	}
	struct slot *s = &m->slots[n];
	s->def = def;
	s->nm[0] = def->nm[0], s->nm[1] = def->nm[1];
	s->dbm = def->def_dbm;
	const json_t *wl = o ? json_object_get(o, "wavelengths_nm") : NULL;
	if (wl) {
		if (!json_is_array(wl) || json_array_size(wl) != (size_t)def->n_nm)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.slots.%d.wavelengths_nm: %d numbers expected",
					   cfg->where, n, def->n_nm);
		for (int i = 0; i < def->n_nm; i++)
			s->nm[i] = json_number_value(json_array_get(wl, (size_t)i));
	}
	for (int ch = 1; ch <= (def->type == MOD_SOURCE ? 0 : def->channels); ch++) {
		struct lc_sim_sensor *se = &m->sensors[m->host.n_sensors++];
		if (ch == 1)
			snprintf(se->port, sizeof(se->port), "%s:%d", cfg->role, n);
		else
			snprintf(se->port, sizeof(se->port), "%s:%d.%d", cfg->role, n, ch);
		se->slot = n, se->chan = ch, se->present = true;
	}
	return 0;
}

/* A station "layout" ("1:source@1310/1550,2:sensor,3:rl@1310/1550") as modules: source -> 8165x FP source
 * (81657A, with the layout's wavelengths), sensor -> 81634B (two heads "n.1"/"n.2" -> 81635A), rl -> 81610A. */
static int layout_slots(struct mf *m, const lc_sim_inst_config *cfg, json_t **out, lc_diag *diag)
{
	json_t *slots = json_object();
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", cfg->station_layout);
	char *save = NULL;
	for (char *it = strtok_r(buf, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
		char *end;
		long slot = strtol(it, &end, 10);
		long chan = *end == '.' ? strtol(end + 1, &end, 10) : 1;
		if (end == it || *end != ':' || slot < m->first_slot || slot > m->last_slot) {
			json_decref(slots);
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: station layout item '%s' is not slot[.chan]:kind", cfg->where,
					   it);
		}
		const char *kind = end + 1;
		char key[24];
		snprintf(key, sizeof(key), "%ld", slot);
		json_t *o = NULL;
		if (!strncmp(kind, "sensor", 6))
			o = json_string(chan > 1 ? "81635A" : "81634B");
		else if (!strncmp(kind, "source@", 7) || !strncmp(kind, "rl@", 3)) {
			json_t *wl = json_array();
			for (const char *p = strchr(kind, '@') + 1; *p && *p != '!';) {
				double v = strtod(p, &end);
				if (end == p)
					break;
				json_array_append_new(wl, json_real(v));
				p = *end == '/' ? end + 1 : end;
			}
			bool rl = kind[0] == 'r';
			if (json_array_size(wl) == 1 && !rl) {
				o = json_pack("{s:s, s:o}", "model", "81655A", "wavelengths_nm", wl);
			} else if (json_array_size(wl) == 2) {
				o = json_pack("{s:s, s:o}", "model", rl ? "81610A" : "81657A", "wavelengths_nm", wl);
			} else {
				json_decref(wl);
			}
		}
		if (!o) {
			json_decref(slots);
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: station layout item '%s' has no simulated module", cfg->where,
					   it);
		}
		json_object_set_new(slots, key, o);
	}
	*out = slots;
	return 0;
}

static int load_slots(struct mf *m, const lc_sim_inst_config *cfg, const char *const *defaults, lc_diag *diag)
{
	const json_t *slots = cfg->options ? json_object_get(cfg->options, "slots") : NULL;
	json_t *from_layout = NULL;
	if (!slots && cfg->station_layout && cfg->station_layout[0]) {
		int rc = layout_slots(m, cfg, &from_layout, diag);
		if (rc)
			return rc;
		slots = from_layout;
	}
	int rc = load_slots_from(m, cfg, slots, defaults, diag);
	json_decref(from_layout);
	return rc;
}

static int layout(void *state, char *buf, size_t cap)
{
	struct mf *m = state;
	size_t n = 0;
	buf[0] = '\0';
	for (int i = m->first_slot; i <= m->last_slot; i++) {
		const struct slot *s = &m->slots[i];
		if (!s->def)
			continue;
		int k = 0;
		if (s->def->type == MOD_SENSOR && s->def->channels == 1)
			k = snprintf(buf + n, cap - n, "%s%d:sensor", n ? "," : "", i);
		else if (s->def->type == MOD_SENSOR)
			k = snprintf(buf + n, cap - n, "%s%d.1:sensor,%d.2:sensor", n ? "," : "", i, i);
		else if (s->def->n_nm == 1)
			k = snprintf(buf + n, cap - n, "%s%d:%s@%g", n ? "," : "", i, s->def->type == MOD_RL ? "rl" : "source",
				     s->nm[0]);
		else /* this simulated module selects its wavelength with :SOUR<n>:WAV LOWER|UPPER: say so */
			k = snprintf(buf + n, cap - n, "%s%d:%s@%g/%g!wavsel", n ? "," : "", i,
				     s->def->type == MOD_RL ? "rl" : "source", s->nm[0], s->nm[1]);
		if (k < 0 || (size_t)k >= cap - n)
			return LC_ERR_OVERFLOW;
		n += (size_t)k;
	}
	return (int)n;
}

static int load_slots_from(struct mf *m, const lc_sim_inst_config *cfg, const json_t *slots, const char *const *defaults,
			   lc_diag *diag)
{
	if (slots && !json_is_object(slots))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.slots: an object {\"1\": \"81634B\", ...} is expected",
				   cfg->where);
	for (int n = m->first_slot; n <= m->last_slot; n++) {
		char key[8];
		snprintf(key, sizeof(key), "%d", n);
		const json_t *v = slots ? json_object_get(slots, key) : NULL;
		int rc = 0;
		if (v && !json_is_null(v))
			rc = load_slot(m, cfg, n, v, diag);
		else if (!slots && defaults[n]) {
			json_t *d = json_string(defaults[n]);
			rc = load_slot(m, cfg, n, d, diag);
			json_decref(d);
		}
		if (rc)
			return rc;
	}
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)slots, k, v) {
		char *end;
		long n = strtol(k, &end, 10);
		if (*end || n < m->first_slot || n > m->last_slot)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s.options.slots.%s: slots are %d..%d", cfg->where, k,
					   m->first_slot, m->last_slot);
	}
	return 0;
}

static int create(const lc_sim_inst_config *cfg, const char *model, int first, int last, const char *const *defaults,
		  lc_sim_scpi **engine, void **state, lc_diag *diag)
{
	*engine = NULL;
	struct mf *m = calloc(1, sizeof(*m));
	if (!m)
		return LC_ERR_NOMEM;
	snprintf(m->role, sizeof(m->role), "%s", cfg->role);
	m->world = cfg->world;
	m->first_slot = first, m->last_slot = last;
	m->id_first = strcmp(model, "8164B") == 0 ? 0 : first;
	snprintf(m->serial, sizeof(m->serial), "%s", cfg->serial ? cfg->serial : "SIM");
	m->host = (struct lc_sim_sensor_host){.world = cfg->world, .clock = cfg->clock, .spec = &sensor_spec,
					      .sensors = m->sensors, .at = sensor_at, .read_w = sensor_read, .user = m};
	static const lc_sim_cmd cmds[] = {
		{"SOURce#[:CHANnel#]:POWer:STATe", h_state, q_state},
		{"SOURce#[:CHANnel#]:POWer[:LEVel][:IMMediate][:AMPLitude]", h_power, q_power},
		{"SOURce#[:CHANnel#]:POWer:UNIT", h_src_unit, q_src_unit},
		{"SOURce#[:CHANnel#]:WAVelength", h_src_wav, q_src_wav},
		{"FETCh#[:CHANnel#][:SCALar]:RETurnloss", NULL, q_return_loss},
		{"[SENSe#][:CHANnel#]:POWer:RANGe:MONitor", h_mon_range, q_mon_range},
		{"SLOT#:EMPTy", NULL, q_slot_empty},
		{"SLOT#:IDN", NULL, q_slot_idn},
	};
	int rc = load_slots(m, cfg, defaults, diag);
	if (!rc)
		rc = lc_sim_engine_new(cfg, "Keysight Technologies", model, "V5.25(72637)", reset, m, engine, diag);
	if (!rc)
		rc = lc_sim_add_cmds(*engine, cmds, sizeof(cmds) / sizeof(cmds[0]), m, diag);
	if (!rc)
		rc = lc_sim_sensor_register(*engine, &m->host, diag);
	if (!rc)
		rc = lc_sim_add_keysight_errors(*engine, diag);
	m->preset = (struct lc_sim_reset_hook){reset, m};
	if (!rc)
		rc = lc_sim_add_keysight_system(*engine, &m->preset, diag);
	if (rc) {
		if (*engine)
			lc_sim_scpi_destroy(*engine);
		*engine = NULL;
		destroy(m);
		return rc;
	}
	reset(m);
	*state = m;
	return 0;
}

static const char *const defaults_8163b[SLOTS_MAX] = {NULL, "81657A", "81634B", NULL, NULL};
static const char *const defaults_8164b[SLOTS_MAX] = {NULL, "81657A", "81634B", "81610A", NULL};

static int create_8163b(const lc_sim_inst_config *cfg, lc_sim_scpi **e, void **st, lc_diag *d)
{
	return create(cfg, "8163B", 1, 2, defaults_8163b, e, st, d);
}

static int create_8164b(const lc_sim_inst_config *cfg, lc_sim_scpi **e, void **st, lc_diag *d)
{
	/* slot 0 is the back-loaded tunable laser of the 8164B, which is not simulated */
	return create(cfg, "8164B", 1, 4, defaults_8164b, e, st, d);
}

const lc_sim_inst_kind lc_sim_kind_keysight_8163b = {
	.name = "keysight_8163b", .summary = "Keysight 8163B mainframe (81634B/81635A sensors, 8165x sources, 8161x RL)",
	.instrument_class = "mainframe", .transport = LC_SIM_TR_VXI11,
	.create = create_8163b, .destroy = destroy, .layout = layout,
};

const lc_sim_inst_kind lc_sim_kind_keysight_8164b = {
	.name = "keysight_8164b", .summary = "Keysight 8164B mainframe (81634B/81635A sensors, 8165x sources, 8161x RL)",
	.instrument_class = "mainframe", .transport = LC_SIM_TR_VXI11,
	.create = create_8164b, .destroy = destroy, .layout = layout,
};
