#include "serve/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lanecert/results.h>

void lc_sb_init(lc_sb *b)
{
	memset(b, 0, sizeof(*b));
}

void lc_sb_free(lc_sb *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

static bool grow(lc_sb *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + extra + 1)
		cap *= 2;
	if (cap > LC_SB_MAX) {
		b->failed = true;
		return false;
	}
	char *n = realloc(b->s, cap);
	if (!n) {
		b->failed = true;
		return false;
	}
	b->s = n;
	b->cap = cap;
	return true;
}

void lc_sb_putn(lc_sb *b, const char *s, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void lc_sb_put(lc_sb *b, const char *s)
{
	if (s)
		lc_sb_putn(b, s, strlen(s));
}

void lc_sb_printf(lc_sb *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char small[512];
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		lc_sb_putn(b, small, (size_t)n);
		return;
	}
	if (!grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 when it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

void lc_sb_html(lc_sb *b, const char *s)
{
	if (!s)
		return;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		const char *ent = NULL;
		switch (*p) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: break;
		}
		if (ent) {
			lc_sb_put(b, ent);
			p++;
			continue;
		}
		size_t n = utf8_len(p);
		if (n == 0) {
			lc_sb_put(b, "\xef\xbf\xbd");
			p++;
		} else if (n == 1 && *p < 0x20 && *p != '\t' && *p != '\n') {
			lc_sb_put(b, "\xef\xbf\xbd"); /* control characters have no business in a page */
			p++;
		} else {
			lc_sb_putn(b, (const char *)p, n);
			p += n;
		}
	}
}

void lc_sb_url(lc_sb *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '.' || *p == '_' || *p == '~') {
			lc_sb_putn(b, (const char *)p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			lc_sb_putn(b, e, 3);
		}
	}
}

void lc_sb_json(lc_sb *b, const char *s)
{
	lc_sb_put(b, "\"");
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			lc_sb_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&')
			lc_sb_printf(b, "\\u%04x", *p); /* safe inside a <script> too */
		else
			lc_sb_putn(b, (const char *)p, 1);
	}
	lc_sb_put(b, "\"");
}

void lc_sb_time(lc_sb *b, int64_t ms)
{
	char t[32];
	if (ms == LC_TIME_NONE || lc_time_format(ms, t, NULL) < 0) {
		lc_sb_put(b, "-");
		return;
	}
	t[10] = ' ';
	t[19] = '\0';
	lc_sb_put(b, t);
}
