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
#ifndef LC_INSTRUMENTS_INSTRUMENT_H
#define LC_INSTRUMENTS_INSTRUMENT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/error.h"
#include "hal/scpi.h"

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
const char *lc_inst_class_name(enum lc_inst_class c);
/* Parse a class name. Returns the class or LC_ERR_NOT_FOUND. */
int lc_inst_class_parse(const char *name);

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

void lc_instrument_opts_init(lc_instrument_opts *o);

/* Connect to resource, ask *IDN? (or the other identity queries of instruments/identities.def), bind the
 * matching driver and let it attach (read channel counts, set units). opts may be NULL.
 * Unknown IDN: LC_ERR_NOT_FOUND, diag "no driver for IDN '...'". A known model that opts->driver does not
 * serve: LC_ERR_FORMAT ("the station names driver X, but <vendor> <model> is served by Y"): the caller's
 * configuration is wrong, not the instrument. */
int lc_instrument_open(const char *resource, const lc_instrument_opts *opts, lc_instrument **out, lc_diag *diag);
/* Same on an open session, which the instrument takes over (closed by lc_instrument_close, or here on failure). */
int lc_instrument_open_scpi(lc_scpi *session, const lc_instrument_opts *opts, lc_instrument **out,
			    lc_diag *diag);
/* Detach the driver and close the session. NULL is allowed. Does not switch sources off: callers do
 * (lc_source_set_output(..., false)) in their cleanup, because only they know which outputs they used. */
void lc_instrument_close(lc_instrument *inst);

enum lc_inst_class lc_instrument_class(const lc_instrument *inst);
bool lc_instrument_has_class(const lc_instrument *inst, enum lc_inst_class c);
const lc_idn *lc_instrument_idn(const lc_instrument *inst);
const char *lc_instrument_driver_name(const lc_instrument *inst);
const lc_quirks *lc_instrument_quirks(const lc_instrument *inst);
lc_scpi *lc_instrument_scpi(lc_instrument *inst);
/*
 * Physical ports. A station wire names the instrument's port as the instrument numbers it physically (an
 * 816x slot, an N774x input, a switch port); class operations take the channel of their class (the 1st
 * source module, the 1st RL module). This gives the class and class channel of a physical port: the
 * driver's answer (a mainframe's module layout), else the primary class with channel = port.
 * LC_ERR_NOT_FOUND (diag names the port) when the instrument has no such port.
 */
int lc_instrument_port_class(const lc_instrument *inst, unsigned port, enum lc_inst_class *cls, int *channel,
			     lc_diag *diag);

/* The operations table of class c (cast to lc_<class>_ops), or NULL if the driver does not provide it. */
const void *lc_instrument_class_ops(const lc_instrument *inst, enum lc_inst_class c);

/* Recursive per-instrument lock (see the thread-safety contract above). */
void lc_instrument_lock(lc_instrument *inst);
void lc_instrument_unlock(lc_instrument *inst);

/*
 * Snapshot: a JSON object describing the instrument now — {"driver","class","idn":{...}} plus what each
 * class it provides adds (a power meter adds "channels": [{"channel","wavelength_nm","averaging_s",
 * "power_dbm"}], ...). Each class contributes through the snapshot operation of its ops table.
 * Returns a new reference, or NULL with diag set.
 */
json_t *lc_instrument_snapshot(lc_instrument *inst, lc_diag *diag);

#endif
