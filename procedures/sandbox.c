#include "procedures/sandbox.h"

#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LC_LOG_DOMAIN "sandbox"
#include "base/log.h"

/* Registry keys (addresses are unique). */
static const char key_state = 'S';
static const char key_abort_marker = 'A';

struct sandbox_state {
	size_t used;
	const lc_abort_flag *abort_flag;
	int abort_allowed;
	char procedures_dir[512];
};

static struct sandbox_state *state_of(lua_State *L)
{
	void *ud = NULL;
	lua_getallocf(L, &ud);
	return ud;
}

/* Capped allocator: a runaway table in a procedure must not take the station down. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sandbox_state *st = ud;
	size_t old = ptr ? osize : 0;

	if (nsize == 0) {
		st->used -= old;
		free(ptr);
		return NULL;
	}
	if (nsize > old && st->used - old + nsize > LC_SANDBOX_MEMORY_MAX)
		return NULL;
	void *p = realloc(ptr, nsize);
	if (p)
		st->used = st->used - old + nsize;
	return p;
}

static void abort_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	struct sandbox_state *st = state_of(L);
	if (st->abort_allowed && st->abort_flag && *st->abort_flag)
		lc_sandbox_raise_abort(L);
}

int lc_sandbox_raise_abort(lua_State *L)
{
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_abort_marker);
	return lua_error(L);
}

int lc_sandbox_is_abort(lua_State *L, int index)
{
	int idx = lua_absindex(L, index);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &key_abort_marker);
	int same = lua_rawequal(L, idx, -1);
	lua_pop(L, 1);
	return same;
}

void lc_sandbox_allow_abort(lua_State *L, int allow)
{
	struct sandbox_state *st = state_of(L);
	st->abort_allowed = allow;
	lc_abort_arm(allow ? st->abort_flag : NULL);
}

static int valid_module_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int load_result(lua_State *L, int rc, const char *path, lc_diag *diag)
{
	if (rc == LUA_OK)
		return 0;
	const char *msg = lua_tostring(L, -1);
	lc_diag_set(diag, rc == LUA_ERRFILE ? LC_ERR_NOT_FOUND : LC_ERR_FORMAT, "%s", msg ? msg : path);
	lua_pop(L, 1);
	return rc == LUA_ERRFILE ? LC_ERR_NOT_FOUND : LC_ERR_FORMAT;
}

int lc_sandbox_load_file(lua_State *L, const char *path, lc_diag *diag)
{
	return load_result(L, luaL_loadfilex(L, path, "t"), path, diag);
}

int lc_sandbox_load_buffer(lua_State *L, const char *text, size_t len, const char *chunkname, lc_diag *diag)
{
	return load_result(L, luaL_loadbufferx(L, text, len, chunkname, "t"), chunkname, diag);
}

/* require(name): only procedures/lib/<name>.lua, cached in the registry's _LOADED. */
static int sandbox_require(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	struct sandbox_state *st = state_of(L);
	char path[700];
	lc_diag d;

	if (!valid_module_name(name))
		return luaL_error(L, "require: '%s' is not a procedure library name ([a-z0-9_-])", name);
	luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
	lua_getfield(L, -1, name);
	if (!lua_isnil(L, -1))
		return 1;
	lua_pop(L, 1);
	snprintf(path, sizeof(path), "%s/lib/%s.lua", st->procedures_dir, name);
	if (lc_sandbox_load_file(L, path, &d) < 0)
		return luaL_error(L, "require '%s': %s", name, d.text);
	lua_pushstring(L, name);
	lua_call(L, 1, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, -1);
	lua_setfield(L, -3, name);
	return 1;
}

/* load(chunk [, name]) restricted to text chunks and the global environment. */
static int sandbox_load(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *name = luaL_optstring(L, 2, "=(load)");
	if (luaL_loadbufferx(L, s, len, name, "t") != LUA_OK) {
		lua_pushnil(L);
		lua_insert(L, -2);
		return 2;
	}
	return 1;
}

static void open_lib(lua_State *L, const char *name, lua_CFunction fn)
{
	luaL_requiref(L, name, fn, 1);
	lua_pop(L, 1);
}

static void remove_fields(lua_State *L, const char *table, const char *const *fields)
{
	lua_getglobal(L, table);
	for (; *fields; fields++) {
		lua_pushnil(L);
		lua_setfield(L, -2, *fields);
	}
	lua_pop(L, 1);
}

lua_State *lc_sandbox_new(const char *procedures_dir, const lc_abort_flag *abort_flag, lc_diag *diag)
{
	static const char *const base_banned[] = {"dofile", "loadfile", "collectgarbage", NULL};
	static const char *const os_banned[] = {"execute", "exit", "getenv", "remove", "rename", "tmpname",
						"setlocale", NULL};
	struct sandbox_state *st = calloc(1, sizeof(*st));

	if (!st) {
		lc_diag_set(diag, LC_ERR_NOMEM, "sandbox state");
		return NULL;
	}
	st->abort_flag = abort_flag;
	st->abort_allowed = 0; /* the engine allows it (and arms its thread) once the procedure is loaded */
	snprintf(st->procedures_dir, sizeof(st->procedures_dir), "%s", procedures_dir ? procedures_dir : ".");
	lua_State *L = lua_newstate(sandbox_alloc, st);
	if (!L) {
		free(st);
		lc_diag_set(diag, LC_ERR_NOMEM, "lua_newstate");
		return NULL;
	}
	open_lib(L, LUA_GNAME, luaopen_base);
	open_lib(L, LUA_STRLIBNAME, luaopen_string);
	open_lib(L, LUA_TABLIBNAME, luaopen_table);
	open_lib(L, LUA_MATHLIBNAME, luaopen_math);
	open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
	open_lib(L, LUA_COLIBNAME, luaopen_coroutine);
	open_lib(L, LUA_OSLIBNAME, luaopen_os);
	remove_fields(L, LUA_GNAME, base_banned);
	remove_fields(L, LUA_OSLIBNAME, os_banned);
	lua_pushcfunction(L, sandbox_load);
	lua_setglobal(L, "load");
	lua_pushcfunction(L, sandbox_require);
	lua_setglobal(L, "require");

	/* A unique table is the abort marker: no script can forge it. */
	lua_newtable(L);
	lua_pushstring(L, "aborted");
	lua_setfield(L, -2, "message");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_abort_marker);
	lua_pushlightuserdata(L, st);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &key_state);
	lua_sethook(L, abort_hook, LUA_MASKCOUNT, LC_SANDBOX_ABORT_CHECK_INSTRUCTIONS);
	return L;
}

void lc_sandbox_free(lua_State *L)
{
	if (!L)
		return;
	struct sandbox_state *st = state_of(L);
	lua_close(L);
	free(st);
}
