/*
 * <lanecert/compat.h>: Link compatibility of two module ends, optionally against the cable between them.
 *
 * Part of the public API of liblanecert; include <lanecert/lanecert.h> for all of it. The rules that
 * hold for every function unless its comment says otherwise (return values, ownership, *out on failure,
 * thread safety, versions) are stated once in <lanecert/lanecert.h>; each section below names the
 * thread-safety contract of its types.
 */
#ifndef LANECERT_COMPAT_H
#define LANECERT_COMPAT_H

#include <stdbool.h>
#include <stddef.h>

#include "module.h"

/* ---- procedures/compat.h ---- */
/*
 * Can two module ends make a link? From the decoded modules (module_info.h) and, optionally, the cable
 * between them (a fixtures cable type): fiber mode SM/MM, wavelength, modulation and lane rate (PAM4
 * 100G-DR1 vs NRZ 4x25G SR4), connector polish (DR4 needs APC), breakout lane assignment (a CMIS
 * application whose lane groups match the other end's width), and the BER class of AOC ends.
 *
 * Breakouts: a parallel PMD (one fiber pair per lane: DR4, SR4, SR8...) breaks out to modules of one of its
 * lanes (400GBASE-DR4 to 100GBASE-DR), through a breakout cable; an AOC or DAC breakout end advertises the
 * leg width as a second application (4 x 100GAUI-2 on a 400GAUI-8 QSFP-DD), and the leg must match it.
 *
 * Thread safety: reentrant; results are plain data.
 */




enum lc_compat_severity { LC_COMPAT_NOTE = 0, LC_COMPAT_WARNING = 1, LC_COMPAT_ERROR = 2 };

typedef struct lc_compat_finding {
	enum lc_compat_severity severity;
	char code[32];  /* "fiber_mode", "wavelength", "modulation", "lane_rate", "lanes", "polish", "breakout",
	                   "medium", "ber_class", "cable", "unknown_interface" */
	char text[256];
} lc_compat_finding;

/* What a module end puts on the link. */
typedef struct lc_link_profile {
	bool known;
	char name[64];     /* "400GBASE-DR4" */
	char medium[8];    /* "SM", "MM", "AOC", "CU" */
	unsigned lanes;
	double gbps_per_lane;
	bool pam4;
	double nm;         /* 0: a WDM grid or copper */
	bool parallel, apc;
	unsigned leg_lanes, legs; /* a breakout application: legs x leg_lanes (0 when none) */
	int ber_class;     /* AOC: CMIS active-cable media id 1..4, or SFF-8636 compliance code; 0 unknown */
} lc_link_profile;

#define LC_COMPAT_FINDINGS_MAX 24

typedef struct lc_compat_result {
	bool compatible;   /* no error finding */
	lc_link_profile a, b;
	size_t n;
	lc_compat_finding findings[LC_COMPAT_FINDINGS_MAX];
} lc_compat_result;

/*
 * What the end m puts on the link: its interface from the CMIS application 1 or SFF-8636 compliance codes,
 * through the table of procedures/compat_media.def (out->known false when the table does not know it).
 *
 * Returns: nothing; *out is always filled.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API void lc_link_profile_of(const lc_module_info *m, lc_link_profile *out);

/*
 * Check ends a and b, with the fixtures cable type `cable` between them (NULL: none given; for AOC/DAC the
 * ends are one assembly); fixtures_dir may be NULL (lc_fixtures_dir()). The findings and the verdict go to
 * *out (compatible = no error finding).
 *
 * Returns: 0 with *out filled, whatever the verdict; LC_ERR_NOT_FOUND / LC_ERR_FORMAT (and the other errors
 * of lc_channel_load()) for a cable that cannot be loaded. On failure *out holds no findings.
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_compat_check(const lc_module_info *a, const lc_module_info *b, const char *cable, const char *fixtures_dir,
		    lc_compat_result *out, lc_diag *diag);

/*
 * The result as JSON text: {"compatible", "a": profile, "b": profile, "findings": [{"severity", "code",
 * "text"}]}, two-space indentation.
 *
 * Returns: 0 with *json malloc'd and NUL-terminated (the caller frees it with free()); LC_ERR_ARG for a NULL
 * r or json; LC_ERR_NOMEM. On failure *json is NULL (when json is not NULL).
 * Thread safety: reentrant.
 * Since: 0.1
 */
LC_API int lc_compat_json(const lc_compat_result *r, char **json, lc_diag *diag);

#endif
