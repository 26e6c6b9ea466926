/* Private to instruments/otdr: a bounds-checked little-endian cursor for the reader and a growable buffer
 * for the writer. Every read goes through these, so no parser reads past a block or does an unaligned
 * load (bytes are assembled one by one). */
#ifndef LC_OTDR_SOR_PRIV_H
#define LC_OTDR_SOR_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "formats/sor.h"

typedef struct lc_sor_cursor {
	const uint8_t *base;  /* start of the whole file, for offsets in messages */
	size_t pos;           /* absolute offset of the next byte */
	size_t end;           /* absolute offset one past the block */
	const char *block;    /* block name for messages */
	lc_diag *diag;
} lc_sor_cursor;

int lc_sor_cur_need(lc_sor_cursor *c, size_t n, const char *what);
int lc_sor_cur_u8(lc_sor_cursor *c, const char *what, uint8_t *v);
int lc_sor_cur_u16(lc_sor_cursor *c, const char *what, uint16_t *v);
int lc_sor_cur_i16(lc_sor_cursor *c, const char *what, int16_t *v);
int lc_sor_cur_u32(lc_sor_cursor *c, const char *what, uint32_t *v);
int lc_sor_cur_i32(lc_sor_cursor *c, const char *what, int32_t *v);
/* n fixed characters into out (n+1 bytes), NUL-terminated. */
int lc_sor_cur_chars(lc_sor_cursor *c, size_t n, const char *what, char *out);
/* A NUL-terminated string, malloc'ed; a block that ends before the NUL is LC_ERR_FORMAT. */
int lc_sor_cur_string(lc_sor_cursor *c, const char *what, char **out);
size_t lc_sor_cur_left(const lc_sor_cursor *c);

/* Block decoders (sor_read_params.c, sor_read_trace.c). c covers the block body after any name header. */
int lc_sor_read_gen(lc_sor_cursor *c, int version, lc_sor_genparams *g);
int lc_sor_read_sup(lc_sor_cursor *c, lc_sor_supparams *s);
int lc_sor_read_fxd(lc_sor_cursor *c, int version, lc_sor_fxdparams *f);
int lc_sor_read_events(lc_sor_cursor *c, int version, lc_sor *sor);
int lc_sor_read_links(lc_sor_cursor *c, lc_sor *sor);
int lc_sor_read_datapts(lc_sor_cursor *c, lc_sor *sor);

/* Checksum classification over the file image (sor_crc.c). cksum_value_off: offset of the stored u16. */
void lc_sor_check_cksum(lc_sor *sor, const uint8_t *data, size_t len, size_t block_off, size_t value_off);

typedef struct lc_sor_buf {
	uint8_t *data;
	size_t len, cap;
	bool failed;          /* an allocation failed: every later put is ignored */
} lc_sor_buf;

void lc_sor_put_bytes(lc_sor_buf *b, const void *p, size_t n);
void lc_sor_put_u16(lc_sor_buf *b, uint16_t v);
void lc_sor_put_u32(lc_sor_buf *b, uint32_t v);
static inline void lc_sor_put_i16(lc_sor_buf *b, int16_t v) { lc_sor_put_u16(b, (uint16_t)v); }
static inline void lc_sor_put_i32(lc_sor_buf *b, int32_t v) { lc_sor_put_u32(b, (uint32_t)v); }
/* A string with its NUL (NULL is written as ""). */
void lc_sor_put_string(lc_sor_buf *b, const char *s);
/* Exactly n characters of s, padded with NULs. */
void lc_sor_put_chars(lc_sor_buf *b, const char *s, size_t n);
void lc_sor_patch_u16(lc_sor_buf *b, size_t off, uint16_t v);
void lc_sor_patch_u32(lc_sor_buf *b, size_t off, uint32_t v);

/* Block names that the reader decodes. */
bool lc_sor_is_standard_block(const char *name);

#endif
