#include "procedures/engine.h"

#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fixtures/date.h"
#include "base/atomic_file.h"
#include "procedures/cable_identity.h"
#include "procedures/channel_digest.h"
#include "procedures/diagnosis.h"
#include "procedures/run_priv.h"
#include "procedures/sandbox.h"
#include "base/utf8.h"

#define LC_LOG_DOMAIN "engine"
#include "base/log.h"

#ifndef LC_DATA_DIR
#define LC_DATA_DIR "/usr/local/share/lanecert"
#endif

#ifdef LC_SOURCE_DIR /* only the checkout look-up needs it; a package build (LC_CHECKOUT_DATA=OFF) has none */
static int is_dir(const char *p)
{
	struct stat st;
	return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}
#endif

const char *lc_procedures_dir(const char *explicit_dir)
{
	const char *env = getenv("LANECERT_PROCEDURES");
	if (explicit_dir && *explicit_dir)
		return explicit_dir;
	if (env && *env)
		return env;
#ifdef LC_SOURCE_DIR /* the checkout this was built from (LC_CHECKOUT_DATA); never the working directory */
	if (is_dir(LC_SOURCE_DIR "/procedures/lib"))
		return LC_SOURCE_DIR "/procedures";
#endif
	return LC_DATA_DIR "/procedures";
}

bool lc_procedure_name_valid(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return n > 0 && n < 64 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

int lc_procedure_path(const char *dir, const char *name, char *buf, size_t cap, lc_diag *diag)
{
	struct stat st;

	if (!name || !*name)
		return lc_diag_set(diag, LC_ERR_ARG, "no procedure named");
	/* A name, never a path: "../../etc/passwd" must not become Lua. */
	if (!lc_procedure_name_valid(name))
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "'%.80s' is not a procedure name ([a-z0-9-]+)", name);
	int n = snprintf(buf, cap, "%s/%s.lua", lc_procedures_dir(dir), name);
	if (n < 0 || (size_t)n >= cap)
		return lc_diag_set(diag, LC_ERR_ARG, "procedure path too long");
	if (stat(buf, &st) != 0 || !S_ISREG(st.st_mode))
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no procedure '%s' in %.150s", name, lc_procedures_dir(dir));
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int grow_names(char ***names, size_t *cap)
{
	size_t want = *cap ? 2 * *cap : 32;
	char **p = realloc(*names, want * sizeof(*p));
	if (!p)
		return LC_ERR_NOMEM;
	*names = p;
	*cap = want;
	return 0;
}

/* Every installed procedure, however many: the list grows (it once stopped at 64 names and cut the text at
 * the caller's buffer, silently). */
int lc_procedure_list(const char *dir, char **out, lc_diag *diag)
{
	const char *d = lc_procedures_dir(dir);
	char **names = NULL, *text = NULL;
	size_t n = 0, cap = 0, len = 0;
	int rc = 0;

	if (!out)
		return lc_diag_set(diag, LC_ERR_ARG, "lc_procedure_list: NULL out");
	DIR *dh = opendir(d);
	if (!dh)
		return lc_diag_set(diag, LC_ERR_NOT_FOUND, "cannot read the procedures folder %.180s", d);
	for (struct dirent *e; rc == 0 && (e = readdir(dh));) {
		size_t l = strlen(e->d_name);
		if (l <= 4 || strcmp(e->d_name + l - 4, ".lua") != 0)
			continue;
		char *name = strndup(e->d_name, l - 4);
		if (!name) {
			rc = lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
		} else if (!lc_procedure_name_valid(name)) {
			free(name);
		} else if (n == cap && grow_names(&names, &cap) < 0) {
			free(name);
			rc = lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
		} else {
			names[n++] = name;
			len += strlen(name) + 2;
		}
	}
	closedir(dh);
	if (rc == 0 && !(text = malloc(len + 1)))
		rc = lc_diag_set(diag, LC_ERR_NOMEM, "out of memory");
	if (rc == 0) {
		qsort(names, n, sizeof(names[0]), cmp_names);
		text[0] = '\0';
		for (size_t i = 0, at = 0; i < n; i++)
			at += (size_t)sprintf(text + at, "%s%s", i ? ", " : "", names[i]);
		*out = text;
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc < 0 ? rc : (int)n;
}

/* The procedure file's bytes, read once: the same bytes are hashed into the result and run. */
static int load_procedure(lc_run *run, lc_diag *diag)
{
	const lc_run_setup *s = run->setup;
	int rc;
	if (s->procedure_file) {
		struct stat st;
		if ((size_t)snprintf(run->path, sizeof(run->path), "%s", s->procedure_file) >= sizeof(run->path))
			return lc_diag_set(diag, LC_ERR_ARG, "procedure file path too long");
		if (stat(run->path, &st) != 0 || !S_ISREG(st.st_mode))
			return lc_diag_set(diag, LC_ERR_NOT_FOUND, "no procedure file %.200s", run->path);
	} else if ((rc = lc_procedure_path(s->procedures_dir, s->procedure, run->path, sizeof(run->path), diag)) < 0) {
		return rc;
	}
	char *text = NULL, chunk[sizeof(run->path) + 1], sha[LC_SHA256_HEX_LEN + 1];
	size_t len = 0;
	if ((rc = lc_read_file(run->path, 1u << 20, &text, &len, diag)) < 0)
		return rc;
	lc_result_sha256_hex(text, len, sha);
	snprintf(chunk, sizeof(chunk), "@%s", run->path);
	if ((rc = lc_result_set_procedure_file(run->result, s->procedure_file != NULL, sha, diag)) == 0)
		rc = lc_sandbox_load_buffer(run->L, text, len, chunk, diag);
	free(text);
	return rc;
}

/* Message handler: keep the abort marker as it is, turn anything else into a string with its position. */
static int message_handler(lua_State *L)
{
	if (lc_sandbox_is_abort(L, 1))
		return 1;
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	lua_pushstring(L, msg);
	return 1;
}

enum call_outcome { CALL_OK = 0, CALL_ERROR, CALL_ABORTED };

/* Call the function on top of the stack with ctx as argument, protected. On failure, the detail is in buf. */
static enum call_outcome call_protected(lc_run *run, int ctx_index, char *buf, size_t cap)
{
	lua_State *L = run->L;
	int base = lua_gettop(L);
	lua_pushcfunction(L, message_handler);
	lua_insert(L, base);
	lua_pushvalue(L, ctx_index);
	run->last_error = 0;
	int rc = lua_pcall(L, 1, 0, base);
	enum call_outcome out = CALL_OK;
	if (rc != LUA_OK) {
		if (lc_sandbox_is_abort(L, -1)) {
			snprintf(buf, cap, "aborted by the operator");
			out = CALL_ABORTED;
		} else {
			/* The operator reads the words; the chunk position and error name are for whoever debugs. */
			const char *msg = lua_tostring(L, -1);
			lc_dbg("slot %u, step '%s': %s", run->setup->slot, run->step_name ? run->step_name : "-",
			       msg ? msg : "error");
			/* A Lua error may quote an instrument's reply: valid UTF-8, cut on a character. */
			char plain[1024];
			lc_operator_text(msg ? msg : "error", plain, sizeof(plain));
			lc_utf8_printf(buf, cap, "%s", plain);
			out = CALL_ERROR;
		}
		lua_pop(L, 1);
	}
	lua_remove(L, base);
	return out;
}

/* The procedure table must have a name and a list of steps, each with a name and a main function. */
static int validate_procedure(lua_State *L, int t, const char *path, lc_diag *diag)
{
	if (!lua_istable(L, t))
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: must return a table (got %s)", path, luaL_typename(L, t));
	lua_getfield(L, t, "name");
	int ok = lua_type(L, -1) == LUA_TSTRING;
	lua_pop(L, 1);
	if (!ok)
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: field 'name' must be a string", path);
	lua_getfield(L, t, "steps");
	if (!lua_istable(L, -1) || luaL_len(L, -1) < 1) {
		lua_pop(L, 1);
		return lc_diag_set(diag, LC_ERR_FORMAT, "%s: field 'steps' must be a non-empty list", path);
	}
	lua_Integer n = luaL_len(L, -1);
	for (lua_Integer i = 1; i <= n; i++) {
		lua_geti(L, -1, i);
		if (!lua_istable(L, -1)) {
			lua_pop(L, 2);
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: steps[%lld] is not a table", path, (long long)i);
		}
		lua_getfield(L, -1, "name");
		lua_getfield(L, -2, "main");
		ok = lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1);
		lua_pop(L, 3);
		if (!ok) {
			lua_pop(L, 1);
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: steps[%lld] needs a string 'name' and a function 'main'",
					   path, (long long)i);
		}
	}
	lua_pop(L, 1);
	for (const char *const *f = (const char *const[]){"setup", "cleanup", NULL}; *f; f++) {
		lua_getfield(L, t, *f);
		ok = lua_isnil(L, -1) || lua_isfunction(L, -1);
		lua_pop(L, 1);
		if (!ok)
			return lc_diag_set(diag, LC_ERR_FORMAT, "%s: field '%s' must be a function", path, *f);
	}
	return 0;
}

static int check_roles(lc_run *run, int t, lc_diag *diag)
{
	lua_State *L = run->L;
	int rc = 0;
	lua_getfield(L, t, "requires");
	if (lua_istable(L, -1)) {
		lua_Integer n = luaL_len(L, -1);
		for (lua_Integer i = 1; i <= n && rc == 0; i++) {
			lua_geti(L, -1, i);
			const char *role = lua_tostring(L, -1);
			if (!role)
				rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s: requires[%lld] is not a string", run->path,
						 (long long)i);
			else if (!lc_instrument_set_get(run->setup->instruments, role))
				rc = lc_diag_set(diag, LC_ERR_NOT_FOUND,
						 "procedure needs the role '%s', which the station '%s' does not have", role,
						 run->setup->station ? run->setup->station->name : "?");
			lua_pop(L, 1);
		}
	} else if (!lua_isnil(L, -1)) {
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s: 'requires' must be a list of roles", run->path);
	}
	lua_pop(L, 1);
	return rc;
}

#define MAX_REQUIRED_ROLES 16

/* Before anything is measured: record the instruments, then refuse a run that would use one past its
 * calibration due date unless the operator accepted it (procedures/calibration.h), or that the station's
 * golden-cable check does not allow (procedures/golden.h). */
static int check_validity(lc_run *run, int proc, lc_diag *diag)
{
	const lc_run_setup *s = run->setup;
	lua_State *L = run->L;
	char names[MAX_REQUIRED_ROLES][LC_NAME_MAX];
	const char *roles[MAX_REQUIRED_ROLES];
	size_t n = 0;
	if (!s->instruments || !s->station)
		return 0;
	lua_getfield(L, proc, "requires");
	if (lua_istable(L, -1))
		for (lua_Integer i = 1; i <= luaL_len(L, -1) && n < MAX_REQUIRED_ROLES; i++) {
			lua_geti(L, -1, i);
			snprintf(names[n], sizeof(names[n]), "%s", lua_tostring(L, -1)); /* check_roles: a string */
			roles[n] = names[n];
			n++;
			lua_pop(L, 1);
		}
	lua_pop(L, 1);
	lc_run_calibration cal = {.today = lc_date_of_wall_ms(lc_result_wall_ms()),
				  .reason = s->accept_expired_calibration,
				  .slot = s->slot,
				  .roles = roles,
				  .n_roles = n};
	int rc = lc_instrument_set_record(s->instruments, s->station, &cal, run->result, diag);
	if (rc == 0)
		rc = lc_calibration_check(&cal, s->station, diag);
	if (rc == 0 && s->golden_block)
		rc = lc_diag_set(diag, LC_ERR_STATE, "%s", s->golden_block);
	return rc;
}

/* Run an optional function field (procedure setup/cleanup, step cleanup). Returns the outcome. */
static enum call_outcome run_optional(lc_run *run, int table, const char *field, int ctx, char *buf, size_t cap)
{
	lua_getfield(run->L, table, field);
	if (!lua_isfunction(run->L, -1)) {
		lua_pop(run->L, 1);
		return CALL_OK;
	}
	return call_protected(run, ctx, buf, cap);
}

static void tell_step_end(lc_run *run, const char *name, enum lc_verdict v, const char *detail)
{
	if (run->setup->events.step_end)
		run->setup->events.step_end(run->setup->events.user, run->setup->slot, name, v, detail);
}

/* The operator asked to abort. A step in progress notices it in its waits and the Lua hook; a step whose
 * C work ended without a wait, or the gap between steps, is checked here: once asked, no step ends as if
 * nothing happened, and no further step starts. */
static bool abort_requested(const lc_run *run)
{
	return run->setup->abort_flag && *run->setup->abort_flag;
}

/* One step: main, then its cleanup whatever happened. Returns the outcome of main (or of cleanup). */
static enum call_outcome run_step(lc_run *run, int steps, lua_Integer i, lua_Integer total, int ctx)
{
	lua_State *L = run->L;
	char detail[512] = "";
	char cdetail[512] = "";
	lc_diag d;

	lua_geti(L, steps, i);
	int step_t = lua_gettop(L);
	lua_getfield(L, step_t, "name");
	char name[128];
	lc_utf8_printf(name, sizeof(name), "%s", lua_tostring(L, -1));
	lua_pop(L, 1);

	run->step = lc_result_add_step(run->result, name, lc_result_wall_ms(), &d);
	if (run->step < 0) {
		lua_pop(L, 1);
		lc_err("slot %u: step '%s': %s", run->setup->slot, name, lc_diag_message(&d));
		return CALL_ERROR;
	}
	run->step_name = name;
	run->step_verdict = LC_VERDICT_NONE;
	run->step_reason[0] = '\0';
	run->step_rank = LC_DIAGNOSIS_PLAIN;
	if (run->setup->events.step_start)
		run->setup->events.step_start(run->setup->events.user, run->setup->slot, name, (size_t)i - 1,
					      (size_t)total);

	lua_getfield(L, step_t, "main");
	enum call_outcome out = call_protected(run, ctx, detail, sizeof(detail));
	if (out == CALL_OK && abort_requested(run)) {
		out = CALL_ABORTED;
		snprintf(detail, sizeof(detail), "aborted by the operator");
	}

	lc_sandbox_allow_abort(L, 0);
	enum call_outcome cout = run_optional(run, step_t, "cleanup", ctx, cdetail, sizeof(cdetail));
	lc_sandbox_allow_abort(L, 1);

	if (out == CALL_OK)
		lc_diagnose_step(run);
	enum lc_verdict v = run->step_verdict;
	const char *why = run->step_reason[0] ? run->step_reason : NULL;
	if (out == CALL_ABORTED) {
		v = lc_verdict_max(v, LC_VERDICT_ABORTED);
		why = detail;
	} else if (out == CALL_ERROR) {
		v = lc_verdict_max(v, LC_VERDICT_ERROR);
		why = detail;
	}
	if (cout != CALL_OK) {
		v = lc_verdict_max(v, LC_VERDICT_ERROR);
		if (out == CALL_OK) {
			lc_utf8_printf(detail, sizeof(detail), "cleanup: %s", cdetail);
			why = detail;
		}
	}
	char full[640];
	if (why && (out != CALL_OK || cout != CALL_OK)) {
		lc_utf8_printf(full, sizeof(full), "step '%s': %s", name, why);
		why = full;
	}
	lc_result_end_step(run->result, run->step, v, lc_result_wall_ms(), why, NULL);
	enum lc_verdict sv = lc_result_step_verdict(run->result, (size_t)run->step);
	lc_diagnose_keep(run, sv, why);
	tell_step_end(run, name, sv, why);
	if (out == CALL_ABORTED) /* the operator's choice, not a fault */
		lc_warn("slot %u: %s", run->setup->slot, why);
	else if (out != CALL_OK)
		lc_err("slot %u: %s", run->setup->slot, why);
	run->step = -1;
	run->step_name = NULL;
	lua_pop(L, 1);
	if (out != CALL_OK)
		return out;
	return cout;
}

static int record_dut(lc_run *run, lc_diag *diag)
{
	const lc_run_setup *s = run->setup;
	char digest[LC_SHA256_HEX_LEN + 1] = "";
	if (s->channel)
		lc_channel_digest(s->channel, s->limits, digest); /* "" when it could not be made: shown as absent */
	lc_result_dut dut = {
		.cable_type = s->cable_type ? s->cable_type : (s->channel ? lc_channel_name(s->channel) : "unknown"),
		.serial = s->serial,
		.slot = (int)s->slot,
		.channel_digest = digest[0] ? digest : NULL,
		.attempt = s->attempt,
	};
	int rc = lc_result_set_dut(run->result, &dut, diag);
	if (rc == 0 && s->channel)
		rc = lc_cable_identity_record(s->channel, run->result, diag);
	return rc;
}

/* Finish a run that could not start. */
static int fail_start(lc_run *run, int rc, lc_diag *diag)
{
	lc_result_finish(run->result, LC_VERDICT_ERROR, lc_result_wall_ms(), lc_diag_message(diag), NULL);
	return rc;
}

int lc_procedure_check_file(const char *procedures_dir, const char *path, lc_diag *diag)
{
	if (!path)
		return lc_diag_set(diag, LC_ERR_ARG, "no procedure file");
	char *text = NULL, chunk[1100];
	size_t len = 0;
	int rc = lc_read_file(path, 1u << 20, &text, &len, diag);
	if (rc < 0)
		return rc;
	/* No instruments and no ctx: a procedure's top level only builds its table (steps run later, with ctx). */
	lua_State *L = lc_sandbox_new(lc_procedures_dir(procedures_dir), NULL, diag);
	if (!L) {
		free(text);
		return LC_ERR_NOMEM;
	}
	snprintf(chunk, sizeof(chunk), "@%s", path);
	rc = lc_sandbox_load_buffer(L, text, len, chunk, diag);
	free(text);
	if (rc == 0) {
		lua_pushcfunction(L, message_handler);
		lua_insert(L, -2);
		if (lua_pcall(L, 0, 1, -2) != LUA_OK)
			rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s", lua_tostring(L, -1));
		else
			rc = validate_procedure(L, lua_gettop(L), path, diag);
	}
	lc_sandbox_free(L);
	return rc;
}

int lc_procedure_run(const lc_run_setup *setup, lc_result *result, lc_diag *diag)
{
	lc_run run = {.setup = setup, .result = result, .step = -1};
	char detail[512];
	int rc;

	lc_result_start(result, lc_result_wall_ms(), NULL);
	/* as every refusal to start: the result is finished (verdict error, the reason), never left open */
	if (!setup->serial || !*setup->serial)
		return fail_start(&run, lc_diag_set(diag, LC_ERR_ARG, "no DUT serial number"), diag);
	if ((rc = record_dut(&run, diag)) < 0)
		return fail_start(&run, rc, diag);
	if (setup->operator_name && (rc = lc_result_set_operator(result, setup->operator_name, diag)) < 0)
		return fail_start(&run, rc, diag);
	if (setup->station) {
		const char *station_id = setup->station->station_id[0] ? setup->station->station_id : NULL;
		if ((rc = lc_result_set_station(result, setup->station->name, station_id, diag)) < 0)
			return fail_start(&run, rc, diag);
	}

	run.L = lc_sandbox_new(lc_procedures_dir(setup->procedures_dir), setup->abort_flag, diag);
	if (!run.L)
		return fail_start(&run, LC_ERR_NOMEM, diag);
	lua_State *L = run.L;
	if ((rc = load_procedure(&run, diag)) < 0)
		goto out;
	lua_pushcfunction(L, message_handler);
	lua_insert(L, -2);
	if (lua_pcall(L, 0, 1, -2) != LUA_OK) {
		rc = lc_diag_set(diag, LC_ERR_FORMAT, "%s", lua_tostring(L, -1));
		goto out;
	}
	lua_remove(L, -2);
	int proc = lua_gettop(L);
	if ((rc = validate_procedure(L, proc, run.path, diag)) < 0 || (rc = check_roles(&run, proc, diag)) < 0)
		goto out;
	lua_getfield(L, proc, "name");
	lua_getfield(L, proc, "version");
	lc_result_set_procedure(result, lua_tostring(L, -2), lua_tostring(L, -1), NULL);
	lua_pop(L, 2);
	if ((rc = check_validity(&run, proc, diag)) < 0)
		goto out;

	lc_lua_push_ctx(L, &run);
	int ctx = lua_gettop(L);
	enum lc_verdict run_verdict = LC_VERDICT_NONE;
	char reason[640] = "";

	lc_sandbox_allow_abort(L, 1);
	enum call_outcome out = run_optional(&run, proc, "setup", ctx, detail, sizeof(detail));
	if (out != CALL_OK) {
		run_verdict = out == CALL_ABORTED ? LC_VERDICT_ABORTED : LC_VERDICT_ERROR;
		lc_utf8_printf(reason, sizeof(reason), "setup: %s", detail);
		lc_err("slot %u: %s", setup->slot, reason);
	}
	lua_getfield(L, proc, "steps");
	int steps = lua_gettop(L);
	lua_Integer total = luaL_len(L, steps);
	for (lua_Integer i = 1; i <= total && out == CALL_OK; i++)
		out = abort_requested(&run) ? CALL_ABORTED : run_step(&run, steps, i, total, ctx);
	if (out == CALL_ABORTED && run_verdict == LC_VERDICT_NONE) {
		run_verdict = LC_VERDICT_ABORTED;
		snprintf(reason, sizeof(reason), "aborted by the operator");
	}
	lua_pop(L, 1);

	/* Cleanup runs to its end: Ctrl-C no longer interrupts the script. */
	lc_sandbox_allow_abort(L, 0);
	if (run_optional(&run, proc, "cleanup", ctx, detail, sizeof(detail)) != CALL_OK) {
		run_verdict = lc_verdict_max(run_verdict, LC_VERDICT_ERROR);
		if (!reason[0])
			lc_utf8_printf(reason, sizeof(reason), "cleanup: %s", detail);
		lc_err("slot %u: cleanup: %s", setup->slot, detail);
	}
	if (!reason[0])
		lc_utf8_printf(reason, sizeof(reason), "%s", lc_diagnose_run_reason(&run));
	lc_result_finish(result, run_verdict, lc_result_wall_ms(), reason[0] ? reason : NULL, NULL);
	rc = 0;
out:
	/* Every lc_result_* call above and in the Lua bindings is checked here at once: the result remembers its
	 * first failure and already counts it as an error of the run (reports/result.h). */
	if (lc_result_failure(result))
		lc_err("slot %u: %s", setup->slot, lc_result_failure(result));
	if (rc < 0)
		fail_start(&run, rc, diag);
	lc_sandbox_allow_abort(L, 0); /* this thread's waits are no longer the run's */
	lc_lua_optical_free(&run);
	lc_sandbox_free(run.L);
	return rc;
}
