/*
 * The Lua 5.4 sandbox procedures run in.
 *
 * A procedure gets the safe parts of the standard library (base without dofile/loadfile and with text-only
 * `load`, string, table, math, utf8, coroutine, and os.time/os.clock/os.date) and nothing that reaches the
 * file system or other processes: no io, no os.execute/remove/rename/exit/getenv, no debug, no package.
 * `require(name)` loads only procedures/lib/<name>.lua, with name limited to [a-z0-9_-].
 * Memory is capped (LC_SANDBOX_MEMORY_MAX), and a hook lets the host abort a running script (Ctrl-C).
 *
 * Thread safety: a lua_State belongs to one thread; each slot of a run has its own.
 */
#ifndef LC_PROCEDURES_SANDBOX_H
#define LC_PROCEDURES_SANDBOX_H

#include <lua.h>
#include <signal.h>

#include "base/abort.h"
#include "base/error.h"

#define LC_SANDBOX_MEMORY_MAX (256u * 1024u * 1024u)

/* Instructions between two looks at the abort flag: a few microseconds of Lua, so a script loop notices
 * Ctrl-C at once while the check costs nothing measurable. */
#define LC_SANDBOX_ABORT_CHECK_INSTRUCTIONS 1000

/* procedures_dir: the folder holding lib/ for require(). abort_flag (may be NULL): when it becomes non-zero,
 * the running script raises the abort marker at the next hook (every LC_SANDBOX_ABORT_CHECK_INSTRUCTIONS
 * instructions), and the library's waits on this thread (base/abort.h) return LC_ERR_ABORTED while aborting
 * is allowed (lc_sandbox_allow_abort). */
lua_State *lc_sandbox_new(const char *procedures_dir, const lc_abort_flag *abort_flag, lc_diag *diag);
void lc_sandbox_free(lua_State *L);

/* True if the error value on top of the stack is the sandbox's abort marker. */
int lc_sandbox_is_abort(lua_State *L, int index);

/* Suspend or resume aborting (cleanup must run to its end even after Ctrl-C): the hook, and the abort flag
 * armed on the calling thread for the library's waits (lc_abort_arm). The engine allows it while a
 * procedure's setup and steps run, and disallows it before any cleanup and before it returns. */
void lc_sandbox_allow_abort(lua_State *L, int allow);

/* Raise the abort marker from a C function called by the script (a wait that returned LC_ERR_ABORTED), so
 * the step ends `aborted`, not `error`. Never returns. */
int lc_sandbox_raise_abort(lua_State *L);

/* Load a file as a chunk in text mode (binary chunks are refused). Pushes the chunk on success. */
int lc_sandbox_load_file(lua_State *L, const char *path, lc_diag *diag);
/* The same for bytes already read (the engine hashes the exact bytes it runs); chunkname as Lua's ("@path"). */
int lc_sandbox_load_buffer(lua_State *L, const char *text, size_t len, const char *chunkname, lc_diag *diag);

#endif
