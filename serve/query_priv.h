/* What the query backends share (serve/query.h): the adapter from a store's callback to the pages' filter. */
#ifndef LC_SERVE_QUERY_PRIV_H
#define LC_SERVE_QUERY_PRIV_H

#include "serve/query.h"

struct lc_sq_adapter {
	const lc_sq_filter *f;
	lc_sq_row_fn fn;
	void *user;
	int matched;
	int stop; /* the caller's fn's non-zero return, 0 when it never stopped */
};

/* The callback for lc_store_query()/lc_fleet_query() with a struct lc_sq_adapter as user: checks the id, calls
 * the pages' fn. The backend returns adapter.stop when set, else adapter.matched. */
int lc_sq_adapt(const lc_store_row *row, void *user);

/* The fleet backend (query_fleet.c). */
int lc_sq_open_fleet(const char *url, lc_sq **out, lc_diag *diag);

/* lc_store_filter of the pages' filter (what the stores filter themselves). */
static inline lc_store_filter lc_sq_store_filter(const lc_sq_filter *f)
{
	return (lc_store_filter){.serial = f->serial, .since_ms = f->since_ms, .verdict = f->verdict,
				 .station = f->station, .operator_name = f->operator_name, .cable_type = f->cable_type,
				 .serial_prefix = f->serial_prefix, .run_id = f->id,
				 .until_ms = f->until_ms == LC_TIME_NONE ? 0 : f->until_ms, .newest = f->newest};
}

#endif
