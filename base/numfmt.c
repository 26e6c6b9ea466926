/* Exact exponent notation (numfmt.h). A finite nonzero double is m * 2^e with an integer m < 2^53. Its
 * prec + 1 significant digits are round(v * 10^s) with s = prec - k, k = floor(log10 |v|), and
 * v * 10^s = m * 5^s * 2^(e + s): when that fits a 128-bit numerator over a 128-bit denominator (a power of
 * two, or a power of five times one), one integer division gives the digits and its remainder decides the
 * rounding exactly, ties to even as glibc does in the default rounding mode. Values that do not fit
 * (subnormals, |v| beyond about 1e38 or below about 1e-24) go to snprintf, which is exact by definition. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/numfmt.h"

static const uint64_t pow10_64[20] = {1ULL,
				      10ULL,
				      100ULL,
				      1000ULL,
				      10000ULL,
				      100000ULL,
				      1000000ULL,
				      10000000ULL,
				      100000000ULL,
				      1000000000ULL,
				      10000000000ULL,
				      100000000000ULL,
				      1000000000000ULL,
				      10000000000000ULL,
				      100000000000000ULL,
				      1000000000000000ULL,
				      10000000000000000ULL,
				      100000000000000000ULL,
				      1000000000000000000ULL,
				      10000000000000000000ULL};

/* Copies the finished text like snprintf: cut to cap - 1 bytes, NUL-terminated, full length returned. */
static int emit(char *buf, size_t cap, const char *s, size_t n)
{
	if (cap > 0) {
		size_t k = n < cap - 1 ? n : cap - 1;
		memcpy(buf, s, k);
		buf[k] = '\0';
	}
	return (int)n;
}

/* printf's own text, with the exponent widened to three digits for LC_FMT_EXP3. */
static int slow(char *buf, size_t cap, double v, int prec, unsigned flags)
{
	char fmt[8], tmp[64];
	snprintf(fmt, sizeof(fmt), "%%%s.*%c", flags & LC_FMT_PLUS ? "+" : "", flags & LC_FMT_UPPER ? 'E' : 'e');
	int n = snprintf(tmp, sizeof(tmp), fmt, prec, v);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return emit(buf, cap, "", 0); /* cannot happen: at most 1 + 1 + 1 + 17 + 5 characters */
	char *e = (flags & LC_FMT_EXP3) ? strchr(tmp, flags & LC_FMT_UPPER ? 'E' : 'e') : NULL;
	if (e && strlen(e + 2) == 2) { /* "E+05" -> "E+005" */
		memmove(e + 3, e + 2, 3);
		e[2] = '0';
		n++;
	}
	return emit(buf, cap, tmp, (size_t)n);
}

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 u128;

static const uint64_t pow5_64[28] = {
	1ULL,
	5ULL,
	25ULL,
	125ULL,
	625ULL,
	3125ULL,
	15625ULL,
	78125ULL,
	390625ULL,
	1953125ULL,
	9765625ULL,
	48828125ULL,
	244140625ULL,
	1220703125ULL,
	6103515625ULL,
	30517578125ULL,
	152587890625ULL,
	762939453125ULL,
	3814697265625ULL,
	19073486328125ULL,
	95367431640625ULL,
	476837158203125ULL,
	2384185791015625ULL,
	11920928955078125ULL,
	59604644775390625ULL,
	298023223876953125ULL,
	1490116119384765625ULL,
	7450580596923828125ULL,
};

static int bitlen128(u128 x)
{
	uint64_t hi = (uint64_t)(x >> 64);
	if (hi)
		return 128 - __builtin_clzll(hi);
	uint64_t lo = (uint64_t)x;
	return lo ? 64 - __builtin_clzll(lo) : 0;
}

/* 5^n for n <= 54 (5^27 is the largest power in 64 bits). */
static u128 pow5(int n)
{
	return n <= 27 ? (u128)pow5_64[n] : (u128)pow5_64[27] * pow5_64[n - 27];
}

/* The prec + 1 digits of round(m * 2^e * 10^s) into *d and 0, or -1 when the exact quotient does not fit. */
static int digits(uint64_t m, int e, int s, uint64_t *d)
{
	u128 num, den;
	int t = e + s; /* power of two left once 10^s = 5^s * 2^s is split */
	if (s >= 0) {
		if (s > 54)
			return -1;
		u128 p = pow5(s);
		if (bitlen128(p) + 53 > 127)
			return -1;
		num = p * m;
		if (t >= 0) {
			if (t + bitlen128(num) > 127)
				return -1;
			num <<= t; /* an integer: nothing to round */
			if (num >> 64)
				return -1;
			*d = (uint64_t)num;
			return 0;
		}
		if (t < -127)
			return -1;
		/* den = 2^-t: the quotient is a shift and the remainder a mask */
		int sh = -t;
		u128 q = num >> sh;
		u128 rem = num & (((u128)1 << sh) - 1);
		u128 half = (u128)1 << (sh - 1);
		if (rem > half || (rem == half && (q & 1)))
			q++;
		if (q >> 64)
			return -1;
		*d = (uint64_t)q;
		return 0;
	}
	if (-s > 54)
		return -1;
	den = pow5(-s);
	num = m;
	if (t >= 0) {
		if (t + 53 > 127)
			return -1;
		num <<= t;
	} else {
		if (bitlen128(den) - t > 127)
			return -1;
		den <<= -t;
	}
	u128 q = num / den, rem = num - q * den;
	u128 other = den - rem;
	if (rem > other || (rem == other && (q & 1)))
		q++;
	if (q >> 64)
		return -1;
	*d = (uint64_t)q;
	return 0;
}
#endif

int lc_fmt_exp(char *buf, size_t cap, double v, int prec, unsigned flags)
{
	if (prec < 0 || prec > LC_FMT_EXP_MAX_PREC)
		return LC_ERR_ARG;
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	int neg = (int)(bits >> 63);
	int be = (int)(bits >> 52) & 0x7ff;
	uint64_t m = bits & ((1ULL << 52) - 1);
	uint64_t d = 0;
	int k = 0;
	if (be == 0x7ff || (be == 0 && m != 0))
		return slow(buf, cap, v, prec, flags); /* inf, nan, subnormal */
	if (be != 0) {
#ifdef __SIZEOF_INT128__
		m |= 1ULL << 52;
		int e = be - 1075;
		int b = e + 52;		  /* floor(log2 |v|) */
		k = (b * 78913) >> 18;	  /* floor(b * log10(2)): floor(log10 |v|) is k or k + 1 */
		if (digits(m, e, prec - k, &d) < 0)
			return slow(buf, cap, v, prec, flags);
		if (d >= pow10_64[prec + 1]) { /* k was one too low: redo, the rounding must see the true remainder */
			k++;
			if (digits(m, e, prec - k, &d) < 0)
				return slow(buf, cap, v, prec, flags);
		}
		if (d == pow10_64[prec + 1]) { /* 9.99..95 rounded up to 10.00..0 */
			d = pow10_64[prec];
			k++;
		}
#else
		return slow(buf, cap, v, prec, flags);
#endif
	}
	char out[48];
	size_t n = 0;
	if (neg)
		out[n++] = '-';
	else if (flags & LC_FMT_PLUS)
		out[n++] = '+';
	char dig[20];
	for (int i = prec; i >= 0; i--) {
		dig[i] = (char)('0' + d % 10);
		d /= 10;
	}
	out[n++] = dig[0];
	if (prec > 0) {
		out[n++] = '.';
		memcpy(out + n, dig + 1, (size_t)prec);
		n += (size_t)prec;
	}
	out[n++] = flags & LC_FMT_UPPER ? 'E' : 'e';
	out[n++] = k < 0 ? '-' : '+';
	unsigned ak = (unsigned)(k < 0 ? -k : k);
	if (ak >= 100 || (flags & LC_FMT_EXP3))
		out[n++] = (char)('0' + ak / 100);
	out[n++] = (char)('0' + ak / 10 % 10);
	out[n++] = (char)('0' + ak % 10);
	return emit(buf, cap, out, n);
}
