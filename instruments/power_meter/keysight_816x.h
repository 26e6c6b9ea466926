/*
 * Keysight 8163B/8164B/8166B mainframe: the module layout the station file gives (instrument.h,
 * lc_instrument_opts.layout). Parsed separately so it can be tested without an instrument.
 * Lives beside the power-meter driver because the mainframe's sensors are its most common use; the same
 * driver also provides the source and RL-meter classes.
 *
 * Thread safety: reentrant; the struct is plain data.
 */
#ifndef LC_INSTRUMENTS_KEYSIGHT_816X_H
#define LC_INSTRUMENTS_KEYSIGHT_816X_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define LC_816X_MAX_MODULES 34
#define LC_816X_MAX_WL 4

enum lc_816x_kind { LC_816X_SENSOR = 1, LC_816X_SOURCE, LC_816X_TLS, LC_816X_RL };

typedef struct lc_816x_module {
	enum lc_816x_kind kind;
	int slot, chan;                 /* chan 1 unless written slot.chan */
	int n_wl;                       /* fixed wavelengths (source, rl) */
	double wl_nm[LC_816X_MAX_WL];
	double min_nm, max_nm;          /* tls@min-max */
	bool wavsel;                    /* "!wavsel": select λ with :SOUR<n>:WAV LOWER|UPPER (UNCONFIRMED) */
} lc_816x_module;

typedef struct lc_816x_layout {
	int n;
	lc_816x_module m[LC_816X_MAX_MODULES];
} lc_816x_layout;

/* Parse "slot[.chan]:kind[@nm[/nm...]|@min-max][!wavsel],..." with slots in min_slot..max_slot.
 * NULL or "" gives an empty layout. LC_ERR_ARG with the bad item in diag. */
int lc_816x_layout_parse(const char *text, int min_slot, int max_slot, lc_816x_layout *out, lc_diag *diag);

/* The modules the mainframe reports, slot by slot (:SLOT<n>:EMPT?, :SLOT<n>:IDN?): lc_driver.inventory. */
struct lc_instrument;
struct lc_inst_module;
int lc_816x_inventory(struct lc_instrument *inst, struct lc_inst_module *out, size_t cap, lc_diag *diag);

#endif
