/* Value parsers of hal/scpi_parse.h: strict grammars, so that a garbled reply is an error, not a number. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hal/scpi_parse.h"

static void trim(const char **s, size_t *len)
{
	while (*len && isspace((unsigned char)**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && isspace((unsigned char)(*s)[*len - 1]))
		(*len)--;
}

/* Length of an NR1/NR2/NR3 number at s (sign, digits, '.', exponent); 0 if none. */
static size_t number_span(const char *s, size_t len, bool *integral)
{
	size_t i = 0, digits = 0;
	*integral = true;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < len && isdigit((unsigned char)s[i]))
		i++, digits++;
	if (i < len && s[i] == '.') {
		*integral = false;
		i++;
		while (i < len && isdigit((unsigned char)s[i]))
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1, ed = 0;
		if (j < len && (s[j] == '+' || s[j] == '-'))
			j++;
		while (j < len && isdigit((unsigned char)s[j]))
			j++, ed++;
		if (!ed)
			return 0;
		*integral = false;
		i = j;
	}
	return i;
}

/* strtod on a bounded copy; the grammar was checked, so only range errors remain. */
static int to_double(const char *s, size_t len, double *v, lc_diag *diag)
{
	char tmp[64];
	if (len >= sizeof(tmp))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "number of %zu characters is too long", len);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	/* the grammar has no locale-dependent characters except '.', which the C locale of a library caller
	 * may have changed: replace it by the locale's own decimal point before strtod. */
	char *dot = strchr(tmp, '.');
	if (dot) {
		char probe[8];
		snprintf(probe, sizeof(probe), "%.1f", 1.5);
		if (probe[1] != '.')
			*dot = probe[1];
	}
	errno = 0;
	double d = strtod(tmp, NULL);
	if (errno == ERANGE && fabs(d) > 1.0)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "number '%s' is out of range", tmp);
	*v = d;
	return 0;
}

int lc_scpi_parse_double(const char *s, size_t len, double *value, lc_diag *diag)
{
	if (!s)
		s = ""; /* an empty reply may have no buffer at all */
	const char *start = s;
	bool integral;
	trim(&s, &len);
	size_t n = number_span(s, len, &integral);
	if (n == 0 || n != len)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "'%.*s' is not a number (offset %zu)", (int)(len > 40 ? 40 : len),
				   s, (size_t)(s - start) + n);
	return to_double(s, len, value, diag);
}

int lc_scpi_parse_int(const char *s, size_t len, long long *value, lc_diag *diag)
{
	if (!s)
		s = ""; /* an empty reply may have no buffer at all */
	const char *start = s;
	bool integral;
	trim(&s, &len);
	size_t n = number_span(s, len, &integral);
	if (n == 0 || n != len)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "'%.*s' is not an integer (offset %zu)",
				   (int)(len > 40 ? 40 : len), s, (size_t)(s - start) + n);
	if (integral) {
		long long v = 0;
		size_t i = 0;
		bool neg = s[0] == '-';
		if (s[0] == '+' || s[0] == '-')
			i++;
		for (; i < len; i++) {
			int d = s[i] - '0';
			if (v > (LLONG_MAX - d) / 10)
				return lc_diag_set(diag, LC_ERR_OVERFLOW, "integer '%.*s' is out of range",
						   (int)(len > 40 ? 40 : len), s);
			v = v * 10 + d;
		}
		*value = neg ? -v : v;
		return 0;
	}
	double d;
	int e = to_double(s, len, &d, diag);
	if (e)
		return e;
	if (d != floor(d))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "'%.*s' is not an integer", (int)(len > 40 ? 40 : len), s);
	if (d >= 9.2233720368547758e18 || d < -9.2233720368547758e18)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "integer '%.*s' is out of range", (int)(len > 40 ? 40 : len), s);
	*value = (long long)d;
	return 0;
}

int lc_scpi_parse_bool(const char *s, size_t len, bool *value, lc_diag *diag)
{
	if (!s)
		s = ""; /* an empty reply may have no buffer at all */
	trim(&s, &len);
	if ((len == 1 && s[0] == '1') || (len == 2 && strncmp(s, "+1", 2) == 0) ||
	    (len == 2 && strncasecmp(s, "ON", 2) == 0)) {
		*value = true;
		return 0;
	}
	if ((len == 1 && s[0] == '0') || (len == 2 && strncmp(s, "+0", 2) == 0) ||
	    (len == 3 && strncasecmp(s, "OFF", 3) == 0)) {
		*value = false;
		return 0;
	}
	return lc_diag_set(diag, LC_ERR_PROTOCOL, "'%.*s' is not a boolean (0, 1, ON, OFF)", (int)(len > 40 ? 40 : len),
			   s);
}

int lc_scpi_parse_string(const char *s, size_t len, char *out, size_t cap, lc_diag *diag)
{
	if (!s)
		s = ""; /* an empty reply may have no buffer at all */
	size_t o = 0;
	if (cap == 0)
		return lc_diag_set(diag, LC_ERR_ARG, "zero-sized buffer");
	trim(&s, &len);
	if (len > 0 && (s[0] == '"' || s[0] == '\'')) {
		char q = s[0];
		size_t i = 1;
		for (;;) {
			if (i >= len)
				return lc_diag_set(diag, LC_ERR_PROTOCOL, "string has no closing %c", q);
			if (s[i] == q) {
				if (i + 1 < len && s[i + 1] == q) {
					i++; /* doubled quote stands for one */
				} else {
					if (i + 1 != len)
						return lc_diag_set(diag, LC_ERR_PROTOCOL,
								   "text after the closing quote at offset %zu", i + 1);
					break;
				}
			}
			if (o + 1 >= cap)
				return lc_diag_set(diag, LC_ERR_OVERFLOW, "string longer than %zu bytes", cap - 1);
			out[o++] = s[i++];
		}
	} else {
		if (len + 1 > cap)
			return lc_diag_set(diag, LC_ERR_OVERFLOW, "string longer than %zu bytes", cap - 1);
		if (len)
			memcpy(out, s, len);
		o = len;
	}
	out[o] = '\0';
	return (int)o;
}

int lc_scpi_parse_doubles(const char *s, size_t len, double **values, size_t *count, lc_diag *diag)
{
	if (!s)
		s = ""; /* an empty reply may have no buffer at all */
	size_t n = 1, k = 0, pos = 0;
	double *v;
	*values = NULL;
	*count = 0;
	{
		const char *t = s;
		size_t tl = len;
		trim(&t, &tl);
		if (tl == 0)
			return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',')
			n++;
	if (n > (size_t)INT32_MAX / sizeof(double))
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "too many values");
	v = malloc(n * sizeof(double));
	if (!v)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory for %zu values", n);
	while (k < n) {
		const char *c = memchr(s + pos, ',', len - pos);
		size_t end = c ? (size_t)(c - s) : len;
		int e = lc_scpi_parse_double(s + pos, end - pos, &v[k], diag);
		if (e) {
			free(v);
			lc_diag_prefix(diag, "value %zu at offset %zu: ", k + 1, pos);
			return e;
		}
		k++;
		pos = end + 1;
	}
	*values = v;
	*count = n;
	return (int)n;
}

int lc_scpi_parse_error(const char *s, size_t len, lc_scpi_error *err, lc_diag *diag)
{
	if (!s)
		s = ""; /* an empty reply may have no buffer at all */
	const char *comma = memchr(s, ',', len);
	long long code;
	size_t nl = comma ? (size_t)(comma - s) : len;
	int e = lc_scpi_parse_int(s, nl, &code, diag);
	if (e) {
		lc_diag_prefix(diag, "SYST:ERR? reply: ");
		return e;
	}
	if (code < INT32_MIN || code > INT32_MAX)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "SYST:ERR? reply: error number %lld out of range", code);
	err->code = (int)code;
	err->text[0] = '\0';
	if (!comma)
		return 0;
	const char *t = comma + 1;
	size_t tl = len - nl - 1;
	trim(&t, &tl);
	if (tl >= 2 && t[0] == '"' && t[tl - 1] == '"') {
		e = lc_scpi_parse_string(t, tl, err->text, sizeof(err->text), NULL);
		if (e >= 0)
			return 0;
		/* a message longer than text: keep what fits, it is only a description */
		t++;
		tl -= 2;
	}
	if (tl >= sizeof(err->text))
		tl = sizeof(err->text) - 1;
	memcpy(err->text, t, tl);
	err->text[tl] = '\0';
	return 0;
}

size_t lc_scpi_block_type_size(enum lc_block_type type)
{
	switch (type) {
	case LC_BLOCK_U8: return 1;
	case LC_BLOCK_I16: case LC_BLOCK_U16: return 2;
	case LC_BLOCK_I32: case LC_BLOCK_F32: return 4;
	case LC_BLOCK_F64: return 8;
	}
	return 0;
}

static uint64_t load(const uint8_t *p, size_t n, enum lc_byte_order order)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v |= (uint64_t)p[order == LC_LITTLE_ENDIAN ? i : n - 1 - i] << (8 * i);
	return v;
}

int lc_scpi_block_decode(const uint8_t *data, size_t len, enum lc_block_type type, enum lc_byte_order order,
			 double **values, size_t *count, lc_diag *diag)
{
	size_t sz = lc_scpi_block_type_size(type);
	*values = NULL;
	*count = 0;
	if (!sz)
		return lc_diag_set(diag, LC_ERR_ARG, "unknown block element type %d", (int)type);
	if (order != LC_BIG_ENDIAN && order != LC_LITTLE_ENDIAN)
		return lc_diag_set(diag, LC_ERR_ARG, "unknown byte order %d", (int)order);
	if (len % sz)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "block of %zu bytes is not a whole number of %zu-byte values",
				   len, sz);
	size_t n = len / sz;
	if (n > (size_t)INT32_MAX)
		return lc_diag_set(diag, LC_ERR_OVERFLOW, "block of %zu values is too large", n);
	if (n == 0)
		return 0;
	double *v = malloc(n * sizeof(double));
	if (!v)
		return lc_diag_set(diag, LC_ERR_NOMEM, "out of memory for %zu values", n);
	for (size_t i = 0; i < n; i++) {
		uint64_t raw = load(data + i * sz, sz, order);
		switch (type) {
		case LC_BLOCK_U8: v[i] = (double)(uint8_t)raw; break;
		case LC_BLOCK_I16: v[i] = (double)(int16_t)(uint16_t)raw; break;
		case LC_BLOCK_U16: v[i] = (double)(uint16_t)raw; break;
		case LC_BLOCK_I32: v[i] = (double)(int32_t)(uint32_t)raw; break;
		case LC_BLOCK_F32: {
			uint32_t u = (uint32_t)raw;
			float f;
			memcpy(&f, &u, sizeof(f));
			v[i] = f;
			break;
		}
		case LC_BLOCK_F64: {
			double d;
			memcpy(&d, &raw, sizeof(d));
			v[i] = d;
			break;
		}
		}
	}
	*values = v;
	*count = n;
	return (int)n;
}

int lc_scpi_parse_block(const uint8_t *reply, size_t len, size_t *data_off, size_t *data_len, lc_diag *diag)
{
	size_t i = 0;
	while (i < len && isspace(reply[i]))
		i++;
	if (i >= len)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "reply is empty, not an IEEE 488.2 block");
	if (reply[i] != '#')
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "reply is not an IEEE 488.2 block: byte 0x%02x at offset %zu",
				   reply[i], i);
	if (i + 1 >= len)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "block header ends after '#'");
	uint8_t d = reply[i + 1];
	if (d == '0') {
		*data_off = i + 2;
		*data_len = len - i - 2;
		return 0;
	}
	if (d < '1' || d > '9')
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "block header: byte 0x%02x at offset %zu is not a digit", d,
				   i + 1);
	size_t nd = (size_t)(d - '0');
	if (i + 2 + nd > len)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "block header of %zu length digits is cut short", nd);
	uint64_t bl = 0;
	for (size_t k = 0; k < nd; k++) {
		uint8_t c = reply[i + 2 + k];
		if (c < '0' || c > '9')
			return lc_diag_set(diag, LC_ERR_PROTOCOL, "block header: byte 0x%02x at offset %zu is not a digit",
					   c, i + 2 + k);
		bl = bl * 10 + (uint64_t)(c - '0');
	}
	size_t off = i + 2 + nd;
	if (bl > len - off)
		return lc_diag_set(diag, LC_ERR_TRUNCATED, "block announces %llu bytes, %zu present",
				   (unsigned long long)bl, len - off);
	if (bl < len - off)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "%zu bytes follow the %llu-byte block", len - off - (size_t)bl,
				   (unsigned long long)bl);
	*data_off = off;
	*data_len = (size_t)bl;
	return 0;
}

int lc_scpi_check_text(const char *s, size_t len, lc_diag *diag)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\t') || c > 0x7E)
			return lc_diag_set(diag, LC_ERR_PROTOCOL,
					   "text reply '%.*s': byte 0x%02x at offset %zu is not printable ASCII",
					   (int)(len > 60 ? 60 : len), s, c, i);
	}
	return 0;
}
