/*
 * BER through transceivers with the modules' own PRBS generators and checkers (issue 19): where a DSP
 * re-frames the lanes (a 100G DR1 QSFP28, an AOC leg), a BERT's pattern does not pass module to module bit for
 * bit, so one module's media-side generator is checked by the far module's media-side checker (CMIS pages
 * 13h/14h, instruments/module/module_diag.h):
 *
 *   ctx:module_ber{target=2.4e-4, cl=0.95, pattern="PRBS31Q", bit_rate=106.25e9, soak=10, settle_ms=200,
 *                  lanes_per_leg=1, role="i2c"} -> worst verdict name
 *
 * Both directions of every leg of a breakout (end A's media lanes of leg n, lanes_per_leg of them, against the
 * leg's media lanes 1..lanes_per_leg): first end A's generators to every leg's checkers, then every leg's
 * generator to end A's checkers. Each lane is soaked `soak` seconds and judged by the sequential BER step's own
 * judgement (lc_ber_seq_update) on one reading: the checker's BER register times the bits of the soak (lane
 * rate x the time the checker ran) as the error count, the checker's latched loss of lock as a lost sync. A
 * direction in which a module advertises no generator or checker for the pattern on its media side is not
 * measured: each of its lanes is recorded inconclusive with the sentence why, never pass.
 *
 * Generators and checkers are switched off on every module after each direction, whatever happened; a module
 * that cannot be switched off is a station fault and the step raises saying which.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "instruments/module/module_diag.h"
#include "procedures/diagnosis.h"
#include "procedures/measure/ber_sequential.h"
#include "procedures/run_priv.h"

#define MB_ENDS_MAX 9 /* end A and up to 8 legs */

struct mber {
	lc_run *run;
	const lc_station_instrument *si;
	unsigned legs, per_leg;
	const char *label[MB_ENDS_MAX];
	lc_module *mod[MB_ENDS_MAX];
	lc_module_diag_caps caps[MB_ENDS_MAX];
	int pattern;
	double soak_s, bit_rate;
	int settle_ms;
	lc_ber_seq_config cfg;
	enum lc_verdict worst;
	unsigned n_fail, n_not;
	char fail_text[200], not_text[200];
};

static void keep_reason(lc_run *run, int rank, const char *text)
{
	if (run->step_rank < rank || !run->step_reason[0]) {
		lc_utf8_printf(run->step_reason, sizeof(run->step_reason), "%s", text);
		run->step_rank = rank;
	}
}

static void mb_close(struct mber *b)
{
	for (unsigned i = 0; i <= b->legs; i++) {
		lc_module_close(b->mod[i]);
		b->mod[i] = NULL;
	}
}

/* Every generator and checker of every module off (each is tried). Returns 0 or the first failure, diag
 * naming the end. */
static int all_off(struct mber *b, lc_diag *d)
{
	int first = 0;
	lc_diag d1;
	for (unsigned i = 0; i <= b->legs; i++) {
		if (!b->mod[i])
			continue;
		int rc = lc_module_prbs_all_off(b->mod[i], first ? &d1 : d);
		if (rc < 0 && !first) {
			lc_diag_prefix(d, "end %s: ", b->label[i]);
			first = rc;
		}
	}
	return first;
}

static uint8_t mask_of(const struct mber *b, unsigned end)
{
	unsigned lanes = end == 0 ? b->legs * b->per_leg : b->per_leg;
	return (uint8_t)((1u << lanes) - 1u);
}

/* Why a direction cannot be measured, or "" when it can. */
static void why_not(const struct mber *b, unsigned gen_end, unsigned chk_end, char *out, size_t cap)
{
	const char *pn = lc_module_prbs_pattern_name(b->pattern);
	out[0] = 0;
	for (int k = 0; k < 2 && !out[0]; k++) {
		unsigned e = k == 0 ? gen_end : chk_end;
		bool gen = k == 0;
		const lc_module_diag_caps *c = &b->caps[e];
		if (lc_module_diag_can(c, LC_PRBS_MEDIA, gen, b->pattern))
			continue;
		if (!c->present)
			snprintf(out, cap, "end %s's module has no CMIS diagnostics pages (no PRBS generator or checker)",
				 b->label[e]);
		else if (!(c->report_caps & 0x01))
			snprintf(out, cap, "end %s's module reports no BER register (CMIS page 13h byte 130)", b->label[e]);
		else
			snprintf(out, cap, "end %s's module advertises no media-side %s %s", b->label[e], pn,
				 gen ? "generator" : "checker");
	}
}

static void record(struct mber *b, unsigned gen_end, unsigned gen_lane, unsigned chk_end, unsigned chk_lane,
		   const lc_ber_lane *ln, const char *not_measured)
{
	lc_run *run = b->run;
	char dir[32];
	snprintf(dir, sizeof(dir), "%s->%s", b->label[gen_end], b->label[chk_end]);
	/* the lane people talk about: end A's media lane of the pair */
	unsigned a_lane = gen_end == 0 ? gen_lane : chk_lane;
	enum lc_verdict v = not_measured ? LC_VERDICT_INCONCLUSIVE : ln->verdict;
	lc_result_measurement m = {
		.name = "module_ber",
		.lane = (int)a_lane + 1,
		.value = !not_measured && isfinite(ln->upper) ? ln->upper : NAN,
		.unit = "1",
		.wavelength_nm = NAN,
		.limit = {.low = NAN, .high = b->cfg.target, .comparison = LC_LIMIT_LT},
		.margin = NAN,
		.verdict = v,
	};
	int idx = lc_run_record(run, &m, NULL);
	b->worst = lc_verdict_max(b->worst, v);
	if (idx < 0)
		return;
	lc_result_measurement_extra_string(run->result, idx, "direction", dir, NULL);
	lc_result_measurement_extra_string(run->result, idx, "generator", b->label[gen_end], NULL);
	lc_result_measurement_extra_number(run->result, idx, "generator_lane", gen_lane + 1, NULL);
	lc_result_measurement_extra_string(run->result, idx, "checker", b->label[chk_end], NULL);
	lc_result_measurement_extra_number(run->result, idx, "checker_lane", chk_lane + 1, NULL);
	lc_result_measurement_extra_string(run->result, idx, "pattern", lc_module_prbs_pattern_name(b->pattern), NULL);
	lc_result_measurement_extra_number(run->result, idx, "confidence", b->cfg.cl, NULL);
	if (not_measured) {
		lc_result_measurement_extra_string(run->result, idx, "reason", "not measured", NULL);
		lc_result_measurement_extra_string(run->result, idx, "detail", not_measured, NULL);
		if (b->n_not++ == 0)
			snprintf(b->not_text, sizeof(b->not_text), "%s", not_measured);
		return;
	}
	lc_result_measurement_extra_number(run->result, idx, "bits", (double)ln->bits, NULL);
	lc_result_measurement_extra_number(run->result, idx, "errors", (double)ln->errors, NULL);
	if (isfinite(ln->estimate))
		lc_result_measurement_extra_number(run->result, idx, "estimate", ln->estimate, NULL);
	if (isfinite(ln->lower))
		lc_result_measurement_extra_number(run->result, idx, "lower_bound", ln->lower, NULL);
	lc_result_measurement_extra_number(run->result, idx, "soak_s", ln->last_s, NULL);
	lc_result_measurement_extra_string(run->result, idx, "reason", lc_ber_reason_name(ln->reason), NULL);
	if (ln->detail[0])
		lc_result_measurement_extra_string(run->result, idx, "detail", ln->detail, NULL);
	if (ln->verdict == LC_VERDICT_FAIL && b->n_fail++ == 0)
		lc_utf8_printf(b->fail_text, sizeof(b->fail_text), "%s lane %u: %s", dir, a_lane + 1, ln->detail);
	else if (ln->verdict == LC_VERDICT_INCONCLUSIVE && b->n_not++ == 0)
		lc_utf8_printf(b->not_text, sizeof(b->not_text), "%s lane %u: %s", dir, a_lane + 1, ln->detail);
}

/* The pairs of one direction: end A's lanes of leg n <-> leg n's lanes. from_a: A generates. */
static int direction(struct mber *b, bool from_a, lc_diag *d)
{
	char why[MB_ENDS_MAX][200];
	bool go[MB_ENDS_MAX] = {false};
	uint8_t a_mask = 0;
	int rc = 0;
	for (unsigned n = 0; n < b->legs; n++) {
		unsigned leg = 1 + n;
		why_not(b, from_a ? 0 : leg, from_a ? leg : 0, why[leg], sizeof(why[leg]));
		go[leg] = !why[leg][0];
		if (go[leg])
			a_mask |= (uint8_t)(((1u << b->per_leg) - 1u) << (n * b->per_leg));
	}
	/* generators first, then checkers (a checker started before its signal only latches a loss of lock) */
	for (int phase = 0; phase < 2 && rc == 0; phase++) {
		bool gen_phase = phase == 0;
		if (a_mask && from_a == gen_phase)
			rc = lc_module_prbs_set(b->mod[0], LC_PRBS_MEDIA, gen_phase, a_mask, b->pattern, true, d);
		if (rc < 0) {
			lc_diag_prefix(d, "end %s: ", b->label[0]);
			break;
		}
		for (unsigned leg = 1; leg <= b->legs && rc == 0; leg++)
			if (go[leg] && from_a != gen_phase &&
			    (rc = lc_module_prbs_set(b->mod[leg], LC_PRBS_MEDIA, gen_phase, mask_of(b, leg), b->pattern, true,
						     d)) < 0)
				lc_diag_prefix(d, "end %s: ", b->label[leg]);
	}
	int64_t t0 = lc_now_us();
	if (rc == 0 && a_mask)
		rc = lc_wait_ms((int64_t)llround(b->soak_s * 1000.0));
	lc_module_prbs_result res[MB_ENDS_MAX];
	/* the checkers' modules: every measurable leg's, or end A's once for all of them */
	for (unsigned e = from_a ? 1 : 0; e <= (from_a ? b->legs : 0) && rc == 0; e++) {
		if (from_a ? !go[e] : !a_mask)
			continue;
		if ((rc = lc_module_prbs_read(b->mod[e], LC_PRBS_MEDIA, b->settle_ms, &res[e], d)) < 0)
			lc_diag_prefix(d, "end %s: ", b->label[e]);
	}
	/* the time the checkers ran, settle included */
	double run_s = (double)(lc_now_us() - t0) * 1e-6;
	lc_diag od;
	int orc = all_off(b, &od);
	if (rc < 0)
		return rc;
	if (orc < 0) {
		*d = od;
		lc_diag_prefix(d, "cleanup: PRBS generators and checkers could not be switched off: ");
		return orc;
	}
	for (unsigned n = 0; n < b->legs; n++) {
		unsigned leg = 1 + n;
		for (unsigned l = 0; l < b->per_leg; l++) {
			unsigned a_lane = n * b->per_leg + l;
			unsigned ge = from_a ? 0 : leg, gl = from_a ? a_lane : l;
			unsigned ce = from_a ? leg : 0, cl = from_a ? l : a_lane;
			lc_ber_lane ln;
			lc_ber_lane_init(&ln);
			if (!go[leg]) {
				record(b, ge, gl, ce, cl, &ln, why[leg]);
				continue;
			}
			const lc_module_prbs_result *r = &res[ce];
			double ber = r->ber[cl];
			double bits = floor(b->bit_rate * run_s);
			bool on = r->checker_on & (1u << cl), lol = r->lol & (1u << cl);
			lc_bert_reading rd = {.has_result = on, .sync = on && !lol, .sync_loss_seen = lol,
					      .bits = (uint64_t)bits, .errors = (uint64_t)llround(ber * bits), .ber = ber,
					      .elapsed_s = run_s};
			lc_ber_seq_config cfg = b->cfg;
			cfg.max_time_s = cfg.gate_s = cfg.sync_timeout_s = run_s > 0 ? run_s : 1e-6;
			cfg.bit_rate = b->bit_rate;
			lc_diag jd;
			if (lc_ber_seq_update(&cfg, &ln, &rd, cfg.max_time_s, &jd) < 0)
				lc_ber_seq_set_error(&ln, LC_BER_REASON_IMPLAUSIBLE, run_s, lc_diag_message(&jd));
			if (lol && ln.verdict == LC_VERDICT_INCONCLUSIVE)
				lc_utf8_printf(ln.detail, sizeof(ln.detail), "the %s checker lost pattern lock (CMIS page 14h latch): "
					 "no %s signal from end %s arrived", b->label[ce], lc_module_prbs_pattern_name(b->pattern),
					 b->label[ge]);
			record(b, ge, gl, ce, cl, &ln, NULL);
		}
	}
	return 0;
}

/* ctx:module_ber{...} -> worst verdict name (see the top of the file) */
static int ctx_module_ber(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	struct mber b;
	memset(&b, 0, sizeof(b));
	b.run = run;
	const char *role = lc_lua_field_string(L, 2, "role", "i2c");
	b.si = run->setup->station ? lc_station_instrument_by_role(run->setup->station, role) : NULL;
	if (!b.si || strncasecmp(b.si->resource, "I2C::", 5) != 0)
		return luaL_error(L, "module_ber: the station has no I2C module adapter in the role '%s'", role);
	const lc_channel *ch = run->setup->channel;
	if (!ch || lc_channel_leg_count(ch, 0) != 1)
		return luaL_error(L, "module_ber: the slot's cable must have one connector at end A");
	b.legs = lc_channel_leg_count(ch, 1);
	b.per_leg = (unsigned)lc_lua_field_number(L, 2, "lanes_per_leg", 1);
	if (b.legs < 1 || b.legs > MB_ENDS_MAX - 1 || b.per_leg < 1 || b.legs * b.per_leg > 8)
		return luaL_error(L, "module_ber: %u legs of %u lanes do not fit a module's 8 lanes", b.legs, b.per_leg);
	const char *pname = lc_lua_field_string(L, 2, "pattern", "PRBS31Q");
	if ((b.pattern = lc_module_prbs_pattern_parse(pname)) < 0)
		return luaL_error(L, "module_ber: unknown pattern '%s' (PRBS31Q, PRBS31, ..., SSPRQ)", pname);
	b.soak_s = lc_lua_field_number(L, 2, "soak", 10);
	b.bit_rate = lc_lua_field_number(L, 2, "bit_rate", 106.25e9);
	double settle = lc_lua_field_number(L, 2, "settle_ms", 200);
	if (!(b.soak_s > 0) || b.soak_s > 86400 || !(b.bit_rate > 0) || !(settle >= 0) || settle > 60000)
		return luaL_error(L, "module_ber: soak (s), bit_rate (b/s) must be positive, settle_ms 0..60000");
	b.settle_ms = (int)settle;
	lc_ber_seq_config_init(&b.cfg);
	b.cfg.target = lc_lua_field_number(L, 2, "target", 2.4e-4);
	b.cfg.cl = lc_lua_field_number(L, 2, "cl", 0.95);
	lc_diag d;
	int rc = lc_ber_seq_config_check(&b.cfg, &d);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "module_ber");
	b.label[0] = lc_channel_leg_label(ch, 0, 0);
	for (unsigned n = 0; n < b.legs; n++)
		b.label[1 + n] = lc_channel_leg_label(ch, 1, n);
	for (unsigned i = 0; i <= b.legs && rc == 0; i++) {
		if ((rc = lc_module_open_end(b.si->resource, b.si->layout, b.label[i], NULL, &b.mod[i], &d)) < 0 ||
		    (rc = lc_module_diag_caps_read(b.mod[i], &b.caps[i], &d)) < 0)
			lc_diag_prefix(&d, "end %s: ", b.label[i]);
	}
	/* nothing may run from an earlier, interrupted run: every generator and checker off first */
	if (rc == 0 && (rc = all_off(&b, &d)) < 0)
		lc_diag_prefix(&d, "PRBS generators and checkers could not be switched off before the test: ");
	if (rc == 0)
		rc = direction(&b, true, &d);
	if (rc == 0)
		rc = direction(&b, false, &d);
	if (rc < 0) {
		/* cleanup whatever happened; it says so when it cannot */
		lc_diag od;
		if (all_off(&b, &od) < 0) {
			char both[LC_DIAG_TEXT_MAX];
			lc_utf8_printf(both, sizeof(both), "%s; cleanup: PRBS generators and checkers could not be switched off: %s",
				 lc_diag_message(&d), lc_diag_message(&od));
			lc_diag_set(&d, rc, "%s", both);
		}
		mb_close(&b);
		return lc_lua_raise(L, run, rc, &d, "module_ber");
	}
	mb_close(&b);
	char text[LC_DIAG_TEXT_MAX];
	if (b.n_fail) {
		char more[48] = "";
		if (b.n_fail > 1)
			snprintf(more, sizeof(more), " (%u lanes over the target)", b.n_fail);
		lc_utf8_printf(text, sizeof(text), "BER through the modules above %.3g: %s%s", b.cfg.target, b.fail_text,
			       more);
		keep_reason(run, LC_DIAGNOSIS_LOCATED, text);
	} else if (b.n_not) {
		lc_utf8_printf(text, sizeof(text), "BER through the modules not measured on %u lane%s: %s", b.n_not,
			 b.n_not > 1 ? "s" : "", b.not_text);
		keep_reason(run, LC_DIAGNOSIS_PLAIN, text);
	}
	lua_pushstring(L, lc_verdict_name(b.worst == LC_VERDICT_NONE ? LC_VERDICT_INCONCLUSIVE : b.worst));
	return 1;
}

void lc_lua_add_module_ber(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"module_ber", ctx_module_ber},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
