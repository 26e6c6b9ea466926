/* Parsing of BERT counters: quoted numbers, exponent forms, dashes before the first gate, overflow. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hal/scpi_parse.h"
#include "instruments/bert/bert_priv.h"

void lc_bert_unquote(const char *s, char *buf, size_t cap)
{
	if (cap == 0)
		return;
	while (isspace((unsigned char)*s) || *s == '"')
		s++;
	size_t n = strlen(s);
	while (n && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '"'))
		n--;
	if (n >= cap)
		n = 0; /* cut short, a long number would read as another one: empty, which nothing accepts */
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static bool all_dashes(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s != '-')
			return false;
	return true;
}

int lc_bert_parse_ratio(const char *s, double *v, lc_diag *diag)
{
	char t[64];
	lc_bert_unquote(s ? s : "", t, sizeof t);
	if (all_dashes(t)) {
		*v = NAN;
		return LC_BERT_COUNT_NONE;
	}
	double d;
	lc_diag ignored;
	/* IEEE 488.2 decimal forms only: strtod would also read "inf", "nan" or hex from a garbled reply */
	if (lc_scpi_parse_double(t, strlen(t), &d, &ignored) < 0 || !isfinite(d) || d < 0.0)
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "'%.40s' is not a BER value", s ? s : "");
	*v = d;
	return LC_BERT_COUNT_VALUE;
}

int lc_bert_parse_count(const char *s, uint64_t *v, lc_diag *diag)
{
	char t[64];
	lc_bert_unquote(s ? s : "", t, sizeof t);
	if (all_dashes(t))
		return LC_BERT_COUNT_NONE;
	const char *p = t[0] == '+' ? t + 1 : t;
	bool digits = *p != '\0';
	for (const char *q = p; *q; q++)
		digits &= isdigit((unsigned char)*q) != 0;
	if (digits) {
		errno = 0;
		unsigned long long u = strtoull(p, NULL, 10);
		if (errno == ERANGE)
			return LC_BERT_COUNT_OVERFLOW;
		*v = u;
		return LC_BERT_COUNT_VALUE;
	}
	double d;
	lc_diag ignored;
	int prc = lc_scpi_parse_double(t, strlen(t), &d, &ignored);
	if (prc == LC_ERR_OVERFLOW && t[0] != '-') /* "9E999": a count past what a double holds */
		return LC_BERT_COUNT_OVERFLOW;
	if (prc < 0 || !isfinite(d) || d < 0.0 || d != floor(d))
		return lc_diag_set(diag, LC_ERR_PROTOCOL, "'%.40s' is not a counter value", s ? s : "");
	if (d >= 18446744073709551616.0)
		return LC_BERT_COUNT_OVERFLOW;
	*v = (uint64_t)d;
	return LC_BERT_COUNT_VALUE;
}
