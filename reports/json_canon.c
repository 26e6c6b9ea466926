/* Canonical JSON text: sorted keys, fixed layout, shortest round-trip numbers (reports/report_json.h). */
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/json_canon_priv.h"

#include "base/strbuf.h"

static locale_t c_locale;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void make_c_locale(void)
{
	c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
}

int lc_json_format_real(double v, char buf[32])
{
	if (!isfinite(v))
		return LC_ERR_ARG;
	if (v == 0) { /* also -0: one spelling for one value */
		strcpy(buf, "0");
		return 0;
	}
	/* The shortest digit string that reads back to v; the text must not depend on the program's locale (a
	 * decimal comma would be invalid JSON). */
	pthread_once(&c_locale_once, make_c_locale);
	locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
	/* Round-tripping is monotonic in the digit count (a correctly rounded longer string is closer still),
	 * so the shortest count is found by bisection over 1..17 (17 always round-trips). */
	char tmp[48];
	int lo = 1, hi = 17;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		snprintf(tmp, sizeof(tmp), "%.*e", mid - 1, v);
		if (strtod(tmp, NULL) == v)
			hi = mid;
		else
			lo = mid + 1;
	}
	snprintf(tmp, sizeof(tmp), "%.*e", lo - 1, v);
	if (old)
		uselocale(old);
	/* tmp is [-]d[.ddd]e(+|-)XX: take the digits and the exponent apart. */
	char digits[24], *o = buf;
	size_t nd = 0;
	const char *p = tmp;
	if (*p == '-')
		*o++ = *p++;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	digits[nd] = 0;
	int x = atoi(p + 1);
	/* ECMAScript's Number-to-String layout, with the plain range cut at 1e15 instead of 1e21: a plain
	 * integral number reads back as a JSON integer, and readers (jansson included) refuse integers beyond
	 * 64 bits. So plain decimal for 1e-7 <= |v| < 1e15, else d.ddde[-]X. */
	if (x >= -7 && x < 15) {
		if (x >= (int)nd - 1) {
			memcpy(o, digits, nd);
			o += nd;
			for (int i = 0; i < x - (int)nd + 1; i++)
				*o++ = '0';
		} else if (x >= 0) {
			memcpy(o, digits, (size_t)x + 1);
			o += x + 1;
			*o++ = '.';
			memcpy(o, digits + x + 1, nd - (size_t)x - 1);
			o += nd - (size_t)x - 1;
		} else {
			*o++ = '0', *o++ = '.';
			for (int i = 0; i < -x - 1; i++)
				*o++ = '0';
			memcpy(o, digits, nd);
			o += nd;
		}
		*o = 0;
	} else {
		*o++ = digits[0];
		if (nd > 1) {
			*o++ = '.';
			memcpy(o, digits + 1, nd - 1);
			o += nd - 1;
		}
		sprintf(o, "e%d", x);
	}
	return 0;
}

static void indent(lc_strbuf *b, int depth)
{
	static const char spaces[] = "                                                                ";
	for (int i = 0; i < depth; i++)
		lc_strbuf_put(b, spaces, 2);
}

static void put_string(lc_strbuf *b, const char *s, size_t n)
{
	lc_strbuf_put(b, "\"", 1);
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char u[8];
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof(u), "\\u%04x", c);
				esc = u;
			}
		}
		if (esc) {
			lc_strbuf_put(b, s + i - run, run);
			run = 0;
			lc_strbuf_puts(b, esc);
		} else {
			run++;
		}
	}
	lc_strbuf_put(b, s + n - run, run);
	lc_strbuf_put(b, "\"", 1);
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void emit(lc_strbuf *b, const json_t *v, int depth)
{
	char num[40];
	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		size_t n = json_object_size(v);
		if (n == 0) {
			lc_strbuf_puts(b, "{}");
			return;
		}
		const char **keys = malloc(n * sizeof(*keys));
		if (!keys) {
			b->err = LC_ERR_NOMEM;
			return;
		}
		size_t i = 0;
		const char *k;
		json_t *val;
		json_object_foreach((json_t *)v, k, val) keys[i++] = k;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		lc_strbuf_puts(b, "{\n");
		for (i = 0; i < n; i++) {
			indent(b, depth + 1);
			put_string(b, keys[i], strlen(keys[i]));
			lc_strbuf_puts(b, ": ");
			emit(b, json_object_get(v, keys[i]), depth + 1);
			lc_strbuf_puts(b, i + 1 < n ? ",\n" : "\n");
		}
		free(keys);
		indent(b, depth);
		lc_strbuf_puts(b, "}");
		return;
	}
	case JSON_ARRAY: {
		size_t n = json_array_size(v);
		if (n == 0) {
			lc_strbuf_puts(b, "[]");
			return;
		}
		lc_strbuf_puts(b, "[\n");
		for (size_t i = 0; i < n; i++) {
			indent(b, depth + 1);
			emit(b, json_array_get(v, i), depth + 1);
			lc_strbuf_puts(b, i + 1 < n ? ",\n" : "\n");
		}
		indent(b, depth);
		lc_strbuf_puts(b, "]");
		return;
	}
	case JSON_STRING:
		put_string(b, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		lc_strbuf_puts(b, num);
		return;
	case JSON_REAL:
		if (lc_json_format_real(json_real_value(v), num) < 0) {
			b->err = LC_ERR_ARG;
			return;
		}
		lc_strbuf_puts(b, num);
		return;
	case JSON_TRUE: lc_strbuf_puts(b, "true"); return;
	case JSON_FALSE: lc_strbuf_puts(b, "false"); return;
	case JSON_NULL: lc_strbuf_puts(b, "null"); return;
	}
}

int lc_json_canonical(const json_t *v, char **out, size_t *len, lc_diag *diag)
{
	lc_strbuf b = {0};
	emit(&b, v, 0);
	lc_strbuf_put(&b, "\n", 1);
	if (b.err) {
		free(b.p);
		return lc_diag_set(diag, b.err, b.err == LC_ERR_NOMEM ? "JSON: out of memory"
								    : "JSON: a number is not finite");
	}
	*out = b.p;
	if (len)
		*len = b.len;
	return 0;
}
