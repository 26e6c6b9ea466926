/*
 * References kept between runs: a reference taken at the start of a shift is used until it expires, so it is
 * written to a file with its method, wavelength, time, cords, validity and one power per path.
 *
 *   {"format": "lanecert-reference/1", "method": "1-jumper", "wavelength_nm": 1310,
 *    "taken_unix": 1795000000, "valid_s": 28800, "cords": "trc-mpo,trc-lc",
 *    "instruments": "source=Keysight 8163B #MY1; meter=Thorlabs PM100USB #P1", "ref_dbm": [-3.012, -3.108]}
 *
 * Reading validates every key (LC_ERR_FORMAT naming the key); whether the reference is still usable is
 * lc_reference_check()'s question. Files appear atomically (temporary name, fsync, rename).
 *
 * Thread safety: reentrant.
 */
#ifndef LC_INSTRUMENTS_MEASURE_REFERENCE_JSON_H
#define LC_INSTRUMENTS_MEASURE_REFERENCE_JSON_H

#include <jansson.h>

#include "procedures/measure/reference.h"

#define LC_REFERENCE_FORMAT "lanecert-reference/1"

/* A new JSON object, or NULL (out of memory, or a non-finite power: such a reference is never stored). */
json_t *lc_reference_to_json(const lc_reference *ref);
int lc_reference_from_json(const json_t *obj, const char *origin, lc_reference *out, lc_diag *diag);
int lc_reference_save(const lc_reference *ref, const char *path, lc_diag *diag);
int lc_reference_load(const char *path, lc_reference *out, lc_diag *diag);

#endif
