/* libFuzzer target: lc_fmt_exp (base/numfmt.h) against snprintf. The first 8 bytes are the double's bits,
 * the next byte the precision (mod 18) and the flags; the text and the length must be printf's, exponent
 * widened to three digits for LC_FMT_EXP3, and a short buffer must be cut exactly as snprintf cuts it. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/numfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 9)
		return 0;
	double v;
	memcpy(&v, data, sizeof(v));
	int prec = data[8] % (LC_FMT_EXP_MAX_PREC + 1);
	unsigned flags = (unsigned)(data[8] / (LC_FMT_EXP_MAX_PREC + 1)) & 7;
	size_t cap = size > 9 ? data[9] % 40 : 64;

	static const char *const fmt[4] = {"%.*e", "%+.*e", "%.*E", "%+.*E"};
	char want[80], got[80], cut[80];
	int n = snprintf(want, sizeof(want), fmt[flags & 3], prec, v);
	if ((flags & LC_FMT_EXP3) && isfinite(v) && (want[n - 4] == 'e' || want[n - 4] == 'E') &&
	    (want[n - 3] == '+' || want[n - 3] == '-')) {
		memmove(want + n - 1, want + n - 2, 3);
		want[n - 2] = '0';
		n++;
	}
	if (lc_fmt_exp(got, sizeof(got), v, prec, flags) != n || strcmp(got, want) != 0)
		abort();
	memset(cut, 'x', sizeof(cut));
	if (lc_fmt_exp(cut, cap, v, prec, flags) != n)
		abort();
	if (cap > 0 && (strlen(cut) != ((size_t)n < cap ? (size_t)n : cap - 1) || strncmp(cut, want, strlen(cut)) != 0))
		abort();
	if (cut[cap] != 'x')
		abort();
	return 0;
}
