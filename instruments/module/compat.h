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
#ifndef LC_MODULE_COMPAT_H
#define LC_MODULE_COMPAT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/error.h"
#include "instruments/module/module_info.h"

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

/* The profile of one end. */
void lc_link_profile_of(const lc_module_info *m, lc_link_profile *out);

/* Check ends a and b, with the fixtures cable type `cable` between them (NULL: none given; for AOC/DAC the
 * ends are one assembly). fixtures_dir may be NULL. LC_ERR_NOT_FOUND / LC_ERR_FORMAT for a bad cable. */
int lc_compat_check(const lc_module_info *a, const lc_module_info *b, const char *cable, const char *fixtures_dir,
		    lc_compat_result *out, lc_diag *diag);

/* {"compatible", "a": profile, "b": profile, "findings": [{"severity","code","text"}]} */
json_t *lc_compat_json(const lc_compat_result *r);

#endif
