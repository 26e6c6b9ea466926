/*
 * The fields of an opened instrument, for drivers (instruments/<class>/<model>.c) and the registry only.
 * Drivers keep their own state behind `priv` (allocated in attach, freed in detach).
 */
#ifndef LC_INSTRUMENTS_INSTRUMENT_PRIV_H
#define LC_INSTRUMENTS_INSTRUMENT_PRIV_H

#include <pthread.h>

#include "instruments/instrument.h"
#include "instruments/registry.h"

struct lc_instrument {
	lc_scpi *scpi;
	lc_idn idn;
	const lc_driver *driver;
	const lc_model *model;
	lc_quirks quirks;       /* effective: defaults filled in */
	pthread_mutex_t lock;   /* recursive */
	void *priv;             /* the driver's */
};

/* Run a query with its timeout raised by the model's averaging margin: timeout_ms + margin x atime_s. */
int lc_instrument_query_double_atime(lc_instrument *inst, const char *cmd, double atime_s, double *value);

#endif
