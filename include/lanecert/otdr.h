/*
 * <lanecert/otdr.h>: The OTDR event analysis: events, losses and reflectances found in a trace, and its agreement
 * with the events an instrument stored in a SOR file.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_OTDR_H
#define LANECERT_OTDR_H

#include <stdbool.h>
#include <stddef.h>

#include "sor.h"

/* ---- instruments/otdr/otdr_analysis.h ---- */
/*
 * OTDR event analysis from the trace itself: backscatter by least squares, detection of reflective,
 * non-reflective and end events, loss by the LS method, reflectance from peak height, ORL and dead zones
 * (definitions: domain-facts §6e). Works on any trace (a SOR file's, a simulated one), no instrument needed.
 *
 * Conventions: the trace is a level in dB that falls with distance (one-way dB as OTDRs display it:
 * a 1 dB splice is a 1 dB step); loss is positive for a drop, negative for a gainer; reflectance is in dB
 * (negative); distances in metres from the front panel.
 *
 * Thread safety: no global state; an lc_otdr_analysis is plain data owned by its caller.
 */

typedef struct lc_otdr_config {
	double loss_threshold_db;   /* smallest |loss| reported as a non-reflective event; SOR default 0.2;
	                               0: none, the trace's noise decides (4.5 sigma of the measured step noise) */
	double refl_threshold_db;   /* reflective events weaker (more negative) than this are ignored; -55 */
	double eof_threshold_db;    /* a drop of at least this much into the noise is the end; 3.0 */
	double backscatter_db;      /* backscatter coefficient at 1 ns; NAN: the file's, or -80 if unset or implausible */
	double launch_m;            /* length of the launch cord before the link (0: none). The connection at its end
	                               is the link's first connector: always reported, whatever its size (as Tier-2
	                               testers' launch compensation does), and link_loss_db counts from it */
	double tail_m;              /* length of a receive (tail) cord after the link (0: none). The connection at
	                               its start, tail_m before the end, is the link's last connector: always
	                               reported, and link_loss_db counts up to just after it (since 0.1) */
} lc_otdr_config;

/* What the analysis needs to know about the trace. */
typedef struct lc_otdr_trace {
	const double *level_db;     /* n points, dB */
	size_t n;
	double dx_m;                /* point spacing */
	double x0_m;                /* distance of point 0 from the front panel (usually 0) */
	double pulse_ns;
	double group_index;
} lc_otdr_trace;

enum lc_otdr_event_type {
	LC_OTDR_EVENT_REFLECTIVE = 0,
	LC_OTDR_EVENT_NONREFLECTIVE = 1,
	LC_OTDR_EVENT_END = 2,
	LC_OTDR_EVENT_LAUNCH = 3,   /* the front-panel connector at 0 m */
};

typedef struct lc_otdr_event {
	enum lc_otdr_event_type type;
	bool reflective;            /* a reflection peak was seen (also for END and LAUNCH) */
	bool saturated;             /* the peak clipped: reflectance is a lower bound */
	size_t index;               /* trace point of the event start */
	double position_m;
	double loss_db;             /* LS loss, NAN where it cannot be measured (launch, end) or where it is in the
	                               event before's: a reflection in that one's dead zone, with no backscatter
	                               between them, whose pair loss the event before carries */
	double reflectance_db;      /* NAN for non-reflective events */
	double peak_db;             /* peak height above the backscatter before the event */
	double slope_db_km;         /* attenuation of the section before the event, NAN if too short */
	double event_dead_zone_m;   /* reflective: width 1.5 dB below the peak; NAN otherwise */
	double atten_dead_zone_m;   /* reflective: until back within 0.5 dB of the backscatter; NAN otherwise */
} lc_otdr_event;

#define LC_OTDR_MAX_GHOSTS 16

typedef struct lc_otdr_analysis {
	size_t n_events;
	lc_otdr_event *events;      /* by position; the first is LAUNCH, the last END when the end was seen */
	bool end_found;
	double fiber_length_m;      /* END position, or the last backscatter point */
	double total_loss_db;       /* launch backscatter level minus the level before the end */
	double orl_db;              /* optical return loss from backscatter and reflections (positive dB) */
	double noise_floor_db;      /* level of the noise after the end */
	double noise_rms_db;
	double backscatter_db;      /* BC used for reflectance and ORL */
	double attenuation_db_km;   /* average fiber attenuation (LS over the sections) */
	int launch_event;           /* with cfg.launch_m: the index in events[] of the launch cord's far connector;
	                               -1 without a launch cord, or when the trace ends before it */
	double link_loss_db;        /* with cfg.launch_m: the backscatter level just before that connector minus
	                               the level before the end (the link's loss, its first connector included,
	                               the launch cord's fiber not), with cfg.tail_m minus the tail cord's fibre
	                               too (to just after the link's last connector); NAN otherwise */
	int tail_event;             /* with cfg.tail_m: the index in events[] of the tail cord's connector; -1
	                               without a tail cord, or when no end was found */
	size_t n_ghosts;            /* echoes found and left out of events[] (at most LC_OTDR_MAX_GHOSTS listed) */
	double ghost_m[LC_OTDR_MAX_GHOSTS]; /* their positions: a reflection with no loss step at an integer
	                               multiple (2, 3, ...) of a strong reflection's distance */
} lc_otdr_analysis;

/*
 * The SOR defaults into cfg (caller storage): loss 0.2 dB, reflectance -55 dB, end 3 dB, backscatter NAN (from
 * the file or estimated), no launch or tail cord.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_otdr_config_init(lc_otdr_config *cfg);

/*
 * The thresholds stored in sor's FxdParams, into cfg where set (0 means unset: cfg keeps its value), except
 * the loss threshold, taken as stored: 0 is an instrument that had none and listed what its noise allowed.
 *
 * Returns: nothing.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_otdr_config_from_sor(lc_otdr_config *cfg, const lc_sor *sor);

/*
 * Find the events of trace (launch, reflective, non-reflective, end; ghosts left out) with cfg's thresholds
 * (NULL: lc_otdr_config_init()'s).
 *
 * Returns: 0 with *out a new analysis the caller frees with lc_otdr_analysis_free(); LC_ERR_ARG for a NULL
 * trace or out, or a trace that cannot be analysed (fewer than 64 points, a spacing or pulse that is not
 * positive, a level that is not finite; diag says which); LC_ERR_NOMEM. On failure *out is unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_otdr_analyze(const lc_otdr_trace *trace, const lc_otdr_config *cfg, lc_otdr_analysis **out, lc_diag *diag);

/*
 * Analyse a SOR file's trace (lc_otdr_analyze()) with the file's pulse width, spacing, origin and group
 * index; cfg NULL takes the file's thresholds (lc_otdr_config_from_sor()), and a cfg without a backscatter
 * coefficient takes the file's when it has one. A file whose user offset puts its zero at the end of a
 * launch cord is analysed from the front panel with that cord as cfg's launch_m (unless cfg sets one):
 * positions are then the file's distances (the launch event at minus the cord's length), the cord's far
 * connector is launch_event, and nothing inside the cord is listed.
 *
 * Returns: as lc_otdr_analyze(); also LC_ERR_ARG for a NULL sor and LC_ERR_OVERFLOW for a trace over INT_MAX
 * points.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_otdr_analyze_sor(const lc_sor *sor, const lc_otdr_config *cfg, lc_otdr_analysis **out, lc_diag *diag);

/*
 * Free a and its events. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use a.
 * Since: 0.1
 */
LC_API void lc_otdr_analysis_free(lc_otdr_analysis *a);

/* Agreement of an analysis with the events an instrument stored in a SOR file's KeyEvents, measured the
 * strict way (issue 16): a stored event is matched by the nearest unused one of ours within
 * max(2 m, 2 point spacings); the front-panel event (stored within a pulse length and the tolerance of the
 * trace's origin) is left out on both sides. Counts and sums, so that files can be added up
 * (lc_otdr_agreement_add) per vendor and overall. */
typedef struct lc_otdr_agreement {
	size_t files;
	size_t stored;              /* stored events from past the front panel to the stored end */
	size_t found;               /* our non-launch events */
	size_t matched;             /* stored events with one of ours within the tolerance */
	double sum_offset_m;        /* sum of (ours - stored) over the matched events */
	double sum_offset_samples;  /* the same in point spacings of each file */
	double sum_abs_offset_m;
	size_t ends_shown;          /* files whose stored end is followed by a drop of the end threshold */
	size_t ends_within;         /* ... with our end within one pulse length of it */
	size_t after_end;           /* our events after the end (the stored end + a pulse length, or our own end) */
	size_t loss_compared;       /* matched events (not ends) with both losses known */
	double sum_abs_loss_diff_db;
	double tolerance_m;         /* of the last file compared (per file: max(2 m, 2 spacings)) */
} lc_otdr_agreement;

/*
 * Compare one file's analysis a with the events stored in the file's KeyEvents (see above); *out (caller
 * storage) is cleared first and counts this one file.
 *
 * Returns: 0; LC_ERR_ARG for a NULL argument (*out unchanged); LC_ERR_NOMEM (*out holds the cleared counts).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_otdr_compare_sor(const lc_sor *sor, const lc_otdr_analysis *a, lc_otdr_agreement *out);

/*
 * total += one, count by count; total's tolerance becomes one's.
 *
 * Returns: nothing.
 * Thread safety: reentrant; total belongs to the caller.
 * Since: 0.1
 */
LC_API void lc_otdr_agreement_add(lc_otdr_agreement *total, const lc_otdr_agreement *one);

/*
 * The matched share of the stored events.
 *
 * Returns: 0..1, NAN when nothing was stored.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_otdr_agreement_matched(const lc_otdr_agreement *g);

/*
 * The mean signed offset (ours - stored) of the matched events.
 *
 * Returns: metres, NAN when nothing matched.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_otdr_agreement_offset_m(const lc_otdr_agreement *g);

/*
 * The mean signed offset (ours - stored) of the matched events in point spacings of each file.
 *
 * Returns: point spacings, NAN when nothing matched.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_otdr_agreement_offset_samples(const lc_otdr_agreement *g);

/*
 * The name of an event type: "launch", "reflective", "non-reflective", "end".
 *
 * Returns: a static string, never NULL ("launch" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_otdr_event_type_name(enum lc_otdr_event_type t);

#endif
