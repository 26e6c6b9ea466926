/* Helpers shared by the BERT drivers (not installed). */
#ifndef LC_BERT_PRIV_H
#define LC_BERT_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

enum lc_bert_count_kind {
	LC_BERT_COUNT_VALUE = 0,   /* a number, in *v */
	LC_BERT_COUNT_NONE = 1,    /* a run of dashes ("-------"): no result yet */
	LC_BERT_COUNT_OVERFLOW = 2 /* a number beyond 2^64 - 1 */
};

/*
 * One counter or ratio as a BERT writes it: optional surrounding spaces and double quotes, then an NR1
 * integer, an NR2/NR3 number ("1.2222e10", "+5.10E+01") or dashes. A count must be a non-negative whole
 * number. Returns the kind, or LC_ERR_PROTOCOL with the text in diag.
 */
int lc_bert_parse_count(const char *s, uint64_t *v, lc_diag *diag);
/* Same for a ratio (BER): *v a double; dashes give LC_BERT_COUNT_NONE and NAN. */
int lc_bert_parse_ratio(const char *s, double *v, lc_diag *diag);
/* Copy s without surrounding spaces and double quotes into buf; "" when it does not fit (never cut short). */
void lc_bert_unquote(const char *s, char *buf, size_t cap);

#endif
