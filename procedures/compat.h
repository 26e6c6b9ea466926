/*
 * Link compatibility of two module ends (the public part is in <lanecert/compat.h>: lc_compat_check,
 * lc_link_profile_of, lc_compat_json). It lives on the procedures floor because it judges the ends against a
 * cable of the channel model (fixtures/); the drivers and decoders under instruments/ never do.
 */
#ifndef LC_PROCEDURES_COMPAT_H
#define LC_PROCEDURES_COMPAT_H

#include <jansson.h>

#include <lanecert/compat.h>

/* The JSON of lc_compat_json() as a value: a new reference, or NULL when out of memory. */
json_t *lc_compat_to_json(const lc_compat_result *r);

#endif
