/*
 * The fields of an opened instrument, for drivers (instruments/<class>/<model>.c) and the registry only.
 * Drivers keep their own state behind `priv` (allocated in attach, freed in detach).
 */
#ifndef LC_INSTRUMENTS_INSTRUMENT_PRIV_H
#define LC_INSTRUMENTS_INSTRUMENT_PRIV_H

#include <pthread.h>
#include <stdint.h>

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
	char name[64];          /* lc_instrument_opts.name, "" when none */
	bool keep_state;        /* lc_instrument_opts.restore: lc_inst_change remembers what it changes */
	bool has_layout;        /* lc_instrument_opts.layout was given (not NULL, not "") */
	char **undo;            /* commands that put back what lc_inst_change changed, oldest first */
	size_t n_undo;
	uint32_t features_absent; /* bit i: lc_driver.features[i] refused at attach */
	char inventory_note[160]; /* what the driver's last inventory could not ask, "" when nothing (probe shows it) */
};

/* Whether the instrument has the driver's optional feature of that name (instrument.c): false when it refused
 * the feature's probe at attach, or when the driver declares no such feature (a driver's typo must not
 * enable a command the instrument lacks). */
bool lc_inst_has_feature(const lc_instrument *inst, const char *name);

/*
 * Driver helpers (driver_util.c). Each formats one command, runs it on the session and on failure fills
 * diag with "<command>: <session detail>", so every driver reports the same way.
 * After the operation each reads the error queue the way the model's quirk `errors` says (*STB? bit 2, then
 * SYST:ERR?; nothing for a dialect without one): an entry makes the operation fail with LC_ERR_INSTRUMENT and
 * "<command>: -222,"Data out of range"", whether the command caused it or the instrument raised it meanwhile.
 *   lc_inst_write  write
 *   lc_inst_query  write and read one reply (trailing CR and spaces removed); returns its length
 *   lc_inst_query_double  one number; extra_ms adds to the timeout for this query only (averaging time)
 *   lc_inst_check_errors  the error check alone, for drivers that use the session directly (blocks)
 */
int lc_inst_write(lc_instrument *inst, lc_diag *diag, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int lc_inst_check_errors(lc_instrument *inst, const char *after, lc_diag *diag);
int lc_inst_query(lc_instrument *inst, lc_diag *diag, char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
int lc_inst_query_double(lc_instrument *inst, lc_diag *diag, int extra_ms, double *value, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/*
 * A setting a driver needs (a meter's power unit) set to value by "<setting> <value>". When the caller
 * asked for the instrument to be left as found (lc_instrument_opts.restore), "<setting>?" is read first: a
 * setting that already has the value (same number, or same word ignoring case) is not written, and one that
 * changes is remembered as "<setting> <old reply>" for lc_instrument_restore(). Without restore it is one
 * lc_inst_write. Errors: those of lc_inst_query / lc_inst_write; LC_ERR_NOMEM.
 */
int lc_inst_change(lc_instrument *inst, lc_diag *diag, const char *setting, const char *value);
/* Put back what lc_inst_change changed, last first (lc_instrument_restore without the lock and checks). */
int lc_inst_undo(lc_instrument *inst, lc_diag *diag);
/* *OPC? with budget_ms (0: the session's). */
int lc_inst_wait_opc(lc_instrument *inst, lc_diag *diag, int budget_ms, const char *after);
/* Extra timeout for a reading that averages atime_s: quirks.atime_margin x atime_s in ms. */
int lc_inst_atime_extra_ms(const lc_instrument *inst, double atime_s);
/* Parse a number the way SCPI writes it (NR1/NR2/NR3, surrounding spaces); LC_ERR_PROTOCOL otherwise. */
int lc_parse_number(const char *s, double *v);

#endif
