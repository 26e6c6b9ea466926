/*
 * <lanecert/instruments.h>: Instruments: opening a station role or resource, the driver registry bound by *IDN?.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_INSTRUMENTS_H
#define LANECERT_INSTRUMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "hal.h"

/* ---- instruments/instrument.h ---- */
/*
 * An opened instrument: its SCPI session, its parsed identity (*IDN?), the driver the registry bound to it,
 * the per-model quirks of that driver, and a mutex so that DUT slots sharing one instrument never interleave
 * two operations.
 *
 *     lc_instrument *pm;
 *     lc_diag d;
 *     if (lc_instrument_open("TCPIP0::10.0.0.7::5025::SOCKET", NULL, &pm, &d) < 0) ... d.text says why
 *     if (lc_instrument_has_class(pm, LC_CLASS_POWER_METER)) lc_power_meter_read_dbm(pm, 1, &dbm, &d);
 *     lc_instrument_close(pm);
 *
 * Classes. One instrument can provide several classes: an 8164B mainframe holds sensors (power meter),
 * sources and return-loss modules at once. lc_instrument_class() is the primary one (the first its driver
 * lists); lc_instrument_class_ops() gives a class's operations table. The class headers
 * (instruments/power_meter/power_meter.h, ...) wrap those tables in lc_<class>_<op>() functions that take the
 * instrument lock, and are what procedures call.
 *
 * An unknown instrument is never guessed: lc_instrument_open() returns LC_ERR_NOT_FOUND with the IDN in the
 * diag (and in opts->idn_out when given).
 *
 * Thread safety: an lc_instrument may be shared by threads. Every lc_<class>_<op>() holds the instrument's
 * (recursive) lock for the whole operation; a caller that needs several operations to be atomic — route a
 * switch, then read a meter behind it — holds lc_instrument_lock() around them. lc_instrument_close() must
 * not race with any other use.
 */




/* Instrument classes. Values are stable (they index driver tables); new classes go before LC_CLASS_COUNT. */
enum lc_inst_class {
	LC_CLASS_NONE = 0,
	LC_CLASS_POWER_METER = 1,
	LC_CLASS_SOURCE = 2,
	LC_CLASS_RL_METER = 3,
	LC_CLASS_SWITCH = 4,
	LC_CLASS_BERT = 5,
	LC_CLASS_OTDR = 6,
	LC_CLASS_MODULE = 7,
	LC_CLASS_COUNT
};

/* "power_meter", "source", "rl_meter", "switch", "bert", "otdr", "module"; "none" otherwise. */
LC_API const char *lc_inst_class_name(enum lc_inst_class c);
/* Parse a class name. Returns the class or LC_ERR_NOT_FOUND. */
LC_API int lc_inst_class_parse(const char *name);

/* A parsed *IDN? reply. vendor is the canonical alias ("Keysight" for "Agilent Technologies"). */
typedef struct lc_idn {
	char vendor[96];
	char vendor_raw[96]; /* as the instrument wrote it, trimmed */
	char model[64];
	char serial[64];
	char firmware[64];
} lc_idn;

/*
 * Per-model quirks, one row of the registry's model table (instruments/models.def). A zero field means
 * "the default" written beside it, so a row names only what differs.
 */
/* How a model reports a command it rejected. The drivers' helpers (driver_util.c) read it after every
 * operation, and the registry drains what was queued before lanecert's first command. */
enum lc_error_queue {
	LC_ERRQ_SCPI = 0, /* IEEE 488.2 / SCPI: *STB? bit 2 set while SYST:ERR? has entries */
	LC_ERRQ_SYST_ERR, /* SYST:ERR? until it answers 0, no status byte (DiCon GP600: not IEEE 488.2) */
	LC_ERRQ_NONE,     /* the dialect documents no way to read errors (AQ7260): nothing to check */
};

typedef struct lc_quirks {
	int timeout_ms;            /* per SCPI operation; 0: 3000 */
	int opc_timeout_ms;        /* *OPC? budget; 0: 10000 */
	enum lc_byte_order block_order; /* byte order of binary blocks (LC_LITTLE_ENDIAN for Keysight 816x/N774x) */
	double atime_margin;       /* read timeout = timeout_ms + atime_margin x averaging time; 0: 1.1 */
	int zero_timeout_ms;       /* budget of a dark-current zero; 0: 30000 */
	bool no_zero;              /* the model cannot zero its sensors */
	int settle_ms;             /* wait after a route / wavelength / output change before a reading; 0: none */
	bool route_readback;       /* read a switch route back after setting it (DiCon: "unreliable" commands) */
	bool route_opc;            /* wait on *OPC? after setting a route (IEEE 488.2 switches) */
	int channels;              /* model-specific channel count (N7744: 4, N7745: 8); 0: driver decides */
	int min_slot, max_slot;    /* mainframe slot numbers (8163: 1..2, 8164: 0..4, 8166: 1..17) */
	enum lc_error_queue errors; /* how the model reports a rejected command (default: the SCPI error queue) */
	size_t max_line;           /* largest text reply (lc_scpi_options.max_line); 0: the session's, 1 MiB */
	size_t max_block;          /* largest block reply (lc_scpi_options.max_reply); 0: the session's, 256 MiB */
} lc_quirks;

typedef struct lc_instrument lc_instrument;

/*
 * Module layout of a mainframe (8163B/8164B/8166B): which slot holds which class. The programming guide
 * documents no command that lists the modules, so the station file says it. Text form, comma-separated:
 *     "1.1:sensor,1.2:sensor,2:source@1310/1550,3:rl@1550,0:tls"
 * slot[.channel]:kind[@nm[/nm]] with kind sensor | source | tls | rl. Parsed by the 816x driver.
 */
typedef struct lc_instrument_opts {
	int timeout_ms;              /* overrides the model's timeout; 0: model quirk */
	const char *layout;          /* mainframe module layout (see above); NULL for single-purpose instruments */
	const char *driver;          /* the station's driver hint (drivers.def name) or NULL: identify with that
	                                driver's identity query only, and refuse another driver's instrument */
	lc_transport_opts transport; /* transport options (serial settings, open timeout) */
	lc_idn *idn_out;             /* optional: receives the IDN, also when no driver matches */
	const char *name;            /* optional: what the station calls it (its role, copied); a failed command
	                                then says "<name> (<model>): <command>: ..." so a run's error names the
	                                instrument, not only the command */
} lc_instrument_opts;

LC_API void lc_instrument_opts_init(lc_instrument_opts *o);

/* Connect to resource, ask *IDN? (or the other identity queries of instruments/identities.def), bind the
 * matching driver and let it attach (read channel counts, set units). opts may be NULL.
 * Unknown IDN: LC_ERR_NOT_FOUND, diag "no driver for IDN '...'". A known model that opts->driver does not
 * serve: LC_ERR_FORMAT ("the station names driver X, but <vendor> <model> is served by Y"): the caller's
 * configuration is wrong, not the instrument. */
LC_API int lc_instrument_open(const char *resource, const lc_instrument_opts *opts, lc_instrument **out, lc_diag *diag);
/* Same on an open session, which the instrument takes over (closed by lc_instrument_close, or here on failure). */
LC_API int lc_instrument_open_scpi(lc_scpi *session, const lc_instrument_opts *opts, lc_instrument **out,
			    lc_diag *diag);
/* Detach the driver and close the session. NULL is allowed. Does not switch sources off: callers do
 * (lc_source_set_output(..., false)) in their cleanup, because only they know which outputs they used. */
LC_API void lc_instrument_close(lc_instrument *inst);

enum lc_inst_class lc_instrument_class(const lc_instrument *inst);
LC_API bool lc_instrument_has_class(const lc_instrument *inst, enum lc_inst_class c);
LC_API const lc_idn *lc_instrument_idn(const lc_instrument *inst);
LC_API const char *lc_instrument_driver_name(const lc_instrument *inst);
LC_API const lc_quirks *lc_instrument_quirks(const lc_instrument *inst);
LC_API lc_scpi *lc_instrument_scpi(lc_instrument *inst);
/*
 * Physical ports. A station wire names the instrument's port as the instrument numbers it physically (an
 * 816x slot, an N774x input, a switch port); class operations take the channel of their class (the 1st
 * source module, the 1st RL module). This gives the class and class channel of a physical port: the
 * driver's answer (a mainframe's module layout), else the primary class with channel = port.
 * LC_ERR_NOT_FOUND (diag names the port) when the instrument has no such port.
 */
LC_API int lc_instrument_port_class(const lc_instrument *inst, unsigned port, enum lc_inst_class *cls, int *channel,
			     lc_diag *diag);

/* The operations table of class c (cast to lc_<class>_ops), or NULL if the driver does not provide it. */
LC_API const void *lc_instrument_class_ops(const lc_instrument *inst, enum lc_inst_class c);

/* Recursive per-instrument lock (see the thread-safety contract above). */
LC_API void lc_instrument_lock(lc_instrument *inst);
LC_API void lc_instrument_unlock(lc_instrument *inst);

/*
 * Snapshot: a JSON object describing the instrument now — {"driver","class","idn":{...}} plus what each
 * class it provides adds (a power meter adds "channels": [{"channel","wavelength_nm","averaging_s",
 * "power_dbm"}], ...). Each class contributes through the snapshot operation of its ops table.
 * Returns a new reference, or NULL with diag set.
 */
LC_API json_t *lc_instrument_snapshot(lc_instrument *inst, lc_diag *diag);

/* ---- instruments/registry.h ---- */
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




/* The header every class operations table starts with; its fields are the drivers' business
 * (instruments/registry.h), so callers see it only as the opaque entries of lc_driver.classes. */
typedef struct lc_class_ops lc_class_ops;

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
LC_API int lc_idn_parse(const char *reply, lc_idn *out, lc_diag *diag);

/* Parse a Yokogawa IDER reply "<company>,<model>(<serial>),<optical module>(<serial>),<software version>"
 * (AQ7260 manual p. 8-60): model and serial from the second field, the module and the version in firmware.
 * A second field without "(serial)" leaves serial empty. LC_ERR_PROTOCOL if company or model is missing. */
LC_API int lc_ider_parse(const char *reply, lc_idn *out, lc_diag *diag);

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

LC_API const lc_identity *lc_registry_identity(const char *name);
LC_API const lc_identity *lc_registry_identity_at(size_t i);
/* Identify the instrument on s. driver_hint (may be NULL or "") names a driver of drivers.def: its identity
 * row is asked alone, and an unknown driver name is LC_ERR_NOT_FOUND. *used (may be NULL) gets the row that
 * was answered, so the caller can check that the driver it binds answers that query (a late *IDN? reply
 * read as the answer to IDER must not bind anything). */
LC_API int lc_registry_identify(lc_scpi *s, const char *driver_hint, lc_idn *idn, const lc_identity **used,
			 lc_diag *diag);

/* The canonical alias of a raw vendor string, or NULL if it is not in vendors.def. */
LC_API const char *lc_vendor_alias(const char *raw);

/* The first model row matching idn (vendor alias and model glob). LC_ERR_NOT_FOUND with the IDN in diag. */
LC_API int lc_registry_match(const lc_idn *idn, const lc_model **model, lc_diag *diag);

/* A driver by name, or NULL. */
LC_API const lc_driver *lc_registry_driver(const char *name);

/* Iteration over the tables (for `lanecert probe --list` and tests). Return NULL past the end. */
LC_API const lc_model *lc_registry_model_at(size_t i);
LC_API const lc_driver *lc_registry_driver_at(size_t i);

/* The effective quirks of a row: zero fields replaced by the defaults documented in lc_quirks. */
LC_API void lc_quirks_effective(const lc_quirks *row, lc_quirks *out);

#endif
