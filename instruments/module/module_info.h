/*
 * The decoded module (declared in <lanecert/module.h>) as a jansson value, for the library's own JSON
 * (lc_module_snapshot) and tests; the public lc_module_info_json() hands out its text.
 */
#ifndef LC_MODULE_INFO_H
#define LC_MODULE_INFO_H

#include <jansson.h>

#include <lanecert/module.h>

/* docs/module.md "JSON": a new reference, or NULL when out of memory. */
json_t *lc_module_info_to_json(const lc_module_info *m);

#endif
