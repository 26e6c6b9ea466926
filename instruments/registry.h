/*
 * The driver registry: *IDN? → vendor alias → model pattern → driver, with the per-model quirks in the same
 * data table (never in `if` chains).
 *
 *   instruments/vendors.def  LC_VENDOR("Agilent Technologies", "Keysight")   raw vendor (case-insensitive) → alias
 *   instruments/models.def   LC_MODEL("Keysight", "N7745[AC]", keysight_n774x, .channels = 8, ...)
 *                            vendor alias, model glob (fnmatch, case-insensitive), driver, quirk fields
 *   instruments/drivers.def  LC_DRIVER(keysight_n774x)     one line per driver (extern const lc_driver lc_driver_<x>)
 *
 * A new driver of any class (bert, otdr, module) adds one line to drivers.def, one row per model family to
 * models.def (and a vendor alias if new); nothing else here changes. The first matching model row wins, so
 * specific patterns go before general ones.
 *
 * Drivers. A driver is a set of class operation tables (power_meter, source, ...), each beginning with an
 * lc_class_ops header, plus attach/detach hooks that run once per opened instrument. Driver code includes
 * instruments/instrument_priv.h for the instrument's fields (session, quirks, private state).
 *
 * Thread safety: the tables are constant; every function here is reentrant.
 */
#ifndef LC_INSTRUMENTS_REGISTRY_H
#define LC_INSTRUMENTS_REGISTRY_H

#include <stddef.h>

#include <jansson.h>

#include "instruments/instrument.h"

/* The header every class operations table starts with (struct lc_power_meter_ops { lc_class_ops base; ...}). */
typedef struct lc_class_ops {
	enum lc_inst_class cls;
	/* Add this class's view of the instrument to a snapshot object (keys documented per class). Called with
	 * the instrument locked. May be NULL (nothing to add). */
	int (*snapshot)(lc_instrument *inst, json_t *obj, lc_diag *diag);
} lc_class_ops;

typedef struct lc_driver {
	const char *name;        /* "keysight_n774x": the file name and the models.def key */
	const char *description; /* "Keysight N7744/N7745 multiport power meter" */
	/* NULL-terminated list of class tables; the first is the primary class. A mainframe driver whose
	 * classes depend on the modules fitted lists them all and answers LC_ERR_UNSUPPORTED per operation
	 * where none is fitted (lc_instrument_has_class() asks has_class below). */
	const lc_class_ops *const *classes;
	/* Once after the IDN matched: allocate inst->priv, read capabilities, set units. May be NULL. */
	int (*attach)(lc_instrument *inst, const lc_instrument_opts *opts, lc_diag *diag);
	/* Free inst->priv. May be NULL. Must not fail or block long: it runs in cleanup. */
	void (*detach)(lc_instrument *inst);
	/* Whether this instrument, as attached, provides class c (NULL: every class in `classes`). */
	bool (*has_class)(const lc_instrument *inst, enum lc_inst_class c);
	/* The identities.def row its instruments answer (NULL: "idn", IEEE 488.2 *IDN?). */
	const char *identity;
	/* Which class and which channel of that class a physical port is (the port as the instrument numbers
	 * it, as a station wire's instrument_port names it). NULL: every port is the primary class's channel of
	 * the same number. A mainframe answers from its module layout. LC_ERR_NOT_FOUND for a port it lacks. */
	int (*port_class)(const lc_instrument *inst, unsigned port, enum lc_inst_class *cls, int *channel);
	/* Parse a station layout (lc_instrument_opts.layout) without an instrument, so a station file is refused
	 * before anything is opened: 0, or LC_ERR_ARG naming the bad part. What only the instrument can tell
	 * (a mainframe model's slot range, an empty BERT slot) is checked again at attach. NULL: the driver takes
	 * no layout. */
	int (*check_layout)(const char *layout, lc_diag *diag);
} lc_driver;

/* One row of models.def. */
typedef struct lc_model {
	const char *vendor;   /* canonical vendor alias */
	const char *pattern;  /* fnmatch(3) glob on the IDN model field, case-insensitive */
	const char *driver;   /* lc_driver.name */
	lc_quirks quirks;
} lc_model;

/* Parse an *IDN? reply "<mfr>,<model>,<serial>,<fw>" (spaces around fields trimmed, fields after the fourth
 * kept in firmware). The vendor is mapped through vendors.def (unknown vendors keep their raw name).
 * LC_ERR_PROTOCOL if fewer than two fields or an empty manufacturer/model. */
int lc_idn_parse(const char *reply, lc_idn *out, lc_diag *diag);

/* Parse a Yokogawa IDER reply "<company>,<model>(<serial>),<optical module>(<serial>),<software version>"
 * (AQ7260 manual p. 8-60): model and serial from the second field, the module and the version in firmware.
 * A second field without "(serial)" leaves serial empty. LC_ERR_PROTOCOL if company or model is missing. */
int lc_ider_parse(const char *reply, lc_idn *out, lc_diag *diag);

/*
 * Identity queries, one row per way an instrument says who it is (instruments/identities.def):
 *     LC_IDENTITY(idn,  "*IDN?", lc_idn_parse)    IEEE 488.2
 *     LC_IDENTITY(ider, "IDER",  lc_ider_parse)   Yokogawa legacy OTDRs (not SCPI)
 * lc_registry_identify() asks the row of the hinted driver (lc_driver.identity) when the station names one;
 * without a hint it asks the rows in order and takes the first that is answered: an instrument that does not
 * know a query stays silent (a timeout of the session's timeout_ms), so non-SCPI instruments cost one
 * timeout per earlier row when no hint is given.
 */
typedef struct lc_identity {
	const char *name;
	const char *query;
	int (*parse)(const char *reply, lc_idn *out, lc_diag *diag);
} lc_identity;

const lc_identity *lc_registry_identity(const char *name);
const lc_identity *lc_registry_identity_at(size_t i);
/* Identify the instrument on s. driver_hint (may be NULL or "") names a driver of drivers.def: its identity
 * row is asked alone, and an unknown driver name is LC_ERR_NOT_FOUND. *used (may be NULL) gets the row that
 * was answered, so the caller can check that the driver it binds answers that query (a late *IDN? reply
 * read as the answer to IDER must not bind anything). */
int lc_registry_identify(lc_scpi *s, const char *driver_hint, lc_idn *idn, const lc_identity **used,
			 lc_diag *diag);

/* The canonical alias of a raw vendor string, or NULL if it is not in vendors.def. */
const char *lc_vendor_alias(const char *raw);

/* The first model row matching idn (vendor alias and model glob). LC_ERR_NOT_FOUND with the IDN in diag. */
int lc_registry_match(const lc_idn *idn, const lc_model **model, lc_diag *diag);

/* A driver by name, or NULL. */
const lc_driver *lc_registry_driver(const char *name);

/* Iteration over the tables (for `lanecert probe --list` and tests). Return NULL past the end. */
const lc_model *lc_registry_model_at(size_t i);
const lc_driver *lc_registry_driver_at(size_t i);

/* The effective quirks of a row: zero fields replaced by the defaults documented in lc_quirks. */
void lc_quirks_effective(const lc_quirks *row, lc_quirks *out);

#endif
