/*
 * A module's own PRBS generators and checkers (CMIS diagnostics pages 13h and 14h): what a module advertises,
 * switching generator and checker per lane and side, and the BER its checker reports. This is how BER is
 * measured through transceivers whose DSP re-frames the lanes (a BERT's PRBS does not pass module to module
 * bit for bit): one module's media-side generator, the far module's media-side checker.
 *
 * Byte map (docs/module.md "Diagnostics pages"): none of it is in shared/reference/ (domain-facts §5c has no
 * diagnostics pages). Each fact is from public implementations, not from the CMIS text:
 *   page 01h byte 142 bit 5: pages 13h/14h supported (sonic-net/sonic-platform-common
 *   sonic_platform_base/sonic_xcvr/mem_maps/public/cmis.py, DIAG_PAGE_SUPPORT_ADVT_FIELD); page 13h is read
 *   only when it is set;
 *   page 13h 128..139 advertisement, 144/152/160/168 generator/checker enables (host gen, media gen, host
 *   checker, media checker: bit n = lane n+1), 148-151/156-159/164-167/172-175 pattern selects (a nibble per
 *   lane, pattern ids 0 PRBS-31Q, 1 PRBS-31 ... 12 SSPRQ), page 14h byte 128 the diagnostics selector (1 =
 *   BER), 138/139 host/media checker loss-of-lock latches, 192..207 host BER, 208..223 media BER per lane:
 *   facebook/fboss fboss/qsfp_service/module/cmis/CmisModule.cpp (cmisFields, prbsPatternMap,
 *   setPortPrbsLocked, getPortPrbsStatsSideLocked);
 *   the advertisement's bits (129 gating bits 7-6, 130 bit 0 "BER register", the 16-bit pattern masks read
 *   little-endian, bit n = pattern id n): SONiC's sonic_platform_base/sonic_sfp/inf8628.py class inf8628Diag
 *   (the revision that goes with SONiC's "CMIS 4.0 Diagnostic Support" HLD,
 *   platforms/diagnostics/cmis/cmis_4_0_diagostic_support.md);
 *   the BER format, 5-bit exponent (bias 24) and 11-bit mantissa, exponent and mantissa high bits in the first
 *   byte: both FBOSS QsfpModule::getBerFloatValue and inf8628Diag.calc_ber (they agree).
 * UNCONFIRMED, hence not relied on: which nibble of a pattern-select byte is the lower lane (FBOSS writes the
 * same pattern to both, and so does this driver); how long after a selector write the results are valid
 * (FBOSS waits 10 ms in one revision and defines 200 ms in another: the caller's settle_ms); the error-count
 * selectors (not used).
 *
 * Thread safety: as the module (each function holds the bus lock for its read-modify-writes).
 */
#ifndef LC_MODULE_DIAG_H
#define LC_MODULE_DIAG_H

#include <stdbool.h>
#include <stdint.h>

#include "instruments/module/module.h"

enum lc_prbs_side { LC_PRBS_HOST = 0, LC_PRBS_MEDIA = 1 };

#define LC_PRBS_PATTERNS 13 /* ids 0..12: PRBS-31Q, PRBS-31, ..., PRBS-7, SSPRQ */

typedef struct lc_module_diag_caps {
	bool present;          /* the module implements page 13h (a CMIS module that advertises diagnostics) */
	uint8_t loopback;      /* 13h:128 as read */
	uint8_t pattern_caps;  /* 13h:129: bits 7-6 gating, bit 5 latched errors, bit 4 real-time BER ... */
	uint8_t report_caps;   /* 13h:130: bit 0 BER register, bit 1 error count / total bits ... */
	uint16_t gen[2], chk[2]; /* [side]: 13h:132/134 generator, 136/138 checker patterns, bit n = pattern id n */
} lc_module_diag_caps;

/* The module's bus (module.c), for holding its lock across a read-modify-write. */
lc_i2c *lc_module_i2c(lc_module *mod);

/* The advertisement in page 13h (p = its 128 bytes, offset 128 first). LC_ERR_ARG for NULL arguments. */
int lc_module_diag_caps_decode(const uint8_t *p, lc_module_diag_caps *out, lc_diag *diag);

/* Whether the module can generate (gen) or check pattern `id` on `side`, and reports BER in a register. */
bool lc_module_diag_can(const lc_module_diag_caps *c, enum lc_prbs_side side, bool gen, int id);

/* The 16-bit BER format of page 14h: b0 = exponent (bits 7-3, bias 24) and mantissa bits 10-8, b1 = mantissa
 * bits 7-0; mantissa x 10^(exponent - 24). */
double lc_module_f16_ber(uint8_t b0, uint8_t b1);

/* "PRBS31Q" / "PRBS-31Q" -> 0 ... "SSPRQ" -> 12, case-insensitive; -1 for another name. */
int lc_module_prbs_pattern_parse(const char *name);
const char *lc_module_prbs_pattern_name(int id); /* "PRBS31Q"...; "?" outside 0..12 */

/*
 * Read page 13h's advertisement. An SFF-8636 or flat module, or a CMIS module that refuses page 13h, has
 * none: 0 with caps->present false. Returns 0, or the bus errors of lc_module_mem_read().
 */
int lc_module_diag_caps_read(lc_module *mod, lc_module_diag_caps *caps, lc_diag *diag);

/*
 * Switch the generator (gen) or the checker of `side` on for the lanes in lane_mask (bit 0 = lane 1) with
 * pattern id `pattern`, or off for them (on = false; pattern ignored): pattern selects first, then the enable
 * byte (read-modify-write: other lanes keep theirs), read back to verify.
 * Returns 0; LC_ERR_ARG for pattern outside 0..12 or an empty mask; LC_ERR_UNSUPPORTED for a module without
 * diagnostics pages; LC_ERR_INSTRUMENT when the module ignores the write; the bus errors.
 */
int lc_module_prbs_set(lc_module *mod, enum lc_prbs_side side, bool gen, uint8_t lane_mask, int pattern, bool on,
		       lc_diag *diag);

/* Every generator and checker off, both sides, all lanes, read back. Returns 0 or the first error (it still
 * tries every byte). */
int lc_module_prbs_all_off(lc_module *mod, lc_diag *diag);

typedef struct lc_module_prbs_result {
	double ber[8];       /* per lane of the side, the checker's BER (format above) */
	uint8_t lol;         /* 14h:138 (host) / 139 (media): bit n = lane n+1 lost pattern lock (latched) */
	uint8_t checker_on;  /* 13h:160 / 168 as read: lanes whose checker runs */
} lc_module_prbs_result;

/*
 * The checker results of `side`: write the selector 14h:128 = 1 (BER), wait settle_ms, read page 14h whole
 * and the checker enable byte; the selector must read back 1.
 * Returns 0; LC_ERR_UNSUPPORTED without page 14h; LC_ERR_INSTRUMENT when the selector does not read back;
 * the bus errors (a short read is LC_ERR_TRUNCATED, never partial data).
 */
int lc_module_prbs_read(lc_module *mod, enum lc_prbs_side side, int settle_ms, lc_module_prbs_result *out,
			lc_diag *diag);

#endif
