/*
 * <lanecert/channel.h>: The channel model: cable types, fiber maps, station files, serial-number rules, where fixtures are found (verdicts, limits and budgets: <lanecert/limits.h>).
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_CHANNEL_H
#define LANECERT_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"

/* ---- fixtures/types.h ---- */
/*
 * Small vocabulary shared by the channel model, the cable files, the limits and the station files: fiber
 * mode and category, connector, polish, gender, form factor, polarity types. Each enum has a name (as written
 * in the JSON files) and a parser; names are case-insensitive when parsed.
 *
 * Thread safety: every function here is reentrant (constant tables only).
 */

#define LC_NAME_MAX 64      /* ids, names, roles (including the NUL) */
#define LC_PORT_NAME_MAX 24 /* "B12:rx", "A:tx8", "A:12" */
#define LC_TEXT_MAX 512     /* descriptions, sources, messages */

enum lc_fiber_mode {
	LC_MODE_NONE = 0, /* no fiber: copper (DAC) or not stated */
	LC_MODE_SM = 1,
	LC_MODE_MM = 2,
};

enum lc_fiber_category {
	LC_CAT_NONE = 0,
	LC_CAT_OS1A,
	LC_CAT_OS2,
	LC_CAT_OM3,
	LC_CAT_OM4,
	LC_CAT_OM5,
};

enum lc_connector_type {
	LC_CONN_NONE = 0,   /* no separable connector (AOC / DAC end, splice) */
	LC_CONN_LC_DUPLEX,  /* 2 positions: 1 = "tx", 2 = "rx" (seen from the equipment at that end) */
	LC_CONN_MPO,        /* 8/12/16/24 fibers; MPO-8 uses the 12-position ferrule with 5..8 dark */
	LC_CONN_ELECTRICAL, /* a module's host connector: lanes "tx1".."txN", "rx1".."rxN" */
};

enum lc_polish {
	LC_POLISH_NONE = 0,
	LC_POLISH_UPC,
	LC_POLISH_APC,
};

enum lc_gender {
	LC_GENDER_NONE = 0, /* not an MPO, or not stated */
	LC_GENDER_MALE,     /* pinned */
	LC_GENDER_FEMALE,   /* unpinned */
};

enum lc_form_factor {
	LC_FF_NONE = 0,
	LC_FF_QSFP_DD,
	LC_FF_OSFP,
	LC_FF_QSFP112,
	LC_FF_QSFP56,
	LC_FF_QSFP28,
	LC_FF_QSFP_PLUS,
	LC_FF_SFP56,
	LC_FF_SFP28,
	LC_FF_SFP,
};

/* The polarity of a trunk (Type A/B/C), of a duplex cord (A-to-B, A-to-A) or of an MPO adapter
 * (A: key-up to key-down, B: key-up to key-up). */
enum lc_polarity {
	LC_POLARITY_NONE = 0,
	LC_POLARITY_A,      /* trunk/adapter Type A: p -> p */
	LC_POLARITY_B,      /* trunk/adapter Type B: p -> N+1-p */
	LC_POLARITY_C,      /* trunk Type C: pairs flipped 1<->2, 3<->4 ... */
	LC_POLARITY_A_TO_B, /* duplex cord, crossover: tx -> rx */
	LC_POLARITY_A_TO_A, /* duplex cord, straight: tx -> tx */
};

/*
 * The name of a fiber mode as written in the JSON files: "SM", "MM", "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_fiber_mode_name(enum lc_fiber_mode m);           /* "SM", "MM", "none" */
/*
 * The name of a fiber category: "OS1a", "OS2", "OM3", "OM4", "OM5", "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_fiber_category_name(enum lc_fiber_category c);   /* "OS2", "OM4", "none" */
/*
 * The name of a connector type: "LC", "MPO", "electrical", "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_connector_type_name(enum lc_connector_type t);   /* "LC", "MPO", "electrical", "none" */
/*
 * The name of a polish: "UPC", "APC", "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_polish_name(enum lc_polish p);                   /* "UPC", "APC", "none" */
/*
 * The name of an MPO gender: "male", "female", "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_gender_name(enum lc_gender g);                   /* "male", "female", "none" */
/*
 * The name of a form factor: "QSFP-DD", "OSFP", "QSFP112", ... "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_form_factor_name(enum lc_form_factor f);         /* "QSFP-DD", ... */
/*
 * The name of a polarity: "A", "B", "C", "A-to-B", "A-to-A", "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_polarity_name(enum lc_polarity p);               /* "A", "B", "C", "A-to-B", "A-to-A" */

/*
 * Parse a fiber mode name (case-insensitive; the names of lc_fiber_mode_name() and their aliases).
 *
 * Returns: the enum value (>= 0); LC_ERR_ARG for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_fiber_mode_parse(const char *s);

/*
 * Parse a fiber category name (case-insensitive).
 *
 * Returns: the enum value (>= 0); LC_ERR_ARG for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_fiber_category_parse(const char *s);

/*
 * Parse a connector type name (case-insensitive).
 *
 * Returns: the enum value (>= 0); LC_ERR_ARG for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_connector_type_parse(const char *s);

/*
 * Parse a polish name (case-insensitive).
 *
 * Returns: the enum value (>= 0); LC_ERR_ARG for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_polish_parse(const char *s);

/*
 * Parse a gender name (case-insensitive).
 *
 * Returns: the enum value (>= 0); LC_ERR_ARG for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_gender_parse(const char *s);

/*
 * Parse a form factor name (case-insensitive).
 *
 * Returns: the enum value (>= 0); LC_ERR_ARG for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_form_factor_parse(const char *s);

/*
 * Parse a polarity name (case-insensitive).
 *
 * Returns: the enum value (>= 0); LC_ERR_ARG for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_polarity_parse(const char *s);

/*
 * The mode a fiber category belongs to (OS* -> SM, OM* -> MM).
 *
 * Returns: the mode; LC_MODE_NONE for LC_CAT_NONE or a value outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API enum lc_fiber_mode lc_fiber_category_mode(enum lc_fiber_category c);

/* ---- fixtures/channel.h ---- */
/*
 * The channel model: the ordered chain of components between the two ends of a cable or link, and what
 * follows from it before anything is measured — the expected fiber map, the ports at each end, the paths
 * every fiber (or lane) takes, and the consistency errors of the design. Loss budgets and event lists per
 * path are in fixtures/budget.h; DUT instances with defects in fixtures/dut.h.
 *
 * A cable type file (fixtures/cables/NAME.json) is a channel of one component; a chain file is a list of
 * components (transceivers, cords, trunks, adapters, cassettes, harnesses, splices, fiber) assembled by the
 * designer. The file format is in docs/fixtures.md.
 *
 * Ends and ports. End A is the left end of the chain, end B the right end. Each end has one or more legs
 * (connectors): a single connector is labelled "A" / "B", several are "A1".."An" / "B1".."Bn". A port is
 * "<leg>:<position>" where the position is
 *   - an MPO position "1".."24",
 *   - "tx" or "rx" for an LC duplex (named from the point of view of the equipment plugged in there:
 *     "B1:rx" is the fiber that feeds the receiver of the module in leg B1),
 *   - "tx1".."txN" / "rx1".."rxN" for the lanes of a module's host side (AOC, DAC, transceiver at a chain end).
 *
 * Mating. Consecutive components mate position p to position p (LC duplex adapter, MPO Type-A key-up to
 * key-down adapter) unless an `adapter` component of Type B (key-up to key-up) sits between them: then
 * p -> N+1-p. When a component with one connector at its input follows a component with k legs, it is
 * replicated on each leg (a cord after a 6-port cassette is six cords).
 *
 * Roles. A port has a role when the equipment at that end transmits into it (LC_ROLE_TX) or receives from it
 * (LC_ROLE_RX): from transceivers and host lanes, from the tx/rx names of LC positions, and from the
 * "tx_positions"/"rx_positions" a cable type declares for an MPO end meant for a given PMD. The map entry's
 * `from` is the Tx side when roles are known, else the end-A side.
 *
 * Thread safety: a channel is immutable after loading; any number of threads may read it at once. Loading and
 * freeing must not overlap with readers.
 */



typedef struct lc_channel lc_channel;

enum lc_component_kind {
	LC_COMP_TRANSCEIVER = 1, /* a module at one end of a chain: its lanes become the chain-end ports */
	LC_COMP_CORD,            /* duplex LC cord, A-to-B or A-to-A */
	LC_COMP_TRUNK,           /* MPO trunk, Type A/B/C */
	LC_COMP_ADAPTER,         /* MPO adapter Type A or B between two components (no loss of its own) */
	LC_COMP_CASSETTE,        /* MPO to k x LC duplex module, with its fiber map */
	LC_COMP_HARNESS,         /* breakout harness / fan-out cable: one connector to k legs, with its map */
	LC_COMP_AOC,             /* active optical cable (optionally a breakout): lanes only, fiber inside */
	LC_COMP_DAC,             /* passive copper cable (optionally a breakout): lanes only */
	LC_COMP_SPLICE,          /* fusion/mechanical splice(s) on every fiber */
	LC_COMP_FIBER,           /* bare cabled fiber of a given length (e.g. a permanent link) */
};

enum lc_port_role {
	LC_ROLE_NONE = 0,
	LC_ROLE_TX = 1, /* the equipment at this end transmits into this port */
	LC_ROLE_RX = 2, /* the equipment at this end receives from this port */
};

/* One connector (leg) of a component end. */
typedef struct lc_connector {
	enum lc_connector_type type;
	unsigned fibers;         /* MPO: 8, 12, 16 or 24; LC duplex: 2; electrical: 2 x lanes */
	unsigned positions;      /* positions addressable ("1".."12", tx/rx, tx1..rxN) */
	enum lc_polish polish;
	enum lc_gender gender;
	enum lc_form_factor form_factor; /* electrical ends (AOC/DAC/transceiver host side) */
} lc_connector;

/* A component as loaded (read-only view). Lengths in metres. */
typedef struct lc_component {
	enum lc_component_kind kind;
	char id[LC_NAME_MAX];    /* unique in the chain: given in the file, else "<kind><n>" */
	char type_name[LC_NAME_MAX]; /* the cable file it came from ("mpo12-trunk-type-b"), may be empty */
	char description[LC_TEXT_MAX];
	enum lc_fiber_mode mode;
	enum lc_fiber_category category;
	double length_m;
	enum lc_polarity polarity;  /* trunks, cords, adapters */
	unsigned legs[2];           /* connectors at the input (0) and output (1) side, as placed in the chain */
	lc_connector conn[2];       /* each side's connector (all legs alike); a transceiver's host side is
				     * electrical (its lanes), its other side the optics */
	unsigned splices;           /* splices on each fiber inside the component */
	double module_loss_db;      /* cassette/harness declared loss replacing its connector allocation, <0 if none */
	/* transceivers and AOC/DAC ends */
	char pmd[LC_NAME_MAX];      /* "400GBASE-DR4", may be empty */
	unsigned lanes;             /* host lanes per leg (transceiver, AOC, DAC) */
	unsigned host_lanes[2];     /* an AOC end whose DSP converts: the lanes each leg of that side presents to
				     * its host at the same data rate ("host_lanes" in the cable file: a QSFP28
				     * leg's 4 x 25G NRZ over 2 x 50G PAM4 media lanes); 0 = no conversion */
	double wavelength_nm;       /* nominal lane wavelength, 0 if unknown or copper */
	char part_number[LC_NAME_MAX]; /* JSON key "part_number": the maker's part number, may be empty. Since 0.1 */
	bool inverted;              /* a breakout module mounted upside down (chain "mounted": "inverted"). Since 0.1 */
} lc_component;

typedef struct lc_port {
	char name[LC_PORT_NAME_MAX]; /* "A:1", "B1:rx", "A:tx3" */
	unsigned end;                /* 0 = A, 1 = B */
	unsigned leg;                /* 0-based leg at that end */
	unsigned position;           /* 1-based position in the leg's connector */
	enum lc_port_role role;
	bool role_declared;          /* role from a transceiver, host lanes or a declared MPO pinout, not a name */
	unsigned lane;               /* lane number (1-based) for tx/rx lanes, 0 otherwise */
} lc_port;

/* One fiber (or copper lane) end to end. `from` is the transmit side when roles are known. */
typedef struct lc_map_entry {
	char from[LC_PORT_NAME_MAX];
	char to[LC_PORT_NAME_MAX];
	size_t from_port;  /* index into lc_channel_port() */
	size_t to_port;
	size_t path;       /* this entry's index: the `path` of fixtures/budget.h */
	bool a_to_b;       /* light travels from end A to end B */
} lc_map_entry;

enum lc_issue_code {
	LC_ISSUE_MODE_MISMATCH = 1,  /* SM mated with MM, or a 850 nm module on SM fiber */
	LC_ISSUE_CATEGORY_MIX,       /* OM3 with OM4 etc.: works, but the budget uses the worst (warning) */
	LC_ISSUE_POLISH_MISMATCH,    /* APC mated to UPC */
	LC_ISSUE_CONNECTOR_MISMATCH, /* MPO mated to LC, electrical to optical */
	LC_ISSUE_FIBER_COUNT,        /* MPO-12 mated to MPO-16, a 16-fiber module on a 12-fiber trunk */
	LC_ISSUE_GENDER,             /* pinned to pinned, or unpinned to unpinned */
	LC_ISSUE_LEG_COUNT,          /* k legs mated to j connectors (j != k, j != 1) */
	LC_ISSUE_APC_KEY_UP,         /* a Type-B (key-up/key-up) adapter on APC MPO: the angles oppose */
	LC_ISSUE_TX_ON_TX,           /* a transmitter lands on a transmitter */
	LC_ISSUE_RX_ON_RX,           /* a receiver faces a receiver (nothing will light it) */
	LC_ISSUE_LANE_UNCONNECTED,   /* a Tx or Rx lane reaches no port at the other end */
	LC_ISSUE_LANE_MISMATCH,      /* Tx lane k arrives at Rx lane j != k */
	LC_ISSUE_WAVELENGTH,         /* transceivers at both ends disagree on the wavelength or PMD */
	LC_ISSUE_OPEN_END,           /* the chain cannot continue: an end has no output side */
};

enum lc_issue_severity {
	LC_SEVERITY_WARNING = 1, /* worth a look, the link may work */
	LC_SEVERITY_ERROR = 2,   /* the link cannot work as assembled */
};

typedef struct lc_issue {
	enum lc_issue_code code;
	enum lc_issue_severity severity;
	char component[LC_NAME_MAX]; /* the component causing it (its id) */
	char other[LC_NAME_MAX];     /* the component it mates with, or empty */
	char port[LC_PORT_NAME_MAX]; /* a port concerned (Tx-on-Tx: the transmitting port), or empty */
	char message[LC_TEXT_MAX];   /* one line, for people */
} lc_issue;

/* ---- loading ---- */

/*
 * Load a cable type or chain by name (fixtures/cables/NAME.json) or path (lc_fixtures_find()); fixtures_dir
 * may be NULL (lc_fixtures_dir()). Components referenced by name inside a chain are looked up in the same
 * cables/ folder. Consistency errors of the design do not fail the load: they are reported by
 * lc_channel_issue().
 *
 * Returns: 0 with *out a new channel the caller frees with lc_channel_free(); the errors of lc_fixtures_find()
 * and lc_fixtures_read_file() (LC_ERR_NOT_FOUND naming what was tried, LC_ERR_OVERFLOW, LC_ERR_IO); the errors
 * of lc_channel_parse(). On failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_channel_load(const char *name_or_path, const char *fixtures_dir, lc_channel **out, lc_diag *diag);

/*
 * lc_channel_load() from the len bytes of JSON text at text; origin names it in messages ("cables/x.json",
 * "<stdin>"; NULL: "<cable>"), fixtures_dir serves the components a chain names.
 *
 * Returns: 0 with *out a new channel the caller frees with lc_channel_free(); LC_ERR_ARG for a NULL out;
 * LC_ERR_FORMAT for a malformed file, with a detail naming the file and the key; the errors of loading a
 * named component; LC_ERR_NOMEM (also when an issue of the design could not be recorded: a design is never
 * loaded with fewer issues than it has). On failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_channel_parse(const char *text, size_t len, const char *origin, const char *fixtures_dir,
		     lc_channel **out, lc_diag *diag);

/*
 * Free ch. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no reader may use ch during or after the call.
 * Since: 0.1
 */
LC_API void lc_channel_free(lc_channel *ch);

/* ---- the design ---- */

/*
 * The file's "name".
 *
 * Returns: a string owned by ch, valid until lc_channel_free(); "" for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const char *lc_channel_name(const lc_channel *ch);        /* the file's "name" */
/*
 * The file's "description".
 *
 * Returns: a string owned by ch, valid until lc_channel_free(); "" when it has none or for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const char *lc_channel_description(const lc_channel *ch); /* may be "" */
/*
 * The cable's part number: the file's top-level "part_number" (a chain's own; a single component's).
 *
 * Returns: a string owned by ch, valid until lc_channel_free(); "" when the file gives none or for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const char *lc_channel_part_number(const lc_channel *ch);
/*
 * The limit set the channel's mated pairs are priced with (limits.h, lc_limit.set): the chain file's
 * "limit_set", or the one lc_channel_set_limit_set() chose.
 *
 * Returns: a string owned by ch, valid until lc_channel_free() or the next lc_channel_set_limit_set(); ""
 * when none is chosen (the rows of no set: the standard's maximum) or for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const char *lc_channel_limit_set(const lc_channel *ch);
/*
 * Choose the limit set the channel's budget prices its mated pairs with, overriding the file's
 * "limit_set" (`lanecert plan|run --limit-set`); NULL or "" returns to the rows of no set. Any channel
 * may take one, a single cable type as well as a chain. The name is not checked against the limits (a
 * channel has none): hosts check it with lc_limits_set_names() first.
 *
 * Returns: 0; LC_ERR_ARG for a NULL ch or a name of 24 bytes or more or with a character outside a-z,
 * 0-9 and '-' (the channel keeps its set).
 * Thread safety: not while another thread reads the channel (call it before sharing the channel with a
 * run's slots).
 * Since: 0.1
 */
LC_API int lc_channel_set_limit_set(lc_channel *ch, const char *set, lc_diag *diag);
/*
 * The PMD the channel is meant for ("400GBASE-DR4"), from the file or a transceiver.
 *
 * Returns: a string owned by ch, valid until lc_channel_free(); "" if none or for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const char *lc_channel_pmd(const lc_channel *ch);

/*
 * The fiber mode along the chain.
 *
 * Returns: the mode; LC_MODE_NONE for copper, a mixed design or a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API enum lc_fiber_mode lc_channel_mode(const lc_channel *ch);

/*
 * The worst fiber category along the chain.
 *
 * Returns: the category; LC_CAT_NONE when none is known or for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API enum lc_fiber_category lc_channel_category(const lc_channel *ch);

/*
 * Whether nothing optical can be measured from outside (AOC, DAC): only lanes and leg assignment.
 *
 * Returns: true or false (false for a NULL ch).
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API bool lc_channel_is_active_or_copper(const lc_channel *ch);

/*
 * The test wavelengths in nm (from the file, else the transceivers, else none): the first max are written to
 * out.
 *
 * Returns: their number, which may exceed max (then only max were written); 0 for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API size_t lc_channel_wavelengths(const lc_channel *ch, double *out, size_t max);

/*
 * The number of components of the chain (1 for a cable type).
 *
 * Returns: that number; 0 for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API size_t lc_channel_component_count(const lc_channel *ch);

/*
 * The i-th component, in chain order from end A.
 *
 * Returns: a pointer owned by ch (valid until lc_channel_free()); NULL when i is out of range or ch is NULL.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const lc_component *lc_channel_component(const lc_channel *ch, size_t i); /* NULL if out of range */
/*
 * The component with this id.
 *
 * Returns: a pointer owned by ch (valid until lc_channel_free()); NULL when there is none or an argument is
 * NULL.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const lc_component *lc_channel_component_by_id(const lc_channel *ch, const char *id);

/* ---- ports ---- */

/*
 * The number of ports at both ends.
 *
 * Returns: that number; 0 for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API size_t lc_channel_port_count(const lc_channel *ch);

/*
 * The i-th port.
 *
 * Returns: a pointer owned by ch (valid until lc_channel_free()); NULL when i is out of range or ch is NULL.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const lc_port *lc_channel_port(const lc_channel *ch, size_t i);

/*
 * Find a port by name, case-insensitive ("b1:RX" finds "B1:rx").
 *
 * Returns: its index (>= 0); LC_ERR_NOT_FOUND when there is none or an argument is NULL.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API int lc_channel_port_find(const lc_channel *ch, const char *name);

/*
 * The number of legs at end 0 (A) or 1 (B).
 *
 * Returns: that number; 0 for another end or a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API unsigned lc_channel_leg_count(const lc_channel *ch, unsigned end);

/*
 * A leg's label ("A", "B3").
 *
 * Returns: a string owned by ch (valid until lc_channel_free()); "" for an end or leg out of range or a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const char *lc_channel_leg_label(const lc_channel *ch, unsigned end, unsigned leg);

/* ---- expected map ---- */

/*
 * The number of entries of the expected fiber map: one per complete path, in the order of the end-A ports.
 *
 * Returns: that number; 0 for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API size_t lc_channel_map_count(const lc_channel *ch);

/*
 * The i-th entry of the expected fiber map.
 *
 * Returns: a pointer owned by ch (valid until lc_channel_free()); NULL when i is out of range or ch is NULL.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const lc_map_entry *lc_channel_map(const lc_channel *ch, size_t i);

/*
 * Where the light entering port (a name, as lc_channel_port_find()) comes out: the other end of its path.
 * *map_index, when map_index is not NULL, gets the map entry's index.
 *
 * Returns: the port index (>= 0); LC_ERR_NOT_FOUND for an unknown port or a dark position (*map_index then
 * unchanged).
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API int lc_channel_route(const lc_channel *ch, const char *port, size_t *map_index);

/* ---- consistency ---- */

/*
 * The number of consistency issues of the design (warnings and errors; the same fault on every fiber of a
 * component counts once).
 *
 * Returns: that number; 0 for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API size_t lc_channel_issue_count(const lc_channel *ch);

/*
 * The i-th consistency issue.
 *
 * Returns: a pointer owned by ch (valid until lc_channel_free()); NULL when i is out of range or ch is NULL.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API const lc_issue *lc_channel_issue(const lc_channel *ch, size_t i);

/*
 * The number of issues of severity LC_SEVERITY_ERROR (the link cannot work as assembled).
 *
 * Returns: that number; 0 for a NULL ch.
 * Thread safety: any thread (read-only).
 * Since: 0.1
 */
LC_API size_t lc_channel_error_count(const lc_channel *ch);

/*
 * The name of an issue code: "mode_mismatch", "tx_on_tx", "polish_mismatch", ...
 *
 * Returns: a static string, never NULL ("?" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_issue_code_name(enum lc_issue_code c); /* "tx_on_tx", "polish_mismatch", ... */
/*
 * The name of a component kind: "transceiver", "cord", "trunk", "cassette", ...
 *
 * Returns: a static string, never NULL ("?" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_component_kind_name(enum lc_component_kind k); /* "trunk", "cassette", ... */

/* ---- fixtures/station.h ---- */
/*
 * Station files (fixtures/stations/NAME.json): what is on a bench and how it is wired to the DUT slots.
 *   - instruments by role ("source", "meter", "switch1", "bert", "otdr", "i2c"), each with a VISA-style
 *     resource string, an optional driver hint, serial settings for ASRL resources and a calibration due date;
 *   - wiring: instrument port -> switch channel -> DUT port (light into the DUT), or DUT port -> switch channel
 *     -> instrument port (light out of it), per slot;
 *   - reference cords (test reference cords / launch cords) with their loss per wavelength if known;
 *   - slots: several DUT positions on one station.
 * The simulator writes these files (lc_station_write_json), the procedure engine reads them. Format:
 * docs/fixtures.md; examples: fixtures/stations/factory-bench.json, fixtures/stations/sim-default.json.
 *
 * The struct is plain data: fill it with the lc_station_add_* helpers (which copy) or read it after loading.
 * Thread safety: no hidden state; a station may be read by many threads, modified by one.
 */



#define LC_STATION_RESOURCE_MAX 256
#define LC_STATION_JOB_MAX 201 /* a job, customer or site: at most 200 bytes and the NUL */

/* Named lc_station_serial (not lc_serial_settings, which hal/transport.h owns): the settings as written in a
 * station file; the procedure engine converts them to the transport's. */
typedef struct lc_station_serial {
	unsigned baud;       /* 0 = not given (driver default) */
	unsigned data_bits;  /* 5..8 */
	char parity;         /* 'N', 'E', 'O' */
	unsigned stop_bits;  /* 1 or 2 */
	char flow[12];       /* "none", "rtscts", "xonxoff" */
	char terminator[8];  /* write/read terminator as bytes ("\n", "\r\n"); empty = driver default */
} lc_station_serial;

typedef struct lc_station_instrument {
	char role[LC_NAME_MAX];          /* unique in the station */
	char resource[LC_STATION_RESOURCE_MAX];  /* "TCPIP::10.0.0.5::5025::SOCKET", "ASRL/dev/ttyUSB0::INSTR" */
	char driver[LC_NAME_MAX];        /* optional hint ("keysight_n774x"), empty = match by *IDN? */
	bool has_serial;
	lc_station_serial serial;
	char calibration_due[16];        /* "YYYY-MM-DD" (a date that exists), empty if not tracked; a run
	                                  * that uses the instrument after this day refuses to start
	                                  * (procedures/calibration.c) unless the operator accepts it */
	char calibrated[16];             /* JSON key "calibrated": the last calibration, "YYYY-MM-DD", may be
	                                  * empty; not after calibration_due */
	char layout[LC_TEXT_MAX];        /* JSON key "layout": module layout of a mainframe, a BERT's lanes or a supply's outputs ("1:A,2:B")
	                                  * (instruments/instrument.h lc_instrument_opts.layout), may be empty */
	char description[LC_TEXT_MAX];
	int timeout_ms;                  /* JSON key "timeout_ms": per-operation timeout of this instrument
	                                  * (lc_instrument_opts.timeout_ms), 1..600000; 0 (absent): the model
	                                  * table's. Since 0.1 */
	unsigned max_reply_line;         /* JSON key "max_reply_line": largest text reply this instrument may
	                                  * send, in bytes (lc_instrument_opts.max_line), 64..2147483647; 0
	                                  * (absent): the model table's, else 1 MiB. Since 0.1 */
	unsigned max_reply_block;        /* JSON key "max_reply_block": largest block reply (a trace, a
	                                  * logged series), in bytes (lc_instrument_opts.max_block),
	                                  * 64..2147483647; 0 (absent): the model table's, else 256 MiB.
	                                  * Since 0.1 */
} lc_station_instrument;

enum lc_wire_direction {
	LC_WIRE_TO_DUT = 1,   /* instrument (source, BERT Tx, OTDR) -> [switch] -> DUT port */
	LC_WIRE_FROM_DUT = 2, /* DUT port -> [switch] -> instrument (meter, BERT Rx) */
};

typedef struct lc_station_wire {
	unsigned slot;                   /* 1-based slot */
	char dut_port[LC_PORT_NAME_MAX]; /* port of the DUT's channel: "A:1", "B1:rx", "A:tx3" */
	enum lc_wire_direction direction;
	char instrument[LC_NAME_MAX];    /* role */
	unsigned instrument_port;        /* 1-based physical port as the instrument numbers it: an 816x slot
	                                  * (slot*100+head for one head of a dual sensor), an N774x input, a
	                                  * BERT lane, a switch port. Which class it is (source, RL module,
	                                  * sensor) the driver says: lc_instrument_port_class() */
	char switch_role[LC_NAME_MAX];   /* empty: direct */
	unsigned switch_channel;         /* 1-based: the switch port cabled to the DUT side */
	unsigned switch_input;           /* 1-based: the switch port cabled to the instrument (the common port of
	                                  * a 1xN switch, an input of a matrix); 1 when not given */
	char reference_cord[LC_NAME_MAX];/* id of the reference cord on this wire, may be empty */
} lc_station_wire;

typedef struct lc_wavelength_loss {
	double wavelength_nm;
	double loss_db;
} lc_wavelength_loss;

#define LC_REFCORD_WL_MAX 8

typedef struct lc_reference_cord {
	char id[LC_NAME_MAX];
	char type[LC_NAME_MAX];          /* "LC-LC SM UPC reference-grade", "MPO-12 APC female" */
	double length_m;                 /* NAN if not given */
	size_t n_loss;
	lc_wavelength_loss loss[LC_REFCORD_WL_MAX]; /* known losses per wavelength */
} lc_reference_cord;

typedef struct lc_station_slot {
	unsigned number;                 /* 1-based, unique */
	char name[LC_NAME_MAX];          /* "left", "slot 2" */
	char cable[LC_NAME_MAX];         /* cable type expected in this slot, may be empty */
} lc_station_slot;

/* What a run does when a cable's module memory (vendor serial, SFF-8636/CMIS) does not carry the serial
 * number entered for it (JSON key "module_serial_policy": "stop", "warn" or "off"; default stop). */
enum lc_module_serial_policy {
	LC_MODULE_SERIAL_STOP = 0, /* the step ends in error with both serials named; nothing after it runs */
	LC_MODULE_SERIAL_WARN,     /* recorded and logged, the run goes on */
	LC_MODULE_SERIAL_OFF,      /* not compared */
};

/*
 * The name of a module serial policy: "stop", "warn", "off".
 *
 * Returns: a static string, never NULL ("?" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_module_serial_policy_name(enum lc_module_serial_policy p);

/*
 * Parse a module serial policy name.
 *
 * Returns: the policy (>= 0); -1 for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_module_serial_policy_parse(const char *s);

/* JSON key "golden": the known-good cable the station is checked with (procedures/golden.h). While a station
 * declares one, it certifies only after a golden-cable check that passed and is younger than valid_s. */
typedef struct lc_station_golden {
	char serial[LC_NAME_MAX]; /* "serial" (required): the golden cable's serial; empty: no golden cable */
	unsigned valid_s;         /* "valid_s" (required): how long a passed check allows certification, 60..604800 */
	double tolerance_db;      /* "tolerance_db" (required): how far a loss may be from its recorded value, (0, 3] */
} lc_station_golden;

#define LC_REFERENCE_KEEP_MAX_S (7u * 24 * 3600) /* a week: longer is no reference but a habit */

typedef struct lc_station {
	char name[LC_NAME_MAX];
	/* JSON key "station_id": the station's asset id ("STB-0042"), recorded in every run and printed on its
	 * certificate; may be empty (the certificate then says it was not recorded). Since 0.1. */
	char station_id[LC_NAME_MAX];
	char description[LC_TEXT_MAX];
	/* JSON key "automation": a resource that performs the operator's physical actions (a line controller,
	 * a robot's gateway, the simulator's simulated operator), or empty: a person does them. */
	char automation[LC_STATION_RESOURCE_MAX];
	/* JSON key "serial_pattern": the POSIX ERE a DUT serial must match whole (fixtures/serial_rule.h), empty:
	 * the default. Checked to compile when the file is loaded. */
	char serial_pattern[LC_TEXT_MAX];
	/* JSON key "default_operator": the operator recorded when `lanecert run` is given none, may be empty. */
	char default_operator[LC_NAME_MAX];
	enum lc_module_serial_policy module_serial_policy;
	/* JSON key "reference_keep_s": how long a power reference taken by one run is kept and reused by later
	 * runs of this station (same instruments, cords, wavelength and method), at most LC_REFERENCE_KEEP_MAX_S;
	 * 0 (the default): every run takes its own. Since 0.1. */
	unsigned reference_keep_s;
	/* JSON key "state_dir": the station's state folder — kept references, golden-cable baseline and checks
	 * (`lanecert run --state` overrides it); empty: "station-state" beside the results store. Since 0.1. */
	char state_dir[LC_STATION_RESOURCE_MAX];
	lc_station_golden golden; /* Since 0.1. */
	/* JSON keys "default_job", "default_customer", "default_site": what `lanecert run` records as the run's job,
	 * customer and site when not given --job, --customer, --site; may be empty. Since 0.1. */
	char default_job[LC_STATION_JOB_MAX];
	char default_customer[LC_STATION_JOB_MAX];
	char default_site[LC_STATION_JOB_MAX];
	/* JSON key "limits_confirmation": the station's limits confirmation file (lc_limits_confirm_json(); a
	 * relative path is taken from the station file's folder by lc_station_load()), or empty. Since 0.1. */
	char limits_confirmation[LC_STATION_RESOURCE_MAX];
	size_t n_instruments;
	lc_station_instrument *instruments;
	size_t n_wires;
	lc_station_wire *wires;
	size_t n_refcords;
	lc_reference_cord *refcords;
	size_t n_slots;
	lc_station_slot *slots;
} lc_station;

/*
 * An empty station named name (NULL: unnamed; cut at LC_NAME_MAX - 1 bytes), to fill with the
 * lc_station_add_* helpers.
 *
 * Returns: a new station the caller frees with lc_station_free(); NULL when out of memory.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API lc_station *lc_station_new(const char *name); /* NULL on out of memory */
/*
 * Free st and its arrays. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use st during or after the call.
 * Since: 0.1
 */
LC_API void lc_station_free(lc_station *st);

/*
 * Append a copy of *in.
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument, an empty role or resource, or a role the station has already;
 * LC_ERR_NOMEM. On failure st is unchanged.
 * Thread safety: st by one thread.
 * Since: 0.1
 */
LC_API int lc_station_add_instrument(lc_station *st, const lc_station_instrument *in);

/*
 * Append a copy of *w. A wire is unique by (slot, dut_port, direction, instrument, instrument_port): one DUT
 * port may be wired to several instrument ports in one direction (lit by a source and looked into by an RL
 * meter).
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument, an empty DUT port or instrument, slot or instrument port 0, an
 * unknown direction, a switch role without its channel, or a wire the station has already; LC_ERR_NOMEM. On
 * failure st is unchanged.
 * Thread safety: st by one thread.
 * Since: 0.1
 */
LC_API int lc_station_add_wire(lc_station *st, const lc_station_wire *w);

/*
 * Append a copy of *c.
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument, an empty id, more than LC_REFCORD_WL_MAX losses or an id the
 * station has already; LC_ERR_NOMEM. On failure st is unchanged.
 * Thread safety: st by one thread.
 * Since: 0.1
 */
LC_API int lc_station_add_refcord(lc_station *st, const lc_reference_cord *c);

/*
 * Append a copy of *s.
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument, slot number 0 or a number the station has already;
 * LC_ERR_NOMEM. On failure st is unchanged.
 * Thread safety: st by one thread.
 * Since: 0.1
 */
LC_API int lc_station_add_slot(lc_station *st, const lc_station_slot *s);

/*
 * Load a station by name (fixtures/stations/NAME.json) or path (lc_fixtures_find()); fixtures_dir may be NULL.
 *
 * Returns: 0 with *out a new station the caller frees with lc_station_free(); the errors of lc_fixtures_find()
 * and lc_fixtures_read_file(); the errors of lc_station_parse(). On failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_station_load(const char *name_or_path, const char *fixtures_dir, lc_station **out, lc_diag *diag);

/*
 * Parse the len bytes of station JSON at text (format: docs/fixtures.md) and validate it
 * (lc_station_validate()); origin names it in messages.
 *
 * Returns: 0 with *out a new station the caller frees with lc_station_free(); LC_ERR_ARG for a NULL out;
 * LC_ERR_FORMAT for a malformed file or a cross-reference that does not hold, with a detail naming the file
 * and the key; LC_ERR_NOMEM. On failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_station_parse(const char *text, size_t len, const char *origin, lc_station **out, lc_diag *diag);

/*
 * Check the cross-references of st (a name, at least one slot, each instrument's role and resource, wire
 * roles, slots, switches and cords that exist, dates that parse); origin names it in messages. Done by
 * lc_station_parse(); a station built with the lc_station_add_* helpers is checked with it before it is
 * written.
 *
 * Returns: 0; LC_ERR_ARG for a NULL st; LC_ERR_FORMAT naming the first thing that does not hold.
 * Thread safety: reentrant; st is only read.
 * Since: 0.1
 */
LC_API int lc_station_validate(const lc_station *st, const char *origin, lc_diag *diag);

/*
 * Check that every wire of slot names a port of the cable in it (ch), and that its direction fits the port's
 * role (light goes into a Tx port, out of an Rx port).
 *
 * Returns: 0; LC_ERR_ARG for a NULL st or ch; LC_ERR_FORMAT naming the wire and the port.
 * Thread safety: reentrant; st and ch are only read.
 * Since: 0.1
 */
LC_API int lc_station_check_ports(const lc_station *st, unsigned slot, const lc_channel *ch, lc_diag *diag);

/*
 * The station as JSON text (stable key order, ends with a newline).
 *
 * Returns: the text, malloc'd and NUL-terminated (the caller frees it with free()); NULL for a NULL st or when
 * out of memory.
 * Thread safety: reentrant; st is only read.
 * Since: 0.1
 */
LC_API char *lc_station_to_json(const lc_station *st);

/*
 * Validate st (lc_station_validate()) and write it at path as JSON (lc_station_to_json()), atomically
 * (lc_atomic_write(): temporary file, fsync, rename; mode 0644; a file there is replaced).
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument; the errors of lc_station_validate() (nothing written) and of
 * lc_atomic_write(); LC_ERR_NOMEM.
 * Thread safety: reentrant; st is only read.
 * Since: 0.1
 */
LC_API int lc_station_write_json(const lc_station *st, const char *path, lc_diag *diag);

/*
 * The instrument of role.
 *
 * Returns: a pointer into st (valid until st is freed or an instrument is added); NULL when there is none or
 * an argument is NULL.
 * Thread safety: any thread while nobody modifies st.
 * Since: 0.1
 */
LC_API const lc_station_instrument *lc_station_instrument_by_role(const lc_station *st, const char *role);

/*
 * The first wire, in file order, for slot and dut_port (case-insensitive) in direction dir. A port may have
 * several (a source and an RL meter on one connector): callers that need one of a given instrument class
 * iterate with lc_station_wire_next() and ask the instrument (lc_instrument_port_class()).
 *
 * Returns: a pointer into st (valid until st is freed or a wire is added); NULL when there is none.
 * Thread safety: any thread while nobody modifies st.
 * Since: 0.1
 */
LC_API const lc_station_wire *lc_station_wire_for(const lc_station *st, unsigned slot, const char *dut_port,
					   enum lc_wire_direction dir);

/*
 * The next wire after prev (NULL: the first) for slot and dut_port in direction dir, in file order.
 *
 * Returns: a pointer into st; NULL past the last, for a NULL st or dut_port, or when prev is not a wire of st.
 * Thread safety: any thread while nobody modifies st.
 * Since: 0.1
 */
LC_API const lc_station_wire *lc_station_wire_next(const lc_station *st, unsigned slot, const char *dut_port,
					    enum lc_wire_direction dir, const lc_station_wire *prev);

/*
 * The wire with exactly the key of *key (slot, dut_port, direction, instrument, instrument_port).
 *
 * Returns: a pointer into st; NULL when there is none or an argument is NULL.
 * Thread safety: any thread while nobody modifies st.
 * Since: 0.1
 */
LC_API const lc_station_wire *lc_station_wire_find(const lc_station *st, const lc_station_wire *key);

/*
 * The reference cord with this id.
 *
 * Returns: a pointer into st; NULL when there is none or an argument is NULL.
 * Thread safety: any thread while nobody modifies st.
 * Since: 0.1
 */
LC_API const lc_reference_cord *lc_station_refcord(const lc_station *st, const char *id);

/*
 * A reference cord's known loss at a wavelength (a stored wavelength within 1 nm of it). loss_db may be
 * NULL.
 *
 * Returns: 0 with *loss_db set; LC_ERR_NOT_FOUND when the loss at that wavelength is not known or c is NULL
 * (*loss_db unchanged).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_reference_cord_loss(const lc_reference_cord *c, double wavelength_nm, double *loss_db);

/*
 * The name of a wire direction: "to_dut", "from_dut".
 *
 * Returns: a static string, never NULL ("?" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_wire_direction_name(enum lc_wire_direction d); /* "to_dut", "from_dut" */

/* ---- fixtures/paths.h ---- */
/*
 * Where the data files (cables/, limits/, stations/, scenarios/) are found at run time, in this order:
 *   1. an explicit directory given by the caller (a --fixtures option, a test),
 *   2. the environment variable LANECERT_FIXTURES,
 *   3. the source tree the library was built from (LC_SOURCE_DIR/fixtures, so a build runs from its checkout),
 *   4. the installed data directory (${datadir}/lanecert/fixtures).
 * The first that exists as a directory wins; an explicit directory or LANECERT_FIXTURES that does not exist
 * is an error (LC_ERR_NOT_FOUND), never silently skipped, so a typo does not load other data.
 *
 * Thread safety: reentrant (reads the environment, which the caller must not modify concurrently).
 */



/*
 * Resolve the fixtures directory (order above) into out (out_size bytes). explicit_dir may be NULL.
 *
 * Returns: 0 with out set; LC_ERR_ARG for a NULL out or out_size 0; LC_ERR_NOT_FOUND when explicit_dir or
 * $LANECERT_FIXTURES is not a directory, or none of the places exists; LC_ERR_OVERFLOW when the path does
 * not fit in out_size (never cut).
 * Thread safety: reentrant (see above).
 * Since: 0.1
 */
LC_API int lc_fixtures_dir(const char *explicit_dir, char *out, size_t out_size, lc_diag *diag);

/*
 * Resolve a data file into out (out_size bytes): name_or_path is used as a path when a regular file of that
 * name exists (any name, e.g. "f.lua" in the current directory); a name with a '/' must then exist;
 * otherwise it is a name looked up as <fixtures>/<kind>/<name>.json (kind: "cables", "limits", "stations",
 * "scenarios"; ".json" not added when the name ends in it). fixtures_dir may be NULL (lc_fixtures_dir(NULL)).
 *
 * Returns: 0 with out set; LC_ERR_NOT_FOUND naming what was tried; LC_ERR_ARG for a NULL argument; the errors
 * of lc_fixtures_dir(); LC_ERR_OVERFLOW when the path does not fit.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_fixtures_find(const char *fixtures_dir, const char *kind, const char *name_or_path, char *out,
		     size_t out_size, lc_diag *diag);

/*
 * Read the whole file at path (lc_read_file() with a 16 MiB limit).
 *
 * Returns: 0 with *text malloc'd and NUL-terminated (the caller frees it with free()) and *len its length
 * without the NUL; the errors of lc_read_file(): LC_ERR_NOT_FOUND, LC_ERR_PERMISSION, LC_ERR_IO,
 * LC_ERR_OVERFLOW for a file over 16 MiB, LC_ERR_NOMEM. On failure *text is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_fixtures_read_file(const char *path, char **text, size_t *len, lc_diag *diag);

/*
 * Find (lc_fixtures_find()) and read (lc_fixtures_read_file()) a data file of a kind; origin (origin_size
 * bytes) receives the name to use in messages: "cables/x.json" for the library's files, the path for a file
 * given by path (cut at origin_size - 1 bytes: it is display text).
 *
 * Returns: 0 with *text malloc'd (the caller frees it with free()) and *len its length; the errors of
 * lc_fixtures_find() and lc_fixtures_read_file(). On failure *text is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_fixtures_load_text(const char *fixtures_dir, const char *kind, const char *name_or_path, char *origin,
			  size_t origin_size, char **text, size_t *len, lc_diag *diag);

/* ---- fixtures/serial_rule.h ---- */
/*
 * What a DUT serial number may be. Serials come from barcode scanners and MES systems: they are input, and
 * they name report folders, store records and the signed trusted comment. Two layers:
 *   - the safety rules, always: 1 to LC_SERIAL_MAX bytes of printable ASCII (0x20-0x7e), no '/', not starting
 *     with a dot (so neither "..", a hidden name nor a path can come from a serial);
 *   - the station's pattern (station file "serial_pattern", a POSIX extended regular expression that must match
 *     the whole serial), by default LC_SERIAL_DEFAULT_PATTERN.
 *
 * Thread safety: reentrant (a pattern is compiled per call).
 * Since: 0.1.
 */



#define LC_SERIAL_MAX 64
#define LC_SERIAL_DEFAULT_PATTERN "[A-Za-z0-9._-]{1,64}"

/*
 * Check serial against the safety rules and pattern (NULL or "": the default).
 *
 * Returns: 0 when accepted; LC_ERR_ARG with the first rule it breaks in diag (the serial shown with
 * non-printable bytes as \xNN); LC_ERR_FORMAT when the pattern itself does not compile.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_serial_check(const char *serial, const char *pattern, lc_diag *diag);

/*
 * Check that pattern compiles as a POSIX extended regular expression. Station files are checked with it when
 * they are loaded.
 *
 * Returns: 0; LC_ERR_FORMAT with regerror's words.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_serial_pattern_check(const char *pattern, lc_diag *diag);

/*
 * The rule in words for an operator, e.g. "a serial number is 1-64 characters of A-Za-z0-9._-, not starting
 * with a dot", into buf (cap bytes; cut at cap - 1 bytes: it is display text).
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_serial_rule_text(const char *pattern, char *buf, size_t cap);

#endif
