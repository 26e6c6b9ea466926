/*
 * Text that crosses into lanecert from outside (an instrument's reply, a Lua error, a module's EEPROM) is made
 * valid UTF-8 here, at the boundary, so that reasons, reports, the results store and `--json` lines never
 * carry a byte that a JSON writer must refuse.
 *
 * Valid means strict UTF-8 as jansson and SQLite's JSON functions accept it: no NUL, no overlong forms, no
 * surrogates, nothing past U+10FFFF.
 *
 * Thread safety: every function is reentrant. Since 0.2.
 */
#ifndef LC_BASE_UTF8_H
#define LC_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* true when the n bytes at s are valid UTF-8 (see above) and hold no NUL. */
bool lc_utf8_valid(const char *s, size_t n);

/* The length in bytes of the valid character at s[0..n) (1 to 4), or 0 when s[0] does not start one (an
 * invalid byte, a truncated sequence, an overlong form, a surrogate, a NUL). */
size_t lc_utf8_char_len(const char *s, size_t n);

/*
 * Copy n bytes of src into dst (capacity cap >= 1) as valid UTF-8: every byte that does not start a valid
 * character is written as the four characters \xNN (uppercase hex). When dst is too small the copy stops
 * before the character or escape that does not fit, so a character is never split. dst is always
 * NUL-terminated. Returns the number of bytes written (without the NUL). src and dst must not overlap.
 */
size_t lc_utf8_escape(char *dst, size_t cap, const char *src, size_t n);

/* snprintf that yields valid UTF-8: the formatted text goes through lc_utf8_escape(), so invalid bytes are
 * escaped and a text too long for buf is cut before the first character that does not fit. buf (cap >= 1) is
 * always NUL-terminated. Returns the length written, or a negative LC_ERR_* (LC_ERR_NOMEM, LC_ERR_ARG for a
 * bad format) with buf empty. */
int lc_utf8_printf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Shorten the NUL-terminated s in place to at most max bytes, cutting before a character that would be split
 * (s must already be valid UTF-8). Returns the new length. */
size_t lc_utf8_cut(char *s, size_t max);

#endif
