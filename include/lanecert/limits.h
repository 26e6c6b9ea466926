/*
 * <lanecert/limits.h>: Verdicts, limit sets from the standards, loss budgets of a channel.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_LIMITS_H
#define LANECERT_LIMITS_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"
#include "channel.h"

/* ---- fixtures/verdict.h ---- */
/*
 * Verdicts, ordered so that a parent's verdict is the maximum of its children's:
 *   pass < inconclusive < fail < aborted < error
 * An instrument or station problem is `error`, never `fail` of the cable; nothing is `pass` that was not
 * measured (a step with no measurement stays LC_VERDICT_NONE, which aggregates as inconclusive at run level).
 *
 * Lives in fixtures/ beside the limits it is judged against; procedures/ and reports/ use it (drivers never do).
 */

enum lc_verdict {
	LC_VERDICT_NONE = 0,         /* nothing judged yet */
	LC_VERDICT_PASS = 10,
	LC_VERDICT_INCONCLUSIVE = 20,
	LC_VERDICT_FAIL = 30,
	LC_VERDICT_ABORTED = 40,
	LC_VERDICT_ERROR = 50,
};

/*
 * The worse of two verdicts (verdicts aggregate by maximum: none < pass < inconclusive < fail < aborted <
 * error).
 *
 * Returns: the larger.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API enum lc_verdict lc_verdict_max(enum lc_verdict a, enum lc_verdict b);
/*
 * The name of a verdict: "pass", "inconclusive", "fail", "aborted", "error", "none".
 *
 * Returns: a static string, never NULL: "none" for LC_VERDICT_NONE and values outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_verdict_name(enum lc_verdict v);
/*
 * Parse a verdict name as lc_verdict_name() spells it (case-insensitive; "none" is LC_VERDICT_NONE).
 *
 * Returns: the verdict; -1 for NULL or an unknown name.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_verdict_parse(const char *s);
/*
 * The exit code of `lanecert run` for an overall verdict.
 *
 * Returns: 0 pass, 1 fail, 2 inconclusive, 3 error, 4 aborted; 2 for LC_VERDICT_NONE (nothing measured is
 * never a pass) and values outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_verdict_exit_code(enum lc_verdict v);

/* ---- fixtures/limits.h ---- */
/*
 * Limits: rows loaded from the JSON files of fixtures/limits/ (IEEE 802.3 PMD channel insertion loss, TIA-568.3-E
 * component limits, return loss by polish, custom limits), each with its standard, its source and the
 * UNCONFIRMED flag carried from shared/reference/domain-facts.md. No number from a standard is compiled in:
 * a site that has the purchased standard corrects the data file, or adds a custom file whose rows replace
 * rows of the same id.
 *
 * A check compares a value against one row and gives value, unit, limit, margin and verdict:
 *   max   (value <= high)       margin = high - value
 *   min   (value >= low)        margin = value - low
 *   range (low <= value <= high) margin = the smaller of the two
 * A value exactly on the limit passes (the standards write "<=" and ">="). A positive margin is inside the
 * limit. With an uncertainty u > 0, |margin| < u is inconclusive (the measurement cannot tell).
 *
 * Thread safety: an lc_limits set is immutable once loaded; readers may share it. lc_limit_check() is
 * reentrant.
 */



enum lc_limit_cmp {
	LC_CMP_MAX = 1,   /* value <= high */
	LC_CMP_MIN = 2,   /* value >= low */
	LC_CMP_RANGE = 3, /* low <= value <= high */
};

/* Well-known quantities (the "quantity" key of a row). Custom rows may use any other word. */
#define LC_Q_CHANNEL_IL "channel_il"           /* IEEE PMD max channel insertion loss, dB */
#define LC_Q_CONNECTION_ALLOC "connection_alloc" /* IEEE connection + splice allocation, dB */
#define LC_Q_MATED_PAIR "mated_pair_loss"      /* per mated connector pair, dB (grade selects the row) */
#define LC_Q_SPLICE "splice_loss"              /* per splice, dB */
#define LC_Q_ATTENUATION "attenuation"         /* cabled fiber, dB/km, by category and wavelength */
#define LC_Q_RETURN_LOSS "return_loss"         /* minimum connector return loss, dB, by mode and polish */
#define LC_Q_REFLECTANCE "reflectance"         /* maximum discrete reflectance, dB (negative) */
#define LC_Q_TEST_WAVELENGTH "test_wavelength" /* a loss-test wavelength for a mode (range row: low = nm) */

typedef struct lc_limit {
	char id[LC_NAME_MAX];       /* unique: "ieee.400GBASE-DR4.channel_il" */
	char quantity[32];
	char unit[16];              /* "dB", "dB/km", "nm" */
	enum lc_limit_cmp cmp;
	double low, high;           /* the bound(s) used by cmp; the other is NAN */
	/* selectors: empty string / 0 / LC_*_NONE = any */
	char pmd[LC_NAME_MAX];
	enum lc_fiber_mode mode;
	enum lc_fiber_category category;
	enum lc_polish polish;
	double wavelength_nm;
	char grade[24];             /* mated pairs: "standard", "reference-standard", "reference-reference" */
	char set[24];               /* limit set ("reference-grade", "typical", "standard-max"): the row serves only
				     * a design that names this set (its "limit_set"), before any row without one */
	/* provenance */
	char standard[LC_NAME_MAX]; /* "IEEE 802.3cm-2020 Cl.138" */
	char source[LC_TEXT_MAX];   /* "[TIAFOTC-SR8] https://..." */
	bool unconfirmed;
	char note[LC_TEXT_MAX];
	char origin[LC_NAME_MAX];   /* the file it came from ("limits/ieee-802.3.json") */
	/* An UNCONFIRMED row the station's limits confirmation file confirmed (lc_limits_confirm()): that file's
	 * name and SHA-256 (64 lowercase hex digits), shown on the certificate next to the limit; "" otherwise.
	 * unconfirmed is then false. Since 0.1. */
	char confirmed_by[LC_NAME_MAX];
	char confirmed_sha256[65];
} lc_limit;

typedef struct lc_check_result {
	double value;
	char unit[16];
	enum lc_limit_cmp cmp;
	double low, high;
	double margin;             /* > 0 inside, < 0 outside, in unit */
	enum lc_verdict verdict;   /* LC_VERDICT_PASS, _FAIL or _INCONCLUSIVE */
	bool unconfirmed;          /* the limit row is UNCONFIRMED: say so next to the verdict */
	char limit_id[LC_NAME_MAX];
} lc_check_result;

/*
 * Judge value against lim: lc_limit_check_u() with no uncertainty.
 *
 * Returns: as lc_limit_check_u().
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_limit_check(const lc_limit *lim, double value, lc_check_result *out);
/*
 * Judge value against lim with a measurement uncertainty (>= 0, same unit): the margin (positive inside
 * the limit; for a range the nearer side) decides pass or fail, and |margin| < uncertainty is
 * inconclusive. *out gets the value, the row's bounds, id, unit and unconfirmed flag, and the verdict.
 *
 * Returns: 0 with *out filled; LC_ERR_ARG for a NULL lim or out, a value or uncertainty that is not finite,
 * a negative uncertainty, or a row whose bound for its comparison is not finite (*out unchanged).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_limit_check_u(const lc_limit *lim, double value, double uncertainty, lc_check_result *out);
/*
 * A ready-made row "value <= high" (Tier-1 length-based budgets, custom limits from code): *lim zeroed, id,
 * quantity and unit copied (NULL: "", cut to the arrays), low NAN.
 *
 * Returns: nothing.
 * Thread safety: lim belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_limit_init_max(lc_limit *lim, const char *id, const char *quantity, const char *unit, double high);
/*
 * The name of a comparison: "max", "min", "range".
 *
 * Returns: a static string, never NULL: "?" for a value outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_limit_cmp_name(enum lc_limit_cmp c);

/* ---- sets of rows ---- */

typedef struct lc_limits lc_limits;

/*
 * An empty set of limit rows.
 *
 * Returns: a new set the caller frees with lc_limits_free(); NULL when out of memory.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API lc_limits *lc_limits_new(void);
/*
 * Free a set (NULL is allowed); the rows returned by it become invalid.
 *
 * Returns: nothing.
 * Thread safety: must not race with readers of lim.
 * Since: 0.1
 */
LC_API void lc_limits_free(lc_limits *lim);
/*
 * Load every .json file of <fixtures>/limits/ (hidden files skipped, sorted by name, however many) with
 * lc_limits_add_file(); fixtures_dir may be NULL (lc_fixtures_dir()).
 *
 * Returns: 0 with *out a new set the caller frees with lc_limits_free(); the errors of lc_fixtures_dir();
 * LC_ERR_NOT_FOUND when the limits folder cannot be opened; the errors of lc_limits_add_file() for the
 * first bad file (diag names it); LC_ERR_NOMEM. On failure *out is unchanged and nothing is allocated.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_limits_load(const char *fixtures_dir, lc_limits **out, lc_diag *diag);
/*
 * Add the rows of one limits file (custom limits; origin "limits/<file name>"): lc_limits_add_json() on
 * its text (at most the fixtures' file size limit).
 *
 * Returns: 0; the errors of lc_read_file() (LC_ERR_NOT_FOUND, LC_ERR_PERMISSION, LC_ERR_IO,
 * LC_ERR_OVERFLOW ...) and of lc_limits_add_json().
 * Thread safety: lim is written: no concurrent use.
 * Since: 0.1
 */
LC_API int lc_limits_add_file(lc_limits *lim, const char *path, lc_diag *diag);
/*
 * Add the rows of a limits document (format "lanecert-limits/1") of len bytes at text; origin names it in
 * messages. Every row is parsed before any is added, so a bad document adds nothing; a row whose id exists
 * in lim replaces it (custom files override).
 *
 * Returns: 0; LC_ERR_ARG for a NULL lim; LC_ERR_FORMAT for a document that is not JSON, not that format, or
 * has an unknown key, a bad field or an id twice (diag names the file and the JSON path); LC_ERR_NOMEM.
 * Thread safety: lim is written: no concurrent use.
 * Since: 0.1
 */
LC_API int lc_limits_add_json(lc_limits *lim, const char *text, size_t len, const char *origin, lc_diag *diag);

/*
 * The number of rows in lim.
 *
 * Returns: the count; 0 for a NULL lim.
 * Thread safety: reentrant for a set no one writes.
 * Since: 0.1
 */
LC_API size_t lc_limits_count(const lc_limits *lim);
/*
 * Row i of lim, in the order loaded.
 *
 * Returns: the row, owned by lim (valid until it is freed or rows are added); NULL for a NULL lim or i past
 * the end.
 * Thread safety: reentrant for a set no one writes.
 * Since: 0.1
 */
LC_API const lc_limit *lc_limits_at(const lc_limits *lim, size_t i);
/*
 * The row with this id.
 *
 * Returns: the row, owned by lim (valid until it is freed or rows are added); NULL for a NULL argument or
 * an unknown id.
 * Thread safety: reentrant for a set no one writes.
 * Since: 0.1
 */
LC_API const lc_limit *lc_limits_find(const lc_limits *lim, const char *id);

/*
 * Confirm the UNCONFIRMED row id: it loses its unconfirmed flag and records by (the confirmation file's
 * name, cut to LC_NAME_MAX - 1 bytes) and sha256_hex (that file's SHA-256), which a certificate shows.
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument or a digest that is not 64 lowercase hex digits;
 * LC_ERR_NOT_FOUND for an unknown id; LC_ERR_STATE for a row that is not marked UNCONFIRMED (a confirmed
 * row needs none, and a second confirmation would hide the first).
 * Thread safety: lim is written: no concurrent use.
 * Since: 0.1
 */
LC_API int lc_limits_confirm(lc_limits *lim, const char *id, const char *by, const char *sha256_hex, lc_diag *diag);
/*
 * Apply a station's limits confirmation file (format "lanecert-limits-confirmation/1", docs/fixtures.md) of
 * len bytes at text, named name, whose SHA-256 is sha256_hex: each row it lists (by id, with the bounds it
 * confirms, "min"/"max" as in the limits files, and what it was "checked_against") must be a row of lim marked
 * UNCONFIRMED with exactly those bounds; then every one of them is confirmed (lc_limits_confirm()). A row
 * whose number differs from the confirmed one stays UNCONFIRMED: the file is refused.
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument or a bad digest; LC_ERR_FORMAT (the file and JSON path named)
 * for a document that is not JSON or not that format, an unknown key, an unknown row, a row that is not
 * UNCONFIRMED, one listed twice or bounds that differ. On failure no row is confirmed.
 * Thread safety: lim is written: no concurrent use.
 * Since: 0.1
 */
LC_API int lc_limits_confirm_json(lc_limits *lim, const char *text, size_t len, const char *name,
				  const char *sha256_hex, lc_diag *diag);

/* What a caller looks for; NULL / 0 / *_NONE fields are "don't care". */
typedef struct lc_limit_query {
	const char *quantity; /* required */
	const char *pmd;
	enum lc_fiber_mode mode;
	enum lc_fiber_category category;
	enum lc_polish polish;
	double wavelength_nm;
	const char *grade;
	const char *set;      /* the design's limit set: rows of this set first, then rows of no set */
} lc_limit_query;

/*
 * The best row for a query: every selector the row sets must agree with the query (a row's wavelength
 * agrees within 60 nm, the nearest wins, so the 1310 nm row serves the CWDM lanes 1271..1331); among
 * agreeing rows the most specific wins, then the one loaded last (custom files override).
 *
 * Returns: the row, owned by lim (valid until it is freed or rows are added); NULL when no row agrees or
 * for a NULL lim, q or q->quantity.
 * Thread safety: reentrant for a set no one writes.
 * Since: 0.1
 */
LC_API const lc_limit *lc_limits_match(const lc_limits *lim, const lc_limit_query *q);

/*
 * The IEEE maximum channel insertion loss for a PMD on a fiber category (category may be LC_CAT_NONE):
 * lc_limits_match() with quantity "channel_il".
 *
 * Returns: as lc_limits_match().
 * Thread safety: reentrant for a set no one writes.
 * Since: 0.1
 */
LC_API const lc_limit *lc_limits_channel_il(const lc_limits *lim, const char *pmd, enum lc_fiber_category cat);

/*
 * The loss-test wavelengths for a mode (rows of quantity "test_wavelength" for that mode or for any),
 * ascending and without duplicates (within 0.5 nm); at most max are written to out.
 *
 * Returns: the number of wavelengths (may exceed max: call again with a larger array); 0 for a NULL lim.
 * Thread safety: reentrant for a set no one writes.
 * Since: 0.1
 */
LC_API size_t lc_limits_test_wavelengths(const lc_limits *lim, enum lc_fiber_mode mode, double *out, size_t max);

/*
 * The limit sets the loaded rows name (each row's "set": "reference-grade", "standard-max", "typical" in the
 * shipped limits/limit-sets.json, plus any a --limits file adds), ascending by strcmp and without duplicates;
 * the first max of them are written to out. A set is known only by its rows: a name no row carries prices
 * nothing (lc_channel_set_limit_set() would fall back to the rows of no set), so hosts refuse it.
 *
 * Returns: the number of distinct sets (may exceed max: call again with a larger array); 0 for a NULL lim.
 * The strings belong to lim and stay valid until lc_limits_free() or the next lc_limits_add_file().
 * Thread safety: reentrant for a set no one writes.
 * Since: 0.1
 */
LC_API size_t lc_limits_set_names(const lc_limits *lim, const char **out, size_t max);

/* ---- fixtures/budget.h ---- */
/*
 * Loss budget and events along the paths of a channel (fixtures/channel.h), from component limits
 * (fixtures/limits.h): each mated connector pair, splice and fiber length contributes, and every contribution
 * is listed with the limit row it came from. This is the Tier-1 length-based limit of TIA-568.3 / the Fluke
 * custom-limit model: sum(n_conn x conn_loss) + sum(n_splice x splice_loss) + length x attenuation(lambda);
 * a cassette or harness that declares its module loss contributes that instead of its connector pair.
 *
 * Which mated pairs count: every mating between two components of the chain (standard grade), and, at a
 * chain end that is a separable optical connector not belonging to a transceiver, the mating with the
 * tester's reference cord (grade "reference-standard") — the 1-jumper method, which includes both link ends.
 *
 * Events are for OTDR synthesis: one per mated pair or splice in path order, with the budget's loss and a
 * reflectance of minus the minimum return loss for its polish and mode (worst case allowed); 0 means
 * non-reflective. Segments give the fiber sections with their attenuation.
 *
 * Thread safety: reentrant; the channel and limits are only read.
 */



enum lc_budget_kind {
	LC_BUDGET_MATED_PAIR = 1,
	LC_BUDGET_SPLICE,
	LC_BUDGET_FIBER,
	LC_BUDGET_MODULE,
};

typedef struct lc_budget_item {
	enum lc_budget_kind kind;
	char component[LC_NAME_MAX]; /* fiber/splice/module: the component; mated pair: the left one ("" = tester) */
	char other[LC_NAME_MAX];     /* mated pair: the right one ("" = tester) */
	char description[LC_TEXT_MAX];
	unsigned count;              /* items in this line (pairs, splices); 1 for fiber */
	double each;                 /* dB per item, or dB/km for fiber */
	double length_m;             /* fiber only */
	double loss_db;              /* this line's contribution */
	char limit_id[LC_NAME_MAX];  /* the limits row used */
	bool unconfirmed;
} lc_budget_item;

#define LC_BUDGET_ITEMS_MAX 64

typedef struct lc_budget {
	double wavelength_nm;
	size_t path;       /* the path (map entry index) this budget is for */
	double total_db;
	double length_m;   /* total fiber length of the path */
	bool unconfirmed;  /* at least one row used is UNCONFIRMED */
	size_t count;
	lc_budget_item items[LC_BUDGET_ITEMS_MAX];
} lc_budget;

/*
 * The budget of one path (an index of the channel's fiber map) at a wavelength: each mated pair, splice,
 * fiber length and module loss with the limit row it came from, and the total.
 *
 * Returns: 0 with *out filled; LC_ERR_ARG for a NULL ch, lim or out or a wavelength that is not positive;
 * LC_ERR_UNSUPPORTED for a copper (DAC) or AOC channel; LC_ERR_NOT_FOUND for a path index past the map or a
 * limit row that is missing (the detail names the quantity and selectors); LC_ERR_OVERFLOW if more than
 * LC_BUDGET_ITEMS_MAX lines would be needed. On failure *out is unspecified.
 * Thread safety: reentrant for a channel and a set no one writes.
 * Since: 0.1
 */
LC_API int lc_channel_path_budget(const lc_channel *ch, const lc_limits *lim, size_t path, double wavelength_nm,
			   lc_budget *out, lc_diag *diag);
/*
 * The budget of the worst path (the highest total) of the channel's map at a wavelength.
 *
 * Returns: 0 with *out filled; LC_ERR_ARG for a NULL ch or out; LC_ERR_UNSUPPORTED for a copper (DAC) or
 * AOC channel; LC_ERR_STATE when no fiber runs end to end (an empty map); the errors of
 * lc_channel_path_budget(). On failure *out is unspecified.
 * Thread safety: reentrant for a channel and a set no one writes.
 * Since: 0.1
 */
LC_API int lc_channel_budget(const lc_channel *ch, const lc_limits *lim, double wavelength_nm, lc_budget *out,
		      lc_diag *diag);

enum lc_event_type {
	LC_EVENT_CONNECTOR = 1, /* mated pair (reflective) */
	LC_EVENT_SPLICE,        /* non-reflective */
	LC_EVENT_MODULE,        /* cassette/harness with a declared module loss (two connectors close together) */
	LC_EVENT_END,           /* end of the path */
};

typedef struct lc_event {
	double position_m;      /* from the start of the path, in the direction asked */
	enum lc_event_type type;
	double loss_db;
	double reflectance_db;  /* negative dB, 0 = non-reflective */
	char component[LC_NAME_MAX];
	char other[LC_NAME_MAX];
} lc_event;

typedef struct lc_segment {
	double start_m;         /* from the start of the path, in the direction asked */
	double length_m;
	double atten_db_per_km;
	enum lc_fiber_mode mode;
	enum lc_fiber_category category;
	char component[LC_NAME_MAX];
} lc_segment;

/*
 * The events of a path seen from end `from_end` (0 = A, 1 = B), end connections and an LC_EVENT_END
 * included, written up to max into out (out may be NULL when max is 0).
 *
 * Returns: the total count (which may exceed max: call again with a larger array); LC_ERR_ARG for a NULL
 * ch or lim, from_end above 1, or a NULL out with max > 0; LC_ERR_UNSUPPORTED for a copper or AOC channel;
 * LC_ERR_NOT_FOUND for a path past the map or a missing limit row; LC_ERR_OVERFLOW for a path too long to
 * walk.
 * Thread safety: reentrant for a channel and a set no one writes.
 * Since: 0.1
 */
LC_API int lc_channel_path_events(const lc_channel *ch, const lc_limits *lim, size_t path, double wavelength_nm,
			   unsigned from_end, lc_event *out, size_t max, lc_diag *diag);
/*
 * The fiber sections of a path seen from from_end, with the counting contract of
 * lc_channel_path_events().
 *
 * Returns: as lc_channel_path_events().
 * Thread safety: reentrant for a channel and a set no one writes.
 * Since: 0.1
 */
LC_API int lc_channel_path_segments(const lc_channel *ch, const lc_limits *lim, size_t path, double wavelength_nm,
			     unsigned from_end, lc_segment *out, size_t max, lc_diag *diag);

/*
 * The Tier-1 length-based limit of a budget: a row "value <= total_db" with id "tier1.<name>.<nm>nm"
 * (name NULL: "channel"), quantity "insertion_loss", unit "dB", unconfirmed when the budget used
 * UNCONFIRMED rows, and a source that says how it was computed. A measured IL is then judged with
 * lc_limit_check().
 *
 * Returns: nothing; *out is always filled.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_budget_limit(const lc_budget *b, const char *name, lc_limit *out);

/*
 * The name of a budget line's kind: "mated_pair", "splice", "fiber", "module".
 *
 * Returns: a static string, never NULL: "?" for a value outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_budget_kind_name(enum lc_budget_kind k);
/*
 * The name of an event type: "connector", "splice", "module", "end".
 *
 * Returns: a static string, never NULL: "?" for a value outside the enum.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_event_type_name(enum lc_event_type t);

#endif
