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
	LC_CLASS_SUPPLY = 8, /* a programmable DC supply feeding a module (instruments/supply/supply.h); since 0.1 */
	LC_CLASS_COUNT
};

/*
 * The name of a class: "power_meter", "source", "rl_meter", "switch", "bert", "otdr", "module", "supply".
 *
 * Returns: a static string, never NULL: "none" for LC_CLASS_NONE and values outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_inst_class_name(enum lc_inst_class c);
/*
 * Parse a class name as lc_inst_class_name() spells it (case-insensitive; "none" is not a class).
 *
 * Returns: the class (> 0); LC_ERR_NOT_FOUND for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
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
	size_t max_line;             /* overrides the model's largest text reply (lc_quirks.max_line); 0: the
	                                model's, else the session's 1 MiB */
	size_t max_block;            /* overrides the model's largest block reply (lc_quirks.max_block); 0: the
	                                model's, else the session's 256 MiB */
	bool restore;                /* leave the instrument as found: every setting attach changes (a meter's
	                                power unit) is read first, and lc_instrument_restore() puts it back */
} lc_instrument_opts;

/*
 * Default options: every field zero (the model's timeouts, no driver hint, no name) and
 * lc_transport_opts_init() for the transport.
 *
 * Returns: nothing.
 * Thread safety: o belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_instrument_opts_init(lc_instrument_opts *o);

/*
 * Open the SCPI session for resource (VISA syntax), identify the instrument (*IDN?, or the identity query
 * of the driver opts->driver names), bind the matching driver and let it attach (read channel counts, set
 * units). Errors already queued in the instrument are read and cleared first. opts may be NULL.
 *
 * Returns: 0 with *out a new instrument the caller frees with lc_instrument_close(); LC_ERR_ARG for a NULL
 * resource or out, or a bad resource string; the errors of lc_scpi_open() (LC_ERR_IO, LC_ERR_TIMEOUT,
 * LC_ERR_NOT_FOUND ...); LC_ERR_TIMEOUT when no identity query is answered; LC_ERR_PROTOCOL for a garbled
 * identity; LC_ERR_NOT_FOUND for an identity no driver knows (diag "no driver for IDN '...'") or an
 * unknown opts->driver; LC_ERR_FORMAT when opts->driver names another driver than the one serving that
 * model (the configuration is wrong, not the instrument); LC_ERR_INSTRUMENT when errors were pending in its
 * queue; the driver's attach errors (diag prefixed "<driver> <model>: "); LC_ERR_NOMEM. On failure *out is
 * NULL (when out is not NULL) and the session is closed.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_instrument_open(const char *resource, const lc_instrument_opts *opts, lc_instrument **out, lc_diag *diag);
/*
 * lc_instrument_open() on an open session, which the instrument takes over: it is closed by
 * lc_instrument_close(), or here on any failure (also for a NULL out).
 *
 * Returns: as lc_instrument_open(); LC_ERR_ARG for a NULL session or out. On failure *out is NULL (when
 * out is not NULL) and session is closed.
 * Thread safety: session must not be used by another thread meanwhile.
 * Since: 0.1
 */
LC_API int lc_instrument_open_scpi(lc_scpi *session, const lc_instrument_opts *opts, lc_instrument **out,
			    lc_diag *diag);
/*
 * Detach the driver and close the session (NULL is allowed). It does not switch sources off: callers do
 * (lc_source_set_output(..., false)) in their cleanup, because only they know which outputs they used.
 *
 * Returns: nothing.
 * Thread safety: must not race with other use of inst.
 * Since: 0.1
 */
LC_API void lc_instrument_close(lc_instrument *inst);
/*
 * Put back every setting the driver changed since opening, for an instrument opened with opts->restore (a
 * meter's power unit, which attach sets to W): the commands run last first, each even after another failed;
 * once the session is gone (LC_ERR_IO, LC_ERR_TIMEOUT) the rest are dropped. Afterwards nothing is left to
 * restore, so a second call does nothing; lc_instrument_close() never restores. An instrument opened
 * without opts->restore has nothing to put back. `lanecert probe` calls it, on its error paths too, so that
 * probing only reads.
 *
 * Returns: 0; LC_ERR_ARG for a NULL inst; the first failure of a restoring command (diag "restoring a
 * setting: <command>: ..."), e.g. LC_ERR_INSTRUMENT when the instrument refused it.
 * Thread safety: takes the instrument's lock.
 * Since: 0.1
 */
LC_API int lc_instrument_restore(lc_instrument *inst, lc_diag *diag);

/*
 * The instrument's class: the first class of its driver's tables that it provides (a mainframe: the first of
 * its modules' classes).
 *
 * Returns: the class; LC_CLASS_NONE for a NULL inst or one that provides none.
 * Thread safety: any thread while inst is open.
 * Since: 0.1
 */
LC_API enum lc_inst_class lc_instrument_class(const lc_instrument *inst);
/*
 * Whether inst provides class c: its driver has a table for c and, for a mainframe, a module of that class
 * is fitted (the driver's has_class).
 *
 * Returns: true or false (false for a NULL inst).
 * Thread safety: reentrant for an open instrument.
 * Since: 0.1
 */
LC_API bool lc_instrument_has_class(const lc_instrument *inst, enum lc_inst_class c);
/*
 * The identity the instrument gave when it was opened (vendor alias, raw manufacturer, model, serial,
 * firmware).
 *
 * Returns: a pointer owned by inst, valid until lc_instrument_close(); NULL for a NULL inst.
 * Thread safety: reentrant (it never changes after opening).
 * Since: 0.1
 */
LC_API const lc_idn *lc_instrument_idn(const lc_instrument *inst);
/*
 * The name of the driver bound to inst ("keysight_n774x").
 *
 * Returns: a static string, never NULL: "none" for a NULL inst.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_instrument_driver_name(const lc_instrument *inst);
/*
 * The effective quirks of the instrument's model row (defaults filled in, timeouts from opts applied).
 *
 * Returns: a pointer owned by inst, valid until lc_instrument_close(); NULL for a NULL inst.
 * Thread safety: reentrant (it never changes after opening).
 * Since: 0.1
 */
LC_API const lc_quirks *lc_instrument_quirks(const lc_instrument *inst);
/*
 * The instrument's SCPI session, for commands the drivers do not offer (lanecert scpi does its own).
 *
 * Returns: the session, owned by inst (never close it); NULL for a NULL inst.
 * Thread safety: the session has its own mutex; hold lc_instrument_lock() around a sequence of commands
 * that must not interleave with a driver's.
 * Since: 0.1
 */
LC_API lc_scpi *lc_instrument_scpi(lc_instrument *inst);
/*
 * Physical ports. A station wire names the instrument's port as the instrument numbers it physically (an
 * 816x slot, an N774x input, a switch port, 1-based); class operations take the channel of their class (the
 * 1st source module, the 1st RL module). This gives the class and class channel of physical port `port`:
 * the driver's answer (a mainframe's module layout), else the primary class with channel = port.
 *
 * Returns: 0 with *cls and *channel set; LC_ERR_ARG for a NULL argument or port 0; LC_ERR_NOT_FOUND (diag
 * names the port) when the instrument has no such port. On failure *cls and *channel are unspecified.
 * Thread safety: reentrant for an open instrument.
 * Since: 0.1
 */
LC_API int lc_instrument_port_class(const lc_instrument *inst, unsigned port, enum lc_inst_class *cls, int *channel,
			     lc_diag *diag);

/*
 * The operations table of class c, to cast to lc_<class>_ops.
 *
 * Returns: the driver's constant table, or NULL when inst does not provide c (lc_instrument_has_class()).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const void *lc_instrument_class_ops(const lc_instrument *inst, enum lc_inst_class c);

/*
 * Take the instrument's recursive lock, so that a sequence of operations from one DUT slot is not
 * interleaved with another slot's (the driver operations take it themselves for each call).
 *
 * Returns: nothing.
 * Thread safety: the lock is recursive; every lock needs its lc_instrument_unlock() on the same thread.
 * Since: 0.1
 */
LC_API void lc_instrument_lock(lc_instrument *inst);
/*
 * Release the lock taken by lc_instrument_lock().
 *
 * Returns: nothing.
 * Thread safety: called on the thread that holds the lock.
 * Since: 0.1
 */
LC_API void lc_instrument_unlock(lc_instrument *inst);

/*
 * Snapshot: JSON text of an object describing the instrument now — {"driver","class","idn":{...},
 * "classes":[...]} plus what each class it provides adds (a power meter adds "channels": [{"channel",
 * "wavelength_nm","averaging_s","power_dbm"}], ...), read from the instrument with inst locked; keys in that
 * order, two-space indentation, numbers with the digits that read back the same double. An instrument opened
 * without a layout whose driver can ask for its modules (lc_driver.inventory: an 816x mainframe, an MP1900A)
 * adds "modules": [{"unit","slot","model","detail","layout"}] from the instrument's own answers. A driver
 * with optional features (lc_driver.features) adds "features": {"<name>": true|false} as detected at attach.
 *
 * Returns: 0 with *json malloc'd and NUL-terminated (the caller frees it with free()); LC_ERR_ARG for a NULL
 * inst or json; LC_ERR_NOMEM; or the error of the class that could not read its state, or of the module
 * query that failed (diag says which: "listing the modules: ...").
 * On failure *json is NULL (when json is not NULL).
 * Thread safety: takes the instrument lock.
 * Since: 0.1
 */
LC_API int lc_instrument_snapshot(lc_instrument *inst, char **json, lc_diag *diag);
/*
 * The i-th optional feature of the instrument's driver (lc_driver.features order), as detected at attach:
 * *name its name ("zero"), valid while the driver table is (the life of the program).
 *
 * Returns: 1 when the instrument has it, 0 when it refused the feature's probe (absent); LC_ERR_NOT_FOUND
 * past the last feature; LC_ERR_ARG for a NULL inst or name. *name is untouched on failure.
 * Thread safety: reentrant (the result is fixed at attach).
 * Since: 0.1
 */
LC_API int lc_instrument_feature_at(const lc_instrument *inst, size_t i, const char **name);

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

/* One module an instrument reports installed (lc_driver.inventory): what its own identification queries
 * answer, so `lanecert probe` without a layout can show what is there. */
typedef struct lc_inst_module {
	unsigned unit;       /* the mainframe unit (Anritsu :UENT:ID); 0 where the instrument has none */
	unsigned slot;       /* the slot as the instrument numbers it */
	char model[32];      /* "81634B", "MU196040A": as the instrument answers, spaces trimmed */
	char detail[128];    /* the rest of the answer: "vendor, serial, firmware", or the Anritsu reply's tail */
	char layout[48];     /* this module's part of a station layout when the model tells it ("2:sensor",
			      * "1:source@NM" with NM to fill in), "" when it does not */
} lc_inst_module;

/* An optional feature a driver detects at attach (lc_driver.features): present when the instrument answers
 * the probe query, absent when it refuses it with a command or execution error (-113 Undefined header...).
 * The instrument then works without it (a driver that uses the feature falls back or says the operation
 * is unsupported); lanecert probe and the report's instrument entry show what is absent. */
typedef struct lc_inst_feature {
	const char *name;  /* "zero", "read_all": the name probe and the report show */
	const char *probe; /* a query that only reads (":SENS1:CORR:COLL:ZERO?") */
	bool block;        /* the probe's reply is an IEEE 488.2 definite block */
} lc_inst_feature;

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
	/* Ask the instrument which modules it has (a mainframe's or a BERT's own identification queries): up
	 * to cap of them into out, slot order; returns the count or the failed query's error. Run by
	 * lc_instrument_snapshot() when the instrument was opened without a layout. NULL: nothing to ask. */
	int (*inventory)(lc_instrument *inst, lc_inst_module *out, size_t cap, lc_diag *diag);
	/* A layout this driver takes, as an example for an error message ("1:source@1310/1550,2:sensor");
	 * NULL when it takes none. */
	const char *layout_example;
	/* The commands the operations need that attach does not send itself, as read-only queries from the
	 * dialect (instrument-dialects.md), sent in order before attach (attach's own commands fail it the same
	 * way when refused). NULL-terminated; NULL: none. One the instrument refuses fails the open with
	 * LC_ERR_INSTRUMENT "requires ':X?': ... the instrument refused ':X?' (-113 Undefined header)", so a
	 * missing command stops the instrument at attach, not in the middle of a run. Since 0.1. */
	const char *const *required;
	/* The optional features it detects after the required queries, ended by a row whose name is NULL;
	 * NULL: none. At most 32. Since 0.1. */
	const lc_inst_feature *features;
} lc_driver;

/* One row of models.def. */
typedef struct lc_model {
	const char *vendor;   /* canonical vendor alias */
	const char *pattern;  /* fnmatch(3) glob on the IDN model field, case-insensitive */
	const char *driver;   /* lc_driver.name */
	lc_quirks quirks;
} lc_model;

/*
 * Parse an *IDN? reply "<mfr>,<model>,<serial>,<fw>" (spaces and quotes around fields trimmed, fields
 * longer than out's arrays cut, commas after the third kept in firmware). The vendor is mapped through
 * vendors.def (unknown vendors keep their raw name).
 *
 * Returns: 0 with *out filled; LC_ERR_ARG for a NULL reply or out; LC_ERR_PROTOCOL for fewer than two
 * fields or an empty manufacturer or model. On failure *out is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_idn_parse(const char *reply, lc_idn *out, lc_diag *diag);

/*
 * Parse a Yokogawa IDER reply "<company>,<model>(<serial>),<optical module>(<serial>),<software version>"
 * (AQ7260 manual p. 8-60): model and serial from the second field, the module and the version in firmware.
 * A second field without "(serial)" leaves serial empty.
 *
 * Returns: 0 with *out filled; LC_ERR_ARG for a NULL reply or out; LC_ERR_PROTOCOL when company or model
 * is missing or the serial's '(' is not closed. On failure *out is unspecified.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_ider_parse(const char *reply, lc_idn *out, lc_diag *diag);

/*
 * Identity queries, one row per way an instrument says who it is (instruments/identities.def):
 *     LC_IDENTITY(idn,  "*IDN?", lc_idn_parse)    IEEE 488.2
 *     LC_IDENTITY(ider, "IDER",  lc_ider_parse)   Yokogawa legacy OTDRs (not SCPI)
 * lc_registry_identify() asks the row of the hinted driver (lc_driver.identity) when the station names one
 * (and the other rows only when that one is not answered or refused); without a hint it asks the rows in
 * order and takes the first that is answered: an instrument that does not know a query stays silent (a
 * timeout of the session's timeout_ms), so non-SCPI instruments cost one timeout per earlier row when no
 * hint is given.
 */
typedef struct lc_identity {
	const char *name;
	const char *query;
	int (*parse)(const char *reply, lc_idn *out, lc_diag *diag);
} lc_identity;

/*
 * The identity query named name in identities.def ("idn", "ider").
 *
 * Returns: the constant row, or NULL for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const lc_identity *lc_registry_identity(const char *name);
/*
 * Row i of identities.def, for iteration.
 *
 * Returns: the constant row, or NULL past the end.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const lc_identity *lc_registry_identity_at(size_t i);
/*
 * Identify the instrument on s. driver_hint (may be NULL or "") names a driver of drivers.def: its identity
 * row is asked first, and only when it is not answered or refused the other rows in order, so that a
 * station naming a driver of another family (IDER for a SCPI instrument) learns who answered and can
 * refuse the driver rather than time out. Without a hint each row of identities.def is asked in order: silence (a timeout)
 * moves on, an answer (even a malformed one) ends the search. *used (used may be NULL) gets the row that
 * was answered, so the caller can check that the driver it binds answers that query (a late *IDN? reply
 * read as the answer to IDER must not bind anything).
 *
 * Returns: 0 with *idn filled; LC_ERR_ARG for a NULL s or idn; LC_ERR_NOT_FOUND for an unknown
 * driver_hint; LC_ERR_TIMEOUT when no query is answered (with a hint: the hinted row's code and diagnostic,
 * LC_ERR_INSTRUMENT when the instrument refused it); LC_ERR_PROTOCOL for a garbled or unparseable
 * answer; the session's errors (LC_ERR_IO, LC_ERR_CLOSED ...). On failure *idn is unspecified and *used is
 * the row that answered, or NULL.
 * Thread safety: as the session.
 * Since: 0.1
 */
LC_API int lc_registry_identify(lc_scpi *s, const char *driver_hint, lc_idn *idn, const lc_identity **used,
			 lc_diag *diag);

/*
 * The canonical alias of a raw vendor string ("Agilent Technologies" -> "Keysight"), case-insensitive.
 *
 * Returns: a static string, or NULL for NULL or a vendor that is not in vendors.def.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_vendor_alias(const char *raw);

/*
 * The first model row of models.def matching idn (vendor alias, then the model glob, case-insensitive).
 *
 * Returns: 0 with *model the constant row; LC_ERR_ARG for a NULL idn or model; LC_ERR_NOT_FOUND with the
 * IDN in diag when no row matches (*model NULL).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_registry_match(const lc_idn *idn, const lc_model **model, lc_diag *diag);

/*
 * A driver of drivers.def by name.
 *
 * Returns: the constant driver, or NULL for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const lc_driver *lc_registry_driver(const char *name);

/*
 * Row i of models.def, for iteration (`lanecert probe --list`, tests).
 *
 * Returns: the constant row, or NULL past the end.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const lc_model *lc_registry_model_at(size_t i);
/*
 * Driver i of drivers.def, for iteration.
 *
 * Returns: the constant driver, or NULL past the end.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const lc_driver *lc_registry_driver_at(size_t i);

/*
 * The effective quirks of a model row: *out is a copy of *row with zero fields replaced by the defaults
 * documented in lc_quirks.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_quirks_effective(const lc_quirks *row, lc_quirks *out);

#endif
