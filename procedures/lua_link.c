/*
 * An installed link through separate optics (issue 19: one 400G DR4 module, the MPO-12 APC breakout harness,
 * four 100G DR1 modules), judged from the modules' own memories through the station's I2C role:
 *
 *   ctx:link_parts{near=, far=}   every module against the link's design (the transceiver types near and far)
 *                                 and every leg's module against end A's (lc_compat_check with the harness);
 *   ctx:tx_disable_map{settle_ms=} which leg each of end A's lanes reaches, and back, by switching off one
 *                                 transmitter at a time (CMIS page 10h byte 130, SFF-8636 byte 86) and seeing
 *                                 which receiver goes dark;
 *   ctx:dom_loss{wavelength=}     the loss of each lane from the monitors (Tx power at one end minus Rx power
 *                                 at the other), against the harness path's length-based budget, with the
 *                                 monitors' accuracy as the measurement's uncertainty: a difference the
 *                                 monitors cannot resolve is inconclusive, never pass or fail.
 *
 * The monitor accuracy is not in the reference material: rows "dom.accuracy.tx_power" / "rx_power" of
 * fixtures/limits/lanecert-dom-accuracy.json (UNCONFIRMED), or the run option dom_accuracy_db for modules a
 * site has calibrated against a power meter. The two errors are bounds, so they add.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "fixtures/budget.h"
#include "instruments/module/module.h"
#include "fixtures/link_lanes.h"
#include "procedures/compat.h"
#include "procedures/diagnosis.h"
#include "procedures/limit_record.h"
#include "procedures/run_priv.h"

#define LINK_LEGS_MAX 8
#define LINK_LANES_MAX 8 /* end A's lanes: a module's at most (LC_MODULE_LANES_MAX) */
/* A transmitter switched off takes its far receiver down by far more than any monitor error: 10 dB below
 * what it read with every transmitter on (or loss of signal) is "went dark". */
#define DARK_DROP 0.1

/* The link's lanes (fixtures/link_lanes.h, as the simulator numbers them): end A's lane k reaches leg
 * lane[k].leg on that leg's lane lane[k].leg_lane, and returns from there; a LC leg has one lane, an MPO-12
 * leg of a 2 x DR4 harness four. */
struct link {
	lc_run *run;
	const lc_station_instrument *si;
	unsigned legs, lanes;
	const char *label[1 + LINK_LEGS_MAX]; /* [0] = "A", [1 + n] = leg n of end B */
	lc_link_lane lane[LINK_LANES_MAX];
	unsigned leg_lanes[LC_LINK_LANES_MAX]; /* lanes of leg n's module */
	bool multi;                            /* some leg carries more than one lane */
};

/* The lanes end i's module carries for the link. */
static unsigned end_lanes(const struct link *k, unsigned i) { return i == 0 ? k->lanes : k->leg_lanes[i - 1]; }

/* "B3" for a leg of one lane, "B1 lane 2" for lane j of a leg of several. */
static void lane_name(const struct link *k, unsigned l, char *out, size_t cap)
{
	const lc_link_lane *ln = &k->lane[l];
	if (k->leg_lanes[ln->leg] > 1)
		snprintf(out, cap, "%s lane %u", k->label[1 + ln->leg], ln->leg_lane + 1);
	else
		snprintf(out, cap, "%s", k->label[1 + ln->leg]);
}

static int link_of(lua_State *L, lc_run *run, struct link *k)
{
	memset(k, 0, sizeof(*k));
	k->run = run;
	const char *role = lc_lua_field_string(L, 2, "role", "i2c");
	k->si = run->setup->station ? lc_station_instrument_by_role(run->setup->station, role) : NULL;
	if (!k->si || strncasecmp(k->si->resource, "I2C::", 5) != 0)
		return luaL_error(L, "the station has no I2C module adapter in the role '%s'", role);
	const lc_channel *ch = run->setup->channel;
	if (!ch || lc_channel_is_active_or_copper(ch) || lc_channel_leg_count(ch, 0) != 1)
		return luaL_error(L, "the link needs a fiber breakout as the slot's cable (one connector at end A)");
	k->legs = lc_channel_leg_count(ch, 1);
	if (k->legs < 1 || k->legs > LINK_LEGS_MAX)
		return luaL_error(L, "the link's cable has %u legs at end B (1..%d)", k->legs, LINK_LEGS_MAX);
	k->label[0] = lc_channel_leg_label(ch, 0, 0);
	for (unsigned n = 0; n < k->legs; n++)
		k->label[1 + n] = lc_channel_leg_label(ch, 1, n);
	int nl = lc_link_lanes(ch, k->lane, LINK_LANES_MAX, k->leg_lanes);
	if (nl <= 0)
		return luaL_error(L, "the link's cable routes %s: not 1..%d lanes from end A to its legs",
				  nl == 0 ? "no lane" : "its lanes in a way lanecert cannot pair", LINK_LANES_MAX);
	k->lanes = (unsigned)nl;
	for (unsigned n = 0; n < k->legs; n++) {
		if (k->leg_lanes[n] == 0)
			return luaL_error(L, "leg %s of the link's cable carries no lane from end A", k->label[1 + n]);
		k->multi |= k->leg_lanes[n] > 1;
	}
	return 0;
}

static int open_end(const struct link *k, unsigned i, lc_module **mod, lc_diag *d)
{
	int rc = lc_module_open_end(k->si->resource, k->si->layout, k->label[i], NULL, mod, d);
	if (rc < 0)
		lc_diag_prefix(d, "%s: end %s: ", k->si->role, k->label[i]);
	return rc;
}

static int read_end(const struct link *k, unsigned i, lc_module_info *info, lc_diag *d)
{
	lc_module *mod = NULL;
	int rc = open_end(k, i, &mod, d);
	if (rc == 0 && (rc = lc_module_read_info(mod, info, d)) < 0)
		lc_diag_prefix(d, "end %s: ", k->label[i]);
	lc_module_close(mod);
	return rc;
}

static void keep_reason(lc_run *run, int rank, const char *prefix, const char *text)
{
	if (run->step_rank < rank || !run->step_reason[0]) {
		lc_utf8_printf(run->step_reason, sizeof(run->step_reason), "%s%s", prefix, text);
		run->step_rank = rank;
	}
}

/* ---- parts ------------------------------------------------------------------------------------------- */

struct design {
	char type[LC_NAME_MAX], pmd[LC_NAME_MAX];
	double nm;
};

static int design_of(lc_run *run, const char *type, struct design *ds, lc_diag *d)
{
	lc_channel *tc;
	int rc = lc_channel_load(type, run->setup->fixtures_dir, &tc, d);
	if (rc < 0)
		return rc;
	const lc_component *c = lc_channel_component_count(tc) == 1 ? lc_channel_component(tc, 0) : NULL;
	if (!c || c->kind != LC_COMP_TRANSCEIVER || !c->pmd[0])
		rc = lc_diag_set(d, LC_ERR_FORMAT, "%s is not a transceiver type with a PMD", type);
	else {
		snprintf(ds->type, sizeof(ds->type), "%s", type);
		snprintf(ds->pmd, sizeof(ds->pmd), "%s", c->pmd);
		ds->nm = c->wavelength_nm;
	}
	lc_channel_free(tc);
	return rc;
}

/* The interface a memory names is the design's PMD: "100GBASE-DR" is itself, "100G-FR/100GBASE-FR1" holds
 * "100GBASE-FR1" as one of its names. */
static bool is_pmd(const char *iface, const char *pmd)
{
	size_t n = strlen(pmd);
	for (const char *p = iface; (p = strcasestr(p, pmd)) != NULL; p++)
		if ((p == iface || p[-1] == '/') && (p[n] == 0 || p[n] == '/' || p[n] == ' '))
			return true;
	return false;
}

/* One end against the design: its interface and its nominal wavelength. Returns the verdict recorded. */
static enum lc_verdict judge_part(lc_run *run, const char *end, const lc_module_info *info,
				  const lc_link_profile *prof, const struct design *ds, double link_nm)
{
	char iface[80], f[320];
	snprintf(iface, sizeof(iface), "%s", prof->known ? prof->name : "an unknown interface");
	bool part_ok = prof->known && is_pmd(prof->name, ds->pmd);
	double nm = info->has_wavelength ? info->wavelength_nm : prof->nm;
	/* the tolerance lc_compat_check uses between two single-wavelength optics */
	bool nm_ok = !(nm > 0 && link_nm > 0) || fabs(nm - link_nm) <= 10;
	lc_result_measurement m = {.name = "module_part", .lane = LC_LANE_NONE, .value = part_ok && nm_ok ? 1 : 0,
				   .unit = "bool", .wavelength_nm = nm > 0 ? nm : NAN, .margin = NAN,
				   .limit = {.low = 1, .high = NAN, .comparison = LC_LIMIT_GE},
				   .verdict = part_ok && nm_ok ? LC_VERDICT_PASS : LC_VERDICT_FAIL};
	int idx = lc_run_record(run, &m, NULL);
	if (idx >= 0) {
		lc_result_measurement_extra_string(run->result, idx, "end", end, NULL);
		lc_result_measurement_extra_string(run->result, idx, "interface", iface, NULL);
		lc_result_measurement_extra_string(run->result, idx, "design", ds->type, NULL);
		lc_result_measurement_extra_string(run->result, idx, "design_pmd", ds->pmd, NULL);
	}
	if (m.verdict == LC_VERDICT_PASS)
		return m.verdict;
	if (!nm_ok)
		snprintf(f, sizeof(f), "end %s holds %s at %.0f nm where the link is designed for %s (%s) at %.0f nm: "
			 "wrong wavelength", end, iface, nm, ds->pmd, ds->type, link_nm);
	else
		snprintf(f, sizeof(f), "end %s holds %s where the link is designed for %s (%s)%s", end, iface, ds->pmd,
			 ds->type, nm > 0 ? " (the same wavelength band: the part is wrong, not the wavelength)" : "");
	if (idx >= 0)
		lc_result_measurement_extra_string(run->result, idx, "finding", f, NULL);
	keep_reason(run, LC_DIAGNOSIS_WRONG_PART, "wrong part: ", f);
	return m.verdict;
}

/* ctx:link_parts{near="xcvr-400g-dr4", far="xcvr-100g-dr", role="i2c"} -> worst verdict name */
static int ctx_link_parts(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	struct link k;
	link_of(L, run, &k);
	const char *near = lc_lua_field_string(L, 2, "near", NULL), *far = lc_lua_field_string(L, 2, "far", NULL);
	if (!near || !far)
		return luaL_error(L, "link_parts: near= and far= (the link's transceiver types) are required");
	struct design dn, df;
	lc_diag d;
	int rc;
	if ((rc = design_of(run, near, &dn, &d)) < 0 || (rc = design_of(run, far, &df, &d)) < 0)
		return lc_lua_raise(L, run, rc, &d, "link_parts");
	lc_module_info a, b;
	if ((rc = read_end(&k, 0, &a, &d)) < 0)
		return lc_lua_raise(L, run, rc, &d, "link_parts");
	lc_link_profile pa;
	lc_link_profile_of(&a, &pa);
	double link_nm = dn.nm;
	enum lc_verdict worst = judge_part(run, k.label[0], &a, &pa, &dn, link_nm);
	for (unsigned n = 0; n < k.legs; n++) {
		const char *end = k.label[1 + n];
		if ((rc = read_end(&k, 1 + n, &b, &d)) < 0)
			return lc_lua_raise(L, run, rc, &d, "link_parts");
		lc_compat_result r;
		if ((rc = lc_compat_check(&a, &b, lc_channel_name(run->setup->channel), run->setup->fixtures_dir, &r, &d)) < 0)
			return lc_lua_raise(L, run, rc, &d, "link_parts");
		char text[600] = "";
		size_t used = 0;
		for (size_t i = 0; i < r.n && used < sizeof(text); i++) {
			if ((r.findings[i].severity == LC_COMPAT_ERROR) != !r.compatible)
				continue;
			int w = snprintf(text + used, sizeof(text) - used, "%s%s", used ? "; " : "", r.findings[i].text);
			if (w < 0)
				break;
			used += (size_t)w;
		}
		lc_result_measurement m = {.name = "link_compatibility", .lane = LC_LANE_NONE, .value = r.compatible,
					   .unit = "bool", .wavelength_nm = NAN, .margin = NAN,
					   .limit = {.low = 1, .high = NAN, .comparison = LC_LIMIT_GE},
					   .verdict = r.compatible ? LC_VERDICT_PASS : LC_VERDICT_FAIL};
		int idx = lc_run_record(run, &m, &d);
		if (idx < 0)
			return lc_lua_raise(L, run, idx, &d, "link_parts");
		lc_result_measurement_extra_string(run->result, idx, "end", end, NULL);
		lc_result_measurement_extra_string(run->result, idx, "with", k.label[0], NULL);
		if (r.b.known)
			lc_result_measurement_extra_string(run->result, idx, "interface", r.b.name, NULL);
		lc_result_measurement_extra_string(run->result, idx, "findings", text, NULL);
		worst = lc_verdict_max(worst, m.verdict);
		if (!r.compatible) {
			char f[700];
			snprintf(f, sizeof(f), "end %s (%s) cannot link with end %s: %s", end,
				 r.b.known ? r.b.name : "unknown interface", k.label[0], text);
			keep_reason(run, LC_DIAGNOSIS_WRONG_PART, "wrong part: ", f);
		}
		worst = lc_verdict_max(worst, judge_part(run, end, &b, &r.b, &df, link_nm));
	}
	lua_pushstring(L, lc_verdict_name(worst));
	return 1;
}

/* ---- lane map by Tx disable ------------------------------------------------------------------------ */

struct live {
	lc_module *mod[1 + LINK_LEGS_MAX];
	double rx0[1 + LINK_LEGS_MAX][LINK_LANES_MAX]; /* Rx power (mW) with every transmitter on */
};

static int rx_now(const struct link *k, struct live *lv, unsigned i, double *rx, lc_diag *d)
{
	lc_module_info info;
	int rc = lc_module_read_info(lv->mod[i], &info, d);
	if (rc < 0) {
		lc_diag_prefix(d, "end %s: ", k->label[i]);
		return rc;
	}
	unsigned lanes = end_lanes(k, i);
	for (unsigned l = 0; l < lanes; l++) {
		const lc_module_lane *ln = &info.lanes[l];
		rx[l] = ln->has_rx_power && !ln->rx_los ? ln->rx_power_mw : 0;
	}
	return 0;
}

/* Switch transmitter (end i, lane l) off, see which receiver went dark — at end A (near_rx: candidate c is
 * its lane c) or at the legs (candidate c is link lane c's far receiver) — and switch it back on.
 * *hit = that candidate, -1 none, -2 several. */
static int probe(const struct link *k, struct live *lv, unsigned i, unsigned l, bool near_rx, int settle_ms, int *hit,
		 lc_diag *d)
{
	int rc = lc_module_set_tx_disable(lv->mod[i], l + 1, true, d);
	if (rc < 0) {
		lc_diag_prefix(d, "end %s lane %u Tx disable: ", k->label[i], l + 1);
		return rc;
	}
	if (settle_ms > 0)
		lc_sleep_ms(settle_ms);
	*hit = -1;
	for (unsigned c = 0; c < k->lanes && rc == 0; c++) {
		double rx[LINK_LANES_MAX];
		unsigned e = near_rx ? 0 : 1 + k->lane[c].leg, lane = near_rx ? c : k->lane[c].leg_lane;
		if ((rc = rx_now(k, lv, e, rx, d)) < 0)
			break;
		double before = lv->rx0[e][lane];
		if (before > 0 && rx[lane] < before * DARK_DROP)
			*hit = *hit == -1 ? (int)c : -2;
	}
	lc_diag d2;
	int rc2 = lc_module_set_tx_disable(lv->mod[i], l + 1, false, &d2);
	if (rc == 0 && rc2 < 0) {
		*d = d2;
		lc_diag_prefix(d, "end %s lane %u Tx enable: ", k->label[i], l + 1);
		rc = rc2;
	}
	return rc;
}

static int measure_map(const struct link *k, struct live *lv, int settle_ms, int *fwd, int *back, lc_diag *d)
{
	int rc = 0;
	for (unsigned i = 0; i <= k->legs && rc == 0; i++)
		rc = open_end(k, i, &lv->mod[i], d);
	for (unsigned i = 0; i <= k->legs && rc == 0; i++)
		rc = rx_now(k, lv, i, lv->rx0[i], d);
	for (unsigned l = 0; l < k->lanes && rc == 0; l++)
		rc = probe(k, lv, 0, l, false, settle_ms, &fwd[l], d);
	for (unsigned l = 0; l < k->lanes && rc == 0; l++)
		rc = probe(k, lv, 1 + k->lane[l].leg, k->lane[l].leg_lane, true, settle_ms, &back[l], d);
	return rc;
}

/* Whether every lane of leg x lands on the same lane of leg y in map (link lane -> link lane). */
static bool leg_onto(const struct link *k, const int *map, unsigned x, unsigned y)
{
	if (k->leg_lanes[x] != k->leg_lanes[y])
		return false;
	for (unsigned l = 0; l < k->lanes; l++) {
		if (k->lane[l].leg != x)
			continue;
		int h = map[l];
		if (h < 0 || k->lane[h].leg != y || k->lane[h].leg_lane != k->lane[l].leg_lane)
			return false;
	}
	return true;
}

static void put(char *out, size_t cap, size_t *n, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void put(char *out, size_t cap, size_t *n, const char *fmt, ...)
{
	if (*n >= cap - 1)
		return;
	va_list ap;
	va_start(ap, fmt);
	int w = vsnprintf(out + *n, cap - *n, fmt, ap);
	va_end(ap);
	if (w > 0)
		*n += (size_t)w < cap - *n ? (size_t)w : cap - *n - 1;
}

/* "legs B2 and B3 swapped", "lane 2 of end A reaches no leg", ... ("; "-joined) for one direction: whole legs
 * traded first, then lane by lane. map: link lane -> the link lane reached (-1 none, -2 several). */
static void describe(const struct link *k, const int *map, bool fwd, char *out, size_t cap)
{
	size_t n = 0;
	bool done[LINK_LANES_MAX] = {false};
	out[0] = 0;
	for (unsigned x = 0; x < k->legs; x++)
		for (unsigned y = x + 1; y < k->legs; y++)
			if (leg_onto(k, map, x, y) && leg_onto(k, map, y, x)) {
				put(out, cap, &n, "%slegs %s and %s swapped", n ? "; " : "", k->label[1 + x], k->label[1 + y]);
				for (unsigned l = 0; l < k->lanes; l++)
					done[l] |= k->lane[l].leg == x || k->lane[l].leg == y;
			}
	for (unsigned l = 0; l < k->lanes; l++) {
		int h = map[l];
		if (h == (int)l || done[l])
			continue;
		char me[24], there[24];
		lane_name(k, l, me, sizeof(me));
		if (h >= 0)
			lane_name(k, (unsigned)h, there, sizeof(there));
		if (h >= 0 && map[h] == (int)l && !done[h]) {
			if (k->multi)
				put(out, cap, &n, "%s%s and %s swapped", n ? "; " : "", me, there);
			else
				put(out, cap, &n, "%slegs %s and %s swapped", n ? "; " : "", me, there);
			done[h] = true;
		} else if (fwd) {
			if (h >= 0)
				put(out, cap, &n, "%slane %u of end %s lands on %s%s", n ? "; " : "", l + 1, k->label[0],
				    k->multi ? "" : "leg ", there);
			else
				put(out, cap, &n, "%slane %u of end %s %s", n ? "; " : "", l + 1, k->label[0],
				    h == -1 ? "reaches no leg (no receiver went dark)" : "darkens several legs");
		} else {
			if (h >= 0)
				put(out, cap, &n, "%s%s%s lands on lane %d of end %s", n ? "; " : "", k->multi ? "" : "leg ", me,
				    h + 1, k->label[0]);
			else
				put(out, cap, &n, "%s%s%s %s", n ? "; " : "", k->multi ? "" : "leg ", me,
				    h == -1 ? "reaches no lane of end A (no receiver went dark)" : "darkens several lanes");
		}
		done[l] = true;
	}
}

/* ctx:tx_disable_map{settle_ms=500, role="i2c"} -> verdict name, the difference ("as expected") */
static int ctx_tx_disable_map(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	struct link k;
	link_of(L, run, &k);
	int settle_ms = (int)lc_lua_field_number(L, 2, "settle_ms", 500);
	if (settle_ms < 0 || settle_ms > 60000)
		return luaL_error(L, "tx_disable_map: settle_ms=%d is not 0..60000", settle_ms);
	struct live lv;
	memset(&lv, 0, sizeof(lv));
	int fwd[LINK_LANES_MAX], back[LINK_LANES_MAX];
	lc_diag d;
	int rc = measure_map(&k, &lv, settle_ms, fwd, back, &d);
	/* every transmitter on again whatever happened (probe() re-enables its own; this covers a failed read).
	 * The cleanup is always tried, even after the measurement timed out. Every end is on the one adapter:
	 * once a cleanup write times out (it stopped answering, or a module holds the bus), each further write
	 * would only wait out its own timeout, one per lane of every end (26 s on the 2 x DR4 link at a 1 s
	 * timeout, found by the fault matrix's hang cell), so the cleanup stops there and the error says a
	 * transmitter may still be off (the safe side: a dark lane, never a lit one). */
	bool gone = false;
	for (unsigned i = 0; i <= k.legs; i++) {
		for (unsigned l = 0; lv.mod[i] && !gone && l < end_lanes(&k, i); l++) {
			lc_diag d2;
			int r2 = lc_module_set_tx_disable(lv.mod[i], l + 1, false, &d2);
			if (rc == 0 && r2 < 0) {
				d = d2;
				rc = r2;
			}
			gone = r2 == LC_ERR_TIMEOUT;
		}
		lc_module_close(lv.mod[i]);
	}
	if (gone)
		lc_diag_prefix(&d, "transmitters not all switched back on (a lane of this link may still be off): ");
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "tx_disable_map");
	char df[300], db[300], diff[620];
	describe(&k, fwd, true, df, sizeof(df));
	describe(&k, back, false, db, sizeof(db));
	if (!df[0] && !db[0])
		snprintf(diff, sizeof(diff), "as expected");
	else if (!strcmp(df, db) || !db[0])
		snprintf(diff, sizeof(diff), "%s", df);
	else if (!df[0])
		snprintf(diff, sizeof(diff), "%s", db);
	else
		snprintf(diff, sizeof(diff), "%s; back: %s", df, db);
	enum lc_verdict worst = LC_VERDICT_PASS;
	/* lane_to_leg: end A's lane l reaches link lane h's receiver (unit "leg" where each leg has one lane,
	 * "lane" where legs carry several); leg_to_lane: link lane l's leg transmitter reaches end A's lane h */
	for (unsigned dir = 0; dir < 2; dir++)
		for (unsigned l = 0; l < k.lanes; l++) {
			int h = dir ? back[l] : fwd[l];
			char me[24], there[24] = "";
			lane_name(&k, l, me, sizeof(me));
			if (h >= 0 && !dir)
				lane_name(&k, (unsigned)h, there, sizeof(there));
			lc_result_measurement m = {.name = dir ? "leg_to_lane" : "lane_to_leg", .lane = (int)l + 1,
						   .value = h >= 0 ? h + 1 : 0, .unit = dir || k.multi ? "lane" : "leg",
						   .wavelength_nm = NAN, .margin = NAN,
						   .limit = {.low = l + 1, .high = l + 1, .comparison = LC_LIMIT_BETWEEN},
						   .verdict = h == (int)l ? LC_VERDICT_PASS : LC_VERDICT_FAIL};
			int idx = lc_run_record(run, &m, &d);
			if (idx < 0)
				return lc_lua_raise(L, run, idx, &d, "tx_disable_map");
			lc_result_measurement_extra_string(run->result, idx, "end", dir ? me : k.label[0], NULL);
			if (h >= 0)
				lc_result_measurement_extra_string(run->result, idx, "reaches", dir ? k.label[0] : there, NULL);
			lc_result_measurement_extra_string(run->result, idx, "difference", diff, NULL);
			worst = lc_verdict_max(worst, m.verdict);
		}
	for (unsigned l = 0; l < k.lanes; l++) {
		run->link_map[l] = fwd[l];
		run->link_back[l] = back[l];
	}
	run->link_legs = k.lanes;
	if (worst != LC_VERDICT_PASS)
		keep_reason(run, LC_DIAGNOSIS_MAP, "lane map: ", diff);
	lua_pushstring(L, lc_verdict_name(worst));
	lua_pushstring(L, diff);
	return 2;
}

/* ---- loss from the monitors ------------------------------------------------------------------------- */

static double accuracy_row(const lc_run *run, const char *id, double *unconfirmed)
{
	const lc_limit *row = run->setup->limits ? lc_limits_find(run->setup->limits, id) : NULL;
	if (!row || row->cmp != LC_CMP_MAX || !(row->high >= 0))
		return NAN;
	if (row->unconfirmed)
		*unconfirmed = 1;
	return row->high;
}

static double dbm(double mw) { return mw > 0 ? 10.0 * log10(mw) : -INFINITY; }

/*
 * The channel's budget counts each end of a path as a test cord's reference-grade connector meeting the
 * cable's (the 1-jumper reference of a bench); in the installed link each end meets a module's receptacle, a
 * standard-grade mated pair: the standard grade's row of the design's limit set (tia.mated_pair.standard,
 * 0.75 dB, domain-facts §2, unless the set prices it otherwise). Returns the link's total and appends the
 * change to basis. LC_ERR_NOT_FOUND when no row prices it.
 */
static int link_total(const lc_run *run, const lc_budget *b, char *basis, size_t cap, double *total)
{
	const char *set = lc_channel_limit_set(run->setup->channel);
	lc_limit_query q = {.quantity = "mated_pair_loss", .mode = lc_channel_mode(run->setup->channel),
			    .grade = "standard", .set = set && set[0] ? set : NULL};
	const lc_limit *std = run->setup->limits ? lc_limits_match(run->setup->limits, &q) : NULL;
	if (!std || std->cmp != LC_CMP_MAX)
		return LC_ERR_NOT_FOUND;
	*total = b->total_db;
	unsigned ends = 0;
	for (size_t i = 0; i < b->count; i++) {
		const lc_budget_item *it = &b->items[i];
		if (it->kind != LC_BUDGET_MATED_PAIR || (it->component[0] && it->other[0]))
			continue;
		*total += it->count * (std->high - it->each);
		ends += it->count;
	}
	size_t n = strlen(basis);
	if (ends && n < cap)
		snprintf(basis + n, cap - n, "; at the modules: %u end connection%s as standard-grade mated pairs (%s, "
			 "%.2f dB each) = %.3f dB", ends, ends > 1 ? "s" : "", std->id, std->high, *total);
	return 0;
}

/* ctx:dom_loss{wavelength=1310, role="i2c"} -> worst verdict name */
static int ctx_dom_loss(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	struct link k;
	link_of(L, run, &k);
	double nm = lc_lua_field_number(L, 2, "wavelength", 1310);
	double unconf = 0, acc_tx, acc_rx;
	const char *opt = lc_run_option(run, "dom_accuracy_db");
	if (opt) {
		char *end;
		acc_tx = acc_rx = strtod(opt, &end);
		if (end == opt || *end || !(acc_tx >= 0 && acc_tx <= 10))
			return luaL_error(L, "option dom_accuracy_db: '%s' is not a monitor accuracy in dB (0..10)", opt);
	} else {
		acc_tx = accuracy_row(run, "dom.accuracy.tx_power", &unconf);
		acc_rx = accuracy_row(run, "dom.accuracy.rx_power", &unconf);
		if (!isfinite(acc_tx) || !isfinite(acc_rx))
			return luaL_error(L, "dom_loss: the limit rows dom.accuracy.tx_power and dom.accuracy.rx_power (dB, max) "
					  "are missing: the monitors' accuracy decides what a loss from DOM can prove");
	}
	double u = acc_tx + acc_rx;
	lc_module_info info[1 + LINK_LEGS_MAX];
	lc_diag d;
	int rc;
	for (unsigned i = 0; i <= k.legs; i++)
		if ((rc = read_end(&k, i, &info[i], &d)) < 0)
			return lc_lua_raise(L, run, rc, &d, "dom_loss");
	bool mapped = run->link_legs == k.lanes;
	enum lc_verdict worst = LC_VERDICT_PASS;
	unsigned fails[2][LINK_LEGS_MAX] = {{0}}, n_fail = 0, n_inc = 0;
	double worst_inc = -INFINITY, worst_inc_lim = NAN, over_sum = 0;
	for (unsigned dir = 0; dir < 2; dir++)
		for (unsigned l = 0; l < k.lanes; l++) {
			/* A->B: end A's lane l into the leg lane it reaches; B->A: link lane l's leg transmitter into the
			 * lane of A it reaches */
			int to = mapped ? (dir ? run->link_back[l] : run->link_map[l]) : (int)l;
			if (to < 0)
				continue; /* the map step found no receiver: it failed there, nothing to difference here */
			const lc_link_lane *ln = &k.lane[dir ? l : (unsigned)to];
			unsigned leg = ln->leg, ll = ln->leg_lane, lane_a = dir ? (unsigned)to : l;
			const lc_module_lane *tx = dir ? &info[1 + leg].lanes[ll] : &info[0].lanes[lane_a];
			const lc_module_lane *rx = dir ? &info[0].lanes[lane_a] : &info[1 + leg].lanes[ll];
			if (!tx->has_tx_power || !rx->has_rx_power)
				return luaL_error(L, "dom_loss: end %s or %s has no %s power monitor", k.label[dir ? 1 + leg : 0],
						  k.label[dir ? 0 : 1 + leg], tx->has_tx_power ? "Rx" : "Tx");
			int path = dir ? ln->back : ln->fwd; /* the design's path out of that transmitter / into that receiver */
			lc_budget b;
			if (path < 0)
				return luaL_error(L, "dom_loss: the cable has no path %s leg %s", dir ? "from" : "to", k.label[1 + leg]);
			if ((rc = lc_channel_path_budget(run->setup->channel, run->setup->limits, (size_t)path, nm, &b, &d)) < 0)
				return lc_lua_raise(L, run, rc, &d, "dom_loss");
			char basis[600];
			double total;
			lc_budget_basis(&b, run->setup->limits, basis, 512);
			if (link_total(run, &b, basis, sizeof(basis), &total) < 0)
				return luaL_error(L, "dom_loss: no limit row prices a standard-grade mated pair (mated_pair_loss, "
						  "grade standard)");
			lc_limit lim;
			lc_limit_init_max(&lim, "dom_loss.budget", "insertion_loss", "dB", total);
			lim.unconfirmed = b.unconfirmed || unconf > 0;
			double loss = dbm(tx->tx_power_mw) - dbm(rx->rx_power_mw);
			lc_check_result cr;
			lc_result_measurement m = {.name = "dom_loss", .lane = (int)l + 1, .value = loss, .unit = "dB",
						   .wavelength_nm = nm, .margin = NAN,
						   .limit = {.low = NAN, .high = total, .comparison = LC_LIMIT_LE}};
			if (!isfinite(loss)) {
				m.value = NAN;
				m.verdict = LC_VERDICT_FAIL; /* no light at the receiver: nothing arrives */
			} else {
				if ((rc = lc_limit_check_u(&lim, loss, u, &cr)) < 0)
					return luaL_error(L, "dom_loss: cannot judge %g dB against %g dB", loss, total);
				m.verdict = cr.verdict;
				m.margin = cr.margin;
			}
			int idx = lc_run_record(run, &m, &d);
			if (idx < 0)
				return lc_lua_raise(L, run, idx, &d, "dom_loss");
			char from[40], at[40];
			snprintf(from, sizeof(from), "%s lane %u Tx", dir ? k.label[1 + leg] : k.label[0], dir ? ll + 1 : lane_a + 1);
			snprintf(at, sizeof(at), "%s lane %u Rx", dir ? k.label[0] : k.label[1 + leg], dir ? lane_a + 1 : ll + 1);
			lc_result_measurement_extra_string(run->result, idx, "direction", dir ? "B->A" : "A->B", NULL);
			lc_result_measurement_extra_string(run->result, idx, "leg", k.label[1 + leg], NULL);
			lc_result_measurement_extra_string(run->result, idx, "from", from, NULL);
			lc_result_measurement_extra_string(run->result, idx, "at", at, NULL);
			lc_result_measurement_extra_number(run->result, idx, "tx_dbm", dbm(tx->tx_power_mw), NULL);
			lc_result_measurement_extra_number(run->result, idx, "rx_dbm", dbm(rx->rx_power_mw), NULL);
			lc_result_measurement_extra_number(run->result, idx, "uncertainty_db", u, NULL);
			lc_result_measurement_extra_string(run->result, idx, "uncertainty_source",
							   opt ? "run option dom_accuracy_db (per monitor)"
							       : "module monitor accuracy, fixtures/limits/lanecert-dom-accuracy.json",
							   NULL);
			lc_result_measurement_extra_string(run->result, idx, "budget_basis", basis, NULL);
			lc_record_limit_row(run, idx, &lim);
			worst = lc_verdict_max(worst, m.verdict);
			if (m.verdict == LC_VERDICT_FAIL) {
				fails[dir][leg]++;
				n_fail++;
				over_sum += isfinite(loss) ? loss - total : 0;
			} else if (m.verdict == LC_VERDICT_INCONCLUSIVE) {
				n_inc++;
				if (loss > worst_inc) {
					worst_inc = loss;
					worst_inc_lim = total;
				}
			}
		}
	char f[400];
	if (n_fail && n_fail == 2 * k.lanes) {
		snprintf(f, sizeof(f), "every lane over its budget both ways (+%.1f dB on average): the shared MPO "
			 "connection \u2014 a UPC connector in the APC path (reflection and loss) or a dirty MPO; measure "
			 "its return loss", over_sum / n_fail);
		keep_reason(run, LC_DIAGNOSIS_CAUSE, "", f);
	} else if (n_fail) {
		size_t used = 0;
		f[0] = 0;
		for (unsigned n = 0; n < k.legs; n++) {
			if (!fails[0][n] && !fails[1][n])
				continue;
			int w = snprintf(f + used, sizeof(f) - used, "%sleg %s: over its budget %s%s", used ? "; " : "",
					 k.label[1 + n], fails[0][n] && fails[1][n] ? "in both directions" : fails[0][n] ? "A->B" : "B->A",
					 fails[0][n] && fails[1][n] ? " \u2014 its connector dirty or damaged" : "");
			if (w < 0 || (size_t)w >= sizeof(f) - used)
				break;
			used += (size_t)w;
		}
		keep_reason(run, LC_DIAGNOSIS_LOCATED, "loss from DOM: ", f);
	} else if (n_inc) {
		snprintf(f, sizeof(f), "loss from DOM on %u lane%s cannot be decided within the monitors' \u00b1%.1f dB "
			 "(up to %.1f dB against a %.2f dB budget): measure with a power meter", n_inc, n_inc > 1 ? "s" : "", u,
			 worst_inc, worst_inc_lim);
		keep_reason(run, LC_DIAGNOSIS_PLAIN, "", f);
	}
	lua_pushstring(L, lc_verdict_name(worst));
	return 1;
}

/* ctx:link_ends{role="i2c"} -> { {["end"]="A", lanes=8}, {["end"]="B1", lanes=4}, ... }: the modules of the
 * link and the lanes each carries, by the harness's design (one per LC leg, four per MPO-12 DR4 leg). */
static int ctx_link_ends(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	if (lua_isnoneornil(L, 2))
		lua_newtable(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	struct link k;
	link_of(L, run, &k);
	lua_createtable(L, (int)k.legs + 1, 0);
	for (unsigned i = 0; i <= k.legs; i++) {
		lua_createtable(L, 0, 2);
		lua_pushstring(L, k.label[i]);
		lua_setfield(L, -2, "end");
		lua_pushinteger(L, (lua_Integer)end_lanes(&k, i));
		lua_setfield(L, -2, "lanes");
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	return 1;
}

void lc_lua_add_link(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"link_ends", ctx_link_ends},
		{"link_parts", ctx_link_parts},
		{"tx_disable_map", ctx_tx_disable_map},
		{"dom_loss", ctx_dom_loss},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
