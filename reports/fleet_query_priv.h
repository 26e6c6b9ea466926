/* The fleet store's query text, for the test that checks the server's plans use an index (as
 * reports/store_priv.h does for SQLite). Thread safety: reentrant. */
#ifndef LC_REPORTS_FLEET_QUERY_PRIV_H
#define LC_REPORTS_FLEET_QUERY_PRIV_H

#include <stddef.h>

#include "reports/fleet.h"

/* The SELECT lc_fleet_query() runs for f (not NULL) into buf; returns its number of parameters ($1 ...). */
int lc_fleet_query_sql(const lc_store_filter *f, char *buf, size_t cap);

#endif
