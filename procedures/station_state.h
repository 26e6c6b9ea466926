/*
 * The files a station keeps between runs in its state folder (`lanecert run --state`, the station's
 * state_dir): kept power references (procedures/lua_optical.c) and the golden-cable baseline and check
 * (procedures/golden.h). One name scheme for all of them, so that a station's name never leaves the folder.
 *
 * Thread safety: reentrant. Since 0.1.
 */
#ifndef LC_PROCEDURES_STATION_STATE_H
#define LC_PROCEDURES_STATION_STATE_H

#include <stddef.h>

#include "base/error.h"

/* "<dir>/<station>-<what>.json" into buf, the station's name made a plain file name (every byte outside
 * A-Za-z0-9_- becomes '_'). LC_ERR_ARG without a folder or station, LC_ERR_OVERFLOW when it does not fit. */
int lc_station_state_path(const char *dir, const char *station, const char *what, char *buf, size_t cap,
			  lc_diag *diag);

#endif
