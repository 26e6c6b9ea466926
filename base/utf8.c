/* Valid UTF-8 at the boundary (base/utf8.h). */
#include "base/utf8.h"

#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t lc_utf8_char_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n == 0)
		return 0;
	unsigned c = p[0];
	size_t len;
	unsigned min;
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0)
		len = 2, min = 0x80, c &= 0x1F;
	else if ((c & 0xF0) == 0xE0)
		len = 3, min = 0x800, c &= 0x0F;
	else if ((c & 0xF8) == 0xF0)
		len = 4, min = 0x10000, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (p[k] & 0x3F);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are what jansson refuses too. */
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	return len;
}

bool lc_utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t len = lc_utf8_char_len(s + i, n - i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

size_t lc_utf8_escape(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0;
	if (cap == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t len = lc_utf8_char_len(src + i, n - i);
		if (len > 0) {
			if (o + len > cap - 1)
				break;
			memcpy(dst + o, src + i, len);
			o += len;
			i += len;
			continue;
		}
		if (o + 4 > cap - 1)
			break;
		snprintf(dst + o, 5, "\\x%02X", (unsigned char)src[i]);
		o += 4;
		i++;
	}
	dst[o] = '\0';
	return o;
}

size_t lc_utf8_cut(char *s, size_t max)
{
	size_t len = strlen(s);
	if (len <= max)
		return len;
	/* Back up over continuation bytes to the start of the character that straddles the limit. */
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	s[max] = '\0';
	return max;
}

int lc_utf8_printf(char *buf, size_t cap, const char *fmt, ...)
{
	char small[1024];
	va_list ap;
	if (cap == 0)
		return LC_ERR_ARG;
	buf[0] = '\0';
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return LC_ERR_ARG;
	if ((size_t)n < sizeof(small))
		return (int)lc_utf8_escape(buf, cap, small, (size_t)n);
	/* Longer than the stack buffer: format it whole, so the cut is made on characters, not by vsnprintf. */
	char *big = malloc((size_t)n + 1);
	if (!big)
		return LC_ERR_NOMEM;
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	size_t len = lc_utf8_escape(buf, cap, big, (size_t)n);
	free(big);
	return (int)len;
}
