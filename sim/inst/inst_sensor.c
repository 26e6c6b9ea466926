/* The Keysight power-sensor command tree (N774x, 81634B, 8161x RL diode): settings, readings, references. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "sim/inst/inst_sensor.h"

#define HOST(u) ((struct lc_sim_sensor_host *)(u))
/* Suffixes: 0 = slot (SENSe#, READ#, ...), 1 = CHANnel#. */
#define GET(s, c, u)                                                                            \
	int err_##s = 0;                                                                        \
	struct lc_sim_sensor *s =                                                               \
		HOST(u)->at(HOST(u), (c), lc_sim_suffix((c), 0), lc_sim_suffix((c), 1), &err_##s); \
	if (!s)                                                                                 \
		return err_##s /* already pushed by the host (lc_sim_fail) */

void lc_sim_sensor_reset(struct lc_sim_sensor *s, const struct lc_sim_sensor_spec *spec)
{
	lc_sim_sensor_free(s);
	s->wav_m = spec->wav_def;
	s->atime_s = spec->atime_def;
	s->range_dbm = 0;
	s->range_auto = true;
	s->gain_auto = true;
	/* Continuous triggering is on after a reset so the front panel shows live readings and FETC? has a
	 * value; the guide only says FETC needs "a continuous or preceding software trigger". */
	s->cont = true;
	/* Watts after a reset: every reply example of the guides (READ:POW?, SOUR:POW?, the unit list
	 * "1,0,1,1,...") is in W. */
	s->unit_w = true;
	s->ref_stat = false;
	s->ref_dbm = 0;
	s->mod_ref_db = 0;
	s->ratio_slot = 255;
	s->ratio_chan = 0;
	s->have_last = false;
	s->zero_result = 0;
	s->func = LC_SIM_FUNC_NONE;
	s->func_running = s->func_armed = false;
	s->log_points = 100;
	s->log_atime = 1e-4;
	s->stab_total = 1, s->stab_period = 0.1, s->stab_avg = 0.1;
	s->stab_points = 10;
	s->trig_in = LC_SIM_TRIG_IGN;
	s->trig_out_enabled = false;
}

void lc_sim_sensor_free(struct lc_sim_sensor *s)
{
	free(s->result);
	s->result = NULL;
	s->n_result = s->want_result = 0;
}

/* ---- measuring ---------------------------------------------------------------------------------------- */

int lc_sim_sensor_measure(struct lc_sim_sensor_host *h, struct lc_sim_sensor *s, double atime, double *w)
{
	/* A fixed range puts the noise floor ~70 dB under the range (the transimpedance gain is fixed);
	 * light far above it saturates the amplifier. */
	double floor = s->range_auto ? h->spec->floor_dbm : fmax(h->spec->floor_dbm, s->range_dbm - 70);
	int rc = h->read_w ? h->read_w(h, s, atime, floor, w)
			   : lc_sim_world_power_read_cal(h->world, s->port, s->wav_m * 1e9, atime, floor, w);
	if (rc < 0)
		return rc;
	if (!s->range_auto && *w > lc_sim_dbm_to_w(s->range_dbm + 3))
		*w = lc_sim_dbm_to_w(s->range_dbm + 3);
	s->last_w = *w;
	s->have_last = true;
	return 0;
}

static struct lc_sim_sensor *find(struct lc_sim_sensor_host *h, int slot, int chan)
{
	for (int i = 0; i < h->n_sensors; i++)
		if (h->sensors[i].present && h->sensors[i].slot == slot && h->sensors[i].chan == chan)
			return &h->sensors[i];
	return NULL;
}

/* The value a reading reports: W or dBm, or dB relative to the reference value or to another channel. */
static double report(struct lc_sim_sensor_host *h, struct lc_sim_sensor *s, double w)
{
	if (s->ref_stat) {
		double ref = s->ref_dbm;
		struct lc_sim_sensor *o = s->ratio_slot == 255 ? NULL : find(h, s->ratio_slot, s->ratio_chan);
		if (o) {
			double ow = 0;
			if (!o->have_last || o->cont)
				lc_sim_sensor_measure(h, o, o->atime_s, &ow);
			ref = lc_sim_w_to_dbm(o->last_w);
		}
		return lc_sim_w_to_dbm(w) - ref;
	}
	return s->unit_w ? w : lc_sim_w_to_dbm(w);
}

static int h_read(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	double w;
	lc_sim_spend(c, s->atime_s);
	if (lc_sim_sensor_measure(HOST(u), s, s->atime_s, &w) < 0)
		return lc_sim_fail(c, -240, "sensor read failed");
	lc_sim_out_keysight(c, report(HOST(u), s, w));
	return 0;
}

static int h_fetch(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	double w = s->last_w;
	/* With continuous triggering the meter always holds a fresh average; without it FETC returns the
	 * result of the last INIT or READ, and there is none before the first. */
	if (s->cont) {
		if (lc_sim_sensor_measure(HOST(u), s, s->atime_s, &w) < 0)
			return lc_sim_fail(c, -240, "sensor read failed");
	} else if (!s->have_last) {
		return lc_sim_fail(c, -230, "no reading: send INIT first");
	}
	lc_sim_out_keysight(c, report(HOST(u), s, w));
	return 0;
}

static int h_init(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	double w;
	lc_sim_pending(c, s->atime_s);
	return lc_sim_sensor_measure(HOST(u), s, s->atime_s, &w) < 0 ? lc_sim_fail(c, -240, "sensor read failed") : 0;
}

static int h_cont(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	bool v;
	int rc = lc_sim_arg_bool(c, 0, &v);
	if (rc)
		return rc;
	s->cont = v;
	return 0;
}

static int q_cont(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_bool(c, s->cont);
	return 0;
}

/* READ/FETC:POW:ALL?: every sensor in slot order as a little-endian float32 block, in W (8163 guide:
 * "always Watt"). A READ spends the longest averaging time once: the channels integrate in parallel. */
static int all(lc_sim_call *c, void *u, bool read)
{
	struct lc_sim_sensor_host *h = HOST(u);
	float vals[64];
	int n = 0;
	double longest = 0;
	for (int i = 0; i < h->n_sensors; i++)
		if (h->sensors[i].present && h->sensors[i].atime_s > longest)
			longest = h->sensors[i].atime_s;
	if (read)
		lc_sim_spend(c, longest);
	for (int i = 0; i < h->n_sensors && n < 64; i++) {
		struct lc_sim_sensor *s = &h->sensors[i];
		if (!s->present)
			continue;
		double w = s->last_w;
		if ((read || s->cont || !s->have_last) && lc_sim_sensor_measure(h, s, s->atime_s, &w) < 0)
			return lc_sim_fail(c, -240, "sensor read failed");
		vals[n++] = (float)w;
	}
	uint8_t buf[64 * 4];
	for (int i = 0; i < n; i++) {
		uint32_t bits;
		memcpy(&bits, &vals[i], 4);
		for (int b = 0; b < 4; b++)
			buf[i * 4 + b] = (uint8_t)(bits >> (8 * b));
	}
	lc_sim_out_block(c, buf, (size_t)n * 4);
	return 0;
}

static int q_read_all(lc_sim_call *c, void *u) { return all(c, u, true); }
static int q_fetch_all(lc_sim_call *c, void *u) { return all(c, u, false); }

static int q_all_conf(lc_sim_call *c, void *u)
{
	struct lc_sim_sensor_host *h = HOST(u);
	uint8_t buf[64 * 4];
	size_t n = 0;
	for (int i = 0; i < h->n_sensors && n + 4 <= sizeof(buf); i++) {
		if (!h->sensors[i].present)
			continue;
		buf[n++] = (uint8_t)h->sensors[i].slot, buf[n++] = (uint8_t)(h->sensors[i].slot >> 8);
		buf[n++] = (uint8_t)h->sensors[i].chan, buf[n++] = (uint8_t)(h->sensors[i].chan >> 8);
	}
	lc_sim_out_block(c, buf, n);
	return 0;
}

/* ---- settings ---------------------------------------------------------------------------------------- */

static int set_wav(struct lc_sim_sensor_host *h, lc_sim_call *c, struct lc_sim_sensor *s)
{
	lc_sim_numspec sp = {"M", h->spec->wav_min, h->spec->wav_max, h->spec->wav_def};
	double v;
	int rc = lc_sim_arg_double(c, 0, &sp, &v);
	if (rc)
		return rc;
	s->wav_m = v;
	return 0;
}

static int h_wav(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	return set_wav(HOST(u), c, s);
}

static int q_wav(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_keysight(c, s->wav_m);
	return 0;
}

static int h_wav_all(lc_sim_call *c, void *u)
{
	struct lc_sim_sensor_host *h = HOST(u);
	for (int i = 0; i < h->n_sensors; i++) {
		if (!h->sensors[i].present)
			continue;
		int rc = set_wav(h, c, &h->sensors[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int h_unit(lc_sim_call *c, void *u)
{
	GET(s, c, u);
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
	if (rc)
		return rc;
	s->unit_w = idx == 1;
	return 0;
}

static int q_unit(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_printf(c, "%+d", s->unit_w ? 1 : 0);
	return 0;
}

static int q_unit_csv(lc_sim_call *c, void *u)
{
	struct lc_sim_sensor_host *h = HOST(u);
	int k = 0;
	for (int i = 0; i < h->n_sensors; i++)
		if (h->sensors[i].present)
			lc_sim_out_printf(c, "%s%d", k++ ? "," : "", h->sensors[i].unit_w ? 1 : 0);
	return 0;
}

static int h_atime(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	const struct lc_sim_sensor_spec *sp = HOST(u)->spec;
	lc_sim_numspec ns = {"S", sp->atime_min, sp->atime_max, sp->atime_def};
	return lc_sim_arg_double(c, 0, &ns, &s->atime_s);
}

static int q_atime(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_keysight(c, s->atime_s);
	return 0;
}

static int h_range(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	const struct lc_sim_sensor_spec *sp = HOST(u)->spec;
	lc_sim_numspec ns = {"DBM", sp->range_min, sp->range_max, sp->range_max};
	double v;
	int rc = lc_sim_arg_double(c, 0, &ns, &v);
	if (rc)
		return rc;
	/* The guide: "rounded to a multiple of 10 dBm"; choosing a range ends autoranging. */
	s->range_dbm = 10.0 * round(v / 10.0);
	s->range_auto = false;
	return 0;
}

static int q_range(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	double v = s->range_dbm;
	if (s->range_auto) {
		/* In autorange the meter shows the range it picked: the decade above the light. */
		double w = s->have_last ? s->last_w : 0;
		v = 10.0 * ceil(lc_sim_w_to_dbm(w) / 10.0);
		v = fmin(fmax(v, HOST(u)->spec->range_min), HOST(u)->spec->range_max);
	}
	lc_sim_out_keysight(c, v);
	return 0;
}

#define BOOL_PAIR(name, field)                                    \
	static int h_##name(lc_sim_call *c, void *u)              \
	{                                                         \
		GET(s, c, u);                                     \
		bool v;                                           \
		int rc = lc_sim_arg_bool(c, 0, &v);               \
		if (rc)                                           \
			return rc;                                \
		s->field = v;                                     \
		return 0;                                         \
	}                                                         \
	static int q_##name(lc_sim_call *c, void *u)              \
	{                                                         \
		GET(s, c, u);                                     \
		lc_sim_out_bool(c, s->field);                     \
		return 0;                                         \
	}
BOOL_PAIR(range_auto, range_auto)
BOOL_PAIR(gain_auto, gain_auto)
BOOL_PAIR(ref_stat, ref_stat)

static const char *const ref_kinds[] = {"TOREF", "TOMOD", NULL};

static int h_ref(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	int which;
	int rc = lc_sim_arg_choice(c, 0, ref_kinds, &which);
	if (rc)
		return rc;
	const lc_sim_param *p = lc_sim_arg(c, 1);
	if (!p)
		return lc_sim_fail(c, -109, "reference value");
	if (which == 1) {
		lc_sim_numspec ns = {"DB", -200, 200, 0};
		return lc_sim_arg_double(c, 1, &ns, &s->mod_ref_db);
	}
	/* TOREF takes dBm, or watts when the suffix says so. */
	lc_sim_numspec ns = {!strcmp(p->unit, "W") ? "W" : "DBM", !strcmp(p->unit, "W") ? 1e-15 : -200,
			     !strcmp(p->unit, "W") ? 10 : 40, 0};
	double v;
	rc = lc_sim_arg_double(c, 1, &ns, &v);
	if (rc)
		return rc;
	s->ref_dbm = !strcmp(p->unit, "W") ? lc_sim_w_to_dbm(v) : v;
	return 0;
}

static int q_ref(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	int which;
	int rc = lc_sim_arg_choice(c, 0, ref_kinds, &which);
	if (rc)
		return rc;
	if (which == 1)
		lc_sim_out_keysight(c, s->mod_ref_db);
	else
		lc_sim_out_keysight(c, s->unit_w ? lc_sim_dbm_to_w(s->ref_dbm) : s->ref_dbm);
	return 0;
}

static int h_ref_disp(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	double w;
	lc_sim_spend(c, s->atime_s);
	if (lc_sim_sensor_measure(HOST(u), s, s->atime_s, &w) < 0)
		return lc_sim_fail(c, -240, "sensor read failed");
	s->ref_dbm = lc_sim_w_to_dbm(w);
	return 0;
}

static int h_ratio(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	const lc_sim_param *p = lc_sim_arg(c, 0);
	if (!p)
		return lc_sim_fail(c, -109, "TOREF or a slot");
	if (p->kind != LC_SIM_P_NUMBER) {
		static const char *const toref[] = {"TOREF", NULL};
		int idx;
		int rc = lc_sim_arg_choice(c, 0, toref, &idx);
		if (rc)
			return rc;
		s->ratio_slot = 255, s->ratio_chan = 0;
		return 0;
	}
	long long slot, chan;
	int rc = lc_sim_arg_int(c, 0, 0, 255, &slot);
	if (!rc)
		rc = lc_sim_arg_int(c, 1, 1, 2, &chan);
	if (rc)
		return rc;
	if (!find(HOST(u), (int)slot, (int)chan))
		return lc_sim_fail(c, -222, "no sensor at %lld,%lld", slot, chan);
	s->ratio_slot = (int)slot, s->ratio_chan = (int)chan;
	return 0;
}

static int q_ratio(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_printf(c, "%+d,%+d", s->ratio_slot, s->ratio_slot == 255 ? 0 : s->ratio_chan);
	return 0;
}

/* Zeroing needs a dark input; the guide gives no duration (one driver sleeps 10 s, UNCONFIRMED): it is an
 * overlapped operation of 2 s that *OPC? waits for. */
static int zero_one(lc_sim_call *c, struct lc_sim_sensor_host *h, struct lc_sim_sensor *s)
{
	double dbm;
	lc_sim_world_power_true(h->world, s->port, &dbm);
	s->zero_result = dbm > h->spec->floor_dbm + 10 ? 1 : 0;
	if (s->zero_result)
		return lc_sim_fail(c, -200, "zeroing failed: light at input %s", s->port);
	return 0;
}

static int h_zero(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_pending(c, 2.0);
	return zero_one(c, HOST(u), s);
}

static int q_zero(lc_sim_call *c, void *u)
{
	GET(s, c, u);
	lc_sim_out_printf(c, "%+d", s->zero_result);
	return 0;
}

static int h_zero_all(lc_sim_call *c, void *u)
{
	struct lc_sim_sensor_host *h = HOST(u);
	lc_sim_pending(c, 2.0);
	int rc = 0;
	for (int i = 0; i < h->n_sensors && !rc; i++)
		if (h->sensors[i].present)
			rc = zero_one(c, h, &h->sensors[i]);
	return rc;
}

static int q_zero_all(lc_sim_call *c, void *u)
{
	struct lc_sim_sensor_host *h = HOST(u);
	int r = 0;
	for (int i = 0; i < h->n_sensors; i++)
		if (h->sensors[i].present && h->sensors[i].zero_result)
			r = h->sensors[i].zero_result;
	lc_sim_out_printf(c, "%+d", r);
	return 0;
}

/* ---- registration --------------------------------------------------------------------------------- */

static int h_syst_time(lc_sim_call *c, void *u)
{
	long long v;
	for (int i = 0; i < 3; i++) {
		int rc = lc_sim_arg_int(c, i, 0, i ? 59 : 23, &v);
		if (rc)
			return rc;
	}
	return 0;
}

int lc_sim_sensor_register(lc_sim_scpi *e, struct lc_sim_sensor_host *h, lc_diag *diag)
{
	static const lc_sim_cmd cmds[] = {
		{"[SENSe#][:CHANnel#]:POWer:WAVelength", h_wav, q_wav},
		{"[SENSe]:POWer:WAVelength:ALL", h_wav_all, NULL},
		{"[SENSe#][:CHANnel#]:POWer:UNIT", h_unit, q_unit},
		{"[SENSe]:POWer:UNIT:ALL:CSV", NULL, q_unit_csv},
		{"[SENSe#][:CHANnel#]:POWer:ATIMe", h_atime, q_atime},
		{"[SENSe#][:CHANnel#]:POWer:RANGe[:UPPer]", h_range, q_range},
		{"[SENSe#][:CHANnel#]:POWer:RANGe:AUTO", h_range_auto, q_range_auto},
		{"[SENSe#][:CHANnel#]:POWer:REFerence", h_ref, q_ref},
		{"[SENSe#][:CHANnel#]:POWer:REFerence:STATe", h_ref_stat, q_ref_stat},
		{"[SENSe#][:CHANnel#]:POWer:REFerence:DISPlay", h_ref_disp, NULL},
		{"[SENSe#][:CHANnel#]:POWer:REFerence:STATe:RATio", h_ratio, q_ratio},
		{"[SENSe#][:CHANnel#]:CORRection:COLLect:ZERO", h_zero, q_zero},
		{"[SENSe]:CORRection:COLLect:ZERO:ALL", h_zero_all, q_zero_all},
		{"READ#[:CHANnel#][:SCALar]:POWer[:DC]", NULL, h_read},
		{"FETCh#[:CHANnel#][:SCALar]:POWer[:DC]", NULL, h_fetch},
		{"READ#:POWer:ALL", NULL, q_read_all},
		{"FETCh#:POWer:ALL", NULL, q_fetch_all},
		{"READ#:POWer:ALL:CONFig", NULL, q_all_conf},
		{"INITiate#[:CHANnel#][:IMMediate]", h_init, NULL},
		{"INITiate#[:CHANnel#]:CONTinuous", h_cont, q_cont},
		{"SYSTem:TIME", h_syst_time, NULL},
	};
	int rc = lc_sim_add_cmds(e, cmds, sizeof(cmds) / sizeof(cmds[0]), h, diag);
	if (!rc && h->spec->has_gain_auto)
		rc = lc_sim_scpi_add(e, "[SENSe#][:CHANnel#]:POWer:GAIN:AUTO", h_gain_auto, q_gain_auto, h, diag);
	if (!rc)
		rc = lc_sim_sensor_func_register(e, h, diag);
	return rc;
}
