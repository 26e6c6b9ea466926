/*
 * <lanecert/sor.h>: OTDR traces: Bellcore/Telcordia SOR files and the event analysis.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_SOR_H
#define LANECERT_SOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

/* ---- formats/sor.h ---- */
/*
 * Telcordia SR-4731 (".sor", "Bellcore") OTDR trace files: data model, reader and writer.
 *
 * The reader accepts SOR version 1 (no "Map" header, block bodies without a name header) and version 2
 * (revisions 2.00-2.20). Every field is decoded into plain data below; blocks this code does not know
 * (vendors' proprietary blocks) are kept raw under their map name so that the writer can put them back.
 * The writer always produces version 2 with a recomputed map and a CRC-16/CCITT-FALSE checksum.
 *
 * Units: the model keeps the file's own integers (times in 100 ps, losses in dB x 1000, ...), so that a
 * round trip is exact; the lc_sor_* helpers at the end convert to metres, nm, dB and seconds, and handle
 * the vendor quirks (wavelength stored in nm instead of 0.1 nm, averaging time in s or 0.01 s).
 *
 * The checksum is advisory: writers disagree on the byte range (domain-facts §6c), so a file is never
 * rejected for it; lc_sor.cksum says whether it was valid, mismatched or absent.
 *
 * Errors: a malformed or short file gives LC_ERR_FORMAT or LC_ERR_TRUNCATED with a detail naming the block
 * and the byte offset in the file. Nothing is ever printed.
 *
 * Thread safety: an lc_sor is plain data owned by its caller; the functions keep no global state and may be
 * called from any thread on different objects. Reading one lc_sor from several threads is safe.
 */



#define LC_SOR_MAX_PULSES 16      /* pulse-width entries in FxdParams (samples carry 1) */
#define LC_SOR_MAX_BLOCKS 64      /* map entries accepted */
#define LC_SOR_NAME_MAX 64        /* block name length accepted, NUL included */

/* Speed of light in vacuum (m/s), used for every time-to-distance conversion. */
#define LC_SOR_C_M_PER_S 299792458.0

typedef struct lc_sor_genparams {
	char lang[3];                /* "EN" */
	char *cable_id, *fiber_id;   /* strings are never NULL (empty ""); bytes kept as stored */
	uint16_t fiber_type;         /* ITU G.65x number, e.g. 652 (v2 only, 0 in v1) */
	uint16_t nominal_wavelength; /* nm */
	char *location_a, *location_b, *cable_code;
	char build_condition[3];     /* BC as-built, CC as-current, RC as-repaired, OT other */
	int32_t user_offset;         /* 100 ps */
	int32_t user_offset_distance; /* 10 x distance units (v2 only) */
	char *operator_name, *comment;
} lc_sor_genparams;

typedef struct lc_sor_supparams {
	char *supplier, *mainframe_id, *mainframe_sn, *module_id, *module_sn, *software_rev, *other;
} lc_sor_supparams;

typedef struct lc_sor_fxdparams {
	uint32_t timestamp;          /* Unix seconds */
	char units[3];               /* "mt", "km", "ft", "kf", "mi" */
	uint16_t wavelength;         /* 0.1 nm per the spec; see lc_sor_wavelength_nm() for the nm quirk */
	int32_t acq_offset;          /* 100 ps */
	int32_t acq_offset_distance; /* v2 */
	uint16_t n_pulses;           /* entries used in the three arrays below (>= 1) */
	uint16_t pulse_width_ns[LC_SOR_MAX_PULSES];
	uint32_t data_spacing[LC_SOR_MAX_PULSES]; /* 100 ps per 10 000 points */
	uint32_t n_points[LC_SOR_MAX_PULSES];     /* points per pulse width as stored (may differ from DataPts) */
	uint32_t group_index;        /* x 100 000 */
	uint16_t backscatter;        /* -0.1 dB units: 819 is -81.9 dB */
	uint32_t n_averages;
	uint16_t averaging_time;     /* vendor-dependent unit, see lc_sor_averaging_time_s() (v2) */
	uint32_t acq_range;          /* 100 ps */
	int32_t acq_range_distance;  /* v2 */
	int32_t front_panel_offset;  /* 100 ps */
	uint16_t noise_floor;        /* -dB x 1000 */
	int16_t noise_floor_scale;
	uint16_t power_offset;       /* dB x 1000 */
	uint16_t loss_threshold;     /* dB x 1000 */
	uint16_t refl_threshold;     /* -dB x 1000 */
	uint16_t eof_threshold;      /* dB x 1000 */
	char trace_type[3];          /* v2: ST, RT, DT, RF */
	int32_t window[4];           /* v2: X1 Y1 X2 Y2 */
} lc_sor_fxdparams;

typedef struct lc_sor_event {
	uint16_t number;
	uint32_t time;               /* one-way propagation time from the front panel, 100 ps */
	int16_t slope;               /* attenuation of the lead-in fiber, dB/km x 1000 */
	int16_t loss;                /* dB x 1000 */
	int32_t reflectance;         /* dB x 1000 (negative; 0 for a non-reflective event) */
	char code[7];                /* e.g. "1F9999": [0] 0 non-refl, 1 refl, 2 saturated; [1] A/M/E/F/O/D */
	char method[3];              /* LS, 2P, OT */
	uint32_t markers[5];         /* v2: end prev, start curr, end curr, start next, peak (100 ps) */
	char *comment;
} lc_sor_event;

typedef struct lc_sor_summary {
	int32_t total_loss;          /* dB x 1000 */
	int32_t loss_start;          /* 100 ps */
	uint32_t loss_end;
	uint16_t orl;                /* dB x 1000 */
	int32_t orl_start;
	uint32_t orl_end;
} lc_sor_summary;

typedef struct lc_sor_landmark {
	int16_t number;
	char code[3];
	int32_t location;            /* 100 ps from the user offset */
	int16_t event_number;
	int32_t gps_longitude, gps_latitude;
	int16_t fiber_correction;    /* 100 x % */
	int32_t sheath_enter, sheath_leave;
	char sheath_units[3];
	int16_t mode_field_diameter;
	char *comment;
} lc_sor_landmark;

/* One scale-factor segment of DataPts: consecutive samples, dB = value x (scale/1000) / 1000, loss grows
 * with the value. The segments follow each other along the trace. */
typedef struct lc_sor_trace_segment {
	uint16_t scale;              /* x 1000 */
	uint32_t n;
	uint16_t *values;
} lc_sor_trace_segment;

/* A block this code does not decode, kept as bytes. data excludes the "name\0" header that v2 bodies
 * start with (had_header says whether the file had one). */
typedef struct lc_sor_raw_block {
	char name[LC_SOR_NAME_MAX];
	uint16_t revision;
	bool had_header;
	uint8_t *data;
	size_t len;
} lc_sor_raw_block;

/* Where a block was in the file (map order). */
typedef struct lc_sor_block_info {
	char name[LC_SOR_NAME_MAX];
	uint16_t revision;
	uint32_t size;
	size_t offset;
} lc_sor_block_info;

enum lc_sor_cksum_status {
	LC_SOR_CKSUM_ABSENT = 0,     /* no Cksum block, or a stored 0 that no range matches (never computed) */
	LC_SOR_CKSUM_VALID = 1,
	LC_SOR_CKSUM_MISMATCH = 2,
};

/* The byte range a valid checksum covered (domain-facts §6c). */
enum lc_sor_cksum_range {
	LC_SOR_CKSUM_RANGE_NONE = 0,
	LC_SOR_CKSUM_RANGE_BEFORE_VALUE = 1, /* every byte before the stored value (pyOTDR, Noyes, HP) */
	LC_SOR_CKSUM_RANGE_BEFORE_BLOCK = 2, /* every byte before the Cksum block */
	LC_SOR_CKSUM_RANGE_ZEROED_FILE = 3,  /* the whole file with the value zeroed (Viavi) */
};

typedef struct lc_sor {
	int version;                 /* 1 or 2 */
	uint16_t map_revision;       /* 100, 200, 210, 220 */
	size_t n_blocks;
	lc_sor_block_info blocks[LC_SOR_MAX_BLOCKS];

	lc_sor_genparams gen;
	lc_sor_supparams sup;
	lc_sor_fxdparams fxd;

	bool has_events;             /* FiberCloud files can lack KeyEvents */
	size_t n_events;
	lc_sor_event *events;
	lc_sor_summary summary;

	bool has_links;
	size_t n_landmarks;
	lc_sor_landmark *landmarks;

	uint32_t n_points;           /* DataPts header count */
	size_t n_segments;
	lc_sor_trace_segment *segments;

	size_t n_raw;
	lc_sor_raw_block *raw;       /* proprietary blocks in file order */

	enum lc_sor_cksum_status cksum;
	enum lc_sor_cksum_range cksum_range;
	bool has_cksum_block;
	uint16_t cksum_stored, cksum_computed; /* computed over LC_SOR_CKSUM_RANGE_BEFORE_VALUE */
	size_t trailing_bytes;       /* bytes after the last mapped block (ignored) */
} lc_sor;

/*
 * Parse the len bytes of a SOR file image at data (version 1 or 2). data is not kept.
 *
 * Returns: 0 with *out a new lc_sor the caller frees with lc_sor_free(); LC_ERR_ARG for a NULL data or out;
 * LC_ERR_FORMAT or LC_ERR_TRUNCATED for a malformed or short file (diag names the block and the byte offset);
 * LC_ERR_NOMEM. On failure *out is NULL (when out is not NULL).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sor_read(const uint8_t *data, size_t len, lc_sor **out, lc_diag *diag);

/*
 * Read the file at path (a regular file of at most LC_SOR_MAX_FILE bytes) and parse it with lc_sor_read().
 *
 * Returns: as lc_sor_read(); also LC_ERR_ARG for a NULL path; LC_ERR_NOT_FOUND, LC_ERR_PERMISSION or LC_ERR_IO
 * for the file itself (LC_ERR_IO also for a directory or a short read); LC_ERR_OVERFLOW for a file larger
 * than LC_SOR_MAX_FILE. On failure *out is NULL, or unchanged when the file could not be read.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sor_read_file(const char *path, lc_sor **out, lc_diag *diag);

/*
 * Free sor with every string, event, landmark, trace segment and raw block it holds. NULL is ignored.
 *
 * Returns: nothing.
 * Thread safety: no other thread may use sor.
 * Since: 0.1
 */
LC_API void lc_sor_free(lc_sor *sor);

/*
 * An empty v2 model with SOR defaults (thresholds 0.2 dB / -55 dB / 3 dB, group index 1.4680, "EN", "ST",
 * every string field ""), for writers that build a file from scratch (the simulated OTDR).
 *
 * Returns: 0 with *out a new lc_sor the caller frees with lc_sor_free(); LC_ERR_ARG for a NULL out;
 * LC_ERR_NOMEM with *out unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sor_new(lc_sor **out);

/*
 * Replace the trace of sor by one segment of the n values at values (copied) at scale 1000, and set the
 * point counts to n.
 *
 * Returns: 0; LC_ERR_ARG for a NULL sor, or NULL values with n > 0; LC_ERR_NOMEM. On failure sor is unchanged.
 * Thread safety: sor by one thread.
 * Since: 0.1
 */
LC_API int lc_sor_set_trace(lc_sor *sor, const uint16_t *values, uint32_t n);

/*
 * Replace the events of sor by copies of the n at events (comments duplicated, NULL comments become ""), mark
 * it as having a KeyEvents block, and copy *summary into it when summary is not NULL.
 *
 * Returns: 0; LC_ERR_ARG for a NULL sor, NULL events with n > 0, or n > 65535; LC_ERR_NOMEM. On failure sor is
 * unchanged.
 * Thread safety: sor by one thread.
 * Since: 0.1
 */
LC_API int lc_sor_set_events(lc_sor *sor, const lc_sor_event *events, size_t n, const lc_sor_summary *summary);

/*
 * Replace the string at *field (a string field of an lc_sor, e.g. &sor->sup.supplier) by a copy of s (NULL
 * gives ""); the old string is freed.
 *
 * Returns: 0; LC_ERR_ARG for a NULL field; LC_ERR_NOMEM with *field unchanged.
 * Thread safety: the lc_sor by one thread.
 * Since: 0.1
 */
LC_API int lc_sor_set_string(char **field, const char *s);

/*
 * Encode sor as a SOR version 2 file image: the known blocks, then the raw ones, with a recomputed map and
 * its CRC-16 checksum.
 *
 * Returns: 0 with *out malloc'd (the caller frees it with free()) and *len its size; LC_ERR_ARG for a NULL
 * argument or a model SOR cannot hold (pulse widths outside 1..LC_SOR_MAX_PULSES, more than 65535 events,
 * landmarks or scale factors, too many raw blocks, an empty trace segment, a raw block without a valid
 * name); LC_ERR_NOMEM. On failure *out and *len are unchanged.
 * Thread safety: reentrant; sor is only read.
 * Since: 0.1
 */
LC_API int lc_sor_write(const lc_sor *sor, uint8_t **out, size_t *len, lc_diag *diag);

/*
 * Encode sor (lc_sor_write()) and write it at path atomically (lc_atomic_write(): temporary name, fsync,
 * rename; mode 0644; a file there is replaced).
 *
 * Returns: 0; the errors of lc_sor_write() and of lc_atomic_write(). On failure path is not touched.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sor_write_file(const lc_sor *sor, const char *path, lc_diag *diag);

/*
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection) of the len bytes at data.
 *
 * Returns: the CRC.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API uint16_t lc_sor_crc16(const uint8_t *data, size_t len);

/* ---- derived quantities ---- */

/*
 * The group index stored in FxdParams, or 1.4680 when the file stores 0.
 *
 * Returns: the group index.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_group_index(const lc_sor *sor);

/*
 * One-way time in 100 ps to metres of fibre, at lc_sor_group_index().
 *
 * Returns: the distance in metres.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_time_to_m(const lc_sor *sor, double t_100ps);

/*
 * Metres of fibre to one-way time in 100 ps (the inverse of lc_sor_time_to_m()).
 *
 * Returns: the time in 100 ps.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_m_to_time(const lc_sor *sor, double metres);

/*
 * Distance between trace points, from the first pulse width's data spacing.
 *
 * Returns: the spacing in metres (0 when the file stores none).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_point_spacing_m(const lc_sor *sor);

/*
 * Distance of trace point 0 in the frame of the KeyEvents (0 = the front panel, or the user's reference
 * point such as the end of a launch cord): minus the larger of the front-panel offset and the negated
 * acquisition offset, minus the user offset.
 *
 * Returns: the distance in metres (0 or negative for writers that start the trace before the front panel).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_trace_origin_m(const lc_sor *sor);

/*
 * The wavelength, accepting writers that store nm instead of 0.1 nm (Noyes): a stored value under 2000 is
 * taken as nm.
 *
 * Returns: the wavelength in nm.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_wavelength_nm(const lc_sor *sor);

/*
 * The averaging time: the spec's 0.1 s, EXFO's s, Noyes' 0.01 s (the unit chosen by lc_sor_vendor()).
 *
 * Returns: the time in seconds.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_averaging_time_s(const lc_sor *sor);

/*
 * A vendor name for grouping files ("EXFO", "Anritsu", "Viavi", "AFL/Noyes", "FiberCloud", "OptixS",
 * "HP/Agilent", "Yokogawa", or "other"), from SupParams (EXFO is recognised by its module IDs, since it
 * writes the customer in the supplier field).
 *
 * Returns: a static string, never NULL.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_sor_vendor(const lc_sor *sor);

/*
 * A stored event's reflectance in dB, NAN when it has none: 0 (the spec's "non-reflective"), or a
 * placeholder no OTDR can measure, below -100 dB (EXFO FTB-7400E writes INT32_MIN, -2147483.648 dB).
 *
 * Returns: the reflectance in dB, or NAN.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_event_reflectance_db(const lc_sor_event *e);

/*
 * The stored backscatter coefficient.
 *
 * Returns: the coefficient in dB (negative), 0 when not set.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API double lc_sor_backscatter_db(const lc_sor *sor);

/*
 * The total number of trace points (the sum over the segments).
 *
 * Returns: that number.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API size_t lc_sor_trace_length(const lc_sor *sor);

/*
 * The trace as levels in dB (0 at the top, decreasing with loss, i.e. -stored dB), each segment at its own
 * scale factor, lc_sor_trace_length() values.
 *
 * Returns: the number of values (0 or more) with *out malloc'd (the caller frees it with free(); allocated
 * also for 0 values); LC_ERR_OVERFLOW for more than INT_MAX points; LC_ERR_NOMEM. On failure *out is
 * unchanged.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_sor_trace_db(const lc_sor *sor, double **out);

/*
 * The name of a checksum status: "valid", "mismatch", "absent".
 *
 * Returns: a static string, never NULL ("absent" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_sor_cksum_name(enum lc_sor_cksum_status s);

/*
 * The name of the byte range a valid checksum covered: "bytes before the value", "bytes before the Cksum
 * block", "whole file, value zeroed", "none".
 *
 * Returns: a static string, never NULL ("none" for a value outside the enum).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API const char *lc_sor_cksum_range_name(enum lc_sor_cksum_range r);

#endif
