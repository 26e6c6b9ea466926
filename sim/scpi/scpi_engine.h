/*
 * The simulator's instrument-side SCPI engine: what a simulated instrument is built on.
 *
 * An instrument creates one engine, registers its command patterns with handlers, and hands the engine to
 * one or more endpoints (sim/net/endpoint.h: raw socket, VXI-11, pseudo-terminal). The engine
 * parses program messages, matches headers, checks and converts parameters, runs the IEEE 488.2 common
 * commands and status registers and keeps the SCPI-99 error queue; the handlers only do the instrument.
 *
 * Patterns (SCPI manual notation):
 *   "[SENSe#]:POWer:WAVelength"   upper case = short form, lower-case tail = rest of the long form;
 *                                 "[...]" an optional node; "#" a numeric suffix (SENS2, CHAN1; default 1);
 *   "*IDN"                        common commands: registering one overrides the built-in.
 * One pattern serves both forms: `set` runs for "SENS2:POW:WAV 1550NM", `query` for "SENS2:POW:WAV?"
 * (either may be NULL: that form is then an undefined header, -113). Patterns never end in '?'.
 *
 * Messages: units separated by ';' continue at the tree level of the previous header (";UNIT DBM" after
 * "SENS:POW:WAV 1550NM" is SENS:POW:UNIT), ";:" and ";*" restart at the root. The replies of the queries of
 * one message are joined with ';' into one response message; the endpoint appends its terminator.
 * A command error (-1xx: syntax, undefined header, bad parameter) discards the rest of the message; an
 * execution error (a handler's -2xx) does not.
 *
 * Parameters are parsed before the handler runs: decimal numbers with optional unit suffix (1550NM,
 * -10DBM, 100MS, 2.5E-3W, 10GHZ; converted to the base unit, see lc_sim_param), #H/#Q/#B numbers, MIN /
 * MAX / DEF (and MINimum, MAXimum, DEFault), booleans (ON/OFF/1/0), character data (DBM, Watt, NONE),
 * quoted strings ('..' or "..", doubled quotes inside), definite (#NLLL..) or indefinite (#0..) blocks and
 * expressions in parentheses ("(@1,2)").
 * Handlers read them through the lc_sim_arg_* helpers, which push the right SCPI error themselves.
 *
 * Handler contract: return 0 on success, or an SCPI error number (-222, -224, or a positive device-specific
 * code): the engine pushes it with its standard text and drops the unit's reply. lc_sim_fail() pushes a
 * custom text and returns the code, so `return lc_sim_fail(c, -222, "%g nm", nm);` reads naturally.
 * A handler may block to model instrument time (lc_sim_spend()); it runs with the engine's lock held, so
 * other connections to the same instrument wait, as on a real instrument, while other instruments do not.
 *
 * Status model (IEEE 488.2): ESR bits 0 OPC, 2 QYE, 3 DDE, 4 EXE, 5 CME set from the class of each pushed
 * error; STB bit 2 EAV = error queue not empty, bit 4 MAV = output waiting (known to the endpoint), bit 5
 * ESB = ESR & ESE, bit 6 MSS = STB & SRE. *CLS clears ESR and the error queue; *RST calls the instrument's
 * reset callback and does not clear the queue (SCPI-99).
 *
 * Error queue (SCPI-99, as libscpi): FIFO of error_queue_size entries (default 30); when it is full the
 * last entry is replaced by -350,"Queue overflow" and the new error is dropped. SYST:ERR[:NEXT]? pops
 * `-113,"Undefined header"` or `0,"No error"`; SYST:ERR:COUNt? and SYST:ERR:ALL? are built in too.
 *
 * Query rules kept simple (documented for client writers): the engine answers each message as soon as it
 * is parsed. Message-based endpoints (VXI-11) keep the reply until it is read; a new message arriving
 * while a reply is unread discards it and pushes -410 "Query INTERRUPTED"; a read with no reply pending
 * pushes -420 "Query UNTERMINATED". Byte-stream endpoints (socket, pty) write replies immediately.
 *
 * Example (a power meter channel's wavelength, 1250..1650 nm, default 1550 nm):
 *
 *     static const lc_sim_numspec wav = {"M", 1250e-9, 1650e-9, 1550e-9};
 *     static int wav_set(lc_sim_call *c, void *user) {
 *             struct meter *m = user;
 *             int ch = lc_sim_suffix(c, 0);                 // SENS3 -> 3, SENS -> 1
 *             if (ch < 1 || ch > m->channels)
 *                     return lc_sim_fail(c, -114, "channel %d", ch);
 *             return lc_sim_arg_double(c, 0, &wav, &m->wav[ch]); // 1550NM, 1.55E-6, MIN, DEF ...
 *     }
 *     static int wav_query(lc_sim_call *c, void *user) {
 *             lc_sim_out_nr3(c, ((struct meter *)user)->wav[lc_sim_suffix(c, 0)]);
 *             return 0;
 *     }
 *     lc_sim_scpi_config cfg = {.idn = "Keysight Technologies,N7744C,SIM001,1.0", .reset = meter_reset,
 *                               .user = m, .clock = clock};
 *     lc_sim_scpi_create(&cfg, &e, diag);
 *     lc_sim_scpi_add(e, "[SENSe#]:POWer:WAVelength", wav_set, wav_query, m, diag);
 *     lc_sim_socket_start(e, &endpoint_opts, &ep, diag);     // endpoint.h
 *
 * Thread safety: an engine has one recursive mutex, held while a message executes (handlers included) and
 * by every public function below, so an engine may be shared by several endpoints and connections and
 * lc_sim_push_error() may be called from any thread (and from inside a handler). Registration
 * (lc_sim_scpi_add) must finish before the engine is given to an endpoint. An lc_sim_call is valid only
 * inside the handler it was passed to.
 */
#ifndef LC_SIM_SCPI_ENGINE_H
#define LC_SIM_SCPI_ENGINE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "sim/sim_clock.h"

typedef struct lc_sim_scpi lc_sim_scpi;
typedef struct lc_sim_call lc_sim_call;

/* ---- parameters ------------------------------------------------------------------------------------- */

enum lc_sim_param_kind {
	LC_SIM_P_NUMBER = 1, /* decimal or #H/#Q/#B number, possibly with a unit suffix */
	LC_SIM_P_MIN,        /* MIN / MINimum */
	LC_SIM_P_MAX,        /* MAX / MAXimum */
	LC_SIM_P_DEF,        /* DEF / DEFault */
	LC_SIM_P_CHARS,      /* character data (ON, OFF, DBM, Watt, INF, NAN ...): text as sent */
	LC_SIM_P_STRING,     /* quoted string: text with quotes removed and doubled quotes undone */
	LC_SIM_P_BLOCK,      /* definite or indefinite arbitrary block: data, len */
	LC_SIM_P_EXPR,       /* expression data in parentheses, e.g. a channel list "(@1,3:5)": text with
	                        the parentheses */
};

#define LC_SIM_UNIT_MAX 8
#define LC_SIM_PARAMS_MAX 32
#define LC_SIM_SUFFIXES_MAX 8

typedef struct lc_sim_param {
	enum lc_sim_param_kind kind;
	/* NUMBER: the value in the base unit of its suffix (1550NM -> 1.55e-6, unit "M"; 100MS -> 0.1, "S";
	 * -10DBM -> -10, "DBM"; 10GHZ -> 1e10, "HZ"; 2UW -> 2e-6, "W"); unit "" when no suffix was given. */
	double number;
	char unit[LC_SIM_UNIT_MAX];
	bool integer; /* NUMBER written without '.' or exponent (or #H/#Q/#B) */
	/* CHARS, STRING, BLOCK: points into the engine's copy of the message (valid during the handler);
	 * STRING and CHARS are NUL-terminated, BLOCK may contain NUL bytes. */
	const char *text;
	size_t len;
} lc_sim_param;

/* Checking a number argument: its base unit ("M", "DBM", "DB", "W", "S", "HZ", "" for a plain number),
 * the allowed range and the values of MIN, MAX and DEF (MIN/MAX usually equal the range). */
typedef struct lc_sim_numspec {
	const char *unit; /* a suffix of another unit is -131 "Invalid suffix"; no suffix means this unit */
	double min, max;  /* outside: -222 "Data out of range" */
	double def;       /* DEF */
} lc_sim_numspec;

/* Argument helpers: 0 on success, else the SCPI error already pushed (-109 missing parameter, -104 data type
 * error, -131 invalid suffix, -222 data out of range, -224 illegal parameter value), to be returned by the
 * handler. idx counts from 0. */
int lc_sim_arg_count(const lc_sim_call *c);
const lc_sim_param *lc_sim_arg(const lc_sim_call *c, int idx); /* NULL past the end */
int lc_sim_arg_double(lc_sim_call *c, int idx, const lc_sim_numspec *spec, double *out);
int lc_sim_arg_int(lc_sim_call *c, int idx, long long min, long long max, long long *out); /* MIN/MAX ok */
int lc_sim_arg_bool(lc_sim_call *c, int idx, bool *out);            /* ON OFF 1 0 (any number: != 0) */
/* Character data matched against patterns like "DBM", "Watt", "ABSolute" (short or long form); *out is the
 * index of the match, else -224. The list ends with NULL. */
int lc_sim_arg_choice(lc_sim_call *c, int idx, const char *const *choices, int *out);
int lc_sim_arg_string(lc_sim_call *c, int idx, const char **s, size_t *len);
int lc_sim_arg_block(lc_sim_call *c, int idx, const uint8_t **data, size_t *len);
/* An optional argument: true if present. */
bool lc_sim_arg_present(const lc_sim_call *c, int idx);
/* -108 "Parameter not allowed" if more than n arguments were given (handlers call it when strict). */
int lc_sim_arg_max(lc_sim_call *c, int n);

/* Numeric suffix i (0-based, in pattern order) of the matched header; 1 when the client left it out. */
int lc_sim_suffix(const lc_sim_call *c, int i);
/* True if this call is the query form. */
bool lc_sim_is_query(const lc_sim_call *c);
lc_sim_scpi *lc_sim_call_engine(lc_sim_call *c);

/* ---- replies --------------------------------------------------------------------------------------- */

/* Append to the reply of this unit. Several calls build one reply ("1.5E-03,2.0E-03"). Out of memory is
 * reported by the engine as -225 "Out of memory" on return. */
void lc_sim_out_raw(lc_sim_call *c, const void *data, size_t len);
void lc_sim_out_printf(lc_sim_call *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void lc_sim_out_int(lc_sim_call *c, long long v);     /* NR1: 42, -3 */
void lc_sim_out_nr3(lc_sim_call *c, double v);        /* NR3: +1.55000000E-06; NaN as 9.91E+37 */
/* v as printf's "%[+].<prec>[eE]" would print it (flags of base/numfmt.h: LC_FMT_PLUS, LC_FMT_UPPER,
 * LC_FMT_EXP3), exactly and without printf's cost; prec 0..17. */
void lc_sim_out_exp(lc_sim_call *c, double v, int prec, unsigned flags);
void lc_sim_out_bool(lc_sim_call *c, bool v);         /* 1 / 0 */
void lc_sim_out_string(lc_sim_call *c, const char *s); /* "text", inner quotes doubled */
void lc_sim_out_block(lc_sim_call *c, const void *data, size_t len); /* #NLLL<data> definite */
void lc_sim_out_sep(lc_sim_call *c);                  /* ',' between elements of one reply */

/* ---- errors ---------------------------------------------------------------------------------------- */

/* Push code with "<standard text>;<detail>" (detail may be NULL) and return code. */
int lc_sim_fail(lc_sim_call *c, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Push an error from anywhere (a world event, a fault); text NULL takes the standard text. Thread-safe. */
void lc_sim_push_error(lc_sim_scpi *e, int code, const char *text);
/* Standard SCPI-99 text of a code ("Undefined header"); "Device-specific error" for unknown codes. */
const char *lc_sim_error_text(int code);
/* Number of entries in the error queue. */
int lc_sim_error_count(lc_sim_scpi *e);
/* Pop the oldest entry; code 0 and "No error" when empty. Returns the code. */
int lc_sim_pop_error(lc_sim_scpi *e, char *text, size_t cap);

/* ---- instrument time ------------------------------------------------------------------------------- */

/* Let seconds of instrument time pass inside a handler (sleeps seconds / time scale of the engine's
 * clock, adds to the engine's simulated-time accumulator). */
void lc_sim_spend(lc_sim_call *c, double seconds);
/* Start an overlapped operation that completes after seconds of instrument time without blocking the
 * handler (INIT of an averaging measurement): *OPC?, *WAI wait for it, *OPC sets ESR bit 0 once done. */
void lc_sim_pending(lc_sim_call *c, double seconds);
/* Account instrument time the handler did not sleep but made the client wait for all the same: a result that
 * did not exist before its gate ended (a BERT's counters). sim_seconds of instrument time, wall_seconds
 * of wall time, to the engine's accumulator and the clock's totals. */
void lc_sim_account(lc_sim_call *c, double sim_seconds, double wall_seconds);
/* Simulated instrument time spent so far (seconds). */
double lc_sim_scpi_sim_seconds(lc_sim_scpi *e);
/* Simulated time spent and the wall time those waits took, for this instrument. */
void lc_sim_scpi_time_spent(lc_sim_scpi *e, lc_sim_time_acc *out);

/* ---- station faults --------------------------------------------------------------------------------- */

/*
 * Deterministic station faults, all off when zeroed. "Message" counts program messages received by the
 * engine from all endpoints since the faults were set (the first is 1).
 */
#define LC_SIM_FAULT_ERRORS_MAX 8
#define LC_SIM_FAULT_WITHOUT_MAX 8
typedef struct lc_sim_faults {
	unsigned stop_answering_after; /* after message N the instrument hangs: input read, nothing answered */
	unsigned drop_after;           /* after message N (executed and answered) the connection is closed */
	unsigned garbage_at;           /* the reply to message N is preceded by garbage bytes */
	char garbage[32];              /* those bytes ("" = "\xff\xfe\x07#?\x01") */
	unsigned truncate_block_at;    /* the first block in the reply to message N or later is cut to
	                                  truncate_block_keep bytes of its announced data, then the
	                                  connection is closed (the client sees a short block) */
	size_t truncate_block_keep;
	unsigned truncate_at;          /* the reply to message N is cut to truncate_keep bytes (no terminator),
	                                  then the connection is closed (the client sees a short reply) */
	size_t truncate_keep;          /* 0: half the reply */
	int push_errors[LC_SIM_FAULT_ERRORS_MAX]; /* pushed into the error queue at message push_errors_at */
	unsigned n_push_errors;
	unsigned push_errors_at;       /* 0: pushed when the faults are set */
	int opc_delay_ms;              /* *OPC?, *WAI and *OPC take this much longer (wall ms, not scaled) */
	char idn[128];                 /* non-empty: *IDN? answers this instead */
	int latency_ms;                /* every reply is sent this much later (wall ms, not scaled: it tests
	                                  the client's timeouts, which are wall time) */
	/* Commands this instrument lacks (a firmware or model without them), as a client writes a header
	 * (":SENS1:CORR:COLL:ZERO", "SYST:MOD"; suffixes, '?' and the long or short form do not matter): both
	 * forms become an undefined header (-113, the rest of the message dropped), as on an instrument that
	 * never had the command. Each must name a command the kind has (lc_sim_scpi_knows). */
	char without[LC_SIM_FAULT_WITHOUT_MAX][64];
	unsigned n_without;
} lc_sim_faults;

/* Install faults (copied) and restart the message count and the fault counters. NULL clears them. */
void lc_sim_scpi_set_faults(lc_sim_scpi *e, const lc_sim_faults *f);

/* What the faults did, counted when the engine applies them, so a test can prove that its fault fired
 * (a fault set on a message the client never sends does nothing and counts nothing). */
enum lc_sim_fault_kind {
	LC_SIM_FAULT_HANG,           /* a message left unanswered by stop_answering_after */
	LC_SIM_FAULT_DROP,           /* a connection closed by drop_after */
	LC_SIM_FAULT_GARBAGE,        /* a reply preceded by garbage */
	LC_SIM_FAULT_TRUNCATE,       /* a reply cut by truncate_at */
	LC_SIM_FAULT_TRUNCATE_BLOCK, /* a block cut by truncate_block_at */
	LC_SIM_FAULT_ERRORS,         /* an error put into the queue by push_errors */
	LC_SIM_FAULT_IDN,            /* an identity query answered with the fault's idn */
	LC_SIM_FAULT_OPC_DELAY,      /* an *OPC?, *WAI or *OPC made slower */
	LC_SIM_FAULT_LATENCY,        /* a reply sent late */
	LC_SIM_FAULT_WITHOUT,        /* a unit refused as undefined because of `without` */
	LC_SIM_FAULT_KINDS
};
/* "hang", "drop", "garbage", "truncate", "truncate_block", "errors", "idn", "opc_delay", "latency",
 * "without"; NULL past the end. */
const char *lc_sim_fault_kind_name(int kind);
/* The counters since the faults were set (out[LC_SIM_FAULT_KINDS]). Thread-safe. */
void lc_sim_scpi_fault_counts(lc_sim_scpi *e, uint64_t *out);
/* For a kind's own identity query (one that is not *IDN?, such as the AQ7260's IDER): the idn fault's text,
 * counted as fired, or NULL when no idn fault is set. Call from a handler (engine lock held). */
const char *lc_sim_fault_idn(lc_sim_call *c);

/* Watch every program message and its reply (before faults act on it), e.g. to learn which instrument
 * operations a procedure performs. Called with the engine lock held, from the connection's thread; n counts
 * messages since creation (the first is 1). NULL removes the observer. */
typedef void (*lc_sim_observer)(void *user, uint64_t n, const char *msg, size_t len, const uint8_t *reply,
				size_t reply_len);
void lc_sim_scpi_set_observer(lc_sim_scpi *e, lc_sim_observer fn, void *user);
/* Does a reply carry a definite block (#<n><length>...) that truncate_block_at would cut? */
bool lc_sim_reply_has_block(const uint8_t *reply, size_t len);

/* ---- engine ---------------------------------------------------------------------------------------- */

typedef int (*lc_sim_handler)(lc_sim_call *c, void *user);

typedef struct lc_sim_scpi_config {
	const char *idn;          /* *IDN? reply "MFR,MODEL,SERIAL,FW" (copied); required */
	int error_queue_size;     /* 0: 30 */
	lc_sim_clock *clock;      /* instrument time; NULL: real time (scale 1), owned by the caller */
	/* *RST: put the instrument's settings back to their defaults (engine lock held). May be NULL. */
	void (*reset)(void *user);
	/* *TST?: the self-test result, 0 = passed. May be NULL (0). */
	int (*self_test)(void *user);
	/* Called at the start of each program message, before its first unit (engine lock held). An
	 * instrument whose state moves with time latches its time here, so that every unit of one message
	 * sees one instant, as a real instrument answers a message well within one of its update periods
	 * however long the client takes between messages. May be NULL. */
	void (*message)(void *user);
	void *user;
} lc_sim_scpi_config;

int lc_sim_scpi_create(const lc_sim_scpi_config *cfg, lc_sim_scpi **out, lc_diag *diag);
/* Free the engine. Endpoints using it must be stopped first. */
void lc_sim_scpi_destroy(lc_sim_scpi *e);

/* Register a pattern. LC_ERR_ARG (diag says why) for a malformed pattern, LC_ERR_BUSY if it duplicates one
 * already registered, LC_ERR_OVERFLOW past LC_SIM_SUFFIXES_MAX suffixes. user is passed to both handlers. */
int lc_sim_scpi_add(lc_sim_scpi *e, const char *pattern, lc_sim_handler set, lc_sim_handler query, void *user,
		    lc_diag *diag);

/* What an endpoint must do after a message (faults). */
enum lc_sim_action {
	LC_SIM_SEND = 0,  /* send the reply if it is not empty */
	LC_SIM_SILENT,    /* send nothing, now or later (hung instrument) */
	LC_SIM_CLOSE,     /* send the reply (with terminator), then close the connection */
	LC_SIM_CUT,       /* send the reply as it is, cut short inside a block (no terminator), then close */
};

/*
 * Execute one program message (terminator removed; a trailing '\r' is ignored) and append its response
 * message, without terminator, to *reply / *reply_len (malloc'ed, grown as needed; the caller frees).
 * Returns an lc_sim_action (>= 0), or LC_ERR_NOMEM. Nothing is appended when the message had no query.
 * *delay_ms gets the wall delay to apply before sending (latency fault), may be NULL.
 */
int lc_sim_scpi_execute(lc_sim_scpi *e, const char *msg, size_t len, uint8_t **reply, size_t *reply_len,
			size_t *reply_cap, int *delay_ms);

/* Whether header (as a client writes it: ":SENS1:POW:WAV", "*IDN", a trailing '?' ignored) names a command
 * the engine has, registered or built in (a `without` fault may only remove one of those). */
bool lc_sim_scpi_knows(lc_sim_scpi *e, const char *header);
/* Status byte for a transport-level read (VXI-11 device_readstb); mav: the endpoint holds unread output. */
uint8_t lc_sim_scpi_stb(lc_sim_scpi *e, bool mav);
/* Device clear (VXI-11 device_clear, serial break): cancels a pending operation's wait, keeps settings. */
void lc_sim_scpi_device_clear(lc_sim_scpi *e);
/* Messages executed since creation (for tests and benchmarks). */
uint64_t lc_sim_scpi_messages(lc_sim_scpi *e);
const char *lc_sim_scpi_idn(const lc_sim_scpi *e);

#endif
