/* Helpers shared by the SFF-8636 and CMIS decoders. Private to instruments/module/. */
#ifndef LC_MODULE_DECODE_PRIV_H
#define LC_MODULE_DECODE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "instruments/module/module_info.h"

/* Big-endian fields, read byte by byte (never through a cast: no unaligned access). */
static inline unsigned lc_mod_u16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }
static inline int lc_mod_s16(const uint8_t *p) { return (int)(int16_t)(uint16_t)((unsigned)p[0] << 8 | p[1]); }

/* An ASCII field (space/NUL padded) into dst (len+1 bytes), trailing padding removed. A byte outside
 * printable ASCII that is not padding is LC_ERR_FORMAT naming page and offset. */
int lc_mod_ascii(const uint8_t *src, size_t len, char *dst, const char *page, unsigned offset, const char *what,
		 lc_diag *diag);

/* A code's table name, or "unknown (0xNN)". */
void lc_mod_code_name(int table, uint8_t code, char *dst, size_t cap);

/* Thresholds high alarm, low alarm, high warning, low warning, 2 bytes each from p, times scale. */
void lc_mod_limits(const uint8_t *p, double scale, bool is_signed, lc_module_limits *out);

#endif
