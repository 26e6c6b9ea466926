/*
 * Program data of one message unit (IEEE 488.2 §7.7): decimal numbers with unit suffixes, #H/#Q/#B numbers,
 * character data (MIN/MAX/DEF recognised), strings, definite and indefinite blocks, expressions.
 * Every malformed parameter yields its SCPI-99 error number and a short detail (the byte offset).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/scpi/scpi_engine_priv.h"

/* Unit suffixes (upper case) with their multiplier to the base unit. IEEE 488.2 writes M for milli (MHZ is
 * mega by tradition, MA/MOHM likewise, not listed); MDBM/MDB are Keysight's milli-dB forms. */
static const struct {
	const char *suffix;
	double mult;
	const char *base;
} units[] = {
	{"PM", 1e-12, "M"},  {"NM", 1e-9, "M"},  {"UM", 1e-6, "M"},   {"MM", 1e-3, "M"},   {"M", 1, "M"},
	{"KM", 1e3, "M"},    {"DBM", 1, "DBM"},  {"MDBM", 1e-3, "DBM"}, {"DB", 1, "DB"},   {"MDB", 1e-3, "DB"},
	{"PS", 1e-12, "S"},  {"NS", 1e-9, "S"},  {"US", 1e-6, "S"},   {"MS", 1e-3, "S"},   {"S", 1, "S"},
	{"PW", 1e-12, "W"},  {"NW", 1e-9, "W"},  {"UW", 1e-6, "W"},   {"MW", 1e-3, "W"},   {"W", 1, "W"},
	{"WATT", 1, "W"},    {"HZ", 1, "HZ"},    {"KHZ", 1e3, "HZ"},  {"MHZ", 1e6, "HZ"},  {"GHZ", 1e9, "HZ"},
	{"THZ", 1e12, "HZ"}, {"V", 1, "V"},      {"MV", 1e-3, "V"},   {"UV", 1e-6, "V"},   {"PCT", 1, "PCT"},
	{"BPS", 1, "BPS"},   {"KBPS", 1e3, "BPS"}, {"MBPS", 1e6, "BPS"}, {"GBPS", 1e9, "BPS"},
	{"DEG", 1, "DEG"},   {"CEL", 1, "CEL"},
};

static bool is_ws(unsigned char c)
{
	return c <= 0x20;
}

#define FAIL(code, ...)                                          \
	do {                                                     \
		snprintf(detail, detail_cap, __VA_ARGS__);       \
		return (code);                                   \
	} while (0)

struct ctx {
	char *msg;
	size_t len;
	size_t pos;
	char *arena;
	size_t *arena_used;
	char *detail;
	size_t detail_cap;
};

static char *arena_put(struct ctx *x, const char *s, size_t n)
{
	char *d = x->arena + *x->arena_used;
	memcpy(d, s, n);
	d[n] = '\0';
	*x->arena_used += n + 1;
	return d;
}

static int parse_suffix(struct ctx *x, lc_sim_param *p)
{
	char *detail = x->detail;
	size_t detail_cap = x->detail_cap;
	size_t s = x->pos;
	while (x->pos < x->len && (isalpha((unsigned char)x->msg[x->pos]) || x->msg[x->pos] == '/'))
		x->pos++;
	size_t n = x->pos - s;
	if (n > 12)
		FAIL(-134, "%.*s", (int)n, x->msg + s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strlen(units[i].suffix) == n && strncasecmp(units[i].suffix, x->msg + s, n) == 0) {
			p->number *= units[i].mult;
			snprintf(p->unit, sizeof(p->unit), "%s", units[i].base);
			return 0;
		}
	}
	FAIL(-131, "%.*s", (int)n, x->msg + s);
}

static int parse_decimal(struct ctx *x, lc_sim_param *p)
{
	char *detail = x->detail;
	size_t detail_cap = x->detail_cap;
	const char *m = x->msg;
	size_t s = x->pos, i = x->pos, digits = 0;
	if (i < x->len && (m[i] == '+' || m[i] == '-'))
		i++;
	while (i < x->len && isdigit((unsigned char)m[i]))
		i++, digits++;
	bool integer = true;
	if (i < x->len && m[i] == '.') {
		integer = false;
		i++;
		while (i < x->len && isdigit((unsigned char)m[i]))
			i++, digits++;
	}
	if (digits == 0)
		FAIL(-121, "at byte %zu", s);
	/* An exponent needs digits after E; otherwise the E begins a suffix. */
	size_t j = i;
	while (j < x->len && is_ws((unsigned char)m[j]))
		j++;
	if (j < x->len && (m[j] == 'e' || m[j] == 'E')) {
		size_t k = j + 1;
		while (k < x->len && is_ws((unsigned char)m[k]))
			k++;
		if (k < x->len && (m[k] == '+' || m[k] == '-'))
			k++;
		if (k < x->len && isdigit((unsigned char)m[k])) {
			while (k < x->len && isdigit((unsigned char)m[k]))
				k++;
			integer = false;
			i = k;
		}
	}
	char buf[80];
	size_t n = 0;
	for (size_t k = s; k < i; k++) {
		if (is_ws((unsigned char)m[k]))
			continue;
		if (n + 1 >= sizeof(buf))
			FAIL(-124, "at byte %zu", s);
		buf[n++] = m[k];
	}
	buf[n] = '\0';
	double v = strtod(buf, NULL);
	if (!isfinite(v))
		FAIL(-123, "%s", buf);
	p->kind = LC_SIM_P_NUMBER;
	p->number = v;
	p->integer = integer;
	p->unit[0] = '\0';
	x->pos = i;
	size_t k = x->pos;
	while (k < x->len && is_ws((unsigned char)m[k]))
		k++;
	if (k < x->len && isalpha((unsigned char)m[k])) {
		x->pos = k;
		return parse_suffix(x, p);
	}
	return 0;
}

static int parse_hash(struct ctx *x, lc_sim_param *p)
{
	char *detail = x->detail;
	size_t detail_cap = x->detail_cap;
	const char *m = x->msg;
	size_t s = x->pos;
	if (s + 1 >= x->len)
		FAIL(-161, "'#' at byte %zu ends the message", s);
	char t = m[s + 1];
	if (t == '0') { /* indefinite block: the rest of the message */
		p->kind = LC_SIM_P_BLOCK;
		p->text = m + s + 2;
		p->len = x->len - (s + 2);
		x->pos = x->len;
		return 0;
	}
	if (t >= '1' && t <= '9') {
		size_t nd = (size_t)(t - '0');
		if (s + 2 + nd > x->len)
			FAIL(-161, "block header at byte %zu cut short", s);
		size_t blen = 0;
		for (size_t k = 0; k < nd; k++) {
			char c = m[s + 2 + k];
			if (!isdigit((unsigned char)c))
				FAIL(-161, "block length digit '%c' at byte %zu", c, s + 2 + k);
			blen = blen * 10 + (size_t)(c - '0');
		}
		size_t data = s + 2 + nd;
		if (blen > x->len - data)
			FAIL(-161, "block announces %zu bytes, %zu present", blen, x->len - data);
		p->kind = LC_SIM_P_BLOCK;
		p->text = m + data;
		p->len = blen;
		x->pos = data + blen;
		return 0;
	}
	int base;
	switch (toupper((unsigned char)t)) {
	case 'H': base = 16; break;
	case 'Q': base = 8; break;
	case 'B': base = 2; break;
	default: FAIL(-161, "'#%c' at byte %zu", t, s);
	}
	size_t i = s + 2;
	unsigned long long v = 0;
	size_t nd = 0;
	for (; i < x->len && isalnum((unsigned char)m[i]); i++, nd++) {
		int c = toupper((unsigned char)m[i]);
		int d = isdigit(c) ? c - '0' : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : 99;
		if (d >= base)
			FAIL(-121, "'%c' in a base-%d number at byte %zu", m[i], base, i);
		if (v > (~0ULL) / (unsigned)base)
			FAIL(-124, "at byte %zu", s);
		v = v * (unsigned)base + (unsigned)d;
	}
	if (nd == 0)
		FAIL(-121, "no digits after '#%c' at byte %zu", t, s);
	p->kind = LC_SIM_P_NUMBER;
	p->number = (double)v;
	p->integer = true;
	p->unit[0] = '\0';
	x->pos = i;
	return 0;
}

static int parse_string(struct ctx *x, lc_sim_param *p)
{
	char *detail = x->detail;
	size_t detail_cap = x->detail_cap;
	char q = x->msg[x->pos];
	char *d = x->arena + *x->arena_used;
	size_t n = 0;
	for (size_t i = x->pos + 1; i < x->len; i++) {
		if (x->msg[i] == q) {
			if (i + 1 < x->len && x->msg[i + 1] == q) {
				d[n++] = q;
				i++;
				continue;
			}
			d[n] = '\0';
			*x->arena_used += n + 1;
			p->kind = LC_SIM_P_STRING;
			p->text = d;
			p->len = n;
			x->pos = i + 1;
			return 0;
		}
		d[n++] = x->msg[i];
	}
	FAIL(-151, "string at byte %zu has no closing quote", x->pos);
}

static int parse_expr(struct ctx *x, lc_sim_param *p)
{
	char *detail = x->detail;
	size_t detail_cap = x->detail_cap;
	int depth = 0;
	char q = 0;
	for (size_t i = x->pos; i < x->len; i++) {
		char c = x->msg[i];
		if (q) {
			if (c == q)
				q = 0;
		} else if (c == '"' || c == '\'') {
			q = c;
		} else if (c == '(') {
			depth++;
		} else if (c == ')' && --depth == 0) {
			p->kind = LC_SIM_P_EXPR;
			p->len = i + 1 - x->pos;
			p->text = arena_put(x, x->msg + x->pos, p->len);
			x->pos = i + 1;
			return 0;
		}
	}
	FAIL(-171, "expression at byte %zu has no closing ')'", x->pos);
}

static int parse_chars(struct ctx *x, lc_sim_param *p)
{
	char *detail = x->detail;
	size_t detail_cap = x->detail_cap;
	size_t s = x->pos;
	while (x->pos < x->len && (isalnum((unsigned char)x->msg[x->pos]) || x->msg[x->pos] == '_'))
		x->pos++;
	size_t n = x->pos - s;
	if (n > LC_SIM_MNEMONIC_MAX)
		FAIL(-144, "%.*s", (int)n, x->msg + s);
	const char *t = x->msg + s;
	if (lc_sim_mnemonic_match("MINimum", t, n))
		p->kind = LC_SIM_P_MIN;
	else if (lc_sim_mnemonic_match("MAXimum", t, n))
		p->kind = LC_SIM_P_MAX;
	else if (lc_sim_mnemonic_match("DEFault", t, n))
		p->kind = LC_SIM_P_DEF;
	else
		p->kind = LC_SIM_P_CHARS;
	p->text = arena_put(x, t, n);
	p->len = n;
	return 0;
}

static int parse_one(struct ctx *x, lc_sim_param *p)
{
	char *detail = x->detail;
	size_t detail_cap = x->detail_cap;
	unsigned char c = (unsigned char)x->msg[x->pos];
	memset(p, 0, sizeof(*p));
	if (isdigit(c) || c == '+' || c == '-' || c == '.')
		return parse_decimal(x, p);
	if (c == '#')
		return parse_hash(x, p);
	if (c == '"' || c == '\'')
		return parse_string(x, p);
	if (c == '(')
		return parse_expr(x, p);
	if (isalpha(c))
		return parse_chars(x, p);
	if (c == ',' || c == ';')
		FAIL(-102, "empty parameter at byte %zu", x->pos);
	if (c >= 0x7f)
		FAIL(-101, "byte 0x%02x at byte %zu", c, x->pos);
	FAIL(-102, "'%c' at byte %zu", c, x->pos);
}

int lc_sim_params_parse(char *msg, size_t len, size_t *pos, lc_sim_param *params, int *nparams, char *arena,
			size_t *arena_used, char *detail, size_t detail_cap)
{
	struct ctx x = {msg, len, *pos, arena, arena_used, detail, detail_cap};
	*nparams = 0;
	while (x.pos < len && is_ws((unsigned char)msg[x.pos]))
		x.pos++;
	if (x.pos >= len || msg[x.pos] == ';') {
		*pos = x.pos;
		return 0;
	}
	for (;;) {
		if (*nparams >= LC_SIM_PARAMS_MAX)
			FAIL(-108, "more than %d parameters", LC_SIM_PARAMS_MAX);
		int r = parse_one(&x, &params[*nparams]);
		if (r)
			return r;
		(*nparams)++;
		while (x.pos < len && is_ws((unsigned char)msg[x.pos]))
			x.pos++;
		if (x.pos >= len || msg[x.pos] == ';')
			break;
		if (msg[x.pos] != ',')
			FAIL(-103, "'%c' at byte %zu", isprint((unsigned char)msg[x.pos]) ? msg[x.pos] : '?', x.pos);
		x.pos++;
		while (x.pos < len && is_ws((unsigned char)msg[x.pos]))
			x.pos++;
		if (x.pos >= len)
			FAIL(-102, "empty parameter at byte %zu", x.pos);
	}
	*pos = x.pos;
	return 0;
}
