/*
 * JSON built inside the library, handed out as text: the public API returns JSON as a string the caller
 * frees (no jansson type crosses it), while the library builds and tests its values with jansson.
 */
#ifndef LC_INSTRUMENTS_JSON_TEXT_H
#define LC_INSTRUMENTS_JSON_TEXT_H

#include <jansson.h>

#include "base/error.h"

/*
 * The text of j (consumed: its reference is released): two-space indentation, keys in the order they were
 * set, numbers with enough digits to read back the same double. Returns 0 with *out malloc'd (the caller
 * frees), or LC_ERR_NOMEM with *out NULL when j is NULL (a builder ran out of memory) or cannot be dumped.
 */
int lc_json_text(json_t *j, char **out, lc_diag *diag);

#endif
