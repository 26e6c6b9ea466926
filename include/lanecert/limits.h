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

/* The larger of two verdicts. */
enum lc_verdict lc_verdict_max(enum lc_verdict a, enum lc_verdict b);
/* "pass", "inconclusive", "fail", "aborted", "error", "none". */
LC_API const char *lc_verdict_name(enum lc_verdict v);
/* Parse a name (case-insensitive). Returns the verdict, or -1. */
LC_API int lc_verdict_parse(const char *s);
/* Exit code of `lanecert run` for an overall verdict: 0 pass, 1 fail, 2 inconclusive, 3 error, 4 aborted.
 * LC_VERDICT_NONE (nothing measured) exits as inconclusive. */
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
	/* provenance */
	char standard[LC_NAME_MAX]; /* "IEEE 802.3cm-2020 Cl.138" */
	char source[LC_TEXT_MAX];   /* "[TIAFOTC-SR8] https://..." */
	bool unconfirmed;
	char note[LC_TEXT_MAX];
	char origin[LC_NAME_MAX];   /* the file it came from ("limits/ieee-802.3.json") */
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

/* Check value against lim. LC_ERR_ARG if value is not finite or the row is incomplete. */
LC_API int lc_limit_check(const lc_limit *lim, double value, lc_check_result *out);
/* Same with a measurement uncertainty (>= 0, same unit): |margin| < uncertainty is inconclusive. */
LC_API int lc_limit_check_u(const lc_limit *lim, double value, double uncertainty, lc_check_result *out);
/* A ready-made row: value <= high (used for Tier-1 length-based budgets and custom limits from code). */
LC_API void lc_limit_init_max(lc_limit *lim, const char *id, const char *quantity, const char *unit, double high);
LC_API const char *lc_limit_cmp_name(enum lc_limit_cmp c); /* "max", "min", "range" */

/* ---- sets of rows ---- */

typedef struct lc_limits lc_limits;

LC_API lc_limits *lc_limits_new(void); /* empty set, NULL on out of memory */
LC_API void lc_limits_free(lc_limits *lim);
/* Load every .json file of <fixtures>/limits/ (sorted by name). fixtures_dir may be NULL (lc_fixtures_dir). */
LC_API int lc_limits_load(const char *fixtures_dir, lc_limits **out, lc_diag *diag);
/* Add the rows of one file (custom limits): a row whose id exists replaces it. */
LC_API int lc_limits_add_file(lc_limits *lim, const char *path, lc_diag *diag);
LC_API int lc_limits_add_json(lc_limits *lim, const char *text, size_t len, const char *origin, lc_diag *diag);

LC_API size_t lc_limits_count(const lc_limits *lim);
LC_API const lc_limit *lc_limits_at(const lc_limits *lim, size_t i);
LC_API const lc_limit *lc_limits_find(const lc_limits *lim, const char *id);

/* What a caller looks for; NULL / 0 / *_NONE fields are "don't care". */
typedef struct lc_limit_query {
	const char *quantity; /* required */
	const char *pmd;
	enum lc_fiber_mode mode;
	enum lc_fiber_category category;
	enum lc_polish polish;
	double wavelength_nm;
	const char *grade;
} lc_limit_query;

/*
 * The best row for a query: every selector the row sets must agree with the query (a row's wavelength
 * agrees within 60 nm, the nearest wins, so the 1310 nm row serves the CWDM lanes 1271..1331); among
 * agreeing rows the most specific wins, then the one loaded last (custom files override). NULL if none.
 */
LC_API const lc_limit *lc_limits_match(const lc_limits *lim, const lc_limit_query *q);

/* The IEEE max channel IL for a PMD on a fiber category (category may be LC_CAT_NONE). */
LC_API const lc_limit *lc_limits_channel_il(const lc_limits *lim, const char *pmd, enum lc_fiber_category cat);

/* The loss-test wavelengths for a mode (rows of quantity "test_wavelength"), ascending, up to max written;
 * returns the count. */
LC_API size_t lc_limits_test_wavelengths(const lc_limits *lim, enum lc_fiber_mode mode, double *out, size_t max);

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
 * Budget of one path (a map index) at a wavelength. LC_ERR_NOT_FOUND if a needed limit row is missing (the
 * detail names the quantity and selectors), LC_ERR_UNSUPPORTED for a copper (DAC) or AOC channel,
 * LC_ERR_OVERFLOW if more than LC_BUDGET_ITEMS_MAX lines would be needed.
 */
LC_API int lc_channel_path_budget(const lc_channel *ch, const lc_limits *lim, size_t path, double wavelength_nm,
			   lc_budget *out, lc_diag *diag);
/* The worst (highest total) path's budget. LC_ERR_STATE if the channel has no complete path. */
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
 * Events of a path seen from end `from_end` (0 = A, 1 = B), written up to max; returns the total count (which
 * may exceed max: call again with a larger array). Includes the end connections and an LC_EVENT_END.
 */
LC_API int lc_channel_path_events(const lc_channel *ch, const lc_limits *lim, size_t path, double wavelength_nm,
			   unsigned from_end, lc_event *out, size_t max, lc_diag *diag);
/* Fiber sections of a path seen from from_end; same counting contract as events. */
LC_API int lc_channel_path_segments(const lc_channel *ch, const lc_limits *lim, size_t path, double wavelength_nm,
			     unsigned from_end, lc_segment *out, size_t max, lc_diag *diag);

/*
 * The Tier-1 length-based limit of a budget: a row "value <= total_db" with id "tier1.<name>.<nm>nm",
 * quantity "insertion_loss", unit "dB", unconfirmed when the budget used UNCONFIRMED rows, and a source that
 * says how it was computed. A measured IL is then judged with lc_limit_check().
 */
LC_API void lc_budget_limit(const lc_budget *b, const char *name, lc_limit *out);

LC_API const char *lc_budget_kind_name(enum lc_budget_kind k); /* "mated_pair", "splice", "fiber", "module" */
LC_API const char *lc_event_type_name(enum lc_event_type t);   /* "connector", "splice", "module", "end" */

#endif
