/*
 * Optical measurements for procedures: ctx:reference{}, ctx:insertion_loss{}, ctx:fiber_map{},
 * ctx:return_loss{}. C measures and judges (procedures/measure/); these bindings turn the station wiring
 * and the channel's expected map into paths, hold the instruments' locks while measuring, and record every
 * result with its limit, margin and verdict.
 */
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures/budget.h"
#include "base/utf8.h"
#include "procedures/measure/reference_json.h"
#include "procedures/diagnosis.h"
#include "procedures/limit_record.h"
#include "procedures/optical_paths.h"
#include "procedures/run_priv.h"
#include "procedures/station_state.h"

#define LC_LOG_DOMAIN "optical"
#include "base/log.h"

#define MAX_REFS 8
#define DEFAULT_REF_VALID_S (8 * 3600) /* one shift */

/* The wired paths of one direction and their reference cords. The station, the channel and the open
 * instruments of a run never change while it runs, so they are worked out once per run, not on every ctx:
 * call (each time walked the channel's map and the station's wires in fixtures/). */
struct wired_cache {
	bool known;
	size_t n;
	lc_wired_path *paths;
	char cords[LC_REF_CORDS_MAX];
};

/* The insertion-loss limit of a map entry at a wavelength from the channel's length-based budget: the same
 * for every ctx:insertion_loss of the run. */
struct budget_limit {
	size_t map_index;
	double nm;
	lc_limit lim;
	char basis[512]; /* the arithmetic of the budget (lc_budget_basis) */
};

struct lc_optical_state {
	/* Launch ports the last fiber map found misrouted: their losses say nothing about this cable. */
	char (*misrouted)[LC_PORT_NAME_MAX];
	size_t n_misrouted;
	size_t n;
	struct {
		bool reverse;
		lc_reference ref;
	} refs[MAX_REFS];
	struct wired_cache wired[2]; /* [0] forward, [1] reverse */
	struct budget_limit *budgets;
	size_t n_budgets;
};

void lc_lua_optical_free(lc_run *run)
{
	if (run->optical) {
		free(run->optical->misrouted);
		free(run->optical->wired[0].paths);
		free(run->optical->wired[1].paths);
		free(run->optical->budgets);
	}
	free(run->optical);
	run->optical = NULL;
}

static struct lc_optical_state *optical_state(lc_run *run)
{
	if (!run->optical)
		run->optical = calloc(1, sizeof(*run->optical));
	return run->optical;
}

/* direction = "forward" (as the link carries light) or "reverse". */
static bool field_reverse(lua_State *L, int t)
{
	const char *d = lc_lua_field_string(L, t, "direction", "forward");
	if (strcmp(d, "forward") && strcmp(d, "reverse"))
		luaL_error(L, "direction must be \"forward\" or \"reverse\", not \"%s\"", d);
	return strcmp(d, "reverse") == 0;
}

static void cords_of(const lc_run *run, const lc_wired_path *paths, size_t n, char *buf, size_t cap);

/* The run's wired paths of a direction, worked out on first use (a failure is not kept: each call says it
 * again). Returns 0 or the error of lc_wired_paths(). */
static int wired(lc_run *run, bool reverse, const struct wired_cache **out, lc_diag *d)
{
	struct lc_optical_state *st = optical_state(run);
	if (!st)
		return lc_diag_set(d, LC_ERR_NOMEM, "wired paths");
	struct wired_cache *c = &st->wired[reverse];
	if (!c->known) {
		lc_wired_path *paths = NULL;
		int rc = lc_wired_paths(run->setup->channel, run->setup->station, run->setup->instruments,
					run->setup->slot, reverse, &paths, d);
		if (rc < 0)
			return rc;
		c->paths = paths;
		c->n = (size_t)rc;
		cords_of(run, paths, c->n, c->cords, sizeof(c->cords));
		c->known = true;
	}
	*out = c;
	return 0;
}

static const struct wired_cache *paths_or_raise(lua_State *L, lc_run *run, bool reverse)
{
	const struct wired_cache *c;
	lc_diag d;
	if (!run->setup->channel || !run->setup->station)
		luaL_error(L, "this run has no channel model or station");
	int rc = wired(run, reverse, &c, &d);
	if (rc < 0)
		lc_lua_raise(L, run, rc, &d, "wiring");
	if (c->n == 0)
		luaL_error(L, "station '%s' wires no fiber of slot %d %s through a source and a meter",
			   run->setup->station->name, (int)run->setup->slot, reverse ? "in reverse" : "forward");
	return c;
}

/* Ask the operator (or the station's automation) for a physical change; an answer of "no" aborts. */
static void operator_step(lua_State *L, lc_run *run, const char *id, const char *text)
{
	char answer[256]; /* a pre-answer is up to 191 bytes and is never cut */
	lc_diag d;
	if (!run->setup->prompter)
		return;
	int rc = lc_prompt_ask(run->setup->prompter, run->setup->slot, id, text, LC_PROMPT_CONFIRM, NULL, answer, sizeof(answer), &d);
	if (rc < 0)
		lc_lua_raise(L, run, rc, &d, "operator");
}

static void record_reference(lc_run *run, const lc_reference *ref, const lc_wired_path *paths, size_t n)
{
	lc_result_value *vals = calloc(n, sizeof(*vals));
	char (*names)[sizeof(paths[0].label) + 8] = calloc(n, sizeof(*names));
	const char *cords[1] = {ref->cords};
	if (vals && names) {
		for (size_t i = 0; i < n; i++) {
			snprintf(names[i], sizeof(names[i]), "P_ref %s", paths[i].label);
			vals[i] = (lc_result_value){.name = names[i], .value = ref->ref_dbm[i], .unit = "dBm"};
		}
		lc_result_reference rr = {
			.method = lc_ref_method_name(ref->method),
			.time_ms = ref->taken_unix * 1000,
			.wavelength_nm = ref->wavelength_nm,
			.cords = cords,
			.n_cords = ref->cords[0] ? 1 : 0,
			.values = vals,
			.n_values = n,
		};
		lc_result_add_reference(run->result, &rr, NULL);
	}
	free(vals);
	free(names);
}

/* The reference cords of the wires used, "TRC-1,TRC-2" (first few). */
static void cords_of(const lc_run *run, const lc_wired_path *paths, size_t n, char *buf, size_t cap)
{
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const lc_station_wire *ws[2] = {
			lc_wire_of_class(run->setup->station, run->setup->instruments, run->setup->slot, paths[i].launch_port,
					 LC_WIRE_TO_DUT, LC_CLASS_SOURCE),
			lc_wire_of_class(run->setup->station, run->setup->instruments, run->setup->slot, paths[i].detect_port,
					 LC_WIRE_FROM_DUT, LC_CLASS_POWER_METER)};
		for (int k = 0; k < 2; k++) {
			if (!ws[k] || !ws[k]->reference_cord[0] || strstr(buf, ws[k]->reference_cord))
				continue;
			size_t len = strlen(buf);
			if (len + strlen(ws[k]->reference_cord) + 2 >= cap)
				return;
			snprintf(buf + len, cap - len, "%s%s", len ? "," : "", ws[k]->reference_cord);
		}
	}
}

/* Tell the operator (terminal, JSON lines) and the debug log. */
static void say(lc_run *run, const char *msg)
{
	lc_info("slot %u: %s", run->setup->slot, msg);
	if (run->setup->events.log)
		run->setup->events.log(run->setup->events.user, run->setup->slot, msg);
}

/* "VENDOR MODEL #SERIAL" of each instrument the paths use, joined by "; ": what a kept reference must have
 * been taken with to be reused. */
static void instruments_identity(lc_instrument *const *insts, size_t n, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const lc_idn *id = lc_instrument_idn(insts[i]);
		size_t len = strlen(out);
		if (id && len < cap)
			lc_utf8_printf(out + len, cap - len, "%s%s %s #%s", len ? "; " : "", id->vendor, id->model, id->serial);
	}
}

/*
 * The reference this run may reuse (station key reference_keep_s): returns 1 with *out the kept one, or 0
 * when a new one must be taken (then path is where to keep it, "" when the station keeps none), or an
 * error. An expired, mismatched or unreadable kept reference is never used: the operator is told why and a
 * new one is taken.
 */
static int kept_reference(lc_run *run, const lc_reference *want, bool reverse, char *path, size_t cap,
			  lc_reference *out, lc_diag *d)
{
	const lc_station *stn = run->setup->station;
	const char *dir = run->setup->state_dir;
	char msg[1024];
	path[0] = '\0';
	if (!stn->reference_keep_s)
		return 0;
	if (!dir || !*dir)
		return lc_diag_set(d, LC_ERR_ARG, "station '%s' keeps references (reference_keep_s) but no folder is given "
						  "for them (state_dir, or --state)", stn->name);
	/* one file per station, slot, direction and wavelength */
	char what[64];
	snprintf(what, sizeof(what), "slot%u-%s-%.0fnm", run->setup->slot, reverse ? "reverse" : "forward",
		 want->wavelength_nm);
	int rc = lc_station_state_path(dir, stn->name, what, path, cap, d);
	if (rc < 0)
		return rc;
	lc_reference kept;
	lc_diag why;
	rc = lc_reference_load(path, &kept, &why);
	if (rc == LC_ERR_NOT_FOUND) {
		lc_utf8_printf(msg, sizeof(msg), "no kept %.0f nm reference for slot %u: taking one (kept %u min for later runs)",
			       want->wavelength_nm, run->setup->slot, stn->reference_keep_s / 60);
		say(run, msg);
		return 0;
	}
	time_t now = time(NULL);
	if (rc == 0 && (rc = lc_reference_reusable(&kept, want, stn->reference_keep_s, (int64_t)now, &why)) == 0) {
		*out = kept;
		lc_utf8_printf(msg, sizeof(msg), "reusing the %.0f nm reference taken %lld min ago (kept %u min; %s)",
			       want->wavelength_nm, (long long)((int64_t)now - kept.taken_unix) / 60,
			       stn->reference_keep_s / 60, kept.instruments);
		say(run, msg);
		return 1;
	}
	lc_utf8_printf(msg, sizeof(msg), "not reusing the kept %.0f nm reference: %s; taking a new one",
		       want->wavelength_nm, lc_diag_message(&why));
	say(run, msg);
	return 0;
}

/* ctx:reference{wavelength=nm, method="1-jumper", direction="forward", valid_s=, averaging=} */
static int ctx_reference(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	double nm = lc_lua_field_number(L, 2, "wavelength", NAN);
	if (!(nm > 0))
		return luaL_error(L, "reference: wavelength (nm) is required");
	int method = lc_ref_method_parse(lc_lua_field_string(L, 2, "method", "1-jumper"));
	if (method < 0)
		return luaL_error(L, "reference: unknown method '%s'", lc_lua_field_string(L, 2, "method", ""));
	bool reverse = field_reverse(L, 2);
	const struct wired_cache *wc = paths_or_raise(L, run, reverse);
	const lc_wired_path *paths = wc->paths;
	size_t n = wc->n;
	lc_optical_path *op = calloc(n, sizeof(*op));
	lc_instrument *insts[4 * LC_REF_MAX_PATHS];
	lc_diag d;
	const char *cords = wc->cords;
	char text[256];

	if (!op || n > LC_REF_MAX_PATHS) {
		free(op);
		return luaL_error(L, "reference: %d paths (at most %d)", (int)n, LC_REF_MAX_PATHS);
	}
	for (size_t i = 0; i < n; i++)
		op[i] = paths[i].path;

	lc_il_opts opts;
	lc_il_opts_init(&opts, nm);
	opts.averaging_s = lc_lua_field_number(L, 2, "averaging", opts.averaging_s);
	struct lc_optical_state *st = optical_state(run);
	if (!st) {
		free(op);
		return luaL_error(L, "reference: out of memory");
	}
	lc_reference ref;
	size_t ni = lc_wired_instruments(paths, n, insts);
	lc_reference want = {.method = (enum lc_ref_method)method, .wavelength_nm = nm, .n_paths = n};
	snprintf(want.cords, sizeof(want.cords), "%s", cords);
	instruments_identity(insts, ni, want.instruments, sizeof(want.instruments));
	char kept_path[1400];
	int rc = kept_reference(run, &want, reverse, kept_path, sizeof(kept_path), &ref, &d);
	if (rc == 0) {
		snprintf(text, sizeof(text),
			 "Slot %u: connect the reference cords without the DUT for the %.0f nm %s reference", run->setup->slot,
			 nm, lc_ref_method_name((enum lc_ref_method)method));
		operator_step(L, run, "reference", text);
		lc_wired_lock(insts, ni);
		rc = lc_reference_take(op, n, &opts, (enum lc_ref_method)method, cords,
				       (int64_t)lc_lua_field_number(L, 2, "valid_s", DEFAULT_REF_VALID_S), &ref, &d);
		lc_wired_unlock(insts, ni);
		if (rc == 0) {
			snprintf(ref.instruments, sizeof(ref.instruments), "%s", want.instruments);
			if (kept_path[0] && (rc = lc_reference_save(&ref, kept_path, &d)) < 0)
				lc_diag_prefix(&d, "keeping the reference for later runs: ");
		}
	} else if (rc == 1) {
		rc = 0; /* reused: already logged */
	}
	if (rc == 0) {
		record_reference(run, &ref, paths, n);
		size_t slot_i = st->n;
		for (size_t i = 0; i < st->n; i++)
			if (st->refs[i].reverse == reverse && fabs(st->refs[i].ref.wavelength_nm - nm) < 0.5)
				slot_i = i; /* a new reference replaces the old one */
		if (slot_i == MAX_REFS)
			rc = lc_diag_set(&d, LC_ERR_OVERFLOW, "more than %d references in one run", MAX_REFS);
		else {
			st->refs[slot_i].reverse = reverse;
			st->refs[slot_i].ref = ref;
			if (slot_i == st->n)
				st->n++;
		}
	}
	free(op);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "reference");
	snprintf(text, sizeof(text), "Slot %u: connect DUT %s", run->setup->slot, run->setup->serial);
	operator_step(L, run, "dut", text);
	return 0;
}

static bool misrouted(const lc_run *run, const char *launch_port)
{
	for (size_t i = 0; run->optical && i < run->optical->n_misrouted; i++)
		if (strcasecmp(run->optical->misrouted[i], launch_port) == 0)
			return true;
	return false;
}

/* Keep the launches whose light the map found elsewhere than the design says (not the dark ones of the
 * right part: a dark fiber's loss is a measurement of a break; every one of a wrong part's). */
static int keep_misrouted(lc_run *run, const lc_wired_ends *e, const int *map, const int *expected, bool all)
{
	struct lc_optical_state *st = optical_state(run);
	if (!st)
		return LC_ERR_NOMEM;
	free(st->misrouted);
	st->n_misrouted = 0;
	st->misrouted = calloc(e->n_launch, sizeof(*st->misrouted));
	if (!st->misrouted)
		return LC_ERR_NOMEM;
	for (size_t i = 0; i < e->n_launch; i++)
		if (map[i] != expected[i] && (all || map[i] != LC_MAP_DARK))
			snprintf(st->misrouted[st->n_misrouted++], LC_PORT_NAME_MAX, "%s", e->launch_port[i]);
	return 0;
}

/* Longest map evidence in a wrong-part sentence: enough for a few clauses, short enough to read. */
#define EVIDENCE_MAX 160

/* text into out (cap bytes): whole when it fits, else cut after its last whole clause with "; and more". A
 * cap below the marker's size writes what fits of nothing: "". */
static void map_evidence(const char *text, char *out, size_t cap)
{
	static const char more[] = "; and more";
	size_t len = strlen(text);
	if (cap == 0)
		return;
	if (len < cap) {
		memcpy(out, text, len + 1);
		return;
	}
	out[0] = '\0';
	if (cap <= sizeof(more))
		return;
	size_t keep = cap - sizeof(more) - 1, cut = keep;
	for (size_t i = keep; i > 0; i--)
		if (text[i - 1] == ';') {
			cut = i - 1;
			break;
		}
	while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--; /* never split a character */
	memcpy(out, text, cut);
	memcpy(out + cut, more, sizeof(more));
}

static const lc_reference *find_reference(const lc_run *run, double nm, bool reverse)
{
	for (size_t i = 0; run->optical && i < run->optical->n; i++)
		if (run->optical->refs[i].reverse == reverse && fabs(run->optical->refs[i].ref.wavelength_nm - nm) < 0.5)
			return &run->optical->refs[i].ref;
	return NULL;
}

/* The channel's length-based budget of a path as its limit (named lid), worked out once per run for each map
 * entry and wavelength (struct budget_limit). Returns 0 or the error of lc_channel_path_budget(). */
static int budget_limit(lc_run *run, const lc_wired_path *p, double nm, const char *lid, lc_limit *lim,
			char basis[512], lc_diag *d)
{
	struct lc_optical_state *st = optical_state(run);
	for (size_t i = 0; st && i < st->n_budgets; i++)
		if (st->budgets[i].map_index == p->map_index && st->budgets[i].nm == nm) {
			*lim = st->budgets[i].lim;
			memcpy(basis, st->budgets[i].basis, 512);
			return 0;
		}
	lc_budget b;
	int rc = lc_channel_path_budget(run->setup->channel, run->setup->limits, p->map_index, nm, &b, d);
	if (rc < 0)
		return rc;
	lc_limit_init_max(lim, lid, "insertion_loss", "dB", b.total_db);
	lim->unconfirmed = b.unconfirmed;
	/* A budget resting on a row the station's file confirmed names that file (and stays UNCONFIRMED while
	 * any other row it uses is). */
	for (size_t k = 0; k < b.count && !lim->unconfirmed; k++) {
		const lc_limit *row = lc_limits_find(run->setup->limits, b.items[k].limit_id);
		if (row && row->confirmed_by[0]) {
			memcpy(lim->confirmed_by, row->confirmed_by, sizeof(lim->confirmed_by));
			memcpy(lim->confirmed_sha256, row->confirmed_sha256, sizeof(lim->confirmed_sha256));
		}
	}
	lc_budget_basis(&b, run->setup->limits, basis, 512);
	/* Kept when there is room for it; without, the next call works it out again. */
	struct budget_limit *grown = st ? realloc(st->budgets, (st->n_budgets + 1) * sizeof(*grown)) : NULL;
	if (grown) {
		st->budgets = grown;
		st->budgets[st->n_budgets] = (struct budget_limit){.map_index = p->map_index, .nm = nm, .lim = *lim};
		memcpy(st->budgets[st->n_budgets++].basis, basis, 512);
	}
	return 0;
}

/* ctx:insertion_loss{wavelength=nm, direction=, limit=id, averaging=, uncertainty=} -> worst verdict name */
static int ctx_insertion_loss(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	double nm = lc_lua_field_number(L, 2, "wavelength", NAN);
	if (!(nm > 0))
		return luaL_error(L, "insertion_loss: wavelength (nm) is required");
	bool reverse = field_reverse(L, 2);
	const lc_reference *ref = find_reference(run, nm, reverse);
	if (!ref)
		return luaL_error(L, "insertion_loss: no %d nm %s reference in this run (call ctx:reference first)", (int)nm,
				  reverse ? "reverse" : "forward");
	const struct wired_cache *wc = paths_or_raise(L, run, reverse);
	const lc_wired_path *paths = wc->paths;
	size_t n = wc->n;
	lc_optical_path *op = calloc(n, sizeof(*op));
	lc_limit *lims = calloc(n, sizeof(*lims));
	const lc_limit **plims = calloc(n, sizeof(*plims));
	lc_loss *res = calloc(n, sizeof(*res));
	char (*basis)[512] = calloc(n, sizeof(*basis));
	lc_instrument *insts[4 * LC_REF_MAX_PATHS];
	lc_diag d;

	if (!op || !lims || !plims || !res || !basis || n > LC_REF_MAX_PATHS) {
		free(op), free(lims), free(plims), free(res), free(basis);
		return luaL_error(L, "insertion_loss: out of memory or too many paths");
	}
	/* The limit of every path: the named row if the procedure gave one (looked up once), else each path's
	 * length-based budget. */
	const char *limit_id = lc_lua_field_string(L, 2, "limit", NULL);
	const lc_limit *named = limit_id && run->setup->limits ? lc_limits_find(run->setup->limits, limit_id) : NULL;
	char lid[LC_NAME_MAX] = "";
	if (!limit_id)
		snprintf(lid, sizeof(lid), "budget.%s.%.0fnm", lc_channel_name(run->setup->channel), nm);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		op[i] = paths[i].path;
		if (limit_id && named)
			lims[i] = *named;
		else if (!limit_id)
			rc = budget_limit(run, &paths[i], nm, lid, &lims[i], basis[i], &d);
		plims[i] = &lims[i];
	}
	if (limit_id && !named) {
		free(op), free(lims), free(plims), free(res), free(basis);
		return luaL_error(L, "insertion_loss: no limit row '%s'", limit_id);
	}
	if (rc < 0) {
		free(op), free(lims), free(plims), free(res), free(basis);
		return lc_lua_raise(L, run, rc, &d, "budget");
	}
	lc_il_opts opts;
	lc_il_opts_init(&opts, nm);
	opts.averaging_s = lc_lua_field_number(L, 2, "averaging", opts.averaging_s);
	opts.uncertainty_db = lc_lua_field_number(L, 2, "uncertainty", opts.uncertainty_db);
	opts.limits = plims;
	size_t ni = lc_wired_instruments(paths, n, insts);
	lc_wired_lock(insts, ni);
	rc = lc_il_measure(op, n, ref, &opts, res, &d);
	lc_wired_unlock(insts, ni);

	enum lc_verdict worst = LC_VERDICT_NONE;
	size_t reref = 0, explained = 0;
	/* An instrument fault measured nothing worth keeping; a reference problem keeps what it found. */
	if (rc == 0 || rc == LC_ERR_STATE) {
		for (size_t i = 0; i < n; i++) {
			if (res[i].verdict == LC_VERDICT_ERROR && !res[i].rereference)
				continue;
			/* Light read where the fiber does not arrive by design is no loss of this cable, and a negative
			 * "loss" there is the map's doing (a wrong part), not a drifted reference. */
			bool lost = misrouted(run, paths[i].launch_port);
			reref += res[i].rereference;
			explained += res[i].rereference && lost;
			if (lost) {
				res[i].verdict = LC_VERDICT_INCONCLUSIVE, res[i].loss_db = res[i].margin_db = NAN;
				res[i].rereference = false;
			}
			lc_result_measurement m = {
				.name = "insertion_loss",
				.lane = (int)paths[i].map_index + 1,
				.value = isfinite(res[i].loss_db) ? res[i].loss_db : NAN,
				.unit = "dB",
				.wavelength_nm = nm,
				.limit = {.low = NAN, .high = res[i].limit_db, .comparison = LC_LIMIT_LE},
				.margin = isfinite(res[i].margin_db) ? res[i].margin_db : NAN,
				.verdict = res[i].verdict,
			};
			int idx = lc_run_record(run, &m, NULL);
			if (idx < 0)
				continue;
			lc_result_measurement_extra_string(run->result, idx, "from", paths[i].launch_port, NULL);
			lc_result_measurement_extra_string(run->result, idx, "to", paths[i].detect_port, NULL);
			lc_result_measurement_extra_string(run->result, idx, "direction", reverse ? "reverse" : "forward",
							   NULL);
			if (named) {
				lc_record_limit_row(run, idx, named);
			} else {
				lc_result_measurement_extra_string(run->result, idx, "limit_source", LC_BUDGET_LIMIT_SOURCE,
								   NULL);
				if (basis[i][0])
					lc_result_measurement_extra_string(run->result, idx, "limit_basis", basis[i], NULL);
				lc_record_limit_confirmation(run, idx, &lims[i]);
			}
			if (lost)
				lc_result_measurement_extra_string(run->result, idx, "finding", "not measured: fiber map failed",
								   NULL);
			else if (res[i].dark)
				lc_result_measurement_extra_string(run->result, idx, "finding", "no light", NULL);
			if (res[i].rereference)
				lc_result_measurement_extra_string(run->result, idx, "finding",
								   "negative loss: re-reference", NULL);
			if (res[i].unconfirmed)
				lc_result_measurement_extra_string(run->result, idx, "limit_status", "unconfirmed", NULL);
			worst = lc_verdict_max(worst, res[i].verdict);
		}
	}
	free(op), free(lims), free(plims), free(res), free(basis);
	if (rc == LC_ERR_STATE && reref > 0 && explained == reref)
		rc = 0;
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "insertion_loss");
	lua_pushstring(L, lc_verdict_name(worst));
	return 1;
}

/*
 * A meter's dark reading is its noise floor, which differs by model (a PM100 photodiode reads about -52 dBm
 * dark, an N774x about -80 dBm), so an absolute threshold alone calls noise light on one meter or a lossy
 * fiber dark on another. Where light arrives it is far above every dark port of the same launch: a reading
 * more than relative_db below the brightest of its launch is taken as dark. And a launch whose brightest
 * reading does not stand relative_db above the middle of its row (its noise floor, with three ports or more)
 * lit nothing: a broken fiber on a noisy meter reads noise everywhere, which is "dark", not "lights several
 * ports".
 */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void relative_dark(double *matrix, size_t n_in, size_t n_out, double relative_db)
{
	double *sorted = n_out >= 3 ? malloc(n_out * sizeof(*sorted)) : NULL;
	for (size_t i = 0; i < n_in; i++) {
		double *row = matrix + i * n_out, top = -INFINITY;
		for (size_t j = 0; j < n_out; j++)
			if (row[j] > top)
				top = row[j];
		double floor_dbm = -INFINITY;
		if (sorted) {
			memcpy(sorted, row, n_out * sizeof(*sorted));
			qsort(sorted, n_out, sizeof(*sorted), cmp_double);
			floor_dbm = sorted[n_out / 2];
		}
		bool nothing = isfinite(floor_dbm) && top < floor_dbm + relative_db;
		for (size_t j = 0; j < n_out && isfinite(top); j++)
			if (nothing || row[j] < top - relative_db)
				row[j] = -INFINITY;
	}
	free(sorted);
}

/* The index of a DUT port's leg ("B2" of "B2:rx") in labels, added when new. */
static int leg_group(const lc_channel *ch, const char *port, const char **labels, size_t *n)
{
	int pi = lc_channel_port_find(ch, port);
	const char *leg = pi >= 0 ? lc_channel_leg_label(ch, lc_channel_port(ch, (size_t)pi)->end,
							 lc_channel_port(ch, (size_t)pi)->leg)
				  : port;
	size_t g = 0;
	while (g < *n && strcmp(labels[g], leg) != 0)
		g++;
	if (g == *n)
		labels[(*n)++] = leg;
	return (int)g;
}

/* The map fiber by fiber, for the certificate's expected-versus-measured table: one line per launch port,
 * "FROM\tEXPECTED\tMEASURED\n", each a port label, or "none" (the design routes it to no port measured),
 * "dark" or "several ports". malloc'ed; NULL when out of memory. */
static char *map_table(const lc_wired_ends *e, const int *map, const int *expected)
{
	size_t cap = 64 * (e->n_launch + 1), used = 0;
	char *t = malloc(cap);
	if (!t)
		return NULL;
	t[0] = '\0';
	for (size_t i = 0; i < e->n_launch; i++) {
		const char *want = expected[i] >= 0 ? e->detect_port[expected[i]] : "none";
		const char *got = map[i] >= 0 ? e->detect_port[map[i]] : map[i] == LC_MAP_MULTI ? "several ports" : "dark";
		int n = snprintf(t + used, cap - used, "%s\t%s\t%s\n", e->launch_port[i], want, got);
		if (n < 0 || (size_t)n >= cap - used)
			break; /* labels are short (LC_PORT_NAME_MAX): 64 bytes a line fit */
		used += (size_t)n;
	}
	return t;
}

/* ctx:fiber_map{wavelength=nm, dark_dbm=-50, relative_db=20} -> verdict name, difference text */
static int ctx_fiber_map(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	double nm = lc_lua_field_number(L, 2, "wavelength", NAN);
	double dark = lc_lua_field_number(L, 2, "dark_dbm", LC_DARK_DBM);
	if (!(nm > 0))
		return luaL_error(L, "fiber_map: wavelength (nm) is required");
	lc_wired_ends e;
	lc_diag d;
	int rc = lc_wired_ends_get(run->setup->station, run->setup->instruments, run->setup->slot, &e, &d);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "fiber_map");
	if (e.n_launch == 0 || e.n_detect == 0) {
		lc_wired_ends_free(&e);
		return luaL_error(L, "fiber_map: slot %d has no source or no meter wired to the DUT", (int)run->setup->slot);
	}
	double *matrix = calloc(e.n_launch * e.n_detect, sizeof(*matrix));
	int *map = calloc(e.n_launch, sizeof(*map)), *expected = calloc(e.n_launch, sizeof(*expected));
	const char **in_l = calloc(e.n_launch, sizeof(*in_l)), **out_l = calloc(e.n_detect, sizeof(*out_l));
	int *group = calloc(e.n_detect, sizeof(*group)), *in_group = calloc(e.n_launch, sizeof(*in_group));
	const char **glabel = calloc(e.n_detect + e.n_launch, sizeof(*glabel));
	lc_instrument **insts = calloc(4 * (e.n_launch + e.n_detect), sizeof(*insts));
	char text[512] = "";
	enum lc_verdict verdict = LC_VERDICT_NONE;
	if (!matrix || !map || !expected || !in_l || !out_l || !group || !in_group || !glabel || !insts) {
		rc = lc_diag_set(&d, LC_ERR_NOMEM, "fiber map");
		goto out;
	}
	size_t ni = 0, ng = 0;
	for (size_t i = 0; i < e.n_launch; i++) {
		in_l[i] = e.launch_port[i];
		lc_instrument *x[2] = {e.launch[i].source, e.launch[i].sw};
		for (int k = 0; k < 2; k++) {
			size_t j = 0;
			while (x[k] && j < ni && insts[j] != x[k])
				j++;
			if (x[k] && j == ni)
				insts[ni++] = x[k];
		}
	}
	for (size_t j = 0; j < e.n_detect; j++) {
		out_l[j] = e.detect_port[j];
		lc_instrument *x[2] = {e.detect[j].meter, e.detect[j].sw};
		for (int k = 0; k < 2; k++) {
			size_t q = 0;
			while (x[k] && q < ni && insts[q] != x[k])
				q++;
			if (x[k] && q == ni)
				insts[ni++] = x[k];
		}
		/* Legs: the detector's DUT port leg ("B2" of "B2:rx"). */
		group[j] = leg_group(run->setup->channel, e.detect_port[j], glabel, &ng);
	}
	for (size_t i = 0; i < e.n_launch; i++)
		in_group[i] = leg_group(run->setup->channel, e.launch_port[i], glabel, &ng);
	lc_wired_expected_map(run->setup->channel, &e, expected);
	lc_wired_lock(insts, ni);
	rc = lc_map_measure(e.launch, e.n_launch, e.detect, e.n_detect, nm, dark, matrix, map, &d);
	lc_wired_unlock(insts, ni);
	if (rc < 0)
		goto out;
	relative_dark(matrix, e.n_launch, e.n_detect, lc_lua_field_number(L, 2, "relative_db", LC_DARK_RELATIVE_DB));
	lc_map_infer(matrix, e.n_launch, e.n_detect, dark, map);
	lc_map_labels labels = {
		.in = in_l, .out = out_l, .out_group = group, .group = glabel, .n_groups = ng, .in_group = in_group};
	int diff = lc_map_describe(map, expected, e.n_launch, e.n_detect, &labels, text, sizeof(text));
	if (diff < 0 && diff != LC_ERR_OVERFLOW) {
		rc = lc_diag_set(&d, diff, "fiber map: cannot describe the difference");
		goto out;
	}
	int wrong = diff == LC_ERR_OVERFLOW ? (int)e.n_launch : diff;
	char found[LC_NAME_MAX] = "";
	bool none_lit = true;
	for (size_t i = 0; i < e.n_launch; i++)
		none_lit &= map[i] == LC_MAP_DARK;
	bool wrong_part = wrong && lc_diagnose_found_part(run, &e, map, found, sizeof(found)) == 1;
	/* No light anywhere: the losses would measure the empty slot, not a fiber of this part. */
	if ((rc = keep_misrouted(run, &e, map, expected, wrong_part || (wrong && none_lit))) < 0) {
		lc_diag_set(&d, rc, "fiber map");
		goto out;
	}
	lc_result_measurement m = {
		.name = "fiber_map",
		.lane = LC_LANE_NONE,
		.value = wrong,
		.unit = "fibers",
		.wavelength_nm = nm,
		.limit = {.low = NAN, .high = 0, .comparison = LC_LIMIT_LE},
		.margin = NAN,
		.verdict = wrong == 0 ? LC_VERDICT_PASS : LC_VERDICT_FAIL,
	};
	verdict = m.verdict;
	int idx = lc_run_record(run, &m, &d);
	if (idx >= 0) {
		lc_result_measurement_extra_string(run->result, idx, "difference", text, NULL);
		char *table = map_table(&e, map, expected);
		if (!table) {
			rc = lc_diag_set(&d, LC_ERR_NOMEM, "fiber map");
			goto out;
		}
		lc_result_measurement_extra_string(run->result, idx, "map", table, NULL);
		free(table);
		char pol[2] = {lc_map_polarity(map, e.n_launch), 0};
		if (pol[0] && e.n_launch == e.n_detect)
			lc_result_measurement_extra_string(run->result, idx, "polarity_type", pol, NULL);
	}
	if (wrong_part) {
		/* The sentence, then the evidence in the room left: the measured map, cut between its clauses, so the
		 * closing parenthesis always fits. */
		size_t cap = sizeof(run->step_reason);
		lc_utf8_printf(run->step_reason, cap, "wrong part: expected %s, found %s (measured map: ",
			       lc_channel_name(run->setup->channel), found);
		size_t used = strlen(run->step_reason);
		size_t room = cap - used - 1; /* the ')' */
		map_evidence(text, run->step_reason + used, room < EVIDENCE_MAX ? room : EVIDENCE_MAX);
		used += strlen(run->step_reason + used);
		if (used + 1 < cap)
			memcpy(run->step_reason + used, ")", 2);
		run->step_rank = LC_DIAGNOSIS_WRONG_PART;
		if (idx >= 0)
			lc_result_measurement_extra_string(run->result, idx, "found_part", found, NULL);
	} else if (wrong && none_lit) {
		/* What was measured and what it can mean; no part is named from the absence of light (an empty slot
		 * and a part whose legs the bench does not reach read the same). It explains every loss not measured
		 * after it, so it outranks them. */
		snprintf(run->step_reason, sizeof(run->step_reason),
			 "no light at any port: the slot is empty, the cable is not seated, or the part is not a %s and "
			 "this bench does not reach its legs",
			 lc_channel_name(run->setup->channel));
		run->step_rank = LC_DIAGNOSIS_CAUSE;
	} else if (wrong) {
		snprintf(run->step_reason, sizeof(run->step_reason), "fiber map: %.200s", text);
		run->step_rank = LC_DIAGNOSIS_MAP;
	}
	rc = idx < 0 ? idx : 0;
out:
	free(matrix), free(map), free(expected), free(in_l), free(out_l), free(group), free(in_group), free(glabel);
	free(insts);
	lc_wired_ends_free(&e);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "fiber_map");
	lua_pushstring(L, lc_verdict_name(verdict));
	lua_pushstring(L, text);
	return 2;
}

/* Polish of the connector at a DUT port: the first component's input side for end A, the last one's output
 * side for end B. */
static enum lc_polish port_polish(const lc_channel *ch, const char *port)
{
	int pi = lc_channel_port_find(ch, port);
	size_t nc = lc_channel_component_count(ch);
	if (pi < 0 || nc == 0)
		return LC_POLISH_NONE;
	const lc_port *p = lc_channel_port(ch, (size_t)pi);
	const lc_component *c = lc_channel_component(ch, p->end == 0 ? 0 : nc - 1);
	return c->conn[p->end == 0 ? 0 : 1].polish;
}

/* ctx:return_loss{wavelength=nm, limit=id} -> worst verdict name. Every connector wired to an RL meter. */
static int ctx_return_loss(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	luaL_checktype(L, 2, LUA_TTABLE);
	double nm = lc_lua_field_number(L, 2, "wavelength", NAN);
	const char *limit_id = lc_lua_field_string(L, 2, "limit", NULL);
	const lc_station *st = run->setup->station;
	lc_rl_port *ports = calloc(st->n_wires ? st->n_wires : 1, sizeof(*ports));
	lc_rl_result *res = calloc(st->n_wires ? st->n_wires : 1, sizeof(*res));
	lc_instrument **insts = calloc(2 * (st->n_wires + 1), sizeof(*insts));
	const lc_limit **lims = calloc(st->n_wires ? st->n_wires : 1, sizeof(*lims));
	size_t n = 0, ni = 0;
	lc_diag d;
	int rc = 0;
	enum lc_verdict worst = LC_VERDICT_NONE;

	if (!(nm > 0) || !ports || !res || !insts || !lims) {
		free(ports), free(res), free(insts), free(lims);
		return luaL_error(L, "return_loss: wavelength (nm) is required");
	}
	for (size_t i = 0; i < st->n_wires; i++) {
		const lc_station_wire *w = &st->wires[i];
		/* only a wire from an RL-meter port: a multi-class mainframe's source port lights the same connector
		 * for IL, and measuring an RL module through it would read the meter's floor, never the DUT */
		if (w->slot != run->setup->slot || w->direction != LC_WIRE_TO_DUT ||
		    !lc_wire_port_class(w, run->setup->instruments, LC_CLASS_RL_METER, NULL, NULL))
			continue;
		if ((rc = lc_wire_rl_port(st, w, run->setup->instruments, &ports[n], &d)) < 0)
			break;
		insts[ni++] = ports[n].meter;
		if (ports[n].sw)
			insts[ni++] = ports[n].sw;
		if (limit_id) {
			lims[n] = run->setup->limits ? lc_limits_find(run->setup->limits, limit_id) : NULL;
		} else {
			lc_limit_query q = {.quantity = LC_Q_RETURN_LOSS,
					    .mode = lc_channel_mode(run->setup->channel),
					    .polish = port_polish(run->setup->channel, w->dut_port)};
			lims[n] = run->setup->limits ? lc_limits_match(run->setup->limits, &q) : NULL;
		}
		if (!lims[n]) {
			rc = lc_diag_set(&d, LC_ERR_NOT_FOUND, "no return-loss limit for %s (%s)", w->dut_port,
					 limit_id ? limit_id : lc_polish_name(port_polish(run->setup->channel, w->dut_port)));
			break;
		}
		n++;
	}
	if (rc == 0 && n == 0)
		rc = lc_diag_set(&d, LC_ERR_NOT_FOUND, "slot %u has no connector wired to a return-loss meter",
				 run->setup->slot);
	/* Each port has its own limit (APC and UPC ends differ): measure port by port. */
	for (size_t i = 0; rc == 0 && i < n; i++) {
		lc_instrument *pi[2] = {ports[i].meter, ports[i].sw};
		size_t k = ports[i].sw ? 2 : 1;
		lc_wired_lock(pi, k);
		rc = lc_rl_measure(&ports[i], 1, nm, lims[i], lc_lua_field_number(L, 2, "uncertainty", 0), &res[i], &d);
		lc_wired_unlock(pi, k);
		if (rc < 0)
			break;
		lc_result_measurement m = {
			.name = "return_loss",
			.lane = (int)i + 1,
			.value = res[i].rl_db,
			.unit = "dB",
			.wavelength_nm = nm,
			.limit = {.low = res[i].limit_db, .high = NAN, .comparison = LC_LIMIT_GE},
			.margin = res[i].margin_db,
			.verdict = res[i].verdict,
		};
		int idx = lc_run_record(run, &m, NULL);
		if (idx >= 0) {
			lc_result_measurement_extra_string(run->result, idx, "port", ports[i].label, NULL);
			lc_record_limit_row(run, idx, lims[i]);
			if (res[i].unconfirmed)
				lc_result_measurement_extra_string(run->result, idx, "limit_status", "unconfirmed", NULL);
		}
		worst = lc_verdict_max(worst, res[i].verdict);
	}
	free(ports), free(res), free(insts), free(lims);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "return_loss");
	lua_pushstring(L, lc_verdict_name(worst));
	return 1;
}

/* ctx:wired_paths("forward"|"reverse") -> how many fibers the station wires through a source and a meter
 * in that direction (0 when none), so procedures measure "both directions where the station is wired". */
static int ctx_wired_paths(lua_State *L)
{
	lc_run *run = lc_run_from_upvalue(L);
	const char *dir = luaL_optstring(L, 2, "forward");
	if (strcmp(dir, "forward") && strcmp(dir, "reverse"))
		return luaL_error(L, "wired_paths: direction must be \"forward\" or \"reverse\", not \"%s\"", dir);
	const struct wired_cache *wc;
	lc_diag d;
	if (!run->setup->channel || !run->setup->station) {
		lua_pushinteger(L, 0);
		return 1;
	}
	int rc = wired(run, strcmp(dir, "reverse") == 0, &wc, &d);
	if (rc < 0)
		return lc_lua_raise(L, run, rc, &d, "wired_paths");
	lua_pushinteger(L, (lua_Integer)wc->n);
	return 1;
}

void lc_lua_add_optical(lua_State *L, lc_run *run)
{
	static const luaL_Reg methods[] = {
		{"wired_paths", ctx_wired_paths},
		{"reference", ctx_reference},	{"insertion_loss", ctx_insertion_loss},
		{"fiber_map", ctx_fiber_map},	{"return_loss", ctx_return_loss},
		{NULL, NULL},
	};
	lua_pushlightuserdata(L, run);
	luaL_setfuncs(L, methods, 1);
}
