/*
 * The registry's declarations are public (<lanecert/instruments.h>); the class operations header that
 * every class table starts with is the drivers' own and stays here, with the snapshot it feeds.
 */
#ifndef LC_INSTRUMENTS_REGISTRY_H
#define LC_INSTRUMENTS_REGISTRY_H

#include <jansson.h>

#include <lanecert/instruments.h>

/* The header every class operations table starts with (struct lc_power_meter_ops { lc_class_ops base; ...}). */
struct lc_class_ops {
	enum lc_inst_class cls;
	/* Add this class's view of the instrument to a snapshot object (keys documented per class). Called with
	 * the instrument locked. May be NULL (nothing to add). */
	int (*snapshot)(lc_instrument *inst, json_t *obj, lc_diag *diag);
};

#endif
