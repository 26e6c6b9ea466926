/*
 * <lanecert/lanecert.h>: the public API of liblanecert, all of it.
 *
 *     #include <lanecert/lanecert.h>      cc prog.c $(pkg-config --cflags --libs lanecert)
 *
 * Topic headers, each usable on its own (it includes what it needs):
 *   <lanecert/base.h>         error codes and detail (lc_diag), the log callback, clocks and deadlines, abort
 *                             flags, atomic files, UTF-8 text; the version (lc_version.h)
 *   <lanecert/hal.h>          the HAL on its own: VISA resource strings, SCPI sessions, I2C adapters, discovery
 *   <lanecert/channel.h>      the channel model: cable types, fiber maps, station files, serial-number
 *                             rules, where fixtures are found
 *   <lanecert/limits.h>       judgement: verdicts, limit sets from the standards, loss budgets (drivers and
 *                             <lanecert/instruments.h> never see it: they return numbers, never verdicts)
 *   <lanecert/instruments.h>  opening an instrument by resource or station role, the driver registry
 *   <lanecert/module_image.h> transceiver / cable-end memory images and their dump files
 *   <lanecert/module.h>       CMIS and SFF-8636 decoding, reading a module over I2C
 *   <lanecert/compat.h>       link compatibility of two module ends
 *   <lanecert/sor.h>          OTDR .sor files (read, write)
 *   <lanecert/otdr.h>         the OTDR event analysis of a trace or a .sor file
 *   <lanecert/results.h>      the result tree, canonical JSON reports, minisign signatures and verification,
 *                             the results store
 *   <lanecert/fleet.h>        the fleet store in PostgreSQL: schema, station keys, queries, the journal's sync
 *   <lanecert/run.h>          certification runs: the Lua procedure engine, the station's instrument set,
 *                             calibration and operator prompts
 * Everything else under the source tree is internal: not installed, not exported (the library is built with
 * -fvisibility=hidden and exports exactly the LC_API declarations of these headers; a test checks it).
 *
 * Each function has its own comment in the manner of libserialport.h: what it returns ("Returns:"), who
 * owns its out-parameters and what they hold on failure, thread safety, and "Since:" (tests/api checks
 * that every function has one).
 *
 * Rules for every function of these headers (a function's own comment says where it differs):
 *
 * Return values. A function returning int returns 0 or a non-negative count on success and a negative
 * LC_ERR_* code on failure (lc_strerror() names it). A short read is LC_ERR_TRUNCATED, never partial data
 * returned as success. A function returning a pointer returns NULL on failure (out of memory, or not found
 * where its comment says so); one returning const char * never returns NULL unless its comment says so.
 *
 * Error detail. A function taking `lc_diag *diag` fills it with the code and a one-line detail on failure;
 * diag may be NULL. On success its contents are unspecified. SCPI sessions also keep the detail of their last
 * failure (lc_scpi_last_detail).
 *
 * Out-parameters. `T **out` of a function that creates an object: on success *out is a new object the caller
 * owns and frees with the matching lc_<type>_free() / _close() (each accepts NULL); on failure there is
 * nothing to free: *out is NULL, or unchanged when the function failed before touching it — test the
 * return value, never *out. A plain struct
 * `T *out` is caller storage: on failure its contents are unspecified unless the comment says otherwise.
 * Buffers `char *buf, size_t cap` are always NUL-terminated when cap > 0; a result that does not fit is an
 * error (LC_ERR_OVERFLOW) or truncated where the comment says so. Memory handed back as `char **` or
 * `void **` (a "malloc'ed" reply, a JSON text) is freed by the caller with free(). JSON crosses the API as
 * such text, never as a jansson value (no public header includes <jansson.h>). `const` pointers returned by
 * an object
 * (names, resource strings, rows) belong to it and stay valid until it is freed or changed.
 *
 * Thread safety. Functions without state (parsers, decoders, math, lc_strerror) are reentrant. An object is
 * used by one thread at a time unless its section says otherwise: an lc_scpi session has its own mutex and may
 * be shared; a loaded station, channel or limit set is read-only after loading and may be read from several
 * threads. The log handler and level are process-wide: install them before starting threads.
 *
 * Versions. Every declaration is available since 0.1 (LC_VERSION_STRING "0.1.0", liblanecert.so.0) unless
 * its comment names a later version. Before 1.0 the API may change between minor versions; the soname and
 * the Debian symbols file track what is exported.
 */
#ifndef LANECERT_LANECERT_H
#define LANECERT_LANECERT_H

#include "base.h"
#include "hal.h"
#include "channel.h"
#include "limits.h"
#include "instruments.h"
#include "module_image.h"
#include "module.h"
#include "compat.h"
#include "sor.h"
#include "otdr.h"
#include "results.h"
#include "fleet.h"
#include "run.h"

#endif
